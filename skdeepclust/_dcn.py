r"""DCN (Yang et al., 2017) and ACe/DeC + DCN (Miklautz et al., 2021): autoencoders with hard
k-means centroids that move by running means."""

from __future__ import annotations

import warnings

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.utils.validation import check_array, check_is_fitted
from skorch.callbacks import Callback

from skdeepclust._base import BaseDeepClusterer, collect_outputs
from skdeepclust._net import ClusteringNet, make_net
from skdeepclust._pretrain import pretrain_estimator_autoencoder
from skdeepclust.losses.dcn import optimal_beta_logits
from skdeepclust.nn.dcn import (
    ACeDeCNetwork,
    ACeDeCObjective,
    DCNNetwork,
    DCNObjective,
    balance_embedding,
)
from skdeepclust.utils._validation import check_int, check_option, check_real

ACTIVATIONS = ("relu", "leaky_relu")
PRETRAIN_DECAYS = ("none", "cosine")

#: A dimension of the rotated embedding belongs to the cluster space when its weight
#: :math:`\beta_{cs}` is at least this value (the two spaces weigh it equally at 1/2).
CLUSTER_SPACE_THRESHOLD = 0.55

#: Learning rate of the weight logits ``b`` relative to ``lr`` (ClustPy's ACeDeC uses 10x).
BETA_LR_FACTOR = 10.0

#: The initial logits are clipped to this range so that the sigmoid is not saturated (its
#: gradient at 4 is 0.018; a saturated weight could never change its space).
MAX_INIT_LOGIT = 4.0


class CentroidUpdate(Callback):
    """After every optimiser step: re-embed the batch, reassign it, update the centroids.

    Calls ``net.module_.update_centers(X_batch)`` (see
    :func:`skdeepclust.losses.dcn.running_mean_update`) on each training batch.
    """

    def on_batch_end(self, net, batch=None, training=False, **kwargs) -> None:
        if training and batch is not None:
            net.module_.update_centers(batch[0])


def _kmeans(
    Z: np.ndarray, n_clusters: int, seed: int, n_init: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """Labels and centres of ``KMeans``; duplicate points may leave fewer distinct
    centres than clusters (sklearn warns; the centroids then separate during training)."""
    kmeans = KMeans(n_clusters, n_init=n_init, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        kmeans.fit(Z)
    return kmeans.labels_, kmeans.cluster_centers_


def _cluster_means(Y: np.ndarray, labels: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Mean of the rows of ``Y`` per label; ``fallback`` rows for labels without points."""
    centers = np.array(fallback, dtype=np.float64, copy=True)
    for k in range(len(centers)):
        members = Y[labels == k]
        if len(members):
            centers[k] = members.mean(axis=0)
    return centers


def subspace_kmeans(
    Y: np.ndarray, n_clusters: int, random_state: np.random.RandomState, *,
    n_rounds: int = 10, max_iter: int = 50, full_space_round: bool = True,
) -> tuple[np.ndarray, np.ndarray, float]:
    r"""k-means in a learned subspace plus one shared centroid (SubKmeans, Mautz et al., 2017).

    Minimises, over an orthogonal :math:`R` (d x d), a split of its columns into a cluster part
    :math:`P_c` (m columns) and a shared part :math:`P_s`, and hard assignments,

    .. math::
        \sum_i \|P_c^\top R^\top (y_i - \mu_{c(i)})\|^2
        + \sum_i \|P_s^\top R^\top (y_i - \bar y)\|^2,

    which is the ACe/DeC cluster + shared loss with hard weights :math:`\beta \in \{0, 1\}`.
    Alternates: assign in the cluster part; centroids = means; :math:`R` = eigenvectors of
    :math:`S_w - S_t` (within-cluster minus total scatter) in ascending order of their
    eigenvalues, :math:`m` = number of negative eigenvalues (at least 1, at most d - 1).
    Each random round starts from a random orthogonal :math:`R`, :math:`m = d/2` and k-means++
    seeds in that random cluster part (paper §2.2). With ``full_space_round`` one more round
    starts from ``KMeans(n_init=10)`` on all dimensions (:class:`DCN`'s start), which a random
    half of the dimensions can miss; it can only lower the returned cost. The round with the
    lowest cost is returned.

    Parameters
    ----------
    Y : ndarray of shape (n, d), d >= 2
    n_clusters : int
    random_state : numpy RandomState
    n_rounds : int, default=10
        Rounds from random rotations.
    max_iter : int, default=50
        Iterations per round (stops earlier when the assignments no longer change).
    full_space_round : bool, default=True
        Add the round started from full-space k-means.

    Returns
    -------
    R : ndarray of shape (d, d)
        Orthogonal; columns sorted by cluster structure (cluster part first).
    labels : ndarray of shape (n,)
    cost : float
    """
    if n_rounds < 1 and not full_space_round:
        raise ValueError("subspace_kmeans needs at least one round (n_rounds >= 1 or "
                         "full_space_round=True).")
    d = Y.shape[1]
    Y = Y - Y.mean(axis=0)
    starts = []
    for _ in range(n_rounds):
        q, r = np.linalg.qr(random_state.standard_normal((d, d)))
        R = q * np.where(np.diag(r) < 0, -1.0, 1.0)
        seed = random_state.randint(np.iinfo(np.int32).max)
        starts.append(_kmeans(Y @ R[:, :max(1, d // 2)], n_clusters, seed, n_init=1)[0])
    if full_space_round:
        starts.append(_kmeans(Y, n_clusters, random_state.randint(np.iinfo(np.int32).max))[0])
    scatter_total = Y.T @ Y
    rounds = (_subspace_round(Y, scatter_total, labels, n_clusters, max_iter) for labels in starts)
    return min(rounds, key=lambda result: result[2])


def _subspace_round(
    Y: np.ndarray, scatter_total: np.ndarray, labels: np.ndarray, n_clusters: int, max_iter: int
) -> tuple[np.ndarray, np.ndarray, float]:
    """One round of :func:`subspace_kmeans` on centred ``Y`` (total scatter ``Y.T @ Y``) from
    the starting ``labels``."""
    d = Y.shape[1]
    tol = 1e-9 * max(float(np.trace(scatter_total)), np.finfo(np.float64).tiny)
    for _ in range(max_iter):
        centers = _cluster_means(Y, labels, np.zeros((n_clusters, d)))
        resid = Y - centers[labels]
        eigval, R = np.linalg.eigh(resid.T @ resid - scatter_total)
        # S_w - S_t = -S_b has rank <= k - 1; ignore round-off "negatives".
        m = int(np.clip((eigval < -tol).sum(), 1, d - 1))
        projected = Y @ R[:, :m]
        dist = ((projected[:, None, :] - (centers @ R[:, :m])[None]) ** 2).sum(2)
        new_labels = dist.argmin(1)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    centers = _cluster_means(Y, labels, np.zeros((n_clusters, d)))
    resid = Y - centers[labels]
    cost = float(((resid @ R[:, :m]) ** 2).sum() + ((Y @ R[:, m:]) ** 2).sum())
    return R, labels, cost


class _BaseDCN(BaseDeepClusterer):
    """What DCN and ACeDeC share: autoencoder parameters, pretraining, centroid updates, hard
    labels, ``cluster_centers_`` and decoding."""

    _soft_assignments = False

    def _check_params(self, n_samples: int) -> None:
        super()._check_params(n_samples)
        if isinstance(self.hidden_dims, (str, bytes)) or not hasattr(self.hidden_dims, "__iter__"):
            raise TypeError(f"hidden_dims must be a tuple of ints; got {self.hidden_dims!r}.")
        for width in self.hidden_dims:
            check_int("hidden_dims entries", width, 1)
        check_int("n_embed", self.n_embed, 1)
        check_option("activation", self.activation, ACTIVATIONS)
        check_int("pretrain_epochs", self.pretrain_epochs, 0)
        check_real("pretrain_lr", self.pretrain_lr, 0.0)
        check_int("pretrain_warmup", self.pretrain_warmup, 0)
        check_real("pretrain_noise", self.pretrain_noise, 0.0, strict=False)
        check_option("pretrain_decay", self.pretrain_decay, PRETRAIN_DECAYS)
        check_real("initial_count", self.initial_count, 0.0, strict=False)

    def _module_kwargs(self) -> dict:
        return {
            "input_shape": self.input_shape_,
            "n_clusters": self.n_clusters,
            "hidden_dims": tuple(self.hidden_dims),
            "n_embed": self.n_embed,
            "activation": self.activation,
        }

    def _callbacks(self) -> list[tuple[str, Callback]]:
        return [("centroid_update", CentroidUpdate()), *super()._callbacks()]

    def _pretrain(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        pretrain_estimator_autoencoder(self, net, X, seed, lr=self.pretrain_lr, reduction="sum",
                                       noise=float(self.pretrain_noise),
                                       warmup_epochs=self.pretrain_warmup,
                                       cosine_decay=self.pretrain_decay == "cosine")

    @staticmethod
    def _embedding(net: ClusteringNet, X: np.ndarray) -> np.ndarray:
        """Network output 1 (the embedding) for all of ``X``, as float64 numpy."""
        return collect_outputs(net, X, 1).astype(np.float64)

    def fit(self, X, y=None):
        """Pretrain, initialise and train ``n_init`` networks; keep the lowest-loss one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
            Training data.
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        super().fit(X, y)
        self.cluster_centers_ = self.net_.module_.centers.detach().cpu().numpy().copy()
        return self

    # ------------------------------------------------------------ decoding

    def _decode(self, Z: torch.Tensor) -> torch.Tensor:
        return self.net_.module_.autoencoder.decode(Z)

    def inverse_transform(self, X):
        """Decode embeddings (the output of :meth:`transform`) to the input space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_embed)

        Returns
        -------
        X_input : ndarray of shape (n_samples, n_features_in_), dtype float32
        """
        check_is_fitted(self)
        X = check_array(X, dtype=np.float32)
        if X.shape[1] != self.n_embed:
            raise ValueError(
                f"X has {X.shape[1]} columns, but {type(self).__name__}.inverse_transform "
                f"expects {self.n_embed} (the width of transform's output)."
            )
        return self._map_numpy(X, self._decode)

    def decode_centers(self) -> np.ndarray:
        """The cluster centroids decoded to the input space.

        Returns
        -------
        centers : ndarray of shape (n_clusters, n_features_in_), dtype float32
            Reshape with ``.reshape(-1, *input_shape_)`` to view them as images.
        """
        check_is_fitted(self)
        return self._map_numpy(self.cluster_centers_.astype(np.float32), self._decode)


class DCN(_BaseDCN):
    r"""Deep Clustering Network: an autoencoder trained jointly with hard k-means.

    An autoencoder :math:`z = f(x)`, :math:`\hat x = g(z)` is pretrained, k-means on the
    embeddings gives the centroids :math:`\mu_k`, and then each mini-batch takes

    1. one optimiser step on
       :math:`\frac{1}{n}\sum_i \|x_i - \hat x_i\|^2 + \frac{\lambda}{2}\frac{1}{n}\sum_i
       \|z_i - \mu_{s(i)}\|^2` with the centroids fixed and :math:`s(i)` the nearest centroid;
    2. re-embeds the batch with the updated network and reassigns it to the nearest centroid;
    3. updates each centroid by a running mean with its own count,
       :math:`\mu_k \leftarrow (c_k\mu_k + \sum_{s(i)=k} z_i)/(c_k + n_k)`,
       :math:`c_k \leftarrow c_k + n_k` (the per-sample :math:`1/c_k` rule of the original code,
       in closed form; a centroid without points in the batch does not move).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    hidden_dims : tuple of int, default=(500, 500, 2000)
        Encoder hidden widths (mirrored in the decoder); ``()`` gives a linear autoencoder.
    n_embed : int, default=10
        Embedding dimension.
    activation : {"relu", "leaky_relu"}, default="relu"
        Activation after each hidden layer (leaky slope 0.01). DCN keeps the k-means start on
        the pretrained embedding almost unchanged, so the pretraining decides the result.
        Without ``pretrain_warmup`` many ReLU units die during pretraining (on Fashion-MNIST
        almost half of the first layer), and ReLU then clustered MNIST-5k better and
        Fashion-MNIST worse than LeakyReLU (``benchmarks/RESULTS.md``, issue 5).
    cluster_weight : float, default=0.1
        :math:`\lambda \ge 0`, the weight of the k-means term (paper form, with the factor 1/2).
        With 0.1, DCN scores at least as high as with 1 on every image set of the ACe/DeC
        paper's Table 1 (Fashion-MNIST NMI 0.62 vs 0.55); it is also ClustPy's default.
        Against 1, measured here over 5 seeds: ACC +0.017 on Fashion-MNIST and +0.010 on
        MNIST-5k with the NMI level; on the small ``digits`` set 1 was better (ACC +0.008,
        NMI +0.022 over 3 seeds; ``benchmarks/RESULTS.md``, issue 5, session 10).
    pretrain_epochs : int, default=100
        Autoencoder pretraining epochs (0: none; the k-means init then uses the random
        encoder), through :func:`skdeepclust._pretrain.pretrain_autoencoder`.
    pretrain_lr : float, default=1e-3
        Learning rate of the pretraining (with ``optimizer``).
    pretrain_warmup : int, default=10
        Epochs over which the pretraining learning rate rises linearly to ``pretrain_lr``
        (per mini-batch; 0: constant rate). At the full rate from the first step, almost half
        of the first layer's ReLU units die on Fashion-MNIST; with the warm-up the pretraining
        ends at a lower reconstruction error with far fewer dead units, and k-means on the
        embedding gains on MNIST-5k and Fashion-MNIST (``benchmarks/RESULTS.md``, issue 5).
    pretrain_noise : float, default=0.2
        Standard deviation of Gaussian noise added to the input during pretraining (a
        denoising autoencoder; 0: plain reconstruction), in the units of ``X``: 0.2 suits
        images scaled to [0, 1] and standardised features. Measured at the embedding level
        (k-means on the pretrained embedding, which DCN keeps; 2 seeds): Fashion-MNIST ACC
        +0.035 and NMI +0.023, MNIST-5k NMI +0.010 and ACC -0.016; end to end see
        ``benchmarks/RESULTS.md``, issue 5, session 11.
    pretrain_decay : {"cosine", "none"}, default="cosine"
        After the warm-up, ``"cosine"`` lowers the pretraining learning rate to 0 along half a
        cosine over the remaining mini-batches; ``"none"`` keeps ``pretrain_lr``. Measured at
        the embedding level with the default noise (k-means on the pretrained embedding;
        Fashion-MNIST seeds 0-2, MNIST-5k seeds 0-1): Fashion-MNIST ACC +0.04 and NMI +0.03,
        MNIST-5k ACC +0.02 and NMI level; end to end see ``benchmarks/RESULTS.md``, issue 5,
        session 12.
    initial_count : float, default=100
        Count :math:`c_k` every centroid starts with (the original code's 100); larger values
        make the early centroid moves smaller.
    n_init : int, default=1
        Restarts (each with its own pretraining); the one with the lowest total loss on the
        training data (eval mode) is kept.
    max_epochs : int, default=50
        Clustering epochs per restart (the original code's 50).
    batch_size : int, default=256
    lr : float, default=1e-4
        Learning rate of the clustering phase.
    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
    clip_grad_norm : float or None, default=None
    patience : int or None, default=None
        Stop after this many epochs without a lower training loss. The weights *and centroids*
        of the lowest-loss epoch are restored at the end of each restart.
    input_shape : tuple of int or None, default=None
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
    n_jobs : int or None, default=None
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_embed)
        Centroids in the embedding space; :meth:`decode_centers` maps them to the input space.
    labels_ : ndarray of shape (n_samples,)
        Nearest centroid of each training sample's embedding (the method's own assignment,
        no re-clustering).
    net_ : skdeepclust._net.ClusteringNet
        History terms ``train_reconstruction`` and ``train_clustering`` (times
        :math:`\lambda/2`).
    restart_scores_, restart_labels_, best_restart_, n_iter_, input_shape_, n_features_in_
        As in :class:`skdeepclust.DDC`.

    Notes
    -----
    ``transform`` returns the embedding :math:`z`; ``predict`` the nearest centroid in that
    space. Differences from the original (Theano) code, and why, are in
    ``docs/methods/dcn.md``: Adam instead of momentum SGD, shuffled batches, assignment of a
    batch computed in its forward pass.

    References
    ----------
    B. Yang, X. Fu, N. D. Sidiropoulos and M. Hong, "Towards K-means-friendly spaces:
    simultaneous deep learning and clustering", ICML 2017.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeepclust import DCN
    >>> X = StandardScaler().fit_transform(load_iris().data)
    >>> model = DCN(n_clusters=3, hidden_dims=(16,), n_embed=3, pretrain_epochs=20,
    ...             max_epochs=10, batch_size=32, lr=1e-3, random_state=0).fit(X)
    >>> model.cluster_centers_.shape, model.transform(X).shape
    ((3, 3), (150, 3))
    """

    _module_class = DCNNetwork
    _objective_class = DCNObjective

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        activation: str = "relu",
        cluster_weight: float = 0.1,
        pretrain_epochs: int = 100,
        pretrain_lr: float = 1e-3,
        pretrain_warmup: int = 10,
        pretrain_noise: float = 0.2,
        pretrain_decay: str = "cosine",
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
    ):
        self.n_clusters = n_clusters
        self.hidden_dims = hidden_dims
        self.n_embed = n_embed
        self.activation = activation
        self.cluster_weight = cluster_weight
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_lr = pretrain_lr
        self.pretrain_warmup = pretrain_warmup
        self.pretrain_noise = pretrain_noise
        self.pretrain_decay = pretrain_decay
        self.initial_count = initial_count
        self.n_init = n_init
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.clip_grad_norm = clip_grad_norm
        self.patience = patience
        self.input_shape = input_shape
        self.callbacks = callbacks
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self, n_samples: int) -> None:
        super()._check_params(n_samples)
        check_real("cluster_weight", self.cluster_weight, 0.0, strict=False)

    def _objective_kwargs(self) -> dict:
        return {"cluster_weight": float(self.cluster_weight)}

    def _initialize_net(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        self._pretrain(net, X, seed)
        _, centers = _kmeans(self._embedding(net, X), self.n_clusters, seed)
        net.module_.set_centers(centers, np.full(self.n_clusters, float(self.initial_count)))


class ACeDeC(_BaseDCN):
    r"""ACe/DeC + DCN: DCN with a learned cluster space and shared space, without :math:`\lambda`.

    The embedding :math:`z` of a pretrained autoencoder is rotated by a learnable
    :math:`d \times d` matrix, :math:`y = V^\top z`, and each dimension of :math:`y` is weighed
    by :math:`\beta_{cs} = \operatorname{sigmoid}(b)` in the cluster space and by
    :math:`\beta_{ss} = 1 - \beta_{cs}` in the shared space. The loss (paper Eq. 5, per sample,
    averaged over the batch) is

    .. math::
        \|y - m_{c(x)}\|^2_{\beta_{cs}} + \|y - m_{ss}\|^2_{\beta_{ss}} + \|x - g(V y)\|^2,
        \qquad \|h\|^2_\beta = \sum_i \beta_i^2 h_i^2,

    with :math:`K` cluster centroids :math:`m_k` and one shared centroid :math:`m_{ss}` in the
    rotated space, :math:`c(x) = \operatorname{argmin}_k \|y - m_k\|^2_{\beta_{cs}}`. The
    network, :math:`V` and :math:`b` are trained by gradient steps; after each step the
    centroids are updated by running means with per-centroid counts (mini-batch k-means; the
    shared centroid is the running mean of all points), as in :class:`DCN`.

    Initialisation (paper §2.2): pretrain the autoencoder, balance its code layer if it is
    linear (``balance``); then, on the embeddings, :func:`subspace_kmeans` (best of 10 rounds,
    each: :math:`V` random orthogonal, the dimensions split at random into two halves, k-means
    in the cluster half, then the rotation that minimises the cluster + shared terms for hard
    weights, in closed form, alternated with the assignments; plus one round started from
    ``KMeans(n_init=10)`` on all dimensions, the start of :class:`DCN`); :math:`V` becomes the
    random orthogonal matrix of the network times that rotation. Cluster centroids = cluster
    means (all dimensions), shared centroid = data mean, :math:`b` = its optimum for that state
    (:func:`~skdeepclust.losses.dcn.optimal_beta_logits`, clipped to :math:`\pm 4`). Then only
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
    init_epochs : int, default=20
        Epochs of the :math:`V`, :math:`b`-only initial training (0 skips it).
    balance : bool or "auto", default="auto"
        After pretraining, re-parametrise the autoencoder's code layer so that its encoder and
        decoder weights are balanced (:func:`skdeepclust.nn.dcn.balance_embedding`; the
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
        shifted copy of each batch (paper §2.2, see :class:`skdeepclust.nn.dcn.ACeDeCObjective`).
    max_degrees : float, default=15.0
        Largest rotation of the augmentation, in degrees.
    max_shift : float, default=0.1
        Largest shift of the augmentation, as a fraction of the image size.
    pretrain_epochs, pretrain_lr, pretrain_warmup, pretrain_noise, pretrain_decay, \
initial_count, n_init, max_epochs, batch_size, lr, optimizer, clip_grad_norm, patience, \
input_shape, callbacks, device, n_jobs, random_state, verbose
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

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        hidden_dims: tuple[int, ...] = (500, 500, 2000),
        n_embed: int = 10,
        activation: str = "relu",
        init_epochs: int = 20,
        balance: bool | str = "auto",
        augmentation: bool = False,
        max_degrees: float = 15.0,
        max_shift: float = 0.1,
        pretrain_epochs: int = 100,
        pretrain_lr: float = 1e-3,
        pretrain_warmup: int = 10,
        pretrain_noise: float = 0.2,
        pretrain_decay: str = "cosine",
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
    ):
        self.n_clusters = n_clusters
        self.hidden_dims = hidden_dims
        self.n_embed = n_embed
        self.activation = activation
        self.init_epochs = init_epochs
        self.balance = balance
        self.augmentation = augmentation
        self.max_degrees = max_degrees
        self.max_shift = max_shift
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_lr = pretrain_lr
        self.pretrain_warmup = pretrain_warmup
        self.pretrain_noise = pretrain_noise
        self.pretrain_decay = pretrain_decay
        self.initial_count = initial_count
        self.n_init = n_init
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.clip_grad_norm = clip_grad_norm
        self.patience = patience
        self.input_shape = input_shape
        self.callbacks = callbacks
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self, n_samples: int) -> None:
        super()._check_params(n_samples)
        check_int("n_embed", self.n_embed, 2)
        check_int("init_epochs", self.init_epochs, 0)
        if isinstance(self.balance, str):
            check_option("balance", self.balance, ("auto",))
        elif not isinstance(self.balance, (bool, np.bool_)):
            raise TypeError(f"balance must be a bool or 'auto'; got {self.balance!r}.")
        if not isinstance(self.augmentation, (bool, np.bool_)):
            raise TypeError(f"augmentation must be a bool; got {self.augmentation!r}.")
        check_real("max_degrees", self.max_degrees, 0.0, strict=False)
        check_real("max_shift", self.max_shift, 0.0, strict=False)
        if self.max_shift > 1:
            raise ValueError(f"max_shift must be <= 1; got {self.max_shift}.")
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
        }

    def _objective_kwargs(self) -> dict:
        return {"augmentation": bool(self.augmentation)}

    def _optimizer_params(self) -> dict:
        return {"optimizer__param_groups": [("beta_logits", {"lr": self.lr * BETA_LR_FACTOR})]}

    def _build_net(self, X: np.ndarray, seed: int, device: str) -> ClusteringNet:
        net = super()._build_net(X, seed, device)
        net.set_params(**self._optimizer_params())
        return net

    # -------------------------------------------------------- initialisation

    def _set_state(self, net: ClusteringNet, Y: np.ndarray, labels: np.ndarray,
                   centers: np.ndarray) -> None:
        """Centroids from a clustering of the rotated embeddings ``Y`` and the optimal logits."""
        module = net.module_
        shared = Y.mean(axis=0)
        centers = _cluster_means(Y, labels, centers)
        counts = np.full(self.n_clusters, float(self.initial_count))
        module.set_centers(centers, counts, shared, self.n_clusters * float(self.initial_count))
        logits = optimal_beta_logits(
            torch.as_tensor(Y), torch.as_tensor(labels, dtype=torch.long),
            torch.as_tensor(centers), torch.as_tensor(shared),
        ).clamp(-MAX_INIT_LOGIT, MAX_INIT_LOGIT)
        with torch.no_grad():
            module.beta_logits.copy_(logits.to(module.beta_logits))

    def _initialize_net(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        self._pretrain(net, X, seed)
        module = net.module_
        linear = len(self.hidden_dims) == 0
        balance = linear if self.balance == "auto" else bool(self.balance)
        if balance:
            # Fix the autoencoder's gauge (z -> A z, decoder -> A^-1) so that distances in the
            # embedding do not depend on an arbitrary invertible map (see balance_embedding).
            balance_embedding(module.autoencoder.encoder[-1], module.autoencoder.decoder[0])
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
        self._set_state(net, Y, labels, np.zeros((self.n_clusters, self.n_embed)))
        if self.init_epochs > 0:
            self._train_rotation(net, X, seed)
            Y = self._embedding(net, X)
        # Refresh the centroids for the trained V, b: Lloyd iterations in the beta-weighted
        # space started from the current centroids (a local refinement, not a new k-means).
        # (floored: a float32 sigmoid of a very negative logit underflows to 0)
        beta = np.maximum(module.beta_cs.detach().cpu().double().numpy(), 1e-12)
        centers = module.centers.detach().cpu().double().numpy()
        kmeans = KMeans(self.n_clusters, init=centers * beta, n_init=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            kmeans.fit(Y * beta)
        self._set_state(net, Y, kmeans.labels_, kmeans.cluster_centers_ / beta)

    def _train_rotation(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        """Train only V and b (autoencoder and centroids fixed) for ``init_epochs`` epochs."""
        module = net.module_
        frozen = [p for p in module.autoencoder.parameters() if p.requires_grad]
        augmentation = module.augmentation
        for p in frozen:
            p.requires_grad_(False)
        module.augmentation = False
        try:
            init_net = make_net(
                module,
                ACeDeCObjective,
                term_names=ACeDeCObjective.term_names,
                n_samples=len(X),
                batch_size=self.batch_size,
                seed=seed,
                device=str(net.device),
                verbose=self.verbose,
                optimizer=self.optimizer,
                lr=self.lr,
                max_epochs=self.init_epochs,
                **self._optimizer_params(),
            )
            init_net.fit(X)
        finally:
            for p in frozen:
                p.requires_grad_(True)
            module.augmentation = augmentation

    # ------------------------------------------------------------ fitted API

    def fit(self, X, y=None):
        """Pretrain, initialise and train ``n_init`` networks; keep the lowest-loss one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
            Training data.
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        super().fit(X, y)
        module = self.net_.module_
        with torch.no_grad():
            self.beta_ = module.beta_cs.detach().cpu().numpy().copy()
            self.shared_center_ = module.shared_center.detach().cpu().numpy().copy()
            self.rotation_ = module.V.detach().cpu().numpy().copy()
        self.cluster_dims_, self.shared_dims_ = split_dimensions(self.beta_)
        self.n_cluster_dims_ = len(self.cluster_dims_)
        return self

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


__all__ = ["ACeDeC", "CentroidUpdate", "DCN", "split_dimensions"]
