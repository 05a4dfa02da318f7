"""Show, in plain torch, that each b31 file is wrong where its exercise's docstring says it must not be.

For every entry of labels.json this imports the b31 file and the reference solutions/<topic>.py by path,
runs the edited exercise (and, for a callee case, its caller too) on inputs the docstring allows, checks the
reference against torch or the docstring's formula on the same inputs, and prints
``OK <file> <evidence>`` when the edited code's output / gradient / state / behaviour breaks the contract,
else ``NOT WRONG <file>``. The solutions are at Path(__file__).resolve().parents[4] / "solutions" unless the
environment variable SOL says otherwise.
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
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = Path(__file__).resolve().parent


def solutions_dir() -> Path:
    sol = os.environ.get("SOL")
    return Path(sol) if sol else Path(__file__).resolve().parents[4] / "solutions"


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def close(a, b, rtol=1e-5, atol=1e-6) -> bool:
    return torch.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False)


def maxdiff(a, b) -> float:
    return float((a.detach().double() - b.detach().double()).abs().max())


CHECKS = {}


def check(topic, exercise):
    def register(fn):
        CHECKS[(topic, exercise)] = fn
        return fn
    return register


# ---------------------------------------------------------------------------------------------- tensors
@check("tensors", "add_into")
def _(bad, ref):
    x, y = torch.randn(3, 4), torch.randn(3, 4)
    z_ref, z_bad = torch.zeros(3, 4), torch.zeros(3, 4)
    ptr = z_bad.data_ptr()
    out_ref = ref.add_into(z_ref, x, y)
    out_bad = bad.add_into(z_bad, x, y)
    assert torch.equal(z_ref, x + y) and out_ref is z_ref
    wrong = not torch.equal(z_bad, x + y) or out_bad.data_ptr() != ptr
    return wrong, (f"caller's z after add_into still all zeros={bool((z_bad == 0).all())}; returned tensor "
                   f"shares z's storage={out_bad.data_ptr() == ptr}")


@check("tensors", "row_normalize")
def _(bad, ref):
    x = torch.rand(3, 3) + 0.1
    sums_ref, sums_bad = ref.row_normalize(x).sum(dim=1), bad.row_normalize(x).sum(dim=1)
    assert close(sums_ref, torch.ones(3))
    return not close(sums_bad, torch.ones(3)), f"square (3,3) input: row sums {sums_bad.tolist()} (should be 1)"


@check("tensors", "fill_nan_with_column_mean")
def _(bad, ref):
    x = torch.tensor([[1.0, float("nan")], [float("nan"), 4.0], [3.0, 6.0]])
    expected = torch.tensor([[1.0, 5.0], [2.0, 4.0], [3.0, 6.0]])
    out_ref, out_bad = ref.fill_nan_with_column_mean(x), bad.fill_nan_with_column_mean(x)
    assert close(out_ref, expected)
    wrong = bool(torch.isnan(out_bad).any()) or not close(torch.nan_to_num(out_bad), expected)
    return wrong, f"NaNs left in the output: {int(torch.isnan(out_bad).sum())} (output {out_bad.tolist()})"


@check("tensors", "one_hot")
def _(bad, ref):
    labels = torch.tensor([0, 2, 1, 3])
    expected = F.one_hot(labels, 4).float()
    out_ref, out_bad = ref.one_hot(labels, 4), bad.one_hot(labels, 4)
    assert torch.equal(out_ref, expected)
    return not torch.equal(out_bad, expected), (f"labels [0,2,1,3]: row for label 0 = {out_bad[0].tolist()}, "
                                                f"for label 2 = {out_bad[1].tolist()}")


@check("tensors", "accuracy")
def _(bad, ref):
    y_hat = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.6, 0.4]])
    y = torch.tensor([0, 1, 1, 0])
    a_ref, a_bad = ref.accuracy(y_hat, y), bad.accuracy(y_hat, y)
    assert a_ref == 0.75
    return not (isinstance(a_bad, float) and 0 <= a_bad <= 1 and abs(a_bad - 0.75) < 1e-9), \
        f"3 of 4 correct: returns {a_bad!r} (expected 0.75, a fraction in [0, 1])"


# ---------------------------------------------------------------------------------------------- autograd
@check("autograd", "quadratic_grads")
def _(bad, ref):
    torch.manual_seed(1)
    x, y = torch.randn(8, dtype=torch.float64), torch.randn(8, dtype=torch.float64)
    params = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.5, -1.2, 0.3)]
    w1, w2, b = params
    ((w1 * x**2 + w2 * x + b - y) ** 2).mean().backward()
    auto = torch.stack([p.grad for p in params])
    args = [p.detach() for p in params] + [x, y]
    g_ref, g_bad = torch.stack(ref.quadratic_grads(*args)), torch.stack(bad.quadratic_grads(*args))
    assert close(g_ref, auto, rtol=1e-7, atol=0)
    return not close(g_bad, auto, rtol=1e-7, atol=0), f"grads {g_bad.tolist()} vs autograd {auto.tolist()}"


@check("autograd", "detach_grad")
def _(bad, ref):
    x = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
    g_ref, g_bad = ref.detach_grad(x), bad.detach_grad(x)
    assert close(g_ref, x * x, rtol=1e-7, atol=0)
    return not close(g_bad, x * x, rtol=1e-7, atol=0), f"x=[1,-2,3]: grad {g_bad.tolist()} (should be u = x·x = [1,4,9])"


@check("autograd", "numerical_grad")
def _(bad, ref):
    x = torch.linspace(1.0, 2.0, 6, dtype=torch.float64)
    before = x.clone()
    exact = 3 * x**2

    def f(t):
        return (t**3).sum()

    err_ref = float(((ref.numerical_grad(f, x) - exact) / exact).abs().max())
    err_bad = float(((bad.numerical_grad(f, x) - exact) / exact).abs().max())
    assert torch.equal(x, before) and err_ref < 1e-7
    return err_bad > 1e-7, (f"f = sum(x³) in float64, eps=1e-6: max relative error {err_bad:.1e} "
                            f"(central differences: {err_ref:.1e}; check rtol 1e-7)")


@check("autograd", "Value")
def _(bad, ref):
    a_ref, a_bad = ref.Value(3.0), bad.Value(3.0)
    (a_ref * a_ref + a_ref).backward()
    (a_bad * a_bad + a_bad).backward()
    t = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    (t * t + t).backward()
    assert abs(a_ref.grad - float(t.grad)) < 1e-12
    return abs(a_bad.grad - float(t.grad)) > 1e-9, f"a=3, out=a*a+a: a.grad={a_bad.grad} (torch: {float(t.grad)})"


# ---------------------------------------------------------------------------------------------- losses
@check("losses", "log_softmax")
def _(bad, ref):
    torch.manual_seed(0)
    x = torch.randn(4, 5) * 3
    expected = torch.log_softmax(x, dim=-1)
    assert close(ref.log_softmax(x), expected)
    d = maxdiff(bad.log_softmax(x), expected)
    logits = torch.tensor([[1000.0, 0.0, -1000.0], [3.0, 2.0, 1.0]])
    target = torch.tensor([0, 2])
    ce_t = F.cross_entropy(logits, target)
    ce_ref, ce_bad = ref.cross_entropy(logits, target), bad.cross_entropy(logits, target)
    assert close(ce_ref, ce_t, atol=8 * torch.finfo(torch.float32).eps * 1000)
    wrong = d > 1e-5 and not close(ce_bad, ce_t, atol=1e-3)
    return wrong, (f"log_softmax max |diff| {d:.3g} vs torch; caller cross_entropy at logits ±1000: "
                   f"{float(ce_bad):.4g} vs F.cross_entropy {float(ce_t):.4g}")


@check("losses", "bce")
def _(bad, ref):
    torch.manual_seed(0)
    p, y = torch.rand(4, 3) * 0.98 + 0.01, torch.rand(4, 3)
    expected = F.binary_cross_entropy(p, y)
    assert close(ref.bce(p, y), expected)
    v = bad.bce(p, y)
    return not close(v, expected), f"(4,3) input: {float(v):.5g} vs F.binary_cross_entropy {float(expected):.5g}"


@check("losses", "softmax")
def _(bad, ref):
    x = torch.tensor([[1000.0, 999.0], [-1000.0, -999.0]])
    expected = torch.softmax(x, dim=-1)
    assert close(ref.softmax(x), expected)
    out = bad.softmax(x)
    small = torch.randn(3, 4)
    fine_on_small = close(bad.softmax(small), torch.softmax(small, dim=-1))
    return not close(out, expected), (f"rows [1000,999],[-1000,-999]: {out.tolist()} vs torch "
                                      f"{[[round(v, 4) for v in r] for r in expected.tolist()]} "
                                      f"(correct on randn input: {fine_on_small})")


@check("losses", "kl_div")
def _(bad, ref):
    p = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    q = torch.tensor([[0.25, 0.75, 0.0], [0.3, 0.3, 0.4]])
    expected = (torch.where(p > 0, p * (p / q).log(), torch.zeros_like(p))).sum(-1)
    assert close(ref.kl_div(p, q), expected)
    out = bad.kl_div(p, q)
    return not close(out, expected), f"row with p = q = 0 in one entry: {out.tolist()} vs {expected.tolist()}"


# ---------------------------------------------------------------------------------------------- optim
def _run_sgd(cls, steps=50, **options):
    torch.manual_seed(0)
    a, b = torch.randn(6, 4, dtype=torch.float64), torch.randn(6, dtype=torch.float64)
    w = torch.randn(4, dtype=torch.float64, requires_grad=True)
    opt = cls([w], **options)
    for _ in range(steps):
        opt.zero_grad()
        ((a @ w - b) ** 2).mean().backward()
        opt.step()
    return w.detach()


@check("optim", "SGD")
def _(bad, ref):
    opts = dict(lr=0.05, momentum=0.9, weight_decay=0.1)
    w_t, w_ref, w_bad = _run_sgd(torch.optim.SGD, **opts), _run_sgd(ref.SGD, **opts), _run_sgd(bad.SGD, **opts)
    assert maxdiff(w_ref, w_t) < 1e-10
    plain = dict(lr=0.05, weight_decay=0.1)
    same_without_momentum = maxdiff(_run_sgd(bad.SGD, **plain), _run_sgd(torch.optim.SGD, **plain)) < 1e-10
    d = maxdiff(w_bad, w_t)
    return d > 1e-10, (f"momentum=0.9, weight_decay=0.1, 50 float64 steps: max |w - torch.optim.SGD's w| = {d:.3g} "
                       f"(equal without momentum: {same_without_momentum})")


@check("optim", "sgd_fit")
def _(bad, ref):
    x = torch.linspace(-1, 1, 10)
    y = 3 * x + 0.1 * torch.sin(7 * x)
    w_ref, l_ref = ref.sgd_fit(x, y, 0.05, 3, generator=torch.Generator().manual_seed(0))
    w_ref2, _ = ref.sgd_fit(x, y, 0.05, 3, generator=torch.Generator().manual_seed(0))
    np.random.seed(123)
    w_bad, l_bad = bad.sgd_fit(x, y, 0.05, 3, generator=torch.Generator().manual_seed(0))
    w_bad2, _ = bad.sgd_fit(x, y, 0.05, 3, generator=torch.Generator().manual_seed(0))
    assert w_ref == w_ref2
    return w_bad != w_ref, (f"same seeded generator: w={w_bad:.9f} (then {w_bad2:.9f} on a second call) vs "
                            f"randperm order {w_ref:.9f}")


@check("optim", "closed_form_linear_regression")
def _(bad, ref):
    torch.manual_seed(0)
    X = torch.randn(30, 3, dtype=torch.float64) + 2.0
    y = X @ torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64) + 3.0 + 0.1 * torch.randn(30, dtype=torch.float64)
    expected = torch.linalg.lstsq(X, y[:, None]).solution[:, 0]
    w_ref, w_bad = ref.closed_form_linear_regression(X, y), bad.closed_form_linear_regression(X, y)
    assert close(w_ref, expected, rtol=1e-7, atol=1e-9)
    return w_bad.shape != expected.shape or not close(w_bad, expected, rtol=1e-5, atol=1e-6), \
        f"w={[round(v, 4) for v in w_bad.tolist()]} vs least squares {[round(v, 4) for v in expected.tolist()]}"


@check("optim", "DiabetesDataset")
def _(bad, ref):
    rows = np.array([[0.1 * i + j for j in range(4)] + [i % 2] for i in range(5)], dtype=np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "diabetes.csv.gz")
        with gzip.open(path, "wt") as fh:
            for row in rows:
                fh.write(",".join(f"{v:g}" for v in row) + "\n")
        ds_ref, ds_bad = ref.DiabetesDataset(path), bad.DiabetesDataset(path)
        assert len(ds_ref) == 5 and torch.equal(ds_ref[0][0], torch.from_numpy(rows[0, :-1]))
        first = ds_bad[0][0]
        wrong = len(ds_bad) != 5 or not torch.equal(first, torch.from_numpy(rows[0, :-1]))
        return wrong, f"5-row header-less file: len={len(ds_bad)}, ds[0] features={first.tolist()} (row 0 is {rows[0, :-1].tolist()})"


# ---------------------------------------------------------------------------------------------- mlp
@check("mlp", "relu")
def _(bad, ref):
    x = torch.randn(6).to(torch.float16)
    assert ref.relu(x).dtype == torch.float16 and ref.hard_sigmoid_from_relus(x).dtype == torch.float16
    d_relu, d_hs = bad.relu(x).dtype, bad.hard_sigmoid_from_relus(x).dtype
    note = ""
    if torch.cuda.is_available():
        try:
            note = f"; CUDA input gives device {bad.relu(x.cuda()).device}"
        except RuntimeError as error:
            note = f"; CUDA input raises {type(error).__name__}"
    return d_relu != torch.float16 or d_hs != torch.float16, \
        f"float16 input: relu returns {d_relu}, caller hard_sigmoid_from_relus returns {d_hs}{note}"


@check("mlp", "dropout")
def _(bad, ref):
    x = torch.ones(100_000)
    torch.manual_seed(0)
    z_ref = float((ref.dropout(x, 0.2, True) == 0).float().mean())
    torch.manual_seed(0)
    out = bad.dropout(x, 0.2, True)
    z_bad = float((out == 0).float().mean())
    assert abs(z_ref - 0.2) < 0.01
    return abs(z_bad - 0.2) > 0.01, f"p=0.2: fraction zeroed {z_bad:.3f} (expected 0.2), survivors scaled to {float(out.max()):.3g}"


@check("mlp", "xavier_uniform_")
def _(bad, ref):
    bound = math.sqrt(6 / (50 + 10))
    torch.manual_seed(0)
    m_ref = float(ref.xavier_uniform_(torch.empty(10, 50)).abs().max())
    torch.manual_seed(0)
    w = torch.empty(10, 50)
    m_bad = float(bad.xavier_uniform_(w).abs().max())
    assert m_ref <= bound and m_ref > 0.95 * bound
    return m_bad < 0.95 * bound or m_bad > bound, \
        f"(10, 50) weight: max |w| = {m_bad:.4f}, expected close to a = {bound:.4f} (reference {m_ref:.4f})"


@check("mlp", "train_epoch")
def _(bad, ref):
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    data = [(torch.randn(4, 3), torch.randn(4, 1)) for _ in range(3)]
    results = []
    for module in (ref, bad):
        m = copy.deepcopy(model)
        opt = torch.optim.SGD(m.parameters(), lr=0.1)
        loss = module.train_epoch(m, data, F.mse_loss, opt, "cpu")
        results.append((loss, m.weight.detach().clone()))
    d = maxdiff(results[0][1], results[1][1])
    return d > 1e-6, f"3 batches: weights differ from the replay by {d:.3g}; epoch loss {results[1][0]:.5f} vs {results[0][0]:.5f}"


# ---------------------------------------------------------------------------------------------- cnn
@check("cnn", "conv_output_size")
def _(bad, ref):
    v_ref, v_bad = ref.conv_output_size(7, 2, 0, 2), bad.conv_output_size(7, 2, 0, 2)
    assert v_ref == 3 and isinstance(v_ref, int)
    x, w = torch.randn(1, 2, 7, 7), torch.randn(3, 2, 2, 2)
    assert close(ref.conv2d(x, w, None, 2, 0), F.conv2d(x, w, None, 2, 0), atol=1e-5)
    try:
        out = bad.conv2d(x, w, None, 2, 0)
        caller = f"conv2d max |diff| {maxdiff(out, F.conv2d(x, w, None, 2, 0)):.3g}"
    except Exception as error:  # noqa: BLE001 - the caller failing is the evidence
        caller = f"caller conv2d raises {type(error).__name__}"
    return not (isinstance(v_bad, int) and v_bad == 3), \
        f"conv_output_size(7, 2, 0, 2) = {v_bad!r} (expected int 3); {caller}"


@check("cnn", "corr2d")
def _(bad, ref):
    torch.manual_seed(0)
    x, k = torch.randn(5, 5), torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    expected = F.conv2d(x[None, None], k[None, None])[0, 0]
    assert close(ref.corr2d(x, k), expected, atol=1e-5)
    d = maxdiff(bad.corr2d(x, k), expected)
    return d > 1e-4, f"kernel [[1,2],[3,4]]: max |diff| vs F.conv2d {d:.3g}"


# ---------------------------------------------------------------------------------------------- inception
@check("inception", "InceptionA")
def _(bad, ref):
    torch.manual_seed(0)
    m_ref = ref.InceptionA(3)
    m_bad = bad.InceptionA(3)
    m_bad.load_state_dict(m_ref.state_dict())
    x = torch.randn(2, 3, 8, 8)
    o_ref, o_bad = m_ref(x), m_bad(x)
    diff = (o_ref - o_bad).detach().abs().amax(dim=(0, 2, 3))
    channels = torch.nonzero(diff > 1e-6).flatten().tolist()
    g_ref = ref.GoogLeNetMini(1, 10, 8)
    g_bad = bad.GoogLeNetMini(1, 10, 8)
    g_bad.load_state_dict(g_ref.state_dict())
    xi = torch.randn(4, 1, 8, 8)
    dg = maxdiff(g_ref(xi), g_bad(xi))
    return bool(channels), (f"same weights: output shape {tuple(o_bad.shape)}, channels {f'{channels[0]}..{channels[-1]}' if channels else 'none'} "
                            f"differ (max {float(diff.max()):.3g}); caller GoogLeNetMini logits differ by {dg:.3g}")


@check("inception", "conv_mults")
def _(bad, ref):
    assert ref.conv_mults(28, 28, 192, 32, 5) == 120_422_400
    v = bad.conv_mults(28, 28, 192, 32, 5)
    return v != 120_422_400, f"conv_mults(28, 28, 192, 32, 5) = {v} (expected 120422400)"


# ---------------------------------------------------------------------------------------------- resnet
@check("resnet", "BasicBlock")
def _(bad, ref):
    torch.manual_seed(0)
    b_ref, b_bad = ref.BasicBlock(4, 4).eval(), bad.BasicBlock(4, 4).eval()
    b_bad.load_state_dict(b_ref.state_dict())
    x = torch.randn(2, 4, 8, 8)
    d = maxdiff(b_ref(x), b_bad(x))
    main = b_ref.bn2(b_ref.conv2(F.relu(b_ref.bn1(b_ref.conv1(x)))))
    assert close(b_ref(x), F.relu(main + x))
    s_ref, s_bad = ref.SmallResNet(1, 10).eval(), bad.SmallResNet(1, 10).eval()
    s_bad.load_state_dict(s_ref.state_dict())
    xi = torch.randn(3, 1, 8, 8)
    ds = maxdiff(s_ref(xi), s_bad(xi))
    return d > 1e-6, f"same weights: BasicBlock(4,4) output differs by {d:.3g}; caller SmallResNet logits by {ds:.3g}"


@check("resnet", "batch_norm")
def _(bad, ref):
    torch.manual_seed(0)
    x = torch.randn(4, 3, 2, 2, dtype=torch.float64) * 2 + 1
    gamma, beta = torch.rand(3, dtype=torch.float64) + 0.5, torch.randn(3, dtype=torch.float64)
    rm_t, rv_t = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    y_t = F.batch_norm(x, rm_t, rv_t, gamma, beta, True, 0.1, 1e-5)
    results = []
    for module in (ref, bad):
        rm, rv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
        y = module.batch_norm(x, gamma, beta, rm, rv, True, 0.1, 1e-5)
        results.append((maxdiff(y, y_t), maxdiff(rv, rv_t)))
    assert results[0][0] < 1e-10 and results[0][1] < 1e-10
    dy, dv = results[1]
    return dy > 1e-7 or dv > 1e-7, f"training, N·H·W = 16: max |y - F.batch_norm| = {dy:.3g}, running_var off by {dv:.3g}"


# ---------------------------------------------------------------------------------------------- rnn
@check("rnn", "rnn_cell")
def _(bad, ref):
    torch.manual_seed(0)
    cell = nn.RNNCell(4, 4)
    x, h = torch.randn(3, 4), torch.randn(3, 4)
    args = (x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    with torch.no_grad():
        expected = cell(x, h)
        assert close(ref.rnn_cell(*args), expected, atol=1e-5)
        d = maxdiff(bad.rnn_cell(*args), expected)
        rnn = nn.RNN(4, 4, num_layers=2)
        xs, h0 = torch.randn(5, 3, 4), torch.randn(2, 3, 4)
        out_t, hn_t = rnn(xs, h0)
        params = [tuple(w) for w in rnn.all_weights]
        out_r, _ = ref.rnn_forward(xs, h0, params)
        assert close(out_r, out_t, atol=1e-5)
        out_b, _ = bad.rnn_forward(xs, h0, params)
        df = maxdiff(out_b, out_t)
    return d > 1e-4, f"input_size = hidden = 4: rnn_cell off nn.RNNCell by {d:.3g}; caller rnn_forward off nn.RNN by {df:.3g}"


@check("rnn", "encode_chars")
def _(bad, ref):
    expected = torch.tensor([2, 3, 1, 1, 0])
    assert torch.equal(ref.encode_chars("hello", "olhe"), expected)
    out = bad.encode_chars("hello", "olhe")
    same_sorted = torch.equal(bad.encode_chars("hello", "ehlo"), torch.tensor([1, 0, 2, 2, 3]))
    return not torch.equal(out, expected), \
        f"vocab 'olhe': {out.tolist()} vs {expected.tolist()} (correct for the sorted 'ehlo': {same_sorted})"


@check("rnn", "embedding_lookup")
def _(bad, ref):
    torch.manual_seed(0)
    weight, idx = torch.randn(5, 3), torch.tensor([[0, 2], [4, 1]])
    expected = F.embedding(idx, weight)
    assert torch.equal(ref.embedding_lookup(weight, idx), expected)
    out = bad.embedding_lookup(weight, idx)
    return not torch.equal(out, expected), f"idx [[0,2],[4,1]]: shape {tuple(out.shape)}, max |diff| vs F.embedding {maxdiff(out, expected):.3g}"


def main() -> None:
    sol = solutions_dir()
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    references = {}
    ok = 0
    for number, label in enumerate(labels, start=1):
        topic, exercise, name = label["topic"], label["exercise"], label["file"]
        if topic not in references:
            references[topic] = load(sol / f"{topic}.py", f"ref_{topic}")
        bad = load(HERE / name, f"b31_{number:02d}_{topic}")
        torch.manual_seed(0)
        wrong, evidence = CHECKS[(topic, exercise)](bad, references[topic])
        if wrong:
            ok += 1
            print(f"OK {name} {evidence}")
        else:
            print(f"NOT WRONG {name} ({evidence})")
    print(f"{ok}/{len(labels)} OK", file=sys.stderr)
    print(f"summary: {ok} of {len(labels)} OK")


if __name__ == "__main__":
    main()
