"""The paper presets: each builds, fits on tiny data, and carries the papers' values."""

import warnings

import numpy as np
import pytest
import torch

from skdeepclust import AECM, DCN, DDC, DEC, IDEC, ACeDeC, ClusteringModule, presets

# The papers' values, written out from the papers (and the authors' code where a paper is
# silent) independently of the preset code, so that a changed preset fails here.
PAPER_VALUES = {
    ("ddc", ()): (DDC, {
        "encoder": "lenet", "lr": 1e-3, "batch_size": 100, "n_init": 20, "max_epochs": 100,
        "rel_sigma": 0.0225, "orthogonality": "sum", "cs_normalization": "clusters",
        "term_weights": (1.0, 1.0, 1.0), "uco_kernel": None, "weight_init": "he", "vote": 1,
    }),
    ("ddc", ("vector",)): (DDC, {
        "encoder": "mlp", "hidden_dims": (200, 200), "n_hidden": 500, "lr": 1e-5,
        "batch_size": 100,
    }),
    ("dtkc", ()): (DDC, {
        "encoder": "cnn", "encoder__first_block_pooled": True, "uco_kernel": "tensor",
        "uco_weight": 0.01, "rel_sigma": 0.075, "orthogonality": "sum",
        "cs_normalization": "pairs", "batch_size": 120, "lr": 1e-4, "max_epochs": 100,
        "patience": 30, "n_init": 20, "clip_grad_norm": 10.0, "weight_init": "he", "vote": 1,
    }),
    ("ddc_uco", ()): (DDC, {
        "encoder": "cnn", "uco_kernel": "tensor", "uco_weight": 0.01, "rel_sigma": 0.15,
        "orthogonality": "mean", "lr": 1e-4, "batch_size": 120, "max_epochs": 200,
        "n_init": 20, "clip_grad_norm": 10.0, "weight_init": "he", "vote": 1,
    }),
    ("ddc_uco", ("naive",)): (DDC, {"uco_kernel": "naive", "lr": 1e-4}),
    ("ddc_uco", (None,)): (DDC, {"uco_kernel": None, "lr": 1e-3}),
    ("ddc_ae", ()): (DDC, {"reconstruction_weight": 0.1, "lr": 1e-3, "uco_kernel": None,
                           "max_epochs": 200}),
    # DTKC paper, Appendix A: two-layer bidirectional GRU, 32 units per layer, DDC module;
    # the rest "as specified in Section V-A" (batch 120, Adam 1e-4, 100 epochs, patience 30,
    # 20 runs, 15 % of the median, lambda 0.01).
    ("rddc", ()): (DDC, {
        "encoder": "gru", "encoder__hidden_size": 32, "encoder__n_layers": 2,
        "encoder__bidirectional": True, "n_hidden": 100, "uco_kernel": None,
        "rel_sigma": 0.075, "orthogonality": "sum", "cs_normalization": "pairs",
        "batch_size": 120, "lr": 1e-4, "max_epochs": 100, "patience": 30, "n_init": 20,
        "clip_grad_norm": 10.0, "weight_init": "he", "vote": 1,
    }),
    ("rdtkc", ()): (DDC, {
        "encoder": "gru", "encoder__hidden_size": 32, "encoder__n_layers": 2,
        "encoder__bidirectional": True, "n_hidden": 100, "uco_kernel": "naive",
        "uco_weight": 0.01, "uco_weighting": "constant", "rel_sigma": 0.075,
        "orthogonality": "sum", "cs_normalization": "pairs", "batch_size": 120, "lr": 1e-4,
        "max_epochs": 100, "patience": 30, "n_init": 20, "clip_grad_norm": 10.0,
        "weight_init": "he", "vote": 1,
    }),
    ("cm", ("fashion_mnist",)): (ClusteringModule, {
        "alpha": 80.0, "batch_size": 35, "reduction": "sum", "lr": 1e-3,
        "optimizer__eps": 1e-3, "max_epochs": 150, "averaging_epoch": True,
    }),
    ("aecm", ("fashion_mnist",)): (AECM, {
        "alpha": 13.0, "beta": 47.0, "lam": 1.0, "batch_size": 175, "n_embed": 10,
        "hidden_dims": (500, 500, 2000), "negative_slope": 0.2, "reduction": "sum",
        "lr": 1e-3, "optimizer__eps": 1e-3, "max_epochs": 150, "init": "random",
    }),
    ("aecm", ("mnist",)): (AECM, {"alpha": 230.0, "beta": 5.0, "lam": 1.0,
                                  "batch_size": 500, "init": "random", "pretrain_epochs": 0}),
    ("aecm", ("fashion_mnist", ("init", "k-means"))): (AECM, {
        # The authors' SGD rate 0.01 on a loss summed over batches of 256 = 2.56 on the mean.
        "init": "k-means", "pretrain_epochs": 100, "pretrain_lr": 2.56,
        "pretrain_batch_size": 256, "pretrain_optimizer": torch.optim.SGD,
        "pretrain_optimizer__momentum": 0.0,
    }),
    ("dcn", ()): (DCN, {
        "hidden_dims": (500, 500, 2000), "n_embed": 10, "cluster_weight": 2.0,
        "pretrain_epochs": 250, "max_epochs": 50, "lr": 1e-4, "optimizer": torch.optim.SGD,
        "optimizer__momentum": 0.9, "batch_size": 256, "initial_count": 100,
    }),
    ("acedec", ()): (ACeDeC, {
        "hidden_dims": (500, 500, 2000), "n_embed": 10, "activation": "leaky_relu",
        "pretrain_epochs": 100, "pretrain_batch_size": 128, "max_epochs": 150, "lr": 1e-4,
        "balance": False, "init_epochs": 74, "cluster_weight": 1.0,
        "centroid_update": "running_mean",
    }),
    ("acedec", ("synth25",)): (ACeDeC, {"hidden_dims": (), "n_embed": 27}),
    ("dec", ()): (DEC, {
        "hidden_dims": (500, 500, 2000), "n_embed": 10, "pretrain_epochs": 300,
        "pretrain_lr": 1.0, "pretrain_optimizer": torch.optim.SGD, "lr": 0.01,
        "optimizer": torch.optim.SGD, "batch_size": 256, "tol": 1e-3, "max_epochs": 74,
        "embedding_scale": None,
    }),
    ("idec", ()): (IDEC, {"gamma": 0.1, "lr": 1e-3, "optimizer": torch.optim.Adam,
                          "pretrain_epochs": 300}),
    ("dec_conv", ()): (DEC, {
        "encoder": "cnn", "pretrain_epochs": 200, "max_epochs": 400, "update_interval": 140,
        "tol": 0.0, "lr": 1e-3, "clip_grad_norm": 10.0, "uco_kernel": None,
    }),
    ("dec_conv", ("tensor",)): (DEC, {"uco_kernel": "tensor", "uco_weight": 0.01,
                                      "lr": 1e-4}),
    ("dcec", ()): (IDEC, {"encoder": "cnn", "gamma": 0.1, "max_epochs": 400}),
}


@pytest.mark.parametrize("key", list(PAPER_VALUES), ids=lambda k: "-".join(map(str, k)))
def test_preset_has_paper_values(key):
    name, args = key
    cls, expected = PAPER_VALUES[key]
    # Arguments that are (name, value) pairs are keywords.
    keywords = dict(a for a in args if isinstance(a, tuple))
    model = presets.PRESETS[name](*(a for a in args if not isinstance(a, tuple)), **keywords)
    assert type(model) is cls
    params = model.get_params()
    for param, value in expected.items():
        assert params[param] == value, param


def test_every_preset_is_checked():
    assert {name for name, _ in PAPER_VALUES} == set(presets.PRESETS)


def test_dtkc_differs_from_ddc_uco_t_where_the_papers_differ():
    dtkc = presets.dtkc().get_params()
    uco = presets.ddc_uco("tensor").get_params()
    differ = {k for k in set(dtkc) | set(uco) if dtkc.get(k) != uco.get(k)}
    assert differ == {"encoder__first_block_pooled", "rel_sigma", "orthogonality",
                      "max_epochs", "patience"}


def test_rdtkc_differs_from_rddc_by_the_companion_objective_only():
    rddc = presets.rddc().get_params()
    rdtkc = presets.rdtkc().get_params()
    differ = {k for k in set(rddc) | set(rdtkc) if rddc.get(k) != rdtkc.get(k)}
    assert differ == {"uco_kernel"}
    assert rdtkc["uco_weight"] == 0.01 and rdtkc["uco_weighting"] == "constant"


def test_recurrent_presets_differ_from_dtkc_in_the_network_only():
    dtkc = presets.dtkc(uco_kernel="naive").get_params()
    rdtkc = presets.rdtkc().get_params()
    differ = {k for k in set(dtkc) | set(rdtkc) if dtkc.get(k) != rdtkc.get(k)}
    assert differ == {"encoder", "encoder__first_block_pooled", "encoder__hidden_size",
                      "encoder__n_layers", "encoder__bidirectional"}


def test_keywords_override_the_preset():
    model = presets.aecm("mnist", lr=0.1, n_init=3)
    assert model.lr == 0.1 and model.n_init == 3 and model.alpha == 230.0


@pytest.mark.parametrize("call", [lambda: presets.aecm("svhn"), lambda: presets.cm("svhn"),
                                  lambda: presets.ddc("text"), lambda: presets.acedec("x")])
def test_unknown_setting_is_a_clear_error(call):
    with pytest.raises(ValueError, match="choose from|must be"):
        call()


# Shrunk so that every preset fits in seconds; everything else stays the paper's.
FAST = {"max_epochs": 1, "n_init": 1}
FAST_PRETRAIN = {**FAST, "pretrain_epochs": 1}


@pytest.mark.parametrize("name, args, fast", [
    ("ddc", (), FAST), ("ddc", ("vector",), FAST), ("dtkc", (), FAST), ("ddc_uco", (), FAST),
    ("ddc_uco", ("naive",), FAST), ("ddc_ae", (), FAST), ("cm", ("mnist",), FAST),
    ("aecm", ("fashion_mnist",), FAST), ("aecm", ("mnist",), {**FAST_PRETRAIN,
                                                              "init": "k-means++"}),
    ("dcn", (), FAST_PRETRAIN), ("acedec", (), {**FAST_PRETRAIN, "init_epochs": 1}),
    ("dec", (), FAST_PRETRAIN), ("idec", (), FAST_PRETRAIN), ("dec_conv", ("tensor",),
                                                              FAST_PRETRAIN),
    ("dcec", (), FAST_PRETRAIN),
])
def test_preset_fits_tiny_images(name, args, fast):
    rng = np.random.RandomState(0)
    X = rng.rand(60, 1, 28, 28).astype(np.float32)
    model = presets.PRESETS[name](*args, n_clusters=3, random_state=0, **fast)
    model.set_params(batch_size=20)
    if "pretrain_batch_size" in model.get_params():
        model.set_params(pretrain_batch_size=20)
    with warnings.catch_warnings():
        # One epoch on noise may warn (empty clusters, no convergence); not the point here.
        warnings.simplefilter("ignore")
        labels = model.fit_predict(X)
    assert labels.shape == (60,)
    assert np.all(np.isfinite(model.transform(X)))



@pytest.mark.parametrize("name", ["rddc", "rdtkc"])
def test_recurrent_preset_fits_tiny_sequences_of_different_lengths(name):
    rng = np.random.RandomState(0)
    X = [rng.randn(rng.randint(10, 25), 3).astype(np.float32) for _ in range(40)]
    model = presets.PRESETS[name](n_clusters=3, random_state=0, batch_size=20, **FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = model.fit_predict(X)
    assert labels.shape == (40,)
    assert np.all(np.isfinite(model.transform(X)))
    assert model.net_.module_.encoder.gru.bidirectional
