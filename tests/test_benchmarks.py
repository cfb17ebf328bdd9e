"""The benchmark harness: protocol runs write complete rows; the report shows current rows only."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import harness  # noqa: E402
import report  # noqa: E402
from harness import REPORTING_SEEDS, TUNING_SEEDS, Method, Protocol  # noqa: E402
from protocols import PROTOCOLS  # noqa: E402

TINY = Protocol(
    name="tiny-iris", title="iris, tiny", dataset="iris",
    methods=(Method("KMeans", "kmeans"),
             Method("CM", "cm", {"n_init": 3, "max_epochs": 2})),
    n_seeds=2, trace_every=1,
)


@pytest.fixture
def results_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(harness, "RESULTS_DIR", tmp_path)
    return tmp_path


def test_seed_sets_are_disjoint():
    assert not set(TUNING_SEEDS) & set(REPORTING_SEEDS)


def test_every_protocol_builds_its_estimators():
    data = harness.Dataset("fake", np.zeros((20, 1, 28, 28), np.float32), np.arange(20) % 4)
    for protocol in PROTOCOLS.values():
        assert protocol.kind in ("defaults", "paper", "control")
        for method in protocol.methods:
            estimator = method.build(data, REPORTING_SEEDS[0], "cpu")
            assert estimator.get_params()["random_state"] == REPORTING_SEEDS[0]


def test_run_writes_one_complete_row_per_method_and_seed(results_dir):
    rows = harness.run_protocol(TINY, [100, 101], log=lambda _: None)
    lines = [json.loads(line) for line in (results_dir / "tiny-iris.jsonl").open()]
    assert lines == rows and len(rows) == 4
    for row in rows:
        for key in ("acc", "nmi", "ari", "fit_time", "params", "command", "commit", "machine",
                    "date", "versions"):
            assert key in row, key
        assert 0 <= row["acc"] <= 1
    cm = [r for r in rows if r["method"] == "CM"]
    assert len(cm[0]["restart_ari"]) == 3
    assert [t["epoch"] for t in cm[0]["trace"]] == [1, 2]
    assert cm[0]["trace_start"]["epoch"] == 0 and 0 <= cm[0]["trace_start"]["acc"] <= 1


def test_report_keeps_current_reporting_rows_only(results_dir, monkeypatch):
    harness.run_protocol(TINY, [100, 1], log=lambda _: None)
    path = results_dir / "tiny-iris.jsonl"
    rows = [json.loads(line) for line in path.open()]
    stale = dict(rows[-1], seed=101, params={**rows[-1]["params"], "max_epochs": "99"})
    with path.open("a") as f:
        f.write(json.dumps(stale) + "\n")
    shown, n_stale = report.current_rows(TINY, {})
    assert {(r["method"], r["seed"]) for r in shown} == {("KMeans", 100), ("CM", 100)}
    assert n_stale == 1  # seed 1 is a tuning seed: never shown, not counted as stale
    text = "\n".join(report.section(TINY, shown))
    assert "| KMeans |" in text and "Run selection" not in text


def test_parameters_added_later_count_with_their_old_behaviour(results_dir, monkeypatch):
    harness.run_protocol(TINY, [100], log=lambda _: None)
    path = results_dir / "tiny-iris.jsonl"
    rows = [json.loads(line) for line in path.open()]
    cm = next(r for r in rows if r["method"] == "CM")
    # Today CM has a parameter the row lacks: current only with the recorded old value.
    today = report._expected_params
    for value, current in (("'old'", True), ("'new'", False)):
        monkeypatch.setattr(report, "ADDED_LATER", {"added": "'old'"})
        monkeypatch.setattr(report, "_expected_params", lambda p, c, v=value: {
            label: ({**params, "added": v} if label == "CM" else params)
            for label, params in today(p, c).items()})
        shown, _ = report.current_rows(TINY, {})
        shown_keys = {(r["method"], r["seed"]) for r in shown}
        assert ((cm["method"], 100) in shown_keys) is current


def test_selection_and_rofm_tables():
    rows = [{"method": "A", "dataset": "iris", "acc": 0.7, "ari": 0.5,
             "restart_ari": [0.2, 0.5, 0.6], "trace": [
        {"epoch": e, "acc": 0.5 + 0.01 * e, "aux": 1.0 - 0.02 * e + 0.001 * e * e}
        for e in range(1, 21)]}]
    protocol = Protocol(name="x", title="x", dataset="iris", methods=(Method("A", "cm"),))
    table = report.selection_table([(protocol, rows)])
    assert table[-1].startswith("| iris | A | 1 × 3 | 0.700 | 0.500 | 0.433 | 0.600 | 1 of 1 |")
    rofm = report.rofm_table(protocol, rows)
    assert rofm[-1].startswith("| A | 20 |")


def test_trace_table_starts_at_the_initial_partition_and_counts_runs_that_kept_it():
    def row(acc, nmi, start_acc, start_nmi):
        return {"method": "A", "acc": acc, "nmi": nmi,
                "trace": [{"epoch": 5, "acc": acc}, {"epoch": 10, "acc": acc}],
                "trace_start": {"epoch": 0, "acc": start_acc, "nmi": start_nmi}}

    protocol = Protocol(name="x", title="x", dataset="iris",
                        methods=(Method("KMeans", "kmeans"), Method("A", "cm")))
    rows = [row(0.6, 0.5, 0.5, 0.4), row(0.5, 0.5, 0.6, 0.4),
            {"method": "KMeans", "acc": 0.4, "nmi": 0.3}]
    table = report.trace_table(protocol, rows)
    assert "| epoch | 0 | 5 | 10 |" in table
    assert "| A | 0.550 | 0.550 | 0.550 |" in table
    assert table[-1] == "| A | 1 of 2 | 2 of 2 |"
