"""Every benchmark protocol, as data.

``defaults`` protocols measure the package as a user gets it (RESULTS.md's main tables);
``paper`` protocols run a paper's configuration through :mod:`skdeepclust.presets`;
``control`` protocols isolate one factor behind a claim. Add a protocol here, run it with
``python benchmarks/run.py run NAME``, and regenerate RESULTS.md with
``python benchmarks/run.py report``.
"""

from __future__ import annotations

from harness import Method, Protocol

PROTOCOLS: dict[str, Protocol] = {}


def add(protocol: Protocol) -> Protocol:
    if protocol.name in PROTOCOLS:
        raise ValueError(f"duplicate protocol {protocol.name!r}")
    PROTOCOLS[protocol.name] = protocol
    return protocol


# ---------------------------------------------------------------------------------- AE-CM paper

add(Protocol(
    name="aecm-fashion-paper",
    title="AE-CM^r on the full Fashion-MNIST (AE-CM paper, Table 5)",
    dataset="fashion_mnist",
    kind="paper",
    methods=(Method("AE-CM^r", "preset:aecm", {"dataset": "fashion_mnist"}),),
    n_seeds=2,
    trace_every=10,
    reference={"AE-CM^r": "paper Table 5: ACC 0.592, NMI 0.556, ARI 0.437 (mean of 20 runs)"},
    notes="All 70 000 images in [0, 1], the appendix's 150 epochs with Table 13's "
          "alpha=13, beta=47, lambda=1, B=175, p=10, Adam(1e-3, eps=1e-3), one run per seed "
          "(the paper averages 20 single runs). The trace records ACC every 10 epochs.",
))
