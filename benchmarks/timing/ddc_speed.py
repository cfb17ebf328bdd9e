"""Time per training epoch: DDC through the estimator vs a bare PyTorch loop.

Both run the same network (``DDCNetwork``), objective (``DDCObjective``), optimizer (Adam),
gradient clipping and batch size. The bare loop gets its batches pre-sliced from one tensor
and has no skorch, no callbacks and no logging. The ratio is estimator / bare (1.0 = no
overhead).

Usage::

    python benchmarks/run.py timing ddc_speed [--dataset digits|mnist5k] [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import torch
from _clock import EpochClock, seconds_per_epoch, sync

from skdeepclust import DDC
from skdeepclust._compare import load_dataset
from skdeepclust.nn.ddc import DDCNetwork, DDCObjective


def bare_epoch_times(X, estimator, n_epochs, device):
    n = len(X)
    batch_size = min(estimator.batch_size, n)
    torch.manual_seed(0)
    module = DDCNetwork(**estimator._module_kwargs()).to(device)
    objective = DDCObjective(rel_sigma=estimator.rel_sigma).to(device)
    optimizer = torch.optim.Adam(module.parameters(), lr=estimator.lr)
    X_t = torch.as_tensor(X.reshape(n, -1), device=device)
    module.train()
    times = []
    for _ in range(n_epochs):
        batches = list(X_t[torch.randperm(n, device=device)].split(batch_size))
        if len(batches[-1]) < batch_size:
            batches.pop()
        sync(device)
        start = time.perf_counter()
        for batch in batches:
            optimizer.zero_grad()
            loss = sum(objective(module(batch), batch).values())
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.parameters(), estimator.clip_grad_norm)
            optimizer.step()
        sync(device)
        times.append(time.perf_counter() - start)
    return np.array(times)


def estimator_epoch_time(data, n_epochs, device):
    """Wall-clock seconds per epoch of ``DDC.fit``, everything included.

    The median gap between the starts of consecutive epochs, so every per-epoch cost (batch
    iteration, skorch callbacks, history, best-weights copies) counts, while the once-per-fit
    set-up, restart selection and final labelling do not. Also returns the median of skorch's
    own ``dur`` column, which stops before the later callbacks run.
    """
    estimator = DDC(data.n_clusters, n_init=1, max_epochs=n_epochs, device=device,
                    random_state=0, callbacks=[EpochClock()])
    estimator.fit(data.X)
    history = estimator.net_.history
    return seconds_per_epoch(history), np.median(np.array(history[:, "dur"])[1:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="digits", choices=["digits", "mnist5k"])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    data = load_dataset(args.dataset)
    ratios = []
    for _ in range(args.repeats):
        # Interleave the two so that background load hits both alike.
        est, dur = estimator_epoch_time(data, args.epochs, args.device)
        reference = DDC(data.n_clusters, n_init=1, device=args.device)
        reference._validate_fit_input(data.X)
        bare = np.median(bare_epoch_times(data.X, reference, args.epochs, args.device)[1:])
        ratios.append(est / bare)
        print(f"epoch: estimator {est * 1e3:.1f} ms (skorch 'dur' {dur * 1e3:.1f} ms), "
              f"bare loop {bare * 1e3:.1f} ms, ratio {est / bare:.3f}", flush=True)
    estimator = reference
    machine = platform.processor() or platform.machine()
    print(f"| {args.dataset} | {args.device} | {estimator._encoder_name()} | "
          f"{np.median(ratios):.3f} (median of {args.repeats}) | {machine}, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__} |")


if __name__ == "__main__":
    main()
