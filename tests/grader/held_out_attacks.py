"""Submissions that try to get a held-out metric without a model (test_held_out.py,
test_leaderboard.py)."""

CONSTANT_CNN = """
import torch
from torch import nn

class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))
        self.num_classes = num_classes

    def forward(self, x):
        return self.scale * torch.zeros(x.shape[0], self.num_classes) + torch.arange(self.num_classes)
"""

# looks for the labels everywhere a worker could: files named like the held-out set, then every
# tensor alive in its own process whose length is the inputs'; answers them as one-hot scores
SEARCHING_CNN = """
import gc
import os
import torch
from torch import nn

def _labels(n):
    for top in ("/", os.getcwd()):
        for folder, _, names in os.walk(top):
            for name in names:
                if "held_out" in name:
                    try:
                        found = torch.load(os.path.join(folder, name))
                        return found["SimpleCNN"]["labels"]
                    except Exception:
                        pass
    for obj in gc.get_objects():
        if isinstance(obj, torch.Tensor) and obj.dtype == torch.int64 and obj.shape == (n,):
            return obj
    return None

class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        labels = _labels(x.shape[0]) if not self.training else None
        if labels is None:
            return self.w * torch.zeros(x.shape[0], 10)
        return torch.nn.functional.one_hot(labels, 10).float() + self.w
"""
