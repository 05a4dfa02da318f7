"""Show, in plain torch (no grader), that every b34 file breaks its labelled exercise.

For each entry of labels.json: import the b34 file and the reference solutions/<topic>.py by path, run
the broken exercise (and, for a callee case, its caller) on inputs its docstring allows, and print
`OK <file> <evidence>` when the result, gradient, state or behaviour departs from what the docstring
requires (the reference, torch's own function, or the stated property serve as the yardstick), else
`NOT WRONG <file>`. The reference is found like make.py finds it: SOL overrides it.
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

import torch
import torch.nn.functional as F
from torch import nn

sys.dont_write_bytecode = True
warnings.filterwarnings("ignore")  # e.g. the non-leaf .grad warning that b34_05 triggers

HERE = Path(__file__).resolve().parent
SOL = Path(os.environ["SOL"]) if os.environ.get("SOL") else Path(__file__).resolve().parents[4] / "solutions"


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fmt(t) -> str:
    if isinstance(t, torch.Tensor):
        return str([round(v, 4) for v in t.detach().reshape(-1)[:4].tolist()])
    return repr(t)


def attempt(fn):
    """(result, None) or (None, 'ExceptionName: message')."""
    try:
        return fn(), None
    except Exception as error:  # the broken code may raise where the reference does not
        return None, f"{type(error).__name__}: {str(error).splitlines()[0][:90]}"


CHECKS = {}


def check(topic: str, exercise: str):
    def register(fn):
        CHECKS[(topic, exercise)] = fn
        return fn
    return register


# ---------------------------------------------------------------------------------------- tensors
@check("tensors", "add_into")
def _(mod, ref):
    x, y = torch.randn(3), torch.randn(3)
    results = {}
    for tag, m in (("ref", ref), ("mod", mod)):
        buffer = torch.zeros(2, 3)
        z = buffer[0]
        ptr = z.data_ptr()
        out = m.add_into(z, x, y)
        results[tag] = (torch.equal(buffer[0], x + y), out.data_ptr() == ptr, out is z)
    wrong = results["ref"] == (True, True, True) and results["mod"] != results["ref"]
    return wrong, (f"z = buffer[0]: after the call buffer row holds x+y: ref={results['ref'][0]} "
                   f"mod={results['mod'][0]}; z keeps its data_ptr: ref={results['ref'][1]} mod={results['mod'][1]}")


@check("tensors", "row_normalize")
def _(mod, ref):
    torch.manual_seed(0)
    x = torch.rand(3, 3) + 0.1
    r, m = ref.row_normalize(x), mod.row_normalize(x)
    rect, err = attempt(lambda: mod.row_normalize(torch.rand(2, 5) + 0.1))
    wrong = torch.allclose(r.sum(1), torch.ones(3)) and not torch.allclose(m.sum(1), torch.ones(3))
    return wrong, f"square x: row sums ref={fmt(r.sum(1))} mod={fmt(m.sum(1))}; (2,5) input: {err or 'ran'}"


@check("tensors", "fill_nan_with_column_mean")
def _(mod, ref):
    x = torch.tensor([[1.0, float("nan")], [float("nan"), 4.0], [3.0, 8.0]])
    xr, xm = x.clone(), x.clone()
    r, m = ref.fill_nan_with_column_mean(xr), mod.fill_nan_with_column_mean(xm)
    same_values = torch.equal(r, m)
    ref_kept = torch.equal(xr, x) or torch.allclose(xr, x, equal_nan=True)
    mod_kept = torch.allclose(xm, x, equal_nan=True)
    wrong = ref_kept and not mod_kept
    return wrong, (f"values equal={same_values}; caller's x still has its NaNs: ref={bool(xr.isnan().any())} "
                   f"mod={bool(xm.isnan().any())}; result is x itself: mod={m is xm}")


@check("tensors", "flatten_batch")
def _(mod, ref):
    x = torch.arange(2 * 3 * 2 * 2, dtype=torch.float32).reshape(2, 3, 2, 2)
    r, m = ref.flatten_batch(x), mod.flatten_batch(x)
    one = torch.equal(ref.flatten_batch(x[:1]), mod.flatten_batch(x[:1]))
    wrong = r.shape == m.shape and not torch.equal(r, m) and torch.equal(r[1], x[1].reshape(-1))
    return wrong, f"N=2 shapes {tuple(r.shape)}/{tuple(m.shape)}, row 0 ref={fmt(r[0])} mod={fmt(m[0])}; N=1 equal={one}"


# ---------------------------------------------------------------------------------------- autograd
@check("autograd", "grad_of_vector_fn")
def _(mod, ref):
    f = lambda t: t ** 2  # noqa: E731
    out = {}
    for tag, m in (("ref", ref), ("mod", mod)):
        x = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
        g = m.grad_of_vector_fn(f, x)
        out[tag] = (g, x.grad)
    rg, rxg = out["ref"]
    mg, mxg = out["mod"]
    wrong = rg is not None and torch.allclose(rg, torch.tensor([2.0, -4.0, 6.0], dtype=torch.float64)) and rxg is None \
        and (mg is None or mxg is not None)
    return wrong, f"x requires grad: returned ref={fmt(rg)} mod={fmt(mg)}; caller's x.grad ref={fmt(rxg)} mod={fmt(mxg)}"


@check("autograd", "Sigmoid")
def _(mod, ref):
    out = {}
    for tag, m in (("ref", ref), ("mod", mod)):
        x = torch.tensor([-100.0, 0.0, 100.0], requires_grad=True)
        y = m.Sigmoid.apply(x)
        y.sum().backward()
        out[tag] = (y.detach(), x.grad)
    values_equal = torch.equal(out["ref"][0], out["mod"][0])
    wrong = bool(torch.isfinite(out["ref"][1]).all()) and not bool(torch.isfinite(out["mod"][1]).all())
    return wrong, f"float32 x=[-100,0,100]: values equal={values_equal}; grad ref={fmt(out['ref'][1])} mod={fmt(out['mod'][1])}"


@check("autograd", "numerical_grad")
def _(mod, ref):
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    f = lambda t: (t ** 3).sum()  # noqa: E731
    r, m = ref.numerical_grad(f, x.clone()), mod.numerical_grad(f, x.clone())
    exact = 3 * x ** 2
    wrong = r.dtype == torch.float64 and m.dtype != torch.float64
    return wrong, (f"float64 x: dtype ref={r.dtype} mod={m.dtype}; max error ref={(r - exact).abs().max():.1e} "
                   f"mod={(m.double() - exact).abs().max():.1e}")


@check("autograd", "Value")
def _(mod, ref):
    r, m = ref.Value(2), mod.Value(2)
    r3, m3 = (ref.Value(2) * 3).relu(), (mod.Value(2) * 3).relu()
    wrong = type(r.data) is float and type(m.data) is not float
    return wrong, f"Value(2).data: ref={r.data!r} mod={m.data!r}; (Value(2)*3).relu().data: ref={r3.data!r} mod={m3.data!r}"


# ---------------------------------------------------------------------------------------- losses
@check("losses", "log_softmax")
def _(mod, ref):
    logits = torch.tensor([[1000.0, 999.0], [-1000.0, -999.0]])
    target = torch.tensor([0, 1])
    r, m = ref.log_softmax(logits, dim=1), mod.log_softmax(logits, dim=1)
    rc, mc = ref.cross_entropy(logits, target), mod.cross_entropy(logits, target)
    torch_ce = F.cross_entropy(logits, target)
    wrong = torch.allclose(rc, torch_ce) and bool(torch.isfinite(r).all()) and not bool(torch.isfinite(m).all()) \
        and not torch.allclose(mc, torch_ce)
    return wrong, (f"rows at +-1000: log_softmax row 1 ref={fmt(r[1])} mod={fmt(m[1])}; caller cross_entropy "
                   f"ref={rc.item():.4f} mod={mc.item()} torch={torch_ce.item():.4f}")


@check("losses", "entropy")
def _(mod, ref):
    torch.manual_seed(0)
    p = torch.softmax(torch.randn(3, 4), dim=-1)
    r, m = ref.entropy(p), mod.entropy(p)
    vec = torch.allclose(ref.entropy(p[0]), mod.entropy(p[0]))
    wrong = r.shape == (3,) and m.shape != r.shape
    return wrong, f"p (3,4): shape ref={tuple(r.shape)} mod={tuple(m.shape)}; 1-D p equal={vec}"


@check("losses", "huber")
def _(mod, ref):
    torch.manual_seed(0)
    y_hat, y = torch.randn(50) * 3, torch.randn(50) * 3
    t = F.huber_loss(y_hat, y, delta=2.0)
    r, m = ref.huber(y_hat, y, delta=2.0), mod.huber(y_hat, y, delta=2.0)
    default_ok = torch.allclose(mod.huber(y_hat, y), F.huber_loss(y_hat, y))
    wrong = torch.allclose(r, t) and not torch.allclose(m, t)
    return wrong, f"delta=2: torch={t.item():.5f} ref={r.item():.5f} mod={m.item():.5f}; delta=1 equal={default_ok}"


@check("losses", "bce")
def _(mod, ref):
    torch.manual_seed(0)
    p = torch.rand(6) * 0.9 + 0.05
    y = torch.tensor([0.3, 0.7, 0.5, 1.0, 0.0, 0.9])
    t = F.binary_cross_entropy(p, y)
    r, m = ref.bce(p, y), mod.bce(p, y)
    hard = torch.allclose(mod.bce(p, (y > 0.5).float()), F.binary_cross_entropy(p, (y > 0.5).float()))
    wrong = torch.allclose(r, t, rtol=1e-5) and not torch.allclose(m, t, rtol=1e-5)
    return wrong, f"soft labels: torch={t.item():.5f} ref={r.item():.5f} mod={m.item():.5f}; hard labels equal={hard}"


# ---------------------------------------------------------------------------------------- optim
def _run_sgd(cls, lr_change=True):
    torch.manual_seed(0)
    target = torch.randn(4, dtype=torch.float64)
    w = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    opt = cls([w], lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01, nesterov=False)
    for step in range(8):
        if lr_change and step == 4:
            for group in opt.param_groups:
                group["lr"] = 0.01
        opt.zero_grad()
        ((w - target) ** 2).sum().backward()
        opt.step()
    return w.detach(), opt.state[w]["momentum_buffer"].clone()


@check("optim", "SGD")
def _(mod, ref):
    tw, tb = _run_sgd(torch.optim.SGD)
    rw, rb = _run_sgd(ref.SGD)
    mw, mb = _run_sgd(mod.SGD)
    cw, _ = _run_sgd(mod.SGD, lr_change=False)
    tcw, _ = _run_sgd(torch.optim.SGD, lr_change=False)
    wrong = torch.allclose(rw, tw, rtol=1e-10, atol=1e-10) and not torch.allclose(mw, tw, rtol=1e-4, atol=1e-6)
    return wrong, (f"lr 0.1 -> 0.01 after 4 steps: w[0] torch={tw[0]:.6f} ref={rw[0]:.6f} mod={mw[0]:.6f}; "
                   f"momentum_buffer[0] torch={tb[0]:.4f} mod={mb[0]:.4f}; constant lr equal={torch.allclose(cw, tcw)}")


def _run_adam(cls):
    torch.manual_seed(0)
    a = torch.randn(3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    opt = cls([a, b], lr=0.1)
    (a ** 2).sum().backward()            # step 1: b has no gradient (an unused branch)
    opt.step()
    opt.zero_grad()
    ((a ** 2).sum() + (b ** 2).sum()).backward()
    opt.step()
    return a.detach().clone(), b.detach().clone()


@check("optim", "Adam")
def _(mod, ref):
    ta, tb = _run_adam(torch.optim.Adam)
    ra, rb = _run_adam(ref.Adam)
    ma, mb = _run_adam(mod.Adam)
    wrong = torch.allclose(rb, tb, rtol=1e-4, atol=1e-6) and not torch.allclose(mb, tb, rtol=1e-4, atol=1e-6)
    return wrong, f"b gets its first grad at step 2: b torch={fmt(tb)} ref={fmt(rb)} mod={fmt(mb)}"


@check("optim", "minibatch_indices")
def _(mod, ref):
    r = list(ref.minibatch_indices(10, 4, shuffle=False))
    m = list(mod.minibatch_indices(10, 4, shuffle=False))
    cover_r = sorted(torch.cat(r).tolist()) == list(range(10))
    cover_m = bool(m) and sorted(torch.cat(m).tolist()) == list(range(10))
    wrong = cover_r and not cover_m
    return wrong, f"n=10, batch 4: sizes ref={[len(b) for b in r]} mod={[len(b) for b in m]}"


@check("optim", "DiabetesDataset")
def _(mod, ref):
    rows = "\n".join(",".join(str(v) for v in [i, 0.5, 1.5, 2, 3, 4, 5, i % 2]) for i in range(5)) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "diabetes.csv.gz")
        with gzip.open(path, "wt") as handle:
            handle.write(rows)
        r, m = ref.DiabetesDataset(path), mod.DiabetesDataset(path)
        rs, ms = tuple(r[0][1].shape), tuple(m[0][1].shape)
        rb = tuple(next(iter(torch.utils.data.DataLoader(r, batch_size=5)))[1].shape)
        mb = tuple(next(iter(torch.utils.data.DataLoader(m, batch_size=5)))[1].shape)
    wrong = rs == (1,) and ms != (1,)
    return wrong, f"ds[0] label shape ref={rs} mod={ms}; DataLoader label batch ref={rb} mod={mb}"


# ---------------------------------------------------------------------------------------- mlp
@check("mlp", "relu")
def _(mod, ref):
    x = torch.tensor([-1.5, -0.2, 0.3, 2.0], dtype=torch.float16)
    r, m = ref.relu(x), mod.relu(x)
    hr, hm = ref.hard_sigmoid_from_relus(x), mod.hard_sigmoid_from_relus(x)
    wrong = r.dtype == torch.float16 and m.dtype != torch.float16 and hm.dtype != hr.dtype
    return wrong, (f"float16 x: relu dtype ref={r.dtype} mod={m.dtype}; caller hard_sigmoid_from_relus dtype "
                   f"ref={hr.dtype} mod={hm.dtype}; values equal={torch.equal(r.float(), m.float())}")


@check("mlp", "dropout")
def _(mod, ref):
    x = torch.ones(1000)
    out = {}
    for tag, m in (("ref", ref), ("mod", mod)):
        torch.manual_seed(1)
        a = m.dropout(x, 0.5)
        torch.manual_seed(2)
        b = m.dropout(x, 0.5)
        c = m.dropout(x, 0.5)
        out[tag] = (torch.equal(a, b), torch.equal(b, c))
    wrong = out["ref"] == (False, False) and out["mod"] != out["ref"]
    return wrong, (f"seeds 1 vs 2 give the same output: ref={out['ref'][0]} mod={out['mod'][0]}; two calls in a row "
                   f"drop the same positions: ref={out['ref'][1]} mod={out['mod'][1]}")


@check("mlp", "xavier_uniform_")
def _(mod, ref):
    bound = math.sqrt(6 / (8 * 9 + 16 * 9))
    torch.manual_seed(0)
    r = ref.xavier_uniform_(torch.empty(16, 8, 3, 3))
    torch.manual_seed(0)
    m = mod.xavier_uniform_(torch.empty(16, 8, 3, 3))
    torch.manual_seed(0)
    lr_ = ref.xavier_uniform_(torch.empty(5, 7))
    torch.manual_seed(0)
    lm = mod.xavier_uniform_(torch.empty(5, 7))
    wrong = r.abs().max() <= bound and r.abs().max() > 0.9 * bound and m.abs().max() < 0.75 * bound
    return wrong, (f"conv weight (16,8,3,3): expected bound {bound:.4f}, max|w| ref={r.abs().max():.4f} "
                   f"mod={m.abs().max():.4f}; linear weight equal={torch.equal(lr_, lm)}")


@check("mlp", "train_epoch")
def _(mod, ref):
    torch.manual_seed(0)
    base = nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.5), nn.Linear(16, 1))
    data = [(torch.randn(8, 4), torch.randn(8, 1)) for _ in range(3)]
    out = {}
    for tag, m in (("ref", ref), ("mod", mod)):
        model = copy.deepcopy(base)
        model.eval()  # e.g. after an evaluate()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        torch.manual_seed(3)
        loss = m.train_epoch(model, data, F.mse_loss, opt, "cpu")
        out[tag] = (model.training, loss)
    wrong = out["ref"][0] is True and out["mod"][0] is False
    return wrong, (f"model in eval mode before the call: training flag after ref={out['ref'][0]} mod={out['mod'][0]}; "
                   f"epoch loss ref={out['ref'][1]:.4f} mod={out['mod'][1]:.4f} (dropout off)")


# ---------------------------------------------------------------------------------------- cnn
@check("cnn", "conv_output_size")
def _(mod, ref):
    torch.manual_seed(0)
    x, w = torch.randn(1, 2, 6, 6), torch.randn(3, 2, 3, 3)
    r = ref.conv2d(x, w, stride=2)
    m, err = attempt(lambda: mod.conv2d(x, w, stride=2))
    wrong = torch.allclose(r, F.conv2d(x, w, stride=2), atol=1e-5) and \
        mod.conv_output_size(6, 3, 0, 2) != 2 and (err is not None or m.shape != r.shape)
    return wrong, (f"conv_output_size(6,3,0,2): ref={ref.conv_output_size(6, 3, 0, 2)} "
                   f"mod={mod.conv_output_size(6, 3, 0, 2)}; caller conv2d stride 2 on 6x6: {err or tuple(m.shape)}")


@check("cnn", "corr2d")
def _(mod, ref):
    torch.manual_seed(0)
    out = {}
    for tag, m in (("ref", ref), ("mod", mod)):
        x = torch.randn(4, 4, dtype=torch.float64, requires_grad=True)
        k = torch.randn(2, 2, dtype=torch.float64, requires_grad=True)
        y = m.corr2d(x, k)
        out[tag] = (y.dtype, y.requires_grad)
    wrong = out["ref"] == (torch.float64, True) and out["mod"] != out["ref"]
    return wrong, f"float64 x, k requiring grad: (dtype, requires_grad) ref={out['ref']} mod={out['mod']}"


@check("cnn", "SimpleCNN")
def _(mod, ref):
    torch.manual_seed(0)
    r = ref.SimpleCNN()(torch.randn(1, 1, 8, 8))
    torch.manual_seed(0)
    m = mod.SimpleCNN()(torch.randn(1, 1, 8, 8))
    torch.manual_seed(0)
    m4 = mod.SimpleCNN()(torch.randn(4, 1, 8, 8))
    wrong = r.shape == (1, 10) and m.shape != (1, 10)
    return wrong, f"batch of one: logits shape ref={tuple(r.shape)} mod={tuple(m.shape)}; batch of 4 mod={tuple(m4.shape)}"


# ---------------------------------------------------------------------------------------- inception
@check("inception", "InceptionA")
def _(mod, ref):
    torch.manual_seed(0)
    ri = ref.InceptionA(3)
    mi = mod.InceptionA(3)
    mi.load_state_dict(ri.state_dict())
    x = torch.randn(2, 3, 8, 8)
    r, m = ri(x), mi(x)
    torch.manual_seed(0)
    rg = ref.GoogLeNetMini(1, 10, 8)
    mg = mod.GoogLeNetMini(1, 10, 8)
    mg.load_state_dict(rg.state_dict())
    xi = torch.randn(2, 1, 8, 8)
    gr, gm = rg(xi), mg(xi)
    wrong = r.shape == m.shape and (r < 0).any() and not torch.allclose(r, m) and not torch.allclose(gr, gm)
    return wrong, (f"same weights: InceptionA min ref={r.min():.3f} mod={m.min():.3f}; caller GoogLeNetMini logits "
                   f"ref={fmt(gr[0])} mod={fmt(gm[0])}")


@check("inception", "conv_mults")
def _(mod, ref):
    r, m = ref.conv_mults(28, 28, 192, 32, 5), mod.conv_mults(28, 28, 192, 32, 5)
    big_r, big_m = ref.conv_mults(10**6, 10**6, 3001, 4001, 7), mod.conv_mults(10**6, 10**6, 3001, 4001, 7)
    wrong = type(r) is int and type(m) is not int
    return wrong, f"lecture example: ref={r!r} mod={m!r}; huge sizes exact: mod={int(big_m) == big_r}"


# ---------------------------------------------------------------------------------------- resnet
def _copy_into(target: nn.Module, source: nn.Module) -> None:
    """Load source's state into target, mapping `shortcut.0.` (Sequential) onto a bare `shortcut.` conv."""
    src = source.state_dict()
    new = {}
    for name in target.state_dict():
        key = name if name in src else name.replace("shortcut.", "shortcut.0.")
        new[name] = src[key]
    target.load_state_dict(new)


@check("resnet", "BasicBlock")
def _(mod, ref):
    torch.manual_seed(0)
    rb = ref.BasicBlock(8, 16, stride=2)
    mb = mod.BasicBlock(8, 16, stride=2)
    _copy_into(mb, rb)
    x = torch.randn(4, 8, 8, 8)
    r, m = rb(x), mb(x)
    torch.manual_seed(0)
    rn = ref.SmallResNet()
    mn = mod.SmallResNet()
    _copy_into(mn, rn)
    xi = torch.randn(4, 1, 8, 8)
    nr, nm = rn(xi), mn(xi)
    wrong = r.shape == m.shape and not torch.allclose(r, m) and not torch.allclose(nr, nm)
    return wrong, (f"same conv weights, stride 2, 8->16: block max|diff|={(r - m).abs().max():.3f}; caller "
                   f"SmallResNet logits ref={fmt(nr[0])} mod={fmt(nm[0])}")


@check("resnet", "batch_norm")
def _(mod, ref):
    torch.manual_seed(0)
    x = torch.randn(8, 3, 4, 4) * 2 + 1
    gamma, beta = torch.ones(3), torch.zeros(3)
    out = {}
    for tag, m in (("ref", ref), ("mod", mod)):
        rm, rv = torch.zeros(3), torch.ones(3)
        y = m.batch_norm(x, gamma, beta, rm, rv, True)
        out[tag] = (y, rm.clone(), rv.clone())
    tm, tv = torch.zeros(3), torch.ones(3)
    F.batch_norm(x, tm, tv, gamma, beta, True, 0.1, 1e-5)
    wrong = torch.allclose(out["ref"][1], tm) and not torch.allclose(out["mod"][1], tm)
    return wrong, (f"y equal={torch.allclose(out['ref'][0], out['mod'][0])}; running_mean after a training call "
                   f"torch={fmt(tm)} ref={fmt(out['ref'][1])} mod={fmt(out['mod'][1])}")


@check("resnet", "ResidualBlock")
def _(mod, ref):
    torch.manual_seed(0)
    rb = ref.ResidualBlock(4)
    mb = mod.ResidualBlock(4)
    mb.load_state_dict(rb.state_dict())
    x = torch.randn(2, 4, 5, 5)
    r, m = rb(x), mb(x)
    formula = F.relu(x + rb.conv2(F.relu(rb.conv1(x))))
    wrong = torch.allclose(r, formula) and not torch.allclose(m, formula)
    return wrong, f"same weights: min output ref={r.min():.3f} mod={m.min():.3f}; max|diff|={(r - m).abs().max():.3f}"


# ---------------------------------------------------------------------------------------- rnn
@check("rnn", "rnn_cell")
def _(mod, ref):
    torch.manual_seed(0)
    rnn = nn.RNN(3, 5, num_layers=2)
    params = [tuple(p.detach() for p in layer) for layer in rnn.all_weights]
    x, h0 = torch.randn(4, 2, 3), torch.randn(2, 2, 5)
    with torch.no_grad():
        t_out, t_hn = rnn(x, h0)
    h = h0[0].clone()
    h_before = h.clone()
    mod.rnn_cell(x[0], h, *params[0])
    cell_mutates = not torch.equal(h, h_before)
    r_out, _ = ref.rnn_forward(x, h0.clone(), params)
    h0m = h0.clone()
    m_out, _ = mod.rnn_forward(x, h0m, params)
    wrong = torch.allclose(r_out, t_out, atol=1e-5) and cell_mutates and not torch.allclose(m_out, t_out, atol=1e-5)
    return wrong, (f"rnn_cell overwrites h: {cell_mutates}; caller rnn_forward output[0,0] torch={fmt(t_out[0, 0])} "
                   f"mod={fmt(m_out[0, 0])}; h0 changed by mod: {not torch.equal(h0m, h0)}")


@check("rnn", "HelloRNN")
def _(mod, ref):
    device = "cuda" if torch.cuda.is_available() else "meta"   # meta: a device that is not the CPU
    idx = torch.tensor([1, 0, 2, 2, 3]).unsqueeze(1)
    torch.manual_seed(0)
    rm = ref.HelloRNN(4, 8)
    mm = mod.HelloRNN(4, 8)
    mm.load_state_dict(rm.state_dict())
    cpu_equal = torch.allclose(rm(idx), mm(idx))
    r = rm.to(device)(idx.to(device))
    m, err = attempt(lambda: mm.to(device)(idx.to(device)))
    wrong = r.device.type == device and (err is not None or m.device.type != device)
    return wrong, f"CPU equal={cpu_equal}; on {device}: ref -> {r.device.type} {tuple(r.shape)}, mod -> {err or m.device}"


def main() -> None:
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    refs = {}
    ok = 0
    for label in labels:
        topic, name = label["topic"], label["file"]
        if topic not in refs:
            refs[topic] = load(SOL / f"{topic}.py", f"ref_{topic}")
        mod = load(HERE / name, name[:-3])
        fn = CHECKS[(topic, label["exercise"])]
        try:
            wrong, evidence = fn(mod, refs[topic])
        except Exception as error:  # a check that itself fails proves nothing
            wrong, evidence = False, f"check raised {type(error).__name__}: {error}"
        if wrong:
            ok += 1
            print(f"OK {name} [{topic}.{label['exercise']}] {evidence}")
        else:
            print(f"NOT WRONG {name} [{topic}.{label['exercise']}] {evidence}")
    print(f"{ok}/{len(labels)} OK")
    sys.exit(0 if ok == len(labels) else 1)


if __name__ == "__main__":
    main()
