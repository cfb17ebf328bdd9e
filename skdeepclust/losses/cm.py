r"""Loss terms of the clustering module (CM) and of AE-CM (Boubekki et al., 2021).

The CM is a one-hidden-layer autoencoder: :math:`\Gamma = \mathrm{softmax}(X W_{enc} + b_{enc})`
and :math:`\bar X = \Gamma W_{dec} + b_{dec}`. Its centroids are the decoder images of the
canonical basis, :math:`U = W_{dec} + b_{dec}` (the bias is added to every row), and because the
rows of :math:`\Gamma` sum to one, :math:`\bar X = \Gamma U`. Every function here takes that
:math:`U`, bias included.

The CM loss is :math:`L_{CM} = E_1 + E_2 + E_3 + E_4` and its first three terms add up to the
expected squared distance to the centroids,

.. math::
    E_1 + E_2 + E_3 = \sum_i \sum_j \gamma_{ij} \|x_i - u_j\|^2,

which holds only with the diagonal :math:`j = l` left out of :math:`E_3` (the paper's Eq. 7 prints
a triple sum over all pairs; the authors' code excludes the diagonal). AE-CM replaces
:math:`E_2` by :func:`aecm_sparsity`, drops :math:`E_3` and adds :func:`orthonormality_penalty`.

Batch size, ``reduction`` and the coupling of the weights
---------------------------------------------------------
The authors' code sums :math:`E_1, E_2, E_3` (and AE-CM's :math:`L_1, L_2` and the weighted DAE
reconstruction :math:`\beta L_5`) over the :math:`B` samples of a mini-batch, so they grow
linearly with :math:`B`. The Dirichlet prior :math:`E_4` uses the batch *mean* of
:math:`\gamma_{\cdot j}` and the orthonormality penalty does not involve the samples at all, so
both stay of order one whatever :math:`B`. With ``reduction="sum"`` (the default, as in the
authors' code) the relative strength of the prior is therefore :math:`(\alpha_j - 1) / B`, and that
of the orthonormality penalty :math:`\lambda / B`: doubling the batch size halves their influence
and the tuned hyper-parameters come in :math:`(\alpha, B)` pairs (e.g. MNIST :math:`\alpha = 177`,
:math:`B = 111` for the CM) that cannot be moved to another batch size on their own. Only
:math:`\beta` (a ratio of two batch sums) is independent of :math:`B`. The last, smaller batch of
an epoch (no ``drop_last``) weighs its data terms less against the prior than the others.

``reduction="mean"`` divides every batch sum by :math:`n`. Since

.. math::
    \frac{1}{B} L^{\text{sum}}(\alpha, \lambda)
        = L^{\text{mean}}(\alpha', \lambda'), \qquad
    1 - \alpha'_j = \frac{1 - \alpha_j}{B}, \qquad \lambda' = \frac{\lambda}{B},

a ``"sum"`` setting :math:`(\alpha, \lambda, B)` maps to the ``"mean"`` setting
:math:`(\alpha', \lambda')`, which then no longer depends on :math:`B`. The two losses have the
same minimisers and gradients that differ by the factor :math:`B`; Adam is nearly invariant to that
factor but not exactly (the authors use :math:`\epsilon = 10^{-3}`, which is not negligible), so
trajectories differ slightly. The authors' PyTorch example divides by :math:`n d` and uses a
squared Frobenius penalty: a third scale, whose hyper-parameters must not be mixed with these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import torch

#: Added to the batch mean of each assignment column before the logarithm of :math:`E_4`.
LOG_EPS = 1e-10

Reduction = Literal["sum", "mean"]


def _reduce(total: torch.Tensor, n_samples: int, reduction: Reduction) -> torch.Tensor:
    """Turn a sum over the batch into the requested reduction."""
    if reduction == "sum":
        return total
    if reduction == "mean":
        # An empty batch has a zero sum; dividing by one keeps it zero instead of NaN.
        return total / max(n_samples, 1)
    raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}")


def cm_reconstruction(
    x: torch.Tensor,
    gamma: torch.Tensor,
    centroids: torch.Tensor,
    *,
    reduction: Reduction = "sum",
) -> torch.Tensor:
    r"""CM term :math:`E_1`: squared error of the linear reconstruction.

    .. math:: E_1 = \sum_i \|x_i - \bar x_i\|^2, \qquad \bar X = \Gamma U

    In AE-CM the same term on the embedding is :math:`L_1` (``x`` is then the code :math:`z`).

    Parameters
    ----------
    x : Tensor of shape (n, d)
        Inputs of the CM (the data, or the embedding in AE-CM).
    gamma : Tensor of shape (n, k)
        Soft assignments, rows on the simplex.
    centroids : Tensor of shape (k, d)
        :math:`U = W_{dec} + b_{dec}`, decoder bias included.
    reduction : {"sum", "mean"}, default="sum"
        Sum over the batch (authors' code) or mean over it.

    Returns
    -------
    loss : Tensor of shape ()
    """
    residual = x - gamma @ centroids
    return _reduce((residual * residual).sum(), x.shape[0], reduction)


def cm_sparsity(
    gamma: torch.Tensor,
    centroids: torch.Tensor,
    *,
    reduction: Reduction = "sum",
) -> torch.Tensor:
    r"""CM term :math:`E_2`: uncertain assignments cost the squared norm of their centroid.

    .. math:: E_2 = \sum_j \Big(\sum_i \gamma_{ij} (1 - \gamma_{ij})\Big) \|u_j\|^2

    It vanishes for one-hot assignments.

    Parameters
    ----------
    gamma : Tensor of shape (n, k)
    centroids : Tensor of shape (k, d)
        Decoder bias included.
    reduction : {"sum", "mean"}, default="sum"

    Returns
    -------
    loss : Tensor of shape ()
    """
    per_cluster = (gamma * (1.0 - gamma)).sum(dim=0)
    sq_norms = (centroids * centroids).sum(dim=1)
    return _reduce((per_cluster * sq_norms).sum(), gamma.shape[0], reduction)


def cm_cross(
    gamma: torch.Tensor,
    centroids: torch.Tensor,
    *,
    reduction: Reduction = "sum",
) -> torch.Tensor:
    r"""CM term :math:`E_3`: interaction of the centroids shared by one sample.

    .. math::
        E_3 = -\sum_{j \neq l} \Big(\sum_i \gamma_{ij} \gamma_{il}\Big) u_j^\top u_l

    The diagonal :math:`j = l` is excluded, as in the authors' code; the paper's Eq. 7 prints a
    sum over all pairs, which breaks the identity :math:`E_1 + E_2 + E_3 = \sum_{ij} \gamma_{ij}
    \|x_i - u_j\|^2`. It vanishes for one-hot assignments and for orthogonal centroids.

    Parameters
    ----------
    gamma : Tensor of shape (n, k)
    centroids : Tensor of shape (k, d)
        Decoder bias included.
    reduction : {"sum", "mean"}, default="sum"

    Returns
    -------
    loss : Tensor of shape ()
    """
    co_assignment = gamma.T @ gamma
    gram = centroids @ centroids.T
    # Full contraction minus its diagonal: O(k^2) memory, no (k, k) mask needed.
    all_pairs = (co_assignment * gram).sum()
    diagonal = (torch.diagonal(co_assignment) * torch.diagonal(gram)).sum()
    return _reduce(-(all_pairs - diagonal), gamma.shape[0], reduction)


def cm_dirichlet_prior(
    gamma: torch.Tensor,
    alpha: float | Sequence[float] | torch.Tensor,
) -> torch.Tensor:
    r"""CM term :math:`E_4`: Dirichlet prior on the mixture weights, on batch means.

    .. math::
        E_4 = \sum_j (1 - \alpha_{(j)}) \, \ell_{(j)}, \qquad
        \ell_j = \log\Big(\frac{1}{n} \sum_i \gamma_{ij} + 10^{-10}\Big),

    where :math:`\ell_{(j)}` and :math:`\alpha_{(j)}` are the log-means and the concentrations
    each sorted ascending. Cluster labels are arbitrary, so which concentration belongs to which
    cluster is not defined; the authors' code pairs the smallest concentration with the currently
    smallest cluster (it sorts the log-means in the loss and :math:`\alpha` in ``CM.fit``). By the
    rearrangement inequality this is the permutation of :math:`\alpha` that minimises
    :math:`E_4`, and it makes the term invariant to relabelling the clusters. For a scalar or
    constant :math:`\alpha` the sorting changes nothing. (``AECM.fit`` does not sort
    :math:`\alpha`, which only matters for non-uniform :math:`\alpha`; here it is always sorted.)

    The term uses batch means, so it does not grow with the batch size, unlike :math:`E_1`
    to :math:`E_3` under ``reduction="sum"`` (see the module docstring); it has no ``reduction``.
    With :math:`\alpha_j > 1` it pushes the batch mass to be spread over the clusters. With
    :math:`\alpha_j < 1` the prior *rewards* emptying clusters: an empty cluster contributes
    :math:`(1 - \alpha_j) \log 10^{-10} \approx -23 (1 - \alpha_j)`, a strong pull towards
    degenerate solutions as the assignments harden.

    Parameters
    ----------
    gamma : Tensor of shape (n, k)
        Soft assignments of the batch.
    alpha : float, sequence of k floats or Tensor of shape () or (k,)
        Dirichlet concentration(s).

    Returns
    -------
    loss : Tensor of shape ()

    Raises
    ------
    ValueError
        If ``alpha`` is a vector whose length is not ``k``.
    """
    n_clusters = gamma.shape[1]
    alpha_t = torch.as_tensor(alpha, dtype=gamma.dtype, device=gamma.device)
    if alpha_t.ndim > 1 or (alpha_t.ndim == 1 and alpha_t.shape[0] != n_clusters):
        raise ValueError(
            f"alpha must be a scalar or a vector of length k={n_clusters}, "
            f"got shape {tuple(alpha_t.shape)}"
        )
    log_means = torch.log(gamma.mean(dim=0) + LOG_EPS)
    # torch.sort passes gradients back to the unsorted positions (it is a gather).
    log_means_sorted = torch.sort(log_means).values
    alpha_sorted = torch.sort(alpha_t).values if alpha_t.ndim == 1 else alpha_t
    return ((1.0 - alpha_sorted) * log_means_sorted).sum()


def aecm_sparsity(gamma: torch.Tensor, *, reduction: Reduction = "sum") -> torch.Tensor:
    r"""AE-CM term :math:`L_2`: sparsity of the assignments without the centroid norms.

    .. math:: L_2 = \sum_i \sum_j \gamma_{ij} (1 - \gamma_{ij})

    This is :math:`E_2` with :math:`\|u_j\| = 1`, the value it takes under the orthonormality
    constraint that AE-CM enforces with :func:`orthonormality_penalty`.

    Parameters
    ----------
    gamma : Tensor of shape (n, k)
    reduction : {"sum", "mean"}, default="sum"

    Returns
    -------
    loss : Tensor of shape ()
    """
    return _reduce((gamma * (1.0 - gamma)).sum(), gamma.shape[0], reduction)


def orthonormality_penalty(centroids: torch.Tensor) -> torch.Tensor:
    r"""AE-CM penalty: entrywise :math:`\ell_1` distance of the centroid Gram matrix to identity.

    .. math:: P(U) = \sum_{j,l} \big|(U U^\top - I_k)_{jl}\big|

    The paper writes :math:`\|\mu^\top \mu - I_K\|_1`; with :math:`\mu \in \mathbb{R}^{K \times p}`
    only the :math:`K \times K` Gram :math:`U U^\top` has the shape of :math:`I_K`, and it is what
    the authors' code uses. It is zero exactly when the centroids are orthonormal, which needs
    :math:`k \le d`; with :math:`k > d` the minimum is positive. The weight :math:`\lambda` is
    applied by the caller. The term does not depend on the batch, hence no ``reduction``.

    Parameters
    ----------
    centroids : Tensor of shape (k, d)
        Decoder bias included.

    Returns
    -------
    penalty : Tensor of shape ()
    """
    n_clusters = centroids.shape[0]
    identity = torch.eye(n_clusters, dtype=centroids.dtype, device=centroids.device)
    return (centroids @ centroids.T - identity).abs().sum()


def cm_selection_score(
    gamma: torch.Tensor,
    centroids: torch.Tensor,
    *,
    reduction: Reduction = "sum",
) -> torch.Tensor:
    r"""Model-selection criterion :math:`L_{sp} = E_2 + E_3` (lower is better).

    .. math::
        L_{sp} = \sum_j \Big(\sum_i \gamma_{ij}(1 - \gamma_{ij})\Big) \|u_j\|^2
            - \sum_{j \neq l} \Big(\sum_i \gamma_{ij} \gamma_{il}\Big) u_j^\top u_l
        = \sum_i \Big(\sum_j \gamma_{ij} \|u_j\|^2 - \|\bar x_i\|^2\Big)

    The second form (from the identity in the module docstring) shows it is the total variance
    of the centroid under the soft assignments: zero for hard assignments. The paper picks, among
    restarts, the run with the lowest :math:`L_{sp}` computed on the whole data set. For AE-CM
    the same formula is applied in the embedding space (there :math:`E_3` is not part of the
    training loss but is still counted here).

    Parameters
    ----------
    gamma : Tensor of shape (n, k)
    centroids : Tensor of shape (k, d)
        Decoder bias included.
    reduction : {"sum", "mean"}, default="sum"

    Returns
    -------
    score : Tensor of shape ()
    """
    return cm_sparsity(gamma, centroids, reduction=reduction) + cm_cross(
        gamma, centroids, reduction=reduction
    )


__all__ = [
    "LOG_EPS",
    "aecm_sparsity",
    "cm_cross",
    "cm_dirichlet_prior",
    "cm_reconstruction",
    "cm_selection_score",
    "cm_sparsity",
    "orthonormality_penalty",
]
