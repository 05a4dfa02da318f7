from common import *
T = "losses"
D64 = torch.float64


def g64(fn, *xs):
    return with_grads(fn, *[x.to(D64) for x in xs])


M(T, "mse_f16_sum_over_n", "mse", "mean as sum()/numel(): the float16 sum overflows to inf where mean() does not",
  "float16 y_hat = 100·ones(10), y = zeros(10), reduction='mean'",
  ed(T, "mse", ("return _reduce((y_hat - y) ** 2, reduction)",
                "values = (y_hat - y) ** 2\n    if reduction == \"mean\":\n        return values.sum() / values.numel()\n    return _reduce(values, reduction)")),
  differs(lambda Mod: Mod.mse(torch.full((10,), 100.0, dtype=torch.float16), torch.zeros(10, dtype=torch.float16)), rtol=1e-2, atol=1e-3))
M(T, "mse_none_mean", "mse", "reduction='none' falls through to the mean",
  "y_hat, y randn(3,2), reduction='none'",
  "def mse(y_hat, y, reduction='mean'):\n    d = (y_hat - y) ** 2\n    return d.sum() if reduction == 'sum' else d.mean()\n",
  differs(lambda Mod: Mod.mse(torch.randn(3, 2), torch.randn(3, 2), reduction="none")))
M(T, "mse_dim0", "mse", "mean over dim 0 only: a 2-D input gives a vector, not 0-dim",
  "y_hat, y randn(3,2)",
  ed(T, "mse", ("return _reduce((y_hat - y) ** 2, reduction)",
                "if reduction == 'mean':\n        return ((y_hat - y) ** 2).mean(dim=0)\n    return _reduce((y_hat - y) ** 2, reduction)")),
  differs(lambda Mod: Mod.mse(torch.randn(3, 2), torch.randn(3, 2))))
M(T, "l1_sqrt_square", "l1", "|d| as sqrt(d²): d = 1e20 overflows, d = 1e-30 underflows (float32)",
  "float32 y_hat = [1e20, 1e-30, 2], y = 0",
  ed(T, "l1", ("(y_hat - y).abs()", "torch.sqrt((y_hat - y) ** 2)")),
  differs(lambda Mod: Mod.l1(torch.tensor([1e20, 1e-30, 2.0]), torch.zeros(3), reduction="none")))
M(T, "l1_sum_ignored", "l1", "reduction='sum' ignored (always the mean)",
  "y_hat, y randn(4), reduction='sum'",
  "def l1(y_hat, y, reduction='mean'):\n    d = (y_hat - y).abs()\n    return d if reduction == 'none' else d.mean()\n",
  differs(lambda Mod: Mod.l1(torch.randn(4), torch.randn(4), reduction="sum")))
M(T, "huber_delta_unsquared", "huber", "linear piece δ·|d| − 0.5·δ (δ not squared): right only for δ = 1",
  "y_hat = [3, -0.2, 5], y = 0, delta = 2",
  ed(T, "huber", ("delta * (d - 0.5 * delta)", "delta * d - 0.5 * delta")),
  differs(lambda Mod: Mod.huber(torch.tensor([3.0, -0.2, 5.0]), torch.zeros(3), delta=2.0)))
M(T, "huber_smoothl1_quadratic", "huber", "quadratic piece 0.5·d²/δ (smooth-L1's): right only for δ = 1",
  "y_hat = [0.3, -0.2], y = 0, delta = 0.5",
  ed(T, "huber", ("0.5 * d**2", "0.5 * d**2 / delta")),
  differs(lambda Mod: Mod.huber(torch.tensor([0.3, -0.2]), torch.zeros(2), delta=0.5)))
M(T, "huber_signed_linear", "huber", "linear piece uses the signed d: negative residuals beyond δ go negative",
  "y_hat = [-3, 0.5], y = 0, delta = 1",
  "def huber(y_hat, y, delta=1.0):\n    d = y_hat - y\n    return torch.where(d.abs() <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()\n",
  differs(lambda Mod: Mod.huber(torch.tensor([-3.0, 0.5]), torch.zeros(2))))
M(T, "sigmoid_naive", "sigmoid", "1/(1+exp(-x)): 0 instead of ~1e-313 at x = -720 (float64 tail)",
  "float64 x = [-720, -1, 3]",
  "def sigmoid(x):\n    return 1 / (1 + torch.exp(-x))\n",
  differs(lambda Mod: Mod.sigmoid(torch.tensor([-720.0, -1.0, 3.0], dtype=D64)), cmp=eq_exact))
M(T, "sigmoid_where_nan_grad", "sigmoid", "torch.where over both raw forms: right values, NaN gradient at |x| ≥ 100",
  "float32 x = [-1000, -150, 0.5, 1000], gradient of a weighted sum",
  "def sigmoid(x):\n    return torch.where(x >= 0, 1 / (1 + torch.exp(-x)), torch.exp(x) / (1 + torch.exp(x)))\n",
  differs(lambda Mod: with_grads(Mod.sigmoid, torch.tensor([-1000.0, -150.0, 0.5, 1000.0]))))
M(T, "sigmoid_tanh_form", "sigmoid", "(1 + tanh(x/2))/2: the float64 tail below x ≈ -37 rounds to 0",
  "float64 x = [-50, 2]",
  "def sigmoid(x):\n    return (1 + torch.tanh(x / 2)) / 2\n",
  differs(lambda Mod: Mod.sigmoid(torch.tensor([-50.0, 2.0], dtype=D64)), cmp=eq_exact))
M(T, "sigmoid_f16_promote", "sigmoid", "zeros made with torch.zeros(x.shape) (float32): float16 x comes back float32",
  "float16 x = [-3, 0, 4]",
  ed(T, "sigmoid", ("torch.zeros_like(x)", "torch.zeros(x.shape)")),
  differs(lambda Mod: Mod.sigmoid(torch.tensor([-3.0, 0.0, 4.0], dtype=torch.float16)), rtol=1e-2, atol=1e-3))
M(T, "bce_eps_log", "bce", "log(p + 1e-12) instead of the −100 floor: p = 0 with y = 1 gives 27.6, not 100",
  "p = [0, 0.3, 1], y = [1, 0, 1]",
  "def bce(p, y):\n    return -(y * torch.log(p + 1e-12) + (1 - y) * torch.log(1 - p + 1e-12)).mean()\n",
  differs(lambda Mod: Mod.bce(torch.tensor([0.0, 0.3, 1.0]), torch.tensor([1.0, 0.0, 1.0]))))
M(T, "bce_hard_labels", "bce", "picks log p or log(1 − p) by y == 1: soft labels are wrong",
  "p = [0.2, 0.7], y = [0.3, 0.9] (soft labels)",
  "def bce(p, y):\n    log_p = p.log().clamp(min=-100.0)\n    log_not_p = (1 - p).log().clamp(min=-100.0)\n"
  "    return -torch.where(y == 1, log_p, log_not_p).mean()\n",
  differs(lambda Mod: Mod.bce(torch.tensor([0.2, 0.7]), torch.tensor([0.3, 0.9]))))
M(T, "bce_no_floor", "bce", "no floor on the logs: p = 1 with y = 1 gives 0·(−inf) = NaN",
  "p = [1, 0.4], y = [1, 0]",
  "def bce(p, y):\n    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()\n",
  differs(lambda Mod: Mod.bce(torch.tensor([1.0, 0.4]), torch.tensor([1.0, 0.0]))))
M(T, "bcel_log_not_log1p", "bce_with_logits", "softplus with log(1 + e^-|z|): the float64 tail terms (~1e-17) vanish",
  "float64 logits = 40·ones(4), y = ones(4)",
  "def _softplus(z):\n    return z.clamp(min=0) + torch.log(1 + torch.exp(-z.abs()))\n\n\n" + src(T, "bce_with_logits"),
  differs(lambda Mod: Mod.bce_with_logits(torch.full((4,), 40.0, dtype=D64), torch.ones(4, dtype=D64)), cmp=lambda a, b: same(a, b, rtol=0.75, atol=0.0)))
M(T, "bcel_naive", "bce_with_logits", "log(sigmoid(z)) directly: inf at logits of ±1000",
  "logits = [1000, -1000, 0.5], y = [0, 1, 1]",
  "def bce_with_logits(logits, y):\n    p = torch.sigmoid(logits)\n    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()\n",
  differs(lambda Mod: Mod.bce_with_logits(torch.tensor([1000.0, -1000.0, 0.5]), torch.tensor([0.0, 1.0, 1.0]))))
M(T, "bcel_hard_labels", "bce_with_logits", "chooses one softplus by y > 0.5: soft labels are wrong",
  "logits = [0.3, -1.2], y = [0.4, 0.8]",
  "def bce_with_logits(logits, y):\n    return torch.where(y > 0.5, _softplus(-logits), _softplus(logits)).mean()\n",
  differs(lambda Mod: Mod.bce_with_logits(torch.tensor([0.3, -1.2]), torch.tensor([0.4, 0.8]))))
M(T, "softmax_global_max", "softmax", "subtracts the global max: a row far below it underflows to 0/0",
  "x = [[1000, 999], [0, 1]], dim = -1",
  "def softmax(x, dim=-1):\n    e = (x - x.max()).exp()\n    return e / e.sum(dim=dim, keepdim=True)\n",
  differs(lambda Mod: Mod.softmax(torch.tensor([[1000.0, 999.0], [0.0, 1.0]]))))
M(T, "softmax_no_keepdim", "softmax", "reductions without keepdim: broadcasts along the wrong axis for a square x",
  "x randn(3,3), dim = 1",
  "def softmax(x, dim=-1):\n    e = (x - x.amax(dim=dim)).exp()\n    return e / e.sum(dim=dim)\n",
  differs(lambda Mod: Mod.softmax(torch.randn(3, 3), dim=1)))
M(T, "softmax_dim_ignored", "softmax", "always normalises over the last axis",
  "x randn(2,3), dim = 0",
  "def softmax(x, dim=-1):\n    e = (x - x.amax(dim=-1, keepdim=True)).exp()\n    return e / e.sum(dim=-1, keepdim=True)\n",
  differs(lambda Mod: Mod.softmax(torch.randn(2, 3), dim=0)))
M(T, "log_softmax_log_of_softmax", "log_softmax", "log(softmax(x)): −inf where the softmax underflows (logits ±1000)",
  "x = [[1000, -1000, 0]]",
  "def log_softmax(x, dim=-1):\n    return softmax(x, dim).log()\n",
  differs(lambda Mod: Mod.log_softmax(torch.tensor([[1000.0, -1000.0, 0.0]]))))
M(T, "log_softmax_unshifted_lse", "log_softmax", "(x − m) − log Σ exp(x): the sum not shifted, overflows at 1000",
  "x = [[1000, 999]]",
  "def log_softmax(x, dim=-1):\n    m = x.amax(dim=dim, keepdim=True)\n    return (x - m) - x.exp().sum(dim=dim, keepdim=True).log()\n",
  differs(lambda Mod: Mod.log_softmax(torch.tensor([[1000.0, 999.0]]))))
M(T, "ce_dtype_switch", "cross_entropy", "tells targets apart by dtype: int64 one-hot (n, c) targets are taken as indices",
  "logits randn(3,4), target = int64 one-hot of [1, 3, 0]",
  "def cross_entropy(logits, target):\n    log_probs = log_softmax(logits, dim=1)\n    if target.dtype == torch.int64:\n"
  "        return -log_probs.gather(1, target.reshape(len(logits), -1)[:, :1]).mean()\n"
  "    return -(target * log_probs).sum(dim=1).mean()\n",
  differs(lambda Mod: Mod.cross_entropy(torch.randn(3, 4), torch.eye(4, dtype=torch.int64)[[1, 3, 0]])))
M(T, "ce_prob_mean_all", "cross_entropy", "probability targets: mean over all n·c entries instead of a sum per row",
  "logits randn(3,4), target = softmax(randn(3,4))",
  ed(T, "cross_entropy", ("* log_probs).sum(dim=1).mean()", "* log_probs).mean()")),
  differs(lambda Mod: Mod.cross_entropy(torch.randn(3, 4), torch.randn(3, 4).softmax(1))))
M(T, "ce_one_hot_inferred", "cross_entropy", "builds F.one_hot(target) without num_classes: labels not reaching c − 1 break",
  "logits randn(3,5), target [0, 2, 1]",
  "def cross_entropy(logits, target):\n    log_probs = log_softmax(logits, dim=1)\n    if target.shape != logits.shape:\n"
  "        target = torch.nn.functional.one_hot(target)\n    return -(target.to(log_probs.dtype) * log_probs).sum(dim=1).mean()\n",
  differs(lambda Mod: Mod.cross_entropy(torch.randn(3, 5), torch.tensor([0, 2, 1]))))
M(T, "entropy_nan_zero", "entropy", "−Σ p·log p with no care for p = 0: 0·(−inf) = NaN",
  "p = [[0.5, 0.5, 0], [1, 0, 0]]",
  "def entropy(p):\n    return -(p * p.log()).sum(dim=-1)\n",
  differs(lambda Mod: Mod.entropy(torch.tensor([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]))))
M(T, "entropy_dim0", "entropy", "sums over dim 0 instead of the last dim",
  "p = softmax(randn(2,3,4), -1)",
  ed(T, "entropy", ("sum(dim=-1)", "sum(dim=0)")),
  differs(lambda Mod: Mod.entropy(torch.randn(2, 3, 4).softmax(-1))))
M(T, "kl_clamp_q", "kl_div", "clamps q at 1e-10: q = 0 < p gives a finite value, not +inf",
  "p = [0.5, 0.5], q = [1, 0]",
  "def kl_div(p, q):\n    return torch.xlogy(p, p).sum(-1) - torch.xlogy(p, q.clamp(min=1e-10)).sum(-1)\n",
  differs(lambda Mod: Mod.kl_div(torch.tensor([0.5, 0.5]), torch.tensor([1.0, 0.0]))))
M(T, "kl_ratio_nan", "kl_div", "p·log(p/q) with no care for p = 0: NaN for zero-probability terms",
  "p = [1, 0], q = [0.5, 0.5]",
  "def kl_div(p, q):\n    return (p * (p / q).log()).sum(dim=-1)\n",
  differs(lambda Mod: Mod.kl_div(torch.tensor([1.0, 0.0]), torch.tensor([0.5, 0.5]))))

# ---------------- contract ----------------
X(T, "mse_F", "mse", "calls F.mse_loss", "Off limits: F.mse_loss",
  "def mse(y_hat, y, reduction='mean'):\n    return torch.nn.functional.mse_loss(y_hat, y, reduction=reduction)\n",
  calls_forbidden(lambda Mod: Mod.mse(torch.randn(3), torch.randn(3)), [(F, "mse_loss")]))
X(T, "softmax_torch", "softmax", "x.softmax(dim)", "Off limits: Tensor.softmax",
  "def softmax(x, dim=-1):\n    return x.softmax(dim)\n",
  calls_forbidden(lambda Mod: Mod.softmax(torch.randn(2, 3)), [], method_names=("softmax",)))
X(T, "entropy_cpu_ones", "entropy", "torch.ones(p.shape) as the safe value: made on the CPU whatever p's device",
  "that it runs on the device of its inputs (no tensor created on the CPU by default)",
  ed(T, "entropy", ("torch.ones_like(p)", "torch.ones(p.shape)")),
  differs(lambda Mod: Mod.entropy(torch.rand(2, 3, device="meta"))))
X(T, "ce_F_nll", "cross_entropy", "index targets through F.nll_loss", "Off limits: F.nll_loss",
  ed(T, "cross_entropy", ("return -log_probs.gather(1, target.unsqueeze(1)).mean()", "return torch.nn.functional.nll_loss(log_probs, target)")),
  calls_forbidden(lambda Mod: Mod.cross_entropy(torch.randn(3, 4), torch.tensor([0, 3, 1])), [(F, "nll_loss")]))

# ---------------- correct ----------------
def _gen_reg(seed):
    dt = [torch.float32, D64][seed % 2]
    shape = [(5,), (2, 3), (), (1, 1)][seed % 4]
    a = torch.randn(shape, dtype=dt) * [1, 1e3, 1e-3][seed % 3]
    b = torch.randn(shape, dtype=dt) * [1, 1e3, 1e-3][seed % 3]
    return [a, b, ["mean", "sum", "none"][seed % 3]]


def _cmp_dt(r, c):
    dt = (r[0] if isinstance(r, tuple) else r).dtype
    return same(r, c, rtol=1e-7, atol=0.0) if dt == D64 else same(r, c)


K(T, "mse_dict_reduce", "mse", "squared residual by multiplication, reduction by a dict of callables",
  "def mse(y_hat, y, reduction='mean'):\n    d = y_hat - y\n    sq = d * d\n"
  "    return {'mean': lambda t: t.mean(), 'sum': lambda t: t.sum(), 'none': lambda t: t}[reduction](sq)\n",
  agree(_gen_reg, lambda Mod, i: g64(lambda a, b: Mod.mse(a, b, i[2]), i[0], i[1]) if i[0].dtype == D64 else Mod.mse(*i), cmp=_cmp_dt))
K(T, "l1_torch_abs", "l1", "torch.abs of the residual, torch.sum / torch.mean",
  "def l1(y_hat, y, reduction='mean'):\n    d = torch.abs(y_hat - y)\n    if reduction == 'none':\n        return d\n"
  "    return torch.sum(d) if reduction == 'sum' else torch.mean(d)\n",
  agree(_gen_reg, lambda Mod, i: Mod.l1(*i), cmp=_cmp_dt))


def _gen_hub(seed):
    dt = [torch.float32, D64][seed % 2]
    d = [1.0, 0.5, 2.0, 1e-3][seed % 4]
    return [torch.randn(7, dtype=dt) * 3, torch.randn(7, dtype=dt), d]


K(T, "huber_min_form", "huber", "min(|d|, δ) = q: 0.5·q² + δ·(|d| − q)",
  "def huber(y_hat, y, delta=1.0):\n    a = (y_hat - y).abs()\n    q = torch.clamp(a, max=delta)\n    return (0.5 * q * q + delta * (a - q)).mean()\n",
  agree(_gen_hub, lambda Mod, i: with_grads(lambda a, b: Mod.huber(a, b, i[2]), i[0], i[1]), cmp=_cmp_dt))


def _gen_s(seed):
    dt = [torch.float32, D64][seed % 2]
    x = torch.randn(8, dtype=dt) * [1, 10, 200, 0.01][seed % 4]
    if seed % 5 == 0:
        x = torch.tensor([-745.0, -720.0, -100.0, -37.5, 0.0, 40.0, 1000.0, -1000.0], dtype=dt)
    return [x]


M(T, "sigmoid_abs_grad_at_zero", "sigmoid", "e = exp(−|x|) form: right values, but |x|'s zero slope at x = 0 gives σ'(0) = 0, not 0.25",
  "float64 x = [0.0, 1.0], gradient of the sum",
  "def sigmoid(x):\n    e = torch.exp(-x.abs())\n    return torch.where(x >= 0, torch.ones_like(x), e) / (1 + e)\n",
  differs(lambda Mod: torch.autograd.grad(Mod.sigmoid(torch.tensor([0.0, 1.0], dtype=D64, requires_grad=True)).sum(), [], allow_unused=True) if False else
          (lambda x: torch.autograd.grad(Mod.sigmoid(x).sum(), x)[0])(torch.tensor([0.0, 1.0], dtype=D64, requires_grad=True)), cmp=eq_exact))
K(T, "sigmoid_logaddexp", "sigmoid", "exp(−logaddexp(0, −x)) (= exp(−softplus(−x)))",
  "def sigmoid(x):\n    return torch.exp(-torch.logaddexp(torch.zeros_like(x), -x))\n",
  agree(_gen_s, lambda Mod, i: Mod.sigmoid(i[0]), cmp=_cmp_dt))


def _gen_bce(seed):
    dt = [torch.float32, D64][seed % 2]
    p = torch.rand(6, dtype=dt)
    if seed % 3 == 0:
        p[:2] = torch.tensor([0.0, 1.0], dtype=dt)
    y = torch.rand(6, dtype=dt) if seed % 2 else (torch.rand(6) > 0.5).to(dt)
    return [p, y]


K(T, "bce_xlogy_clamped", "bce", "log p clamped via torch.clamp(min=-100), terms summed then divided by numel",
  "def bce(p, y):\n    lp = torch.clamp(torch.log(p), min=-100.0)\n    lq = torch.clamp(torch.log1p(-p), min=-100.0)\n"
  "    return -(y * lp + (1 - y) * lq).sum() / p.numel()\n",
  agree(_gen_bce, lambda Mod, i: Mod.bce(*i), rtol=1e-5, atol=1e-6))


def _gen_bcel(seed):
    dt = [torch.float32, D64][seed % 2]
    z = torch.randn(6, dtype=dt) * [1, 30, 1000][seed % 3]
    y = torch.rand(6, dtype=dt) if seed % 2 else (torch.rand(6) > 0.5).to(dt)
    if seed % 4 == 3:
        z, y = torch.full((4,), 40.0, dtype=dt), torch.ones(4, dtype=dt)
    return [z, y]


K(T, "bcel_F_softplus", "bce_with_logits", "F.softplus(-z)·y + F.softplus(z)·(1 − y) (F.softplus allowed)",
  "def bce_with_logits(logits, y):\n    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()\n",
  agree(_gen_bcel, lambda Mod, i: Mod.bce_with_logits(*i), cmp=_cmp_dt),
  imports="import torch.nn.functional as F")
K(T, "bcel_logsigmoid", "bce_with_logits", "−[y·logsigmoid(z) + (1 − y)·logsigmoid(−z)] (F.logsigmoid allowed)",
  "def bce_with_logits(logits, y):\n    return -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits)).mean()\n",
  agree(_gen_bcel, lambda Mod, i: Mod.bce_with_logits(*i), cmp=_cmp_dt),
  imports="import torch.nn.functional as F")


def _gen_sm(seed):
    dt = [torch.float32, D64][seed % 2]
    shape = [(3, 4), (2, 3, 5), (6,), (1, 1)][seed % 4]
    x = torch.randn(shape, dtype=dt) * [1, 10, 1000][seed % 3]
    dim = [-1, 0, 1, -2][seed % 4] if len(shape) > 1 else 0
    return [x, dim]


K(T, "softmax_no_detach", "softmax", "shift by the max without detaching it (the shift cancels in the gradient)",
  "def softmax(x, dim=-1):\n    z = x - x.max(dim=dim, keepdim=True).values\n    e = torch.exp(z)\n    return e / torch.sum(e, dim=dim, keepdim=True)\n",
  agree(_gen_sm, lambda Mod, i: with_grads(lambda t: Mod.softmax(t, i[1]), i[0]), rtol=1e-5, atol=1e-6))
K(T, "softmax_exp_log_softmax", "softmax", "exp of this module's log_softmax",
  "def softmax(x, dim=-1):\n    return log_softmax(x, dim).exp()\n",
  agree(_gen_sm, lambda Mod, i: Mod.softmax(*i), rtol=1e-5, atol=1e-6))
K(T, "log_softmax_lse_var", "log_softmax", "x − (m + log Σ exp(x − m)) with the log-sum-exp kept as a column",
  "def log_softmax(x, dim=-1):\n    m = x.amax(dim=dim, keepdim=True)\n    lse = m + torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))\n    return x - lse\n",
  agree(_gen_sm, lambda Mod, i: with_grads(lambda t: Mod.log_softmax(t, i[1]), i[0]), rtol=1e-5, atol=1e-5))


def _gen_ce(seed):
    dt = [torch.float32, D64][seed % 2]
    n, c = [(3, 4), (1, 2), (5, 5), (2, 7)][seed % 4]
    logits = torch.randn(n, c, dtype=dt) * [1, 1000][seed % 2]
    kind = seed % 3
    if kind == 0:
        t = torch.randint(0, c, (n,))
    elif kind == 1:
        t = torch.eye(c, dtype=[torch.int64, torch.float32][seed % 2])[torch.randint(0, c, (n,))]
    else:
        t = torch.rand(n, c, dtype=dt).softmax(1)
    return [logits, t]


K(T, "ce_index_rows", "cross_entropy", "indices via advanced indexing log_probs[arange(n), target]",
  ed(T, "cross_entropy", ("return -log_probs.gather(1, target.unsqueeze(1)).mean()",
                          "return -log_probs[torch.arange(len(target), device=target.device), target].mean()")),
  agree(_gen_ce, lambda Mod, i: Mod.cross_entropy(*i), rtol=1e-5, atol=1e-4))
K(T, "ce_dim_switch", "cross_entropy", "switch on target.dim() == 2 and a lse-minus-target-logit form",
  "def cross_entropy(logits, target):\n    m = logits.amax(dim=1, keepdim=True)\n    lse = m + (logits - m).exp().sum(dim=1, keepdim=True).log()\n"
  "    if target.dim() == 2:\n        return (target.to(logits.dtype) * (lse - logits)).sum(dim=1).mean()\n"
  "    return (lse.squeeze(1) - logits.gather(1, target[:, None]).squeeze(1)).mean()\n",
  agree(_gen_ce, lambda Mod, i: Mod.cross_entropy(*i), rtol=1e-5, atol=1e-4))


def _gen_ent(seed):
    dt = [torch.float32, D64][seed % 2]
    shape = [(4,), (2, 3), (2, 2, 5), (1, 1)][seed % 4]
    p = torch.rand(shape, dtype=dt)
    if seed % 3 == 0:
        p = p * (torch.rand(shape) > 0.4)
        p[..., 0] += 0.1
    return [p / p.sum(-1, keepdim=True)]


K(T, "entropy_xlogy", "entropy", "−torch.xlogy(p, p).sum(-1)",
  "def entropy(p):\n    return -torch.xlogy(p, p).sum(dim=-1)\n",
  agree(_gen_ent, lambda Mod, i: Mod.entropy(*i), cmp=_cmp_dt))
K(T, "entropy_masked_fill", "entropy", "log p with the zeros masked to 0 before multiplying",
  "def entropy(p):\n    logp = torch.log(p).masked_fill(p == 0, 0.0)\n    return -(p * logp).sum(-1)\n",
  agree(_gen_ent, lambda Mod, i: Mod.entropy(*i), cmp=_cmp_dt))
K(T, "kl_xlogy", "kl_div", "xlogy(p, p) − xlogy(p, q), summed (q = 0 < p gives +inf)",
  "def kl_div(p, q):\n    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)\n",
  agree(lambda s: (lambda p: [p, (lambda q: torch.where((torch.rand(q.shape) < 0.2 * (s % 2)).to(torch.bool), torch.zeros_like(q), q))(torch.rand(p.shape, dtype=p.dtype).softmax(-1))])(_gen_ent(s)[0]),
        lambda Mod, i: Mod.kl_div(*i), cmp=_cmp_dt))
