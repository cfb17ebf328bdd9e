"""Objectives: criterion modules that turn a network's outputs into named, weighted terms.

skorch owns the criterion (it is moved to the device with the network). ``forward`` returns a
dict ``{term name: weighted term}``; the net sums the terms and logs each one.
"""

from __future__ import annotations

import torch
from torch import nn

from skdeepclust.kernels import median_gaussian_kernel, naive_kernel, tensor_kernel
from skdeepclust.losses.ddc import ddc_orthogonality, ddc_separation, ddc_simplex
from skdeepclust.losses.reconstruction import reconstruction_loss
from skdeepclust.losses.uco import uco_block_weights, uco_terms


class DDCObjective(nn.Module):
    r"""The DDC loss, optionally with companion objectives (DDC-UCO) and reconstruction (DDC-AE).

    .. math::
        L = L_1 + L_2 + L_3
            + \lambda \sum_{b=1}^{B} \omega(b)\, d_{cs}(A, K_b)
            + \rho\, \mathrm{MSE}(x, \hat x)

    Terms (history keys ``train_<name>``), each already weighted:

    - ``separation`` :math:`L_1 = d_{cs}(A, K_H)`
    - ``orthogonality`` :math:`L_2`, mean of the strictly upper triangle of :math:`AA^\top`
    - ``simplex`` :math:`L_3 = d_{cs}(M, K_H)`
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
        or the structure-exploiting tensor kernel (:mod:`skdeepclust.kernels`).
    uco_weight : float, default=0.01
        :math:`\lambda`.
    uco_weighting : {"constant", "linear", "exponential"}, default="constant"
        :math:`\omega(b)`, see :func:`skdeepclust.losses.uco.uco_block_weights`.
    reconstruction_weight : float, default=0.0
        :math:`\rho`; > 0 needs a network with a decoder (last output).
    """

    def __init__(
        self,
        rel_sigma: float = 0.15,
        n_blocks: int = 0,
        uco_kernel: str | None = None,
        uco_weight: float = 0.01,
        uco_weighting: str = "constant",
        reconstruction_weight: float = 0.0,
    ):
        super().__init__()
        self.rel_sigma = rel_sigma
        self.n_blocks = n_blocks
        self.uco_kernel = uco_kernel
        self.reconstruction_weight = reconstruction_weight
        self.uco_weights = (
            [uco_weight * w for w in uco_block_weights(n_blocks, uco_weighting)]
            if uco_kernel is not None else []
        )

    @staticmethod
    def names(n_blocks: int, uco_kernel: str | None, reconstruction_weight: float) -> tuple:
        """Term names for a configuration (used to register one history column each)."""
        names = ["separation", "orthogonality", "simplex"]
        if uco_kernel is not None:
            names += [f"uco_{b}" for b in range(n_blocks)]
        if reconstruction_weight > 0:
            names.append("reconstruction")
        return tuple(names)

    @property
    def term_names(self) -> tuple[str, ...]:
        return self.names(self.n_blocks, self.uco_kernel, self.reconstruction_weight)

    def forward(
        self, outputs: tuple[torch.Tensor, ...], X: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """Loss terms for one batch; ``outputs = (assignments, hidden, *blocks[, x_hat])``."""
        assignments, hidden = outputs[0], outputs[1]
        kernel = median_gaussian_kernel(hidden, self.rel_sigma)
        terms = {
            "separation": ddc_separation(assignments, kernel),
            "orthogonality": ddc_orthogonality(assignments),
            "simplex": ddc_simplex(assignments, kernel),
        }
        if self.uco_kernel is not None:
            block_kernel = UCO_KERNELS[self.uco_kernel]
            blocks = outputs[2 : 2 + self.n_blocks]
            kernels = [block_kernel(block, self.rel_sigma) for block in blocks]
            for b, (term, weight) in enumerate(
                zip(uco_terms(assignments, kernels), self.uco_weights, strict=True)
            ):
                terms[f"uco_{b}"] = weight * term
        if self.reconstruction_weight > 0:
            terms["reconstruction"] = self.reconstruction_weight * reconstruction_loss(
                X, outputs[2 + self.n_blocks]
            )
        return terms


#: Kernels available to the companion objectives, by ``uco_kernel`` name.
UCO_KERNELS = {"naive": naive_kernel, "tensor": tensor_kernel}


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
        self, outputs: tuple[torch.Tensor, ...], X: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """The reconstruction term for one batch."""
        return {"reconstruction": reconstruction_loss(X, outputs[1], self.reduction)}
