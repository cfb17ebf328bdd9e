"""Network and objective of DDC (Kampffmeyer et al., 2019) and its companion forms.

An encoder (:mod:`skdeepclust.nn.encoders`) followed by the DDC clustering head, optionally with
a decoder (DDC-AE); the objective adds the companion objectives of the UCO paper
(:func:`skdeepclust.losses.uco.companion_terms`) on the encoder blocks.

Every network returns a flat, batch-first tuple with the assignments first: skorch's inference
helpers keep element 0 of a tuple and concatenate tuples element-wise.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from skdeepclust.kernels import median_gaussian_kernel
from skdeepclust.losses.ddc import ddc_orthogonality, ddc_separation, ddc_simplex
from skdeepclust.losses.reconstruction import reconstruction_loss
from skdeepclust.losses.uco import auxiliary_weights, companion_terms, uco_block_weights
from skdeepclust.nn.decoders import build_decoder
from skdeepclust.nn.encoders import build_encoder, initialize

#: The three DDC terms, in the order of ``term_weights``.
DDC_TERMS = ("separation", "orthogonality", "simplex")


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


class DDCNetwork(nn.Module):
    """Encoder followed by the DDC clustering head, optionally with a decoder (DDC-AE).

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one sample.
    n_clusters : int
    encoder : {"mlp", "cnn", "lenet", "gru"} or nn.Module, default="mlp"
        A built-in encoder by name, or a built encoder with an ``output_shape`` attribute
        whose ``forward`` returns its blocks (e.g. :class:`skdeepclust.nn.user.UserEncoder`).
    hidden_dims : tuple of int, default=(500, 500)
        Hidden widths of the MLP encoder.
    n_hidden : int, default=100
        Width of the head's hidden layer.
    decoder : bool or nn.Module, default=False
        True adds a decoder that mirrors the built-in encoder; a module is used as the decoder
        (it maps the encoding to the flat input). Either reconstructs the input from the
        encoding.
    encoder_options : dict or None, default=None
        Keyword options of a built-in encoder (see
        :data:`skdeepclust.nn.encoders.ENCODER_OPTIONS`).
    weight_init : {"he", "pytorch"}, default="he"
        Initialisation of the built-in encoder and decoder and of the head
        (:data:`skdeepclust.nn.encoders.WEIGHT_INITS`); a given module keeps its own.

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
        encoder: str | nn.Module = "mlp",
        hidden_dims: tuple[int, ...] = (500, 500),
        n_hidden: int = 100,
        decoder: bool | nn.Module = False,
        encoder_options: dict | None = None,
        weight_init: str = "he",
    ):
        super().__init__()
        self.encoder = (encoder if isinstance(encoder, nn.Module)
                        else build_encoder(encoder, input_shape, hidden_dims, weight_init,
                                           **(encoder_options or {})))
        self.head = DDCHead(self.encoder.output_shape, n_clusters, n_hidden)
        initialize(self.head, weight_init)
        if isinstance(decoder, nn.Module):
            self.decoder: nn.Module | None = decoder
        elif decoder:
            self.decoder = build_decoder(self.encoder, math.prod(input_shape),
                                         tuple(hidden_dims) if encoder == "mlp" else (),
                                         weight_init)
        else:
            self.decoder = None

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        blocks = self.encoder(x)
        assignments, hidden = self.head(blocks[-1])
        if self.decoder is None:
            return (assignments, hidden, *blocks)
        return (assignments, hidden, *blocks, self.decoder(blocks[-1]))


class DDCObjective(nn.Module):
    r"""The DDC loss, optionally with companion objectives (DDC-UCO) and reconstruction (DDC-AE).

    .. math::
        L = w_1 L_1 + w_2 L_2 + w_3 L_3
            + \lambda \sum_{b=1}^{B} \omega(b)\, d_{cs}(A, K_b)
            + \rho\, \mathrm{MSE}(x, \hat x)

    Terms (history keys ``train_<name>``), each already weighted; a DDC term with weight 0
    is left out:

    - ``separation`` :math:`w_1 L_1`, :math:`L_1 = d_{cs}(A, K_H)`
    - ``orthogonality`` :math:`w_2 L_2`, the mean (or sum) of the strictly upper triangle
      of :math:`AA^\top`
    - ``simplex`` :math:`w_3 L_3`, :math:`L_3 = d_{cs}(M, K_H)`
    - ``uco_0`` ... ``uco_{B-1}``: :math:`\lambda\,\omega(b)\,d_{cs}(A, K_b)` when
      ``uco_kernel`` is set (block 0 nearest the input)
    - ``reconstruction``: :math:`\rho` times the mean squared error when
      ``reconstruction_weight`` > 0

    The hidden kernel :math:`K_H` is computed once and shared by :math:`L_1` and :math:`L_3`;
    each block kernel has its own width from its own distances.

    Parameters
    ----------
    rel_sigma : float, default=0.15
        Kernel width factor, see :func:`skdeepclust.kernels.kernel_width`.
    n_blocks : int, default=0
        Number of encoder blocks in the network output (after assignments and hidden).
    uco_kernel : {None, "naive", "tensor"}, default=None
        Kernel of the companion objectives: the Gaussian kernel on flattened block outputs,
        or the structure-exploiting tensor kernel (:mod:`skdeepclust.kernels`). On the blocks
        of the GRU encoder (each layer's last hidden state, a vector) ``"naive"`` is the
        Gaussian kernel on those states, the companion objective of the recurrent DDC.
    uco_weight : float, default=0.01
        :math:`\lambda`.
    uco_weighting : {"constant", "linear", "exponential"}, default="constant"
        :math:`\omega(b)`, see :func:`skdeepclust.losses.uco.uco_block_weights`.
    reconstruction_weight : float, default=0.0
        :math:`\rho`; > 0 needs a network with a decoder (last output).
    term_weights : tuple of 3 float, default=(1.0, 1.0, 1.0)
        :math:`(w_1, w_2, w_3)`.
    orthogonality : {"mean", "sum"}, default="mean"
        Reduction of :math:`L_2` over sample pairs
        (:func:`skdeepclust.losses.ddc.ddc_orthogonality`).
    cs_normalization : {"pairs", "clusters"}, default="pairs"
        Normalisation of every Cauchy-Schwarz term, :math:`L_1, L_3` and the companion terms
        (:func:`skdeepclust.losses.ddc.cs_divergence`).
    """

    def __init__(
        self,
        rel_sigma: float = 0.15,
        n_blocks: int = 0,
        uco_kernel: str | None = None,
        uco_weight: float = 0.01,
        uco_weighting: str = "constant",
        reconstruction_weight: float = 0.0,
        term_weights: tuple[float, float, float] = (1.0, 1.0, 1.0),
        orthogonality: str = "mean",
        cs_normalization: str = "pairs",
    ):
        super().__init__()
        self.rel_sigma = rel_sigma
        self.term_weights = dict(zip(DDC_TERMS, (float(w) for w in term_weights), strict=True))
        self.orthogonality = orthogonality
        self.cs_normalization = cs_normalization
        self.n_blocks = n_blocks
        self.uco_kernel = uco_kernel
        self.reconstruction_weight = reconstruction_weight
        self.uco_weights = (
            [uco_weight * w for w in uco_block_weights(n_blocks, uco_weighting)]
            if uco_kernel is not None else []
        )

    @staticmethod
    def names(n_blocks: int, uco_kernel: str | None, reconstruction_weight: float,
              term_weights: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> tuple:
        """Term names for a configuration (used to register one history column each)."""
        names = [name for name, w in zip(DDC_TERMS, term_weights, strict=True) if w > 0]
        if uco_kernel is not None:
            names += [f"uco_{b}" for b in range(n_blocks)]
        if reconstruction_weight > 0:
            names.append("reconstruction")
        return tuple(names)

    @property
    def aux_weights(self) -> dict[str, float]:
        """Weight of each auxiliary term (companion objectives, reconstruction) by name."""
        return auxiliary_weights(self.uco_weights, self.reconstruction_weight)

    @property
    def term_names(self) -> tuple[str, ...]:
        return self.names(self.n_blocks, self.uco_kernel, self.reconstruction_weight,
                          tuple(self.term_weights.values()))

    def forward(
        self, outputs: tuple[torch.Tensor, ...], X: torch.Tensor, y: None = None
    ) -> dict[str, torch.Tensor]:
        """Loss terms for one batch; ``outputs = (assignments, hidden, *blocks[, x_hat])``."""
        assignments, hidden = outputs[0], outputs[1]
        kernel = median_gaussian_kernel(hidden, self.rel_sigma)
        norm = self.cs_normalization
        ddc_terms = {
            "separation": lambda: ddc_separation(assignments, kernel, norm),
            "orthogonality": lambda: ddc_orthogonality(assignments, self.orthogonality),
            "simplex": lambda: ddc_simplex(assignments, kernel, norm),
        }
        terms = {name: self.term_weights[name] * term() for name, term in ddc_terms.items()
                 if self.term_weights[name] > 0}
        if self.uco_kernel is not None:
            terms.update(companion_terms(assignments, outputs[2 : 2 + self.n_blocks],
                                         self.uco_kernel, self.rel_sigma, self.uco_weights,
                                         norm))
        if self.reconstruction_weight > 0:
            terms["reconstruction"] = self.reconstruction_weight * reconstruction_loss(
                X, outputs[-1]
            )
        return terms


__all__ = ["DDC_TERMS", "DDCHead", "DDCNetwork", "DDCObjective"]
