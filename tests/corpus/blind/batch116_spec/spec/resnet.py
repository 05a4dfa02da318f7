from common import *  # noqa
T = "resnet"
r = torch.randn
D = torch.float64
SOL = open('/work/main/solutions/resnet.py').read()
def sub(src, old, new):
    assert old in src, old
    return src.replace(old, new)
RB = SOL[SOL.index('class ResidualBlock('):SOL.index('def batch_norm(')].rstrip() + "\n"
BN = SOL[SOL.index('def batch_norm('):SOL.index('class BasicBlock(')].rstrip() + "\n"
BB = SOL[SOL.index('class BasicBlock('):SOL.index('class SmallResNet(')].rstrip() + "\n"
SR = SOL[SOL.index('class SmallResNet('):].rstrip() + "\n"
def seeded(make, fwd):
    def run(M):
        torch.manual_seed(0)
        m = make(M)
        torch.manual_seed(1)
        return fwd(m)
    return run
def bn_run(x, training=True, momentum=0.1, grads=False, calls=1):
    def run(M):
        C = x.shape[1]
        g = torch.Generator().manual_seed(3)
        gamma = torch.rand(C, generator=g, dtype=x.dtype) + 0.5
        beta = torch.randn(C, generator=g, dtype=x.dtype)
        rm = torch.randn(C, generator=g, dtype=x.dtype)
        rv = torch.rand(C, generator=g, dtype=x.dtype) + 0.5
        outs = []
        for _ in range(calls):
            if grads:
                outs.append(with_grads(lambda a, gm, b: M.batch_norm(a, gm, b, rm, rv, training, momentum), x, gamma, beta))
            else:
                outs.append(M.batch_norm(x.clone(), gamma, beta, rm, rv, training, momentum))
        return outs + [rm.clone(), rv.clone(), rm.requires_grad]
    return run

M(T, "resblock_no_outer_relu", "ResidualBlock", "returns x + conv2(relu(conv1(x))) without the final relu",
  "ResidualBlock(3), x (2,3,5,5)", sub(RB, "return F.relu(x + self.conv2(F.relu(self.conv1(x))))", "return x + self.conv2(F.relu(self.conv1(x)))"),
  differs(seeded(lambda M: M.ResidualBlock(3), lambda m: m(r(2, 3, 5, 5)))))
M(T, "resblock_no_bias", "ResidualBlock", "convolutions built with bias=False",
  "ResidualBlock(3), x (2,3,5,5)", RB.replace("3, padding=1)", "3, padding=1, bias=False)"),
  differs(seeded(lambda M: M.ResidualBlock(3), lambda m: m(r(2, 3, 5, 5)))))
M(T, "resblock_inplace_relu_input", "ResidualBlock", "adds the residual into x in place (x += …): the caller's input changes",
  "ResidualBlock(2), x (1,2,4,4); x compared after the call", sub(RB, "return F.relu(x + self.conv2(F.relu(self.conv1(x))))", "h = self.conv2(F.relu(self.conv1(x)))\n        x += h\n        return F.relu(x)"),
  differs(seeded(lambda M: M.ResidualBlock(2), lambda m: (lambda x: (m(x).detach(), x))(r(1, 2, 4, 4)))))
M(T, "bn_unbiased_normalise", "batch_norm", "normalises with the unbiased (n − 1) variance",
  "x (4,3) training", sub(BN, "var = x.var(dim=dims, unbiased=False)", "var = x.var(dim=dims, unbiased=True)").replace("momentum * var * count / (count - 1)", "momentum * var"),
  differs(bn_run(r(4, 3))))
M(T, "bn_running_var_biased", "batch_norm", "running_var updated with the biased variance",
  "x (4,3,2,2) training", sub(BN, "momentum * var * count / (count - 1)", "momentum * var"),
  differs(bn_run(r(4, 3, 2, 2))))
M(T, "bn_moments_cancel", "batch_norm", "σ² = E[x²] − E[x]²: cancels at mean 1e5, spread 1e−2 (float64)",
  "float64 x = 1e5 + 1e-2·randn(8,2)", sub(BN, "var = x.var(dim=dims, unbiased=False)", "var = (x * x).mean(dim=dims) - mean * mean"),
  differs(bn_run(1e5 + 1e-2 * r(8, 2, dtype=D)), rtol=1e-7, atol=1e-9))
M(T, "bn_rebinds_running", "batch_norm", "running_mean = (1 − m)·running_mean + m·μ: a new tensor, the caller's buffer unchanged",
  "x (4,3) training", sub(BN, "            running_mean.mul_(1 - momentum).add_(momentum * mean)\n            running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))", "            running_mean = (1 - momentum) * running_mean + momentum * mean\n            running_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)"),
  differs(bn_run(r(4, 3))))
M(T, "bn_dims_fixed_4d", "batch_norm", "statistics over dims (0, 2, 3) hard-coded: a 2-D (N, C) batch fails",
  "x (5,3) training", sub(BN, "    dims = [0] + list(range(2, x.dim()))\n    shape = [1, -1] + [1] * (x.dim() - 2)", "    dims = [0, 2, 3]\n    shape = [1, -1, 1, 1]"),
  differs(bn_run(r(5, 3))))
M(T, "bn_stats_no_grad", "batch_norm", "μ and σ² computed under no_grad: the gradient w.r.t. x misses their terms",
  "float64 x (6,2) training, gradient", sub(BN, "        mean = x.mean(dim=dims)\n        var = x.var(dim=dims, unbiased=False)", "        with torch.no_grad():\n            mean = x.mean(dim=dims)\n            var = x.var(dim=dims, unbiased=False)"),
  differs(bn_run(r(6, 2, dtype=D), grads=True), rtol=1e-7, atol=1e-9))
M(T, "bn_running_in_graph", "batch_norm", "running stats updated outside no_grad: the buffers become part of the graph (requires_grad True)",
  "x (4,3) requiring grad, training", sub(BN, "        with torch.no_grad():\n            running_mean.mul_(1 - momentum).add_(momentum * mean)\n            running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))", "        running_mean.mul_(1 - momentum).add_(momentum * mean)\n        running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))"),
  differs(bn_run(r(4, 3), grads=True)))
M(T, "bn_momentum_swapped", "batch_norm", "running ← momentum·running + (1 − momentum)·μ",
  "x (4,3) training, momentum 0.1", sub(BN, "running_mean.mul_(1 - momentum).add_(momentum * mean)", "running_mean.mul_(momentum).add_((1 - momentum) * mean)"),
  differs(bn_run(r(4, 3))))
def bb(args, shape):
    return differs(seeded(lambda M: M.BasicBlock(*args), lambda m: m.train()(r(*shape))))
M(T, "basic_projection_stride_only", "BasicBlock", "projection only when stride ≠ 1: a channel change at stride 1 has no shortcut that fits",
  "BasicBlock(3, 5, 1), x (2,3,4,4)", sub(BB, "if stride != 1 or in_channels != out_channels:", "if stride != 1:"), bb((3, 5, 1), (2, 3, 4, 4)))
M(T, "basic_stride_on_conv2", "BasicBlock", "stride put on the second convolution instead of the first",
  "BasicBlock(4, 4, 2), x (2,4,6,6)", sub(sub(BB, "nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)", "nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)"), "nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)", "nn.Conv2d(out_channels, out_channels, 3, stride=stride, padding=1, bias=False)"),
  bb((4, 4, 2), (2, 4, 6, 6)))
M(T, "basic_projection_no_bn", "BasicBlock", "projection shortcut is the 1×1 convolution alone (no BatchNorm2d)",
  "BasicBlock(3, 6, 2), x (2,3,6,6), train mode", sub(BB, "self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),\n                                          nn.BatchNorm2d(out_channels))", "self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)"),
  bb((3, 6, 2), (2, 3, 6, 6)))
M(T, "basic_relu_before_add", "BasicBlock", "ReLU after bn2, before the addition",
  "BasicBlock(4, 4), x (2,4,5,5)", sub(BB, "main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))", "main = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))"),
  bb((4, 4, 1), (2, 4, 5, 5)))
M(T, "basic_odd_size_pad0_projection", "BasicBlock", "projection 1×1 conv with padding: an odd input size gives a shortcut one larger than ⌈H/stride⌉",
  "BasicBlock(2, 4, 2), x (2,2,5,5)", sub(BB, "nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)", "nn.Conv2d(in_channels, out_channels, 1, stride=stride, padding=1, bias=False)"),
  bb((2, 4, 2), (2, 2, 5, 5)))
M(T, "smallresnet_flatten_fixed", "SmallResNet", "flattens a fixed 4×4 map into the linear layer instead of global pooling: any input but 8×8 fails",
  "SmallResNet(), x (2,1,12,12)", sub(sub(SR, "self.fc = nn.Linear(32, num_classes)", "self.fc = nn.Linear(32 * 4 * 4, num_classes)"), "return self.fc(self.blocks(self.stem(x)).mean(dim=(2, 3)))", "return self.fc(self.blocks(self.stem(x)).flatten(1))"),
  differs(seeded(lambda M: M.SmallResNet(), lambda m: m(r(2, 1, 12, 12)))))
M(T, "smallresnet_in_channels_ignored", "SmallResNet", "stem hard-wired to 1 input channel",
  "SmallResNet(3, 10), x (2,3,8,8)", sub(SR, "nn.Conv2d(in_channels, 16, 3, padding=1, bias=False)", "nn.Conv2d(1, 16, 3, padding=1, bias=False)"),
  differs(seeded(lambda M: M.SmallResNet(3, 10), lambda m: m(r(2, 3, 8, 8)))))

X(T, "bn_uses_f_batch_norm", "batch_norm", "delegates to F.batch_norm", "which is off limits (as are ``nn.BatchNorm*``",
  "def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n    return F.batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)",
  calls_forbidden(bn_run(r(4, 3)), [(F, "batch_norm")], ("batch_norm",)), inp="x (4,3) training")
def own_blocks(R, C):
    for label, Mo in (("ref", R), ("cand", C)):
        torch.manual_seed(0)
        m = Mo.SmallResNet()
        k = sum(isinstance(x, (Mo.ResidualBlock, Mo.BasicBlock)) for x in m.modules())
        out = m(r(2, 1, 9, 9))
        if out.shape != (2, 10):
            raise AssertionError("shape")
        if label == "ref" and k < 2:
            raise AssertionError(k)
        if label == "cand":
            return None if k >= 2 else f"holds {k} ResidualBlock/BasicBlock instances (works otherwise: output {tuple(out.shape)})"
X(T, "smallresnet_own_block", "SmallResNet", "residual blocks from a private class, not this module's ResidualBlock/BasicBlock", "at least two residual blocks of this module (``ResidualBlock`` or ``BasicBlock`` instances)",
  sub(SR, "class SmallResNet(nn.Module):", "class _Res(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n        self.a = nn.Conv2d(c, c, 3, padding=1)\n        self.b = nn.Conv2d(c, c, 3, padding=1)\n\n    def forward(self, x):\n        return F.relu(x + self.b(F.relu(self.a(x))))\n\n\nclass SmallResNet(nn.Module):").replace("nn.Sequential(BasicBlock(16, 16), BasicBlock(16, 32, stride=2))", "nn.Sequential(_Res(16), _Res(16), nn.Conv2d(16, 32, 1))"),
  own_blocks, inp="SmallResNet(); count of ResidualBlock/BasicBlock instances; x (2,1,9,9)")

def copy_run(make, x, mode="train"):
    def check(R, C):
        torch.manual_seed(0); a = make(R)
        torch.manual_seed(5); b = make(C)
        pa, pb = list(a.parameters()), list(b.parameters())
        if [p.shape for p in pa] != [p.shape for p in pb]:
            return "parameter shapes differ"
        with torch.no_grad():
            for p, q in zip(pa, pb):
                q.copy_(p)
        getattr(a, mode)(); getattr(b, mode)()
        for xi in x():
            why = same(a(xi), b(xi), 1e-5, 1e-5)
            if why:
                return why
        return None
    return check
K(T, "resblock_named_steps", "ResidualBlock", "step-by-step forward with torch.relu", sub(RB, "        return F.relu(x + self.conv2(F.relu(self.conv1(x))))", "        h = torch.relu(self.conv1(x))\n        h = self.conv2(h)\n        return torch.relu(h + x)"),
  copy_run(lambda M: M.ResidualBlock(3), lambda: [r(2, 3, 5, 5), r(1, 3, 1, 7), r(2, 5, 4, 3)[:, 1:4]]), inp="ResidualBlock(3) with copied weights; 5×5, 1×7, channel-sliced input")
def gbn(s):
    dt = [torch.float32, torch.float64][s % 2]
    shape = [(4, 3), (2, 3, 4, 5), (1, 2, 3, 3), (5, 1)][s % 4]
    x = torch.randn(shape, dtype=dt) * [1, 10][s % 2] + [0, 5][s % 3 % 2]
    return [x if s % 3 else x.transpose(0, -1).contiguous().transpose(0, -1), bool(s % 4 != 3), [0.1, 0.5][s % 2]]
K(T, "bn_keepdim_stats", "batch_norm", "keepdim statistics, deviations computed once, running update via lerp-like in-place ops", '''def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    dims = tuple(d for d in range(x.dim()) if d != 1)
    view = [1] * x.dim()
    view[1] = x.shape[1]
    if training:
        mu = x.mean(dim=dims, keepdim=True)
        dev = x - mu
        var = (dev * dev).mean(dim=dims, keepdim=True)
        n = x.numel() / x.shape[1]
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(mu.reshape(-1), alpha=momentum)
            running_var.mul_(1 - momentum).add_(var.reshape(-1) * (n / (n - 1)), alpha=momentum)
        x_hat = dev / torch.sqrt(var + eps)
    else:
        x_hat = (x - running_mean.reshape(view)) / torch.sqrt(running_var.reshape(view) + eps)
    return gamma.reshape(view) * x_hat + beta.reshape(view)
''', agree(gbn, lambda M, i: bn_run(i[0], i[1], i[2], grads=i[0].dtype == D, calls=2)(M), rtol=1e-5, atol=1e-6), inp="(N,C) and (N,C,H,W), float32/float64, train/eval, 2 calls, gradients in float64")
K(T, "basic_explicit_projection_flag", "BasicBlock", "shortcut stored as None or a Sequential, forward branches on it", sub(sub(BB, "        self.shortcut = nn.Identity()\n", "        self.shortcut = None\n"), "        return F.relu(main + self.shortcut(x))", "        skip = x if self.shortcut is None else self.shortcut(x)\n        return torch.relu(main + skip)"),
  all_of(*[copy_run(lambda M, a=a: M.BasicBlock(*a), lambda a=a: [r(2, a[0], 6, 6), r(3, a[0], 5, 7)], mode) for a in [(4, 4, 1), (3, 5, 1), (4, 4, 2), (3, 6, 2)] for mode in ("train", "eval")]),
  inp="(4,4,1), (3,5,1), (4,4,2), (3,6,2); 6×6 and 5×7; train and eval")
K(T, "smallresnet_adaptive", "SmallResNet", "F.adaptive_avg_pool2d(·, 1) instead of mean", sub(SR, "return self.fc(self.blocks(self.stem(x)).mean(dim=(2, 3)))", "h = F.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1)\n        return self.fc(torch.flatten(h, 1))"),
  all_of(copy_run(lambda M: M.SmallResNet(), lambda: [r(2, 1, 8, 8), r(1, 1, 9, 13)], "eval"), copy_run(lambda M: M.SmallResNet(3, 5), lambda: [r(2, 3, 10, 8)], "train")),
  inp="SmallResNet() and (3,5), copied weights, 8×8, 9×13, 10×8, train/eval")
