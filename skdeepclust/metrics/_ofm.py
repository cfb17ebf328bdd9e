r"""Measures of objective function mismatch (OFM) between a clustering and an auxiliary loss.

Both come from Trosten et al., "Improving deep clustering with unsupervised companion objectives"
(Sec. 5): feature drift (Eq. 18), the cosine between the two losses' parameter gradients, and
R-OFM (Eq. 19-21), a polynomial regression of clustering performance on the auxiliary loss
recorded during training.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
from numpy.typing import ArrayLike


def r_ofm(aux_loss: ArrayLike, performance: ArrayLike, degree: int = 2) -> tuple[float, float]:
    r"""Regression-based objective function mismatch (R-OFM).

    Fits by ordinary least squares the polynomial regression of the clustering performance
    :math:`p_t` on the auxiliary loss :math:`a_t`, both recorded at the same training
    iterations :math:`t = 1, \dots, T`:

    .. math:: p_t = \sum_{i=0}^{\gamma} \beta_i a_t^i + \varepsilon_t, \qquad \gamma = \text{degree}

    and returns its mean slope at the observed losses and its coefficient of determination:

    .. math::
        \text{slope} = \frac{1}{T} \sum_{t=1}^{T} \sum_{i=1}^{\gamma} i \beta_i a_t^{i-1},
        \qquad
        R^2 = 1 - \frac{\sum_t (p_t - \hat p_t)^2}{\sum_t (p_t - \bar p)^2}.

    A negative slope means performance rises as the auxiliary loss falls (little mismatch); a
    high :math:`R^2` means the two are strongly related. The paper's printed Eq. 21 is
    SSE / SST :math:`= 1 - R^2`; its text calls the value the model's :math:`R^2` and reads
    higher as a stronger relationship, so the printed fraction is taken as a printing error and
    :math:`1 - \text{SSE}/\text{SST}` is returned.

    The fit runs on the standardised loss :math:`(a_t - \bar a) / s_a` (a polynomial of degree
    :math:`\gamma` in either variable describes the same fitted curve), which keeps the
    Vandermonde matrix well conditioned for losses of any scale; the slope is converted back to
    units of performance per unit of auxiliary loss. With exactly :math:`\gamma + 1` distinct
    losses the polynomial interpolates and :math:`R^2 = 1` trivially.

    Parameters
    ----------
    aux_loss : array-like of shape (T,)
        Auxiliary loss :math:`a_t` (e.g. the sum of the weighted UCO terms).
    performance : array-like of shape (T,)
        Clustering performance :math:`p_t` (e.g. accuracy) at the same iterations; any unit,
        the slope is in that unit per unit of loss.
    degree : int, default=2
        Degree :math:`\gamma \ge 1` of the polynomial (the paper uses 2).

    Returns
    -------
    slope : float
        R-OFM slope. NaN when any value is NaN or infinite, or when there are fewer than
        ``degree + 1`` distinct losses (too few points, or a constant loss: the curve is not
        identified). 0.0 when the performance is constant (the fitted curve is flat).
    r2 : float
        R-OFM :math:`R^2`. NaN in the cases above and when the performance is constant
        (0 / 0).

    Raises
    ------
    ValueError
        If the inputs are not one-dimensional, differ in length, or ``degree`` is not an integer
        >= 1.
    """
    if isinstance(degree, bool) or not isinstance(degree, int | np.integer) or degree < 1:
        raise ValueError(f"degree must be an integer >= 1, got {degree!r}.")
    aux = np.asarray(aux_loss, dtype=np.float64)
    perf = np.asarray(performance, dtype=np.float64)
    if aux.ndim != 1 or perf.ndim != 1:
        raise ValueError(
            f"aux_loss and performance must be 1-D, got shapes {aux.shape} and {perf.shape}."
        )
    if aux.shape != perf.shape:
        raise ValueError(
            f"aux_loss and performance differ in length: {aux.shape[0]} != {perf.shape[0]}."
        )
    nan = float("nan")
    if not (np.isfinite(aux).all() and np.isfinite(perf).all()):
        return nan, nan
    if np.unique(aux).size < degree + 1:
        return nan, nan
    # Compare values, not the sum of squares: the mean of equal values can be off by an ulp.
    if np.all(perf == perf[0]):
        return 0.0, nan
    centred = perf - perf.mean()
    sst = float(centred @ centred)

    scale = aux.std()
    std_aux = (aux - aux.mean()) / scale
    design = np.vander(std_aux, degree + 1, increasing=True)
    coef, *_ = np.linalg.lstsq(design, perf, rcond=None)
    residual = perf - design @ coef
    r2 = 1.0 - float(residual @ residual) / sst

    # d p / d a = (d p / d u) / scale with u the standardised loss.
    powers = np.arange(1, degree + 1)
    derivative = np.vander(std_aux, degree, increasing=True) @ (powers * coef[1:])
    slope = float(derivative.mean() / scale)
    return slope, r2


def feature_drift(
    loss_a: torch.Tensor, loss_b: torch.Tensor, parameters: Iterable[torch.Tensor]
) -> float:
    r"""Feature drift: cosine between the gradients of two losses w.r.t. the same parameters.

    .. math::
        \Delta_{FD} = \cos(\nabla_\theta L_a, \nabla_\theta L_b)
        = \frac{\langle \nabla_\theta L_a, \nabla_\theta L_b \rangle}
               {\|\nabla_\theta L_a\| \, \|\nabla_\theta L_b\|}

    (paper Eq. 18, with :math:`L_a = L_\text{cluster}`, :math:`L_b = L_\text{aux}` and
    :math:`\theta` the encoder parameters). Each gradient is flattened and concatenated over the
    parameters. A parameter a loss does not reach (or one that does not require gradients)
    contributes zeros. The graphs are retained, so the caller may still call ``backward()``;
    no ``.grad`` attribute is touched.

    Parameters
    ----------
    loss_a, loss_b : Tensor with one element
        The two losses, built from ``parameters``.
    parameters : iterable of Tensor
        Parameters :math:`\theta` (e.g. ``encoder.parameters()``).

    Returns
    -------
    cos : float
        In [-1, 1]; NaN when either gradient is zero (e.g. a loss that does not depend on the
        parameters).

    Raises
    ------
    ValueError
        If a loss has more than one element or ``parameters`` is empty.
    """
    params = list(parameters)
    if not params:
        raise ValueError("parameters is empty.")
    grad_a = _flat_grad(loss_a, params)
    grad_b = _flat_grad(loss_b, params)
    norm_a = torch.linalg.vector_norm(grad_a)
    norm_b = torch.linalg.vector_norm(grad_b)
    if norm_a == 0 or norm_b == 0:
        return float("nan")
    cos = (grad_a @ grad_b) / (norm_a * norm_b)
    # Rounding can push the cosine of (anti-)parallel gradients just outside [-1, 1].
    return float(cos.clamp(-1.0, 1.0))


def _flat_grad(loss: torch.Tensor, params: list[torch.Tensor]) -> torch.Tensor:
    """Gradient of a scalar loss w.r.t. ``params``, flattened, concatenated, in float64."""
    if loss.numel() != 1:
        raise ValueError(f"Expected a scalar loss, got shape {tuple(loss.shape)}.")
    trainable = [p for p in params if p.requires_grad]
    grads: list[torch.Tensor | None] = [None] * len(trainable)
    if loss.requires_grad and trainable:
        grads = list(
            torch.autograd.grad(loss.reshape(()), trainable, retain_graph=True, allow_unused=True)
        )
    by_param = dict(zip(map(id, trainable), grads, strict=True))
    flat = []
    for param in params:
        grad = by_param.get(id(param))
        if grad is None:
            flat.append(torch.zeros(param.numel(), dtype=torch.float64, device=param.device))
        else:
            flat.append(grad.reshape(-1).to(torch.float64))
    return torch.cat(flat)
