"""DCN and ACeDeC through their public API."""

import numpy as np
import pytest
import torch
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

import skdeepclust._acedec
from skdeepclust import DCN, ACeDeC
from skdeepclust._acedec import split_dimensions
from skdeepclust._kmeans import subspace_kmeans

DCN_FAST = dict(hidden_dims=(16,), n_embed=3, pretrain_epochs=10, max_epochs=5, batch_size=32,
                lr=1e-3)
ACEDEC_FAST = dict(hidden_dims=(16,), n_embed=4, pretrain_epochs=10, init_epochs=2,
                   max_epochs=5, batch_size=32, lr=1e-3)

#: Filled by the recording callback (callbacks are cloned per restart).
RECORDED: list[dict] = []


class _RecordStart(Callback):
    """Stores the k-means state and the rotation when the clustering phase begins."""

    def on_train_begin(self, net, X=None, **kwargs):
        module = net.module_
        entry = {"centers": module.centers.detach().clone(),
                 "counts": module.counts.detach().clone()}
        if hasattr(module, "V"):
            entry["V"] = module.V.detach().clone()
        RECORDED.append(entry)


@pytest.fixture(autouse=True)
def _clear_records():
    RECORDED.clear()
    yield
    RECORDED.clear()


@pytest.fixture
def blobs(blobs):
    X, y = blobs
    return StandardScaler().fit_transform(X).astype(np.float32), y


def _hidden_clusters(n=400, noise_dims=6, seed=0):
    """Four clusters in two dimensions plus unimodal noise dimensions (a small SYNTH-25)."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 4
    centers = np.array([[-5, -5], [-5, 5], [5, -5], [5, 5]], dtype=float)
    X = np.hstack([centers[y] + rng.standard_normal((n, 2)),
                   3.0 * rng.standard_normal((n, noise_dims))])
    return X.astype(np.float32), y


@pytest.mark.parametrize("model", [
    DCN(n_clusters=3, random_state=0, **DCN_FAST),
    ACeDeC(n_clusters=3, random_state=0, **ACEDEC_FAST),
])
def test_outputs_and_shapes(blobs, model):
    X, _ = blobs
    labels = model.fit_predict(X)
    np.testing.assert_array_equal(labels, model.labels_)
    np.testing.assert_array_equal(model.labels_, model.predict(X))
    d = model.n_embed
    assert model.transform(X).shape == (150, d)
    assert model.cluster_centers_.shape == (3, d)
    assert model.decode_centers().shape == (3, 4)
    assert model.inverse_transform(model.transform(X[:5])).shape == (5, 4)
    assert not hasattr(model, "predict_proba")
    # Labels are the method's own assignments: the nearest centroid in the embedding
    # (beta-weighted for ACeDeC).
    weights = model.beta_ ** 2 if isinstance(model, ACeDeC) else 1.0
    dist = (((model.transform(X)[:, None] - model.cluster_centers_[None]) ** 2) * weights).sum(2)
    np.testing.assert_array_equal(dist.argmin(1), model.labels_)
    assert model.restart_scores_.shape == (1,)


@pytest.mark.parametrize("model", [
    DCN(n_clusters=3, random_state=0, **DCN_FAST),
    ACeDeC(n_clusters=3, random_state=0, **ACEDEC_FAST),
])
def test_separates_easy_blobs(blobs, model):
    X, y = blobs
    assert adjusted_rand_score(y, model.fit(X).labels_) == pytest.approx(1.0)


@pytest.mark.parametrize("cls, params", [(DCN, DCN_FAST), (ACeDeC, ACEDEC_FAST)])
def test_same_random_state_same_result(blobs, cls, params):
    X, _ = blobs
    a = cls(n_clusters=3, random_state=3, **params).fit(X)
    b = cls(n_clusters=3, random_state=3, **params).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=1e-6)
    np.testing.assert_allclose(a.transform(X), b.transform(X), rtol=1e-6)


def test_restarts_are_selected_by_the_loss(blobs):
    X, _ = blobs
    model = DCN(n_clusters=3, random_state=0, **{**DCN_FAST, "max_epochs": 2}, n_init=3).fit(X)
    assert model.restart_scores_.shape == (3,)
    assert model.best_restart_ == int(np.argmin(model.restart_scores_))
    assert model.restart_labels_.shape == (3, 150)
    np.testing.assert_array_equal(model.restart_labels_[model.best_restart_], model.labels_)
    assert model.score(X) == pytest.approx(-model.restart_scores_[model.best_restart_], rel=1e-5)


def test_dcn_history_and_centroid_updates(blobs):
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


def test_dcn_cluster_weight_scales_the_clustering_term(blobs):
    X, _ = blobs
    params = {**DCN_FAST, "max_epochs": 1}
    small = DCN(n_clusters=3, cluster_weight=0.1, random_state=0, **params).fit(X)
    none = DCN(n_clusters=3, cluster_weight=0.0, random_state=0, **params).fit(X)
    assert small.net_.history[-1, "train_clustering"] > 0
    assert none.net_.history[-1, "train_clustering"] == 0


def test_acedec_interpretability_api(blobs):
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


def test_acedec_rotation_is_orthogonal_after_initialisation(blobs):
    # Random orthogonal V times the subspace k-means rotation (no gradient steps yet).
    X, _ = blobs
    ACeDeC(n_clusters=3, random_state=0, callbacks=[_RecordStart()],
           **{**ACEDEC_FAST, "init_epochs": 0}).fit(X)
    V = RECORDED[0]["V"]
    torch.testing.assert_close(V.T @ V, torch.eye(4), atol=1e-5, rtol=0)
    # The starting counts are initial_count per centroid.
    np.testing.assert_array_equal(RECORDED[0]["counts"].numpy(), [100.0] * 3)


def test_acedec_finds_the_cluster_dimensions():
    # Linear autoencoder with d = D (the paper's SYNTH-25 setting), small and easy.
    X, y = _hidden_clusters()
    model = ACeDeC(n_clusters=4, hidden_dims=(), n_embed=X.shape[1], pretrain_epochs=20,
                   pretrain_lr=1e-2, init_epochs=2, max_epochs=5, batch_size=32, lr=1e-3,
                   random_state=0).fit(X)
    assert normalized_mutual_info_score(y, model.labels_) > 0.99
    assert model.n_cluster_dims_ == 2
    assert np.all(model.beta_[model.cluster_dims_] > 0.9)
    assert np.all(np.abs(model.beta_[model.shared_dims_] - 0.5) < 0.05)
    assert model.cluster_space(X).shape == (400, 2)


class _RecordEncoder(Callback):
    """Stores the weight of the code layer when the clustering phase begins."""

    def on_train_begin(self, net, X=None, **kwargs):
        RECORDED.append(net.module_.autoencoder.encoder[-1].weight.detach().clone())


@pytest.mark.parametrize("balance", [True, False])
def test_acedec_balances_a_linear_autoencoder_into_a_rotation(balance):
    # A linear autoencoder with d = D only fixes its embedding up to an invertible map; with
    # balance=True the encoder starts the clustering phase orthogonal (singular values 1), so
    # the subspace k-means cost of the initialisation is the cost in the data. Without noise:
    # a denoising linear autoencoder shrinks (Sigma (Sigma + s^2 I)^-1), it is not a rotation.
    X, _ = _hidden_clusters()
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
def test_acedec_auto_balances_only_a_linear_autoencoder(monkeypatch, balance, hidden_dims,
                                                        balanced):
    calls = []
    monkeypatch.setattr(skdeepclust._acedec, "balance_embedding",
                        lambda encoder, decoder: calls.append((encoder, decoder)))
    X, _ = _hidden_clusters(n=120)
    ACeDeC(n_clusters=4, **{**ACEDEC_FAST, "hidden_dims": hidden_dims, "max_epochs": 1},
           balance=balance, random_state=0).fit(X)
    assert len(calls) == int(balanced)


def test_subspace_kmeans_recovers_hidden_clusters():
    X, y = _hidden_clusters(seed=1)
    rotation, labels, cost = subspace_kmeans(X.astype(np.float64), 4, np.random.RandomState(0),
                                             n_rounds=3)
    np.testing.assert_allclose(rotation.T @ rotation, np.eye(8), atol=1e-10)
    assert normalized_mutual_info_score(y, labels) > 0.99
    assert np.isfinite(cost)


def test_subspace_kmeans_full_space_round_only_lowers_the_cost():
    # The random rounds draw the same numbers either way, so the best of them plus the
    # full-space round can only cost less; alone, the full-space round finds the clusters.
    X, y = _hidden_clusters(seed=2)
    X = X.astype(np.float64)
    costs = [subspace_kmeans(X, 4, np.random.RandomState(0), n_rounds=2,
                             full_space_round=full)[2] for full in (False, True)]
    assert costs[1] <= costs[0]
    _, labels, _ = subspace_kmeans(X, 4, np.random.RandomState(0), n_rounds=0)
    assert normalized_mutual_info_score(y, labels) > 0.99
    with pytest.raises(ValueError, match="at least one round"):
        subspace_kmeans(X, 4, np.random.RandomState(0), n_rounds=0, full_space_round=False)


@pytest.mark.parametrize("beta, cluster, shared", [
    ([0.9, 0.2, 0.55, 0.54], [0, 2], [1, 3]),
    ([0.1, 0.3, 0.2], [1], [0, 2]),       # none above the threshold: the largest
    ([0.9, 0.8, 0.95], [0, 2], [1]),      # all above: the smallest goes to the shared space
])
def test_split_dimensions(beta, cluster, shared):
    cs, ss = split_dimensions(np.array(beta))
    np.testing.assert_array_equal(cs, cluster)
    np.testing.assert_array_equal(ss, shared)


def test_acedec_augmentation_on_images():
    rng = np.random.RandomState(0)
    X = rng.rand(64, 1, 6, 6).astype(np.float32)
    X[:32, :, :3] += 1.0
    model = ACeDeC(n_clusters=2, hidden_dims=(8,), n_embed=3, pretrain_epochs=2, init_epochs=1,
                   max_epochs=2, batch_size=16, augmentation=True, random_state=0).fit(X)
    assert model.input_shape_ == (1, 6, 6)
    assert model.labels_.shape == (64,)
    np.testing.assert_array_equal(model.predict(X), model.labels_)


@pytest.mark.parametrize("cls, params", [(DCN, DCN_FAST), (ACeDeC, ACEDEC_FAST)])
@pytest.mark.parametrize("option", [{"pretrain_noise": 0.0}, {"pretrain_decay": "none"}])
def test_pretraining_options_reach_the_pretraining(blobs, cls, params, option):
    # Each option set away from its default (denoising, cosine decay) pretrains another network
    # (the decay starts after the warm-up, so that ends before the pretraining does).
    X, _ = blobs
    short = {**params, "max_epochs": 1, "pretrain_warmup": 2}
    fits = [cls(n_clusters=3, random_state=0, **short, **kwargs).fit(X) for kwargs in (option, {})]
    (name, value), = option.items()
    assert fits[1].get_params()[name] != value
    assert not np.allclose(fits[0].transform(X), fits[1].transform(X))


def test_no_pretraining_and_no_rotation_training(blobs):
    X, _ = blobs
    DCN(n_clusters=3, random_state=0, **{**DCN_FAST, "pretrain_epochs": 0}).fit(X)
    ACeDeC(n_clusters=3, random_state=0,
           **{**ACEDEC_FAST, "pretrain_epochs": 0, "init_epochs": 0}).fit(X)


@pytest.mark.parametrize("cls, params, error, match", [
    (DCN, {"cluster_weight": -1.0}, ValueError, "cluster_weight"),
    (DCN, {"cluster_weight": "big"}, TypeError, "cluster_weight"),
    (DCN, {"hidden_dims": "16"}, TypeError, "hidden_dims"),
    (DCN, {"hidden_dims": (0,)}, ValueError, "hidden_dims"),
    (DCN, {"n_embed": 0}, ValueError, "n_embed"),
    (DCN, {"activation": "tanh"}, ValueError, "activation"),
    (DCN, {"pretrain_epochs": -1}, ValueError, "pretrain_epochs"),
    (DCN, {"pretrain_lr": 0.0}, ValueError, "pretrain_lr"),
    (DCN, {"pretrain_warmup": -1}, ValueError, "pretrain_warmup"),
    (ACeDeC, {"pretrain_warmup": 2.5}, TypeError, "pretrain_warmup"),
    (DCN, {"pretrain_noise": -0.1}, ValueError, "pretrain_noise"),
    (ACeDeC, {"pretrain_noise": "some"}, TypeError, "pretrain_noise"),
    (DCN, {"pretrain_decay": "linear"}, ValueError, "pretrain_decay"),
    (DCN, {"initial_count": -1.0}, ValueError, "initial_count"),
    (DCN, {"n_clusters": 0}, ValueError, "n_clusters"),
    (ACeDeC, {"n_embed": 1}, ValueError, "n_embed"),
    (ACeDeC, {"init_epochs": -1}, ValueError, "init_epochs"),
    (ACeDeC, {"balance": "yes"}, ValueError, "balance"),
    (ACeDeC, {"balance": 1.0}, TypeError, "balance"),
    (ACeDeC, {"augmentation": "yes"}, TypeError, "augmentation"),
    (ACeDeC, {"augmentation": True}, ValueError, "images"),
    (ACeDeC, {"max_shift": 2.0}, ValueError, "max_shift"),
    (ACeDeC, {"max_degrees": -5.0}, ValueError, "max_degrees"),
])
def test_parameter_validation(blobs, cls, params, error, match):
    X, _ = blobs
    fast = DCN_FAST if cls is DCN else ACEDEC_FAST
    with pytest.raises(error, match=match):
        cls(**{"n_clusters": 3, **fast, **params}).fit(X)
