"""Show, in plain torch, that each b33 file is wrong where its docstring says it must not be.

For every b33_NN_<topic>.py beside this file: import it and the reference solutions/<topic>.py by path,
run the broken exercise (and, for a callee case, its caller) on inputs the docstring allows, and print
`OK <file> <evidence>` when the result/gradient/state/behaviour departs from the docstring (checked against
torch's own function or the reference), `NOT WRONG <file>` otherwise. SOL overrides the solutions folder.
"""

from __future__ import annotations

import copy
import gzip
import importlib.util
import json
import math
import os
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = Path(__file__).resolve().parent
SOL = Path(os.environ["SOL"]) if os.environ.get("SOL") else Path(__file__).resolve().parents[4] / "solutions"


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def maxdiff(a, b) -> float:
    return float((a.detach().double() - b.detach().double()).abs().max())


# Each check gets (broken module, reference module) and returns (wrong: bool, evidence: str).

def c01_add_into(b, r):
    def run(m):
        z = torch.zeros(4)
        alias, ptr = z[:2], z.data_ptr()
        x, y = torch.tensor([1., 2., 3., 4.]), torch.tensor([10., 20., 30., 40.])
        out = m.add_into(z, x, y)
        return out is z, z.data_ptr() == ptr, alias.tolist()
    rb, rr = run(b), run(r)
    wrong = (not rb[1]) or rb[2] != [11., 22.]
    return wrong, (f"returns z itself={rb[0]} but storage kept={rb[1]} (reference {rr[1]}); a view z[:2] taken "
                   f"before the call reads {rb[2]} instead of {rr[2]}")


def c02_row_normalize(b, r):
    x = torch.tensor([[1., 1., 2.], [3., 1., 0.], [0.5, 0.5, 1.]])
    ob, orf = b.row_normalize(x), r.row_normalize(x)
    sums = ob.sum(dim=1)
    wrong = not torch.allclose(sums, torch.ones(3)) and ob.shape == x.shape
    return wrong, (f"square 3x3 input: shape {tuple(ob.shape)} as required, but row sums "
                   f"{[round(v, 4) for v in sums.tolist()]} (reference {orf.sum(1).tolist()})")


def c03_fill_nan(b, r):
    x = torch.tensor([[1., float("nan")], [3., 4.], [float("nan"), 8.]])
    ob, orf = b.fill_nan_with_column_mean(x), r.fill_nan_with_column_mean(x)
    expected = torch.tensor([[1., 6.], [3., 4.], [2., 8.]])
    wrong = not torch.allclose(ob, expected, equal_nan=False) if not torch.isnan(ob).any() else True
    return wrong, f"x={x.tolist()} -> {ob.tolist()} (expected {expected.tolist()}, reference {orf.tolist()})"


def c04_grad_of_vector_fn(b, r):
    def run(m):
        x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
        g = m.grad_of_vector_fn(lambda t: t.sin() * t, x)
        return g, x.grad
    gb, xgb = run(b)
    gr, xgr = run(r)
    x0 = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    expected = x0.cos() * x0 + x0.sin()
    wrong = gb is None or xgb is not None or not torch.allclose(gb, expected)
    return wrong, (f"x requires grad: returned {None if gb is None else gb.tolist()} (expected "
                   f"{[round(v, 6) for v in expected.tolist()]}); caller's x.grad afterwards "
                   f"{None if xgb is None else [round(v, 6) for v in xgb.tolist()]} (reference leaves {xgr})")


def c05_Sigmoid(b, r):
    x0 = torch.tensor([-2.0, -0.3, 0.0, 1.5, 4.0], dtype=torch.float64)
    def grad(fn):
        x = x0.clone().requires_grad_(True)
        (3.0 * fn(x) * torch.arange(1., 6., dtype=torch.float64)).sum().backward()
        return x.grad
    gb, gt, gr = grad(b.Sigmoid.apply), grad(torch.sigmoid), grad(r.Sigmoid.apply)
    wrong = not torch.allclose(gb, gt, rtol=1e-7)
    return wrong, (f"d/dx sum(3*w*Sigmoid(x)): got {[round(v, 5) for v in gb.tolist()]}, torch.sigmoid gives "
                   f"{[round(v, 5) for v in gt.tolist()]} (reference max diff {maxdiff(gr, gt):.1e})")


def c06_numerical_grad(b, r):
    def run(m):
        x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
        return m.numerical_grad(lambda t: t[1], x)
    gb, gr = run(b), run(r)
    expected = torch.tensor([0., 1., 0.], dtype=torch.float64)
    wrong = not torch.allclose(gb, expected, atol=1e-6)
    return wrong, (f"f = lambda t: t[1] (a 0-dim view of x): got {gb.tolist()}, expected {expected.tolist()} "
                   f"(reference {[round(v, 6) for v in gr.tolist()]})")


def c07_sigmoid(b, r):
    x0 = torch.tensor([-1000., -100., -0.5, 0.5, 100., 1000.])
    def run(fn):
        x = x0.clone().requires_grad_(True)
        y = fn(x)
        y.sum().backward()
        return y.detach(), x.grad
    yb, gb = run(b.sigmoid)
    yt, gt = run(torch.sigmoid)
    yr, gr = run(r.sigmoid)
    wrong = bool(torch.isnan(gb).any()) or not torch.allclose(gb, gt, atol=1e-6)
    return wrong, (f"values match torch ({torch.allclose(yb, yt)}), gradient at {x0.tolist()}: {gb.tolist()} "
                   f"(torch {[float(f'{v:.3g}') for v in gt.tolist()]}, reference has NaN: {bool(torch.isnan(gr).any())})")


def c08_bce(b, r):
    p = torch.tensor([0.0, 1e-9, 0.3, 1.0, 1.0 - 1e-9], dtype=torch.float64)
    y = torch.tensor([1.0, 1.0, 0.0, 0.0, 0.0], dtype=torch.float64)
    lb, lr_, lt = b.bce(p, y), r.bce(p, y), F.binary_cross_entropy(p, y)
    wrong = not torch.allclose(lb, lt, rtol=1e-5)
    return wrong, f"p={p.tolist()} y={y.tolist()}: {float(lb):.4f} vs F.binary_cross_entropy {float(lt):.4f} (reference {float(lr_):.4f})"


def c09_huber(b, r):
    y_hat = torch.tensor([0.5, -1.5, 3.0, -4.0, 1.9])
    y = torch.zeros(5)
    out = {d: (float(b.huber(y_hat, y, d)), float(F.huber_loss(y_hat, y, delta=d)), float(r.huber(y_hat, y, d)))
           for d in (1.0, 2.0, 0.5)}
    wrong = any(abs(v[0] - v[1]) > 1e-5 * abs(v[1]) + 1e-6 for v in out.values())
    return wrong, "; ".join(f"delta={d}: {v[0]:.4f} vs F.huber_loss {v[1]:.4f}" for d, v in out.items())


def c10_log_softmax(b, r):
    logits = torch.tensor([[1000., 0.], [-1000., -1001.]])
    target = torch.tensor([0, 1])
    lsb, lst = b.log_softmax(logits, dim=1), F.log_softmax(logits, dim=1)
    ceb, cet, cer = b.cross_entropy(logits, target), F.cross_entropy(logits, target), r.cross_entropy(logits, target)
    wrong = not torch.isfinite(ceb) or abs(float(ceb) - float(cet)) > 1e-3
    return wrong, (f"logits {logits.tolist()}: log_softmax row 2 {lsb[1].tolist()} (torch {lst[1].tolist()}); "
                   f"caller cross_entropy {float(ceb)} vs F.cross_entropy {float(cet):.4f} (reference {float(cer):.4f})")


def _quad_loss(w):
    a = torch.tensor([[2.0, -1.0, 0.5], [0.3, 1.5, -2.0], [1.0, 1.0, 1.0]], dtype=torch.float64)
    t = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    return ((a @ w - t) ** 2).sum()


def c11_SGD(b, r):
    w0 = torch.tensor([0.3, -0.7, 1.2], dtype=torch.float64)
    def run(cls):
        w = w0.clone().requires_grad_(True)
        opt = cls([w], lr=0.01, momentum=0.9)
        for _ in range(5):
            opt.zero_grad(); _quad_loss(w).backward(); opt.step()
        sd = opt.state_dict()
        w2 = w.detach().clone().requires_grad_(True)
        opt2 = cls([w2], lr=0.01, momentum=0.9)
        opt2.load_state_dict(sd)
        for _ in range(5):
            opt2.zero_grad(); _quad_loss(w2).backward(); opt2.step()
        return w.detach(), w2.detach(), len(sd["state"])
    wb, w2b, nb = run(b.SGD)
    wt, w2t, nt = run(torch.optim.SGD)
    wr, w2r, nr = run(r.SGD)
    wrong = maxdiff(w2b, w2t) > 1e-10
    return wrong, (f"5 steps match torch.optim.SGD (max diff {maxdiff(wb, wt):.1e}); state_dict holds {nb} param "
                   f"state(s) (torch {nt}); after load_state_dict and 5 more steps max diff {maxdiff(w2b, w2t):.2e} "
                   f"(reference {maxdiff(w2r, w2t):.1e})")


def c12_Adam(b, r):
    def run(cls, scale, eps):
        w = torch.tensor([0.3, -0.7, 1.2], dtype=torch.float64, requires_grad=True)
        opt = cls([w], lr=1e-2, eps=eps)
        for _ in range(50):
            opt.zero_grad(); (scale * _quad_loss(w)).backward(); opt.step()
        return w.detach()
    lines, wrong = [], False
    for scale, eps in ((1.0, 1e-8), (1e-6, 1e-8), (1.0, 1e-2)):
        wb, wt, wr = run(b.Adam, scale, eps), run(torch.optim.Adam, scale, eps), run(r.Adam, scale, eps)
        d = maxdiff(wb, wt)
        wrong |= d > 1e-10
        lines.append(f"loss x{scale:g}, eps={eps:g}: max diff {d:.1e} (reference {maxdiff(wr, wt):.0e})")
    return wrong, "float64, 50 steps vs torch.optim.Adam: " + "; ".join(lines)


def c13_minibatch_indices(b, r):
    np.random.seed(0)
    def order(m, seed):
        g = torch.Generator().manual_seed(seed)
        return torch.cat(list(m.minibatch_indices(10, 3, True, g))).tolist()
    expected = torch.randperm(10, generator=torch.Generator().manual_seed(0)).tolist()
    ob1, ob2, orf = order(b, 0), order(b, 0), order(r, 0)
    wrong = ob1 != expected or ob1 != ob2
    return wrong, (f"generator seeded 0: order {ob1}, again {ob2}; randperm(10, generator) is {expected} "
                   f"(reference {orf})")


def c14_sgd_fit(b, r):
    x = torch.tensor([0.5, -1.0, 1.5, 2.0, -0.5])
    y = torch.tensor([1.2, -2.5, 4.9, 5.6, -1.8])
    def run(m):
        return m.sgd_fit(x, y, 0.05, 3, torch.Generator().manual_seed(1))
    (wb, lb), (wr, lr_) = run(b), run(r)
    # independent replay of the docstring
    g, w, ls = torch.Generator().manual_seed(1), 1.0, []
    for _ in range(3):
        for i in torch.randperm(5, generator=g).tolist():
            w -= 0.05 * float(2 * x[i] * (w * x[i] - y[i]))
        ls.append(float(((w * x - y) ** 2).mean()))
    wrong = abs(wb - w) > 1e-6
    return wrong, (f"3 epochs, generator seed 1: w={wb:.6f}, MSEs {[round(v, 6) for v in lb]}; the docstring's "
                   f"replay gives w={w:.6f}, {[round(v, 6) for v in ls]} (reference w={wr:.6f})")


def c15_DiabetesDataset(b, r):
    rows = [[6, 148, 72, 0.627, 50, 1], [1, 85, 66, 0.351, 31, 0], [8, 183, 64, 0.672, 32, 1], [1, 89, 66, 0.167, 21, 0]]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "diabetes.csv.gz")
        with gzip.open(path, "wt") as f:
            f.write("\n".join(",".join(str(v) for v in row) for row in rows) + "\n")
        db, dr = b.DiabetesDataset(path), r.DiabetesDataset(path)
        nb, nr = len(db), len(dr)
        fb, lb = db[0]
    wrong = nb != len(rows) or fb.tolist()[0] != 6
    return wrong, (f"headerless table of {len(rows)} rows: len={nb} (reference {nr}); ds[0] features start "
                   f"{fb.tolist()[:2]} label {lb.tolist()} (row 0 is {rows[0][:2]}, label [1.0])")


def c16_relu(b, r):
    x = torch.tensor([-2.0, -0.25, 0.0, 0.3, 2.0], dtype=torch.float16)
    hb, hr = b.hard_sigmoid_from_relus(x), r.hard_sigmoid_from_relus(x)
    rb = b.relu(x)
    wrong = hb.dtype != torch.float16 or rb.dtype != torch.float16
    return wrong, (f"float16 input: relu -> {rb.dtype}, caller hard_sigmoid_from_relus -> {hb.dtype} "
                   f"(reference {hr.dtype}); values {hb.tolist()}")


def c17_dropout(b, r):
    x = torch.ones(200_000)
    torch.manual_seed(0)
    ob = b.dropout(x, 0.2)
    torch.manual_seed(0)
    orf = r.dropout(x, 0.2)
    torch.manual_seed(0)
    o5 = b.dropout(x, 0.5)
    zb, zr = float((ob == 0).float().mean()), float((orf == 0).float().mean())
    wrong = abs(zb - 0.2) > 0.01
    return wrong, (f"p=0.2: fraction zeroed {zb:.3f} (should be ~0.2; reference {zr:.3f}), survivors scaled to "
                   f"{float(ob.max()):.2f} (should be 1.25), mean {float(ob.mean()):.3f}; at p=0.5 it zeroes "
                   f"{float((o5 == 0).float().mean()):.3f}, as expected")


def c18_xavier(b, r):
    def run(fn, shape):
        torch.manual_seed(0)
        w = torch.empty(shape)
        fn(w)
        return w
    conv, lin = (16, 8, 3, 3), (20, 30)
    wb, wt = run(b.xavier_uniform_, conv), run(nn.init.xavier_uniform_, conv)
    lb, lt = run(b.xavier_uniform_, lin), run(nn.init.xavier_uniform_, lin)
    wr = run(r.xavier_uniform_, conv)
    bound = math.sqrt(6 / (8 * 9 + 16 * 9))
    wrong = not torch.allclose(wb, wt)
    return wrong, (f"conv weight {conv}: max|w| = {float(wb.abs().max()):.4f}, bound should be {bound:.4f} "
                   f"(nn.init same seed max|w| {float(wt.abs().max()):.4f}; reference equal to it: "
                   f"{torch.allclose(wr, wt)}); linear {lin} matches nn.init: {torch.allclose(lb, lt)}")


def c19_DiabetesNet(b, r):
    torch.manual_seed(0)
    net = b.DiabetesNet(7)
    x = torch.randn(5, 7)
    lins = [m for m in net.modules() if isinstance(m, nn.Linear)]
    h = x
    for lin in lins:
        h = torch.sigmoid(lin(h))
    out = net(x)
    ref = r.DiabetesNet(7)
    ref.load_state_dict(net.state_dict())
    wrong = not torch.allclose(out, h)
    return wrong, (f"output {tuple(out.shape)} {[round(v, 4) for v in out[:, 0].tolist()]} vs sigmoid after every "
                   f"Linear of its own weights {[round(v, 4) for v in h[:, 0].tolist()]} "
                   f"(reference with these weights: max diff {maxdiff(ref(x), h):.0e})")


def c20_MLP(b, r):
    def pair(act):
        torch.manual_seed(0)
        mb = b.MLP([6, 16, 3], act, 0.5)
        mr = r.MLP([6, 16, 3], act, 0.5)
        mr.load_state_dict(mb.state_dict())
        x = torch.randn(4, 6)
        mb.train(); mr.train()
        torch.manual_seed(1)
        yb = mb(x)
        torch.manual_seed(1)
        yr = mr(x)
        mb.eval(); mr.eval()
        return maxdiff(yb, yr), maxdiff(mb(x), mr(x))
    s, t, rl = pair("sigmoid"), pair("tanh"), pair("relu")
    wrong = s[0] > 1e-5 or t[0] > 1e-5
    return wrong, (f"train mode, dropout 0.5, same weights and seed vs reference: sigmoid max diff {s[0]:.3f}, "
                   f"tanh {t[0]:.3f} (relu {rl[0]:.0e}; eval mode {s[1]:.0e})")


def c21_train_epoch(b, r):
    def run(m):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.5), nn.Linear(16, 1), nn.BatchNorm1d(1))
        model.eval()
        data = torch.randn(10, 4)
        target = torch.randn(10, 1)
        loader = [(data[:4], target[:4]), (data[4:8], target[4:8]), (data[8:], target[8:])]
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        torch.manual_seed(5)
        loss = m.train_epoch(model, loader, F.mse_loss, opt, "cpu")
        return loss, model.training, float(model[3].running_mean[0])
    lb, tb, rmb = run(b)
    lr_, tr, rmr = run(r)
    wrong = tb is False or abs(lb - lr_) > 1e-6
    return wrong, (f"model handed over in eval mode: after the call model.training={tb} (reference {tr}); epoch "
                   f"loss {lb:.4f} vs {lr_:.4f}; BatchNorm running_mean {rmb:.4f} vs {rmr:.4f}")


def c22_conv_output_size(b, r):
    x = torch.randn(1, 1, 5, 5)
    w = torch.randn(1, 1, 2, 2)
    nb, nr = b.conv_output_size(5, 2, 0, 2), r.conv_output_size(5, 2, 0, 2)
    expect = F.conv2d(x, w, stride=2)
    try:
        out = b.conv2d(x, w, stride=2)
        caller = f"shape {tuple(out.shape)}, max diff {maxdiff(out, expect):.1e}"
        wrong = out.shape != expect.shape or maxdiff(out, expect) > 1e-5
    except Exception as exc:  # noqa: BLE001
        caller = f"raises {type(exc).__name__}: {str(exc).splitlines()[0][:70]}"
        wrong = True
    wrong = wrong or nb != nr
    return wrong, (f"conv_output_size(5, k=2, p=0, s=2) = {nb} (floor formula {nr}); caller conv2d(5x5, 2x2, "
                   f"stride 2) {caller}; F.conv2d gives {tuple(expect.shape)}")


def c23_corr2d(b, r):
    x = torch.tensor([[1., 1., 0., 0.], [1., 1., 0., 0.], [0., 3., 5., 5.]])
    k = torch.tensor([[1., -1.]])
    ob, orf = b.corr2d(x, k), r.corr2d(x, k)
    ot = F.conv2d(x[None, None], k[None, None])[0, 0]
    sym = torch.tensor([[1., 2.], [2., 1.]])
    same_sym = torch.allclose(b.corr2d(x, sym), F.conv2d(x[None, None], sym[None, None])[0, 0])
    wrong = not torch.allclose(ob, ot)
    return wrong, (f"kernel [[1,-1]]: {ob.tolist()} vs F.conv2d {ot.tolist()} (reference equal: "
                   f"{torch.allclose(orf, ot)}); symmetric kernel still matches: {same_sym}")


def c24_max_pool2d(b, r):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 9, 9)
    res = {}
    for k in (2, 3):
        ob, ot = b.max_pool2d(x, k), F.max_pool2d(x, k)
        res[k] = (tuple(ob.shape), tuple(ot.shape), ob.shape == ot.shape and torch.allclose(ob, ot))
    wrong = not res[3][2]
    return wrong, (f"stride omitted: max_pool2d(x 9x9, 2) -> {res[2][0]} matches F.max_pool2d: {res[2][2]}; "
                   f"max_pool2d(x, 3) -> {res[3][0]}, F.max_pool2d gives {res[3][1]} "
                   f"(reference {tuple(r.max_pool2d(x, 3).shape)})")


def c25_InceptionA(b, r):
    torch.manual_seed(0)
    ib = b.InceptionA(5)
    ir = r.InceptionA(5)
    ir.load_state_dict(ib.state_dict())
    x = torch.randn(2, 5, 7, 7)
    d = (ib(x) - ir(x)).abs()
    interior, border = float(d[:, :, 1:-1, 1:-1].max()), float(d.max())
    # the docstring's pool branch from the module's own weights
    bp = F.conv2d(F.avg_pool2d(x, 3, stride=1, padding=1), ib.branch_pool.weight, ib.branch_pool.bias)
    own = float((ib(x)[:, 64:] - bp).abs().max())
    torch.manual_seed(0)
    gb = b.GoogLeNetMini(1, 10, 8)
    gr = r.GoogLeNetMini(1, 10, 8)
    gr.load_state_dict(gb.state_dict())
    xi = torch.randn(3, 1, 8, 8)
    gd = maxdiff(gb(xi), gr(xi))
    wrong = own > 1e-5 and gd > 1e-5
    return wrong, (f"pool branch vs avg_pool→1x1 conv of its own weights: max diff {own:.3f} (interior pixels "
                   f"{interior:.0e}, border {border:.3f}); caller GoogLeNetMini(1,10,8) logits vs reference with "
                   f"the same weights: max diff {gd:.4f}")


def c26_conv_mults(b, r):
    small = b.conv_mults(28, 28, 192, 32, 5)
    big_args = (2**20, 2**20, 2**12, 2**12, 3)
    big_b, big_r = b.conv_mults(*big_args), r.conv_mults(*big_args)
    wrong = type(small) is not int or int(big_b) != big_r
    return wrong, (f"conv_mults(28,28,192,32,5) = {small} of type {type(small).__module__}.{type(small).__name__} (should be int); "
                   f"conv_mults{big_args} = {int(big_b)} instead of {big_r}")


def c27_BasicBlock(b, r):
    torch.manual_seed(0)
    sb = b.SmallResNet(1, 10)
    sr = r.SmallResNet(1, 10)
    sr.load_state_dict(sb.state_dict())
    x = torch.randn(4, 1, 8, 8)
    sb.eval(); sr.eval()
    d_eval = maxdiff(sb(x), sr(x))
    sb.train(); sr.train()
    d_train = maxdiff(sb(x), sr(x))
    torch.manual_seed(1)
    bb = b.BasicBlock(4, 4)
    z = torch.randn(2, 4, 6, 6)
    main = bb.bn2(bb.conv2(F.relu(bb.bn1(bb.conv1(z)))))
    own = maxdiff(bb(z), F.relu(main + z))
    wrong = own > 1e-6 and d_train > 1e-5
    return wrong, (f"BasicBlock(4,4) vs relu(bn2(conv2(relu(bn1(conv1 x)))) + x) from its own layers: max diff "
                   f"{own:.3f}; caller SmallResNet logits vs reference with the same weights: max diff "
                   f"{d_train:.4f} (train), {d_eval:.4f} (eval)")


def c28_batch_norm(b, r):
    torch.manual_seed(0)
    x = torch.randn(4, 3, dtype=torch.float64) * 2 + 1
    gamma, beta = torch.rand(3, dtype=torch.float64) + 0.5, torch.randn(3, dtype=torch.float64)
    def run(fn):
        rm, rv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
        y = fn(x, rm, rv)
        return y, rm, rv
    yb, rmb, rvb = run(lambda x_, rm, rv: b.batch_norm(x_, gamma, beta, rm, rv, True, 0.1, 1e-5))
    yt, rmt, rvt = run(lambda x_, rm, rv: F.batch_norm(x_, rm, rv, gamma, beta, True, 0.1, 1e-5))
    yr, _, rvr = run(lambda x_, rm, rv: r.batch_norm(x_, gamma, beta, rm, rv, True, 0.1, 1e-5))
    wrong = maxdiff(yb, yt) > 1e-7 or maxdiff(rvb, rvt) > 1e-7
    return wrong, (f"training, N=4: y max diff vs F.batch_norm {maxdiff(yb, yt):.3f} (reference {maxdiff(yr, yt):.0e}); "
                   f"running_var {[round(v, 4) for v in rvb.tolist()]} vs {[round(v, 4) for v in rvt.tolist()]}")


def c29_rnn_cell(b, r):
    torch.manual_seed(0)
    rnn = nn.RNN(3, 4, num_layers=2).double()
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    h0 = torch.randn(2, 2, 4, dtype=torch.float64)
    params = [tuple(p) for p in rnn.all_weights]
    with torch.no_grad():
        ot, ht = rnn(x, h0)
        ob, hb = b.rnn_forward(x, h0, params)
        orf, _ = r.rnn_forward(x, h0, params)
        zero = torch.zeros_like(h0)
        o1b, _ = b.rnn_forward(x[:1], zero, params)
        o1t, _ = rnn(x[:1], zero)
        cell = nn.RNNCell(3, 4).double()
        hc = torch.randn(2, 4, dtype=torch.float64)
        cb = b.rnn_cell(x[0], hc, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        ct = cell(x[0], hc)
    wrong = maxdiff(ob, ot) > 1e-5
    return wrong, (f"rnn_cell vs nn.RNNCell max diff {maxdiff(cb, ct):.3f}; caller rnn_forward vs nn.RNN (2 layers, "
                   f"seq 5): output max diff {maxdiff(ob, ot):.3f}, h_n {maxdiff(hb, ht):.3f} (reference "
                   f"{maxdiff(orf, ot):.0e}); one step from h0=0 agrees: {maxdiff(o1b, o1t):.0e}")


def c30_HelloRNN(b, r):
    torch.manual_seed(0)
    mb = b.HelloRNN(4, 8)
    mr = r.HelloRNN(4, 8)
    mr.load_state_dict(mb.state_dict())
    idx = r.encode_chars("hello", "ehlo").unsqueeze(1)
    idx2 = r.encode_chars("oello", "ehlo").unsqueeze(1)
    with torch.no_grad():
        yb, yr = mb(idx), mr(idx)
        later_b = maxdiff(mb(idx2)[1:], yb[1:])
        later_r = maxdiff(mr(idx2)[1:], yr[1:])
    wrong = maxdiff(yb, yr) > 1e-5 and later_b < 1e-7
    return wrong, (f"'hello' as (5, 1): shape {tuple(yb.shape)} (reference {tuple(yr.shape)}), logits max diff vs "
                   f"reference with the same weights {maxdiff(yb, yr):.3f}; changing the first character moves later "
                   f"steps' logits by {later_b:.0e} (reference {later_r:.3f}): no recurrence along the sequence")


CHECKS = {
    "add_into": c01_add_into, "row_normalize": c02_row_normalize, "fill_nan_with_column_mean": c03_fill_nan,
    "grad_of_vector_fn": c04_grad_of_vector_fn, "Sigmoid": c05_Sigmoid, "numerical_grad": c06_numerical_grad,
    "sigmoid": c07_sigmoid, "bce": c08_bce, "huber": c09_huber, "log_softmax": c10_log_softmax,
    "SGD": c11_SGD, "Adam": c12_Adam, "minibatch_indices": c13_minibatch_indices, "sgd_fit": c14_sgd_fit,
    "DiabetesDataset": c15_DiabetesDataset, "relu": c16_relu, "dropout": c17_dropout,
    "xavier_uniform_": c18_xavier, "DiabetesNet": c19_DiabetesNet, "MLP": c20_MLP, "train_epoch": c21_train_epoch,
    "conv_output_size": c22_conv_output_size, "corr2d": c23_corr2d, "max_pool2d": c24_max_pool2d,
    "InceptionA": c25_InceptionA, "conv_mults": c26_conv_mults, "BasicBlock": c27_BasicBlock,
    "batch_norm": c28_batch_norm, "rnn_cell": c29_rnn_cell, "HelloRNN": c30_HelloRNN,
}


def main() -> int:
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    ok = 0
    for number, label in enumerate(labels, start=1):
        name = label["file"]
        try:
            broken = load(HERE / name, f"b33_{number:02d}")
            reference = load(SOL / f"{label['topic']}.py", f"ref_{label['topic']}_{number:02d}")
            wrong, evidence = CHECKS[label["exercise"]](broken, reference)
        except Exception as exc:  # noqa: BLE001
            wrong, evidence = False, f"(check failed: {type(exc).__name__}: {exc})"
        if wrong:
            ok += 1
            print(f"OK {name} {evidence}")
        else:
            print(f"NOT WRONG {name} {evidence}")
    print(f"summary: {ok}/{len(labels)} OK")
    return 0 if ok == len(labels) else 1


if __name__ == "__main__":
    sys.exit(main())
