"""A module called again on the same object answers as a new one: each input of a case that says
``again`` (grader/checks/domains.py) is also fed to a model built afresh under the same seed and
mode (probe_kit.fresh_outputs), and the reused object's outputs must equal those. A one-hot
buffer kept on the module and never cleared answers its first call right and every later one
wrong; one fresh model per case, as every other case builds, never shows it."""

from __future__ import annotations

from typing import Any

from grader.base.i18n import N_, _
from grader.checks import domains
from grader.checks.judging.judge import expect_close
from grader.checks.verdict.described import describe
from grader.checks.verdict.failed import fail

AGAIN = N_("%(case)s, call %(number)d on the same object against a new object's")


def judge(case: domains.Case, mine: dict[str, Any], what: str, rtol: float, atol: float) -> None:
    """The reused object's outputs, call after call, against the fresh builds' on the same inputs."""
    if not case.again:
        return
    outs, fresh = mine.get("out"), mine.get("fresh")
    if not isinstance(outs, list) or not isinstance(fresh, list) or len(outs) != len(fresh):
        fail(what, N_("a result"), describe(outs), hint=domains.HINTS["state"])
    for i, (out, new) in enumerate(zip(outs, fresh), 1):
        said = _(AGAIN) % {"case": what, "number": i}
        expect_close(out, new, said, rtol=rtol, atol=atol, hint=domains.HINTS["state"])
