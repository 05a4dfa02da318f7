"""A Dask worker's answer is checked before it is recorded (grader/batch/distributed.py): plain
data only. No cluster here, but the module imports Dask (0.6 s of CPU): the engine tier's."""

from __future__ import annotations

import pytest

pytest.importorskip("distributed")

from grader.batch.distributed import outcome_of  # noqa: E402
from grader.engine.runner import TaskRefused  # noqa: E402
from grader.engine.worker.pool import GraderCrashed  # noqa: E402

pytestmark = pytest.mark.engine


@pytest.mark.parametrize(
    "answer",
    [
        None,
        b"\x80\x04code",
        {"outcome": {"result": {"name": "tensors", "tests": [{"id": 1}]}}},
        {"outcome": {"result": {"name": "tensors", "tests": []}, "seconds": {}, "engine_problem": 3}},
    ],
)
def test_an_answer_that_is_not_plain_data_is_not_recorded(answer):
    assert isinstance(outcome_of(answer), GraderCrashed)


def test_a_refusal_is_read_as_one():
    outcome = outcome_of({"refused": "Dask worker on x: suite version a, the coordinator's is b"})
    assert isinstance(outcome, TaskRefused) and "suite version" in str(outcome)
