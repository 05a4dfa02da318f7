"""``grade author record TOPIC``: what a pack's reference answers on every case of its exercises'
input domains (``domains_<topic>.py``), stored in ``answers_<topic>.pt`` beside its suite, which
the battery judges a submission against (:mod:`grader.checks.domain_answers`).

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

from grader.checks import battery, domain_answers, domain_cases
from grader.topics import Topic


def reference_module(topic: Topic) -> ModuleType:
    """``topic``'s reference solution, imported from its pack."""
    spec = importlib.util.spec_from_file_location(f"torchgrade_reference_{topic.name}", topic.solution)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(topic.solution)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def computed(topic: Topic) -> dict[str, list[Any]]:
    """{topic.name: the reference's result per case} for every exercise with a declared domain."""
    domain_cases.load(topic.name)
    reference = reference_module(topic)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        found = {}
        for name in battery.exercises(topic.name):
            domain = domain_cases.REGISTRY[(topic.name, name)]
            cases = battery.plain_cases(domain, domain.cases())
            found[domain_answers.key(topic.name, name)] = battery.walker(cases)(reference, name, cases)
        return found
    finally:
        torch.set_num_threads(threads)


def record(topic: Topic) -> tuple[Path, int]:
    """Write ``topic``'s answers; (the file, how many exercises)."""
    found = computed(topic)
    torch.save(found, topic.answers)
    return topic.answers, len(found)


def stale(topic: Topic) -> list[str]:
    """The exercises whose stored answers no longer match their cases or the reference (as a
    grade judges a result: each case's own tolerance), "" when current."""
    if not topic.answers.is_file():
        return [f"{topic.answers.name} is missing"]
    stored = torch.load(topic.answers, weights_only=True)
    found, out = computed(topic), []
    for key in sorted(found.keys() | stored.keys()):
        name = key.split(".", 1)[1]
        domain = domain_cases.REGISTRY.get((topic.name, name))
        here, there = found.get(key), stored.get(key)
        if domain is None or here is None or there is None or len(here) != len(there):
            out.append(key)
            continue
        out += [
            f"{key}: {case.label()}"
            for case, a, b in zip(domain.cases(), here, there)
            if not battery.agrees(a, b, *battery.tolerance(domain, case))
        ]
    return out
