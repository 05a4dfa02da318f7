"""Benchmark: wall and CPU times of grading, as a learner and as an instructor meet them.

``python -m grader.bench [--repeat N] [--only solutions|exercises|class]`` runs every figure N
times (default 3), each in a fresh ``grade`` process, and prints the wall seconds' median, min and
max, and the CPU seconds' median beside them (every process the figure started, the sandboxes
included where a cgroup can count them: grader/bench_clock.py):

- ``grade solutions/``: the reference solutions, every topic (the all-passing case);
- ``grade exercises/``: the untouched stubs, every topic (the all-failing case), once with no
  table of checks cached (the first run after a change), then as later runs meet it;
- class of 20: ``grade batch`` over the synthetic class of ``tests/bench/bench_class.py``
  (12 correct, 5 one-mistake, the stub, an endless loop, a forger; ``losses`` only) with
  ``--workers 2`` into a fresh out folder (with ``--anchors``, compared with nbgrader and
  otter-grader on the same class, measured in the same run); the scores per kind from the
  gradebook show that the class was graded right;
- stub alone: ``grade <stub> --topic losses``, the fixed cost every submission pays
  (process start, sandboxed workers, suite) when none of its code does any work;
- endless loop alone: one student whose ``huber`` never returns, i.e. probe timeouts;
- stubborn stall alone: ``huber`` stalls with every signal ignored, timers disarmed and the
  interpreter's switch interval raised (the watchdog starved): it must still cost one timeout;
- engine, measured in one process as a batch run meets it: the probe round trip (200 tiny
  ``mse`` probes on a warm worker), the per-submission fixed cost (the stub, one topic) and the
  same topic when its import fails (it must cost no more than the stub).

- learner (``--only learner``): a usage error's whole ``grade`` process, one exercise by ``grade
  FILE --exercise X`` fresh and on the learner's warm engine, read back unchanged, a solved
  ``exercises/`` read back and with one file changed, ``grade watch``'s save → report, and a
  notebook's first ``check()`` once its set-up cell's engine is warm, and later ones (each row
  prints its goal).

- dask (``--only dask``, where ``distributed`` is installed): the class of 20 through
  ``grade batch --scheduler`` on a ``LocalCluster`` of 2 single-threaded worker processes (started
  once, warm: their engines started by one run before the timed ones) against the local engine
  with ``--workers 2``, and the overhead ratio of going through Dask.

grader/'s bytecode is compiled first (``compileall``), as an installed package has it.

Where the JSON report carries ``seconds`` (the grader's own clock), its ``wall`` is shown too;
for the class, the framework time per task (wall − probes, from the gradebook's ``seconds``).

``--anchors`` first runs the anchors' harness (``run_baseline.sh``: nbgrader and otter-grader on
their class of 20, minutes; found by ``--anchors-dir``, ``$TORCHGRADE_ANCHORS`` or
``../shared/anchors`` beside the checkout) and prints the class's ratios measured in this run.
Without it no ratio is printed: a figure stored from another machine or another day is no
ratio to this run's (docs/benchmark.md keeps the figures of each day with their command).
``--only class`` runs the last three figures.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from grader.bench_clock import (
    WORKERS,
    clock,
    graded_reports,
    own_clock,
    row,
    run_batch,
    run_grade,
    score,
)
from grader.bench_learner import bench_learner
from grader.topics import REPO_ROOT

# The synthetic class holds complete answers: it lives in the checkout's tests/bench/, outside the
# installed package (and so outside a student release).
sys.path.insert(0, str(REPO_ROOT / "tests" / "bench"))
from bench_class import PROBED, STUBBORN, TOPIC, write_class  # noqa: E402

ANCHORS_ENV = "TORCHGRADE_ANCHORS"  # the folder of the anchors' harness
ANCHORS_SCRIPT = "run_baseline.sh"


def scores_by_kind(rows: list[dict], kinds: dict[str, str]) -> dict[str, list[str]]:
    """``{kind: ["49/49", ...]}`` from gradebook rows (student ``ada`` or ``ada_losses``)."""
    found: dict[str, list[str]] = {kind: [] for kind in dict.fromkeys(kinds.values())}
    for entry in rows:
        student = entry["student"]
        kind = kinds.get(student) or kinds.get(student.removesuffix(f"_{TOPIC}"), "?")
        status = "" if entry["status"] == "graded" else f" ({entry['status']})"
        found.setdefault(kind, []).append(f"{entry['total']:g}/{entry['max']:g}{status}")
    return found


def framework_ms(rows: list[dict]) -> tuple[list[float], list[float]]:
    """Per task of one batch run, from the gradebook's own clock, in ms: wall − probes, and the
    worker's start within it."""
    spans = [r["report"]["seconds"] for r in rows if isinstance(r.get("report"), dict)]
    spans = [s for s in spans if isinstance(s, dict) and {"wall", "probes"} <= set(s)]
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


def anchor_lines(anchors: dict[str, float] | None, ours: float) -> list[str]:
    """The class against the anchors: ratios only from anchors measured in this run."""
    if not anchors:
        return ["class vs. anchors: not measured in this run, so no ratio (python -m grader.bench --anchors)"]
    return ["class vs. anchors measured in this run:"] + [
        f"  {tool}/ours = {seconds:.1f} s / {ours:.1f} s = {seconds / ours:.2f}"
        for tool, seconds in anchors.items()
    ]


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

    from grader import defaults
    from grader.checks import probes
    from grader.engine import runner, workers
    from grader.engine.client import TopicSession
    from grader.engine.staging import stage

    workers.fork_server(False)
    staged = stage(REPO_ROOT / "solutions")
    session = TopicSession(str(staged), TOPIC, timeout=defaults.PROBE_TIMEOUT)
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


def anchors_script(folder: str | None) -> Path:
    """The anchors' harness: ``--anchors-dir``, else $TORCHGRADE_ANCHORS, else ``../shared/anchors``
    beside the checkout."""
    chosen = folder or os.environ.get(ANCHORS_ENV) or str(REPO_ROOT.parent / "shared" / "anchors")
    script = Path(chosen) / ANCHORS_SCRIPT
    if not script.is_file():
        raise SystemExit(f"no {ANCHORS_SCRIPT} in {chosen}: pass --anchors-dir DIR or set {ANCHORS_ENV}")
    return script


def anchor_seconds(table: str) -> dict[str, float]:
    """{nbgrader, otter: median wall of the class} from the harness's table row
    ``| class of 20, sequential wall, median of N (min-max) | 115.7 s (...) | 199.4 s (...) |``."""
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("class of 20, sequential wall"):
            found = {}
            for tool, cell in zip(("nbgrader", "otter"), cells[1:]):
                number = re.match(r"([\d.]+) s", cell)
                if number:
                    found[tool] = float(number.group(1))
            return found
    return {}


def run_anchors(script: Path, repeat: int) -> dict[str, float]:
    """Run the harness (RUNS=repeat; minutes: it builds and runs nbgrader and otter), pass its
    output through, and return the class's median walls it measured."""
    print(f"anchors: bash {script} (RUNS={repeat}) ...", flush=True)
    done = subprocess.run(
        ["bash", str(script)],
        cwd=REPO_ROOT,
        env={**os.environ, "RUNS": str(repeat)},
        capture_output=True,
        text=True,
    )
    print(done.stdout, flush=True)
    found = anchor_seconds(done.stdout)
    if done.returncode != 0 or not found:
        raise SystemExit(f"the anchors' harness failed (exit {done.returncode}): {done.stderr[-800:]}")
    return found


def compile_bytecode() -> None:
    """Write grader/'s bytecode first, as installing a wheel does: an editable install where the
    environment sets PYTHONDONTWRITEBYTECODE (as the shared machine does) never writes it, and
    each ``grade`` then compiles the grader's modules from source (~0.1 s of its start), which
    no installed tool pays (the anchors' packages come with theirs)."""
    compileall.compile_dir(REPO_ROOT / "grader", quiet=1)
    print("bytecode: grader/ compiled first, as an installed package has it")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m grader.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median, min, max)")
    parser.add_argument("--only", choices=["solutions", "exercises", "class", "engine", "dask", "learner"])
    parser.add_argument(
        "--anchors",
        action="store_true",
        help="first run nbgrader and otter on their class of 20 (the anchors' harness), then ours: same-run ratios",
    )
    parser.add_argument(
        "--anchors-dir", help=f"the harness's folder (default: ${ANCHORS_ENV}, else ../shared/anchors)"
    )
    args = parser.parse_args(argv)
    from grader.engine.remembered import FRESH

    # every figure grades (a learner's passing, unchanged topic is read back instead: its own row)
    os.environ[FRESH] = "1"
    compile_bytecode()
    anchors = run_anchors(anchors_script(args.anchors_dir), args.repeat) if args.anchors else None
    print(f"CPU: {clock().how}")
    print(
        f"{'figure (seconds, n=' + str(args.repeat) + ')':<30}{'median':>9}{'min':>9}{'max':>9}{'CPU':>9}  detail"
    )
    if args.only in (None, "solutions"):
        times, reports = graded_reports(args.repeat, str(REPO_ROOT / "solutions"))
        waited = statistics.median(t.waited for t in times)
        row(
            "grade solutions/",
            times,
            f"{score(reports[-1])}{own_clock(reports)}, `time` counts {waited:.2f} s CPU",
        )
    if args.only in (None, "exercises"):
        bench_stubs(args.repeat)
    if args.only in (None, "class"):
        bench_class(args.repeat, anchors)
        bench_stubborn(args.repeat)
    if args.only in (None, "engine"):
        bench_engine(args.repeat)
    if args.only in (None, "learner"):
        bench_learner(args.repeat)
    if args.only in (None, "dask") and importlib.util.find_spec("distributed") is not None:
        bench_dask(args.repeat)


if __name__ == "__main__":
    main()
