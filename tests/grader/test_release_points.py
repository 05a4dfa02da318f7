"""A release made for a course counts the course's points: the public checks' share of each
exercise's points, beside what the exercise is worth, in ``grade``'s table and JSON and in
the notebook's check(); a release without a course counts checks, as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import REPO

from grader.base import grades

COURSE = """\
[course]
name = "points"

[assignments.hw1]
topics = ["losses"]
points = 30
[assignments.hw1.exercise_points]
"losses.softmax" = 10
"losses.mse" = 2
[assignments.hw1.kind_weights]
gradient = 2

[assignments.hw2]
topics = ["losses"]
points = 22
"""


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """{name: release folder}: hw1 (points per exercise, weighted kinds), hw2 (an equal split),
    plain (no course)."""
    root = tmp_path_factory.mktemp("points")
    (root / "course.toml").write_text(COURSE)
    found = {}
    for name, args in (
        ("hw1", ["--course", str(root / "course.toml"), "--assignment", "hw1"]),
        ("hw2", ["--course", str(root / "course.toml"), "--assignment", "hw2"]),
        ("plain", []),
    ):
        out = root / name
        done = subprocess.run(
            [sys.executable, "-m", "grader", "release", str(out), *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert done.returncode == 0, done.stderr[-3000:]
        found[name] = out
    return found


def run_in(release, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "grader", *args, *([] if args[0] == "reset" else ["--no-daemon"])],
        cwd=release,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(release), "NO_COLOR": "1", "TORCHGRADE_LANG": "en"},
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return done


def expected_shares(report: dict, points: dict[str, float], weights: dict[str, float]) -> dict[str, float]:
    """Each exercise's points times what its public checks that ran carry in the report (their
    points times their kind's weight, a shared check's split among its exercises) over what all
    its checks carry, public and hidden (the checkout's suite, read independently)."""
    from grader.engine.suites import collected as suites

    rows = suites.collected("losses", 10.0).rows
    whole = {
        name: sum(
            weights.get(r.kind, 1.0) * r.points / len(r.exercises)
            for r in rows
            if name in r.exercises and not r.cuda  # a grader without a GPU skips these
        )
        for name in points
    }
    ran = {
        name: sum(
            weights.get(t["kind"], 1.0) * t["max_points"] / len(t["exercises"])
            for t in report["topics"][0]["tests"]
            if name in t["exercises"] and t["status"] != "skipped"
        )
        for name in points
    }
    return {name: points[name] * ran[name] / whole[name] for name in points}


@pytest.mark.e2e
def test_the_release_carries_the_assignments_point_split(releases):
    marker = json.loads((releases["hw1"] / "tests/suites/RELEASE.json").read_text())
    split = marker["points"]
    assert split["assignment"] == "hw1" and split["total"] == 30 and split["twin"] == "zero"
    assert split["exercise_points"]["losses.softmax"] == 10 and split["exercise_points"]["losses.mse"] == 2
    assert sum(split["exercise_points"].values()) == pytest.approx(30)
    assert split["kind_weights"]["gradient"] == 2 and split["kind_weights"]["shape"] == 1
    assert "points" not in json.loads((releases["plain"] / "tests/suites/RELEASE.json").read_text())


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["hw1", "hw2"])
def test_a_solved_topic_earns_the_public_share_of_the_course_points(releases, name):
    code, report = (
        0,
        json.loads(run_in(releases[name], str(REPO / "solutions" / "losses.py"), "--format", "json").stdout),
    )
    split = json.loads((releases[name] / "tests/suites/RELEASE.json").read_text())["points"]
    points = {k.split(".", 1)[1]: v for k, v in split["exercise_points"].items()}
    if name == "hw2":
        assert set(points.values()) == {2.0}  # 22 points over 11 exercises
    shares = expected_shares(report, points, split["kind_weights"])
    topic = report["topics"][0]
    assert set(report) >= {"score", "max_score", "topics"}
    assert report["course"]["assignment"] == name and report["course"]["points"] == pytest.approx(
        sum(points.values())
    )
    for exercise in topic["exercises"]:
        assert exercise["course_points"] == pytest.approx(points[exercise["name"]])
        assert exercise["max_points"] == pytest.approx(shares[exercise["name"]], abs=0.011)
        assert exercise["points"] == exercise["max_points"]
    assert shares["softmax"] < points["softmax"]  # softmax has hidden checks: never promised in full
    assert code == 0 and report["score"] == report["max_score"] == pytest.approx(
        grades.added(shares.values()), abs=0.05
    )
    assert report["max_score"] < sum(points.values())


@pytest.mark.e2e
def test_the_table_says_course_points_and_that_only_the_public_checks_ran(releases, tmp_path):
    table = run_in(releases["hw1"], "exercises").stdout
    report = json.loads(run_in(releases["hw1"], "exercises", "--format", "json").stdout)
    assert report["score"] == 0 and 0 < report["max_score"] < 30
    public = grades.text(report["max_score"])
    row = next(line for line in table.splitlines() if line.startswith("losses"))
    assert f"0/{public} of 30" in row, table
    assert "only the public checks ran" in table and "hidden checks grade the other" in table, table
    mine = tmp_path / "mine"  # every exercise solved but softmax, put back to its stub
    mine.mkdir()
    (mine / "losses.py").write_text((REPO / "solutions" / "losses.py").read_text())
    run_in(releases["hw1"], "reset", "softmax", str(mine))
    table = run_in(releases["hw1"], str(mine)).stdout
    report = json.loads(run_in(releases["hw1"], str(mine), "--format", "json").stdout)
    softmax = next(e for e in report["topics"][0]["exercises"] if e["name"] == "softmax")
    assert softmax["points"] == 0 and softmax["course_points"] == 10
    assert f"softmax 0/{grades.text(softmax['max_points'])} of 10" in table, table
    assert "points: a check counts 1" not in table and "an equal share" not in table
    shown = run_in(releases["hw1"], "next").stdout
    assert "is worth" in shown and "of hw1's 30 points" in shown, shown


@pytest.mark.e2e
def test_a_release_without_a_course_counts_checks(releases):
    report = json.loads(run_in(releases["plain"], "exercises", "--format", "json").stdout)
    assert "course" not in report and "course_points" not in report["topics"][0]
    table = run_in(releases["plain"], "exercises", "--topic", "losses").stdout
    row = next(line for line in table.splitlines() if line.startswith("losses"))
    assert " of " not in row and "only the public checks ran" not in table
    losses = next(t for t in report["topics"] if t["name"] == "losses")
    assert f"0/{grades.text(losses['max_score'])}" in row


@pytest.mark.e2e
def test_the_notebooks_check_agrees_with_grade(releases):
    """check() asks the kernel's engine (grader/apps/selfcheck_server.py) in the release: the
    same points as ``grade --public-only --exercise``, said as course points."""
    from grader.apps.selfcheck import from_report

    solution = str(REPO / "solutions" / "losses.py")
    asked = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys; from grader.apps.selfcheck_server import answer; "
            "print(json.dumps(answer({'path': sys.argv[1], 'exercise': 'softmax'})))",
            solution,
        ],
        cwd=releases["hw1"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(releases["hw1"])},
    )
    assert asked.returncode == 0, asked.stderr[-3000:]
    engine = json.loads(asked.stdout)["report"]
    graded = json.loads(
        run_in(releases["hw1"], solution, "--public-only", "--exercise", "softmax", "--format", "json").stdout
    )
    assert (
        engine["score"] == graded["score"] == graded["max_score"] > 0
        and graded["course"]["assignment"] == "hw1"
    )
    verdict = from_report(engine, "softmax", []).summary()
    share = grades.text(graded["max_score"])
    assert verdict.startswith(f"softmax: passed, {share}/{share} points of the 10 it is worth"), verdict
    assert "the hidden suite still judges it with" in verdict
    plain = from_report(
        json.loads(
            run_in(
                releases["plain"], solution, "--public-only", "--exercise", "softmax", "--format", "json"
            ).stdout
        ),
        "softmax",
        [],
    )
    assert "points of its public checks" in plain.summary() and "worth" not in plain.summary()


@pytest.mark.unit
def test_a_check_weighs_here_what_it_weighs_with_the_hidden_ones():
    """mse: two value checks (one passes) and a gradient check (weight 2) public, a value check
    hidden: its 6 points scale its report's 5 (the gradient check's 1 point weighs 2), the public ones carry 4.8 and earn 1.2 (the
    gradient pays only once every value check passes); l1: 2 of its 4 carried and earned."""
    from grader import report as render
    from grader.apps.course_points import Split, applied
    from grader.checks.verdict.scoring import Report, TopicResult, make_result

    tests = [
        make_result("mse_a", "shape", 1, "passed", "", True, ("mse",)),
        make_result("mse_b", "shape", 1, "failed", "wrong", True, ("mse",)),
        make_result("mse_grad", "gradient", 1, "passed", "", True, ("mse",)),
        make_result("l1_a", "shape", 1, "passed", "", True, ("l1",)),
    ]
    report = Report([TopicResult("losses", tests)], sandbox="none", device="cpu")
    assert applied(report) is report  # a checkout: no split, check counts
    split = Split(
        assignment="hw",
        total=10,
        exercise_points={"losses.mse": 6, "losses.l1": 4},
        kind_weights={"shape": 1, "gradient": 2},
        twin="zero",
        whole={"losses": {"mse": 5, "l1": 2}},  # every check passing, at the kind weights
    )
    weighed = applied(report, split).to_json()
    exercises = {e["name"]: e for e in weighed["topics"][0]["exercises"]}
    assert [exercises["mse"][k] for k in ("points", "max_points", "course_points")] == [1.2, 4.8, 6]
    assert [exercises["l1"][k] for k in ("points", "max_points", "course_points")] == [2, 2, 4]
    assert weighed["score"] == 3.2 and weighed["max_score"] == 6.8
    assert weighed["course"] == {"assignment": "hw", "total": 10, "points": 10}
    table = render.to_table(applied(report, split), "exercises")
    assert "3.2/6.8 of 10" in table and "mse 1.2/4.8 of 6" in table and "the other 3.2" in table
