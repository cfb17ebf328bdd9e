"""Whole networks, one per method. ``forward`` returns a flat tuple, assignments first.

skorch's inference helpers keep element 0 of a tuple and concatenate tuples element-wise, so
every network returns ``(assignments, embedding, *extra)`` with batch-first tensors.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from skdeepclust.nn.decoders import build_decoder
from skdeepclust.nn.encoders import build_encoder, he_init
from skdeepclust.nn.heads import DDCHead


class DDCNetwork(nn.Module):
    """Encoder followed by the DDC clustering head, optionally with a decoder (DDC-AE).

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
    decoder : bool, default=False
        Add a decoder that mirrors the encoder and reconstructs the input from the encoding.

    Notes
    -----
    ``forward`` returns ``(assignments, hidden, *block_outputs[, reconstruction])`` with
    shapes ``(n, k)``, ``(n, n_hidden)``, one tensor per encoder block (``n_blocks`` of them)
    and, with a decoder, ``(n, n_features)``.
    """

    def __init__(
        self,
        input_shape: tuple[int, ...],
        n_clusters: int,
        encoder: str = "mlp",
        hidden_dims: tuple[int, ...] = (500, 500),
        n_hidden: int = 100,
        decoder: bool = False,
    ):
        super().__init__()
        self.encoder = build_encoder(encoder, input_shape, hidden_dims)
        self.head = DDCHead(self.encoder.output_shape, n_clusters, n_hidden)
        he_init(self.head)
        self.decoder = (
            build_decoder(self.encoder, math.prod(input_shape),
                          tuple(hidden_dims) if encoder == "mlp" else ())
            if decoder else None
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        blocks = self.encoder(x)
        assignments, hidden = self.head(blocks[-1])
        if self.decoder is None:
            return (assignments, hidden, *blocks)
        return (assignments, hidden, *blocks, self.decoder(blocks[-1]))
