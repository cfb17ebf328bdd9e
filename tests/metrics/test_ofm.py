"""Tests for the objective-function-mismatch measures r_ofm and feature_drift."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from skdeepclust.metrics._ofm import feature_drift, r_ofm

# --- r_ofm --------------------------------------------------------------------------------------


def _reference_r_ofm(aux, perf, degree):
    """Straight from Eq. 19-21 with numpy's polynomial fit (R^2 as 1 - SSE / SST)."""
    coef = np.polynomial.polynomial.polyfit(aux, perf, degree)
    fitted = np.polynomial.polynomial.polyval(aux, coef)
    slope = np.mean(np.polynomial.polynomial.polyval(aux, np.polynomial.polynomial.polyder(coef)))
    r2 = 1 - np.sum((perf - fitted) ** 2) / np.sum((perf - perf.mean()) ** 2)
    return slope, r2


def test_exact_quadratic_gives_r2_one_and_the_mean_derivative():
    aux = np.linspace(0.2, 3.0, 25)
    perf = 0.9 - 0.4 * aux + 0.05 * aux**2
    slope, r2 = r_ofm(aux, perf)
    # d perf / d aux = -0.4 + 0.1 aux, averaged over the observed losses.
    assert slope == pytest.approx(-0.4 + 0.1 * aux.mean(), abs=1e-12)
    assert r2 == pytest.approx(1.0, abs=1e-12)


def test_exact_quadratic_at_a_large_loss_scale():
    # Losses far from 0 make the raw Vandermonde ill conditioned; the fit must not suffer.
    aux = 1e4 + np.linspace(0.0, 5.0, 30)
    perf = 2.0 + 3e-3 * (aux - 1e4) - 1e-4 * (aux - 1e4) ** 2
    slope, r2 = r_ofm(aux, perf)
    assert slope == pytest.approx(3e-3 - 2e-4 * (aux - 1e4).mean(), rel=1e-8)
    assert r2 == pytest.approx(1.0, abs=1e-10)


@pytest.mark.parametrize("degree", [1, 2, 3])
def test_linear_relation(degree):
    aux = np.array([3.0, 2.5, 2.2, 1.9, 1.5, 1.4, 1.1, 0.8])
    perf = 0.95 - 0.2 * aux
    slope, r2 = r_ofm(aux, perf, degree=degree)
    assert slope == pytest.approx(-0.2, abs=1e-10)
    assert r2 == pytest.approx(1.0, abs=1e-10)


def test_noisy_data_matches_reference_fit():
    rng = np.random.RandomState(0)
    aux = rng.uniform(0.0, 2.0, 60)
    perf = 0.5 - 0.1 * aux + 0.05 * rng.randn(60)
    slope, r2 = r_ofm(aux, perf)
    ref_slope, ref_r2 = _reference_r_ofm(aux, perf, 2)
    assert slope == pytest.approx(ref_slope, rel=1e-9)
    assert r2 == pytest.approx(ref_r2, rel=1e-9)
    assert 0.0 < r2 < 1.0
    assert slope < 0


def test_pure_noise_gives_low_r2():
    rng = np.random.RandomState(1)
    slope, r2 = r_ofm(rng.rand(200), rng.rand(200))
    assert 0.0 <= r2 < 0.1
    assert abs(slope) < 0.2


def test_accepts_lists_and_tensors():
    aux = [1.0, 2.0, 3.0, 4.0, 5.0]
    perf = [0.1, 0.3, 0.2, 0.5, 0.4]
    expected = r_ofm(np.array(aux), np.array(perf))
    assert r_ofm(aux, perf) == pytest.approx(expected)
    assert r_ofm(torch.tensor(aux), torch.tensor(perf, dtype=torch.float64)) == pytest.approx(
        expected
    )
    assert all(isinstance(v, float) for v in expected)


def test_saturated_fit_has_r2_one():
    slope, r2 = r_ofm([1.0, 2.0, 4.0], [0.3, 0.1, 0.6])
    assert r2 == pytest.approx(1.0)
    assert math.isfinite(slope)


@pytest.mark.parametrize(
    ("aux", "perf"),
    [
        ([1.0, 2.0], [0.1, 0.2]),  # T < degree + 1
        ([], []),
        ([1.0, 1.0, 1.0, 1.0], [0.1, 0.2, 0.3, 0.4]),  # constant loss
        ([1.0, 2.0, 1.0, 2.0], [0.1, 0.2, 0.3, 0.4]),  # 2 distinct losses for 3 coefficients
        ([1.0, 2.0, np.nan, 4.0], [0.1, 0.2, 0.3, 0.4]),
        ([1.0, 2.0, 3.0, 4.0], [0.1, np.inf, 0.3, 0.4]),
    ],
)
def test_unidentified_fits_give_nan(aux, perf):
    slope, r2 = r_ofm(aux, perf)
    assert math.isnan(slope)
    assert math.isnan(r2)


def test_constant_performance_gives_flat_slope_and_nan_r2():
    slope, r2 = r_ofm([1.0, 2.0, 3.0, 4.0, 5.0], [0.1] * 5)
    assert slope == 0.0
    assert math.isnan(r2)


@pytest.mark.parametrize(
    ("aux", "perf", "degree", "match"),
    [
        ([[1.0, 2.0, 3.0]], [[0.1, 0.2, 0.3]], 2, "1-D"),
        ([1.0, 2.0, 3.0], [0.1, 0.2], 2, "length"),
        ([1.0, 2.0, 3.0], [0.1, 0.2, 0.3], 0, "degree"),
        ([1.0, 2.0, 3.0], [0.1, 0.2, 0.3], 1.5, "degree"),
    ],
)
def test_bad_inputs_raise(aux, perf, degree, match):
    with pytest.raises(ValueError, match=match):
        r_ofm(aux, perf, degree=degree)


# --- feature_drift ------------------------------------------------------------------------------


@pytest.fixture
def model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2))


def _loss(model, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(8, 4, generator=gen)
    target = torch.randn(8, 2, generator=gen)
    return ((model(x) - target) ** 2).mean()


def test_feature_drift_of_a_loss_with_itself_and_its_negative(model):
    loss = _loss(model, 1)
    assert feature_drift(loss, loss, model.parameters()) == pytest.approx(1.0, abs=1e-12)
    assert feature_drift(loss, -loss, model.parameters()) == pytest.approx(-1.0, abs=1e-12)
    assert feature_drift(loss, 7.0 * loss, model.parameters()) == pytest.approx(1.0, abs=1e-12)


def test_feature_drift_matches_manual_cosine_and_keeps_the_graph(model):
    loss_a, loss_b = _loss(model, 1), _loss(model, 2)
    params = list(model.parameters())
    got = feature_drift(loss_a, loss_b, params)
    ga = torch.cat([g.flatten() for g in torch.autograd.grad(loss_a, params, retain_graph=True)])
    gb = torch.cat([g.flatten() for g in torch.autograd.grad(loss_b, params, retain_graph=True)])
    assert got == pytest.approx(float(torch.nn.functional.cosine_similarity(ga, gb, dim=0)))
    assert all(p.grad is None for p in params)
    (loss_a + loss_b).backward()  # the graphs were retained


def test_feature_drift_orthogonal_gradients():
    w = torch.nn.Parameter(torch.tensor([1.0, 2.0, 3.0]))
    loss_a = 2.0 * w[0]
    loss_b = w[1] ** 2
    assert feature_drift(loss_a, loss_b, [w]) == 0.0


def test_feature_drift_unused_parameters_count_as_zero():
    u = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
    v = torch.nn.Parameter(torch.tensor([0.5]))
    frozen = torch.tensor([3.0])  # does not require grad
    loss_a = (u * torch.tensor([1.0, 1.0])).sum() + 0.0 * frozen.sum()
    loss_b = u[0] + v[0]  # gradient (1, 0, 1) vs (1, 1, 0)
    assert feature_drift(loss_a, loss_b, [u, v, frozen]) == pytest.approx(0.5)


def test_feature_drift_zero_gradient_is_nan(model):
    loss = _loss(model, 1)
    params = list(model.parameters())
    assert math.isnan(feature_drift(loss, 0.0 * loss, params))
    assert math.isnan(feature_drift(torch.tensor(1.0), loss, params))
    other = torch.nn.Parameter(torch.ones(2))
    assert math.isnan(feature_drift(other.sum(), loss, params))


def test_feature_drift_bad_inputs(model):
    loss = _loss(model, 1)
    with pytest.raises(ValueError, match="empty"):
        feature_drift(loss, loss, [])
    with pytest.raises(ValueError, match="scalar"):
        feature_drift(loss * torch.ones(2), loss, model.parameters())
