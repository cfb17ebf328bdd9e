"""DEC-Conv variants from one shared pretraining per seed: what the companion term adds.

Fits ``DEC(encoder="cnn")`` (and ``IDEC`` with ``--idec``) once per variant on a stratified
Fashion-MNIST subsample. Every variant of a seed starts from the *same* pretrained convolutional
autoencoder and the same k-means start: the estimators share one ``memory=`` (a
``joblib.Memory`` folder, temporary unless ``--cache`` names one), so the first variant
pretrains and the later ones load its result (identical to pretraining again), and two
variants differ only in what the variant sets (learning rate, companion term); a variant that
changes the pretraining (``pretrain_*``, the network) pretrains on its own. Prints one JSON
line per fit with the k-means start's accuracy (``start_acc``), the accuracy of ``argmax q``
after every clustering epoch (``curve``), and the final scores::

    OMP_NUM_THREADS=1 python benchmarks/bench_dec_conv.py --seed 0 \
        --variants '[{"lr": 1e-4, "uco_kernel": "tensor"}, {"lr": 1e-4}]'

The defaults are the CPU protocol of ``RESULTS.md`` (3 000 images, 30 pretraining epochs,
batch 120, at most 20 clustering epochs).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench_quality import subsample
from joblib import Memory
from sklearn.metrics import normalized_mutual_info_score
from skorch.callbacks import Callback

from skdeepclust import DEC, IDEC
from skdeepclust._base import collect_outputs
from skdeepclust._compare import load_dataset
from skdeepclust.metrics import clustering_accuracy

#: The paper's DEC-Conv-UCO_T and its control: DEC-Conv at the same learning rate.
DEFAULT_VARIANTS = '[{"lr": 1e-4, "uco_kernel": "tensor"}, {"lr": 1e-4}]'


class AccuracyCurve(Callback):
    """Accuracy of ``argmax q`` on all of ``X`` at the start and after every epoch."""

    def __init__(self, X, y):
        self.X = X
        self.y = y

    def on_train_begin(self, net, **kwargs):
        self.curve_ = []
        self._record(net)

    def on_epoch_end(self, net, **kwargs):
        self._record(net)

    def _record(self, net):
        q = collect_outputs(net, self.X, 0)
        self.curve_.append(round(clustering_accuracy(self.y, q.argmax(1)), 4))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--subsample", type=int, default=3000)
    parser.add_argument("--variants", default=DEFAULT_VARIANTS,
                        help="JSON list of parameter dicts, one fit each")
    parser.add_argument("--idec", action="store_true", help="fit IDEC (DCEC) instead of DEC")
    parser.add_argument("--pretrain-epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=120)
    parser.add_argument("--max-epochs", type=int, default=20)
    parser.add_argument("--cache", type=Path, default=None,
                        help="joblib.Memory folder for the pretrainings, kept for later runs "
                             "(default: a temporary one, removed at the end)")
    args = parser.parse_args()
    data = subsample(load_dataset("fashion_mnist"), args.subsample)
    with tempfile.TemporaryDirectory(prefix="bench_dec_conv_") as temporary:
        memory = Memory(args.cache if args.cache is not None else temporary, verbose=0)
        fit_variants(data, args, memory)


def fit_variants(data, args, memory: Memory) -> None:
    """One fit and JSON line per variant; ``memory`` shares the pretraining between them."""
    estimator = IDEC if args.idec else DEC
    base = {"encoder": "cnn", "pretrain_epochs": args.pretrain_epochs,
            "batch_size": args.batch_size, "max_epochs": args.max_epochs,
            "memory": memory, "random_state": args.seed}
    for variant in json.loads(args.variants):
        start = time.perf_counter()
        curve_callback = ("accuracy_curve", AccuracyCurve(data.X, data.y))
        model = estimator(data.n_clusters, callbacks=[curve_callback], **base, **variant)
        model.fit(data.X)
        seconds = time.perf_counter() - start
        # The estimator clones its callbacks; the fitted net holds the copy that ran.
        curve = dict(model.net_.callbacks_)["accuracy_curve"].curve_
        print(json.dumps({
            "dataset": data.name, "method": estimator.__name__, "seed": args.seed,
            "variant": variant, "acc": clustering_accuracy(data.y, model.labels_),
            "nmi": normalized_mutual_info_score(data.y, model.labels_),
            "start_acc": curve[0], "curve": curve, "n_iter": model.n_iter_,
            "seconds": seconds,
        }), flush=True)


if __name__ == "__main__":
    main()
