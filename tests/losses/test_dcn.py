"""DCN's loss term and the centroid updates against slow references."""

import numpy as np
import pytest
import torch

from skdeepclust.losses.dcn import (
    dcn_clustering_loss,
    moving_average_update,
    running_mean_update,
    weighted_sq_distances,
)


def test_weighted_sq_distances_matches_loop(data):
    y, centers, beta = data
    expected = np.zeros((7, 3))
    for i in range(7):
        for k in range(3):
            expected[i, k] = sum(float(beta[d]) ** 2 * float(y[i, d] - centers[k, d]) ** 2
                                 for d in range(4))
    np.testing.assert_allclose(weighted_sq_distances(y, centers, beta), expected, rtol=1e-12)
    plain = ((y[:, None] - centers[None]) ** 2).sum(2)
    np.testing.assert_allclose(weighted_sq_distances(y, centers), plain, rtol=1e-12)


def test_dcn_clustering_loss_is_mean_squared_distance_with_constant_centers(data):
    z, centers, _ = data
    labels = torch.tensor([0, 1, 2, 0, 1, 2, 0])
    assigned = centers[labels].clone().requires_grad_(True)
    z = z.clone().requires_grad_(True)
    loss = dcn_clustering_loss(z, assigned)
    with torch.no_grad():
        expected = np.mean([float(((z[i] - assigned[i]) ** 2).sum()) for i in range(7)])
    assert float(loss.detach()) == pytest.approx(expected, rel=1e-12)
    loss.backward()
    # The centroids are updated outside the loss: no gradient reaches them.
    assert assigned.grad is None
    np.testing.assert_allclose(z.grad, 2 * (z - assigned).detach() / 7, rtol=1e-12)


def _sequential_update(centers, counts, z, labels):
    """The original DCN code: per sample, c_k += 1 and mu_k += (z - mu_k) / c_k."""
    centers, counts = centers.clone(), counts.clone()
    for zi, k in zip(z, labels.tolist(), strict=True):
        counts[k] += 1
        centers[k] += (zi - centers[k]) / counts[k]
    return centers, counts


def test_running_mean_update_equals_sequential_rule(data):
    z, centers, _ = data
    labels = torch.tensor([0, 0, 2, 0, 2, 2, 0])
    counts = torch.tensor([100.0, 5.0, 1.0], dtype=torch.float64)
    new_centers, new_counts = running_mean_update(centers, counts, z, labels)
    ref_centers, ref_counts = _sequential_update(centers, counts, z, labels)
    np.testing.assert_allclose(new_centers, ref_centers, rtol=1e-12)
    np.testing.assert_allclose(new_counts, ref_counts)
    np.testing.assert_array_equal(new_counts, [104.0, 5.0, 4.0])


def test_running_mean_update_leaves_empty_clusters_and_inputs_alone(data):
    z, centers, _ = data
    labels = torch.zeros(7, dtype=torch.long)
    # Cluster 2 has no history at all (count 0): it must neither move nor become NaN.
    counts = torch.tensor([3.0, 1e-3, 0.0], dtype=torch.float64)
    before = centers.clone(), counts.clone()
    new_centers, new_counts = running_mean_update(centers, counts, z, labels)
    np.testing.assert_array_equal(new_centers[1:], centers[1:])
    assert torch.all(new_centers[1:].abs() > 0)  # not shrunk towards the origin
    np.testing.assert_array_equal(new_counts[1:], counts[1:])
    np.testing.assert_allclose(new_centers[0], (3 * centers[0] + z.sum(0)) / 10)
    np.testing.assert_array_equal(centers, before[0])
    np.testing.assert_array_equal(counts, before[1])


def test_running_mean_update_from_zero_count_is_the_batch_mean(data):
    z, centers, _ = data
    labels = torch.tensor([1, 1, 1, 0, 0, 0, 0])
    new_centers, _ = running_mean_update(centers, torch.zeros(3, dtype=torch.float64), z, labels)
    np.testing.assert_allclose(new_centers[0], z[3:].mean(0), rtol=1e-12)
    np.testing.assert_allclose(new_centers[1], z[:3].mean(0), rtol=1e-12)
    np.testing.assert_array_equal(new_centers[2], centers[2])


def test_moving_average_update_matches_its_formula_and_leaves_absent_clusters(data):
    z, centers, _ = data
    labels = torch.tensor([0, 0, 2, 0, 2, 2, 0])
    counts = torch.tensor([100.0, 5.0, 1.0], dtype=torch.float64)
    before = centers.clone(), counts.clone()
    new_centers, new_counts = moving_average_update(centers, counts, z, labels)
    np.testing.assert_array_equal(new_counts, [52.0, 5.0, 2.0])
    for k, members in [(0, [0, 1, 3, 6]), (2, [2, 4, 5])]:
        rate = 1 / (1 + float(new_counts[k]))
        expected = (1 - rate) * centers[k] + rate * z[members].mean(0)
        np.testing.assert_allclose(new_centers[k], expected, rtol=1e-12)
    np.testing.assert_array_equal(new_centers[1], centers[1])
    np.testing.assert_array_equal(centers, before[0])
    np.testing.assert_array_equal(counts, before[1])


def test_moving_average_keeps_following_a_moving_cluster_where_running_means_stall():
    # One cluster of 25 points per step whose points drift by +1 per step. The moving
    # average's rate settles at 1 / 26, so it lags about 25 steps behind; the running mean's
    # rate decays with its growing count, so its lag grows with the steps.
    start = torch.zeros(1, 2, dtype=torch.float64), torch.full((1,), 100.0, dtype=torch.float64)
    running, moving = start, start
    labels = torch.zeros(25, dtype=torch.long)
    for step in range(1, 301):
        z = torch.full((25, 2), float(step), dtype=torch.float64)
        running = running_mean_update(*running, z, labels)
        moving = moving_average_update(*moving, z, labels)
    assert 300 - float(moving[0][0, 0]) == pytest.approx(25, abs=1)
    assert 300 - float(running[0][0, 0]) > 140
