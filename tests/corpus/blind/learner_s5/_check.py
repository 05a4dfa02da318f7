"""Witnesses: each mistake file differs from the reference on an allowed input. Run niced."""
import importlib.util, json, math, sys
import torch, torch.nn.functional as F
from torch import nn
torch.set_num_threads(1)
sys.path.insert(0, "/work/main")
def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path); mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod); return mod
def ref(topic): return load(f"/work/main/solutions/{topic}.py", "ref_" + topic)
def ne(a, b): return not torch.allclose(torch.as_tensor(a).double(), torch.as_tensor(b).double(), equal_nan=False) if torch.as_tensor(a).shape == torch.as_tensor(b).shape else True
W = {}
def w(f): W[f.__name__ + ".py"] = f; return f

@w
def tensors_rebind_z(m, r):
    x, y = torch.tensor([1., 2, 3]), torch.tensor([4., 5, 6])
    z1, z2 = torch.zeros(3), torch.zeros(3); p = z1.data_ptr()
    out = m.add_into(z1, x, y); r.add_into(z2, x, y)
    return ne(z1, z2) and out.data_ptr() != p
@w
def tensors_wrong_axis(m, r):
    x = torch.rand(3, 4) + 0.1; return ne(m.row_normalize(x), r.row_normalize(x))
@w
def tensors_count_nans(m, r):
    x = torch.tensor([[1., float("nan")], [3., 4.], [float("nan"), 8.]])
    return ne(m.fill_nan_with_column_mean(x), r.fill_nan_with_column_mean(x))
@w
def tensors_no_sqrt(m, r):
    x = torch.tensor([3., 4.]); return ne(m.norms(x)[1], r.norms(x)[1]) and not ne(m.norms(x)[0], r.norms(x)[0])
@w
def autograd_missing_two(m, r):
    a = (torch.tensor(2.), torch.tensor([1., 2, 3]), torch.ones(3)); return ne(m.linear_grad(*a), r.linear_grad(*a))
@w
def autograd_sign_residual(m, r):
    g = torch.Generator().manual_seed(0); a = [torch.randn((), generator=g) for _ in range(3)] + [torch.randn(5, generator=g), torch.randn(5, generator=g)]
    return all(ne(p, q) and not ne(p, -q) for p, q in zip(m.quadratic_grads(*a), r.quadratic_grads(*a)))
@w
def autograd_no_detach(m, r):
    x = torch.tensor([1., 2, 3]); return ne(m.detach_grad(x), r.detach_grad(x))
@w
def autograd_no_accumulate(m, r):
    a, b = m.Value(3.0), r.Value(3.0); (a * a).backward(); (b * b).backward(); return a.grad != b.grad
@w
def losses_delta_half(m, r):
    a = (torch.tensor([5.]), torch.tensor([0.]), 2.0); b = (torch.tensor([5.]), torch.tensor([0.]), 1.0)
    return ne(m.huber(*a), r.huber(*a)) and not ne(m.huber(*b), r.huber(*b))
@w
def losses_global_sum(m, r):
    x = torch.randn(3, 4, generator=torch.Generator().manual_seed(1)); return ne(m.softmax(x), r.softmax(x))
@w
def losses_sum_not_mean(m, r):
    x = torch.randn(4, 3, generator=torch.Generator().manual_seed(2)); t = torch.tensor([0, 1, 2, 0])
    return ne(m.cross_entropy(x, t), r.cross_entropy(x, t)) and ne(m.cross_entropy(x, t), F.cross_entropy(x, t)) is True
@w
def losses_nan_at_zero(m, r):
    p = torch.tensor([[0.5, 0.5, 0.0]]); return bool(torch.isnan(m.entropy(p)).any()) and not bool(torch.isnan(r.entropy(p)).any())
@w
def optim_record_after(m, r):
    x = torch.tensor([1., 2, 3]); a = (x, 2 * x, 0.01, 3)
    (w1, l1), (w2, l2) = m.gd_fit(*a), r.gd_fit(*a); return l1 != l2 and math.isclose(w1, w2)
def _sgd_run(cls, **kw):
    torch.manual_seed(0); p = nn.Parameter(torch.randn(3)); o = cls([p], lr=0.1, **kw)
    for _ in range(3):
        o.zero_grad(); (p ** 2).sum().backward(); o.step()
    return p.detach().clone()
@w
def optim_buffer_from_zero(m, r):
    kw = dict(momentum=0.9, dampening=0.5)
    return ne(_sgd_run(m.SGD, **kw), _sgd_run(torch.optim.SGD, **kw)) and not ne(_sgd_run(r.SGD, **kw), _sgd_run(torch.optim.SGD, **kw))
@w
def optim_eps_inside_sqrt(m, r):
    def run(cls):
        p = nn.Parameter(torch.zeros(1, dtype=torch.float64)); o = cls([p], lr=0.1); p.grad = torch.full_like(p, 1e-6); o.step(); return p.detach()
    return ne(run(m.Adam), run(torch.optim.Adam)) and not ne(run(r.Adam), run(torch.optim.Adam))
@w
def optim_split_floor(m, r):
    return [len(f) for f in m.k_fold_indices(10, 3)] != [len(f) for f in r.k_fold_indices(10, 3)]
@w
def mlp_scale_times(m, r):
    x = torch.ones(1000); torch.manual_seed(0); a = m.dropout(x, 0.5); torch.manual_seed(0); b = r.dropout(x, 0.5); return ne(a, b)
@w
def mlp_no_receptive(m, r):
    t1, t2 = torch.empty(16, 8, 3, 3), torch.empty(16, 8, 3, 3)
    torch.manual_seed(0); m.xavier_uniform_(t1); torch.manual_seed(0); r.xavier_uniform_(t2); return ne(t1, t2)
@w
def mlp_act_on_logits(m, r):
    torch.manual_seed(0); a = r.MLP([4, 5, 3]); b = m.MLP([4, 5, 3]); b.load_state_dict(a.state_dict())
    x = torch.randn(6, 4); return ne(a(x), b(x))
@w
def mlp_no_zero_grad(m, r):
    def run(fn):
        torch.manual_seed(0); model = nn.Linear(3, 1); opt = torch.optim.SGD(model.parameters(), lr=0.1)
        g = torch.Generator().manual_seed(1); data = [(torch.randn(4, 3, generator=g), torch.randn(4, 1, generator=g)) for _ in range(3)]
        loss = fn(model, data, F.mse_loss, opt, "cpu"); return loss, model.weight.detach().clone()
    (l1, w1), (l2, w2) = run(m.train_epoch), run(r.train_epoch); return l1 != l2 and ne(w1, w2)
@w
def cnn_off_by_one(m, r):
    x, k = torch.randn(4, 5), torch.randn(2, 2); return m.corr2d(x, k).shape != r.corr2d(x, k).shape
@w
def cnn_flipped_kernel(m, r):
    g = torch.Generator().manual_seed(3); x, wt, b = torch.randn(2, 3, 6, 6, generator=g), torch.randn(4, 3, 3, 3, generator=g), torch.randn(4, generator=g)
    return ne(m.conv2d(x, wt, b, 2, 1), F.conv2d(x, wt, b, 2, 1)) and not ne(r.conv2d(x, wt, b, 2, 1), F.conv2d(x, wt, b, 2, 1))
@w
def cnn_pad_once(m, r):
    return m.conv_output_size(28, 5, 2) != r.conv_output_size(28, 5, 2)
@w
def cnn_stride_one_default(m, r):
    x = torch.randn(1, 1, 4, 4); return m.max_pool2d(x, 2).shape != F.max_pool2d(x, 2).shape
def _same_sd(m, r, cls, args, x):
    torch.manual_seed(0); a = getattr(r, cls)(*args); b = getattr(m, cls)(*args); b.load_state_dict(a.state_dict())
    a.eval(); b.eval()
    with torch.no_grad(): return ne(a(x), b(x))
@w
def inception_max_pool_branch(m, r): torch.manual_seed(5); return _same_sd(m, r, "InceptionA", (3,), torch.randn(2, 3, 8, 8))
@w
def inception_cat_order(m, r): torch.manual_seed(5); return _same_sd(m, r, "InceptionA", (3,), torch.randn(2, 3, 8, 8))
@w
def inception_no_cin(m, r): return m.conv_mults(28, 28, 192, 32, 5) != r.conv_mults(28, 28, 192, 32, 5)
@w
def inception_missing_relu(m, r): torch.manual_seed(5); return _same_sd(m, r, "GoogLeNetMini", (), torch.randn(2, 1, 28, 28))
@w
def resnet_no_shortcut(m, r): torch.manual_seed(5); return _same_sd(m, r, "ResidualBlock", (4,), torch.randn(2, 4, 6, 6))
@w
def resnet_biased_running_var(m, r):
    x = torch.randn(4, 3, generator=torch.Generator().manual_seed(4)); g, b = torch.ones(3), torch.zeros(3)
    rm1, rv1, rm2, rv2 = torch.zeros(3), torch.ones(3), torch.zeros(3), torch.ones(3)
    y1 = m.batch_norm(x, g, b, rm1, rv1, True); y2 = F.batch_norm(x, rm2, rv2, g, b, True, 0.1, 1e-5)
    return ne(rv1, rv2) and not ne(y1, y2)
@w
def resnet_eps_outside_sqrt(m, r):
    x = 1e-3 * torch.randn(8, 3, generator=torch.Generator().manual_seed(4)); g, b = torch.ones(3), torch.zeros(3)
    y1 = m.batch_norm(x, g, b, torch.zeros(3), torch.ones(3), True); y2 = F.batch_norm(x, torch.zeros(3), torch.ones(3), g, b, True, 0.1, 1e-5)
    return not torch.allclose(y1, y2, rtol=1e-5, atol=1e-6)
@w
def resnet_relu_before_add(m, r): torch.manual_seed(5); return _same_sd(m, r, "BasicBlock", (4, 8, 2), torch.randn(2, 4, 6, 6))
@w
def rnn_untransposed(m, r):
    torch.manual_seed(6); c = nn.RNNCell(4, 4); x, h = torch.randn(2, 4), torch.randn(2, 4)
    with torch.no_grad(): return ne(m.rnn_cell(x, h, c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh), c(x, h))
@w
def rnn_h0_layer0(m, r):
    torch.manual_seed(6); net = nn.RNN(3, 4, num_layers=2); x, h0 = torch.randn(5, 2, 3), torch.randn(2, 2, 4)
    with torch.no_grad():
        o1, h1 = m.rnn_forward(x, h0, net.all_weights); o2, h2 = net(x, h0)
    return ne(o1, o2) and ne(h1, h2)
@w
def rnn_start_one(m, r): return m.encode_chars("hello", "ehlo").tolist() != [1, 0, 2, 2, 3]
@w
def rnn_swap_z(m, r):
    torch.manual_seed(6); c = nn.GRUCell(2, 3); x, h = torch.randn(2, 2), torch.randn(2, 3)
    with torch.no_grad(): return ne(m.gru_cell(x, h, c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh), c(x, h))

labels = json.load(open("labels.json"))
assert len(labels) == 36 and {l["file"] for l in labels} == set(W), set(W) ^ {l["file"] for l in labels}
ok = 0
for l in labels:
    topic = l["topic"]; m = load(l["file"], "mis_" + l["file"][:-3]); r = ref(topic)
    res = W[l["file"]](m, r); ok += bool(res); print(("DIFFERS " if res else "SAME!!! ") + l["file"])
print(ok, "/ 36")
