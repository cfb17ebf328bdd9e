"""Consensus over restarts: align labelings, then vote per sample (DDC-VOTE)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment

from skdeepclust.metrics import align_labels


def consensus_vote(
    labelings: ArrayLike, scores: ArrayLike | None = None, top: int | None = 3
) -> NDArray:
    """Majority vote over several labelings of the same samples.

    The DDC paper's DDC-VOTE: take the ``top`` runs with the lowest unsupervised loss, align
    every run to the best one with the Hungarian algorithm (maximum agreement), and give each
    sample the label most runs agree on. Ties go to the best run's label (the paper leaves
    ties open).

    Parameters
    ----------
    labelings : array-like of shape (n_runs, n_samples)
        Integer labels of each run, e.g. ``estimator.restart_labels_``.
    scores : array-like of shape (n_runs,) or None
        Selection score of each run, lower is better (e.g. ``estimator.restart_scores_``).
        None keeps the given order, the first run being the reference.
    top : int or None, default=3
        Number of best runs that vote; None uses all.

    Returns
    -------
    labels : ndarray of shape (n_samples,), dtype int64
        Labels in the numbering of the best run.

    Examples
    --------
    >>> consensus_vote([[0, 0, 1, 1], [1, 1, 0, 0], [0, 1, 1, 1]])
    array([0, 0, 1, 1])
    """
    runs = np.asarray(labelings)
    if runs.ndim != 2 or runs.shape[0] == 0 or runs.shape[1] == 0:
        raise ValueError(
            f"labelings must have shape (n_runs, n_samples) with both >= 1; got {runs.shape}."
        )
    if not np.issubdtype(runs.dtype, np.integer):
        raise TypeError(f"labelings must hold integer labels; got dtype {runs.dtype}.")
    if scores is not None:
        scores = np.asarray(scores, dtype=np.float64)
        if scores.shape != (runs.shape[0],):
            raise ValueError(
                f"scores must have shape ({runs.shape[0]},) to match labelings; "
                f"got {scores.shape}."
            )
        runs = runs[np.argsort(np.where(np.isfinite(scores), scores, np.inf), kind="stable")]
    if top is not None:
        if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
            raise ValueError(f"top must be a positive int or None; got {top!r}.")
        runs = runs[:top]
    reference = runs[0]
    aligned = np.stack([reference] + [align_labels(reference, run) for run in runs[1:]])
    n_labels = int(aligned.max()) + 1
    votes = np.zeros((n_labels, runs.shape[1]), dtype=np.int64)
    for run in aligned:
        votes[run, np.arange(runs.shape[1])] += 1
    best = votes.max(axis=0)
    # The reference label wins whenever it is among the most voted ones.
    return np.where(votes[reference, np.arange(runs.shape[1])] == best, reference,
                    votes.argmax(axis=0)).astype(np.int64)


def matching_permutation(reference: ArrayLike, labels: ArrayLike, n_clusters: int) -> NDArray:
    """The relabelling of ``labels`` that agrees most with ``reference`` (Hungarian matching).

    Parameters
    ----------
    reference, labels : array-like of shape (n_samples,)
        Integer labels in ``range(n_clusters)``.
    n_clusters : int

    Returns
    -------
    permutation : ndarray of shape (n_clusters,), dtype int64
        ``permutation[j]`` is the cluster of ``reference`` matched to cluster ``j`` of
        ``labels``, so ``permutation[labels]`` is ``labels`` in the numbering of
        ``reference``. Clusters empty in both are matched among themselves.

    Examples
    --------
    >>> matching_permutation([0, 0, 1, 2], [2, 2, 0, 1], 3)
    array([1, 2, 0])
    """
    contingency = np.zeros((n_clusters, n_clusters), dtype=np.int64)
    np.add.at(contingency, (np.asarray(labels), np.asarray(reference)), 1)
    rows, columns = linear_sum_assignment(contingency, maximize=True)
    permutation = np.empty(n_clusters, dtype=np.int64)
    permutation[rows] = columns
    return permutation
