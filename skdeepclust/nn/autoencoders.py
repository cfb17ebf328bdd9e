"""Autoencoders used for pretraining and by the autoencoder-based clusterers, and the
pretraining objective.

Each autoencoder has ``encode(x) -> z`` of shape (n, n_embed), ``decode(z) -> x_hat`` of
shape (n, n_features), and ``forward(x) -> (z, x_hat)``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from skdeepclust.losses.reconstruction import reconstruction_loss


def _activation(name: str, negative_slope: float) -> nn.Module:
    if name == "relu":
        return nn.ReLU()
    if name == "leaky_relu":
        return nn.LeakyReLU(negative_slope)
    raise ValueError(f"activation must be 'relu' or 'leaky_relu'; got {name!r}.")


def _mlp(dims: list[int], activation: str, negative_slope: float) -> nn.Sequential:
    """Linear layers with the activation after each one except the last."""
    layers: list[nn.Module] = []
    for i, (d_in, d_out) in enumerate(zip(dims[:-1], dims[1:], strict=True)):
        layers.append(nn.Linear(d_in, d_out))
        if i < len(dims) - 2:
            layers.append(_activation(activation, negative_slope))
    return nn.Sequential(*layers)


class MLPAutoencoder(nn.Module):
    """Fully connected autoencoder ``d-h1-...-hL-n_embed`` with a mirrored decoder.

    The embedding and the output layer are linear, every hidden layer has the activation
    (the DEC/IDEC/DCN architecture with ``hidden_dims=(500, 500, 2000)``).

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one sample (flattened here).
    hidden_dims : tuple of int, default=(500, 500, 2000)
    n_embed : int, default=10
    activation : {"relu", "leaky_relu"}, default="relu"
    negative_slope : float, default=0.01
        Slope of the leaky ReLU.
    """

    def __init__(
        self,
        input_shape: tuple[int, ...],
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        activation: str = "relu",
        negative_slope: float = 0.01,
    ):
        super().__init__()
        n_features = math.prod(input_shape)
        dims = [n_features, *hidden_dims, n_embed]
        self.encoder = _mlp(dims, activation, negative_slope)
        self.decoder = _mlp(dims[::-1], activation, negative_slope)
        self.n_embed = n_embed

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Embedding of ``x`` (n, n_features) -> (n, n_embed)."""
        return self.encoder(x.flatten(1))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Reconstruction of ``z`` (n, n_embed) -> (n, n_features)."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z = self.encode(x)
        return z, self.decode(z)


class ReconstructionObjective(nn.Module):
    """Autoencoder pretraining loss; outputs are ``(embedding, reconstruction)``.

    Parameters
    ----------
    reduction : {"mean", "sum"}, default="mean"
        See :func:`skdeepclust.losses.reconstruction.reconstruction_loss`.
    """

    term_names: tuple[str, ...] = ("reconstruction",)

    def __init__(self, reduction: str = "mean"):
        super().__init__()
        self.reduction = reduction

    def forward(
        self, outputs: tuple[torch.Tensor, ...], X: torch.Tensor, y: None = None
    ) -> dict[str, torch.Tensor]:
        """The reconstruction term for one batch."""
        return {"reconstruction": reconstruction_loss(X, outputs[1], self.reduction)}
