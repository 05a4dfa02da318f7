"""A pytest plugin that prints what each test file of a run costs: wall, CPU, `grade` processes.

    PYTHONPATH=$PWD:$PWD/tests/grader python -m pytest tests/grader -m "engine or e2e" -p measure_tiers

With ``--file-seconds`` (a serial run), each file's wall seconds are also written to
``tests/grader/file_seconds.json``, the order in which ``file_order.py`` hands files to xdist.

Not a test: the figures behind the tiers' split and `.ci/run`'s comments. CPU seconds are those
of every process the run starts (grade processes forked by the warm helper, their sandboxes,
busy loops), read from a cgroup v1 ``cpuacct`` group this plugin puts the pytest process in, as
root; elsewhere from ``getrusage`` (which misses what the warm helper's children used until it
exits). Under pytest-xdist only the run's total is printed: the workers share one group.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest

CPUACCT = Path("/sys/fs/cgroup/cpuacct")


class _Cpu:
    """CPU seconds used so far by this process and everything it started."""

    def __init__(self) -> None:
        self.group: Path | None = CPUACCT / f"measure-tiers-{os.getpid()}"
        try:
            self.group.mkdir()
            (self.group / "cgroup.procs").write_text(str(os.getpid()))
            atexit.register(self._remove)  # before the warm helper's: run after it ended
        except OSError:
            self.group = None

    def seconds(self) -> float:
        if self.group is not None:
            return int((self.group / "cpuacct.usage").read_text()) / 1e9
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def _remove(self) -> None:
        assert self.group is not None
        (CPUACCT / "cgroup.procs").write_text(str(os.getpid()))
        try:
            self.group.rmdir()  # refused while a process of the run lives on
        except OSError:
            pass


class Measure:
    def __init__(self, worker: bool, file_seconds: bool = False) -> None:
        self.worker = worker
        self.file_seconds = file_seconds
        self.cpu = None if worker else _Cpu()
        self.start = (time.monotonic(), self.cpu.seconds() if self.cpu else 0.0)
        self.wall: dict[str, float] = defaultdict(float)
        self.used: dict[str, float] = defaultdict(float)
        self.grades: dict[str, int] = defaultdict(int)
        self.current = ""
        self._count_grades()

    def _count_grades(self) -> None:
        """Count `python -m grader` processes this process starts (warm or fresh) per test file."""
        from warm import Warm

        real_run, real_popen = Warm.run, subprocess.Popen.__init__

        def warm_run(warm, args, **kwargs):
            self.grades[self.current] += 1
            return real_run(warm, args, **kwargs)

        def popen(process, args, *rest, **kwargs):
            argv = [str(arg) for arg in args] if isinstance(args, (list, tuple)) else [str(args)]
            if "grader" in argv or any("from grader" in arg for arg in argv):
                self.grades[self.current] += 1
            real_popen(process, args, *rest, **kwargs)

        Warm.run = warm_run  # type: ignore[method-assign]
        subprocess.Popen.__init__ = popen  # type: ignore[method-assign]

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item):
        self.current = item.nodeid.split("::")[0]
        began = (time.monotonic(), self.cpu.seconds() if self.cpu else 0.0)
        yield
        self.wall[self.current] += time.monotonic() - began[0]
        if self.cpu:
            self.used[self.current] += self.cpu.seconds() - began[1]

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.worker:
            return
        write = terminalreporter.write_line
        if self.wall:
            write(f"{'file':<48} {'wall s':>7} {'CPU s':>7} {'grades':>6}")
            for name in sorted(self.wall, key=lambda n: -self.used[n]):
                write(f"{name:<48} {self.wall[name]:7.1f} {self.used[name]:7.1f} {self.grades[name]:6d}")
        if self.file_seconds and self.wall:
            table = {Path(n).name: round(s, 1) for n, s in sorted(self.wall.items(), key=lambda i: -i[1])}
            Path(__file__).with_name("file_seconds.json").write_text(json.dumps(table, indent=1) + "\n")
        assert self.cpu is not None
        wall, cpu = time.monotonic() - self.start[0], self.cpu.seconds() - self.start[1]
        load = os.getloadavg()
        write(
            f"run: {wall:.1f} s wall, {cpu:.1f} s CPU of this run's processes "
            f"({'cgroup' if self.cpu.group else 'getrusage'}), {sum(self.grades.values())} grade processes "
            f"counted; load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
        )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--file-seconds", action="store_true", help="write tests/grader/file_seconds.json")


def pytest_configure(config: pytest.Config) -> None:
    measure = Measure(worker=hasattr(config, "workerinput"), file_seconds=config.getoption("file_seconds"))
    config.pluginmanager.register(measure, "measure-tiers")
