"""Every opener takes the paths graded code may name: a library that opens or lists a path itself
(pathlib's read_text, read_bytes, iterdir and readlink, numpy.loadtxt, logging's file handler) is refused
one of the worker's descriptors (``/proc/self/fd``, ``/proc/self/fdinfo``, ``/dev``) as graded
code's own ``open`` and ``os.listdir`` are (the audit hook: grader/sandboxed/no_eval.py). Seen
failing on main: each route read the worker's descriptors (attacks a122, 72-117)."""

from __future__ import annotations

import pytest
from helpers import REPO, grade_json

from grader.engine.worker import workers

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(workers.fork_server(False) is None, reason="the zygote cannot run here"),
]

# {exercise: an opener of the interpreter's own, no call of graded code's open}: each exercise
# answers right only where its opener opened (the points say which escaped)
ROUTES = {
    "mse": 'pathlib.Path("/proc/self/fdinfo/0").read_text()',
    "l1": '[str(p) for p in pathlib.Path("/proc/self/fd").iterdir()]',
    "huber": 'numpy.loadtxt("/proc/self/fdinfo/0", dtype=str, delimiter="\\t")',
    "sigmoid": 'pathlib.Path("/dev/stdin").read_bytes()',
    "bce": 'logging.basicConfig(filename="/proc/self/fd/2", force=True)',
    "entropy": 'pathlib.Path("/proc/self/fd/0").readlink()',  # where a descriptor leads
}
WRAPPED = """

_reference_{name} = {name}


def {name}(*args, **kwargs):  # noqa: F811
    try:
        {route}
    except OSError:
        return _reference_{name}(*args, **kwargs) + 1  # refused: the answer is off by one
    return _reference_{name}(*args, **kwargs)
"""


def test_no_opener_reads_the_workers_descriptors_for_graded_code(tmp_path):
    source = (REPO / "solutions" / "losses.py").read_text()
    source += "\nimport logging\nimport pathlib\n\nimport numpy\n"
    source += "".join(WRAPPED.format(name=name, route=route) for name, route in ROUTES.items())
    (tmp_path / "losses.py").write_text(source)
    _, report = grade_json(str(tmp_path / "losses.py"), "--no-daemon", "-k", "not convergence", fresh=True)
    points = {e["name"]: e["points"] for t in report["topics"] for e in t["exercises"]}
    assert {name: points[name] for name in ROUTES} == dict.fromkeys(ROUTES, 0), points
    assert points["softmax"] > 0 and points["kl_div"] > 0  # the rest graded as the reference
