"""DDC through its public API: sklearn behaviour, determinism, persistence, bad input."""

import io

import joblib
import numpy as np
import pytest
import torch
from scipy import sparse
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from skorch.callbacks import Callback

from skdeepclust import DDC
from skdeepclust._net import NonFiniteLossError
from skdeepclust.datasets import make_blobs_images
from tests.conftest import FAST, requires_cuda


def test_labels_equal_predict_and_shapes(blobs):
    X, y = blobs
    model = DDC(n_clusters=3, random_state=0, **FAST).fit(X)
    np.testing.assert_array_equal(model.labels_, model.predict(X))
    assert model.labels_.dtype == np.int64
    proba = model.predict_proba(X)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-5)
    assert model.transform(X).shape == (150, FAST["n_hidden"])
    assert model.restart_scores_.shape == (1,)
    assert model.n_iter_ == FAST["max_epochs"]


def test_separates_blobs(blobs):
    X, y = blobs
    labels = DDC(n_clusters=3, random_state=0, **{**FAST, "max_epochs": 30}).fit_predict(X)
    assert adjusted_rand_score(y, labels) > 0.9


def test_same_random_state_same_labels(blobs):
    X, _ = blobs
    params = {**FAST, "n_init": 2}
    first = DDC(n_clusters=3, random_state=7, **params).fit(X)
    second = DDC(n_clusters=3, random_state=7, **params).fit(X)
    np.testing.assert_array_equal(first.labels_, second.labels_)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    np.testing.assert_array_equal(first.restart_scores_, second.restart_scores_)


def test_fit_leaves_global_rng_alone(blobs):
    X, _ = blobs
    state = torch.get_rng_state()
    np_state = np.random.get_state()[1].copy()  # noqa: NPY002 (the legacy global RNG is checked)
    DDC(n_clusters=3, random_state=0, **FAST).fit(X).predict(X)
    assert torch.equal(state, torch.get_rng_state())
    np.testing.assert_array_equal(np_state, np.random.get_state()[1])  # noqa: NPY002


def test_best_restart_has_lowest_score(blobs):
    X, _ = blobs
    model = DDC(n_clusters=3, random_state=0, **{**FAST, "n_init": 3}).fit(X)
    assert model.best_restart_ == int(np.argmin(model.restart_scores_))
    assert model.score(X) == pytest.approx(-model.restart_scores_[model.best_restart_], rel=1e-5)


def test_history_has_every_term(blobs):
    X, _ = blobs
    history = DDC(n_clusters=3, random_state=0, **FAST).fit(X).net_.history
    for key in ("train_loss", "train_separation", "train_orthogonality", "train_simplex"):
        assert len(history[:, key]) == FAST["max_epochs"]
    total = np.array(history[:, "train_loss"])
    names = ("separation", "orthogonality", "simplex")
    parts = sum(np.array(history[:, f"train_{name}"]) for name in names)
    np.testing.assert_allclose(total, parts, rtol=1e-5)


def test_patience_stops_early(blobs):
    X, _ = blobs
    model = DDC(n_clusters=3, random_state=0, **{**FAST, "max_epochs": 200, "patience": 2}).fit(X)
    assert model.n_iter_ < 200


def test_pipeline_gridsearch_with_ari(blobs):
    X, y = blobs
    pipe = make_pipeline(MinMaxScaler(), DDC(n_clusters=3, random_state=0, **FAST))
    search = GridSearchCV(
        pipe, {"ddc__rel_sigma": [0.05, 0.15]}, scoring="adjusted_rand_score", cv=2
    ).fit(X, y)
    assert set(search.cv_results_["param_ddc__rel_sigma"]) == {0.05, 0.15}
    assert np.isfinite(search.best_score_)
    assert clone(pipe).get_params()["ddc__rel_sigma"] == 0.15


def test_joblib_round_trip(blobs):
    X, _ = blobs
    model = DDC(n_clusters=3, random_state=0, **FAST).fit(X)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.transform(X), model.transform(X))


def test_n_jobs_gives_same_result_as_sequential(blobs):
    X, _ = blobs
    params = {**FAST, "n_init": 2}
    sequential = DDC(n_clusters=3, random_state=3, **params).fit(X)
    parallel = DDC(n_clusters=3, random_state=3, n_jobs=2, **params).fit(X)
    # Workers run torch with fewer threads, which changes float summation order slightly.
    np.testing.assert_allclose(sequential.restart_scores_, parallel.restart_scores_, rtol=1e-3)
    np.testing.assert_array_equal(sequential.labels_, parallel.labels_)


def test_image_input_four_dims_and_flat_with_input_shape():
    X, y = make_blobs_images(n_samples=90, n_clusters=3, image_shape=(1, 20, 20), random_state=0)
    params = dict(n_clusters=3, n_init=1, max_epochs=3, batch_size=45, random_state=0)
    model = DDC(**params).fit(X)
    assert model.input_shape_ == (1, 20, 20)
    assert model.n_features_in_ == 400
    assert isinstance(model.net_.module_.encoder, torch.nn.Module)
    assert type(model.net_.module_.encoder).__name__ == "CNNEncoder"
    flat = DDC(input_shape=(1, 20, 20), **params).fit(X.reshape(90, -1))
    np.testing.assert_array_equal(model.labels_, flat.labels_)
    np.testing.assert_array_equal(model.predict(X), flat.predict(X.reshape(90, -1)))


def test_gru_encoder_on_sequences():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 12, 2).astype(np.float32)
    X[:30] += np.sin(np.linspace(0, 6, 12))[None, :, None]
    model = DDC(n_clusters=2, encoder="gru", n_init=1, max_epochs=2, batch_size=30,
                random_state=0).fit(X)
    assert model.labels_.shape == (60,)
    assert model.input_shape_ == (12, 2)


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.array([[0.0, np.nan]] * 10), ValueError, "NaN"),
        (np.array([[0.0, np.inf]] * 10), ValueError, "infinity"),
        (np.zeros(10), ValueError, "Expected 2D array"),
        (np.zeros((2, 3)), ValueError, "n_samples=2 should be >= n_clusters=3"),
        (sparse.random(10, 3, density=0.5, format="csr"), TypeError, "[Ss]parse"),
        (np.array([["a", "b"]] * 10), ValueError, "[Cc]ould not convert|dtype"),
    ],
)
def test_bad_input_is_named(X, error, match):
    with pytest.raises(error, match=match):
        DDC(n_clusters=3, **FAST).fit(X)


def test_wrong_input_shape():
    with pytest.raises(ValueError, match=r"input_shape=\(1, 5, 5\) holds 25 values"):
        DDC(n_clusters=2, input_shape=(1, 5, 5), **FAST).fit(np.zeros((10, 20)))
    with pytest.raises(ValueError, match="input_shape must be a tuple"):
        DDC(n_clusters=2, input_shape=(0, 4), **FAST).fit(np.zeros((10, 4)))
    with pytest.raises(ValueError, match=r"samples of shape \(1, 4, 5\), but input_shape"):
        DDC(n_clusters=2, input_shape=(1, 5, 4), **FAST).fit(np.zeros((10, 1, 4, 5)))


def test_cnn_on_vectors_is_rejected(blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match="encoder='cnn' needs images"):
        DDC(n_clusters=3, encoder="cnn", **FAST).fit(X)


def test_predict_with_wrong_image_shape():
    X, _ = make_blobs_images(n_samples=40, n_clusters=2, image_shape=(1, 20, 20), random_state=0)
    model = DDC(n_clusters=2, n_init=1, max_epochs=1, batch_size=20, random_state=0).fit(X)
    with pytest.raises(ValueError, match="fitted on samples of shape"):
        model.predict(np.zeros((3, 1, 21, 21), dtype=np.float32))


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"encoder": "resnet"}, ValueError, "encoder must be one of"),
        ({"rel_sigma": -1.0}, ValueError, "rel_sigma must be > 0"),
        ({"n_init": 0}, ValueError, "n_init must be >= 1"),
        ({"batch_size": 1}, ValueError, "batch_size must be >= 2"),
        ({"lr": "fast"}, TypeError, "lr must be a finite real"),
        ({"hidden_dims": "big"}, TypeError, "hidden_dims must be a tuple"),
        ({"optimizer": "adam"}, TypeError, "optimizer must be a torch.optim.Optimizer"),
        ({"device": "gpu"}, ValueError, "device"),
        ({"callbacks": ["nope"]}, TypeError, "callbacks must be skorch Callbacks"),
    ],
)
def test_bad_parameters_are_named(blobs, params, error, match):
    X, _ = blobs
    with pytest.raises(error, match=match):
        DDC(n_clusters=3, **{**FAST, **params}).fit(X)


class _PoisonWeights(Callback):
    """Sets the first weight to NaN at the start of epoch 2."""

    def on_epoch_begin(self, net, **kwargs):
        if len(net.history) == 2:
            with torch.no_grad():
                next(net.module_.parameters()).fill_(float("nan"))


def test_nan_loss_names_epoch_and_term(blobs):
    X, _ = blobs
    with pytest.raises(NonFiniteLossError, match="Loss term 'separation' became nan in epoch 2"):
        DDC(n_clusters=3, callbacks=[_PoisonWeights()], **FAST).fit(X)


def test_verbose_prints_epoch_table(blobs, capsys):
    X, _ = blobs
    DDC(n_clusters=3, verbose=2, **{**FAST, "max_epochs": 2}).fit(X)
    out = capsys.readouterr().out
    assert "train_separation" in out and "train_loss" in out


def test_feature_names_out(blobs):
    X, _ = blobs
    model = DDC(n_clusters=3, random_state=0, **FAST).fit(X)
    assert list(model.get_feature_names_out())[:2] == ["ddc0", "ddc1"]


def test_inference_batch_size_does_not_change_results(blobs, monkeypatch):
    import skdeepclust._base as base

    X, _ = blobs
    model = DDC(n_clusters=3, random_state=0, **FAST).fit(X)
    full = model.predict_proba(X)
    monkeypatch.setattr(base, "INFERENCE_BATCH_SIZE", 7)
    np.testing.assert_allclose(model.predict_proba(X), full, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(model.predict(X), model.labels_)


def test_predict_streams_batches(blobs):
    # Inference never runs the network on more than one batch of rows at a time.
    import skdeepclust._base as base

    X, _ = blobs
    model = DDC(n_clusters=3, random_state=0, **FAST).fit(X)
    sizes = []
    hook = model.net_.module_.register_forward_hook(lambda m, i, o: sizes.append(len(i[0])))
    big = np.tile(X, (20, 1))
    model.predict(big)
    hook.remove()
    assert max(sizes) <= base.INFERENCE_BATCH_SIZE
    assert sum(sizes) == len(big)


@requires_cuda
def test_cuda_fit_pickles_to_cpu(blobs, tmp_path):
    X, _ = blobs
    model = DDC(n_clusters=3, device="cuda", random_state=0, **FAST).fit(X)
    again = DDC(n_clusters=3, device="cuda", random_state=0, **FAST).fit(X)
    np.testing.assert_array_equal(model.labels_, again.labels_)
    assert isinstance(model.restart_scores_, np.ndarray)
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    # skorch's unpickler maps CUDA tensors to the CPU when CUDA is missing; the estimator's own
    # fitted attributes are numpy, so nothing else is device bound.
    loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("uco_kernel", ["naive", "tensor"])
def test_companion_objectives_on_cnn_blocks(uco_kernel):
    X, _ = make_blobs_images(n_samples=60, n_clusters=2, image_shape=(1, 20, 20), random_state=0)
    model = DDC(n_clusters=2, uco_kernel=uco_kernel, n_init=1, max_epochs=2, batch_size=30,
                random_state=0).fit(X)
    history = model.net_.history
    total = np.array(history[:, "train_loss"])
    names = ("separation", "orthogonality", "simplex", "uco_0", "uco_1")
    np.testing.assert_allclose(total, sum(np.array(history[:, f"train_{n}"]) for n in names),
                               rtol=1e-5)
    assert all(0 <= v <= 0.01 for v in history[:, "train_uco_0"])


def test_companion_objectives_and_decoder_on_mlp(blobs):
    X, _ = blobs
    model = DDC(n_clusters=3, uco_kernel="naive", uco_weighting="linear",
                reconstruction_weight=0.1, random_state=0, **FAST).fit(X)
    keys = model.net_.history[-1].keys()
    assert {"train_uco_0", "train_reconstruction"} <= set(keys)
    assert "train_uco_1" not in keys  # FAST has one hidden layer = one block


def test_objective_mismatch_monitor_feeds_r_ofm(blobs):
    from skdeepclust.callbacks import ObjectiveMismatchMonitor
    from skdeepclust.metrics import r_ofm

    X, y = blobs
    model = DDC(n_clusters=3, uco_kernel="naive", callbacks=[ObjectiveMismatchMonitor(y, every=1)],
                random_state=0, **{**FAST, "max_epochs": 6}).fit(X)
    history = model.net_.history
    assert len(history[:, "monitor_aux"]) == 6
    assert all(0 <= s <= 1 for s in history[:, "monitor_score"])
    slope, r2 = r_ofm(history[:, "monitor_aux"], history[:, "monitor_score"])
    assert np.isnan(r2) or r2 <= 1


def test_bad_uco_options(blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match="uco_kernel must be one of"):
        DDC(n_clusters=3, uco_kernel="rbf", **FAST).fit(X)
    with pytest.raises(ValueError, match="uco_weighting must be one of"):
        DDC(n_clusters=3, uco_kernel="naive", uco_weighting="log", **FAST).fit(X)
    with pytest.raises(ValueError, match="reconstruction_weight must be >= 0"):
        DDC(n_clusters=3, reconstruction_weight=-1.0, **FAST).fit(X)
