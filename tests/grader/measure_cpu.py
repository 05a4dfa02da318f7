"""Print the CPU time the reference solutions' and the corpus's correct modules' probes use.

    python tests/grader/measure_cpu.py [TOPIC ...]

Per check kind: the most CPU seconds one probe of a check used (the trusted side's reading of
the worker's /proc counters), for the reference and for the corpus's correct modules (loops
where loops are allowed), beside the limits in grader/base/defaults.py. Not a test: the figures
behind PROBE_CPU_SECONDS, a pack's probe_cpu_seconds and CONVERGENCE_CPU_SECONDS.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from grader.base import defaults  # noqa: E402
from grader.base.topics import available_topics, probe_cpu_seconds  # noqa: E402
from grader.engine.suites import collected as suites  # noqa: E402
from grader.engine.worker import workers  # noqa: E402


def measure(topic: str, path: Path) -> dict[str, tuple[str, float]]:
    """{check: (kind, most CPU seconds of one of its probes)} of one module."""
    suite = suites.collected(topic, defaults.PROBE_TIMEOUT)
    run = suites.Run(
        submission=path,
        submission_topic=topic,
        grade_device="cpu",
        probe_timeout=defaults.PROBE_TIMEOUT,
        budget=defaults.SUBMISSION_BUDGET,
        deadline=time.monotonic() + defaults.SUBMISSION_BUDGET,
        memory_mb=defaults.MEMORY_MB,
        public_only=False,
        keyword="",
        exercise=(),
        course_seed=None,
        student=None,
    )
    tests, _ = suite.run(run)
    used = suite.grading.cpu_used
    return {t.id: (t.kind, used.get(t.id, 0.0)) for t in tests if t.status != "skipped"}


def main() -> None:
    workers.prestart(False)
    limits = {"convergence": defaults.CONVERGENCE_CPU_SECONDS}
    for topic in sys.argv[1:] or available_topics():
        worst: dict[tuple[str, str], tuple[float, str]] = {}
        modules = [("reference", REPO / "solutions" / f"{topic}.py")]
        modules += [("corpus", p) for p in sorted((REPO / "tests/corpus" / topic / "correct").glob("*.py"))]
        for who, path in modules:
            for check, (kind, cpu) in measure(topic, path).items():
                key = (who, "convergence" if kind == "convergence" else "other")
                if cpu > worst.get(key, (0.0, ""))[0]:
                    worst[key] = (cpu, f"{check} ({path.stem})")
        for (who, kind), (cpu, where) in sorted(worst.items()):
            limit = limits.get(kind, probe_cpu_seconds(topic))
            print(
                f"{topic:<10}{who:<10}{kind:<12}{cpu:7.2f} s  {limit / max(cpu, 0.01):6.1f}x  {where}",
                flush=True,
            )


if __name__ == "__main__":
    main()
