"""The skorch net under every estimator: fast tensor batches, named loss terms, NaN guard."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, PassthroughScoring
from torch.utils.data import Dataset

from skdeepclust.utils._random import make_generator

#: The output layout every network of the package follows. ``forward`` returns a flat tuple of
#: batch-first tensors (skorch concatenates outputs element-wise and keeps element 0 for
#: ``predict_proba``): the assignments (soft, shape (n, k), or hard labels, shape (n,)) at
#: ``ASSIGNMENTS``, the embedding that ``transform`` returns at ``EMBEDDING``, then what the
#: method's objective needs per sample (block outputs, ...); a reconstruction, where a method has
#: one in its loss, comes last. Tensors that do not depend on the batch (centroids, weights) do
#: not ride in the outputs: the network's optional ``objective_inputs()`` returns them, and
#: :class:`ClusteringNet` passes them to the objective as keyword arguments.
ASSIGNMENTS = 0
EMBEDDING = 1

#: Rows per batch in inference passes (predict, transform, target updates). BatchNorm runs on
#: its running statistics there, so this only trades memory for speed and never changes results.
INFERENCE_BATCH_SIZE = 1024


class NonFiniteLossError(FloatingPointError):
    """A loss term became NaN or infinite during training."""


class TensorDataset(Dataset):
    """A dataset of one tensor, with an optional target tensor (usually on the device).

    ``__getitem__`` exists for skorch's bookkeeping; :class:`BatchIterator` never calls it,
    it slices the tensors directly.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_features)
    y : Tensor of shape (n_samples, ...) or None
        Per-sample targets of the objective (DEC's target distribution), sliced and shuffled
        with ``X``. A callback may update it in place between epochs.
    """

    def __init__(self, X: torch.Tensor, y: torch.Tensor | None = None):
        if y is not None and len(y) != len(X):
            raise ValueError(f"{len(y)} target rows for {len(X)} samples.")
        self.X = X
        self.y = y

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, index):
        return self.X[index], (torch.zeros(()) if self.y is None else self.y[index])


class BatchIterator:
    """Mini-batches sliced from a :class:`TensorDataset`, with no per-sample Python work.

    A drop-in for skorch's ``iterator_train`` / ``iterator_valid`` (which default to a
    ``DataLoader`` that indexes and collates sample by sample).

    Parameters
    ----------
    dataset : TensorDataset
    batch_size : int
    shuffle : bool, default=False
        Draw a new permutation every epoch (from ``generator``).
    drop_last : bool, default=False
        Drop the final incomplete batch. Never drops the only batch: a dataset smaller than
        ``batch_size`` gives one batch with all samples.
    generator : torch.Generator or None
        CPU generator for the permutations; seeded per restart for reproducibility.
    """

    def __init__(
        self,
        dataset: TensorDataset,
        batch_size: int,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: torch.Generator | None = None,
    ):
        if not isinstance(dataset, TensorDataset):
            raise TypeError(
                f"BatchIterator needs a TensorDataset; got {type(dataset).__name__}."
            )
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = generator

    def _bounds(self) -> list[tuple[int, int]]:
        n = len(self.dataset)
        size = min(self.batch_size, n)
        stop = n - n % size if self.drop_last else n
        return [(start, min(start + size, n)) for start in range(0, stop, size)]

    def __len__(self) -> int:
        return len(self._bounds())

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor | None]]:
        X, y = self.dataset.X, self.dataset.y
        if self.shuffle:
            order = torch.randperm(len(X), generator=self.generator)
            X = X[order.to(X.device)]
            y = None if y is None else y[order.to(y.device)]
        for start, stop in self._bounds():
            yield X[start:stop], None if y is None else y[start:stop]


class ClusteringNet(NeuralNet):
    """A skorch ``NeuralNet`` for unsupervised objectives.

    Differences from ``NeuralNet``:

    - ``criterion`` is an objective module whose ``forward(outputs, X, y=None, **inputs)``
      returns a dict of named loss terms (``y``: the batch's rows of the training targets, if
      any; ``inputs``: the network's ``objective_inputs()``, see ``ASSIGNMENTS``);
      ``get_loss`` sums them, logs each one into the batch history as ``train_<name>`` and
      raises :class:`NonFiniteLossError` naming the epoch and term when one
      is NaN or infinite.
    - ``get_dataset`` puts the whole input on ``device`` once; with :class:`BatchIterator` as
      iterator, batches are tensor slices.
    - ``iter_outputs`` streams selected network outputs batch by batch in eval mode, so
      inference holds one batch of activations at a time.
    """

    def get_dataset(self, X, y=None):
        if isinstance(X, Dataset):
            return X
        return TensorDataset(
            torch.as_tensor(np.asarray(X), device=self.device),
            None if y is None else torch.as_tensor(y, device=self.device),
        )

    def _objective_inputs(self) -> dict:
        inputs = getattr(self.module_, "objective_inputs", None)
        return inputs() if inputs is not None else {}

    def get_loss(self, y_pred, y_true, X=None, training=False):
        terms = self.criterion_(y_pred, X, y_true, **self._objective_inputs())
        total = sum(terms.values())
        if training:
            # One host transfer for all terms; skorch already syncs once per batch for the total.
            values = torch.stack([term.detach() for term in terms.values()]).tolist()
            for name, value in zip(terms, values, strict=True):
                if not np.isfinite(value):
                    raise NonFiniteLossError(
                        f"Loss term '{name}' became {value} in epoch {len(self.history)}. "
                        "Lower the learning rate, scale the input (e.g. MinMaxScaler), or check "
                        "the data for extreme values."
                    )
                self.history.record_batch(f"train_{name}", value)
        return total

    def evaluate_terms(self, X: np.ndarray, order: np.ndarray | None = None) -> dict[str, float]:
        """Mean of each loss term over the full batches of ``X``, in eval mode.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        order : ndarray of shape (n_samples,) or None
            Fixed permutation that forms the batches (so batches mix clusters even when the
            data is sorted by class); None keeps the given order.

        Returns
        -------
        terms : dict of str to float
            Batch-size weighted means; the key ``"total"`` holds their sum.
        """
        X = np.asarray(X) if order is None else np.asarray(X)[order]
        n = len(X)
        size = min(self.batch_size, n)
        sums: dict[str, float] = {}
        n_used = 0
        self.module_.eval()
        with torch.inference_mode():
            for start in range(0, n - n % size, size):
                batch = torch.as_tensor(X[start : start + size], device=self.device)
                terms = self.criterion_(self.module_(batch), batch, **self._objective_inputs())
                for name, term in terms.items():
                    sums[name] = sums.get(name, 0.0) + float(term) * len(batch)
                n_used += len(batch)
        means = {name: value / n_used for name, value in sums.items()}
        means["total"] = sum(means.values())
        return means

    def predict_labels(self, X: np.ndarray, batch_size: int = INFERENCE_BATCH_SIZE) -> np.ndarray:
        """Hard cluster labels of ``X``: the argmax of soft assignments, or the network's own
        hard assignments (DCN, ACeDeC), as int64 of shape (n_samples,)."""
        assignments = torch.cat([out for (out,) in
                                 self.iter_outputs(X, (ASSIGNMENTS,), batch_size)])
        if assignments.ndim > 1:
            assignments = assignments.argmax(dim=1)
        return assignments.numpy().astype(np.int64)

    def iter_outputs(
        self, X: np.ndarray, indices: tuple[int, ...], batch_size: int
    ) -> Iterator[tuple[torch.Tensor, ...]]:
        """Yield the network outputs at ``indices`` for consecutive batches of ``X``, on CPU.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Stays on the host; each batch is moved to ``device`` on its own.
        indices : tuple of int
            Positions in the network's output tuple.
        batch_size : int
        """
        X_cpu = torch.as_tensor(X)
        for start in range(0, len(X_cpu), batch_size):
            batch = X_cpu[start : start + batch_size].to(self.device)
            outputs = self.evaluation_step((batch, None), training=False)
            yield tuple(outputs[i].detach().cpu() for i in indices)


def make_net(
    module,
    criterion: type[torch.nn.Module],
    *,
    term_names: tuple[str, ...],
    n_samples: int,
    batch_size: int,
    seed: int,
    device: str,
    verbose: int = 0,
    callbacks: list[tuple[str, Callback]] | None = None,
    **params,
) -> ClusteringNet:
    """A :class:`ClusteringNet` with the package's standard training setup.

    Shuffled tensor batches from a generator seeded with ``seed``, the last incomplete batch
    dropped (kernel losses need full batches, BatchNorm needs more than one sample), no
    validation split, one epoch-mean history column per loss term, and skorch's epoch table
    only when ``verbose >= 2``.

    Parameters
    ----------
    module : nn.Module class or instance
    criterion : objective class
    term_names : tuple of str
        Names of the objective's terms (logged as ``train_<name>``).
    n_samples : int
        Training set size; the batch size is clamped to it.
    batch_size, seed : int
    device : str
    verbose : int, default=0
    callbacks : list of (name, Callback), optional
        Appended after the term-logging callbacks.
    **params
        Other ``NeuralNet`` parameters (``optimizer``, ``lr``, ``max_epochs``, ``module__*``,
        ``criterion__*`` ...).
    """
    term_callbacks: list[tuple[str, Callback]] = [
        (f"train_{name}", PassthroughScoring(name=f"train_{name}", on_train=True))
        for name in term_names
    ]
    if verbose < 2:
        params["callbacks__print_log"] = None
    return ClusteringNet(
        module=module,
        criterion=criterion,
        batch_size=min(batch_size, n_samples),
        iterator_train=BatchIterator,
        iterator_train__shuffle=True,
        iterator_train__drop_last=True,
        iterator_train__generator=make_generator(seed),
        iterator_valid=BatchIterator,
        train_split=None,
        callbacks=term_callbacks + list(callbacks or ()),
        device=device,
        verbose=int(verbose >= 2),
        **params,
    )


__all__ = [
    "ASSIGNMENTS",
    "EMBEDDING",
    "INFERENCE_BATCH_SIZE",
    "BatchIterator",
    "ClusteringNet",
    "NonFiniteLossError",
    "TensorDataset",
    "evaluation_order",
    "make_net",
]


def evaluation_order(n_samples: int) -> np.ndarray:
    """Fixed permutation used to batch data for selection and ``score``.

    Fixed (not derived from ``random_state``) so that every restart and every later ``score``
    call sees the same batches; shuffled so that data sorted by class still gives mixed batches.
    """
    return np.random.RandomState(0).permutation(n_samples)
