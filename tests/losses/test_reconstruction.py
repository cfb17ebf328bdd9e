"""Reconstruction loss reductions."""

import pytest
import torch

from skdeepclust.losses.reconstruction import reconstruction_loss


def test_reductions():
    x = torch.arange(12.0).reshape(3, 4)
    x_hat = torch.zeros(3, 4)
    assert float(reconstruction_loss(x, x_hat, "mean")) == pytest.approx(float((x**2).mean()))
    assert float(reconstruction_loss(x, x_hat, "sum")) == pytest.approx(
        float((x**2).sum(1).mean())
    )


def test_accepts_image_shaped_reconstruction():
    x = torch.rand(2, 16)
    assert float(reconstruction_loss(x, x.reshape(2, 1, 4, 4))) == 0.0


def test_unknown_reduction():
    with pytest.raises(ValueError, match="reduction must be"):
        reconstruction_loss(torch.zeros(1, 2), torch.zeros(1, 2), "median")
