from common import *  # noqa: F403
import torch
import torch.nn.functional as F
from torch import nn

T = "mlp"
D = torch.float64
r = torch.randn


def copy_params(src, dst):
    """Copy parameters by order (shapes must match)."""
    with torch.no_grad():
        for a, b in zip(src.parameters(), dst.parameters()):
            b.copy_(a)


def mod_out(build, x, train=False, ref_weights=True):
    """Build the module in R and C; the candidate gets the reference's weights (by order) when shapes match."""
    cache = {}

    def run(M):
        torch.manual_seed(0)
        m = build(M)
        if "ref" not in cache:
            cache["ref"] = m
        elif ref_weights:
            ps = [p.shape for p in cache["ref"].parameters()]
            if ps == [p.shape for p in m.parameters()]:
                copy_params(cache["ref"], m)
        m.train(train)
        torch.manual_seed(1)
        return m(x)
    return run

# ---------------- mistakes ----------------
def _relu_inplace(M):
    x = torch.tensor([-1., 2., -3., 0.5])
    out = M.relu(x)
    return out.clone(), x

M(T, "relu_in_place", "relu", "x[x < 0] = 0; return x: edits the caller's tensor (and fails on a leaf that requires grad)",
  "x = [−1, 2, −3, 0.5]; x compared afterwards", '''
def relu(x: Tensor) -> Tensor:
    """Zero the negatives."""
    x[x < 0] = 0
    return x
''', differs(_relu_inplace))

M(T, "tanh_naive", "tanh", "(eˣ − e⁻ˣ)/(eˣ + e⁻ˣ): inf/inf = NaN at ±1000",
  "x = [−1000, 0.5, 1000]", '''
def tanh(x: Tensor) -> Tensor:
    """The definition."""
    return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))
''', differs(lambda M: M.tanh(torch.tensor([-1000., 0.5, 1000.]))))

M(T, "tanh_sign_lost", "tanh", "(1 − e^(−2|x|))/(1 + e^(−2|x|)) without restoring the sign: tanh of negatives comes out positive",
  "x = [−2, 1]", '''
def tanh(x: Tensor) -> Tensor:
    """Stable form on |x|."""
    e = torch.exp(-2 * x.abs())
    return (1 - e) / (1 + e)
''', differs(lambda M: M.tanh(torch.tensor([-2., 1.]))))

M(T, "hard_sigmoid_shift", "hard_sigmoid_from_relus", "relu(x) − relu(x − 1): the ramp on [0, 1] instead of [−0.5, 0.5]",
  "x = [−0.25, 0.25, 0.75]", '''
def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """Difference of two ReLUs."""
    return relu(x) - relu(x - 1)
''', differs(lambda M: M.hard_sigmoid_from_relus(torch.tensor([-0.25, 0.25, 0.75]))))

M(T, "dropout_p_one_nan", "dropout", "x·mask/(1 − p) with no p = 1 case: 0/0 = NaN",
  "p = 1, x = ones(4)", '''
def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Keep with probability 1 − p, scale by 1/(1 − p)."""
    if not training:
        return x
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep / (1 - p)
''', differs(lambda M: M.dropout(torch.ones(4), 1.0, True)))

M(T, "dropout_keeps_p", "dropout", "mask rand < p: keeps with probability p instead of 1 − p",
  "p = 0.2, x = ones(1000), seed 0: about 200 survivors instead of 800", '''
def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """A random mask, survivors scaled."""
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) < p).to(x.dtype)
    return x * keep / (1 - p)
''', differs(lambda M: M.dropout(torch.ones(1000), 0.2, True)))

M(T, "dropout_eval_scales", "dropout", "not training returns x·(1 − p) (the old non-inverted rule) instead of x",
  "training=False, p = 0.5", '''
def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Inverted dropout in training; expected value at evaluation."""
    if not training:
        return x * (1 - p)
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep / (1 - p)
''', differs(lambda M: M.dropout(torch.ones(4), 0.5, False)))

M(T, "dropout_cpu_mask", "dropout", "mask from torch.rand(x.shape): created on the default device, not x's",
  "x on a second device ('meta' stands in), p = 0.5", '''
def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Keep with probability 1 − p, scale by 1/(1 − p)."""
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand(x.shape) > p).to(x.dtype)
    return x * keep / (1 - p)
''', differs(lambda M: M.dropout(torch.ones(4, device="meta"), 0.5, True)))

def _xav(M, shape):
    t = torch.empty(shape)
    out = M.xavier_uniform_(t)
    return out is t, round(float(t.abs().max()), 1), t.shape

M(T, "xavier_no_receptive_field", "xavier_uniform_", "fans from shape[0] and shape[1] only: a conv weight's bound ignores the kernel size",
  "a conv weight (64, 32, 5, 5): bound √(6/(800+1600)) = 0.05, here √(6/96) = 0.25", '''
def xavier_uniform_(tensor: Tensor) -> Tensor:
    """U(−a, a), a = √(6 / (fan_in + fan_out))."""
    fan_in, fan_out = tensor.shape[1], tensor.shape[0]
    bound = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)
''', differs(lambda M: _xav(M, (64, 32, 5, 5)), rtol=0.2))

M(T, "xavier_not_in_place", "xavier_uniform_", "returns a new tensor from uniform_ on empty_like: the given tensor is never filled",
  "a linear weight (50, 30)", '''
def xavier_uniform_(tensor: Tensor) -> Tensor:
    """U(−a, a), a = √(6 / (fan_in + fan_out))."""
    receptive = math.prod(tensor.shape[2:])
    fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive
    bound = math.sqrt(6 / (fan_in + fan_out))
    return torch.empty_like(tensor).uniform_(-bound, bound)
''', differs(lambda M: (lambda t: (M.xavier_uniform_(t) is t, torch.isfinite(t).all().item() and float(t.abs().max()) <= 0.31))(torch.full((50, 30), 7.0))))

M(T, "logistic_no_sigmoid", "LogisticRegression", "returns the linear layer's scores: logits, not probabilities",
  "LogisticRegression(3) on x (4, 3) randn", '''
class LogisticRegression(nn.Module):
    """linear(x)."""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x)
''', differs(mod_out(lambda M: M.LogisticRegression(3), r(4, 3) * 3)))

M(T, "logistic_squeezed", "LogisticRegression", "squeezes the output to (n,) instead of (n, 1)",
  "LogisticRegression(3) on x (4, 3)", '''
class LogisticRegression(nn.Module):
    """sigmoid(linear(x))."""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x)).squeeze(-1)
''', differs(mod_out(lambda M: M.LogisticRegression(3), r(4, 3))))

M(T, "diabetes_default_7", "DiabetesNet", "default in_features=7 (the shipped table) instead of the stated 8",
  "DiabetesNet() on x (5, 8)", '''
class DiabetesNet(nn.Module):
    """in → 6 → 4 → 1, sigmoid after each layer."""

    def __init__(self, in_features: int = 7) -> None:
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(in_features, 6), nn.Sigmoid(), nn.Linear(6, 4), nn.Sigmoid(),
                                    nn.Linear(4, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x)
''', differs(mod_out(lambda M: M.DiabetesNet(), r(5, 8))))

M(T, "diabetes_relu_hidden", "DiabetesNet", "ReLU after the hidden layers (sigmoid only at the end), where the docstring says a sigmoid after every layer",
  "DiabetesNet(7) on x (5, 7), the reference's weights copied in", '''
class DiabetesNet(nn.Module):
    """in → 6 → 4 → 1."""

    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(in_features, 6), nn.ReLU(), nn.Linear(6, 4), nn.ReLU(),
                                    nn.Linear(4, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x)
''', differs(mod_out(lambda M: M.DiabetesNet(7), r(5, 7) * 2)))

MLP_HEAD = '''
class MLP(nn.Module):
    """Linear layers with activation (and dropout) after each hidden one."""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
'''

M(T, "mlp_activation_on_logits", "MLP", "the activation after every layer, the last included: ReLU'd logits are never negative",
  "MLP([4, 8, 3]) on x (6, 4), the reference's weights", MLP_HEAD + '''        layers: list[nn.Module] = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers.append(nn.Linear(n_in, n_out))
            layers.append(ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x.flatten(1))
''', differs(mod_out(lambda M: M.MLP([4, 8, 3]), r(6, 4))))

M(T, "mlp_dropout_always", "MLP", "F.dropout(h, p) in forward with its default training=True: dropout stays on in eval mode",
  "MLP([4, 8, 3], dropout=0.5) in eval mode on x (6, 4)", MLP_HEAD + '''        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.act = ACTIVATIONS[activation]()
        self.p = dropout

    def forward(self, x: Tensor) -> Tensor:
        h = x.flatten(1)
        for i, layer in enumerate(self.linears):
            h = layer(h)
            if i < len(self.linears) - 1:
                h = self.act(h)
                if self.p > 0:
                    h = nn.functional.dropout(h, self.p)
        return h
''', differs(mod_out(lambda M: M.MLP([4, 8, 3], "relu", 0.5), r(6, 4), train=False)))

M(T, "mlp_view_flatten", "MLP", "x.view(len(x), −1): a non-contiguous image batch raises",
  "MLP([16, 8, 3]) on x = randn(2, 1, 4, 4).transpose(2, 3)", MLP_HEAD + '''        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                layers.append(ACTIVATIONS[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x.view(len(x), -1))
''', differs(mod_out(lambda M: M.MLP([16, 8, 3]), r(2, 1, 4, 4).transpose(2, 3))))

M(T, "mlp_activation_ignored", "MLP", "always ReLU: activation='tanh' is ignored",
  "MLP([4, 8, 3], 'tanh') on x (6, 4), the reference's weights", MLP_HEAD + '''        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x.flatten(1))
''', differs(mod_out(lambda M: M.MLP([4, 8, 3], "tanh"), r(6, 4))))

M(T, "mlp_plain_list", "MLP", "layers kept in a plain Python list: not registered, so parameters() is empty and nothing trains or moves",
  "MLP([4, 8, 3]): its parameter shapes", MLP_HEAD + '''        self.layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                self.layers.append(ACTIVATIONS[activation]())
                if dropout > 0:
                    self.layers.append(nn.Dropout(dropout))

    def forward(self, x: Tensor) -> Tensor:
        h = x.flatten(1)
        for layer in self.layers:
            h = layer(h)
        return h
''', differs(lambda M: [tuple(p.shape) for p in M.MLP([4, 8, 3]).parameters()]))


# ---------- training loops ----------
def loader_data(n=10, bs=4, d=4, c=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g)
    y = torch.randint(0, c, (n,), generator=g)
    return [(x[i:i + bs], y[i:i + bs]) for i in range(0, n, bs)]


def train_run(epochs=2, dropout=0.0, start_eval=False):
    def run(M):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Dropout(dropout), nn.Linear(6, 3))
        if start_eval:
            model.eval()
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
        losses = []
        for e in range(epochs):
            torch.manual_seed(10 + e)
            losses.append(M.train_epoch(model, loader_data(), nn.functional.cross_entropy, opt, "cpu"))
        return losses, [p.detach().clone() for p in model.parameters()], model.training
    return run


TE = '''
def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    """Forward, loss, zero_grad + backward, step; sample-weighted mean loss."""
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    return total / count
'''


def te_with(old, new):
    assert old in TE, old
    return TE.replace(old, new)


M(T, "train_no_zero_grad", "train_epoch", "never calls optimizer.zero_grad(): gradients accumulate across batches",
  "a 4→6→3 net, 3 batches (4, 4, 2), SGD lr 0.1, 2 epochs", te_with("        optimizer.zero_grad()\n", ""),
  differs(train_run()))

M(T, "train_unweighted_mean", "train_epoch", "returns the plain mean of batch losses, not weighted by batch size (the last batch is smaller)",
  "batches of 4, 4, 2 samples", te_with("        total += loss.item() * len(inputs)\n        count += len(inputs)", "        total += loss.item()\n        count += 1"),
  differs(train_run()))

M(T, "train_no_train_mode", "train_epoch", "never calls model.train(): a model left in eval mode trains without its dropout",
  "the net with Dropout(0.5), put in eval mode before the epoch", te_with("    model.train()\n", ""),
  differs(train_run(dropout=0.5, start_eval=True)))

M(T, "train_zero_grad_after_backward", "train_epoch", "zero_grad() between backward() and step(): every step sees zero gradients",
  "same net and data", te_with("        optimizer.zero_grad()\n        loss.backward()\n", "        loss.backward()\n        optimizer.zero_grad()\n"),
  differs(train_run()))


def eval_run(model_out, labels, bs=(3, 2), seed=0):
    """A fixed-output model: outputs given per sample, evaluated over batches of sizes bs."""
    def run(M):
        class Fixed(nn.Module):
            def __init__(self):
                super().__init__()
                self.w = nn.Parameter(torch.ones(()))
                self.drop = nn.Dropout(0.9)

            def forward(self, idx):
                return self.drop(model_out[idx.long().reshape(-1)] * self.w)
        model = Fixed()
        idx = torch.arange(len(labels))
        batches, s = [], 0
        for b in bs:
            batches.append((idx[s:s + b], labels[s:s + b]))
            s += b
        torch.manual_seed(seed)
        acc = M.evaluate(model, batches, "cpu")
        return acc, model.training
    return run


EV = open("/work/main/solutions/mlp.py").read().split("@torch.no_grad()\ndef evaluate")[1]
EV = "@torch.no_grad()\ndef evaluate" + EV


def ev_with(old, new):
    assert old in EV, old
    return EV.replace(old, new)


PROBS = torch.tensor([[0.9], [0.2], [0.5], [0.7], [0.4]])
SCORES = torch.tensor([[2., 1.], [0., 3.], [1., 1.5], [5., 4.], [0., 0.1]])

M(T, "evaluate_no_eval_mode", "evaluate", "never calls model.eval(): dropout stays active while scoring",
  "a model with Dropout(0.9) and fixed scores, labels (5,)", ev_with("    model.eval()\n", ""),
  differs(eval_run(SCORES, torch.tensor([0, 1, 1, 0, 1]))))

M(T, "evaluate_threshold_ge", "evaluate", "predicts 1 where p ≥ 0.5: a probability of exactly 0.5 counts as 1",
  "probabilities [0.9, 0.2, 0.5, 0.7, 0.4], labels [1, 0, 0, 1, 0]", ev_with("(outputs[:, 0] > 0.5)", "(outputs[:, 0] >= 0.5)"),
  differs(eval_run(PROBS, torch.tensor([1, 0, 0, 1, 0]))))

M(T, "evaluate_labels_column", "evaluate", "compares (n,) predictions with (n, 1) labels as they are: broadcasting counts an (n, n) grid",
  "probabilities with labels (5, 1) float", ev_with("            labels = labels.reshape(-1).long()\n", ""),
  differs(eval_run(PROBS, torch.tensor([[1.], [0.], [0.], [1.], [1.]]))))

M(T, "evaluate_batch_mean", "evaluate", "averages per-batch accuracies: batches of 3 and 2 weigh the same",
  "scores with labels, batches of 3 and 2", ev_with(
  "        correct += int((predicted == labels).sum())\n        count += len(labels)\n    return correct / count",
  "        correct += float((predicted == labels).float().mean())\n        count += 1\n    return correct / count"),
  differs(eval_run(SCORES, torch.tensor([0, 1, 0, 0, 0]))))

# ---------------- contract ----------------
X(T, "hard_sigmoid_clamp", "hard_sigmoid_from_relus", "(x + 0.5).clamp(0, 1)",
  "Off limits: ``F.hardsigmoid``, ``F.hardtanh``, ``torch.clamp``, ``torch.clip``.", '''
def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """The same ramp, clamped."""
    return torch.clamp(x + 0.5, 0.0, 1.0)
''', calls_forbidden(lambda M: M.hard_sigmoid_from_relus(r(5)), [(torch, "clamp"), (torch, "clip")], ("clamp", "clip")))

X(T, "dropout_F", "dropout", "F.dropout(x, p, training)", "Off limits: ``F.dropout``, ``nn.Dropout``.", '''
def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """torch's dropout."""
    return F.dropout(x, p, training)
''', calls_forbidden(lambda M: M.dropout(r(5), 0.3, True), [(F, "dropout")], ("dropout",)), imports="import torch.nn.functional as F")

X(T, "xavier_nn_init", "xavier_uniform_", "nn.init.xavier_uniform_(tensor)", "Off limits: ``nn.init.xavier_uniform_``.", '''
def xavier_uniform_(tensor: Tensor) -> Tensor:
    """torch's initialiser."""
    return nn.init.xavier_uniform_(tensor)
''', calls_forbidden(lambda M: M.xavier_uniform_(torch.empty(4, 3)), [(nn.init, "xavier_uniform_")]))


def device_seen_run(M):
    """Records the device every batch reaches the model and the loss on ('meta' as the second device)."""
    seen = []

    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 3)

        def forward(self, x):
            seen.append(("input", x.device.type))
            return self.lin(torch.zeros(x.shape, dtype=x.dtype))

    def loss_fn(out, target):
        seen.append(("target", target.device.type))
        return out.pow(2).mean()

    model = Probe()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    M.train_epoch(model, loader_data(), loss_fn, opt, "meta")
    return seen


def device_proof(R, C):
    r_seen, c_seen = device_seen_run(R), device_seen_run(C)
    assert all(d == "meta" for _, d in r_seen), r_seen
    bad = sorted({f"{k} on {d}" for k, d in c_seen if d != "meta"})
    return f"batches not moved to the device: {bad}" if bad else None

X(T, "train_device_ignored", "train_epoch", "the device argument is ignored: batches stay where the loader made them",
  "move both to ``device`` (the model is already there)", te_with(
  "        inputs, targets = inputs.to(device), targets.to(device)\n", ""), device_proof)

# ---------------- correct ----------------
def g_act(seed):
    dt = D if seed % 2 else torch.float32
    x = r(seed % 5 + 1, 3, dtype=dt) * [1, 10, 1000][seed % 3]
    if seed % 4 == 0:
        x = torch.cat([x.reshape(-1), torch.tensor([0.0, -0.0, 1e-9, -1e-9, 1000., -1000.], dtype=dt)])
    return [x.T if x.dim() == 2 else x]


class _Twin:
    tanh = staticmethod(torch.tanh)
    relu = staticmethod(torch.relu)


def act_check(name, grad=True, vs_torch=False, grad_atol=1e-300):
    def check(R, C):
        R_ref = R
        if vs_torch:
            R = _Twin
        why = agree(g_act, lambda M, i: getattr(M, name)(*i), rtol=1e-5, atol=1e-6,
                    cmp=lambda a, b: same(a, b, 1e-7 if a.dtype == D else 1e-5, 1e-300 if a.dtype == D else 1e-6))(R, C)
        if why or not grad:
            return why
        nz = lambda s: [torch.where(g_act(s)[0] == 0, torch.full_like(g_act(s)[0], 0.3), g_act(s)[0]).to(D)]
        return agree(nz, lambda M, i: with_grads(getattr(M, name), *i)[1], rtol=1e-7, atol=grad_atol)(R_ref, C)
    return check

K(T, "relu_mask_multiply", "relu", "x * (x > 0): −0.0 for negatives (equal to 0)", '''
def relu(x: Tensor) -> Tensor:
    """Multiply by the positive mask."""
    return x * (x > 0)
''', act_check("relu"))

K(T, "relu_maximum", "relu", "torch.maximum(x, zeros_like(x))", '''
def relu(x: Tensor) -> Tensor:
    """Elementwise max with 0."""
    return torch.maximum(x, torch.zeros_like(x))
''', act_check("relu"))

K(T, "tanh_expm1", "tanh", "sign(x)·(−expm1(−2|x|))/(1 + e^(−2|x|)): exact near 0 too", '''
def tanh(x: Tensor) -> Tensor:
    """Through expm1 of −2|x|."""
    a = -2 * x.abs()
    return torch.sign(x) * (-torch.expm1(a)) / (1 + torch.exp(a))
''', act_check("tanh", vs_torch=True, grad_atol=1e-15), verified="values and float64 gradients against torch.tanh (the reference itself is 2e-5 off in float64 at |x| = 1e-12); gradients against the reference with atol 1e-15 (in the far tail, |x| > 18, torch's own tanh gradient is 0, the reference's 4e^(-2|x|), this one half that via expm1's backward)")

K(T, "hard_sigmoid_minimum", "hard_sigmoid_from_relus", "min(relu(x + 0.5), 1) with torch.minimum (not off limits)", '''
def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """A ReLU capped at one."""
    return torch.minimum(relu(x + 0.5), torch.ones_like(x))
''', agree(lambda s: [r(20, dtype=D) * [0.5, 3, 100][s % 3]], lambda M, i: (M.hard_sigmoid_from_relus(*i),
      with_grads(M.hard_sigmoid_from_relus, torch.where((i[0].abs() - 0.5).abs() < 1e-6, i[0] + 0.01, i[0]))[1]), rtol=1e-7, atol=1e-12))

def drop_stats(R, C):
    for p in (0.0, 0.1, 0.5, 0.9, 1.0):
        x = torch.ones(20000, dtype=D)
        torch.manual_seed(3)
        out = C.dropout(x, p, True)
        if out.shape != x.shape or out.dtype != x.dtype or not torch.isfinite(out).all():
            return f"p={p}: shape/dtype/finite"
        kept = (out != 0).double().mean().item()
        if abs(kept - (1 - p)) > 0.02:
            return f"p={p}: kept {kept}"
        if p < 1 and not torch.allclose(out[out != 0], torch.full_like(out[out != 0], 1 / (1 - p))):
            return f"p={p}: scale"
        torch.manual_seed(5)
        a = C.dropout(x, p, True)
        torch.manual_seed(5)
        b = C.dropout(x, p, True)
        if not torch.equal(a, b):
            return "not reproducible under manual_seed"
    y = r(5)
    if C.dropout(y, 0.5, False) is not y and not torch.equal(C.dropout(y, 0.5, False), y):
        return "eval changes x"
    return None

K(T, "dropout_bernoulli", "dropout", "mask from torch.bernoulli(full_like(x, 1 − p)) (torch's RNG; other draws than rand_like)", '''
def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Bernoulli keep-mask."""
    if not training:
        return x
    if p == 1:
        return x * 0
    mask = torch.bernoulli(torch.full_like(x, 1 - p))
    return mask * x / (1 - p)
''', drop_stats, verified="statistics (keep rate, scale, reproducibility); values differ from the reference's draws by design")

K(T, "dropout_rand_ge", "dropout", "torch.rand(x.shape, dtype, device) >= p: the same stream as rand_like", '''
def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Uniform draws against p."""
    if not training or p == 0:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    mask = torch.rand(x.shape, dtype=x.dtype, device=x.device) >= p
    return torch.where(mask, x / (1 - p), torch.zeros_like(x))
''', all_of(drop_stats, agree(lambda s: [r(50), [0.1, 0.5, 0.0][s % 3], bool(s % 4)], lambda M, i: M.dropout(*i))))

def xav_check(R, C):
    for shape in [(50, 30), (16, 8, 3, 3), (7, 5, 2)]:
        t = torch.full(shape, 9.0)
        torch.manual_seed(0)
        out = C.xavier_uniform_(t)
        rec = math.prod(shape[2:])
        a = math.sqrt(6 / ((shape[0] + shape[1]) * rec))
        if out is not t or t.abs().max() > a or t.abs().max() < 0.9 * a or abs(t.mean()) > 0.1 * a:
            return f"{shape}: bound/in place"
    return None

K(T, "xavier_copy_rand", "xavier_uniform_", "fans from tensor[0][0].numel(), fills in place via copy_ of (2·rand − 1)·a", '''
def xavier_uniform_(tensor: Tensor) -> Tensor:
    """Uniform on (−a, a) through rand."""
    receptive = tensor[0][0].numel() if tensor.dim() > 2 else 1
    a = math.sqrt(6.0 / ((tensor.shape[0] + tensor.shape[1]) * receptive))
    with torch.no_grad():
        tensor.copy_((torch.rand_like(tensor) * 2 - 1) * a)
    return tensor
''', xav_check, verified="statistics (bound, in place)")

K(T, "logistic_sequential", "LogisticRegression", "nn.Sequential(nn.Linear(d, 1), nn.Sigmoid())", '''
class LogisticRegression(nn.Module):
    """A linear layer and a sigmoid."""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)
''', agree(lambda s: [s % 5 + 1, r(s % 4 + 1, s % 5 + 1)], lambda M, i: mod_out(lambda M2: M2.LogisticRegression(i[0]), i[1])(M)))

K(T, "diabetes_explicit", "DiabetesNet", "three named Linear layers with torch.sigmoid in forward", '''
class DiabetesNet(nn.Module):
    """8 → 6 → 4 → 1 as in the lecture."""

    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)

    def forward(self, x: Tensor) -> Tensor:
        x = torch.sigmoid(self.linear1(x))
        x = torch.sigmoid(self.linear2(x))
        return torch.sigmoid(self.linear3(x))
''', all_of(agree(lambda s: [s % 5 + 3, r(s % 4 + 1, s % 5 + 3)], lambda M, i: mod_out(lambda M2: M2.DiabetesNet(i[0]), i[1])(M)),
            agree(lambda s: [r(3, 8)], lambda M, i: mod_out(lambda M2: M2.DiabetesNet(), i[0])(M), n=3)))

K(T, "mlp_modulelist_functional", "MLP", "ModuleList of Linear layers; activation from torch (relu/tanh/sigmoid) and F.dropout(training=self.training) in forward", '''
class MLP(nn.Module):
    """Linear layers; activation and dropout applied in forward."""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)])
        self.activation = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
        self.p = dropout

    def forward(self, x: Tensor) -> Tensor:
        h = x.reshape(x.shape[0], -1)
        for layer in self.linears[:-1]:
            h = self.activation(layer(h))
            if self.p > 0:
                h = nn.functional.dropout(h, self.p, training=self.training)
        return self.linears[-1](h)
''', agree(lambda s: [[[4, 3], [4, 8, 3], [16, 5, 6, 2]][s % 3], ["relu", "tanh", "sigmoid"][s % 3 if s % 2 else 0], [0.0, 0.3][s % 2],
                      r(3, 4) if s % 3 < 2 else r(3, 1, 4, 4).transpose(2, 3), bool(s % 4)],
           lambda M, i: mod_out(lambda M2: M2.MLP(i[0], i[1], i[2]), i[3], train=i[4])(M)))


def train_check(R, C):
    for kw in (dict(), dict(dropout=0.5), dict(dropout=0.5, start_eval=True)):
        why = differs(train_run(**kw), rtol=1e-5, atol=1e-6)(R, C)
        if why:
            return f"{kw}: {why}"
    return device_proof(R, R) and None or (None if not [1 for k, d in device_seen_run(C) if d != "meta"] else "device")

K(T, "train_zero_grad_first", "train_epoch", "zero_grad() first in each batch (before the forward), weights via targets.shape[0]", '''
def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    """Clear, forward, loss, backward, step."""
    model.train()
    weighted, seen = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        inputs = inputs.to(device)
        targets = targets.to(device)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        loss.backward()
        optimizer.step()
        weighted += float(loss.detach()) * targets.shape[0]
        seen += targets.shape[0]
    return weighted / seen
''', train_check)


def eval_check(R, C):
    cases = [(PROBS, torch.tensor([1, 0, 0, 1, 0])), (PROBS, torch.tensor([[1.], [0.], [0.], [1.], [1.]])),
             (SCORES, torch.tensor([0, 1, 1, 0, 1])), (SCORES, torch.tensor([0, 1, 0, 0, 0]))]
    for out, lab in cases:
        for bs in [(3, 2), (5,), (1, 1, 1, 1, 1)]:
            why = differs(eval_run(out, lab, bs))(R, C)
            if why:
                return why
    return None

K(T, "evaluate_sum_correct", "evaluate", "no_grad as a context manager; probabilities thresholded to the labels' flat shape", '''
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    """Count correct predictions over every batch."""
    model.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            out = model(inputs.to(device))
            labels = labels.to(device).reshape(-1)
            if out.shape[-1] == 1:
                pred = (out.reshape(-1) > 0.5).to(labels.dtype)
            else:
                pred = out.argmax(dim=-1)
            hits += (pred == labels).sum().item()
            total += labels.numel()
    return hits / total
''', eval_check)
