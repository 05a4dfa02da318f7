from common import *  # noqa
import math as _m
T = "autograd"
r = torch.randn
D = torch.float64

M(T, "linear_grad_expanded", "linear_grad", "expanded form 2(w·mean(x²) − mean(x·y)) cancels when w·x ≈ y at large |x|",
  "float64 w=3, x=1e6+randn(5), y=w*x+1e-3*randn", "def linear_grad(w, x, y):\n    return 2 * (w * (x * x).mean() - (x * y).mean())",
  differs(lambda M: (lambda x: M.linear_grad(torch.tensor(3., dtype=D), x, 3 * x + 1e-3 * torch.randn(5, dtype=D)))(1e6 + torch.randn(5, dtype=D)), rtol=1e-7, atol=0))
M(T, "linear_grad_keepdim", "linear_grad", "mean with keepdim: returns shape (1,) instead of 0-dim",
  "w 0-dim, x,y (4,)", "def linear_grad(w, x, y):\n    return (2 * x * (w * x - y)).mean(dim=0, keepdim=True)",
  differs(lambda M: M.linear_grad(torch.tensor(0.5), r(4), r(4))))
M(T, "quadratic_grads_double", "quadratic_grads", "computes r in float64 'for accuracy': float32 inputs give float64 results",
  "float32 w1,w2,b 0-dim, x,y (6,)", "def quadratic_grads(w1, w2, b, x, y):\n    r = (w1 * x**2 + w2 * x + b - y).double()\n    x = x.double()\n    return (2 * r * x**2).mean(), (2 * r * x).mean(), (2 * r).mean()",
  differs(lambda M: M.quadratic_grads(r(()), r(()), r(()), r(6), r(6))))
M(T, "quadratic_grads_b_no2", "quadratic_grads", "dL/db = mean(r) (drops the factor 2)",
  "float64 random", "def quadratic_grads(w1, w2, b, x, y):\n    r = w1 * x**2 + w2 * x + b - y\n    return (2 * r * x**2).mean(), (2 * r * x).mean(), r.mean()",
  differs(lambda M: M.quadratic_grads(*(r((), dtype=D) for _ in range(3)), r(5, dtype=D), r(5, dtype=D))))
M(T, "grad_vec_float_copy", "grad_of_vector_fn", "copies x as float32: float64 x gets a float32 gradient",
  "float64 x (3,), f = x**3", "def grad_of_vector_fn(f, x):\n    copy = x.detach().float().requires_grad_(True)\n    f(copy).sum().backward()\n    return copy.grad",
  differs(lambda M: M.grad_of_vector_fn(lambda t: t ** 3, r(3, dtype=D))))
M(T, "grad_vec_accumulates_prior_grad", "grad_of_vector_fn", "backprops into the caller's x: a .grad already there is added in",
  "x (3,) requires_grad with x.grad = ones, f = sin", "def grad_of_vector_fn(f, x):\n    flag = x.requires_grad\n    x.requires_grad_(True)\n    f(x).sum().backward()\n    grad = x.grad.clone()\n    x.requires_grad_(flag)\n    return grad",
  differs(lambda M: (lambda x: (setattr(x, 'grad', torch.ones(3)), M.grad_of_vector_fn(torch.sin, x))[1])(r(3).requires_grad_())))
M(T, "grad_vec_mean", "grad_of_vector_fn", "reduces f(x) with mean instead of sum",
  "x (2,3), f = x**2", "def grad_of_vector_fn(f, x):\n    copy = x.detach().clone().requires_grad_(True)\n    f(copy).mean().backward()\n    return copy.grad",
  differs(lambda M: M.grad_of_vector_fn(lambda t: t ** 2, r(2, 3))))
M(T, "detach_grad_tensor_tolist", "detach_grad", "rebuilds x with torch.tensor(x.tolist()): float64 becomes float32",
  "float64 x (3,)", "def detach_grad(x):\n    copy = torch.tensor(x.tolist(), requires_grad=True)\n    u = (copy * copy).detach()\n    (u * copy).sum().backward()\n    return copy.grad",
  differs(lambda M: M.detach_grad(r(3, dtype=D))))
M(T, "detach_grad_no_detach", "detach_grad", "forgets the detach: returns 3x²",
  "x (4,)", "def detach_grad(x):\n    copy = x.detach().clone().requires_grad_(True)\n    u = copy * copy\n    (u * copy).sum().backward()\n    return copy.grad",
  differs(lambda M: M.detach_grad(r(4))))

def sig_grad(M, x):
    return with_grads(lambda t: M.Sigmoid.apply(t), x)
M(T, "sigmoid_fn_naive", "Sigmoid", "forward 1/(1+exp(−x)): exp overflows at x=−720 in float64 and the tail becomes 0",
  "float64 x = [-720., -40., 0., 5.]", "class Sigmoid(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        out = 1 / (1 + torch.exp(-x))\n        ctx.save_for_backward(out)\n        return out\n\n    @staticmethod\n    def backward(ctx, grad_output):\n        (out,) = ctx.saved_tensors\n        return grad_output * out * (1 - out)",
  differs(lambda M: M.Sigmoid.apply(torch.tensor([-720., -40., 0., 5.], dtype=D)), rtol=1e-7, atol=0))
M(T, "sigmoid_fn_one_minus", "Sigmoid", "negative side as 1 − σ(|x|): the float64 tail rounds to 0",
  "float64 x = [-40., 2.]", "class Sigmoid(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        s = 1 / (1 + torch.exp(-x.abs()))\n        out = torch.where(x >= 0, s, 1 - s)\n        ctx.save_for_backward(out)\n        return out\n\n    @staticmethod\n    def backward(ctx, grad_output):\n        (out,) = ctx.saved_tensors\n        return grad_output * out * (1 - out)",
  differs(lambda M: M.Sigmoid.apply(torch.tensor([-40., 2.], dtype=D)), rtol=1e-7, atol=0))
M(T, "sigmoid_fn_ignores_grad_output", "Sigmoid", "backward returns σ(1−σ) without multiplying by grad_output",
  "float64 x (5,), upstream gradient random", "class Sigmoid(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))\n        ctx.save_for_backward(out)\n        return out\n\n    @staticmethod\n    def backward(ctx, grad_output):\n        (out,) = ctx.saved_tensors\n        return out * (1 - out)",
  differs(lambda M: sig_grad(M, r(5, dtype=D)), rtol=1e-7, atol=0))

def sq(t): return (t ** 2).sum()
M(T, "numgrad_view_kept", "numerical_grad", "keeps f's 0-dim tensor (a view of x) instead of its value: both reads see the restored x",
  "x = tensor([1.,2.,3.], float64), f = lambda t: t[1]", "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros_like(x)\n    flat, g = x.view(-1), grad.view(-1)\n    with torch.no_grad():\n        for i in range(flat.numel()):\n            original = flat[i].item()\n            flat[i] = original + eps\n            plus = f(x)\n            flat[i] = original - eps\n            minus = f(x)\n            flat[i] = original\n            g[i] = (plus - minus) / (2 * eps)\n    return grad",
  differs(lambda M: M.numerical_grad(lambda t: t[1], torch.tensor([1., 2., 3.], dtype=D)), rtol=1e-5, atol=1e-6))
M(T, "numgrad_float32_zeros", "numerical_grad", "gradient buffer torch.zeros(x.shape): float64 x gets float32",
  "float64 x (2,2), f = sum of squares", "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros(x.shape)\n    flat, g = x.view(-1), grad.view(-1)\n    with torch.no_grad():\n        for i in range(flat.numel()):\n            original = flat[i].item()\n            flat[i] = original + eps\n            plus = float(f(x))\n            flat[i] = original - eps\n            minus = float(f(x))\n            flat[i] = original\n            g[i] = (plus - minus) / (2 * eps)\n    return grad",
  differs(lambda M: M.numerical_grad(sq, r(2, 2, dtype=D)), rtol=1e-5, atol=1e-6))
M(T, "numgrad_relative_step", "numerical_grad", "relative step eps·|xᵢ|: an element equal to 0 gets 0/0",
  "float64 x = [0., 1.], f = sum of squares", "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros_like(x)\n    flat, g = x.view(-1), grad.view(-1)\n    with torch.no_grad():\n        for i in range(flat.numel()):\n            original = flat[i].item()\n            h = eps * abs(original)\n            flat[i] = original + h\n            plus = float(f(x))\n            flat[i] = original - h\n            minus = float(f(x))\n            flat[i] = original\n            g[i] = (plus - minus) / (2 * h) if h else float('nan')\n    return grad",
  differs(lambda M: M.numerical_grad(sq, torch.tensor([0., 1.], dtype=D)), rtol=1e-5, atol=1e-6))
M(T, "numgrad_forward_diff", "numerical_grad", "forward difference (f(x+ε) − f(x))/ε",
  "float64 x (3,), f = sum(exp(3x))", "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros_like(x)\n    flat, g = x.view(-1), grad.view(-1)\n    with torch.no_grad():\n        base = float(f(x))\n        for i in range(flat.numel()):\n            original = flat[i].item()\n            flat[i] = original + eps\n            plus = float(f(x))\n            flat[i] = original\n            g[i] = (plus - base) / eps\n    return grad",
  differs(lambda M: M.numerical_grad(lambda t: torch.exp(3 * t).sum(), torch.tensor([1., 2., 3.], dtype=D)), rtol=1e-7, atol=0))

VAL_BASE = open('/work/main/solutions/autograd.py').read()
def vsrc(old, new):
    assert old in VAL_BASE, old
    s = VAL_BASE[VAL_BASE.index('class Value:'):]
    return s.replace(old, new)
def vrun(expr):
    def run(M):
        V = M.Value
        return expr(V)
    return run
def diamond(V):
    a = V(1.5); b = a * 2.0; c = a + 1.0; d = b * c + b; e = d * a
    e.backward(); return [a.grad, b.grad, e.data]
M(T, "value_int_data", "Value", "keeps data as given: Value(2).data is the int 2",
  "Value(2).data", vsrc("self.data = float(data)", "self.data = data"),
  differs(vrun(lambda V: V(2).data), cmp=lambda a, b: None if type(a) is type(b) and a == b else f"{a!r} ({type(a).__name__}) vs {b!r} ({type(b).__name__})"))
M(T, "value_relu_ge", "Value", "relu derivative 1 at exactly 0",
  "a = Value(0.0); a.relu().backward()", vsrc("(1.0 if self.data > 0 else 0.0,)", "(1.0 if self.data >= 0 else 0.0,)"),
  differs(vrun(lambda V: (lambda a: (a.relu().backward(), a.grad)[1])(V(0.0)))))
M(T, "value_rsub_sign", "Value", "1 − a computed as a − 1",
  "a = Value(3.0); (1 - a)", vsrc("return self._wrap(other) - self", "return self - other"),
  differs(vrun(lambda V: (1 - V(3.0)).data)))
M(T, "value_rtruediv", "Value", "3 / a computed as a / 3",
  "a = Value(2.0); 3 / a", vsrc("return self._wrap(other) / self", "return self / other"),
  differs(vrun(lambda V: (lambda a: (lambda o: (o.backward(), o.data, a.grad)[1:])(3 / a))(V(2.0)))))
M(T, "value_recursive_push", "Value", "recursive backward pushing each node's running grad down every path (no topological order): double counts shared nodes",
  "a=1.5; b=2a; c=a+1; d=b·c+b; e=d·a",
  vsrc('''        order: list[Value] = []
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
        for node in reversed(order):
            for parent, local in zip(node._parents, node._local_grads):
                parent.grad += local * node.grad''', '''        self.grad = 1.0
        self._push()

    def _push(self) -> None:
        for parent, local in zip(self._parents, self._local_grads):
            parent.grad += local * self.grad
            parent._push()'''), differs(vrun(diamond)))
M(T, "value_recursive_topo_deep", "Value", "recursive topological sort with a helper frame per level: a 500-deep graph exceeds Python's recursion limit",
  "chain of 500 tanh nodes",
  vsrc('''        order: list[Value] = []
        seen: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((parent, False) for parent in node._parents)''', '''        order: list[Value] = []
        seen: set[int] = set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                visit_all(node._parents)
                order.append(node)

        def visit_all(nodes):
            for n in nodes:
                visit(n)
        visit(self)'''),
  differs(vrun(lambda V: (lambda a: (lambda o: (o.backward(), a.grad)[1])(_chain(a)))(V(0.3)))))
def _chain(a):
    for _ in range(500):
        a = a.tanh()
    return a
import builtins as _b

def saved_is_output(M):
    x = r(4, dtype=D, requires_grad=True)
    y = M.Sigmoid.apply(x)
    (s,) = y.grad_fn.saved_tensors
    return torch.equal(s, y.detach())
def prove_saves_output(R, C):
    if not saved_is_output(R):
        raise AssertionError("reference does not save its output")
    return None if saved_is_output(C) else "saved tensor is the input x, not the output"
X(T, "sigmoid_fn_saves_input", "Sigmoid", "saves x and recomputes σ in backward (values right)", "saves its OUTPUT for backward (``ctx.save_for_backward``)",
  "class Sigmoid(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))\n        ctx.save_for_backward(x)\n        return out\n\n    @staticmethod\n    def backward(ctx, grad_output):\n        (x,) = ctx.saved_tensors\n        e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))\n        return grad_output * out * (1 - out)",
  prove_saves_output, inp="float64 x (4,) requiring grad; inspect y.grad_fn.saved_tensors")
X(T, "quadratic_grads_autograd", "quadratic_grads", "values from torch.autograd.grad", "No autograd: no ``.backward()``, no ``torch.autograd.grad``.",
  "def quadratic_grads(w1, w2, b, x, y):\n    ps = [t.detach().clone().requires_grad_(True) for t in (w1, w2, b)]\n    loss = ((ps[0] * x**2 + ps[1] * x + ps[2] - y) ** 2).mean()\n    return tuple(torch.autograd.grad(loss, ps))",
  calls_forbidden(lambda M: M.quadratic_grads(*(r((), dtype=D) for _ in range(3)), r(5, dtype=D), r(5, dtype=D)), [(torch.autograd, "grad")]), inp="float64 random")
X(T, "numgrad_drift", "numerical_grad", "perturbs with += ε, −= 2ε, += ε: x is not bit-restored", "its values must be restored when you return",
  "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros_like(x)\n    flat, g = x.view(-1), grad.view(-1)\n    with torch.no_grad():\n        for i in range(flat.numel()):\n            flat[i] += eps\n            plus = float(f(x))\n            flat[i] -= 2 * eps\n            minus = float(f(x))\n            flat[i] += eps\n            g[i] = (plus - minus) / (2 * eps)\n    return grad",
  mutates(lambda: [torch.tensor([0.1, 0.7, 1.3, 3.3], dtype=D)], lambda M, i: M.numerical_grad(lambda t: (t ** 2).sum(), i[0])), inp="float64 x = [0.1, 0.7, 1.3, 3.3]")
X(T, "grad_vec_zeroes_grad", "grad_of_vector_fn", "works on x itself, then zeroes x.grad and drops the flag: leaves a zero .grad behind", "The caller's x is left untouched: its values, its ``requires_grad`` flag and its ``.grad``",
  "def grad_of_vector_fn(f, x):\n    x.requires_grad_(True)\n    f(x).sum().backward()\n    grad = x.grad.clone()\n    x.grad.zero_()\n    x.requires_grad_(False)\n    return grad",
  mutates(lambda: [r(3)], lambda M, i: M.grad_of_vector_fn(torch.sin, i[0])), inp="x (3,) plain, f = sin")

def gw(s):
    dt = [torch.float32, torch.float64][s % 2]; n = s % 5 + 1
    x = r(n, dtype=dt) * 10 ** (s % 3)
    return [r((), dtype=dt), x, r(n, dtype=dt)]
K(T, "linear_grad_sum_div", "linear_grad", "2·Σ x·r / n with r = w·x − y", "def linear_grad(w, x, y):\n    residual = w * x - y\n    return 2 * (x * residual).sum() / x.numel()",
  agree(gw, lambda M, i: M.linear_grad(*i), rtol=1e-5))
def gq(s):
    dt = [torch.float32, torch.float64][s % 2]; n = s % 4 + 1
    return [r((), dtype=dt) for _ in range(3)] + [r(n, dtype=dt), r(n, dtype=dt)]
K(T, "quadratic_stack_r", "quadratic_grads", "one 2·r·[x², x, 1] stack, then mean over samples", "def quadratic_grads(w1, w2, b, x, y):\n    r2 = 2 * (w1 * x * x + w2 * x + b - y)\n    g = torch.stack([r2 * x * x, r2 * x, r2]).mean(dim=1)\n    return g[0], g[1], g[2]",
  agree(gq, lambda M, i: M.quadratic_grads(*i), rtol=1e-5))
def gf(s):
    dt = [torch.float32, torch.float64][s % 2]
    x = torch.randn([(), (3,), (2, 3)][s % 3], dtype=dt)
    return [x if s % 4 else x.requires_grad_()]
FS = [lambda t: t ** 3, lambda t: torch.sin(t).sum(), lambda t: t.exp() * t.sum(), lambda t: t.reshape(-1).cumsum(0)]
K(T, "grad_vec_backward_ones", "grad_of_vector_fn", "backward(ones_like(out)) on a detached clone", "def grad_of_vector_fn(f, x):\n    leaf = x.detach().clone()\n    leaf.requires_grad_()\n    out = f(leaf)\n    out.backward(torch.ones_like(out))\n    return leaf.grad",
  agree(gf, lambda M, i: (M.grad_of_vector_fn(FS[i[0].numel() % 4], i[0]), i[0].grad, i[0].requires_grad)))
K(T, "detach_grad_autograd_grad", "detach_grad", "torch.autograd.grad on a detached clone", "def detach_grad(x):\n    leaf = x.detach().clone().requires_grad_(True)\n    y = leaf * leaf\n    u = y.detach()\n    (g,) = torch.autograd.grad((u * leaf).sum(), leaf)\n    return g",
  agree(gf, lambda M, i: (M.detach_grad(i[0]), i[0].grad, i[0].requires_grad)))
def gs(s):
    dt = [torch.float32, torch.float64][s % 2]
    x = r(7, dtype=dt) * 10 ** (s % 4)
    if s % 5 == 0:
        x = torch.tensor([-700., -100., -38., 0., 38., 100., 700.], dtype=dt)
    return [x]
K(T, "sigmoid_fn_where_both", "Sigmoid", "forward evaluates both branches with torch.where (no autograd through it), backward from the saved output",
  "class Sigmoid(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n        neg = torch.exp(torch.minimum(x, torch.zeros_like(x)))\n        pos = torch.exp(-torch.maximum(x, torch.zeros_like(x)))\n        out = torch.where(x >= 0, 1 / (1 + pos), neg / (1 + neg))\n        ctx.save_for_backward(out)\n        return out\n\n    @staticmethod\n    def backward(ctx, grad_output):\n        (s,) = ctx.saved_tensors\n        return grad_output * s * (1 - s)",
  agree(gs, lambda M, i: with_grads(lambda t: M.Sigmoid.apply(t), i[0]), rtol=1e-7, atol=0))
def gn(s):
    dt = [torch.float32, torch.float64][s % 2]
    return [torch.randn([(), (3,), (2, 2)][s % 3], dtype=dt)]
NF = [lambda t: (t ** 2).sum(), lambda t: float(torch.sin(t).sum()), lambda t: t.reshape(-1)[0] * 3]
K(T, "numgrad_flat_view", "numerical_grad", "loop over a flat view of the contiguous x, float() of each evaluation", "def numerical_grad(f, x, eps=1e-6):\n    flat = x.view(-1)\n    grad = torch.empty_like(flat)\n    with torch.no_grad():\n        for i in range(flat.numel()):\n            keep = flat[i].clone()\n            flat[i] = keep + eps\n            hi = float(f(x))\n            flat[i] = keep - eps\n            lo = float(f(x))\n            flat[i] = keep\n            grad[i] = (hi - lo) / (2 * eps)\n    return grad.view(x.shape)",
  agree(gn, lambda M, i: (M.numerical_grad(NF[i[0].numel() % 3], i[0]), i[0]), rtol=1e-9, atol=1e-9))
def vexpr(V, s):
    import random
    rnd = random.Random(s)
    leaves = [V(rnd.uniform(-2, 2)) for _ in range(4)]
    nodes = list(leaves)
    for _ in range(30):
        a, b = rnd.choice(nodes), rnd.choice(nodes)
        op = rnd.randrange(9)
        n = [lambda: a + b, lambda: a * b, lambda: a - b, lambda: 0.5 * a, lambda: (a * 0.3).tanh(), lambda: (a * 0.2).exp(),
             lambda: a.relu(), lambda: 1 - a, lambda: a / (b * b + 1.0)][op]()
        nodes.append(n)
    out = sum(nodes[-5:], V(0)) * 0.1
    out.backward()
    return [out.data] + [l.grad for l in leaves] + [(-leaves[0] ** 2).data, (3 / (leaves[1] * leaves[1] + 1)).data, V(2).data]
K(T, "value_closure_style", "Value", "micrograd closures (_backward per node), iterative topo sort",
  '''class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._backward = lambda: None

    @staticmethod
    def _v(o):
        return o if isinstance(o, Value) else Value(o)

    def __add__(self, other):
        other = Value._v(other)
        out = Value(self.data + other.data, (self, other))
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = Value._v(other)
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
        topo, visited = [], set()
        stack = [(self, iter(self._prev))]
        visited.add(id(self))
        while stack:
            node, it = stack[-1]
            child = next(it, None)
            if child is None:
                stack.pop()
                topo.append(node)
            elif id(child) not in visited:
                visited.add(id(child))
                stack.append((child, iter(child._prev)))
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()''',
  agree(lambda s: [s], lambda M, i: vexpr(M.Value, i[0]), rtol=1e-9, atol=1e-12), inp="30 random expression graphs, Value(2).data")
