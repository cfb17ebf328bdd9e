"""Shared fixtures: small, fast data and estimator settings."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_blobs

#: Settings that make a DDC fit take well under a second on a CPU.
FAST = dict(hidden_dims=(32,), n_hidden=16, n_init=1, max_epochs=5, batch_size=64)

requires_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture
def blobs():
    X, y = make_blobs(n_samples=150, centers=3, n_features=4, cluster_std=0.5, random_state=0)
    return X.astype(np.float32), y
