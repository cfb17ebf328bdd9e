"""Tests for clustering_accuracy and align_labels."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from skdeepclust.metrics import align_labels, clustering_accuracy


def _brute_force_accuracy(labels_true: np.ndarray, labels_pred: np.ndarray) -> float:
    """Best accuracy over every injective matching between clusters and classes."""
    classes = np.unique(labels_true)
    clusters = np.unique(labels_pred)
    best = 0
    if len(clusters) <= len(classes):
        for targets in itertools.permutations(classes, len(clusters)):
            mapping = dict(zip(clusters, targets, strict=True))
            hits = sum(mapping[p] == t for p, t in zip(labels_pred, labels_true, strict=True))
            best = max(best, hits)
    else:
        for sources in itertools.permutations(clusters, len(classes)):
            mapping = dict(zip(sources, classes, strict=True))
            hits = sum(mapping.get(p) == t for p, t in zip(labels_pred, labels_true, strict=True))
            best = max(best, hits)
    return best / len(labels_true)


@pytest.mark.parametrize("n_classes", [1, 2, 3, 4])
@pytest.mark.parametrize("n_clusters", [1, 2, 3, 4])
def test_matches_brute_force(n_classes: int, n_clusters: int) -> None:
    rng = np.random.RandomState(100 * n_classes + n_clusters)
    for _ in range(5):
        n = int(rng.randint(1, 15))
        labels_true = rng.randint(n_classes, size=n)
        # Non-contiguous, negative cluster ids exercise the label encoding.
        labels_pred = rng.choice(np.array([-7, 3, 10, 42])[:n_clusters], size=n)
        expected = _brute_force_accuracy(labels_true, labels_pred)
        assert clustering_accuracy(labels_true, labels_pred) == pytest.approx(expected)


def test_perfect_and_relabelled_partition_is_one() -> None:
    y = np.array([0, 0, 1, 1, 2, 2, 2])
    assert clustering_accuracy(y, y) == 1.0
    assert clustering_accuracy(y, np.array([5, 5, -1, -1, 9, 9, 9])) == 1.0


def test_returns_python_float() -> None:
    assert type(clustering_accuracy([0, 1], [1, 0])) is float


def test_invariant_to_permutation_of_cluster_ids_and_samples() -> None:
    rng = np.random.RandomState(0)
    labels_true = rng.randint(4, size=50)
    labels_pred = rng.randint(3, size=50)
    base = clustering_accuracy(labels_true, labels_pred)

    renamed = np.array([2, 0, 1])[labels_pred]
    assert clustering_accuracy(labels_true, renamed) == pytest.approx(base)

    order = rng.permutation(50)
    assert clustering_accuracy(labels_true[order], labels_pred[order]) == pytest.approx(base)


def test_string_labels() -> None:
    labels_true = ["cat", "cat", "dog", "dog", "bird"]
    labels_pred = ["x", "x", "y", "y", "y"]
    assert clustering_accuracy(labels_true, labels_pred) == pytest.approx(0.8)
    assert clustering_accuracy(labels_true, [0, 0, 1, 1, 1]) == pytest.approx(0.8)


def test_more_clusters_than_classes_counts_unmatched_as_wrong() -> None:
    # Every sample in its own cluster: only one cluster per class can be matched.
    labels_true = [0, 0, 0, 1, 1]
    assert clustering_accuracy(labels_true, [0, 1, 2, 3, 4]) == pytest.approx(2 / 5)


def test_fewer_clusters_than_classes() -> None:
    assert clustering_accuracy([0, 1, 2, 3], [0, 0, 0, 0]) == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("labels_true", "labels_pred", "match"),
    [
        ([0, 1, 2], [0, 1], "same length"),
        ([], [], "empty"),
        ([[0, 1], [1, 0]], [[0, 1], [1, 0]], "1-dimensional"),
        ([0, 1], [[0, 1]], "1-dimensional"),
        ([0.0, np.nan], [0, 1], "NaN"),
    ],
)
def test_invalid_input_raises_value_error(labels_true, labels_pred, match) -> None:
    with pytest.raises(ValueError, match=match):
        clustering_accuracy(labels_true, labels_pred)
    with pytest.raises(ValueError, match=match):
        align_labels(labels_true, labels_pred)


def test_none_raises_type_error() -> None:
    with pytest.raises(TypeError, match="labels_pred"):
        clustering_accuracy([0, 1], None)


def test_align_labels_uses_reference_ids() -> None:
    reference = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([9, 9, 4, 4, 7, 7])
    np.testing.assert_array_equal(align_labels(reference, pred), reference)


@pytest.mark.parametrize("n_clusters", [1, 2, 3, 4, 5])
def test_align_labels_agreement_equals_accuracy(n_clusters: int) -> None:
    rng = np.random.RandomState(n_clusters)
    reference = rng.randint(3, size=40) + 10
    pred = rng.randint(n_clusters, size=40) * 3 - 5
    aligned = align_labels(reference, pred)

    assert aligned.shape == pred.shape
    assert np.mean(aligned == reference) == pytest.approx(clustering_accuracy(reference, pred))
    # Renaming must be one-to-one: the partition stays exactly the same.
    assert clustering_accuracy(pred, aligned) == 1.0
    assert len(np.unique(aligned)) == len(np.unique(pred))


def test_align_labels_unmatched_clusters_get_fresh_ids() -> None:
    reference = np.array([0, 0, 1, 1, 1, 1])
    pred = np.array([5, 5, 6, 6, 7, 8])
    aligned = align_labels(reference, pred)
    np.testing.assert_array_equal(aligned[:4], [0, 0, 1, 1])
    assert aligned[4] != aligned[5]
    assert not set(aligned[4:].tolist()) & set(reference.tolist())
    assert np.issubdtype(aligned.dtype, np.integer)


def test_align_labels_string_reference() -> None:
    reference = ["a", "a", "b", "b"]
    aligned = align_labels(reference, [1, 1, 2, 3])
    assert aligned[:2].tolist() == ["a", "a"]
    tail = set(aligned[2:].tolist())
    # Clusters 2 and 3 tie for "b"; whichever loses needs an id unused by the reference.
    assert "b" in tail
    assert len(tail) == 2
    assert (tail - {"b"}).isdisjoint(reference)


def test_align_labels_is_consistent_across_restarts() -> None:
    # Two runs that found the same partition with different ids must align identically.
    reference = np.array([0, 0, 1, 1, 2, 2])
    run_a = np.array([2, 2, 0, 0, 1, 1])
    run_b = np.array([1, 1, 2, 2, 0, 0])
    np.testing.assert_array_equal(align_labels(reference, run_a), align_labels(reference, run_b))
