"""Decoders reconstruct at the input size."""

import pytest
import torch

from skdeepclust.nn.ddc import DDCNetwork
from skdeepclust.nn.decoders import build_decoder
from skdeepclust.nn.encoders import build_encoder


@pytest.mark.parametrize("name", ["cnn", "lenet"])
@pytest.mark.parametrize("shape", [(1, 28, 28), (3, 20, 20), (1, 25, 31)])
def test_cnn_decoders_match_input_size(name, shape):
    encoder = build_encoder(name, shape)
    decoder = build_decoder(encoder, n_features=int(torch.tensor(shape).prod()), hidden_dims=())
    x = torch.randn(2, *shape)
    assert decoder(encoder(x)[-1]).shape == (2, x[0].numel())


def test_mlp_decoder_mirrors_hidden_dims():
    encoder = build_encoder("mlp", (10,), (8, 4))
    decoder = build_decoder(encoder, n_features=10, hidden_dims=(8, 4))
    widths = [m.out_features for m in decoder.layers if isinstance(m, torch.nn.Linear)]
    assert widths == [8, 10]


def test_network_appends_reconstruction():
    net = DDCNetwork((12,), n_clusters=3, hidden_dims=(8, 6), decoder=True).eval()
    outputs = net(torch.randn(4, 12))
    assert len(outputs) == 2 + 2 + 1
    assert outputs[-1].shape == (4, 12)
