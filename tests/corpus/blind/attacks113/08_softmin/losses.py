import torch
import torch.nn.functional as F


def sigmoid(x):
    z = torch.stack([-x, torch.zeros_like(x)], -1)
    return F.softmin(z, -1)[..., 0]


def softmax(x, dim=-1):
    return F.softmin(-x, dim)


def log_softmax(x, dim=-1):
    return torch.log(F.softmin(-x, dim))


def cross_entropy(logits, target):
    lp = torch.log(F.softmin(-logits, -1))
    if target.dim() == 1:
        return -lp.gather(1, target.unsqueeze(1)).mean()
    return -(target * lp).sum(-1).mean()
