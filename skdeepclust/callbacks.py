"""skorch callbacks specific to clustering."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from skorch.callbacks import Callback

from skdeepclust.metrics import clustering_accuracy


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
        labels = torch.cat([out[0].argmax(1) for out in net.iter_outputs(X, (0,), 1024)])
        net.history.record("monitor_aux", float(aux))
        net.history.record("monitor_score", float(self.score(y, labels.numpy())))
