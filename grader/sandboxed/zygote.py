"""The zygote: a sandboxed, torch-preloaded fork server (one per grading run), started by
:mod:`grader.engine.worker.workers` as ``python -m grader.sandboxed.zygote --control-fd N``.

It serves the trusted side on the control socket: ``{"op": "spawn", "id", "nonce", "limits"}``
with three descriptors (request, results and status pipes) hands them to the spare child forked
ahead, forks the next spare and writes ``S<pid>`` to the status pipe, then ``X<wait status>``
when the child has ended (``T0``, handing nothing over, when its own settings changed since it
said ready); ``{"op": "kill", "id"}`` kills that child, as it kills a child whose status pipe
the trusted side closed. The order's path: docs/engine.md; what each defence answers:
docs/sandbox.md, the zygote's table.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import gc
import json
import os
import platform
import resource
import select
import signal
import socket
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any

# imported once here, not in every child
from grader.sandboxed import ended_children, engines, first_use, seccomp, worker

STATUS = struct.Struct("!ci")  # b"S", pid  |  b"X", wait status  |  b"T", 0 (tampered with)
PR_SET_DUMPABLE = 4
CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWIPC = 0x10000000, 0x40000000, 0x08000000
CLONE_NEWNS, CLONE_NEWPID = 0x00020000, 0x20000000
NAMESPACES = CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWPID
# A GPU child's: CUDA's driver does not start in a new pid namespace (cudaGetDeviceCount: error
# 304, NVIDIA H100, driver 580). Such a child still signals only itself (the seccomp filter) and
# its /proc still shows only itself (own_proc); killing it still ends all it ran (it cannot fork).
GPU_NAMESPACES = NAMESPACES & ~CLONE_NEWPID
_CLONE3 = 435  # the same number on every architecture (Linux 5.3+)
_CLONE = {"x86_64": 56, "aarch64": 220}  # where clone3 is refused (ENOSYS, as some filters do)
_OPEN_TREE, _MOVE_MOUNT = 428, 429  # the same number on every architecture
_AT_FDCWD, _OPEN_TREE_CLONE, _MOVE_MOUNT_F_EMPTY_PATH = -100, 1, 4
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REMOUNT = 1, 2, 4, 8, 32
_CAPABILITY_VERSION_3 = 0x20080522
_IOPRIO_GET, _IOPRIO_WHO_PROCESS = 252, 1  # x86_64


class _CloneArgs(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_uint64)
        for name in ("flags", "pidfd", "child_tid", "parent_tid", "exit_signal", "stack", "stack_size", "tls")
    ]


def fork_isolated(namespaces: int = NAMESPACES) -> int:
    """``os.fork()``, the child born in a user, network, IPC, mount and pid namespace of its own,
    in which it is pid 1; it then calls :func:`settle` (the cost: docs/sandbox.md, the zygote's
    table). Done as ``os.fork`` does it, with Python's fork hooks and
    the GIL held (``ctypes.PyDLL``). The raw syscall skips glibc's fork: its ``pthread_atfork``
    handlers and lock resets do not run, which is safe only because the zygote is single-threaded
    (checked before it says ready: :func:`_unfit_to_fork`)."""
    python = ctypes.PyDLL(None, use_errno=True)
    python.syscall.restype = ctypes.c_long
    args = _CloneArgs(flags=namespaces, exit_signal=signal.SIGCHLD)
    python.PyOS_BeforeFork()
    pid = python.syscall(ctypes.c_long(_CLONE3), ctypes.byref(args), ctypes.c_size_t(ctypes.sizeof(args)))
    legacy = _CLONE.get(platform.machine())
    if pid < 0 and ctypes.get_errno() == errno.ENOSYS and legacy is not None:  # no stack: fork-like
        zero = ctypes.c_ulong(0)
        pid = python.syscall(
            ctypes.c_long(legacy), ctypes.c_ulong(namespaces | signal.SIGCHLD), zero, zero, zero, zero
        )
    failure = ctypes.get_errno()
    if pid == 0:
        python.PyOS_AfterFork_Child()
        return 0
    python.PyOS_AfterFork_Parent()
    if pid < 0:
        raise OSError(failure, "clone(CLONE_NEWUSER | NEWNET | NEWIPC | NEWNS | NEWPID) failed")
    return int(pid)


def settle(uid: int, gid: int) -> None:
    """In a child of :func:`fork_isolated`: the zygote's ``uid`` and ``gid`` inside too (the
    ``/proc`` below is made of files this uid must own), a ``/proc`` that shows only itself (the
    zygote's shows every child: a thread's name in ``/proc/<pid>/task/*/comm`` carried a module
    between classmates), and no capabilities (a new user namespace grants all of them
    inside it; none is needed)."""
    libc = ctypes.CDLL(None, use_errno=True)
    prctl(PR_SET_DUMPABLE, 1)  # a process that is not dumpable (the zygote's image) cannot write its maps
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)
    prctl(PR_SET_DUMPABLE, 0)
    own_proc(libc)
    header = (ctypes.c_uint32 * 2)(_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: two words each, all 0
    if libc.capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def prctl(option: int, value: int) -> None:
    libc, zero = ctypes.CDLL(None, use_errno=True), ctypes.c_ulong(0)
    if libc.prctl(option, ctypes.c_ulong(value), zero, zero, zero) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}, {value}) failed")


def own_proc(libc: ctypes.CDLL) -> None:
    """Cover ``/proc`` with a read-only tmpfs that holds only this process's own directory, as
    ``/proc/1`` and ``/proc/self``, and in a GPU's sandbox the driver's ``/proc/driver/nvidia``
    (its parameters, which CUDA reads as it starts: static, the same for every process). (A fresh
    procfs of its pid namespace cannot be mounted here: bubblewrap's read-only binds over
    ``/proc/sys`` and others are locked.)"""
    own = str(os.getpid())  # 1 in a pid namespace of its own; a GPU child's pid in the zygote's
    kept = {"self": own}
    if engines.gpu_sandbox() and os.path.isdir("/proc/driver/nvidia"):
        kept["driver/nvidia"] = "driver/nvidia"
    trees: dict[str, int] = {}
    try:
        for source, target in kept.items():
            tree = libc.syscall(
                _OPEN_TREE, _AT_FDCWD, f"/proc/{source}".encode(), _OPEN_TREE_CLONE | os.O_CLOEXEC
            )
            if tree < 0:
                raise OSError(ctypes.get_errno(), f"open_tree(/proc/{source}) failed")
            trees[target] = tree
        flags = _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
        if libc.mount(b"proc", b"/proc", b"tmpfs", ctypes.c_ulong(flags), b"size=16k,mode=0555") != 0:
            raise OSError(ctypes.get_errno(), "mount(tmpfs, /proc) failed")
        for target, tree in trees.items():
            os.makedirs(f"/proc/{target}")
            if libc.syscall(
                _MOVE_MOUNT, tree, b"", _AT_FDCWD, f"/proc/{target}".encode(), _MOVE_MOUNT_F_EMPTY_PATH
            ):
                raise OSError(ctypes.get_errno(), f"move_mount(/proc/{target}) failed")
        os.symlink(own, "/proc/self")
        if libc.mount(None, b"/proc", None, ctypes.c_ulong(_MS_REMOUNT | _MS_RDONLY | flags), None) != 0:
            raise OSError(ctypes.get_errno(), "remount(/proc, read-only) failed")
    finally:
        for tree in trees.values():
            os.close(tree)


def isolation_works(ids: tuple[int, int], namespaces: int) -> bool:
    """Can this process fork an isolated child, whose ids are ``ids``? (Tried with a throwaway child.)"""
    try:
        pid = fork_isolated(namespaces)
    except OSError:
        return False
    if pid == 0:
        try:
            settle(*ids)
        except OSError:
            os._exit(1)
        os._exit(0)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def settings() -> tuple[object, ...]:
    """What a process of this uid could change about the zygote, and every child inherits:
    every resource limit, nice, scheduling policy and priority, CPUs, I/O priority."""
    limits = tuple(
        (name, resource.getrlimit(getattr(resource, name)))
        for name in dir(resource)
        if name.startswith("RLIMIT_")
    )
    io_priority = (
        ctypes.CDLL(None).syscall(_IOPRIO_GET, _IOPRIO_WHO_PROCESS, 0) if seccomp.supported() else None
    )
    return (
        limits,
        os.getpriority(os.PRIO_PROCESS, 0),
        os.sched_getscheduler(0),
        os.sched_getparam(0).sched_priority,
        sorted(os.sched_getaffinity(0)),
        io_priority,
    )


def _open_files() -> list[str]:
    """What this process's descriptors point to (one closed meanwhile is left out)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            found.append(os.readlink(f"/proc/self/fd/{fd}"))
    return found


def _unfit_to_fork(gpu: bool) -> str:
    """Why the warmed-up zygote cannot fork its children, or "": a thread beside its own (a
    forked child would lack it), or, where its children use the GPU, CUDA's driver started (it
    opens the GPU's control device; a child forked after its start can never use CUDA)."""
    tasks = sorted(os.listdir("/proc/self/task"))
    if len(tasks) != 1:
        names = [Path(f"/proc/self/task/{t}/comm").read_text().strip() for t in tasks]
        return f"{len(tasks)} threads after warm-up ({', '.join(names)})"
    if gpu and any(target.startswith("/dev/nvidia") for target in _open_files()):
        return "CUDA's driver started during warm-up: a forked child could not use the GPU"
    return ""


def child(
    control: socket.socket, orders: socket.socket, ids: tuple[int, int] | None, baseline: tuple[object, ...]
) -> None:
    """The trusted prelude of one child, forked before its order (a spare), isolated where
    ``ids`` (the zygote's uid and gid) are given; never returns."""
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        control.close()
        keep = orders.fileno()  # the zygote's other descriptors (siblings' status pipes): gone now
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
        if ids is not None:
            settle(*ids)
        data, fds, _, _ = socket.recv_fds(orders, 1 << 16, 2)
        if not data or len(fds) != 2 or settings() != baseline:
            return  # the zygote is gone, or this child was changed while it waited: unused, it exits
        request_fd, results_fd = fds
        os.dup2(request_fd, 0)
        os.dup2(results_fd, 3)
        os.closerange(4, os.sysconf("SC_OPEN_MAX"))
        order = json.loads(data)
        limits = order["limits"]
        worker.apply_limits(
            limits["memory_mb"], limits["cpu_seconds"], limits["file_size_mb"], limits["threads"]
        )
        worker.serve_forked(bytes.fromhex(order["nonce"]), results_fd=3)
    finally:
        os._exit(70)


class Zygote:
    def __init__(self, control: socket.socket, isolated: bool, namespaces: int) -> None:
        self.control = control
        self.namespaces = namespaces
        self.ids = (os.geteuid(), os.getegid()) if isolated else None  # an isolated child's, inside
        self.baseline = settings()
        self.children: dict[str, tuple[int, int]] = {}  # id -> (pid, status fd)
        self.killed: set[int] = set()  # children sent SIGKILL, not reaped yet
        # The next order's child, forked and isolated ahead: the fork (~9 ms) is off the order's path
        self.spare: tuple[int, socket.socket] | None = None
        self.wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(wake_write)

    def serve(self) -> None:
        """Orders, reaping, and one rule: a child whose trusted owner closed its status
        pipe (the owner died or gave up on it) is killed."""
        self.spare = self.fork_spare()
        while True:
            poller = select.poll()
            poller.register(self.control, select.POLLIN)
            poller.register(self.wake_read, select.POLLIN)
            # A killed child's closed status pipe would wake the poll at once until it is reaped
            owners = {status_fd: pid for pid, status_fd in self.children.values() if pid not in self.killed}
            for status_fd in owners:
                poller.register(status_fd, 0)  # errors only: the reader is gone
            events = dict(poller.poll())
            if self.wake_read in events:
                os.read(self.wake_read, 4096)
            for status_fd, pid in owners.items():
                if events.get(status_fd, 0) & (select.POLLERR | select.POLLHUP):
                    self.kill(pid)
            self.reap()
            if events.get(self.control.fileno(), 0) and not self.handle():
                break
        for pid, _ in self.children.values():
            os.kill(pid, signal.SIGKILL)
        if self.spare is not None:
            os.kill(self.spare[0], signal.SIGKILL)

    def fork_spare(self) -> tuple[int, socket.socket]:
        """Fork the next child, which runs its prelude up to its order and waits for it."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork() if self.ids is None else fork_isolated(self.namespaces)
        if pid == 0:
            ours.close()
            child(self.control, theirs, self.ids, self.baseline)
        theirs.close()
        return pid, ours

    def kill(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)
        self.killed.add(pid)

    def handle(self) -> bool:
        """One order from the trusted side; False when every trusted end has closed."""
        data, fds, _, _ = socket.recv_fds(self.control, 1 << 16, 3)
        if not data:
            return False
        order = json.loads(data)
        if order.get("op") == "spawn" and len(fds) == 3 and order.get("id") not in self.children:
            self.spawn(order, *fds)
        elif order.get("op") == "warm" and not fds:
            first_use.refusals(order.get("refused"))  # the next spare is forked with them
        else:
            for fd in fds:
                os.close(fd)
            entry = self.children.get(order.get("id"))
            if order.get("op") == "kill" and entry is not None:
                self.kill(entry[0])
        return True

    def spawn(self, order: dict[str, Any], request_fd: int, results_fd: int, status_fd: int) -> None:
        if settings() != self.baseline:
            os.write(status_fd, STATUS.pack(b"T", 0))
            for fd in (request_fd, results_fd, status_fd):
                os.close(fd)
            return
        pid = self.hand_over(order, request_fd, results_fd)
        os.close(request_fd)
        os.close(results_fd)
        if pid is None:  # two children died before their orders: no S, the trusted side restarts the zygote
            os.close(status_fd)
            return
        self.children[order["id"]] = (pid, status_fd)
        os.write(status_fd, STATUS.pack(b"S", pid))
        self.spare = self.fork_spare()

    def hand_over(self, order: dict[str, Any], request_fd: int, results_fd: int) -> int | None:
        """Give the order and its pipes to the spare (a fresh one if it died waiting): its pid."""
        for _ in range(2):
            pid, orders = self.spare or self.fork_spare()
            self.spare = None
            try:
                socket.send_fds(orders, [json.dumps(order).encode()], [request_fd, results_fd])
                return pid
            except OSError:  # it died waiting: reaped as any child
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            finally:
                orders.close()
        return None

    def reap(self) -> None:
        """Reap every child that ended: one serving an order, or a spare that died waiting."""
        for pid, status in ended_children():
            self.killed.discard(pid)
            if self.spare is not None and self.spare[0] == pid:  # died unused: forked again on demand
                self.spare[1].close()
                self.spare = None
            for key, (child_pid, status_fd) in list(self.children.items()):
                if child_pid == pid:
                    del self.children[key]
                    try:
                        os.write(status_fd, STATUS.pack(b"X", status))
                    except OSError:  # the trusted side stopped listening
                        pass
                    os.close(status_fd)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m grader.sandboxed.zygote")
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--without-sympy", action="store_true")  # grader/engine/worker/sympy_need.py
    parser.add_argument("--gpu", action="store_true")  # its children use the GPU its sandbox binds
    parser.add_argument("--without-backward", action="store_true")  # a machine with a GPU: first_use.warm_up
    args = parser.parse_args(argv)
    control = socket.socket(fileno=args.control_fd)
    tempfile.tempdir = "/tmp"  # read-only here: torch asks for the path, and nothing may write there
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = "/tmp"  # exists, so torch._dynamo creates nothing
    gc.disable()  # the boot's imports build ~0.5 M objects the collector would rescan: ~0.3 s
    import torch

    torch.set_num_threads(1)
    prctl(PR_SET_DUMPABLE, 0)
    from grader.sandboxed import dynamo_free  # imports torch

    dynamo_free.skip()
    first_use.warm_up(sympy=not args.without_sympy, backward=not args.without_backward)
    unfit = _unfit_to_fork(args.gpu)
    if unfit:
        control.send(json.dumps({"ready": False, "why": unfit}).encode())
        sys.exit(1)
    namespaces = GPU_NAMESPACES if args.gpu else NAMESPACES
    isolated = isolation_works((os.geteuid(), os.getegid()), namespaces)
    first_use.ahead_of_children(1 if isolated and namespaces & CLONE_NEWPID else None)
    gc.freeze()  # what is here now stays shared with the children: no copy-on-write by the gc
    gc.enable()  # children collect as any Python does
    zygote = Zygote(control, isolated, namespaces)
    imported = {name: name in sys.modules for name in ("torch._dynamo", "sympy")}  # the tests read it
    control.send(json.dumps({"ready": True, "isolated": isolated, "imported": imported}).encode())
    zygote.serve()


if __name__ == "__main__":
    main()
