r"""Distance and kernel functions on mini-batches.

Pure tensor functions: tensors in, tensor out, no state. Shapes use ``n`` for the batch size.
"""

from __future__ import annotations

import torch

#: Lower bound of the kernel width sigma^2, so a collapsed batch (median distance 0) gives an
#: identity-like kernel instead of ``exp(-0/0) = NaN``.
MIN_SIGMA2 = 1e-9


def pairwise_sq_dists(x: torch.Tensor) -> torch.Tensor:
    r"""Squared Euclidean distances between all rows of ``x``.

    .. math:: D_{ab} = \max(\|x_a\|^2 + \|x_b\|^2 - 2 x_a^\top x_b,\ 0)

    The expansion is one matrix product (fast on any device); it can give tiny negative values
    from rounding, which are clamped at zero.

    Parameters
    ----------
    x : Tensor of shape (n, d)
        Rows to compare; higher-rank inputs are flattened per sample.

    Returns
    -------
    D : Tensor of shape (n, n)
    """
    x = x.flatten(1)
    sq_norms = (x * x).sum(dim=1)
    dists = sq_norms[:, None] + sq_norms[None, :] - 2.0 * (x @ x.T)
    return dists.clamp_min(0.0)


def median(values: torch.Tensor) -> torch.Tensor:
    """Median of all entries, the mean of the two middle values when their number is even.

    This "midpoint" median matches the TensorFlow percentile used for the published DDC/UCO
    numbers; ``torch.median`` instead returns the lower middle value.

    Parameters
    ----------
    values : Tensor of any shape

    Returns
    -------
    median : Tensor of shape ()
    """
    flat = values.flatten()
    n = flat.numel()
    lower = torch.kthvalue(flat, (n + 1) // 2).values
    if n % 2 == 1:
        return lower
    upper = torch.kthvalue(flat, n // 2 + 1).values
    return 0.5 * (lower + upper)


def kernel_width(dists: torch.Tensor, rel_sigma: float) -> torch.Tensor:
    r"""The median rule for the Gaussian kernel width.

    .. math:: \sigma^2 = \max(\text{rel\_sigma} \cdot \operatorname{median}(D),\ 10^{-9})

    The median runs over all :math:`n^2` entries of the squared-distance matrix, including the
    zero diagonal and both copies of each pair, as in the authors' code. Note that ``rel_sigma``
    multiplies the median *squared* distance: with ``rel_sigma=0.15``,
    :math:`\sigma \approx 0.39\cdot` median distance, not the "15 % of the median distance" of
    the DDC paper's wording. The width is detached: it is a data-dependent constant of each
    batch, not something the network may shrink or grow to lower the loss.

    Parameters
    ----------
    dists : Tensor of shape (n, n)
        Squared distances.
    rel_sigma : float
        Multiplier of the median.

    Returns
    -------
    sigma2 : Tensor of shape ()
    """
    return (rel_sigma * median(dists.detach())).clamp_min(MIN_SIGMA2)


def gaussian_kernel(dists: torch.Tensor, sigma2: torch.Tensor | float) -> torch.Tensor:
    r"""Gaussian kernel from squared distances.

    .. math:: K_{ab} = \exp\!\left(-\frac{D_{ab}}{2\sigma^2}\right)

    Parameters
    ----------
    dists : Tensor of shape (n, n)
        Squared distances.
    sigma2 : Tensor of shape () or float
        Kernel width :math:`\sigma^2`.

    Returns
    -------
    K : Tensor of shape (n, n)
    """
    return torch.exp(-dists / (2.0 * sigma2))


def median_gaussian_kernel(x: torch.Tensor, rel_sigma: float) -> torch.Tensor:
    """Gaussian kernel on the rows of ``x`` with the median width rule.

    Composition of :func:`pairwise_sq_dists`, :func:`kernel_width` and :func:`gaussian_kernel`.

    Parameters
    ----------
    x : Tensor of shape (n, d) or (n, *dims)
    rel_sigma : float

    Returns
    -------
    K : Tensor of shape (n, n)
    """
    dists = pairwise_sq_dists(x)
    return gaussian_kernel(dists, kernel_width(dists, rel_sigma))
