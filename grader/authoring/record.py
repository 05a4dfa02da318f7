"""``grade author record TOPIC``: what a pack's reference answers on every case of its exercises'
input domains (``domains_<topic>.py``), stored in ``answers_<topic>.pt`` beside its suite, which
the battery judges a submission against (:mod:`grader.checks.cases.domain_answers`).

The reference is the author's own code, trusted: it is imported here, in the author's process,
and walked by the same probes a worker runs (:mod:`grader.checks.battery`), with one intra-op
thread as a worker computes (a convolution's float32 sums depend on the thread count).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import torch

from grader.base.topics import Topic
from grader.checks import battery
from grader.checks.cases import domain_answers, domain_cases, held_cases
from grader.checks.domains import Case, Domain


def reference_module(topic: Topic) -> ModuleType:
    """``topic``'s reference solution, imported from its pack."""
    spec = importlib.util.spec_from_file_location(f"torchgrade_reference_{topic.name}", topic.solution)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(topic.solution)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def computed(topic: Topic, stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """{topic.name: the reference's result per case} for every exercise with a declared domain,
    and its held cases where it answers discretely (grader/checks/cases/held_cases.py: drawn from
    the seed ``stored`` answers drew theirs from, a new one where they have none)."""
    domain_cases.load(topic.name)
    reference = reference_module(topic)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        found: dict[str, Any] = {}
        for name in battery.exercises(topic.name):
            domain = domain_cases.REGISTRY[(topic.name, name)]
            built = domain.cases()
            cases = battery.plain_cases(domain, built)
            found[domain_answers.key(topic.name, name)] = answers = battery.walker(cases)(
                reference, name, cases
            )
            seed = held_cases.seed_of(stored or {}, topic.name, name)
            held = held_cases.drawn(built, answers, seed) if domain.held else []
            if held:
                again = battery.plain_cases(domain, held_cases.rebuilt(built, held))
                answered = battery.walker(again)(reference, name, again)
                found[held_cases.key(topic.name, name)] = {"seed": seed, "cases": held, "answers": answered}
        return found
    finally:
        torch.set_num_threads(threads)


def record(topic: Topic) -> tuple[Path, int]:
    """Write ``topic``'s answers; (the file, how many exercises)."""
    found = computed(topic, _stored(topic))
    torch.save(found, topic.answers)
    return topic.answers, len([k for k in found if not k.endswith(held_cases.HELD)])


def _stored(topic: Topic) -> dict[str, Any]:
    return torch.load(topic.answers, weights_only=True) if topic.answers.is_file() else {}


def differences(found: dict[str, list[Any]], stored: dict[str, list[Any]]) -> list[str]:
    """Where an answer ``found`` here would fail against its ``stored`` answer as grading judges
    a result (:func:`grader.checks.battery.agrees`: each case's own tolerance, everything but
    values equal): stale, not rounded. Another CPU's kernels round differently (an AMD EPYC's
    GoogLeNetMini outputs differ from this machine's by up to 2.4e-6, within its case's rtol
    1e-4, atol 1e-5); a changed case or reference differs by far more. Keys ``topic.name``, or
    ``topic.name|i`` for a variant the docstring allows; their domains declared already."""
    out = sorted(found.keys() ^ stored.keys())
    for key in sorted(found.keys() & stored.keys()):
        topic, name = key.split("|")[0].removesuffix(held_cases.HELD).split(".", 1)
        domain = domain_cases.REGISTRY[(topic, name)]
        if key.endswith(held_cases.HELD):  # the same draw, answered alike
            out += [] if battery.agrees(found[key], stored[key], *domain.tol32) else [key]
            continue
        cases, here, there = domain.cases(), found[key], stored[key]
        if not len(cases) == len(here) == len(there):
            out.append(key)
            continue
        out += [
            f"{key}[{i}] {case.label()}"
            for i, (case, a, b) in enumerate(zip(cases, here, there))
            if not _alike(domain, case, a, b)
        ]
    return out


def _alike(domain: Domain, case: Case, here: Any, there: Any) -> bool:
    """Whether two answers on ``case`` are one as grading reads them: a case past the domain's end
    (:data:`grader.checks.battery.ENDS`) by being finite alike (a convolution at a dtype's top
    cancels ±2^124 terms: its bias survives or not by the summation's order), else by value."""
    if case.dim in battery.ENDS:
        return battery.in_domain(here) == battery.in_domain(there)
    return battery.agrees(here, there, *battery.tolerance(domain, case))


def stale(topic: Topic) -> list[str]:
    """Where ``topic``'s stored answers no longer match its cases or its reference; [] when current."""
    if not topic.answers.is_file():
        return [f"{topic.answers.name} is missing"]
    stored = _stored(topic)
    return differences(computed(topic, stored), stored)
