"""Where DCN's accuracy comes from: its k-means start or its clustering epochs.

Fits ``DCN`` on one data set and seed with one clustering epoch (labels ≈ the k-means start on
the pretrained embedding) and with ``max_epochs`` epochs, for each ``cluster_weight`` given,
and prints one JSON line per fit with two scores: the method's own assignments
(``own_acc``/``own_nmi``) and a fresh ``KMeans(n_init=10)`` on the final embedding
(``kmeans_acc``/``kmeans_nmi``, what ClustPy reports as ``labels_``)::

    OMP_NUM_THREADS=1 python benchmarks/bench_dcn_start.py --dataset fashion_mnist \
        --subsample 5000 --cluster-weights 1.0,0.1
"""

from __future__ import annotations

import argparse
import json
import time

from bench_quality import subsample
from sklearn.metrics import normalized_mutual_info_score

from skdeepclust._compare import DATASETS, METHODS, load_dataset
from skdeepclust.metrics import clustering_accuracy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="fashion_mnist", choices=DATASETS)
    parser.add_argument("--subsample", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-epochs", type=int, default=50)
    parser.add_argument("--cluster-weights", default="1.0")
    args = parser.parse_args()
    data = subsample(load_dataset(args.dataset), args.subsample)
    X, y = data.X_flat, data.y
    runs = [(1, 1.0)] + [(args.max_epochs, float(w)) for w in args.cluster_weights.split(",")]
    for epochs, weight in runs:
        # The benchmark's own DCN (same architecture choice as bench_quality.py).
        model = METHODS["dcn"](data.n_clusters, args.seed, "auto", data)
        model.set_params(max_epochs=epochs, cluster_weight=weight)
        start = time.perf_counter()
        model.fit(X)
        seconds = time.perf_counter() - start
        kmeans = METHODS["kmeans"](data.n_clusters, args.seed, "cpu", data)
        relabelled = kmeans.fit_predict(model.transform(X))
        print(json.dumps({
            "dataset": data.name, "seed": args.seed, "max_epochs": epochs,
            "cluster_weight": weight,
            "own_acc": clustering_accuracy(y, model.labels_),
            "own_nmi": normalized_mutual_info_score(y, model.labels_),
            "kmeans_acc": clustering_accuracy(y, relabelled),
            "kmeans_nmi": normalized_mutual_info_score(y, relabelled),
            "fit_time": seconds,
        }), flush=True)


if __name__ == "__main__":
    main()
