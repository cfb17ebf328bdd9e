"""Tensor and naive kernels against slow numpy references, and their gradients."""

import numpy as np
import pytest
import torch

from skdeepclust.kernels import (
    gaussian_kernel,
    kernel_width,
    matricize,
    median_gaussian_kernel,
    naive_kernel,
    orthonormal_basis,
    projection_distances,
    tensor_kernel,
    tensor_sq_dists,
)
from skdeepclust.kernels._tensor import _overlap_route, _SquaredOverlaps


@pytest.fixture(autouse=True, scope="module")
def _single_thread():
    """Run single-threaded: the inputs are tiny, and extra threads only contend for the CPU
    (under load, 2 threads made gradcheck here 50x slower)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def _projector(mat: np.ndarray) -> np.ndarray:
    """Orthogonal projector onto the row space of a full-row-rank matrix, from a numpy SVD."""
    _, _, vh = np.linalg.svd(mat, full_matrices=False)
    return vh.T @ vh


def _reference_sq_dists(x: np.ndarray) -> np.ndarray:
    """Slow reference: loop over pairs and modes, explicit ||P_a - P_b||_F^2."""
    n, dims = x.shape[0], x.shape[1:]
    out = np.zeros((n, n))
    for mode in range(len(dims)):
        mats = np.moveaxis(x, mode + 1, 1).reshape(n, dims[mode], -1)
        if mats.shape[1] > mats.shape[2]:
            mats = mats.transpose(0, 2, 1)
        for a in range(n):
            for b in range(n):
                diff = _projector(mats[a]) - _projector(mats[b])
                out[a, b] += np.sum(diff * diff)
    return out


def _orthogonal_rows(n_rows: int, n_cols: int, scale: float, rng) -> np.ndarray:
    """A matrix whose rows are orthogonal with equal norm: all singular values repeat."""
    q, _ = np.linalg.qr(rng.randn(n_cols, n_rows))
    return scale * q.T


# --- matricize --------------------------------------------------------------------------------


def test_matricize_rank1_is_a_column():
    x = np.random.RandomState(0).randn(4, 5)
    got = matricize(torch.as_tensor(x), 0).numpy()
    np.testing.assert_array_equal(got, x.reshape(4, 5, 1))


def test_matricize_rank2_is_the_matrix_or_its_transpose():
    x = np.random.RandomState(0).randn(4, 3, 5)
    np.testing.assert_array_equal(matricize(torch.as_tensor(x), 0).numpy(), x)
    np.testing.assert_array_equal(matricize(torch.as_tensor(x), 1).numpy(), x.transpose(0, 2, 1))


def test_matricize_rank3_matches_numpy_reshapes():
    x = np.random.RandomState(0).randn(4, 2, 3, 5)
    xt = torch.as_tensor(x)
    np.testing.assert_array_equal(matricize(xt, 0).numpy(), x.reshape(4, 2, 15))
    np.testing.assert_array_equal(
        matricize(xt, 1).numpy(), x.transpose(0, 2, 1, 3).reshape(4, 3, 10)
    )
    np.testing.assert_array_equal(
        matricize(xt, 2).numpy(), x.transpose(0, 3, 1, 2).reshape(4, 5, 6)
    )
    # Entry by entry: row i of mode 1 holds x[:, :, i, :] with the remaining axes in order.
    assert matricize(xt, 1)[1, 2, 1 * 5 + 4] == xt[1, 1, 2, 4]


@pytest.mark.parametrize("mode", [-1, 3])
def test_matricize_rejects_bad_mode(mode):
    with pytest.raises(ValueError, match="mode"):
        matricize(torch.zeros(2, 3, 4, 5), mode)


def test_matricize_rejects_unbatched_scalars():
    with pytest.raises(ValueError, match="rank"):
        matricize(torch.zeros(3), 0)


# --- orthonormal basis and projection distances -----------------------------------------------


def test_orthonormal_basis_spans_the_row_space():
    rng = np.random.RandomState(0)
    mats = rng.randn(5, 3, 7)
    bases = orthonormal_basis(torch.as_tensor(mats), eps=0.0).numpy()
    assert bases.shape == (5, 7, 3)
    for mat, basis in zip(mats, bases, strict=True):
        np.testing.assert_allclose(basis.T @ basis, np.eye(3), atol=1e-10)
        np.testing.assert_allclose(basis @ basis.T, _projector(mat), atol=1e-10)


def test_orthonormal_basis_is_scale_invariant_with_default_eps():
    mats = torch.randn(4, 3, 6, dtype=torch.float64)
    proj = orthonormal_basis(mats) @ orthonormal_basis(mats).mT
    proj_scaled = orthonormal_basis(1e-4 * mats) @ orthonormal_basis(1e-4 * mats).mT
    torch.testing.assert_close(proj, proj_scaled, atol=1e-10, rtol=0)
    # The default regulariser bends the projector only slightly on well-conditioned input.
    exact = orthonormal_basis(mats, eps=0.0) @ orthonormal_basis(mats, eps=0.0).mT
    torch.testing.assert_close(proj, exact, atol=1e-4, rtol=0)


def test_orthonormal_basis_keeps_dtype_and_rejects_tall_matrices():
    assert orthonormal_basis(torch.randn(2, 2, 4)).dtype == torch.float32
    with pytest.raises(ValueError, match="p <= q"):
        orthonormal_basis(torch.randn(2, 4, 2))


def test_projection_distances_is_the_projector_distance():
    rng = np.random.RandomState(1)
    bases = np.stack([np.linalg.qr(rng.randn(6, 2))[0] for _ in range(5)])
    got = projection_distances(torch.as_tensor(bases)).numpy()
    expected = np.array([[np.sum((va @ va.T - vb @ vb.T) ** 2) for vb in bases] for va in bases])
    np.testing.assert_allclose(got, expected, atol=1e-10)
    # For orthonormal bases this is the paper's 2 (p - ||V_a^T V_b||_F^2), with zero diagonal.
    paper = np.array([[2 * (2 - np.sum((va.T @ vb) ** 2)) for vb in bases] for va in bases])
    np.testing.assert_allclose(got, paper, atol=1e-10)
    assert np.all(np.diag(got) == 0)


# --- tensor distances ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        (6, 5),  # rank 1: transposed to 1 x 5
        (6, 2, 7),  # mode 1 is 7 x 2: transposed
        (6, 3, 2, 4),
        (6, 9, 2, 2),  # mode 0 is 9 x 4: transposed
    ],
)
def test_tensor_sq_dists_matches_numpy_reference(shape):
    x = np.random.RandomState(0).randn(*shape)
    expected = _reference_sq_dists(x)
    got = tensor_sq_dists(torch.as_tensor(x), eps=0.0).numpy()
    np.testing.assert_allclose(got, expected, atol=1e-9)
    # The default regulariser changes well-conditioned inputs only slightly.
    got_default = tensor_sq_dists(torch.as_tensor(x)).numpy()
    np.testing.assert_allclose(got_default, expected, atol=1e-3)


def test_tensor_sq_dists_of_vectors_is_one_minus_cos_squared():
    x = torch.randn(7, 5, dtype=torch.float64)
    unit = x / x.norm(dim=1, keepdim=True)
    cos = unit @ unit.T
    torch.testing.assert_close(tensor_sq_dists(x, eps=0.0), 2 * (1 - cos**2), atol=1e-12, rtol=0)
    # Scale invariant: each vector only contributes its direction.
    scaled = x * torch.rand(7, 1, dtype=torch.float64).add(0.1)
    torch.testing.assert_close(tensor_sq_dists(scaled), tensor_sq_dists(x), atol=1e-12, rtol=0)


def test_tensor_sq_dists_float32_close_to_float64():
    x = torch.randn(8, 4, 3, 3, dtype=torch.float64)
    d32 = tensor_sq_dists(x.float())
    assert d32.dtype == torch.float32
    torch.testing.assert_close(d32.double(), tensor_sq_dists(x), atol=1e-4, rtol=1e-4)


# --- kernels ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kernel", [tensor_kernel, naive_kernel])
@pytest.mark.parametrize("shape", [(12, 6), (12, 3, 2, 4)])
def test_kernels_unit_diagonal_symmetric_psd(kernel, shape):
    x = torch.randn(*shape, dtype=torch.float64)
    k = kernel(x)
    assert k.shape == (12, 12)
    torch.testing.assert_close(torch.diagonal(k), torch.ones(12, dtype=torch.float64))
    torch.testing.assert_close(k, k.T, atol=1e-12, rtol=0)
    assert torch.linalg.eigvalsh(k).min() >= -1e-6


def test_tensor_kernel_uses_one_width_from_the_summed_distances():
    x = torch.randn(10, 3, 2, 4, dtype=torch.float64)
    dists = tensor_sq_dists(x)
    torch.testing.assert_close(
        tensor_kernel(x, 0.3), gaussian_kernel(dists, kernel_width(dists, 0.3))
    )


def test_naive_kernel_is_the_median_gaussian_kernel_of_flattened_samples():
    x = torch.randn(10, 3, 2, 4, dtype=torch.float64)
    torch.testing.assert_close(naive_kernel(x), median_gaussian_kernel(x.flatten(1), 0.15))


def test_naive_kernel_ignores_structure_but_tensor_kernel_does_not():
    gen = torch.Generator().manual_seed(0)
    # Low-rank samples, so the row spaces carry structure that a permutation destroys.
    left = torch.randn(10, 4, 1, dtype=torch.float64, generator=gen)
    right = torch.randn(10, 1, 6, dtype=torch.float64, generator=gen)
    x = left @ right + 0.1 * torch.randn(10, 4, 6, dtype=torch.float64, generator=gen)
    perm = torch.randperm(24, generator=gen)
    x_perm = x.flatten(1)[:, perm].reshape(10, 4, 6)
    torch.testing.assert_close(naive_kernel(x_perm), naive_kernel(x), atol=1e-12, rtol=0)
    assert (tensor_kernel(x_perm) - tensor_kernel(x)).abs().max() > 0.1


# --- gradients ----------------------------------------------------------------------------------


def test_gradcheck_generic_input():
    x = torch.randn(3, 2, 3, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(tensor_sq_dists, (x,))
    # The median width is detached by design (finite differences would see it move), so the
    # kernel is checked with a fixed width.
    assert torch.autograd.gradcheck(lambda t: gaussian_kernel(tensor_sq_dists(t), 2.0), (x,))


def test_gradcheck_orthonormal_basis():
    m = torch.randn(3, 2, 5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(orthonormal_basis, (m,))


def test_gradcheck_repeated_singular_values():
    # Orthogonal rows of equal norm: all singular values of the 3 x 5 matricization are equal,
    # where eigenvector derivatives are undefined (torch.linalg.eigh gives NaN, a thresholded
    # eigh backward drops a term). The projector is still differentiable there and the
    # Cholesky route must give the exact gradient.
    rng = np.random.RandomState(0)
    samples = [_orthogonal_rows(3, 5, 2.0, rng) for _ in range(2)] + [rng.randn(3, 5)]
    x = torch.as_tensor(np.stack(samples)).requires_grad_(True)
    assert torch.autograd.gradcheck(tensor_sq_dists, (x,))
    assert torch.autograd.gradcheck(orthonormal_basis, (x,))
    # Rank-3 samples whose mode-0 matricization (2 x 6) has orthogonal rows of equal norm; the
    # other modes (2 x 6, 3 x 4) are generic.
    samples3 = [_orthogonal_rows(2, 6, 1.5, rng).reshape(2, 2, 3) for _ in range(2)]
    x3 = torch.as_tensor(np.stack(samples3 + [rng.randn(2, 2, 3)]))
    svals = torch.linalg.svdvals(matricize(x3, 0)[:2])
    torch.testing.assert_close(svals, torch.full_like(svals, 1.5))
    assert torch.autograd.gradcheck(tensor_sq_dists, (x3.requires_grad_(True),))


def test_gradients_finite_for_vanishing_singular_values():
    # A zero row, a rank-1 sample and an all-zero sample: the row-space projector jumps where
    # the rank drops, so its exact derivative does not exist there. Only finiteness (no NaN/inf)
    # and a symmetric output are asserted for the default regulariser.
    rng = np.random.RandomState(0)
    zero_row = rng.randn(3, 5)
    zero_row[1] = 0.0
    rank1 = np.outer(rng.randn(3), rng.randn(5))
    x = torch.as_tensor(np.stack([zero_row, rank1, np.zeros((3, 5)), rng.randn(3, 5)]))
    x.requires_grad_(True)
    dists = tensor_sq_dists(x)
    assert torch.isfinite(dists).all()
    torch.testing.assert_close(dists, dists.T, atol=1e-12, rtol=0)
    assert torch.all(torch.diagonal(dists) == 0)
    weights = torch.as_tensor(rng.rand(4, 4))
    (grad,) = torch.autograd.grad((weights * dists).sum(), x)
    assert torch.isfinite(grad).all()
    (grad_k,) = torch.autograd.grad(tensor_kernel(x).sum(), x)
    assert torch.isfinite(grad_k).all()
    # The regularised distance itself is smooth, so with a large regulariser (moderate
    # curvature) finite differences agree; the all-zero sample is left out because the
    # scale-invariant regulariser is not differentiable at 0.
    x_nonzero = x[[0, 1, 3]].detach().clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda t: tensor_sq_dists(t, eps=1e-2), (x_nonzero,))


def test_projection_distances_second_order_gradients():
    # The Gram product has a hand-written backward; it must stay differentiable.
    bases = torch.randn(3, 4, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(projection_distances, (bases,))
    assert torch.autograd.gradgradcheck(projection_distances, (bases,))


@pytest.mark.parametrize("route", ["stacked", "projector"])
def test_both_overlap_routes_agree_with_the_definition_and_differentiate(route):
    bases = torch.randn(4, 5, 3, dtype=torch.float64, requires_grad=True)
    overlaps = _SquaredOverlaps.apply(bases, route)
    expected = torch.stack([torch.stack([(va.T @ vb).square().sum() for vb in bases])
                            for va in bases])
    torch.testing.assert_close(overlaps, expected)
    # A non-symmetric upstream gradient, as d_cs produces.
    weights = torch.randn(4, 4, dtype=torch.float64)
    assert torch.autograd.gradcheck(
        lambda b: (_SquaredOverlaps.apply(b, route) * weights).sum(), (bases,))
    assert torch.autograd.gradgradcheck(lambda b: _SquaredOverlaps.apply(b, route), (bases,))


def test_overlap_route_picks_the_cheaper_product():
    # Small CNN, first block on 28x28 images, batch 120: channel mode 32 x 400, spatial 20 x 640.
    assert _overlap_route(120, 400, 32) == "projector"
    assert _overlap_route(120, 640, 20) == "stacked"
