from common import *
T = "mlp"
D64 = torch.float64


M(T, "relu_abs_form", "relu", "(x + |x|)/2: x + |x| overflows for float32 x above ~1.7e38",
  "float32 x = [2e38, -1, 3]",
  "def relu(x):\n    return (x + x.abs()) / 2\n",
  differs(lambda Mod: Mod.relu(torch.tensor([2e38, -1.0, 3.0]))))
M(T, "relu_f16_promote", "relu", "torch.where against torch.zeros(x.shape) (float32): float16 x comes back float32",
  "float16 x = [-1, 2]",
  ed(T, "relu", ("torch.zeros_like(x)", "torch.zeros(x.shape)")),
  differs(lambda Mod: Mod.relu(torch.tensor([-1.0, 2.0], dtype=torch.float16)), rtol=1e-2, atol=1e-3))
M(T, "tanh_exp_ratio", "tanh", "(eˣ − e⁻ˣ)/(eˣ + e⁻ˣ): inf/inf = NaN at ±1000",
  "x = [1000, -1000, 0.5]",
  "def tanh(x):\n    return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))\n",
  differs(lambda Mod: Mod.tanh(torch.tensor([1000.0, -1000.0, 0.5]))))
M(T, "tanh_no_abs", "tanh", "uses e^(−2x) with the sign of x: overflows for x ≤ −45 (inf/inf)",
  "x = [-100, 1]",
  ed(T, "tanh", ("torch.exp(-2 * x.abs())", "torch.exp(-2 * x)")),
  differs(lambda Mod: Mod.tanh(torch.tensor([-100.0, 1.0]))))
M(T, "hard_sigmoid_wide", "hard_sigmoid_from_relus", "relu(x + 1) − relu(x − 1) (the ±1 corners, not ±0.5)",
  "x = [-0.7, 0.2, 0.8]",
  "def hard_sigmoid_from_relus(x):\n    return relu(x + 1) - relu(x - 1)\n",
  differs(lambda Mod: Mod.hard_sigmoid_from_relus(torch.tensor([-0.7, 0.2, 0.8]))))
M(T, "hard_sigmoid_grad_detached", "hard_sigmoid_from_relus", "second ReLU on x.detach(): the slope above 0.5 is 1, not 0",
  "x = [0.8, 2.0] (gradient of the sum)",
  "def hard_sigmoid_from_relus(x):\n    return relu(x + 0.5) - relu(x.detach() - 0.5)\n",
  differs(lambda Mod: (lambda x: torch.autograd.grad(Mod.hard_sigmoid_from_relus(x).sum(), x)[0])(torch.tensor([0.8, 2.0], requires_grad=True))))
M(T, "dropout_p1_nan", "dropout", "no special case for p = 1: 0/0 gives NaN",
  "x randn(4), p = 1",
  "def dropout(x, p, training=True):\n    if not training:\n        return x\n    keep = (torch.rand_like(x) > p).to(x.dtype)\n    return x * keep / (1 - p)\n",
  differs(lambda Mod: Mod.dropout(torch.randn(4), 1.0)))
M(T, "dropout_no_scale", "dropout", "zeros with probability p but does not scale the survivors",
  "x randn(6), p = 0.5, seed 0",
  ed(T, "dropout", ("return x * keep / (1 - p)", "return x * keep")),
  differs(lambda Mod: Mod.dropout(torch.randn(6), 0.5)))
M(T, "dropout_eval_scaled", "dropout", "training=False returns x·(1 − p) (the old convention)",
  "x randn(3), p = 0.3, training False",
  ed(T, "dropout", ("    if not training:\n        return x\n", "    if not training:\n        return x * (1 - p)\n")),
  differs(lambda Mod: Mod.dropout(torch.randn(3), 0.3, training=False)))
M(T, "dropout_mask_float", "dropout", "mask cast with .float(): float16 x comes back float32",
  "float16 x randn(5), p = 0.4",
  ed(T, "dropout", (".to(x.dtype)", ".float()")),
  differs(lambda Mod: Mod.dropout(torch.randn(5).half(), 0.4), rtol=1e-2, atol=1e-3))
M(T, "xavier_no_receptive", "xavier_uniform_", "fans from shape[0], shape[1] only: a conv weight's bound ignores the kernel",
  "conv weight empty(8, 4, 3, 3), seed 0",
  ed(T, "xavier_uniform_", ("receptive = math.prod(tensor.shape[2:])", "receptive = 1")),
  differs(lambda Mod: Mod.xavier_uniform_(torch.empty(8, 4, 3, 3))))
M(T, "xavier_new_tensor", "xavier_uniform_", "fills a fresh tensor and returns it: the argument itself is untouched",
  "t = zeros(5, 3); xavier_uniform_(t); t",
  "def xavier_uniform_(tensor):\n    fan_in, fan_out = tensor.shape[1] * math.prod(tensor.shape[2:]), tensor.shape[0] * math.prod(tensor.shape[2:])\n"
  "    a = math.sqrt(6 / (fan_in + fan_out))\n    return torch.empty(tensor.shape).uniform_(-a, a)\n",
  differs(lambda Mod: (lambda t: (Mod.xavier_uniform_(t), t))(torch.zeros(5, 3))))
M(T, "xavier_needs_no_grad", "xavier_uniform_", "uniform_ without torch.no_grad(): a Parameter (requires_grad) raises",
  "nn.Parameter(empty(4, 6))",
  "def xavier_uniform_(tensor):\n    receptive = math.prod(tensor.shape[2:])\n    a = math.sqrt(6 / ((tensor.shape[0] + tensor.shape[1]) * receptive))\n    return tensor.uniform_(-a, a)\n",
  differs(lambda Mod: Mod.xavier_uniform_(nn.Parameter(torch.empty(4, 6))).detach()))
M(T, "logreg_no_bias", "LogisticRegression", "nn.Linear(in_features, 1, bias=False)",
  "seed 0, LogisticRegression(3) on randn(4,3)",
  ed(T, "LogisticRegression", ("nn.Linear(in_features, 1)", "nn.Linear(in_features, 1, bias=False)")),
  differs(lambda Mod: (torch.manual_seed(0), Mod.LogisticRegression(3)(torch.randn(4, 3)))[1]))
M(T, "logreg_squeeze", "LogisticRegression", "returns (n,) probabilities (squeeze(-1))",
  "seed 0, LogisticRegression(3) on randn(4,3)",
  ed(T, "LogisticRegression", ("return torch.sigmoid(self.linear(x))", "return torch.sigmoid(self.linear(x)).squeeze(-1)")),
  differs(lambda Mod: (torch.manual_seed(0), Mod.LogisticRegression(3)(torch.randn(4, 3)))[1]))
M(T, "diabetes_hardcoded_8", "DiabetesNet", "first layer hard-coded to 8 inputs: DiabetesNet(7) on 7 features fails",
  "DiabetesNet(7) on randn(3,7)",
  ed(T, "DiabetesNet", ("nn.Linear(in_features, 6)", "nn.Linear(8, 6)")),
  differs(lambda Mod: (torch.manual_seed(0), Mod.DiabetesNet(7)(torch.randn(3, 7)))[1]))
M(T, "diabetes_relu_hidden", "DiabetesNet", "ReLU after the hidden layers, sigmoid only at the end",
  "seed 0, DiabetesNet(8) on randn(3,8)",
  "class DiabetesNet(nn.Module):\n    def __init__(self, in_features=8):\n        super().__init__()\n"
  "        self.layers = nn.Sequential(nn.Linear(in_features, 6), nn.ReLU(), nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 1), nn.Sigmoid())\n\n"
  "    def forward(self, x):\n        return self.layers(x)\n",
  differs(lambda Mod: (torch.manual_seed(0), Mod.DiabetesNet(8)(torch.randn(3, 8)))[1]))

MS = src(T, "MLP")


def _mlp(Mod, sizes, act="relu", p=0.0, x=None, train=True):
    torch.manual_seed(0)
    m = Mod.MLP(sizes, act, p)
    m.train(train)
    torch.manual_seed(1)
    return m(x if x is not None else torch.randn(3, sizes[0]))


M(T, "mlp_dropout_before_act", "MLP", "dropout before the activation: with tanh, tanh(h/(1−p)) ≠ tanh(h)/(1−p)",
  "MLP([4, 5, 3], 'tanh', 0.5) in train mode, seeds 0/1",
  MS.replace('''                layers.append(ACTIVATIONS[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))''', '''                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
                layers.append(ACTIVATIONS[activation]())'''),
  differs(lambda Mod: _mlp(Mod, [4, 5, 3], "tanh", 0.5)))
M(T, "mlp_view_flatten", "MLP", "flattens with x.view(len(x), -1): a non-contiguous image batch fails",
  "MLP([64, 10, 3]) on randn(2,1,8,8).transpose(2,3) (non-contiguous)",
  MS.replace("return self.layers(x.flatten(1))", "return self.layers(x.view(len(x), -1))"),
  differs(lambda Mod: _mlp(Mod, [64, 10, 3], x=torch.randn(2, 1, 8, 8).transpose(2, 3))))
M(T, "mlp_flatten_4d_only", "MLP", "flattens only 4-D inputs: a 3-D (n, 8, 8) batch reaches the Linear unflattened",
  "MLP([64, 10, 3]) on randn(2, 8, 8)",
  MS.replace("return self.layers(x.flatten(1))", "if x.dim() == 4:\n            x = x.flatten(1)\n        return self.layers(x)"),
  differs(lambda Mod: _mlp(Mod, [64, 10, 3], x=torch.randn(2, 8, 8))))
M(T, "mlp_act_last", "MLP", "puts the activation after the last layer too (logits clipped by ReLU)",
  "MLP([4, 6, 3]) on randn(3,4)",
  MS.replace("if i < len(sizes) - 2:\n                layers.append(ACTIVATIONS[activation]())", "layers.append(ACTIVATIONS[activation]())\n            if i < len(sizes) - 2:"),
  differs(lambda Mod: _mlp(Mod, [4, 6, 3])))
M(T, "mlp_act_ignored", "MLP", "always ReLU whatever activation says",
  "MLP([4, 6, 3], 'sigmoid')",
  MS.replace("ACTIVATIONS[activation]()", "nn.ReLU()"),
  differs(lambda Mod: _mlp(Mod, [4, 6, 3], "sigmoid")))
M(T, "mlp_list_layers", "MLP", "keeps the layers in a plain Python list: no registered parameters, state_dict empty",
  "MLP([4, 6, 3]): len(state_dict()) and parameter count",
  MS.replace("self.layers = nn.Sequential(*layers)", "self.layers = layers").replace("return self.layers(x.flatten(1))", "x = x.flatten(1)\n        for layer in self.layers:\n            x = layer(x)\n        return x"),
  differs(lambda Mod: (lambda m: (len(m.state_dict()), sum(p.numel() for p in m.parameters())))(Mod.MLP([4, 6, 3]))))
M(T, "mlp_dropout_always", "MLP", "F.dropout(h, p) in forward (training defaults to True): still drops in eval mode",
  "MLP([4, 6, 3], 'relu', 0.5) in eval mode",
  MS.replace('''                if dropout > 0:
                    layers.append(nn.Dropout(dropout))''', '''                if dropout > 0:
                    layers.append(AlwaysDropout(dropout))''').replace("class MLP(nn.Module):", "class AlwaysDropout(nn.Module):\n    def __init__(self, p):\n        super().__init__()\n        self.p = p\n\n    def forward(self, h):\n        return torch.nn.functional.dropout(h, self.p)\n\n\nclass MLP(nn.Module):"),
  differs(lambda Mod: _mlp(Mod, [4, 6, 3], "relu", 0.5, train=False)))


# ---- training loop / evaluate ----
class _Loader(list):
    pass


def _setup(seed=0, n=10, bs=4, dropout=0.0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Dropout(dropout), nn.Linear(5, 2))
    X, y = torch.randn(n, 3), torch.randint(0, 2, (n,))
    loader = [(X[i:i + bs], y[i:i + bs]) for i in range(0, n, bs)]
    return model, loader


def _train(Mod, eval_first=False, dropout=0.0):
    model, loader = _setup(dropout=dropout)
    if eval_first:
        model.eval()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    torch.manual_seed(5)
    loss = Mod.train_epoch(model, loader, nn.functional.cross_entropy, opt, "cpu")
    return loss, [p.detach().clone() for p in model.parameters()], model.training


TE = src(T, "train_epoch")
M(T, "train_mean_of_means", "train_epoch", "returns the plain mean of batch losses (last batch of 2 weighted like the full ones)",
  "10 samples, batches of 4 (last of 2), SGD lr 0.1",
  "def train_epoch(model, loader, loss_fn, optimizer, device):\n    model.train()\n    losses = []\n    for inputs, targets in loader:\n"
  "        inputs, targets = inputs.to(device), targets.to(device)\n        loss = loss_fn(model(inputs), targets)\n"
  "        optimizer.zero_grad()\n        loss.backward()\n        optimizer.step()\n        losses.append(loss.item())\n    return sum(losses) / len(losses)\n",
  differs(lambda Mod: _train(Mod)))
M(T, "train_no_zero_grad", "train_epoch", "never zeroes the gradients: they accumulate across batches",
  "10 samples, batches of 4, SGD lr 0.1",
  TE.replace("        optimizer.zero_grad()\n", ""),
  differs(lambda Mod: _train(Mod)))
M(T, "train_no_train_mode", "train_epoch", "does not call model.train(): a model left in eval mode trains without dropout",
  "model with Dropout(0.5) put in eval() before the call",
  TE.replace("    model.train()\n", ""),
  differs(lambda Mod: _train(Mod, eval_first=True, dropout=0.5)))
M(T, "train_tensor_total", "train_epoch", "accumulates loss tensors (detached): returns a 0-dim tensor, not a float",
  "10 samples, batches of 4",
  TE.replace("total += loss.item() * len(inputs)", "total += loss.detach() * len(inputs)"),
  differs(lambda Mod: _train(Mod)[0]))

EV = src(T, "evaluate")


def _eval_prob(Mod, labels_shape, const=None):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 1), nn.Sigmoid())
    if const is not None:
        with torch.no_grad():
            model[0].weight.zero_()
            model[0].bias.fill_(const)
    X = torch.randn(7, 3)
    y = (torch.rand(7) > 0.5).float()
    loader = [(X[i:i + 3], y[i:i + 3].reshape(labels_shape(len(y[i:i + 3])))) for i in range(0, 7, 3)]
    return Mod.evaluate(model, loader, "cpu")


M(T, "eval_ge_half", "evaluate", "predicts 1 where output ≥ 0.5 (an output of exactly 0.5 counts as 1)",
  "model outputting exactly 0.5 (sigmoid of 0), labels (n,)",
  EV.replace("(outputs[:, 0] > 0.5)", "(outputs[:, 0] >= 0.5)"),
  differs(lambda Mod: _eval_prob(Mod, lambda n: (n,), const=0.0)))
M(T, "eval_label_column", "evaluate", "compares (n,) predictions with (n, 1) labels directly: broadcasts to (n, n)",
  "probability model, labels of shape (n, 1)",
  EV.replace("            labels = labels.reshape(-1).long()\n", "            labels = labels.long()\n"),
  differs(lambda Mod: _eval_prob(Mod, lambda n: (n, 1))))
M(T, "eval_mean_batch_acc", "evaluate", "averages per-batch accuracies (last batch of 1 over-weighted)",
  "7 samples in batches of 3, 3, 1",
  "@torch.no_grad()\ndef evaluate(model, loader, device):\n    model.eval()\n    accs = []\n    for inputs, labels in loader:\n"
  "        outputs, labels = model(inputs.to(device)), labels.to(device)\n        if outputs.shape[1] == 1:\n"
  "            predicted = (outputs[:, 0] > 0.5).long()\n            labels = labels.reshape(-1).long()\n        else:\n"
  "            predicted = outputs.argmax(dim=1)\n        accs.append((predicted == labels).float().mean().item())\n    return sum(accs) / len(accs)\n",
  differs(lambda Mod: _eval_prob(Mod, lambda n: (n,))))

# ---------------- contract ----------------
M(T, "relu_clamp_inplace", "relu", "x.clamp_(min=0): overwrites the input, and a leaf that requires grad cannot be changed in place",
  "x = randn(5, requires_grad=True) (gradients are checked)",
  "def relu(x):\n    return x.clamp_(min=0)\n",
  differs(lambda Mod: with_grads(Mod.relu, torch.randn(5))))
X(T, "relu_leaky_zero", "relu", "F.leaky_relu with negative_slope 0", "Off limits: F.leaky_relu (at a slope of 0)",
  "def relu(x):\n    return torch.nn.functional.leaky_relu(x, negative_slope=0.0)\n",
  calls_forbidden(lambda Mod: Mod.relu(torch.randn(5)), [(F, "leaky_relu")]))
X(T, "hard_sigmoid_clamp", "hard_sigmoid_from_relus", "(x + 0.5).clamp(0, 1)", "Off limits: torch.clamp",
  "def hard_sigmoid_from_relus(x):\n    return (x + 0.5).clamp(0, 1)\n",
  calls_forbidden(lambda Mod: Mod.hard_sigmoid_from_relus(torch.randn(5)), [(torch, "clamp")], method_names=("clamp",)))


def _linear_calls(Mod):
    torch.manual_seed(0)
    m = Mod.MLP([4, 6, 3])
    calls = []
    for mod in m.modules():
        if isinstance(mod, nn.Linear):
            mod.register_forward_hook(lambda *a: calls.append(1))
    m(torch.randn(2, 4))
    return len(calls)


X(T, "mlp_linear_by_hand", "MLP", "applies each Linear as F.linear(h, layer.weight, layer.bias)",
  "Apply each nn.Linear by calling it (layer(h)), not by hand from its weight and bias",
  MS.replace("return self.layers(x.flatten(1))", "h = x.flatten(1)\n        for layer in self.layers:\n"
             "            h = torch.nn.functional.linear(h, layer.weight, layer.bias) if isinstance(layer, nn.Linear) else layer(h)\n        return h"),
  lambda R, C: (f"Linear layers called {_linear_calls(C)} times, reference {_linear_calls(R)}" if _linear_calls(C) != _linear_calls(R) else None))


def _grad_mode_seen(Mod):
    seen = []
    model = nn.Sequential(nn.Linear(3, 2))
    model.register_forward_hook(lambda *a: seen.append(torch.is_grad_enabled()))
    Mod.evaluate(model, [(torch.randn(4, 3), torch.randint(0, 2, (4,)))], "cpu")
    return seen


X(T, "eval_grad_enabled", "evaluate", "evaluates without torch.no_grad()", "in eval mode under torch.no_grad()",
  EV.replace("@torch.no_grad()\n", ""),
  lambda R, C: (f"grad enabled during forward: {_grad_mode_seen(C)} (reference {_grad_mode_seen(R)})" if _grad_mode_seen(C) != _grad_mode_seen(R) else None))

# ---------------- correct ----------------
def _gen_act(seed):
    dt = [torch.float32, D64, torch.float16][seed % 3]
    x = torch.randn(7) * [1, 10, 1000, 0.01][seed % 4]
    if seed % 5 == 0:
        x = torch.tensor([-1000.0, -20.0, -0.3, 0.0, 0.3, 20.0, 1000.0])
    x = x.to(dt)
    if seed % 4 == 1:
        x = torch.randn(3, 4).to(dt).T
    return [x]


def _cmp_act(r, c):
    dt = (r[0] if isinstance(r, tuple) else r).dtype
    if dt == D64:
        return same(r, c, rtol=1e-7, atol=0.0)
    if dt == torch.float16:
        return same(r, c, rtol=1e-2, atol=1e-3)
    return same(r, c)


def _val_grad(fn, x):
    if not x.is_floating_point() or x.dtype == torch.float16:
        return fn(x)
    x = x.detach().clone().requires_grad_(True)
    y = fn(x)
    w = torch.linspace(0.5, 1.5, y.numel(), dtype=y.dtype).reshape(y.shape)
    return y.detach(), torch.autograd.grad((y * w).sum(), x)[0]


def _nz(gen):
    def g(seed):
        x = gen(seed)[0]
        return [torch.where(x == 0, torch.full_like(x, 0.25), x)]
    return g


K(T, "relu_maximum", "relu", "torch.maximum(x, zeros_like(x))",
  "def relu(x):\n    return torch.maximum(x, torch.zeros_like(x))\n",
  agree(_nz(_gen_act), lambda Mod, i: _val_grad(Mod.relu, i[0]), cmp=_cmp_act))
K(T, "relu_masked_fill", "relu", "x.masked_fill(x < 0, 0)",
  "def relu(x):\n    return x.masked_fill(x < 0, 0)\n",
  agree(_nz(_gen_act), lambda Mod, i: _val_grad(Mod.relu, i[0]), cmp=_cmp_act))
K(T, "tanh_where_sign", "tanh", "e = exp(−2|x|), sign as torch.where(x < 0, −1, 1)",
  "def tanh(x):\n    e = torch.exp(-2 * torch.abs(x))\n    t = (1 - e) / (1 + e)\n    return torch.where(x < 0, -t, t)\n",
  agree(_nz(_gen_act), lambda Mod, i: _val_grad(Mod.tanh, i[0]), cmp=_cmp_act))
K(T, "hard_sigmoid_where_relu", "hard_sigmoid_from_relus", "the two ReLUs written with torch.where",
  "def hard_sigmoid_from_relus(x):\n    a = x + 0.5\n    b = x - 0.5\n    return torch.where(a > 0, a, torch.zeros_like(a)) - torch.where(b > 0, b, torch.zeros_like(b))\n",
  agree(lambda s: [(lambda x: torch.where((x.abs() - 0.5).abs() < 1e-3, x + 0.01, x))(_gen_act(s)[0].clamp(-100, 100))], lambda Mod, i: _val_grad(Mod.hard_sigmoid_from_relus, i[0]), cmp=_cmp_act))


def _gen_drop(seed):
    dt = [torch.float32, D64, torch.float16][seed % 3]
    return [torch.randn(3, 4).to(dt), [0.0, 0.3, 0.5, 1.0, 0.9][seed % 5], seed % 4 != 0]


K(T, "dropout_where", "dropout", "torch.where(rand_like(x) > p, x / (1 − p), 0)",
  "def dropout(x, p, training=True):\n    if not training:\n        return x\n    if p == 1:\n        return x * 0\n"
  "    return torch.where(torch.rand_like(x) > p, x / (1 - p), torch.zeros_like(x))\n",
  agree(_gen_drop, lambda Mod, i: (Mod.dropout(*i), torch.rand(2)), cmp=lambda r, c: same(r, c, rtol=1e-3, atol=1e-3)))
K(T, "xavier_calculated_fans", "xavier_uniform_", "fans from numel: fan_in = numel/out, fan_out = numel/in",
  "def xavier_uniform_(tensor):\n    n = tensor.numel()\n    fan_in = n // tensor.shape[0]\n    fan_out = n // tensor.shape[1]\n"
  "    bound = (6.0 / (fan_in + fan_out)) ** 0.5\n    with torch.no_grad():\n        tensor.uniform_(-bound, bound)\n    return tensor\n",
  agree(lambda s: [[(3, 5), (8, 4, 3, 3), (1, 7), (6, 2, 5), (4, 6)][s % 5], s],
        lambda Mod, i: (lambda t: (Mod.xavier_uniform_(t) is t, t.detach().clone(), torch.rand(2)))(nn.Parameter(torch.empty(i[0])) if i[1] % 2 else torch.empty(i[0]))))
K(T, "logreg_F_sigmoid", "LogisticRegression", "Linear kept as self.fc, torch.nn.functional.sigmoid",
  "class LogisticRegression(nn.Module):\n    def __init__(self, in_features):\n        super().__init__()\n        self.fc = nn.Linear(in_features, 1)\n\n"
  "    def forward(self, x):\n        return nn.functional.sigmoid(self.fc(x))\n",
  agree(lambda s: [1 + s % 5, 1 + s % 4], lambda Mod, i: (torch.manual_seed(0), Mod.LogisticRegression(i[0])(torch.randn(i[1], i[0])))[1]))
K(T, "diabetes_explicit", "DiabetesNet", "three named Linear layers and torch.sigmoid in forward",
  "class DiabetesNet(nn.Module):\n    def __init__(self, in_features=8):\n        super().__init__()\n        self.l1 = nn.Linear(in_features, 6)\n"
  "        self.l2 = nn.Linear(6, 4)\n        self.l3 = nn.Linear(4, 1)\n\n    def forward(self, x):\n"
  "        x = torch.sigmoid(self.l1(x))\n        x = torch.sigmoid(self.l2(x))\n        return torch.sigmoid(self.l3(x))\n",
  agree(lambda s: [[7, 8, 3][s % 3], 1 + s % 4], lambda Mod, i: (lambda m: (m(torch.randn(i[1], i[0])), sorted(p.numel() for p in m.parameters())))((torch.manual_seed(0), Mod.DiabetesNet(i[0]))[1])))
K(T, "mlp_modulelist", "MLP", "nn.ModuleList of Linear layers, activations applied with torch functions, dropout via F.dropout(training=self.training)",
  "ACT = {'relu': torch.relu, 'tanh': torch.tanh, 'sigmoid': torch.sigmoid}\n\n\n"
  "class MLP(nn.Module):\n    def __init__(self, sizes, activation='relu', dropout=0.0):\n        super().__init__()\n"
  "        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))\n"
  "        self.act = ACT[activation]\n        self.p = dropout\n\n    def forward(self, x):\n        h = x.reshape(x.shape[0], -1)\n"
  "        for i, layer in enumerate(self.linears):\n            h = layer(h)\n            if i < len(self.linears) - 1:\n"
  "                h = self.act(h)\n                if self.p > 0:\n                    h = torch.nn.functional.dropout(h, self.p, self.training)\n        return h\n",
  agree(lambda s: [[[4, 6, 3], [64, 10, 3], [5, 2], [4, 3, 3, 2]][s % 4], ["relu", "tanh", "sigmoid"][s % 3], [0.0, 0.5][s % 2], s % 3 != 0],
        lambda Mod, i: (_mlp(Mod, i[0], i[1], i[2], x=torch.randn(2, 1, 8, 8) if i[0][0] == 64 else None, train=i[3]),
                        sorted(p.numel() for p in (torch.manual_seed(0), Mod.MLP(i[0], i[1], i[2]))[1].parameters()))))
K(T, "train_counts_targets", "train_epoch", "weights by targets.shape[0], zero_grad at the top of the step",
  "def train_epoch(model, loader, loss_fn, optimizer, device):\n    model.train()\n    weighted, seen = 0.0, 0\n    for xb, yb in loader:\n"
  "        xb = xb.to(device)\n        yb = yb.to(device)\n        optimizer.zero_grad()\n        out = model(xb)\n        loss = loss_fn(out, yb)\n"
  "        loss.backward()\n        optimizer.step()\n        weighted += float(loss) * yb.shape[0]\n        seen += yb.shape[0]\n    return weighted / seen\n",
  agree(lambda s: [s % 2 == 0, [0.0, 0.5][s % 2]], lambda Mod, i: _train(Mod, *i), n=6))
K(T, "eval_sum_correct", "evaluate", "counts with .sum().item(); probability branch via view(-1) comparisons",
  "def evaluate(model, loader, device):\n    model.eval()\n    right = total = 0\n    with torch.no_grad():\n        for xb, yb in loader:\n"
  "            out = model(xb.to(device))\n            yb = yb.to(device)\n            if out.shape[1] > 1:\n                pred = out.argmax(1)\n"
  "            else:\n                pred = (out.view(-1) > 0.5).to(torch.int64)\n                yb = yb.reshape(-1).to(torch.int64)\n"
  "            right += (pred == yb).sum().item()\n            total += yb.numel()\n    return right / total\n",
  agree(lambda s: [s % 3], lambda Mod, i: _eval_prob(Mod, [lambda n: (n,), lambda n: (n, 1), lambda n: (n,)][i[0]], const=0.0 if i[0] == 2 else None), n=6))

M(T, "xavier_own_generator", "xavier_uniform_", "draws from its own torch.Generator seeded 0: ignores torch.manual_seed (same values whatever the seed)",
  "torch.manual_seed(1); xavier_uniform_(empty(4, 6))",
  ed(T, "xavier_uniform_", ("return tensor.uniform_(-bound, bound)", "return tensor.uniform_(-bound, bound, generator=torch.Generator().manual_seed(0))")),
  differs(lambda Mod: (torch.manual_seed(1), Mod.xavier_uniform_(torch.empty(4, 6)))[1]))
