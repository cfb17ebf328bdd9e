r"""Networks and objectives of the clustering module (CM) and of AE-CM (Boubekki et al., 2021).

The CM is a one-hidden-layer autoencoder whose code is a softmax:

.. math::
    \Gamma = \operatorname{softmax}(X W_{enc} + b_{enc}) \in \mathbb{R}^{n \times k}, \qquad
    \bar X = \Gamma W_{dec} + b_{dec} = \Gamma U, \qquad U = W_{dec} + \mathbf{1} b_{dec}^\top,

where the centroids :math:`U \in \mathbb{R}^{k \times d}` are the decoder images of the canonical
basis (decoder bias included; :math:`\bar X = \Gamma U` because the rows of :math:`\Gamma` sum to
one). AE-CM nests a CM in the code space of a deep autoencoder.

Every network returns a flat, batch-first tuple (see :mod:`skdeepclust.nn.networks`); the
objectives need the centroids, which do not depend on the batch, so the networks pass them as a
zero-copy ``expand`` of :math:`U` to shape ``(n, k, d)`` and the objectives read row 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from skdeepclust.losses.cm import (
    aecm_sparsity,
    cm_cross,
    cm_dirichlet_prior,
    cm_reconstruction,
    cm_sparsity,
    orthonormality_penalty,
)
from skdeepclust.nn.autoencoders import MLPAutoencoder

#: Ratio between the standard deviation of a normal truncated at two standard deviations and
#: the standard deviation of the untruncated one (Keras rescales by it in Glorot-normal).
_TRUNCATION_STD = 0.87962566103423978

#: Relative cutoff of the singular values in the pseudo-inverse of the k-means(++) init (about
#: the square root of float32 precision: centres come from float32 data).
PINV_RTOL = 1e-4


def glorot_normal_bias_(bias: torch.Tensor) -> torch.Tensor:
    r"""Fill a bias vector in place the way Keras' ``GlorotNormal`` fills a 1-D tensor.

    Keras takes ``fan_in = fan_out = len(bias)``, so the target standard deviation is
    :math:`\sqrt{2 / (2 n)} = 1/\sqrt{n}`, drawn from a normal truncated at two standard
    deviations. The authors of the CM initialise every bias this way (non-zero biases).

    Parameters
    ----------
    bias : Tensor of shape (n,)

    Returns
    -------
    bias : Tensor of shape (n,)
        The same tensor.
    """
    std = 1.0 / math.sqrt(bias.numel()) / _TRUNCATION_STD
    with torch.no_grad():
        return nn.init.trunc_normal_(bias, std=std, a=-2.0 * std, b=2.0 * std)


def glorot_init_(layer: nn.Linear) -> None:
    """Glorot-uniform weight and Glorot-normal bias (the authors' Keras initialisers)."""
    nn.init.xavier_uniform_(layer.weight)
    glorot_normal_bias_(layer.bias)


class CMHead(nn.Module):
    r"""The clustering module: softmax encoder ``d -> k`` and linear decoder ``k -> d``.

    Parameters
    ----------
    n_features : int
        Dimension :math:`d` of the space it clusters in (the data for CM, the code for AE-CM).
    n_clusters : int
        Number :math:`k` of clusters.

    Notes
    -----
    Random initialisation ("CM^r"): Glorot-uniform weights and Glorot-normal biases, as in the
    authors' code. :meth:`set_centroids` gives the k-means(++) initialisation ("CM^p").
    """

    def __init__(self, n_features: int, n_clusters: int):
        super().__init__()
        self.encoder = nn.Linear(n_features, n_clusters)
        self.decoder = nn.Linear(n_clusters, n_features)
        glorot_init_(self.encoder)
        glorot_init_(self.decoder)

    @property
    def centroids(self) -> torch.Tensor:
        r"""Centroids :math:`U = W_{dec} + b_{dec}` of shape (k, d), differentiable."""
        # nn.Linear stores W_dec^T (d, k); row j of U is the decoder's output for e_j.
        return self.decoder.weight.T + self.decoder.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        r"""Responsibilities :math:`\gamma` of shape (n, k) for ``x`` of shape (n, d)."""
        return torch.softmax(self.encoder(x), dim=1)

    def decode(self, gamma: torch.Tensor) -> torch.Tensor:
        r"""Reconstruction :math:`\bar x = \gamma U` of shape (n, d) from codes (n, k)."""
        return self.decoder(gamma)

    @torch.no_grad()
    def set_centroids(self, centers: np.ndarray | torch.Tensor,
                      variance: float | None = None) -> None:
        r"""Initialise the CM from centres: :math:`W_{dec} = C`, decoder bias 0, and an encoder.

        With ``variance=None`` the encoder is the paper's (§4.1): :math:`W_{enc} = C^+`, the
        Moore-Penrose pseudo-inverse (shape (d, k)), so that :math:`c_j W_{enc} = e_j` when the
        centres are linearly independent, and bias 0. Singular values of :math:`C` below
        ``PINV_RTOL`` (1e-4) times the largest are treated as zero: centres of centred data
        are linearly dependent (their size-weighted sum is the mean, 0), and inverting the
        rounding error of that dependence would give huge weights.

        With a ``variance`` :math:`\sigma^2` the encoder gives the posterior of an isotropic
        Gaussian mixture with these centres and equal weights,

        .. math:: \gamma_{ij} = \operatorname{softmax}_j\big(-\|x_i - c_j\|^2 / 2\sigma^2\big)
                  \;\Rightarrow\; W_{enc} = C^\top / \sigma^2,
                  \quad b_{enc, j} = -\|c_j\|^2 / 2\sigma^2

        (the :math:`\|x_i\|^2` part is the same for every :math:`j`), so the CM starts from the
        k-means partition itself (its argmax is the nearest centre), which the pseudo-inverse
        does not reproduce. The posterior is the E-step of the isotropic GMM the CM is
        (Eq. 7).

        Parameters
        ----------
        centers : array of shape (k, d)
        variance : float or None, default=None
            :math:`\sigma^2` of the posterior encoder; None for the pseudo-inverse.
        """
        weight = self.decoder.weight
        C = torch.as_tensor(np.asarray(centers), dtype=torch.float64)
        if tuple(C.shape) != (weight.shape[1], weight.shape[0]):
            raise ValueError(
                f"centers must have shape {(weight.shape[1], weight.shape[0])}; "
                f"got {tuple(C.shape)}."
            )
        self.decoder.weight.copy_(C.T.to(weight))
        self.decoder.bias.zero_()
        if variance is not None:
            if not variance > 0:
                raise ValueError(f"variance must be > 0; got {variance}.")
            self.encoder.weight.copy_((C / variance).to(self.encoder.weight))
            self.encoder.bias.copy_((-(C**2).sum(1) / (2 * variance)).to(self.encoder.bias))
            return
        W_enc = torch.linalg.pinv(C, rtol=PINV_RTOL)
        self.encoder.weight.copy_(W_enc.T.to(self.encoder.weight))
        self.encoder.bias.zero_()


class CMHeadNetwork(nn.Module):
    """A given :class:`CMHead` with the CM's output layout (trains an AE-CM's CM on fixed codes).

    Parameters
    ----------
    head : CMHead
        Used as is (not copied), so training this network trains ``head`` in place.

    Notes
    -----
    ``forward`` returns ``(gamma, gamma)``, both of shape ``(n, k)``: index 0 feeds
    ``predict_proba``, index 1 ``transform`` (the CM's code is its responsibilities);
    :meth:`objective_inputs` gives the objective the centroids :math:`U`.
    """

    def __init__(self, head: CMHead):
        super().__init__()
        self.head = head

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        gamma = self.head(x.flatten(1))
        return gamma, gamma

    def objective_inputs(self) -> dict[str, torch.Tensor]:
        """The centroids :math:`U`, shape (k, d), for :class:`CMObjective`."""
        return {"centroids": self.head.centroids}


class CMNetwork(CMHeadNetwork):
    """The clustering module on flattened inputs (outputs as :class:`CMHeadNetwork`).

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one sample (flattened here).
    n_clusters : int
    """

    def __init__(self, input_shape: tuple[int, ...], n_clusters: int):
        super().__init__(CMHead(math.prod(input_shape), n_clusters))


class AECMNetwork(nn.Module):
    """A clustering module nested in the code space of a fully connected autoencoder.

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one sample (flattened here).
    n_clusters : int
    hidden_dims : tuple of int, default=(500, 500, 2000)
        Hidden widths of the encoder (mirrored in the decoder); ``()`` gives a linear
        autoencoder ``d - n_embed - d`` (the paper's UCI setting uses ``n_embed = 2k``).
    n_embed : int, default=10
        Dimension :math:`p` of the code the CM clusters.
    negative_slope : float, default=0.2
        Slope of the leaky ReLU after every hidden layer (none after the code or the output).
    autoencoder : nn.Module or None, default=None
        An autoencoder to use instead of building one (a copy of a fitted
        :class:`skdeepclust.Autoencoder`'s, or your own behind
        :class:`skdeepclust.nn.user.UserAutoencoder`): ``encode``, ``decode`` and
        ``forward(x) -> (z, x_hat)`` with ``z`` of width ``n_embed``.

    Notes
    -----
    All layers use the authors' initialisation (Glorot-uniform weights, Glorot-normal biases).
    ``forward`` returns ``(gamma, z, x_hat)`` with shapes ``(n, k)``, ``(n, p)`` and ``(n, d)``;
    :meth:`objective_inputs` gives the objective the centroids :math:`U`, shape ``(k, p)``.
    """

    def __init__(
        self,
        input_shape: tuple[int, ...],
        n_clusters: int,
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        negative_slope: float = 0.2,
        autoencoder: nn.Module | None = None,
    ):
        super().__init__()
        if autoencoder is None:
            autoencoder = MLPAutoencoder(
                input_shape, tuple(hidden_dims), n_embed, "leaky_relu", negative_slope
            )
            for layer in autoencoder.modules():
                if isinstance(layer, nn.Linear):
                    glorot_init_(layer)
        self.autoencoder = autoencoder
        self.head = CMHead(n_embed, n_clusters)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        z = self.autoencoder.encode(x)
        gamma = self.head(z)
        return gamma, z, self.autoencoder.decode(z)

    def objective_inputs(self) -> dict[str, torch.Tensor]:
        """The centroids :math:`U`, shape (k, p), for :class:`AECMObjective`."""
        return {"centroids": self.head.centroids}


def _alpha_buffer(alpha: float | Sequence[float]) -> torch.Tensor:
    return torch.as_tensor(np.asarray(alpha, dtype=np.float32))


class CMObjective(nn.Module):
    r"""The CM loss :math:`L_{CM} = E_1 + E_2 + E_3 + E_4` (paper Eq. 7, authors' code).

    Terms (history keys ``train_<name>``):

    - ``reconstruction`` :math:`E_1 = \sum_i \|x_i - \gamma_i U\|^2`
    - ``sparsity`` :math:`E_2 = \sum_j (\sum_i \gamma_{ij}(1-\gamma_{ij})) \|u_j\|^2`
    - ``cross`` :math:`E_3 = -\sum_{j \ne l} (\sum_i \gamma_{ij}\gamma_{il}) u_j^\top u_l`
    - ``prior`` :math:`E_4 = \sum_j (1 - \alpha_{(j)}) \ell_{(j)}`,
      :math:`\ell_j = \log(\tfrac1n \sum_i \gamma_{ij} + 10^{-10})`, both sorted ascending

    :math:`E_1 + E_2 + E_3 = \sum_{ij} \gamma_{ij} \|x_i - u_j\|^2`. See
    :mod:`skdeepclust.losses.cm` for the formulas and the role of ``reduction``.

    Parameters
    ----------
    alpha : float or sequence of float, default=1.0
        Dirichlet concentration (scalar or one per cluster).
    reduction : {"sum", "mean"}, default="mean"
        Reduction of :math:`E_1, E_2, E_3` over the batch; :math:`E_4` is a batch mean either way.
    """

    term_names: tuple[str, ...] = ("reconstruction", "sparsity", "cross", "prior")

    def __init__(self, alpha: float | Sequence[float] = 1.0, reduction: str = "mean"):
        super().__init__()
        self.register_buffer("alpha", _alpha_buffer(alpha))
        self.reduction = reduction

    def forward(
        self, outputs: tuple[torch.Tensor, ...], X: torch.Tensor, y: None = None, *,
        centroids: torch.Tensor,
    ) -> dict[str, torch.Tensor]:
        """Loss terms for one batch; ``outputs = (gamma, gamma)``, ``centroids`` of shape
        (k, d)."""
        gamma = outputs[0]
        x = X.flatten(1)
        return {
            "reconstruction": cm_reconstruction(x, gamma, centroids, reduction=self.reduction),
            "sparsity": cm_sparsity(gamma, centroids, reduction=self.reduction),
            "cross": cm_cross(gamma, centroids, reduction=self.reduction),
            "prior": cm_dirichlet_prior(gamma, self.alpha),
        }


class AECMObjective(nn.Module):
    r"""The AE-CM loss :math:`L_1 + L_2 + \lambda L_3 + L_4 + \beta L_5` (paper Eq. 10).

    With :math:`z_i` the code, :math:`\hat x_i` the autoencoder's reconstruction and :math:`U`
    the centroids in code space (history keys ``train_<name>``, each logged with its weight):

    - ``cm_reconstruction`` :math:`L_1 = \sum_i \|z_i - \gamma_i U\|^2`
    - ``sparsity`` :math:`L_2 = \sum_i \sum_j \gamma_{ij} (1 - \gamma_{ij})`
    - ``orthonormality`` :math:`\lambda L_3 = \lambda \sum_{j,l} |(UU^\top - I_k)_{jl}|`
    - ``prior`` :math:`L_4`, the Dirichlet prior :math:`E_4` of the CM
    - ``ae_reconstruction`` :math:`\beta L_5 = \beta \sum_i \|x_i - \hat x_i\|^2`

    With ``reduction="mean"`` the sums over the batch (:math:`L_1, L_2, L_5`) become means;
    :math:`L_3` and :math:`L_4` do not depend on the batch size.

    Parameters
    ----------
    alpha : float or sequence of float, default=1.0
        Dirichlet concentration.
    beta : float, default=1.0
        Weight of the autoencoder reconstruction.
    lam : float, default=1.0
        Weight :math:`\lambda` of the orthonormality penalty.
    reduction : {"sum", "mean"}, default="mean"
    """

    term_names: tuple[str, ...] = (
        "cm_reconstruction", "sparsity", "orthonormality", "prior", "ae_reconstruction"
    )

    def __init__(
        self,
        alpha: float | Sequence[float] = 1.0,
        beta: float = 1.0,
        lam: float = 1.0,
        reduction: str = "mean",
    ):
        super().__init__()
        self.register_buffer("alpha", _alpha_buffer(alpha))
        self.beta = beta
        self.lam = lam
        self.reduction = reduction

    def forward(
        self, outputs: tuple[torch.Tensor, ...], X: torch.Tensor, y: None = None, *,
        centroids: torch.Tensor,
    ) -> dict[str, torch.Tensor]:
        """Loss terms for one batch; ``outputs = (gamma, z, x_hat)``, ``centroids`` of shape
        (k, p)."""
        gamma, z, x_hat = outputs[:3]
        residual = X.flatten(1) - x_hat
        ae_sum = (residual * residual).sum()
        if self.reduction == "mean":
            ae_sum = ae_sum / max(X.shape[0], 1)
        return {
            "cm_reconstruction": cm_reconstruction(z, gamma, centroids, reduction=self.reduction),
            "sparsity": aecm_sparsity(gamma, reduction=self.reduction),
            "orthonormality": self.lam * orthonormality_penalty(centroids),
            "prior": cm_dirichlet_prior(gamma, self.alpha),
            "ae_reconstruction": self.beta * ae_sum,
        }


__all__ = [
    "AECMNetwork",
    "AECMObjective",
    "CMHead",
    "CMHeadNetwork",
    "CMNetwork",
    "CMObjective",
    "glorot_init_",
    "glorot_normal_bias_",
]
