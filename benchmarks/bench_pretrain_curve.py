"""How good is the pretrained embedding after E epochs? k-means on it, at several E.

Pretrains the DCN/ACeDeC autoencoder (``MLPAutoencoder`` with ``DCN``'s default network,
batch size and pretraining learning rate, Adam, summed MSE, as ``DCN`` pretrains) once per
data set and seed, and at each checkpoint epoch prints one JSON line with the accuracy and NMI
of ``KMeans(n_init=10)`` on the embedding of all data, the loss and the elapsed seconds::

    OMP_NUM_THREADS=1 python benchmarks/bench_pretrain_curve.py --dataset fashion_mnist \
        --subsample 5000 --seed 0 --checkpoints 50,100,150,200

The seeding (``torch.manual_seed(seed)`` before building the network) is the benchmark's own,
so a curve is not the pretraining of ``DCN(random_state=seed)``; it compares epoch counts
within one run.

The pretraining is the package's own (``skdeepclust._pretrain.pretrain_autoencoder``), run up
to the first checkpoint and then continued checkpoint by checkpoint with ``partial_fit`` on the
net it returns. That is one uninterrupted run: skorch keeps the weights, Adam's state and the
history, and the batches come from the same seeded generator. It holds because this
pretraining has no learning-rate schedule (no warm-up, no decay: each ``partial_fit`` would
restart a scheduler) and no input noise.
"""

from __future__ import annotations

import argparse
import json
import time

import torch
from bench_quality import subsample
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score

from skdeepclust import DCN
from skdeepclust._base import collect_outputs
from skdeepclust._compare import DATASETS, load_dataset
from skdeepclust._pretrain import pretrain_autoencoder
from skdeepclust.metrics import clustering_accuracy
from skdeepclust.nn.autoencoders import MLPAutoencoder


class KMeansCheckpoints:
    """k-means on the embedding of ``X`` after a checkpoint epoch; prints a JSON line.

    ``seconds`` counts training from its first epoch (skorch's per-epoch ``dur``) and the
    k-means runs so far, not the set-up before the first epoch.
    """

    def __init__(self, X, y, n_clusters, seed, label):
        self.X = X
        self.y = y
        self.n_clusters = n_clusters
        self.seed = seed
        self.label = label
        self.kmeans_seconds = 0.0

    def __call__(self, net) -> None:
        start = time.perf_counter()
        z = collect_outputs(net, self.X, 0)
        labels = KMeans(self.n_clusters, n_init=10, random_state=self.seed).fit_predict(z)
        self.kmeans_seconds += time.perf_counter() - start
        print(json.dumps({
            **self.label, "epoch": len(net.history),
            "acc": clustering_accuracy(self.y, labels),
            "nmi": normalized_mutual_info_score(self.y, labels),
            "loss": net.history[-1, "train_loss"],
            "seconds": sum(net.history[:, "dur"]) + self.kmeans_seconds,
        }), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="fashion_mnist", choices=DATASETS)
    parser.add_argument("--subsample", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--activation", default="relu")
    parser.add_argument("--checkpoints", default="50,100,150,200")
    args = parser.parse_args()
    data = subsample(load_dataset(args.dataset), args.subsample)
    X, y = data.X_flat, data.y
    checkpoints = sorted({int(c) for c in args.checkpoints.split(",")} - {0})
    label = {"dataset": data.name, "seed": args.seed, "activation": args.activation}

    probe = KMeansCheckpoints(X, y, data.n_clusters, args.seed, label)

    dcn = DCN()
    torch.manual_seed(args.seed)
    autoencoder = MLPAutoencoder((X.shape[1],), dcn.hidden_dims, dcn.n_embed,
                                 activation=args.activation)
    net = pretrain_autoencoder(
        autoencoder, X, epochs=checkpoints[0], batch_size=dcn.batch_size,
        lr=dcn.pretrain_lr, seed=args.seed, device="cpu", reduction="sum",
    )
    probe(net)
    for previous, epoch in zip(checkpoints, checkpoints[1:], strict=False):
        net.partial_fit(X, epochs=epoch - previous)   # continues the same run
        probe(net)


if __name__ == "__main__":
    main()
