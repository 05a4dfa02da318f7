"""The curriculum's topics: one manifest (name, teaching order, files, exercises, cost) that
everything else reads, made of the packs' declarations (grader/base/packs.py). Adding a topic:
docs/authors.md.

A topic's exercises are listed here, not parsed from ``exercises/<topic>.py``: that file is the
learner's own in a checkout or a release (edited in place), so it may not parse, be empty or carry
an editor's BOM; every command looks an exercise up in this trusted list instead
(tests/grader/test_topics.py holds it equal to the handed-out stub's public definitions)."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from pathlib import Path

from grader.base import defaults
from grader.base.checkout import REPO_ROOT, suites_dir
from grader.base.packs import Topic, all_topics

# Every topic, from the packs (grader/base/packs.py): the built-in pack's nine in teaching order, then
# the course's own. A topic's stub, reference, suite, domains and answers: ``MANIFEST[i].stub``...
MANIFEST: tuple[Topic, ...] = all_topics()
TOPICS: tuple[str, ...] = tuple(topic.name for topic in MANIFEST)
# The topics whose probes never hand autograd a gradient (``y.backward(g)``), as their packs
# declare (pack.toml's sympy_free): a run of only these starts a zygote without sympy
# (grader/engine/worker/sympy_need.py) unless a submission may. tests/grader/test_sympy_need.py holds
# every declaring topic's suite to it: its probes match no GIVEN_GRADIENT.
SYMPY_FREE: frozenset[str] = frozenset(t.name for t in MANIFEST if t.sympy_free)
LONGEST_FIRST: tuple[str, ...] = tuple(t.name for t in sorted(MANIFEST, key=lambda t: -t.seconds))


def single_file_topic(stem: str, topics: tuple[str, ...]) -> str | None:
    """The topic a class's single file answers: ``losses``, ``alice_losses`` -> losses; otherwise
    the one ``--topic`` given."""
    for candidate in (stem, stem.rsplit("_", 1)[-1]):
        if candidate in TOPICS:
            return candidate
    return topics[0] if len(topics) == 1 else None


def probe_cpu_seconds(topic: str) -> float:
    """CPU seconds one probe of ``topic`` may use: its pack's ``probe_cpu_seconds``, else the default."""
    found = of(topic)
    return found.probe_cpu_seconds if found and found.probe_cpu_seconds else defaults.PROBE_CPU_SECONDS


def exercises(topic: str) -> tuple[str, ...]:
    """The exercises of a topic, in its stub's order, from the manifest (none for an unknown topic)."""
    found = of(topic)
    return found.exercises if found else ()


def parameters(topic: str) -> dict[str, tuple[str, ...]]:
    """{function of ``topic``'s stub: its parameters' names, as the stub declares them} (none for an
    unknown topic or a stub that does not parse): another exercise called with these only is that
    exercise's call (grader/engine/subset/reach.py), and a case's arguments are named by them."""
    found = of(topic)
    try:
        return _parameters(found.stub.read_text(encoding="utf-8")) if found else {}
    except (OSError, SyntaxError, ValueError):
        return {}


@functools.lru_cache(maxsize=32)
def _parameters(stub: str) -> dict[str, tuple[str, ...]]:
    functions = (n for n in ast.parse(stub).body if isinstance(n, ast.FunctionDef))
    return {
        f.name: tuple(a.arg for a in (*f.args.posonlyargs, *f.args.args, *f.args.kwonlyargs))
        for f in functions
    }


# A student release's suites folder holds this file (grader/apps/release.py writes it; the engine
# and the Gradescope autograder read it): its public suites' hidden checks, per exercise and kind.
RELEASE_MARKER = "RELEASE.json"


def original_stub_file(topic: str) -> Path:
    """Where a student release keeps ``topic``'s stub as handed out (its learner edits
    ``exercises/`` in place, and a release has no git): what ``grade reset`` puts back."""
    return suites_dir() / "originals" / f"{topic}.py"


def install_problem() -> str:
    """Why this installation cannot grade, or "" when it can.

    torchgrade runs from a checkout of its repository (or a student release), where
    ``exercises/``, ``tests/suites/`` and ``datasets/`` sit beside ``grader/``; a wheel
    (``pip install .``) carries the grader package only, and says so instead of half working.
    """
    if suites_dir().is_dir() and (REPO_ROOT / "exercises").is_dir():
        return ""
    return (
        f"no exercises/ or tests/suites/ beside {REPO_ROOT / 'grader'}: torchgrade runs from a checkout "
        "of its repository; clone it and run `pip install -e .` there (a wheel holds the grader only)"
    )


def of(topic: str) -> Topic | None:
    """``topic``'s entry in the manifest (None for an unknown name)."""
    return next((t for t in MANIFEST if t.name == topic), None)


def suite_path(topic: str) -> Path:
    """``suite_<topic>.py`` in its pack's suites folder (the built-in pack's: ``suites_dir()``)."""
    found = of(topic)
    return found.suite if found else suites_dir() / f"suite_{topic}.py"


def available_topics() -> list[str]:
    """Topics that have a suite, in teaching order."""
    return [t for t in TOPICS if suite_path(t).is_file()]


def unknown_topic(topics: Iterable[str]) -> str:
    """The message for the first name that is not a topic; empty when all are."""
    unknown = [t for t in topics if t not in TOPICS]
    return f"unknown topic {unknown[0]!r}; topics: {', '.join(TOPICS)}" if unknown else ""


def stub_file(topic: str) -> Path:
    """``topic``'s stub as its pack hands it out (``exercises/<topic>.py`` for the built-in pack)."""
    found = of(topic)
    return found.stub if found else REPO_ROOT / "exercises" / f"{topic}.py"


def reference_file(topic: str) -> Path:
    """``topic``'s reference solution in its pack (a student release has none)."""
    found = of(topic)
    return found.solution if found else REPO_ROOT / "solutions" / f"{topic}.py"
