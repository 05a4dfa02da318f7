"""Show, in plain torch, that every b32_NN_<topic>.py is wrong where its docstring says it must not be.

For each file: import it and the reference solutions/<topic>.py by path, run the broken exercise (and for a
callee case its caller too) on inputs the docstring allows, compare with the reference / torch, and print
`OK <file> <evidence>` or `NOT WRONG <file>`. The solutions are found at Path(__file__).resolve().parents[4] /
"solutions", or at $SOL when it is set.
"""

from __future__ import annotations

import gzip  # noqa: F401
import importlib.util
import json
import os
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

HERE = Path(__file__).resolve().parent
SOL = Path(os.environ["SOL"]) if os.environ.get("SOL") else Path(__file__).resolve().parents[4] / "solutions"
warnings.simplefilter("ignore")


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def maxdiff(a, b) -> float:
    return float((a.double() - b.double()).abs().max())


def attempt(fn):
    """(result, None) or (None, 'ExceptionType: message')."""
    try:
        return fn(), None
    except Exception as exc:  # noqa: BLE001 - the evidence is the exception
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:90]}"


CHECKS = {}


def check(name):
    def register(fn):
        CHECKS[name] = fn
        return fn
    return register


# ---------------------------------------------------------------- tensors
@check("add_into")
def _(b, r):
    x, y = torch.randn(3, 4), torch.randn(3, 4)
    evidence = []
    for mod, tag in ((r, "ref"), (b, "bug")):
        z = torch.zeros(3, 4)
        alias, ptr = z.view(-1), z.data_ptr()
        out = mod.add_into(z, x, y)
        evidence.append((tag, out is z, z.data_ptr() == ptr, torch.equal(alias, (x + y).view(-1))))
    (_, _, ref_ptr, ref_alias), (_, same_obj, bug_ptr, bug_alias) = evidence
    if ref_ptr and ref_alias and (not bug_ptr or not bug_alias):
        return (f"returns z itself ({same_obj}) but z.data_ptr() unchanged={bug_ptr}; a view of z's old storage "
                f"sees x+y={bug_alias} (reference: True/True)")
    return None


@check("fill_nan_with_column_mean")
def _(b, r):
    x = torch.tensor([[1.0, float("nan")], [float("nan"), 4.0], [3.0, 6.0]])
    xr, xb = x.clone(), x.clone()
    out_r, out_b = r.fill_nan_with_column_mean(xr), b.fill_nan_with_column_mean(xb)
    same_values = torch.equal(out_r, out_b)
    nan_left = int(torch.isnan(xb).sum())
    if nan_left != int(torch.isnan(x).sum()) and int(torch.isnan(xr).sum()) == int(torch.isnan(x).sum()):
        return (f"values equal the reference ({same_values}) but the input x was modified: NaNs in x after the "
                f"call {nan_left} (was {int(torch.isnan(x).sum())}); returned tensor is x: {out_b is xb}")
    return None


@check("row_normalize")
def _(b, r):
    torch.manual_seed(0)
    x = torch.rand(3, 3) + 0.1
    out_b, out_r = b.row_normalize(x), r.row_normalize(x)
    _, err = attempt(lambda: b.row_normalize(torch.rand(2, 5) + 0.1))
    d = maxdiff(out_b, out_r)
    if d > 1e-4:
        return (f"square x (3,3): row sums {out_b.sum(1).tolist()} (must be 1), max|diff| {d:.3g}; "
                f"(2,5) input: {err or 'no error'}")
    return None


@check("one_hot")
def _(b, r):
    labels = torch.tensor([0, 2, 2])
    out_b, out_r = b.one_hot(labels, 4), r.one_hot(labels, 4)
    if out_b.shape != out_r.shape or not torch.equal(out_b, out_r):
        return f"one_hot([0,2,2], 4) has shape {tuple(out_b.shape)} (reference {tuple(out_r.shape)}): {out_b.tolist()}"
    return None


# ---------------------------------------------------------------- autograd
@check("numerical_grad")
def _(b, r):
    x = torch.tensor([0.5, -1.2, 2.0], dtype=torch.float64)
    f = lambda t: (t**3).sum()  # noqa: E731
    xb, xr = x.clone(), x.clone()
    g_b, g_r = b.numerical_grad(f, xb), r.numerical_grad(f, xr)
    true = 3 * x**2
    if maxdiff(g_b, true) > 1e-4 and maxdiff(g_r, true) < 1e-4:
        return (f"grad of sum(x^3) at {x.tolist()}: {[round(v, 5) for v in g_b.tolist()]}, true "
                f"{[round(v, 5) for v in true.tolist()]} (ratio {float((g_b / true).mean()):.3f}); "
                f"x restored exactly: {torch.equal(xb, x)}")
    return None


@check("Sigmoid")
def _(b, r):
    x = torch.tensor([-2.0, 0.3, 1.5], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([3.0, -1.0, 0.5], dtype=torch.float64)
    (b.Sigmoid.apply(x) * w).sum().backward()
    s = torch.sigmoid(x.detach())
    true = w * s * (1 - s)
    if maxdiff(x.grad, true) > 1e-9:
        return f"grad of (w*Sigmoid(x)).sum(): {x.grad.tolist()} vs w*s*(1-s) {true.tolist()}"
    return None


@check("grad_of_vector_fn")
def _(b, r):
    x = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
    g = b.grad_of_vector_fn(lambda t: t**2, x)
    correct = torch.allclose(g, 2 * x.detach())
    if x.requires_grad:
        xr = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
        r.grad_of_vector_fn(lambda t: t**2, xr)
        return (f"gradient correct ({correct}) but the caller's x now has requires_grad=True "
                f"(reference leaves it {xr.requires_grad})")
    return None


@check("Value")
def _(b, r):
    a_b, a_r = b.Value(3.0), r.Value(3.0)
    c_b, c_r = 1 - a_b, 1 - a_r
    c_b.backward()
    c_r.backward()
    if c_b.data != c_r.data or a_b.grad != a_r.grad:
        return f"(1 - Value(3)).data = {c_b.data} (should be {c_r.data}); d/da = {a_b.grad} (should be {a_r.grad})"
    return None


# ---------------------------------------------------------------- losses
@check("log_softmax")
def _(b, r):
    logits = torch.tensor([[2.0, 1.0, -1.0], [0.5, 3.0, 0.0]])
    target = torch.tensor([0, 1])
    before = logits.clone()
    loss = b.cross_entropy(logits, target)
    value_ok = torch.allclose(loss, F.cross_entropy(before, target))
    changed = maxdiff(logits, before)
    leaf = torch.randn(2, 3, requires_grad=True)
    _, err = attempt(lambda: b.log_softmax(leaf, dim=1))
    _, err_ref = attempt(lambda: r.log_softmax(leaf.detach().clone().requires_grad_(), dim=1))
    if changed > 0 or (err and not err_ref):
        return (f"caller cross_entropy: value right ({value_ok}) but its logits argument changed by up to "
                f"{changed:.3g}; log_softmax on a leaf requiring grad: {err}")
    return None


@check("bce")
def _(b, r):
    p = torch.tensor([1.0, 0.0, 0.3])
    y = torch.tensor([1.0, 1.0, 0.0])
    loss_b, loss_t = b.bce(p, y), F.binary_cross_entropy(p, y)
    p64, y64 = torch.tensor([0.0, 0.5], dtype=torch.float64), torch.tensor([1.0, 0.0], dtype=torch.float64)
    l64_b, l64_t = b.bce(p64, y64), F.binary_cross_entropy(p64, y64)
    if not torch.allclose(loss_b, loss_t) or not torch.allclose(l64_b, l64_t):
        return (f"float32 p=[1,0,.3], y=[1,1,0]: {float(loss_b)} vs torch {float(loss_t):.6g}; "
                f"float64 p=[0,.5], y=[1,0]: {float(l64_b):.6g} vs torch {float(l64_t):.6g}")
    return None


@check("huber")
def _(b, r):
    torch.manual_seed(0)
    y_hat, y = torch.randn(50) * 3, torch.randn(50)
    out_1, t_1 = b.huber(y_hat, y, delta=1.0), F.huber_loss(y_hat, y, delta=1.0)
    out_2, t_2 = b.huber(y_hat, y, delta=2.0), F.huber_loss(y_hat, y, delta=2.0)
    if not torch.allclose(out_2, t_2):
        return (f"delta=2: {float(out_2):.6g} vs F.huber_loss {float(t_2):.6g} (ratio {float(t_2 / out_2):.3f}); "
                f"delta=1 agrees: {bool(torch.allclose(out_1, t_1))}")
    return None


@check("kl_div")
def _(b, r):
    torch.manual_seed(0)
    p, q = torch.randn(2, 3).softmax(-1), torch.randn(2, 3).softmax(-1)
    out_b, out_r = b.kl_div(p, q), r.kl_div(p, q)
    p1, q1 = p[0], q[0]
    single_ok = torch.allclose(b.kl_div(p1, q1), r.kl_div(p1, q1))
    if out_b.shape != out_r.shape:
        return f"(2,3) batch gives shape {tuple(out_b.shape)}, must be {tuple(out_r.shape)}; 1-D input agrees: {single_ok}"
    if not torch.allclose(out_b, out_r):
        return f"values {out_b.tolist()} vs {out_r.tolist()}"
    return None


# ---------------------------------------------------------------- optim
def _run_opt(make_opt, dtype, steps=30):
    torch.manual_seed(0)
    w1 = torch.randn(5, dtype=dtype, requires_grad=True)
    w2 = torch.randn(3, 2, dtype=dtype, requires_grad=True)
    a = torch.randn(5, dtype=dtype)
    opt = make_opt([w1, w2])
    for _ in range(steps):
        opt.zero_grad()
        loss = ((w1 - a) ** 2).sum() + (w2**4).sum() * 0.1 + (w1[:3, None] * w2).sum()
        loss.backward()
        opt.step()
    return torch.cat([w1.detach().flatten(), w2.detach().flatten()]), opt


@check("SGD")
def _(b, r):
    kw = dict(lr=0.01, momentum=0.9, dampening=0.5, weight_decay=0.01)
    mine, _ = _run_opt(lambda p: b.SGD(p, **kw), torch.float64)
    ref, _ = _run_opt(lambda p: torch.optim.SGD(p, **kw), torch.float64)
    mine0, _ = _run_opt(lambda p: b.SGD(p, **{**kw, "dampening": 0}), torch.float64)
    ref0, _ = _run_opt(lambda p: torch.optim.SGD(p, **{**kw, "dampening": 0}), torch.float64)
    d, d0 = maxdiff(mine, ref), maxdiff(mine0, ref0)
    if d > 1e-10:
        return f"momentum=0.9, dampening=0.5, 30 steps float64: max|p - torch.optim.SGD| = {d:.3g} (dampening=0: {d0:.1g})"
    return None


@check("Adam")
def _(b, r):
    out = []
    for kw in (dict(lr=0.01), dict(lr=0.01, eps=0.1)):
        mine, _ = _run_opt(lambda p: b.Adam(p, **kw), torch.float64)
        ref, _ = _run_opt(lambda p: torch.optim.Adam(p, **kw), torch.float64)
        out.append(maxdiff(mine, ref))
    if max(out) > 1e-10:
        return f"30 steps float64 vs torch.optim.Adam: defaults max|diff| {out[0]:.3g} (tol 1e-10), eps=0.1: {out[1]:.3g}"
    return None


@check("ema")
def _(b, r):
    values = torch.tensor([1.0, 2.0, 0.5, 3.0], dtype=torch.float64)
    out_b, out_r = b.ema(values, 0.9), r.ema(values, 0.9)
    half = b.ema(values.half(), 0.9)
    if out_b.dtype != values.dtype or half.dtype != torch.float16:
        return (f"float64 input -> {out_b.dtype}, float16 input -> {half.dtype} (values close: "
                f"{bool(torch.allclose(out_b.double(), out_r, rtol=1e-4))})")
    return None


@check("k_fold_indices")
def _(b, r):
    folds_b, folds_r = b.k_fold_indices(10, 4), r.k_fold_indices(10, 4)
    sizes_b, sizes_r = [len(f) for f in folds_b], [len(f) for f in folds_r]
    if sizes_b != sizes_r:
        return f"n=10, k=4: fold sizes {sizes_b}, must be {sizes_r} (tensor_split)"
    return None


# ---------------------------------------------------------------- mlp
@check("relu")
def _(b, r):
    x = torch.randn(6).half()
    y_b, y_h = b.relu(x), b.hard_sigmoid_from_relus(x)
    if y_b.dtype != x.dtype or y_h.dtype != x.dtype:
        return (f"float16 input: relu -> {y_b.dtype}, caller hard_sigmoid_from_relus -> {y_h.dtype} "
                f"(reference {r.hard_sigmoid_from_relus(x).dtype})")
    return None


@check("xavier_uniform_")
def _(b, r):
    w = torch.zeros(4, 3)
    out = b.xavier_uniform_(w)
    if out is not w or bool((w == 0).all()):
        return (f"returned a new tensor ({out is not w}); the given tensor is still all zeros "
                f"({bool((w == 0).all())}); returned values within bound: {bool(out.abs().max() <= (6 / 7) ** 0.5)}")
    return None


@check("dropout")
def _(b, r):
    x = torch.randn(4, 5)
    out_r, err_r = attempt(lambda: r.dropout(x, 0.5))
    with torch.device("meta"):   # the default device is not x's: correct code never uses it
        res_b, err_b = attempt(lambda: b.dropout(x, 0.5))
        res_r, err_r2 = attempt(lambda: r.dropout(x, 0.5))
    extra = ""
    if torch.cuda.is_available():
        _, err_cuda = attempt(lambda: b.dropout(x.cuda(), 0.5))
        extra = f"; CUDA input: {err_cuda}"
    if err_r2 is None and (err_b is not None or res_b.device != x.device):
        return f"CPU input with another default device: {err_b or res_b.device} (reference returns {res_r.device}){extra}"
    return None


@check("evaluate")
def _(b, r):
    seen = []

    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 2)

        def forward(self, x):
            seen.append(torch.is_grad_enabled())
            return self.lin(x)

    torch.manual_seed(0)
    model = Probe()
    loader = [(torch.randn(4, 3), torch.randint(0, 2, (4,))) for _ in range(3)]
    acc_b = b.evaluate(model, loader, "cpu")
    grad_b = list(seen)
    seen.clear()
    acc_r = r.evaluate(model, loader, "cpu")
    grad_r = list(seen)
    if any(grad_b) and not any(grad_r):
        return f"accuracy {acc_b} (reference {acc_r}) but grad mode enabled during forward: {grad_b} (reference {grad_r})"
    return None


# ---------------------------------------------------------------- cnn
@check("conv_output_size")
def _(b, r):
    size_b, size_r = b.conv_output_size(8, 3, 0, 2), r.conv_output_size(8, 3, 0, 2)
    torch.manual_seed(0)
    x, w = torch.randn(1, 2, 8, 8), torch.randn(3, 2, 3, 3)
    _, err = attempt(lambda: b.conv2d(x, w, None, 2, 0))
    ok_ref = torch.allclose(r.conv2d(x, w, None, 2, 0), F.conv2d(x, w, None, 2, 0), atol=1e-5)
    if size_b != size_r:
        return f"conv_output_size(8, 3, 0, 2) = {size_b}, must be {size_r}; caller conv2d(8x8, k=3, stride=2): {err} (reference ok: {ok_ref})"
    return None


@check("corr2d")
def _(b, r):
    x = torch.arange(12.0).reshape(3, 4) ** 2
    k = torch.tensor([[1.0, -1.0]])
    out_b = b.corr2d(x, k)
    out_t = F.conv2d(x[None, None], k[None, None])[0, 0]
    sym = torch.tensor([[1.0, 2.0, 1.0]])
    sym_ok = torch.allclose(b.corr2d(x, sym), F.conv2d(x[None, None], sym[None, None])[0, 0])
    if not torch.allclose(out_b, out_t):
        return f"kernel [1,-1]: first row {out_b[0].tolist()} vs F.conv2d {out_t[0].tolist()}; symmetric kernel agrees: {sym_ok}"
    return None


@check("SimpleCNN")
def _(b, r):
    torch.manual_seed(0)
    _, err = attempt(lambda: b.SimpleCNN()(torch.randn(2, 1, 8, 8)))
    ok28 = b.SimpleCNN()(torch.randn(2, 1, 28, 28)).shape
    ref8 = r.SimpleCNN()(torch.randn(2, 1, 8, 8)).shape
    if err:
        return f"8x8 input raises {err}; 28x28 works {tuple(ok28)}; reference on 8x8 {tuple(ref8)}"
    return None


# ---------------------------------------------------------------- inception
@check("InceptionA")
def _(b, r):
    torch.manual_seed(0)
    ref = r.InceptionA(5)
    bug = b.InceptionA(5)
    bug.load_state_dict(ref.state_dict())
    x = torch.randn(2, 5, 6, 6)
    d = maxdiff(bug(x), ref(x))
    torch.manual_seed(1)
    net_r = r.GoogLeNetMini(input_size=8)
    net_b = b.GoogLeNetMini(input_size=8)
    net_b.load_state_dict(net_r.state_dict())
    xi = torch.randn(3, 1, 8, 8)
    dn = maxdiff(net_b(xi), net_r(xi))
    if d > 1e-5:
        return f"same weights: InceptionA output max|diff| {d:.3g} (channels 64-87 only: {maxdiff(bug(x)[:, :64], ref(x)[:, :64]) == 0}); caller GoogLeNetMini logits max|diff| {dn:.3g}"
    return None


@check("conv_mults")
def _(b, r):
    v = b.conv_mults(28, 28, 192, 32, 5)
    if not isinstance(v, int):
        return f"conv_mults(28, 28, 192, 32, 5) = {v!r} ({type(v).__name__}, must be int 120422400)"
    return None


# ---------------------------------------------------------------- resnet
@check("batch_norm")
def _(b, r):
    torch.manual_seed(0)
    x = torch.randn(6, 3, 2, 2, dtype=torch.float64) * 2 + 1
    g, be = torch.rand(3, dtype=torch.float64) + 0.5, torch.randn(3, dtype=torch.float64)
    rm_b, rv_b = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    rm_t, rv_t = rm_b.clone(), rv_b.clone()
    y_b = b.batch_norm(x, g, be, rm_b, rv_b, True, 0.1, 1e-5)
    y_t = F.batch_norm(x, rm_t, rv_t, g, be, True, 0.1, 1e-5)
    d, dv = maxdiff(y_b, y_t), maxdiff(rv_b, rv_t)
    if d > 1e-7 or dv > 1e-7:
        return f"training (6,3,2,2) float64: max|y - F.batch_norm| {d:.3g}, running_var {rv_b.tolist()} vs {rv_t.tolist()}"
    return None


@check("BasicBlock")
def _(b, r):
    torch.manual_seed(0)
    ref = r.BasicBlock(4, 8, stride=2)
    bug = b.BasicBlock(4, 8, stride=2)
    bug.load_state_dict(ref.state_dict())
    x = torch.randn(2, 4, 8, 8)
    yb, yr = bug(x), ref(x)
    torch.manual_seed(1)
    net_r = r.SmallResNet()
    net_b = b.SmallResNet()
    net_b.load_state_dict(net_r.state_dict())
    net_r.eval(), net_b.eval()
    xi = torch.randn(3, 1, 8, 8)
    dn = maxdiff(net_b(xi), net_r(xi))
    if yb.shape == yr.shape and maxdiff(yb, yr) > 1e-5:
        return f"same weights, stride 2: shapes equal {tuple(yb.shape)}, block max|diff| {maxdiff(yb, yr):.3g}; caller SmallResNet logits max|diff| {dn:.3g}"
    return None


# ---------------------------------------------------------------- rnn
@check("rnn_cell")
def _(b, r):
    torch.manual_seed(0)
    cell = nn.RNNCell(3, 4)
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    d = maxdiff(b.rnn_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh), cell(x, h))
    rnn = nn.RNN(3, 4, num_layers=2)
    xs, h0 = torch.randn(5, 2, 3), torch.randn(2, 2, 4)
    out_b, hn_b = b.rnn_forward(xs, h0, rnn.all_weights)
    out_t, hn_t = rnn(xs, h0)
    dn = maxdiff(out_b, out_t)
    if d > 1e-5:
        return f"vs nn.RNNCell max|diff| {d:.3g}; caller rnn_forward vs nn.RNN (2 layers) output max|diff| {dn:.3g}"
    return None


@check("gru_cell")
def _(b, r):
    torch.manual_seed(0)
    cell = nn.GRUCell(3, 4)
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    d = maxdiff(b.gru_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh), cell(x, h))
    if d > 1e-5:
        return f"vs nn.GRUCell with the same weights: max|diff| {d:.3g}"
    return None


@check("encode_chars")
def _(b, r):
    out = b.encode_chars("hello", "ehlo")
    if out.tolist() != [1, 0, 2, 2, 3]:
        return f"encode_chars('hello', 'ehlo') = {out.tolist()}, must be [1, 0, 2, 2, 3]"
    return None


def main() -> None:
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    refs, ok = {}, 0
    for label in labels:
        topic, name = label["topic"], label["exercise"]
        if topic not in refs:
            refs[topic] = load(SOL / f"{topic}.py", f"ref_{topic}")
        bug = load(HERE / label["file"], label["file"][:-3])
        try:
            evidence = CHECKS[name](bug, refs[topic])
        except Exception as exc:  # noqa: BLE001
            evidence = None
            print(f"# check for {label['file']} crashed: {type(exc).__name__}: {exc}")
        if evidence:
            ok += 1
            print(f"OK {label['file']} [{name}] {evidence}")
        else:
            print(f"NOT WRONG {label['file']} [{name}]")
    print(f"summary: {ok}/{len(labels)} OK")


if __name__ == "__main__":
    main()
