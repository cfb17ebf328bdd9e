"""Tests for load_fashion_mnist (offline: tiny IDX fixtures, mocked downloads)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from skdeepclust.datasets import _fashion_mnist, load_fashion_mnist
from skdeepclust.datasets._base import _read_idx

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"


def _idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """Encode a uint8 array in IDX format (optionally with a forged magic number)."""
    if magic is None:
        magic = 0x0800 + array.ndim
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def _write(path: Path, payload: bytes, compress: bool = True) -> None:
    if compress:
        path.write_bytes(gzip.compress(payload))
    else:
        path.with_suffix("").write_bytes(payload)


def _make_split(rng: np.random.RandomState, n: int, rows: int, cols: int):
    images = rng.randint(0, 256, size=(n, rows, cols)).astype(np.uint8)
    labels = rng.randint(0, 10, size=n).astype(np.uint8)
    return images, labels


def _write_dataset(folder: Path, rows: int = 28, cols: int = 28, compress: bool = True):
    """Write 5 train and 3 test images; return the raw arrays for comparison."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(0)
    train = _make_split(rng, 5, rows, cols)
    test = _make_split(rng, 3, rows, cols)
    for (images, labels), (img_name, lbl_name) in zip(
        (train, test), ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)), strict=True
    ):
        _write(folder / img_name, _idx_bytes(images), compress)
        _write(folder / lbl_name, _idx_bytes(labels), compress)
    return train, test


def _forbidden_download(url: str, destination: Path) -> None:
    raise AssertionError(f"unexpected download of {url}")


@pytest.fixture(autouse=True)
def _isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the system-wide Debian copy and the network from every test."""
    monkeypatch.setattr(_fashion_mnist, "DEBIAN_DIR", tmp_path / "no-debian")
    monkeypatch.setattr(_fashion_mnist, "_download_file", _forbidden_download)
    monkeypatch.setenv("SKDEEPCLUST_DATA", str(tmp_path / "env-home"))


def test_load_all_concatenates_train_then_test(tmp_path: Path) -> None:
    (train_x, train_y), (test_x, test_y) = _write_dataset(tmp_path / "fm")
    bunch = load_fashion_mnist(tmp_path / "fm")

    assert bunch.data.shape == (8, 784)
    assert bunch.data.dtype == np.float32
    assert bunch.images.shape == (8, 1, 28, 28)
    assert bunch.images.dtype == np.float32
    assert np.shares_memory(bunch.images, bunch.data)
    assert bunch.target.dtype == np.int64

    expected = np.concatenate([train_x, test_x]).reshape(8, -1) / 255.0
    np.testing.assert_allclose(bunch.data, expected, rtol=1e-6)
    np.testing.assert_array_equal(bunch.target, np.concatenate([train_y, test_y]))
    assert 0.0 <= bunch.data.min() and bunch.data.max() <= 1.0

    assert list(bunch.target_names) == [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]  # fmt: skip
    assert "Fashion-MNIST" in bunch.DESCR


@pytest.mark.parametrize(("subset", "n"), [("train", 5), ("test", 3), ("all", 8)])
def test_subset_and_return_X_y(tmp_path: Path, subset: str, n: int) -> None:
    (train_x, train_y), (test_x, test_y) = _write_dataset(tmp_path)
    X, y = load_fashion_mnist(tmp_path, subset=subset, return_X_y=True)
    assert X.shape == (n, 784)
    assert y.shape == (n,)
    expected_y = {"train": train_y, "test": test_y, "all": np.r_[train_y, test_y]}[subset]
    np.testing.assert_array_equal(y, expected_y)


def test_subset_only_needs_its_own_files(tmp_path: Path) -> None:
    _write_dataset(tmp_path)
    (tmp_path / TRAIN_IMAGES).unlink()
    X, _ = load_fashion_mnist(tmp_path, subset="test", return_X_y=True)
    assert X.shape == (3, 784)


def test_invalid_subset(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="subset"):
        load_fashion_mnist(tmp_path, subset="validation")


def test_uncompressed_files_and_other_image_sizes(tmp_path: Path) -> None:
    (train_x, _), _ = _write_dataset(tmp_path, rows=4, cols=5, compress=False)
    assert not list(tmp_path.glob("*.gz"))
    bunch = load_fashion_mnist(tmp_path, subset="train")
    assert bunch.data.shape == (5, 20)
    assert bunch.images.shape == (5, 1, 4, 5)
    np.testing.assert_allclose(bunch.images[:, 0], train_x / 255.0, rtol=1e-6)


def test_read_idx_gzip_and_raw_agree(tmp_path: Path) -> None:
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.gz").write_bytes(gzip.compress(_idx_bytes(array)))
    (tmp_path / "a").write_bytes(_idx_bytes(array))
    np.testing.assert_array_equal(_read_idx(tmp_path / "a.gz", 2051), array)
    np.testing.assert_array_equal(_read_idx(tmp_path / "a", 2051), array)


def test_bad_magic_names_the_file(tmp_path: Path) -> None:
    _write_dataset(tmp_path)
    labels = np.zeros(5, dtype=np.uint8)
    # An image-file magic number on a label file.
    _write(tmp_path / TRAIN_LABELS, _idx_bytes(labels, magic=2051))
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte\.gz.*magic number 2051"):
        load_fashion_mnist(tmp_path)


def test_truncated_file_names_the_file(tmp_path: Path) -> None:
    _write_dataset(tmp_path)
    payload = _idx_bytes(np.zeros((3, 28, 28), dtype=np.uint8))
    _write(tmp_path / TEST_IMAGES, payload[:-10])
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte\.gz.*truncated"):
        load_fashion_mnist(tmp_path, subset="test")


def test_corrupt_gzip_names_the_file(tmp_path: Path) -> None:
    _write_dataset(tmp_path)
    (tmp_path / TEST_LABELS).write_bytes(b"\x1f\x8bnot really gzip")
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte\.gz"):
        load_fashion_mnist(tmp_path, subset="test")


def test_image_label_count_mismatch(tmp_path: Path) -> None:
    _write_dataset(tmp_path)
    _write(tmp_path / TEST_LABELS, _idx_bytes(np.zeros(4, dtype=np.uint8)))
    with pytest.raises(ValueError, match="3 images.*4 labels"):
        load_fashion_mnist(tmp_path, subset="test")


def test_missing_files_offline_gives_instructions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def offline(url: str, destination: Path) -> None:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(_fashion_mnist, "_download_file", offline)
    home = tmp_path / "empty"
    with pytest.raises(OSError) as excinfo:
        load_fashion_mnist(home)
    message = str(excinfo.value)
    assert "apt-get install dataset-fashion-mnist" in message
    assert str(home) in message
    assert TRAIN_IMAGES in message and TEST_LABELS in message
    assert "Network is unreachable" in message


def test_no_download_when_disabled(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="apt-get install dataset-fashion-mnist"):
        load_fashion_mnist(tmp_path / "empty", download_if_missing=False)


def test_mocked_download_fills_data_home(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "mirror"
    _write_dataset(source)
    urls: list[str] = []

    def fake_download(url: str, destination: Path) -> None:
        urls.append(url)
        destination.write_bytes((source / url.rsplit("/", 1)[-1]).read_bytes())

    monkeypatch.setattr(_fashion_mnist, "_download_file", fake_download)
    home = tmp_path / "cache"
    X, _ = load_fashion_mnist(home, return_X_y=True)
    assert X.shape == (8, 784)
    assert sorted(p.name for p in home.iterdir()) == sorted(
        [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS]
    )
    assert all(url.startswith(_fashion_mnist.FASHION_MNIST_URL) for url in urls)

    # A second call finds the cached files and must not download again.
    monkeypatch.setattr(_fashion_mnist, "_download_file", _forbidden_download)
    X_again, _ = load_fashion_mnist(home, return_X_y=True)
    np.testing.assert_array_equal(X, X_again)


def test_downloader_argument(tmp_path: Path) -> None:
    source = tmp_path / "mirror"
    _write_dataset(source)

    def fake_download(url: str, destination: Path) -> None:
        destination.write_bytes((source / url.rsplit("/", 1)[-1]).read_bytes())

    X, _ = load_fashion_mnist(
        tmp_path / "cache", subset="test", return_X_y=True, downloader=fake_download
    )
    assert X.shape == (3, 784)


def test_default_home_from_environment(tmp_path: Path) -> None:
    _write_dataset(tmp_path / "env-home" / "fashion_mnist")
    X, _ = load_fashion_mnist(return_X_y=True)
    assert X.shape == (8, 784)


def test_debian_location_is_a_fallback(tmp_path: Path, monkeypatch) -> None:
    debian = tmp_path / "usr-share"
    _write_dataset(debian)
    monkeypatch.setattr(_fashion_mnist, "DEBIAN_DIR", debian)
    X, _ = load_fashion_mnist(tmp_path / "empty-home", return_X_y=True)
    assert X.shape == (8, 784)


REAL_DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
# Captured at import time, before the autouse fixture hides the Debian folder.
LIBRARY_DEBIAN_DIR = _fashion_mnist.DEBIAN_DIR


@pytest.mark.skipif(
    not REAL_DEBIAN_DIR.is_dir(), reason="Debian dataset-fashion-mnist package not installed"
)
def test_real_debian_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert LIBRARY_DEBIAN_DIR == REAL_DEBIAN_DIR
    monkeypatch.setattr(_fashion_mnist, "DEBIAN_DIR", LIBRARY_DEBIAN_DIR)
    # An empty data_home makes the search fall through to the Debian folder; only the
    # 10000-image test split is loaded, to keep the run light.
    bunch = load_fashion_mnist(tmp_path / "empty", subset="test")
    assert bunch.data.shape == (10000, 784)
    assert bunch.images.shape == (10000, 1, 28, 28)
    assert bunch.data.min() == 0.0 and bunch.data.max() == 1.0
    np.testing.assert_array_equal(np.bincount(bunch.target), np.full(10, 1000))
