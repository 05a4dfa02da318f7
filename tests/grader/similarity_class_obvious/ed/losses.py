import torch


def mse(y_hat, y, reduction="mean"):
    out = (y_hat - y) ** 2
    if reduction == "mean":
        return out.mean()
    if reduction == "sum":
        return out.sum()
    return out


def l1(y_hat, y, reduction="mean"):
    out = (y_hat - y).abs()
    if reduction == "mean":
        return out.mean()
    if reduction == "sum":
        return out.sum()
    return out


def huber(y_hat, y, delta=1.0):
    out = (y_hat - y).abs()
    return torch.where(out <= delta, 0.5 * out ** 2, delta * (out - 0.5 * delta)).mean()


def sigmoid(x):
    out = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + out), out / (1 + out))


def softmax(x, dim=-1):
    out = torch.exp(x - x.max(dim=dim, keepdim=True).values)
    return out / out.sum(dim=dim, keepdim=True)
