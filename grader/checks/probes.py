"""Generic probes shared by the suites, and the trusted side's share of their checks. A probe's
source is shipped to the worker: it uses only its arguments and the worker's namespace
(docs/checks.md, "Writing a check"), and returns plain data for the trusted judge. A probe whose
first argument is a string runs under that name (the module probes' ``subject``), which the
session uses in error and timeout messages and to remember stalls."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from grader.base.i18n import N_
from grader.sandboxed import probe_kit as kit


def call(mod: Any, name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``mod.name(*args, **kwargs)``."""
    return getattr(mod, name)(*args, **kwargs)


def call_recorded(
    mod: Any,
    name: str,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    helpers: tuple[str, ...] = (),
    off: Sequence[str] = (),
) -> tuple[Any, dict[str, dict[str, Any]]]:
    """(result, {name of a torch function or aten op the call used: where in the submission}),
    ops inside ``helpers`` (the learner's functions the docstring tells them to use) left out;
    the aten ops among ``off`` (the exercise's twins) replaced while the call runs, in every
    thread: the result is ``kit.OFF_LIMITS_MARK`` when one was called (``kit.off_limits``)."""
    return kit.ops_used(lambda: getattr(mod, name)(*args, **kwargs), mod, helpers, off)


Case = tuple[Sequence[Any], dict[str, Any]]  # a call's positional and keyword arguments


def calls_each(mod: Any, name: str, cases: Sequence[Case], seed: int, off: Sequence[str] | None) -> list[Any]:
    """What :func:`call` (``off`` None) or :func:`call_recorded` (with ``off``) answers for each
    case, each after ``kit.manual_seed(seed)`` as a probe call of its own starts: the answers
    up to the first case that raises, which the trusted side asks again alone (:func:`each_call`)."""
    found = []
    for args, kwargs in cases:
        kit.manual_seed(seed)
        try:
            if off is None:
                found.append(getattr(mod, name)(*args, **kwargs))
            else:

                def one(a: Sequence[Any] = args, k: dict[str, Any] = kwargs) -> Any:
                    return getattr(mod, name)(*a, **k)

                found.append(kit.ops_used(one, mod, (), off))
        except BaseException:
            break
    return found


def each_call(sub: Any, name: str, cases: Sequence[Case], off: Sequence[str] | None = None) -> Iterator[Any]:
    """On the trusted side: for each (args, kwargs) in order, what ``sub.run(call, name, args,
    kwargs)`` (or ``call_recorded`` with ``off``) gives, from one probe call for all of them, a
    case that raised asked again alone as docs/checks.md says; the calls are given the time and
    CPU of one call a case."""
    off = None if off is None else tuple(off)
    cases = [(tuple(args), dict(kwargs)) for args, kwargs in cases]
    batch = sub.attempt(calls_each, name, cases, 0, off, timeout=len(cases) * sub.timeout)
    answered = batch if isinstance(batch, list) else []
    for index, (args, kwargs) in enumerate(cases):
        if index < len(answered):
            yield answered[index]
        elif off is None:
            yield sub.run(call, name, args, kwargs)
        else:
            yield sub.run(call_recorded, name, args, kwargs, off=off)


def calls(mod: Any, name: str, arg_sets: Sequence[Sequence[Any]], kwargs: dict[str, Any]) -> list[Any]:
    """``[mod.name(*args, **kwargs) for args in arg_sets]``: one probe call for a check's cases."""
    return [getattr(mod, name)(*args, **kwargs) for args in arg_sets]


def calls_recorded(
    mod: Any,
    name: str,
    arg_sets: Sequence[Sequence[Any]],
    kwargs: dict[str, Any],
    helpers: tuple[str, ...] = (),
    off: Sequence[str] = (),
) -> list[tuple[Any, dict[str, dict[str, Any]]]]:
    """:func:`call_recorded` for each argument set, in one probe call."""
    found = []
    for args in arg_sets:

        def one(a: Sequence[Any] = args) -> Any:
            return getattr(mod, name)(*a, **kwargs)

        found.append(kit.ops_used(one, mod, helpers, off))
    return found


def gradients(
    mod: Any, name: str, args: Sequence[Any], kwargs: dict[str, Any], upstream: Any, wrt: Sequence[int]
) -> tuple[Any, list[torch.Tensor | None]]:
    """(output, grads): backward of sum(output · upstream) to the positional args in ``wrt``."""
    leaves = [
        a.detach().clone().requires_grad_(i in wrt) if isinstance(a, torch.Tensor) else a
        for i, a in enumerate(args)
    ]
    out = getattr(mod, name)(*leaves, **kwargs)
    (out * upstream).sum().backward()
    return out, [leaves[i].grad for i in wrt]


def on_second_device(mod: Any, name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Run on copies of the inputs on the second device (``kit.second_device``: a stand-in for a
    GPU with real data and CUDA's same-device rule), then on the inputs themselves.

    Tensors nested in lists and tuples (``rnn_forward``'s params) are moved too. Returns the
    device trace (``kit.device_trace``) with the CPU result under ``"real"``, so that a suite can
    insist on a correct answer before it credits device handling.
    """
    moved = kit.to_second_device(args)
    trace = kit.device_trace(lambda: getattr(mod, name)(*moved, **kwargs))
    return {**trace, "real": getattr(mod, name)(*args, **kwargs)}


# The worker's words of a device mismatch or refusal (grader/sandboxed/stand_in.py cannot import the
# catalogue): templates that judge's text() matches the shown mismatch against
DEVICE_MISMATCHES = (
    N_("{0} on tensors of {1} and one of shape {2} on {3}"),
    N_("a copy of values of {0} into a tensor on {1} (a buffer created without device=)"),
    N_("{0} on a tensor of shape {1} that torch made without its values: {2} cannot compute it exactly"),
    N_("the second device"),
)


def on_device(
    mod: Any, name: str, args: Sequence[Any], kwargs: dict[str, Any], device: str
) -> tuple[torch.Tensor, str]:
    """(result moved to the CPU, the device the result was on) for inputs moved to ``device``."""
    moved = [a.to(device) if isinstance(a, torch.Tensor) else a for a in args]
    out = getattr(mod, name)(*moved, **kwargs)
    return out.cpu(), str(out.device)


def call_watching_inputs(
    mod: Any, name: str, args: Sequence[Any], kwargs: dict[str, Any]
) -> tuple[Any, list[bool]]:
    """(result, for each tensor argument: were its values left as they were?)."""
    before = [a.detach().clone() if isinstance(a, torch.Tensor) else None for a in args]
    result = getattr(mod, name)(*args, **kwargs)
    return result, [b is None or kit.same_values(b, a.detach()) for a, b in zip(args, before)]


def inputs_after_call(
    mod: Any, name: str, args: Sequence[Any], kwargs: dict[str, Any], tracked: Sequence[int]
) -> tuple[Any, list[dict[str, Any] | None]]:
    """(result, each argument after the call): the call gets fresh copies of the tensor arguments,
    those at the indices in ``tracked`` requiring grad with a ``.grad`` of 5s; a tensor comes back
    as ``{"values", "requires_grad", "grad"}`` for the judge to compare with the originals."""
    copies = [a.detach().clone() if isinstance(a, torch.Tensor) else a for a in args]
    for i in tracked:
        copies[i].requires_grad_(True)
        copies[i].grad = torch.full_like(copies[i], 5.0)
    result = getattr(mod, name)(*copies, **kwargs)
    after = [
        {
            "values": a.detach().clone(),
            "requires_grad": a.requires_grad,
            "grad": None if a.grad is None else a.grad.detach().clone(),
        }
        if isinstance(a, torch.Tensor)
        else None
        for a in copies
    ]
    return result, after


def op_counts(
    mod: Any, name: str, arg_sets: Sequence[Sequence[Any]], kwargs: dict[str, Any]
) -> list[list[int]]:
    """For each argument set, ``[aten ops, lines of the submission's Python]`` ``mod.name`` runs
    (vectorisation: neither may grow with the input size, :func:`kit.count_work`)."""
    counts = []
    for args in arg_sets:

        def one(a: Sequence[Any] = args) -> Any:
            return getattr(mod, name)(*a, **kwargs)

        counts.append(list(kit.count_work(one)[1:]))
    return counts


def costed_call(
    mod: Any, name: str, shapes: Sequence[Sequence[int]], seed: int, reference: str = ""
) -> str | dict[str, Any]:
    """One call on inputs drawn here, ``torch.rand(shape) + 0.1`` for each shape from a generator
    seeded ``seed`` (large inputs cross no pipe): of ``mod.name``, or of ``reference`` (an
    expression of ``args``: the trusted reference) when given. What it cost is read by the
    trusted side (``sub.run_costed``); it returns a summary of the result for the judge: its
    shape and dtype, its sum and 64 of its values."""
    g = torch.Generator().manual_seed(seed)
    args = [torch.rand(shape, generator=g) + 0.1 for shape in shapes]
    out = eval(reference, {"torch": torch}, {"args": args}) if reference else getattr(mod, name)(*args)
    if not isinstance(out, torch.Tensor):
        return f"<not plain data: {type(out).__name__}>"
    flat = out.detach().reshape(-1)
    step = max(1, flat.numel() // 64)
    return {
        "shape": tuple(out.shape),
        "dtype": out.dtype,
        "sum": float(flat.double().sum()),
        "sample": flat[::step][:64].clone(),
    }


def train_classifier(
    mod: Any,
    cls: str,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_test: torch.Tensor,
    seed: int,
    epochs: int,
    lr: float,
    batch_size: int = 64,
) -> tuple[Any, dict[str, Any]]:
    """Train ``mod.cls(*args, **kwargs)`` with Adam and cross-entropy on seeded shuffled mini-batches;
    return its scores on the held-out inputs (their labels stay with the judge) and its training
    curve (:mod:`grader.checks.judging.curves`): point 0 is the first batch's loss and accuracy at initialisation,
    then each epoch's sample-weighted mean of the batch losses and accuracies the loop computed."""
    kit.manual_seed(seed)
    model = getattr(mod, cls)(*args, **kwargs)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    order = torch.Generator().manual_seed(seed)
    losses: list[float] = []
    metrics: list[float] = []
    model.train()
    for _ in range(epochs):
        total, correct = 0.0, 0.0
        for batch in torch.randperm(len(x_train), generator=order).split(batch_size):
            scores = model(x_train[batch])
            loss = F.cross_entropy(scores, y_train[batch])
            value, hits = float(loss.detach()), float((scores.argmax(1) == y_train[batch]).sum())
            if not losses:
                losses.append(value)
                metrics.append(hits / len(batch))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, correct = total + value * len(batch), correct + hits
        losses.append(total / len(x_train))
        metrics.append(correct / len(x_train))
    model.eval()
    with torch.no_grad():
        return model(x_test), {"loss": losses, "metric": metrics, "every": "epoch"}


def modules_on_second_device(
    mod: Any, subject: str, builds: Sequence[tuple[str, Sequence[Any], dict[str, Any], Sequence[Any]]]
) -> list[dict[str, Any]]:
    """For each build ``(cls, args, kwargs, inputs)``: ``mod.cls(*args, **kwargs)`` built under seed 0
    and run on the inputs on the CPU, then moved to the second device and run on copies of the
    inputs there (both runs under seed 2: dropout draws the same masks). One device trace per
    build, as :func:`on_second_device`, its ``"real"`` the CPU output of the same weights.
    An input is a tensor or a shape, drawn with ``torch.randn`` under seed 1; one input alone may be
    a module case's ``forward`` of several (keywords too: ``kit.fed``).
    """
    traces = []
    for cls, args, kwargs, inputs in builds:
        kit.manual_seed(0)
        model = getattr(mod, cls)(*args, **kwargs)
        kit.manual_seed(1)
        given, keywords = kit.fed(inputs[0]) if len(inputs) == 1 else (inputs, {})
        xs = [torch.randn(x) if isinstance(x, (tuple, list)) else x for x in given]
        kit.manual_seed(2)
        real = model(*xs, **keywords)
        moved, keywords = kit.to_second_device(xs), kit.to_second_device(keywords)
        # a second instance of the same seed, moved BEFORE its first forward: a layer built
        # lazily in forward would land on the CPU
        kit.manual_seed(0)
        fresh = getattr(mod, cls)(*args, **kwargs)

        def run(model: Any = fresh, moved: Any = moved, keywords: Any = keywords) -> Any:
            kit.manual_seed(2)
            return model.to(kit.SECOND_DEVICE)(*moved, **keywords)

        traces.append({**kit.device_trace(run), "real": real})
    return traces


def module_forward_backward(
    mod: Any,
    subject: str,
    cls: str,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    shapes: Sequence[Sequence[int]],
    count: Sequence[str],
) -> dict[str, Any]:
    """``mod.cls(*args, **kwargs)`` built under seed 0, its parameters redrawn, run on a
    ``torch.randn`` input of each shape; then backward of the sum of every output. The redraw
    (positive values about 1 / the fan-in) makes which parameters a gradient reaches show the
    wiring, not the initialisation: a zero-initialised head or torchvision's
    ``zero_init_residual`` (a block's last BatchNorm weight at 0) leaves the layers before it
    without a gradient at the start, rightly, and trains like the others. Then, in eval mode, the
    first of 4 inputs of the first shape alone and in its batch. Returns the ``"outputs"``, their
    ``"shapes"``, ``"eval_alone"`` (those two eval outputs, then the batch's first call), per parameter ``"grads"``: (its
    shape, Σ|grad| or None without a gradient), and the ``"count"`` of submodules that are
    instances of the classes named in ``count`` (``"nn.Conv2d"`` from torch, the others from the
    submitted module, where it defines them).
    """
    kit.manual_seed(0)
    model = getattr(mod, cls)(*args, **kwargs)
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(
                (torch.rand(p.shape, generator=g, dtype=p.dtype) + 0.5) / (p[0].numel() if p.dim() > 1 else 1)
            )
    outputs = [model(torch.randn(shape)) for shape in shapes]
    sum(o.sum() for o in outputs).backward()
    # a class the learner's file does not define counts nothing (a SmallResNet of BasicBlocks alone)
    found = (getattr(nn, name[3:]) if name.startswith("nn.") else getattr(mod, name, None) for name in count)
    kinds = tuple(kind for kind in found if isinstance(kind, type))
    counted = sum(isinstance(m, kinds) for m in model.modules())
    grads = [
        (tuple(p.shape), None if p.grad is None else float(p.grad.abs().sum())) for p in model.parameters()
    ]
    model.eval()  # a sample's output alone and within a batch (BatchNorm on its running statistics)
    with torch.no_grad():
        batch = torch.randn(4, *shapes[0][1:])
        first = model(batch)[:1]  # the same batch twice: an eval-mode model answers alike
        alone = (model(batch[:1]), model(batch)[:1], first)
    model.train()
    return {
        "shapes": [tuple(o.shape) for o in outputs],
        "outputs": [o.detach() for o in outputs],
        "eval_alone": alone,
        "grads": grads,
        "count": counted,
    }


def module_on_device(
    mod: Any,
    subject: str,
    cls: str,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    inputs: Sequence[Any],
    device: str,
    eval_mode: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(output on ``device``, moved to the CPU; output of the same weights on the CPU) of
    ``mod.cls(*args, **kwargs)`` built under seed 0 and moved to ``device`` (then put in eval mode
    with ``eval_mode``). An input is a tensor or a shape, drawn with ``torch.randn`` after the build."""
    kit.manual_seed(0)
    model = getattr(mod, cls)(*args, **kwargs).to(device)
    if eval_mode:
        model.eval()
    xs = [torch.randn(x) if isinstance(x, (tuple, list)) else x for x in inputs]
    return model(*[x.to(device) for x in xs]).cpu(), model.cpu()(*xs)


def module_layers(
    mod: Any, subject: str, cls: str, args: Sequence[Any], kwargs: dict[str, Any], shape: Sequence[int]
) -> dict[str, Any]:
    """``mod.cls(*args, **kwargs)`` built under seed 0 on a ``torch.randn(shape)`` input, its
    forward watched by hooks: the input's and the output's shapes and, per call of a layer without
    sublayers in call order (64 at most), its dotted ``name`` ("" when the model does not hold it),
    ``type``, the ``settings`` that size it, its ``input`` and ``output`` shapes (None for what is
    not one tensor) and whether its output ``is_output`` itself. Plain data only."""
    sizing = {
        "in_channels",
        "out_channels",
        "kernel_size",
        "stride",
        "padding",
        "in_features",
        "out_features",
    }
    sizing |= {"num_features", "normalized_shape", "output_size", "dilation"}
    kit.manual_seed(0)
    model = getattr(mod, cls)(*args, **kwargs)
    names = {id(m): n for n, m in model.named_modules()}
    layers: list[dict[str, Any]] = []
    outputs: list[Any] = []

    def plain(value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value

    def shown(value: Any) -> Any:
        if not isinstance(value, torch.Tensor):
            return None
        return [list(value.shape), str(value.dtype).removeprefix("torch."), value.device.type]

    def seen(layer: Any, given: Any, output: Any) -> None:
        if layer is model or len(layer._modules) or len(layers) >= 64:
            return
        first = given[0] if given else None
        settings = {
            k: plain(v) for k, v in vars(layer).items() if k in sizing and isinstance(v, (int, tuple))
        }
        outputs.append(output)
        layers.append(
            {
                "name": names.get(id(layer), ""),
                "type": type(layer).__name__,
                "settings": settings,
                "input": shown(first),
                "output": shown(output),
            }
        )

    hook = nn.modules.module.register_module_forward_hook(
        lambda layer, given, output: seen(layer, given, output)
    )
    x = torch.randn(shape)
    try:
        out = model(x)
    finally:
        hook.remove()
    for layer, output in zip(layers, outputs):
        layer["is_output"] = output is out
    return {"input": shown(x), "output": shown(out), "layers": layers}


# -- the trusted side's share (not probes: never shipped) ----------------------------------
