r"""Network and objective of ACe/DeC + DCN (Miklautz et al., 2021).

A DCN autoencoder plus a learned rotation :math:`V` and space weights :math:`\beta`; the k-means
state (cluster centroids, the shared centroid and their counts) lives in buffers
and is updated after every optimiser step (:meth:`ACeDeCNetwork.update_centers`).

Output layout (flat, batch-first tuple): ``(labels, y, x_hat, assigned_centers)`` with
``y = z @ V``; with augmentation, in training mode only, four more: ``(y_aug, x_aug,
x_aug_hat_swapped, x_hat_swapped)`` (see :class:`ACeDeCObjective`). The shared centroid and the
weights :math:`\beta_{cs}` reach the objective through :meth:`ACeDeCNetwork.objective_inputs`.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from skdeepclust.losses.acedec import acedec_cluster_loss, acedec_shared_loss
from skdeepclust.losses.dcn import CENTROID_UPDATES, weighted_sq_distances
from skdeepclust.losses.reconstruction import reconstruction_loss
from skdeepclust.nn.autoencoders import MLPAutoencoder


def random_orthogonal(d: int, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""A Haar-distributed random orthogonal matrix of shape (d, d).

    QR decomposition of a standard normal matrix, with the signs of :math:`R`'s diagonal moved
    into :math:`Q` (without that correction the distribution is not uniform).

    Parameters
    ----------
    d : int
    generator : torch.Generator or None
        None draws from torch's global generator (seeded per restart by the estimators).

    Returns
    -------
    Q : Tensor of shape (d, d), float32
    """
    a = torch.randn(d, d, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(a)
    signs = torch.sign(torch.diagonal(r))
    signs[signs == 0] = 1.0
    return (q * signs).float()


def random_rotate_shift(
    x: torch.Tensor, max_degrees: float = 15.0, max_shift: float = 0.1
) -> torch.Tensor:
    r"""Random rotation and translation of a batch of images (one draw per image).

    Angles are uniform in :math:`[-\text{max\_degrees}, \text{max\_degrees}]`, shifts uniform in
    :math:`[-\text{max\_shift}, \text{max\_shift}]` times the image width / height, bilinear
    resampling, zeros outside the image. Uses ``torch.nn.functional.affine_grid`` /
    ``grid_sample`` (no torchvision) and torch's global generator.

    Parameters
    ----------
    x : Tensor of shape (n, C, H, W)
    max_degrees : float, default=15.0
    max_shift : float, default=0.1

    Returns
    -------
    x_aug : Tensor of shape (n, C, H, W)
    """
    n = x.shape[0]
    angle = (torch.rand(n, device=x.device) * 2 - 1) * math.radians(max_degrees)
    # affine_grid works in normalised coordinates [-1, 1]: a shift of 2 is the whole image.
    shift = (torch.rand(n, 2, device=x.device) * 2 - 1) * (2 * max_shift)
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    ).to(x.dtype)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class ACeDeCNetwork(nn.Module):
    r"""Autoencoder, rotation :math:`V`, space weights :math:`\beta` and k-means state.

    :math:`y = z V` (:math:`V^\top z` per sample), :math:`\beta_{cs} = \operatorname{sigmoid}(b)`,
    reconstruction :math:`\hat x = g(y V^\top)`, assignment
    :math:`\operatorname{argmin}_k \|y - m_k\|^2_{\beta_{cs}}`. :math:`V` starts as a random
    orthogonal matrix, :math:`b` at zero (:math:`\beta = 1/2`); the estimator then initialises
    :math:`b` and the centroids (paper §2.2).

    Parameters
    ----------
    input_shape : tuple of int
    n_clusters : int
    hidden_dims, n_embed, activation, negative_slope
        As in :class:`DCNNetwork`.
    augmentation : bool, default=False
        In training mode, also embed a randomly rotated and shifted copy of each image
        (``input_shape`` must be (C, H, W)).
    max_degrees, max_shift : float
        Ranges of :func:`random_rotate_shift`.
    autoencoder : nn.Module or None, default=None
        As in :class:`DCNNetwork`.
    centroid_update : {"running_mean", "moving_average"}, default="running_mean"
        How :meth:`update_centers` moves the centroids (a key of
        :data:`skdeepclust.losses.dcn.CENTROID_UPDATES`).
    """

    def __init__(
        self,
        input_shape: tuple[int, ...],
        n_clusters: int,
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        activation: str = "relu",
        negative_slope: float = 0.01,
        augmentation: bool = False,
        max_degrees: float = 15.0,
        max_shift: float = 0.1,
        autoencoder: nn.Module | None = None,
        centroid_update: str = "running_mean",
    ):
        super().__init__()
        self.input_shape = tuple(input_shape)
        self.centroid_update = centroid_update
        self.autoencoder = autoencoder if autoencoder is not None else MLPAutoencoder(
            input_shape, hidden_dims, n_embed, activation, negative_slope
        )
        self.V = nn.Parameter(random_orthogonal(n_embed))
        self.beta_logits = nn.Parameter(torch.zeros(n_embed))
        self.augmentation = augmentation
        self.max_degrees = max_degrees
        self.max_shift = max_shift
        self.register_buffer("centers", torch.zeros(n_clusters, n_embed))
        self.register_buffer("counts", torch.zeros(n_clusters))
        self.register_buffer("shared_center", torch.zeros(n_embed))
        self.register_buffer("shared_count", torch.zeros(1))

    @property
    def beta_cs(self) -> torch.Tensor:
        r""":math:`\beta_{cs} = \operatorname{sigmoid}(b)`, shape (d,)."""
        return torch.sigmoid(self.beta_logits)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Rotated embedding ``y = encode(x) @ V`` of shape (n, d)."""
        return self.autoencoder.encode(x) @ self.V

    def decode(self, y: torch.Tensor) -> torch.Tensor:
        """Reconstruction from rotated codes: ``decode(y @ V.T)``, shape (n, n_features)."""
        return self.autoencoder.decode(y @ self.V.T)

    def assign(self, y: torch.Tensor) -> torch.Tensor:
        r"""Nearest centroid under :math:`\|\cdot\|_{\beta_{cs}}`, shape (n,), int64."""
        return weighted_sq_distances(y.detach(), self.centers, self.beta_cs.detach()).argmin(1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        y = self.embed(x)
        labels = self.assign(y)
        n = y.shape[0]
        outputs = (labels, y, self.decode(y), self.centers[labels])
        if self.augmentation and self.training:
            x_aug = random_rotate_shift(
                x.reshape(n, *self.input_shape), self.max_degrees, self.max_shift
            ).flatten(1)
            y_aug = self.embed(x_aug)
            beta_cs = self.beta_cs
            beta_ss = 1.0 - beta_cs
            # The cluster part of one view with the shared part of the other: what differs
            # between the views (the transformation) has to be carried by the shared space.
            x_aug_hat = self.decode(beta_cs * y + beta_ss * y_aug)
            x_hat_swapped = self.decode(beta_cs * y_aug + beta_ss * y)
            outputs += (y_aug, x_aug, x_aug_hat, x_hat_swapped)
        return outputs

    def objective_inputs(self) -> dict[str, torch.Tensor]:
        r"""The shared centroid and :math:`\beta_{cs}`, both of shape (d,), for
        :class:`ACeDeCObjective`."""
        return {"shared_center": self.shared_center, "beta_cs": self.beta_cs}

    @torch.no_grad()
    def set_centers(self, centers, counts, shared_center, shared_count) -> None:
        """Set the cluster centroids (k, d), their counts (k,), the shared centroid (d,) and
        its count (a number)."""
        self.centers.copy_(torch.as_tensor(centers, dtype=self.centers.dtype))
        self.counts.copy_(torch.as_tensor(counts, dtype=self.counts.dtype))
        self.shared_center.copy_(torch.as_tensor(shared_center, dtype=self.centers.dtype))
        self.shared_count.fill_(float(shared_count))

    @torch.no_grad()
    def update_centers(self, x: torch.Tensor) -> None:
        """Re-embed ``x``, reassign, and update the cluster and shared centroids."""
        update = CENTROID_UPDATES[self.centroid_update]
        y = self.embed(x)
        centers, counts = update(self.centers, self.counts, y, self.assign(y))
        shared, shared_count = update(
            self.shared_center[None], self.shared_count, y,
            torch.zeros(len(y), dtype=torch.long, device=y.device),
        )
        self.centers.copy_(centers)
        self.counts.copy_(counts)
        self.shared_center.copy_(shared[0])
        self.shared_count.copy_(shared_count)


class ACeDeCObjective(nn.Module):
    r"""ACe/DeC + DCN loss per batch (paper Eq. 5, means over the batch).

    Terms: ``cluster`` :math:`\frac{1}{n}\sum_i \|y_i - m_{c(i)}\|^2_{\beta_{cs}}`,
    ``shared`` :math:`\frac{1}{n}\sum_i \|y_i - m_{ss}\|^2_{\beta_{ss}}` and ``reconstruction``
    :math:`\frac{1}{n}\sum_i \|x_i - g(V y_i)\|^2`.

    With augmentation (training only; evaluation uses the plain loss) each term is the mean of
    the original and the augmented view: the augmented embedding is pulled to the centroid of
    the *original* sample's cluster, and each view is reconstructed from its partner's
    cluster-space part and its own shared-space part (soft mix with :math:`\beta`).

    Parameters
    ----------
    augmentation : bool, default=False
    cluster_weight : float, default=1.0
        Multiplies the cluster and the shared term (the paper: 1, no weights).
    """

    term_names: tuple[str, ...] = ("cluster", "shared", "reconstruction")
    #: The reconstruction is the auxiliary term (for the mismatch monitors).
    aux_weights: dict[str, float] = {"reconstruction": 1.0}

    def __init__(self, augmentation: bool = False, cluster_weight: float = 1.0):
        super().__init__()
        self.augmentation = augmentation
        self.cluster_weight = cluster_weight

    def forward(
        self, outputs, X: torch.Tensor, y: None = None, *, shared_center: torch.Tensor,
        beta_cs: torch.Tensor,
    ) -> dict[str, torch.Tensor]:
        """Loss terms for one batch; ``outputs = (labels, y, x_hat, assigned_centers[, y_aug,
        x_aug, x_aug_hat_swapped, x_hat_swapped])`` (``y`` the rotated embedding; the argument
        ``y``, training targets, is unused), ``shared_center`` and ``beta_cs`` of shape (d,)."""
        _, rotated, x_hat, assigned = outputs[:4]
        beta_ss = 1.0 - beta_cs
        cluster = acedec_cluster_loss(rotated, assigned, beta_cs)
        shared_term = acedec_shared_loss(rotated, shared_center, beta_ss)
        if len(outputs) > 4:
            y_aug, x_aug, x_aug_hat, x_hat_swapped = outputs[4:8]
            cluster = 0.5 * (cluster + acedec_cluster_loss(y_aug, assigned, beta_cs))
            shared_term = 0.5 * (shared_term + acedec_shared_loss(y_aug, shared_center, beta_ss))
            reconstruction = 0.5 * (reconstruction_loss(X, x_hat_swapped, "sum")
                                    + reconstruction_loss(x_aug, x_aug_hat, "sum"))
        else:
            reconstruction = reconstruction_loss(X, x_hat, "sum")
        return {"cluster": self.cluster_weight * cluster,
                "shared": self.cluster_weight * shared_term, "reconstruction": reconstruction}


__all__ = [
    "ACeDeCNetwork",
    "ACeDeCObjective",
    "random_orthogonal",
    "random_rotate_shift",
]
