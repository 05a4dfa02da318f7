"""A regrade gives the same report: a check's unseeded draws (torch's global RNG) do not depend
on the checks, tasks or students a grading process ran before it (20 regrades identical)."""

from __future__ import annotations

import pytest
from helpers import REPO, grade_json

pytestmark = pytest.mark.e2e

# A batch_norm mistake whose device check compares values drawn from the global RNG.
MISTAKE = REPO / "tests" / "corpus" / "resnet" / "mistakes" / "batch_norm_mean_over_batch_only.py"
CHECK = "batch_norm_stays_on_input_device"


def message(*selection: str) -> str:
    _, report = grade_json(str(MISTAKE), "--topic", "resnet", "--jobs", "1", *selection)
    (found,) = [t for topic in report["topics"] for t in topic["tests"] if t["id"] == CHECK]
    assert found["status"] == "failed", found
    return found["message"]


def test_a_checks_message_does_not_depend_on_the_checks_before_it():
    assert message("-k", CHECK) == message("-k", "batch_norm or not convergence")
