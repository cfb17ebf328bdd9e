"""The fast batch iterator and the ClusteringNet helpers."""

import numpy as np
import pytest
import torch

from skdeepclust._net import BatchIterator, TensorDataset
from skdeepclust.utils._random import make_generator


def _rows(batches):
    return torch.cat([b for b, _ in batches]).flatten().tolist()


def test_iterator_covers_data_in_order():
    data = TensorDataset(torch.arange(10.0)[:, None])
    batches = list(BatchIterator(data, batch_size=4))
    assert [len(b) for b, _ in batches] == [4, 4, 2]
    assert _rows(batches) == list(range(10))


def test_iterator_drop_last_and_small_data():
    data = TensorDataset(torch.arange(10.0)[:, None])
    assert [len(b) for b, _ in BatchIterator(data, 4, drop_last=True)] == [4, 4]
    # Fewer samples than batch_size: one batch with everything, even with drop_last.
    assert [len(b) for b, _ in BatchIterator(data, 32, drop_last=True)] == [10]
    assert len(BatchIterator(data, 4, drop_last=True)) == 2


def test_iterator_shuffle_is_seeded_permutation():
    data = TensorDataset(torch.arange(20.0)[:, None])

    def run(seed):
        generator = torch.Generator().manual_seed(seed)
        return _rows(BatchIterator(data, 6, shuffle=True, generator=generator))

    assert run(0) == run(0)
    assert run(0) != run(1)
    assert sorted(run(0)) == list(range(20))


def test_iterator_does_not_touch_global_rng():
    data = TensorDataset(torch.arange(20.0)[:, None])
    state = torch.get_rng_state()
    list(BatchIterator(data, 6, shuffle=True, generator=torch.Generator().manual_seed(0)))
    assert torch.equal(state, torch.get_rng_state())


def test_iterator_needs_tensor_dataset():
    with pytest.raises(TypeError, match="TensorDataset"):
        BatchIterator(np.zeros((3, 2)), 2)


def test_batch_iterator_shuffles_targets_with_their_rows():
    X = torch.arange(10, dtype=torch.float32)[:, None]

    def batches(y):
        return list(BatchIterator(TensorDataset(X, y), batch_size=4, shuffle=True,
                                  drop_last=True, generator=make_generator(0)))

    with_targets = batches(torch.cat([X, -X], 1))
    for batch, target in with_targets:
        torch.testing.assert_close(target[:, :1], batch)
    assert sum(len(batch) for batch, _ in with_targets) == 8
    # Targets do not change the batches drawn for a seed.
    assert [b.tolist() for b, _ in batches(None)] == [b.tolist() for b, _ in with_targets]
