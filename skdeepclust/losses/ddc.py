r"""The three loss terms of Deep Divergence-based Clustering (Kampffmeyer et al., 2019).

The default normalisations follow the code behind the UCO paper's numbers (``1 / C(k, 2)``
in the Cauchy-Schwarz term, the mean over sample pairs in the orthogonality term); the DDC
paper's (``1 / k``, the plain sum over pairs, also the DTKC code's sum) are options.
"""

from __future__ import annotations

import torch

#: Clamp of the Cauchy-Schwarz numerator and of the product under the square root.
CS_EPS = 1e-9

#: Normalisations of :func:`cs_divergence`: divide the sum over cluster pairs by their
#: number (UCO and DTKC papers and code) or by the number of clusters (DDC paper, Eq. 3).
CS_NORMALIZATIONS = ("pairs", "clusters")
#: Reductions of :func:`ddc_orthogonality` over sample pairs.
ORTHOGONALITY_REDUCTIONS = ("mean", "sum")


def cs_divergence(
    assignments: torch.Tensor, kernel: torch.Tensor, normalization: str = "pairs"
) -> torch.Tensor:
    r"""Normalised pairwise Cauchy-Schwarz similarity of the clusters under a kernel.

    With :math:`N = A^\top K A`,

    .. math::
        d_{cs}(A, K) = c_k \sum_{i<j}
            \frac{\max(N_{ij}, \epsilon)}{\sqrt{\max(N_{ii} N_{jj}, \epsilon^2)}},
        \qquad \epsilon = 10^{-9},

    with :math:`c_k = 2 / (k(k-1))` (``"pairs"``: the mean over cluster pairs, in [0, 1] for a
    positive semi-definite kernel) or :math:`c_k = 1/k` (``"clusters"``: the DDC paper's
    Eq. 3, :math:`(k-1)/2` times larger). It is minimised. Clamped entries pass no gradient
    (a cluster without mass in the batch is pushed back only by the other terms). With one
    cluster there are no pairs and the value is 0.

    Parameters
    ----------
    assignments : Tensor of shape (n, k)
        Soft assignments (or any non-negative cluster membership matrix).
    kernel : Tensor of shape (n, n)
    normalization : {"pairs", "clusters"}, default="pairs"

    Returns
    -------
    d_cs : Tensor of shape ()
    """
    n_clusters = assignments.shape[1]
    if n_clusters < 2:
        # No cluster pairs; multiply by zero to keep the graph connected for backward().
        return assignments.sum() * 0.0
    nom = assignments.T @ kernel @ assignments
    diag = torch.diagonal(nom)
    den = torch.sqrt((diag[:, None] * diag[None, :]).clamp_min(CS_EPS**2))
    ratios = nom.clamp_min(CS_EPS) / den
    upper = torch.triu_indices(n_clusters, n_clusters, offset=1, device=ratios.device)
    scale = 2.0 / (n_clusters * (n_clusters - 1)) if normalization == "pairs" else 1.0 / n_clusters
    return ratios[upper[0], upper[1]].sum() * scale


def ddc_separation(
    assignments: torch.Tensor, kernel: torch.Tensor, normalization: str = "pairs"
) -> torch.Tensor:
    r"""DDC term :math:`L_1`: clusters separated and compact in the hidden space.

    .. math:: L_1 = d_{cs}(A, K_H)

    Parameters
    ----------
    assignments : Tensor of shape (n, k)
    kernel : Tensor of shape (n, n)
        Gaussian kernel on the hidden representation.
    normalization : {"pairs", "clusters"}, default="pairs"
        See :func:`cs_divergence`.

    Returns
    -------
    loss : Tensor of shape ()
    """
    return cs_divergence(assignments, kernel, normalization)


def ddc_orthogonality(assignments: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    r"""DDC term :math:`L_2`: assignment vectors of different samples are orthogonal.

    .. math::
        L_2 = c_n \sum_{a<b} \alpha_a^\top \alpha_b
            = c_n \, \frac{\|\sum_a \alpha_a\|^2 - \|A\|_F^2}{2}

    with :math:`c_n = 2 / (n(n-1))` (``"mean"`` over sample pairs, the UCO code) or
    :math:`c_n = 1` (``"sum"``, the DDC paper's :math:`\mathrm{triu}(AA^\top)` and the DTKC
    code: :math:`n(n-1)/2` times larger, 7 140 at ``n = 120``). The right-hand form needs
    O(nk) instead of O(n^2 k) work.

    Parameters
    ----------
    assignments : Tensor of shape (n, k)
    reduction : {"mean", "sum"}, default="mean"

    Returns
    -------
    loss : Tensor of shape ()
    """
    n = assignments.shape[0]
    column_sums = assignments.sum(dim=0)
    all_pairs = (column_sums * column_sums).sum() - (assignments * assignments).sum()
    if reduction == "sum":
        return all_pairs / 2.0
    return all_pairs / max(n * (n - 1), 1)


def simplex_corner_affinity(assignments: torch.Tensor) -> torch.Tensor:
    r"""Closeness of each assignment vector to each corner of the simplex.

    .. math:: M_{aj} = \exp(-\|\alpha_a - e_j\|^2) = \exp(-(\|\alpha_a\|^2 - 2\alpha_{aj} + 1))

    Parameters
    ----------
    assignments : Tensor of shape (n, k)

    Returns
    -------
    M : Tensor of shape (n, k), entries in [exp(-2), 1]
    """
    sq_norms = (assignments * assignments).sum(dim=1, keepdim=True)
    return torch.exp(-(sq_norms - 2.0 * assignments + 1.0).clamp_min(0.0))


def ddc_simplex(
    assignments: torch.Tensor, kernel: torch.Tensor, normalization: str = "pairs"
) -> torch.Tensor:
    r"""DDC term :math:`L_3`: assignments close to the corners of the simplex.

    .. math:: L_3 = d_{cs}(M, K_H), \quad M = \text{simplex\_corner\_affinity}(A)

    Parameters
    ----------
    assignments : Tensor of shape (n, k)
    kernel : Tensor of shape (n, n)
    normalization : {"pairs", "clusters"}, default="pairs"
        See :func:`cs_divergence`.

    Returns
    -------
    loss : Tensor of shape ()
    """
    return cs_divergence(simplex_corner_affinity(assignments), kernel, normalization)


__all__ = [
    "CS_NORMALIZATIONS",
    "ORTHOGONALITY_REDUCTIONS",
    "cs_divergence",
    "ddc_orthogonality",
    "ddc_separation",
    "ddc_simplex",
    "simplex_corner_affinity",
]
