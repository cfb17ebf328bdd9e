"""Reference runs of ClustPy's DEC, IDEC, DCN and ACeDeC on the same data and seeds as ours.

ClustPy is not a dependency of skdeepclust; install it in a separate environment that also sees
skdeepclust (for the data loading and metrics), e.g.::

    python -m venv --system-site-packages /tmp/cpenv && /tmp/cpenv/bin/pip install clustpy
    OMP_NUM_THREADS=1 /tmp/cpenv/bin/python benchmarks/run.py timing clustpy --dataset mnist5k \
        --methods DEC,IDEC,DCN,ACeDeC --seeds 1 >> benchmarks/logs/clustpy.jsonl

Each method runs with ClustPy's defaults (its own MLP autoencoder, 100 pretraining and 150
clustering epochs) on the flattened data prepared exactly as for our benchmarks
(``skdeepclust._compare.load_dataset``). One JSON line per run: ACC, NMI, fit time.

ClustPy's ``labels_`` come from a final KMeans on the learned embedding; the method's own
assignments are kept as ``dec_labels_`` (DEC, IDEC), ``dcn_labels_`` and ``acedec_labels_``.
Ours report the method's own assignments, so both are logged: ``acc``/``nmi`` for ``labels_``
and ``own_acc``/``own_nmi`` for the own assignments.

``--activation relu`` swaps the LeakyReLU of ClustPy's default autoencoder for ReLU (our
default), so that the two libraries can be compared with the same network.
"""

from __future__ import annotations

import argparse
import json
import time

import clustpy
import clustpy.deep
import torch
from harness import subsample
from sklearn.metrics import normalized_mutual_info_score

from skdeepclust._compare import DATASETS, load_dataset
from skdeepclust.metrics import clustering_accuracy

#: Attribute holding the method's own assignments (before ClustPy's final KMeans).
OWN_LABELS = {"DEC": "dec_labels_", "IDEC": "dec_labels_", "DCN": "dcn_labels_",
              "ACeDeC": "acedec_labels_"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="digits", choices=DATASETS)
    parser.add_argument("--methods", default="DEC,IDEC,DCN,ACeDeC")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--subsample", type=int, default=None)
    parser.add_argument("--clustering-epochs", type=int, default=None,
                        help="override ClustPy's clustering epochs; 0 scores its start "
                             "(pretraining + initial clustering) as own_acc")
    parser.add_argument("--activation", choices=("leaky_relu", "relu"), default="leaky_relu",
                        help="activation of ClustPy's default autoencoder (its default: "
                             "LeakyReLU; relu isolates the activation from the rest)")
    args = parser.parse_args()
    extra = {} if args.clustering_epochs is None else {"clustering_epochs": args.clustering_epochs}
    network = {} if args.activation == "leaky_relu" else {"neural_network": (
        clustpy.deep.neural_networks.FeedforwardAutoencoder, {"activation_fn": torch.nn.ReLU})}
    data = subsample(load_dataset(args.dataset), args.subsample)
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for name in args.methods.split(","):
            model = getattr(clustpy.deep, name)(data.n_clusters, random_state=seed, **extra,
                                                  **network)
            start = time.perf_counter()
            model.fit(data.X_flat)
            seconds = time.perf_counter() - start
            labels = model.labels_
            own = getattr(model, OWN_LABELS[name])
            print(json.dumps({
                "dataset": data.name, "method": f"clustpy.{name}", "seed": seed,
                "acc": clustering_accuracy(data.y, labels),
                "nmi": normalized_mutual_info_score(data.y, labels),
                "own_acc": clustering_accuracy(data.y, own),
                "own_nmi": normalized_mutual_info_score(data.y, own),
                "fit_time": seconds, "clustpy": clustpy.__version__,
                "threads": torch.get_num_threads(), "activation": args.activation, **extra,
            }), flush=True)


if __name__ == "__main__":
    main()
