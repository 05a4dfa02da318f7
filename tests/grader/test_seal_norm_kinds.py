"""norms' off-limits functions are those its docstring's clauses name by kind: every op that gives
a norm or a distance, and those that give one as part of their value. Seen failing: F.rms_norm,
x / (‖x‖₂/√n), read back (attacks a122's 123, 4/8; torch.pdist, a121's 74, is a distance)."""

from __future__ import annotations

import pytest
from helpers import REPO, grade_json

from grader.engine.worker import workers

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(workers.fork_server(False) is None, reason="the zygote cannot run here"),
]

# L2 = rms·√n, the rms read back from F.rms_norm's x / rms (the L1 the reference's)
BY_KIND = """

def norms(x):  # noqa: F811
    flat = x.reshape(1, -1).double()
    n = flat.shape[1]
    pick = flat.abs().argmax()
    if flat[0, pick] == 0:
        return x.abs().sum(), flat.sum().to(x.dtype)
    scaled = torch.nn.functional.rms_norm(flat, (n,), eps=0.0)
    return x.abs().sum(), (flat[0, pick] / scaled[0, pick] * n**0.5).to(x.dtype)
"""


def test_a_norm_read_back_from_a_normalisation_earns_nothing(tmp_path):
    (tmp_path / "tensors.py").write_text((REPO / "solutions" / "tensors.py").read_text() + BY_KIND)
    _, report = grade_json(str(tmp_path / "tensors.py"), "--no-daemon", fresh=True)
    points = {e["name"]: (e["points"], e["max_points"]) for t in report["topics"] for e in t["exercises"]}
    assert points["norms"][0] == 0, points["norms"]
    assert points["matmul"][0] == points["matmul"][1]  # the rest graded as the reference
