"""Training and evaluation loops (imported by mlp.py)."""

from __future__ import annotations

import torch


def run_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    weighted = torch.zeros((), dtype=torch.float64)
    count = 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        weighted += loss.detach().to("cpu", torch.float64) * len(xb)
        count += len(xb)
    return float(weighted) / count


@torch.no_grad()
def accuracy_over(model, loader, device):
    model.eval()
    hits, seen = 0, 0
    for xb, yb in loader:
        scores = model(xb.to(device))
        yb = yb.to(device)
        if scores.size(-1) == 1:
            predicted = scores.squeeze(-1) > 0.5
            truth = yb.reshape(-1) > 0.5
        else:
            predicted = scores.argmax(-1)
            truth = yb
        hits += int((predicted == truth).sum())
        seen += truth.shape[0]
    return hits / seen
