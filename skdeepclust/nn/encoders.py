"""Encoders. Each returns the outputs of its blocks; the last block output is the encoding.

Blocks are the places where unsupervised companion objectives attach (UCO paper); a method
that needs only the encoding takes the last element.
"""

from __future__ import annotations

import inspect
import math
from numbers import Integral

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


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


def _check_image_size(name: str, input_shape: tuple[int, ...], min_size: int) -> None:
    if min(input_shape[1:]) < min_size:
        raise ValueError(
            f"The {name} encoder needs images of at least {min_size}x{min_size}; got "
            f"input_shape={tuple(input_shape)}. Use encoder='mlp' for small images."
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
    first_block_pooled : bool, default=False
        Where the first block output (the input of its companion objective) is taken: before
        the first max-pooling (the UCO paper's code; 32x20x20 on 28x28 images) or after it
        (the DTKC code; 32x10x10). The network is the same either way.
    """

    min_size = 20

    def __init__(self, input_shape: tuple[int, int, int], channels: int = 32,
                 first_block_pooled: bool = False):
        super().__init__()
        _check_image_size("cnn", input_shape, self.min_size)
        in_channels, height, width = input_shape
        pool = nn.MaxPool2d(2)
        self.block1 = nn.Sequential(*_conv_pair(in_channels, channels, 5),
                                    *([pool] if first_block_pooled else []))
        self.block2 = nn.Sequential(*([] if first_block_pooled else [pool]),
                                    *_conv_pair(channels, channels, 3), nn.MaxPool2d(2))
        self.input_shape = tuple(input_shape)
        size1 = (height - 8, width - 8)
        size2 = (((size1[0] // 2) - 4) // 2, ((size1[1] // 2) - 4) // 2)
        if first_block_pooled:
            size1 = (size1[0] // 2, size1[1] // 2)
        self.block_shapes = ((channels, *size1), (channels, *size2))
        self.output_shape: tuple[int, ...] = self.block_shapes[-1]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Block outputs for ``x`` of shape (n, C*H*W) or (n, C, H, W)."""
        x = x.reshape(x.shape[0], *self.input_shape)
        first = self.block1(x)
        return first, self.block2(first)


class LeNetEncoder(nn.Module):
    """The LeNet-style CNN of the DDC paper (§4.6).

    ``conv 32@5x5 -> maxpool2 -> ReLU`` (block 1) ``-> conv 64@5x5 -> maxpool2 -> ReLU``
    (block 2), 'valid' padding. On 28x28 images block 1 is 32x12x12 and block 2 is 64x4x4
    (1 024 features); the DDC head's 100-unit layer with batch normalisation follows.

    Parameters
    ----------
    input_shape : tuple of int
        ``(C, H, W)``; H and W must be at least 16.
    channels : tuple of int, default=(32, 64)
    """

    min_size = 16

    def __init__(self, input_shape: tuple[int, int, int], channels: tuple[int, int] = (32, 64)):
        super().__init__()
        _check_image_size("lenet", input_shape, self.min_size)
        in_channels, height, width = input_shape
        first, second = channels
        self.block1 = nn.Sequential(nn.Conv2d(in_channels, first, 5), nn.MaxPool2d(2), nn.ReLU())
        self.block2 = nn.Sequential(nn.Conv2d(first, second, 5), nn.MaxPool2d(2), nn.ReLU())
        self.input_shape = tuple(input_shape)
        size1 = ((height - 4) // 2, (width - 4) // 2)
        size2 = ((size1[0] - 4) // 2, (size1[1] - 4) // 2)
        self.block_shapes = ((first, *size1), (second, *size2))
        self.output_shape: tuple[int, ...] = self.block_shapes[-1]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Block outputs for ``x`` of shape (n, C*H*W) or (n, C, H, W)."""
        x = x.reshape(x.shape[0], *self.input_shape)
        first = self.block1(x)
        return first, self.block2(first)


class GRUEncoder(nn.Module):
    r"""Multi-layer GRU for sequences of any length (the recurrent DDC of the DTKC appendix).

    Block ``l`` is the last hidden state of layer ``l``: the state after the sequence's last
    observed time step in the forward direction, concatenated with the state after time step
    0 in the backward direction (when ``bidirectional``). These vectors are what the companion
    objectives of recurrent DDC compare (``uco_kernel="naive"``: a Gaussian kernel on each
    layer's last hidden state, the DTKC appendix's RDTKC).

    **Variable lengths.** A batch holds sequences padded with NaN to a common number of time
    steps (scikit-learn-style arrays have one width; tslearn marks padding the same way):
    time steps whose values are all NaN *after a sequence's last observed step* are padding.
    Each sequence's length is read from that mask, the padding is zero-filled and the batch is
    packed (:func:`torch.nn.utils.rnn.pack_padded_sequence`), so padding never enters the
    recurrence and a sequence gets the same blocks however much padding it carries and
    whichever other sequences share its batch. A batch without padding runs unpacked (same
    result, less work). NaN that is not trailing padding is not detected here; the
    estimators reject it when they read their input.

    Parameters
    ----------
    input_shape : tuple of int
        ``(T, F)``: time steps and features (channels) per step. Only ``F`` constrains the
        input; batches may hold any number of time steps.
    hidden_size : int, default=32
        Units per direction and layer.
    n_layers : int, default=2
        Stacked GRU layers, one block each.
    bidirectional : bool, default=True
        Run every layer in both directions (block width ``2 * hidden_size``) or forward only
        (``hidden_size``).
    """

    def __init__(self, input_shape: tuple[int, int], hidden_size: int = 32, n_layers: int = 2,
                 bidirectional: bool = True):
        super().__init__()
        # nn.GRU accepts any truthy value for bidirectional; a typo such as "no" must not
        # silently mean True.
        if not isinstance(bidirectional, bool):
            raise TypeError(f"encoder__bidirectional must be True or False; got {bidirectional!r}.")
        for name, value in (("hidden_size", hidden_size), ("n_layers", n_layers)):
            if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                raise ValueError(f"encoder__{name} must be a positive int; got {value!r}.")
        self.input_shape = tuple(input_shape)
        self.n_directions = 2 if bidirectional else 1
        # int(): nn.GRU takes only Python ints, grids often hold NumPy ones.
        self.gru = nn.GRU(
            input_shape[1], int(hidden_size), num_layers=int(n_layers), batch_first=True,
            bidirectional=bidirectional,
        )
        self.output_shape: tuple[int, ...] = (self.n_directions * int(hidden_size),)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Block outputs, one per layer, each of shape (n, n_directions * hidden_size).

        Parameters
        ----------
        x : Tensor of shape (n, T * F) or (n, T, F)
            Any ``T``; trailing all-NaN time steps are padding (see the class docstring).

        Returns
        -------
        blocks : tuple of ``n_layers`` Tensors of shape (n, n_directions * hidden_size)
            Last hidden state of each layer, layer 0 nearest the input.
        """
        n = x.shape[0]
        x = x.reshape(n, -1, self.input_shape[1])
        missing = torch.isnan(x)
        padding = missing.all(dim=2)  # (n, T): whole time steps without values
        if bool(padding.any()):
            # Length = index of the last observed step + 1, so only trailing padding shortens
            # a sequence.
            steps = torch.arange(1, x.shape[1] + 1, device=x.device)
            lengths = ((~padding) * steps).amax(dim=1).cpu()
            if bool((lengths == 0).any()):
                raise ValueError("A sequence of the batch is empty: all its time steps are NaN.")
            packed = pack_padded_sequence(x.masked_fill(missing, 0.0), lengths,
                                          batch_first=True, enforce_sorted=False)
            _, last = self.gru(packed)  # unsorted back to the batch order by nn.GRU
        else:
            _, last = self.gru(x)
        # last: (n_layers * n_directions, n, hidden), layer-major, directions within a layer.
        per_layer = last.reshape(self.gru.num_layers, self.n_directions, n, -1)
        return tuple(torch.cat(tuple(layer), dim=1) for layer in per_layer)


#: What encoder="gru" reads, for the errors that find something else.
GRU_INPUT_MESSAGE = (
    "encoder='gru' needs sequences: a list of 2-D arrays (length_i, channels), a 3-D array "
    "(n, T, channels) (NaN-padded when lengths differ), or 2-D X with input_shape=(T, "
    "channels); got samples of shape {shape}."
)

#: Built-in encoders by name: class and the keyword options a user may route to it
#: (``encoder__<option>=...``).
ENCODER_CLASSES: dict[str, type[nn.Module]] = {
    "mlp": MLPEncoder, "cnn": CNNEncoder, "lenet": LeNetEncoder, "gru": GRUEncoder,
}
ENCODER_OPTIONS: dict[str, tuple[str, ...]] = {
    "mlp": ("batch_norm",),
    "cnn": ("channels", "first_block_pooled"),
    "lenet": ("channels",),
    "gru": ("hidden_size", "n_layers", "bidirectional"),
}
ENCODERS = tuple(ENCODER_CLASSES)


def count_blocks(name: str, hidden_dims: tuple[int, ...], options: dict | None = None) -> int:
    """Number of block outputs the encoder ``name`` returns (see :func:`build_encoder`)."""
    if name == "mlp":
        return max(len(hidden_dims), 1)
    if name == "gru":
        # One block per layer; the default is GRUEncoder's own, so the two cannot drift apart.
        default = inspect.signature(GRUEncoder).parameters["n_layers"].default
        return (options or {}).get("n_layers", default)
    return 2  # cnn_small and the LeNet CNN have two blocks each


def check_encoder_options(name: str, options: dict) -> None:
    """Raise a ``TypeError`` naming any option the built-in encoder ``name`` does not take."""
    unknown = sorted(set(options) - set(ENCODER_OPTIONS[name]))
    if unknown:
        allowed = ", ".join(f"encoder__{o}" for o in ENCODER_OPTIONS[name]) or "none"
        raise TypeError(
            f"The {name!r} encoder got unknown option(s) "
            f"{', '.join('encoder__' + o for o in unknown)}; it takes: {allowed}."
        )


#: Weight initialisations of the built-in networks: He et al.'s (Kaiming-normal weights, zero
#: biases) or PyTorch's own per-layer default (uniform within 1/sqrt(fan_in), biases too).
WEIGHT_INITS = ("he", "pytorch")


def initialize(module: nn.Module, weight_init: str) -> None:
    """Apply ``weight_init`` (one of :data:`WEIGHT_INITS`) to a freshly built ``module``.

    ``"pytorch"`` keeps the initialisation the layers were built with.
    """
    if weight_init not in WEIGHT_INITS:
        raise ValueError(f"weight_init must be one of {WEIGHT_INITS}; got {weight_init!r}.")
    if weight_init == "he":
        he_init(module)


def build_encoder(
    name: str, input_shape: tuple[int, ...], hidden_dims: tuple[int, ...] = (500, 500),
    weight_init: str = "he", **options,
) -> nn.Module:
    """Create an encoder by name, initialised by ``weight_init`` (He by default).

    Parameters
    ----------
    name : {"mlp", "cnn", "lenet", "gru"}
    input_shape : tuple of int
        Shape of one sample. "cnn" and "lenet" need ``(C, H, W)`` (``(H, W)`` means one
        channel); "gru" needs ``(T, F)``; "mlp" takes any shape and flattens it.
    hidden_dims : tuple of int
        Hidden widths of the "mlp" encoder.
    weight_init : {"he", "pytorch"}, default="he"
        See :data:`WEIGHT_INITS`.
    **options
        Keyword options of the encoder class (:data:`ENCODER_OPTIONS`).

    Returns
    -------
    encoder : nn.Module
        Has an ``output_shape`` attribute (shape of the last block output per sample).
    """
    if name not in ENCODER_CLASSES:
        raise ValueError(f"encoder must be one of {list(ENCODERS)}; got {name!r}.")
    check_encoder_options(name, options)
    if name == "mlp":
        encoder: nn.Module = MLPEncoder(math.prod(input_shape), tuple(hidden_dims), **options)
    elif name in ("cnn", "lenet"):
        if len(input_shape) == 2:
            input_shape = (1, *input_shape)
        if len(input_shape) != 3:
            raise ValueError(
                f"encoder={name!r} needs images: X of shape (n, C, H, W), or 2-D X with "
                f"input_shape=(C, H, W); got samples of shape {tuple(input_shape)}."
            )
        encoder = ENCODER_CLASSES[name](input_shape, **options)
    else:
        if len(input_shape) != 2:
            raise ValueError(GRU_INPUT_MESSAGE.format(shape=tuple(input_shape)))
        encoder = GRUEncoder(input_shape, **options)
    initialize(encoder, weight_init)
    return encoder
