"""torch.nn building blocks: encoders, clustering heads and per-method objectives."""

from skdeepclust.nn.ddc import DDCHead
from skdeepclust.nn.encoders import CNNEncoder, GRUEncoder, MLPEncoder, build_encoder

__all__ = ["CNNEncoder", "DDCHead", "GRUEncoder", "MLPEncoder", "build_encoder"]
