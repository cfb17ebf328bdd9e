"""Seconds per training epoch of each deep clusterer on the same data and batch size.

Compares the clustering module (CM), AE-CM and DDC with the same MLP encoder
(``hidden_dims=(500, 500, 2000)``, AE-CM's paper architecture) at one batch size, so the
numbers differ only by what each method computes per batch. Each fit runs ``--epochs`` epochs
of one restart; the figure is the median gap between epoch starts (see ``_clock.py``).

Usage::

    python benchmarks/run.py timing epoch_time [--dataset mnist5k] [--batch-size 256] [--device cpu]
"""

from __future__ import annotations

import argparse
import platform

import torch
from _clock import EpochClock, seconds_per_epoch

from skdeepclust import AECM, DDC, ClusteringModule
from skdeepclust._compare import DATASETS, load_dataset

HIDDEN_DIMS = (500, 500, 2000)


def estimators(n_clusters: int, batch_size: int, n_epochs: int, device: str) -> dict:
    common = dict(n_init=1, max_epochs=n_epochs, batch_size=batch_size, device=device,
                  random_state=0, callbacks=[EpochClock()])
    return {
        "cm": ClusteringModule(n_clusters, averaging_epoch=False, **common),
        "aecm": AECM(n_clusters, hidden_dims=HIDDEN_DIMS, averaging_epoch=False, **common),
        "ddc (mlp)": DDC(n_clusters, encoder="mlp", hidden_dims=HIDDEN_DIMS, **common),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="mnist5k", choices=DATASETS)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    data = load_dataset(args.dataset)
    X = data.X_flat
    machine = platform.processor() or platform.machine()
    print(f"| method | s / epoch | {args.dataset}, {len(X)} samples, batch {args.batch_size}, "
          f"{args.device}, {torch.get_num_threads()} threads, {machine} |")
    print("| --- | --- | --- |")
    for name, estimator in estimators(
        data.n_clusters, args.batch_size, args.epochs, args.device
    ).items():
        estimator.fit(X)
        print(f"| {name} | {seconds_per_epoch(estimator.net_.history):.3f} | |", flush=True)


if __name__ == "__main__":
    main()
