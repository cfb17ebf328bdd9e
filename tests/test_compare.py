import numpy as np
import pytest

from skdeepclust.__main__ import main
from skdeepclust._compare import (
    Dataset,
    format_table,
    load_dataset,
    run_comparison,
    summarize,
)


def test_load_dataset_prepares_the_bundled_sets():
    digits = load_dataset("digits")
    assert digits.X.shape == (1797, 64) and digits.X.max() == 1.0 and digits.n_clusters == 10
    iris = load_dataset("iris")
    np.testing.assert_allclose(iris.X.mean(axis=0), 0.0, atol=1e-6)
    with pytest.raises(ValueError, match="Unknown dataset"):
        load_dataset("nope")


def test_run_comparison_scores_each_method_and_seed():
    data = load_dataset("iris")
    rows = run_comparison(data, ["kmeans", "cm"], [0, 1], device="cpu",
                          overrides={"cm": {"max_epochs": 5}})
    assert [(r["method"], r["seed"]) for r in rows] == [
        ("kmeans", 0), ("kmeans", 1), ("cm", 0), ("cm", 1)]
    for row in rows:
        assert 0.0 <= row["nmi"] <= 1.0 and 1 / 3 <= row["acc"] <= 1.0 and row["fit_time"] > 0
    assert rows[0]["n_cluster_dims"] is None
    # KMeans on standardised iris is a well-known ~0.83 accuracy.
    assert rows[0]["acc"] > 0.8
    summary = summarize(rows)
    assert [e["method"] for e in summary] == ["kmeans", "cm"]
    assert summary[0]["n_seeds"] == 2
    assert "kmeans" in format_table(summary)


def test_run_comparison_records_model_diagnostics():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(40, 4) + 6 * i for i in range(2)]).astype(np.float32)
    data = Dataset("blobs", X, np.repeat([0, 1], 40))
    (row,) = run_comparison(data, ["acedec"], [0], device="cpu",
                            overrides={"acedec": {"pretrain_epochs": 2, "max_epochs": 2}})
    assert 1 <= row["n_cluster_dims"] <= 4


def test_run_comparison_rejects_unknown_methods():
    with pytest.raises(ValueError, match="Unknown method"):
        run_comparison(load_dataset("iris"), ["kmeans", "nope"], [0])


def test_main_prints_the_table(capsys):
    assert main(["--dataset", "iris", "--methods", "kmeans,gmm", "--seeds", "2"]) == 0
    out = capsys.readouterr().out
    assert "iris: 150 samples, 3 clusters" in out and "gmm" in out
    with pytest.raises(SystemExit):
        main(["--methods", "nope"])
