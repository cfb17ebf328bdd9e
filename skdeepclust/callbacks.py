"""skorch callbacks specific to clustering: the methods' own training steps and monitors."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import torch
from skorch.callbacks import Callback

from skdeepclust._net import ASSIGNMENTS, INFERENCE_BATCH_SIZE, ClusteringNet, evaluation_order
from skdeepclust.losses.dec import target_distribution
from skdeepclust.metrics import clustering_accuracy, feature_drift

__all__ = [
    "CentroidUpdate",
    "EvalLossCheckpoint",
    "FeatureDrift",
    "ObjectiveMismatchMonitor",
    "TargetDistributionUpdate",
    "WeightAveragingEpoch",
    "auxiliary_loss",
    "auxiliary_weights",
]


class TargetDistributionUpdate(Callback):
    r"""Recomputes DEC's target distribution every ``update_interval`` epochs and stops on ``tol``.

    Before the first epoch and after every ``update_interval``-th epoch: predict the soft
    assignments :math:`Q` of all training data (eval mode), count the fraction of hard labels
    that changed since the previous update, and either stop (fraction < ``tol``; history key
    ``converged``) or write the new target :math:`P` (computed in float64 from the whole data
    set) into the training targets ``dataset_train.y``, which the batch iterator shuffles and
    slices with the data and skorch hands to the objective as ``y``. The fraction is logged as
    ``label_change`` on update epochs. Stopping raises ``KeyboardInterrupt`` in
    ``on_epoch_end`` after the epoch's losses are recorded, the way skorch's ``EarlyStopping``
    stops.

    Parameters
    ----------
    update_interval : int, default=1
        Epochs between target updates.
    tol : float, default=1e-3
        Stop when fewer than this fraction of labels changed between two updates; 0 never stops.
    """

    def __init__(self, update_interval: int = 1, tol: float = 1e-3):
        self.update_interval = update_interval
        self.tol = tol

    def initialize(self):
        self.labels_ = None
        return self

    def _update(self, net: ClusteringNet, dataset) -> float:
        """Write the target of the current network; return the fraction of changed labels."""
        q = torch.cat([
            out[0] for out in net.iter_outputs(dataset.X, (ASSIGNMENTS,), INFERENCE_BATCH_SIZE)
        ]).double()
        labels = q.argmax(dim=1).numpy()
        changed = 1.0 if self.labels_ is None else float(np.mean(labels != self.labels_))
        self.labels_ = labels
        dataset.y.copy_(target_distribution(q).float())
        return changed

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.initialize()

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        if self.labels_ is None:
            self._update(net, dataset_train)

    def on_epoch_end(self, net, dataset_train=None, **kwargs):
        epoch = len(net.history)
        if epoch % self.update_interval:
            return
        changed = self._update(net, dataset_train)
        net.history.record("label_change", changed)
        if changed < self.tol:
            net.history.record("converged", True)
            raise KeyboardInterrupt

    def on_train_end(self, net, X=None, y=None, **kwargs):
        self.initialize()




def auxiliary_weights(net: ClusteringNet) -> dict[str, float]:
    """The objective's auxiliary terms (companion objectives, reconstruction) with a positive
    weight, by name; empty for an objective without them."""
    return {k: w for k, w in getattr(net.criterion_, "aux_weights", {}).items() if w > 0}


def auxiliary_loss(terms: dict[str, float], weights: dict[str, float],
                   weighted: bool = False) -> float:
    """Sum of the auxiliary ``terms`` (as logged, i.e. weighted), divided by their ``weights``
    unless ``weighted``: the UCO paper's R-OFM units."""
    return float(sum(terms[name] / (1.0 if weighted else w) for name, w in weights.items()))


def _aux_weights(net: ClusteringNet, caller: str) -> dict[str, float]:
    """:func:`auxiliary_weights`, with a clear error if there are none."""
    weights = auxiliary_weights(net)
    if not weights:
        raise ValueError(
            f"{caller} needs an objective with auxiliary terms (companion objectives or a "
            f"reconstruction with a positive weight); {type(net.criterion_).__name__} has none."
        )
    return weights


class ObjectiveMismatchMonitor(Callback):
    r"""Record the auxiliary loss and a clustering score during ``fit``, for R-OFM.

    Every ``every`` epochs it evaluates, in eval mode on the whole training set, the
    auxiliary loss :math:`a_t` and ``score(y, labels)`` for the labels the network predicts
    (the argmax of soft assignments, or the hard assignments of DCN and ACeDeC). The auxiliary
    loss is the sum of the companion-objective terms :math:`\sum_b d_{cs}(A, K_b)` and the
    reconstruction error, **unweighted** by default: the units of the UCO paper's R-OFM
    (Table 3), comparable across variants whose weights differ (DDC-AE's 0.1 against the
    companion objectives' 0.01). The labels ``y`` are only compared with, never used for
    training. Afterwards::

        from skdeepclust.metrics import r_ofm
        h = model.net_.history
        slope, r2 = r_ofm(h[:, "monitor_aux"], h[:, "monitor_score"])

    Evaluate at least 20 times per run (``every`` at most ``max_epochs / 20``): a quadratic
    fitted to fewer points says little.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Ground-truth labels of the training data, in the order passed to ``fit``.
    every : int, default=4
        Evaluation interval in epochs (the UCO paper's code evaluates every 4 epochs).
    score : callable, default=clustering_accuracy
        ``score(y_true, y_pred) -> float`` (the paper: accuracy in [0, 1]).
    weighted : bool, default=False
        Record the auxiliary terms as weighted in the loss instead.
    """

    def __init__(self, y, every: int = 4, score: Callable = clustering_accuracy,
                 weighted: bool = False):
        self.y = y
        self.every = every
        self.score = score
        self.weighted = weighted

    def on_epoch_end(self, net, dataset_train=None, **kwargs):
        epoch = len(net.history)
        if epoch % self.every:
            return
        X = dataset_train.X.detach().cpu().numpy()
        y = np.asarray(self.y)
        if len(y) != len(X):
            raise ValueError(
                f"ObjectiveMismatchMonitor got {len(y)} labels for {len(X)} training samples."
            )
        weights = _aux_weights(net, "ObjectiveMismatchMonitor")
        terms = net.evaluate_terms(X, order=np.random.RandomState(0).permutation(len(X)))
        net.history.record("monitor_aux", auxiliary_loss(terms, weights, self.weighted))
        net.history.record("monitor_score", float(self.score(y, net.predict_labels(X))))


class FeatureDrift(Callback):
    r"""Record the feature drift between the clustering and the auxiliary loss during ``fit``.

    Every ``every`` epochs, for each full mini-batch of the training data (a fixed shuffled
    order, the training batch size), the cosine between the gradients of the clustering loss
    (all terms that are not auxiliary) and of the auxiliary loss (companion objectives,
    reconstruction; as weighted in the loss: the cosine does not depend on the weights) with
    respect to the encoder's parameters (UCO paper, Eq. 18; see
    :func:`skdeepclust.metrics.feature_drift`); the mean over the batches goes to the history
    as ``feature_drift``. The network is evaluated in inference mode, so the batch
    normalisation statistics are not touched (the authors' code uses training mode). It costs
    two backward passes per batch: use ``max_batches`` to subsample.

    Parameters
    ----------
    every : int, default=4
        Evaluation interval in epochs.
    max_batches : int or None, default=None
        Use at most this many batches per evaluation.
    """

    def __init__(self, every: int = 4, max_batches: int | None = None):
        self.every = every
        self.max_batches = max_batches

    @staticmethod
    def _encoder(module: torch.nn.Module) -> torch.nn.Module:
        for path in ("encoder", "autoencoder.encoder"):
            found = module
            for name in path.split("."):
                found = getattr(found, name, None)
            if isinstance(found, torch.nn.Module):
                return found
        raise ValueError(f"FeatureDrift found no encoder in {type(module).__name__}.")

    def on_epoch_end(self, net, dataset_train=None, **kwargs):
        epoch = len(net.history)
        if epoch % self.every:
            return
        weights = _aux_weights(net, "FeatureDrift")
        params = [p for p in self._encoder(net.module_).parameters() if p.requires_grad]
        X, y = dataset_train.X, dataset_train.y
        size = min(net.batch_size, len(X))
        order = torch.as_tensor(np.random.RandomState(0).permutation(len(X)), device=X.device)
        starts = range(0, len(X) - len(X) % size, size)
        if self.max_batches is not None:
            starts = starts[: self.max_batches]
        net.module_.eval()
        drifts = []
        for start in starts:
            index = order[start : start + size]
            batch = X[index]
            target = None if y is None else y[index]
            terms = net.criterion_(net.module_(batch), batch, target, **net._objective_inputs())
            aux = sum(terms[name] for name in weights)
            cluster = sum(term for name, term in terms.items() if name not in weights)
            drifts.append(feature_drift(cluster, aux, params))
        net.history.record("feature_drift", float(np.nanmean(drifts)) if drifts else np.nan)


class CentroidUpdate(Callback):
    """After every optimiser step: re-embed the batch, reassign it, update the centroids.

    Calls ``net.module_.update_centers(X_batch)`` (see
    DCN and ACeDeC; :func:`skdeepclust.losses.dcn.running_mean_update`) on each training batch.
    """

    def on_batch_end(self, net, batch=None, training=False, **kwargs) -> None:
        if training and batch is not None:
            net.module_.update_centers(batch[0])


class WeightAveragingEpoch(Callback):
    """The CM's averaging epoch: one more epoch of updates, then the mean of its weights.

    Runs at the end of training (``on_train_end``, after the callbacks listed before it, so
    after the best-epoch weights are restored): one shuffled epoch of ordinary optimiser steps,
    adding every floating-point entry of the module's ``state_dict`` (encoder, decoder, CM) to
    an accumulator after each step, then loads the average over the steps (paper §4.1: with
    small batches the centroids of the last iterations scatter around the optimum, their mean
    is close to it). The epoch appears in the history like any other, with
    ``averaging_epoch=True``; its logged losses are those of the individual steps, not of the
    averaged weights. Skipped when training was interrupted (Ctrl-C).
    """

    def on_train_end(self, net: ClusteringNet, X=None, y=None, **kwargs) -> None:
        history = net.history
        if X is None or not history or "train_loss" not in history[-1]:
            return
        start = time.perf_counter()
        iterator = net.get_iterator(net.get_dataset(X), training=True)
        sums = {
            name: torch.zeros_like(value)
            for name, value in net.module_.state_dict().items()
            if value.is_floating_point()
        }
        n_steps = 0

        def step(batch, **fit_params):
            nonlocal n_steps
            result = net.train_step(batch, **fit_params)
            with torch.no_grad():
                state = net.module_.state_dict()
                for name, total in sums.items():
                    total += state[name]
            n_steps += 1
            return result

        history.new_epoch()
        history.record("epoch", len(history))
        net.run_single_epoch(iterator, training=True, prefix="train", step_fn=step)
        if n_steps == 0:
            return
        state = net.module_.state_dict()
        net.module_.load_state_dict({**state, **{k: v / n_steps for k, v in sums.items()}})
        # Epoch-level means of every logged batch value, weighted by batch size, as skorch's
        # PassthroughScoring does for the other epochs.
        batches = history[-1, "batches"]
        weights = np.array([batch["train_batch_size"] for batch in batches], dtype=np.float64)
        for key in batches[0]:
            if key.startswith("train_") and key != "train_batch_size":
                values = np.array([batch[key] for batch in batches], dtype=np.float64)
                history.record(key, float(np.average(values, weights=weights)))
        history.record("averaging_epoch", True)
        history.record("dur", time.perf_counter() - start)


class EvalLossCheckpoint(Callback):
    """Keep the weights with the lowest eval-mode loss on the training data, checked every
    ``every`` epochs, and restore them at the end of training.

    The checkpoint rule of the DDC and UCO authors' code: every 4 epochs the loss is computed
    in inference mode (BatchNorm running statistics, the kernel width per batch) as the mean
    over the full batches of the training data in a fixed shuffled order, and the best state
    is what the run returns. It differs from the package's default rule (the epoch with the
    lowest *training* loss, averaged over the steps of that epoch in train mode) in what is
    compared, not in what is optimised. The last epoch is always checked. The value is
    recorded in the history as ``checkpoint_loss``.

    Parameters
    ----------
    every : int, default=4
        Check interval in epochs.
    term : str, default="total"
        The loss term compared (a key of ``net.evaluate_terms``; ``"total"`` is their sum).

    Examples
    --------
    >>> from skdeepclust import DDC
    >>> from skdeepclust.callbacks import EvalLossCheckpoint
    >>> model = DDC(3, callbacks=[EvalLossCheckpoint(every=4)])
    """

    def __init__(self, every: int = 4, term: str = "total"):
        self.every = every
        self.term = term

    def on_train_begin(self, net, X=None, y=None, **kwargs) -> None:
        self.best_loss_ = np.inf
        self.best_state_ = None

    def on_epoch_end(self, net, dataset_train=None, **kwargs) -> None:
        epoch = len(net.history)
        if epoch % self.every and epoch < net.max_epochs:
            return
        X = dataset_train.X.detach().cpu().numpy()
        terms = net.evaluate_terms(X, order=evaluation_order(len(X)))
        if self.term not in terms:
            raise ValueError(f"EvalLossCheckpoint(term={self.term!r}): the loss has the terms "
                             f"{sorted(terms)}.")
        loss = terms[self.term]
        net.history.record("checkpoint_loss", loss)
        if loss < self.best_loss_:
            self.best_loss_ = loss
            self.best_state_ = {k: v.detach().clone() for k, v in net.module_.state_dict().items()}

    def on_train_end(self, net, **kwargs) -> None:
        if self.best_state_ is not None:
            net.module_.load_state_dict(self.best_state_)
