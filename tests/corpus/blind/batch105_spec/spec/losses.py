from common import *  # noqa: F403
import torch
import torch.nn.functional as F

torch.manual_seed(105)
T = "losses"
D = torch.float64
r = torch.randn


def gr(fn, *ts, dt=D):
    """value and gradients (float64 leaves) of fn."""
    return with_grads(fn, *[t.to(dt) for t in ts])


# ---------------- mistakes ----------------
M(T, "mse_sum_is_mean", "mse", "treats every reduction but 'none' as mean", "reduction='sum', y_hat, y randn (3,4)", '''
def mse(y_hat, y, reduction="mean"):
    sq = (y_hat - y) ** 2
    return sq if reduction == "none" else sq.mean()
''', differs(lambda M: M.mse(r(3, 4), r(3, 4), reduction="sum")))

M(T, "mse_mean_dim0", "mse", "mean over dim 0 only: a 2-D input gives a vector", "y_hat, y randn (3,4), reduction='mean'", '''
def mse(y_hat, y, reduction="mean"):
    sq = (y_hat - y) ** 2
    if reduction == "mean":
        return sq.mean(dim=0)
    return sq.sum() if reduction == "sum" else sq
''', differs(lambda M: M.mse(r(3, 4), r(3, 4))))

M(T, "mse_float32_acc", "mse", "accumulates in float32 (.float()): float16 input returns float32", "float16 y_hat, y randn (8,)", '''
def mse(y_hat, y, reduction="mean"):
    sq = ((y_hat - y) ** 2).float()
    if reduction == "mean":
        return sq.mean()
    return sq.sum() if reduction == "sum" else sq
''', differs(lambda M: M.mse(r(8).half(), r(8).half()), rtol=1e-2, atol=1e-3))

M(T, "l1_len_div", "l1", "mean as sum / len(y): wrong for inputs of rank ≥ 2", "y_hat, y randn (3,4)", '''
def l1(y_hat, y, reduction="mean"):
    d = (y_hat - y).abs()
    if reduction == "mean":
        return d.sum() / len(y)
    return d.sum() if reduction == "sum" else d
''', differs(lambda M: M.l1(r(3, 4), r(3, 4))))

M(T, "l1_sqrt_square", "l1", "|d| as sqrt(d²): overflows for |d| > 1.8e19 in float32", "float32 y_hat = [3e19, 1], y = [0, 0]", '''
def l1(y_hat, y, reduction="mean"):
    d = ((y_hat - y) ** 2).sqrt()
    if reduction == "mean":
        return d.mean()
    return d.sum() if reduction == "sum" else d
''', differs(lambda M: M.l1(torch.tensor([3e19, 1.0]), torch.zeros(2)), rtol=1e-5, atol=1e-6))

M(T, "huber_smoothl1_form", "huber", "quadratic piece 0.5·d²/δ (smooth-L1's) instead of 0.5·d²", "delta=2, d in (−2, 2)", '''
def huber(y_hat, y, delta=1.0):
    d = (y_hat - y).abs()
    return torch.where(d <= delta, 0.5 * d**2 / delta, delta * (d - 0.5 * delta)).mean()
''', differs(lambda M: M.huber(torch.tensor([0.5, -1.5, 3.0]), torch.zeros(3), delta=2.0)))

M(T, "huber_signed_linear", "huber", "linear piece uses the signed d: negative outliers go negative", "y_hat = [-3, 0.2], y = 0", '''
def huber(y_hat, y, delta=1.0):
    d = y_hat - y
    return torch.where(d.abs() <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()
''', differs(lambda M: M.huber(torch.tensor([-3.0, 0.2]), torch.zeros(2))))

M(T, "huber_no_half", "huber", "linear piece δ·(|d| − δ) (drops the 0.5)", "y_hat = [3, 0.2], y = 0", '''
def huber(y_hat, y, delta=1.0):
    d = (y_hat - y).abs()
    return torch.where(d <= delta, 0.5 * d**2, delta * (d - delta)).mean()
''', differs(lambda M: M.huber(torch.tensor([3.0, 0.2]), torch.zeros(2))))

M(T, "sigmoid_naive_grad", "sigmoid", "1/(1 + exp(−x)): gradient NaN at x = −1000", "float32 x = [-1000, 0, 1000], gradient of the sum", '''
def sigmoid(x):
    return 1 / (1 + torch.exp(-x))
''', differs(lambda M: gr(M.sigmoid, torch.tensor([-1000.0, 0.0, 1000.0]), dt=torch.float32)))

M(T, "sigmoid_where_nan_grad", "sigmoid", "torch.where over two unguarded branches: value fine, gradient NaN at ±1000",
  "float64 x = [-1000, 1000], gradients", '''
def sigmoid(x):
    return torch.where(x >= 0, 1 / (1 + torch.exp(-x)), torch.exp(x) / (1 + torch.exp(x)))
''', differs(lambda M: gr(M.sigmoid, torch.tensor([-1000.0, 1000.0]))))

M(T, "sigmoid_tanh_tail", "sigmoid", "(1 + tanh(x/2))/2: float64 tail below −37 rounds to 0", "float64 x = [-60, -700]", '''
def sigmoid(x):
    return (1 + torch.tanh(x / 2)) / 2
''', differs(lambda M: M.sigmoid(torch.tensor([-60.0, -700.0], dtype=D)), cmp=strict))

M(T, "bce_no_floor", "bce", "no floor on the logs: p = 0 or 1 gives NaN/inf", "p = [0, 1, 0.3], y = [0, 1, 1]", '''
def bce(p, y):
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()
''', differs(lambda M: M.bce(torch.tensor([0.0, 1.0, 0.3]), torch.tensor([0.0, 1.0, 1.0]))))

M(T, "bce_clamp_p", "bce", "clamps p to [1e-7, 1 − 1e-7] instead of flooring the logs at −100", "p = [0, 0.5], y = [1, 0]", '''
def bce(p, y):
    p = p.clamp(1e-7, 1 - 1e-7)
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()
''', differs(lambda M: M.bce(torch.tensor([0.0, 0.5]), torch.tensor([1.0, 0.0]))))

M(T, "bce_floor_after_mul", "bce", "floors y·log p (after the product) instead of log p: soft labels at p = 0 differ",
  "p = [0, 0.4], y = [0.5, 0.5]", '''
def bce(p, y):
    a = torch.nan_to_num(y * p.log(), nan=0.0, neginf=-100.0).clamp(min=-100)
    b = torch.nan_to_num((1 - y) * (1 - p).log(), nan=0.0, neginf=-100.0).clamp(min=-100)
    return -(a + b).mean()
''', differs(lambda M: M.bce(torch.tensor([0.0, 0.4]), torch.tensor([0.5, 0.5]))))

M(T, "bcel_log1_plus", "bce_with_logits", "softplus with log(1 + e^(−|z|)): the float64 tail term rounds to 0",
  "float64 logits = [40, -40], y = [1, 0]", '''
def bce_with_logits(logits, y):
    sp = lambda z: z.clamp(min=0) + torch.log(1 + torch.exp(-z.abs()))
    return (y * sp(-logits) + (1 - y) * sp(logits)).mean()
''', differs(lambda M: M.bce_with_logits(torch.tensor([40.0, -40.0], dtype=D), torch.tensor([1.0, 0.0], dtype=D)),
             cmp=lambda a, b: same(a, b, rtol=0.75, atol=0.0)))

M(T, "bcel_sigmoid_log", "bce_with_logits", "σ then log: inf at logits ±1000", "logits = [1000, -1000], y = [0, 1]", '''
def bce_with_logits(logits, y):
    s = torch.sigmoid(logits)
    return -(y * s.log() + (1 - y) * (1 - s).log()).mean()
''', differs(lambda M: M.bce_with_logits(torch.tensor([1000.0, -1000.0]), torch.tensor([0.0, 1.0]))))

M(T, "softmax_no_shift", "softmax", "no max subtraction: NaN at logits of 1000", "x = [[1000, 999, 0]]", '''
def softmax(x, dim=-1):
    e = x.exp()
    return e / e.sum(dim=dim, keepdim=True)
''', differs(lambda M: M.softmax(torch.tensor([[1000.0, 999.0, 0.0]]))))

M(T, "softmax_global_max", "softmax", "subtracts the global max: a row far below it underflows to 0/0",
  "x = [[1000, 0], [1, 2]]", '''
def softmax(x, dim=-1):
    e = (x - x.max()).exp()
    return e / e.sum(dim=dim, keepdim=True)
''', differs(lambda M: M.softmax(torch.tensor([[1000.0, 0.0], [1.0, 2.0]]))))

M(T, "softmax_no_keepdim", "softmax", "max without keepdim: a square input shifts by the wrong entries", "x randn (4,4)·5, dim=-1", '''
def softmax(x, dim=-1):
    e = (x - x.amax(dim=dim)).exp()
    return e / e.sum(dim=dim, keepdim=True)
''', differs(lambda M: M.softmax(r(4, 4) * 5)))

M(T, "softmax_dim_ignored", "softmax", "always normalises the last dim", "x randn (3,4), dim=0", '''
def softmax(x, dim=-1):
    e = (x - x.amax(dim=-1, keepdim=True)).exp()
    return e / e.sum(dim=-1, keepdim=True)
''', differs(lambda M: M.softmax(r(3, 4), dim=0)))

M(T, "log_softmax_of_softmax", "log_softmax", "log of the softmax: −inf where it underflows", "x = [[1000, 0]]", '''
def log_softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return (e / e.sum(dim=dim, keepdim=True)).log()
''', differs(lambda M: M.log_softmax(torch.tensor([[1000.0, 0.0]]))))

M(T, "log_softmax_dim1", "log_softmax", "hard-codes dim=1", "x randn (2,3,4), dim=-1", '''
def log_softmax(x, dim=-1):
    shifted = x - x.amax(dim=1, keepdim=True)
    return shifted - shifted.exp().sum(dim=1, keepdim=True).log()
''', differs(lambda M: M.log_softmax(r(2, 3, 4))))

M(T, "ce_dtype_dispatch", "cross_entropy", "tells targets apart by dtype: an int64 one-hot (n, c) is taken as indices",
  "logits randn (3,4), int64 one-hot target (3,4)", '''
def cross_entropy(logits, target):
    log_probs = log_softmax(logits, dim=1)
    if target.dtype != torch.int64:
        return -(target.to(log_probs.dtype) * log_probs).sum(dim=1).mean()
    return -log_probs.gather(1, target.reshape(-1, 1)).mean()
''', differs(lambda M: M.cross_entropy(r(3, 4), torch.eye(4, dtype=torch.int64)[[0, 3, 1]])))

M(T, "ce_sum_batch", "cross_entropy", "sums over the batch instead of averaging", "logits randn (3,4), target [0, 3, 1]", '''
def cross_entropy(logits, target):
    log_probs = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(target.to(log_probs.dtype) * log_probs).sum()
    return -log_probs.gather(1, target.unsqueeze(1)).sum()
''', differs(lambda M: M.cross_entropy(r(3, 4), torch.tensor([0, 3, 1]))))

M(T, "ce_squeeze_batch1", "cross_entropy", "squeezes the target first: a batch of one probability row is taken as indices",
  "logits randn (1,3), target probabilities (1,3)", '''
def cross_entropy(logits, target):
    log_probs = log_softmax(logits, dim=1)
    target = target.squeeze()
    if target.dim() == 2:
        return -(target.to(log_probs.dtype) * log_probs).sum(dim=1).mean()
    return -log_probs.gather(1, target.reshape(-1, 1).long()).mean()
''', differs(lambda M: M.cross_entropy(r(1, 3), torch.tensor([[0.2, 0.5, 0.3]]))))

M(T, "entropy_nan_at_zero", "entropy", "p·log p without the 0·log 0 = 0 rule: NaN", "p = [[0, 1], [0.5, 0.5]]", '''
def entropy(p):
    return -(p * p.log()).sum(dim=-1)
''', differs(lambda M: M.entropy(torch.tensor([[0.0, 1.0], [0.5, 0.5]]))))

M(T, "entropy_eps", "entropy", "log(p + 1e-12): biased for tiny probabilities (float64)", "float64 p = [1e-10, 1 − 1e-10]", '''
def entropy(p):
    return -(p * (p + 1e-12).log()).sum(dim=-1)
''', differs(lambda M: M.entropy(torch.tensor([1e-10, 1 - 1e-10], dtype=D)), cmp=strict))

M(T, "entropy_dim1", "entropy", "sums over dim 1: a single 1-D probability vector fails", "p = [0.2, 0.8] (1-D)", '''
def entropy(p):
    return -torch.xlogy(p, p).sum(dim=1)
''', differs(lambda M: M.entropy(torch.tensor([0.2, 0.8]))))

M(T, "kl_nan_p0", "kl_div", "p·log(p/q) without the p = 0 rule: NaN", "p = [0, 1], q = [0.5, 0.5]", '''
def kl_div(p, q):
    return (p * (p / q).log()).sum(dim=-1)
''', differs(lambda M: M.kl_div(torch.tensor([0.0, 1.0]), torch.tensor([0.5, 0.5]))))

M(T, "kl_clamp_q", "kl_div", "clamps q at 1e-12: q = 0 < p gives a finite value, not +inf", "p = [0.5, 0.5], q = [0, 1]", '''
def kl_div(p, q):
    return (torch.xlogy(p, p) - torch.xlogy(p, q.clamp(min=1e-12))).sum(dim=-1)
''', differs(lambda M: M.kl_div(torch.tensor([0.5, 0.5]), torch.tensor([0.0, 1.0]))))

M(T, "kl_mul_logq", "kl_div", "xlogy(p, p) − p·log q: p = q = 0 gives 0·(−inf) = NaN", "p = [0, 1], q = [0, 1]", '''
def kl_div(p, q):
    return (torch.xlogy(p, p) - p * q.log()).sum(dim=-1)
''', differs(lambda M: M.kl_div(torch.tensor([0.0, 1.0]), torch.tensor([0.0, 1.0]))))

# ---------------- contract ----------------
X(T, "softmax_torch", "softmax", "calls the off-limits torch.softmax", "x randn (3,4)", '''
def softmax(x, dim=-1):
    return torch.softmax(x, dim=dim)
''', calls_forbidden(lambda M: M.softmax(r(3, 4)), [(torch, "softmax")], ("softmax",)))

X(T, "mse_F", "mse", "calls the off-limits F.mse_loss", "y_hat, y randn (5,)", '''
def mse(y_hat, y, reduction="mean"):
    return F.mse_loss(y_hat, y, reduction=reduction)
''', calls_forbidden(lambda M: M.mse(r(5), r(5)), [(F, "mse_loss")], ("mse_loss",)), imports="import torch.nn.functional as F")

X(T, "sigmoid_torch", "sigmoid", "calls the off-limits torch.sigmoid", "x randn (5,)", '''
def sigmoid(x):
    return torch.sigmoid(x)
''', calls_forbidden(lambda M: M.sigmoid(r(5)), [(torch, "sigmoid")], ("sigmoid",)))

X(T, "sigmoid_cpu_zeros", "sigmoid", "builds its zeros on the default device (device ignored)", "x on the meta device", '''
def sigmoid(x):
    zero = torch.zeros(x.shape)
    positive = x >= 0
    e = torch.exp(-torch.where(positive, x, zero) + torch.where(positive, zero, x))
    return torch.where(positive, 1 / (1 + e), e / (1 + e))
''', differs(lambda M: M.sigmoid(torch.zeros(3, device="meta"))))

# ---------------- correct ----------------
def _pair(s):
    g = torch.Generator().manual_seed(s)
    shp = [(1,), (4,), (2, 3), (1, 1), (3, 1, 2)][s % 5]
    dt = D if s % 2 else torch.float32
    sc = 10.0 ** (s % 3 - 1)
    return torch.randn(shp, generator=g, dtype=dt) * sc, torch.randn(shp, generator=g, dtype=dt) * sc


def _red(s):
    return ["mean", "sum", "none"][s % 3]


def _vg(fn):
    return lambda M, i: with_grads(lambda *t: fn(M, *t), *i)


K(T, "mse_square", "mse", "torch.square and explicit reductions", "seeded shapes incl. (1,),(1,1), float64, all reductions, grads", '''
def mse(y_hat, y, reduction="mean"):
    sq = torch.square(y_hat - y)
    if reduction == "none":
        return sq
    if reduction == "sum":
        return torch.sum(sq)
    if reduction == "mean":
        return torch.mean(sq)
    raise ValueError(reduction)
''', agree(_pair, lambda M, i: with_grads(lambda a, b: M.mse(a, b, _red(i[0].numel())), *i), cmp=lambda a, b: same(a, b, 1e-7, 1e-6)))

K(T, "l1_dispatch_dict", "l1", "abs of the difference, reduction by a dict of functions", "seeded shapes, float64, all reductions, grads", '''
def l1(y_hat, y, reduction="mean"):
    d = torch.abs(y_hat - y)
    return {"mean": torch.mean, "sum": torch.sum, "none": lambda t: t}[reduction](d)
''', agree(_pair, lambda M, i: with_grads(lambda a, b: M.l1(a, b, _red(i[0].numel() + 1)), *i), cmp=lambda a, b: same(a, b, 1e-7, 1e-6)))

K(T, "huber_min_form", "huber", "q = min(|d|, δ): 0.5·q² + δ·(|d| − q)", "seeded, δ in {0.5, 1, 2}, grads", '''
def huber(y_hat, y, delta=1.0):
    d = (y_hat - y).abs()
    q = torch.minimum(d, torch.full_like(d, delta))
    return (0.5 * q * q + delta * (d - q)).mean()
''', agree(_pair, lambda M, i: with_grads(lambda a, b: M.huber(a, b, [0.5, 1.0, 2.0][i[0].numel() % 3]), *i),
           cmp=lambda a, b: same(a, b, 1e-7, 1e-6)))

K(T, "sigmoid_abs_form", "sigmoid", "e = exp(−|x|); where(x ≥ 0, 1/(1+e), e/(1+e)) with the gradient through |x|", "seeded float32/64 incl. ±1000, −700, grads", '''
def sigmoid(x):
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
''', agree(lambda s: (torch.cat([torch.randn(6, dtype=D) * 10 ** (s % 3), torch.tensor([-1000.0, -700.0, 1000.0, 0.5], dtype=D)]).to(D if s % 2 else torch.float32),),
           lambda M, i: (M.sigmoid(i[0]), with_grads(M.sigmoid, i[0].to(D))), cmp=strict))

K(T, "bce_where_floor", "bce", "torch.maximum(log, −100) for both logs", "seeded p incl. 0 and 1, soft labels", '''
def bce(p, y):
    floor = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    a = torch.maximum(torch.log(p), floor)
    b = torch.maximum(torch.log(1 - p), floor)
    return torch.mean(-(y * a + (1 - y) * b))
''', agree(lambda s: (torch.cat([torch.rand(5), torch.tensor([0.0, 1.0])]), torch.rand(7).round() if s % 2 else torch.rand(7)),
           lambda M, i: M.bce(*i)))

K(T, "bcel_F_softplus", "bce_with_logits", "F.softplus on both sides (allowed), keeping both labels' terms", "seeded logits incl. ±1000, soft labels, grads", '''
def bce_with_logits(logits, y):
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()
''', agree(lambda s: (torch.cat([torch.randn(5) * 5, torch.tensor([1000.0, -1000.0])]), torch.rand(7)),
           lambda M, i: M.bce_with_logits(*i)), imports="import torch.nn.functional as F")

K(T, "softmax_exp_logsoftmax", "softmax", "exp of (x − m − log Σ exp(x − m))", "seeded ranks 1–3, every dim incl. negative, ±1000", '''
def softmax(x, dim=-1):
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    return (shifted - shifted.exp().sum(dim=dim, keepdim=True).log()).exp()
''', agree(lambda s: (torch.randn(tuple(range(2, 2 + s % 3 + 1))) * (1000 if s % 4 == 0 else 3), (s % 5) - 2),
           lambda M, i: M.softmax(i[0], dim=i[1] % i[0].dim() - (i[0].dim() if i[1] < 0 else 0))))

K(T, "log_softmax_max_values", "log_softmax", "x.max(dim, keepdim).values and logsumexp by hand", "seeded ranks 1–3, every dim, ±1000, grads", '''
def log_softmax(x, dim=-1):
    m = x.max(dim=dim, keepdim=True).values
    return x - m - torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))
''', agree(lambda s: (torch.randn(tuple(range(2, 2 + s % 3 + 1)), dtype=D) * (1000 if s % 4 == 0 else 3), (s % 5) - 2),
           lambda M, i: with_grads(lambda t: M.log_softmax(t, dim=i[1] % i[0].dim()), i[0]), cmp=strict))

K(T, "ce_arange_index", "cross_entropy", "indexing log-probabilities with arange(n) and the targets", "seeded incl. n=1, index / one-hot int64 / float probs", '''
def cross_entropy(logits, target):
    log_probs = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(log_probs * target.to(log_probs.dtype)).sum() / logits.shape[0]
    return -log_probs[torch.arange(logits.shape[0], device=logits.device), target].mean()
''', agree(lambda s: (torch.randn(s % 4 + 1, 3) * (1000 if s % 5 == 0 else 2),
                      [torch.randint(0, 3, (s % 4 + 1,)), torch.eye(3, dtype=torch.int64)[torch.randint(0, 3, (s % 4 + 1,))],
                       torch.rand(s % 4 + 1, 3).softmax(1)][s % 3]),
           lambda M, i: M.cross_entropy(*i)))

K(T, "entropy_xlogy", "entropy", "−xlogy(p, p) summed over the last dim", "seeded shapes (k,), (n,k), (a,b,k) with zeros, float64", '''
def entropy(p):
    return -torch.xlogy(p, p).sum(dim=-1)
''', agree(lambda s: (torch.where(torch.rand(tuple(range(2, 2 + s % 3 + 1))) < 0.3, 0.0, torch.rand(tuple(range(2, 2 + s % 3 + 1)))).to(D),),
           lambda M, i: M.entropy(i[0] / i[0].sum(-1, keepdim=True).clamp(min=1e-9)), cmp=strict))

K(T, "kl_xlogy_both", "kl_div", "xlogy(p, p) − xlogy(p, q)", "seeded with zeros in p and q (q = 0 < p → inf), float64", '''
def kl_div(p, q):
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
''', agree(lambda s: tuple(torch.where(torch.rand(3, 4) < 0.25, 0.0, torch.rand(3, 4)).to(D) for _ in range(2)),
           lambda M, i: M.kl_div(*i), cmp=lambda a, b: same(a, b, rtol=1e-7, atol=1e-15)))


# right values for the contract entries
V(T, "softmax_torch", lambda M: M.softmax(r(3, 4) * 100, dim=0))
V(T, "mse_F", lambda M: [M.mse(r(3, 2), r(3, 2), red) for red in ("mean", "sum", "none")])
V(T, "sigmoid_torch", lambda M: M.sigmoid(torch.tensor([-1000.0, -5.0, 0.0, 3.0, 1000.0])))
V(T, "sigmoid_cpu_zeros", lambda M: with_grads(M.sigmoid, torch.tensor([-1000.0, -5.0, 0.0, 3.0, 1000.0], dtype=D)))
