r"""The clustering module (CM) and AE-CM (Boubekki, Kampffmeyer, Brefeld and Jenssen, 2021)."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback
from torch import nn

from skdeepclust._autoencoder import Autoencoder, BaseAutoencoderClusterer
from skdeepclust._base import BaseDeepClusterer, DecoderMixin, collect_outputs
from skdeepclust._kmeans import kmeans
from skdeepclust._net import (
    ASSIGNMENTS,
    EMBEDDING,
    INFERENCE_BATCH_SIZE,
    ClusteringNet,
)
from skdeepclust.callbacks import WeightAveragingEpoch
from skdeepclust.losses.cm import cm_selection_score
from skdeepclust.nn.cm import (
    AECMNetwork,
    AECMObjective,
    CMHeadNetwork,
    CMNetwork,
    CMObjective,
)
from skdeepclust.utils._sklearn_compat import (
    NON_NEGATIVE_REAL,
    POSITIVE_REAL,
    SequenceOf,
    StrOptions,
)
from skdeepclust.utils._validation import check_int

INITS = ("random", "k-means++", "k-means", "k-means-posterior")
REDUCTIONS = ("mean", "sum")

#: The parameters of the clustering module, shared by CM and AE-CM.
CM_CONSTRAINTS: dict = {
    "alpha": [*POSITIVE_REAL, SequenceOf(Real, 0, strict=True, allow_empty=False)],
    "reduction": [StrOptions(set(REDUCTIONS))],
    "init": [StrOptions(set(INITS))],
    "averaging_epoch": ["boolean"],
}


def _alpha_value(alpha) -> float | tuple[float, ...]:
    """``alpha`` as a float or a tuple of floats (hashable, clone-safe)."""
    if isinstance(alpha, Real):
        return float(alpha)
    return tuple(float(a) for a in np.asarray(alpha, dtype=np.float64))


def _cm_start(Z: np.ndarray, n_clusters: int, init: str,
              seed: int) -> tuple[np.ndarray, float | None]:
    """Centres for the CM initialisation, and the variance of the posterior encoder.

    ``"k-means++"``: one k-means++ seeding + one Lloyd step (the authors' ``pre_fit``);
    ``"k-means"``: a converged ``KMeans(n_init=10)``; both with the pseudo-inverse encoder
    (variance None). ``"k-means-posterior"``: the converged k-means and its pooled
    within-cluster variance per dimension, ``inertia / (n * d)``.
    """
    if init == "k-means++":
        return kmeans(Z, n_clusters, seed, n_init=1, max_iter=1).cluster_centers_, None
    model = kmeans(Z, n_clusters, seed)
    if init == "k-means":
        return model.cluster_centers_, None
    variance = float(model.inertia_) / Z.size
    return model.cluster_centers_, max(variance, float(np.finfo(np.float32).tiny))


class _ClusteringModuleMixin:
    """What CM and AE-CM share: the alpha check, the averaging epoch, selection by
    :math:`L_{sp}`, ``cluster_centers_`` and the generative helpers."""

    def _check_params_vs_input(self, X: np.ndarray) -> None:
        super()._check_params_vs_input(X)
        if not isinstance(self.alpha, Real) and len(self.alpha) != self.n_clusters:
            raise ValueError(
                f"alpha must be a scalar or have one entry per cluster (n_clusters="
                f"{self.n_clusters}); got {len(self.alpha)} entries."
            )

    def _method_callbacks(self) -> list[tuple[str, Callback]]:
        # After the best-epoch restore, so the averaging starts from those weights and user
        # callbacks' on_train_end see the final (averaged) weights.
        return [("averaging_epoch", WeightAveragingEpoch())] if self.averaging_epoch else []

    def _cm_input(self, net: ClusteringNet, X: np.ndarray) -> np.ndarray:
        """The points the CM clusters: ``X`` itself (CM) or its embedding (AE-CM)."""
        return X

    def _init_cm(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        if self.init != "random":
            centers, variance = _cm_start(self._cm_input(net, X), self.n_clusters, self.init,
                                          seed)
            net.module_.head.set_centroids(centers, variance)

    def _selection_score(self, net: ClusteringNet, X: np.ndarray) -> float:
        r""":math:`L_{sp} = E_2 + E_3` per sample over all of ``X`` (lower is better).

        Computed in the space the CM clusters (the code space for AE-CM), in float64, summed
        over all samples and divided by their number, so it is independent of ``reduction``
        and of the batch size.
        """
        net.module_.eval()
        with torch.inference_mode():
            centroids = net.module_.head.centroids.detach().cpu().double()
            total = 0.0
            for (gamma,) in net.iter_outputs(X, (ASSIGNMENTS,), INFERENCE_BATCH_SIZE):
                total += float(cm_selection_score(gamma.double(), centroids, reduction="sum"))
        return total / len(X)

    def _set_fitted_attributes(self, X: np.ndarray) -> None:
        with torch.no_grad():
            self.cluster_centers_ = self.net_.module_.head.centroids.detach().cpu().numpy()

    def interpolate_centers(self, start: int, stop: int, n_steps: int = 10) -> np.ndarray:
        r"""Points on the segment between two centres, mapped to the input space.

        Interpolates linearly in the space of ``cluster_centers_``,
        :math:`(1 - t) u_{start} + t u_{stop}` for ``n_steps`` values of :math:`t` from 0 to 1,
        and decodes each point (paper Fig. 7).

        Parameters
        ----------
        start, stop : int
            Cluster indices.
        n_steps : int, default=10
            Number of points, both ends included (at least 2).

        Returns
        -------
        path : ndarray of shape (n_steps, n_features_in_), dtype float32
        """
        check_is_fitted(self)
        for name, value in (("start", start), ("stop", stop)):
            check_int(name, value, 0)
            if value >= self.n_clusters:
                raise ValueError(f"{name} must be < n_clusters={self.n_clusters}; got {value}.")
        check_int("n_steps", n_steps, 2)
        t = np.linspace(0.0, 1.0, n_steps, dtype=np.float32)[:, None]
        centers = self.cluster_centers_.astype(np.float32)
        return self._map_numpy((1.0 - t) * centers[start] + t * centers[stop],
                               self._decode_centers)


class ClusteringModule(_ClusteringModuleMixin, DecoderMixin, BaseDeepClusterer):
    r"""The clustering module (CM): an isotropic GMM trained as a softmax autoencoder.

    The responsibilities are :math:`\gamma_i = \operatorname{softmax}(x_i W_{enc} + b_{enc})` and
    the reconstruction :math:`\bar x_i = \gamma_i W_{dec} + b_{dec} = \gamma_i U`, where the
    centroids :math:`U = W_{dec} + b_{dec}` (shape (k, d)) are the decoder images of the
    one-hot codes. The loss is the negative Q-function of an isotropic GMM with a Dirichlet
    prior on the mixture weights (paper Eq. 7),

    .. math::
        L_{CM} = \underbrace{\sum_i \|x_i - \bar x_i\|^2}_{E_1}
        + \underbrace{\sum_j \Big(\sum_i \gamma_{ij}(1 - \gamma_{ij})\Big)\|u_j\|^2}_{E_2}
        \underbrace{- \sum_{j \ne l} \Big(\sum_i \gamma_{ij}\gamma_{il}\Big) u_j^\top u_l}_{E_3}
        + \underbrace{\sum_j (1 - \alpha_{(j)}) \log \tilde\gamma_{(j)}}_{E_4},

    with :math:`\tilde\gamma_j` the batch mean of :math:`\gamma_{\cdot j}` (plus :math:`10^{-10}`)
    and :math:`(j)` the ascending order. Since
    :math:`E_1 + E_2 + E_3 = \sum_{ij} \gamma_{ij} \|x_i - u_j\|^2`, with :math:`\alpha = 1` the
    CM minimises the soft k-means distortion by gradient descent; it behaves like k-means /
    an isotropic GMM.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    alpha : float or array-like of shape (n_clusters,), default=1.5
        Concentration of the Dirichlet prior. Values above 1 keep every cluster in use; below
        1 the prior rewards empty clusters. A vector is sorted and paired with the clusters
        sorted by size (smallest concentration to the smallest cluster), as the authors do.
        Its strength relative to the data terms depends on ``reduction`` and, for
        ``reduction="sum"``, on ``batch_size`` (see Notes).
    reduction : {"mean", "sum"}, default="mean"
        How :math:`E_1, E_2, E_3` are reduced over a mini-batch. ``"sum"`` is the authors'
        code (use it with the paper's :math:`(\alpha, B)` pairs); ``"mean"`` makes ``alpha``
        independent of ``batch_size``.
    init : {"random", "k-means++", "k-means", "k-means-posterior"}, default="random"
        ``"random"``: Glorot-uniform weights, Glorot-normal biases ("CM^r"). ``"k-means++"``:
        centres ``C`` from ``KMeans(init="k-means++", n_init=1, max_iter=1)``, then
        :math:`W_{dec} = C`, :math:`W_{enc} = C^+` (pseudo-inverse), zero biases ("CM^p").
        ``"k-means"``: the same from a converged ``KMeans(n_init=10)``.
        ``"k-means-posterior"``: the converged k-means centres with an encoder that gives
        their isotropic Gaussian posterior (the pooled within-cluster variance), so the CM
        starts from the k-means partition, which the pseudo-inverse does not reproduce (see
        :meth:`~skdeepclust.nn.cm.CMHead.set_centroids`); not in the paper.
    averaging_epoch : bool, default=True
        After training, run one more epoch and load the mean of the weights over its steps
        (paper §4.1); see :class:`WeightAveragingEpoch`.
    n_init : int, default=10
        Number of restarts; the one with the lowest :math:`L_{sp}` is kept. The paper uses 20.
    max_epochs : int, default=150
        Training epochs per restart (the paper's value), not counting the averaging epoch.
    batch_size : int, default=64
        Mini-batch size (clamped to the number of samples; the last incomplete batch of an
        epoch is dropped).
    lr : float, default=1e-2
        Learning rate. Higher than the paper's 1e-3: the CM is linear and its centroids move
        about ``lr`` per Adam step, so small data sets (few steps per epoch) need it (iris:
        ACC 0.817 at 1e-2, 0.776 at 1e-3, 5 seeds).
    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
    clip_grad_norm : float or None, default=None
        Maximum global gradient norm; None disables clipping.
    patience : int or None, default=None
        Stop a restart after this many epochs without a lower training loss. The weights of the
        lowest-loss epoch are restored at the end of each restart (before the averaging epoch).
    input_shape : tuple of int or None, default=None
        Shape of one sample; the CM itself always works on flattened samples.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks, copied for each restart.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
    n_jobs : int or None, default=None
        Restarts to run in parallel through joblib (None means 1).
    random_state : int, RandomState instance or None, default=None
        Seeds the restarts (initialisation, k-means++ seeding, shuffling).
    verbose : int, default=0
        0: silent; 1: a progress bar over restarts; 2: also skorch's per-epoch table.
    **kwargs
        Routed parameters, skorch-style: ``optimizer__*`` to the optimizer (``optimizer__eps``).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features_in_)
        Centroids :math:`U` in the input space (decoder bias included).
    labels_ : ndarray of shape (n_samples,)
        :math:`\operatorname{argmax}_j \gamma_{ij}` of each training sample.
    net_ : skdeepclust._net.ClusteringNet
        The skorch net of the selected restart; ``net_.history`` holds ``train_loss`` and the
        terms ``train_reconstruction``, ``train_sparsity``, ``train_cross``, ``train_prior``.
    restart_scores_ : ndarray of shape (n_init,)
        :math:`L_{sp}` per sample of each restart; lower is better.
    restart_labels_ : ndarray of shape (n_init, n_samples)
        Labels each restart gives the training data.
    best_restart_ : int
        Index of the selected restart.
    n_iter_ : int
        Epochs run by the selected restart, the averaging epoch included.
    input_shape_ : tuple of int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Input column names, when ``X`` had string column names.

    Notes
    -----
    **Reduction, alpha and batch size.** The data terms :math:`E_1..E_3` are sums over the
    samples of a batch; :math:`E_4` depends on the batch only through the means
    :math:`\tilde\gamma_j`. With ``reduction="sum"`` (authors) the prior's weight relative to
    the data is :math:`(\alpha - 1)/B`: the paper's tuned values come in pairs, e.g. MNIST
    :math:`\alpha = 177, B = 111`, Fashion-MNIST :math:`80 / 35`, USPS :math:`40 / 150`,
    Pendigits :math:`13 / 80` (paper Table 12). With ``reduction="mean"`` (default) every
    data term is divided by :math:`B`, the loss equals :math:`L^{sum} / B` with

    .. math:: \alpha_{mean} = 1 + (\alpha_{sum} - 1) / B,

    so the paper's settings translate to ``alpha`` 2.59 (MNIST), 3.26 (Fashion-MNIST), 1.26
    (USPS), 1.15 (Pendigits), and changing ``batch_size`` leaves the model unchanged. The
    default ``alpha=1.5`` lies in that range and was the best of 1.1, 1.25, 1.5 and 2 on
    digits; the data terms are squared distances, so the prior's relative weight also scales
    with :math:`1/\text{scale}^2` of the data: standardise or min-max scale it. Both
    reductions have the same minimisers; Adam makes the training nearly (not exactly)
    invariant to the overall factor :math:`B`.

    **Selection.** Restarts are ranked by :math:`L_{sp} = E_2 + E_3` on all the training data,
    the paper's criterion (§5.2.4); it is the variance of :math:`\gamma_i U` under
    :math:`\gamma_i`, so it prefers confident assignments. It is 0 for a solution that puts
    every point in one cluster, which the prior (``alpha > 1``) normally prevents.

    **Outputs.** ``predict_proba`` returns :math:`\gamma`. ``transform`` returns the CM's code,
    which is also :math:`\gamma` (shape (n, k)): the CM is an autoencoder whose bottleneck is
    the responsibilities; ``inverse_transform`` maps codes to the input space,
    :math:`\gamma \mapsto \gamma U` (the reconstruction :math:`\bar x`). ``decode_centers``
    returns ``cluster_centers_`` and ``interpolate_centers`` the segment between two of them.

    Paper protocol (§5.2, Table 12): :func:`skdeepclust.presets.cm` (``reduction="sum"``, 150
    epochs, Adam with ``lr=1e-3`` and :math:`\epsilon = 10^{-3}`, the dataset's tuned
    ``alpha`` / ``batch_size`` pair).

    References
    ----------
    A. Boubekki, M. Kampffmeyer, U. Brefeld and R. Jenssen, "Joint optimization of an
    autoencoder for clustering and embedding", Machine Learning 110, 2021.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeepclust import ClusteringModule
    >>> X = StandardScaler().fit_transform(load_iris().data)
    >>> cm = ClusteringModule(n_clusters=3, n_init=2, max_epochs=20, random_state=0).fit(X)
    >>> cm.cluster_centers_.shape, cm.predict_proba(X).shape
    ((3, 4), (150, 3))
    """

    _module_class = CMNetwork
    _objective_class = CMObjective

    _parameter_constraints: dict = {**BaseDeepClusterer._parameter_constraints, **CM_CONSTRAINTS}

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        alpha: float | tuple[float, ...] = 1.5,
        reduction: str = "mean",
        init: str = "random",
        averaging_epoch: bool = True,
        n_init: int = 10,
        max_epochs: int = 150,
        batch_size: int = 64,
        lr: float = 1e-2,
        optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
        clip_grad_norm: float | None = None,
        patience: int | None = None,
        input_shape: tuple[int, ...] | None = None,
        callbacks: list | None = None,
        device: str = "auto",
        n_jobs: int | None = None,
        random_state=None,
        verbose: int = 0,
        **kwargs,
    ):
        self.alpha = alpha
        self.reduction = reduction
        self.init = init
        self.averaging_epoch = averaging_epoch
        self.patience = patience
        super().__init__(
            n_clusters,
            n_init=n_init,
            max_epochs=max_epochs,
            batch_size=batch_size,
            lr=lr,
            optimizer=optimizer,
            clip_grad_norm=clip_grad_norm,
            input_shape=input_shape,
            callbacks=callbacks,
            device=device,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=verbose,
            **kwargs,
        )

    def _module_kwargs(self) -> dict:
        return {"input_shape": self.input_shape_, "n_clusters": self.n_clusters}

    def _objective_kwargs(self, module_kwargs: dict) -> dict:
        return {"alpha": _alpha_value(self.alpha), "reduction": self.reduction}

    def _initialize_net(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        self._init_cm(net, X, seed)

    def _decode(self, Z: torch.Tensor) -> torch.Tensor:
        r"""Codes (responsibilities) to the input space: :math:`\gamma \mapsto \gamma U`."""
        return self.net_.module_.head.decode(Z)

    def _decode_centers(self, centers: torch.Tensor) -> torch.Tensor:
        # The CM's centres already live in the input space.
        return centers


class AECM(_ClusteringModuleMixin, BaseAutoencoderClusterer):
    r"""AE-CM: a clustering module nested in a deep autoencoder, trained jointly.

    An encoder :math:`f` maps :math:`x` to a code :math:`z = f(x) \in \mathbb{R}^p`, a decoder
    :math:`g` reconstructs :math:`\hat x = g(z)`, and a clustering module clusters the codes:
    :math:`\gamma = \operatorname{softmax}(z W_{enc} + b_{enc})`, centroids
    :math:`U = W_{dec} + b_{dec} \in \mathbb{R}^{k \times p}`. The loss (paper Eq. 10) is

    .. math::
        L = \underbrace{\sum_i \|z_i - \gamma_i U\|^2}_{L_1}
          + \underbrace{\sum_{ij} \gamma_{ij}(1 - \gamma_{ij})}_{L_2}
          + \lambda \underbrace{\sum_{j,l} |(UU^\top - I_k)_{jl}|}_{L_3}
          + \underbrace{\sum_j (1 - \alpha_{(j)}) \log \tilde\gamma_{(j)}}_{L_4}
          + \beta \underbrace{\sum_i \|x_i - \hat x_i\|^2}_{L_5}.

    The orthonormality penalty acts on the :math:`k \times k` Gram matrix of the centroids
    (bias included); under it the CM's :math:`E_2` reduces to :math:`L_2` and :math:`E_3`
    vanishes. All parameters (encoder, decoder, CM) are trained together.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters. Keep it at most ``n_embed``: ``k`` orthonormal centroids need
        ``k <= p`` dimensions (a warning is raised otherwise, unless ``lam=0``).
    encoder : "mlp", nn.Module class or instance, default="mlp"
        ``"mlp"``: the built-in fully connected autoencoder (``hidden_dims``, ``n_embed``).
        Your own network: a ``torch.nn.Module`` class (built per restart with the routed
        ``encoder__*`` parameters) or instance (copied per restart) that maps a batch
        ``(n, *input_shape)`` to the embedding (see :mod:`skdeepclust.nn.user`); then
        ``decoder`` must be yours too, and the embedding's width replaces ``n_embed``.
    decoder : "auto", nn.Module class or instance, default="auto"
        ``"auto"`` with the built-in encoder. With your own encoder, your own decoder (routed
        ``decoder__*``): it maps the embedding ``(n, d)`` back to the input.
    autoencoder : Autoencoder or None, default=None
        A fitted :class:`~skdeepclust.Autoencoder`: every restart fine-tunes a copy of it
        instead of pretraining its own (``encoder``, ``decoder``, ``hidden_dims``, ``n_embed``
        and the ``pretrain_*`` parameters are then not used; the given one is never changed).
    memory : None, str, path or joblib.Memory, default=None
        Cache of the pretraining, keyed on the data, the initial autoencoder, the RNG state
        and the pretraining settings (as ``Pipeline``'s ``memory``): a sweep over clustering
        parameters (``n_clusters``, loss weights) pretrains once per data set, with results
        identical to pretraining each time.
    hidden_dims : tuple of int, default=(500, 500, 2000)
        Encoder hidden widths (mirrored in the decoder); ``()`` gives a linear autoencoder
        (the paper's setting for small UCI tables is ``hidden_dims=()``, ``n_embed=2 k``).
    n_embed : int, default=10
        Dimension :math:`p` of the code.
    negative_slope : float, default=0.2
        Slope of the leaky ReLU after every hidden layer (paper: 0.2).
    alpha : float or array-like of shape (n_clusters,), default=1.5
        Dirichlet concentration, see :class:`ClusteringModule` and the Notes.
    beta : float, default=5.0
        Weight :math:`\beta \ge 0` of the autoencoder reconstruction :math:`L_5`. A ratio of
        two batch sums (or means), so it does not depend on ``batch_size`` or ``reduction``;
        it does depend on the number of features and their scale (:math:`L_5` sums over them).
    lam : float, default=0.002
        Weight :math:`\lambda \ge 0` of the orthonormality penalty (see Notes: the paper's
        :math:`\lambda = 1` with batch sums of 500 samples).
    reduction : {"mean", "sum"}, default="mean"
        How :math:`L_1, L_2, L_5` are reduced over a mini-batch (see Notes).
    init : {"random", "k-means++", "k-means", "k-means-posterior"}, default="k-means-posterior"
        Initialisation of the CM. ``"random"``: Glorot ("AE-CM^r"). ``"k-means++"``,
        ``"k-means"``, ``"k-means-posterior"``: as in :class:`ClusteringModule`, computed on
        the codes of the training
        data *after* the optional pretraining (with ``pretrain_epochs > 0`` this is "AE-CM^p";
        without pretraining it seeds the CM on the codes of the random encoder).
    pretrain_epochs : int, default=100
        Pretraining before the joint training (0: none), the authors' AE-CM^p path: (1) the
        autoencoder alone for ``pretrain_epochs`` epochs through the package's shared
        pretraining (mean squared error); (2) the CM initialised by ``init`` on the codes;
        (3) the CM alone on the frozen codes with the full CM loss :math:`E_1..E_4`
        (``alpha``, ``reduction``) for another ``pretrain_epochs`` epochs (authors: 100 + 100
        epochs). Stage (1) uses the ``pretrain_*`` settings below; stage (3) the optimizer,
        learning rate and batch size of the joint training, as the authors' code does.
    pretrain_lr : float or None, default=None
        Learning rate of the autoencoder pretraining; None uses ``lr``.
    pretrain_batch_size : int or None, default=None
        Batch size of the autoencoder pretraining; None uses ``batch_size``.
    pretrain_noise : float, default=0.0
        Gaussian input noise of the autoencoder pretraining (denoising); 0 disables it.
    pretrain_warmup : int, default=0
        Epochs of linear learning-rate warm-up in the autoencoder pretraining.
    pretrain_decay : {"none", "cosine"}, default="none"
        Cosine decay of the autoencoder pretraining's learning rate after the warm-up.
    pretrain_optimizer : torch.optim.Optimizer class or None, default=None
        Optimizer of the autoencoder pretraining; None uses ``optimizer``.
    averaging_epoch : bool, default=True
        After training, run one more epoch and load the mean of the weights over its steps.
    n_init : int, default=1
        Number of restarts (each with its own pretraining); the one with the lowest
        :math:`L_{sp}` is kept. The paper reports the mean of 20 single runs (``n_init=1``)
        and selects among 20 in its model-selection tables.
    max_epochs : int, default=150
        Joint training epochs per restart (paper appendix: 150), not counting the averaging
        epoch.
    batch_size : int, default=256
    lr : float, default=1e-3
    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
    clip_grad_norm : float or None, default=None
    patience : int or None, default=None
    input_shape : tuple of int or None, default=None
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
    n_jobs : int or None, default=None
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
        See :class:`ClusteringModule` for the parameters not described here.
    **kwargs
        Routed parameters, skorch-style: ``optimizer__*`` to the optimizer (``optimizer__eps``),
        ``pretrain_optimizer__*`` to the pretraining optimizer, ``encoder__*`` and
        ``decoder__*`` to your own network classes.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_embed)
        Centroids :math:`U` in the code space; :meth:`decode_centers` maps them to the input
        space.
    labels_, net_, restart_scores_, restart_labels_, best_restart_, n_iter_, input_shape_, \
n_features_in_, feature_names_in_
        As in :class:`ClusteringModule`. History terms: ``train_cm_reconstruction``,
        ``train_sparsity``, ``train_orthonormality`` (times :math:`\lambda`), ``train_prior``,
        ``train_ae_reconstruction`` (times :math:`\beta`).

    Notes
    -----
    **Reduction, alpha, lam and batch size.** :math:`L_1, L_2, L_5` are batch sums in the
    authors' code; the prior :math:`L_4` (batch means) and the penalty :math:`L_3` (no samples)
    are not. With ``reduction="sum"`` their weights relative to the data are
    :math:`(\alpha - 1)/B` and :math:`\lambda / B`, so the paper's values (Table 13, e.g. MNIST
    :math:`\alpha = 230, \beta = 5, \lambda = 1, B = 500`; Fashion-MNIST
    :math:`13 / 47 / 1 / 175`) only hold with their batch size. ``reduction="mean"`` divides
    the batch sums by :math:`B`, which maps a ``"sum"`` setting to

    .. math:: \alpha_{mean} = 1 + (\alpha_{sum} - 1)/B, \qquad \lambda_{mean} = \lambda_{sum}/B,
              \qquad \beta_{mean} = \beta_{sum},

    e.g. MNIST ``alpha=1.46, lam=0.002, beta=5``, Fashion-MNIST ``alpha=1.069, lam=0.0057,
    beta=47``, and then does not depend on the batch size. The defaults are the paper's MNIST
    setting translated this way (``alpha`` rounded to 1.5). Unlike the CM's, the code space has
    a fixed scale (unit centroids), so ``alpha`` and ``lam`` transfer across datasets better
    than the CM's ``alpha``. A large ``beta`` matters from a random init: under Adam it keeps
    the encoder's updates dominated by the reconstruction while the CM sharpens; with small
    ``beta`` the codes can contract onto the centre of the centroids and the responsibilities
    stay uniform (``docs/methods/aecm.md`` has the measurements). Small tables with a linear
    autoencoder (``hidden_dims=()``) prefer a small ``beta`` and ``lam`` (iris: ``beta=0.1,
    lam=0.001``).

    **Selection.** :math:`L_{sp}` is the CM's :math:`E_2 + E_3` evaluated in the code space on
    all the training data, with the centroid norms and the cross term (both dropped from the
    training loss); the paper applies "the heuristic of the CM" without defining it for
    AE-CM, this is the direct reading.

    **Outputs.** ``predict_proba`` returns :math:`\gamma`, ``transform`` the code :math:`z`
    (shape (n, n_embed)), ``inverse_transform`` decodes codes with :math:`g`,
    ``decode_centers`` returns :math:`g(u_j)` and ``interpolate_centers`` decodes the segment
    between two centroids (paper Figs. 6-7).

    Paper protocol (§5.3, Table 13): :func:`skdeepclust.presets.aecm` (``hidden_dims=(500,
    500, 2000)``, ``reduction="sum"``, 150 epochs, Adam ``lr=1e-3`` with
    :math:`\epsilon = 10^{-3}`, the dataset's :math:`\alpha, \beta, \lambda, B, p`;
    AE-CM^p with SGD pretraining and a k-means start).

    References
    ----------
    A. Boubekki, M. Kampffmeyer, U. Brefeld and R. Jenssen, "Joint optimization of an
    autoencoder for clustering and embedding", Machine Learning 110, 2021.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeepclust import AECM
    >>> X = StandardScaler().fit_transform(load_iris().data)
    >>> model = AECM(n_clusters=3, hidden_dims=(), n_embed=6, n_init=2, max_epochs=20,
    ...              batch_size=16, random_state=0).fit(X)
    >>> model.transform(X).shape, model.decode_centers().shape
    ((150, 6), (3, 4))
    """

    _module_class = AECMNetwork
    _objective_class = AECMObjective

    _module_class = AECMNetwork
    _objective_class = AECMObjective

    _parameter_constraints: dict = {
        **BaseAutoencoderClusterer._parameter_constraints,
        **CM_CONSTRAINTS,
        "negative_slope": NON_NEGATIVE_REAL,
        "beta": NON_NEGATIVE_REAL,
        "lam": NON_NEGATIVE_REAL,
    }

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        encoder: str | type[nn.Module] | nn.Module = "mlp",
        decoder: str | type[nn.Module] | nn.Module = "auto",
        autoencoder: Autoencoder | None = None,
        memory=None,
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        negative_slope: float = 0.2,
        alpha: float | tuple[float, ...] = 1.5,
        beta: float = 5.0,
        lam: float = 0.002,
        reduction: str = "mean",
        init: str = "k-means-posterior",
        pretrain_epochs: int = 100,
        pretrain_lr: float | None = None,
        pretrain_batch_size: int | None = None,
        pretrain_noise: float = 0.0,
        pretrain_warmup: int = 0,
        pretrain_decay: str = "none",
        pretrain_optimizer: type[torch.optim.Optimizer] | None = None,
        averaging_epoch: bool = True,
        n_init: int = 1,
        max_epochs: int = 150,
        batch_size: int = 256,
        lr: float = 1e-3,
        optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
        clip_grad_norm: float | None = None,
        patience: int | None = None,
        input_shape: tuple[int, ...] | None = None,
        callbacks: list | None = None,
        device: str = "auto",
        n_jobs: int | None = None,
        random_state=None,
        verbose: int = 0,
        **kwargs,
    ):
        self.negative_slope = negative_slope
        self.alpha = alpha
        self.beta = beta
        self.lam = lam
        self.reduction = reduction
        self.init = init
        self.averaging_epoch = averaging_epoch
        self.patience = patience
        super().__init__(
            n_clusters,
            encoder=encoder,
            decoder=decoder,
            autoencoder=autoencoder,
            memory=memory,
            hidden_dims=hidden_dims,
            n_embed=n_embed,
            pretrain_epochs=pretrain_epochs,
            pretrain_lr=pretrain_lr,
            pretrain_batch_size=pretrain_batch_size,
            pretrain_noise=pretrain_noise,
            pretrain_warmup=pretrain_warmup,
            pretrain_decay=pretrain_decay,
            pretrain_optimizer=pretrain_optimizer,
            n_init=n_init,
            max_epochs=max_epochs,
            batch_size=batch_size,
            lr=lr,
            optimizer=optimizer,
            clip_grad_norm=clip_grad_norm,
            input_shape=input_shape,
            callbacks=callbacks,
            device=device,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=verbose,
            **kwargs,
        )

    def _check_params_vs_input(self, X: np.ndarray) -> None:
        super()._check_params_vs_input(X)
        n_embed = (self.n_embed if self.autoencoder is None
                   else self.autoencoder._n_features_out)
        if self.n_clusters > n_embed and self.lam > 0:
            warnings.warn(
                f"n_clusters={self.n_clusters} > n_embed={n_embed}: {self.n_clusters} "
                f"centroids cannot be orthonormal in {n_embed} dimensions, so the "
                "orthonormality penalty cannot reach 0 and distorts the clustering. Use "
                "n_embed >= n_clusters or a small lam.",
                UserWarning,
                stacklevel=3,
            )

    def _module_kwargs(self) -> dict:
        return {
            "input_shape": self.input_shape_,
            "n_clusters": self.n_clusters,
            "hidden_dims": tuple(self.hidden_dims),
            "negative_slope": float(self.negative_slope),
            **self._autoencoder_kwargs(),
        }

    def _objective_kwargs(self, module_kwargs: dict) -> dict:
        return {
            "alpha": _alpha_value(self.alpha),
            "beta": float(self.beta),
            "lam": float(self.lam),
            "reduction": self.reduction,
        }

    def _cm_input(self, net: ClusteringNet, X: np.ndarray) -> np.ndarray:
        return collect_outputs(net, X, EMBEDDING)

    def _initialize_clusters(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        self._init_cm(net, X, seed)
        if self.pretrain_epochs > 0:
            self._pretrain_cm(net, X, seed)

    def _pretrain_cm(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        """Train the CM alone on the frozen codes with the full CM loss (authors' stage 3).

        After a k-means(++) init the pseudo-inverse encoder gives soft responsibilities; in
        the joint training the CM reconstruction would then pull every code towards the soft
        centroid (the centre of the simplex) before the CM sharpens. Training the CM first
        sharpens it on codes that cannot move.
        """
        # With the joint phase's optimizer, learning rate and batch size, as the authors' code
        # (Adam, whatever optimizer pretrained the autoencoder).
        self._fit_phase(CMHeadNetwork(net.module_.head), CMObjective, self._cm_input(net, X),
                        seed, net.device, epochs=self.pretrain_epochs,
                        criterion__alpha=_alpha_value(self.alpha),
                        criterion__reduction=self.reduction)


__all__ = ["AECM", "ClusteringModule"]
