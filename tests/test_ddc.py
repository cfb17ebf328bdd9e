"""What DDC does beyond the shared behaviour (tests/test_estimators.py): its loss terms, the
UCO companion objectives, its encoders, early stopping on patience."""

import numpy as np
import pytest
import torch
from sklearn.metrics import adjusted_rand_score

from skdeepclust import DDC
from skdeepclust.datasets import make_blobs_images
from tests.registry import FAST, fast


def test_separates_blobs(blobs):
    X, y = blobs
    labels = fast(DDC, max_epochs=30).fit_predict(X)
    assert adjusted_rand_score(y, labels) > 0.9


def test_history_has_every_term(blobs):
    X, _ = blobs
    model = fast(DDC).fit(X)
    history = model.net_.history
    for key in ("train_loss", "train_separation", "train_orthogonality", "train_simplex"):
        assert len(history[:, key]) == FAST[DDC]["max_epochs"]
    total = np.array(history[:, "train_loss"])
    names = ("separation", "orthogonality", "simplex")
    parts = sum(np.array(history[:, f"train_{name}"]) for name in names)
    np.testing.assert_allclose(total, parts, rtol=1e-5)
    # The embedding is the last hidden layer.
    assert model.transform(X).shape == (150, FAST[DDC]["n_hidden"])


def test_patience_stops_early(blobs):
    X, _ = blobs
    model = fast(DDC, max_epochs=200, patience=2).fit(X)
    assert model.n_iter_ < 200


def test_auto_epochs_are_30_or_about_420_steps_whichever_is_fewer(blobs, monkeypatch):
    import skdeepclust._ddc
    from skdeepclust._ddc import AUTO_EPOCHS, AUTO_STEPS

    # 1 797 samples make 14 full batches of 120: 30 epochs are 420 steps.
    assert DDC()._training_epochs(1797) == AUTO_EPOCHS == 30
    assert DDC()._training_epochs(150) == AUTO_EPOCHS
    assert DDC()._training_epochs(5000) == 11  # 41 batches: 451 steps
    assert DDC(batch_size=60)._training_epochs(5000) == -(-AUTO_STEPS // 83)  # 6
    assert DDC(max_epochs=7)._training_epochs(5000) == 7
    X, _ = blobs
    monkeypatch.setattr(skdeepclust._ddc, "AUTO_STEPS", 80)
    model = fast(DDC, max_epochs="auto", batch_size=4).fit(X)  # 37 batches per epoch
    assert model.n_iter_ == len(model.net_.history) == 3


def test_images_get_the_lenet_encoder_and_its_mirror():
    X, _ = make_blobs_images(n_samples=40, n_clusters=2, image_shape=(1, 20, 20), random_state=0)
    model = DDC(n_clusters=2, reconstruction_weight=0.1, n_init=1, max_epochs=1, batch_size=20,
                random_state=0).fit(X)
    assert type(model.net_.module_.encoder).__name__ == "LeNetEncoder"
    assert type(model.net_.module_.decoder).__name__ == "LeNetDecoder"


def test_gru_encoder_on_sequences():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 12, 2).astype(np.float32)
    X[:30] += np.sin(np.linspace(0, 6, 12))[None, :, None]
    model = DDC(n_clusters=2, encoder="gru", n_init=1, max_epochs=2, batch_size=30,
                random_state=0).fit(X)
    assert model.labels_.shape == (60,)
    assert model.input_shape_ == (12, 2)


@pytest.mark.parametrize("uco_kernel", ["naive", "tensor"])
def test_companion_objectives_on_cnn_blocks(uco_kernel):
    X, _ = make_blobs_images(n_samples=60, n_clusters=2, image_shape=(1, 20, 20), random_state=0)
    model = DDC(n_clusters=2, uco_kernel=uco_kernel, n_init=1, max_epochs=2, batch_size=30,
                random_state=0).fit(X)
    history = model.net_.history
    total = np.array(history[:, "train_loss"])
    names = ("separation", "orthogonality", "simplex", "uco_0", "uco_1")
    np.testing.assert_allclose(total, sum(np.array(history[:, f"train_{n}"]) for n in names),
                               rtol=1e-5)
    assert all(0 <= v <= 0.01 for v in history[:, "train_uco_0"])


def test_companion_objectives_and_decoder_on_mlp(blobs):
    X, _ = blobs
    model = fast(DDC, uco_kernel="naive", uco_weighting="linear",
                 reconstruction_weight=0.1).fit(X)
    keys = model.net_.history[-1].keys()
    assert {"train_uco_0", "train_reconstruction"} <= set(keys)
    assert len(FAST[DDC]["hidden_dims"]) == 1
    assert "train_uco_1" not in keys  # one hidden layer = one block


def test_term_weights_switch_terms_off_and_scale_them():
    X = np.random.RandomState(0).rand(60, 5).astype(np.float32)
    model = DDC(3, hidden_dims=(8,), n_init=1, max_epochs=1, batch_size=30, random_state=0,
                term_weights=(1.0, 0.0, 2.0)).fit(X)
    terms = {k for k in model.net_.history[-1] if k.startswith("train_")}
    assert "train_orthogonality" not in terms and "train_simplex" in terms
    with pytest.raises(ValueError, match="one weight per DDC term"):
        DDC(3, term_weights=(1.0, 1.0)).fit(X)
    with pytest.raises(ValueError, match="all 0"):
        DDC(3, term_weights=(0, 0, 0)).fit(X)


def test_objective_options_match_the_loss_functions():
    from skdeepclust.kernels import median_gaussian_kernel
    from skdeepclust.losses.ddc import ddc_orthogonality, ddc_separation, ddc_simplex
    from skdeepclust.nn.ddc import DDCObjective

    torch.manual_seed(0)
    A = torch.softmax(torch.randn(20, 4), 1)
    H = torch.randn(20, 6)
    terms = DDCObjective(term_weights=(2.0, 3.0, 0.5), orthogonality="sum",
                         cs_normalization="clusters")((A, H), None)
    K = median_gaussian_kernel(H, 0.15)
    torch.testing.assert_close(terms["separation"], 2.0 * ddc_separation(A, K, "clusters"))
    torch.testing.assert_close(terms["orthogonality"], 3.0 * ddc_orthogonality(A, "sum"))
    torch.testing.assert_close(terms["simplex"], 0.5 * ddc_simplex(A, K, "clusters"))


def test_vote_averages_the_aligned_assignments_of_the_best_restarts(blobs):
    X, y = blobs
    model = fast(DDC, n_init=4, vote=3, max_epochs=4).fit(X)
    order = np.argsort(model.restart_scores_, kind="stable")
    np.testing.assert_array_equal(model.vote_restarts_, order[:3])
    assert model.vote_restarts_[0] == model.best_restart_
    assert len(model.voting_nets_) == 3 and model.voting_nets_[0] is model.net_
    # The model's assignments: the mean of each voter's, in the best restart's numbering.
    expected = np.zeros((len(X), 3))
    for net, permutation in zip(model.voting_nets_, model.voting_permutations_, strict=True):
        expected[:, permutation] += net.predict_proba(X)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba, expected / 3, atol=1e-5)
    np.testing.assert_array_equal(model.labels_, model.predict(X))
    np.testing.assert_array_equal(model.labels_, proba.argmax(1))
    # Each permutation maps the voter's training labels onto the best restart's.
    for index, permutation in zip(model.vote_restarts_, model.voting_permutations_,
                                  strict=True):
        aligned = permutation[model.restart_labels_[index]]
        assert adjusted_rand_score(aligned, model.restart_labels_[index]) == 1.0


def test_vote_none_uses_every_restart_and_one_is_the_best_alone(blobs):
    X, _ = blobs
    everyone = fast(DDC, n_init=3, vote=None).fit(X)
    assert sorted(everyone.vote_restarts_) == [0, 1, 2]
    alone = fast(DDC, n_init=3, vote=1).fit(X)
    np.testing.assert_array_equal(alone.vote_restarts_, [alone.best_restart_])
    np.testing.assert_array_equal(alone.labels_, alone.restart_labels_[alone.best_restart_])
    assert fast(DDC, n_init=2, vote=5).fit(X).vote_restarts_.shape == (2,)
