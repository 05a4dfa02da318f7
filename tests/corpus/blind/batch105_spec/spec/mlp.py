from common import *  # noqa: F403
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(105)
T = "mlp"
D = torch.float64
r = torch.randn


def _pair_models(M_ref, M_cand, make, x, train=None):
    torch.manual_seed(0)
    a = make(M_ref)
    torch.manual_seed(0)
    b = make(M_cand)
    copy_params(a, b)
    if train is not None:
        a.train(train)
        b.train(train)
    return a, b


def mod_differs(make, x, train=None, grads=False, seed=1):
    """Witness for modules: same parameters (copied by order), same input, same seed → compare outputs (and grads)."""
    def witness(R, C):
        torch.manual_seed(0)
        a = make(R)
        torch.manual_seed(0)
        try:
            b = make(C)
            copy_params(a, b)
        except Exception as e:  # noqa: BLE001
            return f"candidate: {type(e).__name__}: {e}"
        outs = []
        for m in (a, b):
            if train is not None:
                m.train(train)
            torch.manual_seed(seed)
            xx = x().clone().requires_grad_(grads)
            try:
                y = m(xx)
                if grads:
                    y.sum().backward()
                    y = (y, xx.grad, [p.grad for p in m.parameters()])
            except Exception as e:  # noqa: BLE001
                y = f"raises {type(e).__name__}: {str(e)[:80]}"
            outs.append(y)
        if isinstance(outs[0], str):
            raise AssertionError(outs[0])
        if isinstance(outs[1], str):
            return "candidate " + outs[1]
        return same(outs[0], outs[1])
    return witness


def mod_agree(make, gen, n=6, train=None, grads=True, rtol=1e-5, atol=1e-6):
    def check(R, C):
        for s in range(n):
            w = mod_differs(make, lambda: gen(s), train=train(s) if callable(train) else train, grads=grads, seed=s)
            why = w(R, C)
            if why:
                return f"seed {s}: {why}"
        return None
    return check


# ---------------- mistakes ----------------
M(T, "relu_abs_half", "relu", "(x + |x|)/2: overflows in float16 near the top of its range", "float16 x = [40000, -3, 2]", '''
def relu(x):
    return (x + x.abs()) / 2
''', differs(lambda M: M.relu(torch.tensor([40000.0, -3.0, 2.0]).half()), rtol=1e-2, atol=1e-3))

M(T, "relu_max_zeros1", "relu", "torch.max(x, torch.zeros(1)): a 0-dim input comes back with shape (1,)", "x = tensor(-2.0) (0-dim)", '''
def relu(x):
    return torch.max(x, torch.zeros(1, dtype=x.dtype, device=x.device))
''', differs(lambda M: M.relu(torch.tensor(-2.0))))

M(T, "relu_mask_float", "relu", "multiplies by a float32 mask: float16 input returns float32", "float16 x randn (5,)", '''
def relu(x):
    return x * (x > 0).float()
''', differs(lambda M: M.relu(r(5).half()), rtol=1e-2, atol=1e-3))

M(T, "tanh_direct_overflow", "tanh", "(eˣ − e⁻ˣ)/(eˣ + e⁻ˣ): NaN at ±1000", "x = [1000, -1000, 0.5]", '''
def tanh(x):
    a, b = torch.exp(x), torch.exp(-x)
    return (a - b) / (a + b)
''', differs(lambda M: M.tanh(torch.tensor([1000.0, -1000.0, 0.5]))))

M(T, "tanh_no_sign", "tanh", "drops the sign: negative inputs come out positive", "x = [-1.5, 0.7]", '''
def tanh(x):
    e = torch.exp(-2 * x.abs())
    return (1 - e) / (1 + e)
''', differs(lambda M: M.tanh(torch.tensor([-1.5, 0.7]))))

M(T, "tanh_no_abs", "tanh", "e^(−2x) without |x|: overflows to NaN at x = −1000", "x = [-1000, 2]", '''
def tanh(x):
    e = torch.exp(-2 * x)
    return (1 - e) / (1 + e)
''', differs(lambda M: M.tanh(torch.tensor([-1000.0, 2.0]))))

M(T, "hard_sigmoid_shift", "hard_sigmoid_from_relus", "relu(x) − relu(x − 1): the ramp sits on [0, 1], not [−0.5, 0.5]", "x = [-0.25, 0, 0.75]", '''
def hard_sigmoid_from_relus(x):
    return relu(x) - relu(x - 1)
''', differs(lambda M: M.hard_sigmoid_from_relus(torch.tensor([-0.25, 0.0, 0.75]))))

M(T, "dropout_p1_nan", "dropout", "no special case for p = 1: 0/0 gives NaN", "p = 1, x randn (4,)", '''
def dropout(x, p, training=True):
    if not training:
        return x
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep / (1 - p)
''', differs(lambda M: M.dropout(r(4), 1.0)))

M(T, "dropout_p1_before_eval", "dropout", "checks p = 1 before training: eval mode with p = 1 returns zeros", "p = 1, training False", '''
def dropout(x, p, training=True):
    if p >= 1:
        return torch.zeros_like(x)
    if not training:
        return x
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep / (1 - p)
''', differs(lambda M: M.dropout(torch.ones(4), 1.0, training=False)))

M(T, "dropout_float_mask", "dropout", "float32 keep-mask: float16 input returns float32", "float16 x randn (6,), p 0.5", '''
def dropout(x, p, training=True):
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) > p).float()
    return x * keep / (1 - p)
''', differs(lambda M: M.dropout(r(6).half(), 0.5), rtol=1e-2, atol=1e-3))

M(T, "dropout_scale_mul", "dropout", "scales survivors by (1 − p) instead of 1/(1 − p)", "x ones (8,), p 0.5, seed 0", '''
def dropout(x, p, training=True):
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep * (1 - p)
''', differs(lambda M: M.dropout(torch.ones(8), 0.5)))

M(T, "xavier_no_kernel", "xavier_uniform_", "ignores the kernel dims in the fans", "conv weight (4, 3, 3, 3), seed 0", '''
def xavier_uniform_(tensor):
    fan_in, fan_out = tensor.shape[1], tensor.shape[0]
    bound = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)
''', differs(lambda M: M.xavier_uniform_(torch.empty(4, 3, 3, 3))))

M(T, "xavier_not_inplace", "xavier_uniform_", "returns a new tensor instead of filling the argument", "weight torch.zeros(5, 3); the argument compared after", '''
def xavier_uniform_(tensor):
    bound = math.sqrt(6 / (tensor.shape[0] * math.prod(tensor.shape[2:]) + tensor.shape[1] * math.prod(tensor.shape[2:])))
    return torch.empty_like(tensor).uniform_(-bound, bound)
''', differs(lambda M: (lambda t: (M.xavier_uniform_(t), t)[1])(torch.zeros(5, 3))))

M(T, "xavier_std_bound", "xavier_uniform_", "uses the normal variant's √(2/(fan_in + fan_out)) as the bound", "linear weight (5, 3), seed 0", '''
def xavier_uniform_(tensor):
    receptive = math.prod(tensor.shape[2:])
    bound = math.sqrt(2 / (tensor.shape[1] * receptive + tensor.shape[0] * receptive))
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)
''', differs(lambda M: M.xavier_uniform_(torch.empty(5, 3))))

M(T, "logreg_squeeze", "LogisticRegression", "squeezes the output: (n,) instead of (n, 1)", "x randn (4, 3)", '''
class LogisticRegression(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x)).squeeze(-1)
''', mod_differs(lambda M: M.LogisticRegression(3), lambda: r(4, 3)))

M(T, "diabetes_relu_hidden", "DiabetesNet", "ReLU after the hidden layers (a sigmoid after every layer asked)", "x randn (5, 7), DiabetesNet(7)", '''
class DiabetesNet(nn.Module):
    def __init__(self, in_features=8):
        super().__init__()
        self.l1, self.l2, self.l3 = nn.Linear(in_features, 6), nn.Linear(6, 4), nn.Linear(4, 1)

    def forward(self, x):
        return torch.sigmoid(self.l3(torch.relu(self.l2(torch.relu(self.l1(x))))))
''', mod_differs(lambda M: M.DiabetesNet(7), lambda: r(5, 7) * 3))

M(T, "diabetes_hardcoded_8", "DiabetesNet", "hard-codes 8 input features", "DiabetesNet(7) on x (5, 7)", '''
class DiabetesNet(nn.Module):
    def __init__(self, in_features=8):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(8, 6), nn.Sigmoid(), nn.Linear(6, 4), nn.Sigmoid(), nn.Linear(4, 1), nn.Sigmoid())

    def forward(self, x):
        return self.layers(x)
''', differs(lambda M: tuple(M.DiabetesNet(7)(r(5, 7)).shape)))

M(T, "mlp_dropout_before_act", "MLP", "dropout before the activation (tanh ∘ dropout ≠ dropout ∘ tanh)", "MLP([4, 8, 3], 'tanh', 0.5) in train mode, seed 1", '''
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
                layers.append(ACTIVATIONS[activation]())
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x.flatten(1))
''', mod_differs(lambda M: M.MLP([4, 8, 3], "tanh", 0.5), lambda: r(5, 4) * 2, train=True))

M(T, "mlp_view_flatten", "MLP", "flattens with view: a non-contiguous image batch fails", "MLP([8, 5, 2]) on randn(3, 2, 2, 2).permute(0, 3, 1, 2)", '''
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                layers.append(ACTIVATIONS[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x.view(x.shape[0], -1))
''', mod_differs(lambda M: M.MLP([8, 5, 2]), lambda: r(3, 2, 2, 2).permute(0, 3, 1, 2)))

M(T, "mlp_squeeze_batch1", "MLP", "reshape(len(x), -1).squeeze(): a batch of one returns (c,)", "MLP([64, 8, 10]) on x (1, 1, 8, 8)", '''
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                layers.append(ACTIVATIONS[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x.reshape(len(x), -1).squeeze())
''', mod_differs(lambda M: M.MLP([64, 8, 10]), lambda: r(1, 1, 8, 8)))

M(T, "mlp_F_dropout_always", "MLP", "F.dropout(h, p) with its default training=True: eval mode still drops", "MLP([4, 16, 3], 'relu', 0.5) in eval mode", '''
class MLP(nn.Module):
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
                    h = F.dropout(h, self.p)
        return h
''', mod_differs(lambda M: M.MLP([4, 16, 3], "relu", 0.5), lambda: r(5, 4), train=False), imports="import torch.nn.functional as F")

M(T, "mlp_plain_list", "MLP", "keeps the layers in a plain Python list: parameters unregistered", "MLP([4, 6, 3]): parameter count", '''
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.linears = [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
        self.act = ACTIVATIONS[activation]()

    def forward(self, x):
        h = x.flatten(1)
        for i, layer in enumerate(self.linears):
            h = layer(h)
            if i < len(self.linears) - 1:
                h = self.act(h)
        return h
''', differs(lambda M: param_shapes(M.MLP([4, 6, 3]))))


class _Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        return self.fc(self.drop(x))


def _loader(n=10, bs=4, seed=0, label_shape=None, c=2):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=g)
    y = torch.randint(0, c, (n,), generator=g)
    if label_shape == "col":
        y = y[:, None].float()
    return [(x[i:i + bs], y[i:i + bs]) for i in range(0, n, bs)]


def _train(M, eval_first=False):
    torch.manual_seed(0)
    model = _Tiny()
    if eval_first:
        model.eval()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = M.train_epoch(model, _loader(), nn.functional.cross_entropy, opt, "cpu")
    return loss, model.training, [p.detach().clone() for p in model.parameters()]


M(T, "train_unweighted", "train_epoch", "averages the batch losses without weighting by batch size", "10 samples in batches of 4, 4, 2", '''
def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    losses = []
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
''', differs(_train))

M(T, "train_no_train_mode", "train_epoch", "never calls model.train(): a model left in eval mode trains without dropout",
  "model with Dropout(0.5) put in eval mode before the call", '''
def train_epoch(model, loader, loss_fn, optimizer, device):
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
''', differs(lambda M: _train(M, eval_first=True)))

M(T, "train_tensor_total", "train_epoch", "accumulates loss tensors: returns a tensor, not a float", "10 samples in batches of 4, 4, 2", '''
def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total = total + loss.detach() * len(inputs)
        count += len(inputs)
    return total / count
''', differs(_train))

M(T, "train_zero_after_backward", "train_epoch", "zero_grad between backward and step: nothing is learned", "10 samples in batches of 4, 4, 2", '''
def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    return total / count
''', differs(_train))


def _eval(M, label_shape=None, zero=False, c=2):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 1), nn.Sigmoid()) if c == 1 else _Tiny()
    if zero:
        with torch.no_grad():
            for p in model.parameters():
                p.zero_()
    model.train()
    acc = M.evaluate(model, _loader(label_shape=label_shape), "cpu")
    return acc, model.training


M(T, "eval_no_eval_mode", "evaluate", "never calls model.eval(): dropout stays active", "model with Dropout(0.5) in train mode", '''
@torch.no_grad()
def evaluate(model, loader, device):
    correct, count = 0, 0
    for inputs, labels in loader:
        outputs, labels = model(inputs.to(device)), labels.to(device)
        predicted = (outputs[:, 0] > 0.5).long() if outputs.shape[1] == 1 else outputs.argmax(dim=1)
        correct += int((predicted == labels.reshape(-1).long()).sum())
        count += len(labels)
    return correct / count
''', differs(_eval))

M(T, "eval_col_labels", "evaluate", "compares (n,) predictions with (n, 1) labels: broadcasts to (n, n)", "probability model (n,1), float labels (n,1)", '''
@torch.no_grad()
def evaluate(model, loader, device):
    model.eval()
    correct, count = 0, 0
    for inputs, labels in loader:
        outputs, labels = model(inputs.to(device)), labels.to(device)
        predicted = (outputs[:, 0] > 0.5).float() if outputs.shape[1] == 1 else outputs.argmax(dim=1)
        correct += int((predicted == labels).sum())
        count += len(labels)
    return correct / count
''', differs(lambda M: _eval(M, label_shape="col", c=1)))

M(T, "eval_batch_mean", "evaluate", "averages per-batch accuracies (the last batch is smaller)", "10 samples in batches of 4, 4, 2", '''
@torch.no_grad()
def evaluate(model, loader, device):
    model.eval()
    accs = []
    for inputs, labels in loader:
        outputs, labels = model(inputs.to(device)), labels.to(device)
        if outputs.shape[1] == 1:
            predicted, labels = (outputs[:, 0] > 0.5).long(), labels.reshape(-1).long()
        else:
            predicted = outputs.argmax(dim=1)
        accs.append((predicted == labels).float().mean().item())
    return sum(accs) / len(accs)
''', differs(lambda M: _eval(M)))

M(T, "eval_threshold_ge", "evaluate", "predicts 1 where p ≥ 0.5 (the docstring says > 0.5)", "zero-weight probability model: every p is exactly 0.5", '''
@torch.no_grad()
def evaluate(model, loader, device):
    model.eval()
    correct, count = 0, 0
    for inputs, labels in loader:
        outputs, labels = model(inputs.to(device)), labels.to(device)
        if outputs.shape[1] == 1:
            predicted, labels = (outputs[:, 0] >= 0.5).long(), labels.reshape(-1).long()
        else:
            predicted = outputs.argmax(dim=1)
        correct += int((predicted == labels).sum())
        count += len(labels)
    return correct / count
''', differs(lambda M: _eval(M, zero=True, c=1)))

# ---------------- contract ----------------
X(T, "mlp_linear_by_hand", "MLP", "applies each layer from its weight and bias (F.linear) instead of calling the nn.Linear", "MLP([4, 8, 3]) on x (5, 4)", '''
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                layers.append(ACTIVATIONS[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        h = x.flatten(1)
        for layer in self.layers:
            h = F.linear(h, layer.weight, layer.bias) if isinstance(layer, nn.Linear) else layer(h)
        return h
''', lambda R, C: mod_differs(lambda M: M.MLP([4, 8, 3]), lambda: r(5, 4))(R, C) and "values differ" or
    linear_calls(lambda M: M.MLP([4, 8, 3]), lambda: r(5, 4))(R, C), imports="import torch.nn.functional as F")

X(T, "relu_F", "relu", "calls the off-limits F.relu", "x randn (5,)", '''
def relu(x):
    return F.relu(x)
''', calls_forbidden(lambda M: M.relu(r(5)), [(F, "relu"), (torch, "relu")], ("relu",)), imports="import torch.nn.functional as F")

X(T, "xavier_nn_init", "xavier_uniform_", "delegates to the off-limits nn.init.xavier_uniform_", "weight (5, 3), seed 0", '''
def xavier_uniform_(tensor):
    return nn.init.xavier_uniform_(tensor)
''', lambda R, C: (same(seeded(lambda: R.xavier_uniform_(torch.empty(5, 3))), seeded(lambda: C.xavier_uniform_(torch.empty(5, 3))))
                   and "values differ") or calls_forbidden(lambda M: M.xavier_uniform_(torch.empty(5, 3)), [(nn.init, "xavier_uniform_")])(R, C))

X(T, "hard_sigmoid_clamp", "hard_sigmoid_from_relus", "uses the off-limits torch.clamp", "x randn (6,)", '''
def hard_sigmoid_from_relus(x):
    return torch.clamp(x + 0.5, 0.0, 1.0)
''', lambda R, C: (same(R.hard_sigmoid_from_relus(_hs), C.hard_sigmoid_from_relus(_hs)) and "values differ") or
    calls_forbidden(lambda M: M.hard_sigmoid_from_relus(_hs), [(torch, "clamp")], ("clamp", "clip"))(R, C))
_hs = torch.tensor([-3.0, -0.2, 0.1, 0.4, 2.0, 80.0])

# ---------------- correct ----------------
K(T, "relu_masked_fill", "relu", "x.masked_fill(x <= 0, 0)", "seeded float16/32/64 incl. ±1000, 0-dim, grads away from 0", '''
def relu(x):
    return x.masked_fill(x <= 0, 0)
''', agree(lambda s: (torch.cat([r(5) * 10 ** (s % 4), torch.tensor([1000.0, -1000.0])]).to([torch.float16, torch.float32, D][s % 3]),),
           lambda M, i: (M.relu(i[0]), with_grads(M.relu, i[0].to(D)), M.relu(i[0][0])), cmp=lambda a, b: same(a, b, 1e-2, 1e-3)))

K(T, "tanh_expm1", "tanh", "sign(x)·(−expm1(−2|x|)) / (2 + expm1(−2|x|))", "seeded float32/64, |x| 1e-3…1000, grads", '''
def tanh(x):
    em = torch.expm1(-2 * x.abs())
    return torch.sign(x) * (-em) / (2 + em)
''', agree(lambda s: (torch.cat([r(6) * 10 ** (s % 4 - 1), torch.tensor([1000.0, -1000.0, 0.0])]).to(D if s % 2 else torch.float32),),
           lambda M, i: (M.tanh(i[0]), with_grads(M.tanh, i[0].to(D)[i[0] != 0])), cmp=lambda a, b: same(a, b, 1e-7, 1e-6)))

K(T, "hard_sigmoid_minimum", "hard_sigmoid_from_relus", "torch.minimum(relu(x + 0.5), 1)", "seeded |x| ≤ 100 away from the kinks, grads", '''
def hard_sigmoid_from_relus(x):
    return torch.minimum(relu(x + 0.5), torch.ones_like(x))
''', agree(lambda s: ((torch.rand(20, dtype=D) * 200 - 100) / 10 ** (s % 3),),
           lambda M, i: with_grads(M.hard_sigmoid_from_relus, i[0])))

K(T, "dropout_where", "dropout", "torch.where(rand_like(x) > p, x / (1 − p), 0)", "seeded shapes, p ∈ {0, 0.3, 0.5, 1}, train/eval", '''
def dropout(x, p, training=True):
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    return torch.where(torch.rand_like(x) > p, x / (1 - p), torch.zeros_like(x))
''', agree(lambda s: (r(s % 3 + 1, 4), [0.0, 0.3, 0.5, 1.0][s % 4], s % 5 != 0),
           lambda M, i: (M.dropout(*i), torch.rand(1)), cmp=lambda a, b: same(a, b, 1e-6, 1e-7)))

K(T, "xavier_prod_loop", "xavier_uniform_", "fans from a loop over the kernel dims", "seeded linear and conv shapes", '''
def xavier_uniform_(tensor):
    receptive = 1
    for k in tensor.shape[2:]:
        receptive *= k
    a = (6.0 / ((tensor.size(0) + tensor.size(1)) * receptive)) ** 0.5
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor
''', agree(lambda s: ([(5, 3), (4, 3, 3, 3), (2, 6, 5), (1, 1)][s % 4],),
           lambda M, i: (lambda t: (M.xavier_uniform_(t) is t, t))(torch.empty(i[0]))))

K(T, "logreg_attr_names", "LogisticRegression", "nn.Linear named fc, torch.sigmoid of its output", "seeded in_features, batch incl. 1, grads", '''
class LogisticRegression(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.fc = nn.Linear(in_features, 1)

    def forward(self, x):
        return self.fc(x).sigmoid()
''', mod_agree(lambda M: M.LogisticRegression(4), lambda s: r(s % 3 + 1, 4) * 3))

K(T, "diabetes_explicit", "DiabetesNet", "three attributes and torch.sigmoid calls", "seeded (n,7) and (n,8), grads", '''
class DiabetesNet(nn.Module):
    def __init__(self, in_features=8):
        super().__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)

    def forward(self, x):
        x = torch.sigmoid(self.linear1(x))
        x = torch.sigmoid(self.linear2(x))
        return torch.sigmoid(self.linear3(x))
''', all_of(mod_agree(lambda M: M.DiabetesNet(7), lambda s: r(s % 3 + 1, 7)), mod_agree(lambda M: M.DiabetesNet(), lambda s: r(2, 8), n=2)))

K(T, "mlp_modulelist", "MLP", "nn.ModuleList of Linears, functional activations, nn.Dropout modules", "seeded sizes/activations/dropout, train & eval, images, grads", '''
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.linears = nn.ModuleList()
        self.drops = nn.ModuleList()
        for a, b in zip(sizes[:-1], sizes[1:]):
            self.linears.append(nn.Linear(a, b))
            self.drops.append(nn.Dropout(dropout))
        self.act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
        self.p = dropout

    def forward(self, x):
        h = x.reshape(x.shape[0], -1)
        last = len(self.linears) - 1
        for i, layer in enumerate(self.linears):
            h = layer(h)
            if i < last:
                h = self.act(h)
                if self.p > 0:
                    h = self.drops[i](h)
        return h
''', all_of(*[mod_agree(lambda M, a=a, p=p, sz=sz: M.MLP(sz, a, p),
                        (lambda s, sz=sz: r(s % 2 + 1, 1, 2, 2) if sz[0] == 4 and s % 2 else r(3, sz[0])), n=4, train=lambda s: bool(s % 2))
              for a, p, sz in [("relu", 0.0, [4, 8, 3]), ("tanh", 0.5, [4, 6, 5, 2]), ("sigmoid", 0.2, [4, 3]), ("relu", 0.3, [64, 16, 10])]]))

K(T, "train_epoch_shape0", "train_epoch", "weights by targets.shape[0], sums in a list", "seeded loaders with a short last batch, model in eval before", '''
def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train(True)
    weighted, n = [], 0
    for batch_x, batch_y in loader:
        batch_x = batch_x.to(device)
        batch_y = batch_y.to(device)
        out = model(batch_x)
        loss = loss_fn(out, batch_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        weighted.append(loss.item() * batch_y.shape[0])
        n += batch_y.shape[0]
    return sum(weighted) / n
''', agree(lambda s: (s,), lambda M, i: _train(M, eval_first=bool(i[0] % 2)), n=4))

K(T, "evaluate_no_grad_ctx", "evaluate", "with torch.no_grad() block, reshape both to (n,) for probabilities", "probability and score models, (n,) and (n,1) labels, p = 0.5", '''
def evaluate(model, loader, device):
    model.eval()
    hits = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            out = model(xb.to(device))
            yb = yb.to(device)
            if out.shape[1] >= 2:
                pred = out.argmax(1)
            else:
                pred = (out.reshape(-1) > 0.5).to(torch.int64)
                yb = yb.reshape(-1).to(torch.int64)
            hits += (pred == yb).sum().item()
            total += yb.shape[0]
    return hits / total
''', agree(lambda s: (s,), lambda M, i: [_eval(M), _eval(M, label_shape="col", c=1), _eval(M, zero=True, c=1), _eval(M, c=1)], n=1))


# right values for the contract entries
V(T, "relu_F", lambda M: M.relu(torch.tensor([-1000.0, -1.0, 2.0, 1000.0])))
