"""Input checks shared by the estimators; each error names the problem."""

from __future__ import annotations

import math
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


# ------------------------------------------------------------------------------- sequences
#
# Variable-length sequences travel through the package as one NaN-padded float32 array of
# shape (n_samples, T, channels): time steps after a sequence's last observed step are all-NaN
# (tslearn's convention). One array keeps scikit-learn's indexing, batching and restarts
# unchanged; the recurrent encoder reads the lengths back from the padding.


def item_shapes(X) -> list[tuple[int, ...]] | None:
    """Shapes of the items of a list or tuple ``X``; None when ``X`` is neither.

    Parameters
    ----------
    X : object
        Input as the user passed it.

    Returns
    -------
    shapes : list of tuple of int or None
        ``np.shape`` of each item, in order.
    """
    if not isinstance(X, (list, tuple)):
        return None
    shapes = []
    for i, item in enumerate(X):
        try:
            shapes.append(tuple(int(s) for s in np.shape(item)))
        except ValueError as exc:  # a ragged nested list: numpy cannot give it a shape
            raise ValueError(f"Item {i} of X is not a rectangular array: {exc}") from exc
    return shapes


def is_table(shapes: list[tuple[int, ...]]) -> bool:
    """Whether items of these shapes form a plain table (rows of one length, or scalars).

    Such lists go to scikit-learn's own validation unchanged, as before sequences existed.
    """
    return len(set(shapes)) <= 1 and all(len(shape) <= 1 for shape in shapes)


def pad_sequences(X, shapes: list[tuple[int, ...]]) -> np.ndarray:
    """Stack a list of 2-D sequences of different lengths into one NaN-padded array.

    Parameters
    ----------
    X : list of array-like of shape (length_i, channels)
        The sequences. Trailing all-NaN rows inside an item count as padding too.
    shapes : list of tuple of int
        ``item_shapes(X)``.

    Returns
    -------
    X_padded : ndarray of shape (n_samples, max_i length_i, channels), dtype float32
        Row ``i`` holds sequence ``i`` followed by NaN.
    """
    for i, shape in enumerate(shapes):
        if math.prod(shape) == 0:
            raise ValueError(
                f"Sequence {i} is empty (shape {shape}); every sequence needs at least one time "
                "step with values."
            )
        if len(shape) != 2:
            hint = " Reshape a univariate series with x.reshape(-1, 1)." if len(shape) == 1 else ""
            raise ValueError(
                "Sequences in a list must be 2-D arrays of shape (length, channels); item "
                f"{i} has shape {shape}.{hint}"
            )
    channels = [shape[1] for shape in shapes]
    if len(set(channels)) > 1:
        other = next(i for i, c in enumerate(channels) if c != channels[0])
        raise ValueError(
            "All sequences must have the same number of channels; sequence 0 has "
            f"{channels[0]} and sequence {other} has {channels[other]}."
        )
    padded = np.full((len(shapes), max(shape[0] for shape in shapes), channels[0]), np.nan,
                     dtype=np.float32)
    for row, (item, shape) in zip(padded, zip(X, shapes, strict=True), strict=True):
        row[: shape[0]] = np.asarray(item, dtype=np.float32)
    return padded


def sequence_lengths(X: np.ndarray) -> np.ndarray:
    """Length of each NaN-padded sequence, after checking that NaN is only padding.

    A time step whose values are all NaN and that comes after the last observed step is
    padding; any other NaN (a missing step or a missing value inside a sequence) is an error,
    and so is a sequence without any observed step.

    Parameters
    ----------
    X : ndarray of shape (n_samples, T, channels)

    Returns
    -------
    lengths : ndarray of shape (n_samples,), dtype int64
        Index of the last observed step of each sequence, plus one.
    """
    n_steps = X.shape[1]
    missing = np.isnan(X)
    observed = ~missing.all(axis=2)  # (n, T)
    # Position of the last observed step, counted from the end, gives the length.
    lengths = np.where(observed.any(axis=1), n_steps - np.argmax(observed[:, ::-1], axis=1), 0)
    lengths = lengths.astype(np.int64)
    empty = np.flatnonzero(lengths == 0)
    if empty.size:
        raise ValueError(
            f"Sequence {empty[0]} is empty: all its time steps are NaN. Every sequence needs at "
            "least one time step with values."
        )
    inside = missing.any(axis=2) & (np.arange(n_steps) < lengths[:, None])
    if inside.any():
        i, t = np.argwhere(inside)[0]
        raise ValueError(
            f"NaN inside sequence {i} at time step {t} (its last observed step is "
            f"{lengths[i] - 1}): NaN may only pad whole time steps after the end of a sequence. "
            "Fill or drop missing values inside sequences."
        )
    return lengths


def fit_steps(X: np.ndarray, n_steps: int) -> np.ndarray:
    """Crop or NaN-pad the time axis of a padded array to ``n_steps`` steps.

    Parameters
    ----------
    X : ndarray of shape (n_samples, T, channels)
        Its sequences are at most ``n_steps`` long (only padding is cropped).
    n_steps : int

    Returns
    -------
    X : ndarray of shape (n_samples, n_steps, channels)
    """
    if X.shape[1] >= n_steps:
        return X[:, :n_steps]
    padding = np.full((X.shape[0], n_steps - X.shape[1], X.shape[2]), np.nan, dtype=X.dtype)
    return np.concatenate([X, padding], axis=1)
