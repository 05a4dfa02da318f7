"""`grade engine status|stop` (grader/apps/engines.py, grader/serve.py): the learner sees the warm
engine and stops it, leaving no process, socket or lock; a new engine of a checkout replaces the
stale one (seen failing before: no `engine` command, and two engines of one checkout side by side)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, start_engine

from grader.apps import daemon
from grader.base import defaults

IDLE = 120


def _descendants(pid: int) -> set[int]:
    """The processes below ``pid`` now (by their parents in /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _zygote_in(pids: set[int]) -> bool:
    """Whether one of ``pids`` is a zygote (``python -m grader.sandboxed.zygote``)."""
    for pid in pids:
        try:
            if b"grader.sandboxed.zygote" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _grade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


@pytest.mark.e2e
def test_engine_stop_leaves_no_process_socket_or_lock(runtime):
    process, path = start_engine(dict(os.environ), IDLE)
    try:
        below = _descendants(process.pid)
        status = _grade("engine", "status")
        assert status.returncode == 0, status.stderr
        assert f"process {process.pid}" in status.stdout and "this checkout's engine" in status.stdout
        stopped = _grade("engine", "stop")
        assert stopped.returncode == 0, stopped.stderr
        assert process.wait(timeout=30) == 0
        assert not path.exists() and not path.with_suffix(".lock").exists()
        time.sleep(0.5)
        assert not [pid for pid in below if _alive(pid)], "the engine's children outlived it"
        assert "no engine runs" in _grade("engine", "status").stdout
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.e2e
def test_a_new_engine_of_the_checkout_replaces_the_stale_one(runtime):
    """An engine started for other settings (as for a changed grader or suites: another identity)
    of the same checkout is asked to stop by the new one, which removes its files."""
    old, old_path = start_engine({**os.environ, "TORCHGRADE_ANCHORS": "/nonexistent"}, IDLE)
    try:
        new, new_path = start_engine(dict(os.environ), IDLE)
        try:
            assert old.wait(timeout=60) == 0, "the stale engine still runs beside the new one"
            assert not old_path.exists() and not old_path.with_suffix(".lock").exists()
            assert new.poll() is None and new_path.exists()
        finally:
            new.kill()
            new.wait()
    finally:
        if old.poll() is None:
            old.kill()
            old.wait()


@pytest.mark.e2e
def test_an_engine_whose_socket_is_removed_ends(runtime):
    """A runtime folder cleaned away leaves an engine no client can reach nor stop: it ends
    within its look interval, not after its idle time (seen failing: it served on, unreachable)."""
    process, path = start_engine(dict(os.environ), IDLE)
    try:
        path.unlink()
        assert process.wait(timeout=defaults.ENGINE_LOOK_SECONDS * 4) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.e2e
def test_engine_stop_stops_an_engine_while_it_starts(runtime):
    """`grade engine stop` during an engine's warm-up (its lock held, no socket yet) stops it,
    its children with it, and leaves no socket, lock or mark (seen failing: "an engine is still
    starting: run `grade engine stop` again", exit 1, and the engine went on to serve)."""
    env = dict(os.environ)
    path = daemon.socket_path(daemon.engine_env(env))
    assert path is not None
    lock = path.with_suffix(".lock")
    process = subprocess.Popen(
        [sys.executable, "-m", "grader.serve", str(IDLE)], cwd=REPO, env=env, start_new_session=True
    )
    try:
        # the lock taken, its zygote launched: warming up (a loaded machine takes more than the
        # 5 s once allowed to get there; warming up then lasts seconds, polled each 10 ms). The
        # zygote itself, not any child: the sandbox's probe (`python -c pass`) comes and goes
        # 30 ms before it, and CI once saw it, then no child at all.
        deadline, below = time.monotonic() + 120, set()
        while time.monotonic() < deadline and not (lock.exists() and _zygote_in(below)):
            time.sleep(0.01)
            below = _descendants(process.pid)
        assert _zygote_in(below) and not path.exists(), "no engine warming up to stop"
        stopped = _grade("engine", "stop")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        assert f"stopped process {process.pid} while it was starting" in stopped.stdout, stopped.stdout
        assert process.wait(timeout=30) == 0
        assert not [p for p in (path, lock, lock.with_suffix(".stop")) if p.exists()]
        time.sleep(0.5)
        assert not [pid for pid in below if _alive(pid)], "the engine's children outlived it"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.unit
def test_engine_stop_removes_what_a_killed_engine_left(runtime):
    """A socket nobody answers on and a lock nobody holds: removed, exit 0; nothing signalled."""
    folder = daemon.private_folder(dict(os.environ))
    assert folder is not None
    (folder / "engine-dead.sock").write_text("")
    (folder / "engine-dead.lock").write_text("")
    (folder / "engine-gone.lock").write_text("")
    from click.testing import CliRunner

    from grader.commands.engine import engine_group

    listed = CliRunner().invoke(engine_group, ["status"])
    assert listed.exit_code == 0 and listed.output.count("left behind") == 2, listed.output
    done = CliRunner().invoke(engine_group, ["stop"])
    assert done.exit_code == 0, done.output
    assert not list(folder.iterdir())


@pytest.mark.unit
def test_the_releases_readme_names_engine_status_and_stop_in_every_language():
    """The learner's README of a release (grader/apps/release.py) says how to see and stop the
    warm engine it tells them about (seen failing: it named neither command)."""
    from grader.apps.release import learner_readmes

    for name, text in learner_readmes().items():
        readme = text.decode()
        assert "grade engine status" in readme and "grade engine stop" in readme, name
        assert len(readme.splitlines()) <= 60, name  # test_release.py's bound


@pytest.mark.unit
@pytest.mark.parametrize("swallowed", ["raises another error", "goes on"])
def test_a_stop_the_warm_up_swallows_still_stops_it(tmp_path, monkeypatch, swallowed):
    """A stop asked while the warm-up runs ends it as a stop even where the warm-up's code caught
    the signal's exception: an extension's import swallows it, then the next import of it fails
    ("cannot load module more than once per process", numpy under CI) or the warm-up goes on
    (seen failing: the ImportError left the engine, exit 1; the engine went on warming up)."""
    from grader import serve

    monkeypatch.setattr(serve, "STOP_POLL_SECONDS", 0.01)
    lock = tmp_path / "engine.lock"
    with pytest.raises(serve.StopAsked), serve._stoppable(lock):
        serve.stop_mark(lock).touch()
        try:
            time.sleep(5)  # the watcher's signal lands here
        except serve.StopAsked:
            if swallowed == "raises another error":
                raise ImportError("cannot load module more than once per process") from None
