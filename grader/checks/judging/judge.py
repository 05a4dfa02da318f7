"""Assertions for hidden suites, judged in the trusted process in docs/design.md's order of
judging; a failure raises :class:`CheckFailed`, whose message teaches (what was checked, what was
expected, what came out, a hint tied to the concept), never with the test's source."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import torch

from grader.base.i18n import N_, _, text
from grader.checks.hints import made_hints
from grader.checks.hints.relations import (
    FLOAT32_ULPS,
    SIGN_LOST,
    Hint,
    Keyed,
    absolute,
    chosen,
    explains,
    float32_only,
    position,
    reshaped,
    worst,
)
from grader.checks.judging import curves
from grader.checks.verdict import places
from grader.checks.verdict.described import PAIR_HINT, REDUCED_PAIR, describe, values_and_indices
from grader.checks.verdict.error_types import NUMPY
from grader.checks.verdict.failed import (
    INF_HINT,
    NAN_HINT,
    SPEAKS_OF_NAN,
    SUBCLASS_HINT,
    TENSORS_HINT,
    TYPE,
    TYPE_HINT,
    CheckFailed,
    TwinUsed,
    dims_hint,
    expect,
    fail,
    hinted,
    mistake_cause,
    worded,
)
from grader.sandboxed.codec_format import FROM_NUMPY
from grader.sandboxed.probe_kit import OFF_LIMITS_MARK, STARVED, SUBCLASS_MARK


def with_curve(result: Any) -> tuple[Any, Any]:
    """A training probe's ``(answer, curve)``; anything else is an answer without a curve."""
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return result[0], result[1]
    return result, None


def expect_learned(
    condition: bool,
    what: str,
    expected: str,
    got: str,
    curve: Any,
    hint: str = "",
    reference_band: tuple[float, float] | None = None,
) -> None:
    """:func:`expect` for a convergence check. On failure the message also names the shape of the
    training curve the probe recorded (:func:`grader.checks.judging.curves.shape_of`: NaN, diverged, flat, slower
    than ``reference_band`` — correct code's final losses — or learned), draws it as a sparkline and
    leads the hint with what that shape usually means; the curve rides along for the results."""
    if condition:
        return
    cleaned = curves.clean(curve)
    if cleaned is None:
        fail(what=what, expected=expected, got=got, hint=hint)
        return
    label, line = curves.describe(cleaned, reference_band)
    message = worded(what, expected, got) + f"\n  {line}"
    message += hinted("; ".join(text(h) for h in (curves.HINTS[label], hint) if h))
    band = {"band": [float(v) for v in reference_band]} if reference_band is not None else {}
    raise CheckFailed(message, {**cleaned, "shape": label, **band})


def _unstackable(value: Any) -> bool:
    """A tuple or list of tensors of different shapes: no stack joins them into the one answer."""
    tensors = isinstance(value, (tuple, list)) and len(value) > 1
    tensors = tensors and all(isinstance(v, torch.Tensor) for v in value)
    return tensors and len({tuple(v.shape) for v in value}) > 1


def expect_tensor(
    value: Any,
    what: str,
    shape: Iterable[int] | None = None,
    dtype: torch.dtype | None = None,
    hint: str = "",
    elementwise: bool = False,
) -> torch.Tensor:
    """``value`` must be a non-empty tensor with this shape and dtype. Not a tensor at all is a
    cause of its own, with its own hint: the check's hint is about the values. In place of a
    result, the worker's mark that an off-limits op was called (``kit.ops_used``) fails as a
    twin: only a submission that called one can gain nothing by sending it. ``elementwise``: the
    answer is its input's, element by element (a (values, indices) pair is then a reduction taken
    for an element-wise maximum, not a pair whose values to take)."""
    if isinstance(value, str) and value.startswith(OFF_LIMITS_MARK):
        raise twin_used(what, value[len(OFF_LIMITS_MARK) : len(OFF_LIMITS_MARK) + 200].rstrip(">"))
    if not isinstance(value, torch.Tensor):
        hint = SUBCLASS_HINT if isinstance(value, str) and value.startswith(SUBCLASS_MARK) else TYPE_HINT
        if values_and_indices(value):
            hint = REDUCED_PAIR if elementwise else PAIR_HINT
        elif _unstackable(value):
            hint = TENSORS_HINT
        fail(what=what, expected=N_("a torch.Tensor"), got=describe(value), hint=hint, cause=TYPE)
    if value.__dict__.get(FROM_NUMPY) is True and (
        (shape is not None and tuple(value.shape) != tuple(shape))
        or (dtype is not None and value.dtype != dtype)
    ):  # a NumPy array (sent as a tensor: plain.py) of another form: its type before its shape or dtype
        form = {"dtype": str(value.dtype).removeprefix("torch."), "shape": tuple(value.shape)}
        got = _("a NumPy array (%(dtype)s, shape %(shape)s)") % form
        fail(what=what, expected=N_("a torch.Tensor"), got=got, hint=NUMPY, cause=TYPE)
    if shape is not None and tuple(value.shape) != tuple(shape):
        said = reshaped(tuple(value.shape), tuple(shape))  # what the shape is: its relation to the asked one
        fail(
            what=what,
            expected=_("shape %(shape)s") % {"shape": tuple(shape)},
            got=_("shape %(shape)s") % {"shape": tuple(value.shape)}
            + (_(" (%(notes)s)") % {"notes": said} if said else ""),
            hint=hint or dims_hint(tuple(value.shape), tuple(shape)),
            cause="shape",
        )
    if dtype is not None and value.dtype != dtype:
        fail(
            what=what,
            expected=_("dtype %(dtype)s") % {"dtype": dtype},
            got=_("dtype %(dtype)s") % {"dtype": value.dtype},
            hint=made_hints.told(value, dtype) or hint,
            cause="dtype",
        )
    if value.numel() == 0 and (shape is None or 0 not in tuple(shape)):
        fail(
            what=what, expected=N_("a non-empty tensor"), got=N_("an empty tensor"), hint=hint, cause="empty"
        )
    return value


def expect_float(value: Any, what: str, hint: str = "") -> float:
    """A Python number (a 0-dim tensor is not a Python float)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(
            what=what,
            expected=N_("a Python float"),
            got=describe(value),
            hint=hint or "use .item() to turn a 0-dim tensor into a float",
            cause=TYPE,
        )
    return float(value)


def expect_close(
    actual: Any,
    expected: torch.Tensor,
    what: str,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    hint: Hint = "",
    check_dtype: bool = True,
    mistakes: Mapping[str, tuple[torch.Tensor, str]] | None = None,
    elementwise: bool = False,
) -> torch.Tensor:
    """Values within ``|a - e| <= atol + rtol·|e|``; infinities must match exactly. ``mistakes``:
    name → (what that known mistake computes, its hint): values that match one fail with its
    hint and cause (:func:`mistake_cause`) rather than the check's. ``hint``: a plain hint, or
    keyed ones (:class:`~grader.checks.hints.relations.Keyed`) shown only where their cause holds.
    ``elementwise``: ``expected`` is the input's values mapped one by one (:func:`expect_tensor`)."""
    tensor = expect_tensor(
        value=actual,
        what=what,
        shape=expected.shape,
        dtype=expected.dtype if check_dtype else None,
        hint=chosen(hint, actual if isinstance(actual, torch.Tensor) else None, None),  # a Shaped one
        elementwise=elementwise,
    )
    a, e = tensor.detach().double(), expected.detach().double()
    close = torch.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():  # a NaN where none is expected is never close: nothing below can fail
        return tensor
    hints = hint if isinstance(hint, tuple) else (hint,)
    shown_hint = chosen((Keyed(SIGN_LOST, absolute), *hints), a, e)
    bad_nan = torch.isnan(a) & ~torch.isnan(e)
    if bad_nan.any():
        i = bad_nan.flatten().nonzero()[0, 0]
        fail(
            what=what,
            expected=f"{e.flatten()[i].item():.6g}{position(i, e.shape)}",
            got=N_("NaN there"),
            hint=shown_hint if SPEAKS_OF_NAN.search(shown_hint) else NAN_HINT,
            cause="nan",
        )
    if (a.isinf() & e.isfinite()).any() and not SPEAKS_OF_NAN.search(shown_hint):
        # a hint keyed to other mistakes (an axis) would mislead; a variant's values explain theirs
        shown_hint = shown_hint if explains(hint, shown_hint) else INF_HINT
    cause = "values"
    for name, (mistaken, mistake_hint) in (mistakes or {}).items():
        if mistaken.shape == e.shape and torch.allclose(a, mistaken.detach().double(), rtol=rtol, atol=atol):
            shown_hint, cause = mistake_hint, mistake_cause(name)
            break
    float64 = expected.dtype == torch.float64 and rtol < FLOAT32_ULPS / 10
    if float64 and float32_only(a, e) and cause == "values":  # the formula right to float32's ulps:
        # a plain hint's traps (a missed case, a lost state) would be far off, only a keyed one holds
        shown_hint = chosen(tuple(h for h in hints if not isinstance(h, str)), a, e)
    want, got = worst(a, e, close, rtol, atol, float64)
    fail(what=what, expected=want, got=got, hint=shown_hint, cause=cause)
    return tensor


def twin_used(what: str, used: str) -> TwinUsed:
    """The failure of a call that reached ``used``, a twin of the exercise (or that ran where the
    recorder could not see: :data:`STARVED`)."""
    got = _("a call of %(twin)s, off limits here") % {"twin": used}
    if used == STARVED:
        got = _("a call run at the recursion limit, where the grader could not record it")
    return TwinUsed(worded(what, N_("a hand-written computation"), got) + hinted(_(TWIN_HINT)))


TWIN_HINT = N_(
    "this exercise is about writing it yourself from the formula; the docstring lists the "
    "torch functions that are off limits"
)


def expect_none_borrowed(borrowed: Sequence[str], what: str, expected: str, hint: str) -> None:
    """``borrowed``: the off-limits classes or functions an answer was found to be or to run by
    what it is (an optimiser's classes, the torch functions its calls reached), not by an op the
    recorder saw: the twin rule judges the exercise as for an op (:func:`expect_no_twin`)."""
    if borrowed:
        raise TwinUsed(worded(what, expected, ", ".join(borrowed)) + hinted(text(hint)))


def expect_no_twin(ops: Any, forbidden: Mapping[str, str], what: str) -> None:
    """``ops``: {name: where} from ``kit.ops_used``; ``forbidden``: recorded name -> the function to name."""
    if not isinstance(ops, dict) or not all(
        isinstance(o, str) and isinstance(w, dict) for o, w in ops.items()
    ):
        fail(what, N_("op names from the recorder"), describe(ops))
    used: dict[str, str] = {}
    for op, where in ops.items():
        if op in forbidden:
            used.setdefault(forbidden[op], places.called_at(where))
    if used:
        got = "; ".join(
            _("%(twin)s called in %(where)s") % {"twin": twin, "where": where}
            for twin, where in sorted(used.items())
        )
        raise TwinUsed(worded(what, "a hand-written computation", got) + hinted(_(TWIN_HINT)))


def expect_same_device(trace: Any, what: str) -> Any:
    """Judge a device trace (:func:`grader.checks.probes.on_second_device`): every op kept to the
    inputs' device, and the result is there too. Returns the result's values (CPU tensors)
    for the suite to compare with torch's."""
    if not isinstance(trace, dict) or not isinstance(trace.get("ok"), bool):
        fail(what, N_("a device trace"), describe(trace))
    hint = (
        "create new tensors on the input's device: torch.zeros(..., device=x.device), "
        "torch.zeros_like(x) or x.new_zeros(...); move batches with .to(device)"
    )
    limit = N_("a limit of the grader's stand-in for a GPU, not a verdict on your code: tell your instructor")
    for key, expected, said in (
        ("mismatch", N_("every op to use tensors on the input's device"), hint),
        ("refused", N_("operations the stand-in for a GPU computes exactly"), limit),  # stand_in.Inexact
    ):
        if trace.get(key) is not None:
            fail(what=what, expected=expected, got=str(trace[key]), hint=said)
    if not trace["ok"]:
        fail(
            what=what,
            expected=N_("the same code to run on any device"),
            got=_("it raised %(error)s") % {"error": trace.get("raised")},
            hint=N_(
                "on a GPU, .numpy() and other CPU-only calls need .cpu() first; .item() and .tolist() work"
            ),
        )
    devices = trace.get("devices")
    if not isinstance(devices, list) or not devices:
        fail(what, N_("a tensor result"), N_("no tensor at all"))
    if devices != ["second"]:
        fail(
            what=what,
            expected=N_("a result on the input's device (a second device, standing in for a GPU)"),
            got=_("a result on %(devices)s") % {"devices": ", ".join(map(str, devices))},
            hint=hint,
        )
    return trace.get("value")


def expect_module_on_second_device(trace: Any, what: str) -> None:
    """Judge a trace of :func:`grader.checks.probes.modules_on_second_device`: on the second device, and
    the same output as the same weights give on the CPU."""
    value = expect_same_device(trace, what)
    real = expect_tensor(trace.get("real"), f"{what}: output of the same model on the CPU")
    expect_close(value, real, f"{what}: output against the same weights on the CPU", rtol=1e-5, atol=1e-6)


def expect_vectorised(counts: Any, sizes: Iterable[int | str], what: str) -> None:
    """Counts from :func:`grader.checks.probes.op_counts` must not grow with the input size: each
    an op count, or ``[aten ops, lines of the submission's Python run]`` (a loop without loop
    syntax, or Python arithmetic on lists, runs its lines again for each element).

    ``sizes`` names each input: an int n (shown as ``n=…``) or a description of its shapes.
    """
    sizes = list(sizes)
    found = [_work(c) for c in counts] if isinstance(counts, list) else []
    pairs = [p for p in found if p is not None]
    if not pairs or len(pairs) != len(found) or len(pairs) != len(sizes):
        fail(what, N_("one op count per input size"), describe(counts))
    grown = [max(p[i] for p in pairs) > min(p[i] for p in pairs) for i in (0, 1)]
    if any(grown):
        shown = ", ".join(
            _("%(work)s for %(size)s")
            % {"work": _shown_work(p, grown[1]), "size": f"n={n}" if isinstance(n, int) else text(n)}
            for n, p in zip(sizes, pairs)
        )
        fail(
            what=what,
            expected=N_("the same number of tensor operations whatever the input size"),
            got=shown,
            hint=N_(
                "a Python loop over rows, columns or elements runs more operations for bigger inputs; "
                "use broadcasting and reductions over whole tensors instead"
            ),
        )


def _work(count: Any) -> tuple[int, int] | None:
    """An op count, or ``[ops, lines]``, as ``(ops, lines)``; None if it is neither."""
    if isinstance(count, int) and not isinstance(count, bool):
        return count, 0
    if isinstance(count, (list, tuple)) and len(count) == 2 and all(_work(c) == (c, 0) for c in count):
        return count[0], count[1]
    return None


def _shown_work(pair: tuple[int, int], lines: bool) -> str:
    ops, run = pair
    if lines:
        return _("%(ops)d ops, %(lines)d lines of Python run") % {"ops": ops, "lines": run}
    return _("%(ops)d ops") % {"ops": ops}


# "Vectorised" by cost (docs/checks.md, "by cost"): work beyond drawing the inputs, at most
# COST_FACTOR times the reference's and at least COST_FLOOR (correct code may take other routes).
# The count is each thread's nanoseconds (grader.engine.worker.proc.cpu_seconds): over the stat
# file's 10 ms tick, a 1 ms reference read as one tick let a .tolist() loop through.
COST_FACTOR = 25.0  # loops measured 57-400x the reference; other vectorised routes up to a few x
COST_FLOOR = 0.06


def expect_cheap(sub: Any, name: str, cases: Iterable[tuple[Any, ...]], reference: str, what: str) -> None:
    """``mod.name`` on each case's inputs (shapes, drawn in the worker: :func:`grader.checks.probes.costed_call`)
    must cost at most :data:`COST_FACTOR` times the work of ``reference`` (an expression of
    ``args``) on the same inputs, and answer what it answers. Where the worker's CPU time cannot
    be read, the op counts (:func:`expect_vectorised`) decide alone."""
    from grader.checks.probes import costed_call

    for seed, case in enumerate(cases):
        shapes = [tuple(s) for s in case]
        drawing = sub.run_costed(60.0, costed_call, name, shapes, seed, "args[0]")[1]
        spent = sub.run_costed(60.0, costed_call, name, shapes, seed, reference)[1] - drawing
        if spent != spent or abs(spent) == float("inf"):  # NaN: no count to read here
            return
        budget = max(COST_FACTOR * spent, COST_FLOOR)
        got, cost = sub.run_costed(drawing + budget + 0.05, costed_call, name, shapes, seed)
        sizes = " and ".join(str(s) for s in shapes)
        if cost - drawing > budget:
            fail(
                what=_("%(what)s: CPU time on inputs of shape %(sizes)s") % {"what": what, "sizes": sizes},
                expected=_(
                    "at most %(budget).2f s beyond drawing the inputs (%(factor)g times a vectorised "
                    "reference's %(spent).3f s, at least %(floor)g s)"
                )
                % {"budget": budget, "factor": COST_FACTOR, "spent": max(spent, 0.0), "floor": COST_FLOOR},
                got=_("more than %(budget).2f s") % {"budget": budget}
                if cost == float("inf")
                else f"{cost - drawing:.2f} s",
                hint=N_(
                    "a Python loop over rows, columns or elements (.tolist() included) costs far more "
                    "than whole-tensor operations on large inputs; use broadcasting and reductions"
                ),
            )
        _expect_summary(got, reference, shapes, seed, f"{name} on inputs of shape {sizes}")


def _expect_summary(got: Any, reference: str, shapes: list[tuple[int, ...]], seed: int, what: str) -> None:
    """The large call's summary (:func:`grader.checks.probes.costed_call`) against the reference's,
    computed here on the same draw: code that is fast only by skipping the work earns nothing."""
    g = torch.Generator().manual_seed(seed)
    args = [torch.rand(shape, generator=g) + 0.1 for shape in shapes]
    expected = eval(reference, {"torch": torch}, {"args": args})  # the suite's own text
    flat = expected.reshape(-1)
    step = max(1, flat.numel() // 64)
    if not isinstance(got, dict):
        fail(what, N_("a tensor result"), describe(got))
    expect(
        got.get("shape") == tuple(expected.shape) and got.get("dtype") == expected.dtype,
        what, f"shape {tuple(expected.shape)} {expected.dtype}", f"{got.get('shape')} {got.get('dtype')}",
    )  # fmt: skip
    expect_close(got.get("sample"), flat[::step][:64], f"{what}: values", rtol=1e-3, atol=1e-4)
    total = float(flat.double().sum())
    expect(
        isinstance(got.get("sum"), float) and abs(got["sum"] - total) <= 1e-3 * max(1.0, abs(total)),
        f"{what}: the sum of its values", f"{total:.6g}", str(got.get("sum")),
    )  # fmt: skip


def multiclass_accuracy(scores: Any, labels: torch.Tensor, classes: int, what: str) -> float:
    """Held-out ``scores`` must be (len(labels), classes); the fraction whose argmax is the label."""
    scores = expect_tensor(scores, what, shape=(len(labels), classes))
    return float((scores.argmax(1) == labels).float().mean().item())


def binary_accuracy(outputs: Any, labels: torch.Tensor, threshold: float, what: str) -> tuple[float, float]:
    """Held-out ``outputs`` must be (len(labels), 1); (the accuracy of predicting 1 where an output is
    above ``threshold``, the majority class's share of the 0/1 labels)."""
    outputs = expect_tensor(outputs, what, shape=(len(labels), 1))
    accuracy = ((outputs > threshold).float() == labels).float().mean().item()
    return accuracy, max(labels.mean().item(), 1 - labels.mean().item())


def expect_runs_on_cuda(
    sub: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], device: str, expected: torch.Tensor
) -> None:
    """``mod.name`` on inputs moved to ``device`` (:func:`on_device`) answers on CUDA, equal to ``expected``."""
    from grader.checks.probes import on_device

    out, where = sub.run(on_device, name, args, kwargs, device)
    expect(
        condition=where.startswith("cuda"),
        what=f"{name} on CUDA inputs",
        expected="a result on cuda",
        got=_("a result on %(devices)s") % {"devices": where},
    )
    expect_close(out, expected, f"{name} computed on CUDA", rtol=1e-5, atol=1e-5)
