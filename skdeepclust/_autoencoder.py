"""Autoencoders: the public :class:`Autoencoder` (pretraining you can reuse), and what every
autoencoder-based clusterer shares (one set of pretraining parameters, one pretraining path
with an optional cache, your own encoder and decoder, one decode path)."""

from __future__ import annotations

import copy
import os
from abc import abstractmethod
from numbers import Integral

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, check_memory
from torch import nn

from skdeepclust._base import (
    BaseDeepClusterer,
    DecoderMixin,
    EstimatorMixin,
    InverseTransformMixin,
    collect_outputs,
)
from skdeepclust._net import EMBEDDING, ClusteringNet
from skdeepclust._pretrain import pretrain_autoencoder
from skdeepclust.nn.dec import DEC_ENCODERS, DECAutoencoder
from skdeepclust.nn.user import (
    UserAutoencoder,
    UserDecoder,
    UserEncoder,
    build_user_module,
    is_user_module,
    probe,
)
from skdeepclust.utils._device import resolve_device
from skdeepclust.utils._random import restart_seeds, rng_state, seeded_torch, set_rng_state
from skdeepclust.utils._sklearn_compat import (
    NON_NEGATIVE_INT,
    NON_NEGATIVE_REAL,
    POSITIVE_INT,
    POSITIVE_REAL,
    HasMethods,
    Interval,
    SequenceOf,
    StrOptions,
    SubclassOf,
)

#: Constraints of a network given as a built-in's name (listed per estimator) or a module.
NETWORK = [nn.Module, SubclassOf(nn.Module)]


def _user_autoencoder(estimator) -> UserAutoencoder:
    """The user's ``encoder``/``decoder`` of ``estimator`` built behind the package interface."""
    shape, n_features = estimator.input_shape_, estimator.n_features_in_
    encoder = UserEncoder(build_user_module(estimator.encoder,
                                            estimator._routed_params("encoder__"),
                                            shape, "encoder"), shape)
    decoder = build_user_module(estimator.decoder, estimator._routed_params("decoder__"),
                                shape, "decoder")
    width = int(np.prod(encoder.output_shape))
    return UserAutoencoder(encoder, UserDecoder(decoder, (width,), n_features))


def _check_network_pair(encoder, decoder) -> None:
    if is_user_module(encoder) != is_user_module(decoder):
        raise ValueError(
            "Your own encoder needs your own decoder and the other way round: pass both "
            "encoder= and decoder= as nn.Module classes or instances (the built-in networks "
            f"come as pairs); got encoder={encoder!r}, decoder={decoder!r}."
        )


class Autoencoder(InverseTransformMixin, EstimatorMixin, ClassNamePrefixFeaturesOutMixin,
                  TransformerMixin, BaseEstimator):
    r"""An autoencoder trained to reconstruct X, to reuse as the pretraining of a clusterer.

    Fits with exactly the pretraining the autoencoder clusterers run on every fit (the
    package's shared path: mini-batches, optional denoising, warm-up and cosine decay), so
    that ``DEC(autoencoder=Autoencoder(...).fit(X))`` skips its pretraining and fine-tunes a
    copy of this one; the fitted autoencoder itself is never changed. With the same network,
    settings and ``random_state``, ``DEC(autoencoder=ae)`` gives what ``DEC`` pretraining the
    autoencoder itself gives. One fitted autoencoder serves any number of clusterers (a sweep
    over ``n_clusters``, several methods), and every method that has ``autoencoder=`` accepts it.

    Parameters
    ----------
    encoder : {"auto", "mlp", "cnn"}, nn.Module class or instance, default="auto"
        ``"mlp"``: ``d - hidden_dims (ReLU) - n_embed`` with the mirrored decoder (the DEC
        network, DEC's initialisation); ``"cnn"``: the small CNN of the DDC-UCO code with a
        linear ``n_embed`` bottleneck and a transposed-CNN decoder, for images of at least
        20x20. ``"auto"`` picks ``"cnn"`` for samples of shape (C, H, W). Your own network: a
        ``torch.nn.Module`` class (built with the routed ``encoder__*`` parameters) or instance
        (copied) that maps a batch ``(n, *input_shape)`` to the embedding (see
        :mod:`skdeepclust.nn.user`); then ``decoder`` must be yours too.
    decoder : "auto", nn.Module class or instance, default="auto"
        ``"auto"`` with a built-in encoder; your own decoder (routed ``decoder__*``) maps the
        embedding ``(n, d)`` back to the input.
    hidden_dims : tuple of int, default=(500, 500, 2000)
        Hidden widths of the built-in MLP.
    n_embed : int, default=10
        Width of the built-in embedding.
    max_epochs : int, default=100
    lr : float, default=1e-3
    batch_size : int, default=256
        Clamped to the number of samples; the last incomplete batch of an epoch is dropped.
    noise : float, default=0.0
        Standard deviation of Gaussian input noise (a denoising autoencoder), in the units of
        ``X``; 0 disables it.
    warmup : int, default=0
        Epochs over which the learning rate rises linearly to ``lr``.
    decay : {"none", "cosine"}, default="none"
        ``"cosine"`` lowers the learning rate to 0 along half a cosine after the warm-up.
    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
        Its keyword arguments are routed: ``optimizer__eps=1e-3``.
    reduction : {"mean", "sum"}, default="mean"
        Squared error averaged or summed over a sample's features (DCN and ACeDeC pretrain
        with ``"sum"``; under Adam the two differ only through ``eps`` and gradient clipping).
    clip_grad_norm : float or None, default=None
        Maximum global gradient norm (DEC and IDEC pretrain with 10).
    input_shape : tuple of int or None, default=None
        Shape of one sample when ``X`` is passed flat, e.g. ``(1, 28, 28)``.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation, the batches and the noise, as restart 0 of a clusterer with
        the same ``random_state`` is seeded.
    verbose : int, default=0
        2 prints skorch's per-epoch table.

    Attributes
    ----------
    module_ : nn.Module
        The trained autoencoder: ``forward(x) -> (z, x_hat)``, ``encode``, ``decode``.
    net_ : skorch.NeuralNet
        The training net; ``net_.history`` has ``train_reconstruction`` per epoch.
    n_iter_ : int
        Epochs run.
    input_shape_ : tuple of int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Input column names, when ``X`` had string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skdeepclust import DEC, Autoencoder
    >>> X = MinMaxScaler().fit_transform(load_digits().data)
    >>> ae = Autoencoder(hidden_dims=(64,), n_embed=5, max_epochs=2, random_state=0).fit(X)
    >>> ae.transform(X).shape, ae.inverse_transform(ae.transform(X)).shape
    ((1797, 5), (1797, 64))
    >>> DEC(n_clusters=10, autoencoder=ae, max_epochs=2, tol=0.0).fit(X).labels_.shape
    (1797,)
    """

    _routed_prefixes = ("optimizer__", "encoder__", "decoder__")

    _parameter_constraints: dict = {
        "encoder": [StrOptions({"auto", *DEC_ENCODERS}), *NETWORK],
        "decoder": [StrOptions({"auto"}), *NETWORK],
        "hidden_dims": [SequenceOf(Integral, 1)],
        "n_embed": POSITIVE_INT,
        "max_epochs": POSITIVE_INT,
        "lr": POSITIVE_REAL,
        "batch_size": [Interval(Integral, 2, None, closed="left")],
        "noise": NON_NEGATIVE_REAL,
        "warmup": NON_NEGATIVE_INT,
        "decay": [StrOptions({"none", "cosine"})],
        "optimizer": [SubclassOf(torch.optim.Optimizer)],
        "reduction": [StrOptions({"mean", "sum"})],
        "clip_grad_norm": [*POSITIVE_REAL, None],
        "input_shape": [SequenceOf(Integral, 1, allow_empty=False), None],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": NON_NEGATIVE_INT,
    }

    def __init__(
        self,
        *,
        encoder: str | type[nn.Module] | nn.Module = "auto",
        decoder: str | type[nn.Module] | nn.Module = "auto",
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        max_epochs: int = 100,
        lr: float = 1e-3,
        batch_size: int = 256,
        noise: float = 0.0,
        warmup: int = 0,
        decay: str = "none",
        optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
        reduction: str = "mean",
        clip_grad_norm: float | None = None,
        input_shape: tuple[int, ...] | None = None,
        device: str = "auto",
        random_state=None,
        verbose: int = 0,
        **kwargs,
    ):
        self._store_routed(kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.hidden_dims = hidden_dims
        self.n_embed = n_embed
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.noise = noise
        self.warmup = warmup
        self.decay = decay
        self.optimizer = optimizer
        self.reduction = reduction
        self.clip_grad_norm = clip_grad_norm
        self.input_shape = input_shape
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _build_module(self) -> nn.Module:
        if is_user_module(self.encoder):
            return _user_autoencoder(self)
        name = self.encoder
        if name == "auto":
            name = "cnn" if len(self.input_shape_) == 3 else "mlp"
        return DECAutoencoder(self.input_shape_, name, tuple(self.hidden_dims), self.n_embed)

    def fit(self, X, y=None):
        """Train the autoencoder to reconstruct ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
        y : Ignored

        Returns
        -------
        self : object
        """
        self._validate_params()
        X = self._validate_fit_input(X)
        _check_network_pair(self.encoder, self.decoder)
        device = resolve_device(self.device)
        # The seed of a clusterer's first restart, so both build and train alike.
        seed = restart_seeds(self.random_state, 1)[0]
        with seeded_torch(seed, device):
            module = self._build_module()
            self.net_ = pretrain_autoencoder(
                module, X, epochs=self.max_epochs, batch_size=self.batch_size, lr=self.lr,
                seed=seed, device=device, optimizer=self.optimizer,
                optimizer_params=self._routed_params("optimizer__"),
                reduction=self.reduction, noise=float(self.noise),
                clip_grad_norm=self.clip_grad_norm, warmup_epochs=self.warmup,
                cosine_decay=self.decay == "cosine", verbose=self.verbose,
            )
        self.module_ = module
        self.n_iter_ = len(self.net_.history)
        self._n_features_out = _embedding_width(module, self.n_features_in_)
        return self

    def transform(self, X):
        """The embedding of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)

        Returns
        -------
        Z : ndarray of shape (n_samples, n_embed), dtype float32
        """
        return self._map_numpy(self._validate_input(X), self.module_.encode)

    def _decode(self, Z: torch.Tensor) -> torch.Tensor:
        return self.module_.decode(Z)

    def score(self, X, y=None) -> float:
        """Minus the mean squared reconstruction error over all values of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
        y : Ignored

        Returns
        -------
        score : float
        """
        X = self._validate_input(X)
        reconstruction = self._map_numpy(X, lambda batch: self.module_(batch)[1])
        return -float(np.mean((X.astype(np.float64) - reconstruction) ** 2))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def _embedding_width(module: nn.Module, n_features: int) -> int:
    """Width of ``module.forward(x)[0]`` (the embedding), from a probe in eval mode."""
    return int(probe(module, module, (n_features,))[0].flatten(1).shape[1])


def _pretrained_state(autoencoder: nn.Module, key: dict, X: np.ndarray, rng: tuple,
                      settings: dict, verbose: int = 0) -> tuple[dict, tuple]:
    """Pretrain a copy of ``autoencoder`` from the RNG state ``rng``: its trained weights
    (on the CPU) and the RNG state after, for :func:`joblib.Memory` to cache.

    ``autoencoder`` and ``verbose`` are not part of the cache key; ``key`` stands for the
    autoencoder (its architecture as printed and its initial weights, as numpy arrays: torch
    tensors do not pickle to the same bytes twice, so joblib cannot hash them). With the
    data, the RNG state the pretraining starts from and the settings, that is everything the
    result depends on: a cached pretraining is reused exactly when running it again would
    give the same weights, and restoring the RNG state after it keeps everything downstream
    as without the cache.
    """
    autoencoder = copy.deepcopy(autoencoder)
    device = settings["device"]
    with seeded_torch(0, device):
        set_rng_state(tuple(None if s is None else torch.as_tensor(s) for s in rng), device)
        pretrain_autoencoder(autoencoder, X, verbose=verbose, **settings)
        after = rng_state(device)
    return {k: v.detach().cpu() for k, v in autoencoder.state_dict().items()}, after


def _cache_key(autoencoder: nn.Module) -> dict:
    """What identifies an untrained autoencoder: its printed architecture and its weights."""
    return {
        "architecture": repr(autoencoder),
        "state": {k: v.detach().cpu().numpy() for k, v in autoencoder.state_dict().items()},
    }


class BaseAutoencoderClusterer(DecoderMixin, BaseDeepClusterer):
    """Base of DEC, IDEC, DCN, ACeDeC and AECM.

    The network (``_module_class``) holds its autoencoder as ``module.autoencoder``, with
    ``forward(x) -> (z, x_hat)``, ``encode`` and ``decode``; it builds its own unless it
    receives one as ``autoencoder=`` (:meth:`_autoencoder_kwargs`). Each restart first
    pretrains that autoencoder (:meth:`_pretrain`), then hands the net to
    :meth:`_initialize_clusters` (k-means in the embedding, ...).

    Parameters shared by the subclasses, with the same names and meaning in each (defaults
    differ per method and are documented there):

    - ``encoder``, ``decoder``: a built-in network's name, or your own ``nn.Module`` classes
      (routed ``encoder__*``, ``decoder__*``) or instances, both or neither
      (:mod:`skdeepclust.nn.user`).
    - ``autoencoder``: a fitted :class:`Autoencoder` whose copy replaces the network's own
      and its pretraining (the ``pretrain_*`` parameters, ``encoder``, ``decoder``,
      ``hidden_dims`` and ``n_embed`` are then not used).
    - ``memory``: None, a path or a ``joblib.Memory``; caches the pretraining, keyed on the
      data, the autoencoder (architecture as printed, initial weights), the RNG state and the
      settings, so a parameter sweep that leaves these unchanged (``n_clusters``, the
      clustering loss weights) pretrains once per data set. A change to the code of your own
      network class that its printed form does not show is not seen: clear the cache then.
    - ``pretrain_epochs`` (0 skips pretraining), ``pretrain_lr`` (None: ``lr``),
      ``pretrain_batch_size`` (None: ``batch_size``), ``pretrain_noise`` (Gaussian input noise
      of a denoising autoencoder, in the units of ``X``), ``pretrain_warmup`` (epochs of linear
      learning-rate warm-up), ``pretrain_decay`` (``"cosine"``: down to 0 after the warm-up),
      ``pretrain_optimizer`` (None: ``optimizer`` with its routed ``optimizer__*``; a class:
      with the routed ``pretrain_optimizer__*``).

    Pretraining also uses ``clip_grad_norm`` and ``verbose``. Its loss is the squared error,
    averaged or, for the methods whose paper does so, summed over features
    (``_pretrain_reduction``).
    """

    _routed_prefixes = ("optimizer__", "pretrain_optimizer__", "encoder__", "decoder__")
    #: Reduction of the pretraining reconstruction loss over a sample's features.
    _pretrain_reduction = "mean"

    _parameter_constraints: dict = {
        **BaseDeepClusterer._parameter_constraints,
        "encoder": [StrOptions({"mlp"}), *NETWORK],
        "decoder": [StrOptions({"auto"}), *NETWORK],
        "autoencoder": [Autoencoder, None],
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
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
        encoder,
        decoder,
        autoencoder: Autoencoder | None,
        memory,
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
        self.encoder = encoder
        self.decoder = decoder
        self.autoencoder = autoencoder
        self.memory = memory
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

    def _check_params_vs_input(self, X: np.ndarray) -> None:
        super()._check_params_vs_input(X)
        if self.autoencoder is None:
            _check_network_pair(self.encoder, self.decoder)
            return
        check_is_fitted(self.autoencoder)
        if self.autoencoder.input_shape_ != self.input_shape_:
            raise ValueError(
                f"autoencoder was fitted on samples of shape {self.autoencoder.input_shape_}, "
                f"but X has samples of shape {self.input_shape_}."
            )

    def _initialize_net(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        self._pretrain(net, X, seed)
        self._initialize_clusters(net, X, seed)

    def _uses_builtin_autoencoder(self) -> bool:
        return self.autoencoder is None and not is_user_module(self.encoder)

    def _autoencoder_kwargs(self) -> dict:
        """``n_embed`` and, unless the network builds its own, ``autoencoder`` (a module)."""
        if self.autoencoder is not None:
            module = copy.deepcopy(self.autoencoder.module_)
        elif is_user_module(self.encoder):
            module = _user_autoencoder(self)
        else:
            return {"n_embed": self.n_embed}
        return {"autoencoder": module, "n_embed": _embedding_width(module, self.n_features_in_)}

    # ------------------------------------------------------------- pretraining

    def _pretrain_optimization(self) -> dict:
        """``batch_size``, ``lr``, ``optimizer`` and ``optimizer_params`` of the pretraining."""
        if self.pretrain_optimizer is None:
            optimizer = self.optimizer
            params = {**self._routed_params("optimizer__"),
                      **self._routed_params("pretrain_optimizer__")}
        else:
            optimizer = self.pretrain_optimizer
            params = self._routed_params("pretrain_optimizer__")
        return {
            "batch_size": _default(self.pretrain_batch_size, self.batch_size),
            "lr": _default(self.pretrain_lr, self.lr),
            "optimizer": optimizer,
            "optimizer_params": params,
        }

    def _pretrain(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        """Pretrain ``net.module_.autoencoder`` in place with the ``pretrain_*`` settings
        (from the cache in ``memory`` when it has this pretraining)."""
        if self.autoencoder is not None or self.pretrain_epochs == 0:
            return
        device = str(net.device)
        settings = {
            "epochs": self.pretrain_epochs,
            "seed": seed,
            "device": device,
            "reduction": self._pretrain_reduction,
            "noise": float(self.pretrain_noise),
            "clip_grad_norm": self.clip_grad_norm,
            "warmup_epochs": self.pretrain_warmup,
            "cosine_decay": self.pretrain_decay == "cosine",
            **self._pretrain_optimization(),
        }
        autoencoder = net.module_.autoencoder
        if self.memory is None:
            pretrain_autoencoder(autoencoder, X, verbose=self.verbose, **settings)
            return
        memory = os.fspath(self.memory) if isinstance(self.memory, os.PathLike) else self.memory
        cached = check_memory(memory).cache(_pretrained_state, ignore=["autoencoder", "verbose"])
        rng = tuple(None if s is None else s.cpu().numpy() for s in rng_state(device))
        state, after = cached(autoencoder, _cache_key(autoencoder), X, rng, settings,
                              verbose=self.verbose)
        autoencoder.load_state_dict(state)
        set_rng_state(after, device)

    @staticmethod
    def _embedding(net: ClusteringNet, X: np.ndarray) -> np.ndarray:
        """Network output 1 (the embedding) for all of ``X``, as float64 numpy."""
        return collect_outputs(net, X, EMBEDDING).astype(np.float64)

    # ---------------------------------------------------------------- decoding

    def _decode(self, Z: torch.Tensor) -> torch.Tensor:
        return self.net_.module_.autoencoder.decode(Z)


def _default(value, fallback):
    return fallback if value is None else value
