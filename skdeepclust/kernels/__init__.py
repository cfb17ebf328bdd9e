r"""Distances and kernels on mini-batches of samples.

Pure tensor functions: tensors in, tensor out, no state; ``n`` is the batch size.

- Gaussian kernel with the median width rule (DDC): :func:`pairwise_sq_dists`,
  :func:`kernel_width`, :func:`gaussian_kernel`, :func:`median_gaussian_kernel`.
- Kernels on tensor-valued samples (the UCO paper): :func:`naive_kernel` (vectorise, then
  Gaussian) and the structure-exploiting :func:`tensor_kernel` built from
  :func:`matricize`, :func:`orthonormal_basis`, :func:`projection_distances` and
  :func:`tensor_sq_dists`.
"""

from ._gaussian import (
    MIN_SIGMA2,
    gaussian_kernel,
    kernel_width,
    median,
    median_gaussian_kernel,
    pairwise_sq_dists,
)
from ._tensor import (
    BASIS_EPS,
    matricize,
    naive_kernel,
    orthonormal_basis,
    projection_distances,
    tensor_kernel,
    tensor_sq_dists,
)

__all__ = [
    "BASIS_EPS",
    "MIN_SIGMA2",
    "gaussian_kernel",
    "kernel_width",
    "matricize",
    "median",
    "median_gaussian_kernel",
    "naive_kernel",
    "orthonormal_basis",
    "pairwise_sq_dists",
    "projection_distances",
    "tensor_kernel",
    "tensor_sq_dists",
]
