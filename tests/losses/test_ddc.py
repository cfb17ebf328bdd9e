"""DDC loss terms against slow references, known optima and gradient checks."""

import itertools

import numpy as np
import pytest
import torch

from skdeepclust.kernels import gaussian_kernel, pairwise_sq_dists
from skdeepclust.losses.ddc import (
    cs_divergence,
    ddc_orthogonality,
    ddc_simplex,
    simplex_corner_affinity,
)


def _random_assignments(n, k, seed=0):
    rng = np.random.RandomState(seed)
    logits = rng.randn(n, k)
    return np.exp(logits) / np.exp(logits).sum(1, keepdims=True)


def _random_kernel(n, seed=0):
    x = np.random.RandomState(seed).randn(n, 3)
    d = np.array([[np.sum((a - b) ** 2) for b in x] for a in x])
    return np.exp(-d / 2)


def _cs_reference(A, K, normalization="pairs"):
    k = A.shape[1]
    total = 0.0
    for i, j in itertools.combinations(range(k), 2):
        nij = A[:, i] @ K @ A[:, j]
        nii = A[:, i] @ K @ A[:, i]
        njj = A[:, j] @ K @ A[:, j]
        total += max(nij, 1e-9) / np.sqrt(max(nii * njj, 1e-18))
    return total / (k * (k - 1) / 2 if normalization == "pairs" else k)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_cs_divergence_matches_loop(dtype):
    A, K = _random_assignments(9, 4), _random_kernel(9)
    got = cs_divergence(torch.as_tensor(A, dtype=dtype), torch.as_tensor(K, dtype=dtype))
    assert float(got) == pytest.approx(_cs_reference(A, K), rel=1e-5)


@pytest.mark.parametrize("normalization", ["pairs", "clusters"])
def test_cs_divergence_normalizations(normalization):
    A, K = _random_assignments(9, 5), _random_kernel(9)
    got = cs_divergence(torch.as_tensor(A), torch.as_tensor(K), normalization)
    assert float(got) == pytest.approx(_cs_reference(A, K, normalization), rel=1e-6)


def test_cs_divergence_range_and_optimum():
    # Two well separated groups assigned to two clusters: divergence near 0.
    x = np.r_[np.zeros((5, 2)), 100 * np.ones((5, 2))]
    K = gaussian_kernel(pairwise_sq_dists(torch.as_tensor(x)), 1.0)
    A = torch.as_tensor(np.r_[np.tile([1.0, 0.0], (5, 1)), np.tile([0.0, 1.0], (5, 1))])
    assert float(cs_divergence(A, K)) < 1e-6
    # Identical columns: maximal similarity 1.
    same = torch.full((10, 2), 0.5, dtype=torch.float64)
    assert float(cs_divergence(same, K)) == pytest.approx(1.0)


def test_cs_divergence_one_cluster_is_zero_with_graph():
    A = torch.ones(4, 1, requires_grad=True)
    value = cs_divergence(A, torch.eye(4))
    value.backward()
    assert value.item() == 0.0
    assert A.grad is not None


def test_orthogonality_matches_pair_sum():
    A = _random_assignments(7, 3)
    n = len(A)
    expected = sum(A[a] @ A[b] for a, b in itertools.combinations(range(n), 2)) * 2 / (n * (n - 1))
    assert float(ddc_orthogonality(torch.as_tensor(A))) == pytest.approx(expected)


def test_orthogonality_sum_is_the_papers_triu():
    A = _random_assignments(7, 3)
    triu = np.triu(A @ A.T, k=1).sum()
    got = ddc_orthogonality(torch.as_tensor(A), reduction="sum")
    assert float(got) == pytest.approx(triu)
    n = len(A)
    mean = float(ddc_orthogonality(torch.as_tensor(A)))
    assert float(got) == pytest.approx(mean * n * (n - 1) / 2)


def test_orthogonality_zero_for_disjoint_one_hot():
    A = torch.eye(4, dtype=torch.float64)
    assert float(ddc_orthogonality(A)) == 0.0


def test_simplex_affinity_formula():
    A = _random_assignments(6, 3)
    expected = np.exp(-((A[:, None, :] - np.eye(3)[None]) ** 2).sum(-1))
    np.testing.assert_allclose(simplex_corner_affinity(torch.as_tensor(A)).numpy(), expected)
    assert float(ddc_simplex(torch.as_tensor(A), torch.as_tensor(_random_kernel(6)))) >= 0


@pytest.mark.parametrize("term", ["separation", "orthogonality", "simplex"])
def test_terms_have_correct_gradients(term):
    A0 = torch.as_tensor(_random_assignments(6, 3), dtype=torch.float64)
    K = torch.as_tensor(_random_kernel(6), dtype=torch.float64)
    funcs = {
        "separation": lambda A: cs_divergence(A, K),
        "orthogonality": ddc_orthogonality,
        "simplex": lambda A: ddc_simplex(A, K),
    }
    assert torch.autograd.gradcheck(funcs[term], (A0.clone().requires_grad_(),))


def test_gradient_through_kernel_input():
    x = torch.randn(8, 3, dtype=torch.float64, requires_grad=True)
    A = torch.as_tensor(_random_assignments(8, 3), dtype=torch.float64)

    def loss(h):
        return cs_divergence(A, gaussian_kernel(pairwise_sq_dists(h), 1.5))

    assert torch.autograd.gradcheck(loss, (x,))
