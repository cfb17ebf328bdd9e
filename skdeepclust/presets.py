"""The papers' configurations as ready-made estimators.

Each function returns an unfitted estimator set up as the paper describes its experiments
(architecture, loss weights, optimiser, epochs, restarts); any keyword overrides a value,
exactly like ``set_params`` afterwards. The docstring of each names the paper, the table it
reproduces and where the authors' code or this package differs. The package's defaults are
tuned for a CPU and small data; these presets are what to use to compare with a paper.

``n_init`` in a preset is the paper's number of runs *with selection* where the paper
selects (DDC: lowest loss of 20); where a paper reports the mean over its runs (AE-CM,
DEC-family tables), the preset keeps one run and the benchmark averages over seeds.

Examples
--------
>>> from skdeepclust import presets
>>> model = presets.aecm("fashion_mnist", n_clusters=10)
>>> model.alpha, model.beta, model.lam, model.batch_size
(13.0, 47.0, 1.0, 175)
>>> "aecm" in presets.PRESETS
True
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from sklearn.base import BaseEstimator

from skdeepclust._aecm import AECM, ClusteringModule

#: Paper Table 13 of the AE-CM paper (= the authors' ``Tuned_Param.py``): per dataset the
#: Dirichlet concentration alpha, reconstruction weight beta, orthonormality weight lambda,
#: batch size B and code dimension p, all for batch *sums* (``reduction="sum"``).
AECM_TABLE_13: dict[str, dict[str, float]] = {
    "mnist": {"alpha": 230.0, "beta": 5.0, "lam": 1.0, "batch_size": 500, "n_embed": 10},
    "fashion_mnist": {"alpha": 13.0, "beta": 47.0, "lam": 1.0, "batch_size": 175, "n_embed": 10},
    "usps": {"alpha": 20.0, "beta": 0.5, "lam": 1.0, "batch_size": 256, "n_embed": 10},
    "cifar10": {"alpha": 64.0, "beta": 1.0, "lam": 1.0, "batch_size": 256, "n_embed": 10},
    "reuters10k": {"alpha": 2.0, "beta": 1.0, "lam": 1.0, "batch_size": 256, "n_embed": 100},
    "20news": {"alpha": 10.0, "beta": 232.0, "lam": 1.0, "batch_size": 300, "n_embed": 100},
    "10x73k": {"alpha": 7.0, "beta": 15.0, "lam": 1.0, "batch_size": 7, "n_embed": 10},
    "pendigits": {"alpha": 13.0, "beta": 0.5, "lam": 1.0, "batch_size": 100, "n_embed": 10},
}

#: Paper Table 12 of the AE-CM paper: the CM's concentration alpha and batch size B.
CM_TABLE_12: dict[str, dict[str, float]] = {
    "mnist": {"alpha": 177.0, "batch_size": 111},
    "fashion_mnist": {"alpha": 80.0, "batch_size": 35},
    "usps": {"alpha": 40.0, "batch_size": 150},
    "cifar10": {"alpha": 164.0, "batch_size": 350},
    "reuters10k": {"alpha": 10.0, "batch_size": 400},
    "20news": {"alpha": 11.0, "batch_size": 85},
    "10x73k": {"alpha": 1000.0, "batch_size": 500},
    "pendigits": {"alpha": 13.0, "batch_size": 80},
}


def _table_row(table: dict, dataset: str, name: str) -> dict:
    if dataset not in table:
        raise ValueError(
            f"{name} has no paper setting for dataset {dataset!r}; choose from "
            f"{sorted(table)} or pass the hyper-parameters yourself."
        )
    return dict(table[dataset])


def aecm(dataset: str = "mnist", *, init: str = "random", n_clusters: int = 10,
         **params) -> AECM:
    r"""AE-CM as in Boubekki et al. (2021), §5.3 and Appendix, Table 5.

    Deep autoencoder ``d-500-500-2000-p`` with leaky ReLU (slope 0.2), the loss summed over
    each mini-batch (``reduction="sum"``) with the dataset's :math:`\alpha, \beta, \lambda, B,
    p` from Table 13, Adam with learning rate :math:`10^{-3}` and
    :math:`\epsilon = 10^{-3}` (the authors' optimiser), 150 epochs plus the averaging epoch
    (the appendix; §5.1 and the authors' code say 1 000 epochs, set ``max_epochs=1000`` for
    that reading). Table 5 reports the mean of 20 single runs, so ``n_init=1``: average over
    seeds to compare.

    ``init="random"`` is AE-CM^r. ``init="k-means++"`` is AE-CM^p: the autoencoder is first
    trained alone for 100 epochs (SGD, learning rate 0.01, momentum 0.9; Fashion-MNIST
    momentum 0), then the CM starts from k-means++ on the codes. The authors also train the
    CM alone on frozen codes before the joint phase; this package goes straight to the joint
    phase.

    Parameters
    ----------
    dataset : str, default="mnist"
        A row of Table 13: ``"mnist"``, ``"fashion_mnist"``, ``"usps"``, ``"cifar10"``,
        ``"reuters10k"``, ``"20news"``, ``"10x73k"``, ``"pendigits"``.
    init : {"random", "k-means++"}, default="random"
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.AECM` parameter, overriding the preset.
    """
    setting = _table_row(AECM_TABLE_13, dataset, "aecm")
    pretrain: dict = {}
    if init != "random":
        momentum = 0.0 if dataset == "fashion_mnist" else 0.9
        pretrain = {"pretrain_epochs": 100, "pretrain_lr": 0.01, "pretrain_batch_size": 256,
                    "pretrain_optimizer": torch.optim.SGD, "pretrain_optimizer__momentum": momentum}
    config = {
        "n_clusters": n_clusters, "hidden_dims": (500, 500, 2000), "negative_slope": 0.2,
        "reduction": "sum", "init": init, "averaging_epoch": True, "n_init": 1,
        "max_epochs": 150, "lr": 1e-3, "optimizer__eps": 1e-3, **setting, **pretrain,
    }
    return AECM(**{**config, **params})


def cm(dataset: str = "mnist", *, init: str = "random", n_clusters: int = 10,
       **params) -> ClusteringModule:
    r"""The clustering module as in Boubekki et al. (2021), §5.2, Table 1.

    Loss summed over each mini-batch with Table 12's :math:`\alpha` and batch size, Adam
    (learning rate :math:`10^{-3}`, :math:`\epsilon = 10^{-3}`), 150 epochs plus the averaging
    epoch; ``init="random"`` is CM^r, ``init="k-means++"`` CM^p. Table 1 reports the mean of 20
    single runs, so ``n_init=1``.

    Parameters
    ----------
    dataset : str, default="mnist"
        A row of Table 12 (same names as :func:`aecm`).
    init : {"random", "k-means++"}, default="random"
    n_clusters : int, default=10
    **params
        Any other :class:`~skdeepclust.ClusteringModule` parameter.
    """
    setting = _table_row(CM_TABLE_12, dataset, "cm")
    config = {"n_clusters": n_clusters, "reduction": "sum", "init": init,
              "averaging_epoch": True, "n_init": 1, "max_epochs": 150, "lr": 1e-3,
              "optimizer__eps": 1e-3, **setting}
    return ClusteringModule(**{**config, **params})


#: Preset name -> function returning the configured estimator.
PRESETS: dict[str, Callable[..., BaseEstimator]] = {"aecm": aecm, "cm": cm}
