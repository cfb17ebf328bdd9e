r"""DCN (Yang et al., 2017): an autoencoder with hard k-means centroids that move by running
means."""

from __future__ import annotations

import numpy as np
import torch
from skorch.callbacks import Callback
from torch import nn

from skdeepclust._autoencoder import Autoencoder, BaseAutoencoderClusterer
from skdeepclust._kmeans import kmeans
from skdeepclust._net import ClusteringNet
from skdeepclust.callbacks import CentroidUpdate
from skdeepclust.nn.autoencoders import balance_embedding
from skdeepclust.nn.dcn import DCNNetwork, DCNObjective
from skdeepclust.utils._sklearn_compat import NON_NEGATIVE_REAL, StrOptions

ACTIVATIONS = ("relu", "leaky_relu")


class BaseDCN(BaseAutoencoderClusterer):
    """What DCN and ACeDeC share: the activation, hard labels from centroids that move by
    running means after every step, and ``cluster_centers_``."""

    _soft_assignments = False
    # The DCN objective sums the squared error over features (as the DCN code does).
    _pretrain_reduction = "sum"

    _parameter_constraints: dict = {
        **BaseAutoencoderClusterer._parameter_constraints,
        "activation": [StrOptions(set(ACTIVATIONS))],
        "initial_count": NON_NEGATIVE_REAL,
        "balance": ["boolean", StrOptions({"auto"})],
    }

    def _check_params_vs_input(self, X: np.ndarray) -> None:
        super()._check_params_vs_input(X)
        if self.balance is True and not self._uses_builtin_autoencoder():
            raise ValueError(
                "balance=True re-parametrises the built-in autoencoder's code layer; with "
                "your own network or a fitted autoencoder use balance='auto' or False."
            )

    def _balance(self, net: ClusteringNet) -> None:
        """Balance the code layer of the pretrained autoencoder if ``balance`` asks for it.

        ``"auto"`` balances the built-in linear autoencoder (``hidden_dims=()``) only.
        """
        linear = self._uses_builtin_autoencoder() and len(self.hidden_dims) == 0
        if linear if self.balance == "auto" else bool(self.balance):
            # Fix the autoencoder's gauge (z -> A z, decoder -> A^-1) so that distances in the
            # embedding do not depend on an arbitrary invertible map.
            autoencoder = net.module_.autoencoder
            balance_embedding(autoencoder.encoder[-1], autoencoder.decoder[0])

    def _module_kwargs(self) -> dict:
        return {
            "input_shape": self.input_shape_,
            "n_clusters": self.n_clusters,
            "hidden_dims": tuple(self.hidden_dims),
            "activation": self.activation,
            **self._autoencoder_kwargs(),
        }

    def _method_callbacks(self) -> list[tuple[str, Callback]]:
        return [("centroid_update", CentroidUpdate())]

    def _set_fitted_attributes(self, X: np.ndarray) -> None:
        self.cluster_centers_ = self.net_.module_.centers.detach().cpu().numpy().copy()


class DCN(BaseDCN):
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
    n_embed : int, default=10
        Embedding dimension.
    activation : {"relu", "leaky_relu"}, default="relu"
        Activation after each hidden layer (leaky slope 0.01). On the tuning seeds neither
        was better on both MNIST-5k and Fashion-MNIST, and with ``pretrain_warmup`` LeakyReLU
        gained on neither, so ReLU, the activation of the DEC/IDEC network, is the default
        (``docs/notes/dcn-acedec.md``).
    cluster_weight : float, default=0.1
        :math:`\lambda \ge 0`, the weight of the k-means term (paper form, with the factor 1/2).
        With 0.1, DCN scores at least as high as with 1 on every image set of the ACe/DeC
        paper's Table 1, and it is ClustPy's default; on the tuning seeds it also kept more of
        the k-means start on MNIST-5k and Fashion-MNIST (``docs/notes/dcn-acedec.md``).
    balance : bool or "auto", default=False
        Balance the code layer of the pretrained autoencoder before the k-means start, as
        :class:`ACeDeC` does (see its ``balance``). Off by default: DCN's defaults were set
        without it; ``True`` gives DCN the same embedding as ACeDeC on a linear autoencoder.
    pretrain_epochs : int, default=100
        Autoencoder pretraining epochs (0: none; the k-means init then uses the random
        encoder), through the shared pretraining (squared error summed over features).
    pretrain_lr : float or None, default=1e-3
        Learning rate of the pretraining; None uses ``lr``.
    pretrain_batch_size : int or None, default=None
        Batch size of the pretraining; None uses ``batch_size``.
    pretrain_warmup : int, default=10
        Epochs over which the pretraining learning rate rises linearly to ``pretrain_lr``
        (per mini-batch; 0: constant rate). At the full rate from the first step many ReLU
        units die; the warm-up keeps them alive and gave k-means on the pretrained embedding a
        better start on both MNIST-5k and Fashion-MNIST (``docs/notes/dcn-acedec.md``).
    pretrain_noise : float, default=0.2
        Standard deviation of Gaussian noise added to the input during pretraining (a
        denoising autoencoder; 0: plain reconstruction), in the units of ``X``: 0.2 suits
        images scaled to [0, 1] and standardised features. On the tuning seeds it raised both
        methods on Fashion-MNIST and left MNIST-5k level or better
        (``docs/notes/dcn-acedec.md``).
    pretrain_decay : {"cosine", "none"}, default="cosine"
        After the warm-up, ``"cosine"`` lowers the pretraining learning rate to 0 along half a
        cosine over the remaining mini-batches; ``"none"`` keeps ``pretrain_lr``. On the
        tuning seeds it raised DCN's ACC and NMI on both MNIST-5k and Fashion-MNIST
        (``docs/notes/dcn-acedec.md``).
    pretrain_optimizer : torch.optim.Optimizer class or None, default=None
        Optimizer of the pretraining; None uses ``optimizer``.
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
    **kwargs
        Routed parameters, skorch-style: ``optimizer__*`` to the optimizer (``optimizer__eps``),
        ``pretrain_optimizer__*`` to the pretraining optimizer, ``encoder__*`` and
        ``decoder__*`` to your own network classes.

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

    _parameter_constraints: dict = {
        **BaseDCN._parameter_constraints,
        "cluster_weight": NON_NEGATIVE_REAL,
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
        balance: bool | str = False,
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
        self.balance = balance
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

    def _objective_kwargs(self, module_kwargs: dict) -> dict:
        return {"cluster_weight": float(self.cluster_weight)}

    def _initialize_clusters(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        self._balance(net)
        centers = kmeans(self._embedding(net, X), self.n_clusters, seed).cluster_centers_
        net.module_.set_centers(centers, np.full(self.n_clusters, float(self.initial_count)))


__all__ = ["DCN"]
