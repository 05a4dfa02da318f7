"""Where this checkout's files are: the repository root and the suites' folder. A module of its
own, light to import, for the warm engine's client (grader/apps/daemon.py), which names the
engine by them before anything else is imported; :mod:`grader.base.topics` reads them from here."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def suites_dir() -> Path:
    """Folder holding ``suite_<topic>.py`` files (``TORCHGRADE_SUITES`` overrides)."""
    return Path(os.environ.get("TORCHGRADE_SUITES", REPO_ROOT / "tests" / "suites"))


def datasets_dir() -> Path:
    """Folder holding the shipped datasets and their ``SHA256SUMS`` (``TORCHGRADE_DATASETS`` overrides)."""
    return Path(os.environ.get("TORCHGRADE_DATASETS", REPO_ROOT / "datasets"))
