from common import *  # noqa: F403
import os
import tempfile

import numpy as np
import torch
from torch import nn

T = "optim"
D = torch.float64
r = torch.randn


# ---------- optimiser scenarios ----------
def make_model(dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    m = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).to(dtype)
    return m


def batch(dtype, step):
    g = torch.Generator().manual_seed(100 + step)
    return torch.randn(5, 3, generator=g, dtype=dtype), torch.randn(5, 2, generator=g, dtype=dtype)


def train(model, opt, steps, dtype, start=0, closure=False):
    losses = []
    for s in range(start, start + steps):
        x, y = batch(dtype, s)
        if closure:
            def c():
                opt.zero_grad()
                loss = ((model(x) - y) ** 2).mean()
                loss.backward()
                return loss
            losses.append(opt.step(c))
        else:
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
    return losses


def params_of(model):
    return [p.detach().clone() for p in model.parameters()]


def traj(cls, opts, steps=6, dtype=torch.float32, form="list"):
    def run(M):
        model = make_model(dtype)
        ps = model.parameters()
        if form == "list":
            ps = list(ps)
        elif form == "groups":
            ps = [{"params": list(model[0].parameters()), "lr": opts.get("lr", 1e-3) * 3},
                  {"params": list(model[2].parameters())}]
        opt = getattr(M, cls)(ps, **opts)
        train(model, opt, steps, dtype)
        return params_of(model)
    return run


def roundtrip(cls, opts, rebuilt=True, dtype=torch.float32):
    def run(M):
        model = make_model(dtype)
        opt = getattr(M, cls)(list(model.parameters()), **opts)
        train(model, opt, 3, dtype)
        sd = opt.state_dict()
        if rebuilt:
            model2 = make_model(dtype, seed=1)
            model2.load_state_dict(model.state_dict())
        else:
            model2 = model
        opt2 = getattr(M, cls)(list(model2.parameters()), **opts)
        opt2.load_state_dict(sd)
        train(model2, opt2, 3, dtype, start=3)
        return params_of(model2)
    return run


TOL = dict(rtol=1e-4, atol=1e-6)
T64 = dict(rtol=1e-10, atol=1e-10)

# ---------------- mistakes ----------------
M(T, "closed_form_bias_column", "closed_form_linear_regression", "appends a column of ones to X (a bias) although X is used as given",
  "X (20, 3) randn, y (20,)", '''
def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """Normal equations with an intercept."""
    Xb = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    return torch.linalg.solve(Xb.T @ Xb, Xb.T @ y)
''', differs(lambda M: M.closed_form_linear_regression(r(20, 3, dtype=D), r(20, dtype=D))))

M(T, "closed_form_squeeze", "closed_form_linear_regression", "squeeze(-1) on the solution: y (n, 1) returns (d,) instead of (d, 1)",
  "X (10, 2), y (10, 1)", '''
def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """Solve (XᵀX) w = Xᵀy."""
    return torch.linalg.solve(X.T @ X, X.T @ y).squeeze(-1)
''', differs(lambda M: M.closed_form_linear_regression(r(10, 2, dtype=D), r(10, 1, dtype=D))))

M(T, "gd_fit_loss_after_update", "gd_fit", "records the MSE after each update instead of before",
  "x = [1, 2, 3], y = 2x, lr 0.05, 3 steps", '''
def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """Step, then record."""
    w, losses = 1.0, []
    for _ in range(steps):
        w -= lr * float((2 * x * (w * x - y)).mean())
        losses.append(_mse(w, x, y))
    return w, losses
''', differs(lambda M: M.gd_fit(torch.tensor([1., 2., 3.]), torch.tensor([2., 4., 6.]), 0.05, 3)))

M(T, "gd_fit_w0_zero", "gd_fit", "starts from w = 0 instead of 1",
  "x = [1, 2, 3], y = 2x, lr 0.05, 3 steps", '''
def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """Record the loss, then step."""
    w, losses = 0.0, []
    for _ in range(steps):
        losses.append(_mse(w, x, y))
        w -= lr * float((2 * x * (w * x - y)).mean())
    return w, losses
''', differs(lambda M: M.gd_fit(torch.tensor([1., 2., 3.]), torch.tensor([2., 4., 6.]), 0.05, 3)))

def _sgd_run(M):
    g = torch.Generator().manual_seed(5)
    x = torch.linspace(-1, 2, 7)
    return M.sgd_fit(x, 3 * x + 0.1 * torch.sin(7 * x), 0.05, 3, g)

M(T, "sgd_fit_one_permutation", "sgd_fit", "draws the permutation once, before the epochs: every epoch visits the same order",
  "x = linspace(−1, 2, 7), y ≈ 3x, lr 0.05, 3 epochs, Generator seeded 5", '''
def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """One shuffled order, then per-sample updates."""
    w, losses = 1.0, []
    order = torch.randperm(len(x), generator=generator).tolist()
    for _ in range(epochs):
        for i in order:
            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))
        losses.append(_mse(w, x, y))
    return w, losses
''', differs(_sgd_run, rtol=1e-6))

M(T, "sgd_fit_generator_ignored", "sgd_fit", "torch.randperm(n) without the generator: the global RNG decides the order",
  "same as above; the global RNG seeded 0, the generator 5", '''
def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """Per-sample updates in a random order."""
    w, losses = 1.0, []
    for _ in range(epochs):
        for i in torch.randperm(len(x)).tolist():
            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))
        losses.append(_mse(w, x, y))
    return w, losses
''', differs(_sgd_run, rtol=1e-6))

def _mb(M, *a, **k):
    return [b.clone() for b in M.minibatch_indices(*a, **k)]

M(T, "minibatch_drops_last", "minibatch_indices", "range(0, n − batch_size + 1, batch_size): the smaller last batch is dropped",
  "n = 10, batch_size = 3, shuffle False", '''
def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """Full batches of one epoch's order."""
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n - batch_size + 1, batch_size):
        yield order[start:start + batch_size]
''', differs(lambda M: _mb(M, 10, 3, False, None)))

M(T, "minibatch_default_no_shuffle", "minibatch_indices", "default shuffle=False instead of True",
  "minibatch_indices(8, 4, generator=Generator seeded 1) with the default shuffle", '''
def minibatch_indices(n: int, batch_size: int, shuffle: bool = False,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """Slices of one epoch's order."""
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    yield from order.split(batch_size)
''', differs(lambda M: _mb(M, 8, 4, generator=torch.Generator().manual_seed(1))))

M(T, "minibatch_list_not_iterator", "minibatch_indices", "returns a list of batches: not an iterator (next() fails)",
  "next(minibatch_indices(6, 2, False, None))", '''
def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """The batches of one epoch."""
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return list(order.split(batch_size))
''', differs(lambda M: next(M.minibatch_indices(6, 2, False, None))))

SGD_INIT_TWICE = '''
class SGD(torch.optim.Optimizer):
    """Momentum, dampening, Nesterov, weight decay."""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        for p in params:
            if isinstance(p, Tensor) and not p.requires_grad:
                raise ValueError("SGD: every parameter must require grad")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))
'''

SGD_STEP = open("/work/main/solutions/optim.py").read().split("class SGD(torch.optim.Optimizer):")[1].split("class Adam")[0]
SGD_STEP = "    @torch.no_grad()\n    def step" + SGD_STEP.split("    @torch.no_grad()\n    def step")[1]
SGD_REF = "class SGD(torch.optim.Optimizer):" + open("/work/main/solutions/optim.py").read().split("class SGD(torch.optim.Optimizer):")[1].split("class Adam")[0]
ADAM_REF = "class Adam(torch.optim.Optimizer):" + open("/work/main/solutions/optim.py").read().split("class Adam(torch.optim.Optimizer):")[1].split("def ema")[0]


def sgd_with(old, new):
    assert old in SGD_REF, old
    return SGD_REF.replace(old, new)


def adam_with(old, new):
    assert old in ADAM_REF, old
    return ADAM_REF.replace(old, new)


M(T, "SGD_iterates_params_twice", "SGD", "validates params in a loop, then hands the same (now exhausted) iterator to Optimizer.__init__",
  "SGD(model.parameters(), lr=0.1) — a one-shot generator", SGD_INIT_TWICE + SGD_STEP,
  differs(traj("SGD", dict(lr=0.1), form="iter"), **TOL))

M(T, "SGD_state_by_id", "SGD", "momentum buffer kept in self.state[id(p)]: survives a reload onto the same parameters, lost on rebuilt ones",
  "momentum 0.9: 3 steps, state_dict, a rebuilt model and SGD loaded from it, 3 more steps", sgd_with(
  "state = self.state[p]", "state = self.state[id(p)]"),
  differs(roundtrip("SGD", dict(lr=0.1, momentum=0.9)), **TOL))

M(T, "SGD_buffers_attribute", "SGD", "momentum buffers in a plain dict attribute: state_dict() carries nothing, a reloaded SGD restarts momentum",
  "momentum 0.9, state_dict round trip onto the same parameters", sgd_with(
  "                    state = self.state[p]\n", "                    state = self.buffers.setdefault(p, {})\n").replace(
  "weight_decay=weight_decay, nesterov=nesterov))", "weight_decay=weight_decay, nesterov=nesterov))\n        self.buffers = {}"),
  differs(roundtrip("SGD", dict(lr=0.1, momentum=0.9), rebuilt=False), **TOL))

M(T, "SGD_dampening_first_step", "SGD", "the first momentum buffer is (1 − dampening)·g instead of g",
  "momentum 0.9, dampening 0.5, 6 steps", sgd_with(
  "state[\"momentum_buffer\"] = g.clone()", "state[\"momentum_buffer\"] = (1 - group[\"dampening\"]) * g"),
  differs(traj("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5)), **TOL))

M(T, "SGD_nesterov_ignored", "SGD", "always steps along the buffer b: nesterov=True behaves as plain momentum",
  "momentum 0.9, nesterov True", sgd_with(
  "g = g + group[\"momentum\"] * buffer if group[\"nesterov\"] else buffer", "g = buffer"),
  differs(traj("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)), **TOL))

M(T, "SGD_decay_after_momentum", "SGD", "weight decay added to the update after the momentum buffer instead of to g before it",
  "momentum 0.9, weight_decay 0.1", sgd_with(
  "                p.add_(g, alpha=-group[\"lr\"])", "                p.add_(g + group[\"weight_decay\"] * p, alpha=-group[\"lr\"])").replace(
  "g = p.grad + group[\"weight_decay\"] * p if group[\"weight_decay\"] else p.grad", "g = p.grad"),
  differs(traj("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.1)), **TOL))

def _closure_run(cls, opts):
    def run(M):
        model = make_model()
        opt = getattr(M, cls)(list(model.parameters()), **opts)
        losses = train(model, opt, 3, torch.float32, closure=True)
        return [float(l) if isinstance(l, torch.Tensor) else l for l in losses], params_of(model)
    return run

M(T, "SGD_closure_loss_dropped", "SGD", "calls the closure but returns None instead of its loss",
  "step(closure) with a closure that returns the loss", sgd_with(
  "                loss = closure()\n", "                closure()\n"),
  differs(_closure_run("SGD", dict(lr=0.1)), **TOL))

M(T, "SGD_closure_no_grad", "SGD", "calls the closure inside step's no_grad: its backward() fails",
  "step(closure) with a closure that calls loss.backward()", sgd_with(
  "            with torch.enable_grad():\n                loss = closure()", "            loss = closure()"),
  differs(_closure_run("SGD", dict(lr=0.1, momentum=0.5)), **TOL))

def _two_steps_same_grad(cls, opts):
    def run(M):
        model = make_model()
        opt = getattr(M, cls)(list(model.parameters()), **opts)
        x, y = batch(torch.float32, 0)
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
        opt.step()  # the same .grad again
        return params_of(model) + [p.grad.clone() for p in model.parameters()]
    return run

M(T, "SGD_decay_into_grad", "SGD", "adds weight decay into p.grad in place: the caller's gradient changes and a second step on it decays twice",
  "weight_decay 0.1: one backward, two step() calls", sgd_with(
  "g = p.grad + group[\"weight_decay\"] * p if group[\"weight_decay\"] else p.grad", "g = p.grad.add_(p, alpha=group[\"weight_decay\"])"),
  differs(_two_steps_same_grad("SGD", dict(lr=0.1, weight_decay=0.1)), **TOL))

M(T, "SGD_defaults_lr", "SGD", "reads lr from self.defaults: a param group's own lr is ignored",
  "two param groups, the first with its own lr", sgd_with(
  "                p.add_(g, alpha=-group[\"lr\"])", "                p.add_(g, alpha=-self.defaults[\"lr\"])"),
  differs(traj("SGD", dict(lr=0.1), form="groups"), **TOL))

def _unused_param(cls, opts):
    def run(M):
        model = make_model()
        extra = nn.Parameter(torch.ones(3))
        opt = getattr(M, cls)(list(model.parameters()) + [extra], **opts)
        train(model, opt, 3, torch.float32)
        return params_of(model) + [extra.detach().clone()]
    return run

M(T, "SGD_grad_none", "SGD", "does not skip parameters whose .grad is None: crashes on an unused parameter",
  "a parameter that takes no part in the loss", sgd_with(
  "                if p.grad is None:\n                    continue\n", ""),
  differs(_unused_param("SGD", dict(lr=0.1)), **TOL))

M(T, "Adam_no_bias_correction", "Adam", "no bias correction: m and v used as they are",
  "defaults lr 1e-3, 6 steps", adam_with(
  "                m_hat = state[\"m\"] / (1 - beta1 ** state[\"step\"])\n                v_hat = state[\"v\"] / (1 - beta2 ** state[\"step\"])",
  "                m_hat = state[\"m\"]\n                v_hat = state[\"v\"]"),
  differs(traj("Adam", dict(lr=0.01)), **TOL))

M(T, "Adam_shared_step", "Adam", "one step counter for the whole optimiser, incremented per parameter",
  "lr 0.01, a model with 4 parameter tensors, 6 steps", adam_with(
  "                state[\"step\"] += 1", "                self.t = getattr(self, \"t\", 0) + 1\n                state[\"step\"] = self.t"),
  differs(traj("Adam", dict(lr=0.01)), **TOL))

M(T, "Adam_state_by_id", "Adam", "state keyed by id(p): lost after a state_dict round trip into a rebuilt model and Adam",
  "3 steps, state_dict, rebuilt model + Adam loaded, 3 more steps", adam_with(
  "                state = self.state[p]", "                state = self.state[id(p)]"),
  differs(roundtrip("Adam", dict(lr=0.01)), **TOL))

ADAM_INIT_TWICE = ADAM_REF.replace(
    "        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))",
    "        if not any(True for _ in params):\n            raise ValueError(\"Adam: no parameters\")\n"
    "        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))")
M(T, "Adam_iterates_params_twice", "Adam", "checks that params is non-empty by iterating it, then passes the exhausted iterator on",
  "Adam(model.parameters(), lr=0.01) — a one-shot generator", ADAM_INIT_TWICE,
  differs(traj("Adam", dict(lr=0.01), form="iter"), **TOL))

M(T, "Adam_eps_inside_sqrt", "Adam", "p ← p − lr·m̂/√(v̂ + eps): eps inside the root",
  "eps 1e-4 (allowed), lr 0.01", adam_with(
  "v_hat.sqrt().add_(group[\"eps\"])", "v_hat.add(group[\"eps\"]).sqrt()"),
  differs(traj("Adam", dict(lr=0.01, eps=1e-4)), **TOL))

M(T, "Adam_decoupled_decay", "Adam", "decoupled (AdamW) weight decay p ← p − lr·wd·p instead of g + wd·p",
  "weight_decay 0.1, lr 0.01", adam_with(
  "g = p.grad + group[\"weight_decay\"] * p if group[\"weight_decay\"] else p.grad",
  "p.mul_(1 - group[\"lr\"] * group[\"weight_decay\"])\n                g = p.grad"),
  differs(traj("Adam", dict(lr=0.01, weight_decay=0.1)), **TOL))

M(T, "Adam_float32_state", "Adam", "m and v created with torch.zeros(p.shape): float32 state for float64 parameters",
  "float64 model, lr 0.01, 6 steps (float64 tolerance 1e-10)", adam_with(
  "state.update(step=0, m=torch.zeros_like(p), v=torch.zeros_like(p))", "state.update(step=0, m=torch.zeros(p.shape), v=torch.zeros(p.shape))"),
  differs(traj("Adam", dict(lr=0.01), dtype=D), **T64))

M(T, "Adam_default_lr", "Adam", "default lr 1e-2 instead of 1e-3",
  "Adam(params) with every default", adam_with(
  "params: Iterable, lr: float = 1e-3,", "params: Iterable, lr: float = 1e-2,"),
  differs(traj("Adam", dict()), **TOL))

M(T, "ema_correction_off_by_one", "ema", "divides by 1 − β^(t+1) (t counted from 0 in the correction)",
  "values [1, 2, 3, 4], beta 0.9, corrected", '''
def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """sₜ = β·sₜ₋₁ + (1 − β)·vₜ, optionally over 1 − βᵗ."""
    out = torch.empty_like(values)
    s = 0.0
    for t, v in enumerate(values.tolist()):
        s = beta * s + (1 - beta) * v
        out[t] = s / (1 - beta ** (t + 2)) if bias_correction else s
    return out
''', differs(lambda M: M.ema(torch.tensor([1., 2., 3., 4.]), 0.9, True), rtol=1e-4))

M(T, "ema_start_first_value", "ema", "starts from s = v₁ instead of s₀ = 0",
  "values [1, 2, 3], beta 0.5, bias_correction False", '''
def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """Smooth from the first value."""
    out = torch.empty_like(values)
    s = values[0].item()
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        out[t - 1] = s / (1 - beta**t) if bias_correction else s
    return out
''', differs(lambda M: M.ema(torch.tensor([1., 2., 3.]), 0.5, False), rtol=1e-4))

M(T, "ema_tensor_of_floats", "ema", "returns torch.tensor(list of floats): float32 whatever values' dtype",
  "values float64 [1, 2, 3], beta 0.9", '''
def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """A list of smoothed values."""
    out, s = [], 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        out.append(s / (1 - beta**t) if bias_correction else s)
    return torch.tensor(out)
''', differs(lambda M: M.ema(torch.tensor([1., 2., 3.], dtype=D), 0.9, True), rtol=1e-4))

M(T, "ema_default_uncorrected", "ema", "default bias_correction=False",
  "ema(values, 0.9) with the default", '''
def ema(values: Tensor, beta: float, bias_correction: bool = False) -> Tensor:
    """sₜ = β·sₜ₋₁ + (1 − β)·vₜ, optionally over 1 − βᵗ."""
    out = torch.empty_like(values)
    s = 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        out[t - 1] = s / (1 - beta**t) if bias_correction else s
    return out
''', differs(lambda M: M.ema(torch.tensor([1., 2., 3.]), 0.9), rtol=1e-4))

_DIR = tempfile.mkdtemp(prefix="b83_")
TABLE = os.path.join(_DIR, "table.csv.gz")
_rng = np.random.default_rng(0)
np.savetxt(TABLE, np.hstack([_rng.normal(size=(12, 7)).round(3), _rng.integers(0, 2, (12, 1))]), delimiter=",", fmt="%.3f")


def ds_items(M):
    ds = M.DiabetesDataset(TABLE)
    return [len(ds)] + [tuple(ds[i]) for i in (0, 5, 11)]

M(T, "dataset_label_scalar", "DiabetesDataset", "label taken as table[:, -1]: shape () instead of (1,)",
  "a 12-row gz table with 7 features + label", '''
class DiabetesDataset(torch.utils.data.Dataset):
    """Rows of the lecture's table: features, then the label."""

    def __init__(self, path: str) -> None:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.features = torch.from_numpy(table[:, :-1])
        self.labels = torch.from_numpy(table[:, -1])

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.features[index], self.labels[index]
''', differs(ds_items))

M(T, "dataset_float64", "DiabetesDataset", "np.loadtxt without dtype: float64 features and labels",
  "the same table", '''
class DiabetesDataset(torch.utils.data.Dataset):
    """Rows of the lecture's table: features, then the label."""

    def __init__(self, path: str) -> None:
        table = np.loadtxt(path, delimiter=",")
        self.features = torch.from_numpy(table[:, :-1])
        self.labels = torch.from_numpy(table[:, [-1]])

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.features[index], self.labels[index]
''', differs(ds_items))

M(T, "dataset_eight_features", "DiabetesDataset", "features hard-coded as table[:, :8] (the notes' 8 columns): the label leaks in as a feature of a 7-feature table",
  "the same 7-feature table", '''
class DiabetesDataset(torch.utils.data.Dataset):
    """The notes' 8 features and the label."""

    def __init__(self, path: str) -> None:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.features = torch.from_numpy(table[:, :8])
        self.labels = torch.from_numpy(table[:, [-1]])

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.features[index], self.labels[index]
''', differs(ds_items))

M(T, "k_fold_remainder_last", "k_fold_indices", "n // k per fold with the remainder in the last fold: sizes [3, 3, 4] instead of [4, 3, 3]",
  "n = 10, k = 3", '''
def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """Equal folds, the rest in the last."""
    size = n // k
    idx = torch.arange(n)
    return [idx[i * size:(i + 1) * size] if i < k - 1 else idx[i * size:] for i in range(k)]
''', differs(lambda M: M.k_fold_indices(10, 3)))

M(T, "k_fold_chunk", "k_fold_indices", "torch.arange(n).chunk(k): chunk may return fewer than k folds",
  "n = 6, k = 4", '''
def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """k chunks."""
    return list(torch.arange(n).chunk(k))
''', differs(lambda M: M.k_fold_indices(6, 4)))

# ---------------- contract ----------------
X(T, "closed_form_lstsq", "closed_form_linear_regression", "torch.linalg.lstsq(X, y).solution",
  "Off limits: ``torch.linalg.lstsq``, ``torch.linalg.pinv``, ``torch.pinverse``, and inverting: ``torch.linalg.inv``, ``torch.inverse``.", '''
def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """Least squares by the library."""
    return torch.linalg.lstsq(X, y).solution
''', calls_forbidden(lambda M: M.closed_form_linear_regression(r(10, 3, dtype=D), r(10, dtype=D)), [(torch.linalg, "lstsq")], ("linalg_lstsq", "lstsq")))

X(T, "SGD_wraps_torch_sgd", "SGD", "an Optimizer subclass that delegates step() to an inner torch.optim.SGD",
  "Off limits: ``torch.optim``'s optimisers (``SGD``, ``Adam``, …) and their functional forms — inherit only from ``torch.optim.Optimizer``.", '''
class SGD(torch.optim.Optimizer):
    """Delegates to torch's SGD."""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))
        self.inner = torch.optim.SGD(self.param_groups, lr=lr, momentum=momentum, dampening=dampening,
                                     weight_decay=weight_decay, nesterov=nesterov)
        self.state = self.inner.state

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        return self.inner.step(closure)
''', calls_forbidden(traj("SGD", dict(lr=0.1, momentum=0.9)), [(torch.optim, "SGD"), (torch.optim.SGD, "step"), (torch.optim._functional, "sgd")]))

# ---------------- correct ----------------
def g_cf(seed):
    n, d = 20 + seed, seed % 4 + 1
    X = r(n, d, dtype=D)
    y = r(n, dtype=D) if seed % 2 else r(n, seed % 3 + 1, dtype=D)
    return [X, y]

K(T, "closed_form_cholesky", "closed_form_linear_regression", "Cholesky factor of XᵀX and cholesky_solve (neither off limits)", '''
def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """Cholesky solve of the normal equations."""
    A = X.mT @ X
    rhs = X.mT @ (y if y.dim() == 2 else y.unsqueeze(1))
    w = torch.cholesky_solve(rhs, torch.linalg.cholesky(A))
    return w if y.dim() == 2 else w.squeeze(1)
''', agree(g_cf, lambda M, i: M.closed_form_linear_regression(*i), rtol=1e-8, atol=1e-10))

def g_gd(seed):
    x = r(seed % 5 + 2)
    return [x, 2.5 * x + 0.1 * r(x.shape), [0.01, 0.05, 0.1][seed % 3], seed % 7 + 1]

K(T, "gd_fit_tensor_w", "gd_fit", "w kept as a 0-dim float64 tensor, losses via .item()", '''
def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """Full-batch descent on a tensor w."""
    w = torch.tensor(1.0, dtype=torch.float64, device=x.device)
    xd, yd = x.double(), y.double()
    history = []
    for _ in range(steps):
        residual = w * xd - yd
        history.append((residual ** 2).mean().item())
        w = w - lr * (2 * xd * residual).mean()
    return w.item(), history
''', agree(g_gd, lambda M, i: M.gd_fit(*i), rtol=1e-5, atol=1e-7))

def g_sgd(seed):
    x = r(seed % 5 + 2)
    return [x, -1.5 * x + 0.1 * r(x.shape), 0.05, seed % 3 + 1, seed]

K(T, "sgd_fit_zip_order", "sgd_fit", "indexes x and y by the epoch's permutation tensor, zips, updates", '''
def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """Per-sample updates over each epoch's shuffled pairs."""
    w, history = 1.0, []
    for _ in range(epochs):
        order = torch.randperm(x.shape[0], generator=generator)
        for xi, yi in zip(x[order], y[order]):
            w = w - lr * float(2 * xi * (w * xi - yi))
        history.append(float(((w * x - y) ** 2).mean()))
    return w, history
''', agree(g_sgd, lambda M, i: M.sgd_fit(*i[:4], torch.Generator().manual_seed(i[4])), rtol=1e-5, atol=1e-7))

def g_mb(seed):
    return [seed % 9 + 1, seed % 4 + 1, bool(seed % 2), seed]

K(T, "minibatch_range_slices", "minibatch_indices", "a generator over range(0, n, batch_size) slices of the order", '''
def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """Consecutive slices."""
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]
''', agree(g_mb, lambda M, i: _mb(M, i[0], i[1], i[2], torch.Generator().manual_seed(i[3]))))

SGD_VARIANT = '''
class SGD(torch.optim.Optimizer):
    """torch's update order, written per parameter."""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov}
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                lr, mom, damp = group["lr"], group["momentum"], group["dampening"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    d_p = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] != 0 else p.grad
                    if mom != 0:
                        buf = self.state[p].get("momentum_buffer")
                        if buf is None:
                            buf = torch.clone(d_p).detach()
                            self.state[p]["momentum_buffer"] = buf
                        else:
                            buf.mul_(mom).add_(d_p, alpha=1 - damp)
                        d_p = d_p.add(buf, alpha=mom) if group["nesterov"] else buf
                    p.add_(d_p, alpha=-lr)
        return loss
'''

SGD_OPTS = [dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3),
            dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01), dict(lr=0.02, weight_decay=0.1)]


def opt_check(cls, opts_list):
    def check(R, C):
        for k, opts in enumerate(opts_list):
            for run, tol in [(traj(cls, opts, 50), TOL), (traj(cls, opts, 50, dtype=D), T64), (traj(cls, opts, 8, form="iter"), TOL),
                             (traj(cls, opts, 8, form="groups"), TOL), (roundtrip(cls, opts), TOL), (_closure_run(cls, opts), TOL),
                             (_unused_param(cls, opts), TOL), (_two_steps_same_grad(cls, opts), TOL)]:
                why = differs(run, **tol)(R, C)
                if why:
                    return f"opts {opts}: {why}"
        return None
    return check

K(T, "SGD_torch_order", "SGD", "torch's own order of operations (d_p.add(buf, alpha=momentum)), state via .get, no decorator", SGD_VARIANT,
  opt_check("SGD", SGD_OPTS))

ADAM_VARIANT = '''
class Adam(torch.optim.Optimizer):
    """torch's arrangement: step size lr / (1 − β₁ᵗ), denominator √v / √(1 − β₂ᵗ) + eps."""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
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
                st["exp_avg"].lerp_(grad, 1 - b1)
                st["exp_avg_sq"].mul_(b2).addcmul_(grad, grad.conj(), value=1 - b2)
                bc1 = 1 - b1 ** st["step"]
                bc2 = 1 - b2 ** st["step"]
                denom = (st["exp_avg_sq"].sqrt() / math.sqrt(bc2)).add_(group["eps"])
                p.addcdiv_(st["exp_avg"], denom, value=-group["lr"] / bc1)
        return loss
'''
ADAM_OPTS = [dict(), dict(lr=0.01), dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6), dict(lr=0.005, weight_decay=0.1)]

K(T, "Adam_torch_arrangement", "Adam", "torch's arrangement of the bias corrections (lerp_ for m, correction folded into the step size)",
  ADAM_VARIANT, opt_check("Adam", ADAM_OPTS), imports="import math")

def g_ema(seed):
    return [r(seed % 9 + 1, dtype=D if seed % 2 else torch.float32), [0.5, 0.9, 0.99, 0.0][seed % 4], bool(seed % 3)]

K(T, "ema_tensor_loop", "ema", "the recursion on 0-dim tensors of values' dtype, corrections by a running βᵗ product", '''
def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """Running average with a running power of beta."""
    s = torch.zeros((), dtype=values.dtype, device=values.device)
    power = 1.0
    smoothed = []
    for v in values:
        s = beta * s + (1 - beta) * v
        power *= beta
        smoothed.append(s / (1 - power) if bias_correction else s)
    return torch.stack(smoothed)
''', agree(g_ema, lambda M, i: M.ema(*i), rtol=1e-4, atol=1e-6))

def ds_check(R, C):
    why = same(ds_items(R), ds_items(C))
    if why:
        return why
    d = "/work/main/datasets/diabetes.csv.gz"
    return same(ds_items(R) if False else [len(R.DiabetesDataset(d))] + list(R.DiabetesDataset(d)[3]),
                [len(C.DiabetesDataset(d))] + list(C.DiabetesDataset(d)[3]))

K(T, "dataset_rows", "DiabetesDataset", "keeps one float32 tensor; item i is (row[:-1], row[-1:])", '''
class DiabetesDataset(torch.utils.data.Dataset):
    """One tensor, split per item."""

    def __init__(self, path: str) -> None:
        self.table = torch.tensor(np.loadtxt(path, delimiter=",", dtype=np.float32))

    def __len__(self) -> int:
        return self.table.shape[0]

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        row = self.table[index]
        return row[:-1], row[-1:]
''', ds_check)

K(T, "k_fold_sizes", "k_fold_indices", "computes the sizes (one more for the first n % k folds) and slices arange", '''
def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """Sizes first, then consecutive slices."""
    idx = torch.arange(n, dtype=torch.int64)
    folds, start = [], 0
    for i in range(k):
        size = n // k + (1 if i < n % k else 0)
        folds.append(idx[start:start + size])
        start += size
    return folds
''', agree(lambda s: [s % 13 + 1, s % 5 + 1], lambda M, i: M.k_fold_indices(*i)))
