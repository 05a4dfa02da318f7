import copy
import torch
import torch.nn.functional as F

RAN = []


def _red(obj):
    RAN.append(1)
    raise ValueError("REDUCER-RAN-IN-TRUSTED-CODE")


copy.dispatch_table[torch.Tensor] = _red
copy.dispatch_table[torch.Size] = _red
copy.dispatch_table[torch.dtype] = _red
copy.dispatch_table[torch.device] = _red


def softmax(x, dim=-1):
    e = torch.exp(x - x.amax(dim, keepdim=True))
    return e / e.sum(dim, keepdim=True)


def log_softmax(x, dim=-1):
    raise ValueError("ran-before:" + str(len(RAN)))
