"""The seal's policy, declared once as data (after nsjail's config): each seccomp filter's calls
and argument rules, the sandbox's mounts, namespaces and environment, and the resource limit each
worker option sets. Who reads it, and how the allow-list was found: docs/sandbox.md, "The seal as
declared". Plain data: it runs inside the sandbox too, so it imports nothing of grader; a limit
names its default in ``grader.base.defaults`` (the value's one home).
"""

from __future__ import annotations

from dataclasses import dataclass

PID = -1  # in Arg.values: the caller's own pid (each filter is built after the fork)
ALLOW = "allow"  # a verdict; any other is the name of the errno the call fails with


@dataclass(frozen=True)
class Arg:
    """A condition on argument ``index``: one of ``values``, or (``bit``) ``values[0]`` set."""

    index: int
    values: tuple[int, ...]
    bit: bool = False


@dataclass(frozen=True)
class Rule:
    """``calls`` get ``verdict`` when every ``args`` condition holds, else ``otherwise``;
    ``gpu``: a GPU worker's verdict for them, whatever the arguments."""

    calls: tuple[str, ...]
    verdict: str
    why: str
    args: tuple[Arg, ...] = ()
    otherwise: str = ""
    gpu: str = ""


@dataclass(frozen=True)
class Filter:
    name: str
    default: str  # the verdict of a call no rule names
    rules: tuple[Rule, ...]
    why: str


IO_URING = Rule(
    ("io_uring_setup", "io_uring_enter", "io_uring_register"),
    "ENOSYS",
    "its rings run reads, writes and opens no filter sees (ENOSYS: a library falls back)",
)
# A worker's calls, the most frequent first (a filter is read top down on every call).
PLAIN = (
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
)  # fmt: skip
_PRIO_PROCESS, _IOPRIO_WHO_PROCESS, _CLONE_THREAD = 0, 1, 0x00010000
_SELF = Arg(0, (0, PID))

# Fresh workers, from bwrap (``--seccomp``) while Python and torch start: threads, no process.
NOFORK = Filter(
    "nofork",
    ALLOW,
    (
        Rule(("fork", "vfork"), "EAGAIN", "no new process (root is not bound by RLIMIT_NPROC)"),
        Rule(("clone3",), "ENOSYS", "glibc falls back to clone"),
        Rule(("clone",), ALLOW, "threads only", (Arg(0, (_CLONE_THREAD,), bit=True),), "EAGAIN"),
        IO_URING,
    ),
    "a fresh worker while Python and torch start (bwrap --seccomp)",
)

# Every worker, just before the submission's first line: an allow-list, default deny (ENOSYS, so
# that a library falls back as on an old kernel). Nothing two workers alive at once could both
# name is listed (docs/sandbox.md: locks, leases, notify, the page cache, global counters).
WORKER = Filter(
    "worker",
    "ENOSYS",
    (
        Rule(PLAIN, ALLOW, "the process's own memory, descriptors, clocks and identity"),
        Rule(("setitimer", "getitimer", "alarm"), ALLOW, "the caller's own timers: nothing another worker names"),
        Rule(("fork", "vfork", "clone"), "EAGAIN", "no process, and no thread once the submission runs"),
        Rule(("clone3",), "ENOSYS", "glibc falls back to clone (refused)"),
        IO_URING,
        Rule(
            ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"),
            ALLOW,
            "signals to the caller itself",
            (Arg(0, (PID,)),),
            "EPERM",
        ),
        Rule(
            ("prlimit64", "sched_setscheduler", "sched_setparam", "sched_setattr", "sched_setaffinity"),
            ALLOW,
            "limits and scheduling of the caller itself (pid 0 or its own)",
            (_SELF,),
            "EPERM",
        ),
        Rule(("setpriority",), ALLOW, "PRIO_PROCESS of the caller itself", (Arg(0, (_PRIO_PROCESS,)), Arg(1, (0, PID))), "EPERM"),
        Rule(("ioprio_set",), ALLOW, "IOPRIO_WHO_PROCESS of the caller itself", (Arg(0, (_IOPRIO_WHO_PROCESS,)), Arg(1, (0, PID))), "EPERM"),
        Rule(
            ("fcntl",),
            ALLOW,
            "F_DUPFD, F_GETFD/SETFD, F_GETFL/SETFL, F_DUPFD_CLOEXEC, F_GETPIPE_SZ; never locks, "
            "owners and signals, leases, notify, seals",
            (Arg(1, (0, 1, 2, 3, 4, 1030, 1032)),),
            "EPERM",
        ),
        Rule(
            ("ioctl",),
            ALLOW,
            "a terminal's queries: TCGETS, TIOCGWINSZ, FIONREAD, FIONCLEX, FIOCLEX (isatty)",
            (Arg(1, (0x5401, 0x5413, 0x541B, 0x5450, 0x5451)),),
            "ENOTTY",
            gpu=ALLOW,  # the device driver's commands (its CUDA context starts before the install)
        ),
        Rule(("prctl",), ALLOW, "PR_GET_DUMPABLE, PR_SET_NAME, PR_GET_NAME", (Arg(0, (3, 15, 16)),), "EPERM"),
        Rule(
            ("madvise",),
            ALLOW,
            "advice about the caller's own mappings; never COLD/PAGEOUT (they evict shared page "
            "cache), REMOVE, MERGEABLE, POPULATE",
            (Arg(2, (0, 1, 2, 3, 4, 8, 10, 11, 14, 15, 16, 17)),),
            "EPERM",
        ),
    ),
    "every worker, just before the submission's first line (worker.seal)",
)  # fmt: skip
FILTERS = (NOFORK, WORKER)

ROOT = "/opt/torchgrade"  # the grader package and the datasets appear here
SUBMISSION = "/submission"
NOBODY = "65534"


@dataclass(frozen=True)
class Mount:
    """One of bubblewrap's mount options: ``--<kind> [source] target``. A source in braces is the
    machine's (``{python}``, ``{grader}``, ``{datasets}``, ``{submission}``); ``who``: every
    sandbox, the zygote's, a fresh worker's, or a GPU worker's."""

    kind: str
    target: str
    source: str = ""
    perms: str = ""
    size: int = 0
    who: str = "all"
    why: str = ""


MOUNTS = (
    Mount("ro-bind", "/usr", "/usr", why="the system's programs and libraries"),
    Mount("symlink", "/lib", "usr/lib"),
    Mount("symlink", "/lib64", "usr/lib64"),
    Mount("symlink", "/bin", "usr/bin"),
    Mount("symlink", "/sbin", "usr/sbin"),
    Mount("ro-bind", "/etc", "/etc", why="the C library's configuration"),
    Mount("tmpfs", "/tmp", perms="1777", size=256 << 20, why="a fresh worker's own; the zygote's read-only"),
    Mount("ro-bind", "{python}", "{python}", why="each Python prefix outside /usr (the venv)"),
    Mount("ro-bind", ROOT + "/grader", "{grader}", why="the grader package"),
    Mount("ro-bind", ROOT + "/datasets", "{datasets}", why="the exercises' data, where there is some"),
    Mount("ro-bind", SUBMISSION, "{submission}", who="fresh", why="the one staged submission"),
    Mount("dir", SUBMISSION, who="zygote", why="empty: a child reads its files from memory"),
    Mount("proc", "/proc", why="its own pid namespace's"),
    Mount("dev", "/dev", why="null, zero, random, urandom, tty"),
    Mount("tmpfs", "/dev/shm", perms="1777", size=64 << 20),
    Mount("dev-bind", "/dev/nvidia*", "/dev/nvidia*", who="gpu", why="the NVIDIA device nodes"),
    Mount("ro-bind", "/sys", "/sys", who="gpu", why="the driver reads the device's topology"),
    Mount("remount-ro", "/tmp", who="zygote", why="its children share it"),
    Mount("remount-ro", "/dev/shm", who="zygote"),
    Mount("remount-ro", "/", who="zygote", why="last: every bind above needs its mount point made"),
)
# New namespaces (the user namespace too where bwrap runs unprivileged), then the process's.
NAMESPACES = ("net", "pid", "ipc", "uts", "cgroup-try")
PROCESS = ("die-with-parent", "new-session", "clearenv")
# glibc's malloc keeps a freed block of up to 32 MiB for the next allocation (its heap trimmed past
# 64 MiB free): large tensors (a vectorised check's 2^20 elements) then reuse pages instead of
# faulting in fresh zeroed ones at each allocation, ~3,000 faults a call where the adaptive
# threshold gave them back. The workers read it from ENV, the trusted side sets it (grader/engine/worker/allocator.py).
MALLOC_KEPT = {"mmap_threshold": 32 << 20, "trim_threshold": 64 << 20}
ENV = (
    ("PATH", "/usr/bin:/bin"),
    ("HOME", "/tmp"),
    ("PYTHONPATH", ROOT),
    ("PYTHONDONTWRITEBYTECODE", "1"),
    ("OMP_NUM_THREADS", "1"),
    ("MKL_NUM_THREADS", "1"),
    ("OPENBLAS_NUM_THREADS", "1"),
    ("GLIBC_TUNABLES", ":".join(f"glibc.malloc.{name}={value}" for name, value in MALLOC_KEPT.items())),
)
WORKDIR = "/tmp"
# root -> uid 65534 with no capabilities, for good (inside bwrap, and in the fallback without it)
DROP_TO_NOBODY = (
    "setpriv",
    f"--reuid={NOBODY}",
    f"--regid={NOBODY}",
    "--clear-groups",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--no-new-privs",
)


@dataclass(frozen=True)
class Limit:
    """A worker's option, the resource limit it sets (value << ``shift``) and its default's name
    in ``grader.base.defaults``; ``unprivileged``: root is not bound by it (seccomp stops forks there)."""

    option: str
    rlimit: str
    default: str
    shift: int = 0
    unprivileged: bool = False


LIMITS = (
    Limit("memory_mb", "RLIMIT_DATA", "MEMORY_MB", 20),
    Limit("cpu_seconds", "RLIMIT_CPU", "CPU_SECONDS"),
    Limit("file_size_mb", "RLIMIT_FSIZE", "FILE_SIZE_MB", 20),
    Limit("threads", "RLIMIT_NPROC", "THREADS", unprivileged=True),
)
NO_CORE = "RLIMIT_CORE"  # 0: no core file


def calls(filter_: Filter) -> tuple[str, ...]:
    """Every call ``filter_`` names, in its order."""
    return tuple(name for rule in filter_.rules for name in rule.calls)
