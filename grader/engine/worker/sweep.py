"""The end of a run: kill every process this run started, and nothing else (:func:`become_subreaper`,
:func:`kill_descendants`: docs/sandbox.md, "What is handed out holds no answer"). No uid, name or
group is involved: another run or anything else of uid 65534 on the machine is out of its reach.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from pathlib import Path

from grader.sandboxed import ended_children

PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>
GONE = ("Z", "X")  # zombie, dead: nothing left to kill


def become_subreaper() -> bool:
    """Orphans of this process's descendants re-parent to it; False where Linux refuses."""
    try:
        return bool(ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _parent_and_state(pid: int) -> tuple[int, str] | None:
    """``/proc/<pid>/stat``'s ppid and state; None when the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # the command name may hold spaces and ")"
    return int(fields[1]), fields[0]


def descendants(root: int | None = None) -> list[int]:
    """Live (not zombie) processes below ``root`` (this process by default)."""
    root = os.getpid() if root is None else root
    children: dict[int, list[int]] = {}
    alive: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _parent_and_state(int(entry.name))
            if found:
                children.setdefault(found[0], []).append(int(entry.name))
                if found[1] not in GONE:
                    alive.add(int(entry.name))
    below, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        below.append(pid)
        todo += children.get(pid, [])
    return sorted(pid for pid in below if pid in alive)


def _is_below(pid: int, root: int) -> bool:
    """Whether ``root`` is among ``pid``'s ancestors (its parent links read now)."""
    while pid > 1:
        found = _parent_and_state(pid)
        if found is None:
            return False
        pid = found[0]
        if pid == root:
            return True
    return False


def _kill(pid: int, root: int) -> None:
    """SIGKILL ``pid`` if, once a pidfd pins it, it is still below ``root``."""
    try:
        handle = os.pidfd_open(pid)
    except OSError:
        return  # gone already
    try:
        if _is_below(pid, root):
            signal.pidfd_send_signal(handle, signal.SIGKILL)
    except OSError:
        pass
    finally:
        os.close(handle)


def kill_descendants(patience: float) -> list[int]:
    """SIGKILL this process's descendants until none is left; those still there after
    ``patience`` seconds. Each round kills every process seen, so one that keeps forking
    loses: its children re-parent here (subreaper) and fall in the next round."""
    root = os.getpid()
    deadline = time.monotonic() + patience
    while True:
        alive = descendants(root)
        for pid in alive:
            _kill(pid, root)
        for _ in ended_children():  # collected: none is left a zombie
            pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.02)
