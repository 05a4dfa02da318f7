"""What each topic's reference answered on every case of its exercises' domains, stored.

A topic's answers are ``answers_<topic>.pt`` beside its suite, in its pack: recorded from the
built-in topics' references (tests/grader/references.py: closed forms, i.e. answers, which stay
out of the grader and of every release) by ``python tests/grader/record_domain_answers.py``, from
a course pack's reference by ``grade author record TOPIC``; read here with ``weights_only``
(plain tensors and containers, no code). Judging a stored answer also spares each grade the
references' work (~1.6 s of CPU a full run).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import torch

from grader.base import depends
from grader.base.topics import of

# A release's copy of the answers says so, with how much wider than the docstring's tolerance it
# is judged (grader/checks/taught_answers.py): the exact answers have no such key
MARK = "__taught__"
FLOOR = 1e-30  # what such a copy adds to every tolerance it moves an answer by: an exact 0 moves too


def key(topic: str, name: str) -> str:
    return f"{topic}.{name}"


def stored(store: Path) -> dict[str, Any]:
    """Every answer stored in ``store``, read once a process (a long-lived engine reads them
    before it forks), again where the file changed (:func:`grader.base.depends.stamp`)."""
    return _stored(store, depends.stamp(store.stat()))


@functools.lru_cache(maxsize=64)
def _stored(store: Path, _stamp: depends.Stamp) -> dict[str, Any]:
    loaded: dict[str, Any] = torch.load(store, weights_only=True)  # lists of answers, and MARK
    return loaded


def store_of(topic: str) -> Path:
    """Where ``topic``'s answers are: ``answers_<topic>.pt`` in its pack."""
    found = of(topic)
    if found is None:
        raise KeyError(topic)
    return found.answers


def widening(topic: str) -> float:
    """How much wider than the docstring's tolerance ``topic``'s stored answers are judged: 1 for
    the exact answers, more for a release's copy (grader/checks/taught_answers.py)."""
    try:
        found = stored(store_of(topic))
    except (KeyError, OSError):
        return 1.0
    return float(found.get(MARK, 1.0))


def answers(topic: str, name: str) -> list[list[Any]]:
    """The references' result for each case of ``topic.name``'s domain, in the cases' order: first
    the reference's, then each variant's where the docstring allows several (``key|1``, ``key|2``…:
    GoogLeNetMini's paddings and heads)."""
    found_in, first = stored(store_of(topic)), key(topic, name)
    found = [found_in[first]]
    while f"{first}|{len(found)}" in found_in:
        found.append(found_in[f"{first}|{len(found)}"])
    return found
