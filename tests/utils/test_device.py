"""Device resolution."""

import pytest
import torch

from skdeepclust.utils._device import resolve_device


def test_auto_and_cpu():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto") == expected
    assert resolve_device(None) == expected
    assert resolve_device("cpu") == "cpu"
    assert resolve_device(torch.device("cpu")) == "cpu"


@pytest.mark.parametrize("bad", ["gpu", "tpu", "cuda:x"])
def test_unknown_device_names(bad):
    with pytest.raises(ValueError, match="device"):
        resolve_device(bad)


def test_wrong_type():
    with pytest.raises(TypeError, match="device"):
        resolve_device(3)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error raised without CUDA")
def test_cuda_requested_without_cuda():
    with pytest.raises(ValueError, match="CUDA is not available"):
        resolve_device("cuda")
