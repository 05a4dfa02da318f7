"""Clause checks derived from a pack's declarations, so that its suite writes none by hand: a suite
names each once, over the exercises its declarations give (tests/packs/attention's suite):
:func:`vectorised` and :func:`on_device` (docs/authors.md, "Clauses derived from declarations").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import torch

from grader.base.i18n import _
from grader.base.topics import parameters
from grader.checks import battery, probes
from grader.checks.cases import domain_answers, domain_cases, held_cases
from grader.checks.cases.derived_cases import plain
from grader.checks.domains import Case, movable
from grader.checks.judging.judge import expect_same_device, expect_vectorised
from grader.sandboxed import probe_kit as kit  # the probe's steps: kit.* in the worker too

DEVICE_ARGUMENT = "device"  # a keyword a declared case gives: the device the result is made on


def _built(topic: str, name: str) -> list[Case]:
    domain_cases.load(topic)
    return domain_cases.REGISTRY[(topic, name)].cases()


def _callable(case: Case) -> bool:
    return case.kind == "call" and plain(case) and movable(case.args) and movable(case.kwargs)


# ---------------------------------------------------------------- vectorised
def _grown(value: Any, ints: bool, fixed: Collection[int] = ()) -> Any:
    """``value`` twice as large along every dimension above one but a size of ``fixed`` (a
    module's constructor's: its features) (tiled: a mask keeps a True in every row), ints of 2 or
    more doubled where ``ints``."""
    if isinstance(value, torch.Tensor):
        times = [2 if s > 1 and s not in fixed else 1 for s in value.shape]
        return value.repeat(*times) if value.dim() else value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return 2 * value if ints and value >= 2 else value
    if isinstance(value, dict):
        return {k: _grown(v, ints, fixed) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_grown(v, ints, fixed) for v in value)
    return value


def _growable(case: Case) -> bool:
    tensors = [a for a in case.args if isinstance(a, torch.Tensor)]
    if tensors:
        return any(s > 1 for t in tensors for s in t.shape)
    return any(isinstance(a, int) and not isinstance(a, bool) and a >= 2 for a in case.args)


def vectorised(sub: Any, topic: str, name: str, counts: Collection[str] = ()) -> None:
    """The "vectorised" clause of ``topic.name``: the same op count on its first growable case
    and on that case twice as large, its int arguments of 2 or more doubled too (a range over
    one is a loop over the data) but those ``counts`` names (the suite's ``DIMENSION_COUNTS``);
    a module's: its first input, fed to a build of its first plain case, and that input grown
    where its constructor does not fix a size."""
    built = _built(topic, name)
    module = next((c for c in built if c.kind == "module" and _plain_module(c)), None)
    if module is not None:
        fixed = {a for a in module.ctor[0] if isinstance(a, int)}
        grown = _grown(module.args[0], False, fixed)
        found = sub.run(module_op_counts, name, module.ctor, [module.args[0], grown])
        labels = [_shapes(kit.fed_tensors(module.args[0])), _shapes(kit.fed_tensors(grown))]
        expect_vectorised(found, labels, _("%(exercise)s is vectorised") % {"exercise": name})
        return
    case = next((c for c in built if _callable(c) and _growable(c)), None)
    if case is None:
        raise RuntimeError(f"{topic}.{name}: no declared call a vectorised check can grow")
    ints = not any(isinstance(a, torch.Tensor) for a in case.args)
    names = [*parameters(topic).get(name, ()), *[None] * len(case.args)]
    args = tuple(_grown(a, ints or _count(a) and names[i] not in counts) for i, a in enumerate(case.args))
    kwargs = {k: _grown(v, ints or _count(v) and k not in counts) for k, v in case.kwargs.items()}
    if any(isinstance(v, torch.Tensor) for v in case.kwargs.values()) or kwargs != case.kwargs:
        found = [  # op_counts takes one kwargs
            sub.run(probes.op_counts, name, [a], k)[0] for a, k in ((case.args, case.kwargs), (args, kwargs))
        ]
    else:
        found = sub.run(probes.op_counts, name, [case.args, args], case.kwargs)
    labels = [_shapes(case.args), _shapes(args)]
    expect_vectorised(found, labels, _("%(exercise)s is vectorised") % {"exercise": name})


def _count(value: Any) -> bool:
    """An int argument (no bool): a count the data's size may follow (``num_classes``)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _plain_module(case: Case) -> bool:
    plain = case.same_as is None and case.differs_from is None and not case.noncontig and not case.kwargs
    return plain and movable(case.args)


def module_op_counts(mod: Any, subject: str, ctor: Any, inputs: list[Any]) -> list[list[int]]:
    """For each input, ``[aten ops, lines of the submission's Python]`` a build of ``ctor``
    (under seed 0) runs on it (``kit.feed``)."""
    counts = []
    for x in inputs:
        kit.manual_seed(0)
        model = kit.attribute(mod, subject)(*ctor[0], **ctor[1])

        def one(model: Any = model, x: Any = x) -> Any:
            return kit.feed(model, x)

        counts.append(list(kit.count_work(one)[1:]))
    return counts


def _shapes(args: Sequence[Any]) -> str:
    return ", ".join(str(tuple(a.shape)) if isinstance(a, torch.Tensor) else repr(a) for a in args)


# ---------------------------------------------------------------- devices
def _form(case: Case) -> tuple[Any, ...]:
    """How ``case`` calls: which positional arguments are tensors, which keywords it gives."""
    return tuple(isinstance(a, torch.Tensor) for a in case.args), tuple(sorted(case.kwargs))


def _device_cases(built: list[Case], answers: list[Any]) -> list[int]:
    """The first case of each way of calling that touches a device: a tensor or ``device=``."""
    seen, chosen = set(), []
    for i, case in enumerate(built):
        touches = any(isinstance(a, torch.Tensor) for a in case.args) or DEVICE_ARGUMENT in case.kwargs
        if _callable(case) and touches and "out" in answers[i] and _form(case) not in seen:
            seen.add(_form(case))
            chosen.append(i)
    return chosen


def device_exercises(topic: str) -> list[str]:
    """The exercises of ``topic`` a device check can run on: a module, or a call that touches a device."""
    found = []
    for name in battery.exercises(topic):
        built = _built(topic, name)
        answers = domain_answers.answers(topic, name)[0]
        if any(c.kind == "module" for c in built) or _device_cases(built, answers):
            found.append(name)
    return found


def on_second_device(mod: Any, subject: str, calls: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """For each ``(args, kwargs, device_keywords)``: a device trace (``kit.device_trace``) of the
    call on copies of its tensors on the second device, the keywords named set to that device."""
    traces = []
    for args, kwargs, keywords in calls:
        moved = kit.to_second_device(list(args))
        given = {k: kit.SECOND_DEVICE if k in keywords else v for k, v in kwargs.items()}
        given = kit.to_second_device(given)

        def call(moved: Any = moved, given: Any = given) -> Any:
            return kit.attribute(mod, subject)(*moved, **given)

        traces.append(kit.device_trace(call))
    return traces


def on_device(sub: Any, topic: str, name: str) -> None:
    """The device clause of ``topic.name`` over every way its declared cases call it."""
    built = _built(topic, name)
    if any(c.kind == "module" for c in built):
        battery.on_device(sub, topic, name)
        return
    domain = domain_cases.REGISTRY[(topic, name)]
    held, held_answers = held_cases.of(topic, name, built)  # first: inputs no release holds
    built, answers = [*held, *built], [*held_answers, *domain_answers.answers(topic, name)[0]]
    chosen = _device_cases(built, answers)
    calls = [
        (built[i].args, built[i].kwargs, [k for k in built[i].kwargs if k == DEVICE_ARGUMENT]) for i in chosen
    ]
    traces = sub.run(on_second_device, name, calls)
    for i, trace in zip(chosen, traces if isinstance(traces, list) else [traces] * len(chosen)):
        case = built[i]
        what = _("%(case)s on tensors of a second device (standing in for a GPU)") % {
            "case": battery.case_named(name, case)
        }
        value = expect_same_device(trace, what)
        battery.compare(value, answers[i]["out"], what, *battery.tolerance(domain, case), "")
