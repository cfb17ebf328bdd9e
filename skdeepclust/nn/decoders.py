"""Decoders that mirror the encoders, for the reconstruction companion loss (DDC-AE)."""

from __future__ import annotations

import math

import torch
from torch import nn

from skdeepclust.nn.encoders import CNNEncoder, LeNetEncoder, initialize


class MLPDecoder(nn.Module):
    """``Linear -> ReLU`` layers back to the flat input, the last layer linear.

    Parameters
    ----------
    in_shape : tuple of int
        Shape of one encoding (flattened here).
    hidden_dims : tuple of int
        Hidden widths, in decoding order.
    n_features : int
        Output width.
    """

    def __init__(self, in_shape: tuple[int, ...], hidden_dims: tuple[int, ...], n_features: int):
        super().__init__()
        dims = [math.prod(in_shape), *hidden_dims, n_features]
        layers: list[nn.Module] = []
        for i, (d_in, d_out) in enumerate(zip(dims[:-1], dims[1:], strict=True)):
            layers.append(nn.Linear(d_in, d_out))
            if i < len(dims) - 2:
                layers.append(nn.ReLU())
        self.layers = nn.Sequential(*layers)

    def forward(self, encoding: torch.Tensor) -> torch.Tensor:
        """Reconstruction of shape (n, n_features)."""
        return self.layers(encoding.flatten(1))


class CNNDecoder(nn.Module):
    """Transposed mirror of :class:`~skdeepclust.nn.encoders.CNNEncoder`.

    ``upsample -> tconv3x3 -> ReLU -> tconv3x3 -> BN -> ReLU -> upsample -> tconv5x5 -> ReLU ->
    tconv5x5`` (linear output). Upsampling goes to the exact pre-pooling sizes of the encoder,
    so any input size the encoder accepts is reconstructed at its own size.

    Parameters
    ----------
    encoder : CNNEncoder
    """

    def __init__(self, encoder: CNNEncoder):
        super().__init__()
        channels, *_ = encoder.block_shapes[0]
        in_channels, height, width = encoder.input_shape
        size1 = (height - 8, width - 8)
        pre_pool2 = (size1[0] // 2 - 4, size1[1] // 2 - 4)
        self.layers = nn.Sequential(
            nn.Upsample(size=pre_pool2),
            nn.ConvTranspose2d(channels, channels, 3),
            nn.ReLU(),
            nn.ConvTranspose2d(channels, channels, 3),
            nn.BatchNorm2d(channels),
            nn.ReLU(),
            nn.Upsample(size=size1),
            nn.ConvTranspose2d(channels, channels, 5),
            nn.ReLU(),
            nn.ConvTranspose2d(channels, in_channels, 5),
        )

    def forward(self, encoding: torch.Tensor) -> torch.Tensor:
        """Reconstruction of shape (n, C*H*W) from the block-2 output (n, 32, h, w)."""
        return self.layers(encoding).flatten(1)


class LeNetDecoder(nn.Module):
    """Transposed mirror of :class:`~skdeepclust.nn.encoders.LeNetEncoder`.

    ``upsample -> tconv5x5 -> ReLU -> upsample -> tconv5x5`` (linear output), upsampling to
    the encoder's exact pre-pooling sizes.

    Parameters
    ----------
    encoder : LeNetEncoder
    """

    def __init__(self, encoder: LeNetEncoder):
        super().__init__()
        (first, *size1), (second, *_) = encoder.block_shapes
        in_channels, height, width = encoder.input_shape
        self.layers = nn.Sequential(
            nn.Upsample(size=(size1[0] - 4, size1[1] - 4)),
            nn.ConvTranspose2d(second, first, 5),
            nn.ReLU(),
            nn.Upsample(size=(height - 4, width - 4)),
            nn.ConvTranspose2d(first, in_channels, 5),
        )

    def forward(self, encoding: torch.Tensor) -> torch.Tensor:
        """Reconstruction of shape (n, C*H*W) from the block-2 output (n, 64, h, w)."""
        return self.layers(encoding).flatten(1)


def build_decoder(encoder: nn.Module, n_features: int, hidden_dims: tuple[int, ...],
                  weight_init: str = "he") -> nn.Module:
    """A decoder for ``encoder``: the transposed mirror of a CNN encoder, else an MLP.

    Parameters
    ----------
    encoder : nn.Module
        An encoder from :func:`skdeepclust.nn.encoders.build_encoder`.
    n_features : int
        Flattened input size to reconstruct.
    hidden_dims : tuple of int
        Hidden widths of the MLP encoder; the MLP decoder mirrors them.
    weight_init : {"he", "pytorch"}, default="he"
        See :data:`skdeepclust.nn.encoders.WEIGHT_INITS`.
    """
    if isinstance(encoder, CNNEncoder):
        decoder: nn.Module = CNNDecoder(encoder)
    elif isinstance(encoder, LeNetEncoder):
        decoder = LeNetDecoder(encoder)
    else:
        decoder = MLPDecoder(encoder.output_shape, tuple(hidden_dims)[-2::-1], n_features)
    initialize(decoder, weight_init)
    return decoder
