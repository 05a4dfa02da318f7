"""Hidden suite for exercises/optim.py: closed form, descent variants, hand-written optimisers, data."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from grader.checks import (
    N_,
    CheckFailed,
    Keyed,
    Shaped,
    argument_ignored,
    battery,
    binary_accuracy,
    check,
    dataset_path,
    describe,
    equals,
    expect,
    expect_close,
    expect_float,
    expect_learned,
    expect_no_twin,
    expect_none_borrowed,
    expect_same_device,
    expect_tensor,
    fail,
    gen,
    held_out_split,
    inputs,
    known,
    load_diabetes,
    mistake_cause,
    probes,
    strategies,
    with_curve,
)
from grader.sandboxed import probe_kit as kit  # the probes' `kit` in the worker

F64 = torch.float64
# What each exercise's docstring puts off limits: {a torch function or aten op the recorder sees:
# the functions that reach it, as the docstring names them} (tests/grader/test_off_limits.py);
# SGD's and Adam's, torch.optim's optimisers, by their classes and functional forms (run_case)
OFF_LIMITS = {
    "closed_form_linear_regression": {
        "linalg_lstsq": "torch.linalg.lstsq",
        "lstsq": "torch.linalg.lstsq",
        "linalg_pinv": "torch.linalg.pinv",
        "pinverse": "torch.pinverse",
        "linalg_inv": "torch.linalg.inv",
        "linalg_inv_ex": "torch.linalg.inv",
        "inverse": "torch.inverse",
        "cholesky_inverse": "torch.cholesky_inverse",
        "linalg_tensorinv": "torch.linalg.tensorinv",
    },
}


# -- closed form and plain descent ---------------------------------------------------------


@check("shape", public=True, exercise="closed_form_linear_regression")
@pytest.mark.parametrize("k", [None, 3], ids=["y (n,)", "y (n, k)"])
def test_closed_form_linear_regression(sub, k):
    X = torch.randn(30, 4, generator=gen(1), dtype=F64)
    y = (
        torch.randn(30, generator=gen(2), dtype=F64)
        if k is None
        else torch.randn(30, k, generator=gen(2), dtype=F64)
    )
    w, ops = sub.run(probes.call_recorded, "closed_form_linear_regression", (X, y), {})
    columns = y if k else y[:, None]
    expected = torch.linalg.lstsq(X, columns).solution
    with_intercept = torch.linalg.lstsq(torch.cat([X, torch.ones(30, 1, dtype=F64)], 1), columns).solution[:4]
    expected, with_intercept = (expected, with_intercept) if k else (expected[:, 0], with_intercept[:, 0])
    expect_close(
        w,
        expected,
        f"closed_form_linear_regression, X (30, 4), y {tuple(y.shape)}",
        rtol=1e-9,
        atol=1e-12,
        hint=(
            *known(INTERCEPT_FITTED, with_intercept, expected),
            "w = (XᵀX)⁻¹Xᵀy: torch.linalg.solve(X.T @ X, X.T @ y)",
        ),
    )
    expect_no_twin(ops, OFF_LIMITS["closed_form_linear_regression"], "closed_form_linear_regression")


# scikit-learn's fit_intercept=True habit: a column of ones fitted beside X, its weight dropped after
INTERCEPT_FITTED = N_(
    "these are the weights of a fit with an intercept beside them (a column of ones added to X, its "
    "weight dropped after): the docstring's model y ≈ Xw has no intercept, and fitting one moves the others"
)


def replay_gd(x, y, lr, steps, sign=1.0, reduce=torch.mean, start=1.0, after=False):
    """gd_fit's (final w, losses); ``sign`` −1 replays the known mistake of stepping uphill,
    ``reduce`` torch.sum the one of summing the per-sample gradients, ``start`` another first w,
    ``after`` each MSE recorded after its step (another moment than the docstring's)."""
    w, losses = start, []
    x, y = x.double(), y.double()
    for _ in range(steps):
        before = float(((w * x - y) ** 2).mean())
        w -= sign * lr * float(reduce(2 * x * (w * x - y)))
        losses.append(float(((w * x - y) ** 2).mean()) if after else before)
    return w, losses


START_HINT = N_("these are the MSEs of a walk from another first w: the docstring's starts from w = 1.0")


def started_elsewhere(losses_from):
    """The keyed hints of a fit that starts from w = 0 or w = −1 (the docstring's is 1.0):
    ``losses_from(start)`` replays the fit's recorded losses from that first w."""
    return tuple(
        Keyed(START_HINT, equals(torch.tensor(losses_from(start), dtype=F64))) for start in (0.0, -1.0)
    )


MSE_SUM_HINT = N_(
    "the recorded MSE is the mean of the squared errors over the n samples, mean((w·x − y)²): "
    "a sum, here or in a helper of yours that computes it, is n times too large"
)


def summed_losses(n: int) -> tuple[Keyed, ...]:
    """The keyed hint of recorded losses that are each n × the MSE: squared errors summed."""
    return (
        Keyed(MSE_SUM_HINT, lambda got, want: bool(torch.allclose(got, n * want, rtol=1e-4, atol=1e-7))),
    ) * (n > 1)


UPHILL_HINT = "the update steps against the gradient: w ← w − lr·gradient (minus, not plus)"
SUM_HINT = (
    "the loss is a mean, so its gradient is the mean of the per-sample gradients, "
    "mean(2·x·(w·x − y)): a sum makes every step n times too large"
)


def fits(result, expected) -> bool:
    """Whether a (final w, losses) answer matches ``expected``'s, as :func:`expect_fit` judges."""
    w, losses = result
    return (
        len(losses) == len(expected[1])
        and all(abs(a - e) <= 1e-7 + 1e-4 * abs(e) for a, e in zip(losses, expected[1]))
        and abs(w - expected[0]) <= 1e-4 * max(1, abs(expected[0]))
    )


RECORD_HINT = N_(
    "record the MSE at the moment the docstring says (before each step / after each epoch), then update"
)


def expect_fit(result, expected, what, hint=None, mistakes=None, keyed=(), moment=None):
    """``mistakes``: name → (what that known mistake answers, its hint): an answer that matches
    one fails with its hint and cause rather than the generic ones. ``hint``: the losses' hint;
    by default :data:`RECORD_HINT`, shown only where the losses are ``moment``'s, the same walk's
    MSEs recorded at another moment (a wrong MSE of a right walk is no moment's: no hint).
    ``keyed``: hints keyed to other causes, first."""
    expect(
        isinstance(result, (list, tuple)) and len(result) == 2,
        what,
        "(final w, list of losses)",
        type(result).__name__,
    )
    w, losses = result
    w = expect_float(w, f"{what}: final w")
    expect(
        isinstance(losses, list) and all(isinstance(v, float) for v in losses),
        f"{what}: losses",
        "a list of Python floats",
        str(type(losses).__name__),
    )
    for name, (mistaken, mistake_hint) in (mistakes or {}).items():
        if not fits((w, losses), expected) and fits((w, losses), mistaken):
            fail(
                f"{what}: final w",
                f"{expected[0]:.6g}",
                f"{w:.6g}",
                hint=mistake_hint,
                cause=mistake_cause(name),
            )
    at_moment = equals(torch.tensor(moment, dtype=F64)) if moment is not None else lambda *_: False
    expect_close(
        torch.tensor(losses, dtype=F64),
        torch.tensor(expected[1], dtype=F64),
        f"{what}: the recorded MSEs",
        rtol=1e-4,
        atol=1e-7,
        hint=(*keyed, hint or Keyed(RECORD_HINT, at_moment)),
    )
    expect(
        abs(w - expected[0]) <= 1e-4 * max(1, abs(expected[0])),
        f"{what}: final w",
        f"{expected[0]:.6g}",
        f"{w:.6g}",
    )


@check("gradient", public=True, exercise="gd_fit")
@pytest.mark.parametrize("lr, steps", [(0.01, 1), (0.05, 20)])
def test_gd_fit_full_batch(sub, lr, steps):
    cases = [(N_("the lecture's x, y"), torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 4.0, 6.0]))]
    cases += [(N_(f"x, y of length {n}"), *fit_data(85 + steps, n)) for n in strategies.lengths(85 + steps)]
    results = sub.run(probes.calls, "gd_fit", [(x, y, lr, steps) for _, x, y in cases], {})
    expect(isinstance(results, list) and len(results) == len(cases), "gd_fit", "a result", describe(results))
    for (what, x, y), result in zip(cases, results):
        expect_fit(
            result,
            replay_gd(x, y, lr, steps),
            f"gd_fit(lr={lr}, steps={steps}) on {what}",
            mistakes={
                "update-sign": (replay_gd(x, y, lr, steps, sign=-1.0), UPHILL_HINT),
                "gradient-sum": (replay_gd(x, y, lr, steps, reduce=torch.sum), SUM_HINT),
            },
            keyed=(
                *summed_losses(len(x)),
                *started_elsewhere(lambda start: replay_gd(x, y, lr, steps, start=start)[1]),
            ),
            moment=replay_gd(x, y, lr, steps, after=True)[1],
        )


def fit_data(k: int, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """x in [−2, 2] (steps of lr ≤ 0.05 stay stable) and a noisy y ≈ 3x, float32, of length n."""
    x = torch.rand(n, generator=gen(k)) * 4 - 2
    return x, 3 * x + 0.1 * torch.randn(n, generator=gen(k + 1))


GLOBAL_BESIDE = 1000  # a seeded generator's case: the global RNG seeded with its seed + this (an order drawn there ignored it)


def probe_sgd_fits(mod, cases, lr, epochs, beside):
    """sgd_fit on each (x, y, seed): with a generator of that seed, or with none (generator=None:
    the global RNG, seeded with it by torch.manual_seed) where the seed is negative; the global
    RNG seeded too beside a generator, with its seed + ``beside``. With each answer, whether the
    generator given was drawn from (None where none was given)."""
    found = []
    for x, y, seed in cases:
        kit.manual_seed(abs(seed) if seed < 0 else seed + beside)
        if seed < 0:
            found.append((mod.sgd_fit(x, y, lr, epochs), None))
        else:
            g = torch.Generator().manual_seed(seed)
            before = g.get_state()
            found.append((mod.sgd_fit(x, y, lr, epochs, generator=g), not torch.equal(g.get_state(), before)))
    return found


def replay_sgd(x, y, lr, epochs, g, fresh=True, start=1.0, before=False):
    """sgd_fit's answer; ``fresh=False``: one permutation drawn for every epoch (a known mistake);
    ``start``: another first w; ``before``: each MSE recorded before its epoch (another moment)."""
    w, losses, order = start, [], []
    for _ in range(epochs):
        first = float(((w * x.double() - y.double()) ** 2).mean())
        order = torch.randperm(len(x), generator=g).tolist() if fresh or not order else order
        for i in order:
            w -= lr * 2 * float(x[i]) * (w * float(x[i]) - float(y[i]))
        losses.append(first if before else float(((w * x.double() - y.double()) ** 2).mean()))
    return w, losses


@check("gradient", public=True, exercise="sgd_fit")
def test_sgd_fit_per_sample(sub):
    x = torch.linspace(-1, 2, 7)
    cases = [(x, 3 * x + 0.1 * torch.randn(7, generator=gen(3)), 11)]
    # the strategies' lengths (one, two, a long one, drawn ones), the last one with generator=None
    for i, n in enumerate(strategies.lengths(86, long=300)):
        cases.append((*fit_data(87 + 2 * i, n), 12 + i))
    cases[-1] = (*cases[-1][:2], -cases[-1][2])
    results = sub.run(probe_sgd_fits, cases, 0.05, 4, GLOBAL_BESIDE)
    expect(isinstance(results, list) and len(results) == len(cases), "sgd_fit", "a result", describe(results))
    for (x, y, seed), (result, drawn) in zip(cases, results):
        g = torch.Generator().manual_seed(abs(seed))
        what = "a seeded generator" if seed > 0 else "generator=None after torch.manual_seed (the global RNG)"
        hint = (
            None
            if seed > 0
            else "generator=None: torch.randperm(n, generator=None) draws from torch's global RNG"
        )
        once = replay_sgd(x, y, 0.05, 4, torch.Generator().manual_seed(abs(seed)), fresh=False)[1]
        keyed = [*summed_losses(len(x)), Keyed(ONE_ORDER_HINT, equals(torch.tensor(once, dtype=F64)))]
        keyed += started_elsewhere(
            lambda start: replay_sgd(x, y, 0.05, 4, torch.Generator().manual_seed(abs(seed)), start=start)[1]
        )
        if drawn is False:  # its order drawn from another RNG: torch's global one, NumPy's, Python's
            keyed.append(seen(IGNORED_GENERATOR_HINT))
        expect_fit(
            result,
            replay_sgd(x, y, 0.05, 4, g),
            f"sgd_fit(lr=0.05, epochs=4) on n={len(x)} with {what}",
            hint,
            keyed=tuple(keyed),
            moment=replay_sgd(x, y, 0.05, 4, torch.Generator().manual_seed(abs(seed)), before=True)[1],
        )


def seen(text: str) -> Keyed:
    """A hint whose cause the probe saw itself (the state's dtypes, a generator never drawn from):
    it holds whatever the values, an answer off by float32's ulps only too (a plain hint is not shown there)."""
    return Keyed(text, lambda *_: True)


ONE_ORDER_HINT = N_("draw a new permutation every epoch: torch.randperm inside the epoch loop")
IGNORED_GENERATOR_HINT = N_(
    "the order ignored the generator it was given (never drawn from: another RNG drew it): "
    "torch.randperm(n, generator=generator) (without it, torch's global RNG draws)"
)


def probe_batches(mod, sizes, shuffle, seed, epochs):
    """Two epochs of minibatch_indices for each (n, batch_size) of ``sizes``, one generator each."""
    found = []
    for n, batch_size in sizes:
        g = torch.Generator().manual_seed(seed)
        found.append(
            [list(mod.minibatch_indices(n, batch_size, shuffle=shuffle, generator=g)) for _ in range(epochs)]
        )
    return found


@check("shape", public=True, exercise="minibatch_indices")
@pytest.mark.parametrize("n, batch_size, shuffle", [(10, 3, True), (8, 4, False), (5, 8, True)])
def test_minibatch_indices(sub, n, batch_size, shuffle):
    # (n, batch_size), then the strategies' sizes: batches of one sample, larger than n, remainders
    sizes = [(n, batch_size), *strategies.split_sizes(88 + n)]
    found = sub.run(probe_batches, sizes, shuffle, 5, 2)
    expect(
        isinstance(found, list) and len(found) == len(sizes), "minibatch_indices", "a result", describe(found)
    )
    for (n, batch_size), epochs in zip(sizes, found):
        expect_batches(epochs, n, batch_size, shuffle)


def expect_batches(epochs, n, batch_size, shuffle):
    """Two epochs of minibatch_indices(n, batch_size, shuffle, a generator seeded 5)."""
    g = torch.Generator().manual_seed(5)
    for epoch, batches in enumerate(epochs):
        order = torch.randperm(n, generator=g) if shuffle else torch.arange(n)
        expected = list(order.split(batch_size))
        expect(
            isinstance(batches, list) and len(batches) == len(expected),
            f"epoch {epoch + 1} of minibatch_indices(n={n}, batch_size={batch_size}, shuffle={shuffle})",
            f"{len(expected)} batches",
            f"{len(batches) if isinstance(batches, list) else batches}",
            "consecutive chunks of batch_size; the last one may be smaller",
        )
        for got, want in zip(batches, expected):
            expect_close(
                got,
                want,
                f"a batch of epoch {epoch + 1} (n={n}, batch_size={batch_size}, shuffle={shuffle})",
                rtol=0,
                atol=0,
                hint="order = torch.randperm(n, generator=generator) drawn once per epoch "
                "(arange when not shuffling), int64",
            )


# -- hand-written optimisers ---------------------------------------------------------------


def probe_optimizer(mod, name, inits, groups, defaults, grads, use_closure, halve_lr_after=None):
    """Apply the submission's optimiser to given gradients, every group's lr halved after step
    ``halve_lr_after`` as a scheduler does; report the trajectory and its class."""
    import sys

    params = [p.clone().requires_grad_(True) for p in inits]
    spec = [{**g, "params": [params[i] for i in g["params"]]} for g in groups]
    optimizer = getattr(mod, name)(spec, **defaults)
    called = []
    # every torch.optim optimiser's step and functional form (torch.optim.asgd.asgd), by what torch.optim
    # holds: an ASGD with its averaging off inside a step is SGD's (attacks a124's 53: 6/18)
    optimisers = [
        c
        for c in vars(torch.optim).values()
        if isinstance(c, type) and issubclass(c, torch.optim.Optimizer) and c is not torch.optim.Optimizer
    ]
    modules = {sys.modules.get(c.__module__) for c in optimisers} - {None}
    functional = [(m, m.__name__.rsplit(".", 1)[1]) for m in modules]  # torch.optim.asgd.asgd
    patched = [(c, "step") for c in optimisers] + [
        (m, f) for m, f in functional if callable(getattr(m, f, None))
    ]
    originals = [getattr(owner, attr) for owner, attr in patched]
    for (owner, attr), original in zip(patched, originals):
        setattr(owner, attr, lambda *a, _o=original, _n=attr, **k: (called.append(_n), _o(*a, **k))[1])
    trajectory, returned = [], []
    try:
        for step_grads in grads:
            for p, g in zip(params, step_grads):
                p.grad = g.clone()
            result = optimizer.step((lambda: torch.tensor(1.5)) if use_closure else None)
            returned.append(None if result is None else float(result))
            trajectory.append([p.detach().clone() for p in params])
            if len(trajectory) == halve_lr_after:
                for group in optimizer.param_groups:
                    group["lr"] *= 0.5
    finally:
        for (owner, attr), original in zip(patched, originals):
            setattr(owner, attr, original)
    mro = [f"{c.__module__}.{c.__qualname__}" for c in type(optimizer).__mro__]
    state = optimizer.state if isinstance(optimizer.state, dict) else {}
    strays = sorted(  # state tensors shaped like their parameter but of another dtype
        {
            str(v.dtype)
            for p in params
            for v in (state.get(p) if isinstance(state.get(p), dict) else {}).values()
            if isinstance(v, torch.Tensor) and v.shape == p.shape and v.dtype != p.dtype
        }
    )
    return {
        "trajectory": trajectory,
        "returned": returned,
        "mro": mro,
        "called": sorted(set(called)),
        "state_dtypes": strays,
    }


OPTIMIZER_CASES = {
    N_("SGD plain"): ("SGD", torch.optim.SGD, {"lr": 0.1}),
    N_("SGD momentum"): ("SGD", torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}),
    N_("SGD momentum dampening"): ("SGD", torch.optim.SGD, {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    N_("SGD nesterov weight decay"): (
        "SGD",
        torch.optim.SGD,
        {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
    ),
    N_("Adam defaults"): ("Adam", torch.optim.Adam, {"lr": 1e-3}),
    N_("Adam betas weight decay"): (
        "Adam",
        torch.optim.Adam,
        {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05},
    ),
}


def run_case(sub, case, dtype, groups_spec=None, use_closure=False, steps=50, halve_lr_after=None):
    name, reference, options = OPTIMIZER_CASES[case]
    inits = [
        torch.randn(3, 2, generator=gen(20), dtype=dtype),
        torch.randn(4, generator=gen(21), dtype=dtype),
    ]
    groups = groups_spec or [{"params": [0, 1]}]
    grads = [
        [torch.randn(p.shape, generator=gen(100 + 2 * t + i), dtype=dtype) for i, p in enumerate(inits)]
        for t in range(steps)
    ]
    got = sub.run(probe_optimizer, name, inits, groups, options, grads, use_closure, halve_lr_after)
    expect(isinstance(got, dict), f"{name}", "a trajectory", type(got).__name__)
    tol = {"rtol": 1e-4, "atol": 1e-6} if dtype == torch.float32 else {"rtol": 1e-10, "atol": 1e-10}
    expect(
        isinstance(got["trajectory"], list) and len(got["trajectory"]) == steps,
        f"{name} over {steps} steps",
        f"{steps} steps",
        str(len(got["trajectory"])),
    )
    # torch's own optimiser driven by the same probe: the same steps, the same lr change
    path = probe_optimizer(torch.optim, name, inits, groups, options, grads, False, halve_lr_after)[
        "trajectory"
    ]
    if walks(got["trajectory"], path, tol):
        return got  # every step right: no known mistake to tell apart
    mistaken = optimizer_mistakes(name, reference, inits, groups, options, grads)
    shared = (
        adam_path(inits, options, grads, shared_step=True) if name == "Adam" and len(groups) == 1 else None
    )
    from_zero = adam_path(inits, options, grads, t_from=0) if name == "Adam" and len(groups) == 1 else None
    for t, params in enumerate(path):
        for i, p in enumerate(params):
            expect_close(
                got["trajectory"][t][i],
                p,
                # two whole f-strings, each a template of the catalogue (a joined one translates as none)
                f"{case}: parameter {i} after step {t + 1} ({dtype}), every group's lr halved after step "
                f"{halve_lr_after}"
                if halve_lr_after
                else f"{case}: parameter {i} after step {t + 1} ({dtype})",
                # every step before this one was right: what went wrong carries between steps
                hint=(
                    *((LR_CHANGED_HINT,) if t == halve_lr_after else ()),
                    *(known(SHARED_STEP, shared[t][i], p) if shared is not None else ()),
                    *(nan_as(ADAM_T_FROM_ZERO, from_zero[t][i]) if from_zero is not None and t == 0 else ()),
                    seen(STATE_DTYPE_HINT) if got.get("state_dtypes") else CARRIED_HINT if t else "",
                ),
                mistakes={key: (walked[t][i], hint) for key, (walked, hint) in mistaken.items()},
                **tol,
            )
    return got


# the first step after a scheduler's edit of param_groups' lr, every step before it right
LR_CHANGED_HINT = N_(
    "every step was right until the lr changed: each step reads group['lr'] afresh, as a scheduler "
    "changes it between steps; an lr folded into the state (a velocity of lr·g) keeps the old one"
)


def walks(trajectory, path, tol) -> bool:
    """Whether every step of ``trajectory`` passes :func:`expect_close` against ``path`` (then its
    hints and known mistakes, which only word a failure, need not be computed)."""
    try:
        for got, expected in zip(trajectory, path):
            for i, p in enumerate(expected):
                expect_close(got[i], p, "a step", **tol)
    except CheckFailed:
        return False
    return True


STATE_DTYPE_HINT = (
    "the optimiser's state tensors (m, v, a momentum buffer) are not of their parameter's dtype: "
    "torch.zeros(p.shape) is float32 on the CPU whatever p is; create them like the parameter, "
    "torch.zeros_like(p)"
)
CARRIED_HINT = (
    "the steps before this one were right: what carries from one step to the next (the momentum "
    "buffer, m, v, the step count, in self.state[p]) is not kept or not updated as the docstring says"
)


def optimizer_mistakes(name, reference, inits, groups, options, grads):
    """name → (the trajectory that known mistake walks, its hint): the state lost between steps
    (a fresh optimizer every step) and, for Adam in one group, no bias correction."""
    fresh = [p.clone() for p in inits]
    lost = []
    for step_grads in grads:
        params = [p.clone().requires_grad_(True) for p in fresh]
        for p, g in zip(params, step_grads):
            p.grad = g.clone()
        reference([{**g, "params": [params[i] for i in g["params"]]} for g in groups], **options).step()
        fresh = [p.detach() for p in params]
        lost.append(fresh)
    # every parameter as it was: the update bound a new tensor to a name (p = p - lr * g)
    found = {"state-lost": (lost, STATE_LOST_HINT), "update-lost": ([inits] * len(grads), UPDATE_LOST_HINT)}
    if len(groups) != 1 or set(groups[0]) != {"params"}:
        return found  # the variants below read one group's options
    variants = ADAM_VARIANTS if name == "Adam" else SGD_VARIANTS if name == "SGD" else {}
    walk = adam_path if name == "Adam" else sgd_path
    for key, (needs, changed, hint) in variants.items():
        if all(options.get(option) for option in needs):
            found[key] = (walk(inits, options, grads, **changed), hint)
    return found


def sgd_path(
    inits, options, grads, decay_sign=1.0, nesterov=None, dampen_first=False, dampen=True, decay_after=False
):
    """SGD's trajectory as torch.optim.SGD walks it, or with one of its known mistakes (``dampen``
    False: the buffer's update takes the whole gradient; ``decay_after``: λ·p added to the step
    after the momentum, not to the gradient the buffer takes)."""
    lr, momentum = options["lr"], options.get("momentum", 0.0)
    dampening, decay = options.get("dampening", 0.0), options.get("weight_decay", 0.0)
    nesterov = options.get("nesterov", False) if nesterov is None else nesterov
    params, buffers, path = [p.clone() for p in inits], [None] * len(inits), []
    for step_grads in grads:
        for i, g in enumerate(step_grads):
            g = g if decay_after else g + decay_sign * decay * params[i]
            if momentum:
                first = buffers[i] is None
                buffers[i] = (
                    ((1 - dampening) * g if dampen_first else g)
                    if first
                    else (momentum * buffers[i] + ((1 - dampening) if dampen else 1.0) * g)
                )
                g = g + momentum * buffers[i] if nesterov else buffers[i]
            if decay_after:
                g = g + decay * params[i]
            params[i] = params[i] - lr * g
        path.append([p.clone() for p in params])
    return path


def adam_path(
    inits,
    options,
    grads,
    correct_m=True,
    correct_v=True,
    eps_inside=False,
    decoupled=False,
    shared_step=False,
    t_from=1,
    corrected_by=(1, 2),
    root_outside=False,
    eps_uncorrected=False,
):
    """Adam's trajectory as torch.optim.Adam walks it, or with one of its known mistakes
    (``shared_step``: one step count for every parameter, counted once per parameter; ``t_from``
    0: the step count t from 0; ``corrected_by``: which β (1 or 2) m's and v's bias corrections use;
    ``root_outside``: √v divided by 1 − β₂ᵗ, the correction left outside the square root;
    ``eps_uncorrected``: TensorFlow's form, the corrections in the step size and ε added to √v)."""
    lr, eps, decay = options.get("lr", 1e-3), options.get("eps", 1e-8), options.get("weight_decay", 0.0)
    beta1, beta2 = options.get("betas", (0.9, 0.999))
    params = [p.clone() for p in inits]
    m, v, path = [torch.zeros_like(p) for p in inits], [torch.zeros_like(p) for p in inits], []
    for step, step_grads in enumerate(grads, 1):
        for i, g in enumerate(step_grads):
            t = (step - 1) * len(step_grads) + i + 1 if shared_step else step - 1 + t_from
            if decoupled:
                params[i] = params[i] * (1 - lr * decay)
            else:
                g = g + decay * params[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            beta_m, beta_v = ((beta1, beta2)[b - 1] for b in corrected_by)
            m_hat = m[i] / (1 - beta_m**t) if correct_m else m[i]
            v_hat = v[i] / (1 - beta_v**t) if correct_v else v[i]
            if root_outside:
                denominator = v[i].sqrt() / (1 - beta_v**t) + eps
            elif eps_uncorrected:  # lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)
                denominator = v_hat.sqrt() + eps / math.sqrt(1 - beta_v**t)
            else:
                denominator = (v_hat + eps).sqrt() if eps_inside else v_hat.sqrt() + eps
            params[i] = params[i] - lr * m_hat / denominator
        path.append([p.clone() for p in params])
    return path


# Adam's step count kept once for the optimiser and counted once per parameter: a keyed hint (the
# check's own cause: the corpus labels it optimizer_step_for_step)
SHARED_STEP = N_(
    "the step count t is one counter shared by every parameter (counted once per parameter): "
    "keep it per parameter, self.state[p]['step'], so each bias correction uses its own t"
)
ADAM_T_FROM_ZERO = N_(
    "NaN from the first step: the step count t starts at 0, so 1 − β₁⁰ = 0 and 1 − β₂⁰ = 0 divide m "
    "and v by zero; count t from 1 (add 1 to the step count before the bias corrections)"
)


def nan_as(text: str, variant: torch.Tensor) -> tuple[Keyed, ...]:
    """``text`` where the answer is NaN exactly where ``variant`` (a known mistake's answer) is, and
    the variant is NaN somewhere: a NaN no other reading explains (a variant's values name none)."""
    nan = variant.isnan()
    if not bool(nan.any()):
        return ()
    return (Keyed(text, lambda got, expected: bool((got.isnan() == nan.to(got.device)).all())),)


NO_BIAS_CORRECTION_HINT = (
    "divide by the bias corrections, with the parameter's step count t (from 1): "
    "m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ); without them the first steps are far too large"
)
# key: (the options it needs set, the mistaken walk's arguments, its hint)
SGD_VARIANTS = {
    "decay-sign": (
        ("weight_decay",),
        {"decay_sign": -1.0},
        N_("weight decay adds λ·p to the gradient (g + λ·p), pulling the parameters toward 0"),
    ),
    "decay-after-momentum": (
        ("weight_decay", "momentum"),
        {"decay_after": True},
        N_(
            "weight decay joins the gradient before the momentum: g = g + λ·p first, then the "
            "buffer takes that g; λ·p added to the step after the buffer skips the momentum"
        ),
    ),
    "nesterov-ignored": (
        ("momentum", "nesterov"),
        {"nesterov": False},
        N_("with nesterov=True the step is g + μ·buf, not the buffer alone"),
    ),
    "dampened-first": (
        ("momentum", "dampening"),
        {"dampen_first": True},
        N_("the buffer's first value is the gradient itself; dampening applies from the second step on"),
    ),
    "dampening-ignored": (
        ("momentum", "dampening"),
        {"dampen": False},
        N_(
            "from the second step on the buffer takes (1 − dampening) of the gradient: buf = μ·buf + (1 − dampening)·g"
        ),
    ),
}
ADAM_VARIANTS = {
    "no-bias-correction": ((), {"correct_m": False, "correct_v": False}, NO_BIAS_CORRECTION_HINT),
    "no-v-correction": ((), {"correct_v": False}, N_("v needs its bias correction too: v̂ = v / (1 − β₂ᵗ)")),
    "no-m-correction": ((), {"correct_m": False}, N_("m needs its bias correction too: m̂ = m / (1 − β₁ᵗ)")),
    "eps-inside": ((), {"eps_inside": True}, N_("ε is added after the square root: m̂ / (√v̂ + ε)")),
    "eps-before-correction": (
        (),
        {"eps_uncorrected": True},
        N_(
            "ε is added to √v before the bias correction (TensorFlow's form, the step size "
            "lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) times m / (√v + ε)); torch corrects first, then adds ε: "
            "m̂ / (√v̂ + ε)"
        ),
    ),
    "v-correction-outside-root": (
        (),
        {"root_outside": True},
        N_("v's bias correction goes inside the square root: √v̂ = √(v / (1 − β₂ᵗ)), not √v / (1 − β₂ᵗ)"),
    ),
    "v-corrected-by-beta1": (
        (),
        {"corrected_by": (1, 1)},
        N_("v's bias correction uses β₂, not β₁: v̂ = v / (1 − β₂ᵗ) (m̂ = m / (1 − β₁ᵗ))"),
    ),
    "m-corrected-by-beta2": (
        (),
        {"corrected_by": (2, 2)},
        N_("m's bias correction uses β₁, not β₂: m̂ = m / (1 − β₁ᵗ) (v̂ = v / (1 − β₂ᵗ))"),
    ),
    "corrections-swapped": (
        (),
        {"corrected_by": (2, 1)},
        N_("the bias corrections' βs are swapped: m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)"),
    ),
    "decoupled-decay": (
        ("weight_decay",),
        {"decoupled": True},
        N_(
            "Adam's weight_decay adds λ·p to the gradient before m and v, not to the parameter itself "
            "(that is AdamW)"
        ),
    ),
}


UPDATE_LOST_HINT = (
    "every parameter is as it was before the first step: p = p - … makes a new tensor and binds "
    "the name p to it, and the parameter the optimiser holds never sees it; a step changes each "
    "parameter's own tensor, in place (an in-place op such as add_, under torch.no_grad())"
)
STATE_LOST_HINT = (
    "every step starts afresh: what carries from one step to the next (the momentum buffer, m, v, "
    "the step count) must be stored in self.state[p] and read back at the next step"
)


@check("gradient", public=True, exercise=lambda p: OPTIMIZER_CASES[p["case"]][0])
@pytest.mark.parametrize("case", sorted(OPTIMIZER_CASES))
def test_optimizer_step_for_step(sub, case):
    got = run_case(sub, case, torch.float32)
    expect(
        "torch.optim.optimizer.Optimizer" in got["mro"],
        f"{case}: the class",
        "a subclass of torch.optim.Optimizer",
        " → ".join(got["mro"]),
    )
    twins = [
        m for m in got["mro"][1:] if m.startswith("torch.optim.") and m != "torch.optim.optimizer.Optimizer"
    ]
    expect_none_borrowed(
        twins + got["called"],
        f"{case}: how the update is computed",
        "your own step()",
        "inherit only from torch.optim.Optimizer and write the update yourself",
    )


@check("gradient", public=True, exercise=lambda p: p["case"].split()[0])
@pytest.mark.parametrize("case", ["SGD nesterov weight decay", "Adam betas weight decay"])
def test_optimizer_in_float64(sub, case):
    # 20 steps, every group's lr halved after the 10th as a scheduler does ("step for step" with torch's)
    run_case(sub, case, F64, steps=20, halve_lr_after=10)


@check("gradient")
@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_param_groups_and_closure(sub, name):
    case = "SGD momentum" if name == "SGD" else "Adam defaults"
    groups = [{"params": [0]}, {"params": [1], "lr": 0.2 if name == "SGD" else 0.02}]
    got = run_case(sub, case, torch.float32, groups_spec=groups, use_closure=True, steps=5)
    expect(
        got["returned"] == [1.5] * 5,
        f"{name}.step(closure)",
        "the closure's loss (1.5) each step",
        str(got["returned"]),
        "evaluate the closure (under torch.enable_grad()) and return its value",
    )


def probe_closure_and_grads(mod, name, options, init, grad):
    """One step(closure) whose closure zeroes, computes Σp² and calls backward (as torch's docs
    write it), then one step() on a given .grad: (closure's value, p after both, p.grad after)."""
    p = init.clone().requires_grad_(True)
    optimizer = getattr(mod, name)([p], **options)

    def closure():
        optimizer.zero_grad()
        loss = (p**2).sum()
        loss.backward()
        return loss

    returned = optimizer.step(closure)
    p.grad = grad.clone()
    optimizer.step()
    return {"returned": None if returned is None else float(returned), "p": p.detach(), "grad": p.grad}


CLOSURE_CASES = {
    "SGD": {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1},
    "Adam": {"lr": 0.01, "weight_decay": 0.1},
}


@check(
    "gradient", public=True, exercise=lambda p: p["name"]
)  # "call it with grad enabled"; .grad left as found
@pytest.mark.parametrize("name", sorted(CLOSURE_CASES))
def test_closure_that_backpropagates_and_grad_left_alone(sub, name):
    options = CLOSURE_CASES[name]
    init = torch.randn(4, generator=gen(30))
    grad = torch.randn(4, generator=gen(31))
    got = sub.run(probe_closure_and_grads, name, options, init, grad)
    expect(isinstance(got, dict), f"{name}.step(closure)", "a result", type(got).__name__)
    p = init.clone().requires_grad_(True)
    reference = getattr(torch.optim, name)([p], **options)

    def closure():
        reference.zero_grad()
        loss = (p**2).sum()
        loss.backward()
        return loss

    expected = float(reference.step(closure))
    p.grad = grad.clone()
    reference.step()
    expect(
        got["returned"] is not None and abs(got["returned"] - expected) < 1e-5 * max(1.0, abs(expected)),
        f"{name}.step(closure) with a closure that calls backward()",
        f"the closure's loss {expected:.6g}",
        str(got["returned"]),
        "step() runs under torch.no_grad(): call the closure inside `with torch.enable_grad():`",
    )
    expect_close(got["p"], p.detach(), f"{name}: p after step(closure) and step()", rtol=1e-4, atol=1e-6)
    expect_close(
        got["grad"],
        grad,
        f"{name}: p.grad after step() with weight decay",
        rtol=0,
        atol=0,
        hint="g ← g + weight_decay·p builds a new g (g = p.grad + wd·p); p.grad.add_(...) "
        "changes the caller's gradient",
    )


@check("shape", public=True, exercise="ema", clause="dtype")  # "a tensor of values' length and dtype"
@pytest.mark.parametrize("dtype", [torch.float32, F64], ids=["float32", "float64"])
def test_ema_keeps_the_dtype(sub, dtype):
    values = torch.rand(7, generator=gen(32), dtype=dtype)
    out = sub.run(probes.call, "ema", (values, 0.9), {"bias_correction": True})
    expect_tensor(out, f"ema of a (7,) {dtype} tensor", shape=(7,), dtype=dtype)


# -- smoothing, data, folds ----------------------------------------------------------------


EMA_UNCORRECTED = N_(
    "these values are not bias-corrected: with bias_correction=True each sₜ is divided by 1 − βᵗ "
    "(t from 1), which removes the pull towards the zero start"
)
EMA_FIRST_VALUE = N_(
    "the average starts at the first value (s₀ = v₁): it starts at s₀ = 0, and the bias correction "
    "is what removes the pull towards that zero start"
)
EMA_T_FROM_ZERO = N_(
    "the bias correction counts t from 0: the first value is divided by 1 − β⁰ = 0 (inf) and every "
    "later one by 1 − βᵗ⁻¹; t starts at 1, 1 − beta ** (t + 1) with a 0-based index"
)
# a division by zero in ema: the bias correction's 1 − β⁰ in Python numbers (0-based t)
EMA_ERRORS = {"ZeroDivisionError": EMA_T_FROM_ZERO}

EMA_T_PLUS_ONE = N_(
    "the bias correction's exponent is one too many: the t-th value (t from 1) is divided by "
    "1 − βᵗ, not 1 − βᵗ⁺¹; with a 0-based index i that is 1 − beta ** (i + 1)"
)


def ema_reference(
    values: torch.Tensor, beta: float, bias_correction: bool = True, start: float | None = 0.0
) -> torch.Tensor:
    """The docstring's smoothing in float64, each sₜ divided by 1 − βᵗ where ``bias_correction``;
    from s₀ = ``start`` (None: the first value, a known mistake)."""
    s, smoothed = float(values[0]) if start is None else start, []
    for t, v in enumerate(values.double().tolist(), start=1):
        s = beta * s + (1 - beta) * v
        smoothed.append(s / (1 - beta**t) if bias_correction else s)
    return torch.tensor(smoothed, dtype=torch.float64)


@check("shape", public=True, exercise="ema", errors=EMA_ERRORS)
@pytest.mark.parametrize("beta, corrected", [(0.9, True), (0.9, False), (0.5, True)])
def test_ema(sub, beta, corrected):
    values = torch.rand(12, generator=gen(6)) * 4
    out = sub.run(probes.call, "ema", (values, beta), {"bias_correction": corrected})
    expected = ema_reference(values, beta, corrected).tolist()
    from_zero = [
        x * (1 - beta**t) / (1 - beta ** (t - 1)) if t > 1 else float("inf")
        for t, x in enumerate(expected, 1)
    ]
    expect_close(
        out,
        torch.tensor(expected, dtype=torch.float32),
        f"ema(values, beta={beta}, bias_correction={corrected})",
        rtol=1e-4,
        atol=1e-6,
        hint=(
            *(
                known(
                    EMA_UNCORRECTED,
                    torch.tensor([x * (1 - beta**t) for t, x in enumerate(expected, 1)]),
                    torch.tensor(expected),
                )
                if corrected
                else ()
            ),
            *(
                known(EMA_T_FROM_ZERO, torch.tensor(from_zero, dtype=torch.float32), torch.tensor(expected))
                if corrected
                else ()
            ),
            *(
                known(
                    EMA_T_PLUS_ONE,
                    torch.tensor(
                        [x * (1 - beta**t) / (1 - beta ** (t + 1)) for t, x in enumerate(expected, 1)]
                    ),
                    torch.tensor(expected),
                )
                if corrected
                else ()
            ),
            *known(
                EMA_FIRST_VALUE, ema_reference(values, beta, corrected, start=None), torch.tensor(expected)
            ),
            *(  # a correction where none is asked (EMA_UNCORRECTED says the other way round)
                ()
                if corrected
                else argument_ignored(
                    ema_reference, (values, beta), {"bias_correction": False}, "bias_correction", (True,)
                )
            ),
            "s₀ = 0, sₜ = β·sₜ₋₁ + (1 − β)·vₜ; divide by 1 − βᵗ (t from 1) when correcting",
        ),
    )


def probe_dataset(mod, indices):
    from grader.checks import dataset_path

    ds = mod.DiabetesDataset(str(dataset_path("diabetes.csv.gz")))
    n = len(ds)
    return n, [ds[i] for i in indices if i < n]  # rows past its own length: its length is told first


HEADER_SKIPPED = N_(
    "one row fewer than the file has lines: the file has no header line, its first line is a sample "
    "(np.loadtxt reads every line; skiprows=1, or pandas' default header, drops it)"
)


@check("shape", public=True, exercise="DiabetesDataset")
def test_diabetes_dataset(sub):
    x, y = load_diabetes()
    indices = [0, 1, 77, len(x) - 1]
    length, items = sub.run(probe_dataset, indices)
    expect(
        length == len(x),
        "len(DiabetesDataset(path))",
        f"{len(x)} rows",
        str(length),
        HEADER_SKIPPED if length == len(x) - 1 else "",
    )
    for i, item in zip(indices, items):
        expect(
            isinstance(item, (list, tuple)) and len(item) == 2,
            f"DiabetesDataset[{i}]",
            "(features, label)",
            type(item).__name__,
        )
        expect_close(
            item[0],
            x[i],
            f"features of row {i}",
            rtol=0,
            atol=0,
            hint=NUMPY_FLOAT64
            if getattr(item[0], "dtype", None) == torch.float64
            else "every column but the last, float32 (d,)",
        )
        expect_close(
            item[1],
            y[i],
            f"label of row {i}",
            rtol=0,
            atol=0,
            hint=NUMPY_FLOAT64
            if getattr(item[1], "dtype", None) == torch.float64
            else (
                Shaped(INTEGER_INDEX, lambda shape: shape == ()),
                "the last column as a float32 (1,) tensor: xy[i, [-1]]",
            ),
        )


# float64 rows: the table read with NumPy's default dtype and converted as it was
NUMPY_FLOAT64 = N_(
    "float64 is NumPy's default (np.loadtxt and np.array read float64) and torch.from_numpy keeps "
    "it: read the table as float32, np.loadtxt(..., dtype=np.float32), or convert with .float()"
)
# a label of shape () where (1,) is asked: the column taken by an integer index
INTEGER_INDEX = N_(
    "an integer index drops the axis it picks: xy[:, -1] (or xy[i, -1]) is one number per row, "
    "0-dim for a row; index the last column with a list or a slice, xy[:, [-1]] or xy[:, -1:], to keep it (1,)"
)


@check("shape", public=True, exercise="k_fold_indices")
@pytest.mark.parametrize("n, k", [(10, 3), (12, 4), (5, 5), (7, 2)])
def test_k_fold_indices(sub, n, k):
    # (n, k), then the strategies' sizes: k > n, remainders of 1 and of k − 3, k = n, drawn ones
    sizes = [(n, k), *strategies.split_sizes(89 + n)]
    found = sub.run(probes.calls, "k_fold_indices", sizes, {})
    expect(
        isinstance(found, list) and len(found) == len(sizes), "k_fold_indices", "a result", describe(found)
    )
    for (n, k), folds in zip(sizes, found):
        expect_folds(folds, n, k)


CHUNKED_HINT = N_(
    "these are torch.chunk's sizes: chunk(k) cuts parts of ⌈n/k⌉, the last one short (and fewer "
    "than k parts where they run out); torch.tensor_split(indices, k) makes k folds, the first "
    "n % k one longer"
)


# torch.split(k) read as NumPy's np.split(a, k): torch's takes a part's size, not a count of parts
SPLIT_BY_SIZE_HINT = N_(
    "these are torch.split's parts: split(k) cuts parts of k indices each (⌈n/k⌉ parts), unlike "
    "np.split(a, k), which cuts k parts; torch.tensor_split(indices, k) makes k folds, the first "
    "n % k one longer"
)


def expect_folds(folds, n, k):
    """k_fold_indices(n, k) against torch.arange(n).tensor_split(k)."""
    expected = list(torch.arange(n).tensor_split(k))
    sizes = (
        [f.numel() if isinstance(f, torch.Tensor) else None for f in folds] if isinstance(folds, list) else []
    )
    sizes_of = {
        CHUNKED_HINT: [c.numel() for c in torch.arange(n).chunk(k)],
        SPLIT_BY_SIZE_HINT: [c.numel() for c in torch.arange(n).split(k)],
    }
    told = next((h for h, made in sizes_of.items() if sizes == made != [e.numel() for e in expected]), "")
    expect(
        isinstance(folds, list) and len(folds) == k,
        f"k_fold_indices({n}, {k})",
        f"a list of {k} folds",
        type(folds).__name__ if not isinstance(folds, list) else f"{len(folds)} folds",
        told,
    )
    for i, (got, want) in enumerate(zip(folds, expected)):
        expect_close(
            got,
            want,
            f"fold {i} of k_fold_indices({n}, {k})",
            rtol=0,
            atol=0,
            hint=told or "contiguous folds; the first n % k folds hold one extra index",
        )


# -- convergence: logistic regression trained with your SGD ----------------------------------


def probe_train_logistic(mod, x_train, y_train, x_test, seed):
    kit.manual_seed(0)
    model = nn.Linear(x_train.shape[1], 1)
    optimizer = mod.SGD(model.parameters(), lr=0.1, momentum=0.9)
    g = torch.Generator().manual_seed(seed)
    curve = {"loss": [], "every": "epoch"}  # the first batch's loss, then each epoch's mean
    for _ in range(30):
        total = 0.0
        for batch in torch.randperm(len(x_train), generator=g).split(32):
            loss = F.binary_cross_entropy_with_logits(model(x_train[batch]), y_train[batch])
            if not curve["loss"]:
                curve["loss"].append(float(loss.detach()))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(batch)
        curve["loss"].append(total / len(x_train))
    with torch.no_grad():
        return model(x_test), curve


# Held-out accuracy with torch.optim.SGD (lr 0.1, momentum 0.9, 30 epochs of batch 32, 75/25 split),
# split seeds 0–19: min 0.729, median 0.774, max 0.827; its margin over the split's majority class:
# min 0.060, median 0.109. The check asks for 0.70 and 0.03 over the majority class. The mean training
# loss of the 30th epoch (`python tests/grader/measure_curves.py logistic_regression_learns_diabetes_with_your_sgd`):
# min 0.409, median 0.442, max 0.464.
FINAL_LOSS = (0.409, 0.464)


@check("convergence", points=2, exercise="SGD")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_logistic_regression_learns_diabetes_with_your_sgd(sub, seed):
    seed = inputs.seed_among(seed)
    x_train, y_train, x_test, y_test = held_out_split(load_diabetes, seed)
    scores, curve = with_curve(sub.run(probe_train_logistic, x_train, y_train, x_test, seed))
    accuracy, majority = binary_accuracy(scores, y_test, 0, "held-out scores")
    expect_learned(
        accuracy >= max(0.70, majority + 0.03),
        f"held-out accuracy of a logistic regression trained with your SGD (split seed {seed})",
        f"at least {max(0.70, majority + 0.03):.1%} (always guessing the majority gives {majority:.1%})",
        f"{accuracy:.1%}",
        curve,
        "if it does not learn, check the sign of the update and the momentum buffer",
        FINAL_LOSS,
    )


# -- devices -------------------------------------------------------------------------------


def probe_optimizer_on(mod, name, device, options):
    p = torch.ones(3, device=device, requires_grad=True)
    optimizer = getattr(mod, name)([p], **options)
    for _ in range(2):
        p.grad = torch.full_like(p, 0.5)
        optimizer.step()
    return [str(p.device)] + sorted(
        {
            str(v.device)
            for s in optimizer.state.values()
            for v in s.values()
            if isinstance(v, torch.Tensor) and v.dim() > 0
        }
    )


def probe_optimizer_on_second_device(mod, name, options, grads):
    """Parameters (a 3-vector of ones) on the second device, stepped with ``grads``; the final
    parameters, and the state's tensors of more than one element (they live with the parameters)."""
    getattr(mod, name)(
        [torch.ones(1, requires_grad=True)], **options
    )  # a stub raises NotImplementedError here

    def run():
        p = torch.ones(3, device=kit.SECOND_DEVICE, requires_grad=True)
        optimizer = getattr(mod, name)([p], **options)
        for g in grads:
            p.grad = g.to(kit.SECOND_DEVICE)
            optimizer.step()
        state = [
            v
            for s in optimizer.state.values()
            for v in s.values()
            if isinstance(v, torch.Tensor) and v.dim() > 0
        ]
        return [p.detach(), *state]

    return kit.device_trace(run)


@check("device", public=True)
@pytest.mark.parametrize(
    "name, options",
    [("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1}), ("Adam", {"lr": 0.1, "weight_decay": 0.1})],
    ids=["SGD", "Adam"],
)
def test_optimizer_state_on_the_parameters_device(sub, name, options):
    grads = [torch.randn(3, generator=gen(60 + t)) for t in range(3)]
    trace = sub.run(probe_optimizer_on_second_device, name, options, grads)
    what = f"{name}.step on parameters of a second device (standing in for a GPU)"
    got = expect_same_device(trace, what)
    p = torch.ones(3, requires_grad=True)
    reference = getattr(torch.optim, name)([p], **options)
    for g in grads:
        p.grad = g.clone()
        reference.step()
    expect(isinstance(got, list) and len(got) >= 1, what, "the parameters", describe(got))
    expect_close(got[0], p.detach(), f"{what}: the parameters after {len(grads)} steps", rtol=1e-5, atol=1e-6)


@check("device", cuda=True)
@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_optimizer_on_cuda(sub, name, device):
    devices = sub.run(probe_optimizer_on, name, device, {"lr": 0.1, "weight_decay": 0.1})
    expect(
        all(d.startswith("cuda") for d in devices),
        f"{name} on CUDA parameters",
        "parameters and state on cuda",
        ", ".join(devices),
    )


# -- edge inputs and the states real training reaches -----------------------------------------


@check(
    "shape", public=True, exercise="closed_form_linear_regression"
)  # w (d,) for y (n,), (d, k) for y (n, k)
def test_closed_form_edge_shapes(sub):
    g = gen(80)
    cases = []
    for n, d, k in strategies.matrix_sizes(80):
        X = torch.randn(n + d + 3, d, generator=g, dtype=F64)
        for y_shape in [(len(X),), (len(X), 1), (len(X), k)]:
            cases.append((X, y_shape, torch.randn(y_shape, generator=g, dtype=F64)))
    answers = probes.each_call(sub, "closed_form_linear_regression", [((X, y), {}) for X, _, y in cases])
    for (X, y_shape, y), w in zip(cases, answers):
        solution = torch.linalg.lstsq(X, y if y.dim() == 2 else y[:, None]).solution
        expect_close(
            w,
            solution if y.dim() == 2 else solution[:, 0],
            f"closed_form_linear_regression, X {tuple(X.shape)}, y {y_shape}",
            rtol=1e-9,
            atol=1e-10,
            hint="w (d,) for y (n,) and (d, k) for y (n, k), k = 1 and d = 1 included: no squeeze()",
        )


def probe_iterator(mod, n, batch_size, shuffle, seed):
    it = mod.minibatch_indices(n, batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))
    is_iterator = hasattr(it, "__next__") and iter(it) is it
    return {"is_iterator": is_iterator, "type": type(it).__name__, "batches": list(it)}


@check("shape", public=True, exercise="minibatch_indices")  # "an iterator of int64 tensors"
@pytest.mark.parametrize("n, batch_size", [(7, 3), (1, 4), (6, 6)])
def test_minibatch_indices_is_an_iterator(sub, n, batch_size):
    got = sub.run(probe_iterator, n, batch_size, True, 81)
    expect(isinstance(got, dict), "minibatch_indices", "a result", type(got).__name__)
    expect(
        got["is_iterator"] is True,
        f"minibatch_indices({n}, {batch_size})",
        "an iterator (next() works on it: a generator, or iter(...) of the batches)",
        f"a {got['type']}",
        "yield each batch, or return iter(order.split(batch_size))",
    )


class _AliasedSGD(torch.optim.SGD):
    """torch.optim.SGD whose first momentum buffer is p.grad itself, not a copy (where no weight
    decay made the gradient a new tensor): zero_grad(set_to_none=False) then zeroes it."""

    @torch.no_grad()
    def step(self, closure=None):
        fresh = [
            (p, group)
            for group in self.param_groups
            for p in group["params"]
            if p.grad is not None and self.state[p].get("momentum_buffer") is None
        ]
        loss = super().step(closure)
        for p, group in fresh:
            if group["momentum"] and not group["weight_decay"]:
                self.state[p]["momentum_buffer"] = p.grad
        return loss


class _GroupStepAdam(torch.optim.Adam):
    """torch.optim.Adam whose step count t is the group's, counted at every step(), not each
    parameter's own: a parameter without a gradient at some steps is bias-corrected by a t too large."""

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            group["_t"] = group.get("_t", 0) + 1
            for p in group["params"]:
                if p.grad is not None:
                    state = self.state[p]
                    if not state:
                        state.update(exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
                    state["step"] = torch.tensor(float(group["_t"] - 1))  # Adam adds the 1
        return super().step(closure)


def _stopping(optimizer: type) -> type:
    """``optimizer`` whose step stops at the first parameter without a gradient (break, not continue)."""

    class Stopping(optimizer):
        @torch.no_grad()
        def step(self, closure=None):
            kept = [group["params"] for group in self.param_groups]
            for group in self.param_groups:
                params = group["params"]
                group["params"] = params[
                    : next((k for k, p in enumerate(params) if p.grad is None), len(params))
                ]
            try:
                return super().step(closure)
            finally:
                for group, params in zip(self.param_groups, kept):
                    group["params"] = params

    return Stopping


ALIASED_BUFFER = N_(
    "the first momentum buffer is p.grad itself, not a copy (buf = g or g.detach() share its "
    "memory): zero_grad(set_to_none=False) zeroes it in place and backward() writes the next "
    "gradient into it; copy it, torch.clone(g).detach()"
)
STOPPED_AT_NONE = N_(
    "the parameters after one without a gradient were left as they were: skip a parameter whose "
    ".grad is None with continue, not break"
)
GROUP_STEP = N_(
    "the step count t is counted per step() call, not per parameter: a parameter without a gradient "
    "at some steps has taken fewer steps, and its bias correction needs its own t, self.state[p]['step']"
)
STATE_WALKERS = (  # (hint, a stand-in for torch.optim with one known mistake)
    (ALIASED_BUFFER, type("aliased", (), {"SGD": _AliasedSGD})),
    (GROUP_STEP, type("group_step", (), {"Adam": _GroupStepAdam})),
    (
        STOPPED_AT_NONE,
        type("stopped", (), {"SGD": _stopping(torch.optim.SGD), "Adam": _stopping(torch.optim.Adam)}),
    ),
)


def probe_training_states(mod, name, options, inits, data):
    """The optimiser as training drives it: backward() accumulating into .grad (twice before some
    steps), zero_grad(set_to_none=False) at some steps and True at others, and a parameter (the
    first) that takes part in the loss only at even steps, so it has no gradient at some steps
    and a zero one at others. Returns the parameters after every step."""
    params = [p.clone().requires_grad_(True) for p in inits]
    optimizer = getattr(mod, name)(params, **options)
    trajectory = []
    for t, (x0, x1) in enumerate(data):
        optimizer.zero_grad(set_to_none=t % 3 == 0)
        loss = ((params[1] * x1).sum() - 1) ** 2 + 0.1 * (params[2] ** 2).sum()
        if t % 2 == 0:
            loss = loss + (params[0] * x0).sum() ** 2
        loss.backward()
        if t % 4 == 1:
            (params[1] ** 2).sum().backward()  # accumulates into params[1].grad
        optimizer.step()
        trajectory.append([p.detach().clone() for p in params])
    return trajectory


TRAINING_STATE_CASES = {
    N_("SGD momentum"): ("SGD", {"lr": 0.05, "momentum": 0.9}),
    N_("SGD dampening weight decay"): (
        "SGD",
        {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01},
    ),
    N_("SGD nesterov"): ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    "Adam": ("Adam", {"lr": 0.02}),
    N_("Adam weight decay"): ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "weight_decay": 0.05}),
}


@check("gradient", public=True, exercise=lambda p: TRAINING_STATE_CASES[p["case"]][0])
@pytest.mark.parametrize("case", sorted(TRAINING_STATE_CASES))
def test_optimizer_in_training_states(sub, case):
    name, options = TRAINING_STATE_CASES[case]
    g = gen(82)
    # parameter shapes from the strategies' "any shape" (a 0-dim one, unit axes, non-square)
    shapes = strategies.any_shapes(82)
    at = sorted(TRAINING_STATE_CASES).index(case)
    shapes = [shapes[(at + i) % len(shapes)] for i in (0, 3, 5)]
    inits = [torch.randn(shape, generator=g, dtype=F64) for shape in shapes]
    data = [tuple(torch.randn(shape, generator=g, dtype=F64) for shape in shapes[:2]) for _ in range(12)]
    got = sub.run(probe_training_states, name, options, inits, data)
    expected = probe_training_states(torch.optim, name, options, inits, data)
    # the known mistakes of this drive, walked by torch's own optimiser so altered: only where the
    # answer strays from torch's path (their hints word a failure)
    mistaken = (
        []
        if battery.agrees(got, expected, 1e-10, 1e-10)
        else [
            (text, probe_training_states(walker, name, options, inits, data))
            for text, walker in STATE_WALKERS
            if hasattr(walker, name)
        ]
    )
    expect(
        isinstance(got, list) and len(got) == len(expected),
        f"{case}",
        f"{len(expected)} steps",
        describe(got),
    )
    for t, (step_got, step_want) in enumerate(zip(got, expected)):
        for i, (p_got, p_want) in enumerate(zip(step_got, step_want)):
            expect_close(
                p_got,
                p_want,
                f"{case}: parameter {i} {tuple(p_want.shape)} after step {t + 1} (gradients accumulated by backward(), "
                "zero_grad(set_to_none=False) at some steps, parameter 0 without a gradient at some)",
                rtol=1e-10,
                atol=1e-10,
                hint=(
                    *(hint for text, walk in mistaken for hint in known(text, walk[t][i], p_want)),
                    "each parameter moves only at the steps where it has a gradient, from its own state "
                    "(its buffers, its step count) as its own last step left it",
                ),
            )


def probe_dataset_reads(mod, name, indices):
    """DiabetesDataset over the shipped table ``name``, counting the opens of its file:
    (len, the items at ``indices``, opens after __init__ returned)."""
    import builtins

    from grader.checks import dataset_path

    path = str(dataset_path(name))
    opened = []
    real_open = builtins.open

    def counting_open(file, *args, **kwargs):
        if str(file) == path:
            opened.append(file)
        return real_open(file, *args, **kwargs)

    builtins.open = counting_open
    try:
        ds = mod.DiabetesDataset(path)
        at_init = len(opened)
        length = len(ds)
        items = [ds[i] for i in indices if i < length]  # rows past its own length: its length is told first
    finally:
        builtins.open = real_open
    return {"len": length, "items": items, "reopened": len(opened) - at_init}


@check("shape", public=True, exercise="DiabetesDataset")  # d = the table's feature count
@pytest.mark.parametrize("table", ["diabetes.csv.gz", "digits.csv.gz"])
def test_diabetes_dataset_any_width(sub, table):
    xy = torch.from_numpy(np.loadtxt(dataset_path(table), delimiter=",", dtype=np.float32))
    indices = strategies.indices(83, len(xy))  # the first row, the last, drawn ones
    got = sub.run(probe_dataset_reads, table, indices)
    expect(isinstance(got, dict), "DiabetesDataset", "a result", describe(got))
    expect(
        got["len"] == len(xy),
        f"len of the dataset over {table}",
        str(len(xy)),
        str(got["len"]),
        HEADER_SKIPPED if got["len"] == len(xy) - 1 else "",
    )
    for i, item in zip(indices, got["items"]):
        expect(
            isinstance(item, (list, tuple)) and len(item) == 2,
            f"ds[{i}]",
            "(features, label)",
            describe(item),
        )
        expect_close(
            item[0],
            xy[i, :-1],
            f"features of row {i} of {table} ({xy.shape[1] - 1} feature columns, the label last)",
            rtol=0,
            atol=0,
            hint="xy[:, :-1]: every column but the last, however many the file has",
        )
        expect_close(item[1], xy[i, -1:], f"label of row {i} of {table}", rtol=0, atol=0)


@check("shape", public=True, exercise="DiabetesDataset", clause="side effects")  # "Read it once in __init__"
def test_diabetes_dataset_reads_its_file_once(sub):
    got = sub.run(probe_dataset_reads, "diabetes.csv.gz", [0, 1, 2, 3])
    expect(isinstance(got, dict), "DiabetesDataset", "a result", describe(got))
    expect(
        got["reopened"] == 0,
        "the file while indexing the dataset (ds[i] four times, then len(ds))",
        "read once, in __init__",
        f"opened {got['reopened']} more times",
        "load the table in __init__ and keep the tensors; __getitem__ only indexes them",
    )


@check(
    "shape", public=True, exercise="ema", errors=EMA_ERRORS
)  # values of any length: loss curves run for thousands of steps
@pytest.mark.parametrize("beta, corrected", [(0.9, True), (0.98, False)])
def test_ema_long_curves(sub, beta, corrected):
    # the strategies' lengths: one value, two, a long curve (2000 steps), drawn ones
    curves = [torch.rand(n, generator=gen(84)) * 4 + 1 for n in strategies.lengths(84, long=2000)]
    found = sub.run(
        probes.calls, "ema", [(values, beta) for values in curves], {"bias_correction": corrected}
    )
    expect(isinstance(found, list) and len(found) == len(curves), "ema", "a result", describe(found))
    for values, out in zip(curves, found):
        s, expected = 0.0, []
        for t, v in enumerate(values.double().tolist(), start=1):
            s = beta * s + (1 - beta) * v
            expected.append(s / (1 - beta**t) if corrected else s)
        expect_close(
            out,
            torch.tensor(expected, dtype=torch.float32),
            f"ema of {len(values)} float32 values, beta={beta}, bias_correction={corrected}",
            rtol=1e-4,
            atol=1e-6,
            hint="run the recursion sₜ = β·sₜ₋₁ + (1 − β)·vₜ: weights β⁻ᵗ overflow float32 after a few hundred steps",
        )


# every dimension of every exercise's input domain (grader/checks/domains.py), one probe call each
@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("optim"))
def test_input_domain(sub, name):
    battery.run(sub, "optim", name)
