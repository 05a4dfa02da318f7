from common import *
T = "inception"
IA = src(T, "InceptionA")
GN = src(T, "GoogLeNetMini")


def _ia(Mod, c=5, x=None, grads=False):
    torch.manual_seed(0)
    m = Mod.InceptionA(c)
    torch.manual_seed(1)
    x = x if x is not None else torch.randn(2, c, 6, 7)
    return m(x)


def _gn(Mod, args=(), x=None, **kw):
    torch.manual_seed(0)
    m = Mod.GoogLeNetMini(*args, **kw)
    torch.manual_seed(1)
    return m(x)


M(T, "ia_swap_branches", "InceptionA", "concatenates b3x3 before b5x5 (both 24 channels: shapes agree, channels do not)",
  "InceptionA(5) on randn(2,5,6,7), seed 0",
  IA.replace("torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)", "torch.cat([b1x1, b3x3, b5x5, bpool], dim=1)"),
  differs(lambda Mod: _ia(Mod)))
M(T, "ia_max_pool", "InceptionA", "3×3 max pooling in the pool branch instead of average pooling",
  "InceptionA(5) on randn(2,5,6,7)",
  IA.replace("F.avg_pool2d(x, 3, stride=1, padding=1)", "F.max_pool2d(x, 3, stride=1, padding=1)"),
  differs(lambda Mod: _ia(Mod)))
M(T, "ia_conv_then_pool", "InceptionA", "1×1 conv before the average pool: equal inside, but the bias is averaged with the zero padding at the border",
  "InceptionA(3) on randn(1,3,1,1) (every position is a border)",
  IA.replace("self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))", "F.avg_pool2d(self.branch_pool(x), 3, stride=1, padding=1)"),
  differs(lambda Mod: _ia(Mod, 3, torch.randn(1, 3, 1, 1))))
M(T, "ia_relu_inside", "InceptionA", "ReLU after every convolution (the module has no activation)",
  "InceptionA(5) on randn(2,5,6,7)",
  IA.replace("b1x1 = self.branch1x1(x)", "b1x1 = F.relu(self.branch1x1(x))"),
  differs(lambda Mod: _ia(Mod)))
M(T, "ia_single_3x3", "InceptionA", "the 3×3 branch with one 3×3 convolution instead of two",
  "InceptionA(5) on randn(2,5,6,7)",
  IA.replace("b3x3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))", "b3x3 = self.branch3x3_2(self.branch3x3_1(x))"),
  differs(lambda Mod: _ia(Mod)))
M(T, "ia_no_bias", "InceptionA", "1×1 convolutions without bias (the docstring: all convolutions have a bias)",
  "InceptionA(5) on randn(2,5,6,7)",
  IA.replace("self.branch1x1 = nn.Conv2d(in_channels, 16, 1)", "self.branch1x1 = nn.Conv2d(in_channels, 16, 1, bias=False)"),
  differs(lambda Mod: _ia(Mod)))
M(T, "ia_fixed_in", "InceptionA", "hard-codes the lecture's 10 input channels",
  "InceptionA(5) on randn(2,5,6,7)",
  IA.replace("nn.Conv2d(in_channels,", "nn.Conv2d(10,"),
  differs(lambda Mod: _ia(Mod)))
M(T, "mults_float", "conv_mults", "k² via math.pow: returns a float",
  "conv_mults(28, 28, 192, 32, 5)",
  "def conv_mults(h, w, c_in, c_out, k):\n    return math.pow(k, 2) * c_in * c_out * h * w\n",
  differs(lambda Mod: Mod.conv_mults(28, 28, 192, 32, 5)), imports="import math")
M(T, "mults_input_side", "conv_mults", "recomputes the output side as h − k + 1 (h, w are already the output)",
  "conv_mults(28, 28, 192, 32, 5)",
  "def conv_mults(h, w, c_in, c_out, k):\n    return k * k * c_in * c_out * (h - k + 1) * (w - k + 1)\n",
  differs(lambda Mod: Mod.conv_mults(28, 28, 192, 32, 5)))
M(T, "gn_hardcoded_1408", "GoogLeNetMini", "linear layer of 1408 inputs (28×28 lecture value): input_size 8 breaks",
  "GoogLeNetMini(1, 10, 8) on randn(2,1,8,8)",
  GN.replace('''        with torch.no_grad():
            flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).shape[1]
        self.fc = nn.Linear(flat, num_classes)''', '''        self.fc = nn.Linear(1408 * 4 if input_size == 28 else 1408, num_classes)'''),
  differs(lambda Mod: _gn(Mod, (1, 10, 8), torch.randn(2, 1, 8, 8))))
M(T, "gn_no_padding", "GoogLeNetMini", "5×5 convolutions without padding: an 8×8 image does not survive",
  "GoogLeNetMini(1, 10, 8) built and run on randn(2,1,8,8)",
  GN.replace("nn.Conv2d(in_channels, 10, 5, padding=2)", "nn.Conv2d(in_channels, 10, 5)").replace("nn.Conv2d(88, 20, 5, padding=2)", "nn.Conv2d(88, 20, 5)"),
  differs(lambda Mod: _gn(Mod, (1, 10, 8), torch.randn(2, 1, 8, 8))))
M(T, "gn_dry_run_one_channel", "GoogLeNetMini", "dry run on zeros(1, 1, s, s): in_channels = 3 breaks",
  "GoogLeNetMini(3, 10, 8)",
  GN.replace("torch.zeros(1, in_channels, input_size, input_size)", "torch.zeros(1, 1, input_size, input_size)"),
  differs(lambda Mod: _gn(Mod, (3, 10, 8), torch.randn(2, 3, 8, 8))))
M(T, "gn_squeeze", "GoogLeNetMini", "squeezes the logits: a batch of one returns (num_classes,) not (1, num_classes)",
  "GoogLeNetMini(1, 10, 8) on randn(1,1,8,8)",
  GN.replace("return self.fc(self.features(x))", "return self.fc(self.features(x)).squeeze()"),
  differs(lambda Mod: _gn(Mod, (1, 10, 8), torch.randn(1, 1, 8, 8))))
M(T, "gn_relu_before_pool_missing", "GoogLeNetMini", "no ReLU at all between the stages",
  "GoogLeNetMini(1, 10, 8) on randn(2,1,8,8)",
  GN.replace("x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))", "x = self.incep1(F.max_pool2d(self.conv1(x), 2))")
    .replace("x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))", "x = self.incep2(F.max_pool2d(self.conv2(x), 2))"),
  differs(lambda Mod: _gn(Mod, (1, 10, 8), torch.randn(2, 1, 8, 8))))

# ---------------- contract ----------------
def _n_incep(Mod):
    m = Mod.GoogLeNetMini(1, 10, 8)
    return sum(isinstance(mm, Mod.InceptionA) for mm in m.modules())


X(T, "gn_inline_branches", "GoogLeNetMini", "second Inception written inline as loose branch convolutions in the network (one InceptionA instance only)",
  "holds two instances of this module's InceptionA",
  GN.replace("self.incep2 = InceptionA(20)", "self.i2_1x1 = nn.Conv2d(20, 16, 1)\n        self.i2_5a = nn.Conv2d(20, 16, 1)\n        self.i2_5b = nn.Conv2d(16, 24, 5, padding=2)\n"
             "        self.i2_3a = nn.Conv2d(20, 16, 1)\n        self.i2_3b = nn.Conv2d(16, 24, 3, padding=1)\n        self.i2_3c = nn.Conv2d(24, 24, 3, padding=1)\n"
             "        self.i2_pool = nn.Conv2d(20, 24, 1)")
    .replace("x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))",
             "x = F.relu(F.max_pool2d(self.conv2(x), 2))\n        x = torch.cat([self.i2_1x1(x), self.i2_5b(self.i2_5a(x)), self.i2_3c(self.i2_3b(self.i2_3a(x))),\n"
             "                       self.i2_pool(F.avg_pool2d(x, 3, stride=1, padding=1))], dim=1)"),
  lambda R, C: (f"{_n_incep(C)} InceptionA instance(s)" if _n_incep(C) < 2 else None) if _n_incep(R) == 2 else "ref?")

# ---------------- correct ----------------
def _gen_ia(seed):
    c = [1, 3, 10, 5][seed % 4]
    h, w = [(1, 1), (6, 7), (8, 8), (3, 2)][seed % 4]
    x = torch.randn(1 + seed % 3, c, h, w)
    if seed % 3 == 0:
        x = torch.randn(1 + seed % 3, c, w, h).transpose(2, 3)
    return [c, x]


def _run_ia(Mod, i):
    torch.manual_seed(0)
    m = Mod.InceptionA(i[0])
    x = i[1].clone().requires_grad_(True)
    y = m(x)
    g = torch.autograd.grad((y * torch.linspace(-1, 1, y.numel()).reshape(y.shape)).sum(), [x] + list(m.parameters()))
    return y.detach(), g[0], sorted(tuple(p.shape) for p in m.parameters()), sorted(float(gg.abs().sum()) > 0 for gg in g[1:])


K(T, "ia_sequential_branches", "InceptionA", "each branch an nn.Sequential (AvgPool2d module + conv for the pool branch), same layer order",
  "class InceptionA(nn.Module):\n    def __init__(self, in_channels):\n        super().__init__()\n"
  "        self.b1 = nn.Conv2d(in_channels, 16, kernel_size=1)\n"
  "        self.b5 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2))\n"
  "        self.b3 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1), nn.Conv2d(24, 24, 3, padding=1))\n"
  "        self.bp = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(in_channels, 24, 1))\n\n"
  "    def forward(self, x):\n        return torch.cat((self.b1(x), self.b5(x), self.b3(x), self.bp(x)), 1)\n",
  agree(_gen_ia, _run_ia, n=12, rtol=1e-5, atol=1e-5))
K(T, "ia_list_cat", "InceptionA", "branches computed into a list, pool via F.avg_pool2d(..., count_include_pad=True) explicit",
  IA.replace("        return torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)", "        outs = [b1x1, b5x5, b3x3, bpool]\n        return torch.cat(outs, dim=1)")
    .replace("F.avg_pool2d(x, 3, stride=1, padding=1)", "F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=True)"),
  agree(_gen_ia, _run_ia, n=12, rtol=1e-5, atol=1e-5))
K(T, "mults_prod", "conv_mults", "math.prod of the factors",
  "def conv_mults(h, w, c_in, c_out, k):\n    return math.prod((k, k, c_in, c_out, h, w))\n",
  agree(lambda s: [1 + s, 2 + s % 5, 1 + 3 * s, 16 + s, 1 + s % 7], lambda Mod, i: Mod.conv_mults(*i),
        cmp=lambda a, b: None if type(a) is type(b) and a == b else f"{a!r} vs {b!r}"), imports="import math")


def _gen_gn(seed):
    return [[1, 3][seed % 2], [10, 4][seed % 3 == 0], [8, 28, 12][seed % 3], 1 + seed % 2]


def _run_gn(Mod, i):
    torch.manual_seed(0)
    m = Mod.GoogLeNetMini(i[0], i[1], i[2])
    torch.manual_seed(1)
    return m(torch.randn(i[3], i[0], i[2], i[2])), sorted(tuple(p.shape) for p in m.parameters())


K(T, "gn_formula_size", "GoogLeNetMini", "linear input size by formula: 88 · (s // 4)² (padding 2 keeps the side, two 2×2 pools floor it)",
  GN.replace('''        with torch.no_grad():
            flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).shape[1]''', '''        flat = 88 * (input_size // 2 // 2) ** 2'''),
  agree(_gen_gn, _run_gn, n=6, rtol=1e-5, atol=1e-6))
K(T, "gn_functional_order", "GoogLeNetMini", "forward written out inline (relu of the pooled conv, then Inception), dry run under no_grad in eval",
  GN.replace('''    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.features(x))''', '''    def forward(self, x: Tensor) -> Tensor:
        n = x.size(0)
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = self.incep1(x)
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = self.incep2(x)
        return self.fc(x.view(n, -1))'''),
  agree(_gen_gn, _run_gn, n=6, rtol=1e-5, atol=1e-6))
