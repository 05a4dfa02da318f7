"""Seccomp filters for workers (x86_64): threads yes, new processes no, neighbours untouchable.

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
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

_LOAD_WORD, _JUMP_EQ, _JUMP_GE, _JUMP_SET, _RETURN = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _KILL, _ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
_AUDIT_ARCH_X86_64 = 0xC000003E
_X32_BIT = 0x40000000
_CLONE_THREAD = 0x00010000
# Offsets into struct seccomp_data: nr at 0, arch at 4, args[i] (low word) at 16 + 8 i.
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24

# x86_64 system call numbers
_CLONE, _FORK, _VFORK, _CLONE3 = 56, 57, 58, 435
_KILL_SYS, _TKILL, _TGKILL, _SIGQUEUE, _TGSIGQUEUE = 62, 200, 234, 129, 297
_FCNTL, _IOCTL = 72, 16
_NEIGHBOUR_CALLS = {
    101: "ptrace",
    310: "process_vm_readv",
    311: "process_vm_writev",
    312: "kcmp",
    434: "pidfd_open",
    424: "pidfd_send_signal",
    438: "pidfd_getfd",
    272: "unshare",
    308: "setns",
    29: "shmget",
    64: "semget",
    68: "msgget",
    _TKILL: "tkill",
    256: "migrate_pages",
    279: "move_pages",
    440: "process_madvise",
    448: "process_mrelease",
    274: "get_robust_list",
    298: "perf_event_open",
    248: "add_key",
    249: "request_key",
    250: "keyctl",
    240: "mq_open",
    241: "mq_unlink",
    253: "inotify_init",
    294: "inotify_init1",
    300: "fanotify_init",
}
# Calls whose first argument is the pid they act on: only 0 (the caller) or the caller's pid.
_SELF_ONLY = {
    302: "prlimit64",
    144: "sched_setscheduler",
    142: "sched_setparam",
    314: "sched_setattr",
    203: "sched_setaffinity",
}
# Calls taking (which, who): only which == "a process" and who == 0 or the caller's pid.
_SETPRIORITY, _IOPRIO_SET = 141, 251
_PRIO_PROCESS, _IOPRIO_WHO_PROCESS = 0, 1
_F_SETOWN, _F_SETSIG, _F_SETOWN_EX = 8, 10, 15
_FIOSETOWN, _SIOCSPGRP = 0x8901, 0x8902


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


def supported() -> bool:
    return platform.machine() == "x86_64"


def _program(own_pid: int | None) -> bytes:
    rules = [
        _stmt(_LOAD_WORD, _ARCH),
        _jump(_JUMP_EQ, _AUDIT_ARCH_X86_64, 1, 0),
        _stmt(_RETURN, _KILL),
        _stmt(_LOAD_WORD, _NR),
        _jump(_JUMP_GE, _X32_BIT, 0, 1),
        _deny(errno.EAGAIN),
        *_when(_FORK, [_deny(errno.EAGAIN)]),
        *_when(_VFORK, [_deny(errno.EAGAIN)]),
        *_when(_CLONE3, [_deny(errno.ENOSYS)]),
        *_when(
            _CLONE,
            [
                _stmt(_LOAD_WORD, _ARG0),
                _jump(_JUMP_SET, _CLONE_THREAD, 1, 0),
                _deny(errno.EAGAIN),
                _stmt(_RETURN, _ALLOW),
            ],
        ),
    ]
    if own_pid is not None:
        for nr in _NEIGHBOUR_CALLS:
            rules += _when(nr, [_deny(errno.EPERM)])
        own = [
            _stmt(_LOAD_WORD, _ARG0),
            _jump(_JUMP_EQ, own_pid, 0, 1),
            _stmt(_RETURN, _ALLOW),
            _deny(errno.EPERM),
        ]
        for nr in (_KILL_SYS, _TGKILL, _SIGQUEUE, _TGSIGQUEUE):
            rules += _when(nr, own)
        for nr in _SELF_ONLY:
            rules += _when(nr, _self_only(own_pid, _ARG0))
        rules += _when(_SETPRIORITY, _process_only(_PRIO_PROCESS, own_pid))
        rules += _when(_IOPRIO_SET, _process_only(_IOPRIO_WHO_PROCESS, own_pid))
        rules += _when(_FCNTL, _refuse_values(_ARG1, (_F_SETOWN, _F_SETSIG, _F_SETOWN_EX)))
        rules += _when(_IOCTL, _refuse_values(_ARG1, (_FIOSETOWN, _SIOCSPGRP)))
    return b"".join([*rules, _stmt(_RETURN, _ALLOW)])


def nofork_program() -> bytes:
    """Threads yes, new processes no: for ``bwrap --seccomp`` around a fresh worker."""
    return _program(None)


def child_program(own_pid: int) -> bytes:
    """The no-fork rules plus isolation from the zygote and sibling children."""
    return _program(own_pid)


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
