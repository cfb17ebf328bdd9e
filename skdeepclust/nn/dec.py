r"""Networks and objective of DEC, IDEC and their convolutional forms (DEC-Conv, DCEC).

An autoencoder with a linear bottleneck :math:`z` (the embedding) and trainable cluster centres
:math:`\mu_j` in the embedding space; the clustering output is the Student-t soft assignment
:math:`q` (:func:`skdeepclust.losses.dec.student_t_assignments`).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from skdeepclust.losses.dec import dec_kl, student_t_assignments, target_distribution
from skdeepclust.losses.reconstruction import reconstruction_loss
from skdeepclust.losses.uco import auxiliary_weights, companion_terms, uco_block_weights
from skdeepclust.nn.decoders import CNNDecoder, MLPDecoder
from skdeepclust.nn.encoders import CNNEncoder, build_encoder, he_init
from skdeepclust.nn.user import probe

DEC_ENCODERS = ("mlp", "cnn")


def fan_in_uniform_init(module: nn.Module) -> None:
    r"""DEC-Keras initialisation of every linear layer: weights uniform in
    :math:`\pm 1/\sqrt{\text{fan\_in}}` (``VarianceScaling(1/3, "fan_in", "uniform")``),
    zero biases."""
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            bound = 1.0 / math.sqrt(layer.in_features)
            nn.init.uniform_(layer.weight, -bound, bound)
            nn.init.zeros_(layer.bias)


class DECAutoencoder(nn.Module):
    """Encoder, linear bottleneck and decoder of DEC / IDEC (see :class:`DECNetwork`).

    ``forward(x) -> (z, x_hat)``, the interface of the shared pretraining
    (:func:`skdeepclust._pretrain.pretrain_autoencoder`).
    """

    def __init__(
        self,
        input_shape: tuple[int, ...],
        encoder: str = "mlp",
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
    ):
        super().__init__()
        n_features = math.prod(input_shape)
        self.encoder = build_encoder(encoder, input_shape, tuple(hidden_dims))
        block_shape = tuple(self.encoder.output_shape)
        self.bottleneck = nn.Linear(math.prod(block_shape), n_embed)
        if isinstance(self.encoder, CNNEncoder):
            self.decoder: nn.Module = nn.Sequential(
                nn.Linear(n_embed, math.prod(block_shape)),
                nn.ReLU(),
                nn.Unflatten(1, block_shape),
                CNNDecoder(self.encoder),
            )
            he_init(self.bottleneck)
            he_init(self.decoder)
        else:
            self.decoder = MLPDecoder((n_embed,), tuple(hidden_dims)[::-1], n_features)
            fan_in_uniform_init(self)

    def embed(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """``(z, block_outputs)`` for a batch ``x`` of shape (n, n_features)."""
        blocks = self.encoder(x)
        return self.bottleneck(blocks[-1].flatten(1)), blocks

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Embedding of shape (n, n_embed)."""
        return self.embed(x)[0]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Reconstruction of shape (n, n_features)."""
        return self.decoder(z).flatten(1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z, _ = self.embed(x)
        return z, self.decode(z)

    @torch.no_grad()
    def rescale_embedding(self, factor: float) -> None:
        r"""Multiply the embedding by ``factor`` without changing the reconstruction.

        The bottleneck is linear and the decoder starts with a linear layer, so scaling the
        bottleneck's weight and bias by ``factor`` and the first decoder weight by
        ``1 / factor`` gives :math:`z' = \text{factor}\cdot z` and the same :math:`\hat x`.
        """
        factor = float(factor)
        if not math.isfinite(factor) or factor <= 0:
            raise ValueError(f"factor must be finite and positive; got {factor}.")
        first = next(m for m in self.decoder.modules() if isinstance(m, nn.Linear))
        self.bottleneck.weight.mul_(factor)
        self.bottleneck.bias.mul_(factor)
        first.weight.div_(factor)


class DECNetwork(nn.Module):
    """Autoencoder with a linear bottleneck plus trainable cluster centres (DEC / IDEC).

    ``"mlp"``: ``d - hidden_dims (ReLU) - n_embed (linear)`` and the mirrored decoder
    ``n_embed - reversed(hidden_dims) (ReLU) - d (linear)``, linear layers initialised as in
    the DEC Keras code (:func:`fan_in_uniform_init`). With the default
    ``hidden_dims=(500, 500, 2000)`` this is the DEC/IDEC architecture.

    ``"cnn"``: the small CNN of the DDC-UCO code (two blocks,
    :class:`~skdeepclust.nn.encoders.CNNEncoder`), flattened into a linear ``n_embed``
    bottleneck, then ``Linear -> ReLU`` back to the block-2 shape and the transposed CNN
    (:class:`~skdeepclust.nn.decoders.CNNDecoder`): the DEC-Conv / ICDEC network of the UCO
    paper (He initialisation, as for DDC).

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one sample.
    n_clusters : int
    encoder : {"mlp", "cnn"}, default="mlp"
    hidden_dims : tuple of int, default=(500, 500, 2000)
        Hidden widths of the MLP encoder (ignored by the CNN).
    n_embed : int, default=10
        Dimension of the embedding :math:`z`.
    alpha : float, default=1.0
        Degrees of freedom of the Student-t assignments.
    reconstruct : bool, default=False
        Also return the reconstruction (IDEC, DCEC); DEC does not need it after pretraining.
    autoencoder : nn.Module or None, default=None
        An autoencoder to use instead of building one; it also needs ``embed(x) -> (z,
        blocks)`` and ``rescale_embedding(factor)`` (as :class:`DECAutoencoder` and
        :class:`skdeepclust.nn.user.UserAutoencoder` have).

    Notes
    -----
    ``forward`` returns ``(q, z, *block_outputs[, x_hat])`` with shapes ``(n, k)``,
    ``(n, n_embed)``, one tensor per encoder block and, with ``reconstruct``,
    ``(n, n_features)``. The centres start at zero; the estimator sets them with
    :meth:`set_centers` (k-means in the embedding).
    """

    def __init__(
        self,
        input_shape: tuple[int, ...],
        n_clusters: int,
        encoder: str = "mlp",
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        alpha: float = 1.0,
        reconstruct: bool = False,
        autoencoder: nn.Module | None = None,
    ):
        super().__init__()
        self.autoencoder = autoencoder if autoencoder is not None else DECAutoencoder(
            input_shape, encoder, hidden_dims, n_embed
        )
        self.centers = nn.Parameter(torch.zeros(n_clusters, n_embed))
        self.alpha = alpha
        self.reconstruct = reconstruct

    def set_centers(self, centers: np.ndarray | torch.Tensor) -> None:
        """Overwrite the cluster centres, shape (n_clusters, n_embed)."""
        with torch.no_grad():
            self.centers.copy_(torch.as_tensor(np.asarray(centers), dtype=self.centers.dtype))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        z, blocks = self.autoencoder.embed(x)
        q = student_t_assignments(z, self.centers, self.alpha)
        if self.reconstruct:
            return (q, z, *blocks, self.autoencoder.decode(z))
        return (q, z, *blocks)


class DECObjective(nn.Module):
    r"""DEC's KL loss, optionally with reconstruction (IDEC) and companion objectives (UCO).

    .. math::
        L = \mathrm{KL}(P \,\|\, Q)
            + \rho\, \mathrm{MSE}(x, \hat x)
            + \lambda \sum_{b=1}^{B} \omega(b)\, d_{cs}(Q, K_b)

    Terms (history keys ``train_<name>``), each already weighted:

    - ``kl``: :func:`~skdeepclust.losses.dec.dec_kl` between the batch's rows ``y`` of the
      target distribution (computed on the whole data set, see
      :class:`skdeepclust.callbacks.TargetDistributionUpdate`) and the batch's :math:`q`.
      Without ``y`` (outside training) the target is computed from the batch's own :math:`q`.
    - ``reconstruction``: :math:`\rho` times the mean squared error when
      ``reconstruction_weight`` > 0 (IDEC: :math:`\rho = 1/\gamma`).
    - ``uco_0`` ... ``uco_{B-1}``: the companion objectives of the UCO paper with the DEC
      assignments :math:`Q` as the assignment matrix (not detached), when ``uco_kernel`` is set.

    Parameters
    ----------
    n_blocks : int, default=0
        Number of encoder block outputs in the network output (after ``q`` and ``z``).
    reconstruction_weight : float, default=0.0
    uco_kernel : {None, "naive", "tensor"}, default=None
    uco_weight : float, default=0.01
        :math:`\lambda`.
    uco_weighting : {"constant", "linear", "exponential"}, default="constant"
    rel_sigma : float, default=0.15
        Kernel width factor of the companion objectives.
    """

    def __init__(
        self,
        n_blocks: int = 0,
        reconstruction_weight: float = 0.0,
        uco_kernel: str | None = None,
        uco_weight: float = 0.01,
        uco_weighting: str = "constant",
        rel_sigma: float = 0.15,
    ):
        super().__init__()
        self.n_blocks = n_blocks
        self.reconstruction_weight = reconstruction_weight
        self.uco_kernel = uco_kernel
        self.rel_sigma = rel_sigma
        self.uco_weights = (
            [uco_weight * w for w in uco_block_weights(n_blocks, uco_weighting)]
            if uco_kernel is not None else []
        )

    @property
    def aux_weights(self) -> dict[str, float]:
        """Weight of each auxiliary term (companion objectives, reconstruction) by name."""
        return auxiliary_weights(self.uco_weights, self.reconstruction_weight)

    @property
    def term_names(self) -> tuple[str, ...]:
        names = ["kl"]
        if self.reconstruction_weight > 0:
            names.append("reconstruction")
        if self.uco_kernel is not None:
            names += [f"uco_{b}" for b in range(self.n_blocks)]
        return tuple(names)

    def forward(
        self, outputs: tuple[torch.Tensor, ...], X: torch.Tensor,
        y: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        """Loss terms for one batch; ``outputs = (q, z, *blocks[, x_hat])``, ``y`` the batch's
        target rows of shape (n, k) or None."""
        q = outputs[0]
        if y is not None and y.shape != q.shape:
            raise RuntimeError(
                f"Target rows of shape {tuple(y.shape)} do not match the batch's assignments "
                f"{tuple(q.shape)}."
            )
        target = target_distribution(q.detach()) if y is None else y
        terms = {"kl": dec_kl(target, q)}
        if self.reconstruction_weight > 0:
            terms["reconstruction"] = self.reconstruction_weight * reconstruction_loss(
                X, outputs[-1]
            )
        if self.uco_kernel is not None:
            terms.update(companion_terms(q, outputs[2 : 2 + self.n_blocks], self.uco_kernel,
                                         self.rel_sigma, self.uco_weights))
        return terms


def count_embedding_blocks(autoencoder: nn.Module, n_features: int) -> int:
    """Number of block outputs ``autoencoder.embed`` returns beside the embedding (probed on
    two rows of zeros in eval mode)."""
    return len(probe(autoencoder.embed, autoencoder, (n_features,))[1])


__all__ = [
    "DEC_ENCODERS",
    "DECAutoencoder",
    "DECNetwork",
    "DECObjective",
    "count_embedding_blocks",
    "fan_in_uniform_init",
]
