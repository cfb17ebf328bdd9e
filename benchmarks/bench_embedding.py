"""What DCN's pretrained embedding offers k-means, for one pretraining setting and seed.

DCN keeps its k-means start almost unchanged (RESULTS.md, issue 5), so the pretrained
autoencoder decides its result. This pretrains exactly as ``DCN`` does (the estimator's own
pretraining, copied by a callback before its clustering phase) and prints one JSON line with

- ``reconstruction``: per-sample squared error on the data;
- ``dead``: per hidden layer (encoder, then decoder), the fraction of units whose input is
  <= 0 for every sample (a ReLU unit that never fires, a LeakyReLU unit never positive);
- ``kmeans``: ACC / NMI of ``KMeans(n_init=10)``, how DCN starts;
- ``kmeans_single``: mean and standard deviation of ACC / NMI over 20 single-start runs;
- ``consensus``: ACC / NMI of the majority vote of 50 single-start runs aligned to the
  lowest-inertia one (``skdeepclust.ensemble.consensus_vote``)::

    OMP_NUM_THREADS=1 python benchmarks/bench_embedding.py --dataset fashion_mnist \\
        --subsample 5000 --seed 0 --set dcn.pretrain_lr=3e-4 [--cache /tmp/pretrained]

``--cache`` is DCN's ``memory=`` (a ``joblib.Memory`` folder): a later run with the same data,
network, seed and pretraining settings loads the pretrained autoencoder from there instead of
pretraining again, with identical output.
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
from skorch.callbacks import Callback

from skdeepclust._compare import DATASETS, METHODS, load_dataset
from skdeepclust.ensemble import consensus_vote
from skdeepclust.metrics import clustering_accuracy


class KeepPretrained(Callback):
    """Keeps a copy of the pretrained autoencoder, taken before the first clustering epoch.

    A clustering-phase callback sees the net after pretraining and the k-means start, so
    ``net.module_.autoencoder`` is then exactly the pretrained autoencoder.
    """

    def on_train_begin(self, net, **kwargs):
        self.autoencoder_ = copy.deepcopy(net.module_.autoencoder)


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
                        help="joblib.Memory folder (DCN's memory=) that keeps pretrainings "
                             "and reuses them")
    args = parser.parse_args()
    data = subsample(load_dataset(args.dataset), args.subsample)
    X, y = data.X_flat, data.y
    settings = parse_overrides(args.set).get("dcn", {})

    model = METHODS["dcn"](data.n_clusters, args.seed, "cpu", data)
    model.set_params(max_epochs=1, memory=args.cache,   # the clustering epoch is not used
                     callbacks=[("keep_pretrained", KeepPretrained())], **settings).fit(X)
    # The estimator clones its callbacks; the fitted net holds the copy that ran.
    autoencoder = dict(model.net_.callbacks_)["keep_pretrained"].autoencoder_.eval()

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
