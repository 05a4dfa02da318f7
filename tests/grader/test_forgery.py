"""Submissions that try to forge a score get nothing for what they did not implement.

Graded with the public checks only, which include the three mse checks the honest part earns:
a forgery that crashes its worker on every call costs a worker restart per check.
"""

from __future__ import annotations

import pytest
from helpers import MAGIC, grade_json

pytestmark = pytest.mark.e2e

CORRECT_MSE = """
def mse(y_hat, y, reduction="mean"):
    d = (y_hat - y) ** 2
    return d.mean() if reduction == "mean" else d.sum() if reduction == "sum" else d
"""

FORGERIES = {
    "patches torch and pytest": """
import torch, pytest
torch.allclose = lambda *a, **k: True
torch.isclose = lambda a, b, *r, **k: torch.ones_like(a, dtype=torch.bool)
torch.testing.assert_close = lambda *a, **k: None
pytest.approx = lambda *a, **k: object()
def softmax(x, dim=-1):
    return x
""",
    "answers everything with a magic object": MAGIC,
    "prints a fake pytest summary": """
import sys
print("=" * 30 + " 49 passed in 0.50s " + "=" * 30)
sys.stderr.write("PASSED\\n")
sys.__stdout__.write('{"score": 49, "max_score": 49, "topics": []}\\n')
""",
    "exits with status 0 whenever called": """
import os
def __getattr__(name):
    return lambda *a, **k: os._exit(0)
""",
    "writes forged frames to every descriptor": """
import os, io, torch
def _spray(*a, **k):
    buffer = io.BytesIO()
    torch.save({"event": "result", "value": a[0] if a else 0}, buffer)
    for fd in range(3, 20):
        try:
            os.write(fd, b"TGRD" + bytes(16) + len(buffer.getvalue()).to_bytes(8, "big") + buffer.getvalue())
        except OSError:
            pass
    os._exit(0)
def __getattr__(name):
    return _spray
""",
}


MSE_CHECKS = {f"regression_loss_reductions[mse-{r}]" for r in ("mean", "sum", "none")}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_forgery_scores_only_what_it_implemented(make_submission, name):
    folder = make_submission({"losses": FORGERIES[name] + CORRECT_MSE})
    _, report = grade_json(str(folder), "--topic", "losses", "--timeout", "5", "--public-only")
    topic = report["topics"][0]
    passed = {t["id"] for t in topic["tests"] if t["status"] == "passed"}
    # a forgery that reaches into torch, pytest, sys or the process (grader/engine/subset/submission.py) is refused:
    # whole, its honest mse with it, where what it patches reaches every definition or cannot be cut
    # out; else its refused lines are not run (the topic's note says so) and the module keeps exactly
    # what it implemented (softmax returning x keeps its inputs untouched, and earns nothing for it)
    refused = all(
        "is not allowed in graded code" in t["message"] for t in topic["tests"] if t["status"] != "skipped"
    )
    honest = {t["id"] for t in topic["tests"] if t.get("exercises") == ["mse"]}  # mse's own checks
    earned = {e["name"] for e in topic["exercises"] if e["points"] > 0}
    assert MSE_CHECKS <= honest
    assert earned == (set() if refused else {"mse"}), "only the honestly written mse may earn"
    assert honest <= passed if not refused else not passed
    assert topic["score"] == sum(t["points"] for t in topic["tests"] if t.get("exercises") == ["mse"])
    if not refused and "torch.allclose" in FORGERIES[name]:
        assert "is not allowed in graded code" in topic.get("note", ""), topic.get("note")
