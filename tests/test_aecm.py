"""What ClusteringModule and AECM do beyond the shared behaviour (tests/test_estimators.py):
the spaces of codes and centres, L_sp selection, the starts, the averaging epoch option."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

from skdeepclust import AECM, ClusteringModule
from skdeepclust.losses.cm import cm_selection_score
from skdeepclust.nn.cm import CMHead

CM_FAST = dict(n_init=1, max_epochs=10, batch_size=32, lr=1e-2)
#: AE-CM^r (random start, no pretraining) with a tiny network: the joint training alone.
AECM_FAST = dict(hidden_dims=(16,), n_embed=5, init="random", pretrain_epochs=0, n_init=1,
                 max_epochs=10, batch_size=32, lr=1e-2)

#: Filled by the recording callback below (callbacks are cloned per restart, so they cannot
#: keep what they saw on themselves).
RECORDED: dict[str, list] = {}


class _RecordStart(Callback):
    """Stores the CM centroids and encoder bias, and the autoencoder error, before training."""

    def on_train_begin(self, net, X=None, **kwargs):
        head = net.module_.head
        entry = {"centroids": head.centroids.detach().clone(),
                 "encoder_bias": head.encoder.bias.detach().clone()}
        if hasattr(net.module_, "autoencoder"):
            with torch.no_grad():
                x = torch.as_tensor(X)
                entry["ae_error"] = float(((net.module_.autoencoder(x)[1] - x) ** 2).mean())
                entry["embedding"] = net.module_.autoencoder.encode(x).numpy()
                entry["gamma"] = net.module_(x)[0].numpy()
        RECORDED.setdefault("start", []).append(entry)


@pytest.fixture
def blobs(blobs):
    """The shared blobs, standardised (the CM's steps are lr-sized: scale the data)."""
    X, y = blobs
    return StandardScaler().fit_transform(X).astype(np.float32), y


@pytest.fixture(autouse=True)
def _clear_records():
    RECORDED.clear()
    yield
    RECORDED.clear()


@pytest.mark.parametrize("model", [
    ClusteringModule(n_clusters=3, random_state=0, **CM_FAST),
    AECM(n_clusters=3, random_state=0, **AECM_FAST),
])
def test_spaces_of_the_embedding_and_the_centres(blobs, model):
    X, _ = blobs
    model.fit(X)
    is_cm = isinstance(model, ClusteringModule)
    # CM: code = responsibilities, centres in the input space; AE-CM: both in the code space.
    assert model.transform(X).shape == (150, 3 if is_cm else 5)
    assert model.cluster_centers_.shape == (3, 4 if is_cm else 5)
    assert model.decode_centers().shape == (3, 4)
    assert model.inverse_transform(model.transform(X)).shape == (150, 4)


def test_cm_transform_is_gamma_and_inverse_is_reconstruction(blobs):
    X, _ = blobs
    model = ClusteringModule(n_clusters=3, random_state=0, **CM_FAST).fit(X)
    gamma = model.transform(X)
    np.testing.assert_array_equal(gamma, model.predict_proba(X))
    np.testing.assert_allclose(model.inverse_transform(gamma), gamma @ model.cluster_centers_,
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.decode_centers(), model.cluster_centers_)


def test_aecm_centres_live_in_code_space(blobs):
    X, _ = blobs
    model = AECM(n_clusters=3, random_state=0, **AECM_FAST).fit(X)
    autoencoder = model.net_.module_.autoencoder
    with torch.no_grad():
        decoded = autoencoder.decode(torch.as_tensor(model.cluster_centers_)).numpy()
        codes = autoencoder.encode(torch.as_tensor(X)).numpy()
    np.testing.assert_allclose(model.decode_centers(), decoded, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.transform(X), codes, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("model", [
    ClusteringModule(n_clusters=3, random_state=0, **CM_FAST),
    AECM(n_clusters=3, random_state=0, **AECM_FAST),
])
def test_interpolation_between_centres(blobs, model):
    X, _ = blobs
    model.fit(X)
    path = model.interpolate_centers(0, 2, n_steps=5)
    centres = model.decode_centers()
    assert path.shape == (5, 4)
    np.testing.assert_allclose(path[0], centres[0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(path[-1], centres[2], rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="stop must be < n_clusters"):
        model.interpolate_centers(0, 3)
    with pytest.raises(ValueError, match="n_steps must be >= 2"):
        model.interpolate_centers(0, 1, n_steps=1)


def test_inverse_transform_checks_width(blobs):
    X, _ = blobs
    model = ClusteringModule(n_clusters=3, random_state=0, **CM_FAST).fit(X)
    with pytest.raises(ValueError, match="expects 3"):
        model.inverse_transform(X)


def test_cm_separates_blobs(blobs):
    X, y = blobs
    labels = ClusteringModule(n_clusters=3, random_state=0, **CM_FAST).fit_predict(X)
    assert adjusted_rand_score(y, labels) > 0.95


def test_aecm_separates_blobs(blobs):
    X, y = blobs
    # From a random init the assignments stay near uniform for ~50 epochs (uniform gamma is a
    # stationary point of the sparsity term) before the clusters form.
    model = AECM(n_clusters=3, random_state=0, alpha=2.0, **{**AECM_FAST, "max_epochs": 100})
    assert adjusted_rand_score(y, model.fit_predict(X)) > 0.95


def test_history_logs_every_term_and_the_averaging_epoch(blobs):
    X, _ = blobs
    model = AECM(n_clusters=3, random_state=0, **AECM_FAST).fit(X)
    history = model.net_.history
    assert model.n_iter_ == AECM_FAST["max_epochs"] + 1
    assert history[-1]["averaging_epoch"] is True
    assert "averaging_epoch" not in history[-2]
    names = ("cm_reconstruction", "sparsity", "orthonormality", "prior", "ae_reconstruction")
    for name in names:
        assert len(history[:, f"train_{name}"]) == model.n_iter_
    total = np.array(history[:, "train_loss"])
    parts = sum(np.array(history[:, f"train_{name}"]) for name in names)
    np.testing.assert_allclose(total, parts, rtol=1e-5)


def test_without_averaging_epoch(blobs):
    X, _ = blobs
    model = ClusteringModule(n_clusters=3, random_state=0, averaging_epoch=False,
                             **CM_FAST).fit(X)
    assert model.n_iter_ == CM_FAST["max_epochs"]
    assert "averaging_epoch" not in model.net_.history[-1]


@pytest.mark.parametrize("model", [
    ClusteringModule(n_clusters=3, random_state=0, **{**CM_FAST, "n_init": 3}),
    AECM(n_clusters=3, random_state=0, **{**AECM_FAST, "n_init": 2}),
])
def test_selection_by_lsp(blobs, model):
    X, _ = blobs
    model.fit(X)
    assert model.best_restart_ == int(np.argmin(model.restart_scores_))
    # L_sp = E2 + E3 per sample, in the space the CM clusters.
    gamma = torch.as_tensor(model.predict_proba(X), dtype=torch.float64)
    centroids = torch.as_tensor(model.cluster_centers_, dtype=torch.float64)
    expected = float(cm_selection_score(gamma, centroids)) / len(X)
    assert model.restart_scores_[model.best_restart_] == pytest.approx(expected, rel=1e-4)
    assert model.score(X) == pytest.approx(-expected, rel=1e-4)


def test_kmeans_pp_init_uses_pseudo_inverse(blobs):
    X, _ = blobs
    ClusteringModule(n_clusters=3, init="k-means++", random_state=0, callbacks=[_RecordStart()],
                     **CM_FAST).fit(X)
    (start,) = RECORDED["start"]
    centroids = start["centroids"].numpy()
    # One k-means++ seeding and one Lloyd step: the centres are means of data points.
    assert np.all(centroids.min(0) >= X.min(0)) and np.all(centroids.max(0) <= X.max(0))
    assert torch.equal(start["encoder_bias"], torch.zeros(3))
    assert len({tuple(np.round(c, 4)) for c in centroids}) == 3


def test_kmeans_init_matches_kmeans(blobs):
    X, _ = blobs
    ClusteringModule(n_clusters=3, init="k-means", random_state=0, callbacks=[_RecordStart()],
                     **CM_FAST).fit(X)
    centroids = RECORDED["start"][0]["centroids"].numpy()
    # The blobs are well separated: every converged k-means finds the same centres (in some
    # order), whatever its seed.
    reference = KMeans(3, n_init=10, random_state=0).fit(X).cluster_centers_
    dist = np.linalg.norm(centroids[:, None] - reference[None], axis=2).min(1)
    assert dist.max() < 1e-3


def test_aecm_pretraining_then_kmeans_on_codes(blobs):
    X, y = blobs
    common = {**AECM_FAST, "n_clusters": 3, "init": "k-means", "random_state": 0,
              "callbacks": [_RecordStart()]}
    del common["pretrain_epochs"]
    AECM(pretrain_epochs=0, **common).fit(X)
    AECM(pretrain_epochs=20, **common).fit(X)
    without, with_pretraining = RECORDED["start"]
    # Stage 1: the autoencoder was trained.
    assert with_pretraining["ae_error"] < 0.5 * without["ae_error"]
    # Stage 2: the CM started at the k-means centres of the pretrained codes; stage 3 then
    # trained it alone on those frozen codes, so at the start of the joint training its
    # centroids are still near those centres but its responsibilities are sharper than the
    # pseudo-inverse init gives.
    codes = with_pretraining["embedding"]
    reference = KMeans(3, n_init=10, random_state=0).fit(codes).cluster_centers_
    centroids = with_pretraining["centroids"].numpy()
    spread = np.linalg.norm(reference - reference.mean(0), axis=1).mean()
    assert np.linalg.norm(centroids[:, None] - reference[None], axis=2).min(1).max() < spread
    pinv_head = CMHead(codes.shape[1], 3)
    pinv_head.set_centroids(reference)
    with torch.no_grad():
        pinv_gamma = pinv_head(torch.as_tensor(codes)).numpy()
    gamma = with_pretraining["gamma"]
    assert gamma.max(1).mean() > pinv_gamma.max(1).mean() + 0.1
    assert adjusted_rand_score(y, gamma.argmax(1)) > 0.9


def test_aecm_cm_stage_uses_the_joint_optimizer(blobs):
    # Stage 3 (the CM alone on frozen codes) trains with the joint phase's Adam, as the
    # authors' code, not with the autoencoder's pretraining optimizer: a pretraining rate too
    # small to move anything still leaves the CM trained.
    X, _ = blobs
    AECM(n_clusters=3, pretrain_optimizer=torch.optim.SGD, pretrain_lr=1e-12, random_state=0,
         callbacks=[_RecordStart()],
         **{**AECM_FAST, "init": "k-means", "pretrain_epochs": 5, "max_epochs": 1}).fit(X)
    start = RECORDED["start"][0]
    reference = KMeans(3, n_init=10, random_state=0).fit(start["embedding"]).cluster_centers_
    moved = np.linalg.norm(start["centroids"].numpy()[:, None] - reference[None], axis=2)
    assert moved.min(1).max() > 1e-3


def test_aecm_posterior_start_reproduces_the_kmeans_partition_of_the_codes(blobs):
    X, _ = blobs
    AECM(n_clusters=3, random_state=0, callbacks=[_RecordStart()],
         **{**AECM_FAST, "init": "k-means-posterior", "max_epochs": 1}).fit(X)
    start = RECORDED["start"][0]
    codes = start["embedding"]
    reference = KMeans(3, n_init=10, random_state=0).fit(codes)
    assert adjusted_rand_score(reference.labels_, start["gamma"].argmax(1)) == 1.0


def test_sum_and_mean_reductions_are_equivalent_under_sgd(blobs):
    # L_sum(alpha, lam) = B * L_mean(1 + (alpha - 1) / B, lam / B): with plain SGD and the
    # learning rate divided by B, both give the same trajectory.
    X, _ = blobs
    B, alpha, lam = 30, 4.0, 2.0
    common = dict(n_clusters=3, random_state=0, optimizer=torch.optim.SGD, hidden_dims=(8,),
                  n_embed=4, init="random", pretrain_epochs=0, n_init=1, max_epochs=3,
                  batch_size=B)
    summed = AECM(reduction="sum", alpha=alpha, lam=lam, lr=1e-4, **common).fit(X)
    mean = AECM(reduction="mean", alpha=1 + (alpha - 1) / B, lam=lam / B, lr=1e-4 * B,
                **common).fit(X)
    np.testing.assert_allclose(summed.cluster_centers_, mean.cluster_centers_,
                               rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(summed.transform(X), mean.transform(X), rtol=1e-3, atol=1e-5)


def test_vector_alpha(blobs):
    X, _ = blobs
    model = ClusteringModule(n_clusters=3, alpha=[1.5, 2.0, 3.0], random_state=0, **CM_FAST)
    assert model.fit(X).net_.criterion_.alpha.tolist() == [1.5, 2.0, 3.0]


@pytest.mark.parametrize("cls", [ClusteringModule, AECM])
def test_single_cluster(blobs, cls):
    X, _ = blobs
    params = CM_FAST if cls is ClusteringModule else AECM_FAST
    model = cls(n_clusters=1, random_state=0, **params).fit(X)
    assert np.all(model.labels_ == 0)
    np.testing.assert_allclose(model.predict_proba(X), 1.0)


def test_warns_when_centroids_cannot_be_orthonormal(blobs):
    X, _ = blobs
    with pytest.warns(UserWarning, match="cannot be orthonormal"):
        AECM(n_clusters=3, **{**AECM_FAST, "n_embed": 2, "max_epochs": 1}).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AECM(n_clusters=3, lam=0.0, **{**AECM_FAST, "n_embed": 2, "max_epochs": 1}).fit(X)
