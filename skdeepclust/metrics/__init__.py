"""Evaluation metrics for clustering and for objective-function mismatch."""

from skdeepclust.metrics._accuracy import align_labels, clustering_accuracy
from skdeepclust.metrics._ofm import feature_drift, r_ofm

__all__ = ["align_labels", "clustering_accuracy", "feature_drift", "r_ofm"]
