from common import *  # noqa
import numpy as np
T = "optim"
r = torch.randn
D = torch.float64

def traj(cls_name, kw, steps=5, dtype=torch.float32, groups=False, nparams=2, zero="none", closure=False, seed=0):
    def run(M):
        g = torch.Generator().manual_seed(seed)
        ps = [torch.randn(3, 2, generator=g, dtype=dtype).requires_grad_() for _ in range(nparams)]
        target = [torch.randn(3, 2, generator=g, dtype=dtype) for _ in range(nparams)]
        params = [{"params": [ps[0]]}, {"params": ps[1:], "lr": 0.05}] if groups else ps
        opt = getattr(M, cls_name)(params, **kw)
        def loss_fn():
            return sum(((p - q) ** 3).abs().sum() for p, q in zip(ps, target))
        outs = []
        for _ in range(steps):
            if zero == "none":
                opt.zero_grad()
            elif zero == "keep":
                opt.zero_grad(set_to_none=False)
            if closure:
                def cl():
                    opt.zero_grad()
                    l = loss_fn()
                    l.backward()
                    return l
                outs.append(opt.step(cl))
            else:
                loss_fn().backward()
                opt.step()
        return [p.detach().clone() for p in ps] + outs
    return run

def sd_roundtrip(cls_name, kw):
    def run(M):
        g = torch.Generator().manual_seed(1)
        p = torch.randn(4, generator=g).requires_grad_()
        opt = getattr(M, cls_name)([p], **kw)
        for _ in range(3):
            opt.zero_grad(); (p ** 2).sum().backward(); opt.step()
        q = p.detach().clone().requires_grad_()
        opt2 = getattr(M, cls_name)([q], **kw)
        opt2.load_state_dict(opt.state_dict())
        for _ in range(3):
            opt2.zero_grad(); (q ** 2).sum().backward(); opt2.step()
        return q.detach()
    return run

M(T, "closed_form_unsqueeze", "closed_form_linear_regression", "promotes y to a column and squeezes it back: y (n, 1) returns (d,) not (d, 1)",
  "X (6,3), y (6,1)", "def closed_form_linear_regression(X, y):\n    Y = y.reshape(len(y), -1)\n    return torch.linalg.solve(X.T @ X, X.T @ Y).squeeze(1)",
  differs(lambda M: M.closed_form_linear_regression(r(6, 3), r(6, 1))))
M(T, "closed_form_double", "closed_form_linear_regression", "solves in float64: float32 inputs return float64",
  "float32 X (6,3), y (6,)", "def closed_form_linear_regression(X, y):\n    X, y = X.double(), y.double()\n    return torch.linalg.solve(X.T @ X, X.T @ y)",
  differs(lambda M: M.closed_form_linear_regression(r(6, 3), r(6))))
M(T, "gd_fit_tensor_w", "gd_fit", "w kept as a 0-dim tensor and returned as such",
  "x, y (5,), lr 0.1, steps 3", "def gd_fit(x, y, lr, steps):\n    w, losses = torch.tensor(1.0, dtype=x.dtype), []\n    for _ in range(steps):\n        losses.append(float(((w * x - y) ** 2).mean()))\n        w = w - lr * (2 * x * (w * x - y)).mean()\n    return w, losses",
  differs(lambda M: M.gd_fit(r(5), r(5), 0.1, 3)))
M(T, "gd_fit_loss_after", "gd_fit", "records the loss after each update instead of before",
  "x, y (5,), lr 0.1, steps 3", "def gd_fit(x, y, lr, steps):\n    w, losses = 1.0, []\n    for _ in range(steps):\n        w -= lr * float((2 * x * (w * x - y)).mean())\n        losses.append(float(((w * x - y) ** 2).mean()))\n    return w, losses",
  differs(lambda M: M.gd_fit(r(5), r(5), 0.1, 3)))
M(T, "sgd_fit_global_rng", "sgd_fit", "draws randperm from the global RNG, ignoring the generator",
  "x, y (8,), generator seeded 5 (global RNG seeded 0)", "def sgd_fit(x, y, lr, epochs, generator=None):\n    w, losses = 1.0, []\n    for _ in range(epochs):\n        for i in torch.randperm(len(x)).tolist():\n            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))\n        losses.append(float(((w * x - y) ** 2).mean()))\n    return w, losses",
  differs(lambda M: M.sgd_fit(torch.linspace(-1, 2, 8), torch.linspace(0, 3, 8) ** 2, 0.1, 2, torch.Generator().manual_seed(5))))
M(T, "sgd_fit_perm_once", "sgd_fit", "one permutation drawn before the loop, reused every epoch",
  "x, y (8,), 3 epochs, generator seeded 3", "def sgd_fit(x, y, lr, epochs, generator=None):\n    w, losses = 1.0, []\n    order = torch.randperm(len(x), generator=generator).tolist()\n    for _ in range(epochs):\n        for i in order:\n            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))\n        losses.append(float(((w * x - y) ** 2).mean()))\n    return w, losses",
  differs(lambda M: M.sgd_fit(torch.linspace(-1, 2, 8), torch.linspace(0, 3, 8) ** 2, 0.1, 3, torch.Generator().manual_seed(3))))
M(T, "minibatch_rng_when_not_shuffling", "minibatch_indices", "draws a permutation even when shuffle=False: the global RNG stream moves",
  "n 10, batch 3, shuffle False; then torch.rand(1)", "def minibatch_indices(n, batch_size, shuffle=True, generator=None):\n    perm = torch.randperm(n, generator=generator)\n    order = perm if shuffle else torch.arange(n)\n    yield from order.split(batch_size)",
  differs(lambda M: (list(M.minibatch_indices(10, 3, False)), torch.rand(1))))
M(T, "minibatch_list", "minibatch_indices", "returns a list: next() on it fails (not an iterator)",
  "n 7, batch 2; next(result)", "def minibatch_indices(n, batch_size, shuffle=True, generator=None):\n    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)\n    return list(order.split(batch_size))",
  differs(lambda M: next(M.minibatch_indices(7, 2, False))))
M(T, "minibatch_drop_last", "minibatch_indices", "range stops before the partial last batch",
  "n 7, batch 3, shuffle False", "def minibatch_indices(n, batch_size, shuffle=True, generator=None):\n    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)\n    for s in range(0, n - batch_size + 1, batch_size):\n        yield order[s:s + batch_size]",
  differs(lambda M: list(M.minibatch_indices(7, 3, False))))
M(T, "minibatch_numpy_perm", "minibatch_indices", "shuffles with numpy's RNG: ignores torch's generator",
  "n 8, batch 4, generator seeded 2", "def minibatch_indices(n, batch_size, shuffle=True, generator=None):\n    order = torch.from_numpy(np.random.permutation(n)) if shuffle else torch.arange(n)\n    yield from order.split(batch_size)",
  differs(lambda M: (np.random.seed(0), list(M.minibatch_indices(8, 4, True, torch.Generator().manual_seed(2))))[1]))

SGD_SRC = open('/work/main/solutions/optim.py').read()
SGD_SRC = SGD_SRC[SGD_SRC.index('class SGD('):SGD_SRC.index('class Adam(')].rstrip() + "\n"
ADAM_SRC = open('/work/main/solutions/optim.py').read()
ADAM_SRC = ADAM_SRC[ADAM_SRC.index('class Adam('):ADAM_SRC.index('def ema(')].rstrip() + "\n"
def sub(src, old, new):
    assert old in src, old
    return src.replace(old, new)
M(T, "sgd_dampening_first_step", "SGD", "dampening applied on the first step too: b ← (1 − dampening)·g",
  "momentum 0.9, dampening 0.5, 5 steps", sub(SGD_SRC, 'state["momentum_buffer"] = g.clone()', 'state["momentum_buffer"] = (1 - group["dampening"]) * g'),
  differs(traj("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5)), rtol=1e-4))
M(T, "sgd_closure_item", "SGD", "step returns closure().item(), a float, not the loss tensor",
  "step(closure), lr 0.1", sub(SGD_SRC, "loss = closure()", "loss = closure().item()"),
  differs(traj("SGD", dict(lr=0.1), steps=2, closure=True)))
M(T, "sgd_closure_no_grad", "SGD", "calls the closure inside step's no_grad: its backward() fails",
  "step(closure) with closure doing loss.backward()", sub(SGD_SRC, "            with torch.enable_grad():\n                loss = closure()", "            loss = closure()"),
  differs(traj("SGD", dict(lr=0.1), steps=2, closure=True)))
M(T, "sgd_buffer_aliases_grad", "SGD", "first momentum buffer is p.grad itself (no clone): zero_grad(set_to_none=False) wipes it",
  "momentum 0.9, zero_grad(set_to_none=False) each step", sub(SGD_SRC, 'state["momentum_buffer"] = g.clone()', 'state["momentum_buffer"] = g'),
  differs(traj("SGD", dict(lr=0.1, momentum=0.9), zero="keep"), rtol=1e-4))
M(T, "sgd_defaults_not_groups", "SGD", "reads lr from self.defaults: a param group's own lr is ignored",
  "two groups, second with lr 0.05", sub(SGD_SRC, 'p.add_(g, alpha=-group["lr"])', 'p.add_(g, alpha=-self.defaults["lr"])'),
  differs(traj("SGD", dict(lr=0.1), groups=True), rtol=1e-4))
M(T, "sgd_state_in_attribute", "SGD", "momentum buffers kept in a dict attribute keyed by id(p): state_dict() does not carry them",
  "momentum 0.9, 3 steps, state_dict → new SGD, 3 more steps",
  sub(sub(SGD_SRC, "                    state = self.state[p]\n", "                    state = self.buffers.setdefault(id(p), {})\n"),
      "weight_decay=weight_decay, nesterov=nesterov))", "weight_decay=weight_decay, nesterov=nesterov))\n        self.buffers = {}"),
  differs(sd_roundtrip("SGD", dict(lr=0.1, momentum=0.9)), rtol=1e-4))
M(T, "sgd_wd_after_momentum", "SGD", "weight decay added after the momentum buffer",
  "momentum 0.9, weight_decay 0.1", sub(SGD_SRC, '                p.add_(g, alpha=-group["lr"])', '                if group["weight_decay"]:\n                    g = g + group["weight_decay"] * p\n                p.add_(g, alpha=-group["lr"])').replace('g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad', 'g = p.grad'),
  differs(traj("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.1)), rtol=1e-4))
M(T, "adam_shared_step", "Adam", "one step counter for the whole optimiser, bumped per parameter: two params double-count t",
  "2 parameters, 5 steps", sub(sub(ADAM_SRC, 'state["step"] += 1', 'self.t += 1\n                state["step"] = self.t'), "weight_decay=weight_decay))", "weight_decay=weight_decay))\n        self.t = 0"),
  differs(traj("Adam", dict(lr=0.1)), rtol=1e-4))
M(T, "adam_eps_inside_sqrt", "Adam", "eps inside the square root",
  "lr 0.1, eps 1e-2, 5 steps", sub(ADAM_SRC, 'v_hat.sqrt().add_(group["eps"])', '(v_hat + group["eps"]).sqrt()'),
  differs(traj("Adam", dict(lr=0.1, eps=1e-2)), rtol=1e-4))
M(T, "adam_decoupled_wd", "Adam", "AdamW-style decoupled weight decay instead of adding λ·p to g",
  "weight_decay 0.1", sub(ADAM_SRC, 'g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad', 'p.mul_(1 - group["lr"] * group["weight_decay"])\n                g = p.grad'),
  differs(traj("Adam", dict(lr=0.1, weight_decay=0.1)), rtol=1e-4))
M(T, "adam_float32_state", "Adam", "m, v created with torch.zeros(p.shape): float32 state for float64 parameters",
  "float64 params, 5 steps (tolerance 1e-10)", sub(ADAM_SRC, "m=torch.zeros_like(p), v=torch.zeros_like(p)", "m=torch.zeros(p.shape), v=torch.zeros(p.shape)"),
  differs(traj("Adam", dict(lr=0.1), dtype=D), rtol=1e-10, atol=1e-10))
M(T, "adam_closure_item", "Adam", "step returns closure().item()",
  "step(closure)", sub(ADAM_SRC, "loss = closure()", "loss = float(closure())"),
  differs(traj("Adam", dict(lr=0.1), steps=2, closure=True)))
M(T, "ema_s0_first_value", "ema", "starts s at v₁ instead of 0 (visible without bias correction)",
  "values [1., 2., 3.], beta 0.9, bias_correction False", "def ema(values, beta, bias_correction=True):\n    out = torch.empty_like(values)\n    s = values[0].item()\n    for t, v in enumerate(values.tolist(), start=1):\n        s = beta * s + (1 - beta) * v\n        out[t - 1] = s / (1 - beta**t) if bias_correction else s\n    return out",
  differs(lambda M: M.ema(torch.tensor([1., 2., 3.]), 0.9, False)))
M(T, "ema_float32_buffer", "ema", "result buffer torch.zeros(len(values)): float16 values come back float32",
  "float16 values (4,)", "def ema(values, beta, bias_correction=True):\n    out = torch.zeros(len(values))\n    s = 0.0\n    for t, v in enumerate(values.tolist(), start=1):\n        s = beta * s + (1 - beta) * v\n        out[t - 1] = s / (1 - beta**t) if bias_correction else s\n    return out",
  differs(lambda M: M.ema(torch.tensor([1., 2., 3., 4.]).half(), 0.5)))
import tempfile, gzip, os
def tiny_table(cols):
    d = tempfile.mkdtemp()
    p = os.path.join(d, "t.csv.gz")
    rows = np.round(np.random.RandomState(cols).rand(5, cols), 3); rows[:, -1] = [0, 1, 1, 0, 1]
    with gzip.open(p, "wt") as f:
        for row in rows:
            f.write(",".join(str(v) for v in row) + "\n")
    return p
DS_SRC = open('/work/main/solutions/optim.py').read()
DS_SRC = DS_SRC[DS_SRC.index('class DiabetesDataset('):DS_SRC.index('def k_fold_indices(')].rstrip() + "\n"
def ds_items(path):
    def run(M):
        ds = M.DiabetesDataset(path)
        return [len(ds)] + [list(ds[i]) for i in range(len(ds))]
    return run
SHIPPED = "/work/main/datasets/diabetes.csv.gz"
M(T, "dataset_label_flat", "DiabetesDataset", "label as table[:, -1]: shape () instead of (1,)",
  "shipped diabetes.csv.gz, ds[0]", sub(DS_SRC, "table[:, [-1]]", "table[:, -1]"),
  differs(lambda M: list(M.DiabetesDataset(SHIPPED)[0])))
M(T, "dataset_seven_features", "DiabetesDataset", "features as table[:, :7] (the shipped file's count): another table of this layout breaks",
  "a gzipped 5-column table (4 features + label)", sub(DS_SRC, "table[:, :-1]", "table[:, :7]"),
  differs(ds_items(tiny_table(5))))
M(T, "dataset_float64", "DiabetesDataset", "np.loadtxt without dtype: float64 features and labels",
  "shipped diabetes.csv.gz, ds[0]", sub(DS_SRC, ', dtype=np.float32)', ')'),
  differs(lambda M: list(M.DiabetesDataset(SHIPPED)[0])))
M(T, "kfold_chunk", "k_fold_indices", "torch.arange(n).chunk(k): may return fewer than k folds and uneven sizes",
  "n 5, k 4", "def k_fold_indices(n, k):\n    return list(torch.arange(n).chunk(k))",
  differs(lambda M: M.k_fold_indices(5, 4)))
M(T, "kfold_remainder_last", "k_fold_indices", "n // k per fold, the remainder appended to the last fold",
  "n 10, k 4", "def k_fold_indices(n, k):\n    size = n // k\n    folds = [torch.arange(i * size, (i + 1) * size) for i in range(k - 1)]\n    folds.append(torch.arange((k - 1) * size, n))\n    return folds",
  differs(lambda M: M.k_fold_indices(10, 4)))

X(T, "closed_form_inv", "closed_form_linear_regression", "inverts XᵀX with torch.linalg.inv", "Off limits: ... ``torch.linalg.inv``",
  "def closed_form_linear_regression(X, y):\n    return torch.linalg.inv(X.T @ X) @ (X.T @ y)",
  calls_forbidden(lambda M: M.closed_form_linear_regression(r(6, 3), r(6)), [(torch.linalg, "inv")]), inp="X (6,3), y (6,)")
def _must_agree(why):
    if why:
        raise AssertionError(f"values differ: {why}")
    return None
def sub_of_torch_sgd(R, C):
    if issubclass(R.SGD, torch.optim.SGD):
        raise AssertionError("reference inherits torch.optim.SGD")
    return "SGD inherits torch.optim.SGD" if issubclass(C.SGD, torch.optim.SGD) else None
X(T, "sgd_inherits_torch_sgd", "SGD", "subclasses torch.optim.SGD and delegates", "inherit only from ``torch.optim.Optimizer``",
  "class SGD(torch.optim.SGD):\n    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):\n        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)",
  sub_of_torch_sgd, inp="issubclass(SGD, torch.optim.SGD)")
X(T, "adam_functional", "Adam", "step delegates to torch.optim.Adam's machinery via a private torch Adam per step", "Same functions off limits as SGD (torch.optim's optimisers)",
  sub(ADAM_SRC, '''                state["m"].mul_(beta1).add_(g, alpha=1 - beta1)
                state["v"].mul_(beta2).addcmul_(g, g, value=1 - beta2)
                m_hat = state["m"] / (1 - beta1 ** state["step"])
                v_hat = state["v"] / (1 - beta2 ** state["step"])
                p.addcdiv_(m_hat, v_hat.sqrt().add_(group["eps"]), value=-group["lr"])''', '''                state["m"].mul_(beta1).add_(g, alpha=1 - beta1)
                state["v"].mul_(beta2).addcmul_(g, g, value=1 - beta2)
                helper = torch.optim.Adam([p], lr=group["lr"], betas=group["betas"], eps=group["eps"])
                helper.state[p].update(step=torch.tensor(float(state["step"] - 1)), exp_avg=(state["m"] - (1 - beta1) * g) / beta1,
                                       exp_avg_sq=(state["v"] - (1 - beta2) * g * g) / beta2)
                saved = p.grad
                p.grad = g
                helper.step()
                p.grad = saved'''),
  all_of(lambda R, C: _must_agree(same(traj("Adam", dict(lr=0.1))(R), traj("Adam", dict(lr=0.1))(C), 1e-4, 1e-6)),
         calls_forbidden(traj("Adam", dict(lr=0.1), steps=2), [(torch.optim.Adam, "__init__")])), inp="Adam(lr=0.1), 2 steps")

def gls(s):
    dt = [torch.float32, torch.float64][s % 2]
    X = torch.randn(8, 3, dtype=dt)
    y = torch.randn([(8,), (8, 2), (8, 1)][s % 3], dtype=dt)
    return [X, y]
K(T, "closed_form_cholesky", "closed_form_linear_regression", "Cholesky factor of XᵀX, then cholesky_solve (a solve, not an inverse)",
  "def closed_form_linear_regression(X, y):\n    A = X.mT @ X\n    L = torch.linalg.cholesky(A)\n    rhs = X.mT @ y\n    col = rhs.dim() == 1\n    w = torch.cholesky_solve(rhs[:, None] if col else rhs, L)\n    return w[:, 0] if col else w",
  agree(gls, lambda M, i: M.closed_form_linear_regression(*i), rtol=1e-4, atol=1e-5))
def gxy(s):
    dt = [torch.float32, torch.float64][s % 2]
    x = torch.randn(s % 5 + 1, dtype=dt); return [x, 2 * x + torch.randn(x.shape, dtype=dt) * 0.1, 0.05, s % 4]
K(T, "gd_fit_tensor_item", "gd_fit", "w as a Python float, gradient via .item()", "def gd_fit(x, y, lr, steps):\n    w = 1.0\n    history = []\n    for _ in range(steps):\n        residual = w * x - y\n        history.append((residual ** 2).mean().item())\n        w = w - lr * (2 * x * residual).mean().item()\n    return float(w), history",
  agree(gxy, lambda M, i: M.gd_fit(*i), rtol=1e-6))
def gsf(s):
    a = gxy(s); return a[:3] + [s % 3 + 1, s]
K(T, "sgd_fit_index_tensor", "sgd_fit", "iterates the permutation tensor directly (0-dim index tensors), MSE via .item()", "def sgd_fit(x, y, lr, epochs, generator=None):\n    w = 1.0\n    losses = []\n    for _ in range(epochs):\n        order = torch.randperm(x.shape[0], generator=generator)\n        for i in order:\n            xi, yi = float(x[i]), float(y[i])\n            w -= lr * 2 * xi * (w * xi - yi)\n        losses.append(((w * x - y) ** 2).mean().item())\n    return w, losses",
  agree(gsf, lambda M, i: M.sgd_fit(*i[:4], torch.Generator().manual_seed(i[4])), rtol=1e-5))
def gmb(s):
    return [s % 9 + 1, s % 4 + 1, bool(s % 2), s if s % 3 else None]
K(T, "minibatch_slices", "minibatch_indices", "slicing loop over the order", "def minibatch_indices(n, batch_size, shuffle=True, generator=None):\n    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)\n    for start in range(0, n, batch_size):\n        yield order[start:start + batch_size]",
  agree(gmb, lambda M, i: (list(M.minibatch_indices(*i[:3], None if i[3] is None else torch.Generator().manual_seed(i[3]))), torch.rand(2))))
SGD_VAR = '''class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay, "nesterov": nesterov}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, mom, damp, wd, nest = (group[k] for k in ("lr", "momentum", "dampening", "weight_decay", "nesterov"))
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad.add(p, alpha=wd) if wd != 0 else p.grad.clone()
                if mom != 0:
                    st = self.state[p]
                    buf = st.get("momentum_buffer")
                    if buf is None:
                        buf = st["momentum_buffer"] = d_p.detach().clone()
                    else:
                        buf.mul_(mom).add_(d_p, alpha=1 - damp)
                    d_p = d_p.add(buf, alpha=mom) if nest else buf
                p.add_(d_p, alpha=-lr)
        return loss
'''
def opt_cases(cls, kws):
    def check(R, C):
        for i, kw in enumerate(kws):
            for dt in (torch.float32, D):
                for extra in (dict(), dict(groups=True), dict(closure=True), dict(zero="keep")):
                    why = same(traj(cls, kw, steps=6, dtype=dt, **extra)(R), traj(cls, kw, steps=6, dtype=dt, **extra)(C), 1e-4 if dt == torch.float32 else 1e-10, 1e-6 if dt == torch.float32 else 1e-10)
                    if why:
                        return f"{kw} {dt} {extra}: {why}"
            why = same(sd_roundtrip(cls, kw)(R), sd_roundtrip(cls, kw)(C), 1e-5, 1e-6)
            if why:
                return f"state_dict {kw}: {why}"
        return None
    return check
SGD_KW = [dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
          dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)]
K(T, "sgd_rewritten", "SGD", "Optimizer subclass with d_p = grad.add(p, alpha=wd), buffer from st.get", SGD_VAR, opt_cases("SGD", SGD_KW),
  inp="4 option sets × float32/float64 × groups/closure/zero_grad(set_to_none=False), state_dict round trip")
ADAM_VAR = '''class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if group["weight_decay"] != 0:
                    g = g.add(p, alpha=group["weight_decay"])
                st = self.state[p]
                if len(st) == 0:
                    st["t"] = 0
                    st["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    st["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                st["t"] += 1
                t = st["t"]
                st["exp_avg"].lerp_(g, 1 - b1)
                st["exp_avg_sq"].mul_(b2).add_(g * g, alpha=1 - b2)
                denom = (st["exp_avg_sq"] / (1 - b2 ** t)).sqrt() + group["eps"]
                p.sub_(group["lr"] * (st["exp_avg"] / (1 - b1 ** t)) / denom)
        return loss
'''
ADAM_KW = [dict(lr=0.1), dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6), dict(lr=0.05, weight_decay=0.1)]
K(T, "adam_rewritten", "Adam", "lerp_ for m, explicit denominators", ADAM_VAR, opt_cases("Adam", ADAM_KW),
  inp="3 option sets × float32/float64 × groups/closure/zero_grad(set_to_none=False), state_dict round trip")
def gema(s):
    dt = [torch.float32, torch.float64][s % 2]
    return [torch.randn(s % 7 + 1, dtype=dt), [0.9, 0.5, 0.99][s % 3], bool(s % 2)]
K(T, "ema_python_list", "ema", "recursion in a Python list, converted once at the end", "def ema(values, beta, bias_correction=True):\n    s, out, power = 0.0, [], 1.0\n    for v in values.tolist():\n        s = beta * s + (1 - beta) * v\n        power *= beta\n        out.append(s / (1 - power) if bias_correction else s)\n    return torch.tensor(out, dtype=values.dtype, device=values.device)",
  agree(gema, lambda M, i: M.ema(*i), rtol=1e-4, atol=1e-6))
K(T, "dataset_torch_tensor", "DiabetesDataset", "torch.tensor of the loaded table, label via slicing -1:", sub(DS_SRC, "        self.features = torch.from_numpy(table[:, :-1])\n        self.labels = torch.from_numpy(table[:, [-1]])", "        data = torch.tensor(table)\n        self.features = data[:, :-1]\n        self.labels = data[:, -1:]"),
  lambda R, C: same(ds_items(SHIPPED)(R)[:40], ds_items(SHIPPED)(C)[:40]) or same(ds_items(tiny_table(4))(R), ds_items(tiny_table(4))(C)), inp="shipped diabetes table and a 4-column table")
def gkf(s):
    return [s % 13 + 4, s % 4 + 1]
K(T, "kfold_sizes", "k_fold_indices", "sizes n//k (+1 for the first n%k), cumulative starts", "def k_fold_indices(n, k):\n    base, extra = divmod(n, k)\n    folds, start = [], 0\n    for i in range(k):\n        size = base + (1 if i < extra else 0)\n        folds.append(torch.arange(start, start + size, dtype=torch.int64))\n        start += size\n    return folds",
  agree(gkf, lambda M, i: M.k_fold_indices(*i)))
