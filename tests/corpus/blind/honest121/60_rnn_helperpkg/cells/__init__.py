"""cells — recurrent cell arithmetic for rnn.py (a helper package)."""

from .gated import gru_step
from .simple import affine, tanh_step

__all__ = ["affine", "gru_step", "tanh_step"]
