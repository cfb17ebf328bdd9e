"""scikit-learn's estimator checks over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeepclust import AECM, DDC, ClusteringModule

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


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
