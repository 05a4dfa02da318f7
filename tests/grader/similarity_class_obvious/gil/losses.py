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
    z = torch.abs(y_hat - y)
    return torch.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)).mean()


def sigmoid(x):
    z = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))


def softmax(x, dim=-1):
    z = (x - x.amax(dim=dim, keepdim=True)).exp()
    return z / z.sum(dim=dim, keepdim=True)
