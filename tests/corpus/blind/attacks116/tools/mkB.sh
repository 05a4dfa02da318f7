mk() { mkdir -p "$1"; cat > "$1/attack.py"; }
mk 11_import_time_getattr <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor

_NAMES = {}
for _n in ["soft" + "max", "log_" + "soft" + "max", "cross_" + "entropy"]:
    _NAMES[_n] = getattr(F, _n)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return _NAMES["soft" + "max"](x, dim=dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return _NAMES["log_" + "soft" + "max"](x, dim=dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    return _NAMES["cross_" + "entropy"](logits, target)
EOF
mk 12_nn_softmax_module <<'EOF'
import torch
from torch import Tensor, nn


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return nn.Softmax(dim=dim)(x)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return nn.LogSoftmax(dim=dim)(x)
EOF
mk 13_special_softmax <<'EOF'
import torch
from torch import Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.special.softmax(x, dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.special.log_softmax(x, dim)
EOF
mk 14_softmin <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor, nn


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return F.softmin(-x, dim=dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return nn.Softmin(dim=dim)(-x).log()
EOF
mk 15_nllloss_module <<'EOF'
import torch
from torch import Tensor, nn


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(target.to(lp.dtype) * lp).sum(dim=1).mean()
    return nn.NLLLoss()(lp, target)
EOF
mk 16_helper_frame_nll <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor


def log_softmax(x: Tensor, dim: int = -1, target=None) -> Tensor:
    if target is not None:
        return F.cross_entropy(x, target)
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    return log_softmax(logits, 1, target)
EOF
mk 17_sigmoid_unnamed <<'EOF'
import torch
from torch import Tensor, nn


def sigmoid(x: Tensor) -> Tensor:
    return nn.Sigmoid()(x)
EOF
mk 18_sigmoid_bce_grad <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor


def sigmoid(x: Tensor) -> Tensor:
    with torch.enable_grad():
        z = x if x.requires_grad else x.detach().requires_grad_()
        loss = F.binary_cross_entropy_with_logits(z, torch.zeros_like(z), reduction="sum")
        (g,) = torch.autograd.grad(loss, z, create_graph=True)
    return g
EOF
mk 19_mse_unnamed <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor, nn


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return F.poisson_nll_loss(y_hat, y, log_input=False, full=False, eps=0.0, reduction=reduction) if False else F.pairwise_distance(y_hat.reshape(-1, 1), y.reshape(-1, 1), p=2.0, eps=0.0).pow(2).mean() if reduction == "mean" else F.pairwise_distance(y_hat.reshape(-1, 1), y.reshape(-1, 1), p=2.0, eps=0.0).pow(2).reshape(y.shape) if reduction == "none" else F.pairwise_distance(y_hat.reshape(-1, 1), y.reshape(-1, 1), p=2.0, eps=0.0).pow(2).sum()


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    d = F.pairwise_distance(y_hat.reshape(-1, 1), y.reshape(-1, 1), p=1.0, eps=0.0)
    if reduction == "mean":
        return d.mean()
    if reduction == "sum":
        return d.sum()
    return d.reshape(y.shape)
EOF
mk 20_mkldnn_key <<'EOF'
import torch
from torch import Tensor, nn


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return nn.Softmax(dim=dim)(x.to_mkldnn()).to_dense()
EOF
