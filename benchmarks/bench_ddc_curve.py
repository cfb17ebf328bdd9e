"""Clustering accuracy of single DDC restarts during training (is the partition still moving?).

Fits ``DDC(n_clusters, n_init=1, max_epochs=E, random_state=s)`` for each seed and records,
every ``--every`` epochs, the accuracy against the labels (monitoring only, through
``ObjectiveMismatchMonitor``) and the total training loss. Prints one JSON line per seed.

Usage::

    python benchmarks/bench_ddc_curve.py --dataset mnist5k --seeds 3 --epochs 40 \
        > benchmarks/logs/ddc_mnist5k_curve.jsonl
"""

from __future__ import annotations

import argparse
import json
import time

from skdeepclust import DDC
from skdeepclust._compare import DATASETS, load_dataset
from skdeepclust.callbacks import ObjectiveMismatchMonitor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="mnist5k", choices=DATASETS)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--every", type=int, default=5)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    data = load_dataset(args.dataset)
    for seed in range(args.seeds):
        start = time.perf_counter()
        model = DDC(data.n_clusters, n_init=1, max_epochs=args.epochs, random_state=seed,
                    device=args.device,
                    callbacks=[ObjectiveMismatchMonitor(data.y, every=args.every)])
        model.fit(data.X)
        curve = [(row["epoch"], round(row["monitor_score"], 3), round(row["train_loss"], 4))
                 for row in model.net_.history if "monitor_score" in row]
        print(json.dumps({"seed": seed, "time": round(time.perf_counter() - start),
                          "curve": curve}), flush=True)


if __name__ == "__main__":
    main()
