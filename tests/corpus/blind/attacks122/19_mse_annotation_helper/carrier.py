import torch.nn.functional as F


def carrier(fn: F.mse_loss) -> None:
    """Holds nothing."""
