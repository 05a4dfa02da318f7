"""An optimiser that is torch's own by its base class, however the base is named, is a twin: the
check that finds torch.optim's class in the MRO raises as one, and the exercise earns nothing (a
blind attack through ``getattr(torch.optim, 'S' + 'GD')`` kept 13 of SGD's 18 points)."""

from __future__ import annotations

import json

import pytest
from helpers import REPO, run_grade

pytestmark = pytest.mark.e2e


def test_an_optimiser_borrowed_by_its_base_class_earns_nothing(tmp_path):
    source = (REPO / "solutions" / "optim.py").read_text()
    start, end = source.index("class SGD("), source.index("class Adam(")
    borrowed = (
        "_BASE = getattr(torch.optim, 'S' + 'GD')\n\n\n"
        "class SGD(_BASE):\n"
        "    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):\n"
        "        super().__init__(params, lr, momentum, dampening, weight_decay, nesterov)\n\n\n"
    )
    path = tmp_path / "optim.py"
    path.write_text(source[:start] + borrowed + source[end:])
    done = run_grade("check", str(path), "--exercise", "SGD", "--format", "json")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    found = next(e for e in json.loads(done.stdout)["topics"][0]["exercises"] if e["name"] == "SGD")
    assert found["points"] == 0, found
