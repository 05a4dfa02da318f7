from common import *
T = "cnn"
D64 = torch.float64


def _c2(Mod, x, k):
    return with_grads(Mod.corr2d, x, k) if x.dtype == D64 else Mod.corr2d(x, k)


M(T, "corr2d_zeros_float32", "corr2d", "the notes' Y = torch.zeros(...) filled in a loop: float64 inputs give float32 output",
  "float64 x randn(4,5), k randn(2,3)",
  "def corr2d(x, k):\n    kh, kw = k.shape\n    Y = torch.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))\n"
  "    for i in range(Y.shape[0]):\n        for j in range(Y.shape[1]):\n            Y[i, j] = (x[i:i + kh, j:j + kw] * k).sum()\n    return Y\n",
  differs(lambda Mod: Mod.corr2d(torch.randn(4, 5, dtype=D64), torch.randn(2, 3, dtype=D64))))
M(T, "corr2d_kh_for_width", "corr2d", "uses kh for both spatial extents: a non-square kernel gives the wrong width",
  "x randn(5,6), k randn(2,3)",
  "def corr2d(x, k):\n    kh, kw = k.shape\n    rows = [torch.stack([(x[i:i + kh, j:j + kw] * k).sum() for j in range(x.shape[1] - kh + 1)])\n"
  "            for i in range(x.shape[0] - kh + 1)]\n    return torch.stack(rows)\n",
  differs(lambda Mod: Mod.corr2d(torch.randn(5, 6), torch.randn(2, 3))))
M(T, "corr2d_flipped", "corr2d", "true convolution (kernel flipped) instead of cross-correlation",
  "x randn(4,4), k = [[1,2],[3,4]]",
  ed(T, "corr2d", ("* k).sum()", "* k.flip(0, 1)).sum()")),
  differs(lambda Mod: Mod.corr2d(torch.randn(4, 4), torch.tensor([[1.0, 2.0], [3.0, 4.0]]))))
M(T, "corr2d_off_by_one", "corr2d", "loops to H − kh (no + 1): a kernel as large as the input gives nothing",
  "x randn(3,3), k randn(3,3) (kh = H)",
  ed(T, "corr2d", ("range(x.shape[1] - kw + 1)", "range(x.shape[1] - kw)"), ("range(x.shape[0] - kh + 1)", "range(x.shape[0] - kh)")),
  differs(lambda Mod: Mod.corr2d(torch.randn(3, 3), torch.randn(3, 3))))

CV = src(T, "conv2d")
M(T, "conv2d_bias_truthiness", "conv2d", "if bias: (truth value of a tensor) — fails for C_out > 1",
  "x randn(1,2,5,5), weight randn(3,2,3,3), bias randn(3)",
  CV.replace("if bias is not None:", "if bias:"),
  differs(lambda Mod: Mod.conv2d(torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3), torch.randn(3))))
M(T, "conv2d_square_out", "conv2d", "reshapes the output as H_out × H_out: non-square images break",
  "x randn(2,1,5,7), weight randn(2,1,3,3)",
  CV.replace("conv_output_size(w, kw, padding, stride))", "conv_output_size(h, kh, padding, stride))"),
  differs(lambda Mod: Mod.conv2d(torch.randn(2, 1, 5, 7), torch.randn(2, 1, 3, 3))))
M(T, "conv2d_weight_view", "conv2d", "weight.view(c_out, -1): a non-contiguous weight (a transposed view) breaks",
  "x randn(1,2,5,5), weight = randn(2,3,3,3).transpose(0,1) (shape (3,2,3,3), non-contiguous)",
  CV.replace("weight.reshape(c_out, -1)", "weight.view(c_out, -1)"),
  differs(lambda Mod: Mod.conv2d(torch.randn(1, 2, 5, 5), torch.randn(2, 3, 3, 3).transpose(0, 1))))
M(T, "conv2d_square_kernel", "conv2d", "unfolds with kh × kh windows: a non-square (kh ≠ kw) kernel breaks",
  "x randn(1,1,5,6), weight randn(2,1,3,1)",
  CV.replace("F.unfold(x, (kh, kw),", "F.unfold(x, kh,"),
  differs(lambda Mod: Mod.conv2d(torch.randn(1, 1, 5, 6), torch.randn(2, 1, 3, 1))))
M(T, "conv2d_pad_one_side", "conv2d", "pads only the bottom/right (F.pad(x, (0, 2p, 0, 2p)))",
  "x randn(1,1,4,4), weight randn(1,1,3,3), padding 1",
  CV.replace("columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)",
             "columns = F.unfold(F.pad(x, (0, 2 * padding, 0, 2 * padding)), (kh, kw), stride=stride)"),
  differs(lambda Mod: Mod.conv2d(torch.randn(1, 1, 4, 4), torch.randn(1, 1, 3, 3), padding=1)))
M(T, "cos_float_div", "conv_output_size", "true division then + 1: returns a float",
  "n = 28, k = 5, padding 2, stride 1",
  "def conv_output_size(n, k, padding=0, stride=1):\n    return (n + 2 * padding - k) / stride + 1\n",
  differs(lambda Mod: Mod.conv_output_size(28, 5, 2, 1)))
M(T, "cos_int_of_float", "conv_output_size", "int((n + 2p − k) / s) + 1: float division loses digits for huge n",
  "n = 10**17 + 1, k = 1, padding 0, stride 3",
  "def conv_output_size(n, k, padding=0, stride=1):\n    return int((n + 2 * padding - k) / stride) + 1\n",
  differs(lambda Mod: Mod.conv_output_size(10**17 + 1, 1, 0, 3), cmp=lambda a, b: None if type(a) is type(b) and a == b else f"{a!r} vs {b!r}"))
M(T, "cos_pad_once", "conv_output_size", "adds the padding once instead of on both sides",
  "n = 8, k = 3, padding 1, stride 1",
  "def conv_output_size(n, k, padding=0, stride=1):\n    return (n + padding - k) // stride + 1\n",
  differs(lambda Mod: Mod.conv_output_size(8, 3, 1, 1)))

MP = src(T, "max_pool2d")
M(T, "maxpool_reshape", "max_pool2d", "reshape into (H/k, k, W/k, k) blocks: an odd size (H = 5, k = 2) breaks",
  "x randn(1,1,5,5), kernel 2",
  "def max_pool2d(x, kernel_size, stride=None):\n    n, c, h, w = x.shape\n    k = kernel_size\n"
  "    return x.reshape(n, c, h // k, k, w // k, k).amax(dim=(3, 5))\n",
  differs(lambda Mod: Mod.max_pool2d(torch.randn(1, 1, 5, 5), 2)))
M(T, "maxpool_zero_start", "max_pool2d", "running max started at 0: all-negative windows give 0",
  "x = −rand(1,2,4,4) − 0.1, kernel 2",
  "def max_pool2d(x, kernel_size, stride=None):\n    stride = stride or kernel_size\n"
  "    windows = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)\n    best = torch.zeros(windows.shape[:4], dtype=x.dtype)\n"
  "    for a in range(kernel_size):\n        for b in range(kernel_size):\n            best = torch.maximum(best, windows[..., a, b])\n    return best\n",
  differs(lambda Mod: Mod.max_pool2d(-torch.rand(1, 2, 4, 4) - 0.1, 2)))
M(T, "maxpool_stride_default_1", "max_pool2d", "stride defaults to 1 instead of kernel_size",
  "x randn(1,1,4,4), kernel 2, stride omitted",
  MP.replace("stride = stride or kernel_size", "stride = stride or 1"),
  differs(lambda Mod: Mod.max_pool2d(torch.randn(1, 1, 4, 4), 2)))


SC = src(T, "SimpleCNN")


def _net(Mod, cls, args, x, **kw):
    torch.manual_seed(0)
    m = getattr(Mod, cls)(*args, **kw)
    torch.manual_seed(1)
    return m(x)


M(T, "cnn_fixed_classes", "SimpleCNN", "linear layer hard-coded to 10 outputs",
  "SimpleCNN(num_classes=3) on randn(2,1,8,8)",
  SC.replace("nn.Linear(32, num_classes)", "nn.Linear(32, 10)"),
  differs(lambda Mod: _net(Mod, "SimpleCNN", (3,), torch.randn(2, 1, 8, 8))))
M(T, "cnn_fixed_in_channels", "SimpleCNN", "first convolution hard-coded to 1 input channel",
  "SimpleCNN(10, in_channels=3) on randn(2,3,8,8)",
  SC.replace("nn.Conv2d(in_channels, 16, 3, padding=1)", "nn.Conv2d(1, 16, 3, padding=1)"),
  differs(lambda Mod: _net(Mod, "SimpleCNN", (10, 3), torch.randn(2, 3, 8, 8))))
M(T, "cnn_squeeze", "SimpleCNN", "squeeze() after global pooling: a batch of one loses its batch axis",
  "SimpleCNN() on randn(1,1,8,8)",
  SC.replace("self.features(x).flatten(1)", "self.features(x).squeeze()"),
  differs(lambda Mod: _net(Mod, "SimpleCNN", (), torch.randn(1, 1, 8, 8))))
M(T, "cnn_flatten_8x8", "SimpleCNN", "no global pooling, linear sized for 8×8 input: 28×28 images break",
  "SimpleCNN() on randn(2,1,28,28)",
  SC.replace("            nn.AdaptiveAvgPool2d(1))", "            )").replace("nn.Linear(32, num_classes)", "nn.Linear(32 * 2 * 2, num_classes)"),
  differs(lambda Mod: _net(Mod, "SimpleCNN", (), torch.randn(2, 1, 28, 28))))

# ---------------- contract ----------------
X(T, "corr2d_conv2d", "corr2d", "F.conv2d on the unsqueezed input", "Off limits: torch's convolution functions (F.conv2d)",
  "def corr2d(x, k):\n    return F.conv2d(x[None, None], k[None, None])[0, 0]\n",
  calls_forbidden(lambda Mod: Mod.corr2d(torch.randn(4, 4), torch.randn(2, 2)), [(F, "conv2d")]))
X(T, "maxpool_F", "max_pool2d", "F.max_pool2d", "Off limits: F.max_pool2d",
  "def max_pool2d(x, kernel_size, stride=None):\n    return F.max_pool2d(x, kernel_size, stride)\n",
  calls_forbidden(lambda Mod: Mod.max_pool2d(torch.randn(1, 1, 4, 4), 2), [(F, "max_pool2d")]))


def _convs(Mod, **kw):
    m = Mod.SimpleCNN(**kw)
    return [mm.out_channels for mm in m.modules() if isinstance(mm, nn.Conv2d)]


X(T, "cnn_thin_convs", "SimpleCNN", "first convolution with 6 output channels, second with 12 (LeNet's widths)",
  "The first convolution has at least 8 output channels and the second at least 16",
  SC.replace("nn.Conv2d(in_channels, 16, 3, padding=1)", "nn.Conv2d(in_channels, 6, 3, padding=1)")
    .replace("nn.Conv2d(16, 32, 3, padding=1)", "nn.Conv2d(6, 12, 3, padding=1)").replace("nn.Linear(32, num_classes)", "nn.Linear(12, num_classes)"),
  lambda R, C: (f"conv widths {_convs(C)}" if _convs(C)[0] < 8 or _convs(C)[1] < 16 else None))

# ---------------- correct ----------------
def _gen_c2(seed):
    dt = [torch.float32, D64][seed % 2]
    H, W = [(4, 5), (3, 3), (6, 2), (1, 4)][seed % 4]
    kh, kw = [(2, 3), (3, 3), (1, 2), (1, 1)][seed % 4]
    x = torch.randn(H, W, dtype=dt)
    if seed % 3 == 0:
        x = torch.randn(W, H, dtype=dt).T
    return [x, torch.randn(kh, kw, dtype=dt)]


K(T, "corr2d_unfold", "corr2d", "windows by Tensor.unfold twice, then a sum of products",
  "def corr2d(x, k):\n    kh, kw = k.shape\n    windows = x.unfold(0, kh, 1).unfold(1, kw, 1)\n    return (windows * k).sum(dim=(-2, -1))\n",
  agree(_gen_c2, lambda Mod, i: _c2(Mod, *i), rtol=1e-5, atol=1e-5))
K(T, "corr2d_shift_sum", "corr2d", "sum over kernel offsets of shifted input slices times K[a, b]",
  "def corr2d(x, k):\n    kh, kw = k.shape\n    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1\n    out = 0\n"
  "    for a in range(kh):\n        for b in range(kw):\n            out = out + x[a:a + oh, b:b + ow] * k[a, b]\n    return out\n",
  agree(_gen_c2, lambda Mod, i: _c2(Mod, *i), rtol=1e-5, atol=1e-5))


def _gen_cv(seed):
    dt = [torch.float32, D64][seed % 2]
    N, C, H, W = [(2, 3, 5, 6), (1, 1, 4, 4), (3, 2, 7, 5), (1, 2, 3, 8)][seed % 4]
    co, kh, kw = [(4, 3, 3), (2, 1, 1), (3, 2, 3), (1, 3, 2)][seed % 4]
    stride, pad = [1, 2, 3][seed % 3], [0, 1, 2][(seed // 3) % 3]
    x = torch.randn(N, C, H, W, dtype=dt)
    w = torch.randn(co, C, kh, kw, dtype=dt)
    b = torch.randn(co, dtype=dt) if seed % 2 else None
    return [x, w, b, stride, pad]


def _run_cv(Mod, i):
    x, w, b, s, p = i
    if x.dtype == D64:
        ts = [x, w] + ([b] if b is not None else [])
        return with_grads(lambda *t: Mod.conv2d(t[0], t[1], t[2] if len(t) > 2 else None, s, p), *ts)
    return Mod.conv2d(x, w, b, s, p)


K(T, "conv2d_einsum_windows", "conv2d", "F.pad then Tensor.unfold windows, einsum over (C_in, kh, kw)",
  "def conv2d(x, weight, bias=None, stride=1, padding=0):\n    xp = F.pad(x, (padding, padding, padding, padding))\n    kh, kw = weight.shape[2:]\n"
  "    win = xp.unfold(2, kh, stride).unfold(3, kw, stride)\n    out = torch.einsum('nchwij,ocij->nohw', win, weight)\n"
  "    if bias is not None:\n        out = out + bias.reshape(1, -1, 1, 1)\n    return out\n",
  agree(_gen_cv, _run_cv, rtol=1e-5, atol=1e-5))
K(T, "conv2d_unfold_transpose", "conv2d", "F.unfold columns transposed, multiplied by weightᵀ, then folded back",
  "def conv2d(x, weight, bias=None, stride=1, padding=0):\n    n, c, h, w = x.shape\n    o, _, kh, kw = weight.shape\n"
  "    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride).transpose(1, 2)\n    out = cols @ weight.reshape(o, -1).T\n"
  "    if bias is not None:\n        out = out + bias\n    ho = (h + 2 * padding - kh) // stride + 1\n    wo = (w + 2 * padding - kw) // stride + 1\n"
  "    return out.transpose(1, 2).reshape(n, o, ho, wo)\n",
  agree(_gen_cv, _run_cv, rtol=1e-5, atol=1e-5))
K(T, "cos_floor_div", "conv_output_size", "math.floor of a Fraction-free integer division via divmod",
  "def conv_output_size(n, k, padding=0, stride=1):\n    q, _ = divmod(n + 2 * padding - k, stride)\n    return q + 1\n",
  agree(lambda s: [s * 7 + 3 + (10**17 if s % 5 == 0 else 0), 1 + s % 5, s % 3, 1 + s % 4],
        lambda Mod, i: Mod.conv_output_size(*i), cmp=lambda a, b: None if type(a) is type(b) and a == b else f"{a!r} vs {b!r}"))


def _gen_mp(seed):
    dt = [torch.float32, D64][seed % 2]
    shape = [(2, 3, 5, 5), (1, 1, 4, 6), (1, 2, 7, 3), (3, 1, 2, 2)][seed % 4]
    x = torch.randn(shape, dtype=dt) - [0, 5][seed % 2]
    if seed % 3 == 0:
        x = x.transpose(2, 3)
    k = [2, 3, 1, 2][seed % 4] if min(x.shape[2:]) >= 3 else min(2, min(x.shape[2:]))
    return [x, k, [None, 1, 2][seed % 3]]


K(T, "maxpool_amax_twice", "max_pool2d", "unfold, then amax over the last two axes",
  "def max_pool2d(x, kernel_size, stride=None):\n    s = kernel_size if stride is None else stride\n"
  "    return x.unfold(2, kernel_size, s).unfold(3, kernel_size, s).amax(dim=(-2, -1))\n",
  agree(_gen_mp, lambda Mod, i: with_grads(lambda t: Mod.max_pool2d(t, i[1], i[2]), i[0]) if i[0].dtype == D64 else Mod.max_pool2d(*i)))
K(T, "maxpool_max_values", "max_pool2d", "max(-1).values over a flattened window (loop-free)",
  "def max_pool2d(x, kernel_size, stride=None):\n    if stride is None:\n        stride = kernel_size\n"
  "    n, c = x.shape[:2]\n    w = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)\n"
  "    return w.reshape(*w.shape[:4], -1).max(dim=-1).values\n",
  agree(_gen_mp, lambda Mod, i: Mod.max_pool2d(*i)))
K(T, "cnn_sequential_lecture", "SimpleCNN", "the same layers with functional relu/max-pool and mean over H, W instead of AdaptiveAvgPool2d",
  "class SimpleCNN(nn.Module):\n    def __init__(self, num_classes=10, in_channels=1):\n        super().__init__()\n"
  "        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1)\n        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)\n"
  "        self.fc = nn.Linear(32, num_classes)\n\n    def forward(self, x):\n        x = F.max_pool2d(F.relu(self.conv1(x)), 2)\n"
  "        x = F.max_pool2d(F.relu(self.conv2(x)), 2)\n        return self.fc(x.mean(dim=(2, 3)))\n",
  agree(lambda s: [[10, 3][s % 2], [1, 3][s % 3 == 0], [8, 28, 9, 12][s % 4], 1 + s % 3],
        lambda Mod, i: _net(Mod, "SimpleCNN", (i[0], i[1]), torch.randn(i[3], i[1], i[2], i[2])), n=8, rtol=1e-5, atol=1e-6))

M(T, "cnn_lazy_linear", "SimpleCNN", "creates the linear layer inside the first forward: its parameters are missing at construction (an optimiser built first never sees them)",
  "SimpleCNN(): parameter count right after construction",
  SC.replace("self.classifier = nn.Linear(32, num_classes)", "self.num_classes = num_classes\n        self.classifier = None")
    .replace("return self.classifier(self.features(x).flatten(1))",
             "h = self.features(x).flatten(1)\n        if self.classifier is None:\n            self.classifier = nn.Linear(h.shape[1], self.num_classes).to(h.device)\n        return self.classifier(h)"),
  differs(lambda Mod: sum(p.numel() for p in Mod.SimpleCNN().parameters())))
