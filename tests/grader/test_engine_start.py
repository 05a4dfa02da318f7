"""A start that fails is the machine's problem, never the learner's crash."""

from __future__ import annotations

import os
import time

import pytest
import torch

from grader.base import defaults
from grader.checks import probes
from grader.engine.staging import stage
from grader.engine.worker.client import TopicSession
from grader.engine.worker.problems import EngineProblem
from grader.engine.worker.sandbox import Limits

STARVED_MB = 16  # so little memory that Python and torch cannot start in the worker


@pytest.mark.engine
@pytest.mark.parametrize("fresh", [False, True], ids=["zygote", "fresh"])
def test_a_worker_that_cannot_start_is_retried_then_blamed_on_the_machine(
    tmp_path, monkeypatch, fresh, worker_starts
):
    if fresh:
        monkeypatch.setenv("TORCHGRADE_FRESH_WORKERS", "1")
    (tmp_path / "losses.py").write_text("def f(x):\n    return x\n")
    staged = stage(tmp_path)
    session = TopicSession(str(staged), "losses", timeout=5.0, limits=Limits(memory_mb=STARVED_MB))
    started = time.monotonic()
    try:
        with pytest.raises(EngineProblem) as caught:
            session.run(probes.call, "f", (torch.ones(2),), {})
        message = str(caught.value)
        assert len(worker_starts) == 2  # a second try
        assert "not your code" in message and "grade doctor" in message
        assert "crash in native code" not in message and "endless loop" not in message
        with pytest.raises(EngineProblem):  # the topic's other checks do not wait again
            session.run(probes.call, "f", (torch.ones(2),), {})
        assert len(worker_starts) == 2
    finally:
        session.close()
    assert time.monotonic() - started < 120


@pytest.mark.unit
def test_a_loaded_machine_gives_a_start_more_time(monkeypatch):
    monkeypatch.setattr(os, "getloadavg", lambda: (0.1, 0.1, 0.1))
    assert defaults.boot_seconds() == defaults.BOOT_SECONDS
    monkeypatch.setattr(os, "getloadavg", lambda: (3.0 * defaults.cores(), 0.0, 0.0))
    assert defaults.boot_seconds() == 3 * defaults.BOOT_SECONDS
    monkeypatch.setattr(os, "getloadavg", lambda: (100.0 * defaults.cores(), 0.0, 0.0))
    assert defaults.boot_seconds() == 4 * defaults.BOOT_SECONDS
