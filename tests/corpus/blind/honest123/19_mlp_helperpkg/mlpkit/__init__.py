"""mlpkit — activations and training helpers for mlp.py.

Importing the package registers every activation in ``REGISTRY`` (a decorator does it) and
checks the table once.
"""

from .activations import REGISTRY, activation_module, hard_sigmoid, logistic, rectify, smooth_tanh
from .training import accuracy_counts, run_epoch

assert set(REGISTRY) == {"relu", "tanh", "sigmoid"}

__all__ = ["REGISTRY", "activation_module", "hard_sigmoid", "logistic", "rectify", "smooth_tanh",
           "accuracy_counts", "run_epoch"]
