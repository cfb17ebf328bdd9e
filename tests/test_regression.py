"""Stored labels: every estimator, fast settings, a digits subsample, seeds 0-2.

The labels in ``regression_labels.npz`` were produced by this module's ``__main__`` block. A
change that is meant to leave training untouched (a refactor) must reproduce them. Run
``python -m tests.test_regression`` to write them anew after a change that is meant to alter
training, and say so in the commit.

Exact equality holds on the machine that wrote the file; another CPU may round a few float32
operations differently, so the test asks for at least 99 % of labels unchanged. A change of
training (another seed path, another initialisation, a parameter that no longer reaches the
net) moves far more than 1 % of them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.preprocessing import MinMaxScaler

from skdeepclust import AECM, DCN, DDC, DEC, IDEC, ACeDeC, ClusteringModule

STORE = Path(__file__).with_name("regression_labels.npz")
SEEDS = (0, 1, 2)

#: name -> (estimator class, parameters). Names are keys of the stored file.
CASES = {
    "ddc": (DDC, dict(hidden_dims=(32,), n_hidden=16, n_init=2, max_epochs=4, batch_size=64,
                      weight_init="he", vote=1)),
    "ddc_voting": (DDC, dict(hidden_dims=(32,), n_hidden=16, n_init=3, max_epochs=4,
                             batch_size=64, weight_init="pytorch", vote=None)),
    "ddc_uco_tensor_ae": (DDC, dict(hidden_dims=(32, 16), n_hidden=16, uco_kernel="tensor",
                                    reconstruction_weight=0.1, n_init=1, max_epochs=3,
                                    batch_size=64, weight_init="he")),
    "cm": (ClusteringModule, dict(n_init=2, max_epochs=5, batch_size=64, init="k-means++")),
    "aecm": (AECM, dict(hidden_dims=(32,), n_embed=10, init="random", pretrain_epochs=0,
                        n_init=1, max_epochs=4, batch_size=64)),
    "aecm_pretrained": (AECM, dict(hidden_dims=(32,), n_embed=10, n_init=1, max_epochs=3,
                                   pretrain_epochs=2, init="k-means", batch_size=64)),
    "dcn": (DCN, dict(hidden_dims=(32,), n_embed=5, pretrain_epochs=3, max_epochs=3,
                      batch_size=64)),
    "acedec": (ACeDeC, dict(hidden_dims=(32,), n_embed=5, pretrain_epochs=3, init_epochs=2,
                            max_epochs=3, batch_size=64)),
    "dec": (DEC, dict(hidden_dims=(32,), n_embed=5, pretrain_epochs=3, max_epochs=3,
                      batch_size=64, tol=0.0)),
    "dec_uco_naive": (DEC, dict(hidden_dims=(32, 16), n_embed=5, pretrain_epochs=2,
                                pretrain_noise=0.1, uco_kernel="naive", uco_weight=1.0,
                                max_epochs=2, batch_size=64, tol=0.0)),
    "idec": (IDEC, dict(hidden_dims=(32,), n_embed=5, pretrain_epochs=3, max_epochs=3,
                        batch_size=64, tol=0.0)),
}


def _data() -> np.ndarray:
    X, _ = load_digits(return_X_y=True)
    return MinMaxScaler().fit_transform(X[:600]).astype(np.float32)


def _labels(name: str, seed: int, X: np.ndarray) -> np.ndarray:
    cls, params = CASES[name]
    return cls(n_clusters=10, device="cpu", random_state=seed, **params).fit(X).labels_


@pytest.fixture(scope="module")
def stored():
    with np.load(STORE) as data:
        return dict(data)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(CASES))
def test_labels_match_the_stored_ones(name, stored):
    X = _data()
    for seed in SEEDS:
        labels = _labels(name, seed, X)
        expected = stored[f"{name}_{seed}"]
        assert np.mean(labels == expected) >= 0.99, (name, seed)


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    X = _data()
    np.savez_compressed(STORE, **{
        f"{name}_{seed}": _labels(name, seed, X).astype(np.int8)
        for name in CASES for seed in SEEDS
    })
    print(f"wrote {STORE}")
