"""The curriculum's topics, in teaching order, and where their suites live."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

TOPICS: tuple[str, ...] = (
    "tensors",
    "autograd",
    "losses",
    "optim",
    "mlp",
    "cnn",
    "inception",
    "resnet",
    "rnn",
)

REPO_ROOT = Path(__file__).resolve().parent.parent
# A student release's suites folder holds this file (grader/apps/release.py writes it; the engine
# and the Gradescope autograder read it): its public suites' hidden checks, per exercise and kind.
RELEASE_MARKER = "RELEASE.json"


def suites_dir() -> Path:
    """Folder holding ``suite_<topic>.py`` files (``TORCHGRADE_SUITES`` overrides)."""
    return Path(os.environ.get("TORCHGRADE_SUITES", REPO_ROOT / "tests" / "suites"))


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
