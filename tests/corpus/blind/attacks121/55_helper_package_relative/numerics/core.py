import torch

smx = torch.softmax
lsm = torch.log_softmax
