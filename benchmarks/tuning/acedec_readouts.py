"""Read-outs of a fitted ACeDeC (or DCN) on Fashion-5k against its start partition.

Tuning seeds only::

    OMP_NUM_THREADS=1 python benchmarks/tuning/acedec_readouts.py SEED [acedec | dcn]

Appends one JSON line to ``benchmarks/tuning/results/acedec-readouts.jsonl``: the start
partition, ``labels_``, k-means on the final embedding (all dimensions, the cluster dimensions,
beta-weighted), a new subspace k-means, and the ACC trace.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import TUNING_SEEDS, Trace, load_protocol_dataset, subsample  # noqa: E402
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score as nmi

from skdeepclust import DCN, ACeDeC
from skdeepclust._kmeans import subspace_kmeans
from skdeepclust.metrics import clustering_accuracy as acc

seed = int(sys.argv[1])
which = sys.argv[2] if len(sys.argv) > 2 else "acedec"
if seed not in TUNING_SEEDS:
    raise SystemExit("tuning seeds only")
data = subsample(load_protocol_dataset("fashion_mnist"), 5000)
X, y = data.X, data.y


def scored(labels):
    return acc(y, labels), nmi(y, labels)


def kmeans_labels(Z):
    return KMeans(10, n_init=10, random_state=0).fit_predict(Z)


cls = ACeDeC if which == "acedec" else DCN
model = cls(10, random_state=seed, callbacks=[("trace", Trace(X, y, 5))])
fit_start = time.perf_counter()
model.fit(X)
out = {"seed": seed, "method": which, "time": time.perf_counter() - fit_start}
start = next(h["trace_start"] for h in model.net_.history if "trace_start" in h)
out["start"] = (start["acc"], start["nmi"])
out["labels_"] = scored(model.labels_)
Y = model.transform(X)
out["kmeans_all"] = scored(kmeans_labels(Y))
if which == "acedec":
    dims = model.cluster_dims_
    C = Y[:, dims]
    distances = ((C[:, None, :] - model.cluster_centers_[None][:, :, dims]) ** 2).sum(-1)
    out["hardened"] = scored(distances.argmin(1))
    out["kmeans_cluster_dims"] = scored(kmeans_labels(C))
    out["kmeans_beta"] = scored(kmeans_labels(Y * model.beta_))
    out["subspace_kmeans"] = scored(subspace_kmeans(Y, 10, np.random.RandomState(0))[1])
    out["n_cluster_dims"] = int(model.n_cluster_dims_)
    out["beta"] = model.beta_.round(3).tolist()
out["trace"] = [(h["trace"]["epoch"], h["trace"]["acc"], round(h["trace"]["terms"]["total"], 3))
                for h in model.net_.history if "trace" in h]
print(json.dumps(out))
with open(Path(__file__).parent / "results" / "acedec-readouts.jsonl", "a") as f:
    f.write(json.dumps(out) + "\n")
