from common import *  # noqa: F403
import torch
import torch.nn.functional as F
from torch import nn

T = "inception"
D = torch.float64
r = torch.randn


def copy_params(src, dst):
    with torch.no_grad():
        for a, b in zip(src.parameters(), dst.parameters()):
            b.copy_(a)


def with_ref_weights(build, x, what="out"):
    """R and C built; C gets R's weights by registration order when the shapes agree."""
    cache = {}

    def run(M):
        torch.manual_seed(0)
        m = build(M)
        if "ref" not in cache:
            cache["ref"] = m
        elif [p.shape for p in cache["ref"].parameters()] == [p.shape for p in m.parameters()]:
            copy_params(cache["ref"], m)
        if what == "shapes":
            return sorted(tuple(p.shape) for p in m.parameters())
        return m(x)
    return run

INC_HEAD = '''
class InceptionA(nn.Module):
    """Four branches, concatenated along the channels."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
'''
INC_LAYERS = '''        self.branch1x1 = nn.Conv2d(in_channels, 16, 1)
        self.branch5x5_1 = nn.Conv2d(in_channels, 16, 1)
        self.branch5x5_2 = nn.Conv2d(16, 24, 5, padding=2)
        self.branch3x3_1 = nn.Conv2d(in_channels, 16, 1)
        self.branch3x3_2 = nn.Conv2d(16, 24, 3, padding=1)
        self.branch3x3_3 = nn.Conv2d(24, 24, 3, padding=1)
        self.branch_pool = nn.Conv2d(in_channels, 24, 1)
'''
INC_FWD = '''
    def forward(self, x: Tensor) -> Tensor:
        b1x1 = self.branch1x1(x)
        b5x5 = self.branch5x5_2(self.branch5x5_1(x))
        b3x3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))
        bpool = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))
        return torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)
'''
INC_REF = INC_HEAD + INC_LAYERS + INC_FWD


def inc_with(old, new):
    assert old in INC_REF, old
    return INC_REF.replace(old, new)


X8 = r(2, 5, 8, 8)
INC = lambda M: M.InceptionA(5)

M(T, "inception_5x5_unpadded", "InceptionA", "the 5×5 conv without padding: its branch is 4 pixels smaller and cat fails",
  "InceptionA(5) on (2, 5, 8, 8)", inc_with("nn.Conv2d(16, 24, 5, padding=2)", "nn.Conv2d(16, 24, 5)"),
  differs(with_ref_weights(INC, X8)))

M(T, "inception_cat_dim0", "InceptionA", "torch.cat(..., dim=0): stacks the branches along the batch",
  "InceptionA(5) on (2, 5, 8, 8)", inc_with("dim=1)", "dim=0)"), differs(with_ref_weights(INC, X8)))

M(T, "inception_max_pool_branch", "InceptionA", "max pooling in the pool branch instead of average pooling",
  "InceptionA(5) on (2, 5, 8, 8), the reference's weights", inc_with("F.avg_pool2d(x, 3, stride=1, padding=1)", "F.max_pool2d(x, 3, stride=1, padding=1)"),
  differs(with_ref_weights(INC, X8)))

M(T, "inception_relu_inside", "InceptionA", "ReLU after each branch, where the docstring says no activation inside",
  "InceptionA(5) on (2, 5, 8, 8), the reference's weights", inc_with("        return torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)",
  "        return torch.cat([F.relu(b1x1), F.relu(b5x5), F.relu(b3x3), F.relu(bpool)], dim=1)"),
  differs(with_ref_weights(INC, X8)))

M(T, "inception_one_3x3", "InceptionA", "the 3×3 branch with one 3×3 conv instead of two",
  "InceptionA(5): the convolution weight shapes", inc_with(
  "        self.branch3x3_3 = nn.Conv2d(24, 24, 3, padding=1)\n", "").replace(
  "self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))", "self.branch3x3_2(self.branch3x3_1(x))"),
  differs(with_ref_weights(INC, X8, "shapes")))

M(T, "inception_branch_order", "InceptionA", "concatenates [b1x1, b3x3, b5x5, bpool]: the 24-channel 3×3 and 5×5 blocks swapped",
  "InceptionA(5) on (2, 5, 8, 8), the reference's weights", inc_with("torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)", "torch.cat([b1x1, b3x3, b5x5, bpool], dim=1)"),
  differs(with_ref_weights(INC, X8)))

M(T, "inception_conv_then_pool", "InceptionA", "the pool branch convolves first and pools after: the bias is averaged with the zero padding at the borders",
  "InceptionA(5) on (2, 5, 8, 8), the reference's weights (non-zero biases)", inc_with(
  "self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))", "F.avg_pool2d(self.branch_pool(x), 3, stride=1, padding=1)"),
  differs(with_ref_weights(INC, X8)))

M(T, "conv_mults_k_once", "conv_mults", "k·c_in·c_out·h·w: the kernel counted once, not k·k",
  "the lecture's 28, 28, 192, 32, 5", '''
def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """One product per weight per position."""
    return k * c_in * c_out * h * w
''', differs(lambda M: M.conv_mults(28, 28, 192, 32, 5)))

M(T, "conv_mults_input_size", "conv_mults", "treats h×w as the input and subtracts the kernel: (h − k + 1)·(w − k + 1) positions",
  "28, 28, 192, 32, 5", '''
def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """Products over the valid positions."""
    return k * k * c_in * c_out * (h - k + 1) * (w - k + 1)
''', differs(lambda M: M.conv_mults(28, 28, 192, 32, 5)))

GN_HEAD = '''
class GoogLeNetMini(nn.Module):
    """conv-pool-inception twice, then linear."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
'''


def gn_run(in_channels=1, num_classes=10, input_size=8, n=2):
    def run(M):
        torch.manual_seed(0)
        m = M.GoogLeNetMini(in_channels, num_classes, input_size)
        return m(r(n, in_channels, input_size, input_size)).shape
    return run

M(T, "googlenet_1408", "GoogLeNetMini", "the lecture's Linear(1408, num_classes) hard-coded: only 28×28 works",
  "GoogLeNetMini(1, 10, 8) on (2, 1, 8, 8)", GN_HEAD + '''        self.conv1 = nn.Conv2d(in_channels, 10, 5)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5)
        self.incep2 = InceptionA(20)
        self.fc = nn.Linear(1408, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return self.fc(x.flatten(1))
''', differs(gn_run(input_size=8)))

M(T, "googlenet_unpadded_dry_run", "GoogLeNetMini", "dry run for the linear size, but 5×5 convs without padding: an 8×8 input dies in the second conv",
  "GoogLeNetMini(1, 10, 8)", GN_HEAD + '''        self.conv1 = nn.Conv2d(in_channels, 10, 5)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5)
        self.incep2 = InceptionA(20)
        with torch.no_grad():
            flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).shape[1]
        self.fc = nn.Linear(flat, num_classes)

    def features(self, x: Tensor) -> Tensor:
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return x.flatten(1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.features(x))
''', differs(gn_run(input_size=8)))

M(T, "googlenet_in_channels_ignored", "GoogLeNetMini", "the first conv hard-codes one input channel",
  "GoogLeNetMini(3, 10, 8) on (2, 3, 8, 8)", GN_HEAD + '''        self.conv1 = nn.Conv2d(1, 10, 5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5, padding=2)
        self.incep2 = InceptionA(20)
        with torch.no_grad():
            flat = self.features(torch.zeros(1, 1, input_size, input_size)).shape[1]
        self.fc = nn.Linear(flat, num_classes)

    def features(self, x: Tensor) -> Tensor:
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return x.flatten(1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.features(x))
''', differs(gn_run(in_channels=3)))

M(T, "googlenet_one_inception", "GoogLeNetMini", "one InceptionA, the second block a plain conv: the docstring asks for two InceptionA instances",
  "count of InceptionA modules in GoogLeNetMini(1, 10, 8)", GN_HEAD + '''        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5, padding=2)
        self.conv3 = nn.Conv2d(20, 88, 1)
        self.fc = nn.Linear(88, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.conv3(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return self.fc(x.mean(dim=(2, 3)))
''', differs(lambda M: sum(type(m).__name__ == "InceptionA" for m in M.GoogLeNetMini(1, 10, 8).modules())))

# ---------------- correct ----------------
def inc_check(R, C):
    for cin, hw in [(5, (8, 8)), (1, (3, 7)), (88, (4, 4))]:
        x = r(2, cin, *hw, dtype=D)
        why = differs(with_ref_weights(lambda M: M.InceptionA(cin).double(), x))(R, C)
        if why:
            return why
        why = differs(with_ref_weights(lambda M: M.InceptionA(cin), None, "shapes"))(R, C)
        if why:
            return why
    return None

K(T, "inception_sequential_branches", "InceptionA", "branches as nn.Sequential blocks and an nn.AvgPool2d module (same registration order of convolutions)",
  '''
class InceptionA(nn.Module):
    """Branches as Sequential blocks."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.b5 = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=1), nn.Conv2d(16, 24, kernel_size=5, padding=2))
        self.b3 = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=1), nn.Conv2d(16, 24, kernel_size=3, padding=1),
                                nn.Conv2d(24, 24, kernel_size=3, padding=1))
        self.bp = nn.Sequential(nn.AvgPool2d(kernel_size=3, stride=1, padding=1), nn.Conv2d(in_channels, 24, kernel_size=1))

    def forward(self, x: Tensor) -> Tensor:
        outputs = [self.b1(x), self.b5(x), self.b3(x), self.bp(x)]
        return torch.cat(outputs, dim=1)
''', inc_check)

K(T, "conv_mults_prod", "conv_mults", "math.prod of the five factors", '''
def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """Product of the factors."""
    return math.prod([k, k, c_in, c_out, h, w])
''', agree(lambda s: [s % 30 + 1, s % 7 + 1, s % 5 + 1, s % 9 + 1, s % 5 + 1], lambda M, i: M.conv_mults(*i)), imports="import math")


def gn_behaviour(R, C):
    for ic, nc, size in [(1, 10, 28), (1, 10, 8), (3, 4, 8), (1, 10, 12)]:
        torch.manual_seed(0)
        m = C.GoogLeNetMini(ic, nc, size)
        if sum(isinstance(x, C.InceptionA) for x in m.modules()) < 2:
            return "fewer than two InceptionA"
        out = m(r(2, ic, size, size))
        if out.shape != (2, nc):
            return f"shape {out.shape}"
        m.zero_grad()
        F.cross_entropy(m(r(3, ic, size, size)), torch.randint(0, nc, (3,))).backward()
        if any(p.grad is None for p in m.parameters()):
            return "a parameter gets no gradient"
        if m(r(1, ic, size, size)).shape != (1, nc):
            return "batch 1"
    return None

K(T, "googlenet_global_pool", "GoogLeNetMini", "padding-2 5×5 convs and a global-average-pooling head (Linear(88, classes)); input_size not needed",
  GN_HEAD + '''        self.stage1 = nn.Sequential(nn.Conv2d(in_channels, 10, 5, padding=2), nn.MaxPool2d(2), nn.ReLU())
        self.incep1 = InceptionA(10)
        self.stage2 = nn.Sequential(nn.Conv2d(88, 20, 5, padding=2), nn.MaxPool2d(2), nn.ReLU())
        self.incep2 = InceptionA(20)
        self.fc = nn.Linear(88, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep2(self.stage2(self.incep1(self.stage1(x))))
        return self.fc(x.mean(dim=(2, 3)))
''', gn_behaviour, verified="behaviour (shapes at 28, 8, 12, in_channels 3, batch 1, gradients); convergence not verified")

K(T, "googlenet_arithmetic_size", "GoogLeNetMini", "linear size computed by arithmetic (88·(s//4)²) instead of a dry run",
  GN_HEAD + '''        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5, padding=2)
        self.incep2 = InceptionA(20)
        side = (input_size // 2) // 2
        self.fc = nn.Linear(88 * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return self.fc(torch.flatten(x, 1))
''', all_of(gn_behaviour, agree(lambda s: [[1, 3][s % 2], [10, 4][s % 2], [8, 28, 12, 9][s % 4]],
                                lambda M, i: with_ref_weights(lambda M2: M2.GoogLeNetMini(*i), r(2, i[0], i[2], i[2]))(M), n=8)))
