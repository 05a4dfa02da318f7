"""The tests' warm starter (tests/grader/warm.py): a `grade` forked from the warm helper runs as a
fresh ``python -m grader`` would: same environment, cwd, argv, output, exit status and timeout."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from helpers import GRADE, REPO, _warm_helper, grade_json, run_grade
from warm import Warm

pytestmark = pytest.mark.e2e

# Stand-ins for grader/__main__.py: `python -m grader` in their folder runs them (the cwd comes first).
MAINS = {
    "exit code": "import sys\nprint('out')\nsys.exit(3)",
    "exit message": "import sys\nsys.exit('bye')",
    "uncaught error": "raise ValueError('boom')",
    "killed by a signal": "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)",
    "ctrl-c": "import os, signal, time\nos.kill(os.getpid(), signal.SIGINT)\ntime.sleep(0.5)\nprint('on')",
    "what it was given": (
        "import os, sys\nprint(os.environ.get('WARM_MARK'), os.environ.get('HOME', 'no home'), os.getcwd())\n"
        "print(sys.argv[1:], os.path.basename(sys.argv[0]), __name__, sys.path[0] == os.getcwd())\n"
        "print(os.isatty(0), 'torch' in sys.modules and 'grader.cli' in sys.modules)"
    ),
    "exit waits for threads, then atexit": (
        "import atexit, threading, time\natexit.register(print, 'at exit')\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread'))).start()\nprint('main')"
    ),
}


@pytest.fixture(scope="module")
def warm() -> Warm:
    helper = _warm_helper({**os.environ, "PYTHONPATH": str(REPO)})
    assert helper is not None, "the warm helper could not start"
    return helper


def fake_grader(folder: Path, source: str) -> Path:
    (folder / "grader").mkdir()
    (folder / "grader" / "__init__.py").write_text("")
    (folder / "grader" / "__main__.py").write_text(source + "\n")
    return folder


@pytest.mark.timeout(300)
@pytest.mark.parametrize("main", MAINS.values(), ids=MAINS.keys())
def test_a_warm_child_ends_and_answers_as_a_fresh_interpreter(warm, tmp_path, main):
    folder = fake_grader(tmp_path, main)
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), "WARM_MARK": "marked"}
    args = ["--one", "two words"]
    fresh = subprocess.run([*GRADE, *args], capture_output=True, text=True, timeout=120, cwd=folder, env=env)
    forked = warm.run(args, cmd=[*GRADE, *args], cwd=folder, env=env, timeout=120)
    assert forked.returncode == fresh.returncode
    assert forked.stdout == fresh.stdout
    assert forked.stderr.splitlines()[-1:] == fresh.stderr.splitlines()[-1:]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("handler", [signal.SIG_IGN, signal.default_int_handler], ids=["ignored", "raises"])
def test_ctrl_c_is_answered_as_the_test_process_would_pass_it_on_now(warm, tmp_path, handler):
    """Whatever SIGINT was when the helper started: a fresh process inherits it ignored or not."""
    folder = fake_grader(tmp_path, MAINS["ctrl-c"])
    previous = signal.signal(signal.SIGINT, handler)
    try:
        fresh = subprocess.run(GRADE, capture_output=True, text=True, timeout=120, cwd=folder)
        forked = warm.run([], cmd=GRADE, cwd=folder, env={**os.environ}, timeout=120)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert (forked.returncode, forked.stdout) == (fresh.returncode, fresh.stdout)


@pytest.mark.timeout(120)
def test_a_timeout_kills_the_child_and_raises_timeout_expired(warm, tmp_path):
    folder = fake_grader(tmp_path, "import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(600)")
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as expired:
        warm.run(["x"], cmd=[*GRADE, "x"], cwd=folder, env={**os.environ}, timeout=3)
    assert time.monotonic() - started < 60
    pid = int(expired.value.output.decode())
    assert not Path(f"/proc/{pid}").exists(), "killed and reaped"
    again = warm.run(["--version"], cmd=[*GRADE, "--version"], cwd=REPO, env={**os.environ}, timeout=60)
    assert again.returncode == 0, "and the helper serves the next run"


@pytest.mark.timeout(600)
def test_the_warm_child_sees_the_environment_the_test_passed(warm, tmp_path):
    suites = tmp_path / "suites"
    suites.mkdir()
    for suite in (REPO / "tests" / "suites").iterdir():
        if suite.is_file():  # not __pycache__, which a hand run of the suites may have written
            (suites / suite.name).write_bytes(suite.read_bytes())
    with (suites / "suite_losses.py").open("a") as suite:
        suite.write(
            '\n\n@check("shape", public=True, exercise="huber")\ndef test_only_in_this_copy(sub):\n    pass\n'
        )
    env = {**warm.env, "TORCHGRADE_SUITES": str(suites)}
    args = [str(REPO / "solutions" / "losses.py"), "--format", "json"]
    done = warm.run(args, cmd=[*GRADE, *args], cwd=REPO, env=env, timeout=300)
    (topic,) = json.loads(done.stdout)["topics"]
    assert "only_in_this_copy" in [test["id"] for test in topic["tests"]], done.stderr[-2000:]


@pytest.mark.timeout(120)
def test_a_python_variable_in_the_env_runs_a_fresh_interpreter():
    done = run_grade("--version", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 0 and "import time:" in done.stderr


def without_seconds(report: object) -> object:
    if isinstance(report, dict):
        return {key: without_seconds(value) for key, value in report.items() if key != "seconds"}
    if isinstance(report, list):
        return [without_seconds(value) for value in report]
    return report


@pytest.mark.timeout(600)
def test_a_warm_grading_reports_as_a_fresh_one():
    submission = str(REPO / "solutions" / "losses.py")
    warm_code, warm_report = grade_json(submission)
    fresh_code, fresh_report = grade_json(submission, fresh=True)
    assert warm_code == fresh_code == 0
    assert without_seconds(warm_report) == without_seconds(fresh_report)


@pytest.mark.timeout(300)
def test_a_changed_start_variable_in_the_test_process_starts_a_new_helper(monkeypatch):
    before = _warm_helper({**os.environ, "PYTHONPATH": str(REPO)})
    monkeypatch.setenv("OMP_NUM_THREADS", "3" if os.environ.get("OMP_NUM_THREADS") != "3" else "2")
    assert run_grade("--version").returncode == 0
    after = _warm_helper({**os.environ, "PYTHONPATH": str(REPO)})
    assert (
        after is not before
        and after is not None
        and not after.differs({**os.environ, "PYTHONPATH": str(REPO)})
    )


@pytest.mark.timeout(600)
def test_warm_gradings_fork_their_workers_from_the_helpers_zygote(tmp_path):
    """The helper's zygote serves every warm `grade` (tests/grader/warm.py), as a batch's zygote
    serves its grading processes: its children's pids in its pid namespace (each child is pid 1
    of its own, below it: the first NSpid after the outermost) keep growing from one grading to
    the next. A zygote of each grading's own would start them alike."""
    broken = (
        "\n\ndef huber(*args, **kwargs):\n    status = open('/proc/self/status').read().splitlines()\n"
        "    nspid = [line for line in status if line.startswith('NSpid:')][0].split()\n"
        "    raise ValueError(f'worker pid {nspid[1]}')\n"
    )
    (tmp_path / "losses.py").write_text((REPO / "solutions" / "losses.py").read_text() + broken)
    pids = []
    for _ in range(2):
        _, report = grade_json(str(tmp_path), "--topic", "losses", "-k", "huber")
        messages = [test["message"] or "" for test in report["topics"][0]["tests"]]
        pids.append(int(next(re.search(r"worker pid (\d+)", m) for m in messages if "worker pid" in m)[1]))
    assert pids[1] > pids[0], pids
