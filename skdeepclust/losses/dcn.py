r"""Loss terms and the centroid update of DCN (Yang et al., 2017).

DCN trains an autoencoder :math:`z = f(x)`, :math:`\hat x = g(z)` with hard k-means assignments
:math:`s(x)` and centroids :math:`M = (\mu_1, \dots, \mu_K)` (paper form, per sample)

.. math:: \ell(x) = \|x - g(f(x))\|^2 + \frac{\lambda}{2} \|f(x) - \mu_{s(x)}\|^2 .

Every term here is a mean over the samples of a batch (the paper sums over the data set; the
factor is the batch size). Centroids and assignments are constants for the gradient; they are
updated outside the loss by :func:`running_mean_update` (also ACe/DeC's,
:mod:`skdeepclust.losses.acedec`, which can use :func:`moving_average_update` instead).
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


@torch.no_grad()
def moving_average_update(
    centers: torch.Tensor, counts: torch.Tensor, z: torch.Tensor, labels: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Per-centroid moving averages whose memory is about one batch.

    The count becomes the mean of the old count and the batch's count, and the centroid
    moves towards the batch mean of its points by :math:`1 / (1 + c_k)`:

    .. math::
        c_k \leftarrow 	frac12 (c_k + n_k), \qquad
        \mu_k \leftarrow \Bigl(1 - rac{1}{1 + c_k}\Bigr)\mu_k
                         + rac{1}{1 + c_k}\, rac{1}{n_k}\sum_{i: s(i)=k} z_i .

    Unlike :func:`running_mean_update`, whose counts grow without bound so that a centroid all
    but stops once it has averaged many points, the rate settles near :math:`1 / (1 + n_k)`:
    the centroids keep following an embedding that moves during training. A centroid without
    samples in the batch keeps its value and count.

    Parameters
    ----------
    centers : Tensor of shape (k, p)
    counts : Tensor of shape (k,)
        The counts of the previous update (float).
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
    means = torch.zeros_like(centers).index_add_(0, labels, z) / n_k.clamp(min=1)[:, None]
    present = n_k > 0
    new_counts = torch.where(present, 0.5 * (counts + n_k), counts)
    rate = (1.0 / (1.0 + new_counts))[:, None]
    new_centers = torch.where(present[:, None], (1 - rate) * centers + rate * means, centers)
    return new_centers, new_counts


#: Centroid updates by name (``ACeDeC(centroid_update=...)``).
CENTROID_UPDATES = {"running_mean": running_mean_update, "moving_average": moving_average_update}

__all__ = [
    "CENTROID_UPDATES",
    "dcn_clustering_loss",
    "moving_average_update",
    "running_mean_update",
    "weighted_sq_distances",
]
