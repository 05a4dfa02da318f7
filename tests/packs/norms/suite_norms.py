"""Hidden suite for the norms pack: the battery over each exercise's declared domain, the clauses
derived from the declarations (devices, vectorised), plus what a domain cannot say: running
statistics across train and eval, their history, the modules' parameters and buffers by name and
order, and the modules' gradients."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from grader.checks import battery, check, derived_clauses, describe, expect_close, expect_tensor, fail

_BATCH = "F.batch_norm / torch.batch_norm / nn.BatchNorm1d / nn.BatchNorm2d / nn.BatchNorm3d"
_LAYER = "F.layer_norm / torch.layer_norm / nn.LayerNorm"
_RMS = "F.rms_norm / torch.rms_norm / nn.RMSNorm"
_OTHER = "F.group_norm / F.instance_norm"
# what each exercise's docstring puts off limits: {exercise: {aten op or torch name: as the learner writes it}}
_BATCH_OPS = {
    "batch_norm": _BATCH,
    "native_batch_norm": _BATCH,
    "_native_batch_norm_legit": _BATCH,
    "_native_batch_norm_legit_no_training": _BATCH,
    "_batch_norm_impl_index": _BATCH,
    "_batch_norm_with_update": _BATCH,
    "_batch_norm_no_update": _BATCH,
    "instance_norm": _OTHER,
    "layer_norm": _LAYER,
    "native_layer_norm": _LAYER,
    "group_norm": _OTHER,
    "native_group_norm": _OTHER,
}
_LAYER_OPS = {
    "layer_norm": _LAYER,
    "native_layer_norm": _LAYER,
    "group_norm": _OTHER,
    "native_group_norm": _OTHER,
    "instance_norm": _OTHER,
}
_RMS_OPS = {"rms_norm": _RMS, "_fused_rms_norm": _RMS, "layer_norm": _LAYER, "native_layer_norm": _LAYER}
OFF_LIMITS = {
    "layer_norm": _LAYER_OPS,
    "rms_norm": _RMS_OPS,
    "batch_norm": _BATCH_OPS,
    "BatchNorm1d": _BATCH_OPS,
    "RMSNorm": _RMS_OPS,
}
VECTORISED = ("layer_norm", "rms_norm", "batch_norm")  # no Python loops (read from the source)
# parameters that count dimensions (at most the rank): a loop over one is a loop over a shape
DIMENSION_COUNTS = {"layer_norm": ("dims",)}

SCALE, SHIFT = torch.tensor([0.5, -1.5, 2.0]), torch.tensor([0.3, 0.0, -0.7])


def _batches(seed: int) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [
        2.0 + 3.0 * torch.randn(5, 3, 4, generator=g),
        torch.randn(6, 3, generator=g),
        torch.randn(4, 3, generator=g),
    ]


def train_then_eval(mod, subject, batches, options, scale, shift):
    """BatchNorm1d(3, **options) given weight ``scale`` and bias ``shift``, trained on all but the
    last batch (the gradients of the first), then in eval mode on the last: its outputs, its
    running statistics after each call and the gradients."""
    model = getattr(mod, subject)(3, **options)
    with torch.no_grad():
        model.weight.copy_(scale)
        model.bias.copy_(shift)
    model.train()
    outs, stats, grads = [], [], None
    for i, x in enumerate(batches):
        if i == len(batches) - 1:
            model.eval()
        x = x.clone().requires_grad_(True)
        out = model(x)
        if i == 0:
            (out * torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape)).sum().backward()
            grads = [x.grad, model.weight.grad, model.bias.grad]
        outs.append(out.detach())
        stats.append([model.running_mean.detach().clone(), model.running_var.detach().clone()])
    return outs, stats, grads


def torch_train_then_eval(batches, options):
    """The same run on torch's own BatchNorm1d (the trusted side's formula; its defaults are the
    docstring's)."""
    torch_side = type("torch_side", (), {"BatchNorm1d": nn.BatchNorm1d})
    return train_then_eval(torch_side, "BatchNorm1d", batches, options, SCALE, SHIFT)


@check("shape", exercise="BatchNorm1d")
@pytest.mark.parametrize(
    "options", [{}, {"momentum": 0.5, "eps": 0.1}], ids=["defaults", "momentum 0.5, eps 0.1"]
)
def test_batch_norm_module_trains_then_evaluates(sub, options):
    batches = _batches(5)
    got = sub.run(train_then_eval, "BatchNorm1d", batches, options, SCALE, SHIFT)
    want = torch_train_then_eval(batches, options)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        fail("BatchNorm1d's run", "outputs, running statistics and gradients", describe(got))
    built = "BatchNorm1d(3{})".format("".join(f", {k}={v}" for k, v in options.items()))
    steps = ["training on x (5, 3, 4)", "training on x (6, 3)", "eval on x (4, 3)"]
    for step, out, stats, w_out, w_stats in zip(steps, got[0], got[1], want[0], want[1]):
        expect_close(out, w_out, f"{built}, {step}: the output")
        expect_close(stats[0], w_stats[0], f"{built} after {step}: running_mean")
        expect_close(stats[1], w_stats[1], f"{built} after {step}: running_var")
    for name, g, w in zip(("x", "weight", "bias"), got[2], want[2]):
        expect_close(g, w, f"{built} in training: the gradient with respect to {name}")


def layout(mod, subject, args):
    """The module's parameters and buffers: names in order, values, dtypes, and its state_dict's keys."""
    model = getattr(mod, subject)(*args)
    return (
        [(n, p.detach().clone()) for n, p in model.named_parameters()],
        [(n, b.detach().clone()) for n, b in model.named_buffers()],
        list(model.state_dict()),
    )


def _expect_named(got, want, what):
    names = [n for n, _ in got] if isinstance(got, list) else got
    if names != [n for n, _ in want]:
        fail(what, f"{[n for n, _ in want]}, in this order", describe(names))
    for (name, value), (_, expected) in zip(got, want):
        expect_tensor(value, f"{what}: {name}", shape=tuple(expected.shape), dtype=expected.dtype)
        expect_close(value, expected, f"{what}: {name}", rtol=0, atol=0)


@check("shape", exercise="BatchNorm1d")
def test_batch_norm_module_parameters_and_buffers(sub):
    got = sub.run(layout, "BatchNorm1d", (4,))
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        fail("BatchNorm1d(4)", "its parameters and buffers", describe(got))
    params, buffers, keys = got
    _expect_named(
        params, [("weight", torch.ones(4)), ("bias", torch.zeros(4))], "BatchNorm1d(4)'s parameters"
    )
    _expect_named(
        buffers,
        [("running_mean", torch.zeros(4)), ("running_var", torch.ones(4))],
        "BatchNorm1d(4)'s buffers",
    )
    if keys != ["weight", "bias", "running_mean", "running_var"]:
        fail("BatchNorm1d(4).state_dict()", "weight, bias, running_mean, running_var", describe(keys))


@check("shape", exercise="RMSNorm")
def test_rms_norm_module_parameters(sub):
    got = sub.run(layout, "RMSNorm", (5,))
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        fail("RMSNorm(5)", "its parameters and buffers", describe(got))
    _expect_named(got[0], [("weight", torch.ones(5))], "RMSNorm(5)'s parameters")
    if got[1]:
        fail("RMSNorm(5)'s buffers", "none", describe([n for n, _ in got[1]]))


def rms_gradients(mod, subject, x, weight):
    """RMSNorm(8, eps=0.01) with ``weight``: its output on x and the gradients of a weighted sum."""
    model = getattr(mod, subject)(8, eps=0.01)
    with torch.no_grad():
        model.weight.copy_(weight)
    x = x.clone().requires_grad_(True)
    out = model(x)
    (out * torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape)).sum().backward()
    return out.detach(), x.grad, model.weight.grad


@check("gradient", exercise="RMSNorm")
def test_rms_norm_module_gradients(sub):
    g = torch.Generator().manual_seed(9)
    x, weight = torch.randn(2, 3, 8, generator=g), torch.randn(8, generator=g)
    got = sub.run(rms_gradients, "RMSNorm", x, weight)
    leaves = [x.clone().requires_grad_(True), weight.clone().requires_grad_(True)]
    out = F.rms_norm(leaves[0], (8,), leaves[1], eps=0.01)
    (out * torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape)).sum().backward()
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        fail("RMSNorm(8, eps=0.01)", "an output and gradients", describe(got))
    expect_close(got[0], out.detach(), "RMSNorm(8, eps=0.01)(x (2, 3, 8))")
    expect_close(got[1], leaves[0].grad, "RMSNorm(8, eps=0.01): the gradient with respect to x")
    expect_close(got[2], leaves[1].grad, "RMSNorm(8, eps=0.01): the gradient of weight")


def running_history(mod, subject, x):
    """batch_norm in training on an x that requires grad: whether each running statistic then does."""
    stats = [torch.zeros(3), torch.ones(3)]
    out = getattr(mod, subject)(x.clone().requires_grad_(True), *stats, training=True)
    return [s.requires_grad or s.grad_fn is not None for s in stats], isinstance(
        out, torch.Tensor
    ) and out.requires_grad


@check("gradient", exercise="batch_norm")
def test_running_statistics_carry_no_history(sub):
    x = torch.randn(6, 3, generator=torch.Generator().manual_seed(11))
    got = sub.run(running_history, "batch_norm", x)
    if not isinstance(got, (tuple, list)) or len(got) != 2 or not got[1]:
        fail(
            "batch_norm(x, ..., training=True) with x requiring grad",
            "an output with a gradient",
            describe(got),
        )
    if any(got[0]):
        fail(
            "the running statistics after batch_norm in training",
            "no gradient history (update them under torch.no_grad() or from detached statistics)",
            "a grad_fn",
        )


# the clauses the declarations state, derived (grader/checks/derived_clauses.py): every way a
# declared case calls an exercise on a second device standing in for a GPU
@check("device", public=True)
@pytest.mark.parametrize("name", derived_clauses.device_exercises("norms"))
def test_on_a_second_device(sub, name):
    derived_clauses.on_device(sub, "norms", name)


# ...and "vectorised" for each exercise VECTORISED names (its source read for loops too)
@check("shape", clause="vectorised")
@pytest.mark.parametrize("name", VECTORISED)
def test_vectorised_as_declared(sub, name):
    derived_clauses.vectorised(sub, "norms", name, DIMENSION_COUNTS.get(name, ()))


# every dimension of every exercise's input domain (domains_norms.py), one probe call each
@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("norms"))
def test_input_domain(sub, name):
    battery.run(sub, "norms", name)
