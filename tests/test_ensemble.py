"""Consensus voting over restarts."""

import numpy as np
import pytest

from skdeepclust.ensemble import consensus_vote, matching_permutation


def test_permuted_identical_runs_agree():
    base = np.array([0, 0, 1, 1, 2, 2])
    runs = [base, (base + 1) % 3, (base + 2) % 3]
    np.testing.assert_array_equal(consensus_vote(runs), base)


def test_majority_overrules_best_run():
    runs = [[0, 0, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]]
    # Aligned to run 0: [0,0,1,1], [0,1,1,1] -> sample 1 gets votes 0,0,1 -> 0; all agree elsewhere.
    np.testing.assert_array_equal(consensus_vote(runs), [0, 0, 1, 1])
    runs = [[0, 1, 1, 1], [0, 0, 1, 1], [1, 1, 0, 0]]
    np.testing.assert_array_equal(consensus_vote(runs), [0, 0, 1, 1])


def test_scores_pick_reference_and_top():
    runs = np.array([[0, 1, 1, 1], [0, 0, 1, 1], [5, 5, 7, 7]])
    # Run 1 is best; with top=1 only it votes.
    np.testing.assert_array_equal(consensus_vote(runs, scores=[3.0, 1.0, 2.0], top=1), runs[1])


def test_tie_goes_to_reference():
    runs = [[0, 0, 1, 1], [0, 1, 1, 0]]
    np.testing.assert_array_equal(consensus_vote(runs, top=None), [0, 0, 1, 1])


@pytest.mark.parametrize(
    "labelings, kwargs, error, match",
    [
        ([0, 1, 2], {}, ValueError, "shape"),
        ([[0.5, 1.0]], {}, TypeError, "integer"),
        ([[0, 1], [1, 0]], {"scores": [1.0]}, ValueError, "scores must have shape"),
        ([[0, 1]], {"top": 0}, ValueError, "top must be"),
    ],
)
def test_bad_input(labelings, kwargs, error, match):
    with pytest.raises(error, match=match):
        consensus_vote(labelings, **kwargs)


def test_matching_permutation_relabels_onto_the_reference():
    reference = np.array([0, 0, 1, 1, 2, 2, 2])
    labels = np.array([2, 2, 0, 0, 1, 1, 0])
    permutation = matching_permutation(reference, labels, 4)
    assert sorted(permutation) == [0, 1, 2, 3]  # a permutation, empty cluster 3 included
    np.testing.assert_array_equal(permutation[:3], [1, 2, 0])
    assert (permutation[labels] == reference).sum() == 6
