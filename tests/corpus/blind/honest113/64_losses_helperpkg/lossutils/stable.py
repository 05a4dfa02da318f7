import torch


def logsumexp_keepdim(x, dim):
    m = x.amax(dim=dim, keepdim=True).detach()
    return m + torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))


def softplus_stable(z):
    return torch.clamp(z, min=0) + torch.log1p(torch.exp(-torch.abs(z)))
