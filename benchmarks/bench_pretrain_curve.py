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
"""

from __future__ import annotations

import argparse
import json
import time

import torch
from bench_quality import subsample
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score
from skorch.callbacks import Callback

import skdeepclust._pretrain
from skdeepclust import DCN
from skdeepclust._base import collect_outputs
from skdeepclust._compare import DATASETS, load_dataset
from skdeepclust.metrics import clustering_accuracy
from skdeepclust.nn.autoencoders import MLPAutoencoder


class KMeansCheckpoints(Callback):
    """k-means on the embedding of ``X`` after each checkpoint epoch; prints a JSON line."""

    def __init__(self, X, y, n_clusters, checkpoints, seed, label):
        self.X = X
        self.y = y
        self.n_clusters = n_clusters
        self.checkpoints = checkpoints
        self.seed = seed
        self.label = label

    def on_train_begin(self, net, **kwargs):
        self.start_ = time.perf_counter()

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history)
        if epoch not in self.checkpoints:
            return
        z = collect_outputs(net, self.X, 0)
        labels = KMeans(self.n_clusters, n_init=10, random_state=self.seed).fit_predict(z)
        print(json.dumps({
            **self.label, "epoch": epoch,
            "acc": clustering_accuracy(self.y, labels),
            "nmi": normalized_mutual_info_score(self.y, labels),
            "loss": net.history[-1, "train_loss"],
            "seconds": time.perf_counter() - self.start_,
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
    checkpoints = {int(c) for c in args.checkpoints.split(",")}
    label = {"dataset": data.name, "seed": args.seed, "activation": args.activation}
    probe = KMeansCheckpoints(data.X_flat, data.y, data.n_clusters, checkpoints, args.seed, label)

    # The pretraining function builds its own net; add the probe to the callbacks it passes.
    make_net = skdeepclust._pretrain.make_net

    def make_net_with_probe(*a, callbacks=None, **kwargs):
        return make_net(*a, callbacks=[*(callbacks or []), ("kmeans", probe)], **kwargs)

    skdeepclust._pretrain.make_net = make_net_with_probe
    dcn = DCN()
    torch.manual_seed(args.seed)
    autoencoder = MLPAutoencoder((data.X_flat.shape[1],), dcn.hidden_dims, dcn.n_embed,
                                 activation=args.activation)
    skdeepclust._pretrain.pretrain_autoencoder(
        autoencoder, data.X_flat, epochs=max(checkpoints), batch_size=dcn.batch_size,
        lr=dcn.pretrain_lr, seed=args.seed, device="cpu", reduction="sum",
    )


if __name__ == "__main__":
    main()
