"""Reconstruction losses for the autoencoder-based methods."""

from __future__ import annotations

import torch


def reconstruction_loss(
    x: torch.Tensor, reconstruction: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    r"""Squared reconstruction error.

    - ``"mean"``: :math:`\frac{1}{nd}\sum_{i,f} (x_{if} - \hat x_{if})^2` (Keras/PyTorch MSE;
      DEC, IDEC, DCEC, DDC-AE).
    - ``"sum"``: :math:`\frac{1}{n}\sum_i \|x_i - \hat x_i\|^2`, per-sample sum over features,
      averaged over the batch (DCN, ACe/DeC).

    Parameters
    ----------
    x : Tensor of shape (n, ...)
    reconstruction : Tensor with as many elements per sample as ``x``
    reduction : {"mean", "sum"}, default="mean"

    Returns
    -------
    loss : Tensor of shape ()
    """
    diff = (x.flatten(1) - reconstruction.flatten(1)) ** 2
    if reduction == "mean":
        return diff.mean()
    if reduction == "sum":
        return diff.sum(dim=1).mean()
    raise ValueError(f"reduction must be 'mean' or 'sum'; got {reduction!r}.")
