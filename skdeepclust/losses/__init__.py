"""Loss terms as pure tensor functions, one module per paper."""

from skdeepclust.losses.ddc import (
    cs_divergence,
    ddc_orthogonality,
    ddc_separation,
    ddc_simplex,
    simplex_corner_affinity,
)

__all__ = [
    "cs_divergence",
    "ddc_orthogonality",
    "ddc_separation",
    "ddc_simplex",
    "simplex_corner_affinity",
]
