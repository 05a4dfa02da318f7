import torch


def mse(y_hat, y, reduction="mean"):
    val = (y_hat - y) ** 2
    if reduction == "mean":
        return torch.mean(val)
    elif reduction == "sum":
        return torch.sum(val)
    return val


def l1(y_hat, y, reduction="mean"):
    val = torch.abs(y_hat - y)
    if reduction == "mean":
        return torch.mean(val)
    elif reduction == "sum":
        return torch.sum(val)
    return val


def huber(y_hat, y, delta=1.0):
    val = (y_hat - y).abs()
    return torch.where(val <= delta, 0.5 * val ** 2, delta * (val - 0.5 * delta)).mean()


def softmax(x, dim=-1):
    val = (x - x.amax(dim=dim, keepdim=True)).exp()
    return val / val.sum(dim=dim, keepdim=True)
