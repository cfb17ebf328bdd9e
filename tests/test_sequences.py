"""Sequences of any length in DDC with the recurrent encoder (encoder="gru"): the input forms
(lists, NaN-padded arrays, equal-length arrays), invariance to padding and to sample order,
model selection and persistence, the errors on bad sequences, the GRU's options and the
companion objectives on its blocks."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skdeepclust import DCN, DDC, DEC
from skdeepclust.kernels import gaussian_kernel, kernel_width, pairwise_sq_dists
from skdeepclust.losses.ddc import cs_divergence
from skdeepclust.nn.ddc import DDCNetwork, DDCObjective

#: A small recurrent DDC: one restart, two epochs, narrow layers.
GRU_FAST = dict(encoder="gru", encoder__hidden_size=8, n_hidden=8, n_init=1, max_epochs=2,
                batch_size=20, random_state=0, device="cpu")


def make_sequences(n=40, seed=0):
    """Two kinds of 2-channel series (a slow sine and a fast cosine, mirrored in the second
    channel) of 5 to 14 time steps, as a list, and the kind of each."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    sequences = []
    for kind in y:
        t = np.linspace(0, 3, rng.randint(5, 15))
        base = np.sin(t) if kind else np.cos(3 * t)
        sequences.append((np.stack([base, -base], axis=1)
                          + 0.1 * rng.standard_normal((len(t), 2))).astype(np.float32))
    return sequences, y


def pad(sequences, n_steps, value=np.nan):
    """The sequences in one array of ``n_steps`` time steps, filled with ``value`` after each."""
    out = np.full((len(sequences), n_steps, sequences[0].shape[1]), value, dtype=np.float32)
    for row, sequence in zip(out, sequences, strict=True):
        row[: len(sequence)] = sequence
    return out


def standardize_each(sequences):
    """Per-sequence standardisation, a preprocessing step that keeps the list form."""
    return [(s - s.mean(axis=0)) / (s.std(axis=0) + 1e-6) for s in sequences]


@pytest.fixture(scope="module")
def sequences():
    return make_sequences()


@pytest.fixture(scope="module")
def fitted(sequences):
    """A recurrent DDC fitted once on the list; tests only read it."""
    X, _ = sequences
    return DDC(2, **GRU_FAST).fit(X)


# ------------------------------------------------------------------------ padding, order


def test_padding_and_form_do_not_change_embedding_or_label(sequences, fitted):
    X, _ = sequences
    longest = max(len(s) for s in X)
    reference = fitted.transform(X)
    labels = fitted.predict(X)
    np.testing.assert_array_equal(labels, fitted.labels_)
    for padded in (pad(X, longest), pad(X, longest + 9), pad(X, 3 * longest)):
        np.testing.assert_allclose(fitted.transform(padded), reference, atol=1e-5)
        np.testing.assert_array_equal(fitted.predict(padded), labels)
    # Inputs are brought to the training length where they fit in it; a sequence longer than
    # any in training widens the whole batch, so the others really carry more padding.
    with_longer = X + [np.concatenate([X[0]] * 3)]
    np.testing.assert_allclose(fitted.transform(with_longer)[: len(X)], reference, atol=1e-5)
    np.testing.assert_array_equal(fitted.predict(with_longer)[: len(X)], labels)
    # One sequence on its own, unpadded, and in a batch padded far beyond its length.
    for i in (0, 7):
        alone = fitted.transform([X[i]])
        np.testing.assert_allclose(alone[0], reference[i], atol=1e-5)
        np.testing.assert_allclose(fitted.transform(pad([X[i], X[i][:2]], 40))[0], reference[i],
                                   atol=1e-5)
        assert fitted.predict([X[i]])[0] == labels[i]
    # Control: zeros instead of NaN are data, not padding, and they do change the embedding.
    zero_padded = fitted.transform(pad(X, longest + 9, value=0.0))
    assert np.abs(zero_padded - reference).max() > 1e-3


def test_equal_lengths_as_list_or_array_agree(sequences):
    X, _ = sequences
    cropped = [s[:5] for s in X]
    from_list = DDC(2, **GRU_FAST).fit(cropped)
    from_array = DDC(2, **GRU_FAST).fit(np.stack(cropped))
    assert from_list.input_shape_ == from_array.input_shape_ == (5, 2)
    np.testing.assert_array_equal(from_list.labels_, from_array.labels_)
    np.testing.assert_allclose(from_list.transform(cropped), from_array.transform(cropped),
                               atol=1e-6)


def test_fit_does_not_depend_on_the_padding(sequences):
    X, _ = sequences
    longest = max(len(s) for s in X)
    on_list = DDC(2, **GRU_FAST).fit(X)
    on_padded = DDC(2, **GRU_FAST).fit(pad(X, longest + 6))
    # The time axis is cropped to the longest sequence, so both train on the same array.
    assert on_list.input_shape_ == on_padded.input_shape_ == (longest, 2)
    np.testing.assert_array_equal(on_list.labels_, on_padded.labels_)
    np.testing.assert_allclose(on_list.transform(X), on_padded.transform(X), atol=1e-6)


def test_predict_is_order_invariant(sequences, fitted):
    X, _ = sequences
    order = np.random.RandomState(1).permutation(len(X))
    permuted = [X[i] for i in order]
    np.testing.assert_array_equal(fitted.predict(permuted), fitted.predict(X)[order])
    np.testing.assert_allclose(fitted.predict_proba(permuted), fitted.predict_proba(X)[order],
                               atol=1e-6)


def test_sequences_longer_than_in_training(sequences, fitted):
    X, _ = sequences
    longer = np.concatenate([X[0], X[0], X[0]])
    assert len(longer) > fitted.input_shape_[0]
    together = fitted.transform([longer, X[1]])
    np.testing.assert_allclose(together[0], fitted.transform([longer])[0], atol=1e-5)
    np.testing.assert_allclose(together[1], fitted.transform(X)[1], atol=1e-5)
    assert fitted.predict_proba([longer, X[1]]).shape == (2, 2)


def test_fit_predict_and_fit_transform_take_lists(sequences, fitted):
    X, _ = sequences
    np.testing.assert_array_equal(DDC(2, **GRU_FAST).fit_predict(X), fitted.labels_)
    np.testing.assert_allclose(DDC(2, **GRU_FAST).fit_transform(X), fitted.transform(X),
                               atol=1e-6)
    assert np.isfinite(fitted.score(X))


# ---------------------------------------------------- pipelines, search, clone and pickle


def test_list_through_pipeline(sequences, fitted):
    X, _ = sequences
    passthrough = make_pipeline(FunctionTransformer(), DDC(2, **GRU_FAST))
    np.testing.assert_array_equal(passthrough.fit_predict(X), fitted.labels_)
    scaled = make_pipeline(FunctionTransformer(standardize_each), DDC(2, **GRU_FAST)).fit(X)
    alone = DDC(2, **GRU_FAST).fit(standardize_each(X))
    np.testing.assert_array_equal(scaled.predict(X), alone.labels_)


def test_grid_search_over_gru_options(sequences):
    X, y = sequences
    search = GridSearchCV(DDC(2, **{**GRU_FAST, "max_epochs": 1}),
                          {"encoder__hidden_size": [4, 8]}, cv=2,
                          scoring="adjusted_rand_score").fit(X, y)
    assert search.best_params_["encoder__hidden_size"] in (4, 8)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    width = 2 * best.get_params()["encoder__hidden_size"]
    assert best.net_.module_.encoder.output_shape == (width,)
    assert search.predict(X).shape == (len(X),)


def test_clone_and_pickle_round_trip(sequences, fitted):
    X, _ = sequences
    params = clone(fitted).get_params()
    assert params["encoder"] == "gru" and params["encoder__hidden_size"] == 8
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))
    np.testing.assert_allclose(restored.transform(X), fitted.transform(X), atol=0)


# -------------------------------------------------------------------------- bad sequences


def _nan_inside():
    X = pad(make_sequences(4)[0], 16)
    X[1, 2] = np.nan  # a whole step missing before observed ones
    return X


def _partial_nan_step():
    X = pad(make_sequences(4)[0], 16)
    X[2, 1, 0] = np.nan  # one channel of a step
    return X


def _all_nan_row():
    X = pad(make_sequences(4)[0], 16)
    X[3] = np.nan
    return X


def _list_with_nan_inside():
    X = make_sequences(4)[0]
    X[0] = X[0].copy()
    X[0][1] = np.nan
    return X


_SEQS = make_sequences(4)[0]


@pytest.mark.parametrize("X, error, match", [
    ([_SEQS[0], _SEQS[1][:, :1]], ValueError,
     "same number of channels; sequence 0 has 2 and sequence 1 has 1"),
    ([_SEQS[0], np.zeros((0, 2))], ValueError, "Sequence 1 is empty"),
    (_all_nan_row(), ValueError, "Sequence 3 is empty: all its time steps are NaN"),
    (_nan_inside(), ValueError, "NaN inside sequence 1 at time step 2"),
    (_partial_nan_step(), ValueError, "NaN inside sequence 2 at time step 1"),
    (_list_with_nan_inside(), ValueError, "NaN inside sequence 0 at time step 1"),
    ([_SEQS[0], _SEQS[1][:, 0]], ValueError,
     r"must be 2-D arrays of shape \(length, channels\); item 1 has shape"),
    ([s[:, 0] for s in _SEQS], ValueError, "2-D arrays of shape"),
    (np.array([[0.0, np.nan]] * 10), ValueError, "NaN"),
    (np.zeros((10, 6), dtype=np.float32), ValueError, "encoder='gru' needs sequences"),
], ids=["ragged-channels", "empty", "all-nan", "nan-step-inside", "nan-in-one-channel",
        "nan-inside-list-item", "1d-item", "1d-items", "nan-in-a-table", "table"])
def test_bad_sequences_are_named(X, error, match):
    with pytest.raises(error, match=match):
        DDC(2, **GRU_FAST).fit(X)


@pytest.mark.parametrize("estimator", [
    DDC(2, encoder="mlp"), DDC(2), DEC(2), DCN(2),
], ids=["DDC-mlp", "DDC-auto", "DEC", "DCN"])
@pytest.mark.parametrize("X", [_SEQS, pad(_SEQS, 16)], ids=["list", "nan-padded"])
def test_variable_length_input_needs_the_gru(estimator, X):
    with pytest.raises(ValueError, match="variable-length input needs encoder='gru'"):
        clone(estimator).fit(X)


def test_bad_sequences_after_fit(sequences, fitted):
    X, _ = sequences
    with pytest.raises(ValueError, match="sequences with 3 channels, but DDC was fitted on 2"):
        fitted.predict(pad([np.ones((4, 3))] * 2, 6))
    with pytest.raises(ValueError, match="same number of channels"):
        fitted.transform([X[0], np.ones((4, 3))])
    with pytest.raises(ValueError, match="NaN inside sequence 1"):
        fitted.predict_proba(_nan_inside())


# ------------------------------------------------------------- GRU options, companion terms


@pytest.mark.parametrize("options, n_blocks, width", [
    ({}, 2, 16),
    ({"encoder__hidden_size": 5, "encoder__n_layers": 3}, 3, 10),
    ({"encoder__hidden_size": 6, "encoder__n_layers": 1, "encoder__bidirectional": False}, 1, 6),
])
def test_gru_options_set_width_depth_and_direction(sequences, options, n_blocks, width):
    X, _ = sequences
    params = {**GRU_FAST, "max_epochs": 1, "uco_kernel": "naive", **options}
    model = DDC(2, **params).fit(X[:20])
    encoder = model.net_.module_.encoder
    assert encoder.output_shape == (width,)
    assert encoder.gru.num_layers == n_blocks
    with torch.no_grad():
        blocks = model.net_.module_.eval()(torch.as_tensor(pad(X[:3], 20).reshape(3, -1)))[2:]
    assert [tuple(b.shape) for b in blocks] == [(3, width)] * n_blocks
    # One companion term per block, so count_blocks agrees with the network.
    terms = {k for k in model.net_.history[-1]
             if k.startswith("train_uco_") and not k.endswith("_best")}
    assert terms == {f"train_uco_{b}" for b in range(n_blocks)}
    # transform is the head's hidden layer, whatever the GRU's width.
    assert model.transform(X[:3]).shape == (3, 8)


def test_bad_gru_options_are_named(sequences):
    X, _ = sequences
    with pytest.raises(TypeError, match="encoder__bidirectional must be True or False"):
        DDC(2, **{**GRU_FAST, "encoder__bidirectional": "no"}).fit(X)
    with pytest.raises(ValueError, match="encoder__n_layers must be a positive int"):
        DDC(2, **{**GRU_FAST, "encoder__n_layers": 0}).fit(X)
    with pytest.raises(TypeError, match="encoder__dropout"):
        DDC(2, **{**GRU_FAST, "encoder__dropout": 0.1}).fit(X)


def test_tensor_kernel_on_gru_blocks_is_refused(sequences):
    X, _ = sequences
    with pytest.raises(ValueError, match="Use uco_kernel='naive' for recurrent encoders"):
        DDC(2, **{**GRU_FAST, "uco_kernel": "tensor"}).fit(X)


def test_reconstruction_needs_one_length(sequences):
    X, _ = sequences
    with pytest.raises(ValueError, match="reconstruction_weight > 0 needs sequences of one len"):
        DDC(2, **{**GRU_FAST, "reconstruction_weight": 0.1}).fit(X)
    model = DDC(2, **{**GRU_FAST, "reconstruction_weight": 0.1}).fit([s[:5] for s in X])
    assert "train_reconstruction" in model.net_.history[-1]
    assert np.isfinite(model.score([s[:5] for s in X]))
    assert model.predict(X).shape == (len(X),)  # the decoder plays no part in predict
    for other_lengths in ([s[:4] for s in X], X):
        with pytest.raises(ValueError, match="needs sequences of the training length 5"):
            model.score(other_lengths)


def test_naive_companion_term_is_gaussian_kernel_on_last_hidden_states(sequences):
    X, _ = sequences
    batch = pad(X[:12], 20)
    network = DDCNetwork((20, 2), n_clusters=2, encoder="gru", n_hidden=8,
                         encoder_options={"hidden_size": 4}).eval()
    with torch.no_grad():
        outputs = network(torch.as_tensor(batch.reshape(12, -1)))
        gru = network.encoder.gru
        # Reference: every sequence alone, unpadded, through the same nn.GRU.
        last = torch.stack([gru(torch.as_tensor(s[None]))[1][:, 0] for s in X[:12]], dim=1)
    assignments, blocks = outputs[0], outputs[2:]
    for layer, block in enumerate(blocks):
        expected = torch.cat([last[2 * layer], last[2 * layer + 1]], dim=1)
        torch.testing.assert_close(block, expected, atol=1e-5, rtol=1e-5)
    terms = DDCObjective(n_blocks=2, uco_kernel="naive", uco_weight=0.5)(outputs, None)
    for layer, block in enumerate(blocks):
        dists = pairwise_sq_dists(block)
        kernel = gaussian_kernel(dists, kernel_width(dists, 0.15))
        torch.testing.assert_close(terms[f"uco_{layer}"], 0.5 * cs_divergence(assignments, kernel))
