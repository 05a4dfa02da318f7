"""Hidden suite for the pairs pack: the battery over each exercise's declared domain and the clauses
derived from the declarations (devices, vectorised); nothing written by hand."""

from __future__ import annotations

import pytest

from grader.checks import battery, check, derived_clauses

# what each exercise's docstring puts off limits: {exercise: {aten op or torch name: as the learner writes it}}
OFF_LIMITS: dict[str, dict[str, str]] = {}
VECTORISED = ("confusion_matrix", "PairScores")  # no Python loops (read from the source)


@check("device", public=True)
@pytest.mark.parametrize("name", derived_clauses.device_exercises("pairs"))
def test_on_a_second_device(sub, name):
    derived_clauses.on_device(sub, "pairs", name)


@check("shape", clause="vectorised")
@pytest.mark.parametrize("name", VECTORISED)
def test_vectorised_as_declared(sub, name):
    derived_clauses.vectorised(sub, "pairs", name)


@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("pairs"))
def test_input_domain(sub, name):
    battery.run(sub, "pairs", name)
