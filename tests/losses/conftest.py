"""Fixtures of the loss tests."""

import pytest
import torch


@pytest.fixture
def data():
    """Points (7, 4), centroids (3, 4) and weights (4,) in float64 (DCN and ACe/DeC terms)."""
    gen = torch.Generator().manual_seed(0)
    y = torch.randn(7, 4, generator=gen, dtype=torch.float64)
    centers = torch.randn(3, 4, generator=gen, dtype=torch.float64)
    beta = torch.rand(4, generator=gen, dtype=torch.float64)
    return y, centers, beta
