"""Seeds for restarts, derived from ``random_state`` without touching global RNG state."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch
from sklearn.utils import check_random_state


def restart_seeds(random_state: None | int | np.random.RandomState, n_init: int) -> list[int]:
    """Draw one integer seed per restart.

    All seeds are drawn before any restart runs, so the result does not depend on whether the
    restarts run sequentially or in parallel workers.

    Parameters
    ----------
    random_state : None, int or numpy.random.RandomState
        The estimator's ``random_state``.
    n_init : int
        Number of restarts.

    Returns
    -------
    seeds : list of int, length n_init
    """
    rng = check_random_state(random_state)
    return [int(s) for s in rng.randint(np.iinfo(np.int32).max, size=n_init)]


@contextlib.contextmanager
def seeded_torch(seed: int, device: str) -> Iterator[None]:
    """Run a block with torch seeded by ``seed`` and restore the caller's RNG state afterwards.

    Parameters
    ----------
    seed : int
        Seed for the CPU generator (and the CUDA generator of ``device``).
    device : str
        Resolved device string; its CUDA RNG is forked too when it is a CUDA device.
    """
    dev = torch.device(device)
    cuda_devices = []
    if dev.type == "cuda":
        cuda_devices = [dev.index if dev.index is not None else torch.cuda.current_device()]
    with torch.random.fork_rng(devices=cuda_devices):
        torch.manual_seed(seed)
        yield


def make_generator(seed: int) -> torch.Generator:
    """A CPU ``torch.Generator`` seeded with ``seed`` (used to shuffle mini-batches)."""
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator


def rng_state(device: str) -> tuple[torch.Tensor, torch.Tensor | None]:
    """torch's CPU generator state and, on a CUDA device, that device's generator state."""
    dev = torch.device(device)
    cuda = torch.cuda.get_rng_state(dev) if dev.type == "cuda" else None
    return torch.get_rng_state(), cuda


def set_rng_state(state: tuple[torch.Tensor, torch.Tensor | None], device: str) -> None:
    """Restore a state returned by :func:`rng_state` on the same device."""
    cpu, cuda = state
    torch.set_rng_state(cpu)
    if cuda is not None:
        torch.cuda.set_rng_state(cuda, torch.device(device))
