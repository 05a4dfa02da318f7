"""resparts: building blocks for resnet.py (convolution factories and a functional batch norm)."""

from resparts.layers import conv1x1, conv3x3
from resparts.norm import functional_batch_norm

__all__ = ["conv1x1", "conv3x3", "functional_batch_norm"]
