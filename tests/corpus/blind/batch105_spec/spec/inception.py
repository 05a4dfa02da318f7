from common import *  # noqa: F403
import torch
from torch import nn
import torch.nn.functional as F
from mlp import mod_differs, mod_agree

torch.manual_seed(105)
T = "inception"
r = torch.randn

_SRC = open("/work/main/solutions/inception.py").read()


def _cls(name, *pairs):
    import ast
    tree = ast.parse(_SRC)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)
    code = "\n".join(_SRC.splitlines()[node.lineno - 1:node.end_lineno])
    for old, new in pairs:
        assert old in code, old
        code = code.replace(old, new)
    return code


INC = lambda M: M.InceptionA(5)
XI = lambda: r(2, 5, 6, 6)

# ---------------- mistakes ----------------
M(T, "incA_cat_order", "InceptionA", "concatenates [b1x1, b3x3, b5x5, bpool] (branches swapped)", "InceptionA(5) on x (2,5,6,6), same weights", _cls(
    "InceptionA", ("torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)", "torch.cat([b1x1, b3x3, b5x5, bpool], dim=1)")),
  mod_differs(INC, XI))

M(T, "incA_pool_exclude_pad", "InceptionA", "average pooling with count_include_pad=False: border values differ", "InceptionA(5) on x (2,5,6,6)", _cls(
    "InceptionA", ("F.avg_pool2d(x, 3, stride=1, padding=1)", "F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)")),
  mod_differs(INC, XI))

M(T, "incA_max_pool", "InceptionA", "max pooling in the pool branch (average asked)", "InceptionA(5) on x (2,5,6,6)", _cls(
    "InceptionA", ("F.avg_pool2d(x, 3, stride=1, padding=1)", "F.max_pool2d(x, 3, stride=1, padding=1)")),
  mod_differs(INC, XI))

M(T, "incA_conv_then_pool", "InceptionA", "1×1 conv before the average pooling: the bias is averaged with padding zeros at the border",
  "InceptionA(5) on x (2,5,6,6)", _cls(
    "InceptionA", ("self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))", "F.avg_pool2d(self.branch_pool(x), 3, stride=1, padding=1)")),
  mod_differs(INC, XI))

M(T, "incA_relu_inside", "InceptionA", "ReLU after every convolution (no activation inside the module)", "InceptionA(5) on x (2,5,6,6)", _cls(
    "InceptionA", ("b1x1 = self.branch1x1(x)", "b1x1 = F.relu(self.branch1x1(x))"),
    ("b5x5 = self.branch5x5_2(self.branch5x5_1(x))", "b5x5 = F.relu(self.branch5x5_2(F.relu(self.branch5x5_1(x))))")),
  mod_differs(INC, XI))

M(T, "incA_single_3x3", "InceptionA", "one 3×3 conv in the 3×3 branch (two asked)", "InceptionA(5): conv weight shapes", _cls(
    "InceptionA", ("        self.branch3x3_3 = nn.Conv2d(24, 24, 3, padding=1)\n", ""),
    ("self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))", "self.branch3x3_2(self.branch3x3_1(x))")),
  differs(lambda M: conv_shapes(M.InceptionA(5))))

M(T, "incA_5x5_pad1", "InceptionA", "5×5 conv with padding 1: the branch shrinks and the cat fails", "InceptionA(5) on x (2,5,6,6)", _cls(
    "InceptionA", ("nn.Conv2d(16, 24, 5, padding=2)", "nn.Conv2d(16, 24, 5, padding=1)")),
  mod_differs(INC, XI))

M(T, "mults_counts_bias", "conv_mults", "counts one extra product per output for the bias", "conv_mults(28, 28, 192, 32, 5)", '''
def conv_mults(h, w, c_in, c_out, k):
    return (k * k * c_in + 1) * c_out * h * w
''', differs(lambda M: M.conv_mults(28, 28, 192, 32, 5)))

M(T, "mults_float", "conv_mults", "math.pow: returns a float", "conv_mults(28, 28, 192, 16, 1)", '''
def conv_mults(h, w, c_in, c_out, k):
    return math.pow(k, 2) * c_in * c_out * h * w
''', differs(lambda M: M.conv_mults(28, 28, 192, 16, 1)), imports="import math")

M(T, "mults_no_hw", "conv_mults", "forgets the output positions", "conv_mults(28, 28, 192, 32, 5)", '''
def conv_mults(h, w, c_in, c_out, k):
    return k * k * c_in * c_out
''', differs(lambda M: M.conv_mults(28, 28, 192, 32, 5)))

G = lambda M: M.GoogLeNetMini(1, 10, 8)

M(T, "gnet_hardcoded_1408", "GoogLeNetMini", "hard-codes the lecture's 1408 linear inputs", "GoogLeNetMini(1, 10, 8) on x (2,1,8,8)", _cls(
    "GoogLeNetMini", ("self.fc = nn.Linear(flat, num_classes)", "self.fc = nn.Linear(1408, num_classes)")),
  differs(lambda M: tuple(G(M)(r(2, 1, 8, 8)).shape)))

M(T, "gnet_no_padding", "GoogLeNetMini", "the lecture's unpadded 5×5 convs: an 8×8 input cannot survive", "GoogLeNetMini(1, 10, 8)", _cls(
    "GoogLeNetMini", ("nn.Conv2d(in_channels, 10, 5, padding=2)", "nn.Conv2d(in_channels, 10, 5)"),
    ("nn.Conv2d(88, 20, 5, padding=2)", "nn.Conv2d(88, 20, 5)")),
  differs(lambda M: tuple(G(M)(r(2, 1, 8, 8)).shape)))

M(T, "gnet_in_channels", "GoogLeNetMini", "first conv hard-codes 1 input channel", "GoogLeNetMini(3, 10, 8) on x (2,3,8,8)", _cls(
    "GoogLeNetMini", ("nn.Conv2d(in_channels, 10, 5, padding=2)", "nn.Conv2d(1, 10, 5, padding=2)"),
    ("torch.zeros(1, in_channels, input_size, input_size)", "torch.zeros(1, 1, input_size, input_size)")),
  differs(lambda M: tuple(M.GoogLeNetMini(3, 10, 8)(r(2, 3, 8, 8)).shape)))

M(T, "gnet_avgpool", "GoogLeNetMini", "average pooling instead of 2×2 max pooling", "GoogLeNetMini(1, 10, 8) on x (2,1,8,8)", _cls(
    "GoogLeNetMini", ("F.max_pool2d(self.conv1(x), 2)", "F.avg_pool2d(self.conv1(x), 2)"), ("F.max_pool2d(self.conv2(x), 2)", "F.avg_pool2d(self.conv2(x), 2)")),
  mod_differs(G, lambda: r(2, 1, 8, 8)))

M(T, "gnet_skip_conv2", "GoogLeNetMini", "drops the 88 → 20 conv between the Inception blocks", "GoogLeNetMini(1, 10, 8): conv weight shapes", _cls(
    "GoogLeNetMini", ("self.conv2 = nn.Conv2d(88, 20, 5, padding=2)\n        self.incep2 = InceptionA(20)", "self.incep2 = InceptionA(88)"),
    ("F.max_pool2d(self.conv2(x), 2)", "F.max_pool2d(x, 2)")),
  differs(lambda M: conv_shapes(G(M))))

M(T, "gnet_squeeze", "GoogLeNetMini", "squeezes the logits: a batch of one returns (num_classes,)", "GoogLeNetMini(1, 10, 8) on x (1,1,8,8)", _cls(
    "GoogLeNetMini", ("return self.fc(self.features(x))", "return self.fc(self.features(x)).squeeze()")),
  mod_differs(G, lambda: r(1, 1, 8, 8)))

# ---------------- contract ----------------
X(T, "gnet_inline_inception", "GoogLeNetMini", "builds the Inception branches inline instead of holding two InceptionA instances",
  "GoogLeNetMini(1, 10, 8): same values, no InceptionA among its modules", _cls(
    "GoogLeNetMini", ("self.incep1 = InceptionA(10)", "self.incep1 = Inline(10)"), ("self.incep2 = InceptionA(20)", "self.incep2 = Inline(20)"))
  + "\n\n\n" + _cls("InceptionA").replace("class InceptionA(", "class Inline("),
  lambda R, C: mod_differs(G, lambda: r(2, 1, 8, 8))(R, C) and "values differ" or
  (lambda n: f"{n} InceptionA instances" if n < 2 else None)(sum(isinstance(m, C.InceptionA) for m in G(C).modules())))

# ---------------- correct ----------------
K(T, "incA_sequential", "InceptionA", "branches as nn.Sequential (same creation order), pool as nn.AvgPool2d", "seeded in_channels, sizes incl. 1×1, batch 1, grads", '''
class InceptionA(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.b1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.b5 = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=1), nn.Conv2d(16, 24, kernel_size=5, padding=2))
        self.b3 = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=1), nn.Conv2d(16, 24, kernel_size=3, padding=1),
                                nn.Conv2d(24, 24, kernel_size=3, padding=1))
        self.pool = nn.AvgPool2d(3, stride=1, padding=1)
        self.bp = nn.Conv2d(in_channels, 24, kernel_size=1)

    def forward(self, x):
        return torch.cat((self.b1(x), self.b5(x), self.b3(x), self.bp(self.pool(x))), 1)
''', all_of(*[mod_agree(lambda M, c=c: M.InceptionA(c), lambda s, c=c: r(s % 2 + 1, c, s % 4 + 1, s % 3 + 2), n=3, rtol=1e-5, atol=1e-5)
              for c in (1, 3, 10)]))

K(T, "mults_pow", "conv_mults", "k**2 · c_in · c_out · h · w", "the lecture's two numbers and seeded ints", '''
def conv_mults(h, w, c_in, c_out, k):
    return k ** 2 * c_in * c_out * h * w
''', agree(lambda s: (s % 30 + 1, s % 7 + 1, s % 192 + 1, s % 32 + 1, s % 5 + 1), lambda M, i: (M.conv_mults(*i), M.conv_mults(28, 28, 192, 32, 5)), n=30))

K(T, "gnet_relu_before_pool", "GoogLeNetMini", "ReLU before max pooling (they commute) and a Sequential per stage", "input_size 8 and 28, in_channels 1 and 3, batch 1, grads", _cls(
    "GoogLeNetMini", ("x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))", "x = self.incep1(F.max_pool2d(F.relu(self.conv1(x)), 2))"),
    ("x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))", "x = self.incep2(F.max_pool2d(torch.relu(self.conv2(x)), 2))")),
  all_of(mod_agree(lambda M: M.GoogLeNetMini(1, 10, 8), lambda s: r(s % 2 + 1, 1, 8, 8), n=2, rtol=1e-5, atol=1e-5),
         mod_agree(lambda M: M.GoogLeNetMini(3, 5, 28), lambda s: r(1, 3, 28, 28), n=1, rtol=1e-5, atol=1e-5)))

K(T, "gnet_formula_size", "GoogLeNetMini", "linear size 88·(s // 4)² from the pooling arithmetic instead of a dry run", "input_size 8, 28, 12, in_channels 1 and 2, grads", _cls(
    "GoogLeNetMini", ('''        with torch.no_grad():
            flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).shape[1]
''', '''        flat = 88 * (input_size // 2 // 2) ** 2
''')),
  all_of(mod_agree(lambda M: M.GoogLeNetMini(1, 10, 8), lambda s: r(2, 1, 8, 8), n=2, rtol=1e-5, atol=1e-5),
         mod_agree(lambda M: M.GoogLeNetMini(2, 4, 28), lambda s: r(1, 2, 28, 28), n=1, rtol=1e-5, atol=1e-5),
         mod_agree(lambda M: M.GoogLeNetMini(1, 3, 12), lambda s: r(2, 1, 12, 12), n=1, rtol=1e-5, atol=1e-5)))
