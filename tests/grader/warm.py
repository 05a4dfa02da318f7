"""A warm starter for the tests' ``python -m grader`` processes (``helpers.run_grade``).

A fresh ``grade`` process pays ``import torch``, pytest and ``torch._dynamo`` (3-4 s of CPU on a
2-core machine, 2026-11-23) before it grades, and its zygote as much again (1.5 s of CPU); the
grader's own tests start ~100 of them. Here one helper process per test session imports those
third-party modules once and starts one zygote, then forks one child per ``run_grade`` that runs
the rest of a ``python -m grader ARGS`` interpreter: the test's argv, environment (``os.environ``
replaced), cwd, and stdout/stderr pipes.

The child grades on the helper's zygote as a grading process of ``grade batch`` grades on its
parent's (:meth:`grader.engine.worker.workers.ForkServer.usable`): one sealed child of it per task. That
needs ``grader.engine.worker.workers`` imported in the helper. A request whose cwd, ``PYTHONPATH``, ``PATH``
or ``TORCHGRADE_*`` variables differ from the helper's could import another ``grader``, or launch
another zygote: its child forgets every ``grader`` module and the zygote, and starts its own as a
fresh process would.

Run as ``python warm.py FD``: the helper, serving requests on the Unix socket FD. Imported: the
client (:class:`Warm`). Only the standard library is imported at module level.
"""

from __future__ import annotations

import atexit
import json
import locale
import os
import runpy
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

HEAVY = ("numpy", "torch", "torch._dynamo", "pytest")  # third-party; grader's come with the zygote
# Read when a heavy module is imported, or by the interpreter at start: a call whose environment
# differs from the helper's in one of these runs in a fresh process (helpers.run_grade).
AT_START = ("PYTHON", "LANG", "LC_", "TORCH_", "OMP_", "MKL_", "CUDA")
READY_SECONDS = 300.0  # the helper's imports took 11-14 s on the loaded 2-core machine (2026-11-23)
KILL_SECONDS = 60.0  # for the helper to report a killed child's exit status
_started_with: dict[str, str] = {}  # the helper's environment before its imports (torch sets variables)


def _send(sock: socket.socket, message: dict, fds: Sequence[int] = ()) -> None:
    data = json.dumps(message).encode() + b"\n"
    if fds:
        socket.send_fds(sock, [data], list(fds))
    else:
        sock.sendall(data)


class _Lines:
    """Newline-framed JSON messages from a socket, with any file descriptors sent along."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buffer, self.fds = sock, b"", []

    def recv(self) -> dict | None:
        """The next message, or None at end of file."""
        while b"\n" not in self.buffer:
            data, fds, _, _ = socket.recv_fds(self.sock, 65536, 4)
            self.fds += fds
            if not data:
                return None
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)


# --- the helper (python warm.py FD) ---------------------------------------------------------


def _serve(sock: socket.socket) -> dict:
    """Answer requests one at a time until the client closes the socket (then exit). Returns
    only in a forked child, with its request."""
    lines = _Lines(sock)
    while (request := lines.recv()) is not None:
        stdout, stderr = lines.fds
        lines.fds = []
        # Forking with Python threads is unsafe. Native ones are as in grader/engine/worker/pool.py's
        # forks: numpy's OpenBLAS starts its pool at import, fork-safe by its atfork handlers.
        if threading.active_count() != 1:
            _send(sock, {"error": "the warm helper has Python threads; it cannot fork"})
            os._exit(1)
        pid = os.fork()
        if pid == 0:
            sock.close()
            os.dup2(stdout, 1)
            os.dup2(stderr, 2)
            os.close(stdout)
            os.close(stderr)
            return request
        os.close(stdout)
        os.close(stderr)
        _send(sock, {"pid": pid})
        _send(sock, {"status": _wait(pid, lines)})
    os._exit(0)


def _wait(pid: int, lines: _Lines) -> int:
    """The child's wait status, once it exits; killed (SIGKILL) when the client asks or leaves."""
    with selectors.DefaultSelector() as selector:
        pidfd = os.pidfd_open(pid)
        selector.register(pidfd, selectors.EVENT_READ)
        selector.register(lines.sock, selectors.EVENT_READ)
        while not any(key.fd == pidfd for key, _ in selector.select()):
            message = lines.recv()  # "kill", or None: the client is gone
            os.kill(pid, signal.SIGKILL)  # not reaped yet: the pid is still our child's
            if message is None:
                break
        os.close(pidfd)
    return os.waitpid(pid, 0)[1]


def _become_grade(request: dict) -> NoReturn:
    """Turn this forked child into ``python -m grader ARGS`` as a fresh interpreter would be,
    and leave as it would, less tearing down the modules the helper imported (~1 s of CPU for
    a command that leaves by ``sys.exit``; a grading leaves by ``os._exit`` anyway)."""
    _signals_as_after_exec(set(request["ignored"]))
    if not _shares_engine(request):
        _forget_grader()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[0] = os.getcwd()  # `python -m` puts the cwd first
    sys.argv = ["-m", *request["args"]]
    code, interrupted = 0, False
    try:
        runpy.run_module("grader", run_name="__main__", alter_sys=True)
    except SystemExit as leaving:
        if leaving.code is None or isinstance(leaving.code, int):
            code = leaving.code or 0
        else:
            print(leaving.code, file=sys.stderr)
            code = 1
    except BaseException as error:
        sys.excepthook(type(error), error, error.__traceback__)
        code, interrupted = 1, isinstance(error, KeyboardInterrupt)
    for thread in threading.enumerate():  # the interpreter's exit waits for non-daemon threads
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    if interrupted:  # a fresh interpreter ends an uncaught Ctrl-C by SIGINT
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(code)


def _start_engine() -> None:
    """The zygote the children share, launched as a grading process launches its own: with
    Ctrl-C not ignored (the helper ignores it; an ignored signal stays ignored across exec)."""
    from grader.engine.worker import sandbox, workers

    gpu = sandbox.gpu_present()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        workers.prestart(gpu)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    workers.fork_server(gpu)  # waits for it to be ready


def _shares_engine(request: dict) -> bool:
    """Whether the request's ``grade`` would import this helper's ``grader`` and launch the
    same zygote: the same cwd, ``PYTHONPATH`` (the package), ``PATH`` (bubblewrap, setpriv) and
    ``TORCHGRADE_*`` variables (the sandbox, the workers). Others, ``PYTEST_CURRENT_TEST`` among
    them, change from test to test and choose nothing of the engine."""
    env = request["env"]
    names = {
        "PATH",
        "PYTHONPATH",
        *(name for name in {*env, *_started_with} if name.startswith("TORCHGRADE_")),
    }
    return os.path.realpath(request["cwd"]) == os.getcwd() and all(
        env.get(name) == _started_with.get(name) for name in names
    )


def _forget_grader() -> None:
    """Leave the helper's zygote to it and drop every ``grader`` module: the child imports
    its own, and starts its own zygote, as a fresh interpreter would."""
    workers = sys.modules.get("grader.engine.worker.workers")
    for server in getattr(workers, "_servers", {}).values():
        server.stop()  # not its owner: closes this process's end only
    for name in [name for name in sys.modules if name == "grader" or name.startswith("grader.")]:
        del sys.modules[name]


def _signals_as_after_exec(ignored: set[int]) -> None:
    """Signal dispositions as a fresh ``python`` started by the client now would have them:
    what the client ignores stays ignored across exec, the rest is reset, then Python's start
    ignores SIGPIPE and SIGXFSZ and makes SIGINT raise KeyboardInterrupt."""
    for number in signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP}:
        started = signal.SIG_IGN if number in (signal.SIGPIPE, signal.SIGXFSZ) else signal.SIG_DFL
        if number == signal.SIGINT:
            started = signal.default_int_handler
        try:
            signal.signal(number, signal.SIG_IGN if number in ignored else started)
        except (OSError, ValueError):  # one the OS keeps (SIGRTMIN+n in use by libc)
            pass


def _ignored_signals() -> list[int]:
    """The signals this process ignores (the client's side of :func:`_signals_as_after_exec`)."""
    return sorted(
        int(number)
        for number in signal.valid_signals() - {signal.SIGPIPE, signal.SIGXFSZ}
        if signal.getsignal(number) is signal.SIG_IGN
    )


# --- the client ---------------------------------------------------------------------------


class Warm:
    """The test process's side: starts the helper, runs ``grade`` requests through it."""

    def __init__(self, repo: Path, env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=repo,
            env=env,
        )
        theirs.close()
        self.env, self.sock, self.lines = env, ours, _Lines(ours)
        ours.settimeout(READY_SECONDS)
        ready = self.lines.recv()
        ours.settimeout(None)
        if ready != {"ready": True}:
            self.close()
            raise RuntimeError(f"the warm helper did not start: {ready}")

    def differs(self, env: dict[str, str]) -> list[str]:
        """The variables read at start or at import that ``env`` sets otherwise than the helper's."""
        at_start = {name for name in {*env, *self.env} if name.startswith(AT_START)}
        return sorted(name for name in at_start if env.get(name) != self.env.get(name))

    def run(
        self, args: Sequence[str], *, cmd: list[str], cwd: Path, env: dict[str, str], timeout: float
    ) -> subprocess.CompletedProcess:
        """``python -m grader ARGS`` in a warm child, as ``subprocess.run(cmd, cwd=cwd, env=env,
        capture_output=True, text=True, timeout=timeout)`` would run it."""
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        request = {"args": list(args), "cwd": str(cwd), "env": env, "ignored": _ignored_signals()}
        _send(self.sock, request, fds=[out_write, err_write])
        os.close(out_write)
        os.close(err_write)
        self.sock.settimeout(KILL_SECONDS)
        started = self.lines.recv()
        self.sock.settimeout(None)
        if started is None or "pid" not in started:
            raise RuntimeError(f"the warm helper could not start `grade`: {started}")
        output, timed_out = _read_both(out_read, err_read, time.monotonic() + timeout)
        if timed_out:
            _send(self.sock, {"kill": started["pid"]})
        self.sock.settimeout(KILL_SECONDS)
        ended = self.lines.recv()
        self.sock.settimeout(None)
        if ended is None:
            raise RuntimeError("the warm helper died")
        stdout, stderr = output
        if timed_out:
            raise subprocess.TimeoutExpired(cmd, timeout, output=stdout, stderr=stderr)
        code = os.waitstatus_to_exitcode(ended["status"])
        return subprocess.CompletedProcess(cmd, code, _text(stdout), _text(stderr))

    def close(self) -> None:
        self.sock.close()  # the helper sees end of file and exits
        try:
            self.process.wait(timeout=KILL_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _read_both(out: int, err: int, deadline: float) -> tuple[tuple[bytes, bytes], bool]:
    """Both pipes to end of file, or what came before ``deadline``; (stdout, stderr), timed out."""
    chunks: dict[int, list[bytes]] = {out: [], err: []}
    with selectors.DefaultSelector() as selector:
        for fd in chunks:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map() and (left := deadline - time.monotonic()) > 0:
            for key, _ in selector.select(left):
                data = os.read(key.fd, 65536)
                if data:
                    chunks[key.fd].append(data)
                else:
                    selector.unregister(key.fd)
        timed_out = bool(selector.get_map())
    for fd in chunks:
        os.close(fd)
    return (b"".join(chunks[out]), b"".join(chunks[err])), timed_out


def _text(data: bytes) -> str:
    """Decoded as ``subprocess.run(..., text=True)`` decodes."""
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


if __name__ == "__main__":
    import gc
    import importlib

    helper = socket.socket(fileno=int(sys.argv[1]))
    _started_with.update(os.environ)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the client ends the helper, not a Ctrl-C
    for name in HEAVY:
        importlib.import_module(name)
    _start_engine()
    gc.freeze()  # shared with the children, never scanned by their gc
    _send(helper, {"ready": True})
    child_request = _serve(helper)
    _become_grade(child_request)
