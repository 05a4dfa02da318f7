"""Re-check all 30 mistakes against the reference in plain torch. One line per file.

PROVED means: on an input the docstring allows, the reference agrees with the spec/torch and the
mutant does not (wrong value, wrong type/dtype, error, or a side effect the docstring forbids).
"""
import importlib.util, json, pathlib, sys, traceback, io, contextlib
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)
HERE = pathlib.Path(__file__).resolve().parent
SOL = pathlib.Path("/work/main/solutions")

def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

REF = {t: load(SOL / f"{t}.py", f"ref_{t}") for t in
       ["tensors", "autograd", "losses", "optim", "mlp", "cnn", "inception", "resnet", "rnn"]}

def raises(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}"
    return None

def close(a, b, **kw):
    return torch.allclose(a, b, **kw)

CHECKS = {}
def check(n):
    def deco(f):
        CHECKS[n] = f
        return f
    return deco

g = lambda seed=0: torch.Generator().manual_seed(seed)

@check(1)
def _(M, R):
    x, y = torch.randn(4, 3, generator=g()), torch.randn(4, 3, generator=g(1))
    zr = torch.zeros(4, 3); pr = zr.data_ptr(); R.add_into(zr, x, y)
    z = torch.zeros(4, 3); p = z.data_ptr(); out = M.add_into(z, x, y)
    ok_ref = close(zr, x + y) and zr.data_ptr() == pr
    bad = not close(z, x + y) and out.data_ptr() != p
    return ok_ref and bad, f"caller's z after call: max|z|={z.abs().max():.1f} (expected x+y); returned a new tensor"

@check(2)
def _(M, R):
    lab = torch.tensor([0, 2, 1])
    r, m = R.one_hot(lab, 3), M.one_hot(lab, 3)
    return r.dtype == torch.float32 and m.dtype == torch.float64, f"dtype {m.dtype}, spec float32 (values equal: {torch.equal(m.float(), r)})"

@check(3)
def _(M, R):
    a, b = torch.randn(4, 3, generator=g()), torch.randn(4, 3, generator=g(1))
    truth = ((a[:, None] - b[None]) ** 2).sum(-1)
    err = raises(lambda: M.pairwise_sq_dists(a, b[:3]))
    m = M.pairwise_sq_dists(a, b)
    return close(R.pairwise_sq_dists(a, b), truth, atol=1e-5) and not close(m, truth, atol=1e-3) and err is not None, \
        f"n=m=4 max err {(m - truth).abs().max():.3f}; n=4,m=3 raises {err}"

@check(4)
def _(M, R):
    x = torch.tensor([[1., 2.], [float('nan'), 4.], [3., float('nan')]])
    expect = torch.tensor([[1., 2.], [2., 4.], [3., 3.]])
    m = M.fill_nan_with_column_mean(x)
    return close(R.fill_nan_with_column_mean(x), expect) and not close(m, expect), f"filled {m[1,0].item():.3f},{m[2,1].item():.3f}, expected 2,3"

@check(5)
def _(M, R):
    w = torch.tensor(0.5, dtype=torch.float64); x = torch.randn(5, dtype=torch.float64, generator=g()); y = torch.randn(5, dtype=torch.float64, generator=g(1))
    m, r = M.linear_grad(w, x, y), R.linear_grad(w, x, y)
    err = raises(lambda: M.linear_grad(w.clone().requires_grad_(), x, y))
    return isinstance(r, torch.Tensor) and not isinstance(m, torch.Tensor), f"returns {type(m).__name__} (value equal {abs(float(m) - r.item()) < 1e-12}); w.requires_grad -> {err}"

@check(6)
def _(M, R):
    x = torch.randn(5, dtype=torch.float64, generator=g())
    m, r = M.detach_grad(x), R.detach_grad(x)
    return close(r, x * x) and close(m, 3 * x * x) and not close(m, x * x), "returns 3x² instead of x²"

@check(7)
def _(M, R):
    x = torch.randn(3, dtype=torch.float64, generator=g()); x0 = x.clone()
    f = lambda t: (t ** 3).sum()
    R.numerical_grad(f, x); ok_ref = torch.equal(x, x0)
    gm = M.numerical_grad(f, x)
    return ok_ref and not torch.equal(x, x0), f"x not restored: max|x-x0|={(x - x0).abs().max():.1e} (=eps)"

@check(8)
def _(M, R):
    logits = torch.tensor([[1000., -1000., 0.], [0., 1., 2.]]); t = torch.tensor([0, 2])
    ref = F.cross_entropy(logits, t)
    ls = M.log_softmax(logits, dim=1); ce = M.cross_entropy(logits, t)
    return close(R.cross_entropy(logits, t), ref) and not torch.isfinite(ce) and not torch.isfinite(ls).all(), \
        f"log_softmax non-finite at ±1000; caller cross_entropy={ce.item()} vs torch {ref.item():.4f}"

@check(9)
def _(M, R):
    x = torch.randn(3, 4, generator=g())
    err = raises(lambda: M.softmax(x, dim=1))
    return close(R.softmax(x, 1), torch.softmax(x, 1)) and err is not None, f"softmax raises {err}"

@check(10)
def _(M, R):
    p = torch.tensor([0.0, 1.0, 1e-9]); y = torch.tensor([1.0, 0.0, 1.0])
    ref = F.binary_cross_entropy(p, y)
    m = M.bce(p, y)
    return close(R.bce(p, y), ref) and not close(m, ref, rtol=1e-3), f"bce={m.item():.3f} vs torch {ref.item():.3f}"

@check(11)
def _(M, R):
    p = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    m = M.entropy(p)
    return torch.isfinite(R.entropy(p)).all() and torch.isnan(m[0]).item(), f"entropy row with a zero = {m[0].item()}"

def _opt_run(cls, tcls, kw, steps=5, dtype=torch.float64, gscale=1.0):
    w0 = torch.randn(4, dtype=dtype, generator=g())
    a, b = w0.clone().requires_grad_(), w0.clone().requires_grad_()
    oa, ob = cls([a], **kw), tcls([b], **kw)
    for s in range(steps):
        gr = gscale * torch.randn(4, dtype=dtype, generator=g(10 + s))
        a.grad, b.grad = gr.clone(), gr.clone()
        oa.step(); ob.step()
    return a.detach(), b.detach(), w0

@check(12)
def _(M, R):
    kw = dict(lr=0.1, momentum=0.9)
    r, t, _ = _opt_run(R.SGD, torch.optim.SGD, kw)
    m, t2, w0 = _opt_run(M.SGD, torch.optim.SGD, kw)
    return close(r, t, rtol=1e-10) and torch.equal(m, w0) and not close(m, t2), "parameter never moves (equal to its start)"

@check(13)
def _(M, R):
    kw = dict(lr=1e-3)
    r, t, _ = _opt_run(R.Adam, torch.optim.Adam, kw, gscale=1e-7)
    m, t2, _ = _opt_run(M.Adam, torch.optim.Adam, kw, gscale=1e-7)
    return close(r, t, rtol=1e-10, atol=0) and not close(m, t2, rtol=1e-10, atol=0), \
        f"float64, grads ~1e-7: max|Δp| {(m - t2).abs().max():.2e} vs torch.optim.Adam (ref {(r - t).abs().max():.0e})"

@check(14)
def _(M, R):
    m = M.k_fold_indices(5, 2)
    ref = list(torch.arange(5).tensor_split(2))
    return all(torch.equal(a, b) for a, b in zip(R.k_fold_indices(5, 2), ref)) and not torch.equal(torch.cat(m), torch.arange(5)), \
        f"folds {[f.tolist() for f in m]}"

@check(15)
def _(M, R):
    x = torch.tensor([1., 2., 3., 4.]); y = 2 * x
    wr, lr_ = R.gd_fit(x, y, 0.05, 3); wm, lm = M.gd_fit(x, y, 0.05, 3)
    truth0 = float(((1.0 * x - y) ** 2).mean())
    _, sm = M.sgd_fit(x, y, 0.01, 2, generator=g()); _, sr = R.sgd_fit(x, y, 0.01, 2, generator=g())
    return abs(lr_[0] - truth0) < 1e-6 and abs(lm[0] - truth0) > 1 and abs(sm[0] - sr[0]) > 1e-3, \
        f"gd_fit first loss {lm[0]:.2f} vs MSE {truth0:.2f}; sgd_fit {sm[0]:.4f} vs {sr[0]:.4f}"

@check(16)
def _(M, R):
    x = torch.linspace(-2, 2, 9)
    err = raises(lambda: M.hard_sigmoid_from_relus(x))
    mr = M.relu(x)
    return close(R.hard_sigmoid_from_relus(x), (R.relu(x + .5) - R.relu(x - .5))) and not isinstance(mr, torch.Tensor) and err is not None, \
        f"relu returns {type(mr).__name__}; hard_sigmoid_from_relus raises {err}"

@check(17)
def _(M, R):
    x = torch.ones(1000)
    torch.manual_seed(0); r1 = R.dropout(x, 0.5); torch.manual_seed(0); r2 = R.dropout(x, 0.5)
    torch.manual_seed(0); m1 = M.dropout(x, 0.5); torch.manual_seed(0); m2 = M.dropout(x, 0.5)
    return torch.equal(r1, r2) and not torch.equal(m1, m2), f"same torch seed, masks differ in {(m1 != m2).sum().item()} of 1000"

@check(18)
def _(M, R):
    torch.manual_seed(0)
    model = R.MLP([4, 32, 2], dropout=0.5)
    X = torch.randn(64, 4, generator=g()); Y = (X[:, 0] > 0).long()
    loader = [(X, Y)]
    model.train(); acc_r = R.evaluate(model, loader, "cpu"); mode_r = model.training
    model.eval(); clean = [M.evaluate(model, loader, "cpu")]
    model.train(); torch.manual_seed(1); accs = [M.evaluate(model, loader, "cpu") for _ in range(3)]
    mode_m = model.training
    return (not mode_r) and mode_m and len(set(accs)) > 1, f"model left in train mode; repeated accuracies {accs} (eval-mode {acc_r})"

@check(19)
def _(M, R):
    def run(mod):
        torch.manual_seed(0)
        net = nn.Linear(3, 1); opt = torch.optim.SGD(net.parameters(), lr=0.1)
        X = torch.randn(8, 3, generator=g()); Y = torch.randn(8, 1, generator=g(1))
        loader = [(X[:4], Y[:4]), (X[4:], Y[4:])]
        mod.train_epoch(net, loader, F.mse_loss, opt, "cpu")
        return net.weight.detach().clone()
    # replay of the spec's steps
    torch.manual_seed(0)
    net = nn.Linear(3, 1); opt = torch.optim.SGD(net.parameters(), lr=0.1)
    X = torch.randn(8, 3, generator=g()); Y = torch.randn(8, 1, generator=g(1))
    for xb, yb in [(X[:4], Y[:4]), (X[4:], Y[4:])]:
        l = F.mse_loss(net(xb), yb); opt.zero_grad(); l.backward(); opt.step()
    replay = net.weight.detach()
    r, m = run(R), run(M)
    return close(r, replay) and not close(m, replay), f"weights after epoch differ from replay by {(m - replay).abs().max():.3e}"

@check(20)
def _(M, R):
    x = torch.randn(5, 6, dtype=torch.float64, generator=g()); k = torch.tensor([[1., 2.], [3., 4.]], dtype=torch.float64)
    ref = F.conv2d(x[None, None], k[None, None])[0, 0]
    m = M.corr2d(x, k)
    return close(R.corr2d(x, k), ref) and not close(m, ref), f"max err {(m - ref).abs().max():.3f} vs F.conv2d (asymmetric kernel)"

@check(21)
def _(M, R):
    x = torch.randn(1, 2, 5, 5, generator=g()); w = torch.randn(3, 2, 2, 2, generator=g(1))
    err = raises(lambda: M.conv2d(x, w, stride=2))
    ref = F.conv2d(x, w, stride=2)
    return close(R.conv2d(x, w, stride=2), ref, atol=1e-5) and M.conv_output_size(5, 2, 0, 2) != 2 and err is not None, \
        f"conv_output_size(5,2,0,2)={M.conv_output_size(5, 2, 0, 2)}; conv2d(stride=2) raises {err}"

@check(22)
def _(M, R):
    x = torch.randn(2, 3, 8, 6, generator=g())
    ref = F.max_pool2d(x, 2)
    res = None
    err = raises(lambda: M.max_pool2d(x, 2))
    if err is None:
        res = M.max_pool2d(x, 2)
    return close(R.max_pool2d(x, 2), ref) and (err is not None or res.shape != ref.shape or not close(res, ref)), \
        f"shape {tuple(res.shape) if res is not None else err} vs {tuple(ref.shape)}"

@check(23)
def _(M, R):
    torch.manual_seed(0)
    out = M.InceptionA(10)(torch.randn(1, 10, 8, 8))
    err = raises(lambda: M.GoogLeNetMini(input_size=8))
    ok_ref = R.GoogLeNetMini(input_size=8)(torch.randn(2, 1, 8, 8)).shape == (2, 10)
    return ok_ref and out.shape[1] != 88 and err is not None, f"InceptionA gives {out.shape[1]} channels; GoogLeNetMini() raises {err}"

@check(24)
def _(M, R):
    m = M.conv_mults(28, 28, 192, 32, 5)
    return type(R.conv_mults(28, 28, 192, 32, 5)) is int and not isinstance(m, int) and m == 120422400, f"returns {type(m).__name__} (value right)"

@check(25)
def _(M, R):
    x = torch.randn(8, 3, 4, 4, dtype=torch.float64, generator=g())
    gam, bet = torch.ones(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
    rm_t, rv_t = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    F.batch_norm(x, rm_t, rv_t, gam, bet, True, 0.1, 1e-5)
    rm_r, rv_r = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    R.batch_norm(x, gam, bet, rm_r, rv_r, True)
    rm_m, rv_m = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    M.batch_norm(x, gam, bet, rm_m, rv_m, True)
    return close(rm_r, rm_t) and close(rv_r, rv_t) and not close(rm_m, rm_t), \
        f"running_mean {rm_m[0].item():.4f} vs F.batch_norm {rm_t[0].item():.4f}"

@check(26)
def _(M, R):
    torch.manual_seed(0)
    blk = M.BasicBlock(16, 32, stride=2)
    err1 = raises(lambda: blk(torch.randn(2, 16, 8, 8)))
    err2 = raises(lambda: M.SmallResNet()(torch.randn(2, 1, 8, 8)))
    ok_ref = R.SmallResNet()(torch.randn(2, 1, 8, 8)).shape == (2, 10)
    return ok_ref and err1 is not None and err2 is not None, f"BasicBlock(16,32,stride=2) raises {err1}; SmallResNet forward raises {err2}"

@check(27)
def _(M, R):
    torch.manual_seed(0); r = R.ResidualBlock(3)
    torch.manual_seed(0); m = M.ResidualBlock(3)
    x = torch.randn(2, 3, 5, 5, generator=g())
    ref = F.relu(x + r.conv2(F.relu(r.conv1(x))))
    with torch.no_grad():
        return close(r(x), ref) and not close(m(x), ref), f"min output {m(x).min().item():.3f} (relu output must be ≥ 0)"

@check(28)
def _(M, R):
    torch.manual_seed(0)
    rnn = nn.RNN(3, 4, num_layers=2)
    x = torch.randn(5, 2, 3, generator=g()); h0 = torch.randn(2, 2, 4, generator=g(1))
    out_t, hn_t = rnn(x, h0)
    params = [tuple(p.detach() for p in layer) for layer in rnn.all_weights]
    out_r, _ = R.rnn_forward(x, h0, params); out_m, _ = M.rnn_forward(x, h0, params)
    cell = nn.RNNCell(3, 4)
    c_t = cell(x[0], h0[0]); c_m = M.rnn_cell(x[0], h0[0], cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    with torch.no_grad():
        return close(out_r, out_t, atol=1e-5) and not close(out_m, out_t, atol=1e-3) and not close(c_m, c_t, atol=1e-3), \
            f"rnn_cell max err {(c_m - c_t).abs().max():.3f}; caller rnn_forward max err {(out_m - out_t).abs().max():.3f}"

@check(29)
def _(M, R):
    m = M.encode_chars("hello", "ehlo")
    return torch.equal(R.encode_chars("hello", "ehlo"), torch.tensor([1, 0, 2, 2, 3])) and m.tolist() != [1, 0, 2, 2, 3], f"encode_chars('hello','ehlo')={m.tolist()}"

@check(30)
def _(M, R):
    torch.manual_seed(0); r = R.HelloRNN(4, 8)
    m = M.HelloRNN(4, 8); m.load_state_dict(r.state_dict())
    idx = torch.tensor([[1], [0], [2], [2], [3]])  # (seq_len=5, batch=1)
    # spec: one-hot -> seq-first nn.RNN -> linear
    x = F.one_hot(idx, 4).float(); out, _ = r.rnn(x); truth = r.out(out)
    with torch.no_grad():
        return close(r(idx), truth) and not close(m(idx), truth, atol=1e-4), f"max err {(m(idx) - truth).abs().max():.3f} (no recurrence along the sequence)"

labels = json.loads((HERE / "labels.json").read_text())
kinds = json.loads((HERE / "kinds.json").read_text())
n_ok = 0
for n, lab in enumerate(labels, start=1):
    f = lab["file"]
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            M = load(HERE / f, f"mut_{n}")
    except Exception as e:
        print(f"{f}: IMPORT FAILED {e!r}"); continue
    try:
        ok, detail = CHECKS[n](M, REF[lab["topic"]])
    except Exception as e:
        ok, detail = False, f"proof crashed: {type(e).__name__}: {e}"
    n_ok += bool(ok)
    print(f"{f}: {lab['exercise']:<26} {'PROVED' if ok else 'NOT PROVED'} [{kinds[f]}] {detail}")
print(f"{n_ok}/{len(labels)} proved")
sys.exit(0 if n_ok == len(labels) else 1)
