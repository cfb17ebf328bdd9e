"""CM and AE-CM loss terms against explicit loops, the E1 + E2 + E3 identity and gradchecks."""

import itertools

import numpy as np
import pytest
import torch

from skdeepclust.losses.cm import (
    LOG_EPS,
    aecm_sparsity,
    cm_cross,
    cm_dirichlet_prior,
    cm_reconstruction,
    cm_selection_score,
    cm_sparsity,
    orthonormality_penalty,
)


def _problem(n=7, k=3, d=4, seed=0):
    """Random data, softmax assignments and centroids (float64 numpy arrays)."""
    rng = np.random.RandomState(seed)
    x = rng.randn(n, d)
    logits = rng.randn(n, k)
    gamma = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    centroids = rng.randn(k, d)
    return x, gamma, centroids


def _t(a, requires_grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=requires_grad)


# ---------------------------------------------------------------- loop references


def _e1_loop(x, g, U):
    n, k = g.shape
    total = 0.0
    for i in range(n):
        x_bar = sum(g[i, j] * U[j] for j in range(k))
        total += np.sum((x[i] - x_bar) ** 2)
    return total


def _e2_loop(g, U):
    n, k = g.shape
    total = 0.0
    for j in range(k):
        weight = sum(g[i, j] * (1 - g[i, j]) for i in range(n))
        total += weight * (U[j] @ U[j])
    return total


def _e3_loop(g, U):
    n, k = g.shape
    total = 0.0
    for j in range(k):
        for l in range(k):
            if j != l:
                total -= sum(g[i, j] * g[i, l] for i in range(n)) * (U[j] @ U[l])
    return total


def _e4_loop(g, alpha):
    n, k = g.shape
    log_means = sorted(np.log(sum(g[i, j] for i in range(n)) / n + 1e-10) for j in range(k))
    alphas = sorted(np.broadcast_to(np.asarray(alpha, dtype=float), (k,)))
    return sum((1 - a) * lm for a, lm in zip(alphas, log_means, strict=True))


def _l2_loop(g):
    return sum(g[i, j] * (1 - g[i, j]) for i in range(g.shape[0]) for j in range(g.shape[1]))


def _ortho_loop(U):
    k = U.shape[0]
    return sum(abs(U[j] @ U[l] - (j == l)) for j in range(k) for l in range(k))


# ---------------------------------------------------------------- values


def test_terms_match_loops():
    x, g, U = _problem()
    assert float(cm_reconstruction(_t(x), _t(g), _t(U))) == pytest.approx(_e1_loop(x, g, U))
    assert float(cm_sparsity(_t(g), _t(U))) == pytest.approx(_e2_loop(g, U))
    assert float(cm_cross(_t(g), _t(U))) == pytest.approx(_e3_loop(g, U))
    assert float(aecm_sparsity(_t(g))) == pytest.approx(_l2_loop(g))
    assert float(orthonormality_penalty(_t(U))) == pytest.approx(_ortho_loop(U))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(("n", "k", "d"), [(7, 3, 4), (5, 6, 2), (1, 1, 3)])
def test_expected_distance_identity(seed, n, k, d):
    # E1 + E2 + E3 == sum_ij gamma_ij ||x_i - u_j||^2: the CM loss is the GMM Q-function.
    x, g, U = _problem(n, k, d, seed)
    lhs = (
        cm_reconstruction(_t(x), _t(g), _t(U)) + cm_sparsity(_t(g), _t(U)) + cm_cross(_t(g), _t(U))
    )
    rhs = sum(g[i, j] * np.sum((x[i] - U[j]) ** 2) for i in range(n) for j in range(k))
    assert float(lhs) == pytest.approx(rhs, rel=1e-12)


def test_cross_with_diagonal_breaks_identity():
    # The literal Eq. 7 (diagonal included) differs by sum_ij gamma_ij^2 ||u_j||^2 != 0.
    x, g, U = _problem(seed=3)
    diagonal = sum(g[i, j] ** 2 * (U[j] @ U[j]) for i in range(len(g)) for j in range(g.shape[1]))
    assert diagonal > 1e-3
    assert float(cm_cross(_t(g), _t(U))) == pytest.approx(-np.sum((g.T @ g) * (U @ U.T)) + diagonal)


def test_hard_assignments_zero_sparsity_and_cross():
    _, _, U = _problem()
    g = np.eye(3)[[0, 2, 1, 1, 0]]
    assert float(cm_sparsity(_t(g), _t(U))) == 0.0
    assert float(cm_cross(_t(g), _t(U))) == 0.0
    assert float(aecm_sparsity(_t(g))) == 0.0
    assert float(cm_selection_score(_t(g), _t(U))) == 0.0


def test_aecm_sparsity_is_cm_sparsity_with_unit_norms():
    _, g, U = _problem()
    U_unit = U / np.linalg.norm(U, axis=1, keepdims=True)
    assert float(aecm_sparsity(_t(g))) == pytest.approx(float(cm_sparsity(_t(g), _t(U_unit))))


def test_selection_score_is_e2_plus_e3():
    _, g, U = _problem(seed=4)
    for reduction in ("sum", "mean"):
        expected = cm_sparsity(_t(g), _t(U), reduction=reduction) + cm_cross(
            _t(g), _t(U), reduction=reduction
        )
        got = cm_selection_score(_t(g), _t(U), reduction=reduction)
        assert float(got) == pytest.approx(float(expected), rel=1e-12)
    # Variance form: sum_i (sum_j gamma_ij ||u_j||^2 - ||x_bar_i||^2), non-negative.
    x_bar = g @ U
    variance = np.sum(g @ np.sum(U * U, axis=1)) - np.sum(x_bar * x_bar)
    assert float(cm_selection_score(_t(g), _t(U))) == pytest.approx(variance)
    assert variance > 0


# ---------------------------------------------------------------- Dirichlet prior


def test_dirichlet_prior_scalar_alpha():
    _, g, _ = _problem(n=9, k=4)
    for alpha in (0.5, 1.0, 5.0):
        got = cm_dirichlet_prior(_t(g), alpha)
        assert float(got) == pytest.approx(_e4_loop(g, alpha))
        expected = (1 - alpha) * np.sum(np.log(g.mean(0) + LOG_EPS))
        assert float(got) == pytest.approx(expected)
    assert float(cm_dirichlet_prior(_t(g), 1.0)) == 0.0
    assert float(cm_dirichlet_prior(_t(g), torch.tensor(2.0))) == pytest.approx(_e4_loop(g, 2.0))


def test_dirichlet_prior_vector_alpha_sorted_pairing():
    _, g, _ = _problem(n=9, k=4, seed=1)
    alpha = [3.0, 0.5, 10.0, 1.5]
    got = float(cm_dirichlet_prior(_t(g), alpha))
    assert got == pytest.approx(_e4_loop(g, alpha))
    # Sorted pairing == the best assignment of concentrations to clusters.
    log_means = np.log(g.mean(0) + 1e-10)
    by_permutation = [
        np.sum((1 - np.asarray(p)) * log_means) for p in itertools.permutations(alpha)
    ]
    assert got == pytest.approx(min(by_permutation))
    # Invariant to relabelling clusters and to the order alpha is given in.
    perm = [2, 0, 3, 1]
    assert float(cm_dirichlet_prior(_t(g[:, perm]), alpha[::-1])) == pytest.approx(got)
    assert float(cm_dirichlet_prior(_t(g), torch.tensor(alpha))) == pytest.approx(got)


def test_dirichlet_prior_alpha_below_one_rewards_empty_cluster():
    spread = np.full((4, 2), 0.5)
    collapsed = np.tile([1.0, 0.0], (4, 1))
    # alpha < 1: emptying a cluster lowers the loss (about -23 per unit of 1 - alpha).
    low = 0.5
    assert float(cm_dirichlet_prior(_t(collapsed), low)) < float(
        cm_dirichlet_prior(_t(spread), low)
    )
    assert float(cm_dirichlet_prior(_t(collapsed), low)) == pytest.approx(
        (1 - low) * np.log(1e-10), rel=1e-6
    )
    # alpha > 1: the spread solution is preferred.
    assert float(cm_dirichlet_prior(_t(collapsed), 3.0)) > float(
        cm_dirichlet_prior(_t(spread), 3.0)
    )


def test_dirichlet_prior_rejects_bad_alpha():
    _, g, _ = _problem(k=3)
    with pytest.raises(ValueError, match="alpha"):
        cm_dirichlet_prior(_t(g), [1.0, 2.0])
    with pytest.raises(ValueError, match="alpha"):
        cm_dirichlet_prior(_t(g), np.ones((3, 1)))


# ---------------------------------------------------------------- orthonormality


def test_orthonormality_zero_for_orthonormal_rows():
    rng = np.random.RandomState(0)
    for k, d in [(3, 5), (4, 4), (1, 2)]:
        q, _ = np.linalg.qr(rng.randn(d, d))
        U = q[:k]
        assert float(orthonormality_penalty(_t(U))) == pytest.approx(0.0, abs=1e-12)


def test_orthonormality_positive_otherwise():
    _, _, U = _problem()
    assert float(orthonormality_penalty(_t(U))) > 0
    assert float(orthonormality_penalty(_t(2 * np.eye(3)))) == pytest.approx(9.0)
    # k > d: U U^T has rank <= d < k, so it can never equal I_k.
    rng = np.random.RandomState(1)
    for _ in range(5):
        U = rng.randn(4, 2)
        U /= np.linalg.norm(U, axis=1, keepdims=True)
        assert float(orthonormality_penalty(_t(U))) > 0.1


# ---------------------------------------------------------------- reduction


def test_mean_is_sum_over_n():
    x, g, U = _problem(n=6)
    n = x.shape[0]
    terms = [
        (lambda r: cm_reconstruction(_t(x), _t(g), _t(U), reduction=r)),
        (lambda r: cm_sparsity(_t(g), _t(U), reduction=r)),
        (lambda r: cm_cross(_t(g), _t(U), reduction=r)),
        (lambda r: aecm_sparsity(_t(g), reduction=r)),
        (lambda r: cm_selection_score(_t(g), _t(U), reduction=r)),
    ]
    for term in terms:
        assert float(term("mean")) == pytest.approx(float(term("sum")) / n, rel=1e-12)


def test_sum_and_mean_losses_match_with_rescaled_alpha():
    # (1/B) L_sum(alpha) == L_mean(alpha') with 1 - alpha' = (1 - alpha) / B (module docstring).
    x, g, U = _problem(n=8)
    B, alpha = x.shape[0], 5.0

    def loss(reduction, a):
        return (
            cm_reconstruction(_t(x), _t(g), _t(U), reduction=reduction)
            + cm_sparsity(_t(g), _t(U), reduction=reduction)
            + cm_cross(_t(g), _t(U), reduction=reduction)
            + cm_dirichlet_prior(_t(g), a)
        )

    assert float(loss("sum", alpha)) / B == pytest.approx(
        float(loss("mean", 1 - (1 - alpha) / B)), rel=1e-12
    )


def test_bad_reduction_raises():
    x, g, U = _problem()
    with pytest.raises(ValueError, match="reduction"):
        cm_reconstruction(_t(x), _t(g), _t(U), reduction="none")
    with pytest.raises(ValueError, match="reduction"):
        aecm_sparsity(_t(g), reduction="batchmean")


# ---------------------------------------------------------------- gradients


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_gradcheck_batch_terms(reduction):
    x, g, U = _problem(n=5, k=3, d=2, seed=2)
    x_t = _t(x)

    def check(fn, *inputs):
        assert torch.autograd.gradcheck(fn, inputs)

    check(
        lambda g_, U_: cm_reconstruction(x_t, g_, U_, reduction=reduction), _t(g, True), _t(U, True)
    )
    check(lambda g_, U_: cm_sparsity(g_, U_, reduction=reduction), _t(g, True), _t(U, True))
    check(lambda g_, U_: cm_cross(g_, U_, reduction=reduction), _t(g, True), _t(U, True))
    check(lambda g_, U_: cm_selection_score(g_, U_, reduction=reduction), _t(g, True), _t(U, True))
    check(lambda g_: aecm_sparsity(g_, reduction=reduction), _t(g, True))


@pytest.mark.parametrize("alpha", [3.0, [0.5, 2.0, 7.0]])
def test_gradcheck_dirichlet_prior(alpha):
    _, g, _ = _problem(n=5, k=3, d=2, seed=2)
    assert torch.autograd.gradcheck(lambda g_: cm_dirichlet_prior(g_, alpha), (_t(g, True),))


def test_gradcheck_orthonormality_penalty():
    _, _, U = _problem(n=5, k=3, d=2, seed=2)
    # Entries of U U^T - I are far from 0 for random U, where |.| is differentiable.
    assert torch.autograd.gradcheck(orthonormality_penalty, (_t(U, True),))


def test_gradients_reach_through_sort_to_the_right_cluster():
    # d E4 / d gamma_ij = (1 - alpha_(rank of j)) / (n * (mean_j + eps)).
    g = _t(np.array([[0.7, 0.2, 0.1], [0.5, 0.3, 0.2]]), requires_grad=True)
    alpha = [1.0, 2.0, 4.0]
    cm_dirichlet_prior(g, alpha).backward()
    means = g.detach().numpy().mean(0)
    # Ascending means: cluster 2 (0.15) -> alpha 1, cluster 1 (0.25) -> 2, cluster 0 (0.6) -> 4.
    expected_col = np.array([1 - 4.0, 1 - 2.0, 1 - 1.0]) / (2 * (means + 1e-10))
    np.testing.assert_allclose(g.grad.numpy(), np.tile(expected_col, (2, 1)), rtol=1e-12)
