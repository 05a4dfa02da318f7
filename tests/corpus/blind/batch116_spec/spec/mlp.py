from common import *  # noqa
T = "mlp"
r = torch.randn
D = torch.float64
def t(v, dt=torch.float32): return torch.tensor(v, dtype=dt)
SOL = open('/work/main/solutions/mlp.py').read()
def cls_src(name, nxt):
    return SOL[SOL.index(f'class {name}('):SOL.index(nxt)].rstrip() + "\n"
def sub(src, old, new):
    assert old in src, old
    return src.replace(old, new)
MLP_SRC = cls_src("MLP", "def train_epoch(")

M(T, "relu_abs_average", "relu", "(x + |x|)/2: overflows to inf for x near float32's max",
  "float32 x = [3e38, -1.]", "def relu(x):\n    return (x + x.abs()) / 2",
  differs(lambda M: M.relu(t([3e38, -1.]))))
M(T, "tanh_sign_by_division", "tanh", "sign as x/|x|: 0/0 = NaN at x = 0",
  "x = [0., 1.]", "def tanh(x):\n    e = torch.exp(-2 * x.abs())\n    return x / x.abs() * (1 - e) / (1 + e)",
  differs(lambda M: M.tanh(t([0., 1.]))))
M(T, "tanh_float32_exp", "tanh", "exponential computed in float32: float16 input returns float32",
  "float16 x (4,)", "def tanh(x):\n    e = torch.exp(-2 * x.abs().float())\n    return torch.sign(x) * (1 - e) / (1 + e)",
  differs(lambda M: M.tanh(r(4).half())))
M(T, "hard_sigmoid_shift_wrong", "hard_sigmoid_from_relus", "relu(x) − relu(x − 1): the ramp sits on [0, 1] instead of [−0.5, 0.5]",
  "x = [-0.25, 0.25]", "def hard_sigmoid_from_relus(x):\n    return relu(x) - relu(x - 1)",
  differs(lambda M: M.hard_sigmoid_from_relus(t([-0.25, 0.25]))))
M(T, "dropout_p1_nan", "dropout", "no special case for p = 1: 0/0 = NaN",
  "x (5,), p = 1", "def dropout(x, p, training=True):\n    if not training:\n        return x\n    keep = (torch.rand_like(x) > p).to(x.dtype)\n    return x * keep / (1 - p)",
  differs(lambda M: M.dropout(torch.ones(5), 1.0)))
M(T, "dropout_keep_below_p", "dropout", "keeps where rand < p: survivors appear with probability p",
  "x = ones(20000), p = 0.2: mean should be ≈ 1", "def dropout(x, p, training=True):\n    if not training:\n        return x\n    if p >= 1:\n        return torch.zeros_like(x)\n    keep = (torch.rand_like(x) < p).to(x.dtype)\n    return x * keep / (1 - p)",
  differs(lambda M: M.dropout(torch.ones(20000), 0.2).mean(), rtol=0.05, atol=0.0))
M(T, "dropout_eval_scales", "dropout", "old-style: at evaluation multiplies by (1 − p)",
  "x (4,), p 0.5, training False", "def dropout(x, p, training=True):\n    if not training:\n        return x * (1 - p)\n    if p >= 1:\n        return torch.zeros_like(x)\n    keep = (torch.rand_like(x) > p).to(x.dtype)\n    return x * keep / (1 - p)",
  differs(lambda M: M.dropout(torch.ones(4), 0.5, False)))
M(T, "dropout_eval_draws_rng", "dropout", "draws the mask before checking training: eval mode advances the RNG stream",
  "x (4,), p 0.5, training False; then torch.rand(2)", "def dropout(x, p, training=True):\n    mask = torch.rand_like(x) > p\n    if not training:\n        return x\n    if p >= 1:\n        return torch.zeros_like(x)\n    return x * mask.to(x.dtype) / (1 - p)",
  differs(lambda M: (M.dropout(torch.ones(4), 0.5, False), torch.rand(2))))
M(T, "dropout_float_mask", "dropout", "mask cast with .float(): float16 input returns float32",
  "float16 x (6,), p 0.3", "def dropout(x, p, training=True):\n    if not training:\n        return x\n    if p >= 1:\n        return torch.zeros_like(x)\n    keep = (torch.rand_like(x) > p).float()\n    return x * keep / (1 - p)",
  differs(lambda M: M.dropout(torch.ones(6).half(), 0.3)))
M(T, "xavier_no_receptive_field", "xavier_uniform_", "fans from shape[1], shape[0] only: a conv weight's bound ignores the kernel",
  "conv weight empty(8, 4, 3, 3): max |w| vs bound √(6/108)", "def xavier_uniform_(tensor):\n    fan_in, fan_out = tensor.shape[1], tensor.shape[0]\n    bound = math.sqrt(6 / (fan_in + fan_out))\n    with torch.no_grad():\n        return tensor.uniform_(-bound, bound)",
  differs(lambda M: M.xavier_uniform_(torch.empty(8, 4, 3, 3)).abs().max() <= math.sqrt(6 / 108)))
M(T, "xavier_no_nograd", "xavier_uniform_", "fills without torch.no_grad(): an nn.Parameter (leaf requiring grad) raises",
  "nn.Parameter(empty(5, 3))", "def xavier_uniform_(tensor):\n    receptive = math.prod(tensor.shape[2:])\n    fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive\n    bound = math.sqrt(6 / (fan_in + fan_out))\n    return tensor.uniform_(-bound, bound)",
  differs(lambda M: M.xavier_uniform_(nn.Parameter(torch.empty(5, 3))).detach()))
M(T, "xavier_returns_new", "xavier_uniform_", "returns a new tensor: the argument is left unfilled",
  "t = zeros(4, 6); xavier_uniform_(t); t", "def xavier_uniform_(tensor):\n    receptive = math.prod(tensor.shape[2:])\n    fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive\n    bound = math.sqrt(6 / (fan_in + fan_out))\n    return torch.empty_like(tensor).uniform_(-bound, bound)",
  differs(lambda M: (lambda w: (M.xavier_uniform_(w), w)[1])(torch.zeros(4, 6))))

def seeded(make, fwd):
    def run(M):
        torch.manual_seed(0)
        m = make(M)
        torch.manual_seed(1)
        return fwd(m)
    return run
M(T, "logreg_squeezed", "LogisticRegression", "returns probabilities squeezed to (n,)",
  "LogisticRegression(3), x (4,3)", sub(cls_src("LogisticRegression", "class DiabetesNet("), "return torch.sigmoid(self.linear(x))", "return torch.sigmoid(self.linear(x)).squeeze(-1)"),
  differs(seeded(lambda M: M.LogisticRegression(3), lambda m: m(r(4, 3)))))
M(T, "logreg_no_bias", "LogisticRegression", "nn.Linear(in_features, 1, bias=False): σ(0) = 0.5 at x = 0",
  "LogisticRegression(3), x = zeros(2,3)", sub(cls_src("LogisticRegression", "class DiabetesNet("), "nn.Linear(in_features, 1)", "nn.Linear(in_features, 1, bias=False)"),
  differs(seeded(lambda M: M.LogisticRegression(3), lambda m: m(torch.zeros(2, 3)))))
M(T, "diabetes_hardcoded_8", "DiabetesNet", "first layer nn.Linear(8, 6) whatever in_features says",
  "DiabetesNet(7), x (3,7)", sub(cls_src("DiabetesNet", "ACTIVATIONS ="), "nn.Linear(in_features, 6)", "nn.Linear(8, 6)"),
  differs(seeded(lambda M: M.DiabetesNet(7), lambda m: m(r(3, 7)))))
M(T, "diabetes_last_no_sigmoid", "DiabetesNet", "no sigmoid after the last layer",
  "DiabetesNet(8), x (3,8)", sub(cls_src("DiabetesNet", "ACTIVATIONS ="), "nn.Linear(4, 1), nn.Sigmoid())", "nn.Linear(4, 1))"),
  differs(seeded(lambda M: M.DiabetesNet(8), lambda m: m(r(3, 8)))))
M(T, "mlp_dropout_before_act", "MLP", "dropout placed before the activation: differs for tanh in train mode",
  "MLP([4,8,3], 'tanh', 0.5).train(), x (5,4)", sub(MLP_SRC, "                layers.append(ACTIVATIONS[activation]())\n                if dropout > 0:\n                    layers.append(nn.Dropout(dropout))", "                if dropout > 0:\n                    layers.append(nn.Dropout(dropout))\n                layers.append(ACTIVATIONS[activation]())"),
  differs(seeded(lambda M: M.MLP([4, 8, 3], "tanh", 0.5), lambda m: m.train()(r(5, 4)))))
M(T, "mlp_functional_dropout_eval", "MLP", "F.dropout(h, p) in forward (training defaults to True): still drops in eval mode",
  "MLP([4,8,3], 'relu', 0.5).eval(), x (5,4)", '''class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.act = ACTIVATIONS[activation]()
        self.p = dropout

    def forward(self, x):
        h = x.flatten(1)
        for i, layer in enumerate(self.linears):
            h = layer(h)
            if i < len(self.linears) - 1:
                h = self.act(h)
                if self.p > 0:
                    h = torch.nn.functional.dropout(h, self.p)
        return h
''', differs(seeded(lambda M: M.MLP([4, 8, 3], "relu", 0.5), lambda m: m.eval()(r(5, 4)))))
M(T, "mlp_flatten_only_4d", "MLP", "flattens only 4-D inputs: a 3-D batch (n, 8, 8) is not flattened",
  "MLP([64, 10]), x (2, 8, 8)", sub(MLP_SRC, "return self.layers(x.flatten(1))", "if x.dim() == 4:\n            x = x.flatten(1)\n        return self.layers(x)"),
  differs(seeded(lambda M: M.MLP([64, 10]), lambda m: m(r(2, 8, 8)))))
M(T, "mlp_plain_list", "MLP", "layers kept in a plain Python list: no parameters registered (state_dict empty)",
  "MLP([4, 5, 3]).state_dict() keys / parameter count", sub(sub(MLP_SRC, "self.layers = nn.Sequential(*layers)", "self.layers = layers"), "return self.layers(x.flatten(1))", "h = x.flatten(1)\n        for layer in self.layers:\n            h = layer(h)\n        return h"),
  differs(lambda M: sum(p.numel() for p in M.MLP([4, 5, 3]).parameters())))
M(T, "mlp_act_after_last", "MLP", "activation after every layer, the output layer too (logits clipped by relu)",
  "MLP([4, 6, 3]), x (5,4)", sub(MLP_SRC, "            if i < len(sizes) - 2:\n                layers.append(ACTIVATIONS[activation]())", "            layers.append(ACTIVATIONS[activation]())\n            if i < len(sizes) - 2:"),
  differs(seeded(lambda M: M.MLP([4, 6, 3]), lambda m: m(r(5, 4)))))

def loader_of(sizes, d=3, c=None):
    g = torch.Generator().manual_seed(7)
    out = []
    for n in sizes:
        x = torch.randn(n, d, generator=g)
        y = torch.randint(0, c, (n,), generator=g) if c else torch.randn(n, 1, generator=g)
        out.append((x, y))
    return out
def run_train(M, loader, drop=0.0, mode="train", loss_fn=None):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Dropout(drop), nn.Linear(4, 1))
    getattr(model, mode)()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    torch.manual_seed(3)
    v = M.train_epoch(model, loader, loss_fn or nn.MSELoss(), opt, "cpu")
    return [v] + [p.detach().clone() for p in model.parameters()]
TE_SRC = SOL[SOL.index('def train_epoch('):SOL.index('@torch.no_grad()\ndef evaluate(')].rstrip() + "\n"
M(T, "train_epoch_unweighted", "train_epoch", "mean of the batch losses, not weighted by batch size",
  "batches of 4, 4, 1 samples", sub(sub(TE_SRC, "total += loss.item() * len(inputs)", "total += loss.item()"), "count += len(inputs)", "count += 1"),
  differs(lambda M: run_train(M, loader_of([4, 4, 1]))))
M(T, "train_epoch_no_train_mode", "train_epoch", "does not call model.train(): a model left in eval mode trains without dropout",
  "model with Dropout(0.5) in eval mode", sub(TE_SRC, "    model.train()\n", ""),
  differs(lambda M: run_train(M, loader_of([4, 4]), drop=0.5, mode="eval")))
M(T, "train_epoch_dataset_len", "train_epoch", "divides by len(loader.dataset): a plain list of batches has none",
  "loader = list of (x, y) batches", sub(TE_SRC, "return total / count", "return total / len(loader.dataset)"),
  differs(lambda M: run_train(M, loader_of([4, 2]))))
EV_SRC = SOL[SOL.index('@torch.no_grad()\ndef evaluate('):].rstrip() + "\n"
class Fixed(nn.Module):
    def __init__(self, outs): super().__init__(); self.outs = outs; self.i = 0; self.drop = nn.Dropout(0.9)
    def forward(self, x):
        o = self.outs[self.i % len(self.outs)]; self.i += 1
        return self.drop(o) if self.training else o
def run_eval(M, outs, labels):
    model = Fixed(outs)
    loader = [(torch.zeros(len(l), 2), l) for l in labels]
    torch.manual_seed(0)
    return M.evaluate(model, loader, "cpu")
M(T, "evaluate_labels_column", "evaluate", "compares (n,) predictions with (n, 1) labels unreshaped: broadcasts to (n, n)",
  "probabilities (3,1) [.9,.2,.7], labels (3,1) [1,0,1]", sub(EV_SRC, "            labels = labels.reshape(-1).long()\n", ""),
  differs(lambda M: run_eval(M, [t([[.9], [.2], [.7]])], [t([[1.], [0.], [1.]])])))
M(T, "evaluate_argmax_probs", "evaluate", "argmax for every output: an (n, 1) probability column always predicts 0",
  "probabilities (3,1) [.9,.2,.7], labels [1,0,1]", "@torch.no_grad()\ndef evaluate(model, loader, device):\n    model.eval()\n    correct, count = 0, 0\n    for inputs, labels in loader:\n        outputs = model(inputs.to(device))\n        predicted = outputs.argmax(dim=1)\n        correct += int((predicted == labels.to(device).reshape(-1)).sum())\n        count += len(labels)\n    return correct / count",
  differs(lambda M: run_eval(M, [t([[.9], [.2], [.7]])], [t([1., 0., 1.])])))
M(T, "evaluate_no_eval_mode", "evaluate", "never calls model.eval(): a model with dropout keeps dropping",
  "model with Dropout(0.9) in train mode, scores (4,3)", sub(EV_SRC, "    model.eval()\n", ""),
  differs(lambda M: run_eval(M, [t([[3., 1., 0.], [0., 2., 1.], [1., 0., 4.], [0., 5., 1.]])], [torch.tensor([0, 1, 2, 1])])))
M(T, "evaluate_batch_mean", "evaluate", "averages per-batch accuracies (unweighted)",
  "batches of 3 and 1 samples", "@torch.no_grad()\ndef evaluate(model, loader, device):\n    model.eval()\n    accs = []\n    for inputs, labels in loader:\n        outputs = model(inputs.to(device))\n        labels = labels.to(device)\n        if outputs.shape[1] == 1:\n            predicted = (outputs[:, 0] > 0.5).long()\n            labels = labels.reshape(-1).long()\n        else:\n            predicted = outputs.argmax(dim=1)\n        accs.append((predicted == labels).float().mean().item())\n    return sum(accs) / len(accs)",
  differs(lambda M: run_eval(M, [t([[.9], [.2], [.7]]), t([[.1]])], [t([1., 0., 1.]), t([1.])])))

X(T, "relu_f_relu", "relu", "delegates to F.relu", "Off limits: ``torch.relu``, ``F.relu``",
  "def relu(x):\n    return torch.nn.functional.relu(x)", calls_forbidden(lambda M: M.relu(r(5)), [(F, "relu")], ("relu",)), inp="x (5,)")
X(T, "dropout_f_dropout", "dropout", "delegates to F.dropout", "Off limits: ``F.dropout``, ``nn.Dropout``",
  "def dropout(x, p, training=True):\n    return torch.nn.functional.dropout(x, p, training)", calls_forbidden(lambda M: M.dropout(r(5), 0.3), [(F, "dropout")], ("dropout",)), inp="x (5,), p 0.3")
def hooks_fire(R, C):
    res = {}
    for label, Mo in (("ref", R), ("cand", C)):
        torch.manual_seed(0)
        m = Mo.MLP([4, 6, 3])
        seen = []
        for mod in m.modules():
            if isinstance(mod, nn.Linear):
                mod.register_forward_hook(lambda *a: seen.append(1))
        m(r(2, 4))
        res[label] = len(seen)
    if res["ref"] != 2:
        raise AssertionError(res)
    return None if res["cand"] == 2 else f"nn.Linear forward hooks fired {res['cand']} times (reference 2)"
X(T, "mlp_by_hand_linear", "MLP", "applies each layer as h @ W.T + b from its weight and bias", "Apply each ``nn.Linear`` by calling it (``layer(h)``), not by hand from its ``weight`` and ``bias``",
  '''class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.act = ACTIVATIONS[activation]()
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x):
        h = x.flatten(1)
        for i, layer in enumerate(self.linears):
            h = h @ layer.weight.T + layer.bias
            if i < len(self.linears) - 1:
                h = self.drop(self.act(h))
        return h
''', all_of(lambda R, C: _agree_mlp(R, C), hooks_fire), inp="MLP([4,6,3]) with forward hooks on its nn.Linear layers")
def _agree_mlp(R, C):
    why = same(seeded(lambda M: M.MLP([4, 6, 3]), lambda m: m(r(2, 4)))(R), seeded(lambda M: M.MLP([4, 6, 3]), lambda m: m(r(2, 4)))(C), 1e-5, 1e-6)
    if why:
        raise AssertionError(f"values differ: {why}")
    return None

def gx(s):
    dt = [torch.float32, torch.float64, torch.float16][s % 3]
    x = torch.randn([(5,), (2, 3), (2, 2, 2)][s % 3]) * [1, 10, 1000][s % 3]
    return [x.to(dt)]
K(T, "relu_clamp", "relu", "x.clamp(min=0) (clamp is not off limits here)", "def relu(x):\n    return x.clamp(min=0)", agree(gx, lambda M, i: with_grads(M.relu, i[0]) if i[0].dtype != torch.float16 else M.relu(i[0])))
K(T, "relu_maximum", "relu", "torch.maximum with zeros_like", "def relu(x):\n    return torch.maximum(x, torch.zeros_like(x))", agree(gx, lambda M, i: M.relu(i[0])))
def gtanh(s):
    dt = [torch.float32, torch.float64][s % 2]
    x = (torch.rand(6) * 4 + 0.05) * torch.where(torch.rand(6) > 0.5, 1.0, -1.0)
    if s % 3 == 0:
        x[:2] = torch.tensor([1000., -1000.])
    return [x.to(dt)]
K(T, "tanh_two_over", "tanh", "sign(x)·(1 − 2/(e^(2|x|)+1)) rewritten with e = exp(−2|x|): (1−e)/(1+e) = 1 − 2e/(1+e)", "def tanh(x):\n    e = torch.exp(-2 * torch.abs(x))\n    return torch.sign(x) * (1 - 2 * e / (1 + e))",
  agree(gtanh, lambda M, i: with_grads(M.tanh, i[0]), rtol=1e-5, atol=1e-6), inp="|x| ≥ 0.05 and ±1000, float32/float64, values and gradients")
def ghs(s):
    return [(torch.rand(9) - 0.5) * [2, 200][s % 2]]
K(T, "hard_sigmoid_where", "hard_sigmoid_from_relus", "piecewise with torch.where (clamp not used)", "def hard_sigmoid_from_relus(x):\n    return torch.where(x <= -0.5, torch.zeros_like(x), torch.where(x >= 0.5, torch.ones_like(x), x + 0.5))",
  agree(ghs, lambda M, i: M.hard_sigmoid_from_relus(i[0])))
def gdrop(s):
    dt = [torch.float32, torch.float64][s % 2]
    return [torch.randn(3, 4, dtype=dt), [0.0, 0.3, 0.5, 1.0][s % 4], bool(s % 5)]
K(T, "dropout_bool_mask", "dropout", "bool mask multiplied in, same rand_like draw", "def dropout(x, p, training=True):\n    if not training:\n        return x\n    if p == 1:\n        return torch.zeros_like(x)\n    return x * (torch.rand_like(x) > p) / (1 - p)",
  agree(gdrop, lambda M, i: (M.dropout(*i), torch.rand(1))))
def gxa(s):
    return [[(5, 3), (8, 4, 3, 3), (2, 6, 1, 5)][s % 3]]
K(T, "xavier_init_uniform", "xavier_uniform_", "fans from numel: fan_in = numel/out, fan_out = numel/in; nn.init.uniform_ (allowed)", "def xavier_uniform_(tensor):\n    n = tensor.numel()\n    fan_in, fan_out = n // tensor.shape[0], n // tensor.shape[1]\n    a = (6.0 / (fan_in + fan_out)) ** 0.5\n    return nn.init.uniform_(tensor, -a, a)",
  agree(gxa, lambda M, i: (lambda w: (M.xavier_uniform_(w) is w, w))(nn.Parameter(torch.empty(i[0])))))
K(T, "logreg_sequential", "LogisticRegression", "nn.Sequential(Linear, Sigmoid)", "class LogisticRegression(nn.Module):\n    def __init__(self, in_features):\n        super().__init__()\n        self.net = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())\n\n    def forward(self, x):\n        return self.net(x)\n",
  agree(lambda s: [s % 5 + 1, s % 3 + 1], lambda M, i: seeded(lambda Mo: Mo.LogisticRegression(i[0]), lambda m: m(r(i[1], i[0])))(M)))
K(T, "diabetes_explicit", "DiabetesNet", "three named layers and torch.sigmoid", "class DiabetesNet(nn.Module):\n    def __init__(self, in_features=8):\n        super().__init__()\n        self.l1 = nn.Linear(in_features, 6)\n        self.l2 = nn.Linear(6, 4)\n        self.l3 = nn.Linear(4, 1)\n\n    def forward(self, x):\n        x = torch.sigmoid(self.l1(x))\n        x = torch.sigmoid(self.l2(x))\n        return torch.sigmoid(self.l3(x))\n",
  agree(lambda s: [s % 5 + 3, s % 3 + 1], lambda M, i: seeded(lambda Mo: Mo.DiabetesNet(i[0]), lambda m: m(r(i[1], i[0])))(M)))
K(T, "mlp_modulelist", "MLP", "ModuleList of Linear layers, activation and dropout modules applied in forward", '''class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.act = ACTIVATIONS[activation]()
        self.drop = nn.Dropout(dropout) if dropout > 0 else None

    def forward(self, x):
        h = x.reshape(x.shape[0], -1)
        last = len(self.linears) - 1
        for i, layer in enumerate(self.linears):
            h = layer(h)
            if i < last:
                h = self.act(h)
                if self.drop is not None:
                    h = self.drop(h)
        return h
''', agree(lambda s: [[[64, 10], [4, 8, 3], [64, 16, 8, 10]][s % 3], ["relu", "tanh", "sigmoid"][s % 3 if s % 2 else 0], [0.0, 0.5][s % 2], ["train", "eval"][s % 2 if s % 4 else 0]],
  lambda M, i: seeded(lambda Mo: Mo.MLP(i[0], i[1], i[2]), lambda m: getattr(m, i[3])()(r(3, 1, 8, 8) if i[0][0] == 64 else r(3, i[0][0]).T.contiguous().T))(M)), inp="sizes [64,10]/[4,8,3]/[64,16,8,10], all activations, dropout 0/0.5, train/eval, 4-D and view inputs")
K(T, "train_epoch_sum_reduction", "train_epoch", "running sum and sample count via x.shape[0]", TE_SRC.replace("    total, count = 0.0, 0\n", "    seen, acc = 0, 0.0\n").replace("        total += loss.item() * len(inputs)\n        count += len(inputs)\n    return total / count", "        acc += float(loss.detach()) * inputs.shape[0]\n        seen += inputs.shape[0]\n    return acc / seen"),
  agree(lambda s: [[4, 4, 1][: s % 3 + 1], [0.0, 0.5][s % 2], ["train", "eval"][s % 2]], lambda M, i: run_train(M, loader_of(i[0]), i[1], i[2])))
K(T, "evaluate_float_mean", "evaluate", "collects predictions, one mean at the end", "@torch.no_grad()\ndef evaluate(model, loader, device):\n    model.eval()\n    hits = []\n    for inputs, labels in loader:\n        out = model(inputs.to(device))\n        labels = labels.to(device)\n        if out.shape[1] == 1:\n            hits.append((out.reshape(-1) > 0.5) == (labels.reshape(-1) == 1))\n        else:\n            hits.append(out.argmax(1) == labels)\n    allhits = torch.cat(hits)\n    return allhits.sum().item() / allhits.numel()",
  agree(lambda s: [s], lambda M, i: (run_eval(M, [t([[.9], [.2], [.7]]), t([[.1]])], [t([1., 0., 1.]), t([[1.]])]), run_eval(M, [torch.randn(4, 3), torch.randn(2, 3)], [torch.randint(0, 3, (4,)), torch.randint(0, 3, (2,))]))))
