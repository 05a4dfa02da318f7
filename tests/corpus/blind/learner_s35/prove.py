"""Show, in plain torch, that every b35 file is wrong where its docstring says it must not be.

For each entry of labels.json: import the b35 file and the reference module by path, run the broken
exercise (and, for a callee, its caller too) on inputs the docstring allows, check that the reference
behaves as the docstring says, and print `OK <file> <evidence>` when the b35 file does not, else
`NOT WRONG <file>`. The reference is read from Path(__file__).resolve().parents[4] / "solutions", or from
the directory in the environment variable SOL.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = Path(__file__).resolve().parent
CHECKS = {}


def solutions_dir() -> Path:
    env = os.environ.get("SOL")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[4] / "solutions"


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def check(name):
    def register(fn):
        CHECKS[name] = fn
        return fn
    return register


def fails(fn, *args, **kwargs):
    """The exception's type and first line, or None when fn runs."""
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any failure is the evidence
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:90]}"
    return None


class NotWrong(Exception):
    pass


def need(condition: bool, what: str) -> None:
    """A property the reference must have (else the check itself is broken)."""
    if not condition:
        raise AssertionError(f"reference fails: {what}")


# ---------------------------------------------------------------------------------------------- tensors
@check("add_into")
def _(R, B):
    out = {}
    for tag, M in (("ref", R), ("bad", B)):
        x, y = torch.arange(4.0), torch.ones(4)
        z = torch.zeros(4)
        before, alias = z.data_ptr(), z[:]
        result = M.add_into(z, x, y)
        out[tag] = (result is z, z.data_ptr() == before, torch.equal(alias, x + y), torch.equal(z, x + y))
    need(out["ref"] == (True, True, True, True), "z[:] = x + y in the same storage")
    if out["bad"] == out["ref"]:
        raise NotWrong
    return (f"values right={out['bad'][3]} but storage kept={out['bad'][1]}, "
            f"a view of z taken before sees the sum={out['bad'][2]}")


@check("row_normalize")
def _(R, B):
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 0.0, 1.0], [0.5, 0.5, 9.0]])
    ref, bad = R.row_normalize(x), B.row_normalize(x)
    need(torch.allclose(ref.sum(1), torch.ones(3)), "rows sum to 1")
    if torch.allclose(bad.sum(1), torch.ones(3)):
        raise NotWrong
    rect = fails(B.row_normalize, torch.rand(4, 3) + 0.1)
    return f"3x3 input: row sums {bad.sum(1).tolist()} (want 1); 4x3 input: {rect}"


@check("fill_nan_with_column_mean")
def _(R, B):
    x = torch.tensor([[1.0, float("nan")], [3.0, 4.0], [float("nan"), 8.0]])
    kept = {}
    for tag, M in (("ref", R), ("bad", B)):
        xi = x.clone()
        result = M.fill_nan_with_column_mean(xi)
        kept[tag] = (int(torch.isnan(xi).sum()), result is xi, result.tolist())
    need(kept["ref"][0] == 2 and not kept["ref"][1], "x unchanged, new tensor")
    if kept["bad"][:2] == kept["ref"][:2]:
        raise NotWrong
    return (f"result values equal={kept['bad'][2] == kept['ref'][2]}, but the input's NaNs left: "
            f"{kept['bad'][0]} of 2, result is the input object={kept['bad'][1]}")


@check("norms")
def _(R, B):
    x = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
    (r1, r2), (b1, b2) = R.norms(x), B.norms(x)
    need(float(r1) == 10.0 and math.isclose(float(r2), math.sqrt(30), rel_tol=1e-6), "entrywise norms")
    if float(b1) == 10.0:
        raise NotWrong
    v1, _ = B.norms(torch.tensor([1.0, -2.0, 3.0]))
    return f"L1 of [[1,-2],[3,4]] = {float(b1)} (want 10; the max column sum); on a vector it is right ({float(v1)})"


# ---------------------------------------------------------------------------------------------- autograd
@check("numerical_grad")
def _(R, B):
    res = {}
    for dtype in (torch.float64, torch.float32):
        for tag, M in (("ref", R), ("bad", B)):
            torch.manual_seed(0)
            x = torch.randn(200, dtype=dtype)
            saved = x.clone()
            g = M.numerical_grad(lambda t: (t ** 3).sum(), x)
            res[tag, dtype] = (int((x != saved).sum()), float((x - saved).abs().max()), g)
        need(res["ref", dtype][0] == 0, "x restored exactly")
    if all(res["bad", d][0] == 0 for d in (torch.float64, torch.float32)):
        raise NotWrong
    return (f"x ~ randn(200), f = sum(x³): x not restored: float64 {res['bad', torch.float64][0]}/200 elements changed "
            f"(max {res['bad', torch.float64][1]:.1e}), float32 {res['bad', torch.float32][0]}/200 "
            f"(max {res['bad', torch.float32][1]:.1e})")


@check("Sigmoid")
def _(R, B):
    x0 = torch.linspace(-4, 4, 9, dtype=torch.float64)
    w = torch.arange(1.0, 10.0, dtype=torch.float64)
    want = w * torch.sigmoid(x0) * (1 - torch.sigmoid(x0))
    grads = {}
    for tag, M in (("ref", R), ("bad", B)):
        x = x0.clone().requires_grad_(True)
        (M.Sigmoid.apply(x) * w).sum().backward()
        grads[tag] = x.grad
        xs = x0.clone().requires_grad_(True)
        M.Sigmoid.apply(xs).sum().backward()
        grads[tag, "sum"] = torch.allclose(xs.grad, torch.sigmoid(x0) * (1 - torch.sigmoid(x0)), rtol=1e-7)
    need(torch.allclose(grads["ref"], want, rtol=1e-7), "d/dx sum(w*sigmoid(x))")
    if torch.allclose(grads["bad"], want, rtol=1e-7):
        raise NotWrong
    err = float(((grads["bad"] - want).abs() / want.abs()).max())
    return f"grad of sum(w*Sigmoid(x)) off by up to {err:.2f} relative (w=1..9); plain .sum() grad right={grads['bad', 'sum']}"


@check("Value")
def _(R, B):
    out = {}
    for tag, M in (("ref", R), ("bad", B)):
        a = M.Value(3.0)
        y = 1 - a
        y.backward()
        b = M.Value(3.0)
        z = b - 1
        z.backward()
        out[tag] = (y.data, a.grad, z.data, b.grad)
    need(out["ref"] == (-2.0, -1.0, 2.0, 1.0), "1 - a and a - 1")
    if out["bad"] == out["ref"]:
        raise NotWrong
    return f"1 - Value(3): data {out['bad'][0]} grad {out['bad'][1]} (want -2, -1); Value(3) - 1 is right"


# ---------------------------------------------------------------------------------------------- losses
@check("log_softmax")
def _(R, B):
    x = torch.tensor([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -1003.0]])
    target = torch.tensor([0, 1])
    want = torch.log_softmax(x, dim=1)
    ref, bad = R.log_softmax(x, dim=1), B.log_softmax(x, dim=1)
    need(torch.allclose(ref, want, atol=8 * 1.2e-7 * 1000), "log_softmax at ±1000")
    ce_ref, ce_bad = R.cross_entropy(x, target), B.cross_entropy(x, target)
    need(math.isclose(float(ce_ref), float(F.cross_entropy(x, target)), rel_tol=1e-5), "cross_entropy at ±1000")
    if torch.allclose(bad, want, atol=1e-2):
        raise NotWrong
    small = torch.randn(3, 4)
    ok_small = torch.allclose(B.log_softmax(small), torch.log_softmax(small, -1), atol=1e-6)
    return (f"rows at +1000 and -1000: second row {bad[1].tolist()} (want {want[1].tolist()}); "
            f"caller cross_entropy = {float(ce_bad)} vs F.cross_entropy {float(F.cross_entropy(x, target)):.4f}; "
            f"moderate logits right={ok_small}")


@check("bce")
def _(R, B):
    p = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.3])
    y = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.6])
    want = F.binary_cross_entropy(p, y)
    ref, bad = R.bce(p, y), B.bce(p, y)
    need(math.isclose(float(ref), float(want), rel_tol=1e-5), "equal to F.binary_cross_entropy")
    if math.isclose(float(bad), float(want), rel_tol=1e-5):
        raise NotWrong
    p64, y64 = torch.tensor([0.0, 0.5], dtype=torch.float64), torch.tensor([1.0, 0.5], dtype=torch.float64)
    return (f"float32 p=[1,0,1,0,.3], y=[1,0,0,1,.6]: {float(bad)} vs torch {float(want):.4f}; "
            f"float64 p=0,y=1 term: {float(B.bce(p64, y64)):.4f} vs {float(F.binary_cross_entropy(p64, y64)):.4f}")


@check("huber")
def _(R, B):
    torch.manual_seed(0)
    yh, y = torch.randn(50) * 4, torch.randn(50)
    res = {}
    for delta in (1.0, 2.0, 0.5):
        want = float(F.huber_loss(yh, y, delta=delta))
        need(math.isclose(float(R.huber(yh, y, delta)), want, rel_tol=1e-5), f"huber delta={delta}")
        res[delta] = (float(B.huber(yh, y, delta)), want)
    if all(math.isclose(b, w, rel_tol=1e-5) for b, w in res.values()):
        raise NotWrong
    return ("delta=1: %.4f vs %.4f (equal); delta=2: %.4f vs %.4f; delta=0.5: %.4f vs %.4f"
            % (*res[1.0], *res[2.0], *res[0.5]))


@check("kl_div")
def _(R, B):
    p0 = torch.softmax(torch.randn(3, 4, dtype=torch.float64), -1)
    out = {}
    for tag, M in (("ref", R), ("bad", B)):
        p = p0.clone().requires_grad_(True)
        q = p0.clone().requires_grad_(True)
        kl = M.kl_div(p, q)
        grad_err = fails(lambda: kl.sum().backward())
        out[tag] = (kl.dtype, kl.requires_grad, grad_err, q.grad)
    need(out["ref"][0] == torch.float64 and out["ref"][1] and out["ref"][2] is None
         and torch.allclose(out["ref"][3], -torch.ones_like(p0)), "float64, differentiable, dKL/dq = -p/q = -1")
    if out["bad"][:3] == out["ref"][:3]:
        raise NotWrong
    return (f"p == q (float64, requires grad): result dtype {out['bad'][0]}, requires_grad={out['bad'][1]}, "
            f"backward: {out['bad'][2]} (want float64 and dKL/dq = -1)")


# ---------------------------------------------------------------------------------------------- optim
@check("SGD")
def _(R, B):
    def run(make, accumulate):
        torch.manual_seed(0)
        w = torch.randn(5, dtype=torch.float64, requires_grad=True)
        opt = make([w])
        grad_changed = None
        for step in range(6):
            if not accumulate:
                opt.zero_grad()
            loss = ((w - 1.0) ** 2).sum()
            loss.backward()
            g = w.grad.clone()
            opt.step()
            if step == 0:
                grad_changed = float((w.grad - g).abs().max())
        return w.detach().clone(), grad_changed

    kwargs = dict(lr=0.05, momentum=0.9, weight_decay=0.1)
    torch_acc, _ = run(lambda ps: torch.optim.SGD(ps, **kwargs), True)
    ref_acc, ref_gc = run(lambda ps: R.SGD(ps, **kwargs), True)
    bad_acc, bad_gc = run(lambda ps: B.SGD(ps, **kwargs), True)
    torch_z, _ = run(lambda ps: torch.optim.SGD(ps, **kwargs), False)
    bad_z, _ = run(lambda ps: B.SGD(ps, **kwargs), False)
    need(torch.allclose(ref_acc, torch_acc, rtol=1e-10, atol=1e-12) and ref_gc == 0.0, "torch SGD, .grad untouched")
    if bad_gc == 0.0 and torch.allclose(bad_acc, torch_acc, rtol=1e-10, atol=1e-12):
        raise NotWrong
    return (f"weight_decay=0.1: step() changed p.grad by up to {bad_gc:.3g}; with accumulated grads "
            f"6 steps end {float((bad_acc - torch_acc).abs().max()):.3g} from torch.optim.SGD "
            f"(with zero_grad each step: {float((bad_z - torch_z).abs().max()):.1g})")


@check("Adam")
def _(R, B):
    def run(make):
        torch.manual_seed(0)
        a = torch.randn(3, dtype=torch.float64, requires_grad=True)
        b = torch.randn(3, dtype=torch.float64, requires_grad=True)
        opt = make([a, b])
        for step in range(8):
            opt.zero_grad(set_to_none=True)
            loss = (a ** 2).sum() + ((b ** 2).sum() if step >= 2 else 0.0)
            loss.backward()
            opt.step()
        return a.detach().clone(), b.detach().clone(), opt.state[b].get("step")

    kw = dict(lr=0.1)
    ta, tb, tstep = run(lambda ps: torch.optim.Adam(ps, **kw))
    ra, rb, _ = run(lambda ps: R.Adam(ps, **kw))
    ba, bb, bstep = run(lambda ps: B.Adam(ps, **kw))
    need(torch.allclose(ra, ta, rtol=1e-10) and torch.allclose(rb, tb, rtol=1e-10), "torch Adam")
    if torch.allclose(ba, ta, rtol=1e-10) and torch.allclose(bb, tb, rtol=1e-10):
        raise NotWrong
    return (f"param b first gets a grad at step 3: after 8 steps |b - torch| = {float((bb - tb).abs().max()):.3g} "
            f"(a, always graded, matches: {torch.allclose(ba, ta, rtol=1e-10)}); b's step count {float(bstep)} vs torch {float(tstep)}")


@check("minibatch_indices")
def _(R, B):
    out = {}
    for tag, M in (("ref", R), ("bad", B)):
        batches = list(M.minibatch_indices(10, 4, shuffle=False))
        out[tag] = [len(b) for b in batches], torch.cat(batches).tolist()
    need(out["ref"] == ([4, 4, 2], list(range(10))), "every sample once")
    if out["bad"] == out["ref"]:
        raise NotWrong
    g = torch.Generator().manual_seed(0)
    seen = sorted(torch.cat(list(B.minibatch_indices(10, 4, generator=g))).tolist())
    return f"n=10, batch_size=4: batch sizes {out['bad'][0]} (want [4, 4, 2]); shuffled epoch covers {len(seen)}/10 samples"


@check("DiabetesDataset")
def _(R, B):
    table = np.random.default_rng(0).random((6, 8)).round(3)
    table[:, -1] = [0, 1, 1, 0, 1, 0]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "diabetes.csv.gz")
        np.savetxt(path, table, delimiter=",", fmt="%.3f")
        ref, bad = R.DiabetesDataset(path), B.DiabetesDataset(path)
        rx, ry = ref[0]
        bx, by = bad[0]
        need(len(ref) == 6 and rx.dtype == ry.dtype == torch.float32 and rx.shape == (7,) and ry.shape == (1,), "float32")
        if bx.dtype == by.dtype == torch.float32:
            raise NotWrong
        loader = torch.utils.data.DataLoader(bad, batch_size=3)
        err = fails(lambda: nn.Linear(7, 1)(next(iter(loader))[0]))
    return (f"len {len(bad)} and shapes {tuple(bx.shape)}, {tuple(by.shape)} right, dtypes {bx.dtype}/{by.dtype} "
            f"(want float32); a float32 nn.Linear on a batch: {err}")


# ---------------------------------------------------------------------------------------------- mlp
@check("relu")
def _(R, B):
    x = torch.tensor([-1.5, -0.2, 0.3, 2.0]).to(torch.float16)
    r, b = R.relu(x), B.relu(x)
    hr, hb = R.hard_sigmoid_from_relus(x), B.hard_sigmoid_from_relus(x)
    need(r.dtype == hr.dtype == torch.float16, "dtype kept")
    meta_ref = fails(R.relu, torch.empty(3, device="meta"))
    need(meta_ref is None, "runs on the input's device")
    if b.dtype == hb.dtype == torch.float16:
        raise NotWrong
    meta_bad = fails(B.relu, torch.empty(3, device="meta"))
    return (f"float16 input -> relu {b.dtype}, caller hard_sigmoid_from_relus {hb.dtype} (want float16); "
            f"input on a non-CPU device (meta): {meta_bad}")


@check("dropout")
def _(R, B):
    def masks(M):
        x = torch.ones(2000)
        torch.manual_seed(1)
        m1 = M.dropout(x, 0.5) != 0
        m2 = M.dropout(x, 0.5) != 0
        torch.manual_seed(2)
        m3 = M.dropout(x, 0.5) != 0
        torch.manual_seed(1)
        m4 = M.dropout(x, 0.5) != 0
        return m1, m2, m3, m4

    r1, r2, r3, r4 = masks(R)
    need(not torch.equal(r1, r2) and not torch.equal(r1, r3) and torch.equal(r1, r4), "follows torch's RNG")
    b1, b2, b3, b4 = masks(B)
    if not torch.equal(b1, b2) and not torch.equal(b1, b3):
        raise NotWrong
    return (f"two calls in a row drop the same elements={torch.equal(b1, b2)}; manual_seed(1) vs manual_seed(2) "
            f"give the same mask={torch.equal(b1, b3)} (keep rate {float(b1.float().mean()):.3f})")


@check("train_epoch")
def _(R, B):
    out = {}
    for tag, M in (("ref", R), ("bad", B)):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.5), nn.Linear(16, 1))
        data = [(torch.randn(5, 4), torch.randn(5, 1)) for _ in range(3)]
        model.eval()  # e.g. after an evaluate() of the previous epoch
        opt = torch.optim.SGD(model.parameters(), lr=0.0)
        torch.manual_seed(1)
        loss = M.train_epoch(model, data, F.mse_loss, opt, "cpu")
        model.eval()
        with torch.no_grad():
            eval_loss = sum(F.mse_loss(model(x), y).item() * len(x) for x, y in data) / 15
        out[tag] = (model.training, loss, eval_loss)
    need(out["ref"][1] != out["ref"][2], "dropout active while training")
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.5), nn.Linear(16, 1)).eval()
    R.train_epoch(m, [(torch.randn(5, 4), torch.randn(5, 1))], F.mse_loss, torch.optim.SGD(m.parameters(), lr=0.0), "cpu")
    need(m.training, "train mode after the call")
    m2 = nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.5), nn.Linear(16, 1)).eval()
    B.train_epoch(m2, [(torch.randn(5, 4), torch.randn(5, 1))], F.mse_loss, torch.optim.SGD(m2.parameters(), lr=0.0), "cpu")
    if m2.training:
        raise NotWrong
    return (f"model left in eval mode (training={m2.training}); the epoch's loss {out['bad'][1]:.4f} equals the "
            f"dropout-free eval loss {out['bad'][2]:.4f} (in train mode: {out['ref'][1]:.4f})")


# ---------------------------------------------------------------------------------------------- cnn
@check("conv_output_size")
def _(R, B):
    cases = [(6, 3, 0, 2), (28, 5, 2, 1), (7, 2, 1, 3), (10, 3, 0, 4)]
    want = [(n + 2 * p - k) // s + 1 for n, k, p, s in cases]
    ref = [R.conv_output_size(*c) for c in cases]
    bad = [B.conv_output_size(*c) for c in cases]
    need(ref == want, "floor formula")
    torch.manual_seed(0)
    x, w = torch.randn(1, 2, 6, 6), torch.randn(3, 2, 3, 3)
    need(torch.allclose(R.conv2d(x, w, stride=2), F.conv2d(x, w, stride=2), atol=1e-5), "conv2d stride 2")
    if bad == want:
        raise NotWrong
    caller = fails(B.conv2d, x, w, None, 2, 0)
    return f"sizes for (n,k,p,s)={cases}: {bad} (want {want}); caller conv2d(6x6, 3x3, stride=2): {caller}"


@check("corr2d")
def _(R, B):
    torch.manual_seed(0)
    x = torch.randn(5, 6, dtype=torch.float64)
    k = torch.tensor([[1.0, -1.0], [0.5, 2.0]], dtype=torch.float64)
    want = F.conv2d(x[None, None], k[None, None])[0, 0]
    need(torch.allclose(R.corr2d(x, k), want), "cross-correlation")
    bad = B.corr2d(x, k)
    if torch.allclose(bad, want):
        raise NotWrong
    sym = torch.ones(3, 3, dtype=torch.float64)
    same_sym = torch.allclose(B.corr2d(x, sym), F.conv2d(x[None, None], sym[None, None])[0, 0])
    return f"asymmetric kernel: max |Y - F.conv2d| = {float((bad - want).abs().max()):.3f}; symmetric kernel right={same_sym}"


@check("max_pool2d")
def _(R, B):
    x = torch.arange(32.0).reshape(1, 2, 4, 4)
    want = F.max_pool2d(x, 1, 2)
    ref, bad = R.max_pool2d(x, 1, 2), B.max_pool2d(x, 1, 2)
    need(ref.shape == want.shape and torch.equal(ref, want), "kernel 1 stride 2")
    if bad.shape == want.shape and torch.equal(bad, want):
        raise NotWrong
    return (f"max_pool2d(x (1,2,4,4), kernel_size=1, stride=2) has shape {tuple(bad.shape)} "
            f"(want {tuple(want.shape)}); returns the input object={bad is x}")


# ---------------------------------------------------------------------------------------------- inception
@check("InceptionA")
def _(R, B):
    torch.manual_seed(0)
    ref = R.InceptionA(5)
    bad = B.InceptionA(5)
    bad.load_state_dict(ref.state_dict())
    x = torch.randn(2, 5, 8, 8)
    with torch.no_grad():
        r, b = ref(x), bad(x)
    need(r.shape == (2, 88, 8, 8), "88 channels")
    net_r = R.GoogLeNetMini(1, 10, 8)
    net_b = B.GoogLeNetMini(1, 10, 8)
    net_b.load_state_dict(net_r.state_dict())
    xi = torch.randn(3, 1, 8, 8)
    with torch.no_grad():
        nr, nb = net_r(xi), net_b(xi)
    if torch.allclose(r, b, atol=1e-6):
        raise NotWrong
    return (f"same weights: InceptionA outputs differ by up to {float((r - b).abs().max()):.3f} "
            f"(branches b5x5/b3x3); caller GoogLeNetMini logits differ by {float((nr - nb).abs().max()):.3g}")


@check("conv_mults")
def _(R, B):
    r, b = R.conv_mults(28, 28, 192, 32, 5), B.conv_mults(28, 28, 192, 32, 5)
    need(type(r) is int and r == 120_422_400, "int 120422400")
    big_r, big_b = R.conv_mults(4096, 4096, 4096, 4096, 7), B.conv_mults(4096, 4096, 4096, 4096, 7)
    if type(b) is int:
        raise NotWrong
    return f"returns {b!r} ({type(b).__name__}, want int); at 7x7 4096->4096 on 4096x4096: {big_b!r} vs {big_r}"


@check("GoogLeNetMini")
def _(R, B):
    x = torch.randn(2, 1, 8, 8)
    with torch.no_grad():
        r = R.GoogLeNetMini(1, 5, 8)(x)
        b = B.GoogLeNetMini(1, 5, 8)(x)
    need(r.shape == (2, 5), "num_classes logits")
    if b.shape == r.shape:
        raise NotWrong
    return f"GoogLeNetMini(num_classes=5) returns logits of shape {tuple(b.shape)} (want (2, 5))"


# ---------------------------------------------------------------------------------------------- resnet
@check("BasicBlock")
def _(R, B):
    torch.manual_seed(0)
    x = torch.randn(4, 8, 6, 6)
    diffs = {}
    for args in ((8, 8, 1), (8, 16, 2)):
        ref, bad = R.BasicBlock(*args), B.BasicBlock(*args)
        bad.load_state_dict(ref.state_dict())
        with torch.no_grad():
            diffs[args] = float((ref(x) - bad(x)).abs().max())
    net_r, net_b = R.SmallResNet(1, 10), B.SmallResNet(1, 10)
    net_b.load_state_dict(net_r.state_dict())
    xi = torch.randn(4, 1, 8, 8)
    with torch.no_grad():
        caller = float((net_r(xi) - net_b(xi)).abs().max())
    if max(diffs.values()) < 1e-6:
        raise NotWrong
    return (f"same weights: block outputs differ by {diffs[(8, 8, 1)]:.3f} (identity shortcut) and "
            f"{diffs[(8, 16, 2)]:.3f} (projection); caller SmallResNet logits differ by {caller:.3g}")


@check("batch_norm")
def _(R, B):
    torch.manual_seed(0)
    x = torch.randn(4, 3, 2, 2, dtype=torch.float64) * 2 + 1
    gamma, beta = torch.rand(3, dtype=torch.float64) + 0.5, torch.randn(3, dtype=torch.float64)
    res = {}
    for tag, fn in (("torch", None), ("ref", R.batch_norm), ("bad", B.batch_norm)):
        rm, rv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
        if fn is None:
            y = F.batch_norm(x, rm, rv, gamma, beta, True, 0.1, 1e-5)
        else:
            y = fn(x, gamma, beta, rm, rv, True, 0.1, 1e-5)
        res[tag] = (y, rm, rv)
    need(all(torch.allclose(a, b, rtol=1e-7) for a, b in zip(res["ref"], res["torch"])), "F.batch_norm")
    if all(torch.allclose(a, b, rtol=1e-7) for a, b in zip(res["bad"], res["torch"])):
        raise NotWrong
    return (f"training, N*H*W=16: max |y - F.batch_norm| = {float((res['bad'][0] - res['torch'][0]).abs().max()):.3g}, "
            f"running_var {[round(v, 5) for v in res['bad'][2].tolist()]} vs {[round(v, 5) for v in res['torch'][2].tolist()]}")


@check("ResidualBlock")
def _(R, B):
    out = {}
    for tag, M in (("ref", R), ("bad", B)):
        torch.manual_seed(0)
        block = M.ResidualBlock(4)
        x = torch.randn(2, 4, 5, 5)
        saved = x.clone()
        with torch.no_grad():
            y = block(x)
        leaf = torch.randn(2, 4, 5, 5, requires_grad=True)
        out[tag] = (float((x - saved).abs().max()), y, fails(lambda: block(leaf).sum().backward()))
    need(out["ref"][0] == 0.0 and out["ref"][2] is None, "input untouched, differentiable")
    if out["bad"][0] == 0.0 and out["bad"][2] is None:
        raise NotWrong
    return (f"output equal={torch.allclose(out['bad'][1], out['ref'][1])}, but the caller's input was overwritten "
            f"(max change {out['bad'][0]:.3f}); input requiring grad: {out['bad'][2]}")


# ---------------------------------------------------------------------------------------------- rnn
@check("rnn_cell")
def _(R, B):
    torch.manual_seed(0)
    cell = nn.RNNCell(5, 5).double()
    x, h = torch.randn(3, 5, dtype=torch.float64), torch.randn(3, 5, dtype=torch.float64)
    args = (x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    with torch.no_grad():
        want = cell(x, h)
        ref, bad = R.rnn_cell(*args), B.rnn_cell(*args)
        need(torch.allclose(ref, want), "nn.RNNCell")
        rnn = nn.RNN(5, 5, num_layers=2).double()
        xs, h0 = torch.randn(4, 3, 5, dtype=torch.float64), torch.randn(2, 3, 5, dtype=torch.float64)
        out_t, hn_t = rnn(xs, h0)
        out_r, _ = R.rnn_forward(xs, h0, rnn.all_weights)
        need(torch.allclose(out_r, out_t), "nn.RNN")
        out_b, hn_b = B.rnn_forward(xs, h0, rnn.all_weights)
    if torch.allclose(bad, want):
        raise NotWrong
    return (f"input_size == hidden == 5: |h' - nn.RNNCell| up to {float((bad - want).abs().max()):.3f}; "
            f"caller rnn_forward (2 layers) output off by {float((out_b - out_t).abs().max()):.3f}")


@check("gru_cell")
def _(R, B):
    torch.manual_seed(0)
    cell = nn.GRUCell(4, 6).double()
    x, h = torch.randn(3, 4, dtype=torch.float64), torch.randn(3, 6, dtype=torch.float64)
    args = (x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    with torch.no_grad():
        want, ref, bad = cell(x, h), R.gru_cell(*args), B.gru_cell(*args)
    need(torch.allclose(ref, want), "nn.GRUCell")
    if torch.allclose(bad, want):
        raise NotWrong
    return f"|h' - nn.GRUCell| up to {float((bad - want).abs().max()):.3f} with the same fused weights"


@check("HelloRNN")
def _(R, B):
    idx = R.encode_chars("hello", "ehlo").unsqueeze(1)
    target = R.encode_chars("ohlol", "ehlo")
    other = idx.clone()
    other[0, 0] = 3
    res = {}
    for tag, M in (("ref", R), ("bad", B)):
        torch.manual_seed(0)
        model = M.HelloRNN(4, 8)
        with torch.no_grad():
            y1, y2 = model(idx), model(other)
        memory = float((y1[-1] - y2[-1]).abs().max())
        opt = torch.optim.Adam(model.parameters(), lr=0.05)
        for _ in range(300):
            opt.zero_grad()
            loss = F.cross_entropy(model(idx).reshape(-1, 4), target)
            loss.backward()
            opt.step()
        with torch.no_grad():
            acc = int((model(idx).reshape(-1, 4).argmax(1) == target).sum())
        res[tag] = (tuple(y1.shape), memory, acc)
    need(res["ref"][0] == (5, 1, 4) and res["ref"][1] > 0 and res["ref"][2] == 5, "shape, memory, learns ohlol")
    if res["bad"][1] > 0 and res["bad"][2] == 5:
        raise NotWrong
    return (f"shape {res['bad'][0]} right, but changing the first character moves the last step's logits by "
            f"{res['bad'][1]:.3g} (no recurrence; reference {res['ref'][1]:.3g}); after 300 Adam steps "
            f"{res['bad'][2]}/5 of 'ohlol' right (reference 5/5)")


# ---------------------------------------------------------------------------------------------- main
def main() -> None:
    sol = solutions_dir()
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    ok = 0
    for i, label in enumerate(labels):
        ref = load(sol / f"{label['topic']}.py", f"s35_ref_{label['topic']}_{i}")
        bad = load(HERE / label["file"], f"s35_bad_{i}")
        fn = CHECKS.get(label["exercise"])
        try:
            if fn is None:
                raise NotWrong
            evidence = fn(ref, bad)
        except NotWrong:
            print(f"NOT WRONG {label['file']}")
            continue
        except AssertionError as exc:
            print(f"NOT WRONG {label['file']} (check broken: {exc})")
            continue
        ok += 1
        print(f"OK {label['file']} {label['exercise']}: {evidence}")
    print(f"summary: {ok}/{len(labels)} OK")


if __name__ == "__main__":
    main()
