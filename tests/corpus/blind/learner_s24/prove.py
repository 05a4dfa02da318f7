"""Re-check all 30 labelled mistakes: each check runs on the reference (solutions/<topic>.py), which must
PASS, and on the learner file, which must FAIL, on an input its exercise's docstring allows.
Plain torch only (no grader, no tests). Run: /work/main/.venv/bin/python /work/set113/prove.py"""
import importlib.util, json, pathlib, sys, warnings

import torch
import torch.nn.functional as F
from torch import nn

warnings.filterwarnings("ignore")
torch.set_num_threads(2)
HERE = pathlib.Path(__file__).resolve().parent
SOL = pathlib.Path(__file__).resolve().parents[4] / "solutions"  # the checkout's reference


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def close(a, b, rtol=1e-5, atol=1e-6):
    return isinstance(a, torch.Tensor) and a.shape == b.shape and a.dtype == b.dtype and torch.allclose(a, b, rtol=rtol, atol=atol)


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


CHECKS = {}
def check(nn_):
    def deco(f):
        CHECKS[nn_] = f
        return f
    return deco


@check(1)
def _(m):
    g = gen(); x, y = torch.randn(4, generator=g), torch.randn(4, generator=g)
    z = torch.zeros(4); ptr = z.data_ptr()
    out = m.add_into(z, x, y)
    return out is z and z.data_ptr() == ptr and torch.equal(z, x + y), f"caller's z after call = {z.tolist()}"

@check(2)
def _(m):
    labels = torch.tensor([0, 2, 1, 2])
    out = m.one_hot(labels, 3)
    ok = isinstance(out, torch.Tensor) and close(out, F.one_hot(labels, 3).float())
    return ok, f"returned {type(out).__module__}.{type(out).__name__} dtype {out.dtype}"

@check(3)
def _(m):
    nan = float("nan")
    x = torch.tensor([[1.0, nan], [3.0, 4.0], [5.0, nan]])
    exp = torch.tensor([[1.0, 4.0], [3.0, 4.0], [5.0, 4.0]])
    out = m.fill_nan_with_column_mean(x)
    return close(out, exp), f"NaNs filled with {out[:, 1].tolist()} (column mean is 4.0)"

@check(4)
def _(m):
    y = torch.tensor([0, 2, 1])
    a_labels = m.accuracy(y.clone(), y)
    a_scores = m.accuracy(F.one_hot(y, 3).float(), y)
    return a_labels == 1.0 and a_scores == 1.0, f"accuracy(labels == y) = {a_labels} (expected 1.0)"

@check(5)
def _(m):
    x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    exp = 3 * x.detach() ** 2
    g1 = m.grad_of_vector_fn(lambda t: t ** 3, x).clone()
    g2 = m.grad_of_vector_fn(lambda t: t ** 3, x).clone()
    ok = torch.allclose(g1, exp) and torch.allclose(g2, exp) and not x.requires_grad and x.grad is None
    return ok, f"2nd call / true = {(g2 / exp).tolist()}, x.requires_grad={x.requires_grad}"

@check(6)
def _(m):
    x = torch.tensor([0.3, 1.7], dtype=torch.float64)
    out = m.numerical_grad(lambda t: (t ** 3).sum(), x)
    return out.dtype == torch.float64 and torch.allclose(out, 3 * x ** 2, rtol=1e-7, atol=0), f"dtype {out.dtype} for float64 x"

@check(7)
def _(m):
    a = m.Value(3.0); b = a * a + a; b.backward()
    t = torch.tensor(3.0, dtype=torch.float64, requires_grad=True); (t * t + t).backward()
    return abs(a.grad - t.grad.item()) < 1e-12, f"d(a*a + a)/da at 3: {a.grad} (torch {t.grad.item()})"

@check(8)
def _(m):
    logits = torch.tensor([[1000.0, 0.0, -1000.0], [0.5, -0.2, 0.1]]); target = torch.tensor([0, 2])
    out, exp = m.cross_entropy(logits, target), F.cross_entropy(logits, target)
    ls = m.log_softmax(logits, dim=1)
    return close(out, exp, atol=8 * torch.finfo(torch.float32).eps * 1000) and bool(torch.isfinite(ls).all()), \
        f"cross_entropy = {out.item()} (torch {exp.item():.4g}); log_softmax row 0 = {ls[0].tolist()}"

@check(9)
def _(m):
    z = torch.tensor([1000.0, -1000.0, 3.0]); y = torch.tensor([1.0, 0.0, 0.0])
    out, exp = m.bce_with_logits(z, y), F.binary_cross_entropy_with_logits(z, y)
    return close(out, exp, atol=8 * torch.finfo(torch.float32).eps * 1000), f"bce_with_logits = {out.item()} (torch {exp.item():.4g})"

@check(10)
def _(m):
    y_hat = torch.tensor([0.5, -1.5, 3.0, 0.1]); y = torch.zeros(4)
    out, exp = m.huber(y_hat, y, delta=2.0), F.huber_loss(y_hat, y, delta=2.0)
    return close(out, exp), f"delta=2: {out.item():.4g} (torch {exp.item():.4g})"

@check(11)
def _(m):
    g = gen(1); p = torch.rand(3, 4, generator=g).softmax(-1); q = torch.rand(3, 4, generator=g).softmax(-1)
    out = m.kl_div(p, q); exp = (p * (p / q).log()).sum(-1)
    return close(out, exp), f"shape {tuple(out.shape)} (expected {tuple(exp.shape)})"

def _sgd_run(opt_cls, steps=5, **kw):
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64))
    opt = opt_cls([p], **kw)
    for _ in range(steps):
        opt.zero_grad(); ((p - 0.3) ** 2).sum().backward(); opt.step()
    return p.detach()

@check(12)
def _(m):
    mine, ref = _sgd_run(m.SGD, lr=0.1, momentum=0.9), _sgd_run(torch.optim.SGD, lr=0.1, momentum=0.9)
    return torch.allclose(mine, ref, rtol=1e-10, atol=1e-10), f"params after 5 steps {mine.tolist()} vs torch {[round(v, 4) for v in ref.tolist()]}"

def _adam_run(opt_cls, steps=50):
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64))
    opt = opt_cls([p])
    for _ in range(steps):
        opt.zero_grad(); p.grad = 1e-6 * torch.cos(p.detach()); opt.step()
    return p.detach()

@check(13)
def _(m):
    mine, ref = _adam_run(m.Adam), _adam_run(torch.optim.Adam)
    d = (mine - ref).abs().max().item()
    return torch.allclose(mine, ref, rtol=1e-10, atol=1e-10), f"float64, defaults, 50 steps, grads ~1e-6: max |diff| vs torch.optim.Adam = {d:.2e} (tol 1e-10)"

@check(14)
def _(m):
    out = m.k_fold_indices(10, 3); exp = list(torch.arange(10).tensor_split(3))
    return len(out) == 3 and all(torch.equal(a, b) for a, b in zip(out, exp)), f"folds {[f.tolist() for f in out]}"

@check(15)
def _(m):
    x = torch.tensor([1.0, 2.0, 3.0]); y = 2 * x
    w, losses = m.gd_fit(x, y, 0.05, 3)
    exp, wv = [], 1.0
    for _ in range(3):
        exp.append(float(((wv * x - y) ** 2).mean())); wv -= 0.05 * float((2 * x * (wv * x - y)).mean())
    _, sl = m.sgd_fit(x, y, 0.01, 1, generator=gen(0))
    ok = all(abs(a - b) <= 1e-5 * abs(b) for a, b in zip(losses, exp)) and abs(w - wv) < 1e-6
    return ok, f"gd_fit losses {[round(v, 4) for v in losses]} vs MSE {[round(v, 4) for v in exp]} (sgd_fit also: {[round(v, 4) for v in sl]})"

@check(16)
def _(m):
    x = torch.tensor([-1.0, -0.2, 0.3, 2.0], dtype=torch.float64, requires_grad=True)
    try:
        out = m.hard_sigmoid_from_relus(x)
        out.sum().backward()
    except Exception as e:  # noqa: BLE001
        return False, f"hard_sigmoid_from_relus(x requiring grad) raises {type(e).__name__}: {str(e)[:60]}"
    return torch.allclose(x.grad, torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64)), "grad ok"

@check(17)
def _(m):
    torch.manual_seed(0); model = m.MLP([4, 8, 3])
    x = torch.randn(5, 4, generator=gen(2))
    lins = [mod for mod in model.modules() if isinstance(mod, nn.Linear)]
    exp = lins[1](torch.relu(lins[0](x)))
    out = model(x)
    return close(out, exp), f"row sums of output {[round(v, 4) for v in out.sum(1).tolist()]} (logits expected)"

@check(18)
def _(m):
    torch.manual_seed(0)
    out = m.dropout(torch.ones(100_000), 0.2)
    frac = (out == 0).float().mean().item(); kept = out[out != 0].unique().tolist()
    z = m.dropout(torch.ones(10), 1.0)
    ok = abs(frac - 0.2) < 0.01 and len(kept) == 1 and abs(kept[0] - 1.25) < 1e-6 and bool((z == 0).all())
    return ok, f"p=0.2: zeroed fraction {frac:.3f}, survivors scaled to {kept}; p=1 all zeros: {bool((z == 0).all())}"

@check(19)
def _(m):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.9))
    g = gen(3); data = [(torch.randn(50, 4, generator=g), torch.randint(0, 3, (50,), generator=g)) for _ in range(4)]
    model.eval()
    with torch.no_grad():
        true_acc = sum(int((model(x).argmax(1) == y).sum()) for x, y in data) / 200
    model.train(); torch.manual_seed(1)
    acc = m.evaluate(model, data, "cpu")
    return acc == true_acc and not model.training, f"accuracy {acc} vs eval-mode {true_acc}; model.training after call = {model.training}"

@check(20)
def _(m):
    size = m.conv_output_size(5, 2, 0, 2)
    x = torch.randn(1, 2, 5, 5, generator=gen(4)); w = torch.randn(3, 2, 2, 2, generator=gen(5))
    try:
        out = m.conv2d(x, w, None, 2, 0)
    except Exception as e:  # noqa: BLE001
        return False, f"conv_output_size(5, 2, 0, 2) = {size!r}; conv2d(stride=2) raises {type(e).__name__}"
    return close(out, F.conv2d(x, w, None, 2, 0), atol=1e-5) and size == 2 and type(size) is int, f"size {size!r}"

@check(21)
def _(m):
    x = torch.randn(2, 3, 6, 6, generator=gen(6))
    out = m.max_pool2d(x, 2)
    return close(out, F.max_pool2d(x, 2)), f"returned {type(out).__module__}.{type(out).__name__}"

@check(22)
def _(m):
    x = torch.randn(4, 5, generator=gen(7)); k = torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    out = m.corr2d(x, k); exp = F.conv2d(x[None, None], k[None, None])[0, 0]
    return close(out, exp, atol=1e-5), f"max |diff| vs F.conv2d = {(out - exp).abs().max().item():.3f}"

@check(23)
def _(m):
    try:
        y = m.InceptionA(3)(torch.randn(2, 3, 8, 8))
        net = m.GoogLeNetMini(1, 10, 8); z = net(torch.randn(2, 1, 8, 8))
    except Exception as e:  # noqa: BLE001
        return False, f"InceptionA forward / GoogLeNetMini(1, 10, 8) raise {type(e).__name__}: {str(e)[:50]}"
    return tuple(y.shape) == (2, 88, 8, 8) and tuple(z.shape) == (2, 10), f"shapes {tuple(y.shape)}, {tuple(z.shape)}"

@check(24)
def _(m):
    a, b = m.conv_mults(28, 28, 192, 32, 5), m.conv_mults(28, 28, 192, 16, 1) + m.conv_mults(28, 28, 16, 32, 5)
    return a == 120_422_400 and b == 12_443_648, f"5x5 192->32 on 28x28: {a:,} (lecture 120,422,400); bottleneck {b:,} (12,443,648)"

@check(25)
def _(m):
    x = torch.randn(4, 3, 2, 2, generator=gen(8)) * 2 + 1
    gamma, beta = torch.ones(3), torch.zeros(3)
    rm, rv, rm2, rv2 = torch.zeros(3), torch.ones(3), torch.zeros(3), torch.ones(3)
    y = m.batch_norm(x, gamma, beta, rm, rv, True, 0.1, 1e-5)
    exp = F.batch_norm(x, rm2, rv2, gamma, beta, True, 0.1, 1e-5)
    return close(y, exp) and close(rm, rm2) and close(rv, rv2), f"running_mean {[round(v, 3) for v in rm.tolist()]} vs torch {[round(v, 3) for v in rm2.tolist()]}"

@check(26)
def _(m):
    try:
        y = m.BasicBlock(16, 32, 2)(torch.randn(2, 16, 8, 8))
        z = m.SmallResNet(1, 10)(torch.randn(2, 1, 8, 8))
    except Exception as e:  # noqa: BLE001
        return False, f"BasicBlock(16, 32, 2) / SmallResNet forward raise {type(e).__name__}: {str(e)[:60]}"
    return tuple(y.shape) == (2, 32, 4, 4) and tuple(z.shape) == (2, 10), "shapes ok"

@check(27)
def _(m):
    torch.manual_seed(0); blk = m.ResidualBlock(3)
    convs = [mod for mod in blk.modules() if isinstance(mod, nn.Conv2d)]
    x = torch.randn(2, 3, 5, 5, generator=gen(9))
    exp = F.relu(x + convs[1](F.relu(convs[0](x))))
    out = blk(x)
    return close(out, exp), f"min of output {out.min().item():.3f} (relu output must be >= 0)"

@check(28)
def _(m):
    torch.manual_seed(0); rnn = nn.RNN(3, 5, num_layers=2)
    x = torch.randn(4, 2, 3, generator=gen(10)); h0 = torch.randn(2, 2, 5, generator=gen(11))
    exp_out, exp_h = rnn(x, h0)
    try:
        out, h = m.rnn_forward(x, h0, [tuple(w.detach() for w in ws) for ws in rnn.all_weights])
    except Exception as e:  # noqa: BLE001
        return False, f"rnn_forward(input 3, hidden 5) raises {type(e).__name__}: {str(e)[:50]}"
    cell = nn.RNNCell(4, 4); xs, hs = torch.randn(2, 4, generator=gen(12)), torch.randn(2, 4, generator=gen(13))
    c = m.rnn_cell(xs, hs, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    return close(out, exp_out, atol=1e-5) and close(h, exp_h, atol=1e-5) and close(c, cell(xs, hs), atol=1e-5), "ok"

@check(29)
def _(m):
    torch.manual_seed(0); model = m.HelloRNN(4, 8)
    idx = torch.tensor([1, 0, 2, 2, 3]).unsqueeze(1)          # encode_chars("hello", "ehlo")
    target = torch.tensor([3, 1, 2, 3, 2])                     # "ohlol"
    seq = nn.RNN(4, 8); seq.load_state_dict(model.rnn.state_dict())
    exp = model.out(seq(F.one_hot(idx, 4).float())[0])
    same = close(model(idx), exp)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    for _ in range(200):
        opt.zero_grad(); loss = F.cross_entropy(model(idx).reshape(-1, 4), target); loss.backward(); opt.step()
    pred = "".join("ehlo"[i] for i in model(idx).argmax(-1).reshape(-1).tolist())
    return same and pred == "ohlol", f"output equals a seq-first RNN with its weights: {same}; after 200 Adam steps predicts {pred!r}"

@check(30)
def _(m):
    torch.manual_seed(0); cell = nn.GRUCell(3, 4)
    x, h = torch.randn(2, 3, generator=gen(14)), torch.randn(2, 4, generator=gen(15))
    out = m.gru_cell(x, h, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    exp = cell(x, h)
    return close(out, exp, atol=1e-5), f"max |diff| vs nn.GRUCell = {(out - exp).abs().max().item():.3f}"


def run(f, mod):
    try:
        return f(mod)
    except Exception as e:  # noqa: BLE001
        return False, f"raises {type(e).__name__}: {str(e)[:70]}"


def main():
    labels = json.loads((HERE / "labels.json").read_text())
    refs, bad = {}, 0
    for i, lab in enumerate(labels, 1):
        topic = lab["topic"]
        refs.setdefault(topic, load(SOL / f"{topic}.py", f"ref_{topic}"))
        mod = load(HERE / lab["file"], lab["file"][:-3])
        ref_ok, _ = run(CHECKS[i], refs[topic])
        mut_ok, detail = run(CHECKS[i], mod)
        good = ref_ok and not mut_ok
        bad += not good
        print(f"{'PROVED' if good else 'NOT PROVED'} {lab['file']} {lab['exercise']}: reference {'PASS' if ref_ok else 'FAIL'}, "
              f"learner {'PASS' if mut_ok else 'FAIL'} — {detail}")
    print(f"{len(labels) - bad}/{len(labels)} mistakes proved (reference passes, learner fails)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
