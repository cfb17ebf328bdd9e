"""The fit template shared by every deep clusterer in the package."""

from __future__ import annotations

from abc import ABC, abstractmethod
from numbers import Integral

import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
    clone,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_array, check_is_fitted, validate_data
from skorch.callbacks import Callback, EarlyStopping, GradientNormClipping

from skdeepclust._net import (
    ASSIGNMENTS,
    EMBEDDING,
    INFERENCE_BATCH_SIZE,
    ClusteringNet,
    evaluation_order,
    make_net,
)
from skdeepclust.ensemble import matching_permutation
from skdeepclust.nn.user import probe
from skdeepclust.utils._device import resolve_device
from skdeepclust.utils._random import restart_seeds, seeded_torch
from skdeepclust.utils._sklearn_compat import (
    NON_NEGATIVE_INT,
    POSITIVE_INT,
    POSITIVE_REAL,
    Interval,
    SequenceOf,
    SubclassOf,
    validate_params,
)
from skdeepclust.utils._validation import (
    check_input_shape,
    fit_steps,
    is_table,
    item_shapes,
    pad_sequences,
    sequence_lengths,
    split_image_input,
)


def _has_soft_assignments(estimator) -> bool:
    return estimator._soft_assignments


class EstimatorMixin:
    """What every estimator of the package shares besides clustering: routed parameters,
    declarative parameter validation, input validation and batched torch maps.

    Routed parameters go, skorch-style, to a component's constructor: ``optimizer__eps=1e-3``
    to the optimizer, ``encoder__depth=18`` to an encoder class. They are keyword arguments of
    ``__init__``, kept in the private dict ``_routed`` (scikit-learn's checks allow no other
    public attributes than the named parameters) and listed by ``get_params``, so ``clone``,
    ``set_params`` and ``GridSearchCV`` handle them like any other parameter. As for every
    parameter, an unknown one is reported by ``fit``, not by ``__init__``.
    """

    #: Prefixes of the routed parameters; subclasses add theirs (``encoder__``...).
    _routed_prefixes: tuple[str, ...] = ("optimizer__",)
    _parameter_constraints: dict = {}

    def _store_routed(self, routed: dict) -> None:
        self._routed = dict(routed)

    def get_params(self, deep: bool = True) -> dict:
        """Parameters of this estimator, routed ones (``optimizer__eps``...) included.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of sub-estimators.

        Returns
        -------
        params : dict
        """
        params = super().get_params(deep=deep)
        params.update(self._routed_params())
        return params

    def set_params(self, **params):
        """Set parameters, routed ones (``encoder__width=64``) included.

        Parameters
        ----------
        **params : dict

        Returns
        -------
        self : estimator instance
        """
        for name in [n for n in params if n in self._routed or n.startswith(self._routed_prefixes)]:
            self._routed[name] = params.pop(name)
        return super().set_params(**params)

    def _routed_params(self, prefix: str | None = None) -> dict:
        """The routed parameters; with ``prefix``, those of one component, prefix removed."""
        if prefix is None:
            return dict(self._routed)
        return {k[len(prefix):]: v for k, v in self._routed.items() if k.startswith(prefix)}

    def _validate_params(self) -> None:
        for name in self._routed:
            if not name.startswith(self._routed_prefixes) or name in self._routed_prefixes:
                raise TypeError(
                    f"{type(self).__name__} got an unexpected keyword argument {name!r}; "
                    f"routed parameters start with one of {list(self._routed_prefixes)}."
                )
        validate_params(self._parameter_constraints, self.get_params(deep=False),
                        type(self).__name__)

    def _takes_sequences(self) -> bool:
        """Whether the estimator, as configured, reads variable-length sequences.

        Those come as a list of 2-D arrays ``(length_i, channels)`` or as a 3-D array
        ``(n_samples, T, channels)`` whose trailing all-NaN time steps are padding. Only a
        recurrent encoder can ignore the padding (DDC with ``encoder="gru"``).
        """
        return False

    def _no_sequences_error(self, what: str) -> ValueError:
        name = type(self).__name__
        encoder = getattr(self, "encoder", None)
        if isinstance(encoder, str):
            name += f"(encoder={encoder!r})"
        return ValueError(
            f"{name} cannot take variable-length input ({what}): variable-length input needs "
            "encoder='gru' (DDC)."
        )

    def _read_sequences(self, X, *, fitting: bool):
        """List and 3-D sequence input in the form the rest of the validation reads.

        A list of items of different shapes becomes one NaN-padded float32 array (only for an
        estimator that takes sequences), a list of items of one shape their stacked array,
        and a list of rows stays as it is. For an estimator that takes sequences, a 3-D array
        is checked (NaN only as trailing padding) and its time axis fitted: to the longest
        sequence at ``fit`` (to ``input_shape[0]`` when given and longer), and at least to
        the training length afterwards, so the same sequences give the same array whatever
        padding they came with.
        """
        shapes = item_shapes(X)
        if shapes is not None and not is_table(shapes):
            if len(set(shapes)) == 1:
                X = np.asarray(X)  # items of one shape mean what their stacked array means
            elif self._takes_sequences():
                X = pad_sequences(X, shapes)
            else:
                raise self._no_sequences_error("a list of arrays of different shapes")
        if not (isinstance(X, np.ndarray) and X.ndim == 3):
            return X
        if not self._takes_sequences():
            if np.issubdtype(X.dtype, np.floating) and np.isnan(X).any():
                message = str(self._no_sequences_error("a NaN-padded 3-D array"))
                raise ValueError(f"Input X contains NaN. If it pads sequences: {message}")
            return X
        X = check_array(X, dtype=np.float32, allow_nd=True, ensure_all_finite="allow-nan",
                        force_writeable=True, ensure_min_samples=2 if fitting else 1)
        longest = int(sequence_lengths(X).max())
        shape = self.input_shape if fitting else self.input_shape_
        n_steps = longest if shape is None or len(shape) != 2 else max(longest, int(shape[0]))
        return fit_steps(X, n_steps)

    def _nan_policy(self) -> bool | str:
        """``ensure_all_finite`` for scikit-learn's validation: NaN passes only as padding."""
        return "allow-nan" if self._takes_sequences() else True

    def _check_padding(self, X: np.ndarray) -> None:
        """Reject NaN in validated 2-D ``X`` unless it is trailing padding of sequences."""
        if not self._takes_sequences() or not np.isnan(X).any():
            return
        if len(self.input_shape_) != 2:
            raise ValueError(
                "Input X contains NaN, which marks only the padding of sequences "
                f"(samples of shape (T, channels)); got samples of shape {self.input_shape_}."
            )
        sequence_lengths(X.reshape(len(X), *self.input_shape_))

    def _validate_fit_input(self, X) -> np.ndarray:
        X = self._read_sequences(X, fitting=True)
        X, sample_shape = split_image_input(X, self.input_shape)
        X = validate_data(self, X, dtype=np.float32, ensure_min_samples=2, force_writeable=True,
                          ensure_all_finite=self._nan_policy())
        self.input_shape_ = check_input_shape(
            sample_shape if sample_shape is not None else self.input_shape, X.shape[1]
        )
        self._check_padding(X)
        return X

    def _validate_input(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = self._read_sequences(X, fitting=False)
        ndim = getattr(X, "ndim", None)
        if ndim is not None and ndim > 2:
            X = np.asarray(X)
            if self._takes_sequences() and X.ndim == 3:
                if X.shape[2] != self.input_shape_[1]:
                    raise ValueError(
                        f"X has sequences with {X.shape[2]} channels, but "
                        f"{type(self).__name__} was fitted on {self.input_shape_[1]}."
                    )
            elif tuple(X.shape[1:]) != self.input_shape_:
                raise ValueError(
                    f"X has samples of shape {tuple(X.shape[1:])}, but {type(self).__name__} "
                    f"was fitted on samples of shape {self.input_shape_}."
                )
            X = X.reshape(X.shape[0], -1)
            if X.shape[1] != self.n_features_in_:
                # Sequences longer than any in training, checked by _read_sequences: the
                # recurrent encoder reads any number of time steps, so the channels must
                # match (above) but not the flat width.
                return X
        X = validate_data(self, X, dtype=np.float32, reset=False, force_writeable=True,
                          ensure_all_finite=self._nan_policy())
        self._check_padding(X)
        return X

    def _map_numpy(self, Z: np.ndarray, function) -> np.ndarray:
        """Apply a torch map of the trained network to the rows of ``Z``, batch by batch."""
        self.net_.module_.eval()
        chunks = []
        with torch.inference_mode():
            for start in range(0, len(Z), INFERENCE_BATCH_SIZE):
                batch = torch.as_tensor(Z[start : start + INFERENCE_BATCH_SIZE],
                                        device=self.net_.device)
                chunks.append(function(batch).flatten(1).cpu())
        return torch.cat(chunks).numpy()



class BaseDeepClusterer(
    EstimatorMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    ClusterMixin,
    BaseEstimator,
    ABC,
):
    """Base class: validation, restarts, skorch training, selection and the final pass.

    ``fit`` runs: validate X and the parameters -> draw one seed per restart -> for each
    restart (optionally in parallel): build a :class:`~skdeepclust._net.ClusteringNet`, let
    the method initialise it (:meth:`_initialize_net`), train it with skorch, score it with
    the method's own unsupervised criterion (:meth:`_selection_score`, lower is better) ->
    keep the best restart as ``net_`` (only the best net so far is held) -> set ``labels_``
    through the same code path as :meth:`predict` -> :meth:`_set_fitted_attributes`.

    Subclasses set ``_module_class`` and ``_objective_class``, implement
    :meth:`_module_kwargs` and :meth:`_objective_kwargs`, extend ``_parameter_constraints``
    and fill the other hooks where the method needs them; they never override ``fit``.
    Network outputs follow one layout: index 0 holds the assignments (soft or hard), index 1
    the embedding returned by :meth:`transform`.

    The parameters shared by every estimator are stored here; each estimator lists them in
    its own explicit signature (scikit-learn reads parameters from ``__init__``) and passes
    them on. ``patience`` belongs to the estimators that restore their best epoch.
    """

    _module_class: type[torch.nn.Module]
    _objective_class: type[torch.nn.Module]
    #: Whether network output 0 is a soft assignment (enables ``predict_proba``).
    _soft_assignments = True
    #: Whether ``encoder__*`` may also configure the built-in encoders.
    _encoder_options = False
    #: Keep the weights of the epoch with the lowest training loss (and stop after
    #: ``patience`` epochs without a lower one). Off for methods whose loss is not comparable
    #: across epochs (DEC's KL to a moving target).
    _restore_best_epoch = True

    _parameter_constraints: dict = {
        "n_clusters": POSITIVE_INT,
        "n_init": POSITIVE_INT,
        "max_epochs": POSITIVE_INT,
        "batch_size": [Interval(Integral, 2, None, closed="left")],
        "lr": POSITIVE_REAL,
        "optimizer": [SubclassOf(torch.optim.Optimizer)],
        "clip_grad_norm": [*POSITIVE_REAL, None],
        "patience": [*POSITIVE_INT, None],
        "input_shape": [SequenceOf(Integral, 1, strict=False, allow_empty=False), None],
        "callbacks": [list, tuple, None],
        "device": [str, torch.device],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "verbose": NON_NEGATIVE_INT,
    }

    def __init__(
        self,
        n_clusters: int,
        *,
        n_init: int,
        max_epochs: int,
        batch_size: int,
        lr: float,
        optimizer: type[torch.optim.Optimizer],
        clip_grad_norm: float | None,
        input_shape: tuple[int, ...] | None,
        callbacks: list | None,
        device: str,
        n_jobs: int | None,
        random_state,
        verbose: int,
        **routed,
    ):
        self._store_routed(routed)
        self.n_clusters = n_clusters
        self.n_init = n_init
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.clip_grad_norm = clip_grad_norm
        self.input_shape = input_shape
        self.callbacks = callbacks
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ hooks

    @abstractmethod
    def _module_kwargs(self) -> dict:
        """Keyword arguments of ``_module_class`` (``input_shape_`` is set when called).

        Called once per restart inside the restart's seeded RNG, so it may build modules (the
        user's encoder) and pass them as instances.
        """

    @abstractmethod
    def _objective_kwargs(self, module_kwargs: dict) -> dict:
        """Keyword arguments of ``_objective_class``, given the network's (``module_kwargs``)."""

    def _check_params_vs_input(self, X: np.ndarray) -> None:
        """Checks that need the data (the constraint table covers the rest); extend with super."""
        if len(X) < self.n_clusters:
            raise ValueError(f"n_samples={len(X)} should be >= n_clusters={self.n_clusters}.")
        for name in ("encoder", "decoder"):
            routed = self._routed_params(f"{name}__")
            value = getattr(self, name, None)
            if name == "encoder" and self._encoder_options and isinstance(value, str):
                continue  # options of a built-in encoder, checked by the estimator
            if routed and not isinstance(value, type):
                raise ValueError(
                    f"{name}__* parameters ({', '.join(sorted(routed))}) are constructor "
                    f"arguments of an nn.Module class passed as {name}=; got "
                    f"{name}={value!r}."
                )

    def _net_params(self) -> dict:
        """Extra ``NeuralNet`` parameters of the method (``optimizer__param_groups``...)."""
        return {}

    def _method_callbacks(self) -> list[tuple[str, Callback]]:
        """The method's own skorch callbacks, run after the base's and before the user's."""
        return []

    def _initialize_net(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        """Prepare an initialised net before training (pretraining, k-means init...)."""

    def _training_targets(self, X: np.ndarray) -> np.ndarray | None:
        """What the net receives as ``y`` during training (None: unsupervised)."""
        return None

    def _selection_score(self, net: ClusteringNet, X: np.ndarray) -> float:
        """The unsupervised criterion that ranks restarts (lower is better).

        Default: the total loss in eval mode over full batches of ``X`` in a fixed order.
        """
        return net.evaluate_terms(X, order=evaluation_order(len(X)))["total"]

    def _set_fitted_attributes(self, X: np.ndarray) -> None:
        """Set the method's fitted attributes from ``net_`` (``labels_`` is set already)."""

    def _training_epochs(self, n_samples: int) -> int:
        """Epochs of a restart's main training on ``n_samples`` samples (``max_epochs``)."""
        return self.max_epochs

    def _n_voters(self) -> int:
        """How many of the best restarts form the model (1: the best restart alone).

        More than one: their assignments, aligned to the best restart's clusters, are averaged
        (:meth:`_vote_proba`); ``predict`` and ``predict_proba`` use that average.
        """
        return 1

    # -------------------------------------------------------------- training

    def _callbacks(self, epochs: int) -> list[tuple[str, Callback]]:
        callbacks: list[tuple[str, Callback]] = []
        if self.clip_grad_norm is not None:
            callbacks.append(("clip_grad_norm", GradientNormClipping(self.clip_grad_norm)))
        if self._restore_best_epoch:
            # Keeps the weights of the epoch with the lowest training loss in memory (no
            # files, so parallel restarts cannot collide); patience=None only restores.
            patience = self.patience if self.patience is not None else epochs + 1
            callbacks.append((
                "best_weights",
                EarlyStopping(monitor="train_loss", patience=patience, threshold=0.0,
                              threshold_mode="abs", load_best=True),
            ))
        callbacks += self._method_callbacks()
        for i, callback in enumerate(self.callbacks or ()):
            name, callback = callback if isinstance(callback, tuple) else (f"user_{i}", callback)
            if not isinstance(callback, Callback):
                raise TypeError(f"callbacks must be skorch Callbacks; got {callback!r}.")
            # A fresh copy per restart so restarts share no callback state.
            callbacks.append((name, clone(callback)))
        return callbacks

    def _build_net(self, X: np.ndarray, seed: int, device: str) -> ClusteringNet:
        # Module first: it may build the user's networks, whose shape the objective needs.
        module_kwargs = self._module_kwargs()
        objective_kwargs = self._objective_kwargs(module_kwargs)
        epochs = self._training_epochs(len(X))
        params = {
            **{f"module__{k}": v for k, v in module_kwargs.items()},
            **{f"criterion__{k}": v for k, v in objective_kwargs.items()},
            **{f"optimizer__{k}": v for k, v in self._routed_params("optimizer__").items()},
            **self._net_params(),
        }
        return make_net(
            self._module_class,
            self._objective_class,
            term_names=self._objective_class(**objective_kwargs).term_names,
            n_samples=len(X),
            batch_size=self.batch_size,
            seed=seed,
            device=device,
            verbose=self.verbose,
            callbacks=self._callbacks(epochs),
            optimizer=self.optimizer,
            lr=self.lr,
            max_epochs=epochs,
            **params,
        )

    def _fit_phase(
        self, module: torch.nn.Module, objective: type[torch.nn.Module], X: np.ndarray,
        seed: int, device: str, *, epochs: int, optimization: dict | None = None, **params,
    ) -> ClusteringNet:
        """Train ``module`` in place with ``objective`` for ``epochs``: a phase of a restart
        before the main training (a pretraining stage, an initial estimate).

        Uses the estimator's batch size, learning rate, optimizer (with its routed arguments)
        and verbosity, unless ``optimization`` (keys ``batch_size``, ``lr``, ``optimizer``,
        ``optimizer_params``) replaces them; ``params`` are further ``NeuralNet`` parameters
        (``criterion__*``...).
        """
        optimization = dict(optimization or {
            "batch_size": self.batch_size,
            "lr": self.lr,
            "optimizer": self.optimizer,
            "optimizer_params": self._routed_params("optimizer__"),
        })
        optimizer_params = optimization.pop("optimizer_params")
        net = make_net(
            module,
            objective,
            term_names=objective.term_names,
            n_samples=len(X),
            seed=seed,
            device=device,
            verbose=self.verbose,
            max_epochs=epochs,
            **optimization,
            **{f"optimizer__{k}": v for k, v in optimizer_params.items()},
            **params,
        )
        return net.fit(X)

    def _fit_restart(
        self, X: np.ndarray, seed: int, device: str
    ) -> tuple[ClusteringNet, float, np.ndarray]:
        with seeded_torch(seed, device):
            net = self._build_net(X, seed, device)
            net.initialize()
            self._initialize_net(net, X, seed)
            net.partial_fit(X, y=self._training_targets(X))
            history = net.history
            if history and "train_loss" not in history[-1]:
                # skorch swallows KeyboardInterrupt (it is how EarlyStopping stops); an epoch
                # without a recorded loss means the user pressed Ctrl-C: end the whole fit.
                raise KeyboardInterrupt
            score = float(self._selection_score(net, X))
        return net, score, self._labels_from(net, X)

    def fit(self, X, y=None):
        """Train ``n_init`` networks and keep the one the method's own criterion ranks best.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
            Training data. Images may be passed as (n_samples, C, H, W). Where the estimator
            takes sequences (``DDC(encoder="gru")``), also a list of arrays of shape
            (length_i, channels) or a NaN-padded array (n_samples, T, channels).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        # Parameters first (as scikit-learn's estimators do): reading X uses input_shape.
        self._validate_params()
        X = self._validate_fit_input(X)
        self._check_params_vs_input(X)
        device = resolve_device(self.device)
        seeds = restart_seeds(self.random_state, self.n_init)
        results = Parallel(n_jobs=self.n_jobs, return_as="generator")(
            delayed(self._fit_restart)(X, seed, device) for seed in seeds
        )
        if self.verbose == 1:
            from tqdm.auto import tqdm

            results = tqdm(results, total=len(seeds), desc=f"{type(self).__name__} restarts")
        scores, labels = [], []
        n_keep = self._n_voters()
        # (rank, restart, net, labels) of the best restarts so far, best first. Non-finite
        # scores rank last; ties keep the earlier restart. Only these nets are held, so memory
        # grows with the number of voters, not with n_init.
        kept: list[tuple[float, int, ClusteringNet, np.ndarray]] = []
        for i, (net, score, restart_labels) in enumerate(results):
            scores.append(score)
            labels.append(restart_labels)
            rank = score if np.isfinite(score) else np.inf
            kept.append((rank, i, net, restart_labels))
            kept.sort(key=lambda entry: entry[:2])
            del kept[n_keep:]
        self.restart_scores_ = np.asarray(scores, dtype=np.float64)
        self.restart_labels_ = np.stack(labels)
        _, self.best_restart_, self.net_, best_labels = kept[0]
        # Restarts with a non-finite score never vote (the best one is kept regardless).
        voters = kept[:1] + [entry for entry in kept[1:] if np.isfinite(entry[0])]
        self.vote_restarts_ = np.array([entry[1] for entry in voters], dtype=np.int64)
        self.voting_nets_ = [entry[2] for entry in voters]
        self.voting_permutations_ = np.stack([
            matching_permutation(best_labels, entry[3], self.n_clusters) for entry in voters
        ])
        self.n_iter_ = len(self.net_.history)
        self._n_features_out = self._embedding_dim()
        self.labels_ = self._predict_labels(X)
        self._set_fitted_attributes(X)
        return self

    def _embedding_dim(self) -> int:
        module = self.net_.module_
        return int(probe(module, module, (self.n_features_in_,))[EMBEDDING].flatten(1).shape[1])

    # ------------------------------------------------------------- inference

    def _outputs(self, X: np.ndarray, index: int) -> np.ndarray:
        return collect_outputs(self.net_, X, index)

    def _predict_labels(self, X: np.ndarray) -> np.ndarray:
        if len(self.voting_nets_) > 1:
            return self._vote_proba(X).argmax(axis=1)
        return self._labels_from(self.net_, X)

    def _vote_proba(self, X: np.ndarray) -> np.ndarray:
        """Mean of the voting restarts' assignments, each in the best restart's cluster order.

        Soft assignments are averaged as they are; hard ones (DCN, ACeDeC) as one-hot rows, so
        the argmax is the majority vote. The best restart weighs a little more, so ties go to
        its label (as in :func:`~skdeepclust.ensemble.consensus_vote`).
        """
        total = np.zeros((len(X), self.n_clusters), dtype=np.float64)
        weights = [1.0 + 1e-6] + [1.0] * (len(self.voting_nets_) - 1)
        for net, permutation, weight in zip(self.voting_nets_, self.voting_permutations_,
                                            weights, strict=True):
            assignments = collect_outputs(net, X, ASSIGNMENTS)
            if assignments.ndim == 1:
                assignments = np.eye(self.n_clusters)[assignments]
            total[:, permutation] += weight * assignments
        return (total / sum(weights)).astype(np.float32)

    def _labels_from(self, net: ClusteringNet, X: np.ndarray) -> np.ndarray:
        return net.predict_labels(X)

    def predict(self, X):
        """Cluster index of each sample, from the trained network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
            Or sequences, as in :meth:`fit`.

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype int64
        """
        return self._predict_labels(self._validate_input(X))

    @available_if(_has_soft_assignments)
    def predict_proba(self, X):
        """Soft cluster assignments (rows sum to 1).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
            Or sequences, as in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_clusters), dtype float32
        """
        X = self._validate_input(X)
        if len(self.voting_nets_) > 1:
            return self._vote_proba(X)
        return self._outputs(X, ASSIGNMENTS)

    def transform(self, X):
        """The learned embedding of each sample (not distances to centres as in KMeans).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
            Or sequences, as in :meth:`fit`.

        Returns
        -------
        embedding : ndarray of shape (n_samples, n_embedding), dtype float32
        """
        return self._outputs(self._validate_input(X), EMBEDDING)

    def score(self, X, y=None):
        """Negative selection criterion on ``X`` (higher is better).

        Evaluated deterministically in eval mode over full batches. Not comparable across
        hyper-parameters that change the loss; pass an explicit ``scoring`` to model search.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
            Or sequences, as in :meth:`fit`.
        y : Ignored

        Returns
        -------
        score : float
        """
        return -float(self._selection_score(self.net_, self._validate_input(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def collect_outputs(net: ClusteringNet, X: np.ndarray, index: int) -> np.ndarray:
    """Network output ``index`` for all rows of ``X``, computed batch by batch, as numpy."""
    chunks = [
        out[0].flatten(1) if out[0].ndim > 1 else out[0]
        for out in net.iter_outputs(X, (index,), INFERENCE_BATCH_SIZE)
    ]
    return torch.cat(chunks).numpy()


class InverseTransformMixin:
    """``inverse_transform`` for estimators with a decoder. The estimator defines
    ``_decode(Z)``, a torch map from the space of ``transform`` to the input space."""

    def inverse_transform(self, X):
        """Decode points of the embedding (the output of :meth:`transform`) to the input space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_embedding)

        Returns
        -------
        X_input : ndarray of shape (n_samples, n_features_in_), dtype float32
        """
        check_is_fitted(self)
        X = check_array(X, dtype=np.float32)
        if X.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {X.shape[1]} columns, but {type(self).__name__}.inverse_transform "
                f"expects {self._n_features_out} (the width of transform's output)."
            )
        return self._map_numpy(X, self._decode)


class DecoderMixin(InverseTransformMixin):
    """``inverse_transform`` and ``decode_centers`` for clusterers with a decoder.

    ``decode_centers`` maps ``cluster_centers_`` with :meth:`_decode_centers`, which is
    :meth:`_decode` unless the centres live in another space.
    """

    def _decode_centers(self, centers: torch.Tensor) -> torch.Tensor:
        return self._decode(centers)

    def decode_centers(self) -> np.ndarray:
        """The cluster centres mapped to the input space.

        Returns
        -------
        centers : ndarray of shape (n_clusters, n_features_in_), dtype float32
            Reshape with ``.reshape(-1, *input_shape_)`` to view them as images.
        """
        check_is_fitted(self)
        return self._map_numpy(self.cluster_centers_.astype(np.float32), self._decode_centers)

