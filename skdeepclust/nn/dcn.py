r"""Network and objective of DCN (Yang et al., 2017).

The network wraps an autoencoder and holds the k-means state as buffers (so it is saved,
pickled and restored with the weights): centroids and the per-centroid counts of the running
mean update (:func:`skdeepclust.losses.dcn.running_mean_update`). Assignments are hard: output
0 is the index of the nearest centroid. The centroids never receive gradients; the estimator
calls :meth:`DCNNetwork.update_centers` after every optimiser step
(:class:`skdeepclust.callbacks.CentroidUpdate`).

Output layout (flat, batch-first tuple): ``(labels, z, x_hat, assigned_centers)``.
"""

from __future__ import annotations

import torch
from torch import nn

from skdeepclust.losses.dcn import dcn_clustering_loss, running_mean_update, weighted_sq_distances
from skdeepclust.losses.reconstruction import reconstruction_loss
from skdeepclust.nn.autoencoders import MLPAutoencoder


class DCNNetwork(nn.Module):
    """Autoencoder plus hard k-means state for DCN.

    Parameters
    ----------
    input_shape : tuple of int
    n_clusters : int
    hidden_dims : tuple of int, default=(500, 500, 2000)
    n_embed : int, default=10
    activation : {"relu", "leaky_relu"}, default="relu"
    negative_slope : float, default=0.01
    autoencoder : nn.Module or None, default=None
        An autoencoder to use instead of building one (a copy of a fitted
        :class:`skdeepclust.Autoencoder`'s, or your own behind
        :class:`skdeepclust.nn.user.UserAutoencoder`): ``encode``, ``decode`` and
        ``forward(x) -> (z, x_hat)`` with ``z`` of width ``n_embed``.
    """

    def __init__(
        self,
        input_shape: tuple[int, ...],
        n_clusters: int,
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        activation: str = "relu",
        negative_slope: float = 0.01,
        autoencoder: nn.Module | None = None,
    ):
        super().__init__()
        self.autoencoder = autoencoder if autoencoder is not None else MLPAutoencoder(
            input_shape, hidden_dims, n_embed, activation, negative_slope
        )
        self.register_buffer("centers", torch.zeros(n_clusters, n_embed))
        self.register_buffer("counts", torch.zeros(n_clusters))

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Embedding ``z`` of shape (n, n_embed)."""
        return self.autoencoder.encode(x)

    def assign(self, z: torch.Tensor) -> torch.Tensor:
        """Index of the nearest centroid (squared Euclidean), shape (n,), int64."""
        return weighted_sq_distances(z.detach(), self.centers).argmin(dim=1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        z = self.embed(x)
        labels = self.assign(z)
        return labels, z, self.autoencoder.decode(z), self.centers[labels]

    @torch.no_grad()
    def set_centers(self, centers, counts) -> None:
        """Set the centroids (k, n_embed) and their counts (k,)."""
        self.centers.copy_(torch.as_tensor(centers, dtype=self.centers.dtype))
        self.counts.copy_(torch.as_tensor(counts, dtype=self.counts.dtype))

    @torch.no_grad()
    def update_centers(self, x: torch.Tensor) -> None:
        """Re-embed ``x`` with the current weights, reassign, and update the running means."""
        z = self.embed(x)
        centers, counts = running_mean_update(self.centers, self.counts, z, self.assign(z))
        self.centers.copy_(centers)
        self.counts.copy_(counts)


class DCNObjective(nn.Module):
    r"""DCN loss per batch: :math:`\text{rec} + \frac{\lambda}{2}\,\text{clustering}`.

    Terms (history keys ``train_<name>``): ``reconstruction``
    :math:`\frac{1}{n}\sum_i\|x_i - \hat x_i\|^2` and ``clustering``
    :math:`\frac{\lambda}{2}\frac{1}{n}\sum_i\|z_i - \mu_{s(i)}\|^2`.

    Parameters
    ----------
    cluster_weight : float, default=1.0
        :math:`\lambda`.
    """

    term_names: tuple[str, ...] = ("reconstruction", "clustering")
    #: The reconstruction is DCN's auxiliary term (for the mismatch monitors).
    aux_weights: dict[str, float] = {"reconstruction": 1.0}

    def __init__(self, cluster_weight: float = 1.0):
        super().__init__()
        self.cluster_weight = cluster_weight

    def forward(self, outputs, X: torch.Tensor, y: None = None) -> dict[str, torch.Tensor]:
        _, z, x_hat, assigned = outputs[:4]
        return {
            "reconstruction": reconstruction_loss(X, x_hat, "sum"),
            "clustering": 0.5 * self.cluster_weight * dcn_clustering_loss(z, assigned),
        }


__all__ = ["DCNNetwork", "DCNObjective"]
