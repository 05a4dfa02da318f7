"""Check every honest program of /work/blind/honest80 against solutions/<topic>.py in plain torch.

Usage: nice [HONEST_BATCH=honest_s3] python check_honest.py [FILE ...]   (default: every program of the batch)
Prints one line per program: PASS, or FAIL with the failed checks.
"""
from __future__ import annotations

import copy
import importlib.util
import itertools
import json
import math
import os
import sys
import traceback
from pathlib import Path

import torch
import torch.nn.functional as TF
from torch import nn

ROOT = Path(__file__).parent / os.environ.get("HONEST_BATCH", "honest80")  # honest_s3 too
SOL = Path("/work/main/solutions")
DATA = Path("/work/main/datasets")
torch.set_num_threads(1)

_counter = itertools.count()


def load(path: Path):
    name = f"prog_{path.stem}_{next(_counter)}"
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(path.parent))
    return mod


REFS = {}


def ref(topic):
    if topic not in REFS:
        REFS[topic] = load(SOL / f"{topic}.py")
    return REFS[topic]


class Fail(Exception):
    pass


def close(a, b, rtol=1e-5, atol=1e-6, what=""):
    if isinstance(a, (tuple, list)):
        if not isinstance(b, (tuple, list)) or len(a) != len(b):
            raise Fail(f"{what}: structure {type(a)} vs {type(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, rtol, atol, f"{what}[{i}]")
        return
    if isinstance(b, torch.Tensor):
        if not isinstance(a, torch.Tensor):
            raise Fail(f"{what}: got {type(a)}, expected a tensor")
        if a.shape != b.shape:
            raise Fail(f"{what}: shape {tuple(a.shape)} vs {tuple(b.shape)}")
        if a.dtype != b.dtype:
            raise Fail(f"{what}: dtype {a.dtype} vs {b.dtype}")
        if a.device != b.device:
            raise Fail(f"{what}: device {a.device} vs {b.device}")
        if not torch.allclose(a.detach(), b.detach(), rtol=rtol, atol=atol, equal_nan=True):
            diff = (a.detach().double() - b.detach().double()).abs()
            diff = torch.nan_to_num(diff, nan=float("inf"))
            raise Fail(f"{what}: values differ, max |diff| {diff.max().item():.3g}")
        return
    if isinstance(b, float):
        if not isinstance(a, float):
            raise Fail(f"{what}: got {type(a).__name__}, expected float")
        if not math.isclose(a, b, rel_tol=rtol, abs_tol=atol) and not (a == b):
            raise Fail(f"{what}: {a} vs {b}")
        return
    if isinstance(b, int):
        if not isinstance(a, int) or a != b:
            raise Fail(f"{what}: {a!r} vs {b!r}")
        return
    raise Fail(f"{what}: cannot compare {type(b)}")


def grads(fn, inputs, argnums):
    """Call fn on float64 leaf copies; return (output, grads of sum(out * w) for a fixed random w)."""
    leaves = [t.detach().clone().requires_grad_(i in argnums) if isinstance(t, torch.Tensor) and t.is_floating_point()
              else t for i, t in enumerate(inputs)]
    out = fn(*leaves)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    g = torch.Generator().manual_seed(7)
    total = sum((o * torch.rand(o.shape, generator=g, dtype=o.dtype)).sum() for o in outs)
    gs = torch.autograd.grad(total, [leaves[i] for i in argnums], allow_unused=True)
    return out, gs


def same_fn(mine, theirs, inputs, rtol=1e-5, atol=1e-6, grad_argnums=(), grad_rtol=1e-7, grad_atol=1e-10, what=""):
    copies = [t.clone() if isinstance(t, torch.Tensor) else t for t in inputs]
    expected = theirs(*[t.clone() if isinstance(t, torch.Tensor) else t for t in inputs])
    got = mine(*inputs)
    close(got, expected, rtol, atol, what)
    for i, (t, c) in enumerate(zip(inputs, copies)):
        if isinstance(t, torch.Tensor) and not torch.equal(t.nan_to_num(1234.5), c.nan_to_num(1234.5)):
            raise Fail(f"{what}: input {i} modified")
    if grad_argnums:
        d_inputs = [t.double() if isinstance(t, torch.Tensor) and t.is_floating_point() else t for t in inputs]
        _, g_got = grads(mine, d_inputs, grad_argnums)
        _, g_exp = grads(theirs, d_inputs, grad_argnums)
        for k, (a, b) in enumerate(zip(g_got, g_exp)):
            if b is None:
                continue
            if a is None:
                raise Fail(f"{what}: no gradient for arg {grad_argnums[k]}")
            close(a, b, grad_rtol, grad_atol, f"{what} grad arg {grad_argnums[k]}")


def rn(*shape, dtype=torch.float32, seed=None, scale=1.0):
    g = torch.Generator().manual_seed(seed if seed is not None else 0)
    if len(shape) == 1 and isinstance(shape[0], tuple):
        shape = shape[0]
    return (torch.randn(tuple(shape), generator=g, dtype=dtype) * scale)


def run_checks(checks):
    fails = []
    for name, fn in checks:
        try:
            fn()
        except Fail as e:
            fails.append(f"{name}: {e}")
        except Exception as e:  # noqa: BLE001
            fails.append(f"{name}: raised {type(e).__name__}: {e} @ {traceback.format_exc().splitlines()[-3].strip()}")
    return fails


# ---------------------------------------------------------------- tensors
def check_tensors(m, R):
    def add_into():
        for dt in (torch.float32, torch.float64):
            x, y = rn(3, 4, dtype=dt, seed=1), rn(3, 4, dtype=dt, seed=2)
            z = torch.zeros(3, 4, dtype=dt)
            ptr = z.data_ptr()
            out = m.add_into(z, x, y)
            if out is not z or z.data_ptr() != ptr:
                raise Fail("z not returned / storage changed")
            close(z, x + y, what="add_into")

    def row_normalize():
        for dt in (torch.float32, torch.float64):
            for shape in ((5, 3), (1, 7), (4, 1)):
                x = rn(*shape, dtype=dt, seed=3).abs() + 0.01
                same_fn(m.row_normalize, R.row_normalize, [x], what=f"row_normalize {shape}")
            x = (rn(6, 4, dtype=dt).abs() + 0.1).T
            same_fn(m.row_normalize, R.row_normalize, [x], what="row_normalize x.T")

    def pairwise():
        for dt in (torch.float32, torch.float64):
            for n, mm, d in ((4, 5, 3), (1, 1, 1), (7, 2, 10)):
                a, b = rn(n, d, dtype=dt, seed=n), rn(mm, d, dtype=dt, seed=mm + 10)
                exp = R.pairwise_sq_dists(a, b)
                got = m.pairwise_sq_dists(a, b)
                scale = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :]
                tol = (1e-5 if dt == torch.float32 else 1e-12) * scale + 1e-6
                if got.shape != exp.shape or got.dtype != exp.dtype or ((got - exp).abs() > tol).any():
                    raise Fail(f"pairwise {n, mm, d} {dt}")
            a = rn(3, 5, dtype=dt).T
            b = rn(4, 3, dtype=dt)
            same_fn(m.pairwise_sq_dists, R.pairwise_sq_dists, [a, b], rtol=1e-4, atol=1e-5, what="pairwise view")

    def one_hot():
        for n, c in ((5, 3), (1, 1), (10, 7)):
            labels = torch.randint(0, c, (n,), generator=torch.Generator().manual_seed(n))
            same_fn(m.one_hot, R.one_hot, [labels, c], what="one_hot")
        labels = torch.arange(12)[::3] % 4
        same_fn(m.one_hot, R.one_hot, [labels, 4], what="one_hot view")

    def accuracy():
        g = torch.Generator().manual_seed(0)
        for n, c in ((10, 3), (1, 2), (33, 5)):
            s = torch.randint(0, 3, (n, c), generator=g).float()   # ties
            y = torch.randint(0, c, (n,), generator=g)
            same_fn(m.accuracy, R.accuracy, [s, y], what="accuracy scores")
            same_fn(m.accuracy, R.accuracy, [y.flip(0), y], what="accuracy labels")
        s = rn(4, 6).T
        same_fn(m.accuracy, R.accuracy, [s, torch.tensor([0, 1, 2, 3, 0, 1])], what="accuracy view")

    def flatten():
        for shape in ((2, 1, 28, 28), (1, 3, 4, 5), (5, 2, 1, 1)):
            same_fn(m.flatten_batch, R.flatten_batch, [rn(*shape)], what="flatten")

    def fill_nan():
        for dt in (torch.float32, torch.float64):
            x = rn(6, 4, dtype=dt)
            x[0, 0] = x[2, 0] = x[5, 3] = x[1, 2] = float("nan")
            x[:5, 1] = float("nan")
            same_fn(m.fill_nan_with_column_mean, R.fill_nan_with_column_mean, [x], what="fill_nan")
            same_fn(m.fill_nan_with_column_mean, R.fill_nan_with_column_mean, [rn(3, 2, dtype=dt)], what="fill_nan none")
            same_fn(m.fill_nan_with_column_mean, R.fill_nan_with_column_mean, [x.T.contiguous().T], what="fill_nan view")

    def matmul():
        for dt in (torch.float32, torch.float64):
            for n, k, mm in ((3, 4, 5), (1, 1, 1), (6, 9, 2)):
                same_fn(m.matmul, R.matmul, [rn(n, k, dtype=dt, seed=1), rn(k, mm, dtype=dt, seed=2)],
                        rtol=1e-5, atol=1e-5, grad_argnums=(0, 1), what="matmul")
            same_fn(m.matmul, R.matmul, [rn(4, 3, dtype=dt).T, rn(5, 4, dtype=dt).T], atol=1e-5, what="matmul view")

    def norms():
        for dt in (torch.float32, torch.float64):
            for shape in ((5,), (3, 4), (2, 3, 4), ()):
                same_fn(m.norms, R.norms, [rn(*shape, dtype=dt)], grad_argnums=(0,), what=f"norms {shape}")

    def vectorised():
        """The docstring's judge: the number of tensor operations must not grow with the input size."""
        from torch.utils._python_dispatch import TorchDispatchMode

        class Count(TorchDispatchMode):
            def __init__(self):
                super().__init__()
                self.n = 0

            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                self.n += 1
                return func(*args, **(kwargs or {}))

        cases = {"row_normalize": lambda n: (rn(n, 5).abs() + 0.1,),
                 "pairwise_sq_dists": lambda n: (rn(n, 3), rn(n + 1, 3)),
                 "matmul": lambda n: (rn(n, n + 1), rn(n + 1, n + 2))}
        for name, make in cases.items():
            counts = []
            for n in (3, 12):
                args = make(n)
                with Count() as c:
                    getattr(m, name)(*args)
                counts.append(c.n)
            if counts[1] > counts[0]:
                raise Fail(f"{name}: {counts[0]} ops at n=3, {counts[1]} at n=12")

    return run_checks([("vectorised", vectorised), ("add_into", add_into), ("row_normalize", row_normalize), ("pairwise_sq_dists", pairwise),
                       ("one_hot", one_hot), ("accuracy", accuracy), ("flatten_batch", flatten),
                       ("fill_nan_with_column_mean", fill_nan), ("matmul", matmul), ("norms", norms)])


# ---------------------------------------------------------------- autograd
def check_autograd(m, R):
    D = torch.float64

    def linear_grad():
        for seed in range(3):
            w, x, y = rn((), dtype=D, seed=seed), rn(7, dtype=D, seed=seed + 1), rn(7, dtype=D, seed=seed + 2)
            same_fn(m.linear_grad, R.linear_grad, [w, x, y], rtol=1e-7, atol=0, what="linear_grad")
        x = rn(9, dtype=D, seed=5) * 1e4
        w = torch.tensor(1.7, dtype=D)
        y = w * x + rn(9, dtype=D, seed=6) * 1e-3
        same_fn(m.linear_grad, R.linear_grad, [w, x, y], rtol=1e-7, atol=0, what="linear_grad cancel")
        same_fn(m.linear_grad, R.linear_grad, [w.float(), x.float(), y.float()], what="linear_grad f32")

    def quadratic():
        for seed in range(3):
            args = [rn((), dtype=D, seed=seed + i) for i in range(3)] + [rn(8, dtype=D, seed=seed + 5),
                                                                          rn(8, dtype=D, seed=seed + 6)]
            same_fn(m.quadratic_grads, R.quadratic_grads, args, rtol=1e-7, atol=1e-12, what="quadratic")

    def gofv():
        fns = [lambda t: t ** 3 * t.sin(), lambda t: (t @ t.T).tanh(), lambda t: t.sum() * 2, lambda t: t[0] * t[-1]]
        for f in fns:
            for rg in (False, True):
                x = rn(3, 3, dtype=D).requires_grad_(rg)
                if rg:
                    x.grad = torch.ones_like(x)
                got = m.grad_of_vector_fn(f, x)
                exp = R.grad_of_vector_fn(f, x)
                close(got, exp, 1e-7, 1e-12, "grad_of_vector_fn")
                if x.requires_grad != rg or (rg and not torch.equal(x.grad, torch.ones_like(x))):
                    raise Fail("caller's x touched")
        x = rn(3, 4, dtype=D).T
        close(m.grad_of_vector_fn(fns[0], x), R.grad_of_vector_fn(fns[0], x), 1e-7, 1e-12, "gofv view")

    def detach():
        for shape in ((4,), (2, 3), ()):
            for rg in (False, True):
                x = rn(*shape, dtype=D).requires_grad_(rg)
                got, exp = m.detach_grad(x), R.detach_grad(x)
                close(got, exp, 1e-7, 1e-12, "detach_grad")
                if x.grad is not None or x.requires_grad != rg:
                    raise Fail("x touched")

    def sigmoid_fn():
        x = torch.cat([rn(50, dtype=D) * 5, torch.tensor([-700.0, -100.0, -37.0, 0.0, 37.0, 100.0, 700.0], dtype=D)])
        close(m.Sigmoid.apply(x), R.Sigmoid.apply(x), 1e-7, 0, "Sigmoid f64")
        xf = x.float()
        close(m.Sigmoid.apply(xf), R.Sigmoid.apply(xf), 1e-5, 1e-6, "Sigmoid f32")
        a = x.clone().requires_grad_()
        b = x.clone().requires_grad_()
        m.Sigmoid.apply(a).mul(torch.linspace(0, 1, len(x), dtype=D)).sum().backward()
        R.Sigmoid.apply(b).mul(torch.linspace(0, 1, len(x), dtype=D)).sum().backward()
        close(a.grad, b.grad, 1e-7, 1e-15, "Sigmoid grad")  # 1 − s rounds at an ulp of 1 for x ≥ 37
        if not torch.autograd.gradcheck(m.Sigmoid.apply, (rn(6, dtype=D).requires_grad_(),)):
            raise Fail("gradcheck")

    def numgrad():
        fns = [lambda t: (t ** 2).sum(), lambda t: float((t.sin() * 3).sum()), lambda t: t[0, 1] if t.dim() == 2 else t[0],
               lambda t: (t.exp() * t).mean()]
        for f in fns:
            for shape in ((3, 4), (5,)):
                x = rn(*shape, dtype=D)
                before = x.clone()
                got = m.numerical_grad(f, x, 1e-6)
                if not torch.equal(x, before):
                    raise Fail("x not restored")
                exp = R.numerical_grad(f, x.clone(), 1e-6)
                close(got, exp, 1e-6, 1e-8, f"numerical_grad {shape}")
        x = rn(2, 2, dtype=D)
        close(m.numerical_grad(fns[0], x), R.numerical_grad(fns[0], x.clone()), 1e-6, 1e-8, "numerical_grad default eps")

    def value():
        import random

        def build(V, seed, depth=60):
            rng = random.Random(seed)
            leaves = [V(rng.uniform(-1.5, 1.5)) for _ in range(4)]
            nodes = list(leaves)
            for _ in range(depth):
                a, b = rng.choice(nodes), rng.choice(nodes)
                k = rng.uniform(-2, 2)
                op = rng.randrange(14)
                if op == 0: n = a + b
                elif op == 1: n = a - b
                elif op == 2: n = a * b
                elif op == 3: n = a / (b * b + 1)
                elif op == 4: n = -a
                elif op == 5: n = k + a
                elif op == 6: n = k - a
                elif op == 7: n = k * a
                elif op == 8: n = k / (a * a + 1)
                elif op == 9: n = (a * a + 0.5) ** 1.5
                elif op == 10: n = a.tanh()
                elif op == 11: n = (a.tanh()).exp()
                elif op == 12: n = a.relu()
                else: n = a * k - 2 + a / 3
                nodes.append(n)
            out = sum(nodes[-10:], V(0.0)) if False else nodes[-1] + nodes[-2] * nodes[-3] + nodes[len(nodes) // 2]
            out.backward()
            return [l.grad for l in leaves], out.data

        for seed in range(20):
            g1, d1 = build(m.Value, seed)
            g2, d2 = build(R.Value, seed)
            if not math.isclose(d1, d2, rel_tol=1e-9, abs_tol=1e-12):
                raise Fail(f"Value data {d1} vs {d2}")
            for a, b in zip(g1, g2):
                if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
                    raise Fail(f"Value grad {a} vs {b} (seed {seed})")
            if not isinstance(m.Value(3).data, float) or not isinstance(m.Value(3).grad, float):
                raise Fail("data/grad not floats")
        # deep chain
        for V in (m.Value,):
            x = V(0.3)
            y = x
            for _ in range(600):
                y = (y * 0.9 + 0.1).tanh() + x * 0.001
            y.backward()
            x2 = R.Value(0.3)
            y2 = x2
            for _ in range(600):
                y2 = (y2 * 0.9 + 0.1).tanh() + x2 * 0.001
            y2.backward()
            if not math.isclose(x.grad, x2.grad, rel_tol=1e-9):
                raise Fail("deep chain grad")
        a = m.Value(2.0)
        b = a * a + a
        b.backward()
        if b.grad != 1.0 or a.grad != 5.0:
            raise Fail("accumulation")
        z = m.Value(0.0).relu()
        z.backward()

    return run_checks([("linear_grad", linear_grad), ("quadratic_grads", quadratic), ("grad_of_vector_fn", gofv),
                       ("detach_grad", detach), ("Sigmoid", sigmoid_fn), ("numerical_grad", numgrad), ("Value", value)])


# ---------------------------------------------------------------- losses
def check_losses(m, R):
    F32, D = torch.float32, torch.float64

    def pair_checks(fn_m, fn_r, extra=(), name=""):
        for dt in (F32, D):
            tol = (1e-5, 1e-6) if dt == F32 else (1e-7, 0)
            for shape in ((5,), (3, 4), (2, 3, 2), ()):
                a, b = rn(*shape, dtype=dt, seed=1) * 2, rn(*shape, dtype=dt, seed=2) * 2
                same_fn(fn_m, fn_r, [a, b, *extra], *tol, grad_argnums=(0, 1) if dt == D else (), what=f"{name} {shape}")
            a, b = rn(4, 3, dtype=dt).T, rn(3, 4, dtype=dt)
            same_fn(fn_m, fn_r, [a, b, *extra], *tol, what=f"{name} view")

    def mse():
        for red in ("mean", "sum", "none"):
            pair_checks(m.mse, R.mse, (red,), f"mse {red}")
        close(m.mse(rn(3), rn(3, seed=4)), TF.mse_loss(rn(3), rn(3, seed=4)), what="mse default")

    def l1():
        for red in ("mean", "sum", "none"):
            pair_checks(m.l1, R.l1, (red,), f"l1 {red}")

    def huber():
        for delta in (1.0, 0.5, 2.5):
            pair_checks(m.huber, R.huber, (delta,), f"huber {delta}")
        close(m.huber(rn(9), rn(9, seed=3)), TF.huber_loss(rn(9), rn(9, seed=3)), what="huber default")

    def extreme(x):
        return torch.cat([x.flatten(), torch.tensor([-1000.0, -100.0, -40, -1e-3, 0.0, 1e-3, 40, 100, 1000], dtype=x.dtype)])

    def sigmoid():
        for dt in (F32, D):
            x = extreme(rn(20, dtype=dt) * 4)
            same_fn(m.sigmoid, R.sigmoid, [x], *((1e-5, 1e-6) if dt == F32 else (1e-7, 0)), what="sigmoid")
            x = x[x != 0]   # the docstring: gradients judged away from kinks such as x = 0
            same_fn(m.sigmoid, R.sigmoid, [x], *((1e-5, 1e-6) if dt == F32 else (1e-7, 0)),
                    grad_argnums=(0,), grad_atol=1e-300, what="sigmoid")
            close(m.sigmoid(torch.tensor([-700.0], dtype=D)), torch.sigmoid(torch.tensor([-700.0], dtype=D)), 1e-7, 0,
                  "sigmoid -700")
        x = rn(3, 4, dtype=D).T
        same_fn(m.sigmoid, R.sigmoid, [x], 1e-7, 0, what="sigmoid view")
        for v in (-1000.0, 1000.0):
            t = torch.tensor([v], requires_grad=True)
            m.sigmoid(t).sum().backward()
            if not torch.isfinite(t.grad).all():
                raise Fail("sigmoid grad not finite")

    def bce():
        g = torch.Generator().manual_seed(3)
        for dt in (F32, D):
            tol = (1e-5, 1e-6) if dt == F32 else (1e-7, 0)
            p = torch.rand(4, 5, generator=g, dtype=dt) * 0.98 + 0.01
            for y in ((torch.rand(4, 5, generator=g, dtype=dt) > 0.5).to(dt), torch.rand(4, 5, generator=g, dtype=dt)):
                same_fn(m.bce, lambda a, b: TF.binary_cross_entropy(a, b), [p, y], *tol,
                        grad_argnums=(0, 1) if dt == D else (), what="bce")
            p2 = torch.tensor([0.0, 1.0, 0.5, 1e-50 if dt == D else 1e-30, 1.0 - 1e-7], dtype=dt)
            y2 = torch.tensor([1.0, 0.0, 0.3, 1.0, 0.0], dtype=dt)
            same_fn(m.bce, lambda a, b: TF.binary_cross_entropy(a, b), [p2, y2], *tol, what="bce floor")

    def bcel():
        g = torch.Generator().manual_seed(4)
        for dt in (F32, D):
            tol = (1e-5, 1e-6) if dt == F32 else (1e-7, 0)
            z = extreme(rn(12, dtype=dt) * 3)
            y = (torch.rand(z.shape, generator=g, dtype=dt) > 0.5).to(dt)
            ys = torch.rand(z.shape, generator=g, dtype=dt)
            for yy in (y, ys):
                exp = TF.binary_cross_entropy_with_logits(z, yy)
                got = m.bce_with_logits(z, yy)
                close(got, exp, tol[0], max(tol[1], 8 * torch.finfo(dt).eps * 1000), "bcel extreme")
            zz = rn(3, 4, dtype=dt) * 3
            yy = torch.rand(3, 4, generator=g, dtype=dt)
            same_fn(m.bce_with_logits, lambda a, b: TF.binary_cross_entropy_with_logits(a, b), [zz, yy], *tol,
                    grad_argnums=(0, 1) if dt == D else (), what="bcel")

    def softmaxes(name):
        fm, fr = getattr(m, name), getattr(R, name)
        for dt in (F32, D):
            tol = (1e-5, 1e-6) if dt == F32 else (1e-7, 0 if name == "softmax" else 1e-12)
            for shape, dim in (((4, 5), -1), ((4, 5), 0), ((2, 3, 4), 1), ((2, 3, 4), -2), ((6,), 0), ((3, 1), 1)):
                x = rn(*shape, dtype=dt) * 3
                same_fn(lambda t: fm(t, dim), lambda t: fr(t, dim), [x], *tol, grad_argnums=(0,) if dt == D else (),
                        what=f"{name} {shape} {dim}")
            x = rn(3, 4, dtype=dt) * 1000
            exp = fr(x, -1)
            got = fm(x, -1)
            close(got, exp, tol[0], 8 * torch.finfo(dt).eps * 1000 * 3, f"{name} 1000")
            if not torch.isfinite(got).all():
                raise Fail("not finite at 1000")
            x = rn(4, 3, dtype=dt).T
            same_fn(lambda t: fm(t, 1), lambda t: fr(t, 1), [x], *tol, what=f"{name} view")
        close(fm(rn(2, 5)), fr(rn(2, 5)), what=f"{name} default dim")

    def ce():
        g = torch.Generator().manual_seed(5)
        for dt in (F32, D):
            tol = (1e-5, 1e-6) if dt == F32 else (1e-7, 0)
            for n, c in ((6, 4), (1, 3), (4, 4), (5, 2)):
                logits = rn(n, c, dtype=dt) * 3
                t = torch.randint(0, c, (n,), generator=g)
                same_fn(m.cross_entropy, lambda a, b: TF.cross_entropy(a, b), [logits, t], *tol,
                        grad_argnums=(0,) if dt == D else (), what="ce idx")
                oh = TF.one_hot(t, c)
                same_fn(m.cross_entropy, lambda a, b: TF.cross_entropy(a, b.to(a.dtype)), [logits, oh], *tol,
                        what="ce onehot int")
                prob = torch.rand(n, c, generator=g, dtype=dt).softmax(1)
                same_fn(m.cross_entropy, lambda a, b: TF.cross_entropy(a, b), [logits, prob], *tol,
                        grad_argnums=(0, 1) if dt == D else (), what="ce probs")
            logits = rn(5, 3, dtype=dt) * 1000
            t = torch.randint(0, 3, (5,), generator=g)
            close(m.cross_entropy(logits, t), TF.cross_entropy(logits, t), tol[0], 8 * torch.finfo(dt).eps * 3000, "ce 1000")
            logits = rn(3, 5, dtype=dt).T
            same_fn(m.cross_entropy, lambda a, b: TF.cross_entropy(a, b), [logits, torch.arange(10)[::2] % 3], *tol,
                    what="ce view")

    def ent():
        g = torch.Generator().manual_seed(6)
        for dt in (F32, D):
            tol = (1e-5, 1e-6) if dt == F32 else (1e-7, 1e-15)
            for shape in ((5,), (3, 4), (2, 3, 4)):
                p = torch.rand(*shape, generator=g, dtype=dt)
                p = p / p.sum(-1, keepdim=True)
                same_fn(m.entropy, R.entropy, [p], *tol, grad_argnums=(0,) if dt == D else (), what="entropy")
                q = torch.rand(*shape, generator=g, dtype=dt) + 0.1
                q = q / q.sum(-1, keepdim=True)
                same_fn(m.kl_div, R.kl_div, [p, q], *tol, grad_argnums=(0, 1) if dt == D else (), what="kl")
            p = torch.tensor([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [0.2, 0.3, 0.5]], dtype=dt)
            q = torch.tensor([[0.0, 0.5, 0.5], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], dtype=dt)
            same_fn(m.entropy, R.entropy, [p], *tol, what="entropy zeros")
            same_fn(m.kl_div, R.kl_div, [p, q], *tol, what="kl zeros/inf")
            same_fn(m.kl_div, R.kl_div, [q, p], *tol, what="kl zeros/inf 2")
            pp = p.clone().requires_grad_()
            m.entropy(pp).sum().backward()
            if not torch.isfinite(pp.grad).all():
                raise Fail("entropy grad at 0 not finite")
            p = torch.rand(4, 3, generator=g, dtype=dt)
            p = (p / p.sum(0)).T
            same_fn(m.entropy, R.entropy, [p], *tol, what="entropy view")

    return run_checks([("mse", mse), ("l1", l1), ("huber", huber), ("sigmoid", sigmoid), ("bce", bce),
                       ("bce_with_logits", bcel), ("softmax", lambda: softmaxes("softmax")),
                       ("log_softmax", lambda: softmaxes("log_softmax")), ("cross_entropy", ce),
                       ("entropy/kl_div", ent)])


# ---------------------------------------------------------------- optim
def check_optim(m, R):
    D = torch.float64

    def closed():
        for dt, tol in ((torch.float32, 1e-4), (D, 1e-9)):
            X = rn(30, 4, dtype=dt, seed=1)
            for y in (rn(30, dtype=dt, seed=2), rn(30, 3, dtype=dt, seed=3)):
                same_fn(m.closed_form_linear_regression, R.closed_form_linear_regression, [X, y], tol, 1e-6, what="closed")
            same_fn(m.closed_form_linear_regression, R.closed_form_linear_regression,
                    [rn(4, 30, dtype=dt).T, rn(30, dtype=dt)], tol, 1e-6, what="closed view")

    def gd():
        for dt in (torch.float32, D):
            x, y = rn(20, dtype=dt, seed=1), rn(20, dtype=dt, seed=2) + 3 * rn(20, dtype=dt, seed=1)
            w1, l1_ = m.gd_fit(x, y, 0.05, 30)
            w2, l2_ = R.gd_fit(x, y, 0.05, 30)
            close(w1, w2, 1e-5, 1e-7, "gd w")
            close(l1_, l2_, 1e-5, 1e-7, "gd losses")
            if not all(isinstance(v, float) for v in l1_) or len(l1_) != 30:
                raise Fail("gd losses type/len")

    def sgd():
        for dt in (torch.float32, D):
            x, y = rn(15, dtype=dt, seed=1), 2 * rn(15, dtype=dt, seed=1) + 0.1 * rn(15, dtype=dt, seed=4)
            w1, l1_ = m.sgd_fit(x, y, 0.02, 5, torch.Generator().manual_seed(3))
            w2, l2_ = R.sgd_fit(x, y, 0.02, 5, torch.Generator().manual_seed(3))
            close(w1, w2, 1e-5, 1e-7, "sgd w")
            close(l1_, l2_, 1e-5, 1e-7, "sgd losses")
            torch.manual_seed(5)
            w1, l1_ = m.sgd_fit(x, y, 0.02, 3)
            torch.manual_seed(5)
            w2, l2_ = R.sgd_fit(x, y, 0.02, 3)
            close(w1, w2, 1e-5, 1e-7, "sgd w default gen")

    def mb():
        for n, bs in ((10, 3), (8, 4), (5, 10), (1, 1)):
            for sh in (True, False):
                a = [t.tolist() for t in m.minibatch_indices(n, bs, sh, torch.Generator().manual_seed(2))]
                b = [t.tolist() for t in R.minibatch_indices(n, bs, sh, torch.Generator().manual_seed(2))]
                if a != b:
                    raise Fail(f"minibatch {n},{bs},{sh}: {a} vs {b}")
                for t in m.minibatch_indices(n, bs, sh, torch.Generator().manual_seed(2)):
                    if t.dtype != torch.int64:
                        raise Fail("dtype")

    def opt(cls_name, configs, n_steps=50):
        for dt, (rt, at) in ((torch.float32, (1e-4, 1e-6)), (D, (1e-10, 1e-10))):
            for cfg in configs:
                torch.manual_seed(0)
                model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 2)).to(dt)
                mine = copy.deepcopy(model)
                X, Y = rn(16, 5, dtype=dt), rn(16, 2, dtype=dt)
                o1 = getattr(m, cls_name)(mine.parameters(), **cfg)
                o2 = getattr(torch.optim, cls_name)(model.parameters(), **cfg)
                for step in range(n_steps):
                    for mod, o in ((mine, o1), (model, o2)):
                        def closure(mod=mod, o=o):
                            o.zero_grad()
                            loss = ((mod(X) - Y) ** 2).mean()
                            loss.backward()
                            return loss
                        ret = o.step(closure)
                        if o is o1 and ret is None:
                            raise Fail("closure value not returned")
                for p, q in zip(mine.parameters(), model.parameters()):
                    close(p.data, q.data, rt, at, f"{cls_name} {cfg} {dt}")
                # state dict carries the state
                sd = o1.state_dict()
                o3 = getattr(m, cls_name)(copy.deepcopy(mine).parameters(), **cfg)
                o3.load_state_dict(sd)
                if cls_name == "SGD" and cfg.get("momentum"):
                    if not any("momentum_buffer" in s or len(s) for s in sd["state"].values()):
                        raise Fail("no state in state_dict")
            # no closure: returns None
            p = torch.zeros(3, requires_grad=True)
            p.grad = torch.ones(3)
            if getattr(m, cls_name)([p], **configs[0]).step() is not None:
                raise Fail("step() without closure must return None")
        # param groups
        torch.manual_seed(0)
        a, b = nn.Linear(3, 3), nn.Linear(3, 1)
        a2, b2 = copy.deepcopy(a), copy.deepcopy(b)
        groups = lambda x, y: [{"params": x.parameters()}, {"params": y.parameters(), "lr": 0.3}]
        o1 = getattr(m, cls_name)(groups(a, b), **configs[-1])
        o2 = getattr(torch.optim, cls_name)(groups(a2, b2), **configs[-1])
        X = rn(8, 3)
        for _ in range(10):
            for (x1, x2, o) in ((a, b, o1), (a2, b2, o2)):
                o.zero_grad()
                (x2(x1(X)) ** 2).mean().backward()
                o.step()
        close(b.weight.data, b2.weight.data, 1e-4, 1e-6, "param groups")

    def sgd_opt():
        opt("SGD", [dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3),
                    dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01), dict(lr=0.1, weight_decay=0.1),
                    dict(lr=0.02, momentum=0.5, dampening=0.5, weight_decay=0.05)])

    def adam_opt():
        opt("Adam", [dict(), dict(lr=0.01), dict(lr=0.05, betas=(0.8, 0.9)), dict(lr=0.01, eps=1e-6, weight_decay=0.1),
                     dict(lr=0.02, weight_decay=0.01)])

    def ema():
        for dt in (torch.float32, D):
            v = rn(40, dtype=dt).abs() + 1
            for beta in (0.9, 0.5, 0.0):
                for bc in (True, False):
                    same_fn(m.ema, R.ema, [v, beta, bc], 1e-4, 1e-7, what=f"ema {beta} {bc}")
            same_fn(m.ema, R.ema, [v[::2], 0.8, True], 1e-4, 1e-7, what="ema view")
            close(m.ema(v, 0.9), R.ema(v, 0.9, True), 1e-4, 1e-7, "ema default")

    def ds():
        path = str(DATA / "diabetes.csv.gz")
        a, b = m.DiabetesDataset(path), R.DiabetesDataset(path)
        if len(a) != len(b):
            raise Fail("len")
        for i in (0, 5, len(b) - 1):
            close(tuple(a[i]), tuple(b[i]), 0, 0, f"item {i}")
        loader = torch.utils.data.DataLoader(a, batch_size=32, shuffle=False)
        xb, yb = next(iter(loader))
        if xb.shape != (32, 7) or yb.shape != (32, 1):
            raise Fail("loader shapes")
        if not isinstance(a, torch.utils.data.Dataset):
            raise Fail("not a Dataset")

    def kfold():
        for n, k in ((10, 3), (9, 3), (5, 5), (7, 2), (3, 5), (100, 7)):
            a, b = m.k_fold_indices(n, k), R.k_fold_indices(n, k)
            if not isinstance(a, list) or len(a) != len(b):
                raise Fail("k_fold list")
            for x, y in zip(a, b):
                if x.dtype != torch.int64 or x.tolist() != y.tolist():
                    raise Fail(f"k_fold {n},{k}")

    return run_checks([("closed_form", closed), ("gd_fit", gd), ("sgd_fit", sgd), ("minibatch_indices", mb),
                       ("SGD", sgd_opt), ("Adam", adam_opt), ("ema", ema), ("DiabetesDataset", ds),
                       ("k_fold_indices", kfold)])


# ---------------------------------------------------------------- module matching
def leaves(module):
    out = []
    for mod in module.modules():
        own = list(mod.named_parameters(recurse=False)) + list(mod.named_buffers(recurse=False))
        if own:
            out.append(mod)
    return out


def signature(mod):
    return (type(mod).__name__, tuple((n, tuple(t.shape)) for n, t in
                                      sorted(list(mod.named_parameters(recurse=False)) + list(mod.named_buffers(recurse=False)))))


def randomize(module, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for mod in module.modules():
            if isinstance(mod, nn.modules.batchnorm._BatchNorm):
                mod.weight.copy_(torch.rand(mod.weight.shape, generator=g) + 0.5)
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.3)
                mod.running_mean.copy_(torch.randn(mod.running_mean.shape, generator=g) * 0.2)
                mod.running_var.copy_(torch.rand(mod.running_var.shape, generator=g) + 0.5)


def matched_compare(mine, theirs, inputs, modes=("train", "eval"), rtol=1e-5, atol=1e-5, max_tries=5000):
    """Copy mine's leaf states into theirs under every shape-consistent pairing; pass if one matches."""
    lm, lr = leaves(mine), leaves(theirs)
    if len(lm) != len(lr):
        raise Fail(f"{len(lm)} parametrised leaves vs {len(lr)}")
    groups = {}
    for i, mod in enumerate(lr):
        groups.setdefault(signature(mod), []).append(i)
    mine_groups = {}
    for i, mod in enumerate(lm):
        mine_groups.setdefault(signature(mod), []).append(i)
    if sorted((k, len(v)) for k, v in groups.items()) != sorted((k, len(v)) for k, v in mine_groups.items()):
        raise Fail(f"leaf signatures differ: {sorted(mine_groups)} vs {sorted(groups)}")
    keys = list(groups)
    perms = [list(itertools.permutations(mine_groups[k])) for k in keys]
    tries = 0
    last = None
    for choice in itertools.product(*perms):
        tries += 1
        if tries > max_tries:
            break
        th = copy.deepcopy(theirs)
        mi = copy.deepcopy(mine)
        lth = leaves(th)
        lmi = leaves(mi)
        for k, perm in zip(keys, choice):
            for ref_i, my_i in zip(groups[k], perm):
                lth[ref_i].load_state_dict(lmi[my_i].state_dict())
        try:
            for mode in modes:
                mi.train(mode == "train")
                th.train(mode == "train")
                for x in inputs:
                    close(mi(x.clone()), th(x.clone()), rtol, atol, f"{mode} {tuple(x.shape)}")
            # running stats after train-mode forward
            for a, b in zip(leaves(mi), leaves(th)):
                pass
            return
        except Fail as e:
            last = e
    raise Fail(f"no pairing of layers matches the reference: {last}")


def grads_reach_all(model, x, target_fn=lambda o: o.square().mean()):
    model.zero_grad()
    target_fn(model(x)).backward()
    for name, p in model.named_parameters():
        if p.grad is None or not torch.isfinite(p.grad).all() or (p.grad == 0).all():
            raise Fail(f"no gradient reaches {name}")


DIGITS = None


def digits():
    global DIGITS
    if DIGITS is None:
        import numpy as np
        t = torch.from_numpy(np.loadtxt(DATA / "digits.csv.gz", delimiter=",", dtype=np.float32))
        DIGITS = (t[:, :64].reshape(-1, 1, 8, 8) / 16, t[:, 64].long())
    return DIGITS


def train_digits(model, steps=150, lr=3e-3, need=0.8, flat=False):
    X, y = digits()
    torch.manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    Xt, yt = X[:1400], y[:1400]
    model.train()
    for step in range(steps):
        idx = torch.randint(0, len(Xt), (64,))
        xb = Xt[idx].flatten(1) if flat else Xt[idx]
        loss = TF.cross_entropy(model(xb), yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        Xv = X[1400:].flatten(1) if flat else X[1400:]
        acc = (model(Xv).argmax(1) == y[1400:]).float().mean().item()
    if acc < need:
        raise Fail(f"digits accuracy {acc:.3f} < {need}")
    return acc


# ---------------------------------------------------------------- mlp
def check_mlp(m, R):
    D = torch.float64

    def act(name, lo=-1000.0, hi=1000.0):
        fm, fr = getattr(m, name), getattr(R, name)
        for dt in (torch.float32, D):
            tol = (1e-5, 1e-6) if dt == torch.float32 else (1e-7, 1e-300)
            x = torch.cat([rn(30, dtype=dt) * 3, torch.tensor([lo, hi, -5.0, 5.0, -0.5, 0.5, 0.25], dtype=dt)])
            x = x[x != 0]
            same_fn(fm, fr, [x], *tol, what=name)
            # gradients away from the kinks (0 for relu, ±0.5 for the hard sigmoid): not judged there
            xg = torch.cat([rn(30, dtype=dt) * 3, torch.tensor([lo, hi, -5.0, 5.0, 0.25], dtype=dt)])
            xg = xg[((xg.abs() - 0.5).abs() > 1e-3) & (xg.abs() > 1e-3)]
            same_fn(fm, fr, [xg], *tol, grad_argnums=(0,) if dt == D else (), what=name)
            same_fn(fm, fr, [rn(3, 4, dtype=dt).T], *tol, what=f"{name} view")
            if name == "hard_sigmoid_from_relus":
                xx = torch.tensor([-0.5, 0.5, -0.49, 0.49, -100.0, 100.0], dtype=dt)
                same_fn(fm, fr, [xx], *tol, what=f"{name} kinks")

    def dropout():
        x = rn(200, 300).abs() + 1
        for p in (0.0, 0.3, 0.5, 0.9):
            torch.manual_seed(1)
            y = m.dropout(x, p, True)
            if y.shape != x.shape or y.dtype != x.dtype:
                raise Fail("shape/dtype")
            kept = y != 0
            frac = kept.float().mean().item()
            if abs(frac - (1 - p)) > 0.01:
                raise Fail(f"keep fraction {frac} for p={p}")
            if not torch.allclose(y[kept], x[kept] / (1 - p), rtol=1e-5):
                raise Fail("survivors not scaled by 1/(1-p)")
            torch.manual_seed(1)
            if not torch.equal(y, m.dropout(x, p, True)):
                raise Fail("not reproducible under manual_seed")
        y = m.dropout(x, 1.0, True)
        if not torch.equal(y, torch.zeros_like(x)):
            raise Fail("p=1 not zeros")
        for p in (0.0, 0.5, 1.0):
            y = m.dropout(x, p, False)
            if not torch.equal(y, x):
                raise Fail("training=False changed x")
        xd = x.double()
        if m.dropout(xd, 0.5).dtype != D:
            raise Fail("dtype f64")
        xx = x.clone().requires_grad_()
        m.dropout(xx, 0.4).sum().backward()
        if xx.grad is None:
            raise Fail("no grad")

    def xavier():
        for shape in ((300, 200), (64, 32, 3, 3), (10, 1000), (16, 8, 5)):
            t = torch.empty(*shape)
            ptr = t.data_ptr()
            torch.manual_seed(0)
            out = m.xavier_uniform_(t)
            if out is not t or t.data_ptr() != ptr:
                raise Fail("not in place / not returned")
            rec = math.prod(shape[2:])
            a = math.sqrt(6 / (shape[1] * rec + shape[0] * rec))
            if t.abs().max() > a or t.abs().max() < 0.95 * a:
                raise Fail(f"bound {t.abs().max()} vs {a}")
            if abs(t.std().item() - a / math.sqrt(3)) > 0.05 * a:
                raise Fail("std")
            if abs(t.mean().item()) > 0.05 * a:
                raise Fail("mean")
        w = nn.Linear(5, 3).weight
        m.xavier_uniform_(w)
        if not w.requires_grad:
            raise Fail("requires_grad lost")

    def logreg():
        torch.manual_seed(0)
        a = m.LogisticRegression(7)
        b = R.LogisticRegression(7)
        matched_compare(a, b, [rn(5, 7), rn(1, 7)], rtol=1e-5, atol=1e-6)
        if a(rn(4, 7)).shape != (4, 1):
            raise Fail("shape")

    def diab():
        for k in (8, 7):
            a, b = m.DiabetesNet(k), R.DiabetesNet(k)
            matched_compare(a, b, [rn(5, k), rn(1, k)], rtol=1e-5, atol=1e-6)
        a = m.DiabetesNet()
        a(rn(3, 8))

    def mlp_cls():
        for sizes in ([64, 32, 10], [5, 3], [12, 8, 6, 4]):
            for act_ in ("relu", "tanh", "sigmoid"):
                a, b = m.MLP(sizes, act_), R.MLP(sizes, act_)
                matched_compare(a, b, [rn(4, sizes[0]), rn(1, sizes[0])], rtol=1e-5, atol=1e-6)
                if sizes[0] == 64:
                    matched_compare(a, b, [rn(3, 1, 8, 8)], rtol=1e-5, atol=1e-6)
            a, b = m.MLP(sizes, "relu", 0.5), R.MLP(sizes, "relu", 0.5)
            matched_compare(a, b, [rn(4, sizes[0])], modes=("eval",), rtol=1e-5, atol=1e-6)
            if len(sizes) > 2:
                a.train()
                x = rn(50, sizes[0])
                if torch.equal(a(x), a(x)):
                    raise Fail("dropout not active in train mode")
        model = m.MLP([64, 32, 10], "relu", 0.1)
        train_digits(model, steps=200, flat=False, need=0.8)

    def loader_of(X, y, bs):
        return [(X[i:i + bs], y[i:i + bs]) for i in range(0, len(X), bs)]

    def train():
        for loss_fn, yk in ((nn.CrossEntropyLoss(), "cls"), (nn.BCELoss(), "bin")):
            torch.manual_seed(0)
            if yk == "cls":
                model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 3))
                X, y = rn(50, 6), torch.randint(0, 3, (50,))
            else:
                model = nn.Sequential(nn.Linear(6, 1), nn.Sigmoid())
                X, y = rn(50, 6), (rn(50, 1) > 0).float()
            m2 = copy.deepcopy(model)
            o1 = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            o2 = torch.optim.SGD(m2.parameters(), lr=0.1, momentum=0.9)
            model.eval()
            m2.eval()
            for epoch in range(2):
                torch.manual_seed(epoch)
                l1_ = m.train_epoch(model, loader_of(X, y, 16), loss_fn, o1, "cpu")
                torch.manual_seed(epoch)
                l2_ = R.train_epoch(m2, loader_of(X, y, 16), loss_fn, o2, "cpu")
                if not isinstance(l1_, float):
                    raise Fail("loss not a float")
                close(l1_, l2_, 1e-6, 1e-7, "epoch loss")
                if not model.training:
                    raise Fail("model not put in train mode")
            for p, q in zip(model.parameters(), m2.parameters()):
                close(p.data, q.data, 1e-6, 1e-7, "params after epochs")
        # a model with grads left over: zero_grad must be called
        torch.manual_seed(0)
        model = nn.Linear(3, 1)
        m2 = copy.deepcopy(model)
        for mm in (model, m2):
            mm.weight.grad = torch.ones_like(mm.weight) * 5
        X, y = rn(10, 3), rn(10, 1)
        o1, o2 = torch.optim.SGD(model.parameters(), lr=0.1), torch.optim.SGD(m2.parameters(), lr=0.1)
        l1_ = m.train_epoch(model, loader_of(X, y, 4), nn.MSELoss(), o1, torch.device("cpu"))
        l2_ = R.train_epoch(m2, loader_of(X, y, 4), nn.MSELoss(), o2, torch.device("cpu"))
        close(l1_, l2_, 1e-6, 1e-7, "epoch loss mse")
        close(model.weight.data, m2.weight.data, 1e-6, 1e-7, "zero_grad")

    def evaluate():
        torch.manual_seed(0)
        cls = nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.5))
        X = rn(40, 4)
        y = torch.randint(0, 3, (40,))
        cls.train()
        a = m.evaluate(cls, loader_of(X, y, 16), "cpu")
        b = R.evaluate(cls, loader_of(X, y, 16), "cpu")
        close(a, b, 0, 0, "evaluate cls")
        if cls.training:
            raise Fail("model left in train mode")
        binm = nn.Sequential(nn.Linear(4, 1), nn.Sigmoid())
        yb = (rn(40) > 0).long()
        for yy in (yb, yb.float(), yb.float()[:, None], yb[:, None]):
            a = m.evaluate(binm, loader_of(X, yy, 7), "cpu")
            b = R.evaluate(binm, loader_of(X, yy, 7), "cpu")
            close(float(a), b, 0, 0, "evaluate bin")
            if not isinstance(a, float):
                raise Fail("not a float")

    return run_checks([("relu", lambda: act("relu")), ("tanh", lambda: act("tanh")),
                       ("hard_sigmoid_from_relus", lambda: act("hard_sigmoid_from_relus", -100.0, 100.0)),
                       ("dropout", dropout), ("xavier_uniform_", xavier), ("LogisticRegression", logreg),
                       ("DiabetesNet", diab), ("MLP", mlp_cls), ("train_epoch", train), ("evaluate", evaluate)])


# ---------------------------------------------------------------- cnn
def check_cnn(m, R):
    D = torch.float64

    def corr():
        for (h, w), (kh, kw) in (((6, 7), (2, 3)), ((3, 3), (3, 3)), ((5, 4), (1, 1))):
            same_fn(m.corr2d, R.corr2d, [rn(h, w, seed=1), rn(kh, kw, seed=2)], 1e-5, 1e-5,
                    grad_argnums=(0, 1), what="corr2d")
        same_fn(m.corr2d, R.corr2d, [rn(6, 5).T, rn(2, 2)], 1e-5, 1e-5, what="corr2d view")

    def conv():
        for (n, ci, h, w), (co, kh, kw), s, p in (((2, 3, 7, 6), (4, 3, 3), 1, 0), ((1, 1, 8, 8), (2, 3, 3), 2, 1),
                                                  ((3, 2, 5, 9), (5, 2, 4), 3, 2), ((2, 4, 4, 4), (1, 1, 1), 1, 0)):
            x, wt, b = rn(n, ci, h, w, seed=1), rn(co, ci, kh, kw, seed=2), rn(co, seed=3)
            same_fn(lambda a, c: m.conv2d(a, c, None, s, p), lambda a, c: TF.conv2d(a, c, None, s, p),
                    [x, wt], 1e-5, 1e-5, grad_argnums=(0, 1), what=f"conv2d s{s} p{p}")
            same_fn(lambda a, c: m.conv2d(a, c, b, s, p), lambda a, c: TF.conv2d(a, c, b, s, p),
                    [x, wt], 1e-5, 1e-5, what=f"conv2d bias s{s} p{p}")
            same_fn(lambda a, c, d: m.conv2d(a, c, d, s, p), lambda a, c, d: TF.conv2d(a, c, d, s, p),
                    [x, wt, b], 1e-5, 1e-5, grad_argnums=(0, 1, 2), what="conv2d bias grad")
        x = rn(2, 3, 6, 5).transpose(2, 3)
        close(m.conv2d(x, rn(2, 3, 3, 3)), TF.conv2d(x, rn(2, 3, 3, 3)), 1e-5, 1e-5, "conv2d view default")

    def size():
        for args in ((28, 5, 0, 1), (8, 3, 1, 2), (7, 2, 0, 2), (5, 5, 0, 1), (10, 3, 2, 3)):
            close(m.conv_output_size(*args), R.conv_output_size(*args), what=f"size {args}")
        close(m.conv_output_size(28, 5), 24, what="size default")

    def pool():
        for shape, k, s in (((2, 3, 8, 8), 2, None), ((1, 2, 7, 9), 3, 2), ((2, 1, 6, 6), 2, 1), ((1, 1, 5, 5), 5, None),
                            ((1, 2, 9, 7), 3, 3)):
            x = rn(*shape, seed=3)
            same_fn(lambda a: m.max_pool2d(a, k, s), lambda a: TF.max_pool2d(a, k, s), [x], 0, 0,
                    grad_argnums=(0,), what=f"max_pool {shape} {k} {s}")
        x = rn(1, 1, 6, 4).transpose(2, 3)
        close(m.max_pool2d(x, 2), TF.max_pool2d(x, 2), 0, 0, "pool view default")

    def simple():
        torch.manual_seed(0)
        model = m.SimpleCNN()
        for hw in (8, 12, 28, 9):
            if model(rn(2, 1, hw, hw)).shape != (2, 10):
                raise Fail(f"shape {hw}")
        m3 = m.SimpleCNN(num_classes=5, in_channels=3)
        if m3(rn(1, 3, 10, 11)).shape != (1, 5):
            raise Fail("shape 3ch")
        if sum(isinstance(c, nn.Conv2d) for c in model.modules()) < 2:
            raise Fail("fewer than 2 Conv2d")
        grads_reach_all(model, rn(4, 1, 8, 8))
        torch.manual_seed(0)
        train_digits(m.SimpleCNN(), steps=250, lr=5e-3, need=0.75)

    return run_checks([("corr2d", corr), ("conv2d", conv), ("conv_output_size", size), ("max_pool2d", pool),
                       ("SimpleCNN", simple)])


# ---------------------------------------------------------------- inception
def check_inception(m, R):
    def inc():
        for c in (3, 10, 88):
            torch.manual_seed(c)
            a, b = m.InceptionA(c), R.InceptionA(c)
            matched_compare(a, b, [rn(2, c, 8, 8), rn(1, c, 5, 7)], modes=("eval",))
        grads_reach_all(m.InceptionA(4), rn(2, 4, 6, 6))

    def mults():
        close(m.conv_mults(28, 28, 192, 32, 5), 120422400, what="mults")
        close(m.conv_mults(28, 28, 192, 16, 1) + m.conv_mults(28, 28, 16, 32, 5), 12443648, what="bottleneck")
        close(m.conv_mults(3, 5, 2, 7, 3), R.conv_mults(3, 5, 2, 7, 3), what="mults2")

    def net():
        for size, ch, ncls in ((28, 1, 10), (8, 1, 10), (16, 3, 4)):
            torch.manual_seed(0)
            model = m.GoogLeNetMini(ch, ncls, size)
            if model(rn(2, ch, size, size)).shape != (2, ncls):
                raise Fail(f"shape {size}")
            if sum(isinstance(x, m.InceptionA) for x in model.modules()) != 2:
                raise Fail("not two InceptionA of this module")
        model = m.GoogLeNetMini(input_size=8)
        grads_reach_all(model, rn(3, 1, 8, 8))
        model = m.GoogLeNetMini()
        model(rn(1, 1, 28, 28))
        torch.manual_seed(0)
        train_digits(m.GoogLeNetMini(1, 10, 8), steps=120, lr=3e-3, need=0.7)

    return run_checks([("InceptionA", inc), ("conv_mults", mults), ("GoogLeNetMini", net)])


# ---------------------------------------------------------------- resnet
def check_resnet(m, R):
    D = torch.float64

    def rb():
        for c in (1, 4):
            torch.manual_seed(c)
            matched_compare(m.ResidualBlock(c), R.ResidualBlock(c), [rn(2, c, 6, 6), rn(1, c, 3, 5)], modes=("eval",))

    def bn():
        for shape in ((8, 3), (4, 3, 5, 5), (2, 3, 1, 1), (1, 3, 4, 2)):
            for training in (True, False):
                for dt in (torch.float32, D):
                    tol = (1e-5, 1e-6) if dt == torch.float32 else (1e-7, 1e-12)
                    x = rn(*shape, dtype=dt, seed=1) * 2 + 1
                    if dt == D and training:
                        x = rn(*shape, dtype=dt, seed=1) * 1e-2 + 1e5
                        tol = (1e-7, 1e-8)
                    gamma, beta = rn(3, dtype=dt, seed=2), rn(3, dtype=dt, seed=3)
                    rm1, rv1 = rn(3, dtype=dt, seed=4), rn(3, dtype=dt, seed=5).abs() + 0.5
                    rm2, rv2 = rm1.clone(), rv1.clone()
                    for mom, eps in ((0.1, 1e-5), (0.3, 1e-3)):
                        got = m.batch_norm(x, gamma, beta, rm1, rv1, training, mom, eps)
                        exp = TF.batch_norm(x, rm2, rv2, gamma, beta, training, mom, eps)
                        close(got, exp, *tol, f"bn {shape} {training}")
                        close(rm1, rm2, *tol, "running_mean")
                        close(rv1, rv2, *tol, "running_var")
                    if training and dt == D and shape[0] * math.prod(shape[2:]) > 1:
                        xx = rn(*shape, dtype=D, seed=9)
                        same_fn(lambda a, g, b: m.batch_norm(a, g, b, rm1.clone(), rv1.clone(), True),
                                lambda a, g, b: TF.batch_norm(a, rm1.clone(), rv1.clone(), g, b, True),
                                [xx, gamma, beta], 1e-7, 1e-10, grad_argnums=(0, 1, 2), what="bn grad")
        x = rn(3, 5, 4, 4).transpose(0, 1)
        rm, rv = torch.zeros(3 * 0 + 5 if False else 3), torch.ones(3)
        x = rn(5, 3, 4, 4).transpose(2, 3)
        close(m.batch_norm(x, torch.ones(3), torch.zeros(3), rm.clone(), rv.clone(), True),
              TF.batch_norm(x, rm.clone(), rv.clone(), torch.ones(3), torch.zeros(3), True), 1e-5, 1e-5, "bn view")

    def basic():
        for cin, cout, s in ((4, 4, 1), (4, 8, 1), (4, 8, 2), (4, 4, 2)):
            torch.manual_seed(cin + cout + s)
            a, b = m.BasicBlock(cin, cout, s), R.BasicBlock(cin, cout, s)
            randomize(a, 3)
            matched_compare(a, b, [rn(3, cin, 6, 6), rn(2, cin, 5, 7)])
            out = a(rn(2, cin, 7, 7))
            if out.shape != (2, cout, math.ceil(7 / s), math.ceil(7 / s)):
                raise Fail("shape")
            if cin == cout and s == 1 and any(isinstance(x, nn.Conv2d) and x.kernel_size == (1, 1) for x in a.modules()):
                raise Fail("projection where identity is due")

    def small():
        torch.manual_seed(0)
        model = m.SmallResNet()
        for hw in (8, 9, 28):
            if model(rn(2, 1, hw, hw)).shape != (2, 10):
                raise Fail("shape")
        if m.SmallResNet(3, 4)(rn(1, 3, 8, 10)).shape != (1, 4):
            raise Fail("shape 3ch")
        blocks = [x for x in model.modules() if isinstance(x, (m.ResidualBlock, m.BasicBlock))]
        if len(blocks) < 2:
            raise Fail("fewer than two residual blocks of this module")
        grads_reach_all(model, rn(4, 1, 8, 8))
        torch.manual_seed(0)
        train_digits(m.SmallResNet(), steps=200, lr=3e-3, need=0.6)

    return run_checks([("ResidualBlock", rb), ("batch_norm", bn), ("BasicBlock", basic), ("SmallResNet", small)])


# ---------------------------------------------------------------- rnn
def check_rnn(m, R):
    D = torch.float64

    def cell(name, torch_cls):
        for inp, hid, batch in ((3, 5, 4), (1, 1, 1), (6, 2, 3)):
            torch.manual_seed(inp)
            c = torch_cls(inp, hid).double()
            x, h = rn(batch, inp, dtype=D), rn(batch, hid, dtype=D)
            args = [x, h, c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh]
            args = [a.detach() for a in args]
            def expected(*a, c=c):
                weights = {"weight_ih": a[2], "weight_hh": a[3], "bias_ih": a[4], "bias_hh": a[5]}
                return torch.func.functional_call(c, weights, (a[0], a[1]))
            same_fn(getattr(m, name), expected, args, 1e-7, 1e-10, grad_argnums=(0, 1, 2, 3, 4, 5), what=name)
            a32 = [a.float() for a in args]
            close(getattr(m, name)(*a32), getattr(R, name)(*a32), 1e-5, 1e-5, f"{name} f32")
        x = rn(5, 3).T
        c = torch_cls(5, 2)
        close(getattr(m, name)(x, rn(3, 2), *[p.detach() for p in (c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh)]),
              getattr(R, name)(x, rn(3, 2), *[p.detach() for p in (c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh)]),
              1e-5, 1e-5, f"{name} view")

    def fwd():
        for layers, seq, batch, inp, hid in ((1, 5, 3, 4, 6), (2, 4, 2, 3, 5), (3, 1, 1, 2, 2)):
            torch.manual_seed(layers)
            rnn = nn.RNN(inp, hid, layers).double()
            x, h0 = rn(seq, batch, inp, dtype=D), rn(layers, batch, hid, dtype=D)
            params = [tuple(p.detach() for p in ws) for ws in rnn.all_weights]
            out, hn = m.rnn_forward(x, h0, params)
            eo, eh = rnn(x, h0)
            close((out, hn), (eo.detach(), eh.detach()), 1e-7, 1e-10, "rnn_forward")
            pr = [tuple(p.clone().requires_grad_() for p in ws) for ws in params]
            o, hn = m.rnn_forward(x, h0, pr)
            (o.sum() + hn.square().sum()).backward()
            (eo.sum() + eh.square().sum()).backward()
            for mine, theirs in zip(pr, rnn.all_weights):
                for a, b in zip(mine, theirs):
                    close(a.grad, b.grad, 1e-7, 1e-10, "rnn_forward grad")
            pf = [tuple(p.float() for p in ws) for ws in params]
            close(m.rnn_forward(x.float(), h0.float(), pf), R.rnn_forward(x.float(), h0.float(), pf), 1e-5, 1e-5, "f32")

    def emb():
        w = rn(7, 3, dtype=D)
        for idx in (torch.tensor([1, 2, 2, 6]), torch.tensor([[0, 1], [6, 0], [0, 0]]), torch.tensor(4),
                    torch.arange(14).reshape(2, 7)[:, ::2] % 7):
            same_fn(m.embedding_lookup, lambda a, b: TF.embedding(b, a), [w, idx], 1e-7, 0, grad_argnums=(0,),
                    what="embedding")
            close(m.embedding_lookup(w.float(), idx), TF.embedding(idx, w.float()), 1e-5, 1e-6, "emb f32")

    def enc():
        for text, vocab in (("hello", "ehlo"), ("ohlol", list("ehlo")), ("abcabc", "cba"), ("", "ab"), ("x", ["x"])):
            a, b = m.encode_chars(text, vocab), R.encode_chars(text, vocab)
            if a.dtype != torch.int64 or a.tolist() != b.tolist() or a.shape != b.shape:
                raise Fail(f"encode {text!r}: {a} vs {b}")

    def hello():
        for emb_dim in (None, 5):
            torch.manual_seed(0)
            model = m.HelloRNN(4, 8, emb_dim)
            x = R.encode_chars("hello", "ehlo").unsqueeze(1)
            y = R.encode_chars("ohlol", "ehlo")
            if model(x).shape != (5, 1, 4):
                raise Fail("shape")
            if model(torch.randint(0, 4, (7, 3))).shape != (7, 3, 4):
                raise Fail("shape batch")
            opt = torch.optim.Adam(model.parameters(), lr=0.05)
            for _ in range(100):
                loss = TF.cross_entropy(model(x).reshape(-1, 4), y)
                opt.zero_grad()
                loss.backward()
                opt.step()
            if not torch.equal(model(x).argmax(-1).reshape(-1), y):
                raise Fail(f"did not learn ohlol (emb {emb_dim})")
            grads_reach_all(model, x, lambda o: o.square().mean())

    return run_checks([("rnn_cell", lambda: cell("rnn_cell", nn.RNNCell)), ("rnn_forward", fwd),
                       ("embedding_lookup", emb), ("encode_chars", enc), ("HelloRNN", hello),
                       ("gru_cell", lambda: cell("gru_cell", nn.GRUCell))])


CHECKS = {t: globals()[f"check_{t}"] for t in
          ("tensors", "autograd", "losses", "optim", "mlp", "cnn", "inception", "resnet", "rnn")}


def check_file(path: Path) -> list[str]:
    topic = path.stem if path.parent.name == "solutions" else path.parent.name
    torch.manual_seed(0)
    try:
        mod = load(path)
    except Exception as e:  # noqa: BLE001
        return [f"import: {type(e).__name__}: {e}"]
    return CHECKS[topic](mod, ref(topic))


def main(argv):
    files = [Path(a) for a in argv] or sorted(p for p in ROOT.glob("*/*.py") if not p.name.startswith("_"))
    bad = 0
    for f in files:
        fails = check_file(f)
        if fails:
            bad += 1
            print(f"FAIL {f}")
            for x in fails:
                print("     ", x[:400])
        else:
            print(f"PASS {f}", flush=True)
    print(f"{len(files) - bad}/{len(files)} pass")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
