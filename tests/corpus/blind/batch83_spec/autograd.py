from common import *  # noqa: F403
import math
import torch

T = "autograd"
D = torch.float64
r = torch.randn


def g_lin(seed):
    n = seed % 6 + 1
    return [r((), dtype=D), r(n, dtype=D) * 10 ** (seed % 3), r(n, dtype=D)]

# ---------------- mistakes ----------------
def _lin_cancel(M):
    g = torch.Generator().manual_seed(3)
    x = 1e4 + torch.rand(50, generator=g, dtype=D)
    w = torch.tensor(1.5, dtype=D)
    y = w * x + 1e-6 * torch.randn(50, generator=g, dtype=D)
    return M.linear_grad(w, x, y)

M(T, "linear_grad_expanded", "linear_grad", "the expanded form 2·(w·mean(x²) − mean(x·y)): cancels when w·x ≈ y at large |x|",
  "float64 x ≈ 1e4, y = 1.5·x + 1e-6·noise, w = 1.5 (rtol 1e-7)", '''
def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """2·(w·E[x²] − E[x·y])."""
    return 2 * (w * (x * x).mean() - (x * y).mean())
''', differs(_lin_cancel, rtol=1e-7, atol=0))

M(T, "linear_grad_sum", "linear_grad", "sums instead of averaging over the n samples",
  "n = 5 random float64", '''
def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Σ 2·x·(w·x − y)."""
    return (2 * x * (w * x - y)).sum()
''', differs(lambda M: M.linear_grad(*g_lin(4)), rtol=1e-7, atol=0))

M(T, "quadratic_grads_order", "quadratic_grads", "returns (dL/dw2, dL/dw1, dL/db): the first two swapped",
  "w1=0.5, w2=-1, b=0.2, x, y random (n=6)", '''
def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Chain rule through r."""
    r = w1 * x**2 + w2 * x + b - y
    return (2 * r * x).mean(), (2 * r * x**2).mean(), (2 * r).mean()
''', differs(lambda M: M.quadratic_grads(torch.tensor(0.5, dtype=D), torch.tensor(-1., dtype=D), torch.tensor(.2, dtype=D),
                                        torch.linspace(-2, 3, 6, dtype=D), torch.linspace(1, 0, 6, dtype=D)), rtol=1e-7, atol=0))

M(T, "quadratic_grads_no_mean", "quadratic_grads", "forgets the mean: returns (n,) per-sample gradients",
  "n = 4 random float64", '''
def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Per-sample chain rule."""
    r = w1 * x**2 + w2 * x + b - y
    return 2 * r * x**2, 2 * r * x, 2 * r
''', differs(lambda M: M.quadratic_grads(*[r((), dtype=D) for _ in range(3)], r(4, dtype=D), r(4, dtype=D))))

def _gvf_req(M):
    x = r(3, dtype=D, requires_grad=True)
    g = M.grad_of_vector_fn(lambda t: t ** 3, x)
    return g, x.grad

M(T, "grad_vector_clone_no_detach", "grad_of_vector_fn", "x.clone().requires_grad_(): for an x that requires grad the copy is a non-leaf, so copy.grad is None and the gradient lands in x.grad",
  "x float64 (3,) with requires_grad=True, f = t ** 3", '''
def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Autograd on a copy."""
    copy = x.clone().requires_grad_(True)
    f(copy).sum().backward()
    return copy.grad
''', differs(_gvf_req))

M(T, "grad_vector_mean", "grad_of_vector_fn", "reduces with mean() instead of sum(): the gradient is divided by the output's numel",
  "x (4,), f = t ** 2", '''
def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Reduce, then backward."""
    copy = x.detach().clone().requires_grad_(True)
    f(copy).mean().backward()
    return copy.grad
''', differs(lambda M: M.grad_of_vector_fn(lambda t: t ** 2, torch.arange(4., dtype=D))))

M(T, "detach_grad_half_detached", "detach_grad", "u = x.detach() * x: only one factor detached, gradient 2x² instead of x²",
  "x = [1, 2, -3] float64", '''
def detach_grad(x: Tensor) -> Tensor:
    """u detached, z = u·x."""
    copy = x.detach().clone().requires_grad_(True)
    u = copy.detach() * copy
    (u * copy).sum().backward()
    return copy.grad
''', differs(lambda M: M.detach_grad(torch.tensor([1., 2., -3.], dtype=D))))

M(T, "detach_grad_no_detach", "detach_grad", "never detaches y: returns 3x²",
  "x = [1, 2] float64", '''
def detach_grad(x: Tensor) -> Tensor:
    """z = (x·x)·x."""
    copy = x.detach().clone().requires_grad_(True)
    u = copy * copy
    (u * copy).sum().backward()
    return copy.grad
''', differs(lambda M: M.detach_grad(torch.tensor([1., 2.], dtype=D))))

M(T, "Sigmoid_tanh_form", "Sigmoid", "forward (1 + tanh(x/2))/2: rounds the float64 tail (x < −37) to 0",
  "x = [-50, -700] float64, rtol 1e-7 no atol", '''
class Sigmoid(torch.autograd.Function):
    """tanh form, backward from the output."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        out = (1 + torch.tanh(x / 2)) / 2
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)
''', differs(lambda M: M.Sigmoid.apply(torch.tensor([-50., -700., 3.], dtype=D)), rtol=1e-7, atol=0))

def _sig_grad(M):
    x = torch.tensor([-2., 0.5, 3.], dtype=D, requires_grad=True)
    (M.Sigmoid.apply(x) * torch.tensor([2., -1., 5.], dtype=D)).sum().backward()
    return x.grad

M(T, "Sigmoid_ignores_grad_output", "Sigmoid", "backward returns σ(1 − σ) without multiplying by grad_output",
  "x = [-2, 0.5, 3], loss = (σ(x)·[2, −1, 5]).sum()", '''
class Sigmoid(torch.autograd.Function):
    """Stable forward; local derivative in backward."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return out * (1 - out)
''', differs(_sig_grad))

M(T, "Sigmoid_saves_input", "Sigmoid", "saves the INPUT and backward uses x·(1 − x) as if it were the output",
  "x = [-2, 0.5, 3], loss = (σ(x)·w).sum()", '''
class Sigmoid(torch.autograd.Function):
    """Stable forward; backward from what was saved."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        e = torch.exp(-x.abs())
        ctx.save_for_backward(x)
        return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)
''', differs(_sig_grad))

M(T, "numerical_grad_not_restored", "numerical_grad", "leaves each element at x − ε: x's values are not restored",
  "x = [1, 2] float64, f = (t ** 2).sum(); x is compared after the call", '''
def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """Perturb one element at a time."""
    grad = torch.zeros_like(x)
    flat, gflat = x.view(-1), grad.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            flat[i] += eps
            plus = float(f(x))
            flat[i] -= 2 * eps
            minus = float(f(x))
            gflat[i] = (plus - minus) / (2 * eps)
    return grad
''', differs(lambda M: (lambda x: (M.numerical_grad(lambda t: (t ** 2).sum(), x), x))(torch.tensor([1., 2.], dtype=D)), rtol=0, atol=0))

M(T, "numerical_grad_keeps_view", "numerical_grad", "keeps f's returned tensor instead of its value: a 0-dim view of x changes when x is restored",
  "x = [1, 2, 3] float64, f = lambda t: t[1] * 1 ... here f = lambda t: t[1] (a view of x)", '''
def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """Central differences, element by element."""
    grad = torch.zeros_like(x)
    flat, gflat = x.view(-1), grad.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            original = flat[i].item()
            flat[i] = original + eps
            plus = f(x)
            flat[i] = original - eps
            minus = f(x)
            flat[i] = original
            gflat[i] = (plus - minus) / (2 * eps)
    return grad
''', differs(lambda M: M.numerical_grad(lambda t: t[1], torch.tensor([1., 2., 3.], dtype=D)), rtol=1e-6))

M(T, "numerical_grad_float32_grad", "numerical_grad", "grad = torch.zeros(x.shape): float32 whatever x's dtype",
  "x float64 (3,), f = (t ** 3).sum()", '''
def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """Central differences into a fresh tensor."""
    grad = torch.zeros(x.shape)
    flat = x.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            original = flat[i].item()
            flat[i] = original + eps
            plus = float(f(x))
            flat[i] = original - eps
            minus = float(f(x))
            flat[i] = original
            grad.view(-1)[i] = (plus - minus) / (2 * eps)
    return grad
''', differs(lambda M: M.numerical_grad(lambda t: (t ** 3).sum(), torch.tensor([1., 2., 3.], dtype=D))))

M(T, "numerical_grad_default_eps", "numerical_grad", "default eps = 1e-2 instead of 1e-6: large truncation error",
  "default eps, x = [0.3] float64, f = sin(100·t).sum()", '''
def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-2) -> Tensor:
    """Central differences."""
    grad = torch.zeros_like(x)
    flat = x.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            original = flat[i].item()
            flat[i] = original + eps
            plus = float(f(x))
            flat[i] = original - eps
            minus = float(f(x))
            flat[i] = original
            grad.view(-1)[i] = (plus - minus) / (2 * eps)
    return grad
''', differs(lambda M: M.numerical_grad(lambda t: torch.sin(100 * t).sum(), torch.tensor([0.3], dtype=D)), rtol=1e-4))

# ---- Value: reference source with one method replaced ----
VALUE_SRC = open("/work/main/solutions/autograd.py").read().split("class Value:")[1]
VALUE_SRC = "class Value:" + VALUE_SRC


def value_with(old, new):
    assert old in VALUE_SRC, old
    return VALUE_SRC.replace(old, new)


def _graph(M, build):
    """build(V) -> (inputs, out); returns out.data and grads."""
    inputs, out = build(M.Value)
    out.backward()
    return [out.data] + [v.grad for v in inputs]


def torch_like(build):
    return lambda M: _graph(M, build)


def b_pow0(V):
    a, b = V(0.0), V(1.5)
    out = (a ** 2) * b + a ** 3 + (a * b) ** 2 + b
    return [a, b], out

M(T, "Value_pow_zero_division", "Value", "** derivative written k·xᵏ / x: ZeroDivisionError at an exact zero (Value(0) ** 2)",
  "a = Value(0.0), b = Value(1.5); out = a**2 * b + a**3 + (a*b)**2 + b", value_with(
  "        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))",
  "        return Value(self.data ** k, (self,), (k * self.data ** k / self.data,))"),
  differs(torch_like(b_pow0)))

M(T, "Value_recursive_propagation", "Value", "backward recurses into parents immediately (no topological order): a node used twice passes on partial gradients",
  "x = Value(2.0); a = x * x; out = a * a + a", value_with(
  '''    def backward(self) -> None:
        """Reverse topological order, found without recursion."""''',
  '''    def backward(self) -> None:
        """Push the gradient down every path."""
        self.grad = 1.0
        self._push(1.0)

    def _push(self, g: float) -> None:
        for parent, local in zip(self._parents, self._local_grads):
            parent.grad += local * g
            parent._push(parent.grad)

    def _unused(self) -> None:
        """Reverse topological order, found without recursion."""'''),
  differs(torch_like(lambda V: (lambda x: (lambda a: ([x], a * a + a))(x * x))(V(2.0)))))

M(T, "Value_rsub_sign", "Value", "__rsub__ returns self − other: 1 − a computes a − 1",
  "a = Value(0.3); out = (1 - a) * 2", value_with(
  "        return self._wrap(other) - self", "        return self - self._wrap(other)"),
  differs(torch_like(lambda V: (lambda a: ([a], (1 - a) * 2))(V(0.3)))))

M(T, "Value_rtruediv_flipped", "Value", "__rtruediv__ returns self / other: 3 / a computes a / 3",
  "a = Value(2.0); out = 3 / a", value_with(
  "        return self._wrap(other) / self", "        return self / self._wrap(other)"),
  differs(torch_like(lambda V: (lambda a: ([a], 3 / a))(V(2.0)))))

M(T, "Value_assign_not_accumulate", "Value", "parent.grad = local·grad instead of +=: a node used twice keeps only its last contribution",
  "a = Value(3.0); out = a * a", value_with(
  "                parent.grad += local * node.grad", "                parent.grad = local * node.grad"),
  differs(torch_like(lambda V: (lambda a: ([a], a * a + a))(V(3.0)))))

M(T, "Value_relu_zero_one", "Value", "relu's derivative at exactly 0 is 1 (>=), where the docstring says 0",
  "a = Value(0.0); out = a.relu() * 3 + a", value_with(
  "(1.0 if self.data > 0 else 0.0,)", "(1.0 if self.data >= 0 else 0.0,)"),
  differs(torch_like(lambda V: (lambda a: ([a], a.relu() * 3 + a))(V(0.0)))))

M(T, "Value_tanh_input_derivative", "Value", "tanh's local derivative 1 − x² from the input instead of 1 − tanh(x)²",
  "a = Value(0.7); out = a.tanh()", value_with(
  "        return Value(t, (self,), (1 - t * t,))", "        return Value(t, (self,), (1 - self.data * self.data,))"),
  differs(torch_like(lambda V: (lambda a: ([a], a.tanh()))(V(0.7)))))

M(T, "Value_neg_detached", "Value", "-a builds a Value with no parents: no gradient flows through negation or subtraction",
  "a, b = Value(1.0), Value(2.0); out = a - b", value_with(
  "        return self * -1.0", "        return Value(-self.data)"),
  differs(torch_like(lambda V: (lambda a, b: ([a, b], a - b))(V(1.0), V(2.0)))))

M(T, "Value_seen_by_data", "Value", "the visited set is keyed by node.data: distinct nodes of equal value (exact zeros) are skipped",
  "a, b = Value(0.0), Value(0.0); out = a * 2 + b * 3", value_with(
  "            elif id(node) not in seen:\n                seen.add(id(node))",
  "            elif node.data not in seen:\n                seen.add(node.data)"),
  differs(torch_like(lambda V: (lambda a, b: ([a, b], a * 2 + b * 3))(V(0.0), V(0.0)))))

M(T, "Value_no_seed_grad", "Value", "backward never sets out.grad = 1: every gradient stays 0",
  "a = Value(2.0); out = a * 3", value_with(
  "        self.grad = 1.0\n        for node in reversed(order):", "        for node in reversed(order):"),
  differs(torch_like(lambda V: (lambda a: ([a], a * 3))(V(2.0)))))

# ---------------- contract ----------------
NO_AUTOGRAD = "No autograd: no ``.backward()``, no ``torch.autograd.grad``."
AUTOGRAD_TARGETS = [(torch.autograd, "grad"), (torch.autograd, "backward"), (torch.Tensor, "backward")]

X(T, "linear_grad_autograd", "linear_grad", "builds the loss on a leaf copy of w and asks torch.autograd.grad", NO_AUTOGRAD, '''
def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Let autograd differentiate the MSE."""
    w = w.detach().clone().requires_grad_(True)
    loss = ((w * x - y) ** 2).mean()
    (grad,) = torch.autograd.grad(loss, w)
    return grad
''', calls_forbidden(lambda M: M.linear_grad(*g_lin(3)), AUTOGRAD_TARGETS, ("backward", "grad")))

X(T, "quadratic_grads_backward", "quadratic_grads", "loss.backward() on leaf copies of w1, w2, b", NO_AUTOGRAD, '''
def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Autograd on copies."""
    leaves = [t.detach().clone().requires_grad_(True) for t in (w1, w2, b)]
    loss = ((leaves[0] * x**2 + leaves[1] * x + leaves[2] - y) ** 2).mean()
    loss.backward()
    return leaves[0].grad, leaves[1].grad, leaves[2].grad
''', calls_forbidden(lambda M: M.quadratic_grads(*[r((), dtype=D) for _ in range(3)], r(4, dtype=D), r(4, dtype=D)),
                     AUTOGRAD_TARGETS, ("backward", "grad")))

X(T, "grad_vector_on_caller", "grad_of_vector_fn", "sets requires_grad on the caller's x and backpropagates into x.grad",
  "The caller's x is left untouched: its values, its ``requires_grad`` flag and its ``.grad`` (work on a detached copy).", '''
def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Backward straight into x."""
    x.requires_grad_(True)
    f(x).sum().backward()
    return x.grad
''', mutates(lambda: [r(3, dtype=D)], lambda M, i: M.grad_of_vector_fn(lambda t: t * t, i[0])))

X(T, "Sigmoid_torch_sigmoid", "Sigmoid", "forward returns torch.sigmoid(x)",
  "Off limits in both: ``torch.sigmoid``, ``F.sigmoid``, ``Tensor.sigmoid``, ``torch.special.expit``.", '''
class Sigmoid(torch.autograd.Function):
    """torch's sigmoid forward, hand backward."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        out = torch.sigmoid(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)
''', calls_forbidden(lambda M: M.Sigmoid.apply(r(4, dtype=D)), [(torch, "sigmoid")], ("sigmoid", "expit")))

# ---------------- correct ----------------
K(T, "linear_grad_scaled_sum", "linear_grad", "(2/n)·Σ x·(w·x − y), residual first", '''
def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Residual first, then the scaled sum."""
    residual = w * x - y
    return (x * residual).sum() * (2.0 / x.numel())
''', all_of(agree(g_lin, lambda M, i: M.linear_grad(*i), rtol=1e-7, atol=0),
            lambda R, C: differs(_lin_cancel, rtol=1e-7, atol=0)(R, C) and "differs on the cancellation case"))

def g_quad(seed):
    n = seed % 5 + 1
    return [r((), dtype=D) for _ in range(3)] + [r(n, dtype=D), r(n, dtype=D)]

K(T, "quadratic_grads_shared", "quadratic_grads", "g = 2·r once, then Horner-style products", '''
def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """g = 2r shared by all three."""
    g = 2 * ((w1 * x + w2) * x + b - y)
    gx = g * x
    return (gx * x).mean(), gx.mean(), g.mean()
''', agree(g_quad, lambda M, i: M.quadratic_grads(*i), rtol=1e-7, atol=1e-12))

def g_gvf(seed):
    x = r(seed % 3 + 1, 2, dtype=D)
    if seed % 2:
        x.requires_grad_(True)
    return [x]

FUNCS = [lambda t: t ** 3, lambda t: torch.sin(t) * t.sum(), lambda t: (t @ t.T), lambda t: t.exp().sum()]

K(T, "grad_vector_enable_grad", "grad_of_vector_fn", "torch.enable_grad() around a detached clone, backward(), copy.grad", '''
def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Works under no_grad too."""
    with torch.enable_grad():
        copy = x.detach().clone()
        copy.requires_grad_(True)
        f(copy).sum().backward()
    return copy.grad
''', all_of(agree(g_gvf, lambda M, i: [M.grad_of_vector_fn(f, i[0]) for f in FUNCS], rtol=1e-7, atol=1e-12),
            lambda R, C: mutates(lambda: [r(3, dtype=D, requires_grad=True)], lambda M, i: M.grad_of_vector_fn(lambda t: t * t, i[0]))(R, C)))

K(T, "detach_grad_autograd_grad", "detach_grad", "torch.autograd.grad with u = y.detach()", '''
def detach_grad(x: Tensor) -> Tensor:
    """dz/dx with u constant."""
    leaf = x.detach().requires_grad_(True)
    y = leaf * leaf
    u = y.detach()
    z = u * leaf
    return torch.autograd.grad(z.sum(), leaf)[0]
''', agree(lambda s: [r(s % 3 + 1, s % 2 + 1, dtype=D)], lambda M, i: (M.detach_grad(i[0]), i[0]), rtol=1e-7, atol=0))

def g_sig(seed):
    x = r(seed % 5 + 1, dtype=D) * 10 ** (seed % 3)
    if seed % 4 == 0:
        x = torch.tensor([-700., -100., -37.5, 0., 50., 700.], dtype=D)
    return [x]

def sig_run(M, i):
    return with_grads(lambda t: M.Sigmoid.apply(t), i[0])

K(T, "Sigmoid_where_both", "Sigmoid", "forward by torch.where over both full formulas (1/(1+e^−x) and e^x/(1+e^x)); backward by hand", '''
class Sigmoid(torch.autograd.Function):
    """Both branches, the safe one chosen."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        out = torch.where(x >= 0, 1 / (1 + torch.exp(-x)), torch.exp(x) / (1 + torch.exp(x)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * (s - s * s)
''', agree(g_sig, sig_run, rtol=1e-7, atol=0))

K(T, "Sigmoid_softplus", "Sigmoid", "forward exp(−softplus(−x)) (F.softplus is not off limits); backward from the output", '''
class Sigmoid(torch.autograd.Function):
    """σ = exp(−softplus(−x))."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        out = torch.exp(-F.softplus(-x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)
''', agree(g_sig, sig_run, rtol=1e-7, atol=0), imports="import torch.nn.functional as F")

def g_ng(seed):
    return [r(*([2] * (seed % 3 + 1)), dtype=D)]

NG_F = [lambda t: (t ** 3).sum(), lambda t: float(torch.sin(t).prod()), lambda t: t.reshape(-1)[0] * 2.0]

def ng_run(M, i):
    x = i[0].clone()
    before = x.clone()
    outs = [M.numerical_grad(f, x) for f in NG_F]
    return outs, torch.equal(x, before)

K(T, "numerical_grad_copies", "numerical_grad", "perturbs fresh copies x ± ε·eᵢ (x itself never touched)", '''
def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """Two perturbed copies per element."""
    grad = torch.empty_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x).view(-1)
        step[i] = eps
        step = step.view(x.shape)
        grad.view(-1)[i] = (float(f(x + step)) - float(f(x - step))) / (2 * eps)
    return grad
''', agree(g_ng, ng_run, rtol=1e-6, atol=1e-8))

def rand_graph(V, seed, depth=60):
    import random
    rng = random.Random(seed)
    leaves = [V(rng.choice([0.0, -0.0, rng.uniform(-2, 2), rng.uniform(-2, 2)])) for _ in range(4)]
    nodes = list(leaves)
    for _ in range(depth):
        a, b = rng.choice(nodes), rng.choice(nodes)
        op = rng.randrange(10)
        if op == 0: n = a + b
        elif op == 1: n = a - b
        elif op == 2: n = a * b
        elif op == 3: n = a / (b * b + 1.0)
        elif op == 4: n = -a
        elif op == 5: n = (a * 0.5).tanh()
        elif op == 6: n = (a.tanh()).exp()
        elif op == 7: n = a.relu() + 0.5 * b
        elif op == 8: n = (a.tanh()) ** 2
        else: n = 2 - a * 0.3 + 1.0 / (1.0 + b * b)
        nodes.append(n)
    out = nodes[-1]
    for n in nodes[-8:-1]:
        out = out + n * 0.1
    return leaves, out

def value_check(R, C):
    for seed in range(40):
        want = _graph(R, lambda V: rand_graph(V, seed))
        got = _graph(C, lambda V: rand_graph(V, seed))
        why = same(want, got, rtol=1e-9, atol=1e-12)
        if why:
            return f"seed {seed}: {why}"
    # deep chain
    def chain(V):
        x = V(0.5)
        y = x
        for _ in range(600):
            y = (y * 0.9 + x * 0.1).tanh()
        return [x], y
    return same(_graph(R, chain), _graph(C, chain), rtol=1e-9, atol=1e-12)

K(T, "Value_kahn", "Value", "micrograd-style closures, backward ordered by Kahn's algorithm (in-degree counts)", '''
class Value:
    """A scalar node with a closure for its local backward step."""

    def __init__(self, data: float, _children: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._prev = _children
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,))

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,))

        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        e = math.exp(self.data)
        out = Value(e, (self,))

        def _backward():
            self.grad += e * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,))

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self * other ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value(other) - self

    def __rtruediv__(self, other):
        return Value(other) / self

    def backward(self) -> None:
        users = {}
        stack, seen = [self], {id(self)}
        while stack:
            node = stack.pop()
            for child in node._prev:
                users[id(child)] = users.get(id(child), 0) + 1
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append(child)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            node._backward()
            for child in node._prev:
                users[id(child)] -= 1
                if users[id(child)] == 0:
                    ready.append(child)
''', value_check)
