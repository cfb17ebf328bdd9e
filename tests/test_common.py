"""scikit-learn's estimator checks over every public estimator of the registry."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from tests.registry import check_estimators


@parametrize_with_checks(check_estimators())
def test_sklearn_compatible(estimator, check):
    check(estimator)
