"""A correct exercise that fails because an exercise it calls fails leads with the callee, its
failing check and its hint: what a check's run calls is the probe's own calls
and the learner's code's, resolved through the learner's bindings (grader/checks/verdict/callees.py); the
points are unchanged. The e2e cases are the four measured on main (each seen failing there: the
caller led with its own check and a hint keyed to a mistake it did not make), graded whole (the
callee's checks in the same grading) in English and Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REPO, run_grade

from grader.checks.verdict.callees import graph, reached
from grader.checks.verdict.exercises import judge

LANGUAGES = ("en", "zh_CN")
ZH_SAID = "自己的检查未通过：请先修正"


@pytest.mark.unit
def test_calls_follow_the_learners_bindings_not_the_spelling():
    source = """
import torch
from torch.nn.functional import softmax as sm

def log_softmax(x, dim=-1):
    return x

lsm = log_softmax

def _helper(x):
    return lsm(x)

def cross_entropy(logits, target):
    return _helper(logits)

def nll(x, log_softmax=None):
    return log_softmax(x)

def softmax(x):
    return x

def kl(p):
    return softmax(p)

softmax = sm

class Block:
    pass

class Net:
    def __init__(self):
        self.block = Block()
"""
    edges = graph(source)
    exercises = ["log_softmax", "cross_entropy", "nll", "softmax", "kl", "Block", "Net"]
    assert reached(edges, ["cross_entropy"], exercises) == {"log_softmax"}  # an alias, through a helper
    assert reached(edges, ["nll"], exercises) == set()  # its parameter, not the module's function
    assert reached(edges, ["kl"], exercises) == set()  # softmax is rebound to torch's at the end
    assert reached(edges, ["Net"], exercises) == {"Block"}
    assert graph("def broken(:\n") == {}


def rows(callee_status: str) -> list[dict]:
    def row(test_id, status, exercise, **more):
        return {
            "id": test_id,
            "kind": "shape",
            "status": status,
            "points": 1.0 if status == "passed" else 0.0,
            "max_points": 1.0,
            "message": f"{test_id} said so\n  hint: {test_id}'s own hint",
            "visibility": "public",
            "exercises": [exercise],
            **more,
        }

    return [
        row("log_softmax_stable", callee_status, "log_softmax"),
        row("log_softmax_values", "passed", "log_softmax"),
        row("cross_entropy_values", "passed", "cross_entropy"),
        row("cross_entropy_stable", "failed", "cross_entropy", calls=["log_softmax"], cause="values"),
    ]


@pytest.mark.unit
def test_the_callee_leads_only_where_it_fails_its_own_checks():
    callee, caller = judge(rows("failed"))
    assert caller.cause == "callee:log_softmax"
    first, told, hint = caller.diagnosis.splitlines()[:3]
    assert "runs log_softmax" in first and "fix log_softmax first" in first
    assert "log_softmax_stable said so" in told and "log_softmax_stable's own hint" in hint
    assert "cross_entropy_stable's own hint" not in caller.diagnosis
    assert (caller.points, callee.points) == (1.0, 1.0)  # the points are the checks' as before
    alone = judge(rows("passed"))[1]  # a callee that passes is no cause
    assert alone.cause == "cross_entropy_stable:values" and "cross_entropy_stable said so" in alone.diagnosis


def grade_whole(path: Path, *keys: str) -> dict[str, dict[str, dict]]:
    """{language: {exercise: verdict}} of the topic graded whole but for ``keys`` (-k)."""
    found = {}
    for language in LANGUAGES:
        done = run_grade("--lang", language, "check", str(path), "--format", "json", *keys)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        topic = json.loads(done.stdout)["topics"][0]
        found[language] = {e["name"]: e for e in topic["exercises"]}
    return found


def edited(tmp_path: Path, topic: str, old: str, new: str) -> Path:
    text = (REPO / "solutions" / f"{topic}.py").read_text()
    assert old in text
    path = tmp_path / f"{topic}.py"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.e2e
@pytest.mark.parametrize(
    "topic, old, new, callee, caller, keys",
    [
        (  # "never log(softmax(x))" for a cross_entropy that never wrote it
            "losses",
            "shifted = x - x.amax(dim=dim, keepdim=True).detach()",
            "shifted = x - x.max()",
            "log_softmax",
            "cross_entropy",
            ("-k", "not convergence"),
        ),
        (  # a generic layer checklist for GoogLeNetMini
            "inception",
            "[b1x1, b5x5, b3x3, bpool]",
            "[b1x1, b3x3, b5x5, bpool]",
            "InceptionA",
            "GoogLeNetMini",
            ("-k", "not convergence"),
        ),
        (  # SmallResNet 0/9 with "a convolution without padding"
            "resnet",
            "        if stride != 1 or in_channels != out_channels:\n",
            "        if False:\n",
            "BasicBlock",
            "SmallResNet",
            ("-k", "not convergence"),
        ),
    ],
    ids=["cross_entropy", "GoogLeNetMini", "SmallResNet"],
)
def test_a_correct_caller_leads_with_its_broken_callee(tmp_path, topic, old, new, callee, caller, keys):
    found = grade_whole(edited(tmp_path, topic, old, new), *keys)
    english, chinese = found["en"][caller], found["zh_CN"][caller]
    assert english["cause"] == chinese["cause"] == f"callee:{callee}", english
    assert english["points"] == chinese["points"] < english["max_points"]
    assert english["diagnosis"].startswith(f"a failing check of {caller} runs {callee}"), english
    callee_lead = found["en"][callee]["diagnosis"].split("\nand ", 1)[0]
    assert all(line.strip() in english["diagnosis"] for line in callee_lead.splitlines()), english
    assert "hint:" in english["diagnosis"] and ZH_SAID in chinese["diagnosis"], chinese


@pytest.mark.unit
def test_a_listed_check_that_ran_a_failing_callee_points_to_it_not_to_its_own_hint():
    """--verbose lists every check: cross_entropy's own check said "never log(softmax(x))", a
    mistake its code did not make; it points to the callee now."""
    from grader.checks.verdict.exercises import callee_pointed

    listed = {t["id"]: t["message"] for t in callee_pointed(rows("failed"))}
    assert listed["cross_entropy_stable"].endswith(
        "hint: it runs log_softmax, which fails a check of its own: fix log_softmax first"
    )
    assert "cross_entropy_stable said so" in listed["cross_entropy_stable"]
    assert listed["log_softmax_stable"].endswith("log_softmax_stable's own hint")
    unchanged = {t["id"]: t["message"] for t in callee_pointed(rows("passed"))}
    assert unchanged["cross_entropy_stable"].endswith("cross_entropy_stable's own hint")


@pytest.mark.unit
def test_an_infinity_is_told_as_one_where_the_checks_hint_speaks_of_something_else():
    """log_softmax's any-shape check told an overflow "reduce over every element ... the LAST
    axis" (a plain hint for another mistake); an infinity where a finite value was expected is
    told as one unless the check's own hint speaks of non-finite values."""
    import torch

    from grader.checks.judging.judge import CheckFailed, expect_close

    expected = torch.tensor([-1.5, -0.2])
    with pytest.raises(CheckFailed) as axis:
        expect_close(
            torch.tensor([float("inf"), -0.2]), expected, "f", hint="distributions along the LAST axis"
        )
    assert "an infinity where a finite value was expected" in str(axis.value)
    assert "LAST axis" not in str(axis.value)
    with pytest.raises(CheckFailed) as own:
        expect_close(
            torch.tensor([float("inf"), -0.2]), expected, "f", hint="subtract the max: exp(600) is inf"
        )
    assert "exp(600) is inf" in str(own.value)
    with pytest.raises(CheckFailed) as finite:  # finite values off: the check's hint stands
        expect_close(torch.tensor([3.0, -0.2]), expected, "f", hint="distributions along the LAST axis")
    assert "LAST axis" in str(finite.value)


@pytest.mark.e2e
def test_verbose_secondary_checks_carry_no_hint_keyed_to_another_mistake(tmp_path):
    path = edited(
        tmp_path, "losses", "shifted = x - x.amax(dim=dim, keepdim=True).detach()", "shifted = x - x.max()"
    )
    for language, pointer in (("en", "it runs log_softmax"), ("zh_CN", "它运行了 log_softmax")):
        done = run_grade("--lang", language, "check", str(path), "--verbose", "-k", "not convergence")
        listed = done.stdout.split("\n\n")[-1]
        assert pointer in listed, listed
        assert "never log(softmax(x))" not in listed and "LAST axis" not in listed, listed


@pytest.mark.unit
def test_a_probe_calls_what_it_loads_of_the_learners_module_only():
    import torch

    from grader.checks.verdict.callees import probe_names

    def probe(mod, steps):
        x = mod.encode_chars("hello", "ehlo")
        optimizer = torch.optim.SGD([], lr=0.1)  # torch's SGD, not the learner's

        def inner():
            return mod.HelloRNN(4, 8)

        return x, optimizer, inner

    assert probe_names(probe.__code__) == {"encode_chars", "HelloRNN"}


@pytest.mark.engine  # every built-in suite imported
def test_a_probe_given_its_exercises_name_reaches_that_one_alone():
    """A probe that runs the exercise its ``name`` argument names reaches it by that name
    (``getattr(mod, name)``): one that spelled each branch's exercise (``mod.numerical_grad`` in the
    branch not taken) made a failing check of grad_of_vector_fn "run" numerical_grad, and the lead
    told a learner to fix that stub first (causes9 a03, as first met)."""
    import importlib.util
    import inspect

    from grader.base import topics
    from grader.checks.verdict.callees import probe_names

    spelled = []
    for found in topics.MANIFEST:
        topic, path = found.name, found.pack.suites_folder / f"suite_{found.name}.py"
        spec = importlib.util.spec_from_file_location(f"suite_{topic}_probes", path)
        assert spec is not None and spec.loader is not None
        suite = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(suite)
        for name, probe in vars(suite).items():
            if not (inspect.isfunction(probe) and name.startswith("probe")):
                continue
            named = probe_names(probe.__code__) & set(topics.exercises(topic))
            if "name" in inspect.signature(probe).parameters and len(named) > 1:  # one per branch
                spelled.append(f"{topic}.{name}: {sorted(named)}")
    assert not spelled, spelled
