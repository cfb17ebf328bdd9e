"""Objectives: criterion modules that turn a network's outputs into named, weighted terms.

skorch owns the criterion (it is moved to the device with the network). ``forward`` returns a
dict ``{term name: weighted term}``; the net sums the terms and logs each one.
"""

from __future__ import annotations

import torch
from torch import nn

from skdeepclust.kernels import median_gaussian_kernel
from skdeepclust.losses.ddc import ddc_orthogonality, ddc_separation, ddc_simplex
from skdeepclust.losses.reconstruction import reconstruction_loss


class DDCObjective(nn.Module):
    r"""The DDC loss :math:`L_1 + L_2 + L_3`.

    Terms (history keys ``train_<name>``):

    - ``separation`` :math:`L_1 = d_{cs}(A, K_H)`
    - ``orthogonality`` :math:`L_2`, mean of the strictly upper triangle of :math:`AA^\top`
    - ``simplex`` :math:`L_3 = d_{cs}(M, K_H)`

    The hidden kernel :math:`K_H` is computed once and shared by :math:`L_1` and :math:`L_3`.

    Parameters
    ----------
    rel_sigma : float, default=0.15
        Kernel width factor, see :func:`skdeepclust.kernels.kernel_width`.
    """

    term_names: tuple[str, ...] = ("separation", "orthogonality", "simplex")

    def __init__(self, rel_sigma: float = 0.15):
        super().__init__()
        self.rel_sigma = rel_sigma

    def forward(
        self, outputs: tuple[torch.Tensor, ...], X: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """Loss terms for one batch; ``outputs = (assignments, hidden, *blocks)``."""
        assignments, hidden = outputs[0], outputs[1]
        kernel = median_gaussian_kernel(hidden, self.rel_sigma)
        return {
            "separation": ddc_separation(assignments, kernel),
            "orthogonality": ddc_orthogonality(assignments),
            "simplex": ddc_simplex(assignments, kernel),
        }


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
