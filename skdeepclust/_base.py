"""The fit template shared by every deep clusterer in the package."""

from __future__ import annotations

from abc import ABC, abstractmethod

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
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch.callbacks import Callback, EarlyStopping, GradientNormClipping

from skdeepclust._net import ClusteringNet, make_net
from skdeepclust.utils._device import resolve_device
from skdeepclust.utils._random import restart_seeds, seeded_torch
from skdeepclust.utils._validation import (
    check_input_shape,
    check_int,
    check_n_clusters,
    check_real,
    split_image_input,
)

#: Rows per batch in predict/transform/predict_proba. BatchNorm runs on its running statistics
#: there, so this only trades memory for speed and never changes results.
INFERENCE_BATCH_SIZE = 1024


def _has_soft_assignments(estimator) -> bool:
    return estimator._soft_assignments


class BaseDeepClusterer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator, ABC
):
    """Base class: validation, restarts, skorch training, selection and the final pass.

    ``fit`` runs: validate X -> draw one seed per restart -> for each restart (optionally in
    parallel): build a :class:`~skdeepclust._net.ClusteringNet`, let the method initialise it
    (:meth:`_initialize_net`), train it with skorch, score it with the method's own
    unsupervised criterion (:meth:`_selection_score`, lower is better) -> keep the best restart
    as ``net_`` -> set ``labels_`` through the same code path as :meth:`predict`.

    Subclasses set ``_module_class``, ``_objective_class`` and implement
    :meth:`_module_kwargs` and :meth:`_objective_kwargs`; the other hooks have defaults.
    Network outputs follow one layout: index 0 holds the assignments (soft or hard), index 1
    the embedding returned by :meth:`transform`.

    Every subclass has the parameters ``n_clusters``, ``n_init``, ``max_epochs``,
    ``batch_size``, ``lr``, ``optimizer``, ``clip_grad_norm``, ``patience``, ``input_shape``,
    ``callbacks``, ``device``, ``n_jobs``, ``random_state`` and ``verbose`` (documented on
    each estimator).
    """

    _module_class: type[torch.nn.Module]
    _objective_class: type[torch.nn.Module]
    #: Whether network output 0 is a soft assignment (enables ``predict_proba``).
    _soft_assignments = True

    # ------------------------------------------------------------------ hooks

    def _check_params(self, n_samples: int) -> None:
        """Validate hyper-parameters; extend in subclasses (call super)."""
        check_n_clusters(self.n_clusters, n_samples)
        check_int("n_init", self.n_init, 1)
        check_int("max_epochs", self.max_epochs, 1)
        check_int("batch_size", self.batch_size, 2)
        check_int("patience", self.patience, 1, allow_none=True)
        check_int("verbose", self.verbose, 0)
        check_real("lr", self.lr, 0.0)
        check_real("clip_grad_norm", self.clip_grad_norm, 0.0, allow_none=True)
        optimizer = self.optimizer
        if not (isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)):
            raise TypeError(
                f"optimizer must be a torch.optim.Optimizer class; got {self.optimizer!r}."
            )

    @abstractmethod
    def _module_kwargs(self) -> dict:
        """Keyword arguments of ``_module_class`` (``input_shape_`` is set when called)."""

    @abstractmethod
    def _objective_kwargs(self) -> dict:
        """Keyword arguments of ``_objective_class``."""

    def _initialize_net(self, net: ClusteringNet, X: np.ndarray, seed: int) -> None:
        """Prepare an initialised net before training (pretraining, k-means init...)."""

    def _selection_score(self, net: ClusteringNet, X: np.ndarray) -> float:
        """The unsupervised criterion that ranks restarts (lower is better).

        Default: the total loss in eval mode over full batches of ``X`` in a fixed order.
        """
        return net.evaluate_terms(X, order=_evaluation_order(len(X)))["total"]

    # ------------------------------------------------------------- validation

    def _validate_fit_input(self, X) -> np.ndarray:
        X, sample_shape = split_image_input(X, self.input_shape)
        X = validate_data(self, X, dtype=np.float32, ensure_min_samples=2, force_writeable=True)
        self.input_shape_ = check_input_shape(
            sample_shape if sample_shape is not None else self.input_shape, X.shape[1]
        )
        return X

    def _validate_input(self, X) -> np.ndarray:
        check_is_fitted(self)
        ndim = getattr(X, "ndim", None)
        if ndim is not None and ndim > 2:
            X = np.asarray(X)
            if tuple(X.shape[1:]) != self.input_shape_:
                raise ValueError(
                    f"X has samples of shape {tuple(X.shape[1:])}, but {type(self).__name__} "
                    f"was fitted on samples of shape {self.input_shape_}."
                )
            X = X.reshape(X.shape[0], -1)
        return validate_data(self, X, dtype=np.float32, reset=False, force_writeable=True)

    # -------------------------------------------------------------- training

    def _callbacks(self) -> list[tuple[str, Callback]]:
        callbacks: list[tuple[str, Callback]] = []
        if self.clip_grad_norm is not None:
            callbacks.append(("clip_grad_norm", GradientNormClipping(self.clip_grad_norm)))
        # Keeps the weights of the epoch with the lowest training loss in memory (no files, so
        # parallel restarts cannot collide); patience=None only restores, never stops.
        callbacks.append((
            "best_weights",
            EarlyStopping(
                monitor="train_loss",
                patience=self.patience if self.patience is not None else self.max_epochs + 1,
                threshold=0.0,
                threshold_mode="abs",
                load_best=True,
            ),
        ))
        for i, callback in enumerate(self.callbacks or ()):
            name, callback = callback if isinstance(callback, tuple) else (f"user_{i}", callback)
            if not isinstance(callback, Callback):
                raise TypeError(f"callbacks must be skorch Callbacks; got {callback!r}.")
            # A fresh copy per restart so restarts share no callback state.
            callbacks.append((name, clone(callback)))
        return callbacks

    def _build_net(self, X: np.ndarray, seed: int, device: str) -> ClusteringNet:
        objective_kwargs = self._objective_kwargs()
        return make_net(
            self._module_class,
            self._objective_class,
            term_names=self._objective_class(**objective_kwargs).term_names,
            n_samples=len(X),
            batch_size=self.batch_size,
            seed=seed,
            device=device,
            verbose=self.verbose,
            callbacks=self._callbacks(),
            optimizer=self.optimizer,
            lr=self.lr,
            max_epochs=self.max_epochs,
            **{f"module__{k}": v for k, v in self._module_kwargs().items()},
            **{f"criterion__{k}": v for k, v in objective_kwargs.items()},
        )

    def _fit_restart(self, X: np.ndarray, seed: int, device: str) -> tuple[ClusteringNet, float]:
        with seeded_torch(seed, device):
            net = self._build_net(X, seed, device)
            net.initialize()
            self._initialize_net(net, X, seed)
            net.partial_fit(X)
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
            Training data. Images may be passed as (n_samples, C, H, W).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X = self._validate_fit_input(X)
        self._check_params(len(X))
        device = resolve_device(self.device)
        seeds = restart_seeds(self.random_state, self.n_init)
        results = Parallel(n_jobs=self.n_jobs, return_as="generator")(
            delayed(self._fit_restart)(X, seed, device) for seed in seeds
        )
        if self.verbose == 1:
            from tqdm.auto import tqdm

            results = tqdm(results, total=len(seeds), desc=f"{type(self).__name__} restarts")
        nets, scores, labels = [], [], []
        for net, score, restart_labels in results:
            nets.append(net)
            scores.append(score)
            labels.append(restart_labels)
        self.restart_scores_ = np.asarray(scores, dtype=np.float64)
        self.restart_labels_ = np.stack(labels)
        finite = np.where(np.isfinite(self.restart_scores_), self.restart_scores_, np.inf)
        self.best_restart_ = int(np.argmin(finite))
        self.net_ = nets[self.best_restart_]
        self.n_iter_ = len(self.net_.history)
        self._n_features_out = self._embedding_dim()
        self.labels_ = self._predict_labels(X)
        return self

    def _embedding_dim(self) -> int:
        probe = torch.zeros((2, self.n_features_in_), device=self.net_.device)
        self.net_.module_.eval()
        with torch.inference_mode():
            return int(self.net_.module_(probe)[1].flatten(1).shape[1])

    # ------------------------------------------------------------- inference

    def _outputs(self, X: np.ndarray, index: int) -> np.ndarray:
        return collect_outputs(self.net_, X, index)

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

    def _predict_labels(self, X: np.ndarray) -> np.ndarray:
        return self._labels_from(self.net_, X)

    def _labels_from(self, net: ClusteringNet, X: np.ndarray) -> np.ndarray:
        assignments = collect_outputs(net, X, 0)
        if assignments.ndim == 1:
            return assignments.astype(np.int64)
        return assignments.argmax(axis=1).astype(np.int64)

    def predict(self, X):
        """Cluster index of each sample, from the trained network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)

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

        Returns
        -------
        proba : ndarray of shape (n_samples, n_clusters), dtype float32
        """
        return self._outputs(self._validate_input(X), 0)

    def transform(self, X):
        """The learned embedding of each sample (not distances to centres as in KMeans).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)

        Returns
        -------
        embedding : ndarray of shape (n_samples, n_embedding), dtype float32
        """
        return self._outputs(self._validate_input(X), 1)

    def score(self, X, y=None):
        """Negative selection criterion on ``X`` (higher is better).

        Evaluated deterministically in eval mode over full batches. Not comparable across
        hyper-parameters that change the loss; pass an explicit ``scoring`` to model search.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *input_shape)
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


def _evaluation_order(n_samples: int) -> np.ndarray:
    """Fixed permutation used to batch data for selection and ``score``.

    Fixed (not derived from ``random_state``) so that every restart and every later ``score``
    call sees the same batches; shuffled so that data sorted by class still gives mixed batches.
    """
    return np.random.RandomState(0).permutation(n_samples)
