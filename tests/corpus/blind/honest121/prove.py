"""prove.py — check every program in batch/ against the reference solutions, in plain torch.

For each program folder NN_<topic>_<style>/ it imports <topic>.py by path (with the folder on
sys.path so that helper modules and packages beside it import), finds which exercises it
implements (an exercise whose source is still the stub's is skipped), and checks each implemented
one against material/solutions/<topic>.py on inputs the docstrings allow: random shapes and edge
sizes, float32 and float64 (float16 where the docstring promises it), gradients into every
differentiable argument, equal arguments, inputs left unchanged, off-limits functions, module
state and modes, optimisers over many steps. Prints PASS/FAIL per program.

Usage: python prove.py [--device cuda] [--only PATTERN] [--json results.json]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gzip
import importlib.util
import inspect
import itertools
import json
import math
import os
import random
import sys
import tempfile
import traceback
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

sys.dont_write_bytecode = True  # keep __pycache__ out of the program folders
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
MATERIAL = os.path.join(HERE, "material")
BATCH = os.path.join(HERE, "batch")
TOPICS = ["autograd", "cnn", "inception", "losses", "mlp", "optim", "resnet", "rnn", "tensors"]

EXERCISES: Dict[str, List[str]] = {
    "tensors": ["add_into", "row_normalize", "pairwise_sq_dists", "one_hot", "accuracy", "flatten_batch",
                "fill_nan_with_column_mean", "matmul", "norms"],
    "autograd": ["linear_grad", "quadratic_grads", "grad_of_vector_fn", "detach_grad", "Sigmoid",
                 "numerical_grad", "Value"],
    "losses": ["mse", "l1", "huber", "sigmoid", "bce", "bce_with_logits", "softmax", "log_softmax",
               "cross_entropy", "entropy", "kl_div"],
    "mlp": ["relu", "tanh", "hard_sigmoid_from_relus", "dropout", "xavier_uniform_", "LogisticRegression",
            "DiabetesNet", "MLP", "train_epoch", "evaluate"],
    "optim": ["closed_form_linear_regression", "gd_fit", "sgd_fit", "minibatch_indices", "SGD", "Adam", "ema",
              "DiabetesDataset", "k_fold_indices"],
    "cnn": ["corr2d", "conv2d", "conv_output_size", "max_pool2d", "SimpleCNN"],
    "inception": ["InceptionA", "conv_mults", "GoogLeNetMini"],
    "resnet": ["ResidualBlock", "batch_norm", "BasicBlock", "SmallResNet"],
    "rnn": ["rnn_cell", "rnn_forward", "embedding_lookup", "encode_chars", "HelloRNN", "gru_cell"],
}

DEV = torch.device("cpu")
F32, F64, F16 = torch.float32, torch.float64, torch.float16


class CheckFailed(AssertionError):
    pass


def need(cond: bool, msg: str) -> None:
    if not cond:
        raise CheckFailed(msg)


# --------------------------------------------------------------------------------------------- loading

_counter = itertools.count()


def load_module(path: str, topic: str):
    """Import path as a fresh module, its folder first on sys.path; purge the folder's helpers after."""
    folder = os.path.dirname(os.path.abspath(path))
    before = set(sys.modules)
    sys.path.insert(0, folder)
    name = f"prove_{topic}_{next(_counter)}"
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(folder)
        for key in set(sys.modules) - before:
            m = sys.modules.get(key)
            f = getattr(m, "__file__", None) or ""
            if key == name or os.path.abspath(f).startswith(folder + os.sep):
                if key != name:
                    del sys.modules[key]
    return mod


def source_of(obj) -> Optional[str]:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return None


def implemented(mod, stub, name: str) -> bool:
    obj = getattr(mod, name, None)
    if obj is None:
        return False
    return source_of(obj) != source_of(getattr(stub, name))


# --------------------------------------------------------------------------------------------- helpers

def t(*shape, dtype=F32, low=None, high=None, seed=None, requires_grad=False):
    g = torch.Generator().manual_seed(seed) if seed is not None else None
    x = torch.randn(tuple(shape), generator=g, dtype=F64)
    if low is not None:
        x = low + (high - low) * torch.rand(tuple(shape), generator=g, dtype=F64)
    x = x.to(device=DEV, dtype=dtype)
    return x.requires_grad_(requires_grad)


def tol(dtype) -> Tuple[float, float]:
    return {F32: (1e-5, 1e-6), F64: (1e-7, 1e-12), F16: (1e-2, 1e-3)}[dtype]


def close(a, b, rtol=None, atol=None, what="value", equal_nan=False):
    need(isinstance(a, torch.Tensor), f"{what}: expected a tensor, got {type(a).__name__}")
    need(a.shape == b.shape, f"{what}: shape {tuple(a.shape)} != {tuple(b.shape)}")
    need(a.dtype == b.dtype, f"{what}: dtype {a.dtype} != {b.dtype}")
    need(a.device == b.device, f"{what}: device {a.device} != {b.device}")
    if rtol is None:
        rtol, atol = tol(b.dtype)
    try:
        torch.testing.assert_close(a.detach(), b.detach(), rtol=rtol, atol=atol, equal_nan=equal_nan)
    except AssertionError as e:
        raise CheckFailed(f"{what}: {str(e).splitlines()[0]} | {' '.join(str(e).split()[:60])}")


def snapshot(*xs):
    out = []
    for x in xs:
        if isinstance(x, torch.Tensor):
            out.append((x, x.detach().clone(), x.requires_grad, x.grad, None if x.grad is None else x.grad.clone()))
    return out


def unchanged(snaps, what="input"):
    for x, val, rg, g_obj, g_val in snaps:
        need(torch.equal(x.detach().isnan(), val.isnan()) and torch.equal(x.detach().nan_to_num(), val.nan_to_num()),
             f"{what} values changed")
        need(x.requires_grad == rg, f"{what} requires_grad changed")
        need(x.grad is g_obj, f"{what}.grad object changed")
        if g_val is not None:
            need(torch.equal(x.grad, g_val), f"{what}.grad values changed")


def grads_of(fn: Callable, args: Sequence, diff: Sequence[int], seed_out=None):
    """Gradients of a random projection of fn(*args) w.r.t. args[i] for i in diff (float64 leaves)."""
    leaves = [a.detach().clone().requires_grad_(i in diff) if isinstance(a, torch.Tensor) and a.is_floating_point()
              else a for i, a in enumerate(args)]
    out = fn(*leaves)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    total = 0
    gen = torch.Generator().manual_seed(1234)
    for o in outs:
        if isinstance(o, torch.Tensor) and o.requires_grad:
            w = torch.randn(o.shape, generator=gen, dtype=F64).to(o.device, o.dtype)
            total = total + (o * w).sum()
    need(isinstance(total, torch.Tensor), "output does not depend on the differentiable inputs")
    gs = torch.autograd.grad(total, [leaves[i] for i in diff], allow_unused=True)
    return [torch.zeros_like(leaves[i]) if g is None else g for g, i in zip(gs, diff)]


def compare_grads(prog_fn, ref_fn, args, diff, rtol=1e-7, atol=1e-10, what="grad"):
    gp = grads_of(prog_fn, args, diff)
    gr = grads_of(ref_fn, args, diff)
    for k, (a, b) in enumerate(zip(gp, gr)):
        need(torch.isfinite(a).all().item() == torch.isfinite(b).all().item(), f"{what}[arg {diff[k]}] finiteness differs")
        close(a, b, rtol, atol, what=f"{what}[arg {diff[k]}]")


@contextlib.contextmanager
def forbid(*targets):
    """Make (owner, attribute) pairs raise while the block runs."""
    saved = []

    def make(name):
        def raiser(*a, **k):
            raise CheckFailed(f"called off-limits {name}")
        return raiser

    for owner, attr in targets:
        if hasattr(owner, attr):
            saved.append((owner, attr, getattr(owner, attr)))
            setattr(owner, attr, make(f"{getattr(owner, '__name__', owner)}.{attr}"))
    try:
        yield
    finally:
        for owner, attr, val in reversed(saved):
            setattr(owner, attr, val)


T_ = torch.Tensor


def no_autograd():
    return forbid((T_, "backward"), (torch.autograd, "grad"), (torch.autograd, "backward"))


def module_params_get_grads(model: nn.Module, out: torch.Tensor):
    model.zero_grad()
    gen = torch.Generator().manual_seed(7)
    w = torch.randn(out.shape, generator=gen).to(out.device, out.dtype)
    (out * w).sum().backward()
    for name, p in model.named_parameters():
        need(p.grad is not None, f"no gradient reaches parameter {name}")
        need(torch.isfinite(p.grad).all().item(), f"non-finite gradient in {name}")
        need(p.grad.abs().sum().item() > 0, f"zero gradient in parameter {name}")


def count(model: nn.Module, cls) -> int:
    return sum(1 for m in model.modules() if isinstance(m, cls))


_DIGITS = None


def digits():
    """8×8 digits (scikit-learn's if installed, else a synthetic stand-in), as float32 (n,1,8,8), int64."""
    global _DIGITS
    if _DIGITS is None:
        try:
            from sklearn.datasets import load_digits
            d = load_digits()
            x = torch.tensor(d.images, dtype=F32).unsqueeze(1) / 16.0
            y = torch.tensor(d.target, dtype=torch.int64)
        except Exception:
            g = torch.Generator().manual_seed(0)
            templates = torch.rand(10, 1, 8, 8, generator=g)
            y = torch.randint(0, 10, (1500,), generator=g)
            x = templates[y] + 0.3 * torch.randn(1500, 1, 8, 8, generator=g)
        _DIGITS = (x, y)
    return _DIGITS


_REF_ACC: Dict[str, float] = {}


def ref_accuracy(key: str, make: Callable[[], nn.Module], epochs: int) -> float:
    if key not in _REF_ACC:
        _REF_ACC[key] = train_digits(make(), epochs=epochs)
    return _REF_ACC[key]


def train_digits(model: nn.Module, epochs=8, lr=3e-3, seed=0) -> float:
    x, y = digits()
    x, y = x.to(DEV), y.to(DEV)
    torch.manual_seed(seed)
    model = model.to(DEV)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n = len(x)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(n, device=DEV)
        for i in range(0, n, 64):
            idx = perm[i:i + 64]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


class _OpCounter(torch.overrides.TorchFunctionMode):
    def __init__(self):
        super().__init__()
        self.n = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.n += 1
        return func(*args, **(kwargs or {}))


def op_count(fn, *args) -> int:
    with _OpCounter() as c:
        fn(*args)
    return c.n


def vectorised(fn, make_args, what):
    """The number of torch operations must not grow with the input size (a size switch may add a
    constant once)."""
    counts = [op_count(fn, *make_args(n)) for n in (4, 40, 400, 1000)]
    need(counts[3] <= counts[2] + 2 and counts[2] <= counts[1] + 50 and counts[1] <= counts[0] + 50,
         f"{what}: tensor operations grow with the input size {counts}")


# ============================================================================================ tensors

def chk_tensors_add_into(P, R):
    for dtype in (F32, F64):
        for shape in [(3,), (4, 5), (2, 3, 4), (1,)]:
            x, y = t(*shape, dtype=dtype, seed=1), t(*shape, dtype=dtype, seed=2)
            for z in (torch.empty(*shape, dtype=dtype, device=DEV),
                      torch.empty(*reversed(shape), dtype=dtype, device=DEV).permute(*reversed(range(len(shape))))):
                ptr = z.data_ptr()
                s = snapshot(x, y)
                out = P.add_into(z, x, y)
                need(out is z, "add_into must return z itself")
                need(z.data_ptr() == ptr, "z's storage changed")
                close(z, x + y, what="z")
                unchanged(s)
            z = torch.empty(*shape, dtype=dtype, device=DEV)
            P.add_into(z, x, x)
            close(z, x + x, what="z (x is y)")


def chk_tensors_row_normalize(P, R):
    for dtype in (F32, F64):
        for shape in [(1, 1), (1, 5), (7, 1), (4, 6), (50, 3)]:
            x = t(*shape, dtype=dtype, low=0.0, high=2.0, seed=3) + 0.01
            s = snapshot(x)
            close(P.row_normalize(x), R.row_normalize(x), what=f"{shape} {dtype}")
            unchanged(s)
            close(P.row_normalize(x.T.contiguous().T), R.row_normalize(x), what="non-contiguous")
    x = t(5, 4, dtype=F64, low=0.1, high=2.0, seed=4)
    compare_grads(P.row_normalize, R.row_normalize, [x], [0])
    vectorised(P.row_normalize, lambda n: [t(n, 7, low=0.1, high=1.0, seed=n)], "row_normalize")


def chk_tensors_pairwise_sq_dists(P, R):
    for dtype in (F32, F64):
        for n, m, d in [(1, 1, 1), (3, 4, 2), (10, 7, 5), (1, 9, 3), (40, 30, 64), (64, 64, 20)]:
            a, b = t(n, d, dtype=dtype, seed=n + d), t(m, d, dtype=dtype, seed=m * 3 + d) * 3
            s = snapshot(a, b)
            with forbid((torch, "cdist"), (torch, "pdist"), (F, "pairwise_distance")):
                got = P.pairwise_sq_dists(a, b)
            ref = R.pairwise_sq_dists(a, b)
            need(got.shape == (n, m) and got.dtype == dtype and got.device == a.device, "shape/dtype/device")
            scale = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :]
            need(((got - ref).abs() <= 1e-5 * scale + 1e-30).all().item(), f"values {n}x{m}x{d} {dtype}")
            unchanged(s)
            same = P.pairwise_sq_dists(a, a)
            need((same.diagonal().abs() <= 1e-5 * 2 * (a * a).sum(1)).all().item(), "a against itself: diagonal")
    a, b = t(4, 3, dtype=F64, seed=5), t(5, 3, dtype=F64, seed=6)
    compare_grads(P.pairwise_sq_dists, R.pairwise_sq_dists, [a, b], [0, 1], rtol=1e-6, atol=1e-9)
    vectorised(P.pairwise_sq_dists, lambda n: [t(n, 5, seed=1), t(n // 2 + 1, 5, seed=2)], "pairwise_sq_dists")


def chk_tensors_one_hot(P, R):
    for n, c in [(1, 1), (1, 5), (6, 3), (100, 10)]:
        labels = torch.randint(0, c, (n,), device=DEV)
        s = snapshot(labels)
        with forbid((F, "one_hot")):
            got = P.one_hot(labels, c)
        close(got, R.one_hot(labels, c), 0, 0, what=f"one_hot {n},{c}")
        need(got.dtype == F32, "dtype must be float32")
        unchanged(s)


def chk_tensors_accuracy(P, R):
    g = torch.Generator().manual_seed(0)
    for n, c in [(1, 2), (5, 2), (20, 3), (100, 10)]:
        scores = torch.randint(0, 3, (n, c), generator=g).float().to(DEV)      # many ties
        y = torch.randint(0, c, (n,), generator=g).to(DEV)
        got = P.accuracy(scores, y)
        need(type(got) is float, f"accuracy must return a Python float, got {type(got).__name__}")
        need(abs(got - R.accuracy(scores, y)) < 1e-6, f"scores {n}x{c}: {got} vs {R.accuracy(scores, y)}")
        labels = torch.randint(0, c, (n,), generator=g).to(DEV)
        got = P.accuracy(labels, y)
        need(type(got) is float and abs(got - R.accuracy(labels, y)) < 1e-6, "labels (n,)")
        got = P.accuracy(scores.double(), y)
        need(abs(got - R.accuracy(scores, y)) < 1e-6, "float64 scores")


def chk_tensors_flatten_batch(P, R):
    for shape in [(1, 1, 28, 28), (5, 3, 4, 4), (2, 1, 1, 1), (1, 2, 3, 4)]:
        x = t(*shape, seed=7)
        got = P.flatten_batch(x)
        close(got, R.flatten_batch(x), 0, 0, what=str(shape))


def chk_tensors_fill_nan_with_column_mean(P, R):
    g = torch.Generator().manual_seed(1)
    for dtype in (F32, F64):
        for n, d in [(1, 1), (1, 4), (5, 1), (6, 4), (30, 7)]:
            x = torch.randn(n, d, generator=g, dtype=F64).to(DEV, dtype)
            mask = torch.rand(n, d, generator=g) < 0.3
            mask[0] = False if n == 1 else mask[0]
            mask[torch.randint(0, n, (d,), generator=g), torch.arange(d)] = False
            x[mask.to(DEV)] = float("nan")
            s = snapshot(x)
            got = P.fill_nan_with_column_mean(x)
            close(got, R.fill_nan_with_column_mean(x), what=f"{n}x{d} {dtype}")
            need(not got.isnan().any().item(), "NaN left")
            unchanged(s)
            xt = x.T.contiguous().T
            close(P.fill_nan_with_column_mean(xt), R.fill_nan_with_column_mean(x), what="non-contiguous")


def chk_tensors_matmul(P, R):
    banned = [(torch, "matmul"), (torch, "mm"), (torch, "bmm"), (torch, "einsum"), (torch, "tensordot"),
              (torch, "dot"), (torch, "inner"), (torch, "mv"), (F, "linear"), (T_, "__matmul__"), (T_, "matmul"),
              (T_, "mm"), (torch, "addmm")]
    for dtype in (F32, F64):
        for n, k, m in [(1, 1, 1), (2, 3, 4), (5, 1, 6), (16, 32, 8), (1, 7, 1)]:
            a, b = t(n, k, dtype=dtype, seed=n), t(k, m, dtype=dtype, seed=m + 10)
            s = snapshot(a, b)
            with forbid(*banned):
                got = P.matmul(a, b)
            rt = (1e-5, 1e-5) if dtype == F32 else (1e-10, 1e-12)
            close(got, R.matmul(a, b), *rt, what=f"{n}x{k}x{m} {dtype}")
            unchanged(s)
        sq = t(4, 4, dtype=dtype, seed=3)
        close(P.matmul(sq, sq), R.matmul(sq, sq), 1e-5, 1e-5, what="a is b")
        close(P.matmul(sq.T, sq), R.matmul(sq.T, sq), 1e-5, 1e-5, what="non-contiguous")
    a, b = t(3, 4, dtype=F64, seed=1), t(4, 2, dtype=F64, seed=2)
    compare_grads(P.matmul, R.matmul, [a, b], [0, 1])
    vectorised(P.matmul, lambda n: [t(n, n // 4 + 1, seed=1), t(n // 4 + 1, 3, seed=2)], "matmul")


def chk_tensors_norms(P, R):
    banned = [(torch, "norm"), (torch.linalg, "norm"), (torch.linalg, "vector_norm"), (torch.linalg, "matrix_norm"),
              (T_, "norm"), (torch, "dist"), (torch, "cdist")]
    for dtype in (F32, F64):
        for shape in [(), (1,), (7,), (3, 4), (2, 3, 4)]:
            x = t(*shape, dtype=dtype, seed=len(shape))
            s = snapshot(x)
            with forbid(*banned):
                l1, l2 = P.norms(x)
            r1, r2 = R.norms(x)
            close(l1, r1, what=f"L1 {shape}")
            close(l2, r2, what=f"L2 {shape}")
            need(l1.dim() == 0 and l2.dim() == 0, "0-dim results")
            unchanged(s)
        z = torch.zeros(3, 2, dtype=dtype, device=DEV)
        l1, l2 = P.norms(z)
        need(l1.item() == 0 and l2.item() == 0, "zeros")
    x = t(3, 4, dtype=F64, seed=9)
    compare_grads(lambda v: P.norms(v), lambda v: R.norms(v), [x], [0])


# ============================================================================================ autograd

def chk_autograd_linear_grad(P, R):
    for dtype in (F64, F32):
        for n in (1, 3, 50):
            w, x, y = t(dtype=dtype, seed=n), t(n, dtype=dtype, seed=n + 1), t(n, dtype=dtype, seed=n + 2)
            s = snapshot(w, x, y)
            with no_autograd():
                got = P.linear_grad(w, x, y)
            close(got, R.linear_grad(w, x, y), what=f"n={n} {dtype}")
            need(got.dim() == 0, "0-dim")
            unchanged(s)
    w = torch.tensor(1.5, dtype=F64, device=DEV)
    x = t(20, dtype=F64, seed=3) * 1e6
    y = w * x + t(20, dtype=F64, seed=4) * 1e-3
    close(P.linear_grad(w, x, y), R.linear_grad(w, x, y), 1e-7, 0, what="w·x ≈ y at large |x|")


def chk_autograd_quadratic_grads(P, R):
    for dtype in (F32, F64):
        for n in (1, 4, 33):
            args = [t(dtype=dtype, seed=1), t(dtype=dtype, seed=2), t(dtype=dtype, seed=3),
                    t(n, dtype=dtype, seed=4), t(n, dtype=dtype, seed=5)]
            s = snapshot(*args)
            with no_autograd():
                got = P.quadratic_grads(*args)
            ref = R.quadratic_grads(*args)
            need(isinstance(got, tuple) and len(got) == 3, "a tuple of three")
            for i, (a, b) in enumerate(zip(got, ref)):
                close(a, b, what=f"d{['w1', 'w2', 'b'][i]} n={n} {dtype}")
                need(a.dim() == 0, "0-dim")
            unchanged(s)


def chk_autograd_grad_of_vector_fn(P, R):
    fns = [lambda v: v ** 2, lambda v: v.sum(0), lambda v: v[:2] * 3, lambda v: (v * v).sum(), lambda v: v.sin() * v,
           lambda v: torch.stack([v.sum(), v.prod()])]
    for dtype in (F32, F64):
        for f in fns:
            x = t(3, 4, dtype=dtype, seed=2, requires_grad=True)
            x.grad = torch.full_like(x, 7.0)
            s = snapshot(x)
            got = P.grad_of_vector_fn(f, x)
            close(got, R.grad_of_vector_fn(f, x), what="gradient")
            unchanged(s, "x")
            plain = t(5, dtype=dtype, seed=3)
            s = snapshot(plain)
            close(P.grad_of_vector_fn(lambda v: v.exp(), plain), plain.exp(), what="exp")
            unchanged(s, "x")


def chk_autograd_detach_grad(P, R):
    for dtype in (F32, F64):
        for shape in [(), (1,), (4,), (2, 3)]:
            x = t(*shape, dtype=dtype, seed=5, requires_grad=True)
            s = snapshot(x)
            got = P.detach_grad(x)
            close(got, R.detach_grad(x), what=str(shape))
            unchanged(s, "x")
            plain = t(*shape, dtype=dtype, seed=6)
            close(P.detach_grad(plain), plain * plain, what="u = x·x")


SIGMOID_BANS = [(torch, "sigmoid"), (T_, "sigmoid"), (F, "sigmoid"), (torch.special, "expit"), (F, "logsigmoid"),
                (F, "silu"), (F, "glu"), (torch, "softmax"), (F, "softmax"), (torch, "log_softmax"),
                (F, "log_softmax"), (T_, "softmax"), (T_, "sigmoid_")]


def _sig_inputs(dtype):
    base = torch.tensor([-1000.0, -700.0, -100.0, -37.5, -20.0, -1.0, -1e-3, 0.0, 1e-3, 0.5, 3.0, 30.0, 100.0,
                         700.0, 1000.0], dtype=F64)
    if dtype == F16:
        base = base.clamp(-60000, 60000)
    return torch.cat([base, torch.randn(40, dtype=F64) * 6]).to(DEV, dtype)


def chk_autograd_Sigmoid(P, R):
    for dtype in (F64, F32):
        x = _sig_inputs(dtype)
        with forbid(*SIGMOID_BANS):
            got = P.Sigmoid.apply(x)
        rt = (1e-7, 0.0) if dtype == F64 else (1e-5, 1e-6)
        close(got, R.Sigmoid.apply(x), *rt, what=f"forward {dtype}")
        xg = x.detach().clone().requires_grad_(True)
        with forbid(*SIGMOID_BANS):
            y = P.Sigmoid.apply(xg)
            y.backward(torch.ones_like(y))
        need(torch.isfinite(xg.grad).all().item(), "non-finite gradient")
        s = y.detach()
        close(xg.grad, s * (1 - s), *rt, what=f"backward = s·(1 − s) from the saved output {dtype}")
        xr = x.detach().clone().requires_grad_(True)
        R.Sigmoid.apply(xr).backward(torch.ones_like(xr))
        # 1 − s cancels where σ ≈ 1: compare with the reference only where that is well conditioned
        ok = x.abs() <= 20
        close(xg.grad[ok], xr.grad[ok], *rt, what=f"backward vs reference (|x| ≤ 20) {dtype}")
    x = t(3, 4, dtype=F64, seed=1)
    compare_grads(P.Sigmoid.apply, R.Sigmoid.apply, [x], [0])


def chk_autograd_numerical_grad(P, R):
    fs = [lambda v: (v ** 3).sum() / (2 + v.sin().sum()), lambda v: float((v * v).sum()),
          lambda v: v.reshape(-1)[0], lambda v: v.exp().mean()]
    for f in fs:
        for shape in [(2, 3), (4,), (1,), (2, 2, 2)]:
            x = t(*shape, dtype=F64, seed=3)
            keep = x.clone()
            got = P.numerical_grad(f, x)
            need(torch.equal(x, keep), "x's values not restored")
            ref = R.numerical_grad(f, x.clone())
            close(got, ref, 1e-6, 1e-9, what=f"float64 {shape}")
    x = t(3, 2, dtype=F32, seed=4)
    keep = x.clone()
    got = P.numerical_grad(lambda v: (v ** 2).sum(), x, eps=1e-3)
    need(torch.equal(x, keep), "x's values not restored (float32)")
    close(got, R.numerical_grad(lambda v: (v ** 2).sum(), x.clone(), eps=1e-3), 2e-3, 2e-3, what="float32")
    x = t(4, dtype=F64, seed=5)
    got = P.numerical_grad(lambda v: (v * v).sum(), x)
    close(got, 2 * x, 1e-6, 1e-8, what="default eps")


def _random_graph(V, seed: int, n_ops: int = 60, deep: bool = False):
    """Build the same random expression with V (a Value class) and with torch float64 scalars."""
    rng = random.Random(seed)
    leaves_v = [V(rng.uniform(-2, 2)) for _ in range(4)] + [V(rng.randint(1, 3))]
    leaves_t = [torch.tensor(l.data, dtype=F64, requires_grad=True) for l in leaves_v]
    pv, pt = list(leaves_v), list(leaves_t)
    steps = 500 if deep else n_ops
    for i in range(steps):
        if deep:
            j = -1
            k = rng.randrange(len(leaves_v))
            a_v, a_t = pv[j], pt[j]
            b_v, b_t = leaves_v[k], leaves_t[k]
            op = rng.choice(["mix", "tanh", "relu_mix"])
            if op == "mix":
                nv, nt = a_v * 0.9 + b_v * 0.1, a_t * 0.9 + b_t * 0.1
            elif op == "tanh":
                nv, nt = (a_v * 1.1).tanh() + b_v * 0.05, (a_t * 1.1).tanh() + b_t * 0.05
            else:
                nv, nt = (a_v + 0.5).relu() * 0.8 - 0.2, (a_t + 0.5).relu() * 0.8 - 0.2
            pv.append(nv)
            pt.append(nt)
            continue
        j, k = rng.randrange(len(pv)), rng.randrange(len(pv))
        a_v, a_t, b_v, b_t = pv[j], pt[j], pv[k], pt[k]
        c = rng.uniform(-2, 2)
        op = rng.choice(["add", "sub", "mul", "div", "neg", "pow2", "pow3", "powm1", "pow05", "tanh", "exp", "relu",
                         "radd", "rsub", "rmul", "rdiv", "addc", "subc", "mulc", "divc"])
        if op == "add":
            nv, nt = a_v + b_v, a_t + b_t
        elif op == "sub":
            nv, nt = a_v - b_v, a_t - b_t
        elif op == "mul":
            nv, nt = a_v * b_v, a_t * b_t
        elif op == "div":
            nv, nt = a_v / (b_v * b_v + 1), a_t / (b_t * b_t + 1)
        elif op == "neg":
            nv, nt = -a_v, -a_t
        elif op == "pow2":
            nv, nt = a_v ** 2, a_t ** 2
        elif op == "pow3":
            nv, nt = a_v.tanh() ** 3, a_t.tanh() ** 3
        elif op == "powm1":
            nv, nt = (a_v * a_v + 0.5) ** -1, (a_t * a_t + 0.5) ** -1
        elif op == "pow05":
            nv, nt = (a_v * a_v + 0.1) ** 0.5, (a_t * a_t + 0.1) ** 0.5
        elif op == "tanh":
            nv, nt = a_v.tanh(), a_t.tanh()
        elif op == "exp":
            nv, nt = a_v.tanh().exp(), a_t.tanh().exp()
        elif op == "relu":
            nv, nt = a_v.relu(), a_t.relu()
        elif op == "radd":
            nv, nt = c + a_v, c + a_t
        elif op == "rsub":
            nv, nt = c - a_v, c - a_t
        elif op == "rmul":
            nv, nt = c * a_v, c * a_t
        elif op == "rdiv":
            nv, nt = 1.5 / (a_v * a_v + 1), 1.5 / (a_t * a_t + 1)
        elif op == "addc":
            nv, nt = a_v + c, a_t + c
        elif op == "subc":
            nv, nt = a_v - c, a_t - c
        elif op == "mulc":
            nv, nt = a_v * c, a_t * c
        else:
            nv, nt = a_v / 3.0, a_t / 3.0
        pv.append(nv)
        pt.append(nt)
    # the output uses several nodes, some more than once
    out_v = pv[-1] + pv[-2] * pv[-1] + pv[len(pv) // 2]
    out_t = pt[-1] + pt[-2] * pt[-1] + pt[len(pt) // 2]
    return leaves_v, leaves_t, out_v, out_t


def chk_autograd_Value(P, R):
    V = P.Value
    v = V(2)
    need(type(v.data) is float and v.data == 2.0, "Value(2).data must be the float 2.0")
    need(type(v.grad) is float and v.grad == 0.0, "grad starts as the float 0.0")
    for seed in range(25):
        lv, lt, ov, ot = _random_graph(V, seed)
        ov.backward()
        ot.backward()
        need(abs(ov.data - ot.item()) <= 1e-9 * max(1, abs(ot.item())), f"graph {seed}: data {ov.data} vs {ot.item()}")
        need(type(ov.grad) is float or isinstance(ov.grad, float), "grads are floats")
        for a, b in zip(lv, lt):
            gb = 0.0 if b.grad is None else b.grad.item()
            need(abs(a.grad - gb) <= 1e-8 * max(1, abs(gb)), f"graph {seed}: grad {a.grad} vs {gb}")
    for seed in range(3):
        lv, lt, ov, ot = _random_graph(V, 100 + seed, deep=True)
        ov.backward()
        ot.backward()
        for a, b in zip(lv, lt):
            gb = 0.0 if b.grad is None else b.grad.item()
            need(abs(a.grad - gb) <= 1e-8 * max(1, abs(gb)), f"deep graph {seed}: grad {a.grad} vs {gb}")
    a = V(-0.0)
    r = a.relu()
    r.backward()
    need(a.grad == 0.0, "relu'(0) = 0")
    a = V(3.0)
    b = a * a + a
    b.backward()
    need(abs(a.grad - 7.0) < 1e-12, "a node used several times accumulates")


# ============================================================================================ losses

REGRESSION_BANS = [(F, "mse_loss"), (F, "l1_loss"), (F, "huber_loss"), (F, "smooth_l1_loss"), (F, "gaussian_nll_loss")]
SOFTMAX_BANS = [(torch, "softmax"), (F, "softmax"), (T_, "softmax"), (torch, "log_softmax"), (F, "log_softmax"),
                (T_, "log_softmax"), (torch, "logsumexp"), (T_, "logsumexp"), (torch.special, "logsumexp"),
                (torch, "logcumsumexp"), (F, "cross_entropy")]


def _reg_check(Pf, Rf, name):
    for dtype in (F32, F64, F16):
        for shape in [(1,), (5,), (3, 4), (2, 3, 4)]:
            a, b = t(*shape, dtype=dtype, seed=1), t(*shape, dtype=dtype, seed=2)
            for red in ("mean", "sum", "none"):
                s = snapshot(a, b)
                with forbid(*REGRESSION_BANS):
                    got = Pf(a, b, red)
                    kw = Pf(a, b, reduction=red)
                close(got, Rf(a, b, red), what=f"{name} {shape} {dtype} {red}")
                close(kw, Rf(a, b, red), what=f"{name} reduction= keyword")
                unchanged(s)
            with forbid(*REGRESSION_BANS):
                close(Pf(a, b), Rf(a, b), what=f"{name} default reduction")
                close(Pf(a, a, "sum"), Rf(a, a, "sum"), what=f"{name} y_hat is y")
        close(Pf(a.T if a.dim() == 2 else a, b.T if b.dim() == 2 else b, "mean"),
              Rf(a.T if a.dim() == 2 else a, b.T if b.dim() == 2 else b, "mean"), what="non-contiguous")
    a, b = t(3, 4, dtype=F64, seed=3), t(3, 4, dtype=F64, seed=4)
    for red in ("mean", "sum", "none"):
        compare_grads(lambda u, v: Pf(u, v, red), lambda u, v: Rf(u, v, red), [a, b], [0, 1])


def chk_losses_mse(P, R):
    _reg_check(P.mse, R.mse, "mse")


def chk_losses_l1(P, R):
    _reg_check(P.l1, R.l1, "l1")


def chk_losses_huber(P, R):
    for dtype in (F32, F64):
        for delta in (1.0, 0.5, 2.0, 0.01):
            for shape in [(1,), (7,), (3, 5)]:
                a, b = t(*shape, dtype=dtype, seed=5) * 2, t(*shape, dtype=dtype, seed=6)
                s = snapshot(a, b)
                with forbid(*REGRESSION_BANS):
                    got = P.huber(a, b, delta)
                close(got, R.huber(a, b, delta), what=f"huber δ={delta} {shape} {dtype}")
                unchanged(s)
        with forbid(*REGRESSION_BANS):
            close(P.huber(a, b), R.huber(a, b), what="default delta")
    big = torch.tensor([1e200, -3e180, 0.3, 5.0], dtype=F64, device=DEV)
    zero = torch.zeros(4, dtype=F64, device=DEV)
    got = P.huber(big, zero, 1.0)
    close(got, R.huber(big, zero, 1.0), 1e-12, 0, what="huge d (d² overflows)")
    bg = big.clone().requires_grad_(True)
    P.huber(bg, zero, 1.0).backward()
    need(torch.isfinite(bg.grad).all().item(), "huge d: gradient not finite")
    a, b = t(4, 3, dtype=F64, seed=7) * 2, t(4, 3, dtype=F64, seed=8)
    for delta in (1.0, 0.7):
        compare_grads(lambda u, v: P.huber(u, v, delta), lambda u, v: R.huber(u, v, delta), [a, b], [0, 1])


def chk_losses_sigmoid(P, R):
    for dtype in (F64, F32, F16):
        x = _sig_inputs(dtype)
        with forbid(*SIGMOID_BANS, (nn, "GRU"), (nn, "LSTM")):
            got = P.sigmoid(x)
        rt = {F64: (1e-7, 0.0), F32: (1e-5, 1e-6), F16: (1e-2, 1e-3)}[dtype]
        close(got, R.sigmoid(x), *rt, what=f"sigmoid {dtype}")
        if dtype != F16:
            xg = x.detach().clone().requires_grad_(True)
            with forbid(*SIGMOID_BANS):
                P.sigmoid(xg).sum().backward()
            need(torch.isfinite(xg.grad).all().item(), f"non-finite gradient {dtype}")
    x = t(3, 5, dtype=F64, seed=2)
    compare_grads(P.sigmoid, R.sigmoid, [x], [0])
    close(P.sigmoid(x.T), R.sigmoid(x.T), what="non-contiguous")


def chk_losses_bce(P, R):
    g = torch.Generator().manual_seed(3)
    for dtype in (F32, F64):
        for shape in [(1,), (6,), (4, 3)]:
            p = torch.rand(*shape, generator=g, dtype=F64).to(DEV, dtype)
            y = torch.rand(*shape, generator=g, dtype=F64).to(DEV, dtype)
            s = snapshot(p, y)
            with forbid((F, "binary_cross_entropy"), (nn, "BCELoss")):
                got = P.bce(p, y)
            close(got, R.bce(p, y), 1e-5, 0, what=f"bce {shape} {dtype}")
            unchanged(s)
            close(P.bce(p, (y > 0.5).to(dtype)), R.bce(p, (y > 0.5).to(dtype)), 1e-5, 0, what="hard labels")
        edge = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5], dtype=dtype, device=DEV)
        lab = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.3], dtype=dtype, device=DEV)
        close(P.bce(edge, lab), R.bce(edge, lab), 1e-5, 0, what="p = 0 or 1")
    p = 0.05 + 0.9 * torch.rand(3, 4, generator=g, dtype=F64).to(DEV)
    y = torch.rand(3, 4, generator=g, dtype=F64).to(DEV)
    compare_grads(P.bce, R.bce, [p, y], [0, 1])


def chk_losses_bce_with_logits(P, R):
    g = torch.Generator().manual_seed(4)
    for dtype in (F32, F64):
        for shape in [(1,), (8,), (3, 4)]:
            z = (torch.randn(*shape, generator=g, dtype=F64) * 4).to(DEV, dtype)
            y = torch.rand(*shape, generator=g, dtype=F64).to(DEV, dtype)
            s = snapshot(z, y)
            with forbid((F, "binary_cross_entropy_with_logits"), (F, "multilabel_soft_margin_loss"),
                        (F, "soft_margin_loss")):
                got = P.bce_with_logits(z, y)
            rt = (1e-5, 1e-6) if dtype == F32 else (1e-7, 1e-15)
            close(got, R.bce_with_logits(z, y), *rt, what=f"{shape} {dtype}")
            unchanged(s)
        z = torch.tensor([-1000.0, 1000.0, -1000.0, 1000.0, 3.0], dtype=dtype, device=DEV)
        y = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.5], dtype=dtype, device=DEV)
        got = P.bce_with_logits(z, y)
        need(torch.isfinite(got).item(), "±1000 not finite")
        close(got, R.bce_with_logits(z, y), 1e-5, 8 * torch.finfo(dtype).eps * 1000, what="±1000")
    z = torch.tensor([40.0, -41.0, 39.0], dtype=F64, device=DEV)
    y = torch.tensor([1.0, 0.0, 1.0], dtype=F64, device=DEV)
    close(P.bce_with_logits(z, y), R.bce_with_logits(z, y), 0.75, 0, what="float64 tails")
    z, y = t(3, 4, dtype=F64, seed=5) * 3, torch.rand(3, 4, generator=g, dtype=F64).to(DEV)
    compare_grads(P.bce_with_logits, R.bce_with_logits, [z, y], [0, 1])


def _softmax_like(Pf, Rf, name):
    for dtype in (F32, F64):
        for shape, dims in [((5,), (0, -1)), ((4, 6), (0, 1, -1, -2)), ((2, 3, 4), (0, 1, 2, -1)), ((1, 1), (0, 1)),
                            ((3, 300), (1,))]:
            x = t(*shape, dtype=dtype, seed=len(shape)) * 3
            for d in dims:
                s = snapshot(x)
                with forbid(*SOFTMAX_BANS):
                    got = Pf(x, d)
                    kw = Pf(x, dim=d)
                close(got, Rf(x, d), what=f"{name} {shape} dim={d} {dtype}")
                close(kw, Rf(x, d), what=f"{name} dim= keyword")
                unchanged(s)
            with forbid(*SOFTMAX_BANS):
                close(Pf(x), Rf(x), what=f"{name} default dim")
        big = torch.tensor([[1000.0, -1000.0, 999.0, 0.0], [-1000.0, -1000.0, -999.5, -1000.0]], dtype=dtype, device=DEV)
        with forbid(*SOFTMAX_BANS):
            got = Pf(big, -1)
        need(torch.isfinite(got).all().item(), f"{name} ±1000 not finite")
        close(got, Rf(big, -1), 1e-5, 8 * torch.finfo(dtype).eps * 1000, what=f"{name} ±1000")
    x = t(3, 4, dtype=F64, seed=3)
    close(Pf(x.T, 0), Rf(x.T, 0), what="non-contiguous")
    for d in (0, 1):
        compare_grads(lambda v: Pf(v, d), lambda v: Rf(v, d), [x], [0])


def chk_losses_softmax(P, R):
    _softmax_like(P.softmax, R.softmax, "softmax")


def chk_losses_log_softmax(P, R):
    _softmax_like(P.log_softmax, R.log_softmax, "log_softmax")


def chk_losses_cross_entropy(P, R):
    bans = [(F, "cross_entropy"), (F, "nll_loss"), (F, "log_softmax"), (torch, "log_softmax")]
    g = torch.Generator().manual_seed(6)
    for dtype in (F32, F64):
        for n, c in [(1, 2), (4, 3), (10, 5), (7, 100)]:
            logits = (torch.randn(n, c, generator=g, dtype=F64) * 3).to(DEV, dtype)
            idx = torch.randint(0, c, (n,), generator=g).to(DEV)
            probs = torch.softmax(torch.randn(n, c, generator=g, dtype=F64), 1).to(DEV, dtype)
            onehot_long = F.one_hot(idx, c)
            for target in (idx, probs, onehot_long, onehot_long.to(dtype)):
                s = snapshot(logits, target)
                with forbid(*bans):
                    got = P.cross_entropy(logits, target)
                close(got, R.cross_entropy(logits, target), what=f"{n}x{c} {dtype} target {target.dtype}")
                close(got, F.cross_entropy(logits, target if target.dtype == torch.int64 and target.dim() == 1
                                            else target.to(dtype)), what="vs F.cross_entropy")
                unchanged(s)
        big = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], dtype=dtype, device=DEV)
        lab = torch.tensor([1, 2], device=DEV)
        got = P.cross_entropy(big, lab)
        need(torch.isfinite(got).item(), "±1000 not finite")
        close(got, R.cross_entropy(big, lab), 1e-5, 8 * torch.finfo(dtype).eps * 1000, what="±1000")
    logits = t(4, 3, dtype=F64, seed=1)
    idx = torch.tensor([0, 2, 1, 2], device=DEV)
    probs = torch.softmax(t(4, 3, dtype=F64, seed=2), 1)
    compare_grads(lambda z: P.cross_entropy(z, idx), lambda z: R.cross_entropy(z, idx), [logits], [0])
    compare_grads(P.cross_entropy, R.cross_entropy, [logits, probs], [0, 1])


def _prob_rows(shape, zero_frac, seed, dtype):
    g = torch.Generator().manual_seed(seed)
    p = torch.rand(*shape, generator=g, dtype=F64)
    p[torch.rand(*shape, generator=g) < zero_frac] = 0
    p[..., 0] += 0.1
    return (p / p.sum(-1, keepdim=True)).to(DEV, dtype)


def chk_losses_entropy(P, R):
    for dtype in (F32, F64):
        for shape in [(4,), (3, 5), (2, 3, 4), (1, 1)]:
            p = _prob_rows(shape, 0.3, 1, dtype)
            s = snapshot(p)
            with forbid((torch.special, "entr")):
                got = P.entropy(p)
            close(got, R.entropy(p), what=f"entropy {shape} {dtype}")
            need(got.shape == p.shape[:-1], "shape p.shape[:-1]")
            unchanged(s)
    p = _prob_rows((3, 4), 0.0, 2, F64)
    compare_grads(P.entropy, R.entropy, [p], [0])


def chk_losses_kl_div(P, R):
    for dtype in (F32, F64):
        for shape in [(4,), (3, 5), (2, 3, 4)]:
            p, q = _prob_rows(shape, 0.3, 3, dtype), _prob_rows(shape, 0.0, 4, dtype)
            s = snapshot(p, q)
            with forbid((F, "kl_div"), (torch.special, "entr")):
                got = P.kl_div(p, q)
            close(got, R.kl_div(p, q), what=f"kl {shape} {dtype}")
            unchanged(s)
            close(P.kl_div(p, p), R.kl_div(p, p), 1e-5, 1e-6, what="kl(p, p)")
        p = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.0, 0.8]], dtype=dtype, device=DEV)
        q = torch.tensor([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]], dtype=dtype, device=DEV)
        got = P.kl_div(p, q)
        need(torch.isinf(got).all().item() and (got > 0).all().item(), f"q = 0 < p must give +inf, got {got}")
    p, q = _prob_rows((3, 4), 0.0, 5, F64), _prob_rows((3, 4), 0.0, 6, F64)
    compare_grads(P.kl_div, R.kl_div, [p, q], [0, 1])


# ============================================================================================ mlp

def chk_mlp_relu(P, R):
    bans = [(torch, "relu"), (F, "relu"), (T_, "relu"), (nn, "ReLU"), (F, "leaky_relu"), (F, "threshold"),
            (F, "hardtanh"), (F, "relu6"), (F, "softplus"), (F, "elu"), (F, "celu"), (F, "prelu")]
    for dtype in (F32, F64, F16):
        x = torch.cat([torch.tensor([-1000.0, -1.0, 0.0, 1.0, 1000.0], dtype=dtype), torch.randn(30).to(dtype)]).to(DEV)
        s = snapshot(x)
        with forbid(*bans):
            got = P.relu(x)
        close(got, R.relu(x), what=f"relu {dtype}")
        unchanged(s)
    x = t(4, 5, dtype=F64, seed=1)
    compare_grads(P.relu, R.relu, [x], [0])
    close(P.relu(x.T), R.relu(x.T), what="non-contiguous")


def chk_mlp_tanh(P, R):
    bans = [(torch, "tanh"), (F, "tanh"), (T_, "tanh"), (nn, "Tanh"), (torch, "tan"), (nn, "RNN"), (nn, "GRU")]
    for dtype in (F32, F64, F16):
        base = [-1000.0, -20.0, -3.0, -0.5, -1e-4, 1e-4, 0.7, 5.0, 1000.0]
        x = torch.cat([torch.tensor(base, dtype=F64), torch.randn(40, dtype=F64) * 2]).to(DEV, dtype)
        s = snapshot(x)
        with forbid(*bans):
            got = P.tanh(x)
        close(got, R.tanh(x), what=f"tanh {dtype}")
        need(torch.isfinite(got).all().item(), "finite at ±1000")
        unchanged(s)
        close(got, torch.tanh(x), *tol(dtype), what=f"tanh vs torch {dtype}")
    x = t(4, 5, dtype=F64, seed=2)
    compare_grads(P.tanh, R.tanh, [x], [0])


def chk_mlp_hard_sigmoid_from_relus(P, R):
    bans = [(F, "hardsigmoid"), (F, "hardtanh"), (torch, "clamp"), (torch, "clip"), (T_, "clamp"), (T_, "clip"),
            (T_, "clamp_"), (T_, "clip_")]
    for dtype in (F32, F64):
        x = torch.cat([torch.tensor([-100.0, -0.5, -0.49, 0.0, 0.5, 0.51, 100.0], dtype=F64),
                       torch.rand(50, dtype=F64) * 4 - 2]).to(DEV, dtype)
        s = snapshot(x)
        with forbid(*bans):
            got = P.hard_sigmoid_from_relus(x)
        close(got, R.hard_sigmoid_from_relus(x), what=f"{dtype}")
        unchanged(s)
    x = (torch.rand(20, dtype=F64) * 3 - 1.5).to(DEV)
    x = x[(x.abs() - 0.5).abs() > 1e-3]
    compare_grads(P.hard_sigmoid_from_relus, R.hard_sigmoid_from_relus, [x], [0])


def chk_mlp_dropout(P, R):
    bans = [(F, "dropout"), (nn, "Dropout"), (torch, "dropout"), (torch, "dropout_")]
    for dtype in (F32, F64, F16):
        x = (torch.rand(200, 50, dtype=F64) + 0.5).to(DEV, dtype)
        with forbid(*bans):
            out = P.dropout(x, 0.3, False)
            need(torch.equal(out, x), "training=False must return x unchanged")
            torch.manual_seed(11)
            a = P.dropout(x, 0.3)
            torch.manual_seed(11)
            b = P.dropout(x, 0.3, True)
            z = P.dropout(x, 1.0)
            o = P.dropout(x, 0.0)
        need(a.dtype == dtype and a.shape == x.shape and a.device == x.device, "dtype/shape/device")
        need(torch.equal(a, b), "results must follow torch.manual_seed")
        kept = a != 0
        frac = kept.float().mean().item()
        need(abs(frac - 0.7) < 0.03, f"kept fraction {frac:.3f} not ≈ 0.7")
        close(a[kept], (x / 0.7).to(dtype)[kept], *tol(dtype), what="survivors scaled by 1/(1 − p)")
        need(torch.equal(z, torch.zeros_like(x)), "p = 1 gives zeros")
        if dtype != F16:  # float16 rand_like is 0 with probability 2^-11: the docstring's own recipe drops some
            close(o, x, what="p = 0 keeps everything")
    x = t(100, dtype=F64, seed=3, requires_grad=True)
    torch.manual_seed(5)
    y = P.dropout(x, 0.5)
    y.sum().backward()
    g = x.grad
    need(set(torch.unique(g).tolist()) <= {0.0, 2.0}, "gradient is mask/(1 − p)")


def chk_mlp_xavier_uniform_(P, R):
    for shape in [(300, 200), (64, 16, 3, 3), (20, 10, 5), (1000, 3)]:
        w = torch.empty(*shape, device=DEV)
        ptr = w.data_ptr()
        torch.manual_seed(0)
        with forbid((nn.init, "xavier_uniform_"), (nn.init, "kaiming_uniform_")):
            out = P.xavier_uniform_(w)
        need(out is w and w.data_ptr() == ptr, "in place, returning the tensor itself")
        rf = math.prod(shape[2:]) if len(shape) > 2 else 1
        a = math.sqrt(6.0 / ((shape[0] + shape[1]) * rf))
        need(w.abs().max().item() <= a + 1e-6, "values outside (−a, a)")
        need(abs(w.std().item() - a / math.sqrt(3)) < 0.05 * a, f"std {w.std().item()} vs {a / math.sqrt(3)}")
        need(abs(w.mean().item()) < 0.05 * a, "mean not ≈ 0")
    p = nn.Parameter(torch.empty(30, 40, device=DEV))
    out = P.xavier_uniform_(p)
    need(out is p and p.requires_grad and p.grad is None, "parameter keeps requires_grad, no grad")
    w64 = torch.empty(50, 60, dtype=F64, device=DEV)
    P.xavier_uniform_(w64)
    need(w64.dtype == F64, "dtype kept")


def chk_mlp_LogisticRegression(P, R):
    for d in (1, 7, 64):
        torch.manual_seed(0)
        m = P.LogisticRegression(d).to(DEV)
        lins = [x for x in m.modules() if isinstance(x, nn.Linear)]
        need(len(lins) == 1 and lins[0].weight.shape == (1, d), "one nn.Linear(in_features, 1)")
        for n in (1, 5):
            x = t(n, d, seed=n)
            y = m(x)
            need(y.shape == (n, 1), f"shape {tuple(y.shape)}")
            close(y, torch.sigmoid(lins[0](x)), what="sigmoid(linear(x))")
        module_params_get_grads(m, m(t(6, d, seed=1)))


def _linears(m):
    return [x for x in m.modules() if isinstance(x, nn.Linear)]


def chk_mlp_DiabetesNet(P, R):
    for args, d in [((), 8), ((7,), 7), ((3,), 3)]:
        torch.manual_seed(0)
        m = P.DiabetesNet(*args).to(DEV)
        lins = _linears(m)
        need([tuple(l.weight.shape) for l in lins] == [(6, d), (4, 6), (1, 4)], "Linear layers in → 6 → 4 → 1")
        need(all(l.bias is not None for l in lins), "with bias")
        x = t(5, d, seed=2)
        y = m(x)
        need(y.shape == (5, 1), "shape (n, 1)")
        h = x
        for l in lins:
            h = torch.sigmoid(l(h))
        close(y, h, what="a sigmoid after every layer")
        module_params_get_grads(m, m(x))
    m = P.DiabetesNet(7).to(DEV)
    need(m(t(1, 7, seed=3)).shape == (1, 1), "batch of one")


def chk_mlp_MLP(P, R):
    acts = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}
    for sizes in ([64, 32, 10], [5, 3], [8, 16, 16, 4], (6, 4, 2)):
        for act in ("relu", "tanh", "sigmoid"):
            for p in (0.0, 0.5):
                torch.manual_seed(0)
                m = P.MLP(sizes, act, p).to(DEV) if p else P.MLP(sizes, act).to(DEV)
                lins = _linears(m)
                need([tuple(l.weight.shape) for l in lins] == [(b, a) for a, b in zip(sizes[:-1], sizes[1:])],
                     f"Linear shapes for {sizes}")
                m.eval()
                x = t(3, sizes[0], seed=4)
                h = x
                for i, l in enumerate(lins):
                    h = l(h)
                    if i < len(lins) - 1:
                        h = acts[act](h)
                close(m(x), h, what=f"eval forward {sizes} {act} p={p}")
                if sizes[0] == 64:
                    close(m(x.reshape(3, 1, 8, 8)), h, what="inputs of more than 2 dims are flattened")
                m.train()
                y = m(x)
                need(y.shape == (3, sizes[-1]), "logits shape")
                if p and len(sizes) > 2:
                    torch.manual_seed(1)
                    y1 = m(t(200, sizes[0], seed=5))
                    torch.manual_seed(2)
                    y2 = m(t(200, sizes[0], seed=5))
                    need(not torch.allclose(y1, y2), "dropout active in train mode")
                module_params_get_grads(m, m(t(4, sizes[0], seed=6)))
    seen = []

    def hook(mod, inp, out):
        seen.append(inp[0].shape)
    m = P.MLP([5, 4, 2])
    for l in _linears(m):
        l.register_forward_hook(hook)
    m(torch.randn(3, 5))
    need(len(seen) == 2, "each nn.Linear is called")


class _ModeProbe(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.modes, self.grad_modes = [], []

    def forward(self, x):
        self.modes.append(self.training)
        self.grad_modes.append(torch.is_grad_enabled())
        return self.inner(x)


def _batches(n, d, c, bs, seed, probs=False):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g)
    if probs:
        y = (torch.rand(n, 1, generator=g) > 0.5).float()
    else:
        y = torch.randint(0, c, (n,), generator=g)
    return [(x[i:i + bs], y[i:i + bs]) for i in range(0, n, bs)]


def chk_mlp_train_epoch(P, R):
    for probs, loss_fn, opt_cls, kw in [(False, nn.CrossEntropyLoss(), torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
                                        (True, nn.BCELoss(), torch.optim.Adam, dict(lr=0.01))]:
        torch.manual_seed(0)
        c = 1 if probs else 3
        base = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, c))
        if probs:
            base.append(nn.Sigmoid())
        a, b = _ModeProbe(copy.deepcopy(base)).to(DEV), _ModeProbe(copy.deepcopy(base)).to(DEV)
        oa, ob = opt_cls(a.parameters(), **kw), opt_cls(b.parameters(), **kw)
        loader = _batches(23, 5, 3, 4, seed=1, probs=probs)
        a.eval()
        for epoch in range(2):
            torch.manual_seed(epoch)
            la = P.train_epoch(a, loader, loss_fn, oa, DEV)
            torch.manual_seed(epoch)
            lb = R.train_epoch(b, loader, loss_fn, ob, DEV)
            need(type(la) is float, "returns a Python float")
            need(abs(la - lb) <= 1e-6 * max(1, abs(lb)), f"epoch loss {la} vs {lb}")
        need(all(a.modes), "model in train mode while training")
        for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters()):
            close(pa, pb, 1e-5, 1e-6, what=f"parameters after training ({na})")


def chk_mlp_evaluate(P, R):
    torch.manual_seed(0)
    for probs in (False, True):
        c = 1 if probs else 4
        inner = nn.Sequential(nn.Linear(5, 7), nn.Dropout(0.5), nn.Linear(7, c))
        if probs:
            inner.append(nn.Sigmoid())
        m = _ModeProbe(inner).to(DEV)
        m.train()
        loader = _batches(37, 5, 4, 8, seed=2, probs=probs)
        got = P.evaluate(m, loader, DEV)
        need(type(got) is float, "returns a Python float")
        need(not any(m.modes) and not any(m.grad_modes), "eval mode, no_grad")
        ref = R.evaluate(m, loader, DEV)
        need(abs(got - ref) < 1e-12, f"accuracy {got} vs {ref}")
        if probs:
            flat = [(x, y.reshape(-1)) for x, y in loader]
            need(abs(P.evaluate(m, flat, DEV) - ref) < 1e-12, "labels (n,) for (n, 1) outputs")


# ============================================================================================ optim

OPTIM_BANS = [(torch.optim, "SGD"), (torch.optim, "Adam"), (torch.optim, "AdamW")]


def chk_optim_closed_form_linear_regression(P, R):
    for dtype, rt in ((F64, (1e-8, 1e-10)), (F32, (1e-3, 1e-4))):
        for n, d, k in [(10, 3, None), (50, 5, 2), (4, 4, None), (100, 1, 3)]:
            X = t(n, d, dtype=dtype, seed=n) + torch.eye(n, d, dtype=dtype, device=DEV) * 3
            y = t(n, dtype=dtype, seed=d) if k is None else t(n, k, dtype=dtype, seed=d)
            s = snapshot(X, y)
            with forbid((torch.linalg, "lstsq"), (torch.linalg, "pinv"), (torch, "pinverse"), (torch.linalg, "inv"),
                        (torch, "inverse"), (T_, "inverse")):
                got = P.closed_form_linear_regression(X, y)
            close(got, R.closed_form_linear_regression(X, y), *rt, what=f"{n}x{d} k={k} {dtype}")
            unchanged(s)


def _lin_data(n, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    x = (torch.rand(n, generator=g, dtype=F64) * 3).to(DEV, dtype)
    y = (2.5 * x + 0.1 * torch.randn(n, generator=g, dtype=F64).to(DEV, dtype))
    return x, y


def chk_optim_gd_fit(P, R):
    for dtype in (F32, F64):
        for n, lr, steps in [(1, 0.1, 5), (10, 0.05, 30), (100, 0.01, 0), (7, 0.02, 100)]:
            x, y = _lin_data(n, dtype, n)
            s = snapshot(x, y)
            w, losses = P.gd_fit(x, y, lr, steps)
            rw, rl = R.gd_fit(x, y, lr, steps)
            need(type(w) is float and isinstance(losses, list) and all(type(v) is float for v in losses),
                 "(float, list of floats)")
            need(len(losses) == steps, "one loss per step")
            need(abs(w - rw) <= 1e-5 * max(1, abs(rw)), f"final w {w} vs {rw}")
            need(np.allclose(losses, rl, rtol=1e-5, atol=1e-7), "losses")
            unchanged(s)


def chk_optim_sgd_fit(P, R):
    for dtype in (F32, F64):
        for n, lr, epochs in [(1, 0.1, 3), (12, 0.02, 5), (30, 0.005, 8)]:
            x, y = _lin_data(n, dtype, n + 1)
            w, losses = P.sgd_fit(x, y, lr, epochs, torch.Generator().manual_seed(3))
            rw, rl = R.sgd_fit(x, y, lr, epochs, torch.Generator().manual_seed(3))
            need(type(w) is float and len(losses) == epochs and all(type(v) is float for v in losses), "types")
            need(abs(w - rw) <= 1e-5 * max(1, abs(rw)), f"final w {w} vs {rw}")
            need(np.allclose(losses, rl, rtol=1e-5, atol=1e-7), "losses")
            torch.manual_seed(9)
            w1, _ = P.sgd_fit(x, y, lr, epochs)
            torch.manual_seed(9)
            w2, _ = R.sgd_fit(x, y, lr, epochs)
            need(abs(w1 - w2) <= 1e-5 * max(1, abs(w2)), "generator=None follows torch.manual_seed")


def chk_optim_minibatch_indices(P, R):
    for n, bs in [(1, 1), (10, 3), (10, 5), (7, 10), (100, 32)]:
        for shuffle in (True, False):
            it = P.minibatch_indices(n, bs, shuffle, torch.Generator().manual_seed(5))
            need(hasattr(it, "__next__"), "an iterator")
            got = list(it)
            ref = list(R.minibatch_indices(n, bs, shuffle, torch.Generator().manual_seed(5)))
            need(len(got) == len(ref), "number of batches")
            for a, b in zip(got, ref):
                need(a.dtype == torch.int64 and torch.equal(a, b), f"batch {a} vs {b}")
        torch.manual_seed(4)
        a = list(P.minibatch_indices(n, bs))
        torch.manual_seed(4)
        b = list(R.minibatch_indices(n, bs))
        need(all(torch.equal(u, v) for u, v in zip(a, b)), "defaults: shuffle with the global generator")


def _opt_problem(dtype, seed):
    g = torch.Generator().manual_seed(seed)
    A = torch.randn(6, 4, generator=g, dtype=F64).to(DEV, dtype)
    b = torch.randn(6, generator=g, dtype=F64).to(DEV, dtype)
    w0 = torch.randn(4, generator=g, dtype=F64).to(DEV, dtype)
    c0 = torch.randn(3, 2, generator=g, dtype=F64).to(DEV, dtype)
    return A, b, w0, c0


def _run_opt(make, dtype, seed, steps=50, groups=False, unused=False, split_at=None, make_again=None):
    A, b, w0, c0 = _opt_problem(dtype, seed)
    w = w0.clone().requires_grad_(True)
    c = c0.clone().requires_grad_(True)
    u = torch.zeros(2, dtype=dtype, device=DEV, requires_grad=True)
    params = [w, c] + ([u] if unused else [])
    opt = make(params) if not groups else make([{"params": [w]}, {"params": [c], "lr": 0.003}] +
                                               ([{"params": [u]}] if unused else []))
    closures = []
    for i in range(steps):
        if split_at is not None and i == split_at:
            sd = opt.state_dict()
            opt = make_again([w, c] + ([u] if unused else [])) if not groups else make_again(
                [{"params": [w]}, {"params": [c], "lr": 0.003}] + ([{"params": [u]}] if unused else []))
            opt.load_state_dict(sd)

        def closure():
            opt.zero_grad()
            loss = ((A @ w - b) ** 2).mean() + (c ** 4).sum() + 0.1 * (c * w[:3, None]).sum()
            loss.backward()
            return loss
        if i % 7 == 3:
            ret = opt.step(closure)
            need(isinstance(ret, torch.Tensor) and ret.dim() == 0, "step(closure) returns the closure's loss tensor")
        else:
            closure()
            ret = opt.step()
            need(ret is None, "step() without closure returns None")
    return w.detach(), c.detach(), u.detach()


def _compare_opt(Pcls, Rcls, kwargs_list, name):
    for dtype, rt in ((F32, (1e-4, 1e-6)), (F64, (1e-10, 1e-10))):
        for kw in kwargs_list:
            for groups, unused in ((False, False), (True, True)):
                with forbid(*OPTIM_BANS):
                    got = _run_opt(lambda p: Pcls(p, **kw), dtype, 1, groups=groups, unused=unused)
                ref = _run_opt(lambda p: Rcls(p, **kw), dtype, 1, groups=groups, unused=unused)
                for i, (a, b) in enumerate(zip(got, ref)):
                    close(a, b, *rt, what=f"{name} {kw} groups={groups} {dtype} param {i}")
            with forbid(*OPTIM_BANS):
                got = _run_opt(lambda p: Pcls(p, **kw), dtype, 2, split_at=25, make_again=lambda p: Pcls(p, **kw))
            ref = _run_opt(lambda p: Rcls(p, **kw), dtype, 2)
            for i, (a, b) in enumerate(zip(got, ref)):
                close(a, b, *rt, what=f"{name} {kw} state_dict round trip {dtype} param {i}")
    opt = Pcls([torch.zeros(2, requires_grad=True)], **kwargs_list[0])
    need(type(opt).__mro__[1] is torch.optim.Optimizer, "a direct subclass of torch.optim.Optimizer")


def chk_optim_SGD(P, R):
    kws = [dict(lr=0.05), dict(lr=0.05, momentum=0.9), dict(lr=0.02, momentum=0.9, dampening=0.1),
           dict(lr=0.02, momentum=0.5, weight_decay=0.01), dict(lr=0.02, momentum=0.9, nesterov=True),
           dict(lr=0.03, momentum=0.8, weight_decay=0.1, nesterov=True), dict(lr=0.01, weight_decay=0.5)]
    _compare_opt(P.SGD, R.SGD, kws, "SGD")
    _compare_opt(P.SGD, lambda p, **kw: torch.optim.SGD(p, **kw), kws[:3], "SGD vs torch")


def chk_optim_Adam(P, R):
    kws = [dict(), dict(lr=0.01), dict(lr=0.02, betas=(0.8, 0.99)), dict(lr=0.01, eps=1e-6, weight_decay=0.1),
           dict(lr=0.005, betas=(0.5, 0.9), weight_decay=0.01)]
    _compare_opt(P.Adam, R.Adam, kws, "Adam")
    _compare_opt(P.Adam, lambda p, **kw: torch.optim.Adam(p, **kw), kws[:2], "Adam vs torch")


def chk_optim_ema(P, R):
    g = torch.Generator().manual_seed(8)
    for dtype, rt in ((F32, (1e-4, 1e-6)), (F64, (1e-4, 1e-12)), (F16, (1e-2, 1e-3))):
        for T in (1, 2, 10, 600):
            v = (torch.rand(T, generator=g, dtype=F64) * 3 + 1).to(DEV, dtype)
            for beta in (0.9, 0.5, 0.0, 0.99):
                for corr in (True, False):
                    s = snapshot(v)
                    got = P.ema(v, beta, corr)
                    close(got, R.ema(v, beta, corr), *rt, what=f"ema T={T} β={beta} corr={corr} {dtype}")
                    unchanged(s)
            close(P.ema(v, 0.9), R.ema(v, 0.9), *rt, what="default bias_correction")


def chk_optim_DiabetesDataset(P, R):
    with tempfile.TemporaryDirectory() as d:
        for n, feats in [(25, 7), (2, 3), (5, 8)]:
            path = os.path.join(d, f"diab_{n}_{feats}.csv.gz")
            g = np.random.default_rng(n)
            table = np.column_stack([g.normal(size=(n, feats)).round(4), (g.random(n) > 0.5).astype(float)])
            with gzip.open(path, "wt") as fh:
                for row in table:
                    fh.write(",".join(f"{v:.4f}" for v in row) + "\n")
            ds = P.DiabetesDataset(path)
            ref = R.DiabetesDataset(path)
            need(isinstance(ds, torch.utils.data.Dataset), "a Dataset")
            need(len(ds) == n, f"len {len(ds)} vs {n}")
            for i in range(n):
                a, b = ds[i]
                ra, rb = ref[i]
                close(a, ra, 0, 0, what=f"features row {i}")
                close(b, rb, 0, 0, what=f"label row {i}")
                need(a.dtype == F32 and b.shape == (1,), "float32 (d,), (1,)")
            xb, yb = next(iter(torch.utils.data.DataLoader(ds, batch_size=4)))
            need(xb.shape == (min(4, n), feats) and yb.shape == (min(4, n), 1), "DataLoader batches")


def chk_optim_k_fold_indices(P, R):
    for n, k in [(10, 3), (10, 5), (3, 5), (1, 1), (100, 7), (0, 2)]:
        got = P.k_fold_indices(n, k)
        ref = R.k_fold_indices(n, k)
        need(isinstance(got, list) and len(got) == k, "a list of k tensors")
        for a, b in zip(got, ref):
            need(a.dtype == torch.int64 and torch.equal(a.cpu(), b.cpu()), f"fold {a} vs {b}")


# ============================================================================================ cnn

CONV_BANS = [(F, "conv2d"), (torch, "conv2d"), (nn, "Conv2d"), (F, "conv1d"), (F, "conv3d"), (torch, "convolution"),
             (F, "conv_transpose2d")]
POOL_BANS = [(F, "max_pool2d"), (torch, "max_pool2d"), (nn, "MaxPool2d"), (F, "max_pool2d_with_indices"),
             (F, "max_pool3d"), (F, "adaptive_max_pool2d"), (F, "max_pool1d")]


def chk_cnn_corr2d(P, R):
    for dtype in (F32, F64):
        for (h, w), (kh, kw) in [((3, 3), (2, 2)), ((6, 8), (1, 2)), ((5, 5), (5, 5)), ((7, 4), (3, 1)), ((1, 1), (1, 1))]:
            x, k = t(h, w, dtype=dtype, seed=h), t(kh, kw, dtype=dtype, seed=kw)
            s = snapshot(x, k)
            with forbid(*CONV_BANS):
                got = P.corr2d(x, k)
            close(got, R.corr2d(x, k), 1e-5, 1e-5, what=f"{h}x{w} * {kh}x{kw} {dtype}")
            unchanged(s)
    x, k = t(5, 6, dtype=F64, seed=1), t(2, 3, dtype=F64, seed=2)
    compare_grads(P.corr2d, R.corr2d, [x, k], [0, 1])
    close(P.corr2d(x.T, k.T), R.corr2d(x.T, k.T), what="non-contiguous")


def chk_cnn_conv2d(P, R):
    cfgs = [(1, 1, 1, 5, 5, 3, 1, 0, True), (2, 3, 4, 8, 7, 3, 1, 1, True), (2, 2, 3, 9, 9, 3, 2, 0, False),
            (1, 3, 2, 6, 10, 5, 3, 2, True), (3, 1, 1, 4, 4, 1, 1, 0, False), (1, 2, 5, 7, 5, 2, 2, 1, True)]
    for dtype in (F32, F64):
        for n, ci, co, h, w, k, s_, p, has_b in cfgs:
            x = t(n, ci, h, w, dtype=dtype, seed=h)
            wt = t(co, ci, k, k, dtype=dtype, seed=co)
            b = t(co, dtype=dtype, seed=1) if has_b else None
            snaps = snapshot(x, wt, *([b] if has_b else []))
            with forbid(*CONV_BANS):
                got = P.conv2d(x, wt, b, s_, p)
            close(got, F.conv2d(x, wt, b, s_, p), 1e-5, 1e-5, what=f"conv {n, ci, co, h, w, k, s_, p} {dtype}")
            unchanged(snaps)
        x = t(2, 3, 6, 5, dtype=dtype, seed=3)
        wt = t(2, 3, 3, 3, dtype=dtype, seed=4)
        xn = x.permute(0, 1, 3, 2)
        with forbid(*CONV_BANS):
            got_default, got_nc = P.conv2d(x, wt), P.conv2d(xn, wt)
        close(got_default, F.conv2d(x, wt), 1e-5, 1e-5, what="defaults")
        close(got_nc, F.conv2d(xn, wt), 1e-5, 1e-5, what="non-contiguous")
    x, wt, b = t(2, 2, 5, 6, dtype=F64, seed=1), t(3, 2, 3, 3, dtype=F64, seed=2), t(3, dtype=F64, seed=3)
    compare_grads(lambda u, v, c: P.conv2d(u, v, c, 2, 1), lambda u, v, c: F.conv2d(u, v, c, 2, 1), [x, wt, b], [0, 1, 2])


def chk_cnn_conv_output_size(P, R):
    for n, k, p, s in [(28, 5, 0, 1), (8, 3, 1, 2), (7, 7, 0, 3), (5, 3, 2, 2), (2 ** 52 - 1, 3, 0, 3),
                       (2 ** 53 - 5, 4, 1, 7), (1, 1, 0, 1)]:
        got = P.conv_output_size(n, k, p, s)
        need(type(got) is int and got == R.conv_output_size(n, k, p, s), f"{n, k, p, s}: {got}")
    need(P.conv_output_size(28, 5) == 24, "defaults")


def chk_cnn_max_pool2d(P, R):
    for dtype in (F32, F64):
        for shape, k, s in [((1, 1, 4, 4), 2, None), ((2, 3, 7, 6), 3, 2), ((1, 2, 5, 5), 2, 1), ((2, 1, 9, 8), 3, None),
                            ((1, 1, 3, 3), 3, 3), ((1, 1, 6, 6), 1, None)]:
            x = t(*shape, dtype=dtype, seed=sum(shape))
            snaps = snapshot(x)
            with forbid(*POOL_BANS):
                got = P.max_pool2d(x, k, s) if s is not None else P.max_pool2d(x, k)
            close(got, F.max_pool2d(x, k, s), 0, 0, what=f"{shape} k={k} s={s} {dtype}")
            unchanged(snaps)
        xn = t(2, 3, 6, 8, dtype=dtype, seed=3).transpose(2, 3)
        close(P.max_pool2d(xn, 2, 2), F.max_pool2d(xn, 2, 2), 0, 0, what="non-contiguous")
    x = t(2, 2, 6, 6, dtype=F64, seed=5)
    compare_grads(lambda v: P.max_pool2d(v, 2, 2), lambda v: F.max_pool2d(v, 2, 2), [x], [0])


def chk_cnn_SimpleCNN(P, R):
    for args, c_in, classes in [((), 1, 10), ((3, 2), 2, 3), ((5,), 1, 5)]:
        torch.manual_seed(0)
        m = P.SimpleCNN(*args).to(DEV)
        convs = [x for x in m.modules() if isinstance(x, nn.Conv2d)]
        need(len(convs) >= 2, "at least two nn.Conv2d")
        need(convs[0].out_channels >= 8 and convs[1].out_channels >= 16, "at least 8 and 16 channels")
        for n, h, w in [(1, 8, 8), (4, 28, 28), (2, 13, 11), (3, 8, 20)]:
            y = m(t(n, c_in, h, w, seed=h))
            need(y.shape == (n, classes), f"shape {tuple(y.shape)} for {n, h, w}")
        module_params_get_grads(m, m(t(4, c_in, 8, 8, seed=1)))
    acc = train_digits(P.SimpleCNN(), epochs=6)
    ref = ref_accuracy("cnn", R.SimpleCNN, 6)
    need(acc >= min(0.9, ref - 0.08), f"learns the digits: {acc:.3f} (reference {ref:.3f})")


# ============================================================================================ inception

def _apply_inception_by_shape(block: nn.Module, x, in_ch):
    convs = [m for m in block.modules() if isinstance(m, nn.Conv2d)]
    need(len(convs) == 7, f"seven convolutions, found {len(convs)}")
    need(all(c.bias is not None for c in convs), "every convolution has a bias")
    by = {}
    for c in convs:
        by.setdefault((tuple(c.weight.shape), c.padding), []).append(c)
    one16 = by.get(((16, in_ch, 1, 1), (0, 0)), [])
    five = by.get(((24, 16, 5, 5), (2, 2)), [])
    three_a = by.get(((24, 16, 3, 3), (1, 1)), [])
    three_b = by.get(((24, 24, 3, 3), (1, 1)), [])
    pool = by.get(((24, in_ch, 1, 1), (0, 0)), [])
    need(len(one16) == 3 and len(five) == 1 and len(three_a) == 1 and len(three_b) == 1 and len(pool) == 1,
         "branch structure (weight shapes and paddings)")
    out = block(x)
    need(out.shape == (x.shape[0], 88, x.shape[2], x.shape[3]), f"output shape {tuple(out.shape)}")
    for a, b, c in itertools.permutations(one16):
        expected = torch.cat([a(x), five[0](b(x)), three_b[0](three_a[0](c(x))),
                              pool[0](F.avg_pool2d(x, 3, stride=1, padding=1))], dim=1)
        if torch.allclose(out, expected, rtol=1e-5, atol=1e-5):
            return
    raise CheckFailed("values differ from the lecture's branches concatenated as [b1x1, b5x5, b3x3, bpool]")


def chk_inception_InceptionA(P, R):
    for in_ch in (1, 3, 10, 88):
        torch.manual_seed(0)
        block = P.InceptionA(in_ch).to(DEV)
        for shape in [(2, in_ch, 8, 8), (1, in_ch, 5, 7), (3, in_ch, 1, 1)]:
            with torch.no_grad():
                _apply_inception_by_shape(block, t(*shape, seed=1), in_ch)
        module_params_get_grads(block, block(t(2, in_ch, 6, 6, seed=2)))


def chk_inception_conv_mults(P, R):
    need(P.conv_mults(28, 28, 192, 32, 5) == 120_422_400, "the lecture's 120,422,400")
    need(P.conv_mults(28, 28, 192, 16, 1) + P.conv_mults(28, 28, 16, 32, 5) == 12_443_648, "the bottleneck's 12,443,648")
    rng = random.Random(0)
    for _ in range(50):
        a = [rng.randint(1, 300) for _ in range(4)] + [rng.randint(1, 7)]
        got = P.conv_mults(*a)
        need(type(got) is int and got == R.conv_mults(*a), f"{a}: {got}")


def chk_inception_GoogLeNetMini(P, R):
    for kw, c_in, classes, size in [(dict(), 1, 10, 28), (dict(input_size=8), 1, 10, 8),
                                    (dict(in_channels=3, num_classes=5, input_size=8), 3, 5, 8),
                                    (dict(in_channels=2, num_classes=4, input_size=28), 2, 4, 28)]:
        torch.manual_seed(0)
        m = P.GoogLeNetMini(**kw).to(DEV)
        need(count(m, P.InceptionA) >= 2, "two instances of this module's InceptionA")
        shapes = [tuple(c.weight.shape) for c in m.modules() if isinstance(c, nn.Conv2d)]
        need((10, c_in, 5, 5) in shapes and (20, 88, 5, 5) in shapes, "the 5×5 convolutions in → 10 and 88 → 20")
        for n in (1, 3):
            y = m(t(n, c_in, size, size, seed=n))
            need(y.shape == (n, classes), f"shape {tuple(y.shape)} for input_size {size}")
        module_params_get_grads(m, m(t(2, c_in, size, size, seed=4)))
    acc = train_digits(P.GoogLeNetMini(input_size=8), epochs=4)
    ref = ref_accuracy("inception", lambda: R.GoogLeNetMini(input_size=8), 4)
    need(acc >= min(0.9, ref - 0.08), f"learns the digits: {acc:.3f} (reference {ref:.3f})")


# ============================================================================================ resnet

def chk_resnet_ResidualBlock(P, R):
    for ch in (1, 4, 16):
        torch.manual_seed(0)
        blk = P.ResidualBlock(ch).to(DEV)
        convs = [m for m in blk.modules() if isinstance(m, nn.Conv2d)]
        need(len(convs) == 2, "two convolutions")
        need(all(tuple(c.weight.shape) == (ch, ch, 3, 3) and c.padding == (1, 1) and c.bias is not None
                 for c in convs), "3×3, padding 1, with bias")
        for shape in [(2, ch, 8, 8), (1, ch, 5, 3)]:
            x = t(*shape, seed=ch)
            y = blk(x)
            ok = any(torch.allclose(y, F.relu(x + b(F.relu(a(x)))), rtol=1e-5, atol=1e-6)
                     for a, b in itertools.permutations(convs))
            need(ok, "y = relu(x + conv2(relu(conv1(x))))")
        module_params_get_grads(blk, blk(t(2, ch, 6, 6, seed=3)))
    blk = P.ResidualBlock(3).double().to(DEV)
    x = t(2, 3, 5, 5, dtype=F64, seed=1)
    convs = [m for m in blk.modules() if isinstance(m, nn.Conv2d)]
    form = [lambda v, a=a, b=b: F.relu(v + b(F.relu(a(v)))) for a, b in itertools.permutations(convs)]
    good = [f for f in form if torch.allclose(f(x), blk(x), rtol=1e-12, atol=1e-12)]
    need(len(good) >= 1, "formula in float64")
    compare_grads(blk, good[0], [x], [0])


def chk_resnet_batch_norm(P, R):
    for dtype in (F32, F64):
        for shape in [(8, 3), (4, 5, 3, 3), (2, 1, 4, 4), (16, 2, 1, 1), (3, 6)]:
            for training in (True, False):
                for momentum, eps in ((0.1, 1e-5), (0.3, 1e-3)):
                    C = shape[1]
                    x = t(*shape, dtype=dtype, seed=C) * 2 + 1
                    gamma, beta = t(C, dtype=dtype, seed=1), t(C, dtype=dtype, seed=2)
                    rm, rv = t(C, dtype=dtype, seed=3), t(C, dtype=dtype, low=0.5, high=2.0, seed=4)
                    rm2, rv2 = rm.clone(), rv.clone()
                    ptrs = (rm.data_ptr(), rv.data_ptr())
                    s = snapshot(x, gamma, beta)
                    with forbid((F, "batch_norm"), (torch, "batch_norm"), (nn, "BatchNorm2d"), (nn, "BatchNorm1d"),
                                (F, "instance_norm"), (F, "layer_norm"), (F, "group_norm")):
                        y = P.batch_norm(x, gamma, beta, rm, rv, training, momentum, eps)
                    ry = F.batch_norm(x, rm2, rv2, gamma, beta, training, momentum, eps)
                    close(y, ry, 1e-5 if dtype == F32 else 1e-10, 1e-5 if dtype == F32 else 1e-10,
                          what=f"y {shape} training={training} {dtype}")
                    need((rm.data_ptr(), rv.data_ptr()) == ptrs, "running stats updated in place")
                    close(rm, rm2, 1e-6, 1e-7, what="running_mean")
                    close(rv, rv2, 1e-6, 1e-7, what="running_var")
                    need(not rm.requires_grad and not rv.requires_grad, "running stats stay out of the graph")
                    unchanged(s)
    x = 1e5 + 1e-2 * t(64, 3, dtype=F64, seed=9)
    g, b, rm, rv = torch.ones(3, dtype=F64), torch.zeros(3, dtype=F64), torch.zeros(3, dtype=F64), torch.ones(3, dtype=F64)
    rm2, rv2 = rm.clone(), rv.clone()
    y = P.batch_norm(x, g, b, rm, rv, True)
    close(y, F.batch_norm(x, rm2, rv2, g, b, True), 1e-7, 1e-7, what="large mean, small spread")
    close(rv, rv2, 1e-7, 1e-12, what="running_var at large mean")
    x, g, b = t(6, 3, 2, 2, dtype=F64, seed=1), t(3, dtype=F64, seed=2), t(3, dtype=F64, seed=3)
    for training in (True, False):
        rm, rv = torch.zeros(3, dtype=F64), torch.ones(3, dtype=F64)
        compare_grads(lambda u, v, w: P.batch_norm(u, v, w, rm.clone(), rv.clone(), training),
                      lambda u, v, w: R.batch_norm(u, v, w, rm.clone(), rv.clone(), training), [x, g, b], [0, 1, 2])


def _copy_block(src: nn.Module, dst: nn.Module):
    """Load src's convolutions and batch norms (in registration order) into dst."""
    for kind in (nn.Conv2d, nn.BatchNorm2d):
        a = [m for m in src.modules() if isinstance(m, kind)]
        b = [m for m in dst.modules() if isinstance(m, kind)]
        need(len(a) == len(b), f"number of {kind.__name__}: {len(a)} vs {len(b)}")
        for m, n in zip(a, b):
            need(all(p.shape == q.shape for p, q in zip(m.state_dict().values(), n.state_dict().values())),
                 f"{kind.__name__} shapes")
            n.load_state_dict(m.state_dict())


def chk_resnet_BasicBlock(P, R):
    for cin, cout, stride in [(16, 16, 1), (16, 32, 2), (8, 8, 2), (3, 5, 1), (4, 4, 3)]:
        torch.manual_seed(0)
        blk = P.BasicBlock(cin, cout, stride).to(DEV)
        ref = R.BasicBlock(cin, cout, stride).to(DEV)
        convs = [m for m in blk.modules() if isinstance(m, nn.Conv2d)]
        need(all(c.bias is None for c in convs), "convolutions without bias")
        need(len(convs) == (2 if (stride == 1 and cin == cout) else 3), "identity or projection shortcut")
        for m in blk.modules():
            if isinstance(m, nn.BatchNorm2d):
                with torch.no_grad():
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.5, 0.5)
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)
        _copy_block(blk, ref)
        for h, w in [(8, 8), (7, 5), (1, 1)]:
            x = t(4, cin, h, w, seed=h)
            for train in (True, False):
                blk.train(train)
                ref.train(train)
                y = blk(x)
                need(y.shape == (4, cout, -(-h // stride), -(-w // stride)), f"shape {tuple(y.shape)}")
                close(y, ref(x), 1e-5, 1e-5, what=f"values {cin, cout, stride} {h}x{w} train={train}")
        blk.train()
        module_params_get_grads(blk, blk(t(4, cin, 6, 6, seed=2)))


def chk_resnet_SmallResNet(P, R):
    for args, c_in, classes in [((), 1, 10), ((3, 4), 3, 4)]:
        torch.manual_seed(0)
        m = P.SmallResNet(*args).to(DEV)
        blocks = [x for x in m.modules() if isinstance(x, (P.ResidualBlock, P.BasicBlock))]
        need(len(blocks) >= 2, "at least two residual blocks of this module")
        for n, h, w in [(2, 8, 8), (1, 28, 28), (3, 12, 9)]:
            y = m(t(n, c_in, h, w, seed=h))
            need(y.shape == (n, classes), f"shape {tuple(y.shape)}")
        module_params_get_grads(m, m(t(4, c_in, 8, 8, seed=1)))
    acc = train_digits(P.SmallResNet(), epochs=4)
    ref = ref_accuracy("resnet", R.SmallResNet, 4)
    need(acc >= min(0.9, ref - 0.08), f"learns the digits: {acc:.3f} (reference {ref:.3f})")


# ============================================================================================ rnn

def _cell_weights(kind, inp, hid, dtype, seed):
    torch.manual_seed(seed)
    cell = (nn.RNNCell if kind == "rnn" else nn.GRUCell)(inp, hid).to(DEV, dtype)
    return cell, [cell.weight_ih.detach(), cell.weight_hh.detach(), cell.bias_ih.detach(), cell.bias_hh.detach()]


def _check_cell(Pf, kind, bans):
    for dtype in (F32, F64):
        for batch, inp, hid in [(1, 1, 1), (3, 4, 5), (2, 10, 3), (5, 2, 8)]:
            cell, w = _cell_weights(kind, inp, hid, dtype, batch + inp)
            x, h = t(batch, inp, dtype=dtype, seed=1), t(batch, hid, dtype=dtype, seed=2)
            s = snapshot(x, h, *w)
            with forbid(*bans):
                got = Pf(x, h, *w)
            rt = (1e-5, 1e-5) if dtype == F32 else (1e-10, 1e-12)
            close(got, cell(x, h), *rt, what=f"{kind} {batch, inp, hid} {dtype}")
            unchanged(s)
    cell, w = _cell_weights(kind, 3, 4, F64, 0)
    x, h = t(2, 3, dtype=F64, seed=1), t(2, 4, dtype=F64, seed=2)
    compare_grads(Pf, lambda a, b, c, d, e, f: torch.func.functional_call(
        cell, {"weight_ih": c, "weight_hh": d, "bias_ih": e, "bias_hh": f}, (a, b)), [x, h] + w, [0, 1, 2, 3, 4, 5])


def chk_rnn_rnn_cell(P, R):
    _check_cell(P.rnn_cell, "rnn", [(nn, "RNNCell"), (nn, "RNN"), (torch, "rnn_tanh_cell"), (torch, "rnn_tanh")])


def chk_rnn_gru_cell(P, R):
    _check_cell(P.gru_cell, "gru", [(nn, "GRUCell"), (nn, "GRU"), (torch, "gru_cell"), (torch, "gru")])


def chk_rnn_rnn_forward(P, R):
    bans = [(nn, "RNN"), (nn, "RNNCell"), (torch, "rnn_tanh"), (torch, "rnn_tanh_cell")]
    for dtype in (F32, F64):
        for seq, batch, inp, hid, layers in [(1, 1, 1, 1, 1), (5, 3, 4, 6, 1), (4, 2, 3, 5, 2), (7, 1, 2, 3, 3)]:
            torch.manual_seed(seq)
            rnn = nn.RNN(inp, hid, num_layers=layers).to(DEV, dtype)
            x, h0 = t(seq, batch, inp, dtype=dtype, seed=1), t(layers, batch, hid, dtype=dtype, seed=2)
            params = [tuple(p.detach() for p in ws) for ws in rnn.all_weights]
            s = snapshot(x, h0)
            with forbid(*bans):
                out, hn = P.rnn_forward(x, h0, params)
            rout, rhn = rnn(x, h0)
            rt = (1e-5, 1e-5) if dtype == F32 else (1e-10, 1e-12)
            close(out, rout, *rt, what=f"output {seq, batch, inp, hid, layers} {dtype}")
            close(hn, rhn, *rt, what="h_n")
            unchanged(s)
    torch.manual_seed(0)
    rnn = nn.RNN(3, 4, num_layers=2).double().to(DEV)
    x, h0 = t(4, 2, 3, dtype=F64, seed=1), t(2, 2, 4, dtype=F64, seed=2)
    flat = [p.detach() for ws in rnn.all_weights for p in ws]
    names = [n for ws in rnn._all_weights for n in ws]

    def prog(x_, h_, *ps):
        return P.rnn_forward(x_, h_, [tuple(ps[i:i + 4]) for i in range(0, len(ps), 4)])

    def ref(x_, h_, *ps):
        return torch.func.functional_call(rnn, dict(zip(names, ps)), (x_, h_))
    compare_grads(prog, ref, [x, h0] + flat, list(range(2 + len(flat))))


def chk_rnn_embedding_lookup(P, R):
    for dtype in (F32, F64):
        w = t(7, 3, dtype=dtype, seed=1)
        for idx in [torch.tensor(4), torch.tensor([0, 6, 6, 2]), torch.tensor([[1, 1], [5, 0], [3, 3]]),
                    torch.randint(0, 7, (2, 3, 4))]:
            idx = idx.to(DEV)
            s = snapshot(w, idx)
            with forbid((F, "embedding"), (nn, "Embedding"), (F, "embedding_bag"), (nn, "EmbeddingBag")):
                got = P.embedding_lookup(w, idx)
            close(got, F.embedding(idx, w), 0, 0, what=f"idx shape {tuple(idx.shape)} {dtype}")
            unchanged(s)
    w = t(5, 4, dtype=F64, seed=2)
    idx = torch.tensor([[0, 3, 3], [3, 1, 0]], device=DEV)
    compare_grads(lambda v: P.embedding_lookup(v, idx), lambda v: F.embedding(idx, v), [w], [0])


def chk_rnn_encode_chars(P, R):
    got = P.encode_chars("hello", "ehlo")
    need(got.dtype == torch.int64 and got.tolist() == [1, 0, 2, 2, 3], f"hello/ehlo: {got}")
    for text, vocab in [("ohlol", "ehlo"), ("", "ab"), ("abcabc", ["c", "b", "a"]), ("z", "xyz")]:
        a, b = P.encode_chars(text, vocab), R.encode_chars(text, vocab)
        need(a.dtype == torch.int64 and a.shape == (len(text),) and torch.equal(a, b), f"{text!r}/{vocab!r}: {a}")


def chk_rnn_HelloRNN(P, R):
    for args in [(4, 8), (4, 8, None), (4, 6, 3), (5, 7, 10)]:
        torch.manual_seed(0)
        m = P.HelloRNN(*args).to(DEV)
        v = args[0]
        for seq, batch in [(5, 1), (3, 4), (1, 1)]:
            idx = torch.randint(0, v, (seq, batch), device=DEV)
            y = m(idx)
            need(y.shape == (seq, batch, v), f"shape {tuple(y.shape)} for {args}")
        module_params_get_grads(m, m(torch.randint(0, v, (5, 2), device=DEV)))
    x = R.encode_chars("hello", "ehlo").unsqueeze(1).to(DEV)
    target = R.encode_chars("ohlol", "ehlo").to(DEV)
    learned = 0
    for seed in range(5):
        for args in [(4, 8), (4, 8, 10)]:
            torch.manual_seed(seed)
            m = P.HelloRNN(*args).to(DEV)
            opt = torch.optim.Adam(m.parameters(), lr=0.05)
            for _ in range(150):
                opt.zero_grad()
                loss = F.cross_entropy(m(x).reshape(-1, 4), target)
                loss.backward()
                opt.step()
            learned += int(torch.equal(m(x).reshape(-1, 4).argmax(1), target))
    need(learned >= 9, f"learns hello → ohlol in {learned}/10 runs")


# ============================================================================================ driver

def run_program(folder: str, stubs, refs) -> Dict[str, Any]:
    name = os.path.basename(folder)
    topic = name.split("_")[1]
    result = {"dir": name, "topic": topic, "implemented": [], "failed": {}, "status": "PASS"}
    path = os.path.join(folder, f"{topic}.py")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mod = load_module(path, topic)
    except Exception as e:
        result["status"] = "FAIL"
        result["failed"]["<import>"] = f"{type(e).__name__}: {e}"
        return result
    for ex in EXERCISES[topic]:
        if not implemented(mod, stubs[topic], ex):
            continue
        result["implemented"].append(ex)
        check = globals()[f"chk_{topic}_{ex}"]
        try:
            torch.manual_seed(0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check(mod, refs[topic])
        except Exception as e:
            msg = f"{type(e).__name__}: {e}"
            if not isinstance(e, CheckFailed):
                tb = traceback.extract_tb(e.__traceback__)
                where = [f"{os.path.basename(fr.filename)}:{fr.lineno}" for fr in tb[-3:]]
                msg += f" (at {', '.join(where)})"
            result["failed"][ex] = msg[:600]
    if result["failed"] or not result["implemented"]:
        result["status"] = "FAIL"
    return result


def main() -> int:
    global DEV
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--only", default="")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    DEV = torch.device(args.device)
    torch.set_num_threads(max(1, min(8, os.cpu_count() or 1)))
    stubs = {tp: load_module(os.path.join(MATERIAL, "exercises", f"{tp}.py"), tp) for tp in TOPICS}
    refs = {tp: load_module(os.path.join(MATERIAL, "solutions", f"{tp}.py"), tp) for tp in TOPICS}
    folders = sorted(d for d in os.listdir(BATCH) if os.path.isdir(os.path.join(BATCH, d)) and args.only in d)
    results = []
    print(f"prove.py: torch {torch.__version__}, device {DEV}, {len(folders)} programs")
    for d in folders:
        r = run_program(os.path.join(BATCH, d), stubs, refs)
        results.append(r)
        line = f"{r['status']}  {d}  ({len(r['implemented'])} exercises: {', '.join(r['implemented'])})"
        print(line, flush=True)
        for ex, msg in r["failed"].items():
            print(f"      - {ex}: {msg}", flush=True)
    n_pass = sum(r["status"] == "PASS" for r in results)
    print(f"\nSUMMARY: {n_pass} PASS, {len(results) - n_pass} FAIL, {len(results)} programs")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
