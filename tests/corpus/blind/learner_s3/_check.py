"""Witnesses: each mistake file differs from the reference on an input its docstring allows.

Run: nice -n 10 /work/main/.venv/bin/python _check.py      (prints one line per file; exit 1 on any failure)
Plain torch only; the reference module is imported for comparison.
"""
import copy
import importlib.util
import json
import os
import sys
import traceback

import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_num_threads(1)


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_REF = {}


def ref(topic):
    if topic not in _REF:
        _REF[topic] = _load(f"/work/main/solutions/{topic}.py", f"ref_{topic}")
    return _REF[topic]


def mis(name):
    return _load(os.path.join(HERE, name + ".py"), "mis_" + name)


def raises(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).splitlines()[0][:80]}"
    return None


def differ(a, b, rtol=1e-5, atol=1e-6):
    """True when a and b differ (shape, dtype or values beyond tolerance, NaN where the other has none)."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
            return True
        if a.shape != b.shape or a.dtype != b.dtype:
            return True
        return not torch.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    if isinstance(a, (list, tuple)):
        return type(a) is not type(b) or len(a) != len(b) or any(differ(x, y, rtol, atol) for x, y in zip(a, b))
    if type(a) is not type(b):
        return True
    if isinstance(a, float):
        return not abs(a - b) <= atol + rtol * abs(b)
    return a != b


W = {}


def witness(fn):
    W[fn.__name__] = fn
    return fn


# ------------------------------------------------------------------------------------------- tensors
@witness
def tensors_row_normalize_no_keepdim(R, M):
    torch.manual_seed(0)
    x = torch.rand(3, 3) + 0.1
    r, m = R.row_normalize(x), M.row_normalize(x)
    err = raises(lambda: M.row_normalize(torch.rand(2, 3)))
    return differ(m, r), f"3x3 max|diff|={float((m - r).abs().max()):.3g}; (2,3) -> {err}"


@witness
def tensors_row_normalize_wrong_axis(R, M):
    torch.manual_seed(0)
    x = torch.rand(3, 4) + 0.1
    r, m = R.row_normalize(x), M.row_normalize(x)
    return differ(m, r), f"row sums of mistake {m.sum(1).tolist()}"


@witness
def tensors_add_into_rebinds_z(R, M):
    x, y = torch.tensor([1., 2., 3.]), torch.tensor([4., 5., 6.])
    z = torch.zeros(3)
    ptr = z.data_ptr()
    out = M.add_into(z, x, y)
    z2 = torch.zeros(3)
    R.add_into(z2, x, y)
    return differ(z, z2) or out.data_ptr() != ptr, f"caller z after call {z.tolist()} (reference {z2.tolist()}), same storage: {out.data_ptr() == ptr}"


@witness
def tensors_accuracy_argmax_dim0(R, M):
    y_hat = torch.tensor([[0.9, 0.05, 0.05], [0.8, 0.1, 0.1], [0.7, 0.2, 0.1]])
    y = torch.tensor([0, 0, 0])
    r, m = R.accuracy(y_hat, y), M.accuracy(y_hat, y)
    return differ(m, r), f"reference {r}, mistake {m}"


@witness
def tensors_fill_nan_mean_counts_nans(R, M):
    x = torch.tensor([[1., float("nan")], [3., 4.]])
    r, m = R.fill_nan_with_column_mean(x), M.fill_nan_with_column_mean(x)
    return differ(m, r), f"reference {r.tolist()}, mistake {m.tolist()}"


@witness
def tensors_fill_nan_writes_input(R, M):
    x = torch.tensor([[1., float("nan")], [3., 4.]])
    keep = x.clone()
    r = R.fill_nan_with_column_mean(x.clone())
    m = M.fill_nan_with_column_mean(x)
    changed = not torch.equal(torch.isnan(x), torch.isnan(keep))
    return changed, f"values equal: {not differ(m, r)}; caller x after call {x.tolist()}"


@witness
def tensors_flatten_batch_drops_channels(R, M):
    x = torch.randn(2, 3, 4, 4)
    r, m = R.flatten_batch(x), M.flatten_batch(x)
    return differ(m, r), f"reference {tuple(r.shape)}, mistake {tuple(m.shape)}"


@witness
def tensors_matmul_transposed_b(R, M):
    torch.manual_seed(0)
    a, b = torch.randn(2, 3), torch.randn(3, 3)
    r, m = R.matmul(a, b), M.matmul(a, b)
    err = raises(lambda: M.matmul(torch.randn(2, 3), torch.randn(3, 4)))
    return differ(m, r), f"square b: equals a@b.T: {torch.allclose(m, a @ b.T, atol=1e-6)}; b (3,4) -> {err}"


@witness
def tensors_norms_l2_missing_sqrt(R, M):
    x = torch.tensor([3., 4.])
    r, m = R.norms(x), M.norms(x)
    return differ(m, r), f"reference L2 {float(r[1])}, mistake {float(m[1])}"


# ------------------------------------------------------------------------------------------- autograd
@witness
def autograd_linear_grad_missing_factor_2(R, M):
    w, x, y = torch.tensor(2.), torch.tensor([1., 2.]), torch.tensor([0., 1.])
    r, m = R.linear_grad(w, x, y), M.linear_grad(w, x, y)
    return differ(m, r), f"reference {float(r)}, mistake {float(m)}"


@witness
def autograd_quadratic_grads_residual_sign(R, M):
    one = torch.tensor(1.)
    x, y = torch.tensor([1., 2.]), torch.tensor([0., 0.])
    r, m = R.quadratic_grads(one, one, one, x, y), M.quadratic_grads(one, one, one, x, y)
    return differ(m, r), f"reference {[float(v) for v in r]}, mistake {[float(v) for v in m]}"


@witness
def autograd_grad_of_vector_fn_mutates_caller(R, M):
    x = torch.tensor([1., 2.])
    f = lambda t: t ** 2  # noqa: E731
    r = R.grad_of_vector_fn(f, x.clone())
    m = M.grad_of_vector_fn(f, x)
    m_vals = m.clone()
    flag, has_grad = x.requires_grad, x.grad is not None
    m2 = M.grad_of_vector_fn(f, x)
    return flag or has_grad, (f"values equal first call: {not differ(m_vals, r)}; x.requires_grad={flag}, x.grad set={has_grad}; "
                              f"second call returns {m2.tolist()}")


@witness
def autograd_detach_grad_not_detached(R, M):
    x = torch.tensor([1., 2.])
    r, m = R.detach_grad(x), M.detach_grad(x)
    return differ(m, r), f"reference {r.tolist()}, mistake {m.tolist()}"


@witness
def autograd_sigmoid_backward_ignores_grad_output(R, M):
    x1 = torch.tensor([0.5, -1.], requires_grad=True)
    x2 = x1.detach().clone().requires_grad_(True)
    (3 * R.Sigmoid.apply(x1)).sum().backward()
    (3 * M.Sigmoid.apply(x2)).sum().backward()
    return differ(x2.grad, x1.grad), f"reference {x1.grad.tolist()}, mistake {x2.grad.tolist()}"


@witness
def autograd_numerical_grad_not_restored(R, M):
    f = lambda t: (t ** 2).prod()  # noqa: E731
    x1 = torch.tensor([1., 2.], dtype=torch.float64)
    x2 = x1.clone()
    r, m = R.numerical_grad(f, x1), M.numerical_grad(f, x2)
    return differ(x2, x1, rtol=0, atol=0) or differ(m, r, rtol=1e-7, atol=0), \
        f"x after call {x2.tolist()}; grad reference {r.tolist()}, mistake {m.tolist()}"


@witness
def autograd_value_backward_overwrites(R, M):
    a = M.Value(3.0)
    b = a * a
    b.backward()
    a2 = R.Value(3.0)
    (a2 * a2).backward()
    return a.grad != a2.grad, f"reference {a2.grad}, mistake {a.grad}"


@witness
def autograd_value_relu_grad_at_zero(R, M):
    a = M.Value(0.0)
    a.relu().backward()
    a2 = R.Value(0.0)
    a2.relu().backward()
    return a.grad != a2.grad, f"reference {a2.grad}, mistake {a.grad}"


# ------------------------------------------------------------------------------------------- losses
@witness
def losses_l1_abs_after_mean(R, M):
    yh, y = torch.tensor([1., -1.]), torch.tensor([0., 0.])
    r, m = R.l1(yh, y, "mean"), M.l1(yh, y, "mean")
    return differ(m, r), f"reference {float(r)}, mistake {float(m)}"


@witness
def losses_huber_linear_part_without_delta(R, M):
    yh, y = torch.tensor([3.]), torch.tensor([0.])
    r, m = R.huber(yh, y, 2.0), M.huber(yh, y, 2.0)
    same_default = not differ(M.huber(yh, y, 1.0), R.huber(yh, y, 1.0))
    return differ(m, r), f"delta=2: reference {float(r)}, mistake {float(m)}; delta=1 agrees: {same_default}"


@witness
def losses_sigmoid_naive_exp_ratio(R, M):
    x = torch.tensor([100., 1000., -5.])
    r, m = R.sigmoid(x), M.sigmoid(x)
    return differ(m, r), f"reference {r.tolist()}, mistake {m.tolist()}"


@witness
def losses_bce_no_log_floor(R, M):
    p, y = torch.tensor([0., 1.]), torch.tensor([0., 1.])
    r, m = R.bce(p, y), M.bce(p, y)
    r2, m2 = R.bce(torch.tensor([0.]), torch.tensor([1.])), M.bce(torch.tensor([0.]), torch.tensor([1.]))
    return differ(m, r), f"p=[0,1],y=[0,1]: reference {float(r)}, mistake {float(m)}; p=0,y=1: {float(r2)} vs {float(m2)}"


@witness
def losses_bce_with_logits_sigmoid_then_log(R, M):
    z, y = torch.tensor([1000., -1000.]), torch.tensor([0., 1.])
    r, m = R.bce_with_logits(z, y), M.bce_with_logits(z, y)
    return differ(m, r), f"reference {float(r)}, mistake {float(m)}"


@witness
def losses_softmax_max_without_keepdim(R, M):
    x = torch.tensor([[1000., 0.], [0., 0.]])
    r, m = R.softmax(x, -1), M.softmax(x, -1)
    return differ(m, r), f"reference {r.tolist()}, mistake {m.tolist()}"


@witness
def losses_log_softmax_log_of_softmax(R, M):
    x = torch.tensor([[1000., -1000.]])
    r, m = R.log_softmax(x, -1), M.log_softmax(x, -1)
    return differ(m, r), f"reference {r.tolist()}, mistake {m.tolist()}"


@witness
def losses_cross_entropy_sum_over_batch(R, M):
    torch.manual_seed(0)
    z, t = torch.randn(4, 3), torch.tensor([0, 1, 2, 0])
    r, m = R.cross_entropy(z, t), M.cross_entropy(z, t)
    return differ(m, r), f"reference {float(r):.4f} (F: {float(F.cross_entropy(z, t)):.4f}), mistake {float(m):.4f}"


@witness
def losses_cross_entropy_log_softmax_dim0(R, M):
    torch.manual_seed(0)
    z, t = torch.randn(4, 3), torch.tensor([0, 1, 2, 0])
    r, m = R.cross_entropy(z, t), M.cross_entropy(z, t)
    return differ(m, r), f"reference {float(r):.4f}, mistake {float(m):.4f}"


@witness
def losses_entropy_nan_at_zero(R, M):
    p = torch.tensor([[0.5, 0.5, 0.]])
    r, m = R.entropy(p), M.entropy(p)
    return differ(m, r), f"reference {r.tolist()}, mistake {m.tolist()}"


@witness
def losses_kl_div_arguments_swapped(R, M):
    p, q = torch.tensor([0.9, 0.1]), torch.tensor([0.5, 0.5])
    r, m = R.kl_div(p, q), M.kl_div(p, q)
    return differ(m, r), f"reference {float(r):.4f}, mistake {float(m):.4f}"


# ------------------------------------------------------------------------------------------- optim
def _run_opt(cls, steps=3, **kw):
    torch.manual_seed(0)
    p = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = cls([p], **kw)
    for _ in range(steps):
        opt.zero_grad()
        ((p - 0.3) ** 2).sum().backward()
        opt.step()
    return p.detach().clone()


@witness
def optim_adam_no_bias_correction(R, M):
    t = _run_opt(torch.optim.Adam, lr=0.1)
    m = _run_opt(M.Adam, lr=0.1)
    r = _run_opt(R.Adam, lr=0.1)
    return differ(m, t, rtol=1e-4, atol=1e-6) and not differ(r, t, rtol=1e-4), f"torch {t.tolist()}, mistake {m.tolist()}"


@witness
def optim_sgd_momentum_buffer_from_zero(R, M):
    kw = dict(lr=0.1, momentum=0.9, dampening=0.5)
    t, m = _run_opt(torch.optim.SGD, **kw), _run_opt(M.SGD, **kw)
    kw0 = dict(lr=0.1, momentum=0.9)
    same0 = not differ(_run_opt(M.SGD, **kw0), _run_opt(torch.optim.SGD, **kw0), rtol=1e-4)
    return differ(m, t, rtol=1e-4, atol=1e-6), f"dampening .5: torch {t.tolist()}, mistake {m.tolist()}; dampening 0 agrees: {same0}"


@witness
def optim_gd_fit_records_loss_after_step(R, M):
    x = torch.tensor([1., 2., 3.])
    y = 2 * x
    r, m = R.gd_fit(x, y, 0.01, 3), M.gd_fit(x, y, 0.01, 3)
    return differ(m, r), f"reference losses {[round(v, 4) for v in r[1]]}, mistake {[round(v, 4) for v in m[1]]}"


@witness
def optim_sgd_fit_one_permutation(R, M):
    torch.manual_seed(1)
    x = torch.randn(6)
    y = 3 * x + 0.1 * torch.randn(6)
    r = R.sgd_fit(x, y, 0.05, 3, torch.Generator().manual_seed(0))
    m = M.sgd_fit(x, y, 0.05, 3, torch.Generator().manual_seed(0))
    return differ(m, r, rtol=1e-9, atol=1e-12), f"reference w {r[0]:.6f}, mistake w {m[0]:.6f}"


@witness
def optim_minibatch_drops_last(R, M):
    r = [t.tolist() for t in R.minibatch_indices(10, 4, shuffle=False)]
    m = [t.tolist() for t in M.minibatch_indices(10, 4, shuffle=False)]
    return r != m, f"reference {r}, mistake {m}"


@witness
def optim_ema_starts_from_first_value(R, M):
    v = torch.tensor([1., 2., 3.])
    r, m = R.ema(v, 0.9, True), M.ema(v, 0.9, True)
    r0, m0 = R.ema(v, 0.9, False), M.ema(v, 0.9, False)
    return differ(m, r, rtol=1e-4), f"corrected: reference {r.tolist()}, mistake {m.tolist()}; uncorrected: {r0.tolist()} vs {m0.tolist()}"


@witness
def optim_k_fold_split_by_size(R, M):
    r, m = R.k_fold_indices(10, 3), M.k_fold_indices(10, 3)
    return [len(f) for f in r] != [len(f) for f in m], f"reference sizes {[len(f) for f in r]}, mistake {[len(f) for f in m]}"


@witness
def optim_dataset_label_flat(R, M):
    path = "/work/main/datasets/diabetes.csv.gz"
    r, m = R.DiabetesDataset(path)[0], M.DiabetesDataset(path)[0]
    return differ(m[1], r[1]), f"label shape reference {tuple(r[1].shape)}, mistake {tuple(m[1].shape)}"


@witness
def optim_closed_form_adds_bias_column(R, M):
    torch.manual_seed(0)
    X, y = torch.randn(20, 3), torch.randn(20)
    r, m = R.closed_form_linear_regression(X, y), M.closed_form_linear_regression(X, y)
    return differ(m, r), f"reference {tuple(r.shape)}, mistake {tuple(m.shape)}"


# ------------------------------------------------------------------------------------------- mlp
@witness
def mlp_dropout_no_rescale(R, M):
    x = torch.ones(1000)
    torch.manual_seed(0)
    r = R.dropout(x, 0.5, True)
    torch.manual_seed(0)
    m = M.dropout(x, 0.5, True)
    return differ(m, r), f"kept values reference {r.max().item()}, mistake {m.max().item()}"


@witness
def mlp_dropout_keeps_with_prob_p(R, M):
    x = torch.ones(10000)
    torch.manual_seed(0)
    r = R.dropout(x, 0.2, True)
    torch.manual_seed(0)
    m = M.dropout(x, 0.2, True)
    return differ(m, r), f"kept fraction reference {(r != 0).float().mean():.3f}, mistake {(m != 0).float().mean():.3f}"


@witness
def mlp_xavier_ignores_receptive_field(R, M):
    torch.manual_seed(0)
    r = R.xavier_uniform_(torch.empty(16, 3, 3, 3))
    torch.manual_seed(0)
    m = M.xavier_uniform_(torch.empty(16, 3, 3, 3))
    return differ(m, r), f"max|w| reference {r.abs().max():.3f}, mistake {m.abs().max():.3f}"


@witness
def mlp_xavier_normal_std_bound(R, M):
    torch.manual_seed(0)
    r = R.xavier_uniform_(torch.empty(50, 30))
    torch.manual_seed(0)
    m = M.xavier_uniform_(torch.empty(50, 30))
    return differ(m, r), f"max|w| reference {r.abs().max():.3f}, mistake {m.abs().max():.3f}"


@witness
def mlp_tanh_naive_exp(R, M):
    x = torch.tensor([1000., -1000., 0.5])
    r, m = R.tanh(x), M.tanh(x)
    return differ(m, r), f"reference {r.tolist()}, mistake {m.tolist()}"


@witness
def mlp_relu_in_place(R, M):
    x = torch.tensor([-1., 2.])
    r = R.relu(x.clone())
    m = M.relu(x)
    leaf = raises(lambda: M.relu(torch.tensor([-1., 2.], requires_grad=True)))
    return x.tolist() != [-1., 2.], f"values equal {not differ(m, r)}; caller x now {x.tolist()}; leaf requiring grad -> {leaf}"


def _train(mod, shuffle_sizes=(2, 2, 2)):
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    xs = torch.randn(sum(shuffle_sizes), 3)
    ys = torch.randn(sum(shuffle_sizes), 1)
    loader, i = [], 0
    for s in shuffle_sizes:
        loader.append((xs[i:i + s], ys[i:i + s]))
        i += s
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = mod.train_epoch(model, loader, F.mse_loss, opt, "cpu")
    return loss, torch.cat([p.detach().flatten() for p in model.parameters()])


@witness
def mlp_train_epoch_no_zero_grad(R, M):
    rl, rp = _train(R)
    ml, mp = _train(M)
    return differ(mp, rp) or differ(ml, rl), f"loss reference {rl:.4f}, mistake {ml:.4f}; params differ {differ(mp, rp)}"


@witness
def mlp_train_epoch_unweighted_mean(R, M):
    rl, rp = _train(R, (2, 2, 1))
    ml, mp = _train(M, (2, 2, 1))
    return differ(ml, rl), f"loss reference {rl:.4f}, mistake {ml:.4f}; params equal {not differ(mp, rp)}"


@witness
def mlp_evaluate_forgets_eval_mode(R, M):
    torch.manual_seed(0)
    x, y = torch.randn(200, 4), torch.randint(0, 3, (200,))
    loader = [(x[i:i + 50], y[i:i + 50]) for i in range(0, 200, 50)]
    torch.manual_seed(1)
    model = R.MLP([4, 64, 3], dropout=0.9)
    model.train()
    torch.manual_seed(2)
    r = R.evaluate(model, loader, "cpu")
    model.train()
    torch.manual_seed(2)
    m = M.evaluate(model, loader, "cpu")
    return model.training or differ(m, r), f"accuracy reference {r:.3f}, mistake {m:.3f}; model.training after mistake {model.training}"


@witness
def mlp_mlp_activation_on_output(R, M):
    torch.manual_seed(0)
    r_model = R.MLP([4, 5, 3])
    m_model = M.MLP([4, 5, 3])
    m_model.load_state_dict(r_model.state_dict())
    x = torch.randn(6, 4)
    r, m = r_model(x), m_model(x)
    return differ(m, r), f"negative logits reference {(r < 0).sum().item()}, mistake {(m < 0).sum().item()}"


@witness
def mlp_diabetesnet_no_last_sigmoid(R, M):
    torch.manual_seed(0)
    r_model, m_model = R.DiabetesNet(7), M.DiabetesNet(7)
    m_model.load_state_dict(r_model.state_dict())
    x = torch.randn(5, 7)
    r, m = r_model(x), m_model(x)
    return differ(m, r), f"sigmoid(mistake) == reference: {torch.allclose(torch.sigmoid(m), r)}"


# ------------------------------------------------------------------------------------------- cnn
@witness
def cnn_conv_output_size_single_padding(R, M):
    r, m = R.conv_output_size(5, 3, 1, 1), M.conv_output_size(5, 3, 1, 1)
    return r != m, f"reference {r}, mistake {m}"


@witness
def cnn_conv_output_size_true_division(R, M):
    r, m = R.conv_output_size(6, 3, 0, 2), M.conv_output_size(6, 3, 0, 2)
    r2, m2 = R.conv_output_size(5, 3, 0, 1), M.conv_output_size(5, 3, 0, 1)
    return r != m or type(r2) is not type(m2), f"(6,3,0,2): reference {r!r}, mistake {m!r}; (5,3,0,1): {r2!r} vs {m2!r}"


@witness
def cnn_corr2d_off_by_one(R, M):
    x, k = torch.randn(4, 4), torch.randn(2, 2)
    r, m = R.corr2d(x, k), M.corr2d(x, k)
    return differ(m, r), f"reference {tuple(r.shape)}, mistake {tuple(m.shape)}"


@witness
def cnn_corr2d_flipped_kernel(R, M):
    x, k = torch.arange(9.).view(3, 3), torch.tensor([[0., 1.], [2., 3.]])
    r, m = R.corr2d(x, k), M.corr2d(x, k)
    return differ(m, r), f"reference {r.tolist()}, mistake {m.tolist()}"


@witness
def cnn_conv2d_bias_last_axis(R, M):
    torch.manual_seed(0)
    x, w, b = torch.randn(1, 1, 3, 3), torch.randn(4, 1, 2, 2), torch.tensor([1., 2., 3., 4.])
    r, m = R.conv2d(x, w, b), M.conv2d(x, w, b)
    t = F.conv2d(x, w, b)
    err = raises(lambda: M.conv2d(torch.randn(1, 1, 5, 5), w, b))
    return differ(m, r, atol=1e-5), f"L=C_out: matches F.conv2d {torch.allclose(m, t, atol=1e-5)}; 5x5 input -> {err}"


@witness
def cnn_max_pool_default_stride_one(R, M):
    x = torch.randn(1, 1, 4, 4)
    r, m = R.max_pool2d(x, 2), M.max_pool2d(x, 2)
    return differ(m, r), f"reference {tuple(r.shape)}, mistake {tuple(m.shape)}"


@witness
def cnn_simplecnn_hard_coded_flatten(R, M):
    torch.manual_seed(0)
    r = R.SimpleCNN()(torch.randn(2, 1, 8, 8))
    err = raises(lambda: M.SimpleCNN()(torch.randn(2, 1, 8, 8)))
    ok28 = M.SimpleCNN()(torch.randn(2, 1, 28, 28)).shape
    return err is not None, f"8x8: reference {tuple(r.shape)}, mistake -> {err}; 28x28 mistake {tuple(ok28)}"


# ------------------------------------------------------------------------------------------- inception
def _same_weights(R, M, cls, *args):
    torch.manual_seed(0)
    r_model = getattr(R, cls)(*args)
    m_model = getattr(M, cls)(*args)
    m_model.load_state_dict(r_model.state_dict())
    return r_model, m_model


@witness
def inception_branch_order_swapped(R, M):
    r_model, m_model = _same_weights(R, M, "InceptionA", 3)
    x = torch.randn(2, 3, 6, 6)
    r, m = r_model(x), m_model(x)
    bad = [c for c in range(88) if differ(m[:, c], r[:, c])]
    return differ(m, r), f"shapes {tuple(r.shape)} vs {tuple(m.shape)}; differing channels {bad[0]}..{bad[-1]}"


@witness
def inception_relu_inside_branches(R, M):
    r_model, m_model = _same_weights(R, M, "InceptionA", 3)
    x = torch.randn(2, 3, 6, 6)
    r, m = r_model(x), m_model(x)
    bad = [c for c in range(88) if differ(m[:, c], r[:, c])]
    return differ(m, r), f"differing channels {bad[0]}..{bad[-1]} ({len(bad)})"


@witness
def inception_pool_branch_max_pool(R, M):
    r_model, m_model = _same_weights(R, M, "InceptionA", 3)
    x = torch.randn(2, 3, 6, 6)
    r, m = r_model(x), m_model(x)
    bad = [c for c in range(88) if differ(m[:, c], r[:, c])]
    return differ(m, r), f"differing channels {bad[0]}..{bad[-1]} ({len(bad)})"


@witness
def inception_conv_mults_k_not_squared(R, M):
    r, m = R.conv_mults(28, 28, 192, 32, 5), M.conv_mults(28, 28, 192, 32, 5)
    return r != m, f"reference {r}, mistake {m}"


@witness
def inception_googlenet_hard_coded_1408(R, M):
    torch.manual_seed(0)
    r = R.GoogLeNetMini(1, 10, 8)(torch.randn(2, 1, 8, 8))
    e8 = raises(lambda: M.GoogLeNetMini(1, 10, 8)(torch.randn(2, 1, 8, 8)))
    e28 = raises(lambda: M.GoogLeNetMini(1, 10, 28)(torch.randn(2, 1, 28, 28)))
    return e8 is not None, f"reference {tuple(r.shape)}; mistake 8 -> {e8}; 28 -> {e28}"


@witness
def inception_googlenet_no_padding(R, M):
    torch.manual_seed(0)
    r = R.GoogLeNetMini(1, 10, 8)(torch.randn(2, 1, 8, 8))
    e8 = raises(lambda: M.GoogLeNetMini(1, 10, 8)(torch.randn(2, 1, 8, 8)))
    ok28 = M.GoogLeNetMini(1, 10, 28)(torch.randn(2, 1, 28, 28)).shape
    return e8 is not None, f"reference {tuple(r.shape)}; mistake 8 -> {e8}; 28 -> {tuple(ok28)}"


# ------------------------------------------------------------------------------------------- resnet
@witness
def resnet_residual_relu_before_sum(R, M):
    r_model, m_model = _same_weights(R, M, "ResidualBlock", 4)
    x = torch.randn(2, 4, 5, 5)
    r, m = r_model(x), m_model(x)
    return differ(m, r), f"min reference {r.min():.3f}, mistake {m.min():.3f}"


def _bn(mod, x, rm, rv, training, **kw):
    c = x.shape[1]
    g, b = torch.linspace(0.5, 1.5, c, dtype=x.dtype), torch.linspace(-0.2, 0.2, c, dtype=x.dtype)
    y = mod.batch_norm(x, g, b, rm, rv, training, **kw)
    return y, rm, rv


def _bn_torch(x, rm, rv, training, momentum=0.1, eps=1e-5):
    c = x.shape[1]
    g, b = torch.linspace(0.5, 1.5, c, dtype=x.dtype), torch.linspace(-0.2, 0.2, c, dtype=x.dtype)
    y = F.batch_norm(x, rm, rv, g, b, training, momentum, eps)
    return y, rm, rv


@witness
def resnet_batch_norm_unbiased_normalise(R, M):
    torch.manual_seed(0)
    x = torch.randn(4, 3)
    t = _bn_torch(x, torch.zeros(3), torch.ones(3), True)
    m = _bn(M, x, torch.zeros(3), torch.ones(3), True)
    return differ(m[0], t[0]), f"max|y diff| vs F.batch_norm {float((m[0] - t[0]).abs().max()):.3g}"


@witness
def resnet_batch_norm_momentum_swapped(R, M):
    torch.manual_seed(0)
    x = torch.randn(4, 3)
    t = _bn_torch(x, torch.zeros(3), torch.ones(3), True)
    m = _bn(M, x, torch.zeros(3), torch.ones(3), True, momentum=0.1)
    return differ(m[1], t[1]) or differ(m[2], t[2]), \
        f"y equal {not differ(m[0], t[0])}; running_mean torch {t[1].tolist()}, mistake {m[1].tolist()}"


@witness
def resnet_batch_norm_eval_uses_batch_stats(R, M):
    torch.manual_seed(0)
    x = torch.randn(4, 3) + 5
    t = _bn_torch(x, torch.zeros(3), torch.ones(3), False)
    m = _bn(M, x, torch.zeros(3), torch.ones(3), False)
    return differ(m[0], t[0]), f"mean of y: torch {float(t[0].mean()):.3f}, mistake {float(m[0].mean()):.3f}"


@witness
def resnet_batch_norm_var_from_squares(R, M):
    torch.manual_seed(0)
    x = 1e5 + 1e-2 * torch.randn(8, 3, dtype=torch.float64)
    t = _bn_torch(x, torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64), True)
    m = _bn(M, x, torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64), True)
    r = _bn(R, x, torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64), True)
    return differ(m[0], t[0], rtol=1e-7, atol=1e-6) and not differ(r[0], t[0], rtol=1e-7, atol=1e-6), \
        f"max|y diff| mistake {float((m[0] - t[0]).abs().max()):.3g}, reference {float((r[0] - t[0]).abs().max()):.3g}"


@witness
def resnet_basicblock_projection_only_on_channels(R, M):
    torch.manual_seed(0)
    r = R.BasicBlock(8, 8, 2)(torch.randn(2, 8, 6, 6))
    err = raises(lambda: M.BasicBlock(8, 8, 2)(torch.randn(2, 8, 6, 6)))
    return err is not None, f"reference {tuple(r.shape)}, mistake -> {err}"


@witness
def resnet_basicblock_stride_on_second_conv(R, M):
    r_model, m_model = _same_weights(R, M, "BasicBlock", 4, 8, 2)
    x = torch.randn(2, 4, 6, 6)
    r, m = r_model(x), m_model(x)
    return differ(m, r), f"shapes {tuple(r.shape)} vs {tuple(m.shape)}, max|diff| {float((m - r).abs().max()):.3g}"


# ------------------------------------------------------------------------------------------- rnn
def _cell_params(inp, hid, gates=1):
    torch.manual_seed(0)
    cell = (nn.RNNCell if gates == 1 else nn.GRUCell)(inp, hid)
    return cell, (cell.weight_ih.detach(), cell.weight_hh.detach(), cell.bias_ih.detach(), cell.bias_hh.detach())


@witness
def rnn_cell_untransposed_weights(R, M):
    cell, p = _cell_params(3, 3)
    x, h = torch.randn(2, 3), torch.randn(2, 3)
    t, m = cell(x, h).detach(), M.rnn_cell(x, h, *p)
    cell2, p2 = _cell_params(5, 3)
    err = raises(lambda: M.rnn_cell(torch.randn(2, 5), torch.randn(2, 3), *p2))
    return differ(m, t, atol=1e-5), f"square: max|diff| {float((m - t).abs().max()):.3g}; input 5 hidden 3 -> {err}"


@witness
def rnn_cell_forgets_b_hh(R, M):
    cell, p = _cell_params(5, 3)
    x, h = torch.randn(2, 5), torch.randn(2, 3)
    t, m = cell(x, h).detach(), M.rnn_cell(x, h, *p)
    return differ(m, t, atol=1e-5), f"max|diff| vs nn.RNNCell {float((m - t).abs().max()):.3g}"


def _rnn(inp, hid, layers):
    torch.manual_seed(0)
    rnn = nn.RNN(inp, hid, num_layers=layers)
    params = [tuple(w.detach() for w in ws) for ws in rnn.all_weights]
    return rnn, params


@witness
def rnn_forward_same_h0_every_layer(R, M):
    rnn, params = _rnn(3, 4, 2)
    x, h0 = torch.randn(5, 2, 3), torch.randn(2, 2, 4)
    to, th = rnn(x, h0)
    mo, mh = M.rnn_forward(x, h0, params)
    zo, zh = M.rnn_forward(x, torch.zeros(2, 2, 4), params)
    tzo, _ = rnn(x, torch.zeros(2, 2, 4))
    return differ(mh, th.detach(), atol=1e-5), f"h_n max|diff| {float((mh - th).abs().max()):.3g}; zero h0 agrees {not differ(zo, tzo.detach(), atol=1e-5)}"


@witness
def rnn_forward_every_layer_reads_x(R, M):
    rnn, params = _rnn(4, 4, 2)
    x, h0 = torch.randn(5, 2, 4), torch.randn(2, 2, 4)
    to, th = rnn(x, h0)
    mo, mh = M.rnn_forward(x, h0, params)
    _, p2 = _rnn(3, 4, 2)
    err = raises(lambda: M.rnn_forward(torch.randn(5, 2, 3), torch.randn(2, 2, 4), p2))
    return differ(mo, to.detach(), atol=1e-5), f"output max|diff| {float((mo - to).abs().max()):.3g}; input 3 hidden 4 -> {err}"


@witness
def rnn_embedding_flattens_index(R, M):
    w, idx = torch.randn(5, 3), torch.tensor([[0, 1, 2], [4, 4, 1]])
    r, m = R.embedding_lookup(w, idx), M.embedding_lookup(w, idx)
    return differ(m, r), f"reference {tuple(r.shape)}, mistake {tuple(m.shape)}"


@witness
def rnn_encode_chars_float_tensor(R, M):
    r, m = R.encode_chars("hello", "ehlo"), M.encode_chars("hello", "ehlo")
    return differ(m, r), f"reference {r.tolist()} {r.dtype}, mistake {m.tolist()} {m.dtype}"


@witness
def rnn_gru_reset_before_matmul(R, M):
    cell, p = _cell_params(3, 4, gates=3)
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    t, m = cell(x, h).detach(), M.gru_cell(x, h, *p)
    return differ(m, t, atol=1e-5), f"max|diff| vs nn.GRUCell {float((m - t).abs().max()):.3g}"


@witness
def rnn_hellornn_batch_first(R, M):
    r_model, m_model = _same_weights(R, M, "HelloRNN", 4, 8)
    idx = R.encode_chars("hello", "ehlo").unsqueeze(1)
    r, m = r_model(idx), m_model(idx)
    steps = [t for t in range(5) if differ(m[t], r[t], atol=1e-5)]
    return differ(m, r, atol=1e-5), f"shapes {tuple(r.shape)} vs {tuple(m.shape)}; differing steps {steps}"


# ------------------------------------------------------------------------------------------- device / dtype extras
@witness
def tensors_one_hot_ignores_device(R, M):
    labels = torch.tensor([0, 2, 1])
    same_cpu = not differ(M.one_hot(labels, 4), R.one_hot(labels, 4))
    lm = labels.to("meta")
    r = R.one_hot(lm, 4)
    m = M.one_hot(lm, 4)
    return r.device != m.device, f"CPU values agree {same_cpu}; meta labels: reference on {r.device}, mistake on {m.device}"


def _adam64(cls, steps=20):
    p = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    opt = cls([p], lr=0.01)
    for _ in range(steps):
        opt.zero_grad()
        ((p - 0.3) ** 4).sum().backward()
        opt.step()
    return p.detach().clone(), opt


@witness
def optim_adam_state_default_dtype(R, M):
    t, _ = _adam64(torch.optim.Adam)
    r, _ = _adam64(R.Adam)
    m, opt = _adam64(M.Adam)
    st = next(iter(opt.state.values()))
    return differ(m, t, rtol=1e-10, atol=1e-10) and not differ(r, t, rtol=1e-10, atol=1e-10), \
        f"max|diff| vs torch: mistake {float((m - t).abs().max()):.3g}, reference {float((r - t).abs().max()):.3g}; state m dtype {st['m'].dtype}"


@witness
def mlp_dropout_mask_on_cpu(R, M):
    x = torch.ones(5, device="meta")
    r = R.dropout(x, 0.5, True)
    err = raises(lambda: M.dropout(x, 0.5, True))
    return err is not None, f"reference on {r.device}; mistake -> {err}"


@witness
def mlp_train_epoch_accumulates_tensor(R, M):
    rl, _ = _train(R)
    ml, _ = _train(M)
    return type(ml) is not float, f"reference {type(rl).__name__} {rl:.4f}, mistake {type(ml).__name__} {float(ml):.4f} grad_fn={getattr(ml, 'grad_fn', None) is not None}"


def main():
    labels = json.load(open(os.path.join(HERE, "labels.json")))
    ok_all = True
    results = {}
    for entry in labels:
        name = entry["file"][:-3]
        topic = entry["topic"]
        try:
            differs, detail = W[name](ref(topic), mis(name))
        except Exception:  # noqa: BLE001
            differs, detail = False, "CHECK CRASHED: " + traceback.format_exc().splitlines()[-1]
        ok_all &= bool(differs)
        results[name] = (bool(differs), detail)
        print(("DIFFERS " if differs else "SAME?!  ") + name + " :: " + detail, flush=True)
    missing = set(W) - set(results)
    if missing:
        print("witness without a file:", sorted(missing))
        ok_all = False
    json.dump(results, open(os.path.join(HERE, "_check_results.json"), "w"), indent=1, ensure_ascii=False)
    for entry in labels:  # record what was observed next to the planned witness (once)
        differs, detail = results[entry["file"][:-3]]
        if " | observed by _check.py: " not in entry["witness"] and differs:
            entry["witness"] += " | observed by _check.py: " + detail
    json.dump(labels, open(os.path.join(HERE, "labels.json"), "w"), indent=1, ensure_ascii=False)
    print(f"{sum(d for d, _ in results.values())}/{len(results)} differ")
    sys.exit(0 if ok_all else 1)


if __name__ == "__main__":
    main()
