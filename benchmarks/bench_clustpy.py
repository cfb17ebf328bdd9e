"""Reference runs of ClustPy's DEC, IDEC, DCN and ACeDeC on the same data and seeds as ours.

ClustPy is not a dependency of skdeepclust; install it in a separate environment that also sees
skdeepclust (for the data loading and metrics), e.g.::

    python -m venv --system-site-packages /tmp/cpenv && /tmp/cpenv/bin/pip install clustpy
    OMP_NUM_THREADS=1 /tmp/cpenv/bin/python benchmarks/bench_clustpy.py --dataset mnist5k \
        --methods DEC,IDEC,DCN,ACeDeC --seeds 1 >> benchmarks/logs/clustpy.jsonl

Each method runs with ClustPy's defaults (its own MLP autoencoder, 100 pretraining and 150
clustering epochs) on the flattened data prepared exactly as for our benchmarks
(``skdeepclust._compare.load_dataset``). One JSON line per run: ACC, NMI, fit time.
"""

from __future__ import annotations

import argparse
import json
import time

import clustpy
import clustpy.deep
import torch
from bench_quality import subsample
from sklearn.metrics import normalized_mutual_info_score

from skdeepclust._compare import DATASETS, load_dataset
from skdeepclust.metrics import clustering_accuracy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="digits", choices=DATASETS)
    parser.add_argument("--methods", default="DEC,IDEC,DCN,ACeDeC")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--subsample", type=int, default=None)
    args = parser.parse_args()
    data = subsample(load_dataset(args.dataset), args.subsample)
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for name in args.methods.split(","):
            model = getattr(clustpy.deep, name)(data.n_clusters, random_state=seed)
            start = time.perf_counter()
            model.fit(data.X_flat)
            seconds = time.perf_counter() - start
            labels = model.labels_
            print(json.dumps({
                "dataset": data.name, "method": f"clustpy.{name}", "seed": seed,
                "acc": clustering_accuracy(data.y, labels),
                "nmi": normalized_mutual_info_score(data.y, labels),
                "fit_time": seconds, "clustpy": clustpy.__version__,
                "threads": torch.get_num_threads(),
            }), flush=True)


if __name__ == "__main__":
    main()
