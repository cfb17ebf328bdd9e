"""CM / AE-CM networks and objectives: centroids, k-means++ init, outputs and loss terms."""

import numpy as np
import pytest
import torch

from skdeepclust.losses.cm import (
    aecm_sparsity,
    cm_cross,
    cm_dirichlet_prior,
    cm_reconstruction,
    cm_sparsity,
    orthonormality_penalty,
)
from skdeepclust.nn.cm import (
    AECMNetwork,
    AECMObjective,
    CMHead,
    CMNetwork,
    CMObjective,
    glorot_normal_bias_,
)


def test_centroids_are_decoder_images_of_one_hot_codes():
    torch.manual_seed(0)
    head = CMHead(5, 3)
    expected = head.decode(torch.eye(3))
    torch.testing.assert_close(head.centroids, expected)
    # The random init has non-zero decoder biases, so U differs from W_dec alone.
    assert head.decoder.bias.abs().sum() > 0


def test_reconstruction_is_gamma_times_centroids():
    torch.manual_seed(0)
    head = CMHead(4, 3)
    gamma = head(torch.randn(6, 4))
    torch.testing.assert_close(gamma.sum(1), torch.ones(6))
    torch.testing.assert_close(head.decode(gamma), gamma @ head.centroids)


def test_set_centroids_independent_centres():
    torch.manual_seed(0)
    head = CMHead(5, 3)
    centers = np.random.RandomState(0).randn(3, 5)
    head.set_centroids(centers)
    torch.testing.assert_close(head.centroids.double(), torch.as_tensor(centers))
    assert head.encoder.bias.abs().sum() == 0 and head.decoder.bias.abs().sum() == 0
    # W_enc = pinv(C): the logits of centre j are the one-hot e_j.
    logits = head.encoder(torch.as_tensor(centers, dtype=torch.float32))
    torch.testing.assert_close(logits, torch.eye(3), atol=1e-5, rtol=0)


def test_set_centroids_dependent_centres_stay_bounded():
    # Centres of centred data: their size-weighted sum is zero, so C has rank k - 1 up to
    # float32 rounding. An exact pseudo-inverse would blow the encoder weights up.
    rng = np.random.RandomState(0)
    centers = rng.randn(3, 4).astype(np.float32)
    centers[2] = -(centers[0] + centers[1]) + 1e-7
    head = CMHead(4, 3)
    head.set_centroids(centers)
    assert head.encoder.weight.abs().max() < 10


def test_set_centroids_with_a_variance_gives_the_gaussian_posterior():
    rng = np.random.RandomState(0)
    centers, X = rng.randn(3, 5), rng.randn(50, 5)
    head = CMHead(5, 3)
    head.set_centroids(centers, variance=0.7)
    gamma = head(torch.as_tensor(X, dtype=torch.float32)).detach().double().numpy()
    distances = ((X[:, None] - centers[None]) ** 2).sum(-1)
    posterior = np.exp(-distances / 1.4)
    posterior /= posterior.sum(1, keepdims=True)
    np.testing.assert_allclose(gamma, posterior, atol=1e-5)
    torch.testing.assert_close(head.centroids.double(), torch.as_tensor(centers))
    with pytest.raises(ValueError, match="variance"):
        head.set_centroids(centers, variance=0.0)


def test_set_centroids_rejects_wrong_shape():
    with pytest.raises(ValueError, match="shape"):
        CMHead(4, 3).set_centroids(np.zeros((4, 3)))


def test_glorot_normal_bias_scale():
    torch.manual_seed(0)
    bias = glorot_normal_bias_(torch.empty(20000))
    assert bias.std().item() == pytest.approx(1 / np.sqrt(20000), rel=0.05)
    assert bias.abs().max().item() <= 2 / np.sqrt(20000) / 0.8796 + 1e-9


def test_cm_network_outputs():
    torch.manual_seed(0)
    net = CMNetwork((2, 3), 4)
    x = torch.randn(5, 2, 3)
    gamma, code = net(x)
    assert gamma.shape == (5, 4) and code is gamma
    torch.testing.assert_close(net.objective_inputs()["centroids"], net.head.centroids)


def test_aecm_network_outputs_and_init():
    torch.manual_seed(0)
    net = AECMNetwork((8,), 3, hidden_dims=(16,), n_embed=5, negative_slope=0.2)
    gamma, z, x_hat = net(torch.randn(7, 8))
    assert gamma.shape == (7, 3) and z.shape == (7, 5) and x_hat.shape == (7, 8)
    assert net.objective_inputs()["centroids"].shape == (3, 5)
    activations = [m for m in net.autoencoder.modules() if isinstance(m, torch.nn.LeakyReLU)]
    assert len(activations) == 2 and all(a.negative_slope == 0.2 for a in activations)
    for layer in net.autoencoder.modules():
        if isinstance(layer, torch.nn.Linear):
            assert layer.bias.abs().sum() > 0  # Glorot-normal biases, not zeros


def _batch(n=9, d=4, k=3, seed=0):
    torch.manual_seed(seed)
    x = torch.randn(n, d)
    gamma = torch.softmax(torch.randn(n, k), dim=1)
    centroids = torch.randn(k, d)
    return x, gamma, centroids


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_cm_objective_terms(reduction):
    x, gamma, centroids = _batch()
    terms = CMObjective(alpha=2.0, reduction=reduction)((gamma, gamma), x, centroids=centroids)
    assert tuple(terms) == CMObjective.term_names
    torch.testing.assert_close(terms["reconstruction"],
                               cm_reconstruction(x, gamma, centroids, reduction=reduction))
    torch.testing.assert_close(terms["sparsity"],
                               cm_sparsity(gamma, centroids, reduction=reduction))
    torch.testing.assert_close(terms["cross"], cm_cross(gamma, centroids, reduction=reduction))
    torch.testing.assert_close(terms["prior"], cm_dirichlet_prior(gamma, 2.0))
    # E1 + E2 + E3 is the expected squared distance to the centroids.
    distortion = (gamma * torch.cdist(x, centroids) ** 2).sum()
    if reduction == "mean":
        distortion = distortion / 9
    data_terms = terms["reconstruction"] + terms["sparsity"] + terms["cross"]
    torch.testing.assert_close(data_terms, distortion, rtol=1e-4, atol=1e-4)


def test_cm_objective_vector_alpha_follows_device_buffer():
    _, gamma, centroids = _batch()
    objective = CMObjective(alpha=(1.0, 2.0, 3.0))
    assert "alpha" in dict(objective.named_buffers())
    terms = objective((gamma, gamma), torch.randn(9, 4), centroids=centroids)
    torch.testing.assert_close(terms["prior"], cm_dirichlet_prior(gamma, [1.0, 2.0, 3.0]))


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_aecm_objective_terms(reduction):
    z, gamma, centroids = _batch(d=5)
    x = torch.randn(9, 6)
    x_hat = torch.randn(9, 6)
    objective = AECMObjective(alpha=1.5, beta=0.3, lam=0.7, reduction=reduction)
    terms = objective((gamma, z, x_hat), x, centroids=centroids)
    assert tuple(terms) == AECMObjective.term_names
    scale = 1.0 if reduction == "sum" else 1 / 9
    torch.testing.assert_close(terms["cm_reconstruction"],
                               cm_reconstruction(z, gamma, centroids, reduction=reduction))
    torch.testing.assert_close(terms["sparsity"], aecm_sparsity(gamma, reduction=reduction))
    torch.testing.assert_close(terms["orthonormality"], 0.7 * orthonormality_penalty(centroids))
    torch.testing.assert_close(terms["prior"], cm_dirichlet_prior(gamma, 1.5))
    torch.testing.assert_close(terms["ae_reconstruction"],
                               0.3 * scale * ((x - x_hat) ** 2).sum())


def test_every_aecm_term_reaches_the_encoder():
    torch.manual_seed(0)
    net = AECMNetwork((6,), 3, hidden_dims=(8,), n_embed=4)
    objective = AECMObjective(alpha=2.0)
    x = torch.randn(10, 6)
    first_layer = net.autoencoder.encoder[0].weight
    for name in ("cm_reconstruction", "sparsity", "prior", "ae_reconstruction"):
        net.zero_grad()
        objective(net(x), x, **net.objective_inputs())[name].backward()
        assert first_layer.grad.abs().sum() > 0, name
    net.zero_grad()
    objective(net(x), x, **net.objective_inputs())["orthonormality"].backward()
    assert net.head.decoder.weight.grad.abs().sum() > 0
