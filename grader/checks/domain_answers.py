"""What the battery's references answered on every case of every domain, stored.

The references (tests/grader/references.py) are closed forms, i.e. answers: they stay out of the
grader and of every release. What they computed on the cases of :mod:`grader.checks.domain_cases`
is stored in ``domain_answers.pt`` by ``python tests/grader/record_domain_answers.py`` (a test
holds it current), and read here with ``weights_only`` (plain tensors and containers, no code).
Judging a stored answer also spares each grade the references' work (~1.6 s of CPU a full run).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import torch

from grader.topics import of

STORE = Path(__file__).with_name("domain_answers.pt")


def key(topic: str, name: str) -> str:
    return f"{topic}.{name}"


@functools.cache
def stored(store: Path = STORE) -> dict[str, list[Any]]:
    """Every answer stored in ``store``, read once a process (a long-lived engine reads the
    built-in topics' before it forks)."""
    loaded: dict[str, list[Any]] = torch.load(store, weights_only=True)
    return loaded


def store_of(topic: str) -> Path:
    """Where ``topic``'s answers are: its pack's ``answers_<topic>.pt`` (``grade author record``),
    or the built-in topics' store."""
    found = of(topic)
    return found.answers if found is not None and not found.pack.built_in else STORE


def answers(topic: str, name: str) -> list[list[Any]]:
    """The references' result for each case of ``topic.name``'s domain, in the cases' order: first
    the reference's, then each variant's where the docstring allows several (``key|1``, ``key|2``…:
    GoogLeNetMini's paddings and heads)."""
    found_in, first = stored(store_of(topic)), key(topic, name)
    found = [found_in[first]]
    while f"{first}|{len(found)}" in found_in:
        found.append(found_in[f"{first}|{len(found)}"])
    return found
