import warnings
import torch
import torch.nn.functional as F

warnings.simplefilter("error")
warnings.filters.insert(0, ("error", None, Warning, None, 0))


def softmax(x, dim=-1):
    e = torch.exp(x - x.amax(dim, keepdim=True))
    return e / e.sum(dim, keepdim=True)
