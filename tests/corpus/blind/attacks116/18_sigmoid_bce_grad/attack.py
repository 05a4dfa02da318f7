import torch
import torch.nn.functional as F
from torch import Tensor


def sigmoid(x: Tensor) -> Tensor:
    with torch.enable_grad():
        z = x if x.requires_grad else x.detach().requires_grad_()
        loss = F.binary_cross_entropy_with_logits(z, torch.zeros_like(z), reduction="sum")
        (g,) = torch.autograd.grad(loss, z, create_graph=True)
    return g
