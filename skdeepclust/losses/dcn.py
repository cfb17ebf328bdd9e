r"""Loss terms and centroid updates of DCN (Yang et al., 2017) and ACe/DeC + DCN (Miklautz et al.,
2021).

DCN trains an autoencoder :math:`z = f(x)`, :math:`\hat x = g(z)` with hard k-means assignments
:math:`s(x)` and centroids :math:`M = (\mu_1, \dots, \mu_K)` (paper form, per sample)

.. math:: \ell(x) = \|x - g(f(x))\|^2 + \frac{\lambda}{2} \|f(x) - \mu_{s(x)}\|^2 .

ACe/DeC rotates the embedding, :math:`y = V^\top z` (row form ``y = z @ V``), and splits its
dimensions softly into a cluster space and a shared space with weights
:math:`\beta_{cs} = \operatorname{sigmoid}(b)`, :math:`\beta_{ss} = 1 - \beta_{cs}`; the loss
(paper Eq. 5, per sample) is

.. math::
    \ell(x) = \|y - m_{c(x)}\|^2_{\beta_{cs}} + \|y - m_{ss}\|^2_{\beta_{ss}}
              + \|x - g(V y)\|^2, \qquad
    \|h - g\|^2_\beta = \sum_i \beta_i^2 (h_i - g_i)^2,

with centroids :math:`m_k = V^\top \mu_k` and :math:`m_{ss}` stored directly in the rotated space
and :math:`c(x) = \operatorname{argmin}_k \|y - m_k\|^2_{\beta_{cs}}`. Every term here is a mean
over the samples of a batch (the papers sum over the data set; the factor is the batch size).
Centroids and assignments are constants for the gradient; they are updated outside the loss by
:func:`running_mean_update`.
"""

from __future__ import annotations

import torch


def weighted_sq_distances(
    y: torch.Tensor, centers: torch.Tensor, weights: torch.Tensor | None = None
) -> torch.Tensor:
    r"""Squared distances with squared per-dimension weights, :math:`\|y_i - c_k\|^2_\beta`.

    .. math:: D_{ik} = \sum_d \beta_d^2 (y_{id} - c_{kd})^2

    Parameters
    ----------
    y : Tensor of shape (n, d)
    centers : Tensor of shape (k, d)
    weights : Tensor of shape (d,) or None
        :math:`\beta`; None means all ones (plain squared Euclidean distances).

    Returns
    -------
    distances : Tensor of shape (n, k)
    """
    diff = y[:, None, :] - centers[None, :, :]
    if weights is not None:
        diff = diff * weights
    return (diff**2).sum(dim=2)


def dcn_clustering_loss(z: torch.Tensor, assigned_centers: torch.Tensor) -> torch.Tensor:
    r"""DCN's k-means term, :math:`\frac{1}{n} \sum_i \|z_i - \mu_{s(i)}\|^2` (without
    :math:`\lambda / 2`).

    Parameters
    ----------
    z : Tensor of shape (n, p)
        Embeddings.
    assigned_centers : Tensor of shape (n, p)
        Centroid of each sample's cluster, :math:`\mu_{s(i)}` (treated as a constant).

    Returns
    -------
    loss : Tensor of shape ()
    """
    return ((z - assigned_centers.detach()) ** 2).sum(dim=1).mean()


def acedec_cluster_loss(
    y: torch.Tensor, assigned_centers: torch.Tensor, beta_cs: torch.Tensor
) -> torch.Tensor:
    r"""ACe/DeC cluster-space term, :math:`\frac{1}{n}\sum_i \|y_i - m_{c(i)}\|^2_{\beta_{cs}}`.

    Parameters
    ----------
    y : Tensor of shape (n, d)
        Rotated embeddings :math:`V^\top z`.
    assigned_centers : Tensor of shape (n, d)
        Centroid of each sample's cluster (a constant for the gradient).
    beta_cs : Tensor of shape (d,)
        Cluster-space weights in (0, 1).

    Returns
    -------
    loss : Tensor of shape ()
    """
    return (((y - assigned_centers.detach()) * beta_cs) ** 2).sum(dim=1).mean()


def acedec_shared_loss(
    y: torch.Tensor, shared_center: torch.Tensor, beta_ss: torch.Tensor
) -> torch.Tensor:
    r"""ACe/DeC shared-space term, :math:`\frac{1}{n}\sum_i \|y_i - m_{ss}\|^2_{\beta_{ss}}`.

    Parameters
    ----------
    y : Tensor of shape (n, d)
    shared_center : Tensor of shape (d,)
        The single shared-space centroid (a constant for the gradient).
    beta_ss : Tensor of shape (d,)
        Shared-space weights :math:`1 - \beta_{cs}`.

    Returns
    -------
    loss : Tensor of shape ()
    """
    return (((y - shared_center.detach()) * beta_ss) ** 2).sum(dim=1).mean()


def optimal_beta_logits(
    y: torch.Tensor, labels: torch.Tensor, centers: torch.Tensor, shared_center: torch.Tensor,
    eps: float = 1e-12,
) -> torch.Tensor:
    r"""Logits :math:`b` that minimise the two space terms for fixed points and centroids.

    Per dimension the two terms are :math:`\beta^2 A_d + (1 - \beta)^2 S_d`, with
    :math:`A_d = \sum_i (y_{id} - m_{c(i)d})^2` (k-means cost of dimension :math:`d`) and
    :math:`S_d = \sum_i (y_{id} - m_{ss,d})^2` (single-centroid cost). The minimiser is
    :math:`\beta_d = S_d / (A_d + S_d)`, i.e. :math:`b_d = \log(S_d / A_d)`: a dimension where
    the clusters explain the data better than one centroid gets :math:`\beta_{cs} > 1/2`.

    Parameters
    ----------
    y : Tensor of shape (n, d)
    labels : Tensor of shape (n,), int64
    centers : Tensor of shape (k, d)
    shared_center : Tensor of shape (d,)
    eps : float, default=1e-12
        Added to both costs (a constant dimension gets :math:`b_d = 0`).

    Returns
    -------
    logits : Tensor of shape (d,)
    """
    cost_cs = ((y - centers[labels]) ** 2).sum(dim=0) + eps
    cost_ss = ((y - shared_center) ** 2).sum(dim=0) + eps
    return torch.log(cost_ss) - torch.log(cost_cs)


@torch.no_grad()
def running_mean_update(
    centers: torch.Tensor, counts: torch.Tensor, z: torch.Tensor, labels: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Per-centroid running means: the DCN / mini-batch k-means (Sculley, 2010) update.

    Processing the samples of a cluster one by one with :math:`c_k \leftarrow c_k + 1`,
    :math:`\mu_k \leftarrow (1 - 1/c_k)\mu_k + z_i / c_k` (the original DCN code) gives, for the
    :math:`n_k` samples of the batch in cluster :math:`k`, the closed form

    .. math::
        \mu_k \leftarrow \frac{c_k \mu_k + \sum_{i: s(i)=k} z_i}{c_k + n_k}, \qquad
        c_k \leftarrow c_k + n_k,

    computed here at once. A centroid without samples in the batch (:math:`n_k = 0`) is left
    exactly as it is (no shrinking towards the origin).

    Parameters
    ----------
    centers : Tensor of shape (k, p)
    counts : Tensor of shape (k,)
        Number of points each centroid has averaged so far (float).
    z : Tensor of shape (n, p)
    labels : Tensor of shape (n,), int64 in ``[0, k)``

    Returns
    -------
    centers : Tensor of shape (k, p)
    counts : Tensor of shape (k,)
        New tensors; the inputs are not modified.
    """
    k = centers.shape[0]
    z = z.to(centers.dtype)
    n_k = torch.bincount(labels, minlength=k).to(counts.dtype)
    sums = torch.zeros_like(centers).index_add_(0, labels, z)
    new_counts = counts + n_k
    # Clusters with no points and no history keep their centroid (0 / 0 avoided).
    denom = torch.where(new_counts > 0, new_counts, torch.ones_like(new_counts))
    new_centers = (counts[:, None] * centers + sums) / denom[:, None]
    new_centers = torch.where((n_k > 0)[:, None], new_centers, centers)
    return new_centers, new_counts


__all__ = [
    "acedec_cluster_loss",
    "acedec_shared_loss",
    "dcn_clustering_loss",
    "optimal_beta_logits",
    "running_mean_update",
    "weighted_sq_distances",
]
