"""Your own networks in the estimators: user-defined encoders and decoders (classes with routed
parameters, or instances), on tables and on images, in pipelines, searches and the checks."""

import math

import numpy as np
import pytest
import torch
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks
from torch import nn

from skdeepclust import AECM, DCN, DDC, DEC, ACeDeC
from skdeepclust.datasets import make_blobs_images


class TableEncoder(nn.Module):
    """A user's MLP encoder: returns its hidden layer and the embedding (two blocks)."""

    def __init__(self, input_shape, width=16, n_embed=3):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(math.prod(input_shape), width), nn.ReLU())
        self.out = nn.Linear(width, n_embed)

    def forward(self, x):
        h = self.hidden(x)
        return h, self.out(h)


class TableDecoder(nn.Module):
    def __init__(self, input_shape, n_embed=3):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n_embed, 16), nn.ReLU(),
                                    nn.Linear(16, math.prod(input_shape)))

    def forward(self, z):
        return self.layers(z)


class ConvEncoder(nn.Module):
    """A user's convolutional encoder for (C, H, W) images."""

    def __init__(self, input_shape, channels=4, n_embed=6):
        super().__init__()
        c, h, w = input_shape
        self.conv = nn.Sequential(nn.Conv2d(c, channels, 3, padding=1), nn.ReLU(),
                                  nn.MaxPool2d(2))
        self.out = nn.Linear(channels * (h // 2) * (w // 2), n_embed)

    def forward(self, x):
        assert x.ndim == 4  # the contract: batches come in the sample shape
        return self.out(self.conv(x).flatten(1))


class ConvDecoder(nn.Module):
    def __init__(self, input_shape, n_embed=6):
        super().__init__()
        self.shape = tuple(input_shape)
        self.layer = nn.Linear(n_embed, math.prod(input_shape))

    def forward(self, z):
        return self.layer(z).reshape(-1, *self.shape)


@pytest.fixture
def blobs():
    X, y = make_blobs(n_samples=150, centers=3, n_features=4, cluster_std=0.5, random_state=0)
    return X.astype(np.float32), y


FAST = {
    DDC: dict(n_hidden=8, n_init=1, max_epochs=20, batch_size=32),
    DEC: dict(pretrain_epochs=20, max_epochs=10, batch_size=32, tol=0.0),
    DCN: dict(pretrain_epochs=20, max_epochs=10, batch_size=32, lr=1e-3),
    ACeDeC: dict(pretrain_epochs=20, init_epochs=2, max_epochs=10, batch_size=32, lr=1e-3),
    AECM: dict(n_init=1, max_epochs=30, batch_size=32, lr=1e-2, init="k-means"),
}


def _user(cls, encoder=TableEncoder, decoder=TableDecoder, **params):
    networks = {"encoder": encoder}
    if cls is not DDC:
        networks["decoder"] = decoder
    return cls(n_clusters=3, random_state=0, **networks, **FAST[cls], **params)


@pytest.mark.parametrize("cls", list(FAST))
def test_user_mlp_clusters_blobs(cls, blobs):
    X, y = blobs
    model = _user(cls, encoder__width=8).fit(X)
    assert adjusted_rand_score(y, model.labels_) > 0.8
    assert model.net_.module_.autoencoder.encoder.module.hidden[0].out_features == 8 \
        if cls is not DDC else model.net_.module_.encoder.module.hidden[0].out_features == 8
    if cls is not DDC:
        assert model.transform(X).shape == (150, 3)
        assert model.inverse_transform(model.transform(X)).shape == X.shape


def test_user_conv_encoder_on_images():
    X, y = make_blobs_images(n_samples=90, n_clusters=3, image_shape=(1, 12, 12), random_state=0)
    ddc = DDC(n_clusters=3, encoder=ConvEncoder, encoder__channels=2, n_hidden=8,
              n_init=1, max_epochs=10, batch_size=30, random_state=0).fit(X)
    assert ddc.labels_.shape == (90,)
    dec = DEC(n_clusters=3, encoder=ConvEncoder, decoder=ConvDecoder, pretrain_epochs=5,
              max_epochs=3, batch_size=30, tol=0.0, random_state=0).fit(X)
    assert dec.transform(X).shape == (90, 6)
    assert dec.inverse_transform(dec.transform(X)).shape == (90, X[0].size)


def test_companion_objectives_attach_to_the_user_blocks(blobs):
    X, _ = blobs
    ddc = _user(DDC, uco_kernel="naive").fit(X)
    assert {"train_uco_0", "train_uco_1"} <= set(ddc.net_.history[-1])  # hidden, encoding
    dec = _user(DEC, uco_kernel="naive").fit(X)
    keys = {k for k in dec.net_.history[-1] if k.startswith("train_uco")}
    assert keys == {"train_uco_0", "train_uco_0_best"}  # the hidden block only


def test_an_instance_is_copied_for_every_restart_and_never_changed(blobs):
    X, _ = blobs
    encoder = TableEncoder((4,))
    before = {k: v.clone() for k, v in encoder.state_dict().items()}
    model = DDC(n_clusters=3, encoder=encoder, n_init=2, max_epochs=3, batch_size=32,
                random_state=0).fit(X)
    for name, value in encoder.state_dict().items():
        torch.testing.assert_close(value, before[name])
    assert model.net_.module_.encoder.module is not encoder


@pytest.mark.parametrize("cls", [DDC, DEC, AECM])
def test_user_networks_in_a_pipeline_and_a_search(cls, blobs):
    X, y = blobs
    pipe = make_pipeline(StandardScaler(), _user(cls))
    search = GridSearchCV(pipe, {f"{cls.__name__.lower()}__encoder__width": [4, 8]}, cv=2,
                          scoring="adjusted_rand_score")
    search.fit(X, y)
    assert search.best_params_[f"{cls.__name__.lower()}__encoder__width"] in (4, 8)
    assert search.best_estimator_.predict(X).shape == (150,)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: DDC(encoder=TableEncoder((4,)), encoder__width=3), ValueError,
         "are constructor arguments"),
        (lambda: DDC(encoder="mlp", encoder__width=3), TypeError,
         "'mlp' encoder got unknown option.*encoder__width"),
        (lambda: DEC(encoder=TableEncoder), ValueError, "needs your own decoder"),
        (lambda: DDC(encoder=TableEncoder, reconstruction_weight=0.1), ValueError,
         "needs your own decoder"),
        (lambda: DDC(encoder=TableEncoder, encoder__depth=3), TypeError,
         "Could not build encoder TableEncoder"),
        (lambda: DEC(encoder=TableEncoder, decoder=ConvDecoder), ValueError,
         "The decoder failed"),
        (lambda: DDC(encoder=nn.Flatten(start_dim=0)), ValueError,
         "keep the batch dimension first"),
        (lambda: ACeDeC(encoder=TableEncoder, decoder=TableDecoder, balance=True), ValueError,
         "balance=True"),
    ],
)
def test_contract_violations_are_named(make, error, match, blobs):
    X, _ = blobs
    with pytest.raises(error, match=match):
        make().set_params(n_clusters=3, max_epochs=1).fit(X)


@parametrize_with_checks([
    # He's head: the checks' 50-point blobs allow 10 steps, too few for PyTorch's smaller
    # initial weights to separate them (ARI 0.41-0.54 per restart against 0.59-0.94).
    DDC(encoder=TableEncoder, encoder__width=8, n_hidden=8, n_init=1, max_epochs=10,
        batch_size=32, weight_init="he", random_state=0),
    DEC(n_clusters=3, encoder=TableEncoder, decoder=TableDecoder, pretrain_epochs=10,
        max_epochs=5, batch_size=32, random_state=0),
    AECM(n_clusters=3, encoder=TableEncoder, decoder=TableDecoder, init="k-means", n_init=1,
         max_epochs=20, batch_size=16, lr=1e-2, random_state=0),
])
def test_user_networks_pass_the_sklearn_checks(estimator, check):
    check(estimator)
