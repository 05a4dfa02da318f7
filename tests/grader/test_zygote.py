"""The zygote's seal: each test is a submission that attacks it and must affect only itself.

Threat model (docs/sandbox.md): children of one zygote share its uid and its filesystem
view; each is pid 1 of a pid namespace of its own, so the pids a test aims at (the
zygote's, a sibling's, as the zygote's namespace numbers them) name nothing there. Nothing a
child does may reach the zygote or another child: no signals, no ptrace or /proc/<pid>/mem, no
files, no state left for the next child.
"""

from __future__ import annotations

import json
import os
import select
import signal
import time

import pytest
import torch
from planted import unheld

from grader.engine.worker import proc, workers
from grader.engine.worker.problems import SubmissionError
from grader.engine.worker.sandbox import Limits, sandbox_status

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(workers.fork_server(False) is None, reason="the zygote cannot run here"),
]

ATTACKS = unheld(
    """
import ctypes, errno, fcntl, os, signal

libc = ctypes.CDLL(None, use_errno=True)

def refused(action):
    try:
        result = action()
    except OSError as exc:
        return exc.errno in (errno.EPERM, errno.EACCES, errno.EROFS, errno.ENOENT, errno.ESRCH, errno.ENOSYS)
    refusals = (errno.EPERM, errno.EACCES, errno.ESRCH, errno.ENOSYS)  # ENOSYS: not on the allow-list
    return result is not None and result < 0 and ctypes.get_errno() in refusals

def attack(x, pid, zygote):
    results = {}
    for name, target in (("zygote", zygote), ("sibling", pid)):
        if target is None:
            continue
        results[name] = {
            "kill": refused(lambda: os.kill(target, signal.SIGKILL)),
            "ptrace": refused(lambda: libc.ptrace(16, target, 0, 0)),
            "mem": refused(lambda: open(f"/proc/{target}/mem", "rb").read(1)),
            "environ": refused(lambda: open(f"/proc/{target}/environ", "rb").read(1)),
            "fd": refused(lambda: open(f"/proc/{target}/fd/0", "rb").read(1)),
            "setown": refused(lambda: fcntl.fcntl(0, fcntl.F_SETOWN, target)),
            "pidfd": refused(lambda: libc.syscall(434, target, 0)),
        }
    results["kill_all"] = refused(lambda: os.kill(-1, signal.SIGKILL))
    results["kill_group"] = refused(lambda: os.kill(0, signal.SIGKILL))
    results["vm_write"] = refused(lambda: libc.syscall(311, zygote, 0, 0, 0, 0, 0))
    results["unshare"] = refused(lambda: libc.unshare(0x10000000))
    results["shmget"] = refused(lambda: libc.shmget(0, 4096, 0o1666))
    return results

def my_pid(x):
    return os.getpid()

def wait(x):
    import time
    time.sleep(3600)
"""
)

POLLUTER = unheld(
    """
import os, signal, sys, threading, time, torch

class Forge(torch.overrides.TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))

def pollute(x):
    written = []
    for path in ("/tmp/planted", "/dev/shm/planted", "/planted", "/submission/planted",
                 os.path.expanduser("~/planted")):
        try:
            with open(path, "w") as f:
                f.write("answers")
            written.append(path)
        except OSError:
            pass
    torch.set_default_dtype(torch.float64)
    torch.set_default_device("meta")
    torch.allclose = lambda *a, **k: True
    torch.Tensor.__add__ = lambda self, other: self
    torch.utils._python_dispatch.TorchDispatchMode().__enter__()
    torch.set_grad_enabled(False)
    torch.manual_seed(1234)
    Forge().__enter__()
    sys.modules["planted"] = sys
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        threading.Thread(target=time.sleep, args=(3600,)).start()
    except RuntimeError:  # a sealed worker starts no thread
        pass
    return written
"""
)

INSPECT = unheld(
    """
import os, signal, sys, threading, torch

def inspect(x):
    return {
        "dtype": str(torch.get_default_dtype()),
        "device": str(torch.empty(1).device),
        "patched": type(torch.allclose).__name__ != "builtin_function_or_method"
                   or torch.equal(torch.ones(1) + torch.ones(1), torch.ones(1)),
        "dispatch_modes": len(torch.utils._python_dispatch._get_current_dispatch_mode_stack()),
        "submission_dir": sorted(os.listdir("/submission")) if os.path.isdir("/submission") else [],
        "grad": torch.is_grad_enabled(),
        "modes": torch._C._len_torch_function_stack(),
        "planted": "planted" in sys.modules,
        "sigterm": signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
        "threads": threading.active_count(),
        "files": [p for p in ("/tmp/planted", "/dev/shm/planted", "/planted", "/submission/planted",
                              os.path.expanduser("~/planted")) if os.path.exists(p)],
        "random": torch.rand(3),
    }
"""
)


def probe_call(mod, name, *args):
    return getattr(mod, name)(None, *args)


def test_children_are_forked_not_started(session_for):
    session = session_for(INSPECT, timeout=10.0)
    session.run(probe_call, "inspect")
    assert isinstance(session.worker, workers.ForkedWorker)


@pytest.mark.skipif(not sandbox_status()[0], reason="the seal needs the sandbox's unprivileged uid")
def test_a_child_cannot_touch_the_zygote_or_a_sibling(session_for):
    sibling = session_for(ATTACKS, timeout=10.0)
    sibling_pid = pid_of(sibling)
    attacker = session_for(ATTACKS, timeout=10.0)
    server = workers.fork_server(False)
    zygote_before = server.process.pid
    results = attacker.run(probe_call, "attack", sibling_pid, zygote_inner(server))
    assert all(results["zygote"].values()), results["zygote"]
    assert all(results["sibling"].values()), results["sibling"]
    assert all(v for k, v in results.items() if not isinstance(v, dict)), results
    assert pid_of(sibling) == sibling_pid, "the sibling lives on"
    assert workers.fork_server(False).process.pid == zygote_before, "the zygote lives on"


@pytest.mark.skipif(not sandbox_status()[0], reason="without the sandbox a child can write the host's /tmp")
def test_nothing_a_child_does_reaches_the_next_child(session_for):
    polluter = session_for(POLLUTER, timeout=10.0)
    written = polluter.run(probe_call, "pollute")
    polluter.close()
    assert written == [], f"the sandbox let a child write {written}"
    fresh = session_for(INSPECT, timeout=10.0)
    seen = fresh.run(probe_call, "inspect")
    assert seen["dtype"] == "torch.float32" and seen["grad"] is True and seen["modes"] == 0
    assert seen["device"] == "cpu" and not seen["patched"] and seen["dispatch_modes"] == 0
    assert seen["submission_dir"] == [], "submissions never touch the disk the workers share"
    assert not seen["planted"] and seen["sigterm"] and seen["files"] == []
    assert seen["threads"] == 2, "the main thread and the worker's watchdog only"
    torch.manual_seed(0)
    assert torch.equal(seen["random"], torch.rand(3)), "every probe starts from seed 0"


def test_a_dead_zygote_costs_the_check_in_flight_an_error_and_is_restarted(session_for):
    session = session_for(ATTACKS, timeout=30.0)
    assert isinstance(session.run(probe_call, "my_pid"), int)
    server = workers.fork_server(False)
    killer = os.fork()
    if killer == 0:  # kills the zygote while the probe waits
        time.sleep(1.0)
        os.killpg(server.process.pid, signal.SIGKILL)
        os._exit(0)
    started = time.monotonic()
    old_zygote = server.process.pid
    with pytest.raises(SubmissionError, match="worker process"):
        session.run(probe_call, "wait")
    os.waitpid(killer, 0)
    assert time.monotonic() - started < 10
    assert isinstance(session.run(probe_call, "my_pid"), int)
    assert workers.fork_server(False).process.pid != old_zygote


def test_stopping_a_child_whose_zygote_died_raises_nothing_and_closes_its_pipes(session_for):
    """A deadline that passes as the zygote dies: the kill order finds no zygote (its pid
    namespace took the child along), which is the child's end, not the grading process's crash."""
    session = session_for(ATTACKS, timeout=30.0)
    session.run(probe_call, "my_pid")
    worker = session.worker
    assert isinstance(worker, workers.ForkedWorker) and worker.server.process is not None
    os.killpg(worker.server.process.pid, signal.SIGKILL)
    worker.server.process.wait()
    gone, _, _ = select.select([worker.status_fd], [], [], 10)  # the zygote's end closed: it is gone
    assert gone
    assert session.stop() == -signal.SIGKILL
    for fd in (worker.request_fd, worker.results_fd, worker.status_fd):
        with pytest.raises(OSError):
            os.fstat(fd)
    assert isinstance(session.run(probe_call, "my_pid"), int), "the next probe gets a new zygote"


def test_a_child_whose_grading_process_died_is_killed(session_for):
    """Its worker, and the next task's it ordered meanwhile."""
    watcher = session_for(ATTACKS, timeout=10.0)
    watcher.run(probe_call, "my_pid")
    server = workers.fork_server(False)

    def pids():
        return sorted(server.children())

    time.sleep(0.5)  # the zygote has forked its spare
    before = pids()  # the watcher's child and the zygote's spare
    orphaned = session_for(ATTACKS, timeout=600.0)
    grader = os.fork()
    if grader == 0:  # a grading process that dies mid-probe
        try:
            orphaned.run(probe_call, "wait")
        finally:
            os._exit(0)
    time.sleep(2.0)
    assert len(pids()) > len(before)
    os.kill(grader, signal.SIGKILL)
    os.waitpid(grader, 0)
    deadline = time.monotonic() + 10
    while len(pids()) > len(before) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(pids()) == len(before), "the orphaned children are gone"


def test_a_closed_sessions_child_is_gone_and_close_does_not_wait_for_it(session_for):
    """A task's end dismisses its worker: the zygote kills and reaps it; the grading process
    does not wait for the zygote to say so."""
    server = workers.fork_server(False)
    closed = session_for(ATTACKS, timeout=10.0)
    pid = pid_of(closed)
    assert pid in server.children()
    started = time.monotonic()
    closed.close()
    assert time.monotonic() - started < 0.5
    deadline = time.monotonic() + 10
    while pid in server.children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid not in server.children(), "the closed session's child is gone"
    assert isinstance(session_for(ATTACKS, timeout=10.0).run(probe_call, "my_pid"), int)


NICE = unheld(
    """
import os

def me(x):
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)
"""
)


def pid_of(session) -> int:
    """The pid of the session's worker in the zygote's namespace (inside, every child is pid 1)."""
    session.run(probe_call, "my_pid")
    return session.worker.pid


def me(session) -> tuple[int, int]:
    """(the worker's pid in the zygote's namespace, its priority), of a NICE session."""
    _, nice = session.run(probe_call, "me")
    return session.worker.pid, nice


def zygote_inner(server: workers.ForkServer) -> int:
    """The zygote's pid in its own namespace: what its children would call it without one of their own."""
    server.children()  # finds the zygote
    assert server.zygote is not None
    return proc.ns_pids(server.zygote)[-1]


def waiting_children(server: workers.ForkServer, known: set[int]) -> dict[int, int]:
    """{pid in the zygote's namespace: host pid} of the zygote's children that serve no session."""
    return {inner: host for inner, host in server.children().items() if inner not in known}


def test_the_next_order_is_served_by_a_child_forked_before_it(session_for):
    first_pid, _ = me(session_for(NICE, timeout=10.0))
    time.sleep(0.5)
    waiting = waiting_children(workers.fork_server(False), {first_pid})
    assert len(waiting) == 1, f"one child forked ahead, isolated and waiting: {waiting}"
    second_pid, _ = me(session_for(NICE, timeout=10.0))
    assert second_pid in waiting, "the order went to the child forked before it"


def forked(work):
    """``work()``'s JSON answer, run in a process forked from this one, as a pool's grading
    process is: it shares this process's zygote."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            try:
                answer = work()
            except BaseException as exc:
                answer = {"error": repr(exc)}
            os.write(write_end, json.dumps(answer).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answers:
        data = answers.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def test_a_grading_process_finds_its_next_worker_booted_and_keeps_it_to_itself(session_for):
    """A pool's grading process orders the next task's worker while a task runs. Only that
    process takes it (not a process forked from it), and only with the same limits; a process
    that grades one run orders none."""
    server = workers.fork_server(False)
    more_memory = Limits(memory_mb=Limits().memory_mb + 256)

    def pid_of(limits: Limits | None = None) -> int:
        session = session_for(NICE, timeout=10.0)
        session.limits = limits or session.limits
        pid, _ = me(session)
        session.close()  # the next task's worker was ordered once this one had imported
        time.sleep(0.5)
        return pid

    def grading_process():
        workers.keep_workers_ahead()  # as a pool's grading process does when it starts
        # Waiting children after a task's end: the one it ordered (the zygote's spare until
        # then) and the zygote's new spare, forked after it (pids grow in the namespace).
        first = pid_of()
        after_first = sorted(waiting_children(server, {first}))
        second = pid_of()
        after_second = sorted(waiting_children(server, {second}))
        third = pid_of(more_memory)
        after_third = sorted(waiting_children(server, {third}))
        fork_of_it = forked(lambda: pid_of(more_memory))
        fourth = pid_of(more_memory)
        return {
            "after_first": after_first,
            "second": second,
            "after_second": after_second,
            "third": third,
            "after_third": after_third,
            "fork_of_it": fork_of_it,
            "fourth": fourth,
        }

    def one_run():
        first = pid_of()
        return sorted(waiting_children(server, {first}))

    assert len(forked(one_run)) == 1, "one run: only the zygote's spare waits"
    seen = forked(grading_process)
    assert "error" not in seen, seen
    assert len(seen["after_first"]) == 2, "the next task's worker was ordered during the task"
    assert seen["second"] == seen["after_first"][0], "the next task took it"
    ordered_for_the_fourth = seen["after_third"][0]
    assert seen["third"] != seen["after_second"][0], "other limits: another worker"
    assert seen["after_second"][0] not in seen["after_third"], "and the one ordered was killed"
    assert seen["fork_of_it"] != ordered_for_the_fourth, "a process forked from it did not take it"
    assert seen["fourth"] == ordered_for_the_fourth, "its own next task did"


def test_the_warm_engines_request_takes_the_worker_ordered_before_it_and_only_it(session_for):
    """The learner's warm engine (grader/serve.py) orders the next request's worker between
    requests; the process forked for a request takes that one (not another's: its parent's copy
    is closed, so the engine cannot hand it twice), and the engine orders a new one for the next."""
    server = workers.fork_server(False)

    def engine():
        workers.keep_workers_ahead()
        workers.keep_one_ahead(Limits(), False)
        time.sleep(0.5)
        ordered = workers._ahead[False]
        before = sorted(waiting_children(server, set()))  # the one ordered, then the zygote's spare

        def request():
            workers.adopt_ahead()
            return me(session_for(NICE, timeout=10.0))[0]

        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the request's process, as Server.start forks it
            try:
                os.write(write_end, json.dumps(request()).encode())
            except BaseException as exc:
                os.write(write_end, json.dumps(repr(exc)).encode())
            os._exit(0)
        workers.hand_over_ahead()
        os.close(write_end)
        with os.fdopen(read_end, "rb") as answer:
            took = json.loads(answer.read())
        os.waitpid(pid, 0)
        handed = {"fds_closed": all(_closed(fd) for fd in (ordered.request_fd, ordered.status_fd))}
        workers.keep_one_ahead(Limits(), False)
        time.sleep(0.5)
        waiting = sorted(waiting_children(server, {took}))
        nxt = me(session_for(NICE, timeout=10.0))[0]  # this process's own next task: the new order
        return {"before": before, "took": took, "waiting": waiting, "next": nxt, **handed}

    seen = forked(engine)
    assert "error" not in seen, seen
    assert seen["took"] == seen["before"][0], "the request took the worker ordered before it"
    assert seen["fds_closed"], "the engine's copies of the handed order are closed"
    assert seen["took"] not in seen["waiting"], "the request's worker is no longer waiting"
    assert seen["next"] == seen["waiting"][0] != seen["took"], "a new order for the next"


def _closed(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


@pytest.mark.skipif(not sandbox_status()[0], reason="the seal needs the sandbox's unprivileged uid")
def test_a_submission_cannot_touch_the_next_tasks_worker_waiting_for_its_files(session_for):
    """The worker a pool's grading process keeps booted for its next task (another student's)
    waits beside the current one: it is a sibling like any other, sealed before it waits."""
    server = workers.fork_server(False)

    def grading_process():
        workers.keep_workers_ahead()
        attacker = session_for(ATTACKS, timeout=10.0)
        attacker_pid = pid_of(attacker)
        time.sleep(0.5)
        ahead = min(waiting_children(server, {attacker_pid}))  # ordered before the zygote's new spare
        results = attacker.run(probe_call, "attack", ahead, zygote_inner(server))
        attacker.close()
        next_pid, nice = me(session_for(NICE, timeout=10.0))
        return {"ahead": ahead, "results": results, "next": next_pid, "nice": nice}

    seen = forked(grading_process)
    assert "error" not in seen, seen
    assert all(seen["results"]["sibling"].values()), seen["results"]["sibling"]
    assert seen["next"] == seen["ahead"], "the next task got that worker, alive"
    assert seen["nice"] == os.getpriority(os.PRIO_PROCESS, 0), "with the zygote's priority"


def test_a_waiting_child_whose_priority_was_changed_is_not_used(session_for):
    """The zygote checks its own settings before each order; a child forked ahead checks its
    own when the order comes (anyone of its uid outside a child's filter could change them)."""
    first_pid, nice = me(session_for(NICE, timeout=10.0))
    time.sleep(0.5)
    ((spare, host),) = waiting_children(workers.fork_server(False), {first_pid}).items()
    os.setpriority(os.PRIO_PROCESS, host, nice + 5)
    second_pid, second_nice = me(session_for(NICE, timeout=10.0))
    assert second_pid != spare and second_nice == nice, "a fresh child, with the zygote's priority"


def test_a_waiting_child_that_died_is_replaced_by_the_same_zygote(session_for):
    first_pid, _ = me(session_for(NICE, timeout=10.0))
    time.sleep(0.5)
    server = workers.fork_server(False)
    zygote = server.process.pid
    ((spare, host),) = waiting_children(server, {first_pid}).items()
    os.kill(host, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not dead(host) and time.monotonic() < deadline:  # its socket is closed before the order
        time.sleep(0.02)
    second_pid, _ = me(session_for(NICE, timeout=10.0))
    assert second_pid != spare and workers.fork_server(False).process.pid == zygote


def dead(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def probe_kernels_kept(mod, names):
    """Whether this worker's lookup of ``names``' kernels was made before it ran (a hit)."""
    from grader.sandboxed import refused_ops

    before = refused_ops.all_kernels.cache_info().hits
    refused_ops.all_kernels(frozenset(names))
    return refused_ops.all_kernels.cache_info().hits > before


def test_a_child_forked_after_a_warm_order_has_its_kernels_looked_up(session_for):
    names = ["_log_softmax", "logsumexp"]
    first = session_for(NICE, timeout=10.0)
    assert not first.run(probe_kernels_kept, names)  # a child forked before any order: its own lookup
    server = workers.fork_server(False)
    assert server is not None and server.control is not None
    for junk in ("names", [["_softmax", 3]], {"a": 1}):  # not sets of names: nothing looked up, still served
        server.control.send(json.dumps({"op": "warm", "refused": junk}).encode())
    server.warm({"cross_entropy": names, "no twins": []})
    first.close()
    assert session_for(NICE, timeout=10.0).run(probe_kernels_kept, names) is False  # the spare forked before
    assert session_for(NICE, timeout=10.0).run(probe_kernels_kept, names) is True  # forked after it
