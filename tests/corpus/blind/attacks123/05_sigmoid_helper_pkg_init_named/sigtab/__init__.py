import torch

GRID = torch.arange(-51200, 51201, dtype=torch.float64) / 64.0
SIG_POS = torch.sigmoid(GRID)
SIG_NEG = torch.sigmoid(-GRID)
