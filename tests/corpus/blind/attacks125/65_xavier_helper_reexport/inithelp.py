"""Initialisation helpers."""

from torch.nn.init import xavier_uniform_ as glorot  # noqa: F401
