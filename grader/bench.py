"""Benchmark: how long grading takes, and how much of it is overhead.

``python -m grader.bench [--repeat N] [PATH ...]`` grades each PATH (default: the
reference ``solutions/`` and the untouched ``exercises/``) N times, each in a fresh
``grade`` process as a learner would run it, and prints medians:

- process: the whole ``grade`` command, Python start-up included;
- startup: starting sandboxed workers (Python, torch, the submission's import);
- probes:  the checks' own work inside workers (the submitted code running);
- overhead: the share of the process's time spent outside the probes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from grader.topics import REPO_ROOT


def grade_once(path: Path) -> dict[str, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", "from grader.cli import main; main()", str(path),
                           "--format", "json"], capture_output=True, text=True, cwd=REPO_ROOT)
    process = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"grade {path} failed (exit {done.returncode}): {done.stderr[-500:]}")
    report = json.loads(done.stdout)
    return {"process": process, **report["seconds"], "score": report["score"],
            "max_score": report["max_score"]}


def summarise(path: Path, runs: list[dict[str, float]]) -> str:
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    overhead = 1 - median["probes"] / median["process"]
    return (f"{str(path):<12} n={len(runs)}  score {median['score']:g}/{median['max_score']:g}  "
            f"process {median['process']:.2f} s (min {min(r['process'] for r in runs):.2f})  "
            f"startup {median['startup']:.2f} s  probes {median['probes']:.2f} s  "
            f"overhead {overhead:.0%}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m grader.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        default=[REPO_ROOT / "solutions", REPO_ROOT / "exercises"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    medians: dict[Path, float] = {}
    for path in args.paths:
        runs = [grade_once(path) for _ in range(args.repeat)]
        medians[path] = statistics.median(r["process"] for r in runs)
        print(summarise(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path, runs),
              flush=True)
    if len(medians) > 1:
        first, *rest = args.paths
        for other in rest:
            print(f"ratio {other.name}/{first.name}: {medians[other] / medians[first]:.2f}")


if __name__ == "__main__":
    main()
