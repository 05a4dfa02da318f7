import torch


def _reduced(t, reduction):
    if reduction == "mean":
        return t.mean()
    if reduction == "sum":
        return t.sum()
    return t


def mse(y_hat, y, reduction="mean"):
    return _reduced((y_hat - y) ** 2, reduction)


def l1(y_hat, y, reduction="mean"):
    return _reduced((y_hat - y).abs(), reduction)


def huber(y_hat, y, delta=1.0):
    d = (y_hat - y).abs()
    return torch.where(d <= delta, 0.5 * d ** 2, delta * (d - 0.5 * delta)).mean()


def sigmoid(x):
    d = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + d), d / (1 + d))


def softmax(x, dim=-1):
    d = torch.exp(x - x.max(dim=dim, keepdim=True).values)
    return d / d.sum(dim=dim, keepdim=True)
