"""Benchmark: wall and CPU times of grading, as a learner and as an instructor meet them:
``python -m grader.bench`` (each option, and how a figure is run and printed: docs/benchmark.md,
"The command"); the figures are grader/bench/figures.py's."""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
from pathlib import Path

from grader.base.topics import REPO_ROOT
from grader.bench.against import bench_against
from grader.bench.anchors import ANCHORS_ENV, anchors_script, run_anchors
from grader.bench.clock import clock, compile_bytecode, graded_reports, own_clock, row, score
from grader.bench.figures import bench_class, bench_dask, bench_engine, bench_stubborn, bench_stubs
from grader.bench.learner import bench_learner
from grader.bench.profile import bench_profile


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
