import torch

stable_log_norm = torch.log_softmax
