"""Building blocks for my resnet answers."""
from blocks.layers import conv3x3, conv1x1

__all__ = ["conv3x3", "conv1x1"]
