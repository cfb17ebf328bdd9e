"""DCN network and objective: assignments and centroid updates."""

import torch

from skdeepclust.losses.dcn import running_mean_update
from skdeepclust.nn.dcn import DCNNetwork, DCNObjective


def test_dcn_network_assigns_nearest_center_and_updates_with_reembedded_batch():
    torch.manual_seed(0)
    net = DCNNetwork((4,), n_clusters=3, hidden_dims=(6,), n_embed=2)
    x = torch.randn(12, 4)
    with torch.no_grad():
        z = net.embed(x)
    centers = z[:3].clone()
    net.set_centers(centers, torch.full((3,), 10.0))
    labels, z_out, x_hat, assigned = net(x)
    expected = torch.cdist(z, centers).argmin(1)
    torch.testing.assert_close(labels, expected)
    torch.testing.assert_close(assigned, centers[expected])
    assert x_hat.shape == (12, 4)
    ref_centers, ref_counts = running_mean_update(centers, torch.full((3,), 10.0), z, expected)
    net.update_centers(x)
    torch.testing.assert_close(net.centers, ref_centers)
    torch.testing.assert_close(net.counts, ref_counts)


def test_dcn_objective_terms():
    torch.manual_seed(0)
    net = DCNNetwork((4,), n_clusters=2, hidden_dims=(), n_embed=2)
    x = torch.randn(8, 4)
    net.set_centers(torch.randn(2, 2), torch.ones(2))
    outputs = net(x)
    terms = DCNObjective(cluster_weight=3.0)(outputs, x)
    z, assigned = outputs[1], outputs[3]
    expected_cluster = 1.5 * ((z - assigned) ** 2).sum(1).mean()
    torch.testing.assert_close(terms["clustering"], expected_cluster)
    torch.testing.assert_close(terms["reconstruction"], ((x - outputs[2]) ** 2).sum(1).mean())
    assert tuple(terms) == DCNObjective.term_names
