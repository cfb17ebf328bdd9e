"""What every autoencoder-based clusterer shares: one set of pretraining parameters, one
pretraining path, one decode path."""

from __future__ import annotations

from abc import abstractmethod
from numbers import Integral

import numpy as np
import torch

from skdeepclust._base import BaseDeepClusterer, DecoderMixin, collect_outputs
from skdeepclust._net import ClusteringNet
from skdeepclust._pretrain import pretrain_autoencoder
from skdeepclust.utils._sklearn_compat import (
    NON_NEGATIVE_INT,
    NON_NEGATIVE_REAL,
    POSITIVE_INT,
    POSITIVE_REAL,
    Interval,
    SequenceOf,
    StrOptions,
    SubclassOf,
)


class BaseAutoencoderClusterer(DecoderMixin, BaseDeepClusterer):
    """Base of DEC, IDEC, DCN, ACeDeC and AECM.

    The network (``_module_class``) holds its autoencoder as ``module.autoencoder``, with
    ``forward(x) -> (z, x_hat)`` and ``decode(z)``. Each restart first pretrains that
    autoencoder to reconstruct the data (:func:`skdeepclust._pretrain.pretrain_autoencoder`),
    then hands the net to :meth:`_initialize_clusters` (k-means in the embedding, ...).

    Pretraining parameters, the same names and meaning in every subclass (defaults differ
    per method and are documented there):

    - ``pretrain_epochs``: epochs of pretraining; 0 skips it.
    - ``pretrain_lr``: its learning rate; None uses ``lr``.
    - ``pretrain_batch_size``: its batch size; None uses ``batch_size``.
    - ``pretrain_noise``: standard deviation of Gaussian input noise (a denoising
      autoencoder), in the units of ``X``; 0 disables it.
    - ``pretrain_warmup``: epochs of linear learning-rate warm-up.
    - ``pretrain_decay``: ``"cosine"`` lowers the rate to 0 along half a cosine after the
      warm-up; ``"none"`` keeps it.
    - ``pretrain_optimizer``: its optimizer class; None uses ``optimizer``.

    Pretraining also uses ``clip_grad_norm`` and ``verbose``. The reconstruction loss is the
    mean squared error, summed over features for the methods whose paper does so
    (``_pretrain_reduction``).
    """

    #: Reduction of the pretraining reconstruction loss over a sample's features.
    _pretrain_reduction = "mean"

    _parameter_constraints: dict = {
        **BaseDeepClusterer._parameter_constraints,
        "hidden_dims": [SequenceOf(Integral, 1)],
        "n_embed": POSITIVE_INT,
        "pretrain_epochs": NON_NEGATIVE_INT,
        "pretrain_lr": [*POSITIVE_REAL, None],
        "pretrain_batch_size": [Interval(Integral, 2, None, closed="left"), None],
        "pretrain_noise": NON_NEGATIVE_REAL,
        "pretrain_warmup": NON_NEGATIVE_INT,
        "pretrain_decay": [StrOptions({"none", "cosine"})],
        "pretrain_optimizer": [SubclassOf(torch.optim.Optimizer), None],
    }

    def __init__(
        self,
        n_clusters: int,
        *,
        hidden_dims: tuple[int, ...],
        n_embed: int,
        pretrain_epochs: int,
        pretrain_lr: float | None,
        pretrain_batch_size: int | None,
        pretrain_noise: float,
        pretrain_warmup: int,
        pretrain_decay: str,
        pretrain_optimizer: type[torch.optim.Optimizer] | None,
        **shared,
    ):
        self.hidden_dims = hidden_dims
        self.n_embed = n_embed
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_lr = pretrain_lr
        self.pretrain_batch_size = pretrain_batch_size
        self.pretrain_noise = pretrain_noise
        self.pretrain_warmup = pretrain_warmup
        self.pretrain_decay = pretrain_decay
        self.pretrain_optimizer = pretrain_optimizer
        super().__init__(n_clusters, **shared)

    # ------------------------------------------------------------------ hooks

    @abstractmethod
    def _initialize_clusters(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        """Set the clustering state of a net whose autoencoder is pretrained."""

    def _initialize_net(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        self._pretrain(net, X, seed)
        self._initialize_clusters(net, X, seed)

    # ------------------------------------------------------------- pretraining

    def _pretrain_optimization(self) -> dict:
        """``batch_size``, ``lr`` and ``optimizer`` of the pretraining, defaults resolved."""
        return {
            "batch_size": _default(self.pretrain_batch_size, self.batch_size),
            "lr": _default(self.pretrain_lr, self.lr),
            "optimizer": _default(self.pretrain_optimizer, self.optimizer),
        }

    def _pretrain(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        """Pretrain ``net.module_.autoencoder`` in place with the ``pretrain_*`` settings."""
        if self.pretrain_epochs == 0:
            return
        pretrain_autoencoder(
            net.module_.autoencoder,
            X,
            epochs=self.pretrain_epochs,
            seed=seed,
            device=str(net.device),
            reduction=self._pretrain_reduction,
            noise=float(self.pretrain_noise),
            clip_grad_norm=self.clip_grad_norm,
            warmup_epochs=self.pretrain_warmup,
            cosine_decay=self.pretrain_decay == "cosine",
            verbose=self.verbose,
            **self._pretrain_optimization(),
        )

    @staticmethod
    def _embedding(net: ClusteringNet, X: np.ndarray) -> np.ndarray:
        """Network output 1 (the embedding) for all of ``X``, as float64 numpy."""
        return collect_outputs(net, X, 1).astype(np.float64)

    # ---------------------------------------------------------------- decoding

    def _decode(self, Z: torch.Tensor) -> torch.Tensor:
        return self.net_.module_.autoencoder.decode(Z)


def _default(value, fallback):
    return fallback if value is None else value
