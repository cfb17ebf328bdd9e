"""The benchmark harness: protocols as data, one runner, one result format.

A :class:`Protocol` says what to run (dataset, preprocessing, estimators with their
parameters, seeds, how often to trace training); :func:`run_protocol` runs it and appends one
JSON line per (method, seed) to ``benchmarks/results/<protocol>.jsonl``. Every line carries
what is needed to trust and re-run it: the command, the commit (and whether the tree had
uncommitted changes), the machine, library versions, the date, and the estimator's
parameters. ``benchmarks/RESULTS.md`` is generated from these files (``run.py report``).

Seeds
-----
Defaults may be chosen only by looking at runs on :data:`TUNING_SEEDS`; every reported
number comes from :data:`REPORTING_SEEDS`. A seed is the ``random_state`` of one run; for
subsampled data the subsample is fixed (drawn with seed 0) so that seeds vary only the method.

Time series
-----------
The series sets (:data:`SERIES_SETS`) come from aeon and tslearn, optional benchmark
dependencies (the ``bench`` extra), and load without a network: their files ship inside the
packages. :func:`load_series` gives a :class:`SeriesDataset`; the ``ts_kmeans`` baseline
(tslearn's ``TimeSeriesKMeans``) is skipped with a message when tslearn is missing.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
import skorch
import torch
from sklearn.base import BaseEstimator
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.model_selection import train_test_split
from skorch.callbacks import Callback

from skdeepclust import presets
from skdeepclust._compare import FLAT_INPUT, METHODS, Dataset, load_dataset
from skdeepclust.callbacks import auxiliary_loss, auxiliary_weights
from skdeepclust.ensemble import consensus_vote
from skdeepclust.metrics import clustering_accuracy

#: Seeds for choosing defaults (look at labels only here).
TUNING_SEEDS: tuple[int, ...] = tuple(range(0, 10))
#: Seeds for every reported number (never used to choose anything); a protocol uses the
#: first ``n_seeds`` of them (20 for a paper's 20 runs).
REPORTING_SEEDS: tuple[int, ...] = tuple(range(100, 120))
SEED_SETS = {"tuning": TUNING_SEEDS, "reporting": REPORTING_SEEDS}

ROOT = Path(__file__).resolve().parent
RESULTS_DIR = ROOT / "results"


@dataclass(frozen=True)
class Method:
    """One estimator of a protocol.

    ``factory`` is either a key of the main job's method table (``"kmeans"``, ``"ddc"``, ...:
    the package defaults, adapted to the data the way ``python -m skdeepclust`` does) or
    ``"preset:<name>"`` for a function of :mod:`skdeepclust.presets`. ``params`` go to the
    preset function, or to ``set_params`` for a method-table entry.
    """

    label: str
    factory: str
    params: dict = field(default_factory=dict)

    def build(self, data: Dataset, seed: int, device: str) -> BaseEstimator:
        if self.factory in SERIES_METHODS:
            estimator = SERIES_METHODS[self.factory](data.n_clusters, seed, device, data)
            return estimator.set_params(**self.params)
        if self.factory.startswith("preset:"):
            name = self.factory.removeprefix("preset:")
            estimator = presets.PRESETS[name](**{"n_clusters": data.n_clusters, **self.params})
            params = {"random_state": seed}
            if "device" in estimator.get_params():
                params["device"] = device
            return estimator.set_params(**params)
        estimator = METHODS[self.factory](data.n_clusters, seed, device, data)
        return estimator.set_params(**self.params)

    @property
    def flat_input(self) -> bool:
        return self.factory in FLAT_INPUT

    @property
    def missing_requirement(self) -> str | None:
        """The optional package this method needs and that is not installed, if any."""
        module = REQUIRES.get(self.factory)
        if module is None or importlib.util.find_spec(module) is not None:
            return None
        return module

    def input_for(self, data: Dataset, estimator: BaseEstimator):
        """The view of ``data`` this method's estimator is fitted on."""
        if self.flat_input:
            return data.X_flat
        if self.factory == "ts_kmeans":
            # tslearn's euclidean k-means rejects NaN, so it gets series of one length; its
            # DTW reads NaN padding as the end of a series.
            metric = estimator.get_params()["metric"]
            return data.X_equal if metric == "euclidean" else data.X_padded
        return data.X


@dataclass(frozen=True)
class Protocol:
    """A benchmark: what to run, on what, how often, and what to compare with.

    Parameters
    ----------
    name : str
        File stem of the results and the name on the command line.
    title : str
        Heading in RESULTS.md.
    dataset : str
        A dataset of the main job (``skdeepclust._compare.DATASETS``).
    methods : tuple of Method
    kind : {"defaults", "paper", "control", "investigation"}
        ``"defaults"``: the package defaults (RESULTS.md's main tables); ``"paper"``: a paper's
        protocol through a preset; ``"control"``: an experiment that isolates one factor;
        ``"investigation"``: a measurement behind a note in ``docs/`` (``doc``), named but not
        tabled in RESULTS.md.
    n_seeds : int
        How many reporting seeds a plain run uses (the first ``n_seeds`` of the set).
    preprocessing : {None, "symmetric", "per_sample_minmax"}
        After loading: ``"symmetric"`` maps [0, 1] images to [-1, 1] (the UCO code's
        ``(x - 0.5) / 0.5``); ``"per_sample_minmax"`` scales each sample to [0, 1] (the DTKC
        code). None keeps the main job's preparation.
    subsample : int or None
        Stratified subsample of this many rows (fixed, drawn with seed 0).
    trace_every : int or None
        Record ACC/NMI and the eval-mode loss terms every this many epochs during training.
    reference : dict of str to str
        What to compare with, per method label (e.g. a paper's published number).
    notes : str
        One paragraph for RESULTS.md: what the protocol differs in from the paper's.
    doc : str or None
        For ``kind="investigation"``: the ``docs/`` page that discusses the results.
    """

    name: str
    title: str
    dataset: str
    methods: tuple[Method, ...]
    kind: str = "defaults"
    n_seeds: int = 10
    preprocessing: str | None = None
    subsample: int | None = None
    trace_every: int | None = None
    reference: dict = field(default_factory=dict)
    notes: str = ""
    doc: str | None = None

    def method(self, label: str) -> Method:
        for m in self.methods:
            if m.label == label:
                return m
        raise KeyError(f"protocol {self.name!r} has no method {label!r}; "
                       f"choose from {[m.label for m in self.methods]}")

    def load(self) -> Dataset:
        data = subsample(load_protocol_dataset(self.dataset), self.subsample)
        return preprocess(data, self.preprocessing)


def load_protocol_dataset(name: str) -> Dataset:
    """A dataset of the main job, ``"fashion_mnist_train"`` (the 60 000 training images), or
    a series set of :data:`SERIES_SETS`."""
    if name in SERIES_SETS:
        return load_series(name)
    if name == "fashion_mnist_train":
        from skdeepclust.datasets import load_fashion_mnist

        bunch = load_fashion_mnist(subset="train")
        return Dataset(name, bunch.images, bunch.target)
    return load_dataset(name)


def preprocess(data: Dataset, how: str | None) -> Dataset:
    if how is None:
        return data
    X = data.X.astype(np.float32)
    if how == "symmetric":
        X = 2.0 * X - 1.0
    elif how == "per_sample_minmax":
        flat = X.reshape(len(X), -1)
        low = flat.min(axis=1, keepdims=True)
        span = np.maximum(flat.max(axis=1, keepdims=True) - low, 1e-12)
        X = ((flat - low) / span).reshape(X.shape)
    else:
        raise ValueError(f"unknown preprocessing {how!r}")
    return Dataset(f"{data.name}({how})", X.astype(np.float32), data.y)


def subsample(data: Dataset, n_samples: int | None) -> Dataset:
    """A stratified subsample of ``n_samples`` rows, the same for every seed and method."""
    if n_samples is None or n_samples >= len(data.y):
        return data
    index, _ = train_test_split(np.arange(len(data.y)), train_size=n_samples,
                                stratify=data.y, random_state=0)
    index = np.sort(index)
    return Dataset(f"{data.name}[{n_samples}]", data.X[index], data.y[index])


class Trace(Callback):
    """Every ``every`` epochs: ACC and NMI of the current labels and the eval-mode loss terms.

    The labels are only compared with; they never reach training. Stored in the history as
    ``trace`` (a dict) on the evaluated epochs.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, every: int):
        self.X = X
        self.y = y
        self.every = every

    def on_train_begin(self, net, **kwargs):
        # The partition training starts from (after the method's initialisation), recorded
        # with the first epoch as ``trace_start``.
        self.start_ = self._measure(net, 0)

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history)
        if getattr(self, "start_", None) is not None:
            net.history.record("trace_start", self.start_)
            self.start_ = None
        if epoch % self.every:
            return
        net.history.record("trace", self._measure(net, epoch))

    def _measure(self, net, epoch: int) -> dict:
        labels = net.predict_labels(self.X)
        terms = net.evaluate_terms(self.X, order=np.random.RandomState(0).permutation(len(self.X)))
        weights = auxiliary_weights(net)
        return {
            "epoch": epoch,
            "acc": clustering_accuracy(self.y, labels),
            "nmi": normalized_mutual_info_score(self.y, labels),
            "terms": terms,
            # The auxiliary loss in the UCO paper's R-OFM units: its terms unweighted.
            "aux": auxiliary_loss(terms, weights) if weights else None,
        }


def scores(y: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    return {"acc": clustering_accuracy(y, labels),
            "nmi": normalized_mutual_info_score(y, labels),
            "ari": adjusted_rand_score(y, labels)}


def environment() -> dict:
    """Commit, machine and versions of this run."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    device = ("cuda: " + torch.cuda.get_device_name(0)) if torch.cuda.is_available() else "cpu"
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "machine": f"{cpu}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads, "
                   f"{device}",
        "versions": {"torch": torch.__version__, "sklearn": sklearn.__version__,
                     "skorch": skorch.__version__, "python": platform.python_version()},
    }


def describe_params(estimator: BaseEstimator) -> dict[str, str]:
    """``get_params(deep=False)`` as reprs, without callbacks (harness-added, not settings)."""
    return {k: repr(v) for k, v in sorted(estimator.get_params(deep=False).items())
            if k != "callbacks"}


def run_one(method: Method, data: Dataset, seed: int, device: str,
            trace_every: int | None) -> dict:
    """Fit one estimator on ``data`` with ``random_state=seed`` and score it."""
    estimator = method.build(data, seed, device)
    params = describe_params(estimator)
    X = method.input_for(data, estimator)
    if trace_every and "callbacks" in estimator.get_params():
        estimator.set_params(callbacks=[("trace", Trace(X, data.y, trace_every))])
    start = time.perf_counter()
    labels = estimator.fit_predict(X)
    fit_time = time.perf_counter() - start
    row = {"method": method.label, "seed": seed, **scores(data.y, labels),
           "fit_time": fit_time, "params": params,
           "n_clusters_found": int(len(np.unique(labels)))}
    restarts = getattr(estimator, "restart_labels_", None)
    if restarts is not None and len(restarts) > 1:
        row["restart_acc"] = [clustering_accuracy(data.y, r) for r in restarts]
        row["restart_ari"] = [adjusted_rand_score(data.y, r) for r in restarts]
        row["restart_scores"] = [float(v) for v in estimator.restart_scores_]
        if len(restarts) >= 3:
            row["vote3_acc"] = clustering_accuracy(
                data.y, consensus_vote(restarts, estimator.restart_scores_, top=3))
    net = getattr(estimator, "net_", None)
    if trace_every and net is not None:
        row["trace"] = [h["trace"] for h in net.history if "trace" in h]
        row["trace_start"] = next((h["trace_start"] for h in net.history if "trace_start" in h),
                                  None)
    return row


def result_path(protocol: Protocol) -> Path:
    return RESULTS_DIR / f"{protocol.name}.jsonl"


def run_protocol(protocol: Protocol, seeds: list[int], labels: list[str] | None = None,
                 device: str = "auto", out: Path | None = None,
                 log: Callable[[str], None] = print) -> list[dict]:
    """Run ``protocol`` for each seed and method; append each row to ``out`` as it finishes."""
    data = protocol.load()
    methods = [protocol.method(label) for label in labels] if labels else protocol.methods
    out = out or result_path(protocol)
    out.parent.mkdir(parents=True, exist_ok=True)
    env = environment()
    script = Path(sys.argv[0]).resolve()
    if script.is_relative_to(ROOT.parent):
        script = script.relative_to(ROOT.parent)
    command = " ".join(["python", str(script), *map(shlex.quote, sys.argv[1:])])
    if os.environ.get("OMP_NUM_THREADS"):
        command = f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']} {command}"
    rows = []
    for method in methods:
        missing = method.missing_requirement
        if missing:
            log(f"{protocol.name} {method.label}: skipped, it needs {missing}, which is not "
                f"installed (pip install -e '.[bench]')")
            continue
        for seed in seeds:
            row = run_one(method, data, seed, device, protocol.trace_every)
            row = {"protocol": protocol.name, "dataset": data.name, **row,
                   "command": command, **env}
            with open(out, "a") as f:
                f.write(json.dumps(row) + "\n")
            log(f"{protocol.name} {method.label} seed {seed}: ACC {row['acc']:.3f} "
                f"NMI {row['nmi']:.3f} ARI {row['ari']:.3f} fit {row['fit_time']:.1f} s")
            rows.append(row)
    return rows


def read_results(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


# ------------------------------------------------------------------------------ time series


def _optional(module: str, needed_for: str):
    """Import an optional benchmark dependency, or say how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"{needed_for} needs {module.split('.')[0]}, an optional benchmark dependency: "
            "pip install -e '.[bench]'"
        ) from error


def z_normalise(series: np.ndarray) -> np.ndarray:
    """Each channel of a ``(length, channels)`` series to mean 0 and standard deviation 1
    over its own time steps (a constant channel is only centred)."""
    series = np.asarray(series, dtype=np.float64)
    std = series.std(axis=0)
    return ((series - series.mean(axis=0)) / np.where(std > 0, std, 1.0)).astype(np.float32)


def resample(series: np.ndarray, length: int) -> np.ndarray:
    """A ``(length_i, channels)`` series linearly interpolated, channel by channel, onto
    ``length`` equally spaced steps over the same span (first and last values kept)."""
    old = np.linspace(0.0, 1.0, len(series))
    new = np.linspace(0.0, 1.0, length)
    return np.stack([np.interp(new, old, series[:, c]) for c in range(series.shape[1])],
                    axis=1).astype(np.float32)


@dataclass
class SeriesDataset(Dataset):
    """Labelled time series, each z-normalised (:func:`z_normalise`).

    ``X`` is what the recurrent methods get: a float32 array of shape (n, T, channels) when
    all series have ``T`` steps, else a list of float32 arrays of shape (length_i, channels).
    Views for the baselines: ``X_equal`` (n, T, channels) is ``X`` itself for series of one
    length and, for series of different lengths, each series resampled to the longest length
    (:func:`resample`), since KMeans and tslearn's euclidean k-means need one length;
    ``X_flat`` is ``X_equal`` with one row per series; ``X_padded`` holds the series
    NaN-padded after their end to the longest length (tslearn's ``to_time_series_dataset``
    layout, which its DTW reads as series of different lengths).
    """

    @property
    def variable_length(self) -> bool:
        return isinstance(self.X, list)

    @property
    def lengths(self) -> np.ndarray:
        return np.array([len(x) for x in self.X])

    @property
    def X_equal(self) -> np.ndarray:
        if not self.variable_length:
            return self.X
        longest = int(self.lengths.max())
        return np.stack([resample(x, longest) for x in self.X])

    @property
    def X_flat(self) -> np.ndarray:
        return self.X_equal.reshape(len(self.y), -1)

    @property
    def X_padded(self) -> np.ndarray:
        if not self.variable_length:
            return self.X
        padded = np.full((len(self.X), int(self.lengths.max()), self.X[0].shape[1]), np.nan,
                         dtype=np.float32)
        for i, x in enumerate(self.X):
            padded[i, : len(x)] = x
        return padded


#: Crop of the variable-length set made from BasicMotions: each series keeps its first
#: ``length_i`` steps, ``length_i`` drawn uniformly from 50 % to 100 % of its 100 steps (50 to
#: 100 steps, both included) with this seed.
CROP_SEED = 0
CROP_FRACTION = (0.5, 1.0)

#: The series sets: name -> (source, set name, description). All ship inside aeon or tslearn
#: (no download); train and test splits are used together, as clustering has no test set.
SERIES_SETS: dict[str, tuple[str, str, str]] = {
    "basicmotions": ("aeon", "BasicMotions", "80 series x 100 steps x 6 channels, 4 classes"),
    "gunpoint": ("aeon", "GunPoint", "200 series x 150 steps, 2 classes"),
    "arrowhead": ("aeon", "ArrowHead", "211 series x 251 steps, 3 classes"),
    "trace": ("tslearn", "Trace", "200 series x 275 steps, 4 classes"),
    "basicmotions_cropped": ("aeon", "BasicMotions",
                             "80 series of 50-100 steps x 6 channels, 4 classes"),
    "japanesevowels": ("aeon", "JapaneseVowels",
                       "640 series of 7-29 steps x 12 channels, 9 speakers"),
}


def _read_aeon(name: str) -> tuple[list[np.ndarray], np.ndarray]:
    datasets = _optional("aeon.datasets", f"the series set {name}")
    # aeon holds series as (channels, steps): an array for one length, a list otherwise.
    X, y = datasets.load_classification(name)
    return [np.asarray(x, dtype=np.float64).T for x in X], np.asarray(y)


def _read_tslearn(name: str) -> tuple[list[np.ndarray], np.ndarray]:
    datasets = _optional("tslearn.datasets", f"the series set {name}")
    X_train, y_train, X_test, y_test = datasets.CachedDatasets().load_dataset(name)
    X = np.concatenate([X_train, X_test])  # (n, steps, channels)
    return [np.asarray(x, dtype=np.float64) for x in X], np.concatenate([y_train, y_test])


def load_series(name: str) -> SeriesDataset:
    """A series set of :data:`SERIES_SETS`, each series z-normalised over its own steps.

    ``"basicmotions_cropped"`` crops BasicMotions (:data:`CROP_SEED`, :data:`CROP_FRACTION`)
    before normalising each cropped series. Labels are coded 0..k-1 in sorted order.
    """
    if name not in SERIES_SETS:
        raise ValueError(f"unknown series set {name!r}; choose from {sorted(SERIES_SETS)}")
    source, set_name, _ = SERIES_SETS[name]
    series, labels = (_read_aeon if source == "aeon" else _read_tslearn)(set_name)
    if name == "basicmotions_cropped":
        rng = np.random.RandomState(CROP_SEED)
        low, high = CROP_FRACTION
        series = [x[: rng.randint(int(np.ceil(low * len(x))), int(high * len(x)) + 1)]
                  for x in series]
    series = [z_normalise(x) for x in series]
    y = np.unique(labels, return_inverse=True)[1].astype(np.int64)
    if len({x.shape for x in series}) == 1:
        return SeriesDataset(name, np.stack(series), y)
    return SeriesDataset(name, series, y)


def _ts_kmeans(n_clusters: int, seed: int, device: str, data: Dataset) -> BaseEstimator:
    clustering = _optional("tslearn.clustering", "TimeSeriesKMeans")
    return clustering.TimeSeriesKMeans(n_clusters, random_state=seed)


#: Baselines of the series protocols: factory name -> factory(n_clusters, seed, device, data);
#: a Method's ``params`` go to ``set_params`` (e.g. ``{"metric": "dtw"}``).
SERIES_METHODS: dict[str, Callable[[int, int, str, Dataset], BaseEstimator]] = {
    "ts_kmeans": _ts_kmeans,
}

#: Optional packages of method factories: a protocol run skips the method, saying so, when
#: the package is not installed.
REQUIRES: dict[str, str] = {"ts_kmeans": "tslearn"}
