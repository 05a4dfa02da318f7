from common import *
from common import _SOL
import gzip, os, tempfile, importlib
SGDMOD = importlib.import_module('torch.optim.sgd')
import numpy as np
T = "optim"
D64 = torch.float64


def _X(n=8, d=3, dt=torch.float32):
    return torch.randn(n, d, dtype=dt)


M(T, "cf_squeeze", "closed_form_linear_regression", "solves with Xᵀy as a column and squeezes: one feature (d = 1) gives a 0-dim w",
  "X randn(6,1), y randn(6)",
  "def closed_form_linear_regression(X, y):\n    return torch.linalg.solve(X.T @ X, (X.T @ y).reshape(X.shape[1], -1)).squeeze()\n",
  differs(lambda Mod: Mod.closed_form_linear_regression(torch.randn(6, 1), torch.randn(6))))
M(T, "cf_bias_column", "closed_form_linear_regression", "adds a bias column of ones (the docstring says used as given)",
  "X randn(8,2), y randn(8)",
  "def closed_form_linear_regression(X, y):\n    X = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)\n    return torch.linalg.solve(X.T @ X, X.T @ y)\n",
  differs(lambda Mod: Mod.closed_form_linear_regression(torch.randn(8, 2), torch.randn(8))))
M(T, "cf_multi_target_flatten", "closed_form_linear_regression", "flattens y: an (n, k) target breaks",
  "X randn(8,3), y randn(8,2)",
  "def closed_form_linear_regression(X, y):\n    return torch.linalg.solve(X.T @ X, X.T @ y.reshape(-1))\n",
  differs(lambda Mod: Mod.closed_form_linear_regression(torch.randn(8, 3), torch.randn(8, 2))))
M(T, "gd_record_after", "gd_fit", "records the loss after the update instead of before it",
  "x = linspace(-1,1,9), y = 3x, lr 0.1, steps 4",
  ed(T, "gd_fit", ("        losses.append(_mse(w, x, y))\n        w -= lr * float((2 * x * (w * x - y)).mean())",
                   "        w -= lr * float((2 * x * (w * x - y)).mean())\n        losses.append(_mse(w, x, y))")),
  differs(lambda Mod: Mod.gd_fit(torch.linspace(-1, 1, 9), 3 * torch.linspace(-1, 1, 9), 0.1, 4)))
M(T, "gd_tensor_losses", "gd_fit", "records the losses as 0-dim tensors, not floats",
  "x = linspace(-1,1,9), y = 3x, lr 0.1, steps 3",
  "def gd_fit(x, y, lr, steps):\n    w, losses = 1.0, []\n    for _ in range(steps):\n        losses.append(((w * x - y) ** 2).mean())\n"
  "        w -= lr * float((2 * x * (w * x - y)).mean())\n    return w, losses\n",
  differs(lambda Mod: Mod.gd_fit(torch.linspace(-1, 1, 9), 3 * torch.linspace(-1, 1, 9), 0.1, 3)))
M(T, "gd_sum_grad", "gd_fit", "steps along the gradient of the SUM of squared errors",
  "x = linspace(-1,1,9), y = 3x, lr 0.01, steps 3",
  ed(T, "gd_fit", ("float((2 * x * (w * x - y)).mean())", "float((2 * x * (w * x - y)).sum())")),
  differs(lambda Mod: Mod.gd_fit(torch.linspace(-1, 1, 9), 3 * torch.linspace(-1, 1, 9), 0.01, 3)))
M(T, "sgd_perm_once", "sgd_fit", "draws the random order once, before the first epoch",
  "x randn(6), y = 2x, lr 0.05, epochs 3, generator seeded 5",
  ed(T, "sgd_fit", ("    for _ in range(epochs):\n        for i in torch.randperm(len(x), generator=generator).tolist():",
                    "    order = torch.randperm(len(x), generator=generator).tolist()\n    for _ in range(epochs):\n        for i in order:")),
  differs(lambda Mod: Mod.sgd_fit(torch.linspace(-2, 2, 6, dtype=D64), 2 * torch.linspace(-2, 2, 6, dtype=D64) + torch.linspace(-2, 2, 6, dtype=D64).mul(5).sin(), 0.05, 3, torch.Generator().manual_seed(5)), rtol=1e-7, atol=0))
M(T, "sgd_ignores_generator", "sgd_fit", "randperm without the generator (uses the global RNG)",
  "x randn(6), y = 2x + 1, lr 0.05, epochs 2, generator seeded 5, global seed 0",
  ed(T, "sgd_fit", ("torch.randperm(len(x), generator=generator)", "torch.randperm(len(x))")),
  differs(lambda Mod: Mod.sgd_fit(torch.linspace(-2, 2, 6), 2 * torch.linspace(-2, 2, 6) + 1, 0.05, 2, torch.Generator().manual_seed(5)), rtol=1e-7, atol=0))
M(T, "sgd_loss_before_epoch", "sgd_fit", "records the MSE at the start of each epoch",
  "x linspace(-2,2,6), y = 2x, lr 0.05, epochs 2",
  ed(T, "sgd_fit", ("    for _ in range(epochs):\n", "    for _ in range(epochs):\n        losses.append(_mse(w, x, y))\n"),
     ("            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))\n        losses.append(_mse(w, x, y))",
      "            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))")),
  differs(lambda Mod: Mod.sgd_fit(torch.linspace(-2, 2, 6), 2 * torch.linspace(-2, 2, 6), 0.05, 2, torch.Generator().manual_seed(1))))


def _batches(Mod, *a, **k):
    return list(Mod.minibatch_indices(*a, **k))


M(T, "mb_drop_last", "minibatch_indices", "drops the last, smaller batch",
  "n = 10, batch_size = 4, shuffle = False",
  "def minibatch_indices(n, batch_size, shuffle=True, generator=None):\n    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)\n"
  "    for start in range(0, n - batch_size + 1, batch_size):\n        yield order[start:start + batch_size]\n",
  differs(lambda Mod: _batches(Mod, 10, 4, shuffle=False)))
M(T, "mb_list_not_iterator", "minibatch_indices", "returns a list of batches (iterable, not an iterator: next() fails)",
  "next(minibatch_indices(6, 2, shuffle=False))",
  "def minibatch_indices(n, batch_size, shuffle=True, generator=None):\n    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)\n"
  "    return list(order.split(batch_size))\n",
  differs(lambda Mod: next(Mod.minibatch_indices(6, 2, shuffle=False))))
M(T, "mb_ignores_generator", "minibatch_indices", "shuffles with the global RNG, ignoring generator",
  "n = 8, batch_size = 3, generator seeded 3 (global seed 0)",
  ed(T, "minibatch_indices", ("torch.randperm(n, generator=generator)", "torch.randperm(n)")),
  differs(lambda Mod: _batches(Mod, 8, 3, generator=torch.Generator().manual_seed(3))))


# ---- optimisers ----
def _params(dt=torch.float32, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(3, 2, generator=g, dtype=dt).requires_grad_(), torch.randn(2, generator=g, dtype=dt).requires_grad_()]


def _loss(ps, t):
    return ((ps[0].sum(1) * (t + 1)).sin().sum() + (ps[0] ** 2).sum() * 0.3 + (ps[1] * ps[1].detach().cos()).sum() * 0.5 + (ps[0] * ps[1][None, :]).sum())


def train(Mod, cls, opts, steps=6, dt=torch.float32, groups=None, set_to_none=True, skip=None, closure=False):
    ps = _params(dt)
    params = groups(ps) if groups else ps
    opt = getattr(Mod, cls)(params, **opts)
    rets = []
    for t in range(steps):
        opt.zero_grad(set_to_none=set_to_none)
        used = [p for i, p in enumerate(ps) if not (skip and skip(i, t))]
        if closure:
            def c():
                opt.zero_grad(set_to_none=set_to_none)
                l = _loss(ps, t) if len(used) == 2 else (ps[0] ** 2).sum()
                l.backward()
                return l
            rets.append(opt.step(c))
        else:
            l = _loss(ps, t) if len(used) == 2 else (used[0] ** 2).sum()
            l.backward()
            rets.append(opt.step())
    return [p.detach().clone() for p in ps], rets


def _types(r, c):
    return same(r, c, rtol=1e-5, atol=1e-6)


SG = src(T, "SGD")
M(T, "sgd_dampen_first", "SGD", "applies dampening on the first step too (b = (1 − dampening)·g)",
  "momentum 0.9, dampening 0.5, lr 0.1, 6 steps",
  SG.replace('state["momentum_buffer"] = g.clone()', 'state["momentum_buffer"] = (1 - group["dampening"]) * g'),
  differs(lambda Mod: train(Mod, "SGD", dict(lr=0.1, momentum=0.9, dampening=0.5))))
M(T, "sgd_buffer_aliases_grad", "SGD", "stores p.grad itself as the first momentum buffer (no clone): zero_grad(set_to_none=False) then wipes it",
  "momentum 0.9, lr 0.1, weight_decay 0, zero_grad(set_to_none=False), 6 steps",
  SG.replace('state["momentum_buffer"] = g.clone()', 'state["momentum_buffer"] = g'),
  differs(lambda Mod: train(Mod, "SGD", dict(lr=0.1, momentum=0.9), set_to_none=False)))
M(T, "sgd_defaults_lr", "SGD", "uses self.defaults['lr'] instead of each group's lr",
  "two param groups, lr 0.1 and 0.01 (group override)",
  SG.replace('p.add_(g, alpha=-group["lr"])', 'p.add_(g, alpha=-self.defaults["lr"])'),
  differs(lambda Mod: train(Mod, "SGD", dict(lr=0.1), groups=lambda ps: [{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.01}])))
M(T, "sgd_no_grad_skip", "SGD", "does not skip parameters without .grad (crashes on an unused parameter)",
  "params [w0, w1], only w0 in the loss",
  SG.replace("                if p.grad is None:\n                    continue\n", ""),
  differs(lambda Mod: train(Mod, "SGD", dict(lr=0.1, momentum=0.9), skip=lambda i, t: i == 1)))
M(T, "sgd_closure_no_grad", "SGD", "calls the closure under step's no_grad: its backward() fails",
  "step(closure) with a closure that calls loss.backward()",
  SG.replace("            with torch.enable_grad():\n                loss = closure()", "            loss = closure()"),
  differs(lambda Mod: train(Mod, "SGD", dict(lr=0.1), closure=True)))
M(T, "sgd_closure_item", "SGD", "returns closure().item() (a float) instead of the loss tensor",
  "step(closure): the returned value's type",
  SG.replace("loss = closure()", "loss = closure().item()"),
  differs(lambda Mod: train(Mod, "SGD", dict(lr=0.1), closure=True, steps=2)))


def _sd_round(Mod, cls, opts):
    ps = _params()
    opt = getattr(Mod, cls)(ps, **opts)
    for t in range(3):
        opt.zero_grad()
        _loss(ps, t).backward()
        opt.step()
    ps2 = [p.detach().clone().requires_grad_() for p in ps]
    opt2 = getattr(Mod, cls)(ps2, **opts)
    opt2.load_state_dict(opt.state_dict())
    for t in range(3, 6):
        opt2.zero_grad()
        _loss(ps2, t).backward()
        opt2.step()
    return [p.detach() for p in ps2]


M(T, "sgd_buffers_attr", "SGD", "keeps momentum buffers in its own dict (self.buffers), not self.state: state_dict() loses them",
  "3 steps, state_dict → fresh SGD → 3 more steps (momentum 0.9)",
  SG.replace("                    state = self.state[p]\n", "                    state = self.buffers.setdefault(p, {})\n")
    .replace("nesterov=nesterov))", "nesterov=nesterov))\n        self.buffers = {}"),
  differs(lambda Mod: _sd_round(Mod, "SGD", dict(lr=0.05, momentum=0.9))))
M(T, "sgd_nesterov_old_buffer", "SGD", "Nesterov look-ahead with the buffer from before this step's update",
  "momentum 0.9, nesterov True, lr 0.1",
  SG.replace('''                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = g.clone()
                    else:
                        state["momentum_buffer"].mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
                    buffer = state["momentum_buffer"]
                    g = g + group["momentum"] * buffer if group["nesterov"] else buffer''',
             '''                    old = state["momentum_buffer"].clone() if "momentum_buffer" in state else g.clone()
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = g.clone()
                    else:
                        state["momentum_buffer"].mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
                    buffer = state["momentum_buffer"]
                    g = g + group["momentum"] * old if group["nesterov"] else buffer'''),
  differs(lambda Mod: train(Mod, "SGD", dict(lr=0.1, momentum=0.9, nesterov=True))))

AD = src(T, "Adam")
M(T, "adam_global_step", "Adam", "one step counter for the whole optimiser: a parameter first used at step 3 gets the wrong bias correction",
  "params [w0, w1], w1 unused in steps 0–2, lr 0.01",
  AD.replace('state["step"] += 1', 'state["step"] = self.t').replace("        loss = None\n", "        self.t += 1\n        loss = None\n")
    .replace("super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))", "super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))\n        self.t = 0"),
  differs(lambda Mod: train(Mod, "Adam", dict(lr=0.01), skip=lambda i, t: i == 1 and t < 3)))
M(T, "adam_eps_inside", "Adam", "eps inside the square root: √(v̂ + eps)",
  "lr 0.01, eps 1e-3 (non-default)",
  AD.replace('v_hat.sqrt().add_(group["eps"])', '(v_hat + group["eps"]).sqrt()'),
  differs(lambda Mod: train(Mod, "Adam", dict(lr=0.01, eps=1e-3))))
M(T, "adam_decoupled_wd", "Adam", "decoupled (AdamW-style) weight decay instead of adding λ·p to g",
  "lr 0.01, weight_decay 0.1",
  AD.replace('g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad', 'g = p.grad\n                p.mul_(1 - group["lr"] * group["weight_decay"])'),
  differs(lambda Mod: train(Mod, "Adam", dict(lr=0.01, weight_decay=0.1))))
M(T, "adam_default_betas", "Adam", "reads betas from self.defaults, ignoring a group's own betas",
  "two groups, the second with betas (0.5, 0.9)",
  AD.replace('beta1, beta2 = group["betas"]', 'beta1, beta2 = self.defaults["betas"]'),
  differs(lambda Mod: train(Mod, "Adam", dict(lr=0.01), groups=lambda ps: [{"params": [ps[0]]}, {"params": [ps[1]], "betas": (0.5, 0.9)}])))
M(T, "ema_init_first", "ema", "starts from s₀ = v₁ (no bias correction needed, it thinks) and still divides",
  "values = [1, 2, 3, 4], beta 0.9, bias_correction True",
  "def ema(values, beta, bias_correction=True):\n    out = torch.empty_like(values)\n    s = float(values[0])\n"
  "    for t, v in enumerate(values.tolist(), start=1):\n        s = beta * s + (1 - beta) * v\n"
  "        out[t - 1] = s / (1 - beta**t) if bias_correction else s\n    return out\n",
  differs(lambda Mod: Mod.ema(torch.tensor([1.0, 2.0, 3.0, 4.0]), 0.9), rtol=1e-4))
M(T, "ema_float32_out", "ema", "builds the result with torch.tensor(list): float64 values come back float32",
  "float64 values randn(5), beta 0.8",
  "def ema(values, beta, bias_correction=True):\n    out, s = [], 0.0\n    for t, v in enumerate(values.tolist(), start=1):\n"
  "        s = beta * s + (1 - beta) * v\n        out.append(s / (1 - beta**t) if bias_correction else s)\n    return torch.tensor(out)\n",
  differs(lambda Mod: Mod.ema(torch.randn(5, dtype=D64), 0.8)))
M(T, "ema_ignores_flag", "ema", "always bias-corrects",
  "values [1,2,3], beta 0.5, bias_correction False",
  ed(T, "ema", ("s / (1 - beta**t) if bias_correction else s", "s / (1 - beta**t)")),
  differs(lambda Mod: Mod.ema(torch.tensor([1.0, 2.0, 3.0]), 0.5, bias_correction=False)))


def _table(nfeat=3, rows=5):
    d = tempfile.mkdtemp()
    path = os.path.join(d, "t.csv.gz")
    data = np.round(np.random.RandomState(nfeat).rand(rows, nfeat + 1), 3)
    data[:, -1] = (data[:, -1] > 0.5)
    with gzip.open(path, "wt") as f:
        np.savetxt(f, data, delimiter=",", fmt="%.3f")
    return path


def _ds(Mod, path):
    ds = Mod.DiabetesDataset(path)
    return len(ds), [ds[i] for i in range(len(ds))]


DS = src(T, "DiabetesDataset")
M(T, "ds_label_1d", "DiabetesDataset", "label as xy[:, -1]: ds[i] label is 0-dim, not (1,)",
  "the shipped diabetes.csv.gz, ds[0]",
  DS.replace("table[:, [-1]]", "table[:, -1]"),
  differs(lambda Mod: _ds(Mod, str(_SOL.parent / "datasets" / "diabetes.csv.gz"))[1][:3]))
M(T, "ds_hardcoded_7", "DiabetesDataset", "hard-codes 7 feature columns: a table with 3 features breaks",
  "a 5-row table with 3 features + label",
  DS.replace("table[:, :-1]", "table[:, :7]").replace("table[:, [-1]]", "table[:, [7]]"),
  differs(lambda Mod: _ds(Mod, _table(3))))
M(T, "ds_float64", "DiabetesDataset", "np.loadtxt without dtype: float64 features and labels",
  "the shipped diabetes.csv.gz, ds[0]",
  DS.replace(', dtype=np.float32', ''),
  differs(lambda Mod: _ds(Mod, str(_SOL.parent / "datasets" / "diabetes.csv.gz"))[1][:2]))
M(T, "kfold_chunk", "k_fold_indices", "torch.arange(n).chunk(k): fewer than k folds when n = 5, k = 4",
  "n = 5, k = 4",
  "def k_fold_indices(n, k):\n    return list(torch.arange(n).chunk(k))\n",
  differs(lambda Mod: Mod.k_fold_indices(5, 4)))
M(T, "kfold_remainder_last", "k_fold_indices", "n // k per fold and the remainder all in the last fold",
  "n = 11, k = 4",
  "def k_fold_indices(n, k):\n    size = n // k\n    return [torch.arange(i * size, n if i == k - 1 else (i + 1) * size) for i in range(k)]\n",
  differs(lambda Mod: Mod.k_fold_indices(11, 4)))

# ---------------- contract ----------------
X(T, "cf_inverse", "closed_form_linear_regression", "inverts XᵀX with torch.linalg.inv", "Off limits: torch.linalg.inv",
  "def closed_form_linear_regression(X, y):\n    return torch.linalg.inv(X.T @ X) @ X.T @ y\n",
  calls_forbidden(lambda Mod: Mod.closed_form_linear_regression(torch.randn(8, 3), torch.randn(8)), [(torch.linalg, "inv")]))
X(T, "cf_lstsq", "closed_form_linear_regression", "torch.linalg.lstsq(X, y).solution", "Off limits: torch.linalg.lstsq",
  "def closed_form_linear_regression(X, y):\n    return torch.linalg.lstsq(X, y).solution\n",
  calls_forbidden(lambda Mod: Mod.closed_form_linear_regression(torch.randn(8, 3), torch.randn(8)), [(torch.linalg, "lstsq")]))
X(T, "sgd_delegates", "SGD", "steps through torch.optim.SGD's functional form (torch.optim.sgd.sgd)",
  "Off limits: torch.optim's optimisers and their functional forms",
  SG.replace('''        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:''', '''        for group in self.param_groups:
            ps = [p for p in group["params"] if p.grad is not None]
            bufs = [self.state[p].get("momentum_buffer") for p in ps]
            functional_sgd.sgd(ps, [p.grad for p in ps], bufs, weight_decay=group["weight_decay"], momentum=group["momentum"],
                                lr=group["lr"], dampening=group["dampening"], nesterov=group["nesterov"], maximize=False)
            for p, b in zip(ps, bufs):
                if group["momentum"]:
                    self.state[p]["momentum_buffer"] = b
            continue
            for p in group["params"]:
                if p.grad is None:'''),
  calls_forbidden(lambda Mod: train(Mod, "SGD", dict(lr=0.1, momentum=0.9), steps=2), [(SGDMOD, "sgd")]),
  imports="import torch.optim.sgd as functional_sgd")
X(T, "adam_subclass_torch", "Adam", "subclasses torch.optim.Adam and calls its step",
  "inherit only from torch.optim.Optimizer; Off limits: torch.optim's optimisers",
  "class Adam(torch.optim.Adam):\n    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):\n"
  "        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)\n",
  lambda R, C: (None if R.Adam.__mro__[1] is torch.optim.Optimizer else "ref?") or
  (f"bases {[b.__name__ for b in C.Adam.__mro__[1:3]]}" if C.Adam.__mro__[1] is not torch.optim.Optimizer else None))

# ---------------- correct ----------------
def _gen_cf(seed):
    dt = [torch.float32, D64][seed % 2]
    n, d = [(8, 3), (5, 1), (12, 4), (3, 3)][seed % 4]
    X = torch.randn(n, d, dtype=dt) + torch.eye(n, d, dtype=dt) * 3
    y = torch.randn(n, dtype=dt) if seed % 3 else torch.randn(n, 2, dtype=dt)
    if seed % 5 == 0:
        X = torch.randn(d, n, dtype=dt).T + torch.eye(n, d, dtype=dt) * 3
    return [X, y]


K(T, "cf_cholesky", "closed_form_linear_regression", "Cholesky factor of XᵀX and cholesky_solve (a solve, not an inverse)",
  "def closed_form_linear_regression(X, y):\n    L = torch.linalg.cholesky(X.mT @ X)\n    rhs = X.mT @ y\n"
  "    w = torch.cholesky_solve(rhs.reshape(rhs.shape[0], -1), L)\n    return w.reshape(rhs.shape)\n",
  agree(_gen_cf, lambda Mod, i: Mod.closed_form_linear_regression(*i), rtol=1e-4, atol=1e-5))
K(T, "cf_solve_ex", "closed_form_linear_regression", "torch.linalg.solve_ex on the normal equations",
  "def closed_form_linear_regression(X, y):\n    return torch.linalg.solve_ex(X.transpose(0, 1) @ X, X.transpose(0, 1) @ y).result\n",
  agree(_gen_cf, lambda Mod, i: Mod.closed_form_linear_regression(*i), rtol=1e-4, atol=1e-5))


def _gen_gd(seed):
    dt = [torch.float32, D64][seed % 2]
    x = torch.randn(1 + seed % 9, dtype=dt)
    return [x, 2.5 * x + 0.1 * torch.randn(x.shape, dtype=dt), [0.01, 0.1, 0.3][seed % 3], seed % 6]


K(T, "gd_tensor_w", "gd_fit", "w kept as a Python float, loss and gradient via torch.mean, float() at the end",
  "def gd_fit(x, y, lr, steps):\n    w = 1.0\n    history = []\n    for _ in range(steps):\n        r = w * x - y\n"
  "        history.append(torch.mean(r * r).item())\n        w = w - lr * torch.mean(2 * x * r).item()\n    return float(w), history\n",
  agree(_gen_gd, lambda Mod, i: Mod.gd_fit(*i), rtol=1e-6, atol=1e-7))
K(T, "sgd_items", "sgd_fit", "per-sample update with .item() scalars, index tensor iterated directly",
  "def sgd_fit(x, y, lr, epochs, generator=None):\n    w, hist = 1.0, []\n    n = x.shape[0]\n    for _ in range(epochs):\n"
  "        perm = torch.randperm(n, generator=generator)\n        for i in perm:\n            xi, yi = x[i].item(), y[i].item()\n"
  "            w = w - lr * 2 * xi * (w * xi - yi)\n        hist.append(((w * x - y) ** 2).mean().item())\n    return w, hist\n",
  agree(lambda s: _gen_gd(s)[:2] + [0.05, 1 + s % 4, s],
        lambda Mod, i: (Mod.sgd_fit(*i[:4], torch.Generator().manual_seed(i[4]) if i[4] % 2 else None), str(i[0].dtype)),
        cmp=lambda r, c: same(r, c, rtol=1e-10, atol=1e-12) if r[1] == "torch.float64" else same(r, c, rtol=1e-4, atol=1e-6)))
K(T, "mb_range_slices", "minibatch_indices", "generator over range(0, n, batch_size) slices",
  "def minibatch_indices(n, batch_size, shuffle=True, generator=None):\n    if shuffle:\n        order = torch.randperm(n, generator=generator)\n"
  "    else:\n        order = torch.arange(n)\n    for start in range(0, n, batch_size):\n        yield order[start:start + batch_size]\n",
  agree(lambda s: [1 + s % 11, 1 + s % 4, bool(s % 2), s],
        lambda Mod, i: (lambda it: (hasattr(it, "__next__"), list(it), torch.rand(2)))(Mod.minibatch_indices(*i[:3], torch.Generator().manual_seed(i[3]) if i[3] % 3 else None))))


def _gen_opt(seed):
    dt = [torch.float32, D64][seed % 2]
    return dict(dt=dt, wd=[0, 0.05][seed % 2], mom=[0, 0.9, 0.5][seed % 3], damp=[0, 0.3][(seed // 2) % 2],
                nest=(seed % 4 == 1), closure=(seed % 5 == 0), skip=(seed % 7 == 3), groups=(seed % 6 == 2), nz=(seed % 3 == 2))


def _run_sgd(Mod, o):
    if o["nest"]:
        o = dict(o, mom=0.9, damp=0)
    opts = dict(lr=0.05, momentum=o["mom"], dampening=o["damp"], weight_decay=o["wd"], nesterov=o["nest"])
    return train(Mod, "SGD", opts, dt=o["dt"], closure=o["closure"], set_to_none=not o["nz"],
                 skip=(lambda i, t: i == 1 and t < 2) if o["skip"] else None,
                 groups=(lambda ps: [{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.2}]) if o["groups"] else None), \
        _sd_round(Mod, "SGD", dict(lr=0.05, momentum=0.9))


def _run_adam(Mod, o):
    opts = dict(lr=0.02, betas=[(0.9, 0.999), (0.5, 0.9)][o["nz"]], eps=[1e-8, 1e-3][o["nest"]], weight_decay=o["wd"])
    return train(Mod, "Adam", opts, dt=o["dt"], closure=o["closure"], set_to_none=not o["nz"],
                 skip=(lambda i, t: i == 1 and t < 2) if o["skip"] else None,
                 groups=(lambda ps: [{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.005}]) if o["groups"] else None), \
        _sd_round(Mod, "Adam", dict(lr=0.02))


def _cmp_opt(r, c):
    first = same(r[0], c[0], rtol=1e-10, atol=1e-12) if r[0][0][0].dtype == D64 else same(r[0], c[0], rtol=1e-4, atol=1e-6)
    return first or same(r[1], c[1], rtol=1e-4, atol=1e-6)


K(T, "sgd_explicit_ops", "SGD", "out-of-place buffer update stored back in state, p.sub_(lr·g)",
  SG.replace('''                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = g.clone()
                    else:
                        state["momentum_buffer"].mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
                    buffer = state["momentum_buffer"]''', '''                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buffer = torch.clone(g).detach()
                    else:
                        buffer = group["momentum"] * buf + (1 - group["dampening"]) * g
                    state["momentum_buffer"] = buffer''').replace('p.add_(g, alpha=-group["lr"])', 'p.sub_(group["lr"] * g)'),
  agree(_gen_opt, _run_sgd, n=20, cmp=_cmp_opt))
K(T, "sgd_wd_always", "SGD", "adds weight_decay·p unconditionally (0·p when off) and uses torch.add",
  SG.replace('g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad', 'g = torch.add(p.grad, p, alpha=group["weight_decay"])'),
  agree(_gen_opt, _run_sgd, n=20, cmp=_cmp_opt))
K(T, "adam_explicit", "Adam", "state as exp_avg / exp_avg_sq with a float step, out-of-place bias-corrected update",
  AD.replace('''                if not state:
                    state.update(step=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                state["step"] += 1
                state["m"].mul_(beta1).add_(g, alpha=1 - beta1)
                state["v"].mul_(beta2).addcmul_(g, g, value=1 - beta2)
                m_hat = state["m"] / (1 - beta1 ** state["step"])
                v_hat = state["v"] / (1 - beta2 ** state["step"])
                p.addcdiv_(m_hat, v_hat.sqrt().add_(group["eps"]), value=-group["lr"])''', '''                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                state["exp_avg"] = beta1 * state["exp_avg"] + (1 - beta1) * g
                state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
                m_hat = state["exp_avg"] / (1 - beta1 ** t)
                v_hat = state["exp_avg_sq"] / (1 - beta2 ** t)
                p.sub_(group["lr"] * m_hat / (torch.sqrt(v_hat) + group["eps"]))'''),
  agree(_gen_opt, _run_adam, n=20, cmp=_cmp_opt))


def _gen_ema(seed):
    dt = [torch.float32, D64][seed % 2]
    return [torch.randn(1 + seed % 12, dtype=dt) * [1, 100][seed % 2], [0.9, 0.5, 0.99, 0.0][seed % 4], bool(seed % 3)]


K(T, "ema_list_then_tensor", "ema", "recursion in Python floats, collected and converted with values' dtype",
  "def ema(values, beta, bias_correction=True):\n    s, res = 0.0, []\n    for t, v in enumerate(values.tolist(), 1):\n"
  "        s = beta * s + (1 - beta) * v\n        res.append(s / (1 - beta ** t) if bias_correction else s)\n"
  "    return torch.tensor(res, dtype=values.dtype, device=values.device)\n",
  agree(_gen_ema, lambda Mod, i: Mod.ema(*i), rtol=1e-6, atol=1e-7))
K(T, "ds_torch_tensor", "DiabetesDataset", "torch.tensor of the table, label column kept with a slice -1:",
  "class DiabetesDataset(torch.utils.data.Dataset):\n    def __init__(self, path):\n        xy = np.loadtxt(path, delimiter=',', dtype=np.float32)\n"
  "        self.x = torch.tensor(xy[:, :-1])\n        self.y = torch.tensor(xy[:, -1:])\n        self.n = xy.shape[0]\n\n"
  "    def __getitem__(self, i):\n        return self.x[i], self.y[i]\n\n    def __len__(self):\n        return self.n\n",
  agree(lambda s: [[str(_SOL.parent / "datasets" / "diabetes.csv.gz"), _table(1 + s % 4, 2 + s)][s % 2]], lambda Mod, i: _ds(Mod, i[0]), n=6))
K(T, "kfold_sizes", "k_fold_indices", "fold sizes n//k + (i < n % k), consecutive aranges",
  "def k_fold_indices(n, k):\n    folds, start = [], 0\n    for i in range(k):\n        size = n // k + (1 if i < n % k else 0)\n"
  "        folds.append(torch.arange(start, start + size))\n        start += size\n    return folds\n",
  agree(lambda s: [s % 13, 1 + s % 5], lambda Mod, i: Mod.k_fold_indices(*i)))

M(T, "sgd_fresh_generator", "sgd_fit", "generator=None replaced by a fresh torch.Generator(): the order no longer follows torch.manual_seed",
  "generator None, torch.manual_seed(0) before the call; x linspace(-2,2,6), y = 2x + sin(5x), lr 0.05, 2 epochs",
  ed(T, "sgd_fit", ("    w, losses = 1.0, []\n", "    w, losses = 1.0, []\n    generator = generator if generator is not None else torch.Generator()\n")),
  differs(lambda Mod: Mod.sgd_fit(torch.linspace(-2, 2, 6, dtype=D64), 2 * torch.linspace(-2, 2, 6, dtype=D64) + torch.linspace(-2, 2, 6, dtype=D64).mul(5).sin(), 0.05, 2), rtol=1e-7, atol=0))
