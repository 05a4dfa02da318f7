"""Re-check all 30 labelled mistakes of set116 in plain torch.

For every b26_NN_<topic>.py: one check, built only from torch (its own functions, modules and
autograd) on an input the exercise's docstring allows. The check is run on the reference
/work/main/solutions/<topic>.py (it must PASS: the input is legal and the check is right) and on
the learner file (it must FAIL). Prints one line per file:

    PROVEN  b26_NN_topic.py  exercise: ref ok | learner: <what goes wrong>

Run: /work/main/.venv/bin/python /work/set116/prove.py      (CPU only, a few seconds)
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import sys
import traceback

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)
HERE = pathlib.Path(__file__).resolve().parent
SOLUTIONS = pathlib.Path("/work/main/solutions")
DIABETES = "/work/main/datasets/diabetes.csv.gz"


def load(path: pathlib.Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def close(a, b, rtol=1e-5, atol=1e-6) -> bool:
    return (isinstance(a, torch.Tensor) and a.shape == b.shape and a.dtype == b.dtype
            and torch.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False))


def desc(t) -> str:
    if isinstance(t, torch.Tensor):
        flat = t.detach().flatten()[:4].tolist()
        return f"Tensor{tuple(t.shape)} {str(t.dtype).replace('torch.', '')} {[round(v, 4) for v in flat]}"
    return f"{type(t).__module__}.{type(t).__name__} {' '.join(repr(t).split())}"[:90]


# Each check: m -> (ok, detail). ok means "meets the docstring / equals torch".

def c01(m):  # add_into
    z, x, y = torch.zeros(4), torch.arange(4.0), torch.ones(4)
    ptr = z.data_ptr()
    r = m.add_into(z, x, y)
    ok = torch.equal(z, x + y) and z.data_ptr() == ptr and r is z
    return ok, f"caller's z after the call = {z.tolist()} (want {(x + y).tolist()}); returned z itself: {r is z}"


def c02(m):  # fill_nan_with_column_mean
    nan = float("nan")
    x = torch.tensor([[1.0, nan, 3.0], [nan, 4.0, 5.0], [2.0, 6.0, nan]])
    want = torch.where(torch.isnan(x), torch.nanmean(x, dim=0).expand_as(x), x)
    r = m.fill_nan_with_column_mean(x)
    return close(r, want), f"got {r.tolist()} want {want.tolist()}"


def c03(m):  # accuracy
    y_hat = torch.tensor([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5]])
    y = torch.tensor([1, 0, 2])
    want = (y_hat.argmax(dim=1) == y).float().mean().item()
    r = m.accuracy(y_hat, y)
    return type(r) is float and r == want, f"got {r!r} want {want!r}"


def c04(m):  # one_hot
    labels = torch.tensor([0, 2, 1, 2])
    want = F.one_hot(labels, 3).float()
    r = m.one_hot(labels, 3)
    return close(r, want), f"returned {desc(r)}, want float32 torch tensor"


def c05(m):  # row_normalize
    x = torch.tensor([[1.0, 1.0, 2.0], [3.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
    want = x / x.sum(dim=1, keepdim=True)
    r = m.row_normalize(x)
    return close(r, want), f"row sums of result {r.sum(dim=1).tolist()} (want all 1)"


def c06(m):  # quadratic_grads
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(6, dtype=torch.float64, generator=g), torch.randn(6, dtype=torch.float64, generator=g)
    w1, w2, b = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.5, -1.0, 0.3))
    ((w1 * x**2 + w2 * x + b - y) ** 2).mean().backward()
    wants = (w1.grad, w2.grad, b.grad)
    rs = m.quadratic_grads(w1.detach(), w2.detach(), b.detach(), x, y)
    ok = all(close(r, w, rtol=1e-7, atol=0) for r, w in zip(rs, wants))
    return ok, f"returned {[desc(r) for r in rs][:1]}..., want 0-dim float64 tensors"


def c07(m):  # grad_of_vector_fn
    x = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    want = 3 * x**2
    r1 = m.grad_of_vector_fn(lambda t: t**3, x).clone()
    r2 = m.grad_of_vector_fn(lambda t: t**3, x)
    ok = close(r1, want, 1e-7, 0) and close(r2, want, 1e-7, 0) and not x.requires_grad and x.grad is None
    return ok, (f"x.requires_grad={x.requires_grad}, x.grad set={x.grad is not None}; "
                f"second call {r2.tolist()} vs want {want.tolist()}")


def c08(m):  # Value
    a = m.Value(2.0)
    b = a * a
    c = b + b
    c.backward()
    ta = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    tb = ta * ta
    (tb + tb).backward()
    x = m.Value(0.5)
    y = x.tanh()
    z = y * x + y.exp() - 3 / x
    z.backward()
    tx = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    ty = tx.tanh()
    (ty * tx + ty.exp() - 3 / tx).backward()
    ok = abs(a.grad - ta.grad.item()) < 1e-9 and abs(x.grad - tx.grad.item()) < 1e-9
    return ok, f"c=b+b, b=a*a at a=2: a.grad={a.grad} (torch {ta.grad.item()}); second graph x.grad={x.grad:.6g} (torch {tx.grad.item():.6g})"


def c09(m):  # bce_with_logits
    z = torch.tensor([1000.0, -1000.0, 20.0, -3.0])
    y = torch.tensor([0.0, 1.0, 0.0, 1.0])
    want = F.binary_cross_entropy_with_logits(z, y)
    r = m.bce_with_logits(z, y)
    return close(r, want, rtol=1e-5, atol=8 * torch.finfo(torch.float32).eps * 1000), f"got {r.item():.4f} want {want.item():.4f}"


def c10(m):  # log_softmax (callee of cross_entropy)
    logits = torch.tensor([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    target = torch.tensor([0, 2])
    atol = 8 * torch.finfo(torch.float32).eps * 1000
    want_ls, want_ce = F.log_softmax(logits, dim=1), F.cross_entropy(logits, target)
    ls, ce = m.log_softmax(logits, dim=1), m.cross_entropy(logits, target)
    ok = close(ls, want_ls, atol=atol) and close(ce, want_ce, atol=atol)
    return ok, f"log_softmax row0 {ls[0].tolist()}; cross_entropy {ce.item()} (torch {want_ce.item():.4g})"


def c11(m):  # entropy
    p = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], dtype=torch.float64)
    want = -torch.xlogy(p, p).sum(dim=-1)
    r = m.entropy(p)
    return close(r, want, 1e-7, 0), f"got {r.tolist()} want {want.tolist()}"


def c12(m):  # SGD
    p_ref = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    p_m = p_ref.detach().clone().requires_grad_(True)
    o_ref, o_m = torch.optim.SGD([p_ref], lr=0.1, momentum=0.9), m.SGD([p_m], lr=0.1, momentum=0.9)
    for _ in range(5):
        for p, o in ((p_ref, o_ref), (p_m, o_m)):
            o.zero_grad()
            (p**2).sum().backward()
            o.step()
    return close(p_m.detach(), p_ref.detach(), 1e-4, 1e-6), f"after 5 steps p={p_m.detach().tolist()} torch.optim.SGD {p_ref.detach().tolist()}"


def c13(m):  # DiabetesDataset
    ds = m.DiabetesDataset(DIABETES)
    table = np.loadtxt(DIABETES, delimiter=",", dtype=np.float32)
    x, y = ds[0]
    want_x, want_y = torch.from_numpy(table[0, :-1]), torch.from_numpy(table[0, [-1]])
    ok = len(ds) == len(table) and close(x, want_x, 0, 0) and close(y, want_y, 0, 0)
    return ok, f"item dtypes {x.dtype}, {y.dtype} (want float32, float32)"


def c14(m):  # Adam
    g = torch.Generator().manual_seed(0)
    p_ref = torch.randn(5, dtype=torch.float64, generator=g).requires_grad_(True)
    p_m = p_ref.detach().clone().requires_grad_(True)
    o_ref, o_m = torch.optim.Adam([p_ref], lr=1e-3), m.Adam([p_m], lr=1e-3)
    for _ in range(50):
        for p, o in ((p_ref, o_ref), (p_m, o_m)):
            o.zero_grad()
            (1e-4 * (p**2).sum()).backward()   # small gradients (~1e-4): legal, makes eps matter
            o.step()
    diff = (p_m - p_ref).abs().max().item()
    return close(p_m.detach(), p_ref.detach(), 1e-10, 0), f"50 steps, default eps, grads ~1e-4: max |p - torch.optim.Adam| = {diff:.2e} (float64 tolerance 1e-10)"


def c15(m):  # gd_fit (helper _mse), sgd_fit
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    y = torch.tensor([2.5, 3.5, 7.0, 7.5])
    w, want = 1.0, []
    for _ in range(4):
        want.append(((w * x - y) ** 2).mean().item())
        w -= 0.01 * (2 * x * (w * x - y)).mean().item()
    rw, rl = m.gd_fit(x, y, 0.01, 4)
    ok_gd = abs(rw - w) < 1e-5 and np.allclose(rl, want, rtol=1e-5)
    gen = torch.Generator().manual_seed(3)
    sw, sl = m.sgd_fit(x, y, 0.01, 2, generator=gen)
    gen = torch.Generator().manual_seed(3)
    w2, want2 = 1.0, []
    for _ in range(2):
        for i in torch.randperm(4, generator=gen).tolist():
            w2 -= 0.01 * 2 * x[i].item() * (w2 * x[i].item() - y[i].item())
        want2.append(((w2 * x - y) ** 2).mean().item())
    ok_sgd = np.allclose(sl, want2, rtol=1e-5)
    return ok_gd and ok_sgd, f"gd_fit losses {[round(v, 4) for v in rl]} want {[round(v, 4) for v in want]}; sgd_fit ok={ok_sgd}"


def c16(m):  # relu (callee of hard_sigmoid_from_relus)
    x = torch.tensor([-2.0, -0.25, 0.0, 0.3, 3.0], dtype=torch.float16)
    r, h = m.relu(x), m.hard_sigmoid_from_relus(x)
    ok = close(r, F.relu(x), 1e-2, 1e-3) and close(h, F.relu(x + 0.5) - F.relu(x - 0.5), 1e-2, 1e-3)
    try:
        m.relu(torch.randn(3, device="meta"))
        dev = "meta-device input ok"
    except Exception as e:  # a tensor made on the CPU by default
        ok, dev = False, f"meta-device input raises {type(e).__name__}"
    return ok, f"float16 in -> relu {r.dtype}, hard_sigmoid {h.dtype}; {dev}"


def c17(m):  # dropout
    x = torch.ones(100_000)
    torch.manual_seed(0)
    r = m.dropout(x, 0.2)
    zero = (r == 0).float().mean().item()
    kept = r[r != 0]
    ok = abs(zero - 0.2) < 0.01 and torch.allclose(kept, torch.full_like(kept, 1 / 0.8))
    return ok, f"p=0.2: fraction zeroed {zero:.3f} (want ~0.2), survivors scaled to {kept[0].item():.3f} (want 1.25)"


def c18(m):  # MLP
    torch.manual_seed(0)
    model = m.MLP([4, 8, 3])
    x = torch.randn(5, 4)
    lin = [mod for mod in model.modules() if isinstance(mod, nn.Linear)]
    want = lin[1](F.relu(lin[0](x)))
    r = model(x)
    return close(r, want), f"outputs row sums {[round(v, 4) for v in r.sum(dim=1).tolist()]} (probabilities), want logits {[round(v, 3) for v in want[0].tolist()]}"


def c19(m):  # evaluate
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Dropout(0.9), nn.Linear(64, 3))
    x = torch.randn(200, 4)
    model.eval()
    with torch.no_grad():
        labels = model(x).argmax(dim=1)  # eval-mode accuracy is 1.0 by construction
    model.train()  # as left by a training epoch
    loader = [(x[i:i + 50], labels[i:i + 50]) for i in range(0, 200, 50)]
    r = m.evaluate(model, loader, "cpu")
    return r == 1.0, f"accuracy {r} (eval-mode accuracy is 1.0); model left in train mode: {model.training}"


def c20(m):  # conv_output_size (callee of conv2d)
    s = m.conv_output_size(5, 2, 0, 2)
    torch.manual_seed(0)
    x, w, b = torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3), torch.randn(3)
    try:
        out = m.conv2d(x, w, b, stride=2, padding=1)
        ok_conv, conv = close(out, F.conv2d(x, w, b, stride=2, padding=1), 1e-5, 1e-5), "conv2d ran"
    except Exception as e:
        ok_conv, conv = False, f"conv2d raises {type(e).__name__}: {str(e)[:60]}"
    return type(s) is int and s == 2 and ok_conv, f"conv_output_size(5,2,0,2) = {s!r} (want 2); {conv}"


def c21(m):  # max_pool2d
    torch.manual_seed(0)
    x = torch.randn(2, 3, 6, 6)
    r = m.max_pool2d(x, 2)
    return close(r, F.max_pool2d(x, 2)), f"shape {tuple(r.shape)} want {tuple(F.max_pool2d(x, 2).shape)}"


def c22(m):  # corr2d
    torch.manual_seed(0)
    x, k = torch.randn(5, 5), torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    want = F.conv2d(x[None, None], k[None, None])[0, 0]
    r = m.corr2d(x, k)
    return close(r, want, 1e-5, 1e-5), f"max |corr2d - F.conv2d| = {(r - want).abs().max().item():.3f}"


def c23(m):  # InceptionA (callee of GoogLeNetMini)
    torch.manual_seed(0)
    x = torch.randn(2, 3, 8, 8)
    try:
        block = m.InceptionA(3)
        out = block(x)
        ok_a, a = out.shape == (2, 88, 8, 8), f"InceptionA -> {tuple(out.shape)}"
    except Exception as e:
        ok_a, a = False, f"InceptionA raises {type(e).__name__}: {str(e)[:50]}"
    try:
        net = m.GoogLeNetMini(1, 10, 8)
        ok_g, g = net(torch.randn(2, 1, 8, 8)).shape == (2, 10), "GoogLeNetMini ok"
    except Exception as e:
        ok_g, g = False, f"GoogLeNetMini(1, 10, 8) raises {type(e).__name__}"
    return ok_a and ok_g, f"{a}; {g}"


def c24(m):  # conv_mults
    r = m.conv_mults(28, 28, 192, 32, 5)
    return type(r) is int and r == 120_422_400, f"returned {type(r).__module__}.{type(r).__name__} {r} (want Python int)"


def c25(m):  # batch_norm
    torch.manual_seed(0)
    x = torch.randn(8, 3, 4, 4) * 2 + 1
    gamma, beta = torch.rand(3) + 0.5, torch.randn(3)
    rm, rv = torch.zeros(3), torch.ones(3)
    rm2, rv2 = rm.clone(), rv.clone()
    want = F.batch_norm(x, rm2, rv2, gamma, beta, True, 0.1, 1e-5)
    r = m.batch_norm(x, gamma, beta, rm, rv, True, 0.1, 1e-5)
    ok = close(r, want, 1e-5, 1e-5) and close(rm, rm2) and close(rv, rv2)
    return ok, f"running_mean {[round(v, 3) for v in rm.tolist()]} want {[round(v, 3) for v in rm2.tolist()]}"


def c26(m):  # BasicBlock (callee of SmallResNet)
    torch.manual_seed(0)
    res = []
    ok = True
    for name, build, x, shape in (("BasicBlock(16, 32, 2)", lambda: m.BasicBlock(16, 32, 2), torch.randn(2, 16, 8, 8), (2, 32, 4, 4)),
                                  ("SmallResNet()", lambda: m.SmallResNet(), torch.randn(2, 1, 8, 8), (2, 10))):
        try:
            out = build()(x)
            ok &= out.shape == shape
            res.append(f"{name} -> {tuple(out.shape)}")
        except Exception as e:
            ok = False
            res.append(f"{name} raises {type(e).__name__}")
    return ok, "; ".join(res)


def c27(m):  # ResidualBlock
    torch.manual_seed(0)
    block = m.ResidualBlock(4)
    x = torch.randn(2, 4, 6, 6)
    convs = [mod for mod in block.modules() if isinstance(mod, nn.Conv2d)]
    c1, c2 = convs
    want = F.relu(x + F.conv2d(F.relu(F.conv2d(x, c1.weight, c1.bias, padding=1)), c2.weight, c2.bias, padding=1))
    r = block(x)
    return close(r, want, 1e-5, 1e-5), f"max |block(x) - relu(x + conv2(relu(conv1(x))))| = {(r - want).abs().max().item():.3f}"


def c28(m):  # rnn_cell (callee of rnn_forward)
    torch.manual_seed(0)
    notes, ok = [], True
    for n_in, hid in ((3, 5), (4, 4)):
        cell = nn.RNNCell(n_in, hid)
        x, h = torch.randn(2, n_in), torch.randn(2, hid)
        try:
            r = m.rnn_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
            good = close(r, cell(x, h), 1e-5, 1e-5)
            notes.append(f"rnn_cell({n_in}->{hid}) {'ok' if good else 'wrong values'}")
        except Exception as e:
            good = False
            notes.append(f"rnn_cell({n_in}->{hid}) raises {type(e).__name__}")
        ok &= good
    rnn = nn.RNN(3, 5, num_layers=2)
    x, h0 = torch.randn(4, 2, 3), torch.randn(2, 2, 5)
    try:
        out, hn = m.rnn_forward(x, h0, rnn.all_weights)
        want_out, want_hn = rnn(x, h0)
        good = close(out, want_out, 1e-5, 1e-5) and close(hn, want_hn, 1e-5, 1e-5)
        notes.append(f"rnn_forward {'ok' if good else 'wrong'}")
    except Exception as e:
        good = False
        notes.append(f"rnn_forward raises {type(e).__name__}")
    return ok and good, "; ".join(notes)


def c29(m):  # gru_cell
    torch.manual_seed(0)
    cell = nn.GRUCell(3, 5)
    x, h = torch.randn(2, 3), torch.randn(2, 5)
    want = cell(x, h)
    r = m.gru_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    return close(r, want, 1e-5, 1e-5), f"max |gru_cell - nn.GRUCell| = {(r - want).abs().max().item():.3f}"


def c30(m):  # embedding_lookup
    torch.manual_seed(0)
    weight = torch.randn(6, 3)
    idx = torch.tensor([[0, 5], [2, 2]])
    want = nn.Embedding.from_pretrained(weight)(idx)
    r = m.embedding_lookup(weight, idx)
    return close(r, want, 0, 0), f"row for index 0 is weight[{[int(i) for i in range(6) if torch.equal(weight[i], r[0, 0])][0]}]"


CHECKS = [c01, c02, c03, c04, c05, c06, c07, c08, c09, c10, c11, c12, c13, c14, c15,
          c16, c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29, c30]


def run(check, module):
    try:
        return check(module)
    except Exception as e:
        return False, f"raises {type(e).__name__}: {str(e).splitlines()[0][:100]}"


def main() -> int:
    labels = json.loads((HERE / "labels.json").read_text())
    assert len(labels) == len(CHECKS) == 30
    proven = 0
    for label, check in zip(labels, CHECKS):
        ref = load(SOLUTIONS / f"{label['topic']}.py", f"ref_{label['topic']}")
        learner = load(HERE / label["file"], label["file"][:-3])
        ref_ok, ref_detail = run(check, ref)
        bad_ok, bad_detail = run(check, learner)
        good = ref_ok and not bad_ok
        proven += good
        status = "PROVEN " if good else ("REF-FAIL" if not ref_ok else "NOT-WRONG")
        print(f"{status} {label['file']}  {label['exercise']}: ref ok={ref_ok} | learner: {bad_detail}"
              + ("" if ref_ok else f" | ref: {ref_detail}"))
    print(f"{proven}/30 proven")
    return 0 if proven == 30 else 1


if __name__ == "__main__":
    sys.exit(main())
