"""Whole networks, one per method. ``forward`` returns a flat tuple, assignments first.

skorch's inference helpers keep element 0 of a tuple and concatenate tuples element-wise, so
every network returns ``(assignments, embedding, *extra)`` with batch-first tensors.
"""

from __future__ import annotations

import torch
from torch import nn

from skdeepclust.nn.encoders import build_encoder
from skdeepclust.nn.heads import DDCHead


class DDCNetwork(nn.Module):
    """Encoder followed by the DDC clustering head.

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one sample.
    n_clusters : int
    encoder : {"mlp", "cnn", "gru"}, default="mlp"
    hidden_dims : tuple of int, default=(500, 500)
        Hidden widths of the MLP encoder.
    n_hidden : int, default=100
        Width of the head's hidden layer.

    Notes
    -----
    ``forward`` returns ``(assignments, hidden, *block_outputs)`` with shapes ``(n, k)``,
    ``(n, n_hidden)`` and one tensor per encoder block.
    """

    def __init__(
        self,
        input_shape: tuple[int, ...],
        n_clusters: int,
        encoder: str = "mlp",
        hidden_dims: tuple[int, ...] = (500, 500),
        n_hidden: int = 100,
    ):
        super().__init__()
        self.encoder = build_encoder(encoder, input_shape, hidden_dims)
        self.head = DDCHead(self.encoder.output_shape, n_clusters, n_hidden)
        nn.init.kaiming_normal_(self.head.hidden[0].weight, nonlinearity="relu")
        nn.init.zeros_(self.head.hidden[0].bias)
        nn.init.kaiming_normal_(self.head.output.weight, nonlinearity="relu")
        nn.init.zeros_(self.head.output.bias)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        blocks = self.encoder(x)
        assignments, hidden = self.head(blocks[-1])
        return (assignments, hidden, *blocks)
