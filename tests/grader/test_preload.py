"""The pool's preload (grader/engine/worker/preload.py): what the suites' trusted side imports on first use is
imported once before the grading processes fork, only when a worker will be needed (the untouched
stubs stay cheap) and only for topics whose suites build an optimizer on the trusted side: those
then build and step optimizers without importing torch._dynamo (grader/sandboxed/dynamo_free.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import REPO

pytestmark = pytest.mark.e2e

SCRIPT = """
import sys
from pathlib import Path
from grader.engine import runner
from grader.base.options import Options
folder, jobs = Path(sys.argv[1]), int(sys.argv[2])
tasks = [runner.Task(folder, topic, False, Options()) for topic in sys.argv[3:]]
stubs_only = all(runner.untouched_stub(task) for task in tasks)
if stubs_only:
    runner.run_tasks(tasks, jobs, lambda task, outcome: None)
else:
    runner.workers.prestart = lambda gpu, without_sympy=False: None  # no zygote: only the parent's imports are asked about
    runner.GraderPool = None  # stop before forking: the preload comes first
    runner.grade_topic = lambda task: None  # in one process: nothing graded, the imports asked about
    try:
        runner.run_tasks(tasks, jobs, lambda task, outcome: None)
    except TypeError:
        pass
import torch
weight = torch.zeros(2, requires_grad=True)
weight.sum().backward()
torch.optim.Adam([weight], 0.1).step()
print(stubs_only, "torch._dynamo" in sys.modules)
"""


def _imports(folder: str, *topics: str, jobs: int = 2) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, folder, str(jobs), *topics],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_pool_that_grades_code_preloads_the_trusted_side() -> None:
    assert _imports("solutions", "losses", "mlp") == "False False"


def test_a_run_in_one_process_skips_dynamo_on_the_trusted_side_too() -> None:
    """``grade exercises/optim.py``: its suite builds optimizers on the trusted side, and
    imported torch._dynamo there (0.8 s of a fresh run's critical path)."""
    assert _imports("solutions", "optim", jobs=1) == "False False"


def test_topics_without_a_trusted_optimizer_preload_nothing() -> None:
    assert _imports("solutions", "losses", "tensors") == "False True"  # Adam's step imported it


def test_untouched_stubs_preload_nothing() -> None:
    assert _imports("exercises", "losses", "mlp") == "True True"
