"""Autoencoder helpers: balancing the code layer."""

import torch

from skdeepclust.nn.autoencoders import balance_embedding


def _linear_pair(d_in, d, seed):
    torch.manual_seed(seed)
    return torch.nn.Linear(d_in, d), torch.nn.Linear(d, d_in)


def test_balance_embedding_keeps_the_autoencoder_function():
    torch.manual_seed(0)
    encoder = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    decoder = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 6))
    x = torch.randn(20, 6)
    with torch.no_grad():
        encoder[-1].weight.mul_(torch.tensor([[4.0], [1.0], [0.2]]))   # an unbalanced code
        before = decoder(encoder(x))
    a = balance_embedding(encoder[-1], decoder[0])
    with torch.no_grad():
        torch.testing.assert_close(decoder(encoder(x)), before, atol=1e-5, rtol=1e-4)
    # Balanced: the code layer's two weights now have equal Gram matrices, W_e W_e^T = W_d^T W_d
    # (the stationarity condition of ||A W_e||^2 + ||W_d A^-1||^2), and A is symmetric.
    w_e, w_d = encoder[-1].weight.detach(), decoder[0].weight.detach()
    torch.testing.assert_close(w_e @ w_e.T, w_d.T @ w_d, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(a, a.T)


def test_balance_embedding_of_an_exact_linear_autoencoder_is_a_rotation():
    # d = D and W_d = W_e^-1 (what a linear autoencoder with d = D converges to): after balancing
    # the encoder is orthogonal, so embedding distances are the data's distances.
    encoder, decoder = _linear_pair(4, 4, 0)
    with torch.no_grad():
        encoder.weight.copy_(torch.tensor([[3.0, 1.0, 0.0, 0.0], [0.0, 0.5, 0.0, 0.0],
                                           [0.0, 0.0, 1.0, 2.0], [1.0, 0.0, 0.0, 0.3]]))
        decoder.weight.copy_(torch.linalg.inv(encoder.weight))
    balance_embedding(encoder, decoder)
    w_e = encoder.weight.detach()
    torch.testing.assert_close(w_e @ w_e.T, torch.eye(4), atol=1e-5, rtol=0)
    torch.testing.assert_close(decoder.weight.detach(), w_e.T, atol=1e-5, rtol=0)


def test_balance_embedding_leaves_a_rank_deficient_code_layer_alone():
    encoder, decoder = _linear_pair(3, 5, 0)   # 5 embedding dims from 3 inputs: W_e W_e^T singular
    w_e, w_d = encoder.weight.detach().clone(), decoder.weight.detach().clone()
    a = balance_embedding(encoder, decoder)
    torch.testing.assert_close(a, torch.eye(5, dtype=torch.float64))
    torch.testing.assert_close(encoder.weight.detach(), w_e)
    torch.testing.assert_close(decoder.weight.detach(), w_d)
