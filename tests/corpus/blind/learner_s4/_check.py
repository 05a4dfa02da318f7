"""Witnesses: each learner file differs from the reference (imported only here) on an allowed input."""
import importlib.util, sys, math, copy
sys.path.insert(0, "/work/main")
import torch
torch.set_num_threads(1)
from solutions import tensors as Rt, autograd as Ra, losses as Rl, optim as Ro, mlp as Rm, cnn as Rc, inception as Ri, resnet as Rr, rnn as Rn
D = "/work/blind/learner_s4/"
def L(f):
    spec = importlib.util.spec_from_file_location(f[:-3], D + f)
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m
RES = {}
def check(f):
    def deco(fn):
        try:
            ok, msg = fn(L(f))
        except Exception as e:
            ok, msg = True, f"raises {type(e).__name__}: {e}"[:150]
        RES[f] = (ok, msg); print(("DIFF " if ok else "SAME ") + f + ": " + msg)
    return deco
def ne(a, b, **kw):
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        if a.shape != b.shape: return True
        return not torch.allclose(a.double(), b.double(), **kw, equal_nan=True)
    return a != b
ONLY = sys.argv[1:]
def want(prefix): return not ONLY or any(prefix.startswith(o) for o in ONLY)

if want("tensors"):
    @check("tensors_rownorm_nokeepdim.py")
    def _(m):
        x = torch.rand(3, 3) + 0.1
        return ne(m.row_normalize(x), Rt.row_normalize(x), rtol=1e-5, atol=1e-6), "square input differs"
    @check("tensors_accuracy_count.py")
    def _(m):
        s = torch.tensor([[2., 1, 0], [0, 3, 1], [1, 0, 4], [5, 0, 0]]); y = torch.tensor([0, 1, 2, 1])
        return m.accuracy(s, y) != Rt.accuracy(s, y), f"{m.accuracy(s, y)} vs {Rt.accuracy(s, y)}"
    @check("tensors_onehot_int64.py")
    def _(m):
        l = torch.tensor([0, 2, 1]); a, b = m.one_hot(l, 3), Rt.one_hot(l, 3)
        return a.dtype != b.dtype, f"{a.dtype} vs {b.dtype}"
    @check("tensors_fillnan_inplace.py")
    def _(m):
        x = torch.tensor([[1., float('nan')], [3., 4.], [float('nan'), 8.]]); x0 = x.clone()
        out = m.fill_nan_with_column_mean(x)
        return not torch.equal(torch.isnan(x), torch.isnan(x0)), f"values equal={torch.allclose(out, Rt.fill_nan_with_column_mean(x0))}, input modified"

if want("autograd"):
    @check("autograd_lineargrad_expanded.py")
    def _(m):
        g = torch.Generator().manual_seed(0)
        x = (torch.rand(50, generator=g, dtype=torch.float64) + 1) * 1e8; w = torch.tensor(1.7, dtype=torch.float64)
        y = w * x + torch.randn(50, generator=g, dtype=torch.float64) * 1e-3
        a, b = m.linear_grad(w, x, y), Ra.linear_grad(w, x, y)
        return ne(a, b, rtol=1e-7, atol=0), f"{a.item():.6g} vs {b.item():.6g}"
    @check("autograd_vecgrad_nodetach.py")
    def _(m):
        x = torch.tensor([1., 2., 3.], dtype=torch.float64); f = lambda t: t ** 2
        g1 = m.grad_of_vector_fn(f, x); flag = x.requires_grad
        g2 = m.grad_of_vector_fn(f, x)
        return flag or x.grad is not None, f"x.requires_grad={flag}, x.grad={x.grad}, 2nd call={g2.tolist()} vs {Ra.grad_of_vector_fn(f, x.detach()).tolist()}"
    @check("autograd_numgrad_norestore.py")
    def _(m):
        x = torch.tensor([1., 2., 3.], dtype=torch.float64); x0 = x.clone(); f = lambda t: (t[0] * t[1] * t[2]) ** 2
        a = m.numerical_grad(f, x); changed = not torch.equal(x, x0)
        b = Ra.numerical_grad(f, x0.clone())
        return changed or ne(a, b, rtol=1e-7, atol=0), f"x changed={changed}, grad {a.tolist()} vs {b.tolist()}"
    @check("autograd_value_rsub.py")
    def _(m):
        a = m.Value(2.0); o = 1 - a; o.backward(); ar = Ra.Value(2.0); orr = 1 - ar; orr.backward()
        return (o.data, a.grad) != (orr.data, ar.grad), f"data {o.data} vs {orr.data}, grad {a.grad} vs {ar.grad}"


if want("losses"):
    @check("losses_huber_nooffset.py")
    def _(m):
        yh = torch.tensor([0.3, 2.5, -4.0]); y = torch.zeros(3)
        a, b = m.huber(yh, y), Rl.huber(yh, y)
        return ne(a, b), f"{a.item():.4f} vs {b.item():.4f}"
    @check("losses_softmax_nomax.py")
    def _(m):
        x = torch.tensor([[1000., 0., -1000.]]); a, b = m.softmax(x), Rl.softmax(x)
        s = torch.randn(2, 3); same_small = torch.allclose(m.softmax(s), Rl.softmax(s), rtol=1e-5, atol=1e-6)
        return ne(a, b), f"{a.tolist()} vs {b.tolist()}; small logits agree={same_small}"
    @check("losses_ce_sum.py")
    def _(m):
        lg = torch.randn(4, 3); t = torch.tensor([0, 2, 1, 1]); a, b = m.cross_entropy(lg, t), Rl.cross_entropy(lg, t)
        pt = torch.softmax(torch.randn(4, 3), 1)
        return ne(a, b), f"{a.item():.4f} vs {b.item():.4f}; prob targets agree={torch.allclose(m.cross_entropy(lg, pt), Rl.cross_entropy(lg, pt))}"
    @check("losses_bce_noclamp.py")
    def _(m):
        p = torch.tensor([0., 1., 0.3]); y = torch.tensor([0., 1., 1.]); a, b = m.bce(p, y), Rl.bce(p, y)
        p2 = torch.tensor([0., 0.5]); y2 = torch.tensor([1., 0.])
        return ne(a, b), f"{a.item()} vs {b.item()}; p=0,y=1: {m.bce(p2, y2).item()} vs {Rl.bce(p2, y2).item()}"

if want("optim"):
    @check("optim_gdfit_recordafter.py")
    def _(m):
        x = torch.tensor([1., 2., 3.]); y = 2 * x
        a, b = m.gd_fit(x, y, 0.01, 5), Ro.gd_fit(x, y, 0.01, 5)
        return a[1] != b[1], f"w {a[0]:.5f} vs {b[0]:.5f}; losses[0] {a[1][0]:.4f} vs {b[1][0]:.4f}"
    @check("optim_sgdfit_onepermutation.py")
    def _(m):
        g = torch.Generator().manual_seed(1); x = torch.randn(6, generator=g); y = 3 * x + torch.randn(6, generator=g)
        a = m.sgd_fit(x, y, 0.1, 3, torch.Generator().manual_seed(5)); b = Ro.sgd_fit(x, y, 0.1, 3, torch.Generator().manual_seed(5))
        return a != b, f"w {a[0]:.6f} vs {b[0]:.6f}; losses {[round(v, 5) for v in a[1]]} vs {[round(v, 5) for v in b[1]]}"
    def traj(cls, n, **kw):
        torch.manual_seed(0); p = torch.randn(5, dtype=torch.float64, requires_grad=True); t = torch.randn(5, dtype=torch.float64)
        opt = cls([p], **kw); out = []
        for _ in range(n):
            opt.zero_grad(); ((p - t) ** 2 * torch.arange(1., 6, dtype=torch.float64)).sum().backward(); opt.step(); out.append(p.detach().clone())
        return out
    @check("optim_sgd_dampfirst.py")
    def _(m):
        kw = dict(lr=0.05, momentum=0.9, dampening=0.5)
        a, b = traj(m.SGD, 5, **kw), traj(torch.optim.SGD, 5, **kw)
        a0, b0 = traj(m.SGD, 5, lr=0.05, momentum=0.9), traj(torch.optim.SGD, 5, lr=0.05, momentum=0.9)
        first = [i for i in range(5) if ne(a[i], b[i], rtol=1e-10, atol=0)]
        return bool(first), f"first differing step index {first[:1]}; no-dampening agrees={not ne(a0[-1], b0[-1], rtol=1e-10, atol=0)}"
    @check("optim_adam_statenotkept.py")
    def _(m):
        a, b = traj(m.Adam, 5, lr=0.1), traj(torch.optim.Adam, 5, lr=0.1)
        first = [i for i in range(5) if ne(a[i], b[i], rtol=1e-10, atol=0)]
        return bool(first), f"differing step indices {first}"


if want("mlp"):
    @check("mlp_dropout_keepp.py")
    def _(m):
        x = torch.ones(10000)
        torch.manual_seed(0); a = m.dropout(x, 0.2); torch.manual_seed(0); b = Rm.dropout(x, 0.2)
        return ne(a, b), f"kept fraction {(a != 0).float().mean():.3f} vs {(b != 0).float().mean():.3f}"
    @check("mlp_mlp_lastact.py")
    def _(m):
        torch.manual_seed(0); r = Rm.MLP([4, 5, 3]); l = m.MLP([4, 5, 3]); l.load_state_dict(r.state_dict())
        x = torch.randn(6, 4); a, b = l(x), r(x)
        return ne(a, b), f"min logit {a.min().item():.3f} vs {b.min().item():.3f}; equals relu(ref)={torch.allclose(a, b.clamp(min=0))}"
    def run_train(mod, nb):
        torch.manual_seed(0); model = torch.nn.Linear(3, 1); opt = torch.optim.SGD(model.parameters(), lr=0.1)
        g = torch.Generator().manual_seed(1); data = [(torch.randn(4, 3, generator=g), torch.randn(4, 1, generator=g)) for _ in range(nb)]
        loss = mod.train_epoch(model, data, torch.nn.functional.mse_loss, opt, "cpu"); return loss, model.weight.detach().clone()
    @check("mlp_train_nozerograd.py")
    def _(m):
        a, b = run_train(m, 3), run_train(Rm, 3); a1, b1 = run_train(m, 1), run_train(Rm, 1)
        return a[0] != b[0] or ne(a[1], b[1]), f"loss {a[0]:.5f} vs {b[0]:.5f}; one batch agrees={a1[0] == b1[0] and not ne(a1[1], b1[1])}"
    @check("mlp_evaluate_noeval.py")
    def _(m):
        torch.manual_seed(0); model = Rm.MLP([4, 16, 3], dropout=0.5); model.train()
        g = torch.Generator().manual_seed(2); data = [(torch.randn(50, 4, generator=g), torch.randint(0, 3, (50,), generator=g)) for _ in range(2)]
        accs = []
        for seed in range(3):
            torch.manual_seed(seed); accs.append(m.evaluate(model, data, "cpu"))
        mode = model.training; model.train(); ref = Rm.evaluate(model, data, "cpu")
        return mode or len(set(accs)) > 1, f"training after call={mode}; accs over seeds {accs} vs ref {ref} (ref leaves training={model.training})"

if want("cnn"):
    @check("cnn_corr2d_offbyone.py")
    def _(m):
        x = torch.randn(4, 5); k = torch.randn(2, 2)
        return m.corr2d(x, k).shape != Rc.corr2d(x, k).shape, f"{tuple(m.corr2d(x, k).shape)} vs {tuple(Rc.corr2d(x, k).shape)}"
    @check("cnn_conv2d_padlastdim.py")
    def _(m):
        x = torch.randn(2, 3, 6, 7); w = torch.randn(4, 3, 3, 3); b = torch.randn(4)
        a, r = m.conv2d(x, w, b, 1, 1), Rc.conv2d(x, w, b, 1, 1)
        same0 = torch.allclose(m.conv2d(x, w, b, 2, 0), Rc.conv2d(x, w, b, 2, 0), rtol=1e-5, atol=1e-5)
        return ne(a, r), f"{tuple(a.shape)} vs {tuple(r.shape)}; padding 0 agrees={same0}"
    @check("cnn_outsize_round.py")
    def _(m):
        return m.conv_output_size(6, 3, 0, 2) != Rc.conv_output_size(6, 3, 0, 2), f"{m.conv_output_size(6, 3, 0, 2)} vs {Rc.conv_output_size(6, 3, 0, 2)}; (5,3,1,2): {m.conv_output_size(5, 3, 1, 2)} vs {Rc.conv_output_size(5, 3, 1, 2)}"
    @check("cnn_maxpool_stride1.py")
    def _(m):
        x = torch.randn(1, 2, 4, 4)
        return m.max_pool2d(x, 2).shape != Rc.max_pool2d(x, 2).shape, f"{tuple(m.max_pool2d(x, 2).shape)} vs {tuple(Rc.max_pool2d(x, 2).shape)}; explicit stride agrees={torch.equal(m.max_pool2d(x, 2, 2), Rc.max_pool2d(x, 2, 2))}"


if want("inception"):
    def pair(m, cls, *args, strict=True):
        torch.manual_seed(0); r = getattr(Ri, cls)(*args); l = getattr(m, cls)(*args); l.load_state_dict(r.state_dict(), strict=strict); return l, r
    @check("inception_pool_max.py")
    def _(m):
        l, r = pair(m, "InceptionA", 3); x = torch.randn(2, 3, 7, 7); a, b = l(x), r(x)
        return ne(a, b, rtol=1e-5, atol=1e-6), f"shape {tuple(a.shape)}; first 64 ch agree={torch.allclose(a[:, :64], b[:, :64])}, pool ch agree={torch.allclose(a[:, 64:], b[:, 64:])}"
    @check("inception_3x3_single.py")
    def _(m):
        l, r = pair(m, "InceptionA", 3, strict=False); x = torch.randn(2, 3, 7, 7); a, b = l(x), r(x)
        nconv = sum(isinstance(q, torch.nn.Conv2d) for q in l.modules())
        return ne(a, b, rtol=1e-5, atol=1e-6), f"shape {tuple(a.shape)}; convs {nconv} vs 7; ch 40:64 agree={torch.allclose(a[:, 40:64], b[:, 40:64])}, others agree={torch.allclose(a[:, :40], b[:, :40]) and torch.allclose(a[:, 64:], b[:, 64:])}"
    @check("inception_mults_ksq.py")
    def _(m):
        return m.conv_mults(28, 28, 192, 32, 5) != Ri.conv_mults(28, 28, 192, 32, 5), f"{m.conv_mults(28, 28, 192, 32, 5):,} vs {Ri.conv_mults(28, 28, 192, 32, 5):,}"
    @check("inception_net_nopad.py")
    def _(m):
        net = m.GoogLeNetMini(input_size=28); out = net(torch.randn(2, 1, 28, 28)).shape
        try:
            m.GoogLeNetMini(input_size=8); small = "builds"
        except Exception as e:
            small = f"raises {type(e).__name__}"
        Ri.GoogLeNetMini(input_size=8)
        return small != "builds", f"28: out {tuple(out)}, fc in {net.fc.in_features}; 8: {small} (reference builds)"

if want("resnet"):
    @check("resnet_resblock_noskip.py")
    def _(m):
        torch.manual_seed(0); r = Rr.ResidualBlock(3); l = m.ResidualBlock(3); l.load_state_dict(r.state_dict())
        x = torch.randn(2, 3, 5, 5); return ne(l(x), r(x)), "outputs differ, shapes equal"
    def bn_args(shape):
        torch.manual_seed(0); x = torch.randn(*shape, dtype=torch.float64) * 2 + 1; C = shape[1]
        return x, torch.rand(C, dtype=torch.float64) + 0.5, torch.randn(C, dtype=torch.float64), torch.full((C,), 0.5, dtype=torch.float64), torch.full((C,), 2.0, dtype=torch.float64)
    def bn_run(fn, shape, training):
        x, g, b, rm, rv = bn_args(shape); y = fn(x, g, b, rm, rv, training); return y, rm, rv
    @check("resnet_bn_unbiased.py")
    def _(m):
        a, b = bn_run(m.batch_norm, (4, 3, 2, 2), True), bn_run(Rr.batch_norm, (4, 3, 2, 2), True)
        e1, e2 = bn_run(m.batch_norm, (4, 3, 2, 2), False), bn_run(Rr.batch_norm, (4, 3, 2, 2), False)
        return ne(a[0], b[0], rtol=1e-7, atol=0), f"y differ; running_var differ={ne(a[2], b[2], rtol=1e-7, atol=0)}; eval agrees={not ne(e1[0], e2[0], rtol=1e-7, atol=0)}"
    @check("resnet_small_flatten.py")
    def _(m):
        torch.manual_seed(0); net = m.SmallResNet(); out8 = tuple(net(torch.randn(2, 1, 8, 8)).shape); res = []
        for hw in (28, 9):
            try:
                net(torch.randn(2, 1, hw, hw)); res.append("ok")
            except Exception as e:
                res.append(type(e).__name__)
            Rr.SmallResNet()(torch.randn(2, 1, hw, hw))
        return "ok" not in res, f"8x8 -> {out8}; 28x28, 9x9 -> {res} (reference fine)"
    @check("resnet_basic_nobn2.py")
    def _(m):
        torch.manual_seed(0); r = Rr.BasicBlock(4, 4); l = m.BasicBlock(4, 4); l.load_state_dict(r.state_dict())
        x = torch.randn(3, 4, 6, 6); a, b = l(x), r(x)
        return ne(a, b, rtol=1e-5, atol=1e-6), f"train-mode outputs differ, shapes {tuple(a.shape)} vs {tuple(b.shape)}"

if want("rnn"):
    @check("rnn_cell_notranspose.py")
    def _(m):
        torch.manual_seed(0); c = torch.nn.RNNCell(4, 4); x, h = torch.randn(2, 4), torch.randn(2, 4)
        a = m.rnn_cell(x, h, c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh); b = c(x, h)
        try:
            c2 = torch.nn.RNNCell(3, 4); m.rnn_cell(torch.randn(2, 3), h, c2.weight_ih, c2.weight_hh, c2.bias_ih, c2.bias_hh); ns = "runs"
        except Exception as e:
            ns = f"raises {type(e).__name__}"
        return ne(a, b, rtol=1e-5, atol=1e-5), f"square differs from nn.RNNCell; non-square {ns}"
    @check("rnn_forward_h0first.py")
    def _(m):
        torch.manual_seed(0); rnn = torch.nn.RNN(3, 4, num_layers=2); x = torch.randn(5, 2, 3); h0 = torch.randn(2, 2, 4)
        a = m.rnn_forward(x, h0, rnn.all_weights); b = rnn(x, h0)
        return ne(a[0], b[0], rtol=1e-5, atol=1e-5) or ne(a[1], b[1], rtol=1e-5, atol=1e-5), f"output differ={ne(a[0], b[0], rtol=1e-5, atol=1e-5)}, h_n differ={ne(a[1], b[1], rtol=1e-5, atol=1e-5)}"
    @check("rnn_gru_zswap.py")
    def _(m):
        torch.manual_seed(0); c = torch.nn.GRUCell(3, 3); x, h = torch.randn(2, 3), torch.randn(2, 3)
        return ne(m.gru_cell(x, h, c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh), c(x, h), rtol=1e-5, atol=1e-5), "differs from nn.GRUCell"
    @check("rnn_hello_batchfirst.py")
    def _(m):
        torch.manual_seed(0); r = Rn.HelloRNN(4, 8); l = m.HelloRNN(4, 8); l.load_state_dict(r.state_dict())
        idx = torch.tensor([[1, 0], [0, 2], [2, 3], [2, 1], [3, 0]]); a, b = l(idx), r(idx)
        idx2 = idx.clone(); idx2[0] = (idx2[0] + 1) % 4; mix = not ne(l(idx2)[1:], a[1:]); refdep = ne(r(idx2)[1:], b[1:])
        i1 = idx[:, :1]
        return ne(a, b, rtol=1e-5, atol=1e-5), f"shape {tuple(a.shape)}; later steps ignore step 0={mix} (reference depends={refdep}); batch-1 differs={ne(l(i1), r(i1), rtol=1e-5, atol=1e-5)}"

ok = all(v[0] for v in RES.values()); print(len(RES), "checked;", "all differ" if ok else "SOME SAME")
