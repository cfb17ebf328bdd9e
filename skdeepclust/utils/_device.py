"""Resolve the ``device`` parameter of the estimators."""

from __future__ import annotations

import torch


def resolve_device(device: str | torch.device | None) -> str:
    """Turn the estimator's ``device`` parameter into a concrete torch device string.

    Parameters
    ----------
    device : {"auto", "cpu", "cuda", "cuda:N"}, torch.device or None
        ``"auto"`` (and ``None``) pick ``"cuda"`` when a CUDA device is available and ``"cpu"``
        otherwise.

    Returns
    -------
    device : str
        A device string that ``torch.device`` accepts.

    Raises
    ------
    ValueError
        If the string is not a device name, or CUDA is requested but not available.
    """
    if device is None or device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if not isinstance(device, (str, torch.device)):
        raise TypeError(
            f"device must be 'auto', 'cpu', 'cuda', 'cuda:N' or a torch.device; got {device!r}."
        )
    try:
        resolved = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N'; got {device!r}."
        ) from exc
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device={device!r} was requested but CUDA is not available.")
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} was requested but only {torch.cuda.device_count()} CUDA "
                "device(s) are visible."
            )
    elif resolved.type != "cpu":
        raise ValueError(f"device must be 'auto', 'cpu' or a CUDA device; got {device!r}.")
    return str(resolved)
