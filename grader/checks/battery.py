"""The shared battery: every case of an exercise's input domain (:mod:`grader.checks.domains`) in ONE
probe call (a walker of :mod:`grader.checks.cases.battery_walks`), judged against what a reference
namespace (torch's own functions and the docstrings' formulas) answered on the same cases
(:mod:`grader.checks.cases.domain_answers`) or against the relation a case states (equal to another
case: a default, a layout, the global RNG; or not: a new seed).
"""

from __future__ import annotations

from typing import Any

import torch

from grader.base.i18n import N_, Verbatim, _, text
from grader.checks import domains, probes
from grader.checks.cases import (
    across_calls,
    derived_cases,
    domain_answers,
    domain_cases,
    held_cases,
    result_types,
    signatures,
)
from grader.checks.cases.battery_walks import walker as walker
from grader.checks.hints import made_hints, variants
from grader.checks.hints.census_hints import activations as _activations
from grader.checks.hints.census_hints import untouched as _untouched
from grader.checks.hints.made_hints import made as _made
from grader.checks.hints.relations import Hint, Keyed, chosen, reduction_mistakes
from grader.checks.judging.judge import (
    expect_close,
    expect_module_on_second_device,
    expect_same_device,
    expect_tensor,
)
from grader.checks.verdict import error_types
from grader.checks.verdict.described import REDUCED_PAIR, describe, values_and_indices
from grader.checks.verdict.exercises import CHANGED_INPUT
from grader.checks.verdict.exercises import UNTOUCHED as UNTOUCHED_CAUSE
from grader.checks.verdict.failed import CheckFailed, fail, mistake_cause


def exercises(topic: str) -> list[str]:
    """The exercises of ``topic`` with a declared domain (all of them: tests/grader/test_domains.py)."""
    domain_cases.load(topic)
    return sorted(name for t, name in domain_cases.REGISTRY if t == topic)


def plain_cases(domain: domains.Domain, built: list[domains.Case]) -> list[dict[str, Any]]:
    """``domain``'s cases (``built`` by it) as the probes take them."""
    clauses = {"writes": domain.writes, "called": domain.called, "learns": domain.learns}
    return [{**c.plain(), **clauses} for c in built]


def run(sub: Any, topic: str, name: str) -> None:
    """Run the battery of exercise ``name``: one probe call, then judge every case."""
    domain_cases.load(topic)
    domain = domain_cases.REGISTRY[(topic, name)]
    declared = domain.cases()
    held, held_answers = held_cases.of(topic, name, declared)  # none in a release
    built = [*declared, *held]
    cases = plain_cases(domain, built)
    got = sub.run(walker(cases), name, cases)
    if not isinstance(got, list) or len(got) != len(cases):
        fail(f"{name} over its input domain", f"{len(cases)} results", describe(got))
    # the reference's, then the variants'
    alternatives = [[*answers, *held_answers] for answers in domain_answers.answers(topic, name)]
    if any(len(answers) != len(cases) for answers in alternatives):  # the trusted side's own fault
        raise RuntimeError(
            f"{topic}.{name}: stored answers are stale (tests/grader/record_domain_answers.py)"
        )
    judged = [
        (case, mine, [answers[i] for answers in alternatives])
        for i, (case, mine) in enumerate(zip(built, got))
    ]
    failed = [
        (case, mine, refs[0])
        for case, mine, refs in judged
        if not any(_holds(domain, case, mine, ref, got) for ref in refs)
    ]
    if not failed:
        return
    case, mine, ref = failed[0]
    # wrong everywhere: the formula, not one dimension; no dimension's hint to mislead
    plain = EVERYWHERE if len(failed) == len(judged) else domains.hint_for(case)
    told = _untouched(case, mine) or _activations(case, mine, ref) or _made(case, mine)
    try:
        judge_case(domain, case, mine, ref, got, (*_reduced(case), *_known(domain, case), told or plain))
    except CheckFailed as exc:
        exc.cause = _cause(exc.cause, failed, got, alternatives[0], built)
        raise


def _cause(
    judged: str,
    failed: list[tuple[domains.Case, Any, Any]],
    got: list[Any],
    answers: list[Any],
    built: list[Any],
) -> str:
    """The cause of a failed battery: no answer at all, by behaviour (a constant or an echo,
    whatever cases it got right); the layers its module never applied; the relation its values
    show (grouped by the mistake, not by this check); else the stage that ``judged`` it."""
    from grader.checks.cases import non_answer  # the trusted side's: the worker walks, never judges

    inside = [i for i, case in enumerate(built) if case.dim not in ENDS]  # past a domain's end: no evidence
    silent = non_answer.behaviour(
        *([seq[i] for i in inside] for seq in (got, answers, [c.args for c in built]))
    )
    if silent:
        return non_answer.cause(silent)
    if _untouched(*failed[0][:2]):
        return UNTOUCHED_CAUSE  # a cause named outright: it leads the exercise's diagnosis
    shown = _signature(failed, got) if judged == "values" else ""
    return mistake_cause(shown) if shown else judged


def _signature(failed: list[tuple[domains.Case, Any, Any]], everything: list[Any]) -> str:
    """The first relation a failed case's outputs show against what they were compared with (a
    shift, a flip, a scale...: grader/checks/cases/signatures.py), "" for none (n = 1 shows none)."""
    for case, mine, ref in failed:
        want = everything[case.same_as] if case.same_as is not None else ref
        if isinstance(mine, dict) and isinstance(want, dict):
            shown = signatures.signature(mine.get("out"), want.get("out"))
            if shown:
                return shown
    return ""


def case_named(name: str, case: domains.Case) -> str:
    """The exercise's name and the case's note, the name once where the note begins with it
    ("BasicBlock(4, 4): …", "Value(0.5).tanh()")."""
    note = text(case.note)
    return note if note.startswith(name) else f"{name} {note}".strip()


def _reduced(case: domains.Case) -> tuple[Keyed, ...]:
    """The reduction's keyed hints for a call's single value: its first tensor argument's rows and
    elements are the terms a loss may sum instead of averaging (relations.reduction_mistakes)."""
    first = next((a for a in case.args if isinstance(a, torch.Tensor) and a.dim()), None)
    if case.kind != "call" or first is None:
        return ()
    return reduction_mistakes((first.shape[0], first.numel()))


def _known(domain: domains.Domain, case: domains.Case) -> tuple[Keyed, ...]:
    """The keyed hints of the domain's known mistakes on a call case (variants.of_case)."""
    return variants.of_case(domain.mistakes, case.args, case.kwargs) if case.kind == "call" else ()


def _device_case(built: list[domains.Case], answers: list[Any]) -> int | None:
    """The first case a device check can run: a call on tensors the reference answered, or a module."""
    for i, case in enumerate(built):
        plain = derived_cases.plain(case) and domains.movable(case.args) and domains.movable(case.kwargs)
        called = case.kind == "call" and any(isinstance(a, torch.Tensor) for a in case.args)
        if plain and not case.fill and (case.kind == "module" or called and "out" in answers[i]):
            return i
    return None


def on_device(sub: Any, topic: str, name: str) -> None:
    """The device clause from ``topic.name``'s declaration: its first case that can move (a call on
    tensors, or a module) run on a second device standing in for a GPU (a real GPU's rule: every
    op on one device), its result there and equal to the reference's stored answer (a module's: to
    the same weights' output on the CPU)."""
    domain_cases.load(topic)
    domain = domain_cases.REGISTRY[(topic, name)]
    built = domain.cases()
    answers = domain_answers.answers(topic, name)[0]
    index = _device_case(built, answers)
    if index is None:
        raise RuntimeError(f"{topic}.{name}: no declared case a device check can run")
    case = built[index]
    what = _("%(case)s on tensors of a second device (standing in for a GPU)") % {
        "case": case_named(name, case)
    }
    if case.kind == "module":  # built, then fed each of its inputs (domains.Case), one build each
        builds = [(name, case.ctor[0], case.ctor[1], [x]) for x in case.args]
        for trace in sub.run(probes.modules_on_second_device, name, builds):
            expect_module_on_second_device(trace, what)
        return
    value = expect_same_device(sub.run(probes.on_second_device, name, case.args, case.kwargs), what)
    compare(value, answers[index]["out"], what, *tolerance(domain, case), "")


def _holds(
    domain: domains.Domain, case: domains.Case, mine: Any, ref: dict[str, Any], everything: list[Any]
) -> bool:
    try:
        judge_case(domain, case, mine, ref, everything, "")
    except CheckFailed:
        return False
    return True


# the cause of a function's case that changed its inputs: the inputs clause's (grader/checks/verdict/exercises.py)
INPUTS = "inputs"
DEVICE = "device"  # a case run on the second device that mixed devices or left it
EVERYWHERE = N_("wrong on every input of its domain: its other checks point at the formula")

# A random fill's largest value may exceed the reference's bound by this much (rounding), never more
BOUND_RTOL = 1e-6


def tolerance(domain: domains.Domain, case: domains.Case, stored: bool = True) -> tuple[float, float]:
    """(rtol, atol): how far a result may be from the reference's answer on ``case`` and still
    pass (a random fill's bound: :data:`BOUND_RTOL`, above it only). The one home of that figure
    for judging a submission and for judging the stored answers themselves
    (tests/grader/record_domain_answers.py). Against a release's copy of the answers (``stored``,
    moved a few tolerances away: grader/checks/taught_answers.py) it is that many times wider."""
    if case.bound:
        return BOUND_RTOL, 0.0
    rtol, atol = domain.tolerance(case)
    wider = domain_answers.widening(domain.topic) if stored else 1.0
    return (rtol, atol) if wider == 1.0 else (wider * rtol, wider * (atol + domain_answers.FLOOR))


def judge_case(
    domain: domains.Domain,
    case: domains.Case,
    mine: Any,
    ref: dict[str, Any],
    everything: list[Any],
    hint: Hint,
) -> None:
    """One case's result against the reference's; ``hint`` keyed ones are shown where the values
    compared show their cause, its plain one otherwise."""
    what = _("%(case)s (%(dimension)s)") % {
        "case": case_named(case.name, case),
        "dimension": _(domains.LABELS[case.dim]),
    }
    keyed, hint = hint, chosen(hint, None, None)
    _judge_result(domain, mine, what, hint, ref if case.dim in ENDS else None)
    if case.dim in ENDS:  # finite where the reference is, nothing more
        return
    across_calls.judge(case, mine, what, *tolerance(domain, case, stored=False))
    if case.differs_from is not None:
        other = everything[case.differs_from]
        if isinstance(other, dict) and "out" in other and _equal(mine.get("out"), other["out"]):
            fail(what, N_("a different result from another seed"), N_("the same result"), hint=hint)
        return
    if case.shapes is not None:
        outs = mine.get("out")
        shapes = [tuple(o.shape) if isinstance(o, torch.Tensor) else None for o in outs or []]
        if shapes != [tuple(s) for s in case.shapes]:
            fail(what, _("outputs of shapes %(shapes)s") % {"shapes": case.shapes}, f"{shapes}", hint)
        return
    _judge_clauses(domain, mine, ref, what)
    anchor = case.kind == "module" and case.same_as is None and not case.fill
    if anchor and case.dim != derived_cases.SEEDED or ref.get("out", 0) is None:  # SEEDED: on values
        return  # an anchor: judged through the cases related to it
    if "error" in ref and case.same_as is None:
        raise RuntimeError(f"the reference failed on {what}: {ref['error']}")
    if case.bound:
        _within_bound(mine.get("out"), float(ref["out"]), what, hint)
        return
    want = everything[case.same_as] if case.same_as is not None else ref
    if case.same_as is not None and (not isinstance(want, dict) or "error" in want):
        return  # the case it is compared with failed on its own
    _judge_values(domain, case, mine, want, what, keyed)


# Derived cases judged only where the reference answers finitely, and there on finiteness alone: the
# docstring's domain ends where its result overflows or it refuses (near a dtype's top)
ENDS = ("top",)


def in_domain(ref: Any) -> bool:
    """Whether the reference answered ``ref`` finitely: no error, no inf or NaN."""
    if not isinstance(ref, dict) or "error" in ref:
        return False
    found = [
        t for t in domains._leaves((ref.get("out"), ref.get("grads"))) if isinstance(t, (torch.Tensor, float))
    ]
    return all(bool(torch.isfinite(torch.as_tensor(t)).all()) for t in found)


def _judge_clauses(domain: domains.Domain, mine: dict[str, Any], ref: dict[str, Any], what: str) -> None:
    """A module's clauses that hold whatever its weights: the layers the docstring says forward
    calls, called; the dtype a ``.double()`` build answers in; no more parameter rows left without
    a gradient than the reference leaves."""
    if mine.get("uncalled"):
        called = _("each %(kinds)s applied by calling it") % {"kinds": ", ".join(domain.called)}
        never = _("never called: %(names)s") % {"names": ", ".join(mine["uncalled"])}
        fail(what, called, Verbatim(never), hint=domains.CALLED)
    if ref.get("dtypes") is not None and mine.get("dtypes") != ref["dtypes"]:
        fail(
            what, Verbatim(str(ref["dtypes"])), Verbatim(str(mine.get("dtypes"))), hint=domains.HINTS["dtype"]
        )
    if mine.get("unlearned", 0) > ref.get("unlearned", 0):  # none, where the reference builds none
        rows = _("%(count)d parameter rows without a gradient") % {"count": mine["unlearned"]}
        fail(
            what,
            N_("a gradient into every parameter row the input reaches"),
            Verbatim(rows),
            hint=domains.LEARNS,
        )


def _judge_result(domain: domains.Domain, mine: Any, what: str, hint: str, finite: Any = None) -> None:
    """A result, not an error; the inputs left as they were and, where promised, a new tensor.
    An error is told with the concept of torch's words where they name one (a graph cut by
    ``.item()`` in a float64 case is not a dtype mistake), else with the case's hint. Where a
    reference's answer ``finite`` is given (a case of :data:`ENDS`), judged only where it is finite,
    and there on being finite too."""
    if finite is not None and not in_domain(finite):
        return
    if not isinstance(mine, dict):
        fail(what, N_("a result"), describe(mine))
    if "error" in mine:
        said = error_types.error_hint(str(mine["error"]), domain.name) or hint
        fail(what, N_("a result"), Verbatim(_("an error: %(error)s") % {"error": mine["error"]}), hint=said)
    for i, kept in enumerate(mine.get("unchanged", [])):  # a call's arguments; a module's calls
        if kept is not True and i not in domain.writes:
            module = type(kept) is int  # a module's call: the argument it changed
            fail(
                what,
                N_("its inputs left as they were"),
                _("argument %(number)d changed") % {"number": kept if module else i + 1},
                hint=domains.HINTS["aliasing"],
                cause=CHANGED_INPUT if module else INPUTS,
            )
    if finite is not None and not in_domain(mine):
        fail(what, N_("finite values, as the reference's"), N_("inf or NaN"), hint=hint)
    if domain.fresh and mine.get("aliased") is True:
        fail(
            what,
            N_("a new tensor"),
            N_("a tensor sharing memory with an input"),
            hint=domains.HINTS["aliasing"],
        )


def _judge_values(
    domain: domains.Domain,
    case: domains.Case,
    mine: dict[str, Any],
    want: dict[str, Any],
    what: str,
    hint: Hint,
) -> None:
    """The outputs, the arguments written, the gradients and the mode left, against ``want``."""
    rtol, atol = tolerance(domain, case, stored=case.same_as is None)
    if values_and_indices(mine.get("out")) and _keeps_shape(case, want.get("out")):
        fail(what, N_("a torch.Tensor"), describe(mine["out"]), hint=REDUCED_PAIR, cause="type")
    compare(mine.get("out"), want.get("out"), what, rtol, atol, hint)
    result_types.judge(mine.get("types"), want.get("types"), what)
    if "written" in want and domain.writes:
        compare(
            mine.get("written"),
            want["written"],
            _("the arguments %(what)s writes") % {"what": what},
            rtol,
            atol,
            hint,
        )
    # each generator argument's stream after the call (both given one)
    if "after" in want and "after" in mine:
        what_after = _("the generator's next draws after %(what)s") % {"what": what}
        compare(mine.get("after"), want["after"], what_after, 0.0, 0.0, domains.STREAM)
    if "grads" in want:  # the outputs were right: a module's input gradient, or one that never came, was cut
        what_grads = _("the gradient of %(what)s") % {"what": what}
        for i, (got, wanted) in enumerate(zip(mine.get("grads") or (), want["grads"])):
            if got is None and isinstance(wanted, torch.Tensor):
                fail(f"{what_grads}[{i}]", N_("a gradient"), N_("none reached it"), domains.CUT)
        if case.dim not in domains.REACHED_ONLY:  # their values too
            compare(
                mine.get("grads"),
                want["grads"],
                what_grads,
                rtol,
                atol,
                domains.CUT if case.kind == "module" else hint,
            )
    if "device" in mine:
        _judge_on_device(mine["device"], want.get("out"), what, rtol, atol, chosen(hint, None, None))
    if "training" in want and mine.get("training") != want["training"]:
        fail(
            what,
            _("the model left with training=%(flag)s") % {"flag": want["training"]},
            f"training={mine.get('training')}",
            chosen(hint, None, None),
        )


def _keeps_shape(case: domains.Case, want: Any) -> bool:
    """The answer has the shape of one of the call's tensor arguments (an element-wise op)."""
    shapes = [a.shape for a in case.args if isinstance(a, torch.Tensor)]
    return case.kind == "call" and isinstance(want, torch.Tensor) and want.shape in shapes


def _judge_on_device(trace: Any, want: Any, what: str, rtol: float, atol: float, hint: str) -> None:
    """The same case on the second device: every op on it, the result there and as on the CPU
    (a result of no tensor, a float: the run kept to the device)."""
    where = _("%(case)s on tensors of a second device (standing in for a GPU)") % {"case": what}
    if isinstance(want, torch.Tensor) or isinstance(trace, dict) and not trace.get("ok"):
        try:
            value = expect_same_device(trace, where)
        except CheckFailed as failed:  # the device clause's cause, not a value's
            raise CheckFailed(str(failed), cause=DEVICE) from None
        compare(value, want, where, rtol, atol, hint)


def agrees(got: Any, want: Any, rtol: float, atol: float) -> bool:
    """Whether ``got`` passes as ``want`` under :func:`compare` (the same values, NaN and
    infinities included, always do), dicts key for key: a stored answer judged as a result is."""
    if isinstance(want, dict):
        return (
            isinstance(got, dict)
            and got.keys() == want.keys()
            and all(agrees(got[k], want[k], rtol, atol) for k in want)
        )
    if isinstance(want, (list, tuple)):
        return (
            type(got) is type(want)
            and len(got) == len(want)
            and all(agrees(g, w, rtol, atol) for g, w in zip(got, want))
        )
    if isinstance(want, float) and isinstance(got, float) and (got == want or got != got and want != want):
        return True
    try:
        compare(got, want, "", rtol, atol, "")
    except CheckFailed:
        return False
    return True


def _within_bound(got: Any, bound: float, what: str, hint: str) -> None:
    got = expect_tensor(got, what)
    top = float(got.detach().abs().max())
    if not 0.9 * bound <= top <= bound * (1 + BOUND_RTOL):
        fail(
            what,
            _("values in U(-%(bound)s, %(bound)s), the largest near the bound") % {"bound": f"{bound:.6g}"},
            f"max |value| {top:.6g}",
            hint,
        )


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        return a.shape == b.shape and bool(torch.equal(a, b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return bool(a == b)


def compare(got: Any, want: Any, what: str, rtol: float, atol: float, keyed: Hint) -> None:
    """``got`` like ``want``: tensors within the tolerance (dtype included), numbers too, the same
    structure for tuples and lists."""
    hint = chosen(keyed, None, None)
    if isinstance(want, torch.Tensor):
        with made_hints.unasked():  # a dtype case's maker is the walker's record (:func:`_made`)
            expect_close(got, want, what, rtol=rtol, atol=atol, hint=keyed)
    elif isinstance(want, int):  # bools too: the type and the value
        if type(got) is not type(want) or got != want:
            fail(what, repr(want), describe(got), hint)
    elif isinstance(want, float):
        _compare_float(got, want, what, rtol, atol, hint)
    elif isinstance(want, (list, tuple)):
        if not isinstance(got, (list, tuple)) or len(got) != len(want):
            fail(what, f"a {type(want).__name__} of {len(want)}", describe(got), hint)
        for i, (g, w) in enumerate(zip(got, want)):
            compare(g, w, f"{what}[{i}]", rtol, atol, keyed)
    elif got != want:
        fail(what, describe(want), describe(got), hint)


def _compare_float(got: Any, want: float, what: str, rtol: float, atol: float, hint: str) -> None:
    """A Python number within the tolerance of ``want`` (an int where a float is asked passes)."""
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        fail(what, N_("a Python float"), describe(got), hint, form=True)
    if not abs(got - want) <= atol + rtol * abs(want):
        fail(what, f"{want:.8g} (rtol={rtol:g}, atol={atol:g})", f"{got:.8g}", hint)
