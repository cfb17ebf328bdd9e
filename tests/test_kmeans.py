"""The k-means starts: plain k-means with its warning policy, and subspace k-means."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from skdeepclust._kmeans import cluster_means, kmeans, subspace_kmeans
from tests.conftest import hidden_clusters


def test_kmeans_silences_the_duplicate_points_warning():
    # Two distinct points and three clusters: scikit-learn warns that it found fewer
    # distinct clusters; the methods start from those centres anyway.
    Z = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0]]), 10, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = kmeans(Z, 3, seed=0, n_init=2)
    assert model.cluster_centers_.shape == (3, 2)
    assert model.n_init == 2 and model.random_state == 0


def test_cluster_means_fall_back_for_empty_clusters():
    Y = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0]])
    fallback = np.full((3, 2), -1.0)
    centers = cluster_means(Y, np.array([0, 0, 2]), fallback)
    np.testing.assert_array_equal(centers, [[1.0, 0.0], [-1.0, -1.0], [10.0, 10.0]])
    np.testing.assert_array_equal(fallback, -1.0)  # not changed in place


def test_subspace_kmeans_recovers_hidden_clusters():
    X, y = hidden_clusters(seed=1)
    rotation, labels, cost = subspace_kmeans(X.astype(np.float64), 4, np.random.RandomState(0),
                                             n_rounds=3)
    np.testing.assert_allclose(rotation.T @ rotation, np.eye(8), atol=1e-10)
    assert normalized_mutual_info_score(y, labels) > 0.99
    assert np.isfinite(cost)


def test_subspace_kmeans_full_space_round_only_lowers_the_cost():
    # The random rounds draw the same numbers either way, so the best of them plus the
    # full-space round can only cost less; alone, the full-space round finds the clusters.
    X, y = hidden_clusters(seed=2)
    X = X.astype(np.float64)
    costs = [subspace_kmeans(X, 4, np.random.RandomState(0), n_rounds=2,
                             full_space_round=full)[2] for full in (False, True)]
    assert costs[1] <= costs[0]
    _, labels, _ = subspace_kmeans(X, 4, np.random.RandomState(0), n_rounds=0)
    assert normalized_mutual_info_score(y, labels) > 0.99
    with pytest.raises(ValueError, match="at least one round"):
        subspace_kmeans(X, 4, np.random.RandomState(0), n_rounds=0, full_space_round=False)
