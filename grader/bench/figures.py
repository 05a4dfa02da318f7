"""The benchmark's figures of grading (``python -m grader.bench``, grader/bench/main.py): the class,
the stubs, the stubborn stall, the engine in one process, Dask."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from grader.base.topics import REPO_ROOT
from grader.bench.anchors import anchor_lines
from grader.bench.clock import (
    WORKERS,
    clock,
    graded_reports,
    own_clock,
    row,
    run_batch,
    run_grade,
    score,
)

# The synthetic class holds complete answers: it lives in the checkout's tests/bench/, outside the
# installed package (and so outside a student release).
sys.path.insert(0, str(REPO_ROOT / "tests" / "bench"))
from bench_class import PROBED, STUBBORN, TOPIC, write_class  # noqa: E402


def scores_by_kind(rows: list[dict], kinds: dict[str, str]) -> dict[str, list[str]]:
    """``{kind: ["49/49", ...]}`` from gradebook rows (student ``ada`` or ``ada_losses``)."""
    found: dict[str, list[str]] = {kind: [] for kind in dict.fromkeys(kinds.values())}
    for entry in rows:
        student = entry["student"]
        kind = kinds.get(student) or kinds.get(student.removesuffix(f"_{TOPIC}"), "?")
        status = "" if entry["status"] == "graded" else f" ({entry['status']})"
        found.setdefault(kind, []).append(f"{entry['total']:g}/{entry['max']:g}{status}")
    return found


def task_spans(rows: list[dict]) -> list[dict]:
    """Each graded task's ``seconds`` (the grader's own clock) from gradebook rows, with its wall."""
    spans = [r["report"]["seconds"] for r in rows if isinstance(r.get("report"), dict)]
    return [s for s in spans if isinstance(s, dict) and "wall" in s]


def framework_ms(rows: list[dict]) -> tuple[list[float], list[float]]:
    """Per task of one batch run, from the gradebook's own clock, in ms: wall − probes, and the
    worker's start within it."""
    spans = [s for s in task_spans(rows) if "probes" in s]
    return [1000 * (s["wall"] - s["probes"]) for s in spans], [1000 * s.get("startup", 0.0) for s in spans]


def framework_seconds(runs: list[list[dict]]) -> str:
    """The framework time per task of each batch run (its median over the tasks), and their median."""
    measured = [(beyond, startup) for beyond, startup in map(framework_ms, runs) if beyond]
    if not measured:
        return "no seconds in the gradebook"
    medians = [statistics.median(beyond) for beyond, _ in measured]
    startups = [statistics.median(startup) for _, startup in measured]
    return (
        f"framework = wall − probes per task: median of the {len(medians)} runs' medians "
        f"{statistics.median(medians):.0f} ms (runs: {', '.join(f'{m:.0f}' for m in medians)}; "
        f"max of the last {max(measured[-1][0]):.0f} ms), of which the worker's start "
        f"{statistics.median(startups):.0f} ms"
    )


def bench_class(repeat: int, anchors: dict[str, float] | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        folder = Path(tmp)
        kinds = write_class(folder)
        batches = [run_batch(folder) for _ in range(repeat)]
        median = row(
            f"class of {len(kinds)} (batch, {WORKERS} workers)",
            [t for t, _ in batches],
            f"{len(batches[-1][1])} gradebook rows",
        )
        stub = next(folder / f"{s}_{TOPIC}.py" for s, k in kinds.items() if k == "stub")
        times, reports = graded_reports(repeat, str(stub), "--topic", TOPIC)
        row("stub alone (fixed cost)", times, score(reports[-1]) + own_clock(reports))
        endless = next(folder / f"{s}_{TOPIC}.py" for s, k in kinds.items() if k == "endless_loop")
        times, reports = graded_reports(repeat, str(endless), "--topic", TOPIC)
        row("endless-loop student alone", times, score(reports[-1]) + own_clock(reports))
    print(f"\n{framework_seconds([rows for _, rows in batches])}")
    print("\n" + "\n".join(anchor_lines(anchors, median)))
    print("scores per kind (gradebook.json of the last batch run):")
    for kind, scores in scores_by_kind(batches[-1][1], kinds).items():
        counts = {s: scores.count(s) for s in dict.fromkeys(scores)}
        print(f"  {kind:<13}" + ", ".join(s if n == 1 else f"{s} ×{n}" for s, n in counts.items()))


def bench_stubs(repeat: int) -> None:
    """``grade exercises/``: once with no table of checks cached (a fresh checkout, or the first
    run after the suites or the grader changed: the suites are collected), then as every later
    run meets it (the tables read, torch not imported)."""
    with tempfile.TemporaryDirectory(prefix="tg-bench-tables-") as tables:
        env = {**os.environ, "TORCHGRADE_CHECK_TABLES": tables}
        stubs = str(REPO_ROOT / "exercises")
        first, report = run_grade(stubs, env=env)
        row("grade exercises/, no table cached", [first], score(report) + own_clock([report]))
        runs = [run_grade(stubs, env=env) for _ in range(repeat)]
        times, reports = [t for t, _ in runs], [r for _, r in runs]
        row("grade exercises/", times, score(reports[-1]) + own_clock(reports) + " (goal <= 0.3 s)")


def bench_stubborn(repeat: int) -> None:
    from grader.engine.subset.submission import UNCHECKED  # `signal` is refused: this times the watchdog

    with tempfile.TemporaryDirectory(prefix="bench-stubborn-") as tmp:
        stubborn = Path(tmp) / f"{TOPIC}.py"
        stubborn.write_text((REPO_ROOT / "solutions" / f"{TOPIC}.py").read_text() + STUBBORN)
        os.environ[UNCHECKED] = "1"
        try:
            times, reports = graded_reports(repeat, str(stubborn))
        finally:
            del os.environ[UNCHECKED]
        row("stubborn stall alone", times, score(reports[-1]) + own_clock(reports))


def bench_engine(repeat: int) -> None:
    """In-process figures: what one more probe, and one more submission, cost a warm engine."""
    import torch

    from grader.base import defaults
    from grader.checks import probes
    from grader.engine import runner
    from grader.engine.staging import stage
    from grader.engine.worker import workers
    from grader.engine.worker.client import TopicSession

    workers.fork_server(False)
    session = TopicSession(str(stage(REPO_ROOT / "solutions")), TOPIC, timeout=defaults.PROBE_TIMEOUT)
    try:
        x, y = torch.randn(4, 3), torch.randn(4, 3)
        session.run(probes.call, PROBED, (x, y), {})
        trips = []
        for _ in range(200):
            with clock().measure() as spent:
                session.run(probes.call, PROBED, (x, y), {})
            trips.append(spent)
        row("probe round trip (ms)", trips, "n=200 on a warm worker", ms=True)
    finally:
        session.close()
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        stub = REPO_ROOT / "exercises" / f"{TOPIC}.py"
        broken = Path(tmp) / f"{TOPIC}.py"
        broken.write_text(stub.read_text() + "\ndef broken(:\n")
        for name, path in (("fixed cost: stub, in-process", stub), ("import fails, in-process", broken)):
            runner.grade(path, jobs=1)
            times = []
            for _ in range(max(repeat, 5)):
                with clock().measure() as spent:
                    runner.grade(path, jobs=1)
                times.append(spent)
            row(name, times, f"one {TOPIC} submission on a warm engine")


def bench_dask(repeat: int) -> None:
    """The class of 20 on the local engine and on a 2-worker LocalCluster: the cost of Dask."""
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        folder = Path(tmp)
        write_class(folder)
        local = row(
            f"class, local ({WORKERS} workers)",
            [run_batch(folder)[0] for _ in range(repeat)],
            "grade batch --workers 2",
        )
        with LocalCluster(
            n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            scheduler = ("--scheduler", cluster.scheduler_address)
            run_batch(folder, *scheduler)  # the workers import torch and start their zygotes once
            dask = row(
                f"class, Dask ({WORKERS}x1 LocalCluster)",
                [run_batch(folder, *scheduler)[0] for _ in range(repeat)],
                "grade batch --scheduler, warm workers",
            )
    print(f"  Dask/local = {dask:.1f} s / {local:.1f} s = {dask / local:.2f} (at most 1.20)")
