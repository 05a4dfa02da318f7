"""prove.py — check every program in this batch against the reference solutions, in plain torch.

For each folder NN_<topic>_<style>/ the program <topic>.py is imported twice (as a member of a
synthetic package, so relative helper imports work, and as a top-level module with its folder on
sys.path, so absolute helper imports work). Every exercise it implements is checked against
../material/solutions/<topic>.py and torch on inputs the docstrings allow; exercises it leaves
as stubs must be exactly the stub (same AST as ../material/exercises/<topic>.py).
Prints PASS/FAIL per program and a summary.  Usage: python prove.py [folder-substring ...]
"""

from __future__ import annotations

import ast
import contextlib
import copy
import gzip
import importlib.util
import io
import math
import os
import random
import sys
import tempfile
import traceback
import types
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

HERE = os.path.dirname(os.path.abspath(__file__))
MATERIAL = os.path.join(os.path.dirname(HERE), "material")
TOPICS = ["autograd", "cnn", "inception", "losses", "mlp", "optim", "resnet", "rnn", "tensors"]
warnings.filterwarnings("ignore")
torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))


class Fail(AssertionError):
    pass


class OffLimits(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def close(a, b, rtol, atol, msg, equal_nan=False):
    if not isinstance(a, torch.Tensor):
        raise Fail(f"{msg}: not a tensor ({type(a).__name__})")
    check(a.shape == b.shape, f"{msg}: shape {tuple(a.shape)} != {tuple(b.shape)}")
    check(a.dtype == b.dtype, f"{msg}: dtype {a.dtype} != {b.dtype}")
    a64, b64 = a.detach().double(), b.detach().double()
    if not torch.allclose(a64, b64, rtol=rtol, atol=atol, equal_nan=equal_nan):
        diff = (a64 - b64).abs()
        diff = torch.where(torch.isnan(diff), torch.full_like(diff, float("inf")), diff)
        raise Fail(f"{msg}: max |diff| {diff.max().item():.3g} (rtol {rtol}, atol {atol})")


# ----------------------------------------------------------------------------- off-limits
def _target(path):
    obj, name = path.rsplit(".", 1)
    roots = {"torch": torch, "F": F, "nn": nn, "Tensor": torch.Tensor, "init": nn.init,
             "linalg": torch.linalg, "special": torch.special, "fft": torch.fft, "optim": torch.optim}
    head, *rest = obj.split(".")
    o = roots[head]
    for r in rest:
        o = getattr(o, r)
    return o, name


@contextlib.contextmanager
def forbid(*paths):
    saved = []
    for p in paths:
        try:
            obj, name = _target(p)
        except AttributeError:
            continue
        if not hasattr(obj, name):
            continue
        orig = getattr(obj, name)

        def boom(*a, _p=p, **k):
            raise OffLimits(_p)
        saved.append((obj, name, orig))
        setattr(obj, name, boom)
    try:
        yield
    finally:
        for obj, name, orig in reversed(saved):
            setattr(obj, name, orig)


NORMS = ["torch.norm", "linalg.norm", "linalg.vector_norm", "linalg.matrix_norm", "torch.nuclear_norm",
         "torch.cdist", "torch.pdist", "F.pairwise_distance", "torch.dist", "Tensor.norm", "Tensor.dist",
         "F.normalize", "F.rms_norm", "torch.renorm", "linalg.svdvals", "linalg.svd", "torch.svd", "linalg.qr",
         "F.triplet_margin_loss", "F.cosine_similarity"]
MATMULS = ["Tensor.__matmul__", "Tensor.__rmatmul__", "torch.mm", "torch.matmul", "torch.bmm", "torch.einsum",
           "torch.tensordot", "torch.dot", "torch.inner", "torch.vdot", "linalg.vecdot", "torch.mv", "F.linear",
           "torch.addmm", "torch.baddbmm", "torch.addbmm", "torch.addmv", "F.conv1d", "F.conv2d", "F.embedding_bag",
           "Tensor.mm", "Tensor.matmul", "Tensor.bmm", "Tensor.dot", "Tensor.mv", "torch.chain_matmul",
           "linalg.multi_dot", "linalg.matmul"]
SOFTMAXES = ["torch.softmax", "F.softmax", "Tensor.softmax", "torch.log_softmax", "F.log_softmax",
             "Tensor.log_softmax", "torch.logsumexp", "special.logsumexp", "Tensor.logsumexp", "torch.logcumsumexp",
             "torch.logaddexp", "torch.logaddexp2", "F.cross_entropy", "F.scaled_dot_product_attention",
             "special.softmax", "special.log_softmax"]
SIGMOIDS = ["torch.sigmoid", "F.sigmoid", "Tensor.sigmoid", "special.expit", "F.logsigmoid", "F.glu", "F.silu",
            "torch.softmax", "F.softmax", "torch.log_softmax", "F.log_softmax", "F.scaled_dot_product_attention",
            "Tensor.sigmoid_", "torch.sigmoid_"]
RELUS = ["torch.relu", "F.relu", "Tensor.relu", "F.leaky_relu", "F.rrelu", "F.prelu", "F.elu", "F.celu",
         "F.threshold", "F.hardtanh", "F.relu6", "F.softplus", "torch.relu_", "Tensor.relu_", "F.hinge_embedding_loss",
         "F.margin_ranking_loss", "F.multi_margin_loss"]
AUTOGRAD = ["Tensor.backward", "torch.autograd.grad", "torch.autograd.backward"]
CONVS = ["F.conv2d", "torch.conv2d", "F.conv1d", "F.conv3d", "torch.conv1d", "torch.conv3d", "F.conv_transpose2d",
         "torch.convolution", "nn.Conv2d.forward", "F.embedding_bag", "fft.fft2", "fft.rfft2", "fft.fft", "fft.rfft",
         "fft.fftn", "fft.rfftn"]


class OpCounter(TorchFunctionMode):
    def __init__(self):
        super().__init__()
        self.n = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.n += 1
        return func(*args, **(kwargs or {}))


def op_count(fn, *args):
    with OpCounter() as c:
        fn(*args)
    return c.n


def vectorised(fn, small_args, big_args, name):
    a, b = op_count(fn, *small_args), op_count(fn, *big_args)
    check(b <= a, f"{name}: {a} tensor operations on a small input but {b} on a larger one (not vectorised)")


def meta_check(fn, args, name):
    """CPU-only device check: run on 'meta' tensors; anything made on the CPU by default shows up as a device clash."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(*args)
    except Exception as e:  # noqa: BLE001  (meta kernels may be missing: inconclusive unless it is a device clash)
        msg = str(e).lower()
        if "same device" in msg or "two devices" in msg or ("device" in msg and "cpu" in msg and "meta" in msg):
            raise Fail(f"{name}: mixes devices when given meta tensors ({str(e)[:90]})") from None
        return
    outs = out if isinstance(out, (tuple, list)) else (out,)
    for o in outs:
        if isinstance(o, torch.Tensor) and o.device.type != "meta":
            raise Fail(f"{name}: result on {o.device} for meta inputs")


def META(*shape, dtype=torch.float32):
    return torch.empty(shape, dtype=dtype, device="meta")


def rng(seed=0):
    return torch.Generator().manual_seed(seed)


def randn(*shape, dtype=torch.float64, seed=None, g=None):
    return torch.randn(*shape, dtype=dtype, generator=g)


G = torch.Generator().manual_seed(1234)


def R(*shape, dtype=torch.float64, scale=1.0):
    return torch.randn(tuple(shape), generator=G, dtype=torch.float64).mul(scale).to(dtype)


# ----------------------------------------------------------------------------- tensors
def t_add_into(m, ref):
    for dt in (torch.float32, torch.float64):
        for shape in [(3, 4), (5,), (1, 1, 2)]:
            x, y, z = R(*shape, dtype=dt), R(*shape, dtype=dt), R(*shape, dtype=dt)
            x0, y0, ptr = x.clone(), y.clone(), z.data_ptr()
            out = m.add_into(z, x, y)
            check(out is z, "add_into must return z itself")
            check(z.data_ptr() == ptr, "z's storage changed")
            close(z, x + y, 0, 0, "add_into values")
            check(torch.equal(x, x0) and torch.equal(y, y0), "inputs modified")
        x = R(4, dtype=dt)
        z = torch.zeros(4, dtype=dt)
        m.add_into(z, x, x)
        close(z, 2 * x, 0, 0, "add_into with x is y")


def t_row_normalize(m, ref):
    for dt in (torch.float32, torch.float64):
        for shape in [(1, 1), (3, 5), (40, 7)]:
            x = R(*shape, dtype=dt).abs() + 0.01
            x0 = x.clone()
            close(m.row_normalize(x), ref.row_normalize(x), 1e-5 if dt == torch.float32 else 1e-12, 1e-7,
                  f"row_normalize {shape}")
            check(torch.equal(x, x0), "row_normalize modified x")
        xt = (R(6, 4, dtype=dt).abs() + 0.1).T
        close(m.row_normalize(xt), ref.row_normalize(xt), 1e-5, 1e-7, "row_normalize on x.T")
    vectorised(m.row_normalize, (R(3, 4).abs() + 1,), (R(300, 40).abs() + 1,), "row_normalize")


def t_pairwise_sq_dists(m, ref):
    with forbid(*NORMS):
        for dt in (torch.float32, torch.float64):
            for n, mm, d in [(1, 1, 1), (4, 6, 3), (50, 30, 16), (300, 200, 40), (700, 700, 40)]:
                a, b = R(n, d, dtype=dt, scale=2.0), R(mm, d, dtype=dt) + 0.5
                got = m.pairwise_sq_dists(a, b)
                want = ref.pairwise_sq_dists(a.double(), b.double())
                check(got.shape == (n, mm) and got.dtype == dt, f"pairwise shape/dtype {tuple(got.shape)} {got.dtype}")
                tol = 1e-5 * ((a.double() ** 2).sum(1)[:, None] + (b.double() ** 2).sum(1)[None, :]) + 1e-30
                check(bool(((got.double() - want).abs() <= tol).all()), f"pairwise values off ({n},{mm},{d},{dt})")
            a = R(7, 5, dtype=dt)
            got = m.pairwise_sq_dists(a, a)
            tol = 1e-5 * 2 * (a.double() ** 2).sum(1)
            check(bool((got.diagonal().double().abs() <= tol).all()), "pairwise(a, a) diagonal not ~0")
            at, bt = R(5, 6, dtype=dt).T, R(5, 4, dtype=dt).T
            got = m.pairwise_sq_dists(at, bt)
            want = ref.pairwise_sq_dists(at.double(), bt.double())
            check(torch.allclose(got.double(), want, rtol=1e-4, atol=1e-4), "pairwise on transposed views")
    vectorised(m.pairwise_sq_dists, (R(3, 2), R(4, 2)), (R(60, 8), R(50, 8)), "pairwise_sq_dists")


def t_one_hot(m, ref):
    with forbid("F.one_hot", "F.nll_loss"):
        for n, c in [(1, 2), (7, 3), (50, 10)]:
            labels = torch.randint(0, c, (n,), generator=G)
            got = m.one_hot(labels, c)
            close(got, ref.one_hot(labels, c), 0, 0, "one_hot")


def t_accuracy(m, ref):
    for n, c in [(1, 2), (10, 3), (100, 5)]:
        scores = torch.randint(0, 3, (n, c), generator=G).double()      # many ties
        y = torch.randint(0, c, (n,), generator=G)
        got = m.accuracy(scores, y)
        check(type(got) is float, f"accuracy returned {type(got).__name__}, not float")
        check(abs(got - ref.accuracy(scores, y)) < 1e-6, "accuracy (scores, ties to first)")
        labels = torch.randint(0, c, (n,), generator=G)
        check(abs(m.accuracy(labels, y) - ref.accuracy(labels, y)) < 1e-6, "accuracy (labels)")
        check(abs(m.accuracy(scores.float(), y) - ref.accuracy(scores.float(), y)) < 1e-6, "accuracy float32")


def t_flatten_batch(m, ref):
    for shape in [(1, 1, 28, 28), (4, 3, 5, 2), (2, 1, 1, 1)]:
        x = R(*shape)
        close(m.flatten_batch(x), ref.flatten_batch(x), 0, 0, f"flatten_batch {shape}")


def t_fill_nan_with_column_mean(m, ref):
    for dt in (torch.float32, torch.float64):
        for n, d in [(1, 1), (5, 3), (40, 6)]:
            x = R(n, d, dtype=dt)
            mask = torch.rand(n, d, generator=G) < 0.3
            mask[0] = False
            x[mask] = float("nan")
            x0 = x.clone()
            got = m.fill_nan_with_column_mean(x)
            close(got, ref.fill_nan_with_column_mean(x), 1e-6, 1e-7, "fill_nan values")
            check(torch.equal(torch.isnan(x), torch.isnan(x0)) and torch.allclose(x, x0, equal_nan=True),
                  "fill_nan modified x")
        xt = R(4, 6, dtype=dt)
        xt[1, 2] = float("nan")
        close(m.fill_nan_with_column_mean(xt.T), ref.fill_nan_with_column_mean(xt.T), 1e-6, 1e-7, "fill_nan on x.T")


def t_matmul(m, ref):
    with forbid(*MATMULS, *NORMS):
        for dt in (torch.float32, torch.float64):
            for n, k, mm in [(1, 1, 1), (3, 4, 5), (20, 30, 10)]:
                a, b = R(n, k, dtype=dt), R(k, mm, dtype=dt)
                got = m.matmul(a, b)
                want = (a.double()[:, :, None] * b.double()[None]).sum(1).to(dt)
                close(got, want, 1e-5 if dt == torch.float32 else 1e-12, 1e-5 if dt == torch.float32 else 1e-12,
                      f"matmul {n}x{k}x{mm}")
            a = R(6, 6, dtype=dt)
            close(m.matmul(a, a), (a.double()[:, :, None] * a.double()[None]).sum(1).to(dt), 1e-5, 1e-5,
                  "matmul(a, a)")
            at = R(5, 4, dtype=dt).T
            close(m.matmul(at, at.T.contiguous()), (at.double()[:, :, None] * at.T.double()[None]).sum(1).to(dt),
                  1e-5, 1e-5, "matmul on x.T")
    vectorised(m.matmul, (R(2, 3), R(3, 2)), (R(40, 30), R(30, 20)), "matmul")


def t_norms(m, ref):
    with forbid(*NORMS, "torch.var", "torch.std", "Tensor.var", "Tensor.std", "F.l1_loss", "F.mse_loss",
                "F.smooth_l1_loss", "F.huber_loss", "F.batch_norm", "F.layer_norm", "F.instance_norm",
                "F.group_norm", "torch.var_mean", "torch.std_mean"):
        for dt in (torch.float32, torch.float64):
            for shape in [(), (5,), (3, 4), (2, 3, 4)]:
                x = R(*shape, dtype=dt)
                l1, l2 = m.norms(x)
                r1, r2 = ref.norms(x)
                close(l1, r1, 1e-6, 1e-7, f"L1 {shape}")
                close(l2, r2, 1e-6, 1e-7, f"L2 {shape}")
                check(l1.dim() == 0 and l2.dim() == 0, "norms must be 0-dim")


# ----------------------------------------------------------------------------- autograd
def t_linear_grad(m, ref):
    with forbid(*AUTOGRAD):
        for dt in (torch.float32, torch.float64):
            w, x, y = R(dtype=dt), R(20, dtype=dt), R(20, dtype=dt)
            close(m.linear_grad(w, x, y), ref.linear_grad(w, x, y), 1e-6 if dt == torch.float32 else 1e-7, 1e-7,
                  "linear_grad")
        x = R(30, scale=1e4)
        w = torch.tensor(1.7, dtype=torch.float64)
        y = w * x + R(30, scale=1e-6)
        close(m.linear_grad(w, x, y), ref.linear_grad(w, x, y), 1e-7, 0, "linear_grad near w·x = y, large x")


def t_quadratic_grads(m, ref):
    with forbid(*AUTOGRAD):
        for dt in (torch.float32, torch.float64):
            args = [R(dtype=dt), R(dtype=dt), R(dtype=dt), R(15, dtype=dt), R(15, dtype=dt)]
            got, want = m.quadratic_grads(*args), ref.quadratic_grads(*args)
            check(len(got) == 3, "quadratic_grads must return three tensors")
            for g, wv, name in zip(got, want, ("w1", "w2", "b")):
                close(g, wv, 1e-5 if dt == torch.float32 else 1e-7, 1e-7, f"dL/d{name}")
                check(g.dim() == 0, "0-dim results expected")


def t_grad_of_vector_fn(m, ref):
    fns = [lambda t: t ** 3 * 2 + t.sin(), lambda t: (t * t).sum(dim=-1), lambda t: t.reshape(-1)[:2] * 5,
           lambda t: t.exp().cumsum(0)]
    for dt in (torch.float32, torch.float64):
        for f in fns:
            x = R(3, 4, dtype=dt).requires_grad_(True)
            x.grad = torch.ones_like(x)
            x0 = x.detach().clone()
            got = m.grad_of_vector_fn(f, x)
            close(got, ref.grad_of_vector_fn(f, x), 1e-6, 1e-7, "grad_of_vector_fn")
            check(x.requires_grad and torch.equal(x.detach(), x0) and torch.equal(x.grad, torch.ones_like(x)),
                  "caller's x changed")
        x = R(5, dtype=dt)
        got = m.grad_of_vector_fn(fns[0], x)
        check(not x.requires_grad and x.grad is None, "x without grad got touched")
        close(got, ref.grad_of_vector_fn(fns[0], x), 1e-6, 1e-7, "grad_of_vector_fn (x without grad)")


def t_detach_grad(m, ref):
    for dt in (torch.float32, torch.float64):
        for shape in [(), (4,), (2, 3)]:
            x = R(*shape, dtype=dt)
            x0 = x.clone()
            got = m.detach_grad(x)
            close(got, x0 * x0, 1e-6, 1e-7, f"detach_grad {shape}")
            check(torch.equal(x, x0) and x.grad is None and not x.requires_grad, "x touched")
        x = R(3, dtype=dt).requires_grad_()
        close(m.detach_grad(x), (x * x).detach(), 1e-6, 1e-7, "detach_grad with x requiring grad")
        check(x.grad is None, "x.grad touched")


def t_Sigmoid(m, ref):
    S = m.Sigmoid
    check(issubclass(S, torch.autograd.Function), "Sigmoid must be an autograd.Function")
    with forbid(*SIGMOIDS, "Tensor.backward", "torch.autograd.grad"):
        x = torch.tensor([-1000.0, -745.0, -700.0, -100.0, -37.5, -5.0, -1e-8, 0.0, 1e-8, 3.0, 40.0, 100.0, 700.0,
                          1000.0], dtype=torch.float64)
        out = S.apply(x)
    want = torch.sigmoid(x)
    check(torch.isfinite(out).all(), "Sigmoid not finite")
    nz = want > 0
    check(torch.allclose(out[nz], want[nz], rtol=1e-7, atol=0), "Sigmoid float64 values (tails, rtol 1e-7)")
    check(bool((out[~nz] == 0).all() | (out[~nz] < 1e-320).all()), "Sigmoid where torch gives 0")
    x32 = torch.linspace(-120, 120, 241)
    with forbid(*SIGMOIDS):
        out32 = S.apply(x32)
    close(out32, torch.sigmoid(x32), 1e-5, 1e-7, "Sigmoid float32")
    xg = R(12, scale=3).requires_grad_()
    with forbid(*SIGMOIDS):
        y = S.apply(xg)
        y.backward(torch.arange(12, dtype=torch.float64))
    s = torch.sigmoid(xg.detach())
    close(xg.grad, torch.arange(12, dtype=torch.float64) * s * (1 - s), 1e-7, 1e-12, "Sigmoid backward")
    xb = torch.tensor([-1000.0, 1000.0], dtype=torch.float64, requires_grad=True)
    with forbid(*SIGMOIDS):
        S.apply(xb).sum().backward()
    check(torch.isfinite(xb.grad).all(), "Sigmoid gradient not finite at ±1000")
    check(torch.autograd.gradcheck(S.apply, (R(6, scale=2).requires_grad_(),)), "gradcheck")


def t_numerical_grad(m, ref):
    cases = [(lambda t: (t ** 2).sum() * 3, lambda t: 6 * t),
             (lambda t: t.sin().sum(), lambda t: t.cos()),
             (lambda t: float((t ** 3).sum()), lambda t: 3 * t ** 2),
             (lambda t: t.reshape(-1)[0] * 2, None)]
    for dt, atol in ((torch.float64, 1e-5), (torch.float32, 5e-2)):
        for f, df in cases:
            for shape in [(), (3,), (2, 3)]:
                x = R(*shape, dtype=dt)
                x0 = x.clone()
                got = m.numerical_grad(f, x, 1e-6 if dt == torch.float64 else 1e-2)
                check(torch.equal(x, x0), "numerical_grad did not restore x")
                check(got.shape == x.shape and got.dtype == dt, f"numerical_grad shape/dtype {got.shape} {got.dtype}")
                if df is None:
                    want = torch.zeros_like(x).reshape(-1)
                    want[0] = 2
                    want = want.reshape(x.shape)
                else:
                    want = df(x0)
                check(torch.allclose(got.double(), want.double(), atol=atol, rtol=1e-4), "numerical_grad values")
    x = R(4)
    close(m.numerical_grad(cases[1][0], x), ref.numerical_grad(cases[1][0], x.clone()), 1e-3, 1e-3,
          "numerical_grad default eps (float64)")


def t_Value(m, ref):
    V = m.Value
    v = V(2)
    check(type(v.data) is float and v.data == 2.0, "Value(2).data must be the float 2.0")
    check(type(v.grad) is float and v.grad == 0.0, "grad must start as the float 0.0")
    pyr = random.Random(7)
    for trial in range(40):
        depth = 500 if trial < 4 else pyr.randint(3, 60)
        leaves_v = [V(pyr.uniform(-1.5, 1.5)) for _ in range(4)]
        leaves_t = [torch.tensor(l.data, dtype=torch.float64, requires_grad=True) for l in leaves_v]
        nodes = list(zip(leaves_v, leaves_t))
        for _ in range(depth):
            (a, at), (b, bt) = pyr.choice(nodes), pyr.choice(nodes[-6:])
            op = pyr.randrange(13)
            c = pyr.uniform(0.5, 2.0)
            if op == 0:
                r = (a + b, at + bt)
            elif op == 1:
                r = (a - b, at - bt)
            elif op == 2:
                r = (a * b, at * bt)
            elif op == 3:
                r = (a / (b * b + 1.0), at / (bt * bt + 1.0))
            elif op == 4:
                r = (c + a, c + at)
            elif op == 5:
                r = (c - a, c - at)
            elif op == 6:
                r = (c * a, c * at)
            elif op == 7:
                r = (c / (a * a + 1), c / (at * at + 1))
            elif op == 8:
                r = (-a, -at)
            elif op == 9:
                r = (a.tanh(), at.tanh())
            elif op == 10:
                r = ((a * 0.1).exp(), (at * 0.1).exp())
            elif op == 11:
                r = (a.relu(), at.relu())
            else:
                r = ((a * a + 0.5) ** 1.5, (at * at + 0.5) ** 1.5)
            if abs(r[0].data) > 1e6:
                continue
            nodes.append(r)
        out_v, out_t = nodes[-1]
        out_v = out_v + nodes[-2][0] * 0.5 + leaves_v[0]
        out_t = out_t + nodes[-2][1] * 0.5 + leaves_t[0]
        check(abs(out_v.data - out_t.item()) <= 1e-9 * max(1.0, abs(out_t.item())), f"Value forward (trial {trial})")
        out_v.backward()
        out_t.backward()
        for lv, lt in zip(leaves_v, leaves_t):
            g = lt.grad.item() if lt.grad is not None else 0.0
            check(abs(lv.grad - g) <= 1e-8 * max(1.0, abs(g)), f"Value grad {lv.grad} vs torch {g} (trial {trial})")
    z = V(0.0).relu()
    a = V(0.0)
    y = a.relu()
    y.backward()
    check(a.grad == 0.0, "relu'(0) must be 0")
    q = V(3.0)
    w = q * q + q
    w.backward()
    check(abs(q.grad - 7.0) < 1e-12, "a node used twice must accumulate")
    check(abs((2 * V(3.0)).data - 6) < 1e-12 and abs((1 - V(3.0)).data + 2) < 1e-12 and abs((3 / V(2.0)).data - 1.5) < 1e-12,
          "numbers on the left")


# ----------------------------------------------------------------------------- losses
REG_LOSSES = ["F.mse_loss", "F.l1_loss", "F.huber_loss", "F.smooth_l1_loss", "F.gaussian_nll_loss",
              "nn.MSELoss.forward", "nn.L1Loss.forward", "nn.HuberLoss.forward", "nn.SmoothL1Loss.forward"]


def _grad_check(fn, truth, inputs, msg, rtol=1e-7, atol=1e-12, ban=()):
    """fn runs with the `ban` functions off limits; truth runs outside (it may use them)."""
    ins = [i.detach().clone().requires_grad_(True) for i in inputs]
    ins2 = [i.detach().clone().requires_grad_(True) for i in inputs]
    with forbid(*ban):
        out = fn(*ins)
    out2 = truth(*ins2)
    gw = torch.randn(out2.shape, generator=G, dtype=out2.dtype)
    g1 = torch.autograd.grad(out, ins, gw, allow_unused=True)
    g2 = torch.autograd.grad(out2, ins2, gw, allow_unused=True)
    for a, b, k in zip(g1, g2, range(9)):
        b = torch.zeros_like(ins2[k]) if b is None else b
        check(a is not None, f"{msg}: no gradient reaches input {k}")
        close(a, b, rtol, atol, f"{msg}: gradient of input {k}")


def t_mse(m, ref):
    _regression(m.mse, F.mse_loss, "mse")


def t_l1(m, ref):
    _regression(m.l1, F.l1_loss, "l1")


def _regression(fn, truth, name):
    for dt, rt in ((torch.float32, 1e-5), (torch.float64, 1e-7)):
        for shape in [(), (5,), (3, 4), (2, 3, 4)]:
            a, b = R(*shape, dtype=dt), R(*shape, dtype=dt)
            for red in ("mean", "sum", "none"):
                want = truth(a, b, reduction=red)
                with forbid(*REG_LOSSES, *NORMS):
                    got = fn(a, b, reduction=red)
                close(got, want, rt, 1e-6 if dt == torch.float32 else 0, f"{name} {shape} {red}")
            with forbid(*REG_LOSSES, *NORMS):
                got = fn(a, b)
            close(got, truth(a, b), rt, 1e-6, f"{name} default reduction")
        a = R(4, 3, dtype=dt)
        with forbid(*REG_LOSSES, *NORMS):
            g1, g2 = fn(a, a), fn(a.T, a.T + 1)
        close(g1, truth(a, a), rt, 1e-7, f"{name}(a, a)")
        close(g2, truth(a.T, a.T + 1), rt, 1e-6, f"{name} on x.T")
    a, b = R(4, 5), R(4, 5)
    for red in ("mean", "sum", "none"):
        _grad_check(lambda x, y: fn(x, y, reduction=red), lambda x, y: truth(x, y, reduction=red), [a, b],
                    f"{name} grad {red}", ban=REG_LOSSES + NORMS)
    h = R(6, dtype=torch.float16)
    with forbid(*REG_LOSSES, *NORMS):
        got = fn(h, h * 0.5)
    close(got, truth(h.float(), (h * 0.5).float()).half(), 1e-2, 1e-3, f"{name} float16")


def t_huber(m, ref):
    for dt, rt in ((torch.float32, 1e-5), (torch.float64, 1e-7)):
        for delta in (0.3, 1.0, 2.5):
            for shape in [(7,), (3, 4)]:
                a, b = R(*shape, dtype=dt, scale=2), R(*shape, dtype=dt)
                with forbid(*REG_LOSSES):
                    got = m.huber(a, b, delta=delta)
                close(got, F.huber_loss(a, b, delta=delta), rt, 1e-6 if dt == torch.float32 else 0, f"huber δ={delta}")
        a = R(3, 4, dtype=dt)
        with forbid(*REG_LOSSES):
            got = m.huber(a, a + 0.1)
        close(got, F.huber_loss(a, a + 0.1), rt, 1e-7, "huber default delta")
    big = torch.tensor([1e200, -1e200, 0.5, 3.0], dtype=torch.float64)
    with forbid(*REG_LOSSES):
        got = m.huber(big, torch.zeros_like(big), delta=1.0)
    close(got, F.huber_loss(big, torch.zeros_like(big), delta=1.0), 1e-7, 0, "huber where d² overflows")
    a, b = R(5, 3) * 2, R(5, 3)
    _grad_check(lambda x, y: m.huber(x, y, delta=0.7), lambda x, y: F.huber_loss(x, y, delta=0.7), [a, b], "huber grad",
                ban=REG_LOSSES)


def t_sigmoid(m, ref):
    x = torch.tensor([-1000.0, -700.0, -100.0, -30.0, -2.0, -1e-5, 1e-5, 0.5, 20.0, 100.0, 700.0, 1000.0],
                     dtype=torch.float64)
    with forbid(*SIGMOIDS, "F.multi_head_attention_forward", *AUTOGRAD):
        got = m.sigmoid(x)
    want = torch.sigmoid(x)
    nz = want > 0
    check(torch.allclose(got[nz], want[nz], rtol=1e-7, atol=0), "sigmoid float64 (tails count)")
    for dt, rt, at in ((torch.float32, 1e-5, 1e-6), (torch.float16, 1e-2, 1e-3)):
        xx = torch.linspace(-120, 120, 97, dtype=torch.float64).to(dt)
        with forbid(*SIGMOIDS):
            got = m.sigmoid(xx)
        close(got, torch.sigmoid(xx.double()).to(dt), rt, at, f"sigmoid {dt}")
    xg = torch.tensor([-1000.0, -50.0, -3.0, -0.7, 0.4, 2.0, 60.0, 1000.0], dtype=torch.float64, requires_grad=True)
    with forbid(*SIGMOIDS, *AUTOGRAD):
        y = m.sigmoid(xg)
    (g,) = torch.autograd.grad(y.sum(), xg)
    check(torch.isfinite(g).all(), "sigmoid gradient not finite")
    s = torch.sigmoid(xg.detach())
    e = torch.exp(-xg.detach().abs())
    close(g[1:-1], (e / (1 + e) ** 2)[1:-1], 1e-7, 1e-300, "sigmoid gradient (exact σ' = e^-|x|/(1+e^-|x|)²)")
    xs = R(3, 4).T
    with forbid(*SIGMOIDS):
        got = m.sigmoid(xs)
    close(got, torch.sigmoid(xs), 1e-7, 0, "sigmoid on x.T")


def t_bce(m, ref):
    for dt, rt in ((torch.float32, 1e-5), (torch.float64, 1e-7)):
        p = torch.rand(40, generator=G, dtype=torch.float64).to(dt)
        p[:3] = torch.tensor([0.0, 1.0, 0.5])
        y = torch.rand(40, generator=G, dtype=torch.float64).to(dt)
        y[3:8] = torch.tensor([0.0, 1.0, 0.0, 1.0, 1.0])
        with forbid("F.binary_cross_entropy", "F.cross_entropy", "F.nll_loss", "F.binary_cross_entropy_with_logits",
                    "nn.BCELoss.forward"):
            got = m.bce(p, y)
        close(got, F.binary_cross_entropy(p, y), 1e-5, 0, f"bce {dt}")
        p2, y2 = torch.rand(3, 4, generator=G).to(dt), (torch.rand(3, 4, generator=G) > 0.5).to(dt)
        with forbid("F.binary_cross_entropy"):
            got = m.bce(p2, y2)
        close(got, F.binary_cross_entropy(p2, y2), 1e-5, 0, "bce 2-D")
    p, y = torch.rand(6, generator=G, dtype=torch.float64) * 0.9 + 0.05, torch.rand(6, generator=G, dtype=torch.float64)
    _grad_check(m.bce, F.binary_cross_entropy, [p, y], "bce grad", ban=["F.binary_cross_entropy"])


def t_bce_with_logits(m, ref):
    ban = ["F.binary_cross_entropy_with_logits", "F.multilabel_soft_margin_loss", "F.soft_margin_loss",
           "F.cross_entropy", "F.nll_loss", "nn.BCEWithLogitsLoss.forward"]
    for dt, rt in ((torch.float32, 1e-5), (torch.float64, 1e-7)):
        z = R(50, dtype=dt, scale=5)
        z[:4] = torch.tensor([1000.0, -1000.0, 500.0, -300.0])
        y = torch.rand(50, generator=G, dtype=torch.float64).to(dt)
        with forbid(*ban):
            got = m.bce_with_logits(z, y)
        close(got, F.binary_cross_entropy_with_logits(z, y), rt, 8 * torch.finfo(dt).eps * 1000, f"bce_with_logits {dt}")
        z2 = R(4, 3, dtype=dt)
        y2 = (torch.rand(4, 3, generator=G) > 0.5).to(dt)
        with forbid(*ban):
            got = m.bce_with_logits(z2, y2)
        close(got, F.binary_cross_entropy_with_logits(z2, y2), rt, 1e-7, "bce_with_logits 2-D")
    z = torch.tensor([40.0, -40.0, 45.0], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    with forbid(*ban):
        got = m.bce_with_logits(z, y)
    want = (y * torch.log1p(torch.exp(-z)) + (1 - y) * torch.log1p(torch.exp(z))).mean()
    check(got.item() > 0 and abs(got.item() - want.item()) <= 0.75 * want.item(), "bce_with_logits float64 tails")
    z, y = R(6, scale=3), torch.rand(6, generator=G, dtype=torch.float64)
    _grad_check(m.bce_with_logits, F.binary_cross_entropy_with_logits, [z, y], "bce_with_logits grad", ban=ban)


def _softmax_like(fn, truth, name):
    for dt, rt in ((torch.float32, 1e-5), (torch.float64, 1e-7)):
        for shape, dim in [((5,), 0), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), -2), ((4, 100), 1),
                           ((2, 1), 1)]:
            x = R(*shape, dtype=dt, scale=3)
            with forbid(*SOFTMAXES):
                got = fn(x, dim=dim)
            close(got, truth(x, dim=dim), rt, 1e-6 if dt == torch.float32 else 1e-300, f"{name} {shape} dim={dim}")
        x = R(4, 6, dtype=dt, scale=1000)
        x[0] = 1000.0
        with forbid(*SOFTMAXES):
            got = fn(x, dim=1)
        check(torch.isfinite(got).all(), f"{name} not finite at ±1000")
        close(got, truth(x, dim=1), rt, 8 * torch.finfo(dt).eps * 1000, f"{name} at ±1000")
        with forbid(*SOFTMAXES):
            got = fn(x)
        close(got, truth(x, dim=-1), rt, 8 * torch.finfo(dt).eps * 1000, f"{name} default dim")
    xh = R(3, 7, dtype=torch.float16, scale=2)
    with forbid(*SOFTMAXES):
        got = fn(xh, dim=-1)
    close(got, truth(xh.float(), dim=-1).half(), 1e-2, 1e-3, f"{name} float16")
    xg = R(3, 5, scale=2)
    _grad_check(lambda t: fn(t, dim=1), lambda t: truth(t, dim=1), [xg], f"{name} grad", 1e-7, 1e-12, ban=SOFTMAXES)
    _grad_check(lambda t: fn(t, dim=0), lambda t: truth(t, dim=0), [xg.T], f"{name} grad dim 0 on x.T", 1e-7, 1e-12,
                ban=SOFTMAXES)


def t_softmax(m, ref):
    _softmax_like(m.softmax, torch.softmax, "softmax")


def t_log_softmax(m, ref):
    _softmax_like(m.log_softmax, torch.log_softmax, "log_softmax")


def t_cross_entropy(m, ref):
    ban = ["F.cross_entropy", "F.nll_loss", "F.log_softmax", "torch.log_softmax", "Tensor.log_softmax",
           "nn.CrossEntropyLoss.forward", "F.ctc_loss", "F.kl_div"]
    for dt, rt in ((torch.float32, 1e-5), (torch.float64, 1e-7)):
        for n, c in [(1, 2), (5, 3), (20, 10)]:
            logits = R(n, c, dtype=dt, scale=3)
            tgt = torch.randint(0, c, (n,), generator=G)
            with forbid(*ban):
                got = m.cross_entropy(logits, tgt)
            close(got, F.cross_entropy(logits, tgt), rt, 1e-7, f"cross_entropy indices {n}x{c}")
            probs = torch.softmax(R(n, c, dtype=dt), dim=1)
            with forbid(*ban):
                got = m.cross_entropy(logits, probs)
            close(got, F.cross_entropy(logits, probs), rt, 1e-7, f"cross_entropy probabilities {n}x{c}")
            onehot = F.one_hot(tgt, c)
            with forbid(*ban):
                got = m.cross_entropy(logits, onehot)
            close(got, F.cross_entropy(logits, tgt), rt, 1e-7, "cross_entropy int64 one-hot")
        big = R(4, 5, dtype=dt, scale=1000)
        tgt = torch.randint(0, 5, (4,), generator=G)
        with forbid(*ban):
            got = m.cross_entropy(big, tgt)
        close(got, F.cross_entropy(big, tgt), rt, 8 * torch.finfo(dt).eps * 1000 * 2, "cross_entropy at ±1000")
    sq = R(4, 4)
    tg = torch.randint(0, 4, (4,), generator=G)
    _grad_check(lambda t: m.cross_entropy(t, tg), lambda t: F.cross_entropy(t, tg), [sq], "cross_entropy grad", ban=ban)
    pr = torch.softmax(R(4, 4), 1)
    _grad_check(lambda t, p: m.cross_entropy(t, p), lambda t, p: F.cross_entropy(t, p), [sq, pr],
                "cross_entropy grad (probabilities)", ban=ban)


def t_entropy(m, ref):
    for dt, rt in ((torch.float32, 1e-5), (torch.float64, 1e-7)):
        for shape in [(4,), (3, 5), (2, 3, 4)]:
            p = torch.softmax(R(*shape, dtype=dt, scale=2), -1)
            p.reshape(-1, shape[-1])[0, 0] = 0.0
            with forbid("special.entr", "F.kl_div", "F.cross_entropy"):
                got = m.entropy(p)
            close(got, torch.special.entr(p).sum(-1), rt, 1e-7, f"entropy {shape}")
    p = torch.softmax(R(3, 4), -1)
    _grad_check(m.entropy, lambda t: torch.special.entr(t).sum(-1), [p], "entropy grad", ban=["special.entr", "F.kl_div"])


def t_kl_div(m, ref):
    for dt, rt in ((torch.float32, 1e-5), (torch.float64, 1e-7)):
        for shape in [(4,), (3, 5), (2, 3, 4)]:
            p = torch.softmax(R(*shape, dtype=dt, scale=2), -1)
            q = torch.softmax(R(*shape, dtype=dt, scale=2), -1)
            p.reshape(-1, shape[-1])[0, 0] = 0.0
            want = torch.where(p > 0, p * (p.log() - q.log()), torch.zeros_like(p)).sum(-1)
            with forbid("F.kl_div", "special.entr", "F.cross_entropy"):
                got = m.kl_div(p, q)
            close(got, want, rt, 1e-7, f"kl_div {shape}")
            with forbid("F.kl_div"):
                check(torch.allclose(m.kl_div(p, p).double(), torch.zeros(shape[:-1], dtype=torch.float64), atol=1e-6),
                      "kl_div(p, p) != 0")
        p = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], dtype=dt)
        q = torch.tensor([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], dtype=dt)
        with forbid("F.kl_div"):
            got = m.kl_div(p, q)
        check(math.isinf(got[0].item()) and got[0].item() > 0 and abs(got[1].item()) < 1e-6, "kl_div inf where q = 0 < p")
    p, q = torch.softmax(R(3, 4), -1), torch.softmax(R(3, 4), -1)
    _grad_check(m.kl_div, lambda a, b: (a * (a.log() - b.log())).sum(-1), [p, q], "kl_div grad", ban=["F.kl_div"])


# ----------------------------------------------------------------------------- mlp
def t_relu(m, ref):
    for dt, rt, at in ((torch.float32, 1e-5, 1e-6), (torch.float64, 1e-7, 0), (torch.float16, 1e-2, 1e-3)):
        x = torch.cat([R(50, scale=3), torch.tensor([-1000.0, 1000.0, 0.0, -1e-30, 1e-30])]).to(dt)
        with forbid(*RELUS, "nn.ReLU.forward"):
            got = m.relu(x)
        close(got, torch.relu(x), rt, at, f"relu {dt}")
    xg = R(10)
    xg[xg.abs() < 0.05] = 0.3
    _grad_check(m.relu, torch.relu, [xg], "relu grad", ban=RELUS)
    xt = R(3, 4).T
    with forbid(*RELUS):
        got = m.relu(xt)
    close(got, torch.relu(xt), 0, 0, "relu on x.T")


def t_tanh(m, ref):
    ban = ["torch.tanh", "F.tanh", "Tensor.tanh", "nn.Tanh.forward", "torch.tan", "F.mish", "F.gelu",
           "nn.GELU.forward", *AUTOGRAD, "torch.tanh_", "Tensor.tanh_"]
    for dt, rt, at in ((torch.float32, 1e-5, 1e-6), (torch.float64, 1e-7, 0), (torch.float16, 1e-2, 1e-3)):
        x = torch.cat([R(50, scale=3), torch.tensor([-1000.0, 1000.0, 0.0, 1e-10, -1e-10, 19.0, -25.0])]).to(dt)
        with forbid(*ban):
            got = m.tanh(x)
        close(got, torch.tanh(x), rt, at, f"tanh {dt}")
    xg = R(10)
    with forbid(*ban[:-3]):
        out = m.tanh(xg.requires_grad_())
    (g,) = torch.autograd.grad(out.sum(), xg)
    close(g, 1 - torch.tanh(xg.detach()) ** 2, 1e-7, 1e-12, "tanh grad")


def t_hard_sigmoid_from_relus(m, ref):
    ban = ["F.hardsigmoid", "F.hardswish", "F.hardtanh", "torch.clamp", "torch.clip", "Tensor.clamp", "Tensor.clip",
           "torch.clamp_min", "torch.clamp_max", "Tensor.clamp_min", "Tensor.clamp_max", "Tensor.clamp_", "Tensor.clip_",
           *RELUS]
    for dt, rt in ((torch.float32, 1e-5), (torch.float64, 1e-7)):
        x = torch.cat([torch.linspace(-100, 100, 201, dtype=torch.float64), R(30)]).to(dt)
        with forbid(*ban):
            got = m.hard_sigmoid_from_relus(x)
        close(got, torch.relu(x + 0.5) - torch.relu(x - 0.5), rt, 1e-7, f"hard_sigmoid {dt}")


def t_dropout(m, ref):
    ban = ["F.dropout", "nn.Dropout.forward", "F.dropout1d", "F.dropout2d", "F.dropout3d", "F.alpha_dropout",
           "F.feature_alpha_dropout", "torch.dropout", "torch.bernoulli_never"]
    x = R(200, 300).abs() + 1.0
    with forbid(*ban):
        out = m.dropout(x, 0.0, training=False)
        check(torch.equal(out, x), "training=False must return x unchanged")
        out = m.dropout(x, 0.7, training=False)
        check(torch.equal(out, x), "training=False must return x unchanged (p=0.7)")
        z = m.dropout(x, 1.0)
        close(z, torch.zeros_like(x), 0, 0, "p = 1 gives zeros")
        for p in (0.2, 0.5):
            torch.manual_seed(3)
            a = m.dropout(x, p)
            torch.manual_seed(3)
            b = m.dropout(x, p, training=True)
            check(torch.equal(a, b), "dropout must follow torch.manual_seed")
            kept = a != 0
            frac = kept.double().mean().item()
            check(abs(frac - (1 - p)) < 0.01, f"kept fraction {frac:.3f} for p={p}")
            close(a[kept], x[kept] / (1 - p), 1e-6, 1e-6, "survivors scaled by 1/(1-p)")
            check(a.dtype == x.dtype and a.shape == x.shape, "dtype/shape")
        for dt in (torch.float16, torch.float32):
            xx = torch.ones(1000, dtype=dt)
            o = m.dropout(xx, 0.5)
            check(o.dtype == dt, f"dropout changed dtype {dt} -> {o.dtype}")
        xg = R(50).requires_grad_()
        torch.manual_seed(5)
        o = m.dropout(xg, 0.5)
        o.sum().backward()
        check(xg.grad is not None, "no gradient through dropout")


def t_xavier_uniform_(m, ref):
    ban = ["init.xavier_uniform_", "init.kaiming_uniform_", "init.xavier_normal_"]
    for shape in [(300, 200), (64, 32, 3, 3), (20, 10, 5), (7, 3)]:
        t = torch.empty(*shape)
        ptr = t.data_ptr()
        with forbid(*ban):
            out = m.xavier_uniform_(t)
        check(out is t and t.data_ptr() == ptr, "xavier_uniform_ must fill and return the tensor itself")
        rf = math.prod(shape[2:]) if len(shape) > 2 else 1
        a = math.sqrt(6 / (shape[1] * rf + shape[0] * rf))
        check(t.abs().max().item() <= a + 1e-6, "values beyond the bound")
        if t.numel() > 10000:
            check(abs(t.std().item() - a / math.sqrt(3)) < 0.03 * a, "std not a/√3")
            check(t.abs().max().item() > 0.95 * a, "range too narrow")
    p = nn.Parameter(torch.empty(5, 4))
    torch.manual_seed(11)
    with forbid(*ban):
        m.xavier_uniform_(p)
    v1 = p.detach().clone()
    torch.manual_seed(11)
    with forbid(*ban):
        m.xavier_uniform_(p)
    check(torch.equal(v1, p.detach()) and p.requires_grad, "xavier must use torch's RNG and work on Parameters")


def _linears(model):
    return [mod for mod in model.modules() if isinstance(mod, nn.Linear)]


def t_LogisticRegression(m, ref):
    for d in (1, 7, 8):
        model = m.LogisticRegression(d)
        lins = _linears(model)
        check(len(lins) == 1 and lins[0].weight.shape == (1, d), "one Linear(in, 1)")
        x = R(6, d, dtype=torch.float32)
        out = model(x)
        close(out, torch.sigmoid(lins[0](x)), 1e-5, 1e-6, "σ(linear(x))")
        out.sum().backward()
        check(all(p.grad is not None for p in model.parameters()), "gradients reach every parameter")


def t_DiabetesNet(m, ref):
    for d in (7, 8, None):
        model = m.DiabetesNet() if d is None else m.DiabetesNet(d)
        d = 8 if d is None else d
        lins = _linears(model)
        check([tuple(l.weight.shape) for l in lins] == [(6, d), (4, 6), (1, 4)], f"layer shapes for in={d}")
        x = R(5, d, dtype=torch.float32)
        h = x
        for l in lins:
            h = torch.sigmoid(l(h))
        close(model(x), h, 1e-5, 1e-6, "sigmoid after every layer")


def t_MLP(m, ref):
    acts = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}
    for act in ("relu", "tanh", "sigmoid"):
        for sizes in ([64, 32, 16, 10], [5, 3], [4, 8, 2]):
            model = m.MLP(sizes, activation=act, dropout=0.0)
            lins = _linears(model)
            check([(l.in_features, l.out_features) for l in lins] == list(zip(sizes[:-1], sizes[1:])), "layer sizes")
            x = R(7, sizes[0], dtype=torch.float32)
            h = x
            for i, l in enumerate(lins):
                h = l(h)
                if i < len(lins) - 1:
                    h = acts[act](h)
            close(model(x), h, 1e-5, 1e-6, f"MLP {act} {sizes}")
    model = m.MLP([64, 20, 10], activation="relu", dropout=0.5)
    x = R(16, 1, 8, 8, dtype=torch.float32)
    check(model(x).shape == (16, 10), "images flattened")
    model.eval()
    lins = _linears(model)
    close(model(x), lins[1](torch.relu(lins[0](x.reshape(16, 64)))), 1e-5, 1e-6, "dropout off in eval mode")
    model.train()
    torch.manual_seed(0)
    o1 = model(x)
    torch.manual_seed(1)
    o2 = model(x)
    check(not torch.allclose(o1, o2), "dropout active in train mode")
    seen = []
    hooks = [l.register_forward_hook(lambda mod, inp, out: seen.append(mod)) for l in lins]
    model(x)
    for h in hooks:
        h.remove()
    check(len(seen) == 2, "each Linear must be called as a module")


class _ListLoader(list):
    pass


def _toy_batches(n=50, d=6, c=3, bs=8, binary=False):
    x = R(n, d, dtype=torch.float32)
    if binary:
        y = (x[:, 0] > 0).float().reshape(-1, 1)
    else:
        y = torch.randint(0, c, (n,), generator=G)
    return _ListLoader([(x[i:i + bs], y[i:i + bs]) for i in range(0, n, bs)])


def t_train_epoch(m, ref):
    for binary in (False, True):
        loader = _toy_batches(binary=binary)
        model_a = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 1 if binary else 3))
        if binary:
            model_a.append(nn.Sigmoid())
        model_b = copy.deepcopy(model_a)
        opt_a = torch.optim.SGD(model_a.parameters(), lr=0.1, momentum=0.9)
        opt_b = torch.optim.SGD(model_b.parameters(), lr=0.1, momentum=0.9)
        loss_fn = nn.BCELoss() if binary else nn.CrossEntropyLoss()
        model_a.eval()
        torch.manual_seed(9)
        got = m.train_epoch(model_a, loader, loss_fn, opt_a, "cpu")
        model_b.eval()
        torch.manual_seed(9)
        want = ref.train_epoch(model_b, loader, loss_fn, opt_b, "cpu")
        check(type(got) is float, "train_epoch must return a float")
        check(abs(got - want) <= 1e-6 * max(1, abs(want)), f"epoch loss {got} vs {want}")
        check(model_a.training, "train mode")
        for pa, pb in zip(model_a.parameters(), model_b.parameters()):
            close(pa, pb, 1e-6, 1e-7, "parameters after the epoch")


def t_evaluate(m, ref):
    for binary, label_shape in ((False, None), (True, "n"), (True, "n1")):
        loader = _toy_batches(binary=binary)
        if binary and label_shape == "n":
            loader = _ListLoader([(x, y.reshape(-1)) for x, y in loader])
        model = nn.Sequential(nn.Linear(6, 4), nn.Dropout(0.5), nn.Linear(4, 1 if binary else 3))
        if binary:
            model.append(nn.Sigmoid())
        model.train()
        got = m.evaluate(model, loader, "cpu")
        check(not model.training, "evaluate must put the model in eval mode")
        want = ref.evaluate(model, loader, "cpu")
        check(type(got) is float and abs(got - want) < 1e-12, f"accuracy {got} vs {want}")


# ----------------------------------------------------------------------------- optim
def t_closed_form_linear_regression(m, ref):
    ban = ["linalg.lstsq", "linalg.pinv", "torch.pinverse", "linalg.inv", "torch.inverse", "torch.cholesky_inverse",
           "linalg.tensorinv", "Tensor.inverse", "Tensor.pinverse", "torch.lstsq"]
    for dt, tol in ((torch.float64, 1e-9), (torch.float32, 1e-4)):
        X = R(60, 4, dtype=dt)
        for y in (R(60, dtype=dt), R(60, 3, dtype=dt)):
            with forbid(*ban):
                got = m.closed_form_linear_regression(X, y)
            want = torch.linalg.lstsq(X.double(), y.double().reshape(60, -1)).solution.reshape(
                (4,) if y.dim() == 1 else (4, 3)).to(dt)
            close(got, want, tol, tol, f"closed form y{tuple(y.shape)} {dt}")


def t_gd_fit(m, ref):
    for dt in (torch.float32, torch.float64):
        x = torch.tensor([1.0, 2.0, 3.0], dtype=dt)
        y = 2 * x
        for lr, steps in ((0.01, 30), (0.05, 10), (0.1, 0)):
            w, losses = m.gd_fit(x, y, lr, steps)
            w2, l2 = ref.gd_fit(x, y, lr, steps)
            check(type(w) is float and len(losses) == steps and all(type(v) is float for v in losses), "types")
            check(abs(w - w2) <= 1e-5 * max(1, abs(w2)), f"final w {w} vs {w2}")
            check(all(abs(a - b) <= 1e-5 * max(1, abs(b)) for a, b in zip(losses, l2)), "loss curve")


def t_sgd_fit(m, ref):
    x = R(20, dtype=torch.float32)
    y = 3 * x + R(20, dtype=torch.float32) * 0.1
    for seed in (0, 5):
        w, losses = m.sgd_fit(x, y, 0.01, 5, generator=torch.Generator().manual_seed(seed))
        w2, l2 = ref.sgd_fit(x, y, 0.01, 5, generator=torch.Generator().manual_seed(seed))
        check(type(w) is float and len(losses) == 5, "types")
        check(abs(w - w2) <= 1e-5 * max(1, abs(w2)), f"sgd final w {w} vs {w2}")
        check(all(abs(a - b) <= 1e-5 * max(1, abs(b)) for a, b in zip(losses, l2)), "sgd loss curve")
    torch.manual_seed(4)
    w, _ = m.sgd_fit(x, y, 0.01, 2)
    torch.manual_seed(4)
    w2, _ = ref.sgd_fit(x, y, 0.01, 2)
    check(abs(w - w2) <= 1e-5 * max(1, abs(w2)), "generator=None uses the global RNG")


def t_minibatch_indices(m, ref):
    for n, bs in ((10, 3), (8, 8), (1, 4), (17, 5)):
        for shuffle in (True, False):
            got = list(m.minibatch_indices(n, bs, shuffle, torch.Generator().manual_seed(n)))
            want = list(ref.minibatch_indices(n, bs, shuffle, torch.Generator().manual_seed(n)))
            check(len(got) == len(want) and all(torch.equal(a, b) and a.dtype == torch.int64 for a, b in zip(got, want)),
                  f"minibatch_indices n={n} bs={bs} shuffle={shuffle}")
    torch.manual_seed(2)
    got = list(m.minibatch_indices(9, 2))
    torch.manual_seed(2)
    want = list(ref.minibatch_indices(9, 2))
    check(all(torch.equal(a, b) for a, b in zip(got, want)) and len(got) == len(want), "defaults (shuffle, global RNG)")


def _opt_run(cls, opt_kwargs, dtype, steps=50, groups=False, closure=False):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 1)).to(dtype)
    data = torch.randn(32, 5, generator=torch.Generator().manual_seed(1), dtype=dtype)
    target = torch.randn(32, 1, generator=torch.Generator().manual_seed(2), dtype=dtype)
    if groups:
        kw = dict(opt_kwargs)
        params = [{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": kw["lr"] * 0.5}]
        opt = cls(params, **kw)
    else:
        opt = cls(model.parameters(), **opt_kwargs)
    returned = []
    for _ in range(steps):
        def closure_fn():
            opt.zero_grad()
            loss = ((model(data) - target) ** 2).mean()
            loss.backward()
            return loss
        if closure:
            r = opt.step(closure_fn)
            returned.append(r)
        else:
            closure_fn()
            r = opt.step()
            check(r is None, "step() without a closure must return None")
    return model, opt, returned


def _optimizer_check(mine, theirs, configs):
    check(mine.__bases__ == (torch.optim.Optimizer,), f"{mine.__name__} must subclass torch.optim.Optimizer directly")
    ban = ["optim.SGD.step", "optim.Adam.step", "optim.AdamW.step", "optim.RMSprop.step", "optim.sgd.sgd", "optim.adam.adam",
           "optim.SGD.__init__", "optim.Adam.__init__"]
    for kw in configs:
        for dt, rtol, atol in ((torch.float32, 1e-4, 1e-6), (torch.float64, 1e-10, 1e-10)):
            for groups in (False, True):
                with forbid(*ban):
                    a, _, _ = _opt_run(mine, kw, dt, groups=groups)
                b, _, _ = _opt_run(theirs, kw, dt, groups=groups)
                for pa, pb in zip(a.parameters(), b.parameters()):
                    close(pa, pb, rtol, atol, f"{mine.__name__} {kw} {dt} groups={groups}")
    kw = configs[-1]
    with forbid(*ban):
        _, opt, returned = _opt_run(mine, kw, torch.float64, steps=3, closure=True)
    check(all(isinstance(r, torch.Tensor) and r.requires_grad for r in returned), "step(closure) must return closure()")
    with forbid(*ban):
        m1, o1, _ = _opt_run(mine, kw, torch.float64, steps=10)
        m2, o2, _ = _opt_run(mine, kw, torch.float64, steps=5)
        sd = copy.deepcopy(o2.state_dict())
        o3 = mine(m2.parameters(), **kw)
        o3.load_state_dict(sd)
        data = torch.randn(32, 5, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
        target = torch.randn(32, 1, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
        for _ in range(5):
            o3.zero_grad()
            ((m2(data) - target) ** 2).mean().backward()
            o3.step()
    for pa, pb in zip(m1.parameters(), m2.parameters()):
        close(pa, pb, 1e-10, 1e-10, f"{mine.__name__}: state_dict carried over to a fresh optimizer")


def t_SGD(m, ref):
    configs = [dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3),
               dict(lr=0.05, momentum=0.8, nesterov=True), dict(lr=0.1, weight_decay=0.01),
               dict(lr=0.03, momentum=0.9, weight_decay=1e-3, nesterov=True)]
    _optimizer_check(m.SGD, torch.optim.SGD, configs)


def t_Adam(m, ref):
    configs = [dict(lr=1e-2), dict(lr=3e-3, betas=(0.8, 0.99)), dict(lr=1e-2, eps=1e-6, weight_decay=0.01),
               dict(lr=5e-3, betas=(0.9, 0.9), weight_decay=1e-3)]
    _optimizer_check(m.Adam, torch.optim.Adam, configs)
    model = nn.Linear(3, 1)
    opt = m.Adam(model.parameters())
    check(opt.defaults["lr"] == 1e-3, "default lr")


def t_ema(m, ref):
    for n in (1, 5, 100, 1000):
        v = R(n).abs() + 1
        for beta in (0.0, 0.5, 0.9, 0.99):
            for bc in (True, False):
                for dt, rt, at in ((torch.float32, 1e-4, 1e-6), (torch.float64, 1e-4, 0), (torch.float16, 1e-2, 1e-3)):
                    vv = v.to(dt)
                    close(m.ema(vv, beta, bc), ref.ema(vv, beta, bc), rt, at, f"ema n={n} β={beta} bc={bc} {dt}")
        close(m.ema(v, 0.9), ref.ema(v, 0.9), 1e-4, 0, "ema default bias_correction")


def t_DiabetesDataset(m, ref):
    with tempfile.TemporaryDirectory(dir=HERE) as d:
        table = np.round(np.random.default_rng(0).normal(size=(23, 8)), 3)
        table[:, -1] = (table[:, -1] > 0).astype(float)
        for name, n_feat in (("diabetes.csv.gz", 7), ("other.csv.gz", 3)):
            path = os.path.join(d, name)
            tab = np.concatenate([table[:, :n_feat], table[:, -1:]], axis=1)
            with gzip.open(path, "wt") as fh:
                for row in tab:
                    fh.write(",".join(f"{v:.3f}" for v in row) + "\n")
            ds = m.DiabetesDataset(path)
            check(isinstance(ds, torch.utils.data.Dataset), "must be a Dataset")
            check(len(ds) == 23, f"len {len(ds)}")
            for i in (0, 5, 22):
                x, y = ds[i]
                check(x.dtype == torch.float32 and y.dtype == torch.float32, "float32 items")
                check(x.shape == (n_feat,) and y.shape == (1,), f"item shapes {tuple(x.shape)} {tuple(y.shape)}")
                close(x, torch.tensor(tab[i, :-1], dtype=torch.float32), 1e-6, 1e-6, "features")
                close(y, torch.tensor(tab[i, -1:], dtype=torch.float32), 0, 0, "label")
            loader = torch.utils.data.DataLoader(ds, batch_size=5, shuffle=False)
            xb, yb = next(iter(loader))
            check(xb.shape == (5, n_feat) and yb.shape == (5, 1), "works with DataLoader")


def t_k_fold_indices(m, ref):
    for n, k in ((10, 3), (9, 3), (5, 5), (3, 5), (1, 1), (100, 7)):
        got = m.k_fold_indices(n, k)
        want = list(torch.arange(n).tensor_split(k))
        check(isinstance(got, list) and len(got) == k, f"k_fold n={n} k={k}: {len(got)} folds")
        for a, b in zip(got, want):
            check(a.dtype == torch.int64 and torch.equal(a, b), f"k_fold n={n} k={k}")


# ----------------------------------------------------------------------------- cnn
def t_corr2d(m, ref):
    for dt in (torch.float32, torch.float64):
        for (h, w), (kh, kw) in [((6, 8), (2, 2)), ((5, 5), (5, 5)), ((7, 4), (3, 1)), ((1, 3), (1, 2))]:
            x, k = R(h, w, dtype=dt), R(kh, kw, dtype=dt)
            with forbid(*CONVS):
                got = m.corr2d(x, k)
            close(got, F.conv2d(x[None, None], k[None, None])[0, 0], 1e-5, 1e-5, f"corr2d {h}x{w} k{kh}x{kw} {dt}")
        xt, kk = R(5, 7, dtype=dt).T, R(2, 3, dtype=dt)
        with forbid(*CONVS):
            got = m.corr2d(xt, kk)
        close(got, F.conv2d(xt[None, None], kk[None, None])[0, 0], 1e-5, 1e-5, "corr2d on x.T")
    x, k = R(5, 6), R(2, 3)
    _grad_check(m.corr2d, lambda a, b: F.conv2d(a[None, None], b[None, None])[0, 0], [x, k], "corr2d grad", ban=CONVS)


def t_conv2d(m, ref):
    for dt, rt, at in ((torch.float32, 1e-5, 1e-5), (torch.float64, 1e-7, 1e-10)):
        for (n, c, h, w), (o, kh, kw), s, p, bias in [((1, 1, 5, 5), (1, 3, 3), 1, 0, False),
                                                     ((2, 3, 8, 7), (4, 3, 3), 1, 1, True),
                                                     ((2, 3, 9, 9), (5, 3, 2), 2, 0, True),
                                                     ((1, 2, 6, 6), (3, 5, 5), 3, 2, False),
                                                     ((3, 4, 7, 5), (2, 1, 1), 1, 0, True)]:
            x, wt = R(n, c, h, w, dtype=dt), R(o, c, kh, kw, dtype=dt)
            b = R(o, dtype=dt) if bias else None
            with forbid(*CONVS):
                got = m.conv2d(x, wt, b, s, p)
            close(got, F.conv2d(x, wt, b, s, p), rt, at, f"conv2d {tuple(x.shape)} w{tuple(wt.shape)} s{s} p{p}")
        x, wt = R(2, 3, 6, 6, dtype=dt), R(4, 3, 3, 3, dtype=dt)
        with forbid(*CONVS):
            got = m.conv2d(x, wt)
        close(got, F.conv2d(x, wt), rt, at, "conv2d defaults")
    x, wt, b = R(2, 2, 5, 6), R(3, 2, 3, 2), R(3)
    _grad_check(lambda a, c, d: m.conv2d(a, c, d, 2, 1), lambda a, c, d: F.conv2d(a, c, d, 2, 1), [x, wt, b],
                "conv2d grad", ban=CONVS)


def t_conv_output_size(m, ref):
    for n, k, p, s in [(28, 5, 0, 1), (28, 5, 2, 1), (8, 3, 1, 2), (7, 7, 0, 1), (1, 3, 1, 1), (2 ** 52, 3, 1, 2),
                       (10, 4, 0, 3), (5, 1, 0, 5)]:
        got = m.conv_output_size(n, k, p, s)
        check(got == (n + 2 * p - k) // s + 1 and isinstance(got, int), f"conv_output_size{(n, k, p, s)} = {got}")
    check(m.conv_output_size(28, 5) == 24, "defaults")


def t_max_pool2d(m, ref):
    ban = ["F.max_pool2d", "nn.MaxPool2d.forward", "torch.max_pool2d", "F.max_pool3d", "F.max_pool1d",
           "F.adaptive_max_pool2d", "F.max_pool2d_with_indices", "F.embedding_bag", "torch.max_pool1d",
           "F.fractional_max_pool2d", "F.lp_pool2d"]
    for dt in (torch.float32, torch.float64):
        for shape, k, s in [((1, 1, 4, 4), 2, None), ((2, 3, 7, 9), 2, None), ((2, 2, 8, 8), 3, 1),
                            ((1, 4, 9, 7), 3, 2), ((2, 1, 5, 5), 5, None), ((1, 2, 6, 6), 2, 3)]:
            x = R(*shape, dtype=dt)
            with forbid(*ban):
                got = m.max_pool2d(x, k, s) if s is not None else m.max_pool2d(x, k)
            close(got, F.max_pool2d(x, k, s), 0, 0, f"max_pool2d {shape} k{k} s{s}")
    x = R(2, 2, 6, 6)
    _grad_check(lambda t: m.max_pool2d(t, 2), lambda t: F.max_pool2d(t, 2), [x], "max_pool2d grad", ban=ban)
    _grad_check(lambda t: m.max_pool2d(t, 3, 1), lambda t: F.max_pool2d(t, 3, 1), [x], "max_pool2d grad overlap", ban=ban)


def _synthetic_digits(n=600, size=8, classes=10, seed=0):
    g = torch.Generator().manual_seed(seed)
    protos = (torch.rand(classes, 1, size, size, generator=g) > 0.6).float() * 4
    y = torch.randint(0, classes, (n,), generator=g)
    x = protos[y] + torch.randn(n, 1, size, size, generator=g)
    return x, y


def _train_classifier(model, x, y, epochs=15, lr=3e-3):
    torch.manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def _net_basic(model, num_classes, in_channels, sizes, name):
    for h, w in sizes:
        for n in (1, 3):
            x = R(n, in_channels, h, w, dtype=torch.float32)
            out = model(x)
            check(out.shape == (n, num_classes), f"{name} output {tuple(out.shape)} for {n}x{in_channels}x{h}x{w}")
    model.zero_grad()
    model(R(2, in_channels, sizes[0][0], sizes[0][1], dtype=torch.float32)).sum().backward()
    missing = [nm for nm, p in model.named_parameters() if p.grad is None]
    check(not missing, f"{name}: no gradient for {missing[:3]}")


def t_SimpleCNN(m, ref):
    model = m.SimpleCNN()
    convs = [mod for mod in model.modules() if isinstance(mod, nn.Conv2d)]
    check(len(convs) >= 2 and convs[0].out_channels >= 8 and convs[1].out_channels >= 16, "two convs, ≥8 and ≥16 channels")
    _net_basic(model, 10, 1, [(8, 8), (28, 28), (9, 13)], "SimpleCNN")
    _net_basic(m.SimpleCNN(num_classes=4, in_channels=3), 4, 3, [(8, 8), (16, 10)], "SimpleCNN(4, 3)")
    x, y = _synthetic_digits()
    acc = _train_classifier(m.SimpleCNN(10, 1), x, y)
    check(acc > 0.9, f"SimpleCNN trains to only {acc:.2f} on synthetic 8×8 digits")


# ----------------------------------------------------------------------------- inception
def t_InceptionA(m, ref):
    for c in (1, 10, 20):
        block = m.InceptionA(c)
        convs = [mod for mod in block.modules() if isinstance(mod, nn.Conv2d)]
        shapes = sorted(tuple(cv.weight.shape) for cv in convs)
        want = sorted([(16, c, 1, 1), (16, c, 1, 1), (16, c, 1, 1), (24, 16, 5, 5), (24, 16, 3, 3), (24, 24, 3, 3),
                       (24, c, 1, 1)])
        check(shapes == want, f"conv weight shapes {shapes}")
        check(all(cv.bias is not None for cv in convs), "all convs have a bias")
        record = {}
        hooks = [cv.register_forward_hook(lambda mod, inp, out: record.__setitem__(mod, (inp[0], out))) for cv in convs]
        x = R(2, c, 7, 9, dtype=torch.float64)
        block = block.double()
        out = block(x)
        for h in hooks:
            h.remove()
        check(out.shape == (2, 88, 7, 9), f"output {tuple(out.shape)}")
        by_shape = {}
        for cv in convs:
            by_shape.setdefault(tuple(cv.weight.shape[:1]) + tuple(cv.weight.shape[2:]), []).append(cv)
        c5 = [cv for cv in convs if cv.kernel_size == (5, 5)][0]
        c3a = [cv for cv in convs if tuple(cv.weight.shape) == (24, 16, 3, 3)][0]
        c3b = [cv for cv in convs if tuple(cv.weight.shape) == (24, 24, 3, 3)][0]
        cp = [cv for cv in convs if tuple(cv.weight.shape) == (24, c, 1, 1)][0]
        ones = [cv for cv in convs if tuple(cv.weight.shape) == (16, c, 1, 1)]
        check(all(torch.equal(record[cv][0], x) for cv in ones), "1×1:16 convs read x")
        feeds5 = [cv for cv in ones if torch.equal(record[cv][1], record[c5][0])]
        feeds3 = [cv for cv in ones if torch.equal(record[cv][1], record[c3a][0])]
        check(len(feeds5) == 1 and len(feeds3) == 1 and feeds5[0] is not feeds3[0], "5×5 and 3×3 branches start with their own 1×1")
        b1 = [cv for cv in ones if cv is not feeds5[0] and cv is not feeds3[0]][0]
        check(torch.equal(record[c3b][0], record[c3a][1]), "3×3 → 3×3 without activation")
        check(torch.allclose(record[cp][0], F.avg_pool2d(x, 3, 1, 1)), "pool branch: avg_pool(3, 1, 1) then 1×1")
        expect = torch.cat([record[b1][1], record[c5][1], record[c3b][1], record[cp][1]], dim=1)
        close(out, expect, 1e-12, 1e-12, "torch.cat([b1x1, b5x5, b3x3, b_pool], dim=1)")
        out.sum().backward()
        check(all(p.grad is not None for p in block.parameters()), "gradients reach every branch")


def t_conv_mults(m, ref):
    check(m.conv_mults(28, 28, 192, 32, 5) == 120_422_400, "5×5 192→32 on 28×28")
    check(m.conv_mults(28, 28, 192, 16, 1) + m.conv_mults(28, 28, 16, 32, 5) == 12_443_648, "bottleneck")
    for args in [(1, 1, 1, 1, 1), (7, 9, 3, 5, 3), (100, 3, 64, 128, 7)]:
        check(m.conv_mults(*args) == ref.conv_mults(*args) and isinstance(m.conv_mults(*args), int), f"conv_mults{args}")


def t_GoogLeNetMini(m, ref):
    for size in (8, 28):
        model = m.GoogLeNetMini(1, 10, size)
        n_incep = sum(isinstance(mod, m.InceptionA) for mod in model.modules())
        check(n_incep == 2, f"{n_incep} InceptionA instances")
        convs5 = sorted(tuple(mod.weight.shape) for mod in model.modules()
                        if isinstance(mod, nn.Conv2d) and mod.kernel_size == (5, 5) and mod.out_channels in (10, 20))
        check((10, 1, 5, 5) in convs5 and (20, 88, 5, 5) in convs5, "5×5 convs 1→10 and 88→20")
        _net_basic(model, 10, 1, [(size, size)], f"GoogLeNetMini(input_size={size})")
    _net_basic(m.GoogLeNetMini(3, 5, 12), 5, 3, [(12, 12)], "GoogLeNetMini(3, 5, 12)")
    x, y = _synthetic_digits(n=400)
    acc = _train_classifier(m.GoogLeNetMini(1, 10, 8), x, y, epochs=10)
    check(acc > 0.9, f"GoogLeNetMini trains to only {acc:.2f}")


# ----------------------------------------------------------------------------- resnet
def t_ResidualBlock(m, ref):
    for c in (1, 4):
        block = m.ResidualBlock(c).double()
        convs = [mod for mod in block.modules() if isinstance(mod, nn.Conv2d)]
        check(len(convs) == 2 and all(cv.kernel_size == (3, 3) and cv.padding == (1, 1) and cv.bias is not None
                                      and tuple(cv.weight.shape) == (c, c, 3, 3) for cv in convs), "two 3×3 convs, padding 1, bias")
        order = []
        hooks = [cv.register_forward_hook(lambda mod, i, o: order.append(mod)) for cv in convs]
        x = R(2, c, 6, 5)
        out = block(x)
        for h in hooks:
            h.remove()
        c1, c2 = order[0], order[1]
        close(out, torch.relu(x + c2(torch.relu(c1(x)))), 1e-12, 1e-12, "relu(x + conv2(relu(conv1(x))))")
        out.sum().backward()
        check(all(p.grad is not None for p in block.parameters()), "gradients")


def t_batch_norm(m, ref):
    ban = ["F.batch_norm", "torch.batch_norm", "F.instance_norm", "F.layer_norm", "F.group_norm", "F.rms_norm",
           "nn.BatchNorm1d.forward", "nn.BatchNorm2d.forward", "torch.nn.utils.fuse_conv_bn_eval"]
    for dt, rt, at in ((torch.float32, 1e-5, 1e-5), (torch.float64, 1e-7, 1e-10)):
        for shape in [(8, 3), (4, 3, 5, 5), (2, 1, 3, 4)]:
            C = shape[1]
            for training in (True, False):
                x = R(*shape, dtype=dt, scale=2) + 1
                gamma, beta = R(C, dtype=dt), R(C, dtype=dt)
                rm, rv = R(C, dtype=dt), R(C, dtype=dt).abs() + 0.5
                rm2, rv2 = rm.clone(), rv.clone()
                ptrs = (rm.data_ptr(), rv.data_ptr())
                with forbid(*ban):
                    got = m.batch_norm(x, gamma, beta, rm, rv, training, 0.2, 1e-4)
                want = F.batch_norm(x, rm2, rv2, gamma, beta, training, 0.2, 1e-4)
                close(got, want, rt, at, f"batch_norm {shape} training={training} {dt}")
                close(rm, rm2, rt, at, "running_mean")
                close(rv, rv2, rt, at, "running_var (unbiased)")
                check((rm.data_ptr(), rv.data_ptr()) == ptrs, "running stats must be updated in place")
        x = R(4, 3, 2, 2, dtype=dt)
        g, b, rm, rv = R(3, dtype=dt), R(3, dtype=dt), torch.zeros(3, dtype=dt), torch.ones(3, dtype=dt)
        rm2, rv2 = rm.clone(), rv.clone()
        with forbid(*ban):
            got = m.batch_norm(x, g, b, rm, rv, True)
        close(got, F.batch_norm(x, rm2, rv2, g, b, True), rt, at, "batch_norm defaults")
        close(rv, rv2, rt, at, "running_var defaults")
    x = 1e5 + R(16, 2, 3, 3) * 1e-2
    g, b = torch.ones(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    with forbid(*ban):
        got = m.batch_norm(x, g, b, torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64), True)
    close(got, F.batch_norm(x, None, None, g, b, True), 1e-6, 1e-6, "large mean, small spread")
    x, g, b = R(5, 3, 2, 2), R(3), R(3)
    _grad_check(lambda a, c, d: m.batch_norm(a, c, d, torch.zeros(3, dtype=torch.float64),
                                             torch.ones(3, dtype=torch.float64), True),
                lambda a, c, d: F.batch_norm(a, None, None, c, d, True), [x, g, b], "batch_norm grad", ban=ban)


def _copy_by_type(src, dst):
    for kind in (nn.Conv2d, nn.BatchNorm2d):
        a = [mm for mm in src.modules() if isinstance(mm, kind)]
        b = [mm for mm in dst.modules() if isinstance(mm, kind)]
        check(len(a) == len(b), f"{len(a)} {kind.__name__} layers, reference has {len(b)}")
        for p, q in zip(a, b):
            check(p.weight.shape == q.weight.shape, f"{kind.__name__} shapes differ")
            q.load_state_dict(p.state_dict())


def t_BasicBlock(m, ref):
    for cin, cout, s in ((4, 4, 1), (4, 8, 1), (4, 8, 2), (3, 3, 2)):
        mine = m.BasicBlock(cin, cout, s).double() if s != 1 else m.BasicBlock(cin, cout).double()
        theirs = ref.BasicBlock(cin, cout, s).double()
        convs = [mm for mm in mine.modules() if isinstance(mm, nn.Conv2d)]
        check(all(cv.bias is None for cv in convs), "convs without bias")
        _copy_by_type(mine, theirs)
        for mode in ("train", "eval"):
            mine.train(mode == "train")
            theirs.train(mode == "train")
            x = R(3, cin, 7, 6)
            out = mine(x)
            close(out, theirs(x), 1e-10, 1e-10, f"BasicBlock({cin},{cout},{s}) {mode}")
            check(out.shape == (3, cout, math.ceil(7 / s), math.ceil(6 / s)), "output shape")
        mine.train()
        mine(R(2, cin, 5, 5)).sum().backward()
        check(all(p.grad is not None for p in mine.parameters()), "gradients")


def t_SmallResNet(m, ref):
    model = m.SmallResNet()
    blocks = [mm for mm in model.modules() if isinstance(mm, tuple(getattr(m, n) for n in ("ResidualBlock", "BasicBlock")
                                                                   if isinstance(getattr(m, n, None), type)))]
    check(len(blocks) >= 2, f"{len(blocks)} residual blocks of the module")
    _net_basic(model, 10, 1, [(8, 8), (28, 28), (11, 9)], "SmallResNet")
    _net_basic(m.SmallResNet(3, 4), 4, 3, [(8, 8)], "SmallResNet(3, 4)")
    x, y = _synthetic_digits(n=400)
    acc = _train_classifier(m.SmallResNet(1, 10), x, y, epochs=10)
    check(acc > 0.9, f"SmallResNet trains to only {acc:.2f}")


# ----------------------------------------------------------------------------- rnn
RNN_BAN = ["nn.RNNCell.forward", "nn.RNN.forward", "torch.rnn_tanh_cell", "torch.rnn_tanh", "torch.rnn_relu",
           "torch.rnn_relu_cell", "torch.lstm_cell", "torch.gru_cell", "nn.LSTMCell.forward", "nn.GRUCell.forward",
           "nn.LSTM.forward", "nn.GRU.forward", "torch.lstm", "torch.gru"]


def t_rnn_cell(m, ref):
    for dt, rt, at in ((torch.float32, 1e-5, 1e-5), (torch.float64, 1e-7, 1e-10)):
        for b, i, h in ((1, 3, 4), (5, 2, 7)):
            cell = nn.RNNCell(i, h).to(dt)
            x, hh = R(b, i, dtype=dt), R(b, h, dtype=dt)
            args = (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
            with forbid(*RNN_BAN):
                got = m.rnn_cell(x, hh, *args)
            close(got, cell(x, hh), rt, at, f"rnn_cell {dt}")
    cell = nn.RNNCell(3, 4).double()
    x, hh = R(2, 3), R(2, 4)
    ws = [cell.weight_ih.detach(), cell.weight_hh.detach(), cell.bias_ih.detach(), cell.bias_hh.detach()]
    with forbid(*RNN_BAN):
        _grad_check(lambda a, c, *w: m.rnn_cell(a, c, *w), lambda a, c, *w: torch.tanh(a @ w[0].T + w[2] + c @ w[1].T + w[3]),
                    [x, hh, *ws], "rnn_cell grad")


def t_rnn_forward(m, ref):
    for dt, rt, at in ((torch.float32, 1e-5, 1e-5), (torch.float64, 1e-7, 1e-10)):
        for layers, T, B, I, H in ((1, 5, 1, 4, 3), (2, 4, 3, 2, 5), (3, 6, 2, 3, 3)):
            rnn = nn.RNN(I, H, num_layers=layers).to(dt)
            x, h0 = R(T, B, I, dtype=dt), R(layers, B, H, dtype=dt)
            with forbid(*RNN_BAN):
                out, hn = m.rnn_forward(x, h0, rnn.all_weights)
            o2, h2 = rnn(x, h0)
            close(out, o2, rt, at, f"rnn_forward output L={layers}")
            close(hn, h2, rt, at, f"rnn_forward h_n L={layers}")
    rnn = nn.RNN(3, 4, num_layers=2).double()
    x, h0 = R(5, 2, 3).requires_grad_(), R(2, 2, 4).requires_grad_()
    with forbid(*RNN_BAN):
        out, hn = m.rnn_forward(x, h0, rnn.all_weights)
    loss = out.sum() + (hn ** 2).sum()
    g1 = torch.autograd.grad(loss, [x, h0, *rnn.parameters()])
    o2, h2 = rnn(x, h0)
    g2 = torch.autograd.grad(o2.sum() + (h2 ** 2).sum(), [x, h0, *rnn.parameters()])
    for a, b in zip(g1, g2):
        close(a, b, 1e-7, 1e-10, "rnn_forward gradients")


def t_embedding_lookup(m, ref):
    w = R(10, 4)
    for shape in [(5,), (2, 3), (), (1,), (2, 2, 2)]:
        idx = torch.randint(0, 10, shape, generator=G)
        with forbid("F.embedding", "nn.Embedding.forward", "F.embedding_bag", "nn.EmbeddingBag.forward"):
            got = m.embedding_lookup(w, idx)
        close(got, F.embedding(idx, w), 0, 0, f"embedding_lookup {shape}")
        close(got, (F.one_hot(idx, 10).double() @ w), 1e-12, 1e-12, "equals one_hot(idx) @ weight")
    idx = torch.tensor([[1, 1, 3], [3, 0, 1]])
    _grad_check(lambda ww: m.embedding_lookup(ww, idx), lambda ww: F.embedding(idx, ww), [w], "embedding grad (repeats)",
                ban=["F.embedding", "nn.Embedding.forward"])
    w32 = R(6, 3, dtype=torch.float32)
    close(m.embedding_lookup(w32, torch.tensor([0, 5])), w32[[0, 5]], 0, 0, "float32 embedding")


def t_encode_chars(m, ref):
    got = m.encode_chars("hello", "ehlo")
    check(got.dtype == torch.int64 and got.tolist() == [1, 0, 2, 2, 3], f"encode_chars('hello', 'ehlo') = {got}")
    got = m.encode_chars("ohlol", ["e", "h", "l", "o"])
    check(got.tolist() == [3, 1, 2, 3, 2] and got.shape == (5,), "list vocabulary")
    check(m.encode_chars("", "ab").shape == (0,), "empty text")


def t_HelloRNN(m, ref):
    for embed in (None, 6):
        model = m.HelloRNN(4, 8) if embed is None else m.HelloRNN(4, 8, embed_dim=embed)
        idx = ref.encode_chars("hello", "ehlo").unsqueeze(1)
        check(model(idx).shape == (5, 1, 4), "output (5, 1, 4)")
        check(model(torch.randint(0, 4, (7, 3), generator=G)).shape == (7, 3, 4), "output (7, 3, 4)")
        torch.manual_seed(0)
        model = m.HelloRNN(4, 8) if embed is None else m.HelloRNN(4, 8, embed_dim=embed)
        target = ref.encode_chars("ohlol", "ehlo")
        opt = torch.optim.Adam(model.parameters(), lr=0.05)
        for _ in range(200):
            opt.zero_grad()
            F.cross_entropy(model(idx).reshape(-1, 4), target).backward()
            opt.step()
        check(model(idx).argmax(-1).reshape(-1).tolist() == target.tolist(), f"hello → ohlol not learned (embed={embed})")


def t_gru_cell(m, ref):
    for dt, rt, at in ((torch.float32, 1e-5, 1e-5), (torch.float64, 1e-7, 1e-10)):
        for b, i, h in ((1, 3, 4), (6, 5, 2)):
            cell = nn.GRUCell(i, h).to(dt)
            x, hh = R(b, i, dtype=dt, scale=2), R(b, h, dtype=dt)
            with forbid("nn.GRUCell.forward", "nn.GRU.forward", "torch.gru_cell", "torch.gru"):
                got = m.gru_cell(x, hh, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
            close(got, cell(x, hh), rt, at, f"gru_cell {dt}")
    cell = nn.GRUCell(3, 4).double()
    x, hh = R(2, 3), R(2, 4)
    ws = [p.detach() for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]

    def truth(a, c, wi, wh, bi, bh):
        return torch.gru_cell(a, c, wi, wh, bi, bh)
    with forbid("nn.GRUCell.forward"):
        _grad_check(m.gru_cell, truth, [x, hh, *ws], "gru_cell grad")


# ----------------------------------------------------------------------------- driver
EXERCISES = {
    "tensors": ["add_into", "row_normalize", "pairwise_sq_dists", "one_hot", "accuracy", "flatten_batch",
                "fill_nan_with_column_mean", "matmul", "norms"],
    "autograd": ["linear_grad", "quadratic_grads", "grad_of_vector_fn", "detach_grad", "Sigmoid", "numerical_grad", "Value"],
    "losses": ["mse", "l1", "huber", "sigmoid", "bce", "bce_with_logits", "softmax", "log_softmax", "cross_entropy",
               "entropy", "kl_div"],
    "mlp": ["relu", "tanh", "hard_sigmoid_from_relus", "dropout", "xavier_uniform_", "LogisticRegression", "DiabetesNet",
            "MLP", "train_epoch", "evaluate"],
    "optim": ["closed_form_linear_regression", "gd_fit", "sgd_fit", "minibatch_indices", "SGD", "Adam", "ema",
              "DiabetesDataset", "k_fold_indices"],
    "cnn": ["corr2d", "conv2d", "conv_output_size", "max_pool2d", "SimpleCNN"],
    "inception": ["InceptionA", "conv_mults", "GoogLeNetMini"],
    "resnet": ["ResidualBlock", "batch_norm", "BasicBlock", "SmallResNet"],
    "rnn": ["rnn_cell", "rnn_forward", "embedding_lookup", "encode_chars", "HelloRNN", "gru_cell"],
}
TESTS = {name[2:]: fn for name, fn in globals().items() if name.startswith("t_") and callable(fn)}

# Device checks on 'meta' tensors (no GPU here): anything created on the CPU by default clashes with them.
_IDX = lambda *s: torch.zeros(s, dtype=torch.int64, device="meta")  # noqa: E731
META_CHECKS = {
    "row_normalize": lambda m: (m.row_normalize, (META(3, 4),)),
    "pairwise_sq_dists": lambda m: (m.pairwise_sq_dists, (META(3, 4), META(5, 4))),
    "one_hot": lambda m: (m.one_hot, (_IDX(5), 3)),
    "matmul": lambda m: (m.matmul, (META(3, 4), META(4, 2))),
    "norms": lambda m: (m.norms, (META(3, 4),)),
    "flatten_batch": lambda m: (m.flatten_batch, (META(2, 3, 4, 4),)),
    "mse": lambda m: (m.mse, (META(3, 4), META(3, 4))),
    "l1": lambda m: (m.l1, (META(3, 4), META(3, 4))),
    "huber": lambda m: (m.huber, (META(3, 4), META(3, 4))),
    "sigmoid": lambda m: (m.sigmoid, (META(3, 4),)),
    "bce": lambda m: (m.bce, (META(3, 4), META(3, 4))),
    "bce_with_logits": lambda m: (m.bce_with_logits, (META(3, 4), META(3, 4))),
    "softmax": lambda m: (m.softmax, (META(3, 4), 1)),
    "log_softmax": lambda m: (m.log_softmax, (META(3, 4), 1)),
    "cross_entropy": lambda m: (m.cross_entropy, (META(3, 4), META(3, 4))),
    "entropy": lambda m: (m.entropy, (META(3, 4),)),
    "kl_div": lambda m: (m.kl_div, (META(3, 4), META(3, 4))),
    "relu": lambda m: (m.relu, (META(3, 4),)),
    "tanh": lambda m: (m.tanh, (META(3, 4),)),
    "hard_sigmoid_from_relus": lambda m: (m.hard_sigmoid_from_relus, (META(3, 4),)),
    "dropout": lambda m: (m.dropout, (META(3, 4), 0.5)),
    "conv2d": lambda m: (m.conv2d, (META(2, 3, 6, 6), META(4, 3, 3, 3), META(4), 1, 1)),
    "max_pool2d": lambda m: (m.max_pool2d, (META(2, 3, 6, 6), 2)),
    "batch_norm": lambda m: (m.batch_norm, (META(4, 3, 2, 2), META(3), META(3), META(3), META(3), True)),
    "rnn_cell": lambda m: (m.rnn_cell, (META(2, 3), META(2, 4), META(4, 3), META(4, 4), META(4), META(4))),
    "gru_cell": lambda m: (m.gru_cell, (META(2, 3), META(2, 4), META(12, 3), META(12, 4), META(12), META(12))),
    "embedding_lookup": lambda m: (m.embedding_lookup, (META(10, 4), _IDX(2, 3))),
    "Sigmoid": lambda m: (m.Sigmoid.apply, (META(3, 4),)),
    "detach_grad": lambda m: (m.detach_grad, (META(3, 4),)),
}


def _defs(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = node
    return out


def _strip(node):
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def _is_stub_body(body):
    return len(body) == 1 and isinstance(body[0], ast.Raise) and "NotImplementedError" in ast.dump(body[0])


def _stub_signature(node):
    """A normalised dump of a stub definition without docstrings (to compare with the exercise)."""
    if isinstance(node, ast.FunctionDef):
        parts = [node.name, ast.dump(node.args), *(ast.dump(s) for s in _strip(node)),
                 *(ast.dump(d) for d in node.decorator_list), ast.dump(node.returns) if node.returns else ""]
        return "/".join(parts)
    parts = [node.name, *(ast.dump(b) for b in node.bases)]
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            parts.append(_stub_signature(item))
    return "|".join(parts)


def status(path, name):
    node = _defs(path).get(name)
    if node is None:
        return "missing"
    if isinstance(node, ast.FunctionDef):
        return "stub" if _is_stub_body(_strip(node)) else "implemented"
    methods = [item for item in node.body if isinstance(item, ast.FunctionDef)]
    if methods and all(_is_stub_body(_strip(mm)) for mm in methods):
        return "stub"
    if any(_is_stub_body(_strip(mm)) for mm in methods):
        return "half"
    return "implemented"


def load(folder, topic, as_package):
    path = os.path.join(folder, f"{topic}.py")
    helpers = [os.path.splitext(f)[0] for f in os.listdir(folder) if f != f"{topic}.py"
               and (f.endswith(".py") or os.path.isdir(os.path.join(folder, f, "")) and not f.startswith("__"))]
    tag = "p" + os.path.basename(folder).split("_")[0]
    if as_package:
        pkg = types.ModuleType(tag)
        pkg.__path__ = [folder]
        sys.modules[tag] = pkg
        spec = importlib.util.spec_from_file_location(f"{tag}.{topic}", path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        return mod
    sys.path.insert(0, folder)
    name = f"{tag}_top_{topic}"
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod          # the documented importlib recipe (dataclasses need it)
        spec.loader.exec_module(mod)
        return mod
    finally:
        sys.path.remove(folder)
        sys.modules.pop(name, None)
        for h in helpers:
            for key in [k for k in sys.modules if k == h or k.startswith(h + ".")]:
                del sys.modules[key]


def load_ref(topic):
    spec = importlib.util.spec_from_file_location(f"ref_{topic}", os.path.join(MATERIAL, "solutions", f"{topic}.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def prove(folder):
    base = os.path.basename(folder)
    topic = base.split("_")[1]
    path = os.path.join(folder, f"{topic}.py")
    ex_path = os.path.join(MATERIAL, "exercises", f"{topic}.py")
    lines, ok = [], True
    try:
        mod = load(folder, topic, as_package=True)
        load(folder, topic, as_package=False)
    except Exception as e:  # noqa: BLE001
        return False, [f"  import failed: {type(e).__name__}: {e}"], [], []
    ref = load_ref(topic)
    ex_defs = _defs(ex_path)
    implemented, stubs = [], []
    for name in EXERCISES[topic]:
        st = status(path, name)
        if st == "implemented":
            implemented.append(name)
        elif st == "stub":
            stubs.append(name)
            same = _stub_signature(_defs(path)[name]) == _stub_signature(ex_defs[name])
            if not same:
                ok = False
                lines.append(f"  {name}: stub differs from the exercise's stub")
            check_obj = getattr(mod, name, None)
            if check_obj is None:
                ok = False
                lines.append(f"  {name}: stub missing from the module")
        else:
            ok = False
            lines.append(f"  {name}: {st}")
    if not implemented:
        ok = False
        lines.append("  nothing implemented")
    for name in implemented:
        torch.manual_seed(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                TESTS[name](mod, ref)
                if name in META_CHECKS:
                    fn, args = META_CHECKS[name](mod)
                    meta_check(fn, args, name)
            lines.append(f"  {name}: ok")
        except Fail as e:
            ok = False
            lines.append(f"  {name}: FAIL — {e}")
        except OffLimits as e:
            ok = False
            lines.append(f"  {name}: FAIL — called off-limits {e}")
        except Exception as e:  # noqa: BLE001
            ok = False
            tb = traceback.extract_tb(e.__traceback__)[-1]
            lines.append(f"  {name}: FAIL — {type(e).__name__}: {str(e)[:160]} (at {os.path.basename(tb.filename)}:{tb.lineno})")
    return ok, lines, implemented, stubs


def main(argv):
    folders = sorted(d for d in os.listdir(HERE) if os.path.isdir(os.path.join(HERE, d)) and d[:2].isdigit())
    if argv:
        folders = [d for d in folders if any(a in d for a in argv)]
    summary = {"PASS": 0, "FAIL": 0}
    results = {}
    for d in folders:
        ok, lines, implemented, stubs = prove(os.path.join(HERE, d))
        verdict = "PASS" if ok else "FAIL"
        summary[verdict] += 1
        results[d] = (verdict, implemented, stubs)
        print(f"{verdict} {d}  (implements {len(implemented)}, stubs {len(stubs)})")
        for ln in lines:
            print(ln)
        sys.stdout.flush()
    print(f"\nSUMMARY: {summary['PASS']} PASS, {summary['FAIL']} FAIL of {len(folders)} programs")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
