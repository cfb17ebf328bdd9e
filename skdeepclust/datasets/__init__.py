"""Dataset loaders and synthetic data generators."""

from ._base import get_data_home
from ._fashion_mnist import load_fashion_mnist
from ._mnist5k import load_mnist5k
from ._synthetic import make_blobs_images, make_synth25

__all__ = [
    "get_data_home",
    "load_fashion_mnist",
    "load_mnist5k",
    "make_blobs_images",
    "make_synth25",
]
