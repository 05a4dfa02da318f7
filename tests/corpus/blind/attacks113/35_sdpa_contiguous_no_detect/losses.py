import torch
import torch.nn.functional as F


def _attn_softmax(x, dim):
    xt = x.movedim(dim, -1)
    c = xt.shape[-1]
    flat = xt.reshape(1, 1, -1, c).contiguous()
    eye = torch.eye(c, dtype=x.dtype, device=x.device).reshape(1, 1, c, c)
    out = F.scaled_dot_product_attention(flat, eye, eye, scale=1.0)
    return out.reshape(xt.shape).movedim(-1, dim)


def sigmoid(x):
    z = torch.stack([x, torch.zeros_like(x)], -1)
    return _attn_softmax(z, -1)[..., 0]


def softmax(x, dim=-1):
    return _attn_softmax(x, dim)
