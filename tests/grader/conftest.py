"""Fixtures for the grader's own tests."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path

import cpu_budget
import file_order
import frozen_heap
import pytest
import torch
from helpers import REPO, grade_json
from tiers import (  # noqa: F401  (each test in exactly one tier; -m unit imports no file without one)
    pytest_collection_modifyitems,
    pytest_ignore_collect,
)

from grader.base import defaults
from grader.engine.staging import stage
from grader.engine.worker.client import TopicSession
from grader.sandboxed import dynamo_free

# Every `grade` a test starts grades in its own process, never on a learner's warm engine
# (grader/apps/daemon.py); tests/grader/test_daemon.py asks for one in a folder of its own.
os.environ.setdefault("TORCHGRADE_NO_DAEMON", "1")
# ...and grades afresh: a learner's remembered results (grader/engine/remembered.py) would let a
# second run of a test skip what it tests; tests/grader/test_remembered.py turns them on.
os.environ.setdefault("TORCHGRADE_FRESH", "1")
# This process is the grader's trusted side: one intra-op thread, as `grade` sets it
# (grader/engine/runner.py). On 2 busy cores a second thread multiplies a convolution's CPU (the
# stored answers' check: docs/benchmark.md, "CI"), and a child forked after a parallel op can
# deadlock (why the workers and the zygote run with one).
torch.set_num_threads(defaults.TRUSTED_THREADS)
# ...and runs the worker's probe kit as a worker does: torch's compiler-off wrappers (every dispatch
# mode's) without importing torch._dynamo (grader/sandboxed/dynamo_free.py, as the zygote and a run
# in one process skip it): ~1 s of the unit tier's CPU, paid by whichever test first recorded ops.
dynamo_free.skip()
# The benchmark's class (complete answers) lives outside the package: tests import it as `bench_class`.
sys.path.insert(0, str(REPO / "tests" / "bench"))


def pytest_addoption(parser: pytest.Parser) -> None:
    cpu_budget.pytest_addoption(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(file_order, "file_order")  # the slowest test files first
    cpu_budget.pytest_configure(config)  # the unit tier's CPU budget
    config.pluginmanager.register(frozen_heap, "frozen_heap")  # the collector skips torch's objects


@pytest.fixture(scope="session")
def solutions_report() -> tuple[int, dict]:
    return grade_json("solutions/")


@pytest.fixture(scope="session")
def exercises_report() -> tuple[int, dict]:
    return grade_json("exercises/")


@pytest.fixture(scope="session")
def solution_losses_report() -> tuple[int, dict]:
    """`grade solutions/losses.py --format json`, graded once for the tests that read it."""
    return grade_json(str(REPO / "solutions" / "losses.py"))


@pytest.fixture
def make_submission(tmp_path):
    """Write ``{topic: source}`` into a folder shaped like exercises/ and return it."""

    def make(files: dict[str, str], name: str = "student") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for topic, source in files.items():
            (folder / f"{topic}.py").write_text(source)
        return folder

    return make


@pytest.fixture
def session_for(tmp_path):
    """``make(source, topic="losses", timeout=3.0)``: a TopicSession on a one-file submission,
    each in its own folder (one student each); closed after the test."""
    sessions = []

    def make(source: str, topic: str = "losses", timeout: float = 3.0) -> TopicSession:
        folder = Path(tempfile.mkdtemp(prefix="student", dir=tmp_path))  # unique in a forked process too
        (folder / f"{topic}.py").write_text(textwrap.dedent(source))
        staged = stage(folder)
        session = TopicSession(str(staged), topic, timeout=timeout)
        sessions.append((session, staged))
        return session

    yield make
    for session, staged in sessions:
        session.close()
        shutil.rmtree(staged, ignore_errors=True)


@pytest.fixture
def worker_starts(monkeypatch) -> list[str]:
    """One entry (its topic) per worker a TopicSession starts during the test (it keeps no count)."""
    from grader.engine.worker import client

    started: list[str] = []
    real = client.start_worker

    def counting(*args, **kwargs):
        started.append(kwargs["topic"])
        return real(*args, **kwargs)

    monkeypatch.setattr(client, "start_worker", counting)
    return started


@pytest.fixture
def runtime(monkeypatch):
    """A warm engine's runtime folder of its own, short (a Unix socket's path holds at most 107
    bytes); engines asked for, and importing this checkout."""
    from grader.apps import daemon

    folder = Path(tempfile.mkdtemp(prefix="tg-", dir="/tmp"))
    monkeypatch.setenv(daemon.RUNTIME_ENV, str(folder))
    monkeypatch.delenv(daemon.NO_DAEMON_ENV, raising=False)
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
