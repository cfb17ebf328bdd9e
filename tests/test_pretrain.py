"""The shared autoencoder pretraining path."""

import numpy as np
import pytest
import torch

from skdeepclust._pretrain import pretrain_autoencoder
from skdeepclust.nn.autoencoders import MLPAutoencoder


def _data():
    rng = np.random.RandomState(0)
    return (rng.rand(120, 2) @ rng.rand(2, 12)).astype(np.float32)  # rank-2 data


def _pretrain(seed=0, noise=0.0, epochs=30, warmup_epochs=0, cosine_decay=False):
    torch.manual_seed(seed)
    autoencoder = MLPAutoencoder((12,), (16,), n_embed=2)
    net = pretrain_autoencoder(autoencoder, _data(), epochs=epochs, batch_size=32, lr=1e-2,
                               seed=seed, device="cpu", noise=noise,
                               warmup_epochs=warmup_epochs, cosine_decay=cosine_decay)
    return autoencoder, net


def test_trains_in_place_and_lowers_the_loss():
    autoencoder, net = _pretrain()
    losses = net.history[:, "train_reconstruction"]
    assert losses[-1] < 0.5 * losses[0]
    assert net.module_ is autoencoder
    z, x_hat = autoencoder(torch.as_tensor(_data()))
    assert tuple(z.shape) == (120, 2) and tuple(x_hat.shape) == (120, 12)


def test_same_seed_same_weights():
    first, _ = _pretrain(seed=3, epochs=3)
    second, _ = _pretrain(seed=3, epochs=3)
    for a, b in zip(first.parameters(), second.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_denoising_trains_the_wrapped_autoencoder():
    autoencoder, net = _pretrain(noise=0.1, epochs=5)
    assert net.module_.autoencoder is autoencoder


def test_warmup_raises_the_rate_linearly_per_batch_then_holds_it():
    # 120 samples in batches of 32: 3 full batches per epoch (the last partial one is
    # dropped), so 2 warm-up epochs are 6 steps.
    _, net = _pretrain(epochs=3, warmup_epochs=2)
    used = [batch["event_lr"] for epoch in net.history for batch in epoch["batches"]]
    expected = [1e-2 * min(1.0, (step + 1) / 6) for step in range(9)]
    np.testing.assert_allclose(used, expected, rtol=1e-12)


@pytest.mark.parametrize("warmup_epochs", [0, 2])
def test_cosine_decay_follows_the_warmup_down_towards_zero(warmup_epochs):
    # 4 epochs of 3 batches: 12 steps, the first 3 * warmup_epochs of them warming up.
    _, net = _pretrain(epochs=4, warmup_epochs=warmup_epochs, cosine_decay=True)
    used = np.array([batch["event_lr"] for epoch in net.history for batch in epoch["batches"]])
    n_warmup = 3 * warmup_epochs
    warm = [min(1.0, (t + 1) / n_warmup) if n_warmup else 1.0 for t in range(12)]
    cosine = [0.5 * (1 + np.cos(np.pi * max(0, t - n_warmup) / (12 - n_warmup)))
              for t in range(12)]
    np.testing.assert_allclose(used, 1e-2 * np.array(warm) * np.array(cosine), rtol=1e-12)
    assert used[n_warmup] == 1e-2 and np.all(np.diff(used[n_warmup:]) < 0)


def test_autoencoder_layout_and_activation_check():
    autoencoder = MLPAutoencoder((1, 4, 4), (8, 6), n_embed=3, activation="leaky_relu")
    assert [m.out_features for m in autoencoder.encoder if hasattr(m, "out_features")] == [8, 6, 3]
    assert [m.out_features for m in autoencoder.decoder if hasattr(m, "out_features")] == [6, 8, 16]
    assert isinstance(autoencoder.encoder[-1], torch.nn.Linear)  # linear embedding
    with pytest.raises(ValueError, match="activation must be"):
        MLPAutoencoder((4,), (3,), activation="tanh")
