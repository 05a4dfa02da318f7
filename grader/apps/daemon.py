"""The learner's warm engine, client side: ``grade FILE``, ``grade next`` and ``grade watch``
answered by one per-user process that has imported torch and pytest, collected the suites and
started its zygote once (the server: :mod:`grader.serve`, which shares this module's helpers).

The client (:func:`ask_engine`, called by :func:`grader.cli.run`) connects to a Unix socket in the
user's runtime folder (``TORCHGRADE_RUNTIME_DIR``, docs/environment.md: a folder of mode 0700 that
the user owns, the socket 0600), whose name carries the engine's :func:`identity`. It sends its
arguments, cwd, environment and its stdin, stdout and stderr (``SCM_RIGHTS``); the server forks a
child that runs the ``grade`` command on them as a fresh process would, and answers its exit
status. Ctrl-C is passed on as SIGINT.

The server is trusted-side code like a ``grade`` process: it accepts only its own user
(``SO_PEERCRED``) and only requests for its own identity, its children grade through the same
sandboxed workers (its zygote is shared only where it isolates each worker, as ``grade batch``'s
pool shares one), and it exits after :data:`~grader.base.defaults.DAEMON_IDLE_SECONDS` without a
request, or at the first request after a file the grades depend on changed (:mod:`grader.base.depends`;
it declines that request). ``--no-daemon`` or ``TORCHGRADE_NO_DAEMON=1`` grade in a fresh process;
so does a client that finds no server, which then, on a terminal (or with ``TORCHGRADE_DAEMON=1``),
starts one for the next command; a command that finds it starting waits for it, with a live line.
Linux only (:func:`supported`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from grader.apps import first_sign
from grader.apps.host import host_problem
from grader.base import defaults
from grader.base.checkout import REPO_ROOT, suites_dir

if TYPE_CHECKING:
    import subprocess

NO_DAEMON_ENV = defaults.NO_DAEMON_ENV
START_ENV = "TORCHGRADE_DAEMON"  # "1": start a server even off a terminal (the benchmark)
COMMANDS = ("check", "next", "watch")  # what the server runs (the rest: a fresh process)
HELLO_QUIET_SECONDS = 0.5  # a warm server greets at once; past this, a live line says why it waits
START_POLL_SECONDS = 0.05  # how often a command waiting for a starting engine looks for its socket
RUNTIME_ENV = "TORCHGRADE_RUNTIME_DIR"  # an engine folder of its own (the tests', the benchmark's)
# What travels with each request instead of choosing the engine (the child reads them after the
# fork: grader/base/i18n.py's refresh, remembered.FRESH at each grading); every other TORCHGRADE_*
# variable chooses it (the sandbox's, the workers', the suites' settings, read when the engine starts)
# grader.base.packs' names for where a course names its packs, read here without importing it
# (tomllib, dataclasses: a third of the client's start) where none is named; test_daemon holds them equal
COURSE_FILE, PACKS_ENV = REPO_ROOT / "course.toml", "TORCHGRADE_PACKS"
REQUEST_VARIABLES = frozenset(
    {"TORCHGRADE_LANG", "TORCHGRADE_STATE", "TORCHGRADE_NO_SOLUTIONS", "TORCHGRADE_FRESH", RUNTIME_ENV}
)


def runtime_folder(env: dict[str, str]) -> Path:
    """The user's engine folder, the same from every shell: ``/run/user/<uid>/torchgrade`` where the system
    made that folder for the user, else ``/tmp/torchgrade-<uid>``, whatever a shell's ``XDG_RUNTIME_DIR`` says
    (an IDE, ssh or sudo set another or none); :data:`RUNTIME_ENV` chooses one of its own."""
    explicit = env.get(RUNTIME_ENV)
    if explicit:
        return Path(explicit) / "torchgrade"
    login = Path(f"/run/user/{os.getuid()}")
    try:
        owned = login.is_dir() and login.stat().st_uid == os.getuid()
    except OSError:
        owned = False
    return login / "torchgrade" if owned else Path(f"/tmp/torchgrade-{os.getuid()}")


def private_folder(env: dict[str, str]) -> Path | None:
    """The runtime folder, made 0700 where missing; None where it is not this user's alone."""
    folder = runtime_folder(env)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700, parents=True)
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    mine = info.st_uid == os.getuid() and (info.st_mode & 0o777) == 0o700
    return folder if mine and not Path(folder).is_symlink() else None


def identity(env: dict[str, str]) -> str:
    """What the engine is: a server answers only clients that would start the same one. Keyed on resolved
    paths, not on how they were reached: the interpreter and its prefix (``grade``, ``.venv/bin/grade``
    unactivated, ``python -m grader``), the checkout, torch and pytest as installed (their version files), the
    bubblewrap the PATH finds (not the PATH string: an activated venv, another terminal or an IDE prepend
    their own folders) and the variables that choose the engine. Not the language, nor ``PYTHONPATH`` (the
    grader and torch the engine runs are this checkout's and this interpreter's, already in the key): they
    travel with the request."""
    digest = hashlib.sha256()
    digest.update(chosen(env).encode())
    folders = [suites_dir(), *_named_packs()]  # the course's packs too (their suites beside pack.toml)
    from grader.base.depends import (  # light: what the grades depend on, listed one way
        stamp,
        tree_names,
        versions,
    )

    sources = [p for p in tree_names(REPO_ROOT / "grader") if p.endswith(".py")]
    # the version files of the libraries a grade imports: one reinstalled is another engine, stale before its request
    listed = (
        sources
        + [os.fspath(p) for p in versions() if p.is_file()]
        + [
            os.path.join(f, name)
            for f in folders
            if f.is_dir()
            for name in sorted(os.listdir(f))
            if name[0] != "."
        ]
    )
    for path in listed:
        digest.update(f"{path}:{stamp(os.stat(path))}\n".encode())
    return digest.hexdigest()[:24]


def chosen(env: dict[str, str]) -> str:
    """What of :func:`identity` ``env`` decides (the rest is this checkout's files on disk): the
    server compares only this of a request, its files being its own staleness check's."""
    variables = sorted(
        (k, v) for k, v in env.items() if k.startswith("TORCHGRADE_") and k not in REQUEST_VARIABLES
    )
    python = [os.path.realpath(sys.executable), os.path.realpath(sys.prefix)]
    bwrap = _which("bwrap", env.get("PATH", os.defpath))
    return json.dumps(
        [python, os.path.realpath(REPO_ROOT), os.path.realpath(bwrap) if bwrap else "", variables]
    )


def _which(name: str, path: str) -> str | None:
    """``shutil.which(name, path=path)`` for a bare name: the first executable file of that name
    along ``path`` (shutil imports three compression modules, a tenth of the client's imports)."""
    if not path:
        return None
    for folder in path.split(os.pathsep):
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK) and os.path.isfile(candidate):
            return candidate
    return None


def _named_packs() -> list[Path]:
    if PACKS_ENV not in os.environ and not COURSE_FILE.is_file():
        return []
    from grader.base.packs import named_packs

    return named_packs()


def socket_path(env: dict[str, str], key: str | None = None) -> Path | None:
    """The engine's socket for ``env`` (``key``: its :func:`identity`, where already made)."""
    folder = private_folder(env)
    return folder / f"engine-{key or identity(env)}.sock" if folder else None


def engine_env(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k != START_ENV}


def supported() -> bool:
    """The server needs Linux's peer credentials and pidfds (macOS grades in fresh processes),
    and a system that grades at all (:func:`grader.apps.host.host_problem` says why not)."""
    return hasattr(socket, "SO_PEERCRED") and hasattr(os, "pidfd_open") and not host_problem()


def wanted(command: str, no_daemon: bool) -> bool:
    """Whether ``grade COMMAND`` goes to the server (``no_daemon``: its ``--no-daemon`` or
    :data:`NO_DAEMON_ENV`, as Click parsed them)."""
    return command in COMMANDS and not no_daemon and supported()


def declined(environ: Mapping[str, str]) -> bool:
    """Whether :data:`NO_DAEMON_ENV` keeps ``grade`` off the engine, read before Click runs (the
    client asks the engine before Click is imported: grader/launch.py). Every value but Click's
    false ones declines: a value Click does not read as a boolean then fails as its usage error."""
    return environ.get(NO_DAEMON_ENV, "").strip().lower() not in _CLICK_FALSE


_CLICK_FALSE = frozenset({"", "0", "false", "f", "no", "n", "off"})


# --- the client -----------------------------------------------------------------------------


def send(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode() + b"\n"
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.sendall(data)


def receive(sock: socket.socket, buffer: bytearray) -> dict | None:
    """The next newline-framed message, or None when the peer closed."""
    while b"\n" not in buffer:
        data = sock.recv(65536)
        if not data:
            return None
        buffer += data
    line, _, rest = bytes(buffer).partition(b"\n")
    buffer[:] = rest
    return json.loads(line)


def ask_engine(argv: list[str], wait: bool = False) -> int | None:
    """Run ``grade ARGV`` on the user's warm engine; its exit status, or None where there is
    none to ask or it declines (then the caller grades in this process, and maybe starts one for
    next time). ``wait``: ARGV is a command the engine runs (Click parsed it): where the engine
    is starting, wait for it (grader/launch.py asks before parsing, for every command: not it)."""
    env = engine_env(dict(os.environ))
    key = identity(env)
    path = socket_path(env, key)
    if path is None:
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        if not path.exists() and not (wait and _started(path)):
            return None
        sock.connect(str(path))
        buffer = bytearray()
        hello = _hello(sock, buffer)
        if hello is None or hello.get("identity") != key:
            return None
        request = {"args": argv, "cwd": os.getcwd(), "env": env}
        first_sign.stop()  # the engine writes to this terminal from here on
        send(sock, request, [0, 1, 2])
        sock.settimeout(None)
        _pass_on_held_interrupt(sock)
        return _await_status(sock, buffer)
    except (OSError, ValueError):
        return None
    except KeyboardInterrupt:  # before the command ran: as a fresh process stopped while importing
        return 130
    finally:
        sock.close()


def held(lock: Path) -> bool:
    """Whether an engine holds ``lock`` (one starting, or serving): grader/serve.py's ``_lock``."""
    import fcntl

    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _started(path: Path) -> bool:
    """Where this very engine is starting (it holds its lock, its socket not bound yet): wait for
    its socket, with a live line, rather than grade cold beside its warm-up (two imports of torch
    and two collections at once, each the slower). False where none starts, it gave up, or it took
    longer than a start may (:func:`grader.base.defaults.boot_seconds`): the command then grades here."""
    lock = path.with_suffix(".lock")
    return held(lock) and _bound(path, lambda: held(lock))


def _bound(path: Path, starting: Callable[[], bool], at_once: bool = False) -> bool:
    """Wait, with a live line (drawn ``at_once`` where the caller started the engine itself: a start
    takes seconds), until the engine's socket at ``path`` is bound; False once ``starting()`` is
    false or a start's time (:func:`grader.base.defaults.boot_seconds`) is over before it is."""
    from grader.apps.held_interrupt import pending, release
    from grader.apps.ticker import progress_line
    from grader.base.i18n import _

    deadline = time.monotonic() + defaults.boot_seconds()
    with progress_line(
        sys.stderr,
        _("your engine is starting (importing torch, collecting the checks); waiting for it"),
        at_once=at_once,
    ):
        while not path.exists():
            if pending():
                release()  # the held Ctrl-C: as a fresh process stopped while importing
            if time.monotonic() > deadline or not starting():
                return path.exists()
            time.sleep(START_POLL_SECONDS)
    return True


def _hello(sock: socket.socket, buffer: bytearray) -> dict | None:
    """The server's first line: at once from a warm one (it binds once warm); a live line where it
    is slow to come (a loaded machine), imported only then."""
    sock.settimeout(HELLO_QUIET_SECONDS)
    try:
        return receive(sock, buffer)
    except TimeoutError:
        pass
    sock.settimeout(defaults.boot_seconds())
    from grader.apps.ticker import progress_line  # fcntl: only where the system grades (supported())
    from grader.base.i18n import _

    with progress_line(sys.stderr, _("your warm engine is busy; waiting for it")):
        return receive(sock, buffer)


def _pass_on_held_interrupt(sock: socket.socket) -> None:
    """The command runs in the engine now: Ctrl-C from here on is passed to it (one held while
    starting, too)."""
    from grader.apps.held_interrupt import release

    try:
        release()
    except KeyboardInterrupt:
        send(sock, {"signal": int(signal.SIGINT)})


def _await_status(sock: socket.socket, buffer: bytearray) -> int | None:
    """The child's exit status; Ctrl-C here is passed to it as SIGINT."""
    while True:
        try:
            answer = receive(sock, buffer)
        except KeyboardInterrupt:
            send(sock, {"signal": int(signal.SIGINT)})
            continue
        if answer is None:
            return None
        if "status" in answer:
            return int(answer["status"])


_early: list[subprocess.Popen | None] = []  # the engine this command started at its launch (start_early)


def early_command(argv: list[str]) -> bool:
    """Whether ``grade ARGV``, read before Click parses it, is surely a grading the engine runs
    (``grade FILE`` of a path that exists, check, next, watch): a command whose first word is an
    option's value, a help or ``--no-daemon`` is not (it starts its engine later, if at all)."""
    words = [arg for arg in argv if not arg.startswith("-")]
    if not words or {"--no-daemon", "--help", "-h"} & set(argv):
        return False
    return words[0] in COMMANDS or os.path.exists(words[0])


def start_early(argv: list[str]) -> None:
    """At the launch, where no engine answered a learner's grading: the user's engine started now,
    beside this process's own imports and parsing (a first command waited that long more than a
    cold run); the command waits for it only where it has checks to run (grader/commands/common.py),
    and a usage error ends it (:func:`stop_early`)."""
    if should_start() and early_command(argv):
        _early.append(start_server())


def started_here() -> bool:
    return bool(_early)


def stop_early() -> None:
    """A usage error (a typo): the engine this command started at its launch ends (SIGTERM; a stale
    lock or socket it leaves, the next engine's lock removes)."""
    for process in _early:
        if process is not None and process.poll() is None:
            process.terminate()


def start_server() -> subprocess.Popen | None:
    """The user's server started in the background, in its own session; None where it cannot be.
    The one this command started at its launch where it did (alive or not: it may have given way
    to another's, whose lock :func:`_bound` then waits on)."""
    import subprocess

    if _early:
        return _early[0]
    env = engine_env(dict(os.environ))
    if socket_path(env) is None:
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "grader.serve"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
            cwd=str(REPO_ROOT),
        )
    except OSError:
        return None


def should_start() -> bool:
    """Whether this command starts an engine for the next: a learner's (:data:`START_ENV`, or a
    terminal on any of its streams: ``grade losses.py 2>&1 | less`` too), not a script's or CI's."""
    return os.environ.get(START_ENV) == "1" or any(_terminal(fd) for fd in (0, 1, 2))


def _terminal(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def start_and_ask(argv: list[str]) -> int | None:
    """``grade watch`` where no engine answered: start the user's engine now and run on it once
    warm (so `grade engine status` shows what watches, and its Ctrl-C leaves no other engine behind);
    None where it could not start (the command then runs here)."""
    path = socket_path(engine_env(dict(os.environ)))
    if path is None:
        return None
    server = start_server()
    lock = path.with_suffix(".lock")
    # one live line from the launch to the socket: its interpreter's start, then its warm-up
    # (or another engine's, which took the lock meanwhile)
    if server is None or not _bound(path, lambda: server.poll() is None or held(lock), at_once=True):
        return None
    return ask_engine(argv, wait=True)
