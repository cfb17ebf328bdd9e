"""Clustering quality of the package's methods next to KMeans and GaussianMixture.

Each method is fitted once per seed with its default parameters unless ``--set`` overrides
them; rows go to stdout as a Markdown table (paste into RESULTS.md) and, per run, as JSON
lines to ``--log``.

Examples::

    # CPU protocol used in RESULTS.md
    python benchmarks/bench_quality.py --dataset digits --methods kmeans,gmm,ddc --seeds 3
    python benchmarks/bench_quality.py --dataset mnist5k --methods kmeans,gmm,ddc --seeds 3 \
        --set ddc.n_init=5 --set ddc.max_epochs=50
    # CPU protocol on a big set: a stratified 10 000-image subsample, fixed across seeds
    python benchmarks/bench_quality.py --dataset fashion_mnist --subsample 10000 \
        --methods kmeans,aecm --seeds 3
    # paper protocol for DDC (GPU): 20 restarts, 200 epochs
    python benchmarks/bench_quality.py --dataset mnist5k --methods ddc --seeds 3 \
        --set ddc.n_init=20 --set ddc.max_epochs=200 --device cuda
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import platform

import numpy as np
import torch
from sklearn.model_selection import train_test_split

from skdeepclust._compare import DATASETS, Dataset, load_dataset, run_comparison, summarize


def subsample(data: Dataset, n_samples: int | None) -> Dataset:
    """A stratified subsample of ``n_samples`` rows, the same for every seed and method."""
    if n_samples is None or n_samples >= len(data.y):
        return data
    index, _ = train_test_split(np.arange(len(data.y)), train_size=n_samples,
                                stratify=data.y, random_state=0)
    index = np.sort(index)
    return Dataset(f"{data.name}[{n_samples}]", data.X[index], data.y[index])


def parse_overrides(items: list[str]) -> dict[str, dict]:
    overrides: dict[str, dict] = {}
    for item in items:
        key, _, value = item.partition("=")
        method, _, param = key.partition(".")
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            parsed = value
        overrides.setdefault(method, {})[param] = parsed
    return overrides


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="digits", choices=DATASETS)
    parser.add_argument("--methods", default="kmeans,gmm,ddc")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0,
                        help="seeds are first-seed .. first-seed + seeds - 1")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--set", action="append", default=[], metavar="METHOD.PARAM=VALUE")
    parser.add_argument("--subsample", type=int, default=None,
                        help="use a stratified subsample of this many samples (seed 0)")
    parser.add_argument("--log", default=None, help="append one JSON line per run here")
    args = parser.parse_args()
    overrides = parse_overrides(args.set)
    data = subsample(load_dataset(args.dataset), args.subsample)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    rows = run_comparison(data, args.methods.split(","), seeds,
                          device=args.device, overrides=overrides)
    if args.log:
        with open(args.log, "a") as log:
            for row in rows:
                log.write(json.dumps({"dataset": data.name, **row,
                                      "overrides": overrides.get(row["method"], {})}) + "\n")
    machine = f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}"
    date = datetime.date.today().isoformat()
    for e in summarize(rows):
        settings = ", ".join(f"{k}={v}" for k, v in overrides.get(e["method"], {}).items())
        print(f"| {data.name} | {e['method']} | {settings or 'defaults'} | {e['n_seeds']} | "
              f"{e['acc']:.3f} ± {e['acc_std']:.3f} | {e['nmi']:.3f} ± {e['nmi_std']:.3f} | "
              f"{e['ari']:.3f} ± {e['ari_std']:.3f} | {e['fit_time']:.1f} | {machine} | {date} |")


if __name__ == "__main__":
    main()
