from common import *  # noqa: F403
import torch
import torch.nn.functional as F
from torch import nn

T = "resnet"
D = torch.float64
r = torch.randn


def copy_params(src, dst):
    with torch.no_grad():
        for a, b in zip(src.parameters(), dst.parameters()):
            b.copy_(a)


def with_ref_weights(build, x, what="out", train=True):
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
        m.train(train)
        return m(x)
    return run

RB = '''
class ResidualBlock(nn.Module):
    """relu(x + conv2(relu(conv1(x))))."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x + self.conv2(F.relu(self.conv1(x))))
'''


def rb_with(old, new):
    assert old in RB, old
    return RB.replace(old, new)


XR = r(2, 4, 6, 6)
M(T, "residual_relu_before_add", "ResidualBlock", "x + relu(conv2(relu(conv1(x)))): the ReLU before the sum instead of after",
  "ResidualBlock(4) on (2, 4, 6, 6), the reference's weights", rb_with("F.relu(x + self.conv2(F.relu(self.conv1(x))))", "x + F.relu(self.conv2(F.relu(self.conv1(x))))"),
  differs(with_ref_weights(lambda M: M.ResidualBlock(4), XR)))

M(T, "residual_skip_from_conv1", "ResidualBlock", "adds conv1's output as the skip instead of x",
  "ResidualBlock(4) on (2, 4, 6, 6), the reference's weights", rb_with(
  "        return F.relu(x + self.conv2(F.relu(self.conv1(x))))", "        h = self.conv1(x)\n        return F.relu(h + self.conv2(F.relu(h)))"),
  differs(with_ref_weights(lambda M: M.ResidualBlock(4), XR)))

M(T, "residual_no_padding", "ResidualBlock", "3×3 convs without padding: the sum with x fails",
  "ResidualBlock(4) on (2, 4, 6, 6)", rb_with("3, padding=1)\n        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)", "3)\n        self.conv2 = nn.Conv2d(channels, channels, 3)"),
  differs(with_ref_weights(lambda M: M.ResidualBlock(4), XR)))

M(T, "residual_no_bias", "ResidualBlock", "convs with bias=False (the docstring: with a bias)",
  "ResidualBlock(4): parameter shapes", rb_with("3, padding=1)\n        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)", "3, padding=1, bias=False)\n        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)"),
  differs(with_ref_weights(lambda M: M.ResidualBlock(4), XR, "shapes")))

BN = '''
def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Per-channel statistics; running stats updated in place while training."""
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    if training:
        mean = x.mean(dim=dims)
        var = x.var(dim=dims, unbiased=False)
        count = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))
    else:
        mean, var = running_mean, running_var
    x_hat = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape)
'''


def bn_with(old, new):
    assert old in BN, old
    return BN.replace(old, new)


def bn_run(shape=(4, 3, 2, 2), training=True, dtype=torch.float32, center=0.0, spread=1.0):
    def run(M):
        g = torch.Generator().manual_seed(7)
        c = shape[1]
        x = center + spread * torch.randn(shape, generator=g, dtype=dtype)
        gamma, beta = torch.rand(c, generator=g, dtype=dtype) + 0.5, torch.randn(c, generator=g, dtype=dtype)
        rm, rv = torch.randn(c, generator=g, dtype=dtype), torch.rand(c, generator=g, dtype=dtype) + 0.5
        y = M.batch_norm(x, gamma, beta, rm, rv, training, 0.1, 1e-5)
        return y, rm, rv
    return run

M(T, "bn_biased_running_var", "batch_norm", "running_var updated with the biased batch variance (n, not n − 1)",
  "training, x (4, 3, 2, 2)", bn_with("momentum * var * count / (count - 1)", "momentum * var"),
  differs(bn_run()))

M(T, "bn_rebinds_running", "batch_norm", "running_mean = (1 − m)·running_mean + m·μ: a new tensor bound to the local name, the caller's stats never change",
  "training, x (4, 3): the caller's running stats afterwards", bn_with(
  "            running_mean.mul_(1 - momentum).add_(momentum * mean)\n            running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))",
  "            running_mean = (1 - momentum) * running_mean + momentum * mean\n            running_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)"),
  differs(bn_run(shape=(4, 3))))

M(T, "bn_naive_variance", "batch_norm", "σ² = E[x²] − E[x]²: cancels for a large mean and a small spread",
  "float64 x with mean 1e5 and spread 1e−2 (the docstring's case), training", bn_with(
  "        var = x.var(dim=dims, unbiased=False)", "        var = (x * x).mean(dim=dims) - mean * mean"),
  differs(bn_run(shape=(8, 2, 3, 3), dtype=D, center=1e5, spread=1e-2), rtol=1e-7, atol=1e-7))

M(T, "bn_stats_over_batch_only", "batch_norm", "statistics over dim 0 only (written for (N, C)): a 4-D input is normalised per channel AND position",
  "training, x (4, 3, 2, 2)", '''
def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Statistics over the batch."""
    shape = [1, -1] + [1] * (x.dim() - 2)
    if training:
        mean = x.mean(dim=0)
        var = x.var(dim=0, unbiased=False)
        n = x.shape[0]
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean.reshape(mean.shape[0], -1).mean(dim=1))
            running_var.mul_(1 - momentum).add_(momentum * (var * n / (n - 1)).reshape(var.shape[0], -1).mean(dim=1))
        x_hat = (x - mean) / torch.sqrt(var + eps)
    else:
        x_hat = (x - running_mean.reshape(shape)) / torch.sqrt(running_var.reshape(shape) + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape)
''', differs(bn_run()))

M(T, "bn_eval_uses_batch", "batch_norm", "ignores training: always normalises with the batch statistics (and updates the running stats)",
  "training=False, x (4, 3)", bn_with("    if training:\n", "    if True:\n"),
  differs(bn_run(shape=(4, 3), training=False)))

M(T, "bn_momentum_reversed", "batch_norm", "running ← momentum·running + (1 − momentum)·batch: the PyTorch momentum read the Keras way",
  "training, x (4, 3)", bn_with(
  "            running_mean.mul_(1 - momentum).add_(momentum * mean)\n            running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))",
  "            running_mean.mul_(momentum).add_((1 - momentum) * mean)\n            running_var.mul_(momentum).add_((1 - momentum) * var * count / (count - 1))"),
  differs(bn_run(shape=(4, 3))))

BB = '''
class BasicBlock(nn.Module):
    """relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(main + self.shortcut(x))
'''


def bb_with(old, new):
    assert old in BB, old
    return BB.replace(old, new)


def bb_run(cin, cout, stride, hw=(6, 6), what="out", train=True):
    return with_ref_weights(lambda M: M.BasicBlock(cin, cout, stride), r(2, cin, *hw), what, train)

M(T, "basic_no_projection", "BasicBlock", "identity shortcut always: the sum fails when the channels or the stride change",
  "BasicBlock(4, 8, 2) on (2, 4, 6, 6)", bb_with(
  "        if stride != 1 or in_channels != out_channels:\n            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),\n                                          nn.BatchNorm2d(out_channels))\n", ""),
  differs(bb_run(4, 8, 2)))

M(T, "basic_projection_on_stride_only", "BasicBlock", "projects only when stride ≠ 1: a channel change at stride 1 keeps the identity and fails",
  "BasicBlock(4, 8, 1) on (2, 4, 6, 6)", bb_with("        if stride != 1 or in_channels != out_channels:", "        if stride != 1:"),
  differs(bb_run(4, 8, 1)))

M(T, "basic_no_final_relu", "BasicBlock", "returns main + shortcut without the ReLU after the sum",
  "BasicBlock(4, 4, 1) on (2, 4, 6, 6), the reference's weights, train mode", bb_with("        return F.relu(main + self.shortcut(x))", "        return main + self.shortcut(x)"),
  differs(bb_run(4, 4, 1)))

M(T, "basic_stride_on_conv2", "BasicBlock", "the stride on the second 3×3 conv instead of the first: same shape, different values",
  "BasicBlock(4, 8, 2) on (2, 4, 6, 6), the reference's weights", bb_with(
  "self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)", "self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)").replace(
  "self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)", "self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=stride, padding=1, bias=False)"),
  differs(bb_run(4, 8, 2)))

M(T, "basic_conv_bias", "BasicBlock", "3×3 convs with bias (the docstring: no bias)",
  "BasicBlock(4, 4, 1): parameter shapes", bb_with(
  "self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)", "self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)").replace(
  "self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)", "self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)"),
  differs(bb_run(4, 4, 1, what="shapes")))

M(T, "basic_always_project", "BasicBlock", "a projection shortcut even where the identity is asked for (same channels, stride 1)",
  "BasicBlock(4, 4, 1): parameter shapes", bb_with("        if stride != 1 or in_channels != out_channels:", "        if True:"),
  differs(bb_run(4, 4, 1, what="shapes")))

SR_HEAD = '''
class SmallResNet(nn.Module):
    """Stem, residual blocks, global average pooling, linear."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
'''


def sr_run(ic=1, nc=10, hw=(8, 8)):
    def run(M):
        torch.manual_seed(0)
        return M.SmallResNet(ic, nc)(r(2, ic, *hw)).shape
    return run

M(T, "smallresnet_flatten_head", "SmallResNet", "flatten + Linear sized for 8×8 instead of global average pooling: any other size fails",
  "SmallResNet() on (2, 1, 12, 12)", SR_HEAD + '''        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(BasicBlock(16, 16), BasicBlock(16, 32, stride=2))
        self.fc = nn.Linear(32 * 4 * 4, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.blocks(self.stem(x)).flatten(1))
''', differs(sr_run(hw=(12, 12))))

M(T, "smallresnet_foreign_blocks", "SmallResNet", "its own conv-BN-ReLU Sequentials instead of this module's residual blocks (no skip connection)",
  "count of ResidualBlock/BasicBlock instances in SmallResNet()", SR_HEAD + '''        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(
            nn.Sequential(nn.Conv2d(16, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU()),
            nn.Sequential(nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU()))
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.blocks(self.stem(x)).mean(dim=(2, 3)))
''', differs(lambda M: sum(isinstance(m, (M.BasicBlock, M.ResidualBlock)) for m in M.SmallResNet().modules()) >= 2))

M(T, "smallresnet_in_channels_ignored", "SmallResNet", "stem hard-codes one input channel",
  "SmallResNet(3, 10) on (2, 3, 8, 8)", SR_HEAD + '''        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(BasicBlock(16, 16), BasicBlock(16, 32, stride=2))
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.blocks(self.stem(x)).mean(dim=(2, 3)))
''', differs(sr_run(ic=3)))

M(T, "smallresnet_blocks_in_list", "SmallResNet", "blocks kept in a plain list: unregistered, their parameters never train (or move)",
  "number of parameters of SmallResNet()", SR_HEAD + '''        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = [BasicBlock(16, 16), BasicBlock(16, 32, stride=2)]
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        h = self.stem(x)
        for block in self.blocks:
            h = block(h)
        return self.fc(h.mean(dim=(2, 3)))
''', differs(lambda M: sum(p.numel() for p in M.SmallResNet().parameters())))

# ---------------- contract ----------------
X(T, "bn_F_batch_norm", "batch_norm", "F.batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)",
  "Equal to ``F.batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)``, which is off limits (as are ``nn.BatchNorm*`` and torch's instance/layer/group norms).", '''
def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """torch's batch norm."""
    return F.batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)
''', calls_forbidden(bn_run(), [(F, "batch_norm"), (torch, "batch_norm")], ("batch_norm",)))

# ---------------- correct ----------------
def rb_check(R, C):
    for ch, hw in [(4, (6, 6)), (1, (3, 5)), (8, (8, 8))]:
        why = differs(with_ref_weights(lambda M: M.ResidualBlock(ch).double(), r(2, ch, *hw, dtype=D)))(R, C)
        if why:
            return why
    return None

K(T, "residual_relu_modules", "ResidualBlock", "nn.ReLU modules and torch.relu on the sum; keyword arguments spelled out", '''
class ResidualBlock(nn.Module):
    """y = relu(x + F(x))."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels=channels, out_channels=channels, kernel_size=3, padding=1, bias=True)
        self.act = nn.ReLU()
        self.conv2 = nn.Conv2d(in_channels=channels, out_channels=channels, kernel_size=3, padding=1, bias=True)

    def forward(self, x: Tensor) -> Tensor:
        residual = self.conv2(self.act(self.conv1(x)))
        return torch.relu(residual + x)
''', rb_check)

def bn_check(R, C):
    for shape in [(4, 3), (5, 2, 3, 3), (2, 4, 1, 5)]:
        for training in (True, False):
            for dt in (torch.float32, D):
                tol = (1e-5, 1e-6) if dt == torch.float32 else (1e-7, 1e-9)
                why = differs(bn_run(shape, training, dt), rtol=tol[0], atol=tol[1])(R, C)
                if why:
                    return f"{shape} {training} {dt}: {why}"
    why = differs(bn_run((8, 2, 3, 3), True, D, 1e5, 1e-2), rtol=1e-7, atol=1e-7)(R, C)
    if why:
        return why
    def grads(M):
        g = torch.Generator().manual_seed(3)
        x, ga, be = torch.randn(4, 3, 2, 2, generator=g, dtype=D), torch.rand(3, generator=g, dtype=D) + .5, torch.randn(3, generator=g, dtype=D)
        return with_grads(lambda a, b, c: M.batch_norm(a, b, c, torch.zeros(3, dtype=D), torch.ones(3, dtype=D), True), x, ga, be)
    return differs(grads, rtol=1e-7, atol=1e-10)(R, C)

K(T, "bn_deviations_lerp", "batch_norm", "σ² as the mean of squared deviations, unbiased by n/(n − 1), running stats by lerp_", '''
def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise per channel."""
    axes = tuple(d for d in range(x.dim()) if d != 1)
    view = (1, x.shape[1]) + (1,) * (x.dim() - 2)
    if training:
        mu = x.mean(dim=axes, keepdim=True)
        dev = x - mu
        var = (dev * dev).mean(dim=axes, keepdim=True)
        n = x.numel() / x.shape[1]
        with torch.no_grad():
            running_mean.lerp_(mu.reshape(-1), momentum)
            running_var.lerp_(var.reshape(-1) * n / (n - 1), momentum)
    else:
        mu, var = running_mean.reshape(view), running_var.reshape(view)
    y = (x - mu) * torch.rsqrt(var + eps)
    return y * gamma.reshape(view) + beta.reshape(view)
''', bn_check)

def bb_check(R, C):
    for cin, cout, stride, hw in [(4, 4, 1, (6, 6)), (4, 8, 2, (7, 5)), (4, 8, 1, (4, 4)), (3, 3, 2, (5, 5))]:
        for train in (True, False):
            why = differs(bb_run(cin, cout, stride, hw, train=train))(R, C)
            if why:
                return why
        why = differs(bb_run(cin, cout, stride, hw, what="shapes"))(R, C)
        if why:
            return why
    return None

K(T, "basic_optional_shortcut", "BasicBlock", "projection stored as None when not needed; the branch chosen in forward", '''
class BasicBlock(nn.Module):
    """Main path plus an optional projection."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.proj = None
        if stride != 1 or in_channels != out_channels:
            self.proj = nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                                      nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        skip = x if self.proj is None else self.proj(x)
        return F.relu(out + skip)
''', bb_check)


def sr_behaviour(R, C):
    for ic, nc in [(1, 10), (3, 4)]:
        torch.manual_seed(0)
        m = C.SmallResNet(ic, nc)
        if sum(isinstance(x, (C.BasicBlock, C.ResidualBlock)) for x in m.modules()) < 2:
            return "fewer than two blocks"
        for hw in [(8, 8), (28, 28), (9, 12)]:
            if m(r(2, ic, *hw)).shape != (2, nc):
                return f"shape at {hw}"
        m.zero_grad()
        F.cross_entropy(m(r(4, ic, 8, 8)), torch.randint(0, nc, (4,))).backward()
        if any(p.grad is None for p in m.parameters()):
            return "no gradient"
        m.eval()
        if m(r(1, ic, 8, 8)).shape != (1, nc):
            return "batch 1 in eval"
    return None

K(T, "smallresnet_residual_blocks", "SmallResNet", "stem conv + ReLU, two ResidualBlocks (the lecture's), adaptive average pooling, linear",
  SR_HEAD + '''        self.stem = nn.Conv2d(in_channels, 16, kernel_size=3, padding=1)
        self.block1 = ResidualBlock(16)
        self.block2 = ResidualBlock(16)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.block2(self.block1(F.relu(self.stem(x))))
        return self.fc(torch.flatten(self.pool(x), 1))
''', sr_behaviour, verified="behaviour (shapes at 8, 28, 9×12, in_channels 3, batch 1, gradients); convergence not verified")
