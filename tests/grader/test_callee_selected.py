"""A caller graded apart from its callee (``--exercise CALLER``, ``check()`` of one exercise)
still leads with the callee when the callee is at fault: the callee's own checks run beside the
caller's for the blame alone (they earn and show nothing), so the verdict is the one the whole
topic's grading gives. Seen failing on main: the caller led with its own check and a hint keyed
to a mistake it did not make."""

from __future__ import annotations

import json

import pytest
from helpers import run_grade
from test_callee_blame import edited


@pytest.mark.e2e
@pytest.mark.parametrize(
    "topic, old, new, callee, caller",
    [
        # a log-softmax that forgets the log of its sum
        (
            "losses",
            ".sum(dim=dim, keepdim=True).log()",
            ".sum(dim=dim, keepdim=True)",
            "log_softmax",
            "cross_entropy",
        ),
        # a cell with sigmoid where tanh is asked
        ("rnn", "return torch.tanh(x @ w_ih.T", "return torch.sigmoid(x @ w_ih.T", "rnn_cell", "rnn_forward"),
    ],
    ids=["cross_entropy-log_softmax", "rnn_forward-rnn_cell"],
)
def test_a_caller_graded_alone_leads_with_its_broken_callee(tmp_path, topic, old, new, callee, caller):
    path = edited(tmp_path, topic, old, new)
    for language, said in (("en", f"runs {callee}, which fails a check of its own"), ("zh_CN", callee)):
        done = run_grade(
            "--lang",
            language,
            "check",
            str(path),
            "--exercise",
            caller,
            "--format",
            "json",
            "-k",
            "not convergence",
        )
        assert done.returncode in (0, 1), done.stderr[-2000:]
        topic_result = json.loads(done.stdout)["topics"][0]
        shown = {e["name"]: e for e in topic_result["exercises"]}
        verdict = shown[caller]
        assert verdict["cause"] == f"callee:{callee}", verdict
        assert said in verdict["diagnosis"].splitlines()[0], verdict
        # the callee's checks earn and show nothing here: every check listed judges the caller
        assert all(caller in t["exercises"] for t in topic_result["tests"])
