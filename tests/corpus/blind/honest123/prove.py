"""prove.py — checks every program of this batch against the course's reference solutions.

Plain torch, no grader: each program (and solutions/<topic>.py) is imported by path, every exercise
the program implements (its body does not raise the stub's NotImplementedError) is compared with the
reference on inputs the docstrings allow, and a PASS/FAIL line is printed per program.

Usage: python prove.py [substring ...]   (only programs whose folder name contains a substring)
"""

from __future__ import annotations

import copy
import gzip
import importlib.util
import inspect
import math
import os
import shutil
import sys
import tempfile
import traceback
import warnings
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
MATERIAL = os.path.join(os.path.dirname(HERE), "material")
SOLUTIONS = os.path.join(MATERIAL, "solutions")
TOPICS = ["autograd", "cnn", "inception", "losses", "mlp", "optim", "resnet", "rnn", "tensors"]
EXERCISES = {
    "tensors": ["add_into", "row_normalize", "pairwise_sq_dists", "one_hot", "accuracy", "flatten_batch",
                "fill_nan_with_column_mean", "matmul", "norms"],
    "autograd": ["linear_grad", "quadratic_grads", "grad_of_vector_fn", "detach_grad", "Sigmoid",
                 "numerical_grad", "Value"],
    "losses": ["mse", "l1", "huber", "sigmoid", "bce", "bce_with_logits", "softmax", "log_softmax",
               "cross_entropy", "entropy", "kl_div"],
    "optim": ["closed_form_linear_regression", "gd_fit", "sgd_fit", "minibatch_indices", "SGD", "Adam", "ema",
              "DiabetesDataset", "k_fold_indices"],
    "mlp": ["relu", "tanh", "hard_sigmoid_from_relus", "dropout", "xavier_uniform_", "LogisticRegression",
            "DiabetesNet", "MLP", "train_epoch", "evaluate"],
    "cnn": ["corr2d", "conv2d", "conv_output_size", "max_pool2d", "SimpleCNN"],
    "inception": ["InceptionA", "conv_mults", "GoogLeNetMini"],
    "resnet": ["ResidualBlock", "batch_norm", "BasicBlock", "SmallResNet"],
    "rnn": ["rnn_cell", "rnn_forward", "embedding_lookup", "encode_chars", "HelloRNN", "gru_cell"],
}
DTYPES = (torch.float32, torch.float64)
TMP = tempfile.mkdtemp(prefix="prove_tmp_", dir=HERE)
COUNTER = [0]


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------
def load(path: str):
    """Import a file by path with its folder first on sys.path; forget its helper modules after."""
    folder = os.path.dirname(os.path.abspath(path))
    before = set(sys.modules)
    sys.path.insert(0, folder)
    COUNTER[0] += 1
    name = f"prove_mod_{COUNTER[0]}_{os.path.splitext(os.path.basename(path))[0]}"
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module          # dataclasses and inspect look the module up here
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
        for key in set(sys.modules) - before:       # helper modules/packages of this program
            mod = sys.modules.get(key)
            file = getattr(mod, "__file__", None) or ""
            if file.startswith(folder) and key != name:
                del sys.modules[key]
    return module


def implemented(module, name: str) -> bool:
    obj = getattr(module, name, None)
    if obj is None:
        return False
    try:
        src = inspect.getsource(obj)
    except (OSError, TypeError):
        return True
    return "raise NotImplementedError(" not in src


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def close(a, b, rtol=1e-5, atol=1e-6, what=""):
    a = torch.as_tensor(a)
    b = torch.as_tensor(b)
    assert a.shape == b.shape, f"{what}: shape {tuple(a.shape)} != {tuple(b.shape)}"
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} != {b.dtype}"
    if not torch.allclose(a.double(), b.double(), rtol=rtol, atol=atol, equal_nan=True):
        diff = (a.double() - b.double()).abs()
        diff = torch.where(torch.isnan(diff), torch.zeros_like(diff), diff)
        raise AssertionError(f"{what}: max abs diff {diff.max().item():.3e}")


def tol(dtype):
    if dtype == torch.float64:
        return dict(rtol=1e-7, atol=1e-12)
    if dtype == torch.float16:
        return dict(rtol=1e-2, atol=1e-3)
    return dict(rtol=1e-5, atol=1e-6)


def snapshot(*tensors):
    return [(t.detach().clone(), t.requires_grad, None if t.grad is None else t.grad.clone()) for t in tensors]


def unchanged(snap, *tensors, what=""):
    for (v, rg, g), t in zip(snap, tensors):
        assert torch.equal(v, t.detach()) or (torch.isnan(v).any() and torch.allclose(v, t.detach(), equal_nan=True)), \
            f"{what}: an input's values changed"
        assert rg == t.requires_grad, f"{what}: an input's requires_grad changed"
        assert (g is None) == (t.grad is None) and (g is None or torch.equal(g, t.grad)), f"{what}: an input's .grad changed"


def compare_fn(mine: Callable, ref: Callable, make_inputs: Callable, what: str, dtype, grad=True,
               rtol=None, atol=None, grad_rtol=1e-7, grad_atol=1e-10):
    """Values in `dtype`; gradients (float64) of sum(out·w) into every floating input."""
    t = tol(dtype)
    rtol = t["rtol"] if rtol is None else rtol
    atol = t["atol"] if atol is None else atol
    args = make_inputs(dtype)
    snap = snapshot(*[a for a in args if isinstance(a, torch.Tensor)])
    out_m = mine(*args)
    out_r = ref(*[a.clone() if isinstance(a, torch.Tensor) else a for a in args])
    unchanged(snap, *[a for a in args if isinstance(a, torch.Tensor)], what=what)
    if isinstance(out_r, tuple):
        for i, (m, r) in enumerate(zip(out_m, out_r)):
            close(m, r, rtol, atol, f"{what}[{i}] {dtype}")
    else:
        close(out_m, out_r, rtol, atol, f"{what} {dtype}")
    if grad and dtype == torch.float64:
        a1 = [a.detach().clone().requires_grad_(True) if isinstance(a, torch.Tensor) and a.is_floating_point() else a
              for a in args]
        a2 = [a.detach().clone().requires_grad_(True) if isinstance(a, torch.Tensor) and a.is_floating_point() else a
              for a in args]
        o1, o2 = mine(*a1), ref(*a2)
        o1 = o1 if isinstance(o1, tuple) else (o1,)
        o2 = o2 if isinstance(o2, tuple) else (o2,)
        gen = torch.Generator().manual_seed(7)
        s1 = sum((o * torch.rand(o.shape, generator=gen, dtype=o.dtype)).sum() for o in o1)
        gen = torch.Generator().manual_seed(7)
        s2 = sum((o * torch.rand(o.shape, generator=gen, dtype=o.dtype)).sum() for o in o2)
        leaves1 = [a for a in a1 if isinstance(a, torch.Tensor) and a.requires_grad]
        leaves2 = [a for a in a2 if isinstance(a, torch.Tensor) and a.requires_grad]
        g1 = torch.autograd.grad(s1, leaves1, allow_unused=True)
        g2 = torch.autograd.grad(s2, leaves2, allow_unused=True)
        for i, (x, y) in enumerate(zip(g1, g2)):
            assert x is not None, f"{what}: no gradient reaches input {i}"
            close(x, y, grad_rtol, grad_atol, f"{what} grad[{i}]")


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def randn(*shape, dtype=torch.float32, seed=0, scale=1.0):
    return torch.randn(tuple(shape), generator=gen(seed), dtype=dtype) * scale


# ---------------------------------------------------------------------------------------------
# tensors
# ---------------------------------------------------------------------------------------------
def t_tensors(m, r, name):
    if name == "add_into":
        for dt in DTYPES:
            for shape in [(3, 4), (5,), (1, 1, 2)]:
                x, y = randn(*shape, dtype=dt, seed=1), randn(*shape, dtype=dt, seed=2)
                z = torch.empty(shape, dtype=dt)
                ptr = z.data_ptr()
                snap = snapshot(x, y)
                out = m.add_into(z, x, y)
                assert out is z, "add_into must return z itself"
                assert z.data_ptr() == ptr, "z's storage changed"
                close(z, x + y, 0, 0, "add_into")
                unchanged(snap, x, y, what="add_into")
            x = randn(4, dtype=torch.float32)
            m.add_into(torch.empty(4), x, x)                   # the same tensor twice
    elif name == "row_normalize":
        for dt in DTYPES:
            for n, d in [(1, 1), (4, 7), (50, 3)]:
                compare_fn(m.row_normalize, r.row_normalize, lambda dt_: (randn(n, d, dtype=dt_, seed=3).abs() + 0.1,),
                           "row_normalize", dt)
            x = (randn(6, 5, dtype=dt).abs() + 0.1).T          # non-contiguous
            close(m.row_normalize(x), r.row_normalize(x), **tol(dt), what="row_normalize view")
    elif name == "pairwise_sq_dists":
        for dt in DTYPES:
            for n, mm, d in [(1, 1, 1), (5, 7, 3), (20, 1, 16)]:
                a, b = randn(n, d, dtype=dt, seed=4, scale=3), randn(mm, d, dtype=dt, seed=5, scale=3)
                for bb in (b, a):
                    got = m.pairwise_sq_dists(a, bb)
                    want = ((a[:, None, :].double() - bb[None, :, :].double()) ** 2).sum(-1)
                    scale = (a.double() ** 2).sum(1)[:, None] + (bb.double() ** 2).sum(1)[None, :]
                    assert got.shape == want.shape and got.dtype == dt, "pairwise shape/dtype"
                    assert ((got.double() - want).abs() <= 1e-5 * scale + 1e-300).all(), "pairwise values"
            a = randn(3, 4, dtype=dt).T
            close(m.pairwise_sq_dists(a, a), r.pairwise_sq_dists(a, a), rtol=1e-4, atol=1e-5, what="pairwise view")
    elif name == "one_hot":
        for n, c in [(1, 1), (6, 4), (30, 100)]:
            labels = torch.randint(0, c, (n,), generator=gen(6))
            close(m.one_hot(labels, c), r.one_hot(labels, c), 0, 0, "one_hot")
    elif name == "accuracy":
        for n, c in [(1, 2), (10, 3), (100, 5)]:
            scores = torch.randint(0, 3, (n, c), generator=gen(7)).float()     # many ties
            y = torch.randint(0, c, (n,), generator=gen(8))
            a, b = m.accuracy(scores, y), r.accuracy(scores, y)
            assert isinstance(a, float) and abs(a - b) < 1e-6, f"accuracy {a} != {b}"
            labels = torch.randint(0, c, (n,), generator=gen(9))
            assert abs(m.accuracy(labels, y) - r.accuracy(labels, y)) < 1e-6, "accuracy on labels"
    elif name == "flatten_batch":
        for shape in [(1, 1, 28, 28), (4, 3, 5, 2)]:
            x = randn(*shape)
            close(m.flatten_batch(x), r.flatten_batch(x), 0, 0, "flatten_batch")
    elif name == "fill_nan_with_column_mean":
        for dt in DTYPES:
            for n, d in [(1, 1), (5, 3), (40, 9)]:
                x = randn(n, d, dtype=dt, seed=10)
                mask = torch.rand(n, d, generator=gen(11)) < 0.4
                mask[0] = False
                x[mask] = float("nan")
                snap = snapshot(x)
                close(m.fill_nan_with_column_mean(x), r.fill_nan_with_column_mean(x), **tol(dt), what="fill_nan")
                unchanged(snap, x, what="fill_nan")
            x = randn(5, 4, dtype=dt)
            x[1, 2] = float("nan")
            close(m.fill_nan_with_column_mean(x.T), r.fill_nan_with_column_mean(x.T), **tol(dt), what="fill_nan view")
    elif name == "matmul":
        for dt in DTYPES:
            for n, k, mm in [(1, 1, 1), (3, 4, 5), (17, 8, 2)]:
                compare_fn(m.matmul, lambda a, b: a @ b,
                           lambda dt_: (randn(n, k, dtype=dt_, seed=12), randn(k, mm, dtype=dt_, seed=13)),
                           "matmul", dt, rtol=1e-5 if dt == torch.float32 else 1e-10, atol=1e-5)
            a = randn(4, 4, dtype=dt)
            close(m.matmul(a, a), a @ a, rtol=1e-5, atol=1e-5, what="matmul same arg")
    elif name == "norms":
        for dt in DTYPES:
            for shape in [(1,), (3, 4), (2, 3, 5)]:
                compare_fn(m.norms, r.norms, lambda dt_: (randn(*shape, dtype=dt_, seed=14) + 0.5,), "norms", dt)
            x = torch.zeros(3, dtype=dt)
            l1_, l2_ = m.norms(x)
            assert l1_.dim() == 0 and l2_.dim() == 0 and float(l1_) == 0 and float(l2_) == 0, "norms of zeros"


# ---------------------------------------------------------------------------------------------
# autograd
# ---------------------------------------------------------------------------------------------
def t_autograd(m, r, name):
    if name == "linear_grad":
        for dt in DTYPES:
            for n in (1, 5, 100):
                w = torch.tensor(1.7, dtype=dt)
                x, y = randn(n, dtype=dt, seed=1, scale=3), randn(n, dtype=dt, seed=2)
                close(m.linear_grad(w, x, y), r.linear_grad(w, x, y), **tol(dt), what="linear_grad")
        x = randn(50, dtype=torch.float64, seed=3) * 1e4
        w = torch.tensor(2.5, dtype=torch.float64)
        y = w * x + randn(50, dtype=torch.float64, seed=4) * 1e-3
        close(m.linear_grad(w, x, y), r.linear_grad(w, x, y), rtol=1e-7, atol=0, what="linear_grad w·x≈y")
    elif name == "quadratic_grads":
        for dt in DTYPES:
            for n in (1, 7, 64):
                args = [torch.tensor(v, dtype=dt) for v in (0.3, -1.2, 0.7)] + \
                       [randn(n, dtype=dt, seed=5), randn(n, dtype=dt, seed=6)]
                for a_, b_ in zip(m.quadratic_grads(*args), r.quadratic_grads(*args)):
                    close(a_, b_, **tol(dt), what="quadratic_grads")
    elif name == "grad_of_vector_fn":
        for dt in DTYPES:
            f = lambda t: torch.sin(t) * t ** 2          # noqa: E731 (non-scalar output)
            for shape in [(3,), (2, 4)]:
                x = randn(*shape, dtype=dt, seed=7).requires_grad_(True)
                x.grad = torch.ones_like(x)
                snap = snapshot(x)
                close(m.grad_of_vector_fn(f, x), r.grad_of_vector_fn(f, x), **tol(dt), what="grad_of_vector_fn")
                unchanged(snap, x, what="grad_of_vector_fn")
                x2 = randn(*shape, dtype=dt, seed=8)
                snap = snapshot(x2)
                close(m.grad_of_vector_fn(f, x2), r.grad_of_vector_fn(f, x2), **tol(dt), what="grad_of_vector_fn 2")
                unchanged(snap, x2, what="grad_of_vector_fn 2")
    elif name == "detach_grad":
        for dt in DTYPES:
            for shape in [(1,), (4,), (2, 3)]:
                x = randn(*shape, dtype=dt, seed=9)
                snap = snapshot(x)
                close(m.detach_grad(x), r.detach_grad(x), **tol(dt), what="detach_grad")
                unchanged(snap, x, what="detach_grad")
    elif name == "Sigmoid":
        for dt in DTYPES:
            x = torch.cat([randn(50, dtype=dt, seed=10) * 5,
                           torch.tensor([-1000., -700., -100., -30., 0., 30., 100., 700., 1000.], dtype=dt)])
            if dt == torch.float32:
                x = x.clamp(-1000, 1000)
            x = x.requires_grad_(True)
            y = m.Sigmoid.apply(x)
            assert torch.isfinite(y).all(), "Sigmoid: inf/NaN"
            want = torch.sigmoid(x.detach())
            close(y.detach(), want, rtol=1e-7 if dt == torch.float64 else 1e-5, atol=0 if dt == torch.float64 else 1e-6,
                  what=f"Sigmoid value {dt}")
            (g,) = torch.autograd.grad((y * torch.arange(len(x), dtype=dt)).sum(), x)
            want_g = want * (1 - want) * torch.arange(len(x), dtype=dt)
            close(g, want_g, rtol=1e-7 if dt == torch.float64 else 1e-5, atol=1e-300 if dt == torch.float64 else 1e-6,
                  what="Sigmoid grad")
    elif name == "numerical_grad":
        for dt in DTYPES:
            for shape in [(), (3,), (2, 3)]:
                x = randn(*shape, dtype=dt, seed=11)
                f = lambda t: (t ** 3).sum() + t.sum() * 2.0     # noqa: E731
                snap = snapshot(x)
                eps = 1e-6 if dt == torch.float64 else 1e-3
                close(m.numerical_grad(f, x, eps), r.numerical_grad(f, x, eps), rtol=1e-6, atol=1e-6,
                      what=f"numerical_grad {dt}")
                unchanged(snap, x, what="numerical_grad")
            x = randn(4, dtype=dt, seed=12)
            view_f = lambda t: t.view(-1)[2]                   # noqa: E731 (0-dim view of x)
            close(m.numerical_grad(view_f, x), r.numerical_grad(view_f, x), rtol=1e-6, atol=1e-6, what="numerical_grad view")
            floatf = lambda t: float((t * t).sum())            # noqa: E731
            close(m.numerical_grad(floatf, x), r.numerical_grad(floatf, x), rtol=1e-6, atol=1e-6, what="numerical_grad float")
            # default eps
            x64 = randn(3, dtype=torch.float64, seed=13)
            close(m.numerical_grad(lambda t: (t ** 2).sum(), x64), 2 * x64, rtol=1e-6, atol=1e-8, what="numerical_grad default")
    elif name == "Value":
        V = m.Value
        assert isinstance(V(2).data, float) and V(2).data == 2.0, "Value(2).data must be the float 2.0"
        assert V(3.0).grad == 0.0 and isinstance(V(3.0).grad, float), "fresh grad must be the float 0.0"
        import random
        for seed in range(25):
            rng = random.Random(seed)
            leaves_v = [V(rng.uniform(0.5, 1.5)) for _ in range(4)]
            leaves_t = [torch.tensor(v.data, dtype=torch.float64, requires_grad=True) for v in leaves_v]
            nodes_v, nodes_t = list(leaves_v), list(leaves_t)
            depth = 500 if seed < 3 else rng.randint(5, 60)
            for _ in range(depth):
                i, j = rng.randrange(len(nodes_v)), rng.randrange(len(nodes_v))
                a_v, b_v, a_t, b_t = nodes_v[i], nodes_v[j], nodes_t[i], nodes_t[j]
                if seed < 3:                                   # a deep chain: each node uses the previous one
                    a_v, a_t = nodes_v[-1], nodes_t[-1]
                op = rng.choice(["add", "sub", "mul", "div", "neg", "pow", "tanh", "exp", "relu", "radd", "rsub",
                                 "rmul", "rdiv"])
                c = rng.uniform(0.5, 2.0)
                if op == "add": v, t = a_v + b_v, a_t + b_t
                elif op == "sub": v, t = a_v - b_v, a_t - b_t
                elif op == "mul": v, t = a_v * b_v, a_t * b_t
                elif op == "div":
                    if abs(b_v.data) < 0.2: continue
                    v, t = a_v / b_v, a_t / b_t
                elif op == "neg": v, t = -a_v, -a_t
                elif op == "pow":
                    if a_v.data <= 0.1 or abs(a_v.data) > 5: continue
                    v, t = a_v ** 2.5, a_t ** 2.5
                elif op == "tanh": v, t = a_v.tanh(), torch.tanh(a_t)
                elif op == "exp":
                    if a_v.data > 3: continue
                    v, t = a_v.exp(), torch.exp(a_t)
                elif op == "relu": v, t = a_v.relu(), torch.relu(a_t)
                elif op == "radd": v, t = c + a_v, c + a_t
                elif op == "rsub": v, t = c - a_v, c - a_t
                elif op == "rmul": v, t = c * a_v, c * a_t
                else:
                    if abs(a_v.data) < 0.2: continue
                    v, t = c / a_v, c / a_t
                if not math.isfinite(v.data) or abs(v.data) > 1e6:
                    continue
                nodes_v.append(v)
                nodes_t.append(t)
            out_v = nodes_v[-1] + nodes_v[len(nodes_v) // 2] * nodes_v[0]
            out_t = nodes_t[-1] + nodes_t[len(nodes_t) // 2] * nodes_t[0]
            out_v.backward()
            out_t.backward()
            assert abs(out_v.data - out_t.item()) <= 1e-9 * max(1, abs(out_t.item())), f"Value data (seed {seed})"
            for lv, lt in zip(leaves_v, leaves_t):
                gt = 0.0 if lt.grad is None else lt.grad.item()
                assert abs(lv.grad - gt) <= 1e-7 * max(1, abs(gt)), f"Value grad {lv.grad} vs {gt} (seed {seed})"
        z = V(0.0).relu()
        z.backward()


# ---------------------------------------------------------------------------------------------
# losses
# ---------------------------------------------------------------------------------------------
def t_losses(m, r, name):
    shapes = [(1,), (5,), (3, 4), (2, 3, 5)]
    if name in ("mse", "l1"):
        for dt in DTYPES:
            for shape in shapes:
                for red in ("mean", "sum", "none"):
                    compare_fn(lambda a, b: getattr(m, name)(a, b, red), lambda a, b: getattr(r, name)(a, b, red),
                               lambda dt_: (randn(*shape, dtype=dt_, seed=1), randn(*shape, dtype=dt_, seed=2)), name, dt)
            a = randn(4, 3, dtype=dt)
            close(getattr(m, name)(a, a.T.T), getattr(r, name)(a, a), **tol(dt), what=f"{name} same")
            close(getattr(m, name)(a, randn(4, 3, dtype=dt, seed=5)), getattr(r, name)(a, randn(4, 3, dtype=dt, seed=5)),
                  **tol(dt), what=f"{name} default")
    elif name == "huber":
        for dt in DTYPES:
            for shape in shapes:
                for delta in (0.5, 1.0, 2.0):
                    compare_fn(lambda a, b: m.huber(a, b, delta), lambda a, b: r.huber(a, b, delta),
                               lambda dt_: (randn(*shape, dtype=dt_, seed=3, scale=2), randn(*shape, dtype=dt_, seed=4)),
                               "huber", dt)
            big = torch.tensor([1e30, -3.0, 0.2], dtype=torch.float32)
            out = m.huber(big, torch.zeros(3), 1.0)
            assert torch.isfinite(out), "huber overflowed on a large d"
            close(out, F.huber_loss(big, torch.zeros(3)), rtol=1e-5, atol=0, what="huber large")
    elif name == "sigmoid":
        for dt in DTYPES:
            compare_fn(m.sigmoid, torch.sigmoid, lambda dt_: (randn(40, dtype=dt_, seed=5, scale=6),), "sigmoid", dt)
            x = torch.tensor([-1000., -700., -100., -40., 40., 100., 700., 1000.], dtype=dt, requires_grad=True)
            y = m.sigmoid(x)
            (g,) = torch.autograd.grad(y.sum(), x)
            assert torch.isfinite(y).all() and torch.isfinite(g).all(), "sigmoid inf/NaN"
            if dt == torch.float64:
                close(y.detach(), torch.sigmoid(x.detach()), rtol=1e-7, atol=0, what="sigmoid tails")
        h = randn(30, dtype=torch.float16, seed=6)
        close(m.sigmoid(h), torch.sigmoid(h), rtol=1e-2, atol=1e-3, what="sigmoid fp16")
    elif name == "bce":
        for dt in DTYPES:
            for shape in shapes:
                compare_fn(m.bce, r.bce, lambda dt_: (torch.rand(*shape, generator=gen(7), dtype=dt_) * 0.98 + 0.01,
                                                      torch.rand(*shape, generator=gen(8), dtype=dt_)), "bce", dt)
            p = torch.tensor([0.0, 1.0, 0.5, 1e-30], dtype=dt)
            y = torch.tensor([1.0, 0.0, 1.0, 0.3], dtype=dt)
            close(m.bce(p, y), F.binary_cross_entropy(p, y), rtol=1e-5, atol=0, what="bce floor")
    elif name == "bce_with_logits":
        for dt in DTYPES:
            for shape in shapes:
                compare_fn(m.bce_with_logits, F.binary_cross_entropy_with_logits,
                           lambda dt_: (randn(*shape, dtype=dt_, seed=9, scale=4),
                                        torch.rand(*shape, generator=gen(10), dtype=dt_)), "bce_with_logits", dt)
            z = torch.tensor([1000., -1000., 3., -2.], dtype=dt)
            y = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=dt)
            close(m.bce_with_logits(z, y), F.binary_cross_entropy_with_logits(z, y), rtol=1e-5, atol=8 * 1e-7 * 1000,
                  what="bce_with_logits ±1000")
    elif name in ("softmax", "log_softmax"):
        twin = torch.softmax if name == "softmax" else torch.log_softmax
        for dt in DTYPES:
            for shape, dim in [((5,), -1), ((3, 4), 1), ((3, 4), 0), ((2, 3, 5), 1), ((2, 3, 5), -2), ((4, 200), -1)]:
                compare_fn(lambda x: getattr(m, name)(x, dim), lambda x: twin(x, dim),
                           lambda dt_: (randn(*shape, dtype=dt_, seed=11, scale=3),), name, dt)
            x = torch.tensor([[1000., -1000., 0.], [-1000., -1000., -999.]], dtype=dt)
            got = getattr(m, name)(x)
            assert torch.isfinite(got).all(), f"{name} not finite at ±1000"
            close(got, twin(x, -1), rtol=1e-5, atol=8 * torch.finfo(dt).eps * 1000, what=f"{name} ±1000")
            xs = randn(3, 4, dtype=dt)
            close(getattr(m, name)(xs), twin(xs, -1), **tol(dt), what=f"{name} default dim")
        h = randn(4, 6, dtype=torch.float16, seed=12)
        close(getattr(m, name)(h, 1), twin(h.float(), 1).half(), rtol=1e-2, atol=1e-2, what=f"{name} fp16")
    elif name == "cross_entropy":
        for dt in DTYPES:
            for n, c in [(1, 2), (5, 3), (16, 10)]:
                tgt = torch.randint(0, c, (n,), generator=gen(13))
                compare_fn(lambda z: m.cross_entropy(z, tgt), lambda z: F.cross_entropy(z, tgt),
                           lambda dt_: (randn(n, c, dtype=dt_, seed=14, scale=3),), "cross_entropy idx", dt)
                probs = torch.softmax(randn(n, c, dtype=dt, seed=15), 1)
                compare_fn(lambda z: m.cross_entropy(z, probs), lambda z: F.cross_entropy(z, probs),
                           lambda dt_: (randn(n, c, dtype=dt_, seed=16, scale=3),), "cross_entropy prob", dt)
                onehot = F.one_hot(tgt, c)                     # int64 one-hot target
                z = randn(n, c, dtype=dt, seed=17)
                close(m.cross_entropy(z, onehot), F.cross_entropy(z, onehot.to(dt)), **tol(dt), what="cross_entropy int one-hot")
            z = torch.tensor([[1000., -1000., 0.], [-1000., 1000., 5.]], dtype=dt)
            t_ = torch.tensor([1, 0])
            close(m.cross_entropy(z, t_), F.cross_entropy(z, t_), rtol=1e-5, atol=8 * torch.finfo(dt).eps * 1000,
                  what="cross_entropy ±1000")
    elif name in ("entropy", "kl_div"):
        for dt in DTYPES:
            for shape in [(4,), (3, 5), (2, 3, 4)]:
                p = torch.softmax(randn(*shape, dtype=dt, seed=18), -1)
                q = torch.softmax(randn(*shape, dtype=dt, seed=19), -1)
                if name == "entropy":
                    compare_fn(m.entropy, r.entropy, lambda dt_: (p.to(dt_),), "entropy", dt)
                else:
                    compare_fn(m.kl_div, r.kl_div, lambda dt_: (p.to(dt_), q.to(dt_)), "kl_div", dt)
            p = torch.tensor([[0.0, 0.5, 0.5], [0.2, 0.8, 0.0], [0.0, 1.0, 0.0]], dtype=dt)
            q = torch.tensor([[0.0, 0.5, 0.5], [0.0, 0.5, 0.5], [0.3, 0.7, 0.0]], dtype=dt)
            if name == "entropy":
                close(m.entropy(p), r.entropy(p), **tol(dt), what="entropy zeros")
            else:
                got = m.kl_div(p, q)
                assert got.shape == (3,), "kl_div shape"
                assert got[0].item() == 0 and math.isinf(got[1].item()) and got[1] > 0, f"kl_div special values {got}"
                close(got[2], r.kl_div(p, q)[2], **tol(dt), what="kl_div zeros")


# ---------------------------------------------------------------------------------------------
# optim
# ---------------------------------------------------------------------------------------------
def run_optimizer(cls, params_init, groups, steps=50, closure_every=7, check_grad_untouched=True):
    params = [p.detach().clone().requires_grad_(True) for p in params_init]
    if groups is None:
        opt = cls(params, **OPT_KW[0])
    else:
        opt = cls([{"params": [params[0]], **groups[0]}, {"params": params[1:], **groups[1]}], **OPT_KW[0])
    traj = []
    for step in range(steps):
        def closure():
            opt.zero_grad()
            loss = sum(((p - 0.3) ** 2 * (i + 1)).sum() + (p ** 3).sum() * 0.1 for i, p in enumerate(params))
            loss.backward()
            return loss
        if step % closure_every == 0:
            returned = opt.step(closure)
            assert isinstance(returned, torch.Tensor), "step(closure) must return the closure's loss tensor"
        else:
            closure()
            before = [p.grad.clone() for p in params]
            returned = opt.step()
            assert returned is None, "step() without closure must return None"
            if check_grad_untouched:
                for b, p in zip(before, params):
                    assert torch.equal(b, p.grad), "step() changed p.grad"
        traj.append([p.detach().clone() for p in params])
    return traj, opt, params


OPT_KW = [{}]


def t_optim(m, r, name):
    if name == "closed_form_linear_regression":
        for dt in DTYPES:
            X = randn(40, 4, dtype=dt, seed=1) + torch.eye(40, 4, dtype=dt) * 3
            for y in (randn(40, dtype=dt, seed=2), randn(40, 3, dtype=dt, seed=3)):
                close(m.closed_form_linear_regression(X, y), r.closed_form_linear_regression(X, y),
                      rtol=1e-4 if dt == torch.float32 else 1e-9, atol=1e-5 if dt == torch.float32 else 1e-10,
                      what="closed_form")
    elif name == "gd_fit":
        for dt in DTYPES:
            x = randn(30, dtype=dt, seed=4)
            y = 3 * x + 0.1 * randn(30, dtype=dt, seed=5)
            for lr, steps in [(0.1, 20), (0.01, 1), (0.05, 0)]:
                w1, l1 = m.gd_fit(x, y, lr, steps)
                w2, l2 = r.gd_fit(x, y, lr, steps)
                assert isinstance(w1, float) and all(isinstance(v, float) for v in l1), "gd_fit returns floats"
                assert len(l1) == len(l2) == steps, "gd_fit length"
                assert math.isclose(w1, w2, rel_tol=1e-5, abs_tol=1e-7), f"gd_fit w {w1} vs {w2}"
                assert np.allclose(l1, l2, rtol=1e-5, atol=1e-7), "gd_fit losses"
    elif name == "sgd_fit":
        for dt in DTYPES:
            x = randn(12, dtype=dt, seed=6)
            y = 2 * x + 0.1 * randn(12, dtype=dt, seed=7)
            for lr, epochs in [(0.05, 5), (0.01, 1)]:
                w1, l1 = m.sgd_fit(x, y, lr, epochs, torch.Generator().manual_seed(3))
                w2, l2 = r.sgd_fit(x, y, lr, epochs, torch.Generator().manual_seed(3))
                assert len(l1) == epochs and isinstance(w1, float), "sgd_fit shape"
                assert math.isclose(w1, w2, rel_tol=1e-4, abs_tol=1e-6), f"sgd_fit w {w1} vs {w2}"
                assert np.allclose(l1, l2, rtol=1e-4, atol=1e-6), "sgd_fit losses"
            torch.manual_seed(11)
            w1, _ = m.sgd_fit(x, y, 0.05, 3)
            torch.manual_seed(11)
            w2, _ = r.sgd_fit(x, y, 0.05, 3)
            assert math.isclose(w1, w2, rel_tol=1e-4, abs_tol=1e-6), "sgd_fit with the global generator"
    elif name == "minibatch_indices":
        for n, bs in [(10, 3), (8, 4), (1, 5), (7, 1)]:
            for shuffle in (True, False):
                a = list(m.minibatch_indices(n, bs, shuffle, torch.Generator().manual_seed(5)))
                b = list(r.minibatch_indices(n, bs, shuffle, torch.Generator().manual_seed(5)))
                assert len(a) == len(b) and all(torch.equal(u, v) and u.dtype == torch.int64 for u, v in zip(a, b)), \
                    f"minibatch_indices n={n} bs={bs} shuffle={shuffle}"
        torch.manual_seed(2)
        a = list(m.minibatch_indices(9, 2))
        torch.manual_seed(2)
        b = list(r.minibatch_indices(9, 2))
        assert all(torch.equal(u, v) for u, v in zip(a, b)), "minibatch_indices defaults"
    elif name in ("SGD", "Adam"):
        cls_m, cls_t = (m.SGD, torch.optim.SGD) if name == "SGD" else (m.Adam, torch.optim.Adam)
        assert issubclass(cls_m, torch.optim.Optimizer), "must subclass torch.optim.Optimizer"
        if name == "SGD":
            configs = [dict(lr=0.05), dict(lr=0.05, momentum=0.9), dict(lr=0.03, momentum=0.9, dampening=0.1),
                       dict(lr=0.02, momentum=0.8, weight_decay=0.01), dict(lr=0.02, momentum=0.9, nesterov=True),
                       dict(lr=0.01, momentum=0.5, weight_decay=0.1, nesterov=True)]
            group_cfg = [dict(lr=0.01, momentum=0.9), dict(lr=0.03, weight_decay=0.05)]
        else:
            configs = [dict(), dict(lr=0.01), dict(lr=0.02, betas=(0.8, 0.99)), dict(lr=0.01, eps=1e-6),
                       dict(lr=0.01, weight_decay=0.05)]
            group_cfg = [dict(lr=0.02), dict(lr=0.005, betas=(0.5, 0.9), weight_decay=0.1)]
        for dt in DTYPES:
            init = [randn(3, 4, dtype=dt, seed=8), randn(5, dtype=dt, seed=9)]
            tol_ = dict(rtol=1e-4, atol=1e-6) if dt == torch.float32 else dict(rtol=1e-10, atol=1e-10)
            for cfg in configs:
                OPT_KW[0] = cfg
                tm, _, _ = run_optimizer(cls_m, init, None)
                tt, _, _ = run_optimizer(cls_t, init, None)
                for step, (a, b) in enumerate(zip(tm, tt)):
                    for u, v in zip(a, b):
                        close(u, v, what=f"{name} {cfg} step {step}", **tol_)
            OPT_KW[0] = dict(lr=0.01) if name == "SGD" else {}
            tm, _, _ = run_optimizer(cls_m, init, group_cfg)
            tt, _, _ = run_optimizer(cls_t, init, group_cfg)
            for a, b in zip(tm, tt):
                for u, v in zip(a, b):
                    close(u, v, what=f"{name} param groups", **tol_)
        # state_dict carries the state to a fresh optimizer
        OPT_KW[0] = dict(lr=0.05, momentum=0.9) if name == "SGD" else dict(lr=0.01)
        init = [randn(4, dtype=torch.float64, seed=10), randn(2, 2, dtype=torch.float64, seed=11)]
        _, opt_a, params_a = run_optimizer(cls_m, init, None, steps=10)
        _, opt_b, params_b = run_optimizer(cls_t, init, None, steps=10)
        new_params = [p.detach().clone().requires_grad_(True) for p in params_a]
        opt_c = cls_m(new_params, **OPT_KW[0])
        opt_c.load_state_dict(opt_a.state_dict())
        for opt, ps in ((opt_c, new_params), (opt_b, params_b)):
            for _ in range(5):
                opt.zero_grad()
                sum(((p - 0.3) ** 2).sum() for p in ps).backward()
                opt.step()
        for u, v in zip(new_params, params_b):
            close(u.detach(), v.detach(), rtol=1e-10, atol=1e-10, what=f"{name} state_dict round trip")
    elif name == "ema":
        for dt in (torch.float16, torch.float32, torch.float64):
            for n in (1, 5, 300):
                v = torch.rand(n, generator=gen(12), dtype=torch.float64).to(dt) * 3
                for beta in (0.0, 0.5, 0.9, 0.99):
                    for corr in (True, False):
                        a, b = m.ema(v, beta, corr), r.ema(v, beta, corr)
                        t_ = dict(rtol=1e-2, atol=1e-3) if dt == torch.float16 else dict(rtol=1e-4, atol=1e-7)
                        close(a, b, what=f"ema {dt} beta={beta} corr={corr}", **t_)
            v = torch.rand(6, dtype=dt)
            close(m.ema(v, 0.9), r.ema(v, 0.9), rtol=1e-2, atol=1e-3, what="ema default")
    elif name == "DiabetesDataset":
        for rows, d in [(25, 7), (2, 3), (10, 8)]:
            table = np.random.default_rng(rows).normal(size=(rows, d + 1)).astype(np.float32)
            table[:, -1] = (table[:, -1] > 0).astype(np.float32)
            path = os.path.join(TMP, f"diabetes_{rows}_{d}.csv.gz")
            with gzip.open(path, "wt") as fh:
                for row in table:
                    fh.write(",".join(f"{v:.6f}" for v in row) + "\n")
            a, b = m.DiabetesDataset(path), r.DiabetesDataset(path)
            assert isinstance(a, torch.utils.data.Dataset), "not a Dataset"
            assert len(a) == len(b) == rows, "DiabetesDataset len"
            for i in range(rows):
                (xa, ya), (xb, yb) = a[i], b[i]
                close(xa, xb, 0, 0, "DiabetesDataset features")
                close(ya, yb, 0, 0, "DiabetesDataset label")
            loader = torch.utils.data.DataLoader(a, batch_size=4)
            xb, yb = next(iter(loader))
            assert xb.shape[1] == d and yb.shape[1] == 1, "DiabetesDataset batches"
    elif name == "k_fold_indices":
        for n, k in [(10, 3), (9, 3), (5, 5), (7, 2), (3, 5), (0, 2)]:
            a, b = m.k_fold_indices(n, k), r.k_fold_indices(n, k)
            assert isinstance(a, list) and len(a) == len(b), "k_fold count"
            for u, v in zip(a, b):
                assert torch.equal(u, v) and u.dtype == torch.int64, f"k_fold n={n} k={k}"


# ---------------------------------------------------------------------------------------------
# mlp
# ---------------------------------------------------------------------------------------------
def linears(model):
    return [mod for mod in model.modules() if isinstance(mod, nn.Linear)]


def t_mlp(m, r, name):
    if name in ("relu", "tanh", "hard_sigmoid_from_relus"):
        twin = {"relu": torch.relu, "tanh": torch.tanh, "hard_sigmoid_from_relus": r.hard_sigmoid_from_relus}[name]
        fn = getattr(m, name)
        for dt in DTYPES:
            def inputs(dt_):
                x = randn(60, dtype=dt_, seed=1, scale=3)
                return (torch.where(x.abs() < 1e-3, x + 0.01, x) + torch.where((x.abs() - 0.5).abs() < 1e-3, 0.01, 0.0),)
            compare_fn(fn, twin, inputs, name, dt)
            x = torch.tensor([-1000., -100., -20., 20., 100., 1000.], dtype=dt)
            y = fn(x)
            assert torch.isfinite(y).all(), f"{name} not finite"
            close(y, twin(x), **tol(dt), what=f"{name} extremes")
            xv = randn(4, 3, dtype=dt).T
            close(fn(xv), twin(xv), **tol(dt), what=f"{name} view")
        h = randn(20, dtype=torch.float16, seed=2)
        close(fn(h), twin(h.float()).half(), rtol=1e-2, atol=1e-3, what=f"{name} fp16")
    elif name == "dropout":
        for dt in (torch.float16, torch.float32, torch.float64):
            x = torch.rand(200, 100, generator=gen(3), dtype=torch.float64).to(dt) + 1
            assert torch.equal(m.dropout(x, 0.5, False), x), "dropout(training=False) must return x unchanged"
            z = m.dropout(x, 1.0)
            assert z.dtype == dt and torch.equal(z, torch.zeros_like(x)), "dropout p=1"
            for p in (0.0, 0.3, 0.8):
                torch.manual_seed(0)
                y = m.dropout(x, p, True)
                assert y.dtype == dt and y.shape == x.shape, "dropout dtype/shape"
                kept = y != 0
                frac = kept.double().mean().item()
                assert abs(frac - (1 - p)) < 0.02, f"dropout keep fraction {frac} for p={p}"
                close(y[kept].double(), (x[kept] / (1 - p)).double(), rtol=1e-2 if dt == torch.float16 else 1e-6,
                      atol=1e-3 if dt == torch.float16 else 1e-7, what="dropout scale")
        torch.manual_seed(4)
        a = m.dropout(torch.ones(1000), 0.5)
        torch.manual_seed(4)
        b = m.dropout(torch.ones(1000), 0.5)
        assert torch.equal(a, b), "dropout must follow torch.manual_seed"
        xg = torch.rand(50, dtype=torch.float64, requires_grad=True)
        torch.manual_seed(5)
        y = m.dropout(xg, 0.4)
        (g,) = torch.autograd.grad(y.sum(), xg)
        close(g, (y.detach() != 0).double() / 0.6, rtol=1e-12, atol=0, what="dropout grad")
    elif name == "xavier_uniform_":
        for shape in [(300, 200), (64, 32, 3, 3), (10, 1)]:
            t = torch.empty(shape)
            torch.manual_seed(6)
            out = m.xavier_uniform_(t)
            assert out is t, "xavier_uniform_ must return the tensor itself"
            rf = math.prod(shape[2:])
            a = math.sqrt(6 / (shape[1] * rf + shape[0] * rf))
            assert t.abs().max().item() <= a + 1e-6, "xavier bound"
            if t.numel() > 1000:
                assert abs(t.std().item() - a / math.sqrt(3)) < 0.05 * a, "xavier spread"
                assert abs(t.mean().item()) < 0.05 * a, "xavier mean"
        p = nn.Parameter(torch.empty(20, 10))
        m.xavier_uniform_(p)
        assert p.requires_grad and p.grad is None, "xavier on a Parameter"
    elif name == "LogisticRegression":
        for d in (1, 7):
            model = m.LogisticRegression(d)
            lins = linears(model)
            assert len(lins) == 1 and lins[0].weight.shape == (1, d), "LogisticRegression: one Linear(d, 1)"
            x = randn(9, d, seed=7, scale=3)
            out = model(x)
            close(out, torch.sigmoid(lins[0](x)), what="LogisticRegression")
            assert ((out > 0) & (out < 1)).all(), "probabilities"
    elif name == "DiabetesNet":
        for d in (7, 8, None):
            model = m.DiabetesNet() if d is None else m.DiabetesNet(d)
            d = 8 if d is None else d
            lins = linears(model)
            assert [tuple(l.weight.shape) for l in lins] == [(6, d), (4, 6), (1, 4)], "DiabetesNet layer shapes"
            x = randn(5, d, seed=8)
            h = x
            for l in lins:
                h = torch.sigmoid(l(h))
            close(model(x), h, what="DiabetesNet")
    elif name == "MLP":
        for sizes, act, p in [([64, 32, 10], "relu", 0.0), ([5, 7, 7, 3], "tanh", 0.0), ([4, 6, 2], "sigmoid", 0.3),
                              ([3, 2], "relu", 0.5)]:
            model = m.MLP(sizes, act, p)
            lins = linears(model)
            assert [tuple(l.weight.shape) for l in lins] == [(b, a) for a, b in zip(sizes, sizes[1:])], "MLP shapes"
            fn = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[act]
            x = randn(6, sizes[0], seed=9)
            model.eval()
            h = x
            for i, l in enumerate(lins):
                h = l(h)
                if i < len(lins) - 1:
                    h = fn(h)
            close(model(x), h, what=f"MLP eval {sizes} {act}")
            if p > 0 and len(sizes) > 2:
                model.train()
                torch.manual_seed(1)
                y1 = model(x)
                assert not torch.allclose(y1, h), "MLP dropout inactive in train mode"
        model = m.MLP([64, 10])
        img = randn(3, 1, 8, 8, seed=10)
        assert model(img).shape == (3, 10), "MLP must flatten images"
        model = m.MLP([4, 8, 3])
        model(randn(2, 4)).sum().backward()
        assert all(q.grad is not None for q in model.parameters()), "MLP gradients"
    elif name in ("train_epoch", "evaluate"):
        torch.manual_seed(0)
        X = randn(37, 5, seed=11)
        Y = torch.randint(0, 3, (37,), generator=gen(12))
        loader = [(X[i:i + 8], Y[i:i + 8]) for i in range(0, 37, 8)]
        base = nn.Sequential(nn.Linear(5, 8), nn.Dropout(0.0), nn.ReLU(), nn.Linear(8, 3))
        if name == "train_epoch":
            a, b = copy.deepcopy(base), copy.deepcopy(base)
            oa = torch.optim.SGD(a.parameters(), lr=0.1, momentum=0.9)
            ob = torch.optim.SGD(b.parameters(), lr=0.1, momentum=0.9)
            a.eval()
            for _ in range(3):
                la = m.train_epoch(a, loader, F.cross_entropy, oa, "cpu")
                lb = r.train_epoch(b, loader, F.cross_entropy, ob, "cpu")
                assert isinstance(la, float) and math.isclose(la, lb, rel_tol=1e-6), f"train_epoch loss {la} vs {lb}"
            assert a.training, "train_epoch must put the model in train mode"
            for u, v in zip(a.parameters(), b.parameters()):
                close(u.detach(), v.detach(), rtol=1e-6, atol=1e-7, what="train_epoch params")
        else:
            model = copy.deepcopy(base)
            model.train()
            acc_a = m.evaluate(model, loader, "cpu")
            assert not model.training, "evaluate must leave the model in eval mode"
            assert isinstance(acc_a, float) and math.isclose(acc_a, r.evaluate(model, loader, "cpu")), "evaluate (n, c)"
            prob_model = nn.Sequential(nn.Linear(5, 1), nn.Sigmoid())
            Yb = (X[:, 0] > 0).float()
            for lab in (Yb, Yb[:, None], Yb.long()):
                ld = [(X[i:i + 8], lab[i:i + 8]) for i in range(0, 37, 8)]
                assert math.isclose(m.evaluate(prob_model, ld, "cpu"), r.evaluate(prob_model, ld, "cpu")), "evaluate (n, 1)"
            assert all(q.grad is None for q in prob_model.parameters()), "evaluate must not build gradients"


# ---------------------------------------------------------------------------------------------
# cnn
# ---------------------------------------------------------------------------------------------
def t_cnn(m, r, name):
    if name == "corr2d":
        for dt in DTYPES:
            for (h, w), (kh, kw) in [((3, 3), (2, 2)), ((6, 8), (1, 2)), ((5, 5), (5, 5)), ((7, 4), (3, 1))]:
                compare_fn(m.corr2d, lambda x, k: F.conv2d(x[None, None], k[None, None])[0, 0],
                           lambda dt_: (randn(h, w, dtype=dt_, seed=1), randn(kh, kw, dtype=dt_, seed=2)), "corr2d", dt,
                           rtol=1e-5, atol=1e-5)
    elif name == "conv2d":
        for dt in DTYPES:
            for (n, ci, h, w, co, kh, kw, s, p, bias) in [(1, 1, 5, 5, 1, 3, 3, 1, 0, True), (2, 3, 8, 7, 4, 3, 2, 2, 1, True),
                                                         (3, 2, 6, 6, 5, 1, 1, 1, 0, False), (1, 4, 9, 9, 2, 5, 5, 3, 2, True),
                                                         (2, 1, 4, 4, 3, 4, 4, 1, 2, False)]:
                def mk(dt_):
                    args = (randn(n, ci, h, w, dtype=dt_, seed=3), randn(co, ci, kh, kw, dtype=dt_, seed=4))
                    return args + ((randn(co, dtype=dt_, seed=5),) if bias else (None,))
                compare_fn(lambda x, wt, b: m.conv2d(x, wt, b, s, p), lambda x, wt, b: F.conv2d(x, wt, b, s, p), mk,
                           "conv2d", dt, rtol=1e-5, atol=1e-5)
            x, wt = randn(2, 3, 6, 6, dtype=dt), randn(4, 3, 3, 3, dtype=dt)
            close(m.conv2d(x, wt), F.conv2d(x, wt), rtol=1e-5, atol=1e-5, what="conv2d defaults")
            xv, wv = randn(2, 4, 6, 7, dtype=dt).transpose(2, 3), randn(3, 4, 3, 2, dtype=dt).transpose(2, 3)
            close(m.conv2d(xv, wv, None, 1, 1), F.conv2d(xv, wv, None, 1, 1), rtol=1e-5, atol=1e-5,
                  what="conv2d non-contiguous views")
    elif name == "conv_output_size":
        for args in [(28, 5, 0, 1), (28, 5, 2, 1), (7, 3, 1, 2), (8, 2, 0, 2), (2 ** 52, 3, 1, 3), (5, 5, 0, 1)]:
            got = m.conv_output_size(*args)
            assert isinstance(got, int) and got == r.conv_output_size(*args), f"conv_output_size{args}"
        assert m.conv_output_size(10, 3) == 8, "conv_output_size defaults"
    elif name == "max_pool2d":
        for dt in DTYPES:
            for (n, c, h, w, k, s) in [(1, 1, 4, 4, 2, None), (2, 3, 7, 9, 3, 2), (1, 2, 5, 5, 5, None), (2, 1, 6, 5, 2, 1)]:
                def mk(dt_):
                    base = torch.randperm(n * c * h * w, generator=gen(6)).to(dt_).reshape(n, c, h, w) / 7.0
                    return (base,)
                if s is None:
                    compare_fn(lambda x: m.max_pool2d(x, k), lambda x: F.max_pool2d(x, k), mk, "max_pool2d", dt, rtol=0, atol=0)
                else:
                    compare_fn(lambda x: m.max_pool2d(x, k, s), lambda x: F.max_pool2d(x, k, s), mk, "max_pool2d", dt,
                               rtol=0, atol=0)
    elif name == "SimpleCNN":
        for ci, nc in [(1, 10), (3, 4)]:
            model = m.SimpleCNN(nc, ci)
            convs = [mod for mod in model.modules() if isinstance(mod, nn.Conv2d)]
            assert len(convs) >= 2 and convs[0].out_channels >= 8 and convs[1].out_channels >= 16, "SimpleCNN convs"
            for hw in [(8, 8), (28, 28), (9, 13)]:
                out = model(randn(2, ci, *hw, seed=7))
                assert out.shape == (2, nc), f"SimpleCNN output {tuple(out.shape)} for {hw}"
            model(randn(1, ci, 8, 8)).sum().backward()
            assert all(q.grad is not None for q in model.parameters()), "SimpleCNN gradients"
        model = m.SimpleCNN()
        assert model(randn(3, 1, 8, 8)).shape == (3, 10), "SimpleCNN defaults"


# ---------------------------------------------------------------------------------------------
# inception
# ---------------------------------------------------------------------------------------------
def check_inception_structure(block, x):
    """The lecture's four branches, identified through hooks on the convolutions."""
    records = []
    hooks = [mod.register_forward_hook(lambda mod, inp, out: records.append((mod, inp[0], out)))
             for mod in block.modules() if isinstance(mod, nn.Conv2d)]
    try:
        out = block(x)
    finally:
        for h in hooks:
            h.remove()
    assert out.shape == (x.shape[0], 88) + x.shape[2:], f"InceptionA output {tuple(out.shape)}"
    convs = [mod for mod in block.modules() if isinstance(mod, nn.Conv2d)]
    assert len(convs) == 7, "InceptionA must hold seven convolutions"
    assert all(c.bias is not None for c in convs), "all convolutions have a bias"
    pooled = F.avg_pool2d(x, 3, stride=1, padding=1)

    def find(k, cout, source):
        for mod, inp, o in records:
            if mod.kernel_size == (k, k) and mod.out_channels == cout and inp.shape == source.shape and torch.allclose(inp, source):
                yield o

    def equal_any(block_out, candidates):
        return any(torch.allclose(block_out, c, rtol=1e-5, atol=1e-6) for c in candidates)

    assert equal_any(out[:, :16], find(1, 16, x)), "b1x1 block (channels 0-16)"
    reduced = list(find(1, 16, x))
    b5 = [o for red in reduced for o in find(5, 24, red)]
    assert equal_any(out[:, 16:40], b5), "b5x5 block (channels 16-40)"
    b3a = [o for red in reduced for o in find(3, 24, red)]
    b3 = [o for mid in b3a for o in find(3, 24, mid)]
    assert equal_any(out[:, 40:64], b3), "b3x3 block (channels 40-64)"
    assert equal_any(out[:, 64:88], find(1, 24, pooled)), "bpool block (channels 64-88)"
    return out


def t_inception(m, r, name):
    if name == "InceptionA":
        for ci, hw in [(1, (5, 5)), (10, (12, 12)), (20, (2, 3))]:
            block = m.InceptionA(ci)
            x = randn(2, ci, *hw, seed=1)
            out = check_inception_structure(block, x)
            out.sum().backward()
            assert all(q.grad is not None for q in block.parameters()), "InceptionA gradients reach every branch"
    elif name == "conv_mults":
        assert m.conv_mults(28, 28, 192, 32, 5) == 120_422_400, "lecture 5x5"
        assert m.conv_mults(28, 28, 192, 16, 1) + m.conv_mults(28, 28, 16, 32, 5) == 12_443_648, "lecture bottleneck"
        for args in [(1, 1, 1, 1, 1), (7, 3, 5, 2, 3), (100, 200, 64, 128, 7)]:
            got = m.conv_mults(*args)
            assert isinstance(got, int) and got == r.conv_mults(*args), f"conv_mults{args}"
    elif name == "GoogLeNetMini":
        for ci, nc, size in [(1, 10, 28), (1, 10, 8), (3, 5, 12)]:
            model = m.GoogLeNetMini(ci, nc, size)
            incs = [mod for mod in model.modules() if isinstance(mod, m.InceptionA)]
            assert len(incs) >= 2, "GoogLeNetMini holds two InceptionA"
            out = model(randn(2, ci, size, size, seed=2))
            assert out.shape == (2, nc), f"GoogLeNetMini output {tuple(out.shape)}"
            out.sum().backward()
            assert all(q.grad is not None for q in model.parameters()), "GoogLeNetMini gradients"
        assert m.GoogLeNetMini()(randn(1, 1, 28, 28)).shape == (1, 10), "GoogLeNetMini defaults"


# ---------------------------------------------------------------------------------------------
# resnet
# ---------------------------------------------------------------------------------------------
def t_resnet(m, r, name):
    if name == "ResidualBlock":
        for c, hw in [(1, (5, 5)), (4, (8, 6))]:
            block = m.ResidualBlock(c)
            convs = [mod for mod in block.modules() if isinstance(mod, nn.Conv2d)]
            assert len(convs) == 2 and all(cv.kernel_size == (3, 3) and cv.padding == (1, 1) and cv.bias is not None
                                           for cv in convs), "ResidualBlock convs"
            order = []
            hooks = [cv.register_forward_hook(lambda mod, i, o: order.append(mod)) for cv in convs]
            x = randn(2, c, *hw, seed=1)
            out = block(x)
            for h in hooks:
                h.remove()
            c1, c2 = order[0], order[1]
            want = F.relu(x + F.conv2d(F.relu(F.conv2d(x, c1.weight, c1.bias, padding=1)), c2.weight, c2.bias, padding=1))
            close(out, want, rtol=1e-5, atol=1e-6, what="ResidualBlock formula")
            out.sum().backward()
            assert all(q.grad is not None for q in block.parameters()), "ResidualBlock gradients"
    elif name == "batch_norm":
        for dt in DTYPES:
            for shape in [(4, 3), (5, 2, 3, 3), (2, 4, 1, 5)]:
                c = shape[1]
                gamma, beta = randn(c, dtype=dt, seed=2), randn(c, dtype=dt, seed=3)
                for training in (True, False):
                    for momentum, eps in [(0.1, 1e-5), (0.3, 1e-3)]:
                        rm1, rv1 = randn(c, dtype=dt, seed=4), randn(c, dtype=dt, seed=5).abs() + 0.5
                        rm2, rv2 = rm1.clone(), rv1.clone()
                        p1, p2 = rm1.data_ptr(), rv1.data_ptr()
                        compare_fn(lambda x, g, b: m.batch_norm(x, g, b, rm1, rv1, training, momentum, eps),
                                   lambda x, g, b: F.batch_norm(x, rm2, rv2, g, b, training, momentum, eps),
                                   lambda dt_: (randn(*shape, dtype=dt_, seed=6, scale=2) + 1, gamma, beta),
                                   "batch_norm", dt, rtol=1e-5 if dt == torch.float32 else 1e-7,
                                   atol=1e-5 if dt == torch.float32 else 1e-9, grad_rtol=1e-6, grad_atol=1e-9)
                        # compare_fn runs each twice in float64 (values + gradients), once in float32
                        close(rm1, rm2, rtol=1e-5, atol=1e-6, what="running_mean")
                        close(rv1, rv2, rtol=1e-5, atol=1e-6, what="running_var")
                        assert rm1.data_ptr() == p1 and rv1.data_ptr() == p2, "running stats updated in place"
                        assert not rm1.requires_grad and not rv1.requires_grad, "running stats must not require grad"
            x = torch.tensor([[1e5 + 0.01], [1e5 - 0.01], [1e5 + 0.02], [1e5]], dtype=torch.float64)
            rm, rv = torch.zeros(1, dtype=torch.float64), torch.ones(1, dtype=torch.float64)
            rm2, rv2 = rm.clone(), rv.clone()
            g1, b1 = torch.ones(1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
            close(m.batch_norm(x, g1, b1, rm, rv, True), F.batch_norm(x, rm2, rv2, g1, b1, True), rtol=1e-7, atol=1e-9,
                  what="batch_norm large mean")
        x = randn(3, 2)
        rm, rv = torch.zeros(2), torch.ones(2)
        rm2, rv2 = rm.clone(), rv.clone()
        close(m.batch_norm(x, torch.ones(2), torch.zeros(2), rm, rv, True),
              F.batch_norm(x, rm2, rv2, torch.ones(2), torch.zeros(2), True), rtol=1e-5, atol=1e-6, what="batch_norm defaults")
        close(rv, rv2, rtol=1e-5, atol=1e-6, what="batch_norm default momentum")
    elif name == "BasicBlock":
        for ci, co, s, hw in [(4, 4, 1, (6, 6)), (4, 8, 1, (5, 5)), (3, 6, 2, (7, 8)), (2, 2, 2, (4, 4))]:
            block = m.BasicBlock(ci, co, s)
            x = randn(3, ci, *hw, seed=7)
            block.train()
            out = block(x)
            assert out.shape == (3, co, math.ceil(hw[0] / s), math.ceil(hw[1] / s)), "BasicBlock shape"
            convs = [mod for mod in block.modules() if isinstance(mod, nn.Conv2d)]
            bns = [mod for mod in block.modules() if isinstance(mod, nn.BatchNorm2d)]
            projection = s != 1 or ci != co
            assert len(convs) == (3 if projection else 2) and len(bns) == len(convs), "BasicBlock layers"
            assert all(cv.bias is None for cv in convs), "BasicBlock convs have no bias"
            seen = []
            hooks = [cv.register_forward_hook(lambda mod, i, o: seen.append((mod, i[0]))) for cv in convs]
            block(x)
            for h in hooks:
                h.remove()
            c1 = next(cv for cv, inp in seen if cv.kernel_size == (3, 3) and inp.shape == x.shape and torch.equal(inp, x))
            c2 = next(cv for cv, inp in seen if cv.kernel_size == (3, 3) and cv is not c1)
            bn = lambda t: F.batch_norm(t, None, None, training=True)   # noqa: E731 (γ = 1, β = 0 at init)
            main = bn(F.conv2d(F.relu(bn(F.conv2d(x, c1.weight, stride=s, padding=1))), c2.weight, padding=1))
            if projection:
                c3 = next(cv for cv in convs if cv.kernel_size == (1, 1))
                short = bn(F.conv2d(x, c3.weight, stride=s))
            else:
                short = x
            close(out, F.relu(main + short), rtol=1e-4, atol=1e-5, what="BasicBlock formula")
            out.sum().backward()
            assert all(q.grad is not None for q in block.parameters()), "BasicBlock gradients"
    elif name == "SmallResNet":
        for ci, nc in [(1, 10), (3, 7)]:
            model = m.SmallResNet(ci, nc)
            blocks = [mod for mod in model.modules()
                      if (hasattr(m, "ResidualBlock") and isinstance(mod, m.ResidualBlock))
                      or (hasattr(m, "BasicBlock") and isinstance(mod, m.BasicBlock))]
            assert len(blocks) >= 2, "SmallResNet holds two residual blocks of the module"
            for hw in [(8, 8), (28, 28), (9, 12)]:
                model.train()
                assert model(randn(2, ci, *hw, seed=8)).shape == (2, nc), "SmallResNet shape"
                model.eval()
                assert model(randn(1, ci, *hw, seed=9)).shape == (1, nc), "SmallResNet eval shape"
            model.train()
            model(randn(2, ci, 8, 8)).sum().backward()
            assert all(q.grad is not None for q in model.parameters()), "SmallResNet gradients"
        assert m.SmallResNet()(randn(2, 1, 8, 8)).shape == (2, 10), "SmallResNet defaults"


# ---------------------------------------------------------------------------------------------
# rnn
# ---------------------------------------------------------------------------------------------
def t_rnn(m, r, name):
    if name == "rnn_cell":
        for dt in DTYPES:
            for b, i, h in [(1, 1, 1), (3, 4, 5), (2, 6, 3)]:
                cell = nn.RNNCell(i, h).to(dt)
                compare_fn(m.rnn_cell, lambda x, hh, a, c, d, e: torch.tanh(x @ a.T + d + hh @ c.T + e),
                           lambda dt_: (randn(b, i, dtype=dt_, seed=1), randn(b, h, dtype=dt_, seed=2),
                                        cell.weight_ih.detach().to(dt_), cell.weight_hh.detach().to(dt_),
                                        cell.bias_ih.detach().to(dt_), cell.bias_hh.detach().to(dt_)),
                           "rnn_cell", dt, rtol=1e-5, atol=1e-5)
                x, hh = randn(b, i, dtype=dt), randn(b, h, dtype=dt)
                close(m.rnn_cell(x, hh, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh).detach(),
                      cell(x, hh).detach(), rtol=1e-5, atol=1e-5, what="rnn_cell vs nn.RNNCell")
    elif name == "rnn_forward":
        for dt in DTYPES:
            for layers, i, h, t, b in [(1, 3, 4, 5, 2), (2, 2, 3, 4, 1), (3, 4, 2, 1, 3)]:
                rnn = nn.RNN(i, h, layers).to(dt)
                x, h0 = randn(t, b, i, dtype=dt, seed=3), randn(layers, b, h, dtype=dt, seed=4)
                want_o, want_h = rnn(x, h0)
                got_o, got_h = m.rnn_forward(x, h0, [tuple(w) for w in rnn.all_weights])
                close(got_o.detach(), want_o.detach(), rtol=1e-5, atol=1e-5, what="rnn_forward output")
                close(got_h.detach(), want_h.detach(), rtol=1e-5, atol=1e-5, what="rnn_forward h_n")
                if dt == torch.float64:
                    xg, hg = x.clone().requires_grad_(True), h0.clone().requires_grad_(True)
                    o1, h1 = m.rnn_forward(xg, hg, [tuple(w) for w in rnn.all_weights])
                    leaves = [xg, hg] + [w for ws in rnn.all_weights for w in ws]
                    g1 = torch.autograd.grad((o1 * 1.3).sum() + (h1 * 0.7).sum(), leaves)
                    o2, h2 = rnn(xg, hg)
                    g2 = torch.autograd.grad((o2 * 1.3).sum() + (h2 * 0.7).sum(), leaves)
                    for u, v in zip(g1, g2):
                        close(u, v, rtol=1e-7, atol=1e-10, what="rnn_forward grads")
    elif name == "embedding_lookup":
        for dt in DTYPES:
            w = randn(10, 4, dtype=dt, seed=5)
            for idx in [torch.tensor([3]), torch.tensor([1, 1, 9, 0]), torch.tensor([[2, 2], [5, 2], [0, 9]])]:
                compare_fn(lambda wt: m.embedding_lookup(wt, idx), lambda wt: F.embedding(idx, wt),
                           lambda dt_: (w.to(dt_),), "embedding_lookup", dt, rtol=0, atol=0)
    elif name == "encode_chars":
        got = m.encode_chars("hello", "ehlo")
        assert got.dtype == torch.int64 and torch.equal(got, torch.tensor([1, 0, 2, 2, 3])), "encode_chars hello"
        for text, vocab in [("ohlol", ["e", "h", "l", "o"]), ("abcabc", "cba"), ("", "ab"), ("z", ("z",))]:
            a, b = m.encode_chars(text, vocab), r.encode_chars(text, vocab)
            assert a.dtype == torch.int64 and a.shape == (len(text),) and torch.equal(a, b), f"encode_chars {text!r}"
    elif name == "HelloRNN":
        for embed in (None, 6):
            torch.manual_seed(0)
            model = m.HelloRNN(4, 8, embed) if embed is not None else m.HelloRNN(4, 8)
            idx = torch.tensor([1, 0, 2, 2, 3]).unsqueeze(1)
            assert model(idx).shape == (5, 1, 4), "HelloRNN shape"
            assert model(torch.randint(0, 4, (7, 3))).shape == (7, 3, 4), "HelloRNN batch shape"
            target = torch.tensor([3, 1, 2, 3, 2])
            opt = torch.optim.Adam(model.parameters(), lr=0.05)
            for _ in range(150):
                loss = F.cross_entropy(model(idx).reshape(-1, 4), target)
                opt.zero_grad()
                loss.backward()
                opt.step()
            assert torch.equal(model(idx).reshape(-1, 4).argmax(1), target), "HelloRNN did not learn hello -> ohlol"
    elif name == "gru_cell":
        for dt in DTYPES:
            for b, i, h in [(1, 1, 1), (3, 4, 5), (2, 6, 3)]:
                cell = nn.GRUCell(i, h).to(dt)
                x, hh = randn(b, i, dtype=dt, seed=6), randn(b, h, dtype=dt, seed=7)
                close(m.gru_cell(x, hh, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh).detach(),
                      cell(x, hh).detach(), rtol=1e-5, atol=1e-5, what="gru_cell vs nn.GRUCell")
                compare_fn(m.gru_cell, r.gru_cell,
                           lambda dt_: (x.to(dt_), hh.to(dt_), cell.weight_ih.detach().to(dt_), cell.weight_hh.detach().to(dt_),
                                        cell.bias_ih.detach().to(dt_), cell.bias_hh.detach().to(dt_)),
                           "gru_cell", dt, rtol=1e-5, atol=1e-5)


CHECKS = {"tensors": t_tensors, "autograd": t_autograd, "losses": t_losses, "optim": t_optim, "mlp": t_mlp,
          "cnn": t_cnn, "inception": t_inception, "resnet": t_resnet, "rnn": t_rnn}


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------
def main(filters: list[str]) -> int:
    torch.set_num_threads(2)
    refs = {t: load(os.path.join(SOLUTIONS, f"{t}.py")) for t in TOPICS}
    programs = sorted(d for d in os.listdir(HERE) if os.path.isdir(os.path.join(HERE, d)) and d[:2].isdigit())
    if filters:
        programs = [p for p in programs if any(f in p for f in filters)]
    summary = {"PASS": 0, "FAIL": 0}
    for prog in programs:
        folder = os.path.join(HERE, prog)
        topic = next(t for t in TOPICS if os.path.exists(os.path.join(folder, f"{t}.py")))
        lines = []
        try:
            mod = load(os.path.join(folder, f"{topic}.py"))
        except Exception as exc:                                      # noqa: BLE001
            print(f"FAIL {prog} [{topic}] import error: {type(exc).__name__}: {exc}")
            summary["FAIL"] += 1
            continue
        done, failed = [], []
        for name in EXERCISES[topic]:
            if not implemented(mod, name):
                continue
            try:
                torch.manual_seed(0)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    CHECKS[topic](mod, refs[topic], name)
                done.append(name)
            except Exception as exc:                                  # noqa: BLE001
                failed.append(name)
                tb = traceback.extract_tb(exc.__traceback__)[-1]
                lines.append(f"    {name}: {type(exc).__name__}: {str(exc)[:300]} (line {tb.lineno} of "
                             f"{os.path.basename(tb.filename)})")
        stubs = [n for n in EXERCISES[topic] if not implemented(mod, n)]
        status = "PASS" if not failed and done else "FAIL"
        summary[status] += 1
        print(f"{status} {prog} [{topic}] checked {len(done) + len(failed)}: ok {done}; failed {failed}; stubs {stubs}")
        for line in lines:
            print(line)
    print(f"SUMMARY: {summary['PASS']} PASS, {summary['FAIL']} FAIL of {len(programs)} programs")
    shutil.rmtree(TMP, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
