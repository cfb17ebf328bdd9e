"""DEC's soft assignment, target distribution and KL loss against numpy references."""

import numpy as np
import pytest
import torch

from skdeepclust.losses.dec import dec_kl, student_t_assignments, target_distribution


def _student_t_reference(z, centers, alpha):
    # The textbook formula, term by term.
    kernel = (1 + ((z[:, None, :] - centers[None]) ** 2).sum(-1) / alpha) ** (-(alpha + 1) / 2)
    return kernel / kernel.sum(1, keepdims=True)


@pytest.mark.parametrize("alpha", [1.0, 0.5, 3.0])
def test_student_t_matches_formula(alpha):
    rng = np.random.RandomState(0)
    z, centers = rng.randn(7, 3), rng.randn(4, 3)
    q = student_t_assignments(torch.as_tensor(z), torch.as_tensor(centers), alpha).numpy()
    np.testing.assert_allclose(q, _student_t_reference(z, centers, alpha), rtol=1e-10)
    np.testing.assert_allclose(q.sum(1), 1.0, rtol=1e-12)


def test_student_t_alpha_one_is_inverse_quadratic_and_stable_far_away():
    z = torch.tensor([[0.0, 0.0], [1e20, 0.0]], dtype=torch.float64)
    centers = torch.tensor([[0.0, 0.0], [1.0, 0.0]], dtype=torch.float64)
    q = student_t_assignments(z, centers)
    assert float(q[0, 0]) == pytest.approx(1 / (1 + 1 / 2))  # (1 + 0)^-1 vs (1 + 1)^-1
    assert torch.isfinite(q).all()
    np.testing.assert_allclose(q.sum(1).numpy(), 1.0)


def test_student_t_gradient_is_finite_at_the_centre():
    z = torch.zeros(2, 3, requires_grad=True)
    centers = torch.tensor([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], requires_grad=True)
    student_t_assignments(z, centers)[:, 0].sum().backward()
    assert torch.isfinite(z.grad).all() and torch.isfinite(centers.grad).all()


def test_target_matches_formula_and_sharpens():
    rng = np.random.RandomState(1)
    q = rng.dirichlet(np.ones(3), size=20)
    p = target_distribution(torch.as_tensor(q)).numpy()
    weight = q**2 / q.sum(0)
    np.testing.assert_allclose(p, weight / weight.sum(1, keepdims=True), rtol=1e-8)
    np.testing.assert_allclose(p.sum(1), 1.0)
    # Sharper: the largest entry of each row grows, the entropy drops (balanced clusters).
    balanced = np.array([[0.6, 0.3, 0.1], [0.1, 0.6, 0.3], [0.3, 0.1, 0.6]])
    p_balanced = target_distribution(torch.as_tensor(balanced)).numpy()
    assert (p_balanced.max(1) > balanced.max(1)).all()
    entropy = lambda a: -(a * np.log(a)).sum(1)  # noqa: E731
    assert (entropy(p_balanced) < entropy(balanced)).all()


def test_target_divides_by_cluster_frequency():
    # Two points equally unsure between a big and a small cluster: the target favours the
    # small cluster, which is what keeps large clusters from absorbing the rest.
    q = torch.tensor([[0.9, 0.1], [0.9, 0.1], [0.9, 0.1], [0.5, 0.5]], dtype=torch.float64)
    p = target_distribution(q)
    assert float(p[3, 1]) > 0.5


def test_target_guards_empty_cluster():
    q = torch.tensor([[1.0, 0.0, 0.0], [0.3, 0.7, 0.0]])
    p = target_distribution(q)
    assert torch.isfinite(p).all()
    assert torch.equal(p[:, 2], torch.zeros(2))
    np.testing.assert_allclose(p.sum(1).numpy(), 1.0, rtol=1e-6)


def test_kl_matches_numpy_and_vanishes_on_equal_distributions():
    rng = np.random.RandomState(2)
    p, q = rng.dirichlet(np.ones(4), size=6), rng.dirichlet(np.ones(4), size=6)
    expected = (p * np.log(p / q)).sum(1).mean()
    assert float(dec_kl(torch.as_tensor(p), torch.as_tensor(q))) == pytest.approx(expected)
    assert float(dec_kl(torch.as_tensor(q), torch.as_tensor(q))) == pytest.approx(0.0, abs=1e-12)


def test_kl_treats_zero_target_entries_as_zero():
    p = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    q = torch.tensor([[0.5, 0.5]], dtype=torch.float64)
    assert float(dec_kl(p, q)) == pytest.approx(np.log(2))
    q_zero = torch.tensor([[0.0, 1.0]], dtype=torch.float64)
    assert torch.isfinite(dec_kl(p, q_zero))


def test_kl_gradient_flows_to_q_only():
    p = torch.tensor([[0.8, 0.2]], dtype=torch.float64)
    logits = torch.zeros(1, 2, dtype=torch.float64, requires_grad=True)
    dec_kl(p, torch.softmax(logits, 1)).backward()
    # d KL / d logits = q - p for a softmax q.
    np.testing.assert_allclose(logits.grad.numpy(), [[0.5 - 0.8, 0.5 - 0.2]])
