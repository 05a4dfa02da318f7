import torch
import torch.nn.functional as F

MSE = getattr(F, "mse_" + "loss")
L1 = getattr(F, "l1_" + "loss")
HUBER = getattr(F, "huber" + "_loss")
SIGMOID = getattr(torch, "sig" + "moid")
BCE = getattr(F, "binary_cro" + "ss_entropy")
BCE_WITH_LOGITS = getattr(F, "binary_cross_ent" + "ropy_with_logits")
SOFTMAX = getattr(F, "sof" + "tmax")
LOG_SOFTMAX = getattr(F, "log_s" + "oftmax")
CROSS_ENTROPY = getattr(F, "cross_" + "entropy")
ENTROPY = getattr(torch.special, "en" + "tr")
KL_DIV = getattr(F, "kl_" + "div")
