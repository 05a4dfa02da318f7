"""Print where grading a topic's solution spends its time: the trusted side, the sandbox, training.

    python tests/grader/measure_breakdown.py [TOPIC ...]

Per topic, graded in this process on a warm engine (the suite collected, the zygote up, one
grading before the measured one), one topic at a time: wall seconds, the CPU seconds of this
process (the trusted side: the suite, the judge, the codec, the pipes) and of the sandbox (the
zygote and the workers: the submission's code, the probes, the codec's other half; a cgroup v1
``cpuacct`` group this script puts itself in, as root), then the same without the training
(convergence) checks. Not a test: the figures behind docs/benchmark.md's breakdown.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from grader.base.options import Options, Selection  # noqa: E402
from grader.base.topics import available_topics  # noqa: E402
from grader.engine import runner  # noqa: E402
from grader.engine.worker import workers  # noqa: E402

GROUP = Path("/sys/fs/cgroup/cpuacct") / f"measure-breakdown-{os.getpid()}"


def group_cpu() -> float:
    return int((GROUP / "cpuacct.usage").read_text()) / 1e9


def measured(path: Path, options: Options) -> tuple[float, float, float, int]:
    """(wall, trusted CPU, sandbox CPU, checks) of one grading of ``path`` on a warm engine."""
    runner.grade(path, jobs=1, options=options)
    wall, own, total = time.perf_counter(), time.process_time(), group_cpu()
    report = runner.grade(path, jobs=1, options=options)
    wall, own, total = time.perf_counter() - wall, time.process_time() - own, group_cpu() - total
    return wall, own, total - own, sum(len(t.tests) for t in report.topics)


def main() -> None:
    for stale in GROUP.parent.glob("measure-breakdown-*"):  # earlier runs' (their zygotes outlived them)
        try:
            stale.rmdir()
        except OSError:
            pass  # a process lives in it
    GROUP.mkdir()
    (GROUP / "cgroup.procs").write_text(str(os.getpid()))
    workers.fork_server(False)
    print(
        f"{'topic':<10}{'checks':>7}{'wall':>7}{'trusted':>8}{'sandbox':>8}  without training: wall trusted sandbox"
    )
    for topic in sys.argv[1:] or available_topics():
        path = REPO / "solutions" / f"{topic}.py"
        every = measured(path, Options())
        quick = measured(path, Options(selection=Selection(keyword="not convergence")))
        print(
            f"{topic:<10}{every[3]:>7}{every[0]:>7.2f}{every[1]:>8.2f}{every[2]:>8.2f}"
            f"  {quick[0]:>20.2f}{quick[1]:>8.2f}{quick[2]:>8.2f}",
            flush=True,
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
