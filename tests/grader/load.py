"""A busy loop on every core, for tests that must hold on a loaded machine.

As a context manager (``with busy_cores(): ...``) for one test's body; as a command,
``python tests/grader/load.py COMMAND...`` runs COMMAND with the loops beside it and exits with
its status (.ci/run's load step: key engine tests once under load). The loops are ours, stopped
by their own handles.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def busy_cores(nice: int = 19) -> Iterator[None]:
    """A busy loop on every core while the body runs. At ``nice`` 19 (the corpus test) they cost
    CI little wall time while sharing the cores' caches: CPU-time limits, which do not grow by
    waiting for a core, must stay fair. At 0 they compete for the cores as other users' work
    does, which is what wall-clock deadlines must survive."""
    busy = ["nice", "-n", str(nice), sys.executable, "-c", "while True: pass"]
    loops = [subprocess.Popen(busy) for _ in range(os.cpu_count() or 1)]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def main(command: list[str]) -> int:
    with busy_cores(nice=0):
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
