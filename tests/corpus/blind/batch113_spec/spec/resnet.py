from common import *
T = "resnet"
D64 = torch.float64
RB = src(T, "ResidualBlock")
BB = src(T, "BasicBlock")
SR = src(T, "SmallResNet")


def _mod(Mod, cls, args, x, train=True, dt=torch.float32):
    torch.manual_seed(0)
    m = getattr(Mod, cls)(*args).to(dt)
    m.train(train)
    return m(x.to(dt))


M(T, "rb_relu_before_add", "ResidualBlock", "relu(conv2(...)) + x: the ReLU before the skip addition, none after",
  "ResidualBlock(3) on randn(2,3,5,5)",
  RB.replace("return F.relu(x + self.conv2(F.relu(self.conv1(x))))", "return x + F.relu(self.conv2(F.relu(self.conv1(x))))"),
  differs(lambda Mod: _mod(Mod, "ResidualBlock", (3,), torch.randn(2, 3, 5, 5))))
M(T, "rb_no_inner_relu", "ResidualBlock", "no ReLU between conv1 and conv2",
  "ResidualBlock(3) on randn(2,3,5,5)",
  RB.replace("self.conv2(F.relu(self.conv1(x)))", "self.conv2(self.conv1(x))"),
  differs(lambda Mod: _mod(Mod, "ResidualBlock", (3,), torch.randn(2, 3, 5, 5))))
M(T, "rb_no_bias", "ResidualBlock", "convolutions without bias (the docstring asks for a bias)",
  "ResidualBlock(3) on randn(2,3,5,5)",
  RB.replace("nn.Conv2d(channels, channels, 3, padding=1)", "nn.Conv2d(channels, channels, 3, padding=1, bias=False)"),
  differs(lambda Mod: _mod(Mod, "ResidualBlock", (3,), torch.randn(2, 3, 5, 5))))

BN = src(T, "batch_norm")


def _bn(Mod, x, training=True, momentum=0.1, eps=1e-5, grads=False):
    C = x.shape[1]
    g = torch.Generator().manual_seed(3)
    gamma = torch.rand(C, generator=g, dtype=x.dtype) + 0.5
    beta = torch.randn(C, generator=g, dtype=x.dtype)
    rm = torch.randn(C, generator=g, dtype=x.dtype)
    rv = torch.rand(C, generator=g, dtype=x.dtype) + 0.5
    if grads:
        out, gr = with_grads(lambda a, b, c: Mod.batch_norm(a, b, c, rm, rv, training, momentum, eps), x, gamma, beta)
        return out, gr, rm, rv
    return Mod.batch_norm(x, gamma, beta, rm, rv, training, momentum, eps), rm, rv


M(T, "bn_unbiased_norm", "batch_norm", "normalises with the unbiased variance (n − 1)",
  "training, x randn(4,3,2,2)",
  BN.replace("var = x.var(dim=dims, unbiased=False)", "var = x.var(dim=dims)").replace("momentum * var * count / (count - 1)", "momentum * var"),
  differs(lambda Mod: _bn(Mod, torch.randn(4, 3, 2, 2))))
M(T, "bn_running_biased", "batch_norm", "updates running_var with the biased variance",
  "training, x randn(4,3,2,2): running_var after the call",
  BN.replace("momentum * var * count / (count - 1)", "momentum * var"),
  differs(lambda Mod: _bn(Mod, torch.randn(4, 3, 2, 2))))
M(T, "bn_ex2_minus_mean2", "batch_norm", "σ² as E[x²] − E[x]²: cancels for mean 1e5, spread 1e−2 (float64)",
  "float64 x = 1e5 + 1e-2·randn(8,2,3,3), training",
  BN.replace("var = x.var(dim=dims, unbiased=False)", "var = (x * x).mean(dim=dims) - mean * mean"),
  differs(lambda Mod: _bn(Mod, 1e5 + 1e-2 * torch.randn(8, 2, 3, 3, dtype=D64)), rtol=1e-7, atol=0.0))
M(T, "bn_rebind_running", "batch_norm", "running stats rebound (running_mean = ...) instead of updated in place: the caller's tensors stay",
  "training, x randn(4,3,2,2): running_mean after the call",
  BN.replace("running_mean.mul_(1 - momentum).add_(momentum * mean)", "running_mean = (1 - momentum) * running_mean + momentum * mean")
    .replace("running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))", "running_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)"),
  differs(lambda Mod: _bn(Mod, torch.randn(4, 3, 2, 2))))
M(T, "bn_dims_4d_only", "batch_norm", "statistics over (0, 2, 3) hard-coded: an (N, C) input breaks",
  "training, x randn(6, 3)",
  BN.replace("dims = [0] + list(range(2, x.dim()))\n    shape = [1, -1] + [1] * (x.dim() - 2)", "dims = [0, 2, 3]\n    shape = [1, -1, 1, 1]"),
  differs(lambda Mod: _bn(Mod, torch.randn(6, 3))))
M(T, "bn_momentum_reversed", "batch_norm", "running ← momentum·running + (1 − momentum)·batch",
  "training, momentum 0.1, x randn(4,3,2,2)",
  BN.replace("running_mean.mul_(1 - momentum).add_(momentum * mean)", "running_mean.mul_(momentum).add_((1 - momentum) * mean)")
    .replace("running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))", "running_var.mul_(momentum).add_((1 - momentum) * var * count / (count - 1))"),
  differs(lambda Mod: _bn(Mod, torch.randn(4, 3, 2, 2))))
M(T, "bn_detached_stats", "batch_norm", "batch mean and variance detached: the gradient w.r.t. x ignores their dependence on x",
  "float64 training, x randn(4,3,2,2), gradient w.r.t. x",
  BN.replace("    x_hat = (x - mean.reshape(shape))", "    mean, var = mean.detach(), var.detach()\n    x_hat = (x - mean.reshape(shape))"),
  differs(lambda Mod: _bn(Mod, torch.randn(4, 3, 2, 2, dtype=D64), grads=True)[1], rtol=1e-7, atol=1e-9))
M(T, "bn_running_in_graph", "batch_norm", "updates the running stats without torch.no_grad() and without detaching: they join the autograd graph",
  "training, x randn(4,3,2,2, requires_grad=True): running_mean.requires_grad after the call",
  BN.replace("        with torch.no_grad():\n            running_mean", "        if True:\n            running_mean"),
  differs(lambda Mod: (lambda x: (lambda out: (out[1].requires_grad, out[2].requires_grad))(_bn(Mod, x)))(torch.randn(4, 3, 2, 2, requires_grad=True))))
M(T, "bn_eps_outside", "batch_norm", "eps added to the standard deviation, not inside the square root",
  "eval mode, running_var ~ U(0.5, 1.5), eps = 0.1",
  BN.replace("torch.sqrt(var.reshape(shape) + eps)", "(torch.sqrt(var.reshape(shape)) + eps)"),
  differs(lambda Mod: _bn(Mod, torch.randn(4, 3, 2, 2), training=False, eps=0.1)))
M(T, "bn_eval_updates", "batch_norm", "updates the running stats in eval mode too",
  "training False, x randn(4,3,2,2): running_mean after",
  "def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
  "    dims = [0] + list(range(2, x.dim()))\n    shape = [1, -1] + [1] * (x.dim() - 2)\n    mean = x.mean(dim=dims)\n    var = x.var(dim=dims, unbiased=False)\n"
  "    count = x.numel() // x.shape[1]\n    with torch.no_grad():\n        old_m, old_v = running_mean.clone(), running_var.clone()\n"
  "        running_mean.mul_(1 - momentum).add_(momentum * mean)\n        running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))\n"
  "    if not training:\n        mean, var = old_m, old_v\n"
  "    x_hat = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps)\n    return gamma.reshape(shape) * x_hat + beta.reshape(shape)\n",
  differs(lambda Mod: _bn(Mod, torch.randn(4, 3, 2, 2), training=False)))

M(T, "bb_projection_on_stride_only", "BasicBlock", "projection only when stride ≠ 1: a channel change at stride 1 cannot be added",
  "BasicBlock(3, 5, 1) on randn(2,3,6,6)",
  BB.replace("if stride != 1 or in_channels != out_channels:", "if stride != 1:"),
  differs(lambda Mod: _mod(Mod, "BasicBlock", (3, 5, 1), torch.randn(2, 3, 6, 6))))
M(T, "bb_stride_on_conv2", "BasicBlock", "stride on the second 3×3 convolution instead of the first (same output shape)",
  "BasicBlock(3, 5, 2) on randn(2,3,6,6), train mode",
  BB.replace("nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)", "nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)")
    .replace("nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)", "nn.Conv2d(out_channels, out_channels, 3, stride=stride, padding=1, bias=False)"),
  differs(lambda Mod: _mod(Mod, "BasicBlock", (3, 5, 2), torch.randn(2, 3, 6, 6))))
M(T, "bb_always_projection", "BasicBlock", "always a projection shortcut, even for stride 1 and equal channels",
  "BasicBlock(4, 4, 1) on randn(2,4,5,5)",
  BB.replace("if stride != 1 or in_channels != out_channels:", "if True:"),
  differs(lambda Mod: _mod(Mod, "BasicBlock", (4, 4, 1), torch.randn(2, 4, 5, 5))))
M(T, "bb_relu_after_bn2", "BasicBlock", "ReLU after bn2, before the addition (and none after it)",
  "BasicBlock(4, 4, 1) on randn(2,4,5,5)",
  BB.replace("return F.relu(main + self.shortcut(x))", "return F.relu(main) + self.shortcut(x)"),
  differs(lambda Mod: _mod(Mod, "BasicBlock", (4, 4, 1), torch.randn(2, 4, 5, 5))))
M(T, "bb_avgpool_shortcut", "BasicBlock", "shortcut by 2×2 average pooling + 1×1 conv: an odd H gives ⌊H/2⌋, not ⌈H/2⌉",
  "BasicBlock(3, 6, 2) on randn(2,3,7,7)",
  BB.replace("nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),", "nn.Sequential(nn.AvgPool2d(stride), nn.Conv2d(in_channels, out_channels, 1, bias=False),"),
  differs(lambda Mod: _mod(Mod, "BasicBlock", (3, 6, 2), torch.randn(2, 3, 7, 7))))
M(T, "srn_fixed_classes", "SmallResNet", "final linear hard-coded to 10 classes",
  "SmallResNet(1, 4) on randn(2,1,8,8)",
  SR.replace("nn.Linear(32, num_classes)", "nn.Linear(32, 10)"),
  differs(lambda Mod: _mod(Mod, "SmallResNet", (1, 4), torch.randn(2, 1, 8, 8))))
M(T, "srn_fixed_in", "SmallResNet", "stem hard-coded to 1 input channel",
  "SmallResNet(3, 10) on randn(2,3,8,8)",
  SR.replace("nn.Conv2d(in_channels, 16, 3, padding=1, bias=False)", "nn.Conv2d(1, 16, 3, padding=1, bias=False)"),
  differs(lambda Mod: _mod(Mod, "SmallResNet", (3, 10), torch.randn(2, 3, 8, 8))))
M(T, "srn_flatten_8x8", "SmallResNet", "flattens the 4×4 map of an 8×8 input into the linear layer: 12×12 input breaks",
  "SmallResNet() on randn(2,1,12,12)",
  SR.replace("nn.Linear(32, num_classes)", "nn.Linear(32 * 4 * 4, num_classes)").replace("self.blocks(self.stem(x)).mean(dim=(2, 3))", "self.blocks(self.stem(x)).flatten(1)"),
  differs(lambda Mod: _mod(Mod, "SmallResNet", (), torch.randn(2, 1, 12, 12))))

# ---------------- contract ----------------
M(T, "rb_inplace_add", "ResidualBlock", "adds the residual into x in place (x += ...): a leaf input that requires grad raises (and the caller's x is overwritten)",
  "x = randn(2,3,4,4, requires_grad=True) (gradients are checked)",
  RB.replace("return F.relu(x + self.conv2(F.relu(self.conv1(x))))", "x += self.conv2(F.relu(self.conv1(x)))\n        return F.relu(x)"),
  differs(lambda Mod: (torch.manual_seed(0), with_grads(Mod.ResidualBlock(3), torch.randn(2, 3, 4, 4)))[1]))
X(T, "bn_F_batch_norm", "batch_norm", "delegates to F.batch_norm", "Equal to F.batch_norm(...), which is off limits",
  "def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
  "    return F.batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)\n",
  calls_forbidden(lambda Mod: _bn(Mod, torch.randn(4, 3, 2, 2)), [(F, "batch_norm")]))


def _blocks(Mod):
    m = Mod.SmallResNet()
    return sum(isinstance(mm, (Mod.ResidualBlock, Mod.BasicBlock)) for mm in m.modules())


X(T, "srn_inline_blocks", "SmallResNet", "residual blocks written inline in SmallResNet.forward (no ResidualBlock/BasicBlock instances)",
  "then at least two residual blocks of this module (ResidualBlock or BasicBlock instances)",
  "class SmallResNet(nn.Module):\n    def __init__(self, in_channels=1, num_classes=10):\n        super().__init__()\n"
  "        self.stem = nn.Conv2d(in_channels, 16, 3, padding=1)\n        self.c = nn.ModuleList(nn.Conv2d(16, 16, 3, padding=1) for _ in range(4))\n"
  "        self.fc = nn.Linear(16, num_classes)\n\n    def forward(self, x):\n        x = F.relu(self.stem(x))\n"
  "        for i in range(0, 4, 2):\n            x = F.relu(x + self.c[i + 1](F.relu(self.c[i](x))))\n        return self.fc(x.mean(dim=(2, 3)))\n",
  lambda R, C: (f"{_blocks(C)} residual block instances" if _blocks(C) < 2 else None) if _blocks(R) >= 2 else "ref?")

# ---------------- correct ----------------
def _gen_blk(seed):
    c = 1 + seed % 4
    h, w = [(5, 5), (1, 1), (8, 3), (4, 6)][seed % 4]
    return [c, torch.randn(1 + seed % 3, c, h, w, dtype=D64)]


def _run_rb(Mod, i):
    torch.manual_seed(0)
    m = Mod.ResidualBlock(i[0]).double()
    x = i[1].clone().requires_grad_(True)
    y = m(x)
    g = torch.autograd.grad((y * torch.linspace(-1, 1, y.numel(), dtype=D64).reshape(y.shape)).sum(), [x] + list(m.parameters()))
    return y.detach(), list(g)


K(T, "rb_functional", "ResidualBlock", "conv layers named differently, relu via torch.relu and out-of-place sum",
  "class ResidualBlock(nn.Module):\n    def __init__(self, channels):\n        super().__init__()\n"
  "        self.first = nn.Conv2d(channels, channels, kernel_size=3, padding=1)\n        self.second = nn.Conv2d(channels, channels, kernel_size=3, padding=1)\n\n"
  "    def forward(self, x):\n        y = torch.relu(self.first(x))\n        y = self.second(y)\n        return torch.relu(y + x)\n",
  agree(_gen_blk, _run_rb, n=8, rtol=1e-7, atol=1e-9))


def _gen_bn(seed):
    dt = [torch.float32, D64][seed % 2]
    shape = [(4, 3, 2, 2), (6, 3), (2, 5, 3, 1), (3, 2, 4)][seed % 4]
    x = torch.randn(shape, dtype=dt) * [1, 10][seed % 2] + [0, 3][seed % 3 == 0]
    if seed % 5 == 0 and dt == D64:
        x = 1e5 + 1e-2 * torch.randn(shape, dtype=dt)
    return [x, seed % 3 != 1, [0.1, 0.5][seed % 2], [1e-5, 1e-3][seed % 2]]


def _run_bn(Mod, i):
    x, tr, mom, eps = i
    if x.dtype == D64:
        return _bn(Mod, x, tr, mom, eps, grads=True)
    return _bn(Mod, x, tr, mom, eps)


def _cmp_bn(r, c):
    dt = r[0].dtype
    return same(r, c, rtol=1e-6, atol=1e-9) if dt == D64 else same(r, c, rtol=1e-5, atol=1e-5)


K(T, "bn_keepdim_dev", "batch_norm", "statistics with keepdim=True from the deviations, running stats updated with lerp_/copy_",
  "def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
  "    dims = tuple(d for d in range(x.dim()) if d != 1)\n    view = [1] * x.dim()\n    view[1] = x.shape[1]\n"
  "    if training:\n        mu = x.mean(dim=dims, keepdim=True)\n        dev = x - mu\n        var = (dev * dev).mean(dim=dims, keepdim=True)\n"
  "        n = x.numel() / x.shape[1]\n        with torch.no_grad():\n            running_mean.lerp_(mu.reshape(-1), momentum)\n"
  "            running_var.lerp_(var.reshape(-1) * n / (n - 1), momentum)\n    else:\n        mu = running_mean.reshape(view)\n        var = running_var.reshape(view)\n"
  "        dev = x - mu\n    return dev * torch.rsqrt(var + eps) * gamma.reshape(view) + beta.reshape(view)\n",
  agree(_gen_bn, _run_bn, n=16, cmp=_cmp_bn))


def _run_bb(Mod, i):
    cin, cout, s, x, train = i
    torch.manual_seed(0)
    m = Mod.BasicBlock(cin, cout, s).double()
    m.train(train)
    x = x.clone().requires_grad_(True)
    y = m(x)
    g = torch.autograd.grad((y * torch.linspace(-1, 1, y.numel(), dtype=D64).reshape(y.shape)).sum(), [x] + list(m.parameters()))
    sd = {k: v.clone() for k, v in m.state_dict().items()}
    return y.detach(), list(g), sorted((tuple(v.shape), float(v.double().sum())) for v in sd.values())


K(T, "bb_conditional_none", "BasicBlock", "shortcut None for the identity case, added as x; layers held in named attributes",
  "class BasicBlock(nn.Module):\n    def __init__(self, in_channels, out_channels, stride=1):\n        super().__init__()\n"
  "        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)\n        self.bn1 = nn.BatchNorm2d(out_channels)\n"
  "        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)\n        self.bn2 = nn.BatchNorm2d(out_channels)\n"
  "        self.proj = None\n        if stride != 1 or in_channels != out_channels:\n"
  "            self.proj = nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False), nn.BatchNorm2d(out_channels))\n\n"
  "    def forward(self, x):\n        out = F.relu(self.bn1(self.conv1(x)))\n        out = self.bn2(self.conv2(out))\n"
  "        skip = x if self.proj is None else self.proj(x)\n        return F.relu(out + skip)\n",
  agree(lambda s: [[3, 4, 2, 4][s % 4], [3, 6, 4, 4][s % 4], [1, 2, 2, 1][s % 4], torch.randn(2, [3, 4, 2, 4][s % 4], 5 + s % 3, 4 + s % 2, dtype=D64), s % 3 != 0],
        _run_bb, n=10, rtol=1e-7, atol=1e-9))
K(T, "srn_adaptive_pool", "SmallResNet", "same stem and blocks, AdaptiveAvgPool2d(1) + flatten before the linear layer",
  SR.replace("self.fc = nn.Linear(32, num_classes)", "self.pool = nn.AdaptiveAvgPool2d(1)\n        self.fc = nn.Linear(32, num_classes)")
    .replace("return self.fc(self.blocks(self.stem(x)).mean(dim=(2, 3)))", "return self.fc(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))"),
  agree(lambda s: [[1, 3][s % 2], [10, 4][s % 3 == 0], [8, 28, 9][s % 3], 1 + s % 3, s % 2 == 0],
        lambda Mod, i: (torch.manual_seed(0), (lambda m: (m.train(i[4]), m(torch.randn(i[3], i[0], i[2], i[2])))[1])(Mod.SmallResNet(i[0], i[1])))[1], n=8, rtol=1e-5, atol=1e-5))
