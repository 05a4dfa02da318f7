"""What /proc says of the workers: a process's descendants and its pids in each namespace (the
zygote's children found), and the CPU time a live process has used, by the kernel's count."""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:
        try:
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except (OSError, ValueError):
            pass
    return found


def descendants(root: int) -> list[int]:
    """``root`` and every process under it."""
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += children(pid)
    return found


def ns_pids(pid: int) -> list[int]:
    """The pids a process has in each pid namespace from this one inward (``NSpid``)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("NSpid:"):
                return [int(p) for p in line.split()[1:]]
    except (OSError, ValueError):
        pass
    return []


def zygote_in(root: int) -> int | None:
    """The zygote's pid among ``root`` and its descendants: the first from the top whose command
    runs it (bwrap's command line names it too; the zygote's children, forks of it, are below it)."""
    for pid in descendants(root):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"grader.sandboxed.zygote" in argv and not argv[0].endswith(b"bwrap"):
            return pid
    return None


STAT_BYTES = 4096  # /proc/PID/stat is one line of ~300 bytes (comm is at most 16)


def cpu_seconds(stat_fd: int, thread_fds: tuple[int, ...] = ()) -> float | None:
    """CPU time (user + system, every thread) a live process has used, from its open
    ``/proc/PID/stat``: the kernel's count, which the process cannot change, and which a busy
    machine does not inflate. The descriptor stays bound to that process: once it is gone the
    read fails (None), whoever gets its pid next. Where ``thread_fds`` (each thread's
    ``/proc/PID/task/TID/schedstat``) cover every thread the process has, their nanosecond
    counts are summed instead: the tick count moves in 10 ms steps, as coarse as the work of a
    vectorised call on a million elements."""
    try:  # a pread, twice a probe: opening the file each time cost 2x (0.008 against 0.004 ms)
        fields = os.pread(stat_fd, STAT_BYTES, 0).rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticked = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15 of stat)
    if not thread_fds or int(fields[17]) != len(thread_fds):  # num_threads (field 20)
        return ticked
    try:
        return sum(int(os.pread(fd, STAT_BYTES, 0).split()[0]) for fd in thread_fds) / 1e9
    except (OSError, IndexError, ValueError):
        return ticked


def thread_schedstats(pid: int) -> tuple[int, ...]:
    """Descriptors of ``/proc/PID/task/TID/schedstat`` for each thread ``pid`` has now (a sealed
    worker starts no thread after: :mod:`grader.sandboxed.seccomp`), or () where unreadable."""
    fds: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            fds.append(os.open(f"/proc/{pid}/task/{tid}/schedstat", os.O_RDONLY))
    except OSError:
        for fd in fds:
            os.close(fd)
        return ()
    return tuple(fds)
