"""The Autoencoder estimator, the clusterers' pretraining options, ``autoencoder=`` in the
clusterers, and the ``memory=`` cache. scikit-learn's checks of Autoencoder run in
test_common.py (its variants are in tests/registry.py)."""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import skdeepclust._autoencoder
from skdeepclust import AECM, DCN, DEC, IDEC, ACeDeC, Autoencoder

NET = dict(hidden_dims=(32,), n_embed=5)


@pytest.fixture(scope="module")
def digits():
    X = load_digits().data[:300]
    return MinMaxScaler().fit_transform(X).astype(np.float32)


@pytest.fixture
def count_pretraining(monkeypatch):
    """Count the calls of the shared pretraining function."""
    calls = []
    real = skdeepclust._autoencoder.pretrain_autoencoder

    def counting(*args, **kwargs):
        calls.append(kwargs.get("seed"))
        return real(*args, **kwargs)

    monkeypatch.setattr(skdeepclust._autoencoder, "pretrain_autoencoder", counting)
    return calls


def test_autoencoder_reconstructs_and_maps_back(digits):
    ae = Autoencoder(max_epochs=30, lr=3e-3, batch_size=32, random_state=0, **NET).fit(digits)
    Z = ae.transform(digits)
    assert Z.shape == (300, 5) and Z.dtype == np.float32
    assert ae.inverse_transform(Z).shape == digits.shape
    untrained = Autoencoder(max_epochs=1, lr=1e-5, batch_size=32, random_state=0, **NET)
    assert ae.score(digits) > untrained.fit(digits).score(digits)
    assert ae.score(digits) == pytest.approx(
        -np.mean((digits - ae.inverse_transform(Z)) ** 2), rel=1e-4)
    assert len(ae.net_.history) == ae.n_iter_ == 30
    with pytest.raises(ValueError, match="expects 5"):
        ae.inverse_transform(np.zeros((2, 4)))


def test_dec_with_a_fitted_autoencoder_equals_dec_pretraining_it(digits):
    # Same network, same pretraining settings (DEC clips gradients at 10), same seed.
    settings = dict(max_epochs=3, tol=0.0, random_state=0)
    own = DEC(n_clusters=10, pretrain_epochs=4, pretrain_noise=0.1, **NET, **settings)
    ae = Autoencoder(max_epochs=4, noise=0.1, clip_grad_norm=10.0, random_state=0, **NET)
    reused = DEC(n_clusters=10, autoencoder=ae.fit(digits), **settings)
    np.testing.assert_array_equal(own.fit(digits).labels_, reused.fit(digits).labels_)
    np.testing.assert_allclose(own.cluster_centers_, reused.cluster_centers_, rtol=1e-6)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("cls", [DEC, IDEC, DCN, ACeDeC, AECM])
def test_clusterers_fine_tune_a_copy_and_skip_pretraining(cls, digits, count_pretraining):
    ae = Autoencoder(max_epochs=2, random_state=0, **NET).fit(digits)
    before = {k: v.clone() for k, v in ae.module_.state_dict().items()}
    count_pretraining.clear()
    model = cls(n_clusters=4, autoencoder=ae, max_epochs=2, random_state=0).fit(digits)
    assert count_pretraining == []
    assert model.transform(digits).shape == (300, 5)
    # The given autoencoder is never trained further.
    for name, value in ae.module_.state_dict().items():
        torch.testing.assert_close(value, before[name])
    assert clone(model).get_params()["autoencoder"] is not ae  # clone copies it


def test_autoencoder_must_fit_the_data(digits):
    ae = Autoencoder(max_epochs=1, random_state=0, **NET).fit(digits[:, :32])
    with pytest.raises(ValueError, match="autoencoder was fitted on samples of shape"):
        DEC(n_clusters=3, autoencoder=ae).fit(digits)


def test_grid_search_pretrains_once_per_split(digits, tmp_path, count_pretraining):
    model = DEC(pretrain_epochs=2, max_epochs=2, tol=0.0, random_state=0, memory=tmp_path,
                **NET)
    search = GridSearchCV(model, {"n_clusters": [2, 3, 4]}, cv=2,
                          scoring="adjusted_rand_score")
    search.fit(digits, np.zeros(len(digits)))
    # One pretraining per split, and one for the refit on all the data.
    assert len(count_pretraining) == 2 + 1


def test_memory_gives_what_pretraining_gives(digits, tmp_path, count_pretraining):
    params = dict(n_clusters=5, pretrain_epochs=3, init_epochs=2, max_epochs=2,
                  random_state=0, **NET)
    plain = ACeDeC(**params).fit(digits)
    cached = [ACeDeC(memory=str(tmp_path), **params).fit(digits) for _ in range(2)]
    assert len(count_pretraining) == 2  # the plain fit and the first cached one
    for model in cached:
        np.testing.assert_array_equal(model.labels_, plain.labels_)
        np.testing.assert_allclose(model.cluster_centers_, plain.cluster_centers_, rtol=1e-6)
    # Other pretraining settings are another key.
    ACeDeC(memory=str(tmp_path), **{**params, "pretrain_noise": 0.0}).fit(digits)
    assert len(count_pretraining) == 3


def test_routed_optimizer_parameters_reach_both_phases(digits):
    model = DCN(n_clusters=3, pretrain_epochs=1, max_epochs=1, random_state=0,
                optimizer=torch.optim.SGD, optimizer__momentum=0.5,
                pretrain_optimizer=torch.optim.SGD, pretrain_optimizer__momentum=0.9,
                pretrain_lr=0.01, lr=0.01, **NET)
    assert model.fit(digits).net_.optimizer_.defaults["momentum"] == 0.5
    assert model._pretrain_optimization()["optimizer_params"] == {"momentum": 0.9}
    # Without a pretraining optimizer of its own, pretraining uses the routed optimizer__*.
    model.set_params(pretrain_optimizer=None)
    assert model._pretrain_optimization()["optimizer_params"] == {"momentum": 0.9}
    assert clone(model).get_params()["optimizer__momentum"] == 0.5


def test_unknown_routed_parameter_is_refused(digits):
    with pytest.raises(TypeError, match="unexpected keyword argument 'net__width'"):
        DEC(net__width=3).fit(digits)


@pytest.mark.parametrize("cls, params", [
    (DCN, dict(hidden_dims=(16,), n_embed=3, pretrain_epochs=10, max_epochs=1, batch_size=32,
               lr=1e-3)),
    (ACeDeC, dict(hidden_dims=(16,), n_embed=4, pretrain_epochs=10, init_epochs=2,
                  max_epochs=1, batch_size=32, lr=1e-3)),
])
@pytest.mark.parametrize("option", [{"pretrain_noise": 0.0}, {"pretrain_decay": "none"}])
def test_pretraining_options_reach_the_pretraining(blobs, cls, params, option):
    # Each option set away from its default (denoising, cosine decay) pretrains another network
    # (the decay starts after the warm-up, so that ends before the pretraining does).
    X = StandardScaler().fit_transform(blobs[0]).astype(np.float32)
    short = {**params, "pretrain_warmup": 2}
    fits = [cls(n_clusters=3, random_state=0, **short, **kwargs).fit(X) for kwargs in (option, {})]
    (name, value), = option.items()
    assert fits[1].get_params()[name] != value
    assert not np.allclose(fits[0].transform(X), fits[1].transform(X))
