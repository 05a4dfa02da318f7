"""``python -m grader.serve``: the learner's warm engine, the server :mod:`grader.apps.daemon`
connects ``grade FILE``, ``grade next`` and ``grade watch`` to (that module says how, and what keeps it private).

It sits above the CLI, which it runs in a child per request, forked after the imports, the
suites' collection and the zygote's start that a fresh ``grade`` would pay, and ahead of its
request (a spare, waiting between requests, is handed the request and the client's descriptors).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from grader.apps.daemon import (
    COMMANDS,
    NO_DAEMON_ENV,
    chosen,
    engine_env,
    identity,
    receive,
    send,
    socket_path,
)
from grader.apps.engines import STOP_POLL_SECONDS, asked_to_stop, replace_stale, stop_mark
from grader.apps.leaving import flush_streams
from grader.apps.ticker import every
from grader.apps.warm import warm_first, warm_steps
from grader.base import defaults
from grader.base.checkout import REPO_ROOT
from grader.engine.worker import workers
from grader.engine.worker.sandbox import Limits, gpu_present

STARTED = time.time()
SPARE_ORDER_BYTES = 1 << 20  # a request (its arguments, cwd, environment) handed to the spare child


def _lock(path: Path) -> int | None:
    """The lock that makes this server the only one for ``path``; None where another holds it."""
    import fcntl

    lock = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(lock)
        return None
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a server that died left it: no client waits on it while this one warms
    os.ftruncate(lock, 0)  # who starts, for `grade engine stop` while no socket answers yet
    os.write(lock, json.dumps({"pid": os.getpid(), "checkout": os.path.realpath(REPO_ROOT)}).encode())
    return lock


class StopAsked(BaseException):
    """`grade engine stop` asked this engine to stop while it warmed up (no warm-up's catch takes it)."""


def _stop_asked(signum: int, frame: object) -> None:
    raise StopAsked


@contextlib.contextmanager
def _stoppable(path: Path) -> Iterator[None]:
    """While the block runs (the warm-up: seconds without a socket a stop request could reach),
    `grade engine stop` asks by a mark beside the lock (grader/apps/engines.py): seen, the block
    is interrupted with :class:`StopAsked` (the engine's own signal to its main thread, once), and
    ends as one whatever it raised: an extension's import may swallow the signal's exception, then
    fail ("cannot load module more than once per process", numpy's)."""
    asked = threading.Event()

    def watch() -> bool:
        if asked_to_stop(stop_mark(path), STARTED):
            asked.set()
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGUSR1)
            return True
        return False

    previous = signal.signal(signal.SIGUSR1, _stop_asked)
    try:
        with every(STOP_POLL_SECONDS, watch, "torchgrade-stop-mark"):
            try:
                yield
            except BaseException:
                if asked.is_set():
                    raise StopAsked from None
                raise
        if asked.is_set():
            raise StopAsked
    finally:
        signal.signal(signal.SIGUSR1, previous)


def _listen(path: Path) -> socket.socket | None:
    """The listening socket at ``path`` (0600), bound once the server is warm: a command that
    comes sooner finds the lock held and waits for it (:func:`grader.apps.daemon.ask_engine`)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    previous = os.umask(0o177)
    try:
        listener.bind(str(path))
    except OSError:  # a path too long for a Unix socket
        listener.close()
        return None
    finally:
        os.umask(previous)
    listener.listen(16)
    return listener


def _warm(gpu: bool) -> list[Callable[[], None]]:
    """What every request needs, paid once before the socket is bound: the imports (torch, pytest,
    the CLI) and the zygote ready, booting beside them; the rest of the warm-up (each suite collected,
    the probes read) returned as steps taken between requests. The children inherit all of it."""
    workers.prestart(gpu)
    from grader import cli, report  # noqa: F401  (imported for the children)
    from grader.base.topics import available_topics

    topics = available_topics()
    warm_first(gpu)
    return warm_steps(topics, defaults.PROBE_TIMEOUT)


def _hello(key: str, warming: int) -> dict:
    """What the engine says of itself to each client: its identity (a client asks only its own),
    and for ``grade engine status`` its process, checkout, start, memory and the warm-up's steps
    still to take (:func:`grader.apps.engines.warmed`)."""
    with open("/proc/self/statm") as statm:
        resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    checkout = os.path.realpath(REPO_ROOT)
    return {
        "identity": key,
        "pid": os.getpid(),
        "checkout": checkout,
        "started": STARTED,
        "rss": resident,
        "warming": warming,
    }


def _peer_is_me(conn: socket.socket) -> bool:
    credentials = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid == os.getuid()


def _read_request(conn: socket.socket) -> tuple[dict, list[int]] | None:
    """The request and its three descriptors (stdin, stdout, stderr), or None; a stop request
    (``{"stop": true}``) comes without descriptors."""
    conn.settimeout(10.0)
    buffer, fds = b"", []
    try:
        while b"\n" not in buffer:
            data, received, _, _ = socket.recv_fds(conn, 65536, 3)
            fds += received
            if not data:
                break
            buffer += data
        request = json.loads(buffer.partition(b"\n")[0])
    except (OSError, ValueError):
        request = None
    conn.settimeout(None)
    if request == {"stop": True} and not fds:
        return request, fds
    if not isinstance(request, dict) or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return None
    return request, fds


def _child(request: dict, fds: list[int], conn: socket.socket) -> None:
    """In the forked child: become ``grade ARGS`` on the client's descriptors, answer its exit
    status to the client (before the exit, whose teardown of the engine's memory the client need
    not wait for; the server answers it again once reaped, for a child that died), and exit."""
    code = 1
    try:
        for target, fd in enumerate(fds):  # the server's own 0-2 are /dev/null: fd > 2
            os.dup2(fd, target)
            if fd > 2:
                os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ[NO_DAEMON_ENV] = "1"  # the child grades here
        encoding = sys.stdout.encoding
        sys.stdout = open(1, "w", encoding=encoding, closefd=False, buffering=1 if os.isatty(1) else -1)
        sys.stderr = open(2, "w", encoding=encoding, closefd=False, buffering=1, errors="backslashreplace")
        sys.argv = ["grade", *request["args"]]
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from grader.cli import run

        run()
        code = 0
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else (0 if leaving.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        flush_streams()
        with contextlib.suppress(OSError):
            send(conn, _status(code))
        os._exit(code)


def _spare(orders: socket.socket) -> None:
    """In a child forked ahead of its request: wait for the request, the client's socket and its
    three descriptors (one message), then become that request's child; leave quietly where the
    server ends first (its end of ``orders`` closes)."""
    try:
        data, fds, _, _ = socket.recv_fds(orders, SPARE_ORDER_BYTES, 4)
        request = json.loads(data)
        if len(fds) != 4 or not isinstance(request, dict):
            raise ValueError("not a request")
    except BaseException:  # the server ended (or a signal): no exit handler of the server's runs here
        os._exit(1)
    orders.close()
    _child(request, fds[1:], socket.socket(fileno=fds[0]))


def _status(code: int) -> dict:
    """The client's answer: the exit status a fresh process would have (128 + N for signal N)."""
    return {"status": code if code >= 0 else 128 - code}


def _files() -> tuple[tuple[str, tuple[int, int, int, int]], ...]:
    """The signature of every file a topic's grade depends on (:func:`grader.base.depends.signature`)."""
    from grader.base import depends, topics

    return depends.signature(topics.MANIFEST)


class Server:
    """The accept loop: a child per request, its status back to its client, idle exit."""

    def __init__(
        self, listener: socket.socket, key: str, idle: float, gpu: bool, steps: list[Callable[[], None]]
    ) -> None:
        self.listener, self.key, self.idle, self.gpu = listener, key, idle, gpu
        self.steps = steps  # the warm-up's rest, taken one at a time while no request runs
        self.inode = self.socket_inode()
        self.last = time.monotonic()  # the last event: the idle exit counts from it
        self.chosen = chosen(engine_env(dict(os.environ)))
        self.files = _files()  # what the grades depend on, as warmed up: a change ends the engine
        self.stale = False
        self.greeting = time.monotonic() + defaults.FIRST_REQUEST_SECONDS  # a request first, then the warm-up
        self.selector = selectors.DefaultSelector()
        self.selector.register(listener, selectors.EVENT_READ, "accept")
        self.children: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, its client)
        self.stopping = False
        self.spare: tuple[int, int, socket.socket] | None = None  # pid, pidfd, where its order goes
        workers.keep_workers_ahead()
        self.order_ahead()

    def order_ahead(self) -> None:
        """The next request's worker and child, made while none runs: the zygote's hand-over and
        its next worker's boot, and this engine's fork (~8 ms of its memory's page tables), are
        paid between requests, not during one. The spare child takes the worker."""
        if self.spare is not None:
            return
        workers.keep_one_ahead(Limits(), self.gpu)  # a `grade` run's, unless its options say more memory
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)

        def wait_for_a_request() -> None:
            ours.close()
            _spare(theirs)

        pid = self.fork_child(wait_for_a_request)
        theirs.close()
        self.spare = (pid, os.pidfd_open(pid), ours)

    def fork_child(self, then: Callable[[], None]) -> int:
        """A child that keeps nothing of the server's, takes the worker ordered ahead and runs
        ``then`` (which never returns); its pid."""
        pid = os.fork()
        if pid == 0:
            self.selector.close()
            self.listener.close()
            for pidfd, (_, other) in self.children.items():
                os.close(pidfd)
                other.close()
            workers.adopt_ahead()
            then()
        workers.hand_over_ahead()
        return pid

    def drop_spare(self) -> None:
        """The spare child ended and reaped (where the engine stops, or it could not be handed a
        request); its worker goes with it (the zygote kills a worker nobody listens to)."""
        if self.spare is None:
            return
        (pid, pidfd, orders), self.spare = self.spare, None
        orders.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(pidfd)

    def run(self) -> None:
        try:
            self.serve_requests()
        finally:
            self.drop_spare()

    def serve_requests(self) -> None:
        while not self.stopping:
            if self.stale and not self.children:
                return  # its socket goes with it: the next command starts a fresh engine
            warming = bool(self.steps) and not self.children
            look = min(self.idle, defaults.ENGINE_LOOK_SECONDS)
            first = max(0.0, self.greeting - time.monotonic())
            events = self.selector.select(timeout=first if warming else look)
            if events:
                self.last, self.greeting = time.monotonic(), 0.0
            elif warming:
                self.warm_a_step()
            elif not self.children and (time.monotonic() - self.last >= self.idle or not self.reachable()):
                return
            for key, _ in events:
                if key.data == "accept":
                    self.accept()
                elif key.data == "child":
                    self.reap(key.fd)
                else:
                    self.client_says(key.fileobj, key.data)  # type: ignore[arg-type]

    def warm_a_step(self) -> None:
        """One step of the warm-up's rest; after the last, the spare child made again, so that it
        inherits the whole warm-up (the one made before holds only what was warm then)."""
        self.steps.pop(0)()
        self.last = time.monotonic()
        if not self.steps:
            self.drop_spare()
            self.order_ahead()

    def socket_inode(self) -> int | None:
        """The inode of the listener's socket file now (0 where it is gone); None for an abstract
        socket, which nothing can remove."""
        name = self.listener.getsockname()
        if not isinstance(name, str) or not name or name.startswith("\0"):
            return None
        try:
            return os.stat(name).st_ino
        except OSError:
            return 0

    def reachable(self) -> bool:
        """Whether a client can still find this engine: its socket, not removed nor replaced
        (a runtime folder cleaned away leaves an engine nobody can reach nor stop)."""
        return self.socket_inode() == self.inode

    def accept(self) -> None:
        conn, _ = self.listener.accept()
        if not _peer_is_me(conn):
            conn.close()
            return
        with contextlib.suppress(OSError):
            send(conn, _hello(self.key, len(self.steps)))
            got = _read_request(conn)
            if got is not None and got[0] == {"stop": True}:
                self.stop(conn)
            elif got is not None and self.refusal(got[0]):
                send(conn, {"refused": self.refusal(got[0])})
            elif got is not None:
                self.start(conn, *got)
                return
            for fd in got[1] if got else ():
                os.close(fd)
        conn.close()

    def refusal(self, request: dict) -> str:
        """Why this server does not run ``request`` ("" where it does): only ``grade FILE``,
        ``grade next`` and ``grade watch``, only for an environment that chooses this very engine (a request cannot
        turn the sandbox off: ``TORCHGRADE_NO_SANDBOX`` is part of the identity)."""
        from grader.cli import engine_command

        args, cwd, env = request.get("args"), request.get("cwd"), request.get("env")
        if not (isinstance(args, list) and all(isinstance(a, str) for a in args) and isinstance(cwd, str)):
            return "a request is {'args': [...], 'cwd': ..., 'env': {...}}"
        if not (isinstance(env, dict) and all(isinstance(v, str) for v in env.values())):
            return "a request is {'args': [...], 'cwd': ..., 'env': {...}}"
        if engine_command(args) not in COMMANDS:
            return f"this engine runs `grade FILE`, `grade next` and `grade watch` (without --no-daemon) only, not {args[:1]}"
        if chosen(engine_env(env)) != self.chosen:  # the files' part: the client's hello, then _files()
            return "the request's environment chooses another engine"
        if _files() != self.files:  # its collected suites, domains, answers or datasets may be stale
            self.stale = True
            return "a file the grades depend on changed since this engine started (grader/base/depends.py)"
        return ""

    def stop(self, conn: socket.socket) -> None:
        """``grade engine stop``, or a newer engine of this checkout: end the children this
        server started, then leave the loop (:func:`serve` removes the socket and the lock)."""
        send(conn, {"stopping": os.getpid()})
        for pidfd, (pid, client) in list(self.children.items()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(pidfd)
            client.close()
        self.children.clear()
        self.stopping = True

    def start(self, conn: socket.socket, request: dict, fds: list[int]) -> None:
        """The request's child: the spare, handed the request, else one forked now."""
        child = self.hand_to_spare(conn, request, fds)
        if child is None:
            pid = self.fork_child(lambda: _child(request, fds, conn))
            child = (pid, os.pidfd_open(pid))
        for fd in fds:
            os.close(fd)
        pid, pidfd = child
        self.children[pidfd] = (pid, conn)
        self.selector.register(pidfd, selectors.EVENT_READ, "child")
        self.selector.register(conn, selectors.EVENT_READ, pid)

    def hand_to_spare(self, conn: socket.socket, request: dict, fds: list[int]) -> tuple[int, int] | None:
        """The spare child's pid and pidfd once it holds the request; None where there is none
        or it cannot take it (ended, or a request larger than its order)."""
        if self.spare is None:
            return None
        pid, pidfd, orders = self.spare
        try:
            socket.send_fds(orders, [json.dumps(request).encode()], [conn.fileno(), *fds])
        except OSError:
            self.drop_spare()
            return None
        orders.close()
        self.spare = None
        return pid, pidfd

    def client_says(self, conn: socket.socket, pid: int) -> None:
        """Ctrl-C at the client (passed on), or the client gone (its child is ended)."""
        try:
            message = receive(conn, bytearray())
        except (OSError, ValueError):
            message = None
        with contextlib.suppress(ProcessLookupError):
            if message is None:
                self.selector.unregister(conn)
                os.kill(pid, signal.SIGKILL)
            elif message.get("signal") == int(signal.SIGINT):
                os.kill(pid, signal.SIGINT)

    def reap(self, pidfd: int) -> None:
        pid, conn = self.children.pop(pidfd)
        self.selector.unregister(pidfd)
        os.close(pidfd)
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(conn)
        with contextlib.suppress(OSError):
            send(conn, _status(code))
        conn.close()
        if not self.children:
            self.order_ahead()


def serve() -> None:
    """``python -m grader.serve [IDLE_SECONDS]``: serve this user until idle (nothing if one
    already does)."""
    env = engine_env(dict(os.environ))
    path = socket_path(env)
    lock = _lock(path) if path is not None else None
    if path is None or lock is None:
        return
    try:
        gpu = gpu_present()
        with _stoppable(path):
            steps = _warm(gpu)
        listener = _listen(path)
        if listener is None:
            return
        idle = float(sys.argv[1]) if len(sys.argv) > 1 else defaults.DAEMON_IDLE_SECONDS
        key = identity(env)
        replace_stale(env, key)
        Server(listener, key, idle, gpu, steps).run()
    except StopAsked:
        return
    finally:
        for left in (path, path.with_suffix(".lock")):  # the lock still held: one starting now binds anew
            with contextlib.suppress(OSError):
                left.unlink()
        workers.hand_over_ahead()
        for server in workers._servers.values():
            server.stop()


if __name__ == "__main__":
    serve()
