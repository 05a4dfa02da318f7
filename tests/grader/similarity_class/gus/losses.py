import torch


def mse(y_hat, y, reduction="mean"):
    out = (y_hat - y) ** 2
    if reduction == "mean":
        out = out.mean()
    elif reduction == "sum":
        out = out.sum()
    elif reduction != "none":
        raise ValueError("unknown reduction")
    return out


def l1(y_hat, y, reduction="mean"):
    out = (y_hat - y).abs()
    if reduction == "mean":
        out = out.mean()
    elif reduction == "sum":
        out = out.sum()
    elif reduction != "none":
        raise ValueError("unknown reduction")
    return out


def huber(y_hat, y, delta=1.0):
    diff = y_hat - y
    absd = diff.abs()
    is_small = absd < delta
    return torch.where(is_small, diff.pow(2) / 2, delta * absd - delta * delta / 2).mean()


def sigmoid(x):
    # split the input: for negatives use e^x / (1 + e^x)
    neg_part = torch.clamp(x, max=0)
    pos_part = torch.clamp(x, min=0)
    num = torch.exp(neg_part)
    den = torch.exp(neg_part) + torch.exp(-pos_part)
    return num / den


def bce(p, y):
    first = y * torch.clamp(torch.log(p), min=-100.0)
    second = (1.0 - y) * torch.clamp(torch.log(1.0 - p), min=-100.0)
    return -torch.mean(first + second)


def bce_with_logits(logits, y):
    relu_z = torch.relu(logits)
    return torch.mean(relu_z - logits * y + torch.log(1 + torch.exp(-torch.abs(logits))))


def softmax(x, dim=-1):
    biggest, _ = torch.max(x, dim=dim, keepdim=True)
    numer = torch.exp(x - biggest)
    return numer / torch.sum(numer, dim=dim, keepdim=True)


def log_softmax(x, dim=-1):
    biggest, _ = torch.max(x, dim=dim, keepdim=True)
    log_norm = biggest + torch.log(torch.sum(torch.exp(x - biggest), dim=dim, keepdim=True))
    return x - log_norm


def cross_entropy(logits, target):
    log_probs = log_softmax(logits, dim=1)
    if len(target.shape) == 1:
        total = 0
        for i in range(logits.shape[0]):
            total = total - log_probs[i, target[i]]
        return total / logits.shape[0]
    return torch.mean(torch.sum(-target * log_probs, dim=1))


def entropy(p):
    masked = torch.where(p > 0, p, torch.ones_like(p))
    return torch.sum(-p * torch.log(masked), dim=-1)


def kl_div(p, q):
    masked = torch.where(p > 0, p, torch.ones_like(p))
    val = torch.where(p > 0, p * torch.log(masked / q), torch.zeros_like(p))
    return torch.sum(val, dim=-1)
