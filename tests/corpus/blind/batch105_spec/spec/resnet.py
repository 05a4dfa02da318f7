from common import *  # noqa: F403
import torch
from torch import nn
import torch.nn.functional as F
from mlp import mod_differs, mod_agree

torch.manual_seed(105)
T = "resnet"
D = torch.float64
r = torch.randn
_SRC = open("/work/main/solutions/resnet.py").read()


def _cls(name, *pairs):
    import ast
    tree = ast.parse(_SRC)
    node = next(n for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef)) and n.name == name)
    code = "\n".join(_SRC.splitlines()[node.lineno - 1:node.end_lineno])
    for old, new in pairs:
        assert old in code, old
        code = code.replace(old, new)
    return code


def _bn(M, shape=(6, 3, 4, 5), training=True, dt=D, big=False, req=False, calls=1, momentum=0.1):
    g = torch.Generator().manual_seed(5)
    x = torch.randn(*shape, generator=g, dtype=dt)
    if big:
        x = 1e5 + 1e-2 * x
    C = shape[1]
    gamma, beta = torch.randn(C, generator=g, dtype=dt), torch.randn(C, generator=g, dtype=dt)
    rm, rv = torch.randn(C, generator=g, dtype=dt), torch.rand(C, generator=g, dtype=dt) + 0.5
    if req:
        x.requires_grad_(True)
        gamma.requires_grad_(True)
        beta.requires_grad_(True)
    outs = []
    for _ in range(calls):
        y = M.batch_norm(x, gamma, beta, rm, rv, training, momentum, 1e-5)
        outs.append(y)
    res = [o.detach() for o in outs] + [rm.clone(), rv.clone()]
    if req:
        outs[-1].sum().backward()
        res += [x.grad, gamma.grad, beta.grad, rm.requires_grad, rv.requires_grad]
    return res


BN = _cls("batch_norm")
RB = lambda M: M.ResidualBlock(3)
XR = lambda: r(2, 3, 5, 5)

# ---------------- mistakes ----------------
M(T, "rb_no_inner_relu", "ResidualBlock", "no ReLU between the two convolutions", "ResidualBlock(3) on x (2,3,5,5)", _cls(
    "ResidualBlock", ("self.conv2(F.relu(self.conv1(x)))", "self.conv2(self.conv1(x))")), mod_differs(RB, XR))

M(T, "rb_relu_branch_only", "ResidualBlock", "x + relu(F(x)): the ReLU applied to the branch, not the sum", "ResidualBlock(3) on x (2,3,5,5)", _cls(
    "ResidualBlock", ("return F.relu(x + self.conv2(F.relu(self.conv1(x))))", "return x + F.relu(self.conv2(F.relu(self.conv1(x))))")),
  mod_differs(RB, XR))

M(T, "rb_overwrites_x", "ResidualBlock", "rebinds x to the first activation: the skip adds the wrong tensor", "ResidualBlock(3) on x (2,3,5,5)", _cls(
    "ResidualBlock", ("return F.relu(x + self.conv2(F.relu(self.conv1(x))))", "x = F.relu(self.conv1(x))\n        return F.relu(x + self.conv2(x))")),
  mod_differs(RB, XR))

M(T, "rb_no_bias", "ResidualBlock", "convolutions without bias (a bias asked)", "ResidualBlock(3): parameter shapes", _cls(
    "ResidualBlock", ("nn.Conv2d(channels, channels, 3, padding=1)\n        self.conv2", "nn.Conv2d(channels, channels, 3, padding=1, bias=False)\n        self.conv2"),
    ("self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)", "self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)")),
  differs(lambda M: param_shapes(RB(M))))

M(T, "bn_naive_var", "batch_norm", "σ² as E[x²] − E[x]²: cancels at mean 1e5, spread 1e−2 (float64)", "float64 x = 1e5 + 1e-2·randn (6,3,4,5), training", BN.replace(
    "var = x.var(dim=dims, unbiased=False)", "var = (x * x).mean(dim=dims) - mean * mean"),
  differs(lambda M: _bn(M, big=True), cmp=lambda a, b: same(a, b, 1e-7, 1e-9)))

M(T, "bn_running_biased", "batch_norm", "updates running_var with the biased variance", "training, x (6,3,4,5)", BN.replace(
    "momentum * var * count / (count - 1)", "momentum * var"), differs(_bn))

M(T, "bn_rebinds_running", "batch_norm", "rebinds running_mean/var to new tensors: the caller's stay unchanged", "training, x (6,3,4,5)", BN.replace(
    '''        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))''',
    '''        running_mean = (1 - momentum) * running_mean + momentum * mean.detach()
        running_var = (1 - momentum) * running_var + momentum * var.detach() * count / (count - 1)'''), differs(_bn))

M(T, "bn_unbiased_normalise", "batch_norm", "normalises with the unbiased variance", "training, x (2,3) (small N shows it)", BN.replace(
    "var = x.var(dim=dims, unbiased=False)", "var = x.var(dim=dims, unbiased=True)").replace("momentum * var * count / (count - 1)", "momentum * var"),
  differs(lambda M: _bn(M, shape=(2, 3))))

M(T, "bn_dims_4d_only", "batch_norm", "hard-codes dims (0, 2, 3): a 2-D (N, C) batch fails", "training, x (5, 3)", BN.replace(
    "dims = [0] + list(range(2, x.dim()))", "dims = [0, 2, 3]"), differs(lambda M: _bn(M, shape=(5, 3))))

M(T, "bn_stats_in_graph", "batch_norm", "updates the running stats without no_grad/detach: they become part of the graph",
  "training, x/gamma/beta requiring grad; running stats' requires_grad after", BN.replace(
    '''        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))''',
    '''        running_mean.mul_(1 - momentum).add_(momentum * mean)
        running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))'''), differs(lambda M: _bn(M, req=True)))

M(T, "bn_eval_updates", "batch_norm", "updates the running stats in eval mode too", "training False, x (6,3,4,5)", BN.replace(
    '''    else:
        mean, var = running_mean, running_var''', '''    else:
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * x.mean(dim=dims))
            running_var.mul_(1 - momentum).add_(momentum * x.var(dim=dims))
        mean, var = running_mean, running_var'''), differs(lambda M: _bn(M, training=False)))

M(T, "bn_momentum_swapped", "batch_norm", "running ← momentum·running + (1 − momentum)·batch", "training, momentum 0.1", BN.replace(
    "running_mean.mul_(1 - momentum).add_(momentum * mean)", "running_mean.mul_(momentum).add_((1 - momentum) * mean)").replace(
    "running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))", "running_var.mul_(momentum).add_((1 - momentum) * var * count / (count - 1))"),
  differs(_bn))

BB = lambda M: M.BasicBlock(3, 3)
XB = lambda: r(4, 3, 6, 6)

M(T, "bb_identity_stride2", "BasicBlock", "identity shortcut whenever the channels match, even at stride 2", "BasicBlock(4, 4, stride=2) on x (2,4,6,6)", _cls(
    "BasicBlock", ("if stride != 1 or in_channels != out_channels:", "if in_channels != out_channels:")),
  differs(lambda M: tuple(M.BasicBlock(4, 4, 2)(r(2, 4, 6, 6)).shape)))

M(T, "bb_proj_bias", "BasicBlock", "projection conv with a bias (no bias asked)", "BasicBlock(3, 6, 2): parameter shapes", _cls(
    "BasicBlock", ("nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)", "nn.Conv2d(in_channels, out_channels, 1, stride=stride)")),
  differs(lambda M: param_shapes(M.BasicBlock(3, 6, 2))))

M(T, "bb_relu_before_add", "BasicBlock", "ReLU after bn2 before adding the shortcut", "BasicBlock(3, 3) train mode on x (4,3,6,6)", _cls(
    "BasicBlock", ("main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))", "main = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))")),
  mod_differs(BB, XB, train=True))

M(T, "bb_functional_bn_train", "BasicBlock", "F.batch_norm(training=True) with the modules' γ/β: eval mode still uses batch statistics",
  "BasicBlock(3, 3) in eval mode on x (4,3,6,6)", _cls(
    "BasicBlock", ("main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))",
                   "bn = lambda m, h: F.batch_norm(h, None, None, m.weight, m.bias, True, 0.1, m.eps)\n"
                   "        main = bn(self.bn2, self.conv2(F.relu(bn(self.bn1, self.conv1(x)))))")),
  mod_differs(BB, XB, train=False))

M(T, "bb_avgpool_shortcut", "BasicBlock", "option-A shortcut (avg-pool 2 + zero channels): odd H gives ⌊H/2⌋ and the sum fails",
  "BasicBlock(3, 6, 2) on x (2,3,7,7)", '''
class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.stride = stride
        self.extra = out_channels - in_channels

    def forward(self, x):
        main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        shortcut = x
        if self.stride != 1 or self.extra:
            shortcut = F.pad(F.avg_pool2d(x, self.stride), (0, 0, 0, 0, 0, self.extra))
        return F.relu(main + shortcut)
''',
  differs(lambda M: tuple(M.BasicBlock(3, 6, 2)(r(2, 3, 7, 7)).shape)))

SR = lambda M: M.SmallResNet(1, 10)

M(T, "srn_max_pool", "SmallResNet", "global max pooling (average asked)", "SmallResNet() eval mode on x (2,1,8,8)", _cls(
    "SmallResNet", ("self.blocks(self.stem(x)).mean(dim=(2, 3))", "self.blocks(self.stem(x)).amax(dim=(2, 3))")),
  mod_differs(SR, lambda: r(2, 1, 8, 8), train=False))

M(T, "srn_flatten_fixed", "SmallResNet", "flattens a 4×4 map into a fixed Linear: only 8×8 inputs work", "SmallResNet() on x (2,1,28,28)", _cls(
    "SmallResNet", ("self.fc = nn.Linear(32, num_classes)", "self.fc = nn.Linear(32 * 4 * 4, num_classes)"),
    ("self.blocks(self.stem(x)).mean(dim=(2, 3))", "self.blocks(self.stem(x)).flatten(1)")),
  differs(lambda M: tuple(SR(M)(r(2, 1, 28, 28)).shape)))

M(T, "srn_squeeze", "SmallResNet", "squeezes the pooled features: a batch of one gives (num_classes,)", "SmallResNet() eval on x (1,1,9,9)", _cls(
    "SmallResNet", ("self.blocks(self.stem(x)).mean(dim=(2, 3))", "self.blocks(self.stem(x)).mean(dim=(2, 3)).squeeze()")),
  mod_differs(SR, lambda: r(1, 1, 9, 9), train=False))

M(T, "srn_in_channels", "SmallResNet", "stem hard-codes one input channel", "SmallResNet(3, 10) on x (2,3,8,8)", _cls(
    "SmallResNet", ("nn.Conv2d(in_channels, 16, 3, padding=1, bias=False)", "nn.Conv2d(1, 16, 3, padding=1, bias=False)")),
  differs(lambda M: tuple(M.SmallResNet(3, 10)(r(2, 3, 8, 8)).shape)))

# ---------------- contract ----------------
X(T, "bn_F_batch_norm", "batch_norm", "calls the off-limits F.batch_norm", "training, x (6,3,4,5)", '''
def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    return F.batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)
''', lambda R, C: (same(_bn(R), _bn(C), 1e-7, 1e-9) and "values differ") or
    calls_forbidden(lambda M: _bn(M), [(F, "batch_norm"), (torch, "batch_norm")], ("batch_norm",))(R, C))

# ---------------- correct ----------------
K(T, "bn_var_mean", "batch_norm", "torch.var_mean(correction=0), running stats via lerp_ under no_grad", "2-D and 4-D, train/eval, momentum, float64 incl. mean 1e5, grads, repeated calls", BN.replace(
    '''        mean = x.mean(dim=dims)
        var = x.var(dim=dims, unbiased=False)
        count = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))''',
    '''        var, mean = torch.var_mean(x, dim=dims, correction=0)
        count = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean.lerp_(mean, momentum)
            running_var.lerp_(var * (count / (count - 1)), momentum)'''),
  agree(lambda s: (s,), lambda M, i: _bn(M, shape=[(6, 3, 4, 5), (5, 3), (2, 4, 3, 3), (7, 2)][i[0] % 4], training=bool(i[0] % 3),
                                         big=i[0] % 5 == 0, req=i[0] % 2 == 0 and i[0] % 5 != 0, calls=2, momentum=[0.1, 0.5, 0.01][i[0] % 3]),
        n=12, cmp=lambda a, b: same(a, b, 1e-7, 1e-9)))

K(T, "bn_deviation_mean", "batch_norm", "σ² = mean((x − μ)²) with keepdim statistics", "2-D and 4-D, train/eval, float64 incl. mean 1e5, grads", '''
def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    dims = tuple(d for d in range(x.dim()) if d != 1)
    view = (1, x.shape[1]) + (1,) * (x.dim() - 2)
    if training:
        mu = x.mean(dim=dims, keepdim=True)
        var = ((x - mu) ** 2).mean(dim=dims, keepdim=True)
        m = x.numel() / x.shape[1]
        with torch.no_grad():
            running_mean.copy_((1 - momentum) * running_mean + momentum * mu.reshape(-1))
            running_var.copy_((1 - momentum) * running_var + momentum * var.reshape(-1) * m / (m - 1))
    else:
        mu = running_mean.reshape(view)
        var = running_var.reshape(view)
    return gamma.reshape(view) * (x - mu) / torch.sqrt(var + eps) + beta.reshape(view)
''', agree(lambda s: (s,), lambda M, i: _bn(M, shape=[(6, 3, 4, 5), (5, 3), (2, 4, 3, 3)][i[0] % 3], training=bool(i[0] % 2),
                                            big=i[0] % 4 == 1, req=True, calls=2), n=9, cmp=lambda a, b: same(a, b, 1e-7, 1e-9)))

K(T, "rb_modules_relu", "ResidualBlock", "nn.ReLU modules and a named residual", "seeded channels 1–4, sizes, batch 1, grads", '''
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=True)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=True)
        self.act = nn.ReLU()

    def forward(self, x):
        residual = self.conv2(self.act(self.conv1(x)))
        return self.act(residual + x)
''', all_of(*[mod_agree(lambda M, c=c: M.ResidualBlock(c), lambda s, c=c: r(s % 2 + 1, c, s % 3 + 1, 4), n=3, rtol=1e-5, atol=1e-5) for c in (1, 4)]))

K(T, "bb_sequential_main", "BasicBlock", "main path as one nn.Sequential (same creation order), shortcut None for identity", "seeded (in, out, stride), odd sizes, train & eval, grads", '''
class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False), nn.BatchNorm2d(out_channels), nn.ReLU(),
            nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False), nn.BatchNorm2d(out_channels))
        self.proj = None
        if stride != 1 or in_channels != out_channels:
            self.proj = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False), nn.BatchNorm2d(out_channels))

    def forward(self, x):
        return torch.relu(self.main(x) + (x if self.proj is None else self.proj(x)))
''', all_of(*[mod_agree(lambda M, a=a, b=b, st=st: M.BasicBlock(a, b, st), lambda s, a=a: r(3, a, 5 + s % 3, 6), n=2,
                        train=lambda s: bool(s % 2), rtol=1e-5, atol=1e-5)
              for a, b, st in [(3, 3, 1), (3, 6, 1), (4, 4, 2), (2, 5, 2)]]))


def _srn_behaviour(M):
    torch.manual_seed(0)
    m = M.SmallResNet(2, 7)
    shapes = [tuple(m(r(n, 2, s, s + 1)).shape) for n, s in [(2, 8), (3, 28), (2, 9)]]
    m(r(2, 2, 8, 8)).sum().backward()
    m.eval()
    shapes.append(tuple(m(r(1, 2, 8, 8)).shape))
    blocks = sum(isinstance(x, (M.ResidualBlock, M.BasicBlock)) for x in m.modules())
    return shapes, all(p.grad is not None for p in m.parameters()), blocks >= 2


K(T, "srn_residual_blocks", "SmallResNet", "stem conv + ReLU, three ResidualBlocks, adaptive average pooling, linear", "shapes for 8×8, 28×29, 9×10, batch 1 eval; grads; ≥ 2 blocks", '''
class SmallResNet(nn.Module):
    def __init__(self, in_channels=1, num_classes=10):
        super().__init__()
        self.stem = nn.Conv2d(in_channels, 8, 3, padding=1)
        self.blocks = nn.Sequential(ResidualBlock(8), ResidualBlock(8), ResidualBlock(8))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, num_classes)

    def forward(self, x):
        return self.fc(self.pool(self.blocks(F.relu(self.stem(x)))).flatten(1))
''', agree(lambda s: (s,), lambda M, i: _srn_behaviour(M), n=1))
