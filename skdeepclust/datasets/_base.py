"""Shared helpers for the dataset loaders and generators."""

from __future__ import annotations

import gzip
import os
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["get_data_home"]

DATA_HOME_ENV = "SKDEEPCLUST_DATA"

# IDX data type byte -> numpy dtype; IDX stores multi-byte values big-endian.
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def get_data_home(data_home: str | os.PathLike[str] | None = None) -> Path:
    """Return the root folder where skdeepclust keeps downloaded datasets.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Explicit folder. When ``None``, the environment variable
        ``SKDEEPCLUST_DATA`` is used if set, else ``~/skdeepclust_data``.

    Returns
    -------
    path : pathlib.Path
        The folder (``~`` expanded). It is not created.
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or Path("~") / "skdeepclust_data"
    return Path(data_home).expanduser()


def _read_idx(path: str | os.PathLike[str], expected_magic: int | None = None) -> NDArray:
    """Read an IDX file (the MNIST container format), gzipped or raw.

    Parameters
    ----------
    path : str or path-like
        File to read. Gzip compression is detected from the content, not the name.
    expected_magic : int, default=None
        Required magic number (e.g. 2051 for images, 2049 for labels).

    Returns
    -------
    array : ndarray of shape given by the file header
        Data in native byte order.

    Raises
    ------
    ValueError
        If the header is malformed, the magic number is unexpected, or the
        payload size does not match the header. The message names the file.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        raw = fh.read()
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ValueError(f"{path} is not a valid gzip file: {exc}") from exc

    if len(raw) < 4:
        raise ValueError(f"{path} is too short to be an IDX file ({len(raw)} bytes).")
    magic = int.from_bytes(raw[:4], "big")
    if expected_magic is not None and magic != expected_magic:
        raise ValueError(
            f"{path} has IDX magic number {magic}, expected {expected_magic}; "
            "the file is corrupted or not the expected kind of file."
        )
    if raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} has an invalid IDX header (magic number {magic}).")
    dtype = _IDX_DTYPES[raw[2]]
    ndim = raw[3]
    header_len = 4 + 4 * ndim
    if len(raw) < header_len:
        raise ValueError(f"{path} is truncated inside its IDX header.")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected_bytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header_len != expected_bytes:
        raise ValueError(
            f"{path} holds {len(raw) - header_len} data bytes but its header "
            f"announces shape {shape} ({expected_bytes} bytes); the file is "
            "truncated or corrupted."
        )
    array = np.frombuffer(raw, dtype=dtype, offset=header_len).reshape(shape)
    # frombuffer returns a read-only view of the bytes; callers expect an ordinary array.
    return array.astype(dtype.newbyteorder("="), copy=True)


def _check_int(name: str, value: object, min_value: int) -> int:
    """Validate an integer argument.

    Parameters
    ----------
    name : str
        Argument name used in error messages.
    value : object
        Value to check.
    min_value : int
        Smallest allowed value.

    Returns
    -------
    value : int
        The validated value as a Python int.
    """
    # bool is an Integral, but passing True as a sample count is almost surely a bug.
    if not isinstance(value, Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}.")
    if value < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {value}.")
    return int(value)


def _check_nonneg_float(name: str, value: object) -> float:
    """Validate a finite non-negative real argument.

    Parameters
    ----------
    name : str
        Argument name used in error messages.
    value : object
        Value to check.

    Returns
    -------
    value : float
        The validated value.
    """
    if not isinstance(value, Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}.")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}.")
    return float(value)


def _images_bunch_arrays(
    pixels: NDArray, image_shape: tuple[int, int, int]
) -> tuple[NDArray, NDArray]:
    """Turn raw 0-255 pixels into flat and image-shaped float32 arrays in [0, 1].

    Parameters
    ----------
    pixels : ndarray of shape (n_samples, ...)
        Pixel intensities in ``[0, 255]``.
    image_shape : tuple of int
        ``(channels, height, width)`` of one image.

    Returns
    -------
    data : ndarray of shape (n_samples, channels * height * width)
        Float32 pixels scaled to ``[0, 1]``.
    images : ndarray of shape (n_samples, channels, height, width)
        A view on ``data``.
    """
    n = pixels.shape[0]
    data = np.asarray(pixels, dtype=np.float32).reshape(n, -1)
    if not np.may_share_memory(data, pixels):
        np.divide(data, 255.0, out=data)
    else:
        data = data / np.float32(255.0)
    images = data.reshape((n, *image_shape))
    return data, images
