r"""DEC and IDEC, with their convolutional forms (DEC-Conv, DCEC) and companion objectives."""

from __future__ import annotations

import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback
from torch import nn

from skdeepclust._autoencoder import NETWORK, Autoencoder, BaseAutoencoderClusterer
from skdeepclust._kmeans import kmeans
from skdeepclust._net import ASSIGNMENTS, INFERENCE_BATCH_SIZE, ClusteringNet
from skdeepclust.callbacks import TargetDistributionUpdate
from skdeepclust.losses.dec import dec_kl, target_distribution
from skdeepclust.losses.uco import UCO_KERNELS, UCO_WEIGHTINGS
from skdeepclust.nn.dec import DEC_ENCODERS, DECNetwork, DECObjective, count_embedding_blocks
from skdeepclust.nn.encoders import count_blocks
from skdeepclust.utils._sklearn_compat import (
    NON_NEGATIVE_REAL,
    POSITIVE_INT,
    POSITIVE_REAL,
    StrOptions,
)

#: Restarts of the k-means that initialises the centres in the embedding (DEC code: 20).
KMEANS_N_INIT = 20


class DEC(BaseAutoencoderClusterer):
    r"""Deep Embedded Clustering (Xie et al., 2016), with its convolutional form and UCO.

    An autoencoder is pretrained end to end (optionally denoising), k-means on the embeddings
    :math:`z_i` gives the initial centres :math:`\mu_j`, then encoder and centres are trained to
    minimise :math:`\mathrm{KL}(P\,\|\,Q)` between the Student-t soft assignments

    .. math::
        q_{ij} = \frac{(1 + \|z_i - \mu_j\|^2)^{-1}}{\sum_l (1 + \|z_i - \mu_l\|^2)^{-1}}

    (:math:`\alpha = 1`) and the sharpened target
    :math:`p_{ij} \propto q_{ij}^2 / f_j`, :math:`f_j = \sum_i q_{ij}`, computed from all the
    training data and held fixed for ``update_interval`` epochs. Training stops when fewer
    than ``tol`` of the labels changed between two target updates.

    ``encoder="cnn"`` gives DEC-Conv (the UCO paper's convolutional DEC); ``uco_kernel`` adds
    the companion objectives of the UCO paper (DEC-UCO_N, DEC-UCO_T). :class:`IDEC` keeps the
    reconstruction loss (IDEC; with ``encoder="cnn"``, DCEC).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    encoder : {"auto", "mlp", "cnn"}, nn.Module class or instance, default="auto"
        ``"mlp"``: ``d - hidden_dims - n_embed`` with a mirrored decoder (the DEC network);
        ``"cnn"``: the small CNN of the DDC-UCO code with a linear ``n_embed`` bottleneck and a
        transposed-CNN decoder, for images of at least 20x20. ``"auto"`` picks ``"cnn"`` for
        samples of shape (C, H, W) and ``"mlp"`` otherwise.
        Your own network: a ``torch.nn.Module`` class (built per restart with the routed
        ``encoder__*`` parameters) or instance (copied per restart) that maps a batch
        ``(n, *input_shape)`` to the embedding, or to a tuple of block outputs ending with it
        (companion objectives attach to the blocks); see :mod:`skdeepclust.nn.user`. Then
        ``decoder`` must be yours too, and the embedding's width replaces ``n_embed``.
    decoder : "auto", nn.Module class or instance, default="auto"
        ``"auto"`` with a built-in encoder. With your own encoder, your own decoder (routed
        ``decoder__*``): it maps the embedding ``(n, d)`` back to the input.
    autoencoder : Autoencoder or None, default=None
        A fitted :class:`~skdeepclust.Autoencoder`: every restart fine-tunes a copy of it
        instead of pretraining its own (``encoder``, ``decoder``, ``hidden_dims``, ``n_embed``
        and the ``pretrain_*`` parameters are then not used; the given one is never changed).
        With the same network, settings and seed this gives what the method's own pretraining
        gives, so one fitted autoencoder serves a whole parameter sweep.
    memory : None, str, path or joblib.Memory, default=None
        Cache of the pretraining, keyed on the data, the initial autoencoder, the RNG state
        and the pretraining settings (as ``Pipeline``'s ``memory``): a sweep over clustering
        parameters (``n_clusters``, loss weights) pretrains once per data set, with results
        identical to pretraining each time.
    hidden_dims : tuple of int, default=(500, 500, 2000)
        Hidden widths of the MLP encoder (the decoder mirrors them).
    n_embed : int, default=10
        Dimension of the embedding the clusters live in.
    pretrain_epochs : int, default=100
        Epochs of end-to-end autoencoder pretraining (mean squared error) per restart, through
        the package's shared pretraining; 0 skips it (k-means then runs on the embedding of the
        randomly initialised encoder).
    pretrain_lr : float or None, default=1e-3
        Learning rate of the pretraining; None uses ``lr``.
    pretrain_batch_size : int or None, default=None
        Batch size of the pretraining; None uses ``batch_size``.
    pretrain_noise : float, default=0.0
        Standard deviation of Gaussian input noise during pretraining (denoising autoencoder);
        0 disables it.
    pretrain_warmup : int, default=0
        Epochs over which the pretraining learning rate rises linearly (0: constant rate).
    pretrain_decay : {"none", "cosine"}, default="none"
        ``"cosine"`` lowers the pretraining learning rate to 0 along half a cosine after the
        warm-up.
    pretrain_optimizer : torch.optim.Optimizer class or None, default=None
        Optimizer of the pretraining; None uses ``optimizer``.
    embedding_scale : float or None, default=10.0
        After pretraining, the embedding is rescaled so that the root-mean-square distance of
        the embedded training points to their k-means centre equals this value (the
        bottleneck is multiplied by the factor and the first decoder layer divided by it, so
        the autoencoder and the k-means partition do not change). The Student-t kernel
        (:math:`\alpha = 1`) is not scale invariant: on a small embedding :math:`Q` is
        nearly uniform and DEC drifts away from its initialisation. None keeps the scale the
        pretraining happened to give. See Notes.
    update_interval : int, default=1
        Epochs (full passes over the data) between two updates of the target distribution.
        The DEC code counts mini-batches (140 on MNIST, about half an epoch); the UCO code
        counts epochs (140).
    tol : float, default=1e-3
        Stop when fewer than this fraction of labels changed between two target updates
        (the DEC code's 0.1 %). 0 trains for ``max_epochs``.
    uco_kernel : {None, "naive", "tensor"}, default=None
        Adds an unsupervised companion objective on every encoder block, with the Student-t
        assignments :math:`Q` as assignment matrix, as for :class:`~skdeepclust.DDC`: the
        Gaussian kernel on the flattened block output (``"naive"``, DEC-UCO_N) or the
        structure-exploiting tensor kernel (``"tensor"``, DEC-UCO_T). The MLP encoder has one
        block per hidden layer, the CNN two.
    uco_weight : float, default=0.01
        Weight :math:`\lambda` of the companion objectives. The default is the UCO paper's
        value for its 400-epoch runs; in short runs a term this small barely changes training,
        and a 20-epoch CPU protocol needed ``uco_weight=1.0`` for a gain over DEC-Conv
        (``docs/notes/dec.md``).
    uco_weighting : {"constant", "linear", "exponential"}, default="constant"
        Relative block weights :math:`\omega(b)`.
    rel_sigma : float, default=0.15
        Kernel width factor of the companion objectives.
    n_init : int, default=1
        Number of restarts (each with its own pretraining); the one with the lowest
        selection criterion is kept (see Notes). The DEC and IDEC papers train one network
        per run; one restart keeps the fit time at that of a single DEC run.
    max_epochs : int, default=100
        Maximum clustering epochs per restart, after pretraining.
    batch_size : int, default=256
        Mini-batch size for pretraining and clustering (clamped to the number of samples;
        the last incomplete batch of an epoch is dropped).
    lr : float, default=1e-3
        Learning rate of the clustering phase (the UCO paper's DEC protocol; its UCO variants
        use 1e-4).
    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
        Used for clustering (and for pretraining unless ``pretrain_optimizer`` is set).
    clip_grad_norm : float or None, default=10.0
        Maximum global gradient norm; None disables clipping.
    input_shape : tuple of int or None, default=None
        Shape of one sample when ``X`` is passed flat, e.g. ``(1, 28, 28)``.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks for the clustering phase, copied for each restart.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
        ``"auto"`` uses CUDA when available.
    n_jobs : int or None, default=None
        Restarts to run in parallel through joblib (None means 1).
    random_state : int, RandomState instance or None, default=None
        Seeds the restarts (network init, batches, k-means). Same value and same device give
        the same labels.
    verbose : int, default=0
        0: silent; 1: a progress bar over restarts; 2: also skorch's per-epoch tables.
    **kwargs
        Routed parameters, skorch-style: ``optimizer__*`` to the optimizer (``optimizer__eps``),
        ``pretrain_optimizer__*`` to the pretraining optimizer, ``encoder__*`` and
        ``decoder__*`` to your own network classes.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training sample, the argmax of :math:`Q` (equal to ``predict(X)``; no
        final re-clustering).
    cluster_centers_ : ndarray of shape (n_clusters, n_embed)
        The centres :math:`\mu_j` in the embedding space (the space of ``transform``).
    n_clusters_used_ : int
        Number of distinct labels in ``labels_``. DEC can empty clusters; when fewer than
        ``n_clusters`` are used a ``UserWarning`` is raised. Labels are never renumbered, so
        empty clusters show up as unused ids.
    converged_ : bool
        Whether the selected restart stopped on ``tol`` (else a ``ConvergenceWarning`` is
        raised when ``tol > 0``).
    net_ : skdeepclust._net.ClusteringNet
        The skorch net of the selected restart; its history has ``train_kl`` (and the other
        terms), ``label_change`` on target-update epochs and ``converged``.
    restart_scores_ : ndarray of shape (n_init,)
        Selection criterion of each restart; lower is better.
    restart_labels_ : ndarray of shape (n_init, n_samples)
        Labels each restart gives the training data.
    best_restart_ : int
        Index of the selected restart.
    n_iter_ : int
        Clustering epochs run by the selected restart (pretraining not counted).
    input_shape_ : tuple of int
        Shape of one sample.
    n_features_in_ : int
        Number of (flattened) input features.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Input column names, when ``X`` had string column names.

    Notes
    -----
    **Selection.** Restarts are ranked by the method's loss on all the training data in
    inference mode, with a fresh target: :math:`\mathrm{KL}(P(Q)\,\|\,Q)` averaged over the
    samples (plus the weighted reconstruction error for IDEC), computed in float64. It does
    not depend on the batch size. The companion objectives are not part of it. ``score`` is
    its negative. A restart whose clusters collapsed can score well (a one-hot :math:`Q` is its
    own target), so check ``n_clusters_used_``.

    **Embedding scale.** :math:`(1 + d^2)^{-1}` is close to the scale-free :math:`d^{-2}`
    only when distances are large compared with 1. An autoencoder pretrained with Adam on data
    in [0, 1] gives a small embedding (digits: RMS distance to the k-means centre about 0.3),
    where :math:`Q` is almost uniform and the frequency normalisation of :math:`P` dominates:
    DEC moved points out of the central clusters and lost accuracy. The autoencoder is
    unchanged by a rescaling of its linear bottleneck, so the scale is fixed after pretraining
    (``embedding_scale``). This step is not in the DEC/IDEC papers; their embeddings get a
    large scale from their own pretraining.

    **Differences from the authors' code.** Updates are counted in epochs, not mini-batches;
    batches are shuffled (the Keras code iterates in a fixed order); the optimiser is Adam
    (DEC's code uses SGD with momentum for the clustering phase) with gradient clipping at 10
    (the UCO code); the KL uses exact :math:`0 \log 0 = 0` instead of clipping both
    distributions at :math:`10^{-7}`. Pretraining is end to end (as in the DEC Keras code),
    not the paper's greedy layer-wise denoising pretraining.

    ``transform`` returns the embedding :math:`z` (not distances to the centres as in KMeans;
    use ``pairwise_distances(model.transform(X), model.cluster_centers_)`` for those).

    References
    ----------
    J. Xie, R. Girshick and A. Farhadi, "Unsupervised deep embedding for clustering analysis",
    ICML 2016. D. J. Trosten, R. Jenssen and M. C. Kampffmeyer, "Reducing objective function
    mismatch in deep clustering with the unsupervised companion objective", 2021.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skdeepclust import DEC
    >>> X = MinMaxScaler().fit_transform(load_digits().data)
    >>> model = DEC(n_clusters=10, hidden_dims=(64,), n_init=1, pretrain_epochs=2,
    ...             max_epochs=2, tol=0.0, random_state=0).fit(X)
    >>> model.cluster_centers_.shape, model.transform(X).shape
    ((10, 10), (1797, 10))
    """

    _module_class = DECNetwork
    _objective_class = DECObjective
    # The KL to a moving target is not comparable across target updates; DEC stops on tol.
    _restore_best_epoch = False

    _parameter_constraints: dict = {
        **BaseAutoencoderClusterer._parameter_constraints,
        "encoder": [StrOptions({"auto", *DEC_ENCODERS}), *NETWORK],
        "embedding_scale": [*POSITIVE_REAL, None],
        "update_interval": POSITIVE_INT,
        "tol": NON_NEGATIVE_REAL,
        "uco_kernel": [StrOptions(set(UCO_KERNELS)), None],
        "uco_weight": NON_NEGATIVE_REAL,
        "uco_weighting": [StrOptions(set(UCO_WEIGHTINGS))],
        "rel_sigma": POSITIVE_REAL,
    }

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        encoder: str | type[nn.Module] | nn.Module = "auto",
        decoder: str | type[nn.Module] | nn.Module = "auto",
        autoencoder: Autoencoder | None = None,
        memory=None,
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        pretrain_epochs: int = 100,
        pretrain_lr: float | None = 1e-3,
        pretrain_batch_size: int | None = None,
        pretrain_noise: float = 0.0,
        pretrain_warmup: int = 0,
        pretrain_decay: str = "none",
        pretrain_optimizer: type[torch.optim.Optimizer] | None = None,
        embedding_scale: float | None = 10.0,
        update_interval: int = 1,
        tol: float = 1e-3,
        uco_kernel: str | None = None,
        uco_weight: float = 0.01,
        uco_weighting: str = "constant",
        rel_sigma: float = 0.15,
        n_init: int = 1,
        max_epochs: int = 100,
        batch_size: int = 256,
        lr: float = 1e-3,
        optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
        clip_grad_norm: float | None = 10.0,
        input_shape: tuple[int, ...] | None = None,
        callbacks: list | None = None,
        device: str = "auto",
        n_jobs: int | None = None,
        random_state=None,
        verbose: int = 0,
        **kwargs,
    ):
        self.embedding_scale = embedding_scale
        self.update_interval = update_interval
        self.tol = tol
        self.uco_kernel = uco_kernel
        self.uco_weight = uco_weight
        self.uco_weighting = uco_weighting
        self.rel_sigma = rel_sigma
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

    # ------------------------------------------------------------------ hooks

    def _encoder_name(self) -> str:
        if self.encoder != "auto":
            return self.encoder
        return "cnn" if len(self.input_shape_) == 3 else "mlp"

    def _reconstruction_weight(self) -> float:
        """Weight of the mean squared reconstruction error in the clustering loss."""
        return 0.0

    def _module_kwargs(self) -> dict:
        kwargs = {
            "input_shape": self.input_shape_,
            "n_clusters": self.n_clusters,
            "hidden_dims": tuple(self.hidden_dims),
            "reconstruct": self._reconstruction_weight() > 0,
            **self._autoencoder_kwargs(),
        }
        if "autoencoder" not in kwargs:
            kwargs["encoder"] = self._encoder_name()
        return kwargs

    def _objective_kwargs(self, module_kwargs: dict) -> dict:
        autoencoder = module_kwargs.get("autoencoder")
        if autoencoder is None:
            n_blocks = count_blocks(self._encoder_name(), tuple(self.hidden_dims))
        else:
            n_blocks = count_embedding_blocks(autoencoder, self.n_features_in_)
        return {
            "n_blocks": n_blocks,
            "reconstruction_weight": self._reconstruction_weight(),
            "uco_kernel": self.uco_kernel,
            "uco_weight": float(self.uco_weight),
            "uco_weighting": self.uco_weighting,
            "rel_sigma": float(self.rel_sigma),
        }

    def _method_callbacks(self) -> list[tuple[str, Callback]]:
        return [("target_distribution",
                 TargetDistributionUpdate(self.update_interval, float(self.tol)))]

    def _training_targets(self, X: np.ndarray) -> np.ndarray:
        # Filled with the target distribution by TargetDistributionUpdate before each phase.
        return np.zeros((len(X), self.n_clusters), dtype=np.float32)

    def _initialize_clusters(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        """Put the centres at the k-means centres of the pretrained embedding."""
        embedding = self._embedding(net, X).astype(np.float32)
        start = kmeans(embedding, self.n_clusters, seed, n_init=KMEANS_N_INIT)
        centers = start.cluster_centers_
        rms = float(np.sqrt(start.inertia_ / len(embedding)))
        if self.embedding_scale is not None and np.isfinite(rms) and rms > 0:
            # The Student-t kernel is not scale invariant; put the embedding at a fixed scale
            # (same autoencoder function, same k-means partition). See the class Notes.
            factor = float(self.embedding_scale) / rms
            net.module_.autoencoder.rescale_embedding(factor)
            centers = centers * factor
        net.module_.set_centers(centers)

    def _selection_score(self, net: ClusteringNet, X: np.ndarray) -> float:
        r"""Mean :math:`\mathrm{KL}(P(Q)\,\|\,Q)` over all of ``X`` (+ weighted reconstruction).

        Computed in float64 in inference mode, with the target recomputed from ``X``'s own
        assignments; independent of the batch size. Lower is better.
        """
        weight = self._reconstruction_weight()
        # The reconstruction, when the network returns one, is its last output.
        indices = (ASSIGNMENTS, -1) if weight > 0 else (ASSIGNMENTS,)
        q_parts, squared_error = [], 0.0
        start = 0
        for out in net.iter_outputs(X, indices, INFERENCE_BATCH_SIZE):
            q_parts.append(out[0].double())
            if weight > 0:
                batch = torch.as_tensor(X[start : start + len(out[1])]).double()
                squared_error += float(((batch - out[1].double()) ** 2).sum())
            start += len(out[0])
        q = torch.cat(q_parts)
        score = float(dec_kl(target_distribution(q), q))
        return score + weight * squared_error / X.size

    def _set_fitted_attributes(self, X: np.ndarray) -> None:
        self.cluster_centers_ = self.net_.module_.centers.detach().cpu().numpy().copy()
        self.n_clusters_used_ = int(len(np.unique(self.labels_)))
        self.converged_ = bool(self.net_.history[-1].get("converged", False))
        # stacklevel 3: the caller of fit, past fit and this hook.
        if self.n_clusters_used_ < self.n_clusters:
            warnings.warn(
                f"{type(self).__name__} assigned the training data to {self.n_clusters_used_} "
                f"of n_clusters={self.n_clusters} clusters; the others are empty (their ids "
                "do not occur in labels_).",
                UserWarning,
                stacklevel=3,
            )
        if not self.converged_ and self.tol > 0:
            warnings.warn(
                f"{type(self).__name__} did not converge: more than tol={self.tol} of the "
                f"labels still changed between target updates after max_epochs="
                f"{self.max_epochs}. Increase max_epochs or tol.",
                ConvergenceWarning,
                stacklevel=3,
            )


class IDEC(DEC):
    r"""Improved DEC (Guo et al., 2017): DEC that keeps training the decoder.

    The clustering loss keeps the autoencoder's reconstruction error to preserve the local
    structure of the embedding. The paper writes :math:`L = L_r + \gamma L_c` with
    :math:`\gamma = 0.1`; this class minimises the same objective up to a constant factor,

    .. math:: L = \mathrm{KL}(P\,\|\,Q) + \frac{1}{\gamma}\,\mathrm{MSE}(x, \hat x),

    as the UCO code does (``KL + 10 MSE``), so that ``lr`` and gradient clipping act on the
    clustering term as in :class:`DEC`. With ``encoder="cnn"`` this is DCEC (the UCO paper's
    ICDEC network: the small CNN, not DCEC's strided convolutional autoencoder). History keys:
    ``train_kl``, ``train_reconstruction`` (already multiplied by :math:`1/\gamma`).

    Parameters
    ----------
    n_clusters : int, default=8
    gamma : float, default=0.1
        Weight of the clustering loss relative to the reconstruction loss (> 0).
    encoder, decoder, autoencoder, memory, hidden_dims, n_embed, pretrain_epochs, \
pretrain_lr, pretrain_batch_size, pretrain_noise, pretrain_warmup, pretrain_decay, \
pretrain_optimizer, embedding_scale, update_interval, tol, uco_kernel, uco_weight, \
uco_weighting, rel_sigma, n_init, max_epochs, batch_size, lr, optimizer, clip_grad_norm, \
input_shape, callbacks, device, n_jobs, random_state, verbose, **kwargs
        As in :class:`DEC`.

    Attributes
    ----------
    labels_, cluster_centers_, n_clusters_used_, converged_, net_, restart_scores_, \
restart_labels_, best_restart_, n_iter_, input_shape_, n_features_in_, feature_names_in_
        As in :class:`DEC`; the selection criterion adds :math:`\frac{1}{\gamma}` times the
        mean squared reconstruction error over the training data.

    References
    ----------
    X. Guo, L. Gao, X. Liu and J. Yin, "Improved deep embedded clustering with local structure
    preservation", IJCAI 2017. X. Guo, X. Liu, E. Zhu and J. Yin, "Deep clustering with
    convolutional autoencoders", ICONIP 2017.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeepclust import IDEC
    >>> X = StandardScaler().fit_transform(load_iris().data)
    >>> model = IDEC(n_clusters=3, hidden_dims=(16,), n_embed=3, n_init=1, pretrain_epochs=5,
    ...              max_epochs=5, batch_size=32, tol=0.0, random_state=0).fit(X)
    >>> [key for key in ("train_kl", "train_reconstruction") if key in model.net_.history[-1]]
    ['train_kl', 'train_reconstruction']
    """

    _parameter_constraints: dict = {**DEC._parameter_constraints, "gamma": POSITIVE_REAL}

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        gamma: float = 0.1,
        encoder: str | type[nn.Module] | nn.Module = "auto",
        decoder: str | type[nn.Module] | nn.Module = "auto",
        autoencoder: Autoencoder | None = None,
        memory=None,
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        pretrain_epochs: int = 100,
        pretrain_lr: float | None = 1e-3,
        pretrain_batch_size: int | None = None,
        pretrain_noise: float = 0.0,
        pretrain_warmup: int = 0,
        pretrain_decay: str = "none",
        pretrain_optimizer: type[torch.optim.Optimizer] | None = None,
        embedding_scale: float | None = 10.0,
        update_interval: int = 1,
        tol: float = 1e-3,
        uco_kernel: str | None = None,
        uco_weight: float = 0.01,
        uco_weighting: str = "constant",
        rel_sigma: float = 0.15,
        n_init: int = 1,
        max_epochs: int = 100,
        batch_size: int = 256,
        lr: float = 1e-3,
        optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
        clip_grad_norm: float | None = 10.0,
        input_shape: tuple[int, ...] | None = None,
        callbacks: list | None = None,
        device: str = "auto",
        n_jobs: int | None = None,
        random_state=None,
        verbose: int = 0,
        **kwargs,
    ):
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
            embedding_scale=embedding_scale,
            update_interval=update_interval,
            tol=tol,
            uco_kernel=uco_kernel,
            uco_weight=uco_weight,
            uco_weighting=uco_weighting,
            rel_sigma=rel_sigma,
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
        self.gamma = gamma

    def _reconstruction_weight(self) -> float:
        return 1.0 / float(self.gamma)


__all__ = ["DEC", "IDEC"]
