import torch


def __getattr__(name):
    return getattr(torch, name)
