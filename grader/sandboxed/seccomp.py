"""Seccomp filters for workers (x86_64, aarch64): threads yes, new processes no, neighbours untouchable.

Root is not bound by RLIMIT_NPROC, so fork bombs are stopped here instead: ``fork`` and
``vfork`` fail with EAGAIN, ``clone3`` with ENOSYS (glibc then falls back to ``clone``),
and ``clone`` is allowed only with ``CLONE_THREAD``. Torch's own threads keep working.

:func:`nofork_program` is what bubblewrap installs for a fresh worker (``--seccomp FD``).
:func:`child_program` is what a child of the zygote installs on itself after the fork: the
same rules, plus everything that could reach the zygote or a sibling child, which share
its uid: ``ptrace``, ``process_vm_readv/writev``, ``pidfd_*``, ``kcmp``, signals to any
process but itself (``kill``, ``tgkill``, ``rt_(tg)sigqueueinfo``; ``tkill`` entirely),
making another process the owner of a file's signals (``fcntl`` F_SETOWN/F_SETSIG,
``ioctl`` FIOSETOWN/SIOCSPGRP), new namespaces (``unshare``, ``setns``) and System V IPC
objects, which outlive a process.

The kernel also lets one process change another of the same uid's limits (``prlimit64``),
priority (``setpriority``, ``ioprio_set``), scheduling (``sched_setscheduler``,
``sched_setparam``, ``sched_setattr``) and CPUs (``sched_setaffinity``); a child may aim these
only at itself (pid 0 or its own pid: the filter is built per child, after the fork, so it
knows that pid) and ``setpriority``/``ioprio_set`` only at a process, never a group or a uid.
Refused outright: NUMA page moves between processes (``migrate_pages``, ``move_pages``),
``process_madvise``, ``process_mrelease``, ``get_robust_list``, ``perf_event_open``, the
uid-wide keyrings (``add_key``, ``request_key``, ``keyctl``: a channel between classmates),
POSIX message queues and inotify/fanotify (a sibling's file accesses would be visible). Calls
that only read another process's settings (``getpriority``, ``sched_get*``, ``ioprio_get``)
stay open: they change nothing and carry nothing.

Both filters refuse io_uring (``io_uring_setup``, ``io_uring_enter``, ``io_uring_register``:
ENOSYS, so that a library falls back to plain calls): its rings run reads, writes and opens
that no filter sees, as isolate and Docker's default profile refuse it.

System call numbers are not written here: each name is resolved for the architecture by
libseccomp (``seccomp_syscall_resolve_name_arch``, the C library's own tables, loaded with
ctypes; Debian's ``libseccomp2``, which apt itself needs). A call the architecture lacks (``fork``
on aarch64) is left out; without libseccomp the filters are not :func:`supported`.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import platform
import struct

_LOAD_WORD, _JUMP_EQ, _JUMP_GE, _JUMP_SET, _RETURN = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _KILL, _ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
# The architectures the filters claim: their AUDIT_ARCH_* token (libseccomp's SCMP_ARCH_* too)
# and whether the x32 ABI shares it (x86_64: calls numbered from 0x40000000, refused).
ARCHES = {"x86_64": (0xC000003E, True), "aarch64": (0xC00000B7, False)}
_X32_BIT = 0x40000000
_CLONE_THREAD = 0x00010000
# Offsets into struct seccomp_data: nr at 0, arch at 4, args[i] (low word) at 16 + 8 i.
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24

_SIGNALS = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")  # only to the caller itself
_IO_URING = ("io_uring_setup", "io_uring_enter", "io_uring_register")
_NEIGHBOUR_CALLS = (
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_open", "pidfd_send_signal",
    "pidfd_getfd", "unshare", "setns", "shmget", "semget", "msgget", "tkill", "migrate_pages",
    "move_pages", "process_madvise", "process_mrelease", "get_robust_list", "perf_event_open",
    "add_key", "request_key", "keyctl", "mq_open", "mq_unlink", "inotify_init", "inotify_init1",
    "fanotify_init",
)  # fmt: skip
# Calls whose first argument is the pid they act on: only 0 (the caller) or the caller's pid.
_SELF_ONLY = ("prlimit64", "sched_setscheduler", "sched_setparam", "sched_setattr", "sched_setaffinity")
# Calls taking (which, who): only which == "a process" and who == 0 or the caller's pid.
_PRIO_PROCESS, _IOPRIO_WHO_PROCESS = 0, 1
_F_SETOWN, _F_SETSIG, _F_SETOWN_EX = 8, 10, 15
_FIOSETOWN, _SIOCSPGRP = 0x8901, 0x8902
_NAMES = (
    "clone", "fork", "vfork", "clone3", "fcntl", "ioctl", "setpriority", "ioprio_set",
    *_SIGNALS, *_IO_URING, *_NEIGHBOUR_CALLS, *_SELF_ONLY,
)  # fmt: skip


@functools.cache
def _libseccomp() -> ctypes.CDLL | None:
    try:
        library = ctypes.CDLL("libseccomp.so.2")
    except OSError:
        return None
    library.seccomp_syscall_resolve_name_arch.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    library.seccomp_syscall_resolve_name_arch.restype = ctypes.c_int
    return library


@functools.cache
def numbers(arch: str) -> dict[str, int]:
    """The filters' calls by name on ``arch``, numbered by libseccomp; a call the architecture
    does not have is absent."""
    library = _libseccomp()
    if library is None:
        raise OSError("libseccomp (libseccomp.so.2) is not installed")
    token = ARCHES[arch][0]
    found = {name: library.seccomp_syscall_resolve_name_arch(token, name.encode()) for name in _NAMES}
    return {name: nr for name, nr in found.items() if nr >= 0}  # negative: a pseudo-call, absent


def _stmt(code: int, k: int) -> bytes:
    return struct.pack("HBBI", code, 0, 0, k)


def _jump(code: int, k: int, if_true: int, if_false: int) -> bytes:
    return struct.pack("HBBI", code, if_true, if_false, k)


def _deny(err: int) -> bytes:
    return _stmt(_RETURN, _ERRNO | err)


def _when(nr: int, body: list[bytes]) -> list[bytes]:
    """If the call is ``nr``, run ``body`` (which must end in a return); else go on."""
    return [_stmt(_LOAD_WORD, _NR), _jump(_JUMP_EQ, nr, 0, len(body)), *body]


def _self_only(own_pid: int, offset: int) -> list[bytes]:
    """Allow when the argument at ``offset`` is 0 or ``own_pid``; refuse otherwise."""
    return [
        _stmt(_LOAD_WORD, offset),
        _jump(_JUMP_EQ, 0, 2, 0),
        _jump(_JUMP_EQ, own_pid, 1, 0),
        _deny(errno.EPERM),
        _stmt(_RETURN, _ALLOW),
    ]


def _process_only(kind: int, own_pid: int) -> list[bytes]:
    """(which, who) calls: ``which`` must be ``kind`` (a process), ``who`` the caller."""
    return [
        _stmt(_LOAD_WORD, _ARG0),
        _jump(_JUMP_EQ, kind, 1, 0),
        _deny(errno.EPERM),
        *_self_only(own_pid, _ARG1),
    ]


def _refuse_values(offset: int, values: tuple[int, ...]) -> list[bytes]:
    body = [_stmt(_LOAD_WORD, offset)]
    for value in values:
        body += [_jump(_JUMP_EQ, value, 0, 1), _deny(errno.EPERM)]
    return body + [_stmt(_RETURN, _ALLOW)]


def native_arch() -> str | None:
    """The running machine's architecture when the filters claim it."""
    machine = platform.machine()
    return machine if machine in ARCHES else None


def supported() -> bool:
    """Whether the filters can be built here: a claimed architecture, and libseccomp to number
    the calls (resolved now, so that a process that forks children has its table ready)."""
    arch = native_arch()
    if arch is None or _libseccomp() is None:
        return False
    numbers(arch)
    return True


def _program(own_pid: int | None, arch: str) -> bytes:
    calls = numbers(arch)
    token, x32 = ARCHES[arch]

    def when(name: str, body: list[bytes]) -> list[bytes]:
        return _when(calls[name], body) if name in calls else []  # absent on this architecture

    rules = [
        _stmt(_LOAD_WORD, _ARCH),
        _jump(_JUMP_EQ, token, 1, 0),
        _stmt(_RETURN, _KILL),
        _stmt(_LOAD_WORD, _NR),
        *([_jump(_JUMP_GE, _X32_BIT, 0, 1), _deny(errno.EAGAIN)] if x32 else []),
        *when("fork", [_deny(errno.EAGAIN)]),
        *when("vfork", [_deny(errno.EAGAIN)]),
        *when("clone3", [_deny(errno.ENOSYS)]),
        *when(
            "clone",
            [
                _stmt(_LOAD_WORD, _ARG0),
                _jump(_JUMP_SET, _CLONE_THREAD, 1, 0),
                _deny(errno.EAGAIN),
                _stmt(_RETURN, _ALLOW),
            ],
        ),
    ]
    for name in _IO_URING:
        rules += when(name, [_deny(errno.ENOSYS)])
    if own_pid is not None:
        for name in _NEIGHBOUR_CALLS:
            rules += when(name, [_deny(errno.EPERM)])
        own = [
            _stmt(_LOAD_WORD, _ARG0),
            _jump(_JUMP_EQ, own_pid, 0, 1),
            _stmt(_RETURN, _ALLOW),
            _deny(errno.EPERM),
        ]
        for name in _SIGNALS:
            rules += when(name, own)
        for name in _SELF_ONLY:
            rules += when(name, _self_only(own_pid, _ARG0))
        rules += when("setpriority", _process_only(_PRIO_PROCESS, own_pid))
        rules += when("ioprio_set", _process_only(_IOPRIO_WHO_PROCESS, own_pid))
        rules += when("fcntl", _refuse_values(_ARG1, (_F_SETOWN, _F_SETSIG, _F_SETOWN_EX)))
        rules += when("ioctl", _refuse_values(_ARG1, (_FIOSETOWN, _SIOCSPGRP)))
    return b"".join([*rules, _stmt(_RETURN, _ALLOW)])


def nofork_program(arch: str | None = None) -> bytes:
    """Threads yes, new processes no: for ``bwrap --seccomp`` around a fresh worker."""
    return _program(None, arch or _native())


def child_program(own_pid: int, arch: str | None = None) -> bytes:
    """The no-fork rules plus isolation from the zygote and sibling children."""
    return _program(own_pid, arch or _native())


def _native() -> str:
    arch = native_arch()
    if arch is None:
        raise OSError(f"no seccomp filter for {platform.machine()}")
    return arch


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install(program: bytes) -> None:
    """Apply ``program`` to the calling thread (and its future threads) for good."""
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.addressof(buffer))
    pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2
    if (
        libc.prctl(
            pr_set_no_new_privs, ctypes.c_ulong(1), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)
        )
        != 0
    ):
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if (
        libc.prctl(
            pr_set_seccomp,
            ctypes.c_ulong(seccomp_mode_filter),
            ctypes.byref(fprog),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
        )
        != 0
    ):
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
