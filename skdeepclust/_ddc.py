"""Deep Divergence-based Clustering (DDC)."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import torch
from torch import nn

from skdeepclust._base import BaseDeepClusterer
from skdeepclust.losses.ddc import CS_NORMALIZATIONS, ORTHOGONALITY_REDUCTIONS
from skdeepclust.losses.uco import UCO_KERNELS, UCO_WEIGHTINGS
from skdeepclust.nn.ddc import DDC_TERMS, DDCNetwork, DDCObjective
from skdeepclust.nn.encoders import (
    ENCODERS,
    GRU_INPUT_MESSAGE,
    WEIGHT_INITS,
    check_encoder_options,
    count_blocks,
)
from skdeepclust.nn.user import UserDecoder, UserEncoder, build_user_module, is_user_module
from skdeepclust.utils._sklearn_compat import (
    NON_NEGATIVE_REAL,
    POSITIVE_INT,
    POSITIVE_REAL,
    SequenceOf,
    StrOptions,
    SubclassOf,
)

#: ``max_epochs="auto"`` trains for ``AUTO_EPOCHS`` epochs or ``AUTO_STEPS`` gradient steps,
#: whichever is fewer: on MNIST-5k a restart's partition was settled after about 200 steps.
AUTO_EPOCHS = 30
AUTO_STEPS = 420


class DDC(BaseDeepClusterer):
    r"""Deep Divergence-based Clustering (Kampffmeyer et al., 2019).

    An encoder followed by a clustering head (``Linear -> ReLU -> BatchNorm -> Linear ->
    softmax``) trained with the three DDC terms: Cauchy-Schwarz separation of the clusters
    under a Gaussian kernel on the head's hidden layer, orthogonality of the assignment
    vectors, and closeness of the assignments to the simplex corners. Restarts are ranked by
    their total loss in inference mode over the training data, as the authors do.

    This is the divergence-based DDC of Kampffmeyer et al., not the density-based "DDC" of
    ClustPy.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    encoder : {"auto", "mlp", "cnn", "lenet", "gru"}, nn.Module class or instance, default="auto"
        ``"mlp"``: fully connected (``hidden_dims``); ``"cnn"``: the small CNN of the DDC-UCO
        code for images of at least 20x20; ``"lenet"``: the DDC paper's LeNet-style CNN for
        images of at least 16x16; ``"gru"``: a 2-layer bidirectional GRU for sequences, of one
        length or of different lengths (see Notes). ``"auto"`` picks ``"lenet"`` for samples
        of shape (C, H, W) and ``"mlp"`` otherwise: on MNIST-5k's tuning seeds its restarts
        reached ACC 0.62-0.73 against 0.44-0.46 for ``"cnn"``, at a third of the cost per
        epoch. Options of a built-in encoder are routed as ``encoder__<option>`` (e.g.
        ``encoder__first_block_pooled=True`` for the DTKC block layout; the GRU's width,
        depth and direction as ``encoder__hidden_size`` (default 32 units per direction),
        ``encoder__n_layers`` (default 2, one block each) and ``encoder__bidirectional``
        (default True); the list is :data:`skdeepclust.nn.encoders.ENCODER_OPTIONS`). Your
        own network: a ``torch.nn.Module`` class, built per restart with the routed
        ``encoder__*`` parameters, or an instance, copied per restart; it receives batches of
        shape ``(n, *input_shape)`` and returns the encoding or a tuple of block outputs
        ending with it (the contract is in :mod:`skdeepclust.nn.user`).
    decoder : "auto", nn.Module class or instance, default="auto"
        The decoder of DDC-AE (used when ``reconstruction_weight > 0``): ``"auto"`` mirrors
        a built-in encoder; with your own encoder pass your own decoder (routed parameters
        ``decoder__*``), which maps the encoding to the input.
    hidden_dims : tuple of int, default=(500, 500)
        Hidden layer widths of the MLP encoder.
    n_hidden : int, default=100
        Width of the head's hidden layer, the space the DDC kernel is computed in.
    weight_init : {"he", "pytorch"}, default="pytorch"
        Initialisation of the built-in encoder, decoder and head: PyTorch's per-layer default
        (uniform weights and biases within :math:`1/\sqrt{\text{fan\_in}}`) or He et al.'s
        (the DDC paper and the authors' code). PyTorch's gave the better restarts on the
        tuning seeds (digits: mean ACC per restart 0.750 against 0.723, see
        ``docs/methods/ddc.md``). A network you pass keeps its own.
    rel_sigma : float, default=0.15
        Kernel width: :math:`\sigma^2 = \text{rel\_sigma} \cdot \operatorname{median}(D)` over
        the squared distances ``D`` of each batch (see :func:`skdeepclust.kernels.kernel_width`).
    uco_kernel : {None, "naive", "tensor"}, default=None
        Adds an unsupervised companion objective on every encoder block (DDC-UCO): the DDC
        separation term computed with a kernel on the block output, either the Gaussian kernel
        on the flattened output (``"naive"``, DDC-UCO_N) or the structure-exploiting tensor
        kernel (``"tensor"``, DDC-UCO_T). The MLP encoder has one block per hidden layer, the
        CNN encoders two, the GRU one per layer: its last hidden state (both directions), on
        which ``"naive"`` is the Gaussian kernel of the recurrent DDC (RDTKC in the DTKC
        appendix). ``"tensor"`` with ``encoder="gru"`` is refused: on vectors it would
        compare only their directions.
    uco_weight : float, default=0.01
        Weight :math:`\lambda` of the companion objectives.
    uco_weighting : {"constant", "linear", "exponential"}, default="constant"
        Relative block weights :math:`\omega(b)`, see
        :func:`skdeepclust.losses.uco.uco_block_weights`.
    reconstruction_weight : float, default=0.0
        When > 0, a decoder mirroring the encoder is added and this weight times the mean
        squared reconstruction error joins the loss (DDC-AE uses 0.1).
    term_weights : tuple of 3 float, default=(1.0, 1.0, 1.0)
        Weights of the separation, orthogonality and simplex terms (:math:`L_1, L_2, L_3`);
        0 leaves a term out (the DDC paper's ablation, Table 2). All papers weigh them
        equally.
    orthogonality : {"mean", "sum"}, default="mean"
        :math:`L_2` as the mean over the sample pairs of a batch (the UCO code) or their sum
        (the DDC paper and the DTKC code; :math:`n(n-1)/2` times stronger, 7 140 at a batch
        of 120).
    cs_normalization : {"pairs", "clusters"}, default="pairs"
        Divide each Cauchy-Schwarz term by the number of cluster pairs (the UCO and DTKC
        papers) or by the number of clusters (the DDC paper, Eq. 3).
    n_init : int, default=16
        Number of restarts, ranked by their total loss in eval mode. The papers use 20.
    vote : int or None, default=None
        How many of the best-ranked restarts form the model. None (the default): every
        restart votes; 1 keeps the best restart alone, as the papers report it. Voters' soft
        assignments are averaged, each aligned to the best restart's clusters (Hungarian
        matching on the training labels): the DDC paper's DDC-VOTE (§4.6, there a hard
        majority vote of the best 3). The total loss ranks DDC's restarts poorly, and the
        vote of all of them beat every selection rule measured on the tuning seeds.
        ``predict`` and ``predict_proba`` run every voting network; ``transform`` returns
        the best restart's hidden representation.
    max_epochs : int or "auto", default="auto"
        Training epochs per restart. ``"auto"``: 30 epochs or about 420 gradient steps,
        whichever is fewer (``AUTO_EPOCHS``, ``AUTO_STEPS``; 30 epochs on up to 1 800 samples
        at the default batch size, 11 on 5 000). DDC's partition is settled within a few
        hundred steps (the assignments saturate; later steps lower the loss of the same
        partition), so the defaults spend the budget on restarts instead (the papers:
        100-200 epochs).
    batch_size : int, default=120
        Mini-batch size (clamped to the number of samples). The loss is computed on kernel
        matrices of each batch, so it should be much larger than ``n_clusters``.
    lr : float, default=1e-3
        Learning rate.
    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
    clip_grad_norm : float or None, default=10.0
        Maximum global gradient norm; None disables clipping.
    patience : int or None, default=None
        Stop a restart after this many epochs without a lower training loss. The weights of the
        lowest-loss epoch are restored at the end of each restart either way.
    input_shape : tuple of int or None, default=None
        Shape of one sample when ``X`` is passed flat, e.g. ``(1, 28, 28)``. Not needed when
        ``X`` is passed with its natural shape, e.g. (n_samples, 1, 28, 28). For sequences,
        ``(T, channels)`` pads them to at least ``T`` time steps.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks, copied for each restart.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
        ``"auto"`` uses CUDA when available.
    n_jobs : int or None, default=None
        Restarts to run in parallel through joblib (None means 1).
    random_state : int, RandomState instance or None, default=None
        Seeds the restarts. Same value and same device give the same labels.
    verbose : int, default=0
        0: silent; 1: a progress bar over restarts; 2: also skorch's per-epoch table.
    **kwargs
        Routed parameters, skorch-style: ``optimizer__*`` to the optimizer (``optimizer__eps``),
        ``encoder__*`` and ``decoder__*`` to your own network classes.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training sample (equal to ``predict(X)``).
    net_ : skdeepclust._net.ClusteringNet
        The skorch net of the selected restart (history, module, optimizer).
    restart_scores_ : ndarray of shape (n_init,)
        Total loss of each restart in inference mode; lower is better.
    restart_labels_ : ndarray of shape (n_init, n_samples)
        Labels each restart gives the training data (for diagnostics and consensus voting).
    best_restart_ : int
        Index of the selected restart.
    vote_restarts_ : ndarray of shape (n_voting,), dtype int64
        Indices of the restarts that form the model, best first (``[best_restart_]`` when
        ``vote=1``); their networks are ``voting_nets_`` and ``voting_permutations_[m, j]`` is
        the best restart's cluster matched to cluster ``j`` of voter ``m``.
    n_iter_ : int
        Epochs run by the selected restart.
    input_shape_ : tuple of int
        Shape of one sample; for sequences ``(T, channels)`` with ``T`` the longest training
        sequence (or ``input_shape[0]``).
    n_features_in_ : int
        Number of (flattened) input features (``T * channels`` for sequences).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Input column names, when ``X`` had string column names.

    Notes
    -----
    Loss terms, logged per epoch in ``net_.history`` as ``train_separation`` (:math:`L_1`),
    ``train_orthogonality`` (:math:`L_2`) and ``train_simplex`` (:math:`L_3`). Normalisations
    follow the authors' code behind the UCO paper by default: :math:`1/\binom{k}{2}` in the
    Cauchy-Schwarz terms, the mean over sample pairs in :math:`L_2` (``cs_normalization`` and
    ``orthogonality`` give the DDC paper's). With companion
    objectives the history also has ``train_uco_0``, ``train_uco_1``, ... (weighted terms, block
    0 nearest the input), with a decoder ``train_reconstruction``. Restart selection uses the
    total of all weighted terms, as the authors do.

    The papers' configurations are presets: :func:`skdeepclust.presets.ddc` (DDC paper),
    :func:`~skdeepclust.presets.dtkc`, :func:`~skdeepclust.presets.ddc_uco` (DDC-UCO_T,
    DDC-UCO_N and the UCO paper's DDC) and :func:`~skdeepclust.presets.ddc_ae`. They use 20
    restarts of 100-200 epochs, He initialisation and the lowest-loss restart. The defaults
    differ in three named ways (``weight_init``, ``vote``, ``max_epochs`` with ``n_init``),
    chosen on the tuning seeds: on digits they raised the mean ACC from 0.766 (the authors'
    selection of 8 restarts of 30 epochs) to 0.855 (16 restarts of 30 epochs, all voting).

    ``predict_proba`` returns the (voted) softmax assignments, ``transform`` the head's hidden
    representation (after BatchNorm), of width ``n_hidden``.

    **Sequences** (``encoder="gru"``, the recurrent DDC of the DTKC appendix). ``fit``,
    ``predict``, ``fit_predict``, ``transform``, ``predict_proba`` and ``score`` take

    - a list of ``n_samples`` arrays of shape ``(length_i, channels)``, lengths free, the
      channels shared (aeon's, tslearn's and sktime's way of holding unequal-length series);
    - a 3-D array of shape ``(n_samples, T, channels)``, where time steps whose values are
      all NaN after a sequence's last observed step are padding (tslearn's convention);
      without NaN, every sequence is ``T`` steps long;
    - 2-D ``X`` of shape ``(n_samples, T * channels)`` with ``input_shape=(T, channels)``.

    A list becomes a NaN-padded float32 array when it is read, so restarts, batching and
    scikit-learn's indexing (``GridSearchCV`` folds of a list) work as for any array. The GRU
    reads each sequence's length from its padding and runs on packed sequences, so padding
    never reaches the representation: a sequence gets the same embedding and label however
    much padding it carries, and in whatever order or company it is passed. After ``fit``,
    sequences longer than any training sequence are accepted too. NaN anywhere else (inside a
    sequence, or in some channels of a time step) is an error, as are empty sequences, 1-D
    items and unequal channel counts in a list. ``reconstruction_weight > 0`` needs sequences
    of one length in ``fit`` and ``score`` (padding has nothing to reconstruct). The DTKC
    appendix's recurrent models are presets: :func:`~skdeepclust.presets.rddc` and
    :func:`~skdeepclust.presets.rdtkc`.

    References
    ----------
    M. Kampffmeyer, S. Løkse, F. M. Bianchi, L. Livi, A.-B. Salberg and R. Jenssen,
    "Deep divergence-based approach to clustering", Neural Networks 113, 2019.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skdeepclust import DDC
    >>> X, _ = load_digits(return_X_y=True)
    >>> model = make_pipeline(MinMaxScaler(), DDC(n_clusters=10, n_init=1, max_epochs=2,
    ...                                           random_state=0))
    >>> model.fit_predict(X).shape
    (1797,)
    """

    _module_class = DDCNetwork
    _objective_class = DDCObjective

    _routed_prefixes = ("optimizer__", "encoder__", "decoder__")
    _encoder_options = True

    _parameter_constraints: dict = {
        **BaseDeepClusterer._parameter_constraints,
        "encoder": [StrOptions({"auto", *ENCODERS}), nn.Module, SubclassOf(nn.Module)],
        "decoder": [StrOptions({"auto"}), nn.Module, SubclassOf(nn.Module)],
        "hidden_dims": [SequenceOf(Integral, 1)],
        "n_hidden": POSITIVE_INT,
        "rel_sigma": POSITIVE_REAL,
        "uco_kernel": [StrOptions(set(UCO_KERNELS)), None],
        "uco_weight": NON_NEGATIVE_REAL,
        "uco_weighting": [StrOptions(set(UCO_WEIGHTINGS))],
        "reconstruction_weight": NON_NEGATIVE_REAL,
        "term_weights": [SequenceOf(Real, 0, allow_empty=False)],
        "orthogonality": [StrOptions(set(ORTHOGONALITY_REDUCTIONS))],
        "cs_normalization": [StrOptions(set(CS_NORMALIZATIONS))],
        "vote": [*POSITIVE_INT, None],
        "weight_init": [StrOptions(set(WEIGHT_INITS))],
        "max_epochs": [*POSITIVE_INT, StrOptions({"auto"})],
    }

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        encoder: str | type[nn.Module] | nn.Module = "auto",
        decoder: str | type[nn.Module] | nn.Module = "auto",
        hidden_dims: tuple[int, ...] = (500, 500),
        n_hidden: int = 100,
        weight_init: str = "pytorch",
        rel_sigma: float = 0.15,
        uco_kernel: str | None = None,
        uco_weight: float = 0.01,
        uco_weighting: str = "constant",
        reconstruction_weight: float = 0.0,
        term_weights: tuple[float, float, float] = (1.0, 1.0, 1.0),
        orthogonality: str = "mean",
        cs_normalization: str = "pairs",
        n_init: int = 16,
        vote: int | None = None,
        max_epochs: int | str = "auto",
        batch_size: int = 120,
        lr: float = 1e-3,
        optimizer: type[torch.optim.Optimizer] = torch.optim.Adam,
        clip_grad_norm: float | None = 10.0,
        patience: int | None = None,
        input_shape: tuple[int, ...] | None = None,
        callbacks: list | None = None,
        device: str = "auto",
        n_jobs: int | None = None,
        random_state=None,
        verbose: int = 0,
        **kwargs,
    ):
        self.encoder = encoder
        self.decoder = decoder
        self.hidden_dims = hidden_dims
        self.n_hidden = n_hidden
        self.weight_init = weight_init
        self.rel_sigma = rel_sigma
        self.uco_kernel = uco_kernel
        self.uco_weight = uco_weight
        self.uco_weighting = uco_weighting
        self.reconstruction_weight = reconstruction_weight
        self.term_weights = term_weights
        self.orthogonality = orthogonality
        self.cs_normalization = cs_normalization
        self.vote = vote
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

    def _check_params_vs_input(self, X) -> None:
        super()._check_params_vs_input(X)
        if len(self.term_weights) != len(DDC_TERMS):
            raise ValueError(
                f"term_weights needs one weight per DDC term {DDC_TERMS}; got "
                f"{len(self.term_weights)} values."
            )
        if not any(w > 0 for w in self.term_weights) and self.uco_kernel is None and not (
                self.reconstruction_weight > 0):
            raise ValueError("term_weights are all 0 and there is no other term to train on.")
        if not is_user_module(self.encoder):
            check_encoder_options(self._encoder_name(), self._routed_params("encoder__"))
        if self._takes_sequences():
            self._check_sequence_params(X)
        if (self.reconstruction_weight > 0 and is_user_module(self.encoder)
                and not is_user_module(self.decoder)):
            raise ValueError(
                "reconstruction_weight > 0 with your own encoder needs your own decoder: pass "
                "decoder= an nn.Module class or instance that maps the encoding to the input."
            )

    def _takes_sequences(self) -> bool:
        return isinstance(self.encoder, str) and self.encoder == "gru"

    def _check_sequence_params(self, X: np.ndarray) -> None:
        """What the recurrent encoder needs from the data and the other parameters."""
        if len(self.input_shape_) != 2:
            raise ValueError(GRU_INPUT_MESSAGE.format(shape=self.input_shape_))
        if self.uco_kernel == "tensor":
            # The GRU's blocks are vectors (last hidden states). On a vector the tensor kernel
            # only compares directions (its one-dimensional row spaces), a different kernel
            # from the Gaussian one of the recurrent DDC's companion objectives.
            raise ValueError(
                "uco_kernel='tensor' needs blocks with a tensor structure (feature maps); the "
                "blocks of encoder='gru' are last hidden states (vectors), on which the tensor "
                "kernel would compare only their directions. Use uco_kernel='naive' for "
                "recurrent encoders (the Gaussian kernel on each layer's last hidden state)."
            )
        if self.reconstruction_weight > 0 and np.isnan(X).any():
            raise ValueError(
                "reconstruction_weight > 0 needs sequences of one length: the decoder "
                "reconstructs every time step, and padding has no values to reconstruct."
            )

    def _encoder_name(self) -> str:
        if self.encoder != "auto":
            return self.encoder
        return "lenet" if len(self.input_shape_) == 3 else "mlp"

    def _training_epochs(self, n_samples: int) -> int:
        if self.max_epochs != "auto":
            return self.max_epochs
        # Batches per epoch as the training loader makes them (the last incomplete one dropped).
        steps_per_epoch = n_samples // min(self.batch_size, n_samples)
        return max(1, min(AUTO_EPOCHS, math.ceil(AUTO_STEPS / steps_per_epoch)))

    def _selection_score(self, net, X: np.ndarray) -> float:
        if self.reconstruction_weight > 0 and self._takes_sequences() and (
                X.shape[1] != self.n_features_in_ or np.isnan(X).any()):
            # The reconstruction term compares every time step of the training length.
            raise ValueError(
                "score with reconstruction_weight > 0 needs sequences of the training length "
                f"{self.input_shape_[0]} (no padding): the decoder reconstructs every time step."
            )
        return super()._selection_score(net, X)

    def _n_voters(self) -> int:
        return self.n_init if self.vote is None else min(self.vote, self.n_init)

    def _module_kwargs(self) -> dict:
        encoder = self.encoder
        encoder_options = None
        if is_user_module(encoder):
            encoder = UserEncoder(build_user_module(encoder, self._routed_params("encoder__"),
                                                    self.input_shape_, "encoder"),
                                  self.input_shape_)
        else:
            encoder = self._encoder_name()
            encoder_options = self._routed_params("encoder__")
        decoder = self.reconstruction_weight > 0
        if decoder and is_user_module(self.decoder):
            decoder = UserDecoder(build_user_module(self.decoder, self._routed_params("decoder__"),
                                                    self.input_shape_, "decoder"),
                                  encoder.output_shape, self.n_features_in_)
        return {
            "input_shape": self.input_shape_,
            "n_clusters": self.n_clusters,
            "encoder": encoder,
            "hidden_dims": tuple(self.hidden_dims),
            "n_hidden": self.n_hidden,
            "decoder": decoder,
            "encoder_options": encoder_options,
            "weight_init": self.weight_init,
        }

    def _objective_kwargs(self, module_kwargs: dict) -> dict:
        encoder = module_kwargs["encoder"]
        n_blocks = (encoder.n_blocks if isinstance(encoder, UserEncoder)
                    else count_blocks(encoder, tuple(self.hidden_dims),
                                      self._routed_params("encoder__")))
        return {
            "rel_sigma": self.rel_sigma,
            "n_blocks": n_blocks,
            "uco_kernel": self.uco_kernel,
            "uco_weight": self.uco_weight,
            "uco_weighting": self.uco_weighting,
            "reconstruction_weight": self.reconstruction_weight,
            "term_weights": tuple(self.term_weights),
            "orthogonality": self.orthogonality,
            "cs_normalization": self.cs_normalization,
        }
