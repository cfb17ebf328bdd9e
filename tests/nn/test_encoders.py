"""Encoder output shapes and input checks."""

import pytest
import torch

from skdeepclust.nn.ddc import DDCNetwork
from skdeepclust.nn.encoders import CNNEncoder, build_encoder


def test_mlp_blocks():
    encoder = build_encoder("mlp", (12,), (8, 4))
    blocks = encoder(torch.randn(5, 12))
    assert [tuple(b.shape) for b in blocks] == [(5, 8), (5, 4)]
    assert encoder.output_shape == (4,)


def test_cnn_blocks_on_mnist_sized_images():
    encoder = build_encoder("cnn", (1, 28, 28))
    first, second = encoder(torch.randn(3, 784))
    assert tuple(first.shape) == (3, 32, 20, 20)
    assert tuple(second.shape) == (3, 32, 3, 3)
    assert encoder.output_shape == (32, 3, 3)


def test_cnn_first_block_after_pooling_as_in_dtkc():
    encoder = build_encoder("cnn", (1, 28, 28), first_block_pooled=True)
    first, second = encoder(torch.randn(3, 784))
    assert tuple(first.shape) == (3, 32, 10, 10)
    assert tuple(second.shape) == (3, 32, 3, 3)
    assert encoder.block_shapes == ((32, 10, 10), (32, 3, 3))
    # Same network either way: with the same weights the encoding is identical.
    before = build_encoder("cnn", (1, 28, 28))
    with torch.no_grad():
        pairs = zip([*before.parameters(), *before.buffers()],
                    [*encoder.parameters(), *encoder.buffers()], strict=True)
        for mine, theirs in pairs:
            mine.copy_(theirs)
    x = torch.randn(2, 1, 28, 28)
    torch.testing.assert_close(before.eval()(x)[1], encoder.eval()(x)[1])


def test_lenet_blocks_of_the_ddc_paper():
    encoder = build_encoder("lenet", (1, 28, 28))
    first, second = encoder(torch.randn(3, 1, 28, 28))
    assert tuple(first.shape) == (3, 32, 12, 12)
    assert tuple(second.shape) == (3, 64, 4, 4)
    assert encoder.output_shape == (64, 4, 4)
    with pytest.raises(ValueError, match="at least 16x16"):
        build_encoder("lenet", (1, 12, 12))


def test_unknown_encoder_option_is_named():
    with pytest.raises(TypeError, match="encoder__depth.*takes: encoder__channels"):
        build_encoder("cnn", (1, 28, 28), depth=3)


def test_cnn_accepts_two_dim_shape_as_one_channel():
    encoder = build_encoder("cnn", (28, 28))
    assert encoder.input_shape == (1, 28, 28)


def test_cnn_rejects_small_images():
    with pytest.raises(ValueError, match="at least 20x20"):
        CNNEncoder((1, 8, 8))


def test_cnn_rejects_wrong_rank():
    with pytest.raises(ValueError, match="needs images"):
        build_encoder("cnn", (784,))


def test_gru_blocks():
    encoder = build_encoder("gru", (10, 3))
    blocks = encoder(torch.randn(4, 30))
    assert len(blocks) == 2
    assert all(tuple(b.shape) == (4, 64) for b in blocks)


def test_unknown_encoder():
    with pytest.raises(ValueError, match="encoder must be one of"):
        build_encoder("transformer", (4,))


def test_ddc_network_output_layout():
    net = DDCNetwork((1, 28, 28), n_clusters=4, encoder="cnn").eval()
    assignments, hidden, *blocks = net(torch.randn(6, 784))
    assert tuple(assignments.shape) == (6, 4)
    torch.testing.assert_close(assignments.sum(1), torch.ones(6))
    assert tuple(hidden.shape) == (6, 100)
    assert len(blocks) == 2


def test_weight_init_he_or_pytorch():
    torch.manual_seed(0)
    he = build_encoder("mlp", (12,), (8, 4))
    assert all(layer.bias.abs().sum() == 0 for layer in he.modules()
               if isinstance(layer, torch.nn.Linear))
    torch.manual_seed(0)
    default = build_encoder("mlp", (12,), (8, 4), weight_init="pytorch")
    torch.manual_seed(0)
    reference = torch.nn.Linear(12, 8)  # PyTorch's own initialisation of the first layer
    first = next(layer for layer in default.modules() if isinstance(layer, torch.nn.Linear))
    torch.testing.assert_close(first.weight, reference.weight)
    torch.testing.assert_close(first.bias, reference.bias)
    with pytest.raises(ValueError, match="weight_init"):
        build_encoder("mlp", (12,), (8, 4), weight_init="glorot")
