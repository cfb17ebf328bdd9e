"""Timing helpers shared by the timing benchmarks: an epoch-timestamping skorch callback and a
device sync."""

from __future__ import annotations

import time

import numpy as np
import torch
from skorch.callbacks import Callback


class EpochClock(Callback):
    """Records ``time.perf_counter()`` at the start of every epoch into the history."""

    def on_epoch_begin(self, net, **kwargs):
        net.history.record("clock", time.perf_counter())


def seconds_per_epoch(history) -> float:
    """Median gap between consecutive epoch starts, the first (warm-up) gap dropped.

    Everything done per epoch counts (batches, callbacks, history, best-weights copies);
    once-per-fit work (set-up, restart selection, final labelling) does not.
    """
    gaps = np.diff(np.array(history[:, "clock"]))
    return float(np.median(gaps[1:] if len(gaps) > 1 else gaps))


def sync(device: str) -> None:
    """Wait for queued CUDA work, so a wall-clock reading covers it (no-op on the CPU)."""
    if device.startswith("cuda"):
        torch.cuda.synchronize()
