"""Autoencoder pretraining: the one path shared by every autoencoder-based clusterer."""

from __future__ import annotations

import math

import numpy as np
import torch
from skorch.callbacks import GradientNormClipping, LRScheduler

from skdeepclust._net import BatchIterator, ClusteringNet, TensorDataset, make_net
from skdeepclust.nn.autoencoders import ReconstructionObjective


def pretrain_autoencoder(
    autoencoder: torch.nn.Module,
    X: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    device: str,
    optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
    optimizer_params: dict | None = None,
    reduction: str = "mean",
    noise: float = 0.0,
    clip_grad_norm: float | None = None,
    warmup_epochs: int = 0,
    cosine_decay: bool = False,
    verbose: int = 0,
) -> ClusteringNet:
    """Train ``autoencoder`` in place to reconstruct ``X`` (end-to-end, optionally denoising).

    The autoencoder is passed to skorch as an instance, so the clusterer that owns it keeps the
    trained weights. Runs under the caller's seeded RNG (see ``BaseDeepClusterer``).

    Parameters
    ----------
    autoencoder : nn.Module
        ``forward(x) -> (embedding, reconstruction)``.
    X : ndarray of shape (n_samples, n_features)
    epochs, batch_size : int
    lr : float
    seed : int
        Seeds the mini-batch shuffling.
    device : str
    optimizer : torch.optim.Optimizer class, default=Adam
    optimizer_params : dict or None, default=None
        Keyword arguments of the optimizer (``{"momentum": 0.9}``).
    reduction : {"mean", "sum"}, default="mean"
        Reconstruction loss reduction.
    noise : float, default=0.0
        Standard deviation of Gaussian input noise (denoising autoencoder); 0 disables it.
    clip_grad_norm : float or None
    warmup_epochs : int, default=0
        Raise the learning rate linearly from ``lr / n`` to ``lr`` over the first ``n``
        mini-batches, the first ``warmup_epochs`` epochs (0: constant rate). Adam's
        first steps move every weight by about ``lr`` whatever the gradient's size; at full
        rate they switch off many ReLU units for good (see :class:`skdeepclust.DCN`).
    cosine_decay : bool, default=False
        After the warm-up, lower the learning rate from ``lr`` to 0 along half a cosine over
        the remaining mini-batches (False: keep ``lr``).
    verbose : int, default=0
        2 or more prints skorch's per-epoch table.

    Returns
    -------
    net : ClusteringNet
        The pretraining net; ``net.history`` holds ``train_reconstruction`` per epoch.
    """
    callbacks = []
    if clip_grad_norm is not None:
        callbacks.append(("clip_grad_norm", GradientNormClipping(clip_grad_norm)))
    if warmup_epochs > 0 or cosine_decay:
        # Counted by the training iterator's own rule (make_net drops the last partial batch).
        per_epoch = len(BatchIterator(TensorDataset(torch.as_tensor(X)), batch_size,
                                      drop_last=True))
        schedule = WarmupCosine(warmup_epochs * per_epoch,
                                epochs * per_epoch if cosine_decay else None)
        callbacks.append(("lr_schedule", LRScheduler(torch.optim.lr_scheduler.LambdaLR,
                                                     lr_lambda=schedule, step_every="batch")))
    net = make_net(
        _Denoising(autoencoder, noise) if noise > 0 else autoencoder,
        ReconstructionObjective,
        term_names=ReconstructionObjective.term_names,
        n_samples=len(X),
        batch_size=batch_size,
        seed=seed,
        device=device,
        verbose=verbose,
        callbacks=callbacks,
        criterion__reduction=reduction,
        optimizer=optimizer,
        lr=lr,
        max_epochs=epochs,
        **{f"optimizer__{k}": v for k, v in (optimizer_params or {}).items()},
    )
    net.fit(X)
    return net


class WarmupCosine:
    r"""Learning-rate factor for ``LambdaLR`` (picklable): a linear warm-up, then optionally
    half a cosine down to 0.

    .. math::
        f(t) = \min\left(1, \frac{t + 1}{n_w}\right) \cdot
        \tfrac{1}{2}\left(1 + \cos\left(\pi \, \frac{\max(0, t - n_w)}{T - n_w}\right)\right)

    for step :math:`t`, ``n_warmup`` :math:`= n_w` and ``n_total`` :math:`= T`; the first factor
    is 1 when ``n_warmup`` is 0, the second when ``n_total`` is None.
    """

    def __init__(self, n_warmup: int, n_total: int | None = None):
        self.n_warmup = n_warmup
        self.n_total = n_total

    def __call__(self, step: int) -> float:
        factor = min(1.0, (step + 1) / self.n_warmup) if self.n_warmup > 0 else 1.0
        if self.n_total is not None:
            progress = min(1.0, max(0, step - self.n_warmup) / max(1, self.n_total - self.n_warmup))
            factor *= 0.5 * (1.0 + math.cos(math.pi * progress))
        return factor


class _Denoising(torch.nn.Module):
    """Adds Gaussian noise to the input in training mode only."""

    def __init__(self, autoencoder: torch.nn.Module, noise: float):
        super().__init__()
        self.autoencoder = autoencoder
        self.noise = noise

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.training:
            x = x + self.noise * torch.randn_like(x)
        return self.autoencoder(x)
