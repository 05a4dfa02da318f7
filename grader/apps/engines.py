"""The user's warm engines as files and answers: which run (``grade engine status``), asking
them to stop (``grade engine stop``, and a new engine replacing a stale one of its checkout),
and the files a dead one left (its socket, its lock).

An engine is asked, never signalled: it stops itself on a ``{"stop": true}`` request from its
own user, ends the children it started and removes its socket and lock (grader/serve.py). One
still warming up has no socket yet: it is asked by a mark beside its lock (``engine-ID.stop``,
newer than its start), which it watches until it serves. A socket nobody answers on and a lock
nobody holds are what a killed engine left: removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from grader.apps.daemon import engine_env, held, private_folder, receive, send, socket_path
from grader.base import defaults
from grader.base.checkout import REPO_ROOT

STOP_WAIT_SECONDS = 10.0  # an engine ends its children and removes its files within this
STOP_POLL_SECONDS = 0.1  # how often an engine warming up looks for its stop mark
CHECK_ENGINE = "notebook"  # the files of notebooks' check() engines: notebook-PID.json


@dataclass(frozen=True)
class Engine:
    """One engine's socket and what it said of itself (``hello``: {} where nothing answers)."""

    socket: Path
    hello: dict

    @property
    def alive(self) -> bool:
        return bool(self.hello)

    def here(self) -> bool:
        """Whether it serves this checkout."""
        return self.hello.get("checkout") == os.path.realpath(REPO_ROOT)


def _ask(path: Path, message: dict | None = None) -> dict:
    """The engine's greeting at ``path``, then its answer to ``message`` where one is sent."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(defaults.boot_seconds())
        try:
            sock.connect(str(path))
            buffer = bytearray()
            hello = receive(sock, buffer) or {}
            if message is None or not hello:
                return hello
            send(sock, message)
            return receive(sock, buffer) or {}
        except (OSError, ValueError):
            return {}


def engines(env: dict[str, str], besides: str = "") -> tuple[list[Engine], list[Path]]:
    """The engines in the user's folder (but the one of identity ``besides``: a server asking
    before it accepts), and the locks of engines still warming up (no socket yet)."""
    folder = private_folder(env)
    if folder is None:
        return [], []
    sockets = [path for path in sorted(folder.glob("engine-*.sock")) if path.stem != f"engine-{besides}"]
    found = [Engine(path, _ask(path)) for path in sockets]
    served = {engine.socket.with_suffix(".lock") for engine in found}
    warming = [lock for lock in sorted(folder.glob("engine-*.lock")) if lock not in served and held(lock)]
    return found, warming


def warmed(env: dict[str, str], timeout: float) -> bool:
    """Wait until this checkout's engine for ``env`` has taken every step of its warm-up (it answers
    from its first; the benchmark and the tests time a warm engine); False where none answers."""
    path = socket_path(engine_env(env))
    deadline = time.monotonic() + timeout
    while path is not None and time.monotonic() < deadline:
        hello = _ask(path) if path.exists() else {}
        if hello.get("warming") == 0:
            return True
        time.sleep(STOP_POLL_SECONDS)
    return False


def stop(engine: Engine) -> bool:
    """Ask ``engine`` to stop and wait for its files to go; a dead engine's files are removed.
    Whether it is gone."""
    lock = engine.socket.with_suffix(".lock")
    if engine.alive and _ask(engine.socket, {"stop": True}).get("stopping"):
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while engine.socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return not engine.socket.exists()
    if held(lock):  # serving, yet not answering: not ours to end
        return False
    for path in (engine.socket, lock):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return True


def stop_mark(path: Path) -> Path:
    """The mark that asks the engine of socket (or lock) ``path`` to stop while it warms up."""
    return path.with_suffix(".stop")


def asked_to_stop(mark: Path, started: float) -> bool:
    """Whether ``mark`` was made since ``started`` (one a stop left behind earlier asks nothing)."""
    try:
        return mark.stat().st_mtime >= started
    except OSError:
        return False


def starter(lock: Path) -> dict:
    """What an engine warming up wrote in its lock: its pid and checkout ({} where unreadable)."""
    try:
        found = json.loads(lock.read_bytes()[:4096])
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def starting_here(lock: Path) -> bool:
    """Whether the engine warming up behind ``lock`` serves this checkout (one that wrote nothing
    in it yet is taken as this one's)."""
    here = os.path.realpath(REPO_ROOT)
    return starter(lock).get("checkout", here) == here


def stop_starting(lock: Path) -> bool:
    """Ask the engine warming up behind ``lock`` to stop (its mark) and wait for it to let the
    lock go; one that became warm meanwhile is asked on its socket. Whether it is gone."""
    mark, sock = stop_mark(lock), lock.with_suffix(".sock")
    mark.touch()
    try:
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while held(lock) and time.monotonic() < deadline:
            if sock.exists():
                return stop(Engine(sock, _ask(sock)))
            time.sleep(0.05)
        return not held(lock)
    finally:
        mark.unlink(missing_ok=True)


def leftover_locks(env: dict[str, str]) -> list[Path]:
    """Locks no engine holds and no socket goes with: what a killed warming engine left."""
    folder = private_folder(env)
    if folder is None:
        return []
    locks = sorted(folder.glob("engine-*.lock"))
    return [lock for lock in locks if not lock.with_suffix(".sock").exists() and not held(lock)]


def announce_check_engine(env: dict[str, str]) -> int | None:
    """A notebook's check() engine (grader/apps/selfcheck_server.py) says that it runs, for
    `grade engine status`: a file beside the warm engines', locked while it lives (the descriptor
    returned, kept open); removed at its exit, and unlocked (so ignored) where it was killed."""
    import atexit
    import fcntl

    folder = private_folder(env)
    if folder is None:
        return None
    path = folder / f"{CHECK_ENGINE}-{os.getpid()}.json"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    said = {"pid": os.getpid(), "kernel": os.getppid(), "checkout": os.path.realpath(REPO_ROOT)}
    os.write(fd, json.dumps({**said, "started": time.time()}).encode())
    atexit.register(path.unlink, missing_ok=True)
    return fd


def check_engines(env: dict[str, str]) -> list[dict]:
    """What each live check() engine of the user's notebooks said of itself, with its memory
    (``rss``); the files of those that were killed are removed."""
    folder = private_folder(env)
    found = []
    for path in sorted(folder.glob(f"{CHECK_ENGINE}-*.json")) if folder else []:
        if not held(path):  # killed (or a moment before its lock: left alone while new)
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > STOP_WAIT_SECONDS:
                    path.unlink()
            continue
        said = starter(path)
        try:
            with open(f"/proc/{int(said.get('pid', 0))}/statm") as statm:
                said["rss"] = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            said["rss"] = 0
        found.append(said)
    return found


def replace_stale(env: dict[str, str], key: str) -> None:
    """Stop this checkout's other engines (started for a grader, suites or settings that changed):
    one engine per checkout, no stale one left beside it."""
    for engine in engines(env, besides=key)[0]:
        if engine.alive and engine.here():
            stop(engine)
