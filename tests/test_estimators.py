"""Behaviour every estimator shares, checked once over the registry (tests/registry.py).

Each test runs on every clusterer with its fast preset; the parameter tests also run on the
other public estimators. What one method does differently is tested in its own module
(test_ddc.py, test_dec.py, ...).
"""

import inspect
import io
import pickle
import re
from numbers import Integral

import joblib
import numpy as np
import pytest
import torch
from scipy import sparse
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import make_blobs
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.callbacks import Callback

import skdeepclust
import skdeepclust._base
from skdeepclust import AECM, DCN, DDC, DEC, IDEC, ACeDeC, ClusteringModule
from skdeepclust._net import NonFiniteLossError
from skdeepclust.datasets import make_blobs_images
from skdeepclust.ensemble import consensus_vote
from skdeepclust.utils._sklearn_compat import Interval, SequenceOf, SubclassOf
from tests.conftest import requires_cuda
from tests.registry import CLUSTERERS, FAST, fast


def _name(cls: type) -> str:
    return cls.__name__


each_clusterer = pytest.mark.parametrize("cls", CLUSTERERS, ids=_name)
each_estimator = pytest.mark.parametrize("cls", list(FAST), ids=_name)


@pytest.fixture(scope="module")
def data():
    """Three well separated blobs, 150 samples x 4 features, standardised (the clustering
    module's steps are lr-sized)."""
    X, y = make_blobs(n_samples=150, centers=3, n_features=4, cluster_std=0.5, random_state=0)
    return StandardScaler().fit_transform(X).astype(np.float32), y


@pytest.fixture(scope="module")
def fitted(data):
    """``fitted(cls)``: the fast preset of ``cls`` with two restarts, fitted on ``data`` once
    per module. Tests only read it."""
    X, _ = data
    models = {}

    def get(cls):
        if cls not in models:
            models[cls] = fast(cls, n_init=2).fit(X)
        return models[cls]

    return get


def _short(cls: type) -> dict:
    """Overrides for one epoch of each phase, where the length of training does not matter."""
    phases = ("pretrain_epochs", "init_epochs")
    return {"max_epochs": 1, **{name: 1 for name in phases if name in FAST[cls]}}


@pytest.fixture
def recorder():
    """A skorch callback class whose instances record every hook they see.

    ``recorder.events`` holds ``(label, instance, hook)`` in call order. The estimators clone
    user callbacks for every restart, so the records live here, shared by all copies, and
    name the copy that saw them.
    """
    events = []

    class Recorder(Callback):
        def __init__(self, label="recorder"):
            self.label = label

        def _record(self, hook):
            events.append((self.label, self, hook))

        def on_train_begin(self, net, **kwargs):
            self._record("on_train_begin")

        def on_epoch_begin(self, net, **kwargs):
            self._record("on_epoch_begin")

        def on_batch_begin(self, net, **kwargs):
            self._record("on_batch_begin")

        def on_batch_end(self, net, **kwargs):
            self._record("on_batch_end")

        def on_epoch_end(self, net, **kwargs):
            self._record("on_epoch_end")

        def on_train_end(self, net, **kwargs):
            self._record("on_train_end")

    Recorder.events = events
    return Recorder


class _Interrupt(Callback):
    """Ctrl-C in the first training batch of epoch 2."""

    def on_batch_begin(self, net, training=False, **kwargs):
        if training and len(net.history) == 2:
            raise KeyboardInterrupt


class _PoisonWeights(Callback):
    """Sets the first weight to NaN at the start of epoch 2."""

    def on_epoch_begin(self, net, **kwargs):
        if len(net.history) == 2:
            with torch.no_grad():
                next(net.module_.parameters()).fill_(float("nan"))


# ------------------------------------------------------------------------- the registry


def test_registry_covers_every_public_estimator():
    public = [getattr(skdeepclust, name) for name in skdeepclust.__all__]
    estimators = {obj for obj in public if isinstance(obj, type) and issubclass(obj, BaseEstimator)}
    assert estimators == set(FAST), "add the missing estimators to FAST in tests/registry.py"
    # The shared clustering tests run over these (they derive from the fit template).
    for cls in (DDC, DEC, IDEC, DCN, ACeDeC, ClusteringModule, AECM):
        assert cls in CLUSTERERS


# ------------------------------------------------------------------- parameter checking

#: Parameters documented as not checked by ``_parameter_constraints`` (none).
UNCHECKED: dict[type, set[str]] = {}


def _init_parameters(cls: type) -> list[str]:
    return [
        p.name for p in inspect.signature(cls.__init__).parameters.values()
        if p.name != "self" and p.kind is not p.VAR_KEYWORD
    ]


class _Unknown:
    """A value of a type no constraint allows."""

    def __repr__(self) -> str:
        return "<unknown>"


def _candidates(constraint) -> list:
    """Values just outside ``constraint`` (the caller keeps those no other option allows)."""
    if constraint is None:
        return []
    if isinstance(constraint, Interval):
        values = []
        if constraint.left is not None:
            open_left = constraint.closed in ("right", "neither")
            values.append(constraint.left if open_left else constraint.left - 1)
        if constraint.right is not None:
            open_right = constraint.closed in ("left", "neither")
            values.append(constraint.right if open_right else constraint.right + 1)
        if constraint.type is Integral:
            return [*values, 1.5, True]  # not an int; a flag where a count belongs
        return [*values, np.inf, np.nan]
    if isinstance(constraint, SequenceOf):
        entry = constraint.low if constraint.strict else constraint.low - 1
        values = [(entry,), 3]  # an entry too small; a number, not a sequence
        if constraint.kind is Integral:
            values.append((1.5,))
        if not constraint.allow_empty:
            values.append(())
        return values
    if isinstance(constraint, SubclassOf):
        return [int]  # a class, but not a subclass
    if constraint == "boolean":
        return [1]  # an int, not a bool
    return []  # types, str options, "random_state", HasMethods: the generic values below


#: Tried for every parameter, where its constraints allow none of them.
GENERIC_INVALID = ["bad", 1.5, _Unknown()]


def _allows(constraint, value) -> bool:
    """Whether ``constraint`` allows ``value``, by the constraint's own rule."""
    if constraint is None:
        return value is None
    if isinstance(constraint, str):
        if constraint == "boolean":
            return isinstance(value, (bool, np.bool_))
        if constraint == "random_state":
            return value is None or isinstance(value, np.random.RandomState) or (
                isinstance(value, Integral) and not isinstance(value, bool)
                and 0 <= value < 2**32)
        pytest.fail(f"no rule for the constraint {constraint!r}: add one to _allows")
    if isinstance(constraint, type):
        return isinstance(value, constraint)
    if isinstance(value, bool) and isinstance(constraint, Interval):
        return False  # the package refuses flags for numbers
    return constraint.is_satisfied_by(value)


def _invalid_values(constraints: list) -> list:
    """Values that no constraint of the list allows, generated from the constraints."""
    values = []
    for value in [*(v for c in constraints for v in _candidates(c)), *GENERIC_INVALID]:
        known = any(type(value) is type(v) and repr(value) == repr(v) for v in values)
        if not known and not any(_allows(c, value) for c in constraints):
            values.append(value)
    return values


@each_estimator
def test_every_parameter_is_constrained(cls):
    unchecked = UNCHECKED.get(cls, set())
    missing = set(_init_parameters(cls)) - set(cls._parameter_constraints) - unchecked
    assert not missing, f"{cls.__name__}: no entry in _parameter_constraints for {missing}"


@each_estimator
def test_invalid_parameter_values_are_named(cls, data):
    # For every constrained parameter, every value the constraints do not allow that can be
    # generated from them (-1 for a count, "bad" for options, 1.5 and True for an int ...)
    # makes fit raise scikit-learn's InvalidParameterError naming parameter and estimator.
    X, _ = data
    problems = []
    for name in _init_parameters(cls):
        values = _invalid_values(cls._parameter_constraints.get(name, []))
        if not values and name not in UNCHECKED.get(cls, set()):
            problems.append(f"{name}: no invalid value could be generated")
        pattern = rf"The '{name}' parameter of {cls.__name__} must be"
        for value in values:
            try:
                with pytest.raises((ValueError, TypeError), match=pattern):
                    fast(cls, **{name: value}).fit(X)
            except (AssertionError, pytest.fail.Exception) as failure:
                problems.append(f"{name}={value!r}: {failure}")
    assert not problems, "\n".join(problems)


@each_clusterer
def test_a_flag_is_not_a_count(cls, data):
    X, _ = data
    with pytest.raises((ValueError, TypeError), match=f"'n_init' parameter of {cls.__name__}"):
        fast(cls, n_init=True).fit(X)


#: Checks that need the data or happen outside the constraint table:
#: (id, classes, parameters, data -> X, error, message).
DATA_DEPENDENT = [
    ("fewer_samples_than_clusters", CLUSTERERS, {}, lambda X: X[:2], ValueError,
     r"^n_samples=2 should be >= n_clusters=3\.$"),
    ("input_shape_size", CLUSTERERS, {"input_shape": (1, 5, 5)}, lambda X: X, ValueError,
     r"input_shape=\(1, 5, 5\) holds 25 values per sample, but X has 4 features"),
    ("input_shape_vs_images", CLUSTERERS, {"input_shape": (1, 5, 4)},
     lambda X: np.zeros((10, 1, 4, 5), dtype=np.float32), ValueError,
     r"X has samples of shape \(1, 4, 5\), but input_shape=\(1, 5, 4\)"),
    ("callbacks_entries", CLUSTERERS, {"callbacks": ["nope"]}, lambda X: X, TypeError,
     "callbacks must be skorch Callbacks; got 'nope'"),
    ("device_name", CLUSTERERS, {"device": "gpu"}, lambda X: X, ValueError,
     "device must be .*; got 'gpu'"),
    ("routed_prefix", CLUSTERERS, {"optimizer__eps": 1e-6, "net__width": 3}, lambda X: X,
     TypeError, "unexpected keyword argument 'net__width'"),
    ("cnn_on_vectors", (DDC, DEC, IDEC), {"encoder": "cnn"}, lambda X: X, ValueError,
     "encoder='cnn' needs images"),
    ("augmentation_on_vectors", (ACeDeC,), {"augmentation": True}, lambda X: X, ValueError,
     "augmentation=True needs images"),
    ("alpha_length", (ClusteringModule, AECM), {"alpha": [1.0, 2.0]}, lambda X: X, ValueError,
     r"alpha must be a scalar or have one entry per cluster \(n_clusters=3\); got 2 entries"),
]


@pytest.mark.parametrize("cls, params, make_X, error, match", [
    pytest.param(cls, params, make_X, error, match, id=f"{cls.__name__}-{name}")
    for name, classes, params, make_X, error, match in DATA_DEPENDENT
    for cls in classes
])
def test_data_dependent_errors_are_named(cls, params, make_X, error, match, data):
    X, _ = data
    with pytest.raises(error, match=match):
        fast(cls, **params).fit(make_X(X))


# ------------------------------------------------------------------------------ bad input


@each_clusterer
@pytest.mark.parametrize("X, error, match", [
    (np.array([[0.0, np.nan]] * 10), ValueError, "NaN"),
    (np.array([[0.0, np.inf]] * 10), ValueError, "infinity"),
    (np.zeros(10), ValueError, "Expected 2D array"),
    (sparse.random(10, 3, density=0.5, format="csr", random_state=0), TypeError, "[Ss]parse"),
    (np.array([["a", "b"]] * 10), ValueError, "[Cc]ould not convert|dtype"),
], ids=["nan", "inf", "1d", "sparse", "strings"])
def test_bad_input_is_named(cls, X, error, match):
    with pytest.raises(error, match=match):
        fast(cls).fit(X)


@each_clusterer
def test_wrong_width_after_fit(cls, data, fitted):
    X, _ = data
    model = fitted(cls)
    methods = [model.predict, model.transform, model.score]
    if hasattr(model, "predict_proba"):
        methods.append(model.predict_proba)
    message = f"X has 3 features, but {cls.__name__} is expecting 4 features"
    for method in methods:
        with pytest.raises(ValueError, match=message):
            method(X[:, :3])


# ----------------------------------------------------------------------- fitted estimator


@each_clusterer
def test_fitted_attributes_and_outputs(cls, data, fitted):
    X, _ = data
    model = fitted(cls)
    labels = model.predict(X)
    np.testing.assert_array_equal(model.labels_, labels)
    assert labels.dtype == np.int64 and labels.shape == (150,)
    assert set(labels) <= {0, 1, 2}
    Z = model.transform(X)
    assert Z.dtype == np.float32 and Z.shape[0] == 150
    names = model.get_feature_names_out()
    assert list(names) == [f"{cls.__name__.lower()}{i}" for i in range(Z.shape[1])]
    assert model.n_features_in_ == 4
    assert isinstance(model.net_, NeuralNet)
    assert model.net_.device == "cpu"  # as asked (the registry's presets ask for the CPU)
    assert all(p.device.type == "cpu" for p in model.net_.module_.parameters())
    assert model.n_iter_ == len(model.net_.history) > 0
    assert "train_loss" in model.net_.history[-1]


@each_clusterer
def test_predict_proba_only_for_soft_assignments(cls, data, fitted):
    X, _ = data
    model = fitted(cls)
    assert hasattr(model, "predict_proba") == cls._soft_assignments
    if cls._soft_assignments:
        proba = model.predict_proba(X)
        assert proba.shape == (150, 3) and proba.dtype == np.float32
        np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-5)
        np.testing.assert_array_equal(proba.argmax(1), model.labels_)


@each_clusterer
def test_restarts_are_recorded_and_the_best_is_kept(cls, data, fitted):
    X, _ = data
    model = fitted(cls)
    assert model.restart_scores_.shape == (2,) and model.restart_scores_.dtype == np.float64
    assert model.restart_labels_.shape == (2, 150)
    assert model.best_restart_ == int(np.argmin(model.restart_scores_))
    np.testing.assert_array_equal(model.restart_labels_[model.best_restart_], model.labels_)
    assert model.score(X) == pytest.approx(-model.restart_scores_[model.best_restart_], rel=1e-5)


@each_clusterer
def test_voting_restarts_form_the_model(cls, data, monkeypatch):
    # The base's vote (DDC's ``vote`` parameter) on every estimator: soft assignments are
    # averaged, hard ones (DCN, ACeDeC) give the majority vote of the aligned restarts.
    X, _ = data
    monkeypatch.setattr(cls, "_n_voters", lambda self: self.n_init)
    model = fast(cls, n_init=3).fit(X)
    assert model.vote_restarts_[0] == model.best_restart_
    assert sorted(model.vote_restarts_) == [0, 1, 2]
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    if not cls._soft_assignments:
        votes = model.restart_labels_[model.vote_restarts_]
        np.testing.assert_array_equal(model.labels_, consensus_vote(votes, top=None))


@each_clusterer
def test_randomness_is_seeded_and_local(cls, data, fitted):
    # The same random_state gives the same fit, and fitting and predicting draw from no global
    # generator (nor reseed one).
    X, _ = data
    first, second = fitted(cls), fast(cls, n_init=2)
    torch_state = torch.get_rng_state()
    numpy_state = np.random.get_state()[1].copy()  # noqa: NPY002 (the legacy global RNG)
    labels = second.fit_predict(X)
    second.predict(X)
    assert torch.equal(torch_state, torch.get_rng_state())
    np.testing.assert_array_equal(numpy_state, np.random.get_state()[1])  # noqa: NPY002
    np.testing.assert_array_equal(labels, second.labels_)
    np.testing.assert_array_equal(labels, first.labels_)
    np.testing.assert_array_equal(second.restart_scores_, first.restart_scores_)
    np.testing.assert_array_equal(second.transform(X), first.transform(X))
    if hasattr(first, "predict_proba"):
        np.testing.assert_array_equal(second.predict_proba(X), first.predict_proba(X))
    if hasattr(first, "cluster_centers_"):
        np.testing.assert_array_equal(second.cluster_centers_, first.cluster_centers_)


@each_clusterer
def test_n_jobs_gives_the_sequential_result(cls, data):
    X, _ = data
    params = dict(n_init=2, **_short(cls))
    sequential = fast(cls, **params).fit(X)
    parallel = fast(cls, n_jobs=2, **params).fit(X)
    # Workers run torch with fewer threads, which changes the float summation order: the
    # scores drift apart a little with every training step, the partition does not.
    np.testing.assert_allclose(parallel.restart_scores_, sequential.restart_scores_, rtol=1e-3)
    np.testing.assert_array_equal(parallel.labels_, sequential.labels_)
    assert parallel.best_restart_ == sequential.best_restart_


@each_clusterer
def test_pickle_and_joblib_round_trips(cls, data, fitted):
    X, _ = data
    model = fitted(cls)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    for loaded in (pickle.loads(pickle.dumps(model)), joblib.load(buffer)):
        np.testing.assert_array_equal(loaded.predict(X), model.labels_)
        np.testing.assert_array_equal(loaded.transform(X), model.transform(X))
        np.testing.assert_array_equal(loaded.restart_scores_, model.restart_scores_)


@each_clusterer
def test_clone_keeps_parameters_and_drops_the_fit(cls, fitted):
    model = fitted(cls)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    routed = clone(fast(cls, optimizer__eps=1e-6))
    assert routed.get_params()["optimizer__eps"] == 1e-6


@each_clusterer
def test_in_a_pipeline_and_a_grid_search(cls, data):
    X, y = data
    step = cls.__name__.lower()
    pipe = make_pipeline(MinMaxScaler(), fast(cls, **_short(cls)))
    search = GridSearchCV(pipe, {f"{step}__lr": [1e-3, 1e-2]}, scoring="adjusted_rand_score",
                          cv=2).fit(X, y)
    assert set(search.cv_results_[f"param_{step}__lr"]) == {1e-3, 1e-2}
    assert np.isfinite(search.best_score_)
    assert search.best_estimator_.predict(X).shape == (150,)
    assert clone(pipe).get_params()[f"{step}__lr"] == pipe.get_params()[f"{step}__lr"]


@each_clusterer
def test_feature_names_from_a_dataframe(cls, data):
    pd = pytest.importorskip("pandas")
    X, _ = data
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = fast(cls, **_short(cls)).fit(frame)
    assert list(model.feature_names_in_) == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(model.predict(frame), model.labels_)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        model.predict(X)


# One epoch of each phase can leave a cluster empty; this test is about shapes.
@pytest.mark.filterwarnings("ignore:.*assigned the training data to:UserWarning")
@each_clusterer
def test_images_as_four_dims_or_flat_with_input_shape(cls):
    # The built-in CNNs (DDC's and DEC's "auto" encoder on images) need 20x20 images; there
    # input_shape decides how the flat rows are read.
    images, _ = make_blobs_images(n_samples=40, n_clusters=3, image_shape=(1, 20, 20),
                                  random_state=0)
    flat = images.reshape(40, -1)
    model = fast(cls, **_short(cls)).fit(images)
    assert model.input_shape_ == (1, 20, 20)
    assert model.n_features_in_ == 400
    from_flat = fast(cls, **_short(cls), input_shape=(1, 20, 20)).fit(flat)
    assert from_flat.input_shape_ == (1, 20, 20)
    np.testing.assert_array_equal(model.labels_, from_flat.labels_)
    np.testing.assert_array_equal(model.predict(images), from_flat.predict(flat))
    np.testing.assert_array_equal(model.predict(flat), model.labels_)
    with pytest.raises(ValueError, match=r"fitted on samples of shape \(1, 20, 20\)"):
        model.predict(np.zeros((3, 1, 21, 21), dtype=np.float32))


# -------------------------------------------------------------------- training loop hooks


@each_clusterer
def test_user_callbacks_run_on_a_copy_per_restart(cls, data, recorder):
    X, _ = data
    plain, named = recorder("plain"), recorder("named")
    model = fast(cls, n_init=2, callbacks=[plain, ("mine", named)]).fit(X)
    for label, original in (("plain", plain), ("named", named)):
        copies = []
        for event_label, instance, _ in recorder.events:
            if event_label == label and not any(instance is c for c in copies):
                copies.append(instance)
        assert len(copies) == 2  # one per restart
        assert all(copy is not original for copy in copies)
        for copy in copies:
            hooks = [hook for _, instance, hook in recorder.events if instance is copy]
            assert hooks[0] == "on_train_begin" and hooks[-1] == "on_train_end"
            assert hooks.count("on_epoch_end") == FAST[cls]["max_epochs"]
            assert hooks.count("on_batch_end") >= FAST[cls]["max_epochs"] * (150 // 32)
    callbacks = dict(model.net_.callbacks_)
    assert isinstance(callbacks["mine"], recorder) and callbacks["mine"].label == "named"
    assert callbacks["mine"] is not named


@each_clusterer
def test_keyboard_interrupt_ends_the_whole_fit(cls, data, recorder):
    X, _ = data
    torch_state = torch.get_rng_state()
    with pytest.raises(KeyboardInterrupt):
        fast(cls, n_init=3, callbacks=[recorder(), _Interrupt()]).fit(X)
    hooks = [hook for *_, hook in recorder.events]
    assert hooks.count("on_train_begin") == 1  # no later restart started
    assert torch.equal(torch_state, torch.get_rng_state())


@each_clusterer
def test_nan_loss_names_the_epoch_and_the_term(cls, data, fitted):
    X, _ = data
    with pytest.raises(NonFiniteLossError, match=r"Loss term '\w+' became nan in epoch 2") as info:
        fast(cls, callbacks=[_PoisonWeights()]).fit(X)
    term = re.search(r"Loss term '(\w+)'", str(info.value)).group(1)
    assert f"train_{term}" in fitted(cls).net_.history[-1]


@each_clusterer
def test_verbose_prints_the_epoch_table(cls, data, capsys):
    X, _ = data
    fast(cls, **_short(cls), verbose=0).fit(X)
    assert capsys.readouterr().out == ""
    model = fast(cls, **_short(cls), verbose=2).fit(X)
    out = capsys.readouterr().out
    terms = [key for key in model.net_.history[-1]
             if key.startswith("train_") and not key.endswith("_best")
             and key != "train_batch_count"]
    assert "train_loss" in terms
    for term in terms:
        assert term in out


# --------------------------------------------------------------------------- inference


@each_clusterer
def test_inference_batch_size_does_not_change_results(cls, data, fitted, monkeypatch):
    X, _ = data
    model = fitted(cls)
    outputs = [model.transform(X)]
    if hasattr(model, "predict_proba"):
        outputs.append(model.predict_proba(X))
    monkeypatch.setattr(skdeepclust._base, "INFERENCE_BATCH_SIZE", 7)
    again = [model.transform(X)]
    if hasattr(model, "predict_proba"):
        again.append(model.predict_proba(X))
    for before, after in zip(outputs, again, strict=True):
        np.testing.assert_allclose(after, before, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(model.predict(X), model.labels_)


@each_clusterer
def test_predict_streams_batches(cls, data, fitted):
    # Inference never runs the network on more than one batch of rows at a time.
    X, _ = data
    model = fitted(cls)
    sizes = []
    hook = model.net_.module_.register_forward_hook(lambda m, i, o: sizes.append(len(i[0])))
    big = np.tile(X, (20, 1))
    try:
        model.predict(big)
    finally:
        hook.remove()
    assert max(sizes) <= skdeepclust._base.INFERENCE_BATCH_SIZE
    assert sum(sizes) == len(big)


@requires_cuda
@each_clusterer
def test_cuda_fit_is_deterministic_and_pickles_to_cpu(cls, data, tmp_path):
    X, _ = data
    model = fast(cls, device="cuda").fit(X)
    again = fast(cls, device="cuda").fit(X)
    np.testing.assert_array_equal(model.labels_, again.labels_)
    assert isinstance(model.restart_scores_, np.ndarray)
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    # skorch's unpickler maps CUDA tensors to the CPU when CUDA is missing; the estimator's own
    # fitted attributes are numpy, so nothing else is device bound.
    loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
