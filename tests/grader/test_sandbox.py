"""What submitted code can see and do inside the worker's sandbox."""

from __future__ import annotations

import os
import shutil

import pytest
import torch
from planted import unheld
from torch import nn  # the probes' `nn` in the worker

from grader.base.topics import REPO_ROOT
from grader.engine.staging import stage
from grader.engine.worker import proc, workers
from grader.engine.worker.client import TopicSession
from grader.engine.worker.problems import SubmissionError
from grader.engine.worker.sandbox import sandbox_status

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(not sandbox_status()[0], reason=f"no sandbox: {sandbox_status()[1]}"),
]

SPY = unheld(
    f"""
import os, socket

REPO = {str(REPO_ROOT)!r}

def can_read(path):
    try:
        with open(path, "rb") as f:
            f.read(1)
        return True
    except OSError:
        return False

def look(x):
    return {{
        "uid": os.getuid(),
        "root_entries": sorted(os.listdir("/")),
        "solutions": can_read(REPO + "/solutions/losses.py"),
        "suite": can_read(REPO + "/tests/suites/suite_losses.py"),
        "git": os.path.exists(REPO + "/.git"),
        "root_home": os.path.exists("/root/.bash_history") or can_read("/root/.profile"),
        "bwrap_env": can_read("/proc/1/environ"),
        "env": sorted(os.environ),
        "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    }}

def connect(x):
    socket.create_connection(("127.0.0.1", 22), timeout=2)

def write_submission(x):
    open("/submission/losses.py", "a").write("# tampered")

def fork(x):
    return os.fork()

def spawn(x):
    import subprocess
    return subprocess.run(["true"]).returncode

def threads(x):
    import threading
    done = []
    workers = [threading.Thread(target=done.append, args=(i,)) for i in range(8)]
    for w in workers: w.start()
    for w in workers: w.join()
    return len(done)
"""
)


def probe_call(mod, name):
    return getattr(mod, name)(None)


@pytest.fixture(scope="module")
def spy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spy")
    (folder / "losses.py").write_text(SPY)
    staged = stage(folder)
    session = TopicSession(str(staged), "losses", timeout=10.0)
    yield session
    session.close()
    shutil.rmtree(staged)


def sandbox_pids(worker: workers.Worker | None) -> set[int]:
    """The pids, in the sandbox's pid namespace, of everything its bubblewrap started."""
    if isinstance(worker, workers.ForkedWorker):
        root = worker.server.process.pid
    elif isinstance(worker, workers.FreshWorker):
        root = worker.process.pid
    else:
        return set()
    found = [proc.ns_pids(p) for p in proc.descendants(root) if p != root]
    return {pids[-1] for pids in found if pids}  # a zygote's child: pid 1 of a namespace of its own


def test_worker_sees_only_its_own_files(spy):
    spy.run(probe_call, "look")  # the worker is started
    before = sandbox_pids(spy.worker)
    seen = spy.run(probe_call, "look")
    assert seen["uid"] == (65534 if os.geteuid() == 0 else seen["uid"])
    assert not seen["solutions"] and not seen["suite"] and not seen["git"]
    assert not seen["root_home"] and not seen["bwrap_env"]
    assert "submission" in seen["root_entries"]
    started = before | sandbox_pids(spy.worker)  # a child reaped, or forked, meanwhile
    assert set(seen["pids"]) <= started, "a private pid namespace: what its bubblewrap started only"
    assert set(seen["env"]) <= {
        "PATH",
        "HOME",
        "PYTHONPATH",
        "PYTHONDONTWRITEBYTECODE",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "GLIBC_TUNABLES",
        "TORCHINDUCTOR_CACHE_DIR",
        "PWD",
        "LC_CTYPE",
    }


@pytest.mark.parametrize(
    "name, error",
    [
        ("connect", "OSError|ConnectionRefusedError|PermissionError"),
        ("write_submission", "OSError|PermissionError"),
        ("fork", "BlockingIOError|PermissionError"),
        ("spawn", "BlockingIOError|PermissionError|OSError"),
    ],
)
def test_network_writes_and_new_processes_are_refused(spy, name, error):
    with pytest.raises(SubmissionError, match=error):
        spy.run(probe_call, name)


def test_no_thread_starts_once_the_submission_runs(spy):
    """The worker's own threads start before its seal; a thread of the submission's could run
    where no probe is watching."""
    with pytest.raises(SubmissionError, match="RuntimeError.*can't start new thread"):
        spy.run(probe_call, "threads")


def test_torch_trains_inside(spy):
    def probe_train(mod):
        model = nn.Conv2d(1, 4, 3)
        loss = model(torch.randn(2, 1, 8, 8)).pow(2).mean()
        loss.backward()
        return float(model.weight.grad.abs().sum())

    assert spy.run(probe_train) > 0
