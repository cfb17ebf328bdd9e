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


def _sym_sqrt(m: torch.Tensor, inverse: bool = False) -> torch.Tensor:
    """Square root (or inverse square root) of a symmetric positive definite matrix."""
    eigval, eigvec = torch.linalg.eigh(m)
    eigval = eigval.clamp_min(torch.finfo(m.dtype).eps * eigval.max())
    power = -0.5 if inverse else 0.5
    return (eigvec * eigval**power) @ eigvec.T


@torch.no_grad()
def balance_embedding(encoder_layer: nn.Linear, decoder_layer: nn.Linear) -> torch.Tensor:
    r"""Re-parametrise the code layer of an autoencoder so that its two weights are balanced.

    The reconstruction :math:`g(f(x))` does not change when the embedding is mapped by any
    invertible :math:`A`, :math:`z \to A z`, and the decoder's first layer by
    :math:`A^{-1}` (a gauge freedom of every autoencoder whose code layer is linear). This
    picks the :math:`A` that minimises :math:`\|A W_e\|_F^2 + \|W_d A^{-1}\|_F^2` (what weight
    decay or tied weights would converge to): with :math:`M = W_e W_e^\top`,
    :math:`N = W_d^\top W_d`, :math:`P = A^\top A` solves :math:`P M P = N`, i.e.
    :math:`P = M^{-1/2} (M^{1/2} N M^{1/2})^{1/2} M^{-1/2}`, and :math:`A = P^{1/2}`.
    For a linear autoencoder with :math:`d = D` and exact reconstruction
    (:math:`W_d = W_e^{-1}`), :math:`A W_e` is orthogonal: the embedding is a rotation of the
    centred data, so distances in it are distances in the data. If either Gram matrix is
    numerically singular (e.g. ``n_embed`` larger than the layer's input width) the minimiser
    does not exist; the layers are then left unchanged and the identity is returned.

    The layers are modified in place (``W_e <- A W_e``, ``b_e <- A b_e``,
    ``W_d <- W_d A^{-1}``); the autoencoder computes the same function up to round-off.

    Parameters
    ----------
    encoder_layer : nn.Linear
        Last encoder layer (outputs the embedding, no activation after it).
    decoder_layer : nn.Linear
        First decoder layer (reads the embedding).

    Returns
    -------
    A : Tensor of shape (d, d), float64
    """
    w_e = encoder_layer.weight.double()
    w_d = decoder_layer.weight.double()
    d = w_e.shape[0]
    for gram in (w_e @ w_e.T, w_d.T @ w_d):
        eigval = torch.linalg.eigvalsh(gram)
        if not eigval[0] > 1e-8 * eigval[-1]:
            return torch.eye(d, dtype=torch.float64)
    m_half = _sym_sqrt(w_e @ w_e.T)
    m_inv_half = _sym_sqrt(w_e @ w_e.T, inverse=True)
    p = m_inv_half @ _sym_sqrt(m_half @ (w_d.T @ w_d) @ m_half) @ m_inv_half
    a = _sym_sqrt((p + p.T) / 2)
    a_inv = _sym_sqrt((p + p.T) / 2, inverse=True)
    encoder_layer.weight.copy_((a @ w_e).to(encoder_layer.weight))
    if encoder_layer.bias is not None:
        encoder_layer.bias.copy_((a @ encoder_layer.bias.double()).to(encoder_layer.bias))
    decoder_layer.weight.copy_((w_d @ a_inv).to(decoder_layer.weight))
    return a


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
