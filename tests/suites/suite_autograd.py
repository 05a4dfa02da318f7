"""Hidden suite for exercises/autograd.py: hand-derived gradients, autograd, a scalar autodiff engine."""

from __future__ import annotations

import math
import random

import pytest
import torch

from grader.checks import (
    N_,
    Keyed,
    battery,
    check,
    describe,
    equals,
    expect,
    expect_close,
    expect_float,
    expect_inputs_untouched,
    expect_learned,
    expect_no_twin,
    expect_same_device,
    expect_tensor,
    expect_unchanged,
    families,
    gen,
    inputs,
    known,
    manual_seed,
    probes,
    reduction_mistakes,
    strategies,
    with_curve,
    wrong_where,
)
from grader.sandboxed import probe_kit as kit  # the probes' `kit` in the worker

F64 = torch.float64
# however the gradient is taken: a node's grad_fn called by hand too (attacks a125's 31: 11/11)
_BY_HAND = families.gradients_inside()
# What each exercise's docstring puts off limits: {a torch function or aten op the recorder sees:
# the functions that reach it, as the docstring names them} (tests/grader/test_off_limits.py)
OFF_LIMITS = {
    "linear_grad": _BY_HAND,
    "quadratic_grads": _BY_HAND,
    "Sigmoid": {
        "sigmoid": "torch.sigmoid / F.sigmoid / Tensor.sigmoid",
        "special_expit": "torch.special.expit",
        "sigmoid_backward": "torch.sigmoid / F.sigmoid / Tensor.sigmoid",
        # what gives σ as part of its value (losses' sigmoid's list); softplus stays allowed: its
        # exp(−softplus(−x)) is a stable σ the corpus's correct modules write
        "logsigmoid": "F.logsigmoid",
        "log_sigmoid_forward": "F.logsigmoid",
        "glu": "F.glu",
        "silu": "F.silu",
        # over the pair (x, 0), a softmax's first value is σ(x) (seal10)
        "softmax": "torch.softmax / F.softmax",
        "_softmax": "torch.softmax / F.softmax",
        "log_softmax": "torch.log_softmax / F.log_softmax",
        "_log_softmax": "torch.log_softmax / F.log_softmax",
        # torch's attention kernels: their weights are a softmax of the scores (losses' _ATTENTION)
        **families.attentions("F.scaled_dot_product_attention", backward=True),
        # σ is softplus's derivative: its backward kernel run inside forward (attacks a123's 53)
        "softplus_backward": "softplus's gradient taken inside the call",
        # any gradient its forward takes: logaddexp(x, 0)'s is σ, by a node's grad_fn (attacks a125's 34);
        # its own backward reading what its ctx saved is not one, nor a check's .backward() in its calls
        **families.gradients_inside(by_name=False),
    },
}


def data(seed: int, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.randn(n, generator=gen(seed), dtype=F64), torch.randn(n, generator=gen(seed + 1), dtype=F64)


# -- gradients by hand ---------------------------------------------------------------------


@check("shape", public=True, exercise="linear_grad")
@pytest.mark.parametrize("n", [1, 10])
def test_linear_grad_by_hand(sub, n):
    w = torch.tensor(0.7, dtype=F64)
    # n itself, then the strategies' lengths (one, two, a long one, drawn ones) in the same call
    sizes = [n, *strategies.lengths(54 + n)]
    arg_sets = [(w, *data(1 + 2 * i, size)) for i, size in enumerate(sizes)]
    for size, (_, x, y), (grad, ops) in zip(
        sizes, arg_sets, sub.run(probes.calls_recorded, "linear_grad", arg_sets, {})
    ):
        # a twin first: torch.func's transforms are refused as they enter (nothing is returned)
        expect_no_twin(ops, OFF_LIMITS["linear_grad"], "linear_grad (derived by hand, lecture 3)")
        expect_close(
            grad,
            (2 * x * (w * x - y)).mean(),
            f"linear_grad(w, x, y) for n={size} (a 0-dim tensor)",
            rtol=1e-7,
            atol=1e-12,
            hint=(*reduction_mistakes((size,)), "loss = mean((w·x − y)²) ⇒ dloss/dw = mean(2·x·(w·x − y))"),
        )


@check("shape", public=True, exercise="quadratic_grads")
@pytest.mark.parametrize("n", [1, 8])
def test_quadratic_grads_by_hand(sub, n):
    params = [torch.tensor(v, dtype=F64) for v in (0.5, -1.2, 0.3)]
    # n itself, then the strategies' lengths (one, two, a long one, drawn ones) in the same call
    sizes = [n, *strategies.lengths(56 + n)]
    arg_sets = [(*params, *data(3 + 2 * i, size)) for i, size in enumerate(sizes)]
    for size, args, (result, ops) in zip(
        sizes, arg_sets, sub.run(probes.calls_recorded, "quadratic_grads", arg_sets, {})
    ):
        expect_quadratic_grads(result, ops, params, *args[3:], size)


ANOTHER_GRADIENT = N_(
    "this is another parameter's gradient (a line copied from its neighbour): each multiplies 2·r by "
    "what its parameter multiplies, dL/dw1 = mean(2·r·x²), dL/dw2 = mean(2·r·x), dL/db = mean(2·r)"
)


def expect_quadratic_grads(result, ops, params, x, y, n):
    """quadratic_grads' answer on (params, x, y), against autograd; derived without it (a twin first)."""
    expect_no_twin(ops, OFF_LIMITS["quadratic_grads"], "quadratic_grads (derived by hand, lecture 4)")
    expect(
        isinstance(result, (list, tuple)) and len(result) == 3,
        "quadratic_grads",
        "a tuple (dL/dw1, dL/dw2, dL/db)",
        type(result).__name__,
    )
    leaves = [p.clone().requires_grad_() for p in params]
    loss = ((leaves[0] * x**2 + leaves[1] * x + leaves[2] - y) ** 2).mean()
    expected = torch.autograd.grad(loss, leaves)
    for name, got, want in zip(("dL/dw1", "dL/dw2", "dL/db"), result, expected):
        neighbours = [other for other in expected if other is not want]  # a line copied from its neighbour
        expect_close(
            got,
            want,
            f"quadratic_grads: {name} for n={n}",
            rtol=1e-7,
            atol=1e-12,
            hint=(
                *(keyed for other in neighbours for keyed in known(ANOTHER_GRADIENT, other, want)),
                *reduction_mistakes((n,)),
                N_(
                    "with the residual r = y_hat − y: dL/dw1 = mean(2·r·x²), dL/dw2 = mean(2·r·x), dL/db = mean(2·r)"
                ),
            ),
        )


# -- autograd ------------------------------------------------------------------------------


def probe_grad_of_vector_fn(mod, x):
    x = x.clone().requires_grad_(True)
    x.grad = torch.full_like(x, 5.0)
    before = x.detach().clone()
    grad = mod.grad_of_vector_fn(lambda t: t**3 + torch.sin(t) * 2, x)
    return {
        "grad": grad,
        "x_grad": x.grad,
        "requires_grad": x.requires_grad,
        "unchanged": bool(torch.equal(before, x.detach())),
    }


@check("gradient", public=True, exercise="grad_of_vector_fn")
@pytest.mark.parametrize("shape", [(4,), (2, 3)])
def test_grad_of_vector_fn(sub, shape):
    x = torch.randn(shape, generator=gen(5), dtype=F64)
    got = sub.run(probe_grad_of_vector_fn, x)
    expect(isinstance(got, dict), "grad_of_vector_fn", "a result", type(got).__name__)
    # the caller's x.grad first: code that backpropagates into it also returns its 5s added to the
    # gradient, and the reduction hint below would point at the wrong cause
    expect_close(
        got["x_grad"],
        torch.full_like(x, 5.0),
        "the caller's x.grad after the call (it held 5s)",
        rtol=0,
        atol=0,
        hint="work on x.detach().clone() so the caller's .grad is not touched",
    )
    expect_close(
        got["grad"],
        3 * x**2 + 2 * torch.cos(x),
        f"gradient of f(x).sum() for f = x³ + 2·sin x, x {shape}",
        rtol=1e-7,
        atol=1e-12,
        hint="a vector output must be reduced (.sum()) before backward()",
    )
    expect(
        got["requires_grad"] is True and got["unchanged"] is True,
        "the caller's x after the call",
        "its values and requires_grad unchanged",
        "changed",
    )


def probe_calls_watching_inputs(mod, name, arg_sets, kwargs):
    """grader.checks.probes.call_watching_inputs for each argument set, in one probe call."""
    found = []
    for args in arg_sets:
        before = [a.detach().clone() if isinstance(a, torch.Tensor) else None for a in args]
        result = getattr(mod, name)(*args, **kwargs)
        found.append((result, [b is None or kit.same_values(b, a.detach()) for a, b in zip(args, before)]))
    return found


@check("gradient", public=True, exercise="detach_grad")
@pytest.mark.parametrize("shape", [(5,), (2, 2)])
def test_detach_grad(sub, shape):
    # x of the given shape, then the strategies' "any shape" (0-dim, unit axes, …) in one call
    xs = [torch.randn(shape, generator=gen(6), dtype=F64)]
    xs += [torch.randn(s, generator=gen(7), dtype=F64) for s in strategies.any_shapes(75 + len(shape))]
    for x, (out, unchanged) in zip(
        xs, sub.run(probe_calls_watching_inputs, "detach_grad", [(x,) for x in xs], {})
    ):
        got = expect_tensor(out, "detach_grad(x)", shape=tuple(x.shape))
        if x.numel() and torch.allclose(got, 3 * x**2) and not torch.allclose(x * x, 3 * x**2):
            expect(
                False,
                "detach_grad(x)",
                "u = x·x (u is a constant for autograd)",
                "3·x² (u was not detached)",
                "u = (x * x).detach() — the detached copy carries no gradient back to x",
            )
        expect_close(
            got,
            x * x,
            f"detach_grad(x) on {tuple(x.shape)}",
            rtol=1e-7,
            atol=1e-12,
            hint=known(HALF_DETACHED, 2 * x * x, x * x),
        )
        expect_unchanged(unchanged, ["x"], "detach_grad")


# u = x.detach() * x: one factor detached, the gradient through the other kept (d/dx of x_d·x·x)
HALF_DETACHED = N_(
    "2·x²: the gradient still flows through one of u's factors: detaching one operand of x·x leaves "
    "the other on the graph; detach u as a whole, the product itself"
)


def probe_autograd_ops(mod, name, x):
    """(result, ops used) of grad_of_vector_fn(t ↦ t³, x) or detach_grad(x)."""
    args = (lambda t: t**3, x) if name == "grad_of_vector_fn" else (x,)
    return kit.ops_used(lambda: getattr(mod, name)(*args), mod)


@check(
    "gradient", public=True, exercise=lambda p: p["name"]
)  # holds "computed with autograd" (both docstrings)
@pytest.mark.parametrize("name", ["grad_of_vector_fn", "detach_grad"])
def test_computed_with_autograd(sub, name):
    _, ops = sub.run(probe_autograd_ops, name, torch.randn(3, generator=gen(9), dtype=F64))
    expect(
        isinstance(ops, dict) and any(op in _BY_HAND for op in ops),
        f"how {name} computes its gradient",
        "autograd: backward() or torch.autograd.grad",
        "no call to autograd",
        "this exercise is about letting autograd do the chain rule; the docstring says so",
    )


def probe_sigmoid(mod, x, upstream):
    x = x.clone().requires_grad_(True)
    out, forward_ops = kit.ops_used(lambda: mod.Sigmoid.apply(x), mod)
    node = type(out.grad_fn).__name__ if out.grad_fn is not None else None
    _, backward_ops = kit.ops_used(lambda: out.backward(upstream), mod)
    return {"out": out, "grad": x.grad, "node": node, "ops": {**backward_ops, **forward_ops}}


# A backward that returns σ·(1 − σ) alone: the local derivative without the upstream gradient
NO_GRAD_OUTPUT_HINT = "multiply by grad_output: backward returns grad_output·s·(1 − s) (the chain rule)"
# A forward that saves its input x, not its output σ(x): backward then computes x·(1 − x)
SIGMOID_TWICE_HINT = N_(
    "these are σ(s)·(1 − σ(s)) with s the saved output: s is σ(x) already, so backward takes "
    "grad_output·s·(1 − s) with no sigmoid applied to it again"
)
INPUT_SAVED_HINT = N_(
    "these are grad_output·x·(1 − x), the input's values where σ(x)'s belong: forward saves its input; "
    "save its output instead, ctx.save_for_backward(s) with s = σ(x)"
)


CLAMPED_HINT = N_(
    "these are σ of x clamped to a bound: the tails stop at σ(±bound) where σ(−1000) is 0 to the "
    "dtype's precision; no clamp is needed: for x < 0 use exp(x) / (1 + exp(x)), for x ≥ 0 "
    "1 / (1 + exp(−x))"
)


def clamped(x: torch.Tensor):
    """The answer is σ(x.clamp(−c, c)) for a bound c under x's largest magnitude, read off its
    value at x's smallest (a guard against exp's overflow that flattens both tails)."""

    def when(got: torch.Tensor, expected: torch.Tensor) -> bool:
        low = float(got[int(x.argmin())])
        if not 0.0 < low < 0.5 or bool((got == expected).all()):
            return False
        bound = math.log((1.0 - low) / low)
        if bound >= float(x.abs().max()):
            return False
        mistaken = torch.sigmoid(x.to(got.device, torch.float64).clamp(-bound, bound))
        return bool(torch.allclose(got, mistaken, rtol=1e-6, atol=1e-300))

    return when


@check("shape", public=True, exercise="Sigmoid")  # its answer, then its gradient
@pytest.mark.parametrize("dtype", [torch.float32, F64], ids=["float32", "float64"])
def test_sigmoid_function_forward_and_backward(sub, dtype):
    x = torch.tensor([-1000.0, -100.0, -3.0, -0.5, 0.25, 2.0, 100.0, 1000.0], dtype=dtype)
    g = torch.linspace(0.5, 2.0, 8, dtype=dtype)
    got = sub.run(probe_sigmoid, x, g)
    expect(isinstance(got, dict), "Sigmoid.apply", "a result", type(got).__name__)
    s = torch.sigmoid(x)
    tol = {"rtol": 1e-5, "atol": 1e-7} if dtype == torch.float32 else {"rtol": 1e-7, "atol": 1e-15}
    expect_close(
        got["out"],
        s,
        f"Sigmoid.apply(x) for x in [-1000, 1000], {dtype}",
        # each of sigmoid's two forms overflows on one side: the hint for the side that went wrong
        hint=(
            Keyed(CLAMPED_HINT, clamped(x)),
            Keyed(
                N_("exp(-x) overflows at x = -1000: for x < 0 use exp(x) / (1 + exp(x))"),
                wrong_where(x < -50),
            ),
            Keyed(N_("exp(x) overflows at x = 1000: for x ≥ 0 use 1 / (1 + exp(-x))"), wrong_where(x > 50)),
        ),
        **tol,
    )
    expect(
        got["node"] == "SigmoidBackward",
        "the autograd node of Sigmoid.apply(x)",
        "your Function's backward (SigmoidBackward)",
        str(got["node"]),
        "return the forward's result directly so autograd calls your backward",
    )
    expect_close(
        got["grad"],
        g * s * (1 - s),
        f"Sigmoid backward: grad_output·σ·(1 − σ), {dtype}",
        hint="use the saved output: s = ctx.saved_tensors[0]",
        mistakes={
            "no-grad-output": (s * (1 - s), NO_GRAD_OUTPUT_HINT),
            "input-saved": (g * x * (1 - x), INPUT_SAVED_HINT),
            "sigmoid-twice": (g * torch.sigmoid(s) * (1 - torch.sigmoid(s)), SIGMOID_TWICE_HINT),
        },
        **tol,
    )
    expect_no_twin(got["ops"], OFF_LIMITS["Sigmoid"], "Sigmoid forward and backward")


RECOMPUTING = {"exp", "expm1", "exp2", "tanh", "sigmoid", "special_expit", "logit"}


def probe_sigmoid_saved_output(mod, x):
    x = x.clone().requires_grad_(True)
    out = mod.Sigmoid.apply(x)
    saved = getattr(out.grad_fn, "saved_tensors", ())
    saved_output = any(t.shape == out.shape and bool(torch.equal(t, out)) for t in saved)
    _, backward_ops = kit.ops_used(lambda: out.backward(torch.ones_like(out)))
    return {"saved_output": saved_output, "backward_ops": backward_ops}


@check(
    "gradient", public=True, exercise="Sigmoid"
)  # holds "saves its OUTPUT" and "backward ... from the saved output"
def test_sigmoid_backward_uses_the_saved_output(sub):
    got = sub.run(probe_sigmoid_saved_output, torch.linspace(-4.0, 4.0, 9, dtype=F64))
    expect(isinstance(got, dict), "Sigmoid.apply", "a result", type(got).__name__)
    expect(
        got["saved_output"] is True,
        "what Sigmoid's forward saves (ctx.save_for_backward)",
        "its output σ(x)",
        "no saved tensor equal to the output",
        "save the result: ctx.save_for_backward(s), then return s",
    )
    recomputed = sorted(RECOMPUTING & set(got["backward_ops"]))
    expect(
        not recomputed,
        "Sigmoid's backward",
        "grad_output·s·(1 − s) from the saved output s (no exponential needed)",
        f"a recomputation of σ ({', '.join(recomputed)})",
        "s = ctx.saved_tensors[0] already holds σ(x); the derivative is s·(1 − s)",
    )


def f_cubic(t):
    return (t**3).sum() + (t[..., 0] * t[..., -1]).sum()


def probe_numerical_grad(mod, x, eps):
    def f(t):
        return (t**3).sum() + (t[..., 0] * t[..., -1]).sum()

    before = x.clone()
    grad = mod.numerical_grad(f, x, eps=eps)
    as_float = mod.numerical_grad(lambda t: float(f(t)), x, eps=eps)
    if torch.equal(before, x):
        return grad, as_float, 0.0
    # how far x moved, relative to its own size: a last-bits drift is an ε added back, not assigned
    return grad, as_float, float(((x - before).abs() / before.abs().clamp_min(1e-300)).max())


ROUNDED_BACK_HINT = N_(
    "x's values came back off in their last bits: adding ε back after subtracting it is not exact in "
    "floating point (x + ε − 2ε + ε ≠ x); keep the element's value (original = x[i].item()) and "
    "assign it back, x[i] = original"
)
NOT_RESTORED_HINT = N_(
    "x is left changed after the call: put each element back after its two evaluations, or the "
    "later elements are differenced at a shifted point"
)


ONE_SIDED = N_(
    "these are a one-sided difference, (f(x + ε·eᵢ) − f(x))/ε or (f(x) − f(x − ε·eᵢ))/ε, off by "
    "O(ε): the docstring's central difference takes both sides, (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε"
)


def one_sided(f, x, eps, expected):
    """The keyed hints of numerical_grad by a forward or a backward difference on ``x``, and by half
    a forward one (the value saved before the nudge a view of x: x − ε·eᵢ evaluated at x itself)."""
    found = []
    for side in (1, -1):
        grad = torch.zeros_like(x)
        for i in range(x.numel()):
            moved = x.clone().reshape(-1)
            moved[i] += side * eps
            grad.view(-1)[i] = side * (float(f(moved.reshape(x.shape))) - float(f(x))) / eps
        found += known(ONE_SIDED, grad, expected)
        if side == 1:
            found += known(SAVED_VIEW, grad / 2, expected)
    return tuple(found)


# original = x[i] is a view of x: the +ε write moves it too, so "original − ε" puts x[i] back
SAVED_VIEW = N_(
    "half a one-sided difference: f(x − ε·eᵢ) was evaluated at x itself: the value saved before the "
    "nudge (original = x[i]) is a view of x, which the +ε write moved too, so original − ε is x[i] "
    "again; save a number (x[i].item()) or a copy (x[i].clone())"
)


# every difference 0: f saw the same values on both sides (x_plus = x binds x itself, no copy)
ZERO_DIFFERENCE_HINT = N_(
    "every difference is 0: f(x + ε·eᵢ) and f(x − ε·eᵢ) saw the same values; x_plus = x names the "
    "same tensor as x (no copy), so both nudges land on one tensor and cancel: x.clone() for each "
    "side, or nudge x[i] by +ε, evaluate, by −ε, evaluate, then put it back"
)


@check("gradient", public=True, exercise="numerical_grad")
@pytest.mark.parametrize("shape", [(3,), (2, 4)])
def test_numerical_grad_central_differences(sub, shape):
    x = torch.randn(shape, generator=gen(7), dtype=F64)
    grad, as_float, moved = sub.run(probe_numerical_grad, x, 1e-6)
    unchanged = moved == 0.0
    x_ref = x.clone().requires_grad_()
    (expected,) = torch.autograd.grad(f_cubic(x_ref), x_ref)
    for got, what in [(grad, N_("f returning a 0-dim tensor")), (as_float, N_("f returning a float"))]:
        expect_close(
            got,
            expected,
            f"numerical_grad on {shape}, {what}",
            rtol=1e-6,
            atol=1e-7,
            hint=(
                # x left perturbed: the elements after the first are differenced at a shifted point
                Keyed(NOT_RESTORED_HINT, lambda *_: unchanged is not True),
                Keyed(ZERO_DIFFERENCE_HINT, equals(torch.zeros_like(expected))),
                *one_sided(f_cubic, x, 1e-6, expected),
                "(f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε for every element i, same shape and dtype as x",
            ),
        )
    expect(
        unchanged is True,
        "x after the call of numerical_grad",
        "its values restored",
        "changed values",
        ROUNDED_BACK_HINT
        if isinstance(moved, float) and moved < 1e-9
        else "put each element back after perturbing it",
    )


def probe_numerical_grad_quadratic(mod, x, eps):
    def f(t):
        return (1.5 * t**2).sum() + (t[..., 0] * t[..., -1]).sum() - t.sum()

    return mod.numerical_grad(f, x, eps=eps)


@check("gradient", exercise="numerical_grad")  # holds "central differences"
def test_numerical_grad_is_central(sub):
    # central differences are exact for a quadratic whatever ε; one-sided ones are off by ε·f''/2
    x = torch.randn(2, 3, generator=gen(8), dtype=F64)
    got = sub.run(probe_numerical_grad_quadratic, x, 0.25)
    x_ref = x.clone().requires_grad_()
    f = (1.5 * x_ref**2).sum() + (x_ref[..., 0] * x_ref[..., -1]).sum() - x_ref.sum()
    (expected,) = torch.autograd.grad(f, x_ref)
    expect_close(
        got,
        expected,
        "numerical_grad(f, x, eps=0.25) on a quadratic f (central differences are exact there)",
        rtol=1e-7,
        atol=1e-9,
        hint="(f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε: a step both ways, with the ε you were given",
    )


@check(
    "gradient", public=True, exercise="numerical_grad"
)  # holds "central differences" against other stencils
def test_numerical_grad_is_the_two_point_stencil(sub):
    # on Σt³ the two-point central difference is 3t² + ε² for any ε; a higher-order stencil
    # (five points) gives 3t² exactly, a one-sided one 3t² ± 3tε + ε²: a cubic tells them apart
    x = torch.randn(2, 3, generator=gen(14), dtype=F64)
    eps = 0.25
    got = sub.run(probe_numerical_grad_cubic, x, eps)
    expect_close(
        got,
        3 * x**2 + eps**2,
        "numerical_grad(f, x, eps=0.25) on f = Σ x³ (central differences give 3x² + ε²)",
        rtol=1e-7,
        atol=1e-9,
        hint="the docstring's formula exactly: (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε — "
        "neither a one-sided nor a higher-order stencil",
    )


def probe_numerical_grad_cubic(mod, x, eps):
    return mod.numerical_grad(lambda t: (t**3).sum(), x, eps=eps)


# -- the caller's tensors ------------------------------------------------------------------

UNTOUCHED_CASES = {  # name: (make inputs, their names, indices that require grad with a .grad)
    "linear_grad": (
        lambda: (torch.tensor(0.5, dtype=F64), torch.randn(4, dtype=F64), torch.randn(4, dtype=F64)),
        "w x y",
        [],
    ),
    "quadratic_grads": (
        lambda: (
            tuple(torch.tensor(v, dtype=F64) for v in (0.5, -1.0, 0.2))
            + (torch.randn(4, dtype=F64), torch.randn(4, dtype=F64))
        ),
        "w1 w2 b x y",
        [],
    ),
    "detach_grad": (lambda: (torch.randn(3, dtype=F64),), "x", []),
    "detach_grad (x requiring grad)": (lambda: (torch.randn(3, dtype=F64),), "x", [0]),
}


@check("gradient", public=True, exercise=lambda p: p["name"].split()[0], clause="inputs")
@pytest.mark.parametrize("name", sorted(UNTOUCHED_CASES))
def test_inputs_untouched(sub, name):
    manual_seed(inputs.seed(0))
    make_inputs, names, tracked = UNTOUCHED_CASES[name]
    args = make_inputs()
    result, after = sub.run(probes.inputs_after_call, name.split()[0], args, {}, tracked)
    expect_inputs_untouched(result, after, args, names.split(), tracked, f"{name}: the caller's inputs")


def probe_fn_untouched(mod, name, x):
    """x (not requiring grad) after grad_of_vector_fn(t ↦ t³, x) or numerical_grad(Σt³, x)."""
    x, fn = x.clone(), getattr(mod, name)  # by its name: the probe reaches the one it runs
    if name == "grad_of_vector_fn":
        result = fn(lambda t: t**3, x)
    else:
        result = fn(lambda t: (t**3).sum(), x, eps=1e-3)
    grad = None if x.grad is None else x.grad.detach().clone()
    return result, [{"values": x.detach().clone(), "requires_grad": x.requires_grad, "grad": grad}]


@check("gradient", public=True, exercise=lambda p: p["name"], clause="inputs")
@pytest.mark.parametrize("name", ["grad_of_vector_fn", "numerical_grad"])
def test_callers_x_untouched_when_it_needs_no_grad(sub, name):
    x = torch.randn(2, 3, generator=gen(15), dtype=F64)
    result, after = sub.run(probe_fn_untouched, name, x)
    expect_inputs_untouched(result, after, (x,), ["x"], [], f"{name}: the caller's x (not requiring grad)")


# -- the scalar autodiff engine ----------------------------------------------------------

UNARY = ("neg", "tanh", "exp", "relu", "pow")
BINARY = ("add", "sub", "mul", "div")


def random_program(seed: int, length: int, leaves: int = 3) -> tuple[list[float], list[tuple]]:
    """A random expression graph whose values stay finite and moderate (checked in float64).

    Each step uses the previous register (so the graph is ``length`` deep) and maybe an
    earlier one; ops with a number use the forms ``x op c`` and ``c op x``.
    """
    rng = random.Random(seed)
    values = [rng.uniform(-1.5, 1.5) for _ in range(leaves)]
    start = list(values)
    program: list[tuple] = []
    while len(program) < length:
        a = len(values) - 1
        b = rng.randrange(len(values))
        kind = rng.choice(["unary", "binary", "number"])
        if kind == "unary":
            op = rng.choice(UNARY)
            arg = rng.choice([2, 3, 0.5, -1]) if op == "pow" else None
            step = (op, a, arg)
        elif kind == "binary":
            step = (rng.choice(BINARY), a, b)
        else:
            step = (rng.choice(BINARY) + rng.choice(["_num", "_rnum"]), a, rng.choice([-2, 0.5, 1.5, 3]))
        value = evaluate_step(step, values, math)
        if value is None or not math.isfinite(value) or abs(value) > 50 or abs(value) < 1e-3:
            continue
        values.append(value)
        program.append(step)
    return start, program


def evaluate_step(step, values, lib):
    """One step on floats (``lib=math``) or torch scalars (``lib=torch``); None if undefined."""
    op, a, b = step
    x = values[a]
    try:
        if op == "neg":
            return -x
        if op == "tanh":
            return lib.tanh(x)
        if op == "exp":
            return lib.exp(x) if float(x) < 4 else None
        if op == "relu":
            return x if float(x) > 0 else x * 0 if lib is torch else (0.0 if float(x) < 0 else None)
        if op == "pow":
            return x**b if (float(x) > 0.05 or b in (2, 3)) else None
        other = values[b] if op in BINARY else b
        base = op.split("_")[0]
        left, right = (other, x) if op.endswith("_rnum") else (x, other)
        if base == "div" and abs(float(right)) < 0.05:
            return None
        return {
            "add": lambda: left + right,
            "sub": lambda: left - right,
            "mul": lambda: left * right,
            "div": lambda: left / right,
        }[base]()
    except (OverflowError, ValueError, ZeroDivisionError):
        return None


def probe_value_program(mod, leaves, program):
    """(output's data, the leaves' grads, each step's data); where a step raises, (None, None,
    the steps' data before it, [that step, the error's type and words]): the trusted side names
    the first step that departs from torch, which may come before the one that raised."""
    values = [mod.Value(v) for v in leaves]
    regs, steps = list(values), []
    for i, (op, a, b) in enumerate(program):
        x = regs[a]
        try:
            if op == "neg":
                out = -x
            elif op in ("tanh", "exp", "relu"):
                out = getattr(x, op)()
            elif op == "pow":
                out = x**b
            else:
                base = op.split("_")[0]
                other = regs[b] if op == base else b
                left, right = (other, x) if op.endswith("_rnum") else (x, other)
                out = {
                    "add": lambda: left + right,
                    "sub": lambda: left - right,
                    "mul": lambda: left * right,
                    "div": lambda: left / right,
                }[base]()
            steps.append(float(out.data))
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001  (the learner's own op raised: named by its step)
            return None, None, steps, [i, type(error).__name__, str(error)[:200]]
        regs.append(out)
    regs[-1].backward()
    return float(regs[-1].data), [float(v.grad) for v in values], steps, None


def torch_program(leaves, program):
    """(output, the leaves' grads, each step's value) in float64 torch."""
    tensors = [torch.tensor(v, dtype=F64, requires_grad=True) for v in leaves]
    regs = list(tensors)
    for step in program:
        regs.append(evaluate_step(step, regs, torch))
    regs[-1].backward()
    steps = [r.item() for r in regs[len(tensors) :]]
    return regs[-1].item(), [t.grad.item() if t.grad is not None else 0.0 for t in tensors], steps


# How a step of a random graph reads in the learner's terms, and the method it runs.
STEP_FORMS = {
    "neg": ("−v", "__neg__"),
    "tanh": ("v.tanh()", "tanh"),
    "exp": ("v.exp()", "exp"),
    "relu": ("v.relu()", "relu"),
    "pow": ("v ** {b}", "__pow__"),
    "add": ("v + w", "__add__"),
    "sub": ("v − w", "__sub__"),
    "mul": ("v · w", "__mul__"),
    "div": ("v / w", "__truediv__"),
    "add_num": ("v + {b}", "__add__"),
    "sub_num": ("v − {b}", "__sub__"),
    "mul_num": ("v · {b}", "__mul__"),
    "div_num": ("v / {b}", "__truediv__"),
    "add_rnum": ("{b} + v", "__radd__"),
    "sub_rnum": ("{b} − v", "__rsub__"),
    "mul_rnum": ("{b} · v", "__rmul__"),
    "div_rnum": ("{b} / v", "__rtruediv__"),
}


def step_said(step, regs) -> str:
    """One step as the learner wrote the op, in symbols only: "1.5 − v (__rsub__), v = 0.73"."""
    op, a, b = step
    form, method = STEP_FORMS[op]
    given = f"v = {regs[a]:.6g}" + (f", w = {regs[b]:.6g}" if op in BINARY else "")
    return f"{form.format(b=b)} ({method}), {given}"


NUMBER_ON_THE_LEFT = N_(
    "with a number on the left (c − v) Python calls v.__rsub__(c), and likewise __radd__, __rmul__, "
    "__rtruediv__: the method computes c op v, its operands the other way round from __sub__'s"
)


def expect_steps_as_torch(leaves, program, steps, broke, expected_steps) -> None:
    """The first step whose .data departs from torch's leads, before any later step that raised."""
    regs = list(leaves) + list(expected_steps)
    for i, (got, want) in enumerate(zip(steps, expected_steps)):
        if not math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-12):
            expect(
                False,
                f"step {i + 1} of a random graph: {step_said(program[i], regs)}",
                f"{want:.10g}",
                f"{got:.10g}",
                NUMBER_ON_THE_LEFT if program[i][0].endswith("_rnum") else "",
            )
    if broke is not None:
        i, kind, words = broke
        expect(
            False,
            f"step {i + 1} of a random graph: {step_said(program[i], regs)}",
            f"{expected_steps[i]:.10g}",
            f"an error: {kind}: {words}",
        )


# what a graph's depth can break: a recursive topological sort (its own hint, only then)
DEEP_GRAPH_HINT = (
    "a deep graph needs an iterative topological sort: a recursive one runs past Python's recursion limit"
)


@check("gradient", public=True, exercise="Value", errors={"RecursionError": DEEP_GRAPH_HINT})
@pytest.mark.parametrize("case", range(5))  # depths: 1, the stated 500, 2, then drawn ones
def test_value_matches_torch_on_random_graphs(sub, case):
    seed, length = strategies.graphs(74, deepest=500)[case]
    leaves, program = random_program(seed, length)
    result = sub.run(probe_value_program, leaves, program)
    expect(
        isinstance(result, (list, tuple)) and len(result) == 4,
        "Value graph",
        "(data, leaf grads, steps, broke)",
        type(result).__name__,
    )
    data_value, grads, steps, broke = result
    expected_data, expected_grads, expected_steps = torch_program(leaves, program)
    expect_steps_as_torch(leaves, program, steps, broke, expected_steps)
    got = expect_float(data_value, f"the output's .data on a random graph {length} steps deep")
    expect(
        math.isclose(got, expected_data, rel_tol=1e-7, abs_tol=1e-12),
        f"the output's .data on a random graph {length} steps deep",
        f"{expected_data:.10g}",
        f"{got:.10g}",
    )
    if not torch.allclose(
        torch.tensor(grads, dtype=F64), torch.tensor(expected_grads, dtype=F64), 1e-7, 1e-10
    ):
        expect_each_step_passes_its_gradient(sub, leaves, program, expected_steps)
    expect_close(
        torch.tensor(grads, dtype=F64),
        torch.tensor(expected_grads, dtype=F64),
        f"the leaves' .grad after backward() on a random graph {length} steps deep",
        rtol=1e-7,
        atol=1e-10,
        # a·a and a + a asked only where the gradients are off (a Keyed hint's test runs on failure)
        hint=(Keyed(ASSIGNED_HINT, lambda *_: sub.run(probe_value_twice) != [6.0, 2.0]), TOPOLOGICAL_HINT),
    )


LOCAL_GRADIENT_HINT = N_(
    "the Value this operation returns must keep its inputs as its parents, with a backward that adds "
    "the operation's local derivative times out.grad into each input's .grad; a Value made from the "
    "number alone passes no gradient back"
)


def expect_each_step_passes_its_gradient(sub, leaves, program, expected_steps) -> None:
    """Where the leaves' gradients are off: the first kind of step whose gradient, that step alone on
    its own inputs, departs from torch's leads (each operation of STEP_FORMS judged by itself)."""
    regs, alone = list(leaves) + list(expected_steps), {}
    for i, (op, a, b) in enumerate(program):
        if op not in alone:
            inputs = [regs[a], regs[b]] if op in BINARY else [regs[a]]
            alone[op] = (i, inputs, [(op, 0, 1 if op in BINARY else b)])
    for i, inputs, one in alone.values():
        got, want = sub.run(probe_value_program, inputs, one)[1], torch_program(inputs, one)[1]
        if got is None or not all(math.isclose(g, w, rel_tol=1e-7, abs_tol=1e-10) for g, w in zip(got, want)):
            expect(
                False,
                f"the gradient of step {i + 1} alone: {step_said(program[i], regs)}",
                ", ".join(f"{w:.6g}" for w in want),
                "an error" if got is None else ", ".join(f"{g:.6g}" for g in got),
                LOCAL_GRADIENT_HINT,
            )


# a gradient assigned, not added: a·a and a + a (one op, no order to get wrong) show it alone
ASSIGNED_HINT = N_(
    "+= (not =): a node used twice gets the gradients of both its uses (a·a gives a.grad = 2a, "
    "a + a gives 2); each backward step adds into .grad"
)
TOPOLOGICAL_HINT = N_(
    "visit nodes in reverse topological order (each after every node that uses it), each once, "
    "adding (+=) into every input's .grad"
)


def probe_value_twice(mod):
    """[a.grad of a·a at a = 3, a.grad of a + a]: 6 and 2 where each use is added."""
    found = []
    for make in (lambda a: a * a, lambda a: a + a):
        try:
            a = mod.Value(3.0)
            make(a).backward()
            found.append(float(a.grad))
        except Exception:  # the check's own probe judges a raise; this one only picks its hint
            found.append(None)
    return found


def probe_value_reuse(mod):
    a = mod.Value(3.0)
    b = a * a + a  # a used three times
    c = 2 - a / 4  # numbers on the left
    out = b * c
    out.backward()
    return float(out.data), float(a.grad), float(out.grad)


def probe_value_relu(mod):
    a, b = mod.Value(-2.0), mod.Value(3.0)
    out = a.relu() * 4 + b.relu() * 2 + (a * b).relu()
    out.backward()
    return float(out.data), float(a.grad), float(b.grad)


# The random graphs never keep a relu of a negative number (a 0 there is dropped), so this
# check holds relu()'s derivative below 0.
@check("gradient", public=True, exercise="Value")
def test_value_relu_passes_no_gradient_below_zero(sub):
    got = sub.run(probe_value_relu)
    expect(
        isinstance(got, (list, tuple)) and [float(v) for v in got] == [6.0, 0.0, 2.0],
        "(out.data, a.grad, b.grad) for out = relu(a)·4 + relu(b)·2 + relu(a·b), a = −2, b = 3",
        "(6.0, 0.0, 2.0)",
        str(got),
        "relu's local derivative is 1 where its input is positive and 0 where it is negative",
    )


@check("gradient", exercise="Value")
def test_value_accumulates_and_handles_numbers_on_the_left(sub):
    result = sub.run(probe_value_reuse)
    expect(
        isinstance(result, (list, tuple)) and len(result) == 3, "Value reuse", "three numbers", str(result)
    )
    data_value, a_grad, out_grad = (expect_float(v, "Value") for v in result)
    a = torch.tensor(3.0, dtype=F64, requires_grad=True)
    out = (a * a + a) * (2 - a / 4)
    out.backward()
    expect(
        math.isclose(data_value, out.item()),
        "(a·a + a)·(2 − a/4) at a = 3",
        f"{out.item():g}",
        f"{data_value:g}",
        "2 - v and v / 4 need __rsub__ and __truediv__",
    )
    expect(
        math.isclose(a_grad, a.grad.item(), rel_tol=1e-7),
        "a.grad when a is used several times",
        f"{a.grad.item():g}",
        f"{a_grad:g}",
        "gradients from every use must add up: parent.grad += ...",
    )
    expect(out_grad == 1.0, "the output's own .grad after backward()", "1.0", f"{out_grad:g}")


# -- convergence: gradient descent with your gradients ---------------------------------------


def probe_descend(mod, x, y, lr, steps, every):
    """The fitted parameters, and the curve: the MSE every ``every`` steps and at the end."""
    w1, w2, b = (torch.tensor(0.0, dtype=x.dtype) for _ in range(3))
    curve = {"loss": [], "every": f"{every} steps"}
    for step in range(steps + 1):
        if step % every == 0:
            curve["loss"].append(float(((w1 * x**2 + w2 * x + b - y) ** 2).mean()))
        if step == steps:
            break
        g1, g2, gb = mod.quadratic_grads(w1, w2, b, x, y)
        w1, w2, b = w1 - lr * g1, w2 - lr * g2, b - lr * gb
    return [float(w1), float(w2), float(b)], curve


def probe_descend_linear(mod, x, y, lr, steps, every):
    """The fitted w, and the curve: the MSE every ``every`` steps and at the end."""
    w = torch.tensor(1.0, dtype=x.dtype)
    curve = {"loss": [], "every": f"{every} steps"}
    for step in range(steps + 1):
        if step % every == 0:
            curve["loss"].append(float(((w * x - y) ** 2).mean()))
        if step == steps:
            break
        w = w - lr * mod.linear_grad(w, x, y)
    return float(w), curve


# With correct gradients (seeds 0–19, noisy y = 2x² − x + 1 + 0.1·N(0, 1), 40 points in [-1.5, 1.5],
# 400 steps of lr 0.05), the final MSE exceeds the least-squares optimum by a factor of
# min 1.0000000003, median 1.0000001, max 1.000005: the check allows 1.05. The MSE after the 400th
# step (the curve's last point; `python tests/grader/measure_curves.py gradient_descent_fits_a_quadratic`): min 0.00531,
# median 0.00950, max 0.0136. A failing curve that ends above is "slower than the reference".
QUADRATIC_FINAL_MSE = (0.00531, 0.0136)


@check("convergence", points=2, exercise="quadratic_grads")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_descent_fits_a_quadratic(sub, seed):
    g = torch.Generator().manual_seed(100 + inputs.seed_among(seed))  # the measured data, not gen()
    x = torch.rand(40, generator=g, dtype=F64) * 3 - 1.5
    y = 2 * x**2 - x + 1 + 0.1 * torch.randn(40, generator=g, dtype=F64)
    params, curve = with_curve(sub.run(probe_descend, x, y, 0.05, 400, 5))
    expect(isinstance(params, list) and len(params) == 3, "gradient descent", "three parameters", str(params))
    w1, w2, b = (expect_float(p, "a fitted parameter") for p in params)
    design = torch.stack([x**2, x, torch.ones_like(x)], 1)
    best = torch.linalg.lstsq(design, y[:, None]).solution[:, 0]

    def mse(p):
        return float(((design @ torch.tensor(p, dtype=F64)) - y).pow(2).mean())

    ratio = mse([w1, w2, b]) / mse(best.tolist())
    expect_learned(
        ratio <= 1.05,
        "MSE after 400 gradient-descent steps with your quadratic_grads",
        f"within 5 % of the least-squares optimum ({mse(best.tolist()):.4g})",
        f"{mse([w1, w2, b]):.4g}",
        curve,
        "if the fit diverges or stalls, check the signs and the factor 2 in each gradient",
        QUADRATIC_FINAL_MSE,
    )


@check("convergence", exercise="linear_grad")
def test_gradient_descent_finds_w_of_the_lecture(sub):
    x = torch.tensor([1.0, 2.0, 3.0], dtype=F64)
    y = torch.tensor([2.0, 4.0, 6.0], dtype=F64)
    w, curve = with_curve(sub.run(probe_descend_linear, x, y, 0.01, 100, 2))
    w = expect_float(w, "w after 100 steps")
    expect_learned(
        abs(w - 2.0) < 0.01,
        "w after 100 steps of lr 0.01 on x = [1, 2, 3], y = [2, 4, 6] (lecture 3)",
        "2.0 ± 0.01",
        f"{w:.4f}",
        curve,
        "w moves against the gradient: w = w − lr·grad",
    )


# -- devices -------------------------------------------------------------------------------

DEVICE_CASES = {
    "linear_grad": lambda: (torch.tensor(0.5), torch.randn(4), torch.randn(4)),
    "quadratic_grads": lambda: (
        torch.tensor(0.5),
        torch.tensor(-1.0),
        torch.tensor(0.2),
        torch.randn(4),
        torch.randn(4),
    ),
    "detach_grad": lambda: (torch.randn(3),),
}
REFERENCES = {
    "linear_grad": lambda w, x, y: (2 * x * (w * x - y)).mean(),
    "quadratic_grads": lambda w1, w2, b, x, y: tuple(
        (2 * (w1 * x**2 + w2 * x + b - y) * f).mean() for f in (x**2, x, torch.ones_like(x))
    ),
    "detach_grad": lambda x: x * x,
}


@check("device", public=True)
@pytest.mark.parametrize("name", sorted(DEVICE_CASES))
def test_stays_on_input_device(sub, name):
    manual_seed(inputs.seed(0))
    args = DEVICE_CASES[name]()
    trace = sub.run(probes.on_second_device, name, args, {})
    expected = REFERENCES[name](*args)
    real = trace.get("real") if isinstance(trace, dict) else trace
    expect_same_results(real, expected, f"{name} on CPU inputs (a device check credits correct code only)")
    value = expect_same_device(trace, f"{name} on tensors of a second device (standing in for a GPU)")
    expect_same_results(value, expected, f"{name} on tensors of a second device")


def probe_with_fn_on_second_device(mod, name, x):
    """Device trace of numerical_grad(Σt³, x), grad_of_vector_fn(t ↦ t³, x) or Sigmoid's forward
    and backward, with the CPU result under "real"."""

    fn = getattr(mod, name)  # by its name: the probe reaches the one it runs

    def call(t):
        if name == "numerical_grad":
            return fn(lambda u: (u**3).sum(), t, eps=1e-3)
        if name == "grad_of_vector_fn":
            return fn(lambda u: u**3, t)
        t = t.detach().clone().requires_grad_(True)
        out = fn.apply(t)
        out.backward(torch.ones_like(out))
        return out.detach(), t.grad

    moved = kit.to_second_device(x)
    return {**kit.device_trace(lambda: call(moved)), "real": call(x)}


FN_DEVICE_REFERENCES = {
    "numerical_grad": lambda x: 3 * x**2 + 1e-6,
    "grad_of_vector_fn": lambda x: 3 * x**2,
    "Sigmoid": lambda x: (torch.sigmoid(x), torch.sigmoid(x) * (1 - torch.sigmoid(x))),
}


@check("device", public=True, exercise=lambda p: p["name"])
@pytest.mark.parametrize("name", sorted(FN_DEVICE_REFERENCES))
def test_stays_on_input_device_with_a_function(sub, name):
    x = torch.randn(2, 3, generator=gen(16), dtype=F64)
    trace = sub.run(probe_with_fn_on_second_device, name, x)
    expected = FN_DEVICE_REFERENCES[name](x)
    real = trace.get("real") if isinstance(trace, dict) else trace
    expect_same_results(real, expected, f"{name} on CPU inputs (a device check credits correct code only)")
    value = expect_same_device(trace, f"{name} on tensors of a second device (standing in for a GPU)")
    expect_same_results(value, expected, f"{name} on tensors of a second device")


def expect_same_results(results, expected, what):
    """``results`` against torch's ``expected``: one tensor, or a tuple of them."""
    pairs = (
        zip(results, expected)
        if isinstance(expected, tuple) and isinstance(results, (list, tuple))
        else [(results, expected)]
    )
    for got, want in pairs:
        expect_close(got, want, what)


def probe_sigmoid_on(mod, x, device):
    x = x.to(device).requires_grad_(True)
    out = mod.Sigmoid.apply(x)
    out.sum().backward()
    return out.detach().cpu(), x.grad.cpu(), str(out.device)


@check("device", cuda=True, exercise="Sigmoid")
def test_sigmoid_runs_on_cuda(sub, device):
    x = torch.linspace(-5, 5, 11)
    out, grad, where = sub.run(probe_sigmoid_on, x, device)
    expect(
        where.startswith("cuda"), "Sigmoid.apply on CUDA inputs", "a result on cuda", f"a result on {where}"
    )
    s = torch.sigmoid(x)
    expect_close(out, s, "Sigmoid on CUDA", rtol=1e-5, atol=1e-6)
    expect_close(grad, s * (1 - s), "Sigmoid's backward on CUDA", rtol=1e-5, atol=1e-6)


# -- edge inputs and the upstream gradients real code produces --------------------------------


def probe_sigmoid_upstreams(mod, cases):
    """Sigmoid's gradient under the upstream gradients autograd hands a backward, for each
    (x, dense) of ``cases``: {kind: x's gradient} per case."""
    found = []
    for x, dense in cases:
        if x.dim() >= 2:
            strided = dense.transpose(-1, -2).contiguous().transpose(-1, -2)
        elif x.dim() == 1:
            strided = torch.stack([dense, dense]).t().reshape(-1)[::2]
        else:
            strided = dense
        grads = {}
        for kind in ("sum", "transposed", "broadcast"):
            leaf = x.clone().requires_grad_(True)
            out = mod.Sigmoid.apply(leaf)
            if kind == "sum":
                out.sum().backward()
            elif kind == "transposed":
                out.backward(strided)
            else:
                out.backward(dense[:1].expand_as(dense) if x.dim() else dense)
            grads[kind] = leaf.grad
        found.append(grads)
    return found


@check("gradient", public=True, exercise="Sigmoid")  # backward(grad_output) for any upstream gradient
def test_sigmoid_backward_takes_any_upstream_gradient(sub):
    g = gen(70)
    cases = [(torch.randn(4, 3, generator=g, dtype=F64) * 4, torch.randn(4, 3, generator=g, dtype=F64))]
    for shape in strategies.any_shapes(70):  # any shape, the stated extremes ±1000 where two elements fit
        x = torch.randn(shape, generator=g, dtype=F64) * 4
        if x.numel() >= 2:
            x.view(-1)[:2] = torch.tensor([1000.0, -1000.0], dtype=F64)
        cases.append((x, torch.randn(shape, generator=g, dtype=F64)))
    got = sub.run(probe_sigmoid_upstreams, cases)
    expect(
        isinstance(got, list) and len(got) == len(cases) and all(isinstance(c, dict) for c in got),
        "Sigmoid's backward",
        "a gradient per upstream",
        describe(got),
    )
    for (x, dense), grads in zip(cases, got):
        s = torch.sigmoid(x)
        for kind, upstream, what in [
            ("sum", torch.ones_like(x), N_("out.sum().backward() (an expanded gradient of ones)")),
            ("transposed", dense, N_("a non-contiguous upstream gradient")),
            (
                "broadcast",
                dense[:1].expand_as(dense) if x.dim() else dense,
                N_("a broadcast (stride-0) upstream gradient"),
            ),
        ]:
            expect_close(
                grads.get(kind),
                upstream * s * (1 - s),
                f"Sigmoid's gradient on x {tuple(x.shape)} after {what}",
                rtol=1e-7,
                atol=1e-12,
                hint="return grad_output * s * (1 - s) as a new tensor: grad_output may be expanded or "
                "non-contiguous, so never write into it in place or .view() it",
            )


def probe_vector_fn_shapes(mod, x):
    """grad_of_vector_fn for functions whose output shape is not x's: a stack, a reduction over
    the last axis, a 0-dim sum, an outer product."""
    fns = [
        lambda t: torch.stack([t, t**2]),
        lambda t: (t**3).sum(-1) if t.dim() else t**3,
        lambda t: (t * t).sum(),
        lambda t: t.reshape(-1, 1) * t.reshape(1, -1),
    ]
    return [mod.grad_of_vector_fn(f, x) for f in fns]


@check("gradient", public=True, exercise="grad_of_vector_fn")  # "f maps a tensor to a tensor of any shape"
def test_grad_of_vector_fn_any_output_shape(sub):
    for shape in strategies.any_shapes(71):
        x = torch.randn(shape, generator=gen(72), dtype=F64)
        got = sub.run(probe_vector_fn_shapes, x)
        expected = [1 + 2 * x, 3 * x**2, 2 * x, 2 * x.sum() * torch.ones_like(x)]
        for i, (grad, want) in enumerate(zip(got, expected)):
            expect_close(
                grad,
                want,
                f"grad_of_vector_fn on x {shape}, f number {i + 1} (its output shaped differently from x)",
                rtol=1e-7,
                atol=1e-12,
                hint="reduce f(x) with .sum() before backward(): torch.ones_like(x) only fits outputs of x's shape",
            )


def probe_numerical_grad_restores(mod, x, eps):
    before = x.clone()

    def f(t):
        return (t**2).sum() * 0.5

    grad = mod.numerical_grad(f, x, eps=eps)
    return grad, bool(torch.equal(before, x)), float((before - x).abs().max()) if x.numel() else 0.0


def numerical_grad_runs(sub):
    """[(shape, x, numerical_grad's answer, x restored exactly, the largest drift)] on the strategies'
    shapes, x on the scale of ε: (x − ε) + ε rounds away from x for about half of such values."""
    g = gen(73)
    runs = []
    for shape in strategies.any_shapes(73):
        x = torch.randn(shape, generator=g, dtype=F64) * 1e-3
        runs.append((shape, x, *sub.run(probe_numerical_grad_restores, x, 1e-3)))
    return runs


@check("gradient", public=True, exercise="numerical_grad")  # "x has any shape"
def test_numerical_grad_any_shape(sub):
    for shape, x, grad, _, _ in numerical_grad_runs(sub):
        expect_close(grad, x, f"numerical_grad of Σx²/2 on x {shape}", rtol=1e-6, atol=1e-9)


@check("gradient", public=True, exercise="numerical_grad", clause="inputs")  # "its values must be restored"
def test_numerical_grad_restores_x_exactly(sub):
    for shape, _, _, restored, drift in numerical_grad_runs(sub):
        expect(
            restored is True,
            f"x {shape} after numerical_grad",
            "exactly its old values",
            f"values moved by up to {drift:.3g}",
            "keep each old value and write it back (x[i] = old): (x + ε) − ε is not x in floating point",
        )


# every dimension of every exercise's input domain (grader/checks/domains.py), one probe call each
@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("autograd"))
def test_input_domain(sub, name):
    battery.run(sub, "autograd", name)
