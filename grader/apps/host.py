"""Whether this operating system can grade at all, said on one line before anything fails.

The engine forks (its pool, the zygote) and limits workers with ``resource`` and ``fcntl``:
Linux has all three, macOS too (it lacks the zygote's ``SOCK_SEQPACKET`` socket pair, so its
workers start fresh: :data:`grader.engine.worker.workers.NO_SEQPACKET`). Native Windows has none of
them: there ``grade`` says to use WSL 2 instead of ending in a traceback.
"""

from __future__ import annotations

import importlib.util
import os
import sys

NEEDED_MODULES = ("fcntl", "resource")
WSL_HOWTO = (
    "torchgrade grades on Linux or macOS; on Windows use WSL 2 (it is Linux): run `wsl --install` "
    "in PowerShell, then install Python, torch and torchgrade inside it and run `grade` there"
)


def _importable(name: str) -> bool:
    if name in sys.modules:
        return sys.modules[name] is not None  # None: the import is blocked (as a test does)
    return importlib.util.find_spec(name) is not None


def host_problem() -> str:
    """Why this system cannot run ``grade``, on one line; "" where it can."""
    missing = [name for name in NEEDED_MODULES if not _importable(name)]
    if sys.platform == "win32" or not hasattr(os, "fork") or missing:
        lacking = f" (no {', '.join(missing)})" if missing else ""
        return f"{WSL_HOWTO}{lacking}"
    return ""
