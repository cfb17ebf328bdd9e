"""Clustering accuracy based on the best one-to-one matching of clusters to classes."""

from __future__ import annotations

from numbers import Real

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment

__all__ = ["align_labels", "clustering_accuracy"]


def _check_label_pair(
    labels_a: ArrayLike, labels_b: ArrayLike, names: tuple[str, str]
) -> tuple[NDArray, NDArray]:
    """Validate two label vectors that describe the same samples.

    Parameters
    ----------
    labels_a, labels_b : array-like of shape (n_samples,)
        Label vectors to validate.
    names : tuple of str
        Argument names used in error messages.

    Returns
    -------
    labels_a, labels_b : ndarray of shape (n_samples,)
        The labels as numpy arrays.
    """
    arrays = []
    for name, labels in zip(names, (labels_a, labels_b), strict=True):
        if labels is None:
            raise TypeError(f"{name} must be array-like, got None.")
        arr = np.asarray(labels)
        if arr.ndim != 1:
            raise ValueError(f"{name} must be 1-dimensional, got an array of shape {arr.shape}.")
        if arr.shape[0] == 0:
            raise ValueError(f"{name} is empty; at least one sample is required.")
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            # NaN never equals itself, so np.unique would create one cluster per NaN.
            raise ValueError(f"{name} contains NaN or infinite values.")
        arrays.append(arr)
    if arrays[0].shape[0] != arrays[1].shape[0]:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length, got "
            f"{arrays[0].shape[0]} and {arrays[1].shape[0]}."
        )
    return arrays[0], arrays[1]


def _encode(labels: NDArray, name: str) -> tuple[NDArray, NDArray]:
    """Map arbitrary label values to contiguous integer codes.

    Parameters
    ----------
    labels : ndarray of shape (n_samples,)
        Labels of any sortable type.
    name : str
        Argument name used in error messages.

    Returns
    -------
    classes : ndarray of shape (n_classes,)
        Sorted unique label values.
    codes : ndarray of shape (n_samples,)
        Index of each sample's label in ``classes``.
    """
    try:
        classes, codes = np.unique(labels, return_inverse=True)
    except TypeError as exc:
        raise TypeError(
            f"{name} contains values that cannot be compared with each other (mixed types?): {exc}"
        ) from exc
    return classes, codes.reshape(-1)


def _best_matching(
    labels_true: NDArray, labels_pred: NDArray, names: tuple[str, str]
) -> tuple[NDArray, NDArray, NDArray, NDArray, NDArray, NDArray]:
    """Solve the maximum-weight one-to-one matching on the contingency table.

    Parameters
    ----------
    labels_true, labels_pred : ndarray of shape (n_samples,)
        Validated label vectors.
    names : tuple of str
        Argument names used in error messages.

    Returns
    -------
    classes : ndarray of shape (n_classes,)
        Sorted unique values of ``labels_true``.
    clusters : ndarray of shape (n_clusters,)
        Sorted unique values of ``labels_pred``.
    pred_codes : ndarray of shape (n_samples,)
        Cluster index of every sample.
    row_ind, col_ind : ndarray of shape (min(n_classes, n_clusters),)
        Matched (class index, cluster index) pairs.
    contingency : ndarray of shape (n_classes, n_clusters)
        Co-occurrence counts.
    """
    classes, true_codes = _encode(labels_true, names[0])
    clusters, pred_codes = _encode(labels_pred, names[1])
    contingency = np.zeros((classes.shape[0], clusters.shape[0]), dtype=np.int64)
    np.add.at(contingency, (true_codes, pred_codes), 1)
    # A rectangular table is fine: only min(n_classes, n_clusters) pairs get matched,
    # and the samples of every unmatched cluster are counted as errors.
    row_ind, col_ind = linear_sum_assignment(contingency, maximize=True)
    return classes, clusters, pred_codes, row_ind, col_ind, contingency


def clustering_accuracy(labels_true: ArrayLike, labels_pred: ArrayLike) -> float:
    """Unsupervised clustering accuracy (ACC).

    Clusters are matched to classes one-to-one so that the number of samples
    whose cluster is matched to their class is maximal (Hungarian algorithm on
    the contingency table). The accuracy is that number divided by the number of
    samples. When there are more clusters than classes, the samples of the
    unmatched clusters count as misclassified.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Ground-truth class labels. Any sortable values (ints, strings, ...).
    labels_pred : array-like of shape (n_samples,)
        Cluster labels to evaluate. Any sortable values; the label values
        themselves carry no meaning, only the partition does.

    Returns
    -------
    accuracy : float
        Value in ``(0, 1]``; ``1.0`` means the partitions are identical up to a
        renaming of the clusters.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, contain NaN, or differ in length.
    TypeError
        If the labels cannot be compared with each other.

    Examples
    --------
    >>> from skdeepclust.metrics import clustering_accuracy
    >>> clustering_accuracy([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> clustering_accuracy(["a", "a", "b", "b"], [5, 5, 5, 7])
    0.75
    """
    names = ("labels_true", "labels_pred")
    labels_true, labels_pred = _check_label_pair(labels_true, labels_pred, names)
    *_, row_ind, col_ind, contingency = _best_matching(labels_true, labels_pred, names)
    matched = contingency[row_ind, col_ind].sum()
    return float(matched / labels_true.shape[0])


def _fresh_ids(reference_classes: NDArray, n_new: int) -> NDArray:
    """Create ``n_new`` label values that do not occur in the reference labels.

    Parameters
    ----------
    reference_classes : ndarray of shape (n_classes,)
        Sorted unique reference label values.
    n_new : int
        Number of new ids needed.

    Returns
    -------
    new_ids : ndarray of shape (n_new,)
        Unused ids: consecutive numbers above the reference maximum for numeric
        references, otherwise strings ``"unmatched_<i>"``.
    """
    kind = reference_classes.dtype.kind
    is_numeric = kind in "iubf" or (
        kind == "O"
        and all(isinstance(c, Real) and not isinstance(c, bool) for c in reference_classes)
    )
    if is_numeric:
        start = int(np.floor(max(reference_classes))) + 1
        dtype = reference_classes.dtype if kind == "f" else np.int64
        return np.arange(start, start + n_new).astype(dtype)
    used = {str(c) for c in reference_classes}
    new_ids: list[str] = []
    i = 0
    while len(new_ids) < n_new:
        candidate = f"unmatched_{i}"
        if candidate not in used:
            new_ids.append(candidate)
        i += 1
    return np.asarray(new_ids, dtype=object)


def align_labels(labels_reference: ArrayLike, labels_pred: ArrayLike) -> NDArray:
    """Rename clusters so that they carry the id of their matched reference label.

    The matching is the same maximum-overlap one-to-one matching used by
    :func:`clustering_accuracy`. This makes the labelings of several clustering
    runs directly comparable, e.g. for consensus voting across restarts.

    Parameters
    ----------
    labels_reference : array-like of shape (n_samples,)
        Reference labeling (ground truth or the labels of another run).
    labels_pred : array-like of shape (n_samples,)
        Labeling to rename.

    Returns
    -------
    labels_aligned : ndarray of shape (n_samples,)
        ``labels_pred`` with every matched cluster renamed to its reference id.
        Clusters left without a partner (more clusters than reference labels)
        get new ids that do not occur in ``labels_reference``: consecutive
        integers above its maximum for numeric references, otherwise strings
        ``"unmatched_<i>"``. New ids are assigned in sorted order of the
        original cluster values. The partition itself is never changed.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, contain NaN, or differ in length.
    TypeError
        If the labels cannot be compared with each other.

    Examples
    --------
    >>> from skdeepclust.metrics import align_labels
    >>> align_labels([0, 0, 1, 1, 2], [7, 7, 3, 3, 3]).tolist()
    [0, 0, 1, 1, 1]
    >>> align_labels([0, 0, 1, 1], [4, 5, 6, 6]).tolist()
    [0, 2, 1, 1]
    """
    names = ("labels_reference", "labels_pred")
    labels_reference, labels_pred = _check_label_pair(labels_reference, labels_pred, names)
    classes, clusters, pred_codes, row_ind, col_ind, _ = _best_matching(
        labels_reference, labels_pred, names
    )
    n_clusters = clusters.shape[0]
    unmatched = np.setdiff1d(np.arange(n_clusters), col_ind)
    new_ids = _fresh_ids(classes, unmatched.shape[0])

    if new_ids.shape[0] and new_ids.dtype != classes.dtype:
        out_dtype = np.result_type(classes.dtype, new_ids.dtype)
    else:
        out_dtype = classes.dtype
    # Mixing "unmatched_<i>" strings into a fixed-width string dtype could truncate them.
    if out_dtype.kind in "US" and new_ids.dtype == object:
        out_dtype = np.dtype(object)

    mapping = np.empty(n_clusters, dtype=out_dtype)
    mapping[col_ind] = classes[row_ind]
    mapping[unmatched] = new_ids
    return mapping[pred_codes]
