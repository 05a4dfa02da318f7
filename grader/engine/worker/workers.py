"""How the trusted side gets a worker: forked from the zygote, or started fresh.

A :class:`Worker` handle is what :class:`grader.engine.worker.client.TopicSession` talks to: a
request pipe, a results pipe, and a way to kill it and learn how it ended. :class:`ForkServer` owns
one zygote (:mod:`grader.sandboxed.zygote`) per process and kind (CPU or CUDA), starts it again when
it died, and has its children forked ahead (docs/engine.md, "The engine"). Where the zygote cannot
run, workers start fresh (:func:`start_fresh`), with the same sandbox.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from grader.base.defaults import boot_seconds
from grader.engine.worker import proc
from grader.engine.worker.fresh import FreshWorker, Worker, start
from grader.engine.worker.sandbox import Limits, plan_zygote
from grader.sandboxed.zygote import STATUS

# Why there is no zygote where the system refuses its control socket (macOS): the workers then
# start fresh, each in its own Python (grader/engine/worker/doctor.py reports it as a limit, not a fault)
NO_SEQPACKET = "this system has no AF_UNIX SOCK_SEQPACKET socket pairs for the zygote"

SPAWN_SECONDS = 30.0  # a fork answers in milliseconds; this only bounds a stuck zygote


class ZygoteDied(RuntimeError):
    """The zygote stopped answering, or was tampered with; it is started again for the next worker."""


@dataclass
class ForkedWorker:
    """One child of the zygote: it cannot fork, so killing it kills everything it ran."""

    server: ForkServer
    ident: str
    nonce: bytes
    pid: int
    request_fd: int
    results_fd: int
    status_fd: int
    status: int | None = None
    stat_fd: int | None = None  # its /proc/PID/stat (PID: outside the zygote's pid namespace), once found
    thread_fds: tuple[int, ...] = ()  # each of its threads' schedstat, opened with stat_fd

    def cpu_seconds(self) -> float | None:
        if self.stat_fd is None:
            host_pid = self.server.children().get(self.pid)  # its pid as this process sees it
            try:
                self.stat_fd = os.open(f"/proc/{host_pid}/stat", os.O_RDONLY) if host_pid else None
            except OSError:
                return None
            if host_pid:
                self.thread_fds = proc.thread_schedstats(host_pid)
        return proc.cpu_seconds(self.stat_fd, self.thread_fds) if self.stat_fd is not None else None

    def exit_status(self, wait: float) -> int | None:
        if self.status is None:
            ready, _, _ = select.select([self.status_fd], [], [], max(0.0, wait))
            if ready:
                data = os.read(self.status_fd, STATUS.size)
                if len(data) == STATUS.size:
                    self.status = os.waitstatus_to_exitcode(STATUS.unpack(data)[1])
                else:  # the zygote died, and the child with it
                    self.status = -signal.SIGKILL
        return self.status

    def kill(self, wait: bool = True) -> int | None:
        """Without ``wait``, the zygote kills and reaps it (its ``X`` status then meets a closed
        pipe); its next order, a sibling's spawn, is read after this kill."""
        try:
            if self.status is None:
                self.server.order({"op": "kill", "id": self.ident})
                if wait:
                    self.exit_status(SPAWN_SECONDS)
        except ZygoteDied:  # its pid namespace took the child with it: its status pipe says so
            if wait:
                self.exit_status(0.0)
        finally:
            self._close()
        return self.status

    def _close(self) -> None:
        for fd in (self.request_fd, self.results_fd, self.status_fd, self.stat_fd, *self.thread_fds):
            try:
                if fd is not None:
                    os.close(fd)
            except OSError:
                pass
        self.stat_fd, self.thread_fds = None, ()


@dataclass
class Ordered:
    """A spawn order sent, its answer (the child's pid) not read yet."""

    server: ForkServer
    ident: str
    nonce: bytes
    limits: Limits
    by: int  # the process that ordered it: a fork of that process must not take it
    request_fd: int
    results_fd: int
    status_fd: int

    def answer(self) -> ForkedWorker:
        """The child, once the zygote says it forked it; :class:`ZygoteDied` if it did not."""
        ready, _, _ = select.select([self.status_fd], [], [], SPAWN_SECONDS)
        data = os.read(self.status_fd, STATUS.size) if ready else b""
        if len(data) != STATUS.size or data[:1] != b"S":
            self.cancel()
            if data[:1] == b"T":
                raise ZygoteDied("the zygote's limits, priority or CPUs were changed since it started")
            raise ZygoteDied("the zygote did not fork")
        return ForkedWorker(
            server=self.server,
            ident=self.ident,
            nonce=self.nonce,
            pid=STATUS.unpack(data)[1],
            request_fd=self.request_fd,
            results_fd=self.results_fd,
            status_fd=self.status_fd,
        )

    def cancel(self) -> None:
        """Close its pipes: the zygote kills a child whose status pipe has no reader."""
        for fd in (self.request_fd, self.results_fd, self.status_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


class ForkServer:
    """The trusted handle on one zygote."""

    def __init__(self, gpu: bool, without_sympy: bool = False) -> None:
        self.gpu = gpu
        self.without_sympy = without_sympy  # no child hands autograd a gradient (sympy_need.py)
        self.imported: dict[str, bool] = {}  # torch._dynamo, sympy: whether it did, as its ready said
        self.owner = os.getpid()
        self.next_id = 0
        self.warmed: set[str] = set()  # the warm orders sent
        self.process: subprocess.Popen[bytes] | None = None
        self.control: socket.socket | None = None
        self.booting = False
        self.problem = ""
        self.isolated = False  # each child gets its own network, IPC, mount and pid namespace
        self.zygote: int | None = None  # the zygote's pid as this process sees it, once found

    def launch(self) -> bool:
        """Start the zygote without waiting for it (it boots while the caller imports)."""
        try:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        except (OSError, AttributeError) as exc:  # macOS has no SOCK_SEQPACKET socketpair
            self.problem = f"{NO_SEQPACKET} ({exc})"
            return False
        launch = plan_zygote(theirs.fileno(), self.gpu, self.without_sympy)
        try:
            self.process = start(launch, stdin=subprocess.DEVNULL)
        except OSError as exc:
            self.problem = f"the zygote could not start ({exc})"
            return False
        finally:
            theirs.close()
        self.control = ours
        self.booting = True
        return True

    def await_ready(self) -> bool:
        """Wait for the zygote's ``ready``. The message is peeked, not taken: every grading
        process forked while the zygote booted reads it too."""
        if self.booting and self.control is not None:
            self.booting = False
            ready, _, _ = select.select([self.control], [], [], boot_seconds())
            answer = json.loads(self.control.recv(4096, socket.MSG_PEEK) or b"{}") if ready else {}
            if not answer.get("ready"):
                self.problem = f"the zygote did not start: {answer.get('why', 'no answer')}"
                self.stop()
            self.isolated = answer.get("isolated") is True
            imported = answer.get("imported")
            self.imported = (
                {str(k): v is True for k, v in imported.items()} if isinstance(imported, dict) else {}
            )
        return self.control is not None

    def usable(self) -> bool:
        """A zygote inherited from the parent grading process is shared; if it died, the
        next spawn says so and this process starts its own. It is shared only when it gives
        each child namespaces of its own: else two students graded at once could talk."""
        if self.control is None:
            return False
        if self.owner != os.getpid():
            return self.isolated or self.booting  # booting: await_ready tells
        return self.process is not None and self.process.poll() is None

    def children(self) -> dict[int, int]:
        """{pid in the zygote's namespace: pid as this process sees it} of the zygote's children
        and their children. An isolated child is pid 1 of a namespace of its own, below the
        zygote's: it is matched at the zygote's level. The zygote adopts it when the process that
        forked it has exited, which a busy machine may not have let it finish yet."""
        if self.process is None:
            return {}
        if self.zygote is None:
            self.zygote = proc.zygote_in(self.process.pid)
            if self.zygote is None:
                return {}
        level = len(proc.ns_pids(self.zygote)) - 1
        found = {
            pid: proc.ns_pids(pid)[level:][:1] for pid in proc.descendants(self.zygote) if pid != self.zygote
        }
        return {inner[0]: pid for pid, inner in found.items() if inner}

    def order(self, message: dict[str, object]) -> None:
        if self.control is None:
            raise ZygoteDied("no zygote")
        try:
            self.control.send(json.dumps(message).encode())
        except OSError as exc:
            raise ZygoteDied(str(exc)) from None

    def order_spawn(self, limits: Limits) -> Ordered:
        """Send a spawn order (a fresh nonce, ``limits``, three pipes) without waiting for its answer."""
        request_read, request_write = os.pipe()
        results_read, results_write = os.pipe()
        status_read, status_write = os.pipe()
        self.next_id += 1
        ident = f"{os.getpid()}.{self.next_id}"  # unique among the processes sharing the zygote
        nonce = os.urandom(16)
        order = {"op": "spawn", "id": ident, "nonce": nonce.hex(), "limits": limits.__dict__}
        try:
            if self.control is None:
                raise ZygoteDied("no zygote")
            socket.send_fds(
                self.control, [json.dumps(order).encode()], [request_read, results_write, status_write]
            )
        except OSError as exc:
            for fd in (request_write, results_read, status_read):
                os.close(fd)
            raise ZygoteDied(str(exc)) from None
        finally:
            for fd in (request_read, results_write, status_write):
                os.close(fd)
        return Ordered(self, ident, nonce, limits, os.getpid(), request_write, results_read, status_read)

    def warm(self, refused: Mapping[str, Iterable[str]]) -> None:
        """Have the zygote look up the kernels of each exercise's twins once, for every later child
        (each looked them up for itself: ~8 ms of a losses worker's CPU); once a set of sets."""
        sets = sorted(sorted(names) for names in refused.values() if names)
        order = json.dumps({"op": "warm", "refused": sets})
        if not sets or order in self.warmed or self.control is None:
            return
        self.warmed.add(order)
        with contextlib.suppress(OSError):  # a zygote gone: the spawn order after says so
            self.control.send(order.encode())

    def stop(self) -> None:
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None and self.owner == os.getpid():
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            self.process = None


_servers: dict[bool, ForkServer] = {}
_without_sympy: dict[bool, bool] = {}  # gpu -> whether this run's zygote may skip sympy


def _server(gpu: bool) -> ForkServer | None:
    """This process's zygote for ``gpu``, launched (again) when needed; None where it cannot run."""
    if os.environ.get("TORCHGRADE_FRESH_WORKERS"):
        return None
    server = _servers.get(gpu)
    if server is not None and server.usable() and not server.problem:
        return server
    if server is not None and server.problem:
        return None  # it could not start here; do not retry every time
    if server is not None:
        server.stop()
    server = ForkServer(gpu, _without_sympy.get(gpu, False))
    _servers[gpu] = server
    return server if server.launch() else None


def prestart(gpu: bool, without_sympy: bool = False) -> None:
    """Launch the zygote now and let it boot in the background (call before importing torch);
    ``without_sympy`` where none of this run's workers will hand autograd a gradient
    (grader/engine/worker/sympy_need.py). A zygote without it that is up already is replaced where a
    run needs it; one with it serves every run."""
    _without_sympy[gpu] = without_sympy
    server = _servers.get(gpu)
    if server is not None and server.without_sympy and not without_sympy:
        server.stop()
    _server(gpu)


def fork_server(gpu: bool) -> ForkServer | None:
    """This process's zygote for ``gpu``, ready to fork; None where it cannot run.

    Call it once before forking grading processes: they share the zygote it returns (where
    it isolates its children; else each grading process starts one of its own)."""
    for _attempt in range(2):
        server = _server(gpu)
        if server is None or not server.await_ready():
            return None
        if server.usable():
            return server
    return None


_ahead: dict[bool, Ordered] = {}  # gpu -> the next task's worker, ordered while this one runs
_keeps_ahead_in: int | None = None  # the pool process that keeps one (not a fork of it)


def keep_workers_ahead() -> None:
    """Run by each of a pool's grading processes as it starts (:class:`grader.engine.worker.pool.GraderPool`),
    and by the learner's warm engine (its forks grade request after request): :func:`keep_one_ahead`
    orders each next task's worker. A process that grades one run (``grade FILE``, a test's
    ``grade``) leaves none waiting."""
    global _keeps_ahead_in
    _keeps_ahead_in = os.getpid()


def keep_one_ahead(limits: Limits, gpu: bool) -> None:
    """In a pool's grading process: order the next task's worker now, while this task runs, so
    that it has booted (its fork, limits, filter and prelude) by the time the next task needs
    it; that task sends it its files."""
    server = _servers.get(gpu)
    if _keeps_ahead_in != os.getpid() or server is None or not server.usable():
        return
    waiting = _ahead.get(gpu)
    if waiting is not None and waiting.by == os.getpid():
        return
    if waiting is not None:
        waiting.cancel()  # a parent's order: only this process's copies of its pipes close
    try:
        _ahead[gpu] = server.order_spawn(limits)
    except ZygoteDied:
        pass


def adopt_ahead() -> None:
    """In a process forked to grade one request of the learner's warm engine (grader/serve.py):
    the worker its parent ordered between requests is this process's own (the parent closes its
    copies: :func:`hand_over_ahead`), and it orders none."""
    global _keeps_ahead_in
    _keeps_ahead_in = None
    for waiting in _ahead.values():
        waiting.by = os.getpid()


def hand_over_ahead() -> None:
    """In that engine after the fork: its copies of the order closed and forgotten (the forked
    process holds the worker's status pipe, so the zygote keeps it)."""
    while _ahead:
        _ahead.popitem()[1].cancel()


def _take_ahead(server: ForkServer, limits: Limits, gpu: bool) -> ForkedWorker | None:
    """The worker :func:`keep_one_ahead` ordered, if this process ordered it from ``server``
    with ``limits``; one that does not fit is given back to the zygote to kill."""
    waiting = _ahead.pop(gpu, None)
    if waiting is None:
        return None
    if waiting.by != os.getpid() or waiting.server is not server or waiting.limits != limits:
        waiting.cancel()  # a parent's order: only this process's copies of its pipes close
        return None
    return waiting.answer()


def start_worker(
    staged_dir: str,
    sources: dict[str, bytes],
    topic: str,
    limits: Limits,
    gpu: bool,
    refused: Mapping[str, Iterable[str]] | None = None,
) -> Worker:
    """A worker for one (submission, topic): a child of the zygote when possible, else fresh;
    ``refused``, {exercise: its twins}, looked up in the zygote once for its later children.

    A forked child receives the topic and the submission's files as text on its request pipe
    (the first frame); a fresh worker reads them from ``staged_dir``, bound read-only into its
    sandbox.
    """
    from grader.sandboxed import channel

    for _attempt in range(2):  # a zygote that died is started again once
        server = fork_server(gpu)
        if server is None:
            break
        server.warm(refused or {})
        try:
            child = _take_ahead(server, limits, gpu) or server.order_spawn(limits).answer()
        except ZygoteDied:
            server.stop()
            continue
        try:
            channel.write_frame(
                child.request_fd, child.nonce, channel.encode({"topic": topic, "files": sources})
            )
        except OSError:  # the child died at once; the session sees it when it reads
            pass
        return child
    nonce = os.urandom(16)
    given = ["--topic", topic, "--nonce", nonce.hex(), *limits.as_args(), "--files", *sorted(sources)]
    return FreshWorker(staged_dir, given, nonce, gpu)


def read_sources(staged_dir: str, topic: str) -> dict[str, bytes]:
    """The staged files a worker of ``topic`` may import, those the subset check reads
    (``submission.sources_of``): no other is importable there, by the learner's code or the stdlib's."""
    from grader.engine.subset import submission  # its readers: at a worker's first start only

    names = sorted(submission.sources_of(Path(staged_dir), topic, False))
    return {name: (Path(staged_dir) / name).read_bytes() for name in names}


def engine_problem() -> str:
    """Why this process's workers start fresh (slowly) instead of from the zygote, if they do."""
    if os.environ.get("TORCHGRADE_FRESH_WORKERS"):
        return "TORCHGRADE_FRESH_WORKERS is set"
    return next((server.problem for server in _servers.values() if server.problem), "")
