r"""Loss terms of ACe/DeC + DCN (Miklautz et al., 2021).

ACe/DeC rotates the embedding of a DCN autoencoder, :math:`y = V^\top z` (row form
``y = z @ V``), and splits its dimensions softly into a cluster space and a shared space with
weights :math:`\beta_{cs} = \operatorname{sigmoid}(b)`, :math:`\beta_{ss} = 1 - \beta_{cs}`;
the loss (paper Eq. 5, per sample) is

.. math::
    \ell(x) = \|y - m_{c(x)}\|^2_{\beta_{cs}} + \|y - m_{ss}\|^2_{\beta_{ss}}
              + \|x - g(V y)\|^2, \qquad
    \|h - g\|^2_\beta = \sum_i \beta_i^2 (h_i - g_i)^2,

with centroids :math:`m_k = V^\top \mu_k` and :math:`m_{ss}` stored directly in the rotated space
and :math:`c(x) = \operatorname{argmin}_k \|y - m_k\|^2_{\beta_{cs}}`. Every term is a mean over
the samples of a batch; centroids and assignments are constants for the gradient, updated by
DCN's :func:`~skdeepclust.losses.dcn.running_mean_update`.
"""

from __future__ import annotations

import torch


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


__all__ = ["acedec_cluster_loss", "acedec_shared_loss", "optimal_beta_logits"]
