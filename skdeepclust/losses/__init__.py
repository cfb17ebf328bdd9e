"""Loss terms as pure tensor functions, one module per paper."""

from skdeepclust.losses.cm import (
    aecm_sparsity,
    cm_cross,
    cm_dirichlet_prior,
    cm_reconstruction,
    cm_selection_score,
    cm_sparsity,
    orthonormality_penalty,
)
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

__all__ += [
    "aecm_sparsity",
    "cm_cross",
    "cm_dirichlet_prior",
    "cm_reconstruction",
    "cm_selection_score",
    "cm_sparsity",
    "orthonormality_penalty",
]
