"""Deep clustering estimators that behave like scikit-learn clusterers."""

from skdeepclust._aecm import AECM, ClusteringModule
from skdeepclust._ddc import DDC

__version__ = "0.1.0"

__all__ = ["DDC", "__version__"]

__all__ += ["AECM", "ClusteringModule"]
