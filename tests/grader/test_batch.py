"""`grade batch`: a class with every kind of trouble, re-runs, and a kill -9 halfway."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from helpers import GRADE, REPO, run_grade
from test_intake import broken_zips

from grader.base.topics import available_topics

pytestmark = pytest.mark.e2e

OTHER = next((t for t in available_topics() if t != "losses"), None)
TOPIC_ARGS = ["--topic", "losses"] + (["--topic", OTHER] if OTHER else [])

TROUBLE = {
    "loop": "while True:\n    pass\n",
    "syntax": "def broken(:\n",
    "forge": (
        "import torch\ntorch.allclose = lambda *a, **k: True\nprint('49 passed')\n"
        "class Magic:\n    def __getattr__(self, name): return self\n    def __call__(self, *a, **k): return self\n"
        "    def __eq__(self, other): return True\n"
        "def __getattr__(name):\n    return Magic()\n"
    ),
    "hog": "import torch\n_all_of_it = torch.ones(100 * 2**30 // 4)\n",
}


def make_class(root):
    root.mkdir()
    shutil.copytree(REPO / "solutions", root / "full")
    shutil.copytree(REPO / "exercises", root / "zero")
    for name, source in TROUBLE.items():
        shutil.copytree(REPO / "solutions", root / name)
        losses = root / name / "losses.py"
        text = losses.read_text()
        losses.write_text(source if name == "forge" else text + "\n" + source)
    return root


def summary_counts(stderr: str) -> dict[str, int]:
    found = re.search(r"graded (\d+), unchanged (\d+), unreadable (\d+), crashed (\d+)", stderr)
    assert found, stderr[-1000:]
    return dict(zip(("graded", "unchanged", "unreadable", "crashed"), map(int, found.groups())))


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    submissions, out = make_class(root / "submissions"), root / "out"
    done = run_grade(
        "batch", str(submissions), "--out", str(out), "--timeout", "10", "--workers", "2", *TOPIC_ARGS
    )
    return submissions, out, done


def test_every_student_gets_the_right_row(graded_class):
    _, out, done = graded_class
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert list(next(csv.reader((out / "gradebook.csv").open()))) == [
        "student",
        "total",
        "max",
        "status",
        *sorted({"losses", OTHER} - {None}, key=available_topics().index),
    ]
    full = float(rows["full"]["max"])
    assert float(rows["full"]["total"]) == full > 0
    assert float(rows["zero"]["total"]) == 0
    for name in TROUBLE:
        assert rows[name]["status"] == "graded"
        assert float(rows[name]["losses"]) == 0, name
        if OTHER:
            assert float(rows[name][OTHER]) == float(rows["full"][OTHER]) > 0, name
    report = {r["student"]: r["report"] for r in json.loads((out / "gradebook.json").read_text())}
    losses = {
        name: {t["status"] for t in next(t for t in report[name]["topics"] if t["name"] == "losses")["tests"]}
        for name in TROUBLE
    }
    assert losses["loop"] <= {"timeout", "skipped"}
    assert losses["syntax"] <= {"error", "skipped"} and losses["hog"] <= {"error", "skipped"}
    hog_message = next(t for t in report["hog"]["topics"] if t["name"] == "losses")["tests"][0]["message"]
    assert "out of memory" in hog_message


def test_feedback_and_gradescope_exports(graded_class):
    _, out, _ = graded_class
    feedback = (out / "feedback" / "syntax.md").read_text()
    losses = feedback.split("## losses\n", 1)[1]
    assert losses.startswith("losses.py, line ") and "SyntaxError" in losses  # where, and Python's word
    assert len(losses.strip().splitlines()) == 1  # one line
    assert "def test_" not in feedback
    assert (out / "feedback" / "syntax.html").read_text().count("SyntaxError") == 1
    results = json.loads((out / "gradescope" / "full" / "results.json").read_text())
    assert results["score"] == sum(t["score"] for t in results["tests"])
    assert {"name", "score", "max_score", "output", "visibility"} <= set(results["tests"][0])
    assert {t["visibility"] for t in results["tests"]} <= {"visible", "after_published"}


def test_an_untouched_stubs_feedback_is_short_and_speaks_of_exercises(graded_class):
    _, out, _ = graded_class
    feedback = (out / "feedback" / "zero.md").read_text()
    assert len(feedback.splitlines()) <= 40, feedback
    assert "not started" in feedback
    assert "[" not in feedback and "_follow_the_input" not in feedback  # no pytest id
    rows = {r["student"]: r for r in json.loads((out / "gradebook.json").read_text())}
    (losses,) = [t for t in rows["full"]["report"]["topics"] if t["name"] == "losses"]
    assert [e["name"] for e in losses["exercises"]][:3] == ["mse", "l1", "huber"]
    assert all(e["points"] == e["max_points"] > 0 for e in losses["exercises"])
    assert losses["score"] == sum(e["points"] for e in losses["exercises"])


def test_an_immediate_rerun_grades_nothing(graded_class):
    submissions, out, _ = graded_class
    again = run_grade("batch", str(submissions), "--out", str(out), "--timeout", "10", *TOPIC_ARGS)
    assert again.returncode == 0
    assert summary_counts(again.stderr) == {"graded": 0, "unchanged": 6, "unreadable": 0, "crashed": 0}


def test_changed_submission_is_regraded(graded_class, tmp_path):
    submissions, out, _ = graded_class
    copy = tmp_path / "class"
    shutil.copytree(submissions, copy)
    shutil.copy(REPO / "solutions" / "losses.py", copy / "syntax" / "losses.py")
    again = run_grade("batch", str(copy), "--out", str(out), "--timeout", "10", *TOPIC_ARGS)
    assert summary_counts(again.stderr)["graded"] == 1
    rows = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert rows["syntax"]["total"] == rows["full"]["total"]


def killed_once_graded(command: list[str], out: Path) -> int:
    """Run ``command`` (a `grade batch` writing to ``out``) in a session of its own until its
    gradebook holds a grade (at most 300 s), then kill it: the grades it had recorded."""
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        start_new_session=True,
    )
    database = out / "gradebook.sqlite"
    deadline = time.monotonic() + 300
    recorded = 0
    while recorded < 1 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
        if database.exists():
            try:
                recorded = sqlite3.connect(database).execute("SELECT count(*) FROM grades").fetchone()[0]
            except sqlite3.OperationalError:
                pass
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return recorded


def test_kill_9_loses_only_what_was_in_flight(tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for name in ("s1", "s2", "s3"):  # solutions: untouched stubs are graded too fast to be caught
        shutil.copytree(REPO / "solutions", submissions / name)
    out = tmp_path / "out"
    command = [*GRADE, "batch", str(submissions), "--out", str(out), "--workers", "1", "--topic", "losses"]
    recorded = killed_once_graded(command, out)
    assert 1 <= recorded < 3, "kill while the batch was under way"
    again = run_grade("batch", str(submissions), "--out", str(out), "--workers", "1", "--topic", "losses")
    counts = summary_counts(again.stderr)
    assert counts["unchanged"] >= recorded and counts["graded"] + counts["unchanged"] == 3
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    assert sorted(r["student"] for r in rows) == ["s1", "s2", "s3"]


def test_unusable_arguments_exit_2(tmp_path):
    done = run_grade("batch", str(tmp_path / "missing"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "no such folder" in done.stderr
    done = run_grade("batch", str(tmp_path), "--out", str(tmp_path / "inside"))
    assert done.returncode == 2 and "must not lie inside" in done.stderr


def test_broken_zips_do_not_sink_the_class(tmp_path):
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    reasons = broken_zips(submissions)
    (submissions / "noise.zip").unlink()
    del reasons["noise"]
    shutil.copy(REPO / "solutions" / "losses.py", submissions / "honest_losses.py")
    done = run_grade("batch", str(submissions), "--out", str(out), "--topic", "losses", "--workers", "2")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert summary_counts(done.stderr) == {"graded": 1, "unchanged": 0, "unreadable": 3, "crashed": 0}
    rows = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert sorted(rows) == ["crc", "deflate", "honest_losses", "truncated"]
    honest = rows["honest_losses"]
    assert honest["status"] == "graded"
    assert float(honest["losses"]) == float(honest["total"]) == float(honest["max"]) > 0
    for name, words in reasons.items():
        assert rows[name]["status"].startswith("rejected: "), rows[name]
        assert words in rows[name]["status"] and "re-download or re-zip it" in rows[name]["status"]
        assert words in (out / "feedback" / f"{name}.md").read_text()


def history_lines(submissions, out, student: str) -> tuple[int, list[str], str]:
    done = run_grade("batch", str(submissions), "--out", str(out), "--history", student)
    return done.returncode, done.stdout.splitlines(), done.stderr


def test_a_regrade_keeps_history(tmp_path):
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    code, _, stderr = history_lines(submissions, out, "alice")
    assert code == 2 and "no gradebook" in stderr and len(stderr.splitlines()) == 1
    (submissions / "alice").mkdir(parents=True)
    for source in ("exercises", "solutions"):  # the stub, then the solution: a new content hash
        shutil.copy(REPO / source / "losses.py", submissions / "alice" / "losses.py")
        done = run_grade("batch", str(submissions), "--out", str(out), "--topic", "losses", "--workers", "2")
        assert done.returncode == 0, done.stderr[-2000:]
        assert summary_counts(done.stderr)["graded"] == 1
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    assert len(rows) == 1 and float(rows[0]["total"]) == float(rows[0]["max"]) > 0  # the latest only
    full = rows[0]["max"]
    code, lines, stderr = history_lines(submissions, out, "alice")
    assert code == 0, stderr[-2000:]
    assert lines[0].split() == ["time", "suite", "version", "content", "status", "score"]
    first, second = (line.split() for line in lines[1:])
    assert len(lines) == 3 and first[1:] != second[1:]
    assert first[3:] == ["graded", "0", "/", full] and second[3:] == ["graded", full, "/", full]
    assert first[0] <= second[0] and first[2] != second[2]  # ISO-8601 times sort; the hashes differ
    code, _, stderr = history_lines(submissions, out, "bob")
    assert code == 2 and "no gradings of 'bob'" in stderr and len(stderr.splitlines()) == 1


def test_a_suite_change_regrades_and_keeps_both_gradings(tmp_path):
    """The instructor fixes a suite: the next run regrades, and --history shows before and after."""
    suites, submissions, out = tmp_path / "suites", tmp_path / "submissions", tmp_path / "out"
    shutil.copytree(REPO / "tests" / "suites", suites)
    (submissions / "alice").mkdir(parents=True)
    shutil.copy(REPO / "solutions" / "losses.py", submissions / "alice" / "losses.py")
    env = {"TORCHGRADE_SUITES": str(suites)}
    args = ("batch", str(submissions), "--out", str(out), "--topic", "losses", "--workers", "2")
    assert run_grade(*args, env=env).returncode == 0
    with (suites / "suite_losses.py").open("a") as suite:
        suite.write("\n# fixed a hint\n")
    again = run_grade(*args, env=env)
    assert again.returncode == 0 and summary_counts(again.stderr)["graded"] == 1
    history = run_grade(*args, "--history", "alice", env=env)
    assert history.returncode == 0, history.stderr
    first, second = (line.split() for line in history.stdout.strip().splitlines()[1:])
    assert first[1] != second[1], "two suite versions"
    assert first[2] == second[2], "one content hash"


def test_a_helper_package_grades_in_batch_and_its_change_regrades(tmp_path):
    # seen failing before: the package was "not available" (0 points) and no part of the hash
    from test_seal_package import with_package

    with_package(tmp_path / "class" / "pkg")
    out = tmp_path / "out"
    done = run_grade(
        "batch", str(tmp_path / "class"), "--out", str(out), "--timeout", "10", "--topic", "losses"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (row,) = csv.DictReader((out / "gradebook.csv").open())
    assert float(row["total"]) == float(row["max"]) > 0, row
    core = tmp_path / "class" / "pkg" / "lossutils" / "core.py"
    core.write_text(core.read_text().replace("values.mean()", "values.sum()"))
    again = run_grade(
        "batch", str(tmp_path / "class"), "--out", str(out), "--timeout", "10", "--topic", "losses"
    )
    assert summary_counts(again.stderr)["graded"] == 1
    (row,) = csv.DictReader((out / "gradebook.csv").open())
    assert float(row["total"]) < float(row["max"])
