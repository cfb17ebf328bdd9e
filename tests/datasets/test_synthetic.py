"""Tests for the synthetic data generators."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from skdeepclust.datasets import make_blobs_images, make_synth25


def test_blobs_images_shapes_dtypes_and_range() -> None:
    X, y = make_blobs_images(random_state=0)
    assert X.shape == (300, 1, 28, 28)
    assert X.dtype == np.float32
    assert y.shape == (300,)
    assert y.dtype == np.int64
    assert X.min() >= 0.0 and X.max() <= 1.0
    np.testing.assert_array_equal(np.bincount(y), [100, 100, 100])


def test_blobs_images_custom_shape_and_balance() -> None:
    X, y = make_blobs_images(n_samples=31, n_clusters=4, image_shape=(3, 8, 10), random_state=1)
    assert X.shape == (31, 3, 8, 10)
    counts = np.bincount(y, minlength=4)
    assert counts.max() - counts.min() <= 1


def test_blobs_images_deterministic_with_seed() -> None:
    X1, y1 = make_blobs_images(n_samples=20, random_state=3)
    X2, y2 = make_blobs_images(n_samples=20, random_state=3)
    X3, _ = make_blobs_images(n_samples=20, random_state=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_blobs_images_zero_noise_gives_prototypes() -> None:
    X, y = make_blobs_images(n_samples=12, n_clusters=3, noise=0.0, random_state=0)
    for k in range(3):
        members = X[y == k]
        np.testing.assert_array_equal(members, np.broadcast_to(members[0], members.shape))
        # Prototypes are min-max scaled, so each spans the full range.
        assert members[0].min() == 0.0 and members[0].max() == 1.0


def test_blobs_images_are_clusterable() -> None:
    X, y = make_blobs_images(n_samples=150, n_clusters=3, random_state=0)
    pred = KMeans(n_clusters=3, n_init=3, random_state=0).fit_predict(X.reshape(len(X), -1))
    assert adjusted_rand_score(y, pred) > 0.95


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples": 2, "n_clusters": 3}, ValueError, "n_samples"),
        ({"n_clusters": 0}, ValueError, "n_clusters"),
        ({"n_samples": 10.5}, TypeError, "n_samples"),
        ({"n_clusters": True}, TypeError, "n_clusters"),
        ({"image_shape": (28, 28)}, ValueError, "image_shape"),
        ({"image_shape": (1, 0, 28)}, ValueError, "image_shape"),
        ({"image_shape": 28}, TypeError, "image_shape"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"noise": float("nan")}, ValueError, "noise"),
        ({"noise": "high"}, TypeError, "noise"),
    ],
)
def test_blobs_images_invalid_arguments(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        make_blobs_images(**kwargs)


def test_synth25_shapes_and_dtypes() -> None:
    X, y = make_synth25(random_state=0)
    assert X.shape == (12000, 27)
    assert X.dtype == np.float32
    assert y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [3000] * 4)


def test_synth25_deterministic_with_seed() -> None:
    X1, y1 = make_synth25(n_samples=100, random_state=7)
    X2, y2 = make_synth25(n_samples=100, random_state=np.random.RandomState(7))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


def test_synth25_cluster_dims_are_separable_and_noise_is_not() -> None:
    X, y = make_synth25(n_samples=2000, random_state=0)
    km = KMeans(n_clusters=4, n_init=3, random_state=0)
    assert adjusted_rand_score(y, km.fit_predict(X[:, :2])) > 0.95
    # The noise columns alone carry no cluster information.
    assert adjusted_rand_score(y, km.fit_predict(X[:, 2:])) < 0.05


def test_synth25_noise_is_scaled_like_cluster_dims() -> None:
    X, _ = make_synth25(n_samples=4000, random_state=0)
    stds = X.std(axis=0)
    assert np.all(stds[2:] > 0.8 * stds[:2].min())
    assert np.all(stds[2:] < 1.2 * stds[:2].max())
    X, _ = make_synth25(n_samples=4000, noise_std=1.0, random_state=0)
    np.testing.assert_allclose(X[:, 2:].std(axis=0), 1.0, atol=0.05)


@pytest.mark.parametrize("noise_std", [-1.0, float("nan")])
def test_synth25_bad_noise_std(noise_std) -> None:
    with pytest.raises(ValueError, match="noise_std"):
        make_synth25(n_samples=10, noise_std=noise_std)
    with pytest.raises(TypeError, match="noise_std"):
        make_synth25(n_samples=10, noise_std="1")


def test_synth25_custom_noise_dims() -> None:
    X, _ = make_synth25(n_samples=10, n_noise_dims=0, random_state=0)
    assert X.shape == (10, 2)
    X, _ = make_synth25(n_samples=10, n_noise_dims=5, random_state=0)
    assert X.shape == (10, 7)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n_samples": 3}, ValueError),
        ({"n_noise_dims": -1}, ValueError),
        ({"n_samples": "100"}, TypeError),
        ({"n_noise_dims": 2.0}, TypeError),
    ],
)
def test_synth25_invalid_arguments(kwargs, error) -> None:
    with pytest.raises(error, match=next(iter(kwargs))):
        make_synth25(**kwargs)
