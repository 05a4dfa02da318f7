"""Witnesses: each mutated file differs from the reference on a docstring-allowed input."""
import importlib.util, json, sys, copy, math
import torch, torch.nn as nn, torch.nn.functional as F
sys.path.insert(0, "/work/main")
D = "/work/blind/learner_s10/"
def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path); mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod); return mod
def ref(t): return load(f"/work/main/solutions/{t}.py", "ref_" + t)
def neq(a, b):
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        if a.shape != b.shape or a.dtype != b.dtype: return True
        return not torch.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=False)
    if isinstance(a, (tuple, list)): return len(a) != len(b) or any(neq(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float): return not math.isclose(a, b, rel_tol=1e-6)
    return a != b
def raises(fn):
    try: fn(); return False
    except Exception: return True
def same_model(R, Mm, ctor, *args):
    torch.manual_seed(0); a = getattr(R, ctor)(*args)
    torch.manual_seed(0); b = getattr(Mm, ctor)(*args)
    b.load_state_dict(a.state_dict()); return a, b

W = {}
def w(f): W[f.__name__] = f; return f
g = torch.Generator().manual_seed(0)

@w
def tensors_row_normalize_no_keepdim(R, M):
    x = torch.rand(3, 3) + 0.1; return neq(R.row_normalize(x), M.row_normalize(x))
@w
def tensors_fill_nan_divide_by_n(R, M):
    x = torch.tensor([[1., 2.], [float("nan"), 4.], [3., 6.]]); return neq(R.fill_nan_with_column_mean(x), M.fill_nan_with_column_mean(x))
@w
def tensors_accuracy_count(R, M):
    yh = torch.tensor([[1., 0], [0, 1], [1, 0], [1, 0]]); y = torch.tensor([0, 1, 0, 1]); return neq(R.accuracy(yh, y), M.accuracy(yh, y))
@w
def tensors_norms_l2_no_sqrt(R, M):
    x = torch.tensor([3., 4.]); return neq(R.norms(x), M.norms(x))
@w
def autograd_linear_grad_missing_2(R, M):
    a = (torch.tensor(1., dtype=torch.float64), torch.tensor([1., 2], dtype=torch.float64), torch.zeros(2, dtype=torch.float64))
    return neq(R.linear_grad(*a), M.linear_grad(*a))
@w
def autograd_detach_grad_no_detach(R, M):
    x = torch.tensor([2., -1.], dtype=torch.float64); return neq(R.detach_grad(x), M.detach_grad(x))
@w
def autograd_grad_of_vector_fn_inplace(R, M):
    f = lambda t: t ** 2
    x = torch.tensor([1., 2.], dtype=torch.float64); r1 = R.grad_of_vector_fn(f, x)
    x2 = x.clone(); m1 = M.grad_of_vector_fn(f, x2).clone(); m2 = M.grad_of_vector_fn(f, x2)
    return x2.requires_grad and x2.grad is not None and neq(r1, m2)
@w
def autograd_value_rsub_sign(R, M):
    a, b = R.Value(3.0), M.Value(3.0); ra, mb = 1 - a, 1 - b; ra.backward(); mb.backward()
    return neq((ra.data, a.grad), (mb.data, b.grad))
@w
def losses_huber_delta_offset(R, M):
    a = (torch.tensor([3.]), torch.tensor([0.]), 2.0); return neq(R.huber(*a), M.huber(*a)) and not neq(R.huber(*a), F.huber_loss(*a[:2], delta=2.0))
@w
def losses_softmax_no_shift(R, M):
    x = torch.tensor([[1000., 0.]]); return neq(R.softmax(x, dim=-1), M.softmax(x, dim=-1))
@w
def losses_ce_soft_target_argmax(R, M):
    z = torch.randn(4, 3, generator=g); t = torch.tensor([[.3, .7, 0.], [.2, .2, .6], [1., 0, 0], [0, .5, .5]])
    return neq(R.cross_entropy(z, t), M.cross_entropy(z, t)) and not neq(R.cross_entropy(z, t), F.cross_entropy(z, t))
@w
def losses_bce_no_log_floor(R, M):
    p = torch.tensor([0., .3]); y = torch.tensor([1., 0.]); return neq(R.bce(p, y), M.bce(p, y))
@w
def optim_gd_fit_loss_after_step(R, M):
    a = (torch.tensor([1., 2.]), torch.tensor([2., 4.]), 0.1, 2); return neq(R.gd_fit(*a), M.gd_fit(*a))
def _opt(R, M, cls, **kw):
    outs = []
    for mod in (R, M):
        torch.manual_seed(0); p = nn.Parameter(torch.randn(5) * 1e-4); o = getattr(mod, cls)([p], **kw)
        for _ in range(3):
            o.zero_grad(); (p * torch.arange(5.) * 1e-3).sum().backward() if cls == "Adam" else (p ** 2).sum().backward(); o.step()
        outs.append(p.detach().clone())
    return neq(*outs)
@w
def optim_sgd_momentum_zero_buffer(R, M): return _opt(R, M, "SGD", lr=0.1, momentum=0.9, dampening=0.5)
@w
def optim_adam_eps_inside_sqrt(R, M): return _opt(R, M, "Adam", lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
@w
def optim_ema_init_first_value(R, M):
    v = torch.tensor([1., 2., 3.]); return neq(R.ema(v, 0.9, True), M.ema(v, 0.9, True)) and neq(R.ema(v, 0.9, False), M.ema(v, 0.9, False))
@w
def mlp_dropout_mask_inverted(R, M):
    x = torch.randn(10); return neq(R.dropout(x, 0.0, True), M.dropout(x, 0.0, True))
@w
def mlp_xavier_no_receptive_field(R, M):
    torch.manual_seed(1); a = R.xavier_uniform_(torch.empty(8, 4, 3, 3)); torch.manual_seed(1); b = M.xavier_uniform_(torch.empty(8, 4, 3, 3))
    return neq(a, b)
@w
def mlp_train_epoch_batch_mean(R, M):
    torch.manual_seed(0); X = torch.randn(4, 3); Y = torch.randn(4, 1); loader = [(X[:3], Y[:3]), (X[3:], Y[3:])]
    res = []
    for mod in (R, M):
        torch.manual_seed(0); net = nn.Linear(3, 1); opt = torch.optim.SGD(net.parameters(), lr=0.0)
        res.append(mod.train_epoch(net, loader, nn.MSELoss(), opt, "cpu"))
    return neq(*res)
@w
def mlp_evaluate_no_eval_mode(R, M):
    res = []
    for mod in (R, M):
        torch.manual_seed(0); net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        with torch.no_grad(): net[1].running_mean.fill_(5.0)
        X = torch.randn(8, 2); y = (net.eval()(X).argmax(1)); net.train()
        res.append((mod.evaluate(net, [(X, y)], "cpu"), net[1].running_mean.clone()))
    return neq(res[0], res[1])
@w
def cnn_conv_output_size_padding_once(R, M): return neq(R.conv_output_size(5, 3, 1, 1), M.conv_output_size(5, 3, 1, 1))
@w
def cnn_conv2d_flipped_kernel(R, M):
    x = torch.randn(2, 3, 6, 6, generator=g); k = torch.randn(4, 3, 3, 3, generator=g); b = torch.randn(4, generator=g)
    return neq(M.conv2d(x, k, b, 1, 0), F.conv2d(x, k, b, 1, 0)) and not neq(R.conv2d(x, k, b, 1, 0), F.conv2d(x, k, b, 1, 0))
@w
def cnn_max_pool_default_stride_1(R, M):
    x = torch.randn(1, 1, 4, 4, generator=g); return neq(R.max_pool2d(x, 2), M.max_pool2d(x, 2))
@w
def cnn_corr2d_off_by_one(R, M):
    x = torch.randn(3, 3, generator=g); k = torch.randn(2, 2, generator=g); return neq(R.corr2d(x, k), M.corr2d(x, k))
def _incep(R, M):
    a, b = same_model(R, M, "InceptionA", 3); x = torch.randn(2, 3, 6, 6, generator=g)
    return neq(a(x), b(x))
@w
def inception_relu_in_branches(R, M): return _incep(R, M)
@w
def inception_max_pool_branch(R, M): return _incep(R, M)
@w
def inception_conv_mults_with_bias(R, M): return neq(R.conv_mults(28, 28, 192, 32, 5), M.conv_mults(28, 28, 192, 32, 5))
@w
def inception_googlenet_hardcoded_fc(R, M):
    x = torch.randn(2, 1, 8, 8); ok28 = M.GoogLeNetMini(1, 10, 28)(torch.randn(2, 1, 28, 28)).shape == (2, 10)
    R.GoogLeNetMini(1, 10, 8)(x); return ok28 and raises(lambda: M.GoogLeNetMini(1, 10, 8)(x))
@w
def resnet_residual_relu_before_add(R, M):
    a, b = same_model(R, M, "ResidualBlock", 3); x = torch.randn(2, 3, 5, 5, generator=g); return neq(a(x), b(x))
@w
def resnet_batch_norm_momentum_swapped(R, M):
    x = torch.randn(6, 3, generator=g) + 2; out = []
    for mod in (R, M):
        rm, rv = torch.zeros(3), torch.ones(3); y = mod.batch_norm(x, torch.ones(3), torch.zeros(3), rm, rv, True, 0.1, 1e-5); out.append((y, rm, rv))
    return neq(out[0], out[1])
@w
def resnet_basicblock_no_identity_shortcut(R, M):
    a, b = same_model(R, M, "BasicBlock", 4, 4, 1); x = torch.randn(2, 4, 6, 6, generator=g); return neq(a(x), b(x))
@w
def resnet_smallresnet_flatten_hardcoded(R, M):
    torch.manual_seed(0); m = M.SmallResNet(1, 10); ok28 = m(torch.randn(2, 1, 28, 28)).shape == (2, 10)
    R.SmallResNet(1, 10)(torch.randn(2, 1, 8, 8)); return ok28 and raises(lambda: m(torch.randn(2, 1, 8, 8)))
@w
def rnn_cell_untransposed(R, M):
    c = nn.RNNCell(3, 3); x = torch.randn(2, 3, generator=g); h = torch.randn(2, 3, generator=g)
    a = (x, h, c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh); return neq(M.rnn_cell(*a), c(x, h)) and not neq(R.rnn_cell(*a), c(x, h))
@w
def rnn_forward_state_not_updated(R, M):
    r = nn.RNN(2, 3); x = torch.randn(3, 2, 2, generator=g); h0 = torch.randn(1, 2, 3, generator=g)
    with torch.no_grad(): return neq(M.rnn_forward(x, h0, r.all_weights), r(x, h0)) and not neq(R.rnn_forward(x, h0, r.all_weights), r(x, h0))
@w
def rnn_encode_chars_float(R, M): return neq(R.encode_chars("hello", "ehlo"), M.encode_chars("hello", "ehlo"))
@w
def rnn_gru_update_gate_swapped(R, M):
    c = nn.GRUCell(2, 3); x = torch.randn(2, 2, generator=g); h = torch.randn(2, 3, generator=g)
    a = (x, h, c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh)
    with torch.no_grad(): return neq(M.gru_cell(*a), c(x, h)) and not neq(R.gru_cell(*a), c(x, h))

labels = json.load(open(D + "labels.json")); bad = 0
for L in labels:
    name = L["file"][:-3]; R = ref(L["topic"]); M = load(D + L["file"], "mut_" + name)
    src = open(D + L["file"]).read(); assert "solutions" not in src.replace("my attempt, following exercises", "")
    try: ok = bool(W[name](R, M))
    except Exception as e: ok = False; print("ERR", name, repr(e))
    print("OK " if ok else "FAIL", name); bad += not ok
print(len(labels), "checked,", bad, "failed")
