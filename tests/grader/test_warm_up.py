"""The warm-up of a long-lived engine (grader/apps/warm.py: the learner's warm engine, `grade
watch`, a notebook's check() engine) reads what a request would otherwise read on first use: after
it, grading a topic reads no probe's source and no probe's code again (a notebook's first check()
paid for the battery's walkers when they moved to grader/checks/cases/battery_walks.py), and reading a
notebook imports no module (its first check() imported nbformat, built its schema's validator and
imported IPython's transformer: 0.10 s of 0.17)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import REPO

pytestmark = pytest.mark.engine

# In a fresh process: the grading forks its workers, and this test process may hold threads.
GRADE_AFTER_WARM_UP = """
import json
from grader.apps import warm
from grader.checks.verdict import callees
from grader.engine.worker import client
from grader.engine.runner import Task, run_tasks
from grader.base.options import Options
from grader.base.topics import REPO_ROOT

warm._read_probes(["losses"], 60.0)
before = [client._source.cache_info().misses, callees.probe_names.cache_info().misses]
task = Task(path=REPO_ROOT / "solutions" / "losses.py", topic="losses", single_file=True, options=Options())
run_tasks([task], 1, lambda task, outcome: None)
print(json.dumps([before, [client._source.cache_info().misses, callees.probe_names.cache_info().misses]]))
"""


def _answer(code: str, **env: str):
    """The JSON of the last line ``code`` prints, run in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_after_the_warm_up_a_grading_reads_no_probe_again():
    before, after = _answer(GRADE_AFTER_WARM_UP, TORCHGRADE_FRESH="1")
    assert after == before, "sources, probe codes read at first use: " + str(
        [a - b for a, b in zip(after, before)]
    )


READ_A_NOTEBOOK_AFTER_WARM_UP = """
import json, sys, tempfile
from pathlib import Path
import nbformat
from grader.apps import warm
from grader.engine.sources import cell_python, notebooks
from grader.engine.worker import workers

workers.prestart = workers.fork_server = lambda gpu: None  # no zygote: what the warm-up reads, not its workers
warm.warm_up([], 60.0, False)
path = Path(tempfile.mkdtemp()) / "losses.ipynb"
notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("%matplotlib inline\\nx = 1")])
path.write_text(nbformat.writes(notebook))
before = set(sys.modules)
cell_python.python_of(notebooks.read(path).cells[0].source)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_after_the_warm_up_reading_a_notebook_imports_nothing():
    assert _answer(READ_A_NOTEBOOK_AFTER_WARM_UP) == []
