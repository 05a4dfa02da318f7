"""Show, in plain torch, that each b36 file is wrong where its docstring says it must not be.

For every b36_NN_<topic>.py beside this file: import it and the reference solutions/<topic>.py by path, run
the broken exercise (and, for a callee case, its caller) on inputs the docstring allows, and print
`OK <file> <evidence>` when the behaviour differs from the reference as the docstring forbids, else
`NOT WRONG <file>`. The solutions are at Path(__file__).resolve().parents[4] / "solutions" unless the
environment variable SOL says otherwise.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
import os
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

HERE = Path(__file__).resolve().parent
warnings.filterwarnings("ignore")


def solutions_dir() -> Path:
    if os.environ.get("SOL"):
        return Path(os.environ["SOL"]).resolve()
    return Path(__file__).resolve().parents[4] / "solutions"


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def close(a, b, rtol=1e-5, atol=1e-6) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and torch.allclose(a, b, rtol=rtol, atol=atol)


def raises(fn) -> str | None:
    try:
        fn()
    except Exception as error:  # noqa: BLE001
        return f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"
    return None


# Each check gets (m, r): the broken module and the reference. It returns evidence (a string) when the broken
# module behaves as the docstring forbids AND the reference does not; None otherwise.

def c_add_into(m, r):
    out = []
    for mod in (m, r):
        x, y = torch.arange(4.0), torch.ones(4)
        z = torch.zeros(4)
        ptr, view = z.data_ptr(), z[:]
        res = mod.add_into(z, x, y)
        out.append((res is z, z.data_ptr() == ptr, torch.equal(view, x + y), torch.equal(z, x + y)))
    (m_is, m_ptr, m_view, m_val), ref = out
    if m_is and m_val and not m_ptr and not m_view and all(ref):
        return "returns z with x+y, but z.data_ptr() changed and a view of z still holds zeros (not in place)"


def c_fill_nan(m, r):
    x = torch.tensor([[1.0, float("nan"), 3.0], [float("nan"), 4.0, 5.0], [7.0, 8.0, float("nan")]])
    xm, xr = x.clone(), x.clone()
    ym, yr = m.fill_nan_with_column_mean(xm), r.fill_nan_with_column_mean(xr)
    if torch.equal(ym, yr) and torch.isnan(xr).sum() == 3 and torch.isnan(xm).sum() == 0:
        return f"values right, but the caller's x lost its 3 NaNs (x mutated; result is x: {ym is xm})"


def c_norms(m, r):
    v = torch.tensor([3.0, -4.0])
    a = torch.tensor([[1.0, -2.0], [3.0, 4.0]])
    (m1v, _), (r1v, _) = m.norms(v), r.norms(v)
    (m1, m2), (r1, r2) = m.norms(a), r.norms(a)
    if torch.equal(m1v, r1v) and torch.equal(m2, r2) and not torch.allclose(m1, r1):
        return f"vector L1 right ({float(m1v)}), matrix L1 {float(m1)} != {float(r1)} (max column sum, not Σ|x|)"


def c_pairwise(m, r):
    torch.manual_seed(0)
    a, b = torch.randn(4, 3), torch.randn(4, 3)
    dm, dr = m.pairwise_sq_dists(a, b), r.pairwise_sq_dists(a, b)
    true = ((a[:, None] - b[None]) ** 2).sum(-1)
    selfm = m.pairwise_sq_dists(a, a)
    crash = raises(lambda: m.pairwise_sq_dists(torch.randn(5, 3), torch.randn(3, 3)))
    if dm.shape == dr.shape and torch.allclose(dr, true, atol=1e-5) and not torch.allclose(dm, true, atol=1e-3):
        return (f"n=m=4: shape right, max error {float((dm - true).abs().max()):.3f}; self-distance diag "
                f"{float(selfm.diag().abs().max()):.1e} but asymmetric; n=5,m=3: {crash}")


def c_grad_vec(m, r):
    torch.manual_seed(0)
    f = lambda t: t ** 3  # noqa: E731
    x = torch.randn(5, dtype=torch.float64, requires_grad=True)
    gm = m.grad_of_vector_fn(f, x)
    polluted = x.grad is not None
    x2 = torch.randn(5, dtype=torch.float64, requires_grad=True)
    gr = r.grad_of_vector_fn(f, x2)
    x3 = torch.randn(5, dtype=torch.float64)
    plain_ok = torch.allclose(m.grad_of_vector_fn(f, x3), 3 * x3 ** 2)
    if plain_ok and (gm is None or polluted) and x2.grad is None and torch.allclose(gr, 3 * x2.detach() ** 2):
        return f"right for x without grad; for x.requires_grad: returned {type(gm).__name__}, caller's x.grad set: {polluted}"


def c_numgrad(m, r):
    torch.manual_seed(0)
    f = lambda t: (t ** 3).sum()  # noqa: E731
    for dtype in (torch.float32, torch.float64):
        x = torch.randn(50, dtype=dtype)
        x0 = x.clone()
        g = m.numerical_grad(f, x, eps=1e-3 if dtype == torch.float32 else 1e-6)
        y = torch.randn(50, dtype=dtype)
        y0 = y.clone()
        r.numerical_grad(f, y, eps=1e-3 if dtype == torch.float32 else 1e-6)
        changed = int((x != x0).sum())
        if changed and torch.equal(y, y0):
            return (f"{dtype}: {changed}/50 elements of x not restored (max change "
                    f"{float((x - x0).abs().max()):.1e}); gradient itself ~ right: {torch.allclose(g, 3 * x0**2, rtol=1e-2, atol=1e-2)}")


def c_value(m, r):
    def run(V):
        a = V(0.7)
        f = a.tanh()
        d = f + 1          # a path of length 2 from f to the output ...
        out = d * f        # ... and one of length 1
        out.backward()
        return a.grad

    def run_chain(V):
        a = V(0.3)
        out = ((a * 2).exp() + 1).tanh()
        out.backward()
        return a.grad

    t = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    ft = torch.tanh(t)
    ((ft + 1) * ft).backward()
    gm, gr = run(m.Value), run(r.Value)
    if math.isclose(gr, t.grad.item(), rel_tol=1e-9) and not math.isclose(gm, gr, rel_tol=1e-6) \
            and math.isclose(run_chain(m.Value), run_chain(r.Value), rel_tol=1e-12):
        return f"chain right; out=(tanh(a)+1)*tanh(a): a.grad {gm:.6f}, torch {t.grad.item():.6f}"


def c_quad(m, r):
    torch.manual_seed(0)
    w1, w2, b = (torch.randn((), dtype=torch.float64) for _ in range(3))
    x, y = torch.randn(6, dtype=torch.float64), torch.randn(6, dtype=torch.float64)
    gm, gr = m.quadratic_grads(w1, w2, b, x, y), r.quadratic_grads(w1, w2, b, x, y)
    g1m, g1r = m.quadratic_grads(w1, w2, b, x[:1], y[:1]), r.quadratic_grads(w1, w2, b, x[:1], y[:1])
    wr = w1.clone().requires_grad_()
    (((wr * x**2 + w2 * x + b - y) ** 2).mean()).backward()
    if all(torch.allclose(p, q) for p, q in zip(g1m, g1r)) and torch.allclose(gr[0], wr.grad) \
            and not torch.allclose(gm[0], gr[0]):
        return f"n=1 equal; n=6: dL/dw1 {float(gm[0]):.4f} vs {float(gr[0]):.4f} (ratio {float(gm[0] / gr[0]):.1f})"


def c_log_softmax(m, r):
    torch.manual_seed(0)
    x = torch.randn(3, 5)
    lm, lr = m.log_softmax(x, dim=-1), r.log_softmax(x, dim=-1)
    t = torch.tensor([0, 3, 1])
    cm, cr = m.cross_entropy(x, t), r.cross_entropy(x, t)
    c1m, c1r = m.cross_entropy(x[:1], t[:1]), r.cross_entropy(x[:1], t[:1])
    if close(lr, F.log_softmax(x, -1)) and not torch.allclose(lm, lr, atol=1e-3) \
            and torch.allclose(c1m, c1r) and not torch.allclose(cm, cr, atol=1e-3):
        return (f"log_softmax rows sum (in prob) to {lm.exp().sum(-1).tolist()[0]:.3f}; cross_entropy n=1 equal, "
                f"n=3 {float(cm):.4f} vs F.cross_entropy {float(F.cross_entropy(x, t)):.4f}")


def c_bce(m, r):
    p = torch.tensor([1.0, 1e-9, 0.3])
    y = torch.tensor([0.0, 1.0, 1.0])
    bm, br, bt = m.bce(p, y), r.bce(p, y), F.binary_cross_entropy(p, y)
    pg = p.clone().requires_grad_()
    m.bce(pg, y).backward()
    if torch.allclose(br, bt, rtol=1e-5) and not torch.allclose(bm, bt, rtol=1e-3):
        return f"p=[1,1e-9,0.3], y=[0,1,1]: {float(bm):.3f} vs F.binary_cross_entropy {float(bt):.3f}; grad at p=1: {float(pg.grad[0])}"


def c_entropy(m, r):
    torch.manual_seed(0)
    p = torch.softmax(torch.randn(4, 4), -1)
    v = p[0]
    em, er = m.entropy(p), r.entropy(p)
    true = -(p * p.log()).sum(-1)
    if torch.allclose(m.entropy(v), r.entropy(v)) and em.shape == er.shape and torch.allclose(er, true) \
            and not torch.allclose(em, true, atol=1e-3):
        return f"1-D right; (4,4): shape {tuple(em.shape)} right, values {em.tolist()[0]:.4f} vs {true.tolist()[0]:.4f}"


def c_huber(m, r):
    torch.manual_seed(0)
    a, b = torch.randn(20) * 3, torch.randn(20)
    d1 = torch.allclose(m.huber(a, b, delta=1.0), F.huber_loss(a, b, delta=1.0))
    hm, ht = m.huber(a, b, delta=2.0), F.huber_loss(a, b, delta=2.0)
    if d1 and torch.allclose(r.huber(a, b, delta=2.0), ht) and not torch.allclose(hm, ht, rtol=1e-3):
        return f"delta=1 equal; delta=2: {float(hm):.4f} vs F.huber_loss {float(ht):.4f}"


def _run_opt(cls, kwargs, steps=5, seed=0, scale=1.0):
    torch.manual_seed(seed)
    p = torch.randn(6, dtype=torch.float64, requires_grad=True)
    target = torch.randn(6, dtype=torch.float64)
    opt = cls([p], **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        loss = (scale * (p - target) ** 2).sum()
        loss.backward()
        opt.step()
    return p.detach()


def c_sgd(m, r):
    kw0 = dict(lr=0.1, momentum=0.9)
    kw = dict(lr=0.1, momentum=0.9, dampening=0.5)
    same0 = torch.allclose(_run_opt(m.SGD, kw0), _run_opt(torch.optim.SGD, kw0), rtol=1e-10, atol=1e-12)
    pm, pt, pr = _run_opt(m.SGD, kw, 1), _run_opt(torch.optim.SGD, kw, 1), _run_opt(r.SGD, kw, 1)
    if same0 and torch.allclose(pr, pt, rtol=1e-10, atol=1e-12) and not torch.allclose(pm, pt, rtol=1e-6):
        return (f"dampening=0 equal to torch.optim.SGD; dampening=0.5: after ONE step max |Δp| "
                f"{float((pm - pt).abs().max()):.3e}")


def c_adam(m, r):
    kw0 = dict(lr=0.01)
    same0 = torch.allclose(_run_opt(m.Adam, kw0), _run_opt(torch.optim.Adam, kw0), rtol=1e-6, atol=1e-8)
    kw = dict(lr=0.01, eps=1e-3)
    pm = _run_opt(m.Adam, kw, 10, scale=1e-4)
    pt = _run_opt(torch.optim.Adam, kw, 10, scale=1e-4)
    pr = _run_opt(r.Adam, kw, 10, scale=1e-4)
    if same0 and torch.allclose(pr, pt, rtol=1e-10, atol=1e-12) and not torch.allclose(pm, pt, rtol=1e-4, atol=1e-6):
        return (f"eps=1e-8 ~ torch.optim.Adam; eps=1e-3 with small gradients: max |Δp| after 10 steps "
                f"{float((pm - pt).abs().max()):.3e}")


def c_dataset(m, r):
    rows = [[float(i * 10 + j) for j in range(8)] + [float(i % 2)] for i in range(5)]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "diabetes.csv.gz")
        with gzip.open(path, "wt") as fh:
            fh.write("\n".join(",".join(f"{v:g}" for v in row) for row in rows) + "\n")
        dm, dr = m.DiabetesDataset(path), r.DiabetesDataset(path)
        if len(dr) == 5 and len(dm) != 5:
            return f"5-row headerless file: len {len(dm)}; ds[0] features start {float(dm[0][0][0])} (row 1), not 0.0"


def c_ema(m, r):
    v = torch.tensor([1.0, 2.0, 0.5, 3.0], dtype=torch.float64)
    em, er = m.ema(v, 0.9), r.ema(v, 0.9)
    h = v.half()
    if er.dtype == torch.float64 and em.dtype != torch.float64 and torch.allclose(em.double(), er, rtol=1e-4):
        return f"values right, dtype {em.dtype} for float64 input ({m.ema(h, 0.9).dtype} for float16), device always CPU"


def c_relu(m, r):
    x = torch.tensor([-2.0, -0.25, 0.0, 0.3, 1.5], dtype=torch.float16)
    rm, hm = m.relu(x), m.hard_sigmoid_from_relus(x)
    rr, hr = r.relu(x), r.hard_sigmoid_from_relus(x)
    if rr.dtype == hr.dtype == torch.float16 and rm.dtype != torch.float16 and hm.dtype != torch.float16 \
            and torch.equal(rm.half(), rr):
        return f"float16 in: relu -> {rm.dtype}, hard_sigmoid_from_relus -> {hm.dtype} (values right)"


def c_dropout(m, r):
    x = torch.ones(200000)
    out = {}
    for p in (0.5, 0.2):
        torch.manual_seed(0)
        ym = m.dropout(x, p)
        torch.manual_seed(0)
        yr = r.dropout(x, p)
        out[p] = (float((ym == 0).float().mean()), float((yr == 0).float().mean()))
    nan0 = bool(torch.isnan(m.dropout(x[:10], 0.0)).any())
    (m5, r5), (m2, r2) = out[0.5], out[0.2]
    if abs(m5 - r5) < 0.01 and abs(r2 - 0.2) < 0.01 and abs(m2 - 0.2) > 0.1:
        return f"p=0.5 zero fraction {m5:.3f} (ok); p=0.2 zero fraction {m2:.3f} (should be 0.2); p=0 gives NaN: {nan0}"


def c_xavier(m, r):
    torch.manual_seed(0)
    wm = m.xavier_uniform_(torch.empty(300, 50))
    wr = r.xavier_uniform_(torch.empty(300, 50))
    sq = m.xavier_uniform_(torch.empty(100, 100))
    bound = math.sqrt(6 / 350)
    if float(wr.abs().max()) <= bound and float(wm.abs().max()) > 1.2 * bound and float(sq.abs().max()) <= math.sqrt(6 / 200):
        return f"square (100,100) within bound; (300,50): max |w| {float(wm.abs().max()):.3f} > a = {bound:.3f}"


def c_train_epoch(m, r):
    def setup():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.5), nn.Linear(16, 1))
        data = [(torch.randn(8, 4), torch.randn(8, 1)) for _ in range(3)]
        model.eval()  # e.g. after evaluate()
        return model, data, torch.optim.SGD(model.parameters(), lr=0.1)

    model, data, opt = setup()
    torch.manual_seed(1)
    lm = m.train_epoch(model, data, F.mse_loss, opt, "cpu")
    mode_m = model.training
    model2, data2, opt2 = setup()
    torch.manual_seed(1)
    lr_ = r.train_epoch(model2, data2, F.mse_loss, opt2, "cpu")
    if model2.training and not mode_m and not math.isclose(lm, lr_, rel_tol=1e-6):
        return f"model left in eval mode (training={mode_m}); dropout off during the epoch: loss {lm:.4f} vs {lr_:.4f}"


def c_conv_out(m, r):
    torch.manual_seed(0)
    x, w = torch.randn(1, 2, 8, 8), torch.randn(3, 2, 3, 3)
    same1 = torch.allclose(m.conv2d(x, w, None, 1, 1), F.conv2d(x, w, None, 1, 1), atol=1e-5)
    om, orr = m.conv_output_size(8, 3, 0, 2), r.conv_output_size(8, 3, 0, 2)
    crash = raises(lambda: m.conv2d(x, w, None, 2, 0))
    ok_ref = torch.allclose(r.conv2d(x, w, None, 2, 0), F.conv2d(x, w, None, 2, 0), atol=1e-5)
    if same1 and ok_ref and om != orr and crash:
        return f"stride 1 fine; conv_output_size(8, 3, 0, 2) = {om}, not {orr}; conv2d(stride=2): {crash}"


def c_corr2d(m, r):
    torch.manual_seed(0)
    x, k = torch.randn(5, 6), torch.randn(2, 3)
    sym = torch.tensor([[1.0, 2.0, 1.0], [1.0, 2.0, 1.0]])
    ref = F.conv2d(x[None, None], k[None, None])[0, 0]
    ym = m.corr2d(x, k)
    if torch.allclose(r.corr2d(x, k), ref, atol=1e-5) and torch.allclose(m.corr2d(x, sym), r.corr2d(x, sym), atol=1e-5) \
            and ym.shape == ref.shape and not torch.allclose(ym, ref, atol=1e-3):
        return f"symmetric kernel equal; random kernel: same shape, max error {float((ym - ref).abs().max()):.3f}"


def c_maxpool(m, r):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 7, 7)
    default_ok = torch.equal(m.max_pool2d(x, 2), F.max_pool2d(x, 2))
    ym, yt = m.max_pool2d(x, 3, 1), F.max_pool2d(x, 3, 1)
    if default_ok and torch.equal(r.max_pool2d(x, 3, 1), yt) and ym.shape != yt.shape:
        return f"stride default right; kernel 3 stride 1: shape {tuple(ym.shape)} vs {tuple(yt.shape)} (stride ignored)"


def c_inception(m, r):
    torch.manual_seed(0)
    bm, br = m.InceptionA(5), r.InceptionA(5)
    bm.load_state_dict(br.state_dict())
    x = torch.randn(2, 5, 6, 6)
    with torch.no_grad():
        ym, yr = bm(x), br(x)
    diff = (ym - yr).abs()
    inner = float(diff[:, :, 1:-1, 1:-1].max())
    gm, gr = m.GoogLeNetMini(1, 10, 8), r.GoogLeNetMini(1, 10, 8)
    gm.load_state_dict(gr.state_dict())
    z = torch.randn(3, 1, 8, 8)
    with torch.no_grad():
        lm, lr_ = gm(z), gr(z)
    if ym.shape == yr.shape and inner < 1e-5 and float(diff.max()) > 1e-3 and not torch.allclose(lm, lr_, atol=1e-5):
        return (f"same weights: interior equal, border channels off by up to {float(diff.max()):.3f}; "
                f"GoogLeNetMini logits differ by {float((lm - lr_).abs().max()):.2e}")


def c_conv_mults(m, r):
    a = m.conv_mults(28, 28, 192, 32, 5)
    big_m, big_r = m.conv_mults(99991, 99991, 1021, 1021, 7), r.conv_mults(99991, 99991, 1021, 1021, 7)
    if a == 120422400 and isinstance(r.conv_mults(28, 28, 192, 32, 5), int) and not isinstance(a, int):
        return f"lecture example == 120422400 but returns {type(a).__name__}; large case {int(big_m)} != {big_r}"


def c_basicblock(m, r):
    torch.manual_seed(0)
    bm, br = m.BasicBlock(4, 8, 2), r.BasicBlock(4, 8, 2)
    extra = bm.load_state_dict(br.state_dict(), strict=False)
    x = torch.randn(4, 4, 8, 8)
    with torch.no_grad():
        train_same = torch.allclose(bm(x), br(x), atol=1e-5)
        bm.eval(), br.eval()
        ym, yr = bm(x), br(x)
    nm = sum(p.numel() for p in bm.parameters()) - sum(p.numel() for p in br.parameters())
    sm, sr = m.SmallResNet(1, 10), r.SmallResNet(1, 10)
    sm.load_state_dict(sr.state_dict(), strict=False)
    sm.eval(), sr.eval()
    z = torch.randn(2, 1, 8, 8)
    with torch.no_grad():
        lm, lr_ = sm(z), sr(z)
    if train_same and not torch.allclose(ym, yr, atol=1e-4) and not torch.allclose(lm, lr_, atol=1e-4):
        return (f"train mode equal; eval mode max diff {float((ym - yr).abs().max()):.3f}; {nm} extra parameters "
                f"({', '.join(extra.missing_keys)}); SmallResNet eval logits differ")


def c_batch_norm(m, r):
    torch.manual_seed(0)
    x = torch.randn(8, 3, 2, 2, dtype=torch.float64)
    g, b = torch.rand(3, dtype=torch.float64) + 0.5, torch.randn(3, dtype=torch.float64)
    w = torch.randn(8, 3, 2, 2, dtype=torch.float64)
    res = []
    for fn in (m.batch_norm, r.batch_norm, lambda x, g, b, rm, rv, t: F.batch_norm(x, rm, rv, g, b, t, 0.1, 1e-5)):
        xg = x.clone().requires_grad_()
        rm, rv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
        y = fn(xg, g, b, rm, rv, True)
        (y * w).sum().backward()
        res.append((y.detach(), xg.grad, rm, rv))
    (ym, gm, rmm, rvm), (yr, gr, _, _), (yt, gt, rmt, rvt) = res
    if torch.allclose(ym, yt) and torch.allclose(rmm, rmt) and torch.allclose(rvm, rvt) \
            and torch.allclose(gr, gt) and not torch.allclose(gm, gt, rtol=1e-4):
        return f"y and running stats equal F.batch_norm; dL/dx max error {float((gm - gt).abs().max()):.3f}"


def c_resblock(m, r):
    torch.manual_seed(0)
    bm, br = m.ResidualBlock(3), r.ResidualBlock(3)
    bm.load_state_dict(br.state_dict())
    x = torch.randn(2, 3, 5, 5)
    x0 = x.clone()
    with torch.no_grad():
        ym = bm(x)
    mutated = not torch.equal(x, x0)
    with torch.no_grad():
        same = torch.allclose(ym, br(x0), atol=1e-6)
    stem = nn.Conv2d(3, 3, 1)
    err = raises(lambda: bm(stem(x0)).sum().backward())
    xr = x0.clone()
    with torch.no_grad():
        br(xr)
    if mutated and same and err and torch.equal(xr, x0):
        return f"no_grad: output right but the input x was overwritten; training: {err}"


def c_rnn_cell(m, r):
    torch.manual_seed(0)
    rnn = nn.RNN(3, 4, num_layers=2)
    x = torch.randn(5, 2, 3)
    h0 = torch.zeros(2, 2, 4)
    with torch.no_grad():
        out_t, hn_t = rnn(x, h0)
        out_m, _ = m.rnn_forward(x, h0, rnn.all_weights)
        out_r, _ = r.rnn_forward(x, h0, rnn.all_weights)
        w_ih, w_hh, b_ih, b_hh = rnn.all_weights[0]
        h = torch.randn(2, 4)
        zero_ok = torch.allclose(m.rnn_cell(x[0], torch.zeros(2, 4), w_ih, w_hh, b_ih, b_hh),
                                 r.rnn_cell(x[0], torch.zeros(2, 4), w_ih, w_hh, b_ih, b_hh), atol=1e-6)
        cm = m.rnn_cell(x[0], h, w_ih, w_hh, b_ih, b_hh)
        cr = r.rnn_cell(x[0], h, w_ih, w_hh, b_ih, b_hh)
    step0 = torch.allclose(out_m[0], out_t[0], atol=1e-5)
    if zero_ok and torch.allclose(out_r, out_t, atol=1e-5) and step0 and not torch.allclose(out_m, out_t, atol=1e-3) \
            and not torch.allclose(cm, cr, atol=1e-3):
        return (f"rnn_cell right at h=0, max error {float((cm - cr).abs().max()):.3f} at random h; rnn_forward step 0 "
                f"equal to nn.RNN, later steps off by {float((out_m - out_t).abs().max()):.3f}")


def c_encode(m, r):
    ex = m.encode_chars("hello", "ehlo")
    em, er = m.encode_chars("hello", "hleo"), r.encode_chars("hello", "hleo")
    if ex.tolist() == [1, 0, 2, 2, 3] and er.tolist() == [0, 2, 1, 1, 3] and em.tolist() != er.tolist():
        return f"docstring example right; vocab 'hleo': {em.tolist()} vs {er.tolist()}"


CHECKS = {
    "add_into": c_add_into, "fill_nan_with_column_mean": c_fill_nan, "norms": c_norms,
    "pairwise_sq_dists": c_pairwise, "grad_of_vector_fn": c_grad_vec, "numerical_grad": c_numgrad,
    "Value": c_value, "quadratic_grads": c_quad, "log_softmax": c_log_softmax, "bce": c_bce,
    "entropy": c_entropy, "huber": c_huber, "SGD": c_sgd, "Adam": c_adam, "DiabetesDataset": c_dataset,
    "ema": c_ema, "relu": c_relu, "dropout": c_dropout, "xavier_uniform_": c_xavier,
    "train_epoch": c_train_epoch, "conv_output_size": c_conv_out, "corr2d": c_corr2d,
    "max_pool2d": c_maxpool, "InceptionA": c_inception, "conv_mults": c_conv_mults,
    "BasicBlock": c_basicblock, "batch_norm": c_batch_norm, "ResidualBlock": c_resblock,
    "rnn_cell": c_rnn_cell, "encode_chars": c_encode,
}


def main() -> int:
    sol = solutions_dir()
    labels = {entry["file"]: entry for entry in json.loads((HERE / "labels.json").read_text(encoding="utf-8"))}
    files = sorted(HERE.glob("b36_*.py"))
    ok = 0
    for path in files:
        entry = labels[path.name]
        evidence = None
        try:
            broken = load(path, path.stem)
            reference = load(sol / f"{entry['topic']}.py", f"ref_{entry['topic']}_{path.stem}")
            evidence = CHECKS[entry["exercise"]](broken, reference)
        except Exception:  # noqa: BLE001
            traceback.print_exc()
        if evidence:
            ok += 1
            print(f"OK {path.name} [{entry['exercise']}] {evidence}")
        else:
            print(f"NOT WRONG {path.name}")
    print(f"summary: {ok}/{len(files)} OK")
    return 0 if ok == len(files) == 30 else 1


if __name__ == "__main__":
    sys.exit(main())
