"""Evaluation metrics for clustering."""

from ._accuracy import align_labels, clustering_accuracy

__all__ = ["align_labels", "clustering_accuracy"]
