"""No child reaches another process: the calls the kernel lets one uid aim at another
(limits, priority, scheduling, CPUs, I/O priority) are refused, and a zygote whose settings
changed anyway is replaced before it forks a poisoned child."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest
from helpers import REPO, run_grade
from planted import unheld

from grader.engine.subset import submission as subset
from grader.engine.worker import proc, workers  # noqa: F401  (workers: read by pytestmark's text)
from grader.sandboxed import seccomp  # noqa: F401  (read by pytestmark's text)

pytestmark = [  # conditions as text: evaluated when a test runs, so collecting starts no zygote
    pytest.mark.skipif("workers.fork_server(False) is None", reason="the zygote cannot run here"),
    pytest.mark.skipif("not seccomp.supported()", reason="the child's filter is x86_64 only"),
]

# Each attack aims at the zygote (the child's parent), which every later child inherits from.
POISON = unheld(
    """
import ctypes, errno, os, resource

_libc = ctypes.CDLL(None, use_errno=True)

def _refused(action):
    try:
        result = action()
    except OSError as exc:
        return exc.errno in (errno.EPERM, errno.EACCES, errno.ESRCH, errno.ENOSYS)
    refusals = (errno.EPERM, errno.EACCES, errno.ESRCH, errno.ENOSYS)  # ENOSYS: not on the allow-list
    return isinstance(result, int) and result < 0 and ctypes.get_errno() in refusals

def poison(x, zygote):
    cpus = sorted(os.sched_getaffinity(0))
    return {
        "prlimit64": _refused(lambda: resource.prlimit(zygote, resource.RLIMIT_DATA, (64 << 20, 64 << 20))),
        "prlimit64 read": _refused(lambda: resource.prlimit(zygote, resource.RLIMIT_DATA)),
        "setpriority": _refused(lambda: os.setpriority(os.PRIO_PROCESS, zygote, 19)),
        "setpriority group": _refused(lambda: os.setpriority(os.PRIO_PGRP, 0, 19)),
        "setpriority uid": _refused(lambda: os.setpriority(os.PRIO_USER, os.getuid(), 19)),
        "sched_setscheduler": _refused(
            lambda: os.sched_setscheduler(zygote, os.SCHED_IDLE, os.sched_param(0))),
        "sched_setparam": _refused(lambda: os.sched_setparam(zygote, os.sched_param(0))),
        "sched_setattr": _refused(lambda: _libc.syscall(314, zygote, None, 0)),
        "sched_setaffinity": _refused(lambda: os.sched_setaffinity(zygote, cpus[:1])),
        "ioprio_set": _refused(lambda: _libc.syscall(251, 1, zygote, 3 << 13)),
        "ioprio_set group": _refused(lambda: _libc.syscall(251, 2, 0, 3 << 13)),
        "migrate_pages": _refused(lambda: _libc.syscall(256, zygote, 64, None, None)),
        "move_pages": _refused(lambda: _libc.syscall(279, zygote, 0, None, None, None, 0)),
        "get_robust_list": _refused(lambda: _libc.syscall(274, zygote, None, None)),
        "keyctl": _refused(lambda: _libc.syscall(250, 0, -4, 0)),
        "own limits": not _refused(lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0))),
        "own priority": not _refused(lambda: os.setpriority(os.PRIO_PROCESS, 0, 1)),
        "own affinity": not _refused(lambda: os.sched_setaffinity(0, cpus)),
    }
"""
)

HONEST = """
import torch

def total(x):
    return float(torch.arange(4.0).sum())
"""


def probe_call(mod, name, *args):
    return getattr(mod, name)(None, *args)


def zygote_pid(server: workers.ForkServer) -> int:
    """The zygote's pid as this (trusted) side sees it: bwrap's grandchild, or the process itself."""
    assert server.process is not None
    pids = {server.process.pid}
    while True:
        for pid in list(pids):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"grader.sandboxed.zygote" in cmdline and b"bwrap" not in cmdline.split(b"\0")[0]:
                return pid
        children = set()
        for pid in pids:
            for task in Path(f"/proc/{pid}/task").iterdir():
                children |= {int(p) for p in (task / "children").read_text().split()}
        assert children, "no zygote process found"
        pids = children


@pytest.mark.engine
def test_a_child_cannot_change_the_zygotes_limits_priority_or_cpus(session_for):
    attacker = session_for(POISON, timeout=10.0)
    # The zygote's pid in its own namespace: the child, pid 1 of a namespace of its own, cannot name it
    zygote = proc.ns_pids(zygote_pid(workers.fork_server(False)))[-1]
    results = attacker.run(probe_call, "poison", zygote)
    assert all(results.values()), {k: v for k, v in results.items() if not v}
    honest = session_for(HONEST, timeout=30.0)
    assert honest.run(probe_call, "total") == 6.0


@pytest.mark.engine
def test_a_zygote_whose_settings_changed_is_replaced(session_for):
    first = session_for(HONEST, timeout=30.0)
    assert first.run(probe_call, "total") == 6.0
    first.close()
    server = workers.fork_server(False)
    pid = zygote_pid(server)
    # As a poisoner would have done on main (this root lacks CAP_SYS_RESOURCE, so not its limits):
    os.setpriority(os.PRIO_PROCESS, pid, 19)
    honest = session_for(HONEST, timeout=30.0)
    assert honest.run(probe_call, "total") == 6.0, "a child of a replaced zygote"
    assert workers.fork_server(False) is not server
    assert zygote_pid(workers.fork_server(False)) != pid


POISONER_MODULE = (
    POISON
    + """
import os as _os

_poisoned = poison(None, _os.getppid() or 2)  # in a pid namespace of its own: bubblewrap names the zygote 2
"""
)


@pytest.mark.e2e
def test_a_poisoner_in_a_batch_leaves_classmates_their_scores(tmp_path):
    """The poisoner is graded first; every later classmate keeps the full score."""
    submissions = tmp_path / "class"
    for name in ("a_poisoner", "b_honest", "c_honest"):
        (submissions / name).mkdir(parents=True)
        shutil.copy(REPO / "solutions" / "losses.py", submissions / name / "losses.py")
    with (submissions / "a_poisoner" / "losses.py").open("a") as f:
        f.write(POISONER_MODULE)
    out = tmp_path / "out"
    done = run_grade(  # the zygote must hold on its own: the subset's check would refuse the poisoner
        "batch",
        str(submissions),
        "--out",
        str(out),
        "--timeout",
        "10",
        "--workers",
        "1",
        "--topic",
        "losses",
        env={subset.UNCHECKED: "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    full = float(rows["a_poisoner"]["max"])
    assert full > 0
    for name in ("b_honest", "c_honest"):
        assert float(rows[name]["total"]) == full, (name, rows[name])
