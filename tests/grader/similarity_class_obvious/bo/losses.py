import torch


def mse(y_hat, y, reduction="mean"):
    loss = (y_hat - y) ** 2
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def l1(y_hat, y, reduction="mean"):
    loss = (y_hat - y).abs()
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def huber(y_hat, y, delta=1.0):
    loss = (y_hat - y).abs()
    return torch.where(loss <= delta, 0.5 * loss ** 2, delta * (loss - 0.5 * delta)).mean()


def sigmoid(x):
    loss = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + loss), loss / (1 + loss))


def softmax(x, dim=-1):
    loss = torch.exp(x - x.max(dim=dim, keepdim=True).values)
    return loss / loss.sum(dim=dim, keepdim=True)
