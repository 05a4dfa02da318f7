"""Show, in plain torch, that each b30_* file's edited exercise is wrong per its docstring.

For every file: import it and the reference solution by path, run the edited exercise (and, for a
callee case, its caller) on inputs the docstring allows, and print "OK <file> <evidence>" or
"NOT WRONG <file>".
"""
from __future__ import annotations

import gzip
import importlib.util
import json
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
SOL = Path(__file__).resolve().parents[4] / "solutions"
_count = 0


def load(path: Path):
    global _count
    _count += 1
    spec = importlib.util.spec_from_file_location(f"m{_count}_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def differ(a, b, rtol=1e-5, atol=1e-6) -> bool:
    if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
        return a != b
    if a.shape != b.shape or a.dtype != b.dtype:
        return True
    return not torch.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


def raises(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:70]}"
    return None


# ------------------------------------------------------------------ one check per file
def p01(M, R):  # pairwise_sq_dists transposed
    torch.manual_seed(0)
    a, b = torch.randn(3, 4), torch.randn(5, 4)
    r, m = R.pairwise_sq_dists(a, b), M.pairwise_sq_dists(a, b)
    same_on_self = not differ(R.pairwise_sq_dists(a, a), M.pairwise_sq_dists(a, a))
    return differ(r, m), f"(3,4)x(5,4): ref {tuple(r.shape)} mutant {tuple(m.shape)} (a vs a still equal: {same_on_self})"


def p02(M, R):  # norms reduce dim 0
    x = torch.tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
    r, m = R.norms(x), M.norms(x)
    return differ(r[0], m[0]) or differ(r[1], m[1]), f"2x3 matrix: ref L1 {r[0].item()} shape {tuple(r[0].shape)}, mutant {m[0].tolist()} shape {tuple(m[0].shape)}"


def p03(M, R):  # flatten_batch squeeze with N=1
    x = torch.randn(1, 1, 28, 28)
    r, m = R.flatten_batch(x), M.flatten_batch(x)
    return differ(r, m), f"(1,1,28,28): ref {tuple(r.shape)} mutant {tuple(m.shape)}"


def p04(M, R):  # detach_grad
    x = torch.tensor([1.0, 2.0, -3.0], dtype=torch.float64)
    r, m = R.detach_grad(x), M.detach_grad(x)
    return differ(r, m), f"x={x.tolist()}: ref {r.tolist()} (=x²) mutant {m.tolist()} (=3x²)"


def p05(M, R):  # Sigmoid backward ignores grad_output
    x = torch.tensor([-1.0, 0.5, 2.0], dtype=torch.float64)
    w = torch.tensor([3.0, -2.0, 0.5], dtype=torch.float64)
    grads = []
    for mod in (R, M):
        xx = x.clone().requires_grad_(True)
        (mod.Sigmoid.apply(xx) * w).sum().backward()
        grads.append(xx.grad)
    return differ(grads[0], grads[1], rtol=1e-7, atol=0), f"d/dx (σ(x)·w).sum(): ref {grads[0].numpy().round(4).tolist()} mutant {grads[1].numpy().round(4).tolist()}"


def p06(M, R):  # numerical_grad leaves x perturbed
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    f = lambda t: (t ** 3).sum()  # noqa: E731
    xr, xm = x.clone(), x.clone()
    R.numerical_grad(f, xr)
    M.numerical_grad(f, xm)
    return differ(xr, x, 0, 0) is False and differ(xm, x, 0, 0), f"x after call: ref unchanged {not differ(xr, x, 0, 0)}, mutant off by {(xm - x).tolist()}"


def p07(M, R):  # log_softmax global sum, callee of cross_entropy
    torch.manual_seed(0)
    x = torch.randn(4, 3)
    t = torch.tensor([0, 2, 1, 2])
    r, m = R.log_softmax(x, dim=-1), M.log_softmax(x, dim=-1)
    rc, mc = R.cross_entropy(x, t), M.cross_entropy(x, t)
    row = M.log_softmax(x[0]).exp().sum().item()
    return differ(r, m) and differ(rc, mc), (f"(4,3): rows of exp(mutant) sum to {m.exp().sum(-1).numpy().round(3).tolist()}; "
                                             f"caller cross_entropy ref {rc.item():.4f} mutant {mc.item():.4f} (1-D row still ok: {row:.4f})")


def p08(M, R):  # bce_with_logits log(1+u) in the float64 tail
    z = torch.tensor([40.0, -40.0, 41.0], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    r, m = R.bce_with_logits(z, y), M.bce_with_logits(z, y)
    ok = m.item() == 0.0 or abs(m.item() - r.item()) > 0.75 * abs(r.item())
    return ok, f"float64 logits ±40 on the label side: ref {r.item():.3e} mutant {m.item():.3e} (allowed rtol 0.75)"


def p09(M, R):  # mse Keras per-sample mean
    torch.manual_seed(0)
    yh, y = torch.randn(4, 3), torch.randn(4, 3)
    rn, mn = R.mse(yh, y, "none"), M.mse(yh, y, "none")
    rs, ms = R.mse(yh, y, "sum"), M.mse(yh, y, "sum")
    return differ(rn, mn) and differ(rs, ms), f"(4,3): 'none' ref {tuple(rn.shape)} mutant {tuple(mn.shape)}; 'sum' ref {rs.item():.4f} mutant {ms.item():.4f}"


def p10(M, R):  # kl_div over dim 0
    torch.manual_seed(0)
    p = torch.softmax(torch.randn(4, 3), -1)
    q = torch.softmax(torch.randn(4, 3), -1)
    r, m = R.kl_div(p, q), M.kl_div(p, q)
    return differ(r, m), f"p,q (4,3): ref shape {tuple(r.shape)} mutant shape {tuple(m.shape)}"


def p11(M, R):  # sgd_fit ignores the generator
    torch.manual_seed(0)
    x = torch.randn(20)
    y = 3 * x + 0.3 * torch.randn(20)
    wr, lr_ = R.sgd_fit(x, y, 0.05, 3, generator=torch.Generator().manual_seed(1))
    wm1, _ = M.sgd_fit(x, y, 0.05, 3, generator=torch.Generator().manual_seed(1))
    wm2, _ = M.sgd_fit(x, y, 0.05, 3, generator=torch.Generator().manual_seed(1))
    return wr != wm1, f"seed-1 generator: ref w {wr:.10f}, mutant w {wm1:.10f} then {wm2:.10f} on an identical call"


def p12(M, R):  # Adam default eps
    traj = []
    for opt_cls in (R.Adam, M.Adam, torch.optim.Adam):
        p = torch.zeros(3, requires_grad=True)
        opt = opt_cls([p], lr=1e-2)
        for _ in range(5):
            opt.zero_grad()
            (p * 1e-7).sum().backward()
            opt.step()
        traj.append(p.detach().clone())
    return differ(traj[2], traj[1], rtol=1e-4) and not differ(traj[2], traj[0], rtol=1e-4), \
        f"grad 1e-7, defaults, 5 steps: torch {traj[2][0].item():.6f} ref {traj[0][0].item():.6f} mutant {traj[1][0].item():.6f}"


def p13(M, R):  # SGD first-step buffer with dampening
    traj = []
    for opt_cls in (R.SGD, M.SGD, torch.optim.SGD):
        torch.manual_seed(0)
        p = torch.randn(4, requires_grad=True)
        opt = opt_cls([p], lr=0.1, momentum=0.9, dampening=0.5)
        for _ in range(3):
            opt.zero_grad()
            (p ** 2).sum().backward()
            opt.step()
        traj.append(p.detach().clone())
    same_undamped = []
    for opt_cls in (M.SGD, torch.optim.SGD):
        torch.manual_seed(0)
        p = torch.randn(4, requires_grad=True)
        opt = opt_cls([p], lr=0.1, momentum=0.9)
        for _ in range(3):
            opt.zero_grad()
            (p ** 2).sum().backward()
            opt.step()
        same_undamped.append(p.detach().clone())
    return differ(traj[2], traj[1], rtol=1e-4) and not differ(traj[2], traj[0], rtol=1e-4), \
        (f"momentum .9 dampening .5, 3 steps: torch {traj[2][0].item():.6f} ref {traj[0][0].item():.6f} mutant {traj[1][0].item():.6f} "
         f"(dampening 0 equal: {not differ(*same_undamped, rtol=1e-4)})")


def p14(M, R):  # DiabetesDataset label shape
    table = np.array([[1, 2, 3, 0], [4, 5, 6, 1], [7, 8, 9, 1]], dtype=np.float32)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "diabetes.csv.gz"
        with gzip.open(path, "wt") as fh:
            np.savetxt(fh, table, delimiter=",")
        r, m = R.DiabetesDataset(str(path))[0], M.DiabetesDataset(str(path))[0]
    return r[1].shape != m[1].shape, f"item label: ref shape {tuple(r[1].shape)} mutant shape {tuple(m[1].shape)}"


def p15(M, R):  # relu float16 -> float32, callee of hard_sigmoid_from_relus
    x = torch.tensor([-1.0, 0.2, 0.7, 3.0], dtype=torch.float16)
    r, m = R.relu(x), M.relu(x)
    rh, mh = R.hard_sigmoid_from_relus(x), M.hard_sigmoid_from_relus(x)
    return r.dtype != m.dtype and rh.dtype != mh.dtype, f"float16 input: relu ref {r.dtype} mutant {m.dtype}; caller hard_sigmoid ref {rh.dtype} mutant {mh.dtype}"


def p16(M, R):  # xavier fans channels-last
    out = []
    for mod in (R, M):
        torch.manual_seed(0)
        w = torch.empty(8, 3, 5, 5)
        mod.xavier_uniform_(w)
        out.append(w)
    lin = []
    for mod in (R, M):
        torch.manual_seed(0)
        lin.append(mod.xavier_uniform_(torch.empty(6, 4)))
    return differ(out[0], out[1]), (f"conv (8,3,5,5) same seed: bound ref √(6/275)={(6 / 275) ** .5:.4f}, max|w| ref {out[0].abs().max():.4f} "
                                    f"mutant {out[1].abs().max():.4f} (linear still equal: {not differ(*lin)})")


def p17(M, R):  # train_epoch leaves eval mode on
    modes = []
    for mod in (R, M):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 1))
        model.eval()
        loader = [(torch.randn(4, 3), torch.randn(4, 1)) for _ in range(3)]
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        loss = mod.train_epoch(model, loader, nn.functional.mse_loss, opt, "cpu")
        modes.append((model.training, loss))
    return modes[0][0] and not modes[1][0], f"model in eval before: training during/after ref {modes[0][0]} mutant {modes[1][0]} (dropout off); loss ref {modes[0][1]:.4f} mutant {modes[1][1]:.4f}"


def p18(M, R):  # evaluate broadcasting with (n, 1) labels
    model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
    with torch.no_grad():
        model[0].weight.fill_(1.0)
        model[0].bias.fill_(0.0)
    x = torch.tensor([[2.0], [-2.0], [3.0], [-1.0]])
    y = torch.tensor([[1.0], [0.0], [0.0], [0.0]])
    loader = [(x, y)]
    r, m = R.evaluate(model, loader, "cpu"), M.evaluate(model, loader, "cpu")
    return r != m, f"probabilities (4,1) vs labels (4,1): ref {r} mutant {m}"


def p19(M, R):  # conv_output_size float, callee of conv2d
    r, m = R.conv_output_size(7, 2, 0, 2), M.conv_output_size(7, 2, 0, 2)
    x, w = torch.randn(1, 2, 7, 7), torch.randn(3, 2, 2, 2)
    err = raises(lambda: M.conv2d(x, w, None, 2, 0))
    ok_ref = raises(lambda: R.conv2d(x, w, None, 2, 0)) is None
    return (type(m) is not int or r != m) and err and ok_ref, f"n=7,k=2,s=2: ref {r!r} mutant {m!r}; caller conv2d raises {err}"


def p20(M, R):  # max_pool2d channels-last unfold
    torch.manual_seed(0)
    x = torch.randn(2, 4, 6, 6)
    r = R.max_pool2d(x, 2)
    m = M.max_pool2d(x, 2)
    return differ(r, m), f"(2,4,6,6) k=2: ref {tuple(r.shape)} mutant {tuple(m.shape)}; F.max_pool2d {tuple(nn.functional.max_pool2d(x, 2).shape)}"


def p21(M, R):  # corr2d flipped kernel
    x = torch.arange(16.0).reshape(4, 4)
    k = torch.tensor([[1.0, 0.0], [0.0, -1.0]])
    r, m = R.corr2d(x, k), M.corr2d(x, k)
    return differ(r, m), f"X=arange(16) 4x4, K=[[1,0],[0,-1]]: ref Y[0,0]={r[0, 0].item()} mutant {m[0, 0].item()}"


def p22(M, R):  # InceptionA ReLU inside, callee of GoogLeNetMini
    torch.manual_seed(0)
    ri, mi = R.InceptionA(3), M.InceptionA(3)
    mi.load_state_dict(ri.state_dict())
    x = torch.randn(2, 3, 8, 8)
    r, m = ri(x), mi(x)
    rg, mg = R.GoogLeNetMini(1, 10, 8), M.GoogLeNetMini(1, 10, 8)
    mg.load_state_dict(rg.state_dict())
    xi = torch.randn(2, 1, 8, 8)
    return differ(r, m) and differ(rg(xi), mg(xi)), f"same weights: ref has {(r < 0).sum().item()} negative outputs, mutant {(m < 0).sum().item()}; caller GoogLeNetMini logits differ: {differ(rg(xi), mg(xi))}"


def p23(M, R):  # conv_mults bias
    r, m = R.conv_mults(28, 28, 192, 32, 5), M.conv_mults(28, 28, 192, 32, 5)
    return r != m, f"5x5 192->32 on 28x28: ref {r:,} mutant {m:,} (lecture: 120,422,400)"


def p24(M, R):  # GoogLeNetMini dry run with 1 channel
    ok_ref = raises(lambda: R.GoogLeNetMini(3, 10, 8)(torch.randn(2, 3, 8, 8))) is None
    err = raises(lambda: M.GoogLeNetMini(3, 10, 8))
    return ok_ref and err, f"GoogLeNetMini(in_channels=3, input_size=8): ref ok {ok_ref}, mutant raises {err}"


def p25(M, R):  # batch_norm rebinding running stats
    torch.manual_seed(0)
    x = torch.randn(8, 3, 4, 4) + 2
    res = []
    for mod in (R, M):
        rm, rv = torch.zeros(3), torch.ones(3)
        mod.batch_norm(x, torch.ones(3), torch.zeros(3), rm, rv, True)
        res.append((rm, rv))
    return differ(res[0][0], res[1][0]), f"training step: running_mean ref {res[0][0].numpy().round(3).tolist()} mutant {res[1][0].numpy().round(3).tolist()}"


def p26(M, R):  # BasicBlock momentum 0.99, callee of SmallResNet
    def run(ref_model, mut_model, x):
        mut_model.load_state_dict(ref_model.state_dict())
        ref_model.train(), mut_model.train()
        ref_model(x), mut_model(x)
        ref_model.eval(), mut_model.eval()
        with torch.no_grad():
            return ref_model(x), mut_model(x)
    torch.manual_seed(0)
    x = torch.randn(4, 4, 8, 8) * 3 + 1
    r, m = run(R.BasicBlock(4, 4), M.BasicBlock(4, 4), x)
    xs = torch.randn(4, 1, 8, 8) * 3 + 1
    rs, ms = run(R.SmallResNet(1, 10), M.SmallResNet(1, 10), xs)
    return differ(r, m) and differ(rs, ms), f"same weights, one train batch then eval: BasicBlock max diff {(r - m).abs().max():.4f}; caller SmallResNet logits max diff {(rs - ms).abs().max():.4f}"


def p27(M, R):  # ResidualBlock without bias
    torch.manual_seed(0)
    rb, mb = R.ResidualBlock(4), M.ResidualBlock(4)
    mb.load_state_dict(rb.state_dict(), strict=False)
    x = torch.randn(2, 4, 6, 6)
    nr, nm = sum(p.numel() for p in rb.parameters()), sum(p.numel() for p in mb.parameters())
    with torch.no_grad():
        d = differ(rb(x), mb(x))
    return d and nr != nm, f"params ref {nr} mutant {nm} (conv biases missing); outputs with the same conv weights differ: {d}"


def p28(M, R):  # rnn_cell single bias, callee of rnn_forward
    torch.manual_seed(0)
    rnn = nn.RNN(3, 5, num_layers=2).double()
    x, h0 = torch.randn(4, 2, 3, dtype=torch.float64), torch.randn(2, 2, 5, dtype=torch.float64)
    params = [tuple(p.detach() for p in layer) for layer in rnn.all_weights]
    r, m = R.rnn_cell(x[0], h0[0], *params[0]), M.rnn_cell(x[0], h0[0], *params[0])
    ro, _ = R.rnn_forward(x, h0, params)
    mo, _ = M.rnn_forward(x, h0, params)
    with torch.no_grad():
        to, _ = rnn(x, h0)
    return differ(r, m) and differ(mo, to) and not differ(ro, to), f"rnn_cell max diff {(r - m).abs().max():.4f}; caller rnn_forward vs nn.RNN: ref {(ro - to).abs().max():.1e}, mutant {(mo - to).abs().max():.4f}"


def p29(M, R):  # gru_cell gate order
    torch.manual_seed(0)
    cell = nn.GRUCell(3, 4).double()
    x, h = torch.randn(2, 3, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
    args = (x, h, cell.weight_ih.detach(), cell.weight_hh.detach(), cell.bias_ih.detach(), cell.bias_hh.detach())
    with torch.no_grad():
        t = cell(x, h)
    r, m = R.gru_cell(*args), M.gru_cell(*args)
    return differ(m, t) and not differ(r, t), f"vs nn.GRUCell: ref max diff {(r - t).abs().max():.1e}, mutant {(m - t).abs().max():.4f}"


def p30(M, R):  # embedding_lookup index_select
    w = torch.randn(5, 3)
    idx = torch.tensor([[0, 4], [2, 2], [1, 3]])
    r = R.embedding_lookup(w, idx)
    err = raises(lambda: M.embedding_lookup(w, idx))
    return err is not None, f"idx (3,2): ref shape {tuple(r.shape)}, mutant raises {err}"


def main() -> None:
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    ok = 0
    refs = {}
    for n, lab in enumerate(labels, start=1):
        topic = lab["topic"]
        refs.setdefault(topic, load(SOL / f"{topic}.py"))
        mut = load(HERE / lab["file"])
        check = globals()[f"p{n:02d}"]
        try:
            wrong, evidence = check(mut, refs[topic])
        except Exception as exc:  # noqa: BLE001
            wrong, evidence = False, f"check crashed: {type(exc).__name__}: {exc}"
        if wrong:
            ok += 1
            print(f"OK {lab['file']} [{lab['exercise']}] {evidence}")
        else:
            print(f"NOT WRONG {lab['file']} [{lab['exercise']}] {evidence}")
    print(f"{ok}/{len(labels)} OK")


if __name__ == "__main__":
    main()
