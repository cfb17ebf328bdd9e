"""Restart-level measurements for choosing defaults, on tuning seeds only.

``record`` fits the restarts of ``Method.build(...)`` one by one, exactly as ``fit`` would
(``restart_seeds(random_state, n_init)``, then the estimator's own ``_fit_restart``), and
writes one JSON line per restart: its labels, its eval-mode loss terms, its selection score,
ACC/NMI, epochs, time and an optional ACC trace. ``select`` then replays restart selection
offline for groups of the first R restarts of each seed, for several unsupervised criteria:

- ``score``: the estimator's own criterion (``restart_scores_``, lower is better);
- ``term:<name>``: one eval-mode loss term alone (lower is better);
- ``agreement``: the restart whose labels agree most with the other restarts (mean ARI);
- ``vote-all`` / ``vote-top3``: consensus vote over all restarts / the 3 best by ``score``;
- ``nearest-vote``: the restart whose labels agree most (ARI) with the vote of all;
- ``oracle``: the best restart by ACC (labels used; an upper bound, not a criterion).

Tuning seeds only (``harness.TUNING_SEEDS``); output goes outside ``benchmarks/results/``::

    OMP_NUM_THREADS=1 python benchmarks/tuning/restarts.py record ddc digits \\
        --set max_epochs=30 --restarts 8 --out benchmarks/tuning/results/ddc-digits-e30.jsonl
    python benchmarks/tuning/restarts.py select benchmarks/tuning/results/ddc-digits-*.jsonl
"""

from __future__ import annotations

import argparse
import ast
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import (  # noqa: E402
    TUNING_SEEDS,
    Method,
    Trace,
    environment,
    load_protocol_dataset,
    preprocess,
    subsample,
)

from skdeepclust._net import evaluation_order  # noqa: E402
from skdeepclust.callbacks import EvalLossCheckpoint  # noqa: E402
from skdeepclust.ensemble import consensus_vote  # noqa: E402
from skdeepclust.metrics import clustering_accuracy  # noqa: E402
from skdeepclust.utils._device import resolve_device  # noqa: E402
from skdeepclust.utils._random import restart_seeds  # noqa: E402


def _value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _pytorch_init() -> None:
    # DDC has no initialisation parameter: replace its He initialiser in this process.
    import skdeepclust.nn.ddc
    import skdeepclust.nn.encoders

    skdeepclust.nn.ddc.he_init = skdeepclust.nn.encoders.he_init = lambda module: None


def _no_cm_pretraining() -> None:
    # AE-CM^p without the authors' stage 3 (the CM alone on the frozen codes).
    from skdeepclust import AECM

    AECM._pretrain_cm = lambda self, net, X, seed: None


def _acedec_frozen(*names: str):
    # ACeDeC's clustering phase with some parameters at learning rate 0 (kept at their
    # initial values), to see which moves the partition away from its start.
    def probe() -> None:
        from skdeepclust import ACeDeC

        original, train_rotation = ACeDeC._net_params, ACeDeC._train_rotation

        def frozen(self):
            return {"optimizer__param_groups": [
                ("beta_logits", {"lr": 0.0 if "beta" in names else self.lr * 10}),
                *[(name, {"lr": 0.0}) for name in names if name != "beta"],
            ]}

        def initial_phase(self, net, X, seed):  # the init phase keeps its own settings
            ACeDeC._net_params = original
            try:
                train_rotation(self, net, X, seed)
            finally:
                ACeDeC._net_params = frozen

        ACeDeC._net_params, ACeDeC._train_rotation = frozen, initial_phase
    return probe


def _acedec_ema_centroids() -> None:
    # ACeDeC's centroids as exponential moving averages (ClustPy's update: count
    # m <- (m + n_k) / 2, rate 1 / (1 + m)) instead of cumulative running means, which all but
    # freeze once the counts are large.
    import torch

    import skdeepclust.nn.acedec

    @torch.no_grad()
    def ema_update(centers, counts, z, labels):
        k = centers.shape[0]
        z = z.to(centers.dtype)
        n_k = torch.bincount(labels, minlength=k).to(counts.dtype)
        sums = torch.zeros_like(centers).index_add_(0, labels, z)
        means = sums / n_k.clamp(min=1)[:, None]
        new_counts = 0.5 * counts.clamp(max=1e6) + 0.5 * n_k
        rate = (1.0 / (1.0 + new_counts))[:, None]
        new_centers = torch.where((n_k > 0)[:, None], (1 - rate) * centers + rate * means,
                                  centers)
        return new_centers, new_counts

    skdeepclust.nn.acedec.running_mean_update = ema_update


def _acedec_denoising() -> None:
    # ACeDeC's clustering phase with the pretraining's input noise (std 0.2) on every training
    # forward pass: the reconstruction stays that of a denoising autoencoder.
    import torch

    from skdeepclust.nn.acedec import ACeDeCNetwork

    forward = ACeDeCNetwork.forward

    def noisy_forward(self, x):
        if self.training and torch.is_grad_enabled():
            x = x + 0.2 * torch.randn_like(x)
        return forward(self, x)

    ACeDeCNetwork.forward = noisy_forward


def _acedec_scaled_terms(factor: float):
    # ACeDeC's cluster and shared terms times ``factor`` (ClustPy halves them: it divides by
    # the number of spaces).
    def probe() -> None:
        from skdeepclust.nn.acedec import ACeDeCObjective

        forward = ACeDeCObjective.forward

        def scaled(self, *args, **kwargs):
            terms = forward(self, *args, **kwargs)
            return {**terms, "cluster": factor * terms["cluster"],
                    "shared": factor * terms["shared"]}

        ACeDeCObjective.forward = scaled
    return probe


def _acedec_scale_free() -> None:
    # ACeDeC's cluster and shared terms times s.detach() / s, s the batch's total variance of
    # the rotated embedding: the same values, but no gradient along a rescaling of the
    # embedding (shrinking it lowers both terms without changing the clustering).
    from skdeepclust.nn.acedec import ACeDeCObjective

    forward = ACeDeCObjective.forward

    def scale_free(self, outputs, *args, **kwargs):
        terms = forward(self, outputs, *args, **kwargs)
        rotated = outputs[1]
        scale = ((rotated - rotated.mean(0)) ** 2).sum(1).mean()
        factor = scale.detach() / scale
        return {**terms, "cluster": terms["cluster"] * factor,
                "shared": terms["shared"] * factor}

    ACeDeCObjective.forward = scale_free


#: Changes that no parameter reaches, applied to this process by ``--probe``.
PROBES = {"pytorch-init": _pytorch_init, "no-cm-pretraining": _no_cm_pretraining,
          "acedec-fixed-beta": _acedec_frozen("beta"),
          "acedec-fixed-rotation": _acedec_frozen("V"),
          "acedec-fixed-encoder": _acedec_frozen("autoencoder.encoder*"),
          "acedec-ema-centroids": _acedec_ema_centroids,
          "acedec-denoising": _acedec_denoising,
          "acedec-half-terms": _acedec_scaled_terms(0.5),
          "acedec-tenth-terms": _acedec_scaled_terms(0.1),
          "acedec-scale-free": _acedec_scale_free}


def record(args) -> None:
    for probe in args.probe:
        PROBES[probe]()
    data = preprocess(subsample(load_protocol_dataset(args.dataset), args.subsample),
                      args.preprocessing)
    params = dict(item.split("=", 1) for item in args.set)
    params = {k: _value(v) for k, v in params.items()}
    method = Method(args.method, args.factory, params)
    seeds = TUNING_SEEDS if args.seeds == "tuning" else [int(s) for s in args.seeds.split(",")]
    if set(seeds) - set(TUNING_SEEDS):
        raise SystemExit("record is for tuning seeds only")
    env = environment()
    command = "python " + " ".join(map(shlex.quote, sys.argv))
    for seed in seeds:
        estimator = method.build(data, seed, args.device)
        X = data.X_flat if method.flat_input else data.X
        callbacks = []
        if args.checkpoint:
            callbacks.append(("checkpoint", EvalLossCheckpoint(every=args.checkpoint)))
        if args.trace:
            callbacks.append(("trace", Trace(X, data.y, args.trace)))
        if callbacks:
            estimator.set_params(callbacks=callbacks)
        estimator._validate_params()
        X = estimator._validate_fit_input(X)
        estimator._check_params_vs_input(X)
        device = resolve_device(estimator.device)
        all_seeds = restart_seeds(seed, args.first_restart + args.restarts)
        for i, restart_seed in enumerate(all_seeds[args.first_restart:], args.first_restart):
            start = time.perf_counter()
            net, score, labels = estimator._fit_restart(X, restart_seed, device)
            seconds = time.perf_counter() - start
            terms = (net.evaluate_terms(X, order=evaluation_order(len(X)))
                     if hasattr(net, "evaluate_terms") else {})
            row = {
                "label": args.label or args.method, "method": args.method,
                "dataset": data.name, "seed": seed, "restart": i, "score": score,
                "acc": clustering_accuracy(data.y, labels),
                "nmi": normalized_mutual_info_score(data.y, labels),
                "terms": terms, "epochs": len(net.history), "time": seconds,
                "trace": [h["trace"] for h in net.history if "trace" in h],
                "trace_start": next((h["trace_start"] for h in net.history
                                     if "trace_start" in h), None),
                "labels": labels.tolist(), "y": None if i else data.y.tolist(),
                "params": {k: repr(v) for k, v in params.items()}, "probes": args.probe,
                "checkpoint": args.checkpoint,
                "command": command, **env,
            }
            with open(args.out, "a") as f:
                f.write(json.dumps(row) + "\n")
            print(f"{row['label']} seed {seed} restart {i}: ACC {row['acc']:.3f} "
                  f"score {score:.4f} {seconds:.1f} s", flush=True)


def _choose(criterion: str, rows: list[dict]) -> np.ndarray:
    labels = np.array([r["labels"] for r in rows])
    scores = np.array([r["score"] for r in rows])
    if criterion == "score":
        return labels[np.argmin(scores)]
    if criterion.startswith("term:"):
        name = criterion.removeprefix("term:")
        return labels[np.argmin([r["terms"][name] for r in rows])]
    if criterion == "agreement":
        ari = np.array([[adjusted_rand_score(a, b) for b in labels] for a in labels])
        return labels[np.argmax(ari.sum(1))]
    if criterion == "vote-all":
        return consensus_vote(labels, scores, top=None)
    if criterion == "nearest-vote":
        vote = consensus_vote(labels, scores, top=None)
        return labels[np.argmax([adjusted_rand_score(vote, lab) for lab in labels])]
    if criterion == "vote-top3":
        return consensus_vote(labels, scores, top=3)
    raise ValueError(criterion)


def select(args) -> None:
    rows = [json.loads(line) for path in args.files for line in open(path) if line.strip()]
    y = {(r["dataset"], r["seed"]): np.array(r["y"]) for r in rows if r["y"] is not None}
    groups: dict[str, dict[int, list[dict]]] = {}
    for r in rows:
        groups.setdefault(r["label"], {}).setdefault(r["seed"], []).append(r)
    term_names = sorted({k for r in rows for k in r["terms"] if k != "total"})
    criteria = ["score", *[f"term:{t}" for t in term_names], "agreement", "nearest-vote",
                "vote-all", "vote-top3", "oracle"]
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"| config | R | seeds | single ACC | {' | '.join(criteria)} | s/restart |")
    print("|" + " --- |" * (len(criteria) + 5))
    for label, by_seed in groups.items():
        for size in sizes:
            results = {c: [] for c in criteria}
            n_seeds = 0
            for seed, seed_rows in sorted(by_seed.items()):
                seed_rows = sorted(seed_rows, key=lambda r: r["restart"])[:size]
                if len(seed_rows) < size:
                    continue
                n_seeds += 1
                truth = y[(seed_rows[0]["dataset"], seed)]
                for c in criteria:
                    if c == "oracle":
                        results[c].append(max(r["acc"] for r in seed_rows))
                    else:
                        results[c].append(clustering_accuracy(truth, _choose(c, seed_rows)))
            if not n_seeds:
                continue
            single = np.mean([r["acc"] for rs in by_seed.values() for r in rs])
            seconds = np.mean([r["time"] for rs in by_seed.values() for r in rs])
            cells = [f"{np.mean(results[c]):.3f}" for c in criteria]
            print(f"| {label} | {size} | {n_seeds} | {single:.3f} | {' | '.join(cells)} | "
                  f"{seconds:.1f} |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("factory", help="a key of the main job's method table or preset:<name>")
    rec.add_argument("dataset")
    rec.add_argument("--method", default=None, help="label (default: the factory)")
    rec.add_argument("--label", default=None, help="config label in the select table")
    rec.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    rec.add_argument("--seeds", default="tuning")
    rec.add_argument("--restarts", type=int, default=8)
    rec.add_argument("--first-restart", type=int, default=0,
                     help="skip this many restarts (to extend an earlier record)")
    rec.add_argument("--trace", type=int, default=0, help="ACC trace interval (epochs)")
    rec.add_argument("--checkpoint", type=int, default=0,
                     help="add EvalLossCheckpoint(every=N) (the authors' checkpoint rule)")
    rec.add_argument("--subsample", type=int, default=None)
    rec.add_argument("--preprocessing", default=None)
    rec.add_argument("--device", default="auto")
    rec.add_argument("--probe", action="append", default=[], choices=sorted(PROBES))
    rec.add_argument("--out", type=Path, required=True)
    sel = sub.add_parser("select")
    sel.add_argument("files", nargs="+", type=Path)
    sel.add_argument("--sizes", default="4,8")
    args = parser.parse_args(argv)
    if args.command == "record":
        args.method = args.method or args.factory
        if Path(args.out).resolve().is_relative_to(Path(__file__).resolve().parents[1] / "results"):
            raise SystemExit("tuning rows must not go to benchmarks/results/")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        record(args)
    else:
        select(args)


if __name__ == "__main__":
    main()
