"""prove.py — check every program in this batch against the reference solutions, in plain torch.

    python prove.py            # every program folder here, each in its own subprocess
    python prove.py DIR ...    # only these folders
    python prove.py --one DIR  # (internal) one program, prints one JSON line

For each program the exercises it implements (those whose body is not just ``raise NotImplementedError``)
are compared with ../material/solutions/<topic>.py and with torch on inputs the docstrings allow.
"""

from __future__ import annotations

import ast
import copy
import gzip
import importlib.util
import json
import math
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import traceback

HERE = pathlib.Path(__file__).resolve().parent
MATERIAL = HERE.parent / "material"
TOPICS = ["autograd", "cnn", "inception", "losses", "mlp", "optim", "resnet", "rnn", "tensors"]


# --------------------------------------------------------------------------- discovery
def exercise_names(topic: str) -> list[str]:
    tree = ast.parse((MATERIAL / "exercises" / f"{topic}.py").read_text())
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


def _is_stub_body(body) -> bool:
    body = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(getattr(s, "value", None), ast.Constant)
                                    and isinstance(s.value.value, str))]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc
    target = exc.func if isinstance(exc, ast.Call) else exc
    return isinstance(target, ast.Name) and target.id == "NotImplementedError"


def implemented(path: pathlib.Path, topic: str) -> list[str]:
    tree = ast.parse(path.read_text())
    nodes = {}
    for n in tree.body:
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)):
            nodes[n.name] = n
    names = set()
    for n in tree.body:   # names bound by assignment / import (e.g. softmax = factory(...), from engine import Value)
        if isinstance(n, ast.Assign):
            for t in n.targets:
                if isinstance(t, ast.Name):
                    names.add(t.id)
        elif isinstance(n, ast.ImportFrom):
            for a in n.names:
                names.add(a.asname or a.name)
    out = []
    for name in exercise_names(topic):
        node = nodes.get(name)
        if node is None:
            if name in names:
                out.append(name)
            continue
        if isinstance(node, ast.FunctionDef):
            if not _is_stub_body(node.body):
                out.append(name)
        else:
            methods = [m for m in node.body if isinstance(m, ast.FunctionDef)]
            if not any(_is_stub_body(m.body) for m in methods):
                out.append(name)
    return out


def program_file(d: pathlib.Path):
    for t in TOPICS:
        if (d / f"{t}.py").exists():
            return t, d / f"{t}.py"
    return None, None


def load(path: pathlib.Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


# --------------------------------------------------------------------------- helpers
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

CHECKS: dict[tuple[str, str], object] = {}


def check(topic: str, name: str):
    def deco(fn):
        CHECKS[(topic, name)] = fn
        return fn
    return deco


def close(a, b, rtol, atol=0.0, what=""):
    assert isinstance(a, torch.Tensor), f"{what}: got {type(a).__name__}, not a Tensor"
    assert tuple(a.shape) == tuple(b.shape), f"{what}: shape {tuple(a.shape)} != {tuple(b.shape)}"
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} != {b.dtype}"
    assert a.device == b.device, f"{what}: device {a.device} != {b.device}"
    try:
        torch.testing.assert_close(a.detach(), b.detach(), rtol=rtol, atol=atol, equal_nan=True)
    except AssertionError as e:
        raise AssertionError(f"{what}: {str(e).splitlines()[0]} | {str(e).splitlines()[-2] if len(str(e).splitlines()) > 2 else ''}")


def tol(dtype):
    return {torch.float32: (1e-5, 1e-6), torch.float64: (1e-7, 1e-12), torch.float16: (1e-2, 1e-3)}[dtype]


def unchanged(before, after, what):
    assert torch.equal(before, after) or (torch.isnan(before).any() and torch.equal(before.nan_to_num(7.0), after.nan_to_num(7.0))), \
        f"{what}: input modified"


def grads_of(fn, inputs, seed=0):
    """Gradients of (fn(*inputs) * w).sum() for a fixed random w, w.r.t. every input."""
    leaves = [t.detach().clone().requires_grad_(True) for t in inputs]
    out = fn(*leaves)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    g = torch.Generator().manual_seed(seed)
    total = 0
    for o in outs:
        w = torch.randn(o.shape, generator=g, dtype=o.dtype)
        total = total + (o * w).sum()
    gs = torch.autograd.grad(total, leaves, allow_unused=True)
    return [torch.zeros_like(l) if x is None else x for l, x in zip(leaves, gs)]


def same_grads(fn_p, fn_r, inputs, rtol=1e-7, atol=1e-10, what="grad"):
    gp = grads_of(fn_p, inputs)
    gr = grads_of(fn_r, inputs)
    for i, (a, b) in enumerate(zip(gp, gr)):
        close(a, b, rtol, atol, f"{what}[arg {i}]")


def seeded(seed):
    return torch.Generator().manual_seed(seed)


def rnd(*shape, dtype=torch.float32, seed=0, scale=1.0):
    return torch.randn(tuple(shape), generator=seeded(seed), dtype=dtype) * scale


F32, F64, F16 = torch.float32, torch.float64, torch.float16


def up(fn):
    """torch's function, evaluated in float32 for float16 inputs (CPU half support varies), cast back."""
    def g(*args, **kw):
        if not any(isinstance(a, torch.Tensor) and a.dtype == F16 for a in args):
            return fn(*args, **kw)
        out = fn(*[a.float() if isinstance(a, torch.Tensor) and a.dtype == F16 else a for a in args], **kw)
        return out.half()
    return g


# =========================================================================== tensors
@check("tensors", "add_into")
def _(P, R):
    for dt in (F32, F64):
        for shape in [(3, 4), (1,), (2, 3, 4), (7,)]:
            x, y = rnd(*shape, dtype=dt, seed=1), rnd(*shape, dtype=dt, seed=2)
            x0, y0 = x.clone(), y.clone()
            z = torch.empty(shape, dtype=dt)
            ptr = z.data_ptr()
            out = P.add_into(z, x, y)
            assert out is z, "must return z itself"
            assert z.data_ptr() == ptr, "z's storage changed"
            close(z, x0 + y0, 0, 0, "value")
            unchanged(x0, x, "x"); unchanged(y0, y, "y")
        # aliasing: z is x, z is y
        x, y = rnd(5, 3, dtype=dt, seed=3), rnd(5, 3, dtype=dt, seed=4)
        exp = x + y
        P.add_into(x, x, y)
        close(x, exp, 0, 0, "z is x")
        x, y = rnd(5, 3, dtype=dt, seed=3), rnd(5, 3, dtype=dt, seed=4)
        exp = x + y
        P.add_into(y, x, y)
        close(y, exp, 0, 0, "z is y")
        x = rnd(4, dtype=dt, seed=5)
        exp = x + x
        P.add_into(x, x, x)
        close(x, exp, 0, 0, "z is x is y")


@check("tensors", "row_normalize")
def _(P, R):
    for dt in (F32, F64):
        for n, d in [(1, 1), (3, 5), (40, 7)]:
            x = torch.rand(n, d, generator=seeded(n), dtype=dt) + 0.01
            x0 = x.clone()
            close(P.row_normalize(x), R.row_normalize(x), *tol(dt), what=f"{dt} {n}x{d}")
            unchanged(x0, x, "x")
        xt = (torch.rand(6, 4, dtype=dt, generator=seeded(9)) + 0.1).T
        close(P.row_normalize(xt), R.row_normalize(xt), *tol(dt), what="non-contiguous")
    x = torch.rand(5, 3, dtype=F64, generator=seeded(3)) + 0.1
    same_grads(P.row_normalize, R.row_normalize, [x])


@check("tensors", "pairwise_sq_dists")
def _(P, R):
    for dt in (F32, F64):
        for n, m, d in [(1, 1, 1), (3, 4, 2), (10, 7, 3), (40, 30, 20), (64, 50, 9)]:
            a, b = rnd(n, d, dtype=dt, seed=n), rnd(m, d, dtype=dt, seed=m + 100)
            a0, b0 = a.clone(), b.clone()
            got = P.pairwise_sq_dists(a, b)
            exp = ((a.double()[:, None] - b.double()[None]) ** 2).sum(-1).to(dt)
            assert got.shape == (n, m) and got.dtype == dt, f"shape/dtype {tuple(got.shape)} {got.dtype}"
            scale = (a.double() ** 2).sum(1)[:, None] + (b.double() ** 2).sum(1)[None]
            err = (got.double() - exp.double()).abs()
            assert bool((err <= 1e-5 * scale + 1e-30).all()), f"{dt} {n}x{m}x{d}: max rel err {float((err / scale).max())}"
            unchanged(a0, a, "a"); unchanged(b0, b, "b")
        a = rnd(6, 3, dtype=dt, seed=7)
        got = P.pairwise_sq_dists(a, a)
        scale = (a.double() ** 2).sum(1)[:, None] * 2
        assert bool((got.double().diagonal().abs() <= 1e-5 * scale.diagonal() + 1e-30).all()), "a is b: diagonal not ~0"
        at = rnd(3, 8, dtype=dt, seed=8).T
        bt = rnd(3, 5, dtype=dt, seed=9).T
        exp = ((at.double()[:, None] - bt.double()[None]) ** 2).sum(-1)
        scale = (at.double() ** 2).sum(1)[:, None] + (bt.double() ** 2).sum(1)[None]
        assert bool(((P.pairwise_sq_dists(at, bt).double() - exp).abs() <= 1e-5 * scale).all()), "non-contiguous"


@check("tensors", "one_hot")
def _(P, R):
    for n, c in [(1, 1), (5, 3), (100, 10), (4, 7)]:
        lab = torch.randint(0, c, (n,), generator=seeded(n))
        lab0 = lab.clone()
        close(P.one_hot(lab, c), R.one_hot(lab, c), 0, 0, f"{n},{c}")
        unchanged(lab0, lab, "labels")


@check("tensors", "accuracy")
def _(P, R):
    g = seeded(0)
    for n, c in [(1, 2), (10, 3), (50, 5)]:
        scores = torch.randint(0, 3, (n, c), generator=g).float()     # many ties
        y = torch.randint(0, c, (n,), generator=g)
        a = P.accuracy(scores, y)
        assert type(a) is float, f"returns {type(a).__name__}"
        assert abs(a - R.accuracy(scores, y)) < 1e-6, f"scores {n}x{c}: {a} vs {R.accuracy(scores, y)}"
        labels = torch.randint(0, c, (n,), generator=g)
        a = P.accuracy(labels, y)
        assert type(a) is float and abs(a - R.accuracy(labels, y)) < 1e-6, "labels"
    s64 = torch.randn(20, 4, dtype=F64, generator=g)
    y = torch.randint(0, 4, (20,), generator=g)
    assert abs(P.accuracy(s64, y) - R.accuracy(s64, y)) < 1e-6


@check("tensors", "flatten_batch")
def _(P, R):
    for shape in [(1, 1, 28, 28), (4, 3, 5, 2), (2, 1, 1, 1)]:
        x = rnd(*shape, seed=1)
        close(P.flatten_batch(x), R.flatten_batch(x), 0, 0, str(shape))


@check("tensors", "fill_nan_with_column_mean")
def _(P, R):
    g = seeded(0)
    for dt in (F32, F64):
        for n, d in [(1, 1), (5, 3), (30, 8)]:
            x = torch.randn(n, d, generator=g, dtype=dt)
            mask = torch.rand(n, d, generator=g) < 0.3
            mask[0] = False                       # every column keeps a number
            x[mask] = float("nan")
            x0 = x.clone()
            got = P.fill_nan_with_column_mean(x)
            close(got, R.fill_nan_with_column_mean(x), *tol(dt), what=f"{n}x{d}")
            unchanged(x0, x, "x")
            assert got.data_ptr() != x.data_ptr(), "must be a new tensor"


@check("tensors", "matmul")
def _(P, R):
    for dt in (F32, F64):
        for n, k, m in [(1, 1, 1), (3, 4, 5), (20, 30, 10), (33, 17, 40)]:
            a, b = rnd(n, k, dtype=dt, seed=n), rnd(k, m, dtype=dt, seed=m)
            close(P.matmul(a, b), a @ b, *tol(dt), what=f"{n}x{k}x{m}")
        a = rnd(6, 6, dtype=dt, seed=1)
        close(P.matmul(a, a), a @ a, *tol(dt), what="a is b")
        at, bt = rnd(5, 4, dtype=dt, seed=2).T, rnd(3, 5, dtype=dt, seed=3).T
        close(P.matmul(at, bt), at @ bt, *tol(dt), what="non-contiguous")
    same_grads(P.matmul, R.matmul, [rnd(3, 4, dtype=F64, seed=1), rnd(4, 2, dtype=F64, seed=2)])


@check("tensors", "norms")
def _(P, R):
    for dt in (F32, F64):
        for shape in [(), (1,), (7,), (3, 4), (2, 3, 4)]:
            x = rnd(*shape, dtype=dt, seed=3)
            l1, l2 = P.norms(x)
            r1, r2 = R.norms(x)
            close(l1, r1, *tol(dt), what=f"L1 {shape}")
            close(l2, r2, *tol(dt), what=f"L2 {shape}")
    same_grads(lambda t: torch.stack(P.norms(t)), lambda t: torch.stack(R.norms(t)), [rnd(3, 4, dtype=F64, seed=5)])


# =========================================================================== autograd
@check("autograd", "linear_grad")
def _(P, R):
    for dt in (F32, F64):
        for n in (1, 5, 100):
            w = torch.tensor(0.7, dtype=dt)
            x, y = rnd(n, dtype=dt, seed=n), rnd(n, dtype=dt, seed=n + 1)
            got = P.linear_grad(w, x, y)
            close(got, R.linear_grad(w, x, y), *(tol(dt) if dt == F32 else (1e-7, 0)), what=f"{dt} n={n}")
            wl = w.clone().requires_grad_(True)
            ((wl * x - y) ** 2).mean().backward()
            close(got, wl.grad, *(tol(dt) if dt == F32 else (1e-7, 1e-12)), what="vs autograd")
    # near-cancellation at large |x|
    x = torch.linspace(1e4, 2e4, 50, dtype=F64)
    w = torch.tensor(3.0, dtype=F64)
    y = w * x + torch.linspace(-1e-3, 2e-3, 50, dtype=F64)
    close(P.linear_grad(w, x, y), R.linear_grad(w, x, y), 1e-7, 0, what="w·x ≈ y")


@check("autograd", "quadratic_grads")
def _(P, R):
    for dt in (F32, F64):
        for n in (1, 4, 64):
            w1, w2, b = (torch.tensor(v, dtype=dt) for v in (0.3, -1.2, 0.5))
            x, y = rnd(n, dtype=dt, seed=n), rnd(n, dtype=dt, seed=2 * n)
            got = P.quadratic_grads(w1, w2, b, x, y)
            leaves = [t.clone().requires_grad_(True) for t in (w1, w2, b)]
            loss = ((leaves[0] * x ** 2 + leaves[1] * x + leaves[2] - y) ** 2).mean()
            exp = torch.autograd.grad(loss, leaves)
            assert len(got) == 3
            for i in range(3):
                assert got[i].dim() == 0, "0-dim results"
                close(got[i], exp[i], *(tol(dt) if dt == F32 else (1e-7, 1e-12)), what=f"{dt} grad {i}")


@check("autograd", "grad_of_vector_fn")
def _(P, R):
    fns = [lambda t: t ** 3 * 2, lambda t: (t.sin() * t).reshape(-1)[:3], lambda t: t @ t.T if t.dim() == 2 else t.exp()]
    for dt in (F32, F64):
        for shape in [(4,), (3, 2)]:
            for f in fns:
                x = rnd(*shape, dtype=dt, seed=1)
                x0 = x.clone()
                got = P.grad_of_vector_fn(f, x)
                close(got, R.grad_of_vector_fn(f, x), *tol(dt), what=f"{shape}")
                unchanged(x0, x, "x")
                assert not x.requires_grad and x.grad is None, "x's flag/grad touched"
        # caller's x requires grad and already has a .grad
        x = rnd(5, dtype=dt, seed=3).requires_grad_(True)
        x.grad = torch.full_like(x, 7.0)
        got = P.grad_of_vector_fn(lambda t: t * t, x)
        close(got.detach(), (2 * x).detach(), *tol(dt), what="requires_grad input")
        assert x.requires_grad and torch.equal(x.grad, torch.full_like(x, 7.0)), "x.grad changed"


@check("autograd", "detach_grad")
def _(P, R):
    for dt in (F32, F64):
        for shape in [(), (4,), (2, 3)]:
            x = rnd(*shape, dtype=dt, seed=4)
            x0 = x.clone()
            close(P.detach_grad(x), x0 * x0, *tol(dt), what=str(shape))
            unchanged(x0, x, "x")
        x = rnd(3, dtype=dt, seed=2).requires_grad_(True)
        got = P.detach_grad(x)
        close(got.detach(), (x * x).detach(), *tol(dt), what="requires_grad input")
        assert x.grad is None, "caller's x got a .grad"


@check("autograd", "Sigmoid")
def _(P, R):
    xs = torch.tensor([-709.0, -700.0, -100.0, -37.5, -5.0, -1e-3, 0.0, 1e-3, 3.0, 36.0, 100.0, 700.0, 1000.0], dtype=F64)
    got = P.Sigmoid.apply(xs)
    close(got, torch.sigmoid(xs), 1e-7, 0, what="float64 values incl. tails")
    huge = torch.tensor([-1000.0, -800.0, 800.0], dtype=F64)
    v = P.Sigmoid.apply(huge)
    assert bool(torch.isfinite(v).all()) and float(v[0]) < 1e-300 and float(v[2]) == 1.0, "|x| >= 709"
    x32 = torch.tensor([-1000.0, -100.0, -2.0, 0.5, 100.0, 1000.0])
    close(P.Sigmoid.apply(x32), torch.sigmoid(x32), 1e-5, 1e-6, what="float32")
    x = torch.linspace(-6, 6, 13, dtype=F64).requires_grad_(True)
    assert torch.autograd.gradcheck(P.Sigmoid.apply, (x,)), "gradcheck"
    xl = torch.tensor([-1000.0, -100.0, 100.0, 1000.0], dtype=F64, requires_grad=True)
    P.Sigmoid.apply(xl).sum().backward()
    assert bool(torch.isfinite(xl.grad).all()), "non-finite gradient at |x| >= 100"
    # backward is s·(1 − s) from the saved output (the docstring's formula): absolute accuracy ~1e-16 in the tails
    same_grads(P.Sigmoid.apply, torch.sigmoid, [torch.linspace(-30, 30, 11, dtype=F64)], 1e-7, 1e-15)


@check("autograd", "numerical_grad")
def _(P, R):
    for dt, rt, at in ((F64, 1e-6, 1e-8), (F32, 0.25, 0.15)):
        x = (rnd(2, 3, dtype=dt, seed=5) * 0.5)
        x0 = x.clone()
        g = P.numerical_grad(lambda t: (t ** 3).sum(), x)
        close(g, 3 * x0 ** 2, rt, at, what=f"{dt} cubic")
        assert torch.equal(x, x0), "x not restored"
        g = P.numerical_grad(lambda t: float((t * t).sum()), x)
        close(g, 2 * x0, rt, at, what=f"{dt} float-returning f")
        g = P.numerical_grad(lambda t: t[1, 2], x)          # f returns a view of x
        exp = torch.zeros_like(x0); exp[1, 2] = 1
        close(g, exp, rt, at, what=f"{dt} view-returning f")
        assert torch.equal(x, x0), "x not restored"
    x = torch.tensor(0.3, dtype=F64)
    close(P.numerical_grad(lambda t: t.exp(), x), x.exp(), 1e-6, 1e-9, what="0-dim")
    x = rnd(4, dtype=F64, seed=1)
    close(P.numerical_grad(lambda t: (t.sin() * t).sum(), x, eps=1e-4), x.sin() + x * x.cos(), 1e-6, 1e-7, what="eps")


def _value_graph(V, seed, depth):
    """Build the same random expression graph with Value and with float64 torch scalars."""
    import random
    rng = random.Random(seed)
    leaves_v = [V(rng.uniform(-1.5, 1.5)) for _ in range(4)]
    leaves_t = [torch.tensor(v.data, dtype=F64, requires_grad=True) for v in leaves_v]
    pool_v, pool_t = list(leaves_v), list(leaves_t)
    for _ in range(depth):
        i, j = rng.randrange(len(pool_v)), rng.randrange(len(pool_v))
        a_v, b_v, a_t, b_t = pool_v[i], pool_v[j], pool_t[i], pool_t[j]
        op = rng.randrange(14)
        c = rng.uniform(0.5, 1.5)
        if op == 0:
            v, t = a_v + b_v, a_t + b_t
        elif op == 1:
            v, t = a_v - b_v, a_t - b_t
        elif op == 2:
            v, t = a_v * b_v, a_t * b_t
        elif op == 3:
            v, t = a_v / (b_v * b_v + 1), a_t / (b_t * b_t + 1)
        elif op == 4:
            v, t = -a_v, -a_t
        elif op == 5:
            v, t = a_v.tanh(), a_t.tanh()
        elif op == 6:
            v, t = (a_v * 0.1).exp(), (a_t * 0.1).exp()
        elif op == 7:
            v, t = a_v.relu(), torch.relu(a_t)
        elif op == 8:
            v, t = c + a_v, c + a_t
        elif op == 9:
            v, t = c - a_v, c - a_t
        elif op == 10:
            v, t = c * a_v, c * a_t
        elif op == 11:
            v, t = c / (a_v * a_v + 1), c / (a_t * a_t + 1)
        elif op == 12:
            v, t = (a_v * a_v + 1) ** 1.5, (a_t * a_t + 1) ** 1.5
        else:
            v, t = a_v ** 2, a_t ** 2
        # keep magnitudes tame
        if abs(v.data) > 3:
            v, t = (v * 0.5).tanh() * 2, (t * 0.5).tanh() * 2
        pool_v.append(v); pool_t.append(t)
        if len(pool_v) > 6:
            pool_v.pop(0); pool_t.pop(0)
    out_v, out_t = pool_v[-1], pool_t[-1]
    for k in range(len(pool_v) - 1):
        out_v, out_t = out_v + pool_v[k] * 0.5, out_t + pool_t[k] * 0.5
    return leaves_v, leaves_t, out_v, out_t


@check("autograd", "Value")
def _(P, R):
    V = P.Value
    v = V(2)
    assert isinstance(v.data, float) and v.data == 2.0 and v.grad == 0.0 and isinstance(v.grad, float), "Value(2)"
    for seed in range(12):
        lv, lt, ov, ot = _value_graph(V, seed, depth=40 if seed < 10 else 500)
        ov.backward()
        ot.backward()
        assert abs(ov.data - float(ot)) <= 1e-9 * (1 + abs(float(ot))), f"seed {seed}: value {ov.data} vs {float(ot)}"
        for a, b in zip(lv, lt):
            gb = 0.0 if b.grad is None else float(b.grad)
            assert abs(a.grad - gb) <= 1e-7 * (1 + abs(gb)), f"seed {seed}: grad {a.grad} vs {gb}"
    # a chain 600 deep (recursion limit) and reuse of a node
    x = V(0.3)
    y = x
    for _ in range(600):
        y = (y * 0.9 + 0.05).tanh()
    y.backward()
    xt = torch.tensor(0.3, dtype=F64, requires_grad=True)
    yt = xt
    for _ in range(600):
        yt = (yt * 0.9 + 0.05).tanh()
    yt.backward()
    assert abs(x.grad - float(xt.grad)) <= 1e-9 + 1e-7 * abs(float(xt.grad)), "deep chain"
    a = V(3.0)
    b = a * a + a
    b.backward()
    assert abs(a.grad - 7.0) < 1e-12, "node used twice"
    a = V(0.0)
    a.relu().backward()
    assert a.grad == 0.0, "relu'(0) = 0"
    a, b = V(2.0), V(4.0)
    c = 3 / a + 1 - b / 2 - (-a) * 2
    c.backward()
    assert abs(c.data - (1.5 + 1 - 2 + 4)) < 1e-12 and abs(a.grad - (-0.75 + 2)) < 1e-12 and abs(b.grad + 0.5) < 1e-12, "numbers on the left"


# =========================================================================== losses
def _pairs(dt, seed=0, shapes=((5,), (3, 4), (2, 3, 4), ())):
    for i, shape in enumerate(shapes):
        yield shape, rnd(*shape, dtype=dt, seed=seed + i), rnd(*shape, dtype=dt, seed=seed + 50 + i)


@check("losses", "mse")
def _(P, R):
    for dt in (F32, F64, F16):
        for shape, a, b in _pairs(dt):
            for red in ("mean", "sum", "none"):
                a0 = a.clone()
                close(P.mse(a, b, reduction=red), up(F.mse_loss)(a, b, reduction=red), *tol(dt), what=f"{dt} {shape} {red}")
                unchanged(a0, a, "y_hat")
            close(P.mse(a, b), up(F.mse_loss)(a, b), *tol(dt), what="default reduction")
    a, b = rnd(3, 4, dtype=F64, seed=1), rnd(3, 4, dtype=F64, seed=2)
    for red in ("mean", "sum", "none"):
        same_grads(lambda p, q: P.mse(p, q, reduction=red), lambda p, q: F.mse_loss(p, q, reduction=red), [a, b])
    same_grads(P.mse, F.mse_loss, [a, a])
    at, bt = rnd(4, 3, seed=1).T, rnd(4, 3, seed=2).T
    close(P.mse(at, bt), F.mse_loss(at, bt), 1e-5, 1e-6, what="non-contiguous")


@check("losses", "l1")
def _(P, R):
    for dt in (F32, F64, F16):
        for shape, a, b in _pairs(dt, seed=3):
            for red in ("mean", "sum", "none"):
                close(P.l1(a, b, reduction=red), up(F.l1_loss)(a, b, reduction=red), *tol(dt), what=f"{dt} {shape} {red}")
        close(P.l1(a, b), up(F.l1_loss)(a, b), *tol(dt), what="default")
    a, b = rnd(3, 4, dtype=F64, seed=1), rnd(3, 4, dtype=F64, seed=2)
    for red in ("mean", "sum", "none"):
        same_grads(lambda p, q: P.l1(p, q, reduction=red), lambda p, q: F.l1_loss(p, q, reduction=red), [a, b])


@check("losses", "huber")
def _(P, R):
    for dt in (F32, F64):
        for delta in (0.3, 1.0, 2.5):
            for shape, a, b in _pairs(dt, seed=5):
                a = a * 2
                close(P.huber(a, b, delta=delta), F.huber_loss(a, b, delta=delta), *tol(dt), what=f"{dt} δ={delta} {shape}")
        a, b = rnd(10, dtype=dt, seed=1) * 3, rnd(10, dtype=dt, seed=2)
        close(P.huber(a, b), F.huber_loss(a, b), *tol(dt), what="default delta")
    big = torch.tensor([1e200, -3e250, 0.5], dtype=F64)
    close(P.huber(big, torch.zeros(3, dtype=F64), delta=1.0), F.huber_loss(big, torch.zeros(3, dtype=F64)), 1e-7, 0,
          what="d² would overflow")
    big32 = torch.tensor([1e30, -2e25, 0.25])
    close(P.huber(big32, torch.zeros(3), delta=2.0), F.huber_loss(big32, torch.zeros(3), delta=2.0), 1e-5, 1e-6, what="f32 huge d")
    a, b = rnd(4, 5, dtype=F64, seed=1) * 2, rnd(4, 5, dtype=F64, seed=2)
    for delta in (0.5, 1.0):
        same_grads(lambda p, q: P.huber(p, q, delta=delta), lambda p, q: F.huber_loss(p, q, delta=delta), [a, b])
    a = torch.tensor([1e200, -1e210, 0.3], dtype=F64)
    g = grads_of(lambda p: P.huber(p, torch.zeros(3, dtype=F64)), [a])[0]
    assert bool(torch.isfinite(g).all()), "non-finite gradient at huge d"


@check("losses", "sigmoid")
def _(P, R):
    xs = torch.tensor([-709.0, -700.0, -100.0, -40.0, -3.0, -1e-4, 0.0, 2e-4, 5.0, 37.0, 100.0, 709.0], dtype=F64)
    close(P.sigmoid(xs), torch.sigmoid(xs), 1e-7, 0, what="float64 incl. tails")
    for dt in (F32, F16):
        x = torch.tensor([-1000.0, -100.0, -5.0, -0.5, 0.0, 0.5, 5.0, 100.0, 1000.0]).to(dt) if dt == F32 else \
            torch.tensor([-100.0, -5.0, -0.5, 0.0, 0.5, 5.0, 100.0], dtype=dt)
        close(P.sigmoid(x), up(torch.sigmoid)(x), *tol(dt), what=str(dt))
    x = rnd(3, 4, seed=1) * 4
    close(P.sigmoid(x), torch.sigmoid(x), 1e-5, 1e-6, what="2-D")
    xl = torch.tensor([-1000.0, -100.0, 100.0, 1000.0], dtype=F64, requires_grad=True)
    out = P.sigmoid(xl)
    out.sum().backward()
    assert bool(torch.isfinite(out).all() and torch.isfinite(xl.grad).all()), "inf/NaN at |x| >= 100"
    # torch's own backward, s·(1 − s), loses relative precision in the tails: compare there with the reference
    same_grads(P.sigmoid, torch.sigmoid, [torch.tensor([-5.0, -2.0, -0.1, 0.3, 4.0], dtype=F64)], 1e-7, 1e-30)
    same_grads(P.sigmoid, R.sigmoid, [torch.tensor([-30.0, -12.0, 0.7, 17.0, 25.0], dtype=F64)], 1e-7, 1e-30)


@check("losses", "bce")
def _(P, R):
    g = seeded(1)
    for dt in (F32, F64):
        for shape in [(6,), (3, 4)]:
            p = torch.rand(*shape, generator=g, dtype=dt) * 0.98 + 0.01
            for y in (torch.randint(0, 2, shape, generator=g).to(dt), torch.rand(*shape, generator=g, dtype=dt)):
                close(P.bce(p, y), F.binary_cross_entropy(p, y), 1e-5, 0, what=f"{dt} {shape}")
        p = torch.tensor([0.0, 1.0, 0.5, 1e-40 if dt == F64 else 1e-30, 1.0], dtype=dt)
        y = torch.tensor([1.0, 0.0, 1.0, 1.0, 1.0], dtype=dt)
        close(P.bce(p, y), F.binary_cross_entropy(p, y), 1e-5, 0, what=f"{dt} log floor at -100")
    p = torch.rand(3, 4, generator=g, dtype=F64) * 0.9 + 0.05
    y = torch.rand(3, 4, generator=g, dtype=F64)
    same_grads(P.bce, F.binary_cross_entropy, [p, y])


@check("losses", "bce_with_logits")
def _(P, R):
    g = seeded(2)
    for dt in (F32, F64):
        z = torch.randn(4, 5, generator=g, dtype=dt) * 3
        for y in (torch.randint(0, 2, (4, 5), generator=g).to(dt), torch.rand(4, 5, generator=g, dtype=dt)):
            close(P.bce_with_logits(z, y), F.binary_cross_entropy_with_logits(z, y), *tol(dt), what=str(dt))
    z = torch.tensor([1000.0, -1000.0, 1000.0, -1000.0, 3.0])
    y = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.5])
    close(P.bce_with_logits(z, y), F.binary_cross_entropy_with_logits(z, y), 0, 8 * 1.2e-7 * 1000, what="±1000 f32")
    z64 = torch.tensor([40.0, -40.0, 38.0, -38.0], dtype=F64)
    y64 = torch.tensor([1.0, 0.0, 1.0, 0.0], dtype=F64)
    got, ref = P.bce_with_logits(z64, y64), R.bce_with_logits(z64, y64)
    assert float(got) > 0 and abs(float(got) - float(ref)) <= 0.75 * float(ref), f"float64 tails: {float(got)} vs {float(ref)}"
    z = torch.randn(3, 4, generator=g, dtype=F64) * 2
    y = torch.rand(3, 4, generator=g, dtype=F64)
    same_grads(P.bce_with_logits, F.binary_cross_entropy_with_logits, [z, y])
    zl = torch.tensor([1000.0, -1000.0], dtype=F64, requires_grad=True)
    P.bce_with_logits(zl, torch.tensor([0.0, 1.0], dtype=F64)).backward()
    assert bool(torch.isfinite(zl.grad).all()), "non-finite gradient at ±1000"


@check("losses", "softmax")
def _(P, R):
    for dt in (F32, F64, F16):
        x = rnd(2, 3, 4, dtype=dt, seed=1) * 3
        for dim in (0, 1, 2, -1, -2):
            close(P.softmax(x, dim=dim), up(torch.softmax)(x, dim=dim), *tol(dt), what=f"{dt} dim={dim}")
        close(P.softmax(x), up(torch.softmax)(x, dim=-1), *tol(dt), what="default dim")
    x = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -999.0]])
    close(P.softmax(x, dim=1), torch.softmax(x, dim=1), 0, 8 * 1.2e-7 * 1000, what="±1000")
    x1 = rnd(4, 1, seed=3)
    close(P.softmax(x1, dim=1), torch.softmax(x1, dim=1), 1e-6, 1e-7, what="size-1 dim")
    for dim in (0, 1, -1):
        same_grads(lambda t: P.softmax(t, dim=dim), lambda t: torch.softmax(t, dim=dim), [rnd(3, 5, dtype=F64, seed=2) * 2])
    same_grads(lambda t: P.softmax(t, dim=1), lambda t: torch.softmax(t, dim=1), [rnd(3, 1, dtype=F64, seed=2)], 1e-7, 1e-12)


@check("losses", "log_softmax")
def _(P, R):
    for dt in (F32, F64, F16):
        x = rnd(2, 3, 4, dtype=dt, seed=1) * 3
        for dim in (0, 1, 2, -1):
            close(P.log_softmax(x, dim=dim), up(torch.log_softmax)(x, dim=dim), *tol(dt), what=f"{dt} dim={dim}")
        close(P.log_softmax(x), up(torch.log_softmax)(x, dim=-1), *tol(dt), what="default dim")
    x = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -999.0]])
    close(P.log_softmax(x, dim=1), torch.log_softmax(x, dim=1), 0, 8 * 1.2e-7 * 2000, what="±1000")
    assert bool(torch.isfinite(P.log_softmax(x, dim=1)).all()), "-inf at ±1000"
    for dim in (0, -1):
        same_grads(lambda t: P.log_softmax(t, dim=dim), lambda t: torch.log_softmax(t, dim=dim), [rnd(3, 5, dtype=F64, seed=2) * 2])


@check("losses", "cross_entropy")
def _(P, R):
    g = seeded(3)
    for dt in (F32, F64):
        for n, c in [(1, 2), (5, 3), (16, 10), (4, 4)]:
            z = torch.randn(n, c, generator=g, dtype=dt) * 2
            t = torch.randint(0, c, (n,), generator=g)
            close(P.cross_entropy(z, t), F.cross_entropy(z, t), *tol(dt), what=f"{dt} indices {n}x{c}")
            oh = F.one_hot(t, c)
            close(P.cross_entropy(z, oh.to(dt)), F.cross_entropy(z, oh.to(dt)), *tol(dt), what=f"{dt} one-hot float")
            close(P.cross_entropy(z, oh), F.cross_entropy(z, oh.to(dt)), *tol(dt), what=f"{dt} one-hot int64")
            pr = torch.softmax(torch.randn(n, c, generator=g, dtype=F64), 1)
            close(P.cross_entropy(z, pr.to(dt)), F.cross_entropy(z, pr.to(dt)), *tol(dt), what=f"{dt} probabilities")
    z = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    t = torch.tensor([1, 2])
    close(P.cross_entropy(z, t), F.cross_entropy(z, t), 0, 8 * 1.2e-7 * 2000, what="±1000")
    z = torch.randn(4, 3, generator=g, dtype=F64)
    t = torch.tensor([0, 2, 1, 2])
    same_grads(lambda q: P.cross_entropy(q, t), lambda q: F.cross_entropy(q, t), [z])
    pr = torch.softmax(torch.randn(4, 3, generator=g, dtype=F64), 1)
    same_grads(P.cross_entropy, F.cross_entropy, [z, pr])


def _prob_rows(shape, seed, zeros=True):
    g = seeded(seed)
    p = torch.rand(*shape, generator=g, dtype=F64) + 0.05
    if zeros:
        p[torch.rand(*shape, generator=g) < 0.25] = 0
        p[..., 0] = p[..., 0] + 0.1
    return p / p.sum(-1, keepdim=True)


@check("losses", "entropy")
def _(P, R):
    for shape in [(5,), (3, 4), (2, 3, 6), (1, 1)]:
        p = _prob_rows(shape, 1)
        exp = -(torch.where(p > 0, p * p.log(), torch.zeros_like(p))).sum(-1)
        close(P.entropy(p), exp, 1e-7, 1e-15, what=f"f64 {shape}")
        close(P.entropy(p.float()), exp.float(), 1e-5, 1e-6, what=f"f32 {shape}")
    p = _prob_rows((3, 4), 2, zeros=False)
    same_grads(P.entropy, R.entropy, [p])


@check("losses", "kl_div")
def _(P, R):
    for shape in [(5,), (3, 4), (2, 3, 6)]:
        p, q = _prob_rows(shape, 1), _prob_rows(shape, 2, zeros=False)
        close(P.kl_div(p, q), R.kl_div(p, q), 1e-7, 1e-15, what=f"f64 {shape}")
        close(P.kl_div(p.float(), q.float()), R.kl_div(p.float(), q.float()), 1e-5, 1e-6, what=f"f32 {shape}")
        close(P.kl_div(p, p), torch.zeros(shape[:-1], dtype=F64), 0, 1e-15, what="KL(p||p)")
    p = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0], [0.0, 1.0, 0.0]], dtype=F64)
    q = torch.tensor([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.5, 0.5]], dtype=F64)
    got = P.kl_div(p, q)
    assert math.isinf(float(got[0])) and float(got[0]) > 0, "q = 0 < p must give +inf"
    close(got[1:], R.kl_div(p, q)[1:], 1e-7, 0, what="zeros in p and q")
    p, q = _prob_rows((3, 4), 3, zeros=False), _prob_rows((3, 4), 4, zeros=False)
    same_grads(P.kl_div, R.kl_div, [p, q])


# =========================================================================== mlp
@check("mlp", "relu")
def _(P, R):
    for dt in (F32, F64, F16):
        x = torch.tensor([-1000.0, -3.0, -1e-3, 0.0, 2e-3, 5.0, 200.0 if dt == F16 else 1000.0], dtype=dt)
        close(P.relu(x), up(torch.relu)(x), *tol(dt), what=str(dt))
        x2 = rnd(3, 4, dtype=dt, seed=1)
        close(P.relu(x2), up(torch.relu)(x2), *tol(dt), what=f"{dt} 2-D")
    same_grads(P.relu, torch.relu, [torch.tensor([-2.0, -0.5, 0.5, 3.0], dtype=F64)])


@check("mlp", "tanh")
def _(P, R):
    for dt in (F32, F64, F16):
        x = torch.tensor([-1000.0, -20.0, -1.0, -1e-3, 0.0, 1e-4, 0.7, 19.0, 1000.0], dtype=F32).to(dt) if dt != F16 else \
            torch.tensor([-100.0, -1.0, -0.01, 0.0, 0.5, 8.0, 100.0], dtype=dt)
        got = P.tanh(x)
        assert bool(torch.isfinite(got).all()), "non-finite"
        close(got, up(torch.tanh)(x), *tol(dt), what=str(dt))
    x = rnd(4, 5, dtype=F64, seed=2) * 3
    close(P.tanh(x), torch.tanh(x), 1e-7, 0, what="f64 random")
    same_grads(P.tanh, torch.tanh, [torch.tensor([-5.0, -0.3, 0.2, 2.0], dtype=F64)])
    xl = torch.tensor([-1000.0, 1000.0], dtype=F64, requires_grad=True)
    P.tanh(xl).sum().backward()
    assert bool(torch.isfinite(xl.grad).all()), "gradient at ±1000"


@check("mlp", "hard_sigmoid_from_relus")
def _(P, R):
    for dt in (F32, F64):
        x = torch.cat([torch.linspace(-100, 100, 101, dtype=dt), torch.linspace(-1, 1, 41, dtype=dt)])
        exp = torch.relu(x + 0.5) - torch.relu(x - 0.5)
        close(P.hard_sigmoid_from_relus(x), exp, *tol(dt), what=str(dt))
    same_grads(P.hard_sigmoid_from_relus, lambda t: torch.relu(t + 0.5) - torch.relu(t - 0.5),
               [torch.tensor([-3.0, -0.2, 0.1, 0.45, 2.0], dtype=F64)])


@check("mlp", "dropout")
def _(P, R):
    x = torch.rand(200, 500, generator=seeded(1)) + 0.5
    assert torch.equal(P.dropout(x, 0.4, training=False), x), "training=False must return x unchanged"
    close(P.dropout(x, 0.0), x, 1e-6, 0, what="p = 0")
    z = P.dropout(x, 1.0)
    assert z.shape == x.shape and bool((z == 0).all()) and z.dtype == x.dtype, "p = 1 gives zeros"
    for p in (0.1, 0.5, 0.8):
        torch.manual_seed(0)
        y = P.dropout(x, p)
        kept = y != 0
        frac = float(kept.float().mean())
        assert abs(frac - (1 - p)) < 0.01, f"p={p}: kept fraction {frac}"
        close(y[kept], x[kept] / (1 - p), 1e-5, 1e-6, what=f"p={p} scaling")
        torch.manual_seed(0)
        assert torch.equal(P.dropout(x, p), y), "does not follow torch.manual_seed"
        assert abs(float(y.mean()) - float(x.mean())) < 0.02, "expectation changed"
    for dt in (F64, F16):
        xd = torch.ones(1000, dtype=dt)
        yd = P.dropout(xd, 0.5)
        assert yd.dtype == dt, f"dtype {yd.dtype} for {dt}"
    xg = torch.ones(50, dtype=F64, requires_grad=True)
    P.dropout(xg, 0.3).sum().backward()
    assert xg.grad is not None and set(torch.unique(xg.grad).tolist()) <= {0.0, 1 / 0.7}, "gradient"


@check("mlp", "xavier_uniform_")
def _(P, R):
    for shape in [(300, 200), (64, 32, 3, 3), (10, 400), (128, 16, 5)]:
        t = torch.empty(*shape)
        ptr = t.data_ptr()
        torch.manual_seed(0)
        out = P.xavier_uniform_(t)
        assert out is t and t.data_ptr() == ptr, "must fill in place and return the tensor"
        rf = math.prod(shape[2:])
        a = math.sqrt(6 / (shape[1] * rf + shape[0] * rf))
        assert float(t.abs().max()) <= a + 1e-6, "out of bounds"
        assert abs(float(t.var()) - a * a / 3) < 0.06 * a * a / 3, f"variance {float(t.var())} vs {a * a / 3}"
        assert abs(float(t.mean())) < 0.05 * a, "mean"
    p = nn.Parameter(torch.empty(20, 30))
    P.xavier_uniform_(p)
    assert p.requires_grad and p.grad is None, "parameter"


def _linears(m):
    return [x for x in m.modules() if isinstance(x, nn.Linear)]


@check("mlp", "LogisticRegression")
def _(P, R):
    for d in (1, 7, 8):
        torch.manual_seed(d)
        m = P.LogisticRegression(d)
        lin = _linears(m)
        assert len(lin) == 1 and tuple(lin[0].weight.shape) == (1, d), "one Linear(in, 1)"
        x = rnd(5, d, seed=d) * 3
        y = m(x)
        assert tuple(y.shape) == (5, 1)
        close(y, torch.sigmoid(lin[0](x)), 1e-6, 1e-7, what="sigmoid(linear(x))")
        y.sum().backward()
        assert all(p.grad is not None for p in m.parameters())


@check("mlp", "DiabetesNet")
def _(P, R):
    for d in (7, 8):
        m = P.DiabetesNet(d) if d != 8 else P.DiabetesNet()
        lin = _linears(m)
        assert [tuple(l.weight.shape) for l in lin] == [(6, d), (4, 6), (1, 4)], [tuple(l.weight.shape) for l in lin]
        assert all(l.bias is not None for l in lin)
        x = rnd(9, d, seed=1)
        y = m(x)
        exp = torch.sigmoid(lin[2](torch.sigmoid(lin[1](torch.sigmoid(lin[0](x))))))
        close(y, exp, 1e-6, 1e-7, what="formula")


@check("mlp", "MLP")
def _(P, R):
    acts = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}
    for sizes in ([64, 32, 10], [8, 5], [64, 40, 20, 10]):
        for act in acts:
            for p in (0.0, 0.5):
                torch.manual_seed(0)
                m = P.MLP(sizes, activation=act, dropout=p)
                lin = _linears(m)
                assert [tuple(l.weight.shape) for l in lin] == [(b, a) for a, b in zip(sizes[:-1], sizes[1:])], "layer shapes"
                m.eval()
                x = rnd(6, 1, 8, 8, seed=1) if sizes[0] == 64 else rnd(6, sizes[0], seed=1)
                h = x.reshape(6, -1)
                for i, l in enumerate(lin):
                    h = l(h)
                    if i < len(lin) - 1:
                        h = acts[act](h)
                close(m(x), h, 1e-5, 1e-6, what=f"{sizes} {act} p={p} eval")
                m.train()
                out = m(x)
                assert tuple(out.shape) == (6, sizes[-1])
                if p > 0 and len(sizes) > 2:
                    torch.manual_seed(1)
                    o1 = m(x)
                    torch.manual_seed(2)
                    o2 = m(x)
                    assert not torch.equal(o1, o2), "dropout inactive in train mode"
                out.sum().backward()
    m = P.MLP([64, 10])
    assert tuple(m(torch.randn(1, 64)).shape) == (1, 10) and tuple(m(torch.randn(3, 64)).shape) == (3, 10)


def _toy_loader(n=50, d=4, bs=16, classes=3, seed=0):
    g = seeded(seed)
    X = torch.randn(n, d, generator=g)
    y = torch.randint(0, classes, (n,), generator=g)
    return [(X[i:i + bs], y[i:i + bs]) for i in range(0, n, bs)]


@check("mlp", "train_epoch")
def _(P, R):
    for opt_name in ("sgd", "adam"):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.0), nn.ReLU(), nn.Linear(8, 3))
        twin = copy.deepcopy(model)
        mk = (lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)) if opt_name == "sgd" else (lambda ps: torch.optim.Adam(ps, lr=0.01))
        opt, opt2 = mk(model.parameters()), mk(twin.parameters())
        loader = _toy_loader()
        model.eval()
        got = P.train_epoch(model, loader, nn.CrossEntropyLoss(), opt, "cpu")
        assert model.training, "train mode"
        assert type(got) is float
        total, count = 0.0, 0
        for xb, yb in loader:
            loss = F.cross_entropy(twin(xb), yb)
            opt2.zero_grad()
            loss.backward()
            opt2.step()
            total += loss.item() * len(xb)
            count += len(xb)
        assert abs(got - total / count) < 1e-6, f"weighted mean loss {got} vs {total / count}"
        for a, b in zip(model.parameters(), twin.parameters()):
            close(a, b, 1e-6, 1e-7, what="parameters after the epoch")


@check("mlp", "evaluate")
def _(P, R):
    g = seeded(5)
    X = torch.randn(40, 3, generator=g)
    lin = nn.Linear(3, 1)
    prob_model = nn.Sequential(lin, nn.Sigmoid())
    labels = torch.randint(0, 2, (40,), generator=g)
    exp = float(((prob_model(X)[:, 0] > 0.5).long() == labels).float().mean())
    for lab in (labels.float(), labels.float()[:, None], labels):
        loader = [(X[i:i + 16], lab[i:i + 16]) for i in range(0, 40, 16)]
        prob_model.train()
        got = P.evaluate(prob_model, loader, "cpu")
        assert type(got) is float and abs(got - exp) < 1e-6, f"probabilities: {got} vs {exp}"
        assert not prob_model.training, "eval mode"
    cls = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.9))
    lab = torch.randint(0, 4, (40,), generator=g)
    cls.eval()
    exp = float((cls(X).argmax(1) == lab).float().mean())
    cls.train()
    got = P.evaluate(cls, [(X[i:i + 7], lab[i:i + 7]) for i in range(0, 40, 7)], "cpu")
    assert abs(got - exp) < 1e-6, f"scores: {got} vs {exp}"
    seen = []

    class Spy(nn.Module):
        def forward(self, x):
            seen.append(torch.is_grad_enabled())
            return torch.zeros(len(x), 2)
    P.evaluate(Spy(), [(X[:5], lab[:5])], "cpu")
    assert seen and not any(seen), "not under no_grad"


# =========================================================================== optim
@check("optim", "closed_form_linear_regression")
def _(P, R):
    g = seeded(0)
    for dt in (F64, F32):
        X = torch.randn(60, 5, generator=g, dtype=dt)
        for y in (torch.randn(60, generator=g, dtype=dt), torch.randn(60, 3, generator=g, dtype=dt)):
            X0 = X.clone()
            w = P.closed_form_linear_regression(X, y)
            exp = torch.linalg.lstsq(X.double(), y.double()).solution.to(dt)
            close(w, exp, 1e-8 if dt == F64 else 1e-4, 1e-10 if dt == F64 else 1e-5, what=f"{dt} y{tuple(y.shape)}")
            unchanged(X0, X, "X")


def _lin_data(dt, n=20, seed=0):
    g = seeded(seed)
    x = torch.randn(n, generator=g, dtype=dt)
    return x, 2.5 * x + 0.1 * torch.randn(n, generator=g, dtype=dt)


@check("optim", "gd_fit")
def _(P, R):
    for dt in (F32, F64):
        x, y = _lin_data(dt)
        for lr, steps in ((0.05, 30), (0.2, 5), (0.01, 1)):
            w, losses = P.gd_fit(x, y, lr, steps)
            rw, rl = R.gd_fit(x, y, lr, steps)
            assert isinstance(w, float) and isinstance(losses, list) and len(losses) == steps, "types/length"
            assert all(isinstance(v, float) for v in losses), "losses must be floats"
            assert abs(w - rw) <= 1e-5 * (1 + abs(rw)), f"w {w} vs {rw}"
            assert all(abs(a - b) <= 1e-5 * (1 + abs(b)) for a, b in zip(losses, rl)), "losses"


@check("optim", "sgd_fit")
def _(P, R):
    for dt in (F32, F64):
        x, y = _lin_data(dt, n=12, seed=1)
        for seed in (0, 5):
            w, losses = P.sgd_fit(x, y, 0.02, 6, generator=torch.Generator().manual_seed(seed))
            rw, rl = R.sgd_fit(x, y, 0.02, 6, generator=torch.Generator().manual_seed(seed))
            assert isinstance(w, float) and len(losses) == 6 and all(isinstance(v, float) for v in losses)
            assert abs(w - rw) <= 1e-5 * (1 + abs(rw)), f"w {w} vs {rw}"
            assert all(abs(a - b) <= 1e-5 * (1 + abs(b)) for a, b in zip(losses, rl)), "losses"
        torch.manual_seed(3)
        w, _ = P.sgd_fit(x, y, 0.02, 3)
        torch.manual_seed(3)
        rw, _ = R.sgd_fit(x, y, 0.02, 3)
        assert abs(w - rw) <= 1e-5 * (1 + abs(rw)), "default generator"


@check("optim", "minibatch_indices")
def _(P, R):
    for n, bs in ((10, 3), (7, 7), (5, 10), (1, 1), (64, 16)):
        for shuffle in (True, False):
            got = list(P.minibatch_indices(n, bs, shuffle=shuffle, generator=torch.Generator().manual_seed(n)))
            exp = list(R.minibatch_indices(n, bs, shuffle=shuffle, generator=torch.Generator().manual_seed(n)))
            assert len(got) == len(exp), f"{n},{bs}: {len(got)} batches vs {len(exp)}"
            for a, b in zip(got, exp):
                assert a.dtype == torch.int64 and torch.equal(a, b), f"{n},{bs},{shuffle}: {a} vs {b}"
    torch.manual_seed(1)
    got = torch.cat(list(P.minibatch_indices(9, 4)))
    torch.manual_seed(1)
    exp = torch.cat(list(R.minibatch_indices(9, 4)))
    assert torch.equal(got, exp), "defaults"


def _opt_problem(dt, seed=0):
    g = seeded(seed)
    w1 = torch.randn(5, 3, generator=g, dtype=dt)
    b1 = torch.randn(3, generator=g, dtype=dt)
    w2 = torch.randn(3, generator=g, dtype=dt)
    X = torch.randn(16, 5, generator=g, dtype=dt)
    y = torch.randn(16, generator=g, dtype=dt)

    def make():
        ps = [nn.Parameter(t.clone()) for t in (w1, b1, w2)]
        return ps

    def loss_fn(ps):
        return ((torch.tanh(X @ ps[0] + ps[1]) @ ps[2] - y) ** 2).mean()
    return make, loss_fn


def _run_opt(make_opt, make, loss_fn, steps, groups=False, closure=False, reload_at=None, opt_cls=None):
    ps = make()
    params = [{"params": ps[:2]}, {"params": ps[2:], "lr": 0.003}] if groups else ps
    opt = make_opt(params)
    for s in range(steps):
        if reload_at is not None and s == reload_at:
            sd = opt.state_dict()
            opt = make_opt([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.003}] if groups else ps)
            opt.load_state_dict(sd)
        if closure:
            def cl():
                opt.zero_grad()
                l = loss_fn(ps)
                l.backward()
                return l
            out = opt.step(cl)
            assert isinstance(out, torch.Tensor) and out.requires_grad is not None, "step(closure) returns the loss tensor"
        else:
            opt.zero_grad()
            loss_fn(ps).backward()
            assert opt.step() is None, "step() without closure returns None"
    return ps


def _compare_opt(mine, theirs, configs):
    for dt, rt, at in ((F32, 1e-4, 1e-6), (F64, 1e-10, 1e-10)):
        make, loss_fn = _opt_problem(dt)
        for kw in configs:
            for groups, closure, reload_at in ((False, False, None), (True, True, None), (False, False, 20)):
                a = _run_opt(lambda p: mine(p, **kw), make, loss_fn, 50, groups, closure, reload_at)
                b = _run_opt(lambda p: theirs(p, **kw), make, loss_fn, 50, groups, closure, None)
                for i, (x, y) in enumerate(zip(a, b)):
                    close(x, y, rt, at, what=f"{dt} {kw} groups={groups} closure={closure} reload={reload_at} param {i}")


@check("optim", "SGD")
def _(P, R):
    assert P.SGD.__bases__ == (torch.optim.Optimizer,), "direct subclass of torch.optim.Optimizer"
    configs = [dict(lr=0.05), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3),
               dict(lr=0.05, momentum=0.8, nesterov=True), dict(lr=0.05, weight_decay=0.1),
               dict(lr=0.02, momentum=0.9, weight_decay=0.01, nesterov=True)]
    _compare_opt(P.SGD, torch.optim.SGD, configs)
    # a parameter without a gradient is skipped
    p1, p2 = nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(2))
    opt = P.SGD([p1, p2], lr=0.1, momentum=0.9)
    (p1 * 2).sum().backward()
    opt.step()
    assert torch.equal(p2.detach(), torch.ones(2)) and torch.allclose(p1.detach(), torch.full((2,), 0.8))


@check("optim", "Adam")
def _(P, R):
    assert P.Adam.__bases__ == (torch.optim.Optimizer,), "direct subclass of torch.optim.Optimizer"
    configs = [dict(), dict(lr=0.01), dict(lr=0.01, betas=(0.8, 0.99)), dict(lr=0.005, weight_decay=0.1),
               dict(lr=0.01, eps=1e-6)]
    _compare_opt(P.Adam, torch.optim.Adam, configs)


@check("optim", "ema")
def _(P, R):
    for dt in (F32, F64, F16):
        for T in (1, 2, 10, 100, 700):
            v = torch.randn(T, generator=seeded(T), dtype=F64).to(dt)
            v0 = v.clone()
            for beta in (0.0, 0.5, 0.9, 0.99):
                for bc in (True, False):
                    got = P.ema(v, beta, bias_correction=bc)
                    exp = R.ema(v, beta, bias_correction=bc)
                    rt, at = (1e-2, 1e-3) if dt == F16 else (1e-4, 1e-6)
                    close(got, exp, rt, at, what=f"{dt} T={T} beta={beta} bc={bc}")
            close(P.ema(v, 0.9), R.ema(v, 0.9), *((1e-2, 1e-3) if dt == F16 else (1e-4, 1e-6)), what="default")
            unchanged(v0, v, "values")


@check("optim", "DiabetesDataset")
def _(P, R):
    g = seeded(0)
    with tempfile.TemporaryDirectory() as d:
        for n, feats in ((25, 7), (3, 8)):
            table = torch.cat([torch.randn(n, feats, generator=g), torch.randint(0, 2, (n, 1), generator=g).float()], 1)
            path = os.path.join(d, f"t{n}.csv.gz")
            with gzip.open(path, "wt") as fh:
                for row in table.tolist():
                    fh.write(",".join(f"{v:.6f}" for v in row) + "\n")
            ds = P.DiabetesDataset(path)
            ref = R.DiabetesDataset(path)
            assert isinstance(ds, torch.utils.data.Dataset) and len(ds) == n, "len"
            for i in (0, n - 1, n // 2):
                xf, yl = ds[i]
                rx, ry = ref[i]
                close(xf, rx, 0, 0, what=f"features row {i}")
                close(yl, ry, 0, 0, what=f"label row {i}")
            batches = list(torch.utils.data.DataLoader(ds, batch_size=8))
            assert tuple(batches[0][0].shape) == (min(8, n), feats) and tuple(batches[0][1].shape) == (min(8, n), 1)


@check("optim", "k_fold_indices")
def _(P, R):
    for n, k in ((10, 3), (10, 5), (7, 7), (3, 5), (100, 7), (1, 1), (0, 2)):
        got = P.k_fold_indices(n, k)
        exp = list(torch.arange(n).tensor_split(k))
        assert isinstance(got, list) and len(got) == k, f"{n},{k}: {len(got)} folds"
        for a, b in zip(got, exp):
            assert a.dtype == torch.int64 and torch.equal(a, b), f"{n},{k}: {a} vs {b}"


# =========================================================================== cnn
@check("cnn", "corr2d")
def _(P, R):
    for dt in (F32, F64):
        for (H, W), (kh, kw) in (((6, 7), (3, 3)), ((5, 5), (1, 1)), ((8, 6), (4, 5)), ((3, 3), (3, 3)), ((9, 9), (2, 4))):
            x, k = rnd(H, W, dtype=dt, seed=H), rnd(kh, kw, dtype=dt, seed=kw)
            exp = F.conv2d(x[None, None], k[None, None])[0, 0]
            close(P.corr2d(x, k), exp, 1e-5, 1e-5, what=f"{dt} {H}x{W} * {kh}x{kw}")
    x, k = rnd(5, 6, dtype=F64, seed=1), rnd(2, 3, dtype=F64, seed=2)
    same_grads(P.corr2d, lambda a, b: F.conv2d(a[None, None], b[None, None])[0, 0], [x, k])
    x, k = rnd(7, 7, dtype=F64, seed=3), rnd(4, 4, dtype=F64, seed=4)
    same_grads(P.corr2d, lambda a, b: F.conv2d(a[None, None], b[None, None])[0, 0], [x, k])
    xt = rnd(6, 5, seed=5).T
    close(P.corr2d(xt, rnd(2, 2, seed=6)), F.conv2d(xt[None, None], rnd(2, 2, seed=6)[None, None])[0, 0], 1e-5, 1e-5, what="non-contiguous")


@check("cnn", "conv2d")
def _(P, R):
    for dt in (F32, F64):
        for (N, C, H, W, O, k, s, p, bias) in ((2, 3, 7, 7, 4, 3, 1, 1, True), (1, 1, 8, 8, 2, 5, 1, 2, False),
                                               (2, 2, 9, 6, 3, 3, 2, 0, True), (3, 4, 5, 5, 2, 1, 1, 0, True),
                                               (1, 3, 10, 9, 5, 4, 3, 2, True), (2, 2, 6, 6, 3, 5, 2, 1, False)):
            x, w = rnd(N, C, H, W, dtype=dt, seed=H), rnd(O, C, k, k, dtype=dt, seed=k)
            b = rnd(O, dtype=dt, seed=O) if bias else None
            close(P.conv2d(x, w, b, s, p), F.conv2d(x, w, b, s, p), 1e-5 if dt == F32 else 1e-7, 1e-5 if dt == F32 else 1e-10,
                  what=f"{dt} {(N, C, H, W, O, k, s, p, bias)}")
        x, w = rnd(2, 3, 5, 5, dtype=dt, seed=1), rnd(4, 3, 3, 3, dtype=dt, seed=2)
        close(P.conv2d(x, w), F.conv2d(x, w), 1e-5 if dt == F32 else 1e-7, 1e-5 if dt == F32 else 1e-10, what="defaults")
        xw = rnd(2, 3, 6, 6, dtype=dt, seed=4)
        wr = rnd(2, 3, 2, 3, dtype=dt, seed=5)
        close(P.conv2d(xw, wr, None, 1, 1), F.conv2d(xw, wr, None, 1, 1), 1e-5 if dt == F32 else 1e-7,
              1e-5 if dt == F32 else 1e-10, what="non-square kernel")
    xn = rnd(2, 5, 5, 3, seed=3).permute(0, 3, 1, 2)
    wn = rnd(2, 3, 3, 3, seed=4)
    close(P.conv2d(xn, wn, None, 1, 1), F.conv2d(xn, wn, None, 1, 1), 1e-5, 1e-5, what="non-contiguous")
    x, w, b = rnd(2, 2, 5, 5, dtype=F64, seed=1), rnd(3, 2, 3, 3, dtype=F64, seed=2), rnd(3, dtype=F64, seed=3)
    for s, p in ((1, 1), (2, 0), (2, 2)):
        same_grads(lambda a, c, d: P.conv2d(a, c, d, s, p), lambda a, c, d: F.conv2d(a, c, d, s, p), [x, w, b])
    w5 = rnd(3, 2, 5, 5, dtype=F64, seed=9)
    same_grads(lambda a, c, d: P.conv2d(a, c, d, 1, 2), lambda a, c, d: F.conv2d(a, c, d, 1, 2), [x, w5, b])


@check("cnn", "conv_output_size")
def _(P, R):
    for n, k, p, s in ((28, 5, 0, 1), (28, 5, 2, 1), (7, 3, 1, 2), (8, 2, 0, 2), (9, 3, 0, 2), (5, 5, 0, 1),
                       (2 ** 52 + 1, 3, 1, 3), (10 ** 15 + 7, 4, 2, 7)):
        got = P.conv_output_size(n, k, p, s)
        assert got == (n + 2 * p - k) // s + 1 and isinstance(got, int), f"{(n, k, p, s)} -> {got}"
    assert P.conv_output_size(28, 5) == 24


@check("cnn", "max_pool2d")
def _(P, R):
    for dt in (F32, F64):
        for (N, C, H, W, k, s) in ((2, 3, 8, 8, 2, None), (1, 2, 7, 9, 3, 2), (2, 1, 6, 6, 3, 1), (1, 1, 5, 5, 2, 2),
                                   (2, 2, 9, 7, 2, 3), (1, 1, 4, 4, 4, None)):
            x = rnd(N, C, H, W, dtype=dt, seed=H + W)
            exp = F.max_pool2d(x, k, s)
            got = P.max_pool2d(x, k, s) if s is not None else P.max_pool2d(x, k)
            close(got, exp, 0, 0, what=f"{dt} {(N, C, H, W, k, s)}")
    x = rnd(2, 2, 6, 7, dtype=F64, seed=1)
    same_grads(lambda t: P.max_pool2d(t, 2), lambda t: F.max_pool2d(t, 2), [x])
    same_grads(lambda t: P.max_pool2d(t, 3, 2), lambda t: F.max_pool2d(t, 3, 2), [x])
    xn = rnd(2, 6, 6, 3, seed=2).permute(0, 3, 1, 2)
    close(P.max_pool2d(xn, 2), F.max_pool2d(xn, 2), 0, 0, what="non-contiguous")


_DIGITS = None


def _digits():
    global _DIGITS
    if _DIGITS is None:
        try:
            from sklearn.datasets import load_digits
            d = load_digits()
            X = torch.tensor(d.data, dtype=F32).reshape(-1, 1, 8, 8) / 16.0
            y = torch.tensor(d.target, dtype=torch.int64)
        except Exception:
            g = seeded(0)
            protos = torch.rand(10, 1, 8, 8, generator=g)
            y = torch.randint(0, 10, (1500,), generator=g)
            X = protos[y] + 0.3 * torch.randn(1500, 1, 8, 8, generator=g)
        _DIGITS = (X, y)
    return _DIGITS


def _train_digits(model, epochs=6, lr=2e-3):
    X, y = _digits()
    torch.manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n = len(X)
    tr = torch.randperm(n, generator=seeded(1))
    test_idx, train_idx = tr[: n // 5], tr[n // 5:]
    for _ in range(epochs):
        model.train()
        for b in train_idx[torch.randperm(len(train_idx), generator=seeded(2))].split(32):
            loss = F.cross_entropy(model(X[b]), y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        return float((model(X[test_idx]).argmax(1) == y[test_idx]).float().mean())


def _shapes_and_grads(model, in_ch, num_classes, sizes):
    for (h, w) in sizes:
        for n in (1, 3):
            model.train()
            out = model(torch.randn(n, in_ch, h, w))
            assert tuple(out.shape) == (n, num_classes), f"{(n, in_ch, h, w)} -> {tuple(out.shape)}"
    model.zero_grad()
    model.train()
    model(torch.randn(4, in_ch, 12, 12)).pow(2).sum().backward()
    missing = [name for name, p in model.named_parameters() if p.grad is None or float(p.grad.abs().sum()) == 0]
    assert not missing, f"no gradient reaches {missing}"


@check("cnn", "SimpleCNN")
def _(P, R):
    torch.manual_seed(0)
    m = P.SimpleCNN()
    convs = [c for c in m.modules() if isinstance(c, nn.Conv2d)]
    assert len(convs) >= 2 and convs[0].out_channels >= 8 and convs[1].out_channels >= 16, "two convolutions, 8 and 16+"
    _shapes_and_grads(m, 1, 10, [(8, 8), (28, 28), (9, 13)])
    m3 = P.SimpleCNN(num_classes=4, in_channels=3)
    _shapes_and_grads(m3, 3, 4, [(8, 8), (16, 10)])
    acc = _train_digits(P.SimpleCNN())
    assert acc > 0.75, f"digits accuracy {acc:.3f}"


# =========================================================================== resnet
def _trace(module, x):
    """Run module(x) recording (submodule, input, output) for every Conv2d / BatchNorm2d / AvgPool call."""
    calls = []
    hooks = [m.register_forward_hook(lambda mod, inp, out: calls.append((mod, inp[0], out)))
             for m in module.modules() if isinstance(m, (nn.Conv2d, nn.BatchNorm2d))]
    try:
        y = module(x)
    finally:
        for h in hooks:
            h.remove()
    return y, calls


def _fed_by(calls, tensor, kind=None):
    for mod, inp, out in calls:
        if (kind is None or isinstance(mod, kind)) and torch.equal(inp, tensor) and inp.shape == tensor.shape:
            yield mod, out


def _randomise_bn(module, seed):
    g = seeded(seed)
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.3)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=g) * 0.2)


@check("resnet", "ResidualBlock")
def _(P, R):
    for c in (1, 4, 16):
        torch.manual_seed(c)
        blk = P.ResidualBlock(c)
        convs = [m for m in blk.modules() if isinstance(m, nn.Conv2d)]
        assert len(convs) == 2 and all(m.kernel_size == (3, 3) and m.padding == (1, 1) and m.bias is not None
                                       and m.in_channels == c and m.out_channels == c for m in convs), "two 3x3 convs, padding 1, bias"
        x = rnd(2, c, 7, 5, seed=c)
        y, calls = _trace(blk, x)
        conv1 = [m for m, _ in _fed_by(calls, x, nn.Conv2d)]
        assert len(conv1) == 1, "exactly one conv reads x"
        c1 = conv1[0]
        c2 = [m for m in convs if m is not c1][0]
        exp = torch.relu(x + c2(torch.relu(c1(x))))
        close(y, exp, 1e-5, 1e-6, what=f"relu(x + conv2(relu(conv1(x)))) c={c}")
    blk = P.ResidualBlock(3).double()
    xg = rnd(1, 3, 4, 4, dtype=F64, seed=1).requires_grad_(True)
    blk(xg).sum().backward()
    assert all(p.grad is not None for p in blk.parameters()) and xg.grad is not None


@check("resnet", "batch_norm")
def _(P, R):
    g = seeded(0)
    for dt in (F32, F64):
        for shape in ((8, 3), (4, 3, 5, 5), (2, 4, 1, 1), (16, 2, 3, 2)):
            C = shape[1]
            x = torch.randn(*shape, generator=g, dtype=dt) * 2 + 1
            gamma, beta = torch.rand(C, generator=g, dtype=dt) + 0.5, torch.randn(C, generator=g, dtype=dt)
            for training in (True, False):
                for momentum in (0.1, 0.3):
                    rm, rv = torch.randn(C, generator=g, dtype=dt), torch.rand(C, generator=g, dtype=dt) + 0.5
                    rm2, rv2 = rm.clone(), rv.clone()
                    ptrs = (rm.data_ptr(), rv.data_ptr())
                    x0 = x.clone()
                    y = P.batch_norm(x, gamma, beta, rm, rv, training, momentum, 1e-5)
                    exp = F.batch_norm(x, rm2, rv2, gamma, beta, training, momentum, 1e-5)
                    close(y, exp, *(1e-5, 1e-5) if dt == F32 else (1e-7, 1e-10), what=f"{dt} {shape} training={training} m={momentum}")
                    close(rm, rm2, 1e-5 if dt == F32 else 1e-10, 1e-6 if dt == F32 else 1e-12, what="running_mean")
                    close(rv, rv2, 1e-5 if dt == F32 else 1e-10, 1e-6 if dt == F32 else 1e-12, what="running_var")
                    assert (rm.data_ptr(), rv.data_ptr()) == ptrs, "running stats must be updated in place"
                    unchanged(x0, x, "x")
        rm, rv = torch.zeros(3, dtype=dt), torch.ones(3, dtype=dt)
        x = torch.randn(5, 3, 2, 2, generator=g, dtype=dt)
        close(P.batch_norm(x, torch.ones(3, dtype=dt), torch.zeros(3, dtype=dt), rm, rv, True),
              F.batch_norm(x, torch.zeros(3, dtype=dt), torch.ones(3, dtype=dt), torch.ones(3, dtype=dt),
                           torch.zeros(3, dtype=dt), True), 1e-5, 1e-5, what="defaults")
    x = 1e5 + 1e-2 * torch.randn(64, 3, generator=g, dtype=F64)
    rm, rv = torch.zeros(3, dtype=F64), torch.ones(3, dtype=F64)
    rm2, rv2 = rm.clone(), rv.clone()
    one, zero = torch.ones(3, dtype=F64), torch.zeros(3, dtype=F64)
    close(P.batch_norm(x, one, zero, rm, rv, True), F.batch_norm(x, rm2, rv2, one, zero, True), 1e-6, 1e-8,
          what="mean 1e5, spread 1e-2")
    close(rv, rv2, 1e-6, 1e-12, what="running_var at large mean")
    x = torch.randn(6, 3, 2, 2, generator=g, dtype=F64)
    gm, bt = torch.rand(3, generator=g, dtype=F64) + 0.5, torch.randn(3, generator=g, dtype=F64)
    for training in (True, False):
        same_grads(lambda a, b, c: P.batch_norm(a, b, c, torch.zeros(3, dtype=F64), torch.ones(3, dtype=F64), training),
                   lambda a, b, c: F.batch_norm(a, torch.zeros(3, dtype=F64), torch.ones(3, dtype=F64), b, c, training),
                   [x, gm, bt], 1e-7, 1e-10)


@check("resnet", "BasicBlock")
def _(P, R):
    for cin, cout, stride in ((8, 8, 1), (4, 8, 1), (8, 8, 2), (3, 6, 2)):
        torch.manual_seed(cin + stride)
        blk = P.BasicBlock(cin, cout, stride) if stride != 1 else P.BasicBlock(cin, cout)
        convs = [m for m in blk.modules() if isinstance(m, nn.Conv2d)]
        bns = [m for m in blk.modules() if isinstance(m, nn.BatchNorm2d)]
        project = stride != 1 or cin != cout
        assert len(convs) == (3 if project else 2) and len(bns) == len(convs), "conv/BN count"
        assert all(c.bias is None for c in convs), "convolutions without bias"
        _randomise_bn(blk, cin)
        blk.eval()
        x = rnd(2, cin, 9, 8, seed=cin)
        y, calls = _trace(blk, x)
        assert tuple(y.shape) == (2, cout, math.ceil(9 / stride), math.ceil(8 / stride)), f"shape {tuple(y.shape)}"
        readers = list(_fed_by(calls, x, nn.Conv2d))
        c1 = [m for m, _ in readers if m.kernel_size == (3, 3)]
        sc = [m for m, _ in readers if m.kernel_size == (1, 1)]
        assert len(c1) == 1 and c1[0].stride == (stride, stride) and c1[0].padding == (1, 1), "first 3x3 conv"
        assert len(sc) == (1 if project else 0), "projection shortcut"
        c1 = c1[0]
        o1 = [o for m, o in readers if m is c1][0]
        bn1 = [m for m, _ in _fed_by(calls, o1, nn.BatchNorm2d)][0]
        h = torch.relu(bn1(c1(x)))
        c2 = [m for m in convs if m is not c1 and m.kernel_size == (3, 3)][0]
        o2 = c2(h)
        bn2 = [m for m, _ in _fed_by(calls, o2, nn.BatchNorm2d)][0]
        main = bn2(o2)
        if project:
            s_out = sc[0](x)
            sbn = [m for m, _ in _fed_by(calls, s_out, nn.BatchNorm2d)][0]
            short = sbn(s_out)
        else:
            short = x
        close(y, torch.relu(main + short), 1e-5, 1e-6, what=f"formula {(cin, cout, stride)}")
        blk.train()
        blk(x).sum().backward()
        assert all(p.grad is not None for p in blk.parameters()), "gradients"


def _holds_blocks(P, model):
    kinds = tuple(getattr(P, n) for n in ("ResidualBlock", "BasicBlock") if hasattr(P, n) and isinstance(getattr(P, n), type))
    return sum(isinstance(m, kinds) for m in model.modules())


@check("resnet", "SmallResNet")
def _(P, R):
    torch.manual_seed(0)
    m = P.SmallResNet()
    assert _holds_blocks(P, m) >= 2, "at least two residual blocks of this module"
    _shapes_and_grads(m, 1, 10, [(8, 8), (28, 28), (9, 13)])
    m3 = P.SmallResNet(in_channels=3, num_classes=5)
    _shapes_and_grads(m3, 3, 5, [(8, 8), (10, 12)])
    acc = _train_digits(P.SmallResNet())
    assert acc > 0.75, f"digits accuracy {acc:.3f}"


# =========================================================================== inception
def _inception_expected(blk, x):
    y, calls = _trace(blk, x)
    convs = [m for m in blk.modules() if isinstance(m, nn.Conv2d)]
    first = list(_fed_by(calls, x, nn.Conv2d))
    pooled = F.avg_pool2d(x, 3, stride=1, padding=1)
    pool_conv = [m for m, _ in _fed_by(calls, pooled, nn.Conv2d)]
    assert len(pool_conv) == 1 and pool_conv[0].out_channels == 24 and pool_conv[0].kernel_size == (1, 1), "pool branch"
    ones = [(m, o) for m, o in first if m.kernel_size == (1, 1) and m.out_channels == 16]
    assert len(ones) == 3, "three 1x1 -> 16 convolutions read x"
    b1 = b5 = b3 = None
    for m, o in ones:
        nxt = list(_fed_by(calls, o, nn.Conv2d))
        if not nxt:
            b1 = m(x)
        elif nxt[0][0].kernel_size == (5, 5):
            assert nxt[0][0].padding == (2, 2) and nxt[0][0].out_channels == 24
            b5 = nxt[0][0](m(x))
        else:
            c2 = nxt[0][0]
            o2 = nxt[0][1]
            c3 = list(_fed_by(calls, o2, nn.Conv2d))[0][0]
            assert c2.kernel_size == c3.kernel_size == (3, 3) and c3.out_channels == 24
            b3 = c3(c2(m(x)))
    assert b1 is not None and b5 is not None and b3 is not None, "branch structure"
    assert len(convs) == 7 and all(c.bias is not None for c in convs), "seven convolutions with bias"
    return y, torch.cat([b1, b5, b3, pool_conv[0](pooled)], 1)


@check("inception", "InceptionA")
def _(P, R):
    for cin in (1, 10, 20):
        torch.manual_seed(cin)
        blk = P.InceptionA(cin)
        for (n, h, w) in ((2, 7, 5), (1, 1, 1), (3, 8, 8)):
            x = rnd(n, cin, h, w, seed=h)
            y, exp = _inception_expected(blk, x)
            assert tuple(y.shape) == (n, 88, h, w)
            close(y, exp, 1e-5, 1e-6, what=f"cat order/values cin={cin} {(n, h, w)}")
        blk.zero_grad()
        blk(rnd(2, cin, 6, 6, seed=1)).pow(2).sum().backward()
        assert all(p.grad is not None and float(p.grad.abs().sum()) > 0 for p in blk.parameters()), "every branch gets gradient"


@check("inception", "conv_mults")
def _(P, R):
    assert P.conv_mults(28, 28, 192, 32, 5) == 120422400
    assert P.conv_mults(28, 28, 192, 16, 1) + P.conv_mults(28, 28, 16, 32, 5) == 12443648
    for args in ((1, 1, 1, 1, 1), (7, 9, 3, 5, 3), (100, 100, 512, 512, 7)):
        got = P.conv_mults(*args)
        h, w, ci, co, k = args
        assert got == k * k * ci * co * h * w and isinstance(got, int), f"{args} -> {got}"


@check("inception", "GoogLeNetMini")
def _(P, R):
    for in_ch, ncls, size in ((1, 10, 28), (1, 10, 8), (3, 5, 12), (1, 10, 16)):
        torch.manual_seed(size)
        m = P.GoogLeNetMini(in_ch, ncls, size) if (in_ch, ncls, size) != (1, 10, 28) else P.GoogLeNetMini()
        incs = [x for x in m.modules() if isinstance(x, P.InceptionA)]
        assert len(incs) == 2, "two InceptionA instances"
        for n in (1, 4):
            out = m(torch.randn(n, in_ch, size, size))
            assert tuple(out.shape) == (n, ncls), f"{(in_ch, ncls, size)}: {tuple(out.shape)}"
        m.zero_grad()
        m(torch.randn(3, in_ch, size, size)).pow(2).sum().backward()
        missing = [k for k, p in m.named_parameters() if p.grad is None]
        assert not missing, f"no gradient: {missing}"
    acc = _train_digits(P.GoogLeNetMini(1, 10, 8), epochs=4)
    assert acc > 0.75, f"digits accuracy {acc:.3f}"


# =========================================================================== rnn
def _cell_weights(inp, hid, mult, dt, seed):
    g = seeded(seed)
    return [torch.randn(mult * hid, inp, generator=g, dtype=dt) * 0.5, torch.randn(mult * hid, hid, generator=g, dtype=dt) * 0.5,
            torch.randn(mult * hid, generator=g, dtype=dt) * 0.5, torch.randn(mult * hid, generator=g, dtype=dt) * 0.5]


def _torch_cell(cls, x, h, w_ih, w_hh, b_ih, b_hh):
    cell = cls(w_ih.shape[1], h.shape[1]).to(x.dtype)
    return torch.func.functional_call(cell, {"weight_ih": w_ih, "weight_hh": w_hh, "bias_ih": b_ih, "bias_hh": b_hh}, (x, h))


@check("rnn", "rnn_cell")
def _(P, R):
    for dt in (F32, F64):
        for b, i, hsz in ((1, 3, 4), (5, 2, 7), (3, 8, 8)):
            x, h = rnd(b, i, dtype=dt, seed=b), rnd(b, hsz, dtype=dt, seed=i)
            ws = _cell_weights(i, hsz, 1, dt, hsz)
            exp = _torch_cell(nn.RNNCell, x, h, *ws)
            close(P.rnn_cell(x, h, *ws), exp, 1e-5 if dt == F32 else 1e-7, 1e-5 if dt == F32 else 1e-10, what=f"{dt} {(b, i, hsz)}")
    x, h = rnd(3, 4, dtype=F64, seed=1), rnd(3, 5, dtype=F64, seed=2)
    ws = _cell_weights(4, 5, 1, F64, 3)
    same_grads(P.rnn_cell, lambda *a: _torch_cell(nn.RNNCell, *a), [x, h, *ws])


@check("rnn", "gru_cell")
def _(P, R):
    for dt in (F32, F64):
        for b, i, hsz in ((1, 3, 4), (5, 2, 7), (3, 8, 8)):
            x, h = rnd(b, i, dtype=dt, seed=b), rnd(b, hsz, dtype=dt, seed=i)
            ws = _cell_weights(i, hsz, 3, dt, hsz)
            exp = _torch_cell(nn.GRUCell, x, h, *ws)
            close(P.gru_cell(x, h, *ws), exp, 1e-5 if dt == F32 else 1e-7, 1e-5 if dt == F32 else 1e-10, what=f"{dt} {(b, i, hsz)}")
    x, h = rnd(3, 4, dtype=F64, seed=1), rnd(3, 5, dtype=F64, seed=2)
    ws = _cell_weights(4, 5, 3, F64, 3)
    same_grads(P.gru_cell, lambda *a: _torch_cell(nn.GRUCell, *a), [x, h, *ws])


def _torch_rnn(x, h0, flat):
    L = h0.shape[0]
    rnn = nn.RNN(x.shape[2], h0.shape[2], num_layers=L).to(x.dtype)
    names = [n for layer in range(L) for n in (f"weight_ih_l{layer}", f"weight_hh_l{layer}", f"bias_ih_l{layer}", f"bias_hh_l{layer}")]
    return torch.func.functional_call(rnn, dict(zip(names, flat)), (x, h0))


@check("rnn", "rnn_forward")
def _(P, R):
    for dt in (F32, F64):
        for T, B, I, H, L in ((1, 1, 3, 4, 1), (5, 2, 3, 4, 2), (4, 3, 6, 5, 3), (7, 1, 2, 2, 1)):
            x, h0 = rnd(T, B, I, dtype=dt, seed=T), rnd(L, B, H, dtype=dt, seed=L)
            params = [tuple(_cell_weights(I if l == 0 else H, H, 1, dt, 10 * l + H)) for l in range(L)]
            out, hn = P.rnn_forward(x, h0, params)
            eo, eh = _torch_rnn(x, h0, [t for p in params for t in p])
            rt, at = (1e-5, 1e-5) if dt == F32 else (1e-7, 1e-10)
            close(out, eo, rt, at, what=f"output {dt} {(T, B, I, H, L)}")
            close(hn, eh, rt, at, what=f"h_n {dt} {(T, B, I, H, L)}")
    T, B, I, H, L = 4, 2, 3, 3, 2
    x, h0 = rnd(T, B, I, dtype=F64, seed=1), rnd(L, B, H, dtype=F64, seed=2)
    flat = [t for l in range(L) for t in _cell_weights(I if l == 0 else H, H, 1, F64, l)]

    def mine(x, h0, *fl):
        return P.rnn_forward(x, h0, [tuple(fl[4 * l:4 * l + 4]) for l in range(L)])
    same_grads(mine, lambda x, h0, *fl: _torch_rnn(x, h0, list(fl)), [x, h0, *flat])


@check("rnn", "embedding_lookup")
def _(P, R):
    for dt in (F32, F64):
        w = rnd(10, 4, dtype=dt, seed=1)
        for idx in (torch.tensor([1, 3, 3, 9]), torch.tensor([[0, 2], [2, 5], [9, 9]]), torch.tensor(7),
                    torch.randint(0, 10, (2, 3, 4), generator=seeded(2))):
            close(P.embedding_lookup(w, idx), F.embedding(idx, w), 0, 0, what=f"{dt} idx{tuple(idx.shape)}")
    w = rnd(6, 3, dtype=F64, seed=3)
    idx = torch.tensor([[1, 1, 4], [0, 1, 5]])
    same_grads(lambda t: P.embedding_lookup(t, idx), lambda t: F.embedding(idx, t), [w])


@check("rnn", "encode_chars")
def _(P, R):
    got = P.encode_chars("hello", "ehlo")
    assert got.dtype == torch.int64 and torch.equal(got, torch.tensor([1, 0, 2, 2, 3])), str(got)
    got = P.encode_chars("ohlol", ["e", "h", "l", "o"])
    assert torch.equal(got, torch.tensor([3, 1, 2, 3, 2])), "vocab as a list"
    got = P.encode_chars("", "abc")
    assert got.dtype == torch.int64 and tuple(got.shape) == (0,), "empty text"
    got = P.encode_chars("zyx", "xyz")
    assert torch.equal(got, torch.tensor([2, 1, 0]))


@check("rnn", "HelloRNN")
def _(P, R):
    vocab = "ehlo"
    xs = torch.tensor([1, 0, 2, 2, 3]).unsqueeze(1)
    ys = torch.tensor([3, 1, 2, 3, 2])
    for embed in (None, 3):
        torch.manual_seed(0)
        m = P.HelloRNN(4, 8) if embed is None else P.HelloRNN(4, 8, embed_dim=embed)
        assert tuple(m(xs).shape) == (5, 1, 4)
        assert tuple(m(torch.randint(0, 4, (6, 3))).shape) == (6, 3, 4), "batch 3"
        if embed is not None:
            assert any(isinstance(x, nn.Embedding) and x.num_embeddings == 4 and x.embedding_dim == embed for x in m.modules())
        ok = 0
        for seed in range(3):
            torch.manual_seed(seed)
            m = P.HelloRNN(4, 8) if embed is None else P.HelloRNN(4, 8, embed_dim=embed)
            opt = torch.optim.Adam(m.parameters(), lr=0.1)
            for _ in range(60):
                loss = F.cross_entropy(m(xs).reshape(-1, 4), ys)
                opt.zero_grad()
                loss.backward()
                opt.step()
            ok += int(torch.equal(m(xs).reshape(-1, 4).argmax(1), ys))
        assert ok >= 2, f"learned hello -> ohlol in {ok}/3 seeds (embed_dim={embed})"
    m = P.HelloRNN(4, 8).double()
    assert m(xs).dtype == F64, "model.double() works"


# =========================================================================== runner
def run_one(d: pathlib.Path) -> dict:
    topic, path = program_file(d)
    if topic is None:
        return {"dir": d.name, "status": "FAIL", "error": "no topic file"}
    torch.set_num_threads(2)
    sys.path.insert(0, str(d))
    result = {"dir": d.name, "topic": topic, "results": {}}
    try:
        ref = load(MATERIAL / "solutions" / f"{topic}.py", f"reference_{topic}")
        prog = load(path, f"program_{topic}")
    except Exception as e:  # noqa: BLE001
        result["status"] = "FAIL"
        result["error"] = f"import: {type(e).__name__}: {e}"
        return result
    impl = implemented(path, topic)
    result["implemented"] = impl
    for name in impl:
        fn = CHECKS.get((topic, name))
        t0 = time.time()
        torch.manual_seed(1234)
        try:
            fn(prog, ref)
            result["results"][name] = "ok"
        except Exception as e:  # noqa: BLE001
            tb = traceback.extract_tb(e.__traceback__)
            where = next((f"{pathlib.Path(fr.filename).name}:{fr.lineno}" for fr in reversed(tb)
                          if "prove.py" not in fr.filename), "")
            result["results"][name] = f"FAIL {type(e).__name__}: {str(e)[:300]} {where}".strip()
        result.setdefault("seconds", {})[name] = round(time.time() - t0, 2)
    result["status"] = "PASS" if impl and all(v == "ok" for v in result["results"].values()) else "FAIL"
    if not impl:
        result["error"] = "implements nothing"
    return result


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "--one":
        print("@@RESULT " + json.dumps(run_one(pathlib.Path(argv[1]).resolve())), flush=True)
        return 0
    dirs = [pathlib.Path(a).resolve() for a in argv] if argv else \
        sorted(p for p in HERE.iterdir() if p.is_dir() and program_file(p)[0] is not None)
    summary = []
    for d in dirs:
        t0 = time.time()
        try:
            proc = subprocess.run([sys.executable, str(pathlib.Path(__file__).resolve()), "--one", str(d)],
                                  capture_output=True, text=True, timeout=900, cwd=tempfile.gettempdir())
            line = next((l for l in proc.stdout.splitlines() if l.startswith("@@RESULT ")), None)
            res = json.loads(line[len("@@RESULT "):]) if line else {"dir": d.name, "status": "FAIL",
                                                                     "error": (proc.stderr or proc.stdout)[-500:]}
        except subprocess.TimeoutExpired:
            res = {"dir": d.name, "status": "FAIL", "error": "timeout"}
        res["wall"] = round(time.time() - t0, 1)
        summary.append(res)
        print(f"{res['status']}  {d.name}  ({res.get('topic', '?')}, {len(res.get('implemented', []))} exercises, {res['wall']}s)")
        for name, v in res.get("results", {}).items():
            if v != "ok":
                print(f"      {name}: {v}")
        if "error" in res:
            print(f"      error: {res['error']}")
        sys.stdout.flush()
    n_pass = sum(r["status"] == "PASS" for r in summary)
    print(f"\nSUMMARY: {n_pass}/{len(summary)} programs PASS")
    (HERE / "prove_results.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
