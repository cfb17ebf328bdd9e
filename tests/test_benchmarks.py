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
        assert protocol.kind in ("defaults", "paper", "control", "investigation")
        assert (protocol.kind == "investigation") == (protocol.doc is not None)
        for method in protocol.methods:
            if method.missing_requirement:
                continue  # an optional package is absent: run_protocol skips it the same way
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


# ------------------------------------------------------------------------------ time series


def test_z_normalise_scales_each_channel_of_each_series():
    rng = np.random.RandomState(0)
    series = np.column_stack([5 + 3 * rng.randn(40), np.full(40, 7.0)])
    z = harness.z_normalise(series)
    assert z.dtype == np.float32
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(z.std(axis=0), [1, 0], atol=1e-6)  # a constant is only centred


def test_resample_keeps_the_span_and_interpolates_linearly():
    series = np.column_stack([np.arange(5.0), 10 * np.arange(5.0)])
    out = harness.resample(series, 9)
    assert out.shape == (9, 2)
    np.testing.assert_allclose(out[:, 0], np.linspace(0, 4, 9))
    np.testing.assert_allclose(out[[0, -1], 1], [0, 40])


def test_series_dataset_views_of_variable_length_series():
    rng = np.random.RandomState(0)
    X = [rng.randn(n, 2).astype(np.float32) for n in (4, 7, 5)]
    data = harness.SeriesDataset("toy", X, np.array([0, 1, 0]))
    assert data.variable_length and list(data.lengths) == [4, 7, 5]
    assert data.X_equal.shape == (3, 7, 2) and data.X_flat.shape == (3, 14)
    np.testing.assert_allclose(data.X_equal[1], X[1])  # the longest is unchanged
    padded = data.X_padded
    assert padded.shape == (3, 7, 2)
    for x, row in zip(X, padded, strict=True):
        np.testing.assert_array_equal(row[: len(x)], x)
        assert np.isnan(row[len(x):]).all()
    equal = harness.SeriesDataset("toy", np.stack([X[0], X[0]]), np.array([0, 1]))
    assert equal.X_equal is equal.X and equal.X_padded is equal.X
    assert equal.X_flat.shape == (2, 8)


class _FakeTimeSeriesKMeans(harness.BaseEstimator):
    def __init__(self, metric="euclidean"):
        self.metric = metric


def test_each_baseline_gets_the_view_it_can_read():
    X = [np.ones((n, 1), np.float32) for n in (3, 5)]
    data = harness.SeriesDataset("toy", X, np.array([0, 1]))
    ts_kmeans = Method("TSK", "ts_kmeans")
    assert ts_kmeans.input_for(data, _FakeTimeSeriesKMeans("euclidean")).shape == (2, 5, 1)
    assert np.isnan(ts_kmeans.input_for(data, _FakeTimeSeriesKMeans("dtw"))).any()
    assert Method("KMeans", "kmeans").input_for(data, None).shape == (2, 5)
    assert Method("RDDC", "preset:rddc").input_for(data, None) is X


def test_a_method_whose_package_is_missing_is_skipped_with_a_message(results_dir, monkeypatch):
    monkeypatch.setitem(harness.REQUIRES, "kmeans", "no_such_package_for_this_test")
    messages = []
    rows = harness.run_protocol(
        Protocol(name="tiny", title="t", dataset="iris", methods=(Method("KMeans", "kmeans"),)),
        [100], log=messages.append)
    assert rows == []
    assert "skipped" in messages[0] and "no_such_package_for_this_test" in messages[0]


def test_series_protocols_compare_the_recurrent_presets_with_the_baselines():
    series = [p for p in PROTOCOLS.values() if p.dataset in harness.SERIES_SETS]
    assert len(series) >= 4
    assert any(harness.SERIES_SETS[p.dataset][0] == "aeon" and "cropped" in p.dataset
               for p in series)
    for protocol in series:
        assert protocol.n_seeds == 5
        factories = {m.factory for m in protocol.methods}
        assert factories == {"kmeans", "ts_kmeans", "preset:rddc", "preset:rdtkc"}
        metrics = {m.params.get("metric") for m in protocol.methods if m.factory == "ts_kmeans"}
        assert metrics == {"euclidean", "dtw"}


def _series_or_skip(name: str) -> harness.SeriesDataset:
    pytest.importorskip(harness.SERIES_SETS[name][0])
    return harness.load_series(name)


def _assert_z_normalised(series: np.ndarray) -> None:
    np.testing.assert_allclose(series.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(series.std(axis=0), 1, atol=1e-3)


@pytest.mark.parametrize("name, shape, k", [
    ("basicmotions", (80, 100, 6), 4), ("gunpoint", (200, 150, 1), 2),
    ("arrowhead", (211, 251, 1), 3), ("trace", (200, 275, 1), 4),
])
def test_series_sets_of_one_length(name, shape, k):
    data = _series_or_skip(name)
    assert isinstance(data.X, np.ndarray) and data.X.dtype == np.float32
    assert data.X.shape == shape and data.X_flat.shape == (shape[0], shape[1] * shape[2])
    assert data.y.dtype == np.int64 and set(data.y) == set(range(k)) and data.n_clusters == k
    for series in data.X[:: max(1, len(data.X) // 10)]:
        _assert_z_normalised(series)


def test_cropped_basicmotions_is_a_list_of_normalised_prefixes():
    data = _series_or_skip("basicmotions_cropped")
    full = harness._read_aeon("BasicMotions")[0]
    assert isinstance(data.X, list) and len(data.X) == 80 and data.n_clusters == 4
    assert data.lengths.min() >= 50 and data.lengths.max() <= 100
    assert len(set(data.lengths)) > 10  # really of different lengths
    for raw, series in zip(full, data.X, strict=True):
        assert series.shape == (len(series), 6) and series.dtype == np.float32
        np.testing.assert_allclose(series, harness.z_normalise(raw[: len(series)]), atol=1e-6)
        _assert_z_normalised(series)
    # The crop is fixed: the same lengths on every load.
    assert list(harness.load_series("basicmotions_cropped").lengths) == list(data.lengths)
    assert data.X_equal.shape == (80, 100, 6) and data.X_padded.shape == (80, 100, 6)


def test_japanese_vowels_is_a_list_of_series_of_different_lengths():
    data = _series_or_skip("japanesevowels")
    assert isinstance(data.X, list) and len(data.X) == 640 and data.n_clusters == 9
    assert data.lengths.min() == 7 and data.lengths.max() == 29
    assert all(series.shape[1] == 12 for series in data.X)
    _assert_z_normalised(data.X[0])


def test_series_protocols_share_one_table_with_a_data_column():
    def protocol(name):
        return Protocol(name=f"{name.lower()}-series", title=f"{name} (x): y", dataset="iris",
                        notes="All series have one length: KMeans gets them flattened. Shared.",
                        methods=(Method("KMeans", "kmeans"),))

    row = {"method": "KMeans", "acc": 0.5, "nmi": 0.1, "ari": 0.0, "fit_time": 1.0,
           "commit": "abc", "dirty": False, "date": "2026-12-03", "machine": "m",
           "command": "c"}
    lines = report.series_section([(protocol("Trace"), [row]), (protocol("GunPoint"), [row])])
    assert lines[2] == "Shared."
    assert [line.split(" | ")[0] for line in lines if line.startswith("| Trace")
            or line.startswith("| GunPoint")] == ["| Trace", "| GunPoint"]
