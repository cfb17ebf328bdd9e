r"""Unsupervised companion objectives (Trosten et al., UCO paper, Eq. 3-4).

Each encoder block :math:`b = 1..B` gets the term :math:`\ell_b = d_{cs}(A, K_b)`, the DDC
separation term computed with a kernel on that block's output; the blocks are weighted by
:math:`\lambda\,\omega(b)`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from skdeepclust.kernels import naive_kernel, tensor_kernel
from skdeepclust.losses.ddc import cs_divergence

UCO_WEIGHTINGS = ("constant", "linear", "exponential")

#: Kernels available to the companion objectives, by ``uco_kernel`` name.
UCO_KERNELS = {"naive": naive_kernel, "tensor": tensor_kernel}


def uco_block_weights(n_blocks: int, weighting: str = "constant") -> list[float]:
    r"""Relative weight :math:`\omega(b)` of each block, block 1 nearest the input.

    - ``"constant"``: :math:`\omega(b) = 1`
    - ``"linear"``: :math:`\omega(b) = b / B`
    - ``"exponential"``: :math:`\omega(b) = 10^{b - B}` (so the last block has weight 1 and
      each earlier block a tenth of the next). The paper prints :math:`10^{B-b}`, which
      contradicts its own statement :math:`\omega \in [0, 1]`; the authors' code uses
      :math:`10^{b-B}`.

    Parameters
    ----------
    n_blocks : int
    weighting : {"constant", "linear", "exponential"}

    Returns
    -------
    weights : list of float, length n_blocks
    """
    if weighting == "constant":
        return [1.0] * n_blocks
    if weighting == "linear":
        return [b / n_blocks for b in range(1, n_blocks + 1)]
    if weighting == "exponential":
        return [10.0 ** (b - n_blocks) for b in range(1, n_blocks + 1)]
    raise ValueError(f"uco_weighting must be one of {list(UCO_WEIGHTINGS)}; got {weighting!r}.")


def uco_terms(
    assignments: torch.Tensor, kernels: list[torch.Tensor], normalization: str = "pairs"
) -> list[torch.Tensor]:
    r"""Unweighted companion terms :math:`\ell_b = d_{cs}(A, K_b)`, one per block.

    Parameters
    ----------
    assignments : Tensor of shape (n, k)
        Not detached: the companion objectives also train the clustering head.
    kernels : list of Tensor of shape (n, n)
    normalization : {"pairs", "clusters"}, default="pairs"
        See :func:`skdeepclust.losses.ddc.cs_divergence`.

    Returns
    -------
    terms : list of Tensor of shape ()
    """
    return [cs_divergence(assignments, kernel, normalization) for kernel in kernels]


def auxiliary_weights(uco_weights: Sequence[float], reconstruction_weight: float = 0.0
                      ) -> dict[str, float]:
    """Weight of each auxiliary loss term by name: ``uco_<b>`` for the companion objectives
    and ``reconstruction`` when its weight is positive (what the mismatch monitors of
    :mod:`skdeepclust.callbacks` read as ``objective.aux_weights``)."""
    weights = {f"uco_{b}": float(w) for b, w in enumerate(uco_weights)}
    if reconstruction_weight > 0:
        weights["reconstruction"] = float(reconstruction_weight)
    return weights


def companion_terms(
    assignments: torch.Tensor,
    blocks: Sequence[torch.Tensor],
    kernel: str,
    rel_sigma: float,
    weights: Sequence[float],
    normalization: str = "pairs",
) -> dict[str, torch.Tensor]:
    r"""The weighted companion terms :math:`\lambda\,\omega(b)\,d_{cs}(A, K_b)` by name.

    Each block gets its own kernel, with its width from its own distances. Used by every
    method with companion objectives (DDC, DEC), with that method's assignment matrix.

    Parameters
    ----------
    assignments : Tensor of shape (n, k)
    blocks : sequence of Tensor of shape (n, ...)
        Block outputs, block 0 nearest the input.
    kernel : {"naive", "tensor"}
        Key of :data:`UCO_KERNELS`.
    rel_sigma : float
        Kernel width factor.
    weights : sequence of float
        :math:`\lambda\,\omega(b)` per block.
    normalization : {"pairs", "clusters"}, default="pairs"
        See :func:`skdeepclust.losses.ddc.cs_divergence`.

    Returns
    -------
    terms : dict of str to Tensor of shape ()
        ``{"uco_0": ..., "uco_1": ...}``.
    """
    block_kernel = UCO_KERNELS[kernel]
    kernels = [block_kernel(block, rel_sigma) for block in blocks]
    return {
        f"uco_{b}": weight * term
        for b, (term, weight) in enumerate(
            zip(uco_terms(assignments, kernels, normalization), weights, strict=True)
        )
    }
