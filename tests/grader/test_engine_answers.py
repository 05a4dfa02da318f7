"""`grade engine stop` says what it did in every state, "no engine runs" included; an engine whose
torch changed since it started (its version file's place, time or size) is another engine: `grade
engine status` shows it stale before its first request, and the next one replaces it. Seen
failing on the branch's start: `stop` printed nothing without an engine, nor where it removed a
killed one's files or left another checkout's, and a reinstalled torch left the identity as it was."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.apps import daemon
from grader.base import depends
from grader.commands.engine import engine_group

pytestmark = pytest.mark.unit


def _engine(path: Path, hello: dict) -> threading.Thread:
    """A stand-in engine at ``path``: greets with ``hello``, stops on a stop request."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(4)

    def serve() -> None:
        while True:
            conn, _ = listener.accept()
            with conn:
                daemon.send(conn, hello)
                asked = daemon.receive(conn, bytearray())
                if asked == {"stop": True}:
                    path.unlink()
                    daemon.send(conn, {"stopping": True})
                    listener.close()
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def _invoke(*args: str) -> str:
    done = CliRunner().invoke(engine_group, list(args))
    assert done.exit_code == 0, done.output
    return done.output


def test_stop_without_an_engine_says_none_runs(runtime):
    assert "no engine runs" in _invoke("stop")


def test_stop_says_it_removed_a_killed_engines_files(runtime):
    folder = daemon.private_folder(dict(os.environ))
    assert folder is not None
    (folder / "engine-dead.sock").write_text("")
    (folder / "engine-gone.lock").write_text("")
    said = _invoke("stop")
    assert said.count("removed") == 2 and "engine-dead.sock" in said and "engine-gone.lock" in said, said


def test_stop_names_another_checkouts_engine_it_leaves(runtime):
    folder = daemon.private_folder(dict(os.environ))
    assert folder is not None
    path = folder / "engine-other.sock"
    _engine(path, {"identity": "other", "pid": 4242, "checkout": "/elsewhere", "started": 0, "rss": 0})
    said = _invoke("stop")
    assert "4242" in said and "--all" in said, said
    assert path.exists()
    assert "stopped process 4242" in _invoke("stop", "--all")


def test_a_changed_torch_makes_the_running_engine_stale(runtime, monkeypatch, tmp_path):
    version = tmp_path / "version.py"
    version.write_text("__version__ = '2.5.0'\n")
    monkeypatch.setattr(depends, "versions", lambda: [version])
    env = daemon.engine_env(dict(os.environ))
    started = daemon.identity(env)
    path = daemon.socket_path(env, started)
    assert path is not None
    here = os.path.realpath(daemon.REPO_ROOT)
    _engine(path, {"identity": started, "pid": 4343, "checkout": here, "started": 0, "rss": 0})
    assert "this checkout's engine" in _invoke("status")
    version.write_text("__version__ = '2.6.0+cu124'\n")  # reinstalled: another size, another time
    assert daemon.identity(env) != started
    assert "stale" in _invoke("status")
