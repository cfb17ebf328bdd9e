"""What DCN does beyond the shared behaviour (tests/test_estimators.py): hard assignments to
the nearest centroid, online centroid updates, the weight of the clustering term."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

import skdeepclust._dcn
from skdeepclust import DCN, Autoencoder

DCN_FAST = dict(hidden_dims=(16,), n_embed=3, pretrain_epochs=10, max_epochs=5, batch_size=32,
                lr=1e-3)

#: Filled by the recording callback (callbacks are cloned per restart).
RECORDED: list[dict] = []


class _RecordStart(Callback):
    """Stores the k-means state when the clustering phase begins."""

    def on_train_begin(self, net, X=None, **kwargs):
        module = net.module_
        RECORDED.append({"centers": module.centers.detach().clone(),
                         "counts": module.counts.detach().clone()})


@pytest.fixture(autouse=True)
def _clear_records():
    RECORDED.clear()
    yield
    RECORDED.clear()


@pytest.fixture
def blobs(blobs):
    X, y = blobs
    return StandardScaler().fit_transform(X).astype(np.float32), y


def test_labels_are_the_nearest_centroid(blobs):
    X, _ = blobs
    model = DCN(n_clusters=3, random_state=0, **DCN_FAST).fit(X)
    d = model.n_embed
    assert model.cluster_centers_.shape == (3, d)
    assert model.decode_centers().shape == (3, 4)
    assert model.inverse_transform(model.transform(X[:5])).shape == (5, 4)
    assert not hasattr(model, "predict_proba")
    dist = ((model.transform(X)[:, None] - model.cluster_centers_[None]) ** 2).sum(2)
    np.testing.assert_array_equal(dist.argmin(1), model.labels_)


def test_separates_easy_blobs(blobs):
    X, y = blobs
    model = DCN(n_clusters=3, random_state=0, **DCN_FAST)
    assert adjusted_rand_score(y, model.fit(X).labels_) == pytest.approx(1.0)


def test_history_and_centroid_updates(blobs):
    X, _ = blobs
    model = DCN(n_clusters=3, random_state=0, callbacks=[_RecordStart()], **DCN_FAST).fit(X)
    history = model.net_.history
    for key in ("train_reconstruction", "train_clustering"):
        assert len(history[:, key]) == model.n_iter_
    # k-means init: the counts start at initial_count and grow by every batch afterwards.
    start = RECORDED[0]
    np.testing.assert_array_equal(start["counts"].numpy(), [100.0] * 3)
    counts = model.net_.module_.counts.numpy()
    assert counts.sum() > 300 and np.all(counts >= 100)
    assert not np.allclose(model.cluster_centers_, start["centers"].numpy())


def test_cluster_weight_scales_the_clustering_term(blobs):
    X, _ = blobs
    params = {**DCN_FAST, "max_epochs": 1}
    small = DCN(n_clusters=3, cluster_weight=0.1, random_state=0, **params).fit(X)
    none = DCN(n_clusters=3, cluster_weight=0.0, random_state=0, **params).fit(X)
    assert small.net_.history[-1, "train_clustering"] > 0
    assert none.net_.history[-1, "train_clustering"] == 0


def test_no_pretraining(blobs):
    X, _ = blobs
    DCN(n_clusters=3, random_state=0, **{**DCN_FAST, "pretrain_epochs": 0}).fit(X)


@pytest.mark.parametrize("balance, hidden_dims, balanced", [
    (False, (), False), ("auto", (), True), ("auto", (16,), False), (True, (16,), True),
])
def test_balance_of_the_code_layer(monkeypatch, blobs, balance, hidden_dims, balanced):
    calls = []
    monkeypatch.setattr(skdeepclust._dcn, "balance_embedding",
                        lambda encoder, decoder: calls.append((encoder, decoder)))
    X, _ = blobs
    params = {**DCN_FAST, "hidden_dims": hidden_dims, "max_epochs": 1}
    DCN(n_clusters=3, balance=balance, random_state=0, **params).fit(X)
    assert len(calls) == int(balanced)


def test_balance_needs_the_built_in_autoencoder(blobs):
    X, _ = blobs
    autoencoder = Autoencoder(hidden_dims=(8,), n_embed=3, max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="balance=True"):
        DCN(n_clusters=3, autoencoder=autoencoder, balance=True, **DCN_FAST).fit(X)
