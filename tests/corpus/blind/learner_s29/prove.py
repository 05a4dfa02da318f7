"""Show, per file, that the changed exercise (or its caller) differs from the reference or breaks a contract.

Run: /work/wt/h119/.venv/bin/python prove.py
"""
from __future__ import annotations

import importlib.util
import json
import math
import pathlib
import sys
import traceback
import warnings

import torch

warnings.filterwarnings("ignore")
HERE = pathlib.Path(__file__).parent
SOL = pathlib.Path("/work/wt/h119/solutions")


def load(path: pathlib.Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def differs(a, b, rtol=1e-5, atol=1e-6) -> bool:
    a, b = torch.as_tensor(a), torch.as_tensor(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return True
    return not torch.allclose(a.double(), b.double(), rtol=rtol, atol=atol, equal_nan=True)


def raises(fn) -> str | None:
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0][:90]}"
    return None


def same_weights(dst, src):
    with torch.no_grad():
        for p, q in zip(dst.parameters(), src.parameters(), strict=True):
            p.copy_(q)


PROOFS = {}


def proof(n):
    def deco(fn):
        PROOFS[n] = fn
        return fn
    return deco


# ---------------------------------------------------------------- tensors
@proof(1)
def _(L, R):
    x, y = torch.ones(3), torch.full((3,), 2.0)
    z = torch.zeros(3); ptr = z.data_ptr()
    out = L.add_into(z, x, y)
    return (not torch.equal(z, x + y)) or out is not z, f"caller's z after add_into = {z.tolist()} (want [3,3,3]); returned z itself: {out is z}; ptr kept {z.data_ptr() == ptr}"


@proof(2)
def _(L, R):
    x = torch.tensor([[1., 2., 3.], [4., 4., 2.], [1., 1., 8.]])
    got, want = L.row_normalize(x), R.row_normalize(x)
    err = raises(lambda: L.row_normalize(torch.rand(2, 3) + 0.1))
    return differs(got, want), f"square x: row sums {got.sum(1).tolist()} (want all 1); (2,3) x: {err}"


@proof(3)
def _(L, R):
    lab = torch.tensor([0, 2, 1])
    got, want = L.one_hot(lab, 3), R.one_hot(lab, 3)
    return got.dtype != torch.float32, f"dtype {got.dtype}, docstring says float32 (reference {want.dtype})"


@proof(4)
def _(L, R):
    x = torch.tensor([[1., float("nan")], [3., 4.], [float("nan"), 8.]])
    before = x.clone()
    got = L.fill_nan_with_column_mean(x)
    want = R.fill_nan_with_column_mean(before.clone())
    changed = not torch.equal(torch.nan_to_num(x, 99.), torch.nan_to_num(before, 99.))
    return changed and not differs(got, want), f"value right ({got.tolist()}) but caller's x became {x.tolist()} (docstring: x itself is unchanged)"


# ---------------------------------------------------------------- autograd
@proof(5)
def _(L, R):
    x = torch.linspace(1e4, 2e4, 50, dtype=torch.float64)
    w = torch.tensor(3.0, dtype=torch.float64)
    y = w * x + torch.linspace(-1e-3, 1e-3, 50, dtype=torch.float64) ** 2 * 1e-3 + 1e-6
    got, want = L.linear_grad(w, x, y), R.linear_grad(w, x, y)
    return differs(got, want, rtol=1e-7, atol=0), f"w·x≈y, |x|~1e4, float64: got {got.item():.6e}, want {want.item():.6e}"


@proof(6)
def _(L, R):
    x = torch.tensor([1.0, 2.0, 3.0])
    g1 = L.grad_of_vector_fn(lambda t: t ** 2, x)
    flag = x.requires_grad
    g2 = L.grad_of_vector_fn(lambda t: t ** 2, x)
    return flag or differs(g2, R.grad_of_vector_fn(lambda t: t ** 2, torch.tensor([1.0, 2.0, 3.0]))), \
        f"caller's x.requires_grad became {flag}; second call returns {g2.tolist()} (want [2,4,6])"


@proof(7)
def _(L, R):
    x = torch.tensor([-720.0, -710.0, -5.0], dtype=torch.float64)
    got, want = L.Sigmoid.apply(x), R.Sigmoid.apply(x)
    return differs(got, want, rtol=1e-7, atol=0), f"float64 σ(−720, −710): got {got[:2].tolist()}, want {want[:2].tolist()}"


# ---------------------------------------------------------------- losses
@proof(8)
def _(L, R):
    y_hat, y = torch.tensor([0.0, 0.5]), torch.tensor([3.0, 0.0])
    got, want = L.huber(y_hat, y), R.huber(y_hat, y)
    ok = torch.allclose(L.huber(y, y_hat), R.huber(y, y_hat))
    return differs(got, want), f"ŷ < y − δ: got {got.item():.4f}, want {want.item():.4f} (F.huber_loss {torch.nn.functional.huber_loss(y_hat, y).item():.4f}); swapped args agree: {ok}"


@proof(9)
def _(L, R):
    p, y = torch.tensor([0.0, 1.0, 0.3]), torch.tensor([1.0, 0.0, 1.0])
    got, want = L.bce(p, y), R.bce(p, y)
    tw = torch.nn.functional.binary_cross_entropy(p, y)
    return differs(got, want), f"p=0,y=1 / p=1,y=0: got {got.item():.4f}, want {want.item():.4f} (torch {tw.item():.4f})"


@proof(10)
def _(L, R):
    logits = torch.tensor([[1000.0, 0.0], [-1000.0, -1001.0]])
    t = torch.tensor([0, 0])
    got, want = L.cross_entropy(logits, t), R.cross_entropy(logits, t)
    ls = L.log_softmax(logits, dim=1)
    return differs(got, want), f"caller cross_entropy: got {got.item()}, want {want.item():.4f}; log_softmax row 2 {ls[1].tolist()}"


@proof(11)
def _(L, R):
    logits = torch.tensor([[1000.0, -1000.0], [0.0, 1.0]])
    t = torch.tensor([1, 0])
    got, want = L.cross_entropy(logits, t), R.cross_entropy(logits, t)
    return differs(got, want), f"logits ±1000: got {got.item()}, want {want.item():.4f} (torch {torch.nn.functional.cross_entropy(logits, t).item():.4f})"


# ---------------------------------------------------------------- optim
def run_opt(cls, steps=5, lr_change=False, **kw):
    torch.manual_seed(0)
    p = torch.nn.Parameter(torch.randn(4, dtype=torch.float64))
    opt = cls([p], **kw)
    for t in range(steps):
        if lr_change and t == 2:
            for g in opt.param_groups:
                g["lr"] = g["lr"] / 10
        p.grad = torch.sin(torch.arange(4, dtype=torch.float64) + t) + p.detach()
        opt.step()
    return p.detach().clone()


@proof(12)
def _(L, R):
    a = run_opt(L.SGD, lr=0.1, momentum=0.9, dampening=0.3)
    b = run_opt(torch.optim.SGD, lr=0.1, momentum=0.9, dampening=0.3)
    c = run_opt(L.SGD, lr=0.1, momentum=0.9, lr_change=True)
    d = run_opt(torch.optim.SGD, lr=0.1, momentum=0.9, lr_change=True)
    e = run_opt(L.SGD, lr=0.1, momentum=0.9)
    f = run_opt(torch.optim.SGD, lr=0.1, momentum=0.9)
    return differs(a, b, 1e-10, 0) and differs(c, d, 1e-10, 0), \
        f"vs torch.optim.SGD: dampening=0.3 max|Δ|={float((a - b).abs().max()):.2e}; lr changed mid-run max|Δ|={float((c - d).abs().max()):.2e}; plain momentum max|Δ|={float((e - f).abs().max()):.1e}"


@proof(13)
def _(L, R):
    torch.manual_seed(1); got = torch.cat(list(L.minibatch_indices(10, 4)))
    got2 = torch.cat(list(L.minibatch_indices(10, 4)))
    torch.manual_seed(1); want = torch.cat(list(R.minibatch_indices(10, 4)))
    want2 = torch.cat(list(R.minibatch_indices(10, 4)))
    return differs(got, want), f"after torch.manual_seed(1): got {got.tolist()}, want randperm {want.tolist()}; epoch 2 repeats epoch 1: {torch.equal(got, got2)} (reference: {torch.equal(want, want2)})"


@proof(14)
def _(L, R):
    got, want = L.k_fold_indices(7, 3), R.k_fold_indices(7, 3)
    return any(differs(a, b) for a, b in zip(got, want)), f"folds {[f.tolist() for f in got]}, want {[f.tolist() for f in want]}"


# ---------------------------------------------------------------- mlp
@proof(15)
def _(L, R):
    x = torch.linspace(-1, 1, 7, dtype=torch.float16)
    got, want = L.hard_sigmoid_from_relus(x), R.hard_sigmoid_from_relus(x)
    return got.dtype != want.dtype, f"caller hard_sigmoid_from_relus(float16) dtype {got.dtype}, want {want.dtype} (relu alone: {L.relu(x).dtype}); zeros on {torch.zeros(1).device} regardless of x's device"


@proof(16)
def _(L, R):
    x = torch.linspace(-1, 1, 7, dtype=torch.float64, requires_grad=True)
    err = raises(lambda: L.hard_sigmoid_from_relus(x).sum().backward())
    R.hard_sigmoid_from_relus(x).sum().backward()
    return err is not None, f"caller hard_sigmoid_from_relus on x.requires_grad: {err} (reference backward fine)"


@proof(17)
def _(L, R):
    x = torch.ones(200_000)
    torch.manual_seed(0); got = L.dropout(x, 0.2)
    torch.manual_seed(0); want = R.dropout(x, 0.2)
    z = L.dropout(torch.ones(5), 0.0)
    return differs(got, want), f"p=0.2: kept fraction {float((got != 0).float().mean()):.3f} (want ≈0.8: {float((want != 0).float().mean()):.3f}), survivors ×{got.max().item():.2f} (want ×1.25); p=0 gives {z.tolist()}"


@proof(18)
def _(L, R):
    torch.manual_seed(0)
    ref = R.MLP([6, 16, 3], dropout=0.5)
    got = L.MLP([6, 16, 3], dropout=0.5)
    same_weights(got, ref)
    ref.eval(); got.eval()
    x = torch.randn(4, 6)
    a, b, w = got(x), got(x), ref(x)
    return differs(a, w), f"after model.eval(), same weights: max|Δ| vs reference {float((a - w).abs().max()):.3f}; two eval passes equal: {torch.equal(a, b)}"


# ---------------------------------------------------------------- cnn
@proof(19)
def _(L, R):
    got, want = L.conv_output_size(5, 3, 0, 2), R.conv_output_size(5, 3, 0, 2)
    x, w = torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3)
    err = raises(lambda: L.conv2d(x, w, stride=2))
    return got != want and err is not None, f"conv_output_size(5,3,0,2) = {got}, want {want}; caller conv2d stride 2: {err}"


@proof(20)
def _(L, R):
    torch.manual_seed(0)
    x, w, b = torch.randn(2, 3, 6, 6), torch.randn(4, 3, 3, 3), torch.randn(4)
    got, want = L.conv2d(x, w, b, 1, 1), torch.nn.functional.conv2d(x, w, b, 1, 1)
    x1, w1 = torch.randn(2, 1, 6, 6), torch.randn(4, 1, 3, 3)
    same1 = not differs(L.conv2d(x1, w1), torch.nn.functional.conv2d(x1, w1), 1e-5, 1e-5)
    return differs(got, want, 1e-5, 1e-5), f"C_in=3: max|Δ| vs F.conv2d {float((got - want).abs().max()):.3f}; C_in=1 matches: {same1}"


@proof(21)
def _(L, R):
    torch.manual_seed(0)
    m = L.SimpleCNN()
    ok8 = m(torch.randn(2, 1, 8, 8)).shape
    err = raises(lambda: m(torch.randn(2, 1, 28, 28)))
    return err is not None, f"8×8 → {tuple(ok8)}; 28×28 → {err}"


# ---------------------------------------------------------------- inception
@proof(22)
def _(L, R):
    torch.manual_seed(0)
    ref = R.GoogLeNetMini(input_size=8); got = L.GoogLeNetMini(input_size=8)
    same_weights(got, ref)
    x = torch.randn(3, 1, 8, 8)
    a, w = got(x), ref(x)
    bi, br = L.InceptionA(10), R.InceptionA(10)
    same_weights(bi, br)
    xi = torch.randn(1, 10, 5, 5)
    d = (bi(xi) - br(xi)).abs()[:, 64:]
    return differs(a, w), f"caller GoogLeNetMini same weights: max|Δ| {float((a - w).abs().max()):.4f}; InceptionA pool branch: border Δ {float(d[..., 0, :].max()):.3f}, interior Δ {float(d[..., 1:-1, 1:-1].max()):.1e}"


@proof(23)
def _(L, R):
    got, want = L.conv_mults(28, 28, 192, 32, 5), R.conv_mults(28, 28, 192, 32, 5)
    return got != want, f"conv_mults(28,28,192,32,5) = {got:,}, want {want:,} (the lecture's 120,422,400)"


@proof(24)
def _(L, R):
    ok28 = L.GoogLeNetMini(input_size=28)(torch.randn(2, 1, 28, 28)).shape
    def eight():
        m = L.GoogLeNetMini(input_size=8)
        return m(torch.randn(2, 1, 8, 8))
    err = raises(eight)
    return err is not None, f"input_size=28 → {tuple(ok28)}; input_size=8 → {err}"


# ---------------------------------------------------------------- resnet
@proof(25)
def _(L, R):
    torch.manual_seed(0)
    ref, got = R.ResidualBlock(2), L.ResidualBlock(2)
    same_weights(got, ref)
    x = torch.randn(1, 2, 4, 4); before = x.clone()
    out = got(x)
    mutated = not torch.equal(x, before)
    want = ref(before)
    leaf = torch.randn(1, 2, 4, 4, requires_grad=True)
    err = raises(lambda: got(leaf))
    return mutated, f"output right: {not differs(out, want)}; caller's input overwritten: {mutated}; leaf input with requires_grad: {err}"


@proof(26)
def _(L, R):
    torch.manual_seed(0)
    x = torch.randn(4, 3, 2, 2, dtype=torch.float64)
    g, b = torch.ones(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
    rm1, rv1 = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    rm2, rv2 = rm1.clone(), rv1.clone()
    got = L.batch_norm(x, g, b, rm1, rv1, True)
    want = torch.nn.functional.batch_norm(x, rm2, rv2, g, b, True, 0.1, 1e-5)
    return differs(got, want, 1e-7, 0) and differs(rv1, rv2, 1e-7, 0), \
        f"training, N·H·W=16: max|Δy| {float((got - want).abs().max()):.3e}; running_var {rv1.tolist()} vs {rv2.tolist()}"


@proof(27)
def _(L, R):
    torch.manual_seed(0)
    ref, got = R.SmallResNet(), L.SmallResNet()
    same_weights(got, ref)
    ref.eval(); got.eval()
    x = torch.randn(2, 1, 8, 8)
    a, w = got(x), ref(x)
    bl, br = L.BasicBlock(4, 4), R.BasicBlock(4, 4)
    same_weights(bl, br)
    neg = float(bl(torch.randn(2, 4, 5, 5)).min())
    return differs(a, w), f"caller SmallResNet same weights: max|Δ| {float((a - w).abs().max()):.4f}; BasicBlock min output {neg:.3f} (< 0 after a final relu?)"


# ---------------------------------------------------------------- rnn
@proof(28)
def _(L, R):
    torch.manual_seed(0)
    rnn = torch.nn.RNN(4, 4, num_layers=2)
    x, h0 = torch.randn(5, 3, 4), torch.randn(2, 3, 4)
    got, _ = L.rnn_forward(x, h0, rnn.all_weights)
    want, _ = rnn(x, h0)
    err = raises(lambda: L.rnn_forward(torch.randn(5, 3, 6), h0, torch.nn.RNN(6, 4, num_layers=2).all_weights))
    return differs(got.detach(), want.detach(), 1e-5, 1e-5), f"caller rnn_forward (input=hidden=4) vs nn.RNN: max|Δ| {float((got - want).abs().max()):.3f}; input 6 ≠ hidden 4: {err}"


@proof(29)
def _(L, R):
    got, want = L.encode_chars("hello", "ehlo"), R.encode_chars("hello", "ehlo")
    err = raises(lambda: torch.nn.functional.one_hot(got, 4))
    return differs(got, want), f"encode_chars('hello','ehlo') = {got.tolist()}, want {want.tolist()}; one_hot(·, 4): {err}"


@proof(30)
def _(L, R):
    torch.manual_seed(0)
    ref, got = R.HelloRNN(4, 8), L.HelloRNN(4, 8)
    same_weights(got, ref)
    idx = torch.tensor([[1], [0], [2], [2], [3]])  # "hello", (seq_len=5, batch=1)
    a, w = got(idx), ref(idx)
    return differs(a, w), f"same weights, 'hello' (5, 1): shapes {tuple(a.shape)} / {tuple(w.shape)}, max|Δ| logits {float((a - w).abs().max()):.3f}"


def main() -> int:
    labels = {l["file"]: l for l in json.loads((HERE / "labels.json").read_text())}
    proven = 0
    for f in sorted(HERE.glob("b29_*.py")):
        n = int(f.name.split("_")[1])
        lab = labels[f.name]
        L = load(f, f"learner_{n}")
        R = load(SOL / f"{lab['topic']}.py", f"ref_{n}")
        try:
            ok, msg = PROOFS[n](L, R)
        except Exception:  # noqa: BLE001
            ok, msg = False, "proof crashed: " + traceback.format_exc().strip().splitlines()[-1]
        proven += bool(ok)
        print(f"{'PROVEN    ' if ok else 'NOT PROVEN'} {f.name:22s} {lab['exercise']:26s} {msg}")
    print(f"\nPROVEN {proven}/{len(labels)}")
    return 0 if proven == len(labels) else 1


if __name__ == "__main__":
    sys.exit(main())
