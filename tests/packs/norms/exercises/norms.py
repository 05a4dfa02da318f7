"""Normalisation layers: layer norm, RMSNorm and batch norm, as functions and as modules.

Fill in each function and class below; `grade exercises/norms.py` checks them.
Tensors are float32 or float64; every result keeps its input's dtype, device and shape.
Variances that normalise are biased (divide by the count n, not n - 1); ``eps`` is added to the
variance (or mean square) inside the square root. Inputs are left unchanged unless a docstring
says otherwise.
"""

from __future__ import annotations

import torch
from torch import nn


def layer_norm(
    x: torch.Tensor,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
    dims: int = 1,
) -> torch.Tensor:
    """Layer normalisation of ``x`` over its last ``dims`` dimensions:
    ``(x - mean) / sqrt(var + eps) * weight + bias``, where mean and the biased variance are
    taken over those ``dims`` dimensions together, separately for each index of the others.

    ``x``: (..., *S) with S its last ``dims`` sizes, 1 <= dims <= x.dim(); the leading
    dimensions (...) may be any number, including none, and each of their rows is normalised
    alone (a row never depends on another). ``weight`` and ``bias``: None (then 1 and 0) or
    tensors of shape S. Gradients flow to x, weight and bias. A row of one element or of equal
    values gives ``bias`` (0 without it). Values of x may lie far from 0 with a small spread
    (up to ±1e3 with a standard deviation of 1 within a row): keep the result accurate there.
    Vectorised: no Python loops. Off limits: ``F.layer_norm``, ``torch.layer_norm``,
    ``nn.LayerNorm``, ``F.group_norm``, ``F.instance_norm``.
    """
    raise NotImplementedError


def rms_norm(x: torch.Tensor, weight: torch.Tensor | None = None, eps: float = 1e-6) -> torch.Tensor:
    """RMS normalisation of ``x`` over its last dimension:
    ``x / sqrt(mean(x ** 2) + eps) * weight``, the mean over the last dimension (no mean is
    subtracted, no bias).

    ``x``: (..., D); the leading dimensions may be any number, including none, and each row is
    normalised alone. ``weight``: None (then 1) or a tensor of shape (D,). Gradients flow to x
    and weight. Values of x from 1e-4 to 1e15 in magnitude (mind the ``eps`` at the small end,
    and keep the result finite at the large end). Vectorised: no Python loops. Off limits:
    ``F.rms_norm``, ``torch.rms_norm``, ``nn.RMSNorm``, ``F.layer_norm``, ``nn.LayerNorm``.
    """
    raise NotImplementedError


def batch_norm(
    x: torch.Tensor,
    running_mean: torch.Tensor | None,
    running_var: torch.Tensor | None,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Batch normalisation of ``x`` (N, C) or (N, C, L), channel by channel (dimension 1):
    ``(x - mean) / sqrt(var + eps) * weight + bias``, each channel with its own mean and
    variance, broadcast over N (and L).

    ``training=True``: mean and the biased variance of each channel over the batch, that is over
    dimension 0 (and 2 for (N, C, L)) together; N·L >= 2. Then, when they are not None, the
    running statistics are updated in place (the same tensors, their values changed):
    ``running_mean = (1 - momentum) * running_mean + momentum * mean`` and
    ``running_var = (1 - momentum) * running_var + momentum * unbiased_var``, where the
    unbiased variance divides by n - 1 (n = N·L). The updated running statistics carry no
    gradient history. ``training=False``: the running statistics are the mean and variance
    (neither may then be None) and are left unchanged; the result does not depend on the rest of
    the batch.

    ``running_mean``, ``running_var``: (C,) tensors of x's dtype and device, or None (training
    only). ``weight``, ``bias``: None (then 1 and 0) or (C,) tensors. ``momentum`` in [0, 1].
    Gradients flow to x, weight and bias (in training through the batch's mean and variance
    too). Inputs other than the running statistics are left unchanged. Vectorised: no Python
    loops. Off limits: ``F.batch_norm``, ``torch.batch_norm``, ``nn.BatchNorm1d`` (and the
    other ``nn.BatchNorm*``), ``F.instance_norm``, ``F.layer_norm``, ``F.group_norm``.
    """
    raise NotImplementedError


class BatchNorm1d(nn.Module):
    """Batch normalisation of (N, C) or (N, C, L) inputs with learnt scale and shift and running
    statistics, as your ``batch_norm`` computes it.

    ``__init__(num_features, eps=1e-5, momentum=0.1)``: creates, in this order, the parameters
    ``weight`` (ones) and ``bias`` (zeros), each of shape (num_features,), then the buffers
    ``running_mean`` (zeros) and ``running_var`` (ones), each of shape (num_features,),
    registered as buffers (they are in ``state_dict()`` and move with ``.to(device)``); no other
    parameters or buffers. Parameters and buffers are float32.

    ``forward(x)``: in training mode (``model.train()``, the default) normalises by the batch's
    statistics and updates the running statistics with ``momentum`` as ``batch_norm`` states,
    once per call; in eval mode (``model.eval()``) normalises by the running statistics and
    changes nothing. Returns a tensor of x's shape. The module moved to another device works
    there. Off limits: as for ``batch_norm``.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


class RMSNorm(nn.Module):
    """RMS normalisation over the last dimension with a learnt scale, as your ``rms_norm``
    computes it.

    ``__init__(dim, eps=1e-6)``: creates one parameter, ``weight`` (ones, shape (dim,), float32),
    and nothing else. ``forward(x)``: x (..., dim) with any number of leading dimensions;
    returns ``rms_norm(x, weight, eps)``, of x's shape. The same in training and eval mode.
    Off limits: as for ``rms_norm``.
    """

    def __init__(self, dim: int, eps: float = 1e-6) -> None:
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError
