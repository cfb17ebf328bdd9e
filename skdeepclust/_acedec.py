r"""ACe/DeC + DCN (Miklautz et al., 2021): DCN whose embedding is split, by learned weights
after a learned rotation, into a cluster space and a shared space."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import torch
from torch import nn

from skdeepclust._autoencoder import Autoencoder
from skdeepclust._dcn import BaseDCN
from skdeepclust._kmeans import cluster_means, kmeans, subspace_kmeans
from skdeepclust._net import ClusteringNet
from skdeepclust.losses.acedec import optimal_beta_logits
from skdeepclust.losses.dcn import CENTROID_UPDATES
from skdeepclust.nn.acedec import ACeDeCNetwork, ACeDeCObjective
from skdeepclust.utils._sklearn_compat import (
    NON_NEGATIVE_INT,
    NON_NEGATIVE_REAL,
    Interval,
    StrOptions,
)
from skdeepclust.utils._validation import check_option

#: A dimension of the rotated embedding belongs to the cluster space when its weight
#: :math:`\beta_{cs}` is at least this value (the two spaces weigh it equally at 1/2).
CLUSTER_SPACE_THRESHOLD = 0.55

#: Learning rate of the weight logits ``b`` relative to ``lr`` (ClustPy's ACeDeC uses 10x).
BETA_LR_FACTOR = 10.0

#: The initial logits are clipped to this range so that the sigmoid is not saturated (its
#: gradient at 4 is 0.018; a saturated weight could never change its space).
MAX_INIT_LOGIT = 4.0

class ACeDeC(BaseDCN):
    r"""ACe/DeC + DCN: DCN with a learned cluster space and shared space.

    The embedding :math:`z` of a pretrained autoencoder is rotated by a learnable
    :math:`d \times d` matrix, :math:`y = V^\top z`, and each dimension of :math:`y` is weighed
    by :math:`\beta_{cs} = \operatorname{sigmoid}(b)` in the cluster space and by
    :math:`\beta_{ss} = 1 - \beta_{cs}` in the shared space. The loss (paper Eq. 5 with
    :math:`w = 1`; per sample, averaged over the batch) is

    .. math::
        w \bigl(\|y - m_{c(x)}\|^2_{\beta_{cs}} + \|y - m_{ss}\|^2_{\beta_{ss}}\bigr)
        + \|x - g(V y)\|^2, \qquad \|h\|^2_\beta = \sum_i \beta_i^2 h_i^2,

    with :math:`K` cluster centroids :math:`m_k` and one shared centroid :math:`m_{ss}` in the
    rotated space, :math:`c(x) = \operatorname{argmin}_k \|y - m_k\|^2_{\beta_{cs}}`. The
    network, :math:`V` and :math:`b` are trained by gradient steps; after each step the
    centroids move towards the means of their points in the batch (``centroid_update``; the
    shared centroid towards the batch mean). By default the two clustering terms weigh 0.1
    (``cluster_weight``) and the centroids are moving averages: two named deviations from
    the paper, which kept the start partition better on the tuning seeds
    (``presets.acedec`` is the paper's configuration).

    Initialisation (paper §2.2): pretrain the autoencoder, balance its code layer if it is
    linear (``balance``); then, on the embeddings, :func:`subspace_kmeans` (best of 10 rounds,
    each: :math:`V` random orthogonal, the dimensions split at random into two halves, k-means
    in the cluster half, then the rotation that minimises the cluster + shared terms for hard
    weights, in closed form, alternated with the assignments; plus one round started from
    ``KMeans(n_init=10)`` on all dimensions, the start of :class:`DCN`); :math:`V` becomes the
    random orthogonal matrix of the network times that rotation. Cluster centroids = cluster
    means (all dimensions), shared centroid = data mean, :math:`b` = its optimum for that state
    (:func:`~skdeepclust.losses.acedec.optimal_beta_logits`, clipped to :math:`\pm 4`). Then only
    :math:`V` and :math:`b` are trained for ``init_epochs`` epochs (network and centroids
    fixed, the paper's "initial estimate"), and Lloyd iterations in the
    :math:`\beta_{cs}`-weighted space, started from the current centroids, give the starting
    centroids; :math:`b` is set to its optimum again.

    Parameters
    ----------
    n_clusters : int, default=8
    hidden_dims : tuple of int, default=(500, 500, 2000)
        ``()`` gives a linear autoencoder (the paper's SYNTH-25 setting, with
        ``n_embed`` = number of features).
    n_embed : int, default=10
        Dimension :math:`d` of the embedding (at least 2: both spaces need a dimension).
    activation : {"relu", "leaky_relu"}, default="relu"
        As in :class:`DCN`.
    cluster_weight : float, default=0.1
        Weight of the cluster and the shared term against the reconstruction (the paper: 1,
        ACe/DeC has no trade-off parameter; ``presets.acedec`` keeps 1). With 1 the clustering
        phase lowered the partition it starts from on Fashion-MNIST (ACC 0.560 -> 0.516 and
        0.580 -> 0.550 on two tuning seeds): the encoder contracts the embedding to shrink
        both terms and the assignments drift with it. 0.1 with ``"moving_average"``
        centroids ended at 0.558 and 0.562 instead, kept SYNTH-25 exact, and 0.1 alone ended
        higher on MNIST-5k (0.613 against 0.594); see ``docs/methods/dcn.md``.
    centroid_update : {"moving_average", "running_mean"}, default="moving_average"
        How the centroids follow the embedding after each step: ``"moving_average"``
        (:func:`~skdeepclust.losses.dcn.moving_average_update`, a rate that settles near
        :math:`1 / (1 + n_k)`), or ``"running_mean"``, the paper's mini-batch k-means
        (:func:`~skdeepclust.losses.dcn.running_mean_update`, as in :class:`DCN`), whose
        centroids all but stop once their counts are large while the embedding still moves.
    init_epochs : int, default=20
        Epochs of the :math:`V`, :math:`b`-only initial training (0 skips it).
    balance : bool or "auto", default="auto"
        After pretraining, re-parametrise the autoencoder's code layer so that its encoder and
        decoder weights are balanced (:func:`skdeepclust.nn.autoencoders.balance_embedding`; the
        autoencoder computes the same function). The embedding of an autoencoder is fixed
        only up to an invertible linear map, and the subspace k-means cost of the
        initialisation depends on that map; balancing removes the arbitrary part (for a
        linear autoencoder with :math:`d = D` the embedding becomes a rotation of the data).
        ``"auto"`` balances a linear autoencoder (``hidden_dims=()``), where this map is the
        whole freedom and balancing decides SYNTH-25, and leaves a deep one as pretrained:
        there it fixes only one of the network's symmetries, and it lowered the result on
        digits, MNIST-5k and Fashion-MNIST (``docs/methods/dcn.md``).
    augmentation : bool, default=False
        For images (``input_shape`` of length 3, (C, H, W)): also train on a randomly rotated and
        shifted copy of each batch (paper §2.2, see :class:`skdeepclust.nn.acedec.ACeDeCObjective`).
    max_degrees : float, default=15.0
        Largest rotation of the augmentation, in degrees.
    max_shift : float, default=0.1
        Largest shift of the augmentation, as a fraction of the image size.
    encoder, decoder, autoencoder, memory, pretrain_epochs, pretrain_lr, pretrain_batch_size, \
pretrain_warmup, pretrain_noise, pretrain_decay, pretrain_optimizer, initial_count, n_init, \
max_epochs, batch_size, lr, optimizer, clip_grad_norm, patience, input_shape, callbacks, \
device, n_jobs, random_state, verbose, **kwargs
        As in :class:`DCN`. The logits :math:`b` use ``10 * lr``.

    Attributes
    ----------
    beta_ : ndarray of shape (n_embed,)
        :math:`\beta_{cs}` per dimension of the rotated embedding, in (0, 1).
    cluster_dims_ : ndarray of int
        Dimensions with :math:`\beta_{cs} \ge 0.55` (``CLUSTER_SPACE_THRESHOLD``); if there are
        none, the one with the largest weight.
    shared_dims_ : ndarray of int
        The other dimensions; if all passed the threshold, the one with the smallest weight
        is moved here (each space keeps at least one dimension).
    n_cluster_dims_ : int
        ``len(cluster_dims_)``.
    cluster_centers_ : ndarray of shape (n_clusters, n_embed)
        Cluster centroids :math:`m_k` in the rotated space (all dimensions).
    shared_center_ : ndarray of shape (n_embed,)
        The shared centroid :math:`m_{ss}`.
    rotation_ : ndarray of shape (n_embed, n_embed)
        :math:`V`.
    labels_ : ndarray of shape (n_samples,)
        :math:`c(x)` of each training sample (no re-clustering).
    net_, restart_scores_, restart_labels_, best_restart_, n_iter_, input_shape_, \
n_features_in_
        As in :class:`DCN`; history terms ``train_cluster``, ``train_shared``,
        ``train_reconstruction``.

    Notes
    -----
    ``transform`` returns the rotated embedding :math:`y = V^\top z` (the coordinates of
    ``beta_``, ``cluster_centers_`` and ``cluster_dims_``); :meth:`cluster_space` and
    :meth:`shared_space` select its two parts, :meth:`reconstruct` decodes from one space
    only, :meth:`inverse_transform` decodes rotated embeddings. Decisions and the differences
    from the paper and from ClustPy are in ``docs/methods/dcn.md``.

    References
    ----------
    L. Miklautz, L. G. M. Bauer, D. Mautz, S. Tschiatschek, C. Böhm and C. Plant, "Details
    (don't) matter: isolating cluster information in deep embedded spaces", IJCAI 2021.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeepclust import ACeDeC
    >>> X = StandardScaler().fit_transform(load_iris().data)
    >>> model = ACeDeC(n_clusters=3, hidden_dims=(), n_embed=4, pretrain_epochs=20,
    ...                init_epochs=5, max_epochs=10, batch_size=32, lr=1e-3,
    ...                random_state=0).fit(X)
    >>> model.beta_.shape, model.n_cluster_dims_ + len(model.shared_dims_)
    ((4,), 4)
    """

    _module_class = ACeDeCNetwork
    _objective_class = ACeDeCObjective

    _parameter_constraints: dict = {
        **BaseDCN._parameter_constraints,
        "n_embed": [Interval(Integral, 2, None, closed="left")],
        "cluster_weight": NON_NEGATIVE_REAL,
        "centroid_update": [StrOptions(set(CENTROID_UPDATES))],
        "init_epochs": NON_NEGATIVE_INT,
        "augmentation": ["boolean"],
        "max_degrees": NON_NEGATIVE_REAL,
        "max_shift": [Interval(Real, 0, 1, closed="both")],
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
        activation: str = "relu",
        cluster_weight: float = 0.1,
        centroid_update: str = "moving_average",
        init_epochs: int = 20,
        balance: bool | str = "auto",
        augmentation: bool = False,
        max_degrees: float = 15.0,
        max_shift: float = 0.1,
        pretrain_epochs: int = 100,
        pretrain_lr: float | None = 1e-3,
        pretrain_batch_size: int | None = None,
        pretrain_warmup: int = 10,
        pretrain_noise: float = 0.2,
        pretrain_decay: str = "cosine",
        pretrain_optimizer: type[torch.optim.Optimizer] | None = None,
        initial_count: float = 100,
        n_init: int = 1,
        max_epochs: int = 50,
        batch_size: int = 256,
        lr: float = 1e-4,
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
        self.activation = activation
        self.cluster_weight = cluster_weight
        self.centroid_update = centroid_update
        self.init_epochs = init_epochs
        self.balance = balance
        self.augmentation = augmentation
        self.max_degrees = max_degrees
        self.max_shift = max_shift
        self.initial_count = initial_count
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
        if self.augmentation and len(self.input_shape_) != 3:
            raise ValueError(
                "augmentation=True needs images: pass X of shape (n, C, H, W) or set "
                f"input_shape=(C, H, W); got samples of shape {self.input_shape_}."
            )

    def _module_kwargs(self) -> dict:
        return {
            **super()._module_kwargs(),
            "augmentation": bool(self.augmentation),
            "max_degrees": float(self.max_degrees),
            "max_shift": float(self.max_shift),
            "centroid_update": self.centroid_update,
        }

    def _objective_kwargs(self, module_kwargs: dict) -> dict:
        return {"augmentation": bool(self.augmentation),
                "cluster_weight": float(self.cluster_weight)}

    def _net_params(self) -> dict:
        return {"optimizer__param_groups": [("beta_logits", {"lr": self.lr * BETA_LR_FACTOR})]}

    def _set_state(self, net: ClusteringNet, Y: np.ndarray, labels: np.ndarray,
                   centers: np.ndarray) -> None:
        """Centroids from a clustering of the rotated embeddings ``Y`` and the optimal logits."""
        module = net.module_
        shared = Y.mean(axis=0)
        centers = cluster_means(Y, labels, centers)
        counts = np.full(self.n_clusters, float(self.initial_count))
        module.set_centers(centers, counts, shared, self.n_clusters * float(self.initial_count))
        logits = optimal_beta_logits(
            torch.as_tensor(Y), torch.as_tensor(labels, dtype=torch.long),
            torch.as_tensor(centers), torch.as_tensor(shared),
        ).clamp(-MAX_INIT_LOGIT, MAX_INIT_LOGIT)
        with torch.no_grad():
            module.beta_logits.copy_(logits.to(module.beta_logits))

    def _initialize_clusters(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        module = net.module_
        self._balance(net)
        Y = self._embedding(net, X)
        # Paper §2.2 with the V, b-only step done in closed form first: random orthogonal
        # rotation, random split, k-means in the cluster half, then the exact minimiser over
        # the rotation for hard weights (subspace_kmeans), best of 10 rounds and one round
        # from full-space k-means.
        rotation, labels, _ = subspace_kmeans(Y, self.n_clusters, np.random.RandomState(seed))
        with torch.no_grad():
            module.V.copy_(module.V @ torch.as_tensor(rotation, dtype=module.V.dtype,
                                                        device=module.V.device))
        Y = Y @ rotation
        self._set_state(net, Y, labels, np.zeros((self.n_clusters, Y.shape[1])))
        if self.init_epochs > 0:
            self._train_rotation(net, X, seed)
            Y = self._embedding(net, X)
        # Refresh the centroids for the trained V, b: Lloyd iterations in the beta-weighted
        # space started from the current centroids (a local refinement, not a new k-means).
        # (floored: a float32 sigmoid of a very negative logit underflows to 0)
        beta = np.maximum(module.beta_cs.detach().cpu().double().numpy(), 1e-12)
        centers = module.centers.detach().cpu().double().numpy()
        refined = kmeans(Y * beta, self.n_clusters, seed, n_init=1, init=centers * beta)
        self._set_state(net, Y, refined.labels_, refined.cluster_centers_ / beta)

    def _train_rotation(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        """Train only V and b (autoencoder and centroids fixed) for ``init_epochs`` epochs."""
        module = net.module_
        frozen = [p for p in module.autoencoder.parameters() if p.requires_grad]
        augmentation = module.augmentation
        for p in frozen:
            p.requires_grad_(False)
        module.augmentation = False
        try:
            self._fit_phase(module, ACeDeCObjective, X, seed, str(net.device),
                            epochs=self.init_epochs, **self._net_params(),
                            criterion__cluster_weight=float(self.cluster_weight))
        finally:
            for p in frozen:
                p.requires_grad_(True)
            module.augmentation = augmentation

    # ------------------------------------------------------------ fitted API

    def _set_fitted_attributes(self, X: np.ndarray) -> None:
        super()._set_fitted_attributes(X)
        module = self.net_.module_
        with torch.no_grad():
            self.beta_ = module.beta_cs.detach().cpu().numpy().copy()
            self.shared_center_ = module.shared_center.detach().cpu().numpy().copy()
            self.rotation_ = module.V.detach().cpu().numpy().copy()
        self.cluster_dims_, self.shared_dims_ = split_dimensions(self.beta_)
        self.n_cluster_dims_ = len(self.cluster_dims_)

    def _decode(self, Y: torch.Tensor) -> torch.Tensor:
        return self.net_.module_.decode(Y)

    def cluster_space(self, X):
        """The cluster-space coordinates of ``X``: ``transform(X)[:, cluster_dims_]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)

        Returns
        -------
        Y_cs : ndarray of shape (n_samples, n_cluster_dims_), dtype float32
        """
        return self.transform(X)[:, self.cluster_dims_]

    def shared_space(self, X):
        """The shared-space coordinates of ``X``: ``transform(X)[:, shared_dims_]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)

        Returns
        -------
        Y_ss : ndarray of shape (n_samples, n_embed - n_cluster_dims_), dtype float32
        """
        return self.transform(X)[:, self.shared_dims_]

    def reconstruct(self, X, space: str = "both"):
        """Reconstruct ``X`` from one space only (paper Fig. 1b).

        The rotated embedding of each sample keeps the coordinates of ``space``; the others
        are replaced by those of the shared centroid (the mean of the data), and the result is
        decoded. ``"cluster"`` keeps what identifies the cluster, ``"shared"`` what all
        clusters share (e.g. lighting, style).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
        space : {"cluster", "shared", "both"}, default="both"
            ``"both"`` is the plain reconstruction.

        Returns
        -------
        X_hat : ndarray of shape (n_samples, n_features_in_), dtype float32
        """
        check_option("space", space, ("cluster", "shared", "both"))
        Y = self.transform(X)
        replaced = {"cluster": self.shared_dims_, "shared": self.cluster_dims_}.get(space)
        if replaced is not None:
            Y[:, replaced] = self.shared_center_[replaced]
        return self._map_numpy(Y, self._decode)


def split_dimensions(beta_cs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Harden the soft space assignment: indices of the cluster and of the shared dimensions.

    A dimension is in the cluster space when ``beta_cs >= CLUSTER_SPACE_THRESHOLD`` (0.55).
    Each space keeps at least one dimension: with none above the threshold the largest
    weight goes to the cluster space, with all above it the smallest goes to the shared space.

    Parameters
    ----------
    beta_cs : ndarray of shape (d,), d >= 2

    Returns
    -------
    cluster_dims, shared_dims : ndarray of int64
        Sorted, disjoint, together ``0..d-1``.
    """
    beta_cs = np.asarray(beta_cs)
    is_cluster = beta_cs >= CLUSTER_SPACE_THRESHOLD
    if not is_cluster.any():
        is_cluster[np.argmax(beta_cs)] = True
    elif is_cluster.all():
        is_cluster[np.argmin(beta_cs)] = False
    return np.flatnonzero(is_cluster), np.flatnonzero(~is_cluster)


__all__ = ["ACeDeC", "split_dimensions"]
