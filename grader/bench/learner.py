"""The learner's figures of the benchmark (``python -m grader.bench --only learner``: grader/bench/main.py
says which): a usage error's whole process, the first minutes (grader/bench/first_minutes.py), one
exercise fresh and on the warm engine, read back, ``grade watch``'s save → report and a notebook's
``check()``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.base import defaults
from grader.base.topics import REPO_ROOT
from grader.bench.clock import GRADE, Spent, clock, row, score
from grader.bench.first_minutes import bench_first_minutes

# The synthetic class holds complete answers: it lives in the checkout's tests/bench/, outside the
# installed package (and so outside a student release).
sys.path.insert(0, str(REPO_ROOT / "tests" / "bench"))
from bench_class import CHECKED, ONE_EXERCISE, TOPIC  # noqa: E402

WARM_RUNS = 10  # the warm `grade FILE --exercise X`: median of this many


def bench_learner(repeat: int) -> None:
    """The learner's figures (the module's doc says which; warm ones: median of :data:`WARM_RUNS`)."""
    times = []
    for _ in range(repeat):
        with clock().measure() as spent:
            subprocess.run(
                [*GRADE, f"exercises/{TOPIC}.py", "--exercise", f"{CHECKED}x"],
                capture_output=True,
                cwd=REPO_ROOT,
            )
        times.append(spent)
    row("usage error (--exercise typo)", times, "a whole process, the interpreter's start too (goal < 0.5 s)")
    bench_first_minutes(repeat, REPO_ROOT / "solutions" / f"{TOPIC}.py")
    bench_warm_engine(repeat)
    bench_check(repeat)


def _timed_grade(args: list[str], env: dict[str, str]) -> Spent:
    with clock().measure() as spent:
        done = subprocess.run([*GRADE, *args], capture_output=True, text=True, cwd=REPO_ROOT, env=env)
    if done.returncode != 0:
        raise SystemExit(f"grade {' '.join(args)} failed (exit {done.returncode}): {done.stderr[-500:]}")
    return spent


def bench_warm_engine(repeat: int) -> None:
    """``grade solutions/tensors.py --exercise accuracy``, quiet: fresh, then on a warm engine
    (grader/serve.py) in a runtime folder of the benchmark's own, ended afterwards."""
    from grader.apps import daemon, engines
    from grader.engine.remembered import FRESH

    topic, exercise = ONE_EXERCISE
    args = [str(REPO_ROOT / "solutions" / f"{topic}.py"), "--exercise", exercise, "--quiet"]
    with tempfile.TemporaryDirectory(prefix="tg-bench-", dir="/tmp") as runtime:
        os.chmod(runtime, 0o700)
        env = {k: v for k, v in os.environ.items() if k not in (daemon.NO_DAEMON_ENV, daemon.START_ENV)}
        env[daemon.RUNTIME_ENV] = runtime
        fresh = [_timed_grade([*args, "--no-daemon"], env) for _ in range(repeat)]
        row("grade FILE --exercise, fresh", fresh, "a new process: torch, suites, zygote (goal <= 2 s)")
        server = subprocess.Popen([*GRADE[:1], "-m", "grader.serve"], cwd=REPO_ROOT, env=env)
        try:
            with clock().measure() as ready:
                path = daemon.socket_path(daemon.engine_env(env))
                while path is not None and not path.exists() and server.poll() is None:
                    time.sleep(0.05)  # bound once warm
                _timed_grade(args, env)
            row("warm engine ready", [ready], "after its start, one grading")
            engines.warmed(env, defaults.boot_seconds())  # its suites collected: warm from here
            warm = [_timed_grade(args, env) for _ in range(WARM_RUNS)]
            row("grade FILE --exercise, warm", warm, f"median of {WARM_RUNS} (goal <= 0.15 s)")
            unchanged = {**env, FRESH: ""}  # a passing, unchanged topic: read back
            _timed_grade(args, unchanged)
            kept = [_timed_grade(args, unchanged) for _ in range(WARM_RUNS)]
            row("… unchanged, read back", kept, f"median of {WARM_RUNS}: nothing graded again")
            bench_solved_folder(unchanged)
            bench_watch(env)
        finally:
            server.kill()
            server.wait()


def bench_solved_folder(env: dict[str, str]) -> None:
    """``grade exercises/`` on a warm engine, every exercise solved: unchanged since the last run
    (goal <= 1 s, every topic read back), then one file changed (goal <= 1.5 s, it alone graded)."""
    with tempfile.TemporaryDirectory(prefix="tg-bench-solved-") as folder:
        for path in (REPO_ROOT / "solutions").glob("*.py"):
            shutil.copy(path, Path(folder) / path.name)
        args = [folder, "--quiet"]
        _timed_grade(args, env)  # graded once: what the next runs read back
        kept = [_timed_grade(args, env) for _ in range(WARM_RUNS)]
        row("grade exercises/, all solved, unchanged", kept, f"median of {WARM_RUNS} (goal <= 1 s)")
        changed, spans = Path(folder) / f"{ONE_EXERCISE[0]}.py", []
        for run in range(WARM_RUNS):  # one topic's file saved with new bytes: it alone is graded
            changed.write_text(f"{changed.read_text()}# save {run}\n")
            spans.append(_timed_grade(args, env))
    row(
        "grade exercises/, one file changed",
        spans,
        f"median of {WARM_RUNS}, the rest read back (goal <= 1.5 s)",
    )


def bench_watch(env: dict[str, str]) -> None:
    """``grade watch FILE`` on the warm engine: a save of its topic's file, then the report (goal <= 1 s)."""
    with tempfile.TemporaryDirectory(prefix="tg-bench-watch-") as folder:
        file = f"{ONE_EXERCISE[0]}.py"
        saved = Path(shutil.copy(REPO_ROOT / "solutions" / file, Path(folder) / file))
        watcher = subprocess.Popen([*GRADE, "watch", str(saved)], stdout=subprocess.PIPE, text=True, env=env)
        spans = []
        try:
            for run in range(WARM_RUNS):
                _until(watcher, "watching")  # the first grading, or the last save's, shown
                with clock().measure() as spent:
                    saved.write_text(f"{saved.read_text()}# save {run}\n")  # new bytes: graded afresh
                    _until(watcher, "total")
                spans.append(spent)
        finally:
            watcher.kill()
            watcher.wait()
    row("grade watch: save → report", spans, f"median of {WARM_RUNS}, one topic (goal <= 1 s)")


def _until(watcher: subprocess.Popen, word: str) -> None:
    while word not in (line := watcher.stdout.readline()):  # type: ignore[union-attr]
        if not line:
            raise SystemExit(f"grade watch ended (exit {watcher.wait()})")


def bench_check(repeat: int) -> None:
    """A notebook's ``check()``: the set-up cell starts the engine (``use_notebook``); the first
    check once it is warm, then warm ones."""
    import nbformat

    from grader.apps import selfcheck

    with tempfile.TemporaryDirectory() as folder:
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell((REPO_ROOT / "solutions" / f"{TOPIC}.py").read_text())]
        path = Path(folder) / f"{TOPIC}.ipynb"
        nbformat.write(notebook, str(path))
        with clock().measure() as setup:
            selfcheck.use_notebook(path)  # the set-up cell
            if not selfcheck.engine_ready(600):
                raise SystemExit("the notebook's engine did not start")
        row("set-up cell: engine warm", [setup], "in the background")
        with clock().measure() as spent:
            first = selfcheck.grade_notebook(path, CHECKED)
        row("check() first, after set-up", [spent], score(first) + " (goal <= 0.5 s)")
        warm = []
        for _ in range(repeat):
            with clock().measure() as spent:
                report = selfcheck.grade_notebook(path, CHECKED)
            warm.append(spent)
        selfcheck.stop_engine()
    row("check() warm, one exercise", warm, score(report) + " (goal <= 1 s)")
