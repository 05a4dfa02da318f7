"""The learner's first minutes (``python -m grader.bench --only learner``): from a stopped engine, a
cold run (``--no-daemon``), then the first command on a learner's terminal (it starts the engine
and is answered by it), then two at once (answered by that same engine). Each run in a runtime
folder of the benchmark's own, its engine stopped afterwards by the engine's own protocol."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from grader.bench.clock import GRADE, Spent, clock, row


def _graded(args: list[str], env: dict[str, str], spans: list[Spent]) -> None:
    import subprocess

    with clock().measure() as spent:
        done = subprocess.run([*GRADE, *args, "--quiet"], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"grade {' '.join(args)} failed (exit {done.returncode}): {done.stderr[-500:]}")
    spans.append(spent)


def _copy(source: Path, folder: Path, name: str) -> str:
    """``source`` under ``folder/name/``, a line of its own: never read back from a remembered grade."""
    (folder / name).mkdir()
    target = folder / name / source.name
    target.write_text(f"{source.read_text()}\n# {name}\n")
    return str(target)


def bench_first_minutes(repeat: int, solved: Path) -> None:
    """Rows: the cold run, the first command from a stopped engine, the two after it at once."""
    from grader.apps import daemon, engines

    cold: list[Spent] = []
    first: list[Spent] = []
    pair: list[Spent] = []
    for run in range(repeat):
        with tempfile.TemporaryDirectory(prefix="tg-bench-first-", dir="/tmp") as runtime:
            os.chmod(runtime, 0o700)
            env = {k: v for k, v in os.environ.items() if k != daemon.NO_DAEMON_ENV}
            env |= {daemon.RUNTIME_ENV: runtime, daemon.START_ENV: "1"}
            folder = Path(runtime)
            _graded([_copy(solved, folder, f"cold{run}"), "--no-daemon"], env, cold)
            try:
                _graded([_copy(solved, folder, f"first{run}")], env, first)
                both = [
                    threading.Thread(
                        target=_graded, args=([_copy(solved, folder, f"pair{run}{n}")], env, pair)
                    )
                    for n in range(2)
                ]
                for thread in both:
                    thread.start()
                for thread in both:
                    thread.join()
            finally:
                for engine in engines.engines(env)[0]:
                    engines.stop(engine)
    row("first command: cold run", cold, "--no-daemon, from a stopped engine")
    row("first command: on its engine", first, "it starts the engine and is answered by it (goal <= cold)")
    row("… then two at once", pair, "both on that same engine (goal <= cold)")
