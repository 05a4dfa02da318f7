"""Where the class's time goes (``python -m grader.bench --profile FILE``): the fixed cost, the cost
per student and each task's split by the grader's own clock (docs/benchmark.md), every number from
the verdict record."""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from grader.bench.clock import WORKERS, Spent, run_batch
from grader.bench.figures import TOPIC, task_spans, write_class

SIZES = (20, 200)
PARTS = ("startup", "probes", "reading")  # the gradebook's seconds of a task besides its wall


def write_students(folder: Path, count: int) -> dict[str, str]:
    """A class of ``count``: the class of 20 over and over, each copy its own file (a comment
    line of its own, so that no reader keyed by a source's digest takes one for another)."""
    with tempfile.TemporaryDirectory(prefix="bench-one-class-") as tmp:
        kinds = write_class(Path(tmp))
        sources = {s: (Path(tmp) / f"{s}_{TOPIC}.py").read_text() for s in kinds}
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, str] = {}
    students = list(kinds)
    for number in range(count):
        student = students[number % len(students)]
        name = f"{student}{number // len(kinds)}"
        (folder / f"{name}_{TOPIC}.py").write_text(f"# copy {number}\n{sources[student]}")
        made[name] = kinds[student]
    return made


def task_parts(rows: list[dict]) -> dict[str, list[float]]:
    """{part: seconds of each graded task}, ``rest`` the wall beyond the named parts."""
    spans = task_spans(rows)
    parts = {part: [float(s.get(part, 0.0)) for s in spans] for part in PARTS}
    parts["rest"] = [s["wall"] - sum(float(s.get(p, 0.0)) for p in PARTS) for s in spans]
    return parts


def line(walls: dict[int, float]) -> tuple[float, float]:
    """(fixed seconds, seconds per student) of the straight line through two class sizes' walls."""
    (small, small_wall), (large, large_wall) = sorted(walls.items())[:2]
    per_student = (large_wall - small_wall) / (large - small)
    return small_wall - small * per_student, per_student


def breakdown(walls: dict[int, float], rows: list[dict]) -> dict[str, object]:
    fixed, per_student = line(walls)
    parts = task_parts(rows)
    return {
        "class_wall_seconds": walls,
        "fixed_seconds": round(fixed, 3),
        "per_student_seconds": round(per_student, 4),
        "workers": WORKERS,
        "per_task_median_ms": {p: round(1000 * statistics.median(v), 1) for p, v in parts.items() if v},
        "per_task_total_s": {p: round(sum(v), 2) for p, v in parts.items()},
    }


def bench_profile(repeat: int, out: Path) -> None:
    walls: dict[int, float] = {}
    rows: list[dict] = []
    for size in SIZES:
        with tempfile.TemporaryDirectory(prefix=f"bench-class-{size}-") as tmp:
            write_students(Path(tmp), size)
            runs: list[tuple[Spent, list[dict]]] = [run_batch(Path(tmp)) for _ in range(repeat)]
        walls[size] = statistics.median(spent.wall for spent, _ in runs)
        rows = runs[-1][1]  # the largest class's tasks, split
    out.write_text(json.dumps(breakdown(walls, rows), indent=1) + "\n")
    fixed, per_student = line(walls)
    print(f"profile ({out}): fixed {fixed:.2f} s, per student {per_student:.3f} s ({WORKERS} workers)")
    for size, wall in walls.items():
        print(f"  class of {size}: {wall:.2f} s")
    for part, spans in task_parts(rows).items():
        print(
            f"  {part:<8} median {1000 * statistics.median(spans):>7.1f} ms a task, {sum(spans):>7.2f} s in all"
        )
