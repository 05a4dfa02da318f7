"""The engine runs a collected suite's items through its lean protocol (grader/engine/suites/lean.py)
and records, for every kind of outcome, the TestResult pytest's own protocol records: a tiny
hand-written suite is run with the lean protocol, then with pytest's (the lean plugin taken
out of the same configuration), then with the lean one again (items run a second time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from helpers import REPO

from grader.engine.check_table import NO_CUDA

pytestmark = pytest.mark.engine

TINY = """
import os
import time

import pytest

from grader.checks import check, inputs
from grader.checks.judging.judge import CheckFailed
from grader.engine.worker.problems import NotStarted, ProbeTimeout, SubmissionError

def ran(name):  # a body that must not run after its setup failed leaves a trace
    with open(os.environ["TINY_TRACE"], "a") as trace:
        trace.write(name + "\\n")

@pytest.fixture
def broken():
    raise ValueError("fixture broke")

@pytest.fixture(scope="module")
def broken_module():
    raise NotStarted("the module fixture's worker did not start")

@pytest.fixture
def unready():
    raise CheckFailed("a failure while setting up")

@pytest.fixture
def bad_teardown():
    yield 1
    raise RuntimeError("teardown broke")

@check("shape")
def test_pass():
    pass

@check("shape", points=2)
def test_check_failed():
    raise CheckFailed("mse(y_hat, y): expected 1.0, got 2.0.", curve={"loss": [1.0, 0.5]})

@check("shape")
def test_assertion_message():
    assert 1 == 2, "the values differ"

@check("shape")
def test_assertion_bare():
    assert [1, 2, 3] == [1, 2, 4]

@check("shape")
def test_not_started():
    raise NotStarted("mse() still raises NotImplementedError")

@check("shape")
def test_probe_timeout():
    raise ProbeTimeout("mse() did not answer within 10 s")

@check("shape")
def test_submission_error():
    raise SubmissionError("mse() raised ZeroDivisionError")

@check("shape")
def test_skip_in_call():
    pytest.skip("not this time")

@check("device", cuda=True)
def test_cuda_skip_in_setup():
    ran("cuda")

@check("shape")
def test_setup_error(broken):
    ran("setup_error")

@check("shape")
def test_setup_check_failed(unready):
    ran("setup_check_failed")

@check("shape")
def test_module_fixture_a(broken_module):
    ran("module_a")

@check("shape")
def test_module_fixture_b(broken_module):
    ran("module_b")

@check("shape")
def test_teardown_error(bad_teardown):
    pass

@check("shape")
def test_after_teardown_error():
    pass

@check("shape")
def test_backstop_raised():
    pytest.fail("Timeout (>240.0s) from pytest-timeout.")

@check("shape")
@pytest.mark.timeout(0.5)
def test_backstop_timer():
    time.sleep(5)

@check("shape")
def test_other_exception():
    raise ValueError("the check's own bug")

@check("shape")
def test_system_exit():
    raise SystemExit(3)

@check("shape", exercise="mse")
@pytest.mark.parametrize("n", [1, 2])
def test_parametrised(n):
    assert n == 1, f"n is {n}"

@pytest.fixture
def doubled(n):  # a fixture that reads a directly parametrised argument
    return 2 * n

@pytest.fixture
def letter(request):  # an indirect parameter
    return request.param.upper()

@check("shape", exercise="mse")
@pytest.mark.parametrize("letter", ["a"], indirect=True)
@pytest.mark.parametrize("n", [3, 4])
@pytest.mark.parametrize("kept", [[1]], ids=["kept"], scope="module")
def test_parameters_reach_the_check(n, doubled, letter, kept, request):
    assert (doubled, letter, kept, request.getfixturevalue("n")) == (2 * n, "A", [1], n)
    assert n == 3, f"n is {n}"

@pytest.fixture(scope="module")
def shared():  # one value for the module's checks in one run
    return []

@check("shape", exercise="mse")
def test_shared_first(shared):
    shared.append(1)

@check("shape", exercise="mse")
def test_shared_second(shared, request):
    assert shared == [1] and request.getfixturevalue("shared") is shared, f"shared is {shared}"

@pytest.fixture(scope="module", params=[None, 7], ids=["none", "seven"])
def moduled(request, shared):  # a module-wide parameter whose first value is None
    return request.param, len(shared)

@check("shape", exercise="mse")
def test_module_parameter(moduled):
    assert moduled[0] is None, f"moduled is {moduled}"

@check("shape")
def test_hidden_inputs_drawn_for_the_student():
    assert inputs.current() != 0, "the call ran without the student's variant"

@check("shape", public=True)
def test_public_inputs_fixed():
    assert inputs.current() == 0, "a public check drew a variant"

@check("shape", exercise="interrupt")
def test_interrupt():
    raise KeyboardInterrupt
"""

EXPECTED = {
    "pass": "passed",
    "check_failed": "failed",
    "assertion_message": "failed",
    "assertion_bare": "failed",
    "not_started": "not_started",
    "probe_timeout": "timeout",
    "submission_error": "error",
    "skip_in_call": "skipped",
    "cuda_skip_in_setup": "skipped",
    "setup_error": "error",
    "setup_check_failed": "error",
    "module_fixture_a": "not_started",
    "module_fixture_b": "not_started",
    "teardown_error": "passed",
    "after_teardown_error": "passed",
    "backstop_raised": "timeout",
    "backstop_timer": "timeout",
    "other_exception": "error",
    "system_exit": "error",
    "parametrised[1]": "passed",
    "parametrised[2]": "failed",
    "parameters_reach_the_check[kept-3-a]": "passed",
    "parameters_reach_the_check[kept-4-a]": "failed",
    "shared_first": "passed",
    "shared_second": "passed",
    "module_parameter[none]": "passed",
    "module_parameter[seven]": "failed",
    "hidden_inputs_drawn_for_the_student": "passed",
    "public_inputs_fixed": "passed",
}

# Runs in a fresh process: the suite's timer takes SIGALRM, which this test run's own timeout uses.
COMPARE = """
import dataclasses, json, os, signal, sys
from pathlib import Path
from grader.engine.suites import collected as suites
from grader.engine.suites.plugin import Run

suite = suites.collected("tiny", 10.0)
handler = signal.getsignal(signal.SIGALRM)
def a_run(**chosen):
    return Run(submission=Path(sys.argv[1]), grade_device="cpu", probe_timeout=10.0, budget=60.0,
               memory_mb=512, course_seed="c", student="ada", **chosen)

def results(**chosen):
    return [dataclasses.asdict(r) for r in suite.run(a_run(**chosen))[0]]

def interrupted():
    try:
        suite.run(a_run(keyword="test_pass or interrupt or test_check_failed"))
    except KeyboardInterrupt:
        return [dataclasses.asdict(r) for r in suite.collector.results.get("tiny", [])]
    return "no KeyboardInterrupt"

out = {"lean": results(keyword="not interrupt"), "lean_interrupted": interrupted()}
suite.config.pluginmanager.unregister(suite.lean)
out["pytest"] = results(keyword="not interrupt")
out["pytest_interrupted"] = interrupted()
suite.config.pluginmanager.register(suite.lean)
out["lean_again"] = results(keyword="not interrupt")
out["alarm_handler_kept"] = signal.getsignal(signal.SIGALRM) is handler and not signal.getitimer(signal.ITIMER_REAL)[0]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> tuple[dict, str]:
    """The tiny suite's runs, each as a list of TestResults, and the trace its bodies left."""
    tmp_path = tmp_path_factory.mktemp("lean")
    folder = tmp_path / "suites"
    folder.mkdir()
    (folder / "pytest.ini").write_text((REPO / "tests" / "suites" / "pytest.ini").read_text())
    (folder / "suite_tiny.py").write_text(textwrap.dedent(TINY))
    (folder / "pack.toml").write_text('name = "tiny"\n\n[[topics]]\nname = "tiny"\nexercises = ["mse"]\n')
    trace = tmp_path / "trace"
    trace.touch()
    submission = tmp_path / "submission"
    submission.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", COMPARE, str(submission)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "TORCHGRADE_PACKS": str(folder),  # a pack declares the tiny topic: its suite is read
            "TINY_TRACE": str(trace),
        },
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), trace.read_text()


@pytest.mark.timeout(180)
def test_every_outcome_is_recorded_as_pytest_s_protocol_records_it(compared):
    runs, trace = compared
    lean = {r["id"]: r for r in runs["lean"]}
    assert {i: r["status"] for i, r in lean.items()} == EXPECTED
    assert runs["lean"] == runs["pytest"], "the lean protocol records what pytest's does"
    assert runs["lean_again"] == runs["lean"], "a second run of the same items records the same"
    assert trace == "", "no check body runs after its setup failed or skipped"
    assert runs["alarm_handler_kept"], "the backstop's SIGALRM handler and timer are gone after a task"

    assert lean["check_failed"]["message"] == "mse(y_hat, y): expected 1.0, got 2.0."
    assert lean["check_failed"]["curve"] == {"loss": [1.0, 0.5]}
    assert lean["assertion_message"]["message"] == "the values differ"
    assert "At index 2 diff: 3 != 4" in lean["assertion_bare"]["message"], "pytest's explanation"
    assert lean["cuda_skip_in_setup"]["message"] == NO_CUDA
    assert lean["skip_in_call"]["message"] == "not this time"
    assert lean["parameters_reach_the_check[kept-4-a]"]["message"] == "n is 4", "direct parameters"
    assert lean["module_parameter[seven]"]["message"] == "moduled is (7, 1)", "a module-wide parameter"
    assert lean["backstop_timer"]["message"] == "the whole check ran past the grader's backstop timeout"
    assert "ValueError: fixture broke" in lean["setup_error"]["message"]


@pytest.mark.timeout(180)
def test_a_ctrl_c_stops_the_run_after_the_checks_before_it(compared):
    runs, _ = compared
    assert [r["id"] for r in runs["lean_interrupted"]] == ["pass", "check_failed"]
    assert runs["lean_interrupted"] == runs["pytest_interrupted"]


UNREAD = """
import pytest
from grader.checks import check

@check("shape")
@pytest.mark.{mark}
def test_marked():
    pass
"""

MARKS = ("skip", "skipif(True, reason='no')", "xfail")

# One process collects one suite per mark (topics tiny0, tiny1...: one module name each), of a
# pack that declares them (a grade reads only what a pack declares)
REFUSED = """
import json, sys
from grader.engine.suites import collected as suites
said = []
for n in range(int(sys.argv[1])):
    try:
        suites.collected(f"tiny{n}", 10.0)
        said.append("collected")
    except suites.SuiteBroken as exc:
        said.append(str(exc))
print(json.dumps(said))
"""


@pytest.mark.timeout(180)
def test_a_mark_the_lean_protocol_would_not_read_stops_the_collection(tmp_path):
    topics = "".join(f'[[topics]]\nname = "tiny{n}"\nexercises = ["f"]\n\n' for n in range(len(MARKS)))
    (tmp_path / "pack.toml").write_text(f'name = "tiny"\n\n{topics}')
    (tmp_path / "pytest.ini").write_text((REPO / "tests" / "suites" / "pytest.ini").read_text())
    for n, mark in enumerate(MARKS):
        (tmp_path / f"suite_tiny{n}.py").write_text(UNREAD.format(mark=mark))
    done = subprocess.run(
        [sys.executable, "-c", REFUSED, str(len(MARKS))],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "TORCHGRADE_PACKS": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    said = json.loads(done.stdout.strip().splitlines()[-1])
    for mark, answer in zip(MARKS, said, strict=True):
        assert f"test_marked is marked {mark.split('(')[0]}" in answer, answer
