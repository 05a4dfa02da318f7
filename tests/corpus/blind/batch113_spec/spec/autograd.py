from common import *
T = "autograd"


def _lin_inputs():
    x = torch.linspace(1e3, 2e3, 7, dtype=torch.float64)
    w = torch.tensor(1.7, dtype=torch.float64)
    y = w * x + torch.linspace(-1e-6, 1e-6, 7, dtype=torch.float64)
    return w, x, y


M(T, "linear_grad_expanded", "linear_grad", "expanded form 2·(w·mean(x²) − mean(x·y)): cancels when w·x ≈ y",
  "float64 x in [1e3, 2e3], y = 1.7·x + 1e-6 noise, w = 1.7",
  "def linear_grad(w, x, y):\n    return 2 * (w * (x * x).mean() - (x * y).mean())\n",
  differs(lambda Mod: Mod.linear_grad(*_lin_inputs()), rtol=1e-7, atol=0.0))
M(T, "linear_grad_sum", "linear_grad", "sums instead of averaging over the samples",
  "w=0.5, x,y randn(6)",
  ed(T, "linear_grad", (".mean()", ".sum()")),
  differs(lambda Mod: Mod.linear_grad(torch.tensor(0.5), torch.randn(6), torch.randn(6))))
M(T, "linear_grad_keepdim", "linear_grad", "mean(dim=0, keepdim=True): a (1,) tensor, not 0-dim",
  "w=0.5, x,y randn(6)",
  ed(T, "linear_grad", (".mean()", ".mean(dim=0, keepdim=True)")),
  differs(lambda Mod: Mod.linear_grad(torch.tensor(0.5), torch.randn(6), torch.randn(6))))
M(T, "quadratic_grads_double", "quadratic_grads", "computes in float64 for safety: float32 inputs get float64 results",
  "all float32: w1=0.3, w2=-0.2, b=0.1, x,y randn(5)",
  "def quadratic_grads(w1, w2, b, x, y):\n    w1, w2, b, x, y = (t.double() for t in (w1, w2, b, x, y))\n"
  "    r = w1 * x**2 + w2 * x + b - y\n    return (2 * r * x**2).mean(), (2 * r * x).mean(), (2 * r).mean()\n",
  differs(lambda Mod: Mod.quadratic_grads(torch.tensor(0.3), torch.tensor(-0.2), torch.tensor(0.1), torch.randn(5), torch.randn(5))))
M(T, "quadratic_grads_db_x", "quadratic_grads", "dL/db multiplied by x as well (copy-paste of dL/dw2)",
  "float64 w1=0.3, w2=-0.2, b=0.1, x,y randn(5)",
  ed(T, "quadratic_grads", ("(2 * r).mean()", "(2 * r * x).mean()")),
  differs(lambda Mod: Mod.quadratic_grads(*(torch.tensor(v, dtype=torch.float64) for v in (0.3, -0.2, 0.1)),
                                          torch.randn(5, dtype=torch.float64), torch.randn(5, dtype=torch.float64))))
M(T, "grad_vec_mean", "grad_of_vector_fn", "reduces f's output with mean() instead of sum()",
  "f = lambda t: t ** 3, x randn(4)",
  ed(T, "grad_of_vector_fn", ("f(copy).sum()", "f(copy).mean()")),
  differs(lambda Mod: Mod.grad_of_vector_fn(lambda t: t ** 3, torch.randn(4))))
M(T, "grad_vec_float", "grad_of_vector_fn", "detached copy made with .float(): float64 x gives a float32 gradient",
  "f = torch.sin, x float64 randn(3)",
  ed(T, "grad_of_vector_fn", ("x.detach().clone()", "x.detach().float()")),
  differs(lambda Mod: Mod.grad_of_vector_fn(torch.sin, torch.randn(3, dtype=torch.float64))))
M(T, "grad_vec_clone_nonleaf", "grad_of_vector_fn", "x.clone() (not detached) then .grad: None when x already requires grad",
  "x randn(3, requires_grad=True), f = lambda t: t * t",
  "def grad_of_vector_fn(f, x):\n    copy = x.clone().requires_grad_(True)\n    f(copy).sum().backward()\n    return copy.grad\n",
  differs(lambda Mod: Mod.grad_of_vector_fn(lambda t: t * t, torch.randn(3, requires_grad=True))))
M(T, "detach_grad_no_detach", "detach_grad", "forgets the detach: returns 3·x² instead of x²",
  "x randn(4)",
  ed(T, "detach_grad", ("u = (copy * copy).detach()", "u = copy * copy")),
  differs(lambda Mod: Mod.detach_grad(torch.randn(4))))
M(T, "detach_grad_float", "detach_grad", "works on x.float(): float64 x gives float32",
  "x float64 randn(2,3)",
  ed(T, "detach_grad", ("x.detach().clone()", "x.detach().float()")),
  differs(lambda Mod: Mod.detach_grad(torch.randn(2, 3, dtype=torch.float64))))


def _sig(Mod, x):
    x = x.clone().requires_grad_(True)
    y = Mod.Sigmoid.apply(x)
    g = torch.autograd.grad((y * torch.linspace(0.5, 2, x.numel(), dtype=x.dtype).reshape(x.shape)).sum(), x)[0]
    return y.detach(), g


M(T, "sigmoid_fn_naive", "Sigmoid", "forward 1/(1+exp(-x)): exp overflows below x ≈ -709 in float64 (gives 0, not 1e-310)",
  "float64 x = [-720, -730, 0, 5]",
  ed(T, "Sigmoid", ("e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))", "out = 1 / (1 + torch.exp(-x))")),
  differs(lambda Mod: _sig(Mod, torch.tensor([-720.0, -730.0, 0.0, 5.0], dtype=torch.float64)), cmp=eq_exact))
M(T, "sigmoid_fn_tanh", "Sigmoid", "forward (1 + tanh(x/2))/2: rounds the float64 tail below x ≈ -37 to 0",
  "float64 x = [-50, -40, 1]",
  ed(T, "Sigmoid", ("e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))", "out = (1 + torch.tanh(x / 2)) / 2")),
  differs(lambda Mod: _sig(Mod, torch.tensor([-50.0, -40.0, 1.0], dtype=torch.float64)), cmp=eq_exact))
M(T, "sigmoid_fn_no_grad_output", "Sigmoid", "backward ignores grad_output (returns s·(1−s) alone)",
  "x randn(5), upstream gradient linspace(0.5, 2)",
  ed(T, "Sigmoid", ("return grad_output * out * (1 - out)", "return out * (1 - out)")),
  differs(lambda Mod: _sig(Mod, torch.randn(5))))


def _ng(Mod, f, x):
    before = x.clone()
    g = Mod.numerical_grad(f, x)
    return g, x, before


M(T, "numgrad_tensor_alias", "numerical_grad", "keeps f's 0-dim results as tensors: a result that is a view of x changes under the next perturbation",
  "float64 x = [1., 2., 3.], f = lambda t: t.view(-1)[0] (a 0-dim view of x)",
  "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros_like(x)\n    flat, g = x.view(-1), grad.view(-1)\n"
  "    with torch.no_grad():\n        for i in range(flat.numel()):\n            original = flat[i].item()\n"
  "            flat[i] = original + eps\n            plus = f(x)\n            flat[i] = original - eps\n            minus = f(x)\n"
  "            flat[i] = original\n            g[i] = float(plus - minus) / (2 * eps)\n    return grad\n",
  differs(lambda Mod: Mod.numerical_grad(lambda t: t.view(-1)[0], torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)), rtol=1e-4))
M(T, "numgrad_original_view", "numerical_grad", "keeps the original element as a 0-dim view of x, so the 'minus' point is the original",
  "float64 x = [1., 2.], f = lambda t: (t ** 2).sum()",
  "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros_like(x)\n    flat, g = x.view(-1), grad.view(-1)\n"
  "    with torch.no_grad():\n        for i in range(flat.numel()):\n            original = flat[i]\n"
  "            flat[i] = original + eps\n            plus = float(f(x))\n            flat[i] = original - eps\n            minus = float(f(x))\n"
  "            flat[i] = original\n            g[i] = (plus - minus) / (2 * eps)\n    return grad\n",
  differs(lambda Mod: Mod.numerical_grad(lambda t: (t ** 2).sum(), torch.tensor([1.0, 2.0], dtype=torch.float64)), rtol=1e-4))
M(T, "numgrad_item_float_f", "numerical_grad", "calls .item() on f's result: f returning a Python float breaks",
  "float64 x = [0.3, -1.2], f = lambda t: float((t ** 3).sum())",
  "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros_like(x)\n    flat, g = x.view(-1), grad.view(-1)\n"
  "    with torch.no_grad():\n        for i in range(flat.numel()):\n            original = flat[i].item()\n"
  "            flat[i] = original + eps\n            plus = f(x).item()\n            flat[i] = original - eps\n            minus = f(x).item()\n"
  "            flat[i] = original\n            g[i] = (plus - minus) / (2 * eps)\n    return grad\n",
  differs(lambda Mod: Mod.numerical_grad(lambda t: float((t ** 3).sum()), torch.tensor([0.3, -1.2], dtype=torch.float64)), rtol=1e-4))
M(T, "numgrad_forward_diff", "numerical_grad", "one-sided forward differences (f(x+ε) − f(x))/ε",
  "float64 x = [0.5, 2.0], f = lambda t: (t ** 3).sum(), eps default",
  "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros_like(x)\n    flat, g = x.view(-1), grad.view(-1)\n    base = float(f(x))\n"
  "    with torch.no_grad():\n        for i in range(flat.numel()):\n            original = flat[i].item()\n"
  "            flat[i] = original + eps\n            g[i] = (float(f(x)) - base) / eps\n            flat[i] = original\n    return grad\n",
  differs(lambda Mod: Mod.numerical_grad(lambda t: (t ** 3).sum(), torch.tensor([0.5, 2.0], dtype=torch.float64)), rtol=1e-7, atol=0.0))
M(T, "numgrad_len_loop", "numerical_grad", "loops over range(len(x)): a 0-dim x has no len",
  "float64 0-dim x = tensor(0.7), f = lambda t: t ** 2",
  "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros_like(x)\n    with torch.no_grad():\n        for i in range(len(x)):\n"
  "            original = x[i].item()\n            x[i] = original + eps\n            plus = float(f(x))\n            x[i] = original - eps\n"
  "            minus = float(f(x))\n            x[i] = original\n            grad[i] = (plus - minus) / (2 * eps)\n    return grad\n",
  differs(lambda Mod: Mod.numerical_grad(lambda t: t ** 2, torch.tensor(0.7, dtype=torch.float64)), rtol=1e-4))


def _value_graph(Mod):
    a, b = Mod.Value(1.5), Mod.Value(-0.8)
    c = a * a + a * b
    d = (c * a).tanh() + (b ** 2).exp() - a / b
    e = 2 * d + 1 - a
    e.backward()
    return a.grad, b.grad, e.data


V = src(T, "Value")
M(T, "value_relu_ge", "Value", "relu's derivative at exactly 0 taken as 1 (>= 0)",
  "a = Value(0.0); (a.relu() + a * 0).backward(); a.grad",
  V.replace("1.0 if self.data > 0 else 0.0", "1.0 if self.data >= 0 else 0.0"),
  differs(lambda Mod: (lambda a: ((a.relu() + a * 0).backward(), a.grad)[1])(Mod.Value(0.0))))
M(T, "value_int_data", "Value", "stores data as given: Value(2).data is the int 2",
  "Value(2).data",
  V.replace("self.data = float(data)", "self.data = data"),
  differs(lambda Mod: Mod.Value(2).data, cmp=lambda a, b: None if type(a) is type(b) and a == b else f"{a!r} ({type(a).__name__}) vs {b!r} ({type(b).__name__})"))
M(T, "value_assign_grad", "Value", "parent.grad = ... instead of += : a node used twice keeps only one contribution",
  "a = Value(1.5), b = Value(-0.8), mixed graph (a*a, a*b, tanh, exp, /)",
  V.replace("parent.grad += local * node.grad", "parent.grad = local * node.grad"),
  differs(_value_graph))
M(T, "value_rsub", "Value", "__rsub__ returns self - other: 1 - a computed as a - 1",
  "a = Value(3.0); (1 - a).data",
  V.replace("return self._wrap(other) - self", "return self - other"),
  differs(lambda Mod: (1 - Mod.Value(3.0)).data))
M(T, "value_rtruediv", "Value", "__rtruediv__ returns self / other: 3 / a computed as a / 3",
  "a = Value(2.0); (3 / a).data",
  V.replace("return self._wrap(other) / self", "return self / other"),
  differs(lambda Mod: (3 / Mod.Value(2.0)).data))
M(T, "value_bfs_order", "Value", "propagates in BFS order from the output: a node may pass its grad on before it is complete",
  "a = Value(1.5); b = a * 2; c = b * 3; e = b + c; e.backward(); a.grad (8, BFS gives 2)",
  V.replace('''        order: list[Value] = []
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
        for node in reversed(order):''', '''        order: list[Value] = [self]
        seen: set[int] = {id(self)}
        i = 0
        while i < len(order):
            for parent in order[i]._parents:
                if id(parent) not in seen:
                    seen.add(id(parent))
                    order.append(parent)
            i += 1
        self.grad = 1.0
        for node in order:'''),
  differs(lambda Mod: (lambda a: (lambda b: (lambda e: (e.backward(), a.grad)[1])(b + b * 3))(a * 2))(Mod.Value(1.5))))

# ---------------- contract ----------------
X(T, "linear_grad_autograd", "linear_grad", "differentiates the loss with torch.autograd.grad",
  "No autograd: no .backward(), no torch.autograd.grad",
  "def linear_grad(w, x, y):\n    w = w.detach().clone().requires_grad_(True)\n    loss = ((w * x - y) ** 2).mean()\n"
  "    return torch.autograd.grad(loss, w)[0]\n",
  calls_forbidden(lambda Mod: Mod.linear_grad(torch.tensor(0.5), torch.randn(4), torch.randn(4)), [(torch.autograd, "grad")]))
X(T, "grad_vec_marks_x", "grad_of_vector_fn", "x.requires_grad_() on the caller's tensor and returns x.grad",
  "The caller's x is left untouched: its values, its requires_grad flag and its .grad",
  "def grad_of_vector_fn(f, x):\n    x.requires_grad_(True)\n    f(x).sum().backward()\n    return x.grad\n",
  mutates(lambda: [torch.randn(3)], lambda Mod, i: Mod.grad_of_vector_fn(torch.sin, i[0])))


def _saved(Mod):
    x = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y = Mod.Sigmoid.apply(x)
    saved = y.grad_fn.saved_tensors
    return None if any(s.shape == y.shape and torch.equal(s, y) for s in saved) else f"saves {[s.tolist() for s in saved]}, not the output {y.tolist()}"


def _saves_output(R, C):
    r = _saved(R)
    if r:
        raise AssertionError("reference: " + r)
    return _saved(C)


X(T, "sigmoid_fn_saves_input", "Sigmoid", "saves the input x and recomputes σ(x) in backward",
  "saves its OUTPUT for backward (ctx.save_for_backward)",
  ed(T, "Sigmoid", ("ctx.save_for_backward(out)", "ctx.save_for_backward(x)"),
     ("(out,) = ctx.saved_tensors", "(x,) = ctx.saved_tensors\n        e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))")),
  _saves_output)
X(T, "numgrad_no_restore", "numerical_grad", "leaves each element at x − ε after measuring it",
  "its values must be restored when you return",
  ed(T, "numerical_grad", ("            x[i] = original\n", "")),
  mutates(lambda: [torch.tensor([0.5, 1.5], dtype=torch.float64)], lambda Mod, i: Mod.numerical_grad(lambda t: (t ** 2).sum(), i[0])))

# ---------------- correct ----------------
def _gen_lin(seed):
    dt = [torch.float32, torch.float64][seed % 2]
    n = 1 + seed % 7
    scale = [1.0, 1e3, 1e-3][seed % 3]
    x = torch.randn(n, dtype=dt) * scale
    w = torch.randn((), dtype=dt)
    y = w * x + torch.randn(n, dtype=dt) * [1.0, 1e-6][seed % 2]
    if seed % 4 == 0:
        x = torch.randn(2 * n, dtype=dt)[::2] * scale
    return [w, x, y]


K(T, "linear_grad_residual_first", "linear_grad", "residual first, then 2·mean(x·r)",
  "def linear_grad(w, x, y):\n    r = w * x - y\n    return 2 * torch.mean(x * r)\n",
  agree(_gen_lin, lambda Mod, i: Mod.linear_grad(*i), rtol=1e-6, atol=0.0))
K(T, "quadratic_grads_horner", "quadratic_grads", "y_hat by Horner's rule, shared 2·r",
  "def quadratic_grads(w1, w2, b, x, y):\n    g = 2 * ((w1 * x + w2) * x + b - y)\n    return (g * x * x).mean(), (g * x).mean(), g.mean()\n",
  agree(lambda s: [torch.randn((), dtype=[torch.float32, torch.float64][s % 2]) for _ in range(3)]
        + [torch.randn(1 + s % 5, dtype=[torch.float32, torch.float64][s % 2]) for _ in range(2)],
        lambda Mod, i: Mod.quadratic_grads(*i), rtol=1e-5, atol=1e-6))


def _gen_gv(seed):
    dt = [torch.float32, torch.float64][seed % 2]
    shape = [(3,), (2, 3), (), (1,)][seed % 4]
    x = torch.randn(shape, dtype=dt)
    if seed % 3 == 0:
        x.requires_grad_(True)
    f = [lambda t: t ** 3, lambda t: torch.sin(t) * 2, lambda t: (t * t).sum(), lambda t: torch.stack([t.sum(), (t * t).sum()])][seed % 4]
    return [f, x]


def _run_gv(Mod, inp):
    f, x = inp
    g = Mod.grad_of_vector_fn(f, x)
    return g, x.detach(), x.requires_grad, x.grad is None


K(T, "grad_vec_backward", "grad_of_vector_fn", "detach().clone(), .backward(), return .grad",
  "def grad_of_vector_fn(f, x):\n    leaf = x.detach().clone()\n    leaf.requires_grad = True\n    out = f(leaf)\n    out.sum().backward()\n    return leaf.grad\n",
  agree(_gen_gv, _run_gv))
K(T, "grad_vec_grad_outputs", "grad_of_vector_fn", "autograd.grad with grad_outputs of ones (the vector-Jacobian product)",
  "def grad_of_vector_fn(f, x):\n    leaf = x.detach().clone().requires_grad_()\n    out = f(leaf)\n"
  "    return torch.autograd.grad(out, leaf, grad_outputs=torch.ones_like(out))[0]\n",
  agree(_gen_gv, _run_gv))
K(T, "detach_grad_autograd_grad", "detach_grad", "torch.autograd.grad of (u·x).sum() with u detached",
  "def detach_grad(x):\n    leaf = x.detach().clone().requires_grad_(True)\n    y = leaf * leaf\n    u = y.detach()\n    z = u * leaf\n"
  "    return torch.autograd.grad(z.sum(), leaf)[0]\n",
  agree(lambda s: [(lambda t: t.requires_grad_(s % 3 == 0))(torch.randn([(3,), (2, 3), (), (1,)][s % 4], dtype=[torch.float32, torch.float64][s % 2]))],
        lambda Mod, i: (Mod.detach_grad(i[0]), i[0].detach(), i[0].grad is None)))


def _gen_sig(seed):
    dt = [torch.float32, torch.float64][seed % 2]
    x = torch.randn(6, dtype=dt) * [1, 10, 300, 0.01][seed % 4]
    if seed % 5 == 0:
        x = torch.tensor([-745.0, -720.0, -100.0, -37.5, 0.0, 40.0, 1000.0], dtype=dt)
    return [x]


def _cmp_sig(r, c):
    return same(r, c, rtol=1e-7, atol=0.0) if r[0].dtype == torch.float64 else same(r, c)


K(T, "sigmoid_fn_where_both", "Sigmoid", "both branches e^x/(1+e^x) and 1/(1+e^-x) picked by torch.where (the dead one may overflow, the output is saved)",
  ed(T, "Sigmoid", ("e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))",
                    "out = torch.where(x >= 0, 1 / (1 + torch.exp(-x)), torch.exp(x) / (1 + torch.exp(x)))")),
  agree(_gen_sig, lambda Mod, i: _sig(Mod, i[0]), cmp=_cmp_sig))
K(T, "sigmoid_fn_exp_neg_abs", "Sigmoid", "e = exp(-|x|); σ = where(x≥0, 1, e)/(1+e); backward as s − s²",
  ed(T, "Sigmoid", ("out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))", "out = torch.where(x >= 0, torch.ones_like(e), e) / (1 + e)"),
     ("return grad_output * out * (1 - out)", "return grad_output * (out - out * out)")),
  agree(_gen_sig, lambda Mod, i: _sig(Mod, i[0]), cmp=_cmp_sig))


def _gen_ng(seed):
    x = torch.randn([(3,), (2, 2), (), (1,)][seed % 4], dtype=torch.float64)
    f = [lambda t: (t ** 3).sum(), lambda t: float(torch.sin(t).sum()), lambda t: t.reshape(-1)[0] * 2.0,
         lambda t: t.reshape(-1)[-1]][seed % 4]
    return [f, x]


def _run_ng(Mod, inp):
    f, x = inp
    before = x.clone()
    return Mod.numerical_grad(f, x), x, before


K(T, "numgrad_flat_view", "numerical_grad", "flat view of the contiguous x, Python floats for both sides",
  "def numerical_grad(f, x, eps=1e-6):\n    grad = torch.zeros_like(x)\n    flat, out = x.view(-1), grad.view(-1)\n"
  "    with torch.no_grad():\n        for i in range(flat.numel()):\n            keep = float(flat[i])\n"
  "            flat[i] = keep + eps\n            hi = float(f(x))\n            flat[i] = keep - eps\n            lo = float(f(x))\n"
  "            flat[i] = keep\n            out[i] = (hi - lo) / (2 * eps)\n    return grad\n",
  agree(_gen_ng, _run_ng, n=12, rtol=1e-6, atol=1e-8))
K(T, "value_recursive_topo", "Value", "classic recursive topological sort (depth well under the limit for 500 nodes)",
  V.replace('''        order: list[Value] = []
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
                for parent in node._parents:
                    visit(parent)
                order.append(node)
        visit(self)'''),
  agree(lambda s: [s], lambda Mod, i: (_value_graph(Mod), (lambda a: (lambda e: (e.backward(), a.grad)[1])(sum([a * k for k in range(1, 6)], a.relu())))(Mod.Value(0.3 * i[0] - 2)))))
