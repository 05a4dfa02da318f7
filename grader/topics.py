"""The curriculum's topics: one manifest (name, teaching order, files, exercises, cost) that
everything else reads. Adding a topic: docs/contributing.md, "Adding a topic"."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from grader.checkout import REPO_ROOT, suites_dir


@dataclass(frozen=True)
class Topic:
    """One topic: its stub ``exercises/<name>.py`` (whose public functions and classes are its
    exercises), its reference ``solutions/<name>.py`` and its suite ``suite_<name>.py``."""

    name: str
    # The reference solution's seconds in one warm grading process: `grade PATH` hands topics
    # to the grading processes longest first, so that a run's tail is a short topic (the order
    # is what counts, not the figure: docs/benchmark.md, "Behind the code").
    seconds: float

    @property
    def stub(self) -> Path:
        return REPO_ROOT / "exercises" / f"{self.name}.py"

    @property
    def solution(self) -> Path:
        return REPO_ROOT / "solutions" / f"{self.name}.py"

    @property
    def suite(self) -> Path:
        return suite_path(self.name)

    @property
    def exercises(self) -> tuple[str, ...]:
        return exercises(self.name)


MANIFEST: tuple[Topic, ...] = (  # in teaching order
    Topic("tensors", seconds=0.55),
    Topic("autograd", seconds=0.26),
    Topic("losses", seconds=0.35),
    Topic("optim", seconds=0.52),
    Topic("mlp", seconds=0.70),
    Topic("cnn", seconds=1.03),
    Topic("inception", seconds=1.18),
    Topic("resnet", seconds=1.70),
    Topic("rnn", seconds=0.38),
)
TOPICS: tuple[str, ...] = tuple(topic.name for topic in MANIFEST)
# The topics whose probes never hand autograd a gradient (``y.backward(g)``): a run of only
# these starts a zygote without sympy (grader/engine/sympy_need.py) unless a submission may.
# tests/grader/test_sympy_need.py holds it: these suites' probes match no GIVEN_GRADIENT.
SYMPY_FREE: frozenset[str] = frozenset(TOPICS) - {"autograd"}
LONGEST_FIRST: tuple[str, ...] = tuple(t.name for t in sorted(MANIFEST, key=lambda t: -t.seconds))


def single_file_topic(stem: str, topics: tuple[str, ...]) -> str | None:
    """The topic a class's single file answers: ``losses``, ``alice_losses`` -> losses; otherwise
    the one ``--topic`` given."""
    for candidate in (stem, stem.rsplit("_", 1)[-1]):
        if candidate in TOPICS:
            return candidate
    return topics[0] if len(topics) == 1 else None


@cache
def exercises(topic: str) -> tuple[str, ...]:
    """The exercises of a topic: the public functions and classes of its stub, in file order."""
    tree = ast.parse((REPO_ROOT / "exercises" / f"{topic}.py").read_text())
    return tuple(
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
    )


# A student release's suites folder holds this file (grader/apps/release.py writes it; the engine
# and the Gradescope autograder read it): its public suites' hidden checks, per exercise and kind.
RELEASE_MARKER = "RELEASE.json"


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


def suite_path(topic: str) -> Path:
    return suites_dir() / f"suite_{topic}.py"


def available_topics() -> list[str]:
    """Topics that have a suite, in teaching order."""
    return [t for t in TOPICS if suite_path(t).is_file()]


def unknown_topic(topics: Iterable[str]) -> str:
    """The message for the first name that is not a topic; empty when all are."""
    unknown = [t for t in topics if t not in TOPICS]
    return f"unknown topic {unknown[0]!r}; topics: {', '.join(TOPICS)}" if unknown else ""
