"""Companion objective weights and terms."""

import pytest
import torch

from skdeepclust.losses.ddc import cs_divergence
from skdeepclust.losses.uco import uco_block_weights, uco_terms


def test_block_weights():
    assert uco_block_weights(3, "constant") == [1.0, 1.0, 1.0]
    assert uco_block_weights(4, "linear") == [0.25, 0.5, 0.75, 1.0]
    assert uco_block_weights(2, "exponential") == pytest.approx([0.1, 1.0])
    assert uco_block_weights(3, "exponential") == pytest.approx([0.01, 0.1, 1.0])
    with pytest.raises(ValueError, match="uco_weighting must be one of"):
        uco_block_weights(2, "quadratic")


def test_terms_are_cs_divergences():
    A = torch.softmax(torch.randn(6, 3), dim=1)
    kernels = [torch.eye(6), torch.ones(6, 6)]
    terms = uco_terms(A, kernels)
    assert [float(t) for t in terms] == pytest.approx([float(cs_divergence(A, k)) for k in kernels])
