"""scikit-learn's estimator checks over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeepclust import AECM, DCN, DDC, DEC, IDEC, ACeDeC, ClusteringModule

ESTIMATORS = [
    DDC(hidden_dims=(16,), n_hidden=16, n_init=1, max_epochs=20, batch_size=32, random_state=0),
    DDC(hidden_dims=(16, 16), n_hidden=8, n_init=2, max_epochs=10, batch_size=64, patience=3,
        random_state=0),
    DDC(hidden_dims=(16, 8), n_hidden=16, uco_kernel="naive", n_init=1, max_epochs=20,
        batch_size=32, random_state=0),
    DDC(hidden_dims=(16, 8), n_hidden=16, uco_kernel="tensor", uco_weighting="exponential",
        reconstruction_weight=0.1, n_init=1, max_epochs=20, batch_size=32, random_state=0),
]

ESTIMATORS += [
    ClusteringModule(n_clusters=3, n_init=2, max_epochs=20, batch_size=16, lr=1e-2,
                     random_state=0),
    AECM(n_clusters=3, hidden_dims=(16,), n_embed=4, init="k-means", n_init=1, max_epochs=30,
         batch_size=16, lr=1e-2, random_state=0),
]

ESTIMATORS += [
    DCN(n_clusters=3, hidden_dims=(16,), n_embed=4, pretrain_epochs=10, max_epochs=10,
        batch_size=16, lr=1e-3, random_state=0),
    ACeDeC(n_clusters=3, hidden_dims=(16,), n_embed=4, pretrain_epochs=10, init_epochs=3,
           max_epochs=10, batch_size=16, lr=1e-3, random_state=0),
]

# The conv forms (encoder="cnn") need images of at least 20x20, which the checks' tabular data
# is not; tests/test_dec.py covers them.
ESTIMATORS += [
    DEC(n_clusters=3, hidden_dims=(16,), n_embed=3, n_init=1, pretrain_epochs=10, max_epochs=10,
        batch_size=32, random_state=0),
    IDEC(n_clusters=3, hidden_dims=(16,), n_embed=3, n_init=2, pretrain_epochs=10, max_epochs=10,
         batch_size=32, uco_kernel="naive", random_state=0),
    DEC(n_clusters=3, hidden_dims=(16, 8), n_embed=3, uco_kernel="tensor",
        uco_weighting="exponential", pretrain_noise=0.1, update_interval=2, tol=0.01, n_init=1,
        pretrain_epochs=10, max_epochs=10, batch_size=32, random_state=0),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
