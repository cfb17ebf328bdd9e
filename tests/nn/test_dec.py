"""DEC networks and objective: output layout, shared autoencoder weights, targets."""

import math

import numpy as np
import pytest
import torch

from skdeepclust.losses.dec import dec_kl, student_t_assignments, target_distribution
from skdeepclust.nn.dec import DECNetwork, DECObjective


def test_mlp_network_layout_and_architecture():
    net = DECNetwork((12,), n_clusters=3, hidden_dims=(8, 6), n_embed=2).eval()
    outputs = net(torch.randn(5, 12))
    assert [tuple(o.shape) for o in outputs] == [(5, 3), (5, 2), (5, 8), (5, 6)]
    np.testing.assert_allclose(outputs[0].sum(1).detach().numpy(), 1.0, rtol=1e-6)
    widths = [m.out_features for m in net.autoencoder.modules() if isinstance(m, torch.nn.Linear)]
    assert widths == [8, 6, 2, 6, 8, 12]  # d-8-6-2 and the mirrored decoder 2-6-8-d
    # DEC-Keras init: uniform within 1/sqrt(fan_in), zero biases.
    first = net.autoencoder.encoder.blocks[0][0]
    assert float(first.weight.detach().abs().max()) <= 1 / math.sqrt(12)
    assert float(first.bias.detach().abs().max()) == 0.0


def test_q_is_student_t_of_embedding_and_centres():
    net = DECNetwork((4,), n_clusters=2, hidden_dims=(5,), n_embed=3).eval()
    net.set_centers(np.array([[0.0, 1.0, 2.0], [1.0, 0.0, -1.0]], dtype=np.float32))
    q, z = net(torch.randn(6, 4))[:2]
    torch.testing.assert_close(q, student_t_assignments(z, net.centers))


def test_reconstruction_output_and_autoencoder_shares_weights():
    net = DECNetwork((10,), n_clusters=2, hidden_dims=(6,), n_embed=2, reconstruct=True).eval()
    x = torch.randn(3, 10)
    outputs = net(x)
    assert len(outputs) == 2 + 1 + 1 and outputs[-1].shape == (3, 10)
    z, x_hat = net.autoencoder(x)
    torch.testing.assert_close(z, outputs[1])
    torch.testing.assert_close(x_hat, outputs[-1])
    # The autoencoder's parameters are the network's, minus the centres.
    ae_ids = {id(p) for p in net.autoencoder.parameters()}
    assert ae_ids == {id(p) for p in net.parameters()} - {id(net.centers)}


@pytest.mark.parametrize("shape", [(1, 20, 20), (3, 24, 22)])
def test_cnn_network_reconstructs_at_input_size(shape):
    net = DECNetwork(shape, n_clusters=2, encoder="cnn", n_embed=4, reconstruct=True).eval()
    x = torch.randn(2, math.prod(shape))
    q, z, first, second, x_hat = net(x)
    assert q.shape == (2, 2) and z.shape == (2, 4)
    assert first.ndim == 4 and second.ndim == 4  # the two tensor blocks of cnn_small
    assert x_hat.shape == (2, math.prod(shape))


@pytest.mark.parametrize("encoder, shape", [("mlp", (12,)), ("cnn", (1, 20, 20))])
def test_rescale_embedding_keeps_reconstruction(encoder, shape):
    torch.manual_seed(0)
    net = DECNetwork(shape, n_clusters=2, encoder=encoder, hidden_dims=(8, 6), n_embed=3,
                     reconstruct=True).eval()
    x = torch.rand(4, math.prod(shape))
    with torch.no_grad():
        z, x_hat = net.autoencoder(x)
        net.autoencoder.rescale_embedding(4.0)
        z4, x_hat4 = net.autoencoder(x)
    torch.testing.assert_close(z4, 4.0 * z, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(x_hat4, x_hat, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="finite and positive"):
        net.autoencoder.rescale_embedding(0.0)


def test_objective_uses_the_target_rows_it_is_given():
    objective = DECObjective()
    q = torch.softmax(torch.randn(4, 3), 1)
    outputs = (q, torch.randn(4, 2))
    # No target rows: the batch's own target (evaluation outside training).
    own = objective(outputs, torch.randn(4, 5))["kl"]
    torch.testing.assert_close(own, dec_kl(target_distribution(q), q))
    target = torch.full((4, 3), 1 / 3)
    torch.testing.assert_close(objective(outputs, None, target)["kl"], dec_kl(target, q))
    with pytest.raises(RuntimeError, match="do not match"):
        objective(outputs, None, torch.full((5, 3), 1 / 3))


def test_objective_terms_and_weights():
    objective = DECObjective(n_blocks=2, reconstruction_weight=10.0, uco_kernel="naive",
                             uco_weight=0.01, uco_weighting="exponential")
    assert objective.term_names == ("kl", "reconstruction", "uco_0", "uco_1")
    x = torch.randn(8, 5)
    q = torch.softmax(torch.randn(8, 2), 1)
    outputs = (q, torch.randn(8, 2), torch.randn(8, 4), torch.randn(8, 3), torch.zeros(8, 5))
    terms = objective(outputs, x)
    assert list(terms) == list(objective.term_names)
    torch.testing.assert_close(terms["reconstruction"], 10.0 * (x**2).mean())
    assert 0 <= float(terms["uco_0"]) <= 0.001 + 1e-7  # lambda * omega(1) = 0.01 * 0.1
    assert DECObjective().term_names == ("kl",)
