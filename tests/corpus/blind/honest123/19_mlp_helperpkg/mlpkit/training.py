"""The four-step training loop and accuracy counting."""

from __future__ import annotations

from typing import Callable, Iterable

import torch
from torch import Tensor, nn


def run_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
              optimizer: torch.optim.Optimizer, device) -> float:
    model.train()
    total = torch.zeros((), dtype=torch.float64)
    count = 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)       # forward + loss
        optimizer.zero_grad()               # zero_grad
        loss.backward()                     # backward
        optimizer.step()                    # step
        total += loss.detach().double().cpu() * xb.shape[0]
        count += xb.shape[0]
    return float(total) / count


def accuracy_counts(outputs: Tensor, labels: Tensor) -> tuple[int, int]:
    if outputs.shape[-1] == 1:
        predicted = (outputs > 0.5).reshape(-1).long()
        labels = labels.reshape(-1).long()
    else:
        predicted = outputs.argmax(dim=-1)
    return int((predicted == labels).sum().item()), labels.numel()
