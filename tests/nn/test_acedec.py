"""ACe/DeC network and objective: rotation, weights, assignments, centroid updates."""

import numpy as np
import pytest
import torch

from skdeepclust.nn.acedec import (
    ACeDeCNetwork,
    ACeDeCObjective,
    random_orthogonal,
    random_rotate_shift,
)


def test_random_orthogonal_is_orthogonal_and_seeded():
    q = random_orthogonal(6, torch.Generator().manual_seed(0))
    torch.testing.assert_close(q @ q.T, torch.eye(6), atol=1e-5, rtol=0)
    torch.testing.assert_close(q, random_orthogonal(6, torch.Generator().manual_seed(0)))
    assert not torch.allclose(q, random_orthogonal(6, torch.Generator().manual_seed(1)))


def test_acedec_network_starts_orthogonal_with_weights_in_unit_interval():
    torch.manual_seed(0)
    net = ACeDeCNetwork((5,), n_clusters=3, hidden_dims=(8,), n_embed=4)
    torch.testing.assert_close(net.V.T @ net.V, torch.eye(4), atol=1e-5, rtol=0)
    with torch.no_grad():
        net.beta_logits.copy_(torch.tensor([-30.0, -1.0, 2.0, 30.0]))
    beta = net.beta_cs
    assert torch.all((beta >= 0) & (beta <= 1))
    torch.testing.assert_close(beta, torch.sigmoid(net.beta_logits))
    # beta_ss = 1 - beta_cs: both weights sum to one in every dimension.
    torch.testing.assert_close(beta + (1 - beta), torch.ones(4))


def test_acedec_forward_layout_and_reconstruction_through_v():
    torch.manual_seed(0)
    net = ACeDeCNetwork((5,), n_clusters=3, hidden_dims=(), n_embed=4).eval()
    x = torch.randn(10, 5)
    labels, y, x_hat, assigned = net(x)
    assert labels.shape == (10,) and labels.dtype == torch.long
    torch.testing.assert_close(y, net.autoencoder.encode(x) @ net.V)
    # V V^T = I at init, so decoding y with V^T gives back the autoencoder's reconstruction.
    torch.testing.assert_close(x_hat, net.autoencoder(x)[1], atol=1e-5, rtol=1e-5)
    assert assigned.shape == (10, 4)
    inputs = net.objective_inputs()
    assert inputs["shared_center"].shape == inputs["beta_cs"].shape == (4,)


def test_acedec_assignment_uses_squared_beta_weights():
    net = ACeDeCNetwork((2,), n_clusters=2, hidden_dims=(), n_embed=2)
    with torch.no_grad():
        net.centers.copy_(torch.tensor([[0.0, 3.0], [2.0, 0.0]]))
    y = torch.tensor([[0.0, 0.0]])
    # Unweighted, (0, 0) is nearer to centre 1 (distance 4 < 9).
    with torch.no_grad():
        net.beta_logits.copy_(torch.tensor([0.0, 0.0]))
    assert net.assign(y).item() == 1
    # With dimension 1 weighted down, centre 0 becomes the nearer one.
    with torch.no_grad():
        net.beta_logits.copy_(torch.tensor([5.0, -5.0]))
    assert net.assign(y).item() == 0


def test_acedec_update_centers_keeps_empty_clusters_and_tracks_the_mean():
    torch.manual_seed(0)
    net = ACeDeCNetwork((3,), n_clusters=2, hidden_dims=(), n_embed=3)
    x = torch.randn(20, 3)
    with torch.no_grad():
        y = net.embed(x)
    far = torch.full((3,), 1e3)
    net.set_centers(torch.stack([y.mean(0), far]), torch.tensor([0.0, 5.0]), torch.zeros(3), 0)
    net.update_centers(x)
    # Every point goes to centre 0; centre 1 neither moves nor shrinks towards 0.
    torch.testing.assert_close(net.centers[1], far)
    torch.testing.assert_close(net.centers[0], y.mean(0), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(net.counts, torch.tensor([20.0, 5.0]))
    torch.testing.assert_close(net.shared_center, y.mean(0), atol=1e-5, rtol=1e-5)
    assert net.shared_count.item() == 20


def test_random_rotate_shift_identity_and_shapes():
    x = torch.rand(5, 1, 8, 8)
    torch.testing.assert_close(random_rotate_shift(x, 0.0, 0.0), x, atol=1e-5, rtol=0)
    torch.manual_seed(0)
    a = random_rotate_shift(x)
    torch.manual_seed(0)
    torch.testing.assert_close(a, random_rotate_shift(x))
    assert a.shape == x.shape and not torch.allclose(a, x)


@pytest.mark.parametrize("training", [True, False])
def test_acedec_augmentation_outputs_only_in_training(training):
    torch.manual_seed(0)
    net = ACeDeCNetwork((1, 6, 6), n_clusters=2, hidden_dims=(8,), n_embed=3,
                        augmentation=True)
    net.train(training)
    x = torch.rand(4, 36)
    outputs = net(x)
    assert len(outputs) == (8 if training else 4)
    terms = ACeDeCObjective(augmentation=True)(outputs, x, **net.objective_inputs())
    assert tuple(terms) == ACeDeCObjective.term_names
    assert all(np.isfinite(float(t.detach())) for t in terms.values())
