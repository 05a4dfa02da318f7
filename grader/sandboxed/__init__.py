"""Code that runs inside the sandbox, next to submitted code (untrusted side): nothing here may be
relied on to judge. Its modules: docs/architecture.md."""

import os
from collections.abc import Iterator

# What a check's code printed (stdout and stderr) comes back as its last this-many characters,
# kept in a ring in the worker (a flood never reaches the grading process): ~25 lines of 80.
# Its home is here, not grader/base/defaults.py: the sandboxed side imports nothing of grader but itself.
OUTPUT_TAIL_CHARS = 2000


def ended_children() -> Iterator[tuple[int, int]]:
    """Reap each child of this process that has ended (orphans re-parented to it included),
    without waiting: its pid and wait status (the zygote's children, the run's at its end)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        yield pid, status
