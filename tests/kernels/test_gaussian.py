"""Kernels against plain numpy references."""

import numpy as np
import pytest
import torch

from skdeepclust.kernels import (
    MIN_SIGMA2,
    gaussian_kernel,
    kernel_width,
    median,
    median_gaussian_kernel,
    pairwise_sq_dists,
)


def test_pairwise_sq_dists_matches_loop():
    rng = np.random.RandomState(0)
    x = rng.randn(7, 3)
    expected = np.array([[np.sum((a - b) ** 2) for b in x] for a in x])
    got = pairwise_sq_dists(torch.as_tensor(x)).numpy()
    np.testing.assert_allclose(got, expected, atol=1e-10)
    assert (got >= 0).all()


def test_pairwise_sq_dists_flattens_tensors():
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    np.testing.assert_allclose(pairwise_sq_dists(x), pairwise_sq_dists(x.flatten(1)))


@pytest.mark.parametrize("n", [1, 4, 5, 10])
def test_median_is_midpoint_median(n):
    values = torch.randn(n, dtype=torch.float64)
    assert float(median(values)) == pytest.approx(float(np.median(values.numpy())))


def test_kernel_width_uses_all_entries_and_is_detached():
    x = torch.randn(6, 2, dtype=torch.float64, requires_grad=True)
    dists = pairwise_sq_dists(x)
    sigma2 = kernel_width(dists, 0.15)
    assert not sigma2.requires_grad
    assert float(sigma2) == pytest.approx(0.15 * np.median(dists.detach().numpy()))


def test_kernel_width_clamped_for_collapsed_batch():
    dists = pairwise_sq_dists(torch.zeros(4, 3))
    assert float(kernel_width(dists, 0.15)) == pytest.approx(MIN_SIGMA2)
    kernel = median_gaussian_kernel(torch.zeros(4, 3), 0.15)
    assert torch.isfinite(kernel).all()


def test_gaussian_kernel_formula_and_properties():
    rng = np.random.RandomState(1)
    x = rng.randn(8, 4)
    sigma2 = 0.7
    expected = np.exp(-np.array([[np.sum((a - b) ** 2) for b in x] for a in x]) / (2 * sigma2))
    kernel = gaussian_kernel(pairwise_sq_dists(torch.as_tensor(x)), sigma2).numpy()
    np.testing.assert_allclose(kernel, expected, atol=1e-10)
    np.testing.assert_allclose(np.diag(kernel), 1.0)
    np.testing.assert_allclose(kernel, kernel.T)
    assert np.linalg.eigvalsh(kernel).min() > -1e-10
