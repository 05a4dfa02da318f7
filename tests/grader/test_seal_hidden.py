"""No hidden suite code reaches a student. A worker that runs a hidden probe
holds its request (the probe's source); one submission read every request it saw through
frames and re-raised and printed them in later checks' messages: with the hidden checks in the
public checks' worker, 6 hidden-only lines reached the batch feedback and 3 a visible Gradescope
test. Here a spy does that on every call, and every student-facing output is searched for the
hidden-only lines of the suite (the public checks' lines are in the student's release)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from helpers import REPO
from planted import unheld

from grader.apps.release import public_suite
from grader.apps.selfcheck import CheckResult
from grader.base import defaults
from grader.base.topics import suite_path
from grader.batch.feedback import feedback_markdown
from grader.batch.gradebook import Row
from grader.batch.gradescope_results import gradescope_results
from grader.checks.verdict.scoring import Report, TopicResult
from grader.engine.suites import collected as suites
from grader.report import to_table

pytestmark = pytest.mark.engine

TOPIC = "losses"

# Each call records the requests on the stack it has not seen (the worker's `request`, whose
# "source" is the probe's), then prints them and raises them; with none new it answers. The
# trusted-side source scan (grader/engine/subset/submission.py) would refuse this module; the engine runs
# it here without the scan, as one of the scan's bypasses (an import the scan missed) would have.
SPY = unheld(
    """

import sys as _sys

_SEEN, _NEW = set(), []


def _spied(function):
    def spy(*args, **kwargs):
        frame = _sys._getframe(1)
        while frame is not None:
            request = frame.f_locals.get("request")
            if isinstance(request, dict) and isinstance(request.get("source"), str):
                if request["source"] not in _SEEN:
                    _SEEN.add(request["source"])
                    _NEW.append(request["name"] + "\\n" + request["source"])
            frame = frame.f_back
        if _NEW:
            text = "\\n".join(_NEW)
            _NEW.clear()
            print(text)
            raise ValueError(text)
        return function(*args, **kwargs)

    return spy


_globals = _sys.modules[__name__].__dict__
for _name, _value in list(_globals.items()):
    if isinstance(_value, type(_spied)) and _value.__module__ == __name__ and _value is not _spied:
        _globals[_name] = _spied(_value)
"""
)


def hidden_only() -> tuple[set[str], set[str]]:
    """(the suite's lines of 26+ characters, other than comments, that its public cut does not
    hold; the names of the probes it defines that the public cut does not)."""
    full = suite_path(TOPIC).read_text()
    public, _ = public_suite(full)
    lines = {line.strip() for line in full.splitlines()}
    lines -= {line.strip() for line in public.splitlines()}
    code = {line for line in lines if len(line) > 25 and not line.startswith("#")}

    def probes(text: str) -> set[str]:
        tree = ast.parse(text)
        return {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("probe_")}

    return code, probes(full) - probes(public)


def student_facing(results: list, folder: Path) -> dict[str, str]:
    """Every output a student meets, from one topic's results: `grade`'s JSON and table, the
    batch feedback, Gradescope's results, the notebook's check() table of each exercise."""
    topic = TopicResult(TOPIC, results)
    report = Report(topics=[topic], sandbox="bubblewrap", device="cpu")
    row = Row("spy", "", "", "graded", "", topic.score, topic.max_score, {"topics": [topic.to_json()]})
    outputs = {
        "json": json.dumps(topic.to_json()),
        "table": to_table(report, str(folder)),
        "feedback": feedback_markdown(row),
        "gradescope": json.dumps(gradescope_results(row)),
    }
    tests = [t.to_json() for t in results]
    for exercise in sorted({e for t in results for e in t.exercises}):
        check = CheckResult(exercise, [t for t in tests if exercise in t["exercises"]])
        outputs[f"check({exercise})"] = str(check) + check._repr_html_()
    return outputs


def test_no_hidden_suite_line_reaches_a_student(tmp_path):
    folder = tmp_path / "spy"
    folder.mkdir()
    (folder / f"{TOPIC}.py").write_text((REPO / "solutions" / f"{TOPIC}.py").read_text() + SPY)
    suite = suites.collected(TOPIC, defaults.PROBE_TIMEOUT)
    run = suites.Run(
        submission=folder,
        grade_device="cpu",
        probe_timeout=defaults.PROBE_TIMEOUT,
        budget=defaults.SUBMISSION_BUDGET,
        memory_mb=defaults.MEMORY_MB,
    )
    results, _ = suite.run(run)
    assert any(not t.public for t in results) and any(t.public for t in results)
    assert [t.id for t in results] == [row.id for row in suite.rows], "the suite's order, public first or not"
    outputs = student_facing(results, folder)
    public_errors = [t.message for t in results if t.public and t.status == "error"]
    assert any("def " in m and "(mod" in m for m in public_errors), "the spy shows the public probes it saw"
    lines, probes = hidden_only()
    assert lines and probes
    leaks = {name: sorted(x for x in lines | probes if x in text) for name, text in outputs.items()}
    assert not any(leaks.values()), {name: found for name, found in leaks.items() if found}


# Every call raises every request it has seen: a public check's message would carry any
# hidden probe its worker ran before.
HOARDER = unheld(
    """
import sys

_SEEN = []


def mse(y_hat, y, reduction="mean"):
    frame = sys._getframe(1)
    while frame is not None:
        request = frame.f_locals.get("request")
        if isinstance(request, dict) and request.get("source") not in _SEEN:
            _SEEN.append(request.get("source"))
        frame = frame.f_back
    raise ValueError("\\n".join(map(str, _SEEN)))
"""
)


def probe_hidden_secret(mod):
    secret_marker = "a hidden probe's line that no public worker may hold"
    return mod.mse(secret_marker, None)


def probe_public(mod):
    return mod.mse(None, None)


def test_a_public_checks_worker_never_ran_a_hidden_probe(session_for):
    from grader.engine.worker.problems import SubmissionError

    session = session_for(HOARDER, timeout=10.0)
    session.hidden = True
    with pytest.raises(SubmissionError) as hidden:  # its own lane holds it, and says nothing of it
        session.run(probe_hidden_secret)
    assert "secret_marker" not in str(hidden.value) and "hidden check" in str(hidden.value)
    session.hidden = False
    with pytest.raises(SubmissionError) as public:
        session.run(probe_public)
    assert "def probe_public" in str(public.value)
    assert "secret_marker" not in str(public.value), "the public worker saw the hidden probe"


def test_a_worker_handed_to_the_hidden_checks_never_answers_a_public_one(session_for):
    """The hidden lane takes the public lane's worker (one worker a task); a public check after a
    hidden one must then get a fresh worker, or the hidden probe's request (and inputs) would
    reach its message. Seen failing with the public lane keeping the worker it handed over."""
    from grader.engine.worker.problems import SubmissionError

    session = session_for(HOARDER, timeout=10.0)
    with pytest.raises(SubmissionError):
        session.run(probe_public)
    first = session.lanes[False].worker
    session.hidden = True
    with pytest.raises(SubmissionError) as hidden:
        session.run(probe_hidden_secret)
    assert session.lanes[True].worker is first, "the hidden lane started a worker of its own"
    assert "secret_marker" not in str(hidden.value)
    session.hidden = False
    with pytest.raises(SubmissionError) as public:
        session.run(probe_public)
    assert "secret_marker" not in str(public.value), "a public check heard from a hidden check's worker"
    assert session.lanes[False].worker is not first
