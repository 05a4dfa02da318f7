from common import *  # noqa: F403
import torch

torch.manual_seed(105)
T = "optim"
D = torch.float64
DATA = "/work/main/datasets/diabetes.csv.gz"


def _Xy(n=20, d=3, k=None, dt=D, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g, dtype=dt)
    y = torch.randn(n, generator=g, dtype=dt) if k is None else torch.randn(n, k, generator=g, dtype=dt)
    return X, y


def _xy(seed=0, n=10):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, generator=g)
    return x, 2.5 * x + 0.1 * torch.randn(n, generator=g)


def _sgd_fit(M, gen=True):
    x, y = _xy()
    torch.manual_seed(99)
    g = torch.Generator().manual_seed(7) if gen else None
    return M.sgd_fit(x, y, 0.05, 3, generator=g)


def _opt_run(cls_name, opts, steps=6, dt=D, set_to_none=True, groups=False, skip=None, closure=False):
    def run(M):
        torch.manual_seed(0)
        w = torch.randn(3, 2, dtype=dt, requires_grad=True)
        b = torch.randn(2, dtype=dt, requires_grad=True)
        x = torch.randn(5, 3, dtype=dt)
        params = [{"params": [w]}, {"params": [b], "lr": 0.3}] if groups else [w, b]
        opt = getattr(M, cls_name)(params, **opts)
        out = []
        for t in range(steps):
            opt.zero_grad(set_to_none=set_to_none)
            loss_fn = lambda: ((x @ w + (b if skip is None or t % 2 else b.detach())).tanh() ** 2).sum()
            if closure:
                def cl():
                    opt.zero_grad()
                    l = loss_fn()
                    l.backward()
                    return l
                out.append(opt.step(cl))
            else:
                loss_fn().backward()
                opt.step()
        return w.detach().clone(), b.detach().clone(), [o.detach() if isinstance(o, torch.Tensor) else o for o in out]
    return run


def _roundtrip(cls_name, opts):
    def run(M):
        torch.manual_seed(0)
        w = torch.randn(4, dtype=D, requires_grad=True)
        opt = getattr(M, cls_name)([w], **opts)
        for _ in range(3):
            opt.zero_grad()
            (w ** 3).sum().backward()
            opt.step()
        sd = opt.state_dict()
        w2 = w.detach().clone().requires_grad_(True)
        opt2 = getattr(M, cls_name)([w2], **opts)
        opt2.load_state_dict(sd)
        for _ in range(3):
            opt2.zero_grad()
            (w2 ** 3).sum().backward()
            opt2.step()
        return w2.detach()
    return run


# ---------------- mistakes ----------------
M(T, "closed_squeeze", "closed_form_linear_regression", "squeezes the solution: y (n, 1) returns (d,) instead of (d, 1)",
  "X randn (20,3), y randn (20,1)", '''
def closed_form_linear_regression(X, y):
    return torch.linalg.solve(X.T @ X, X.T @ y).squeeze()
''', differs(lambda M: M.closed_form_linear_regression(*_Xy(k=1))))

M(T, "closed_column_y", "closed_form_linear_regression", "flattens the solution: y (n, k) with k > 1 returns (d·k,)",
  "X randn (20,3), y randn (20,2)", '''
def closed_form_linear_regression(X, y):
    return torch.linalg.solve(X.T @ X, X.T @ y).reshape(-1)
''', differs(lambda M: M.closed_form_linear_regression(*_Xy(k=2))))

M(T, "closed_bias_col", "closed_form_linear_regression", "adds a bias column to X (X is to be used as given)",
  "X randn (20,3), y randn (20,)", '''
def closed_form_linear_regression(X, y):
    Xb = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype, device=X.device)], dim=1)
    return torch.linalg.solve(Xb.T @ Xb, Xb.T @ y)[:-1]
''', differs(lambda M: M.closed_form_linear_regression(*_Xy())))

M(T, "gd_record_after", "gd_fit", "records the loss after the update (off by one step)", "x, y (10,), lr 0.1, steps 4", '''
def gd_fit(x, y, lr, steps):
    w, losses = 1.0, []
    for _ in range(steps):
        w -= lr * float((2 * x * (w * x - y)).mean())
        losses.append(float(((w * x - y) ** 2).mean()))
    return w, losses
''', differs(lambda M: M.gd_fit(*_xy(), 0.1, 4)))

M(T, "gd_tensor_results", "gd_fit", "keeps w and the losses as 0-dim tensors (floats asked)", "x, y (10,), lr 0.1, steps 3", '''
def gd_fit(x, y, lr, steps):
    w, losses = torch.tensor(1.0), []
    for _ in range(steps):
        losses.append(((w * x - y) ** 2).mean())
        w = w - lr * (2 * x * (w * x - y)).mean()
    return w, losses
''', differs(lambda M: M.gd_fit(*_xy(), 0.1, 3)))

M(T, "gd_w0_zero", "gd_fit", "starts from w = 0 instead of 1.0", "x, y (10,), lr 0.1, steps 3", '''
def gd_fit(x, y, lr, steps):
    w, losses = 0.0, []
    for _ in range(steps):
        losses.append(float(((w * x - y) ** 2).mean()))
        w -= lr * float((2 * x * (w * x - y)).mean())
    return w, losses
''', differs(lambda M: M.gd_fit(*_xy(), 0.1, 3)))

M(T, "sgd_perm_once", "sgd_fit", "draws one permutation for all epochs", "x, y (10,), lr 0.05, 3 epochs, generator seeded 7", '''
def sgd_fit(x, y, lr, epochs, generator=None):
    w, losses = 1.0, []
    order = torch.randperm(len(x), generator=generator).tolist()
    for _ in range(epochs):
        for i in order:
            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))
        losses.append(float(((w * x - y) ** 2).mean()))
    return w, losses
''', differs(_sgd_fit))

M(T, "sgd_ignores_generator", "sgd_fit", "draws the order from the global RNG, ignoring generator", "generator seeded 7, global RNG seeded 99", '''
def sgd_fit(x, y, lr, epochs, generator=None):
    w, losses = 1.0, []
    for _ in range(epochs):
        for i in torch.randperm(len(x)).tolist():
            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))
        losses.append(float(((w * x - y) ** 2).mean()))
    return w, losses
''', differs(_sgd_fit))

M(T, "sgd_argsort_order", "sgd_fit", "order from rand(n).argsort() instead of randperm: another RNG stream", "generator None, global seed 99", '''
def sgd_fit(x, y, lr, epochs, generator=None):
    w, losses = 1.0, []
    for _ in range(epochs):
        for i in torch.rand(len(x), generator=generator).argsort().tolist():
            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))
        losses.append(float(((w * x - y) ** 2).mean()))
    return w, losses
''', differs(lambda M: _sgd_fit(M, gen=False)))

M(T, "mb_drop_last", "minibatch_indices", "drops the last, smaller batch", "n 10, batch_size 4, shuffle False", '''
def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n - batch_size + 1, batch_size):
        yield order[start:start + batch_size]
''', differs(lambda M: list(M.minibatch_indices(10, 4, shuffle=False))))

M(T, "mb_noshuffle_draws", "minibatch_indices", "draws a randperm even when not shuffling (sorted back): the RNG stream moves",
  "n 6, batch_size 4, shuffle False; then torch.rand(1)", '''
def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator)
    if not shuffle:
        order = order.sort().values
    yield from order.split(batch_size)
''', differs(lambda M: (list(M.minibatch_indices(6, 4, shuffle=False)), torch.rand(1))))

M(T, "mb_list", "minibatch_indices", "returns a list (not an iterator): next() fails", "next(minibatch_indices(5, 2))", '''
def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return list(order.split(batch_size))
''', differs(lambda M: next(M.minibatch_indices(5, 2))))

_SGD = open("/work/main/solutions/optim.py").read()


def _sgd_code(old, new, cls="SGD"):
    import ast
    tree = ast.parse(_SGD)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    code = "\n".join(_SGD.splitlines()[node.lineno - 1:node.end_lineno])
    for o, n in zip(old if isinstance(old, list) else [old], new if isinstance(new, list) else [new]):
        assert o in code, o
        code = code.replace(o, n)
    return code


M(T, "sgd_damp_first", "SGD", "applies (1 − dampening) on the first momentum step too", "momentum 0.9, dampening 0.5, 6 steps, float64", _sgd_code(
    'state["momentum_buffer"] = g.clone()', 'state["momentum_buffer"] = (1 - group["dampening"]) * g'),
  differs(_opt_run("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5)), rtol=1e-10, atol=1e-12))

M(T, "sgd_wd_after_momentum", "SGD", "adds weight decay after the momentum buffer", "momentum 0.9, weight_decay 0.1, float64", _sgd_code(
    ['g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad', 'p.add_(g, alpha=-group["lr"])'],
    ['g = p.grad', 'p.add_(g + group["weight_decay"] * p, alpha=-group["lr"])']),
  differs(_opt_run("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.1)), rtol=1e-10, atol=1e-12))

M(T, "sgd_state_attr", "SGD", "keeps momentum buffers in its own dict, not self.state: lost in a state_dict round trip",
  "momentum 0.9: 3 steps, state_dict → new SGD, 3 more steps", _sgd_code(
    ['state = self.state[p]', 'super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,'],
    ['state = self.buffers.setdefault(p, {})', 'self.buffers = {}\n        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,']),
  differs(_roundtrip("SGD", dict(lr=0.05, momentum=0.9)), rtol=1e-10, atol=1e-12))

M(T, "sgd_closure_nograd", "SGD", "calls the closure under step's no_grad: its backward fails", "step(closure) with backward inside", _sgd_code(
    ['with torch.enable_grad():\n                loss = closure()'], ['loss = closure()']),
  differs(_opt_run("SGD", dict(lr=0.1), closure=True, steps=2)))

M(T, "sgd_group_lr_ignored", "SGD", "uses the constructor's lr for every group (a group's own lr ignored)", "two groups, second with lr 0.3", _sgd_code(
    'p.add_(g, alpha=-group["lr"])', 'p.add_(g, alpha=-self.defaults["lr"])'),
  differs(_opt_run("SGD", dict(lr=0.1), groups=True), rtol=1e-10, atol=1e-12))

M(T, "sgd_buffer_alias", "SGD", "first momentum buffer aliases p.grad (no clone): zero_grad(set_to_none=False) wipes it",
  "momentum 0.9, zero_grad(set_to_none=False), 6 steps", _sgd_code(
    'state["momentum_buffer"] = g.clone()', 'state["momentum_buffer"] = g'),
  differs(_opt_run("SGD", dict(lr=0.1, momentum=0.9), set_to_none=False), rtol=1e-10, atol=1e-12))

M(T, "sgd_grad_inplace_wd", "SGD", "adds weight decay into p.grad in place: the caller's gradient changes",
  "weight_decay 0.1, two backward+step rounds without zero_grad (gradients accumulate)", _sgd_code(
    'g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad',
    'g = p.grad.add_(p, alpha=group["weight_decay"]) if group["weight_decay"] else p.grad'),
  differs(lambda M: _accum(M)))


def _accum(M):
    w = torch.tensor([1.0, -2.0], dtype=D, requires_grad=True)
    opt = M.SGD([w], lr=0.1, weight_decay=0.1)
    for _ in range(2):
        (w ** 2).sum().backward()
        opt.step()
    return w.detach().clone(), w.grad.clone()


M(T, "adam_global_t", "Adam", "one step counter for the optimiser, not per parameter: a parameter skipped in a step is mis-corrected",
  "b without a gradient every other step, 6 steps, float64", _sgd_code(
    ['state["step"] += 1', 'm_hat = state["m"] / (1 - beta1 ** state["step"])', 'v_hat = state["v"] / (1 - beta2 ** state["step"])',
     'loss = None\n'],
    ['state["step"] = self.t', 'm_hat = state["m"] / (1 - beta1 ** self.t)', 'v_hat = state["v"] / (1 - beta2 ** self.t)',
     'loss = None\n        self.t = getattr(self, "t", 0) + 1\n'], cls="Adam"),
  differs(_opt_run("Adam", dict(lr=0.05), skip=True), rtol=1e-10, atol=1e-12))

M(T, "adam_eps_in_sqrt", "Adam", "eps inside the square root: √(v̂ + eps)", "eps 1e-3, 6 steps, float64", _sgd_code(
    'v_hat.sqrt().add_(group["eps"])', '(v_hat + group["eps"]).sqrt()', cls="Adam"),
  differs(_opt_run("Adam", dict(lr=0.05, eps=1e-3)), rtol=1e-10, atol=1e-12))

M(T, "adam_decoupled_wd", "Adam", "decoupled (AdamW) weight decay instead of adding λ·p to g", "weight_decay 0.1, float64", _sgd_code(
    ['g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad', 'p.addcdiv_('],
    ['g = p.grad', 'p.mul_(1 - group["lr"] * group["weight_decay"])\n                p.addcdiv_('], cls="Adam"),
  differs(_opt_run("Adam", dict(lr=0.05, weight_decay=0.1)), rtol=1e-10, atol=1e-12))

M(T, "adam_state_float32", "Adam", "m and v created with torch.zeros(p.shape): float32 state for float64 parameters",
  "float64 params, 6 steps, state m dtype and trajectory", _sgd_code(
    'state.update(step=0, m=torch.zeros_like(p), v=torch.zeros_like(p))',
    'state.update(step=0, m=torch.zeros(p.shape), v=torch.zeros(p.shape))', cls="Adam"),
  differs(lambda M: (lambda run: run)(_opt_run("Adam", dict(lr=0.05))(M)), rtol=1e-10, atol=1e-12))

M(T, "ema_bc_tminus1", "ema", "bias correction with β^(t−1) (divides the first value by 0)", "values [1, 2, 3], β 0.9", '''
def ema(values, beta, bias_correction=True):
    out = torch.empty_like(values)
    s = 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        out[t - 1] = s / (1 - beta ** (t - 1)) if bias_correction and t > 1 else s
    return out
''', differs(lambda M: M.ema(torch.tensor([1.0, 2.0, 3.0]), 0.9), rtol=1e-4))

M(T, "ema_tensor_list", "ema", "builds the result with torch.tensor(list): float64 values give float32", "float64 values [1, 2, 3], β 0.5", '''
def ema(values, beta, bias_correction=True):
    out, s = [], 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        out.append(s / (1 - beta**t) if bias_correction else s)
    return torch.tensor(out)
''', differs(lambda M: M.ema(torch.tensor([1.0, 2.0, 3.0], dtype=D), 0.5)))

M(T, "ema_flag_ignored", "ema", "always bias-corrects", "values [1, 2], β 0.9, bias_correction False", '''
def ema(values, beta, bias_correction=True):
    out = torch.empty_like(values)
    s = 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        out[t - 1] = s / (1 - beta**t)
    return out
''', differs(lambda M: M.ema(torch.tensor([1.0, 2.0]), 0.9, bias_correction=False), rtol=1e-4))

M(T, "ds_label_scalar", "DiabetesDataset", "label taken as table[:, -1]: shape () instead of (1,)", "the shipped diabetes.csv.gz, ds[0]", '''
class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path):
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.x = torch.from_numpy(table[:, :-1])
        self.y = torch.from_numpy(table[:, -1])

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]
''', differs(lambda M: M.DiabetesDataset(DATA)[0]))

M(T, "ds_float64", "DiabetesDataset", "np.loadtxt's default dtype: float64 features", "the shipped diabetes.csv.gz, ds[3]", '''
class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path):
        table = np.loadtxt(path, delimiter=",")
        self.x = torch.from_numpy(table[:, :-1])
        self.y = torch.from_numpy(table[:, [-1]]).float()

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
''', differs(lambda M: M.DiabetesDataset(DATA)[3]))

M(T, "ds_header_skip", "DiabetesDataset", "skips a first row as a header (the file has none)", "the shipped diabetes.csv.gz, len(ds) and ds[0]", '''
class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path):
        table = np.loadtxt(path, delimiter=",", dtype=np.float32, skiprows=1)
        self.x = torch.from_numpy(table[:, :-1])
        self.y = torch.from_numpy(table[:, [-1]])

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
''', differs(lambda M: (len(M.DiabetesDataset(DATA)), M.DiabetesDataset(DATA)[0])))

M(T, "kfold_remainder_last", "k_fold_indices", "sizes n // k with the remainder all in the last fold", "n 10, k 4", '''
def k_fold_indices(n, k):
    size = n // k
    return [torch.arange(i * size, (i + 1) * size if i < k - 1 else n) for i in range(k)]
''', differs(lambda M: M.k_fold_indices(10, 4)))

M(T, "kfold_ceil_split", "k_fold_indices", "split into chunks of ceil(n / k): fewer or unequal folds", "n 10, k 4", '''
def k_fold_indices(n, k):
    return list(torch.arange(n).split(-(-n // k)))
''', differs(lambda M: M.k_fold_indices(10, 4)))

# ---------------- contract ----------------
X(T, "closed_lstsq", "closed_form_linear_regression", "calls the off-limits torch.linalg.lstsq", "X randn (20,3), y (20,)", '''
def closed_form_linear_regression(X, y):
    return torch.linalg.lstsq(X, y.unsqueeze(-1) if y.dim() == 1 else y).solution.reshape(X.shape[1], *y.shape[1:])
''', lambda R, C: (same(R.closed_form_linear_regression(*_Xy()), C.closed_form_linear_regression(*_Xy()), 1e-8, 1e-10) and "values differ")
    or calls_forbidden(lambda M: M.closed_form_linear_regression(*_Xy()), [(torch.linalg, "lstsq")], ("lstsq",))(R, C))

X(T, "sgd_torch_subclass", "SGD", "inherits torch.optim.SGD and delegates step (its optimisers are off limits)", "6 steps momentum 0.9 nesterov, float64", '''
class SGD(torch.optim.SGD):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
''', lambda R, C: (same(_opt_run("SGD", dict(lr=0.1, momentum=0.9, nesterov=True))(R),
                        _opt_run("SGD", dict(lr=0.1, momentum=0.9, nesterov=True))(C), 1e-10, 1e-12) and "values differ")
    or (f"bases {[b.__module__ + '.' + b.__name__ for b in C.SGD.__bases__]}" if C.SGD.__bases__ != (torch.optim.Optimizer,) else None))

# ---------------- correct ----------------
K(T, "closed_cholesky", "closed_form_linear_regression", "Cholesky factor of XᵀX and cholesky_solve (a solve, no inverse)", "seeded y (n,), (n,1), (n,k), float64", '''
def closed_form_linear_regression(X, y):
    L = torch.linalg.cholesky(X.mT @ X)
    rhs = X.mT @ (y.unsqueeze(-1) if y.dim() == 1 else y)
    w = torch.cholesky_solve(rhs, L)
    return w.squeeze(-1) if y.dim() == 1 else w
''', agree(lambda s: _Xy(n=15 + s, d=s % 4 + 1, k=[None, 1, 3][s % 3], seed=s), lambda M, i: M.closed_form_linear_regression(*i),
           cmp=lambda a, b: same(a, b, 1e-8, 1e-10)))

K(T, "gd_tensor_w", "gd_fit", "residual computed once per step, .item() for the loss and the gradient", "seeded x, y, lr, steps 0–5", '''
def gd_fit(x, y, lr, steps):
    w = 1.0
    losses = []
    for _ in range(steps):
        r = w * x - y
        losses.append((r * r).mean().item())
        w = w - lr * (2 * x * r).mean().item()
    return float(w), losses
''', agree(lambda s: (*_xy(s, n=s % 5 + 1), 0.05 * (s % 3 + 1), s % 6), lambda M, i: M.gd_fit(*i)))

K(T, "sgd_x_index", "sgd_fit", "permutation as a tensor, iterated by position", "seeded, generator or global RNG; RNG state after", '''
def sgd_fit(x, y, lr, epochs, generator=None):
    n = x.shape[0]
    w, history = 1.0, []
    for _ in range(epochs):
        perm = torch.randperm(n, generator=generator)
        for j in range(n):
            i = int(perm[j])
            w = w - lr * 2 * float(x[i]) * (w * float(x[i]) - float(y[i]))
        history.append(float(((w * x - y) ** 2).mean()))
    return w, history
''', agree(lambda s: (*_xy(s, n=s % 5 + 1), 0.05, s % 4, s % 2),
           lambda M, i: (M.sgd_fit(*i[:4], generator=torch.Generator().manual_seed(i[0].numel()) if i[4] else None), torch.rand(2)),
           cmp=lambda a, b: same(a, b, 1e-5, 1e-6)))

K(T, "mb_range_slices", "minibatch_indices", "a generator slicing the order by range", "seeded n, batch sizes incl. 1 and > n, shuffle/generator", '''
def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]
''', agree(lambda s: (s % 7 + 1, s % 4 + 1 if s % 5 else 20, bool(s % 2), s % 3 == 0),
           lambda M, i: (list(M.minibatch_indices(*i[:3], generator=torch.Generator().manual_seed(5) if i[3] else None)), torch.rand(1))))

K(T, "sgd_torch_style", "SGD", "torch-style loop: buffer via torch.clone(g).detach(), nesterov via g.add", "many option combos, groups, closure, state_dict round trip, float64", '''
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            mom, damp, wd = group["momentum"], group["dampening"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if wd != 0:
                    d_p = d_p.add(p, alpha=wd)
                if mom != 0:
                    st = self.state[p]
                    buf = st.get("momentum_buffer")
                    if buf is None:
                        buf = torch.clone(d_p).detach()
                        st["momentum_buffer"] = buf
                    else:
                        buf.mul_(mom).add_(d_p, alpha=1 - damp)
                    d_p = d_p.add(buf, alpha=mom) if group["nesterov"] else buf
                p.add_(d_p, alpha=-group["lr"])
        return loss
''', agree(lambda s: (dict(lr=0.1, momentum=[0, 0.9, 0.5][s % 3], dampening=0.3 * (s % 2) if s % 3 else 0,
                           weight_decay=0.05 * (s % 4 == 1), nesterov=(s % 3 != 0 and s % 2 == 0)), s),
           lambda M, i: (_opt_run("SGD", i[0], groups=bool(i[1] % 2), closure=i[1] % 5 == 0, set_to_none=i[1] % 3 == 1,
                                  dt=torch.float32 if i[1] % 4 == 3 else D)(M),
                         _roundtrip("SGD", i[0])(M)), n=12, cmp=lambda a, b: same(a, b, 1e-10, 1e-12)))

K(T, "adam_torch_denom", "Adam", "torch's denominator √v / √(1 − β₂ᵗ) + eps and step size lr / (1 − β₁ᵗ)", "option combos, skipped grads, groups, round trip, float64", '''
class Adam(torch.optim.Optimizer):
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
                grad = p.grad if group["weight_decay"] == 0 else p.grad.add(p, alpha=group["weight_decay"])
                st = self.state[p]
                if len(st) == 0:
                    st["step"] = 0
                    st["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    st["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                st["step"] += 1
                t = st["step"]
                st["exp_avg"].lerp_(grad, 1 - b1)
                st["exp_avg_sq"].mul_(b2).addcmul_(grad, grad.conj(), value=1 - b2)
                bc1 = 1 - b1 ** t
                bc2 = 1 - b2 ** t
                denom = (st["exp_avg_sq"].sqrt() / math.sqrt(bc2)).add_(group["eps"])
                p.addcdiv_(st["exp_avg"], denom, value=-group["lr"] / bc1)
        return loss
''', agree(lambda s: (dict(lr=[0.05, 1e-3, 0.2][s % 3], betas=[(0.9, 0.999), (0.8, 0.9)][s % 2], eps=[1e-8, 1e-3][s % 2],
                           weight_decay=0.1 * (s % 4 == 2)), s),
           lambda M, i: (_opt_run("Adam", i[0], groups=bool(i[1] % 2), skip=True if i[1] % 3 == 0 else None, closure=i[1] % 5 == 0)(M),
                         _roundtrip("Adam", i[0])(M)), n=12, cmp=lambda a, b: same(a, b, 1e-9, 1e-12)),
  imports="import math")

K(T, "ema_vector", "ema", "closed form sₜ = (1 − β)·Σ βᵗ⁻ⁱ vᵢ by a masked power matrix", "seeded T 1–9, β, both flags, float32/64 (float16 with tolerance)", '''
def ema(values, beta, bias_correction=True):
    T = values.shape[0]
    v64 = values.to(torch.float64)
    t = torch.arange(1, T + 1, dtype=torch.float64, device=values.device)
    expo = (t[:, None] - t[None, :]).clamp(min=0)
    weights = torch.where(t[:, None] >= t[None, :], beta ** expo, torch.zeros_like(expo))
    s = (1 - beta) * (weights @ v64)
    if bias_correction:
        s = s / (1 - beta ** t)
    return s.to(values.dtype)
''', agree(lambda s: (torch.randn(s % 9 + 1).to([torch.float32, D, torch.float16][s % 3]), [0.9, 0.5, 0.99][s % 3], bool(s % 2)),
           lambda M, i: M.ema(*i), cmp=lambda a, b: same(a, b, 1e-2 if a.dtype == torch.float16 else 1e-4, 1e-3 if a.dtype == torch.float16 else 1e-6)))

K(T, "ds_whole_table", "DiabetesDataset", "loads once, keeps the whole table and slices per item", "the shipped file and a 3-feature table written to /tmp", '''
class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path):
        self.table = torch.from_numpy(np.loadtxt(path, delimiter=",", dtype=np.float32))

    def __len__(self):
        return self.table.shape[0]

    def __getitem__(self, index):
        row = self.table[index]
        return row[:-1], row[-1:]
''', agree(lambda s: (s,), lambda M, i: _ds_probe(M, i[0]), n=3))


def _ds_probe(M, s):
    import gzip
    import pathlib
    if s == 0:
        path = DATA
    else:
        path = f"/tmp/blind105_ds_{s}.csv.gz"
        g = torch.Generator().manual_seed(s)
        rows = torch.randn(5, 3 + s, generator=g)
        with gzip.open(path, "wt") as fh:
            for row in rows.tolist():
                fh.write(",".join(f"{v:.6f}" for v in row[:-1]) + f",{s % 2}\n")
    ds = M.DiabetesDataset(path)
    return len(ds), ds[0], ds[len(ds) - 1], ds[1][1].shape


K(T, "kfold_manual_sizes", "k_fold_indices", "sizes n//k + (i < n % k) with running offsets", "n 0–12, k 1–5 incl. k > n", '''
def k_fold_indices(n, k):
    base, extra = divmod(n, k)
    folds, start = [], 0
    for i in range(k):
        size = base + (1 if i < extra else 0)
        folds.append(torch.arange(start, start + size, dtype=torch.int64))
        start += size
    return folds
''', agree(lambda s: (s % 13, s % 5 + 1), lambda M, i: M.k_fold_indices(*i), n=40))
