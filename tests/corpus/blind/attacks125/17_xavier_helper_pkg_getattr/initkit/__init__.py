"""Initialisation helpers."""

import torch


def __getattr__(name):
    return getattr(torch.nn.init, "xavier" + "_uniform" + "_")
