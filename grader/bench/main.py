"""Benchmark: wall and CPU times of grading, as a learner and as an instructor meet them.

``python -m grader.bench [--repeat N] [--only solutions|exercises|class]`` runs every figure N
times (default 3), each in a fresh ``grade`` process, and prints the wall seconds' median, min and
max, and the CPU seconds' median beside them (every process the figure started, the sandboxes
included where a cgroup can count them: grader/bench/clock.py):

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

``--profile FILE`` splits the class's time (grader/bench/profile.py): the fixed cost and the cost
per student from a class of 20 and one of 200, and a student's task by the grader's own clock
(the worker's start, its probes, the trusted side's reading, the rest), written to FILE as JSON.
``--against COMMIT`` grades the class of 20 with that commit's grader too, in turns with this
checkout's (grader/bench/against.py): with ``--anchors``, one command gives both ratios.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
from pathlib import Path

from grader.bench.against import bench_against
from grader.bench.anchors import ANCHORS_ENV, anchors_script, run_anchors
from grader.bench.clock import clock, compile_bytecode, graded_reports, own_clock, row, score
from grader.bench.figures import bench_class, bench_dask, bench_engine, bench_stubborn, bench_stubs
from grader.bench.learner import bench_learner
from grader.bench.profile import bench_profile
from grader.topics import REPO_ROOT


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
    parser.add_argument("--profile", type=Path, metavar="FILE", help="the class's breakdown, written as JSON")
    parser.add_argument("--against", metavar="COMMIT", help="the class of 20 graded by COMMIT too, in turns")
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
        if args.against:
            bench_against(args.against, args.repeat)
        if args.profile:
            bench_profile(args.repeat, args.profile)
    if args.only in (None, "engine"):
        bench_engine(args.repeat)
    if args.only in (None, "learner"):
        bench_learner(args.repeat)
    if args.only in (None, "dask") and importlib.util.find_spec("distributed") is not None:
        bench_dask(args.repeat)
