"""Shared fixtures: small, fast data. Estimator presets live in tests/registry.py."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_blobs

requires_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture
def blobs():
    X, y = make_blobs(n_samples=150, centers=3, n_features=4, cluster_std=0.5, random_state=0)
    return X.astype(np.float32), y


def hidden_clusters(n=400, noise_dims=6, seed=0):
    """Four clusters in two dimensions plus unimodal noise dimensions (a small SYNTH-25)."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 4
    centers = np.array([[-5, -5], [-5, 5], [5, -5], [5, 5]], dtype=float)
    X = np.hstack([centers[y] + rng.standard_normal((n, 2)),
                   3.0 * rng.standard_normal((n, noise_dims))])
    return X.astype(np.float32), y
