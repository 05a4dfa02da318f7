"""Re-checks all 30 mistakes in plain torch against the reference solutions and torch itself.
Prints one line per file: PROVEN (the buggy module disagrees with the reference on an input its docstring allows) or NOT PROVEN."""
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = Path(__file__).resolve().parent
SOL = Path(__file__).resolve().parents[4] / "solutions"  # the checkout's reference
torch.set_num_threads(1)


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def raises(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0][:70]}"
    return None


def close(a, b, rtol=1e-5, atol=1e-6):
    return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
        and a.dtype == b.dtype and torch.allclose(a, b, rtol=rtol, atol=atol)


def g(seed=0):
    return torch.Generator().manual_seed(seed)


# each check(bug, ref) returns (proven: bool, evidence: str); ref is the reference module of that topic
def p01(b, r):
    labels = torch.tensor([0, 2, 1, 2])
    out, want = b.one_hot(labels, 3), r.one_hot(labels, 3)
    ok = not isinstance(out, torch.Tensor) and torch.equal(want, F.one_hot(labels, 3).float())
    return ok, f"one_hot returned {type(out).__module__}.{type(out).__name__} {getattr(out, 'dtype', '?')}, want torch.Tensor float32"


def p02(b, r):
    x = torch.arange(2 * 3 * 2 * 2, dtype=torch.float32).reshape(2, 3, 2, 2)
    out, want = b.flatten_batch(x), r.flatten_batch(x)
    return out.shape == want.shape and not torch.equal(out, want), \
        f"row 0 starts {out[0, :4].tolist()} vs view's {want[0, :4].tolist()}"


def p03(b, r):
    y_hat, y = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), torch.tensor([1, 0, 0])
    err = raises(lambda: b.accuracy(y_hat, y))
    return err is not None and abs(r.accuracy(y_hat, y) - 2 / 3) < 1e-7, f"accuracy on (3, 2) scores raises {err}; reference 0.667"


def p04(b, r):
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]])
    err = raises(lambda: b.row_normalize(x))
    sq = torch.tensor([[1., 3., 0.], [2., 2., 4.], [1., 1., 1.]])
    out = b.row_normalize(sq)
    return err is not None and not torch.allclose(out.sum(1), torch.ones(3)), \
        f"(2, 3) raises {err}; (3, 3) row sums {[round(v, 3) for v in out.sum(1).tolist()]} not 1"


def p05(b, r):
    f = lambda t: t ** 3
    x = torch.tensor([1., 2., 3.])
    g1 = b.grad_of_vector_fn(f, x).clone()
    left = (x.requires_grad, x.grad is not None)
    g2 = b.grad_of_vector_fn(f, x)
    want = r.grad_of_vector_fn(f, torch.tensor([1., 2., 3.]))
    return left == (True, True) and torch.equal(g1, want) and torch.equal(g2, 2 * want), \
        f"after the call x.requires_grad={left[0]}, x.grad set={left[1]}; 2nd call gives {g2.tolist()} vs {want.tolist()}"


def p06(b, r):
    a = b.Value(3.0); (a * a + a).backward()
    ra = r.Value(3.0); (ra * ra + ra).backward()
    t = torch.tensor(3.0, dtype=torch.float64, requires_grad=True); (t * t + t).backward()
    return a.grad != float(t.grad) and ra.grad == float(t.grad), f"d(a*a + a)/da at 3: {a.grad} vs torch {float(t.grad)}"


def p07(b, r):
    x = torch.tensor([-2.0, 0.5, 3.0], dtype=torch.float64, requires_grad=True)
    gb, = torch.autograd.grad(b.Sigmoid.apply(x).sum(), x)
    gt, = torch.autograd.grad(torch.sigmoid(x).sum(), x)
    gr, = torch.autograd.grad(r.Sigmoid.apply(x).sum(), x)
    return not torch.allclose(gb, gt) and torch.allclose(gr, gt, rtol=1e-7), \
        f"grad at [-2, .5, 3]: {[round(v, 4) for v in gb.tolist()]} vs torch {[round(v, 4) for v in gt.tolist()]}"


def p08(b, r):
    logits, tgt = torch.randn(4, 3, generator=g()), torch.tensor([0, 2, 1, 1])
    err = raises(lambda: b.cross_entropy(logits, tgt))
    sq, tsq = torch.randn(3, 3, generator=g(1)), torch.tensor([0, 0, 1])   # not a permutation (that would hide the row/column mix-up)
    ce, want = b.cross_entropy(sq, tsq), F.cross_entropy(sq, tsq)
    ls = b.log_softmax(sq, dim=1)
    return err is not None and not torch.allclose(ce, want) and not torch.allclose(ls, F.log_softmax(sq, 1)) \
        and torch.allclose(r.cross_entropy(sq, tsq), want), \
        f"log_softmax (3,3) wrong; cross_entropy (4,3) raises {err}; (3,3) {ce.item():.4f} vs F {want.item():.4f}"


def p09(b, r):
    z, y = torch.tensor([1000., -1000., 3.]), torch.tensor([1., 0., 1.])
    out, want = b.bce_with_logits(z, y), F.binary_cross_entropy_with_logits(z, y)
    return not torch.isfinite(out) and torch.allclose(r.bce_with_logits(z, y), want), \
        f"logits [1000, -1000, 3]: {out.item()} vs F {want.item():.4f}"


def p10(b, r):
    p, y = torch.tensor([0.9, 0.2, 0.6]), torch.tensor([1., 0., 1.])
    out, want = b.bce(p, y), F.binary_cross_entropy(p, y)
    return not torch.allclose(out, want, rtol=1e-5) and torch.allclose(r.bce(p, y), want, rtol=1e-5), \
        f"bce {out.item():.4f} vs F {want.item():.4f}"


def p11(b, r):
    p = torch.tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    q = torch.tensor([[0.3, 0.3, 0.4], [0.5, 0.25, 0.25]])
    out = b.kl_div(p, q)
    want = (p * (p / q).log()).sum(-1)
    return out.shape != want.shape and torch.allclose(r.kl_div(p, q), want), \
        f"shape {tuple(out.shape)} vs p.shape[:-1] {tuple(want.shape)}"


def p_optim(opt_b, opt_t, kwargs, steps=50, dtype=torch.float32):
    torch.manual_seed(0)
    w0 = torch.randn(5, dtype=dtype)
    x, y = torch.randn(20, 5, dtype=dtype), torch.randn(20, dtype=dtype)
    out = []
    for cls in (opt_b, opt_t):
        w = w0.clone().requires_grad_(True)
        o = cls([w], **kwargs)
        for _ in range(steps):
            o.zero_grad()
            ((x @ w - y) ** 2).mean().backward()
            o.step()
        out.append(w.detach())
    return out


def p12(b, r):
    wb, wt = p_optim(b.SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9))
    wr, _ = p_optim(r.SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9))
    torch.manual_seed(0); w0 = torch.randn(5)
    return torch.equal(wb, w0) and torch.allclose(wr, wt, rtol=1e-4, atol=1e-6), \
        f"after 50 steps the parameter is unchanged (max |Δ| {(wb - w0).abs().max().item()}), torch moved it by {(wt - w0).abs().max().item():.3f}"


def p13(b, r):
    kw = dict(lr=0.01, eps=1e-3)
    wb, wt = p_optim(b.Adam, torch.optim.Adam, kw)
    wr, _ = p_optim(r.Adam, torch.optim.Adam, kw)
    wb64, wt64 = p_optim(b.Adam, torch.optim.Adam, dict(lr=0.01), dtype=torch.float64)
    rel = ((wb - wt).abs() / wt.abs()).max().item()
    return not torch.allclose(wb, wt, rtol=1e-4, atol=1e-6) and torch.allclose(wr, wt, rtol=1e-4, atol=1e-6) \
        and not torch.allclose(wb64, wt64, rtol=1e-10, atol=1e-10), \
        f"50 steps, eps=1e-3: max rel diff {rel:.2e} (> 1e-4); default eps float64 max diff {(wb64 - wt64).abs().max().item():.1e} (> 1e-10)"


def p14(b, r):
    path = str(SOL.parent / "datasets" / "diabetes.csv.gz")
    xb, yb = b.DiabetesDataset(path)[0]
    xr, yr = r.DiabetesDataset(path)[0]
    return (xb.dtype, yb.dtype) == (torch.float64, torch.float64) and (xr.dtype, yr.dtype) == (torch.float32, torch.float32), \
        f"item dtypes ({xb.dtype}, {yb.dtype}), want float32"


def p15(b, r):
    x = torch.randn(8, generator=g(0)); y = 2 * x + torch.randn(8, generator=g(1))   # noisy data: the visiting order matters
    wb, lb = b.sgd_fit(x, y, 0.05, 3, generator=g(3))
    wr, lr = r.sgd_fit(x, y, 0.05, 3, generator=g(3))
    return abs(wb - wr) > 1e-3 * abs(wr) and lb[0] == lr[0] and lb[1:] != lr[1:], \
        f"3 epochs, seed 3: w {wb:.4f} vs {wr:.4f}; epoch-1 MSE equal, epochs 2-3 {[round(v, 4) for v in lb[1:]]} vs {[round(v, 4) for v in lr[1:]]}"


def p16(b, r):
    x = torch.tensor([-1.0, 0.25, 2.0], dtype=torch.float16)
    rb, hb = b.relu(x), b.hard_sigmoid_from_relus(x)
    ok = rb.dtype == torch.float32 and hb.dtype == torch.float32 and r.relu(x).dtype == torch.float16 \
        and r.hard_sigmoid_from_relus(x).dtype == torch.float16
    return ok, f"float16 input: relu -> {rb.dtype}, hard_sigmoid_from_relus -> {hb.dtype} (want float16)"


def p17(b, r):
    torch.manual_seed(0)
    x = torch.ones(100_000)
    out = b.dropout(x, 0.2)
    torch.manual_seed(0)
    ref = r.dropout(x, 0.2)
    zb, zr = (out == 0).float().mean().item(), (ref == 0).float().mean().item()
    return abs(zb - 0.8) < 0.01 and abs(zr - 0.2) < 0.01, f"p=0.2: {zb:.3f} of elements zeroed (want ~0.2), survivors {out.max().item():.1f} (want 1.25)"


def p18(b, r):
    w = torch.empty(16, 8, 3, 3)
    torch.manual_seed(0); b.xavier_uniform_(w); mb = w.abs().max().item()
    bound = (6 / (8 * 9 + 16 * 9)) ** 0.5
    lin = torch.empty(6, 4); torch.manual_seed(0); b.xavier_uniform_(lin)
    return mb < 0.6 * bound, f"conv (16,8,3,3): max |w| {mb:.4f}, torch's bound a = {bound:.4f} (U(-a, a) fills it); linear weights unaffected"


def p19(b, r):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.9), nn.Linear(16, 3))
    x = torch.randn(64, 4); y = model.eval()(x).argmax(1)
    loader = [(x[:32], y[:32]), (x[32:], y[32:])]
    model.train(); ar = r.evaluate(model, loader, "cpu")
    model.train(); torch.manual_seed(1); ab = b.evaluate(model, loader, "cpu")
    return ar == 1.0 and ab < 1.0 and model.training, f"model with dropout 0.9 given in train mode: accuracy {ab:.3f} vs reference 1.000 (labels are its eval predictions); still training={model.training}"


def p20(b, r):
    x, w = torch.randn(1, 2, 5, 5, generator=g()), torch.randn(3, 2, 3, 3, generator=g(1))
    size = b.conv_output_size(5, 3, 0, 2)
    err = raises(lambda: b.conv2d(x, w, None, 2, 0))
    return size == 1 and r.conv_output_size(5, 3, 0, 2) == 2 and err is not None \
        and torch.allclose(r.conv2d(x, w, None, 2, 0), F.conv2d(x, w, None, 2, 0), rtol=1e-5, atol=1e-5), \
        f"conv_output_size(5, 3, 0, 2) = {size} (want 2); conv2d stride 2 raises {err}"


def p21(b, r):
    x = torch.randn(2, 4, 6, 6, generator=g())
    out, want = b.max_pool2d(x, 2), F.max_pool2d(x, 2)
    return out.shape != want.shape and torch.equal(r.max_pool2d(x, 2), want), f"shape {tuple(out.shape)} vs F.max_pool2d {tuple(want.shape)}"


def p22(b, r):
    x, k = torch.randn(4, 5, generator=g()), torch.randn(2, 2, generator=g(1))
    out = b.corr2d(x, k)
    want = F.conv2d(x[None, None], k[None, None])[0, 0]
    return out.shape != want.shape and torch.allclose(r.corr2d(x, k), want, atol=1e-5), f"shape {tuple(out.shape)} vs {tuple(want.shape)} (first row/column missing)"


def p23(b, r):
    err1 = raises(lambda: b.InceptionA(10)(torch.randn(2, 10, 8, 8)))
    err2 = raises(lambda: b.GoogLeNetMini(1, 10, 28))
    ok = r.GoogLeNetMini(1, 10, 8)(torch.randn(2, 1, 8, 8)).shape == (2, 10)
    return err1 is not None and err2 is not None and ok, f"InceptionA forward raises {err1}; GoogLeNetMini() raises too"


def p24(b, r):
    torch.manual_seed(0)
    err = raises(lambda: b.GoogLeNetMini(1, 10, 8)(torch.randn(2, 1, 8, 8)))
    ok = b.GoogLeNetMini(1, 10, 28)(torch.randn(2, 1, 28, 28)).shape == (2, 10) \
        and r.GoogLeNetMini(1, 10, 8)(torch.randn(2, 1, 8, 8)).shape == (2, 10)
    return err is not None and ok, f"input_size=8 forward raises {err}; 28 works"


def p25(b, r):
    err1 = raises(lambda: b.BasicBlock(16, 32, 2)(torch.randn(2, 16, 8, 8)))
    err2 = raises(lambda: b.SmallResNet(1, 10)(torch.randn(2, 1, 8, 8)))
    ok = r.SmallResNet(1, 10)(torch.randn(2, 1, 8, 8)).shape == (2, 10)
    return err1 is not None and err2 is not None and ok, f"BasicBlock(16, 32, stride 2) raises {err1}; SmallResNet forward raises too"


def p26(b, r):
    x = torch.randn(8, 3, 4, 4, generator=g()) * 2 + 5
    gam, bet = torch.ones(3), torch.zeros(3)
    rm_b, rv_b, rm_t, rv_t = torch.zeros(3), torch.ones(3), torch.zeros(3), torch.ones(3)
    yb = b.batch_norm(x, gam, bet, rm_b, rv_b, True, 0.1, 1e-5)
    yt = F.batch_norm(x, rm_t, rv_t, gam, bet, True, 0.1, 1e-5)
    return torch.allclose(yb, yt, atol=1e-5) and not torch.allclose(rm_b, rm_t), \
        f"output right but running_mean {[round(v, 3) for v in rm_b.tolist()]} vs torch {[round(v, 3) for v in rm_t.tolist()]}"


def p27(b, r):
    torch.manual_seed(0)
    mb = b.ResidualBlock(3); mr = r.ResidualBlock(3); mr.load_state_dict(mb.state_dict())
    x = torch.randn(2, 3, 5, 5)
    ob, orf = mb(x), mr(x)
    return ob.min().item() < 0 and orf.min().item() >= 0, f"output min {ob.min().item():.3f} < 0; relu(x + F(x)) is never negative"


def p28(b, r):
    torch.manual_seed(0)
    cell = nn.RNNCell(3, 4)
    with torch.no_grad():
        cell.bias_hh.uniform_(-1, 1)
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    args = (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    hb, want = b.rnn_cell(x, h, *args), cell(x, h)
    rnn = nn.RNN(3, 4, num_layers=2)
    xs, h0 = torch.randn(5, 2, 3), torch.randn(2, 2, 4)
    params = [tuple(p) for p in rnn.all_weights]
    ob, _ = b.rnn_forward(xs, h0, params)
    ot, _ = rnn(xs, h0)
    orr, _ = r.rnn_forward(xs, h0, params)
    return not torch.allclose(hb, want, atol=1e-5) and not torch.allclose(ob, ot, atol=1e-5) and torch.allclose(orr, ot, atol=1e-5), \
        f"rnn_cell max diff {(hb - want).abs().max().item():.3f} vs nn.RNNCell; rnn_forward max diff {(ob - ot).abs().max().item():.3f} vs nn.RNN"


def p29(b, r):
    out, want = b.encode_chars("hello", "ehlo"), torch.tensor([1, 0, 2, 2, 3])
    return not torch.equal(out, want) and torch.equal(r.encode_chars("hello", "ehlo"), want), f"encode_chars('hello', 'ehlo') = {out.tolist()}, want [1, 0, 2, 2, 3]"


def p30(b, r):
    torch.manual_seed(0)
    cell = nn.GRUCell(3, 4)
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    args = (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    hb, want = b.gru_cell(x, h, *args), cell(x, h)
    return not torch.allclose(hb, want, atol=1e-5) and torch.allclose(r.gru_cell(x, h, *args), want, atol=1e-5), \
        f"max diff {(hb - want).abs().max().item():.3f} vs nn.GRUCell"


def main():
    labels = json.loads((HERE / "labels.json").read_text())
    checks = [globals()[f"p{i:02d}"] for i in range(1, 31)]
    proven = 0
    for i, (lab, check) in enumerate(zip(labels, checks), start=1):
        topic = lab["topic"]
        try:
            with torch.enable_grad():
                bug = load(HERE / lab["file"], f"bug{i:02d}")
                ref = load(SOL / f"{topic}.py", f"ref{i:02d}")
                ok, why = check(bug, ref)
        except Exception as e:  # noqa: BLE001
            ok, why = False, f"check crashed: {type(e).__name__}: {e}"
        proven += bool(ok)
        print(f"{'PROVEN    ' if ok else 'NOT PROVEN'} {lab['file']}: {lab['exercise']} — {why}")
    print(f"{proven}/{len(labels)} proven")
    return 0 if proven == len(labels) else 1


if __name__ == "__main__":
    sys.exit(main())
