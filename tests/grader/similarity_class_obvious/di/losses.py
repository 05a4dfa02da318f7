import torch


def mse(y_hat, y, reduction="mean"):
    e = (y_hat - y) ** 2
    if reduction == "mean":
        return torch.mean(e)
    elif reduction == "sum":
        return torch.sum(e)
    return e


def l1(y_hat, y, reduction="mean"):
    e = torch.abs(y_hat - y)
    if reduction == "mean":
        return torch.mean(e)
    elif reduction == "sum":
        return torch.sum(e)
    return e


def huber(y_hat, y, delta=1.0):
    e = torch.abs(y_hat - y)
    return torch.where(e < delta, 0.5 * e * e, delta * (e - 0.5 * delta)).mean()


def softmax(x, dim=-1):
    e = torch.exp(x - x.max(dim=dim, keepdim=True).values)
    return e / e.sum(dim=dim, keepdim=True)
