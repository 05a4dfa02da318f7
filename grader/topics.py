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


def suites_dir() -> Path:
    """Folder holding ``suite_<topic>.py`` files (``TORCHGRADE_SUITES`` overrides)."""
    return Path(os.environ.get("TORCHGRADE_SUITES", REPO_ROOT / "tests" / "suites"))


def suite_path(topic: str) -> Path:
    return suites_dir() / f"suite_{topic}.py"


def available_topics() -> list[str]:
    """Topics that have a suite, in teaching order."""
    return [t for t in TOPICS if suite_path(t).is_file()]


def unknown_topic(topics: Iterable[str]) -> str:
    """The message for the first name that is not a topic; empty when all are."""
    unknown = [t for t in topics if t not in TOPICS]
    return f"unknown topic {unknown[0]!r}; topics: {', '.join(TOPICS)}" if unknown else ""
