from common import *  # noqa: F403
import math
import torch

torch.manual_seed(105)
T = "autograd"
D = torch.float64


def _lin_big(M):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(50, generator=g, dtype=D) * 1e8
    w = torch.tensor(1.5, dtype=D)
    y = w * x + torch.randn(50, generator=g, dtype=D) * 1e-3
    return M.linear_grad(w, x, y)


def _lin(M, dt=D):
    g = torch.Generator().manual_seed(2)
    x, y = torch.randn(6, generator=g, dtype=dt), torch.randn(6, generator=g, dtype=dt)
    return M.linear_grad(torch.tensor(0.7, dtype=dt), x, y)


def _quad(dt=D, n=6, seed=3):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn((), generator=g, dtype=dt) for _ in range(3)] + [torch.randn(n, generator=g, dtype=dt) for _ in range(2)]


# ---------------- mistakes ----------------
M(T, "linear_grad_expanded", "linear_grad", "expanded 2·(w·mean(x²) − mean(x·y)): cancels when w·x ≈ y at large |x|",
  "float64 x ~ 1e8·randn(50), y = 1.5·x + 1e-3 noise, w = 1.5", '''
def linear_grad(w, x, y):
    return 2 * (w * (x * x).mean() - (x * y).mean())
''', differs(_lin_big, cmp=strict))

M(T, "linear_grad_sum", "linear_grad", "sums instead of averaging over the samples", "float64 x, y randn (6,), w 0.7", '''
def linear_grad(w, x, y):
    return (2 * x * (w * x - y)).sum()
''', differs(_lin, cmp=strict))

M(T, "linear_grad_item", "linear_grad", "returns a Python float (.item()), not a 0-dim tensor", "float64 x, y randn (6,), w 0.7", '''
def linear_grad(w, x, y):
    return (2 * x * (w * x - y)).mean().item()
''', differs(_lin))

M(T, "quadratic_sign", "quadratic_grads", "residual as y − ŷ (sign flipped)", "float64 randn, n = 6", '''
def quadratic_grads(w1, w2, b, x, y):
    r = y - (w1 * x**2 + w2 * x + b)
    return (2 * r * x**2).mean(), (2 * r * x).mean(), (2 * r).mean()
''', differs(lambda M: M.quadratic_grads(*_quad()), cmp=strict))

M(T, "quadratic_float32_pack", "quadratic_grads", "repacks via torch.tensor([...]): float64 inputs give float32", "float64 randn, n = 6", '''
def quadratic_grads(w1, w2, b, x, y):
    r = w1 * x**2 + w2 * x + b - y
    g = torch.tensor([(2 * r * x**2).mean().item(), (2 * r * x).mean().item(), (2 * r).mean().item()])
    return g[0], g[1], g[2]
''', differs(lambda M: M.quadratic_grads(*_quad())))

M(T, "quadratic_db_no2", "quadratic_grads", "dL/db without the factor 2", "float32 randn, n = 1", '''
def quadratic_grads(w1, w2, b, x, y):
    r = w1 * x**2 + w2 * x + b - y
    return (2 * r * x**2).mean(), (2 * r * x).mean(), r.mean()
''', differs(lambda M: M.quadratic_grads(*_quad(torch.float32, n=1))))


def _gv_twice(M):
    x = torch.randn(4, dtype=D, requires_grad=True)
    a = M.grad_of_vector_fn(lambda t: t ** 3, x)
    b = M.grad_of_vector_fn(lambda t: t ** 3, x)
    return a, b


M(T, "grad_vec_reuse_leaf", "grad_of_vector_fn", "uses x itself when it already requires grad: its .grad accumulates, the second call doubles",
  "x randn (4,) float64 with requires_grad=True, f = t**3, called twice", '''
def grad_of_vector_fn(f, x):
    leaf = x if x.requires_grad else x.detach().clone().requires_grad_(True)
    f(leaf).sum().backward()
    return leaf.grad.clone()
''', differs(_gv_twice))

M(T, "grad_vec_mean", "grad_of_vector_fn", "reduces with mean instead of sum", "x randn (3,4), f = t**2", '''
def grad_of_vector_fn(f, x):
    copy = x.detach().clone().requires_grad_(True)
    f(copy).mean().backward()
    return copy.grad
''', differs(lambda M: M.grad_of_vector_fn(lambda t: t ** 2, torch.randn(3, 4))))

M(T, "grad_vec_float", "grad_of_vector_fn", "copies x with .float(): float64 input gives float32", "x randn (4,) float64, f = sin", '''
def grad_of_vector_fn(f, x):
    copy = x.detach().float().requires_grad_(True)
    f(copy).sum().backward()
    return copy.grad
''', differs(lambda M: M.grad_of_vector_fn(torch.sin, torch.randn(4, dtype=D))))

M(T, "detach_grad_nodetach", "detach_grad", "forgets the detach: returns 3·x²", "x randn (2,3)", '''
def detach_grad(x):
    copy = x.detach().clone().requires_grad_(True)
    u = copy * copy
    (u * copy).sum().backward()
    return copy.grad
''', differs(lambda M: M.detach_grad(torch.randn(2, 3))))

M(T, "detach_grad_double", "detach_grad", "works in float64 and returns float64 for float16 input", "x randn (3,) float16", '''
def detach_grad(x):
    copy = x.detach().double().requires_grad_(True)
    u = (copy * copy).detach()
    (u * copy).sum().backward()
    return copy.grad
''', differs(lambda M: M.detach_grad(torch.randn(3).half()), rtol=1e-2, atol=1e-3))

M(T, "sigmoid_fn_abs_no_branch", "Sigmoid", "uses e = exp(−|x|) but forgets the x < 0 branch: returns σ(|x|)", "float64 x = [-2, 1]", '''
class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = 1 / (1 + torch.exp(-x.abs()))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)
''', differs(lambda M: M.Sigmoid.apply(torch.tensor([-2.0, 1.0], dtype=D)), cmp=strict))

M(T, "sigmoid_fn_tanh", "Sigmoid", "forward (1 + tanh(x/2))/2: rounds σ(−50) to 0", "float64 x = [-50, 0.5]", '''
class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = (1 + torch.tanh(x / 2)) / 2
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)
''', differs(lambda M: M.Sigmoid.apply(torch.tensor([-50.0, 0.5], dtype=D)), cmp=strict))


def _sig_grad(M):
    x = torch.tensor([-2.0, 0.3, 4.0], dtype=D, requires_grad=True)
    y = M.Sigmoid.apply(x)
    (y * torch.tensor([3.0, -1.0, 0.5], dtype=D)).sum().backward()
    return y.detach(), x.grad


M(T, "sigmoid_fn_no_upstream", "Sigmoid", "backward ignores grad_output", "float64 x, upstream gradient [3, −1, 0.5]", '''
class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return out * (1 - out)
''', differs(_sig_grad, cmp=strict))

M(T, "numgrad_forward_diff", "numerical_grad", "forward differences (f(x+ε) − f(x))/ε", "float64 x randn (3,), f = Σ sin(x)·x², eps 1e-6", '''
def numerical_grad(f, x, eps=1e-6):
    grad = torch.zeros_like(x)
    flat, gflat = x.view(-1), grad.view(-1)
    base = float(f(x))
    with torch.no_grad():
        for i in range(flat.numel()):
            orig = flat[i].item()
            flat[i] = orig + eps
            gflat[i] = (float(f(x)) - base) / eps
            flat[i] = orig
    return grad
''', differs(lambda M: M.numerical_grad(lambda t: (t.sin() * t * t).sum(), torch.randn(3, dtype=D)), rtol=1e-8, atol=1e-9))

M(T, "numgrad_view_result", "numerical_grad", "keeps f's 0-dim results as tensors: a view of x changes under later perturbation",
  "float64 x = [1, 2, 3], f = lambda t: t[1] (a view of x)", '''
def numerical_grad(f, x, eps=1e-6):
    grad = torch.zeros_like(x)
    flat, gflat = x.view(-1), grad.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            orig = flat[i].item()
            flat[i] = orig + eps
            plus = f(x)
            flat[i] = orig - eps
            minus = f(x)
            flat[i] = orig
            gflat[i] = (plus - minus) / (2 * eps)
    return grad
''', differs(lambda M: M.numerical_grad(lambda t: t[1], torch.tensor([1.0, 2.0, 3.0], dtype=D))))

M(T, "numgrad_float32", "numerical_grad", "allocates the result with torch.zeros(x.shape): float32 for float64 x", "float64 x randn (2,2), f = Σx²", '''
def numerical_grad(f, x, eps=1e-6):
    grad = torch.zeros(x.shape)
    flat, gflat = x.view(-1), grad.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            orig = flat[i].item()
            flat[i] = orig + eps
            plus = float(f(x))
            flat[i] = orig - eps
            minus = float(f(x))
            flat[i] = orig
            gflat[i] = (plus - minus) / (2 * eps)
    return grad
''', differs(lambda M: M.numerical_grad(lambda t: (t * t).sum(), torch.randn(2, 2, dtype=D))))


def _numgrad_restore(M):
    x = torch.tensor([0.1, 0.7, 1.3, 2.9], dtype=D)
    M.numerical_grad(lambda t: (t ** 3).sum(), x, eps=1e-3)
    return x


M(T, "numgrad_restore_arith", "numerical_grad", "restores x by arithmetic (+ε, −2ε, +ε): rounding leaves x changed",
  "float64 x = [0.1, 0.7, 1.3, 2.9], eps 1e-3; x compared bit for bit after the call", '''
def numerical_grad(f, x, eps=1e-6):
    grad = torch.zeros_like(x)
    flat, gflat = x.view(-1), grad.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            flat[i] += eps
            plus = float(f(x))
            flat[i] -= 2 * eps
            minus = float(f(x))
            flat[i] += eps
            gflat[i] = (plus - minus) / (2 * eps)
    return grad
''', differs(_numgrad_restore, cmp=lambda a, b: None if torch.equal(a, b) else "x not restored exactly"))

_VAL_HDR = open(__import__("pathlib").Path("/work/main/solutions/autograd.py")).read()


def _value_code(**patch):
    import ast
    import textwrap
    src = _VAL_HDR
    tree = ast.parse(src)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Value")
    code = "\n".join(src.splitlines()[node.lineno - 1:node.end_lineno])
    for old, new in patch.items():
        old, new = textwrap.dedent(old).strip("\n"), textwrap.dedent(new).strip("\n")
        old = textwrap.indent(old, "        " if not old.startswith("def") else "    ")
        new = textwrap.indent(new, "        " if not new.startswith("def") else "    ")
        assert old in code, old
        code = code.replace(old, new)
    return code


def _val_graph(M):
    a, b = M.Value(1.5), M.Value(-0.4)
    c = a * b + a ** 2
    d = (c.tanh() * 3 - 1 / a + 2 - b).exp() / (a + 2) + (b * 2).relu() - (c - 4) * c
    d.backward()
    return d.data, a.grad, b.grad


M(T, "value_int_data", "Value", "stores data as given: Value(2).data stays an int", "Value(2).data", _value_code(**{
    "self.data = float(data)": "self.data = data"}),
  differs(lambda M: type(M.Value(2).data).__name__))

M(T, "value_assign_grad", "Value", "assigns (=) instead of accumulating (+=) into a parent's grad", "a reused: d = a*b + a**2 …", _value_code(**{
    "parent.grad += local * node.grad": "parent.grad = local * node.grad"}),
  differs(_val_graph))

M(T, "value_relu_at0", "Value", "relu derivative 1 at exactly 0", "a = Value(0.0); a.relu().backward()", _value_code(**{
    "return Value(max(self.data, 0.0), (self,), (1.0 if self.data > 0 else 0.0,))":
    "return Value(max(self.data, 0.0), (self,), (1.0 if self.data >= 0 else 0.0,))"}),
  differs(lambda M: (lambda a: (a.relu().backward(), a.grad)[1])(M.Value(0.0))))

M(T, "value_rsub", "Value", "__rsub__ computes self − other (1 − a becomes a − 1)", "1 - Value(3.0)", _value_code(**{
    "return self._wrap(other) - self": "return self - other"}),
  differs(lambda M: (1 - M.Value(3.0)).data))

M(T, "value_rtruediv", "Value", "__rtruediv__ computes self / other (3 / a becomes a / 3)", "3 / Value(2.0)", _value_code(**{
    "return self._wrap(other) / self": "return self / other"}),
  differs(lambda M: (3 / M.Value(2.0)).data))

M(T, "value_bfs_order", "Value", "propagates in breadth-first order from the output, not reverse topological",
  "a = Value(2); b = a*3; out = b + b*b", _value_code(**{
    '''
order: list[Value] = []
seen: set[int] = set()
stack: list[tuple[Value, bool]] = [(self, False)]
while stack:
    node, expanded = stack.pop()
    if expanded:
        order.append(node)
    elif id(node) not in seen:
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((parent, False) for parent in node._parents)
self.grad = 1.0
for node in reversed(order):''': '''
order: list[Value] = []
seen: set[int] = {id(self)}
queue = [self]
while queue:
    node = queue.pop(0)
    order.append(node)
    for parent in node._parents:
        if id(parent) not in seen:
            seen.add(id(parent))
            queue.append(parent)
self.grad = 1.0
for node in order:'''}),
  differs(lambda M: (lambda a: (lambda b: ((b + b * b).backward(), a.grad)[1])(a * 3))(M.Value(2.0))))

# ---------------- contract ----------------
X(T, "linear_grad_autograd", "linear_grad", "uses torch.autograd.grad (hand derivation asked)", "float64 x, y randn (6,)", '''
def linear_grad(w, x, y):
    w = w.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(((w * x - y) ** 2).mean(), w)
    return g
''', lambda R, C: (strict(_lin(R), _lin(C)) and "values differ") or
    calls_forbidden(_lin, [(torch.autograd, "grad")], ("grad",))(R, C))

X(T, "grad_vec_caller_x", "grad_of_vector_fn", "runs backward on the caller's x (its requires_grad and .grad changed)", "x randn (3,), f = t**2", '''
def grad_of_vector_fn(f, x):
    x.requires_grad_(True)
    f(x).sum().backward()
    grad = x.grad.clone()
    return grad
''', mutates(lambda: [torch.randn(3)], lambda M, i: M.grad_of_vector_fn(lambda t: t ** 2, i[0])))


def _saved(M):
    x = torch.tensor([-1.0, 0.5, 2.0], dtype=D, requires_grad=True)
    y = M.Sigmoid.apply(x)
    saved = y.grad_fn.saved_tensors[0]
    return torch.equal(saved, y.detach())


X(T, "sigmoid_fn_saves_input", "Sigmoid", "saves its input, recomputing σ in backward (the output must be saved)", "float64 x = [-1, 0.5, 2]", '''
class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        e = torch.exp(-x.abs())
        return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        e = torch.exp(-x.abs())
        s = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        return grad_output * s * (1 - s)
''', lambda R, C: (same(_sig_grad(R), _sig_grad(C)) and "values differ") or
    (None if _saved(C) else "saved tensor is not the output"))

# ---------------- correct ----------------
def _xyw(s, dt=D):
    g = torch.Generator().manual_seed(s)
    n = s % 5 + 1
    sc = 10.0 ** (s % 4 - 1)
    return torch.randn((), generator=g, dtype=dt), torch.randn(n, generator=g, dtype=dt) * sc, torch.randn(n, generator=g, dtype=dt)


K(T, "linear_grad_residual", "linear_grad", "residual first, then 2·mean(r·x)", "float64 seeded n=1..5, |x| up to 100", '''
def linear_grad(w, x, y):
    residual = w * x - y
    return 2 * (residual * x).mean()
''', agree(_xyw, lambda M, i: M.linear_grad(*i), cmp=strict))

K(T, "linear_grad_sum_div", "linear_grad", "Σ 2·x·r / n", "float64 seeded n=1..5", '''
def linear_grad(w, x, y):
    return torch.sum(2 * x * (w * x - y)) / x.numel()
''', agree(_xyw, lambda M, i: M.linear_grad(*i), cmp=lambda a, b: same(a, b, rtol=1e-9, atol=1e-12)))

K(T, "quadratic_yhat_first", "quadratic_grads", "ŷ then r, gradients from 2r", "float32/float64 seeded, n=1..6", '''
def quadratic_grads(w1, w2, b, x, y):
    y_hat = w1 * x * x + w2 * x + b
    two_r = 2 * (y_hat - y)
    return (two_r * x * x).mean(), (two_r * x).mean(), two_r.mean()
''', agree(lambda s: _quad(D if s % 2 else torch.float32, n=s % 6 + 1, seed=s), lambda M, i: M.quadratic_grads(*i),
           cmp=lambda a, b: same(a, b, rtol=1e-5, atol=1e-6)))

K(T, "grad_vec_backward", "grad_of_vector_fn", "backward with a ones gradient on a detached copy", "seeded shapes, float32/64, x requiring grad, called twice", '''
def grad_of_vector_fn(f, x):
    leaf = x.detach().clone()
    leaf.requires_grad_()
    out = f(leaf)
    out.backward(torch.ones_like(out))
    return leaf.grad
''', agree(lambda s: (torch.randn(s % 3 + 1, 2, dtype=D if s % 2 else torch.float32).requires_grad_(s % 3 == 0),),
           lambda M, i: (M.grad_of_vector_fn(lambda t: (t.exp() * t).cumsum(0), i[0]),
                         M.grad_of_vector_fn(lambda t: (t ** 2).sum(), i[0]), i[0].grad, i[0].requires_grad)))

K(T, "detach_grad_autograd_grad", "detach_grad", "torch.autograd.grad of (u·x).sum() with u detached", "seeded shapes incl. 0-dim, float16/32/64", '''
def detach_grad(x):
    leaf = x.detach().clone().requires_grad_(True)
    y = leaf * leaf
    u = y.detach()
    z = u * leaf
    (g,) = torch.autograd.grad(z.sum(), leaf)
    return g
''', agree(lambda s: (torch.randn(tuple([2] * (s % 3)), dtype=[torch.float16, torch.float32, D][s % 3]),),
           lambda M, i: (M.detach_grad(i[0]), i[0])))

K(T, "sigmoid_fn_clamped", "Sigmoid", "two clamped branches (exp never sees a positive argument)", "float64 seeded incl. ±800, −720, 0", '''
class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        pos = 1 / (1 + torch.exp(-x.clamp(min=0)))
        en = torch.exp(x.clamp(max=0))
        out = torch.where(x >= 0, pos, en / (1 + en))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)
''', agree(lambda s: (torch.cat([torch.randn(5, dtype=D) * 10 ** (s % 4), torch.tensor([-800.0, -720.0, 0.0, 800.0], dtype=D)]),),
           lambda M, i: (lambda x: (lambda y: (y.backward(torch.linspace(-1, 1, len(y), dtype=D)), y.detach(), x.grad)[1:])(M.Sigmoid.apply(x)))(i[0].clone().requires_grad_(True)),
           cmp=strict))

K(T, "numgrad_flat_view", "numerical_grad", "loops over a flat view, restoring the saved original value", "float64 seeded shapes incl. 0-dim, view-valued f", '''
def numerical_grad(f, x, eps=1e-6):
    flat = x.view(-1)
    out = torch.empty_like(flat)
    with torch.no_grad():
        for i in range(flat.numel()):
            keep = flat[i].clone()
            flat[i] = keep + eps
            fp = float(f(x))
            flat[i] = keep - eps
            fm = float(f(x))
            flat[i] = keep
            out[i] = (fp - fm) / (2 * eps)
    return out.view(x.shape)
''', agree(lambda s: (torch.randn(tuple([2] * (s % 3)), dtype=D),),
           lambda M, i: _ng(M, i[0]),
           n=9))

K(T, "value_kahn_closures", "Value", "per-op backward closures, order by Kahn\'s algorithm (a node runs once all its users have)", "random graphs, node reuse, depth 500", '''
class Value:
    def __init__(self, data, _children=(), _backward=None):
        self.data = float(data)
        self.grad = 0.0
        self._prev = _children
        self._backward = _backward or (lambda: None)

    @staticmethod
    def _v(o):
        return o if isinstance(o, Value) else Value(o)

    def __add__(self, other):
        other = Value._v(other)
        out = Value(self.data + other.data, (self, other))
        def bw():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = bw
        return out

    def __mul__(self, other):
        other = Value._v(other)
        out = Value(self.data * other.data, (self, other))
        def bw():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = bw
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,))
        def bw():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = bw
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,))
        def bw():
            self.grad += (1 - t * t) * out.grad
        out._backward = bw
        return out

    def exp(self):
        e = math.exp(self.data)
        out = Value(e, (self,))
        def bw():
            self.grad += e * out.grad
        out._backward = bw
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,))
        def bw():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = bw
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-Value._v(other))

    def __truediv__(self, other):
        return self * Value._v(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value._v(other) - self

    def __rtruediv__(self, other):
        return Value._v(other) / self

    def backward(self):
        users = {}
        stack, seen = [self], {id(self)}
        while stack:
            v = stack.pop()
            for c in v._prev:
                users[id(c)] = users.get(id(c), 0) + 1
                if id(c) not in seen:
                    seen.add(id(c))
                    stack.append(c)
        self.grad = 1.0
        ready = [self]
        while ready:
            v = ready.pop()
            v._backward()
            for c in v._prev:
                users[id(c)] -= 1
                if users[id(c)] == 0:
                    ready.append(c)
''', agree(lambda s: (s,), lambda M, i: _rand_graph(M, i[0]), n=20))


def _ng(M, x0):
    x = x0.clone()
    f = (lambda t: t.reshape(-1)[0]) if x.dim() == 1 else (lambda t: (t.sin() * t).sum())
    return M.numerical_grad(f, x), x


def _rand_graph(M, seed):
    import random
    rng = random.Random(seed)
    leaves = [M.Value(rng.uniform(-1, 1)) for _ in range(3)] + ([M.Value(2)] if seed % 2 else [])
    nodes = list(leaves)
    depth = 500 if seed == 0 else 30
    for _ in range(depth):
        a, b = rng.choice(nodes), rng.choice(nodes)
        op = rng.randrange(11)
        k = rng.choice([2, 3, 0.5]) if a.data > 0 else 2
        v = [lambda: a + b, lambda: a - b, lambda: a * b, lambda: a / (b * b + 1), lambda: -a, lambda: 2 * a,
             lambda: 1 - a, lambda: 3 / (a * a + 1), lambda: a ** k, lambda: a.tanh(), lambda: (a * 0.1).exp() + a.relu()][op]()
        if seed == 0:
            v = v * 0.5 + nodes[-1] * 0.5
        nodes.append(v)
    out = nodes[-1] + nodes[-2] * 0.3
    out.backward()
    return [out.data] + [l.grad for l in leaves] + [type(leaves[-1].data).__name__]


# right values for the contract entries
V(T, "grad_vec_caller_x", lambda M: M.grad_of_vector_fn(lambda t: t ** 2, torch.tensor([1.0, -2.0, 3.0])))
