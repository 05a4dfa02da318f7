"""Re-checks all 30 mistakes in plain torch: for each case a probe runs on the reference module
(solutions/<topic>.py) and on the mutated module; a docstring-derived property (torch's own function
as the oracle) must hold for the reference and fail for the mutant. One line per case."""
from __future__ import annotations

import importlib.util, json, math, pathlib, sys, traceback

import torch
import torch.nn.functional as F
from torch import nn

HERE = pathlib.Path(__file__).resolve().parent
SOL = pathlib.Path("/work/main/solutions")
torch.set_num_threads(1)


def load(path: pathlib.Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def close(a, b, rtol=1e-5, atol=1e-6):
    return isinstance(a, torch.Tensor) and a.shape == b.shape and a.dtype == b.dtype and \
        torch.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False)


CASES = {}
def case(n):
    def deco(fn):
        CASES[n] = fn
        return fn
    return deco

# Each case(M) returns (ok: bool, observation: str) for module M.

@case(1)
def _(M):
    x, y = torch.arange(3.), torch.ones(3)
    z = torch.zeros(3); ptr = z.data_ptr()
    r = M.add_into(z, x, y)
    return (torch.equal(z, x + y) and r is z and z.data_ptr() == ptr), f"caller's z after add_into = {z.tolist()}"

@case(2)
def _(M):
    labels = torch.tensor([0, 2, 1])
    out = M.one_hot(labels, 3)
    return (out.dtype == torch.float32 and torch.equal(out, F.one_hot(labels, 3).float())), f"dtype {out.dtype}"

@case(3)
def _(M):
    x = torch.tensor([[1., 2., 3.], [4., 4., 2.], [1., 1., 8.]])
    out = M.row_normalize(x)
    return close(out, x / x.sum(1, keepdim=True)), f"row sums {out.sum(1).tolist()}"

@case(4)
def _(M):
    y_hat = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]); y = torch.tensor([1, 0, 0])
    acc = M.accuracy(y_hat, y)
    return (isinstance(acc, float) and abs(acc - 2 / 3) < 1e-6), f"accuracy {acc:.4f} (true 0.6667)"

@case(5)
def _(M):
    g = torch.Generator().manual_seed(0)
    x = 1e5 + torch.rand(100, generator=g, dtype=torch.float64) * 1e3
    w = torch.tensor(1.5, dtype=torch.float64)
    y = w * x + 1e-6 * torch.randn(100, generator=g, dtype=torch.float64)
    ww = w.clone().requires_grad_(True); ((ww * x - y) ** 2).mean().backward()
    got = M.linear_grad(w, x, y)
    return torch.allclose(got, ww.grad, rtol=1e-7, atol=0), f"grad {got.item():.6e} vs autograd {ww.grad.item():.6e}"

@case(6)
def _(M):
    x = torch.tensor([1., -2., 3.], dtype=torch.float64)
    f = lambda t: t ** 2
    g1 = M.grad_of_vector_fn(f, x).clone(); g2 = M.grad_of_vector_fn(f, x).clone()
    ok = torch.equal(g1, 2 * x.detach()) and torch.equal(g2, 2 * x.detach()) and not x.requires_grad and x.grad is None
    return ok, f"2nd call {g2.tolist()} (true {(2 * x.detach()).tolist()}), x.requires_grad={x.requires_grad}"

@case(7)
def _(M):
    a = M.Value(3.0); b = a * a + a; b.backward()
    return abs(a.grad - 7.0) < 1e-12, f"d(a*a+a)/da at 3 = {a.grad} (true 7)"

@case(8)
def _(M):
    logits = torch.tensor([[1000., 999.], [-1000., -999.]]); t = torch.tensor([0, 1])
    ce = M.cross_entropy(logits, t); ls = M.log_softmax(logits, dim=1)
    ok = close(ce, F.cross_entropy(logits, t)) and close(ls, F.log_softmax(logits, 1))
    return ok, f"cross_entropy {ce.item()} vs torch {F.cross_entropy(logits, t).item():.6f}"

@case(9)
def _(M):
    z = torch.tensor([-1000., 1000., 0.5]); y = torch.tensor([0., 1., 1.])
    got = M.bce_with_logits(z, y); ref = F.binary_cross_entropy_with_logits(z, y)
    return close(got, ref), f"loss {got.item()} vs torch {ref.item():.6f}"

@case(10)
def _(M):
    p = torch.tensor([1e-9, 0.5, 1.0]); y = torch.tensor([1., 0., 0.])
    got = M.bce(p, y); ref = F.binary_cross_entropy(p, y)
    return close(got, ref), f"loss {got.item():.4f} vs torch {ref.item():.4f}"

@case(11)
def _(M):
    p = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    got = M.entropy(p); ref = torch.special.entr(p).sum(-1)
    return close(got, ref), f"entropy {got.tolist()} vs {ref.tolist()}"

def _train(opt_cls, p0, steps, loss_fn, **kw):
    p = p0.clone().requires_grad_(True); opt = opt_cls([p], **kw)
    for _ in range(steps):
        opt.zero_grad(); loss_fn(p).backward(); opt.step()
    return p.detach()

@case(12)
def _(M):
    p0 = torch.tensor([1., -2., 3.]); lf = lambda p: (p ** 2).sum()
    kw = dict(lr=0.1, momentum=0.9)
    got = _train(M.SGD, p0, 3, lf, **kw); ref = _train(torch.optim.SGD, p0, 3, lf, **kw)
    return close(got, ref, 1e-4, 1e-6), f"after 3 steps {got.tolist()} vs torch.optim.SGD {ref.tolist()}"

@case(13)
def _(M):
    p0 = torch.tensor([1., -2., 3.]); lf = lambda p: 1e-5 * (p ** 2).sum()
    got = _train(M.Adam, p0, 10, lf, lr=1e-3); ref = _train(torch.optim.Adam, p0, 10, lf, lr=1e-3)
    return close(got, ref, 1e-4, 1e-6), f"moved {(got - p0).abs().max().item():.2e} vs torch.optim.Adam {(ref - p0).abs().max().item():.2e}"

@case(14)
def _(M):
    x = torch.arange(1., 6.); y = 2 * x
    w, losses = M.gd_fit(x, y, 0.01, 3)
    wr, expect = 1.0, []
    for _ in range(3):
        expect.append(float(((wr * x - y) ** 2).mean())); wr -= 0.01 * float((2 * x * (wr * x - y)).mean())
    return all(math.isclose(a, b, rel_tol=1e-6) for a, b in zip(losses, expect)), f"losses {losses[0]:.3f}.. vs MSE {expect[0]:.3f}.."

@case(15)
def _(M):
    got = M.k_fold_indices(10, 3); ref = list(torch.arange(10).tensor_split(3))
    return len(got) == 3 and all(torch.equal(a, b) for a, b in zip(got, ref)), f"first fold {got[0].tolist()}"

@case(16)
def _(M):
    x = torch.tensor([-1.0, -0.2, 0.3, 2.0], dtype=torch.float64, requires_grad=True)
    try:
        h = M.hard_sigmoid_from_relus(x); h.sum().backward()
    except Exception as e:  # noqa: BLE001
        return False, f"hard_sigmoid_from_relus on a grad tensor raises {type(e).__name__}"
    ref = (F.relu(x + 0.5) - F.relu(x - 0.5)).detach()
    return close(h.detach(), ref) and x.grad is not None, "ok"

@case(17)
def _(M):
    torch.manual_seed(0); x = torch.ones(200_000)
    out = M.dropout(x, 0.2, True)
    frac = (out == 0).float().mean().item(); kept = out[out != 0]
    return abs(frac - 0.2) < 0.01 and torch.allclose(kept, torch.full_like(kept, 1 / 0.8)), f"zeroed fraction {frac:.3f} at p=0.2"

@case(18)
def _(M):
    torch.manual_seed(0); model = M.MLP([4, 5, 3]); x = torch.randn(2, 4)
    lin = [m for m in model.modules() if isinstance(m, nn.Linear)]
    ref = lin[1](torch.relu(lin[0](x)))
    out = model(x)
    return close(out, ref), f"row sums {out.sum(1).tolist()} (logits expected)"

@case(19)
def _(M):
    def fresh():
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Dropout(0.5), nn.Linear(8, 2))
    g = torch.Generator().manual_seed(1)
    x = torch.randn(16, 4, generator=g); y = torch.randint(0, 2, (16,), generator=g)
    model = fresh().train()                      # handed over in train mode, as after train_epoch
    before = model[1].running_mean.clone()
    acc = M.evaluate(model, [(x, y)], "cpu")
    stats_kept = torch.equal(model[1].running_mean, before)
    with torch.no_grad():
        true_acc = (fresh().eval()(x).argmax(1) == y).float().mean().item()
    return stats_kept and abs(acc - true_acc) < 1e-12, \
        f"accuracy {acc:.4f} vs eval-mode {true_acc:.4f}; BatchNorm running_mean moved: {not stats_kept}"

@case(20)
def _(M):
    torch.manual_seed(0)
    s = M.conv_output_size(6, 3, 0, 2)
    x = torch.randn(1, 2, 6, 6); w = torch.randn(3, 2, 3, 3); b = torch.randn(3)
    try:
        out = M.conv2d(x, w, b, 2, 0); conv_ok = close(out, F.conv2d(x, w, b, 2, 0), 1e-5, 1e-5)
    except Exception as e:  # noqa: BLE001
        conv_ok = False; s = f"{s!r}; conv2d raises {type(e).__name__}"
    return (conv_ok and isinstance(M.conv_output_size(6, 3, 0, 2), int) and M.conv_output_size(6, 3, 0, 2) == 2), f"conv_output_size(6,3,0,2) = {s}"

@case(21)
def _(M):
    torch.manual_seed(0); x = torch.randn(2, 4, 6, 6)
    out = M.max_pool2d(x, 2, None)
    return close(out, F.max_pool2d(x, 2)), f"shape {tuple(out.shape)} vs {tuple(F.max_pool2d(x, 2).shape)}"

@case(22)
def _(M):
    torch.manual_seed(0); out = M.SimpleCNN(10, 1)(torch.randn(1, 1, 8, 8))
    return tuple(out.shape) == (1, 10), f"batch-1 output shape {tuple(out.shape)}"

@case(23)
def _(M):
    torch.manual_seed(0)
    try:
        s1 = tuple(M.InceptionA(3)(torch.randn(2, 3, 8, 8)).shape)
        s2 = tuple(M.GoogLeNetMini(1, 10, 8)(torch.zeros(2, 1, 8, 8)).shape)
    except Exception as e:  # noqa: BLE001
        return False, f"InceptionA/GoogLeNetMini raise {type(e).__name__}"
    return s1 == (2, 88, 8, 8) and s2 == (2, 10), f"{s1} {s2}"

@case(24)
def _(M):
    a = M.conv_mults(28, 28, 192, 32, 5); big = M.conv_mults(10**5, 10**5, 10**4, 10**4, 7)
    exact = 7 * 7 * 10**4 * 10**4 * 10**5 * 10**5
    return (type(a) is int and a == 120_422_400 and big == exact), f"type {type(a).__name__}; big case {big} vs {exact}"

@case(25)
def _(M):
    torch.manual_seed(0)
    try:
        out = M.GoogLeNetMini(1, 10, 8)(torch.zeros(2, 1, 8, 8))
    except Exception as e:  # noqa: BLE001
        return False, f"GoogLeNetMini(input_size=8) forward raises {type(e).__name__}"
    return tuple(out.shape) == (2, 10), f"shape {tuple(out.shape)}"

@case(26)
def _(M):
    torch.manual_seed(0); x = torch.randn(4, 3, 5, 5) * 2 + 1
    g, b = torch.randn(3), torch.randn(3)
    rm, rv = torch.zeros(3), torch.ones(3); rm2, rv2 = rm.clone(), rv.clone()
    y = M.batch_norm(x, g, b, rm, rv, True, 0.1, 1e-5)
    y2 = F.batch_norm(x, rm2, rv2, g, b, True, 0.1, 1e-5)
    return close(y, y2, 1e-5, 1e-5) and close(rm, rm2) and close(rv, rv2), f"running_mean {rm.tolist()} vs {rm2.tolist()}"

@case(27)
def _(M):
    torch.manual_seed(0)
    try:
        s = tuple(M.SmallResNet(1, 10)(torch.randn(2, 1, 8, 8)).shape)
    except Exception as e:  # noqa: BLE001
        return False, f"SmallResNet forward raises {type(e).__name__}"
    return s == (2, 10), f"shape {s}"

@case(28)
def _(M):
    torch.manual_seed(0); rnn = nn.RNN(3, 4, num_layers=2)
    x = torch.randn(5, 2, 3); h0 = torch.randn(2, 2, 4)
    with torch.no_grad():
        ref_out, ref_h = rnn(x, h0)
        try:
            out, h = M.rnn_forward(x, h0, rnn.all_weights)
        except Exception as e:  # noqa: BLE001
            return False, f"rnn_forward raises {type(e).__name__}"
    return close(out, ref_out, 1e-5, 1e-5) and close(h, ref_h, 1e-5, 1e-5), "values"

@case(29)
def _(M):
    torch.manual_seed(0); model = M.HelloRNN(4, 8, None)
    idx = torch.tensor([[1], [0], [2], [2], [3]])
    dev = "cuda" if torch.cuda.is_available() else None
    try:
        if dev:  # the real check: model and data on the GPU
            out = model.to(dev)(idx.to(dev)); return out.device.type == "cuda", f"output on {out.device}"
        # CPU-only proof: make the default device differ from the data's device (meta); code that
        # creates tensors on the default device instead of idx's device leaves the CPU
        torch.set_default_device("meta")
        try:
            out = model(idx)
        finally:
            torch.set_default_device("cpu")
    except Exception as e:  # noqa: BLE001
        return False, f"forward with data off the default device raises {type(e).__name__}"
    return out.device == idx.device and tuple(out.shape) == (5, 1, 4), f"output on {out.device}"

@case(30)
def _(M):
    torch.manual_seed(0); cell = nn.GRUCell(3, 4); x = torch.randn(2, 3); h = torch.randn(2, 4)
    with torch.no_grad():
        got = M.gru_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh); ref = cell(x, h)
    return close(got, ref, 1e-5, 1e-5), f"max |diff| {(got - ref).abs().max().item():.3e} vs nn.GRUCell"


def run(n, M):
    try:
        return CASES[n](M)
    except Exception as e:  # noqa: BLE001
        return False, f"raises {type(e).__name__}: {str(e).splitlines()[0][:90]}"


def main():
    labels = json.loads((HERE / "labels.json").read_text())
    refs, good = {}, 0
    for i, lab in enumerate(labels, 1):
        topic = lab["topic"]
        ref = refs.setdefault(topic, load(SOL / f"{topic}.py", f"ref_{topic}"))
        try:
            mut = load(HERE / lab["file"], f"mut_{i:02d}")
        except Exception as e:  # noqa: BLE001
            print(f"{i:02d} {lab['file']}: {lab['exercise']:<18} IMPORT FAILS {e}"); continue
        ref_ok, ref_obs = run(i, ref)
        mut_ok, mut_obs = run(i, mut)
        verdict = "PROVEN" if ref_ok and not mut_ok else ("REF FAILS" if not ref_ok else "NOT PROVEN")
        good += verdict == "PROVEN"
        print(f"{i:02d} {lab['file']}: {lab['exercise']:<18} {verdict:<10} mutant: {mut_obs}" + ("" if ref_ok else f" | ref: {ref_obs}"))
    print(f"{good}/{len(labels)} proven (reference passes, mutant fails, every module imports)")
    return 0 if good == len(labels) else 1


if __name__ == "__main__":
    sys.exit(main())
