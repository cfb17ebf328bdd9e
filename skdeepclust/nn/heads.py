"""Clustering heads: map an encoding to cluster assignments."""

from __future__ import annotations

import math

import torch
from torch import nn


class DDCHead(nn.Module):
    """The DDC clustering module: ``Linear -> ReLU -> BatchNorm1d -> Linear -> softmax``.

    The BatchNorm output is the hidden representation ``H`` on which DDC computes its kernel.

    Parameters
    ----------
    in_shape : tuple of int
        Shape of one encoding (flattened here).
    n_clusters : int
    n_hidden : int, default=100
    """

    def __init__(self, in_shape: tuple[int, ...], n_clusters: int, n_hidden: int = 100):
        super().__init__()
        self.hidden = nn.Sequential(
            nn.Linear(math.prod(in_shape), n_hidden), nn.ReLU(), nn.BatchNorm1d(n_hidden)
        )
        self.output = nn.Linear(n_hidden, n_clusters)

    def forward(self, encoding: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(assignments (n, k), hidden (n, n_hidden))``."""
        hidden = self.hidden(encoding.flatten(1))
        return torch.softmax(self.output(hidden), dim=1), hidden
