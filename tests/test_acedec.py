"""What ACeDeC does beyond the shared behaviour (tests/test_estimators.py): the cluster and
shared spaces, the rotation, balancing a linear autoencoder, augmentation."""

import numpy as np
import pytest
import torch
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

import skdeepclust._dcn
import skdeepclust.losses.dcn
from skdeepclust import ACeDeC
from skdeepclust._acedec import split_dimensions
from skdeepclust.nn.acedec import ACeDeCObjective
from tests.conftest import hidden_clusters

ACEDEC_FAST = dict(hidden_dims=(16,), n_embed=4, pretrain_epochs=10, init_epochs=2,
                   max_epochs=5, batch_size=32, lr=1e-3)

#: Filled by the recording callbacks (callbacks are cloned per restart).
RECORDED: list = []


class _RecordStart(Callback):
    """Stores the k-means state and the rotation when the clustering phase begins."""

    def on_train_begin(self, net, X=None, **kwargs):
        module = net.module_
        RECORDED.append({"centers": module.centers.detach().clone(),
                         "counts": module.counts.detach().clone(),
                         "V": module.V.detach().clone()})


class _RecordEncoder(Callback):
    """Stores the weight of the code layer when the clustering phase begins."""

    def on_train_begin(self, net, X=None, **kwargs):
        RECORDED.append(net.module_.autoencoder.encoder[-1].weight.detach().clone())


@pytest.fixture(autouse=True)
def _clear_records():
    RECORDED.clear()
    yield
    RECORDED.clear()


@pytest.fixture
def blobs(blobs):
    X, y = blobs
    return StandardScaler().fit_transform(X).astype(np.float32), y


def test_labels_are_the_beta_weighted_nearest_centroid(blobs):
    X, _ = blobs
    model = ACeDeC(n_clusters=3, random_state=0, **ACEDEC_FAST).fit(X)
    d = model.n_embed
    assert model.cluster_centers_.shape == (3, d)
    assert model.decode_centers().shape == (3, 4)
    assert model.inverse_transform(model.transform(X[:5])).shape == (5, 4)
    assert not hasattr(model, "predict_proba")
    weights = model.beta_ ** 2
    dist = (((model.transform(X)[:, None] - model.cluster_centers_[None]) ** 2) * weights).sum(2)
    np.testing.assert_array_equal(dist.argmin(1), model.labels_)


def test_separates_easy_blobs(blobs):
    X, y = blobs
    model = ACeDeC(n_clusters=3, random_state=0, **ACEDEC_FAST)
    assert adjusted_rand_score(y, model.fit(X).labels_) == pytest.approx(1.0)


def test_interpretability_api(blobs):
    X, _ = blobs
    model = ACeDeC(n_clusters=3, random_state=0, **ACEDEC_FAST).fit(X)
    assert model.beta_.shape == (4,)
    assert np.all((model.beta_ > 0) & (model.beta_ < 1))
    assert model.n_cluster_dims_ == len(model.cluster_dims_) >= 1
    assert len(model.shared_dims_) >= 1
    np.testing.assert_array_equal(np.sort(np.r_[model.cluster_dims_, model.shared_dims_]),
                                  np.arange(4))
    Y = model.transform(X)
    np.testing.assert_array_equal(model.cluster_space(X), Y[:, model.cluster_dims_])
    np.testing.assert_array_equal(model.shared_space(X), Y[:, model.shared_dims_])
    both = model.reconstruct(X)
    np.testing.assert_allclose(both, model.inverse_transform(Y), rtol=1e-5, atol=1e-6)
    cluster_only = model.reconstruct(X, space="cluster")
    shared_only = model.reconstruct(X, space="shared")
    assert cluster_only.shape == shared_only.shape == (150, 4)
    assert not np.allclose(cluster_only, both) and not np.allclose(shared_only, both)
    with pytest.raises(ValueError, match="space"):
        model.reconstruct(X, space="all")
    np.testing.assert_allclose(model.rotation_, model.net_.module_.V.detach().numpy())
    history = model.net_.history
    for key in ("train_cluster", "train_shared", "train_reconstruction"):
        assert key in history[-1]


def test_rotation_is_orthogonal_after_initialisation(blobs):
    # Random orthogonal V times the subspace k-means rotation (no gradient steps yet).
    X, _ = blobs
    ACeDeC(n_clusters=3, random_state=0, callbacks=[_RecordStart()],
           **{**ACEDEC_FAST, "init_epochs": 0}).fit(X)
    V = RECORDED[0]["V"]
    torch.testing.assert_close(V.T @ V, torch.eye(4), atol=1e-5, rtol=0)
    # The starting counts are initial_count per centroid.
    np.testing.assert_array_equal(RECORDED[0]["counts"].numpy(), [100.0] * 3)


def test_finds_the_cluster_dimensions():
    # Linear autoencoder with d = D (the paper's SYNTH-25 setting), small and easy.
    X, y = hidden_clusters()
    model = ACeDeC(n_clusters=4, hidden_dims=(), n_embed=X.shape[1], pretrain_epochs=20,
                   pretrain_lr=1e-2, init_epochs=2, max_epochs=5, batch_size=32, lr=1e-3,
                   random_state=0).fit(X)
    assert normalized_mutual_info_score(y, model.labels_) > 0.99
    assert model.n_cluster_dims_ == 2
    assert np.all(model.beta_[model.cluster_dims_] > 0.9)
    assert np.all(np.abs(model.beta_[model.shared_dims_] - 0.5) < 0.05)
    assert model.cluster_space(X).shape == (400, 2)


@pytest.mark.parametrize("balance", [True, False])
def test_balances_a_linear_autoencoder_into_a_rotation(balance):
    # A linear autoencoder with d = D only fixes its embedding up to an invertible map; with
    # balance=True the encoder starts the clustering phase orthogonal (singular values 1), so
    # the subspace k-means cost of the initialisation is the cost in the data. Without noise:
    # a denoising linear autoencoder shrinks (Sigma (Sigma + s^2 I)^-1), it is not a rotation.
    X, _ = hidden_clusters()
    ACeDeC(n_clusters=4, hidden_dims=(), n_embed=X.shape[1], pretrain_epochs=20,
           pretrain_lr=1e-2, pretrain_warmup=0, pretrain_noise=0.0, pretrain_decay="none",
           init_epochs=0, max_epochs=1, batch_size=32, balance=balance,
           callbacks=[_RecordEncoder()], random_state=0).fit(X)
    singular_values = torch.linalg.svdvals(RECORDED[0])
    if balance:
        torch.testing.assert_close(singular_values, torch.ones(8), atol=1e-3, rtol=0)
    else:   # what pretraining alone leaves (about 0.8 to 1.3 here)
        assert singular_values.max() / singular_values.min() > 1.2


@pytest.mark.parametrize("balance, hidden_dims, balanced", [
    ("auto", (), True), ("auto", (16,), False), (True, (16,), True), (False, (), False),
])
def test_auto_balances_only_a_linear_autoencoder(monkeypatch, balance, hidden_dims, balanced):
    calls = []
    monkeypatch.setattr(skdeepclust._dcn, "balance_embedding",
                        lambda encoder, decoder: calls.append((encoder, decoder)))
    X, _ = hidden_clusters(n=120)
    ACeDeC(n_clusters=4, **{**ACEDEC_FAST, "hidden_dims": hidden_dims, "max_epochs": 1},
           balance=balance, random_state=0).fit(X)
    assert len(calls) == int(balanced)


@pytest.mark.parametrize("beta, cluster, shared", [
    ([0.9, 0.2, 0.55, 0.54], [0, 2], [1, 3]),
    ([0.1, 0.3, 0.2], [1], [0, 2]),       # none above the threshold: the largest
    ([0.9, 0.8, 0.95], [0, 2], [1]),      # all above: the smallest goes to the shared space
])
def test_split_dimensions(beta, cluster, shared):
    cs, ss = split_dimensions(np.array(beta))
    np.testing.assert_array_equal(cs, cluster)
    np.testing.assert_array_equal(ss, shared)


def test_augmentation_on_images():
    rng = np.random.RandomState(0)
    X = rng.rand(64, 1, 6, 6).astype(np.float32)
    X[:32, :, :3] += 1.0
    model = ACeDeC(n_clusters=2, hidden_dims=(8,), n_embed=3, pretrain_epochs=2, init_epochs=1,
                   max_epochs=2, batch_size=16, augmentation=True, random_state=0).fit(X)
    assert model.input_shape_ == (1, 6, 6)
    assert model.labels_.shape == (64,)
    np.testing.assert_array_equal(model.predict(X), model.labels_)


def test_no_pretraining_and_no_rotation_training(blobs):
    X, _ = blobs
    ACeDeC(n_clusters=3, random_state=0,
           **{**ACEDEC_FAST, "pretrain_epochs": 0, "init_epochs": 0}).fit(X)


def test_cluster_weight_scales_both_space_terms_and_centroid_update_is_used(blobs, monkeypatch):
    X, _ = blobs
    calls = []
    moving = skdeepclust.losses.dcn.CENTROID_UPDATES["moving_average"]
    monkeypatch.setitem(skdeepclust.losses.dcn.CENTROID_UPDATES, "moving_average",
                        lambda *args: calls.append(1) or moving(*args))
    model = ACeDeC(n_clusters=3, cluster_weight=0.1, centroid_update="moving_average",
                   random_state=0, **ACEDEC_FAST).fit(X)
    assert calls
    module, batch = model.net_.module_, torch.as_tensor(X[:32])
    with torch.no_grad():
        outputs = module(batch)
        weighted = model.net_.criterion_(outputs, batch, **module.objective_inputs())
        plain = ACeDeCObjective()(outputs, batch, **module.objective_inputs())
    for name in ("cluster", "shared"):
        assert float(weighted[name]) == pytest.approx(0.1 * float(plain[name]), rel=1e-6)
    assert float(weighted["reconstruction"]) == float(plain["reconstruction"])
