"""What DCN's pretrained embedding offers k-means, for one pretraining setting and seed.

DCN keeps its k-means start almost unchanged (RESULTS.md, issue 5), so the pretrained
autoencoder decides its result. This pretrains exactly as ``DCN`` does (the estimator's own
pretraining, captured before its clustering phase) and prints one JSON line with

- ``reconstruction``: per-sample squared error on the data;
- ``dead``: per hidden layer (encoder, then decoder), the fraction of units whose input is
  <= 0 for every sample (a ReLU unit that never fires, a LeakyReLU unit never positive);
- ``kmeans``: ACC / NMI of ``KMeans(n_init=10)``, how DCN starts;
- ``kmeans_single``: mean and standard deviation of ACC / NMI over 20 single-start runs;
- ``consensus``: ACC / NMI of the majority vote of 50 single-start runs aligned to the
  lowest-inertia one (``skdeepclust.ensemble.consensus_vote``)::

    OMP_NUM_THREADS=1 python benchmarks/bench_embedding.py --dataset fashion_mnist \\
        --subsample 5000 --seed 0 --set dcn.pretrain_lr=3e-4 [--cache /tmp/pretrained]
"""

from __future__ import annotations

import argparse
import copy
import json
import warnings
from pathlib import Path

import numpy as np
import torch
from bench_quality import parse_overrides, subsample
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score

import skdeepclust._dcn
from skdeepclust._compare import DATASETS, METHODS, load_dataset
from skdeepclust.ensemble import consensus_vote
from skdeepclust.metrics import clustering_accuracy


def capture_pretraining(dataset: str, cache: Path | None) -> dict:
    """Make DCN's pretraining also store a copy of the pretrained autoencoder.

    With a ``cache`` folder, a pretrained state is saved there and reused by later runs with
    the same data, restart seed, activation, epochs, learning rate, warm-up, noise and decay
    (benchmark-only).
    """
    captured = {}
    pretrain = skdeepclust._dcn.pretrain_estimator_autoencoder

    def pretrain_and_keep(estimator, net, X, seed, **kwargs):
        autoencoder = net.module_.autoencoder
        name = (f"dcn_{dataset}_{seed}_{estimator.activation}_{estimator.pretrain_epochs}"
                f"_lr{estimator.pretrain_lr}_warmup{estimator.pretrain_warmup}"
                f"_noise{estimator.pretrain_noise}_{estimator.pretrain_decay}.pt")
        if cache is not None and (cache / name).exists():
            autoencoder.load_state_dict(torch.load(cache / name))
        else:
            pretrain(estimator, net, X, seed, **kwargs)
            if cache is not None:
                cache.mkdir(parents=True, exist_ok=True)
                torch.save(autoencoder.state_dict(), cache / name)
        captured["autoencoder"] = copy.deepcopy(autoencoder)

    skdeepclust._dcn.pretrain_estimator_autoencoder = pretrain_and_keep
    return captured


def dead_fractions(autoencoder: torch.nn.Module, X: torch.Tensor) -> list[float]:
    """Per activation layer: fraction of units whose input is <= 0 on all of ``X``."""
    fractions = []
    with torch.no_grad():
        h = X.flatten(1)
        for layer in [*autoencoder.encoder, *autoencoder.decoder]:
            if isinstance(layer, torch.nn.Linear):
                h = layer(h)
                pre_activation = h
            else:
                never_fires = (pre_activation.max(0).values <= 0).float().mean()
                fractions.append(round(float(never_fires), 3))
                h = layer(h)
    return fractions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="fashion_mnist", choices=DATASETS)
    parser.add_argument("--subsample", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="dcn.PARAM=VALUE",
                        help="a DCN parameter, e.g. dcn.pretrain_lr=3e-4")
    parser.add_argument("--cache", type=Path, default=None,
                        help="folder to keep pretrained autoencoders in and reuse them from")
    args = parser.parse_args()
    data = subsample(load_dataset(args.dataset), args.subsample)
    X, y = data.X_flat, data.y
    settings = parse_overrides(args.set).get("dcn", {})

    captured = capture_pretraining(data.name, args.cache)
    model = METHODS["dcn"](data.n_clusters, args.seed, "cpu", data)
    model.set_params(max_epochs=1, **settings).fit(X)   # the clustering epoch is not used
    autoencoder = captured["autoencoder"].eval()

    X_tensor = torch.as_tensor(X, dtype=torch.float32)
    with torch.no_grad():
        embedding, reconstruction = autoencoder(X_tensor)
    error = ((reconstruction.flatten(1) - X_tensor) ** 2).sum(1).mean().item()
    Z = embedding.numpy().astype(np.float64)

    def score(labels):
        return [round(clustering_accuracy(y, labels), 4),
                round(normalized_mutual_info_score(y, labels), 4)]

    k = data.n_clusters
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        start = KMeans(k, n_init=10, random_state=args.seed).fit(Z)
        runs = [KMeans(k, n_init=1, random_state=args.seed + r).fit(Z) for r in range(50)]
    singles = np.array([score(run.labels_) for run in runs[:20]])
    voted = consensus_vote([run.labels_ for run in runs], [run.inertia_ for run in runs],
                           top=None)
    print(json.dumps({
        "dataset": data.name, "seed": args.seed, **settings,
        "reconstruction": round(error, 3),
        "dead": dead_fractions(autoencoder, X_tensor),
        "kmeans": score(start.labels_),
        "kmeans_single": [singles.mean(0).round(4).tolist(), singles.std(0).round(4).tolist()],
        "consensus": score(voted),
    }), flush=True)


if __name__ == "__main__":
    main()
