"""Your own networks inside the estimators: how a user's ``nn.Module`` is built and plugged in.

The contract, for ``encoder=`` and ``decoder=`` of every estimator that has them:

- **Class or instance.** A ``torch.nn.Module`` *class* is built once per restart, inside the
  restart's seeded RNG, as ``cls(**params)`` where ``params`` are the estimator's routed
  ``encoder__*`` (``decoder__*``) parameters, plus ``input_shape=`` (the shape of one sample)
  when the constructor has a parameter of that name that you did not route. An *instance* is
  deep-copied for every restart, so its weights (pretrained, say) are the start of each
  restart and the instance you passed is never changed.
- **Encoder.** ``forward`` receives a batch of shape ``(n, *input_shape)`` (images as
  ``(n, C, H, W)``, sequences as ``(n, T, F)``, tables as ``(n, n_features)``) and returns a
  tensor ``(n, ...)`` or a tuple of such tensors, the *blocks*, the last one being the
  encoding. Companion objectives (``uco_kernel=``) attach to the blocks: in DDC to all of
  them (the head reads the last), in the autoencoder methods to all but the last, which is
  the embedding :math:`z` (flattened to ``(n, d)``; its width replaces ``n_embed``).
- **Decoder.** ``forward`` receives the embedding ``(n, d)`` (DDC: the encoding, the last
  block) and returns the reconstruction, any shape with ``n_features`` values per sample.
- Both are probed once when built (two rows of zeros, in eval mode, without gradients) to
  find these shapes, so a contract violation is reported before training starts.
"""

from __future__ import annotations

import copy
import inspect
import math

import torch
from torch import nn


def build_user_module(spec, params: dict, input_shape: tuple[int, ...], role: str) -> nn.Module:
    """Build (class) or copy (instance) a user's module, see the module docstring.

    Parameters
    ----------
    spec : nn.Module class or instance
    params : dict
        The routed ``<role>__*`` parameters, prefix removed.
    input_shape : tuple of int
        Shape of one sample, passed as ``input_shape=`` when the constructor takes it.
    role : {"encoder", "decoder"}
        For error messages.
    """
    if isinstance(spec, nn.Module):
        if params:
            raise ValueError(
                f"{role}__* parameters ({', '.join(sorted(params))}) are constructor arguments, "
                f"but {role} is an instance of {type(spec).__name__}; pass the class instead."
            )
        return copy.deepcopy(spec)
    kwargs = dict(params)
    if "input_shape" not in kwargs and "input_shape" in inspect.signature(spec).parameters:
        kwargs["input_shape"] = tuple(input_shape)
    try:
        return spec(**kwargs)
    except TypeError as exc:
        raise TypeError(f"Could not build {role} {spec.__name__}(**{kwargs}): {exc}") from exc


def is_user_module(spec) -> bool:
    """Whether ``spec`` is an ``nn.Module`` class or instance (not a built-in's name)."""
    return isinstance(spec, nn.Module) or (isinstance(spec, type) and issubclass(spec, nn.Module))


def _as_blocks(output, role: str) -> tuple[torch.Tensor, ...]:
    blocks = tuple(output) if isinstance(output, (tuple, list)) else (output,)
    if not blocks or not all(isinstance(b, torch.Tensor) and b.ndim >= 1 for b in blocks):
        raise TypeError(
            f"The {role} must return a tensor of shape (n, ...) or a tuple of them; got "
            f"{type(output).__name__}."
        )
    return blocks


def probe(function, module: nn.Module, sample_shape: tuple[int, ...], role: str | None = None):
    """``function`` (a method of ``module``) on two samples of zeros of ``sample_shape``, in
    eval mode and without gradients, on the module's device; the module's mode is restored.

    Finds the shapes a network produces without training it. With ``role``, an exception the
    network raises becomes a ValueError naming the role and the batch shape.
    """
    training = module.training
    module.eval()
    try:
        with torch.no_grad():
            device = next(module.parameters(), torch.zeros(())).device
            return function(torch.zeros(2, *sample_shape, device=device))
    except Exception as exc:
        if role is None:
            raise
        raise ValueError(
            f"The {role} failed on a batch of shape {(2, *sample_shape)}: {exc}"
        ) from exc
    finally:
        module.train(training)


def _probe_blocks(module: nn.Module, width: int, role: str) -> tuple[torch.Tensor, ...]:
    """The blocks a wrapped user module returns for two rows of zeros, checked."""
    blocks = probe(module, module, (width,), role)
    if any(len(b) != 2 for b in blocks):
        raise ValueError(
            f"The {role} must keep the batch dimension first; for 2 samples it returned shapes "
            f"{[tuple(b.shape) for b in blocks]}."
        )
    return blocks


class UserEncoder(nn.Module):
    """A user's encoder behind the package's encoder interface.

    Reshapes flat rows to ``(n, *input_shape)`` and returns the outputs as a tuple of blocks.

    Parameters
    ----------
    module : nn.Module
    input_shape : tuple of int

    Attributes
    ----------
    n_blocks : int
        Number of tensors the module returns.
    output_shape : tuple of int
        Shape of the last one, per sample.
    """

    def __init__(self, module: nn.Module, input_shape: tuple[int, ...]):
        super().__init__()
        self.module = module
        self.input_shape = tuple(input_shape)
        blocks = _probe_blocks(self, math.prod(self.input_shape), "encoder")
        self.n_blocks = len(blocks)
        self.output_shape: tuple[int, ...] = tuple(blocks[-1].shape[1:])

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return _as_blocks(self.module(x.reshape(x.shape[0], *self.input_shape)), "encoder")


class UserDecoder(nn.Module):
    """A user's decoder behind the package's decoder interface: flat reconstructions.

    Parameters
    ----------
    module : nn.Module
    in_shape : tuple of int
        Shape of one input (the embedding or encoding) per sample.
    n_features : int
        Values per sample the reconstruction must have.
    """

    def __init__(self, module: nn.Module, in_shape: tuple[int, ...], n_features: int):
        super().__init__()
        self.module = module
        self.in_shape = tuple(in_shape)
        out = probe(module, module, self.in_shape, "decoder")
        width = _as_blocks(out, "decoder")[0][0].numel()
        if not isinstance(out, torch.Tensor) or width != n_features:
            raise ValueError(
                f"The decoder must return one tensor with {n_features} values per sample (the "
                f"input's); got {type(out).__name__} with {width}."
            )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.module(z.reshape(z.shape[0], *self.in_shape)).flatten(1)


class UserAutoencoder(nn.Module):
    """A user's encoder and decoder as an autoencoder of the autoencoder clusterers.

    ``embed(x) -> (z, blocks)``, ``encode``, ``decode`` and ``forward(x) -> (z, x_hat)``, the
    interface of the package's own autoencoders. The embedding is the encoder's last output,
    flattened; the earlier outputs are the blocks of the companion objectives.

    Parameters
    ----------
    encoder : UserEncoder
    decoder : nn.Module
        Maps ``(n, n_embed)`` to ``(n, n_features)``.
    """

    def __init__(self, encoder: UserEncoder, decoder: nn.Module):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.n_embed = math.prod(encoder.output_shape)
        # A factor on the embedding (and its inverse before decoding): DEC's embedding_scale
        # for networks whose layers the package does not know.
        self.register_buffer("scale", torch.ones(()))

    def embed(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        blocks = self.encoder(x)
        return self.scale * blocks[-1].flatten(1), blocks[:-1]

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.embed(x)[0]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z / self.scale)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z = self.encode(x)
        return z, self.decode(z)

    @torch.no_grad()
    def rescale_embedding(self, factor: float) -> None:
        """Multiply the embedding by ``factor`` without changing the reconstruction."""
        factor = float(factor)
        if not math.isfinite(factor) or factor <= 0:
            raise ValueError(f"factor must be finite and positive; got {factor}.")
        self.scale.mul_(factor)


__all__ = [
    "UserAutoencoder",
    "UserDecoder",
    "UserEncoder",
    "build_user_module",
    "is_user_module",
    "probe",
]
