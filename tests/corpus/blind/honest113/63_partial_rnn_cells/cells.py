"""Recurrent cell helpers for rnn.py."""
import torch


def affine(x, w, b):
    return x @ w.T + b


def split3(t, dim=-1):
    return torch.chunk(t, 3, dim=dim)
