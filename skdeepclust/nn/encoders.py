"""Encoders. Each returns the outputs of its blocks; the last block output is the encoding.

Blocks are the places where unsupervised companion objectives attach (UCO paper); a method
that needs only the encoding takes the last element.
"""

from __future__ import annotations

import math

import torch
from torch import nn


def he_init(module: nn.Module) -> None:
    """He (Kaiming-normal) weights and zero biases for every linear and convolutional layer.

    The DDC paper initialises following He et al.; the authors' PyTorch code does the same.
    """
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)


class MLPEncoder(nn.Module):
    """Fully connected encoder: ``Linear -> ReLU [-> BatchNorm1d]`` per hidden layer.

    Every hidden layer is one block.

    Parameters
    ----------
    n_features : int
        Input dimension (flattened).
    hidden_dims : tuple of int
        Width of each hidden layer.
    batch_norm : bool, default=False
        Add ``BatchNorm1d`` after each activation.
    """

    def __init__(self, n_features: int, hidden_dims: tuple[int, ...], batch_norm: bool = False):
        super().__init__()
        layers = []
        in_dim = n_features
        for width in hidden_dims:
            block: list[nn.Module] = [nn.Linear(in_dim, width), nn.ReLU()]
            if batch_norm:
                block.append(nn.BatchNorm1d(width))
            layers.append(nn.Sequential(*block))
            in_dim = width
        self.blocks = nn.ModuleList(layers)
        self.output_shape: tuple[int, ...] = (in_dim,)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Block outputs for ``x`` of shape (n, n_features): each of shape (n, width)."""
        x = x.flatten(1)
        outputs = []
        for block in self.blocks:
            x = block(x)
            outputs.append(x)
        return tuple(outputs) if outputs else (x,)


def _conv_pair(in_channels: int, channels: int, kernel_size: int) -> nn.Sequential:
    """``conv -> ReLU -> conv -> BatchNorm -> ReLU`` ('valid' padding, stride 1)."""
    return nn.Sequential(
        nn.Conv2d(in_channels, channels, kernel_size),
        nn.ReLU(),
        nn.Conv2d(channels, channels, kernel_size),
        nn.BatchNorm2d(channels),
        nn.ReLU(),
    )


class CNNEncoder(nn.Module):
    """The small CNN of the DDC-UCO / DTKC code ("cnn_small").

    ``conv5x5 -> ReLU -> conv5x5 -> BN -> ReLU`` (block 1) ``-> maxpool2 -> conv3x3 -> ReLU ->
    conv3x3 -> BN -> ReLU -> maxpool2`` (block 2), 32 channels throughout, 'valid' padding.
    On 28x28 images block 1 is 32x20x20 and block 2 is 32x3x3 (288 features).

    Parameters
    ----------
    input_shape : tuple of int
        ``(C, H, W)``; H and W must be at least 20.
    channels : int, default=32
    """

    min_size = 20

    def __init__(self, input_shape: tuple[int, int, int], channels: int = 32):
        super().__init__()
        in_channels, height, width = input_shape
        if min(height, width) < self.min_size:
            raise ValueError(
                f"The cnn encoder needs images of at least {self.min_size}x{self.min_size}; "
                f"got input_shape={tuple(input_shape)}. Use encoder='mlp' for small images."
            )
        self.block1 = _conv_pair(in_channels, channels, 5)
        self.block2 = nn.Sequential(
            nn.MaxPool2d(2), *_conv_pair(channels, channels, 3), nn.MaxPool2d(2)
        )
        self.input_shape = tuple(input_shape)
        size1 = (height - 8, width - 8)
        size2 = (((size1[0] // 2) - 4) // 2, ((size1[1] // 2) - 4) // 2)
        self.block_shapes = ((channels, *size1), (channels, *size2))
        self.output_shape: tuple[int, ...] = self.block_shapes[-1]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Block outputs for ``x`` of shape (n, C*H*W) or (n, C, H, W)."""
        x = x.reshape(x.shape[0], *self.input_shape)
        first = self.block1(x)
        return first, self.block2(first)


class GRUEncoder(nn.Module):
    """Bidirectional multi-layer GRU for sequences (the recurrent DDC of the DTKC appendix).

    Block ``l`` is the last hidden state of layer ``l``, both directions concatenated.

    Parameters
    ----------
    input_shape : tuple of int
        ``(T, F)``: time steps and features per step.
    hidden_size : int, default=32
        Units per direction and layer.
    n_layers : int, default=2
    """

    def __init__(self, input_shape: tuple[int, int], hidden_size: int = 32, n_layers: int = 2):
        super().__init__()
        self.input_shape = tuple(input_shape)
        self.gru = nn.GRU(
            input_shape[1], hidden_size, num_layers=n_layers, batch_first=True,
            bidirectional=True,
        )
        self.output_shape: tuple[int, ...] = (2 * hidden_size,)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Block outputs for ``x`` of shape (n, T*F) or (n, T, F): each of shape (n, 2*hidden)."""
        x = x.reshape(x.shape[0], *self.input_shape)
        _, last = self.gru(x)  # (n_layers * 2, n, hidden)
        return tuple(
            torch.cat([last[2 * layer], last[2 * layer + 1]], dim=1)
            for layer in range(self.gru.num_layers)
        )


ENCODERS = ("mlp", "cnn", "gru")


def count_blocks(name: str, hidden_dims: tuple[int, ...]) -> int:
    """Number of block outputs the encoder ``name`` returns (see :func:`build_encoder`)."""
    if name == "mlp":
        return max(len(hidden_dims), 1)
    return 2  # cnn_small has two blocks; the GRU has two layers


def build_encoder(
    name: str, input_shape: tuple[int, ...], hidden_dims: tuple[int, ...] = (500, 500)
) -> nn.Module:
    """Create an encoder by name, He-initialised.

    Parameters
    ----------
    name : {"mlp", "cnn", "gru"}
    input_shape : tuple of int
        Shape of one sample. "cnn" needs ``(C, H, W)`` (``(H, W)`` means one channel);
        "gru" needs ``(T, F)``; "mlp" takes any shape and flattens it.
    hidden_dims : tuple of int
        Hidden widths of the "mlp" encoder.

    Returns
    -------
    encoder : nn.Module
        Has an ``output_shape`` attribute (shape of the last block output per sample).
    """
    if name == "mlp":
        encoder: nn.Module = MLPEncoder(math.prod(input_shape), tuple(hidden_dims))
    elif name == "cnn":
        if len(input_shape) == 2:
            input_shape = (1, *input_shape)
        if len(input_shape) != 3:
            raise ValueError(
                "encoder='cnn' needs images: X of shape (n, C, H, W), or 2-D X with "
                f"input_shape=(C, H, W); got samples of shape {tuple(input_shape)}."
            )
        encoder = CNNEncoder(input_shape)
    elif name == "gru":
        if len(input_shape) != 2:
            raise ValueError(
                "encoder='gru' needs sequences: X of shape (n, T, F), or 2-D X with "
                f"input_shape=(T, F); got samples of shape {tuple(input_shape)}."
            )
        encoder = GRUEncoder(input_shape)
    else:
        raise ValueError(f"encoder must be one of {list(ENCODERS)}; got {name!r}.")
    he_init(encoder)
    return encoder
