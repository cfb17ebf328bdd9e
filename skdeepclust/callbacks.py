"""skorch callbacks specific to clustering: the methods' own training steps and monitors."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import torch
from skorch.callbacks import Callback

from skdeepclust._net import ASSIGNMENTS, INFERENCE_BATCH_SIZE, ClusteringNet
from skdeepclust.losses.dec import target_distribution
from skdeepclust.metrics import clustering_accuracy

__all__ = [
    "CentroidUpdate",
    "ObjectiveMismatchMonitor",
    "TargetDistributionUpdate",
    "WeightAveragingEpoch",
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




class ObjectiveMismatchMonitor(Callback):
    """Record the auxiliary loss and a clustering score during ``fit``, for R-OFM.

    Every ``every`` epochs it evaluates, in eval mode on the whole training set, the sum of
    the auxiliary loss terms (companion objectives and reconstruction, as weighted in the
    loss) and ``score(y, labels)`` for the labels the network predicts. The labels ``y`` are
    only compared with, never used for training. Afterwards::

        from skdeepclust.metrics import r_ofm
        h = model.net_.history
        slope, r2 = r_ofm(h[:, "monitor_aux"], h[:, "monitor_score"])

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Ground-truth labels of the training data, in the order passed to ``fit``.
    every : int, default=4
        Evaluation interval in epochs (the UCO paper's code evaluates every 4 epochs).
    score : callable, default=clustering_accuracy
        ``score(y_true, y_pred) -> float``.
    aux_prefixes : tuple of str, default=("uco_", "reconstruction")
        Loss terms whose names start with one of these form the auxiliary loss.
    """

    def __init__(
        self,
        y,
        every: int = 4,
        score: Callable = clustering_accuracy,
        aux_prefixes: tuple[str, ...] = ("uco_", "reconstruction"),
    ):
        self.y = y
        self.every = every
        self.score = score
        self.aux_prefixes = aux_prefixes

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
        terms = net.evaluate_terms(X, order=np.random.RandomState(0).permutation(len(X)))
        aux = sum(v for k, v in terms.items() if k.startswith(self.aux_prefixes))
        net.history.record("monitor_aux", float(aux))
        net.history.record("monitor_score", float(self.score(y, net.predict_labels(X))))


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
