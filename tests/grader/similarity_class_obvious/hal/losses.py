import torch


def mse(y_hat, y, reduction="mean"):
    res = (y_hat - y) ** 2
    if reduction == "mean":
        return res.mean()
    if reduction == "sum":
        return res.sum()
    return res


def l1(y_hat, y, reduction="mean"):
    res = (y_hat - y).abs()
    if reduction == "mean":
        return res.mean()
    if reduction == "sum":
        return res.sum()
    return res


def huber(y_hat, y, delta=1.0):
    res = (y_hat - y).abs()
    return torch.where(res <= delta, 0.5 * res ** 2, delta * (res - 0.5 * delta)).mean()


def sigmoid(x):
    res = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + res), res / (1 + res))


def softmax(x, dim=-1):
    res = (x - x.amax(dim=dim, keepdim=True)).exp()
    return res / res.sum(dim=dim, keepdim=True)
