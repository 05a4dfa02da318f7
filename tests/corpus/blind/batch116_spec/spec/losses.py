from common import *  # noqa
T = "losses"
r = torch.randn
D = torch.float64
def t(v, dt=torch.float32): return torch.tensor(v, dtype=dt)

M(T, "mse_reduction_else_mean", "mse", "anything but 'sum' is averaged: reduction='none' returns the mean",
  "y_hat, y (3,), reduction='none'", "def mse(y_hat, y, reduction='mean'):\n    sq = (y_hat - y) ** 2\n    return sq.sum() if reduction == 'sum' else sq.mean()",
  differs(lambda M: M.mse(r(3), r(3), 'none')))
M(T, "mse_float_upcast", "mse", "differences computed in float32: float16 inputs return float32",
  "float16 y_hat, y (4,)", "def mse(y_hat, y, reduction='mean'):\n    sq = (y_hat.float() - y.float()) ** 2\n    return {'mean': sq.mean(), 'sum': sq.sum(), 'none': sq}[reduction]",
  differs(lambda M: M.mse(r(4).half(), r(4).half())))
M(T, "l1_sqrt_square", "l1", "|d| as sqrt(d²): overflows to inf for |d| ≈ 1e20 in float32",
  "float32 y_hat = [1e20, 1.], y = [0., 0.]", "def l1(y_hat, y, reduction='mean'):\n    a = torch.sqrt((y_hat - y) ** 2)\n    return {'mean': a.mean(), 'sum': a.sum(), 'none': a}[reduction]",
  differs(lambda M: M.l1(t([1e20, 1.]), t([0., 0.]))))
M(T, "l1_none_flattened", "l1", "reduction='none' returns a flattened vector",
  "y_hat, y (2,3), reduction='none'", "def l1(y_hat, y, reduction='mean'):\n    a = (y_hat - y).abs().reshape(-1)\n    return {'mean': a.mean(), 'sum': a.sum(), 'none': a}[reduction]",
  differs(lambda M: M.l1(r(2, 3), r(2, 3), 'none')))
M(T, "huber_no_abs", "huber", "compares the signed d with δ: large negative errors stay quadratic",
  "y_hat = [-3., 0.5], y = 0", "def huber(y_hat, y, delta=1.0):\n    d = y_hat - y\n    return torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()",
  differs(lambda M: M.huber(t([-3., 0.5]), t([0., 0.]))))
M(T, "huber_mask_multiply", "huber", "blends the pieces with 0/1 masks: inf·0 = NaN where d² overflows",
  "float32 y_hat = [1e20, 0.3], y = 0", "def huber(y_hat, y, delta=1.0):\n    d = (y_hat - y).abs()\n    small = (d <= delta).to(d.dtype)\n    return (small * 0.5 * d**2 + (1 - small) * delta * (d - 0.5 * delta)).mean()",
  differs(lambda M: M.huber(t([1e20, 0.3]), t([0., 0.]))))
M(T, "huber_delta_ignored", "huber", "linear piece written for δ = 1 regardless of delta",
  "d = [3., 0.2], delta = 2", "def huber(y_hat, y, delta=1.0):\n    d = (y_hat - y).abs()\n    return torch.where(d <= delta, 0.5 * d**2, d - 0.5).mean()",
  differs(lambda M: M.huber(t([3., 0.2]), t([0., 0.]), 2.0)))
def sgrad(M, x):
    return with_grads(M.sigmoid, x)
M(T, "sigmoid_naive_grad_nan", "sigmoid", "1/(1+exp(−x)): value ok at −1000 but the gradient is inf/inf = NaN",
  "float64 x = [-1000., 0.5], gradient", "def sigmoid(x):\n    return 1 / (1 + torch.exp(-x))",
  differs(lambda M: sgrad(M, t([-1000., 0.5], D)), rtol=1e-7, atol=0))
M(T, "sigmoid_where_both_branches", "sigmoid", "torch.where over both full-range formulas: the unused branch's inf poisons the gradient with NaN",
  "float64 x = [1000., -1000., 0.3], gradient", "def sigmoid(x):\n    return torch.where(x >= 0, 1 / (1 + torch.exp(-x)), torch.exp(x) / (1 + torch.exp(x)))",
  differs(lambda M: sgrad(M, t([1000., -1000., 0.3], D)), rtol=1e-7, atol=0))
M(T, "sigmoid_one_minus_tail", "sigmoid", "σ(x) = 1 − σ(−x) on the negative side: the float64 tail rounds to 0",
  "float64 x = [-700.]", "def sigmoid(x):\n    s = 1 / (1 + torch.exp(-x.abs()))\n    return torch.where(x >= 0, s, 1 - s)",
  differs(lambda M: M.sigmoid(t([-700.], D)), rtol=1e-7, atol=0))
M(T, "bce_clamp_p_eps", "bce", "clamps p to [1e-12, 1 − 1e-12] instead of flooring the logs at −100",
  "p = [0., 1.], y = [1., 0.]", "def bce(p, y):\n    q = p.clamp(1e-12, 1 - 1e-12)\n    return -(y * q.log() + (1 - y) * (1 - q).log()).mean()",
  differs(lambda M: M.bce(t([0., 1.]), t([1., 0.]))))
M(T, "bce_zero_times_inf", "bce", "y·log p with p = 0 and y = 0 gives 0·(−inf) = NaN (no floor)",
  "p = [0., 0.5], y = [0., 1.]", "def bce(p, y):\n    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()",
  differs(lambda M: M.bce(t([0., 0.5]), t([0., 1.]))))
M(T, "bcewl_log_one_plus", "bce_with_logits", "softplus with log(1 + e^(−|z|)): the float64 tail term is rounded to 0",
  "float64 logits = [40., -40.], y = [1., 0.]", "def _softplus(z):\n    return z.clamp(min=0) + torch.log(1 + torch.exp(-z.abs()))\n\n\ndef bce_with_logits(logits, y):\n    return (y * _softplus(-logits) + (1 - y) * _softplus(logits)).mean()",
  differs(lambda M: M.bce_with_logits(t([40., -40.], D), t([1., 0.], D)), rtol=0.75, atol=0))
M(T, "bcewl_via_probabilities", "bce_with_logits", "σ then log: −inf/NaN at logits ±1000",
  "logits = [1000., -1000.], y = [0., 1.]", "def bce_with_logits(logits, y):\n    p = 1 / (1 + torch.exp(-logits))\n    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()",
  differs(lambda M: M.bce_with_logits(t([1000., -1000.]), t([0., 1.]))))
M(T, "softmax_global_max", "softmax", "subtracts the max of the whole tensor, not along dim: a row far below it underflows to 0/0",
  "x = [[1000., 999.], [0., 1.]], dim=1", "def softmax(x, dim=-1):\n    e = (x - x.max()).exp()\n    return e / e.sum(dim=dim, keepdim=True)",
  differs(lambda M: M.softmax(t([[1000., 999.], [0., 1.]]), 1)))
M(T, "softmax_unsqueeze_last", "softmax", "max without keepdim, re-expanded on the last axis: wrong for dim ≠ −1",
  "x (3,4) random·5, dim=0", "def softmax(x, dim=-1):\n    m = x.amax(dim=dim).unsqueeze(-1)\n    e = (x - m).exp()\n    return e / e.sum(dim=dim, keepdim=True)",
  differs(lambda M: M.softmax(r(3, 3) * 5, 0)))
M(T, "log_softmax_log_of_softmax", "log_softmax", "log(softmax(x)): −inf where the softmax underflows",
  "x = [[1000., -1000.]]", "def log_softmax(x, dim=-1):\n    e = (x - x.amax(dim=dim, keepdim=True)).exp()\n    return (e / e.sum(dim=dim, keepdim=True)).log()",
  differs(lambda M: M.log_softmax(t([[1000., -1000.]]))))
M(T, "log_softmax_no_shift_in_log", "log_softmax", "x − log Σ exp(x): the sum overflows at 1000",
  "x = [[1000., 0.]]", "def log_softmax(x, dim=-1):\n    return x - x.exp().sum(dim=dim, keepdim=True).log()",
  differs(lambda M: M.log_softmax(t([[1000., 0.]]))))
M(T, "ce_target_dtype_promotes", "cross_entropy", "probability target not cast: float64 target with float32 logits returns float64",
  "logits float32 (3,4), target float64 one-hot (3,4)", "def cross_entropy(logits, target):\n    log_probs = log_softmax(logits, dim=1)\n    if target.shape == logits.shape:\n        return -(target * log_probs).sum(dim=1).mean()\n    return -log_probs.gather(1, target.unsqueeze(1)).mean()",
  differs(lambda M: M.cross_entropy(r(3, 4), torch.eye(4, dtype=D)[:3])))
M(T, "ce_by_dtype", "cross_entropy", "tells targets apart by dtype: an int64 one-hot (n, c) target is taken as indices",
  "logits (2,3), target int64 one-hot [[0,1,0],[1,0,0]]", "def cross_entropy(logits, target):\n    log_probs = log_softmax(logits, dim=1)\n    if target.dtype == torch.int64:\n        return -log_probs.gather(1, target.reshape(len(logits), -1)[:, :1]).mean()\n    return -(target.to(log_probs.dtype) * log_probs).sum(dim=1).mean()",
  differs(lambda M: M.cross_entropy(r(2, 3), torch.tensor([[0, 1, 0], [1, 0, 0]]))))
M(T, "ce_prob_mean_all", "cross_entropy", "probability targets: mean over all n·c elements instead of over rows",
  "logits (3,4), soft target rows summing to 1", "def cross_entropy(logits, target):\n    log_probs = log_softmax(logits, dim=1)\n    if target.shape == logits.shape:\n        return -(target.to(log_probs.dtype) * log_probs).mean()\n    return -log_probs.gather(1, target.unsqueeze(1)).mean()",
  differs(lambda M: M.cross_entropy(r(3, 4), torch.softmax(r(3, 4), 1))))
M(T, "entropy_nan_at_zero", "entropy", "p·log p without the 0·log 0 = 0 rule: NaN at p = 0",
  "p = [[0.5, 0.5, 0.]]", "def entropy(p):\n    return -(p * p.log()).sum(dim=-1)",
  differs(lambda M: M.entropy(t([[0.5, 0.5, 0.]]))))
M(T, "entropy_eps_log", "entropy", "log(p + 1e-12): a certain row gets −1e-12 instead of 0 (float64, no atol)",
  "float64 p = [[1., 0.]]", "def entropy(p):\n    return -(p * torch.log(p + 1e-12)).sum(dim=-1)",
  differs(lambda M: M.entropy(t([[1., 0.]], D)), rtol=1e-7, atol=0))
M(T, "entropy_dim1", "entropy", "sums over dim 1, not the last dim: wrong for (..., k) batches of rank 3",
  "p softmax of (2,3,4) over the last dim", "def entropy(p):\n    return -torch.xlogy(p, p).sum(dim=1)",
  differs(lambda M: M.entropy(torch.softmax(r(2, 3, 4), -1))))
M(T, "kl_ratio_nan", "kl_div", "p·log(p/q): p = 0 gives 0·log 0 = NaN",
  "p = [0., 1.], q = [0.5, 0.5]", "def kl_div(p, q):\n    return (p * (p / q).log()).sum(dim=-1)",
  differs(lambda M: M.kl_div(t([0., 1.]), t([0.5, 0.5]))))
M(T, "kl_clamp_q", "kl_div", "clamps q at 1e-10: finite where q = 0 < p should give +inf",
  "p = [0.5, 0.5], q = [1., 0.]", "def kl_div(p, q):\n    return (torch.xlogy(p, p) - torch.xlogy(p, q.clamp(min=1e-10))).sum(dim=-1)",
  differs(lambda M: M.kl_div(t([0.5, 0.5]), t([1., 0.]))))

X(T, "mse_f_mse_loss", "mse", "delegates to F.mse_loss", "Off limits: ``F.mse_loss``",
  "def mse(y_hat, y, reduction='mean'):\n    return F.mse_loss(y_hat, y, reduction=reduction)",
  calls_forbidden(lambda M: M.mse(r(3), r(3)), [(F, "mse_loss")]), imports="import torch.nn.functional as F", inp="y_hat, y (3,)")
X(T, "ce_uses_f_log_softmax", "cross_entropy", "log-probabilities from F.log_softmax", "Off limits: ... ``F.log_softmax``",
  "def cross_entropy(logits, target):\n    log_probs = F.log_softmax(logits, dim=1)\n    if target.shape == logits.shape:\n        return -(target.to(log_probs.dtype) * log_probs).sum(dim=1).mean()\n    return -log_probs.gather(1, target.unsqueeze(1)).mean()",
  calls_forbidden(lambda M: M.cross_entropy(r(3, 4), torch.tensor([0, 1, 3])), [(F, "log_softmax")], ("log_softmax",)), imports="import torch.nn.functional as F", inp="logits (3,4), target [0,1,3]")
def on_meta(fn):
    def proof(R, C):
        ok, e = run_safe(fn, R)
        if not ok:
            raise AssertionError(f"reference fails on meta: {e!r}")
        ok, e = run_safe(fn, C)
        return None if ok else f"on device meta: {type(e).__name__}: {str(e)[:100]}"
    return proof
X(T, "entropy_cpu_ones", "entropy", "builds the stand-in ones with torch.ones(p.shape) on the default device", "it runs on the device of its inputs (no tensor created on the CPU by default)",
  "def entropy(p):\n    safe = torch.where(p > 0, p, torch.ones(p.shape, dtype=p.dtype))\n    return -(p * safe.log()).sum(dim=-1)",
  on_meta(lambda M: M.entropy(torch.rand(2, 3, device="meta"))), inp="p on device 'meta' (2,3) — stands in for a GPU tensor")

def gsh(s):
    dt = [torch.float32, torch.float64][s % 2]
    sh = [(), (3,), (2, 3), (2, 1, 4)][s % 4]
    return [torch.randn(sh, dtype=dt), torch.randn(sh, dtype=dt), ["mean", "sum", "none"][s % 3]]
K(T, "mse_mul_self", "mse", "d·d with an if-chain", "def mse(y_hat, y, reduction='mean'):\n    d = y_hat - y\n    e = d * d\n    if reduction == 'none':\n        return e\n    if reduction == 'sum':\n        return e.sum()\n    return e.mean()",
  agree(gsh, lambda M, i: with_grads(lambda a, b: M.mse(a, b, i[2]), i[0], i[1])))
K(T, "l1_torch_abs", "l1", "torch.abs and a dict of reductions", "def l1(y_hat, y, reduction='mean'):\n    e = torch.abs(y_hat - y)\n    return {'mean': torch.mean, 'sum': torch.sum, 'none': lambda v: v}[reduction](e)",
  agree(gsh, lambda M, i: with_grads(lambda a, b: M.l1(a, b, i[2]), i[0], i[1])))
def ghu(s):
    dt = [torch.float32, torch.float64][s % 2]
    return [torch.randn(5, dtype=dt) * 3, torch.randn(5, dtype=dt), [1.0, 0.5, 2.0][s % 3]]
K(T, "huber_clamp_form", "huber", "0.5·c² + δ·(|d| − c) with c = min(|d|, δ)", "def huber(y_hat, y, delta=1.0):\n    d = (y_hat - y).abs()\n    c = torch.minimum(d, torch.full_like(d, delta))\n    return (0.5 * c * c + delta * (d - c)).mean()",
  agree(ghu, lambda M, i: M.huber(*i)))
def gsig(s):
    dt = [torch.float32, torch.float64][s % 2]
    x = torch.randn(6, dtype=dt) * 10 ** (s % 3)
    if s % 4 == 0:
        x = torch.tensor([-1000., -700., -40., 0., 40., 1000.], dtype=dt)
    if s % 4 == 1:
        x[0] = 0.0
    return [x]
M(T, "sigmoid_abs_grad_at_zero", "sigmoid", "e = exp(−|x|): |x| has gradient 0 at x = 0, so σ'(0) comes out 0 instead of 0.25",
  "float64 x = [0., 1.], gradient", "def sigmoid(x):\n    e = torch.exp(-x.abs())\n    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))",
  differs(lambda M: sgrad(M, t([0., 1.], D)), rtol=1e-7, atol=0))
K(T, "sigmoid_neg_abs_where", "sigmoid", "a = where(x ≥ 0, −x, x) (never positive), e = exp(a)", "def sigmoid(x):\n    e = torch.exp(torch.where(x >= 0, -x, x))\n    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))",
  agree(gsig, lambda M, i: with_grads(M.sigmoid, i[0]), rtol=1e-6, atol=0))
def gbce(s):
    dt = [torch.float32, torch.float64][s % 2]
    p = torch.rand(5, dtype=dt); y = torch.rand(5, dtype=dt)
    if s % 3 == 0:
        p[0], p[1] = 0.0, 1.0
    return [p, y]
K(T, "bce_clamp_log", "bce", "torch.clamp(torch.log(·), min=−100) and log1p(−p)", "def bce(p, y):\n    lp = torch.clamp(torch.log(p), min=-100.0)\n    lq = torch.clamp(torch.log1p(-p), min=-100.0)\n    return -(y * lp + (1 - y) * lq).mean()",
  agree(gbce, lambda M, i: M.bce(*i), rtol=1e-5, atol=1e-6))
def gbl(s):
    dt = [torch.float32, torch.float64][s % 2]
    z = torch.randn(6, dtype=dt) * 10 ** (s % 4)
    return [z, torch.rand(6, dtype=dt)]
K(T, "bcewl_f_softplus", "bce_with_logits", "F.softplus (allowed) for both log terms", "def bce_with_logits(logits, y):\n    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()",
  agree(gbl, lambda M, i: with_grads(lambda a: M.bce_with_logits(a, i[1]), i[0]), rtol=1e-6, atol=1e-7), imports="import torch.nn.functional as F")
def gsm(s):
    dt = [torch.float32, torch.float64][s % 2]
    x = torch.randn([(4,), (3, 5), (2, 3, 4)][s % 3], dtype=dt) * [1, 100, 1000][s % 3]
    return [x, [-1, 0, 1, -2][s % 4] % x.dim() - (x.dim() if s % 2 else 0)]
K(T, "softmax_amax_grad", "softmax", "shift by amax kept in the graph (the shift cancels)", "def softmax(x, dim=-1):\n    z = x - torch.amax(x, dim, keepdim=True)\n    e = torch.exp(z)\n    return e / torch.sum(e, dim, keepdim=True)",
  agree(gsm, lambda M, i: with_grads(lambda a: M.softmax(a, i[1]), i[0]), rtol=1e-5, atol=1e-6))
K(T, "log_softmax_lse", "log_softmax", "x − (m + log Σ exp(x − m)) with m = max(dim).values", "def log_softmax(x, dim=-1):\n    m = x.max(dim=dim, keepdim=True).values\n    return x - (m + (x - m).exp().sum(dim=dim, keepdim=True).log())",
  agree(gsm, lambda M, i: with_grads(lambda a: M.log_softmax(a, i[1]), i[0]), rtol=1e-5, atol=1e-4))
def gce(s):
    n, c = s % 4 + 1, s % 3 + 2
    lg = torch.randn(n, c) * [1, 1000][s % 2]
    tg = torch.randint(0, c, (n,)) if s % 3 == 0 else (torch.eye(c)[torch.randint(0, c, (n,))].to([torch.int64, torch.float64, torch.float32][s % 3]) if s % 3 == 1 else torch.softmax(torch.randn(n, c), 1))
    return [lg, tg]
K(T, "ce_onehot_mask", "cross_entropy", "indices turned into a one-hot mask, then the probability formula", "def cross_entropy(logits, target):\n    lp = log_softmax(logits, dim=1)\n    if target.dim() == 1:\n        target = (target[:, None] == torch.arange(logits.shape[1], device=logits.device)).to(lp.dtype)\n    return -(target.to(lp.dtype) * lp).sum(dim=1).mean()",
  agree(gce, lambda M, i: M.cross_entropy(*i), rtol=1e-5, atol=1e-3))
def gent(s):
    dt = [torch.float32, torch.float64][s % 2]
    p = torch.softmax(torch.randn([(3,), (2, 4), (2, 2, 3)][s % 3], dtype=dt), -1)
    if s % 2:
        p[..., 0] = 0; p = p / p.sum(-1, keepdim=True)
    return [p]
K(T, "entropy_xlogy", "entropy", "−xlogy(p, p).sum(−1) (allowed)", "def entropy(p):\n    return -torch.xlogy(p, p).sum(dim=-1)",
  agree(gent, lambda M, i: M.entropy(*i), rtol=1e-6, atol=1e-7))
def gkl(s):
    a = gent(s)[0]; q = torch.softmax(torch.randn(a.shape, dtype=a.dtype), -1)
    if s % 3 == 0:
        q[..., -1] = 0
    return [a, q]
K(T, "kl_xlogy_diff", "kl_div", "xlogy(p, p) − xlogy(p, q)", "def kl_div(p, q):\n    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)",
  agree(gkl, lambda M, i: M.kl_div(*i), rtol=1e-5, atol=1e-6))
