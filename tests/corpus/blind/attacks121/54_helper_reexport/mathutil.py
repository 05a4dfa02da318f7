"""Numerical helpers."""
from torch.special import expit as logistic  # noqa: F401
