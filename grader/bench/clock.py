"""The benchmark's clock (python -m grader.bench): wall and CPU seconds of a measured run, every
process it started included where a cgroup can count them (:class:`CpuClock`), a figure's row
(median, min, max) and the ``grade`` runs the figures time."""

from __future__ import annotations

import atexit
import compileall
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from grader.base.topics import REPO_ROOT

CPUACCT = Path("/sys/fs/cgroup/cpuacct")
GRADE = [sys.executable, "-m", "grader"]
WORKERS = 2


@dataclass
class Spent:
    """Wall and CPU seconds of one measured run."""

    wall: float = 0.0
    cpu: float = 0.0
    waited: float = 0.0  # CPU of the processes it waited for, as ``time`` counts: no sandbox's workers


class CpuClock:
    """CPU seconds of the benchmark and every process it starts, the sandboxed ones included: the benchmark
    moves itself into a cgroup v1 ``cpuacct`` group of its own where it may (as root), which its children
    inherit. Elsewhere ``getrusage`` of this process and its waited children, which misses the zygote's
    children (reaped inside their sandbox): ``how`` says which. CPU seconds do not grow by waiting for a core,
    so they vary less than wall seconds on a shared machine."""

    def __init__(self) -> None:
        self.group: Path | None = CPUACCT / f"tg-bench-{os.getpid()}"
        try:
            self._leave()  # earlier runs' groups, empty now
            self.group.mkdir()
            (self.group / "cgroup.procs").write_text(str(os.getpid()))
            atexit.register(self._leave)
        except OSError:
            self.group = None
        self.how = "cgroup: every process" if self.group else "getrusage: without the sandboxes' children"

    def seconds(self) -> float:
        if self.group is not None:
            return int((self.group / "cpuacct.usage").read_text()) / 1e9
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    @contextlib.contextmanager
    def measure(self) -> Iterator[Spent]:
        """``with CLOCK.measure() as spent:`` fills ``spent`` when the block ends."""
        spent = Spent()
        wall, cpu, waited = time.perf_counter(), self.seconds(), _waited()
        yield spent
        spent.wall, spent.cpu = time.perf_counter() - wall, self.seconds() - cpu
        spent.waited = _waited() - waited

    def _leave(self) -> None:
        """Back to the root group; this group is removed by the next benchmark (a zygote started
        here ends only after this process: ``--die-with-parent``)."""
        (CPUACCT / "cgroup.procs").write_text(str(os.getpid()))
        for stale in CPUACCT.glob("tg-bench-*"):
            with contextlib.suppress(OSError):
                stale.rmdir()  # refused while a process lives in it


def _waited() -> float:
    """User + system seconds of this process's waited-for children (what ``time`` adds up)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


_CLOCK: list[CpuClock] = []


def clock() -> CpuClock:
    """The benchmark's one clock, made on first use (not on import: tests import this module)."""
    if not _CLOCK:
        _CLOCK.append(CpuClock())
    return _CLOCK[0]


def run_grade(*args: str, env: dict[str, str] | None = None) -> tuple[Spent, dict]:
    """Wall and CPU seconds of one ``grade ... --format json`` process, and its report."""
    with clock().measure() as spent:
        done = subprocess.run(
            [*GRADE, *args, "--format", "json"], capture_output=True, text=True, cwd=REPO_ROOT, env=env
        )
    if done.returncode not in (0, 1):
        raise SystemExit(f"grade {' '.join(args)} failed (exit {done.returncode}): {done.stderr[-500:]}")
    return spent, json.loads(done.stdout)


def run_batch(submissions: Path, *more: str, root: Path = REPO_ROOT) -> tuple[Spent, list[dict]]:
    """Wall and CPU seconds of one ``grade batch`` into a fresh out folder, and its gradebook.json
    rows; ``root`` the checkout whose grader grades (another commit's: grader/bench/against.py)."""
    env = {**os.environ, "PYTHONPATH": str(root)} if root != REPO_ROOT else None
    with tempfile.TemporaryDirectory(prefix="bench-out-") as out:
        with clock().measure() as spent:
            done = subprocess.run(
                [*GRADE, "batch", str(submissions), "--out", out, "--workers", str(WORKERS), *more],
                capture_output=True,
                text=True,
                cwd=root,
                env=env,
            )
        if done.returncode != 0:
            raise SystemExit(f"grade batch failed (exit {done.returncode}): {done.stderr[-500:]}")
        return spent, json.loads((Path(out) / "gradebook.json").read_text())


def score(report: dict) -> str:
    return f"{report['score']:g}/{report['max_score']:g}"


def own_clock(reports: list[dict]) -> str:
    walls = [
        r["seconds"]["wall"] for r in reports if isinstance(r.get("seconds"), dict) and "wall" in r["seconds"]
    ]
    return f", grader's own wall {statistics.median(walls):.2f} s" if walls else ""


def row(name: str, spans: list[Spent], detail: str, ms: bool = False) -> float:
    """One figure: wall seconds' median, min and max, and CPU seconds' median (milliseconds with ``ms``)."""
    scale = 1000 if ms else 1
    times, cpus = [scale * s.wall for s in spans], [scale * s.cpu for s in spans]
    median = statistics.median(times)
    print(
        f"{name:<30}{median:>9.2f}{min(times):>9.2f}{max(times):>9.2f}{statistics.median(cpus):>9.2f}  {detail}",
        flush=True,
    )
    return median


def graded_reports(repeat: int, *args: str) -> tuple[list[Spent], list[dict]]:
    runs = [run_grade(*args) for _ in range(repeat)]
    return [t for t, _ in runs], [r for _, r in runs]


def compile_bytecode(root: Path = REPO_ROOT) -> None:
    """Write grader/'s bytecode first, as installing a wheel does: an editable install where the
    environment sets PYTHONDONTWRITEBYTECODE (as the shared machine does) never writes it, and
    each ``grade`` then compiles the grader's modules from source (~0.1 s of its start), which
    no installed tool pays (the anchors' packages come with theirs)."""
    compileall.compile_dir(root / "grader", quiet=1)
    print(f"bytecode: {root / 'grader'} compiled first, as an installed package has it")
