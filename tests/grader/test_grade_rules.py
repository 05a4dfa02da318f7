"""What every student and LMS sees follows one rule: an extension of the course file wins over
an LMS's late marker (Canvas's ``late_``), which knows only the LMS's own due date."""

from __future__ import annotations

import pytest
from test_course import late_course

from grader.batch.standing import Late, late_penalty

pytestmark = pytest.mark.unit


def test_an_extension_wins_over_the_lms_late_marker(tmp_path):
    hw = late_course(tmp_path, 'policy = "per_day"\npenalty = 10')
    assert late_penalty(hw, "bob", None, True) == Late(0.0, "")  # extended: no "time unknown" penalty
    assert late_penalty(hw, "alice", None, True) == Late(10.0, "late (time unknown: 1 unit), −10 %")
