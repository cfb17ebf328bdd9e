"""What DEC and IDEC do beyond the shared behaviour (tests/test_estimators.py): Student-t
assignments, the k-means start, embedding scale, target updates and convergence."""

import io
import warnings

import joblib
import numpy as np
import pytest
import torch
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from skorch.callbacks import Callback

from skdeepclust import DEC, IDEC
from skdeepclust.datasets import make_blobs_images
from skdeepclust.losses.dec import student_t_assignments

#: A fit in a fraction of a second: tiny MLP, few epochs, no tolerance stop.
FAST = dict(hidden_dims=(16,), n_embed=3, n_init=1, pretrain_epochs=10, max_epochs=5,
            batch_size=32, tol=0.0)

#: Filled by the recording callback below (callbacks are cloned per restart).
RECORDED: list = []


class _RecordStart(Callback):
    """Stores the centres and the embedding of all data when the clustering phase begins."""

    def on_train_begin(self, net, X=None, **kwargs):
        net.module_.eval()
        with torch.no_grad():
            z = net.module_(torch.as_tensor(X))[1].numpy()
        RECORDED.append({"centers": net.module_.centers.detach().numpy().copy(), "z": z})


@pytest.fixture(autouse=True)
def _clear_records():
    RECORDED.clear()
    yield
    RECORDED.clear()


@pytest.mark.parametrize("cls", [DEC, IDEC])
def test_proba_is_student_t_of_embedding_to_centres(blobs, cls):
    X, _ = blobs
    model = cls(n_clusters=3, random_state=0, **FAST).fit(X)
    proba = model.predict_proba(X)
    Z = model.transform(X)
    assert Z.shape == (150, 3)
    assert model.cluster_centers_.shape == (3, 3)
    expected = student_t_assignments(torch.as_tensor(Z), torch.as_tensor(model.cluster_centers_))
    np.testing.assert_allclose(proba, expected.numpy(), rtol=1e-5, atol=1e-6)
    assert model.n_clusters_used_ == len(np.unique(model.labels_))
    assert model.n_iter_ == FAST["max_epochs"]
    assert not model.converged_


@pytest.mark.parametrize("cls", [DEC, IDEC])
def test_separates_blobs(blobs, cls):
    X, y = blobs
    model = cls(n_clusters=3, random_state=0, **{**FAST, "pretrain_epochs": 30}).fit(X)
    assert adjusted_rand_score(y, model.labels_) > 0.9
    assert model.n_clusters_used_ == 3


def test_centres_start_at_kmeans_of_pretrained_embedding(blobs):
    X, _ = blobs
    DEC(n_clusters=3, callbacks=[_RecordStart()], random_state=0, **FAST).fit(X)
    (start,) = RECORDED
    centers, z = start["centers"], start["z"]
    # A converged k-means: each centre is the mean of the embeddings nearest to it, and the
    # inertia is as low as a fresh KMeans finds.
    nearest = ((z[:, None] - centers[None]) ** 2).sum(-1).argmin(1)
    for j in range(3):
        np.testing.assert_allclose(centers[j], z[nearest == j].mean(0), rtol=1e-4, atol=1e-4)
    inertia = ((z - centers[nearest]) ** 2).sum()
    assert inertia <= KMeans(3, n_init=20, random_state=0).fit(z).inertia_ * (1 + 1e-4)


@pytest.mark.parametrize("scale", [10.0, 0.5])
def test_embedding_rescaled_to_embedding_scale(blobs, scale):
    X, _ = blobs
    DEC(n_clusters=3, embedding_scale=scale, callbacks=[_RecordStart()], random_state=0,
        **FAST).fit(X)
    (start,) = RECORDED
    centers, z = start["centers"], start["z"]
    # RMS distance of the embedded points to their nearest (= k-means) centre.
    rms = np.sqrt(((z[:, None] - centers[None]) ** 2).sum(-1).min(1).mean())
    np.testing.assert_allclose(rms, scale, rtol=1e-3)


def test_embedding_scale_none_keeps_pretrained_scale_and_same_partition(blobs):
    X, _ = blobs
    starts = []
    for scale in (None, 7.0):
        DEC(n_clusters=3, embedding_scale=scale, callbacks=[_RecordStart()], random_state=0,
            **FAST).fit(X)
        starts.append(RECORDED.pop())
    plain, big = starts
    factor = np.linalg.norm(big["z"]) / np.linalg.norm(plain["z"])
    assert factor > 1.5  # the blobs' pretrained embedding is smaller than 7
    # Same network and the same k-means centres up to the factor.
    np.testing.assert_allclose(big["z"], factor * plain["z"], rtol=1e-3, atol=1e-3 * factor)
    np.testing.assert_allclose(big["centers"], factor * plain["centers"], rtol=1e-3,
                               atol=1e-3 * factor)


def test_pretraining_trains_the_autoencoder(blobs):
    X, _ = blobs
    errors = []
    for epochs in (0, 30):
        model = IDEC(n_clusters=3, random_state=0, **{**FAST, "pretrain_epochs": epochs,
                                                     "max_epochs": 1})
        model.fit(X)
        errors.append(model.net_.history[0, "train_reconstruction"])
    assert errors[1] < errors[0]
    # Denoising pretraining runs and gives a different network.
    noisy = DEC(n_clusters=3, pretrain_noise=0.5, random_state=0, **FAST).fit(X)
    plain = DEC(n_clusters=3, random_state=0, **FAST).fit(X)
    assert not np.allclose(noisy.transform(X), plain.transform(X))


def test_target_updates_every_interval_epochs(blobs):
    X, _ = blobs
    model = DEC(n_clusters=3, update_interval=2, random_state=0, **{**FAST, "max_epochs": 5})
    history = model.fit(X).net_.history
    updated = [row["epoch"] for row in history if "label_change" in row]
    assert updated == [2, 4]


def test_tol_stops_training(blobs):
    X, _ = blobs
    # tol=1: any update with fewer than 100 % changed labels stops.
    model = DEC(n_clusters=3, random_state=0, **{**FAST, "tol": 1.0, "max_epochs": 20,
                                                 "update_interval": 3})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X)
    assert model.n_iter_ == 3
    assert model.converged_
    assert model.net_.history[-1, "converged"]
    assert "train_loss" in model.net_.history[-1]


def test_no_convergence_warns(blobs):
    X, _ = blobs
    model = DEC(n_clusters=3, random_state=0, **{**FAST, "tol": 1e-3, "update_interval": 10})
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model.fit(X)
    assert not model.converged_


def test_fewer_clusters_used_warns():
    # Two distinct points and three clusters: one cluster must stay empty.
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0]], dtype=np.float32), 20, axis=0)
    model = DEC(n_clusters=3, random_state=0, **{**FAST, "pretrain_epochs": 2, "max_epochs": 2})
    with pytest.warns(UserWarning, match="to 2 of n_clusters=3 clusters"):
        model.fit(X)
    assert model.n_clusters_used_ == 2
    assert model.predict_proba(X).shape == (40, 3)


def test_idec_logs_reconstruction_term(blobs):
    X, _ = blobs
    model = IDEC(n_clusters=3, gamma=0.5, random_state=0, **FAST).fit(X)
    history = model.net_.history
    assert len(history[:, "train_reconstruction"]) == FAST["max_epochs"]
    total = np.array(history[:, "train_loss"])
    parts = np.array(history[:, "train_kl"]) + np.array(history[:, "train_reconstruction"])
    np.testing.assert_allclose(total, parts, rtol=1e-5)
    # DEC has no reconstruction term in its clustering loss.
    dec_history = DEC(n_clusters=3, random_state=0, **FAST).fit(X).net_.history
    assert "train_reconstruction" not in dec_history[-1]


def test_uco_terms_in_history_on_mlp(blobs):
    X, _ = blobs
    model = DEC(n_clusters=3, uco_kernel="naive", random_state=0,
                **{**FAST, "hidden_dims": (16, 8)}).fit(X)
    history = model.net_.history
    total = np.array(history[:, "train_loss"])
    names = ("kl", "uco_0", "uco_1")
    np.testing.assert_allclose(total, sum(np.array(history[:, f"train_{n}"]) for n in names),
                               rtol=1e-5)
    assert all(0 <= v <= 0.01 for v in history[:, "train_uco_1"])


@pytest.mark.parametrize("cls, uco_kernel", [(DEC, None), (IDEC, "tensor")])
def test_conv_forms_on_images(cls, uco_kernel):
    X, y = make_blobs_images(n_samples=60, n_clusters=2, image_shape=(1, 20, 20),
                             random_state=0)
    model = cls(n_clusters=2, uco_kernel=uco_kernel, n_embed=4, n_init=1, pretrain_epochs=3,
                max_epochs=2, batch_size=30, tol=0.0, random_state=0).fit(X)
    assert type(model.net_.module_.autoencoder.encoder).__name__ == "CNNEncoder"
    assert model.input_shape_ == (1, 20, 20)
    assert model.transform(X).shape == (60, 4)
    np.testing.assert_array_equal(model.labels_, model.predict(X.reshape(60, -1)))
    keys = set(model.net_.history[-1])
    if uco_kernel is not None:
        assert {"train_uco_0", "train_uco_1", "train_reconstruction"} <= keys


def test_fitted_net_keeps_no_training_data(blobs):
    X, _ = blobs
    model = DEC(n_clusters=3, random_state=0, **FAST).fit(X)
    assert dict(model.net_.callbacks_)["target_distribution"].labels_ is None
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(loaded.predict(X), model.labels_)
    np.testing.assert_array_equal(loaded.cluster_centers_, model.cluster_centers_)
