"""The `grade` command: the JSON contract, exit codes, and unusable input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import REPO, grade_json, run_grade

from grader.checks.verdict.scoring import KINDS, STATUSES


@pytest.mark.e2e
def test_json_contract_for_one_topic_file(solution_losses_report):
    code, report = solution_losses_report
    assert code == 0
    assert {"score", "max_score", "topics"} <= set(report)
    (topic,) = report["topics"]
    assert topic["name"] == "losses" and {"name", "score", "max_score", "tests"} <= set(topic)
    for test in topic["tests"]:
        assert {"id", "kind", "status", "points", "max_points", "message"} <= set(test)
        assert test["status"] in STATUSES
        assert test["kind"] in KINDS


@pytest.mark.e2e
def test_table_output_teaches(tmp_path):
    wrong = (
        (REPO / "solutions" / "losses.py")
        .read_text()
        .replace("e = (x - x.amax(dim=dim, keepdim=True).detach()).exp()", "e = x.exp()")
    )
    (tmp_path / "losses.py").write_text(wrong)
    done = run_grade(str(tmp_path), "--topic", "losses")
    assert done.returncode == 1
    assert "softmax at logits in the hundreds" in done.stdout  # the public stability check leads
    assert "hint: subtract the maximum along dim before exp" in done.stdout
    assert "def test_" not in done.stdout, "never show the hidden test's source"


@pytest.mark.e2e
@pytest.mark.parametrize(
    "make_args, reason",
    [
        (lambda tmp: [str(tmp / "nowhere")], "no such file or folder"),
        (lambda tmp: [str(REPO / "solutions"), "--topic", "calculus"], "unknown topic"),
        (lambda tmp: [str(tmp)], "holds no topic file"),
        (lambda tmp: [str(REPO / "README.md")], "grade a folder"),
        (
            lambda tmp: [str(REPO / "solutions" / "losses.py"), "--topic", "losses", "--topic", "tensors"],
            "at most one --topic",
        ),
    ],
)
def test_unusable_input_exits_2_with_one_line(tmp_path, make_args, reason):
    done = run_grade(*make_args(tmp_path))
    assert done.returncode == 2
    assert reason in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


@pytest.mark.e2e
def test_unknown_file_name_needs_a_topic(tmp_path):
    answer = tmp_path / "my_answer.py"
    answer.write_text((REPO / "solutions" / "losses.py").read_text())
    assert "pass --topic" in run_grade(str(answer)).stderr
    code, report = grade_json(str(answer), "--topic", "losses")
    assert code == 0 and report["topics"][0]["name"] == "losses"


@pytest.mark.e2e
def test_a_hang_and_a_crash_cost_only_their_own_checks(tmp_path):
    source = (REPO / "solutions" / "losses.py").read_text()
    source = source.replace(
        '    """Quadratic within δ, linear beyond; mean."""',
        '    """Hangs."""\n    while True:\n        pass',
    )
    source = source.replace(
        '    """Σ p·(log p − log q) over the last dim; 0 where p = 0, +inf where q = 0 < p."""',
        '    """Crashes the interpreter."""\n    import os\n    os.abort()',  # os.abort: allowed (ends only its own worker)
    )
    (tmp_path / "losses.py").write_text(source)
    code, report = grade_json(str(tmp_path), "--topic", "losses", "--timeout", "3")
    assert code == 1
    statuses = {t["id"]: t["status"] for t in report["topics"][0]["tests"]}
    assert {s for i, s in statuses.items() if "huber" in i} == {"timeout"}
    assert statuses["kl_gradient_matches_autograd"] == "error"
    assert statuses["stays_on_input_device[kl_div]"] == "error"
    others = {s for i, s in statuses.items() if "huber" not in i and "kl" not in i and "entropy" not in i}
    assert others <= {"passed", "skipped"}, others


@pytest.mark.e2e
def test_json_is_the_only_thing_on_stdout():
    done = run_grade(str(REPO / "exercises"), "--topic", "losses", "--format", "json")
    assert done.returncode == 1
    json.loads(done.stdout)


@pytest.mark.e2e
def test_the_callers_pytest_settings_do_not_change_grading(tmp_path):
    broken = (REPO / "solutions" / "losses.py").read_text() + "\ndef broken(:\n"
    (tmp_path / "losses.py").write_text(broken)
    env = {"PYTEST_ADDOPTS": "--tb=native -x --maxfail=1", "PYTEST_PLUGINS": "no_such_plugin"}
    done = run_grade(str(tmp_path), "--topic", "losses", "--format", "json", env=env)
    assert done.returncode == 1, done.stderr[-2000:]
    (topic,) = json.loads(done.stdout)["topics"]
    assert {t["status"] for t in topic["tests"]} <= {"error", "skipped"}
    assert "SyntaxError" in topic["tests"][0]["message"]


@pytest.mark.engine
def test_the_same_submission_gets_the_same_report_every_time(tmp_path):
    """Re-grading is deterministic: 20 grades of one submission in one process, identical."""
    from grader.engine.runner import grade

    mistaken = (
        (REPO / "solutions" / "losses.py")
        .read_text()
        .replace("e = (x - x.amax(dim=dim, keepdim=True).detach()).exp()", "e = x.exp()")
    )
    (tmp_path / "losses.py").write_text(mistaken)
    reports = [grade(tmp_path / "losses.py", jobs=1) for _ in range(20)]
    seen = {tuple((t.id, t.status, t.points, t.message) for t in r.topics[0].tests) for r in reports}
    assert len(seen) == 1 and 0 < reports[0].score < reports[0].max_score


@pytest.mark.e2e
def test_a_wheel_install_refuses_on_one_line_with_the_command_to_use(tmp_path):
    """`pip install .` builds a wheel of the grader package alone: it must say so, not half work."""
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("torchgrade-*.whl")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    for args in (["exercises/"], ["notebooks", str(tmp_path / "nb")], ["release", str(tmp_path / "rel")]):
        done = subprocess.run(
            [sys.executable, "-m", "grader", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(target)},
        )
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and "pip install -e ." in done.stderr
        assert not (tmp_path / "nb").exists() and not (tmp_path / "rel").exists()


@pytest.mark.e2e
def test_gradescope_writes_an_autograder_zip(tmp_path):
    import zipfile

    done = run_grade(
        "gradescope", str(tmp_path / "ag.zip"), "--topic", "losses", "--hidden-visibility", "hidden"
    )
    assert done.returncode == 0, done.stderr
    names = zipfile.ZipFile(tmp_path / "ag.zip").namelist()
    assert {
        "setup.sh",
        "run_autograder",
        "tests/suites/suite_losses.py",
        "grader/gradescope/__init__.py",
    } <= set(names)
    assert not any(n.startswith(("solutions/", "tests/grader/", "tests/suites/suite_cnn")) for n in names)
    refused = run_grade("gradescope", str(tmp_path / "bad.zip"), "--topic", "calculus")
    assert refused.returncode == 2 and not (tmp_path / "bad.zip").exists()
