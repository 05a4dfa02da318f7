from common import *  # noqa: F403
import torch
import torch.nn.functional as F

T = "losses"
D = torch.float64
r = torch.randn


def gr(fn, *xs):
    """value and input gradients in float64."""
    return with_grads(fn, *[x.to(D) for x in xs])

# ---------------- mistakes ----------------
M(T, "mse_default_sum", "mse", "default reduction='sum' instead of 'mean'",
  "mse(y_hat, y) with the default reduction, (3, 2) randn", '''
def mse(y_hat: Tensor, y: Tensor, reduction: str = "sum") -> Tensor:
    """(ŷ − y)², reduced."""
    return _reduce((y_hat - y) ** 2, reduction)
''', differs(lambda M: M.mse(torch.ones(3, 2), torch.zeros(3, 2))))

M(T, "mse_none_falls_to_mean", "mse", "if/else chain: anything but 'sum' is averaged, so 'none' returns the mean",
  "reduction='none', (4,) inputs", '''
def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """(ŷ − y)², reduced."""
    sq = (y_hat - y) ** 2
    if reduction == "sum":
        return sq.sum()
    return sq.mean()
''', differs(lambda M: M.mse(torch.arange(4.), torch.zeros(4), "none")))

M(T, "l1_none_sums", "l1", "reduction 'none' handled as sum over the last dim",
  "reduction='none', (2, 3) inputs", '''
def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """|ŷ − y|, reduced."""
    d = (y_hat - y).abs()
    if reduction == "mean":
        return d.mean()
    if reduction == "sum":
        return d.sum()
    return d.sum(dim=-1)
''', differs(lambda M: M.l1(torch.arange(6.).reshape(2, 3), torch.ones(2, 3), "none")))

M(T, "huber_delta_hardcoded", "huber", "linear piece written |d| − 0.5 (δ = 1 hard-coded)",
  "delta = 2.0, d = [3, −5, 0.5]", '''
def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Quadratic within δ, linear beyond; mean."""
    d = (y_hat - y).abs()
    return torch.where(d <= delta, 0.5 * d**2, d - 0.5).mean()
''', differs(lambda M: M.huber(torch.tensor([3., -5., 0.5]), torch.zeros(3), 2.0)))

M(T, "huber_signed_linear", "huber", "the linear piece uses the signed d: negative residuals beyond δ give negative loss",
  "d = [−3, 0.2], delta 1", '''
def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Quadratic within δ, linear beyond; mean."""
    d = y_hat - y
    return torch.where(d.abs() <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()
''', differs(lambda M: M.huber(torch.tensor([-3., 0.2]), torch.zeros(2), 1.0)))

M(T, "sigmoid_naive", "sigmoid", "1 / (1 + exp(−x)): the value survives at −1000 but the gradient is NaN (inf/inf)",
  "x = [−1000, 0, 5] float32 with grad", '''
def sigmoid(x: Tensor) -> Tensor:
    """The textbook formula."""
    return 1 / (1 + torch.exp(-x))
''', differs(lambda M: with_grads(M.sigmoid, torch.tensor([-1000., 0., 5.]))))

M(T, "sigmoid_where_unmasked", "sigmoid", "torch.where over both unmasked formulas: the value is right, the gradient of the branch not taken is NaN",
  "x = [−1000, 1000, 0.5] with grad", '''
def sigmoid(x: Tensor) -> Tensor:
    """The safe form on each side."""
    return torch.where(x >= 0, 1 / (1 + torch.exp(-x)), torch.exp(x) / (1 + torch.exp(x)))
''', differs(lambda M: with_grads(M.sigmoid, torch.tensor([-1000., 1000., 0.5]))))

M(T, "sigmoid_tanh_tail", "sigmoid", "0.5·(1 + tanh(x/2)): float64 tails round to 0 (σ(−700) ≈ 1e−304 is not 0)",
  "x = [−700, −60] float64, rtol 1e-7 no atol", '''
def sigmoid(x: Tensor) -> Tensor:
    """Through tanh, which never overflows."""
    return 0.5 * (1 + torch.tanh(x / 2))
''', differs(lambda M: M.sigmoid(torch.tensor([-700., -60.], dtype=D)), rtol=1e-7, atol=0))

M(T, "bce_no_floor", "bce", "no floor on the logs: p = 0 with y = 0 gives 0·(−inf) = NaN",
  "p = [0, 1, 0.3], y = [0, 1, 1]", '''
def bce(p: Tensor, y: Tensor) -> Tensor:
    """−[y·log p + (1 − y)·log(1 − p)], mean."""
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()
''', differs(lambda M: M.bce(torch.tensor([0., 1., 0.3]), torch.tensor([0., 1., 1.]))))

M(T, "bce_clamp_p", "bce", "clamps p to [1e−7, 1 − 1e−7] instead of flooring the logs at −100",
  "p = [0, 0.5], y = [1, 0]", '''
def bce(p: Tensor, y: Tensor) -> Tensor:
    """Keep p away from 0 and 1."""
    p = p.clamp(1e-7, 1 - 1e-7)
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()
''', differs(lambda M: M.bce(torch.tensor([0., 0.5]), torch.tensor([1., 0.]))))

M(T, "bce_floor_after_product", "bce", "floors y·log p (the product) instead of log p: soft labels at p = 0 give −100 instead of −50",
  "soft label y = 0.5 with p = 0", '''
def bce(p: Tensor, y: Tensor) -> Tensor:
    """Each term floored at −100."""
    a = (y * p.log()).clamp(min=-100)
    b = ((1 - y) * (1 - p).log()).clamp(min=-100)
    return -(a + b).mean()
''', differs(lambda M: M.bce(torch.tensor([0., 0.4]), torch.tensor([0.5, 0.5]))))

M(T, "bce_logits_log1p_missing", "bce_with_logits", "softplus as max(z, 0) + log(1 + e^−|z|): the float64 tails round to 0",
  "float64 logits [40, −40] with labels [1, 0] (loss ≈ 4e−18; rtol 0.75 allowed there)", '''
def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """Softplus form."""
    def softplus(z):
        return z.clamp(min=0) + torch.log(1 + torch.exp(-z.abs()))
    return (y * softplus(-logits) + (1 - y) * softplus(logits)).mean()
''', differs(lambda M: M.bce_with_logits(torch.tensor([40., -40.], dtype=D), torch.tensor([1., 0.], dtype=D)), rtol=0.75, atol=0))

M(T, "bce_logits_via_sigmoid", "bce_with_logits", "sigmoid, then the log of probabilities: log(1 − σ(1000)) = −inf",
  "logits [1000, −1000], labels [0, 1]", '''
def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """Probabilities first."""
    p = torch.sigmoid(logits)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
''', differs(lambda M: M.bce_with_logits(torch.tensor([1000., -1000., 0.3]), torch.tensor([0., 1., 1.])), atol=8 * 1.2e-7 * 1000))

M(T, "softmax_global_max", "softmax", "subtracts the global max instead of the max along dim: a row far below underflows to 0/0",
  "x = [[1000, 999], [−1000, −999]], dim −1", '''
def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x − max) normalised."""
    e = (x - x.max()).exp()
    return e / e.sum(dim=dim, keepdim=True)
''', differs(lambda M: M.softmax(torch.tensor([[1000., 999.], [-1000., -999.]]), -1)))

M(T, "softmax_max_no_keepdim", "softmax", "x.amax(dim) without keepdim: on a square input the max broadcasts along the wrong axis",
  "x (3, 3) with row ranges 0..1000, dim −1", '''
def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x − m) normalised."""
    e = (x - x.amax(dim=dim)).exp()
    return e / e.sum(dim=dim, keepdim=True)
''', differs(lambda M: M.softmax(torch.tensor([[0., 1., 2.], [500., 400., 300.], [-800., -900., -1000.]]), -1)))

M(T, "softmax_dim_ignored", "softmax", "always normalises over the last dim, whatever dim says",
  "x (2, 3), dim = 0", '''
def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x − m) normalised over the classes."""
    e = (x - x.amax(dim=-1, keepdim=True)).exp()
    return e / e.sum(dim=-1, keepdim=True)
''', differs(lambda M: M.softmax(torch.arange(6.).reshape(2, 3), 0)))

M(T, "log_softmax_log_of_softmax", "log_softmax", "log(softmax(x)): −inf where the softmax underflowed",
  "x = [[1000, 0]]", '''
def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """The log of the softmax."""
    return softmax(x, dim).log()
''', differs(lambda M: M.log_softmax(torch.tensor([[1000., 0.]]), -1), atol=8 * 1.2e-7 * 1000))

M(T, "log_softmax_forgets_m", "log_softmax", "x − log Σ exp(x − m): the shift m is never added back",
  "x = [[1, 2, 3]]", '''
def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x − LogSumExp."""
    m = x.amax(dim=dim, keepdim=True)
    return x - (x - m).exp().sum(dim=dim, keepdim=True).log()
''', differs(lambda M: M.log_softmax(torch.tensor([[1., 2., 3.]]), -1)))

M(T, "cross_entropy_column_index", "cross_entropy", "log_probs[:, target]: an (n, n) block of columns, averaged, instead of one entry per row",
  "logits (3, 4) randn, target [0, 2, 3]", '''
def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """−log softmax at the target."""
    log_probs = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(target.to(log_probs.dtype) * log_probs).sum(dim=1).mean()
    return -log_probs[:, target].mean()
''', differs(lambda M: M.cross_entropy(torch.arange(12.).reshape(3, 4).sin(), torch.tensor([0, 2, 3]))))

M(T, "cross_entropy_dtype_dispatch", "cross_entropy", "tells the target apart by dtype (int64 → indices): an int64 one-hot (n, c) target is misread",
  "logits (2, 3), target int64 one-hot [[0, 1, 0], [0, 0, 1]]", '''
def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """Indices when the target is integer, probabilities otherwise."""
    log_probs = log_softmax(logits, dim=1)
    if target.dtype == torch.int64:
        return -log_probs.gather(1, target.reshape(len(logits), -1)).mean()
    return -(target * log_probs).sum(dim=1).mean()
''', differs(lambda M: M.cross_entropy(torch.tensor([[1., 2., 0.], [0., 1., 3.]]), torch.tensor([[0, 1, 0], [0, 0, 1]]))))

M(T, "cross_entropy_soft_mean_all", "cross_entropy", "probability targets: the mean over all n·c terms instead of the row sums averaged",
  "logits (2, 3), target probabilities", '''
def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """−target·log softmax, averaged."""
    log_probs = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(target.to(log_probs.dtype) * log_probs).mean()
    return -log_probs.gather(1, target.unsqueeze(1)).mean()
''', differs(lambda M: M.cross_entropy(torch.tensor([[1., 2., 0.], [0., 1., 3.]]), torch.tensor([[0.2, 0.8, 0.], [0., 0.5, 0.5]]))))

M(T, "entropy_nan_at_zero", "entropy", "−Σ p·log p with no 0·log 0 rule: NaN on a row with a zero",
  "p = [[0.5, 0.5, 0.0]]", '''
def entropy(p: Tensor) -> Tensor:
    """−Σ p·log p."""
    return -(p * p.log()).sum(dim=-1)
''', differs(lambda M: M.entropy(torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]]))))

M(T, "entropy_sum_all", "entropy", "sums over every element: one number instead of one per row",
  "p (2, 3)", '''
def entropy(p: Tensor) -> Tensor:
    """−Σ p·log p."""
    safe = torch.where(p > 0, p, torch.ones_like(p))
    return -(p * safe.log()).sum()
''', differs(lambda M: M.entropy(torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]]))))

M(T, "kl_div_clamped_q", "kl_div", "clamps q at 1e−10: finite where q = 0 < p, which must be +inf",
  "p = [0.5, 0.5], q = [1, 0]", '''
def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """Σ p·log(p / q), q kept positive."""
    safe_p = torch.where(p > 0, p, torch.ones_like(p))
    return (p * (safe_p.log() - q.clamp(min=1e-10).log())).sum(dim=-1)
''', differs(lambda M: M.kl_div(torch.tensor([[0.5, 0.5]]), torch.tensor([[1.0, 0.0]]))))

M(T, "kl_div_nan_p_zero", "kl_div", "p·(log p − log q) with no p = 0 rule: NaN where p = 0",
  "p = [1, 0], q = [0.5, 0.5]", '''
def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """Σ p·(log p − log q)."""
    return (p * (p.log() - q.log())).sum(dim=-1)
''', differs(lambda M: M.kl_div(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.5, 0.5]]))))

M(T, "kl_div_swapped", "kl_div", "computes KL(q‖p): the arguments swapped",
  "p = [0.9, 0.1], q = [0.5, 0.5]", '''
def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """Σ q·log(q / p)."""
    positive = q > 0
    safe_q = torch.where(positive, q, torch.ones_like(q))
    return torch.where(positive, q * (safe_q.log() - p.log()), torch.zeros_like(q)).sum(dim=-1)
''', differs(lambda M: M.kl_div(torch.tensor([[0.9, 0.1]]), torch.tensor([[0.5, 0.5]]))))

# ---------------- contract ----------------
X(T, "softmax_logsumexp", "softmax", "exp(x − torch.logsumexp(x, dim))",
  "Off limits: ``torch.softmax``, ``F.softmax``, ``Tensor.softmax``, ``torch.log_softmax``, ``F.log_softmax``, ``Tensor.log_softmax``, ``torch.logsumexp``, ...", '''
def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x − LogSumExp)."""
    return (x - torch.logsumexp(x, dim=dim, keepdim=True)).exp()
''', calls_forbidden(lambda M: M.softmax(r(3, 4), -1), [(torch, "logsumexp")], ("logsumexp",)))

X(T, "cross_entropy_nll", "cross_entropy", "F.nll_loss on the own log_softmax",
  "Off limits: ``F.cross_entropy``, ``F.nll_loss``, ``F.log_softmax``, ``torch.log_softmax`` (and ``nn.CrossEntropyLoss``)", '''
def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """NLL of the log-probabilities."""
    log_probs = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(target.to(log_probs.dtype) * log_probs).sum(dim=1).mean()
    return F.nll_loss(log_probs, target)
''', calls_forbidden(lambda M: M.cross_entropy(r(3, 4), torch.tensor([0, 1, 3])), [(F, "nll_loss")], ("nll_loss",)),
  imports="import torch.nn.functional as F")

X(T, "huber_smooth_l1", "huber", "δ·F.smooth_l1_loss(ŷ/δ... ) — Huber through smooth L1 (beta = δ, times δ)",
  "Off limits: ``F.huber_loss``, ``F.smooth_l1_loss`` (and ``nn.HuberLoss``, ``nn.SmoothL1Loss``).", '''
def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Huber = δ · smooth L1 with beta δ."""
    return delta * F.smooth_l1_loss(y_hat, y, beta=delta)
''', calls_forbidden(lambda M: M.huber(r(5), r(5), 1.5), [(F, "smooth_l1_loss"), (F, "huber_loss")], ("smooth_l1_loss", "huber_loss")),
  imports="import torch.nn.functional as F")

X(T, "kl_div_F", "kl_div", "F.kl_div(q.log(), p, reduction='none').sum(-1)",
  "Off limits: ``F.kl_div``, ``torch.special.entr``, ``torch.distributions``.", '''
def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """torch's pointwise KL, summed per row."""
    return F.kl_div(q.log(), p, reduction="none").sum(dim=-1)
''', calls_forbidden(lambda M: M.kl_div(torch.softmax(r(2, 3), -1), torch.softmax(r(2, 3), -1)), [(F, "kl_div")], ("kl_div",)),
  imports="import torch.nn.functional as F")

# ---------------- correct ----------------
def g_pair(seed):
    shape = [(5,), (2, 3), (3, 1, 2), (1,)][seed % 4]
    dt = D if seed % 2 else torch.float32
    return [r(shape, dtype=dt) * 3, r(shape, dtype=dt)]

RED = ["mean", "sum", "none"]

K(T, "mse_dict_dispatch", "mse", "torch.square, reductions chosen from a dict of callables", '''
def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """Square, then the chosen reduction."""
    reducers = {"mean": torch.mean, "sum": torch.sum, "none": lambda t: t}
    return reducers[reduction](torch.square(y_hat - y))
''', all_of(agree(g_pair, lambda M, i: [M.mse(*i, red) for red in RED] + [M.mse(*i)], rtol=1e-6, atol=1e-6),
            agree(g_pair, lambda M, i: gr(lambda a, b: M.mse(a, b, "mean"), *i)[1], rtol=1e-7, atol=1e-12)))

K(T, "l1_abs_sub", "l1", "torch.abs(y − ŷ) (the other order), reduction by if/elif", '''
def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """|y − ŷ|, reduced."""
    d = torch.abs(y - y_hat)
    if reduction == "none":
        return d
    if reduction == "sum":
        return d.sum()
    return d.mean()
''', agree(g_pair, lambda M, i: [M.l1(*i, red) for red in RED] + [M.l1(*i)], rtol=1e-6, atol=1e-6))

K(T, "huber_min_form", "huber", "0.5·min(|d|, δ)² + δ·(|d| − min(|d|, δ)): one formula for both pieces", '''
def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Quadratic up to δ, then linear."""
    a = (y_hat - y).abs()
    q = torch.minimum(a, torch.full_like(a, delta))
    return (0.5 * q * q + delta * (a - q)).mean()
''', all_of(agree(lambda s: g_pair(s) + [[0.5, 1.0, 2.0, 0.1][s % 4]], lambda M, i: M.huber(*i), rtol=1e-5, atol=1e-6),
            agree(lambda s: g_pair(s) + [[0.5, 1.0, 2.0, 0.1][s % 4]], lambda M, i: gr(lambda a, b: M.huber(a, b, i[2]), i[0], i[1])[1], rtol=1e-7, atol=1e-12)))

def g_sig(seed):
    if seed % 5 == 0:
        return [torch.tensor([-1000., -100., -20., 0., 20., 100., 1000.], dtype=D if seed % 2 else torch.float32)]
    if seed % 5 == 1:
        return [torch.tensor([-700., -300., -37.5, -1e-8, 1e-8], dtype=D)]
    return [r(seed % 6 + 1, dtype=D if seed % 2 else torch.float32) * 10]

def g_sig_nz(seed):
    x = g_sig(seed)[0]
    return [torch.where(x == 0, torch.full_like(x, 0.25), x)]


K(T, "sigmoid_exp_neg_abs", "sigmoid", "e = exp(−|x|); where(x ≥ 0, 1/(1+e), e/(1+e))", '''
def sigmoid(x: Tensor) -> Tensor:
    """One exp of −|x|, the right form on each side."""
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
''', all_of(agree(g_sig, lambda M, i: M.sigmoid(*i), rtol=1e-7, atol=0 if True else 0,
                 cmp=lambda a, b: same(a, b, 1e-7 if a.dtype == D else 1e-5, 0 if a.dtype == D else 1e-6)),
            agree(g_sig_nz, lambda M, i: gr(M.sigmoid, *i)[1], rtol=1e-7, atol=0)))

K(T, "sigmoid_softplus", "sigmoid", "exp(−softplus(−x)) with the module's own stable softplus", '''
def sigmoid(x: Tensor) -> Tensor:
    """σ(x) = exp(−softplus(−x))."""
    return torch.exp(-_softplus(-x))
''', all_of(agree(g_sig, lambda M, i: M.sigmoid(*i),
                 cmp=lambda a, b: same(a, b, 1e-7 if a.dtype == D else 1e-5, 0 if a.dtype == D else 1e-6)),
            agree(g_sig_nz, lambda M, i: gr(M.sigmoid, *i)[1], rtol=1e-7, atol=1e-300)))

def g_bce(seed):
    n = seed % 5 + 2
    p = torch.rand(n, dtype=D if seed % 2 else torch.float32)
    y = torch.rand(n, dtype=p.dtype) if seed % 3 == 0 else torch.randint(0, 2, (n,)).to(p.dtype)
    if seed % 4 == 0:
        p[0], p[-1] = 0.0, 1.0
    return [p, y]

K(T, "bce_maximum_floor", "bce", "torch.maximum(log, −100) on each log, then −mean", '''
def bce(p: Tensor, y: Tensor) -> Tensor:
    """Floored logs."""
    floor = torch.full_like(p, -100.0)
    log_p = torch.maximum(torch.log(p), floor)
    log_q = torch.maximum(torch.log1p(-p), floor)
    return -(y * log_p + (1 - y) * log_q).mean()
''', agree(g_bce, lambda M, i: M.bce(*i), rtol=1e-5, atol=1e-7))

def g_bcel(seed):
    n = seed % 5 + 2
    dt = D if seed % 2 else torch.float32
    z = r(n, dtype=dt) * 5
    if seed % 4 == 0:
        z[0], z[-1] = 1000.0, -1000.0
    return [z, torch.rand(n, dtype=dt) if seed % 3 == 0 else torch.randint(0, 2, (n,)).to(dt)]

K(T, "bce_logits_linear_form", "bce_with_logits", "max(z, 0) − z·y + log1p(e^−|z|) (the docstring allows it at the tails)", '''
def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """The one-softplus form."""
    z = logits
    return (z.clamp(min=0) - z * y + torch.log1p(torch.exp(-z.abs()))).mean()
''', all_of(agree(g_bcel, lambda M, i: M.bce_with_logits(*i), rtol=1e-5, atol=8 * 1.2e-7 * 1000),
            agree(lambda s: [r(4, dtype=D), torch.rand(4, dtype=D)], lambda M, i: gr(M.bce_with_logits, *i)[1], rtol=1e-7, atol=1e-14)))

K(T, "bce_logits_F_softplus", "bce_with_logits", "y·F.softplus(−z) + (1 − y)·F.softplus(z) (F.softplus allowed)", '''
def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """softplus on both sides."""
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()
''', agree(g_bcel, lambda M, i: M.bce_with_logits(*i), rtol=1e-5, atol=8 * 1.2e-7 * 1000),
  imports="import torch.nn.functional as F")

def g_sm(seed):
    shape = [(3, 4), (2, 3, 5), (6,), (1, 1)][seed % 4]
    x = r(shape, dtype=D if seed % 2 else torch.float32) * (1000 if seed % 3 == 0 else 3)
    dim = [-1, 0, 1, -2][seed % 4] if len(shape) > 1 else 0
    return [x, dim]

def tol_for(i):
    return 8 * 1.2e-7 * float(i[0].abs().max()) + 1e-6

K(T, "softmax_max_values", "softmax", "x.max(dim, keepdim=True).values (not detached), exp, divide", '''
def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """Shift by the max along dim."""
    e = torch.exp(x - x.max(dim=dim, keepdim=True).values)
    return e / torch.sum(e, dim=dim, keepdim=True)
''', all_of(agree(g_sm, lambda M, i: M.softmax(*i), rtol=1e-5, atol=1e-6),
            agree(lambda s: [r(3, 4, dtype=D), s % 2], lambda M, i: gr(lambda t: M.softmax(t, i[1]), i[0])[1], rtol=1e-7, atol=1e-14)))

K(T, "log_softmax_m_plus_lse", "log_softmax", "x − (m + log Σ exp(x − m)): the LogSumExp assembled first", '''
def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x − LogSumExp(x)."""
    m = x.amax(dim=dim, keepdim=True)
    lse = m + torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))
    return x - lse
''', all_of(agree(g_sm, lambda M, i: M.log_softmax(*i), cmp=None, rtol=1e-5, atol=1e-6) if False else
            (lambda R, C: next((f"seed {s}: {w}" for s in range(25) for i in [g_sm(s)]
                                for w in [same(R.log_softmax(*i), C.log_softmax(*i), 1e-5, tol_for(i))] if w), None)),
            agree(lambda s: [r(3, 4, dtype=D), s % 2], lambda M, i: gr(lambda t: M.log_softmax(t, i[1]), i[0])[1], rtol=1e-7, atol=1e-14)))

def g_ce(seed):
    n, c = seed % 4 + 1, seed % 3 + 2
    logits = r(n, c, dtype=D if seed % 2 else torch.float32) * (1000 if seed % 5 == 0 else 2)
    k = seed % 3
    if k == 0:
        t = torch.randint(0, c, (n,))
    elif k == 1:
        t = torch.eye(c, dtype=[torch.int64, torch.float32, D][seed % 3])[torch.randint(0, c, (n,))]
    else:
        t = torch.softmax(r(n, c), 1).to(logits.dtype)
    return [logits, t]

K(T, "cross_entropy_arange_index", "cross_entropy", "log_probs[arange(n), target] for indices; the own log_softmax for probabilities", '''
def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """Pick one log-probability per row, or weight them all."""
    log_probs = log_softmax(logits, dim=-1)
    if target.dim() == 2:
        return -(log_probs * target.to(log_probs.dtype)).sum(dim=-1).mean()
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -log_probs[rows, target].mean()
''', all_of(lambda R, C: next((f"seed {s}: {w}" for s in range(25) for i in [g_ce(s)]
                                for w in [same(R.cross_entropy(*i), C.cross_entropy(*i), 1e-5, tol_for(i))] if w), None),
            agree(lambda s: [r(3, 4, dtype=D), torch.tensor([0, 3, 1])], lambda M, i: gr(lambda t: M.cross_entropy(t, i[1]), i[0])[1], rtol=1e-7, atol=1e-14)))

def g_prob(seed):
    shape = [(3, 4), (2, 2, 3), (5,)][seed % 3]
    p = torch.softmax(r(shape) * 3, -1).to(D if seed % 2 else torch.float32)
    if seed % 2 == 0:
        p = torch.where(torch.rand(shape) < 0.3, torch.zeros_like(p), p)
        p = p / p.sum(-1, keepdim=True).clamp(min=1e-30)
    return [p]

K(T, "entropy_xlogy", "entropy", "−torch.xlogy(p, p).sum(−1) (xlogy(0, 0) = 0; not off limits)", '''
def entropy(p: Tensor) -> Tensor:
    """xlogy handles 0·log 0."""
    return -torch.xlogy(p, p).sum(dim=-1)
''', all_of(agree(g_prob, lambda M, i: M.entropy(*i), rtol=1e-5, atol=1e-6),
            agree(lambda s: [torch.softmax(r(3, 4, dtype=D), -1)], lambda M, i: gr(M.entropy, *i)[1], rtol=1e-7, atol=1e-14)))

def g_kl(seed):
    p = g_prob(seed)[0]
    q = g_prob(seed + 7)[0].to(p.dtype)
    if q.shape != p.shape:
        q = torch.softmax(r(p.shape), -1).to(p.dtype)
    if seed % 4 == 1:
        q = torch.where(torch.rand(p.shape) < 0.2, torch.zeros_like(q), q)
    return [p, q]

K(T, "kl_div_xlogy", "kl_div", "Σ (xlogy(p, p) − xlogy(p, q)): +inf where q = 0 < p, 0 where p = 0", '''
def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """xlogy on both logs."""
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
''', all_of(agree(g_kl, lambda M, i: M.kl_div(*i), rtol=1e-5, atol=1e-6),
            agree(lambda s: [torch.softmax(r(3, 4, dtype=D), -1), torch.softmax(r(3, 4, dtype=D), -1)],
                  lambda M, i: gr(M.kl_div, *i)[1], rtol=1e-7, atol=1e-14)))
