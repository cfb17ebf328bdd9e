"""Encoder output shapes and input checks."""

import pytest
import torch

from skdeepclust.nn.ddc import DDCNetwork
from skdeepclust.nn.encoders import CNNEncoder, build_encoder, count_blocks


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


def test_gru_ignores_trailing_nan_padding():
    # Each sequence alone and unpadded, against the same sequences NaN-padded in one batch.
    generator = torch.Generator().manual_seed(0)
    encoder = build_encoder("gru", (10, 3), hidden_size=4).eval()
    lengths = [10, 3, 7, 1]
    batch = torch.full((4, 15, 3), float("nan"))
    alone = []
    for i, length in enumerate(lengths):
        sequence = torch.randn(length, 3, generator=generator)
        batch[i, :length] = sequence
        with torch.no_grad():
            alone.append(encoder(sequence[None]))
    with torch.no_grad():
        blocks = encoder(batch.flatten(1))
    for layer, block in enumerate(blocks):
        expected = torch.cat([single[layer] for single in alone])
        torch.testing.assert_close(block, expected, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("options, widths", [
    ({}, [64, 64]),
    ({"hidden_size": 5, "n_layers": 3}, [10, 10, 10]),
    ({"hidden_size": 5, "n_layers": 1, "bidirectional": False}, [5]),
])
def test_gru_width_depth_and_direction(options, widths):
    encoder = build_encoder("gru", (6, 2), **options)
    blocks = encoder(torch.zeros(3, 12))
    assert [tuple(b.shape) for b in blocks] == [(3, w) for w in widths]
    assert encoder.output_shape == (widths[-1],)
    assert count_blocks("gru", (), options) == len(widths)


def test_gru_rejects_an_empty_sequence():
    batch = torch.zeros(2, 4, 3)
    batch[1] = float("nan")
    with pytest.raises(ValueError, match="empty"):
        build_encoder("gru", (4, 3))(batch)


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
