import importlib.util, gzip, json, pathlib, sys, copy
import numpy as np, torch, torch.nn.functional as F
from torch import nn
D = pathlib.Path(__file__).parent
def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path); mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod); return mod
def ref(t): return load(f"/work/main/solutions/{t}.py", f"ref_{t}")
def mine(f): return load(D / f, "m_" + f[:-3])
def diff(a, b):
    if isinstance(a, (tuple, list)):
        return len(a) != len(b) or any(diff(x, y) for x, y in zip(a, b))
    if isinstance(a, torch.Tensor):
        if a.shape != b.shape or a.dtype != b.dtype: return True
        if a.dtype == torch.float64:
            return not torch.allclose(a, b, rtol=1e-7, atol=0.0, equal_nan=True)
        return not torch.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True)
    if isinstance(a, float): return abs(a - b) > 1e-9 * max(1, abs(b))
    return a != b
W = {}
def w(f):
    def deco(fn): W[f] = fn; return fn
    return deco
g = torch.Generator().manual_seed(0)
r = lambda *s, dt=torch.float32: torch.randn(*s, generator=g, dtype=dt)

@w("tensors_fill_nan_row_mean.py")
def _(R, M):
    x = torch.tensor([[1., float("nan"), 3.], [4., 5., 6.], [7., 20., 9.]])
    return R.fill_nan_with_column_mean(x), M.fill_nan_with_column_mean(x)
@w("tensors_norms_l1_no_abs.py")
def _(R, M): x = r(4, 5); return R.norms(x), M.norms(x)
@w("tensors_pairwise_missing_two.py")
def _(R, M): a, b = r(3, 4), r(5, 4); return R.pairwise_sq_dists(a, b), M.pairwise_sq_dists(a, b)
@w("tensors_one_hot_int_dtype.py")
def _(R, M): l = torch.tensor([0, 2, 1]); return R.one_hot(l, 3), M.one_hot(l, 3)
@w("autograd_numgrad_one_eps.py")
def _(R, M):
    f = lambda x: (x ** 2).sum(); x = r(3, dt=torch.float64)
    return R.numerical_grad(f, x.clone()), M.numerical_grad(f, x.clone())
@w("autograd_value_rsub_sign.py")
def _(R, M):
    out = []
    for mod in (R, M):
        a = mod.Value(0.3); o = 1 - a; o.backward(); out.append((o.data, a.grad))
    return out
@w("autograd_quadratic_db_no_two.py")
def _(R, M):
    a = [r(1, dt=torch.float64).reshape(()) for _ in range(3)] + [r(6, dt=torch.float64), r(6, dt=torch.float64)]
    return R.quadratic_grads(*a), M.quadratic_grads(*a)
@w("autograd_vecfn_mean_reduce.py")
def _(R, M): x = r(4, dt=torch.float64); f = lambda t: t ** 2; return R.grad_of_vector_fn(f, x), M.grad_of_vector_fn(f, x)
@w("losses_huber_linear_no_offset.py")
def _(R, M): a, b = torch.tensor([0., 3.]), torch.zeros(2); return R.huber(a, b), M.huber(a, b)
@w("losses_entropy_log2.py")
def _(R, M): p = torch.softmax(r(2, 4), -1); return R.entropy(p), M.entropy(p)
@w("losses_bce_logits_log_not_log1p.py")
def _(R, M):
    z = torch.tensor([40., -40.], dtype=torch.float64); y = torch.tensor([1., 0.], dtype=torch.float64)
    a, b = R.bce_with_logits(z, y), M.bce_with_logits(z, y)
    print("   bce tails", a.item(), b.item(), F.binary_cross_entropy_with_logits(z, y).item())
    return a, b
@w("losses_ce_soft_mean_all.py")
def _(R, M):
    lg = r(3, 4); t = F.one_hot(torch.tensor([0, 3, 1]), 4).float(); i = torch.tensor([0, 3, 1])
    assert not diff(R.cross_entropy(lg, i), M.cross_entropy(lg, i))
    return R.cross_entropy(lg, t), M.cross_entropy(lg, t)
@w("optim_diabetes_label_1d.py")
def _(R, M):
    p = D / "_tmp_diab.csv.gz"
    with gzip.open(p, "wt") as fh: fh.write("0.1,0.2,0.3,1\n0.4,0.5,0.6,0\n0.7,0.8,0.9,1\n")
    a, b = R.DiabetesDataset(str(p))[0], M.DiabetesDataset(str(p))[0]; p.unlink()
    print("   label shapes", tuple(a[1].shape), tuple(b[1].shape)); return a, b
@w("optim_kfold_ceil_chunks.py")
def _(R, M):
    print("   kfold 9,6 ->", len(M.k_fold_indices(9, 6)))
    return [x.numel() for x in R.k_fold_indices(10, 4)], [x.numel() for x in M.k_fold_indices(10, 4)]
def run_opt(cls, **kw):
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64)); o = cls([p], **kw); tr = []
    for _ in range(3):
        o.zero_grad(); (p ** 2).sum().backward(); o.step(); tr.append(p.detach().clone())
    return tr
@w("optim_sgd_dampen_first.py")
def _(R, M):
    kw = dict(lr=0.1, momentum=0.9, dampening=0.5)
    t = run_opt(torch.optim.SGD, **kw); a = run_opt(R.SGD, **kw); assert not diff(t, a)
    return a, run_opt(M.SGD, **kw)
@w("optim_ema_start_first_value.py")
def _(R, M):
    v = torch.tensor([1., 2., 3.])
    return (R.ema(v, 0.9), R.ema(v, 0.9, False)), (M.ema(v, 0.9), M.ema(v, 0.9, False))
@w("mlp_xavier_no_receptive.py")
def _(R, M):
    out = []
    for mod in (R, M):
        torch.manual_seed(1); t = mod.xavier_uniform_(torch.empty(16, 8, 3, 3)); out.append(t.abs().max().reshape(1))
    torch.manual_seed(1); l1 = M.xavier_uniform_(torch.empty(5, 7)); torch.manual_seed(1); l2 = R.xavier_uniform_(torch.empty(5, 7))
    assert not diff(l1, l2); print("   xavier max", [o.item() for o in out]); return out[0], out[1]
@w("mlp_tanh_no_sign.py")
def _(R, M): x = torch.tensor([-2., 0.5]); return R.tanh(x), M.tanh(x)
@w("mlp_evaluate_no_eval.py")
def _(R, M):
    torch.manual_seed(0); model = R.MLP([4, 64, 3], dropout=0.9); X = r(200, 4); Y = torch.randint(0, 3, (200,), generator=g)
    loader = [(X[i:i + 50], Y[i:i + 50]) for i in range(0, 200, 50)]
    model.train(); torch.manual_seed(5); a = R.evaluate(model, loader, "cpu")
    model.train(); torch.manual_seed(5); b = M.evaluate(model, loader, "cpu"); print("   acc", a, b, "training after:", model.training)
    return (a, False), (b, model.training)
@w("mlp_train_epoch_unweighted.py")
def _(R, M):
    out = []
    for mod in (R, M):
        torch.manual_seed(0); model = nn.Linear(3, 1); opt = torch.optim.SGD(model.parameters(), lr=0.0)
        X, Y = torch.arange(27.).reshape(9, 3) / 10, torch.arange(9.).reshape(9, 1)
        loader = [(X[0:4], Y[0:4]), (X[4:8], Y[4:8]), (X[8:9], Y[8:9])]
        out.append(mod.train_epoch(model, loader, F.mse_loss, opt, "cpu"))
    return out[0], out[1]
@w("cnn_outsize_pad_once.py")
def _(R, M):
    assert R.conv_output_size(7, 3, 0, 2) == M.conv_output_size(7, 3, 0, 2)
    return R.conv_output_size(5, 3, padding=1), M.conv_output_size(5, 3, padding=1)
@w("cnn_maxpool_stride_one.py")
def _(R, M):
    x = r(1, 1, 4, 4); assert not diff(M.max_pool2d(x, 2, 2), F.max_pool2d(x, 2, 2))
    return R.max_pool2d(x, 2), M.max_pool2d(x, 2)
@w("cnn_conv2d_weight_transposed.py")
def _(R, M):
    x, k, b = r(2, 3, 6, 6), r(4, 3, 3, 3), r(4)
    assert not diff(R.conv2d(x, k, b, 1, 1), F.conv2d(x, k, b, 1, 1))
    return R.conv2d(x, k, b, 1, 1), M.conv2d(x, k, b, 1, 1)
@w("cnn_corr2d_flipped_kernel.py")
def _(R, M): x, k = r(5, 5), r(2, 3); return R.corr2d(x, k), M.corr2d(x, k)
def same_module(Rc, Mc, args, x):
    torch.manual_seed(0); a = Rc(*args); b = Mc(*args); b.load_state_dict(a.state_dict()); a.eval(); b.eval()
    with torch.no_grad(): return a(x), b(x)
@w("inception_pool_branch_max.py")
def _(R, M):
    a, b = same_module(R.InceptionA, M.InceptionA, (3,), r(2, 3, 8, 8)); assert not diff(a[:, :64], b[:, :64]); return a, b
@w("inception_cat_order_swapped.py")
def _(R, M): return same_module(R.InceptionA, M.InceptionA, (3,), r(2, 3, 8, 8))
@w("inception_mults_k_once.py")
def _(R, M): return R.conv_mults(28, 28, 192, 32, 5), M.conv_mults(28, 28, 192, 32, 5)
@w("inception_googlenet_no_relu.py")
def _(R, M): return same_module(R.GoogLeNetMini, M.GoogLeNetMini, (1, 10, 28), r(2, 1, 28, 28))
@w("resnet_resblock_no_final_relu.py")
def _(R, M): return same_module(R.ResidualBlock, M.ResidualBlock, (4,), r(2, 4, 6, 6))
@w("resnet_basicblock_relu_before_add.py")
def _(R, M):
    x = r(2, 4, 8, 8)
    return (same_module(R.BasicBlock, M.BasicBlock, (4, 4), x)[0], same_module(R.BasicBlock, M.BasicBlock, (4, 8, 2), x)[0]), \
           (same_module(R.BasicBlock, M.BasicBlock, (4, 4), x)[1], same_module(R.BasicBlock, M.BasicBlock, (4, 8, 2), x)[1])
def bn(mod, x, training, rm, rv):
    rm, rv = rm.clone(), rv.clone(); y = mod.batch_norm(x, torch.ones(3) * 1.5, torch.ones(3) * 0.2, rm, rv, training)
    return y, rm, rv
@w("resnet_bn_unbiased_normalise.py")
def _(R, M):
    x = r(4, 3); rm, rv = torch.zeros(3), torch.ones(3)
    a = bn(R, x, True, rm, rv); t = (rm.clone(), rv.clone()); ty = F.batch_norm(x, t[0], t[1], torch.ones(3) * 1.5, torch.ones(3) * 0.2, True)
    assert not diff(a, (ty, t[0], t[1])); return a, bn(M, x, True, rm, rv)
@w("resnet_bn_eval_uses_batch.py")
def _(R, M):
    x = r(4, 3, 2, 2); rm, rv = torch.full((3,), 0.5), torch.full((3,), 2.0)
    assert not diff(bn(R, x, True, rm, rv), bn(M, x, True, rm, rv))
    return bn(R, x, False, rm, rv), bn(M, x, False, rm, rv)
def rnn_params(n):
    torch.manual_seed(0); m = nn.RNN(3, 4, num_layers=2); return m, [tuple(p.detach() for p in ps) for ps in m.all_weights]
@w("rnn_rnn_h0_layer0.py")
def _(R, M):
    m, ps = rnn_params(2); x, h0 = r(5, 2, 3), r(2, 2, 4)
    with torch.no_grad(): t = m(x, h0)
    assert not diff(tuple(R.rnn_forward(x, h0, ps)), tuple(t))
    z = torch.zeros(2, 2, 4); assert not diff(M.rnn_forward(x, z, ps), R.rnn_forward(x, z, ps))
    return R.rnn_forward(x, h0, ps), M.rnn_forward(x, h0, ps)
@w("rnn_encode_one_based.py")
def _(R, M): return R.encode_chars("hello", "ehlo"), M.encode_chars("hello", "ehlo")
@w("rnn_gru_bhn_outside_reset.py")
def _(R, M):
    torch.manual_seed(0); c = nn.GRUCell(3, 4); ps = [p.detach() for p in (c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh)]
    x, h = r(2, 3), r(2, 4)
    with torch.no_grad(): t = c(x, h)
    assert not diff(R.gru_cell(x, h, *ps), t); return R.gru_cell(x, h, *ps), M.gru_cell(x, h, *ps)
@w("rnn_embedding_flattened.py")
def _(R, M):
    wt, idx = r(7, 5), torch.tensor([[0, 3, 3], [6, 1, 2]])
    assert not diff(R.embedding_lookup(wt, idx[0]), M.embedding_lookup(wt, idx[0]))
    return R.embedding_lookup(wt, idx), M.embedding_lookup(wt, idx)

labels = json.loads((D / "labels.json").read_text()); ok = 0
for L in labels:
    f = L["file"]; R = ref(L["topic"]); Mm = mine(f)
    try:
        a, b = W[f](R, Mm); d = diff(a, b)
    except Exception as e:
        d = f"ERROR {type(e).__name__}: {e}"
    print(f, "DIFFERS" if d is True else d); ok += d is True
print(ok, "/", len(labels))
