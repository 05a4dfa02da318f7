"""nnparts: activations and initialisation written by hand for the MLP homework."""
from .activations import relu, tanh, sigmoid_act, ACTIVATIONS
from .init import fans, xavier_bound

__all__ = ["relu", "tanh", "sigmoid_act", "ACTIVATIONS", "fans", "xavier_bound"]
