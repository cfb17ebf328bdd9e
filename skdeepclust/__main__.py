"""``python -m skdeepclust``: compare the deep clusterers with KMeans and GaussianMixture."""

from __future__ import annotations

import argparse
import sys

from skdeepclust._compare import (
    DATASETS,
    METHODS,
    format_table,
    load_dataset,
    run_comparison,
    summarize,
)

#: The default comparison: the two classical baselines and the package's flagship (DDC) next
#: to the two deep methods that are its strongest on the bundled sets (DEC, DCN); a few
#: minutes on a 2-core CPU for digits.
DEFAULT_METHODS = ("kmeans", "gmm", "ddc", "dec", "dcn")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="skdeepclust",
        description="Cluster a bundled dataset with each method and print ACC/NMI/ARI/fit time.",
    )
    parser.add_argument("--dataset", default="digits", choices=DATASETS)
    parser.add_argument(
        "--methods", default=",".join(DEFAULT_METHODS),
        help=f"comma-separated, from: {','.join(sorted(METHODS))} (default: %(default)s)",
    )
    parser.add_argument("--seeds", type=int, default=1, help="number of seeds (0, 1, ...)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    args = parser.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        parser.error(f"unknown method(s) {unknown}; choose from {sorted(METHODS)}")
    try:
        data = load_dataset(args.dataset)
    except (ImportError, OSError) as exc:
        parser.exit(2, f"skdeepclust: cannot load {args.dataset}: {exc}\n")
    print(f"{data.name}: {data.X.shape[0]} samples, {data.n_clusters} clusters, "
          f"{data.X_flat.shape[1]} features, seeds 0..{args.seeds - 1}", flush=True)
    rows = run_comparison(data, methods, list(range(args.seeds)), device=args.device)
    print(format_table(summarize(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
