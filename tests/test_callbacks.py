"""The clustering callbacks of skdeepclust.callbacks, run inside the estimators that use them.

TargetDistributionUpdate and CentroidUpdate are exercised through DEC (tests/test_dec.py) and
DCN/ACeDeC (tests/test_dcn.py, tests/test_acedec.py), whose parameters drive them.
"""

import numpy as np
import pytest
import torch
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

from skdeepclust import DCN, DDC, DEC, ClusteringModule
from skdeepclust.callbacks import EvalLossCheckpoint, FeatureDrift, ObjectiveMismatchMonitor
from skdeepclust.metrics import clustering_accuracy, feature_drift, r_ofm
from tests.registry import fast

#: Filled by the recording callback below (callbacks are cloned per restart, so they cannot
#: keep what they saw on themselves).
STEPS: list = []


class _RecordSteps(Callback):
    """Stores the module's weights after every optimiser step, with the epoch."""

    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            state = {k: v.detach().clone() for k, v in net.module_.state_dict().items()}
            STEPS.append((len(net.history), state))


@pytest.fixture(autouse=True)
def _clear_steps():
    STEPS.clear()
    yield
    STEPS.clear()


def test_weight_averaging_epoch_loads_the_mean_of_its_steps(blobs):
    X = StandardScaler().fit_transform(blobs[0]).astype(np.float32)
    model = ClusteringModule(n_clusters=3, n_init=1, max_epochs=10, batch_size=32, lr=1e-2,
                             random_state=0, callbacks=[_RecordSteps()]).fit(X)
    assert model.net_.history[-1, "averaging_epoch"] is True
    last_epoch = [state for epoch, state in STEPS if epoch == model.n_iter_]
    assert len(last_epoch) == 150 // 32
    final = model.net_.module_.state_dict()
    for name, value in final.items():
        mean = torch.stack([state[name] for state in last_epoch]).mean(0)
        torch.testing.assert_close(value, mean)
        # ... and differs from the weights after the last step.
        assert not torch.equal(value, last_epoch[-1][name])


def test_eval_loss_checkpoint_restores_the_best_checked_state(blobs):
    X, _ = blobs
    model = fast(DDC, max_epochs=7, callbacks=[EvalLossCheckpoint(every=3),
                                               _RecordSteps()]).fit(X)
    history = model.net_.history
    checked = {h["epoch"]: h["checkpoint_loss"] for h in history if "checkpoint_loss" in h}
    assert sorted(checked) == [3, 6, 7]  # every 3 epochs and the last one
    best_epoch = min(checked, key=checked.get)
    # The restored weights are those at the end of the best checked epoch, and the
    # restart's selection score is the checkpoint's eval-mode loss.
    end_of_epoch = [state for epoch, state in STEPS if epoch == best_epoch][-1]
    for name, value in model.net_.module_.state_dict().items():
        torch.testing.assert_close(value, end_of_epoch[name])
    assert model.restart_scores_[0] == pytest.approx(checked[best_epoch], rel=1e-5)


def test_eval_loss_checkpoint_names_unknown_terms(blobs):
    with pytest.raises(ValueError, match="separation"):
        fast(DDC, max_epochs=2, callbacks=[EvalLossCheckpoint(every=1, term="nope")]).fit(blobs[0])


def test_objective_mismatch_monitor_feeds_r_ofm(blobs):
    X, y = blobs
    model = fast(DDC, uco_kernel="naive", max_epochs=6,
                 callbacks=[ObjectiveMismatchMonitor(y, every=1)]).fit(X)
    history = model.net_.history
    assert len(history[:, "monitor_aux"]) == 6
    assert all(0 <= s <= 1 for s in history[:, "monitor_score"])
    slope, r2 = r_ofm(history[:, "monitor_aux"], history[:, "monitor_score"])
    assert np.isnan(r2) or r2 <= 1


def test_objective_mismatch_monitor_needs_one_label_per_sample(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="got 10 labels for 150 training samples"):
        fast(DDC, max_epochs=2, callbacks=[ObjectiveMismatchMonitor(y[:10], every=1)]).fit(X)


def test_objective_mismatch_monitor_records_the_unweighted_aux_loss(blobs):
    X, y = blobs

    def monitored(weighted):
        model = fast(DDC, uco_kernel="naive", uco_weight=0.01, max_epochs=2, random_state=0,
                     callbacks=[ObjectiveMismatchMonitor(y, every=1, weighted=weighted)]).fit(X)
        return np.array(model.net_.history[:, "monitor_aux"])

    np.testing.assert_allclose(monitored(False), monitored(True) / 0.01, rtol=1e-5)


def test_objective_mismatch_monitor_with_hard_assignments(blobs):
    X, y = blobs
    model = DCN(3, hidden_dims=(16,), n_embed=3, pretrain_epochs=2, max_epochs=2,
                batch_size=32, random_state=0,
                callbacks=[ObjectiveMismatchMonitor(y, every=1)]).fit(X)
    scores = model.net_.history[:, "monitor_score"]
    assert len(scores) == 2 and all(0 <= s <= 1 for s in scores)
    assert scores[-1] == pytest.approx(clustering_accuracy(y, model.predict(X)))


def test_monitors_need_an_auxiliary_loss(blobs):
    X, y = blobs
    for callback in (ObjectiveMismatchMonitor(y, every=1), FeatureDrift(every=1)):
        with pytest.raises(ValueError, match="needs an objective with auxiliary terms"):
            fast(DDC, max_epochs=1, callbacks=[callback]).fit(X)


def test_feature_drift_is_the_mean_gradient_cosine(blobs):
    X, _ = blobs
    # One epoch, so the fitted weights are the ones the drift was measured with.
    model = fast(DDC, uco_kernel="naive", max_epochs=1, random_state=0,
                 callbacks=[FeatureDrift(every=1)]).fit(X)
    (drift,) = model.net_.history[:, "feature_drift"]
    assert -1 <= drift <= 1
    # Recompute it by hand from the fitted network.
    net = model.net_
    net.module_.eval()
    order = np.random.RandomState(0).permutation(len(X))
    size = min(net.batch_size, len(X))
    params = list(net.module_.encoder.parameters())
    expected = []
    for start in range(0, len(X) - len(X) % size, size):
        batch = torch.as_tensor(X[order[start : start + size]])
        terms = net.criterion_(net.module_(batch), batch)
        aux = sum(v for k, v in terms.items() if k.startswith("uco_"))
        cluster = sum(v for k, v in terms.items() if not k.startswith("uco_"))
        expected.append(feature_drift(cluster, aux, params))
    assert drift == pytest.approx(float(np.mean(expected)), abs=1e-6)


def test_feature_drift_with_dec_targets(blobs):
    X, _ = blobs
    model = DEC(3, hidden_dims=(16,), n_embed=3, pretrain_epochs=2, max_epochs=2, tol=0.0,
                batch_size=32, uco_kernel="naive", random_state=0,
                callbacks=[FeatureDrift(every=1)]).fit(X)
    assert all(-1 <= d <= 1 for d in model.net_.history[:, "feature_drift"])
