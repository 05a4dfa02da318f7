"""Re-check all 30 mistakes against plain torch (and the reference) on inputs the docstrings allow.

Run: /work/main/.venv/bin/python /work/set118/prove.py   — one line per file: PROVEN / NOT PROVEN.
"""
import gzip, importlib.util, pathlib, sys, tempfile, traceback
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)
HERE = pathlib.Path(__file__).resolve().parent
SOL = pathlib.Path("/work/main/solutions")
DATA = pathlib.Path("/work/main/datasets")


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
    return torch.allclose(a, b, rtol=rtol, atol=atol)


PROOFS = {}


def proof(n):
    def deco(f):
        PROOFS[n] = f
        return f
    return deco


@proof(1)
def _(m, ref):
    x, y = torch.randn(4), torch.randn(4)
    z = torch.zeros(4); ptr = z.data_ptr()
    out = m.add_into(z, x, y)
    zr = torch.zeros(4); ref.add_into(zr, x, y)
    assert torch.equal(zr, x + y)  # reference is right
    bad = (not torch.equal(z, x + y)) or out.data_ptr() != ptr
    return bad, f"caller's z after call = {z.tolist()[:2]}.. (expected x+y); returned ptr same: {out.data_ptr() == ptr}"


@proof(2)
def _(m, ref):
    lab = torch.tensor([0, 2, 1])
    got, want = m.one_hot(lab, 3), F.one_hot(lab, 3).float()
    return got.dtype != torch.float32, f"dtype {got.dtype} (docstring: float32); values equal: {torch.equal(got.float(), want)}"


@proof(3)
def _(m, ref):
    x = torch.rand(3, 3) + 0.1
    want = x / x.sum(dim=1, keepdim=True)
    got = m.row_normalize(x)
    err = raises(lambda: m.row_normalize(torch.rand(2, 5)))
    return not close(got, want), f"(3,3): rows sum to {got.sum(1).tolist()}; (2,5): {err}"


@proof(4)
def _(m, ref):
    a, b = m.Value(2.0), m.Value(3.0)
    (a - b).backward()
    ta = torch.tensor(2.0, dtype=torch.float64, requires_grad=True); tb = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    (ta - tb).backward()
    c = m.Value(0.5); (1 - c).backward()
    return b.grad != tb.grad.item(), f"d(a-b)/db = {b.grad} (torch {tb.grad.item()}); d(1-c)/dc = {c.grad} (torch -1.0)"


@proof(5)
def _(m, ref):
    x = torch.randn(5, dtype=torch.float64)
    f = lambda t: t ** 2
    g1 = m.grad_of_vector_fn(f, x).clone()
    g2 = m.grad_of_vector_fn(f, x)
    want = 2 * x.detach()
    return (x.requires_grad or x.grad is not None or not close(g2, want)), \
        f"caller x.requires_grad={x.requires_grad}, x.grad set={x.grad is not None}; 2nd call = {(g2 / want).mean().item():.1f}x the gradient"


@proof(6)
def _(m, ref):
    d = dict(dtype=torch.float64)
    w1, w2, b = torch.tensor(0.3, **d), torch.tensor(-1.2, **d), torch.tensor(0.7, **d)
    x, y = torch.randn(6, **d), torch.randn(6, **d)
    got = m.quadratic_grads(w1, w2, b, x, y)
    tw = [t.clone().requires_grad_() for t in (w1, w2, b)]
    ((tw[0] * x**2 + tw[1] * x + tw[2] - y) ** 2).mean().backward()
    rel = max(abs((g.double() - t.grad) / t.grad).item() for g, t in zip(got, tw))
    return any(g.dtype != torch.float64 for g in got), f"float64 inputs -> dtypes {[str(g.dtype) for g in got][0]}; rel err vs autograd {rel:.1e} (check rtol 1e-7)"


@proof(7)
def _(m, ref):
    logits = torch.tensor([[1000.0, -1000.0], [0.5, 0.1]])
    target = torch.tensor([1, 0])
    got, want = m.cross_entropy(logits, target), F.cross_entropy(logits, target)
    ls = m.log_softmax(logits, dim=1)
    return not close(got, want), f"cross_entropy = {got.item()} vs F.cross_entropy {want.item():.4f}; log_softmax[0,1] = {ls[0, 1].item()} vs -2000"


@proof(8)
def _(m, ref):
    z = torch.tensor([1000.0, -1000.0, 0.3]); y = torch.tensor([0.0, 1.0, 1.0])
    got, want = m.bce_with_logits(z, y), F.binary_cross_entropy_with_logits(z, y)
    return not close(got, want, atol=8 * torch.finfo(torch.float32).eps * 1000), f"loss {got.item():.3f} vs torch {want.item():.3f}"


@proof(9)
def _(m, ref):
    x = torch.randn(2, 3)
    err = raises(lambda: m.softmax(x, dim=-1))
    return err is not None, f"softmax(randn(2,3)) -> {err}"


@proof(10)
def _(m, ref):
    p = torch.softmax(torch.randn(4, 3), -1); q = torch.softmax(torch.randn(4, 3), -1)
    got = m.kl_div(p, q)
    want = (p * (p.log() - q.log())).sum(-1)
    return got.shape != want.shape, f"shape {tuple(got.shape)} vs {tuple(want.shape)} (p.shape[:-1])"


@proof(11)
def _(m, ref):
    torch.manual_seed(0)
    p = nn.Parameter(torch.randn(3)); q = nn.Parameter(p.detach().clone())
    before = p.detach().clone()
    opt, topt = m.SGD([p], lr=0.1), torch.optim.SGD([q], lr=0.1)
    for par in (p, q):
        par.grad = torch.ones(3)
    opt.step(); topt.step()
    return not close(p.detach(), q.detach()), f"param after step unchanged: {torch.equal(p.detach(), before)}; torch moved it by {(q - before).abs().max().item():.2f}"


@proof(12)
def _(m, ref):
    torch.manual_seed(0)
    d = torch.float64
    p = nn.Parameter(torch.randn(4, dtype=d)); q = nn.Parameter(p.detach().clone())
    kw = dict(lr=0.01, eps=1e-3)
    opt, topt = m.Adam([p], **kw), torch.optim.Adam([q], **kw)
    for t in range(10):
        g = 1e-3 * torch.randn(4, dtype=d)
        p.grad, q.grad = g.clone(), g.clone()
        opt.step(); topt.step()
    diff = (p - q).abs().max().item()
    # default eps too, float64 tolerance 1e-10
    p2 = nn.Parameter(torch.randn(4, dtype=d)); q2 = nn.Parameter(p2.detach().clone())
    o2, t2 = m.Adam([p2]), torch.optim.Adam([q2])
    for t in range(50):
        g = 1e-6 * torch.randn(4, dtype=d)
        p2.grad, q2.grad = g.clone(), g.clone(); o2.step(); t2.step()
    diff2 = (p2 - q2).abs().max().item()
    return diff > 1e-6 or diff2 > 1e-10, f"10 steps eps=1e-3: max|diff| {diff:.1e}; 50 steps defaults, g~1e-6: {diff2:.1e} (float64 tol 1e-10)"


@proof(13)
def _(m, ref):
    ds = m.DiabetesDataset(str(DATA / "diabetes.csv.gz"))
    f, l = ds[0]
    return f.dtype != torch.float32 or l.dtype != torch.float32, f"item dtypes {f.dtype}, {l.dtype} (docstring: float32)"


@proof(14)
def _(m, ref):
    x = torch.linspace(-1, 1, 8); y = 2.5 * x + 0.1 * torch.sin(7 * x)
    w, losses = m.sgd_fit(x, y, 0.05, 3, generator=torch.Generator().manual_seed(1))
    # spec: fresh torch.randperm(n, generator) each epoch, written out here
    g = torch.Generator().manual_seed(1); ww = 1.0
    for _ in range(3):
        for i in torch.randperm(8, generator=g).tolist():
            ww -= 0.05 * float(2 * x[i] * (ww * x[i] - y[i]))
    return abs(w - ww) > 1e-6 * abs(ww), f"final w {w:.7f} vs spec {ww:.7f}"


@proof(15)
def _(m, ref):
    h = torch.tensor([-1.0, 0.2, 3.0], dtype=torch.float16)
    out = m.hard_sigmoid_from_relus(h)
    r0 = m.relu(torch.tensor(2.0))
    return out.dtype != torch.float16 or r0.shape != (), f"hard_sigmoid(float16) dtype {out.dtype}; relu(0-dim) shape {tuple(r0.shape)}"


@proof(16)
def _(m, ref):
    x = torch.ones(1000)
    torch.manual_seed(0); a = m.dropout(x, 0.5)
    torch.manual_seed(0); b = m.dropout(x, 0.5)
    torch.manual_seed(0); ra = ref.dropout(x, 0.5)
    torch.manual_seed(0); rb = ref.dropout(x, 0.5)
    assert torch.equal(ra, rb)
    return not torch.equal(a, b), f"same torch seed, masks differ in {(a != b).sum().item()}/1000 places (reference: 0)"


@proof(17)
def _(m, ref):
    torch.manual_seed(0)
    net = m.MLP([4, 16, 3], dropout=0.5).eval()
    x = torch.randn(5, 4)
    with torch.no_grad():
        a, b = net(x), net(x)
    return not torch.equal(a, b), f"eval mode, same input twice: max|diff| {(a - b).abs().max().item():.3f} (nn.Dropout in eval: 0)"


@proof(18)
def _(m, ref):
    torch.manual_seed(0)
    net = nn.Linear(2, 1); net2 = nn.Linear(2, 1); net2.load_state_dict(net.state_dict())
    X, Y = torch.randn(5, 2), torch.randn(5, 1)
    loader = [(X[:4], Y[:4]), (X[4:], Y[4:])]
    got = m.train_epoch(net, loader, F.mse_loss, torch.optim.SGD(net.parameters(), lr=0.1), "cpu")
    # replay of the spec by hand
    opt = torch.optim.SGD(net2.parameters(), lr=0.1); tot = 0.0
    for xb, yb in loader:
        loss = F.mse_loss(net2(xb), yb); opt.zero_grad(); loss.backward(); opt.step(); tot += loss.item() * len(xb)
    want = tot / 5
    return abs(got - want) > 1e-6, f"epoch loss {got:.5f} vs sample-weighted {want:.5f} (batches 4 and 1)"


@proof(19)
def _(m, ref):
    got = m.conv_output_size(6, 3, 0, 2)
    x, w = torch.randn(1, 1, 6, 6), torch.randn(1, 1, 3, 3)
    err = raises(lambda: m.conv2d(x, w, stride=2))
    return got != (6 - 3) // 2 + 1 or err is not None, f"conv_output_size(6,3,0,2) = {got} (floor gives 2); conv2d stride 2 -> {err}"


@proof(20)
def _(m, ref):
    x = torch.randn(2, 4, 6, 6)
    got = m.max_pool2d(x, 2)
    want = F.max_pool2d(x, 2)
    return got.shape != want.shape or not torch.equal(got, want), f"shape {tuple(got.shape)} vs F.max_pool2d {tuple(want.shape)}"


@proof(21)
def _(m, ref):
    torch.manual_seed(0)
    out = m.SimpleCNN()(torch.randn(1, 1, 8, 8))
    return out.shape != (1, 10), f"n=1 logits shape {tuple(out.shape)} vs (1, 10)"


@proof(22)
def _(m, ref):
    e1 = raises(lambda: m.InceptionA(10)(torch.randn(1, 10, 8, 8)))
    e2 = raises(lambda: m.GoogLeNetMini(input_size=28))
    return e1 is not None and e2 is not None, f"InceptionA -> {e1}; GoogLeNetMini(28) -> {e2[:40]}"


@proof(23)
def _(m, ref):
    small = m.conv_mults(28, 28, 192, 32, 5)
    big = m.conv_mults(1000000, 1000000, 4096, 4096, 7)
    want = 7 * 7 * 4096 * 4096 * 1000000 * 1000000
    return type(small) is not int or big != want, f"type {type(small).__name__} ({small}); big case {int(big)} vs {want}"


@proof(24)
def _(m, ref):
    torch.manual_seed(0)
    err = raises(lambda: m.GoogLeNetMini(input_size=8)(torch.randn(2, 1, 8, 8)))
    return err is not None, f"GoogLeNetMini(input_size=8) forward -> {err}"


@proof(25)
def _(m, ref):
    e1 = raises(lambda: m.BasicBlock(16, 32, stride=2)(torch.randn(2, 16, 8, 8)))
    e2 = raises(lambda: m.SmallResNet()(torch.randn(2, 1, 8, 8)))
    return e1 is not None and e2 is not None, f"BasicBlock(16,32,2) -> {e1[:45]}; SmallResNet 8x8 -> error: {e2 is not None}"


@proof(26)
def _(m, ref):
    x = torch.randn(8, 3) * 2 + 1
    g, b = torch.ones(3), torch.zeros(3)
    rm, rv, trm, trv = torch.zeros(3), torch.ones(3), torch.zeros(3), torch.ones(3)
    m.batch_norm(x, g, b, rm, rv, True, 0.1, 1e-5)
    F.batch_norm(x, trm, trv, g, b, True, 0.1, 1e-5)
    return not close(rm, trm), f"running_mean {rm[0].item():.4f} vs F.batch_norm {trm[0].item():.4f}"


@proof(27)
def _(m, ref):
    torch.manual_seed(0)
    err = raises(lambda: m.SmallResNet()(torch.randn(2, 1, 8, 8)))
    return err is not None, f"SmallResNet 8x8 -> {err}"


@proof(28)
def _(m, ref):
    torch.manual_seed(0)
    rnn = nn.RNN(3, 4, num_layers=2)
    x, h0 = torch.randn(5, 2, 3), torch.randn(2, 2, 4)
    params = [tuple(p.detach() for p in layer) for layer in rnn.all_weights]
    with torch.no_grad():
        want, hn = rnn(x, h0)
    got, ghn = m.rnn_forward(x, h0, params)
    cell = nn.RNNCell(3, 4)
    c = m.rnn_cell(x[0], h0[0], cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    return not close(got, want, atol=1e-5), f"rnn_forward max|diff| vs nn.RNN {(got - want).abs().max().item():.3f}; rnn_cell vs RNNCell {(c - cell(x[0], h0[0])).abs().max().item():.3f}"


@proof(29)
def _(m, ref):
    torch.manual_seed(0)
    idx = m.encode_chars("hello", "ehlo").unsqueeze(1)
    net = m.HelloRNN(4, 8)
    with torch.no_grad():
        out = net(idx)
    torch.manual_seed(0); rnet = ref.HelloRNN(4, 8)
    with torch.no_grad():
        rout = rnet(idx)
    same = torch.equal(out[2], out[3])  # both steps read 'l'
    return same and not torch.equal(rout[2], rout[3]), f"logits at steps 2 and 3 (both 'l') identical: {same} -> 'l' cannot map to both 'l' and 'o' (reference: differ)"


@proof(30)
def _(m, ref):
    got = m.encode_chars("hello", "ehlo")
    return got.tolist() != [1, 0, 2, 2, 3], f"encode_chars('hello','ehlo') = {got.tolist()} vs [1, 0, 2, 2, 3]"


def main():
    import json
    labels = json.loads((HERE / "labels.json").read_text())
    ok = 0
    for n, lab in enumerate(labels, start=1):
        f = lab["file"]
        try:
            m = load(HERE / f, f"mistake_{n}")
            ref = load(SOL / f"{lab['topic']}.py", f"ref_{lab['topic']}")
            wrong, detail = PROOFS[n](m, ref)
        except Exception:
            wrong, detail = False, "PROOF CRASHED: " + traceback.format_exc().splitlines()[-1]
        ok += bool(wrong)
        print(f"{f}: {lab['exercise']:<28} {'PROVEN' if wrong else 'NOT PROVEN'} — {detail}")
    print(f"{ok}/{len(labels)} proven wrong; all 30 modules import")
    sys.exit(0 if ok == len(labels) else 1)


if __name__ == "__main__":
    main()
