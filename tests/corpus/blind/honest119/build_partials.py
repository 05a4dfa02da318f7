from mk_partial import build

P = {}

P["47_tensors_partial_matmul_norms"] = ("tensors", {
"matmul": '''
def matmul(a: Tensor, b: Tensor) -> Tensor:
    """C[i, j] = Σₖ A[i, k]·B[k, j], by broadcasting (n, k, m) and summing over k."""
    n, k = a.shape
    m = b.shape[1]
    return (a.unsqueeze(-1).expand(n, k, m) * b.unsqueeze(0).expand(n, k, m)).sum(dim=1)
''',
"norms": '''
def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """L1 = Σ|x|, L2 = √Σx² (Frobenius for a matrix)."""
    absolute = x.abs()
    return absolute.sum(), absolute.pow(2).sum().pow(0.5)
'''}, "")

P["48_tensors_partial_onehot_acc_nan"] = ("tensors", {
"one_hot": '''
def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    out = torch.zeros((labels.numel(), num_classes), device=labels.device)
    out[torch.arange(labels.numel(), device=labels.device), labels] = 1.0
    return out
''',
"accuracy": '''
def accuracy(y_hat: Tensor, y: Tensor) -> float:
    if y_hat.dim() == 2:
        y_hat = y_hat.argmax(dim=1)
    return torch.count_nonzero(y_hat == y).item() / y.numel()
''',
"fill_nan_with_column_mean": '''
def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    out = x.clone()
    for j in range(x.shape[1]):          # loop over columns: fine, this one is not marked vectorised
        col = out[:, j]
        missing = torch.isnan(col)
        col[missing] = col[~missing].mean()
    return out
'''}, "")

P["49_autograd_partial_dataclass_value"] = ("autograd", {
"Sigmoid": '''
class Sigmoid(torch.autograd.Function):
    """σ(x) = 1 / (1 + e^(−x)) as a custom autograd Function, used as ``Sigmoid.apply(x)``."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, torch.reciprocal(1 + e), e * torch.reciprocal(1 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)
''',
"Value": '''
@dataclass(eq=False)
class Value:
    """A scalar that remembers how it was computed (dataclass version)."""

    data: float
    grad: float = 0.0
    _parents: tuple = field(default=(), repr=False)
    _locals: tuple = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self.data = float(self.data)

    @staticmethod
    def of(o) -> "Value":
        return o if isinstance(o, Value) else Value(o)

    def __add__(self, o):
        o = Value.of(o)
        return Value(self.data + o.data, 0.0, (self, o), (1.0, 1.0))

    def __mul__(self, o):
        o = Value.of(o)
        return Value(self.data * o.data, 0.0, (self, o), (o.data, self.data))

    def __pow__(self, k):
        return Value(self.data ** k, 0.0, (self,), (k * self.data ** (k - 1),))

    def __neg__(self):
        return self * -1

    def __sub__(self, o):
        return self + (-Value.of(o))

    def __rsub__(self, o):
        return Value.of(o) - self

    def __truediv__(self, o):
        return self * Value.of(o) ** -1

    def __rtruediv__(self, o):
        return Value.of(o) / self

    __radd__ = __add__
    __rmul__ = __mul__

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, 0.0, (self,), (1 - t * t,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, 0.0, (self,), (e,))

    def relu(self):
        return Value(max(self.data, 0.0), 0.0, (self,), (float(self.data > 0),))

    def backward(self) -> None:
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node._parents)
        self.grad = 1.0
        for node in reversed(order):
            for p, local in zip(node._parents, node._locals):
                p.grad += local * node.grad
'''}, "import math\nfrom dataclasses import dataclass, field\n\nfrom torch.autograd.function import FunctionCtx\n")

P["50_autograd_partial_numgrad_handgrads"] = ("autograd", {
"linear_grad": '''
def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Lecture 3: dloss/dw = mean(2·x·(w·x − y))."""
    n = x.shape[0]
    return 2.0 / n * torch.dot(x, w * x - y)
''',
"quadratic_grads": '''
def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r = w1 * x * x + w2 * x + b - y
    design = torch.stack((x * x, x, torch.ones_like(x)), dim=1)      # (n, 3)
    g = 2 * (design * r[:, None]).mean(dim=0)
    return g[0], g[1], g[2]
''',
"numerical_grad": '''
def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)                       # x is contiguous: a flat view is x itself
    grad = torch.empty_like(flat)
    for i, orig in enumerate(flat.tolist()):
        flat[i] = orig + eps
        f_plus = float(f(x))
        flat[i] = orig - eps
        f_minus = float(f(x))
        flat[i] = orig
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad.view(x.shape)
'''}, "")

P["51_losses_partial_softmax_ce"] = ("losses", {
"softmax": '''
def softmax(x: Tensor, dim: int = -1) -> Tensor:
    m, _ = torch.max(x, dim=dim, keepdim=True)
    unnorm = torch.exp(x - m)
    return unnorm / torch.sum(unnorm, dim=dim, keepdim=True)
''',
"log_softmax": '''
def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    m, _ = torch.max(x, dim=dim, keepdim=True)
    z = x - m
    return z - torch.log(torch.sum(torch.exp(z), dim=dim, keepdim=True))
''',
"cross_entropy": '''
def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.shape != logits.shape:
        target = one_hot(target, num_classes=logits.shape[1])
    return -(target.to(logp.dtype) * logp).sum(dim=1).mean()
'''}, "from torch.nn.functional import one_hot\n")

P["52_losses_partial_bce_huber"] = ("losses", {
"huber": '''
def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = torch.abs(y_hat - y)
    quadratic = torch.clamp(d, max=delta)
    linear = d - quadratic
    return torch.mean(0.5 * quadratic ** 2 + delta * linear)
''',
"bce": '''
def bce(p: Tensor, y: Tensor) -> Tensor:
    """逻辑斯蒂回归的 BCELoss, logs floored at −100."""
    log_p = torch.log(p).clamp(min=-100.0)
    log_q = torch.log(1.0 - p).clamp(min=-100.0)
    loss = -(y * log_p + (1.0 - y) * log_q)
    return loss.sum() / loss.numel()
''',
"bce_with_logits": '''
def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # −[y·log σ(z) + (1−y)·log(1−σ(z))] = y·softplus(−z) + (1−y)·softplus(z)
    return torch.mean(y * F.softplus(-logits) + (1 - y) * F.softplus(logits))
'''}, "")

P["53_optim_partial_sgd_adam"] = ("optim", {
"SGD": '''
class SGD(torch.optim.Optimizer):
    """SGD with momentum, dampening, Nesterov and weight decay (hand-written)."""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] != 0 else p.grad
                if group["momentum"] != 0:
                    st = self.state[p]
                    if "momentum_buffer" in st:
                        st["momentum_buffer"].mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
                    else:
                        st["momentum_buffer"] = g.clone().detach()
                    buf = st["momentum_buffer"]
                    g = g.add(buf, alpha=group["momentum"]) if group["nesterov"] else buf
                p.add_(g, alpha=-group["lr"])
        return loss
''',
"Adam": '''
class Adam(torch.optim.Optimizer):
    """Adam, hand-written."""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad
                if group["weight_decay"] != 0:
                    grad = grad.add(p, alpha=group["weight_decay"])
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                state["exp_avg"].mul_(beta1).add_(grad, alpha=1 - beta1)
                state["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias1 = 1 - beta1 ** t
                bias2 = 1 - beta2 ** t
                denom = (state["exp_avg_sq"] / bias2).sqrt().add_(group["eps"])
                p.addcdiv_(state["exp_avg"], denom, value=-group["lr"] / bias1)
        return loss
'''}, "")

P["54_optim_partial_data_utils"] = ("optim", {
"minibatch_indices": '''
def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    yield from torch.split(order, batch_size)
''',
"ema": '''
def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    smoothed = torch.empty_like(values, dtype=torch.float64)
    s = torch.zeros((), dtype=torch.float64, device=values.device)
    for t in range(values.shape[0]):
        s = beta * s + (1 - beta) * values[t].double()
        smoothed[t] = s / (1 - beta ** (t + 1)) if bias_correction else s
    return smoothed.to(values.dtype)
''',
"DiabetesDataset": '''
class DiabetesDataset(torch.utils.data.Dataset):
    """The diabetes table (加载数据集)."""

    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, :-1])
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self):
        return self.len
''',
"k_fold_indices": '''
def k_fold_indices(n: int, k: int) -> list[Tensor]:
    return list(torch.arange(n, dtype=torch.int64).tensor_split(k))
'''}, "")

P["55_mlp_partial_activations"] = ("mlp", {
"relu": '''
def relu(x: Tensor) -> Tensor:
    return torch.where(x < 0, torch.zeros_like(x), x)
''',
"tanh": '''
def tanh(x: Tensor) -> Tensor:
    # tanh x = (1 − e^{−2|x|}) / (1 + e^{−2|x|}) · sign x  — no exponential overflows
    e = torch.exp(-2.0 * x.abs())
    return x.sign() * ((1.0 - e) / (1.0 + e))
''',
"hard_sigmoid_from_relus": '''
def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)
''',
"dropout": '''
def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = torch.rand_like(x) > p
    return x * keep / (1 - p)
'''}, "")

P["56_mlp_partial_modules_loops"] = ("mlp", {
"MLP": '''
class MLP(nn.Module):
    """多分类 MLP: Linear → act (→ dropout) … → Linear, logits out."""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        make_act = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[activation]
        mods: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
            mods.append(nn.Linear(fan_in, fan_out))
            if i < len(sizes) - 2:
                mods.append(make_act())
                if dropout > 0:
                    mods.append(nn.Dropout(dropout))
        self.body = nn.Sequential(nn.Flatten(), *mods)

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x)
''',
"train_epoch": '''
def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    sizes, losses = [], []
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        sizes.append(len(targets))
        losses.append(loss.item())
    return sum(s * l for s, l in zip(sizes, losses)) / sum(sizes)
''',
"evaluate": '''
@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct = seen = 0
    for inputs, labels in loader:
        outputs = model(inputs.to(device))
        labels = labels.to(device)
        if outputs.shape[1] == 1:
            hits = (outputs > 0.5).float().view(-1) == labels.float().view(-1)
        else:
            hits = outputs.argmax(1) == labels
        correct += int(hits.sum())
        seen += hits.numel()
    return correct / seen
'''}, "import itertools\n")

P["57_cnn_partial_corr2d_size"] = ("cnn", {
"corr2d": '''
def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """单通道互相关, one row at a time."""
    kh, kw = k.shape
    rows = []
    for i in range(x.shape[0] - kh + 1):
        band = x[i:i + kh]                                               # (kh, W)
        rows.append(torch.stack([(band[:, j:j + kw] * k).sum() for j in range(x.shape[1] - kw + 1)]))
    return torch.stack(rows)
''',
"conv_output_size": '''
def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    numerator = n + 2 * padding - k
    q, _ = divmod(numerator, stride)
    return q + 1
'''}, "")

P["58_cnn_partial_conv_pool"] = ("cnn", {
"conv2d": '''
def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)         # im2col: (N, C_in·kh·kw, L)
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    out = (weight.view(c_out, -1) @ cols).view(n, c_out, h_out, w_out)
    if bias is not None:
        out += bias.view(1, c_out, 1, 1)
    return out
''',
"max_pool2d": '''
def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    if stride is None:
        stride = kernel_size
    n, c, h, w = x.shape
    cols = F.unfold(x.reshape(n * c, 1, h, w), kernel_size, stride=stride)
    values, _ = cols.max(dim=1)
    return values.view(n, c, (h - kernel_size) // stride + 1, (w - kernel_size) // stride + 1)
'''}, "")

P["59_inception_partial_block_mults"] = ("inception", {
"InceptionA": '''
class InceptionA(nn.Module):
    """Four branches, concatenated on the channel axis (按照通道合并)."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5 = nn.ModuleList([nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2)])
        self.branch3x3 = nn.ModuleList([nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                                        nn.Conv2d(24, 24, 3, padding=1)])
        self.pool = nn.AvgPool2d(kernel_size=3, stride=1, padding=1)
        self.branch_pool = nn.Conv2d(in_channels, 24, kernel_size=1)

    @staticmethod
    def _chain(layers: nn.ModuleList, x: Tensor) -> Tensor:
        for layer in layers:
            x = layer(x)
        return x

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.branch1x1(x), self._chain(self.branch5x5, x),
                          self._chain(self.branch3x3, x), self.branch_pool(self.pool(x))], dim=1)
''',
"conv_mults": '''
def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    outputs = h * w * c_out                 # one output element per position and channel
    return outputs * (k * k * c_in)         # each a dot product of k·k·c_in terms
'''}, "")

P["60_inception_partial_lazylinear"] = ("inception", {
"InceptionA": '''
class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(in_channels, 16, 1)
        self.b2 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2))
        self.b3 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                                nn.Conv2d(24, 24, 3, padding=1))
        self.b4 = nn.Conv2d(in_channels, 24, 1)

    def forward(self, x: Tensor) -> Tensor:
        pooled = nn.functional.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(pooled)], dim=1)
''',
"GoogLeNetMini": '''
class GoogLeNetMini(nn.Module):
    """conv → pool → Inception → conv → pool → Inception → linear; the linear layer's size is
    inferred (nn.LazyLinear) by a dry run on a zero image of input_size in __init__."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep2 = InceptionA(20)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.LazyLinear(num_classes)
        with torch.no_grad():
            self(torch.zeros(1, in_channels, input_size, input_size))   # materialises fc

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(torch.relu(self.pool(self.conv1(x))))
        x = self.incep2(torch.relu(self.pool(self.conv2(x))))
        return self.fc(x.flatten(1))
'''}, "")

P["61_resnet_partial_batchnorm"] = ("resnet", {
"batch_norm": '''
def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """批量归一化 by hand; running stats updated in place while training."""
    assert x.dim() in (2, 4)
    if x.dim() == 4:
        mean = x.mean(dim=(0, 2, 3), keepdim=True)
        var = ((x - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        view = (1, -1, 1, 1)
    else:
        mean = x.mean(dim=0, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=0, keepdim=True)
        view = (1, -1)
    if training:
        m = x.numel() // x.shape[1]
        running_mean.data.mul_(1 - momentum).add_(momentum * mean.detach().flatten())
        running_var.data.mul_(1 - momentum).add_(momentum * m / (m - 1) * var.detach().flatten())
        x_hat = (x - mean) / torch.sqrt(var + eps)
    else:
        x_hat = (x - running_mean.view(view)) / torch.sqrt(running_var.view(view) + eps)
    return gamma.view(view) * x_hat + beta.view(view)
'''}, "")

P["62_resnet_partial_residual_net"] = ("resnet", {
"ResidualBlock": '''
class ResidualBlock(nn.Module):
    """y = relu(x + conv2(relu(conv1(x))))"""

    def __init__(self, channels: int) -> None:
        super(ResidualBlock, self).__init__()
        self.channels = channels
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(x + y)
''',
"SmallResNet": '''
class SmallResNet(nn.Module):
    """刘二大人's Net, with global average pooling instead of the hard-coded 512 inputs."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=5, padding=2)
        self.mp = nn.MaxPool2d(2)
        self.rblock1 = ResidualBlock(16)
        self.rblock2 = ResidualBlock(32)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.mp(F.relu(self.conv1(x)))
        x = self.rblock1(x)
        x = self.mp(F.relu(self.conv2(x)))
        x = self.rblock2(x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))
'''}, "")

P["63_rnn_partial_cells"] = ("rnn", {
"rnn_cell": '''
def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), as one matrix product over [x, h]."""
    xh = torch.cat([x, h], dim=1)
    w = torch.cat([w_ih, w_hh], dim=1)
    return torch.tanh(xh @ w.T + (b_ih + b_hh))
''',
"rnn_forward": '''
def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    h_n = []
    seq = x
    for layer_params, h in zip(params, h0):
        outs = []
        for x_t in seq:
            h = rnn_cell(x_t, h, *layer_params)
            outs.append(h)
        seq = torch.stack(outs)
        h_n.append(h)
    return seq, torch.stack(h_n)
''',
"gru_cell": '''
def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gi = F.linear(x, w_ih, b_ih)
    gh = F.linear(h, w_hh, b_hh)
    i_r, i_z, i_n = torch.split(gi, h.shape[1], dim=1)
    h_r, h_z, h_n = torch.split(gh, h.shape[1], dim=1)
    resetgate = torch.sigmoid(i_r + h_r)
    updategate = torch.sigmoid(i_z + h_z)
    newgate = torch.tanh(i_n + resetgate * h_n)
    return newgate + updategate * (h - newgate)
'''}, "")

P["64_rnn_partial_embed_hello"] = ("rnn", {
"embedding_lookup": '''
def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return weight[idx.reshape(-1)].reshape(*idx.shape, weight.shape[1])
''',
"encode_chars": '''
def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    index_of = {ch: i for i, ch in enumerate(vocab)}
    return torch.as_tensor([index_of[ch] for ch in text], dtype=torch.int64)
''',
"HelloRNN": '''
class HelloRNN(nn.Module):
    """hello → ohlol: one-hot (or embedding) → nn.RNN → Linear."""

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = None if embed_dim is None else nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(vocab_size if embed_dim is None else embed_dim, hidden_size)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embedding is None:
            x = F.one_hot(idx, num_classes=self.vocab_size).to(self.fc.weight.dtype)
        else:
            x = self.embedding(idx)
        out, _hidden = self.rnn(x)
        seq_len, batch, hidden = out.shape
        logits = self.fc(out.reshape(seq_len * batch, hidden))
        return logits.view(seq_len, batch, self.vocab_size)
'''}, "")

if __name__ == "__main__":
    for d, (topic, repl, imports) in P.items():
        build(topic, f"{d}/{topic}.py", repl, imports)
    print(len(P), "partials built")
