"""A hint is shown only where the evidence singles out its cause (no hint is better than a
wrong one): an infinity is not told "subtract the maximum before exp" when it may come from a
division by 0; a softmax that subtracts a maximum, the whole tensor's, is told so, not "subtract
the maximum"; an optimiser whose reloaded copy (``state_dict()``) goes astray is told where the
state belongs, not "the same object is used again". Each seen failing on main."""

from __future__ import annotations

import json

import pytest
import torch
from helpers import run_grade
from test_callee_blame import edited

from grader.checks import domains
from grader.checks.judging.judge import CheckFailed, expect_close


@pytest.mark.unit
def test_an_infinity_from_a_zero_divisor_is_not_told_to_subtract_a_maximum():
    """A bias correction divided by 1 − β⁰ = 0 gives inf: the exp is not the only road to it."""
    with pytest.raises(CheckFailed) as failed:
        expect_close(torch.tensor([float("inf"), 2.0]), torch.tensor([1.5, 2.0]), "ema", hint="")
    said = str(failed.value)
    assert "subtract the maximum" not in said, said
    assert "division by 0" in said, said


@pytest.mark.unit
def test_a_reloaded_optimiser_case_is_told_where_its_state_belongs():
    reload = domains.Case("state", "SGD", kind="optimiser", kwargs={"reload": 2}, same_as=0)
    plain = domains.Case("state", "SGD", kind="optimiser", kwargs={"reload": 0})
    assert "self.state[p]" in domains.hint_for(reload)
    assert "state_dict()" in domains.hint_for(reload)
    assert domains.hint_for(plain) == domains.HINTS["state"]


@pytest.mark.e2e
def test_a_softmax_shifted_by_the_whole_tensors_maximum_is_told_so(tmp_path):
    """log_softmax's LogSumExp form shifted by the whole tensor's maximum (x.amax()): a row far
    below it underflows to log 0 = −inf; "subtract the maximum before exp" misled on main."""
    path = edited(
        tmp_path,
        "losses",
        "shifted = x - x.amax(dim=dim, keepdim=True).detach()",
        "shifted = x - x.amax().detach()",
    )
    for language, own in (("en", "own maximum"), ("zh_CN", "自己的最大值")):
        done = run_grade(
            "--lang",
            language,
            "check",
            str(path),
            "--exercise",
            "log_softmax",
            "--format",
            "json",
            "--verbose",
            "-k",
            "not convergence",
        )
        assert done.returncode in (0, 1), done.stderr[-2000:]
        topic = json.loads(done.stdout)["topics"][0]
        lead = topic["exercises"][0]["diagnosis"]
        assert own in lead, lead
        listed = "\n".join(t["message"] for t in topic["tests"])
        for misleading in ("exp(600) is inf", "exp(1000) is inf", "never log(softmax(x))"):
            assert misleading not in listed, listed
