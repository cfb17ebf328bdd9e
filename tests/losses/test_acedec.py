"""ACe/DeC loss terms and the closed-form weights against slow references."""

import numpy as np
import pytest
import torch

from skdeepclust.losses.acedec import (
    acedec_cluster_loss,
    acedec_shared_loss,
    optimal_beta_logits,
)
from skdeepclust.losses.dcn import weighted_sq_distances


def test_acedec_terms_match_loop(data):
    y, centers, beta = data
    labels = torch.tensor([2, 1, 0, 0, 1, 2, 2])
    shared = y.mean(0)
    cluster, shared_term = 0.0, 0.0
    for i in range(7):
        for d in range(4):
            cluster += float(beta[d]) ** 2 * float(y[i, d] - centers[labels[i], d]) ** 2
            shared_term += float(1 - beta[d]) ** 2 * float(y[i, d] - shared[d]) ** 2
    assert float(acedec_cluster_loss(y, centers[labels], beta)) == pytest.approx(cluster / 7)
    assert float(acedec_shared_loss(y, shared, 1 - beta)) == pytest.approx(shared_term / 7)


def test_acedec_terms_give_gradients_to_beta_not_to_centers(data):
    y, centers, beta = data
    b = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    c = centers.clone().requires_grad_(True)
    beta_cs = torch.sigmoid(b)
    loss = acedec_cluster_loss(y, c[[0] * 7], beta_cs) + acedec_shared_loss(
        y, c[1], 1 - beta_cs)
    loss.backward()
    assert b.grad is not None and torch.all(torch.isfinite(b.grad))
    assert c.grad is None


def test_optimal_beta_logits_minimise_the_space_terms(data):
    y, centers, _ = data
    labels = weighted_sq_distances(y, centers).argmin(1)
    shared = y.mean(0)
    logits = optimal_beta_logits(y, labels, centers, shared)
    cost_cs = ((y - centers[labels]) ** 2).sum(0)
    cost_ss = ((y - shared) ** 2).sum(0)
    np.testing.assert_allclose(torch.sigmoid(logits), cost_ss / (cost_cs + cost_ss), rtol=1e-9)

    def loss(b):
        beta = torch.sigmoid(b)
        return (acedec_cluster_loss(y, centers[labels], beta)
                + acedec_shared_loss(y, shared, 1 - beta))

    best = float(loss(logits))
    for d in range(4):
        for step in (-0.1, 0.1):
            moved = logits.clone()
            moved[d] += step
            assert float(loss(moved)) > best
