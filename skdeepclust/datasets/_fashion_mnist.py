"""Loader for the Fashion-MNIST dataset (Zalando, 70000 grayscale 28x28 images)."""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ._base import _images_bunch_arrays, _read_idx, get_data_home

__all__ = ["load_fashion_mnist"]

FASHION_MNIST_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
DOWNLOAD_TIMEOUT = 60.0

_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
_IMAGES_MAGIC = 2051
_LABELS_MAGIC = 2049

TARGET_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

DESCR = """\
Fashion-MNIST
-------------

Zalando's article images: 60000 training and 10000 test grayscale images of
28x28 pixels, one of 10 balanced clothing classes each (T-shirt/top, Trouser,
Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot). Designed as a
drop-in replacement for MNIST.

=================   ==============================
Samples total       70000 (train 60000, test 10000)
Dimensionality      784 (1 x 28 x 28)
Features            float32 pixel intensities in [0, 1]
Classes             10
=================   ==============================

Reference: H. Xiao, K. Rasul, R. Vollgraf. "Fashion-MNIST: a Novel Image Dataset
for Benchmarking Machine Learning Algorithms", arXiv:1708.07747, 2017.
"""


def _download_file(url: str, destination: Path, timeout: float = DOWNLOAD_TIMEOUT) -> None:
    """Download ``url`` to ``destination``.

    Module-level so that tests can replace it and never touch the network.

    Parameters
    ----------
    url : str
        Source address.
    destination : pathlib.Path
        Target file; its folder must exist.
    timeout : float, default=DOWNLOAD_TIMEOUT
        Socket timeout in seconds.

    Raises
    ------
    OSError
        On any network or file system failure (``urllib.error.URLError`` and
        socket timeouts are ``OSError`` subclasses).
    """
    # Write next to the target and rename, so an interrupted download never leaves
    # a truncated file that a later call would mistake for the real one.
    fd, tmp_name = tempfile.mkstemp(dir=destination.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            shutil.copyfileobj(resp, out)
        os.replace(tmp_name, destination)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _find_file(folder: Path, name: str) -> Path | None:
    """Return ``folder/name`` or its uncompressed twin, whichever exists."""
    for candidate in (folder / name, folder / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def _locate(folders: list[Path], names: list[str]) -> dict[str, Path] | None:
    """Return the first folder that holds all ``names``, as a name -> path mapping."""
    for folder in folders:
        found = {name: _find_file(folder, name) for name in names}
        if all(path is not None for path in found.values()):
            return found  # type: ignore[return-value]
    return None


def _missing_files_message(folder: Path, names: list[str], reason: str) -> str:
    """Build the error message that tells the user how to obtain the files."""
    return (
        f"Fashion-MNIST files not found and could not be downloaded ({reason}). "
        "To provide them, either install the Debian package with "
        f"'sudo apt-get install dataset-fashion-mnist' (files go to {DEBIAN_DIR}/), "
        f"or put the files {', '.join(names)} (gzipped or not) into {folder} or pass "
        "the folder holding them as data_home=..."
    )


def _fetch_files(
    data_home: Path,
    names: list[str],
    download_if_missing: bool,
    downloader: Callable[[str, Path], None] | None = None,
) -> dict[str, Path]:
    """Find the requested files locally, downloading them if allowed."""
    # Resolved at call time so that monkeypatching the module attribute takes effect.
    download = _download_file if downloader is None else downloader
    found = _locate([data_home, DEBIAN_DIR], names)
    if found is not None:
        return found
    if not download_if_missing:
        raise OSError(_missing_files_message(data_home, names, "download_if_missing=False"))

    try:
        data_home.mkdir(parents=True, exist_ok=True)
        for name in names:
            if _find_file(data_home, name) is None:
                download(FASHION_MNIST_URL + name, data_home / name)
    except OSError as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise OSError(_missing_files_message(data_home, names, reason)) from exc
    found = _locate([data_home], names)
    if found is None:
        raise OSError(
            _missing_files_message(data_home, names, "the downloader did not create the files")
        )
    return found


def _load_split(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one split and check that images and labels agree.

    Parameters
    ----------
    images_path, labels_path : pathlib.Path
        IDX files with the images (magic 2051) and the labels (magic 2049).

    Returns
    -------
    images : ndarray of shape (n_samples, rows, cols), uint8
        Raw pixels.
    labels : ndarray of shape (n_samples,), uint8
        Class indices.
    """
    images = _read_idx(images_path, _IMAGES_MAGIC)
    labels = _read_idx(labels_path, _LABELS_MAGIC)
    if images.ndim != 3:
        raise ValueError(
            f"{images_path} should hold a 3-d array (n, rows, cols), got shape {images.shape}."
        )
    if labels.ndim != 1:
        raise ValueError(f"{labels_path} should hold a 1-d array, got shape {labels.shape}.")
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"{images_path} holds {images.shape[0]} images but {labels_path} holds "
            f"{labels.shape[0]} labels."
        )
    if labels.size and labels.max() >= len(TARGET_NAMES):
        raise ValueError(
            f"{labels_path} contains label {labels.max()}; Fashion-MNIST labels are 0-9."
        )
    return images, labels


def load_fashion_mnist(
    data_home: str | os.PathLike[str] | None = None,
    *,
    subset: str = "all",
    return_X_y: bool = False,
    download_if_missing: bool = True,
    downloader: Callable[[str, Path], None] | None = None,
) -> Bunch | tuple[np.ndarray, np.ndarray]:
    """Load the Fashion-MNIST dataset.

    =================   ==============================
    Classes             10
    Samples total       70000 (train 60000, test 10000)
    Dimensionality      784 (1 x 28 x 28)
    Features            float32 in [0, 1]
    =================   ==============================

    The four IDX files are searched in this order:

    1. ``data_home`` if given, otherwise ``$SKDEEPCLUST_DATA/fashion_mnist`` or,
       when that variable is unset, ``~/skdeepclust_data/fashion_mnist``;
    2. ``/usr/share/datasets/fashion-mnist/`` (Debian package
       ``dataset-fashion-mnist``).

    If neither holds them and ``download_if_missing`` is true, they are downloaded
    into the folder of step 1.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder that directly contains the files ``train-images-idx3-ubyte.gz``,
        ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz`` and
        ``t10k-labels-idx1-ubyte.gz`` (uncompressed copies without ``.gz`` are
        accepted too), and where downloads are stored.
    subset : {"train", "test", "all"}, default="all"
        Which split to load. ``"all"`` is the training split followed by the test split.
        Only the files of the requested split are needed.
    return_X_y : bool, default=False
        If true, return ``(data, target)`` instead of a Bunch.
    download_if_missing : bool, default=True
        Whether to download missing files.
    downloader : callable, default=None
        ``downloader(url, destination_path)`` used instead of the built-in
        ``urllib`` download, e.g. to go through a proxy or to test offline.

    Returns
    -------
    data : sklearn.utils.Bunch
        Returned unless ``return_X_y``. Attributes:

        data : ndarray of shape (n_samples, 784), float32
            Flattened images, scaled to ``[0, 1]``.
        images : ndarray of shape (n_samples, 1, 28, 28), float32
            A reshaped view of ``data``, ready for convolutional networks.
        target : ndarray of shape (n_samples,), int64
            Class index in ``0..9``.
        target_names : ndarray of shape (10,)
            Class names.
        DESCR : str
            Description of the dataset.
    (data, target) : tuple of ndarray
        Returned if ``return_X_y``; shapes as above.

    Raises
    ------
    ValueError
        If ``subset`` is invalid or a file is corrupted (the message names the file).
    OSError
        If the files are missing and cannot be downloaded; the message explains
        how to install them.

    Examples
    --------
    >>> from skdeepclust.datasets import load_fashion_mnist
    >>> X, y = load_fashion_mnist(subset="test", return_X_y=True)  # doctest: +SKIP
    >>> X.shape, y.shape  # doctest: +SKIP
    ((10000, 784), (10000,))
    """
    if subset not in ("train", "test", "all"):
        raise ValueError(f"subset must be one of 'train', 'test', 'all'; got {subset!r}.")
    if data_home is None:
        folder = get_data_home() / "fashion_mnist"
    else:
        folder = Path(data_home).expanduser()

    splits = ["train", "test"] if subset == "all" else [subset]
    names = [name for split in splits for name in _FILES[split]]

    paths = _fetch_files(folder, names, download_if_missing, downloader)

    images, labels = [], []
    for split in splits:
        images_name, labels_name = _FILES[split]
        split_images, split_labels = _load_split(paths[images_name], paths[labels_name])
        images.append(split_images)
        labels.append(split_labels)
    shapes = {img.shape[1:] for img in images}
    if len(shapes) != 1:
        raise ValueError(f"Train and test images have different sizes: {sorted(shapes)}.")
    pixels = images[0] if len(images) == 1 else np.concatenate(images)
    target = np.concatenate(labels).astype(np.int64)
    data, images_4d = _images_bunch_arrays(pixels, (1, *pixels.shape[1:]))

    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        images=images_4d,
        target=target,
        target_names=np.asarray(TARGET_NAMES),
        DESCR=DESCR,
    )
