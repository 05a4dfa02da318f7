"""res_parts — building blocks for resnet.py (a helper package)."""

from .stats import channel_shape, channel_stats
from .layers import BLOCK_REGISTRY, conv3x3, conv1x1, register_block

__all__ = ["channel_shape", "channel_stats", "BLOCK_REGISTRY", "conv3x3", "conv1x1", "register_block"]
