"""Every case of a check in one probe call (probes.each_call) answers as one call a case does:
the same values, the same error from the case that raises, the same timeout and stall for the
case that hangs, and nothing remembered of a hang in a case the check never reached."""

from __future__ import annotations

import pytest
import torch

from grader.checks import probes
from grader.engine.worker.problems import ProbeTimeout, SubmissionError

STUDENT = """
import torch

def doubled(x):
    return x * 2

def raises_on_the_second(x):
    if x.numel() == 2:
        raise ValueError("two elements")
    return x + 1

def hangs_on_the_third(x):
    while x.numel() == 3:
        pass
    return x - 1

def wrong_then_hangs(x):
    while x.numel() == 2:
        pass
    return x * 0

def mse(y_hat, y, reduction="mean"):
    return torch.nn.functional.mse_loss(y_hat, y, reduction=reduction)
"""

CASES = [(torch.ones(1),), (torch.ones(2),), (torch.ones(3),)]
CALLS = [(args, {}) for args in CASES]


def _calls(session) -> list[str]:
    """Count the probe calls the session sends (each one round trip)."""
    sent: list[str] = []
    real = session._run

    def counting(probe, *args, **kwargs):
        sent.append(probe.__name__)
        return real(probe, *args, **kwargs)

    session._run = counting
    return sent


@pytest.mark.engine
@pytest.mark.timeout(120)
def test_each_case_answers_as_its_own_call_in_one_probe_call(session_for):
    session = session_for(STUDENT, timeout=20.0)
    session.cpu_limit, session.check = 1.0, "doubling"
    sent = _calls(session)
    answers = list(probes.each_call(session, "doubled", CALLS))
    assert sent == ["calls_each"]
    alone = [session.run(probes.call, "doubled", args, {}) for args in CASES]
    assert [a.tolist() for a in answers] == [a.tolist() for a in alone] == [[2.0], [2.0, 2.0], [2.0] * 3]
    recorded = list(
        probes.each_call(session, "mse", [((torch.ones(2), torch.zeros(2)), {})], off=("mse_loss",))
    )
    assert recorded == [
        session.run(probes.call_recorded, "mse", (torch.ones(2), torch.zeros(2)), {}, off=("mse_loss",))
    ]


@pytest.mark.engine
@pytest.mark.timeout(120)
def test_the_case_that_raises_raises_as_its_own_call_does(session_for):
    session = session_for(STUDENT, timeout=20.0)
    session.cpu_limit, session.check = 1.0, "raising"
    with pytest.raises(SubmissionError) as alone:
        session.run(probes.call, "raises_on_the_second", CASES[1], {})
    answers = probes.each_call(session, "raises_on_the_second", CALLS)
    assert next(answers).tolist() == [2.0]
    with pytest.raises(SubmissionError) as batched:
        next(answers)
    assert str(batched.value) == str(alone.value) and "two elements" in str(alone.value)


@pytest.mark.engine
@pytest.mark.timeout(120)
def test_a_hang_is_told_and_remembered_as_its_own_calls_would(session_for):
    session = session_for(STUDENT, timeout=20.0)
    session.cpu_limit, session.check = 0.25, "hanging"
    answers = probes.each_call(session, "hangs_on_the_third", CALLS)
    assert [next(answers).tolist(), next(answers).tolist()] == [[0.0], [0.0, 0.0]]
    with pytest.raises(ProbeTimeout, match=r"hangs_on_the_third\(\) reached its CPU limit of 0\.25 s"):
        next(answers)
    assert "hangs_on_the_third" in session.stalls


@pytest.mark.engine
@pytest.mark.timeout(120)
def test_a_hang_in_a_case_the_check_never_reached_is_not_remembered(session_for):
    """One call a case: the check fails on the first case's value and never calls the second,
    which would hang. The batch runs the second, hangs, and must leave no stall behind."""
    session = session_for(STUDENT, timeout=20.0)
    session.cpu_limit, session.check = 0.25, "wrong"
    answers = probes.each_call(session, "wrong_then_hangs", CALLS)
    assert next(answers).tolist() == [0.0]  # the check stops here: wrong
    assert session.stalls == {} and session.printed.shown() == ""
    assert session.run(probes.call, "wrong_then_hangs", CASES[2], {}).tolist() == [0.0] * 3
