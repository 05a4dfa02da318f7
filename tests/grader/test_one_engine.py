"""One engine a learner can count on: a command that finds the engine starting waits for it,
`grade watch` runs on the user's engine (`grade engine status` shows it), a piped command starts
one too, and a notebook's check() engine outlives an interrupted cell and is listed by status.
Each test starts its own engines in a runtime folder of its own (conftest's ``runtime``)."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import threading
import time

import nbformat
import pytest
from helpers import REPO
from pty_run import run_in_pty
from test_daemon import IDLE

from grader.apps import daemon, engines

SOLVED = str(REPO / "solutions" / "tensors.py")


def _alive(env: dict[str, str]) -> list[int]:
    """The pids of the user's engines that answer."""
    return [e.hello["pid"] for e in engines.engines(env)[0] if e.alive]


def _stop_all(env: dict[str, str]) -> None:
    """End the engines this test started (asked, as `grade engine stop` asks)."""
    found, warming = engines.engines(env)
    for engine in found:
        engines.stop(engine)
    for lock in warming:
        engines.stop_starting(lock)


@pytest.mark.e2e
@pytest.mark.usefixtures("runtime")
def test_a_command_that_finds_the_engine_starting_waits_for_it():
    """Seen failing on main: the command found no socket and graded cold at once, beside the
    engine's own warm-up (its answer came from a process of its own, with no word of the engine)."""
    env = dict(os.environ)
    process = subprocess.Popen(
        [sys.executable, "-m", "grader.serve", str(IDLE)], cwd=REPO, env=env, start_new_session=True
    )
    path = daemon.socket_path(daemon.engine_env(env))
    assert path is not None
    try:
        for _ in range(600):
            if path.with_suffix(".lock").exists() or process.poll() is not None:
                break
            time.sleep(0.01)
        if path.exists():
            pytest.skip("the engine was warm before the question (a very fast machine)")
        command = [sys.executable, "-m", "grader", SOLVED, "--exercise", "accuracy"]
        done = run_in_pty(command, cwd=str(REPO), env=env, timeout=300)
        assert done.returncode == 0, done.output[-2000:]
        assert "your engine is starting" in done.output, done.output[-2000:]
        assert done.longest_silence <= 1.5, done.silences
    finally:
        process.kill()
        process.wait()
        _stop_all(env)  # one a cold command started on its way out (main's behaviour)


def _watch_until(
    env: dict[str, str], target: str, seen: str, timeout: float = 300
) -> tuple[subprocess.Popen, int, str]:
    """`grade watch TARGET` on a terminal, read until ``seen`` shows: (its process, the pty, output)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "watch", target],
        cwd=REPO,
        env=env,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
    )
    os.close(follower)
    output, began = b"", time.monotonic()
    while seen.encode() not in output and time.monotonic() - began < timeout:
        if select.select([leader], [], [], 0.1)[0]:
            try:
                output += os.read(leader, 65536)
            except OSError:
                break
    return process, leader, output.decode(errors="replace")


@pytest.mark.e2e
@pytest.mark.usefixtures("runtime")
def test_watch_runs_on_the_users_engine_and_its_ctrl_c_leaves_no_other(tmp_path):
    """Seen failing on main: while `grade watch` watched, no engine answered (it ran one of its
    own, `grade engine status` said none runs), and its Ctrl-C started a new one."""
    env = dict(os.environ)
    (tmp_path / "tensors.py").write_bytes((REPO / "solutions" / "tensors.py").read_bytes())
    process, leader, output = _watch_until(env, str(tmp_path / "tensors.py"), "watching ")
    try:
        assert "watching " in output, output[-2000:]
        watching = _alive(env)
        assert len(watching) == 1, (watching, output[-2000:])
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        time.sleep(1.0)  # where an engine were started at its exit, its lock would be held by now
        found, warming = engines.engines(env)
        assert _alive(env) == watching and not warming
    finally:
        process.kill()
        process.wait()
        os.close(leader)
        _stop_all(env)


@pytest.mark.unit
def test_a_piped_command_on_a_learners_terminal_starts_the_engine():
    """`grade losses.py 2>&1 | less`: stdout and stderr piped, stdin the terminal (seen failing on
    main: only a terminal on stderr started one); no terminal at all (a script, CI) starts none."""
    code = "from grader.apps import daemon\nprint(daemon.should_start())"
    env = {k: v for k, v in os.environ.items() if k != daemon.START_ENV}
    leader, follower = pty.openpty()
    try:
        piped = subprocess.run(
            [sys.executable, "-c", code], stdin=follower, capture_output=True, text=True, env=env, timeout=60
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert piped.stdout.strip() == "True", piped.stderr
    script = subprocess.run(
        [sys.executable, "-c", code],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert script.stdout.strip() == "False", script.stderr


KERNEL_CELLS = [
    "from grader.apps import selfcheck\nselfcheck.use_notebook({path!r})\nassert selfcheck.engine_ready(300)\n"
    "engine = selfcheck._engine.pid",
    "while True:\n    pass",  # a learner's loop, interrupted (the kernel's interrupt: SIGINT to its group)
    "import time\ntime.sleep(0.5)\nprint('alive', selfcheck._engine.poll() is None and selfcheck._engine.pid == engine)\n"
    "result = selfcheck.self_check('softmax')\nprint('graded', result.tests[0]['status'])",
]


@pytest.mark.e2e
@pytest.mark.usefixtures("runtime")
def test_an_interrupted_cell_leaves_the_check_engine_alive_and_listed(tmp_path):
    """Seen failing on main: the kernel's interrupt reached the check() engine too (its process
    group), so the next check() started it again, cold (7-19 s)."""
    from nbclient import NotebookClient

    path = tmp_path / "losses.ipynb"
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell((REPO / "solutions" / "losses.py").read_text())]
    nbformat.write(book, str(path))
    run = nbformat.v4.new_notebook()
    run.cells = [nbformat.v4.new_code_cell(c.format(path=str(path))) for c in KERNEL_CELLS]
    client = NotebookClient(
        run, timeout=300, kernel_name="python3", interrupt_on_timeout=True, allow_errors=True
    )
    with client.setup_kernel():
        client.execute_cell(run.cells[0], 0)
        listed = engines.check_engines(dict(os.environ))
        assert len(listed) == 1 and listed[0]["kernel"] != os.getpid(), listed
        client.timeout = 3
        client.execute_cell(run.cells[1], 1)  # interrupted once past its timeout
        client.timeout = 300
        assert [o.get("ename") for o in run.cells[1].outputs] == ["KeyboardInterrupt"], run.cells[1].outputs
        client.execute_cell(run.cells[2], 2)
    printed = "".join(o.get("text", "") for o in run.cells[2].outputs)
    assert "alive True" in printed and "graded passed" in printed, run.cells[2].outputs


@pytest.mark.unit
def test_a_usage_error_starts_no_engine(monkeypatch):
    """A typo on a terminal: no engine started on its way out (one would make the next command
    wait for its warm-up); a grading still starts one."""
    from grader import cli

    started: list[bool] = []
    monkeypatch.setattr(daemon, "wanted", lambda command, no_daemon: True)
    monkeypatch.setattr(daemon, "ask_engine", lambda argv, wait=False: None)
    monkeypatch.setattr(daemon, "should_start", lambda: True)
    monkeypatch.setattr(daemon, "start_server", lambda: started.append(True))
    monkeypatch.setattr(sys, "argv", ["grade", "no/such/file.py"])
    with pytest.raises(SystemExit) as leaving:
        cli.run()
    assert leaving.value.code == 2 and started == []


class _Started:
    """A stand-in for the engine process a launch starts: alive until terminated."""

    def __init__(self) -> None:
        self.terminated = False

    def poll(self) -> int | None:
        return 0 if self.terminated else None

    def terminate(self) -> None:
        self.terminated = True


@pytest.mark.unit
def test_a_first_grading_starts_the_engine_at_its_launch_and_a_typo_ends_it(monkeypatch, tmp_path):
    """Seen failing on main: the engine was started only once Click had parsed the command and the
    checks were chosen (a fifth of the first command's wait, 2.25-2.32 s against 1.74-1.85 s cold,
    was the client's own start before it); a usage error still leaves none behind, and a word
    that may be an option's value starts none early."""
    from grader import launch

    started: list[_Started] = []
    monkeypatch.setattr(daemon, "_early", [])
    monkeypatch.setattr(daemon, "ask_engine", lambda argv, wait=False: None)
    monkeypatch.setattr(daemon, "should_start", lambda: True)
    monkeypatch.setattr(daemon, "supported", lambda: True)
    monkeypatch.delenv(daemon.NO_DAEMON_ENV, raising=False)
    monkeypatch.setattr(daemon, "start_server", lambda: started.append(_Started()) or started[-1])
    monkeypatch.setattr(sys, "argv", ["grade", "check", "no/such/file.py"])
    with pytest.raises(SystemExit) as leaving:
        launch.main()
    assert leaving.value.code == 2 and len(started) == 1 and started[0].terminated
    solved = tmp_path / "losses.py"
    solved.write_text("")
    assert daemon.early_command([str(solved)]) and daemon.early_command(["next"])
    for argv in (
        ["--lang", "zh_CN", "check", str(solved)],
        ["check", "--help"],
        [str(solved), "--no-daemon"],
    ):
        assert not daemon.early_command(argv), argv
    assert not daemon.early_command(["batch", str(tmp_path)]) and not daemon.early_command([])


def _copies(tmp_path, count: int) -> list[str]:
    """``count`` solved tensors files, each of its own bytes (none read back from another)."""
    files = []
    for n in range(count):
        folder = tmp_path / f"copy{n}"
        folder.mkdir()
        (folder / "tensors.py").write_text(f"{(REPO / 'solutions' / 'tensors.py').read_text()}\n# copy {n}\n")
        files.append(str(folder / "tensors.py"))
    return files


@pytest.mark.e2e
@pytest.mark.usefixtures("runtime")
def test_the_first_commands_on_a_terminal_share_the_one_engine_the_first_starts(tmp_path):
    """Seen failing on main: the first command graded cold and started the engine on its way out,
    so the two after it found it warming and waited for its whole warm-up (20 s where a cold run
    took 8). Now the first is answered by the engine it starts (it answers once imported, its
    suites collected between requests), and the two after it, at once, by that same engine; a
    grading read back whole is still answered at once, with the engine started on its way out."""
    env = {**os.environ, "TORCHGRADE_FRESH": "0", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first, *others = _copies(tmp_path, 3)
    try:
        done = run_in_pty([sys.executable, "-m", "grader", first], cwd=str(REPO), env=env, timeout=300)
        assert done.returncode == 0, done.output[-2000:]
        assert "your engine is starting" in done.output, done.output[-2000:]
        engine = _alive(env)
        assert len(engine) == 1
        answers: dict[str, object] = {}

        def grade(target: str) -> None:
            answers[target] = run_in_pty(
                [sys.executable, "-m", "grader", target], cwd=str(REPO), env=env, timeout=300
            )

        both = [threading.Thread(target=grade, args=(target,)) for target in others]
        for thread in both:
            thread.start()
        for thread in both:
            thread.join()
        assert [answers[t].returncode for t in others] == [0, 0], [answers[t].output[-800:] for t in others]
        assert _alive(env) == engine
        _stop_all(env)
        read_back = run_in_pty([sys.executable, "-m", "grader", first], cwd=str(REPO), env=env, timeout=300)
        assert read_back.returncode == 0 and "your engine is starting" not in read_back.output
    finally:
        _stop_all(env)


@pytest.mark.unit
def test_where_a_command_runs_is_not_in_its_remembered_key(tmp_path, monkeypatch):
    """The engine's child grades with TORCHGRADE_NO_DAEMON=1, a fresh process without it: one key
    (seen failing: what the engine kept was never read back by a fresh process, so a first
    command with no engine graded a solved file again); a variable that changes a grade is kept."""
    from grader.base.options import Options
    from grader.engine import remembered

    shutil.copy(REPO / "solutions" / "losses.py", tmp_path / "losses.py")
    monkeypatch.setenv("TORCHGRADE_FRESH", "")

    def key() -> str | None:
        return remembered.keys(tmp_path / "losses.py", ["losses"], True, Options())["losses"]

    monkeypatch.delenv("TORCHGRADE_NO_DAEMON", raising=False)
    fresh = key()
    monkeypatch.setenv("TORCHGRADE_NO_DAEMON", "1")
    monkeypatch.setenv("TORCHGRADE_RUNTIME_DIR", str(tmp_path))
    assert key() == fresh is not None
    monkeypatch.setenv("TORCHGRADE_NO_SANDBOX", "1")
    assert key() != fresh
