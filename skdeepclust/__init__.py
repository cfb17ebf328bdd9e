"""Deep clustering estimators that behave like scikit-learn clusterers."""

from skdeepclust._acedec import ACeDeC
from skdeepclust._aecm import AECM, ClusteringModule
from skdeepclust._autoencoder import Autoencoder
from skdeepclust._dcn import DCN
from skdeepclust._ddc import DDC
from skdeepclust._dec import DEC, IDEC

__version__ = "0.1.0"

__all__ = ["DDC", "__version__"]

__all__ += ["AECM", "ClusteringModule"]
__all__ += ["ACeDeC", "DCN"]
__all__ += ["DEC", "IDEC"]
__all__ += ["Autoencoder"]
