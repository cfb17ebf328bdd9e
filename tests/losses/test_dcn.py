"""DCN's loss term and the running-mean centroid update against slow references."""

import numpy as np
import pytest
import torch

from skdeepclust.losses.dcn import (
    dcn_clustering_loss,
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
