"""The one entry point of the benchmarks.

Examples::

    python benchmarks/run.py list                          # protocols and their result counts
    python benchmarks/run.py run digits-defaults           # reporting seeds (the default)
    python benchmarks/run.py run digits-defaults --seeds tuning --methods DDC
    python benchmarks/run.py run aecm-fashion-paper --n-seeds 2 --device cuda
    python benchmarks/run.py report                        # regenerate RESULTS.md
    python benchmarks/run.py timing epoch_time --dataset mnist5k   # a timing script

Quality protocols live in ``protocols.py``; the timing measurements (per-epoch overhead
against a bare PyTorch loop, the companion-objective step, ClustPy side by side) are the
scripts in ``timing/``, run through the same entry point.

Results are appended to ``benchmarks/results/<protocol>.jsonl`` (``--out`` to write
elsewhere, e.g. for tuning runs that must not be reported). Set ``OMP_NUM_THREADS`` to fix the
number of CPU threads; it is recorded with each row.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
TIMING = Path(__file__).resolve().parent / "timing"

from harness import SEED_SETS, read_results, result_path, run_protocol  # noqa: E402
from protocols import PROTOCOLS  # noqa: E402


def parse_seeds(text: str, n_seeds: int) -> list[int]:
    """``"reporting"``/``"tuning"`` (the first ``n_seeds`` of the set) or ``"100,101"``."""
    if text in SEED_SETS:
        return list(SEED_SETS[text][:n_seeds])
    return [int(s) for s in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the protocols")
    run = sub.add_parser("run", help="run a protocol")
    run.add_argument("protocol", choices=sorted(PROTOCOLS))
    run.add_argument("--seeds", default="reporting",
                     help="'reporting' (default), 'tuning', or a comma-separated list")
    run.add_argument("--n-seeds", type=int, default=None,
                     help="how many seeds of the set (default: the protocol's)")
    run.add_argument("--methods", default=None, help="comma-separated method labels")
    run.add_argument("--device", default="auto")
    run.add_argument("--out", type=Path, default=None,
                     help="result file (default benchmarks/results/<protocol>.jsonl)")
    report = sub.add_parser("report", help="write RESULTS.md from the result files")
    report.add_argument("--out", type=Path, default=None)
    timing = sub.add_parser("timing", help="run a timing script of benchmarks/timing/")
    timing.add_argument("script", choices=sorted(p.stem for p in TIMING.glob("[!_]*.py")))
    timing.add_argument("args", nargs=argparse.REMAINDER,
                        help="the script's own arguments (see its --help)")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name, protocol in sorted(PROTOCOLS.items()):
            n = len(read_results(result_path(protocol)))
            print(f"{name:<32} {protocol.kind:<9} {n:>4} rows  {protocol.title}")
        return 0
    if args.command == "run":
        protocol = PROTOCOLS[args.protocol]
        seeds = parse_seeds(args.seeds, args.n_seeds or protocol.n_seeds)
        if args.seeds == "tuning" and args.out is None:
            parser.error("tuning runs are not reported: give --out outside benchmarks/results")
        labels = args.methods.split(",") if args.methods else None
        run_protocol(protocol, seeds, labels, device=args.device, out=args.out)
        return 0
    if args.command == "timing":
        sys.path.insert(0, str(TIMING))
        sys.argv = [str(TIMING / f"{args.script}.py"), *args.args]
        runpy.run_path(sys.argv[0], run_name="__main__")
        return 0
    from report import write_report

    write_report(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
