import importlib.util, json, sys, pathlib, copy, torch, torch.nn.functional as F, traceback
D = pathlib.Path("/work/blind/learner_s8")
def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path); mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod); return mod
REF = {t: load(f"/work/main/solutions/{t}.py", "ref_" + t) for t in "tensors autograd losses optim mlp cnn inception resnet rnn".split()}
def ne(a, b):
    if isinstance(a, (tuple, list)): return any(ne(x, y) for x, y in zip(a, b)) or len(a) != len(b)
    if isinstance(a, torch.Tensor):
        return a.shape != b.shape or not torch.allclose(a.double(), b.double(), rtol=1e-5, atol=1e-6, equal_nan=False)
    return abs(a - b) > 1e-9
W = {}
def w(f): W[f.__name__] = f; return f
g = lambda s: torch.Generator().manual_seed(s)
@w
def tensors_fillnan_divide_all_rows(m, r):
    x = torch.tensor([[1., float('nan')], [3., 4.], [float('nan'), 8.]])
    return m.fill_nan_with_column_mean(x), r.fill_nan_with_column_mean(x), "x=[[1,nan],[3,4],[nan,8]]"
@w
def tensors_matmul_sum_dim0(m, r):
    a, b = torch.randn(3, 3, generator=g(0)), torch.randn(3, 2, generator=g(1))
    return m.matmul(a, b), r.matmul(a, b), "a (3,3), b (3,2) randn"
@w
def tensors_norms_l2_no_sqrt(m, r):
    x = torch.tensor([3., 4.]); return m.norms(x), r.norms(x), "x=[3,4]: L2 25 vs 5"
@w
def tensors_accuracy_count_not_fraction(m, r):
    yh, y = torch.tensor([[0.9, .1], [.2, .8], [.6, .4]]), torch.tensor([0, 1, 1])
    return m.accuracy(yh, y), r.accuracy(yh, y), "3 samples, 2 correct: 2.0 vs 0.667"
@w
def autograd_numgrad_divide_eps(m, r):
    x = torch.tensor([1., 2.], dtype=torch.float64); f = lambda t: (t ** 2).sum()
    return m.numerical_grad(f, x.clone()), r.numerical_grad(f, x.clone()), "f=sum(x^2) at [1,2] float64"
def value_case(mod, expr):
    a = mod.Value(2.0); out = expr(a); out.backward(); return torch.tensor([out.data, a.grad])
@w
def autograd_value_rsub_sign(m, r):
    e = lambda a: 1 - a * 3
    return value_case(m, e), value_case(r, e), "out = 1 - 3a at a=2: data/grad"
@w
def autograd_value_grad_overwrite(m, r):
    e = lambda a: a * a + a
    return value_case(m, e), value_case(r, e), "out = a*a + a at a=2: grad 1 vs 5"
@w
def autograd_sigmoid_backward_no_grad_output(m, r):
    def gr(mod):
        x = torch.tensor([0.3, -1.2], dtype=torch.float64, requires_grad=True)
        (3 * mod.Sigmoid.apply(x)).sum().backward(); return x.grad
    return gr(m), gr(r), "grad of sum(3*Sigmoid(x))"
@w
def losses_huber_missing_delta(m, r):
    a, b = torch.tensor([0., 5.]), torch.zeros(2)
    return m.huber(a, b, delta=2.0), r.huber(a, b, delta=2.0), "d=[0,5], delta=2"
@w
def losses_ce_probs_mean_over_classes(m, r):
    lg = torch.randn(4, 3, generator=g(2)); t = F.one_hot(torch.tensor([0, 2, 1, 1]), 3).float()
    return m.cross_entropy(lg, t), r.cross_entropy(lg, t), "logits (4,3), one-hot targets"
@w
def losses_kl_reversed_log(m, r):
    p, q = torch.tensor([[0.7, 0.3]]), torch.tensor([[0.4, 0.6]])
    return m.kl_div(p, q), r.kl_div(p, q), "p=[.7,.3], q=[.4,.6]"
@w
def losses_logsoftmax_unshifted(m, r):
    x = torch.tensor([[1000., 0., -1000.]])
    return m.log_softmax(x, dim=-1), r.log_softmax(x, dim=-1), "logits [1000,0,-1000]: nan/-inf vs finite"
def run_opt(mod, cls, steps=3, **kw):
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0])); o = getattr(mod, cls)([p], **kw)
    for i in range(steps):
        o.zero_grad(); ((p ** 2).sum() * 1e-3 * (i + 1)).backward(); o.step()
    return p.detach().clone()
@w
def optim_sgd_buffer_zero_init(m, r):
    kw = dict(lr=0.1, momentum=0.9, dampening=0.5)
    return run_opt(m, "SGD", **kw), run_opt(r, "SGD", **kw), "3 steps, momentum .9 dampening .5"
@w
def optim_adam_eps_inside_sqrt(m, r):
    kw = dict(lr=0.1, eps=1e-3)
    return run_opt(m, "Adam", **kw), run_opt(r, "Adam", **kw), "3 steps lr .1 eps 1e-3, tiny grads"
@w
def optim_gd_record_after_update(m, r):
    x = torch.tensor([1., 2., 3.]); y = 2 * x
    return torch.tensor(m.gd_fit(x, y, 0.01, 3)[1]), torch.tensor(r.gd_fit(x, y, 0.01, 3)[1]), "y=2x, lr .01, 3 steps: loss lists"
@w
def optim_sgd_fit_shuffle_once(m, r):
    x = torch.tensor([1., 2., 3., 4.]); y = 2 * x + torch.tensor([.3, -.2, .1, -.4])
    a = m.sgd_fit(x, y, 0.02, 3, generator=g(5)); b = r.sgd_fit(x, y, 0.02, 3, generator=g(5))
    return torch.tensor(a[1] + [a[0]]), torch.tensor(b[1] + [b[0]]), "noisy y, 3 epochs, generator seed 5"
def train_case(mod):
    torch.manual_seed(0); model = torch.nn.Linear(3, 1); o = torch.optim.SGD(model.parameters(), lr=0.1)
    data = [(torch.randn(4, 3, generator=g(i)), torch.randn(4, 1, generator=g(i + 10))) for i in range(3)]
    loss = mod.train_epoch(model, data, torch.nn.functional.mse_loss, o, "cpu")
    return torch.cat([torch.tensor([loss]), model.weight.detach().flatten()])
@w
def mlp_train_epoch_no_zero_grad(m, r):
    return train_case(m), train_case(r), "3 batches, torch SGD lr .1: loss and weights"
@w
def mlp_evaluate_no_eval_mode(m, r):
    def ev(mod):
        torch.manual_seed(1); model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Dropout(0.9), torch.nn.Linear(16, 3))
        x = torch.randn(64, 4, generator=g(3)); y = model.eval()(x).argmax(1); model.train()
        torch.manual_seed(7); acc = mod.evaluate(model, [(x, y)], "cpu"); return torch.tensor([acc, float(model.training)])
    return ev(m), ev(r), "dropout .9 model, labels = its eval-mode argmax: acc and training flag"
@w
def mlp_mlp_activation_after_last(m, r):
    torch.manual_seed(0); a = m.MLP([4, 8, 3]); torch.manual_seed(0); b = r.MLP([4, 8, 3])
    x = torch.randn(5, 4, generator=g(4)); return a(x), b(x), "MLP([4,8,3]) same seed, logits"
@w
def mlp_xavier_no_receptive_field(m, r):
    t1, t2 = torch.empty(4, 3, 5, 5), torch.empty(4, 3, 5, 5)
    torch.manual_seed(0); m.xavier_uniform_(t1); torch.manual_seed(0); r.xavier_uniform_(t2)
    return t1.abs().max(), t2.abs().max(), "conv weight (4,3,5,5): max|w| vs bound"
@w
def cnn_conv2d_flipped_kernel(m, r):
    x, k = torch.randn(1, 2, 5, 5, generator=g(0)), torch.randn(3, 2, 3, 3, generator=g(1))
    return m.conv2d(x, k, None, 1, 1), r.conv2d(x, k, None, 1, 1), "x (1,2,5,5), w (3,2,3,3), pad 1"
@w
def cnn_outsize_padding_once(m, r):
    return m.conv_output_size(28, 5, 2, 1), r.conv_output_size(28, 5, 2, 1), "n=28,k=5,p=2: 26 vs 28"
@w
def cnn_maxpool_stride_default_one(m, r):
    x = torch.randn(1, 1, 4, 4, generator=g(0))
    return m.max_pool2d(x, 2), r.max_pool2d(x, 2), "(1,1,4,4), k=2, stride None: shape 3x3 vs 2x2"
def shape_or_err(f):
    try: return torch.tensor(f().shape, dtype=torch.float)
    except Exception as e: return torch.tensor([-1.0])
@w
def cnn_simplecnn_hardcoded_linear(m, r):
    x = torch.randn(2, 1, 8, 8)
    return shape_or_err(lambda: m.SimpleCNN()(x)), shape_or_err(lambda: r.SimpleCNN()(x)), "8x8 input: RuntimeError vs (2,10)"
def same_weights(mc, rc, x, *a):
    torch.manual_seed(0); b = rc(*a); a_ = mc(*a); a_.load_state_dict(b.state_dict(), strict=False); a_.eval(); b.eval()
    with torch.no_grad(): return a_(x), b(x)
@w
def inception_pool_branch_max(m, r):
    x = torch.randn(2, 3, 6, 6, generator=g(0)); return (*same_weights(m.InceptionA, r.InceptionA, x, 3), "same weights, x (2,3,6,6)")
@w
def inception_b3x3_missing_conv(m, r):
    x = torch.randn(2, 3, 6, 6, generator=g(0)); return (*same_weights(m.InceptionA, r.InceptionA, x, 3), "shared weights loaded, x (2,3,6,6)")
@w
def inception_conv_mults_single_k(m, r):
    return m.conv_mults(28, 28, 192, 32, 5), r.conv_mults(28, 28, 192, 32, 5), "28x28,192->32,k5"
@w
def inception_googlenet_missing_relu(m, r):
    x = torch.randn(2, 1, 28, 28, generator=g(0)); return (*same_weights(m.GoogLeNetMini, r.GoogLeNetMini, x), "same weights, 28x28")
@w
def resnet_residual_no_shortcut(m, r):
    x = torch.randn(2, 4, 5, 5, generator=g(0)); return (*same_weights(m.ResidualBlock, r.ResidualBlock, x, 4), "same weights, (2,4,5,5)")
def bn_case(mod, training):
    x = torch.randn(6, 3, 2, 2, generator=g(0)) * 2 + 1; rm, rv = torch.zeros(3), torch.ones(3)
    y = mod.batch_norm(x, torch.ones(3), torch.zeros(3), rm, rv, training, 0.1, 1e-5)
    return torch.cat([y.flatten(), rm, rv])
@w
def resnet_bn_running_var_biased(m, r):
    return bn_case(m, True), bn_case(r, True), "training, (6,3,2,2): running_var"
@w
def resnet_bn_eval_uses_batch_stats(m, r):
    return bn_case(m, False), bn_case(r, False), "training=False, running stats 0/1, batch mean 1 std 2"
@w
def resnet_basicblock_no_final_relu(m, r):
    x = torch.randn(2, 4, 6, 6, generator=g(0)); return (*same_weights(m.BasicBlock, r.BasicBlock, x, 4, 8, 2), "same weights, 4->8 stride 2, eval")
def rnn_args(n=2, i=3, h=3):
    return [torch.randn(*s, generator=g(k)) for k, s in enumerate([(n, i), (n, h), (h, i), (h, h), (h,), (h,)])]
@w
def rnn_cell_untransposed_weights(m, r):
    a = rnn_args(); return m.rnn_cell(*a), r.rnn_cell(*a), "input=hidden=3 (square weights)"
@w
def rnn_forward_hidden_not_carried(m, r):
    rnn = torch.nn.RNN(3, 4, 2); x = torch.randn(5, 2, 3, generator=g(1)); h0 = torch.randn(2, 2, 4, generator=g(2))
    with torch.no_grad(): return m.rnn_forward(x, h0, rnn.all_weights), r.rnn_forward(x, h0, rnn.all_weights), "2-layer, seq 5"
@w
def rnn_gru_update_gate_swapped(m, r):
    a = [torch.randn(*s, generator=g(k)) for k, s in enumerate([(2, 3), (2, 4), (12, 3), (12, 4), (12,), (12,)])]
    return m.gru_cell(*a), r.gru_cell(*a), "batch 2, in 3, hidden 4"
@w
def rnn_hellornn_last_hidden_only(m, r):
    idx = torch.tensor([[1], [0], [2], [2], [3]])
    return (*same_weights(m.HelloRNN, r.HelloRNN, idx, 4, 8), "'hello' (5,1): output shape (1,1,4) vs (5,1,4)")
labels = json.loads((D / "labels.json").read_text()); bad = 0
for d in labels:
    name = d["file"][:-3]
    mod = load(D / d["file"], "learner_" + name); ref = REF[d["topic"]]
    torch.manual_seed(0)
    try:
        a, b, desc = W[name](mod, ref); diff = ne(a, b)
    except Exception as e:
        traceback.print_exc(); diff, desc = False, "ERROR"
    print(("DIFF " if diff else "SAME ") + name, "|", desc, "|", str(a)[:60].replace("\n", " "), "vs", str(b)[:60].replace("\n", " "))
    bad += not diff
    if diff: d["witness"] = f"_check.py::{name}: {desc}; learner {str(a)[:80]} vs reference {str(b)[:80]}".replace("\n", " ")
(D / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1)); print("not differing:", bad)
