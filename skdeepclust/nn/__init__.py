"""torch.nn building blocks: encoders, clustering heads and per-method objectives."""

from skdeepclust.nn.encoders import CNNEncoder, GRUEncoder, MLPEncoder, build_encoder
from skdeepclust.nn.heads import DDCHead

__all__ = ["CNNEncoder", "DDCHead", "GRUEncoder", "MLPEncoder", "build_encoder"]
