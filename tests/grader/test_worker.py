"""The probe protocol: what a submission's hangs, crashes and hogs become."""

from __future__ import annotations

import shutil
import time

import pytest
import torch
from planted import unheld

from grader.checks import probes
from grader.engine.staging import stage
from grader.engine.worker.client import TopicSession
from grader.engine.worker.problems import NotStarted, ProbeTimeout, SubmissionError

pytestmark = pytest.mark.engine

BODY = unheld(
    """
import os, time, torch

def ok(x):
    return x * 2

def stub(x):
    raise NotImplementedError("write me")

def uses_torch_not_implemented(x):
    return x.to("meta").nonzero()

def hang(x):
    while True:
        pass

def exit_quietly(x):
    os._exit(0)

def segfault(x):
    import ctypes
    return ctypes.string_at(0)

def hog(x):
    return torch.empty(100 * 2**30 // 4)

def hog_python(x):
    return bytearray(100 * 2**30)

def ignore_sigterm_then_hang(x):
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(3600)
"""
)


def call(session: TopicSession, name: str):
    return session.run(probes.call, name, (torch.ones(3),), {})


def test_plain_data_round_trip(session_for):
    session = session_for(BODY)
    out = call(session, "ok")
    assert isinstance(out, torch.Tensor) and out.tolist() == [2.0, 2.0, 2.0]


def test_stub_is_not_started_but_torch_not_implemented_is_an_error(session_for):
    session = session_for(BODY)
    with pytest.raises(NotStarted, match=r"stub\(\) in losses.py"):
        call(session, "stub")
    with pytest.raises(SubmissionError, match="NotImplementedError"):
        call(session, "uses_torch_not_implemented")


def test_hang_times_out_and_the_next_probe_gets_a_fresh_worker(session_for, worker_starts):
    session = session_for(BODY, timeout=2.0)
    with pytest.raises(ProbeTimeout, match="did not answer within 2 s"):
        call(session, "hang")
    assert call(session, "ok").tolist() == [2.0, 2.0, 2.0]
    assert len(worker_starts) == 2


def test_sigterm_is_no_escape(session_for):
    session = session_for(BODY, timeout=2.0)
    with pytest.raises(ProbeTimeout):
        call(session, "ignore_sigterm_then_hang")
    assert session.worker is None


# os._exit is a private member of a held module now (refused before it runs): an error either way
@pytest.mark.parametrize(
    "name, pattern",
    [("exit_quietly", "exited with status 0|'_exit' of this module is off limits"), ("segfault", "SIGSEGV")],
)
def test_a_dying_worker_is_an_error_never_a_pass(session_for, name, pattern):
    session = session_for(BODY)
    with pytest.raises(SubmissionError, match=pattern):
        call(session, name)


@pytest.mark.parametrize("name", ["hog", "hog_python"])
def test_memory_hog_is_reported_as_out_of_memory(session_for, name, worker_starts):
    session = session_for(BODY)
    with pytest.raises(SubmissionError, match="ran out of memory"):
        call(session, name)
    assert call(session, "ok").tolist() == [2.0, 2.0, 2.0]  # the worker survived
    assert len(worker_starts) == 1


def test_syntax_error_names_the_line(session_for):
    session = session_for("def ok(x):\n    return x +\n")
    with pytest.raises(SubmissionError, match="SyntaxError"):
        call(session, "ok")


def test_endless_loop_at_import_times_out_once_for_the_whole_topic(session_for, worker_starts):
    session = session_for("while True:\n    pass\n", timeout=2.0)
    with pytest.raises(ProbeTimeout, match="importing losses.py"):
        call(session, "ok")
    with pytest.raises(ProbeTimeout):
        call(session, "ok")
    assert len(worker_starts) == 1


def test_missing_topic_file_is_not_started(tmp_path):
    staged = stage(tmp_path)
    session = TopicSession(str(staged), "losses", timeout=3.0)
    try:
        with pytest.raises(NotStarted, match="no file losses.py"):
            call(session, "ok")
    finally:
        session.close()
        shutil.rmtree(staged)


def test_an_empty_file_beside_the_topic_reaches_the_worker(tmp_path):
    """The files frame carries b"" (torch.save pickled it as a call to ``bytes``, which the
    weights-only reader refused: an empty ``__init__.py`` failed every worker's start)."""
    (tmp_path / "losses.py").write_text(BODY)
    (tmp_path / "__init__.py").write_text("")
    staged = stage(tmp_path)
    session = TopicSession(str(staged), "losses", timeout=3.0)
    try:
        assert call(session, "ok").tolist() == [2.0, 2.0, 2.0]
    finally:
        session.close()
        shutil.rmtree(staged)


STALLS = unheld(
    """
import signal, sys, time

def huber(x):
    while True:
        pass

def loss(x):
    return huber(x) + 1

def ok(x):
    return x * 2

def stubborn(x):
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGXCPU):
        signal.signal(sig, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    sys.setswitchinterval(1e6)      # starve every other thread of the interpreter
    sys.settrace(None)
    while True:
        pass

def slow(x, seconds):
    time.sleep(seconds)
    return x
"""
)


def test_a_hang_costs_one_timeout_and_names_where_it_was(session_for):
    session = session_for(STALLS, timeout=2.0)
    session.check = "huber_matches_torch[0.5]"
    with pytest.raises(
        ProbeTimeout,
        match=r"(?s)huber\(\) did not answer within 2 s in "
        r"huber_matches_torch\[0\.5\].*line 5, in huber: while True:",
    ):
        call(session, "huber")
    started = time.monotonic()
    with pytest.raises(ProbeTimeout, match=r"huber\(\) did not answer .* this check was not run"):
        call(session, "huber")
    with pytest.raises(ProbeTimeout, match=r"loss\(\) calls huber\(\).*this check was not run"):
        call(session, "loss")
    assert time.monotonic() - started < 1.5, "known stalls must end at once"
    assert call(session, "ok").tolist() == [2.0, 2.0, 2.0]


def test_a_stall_with_every_timer_and_signal_disarmed_still_costs_one_timeout(session_for):
    session = session_for(STALLS, timeout=2.0)
    started = time.monotonic()
    for _ in range(5):
        with pytest.raises(ProbeTimeout, match=r"stubborn\(\)"):
            call(session, "stubborn")
    assert time.monotonic() - started < 2.0 + 5
    assert call(session, "ok").tolist() == [2.0, 2.0, 2.0]


def test_slow_but_answering_code_is_called_slow_not_stuck(session_for):
    session = session_for(STALLS, timeout=2.0)
    assert session.run(probes.call, "slow", (torch.ones(1), 0.6), {}).tolist() == [1.0]
    with pytest.raises(ProbeTimeout, match="slow rather than stuck"):
        session.run(probes.call, "slow", (torch.ones(1), 30), {})


def test_the_submission_budget_bounds_all_checks(session_for):
    session = session_for(STALLS, timeout=2.0)
    session.deadline, session.budget = time.monotonic() + 1.0, 1.0
    with pytest.raises(ProbeTimeout, match="time budget of 1 s"):
        session.run(probes.call, "slow", (torch.ones(1), 30), {})
    with pytest.raises(ProbeTimeout, match="budget of 1 s was used up before this check"):
        call(session, "ok")


def test_fresh_workers_still_work_where_the_zygote_cannot(session_for, monkeypatch):
    """TORCHGRADE_FRESH_WORKERS=1 (or a zygote that cannot start): one process per worker."""
    from grader.engine.worker.workers import FreshWorker

    monkeypatch.setenv("TORCHGRADE_FRESH_WORKERS", "1")
    session = session_for(BODY, timeout=3.0)
    assert call(session, "ok").tolist() == [2.0, 2.0, 2.0]
    assert isinstance(session.worker, FreshWorker)
    with pytest.raises(SubmissionError, match="SIGSEGV"):
        call(session, "segfault")
    with pytest.raises(ProbeTimeout):
        call(session, "hang")
    assert session.worker is None
