"""Run several clusterers on one dataset and collect ACC / NMI / ARI / fit time.

Used by ``python -m skdeepclust`` and by the scripts in ``benchmarks/``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

from skdeepclust._acedec import ACeDeC
from skdeepclust._aecm import AECM, ClusteringModule
from skdeepclust._dcn import DCN
from skdeepclust._ddc import DDC
from skdeepclust._dec import DEC, IDEC
from skdeepclust.ensemble import consensus_vote
from skdeepclust.metrics import clustering_accuracy


@dataclass
class Dataset:
    """A labelled dataset prepared for clustering.

    ``X`` is what the deep methods get (images keep their (C, H, W) shape); ``X_flat`` is the
    2-D view the classical baselines get.
    """

    name: str
    X: np.ndarray
    y: np.ndarray

    @property
    def X_flat(self) -> np.ndarray:
        return self.X.reshape(len(self.X), -1)

    @property
    def n_clusters(self) -> int:
        return len(np.unique(self.y))


def load_dataset(name: str) -> Dataset:
    """Load a dataset by name, scaled the way the benchmarks use it.

    ``digits``: 8x8 images with grey levels 0..16, divided by 16 (one global scale, like the
    other image sets; per-pixel min-max scaling inflates rarely used border pixels);
    ``iris``/``wine``/``breast_cancer``: standardised; ``mnist5k``/``fashion_mnist``: images in
    [0, 1] of shape (n, 1, 28, 28); ``synth25``: ``make_synth25(random_state=0)`` as generated
    (12 000 x 27, unscaled).
    """
    tabular = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer}
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        return Dataset(name, (X / 16.0).astype(np.float32), y)
    if name in tabular:
        X, y = tabular[name](return_X_y=True)
        return Dataset(name, StandardScaler().fit_transform(X).astype(np.float32), y)
    if name == "mnist5k":
        from skdeepclust.datasets import load_mnist5k

        bunch = load_mnist5k()
        return Dataset(name, bunch.images, bunch.target)
    if name == "fashion_mnist":
        from skdeepclust.datasets import load_fashion_mnist

        bunch = load_fashion_mnist()
        return Dataset(name, bunch.images, bunch.target)
    if name == "synth25":
        from skdeepclust.datasets import make_synth25

        X, y = make_synth25(random_state=0)
        return Dataset(name, X, y)
    raise ValueError(f"Unknown dataset {name!r}; choose from {DATASETS}.")


DATASETS = ("digits", "iris", "wine", "breast_cancer", "mnist5k", "fashion_mnist", "synth25")


def _gmm(n_clusters: int, seed: int, device: str, data: Dataset) -> BaseEstimator:
    covariance = "full" if data.X_flat.shape[1] <= 40 else "diag"
    return GaussianMixture(n_clusters, covariance_type=covariance, n_init=1, random_state=seed)


#: name -> factory(n_clusters, seed, device, data) returning an unfitted estimator.
METHODS: dict[str, Callable[[int, int, str, Dataset], BaseEstimator]] = {
    "kmeans": lambda k, seed, device, data: KMeans(k, n_init=10, random_state=seed),
    "gmm": _gmm,
    "ddc": lambda k, seed, device, data: DDC(k, device=device, random_state=seed),
}

#: Methods that take the flat 2-D data; the others take ``Dataset.X`` as is.
FLAT_INPUT = {"kmeans", "gmm"}


def _aecm(n_clusters: int, seed: int, device: str, data: Dataset) -> BaseEstimator:
    # Small tables get the paper's UCI architecture d - 2k - d (a linear autoencoder with a
    # code of 2k dimensions, paper Appendix 1); images and wider data the default deep one.
    if data.X_flat.shape[1] <= 50:
        return AECM(n_clusters, hidden_dims=(), n_embed=2 * n_clusters, device=device,
                    random_state=seed)
    return AECM(n_clusters, device=device, random_state=seed)


METHODS["cm"] = lambda k, seed, device, data: ClusteringModule(k, device=device,
                                                               random_state=seed)
METHODS["aecm"] = _aecm


def _dcn_kwargs(data: Dataset) -> dict:
    # Small tables: a single-layer linear autoencoder with d = number of features (the ACe/DeC
    # paper's SYNTH-25 setting); images and wider data the default deep one.
    n_features = data.X_flat.shape[1]
    return {"hidden_dims": (), "n_embed": n_features} if n_features <= 50 else {}


METHODS["dcn"] = lambda k, seed, device, data: DCN(k, device=device, random_state=seed,
                                                   **_dcn_kwargs(data))
METHODS["acedec"] = lambda k, seed, device, data: ACeDeC(k, device=device, random_state=seed,
                                                         **_dcn_kwargs(data))


# DEC family: MLP forms for any data, conv forms (DEC-Conv, DCEC, DEC-Conv-UCO_T as in the UCO
# paper's Table 5) for images of at least 20x20.
METHODS["dec"] = lambda k, seed, device, data: DEC(k, encoder="mlp", device=device,
                                                   random_state=seed)
METHODS["idec"] = lambda k, seed, device, data: IDEC(k, encoder="mlp", device=device,
                                                     random_state=seed)
METHODS["dec_conv"] = lambda k, seed, device, data: DEC(k, encoder="cnn", device=device,
                                                        random_state=seed)
METHODS["dcec"] = lambda k, seed, device, data: IDEC(k, encoder="cnn", device=device,
                                                     random_state=seed)
METHODS["dec_conv_uco_t"] = lambda k, seed, device, data: DEC(
    k, encoder="cnn", uco_kernel="tensor", lr=1e-4, device=device, random_state=seed
)


def run_comparison(
    data: Dataset, methods: list[str], seeds: list[int], device: str = "auto",
    overrides: dict[str, dict] | None = None,
) -> list[dict]:
    """Fit each method once per seed and score it against the labels.

    Parameters
    ----------
    data : Dataset
    methods : list of str
        Keys of :data:`METHODS`.
    seeds : list of int
        ``random_state`` of each run.
    device : str, default="auto"
    overrides : dict of str to dict, optional
        Extra ``set_params`` arguments per method name.

    Returns
    -------
    rows : list of dict
        One row per (method, seed) with ``acc``, ``nmi``, ``ari`` and ``fit_time`` (seconds).
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"Unknown method(s) {unknown}; choose from {sorted(METHODS)}.")
    rows = []
    for method in methods:
        for seed in seeds:
            estimator = METHODS[method](data.n_clusters, seed, device, data)
            estimator.set_params(**(overrides or {}).get(method, {}))
            X = data.X_flat if method in FLAT_INPUT else data.X
            start = time.perf_counter()
            labels = estimator.fit_predict(X)
            fit_time = time.perf_counter() - start
            restarts = getattr(estimator, "restart_labels_", None)
            rows.append({
                "method": method,
                "seed": seed,
                "acc": clustering_accuracy(data.y, labels),
                "nmi": normalized_mutual_info_score(data.y, labels),
                "ari": adjusted_rand_score(data.y, labels),
                "fit_time": fit_time,
                # Model-specific diagnostics: ACeDeC's cluster-space size, DEC's used clusters.
                "n_cluster_dims": getattr(estimator, "n_cluster_dims_", None),
                "n_clusters_used": getattr(estimator, "n_clusters_used_", None),
                # Diagnostics for restart selection: how each restart scored and ranked.
                "restart_acc": None if restarts is None else [
                    clustering_accuracy(data.y, r) for r in restarts
                ],
                "restart_scores": None if restarts is None else [
                    float(v) for v in estimator.restart_scores_
                ],
                # DDC-VOTE: majority over the three lowest-loss restarts.
                "vote3_acc": None if restarts is None or len(restarts) < 3 else
                clustering_accuracy(
                    data.y, consensus_vote(restarts, estimator.restart_scores_, top=3)
                ),
            })
    return rows


def summarize(rows: list[dict]) -> list[dict]:
    """Mean and standard deviation per method over seeds."""
    summary = []
    for method in dict.fromkeys(row["method"] for row in rows):
        mine = [row for row in rows if row["method"] == method]
        entry = {"method": method, "n_seeds": len(mine)}
        for key in ("acc", "nmi", "ari", "fit_time"):
            values = np.array([row[key] for row in mine])
            entry[key] = float(values.mean())
            entry[f"{key}_std"] = float(values.std())
        summary.append(entry)
    return summary


def format_table(summary: list[dict]) -> str:
    """A plain-text table of :func:`summarize` output."""
    header = f"{'method':<10} {'seeds':>5} {'ACC':>13} {'NMI':>13} {'ARI':>13} {'fit time (s)':>14}"
    lines = [header, "-" * len(header)]
    for e in summary:
        cells = [f"{e[k]:.3f}±{e[k + '_std']:.3f}" for k in ("acc", "nmi", "ari")]
        lines.append(
            f"{e['method']:<10} {e['n_seeds']:>5} {cells[0]:>13} {cells[1]:>13} {cells[2]:>13} "
            f"{e['fit_time']:>8.1f}±{e['fit_time_std']:<5.1f}"
        )
    return "\n".join(lines)

