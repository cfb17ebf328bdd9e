"""Input checks shared by the estimators; each error names the problem."""

from __future__ import annotations

from numbers import Integral

import numpy as np


def split_image_input(X, input_shape: tuple[int, ...] | None):
    """Flatten image/sequence arrays and return the per-sample shape.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
        Input as the user passed it.
    input_shape : tuple of int or None
        The estimator's ``input_shape`` parameter.

    Returns
    -------
    X : array-like
        ``X`` unchanged when it is 2-D (so feature names survive), else a 2-D reshaped array.
    sample_shape : tuple of int or None
        Shape of one sample when ``X`` had more than two dimensions, else None.
    """
    ndim = getattr(X, "ndim", None)
    if ndim is None or ndim <= 2:
        return X, None
    X = np.asarray(X)
    sample_shape = tuple(int(s) for s in X.shape[1:])
    if input_shape is not None and tuple(input_shape) != sample_shape:
        raise ValueError(
            f"X has samples of shape {sample_shape}, but input_shape={tuple(input_shape)}."
        )
    return X.reshape(X.shape[0], -1), sample_shape


def check_input_shape(input_shape, n_features: int) -> tuple[int, ...]:
    """Validate ``input_shape`` against the number of (flattened) features.

    Parameters
    ----------
    input_shape : tuple of int or None
        Shape of one sample, e.g. ``(1, 28, 28)`` for grey images or ``(T, F)`` for sequences.
        None means plain vectors.
    n_features : int
        Number of columns of the flattened input.

    Returns
    -------
    input_shape : tuple of int
    """
    if input_shape is None:
        return (n_features,)
    if isinstance(input_shape, (str, bytes)) or not hasattr(input_shape, "__iter__"):
        raise TypeError(f"input_shape must be a tuple of positive ints; got {input_shape!r}.")
    shape = tuple(input_shape)
    if not shape or not all(isinstance(s, Integral) and s > 0 for s in shape):
        raise ValueError(f"input_shape must be a tuple of positive ints; got {input_shape!r}.")
    if int(np.prod(shape)) != n_features:
        raise ValueError(
            f"input_shape={shape} holds {int(np.prod(shape))} values per sample, but X has "
            f"{n_features} features."
        )
    return tuple(int(s) for s in shape)


def check_int(name: str, value, low: int, allow_none: bool = False) -> None:
    """Raise if ``value`` is not an int >= ``low`` (or None when allowed)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int; got {value!r}.")
    if value < low:
        raise ValueError(f"{name} must be >= {low}; got {value}.")


def check_option(name: str, value, options) -> None:
    """Raise a ValueError naming the allowed options if ``value`` is not one of them."""
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}; got {value!r}.")
