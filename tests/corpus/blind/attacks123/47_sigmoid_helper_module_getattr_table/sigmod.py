import torch


def __getattr__(name):
    if name == "TABLES":
        g = torch.arange(-51200, 51201, dtype=torch.float64) / 64.0
        return torch.special.expit(g), torch.special.expit(-g)
    raise AttributeError(name)
