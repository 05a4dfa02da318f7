"""A probe that burns CPU is stopped by its CPU limit (read from /proc on the trusted side),
long before the generous wall clock; code that sleeps is charged no CPU. The fairness half (no
correct corpus module times out with a busy loop on every core) is in test_corpus.py."""

from __future__ import annotations

import time

import pytest
import torch
from helpers import REPO, grade_json
from planted import unheld

from grader.checks import probes
from grader.engine.worker.problems import ProbeTimeout

WALL = 120.0  # far beyond what a 1 s CPU limit needs, even on a loaded machine

STALLS = unheld(
    """
import signal, sys, time

def huber(x):
    while True:
        pass

def stubborn(x):
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGXCPU, signal.SIGVTALRM):
        signal.signal(sig, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.setitimer(signal.ITIMER_PROF, 0)
    sys.setswitchinterval(1e6)      # starve the watchdog thread
    while True:
        pass

def slow(x, seconds):
    time.sleep(seconds)
    return x

def ok(x):
    return x * 2

def busy(x, seconds):
    started = time.process_time()
    while time.process_time() - started < seconds:
        pass
    return x
"""
)


def call(session, name: str, *args):
    return session.run(probes.call, name, (torch.ones(3), *args), {})


@pytest.mark.engine
@pytest.mark.timeout(90)
def test_a_busy_loop_is_stopped_by_its_cpu_limit_and_named_where_it_was(session_for):
    session = session_for(STALLS, timeout=WALL)
    session.cpu_limit, session.check = 1.0, "huber_matches_torch[0.5]"
    started = time.monotonic()
    with pytest.raises(
        ProbeTimeout,
        match=r"(?s)huber\(\) reached its CPU limit of 1 s \(over ten times a correct answer's\) without answering in huber_matches_torch\[0\.5\]"
        r".*line 5, in huber: while True:",
    ):
        call(session, "huber")
    assert time.monotonic() - started < WALL / 2, "the CPU limit, not the wall clock, stopped it"
    assert session.worker is None
    assert call(session, "ok").tolist() == [2.0, 2.0, 2.0]


@pytest.mark.engine
@pytest.mark.timeout(90)
def test_the_cpu_limit_holds_when_the_code_disarms_signals_and_starves_the_watchdog(session_for):
    session = session_for(STALLS, timeout=WALL)
    session.cpu_limit = 1.0
    started = time.monotonic()
    with pytest.raises(ProbeTimeout, match=r"stubborn\(\) reached its CPU limit of 1 s"):
        call(session, "stubborn")
    assert time.monotonic() - started < WALL / 2


@pytest.mark.engine
@pytest.mark.timeout(60)
def test_code_that_sleeps_is_charged_no_cpu(session_for):
    session = session_for(STALLS, timeout=20.0)
    session.cpu_limit = 0.3
    assert call(session, "slow", 2.0).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.engine
@pytest.mark.timeout(60)
def test_a_probe_is_charged_its_own_cpu_only(session_for):
    """Each probe's CPU counts from its own start: what a probe without a limit used (a check
    that sets none) is not charged to the next one."""
    session = session_for(STALLS, timeout=20.0)
    session.cpu_limit = 0.5
    assert call(session, "ok").tolist() == [2.0, 2.0, 2.0]
    session.cpu_limit = None
    assert call(session, "busy", 0.8).tolist() == [1.0, 1.0, 1.0]
    session.cpu_limit = 0.5
    assert call(session, "busy", 0.3).tolist() == [1.0, 1.0, 1.0]
    assert call(session, "busy", 0.3).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_grading_stops_an_endless_loop_by_cpu_time(tmp_path):
    student = tmp_path / "losses.py"
    endless = "\n\ndef huber(y_hat, y, delta=1.0):\n    while True:\n        pass\n"
    student.write_text((REPO / "solutions" / "losses.py").read_text() + endless)
    _, report = grade_json(str(student), "-k", "huber and not device")
    timeouts = [t for topic in report["topics"] for t in topic["tests"] if t["status"] == "timeout"]
    assert timeouts and "CPU limit of 0.25 s" in timeouts[0]["message"]  # losses' own limit


@pytest.mark.unit
def test_a_topics_own_cpu_limit_is_below_the_default():
    """A pack's probe_cpu_seconds stops a stuck probe sooner where a topic's probes all do little
    work; the built-in pack's never lend a topic more than PROBE_CPU_SECONDS, nor less than 0.25 s."""
    from grader.base import defaults
    from grader.base.topics import MANIFEST, probe_cpu_seconds

    limits = {t.name: probe_cpu_seconds(t.name) for t in MANIFEST if t.pack.built_in}
    assert min(limits.values()) < defaults.PROBE_CPU_SECONDS  # some topic declares its own
    assert all(0.25 <= seconds <= defaults.PROBE_CPU_SECONDS for seconds in limits.values())


@pytest.mark.unit
def test_the_cpu_count_is_read_from_that_process_and_none_once_it_is_gone():
    """The trusted side keeps a worker's /proc/PID/stat open: reads count that process's CPU,
    and fail once it has been reaped (the descriptor never follows the pid to a new process)."""
    import os
    import signal

    from grader.engine.worker.proc import cpu_seconds

    pid = os.fork()
    if pid == 0:  # burn ~0.1 s of CPU (ten ticks; the unit tier pays it), then wait to be killed
        started = time.process_time()
        while time.process_time() - started < 0.1:
            pass
        signal.pause()
        os._exit(0)
    stat_fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    try:
        deadline = time.monotonic() + 30
        while (cpu_seconds(stat_fd) or 0.0) < 0.06 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert 0.06 <= (cpu_seconds(stat_fd) or 0.0) < 5  # this process's seconds are far more
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert cpu_seconds(stat_fd) is None
    finally:
        os.close(stat_fd)


@pytest.mark.unit
def test_the_cost_count_is_finer_than_the_tick_and_falls_back_to_it():
    """A worker's CPU time is read from each thread's schedstat (nanoseconds): the stat file's
    10 ms tick is as coarse as a vectorised call on a million elements, and a verdict that allows
    a factor of the reference's cost would multiply the tick. Where the threads counted are not
    all the process has (one started or ended since), the tick count answers."""
    import os
    import subprocess
    import sys

    from grader.engine.worker.proc import cpu_seconds, thread_schedstats

    busy = subprocess.Popen([sys.executable, "-c", "import time\nt=time.process_time()\nwhile time.process_time()-t<0.037: pass\ninput()"], stdin=subprocess.PIPE)  # fmt: skip
    try:
        time.sleep(0.5)
        stat = os.open(f"/proc/{busy.pid}/stat", os.O_RDONLY)
        threads = thread_schedstats(busy.pid)
        assert threads, "no schedstat to read here"
        precise, ticked = cpu_seconds(stat, threads), cpu_seconds(stat)
        assert precise is not None and ticked is not None
        assert abs(precise * 100 - round(precise * 100)) > 1e-6, precise  # not a whole number of ticks
        assert abs(ticked * 100 - round(ticked * 100)) < 1e-6, ticked
        assert cpu_seconds(stat, threads + threads) == ticked  # a thread more than the process has
        for fd in (stat, *threads):
            os.close(fd)
    finally:
        busy.kill()
        busy.wait()
