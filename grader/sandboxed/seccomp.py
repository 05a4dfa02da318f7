"""Seccomp filters for workers (x86_64, aarch64): one door out of a worker.

:func:`nofork_program` is what bubblewrap installs for a fresh worker (``--seccomp FD``) while
Python and torch start: a deny-list of new processes (root is not bound by RLIMIT_NPROC):
``fork`` and ``vfork`` fail with EAGAIN, ``clone3`` with ENOSYS (glibc then falls back to
``clone``), ``clone`` is allowed only with ``CLONE_THREAD``; io_uring is refused (ENOSYS), whose
rings run reads, writes and opens that no filter sees.

:func:`worker_program` is what every worker installs on itself just before the submission's
first line runs (:func:`grader.sandboxed.worker.seal`), after its own threads (the watchdog)
have started: an **allow-list**, default deny (ENOSYS, so that a library falls back as on an
old kernel), as isolate and DMOJ do. Two workers alive at once share the machine's inodes (the
venv, ``/usr``, ``grader/`` bound read-only) and its page cache, and every call that lets one
leave a mark on a shared object another can read is a channel between classmates, or from a
hidden probe's worker to the public worker of the same task: file locks (``fcntl``'s
``F_SETLK*``/``F_GETLK``/``F_OFD_*``, ``flock``), leases, ``F_NOTIFY``, inotify/fanotify,
``mincore``, ``preadv2`` (``RWF_NOWAIT`` says whether a page is cached), ``fadvise64``,
``readahead`` and ``madvise``'s page-outs; global counters another worker moves (``sysinfo``'s
free memory, ``statfs``). None is listed; nor are new processes (``fork``,
``vfork``, ``clone``, ``clone3``, ``execve``), new threads (EAGAIN: Python raises
RuntimeError), sockets, System V and POSIX IPC, keyrings, namespaces, ``ptrace`` and
``process_vm_*``, ``pidfd_*``, ``kcmp``, ``perf_event_open``, ``bpf``, ``userfaultfd``.

What is listed was found by tracing workers (``strace -f`` of ``grade solutions/``,
``grade exercises/`` and a batch of 228 corpus modules, correct and mistaken: every call
after the filter's install) plus the calls Python's runtime makes on paths the suites did
not take (``getrandom``, ``sched_getaffinity``, ``uname``, ``nanosleep``, ``poll``...), each
about the calling process or a descriptor it opened. Three take arguments the filter checks:
``fcntl`` only descriptor flags and duplication, ``ioctl`` only a terminal's queries
(``isatty``), ``prctl`` only a thread's own name and dumpability reads, ``madvise`` only advice
about the caller's own mappings. Calls that act on a process (signals, limits, priority,
scheduling, CPUs) may aim only at the caller itself (pid 0 or its own pid: the filter is built
after the fork, so it knows that pid), ``setpriority``/``ioprio_set`` only at a process, never
a group or a uid. A GPU worker's driver talks to its device through ``ioctl``: there any
command passes (its CUDA context and autograd threads start before the install).

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
from collections.abc import Callable

_LOAD_WORD, _JUMP_EQ, _JUMP_GE, _JUMP_SET, _RETURN = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _KILL, _ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
# The architectures the filters claim: their AUDIT_ARCH_* token (libseccomp's SCMP_ARCH_* too)
# and whether the x32 ABI shares it (x86_64: calls numbered from 0x40000000, refused).
ARCHES = {"x86_64": (0xC000003E, True), "aarch64": (0xC00000B7, False)}
_X32_BIT = 0x40000000
_CLONE_THREAD = 0x00010000
# Offsets into struct seccomp_data: nr at 0, arch at 4, args[i] (low word) at 16 + 8 i.
_NR, _ARCH, _ARG0, _ARG1, _ARG2 = 0, 4, 16, 24, 32

_IO_URING = ("io_uring_setup", "io_uring_enter", "io_uring_register")
# A worker's calls, the most frequent first (a filter is read top down on every call).
_PLAIN = (
    "futex", "clock_nanosleep", "clock_gettime", "read", "mmap", "mprotect", "brk", "write",
    "munmap", "newfstatat", "openat", "lseek", "close", "getdents64", "getcwd", "gettid", "getpid",
    "rt_sigprocmask", "rt_sigaction", "rt_sigreturn", "exit_group", "exit", "restart_syscall",
    "sched_yield", "mremap", "pread64", "readv", "writev", "fstat", "stat", "lstat", "statx",
    "access", "faccessat", "faccessat2", "readlink", "readlinkat", "open", "dup", "dup2", "dup3",
    "clock_getres", "gettimeofday", "time", "nanosleep", "times", "getrusage", "poll", "ppoll",
    "select", "pselect6", "sigaltstack", "getrandom", "uname", "getppid", "getuid",
    "geteuid", "getgid", "getegid", "getgroups", "getresuid", "getresgid", "sched_getaffinity",
    "sched_getparam", "sched_getscheduler", "sched_getattr", "sched_get_priority_max",
    "sched_get_priority_min", "getpriority", "ioprio_get", "set_robust_list", "rseq",
    "set_tid_address", "arch_prctl", "getcpu",
    "setitimer", "getitimer", "alarm",  # the caller's own timers: nothing another worker can name
)  # fmt: skip
_SIGNALS = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")  # only to the caller itself
# Calls whose first argument is the pid they act on: only 0 (the caller) or the caller's pid.
_SELF_ONLY = ("prlimit64", "sched_setscheduler", "sched_setparam", "sched_setattr", "sched_setaffinity")
# Calls taking (which, who): only which == "a process" and who == 0 or the caller's pid.
_PRIO_PROCESS, _IOPRIO_WHO_PROCESS = 0, 1
# fcntl: F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC, F_GETPIPE_SZ; never the
# locks (5-7, 36-38), owners and signals (8-11, 15, 16), leases and notify (1024-1026), seals.
_FCNTL = (0, 1, 2, 3, 4, 1030, 1032)
_IOCTL = (0x5401, 0x5413, 0x541B, 0x5450, 0x5451)  # TCGETS, TIOCGWINSZ, FIONREAD, FIONCLEX, FIOCLEX
_PRCTL = (3, 15, 16)  # PR_GET_DUMPABLE, PR_SET_NAME and PR_GET_NAME (the thread's own name)
# madvise: NORMAL, RANDOM, SEQUENTIAL, WILLNEED, DONTNEED, FREE, DONTFORK, DOFORK, (NO)HUGEPAGE,
# DONTDUMP, DODUMP: never COLD/PAGEOUT (evict shared page cache), REMOVE, MERGEABLE (KSM), POPULATE
_MADVISE = (0, 1, 2, 3, 4, 8, 10, 11, 14, 15, 16, 17)
_NO_PROCESS = ("fork", "vfork", "clone3", "clone")
_NAMES = (
    *_PLAIN, *_SIGNALS, *_SELF_ONLY, *_IO_URING, *_NO_PROCESS, "fcntl", "ioctl", "prctl", "madvise",
    "setpriority", "ioprio_set",
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


def _allow_values(offset: int, values: tuple[int, ...], err: int) -> list[bytes]:
    """Allow when the argument at ``offset`` is one of ``values``; refuse with ``err`` otherwise."""
    body = [_stmt(_LOAD_WORD, offset)]
    for value in values:
        body += [_jump(_JUMP_EQ, value, 0, 1), _stmt(_RETURN, _ALLOW)]
    return body + [_deny(err)]


def native_arch() -> str | None:
    """The running machine's architecture when the filters claim it."""
    machine = platform.machine()
    return machine if machine in ARCHES else None


def supported() -> bool:
    """Whether the filters can be built here: a claimed architecture, and libseccomp to number
    the calls (resolved now, with the pid-free part of the worker's filter and the C library's
    handle, so that a process that forks children has them ready: ~1 ms a child)."""
    arch = native_arch()
    if arch is None or _libseccomp() is None:
        return False
    _plain_rules(arch)
    _libc()
    return True


def _preamble(arch: str) -> list[bytes]:
    """Another ABI is killed; x86_64's x32 calls (numbered from 0x40000000) are refused."""
    token, x32 = ARCHES[arch]
    return [
        _stmt(_LOAD_WORD, _ARCH),
        _jump(_JUMP_EQ, token, 1, 0),
        _stmt(_RETURN, _KILL),
        _stmt(_LOAD_WORD, _NR),
        *([_jump(_JUMP_GE, _X32_BIT, 0, 1), _deny(errno.EAGAIN)] if x32 else []),
    ]


def _rules(arch: str) -> Callable[[str, list[bytes]], list[bytes]]:
    """``when(name, body)`` for ``arch``: run ``body`` on that call; nothing where it is absent."""
    calls = numbers(arch)

    def when(name: str, body: list[bytes]) -> list[bytes]:
        return _when(calls[name], body) if name in calls else []

    return when


def nofork_program(arch: str | None = None) -> bytes:
    """Threads yes, new processes no, no io_uring: for ``bwrap --seccomp`` around a fresh
    worker while Python and torch start (the worker seals itself before the submission runs)."""
    arch = arch or _native()
    when = _rules(arch)
    rules = [
        *_preamble(arch),
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
    return b"".join([*rules, _stmt(_RETURN, _ALLOW)])


@functools.cache
def _plain_rules(arch: str) -> bytes:
    """The part of :func:`worker_program` that names no pid: built once, in the zygote (a child
    pays only for the rest)."""
    when = _rules(arch)
    rules = _preamble(arch)
    for name in _PLAIN:
        rules += when(name, [_stmt(_RETURN, _ALLOW)])
    for name in ("fork", "vfork", "clone"):  # no process, and no thread once the submission runs
        rules += when(name, [_deny(errno.EAGAIN)])
    for name in ("clone3", *_IO_URING):  # ENOSYS: glibc falls back to clone, a library to plain calls
        rules += when(name, [_deny(errno.ENOSYS)])
    return b"".join(rules)


def worker_program(own_pid: int, arch: str | None = None, gpu: bool = False) -> bytes:
    """The allow-list a worker installs before its submission runs: what the worker needs, and
    nothing two workers could both name. ``gpu``: any ``ioctl`` (the device driver's)."""
    arch = arch or _native()
    when = _rules(arch)
    rules = [_plain_rules(arch)]
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
    rules += when("fcntl", _allow_values(_ARG1, _FCNTL, errno.EPERM))
    rules += when("ioctl", [_stmt(_RETURN, _ALLOW)] if gpu else _allow_values(_ARG1, _IOCTL, errno.ENOTTY))
    rules += when("prctl", _allow_values(_ARG0, _PRCTL, errno.EPERM))
    rules += when("madvise", _allow_values(_ARG2, _MADVISE, errno.EPERM))
    return b"".join([*rules, _deny(errno.ENOSYS)])


def _native() -> str:
    arch = native_arch()
    if arch is None:
        raise OSError(f"no seccomp filter for {platform.machine()}")
    return arch


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def install(program: bytes) -> None:
    """Apply ``program`` to the calling thread (and its future threads) for good."""
    libc = _libc()
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
