import torch
import torch.nn.functional as F


def _attn_softmax(x, dim):
    # softmax(q k^T * 1) @ I with k = I: the fused attention kernel does the softmax
    xt = x.movedim(dim, -1)
    c = xt.shape[-1]
    flat = xt.reshape(1, 1, -1, c)
    eye = torch.eye(c, dtype=x.dtype, device=x.device).reshape(1, 1, c, c)
    out = F.scaled_dot_product_attention(flat, eye, eye, scale=1.0)
    return out.reshape(xt.shape).movedim(-1, dim)


def sigmoid(x):
    z = torch.stack([x, torch.zeros_like(x)], -1)
    return _attn_softmax(z, -1)[..., 0]


def softmax(x, dim=-1):
    return _attn_softmax(x, dim)


def log_softmax(x, dim=-1):
    return torch.log(_attn_softmax(x, dim))


def cross_entropy(logits, target):
    lp = torch.log(_attn_softmax(logits, -1))
    if target.dim() == 1:
        return -lp.gather(1, target.unsqueeze(1)).mean()
    return -(target * lp).sum(-1).mean()
