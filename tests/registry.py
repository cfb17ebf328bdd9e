"""The registry of public estimators that the shared tests run over.

Covering a new estimator takes one entry in :data:`FAST`: its fast preset. ``test_estimators``
then runs every shared-behaviour test on it (clusterers) or the parameter tests (other
estimators), and ``test_common`` runs scikit-learn's checks on its preset, or on the variants
listed for it in :data:`CHECK_VARIANTS`. ``test_estimators`` fails when a public estimator has
no entry.
"""

from __future__ import annotations

from skdeepclust import AECM, DCN, DDC, DEC, IDEC, ACeDeC, Autoencoder, ClusteringModule
from skdeepclust._base import BaseDeepClusterer

#: Per estimator class, constructor arguments that make a fit on 150 samples x 4 features take
#: about a tenth of a second: tiny networks, a few epochs, one restart, small batches (several
#: per epoch). The autoencoder methods pretrain a little, DEC/IDEC with noise as DCN/ACeDeC do
#: by default, so that the shared tests also cover pretraining and its random draws.
FAST: dict[type, dict] = {
    DDC: dict(hidden_dims=(16,), n_hidden=8, n_init=1, max_epochs=3, batch_size=32),
    # tol=0: DEC never stops early, so the number of epochs is known.
    DEC: dict(hidden_dims=(16,), n_embed=3, pretrain_epochs=3, pretrain_noise=0.1, n_init=1,
              max_epochs=3, batch_size=32, tol=0.0),
    IDEC: dict(hidden_dims=(16,), n_embed=3, pretrain_epochs=3, pretrain_noise=0.1, n_init=1,
               max_epochs=3, batch_size=32, tol=0.0),
    DCN: dict(hidden_dims=(16,), n_embed=3, pretrain_epochs=3, n_init=1, max_epochs=3,
              batch_size=32, lr=1e-3),
    ACeDeC: dict(hidden_dims=(16,), n_embed=4, pretrain_epochs=3, init_epochs=1, n_init=1,
                 max_epochs=3, batch_size=32, lr=1e-3),
    ClusteringModule: dict(n_init=1, max_epochs=3, batch_size=32, lr=1e-2),
    # From a random start the AE-CM needs ~50 epochs to form clusters; k-means starts it there.
    AECM: dict(hidden_dims=(16,), n_embed=5, pretrain_epochs=2, init="k-means", n_init=1,
               max_epochs=3, batch_size=32, lr=1e-2),
    Autoencoder: dict(hidden_dims=(8,), n_embed=2, max_epochs=3, batch_size=32),
}

#: The clusterers (everything derived from the fit template); the shared tests run over these.
CLUSTERERS: tuple[type, ...] = tuple(cls for cls in FAST if issubclass(cls, BaseDeepClusterer))


def fast(cls: type, **overrides):
    """An unfitted ``cls`` with its fast preset, ``random_state=0``, ``device="cpu"`` (tiny
    networks, and the same results on machines with a GPU) and, for a clusterer,
    ``n_clusters=3``; ``overrides`` replace any of these."""
    params = {"random_state": 0, "device": "cpu", **FAST[cls]}
    if issubclass(cls, BaseDeepClusterer):
        params["n_clusters"] = 3
    return cls(**{**params, **overrides})


#: scikit-learn's estimator checks run on these full parameter sets (an estimator without an
#: entry is checked with its fast preset). Several per class so that the checks also reach
#: the options that change the network or the training loop: UCO kernels and weightings,
#: patience, restarts, k-means starts, denoising, decays, routed optimizer parameters. The
#: conv forms (encoder="cnn") need images of at least 20x20, which the checks' tabular data
#: is not; test_dec.py and test_ddc.py cover them.
CHECK_VARIANTS: dict[type, list[dict]] = {
    # He's initialisation: the checks' 50-point blobs allow only a few steps, too few for
    # PyTorch's smaller initial weights (the default) to separate them.
    DDC: [
        dict(weight_init="he", hidden_dims=(16,), n_hidden=16, n_init=1, max_epochs=20,
             batch_size=32),
        dict(weight_init="he", hidden_dims=(16, 16), n_hidden=8, n_init=2, vote=None,
             max_epochs=10, batch_size=64, patience=3),
        dict(weight_init="he", hidden_dims=(16, 8), n_hidden=16, uco_kernel="naive", n_init=1,
             max_epochs=20, batch_size=32),
        dict(weight_init="he", hidden_dims=(16, 8), n_hidden=16, uco_kernel="tensor",
             uco_weighting="exponential", reconstruction_weight=0.1, n_init=1, max_epochs=20,
             batch_size=32),
    ],
    ClusteringModule: [
        dict(n_clusters=3, n_init=2, max_epochs=20, batch_size=16, lr=1e-2),
    ],
    AECM: [
        dict(n_clusters=3, hidden_dims=(16,), n_embed=4, init="k-means", n_init=1,
             max_epochs=30, batch_size=16, lr=1e-2),
    ],
    DCN: [
        dict(n_clusters=3, hidden_dims=(16,), n_embed=4, pretrain_epochs=10, max_epochs=10,
             batch_size=16, lr=1e-3),
    ],
    ACeDeC: [
        dict(n_clusters=3, hidden_dims=(16,), n_embed=4, pretrain_epochs=10, init_epochs=3,
             max_epochs=10, batch_size=16, lr=1e-3),
    ],
    DEC: [
        dict(n_clusters=3, hidden_dims=(16,), n_embed=3, n_init=1, pretrain_epochs=10,
             max_epochs=10, batch_size=32),
        dict(n_clusters=3, hidden_dims=(16, 8), n_embed=3, uco_kernel="tensor",
             uco_weighting="exponential", pretrain_noise=0.1, update_interval=2, tol=0.01,
             n_init=1, pretrain_epochs=10, max_epochs=10, batch_size=32),
    ],
    IDEC: [
        dict(n_clusters=3, hidden_dims=(16,), n_embed=3, n_init=2, pretrain_epochs=10,
             max_epochs=10, batch_size=32, uco_kernel="naive"),
    ],
    Autoencoder: [
        dict(hidden_dims=(8,), n_embed=2, max_epochs=5, batch_size=16),
        dict(hidden_dims=(), n_embed=2, max_epochs=5, batch_size=16, noise=0.1, warmup=1,
             decay="cosine", optimizer__eps=1e-6),
    ],
}


def check_estimators() -> list:
    """Fresh instances for ``parametrize_with_checks``: every variant of every estimator of
    :data:`FAST` (its fast preset where it has no variants), all with ``random_state=0``."""
    estimators = []
    for cls in FAST:
        variants = CHECK_VARIANTS.get(cls)
        if variants is None:
            estimators.append(fast(cls))
        else:
            estimators += [cls(random_state=0, **params) for params in variants]
    return estimators
