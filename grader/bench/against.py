"""The class of 20 against a named commit in the same run (``python -m grader.bench --against COMMIT``): the
commit checked out beside this checkout (a detached git worktree, removed after), the two graded in turns on
the same machine, so a regression shows the day it lands. A figure, never a gate."""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from grader.base.topics import REPO_ROOT
from grader.bench.clock import compile_bytecode, run_batch
from grader.bench.figures import write_class


@contextlib.contextmanager
def checked_out(commit: str, repo: Path = REPO_ROOT) -> Iterator[Path]:
    """``commit`` as a detached worktree of ``repo`` in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="bench-against-") as tmp:
        tree = Path(tmp) / "tree"
        done = subprocess.run(
            ["git", "-C", str(repo), "worktree", "add", "--detach", str(tree), commit],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"--against {commit}: git worktree add failed: {done.stderr.strip()}")
        try:
            yield tree
        finally:
            subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)], check=False)


def ratio_lines(ours: list[float], theirs: list[float], commit: str) -> list[str]:
    mine, other = statistics.median(ours), statistics.median(theirs)
    return [
        f"class of 20, this checkout vs {commit}, in turns:",
        f"  this checkout {mine:.2f} s (runs: {', '.join(f'{t:.2f}' for t in ours)})",
        f"  {commit} {other:.2f} s (runs: {', '.join(f'{t:.2f}' for t in theirs)})",
        f"  this/{commit} = {mine / other:.3f}",
    ]


def bench_against(commit: str, repeat: int) -> None:
    with checked_out(commit) as tree, tempfile.TemporaryDirectory(prefix="bench-ab-class-") as tmp:
        compile_bytecode(tree)  # as this checkout's
        write_class(Path(tmp))  # one class, graded by both
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(repeat):
            ours.append(run_batch(Path(tmp))[0].wall)
            theirs.append(run_batch(Path(tmp), root=tree)[0].wall)
    print("\n".join(ratio_lines(ours, theirs, commit)))
