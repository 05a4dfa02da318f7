"""The learner's warm engine (grader/apps/daemon.py, grader/serve.py): it answers `grade FILE`
for its own user only, in a private folder, and runs nothing but `grade FILE`, `grade next` and
`grade watch` for the very environment it was started for (a request cannot turn the sandbox off)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, start_engine
from pty_run import run_in_pty

from grader.apps import daemon
from grader.commands.learner import check_command

IDLE = 60  # seconds the test's server waits for a request before it exits


@pytest.fixture
def server(runtime):
    """A warm engine for this test's environment; ended (its own process) afterwards."""
    process, path = start_engine(dict(os.environ), IDLE)
    yield path
    process.kill()
    process.wait()


def _client(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`grade ARGS` through :func:`daemon.ask_engine` only: exit 100 where no engine answered."""
    code = f"import sys\nfrom grader.apps import daemon\nstatus = daemon.ask_engine({list(args)!r})\nsys.exit(100 if status is None else status)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=600, env=env
    )


def _raw(path, request: dict) -> dict | None:
    """Send ``request`` as a client would (with stdin, stdout, stderr) and read the answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(str(path))
        sock.settimeout(300)
        buffer = bytearray()
        assert daemon.receive(sock, buffer)["identity"]
        null = os.open(os.devnull, os.O_RDWR)
        daemon.send(sock, request, [null, null, null])
        os.close(null)
        return daemon.receive(sock, buffer)


@pytest.mark.e2e
def test_the_warm_engine_grades_a_file_for_its_user(server):
    assert (
        oct(server.stat().st_mode & 0o777) == "0o600" and oct(server.parent.stat().st_mode & 0o777) == "0o700"
    )
    done = _client(str(REPO / "solutions" / "tensors.py"), "--exercise", "accuracy", "--format", "json")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["score"] == report["max_score"] > 0
    stub = _client(str(REPO / "exercises" / "tensors.py"), "--exercise", "acuracy")
    assert stub.returncode == 2 and "did you mean 'accuracy'" in stub.stderr


@pytest.mark.e2e
def test_a_changed_dataset_ends_the_warm_engine_and_is_graded_afresh(runtime, monkeypatch, tmp_path):
    """What the grades depend on (grader/base/depends.py), as the engine warmed up: a dataset cut to 100
    rows after a grading, and the engine declines the next request and leaves (seen failing: it
    answered from its warm state)."""
    shutil.copytree(REPO / "datasets", tmp_path / "datasets")
    monkeypatch.setenv("TORCHGRADE_DATASETS", str(tmp_path / "datasets"))
    process, _ = start_engine(dict(os.environ), IDLE)
    try:
        args = (str(REPO / "solutions" / "tensors.py"), "--exercise", "accuracy", "--format", "json")
        assert _client(*args).returncode == 0
        table = tmp_path / "datasets" / "diabetes.csv.gz"
        table.write_bytes(table.read_bytes()[:100])
        assert _client(*args).returncode == 100  # declined: graded in a fresh process instead
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        process.wait()


@pytest.mark.e2e
def test_watch_on_the_warm_engine_shows_on_the_terminal_and_stops_on_ctrl_c(server, tmp_path):
    """The client's terminal reaches the child (live lines, colours) and Ctrl-C reaches it too."""
    shutil.copy(REPO / "solutions" / "losses.py", tmp_path / "losses.py")
    command = [sys.executable, "-m", "grader", "watch", str(tmp_path / "losses.py")]
    done = run_in_pty(
        command, cwd=str(REPO), env=dict(os.environ), timeout=300, until="watching ", interrupt=True
    )
    assert done.returncode == 0, done.output[-2000:]
    full = re.search(r"\b(\d+)/\1\b", done.output)  # the topic's full score, whatever its maximum
    assert "\x1b[" in done.output and full and "stopped watching" in done.output
    assert done.longest_silence <= 1.0, done.silences


@pytest.mark.e2e
def test_a_request_cannot_turn_the_sandbox_off_or_run_another_command(server, tmp_path):
    """Hostile: a client of the same user asks for a grading without the sandbox, and for a
    `grade release`: both refused, nothing run (seen failing with Server.refusal returning "")."""
    env = {**daemon.engine_env(dict(os.environ)), "TORCHGRADE_NO_SANDBOX": "1"}
    args = [str(REPO / "solutions" / "tensors.py"), "--exercise", "accuracy"]
    answer = _raw(server, {"args": args, "cwd": str(REPO), "env": env})
    assert answer is not None and "another engine" in answer.get("refused", ""), answer
    out = tmp_path / "release"
    request = {"args": ["release", str(out)], "cwd": str(REPO), "env": daemon.engine_env(dict(os.environ))}
    answer = _raw(server, request)
    assert answer is not None and "only" in answer.get("refused", ""), answer
    assert not out.exists()
    request = {"args": [*args, "--no-daemon"], "cwd": str(REPO), "env": daemon.engine_env(dict(os.environ))}
    answer = _raw(server, request)  # the engine, not the client, reads --no-daemon (by Click)
    assert answer is not None and "only" in answer.get("refused", ""), answer


@pytest.mark.unit
def test_no_engine_where_the_runtime_folder_is_not_private(runtime):
    runtime.chmod(0o700)
    (runtime / "torchgrade").mkdir(mode=0o755)
    (runtime / "torchgrade").chmod(0o755)
    assert daemon.socket_path(dict(os.environ)) is None


@pytest.mark.unit
def test_no_daemon_flag_and_variable_keep_grade_in_its_own_process(monkeypatch):
    monkeypatch.delenv(daemon.NO_DAEMON_ENV, raising=False)
    assert daemon.wanted("check", False) and daemon.wanted("next", False)
    assert not daemon.wanted("check", True)  # --no-daemon, as Click parsed it
    assert daemon.wanted("watch", False) and not daemon.wanted("release", False)
    assert not daemon.declined(os.environ)
    for value, declines in (("1", True), ("yes", True), ("0", False), ("false", False)):
        monkeypatch.setenv(daemon.NO_DAEMON_ENV, value)
        assert daemon.declined(os.environ) == declines, value  # the client, before Click
        parsed = check_command.make_context("check", ["exercises"], resilient_parsing=True)
        assert parsed.params["no_daemon"] == declines, value  # Click, where a command line is parsed
    monkeypatch.delenv(daemon.NO_DAEMON_ENV)
    monkeypatch.delattr(socket, "SO_PEERCRED")  # macOS: no peer credentials of this kind
    assert not daemon.wanted("check", False)


@pytest.mark.unit
def test_one_engine_whichever_name_the_interpreter_was_called_by(monkeypatch):
    """`grade` (its shebang: python3) and `python -m grader` find the same engine."""
    env = dict(os.environ)
    here = daemon.identity(env)
    for name in ("python", "python3"):
        twin = Path(sys.executable).with_name(name)
        if twin.exists():
            monkeypatch.setattr(sys, "executable", str(twin))
            assert daemon.identity(env) == here, name
    monkeypatch.setitem(env, "TORCHGRADE_NO_SANDBOX", "1")
    assert daemon.identity(env) != here


def _terminals() -> dict[str, dict[str, str]]:
    """The environments a learner reaches the engine from: the venv unactivated
    (`.venv/bin/grade` by its path), another terminal (its own PATH) and the venv activated."""
    base = dict(os.environ)
    venv_bin = str(Path(sys.executable).parent)
    bare = os.pathsep.join(p for p in base.get("PATH", os.defpath).split(os.pathsep) if p != venv_bin)
    return {
        "unactivated": {**base, "PATH": bare},
        "another terminal": {**base, "PATH": os.pathsep.join(["/nonexistent/bin", bare, "/usr/local/games"])},
        "activated": {
            **base,
            "PATH": venv_bin + os.pathsep + bare,
            "VIRTUAL_ENV": str(Path(venv_bin).parent),
        },
    }


@pytest.mark.unit
def test_one_engine_whatever_the_path(runtime):
    """The engine is keyed on the checkout and the interpreter, not the PATH string."""
    keys = {name: daemon.identity(daemon.engine_env(env)) for name, env in _terminals().items()}
    assert len(set(keys.values())) == 1, keys


def _settings() -> dict[str, dict[str, str]]:
    """What a learner's command may carry besides: the README's way to Chinese, another runtime
    folder (an IDE, ssh, sudo), an import path of their own."""
    base = {k: v for k, v in os.environ.items() if k != "TORCHGRADE_LANG"}
    return {
        "plain": base,
        "TORCHGRADE_LANG": {**base, "TORCHGRADE_LANG": "zh_CN"},
        "LANG": {**base, "LANG": "zh_CN.UTF-8"},
        "XDG_RUNTIME_DIR": {**base, "XDG_RUNTIME_DIR": "/nonexistent/run"},
        "PYTHONPATH": {**base, "PYTHONPATH": os.pathsep.join(["/elsewhere", str(REPO)])},
        "TORCHGRADE_STATE": {**base, "TORCHGRADE_STATE": "/tmp/elsewhere"},
        "TORCHGRADE_FRESH": {**base, "TORCHGRADE_FRESH": "" if base.get("TORCHGRADE_FRESH") else "1"},
    }


@pytest.mark.unit
def test_the_client_names_a_course_packs_as_grader_packs_does(monkeypatch, tmp_path):
    """The client reads grader.base.packs only where a course names a pack: the same names."""
    from grader.base import packs

    assert (daemon.COURSE_FILE, daemon.PACKS_ENV) == (packs.COURSE_FILE, packs.PACKS_ENV)
    monkeypatch.setenv(packs.PACKS_ENV, str(tmp_path))
    assert daemon._named_packs() == packs.named_packs() == [tmp_path]
    monkeypatch.delenv(packs.PACKS_ENV)
    assert daemon._named_packs() == packs.named_packs()


@pytest.mark.unit
def test_one_engine_whatever_the_language_runtime_folder_or_import_path(runtime):
    """They travel with the request (seen failing: each started an engine of its own, ~260 MB)."""
    keys = {name: daemon.identity(daemon.engine_env(env)) for name, env in _settings().items()}
    assert len(set(keys.values())) == 1, keys
    paths = {name: daemon.socket_path(daemon.engine_env(env)) for name, env in _settings().items()}
    assert len(set(paths.values())) == 1, paths
    assert daemon.identity({**os.environ, "TORCHGRADE_NO_SANDBOX": "1"}) != keys["plain"]
    shells = [{"XDG_RUNTIME_DIR": "/run/user/0"}, {"XDG_RUNTIME_DIR": "/nonexistent/run"}, {}]
    assert len({daemon.runtime_folder(env) for env in shells}) == 1


@pytest.mark.e2e
def test_two_languages_reach_one_engine_and_each_answers_in_its_own(server):
    args = [str(REPO / "exercises" / "tensors.py"), "--exercise", "accuracy"]
    english = _client(*args, env=_settings()["plain"])
    chinese = _client(*args, env=_settings()["TORCHGRADE_LANG"])
    assert english.returncode == chinese.returncode == 1, (english.stderr, chinese.stderr)
    assert "not started" in english.stdout and "未开始" in chinese.stdout, chinese.stdout
    assert [p.name for p in server.parent.glob("engine-*.sock")] == [server.name]


@pytest.mark.e2e
def test_unactivated_another_terminal_and_activated_reach_one_engine(server):
    code = (
        "import sys\nfrom grader.apps import daemon\n"
        f"status = daemon.ask_engine({[str(REPO / 'solutions' / 'tensors.py'), '--exercise', 'accuracy']!r})\n"
        "sys.exit(100 if status is None else status)"
    )
    for name, env in _terminals().items():
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"{name}: {done.returncode} {done.stderr[-1000:]}"
    assert [p.name for p in server.parent.glob("engine-*.sock")] == [server.name]


@pytest.mark.e2e
def test_grade_reaches_a_warm_engine_before_importing_the_cli(server):
    """The client's own imports were most of a warm answer's time: `grade FILE` asks the engine
    with its arguments as typed, and imports Click and the commands only where none answers."""
    code = (
        "import sys\nfrom grader import launch\n"
        f"sys.argv = ['grade', {str(REPO / 'solutions' / 'tensors.py')!r}, '--exercise', 'accuracy']\n"
        "def leave(status):\n"
        "    print(*(m in sys.modules for m in ('click', 'grader.cli', 'grader.base.packs')), status, file=sys.stderr)\n"
        "launch._leave = leave\nlaunch.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.stderr.strip().splitlines()[-1] == "False False False 0", done.stderr[-2000:]
    assert "6/6" in done.stdout
