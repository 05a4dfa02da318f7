from common import *  # noqa
import numpy as np
T = "inception"
r = torch.randn
SOL = open('/work/main/solutions/inception.py').read()
def sub(src, old, new):
    assert old in src, old
    return src.replace(old, new)
INC = SOL[SOL.index('class InceptionA('):SOL.index('def conv_mults(')].rstrip() + "\n"
GN = SOL[SOL.index('class GoogLeNetMini('):].rstrip() + "\n"
def seeded(make, fwd):
    def run(M):
        torch.manual_seed(0)
        m = make(M)
        torch.manual_seed(1)
        return fwd(m)
    return run
def inc_out(c=5, shape=(2, 5, 6, 6)):
    return differs(seeded(lambda M: M.InceptionA(c), lambda m: m(r(*shape))))

M(T, "inception_pool_exclude_pad", "InceptionA", "average pooling with count_include_pad=False: border averages differ",
  "InceptionA(5), x (2,5,6,6)", sub(INC, "F.avg_pool2d(x, 3, stride=1, padding=1)", "F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)"), inc_out())
M(T, "inception_conv_then_pool", "InceptionA", "1×1 conv before the average pooling: the zero padding no longer matches the bias at the border",
  "InceptionA(5), x (2,5,6,6)", sub(INC, "bpool = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))", "bpool = F.avg_pool2d(self.branch_pool(x), 3, stride=1, padding=1)"), inc_out())
M(T, "inception_cat_order", "InceptionA", "concatenates [b1x1, b3x3, b5x5, bpool]",
  "InceptionA(5), x (2,5,6,6)", sub(INC, "torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)", "torch.cat([b1x1, b3x3, b5x5, bpool], dim=1)"), inc_out())
M(T, "inception_relu_inside", "InceptionA", "ReLU after every convolution inside the module",
  "InceptionA(5), x (2,5,6,6)", sub(sub(sub(INC, "b1x1 = self.branch1x1(x)", "b1x1 = F.relu(self.branch1x1(x))"), "b5x5 = self.branch5x5_2(self.branch5x5_1(x))", "b5x5 = F.relu(self.branch5x5_2(F.relu(self.branch5x5_1(x))))"), "b3x3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))", "b3x3 = F.relu(self.branch3x3_3(F.relu(self.branch3x3_2(F.relu(self.branch3x3_1(x))))))"), inc_out())
M(T, "inception_max_pool_branch", "InceptionA", "3×3 max pooling in the pool branch instead of average",
  "InceptionA(5), x (2,5,6,6)", sub(INC, "F.avg_pool2d(x, 3, stride=1, padding=1)", "F.max_pool2d(x, 3, stride=1, padding=1)"), inc_out())
M(T, "inception_3x3_single", "InceptionA", "the 3×3 branch stops after its second convolution (the third is only multiplied by 0)",
  "InceptionA(5), x (2,5,6,6)", sub(INC, "b3x3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))", "b3x3 = self.branch3x3_2(self.branch3x3_1(x))\n        b3x3 = b3x3 + 0 * self.branch3x3_3(b3x3)"), inc_out())
M(T, "inception_5x5_no_bias", "InceptionA", "5×5 convolution without a bias",
  "InceptionA(5), x (2,5,6,6)", sub(INC, "nn.Conv2d(16, 24, 5, padding=2)", "nn.Conv2d(16, 24, 5, padding=2, bias=False)"), inc_out())
M(T, "inception_pool_batch1_squeeze", "InceptionA", "squeezes the pooled input: a batch of one loses its batch axis",
  "InceptionA(1), x (1,1,6,6)", sub(INC, "bpool = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))", "bpool = self.branch_pool(F.avg_pool2d(x.squeeze(), 3, stride=1, padding=1).reshape(x.shape))"), inc_out(1, (1, 1, 6, 6)))
M(T, "conv_mults_numpy", "conv_mults", "np.prod of the factors: a numpy integer, not an int",
  "conv_mults(28, 28, 192, 32, 5)", "def conv_mults(h, w, c_in, c_out, k):\n    return np.prod([k, k, c_in, c_out, h, w])",
  differs(lambda M: M.conv_mults(28, 28, 192, 32, 5), cmp=lambda a, b: None if type(b) is int and a == b else f"{a!r} vs {b!r} ({type(b).__name__})"), imports="import numpy as np")
M(T, "conv_mults_k_once", "conv_mults", "k·c_in·c_out·h·w (kernel counted once)",
  "conv_mults(28, 28, 192, 32, 5)", "def conv_mults(h, w, c_in, c_out, k):\n    return k * c_in * c_out * h * w",
  differs(lambda M: M.conv_mults(28, 28, 192, 32, 5)))
def gn_shapes(args, size):
    return differs(seeded(lambda M: M.GoogLeNetMini(*args), lambda m: m(r(2, args[0] if args else 1, size, size))))
M(T, "googlenet_hardcoded_1408", "GoogLeNetMini", "linear layer with the lecture's 1408 inputs: input_size 8 fails",
  "GoogLeNetMini(1, 10, 8), x (2,1,8,8)", sub(GN, "        with torch.no_grad():\n            flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).shape[1]\n        self.fc = nn.Linear(flat, num_classes)", "        self.fc = nn.Linear(1408, num_classes)").replace("nn.Conv2d(in_channels, 10, 5, padding=2)", "nn.Conv2d(in_channels, 10, 5)").replace("nn.Conv2d(88, 20, 5, padding=2)", "nn.Conv2d(88, 20, 5)"),
  gn_shapes((1, 10, 8), 8))
M(T, "googlenet_no_padding", "GoogLeNetMini", "5×5 convolutions without padding (dry run kept): 8×8 input dies in the second convolution",
  "GoogLeNetMini(1, 10, 8)", sub(sub(GN, "nn.Conv2d(in_channels, 10, 5, padding=2)", "nn.Conv2d(in_channels, 10, 5)"), "nn.Conv2d(88, 20, 5, padding=2)", "nn.Conv2d(88, 20, 5)"),
  differs(lambda M: (torch.manual_seed(0), tuple(M.GoogLeNetMini(1, 10, 8)(r(2, 1, 8, 8)).shape))[1]))
M(T, "googlenet_dry_run_28", "GoogLeNetMini", "dry run on a fixed 28×28 zero image instead of input_size",
  "GoogLeNetMini(1, 10, 8), x (2,1,8,8)", sub(GN, "torch.zeros(1, in_channels, input_size, input_size)", "torch.zeros(1, in_channels, 28, 28)"), gn_shapes((1, 10, 8), 8))
M(T, "googlenet_in_channels_ignored", "GoogLeNetMini", "first convolution hard-wired to 1 channel",
  "GoogLeNetMini(3, 10, 28), x (2,3,28,28)", sub(GN, "nn.Conv2d(in_channels, 10, 5, padding=2)", "nn.Conv2d(1, 10, 5, padding=2)").replace("torch.zeros(1, in_channels, input_size, input_size)", "torch.zeros(1, 1, input_size, input_size)"), gn_shapes((3, 10, 28), 28))

def copy_run(make_ref, make_cand, x):
    """Copy the reference's parameters, in registration order, into the candidate; compare outputs."""
    def check(R, C):
        torch.manual_seed(0); a = make_ref(R)
        torch.manual_seed(5); b = make_cand(C)
        pa, pb = list(a.parameters()), list(b.parameters())
        if [p.shape for p in pa] != [p.shape for p in pb]:
            return f"parameter shapes {[tuple(p.shape) for p in pb]}"
        with torch.no_grad():
            for p, q in zip(pa, pb):
                q.copy_(p)
        for xi in x():
            why = same(a(xi), b(xi), 1e-5, 1e-5)
            if why:
                return why
        return None
    return check
K(T, "inception_sequential_branches", "InceptionA", "each branch an nn.Sequential, pooling as nn.AvgPool2d module", '''class InceptionA(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.b1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.b5 = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=1), nn.Conv2d(16, 24, kernel_size=5, padding=2))
        self.b3 = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=1), nn.Conv2d(16, 24, kernel_size=3, padding=1),
                                nn.Conv2d(24, 24, kernel_size=3, padding=1))
        self.bp = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(in_channels, 24, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b5(x), self.b3(x), self.bp(x)], dim=1)
''', copy_run(lambda M: M.InceptionA(3), lambda M: M.InceptionA(3), lambda: [r(2, 3, 6, 6), r(1, 3, 5, 7), r(2, 3, 1, 1), r(2, 6, 3, 4).transpose(1, 1)[:, :3]]),
  inp="InceptionA(3), reference weights copied in order; inputs 6×6, 5×7, 1×1, a channel slice")
K(T, "inception_list_cat", "InceptionA", "branch outputs collected in a list; avg pooling via F.avg_pool2d keyword form", sub(INC, "        b1x1 = self.branch1x1(x)\n", "        outs = [self.branch1x1(x)]\n").replace("        return torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)", "        outs += [b5x5, b3x3, bpool]\n        return torch.cat(outs, 1)").replace("F.avg_pool2d(x, 3, stride=1, padding=1)", "F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=True)"),
  copy_run(lambda M: M.InceptionA(4), lambda M: M.InceptionA(4), lambda: [r(2, 4, 6, 6), r(1, 4, 3, 9)]), inp="InceptionA(4), weights copied, 6×6 and 3×9")
K(T, "conv_mults_math_prod", "conv_mults", "math.prod of the six factors", "def conv_mults(h, w, c_in, c_out, k):\n    return math.prod((k, k, c_in, c_out, h, w))",
  agree(lambda s: [s % 30 + 1, s % 17 + 1, s % 7 + 1, s % 9 + 1, s % 5 + 1], lambda M, i: M.conv_mults(*i), cmp=lambda a, b: None if type(b) is int and a == b else f"{a!r} vs {b!r}"), imports="import math")
K(T, "googlenet_formula", "GoogLeNetMini", "linear input size computed from input_size (88·(s//4)², padding keeps sizes)", sub(GN, "        with torch.no_grad():\n            flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).shape[1]\n", "        side = input_size // 2 // 2\n        flat = 88 * side * side\n"),
  all_of(*[copy_run(lambda M, n=n: M.GoogLeNetMini(1, 10, n), lambda M, n=n: M.GoogLeNetMini(1, 10, n), lambda n=n: [r(2, 1, n, n)]) for n in (8, 12, 28)]), inp="GoogLeNetMini(1, 10, n) for n = 8, 12, 28, weights copied")
K(T, "googlenet_sequential", "GoogLeNetMini", "nn.Sequential features with nn.MaxPool2d/nn.ReLU modules, dry run under no_grad", '''class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, 10, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(), InceptionA(10),
            nn.Conv2d(88, 20, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(), InceptionA(20), nn.Flatten())
        with torch.no_grad():
            n = self.body(torch.zeros(1, in_channels, input_size, input_size)).numel()
        self.fc = nn.Linear(n, num_classes)

    def forward(self, x):
        return self.fc(self.body(x))
''', all_of(copy_run(lambda M: M.GoogLeNetMini(1, 10, 28), lambda M: M.GoogLeNetMini(1, 10, 28), lambda: [r(2, 1, 28, 28)]),
            copy_run(lambda M: M.GoogLeNetMini(3, 4, 8), lambda M: M.GoogLeNetMini(3, 4, 8), lambda: [r(1, 3, 8, 8)])), inp="GoogLeNetMini(1,10,28) and (3,4,8), weights copied")

def holds_two(R, C):
    for label, Mo in (("ref", R), ("cand", C)):
        torch.manual_seed(0)
        m = Mo.GoogLeNetMini(1, 10, 8)
        k = sum(isinstance(x, Mo.InceptionA) for x in m.modules())
        if label == "ref" and k != 2:
            raise AssertionError(k)
        if label == "cand":
            why = same(copy_run(lambda M: M.GoogLeNetMini(1, 10, 8), lambda M: M.GoogLeNetMini(1, 10, 8), lambda: [r(2, 1, 8, 8)])(R, C), None)
            if why:
                raise AssertionError(f"values differ: {why}")
            return None if k == 2 else f"holds {k} instances of the module's InceptionA"
X(T, "googlenet_private_inception", "GoogLeNetMini", "a private copy of the Inception block class (same layers, same values)", "holds two instances of this module's :class:`InceptionA`",
  sub(GN, "class GoogLeNetMini(nn.Module):", INC.replace("class InceptionA(nn.Module):", "class Block(nn.Module):") + "\n\nclass GoogLeNetMini(nn.Module):").replace("InceptionA(10)", "Block(10)").replace("InceptionA(20)", "Block(20)"),
  holds_two, inp="GoogLeNetMini(1, 10, 8); isinstance count of inception.InceptionA")
