import torch
import torch.nn.functional as F


def softmax(x, dim=-1):
    # softmax(x) = SDPA(q=1, k=x, v=I): the attention weights of one query, read off an identity value matrix
    xt = x.movedim(dim, -1)
    n = xt.shape[-1]
    q = torch.ones(xt.shape[:-1] + (1, 1), dtype=x.dtype, device=x.device)
    k = xt.unsqueeze(-1)
    v = torch.eye(n, dtype=x.dtype, device=x.device).expand(xt.shape[:-1] + (n, n))
    out = F.scaled_dot_product_attention(q, k, v, scale=1.0)
    return out.squeeze(-2).movedim(-1, dim)


def log_softmax(x, dim=-1):
    return torch.log(softmax(x, dim))


def cross_entropy(logits, target):
    lp = log_softmax(logits, 1)
    if target.dim() == 1:
        return -lp.gather(1, target.unsqueeze(1)).mean()
    return -(target * lp).sum(1).mean()
