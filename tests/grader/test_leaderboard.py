"""The leaderboard: held-out metrics per student in the gradebook and its JSON, ``grade batch
leaderboard`` (pseudonyms by default, names for the instructor; axe-core finds nothing in
headless Chromium), and Gradescope's results.json ``leaderboard``; declared in course.toml."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import axe
import jsonschema
import pytest
from helpers import REPO, run_grade

from grader.apps import leaks
from grader.base.options import Leaderboard
from grader.batch.leaderboard import Entry, aliases, standings
from grader.course.keys import CourseError
from grader.course.toml import load_course
from grader.gradescope.config import Config

COURSE = """
[course]
name = "Deep learning"

[assignments.hw3]
title = "Homework 3: a CNN & a diabetes net"
exercises = ["cnn.SimpleCNN", "mlp.DiabetesNet"]
points = 20

[[assignments.hw3.leaderboard]]
exercise = "SimpleCNN"
name = "Digits accuracy"

[[assignments.hw3.leaderboard]]
exercise = "DiabetesNet"
"""
# Gradescope's results.json as its specification states it, the leaderboard's entries in full
ENTRY = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "value": {"type": ["number", "string"]},
        "order": {"enum": ["asc", "desc"]},
    },
    "required": ["name", "value"],
    "additionalProperties": False,
}
RESULTS_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "tests": {"type": "array"},
        "leaderboard": {"type": "array", "items": ENTRY},
    },
    "required": ["score", "tests", "leaderboard"],
}
BOARDS = (
    Leaderboard("cnn", "SimpleCNN", "accuracy", "desc", "Digits accuracy"),
    Leaderboard("mlp", "DiabetesNet", "accuracy", "desc", ""),
)


@pytest.mark.unit
def test_a_leaderboard_is_declared_in_course_toml_and_travels_to_the_autograder(tmp_path):
    course = tmp_path / "course.toml"
    course.write_text(COURSE)
    boards = load_course(course).assignment("hw3").leaderboard
    assert boards == BOARDS and boards[1].title == "DiabetesNet accuracy"
    assert (
        Config.from_json(
            json.loads(json.dumps(Config(assignment={"leaderboard": boards}).to_json()))
        ).leaderboard
        == boards
    )
    last = 'exercise = "DiabetesNet"'
    for changed in [
        COURSE.replace(last, 'exercise = "MLP"'),  # not an exercise of the assignment
        COURSE.replace('"mlp.DiabetesNet"]', '"mlp.DiabetesNet", "mlp.relu"]').replace(
            last, 'exercise = "relu"'
        ),
        COURSE.replace(last, last + "\ncounts = true"),  # a leaderboard earns no points
        COURSE.replace(last, last + '\norder = "up"'),
        COURSE.replace(last, last + "\nrank = 1"),
    ]:
        course.write_text(changed)
        with pytest.raises(CourseError, match=r"leaderboard\[1\]"):
            load_course(course)


@pytest.mark.unit
@pytest.mark.parametrize("order", ["desc", "asc"])
def test_standings_rank_in_the_boards_order_ties_shared_and_no_metric_last(order):
    board = Leaderboard("cnn", "SimpleCNN", "accuracy", order)
    values = {"ann": 0.9, "bob": 0.8, "cy": 0.9, "dee": None, "eve": 0.7}
    scores = {s: {"SimpleCNN": {"metric": "accuracy", "value": v, "reason": "" if v else "no answer"}}
              for s, v in values.items()}  # fmt: skip
    ranked = standings(scores, board, [*values, "fay"])  # fay: graded, never scored
    expected = {
        "desc": [("ann", 1), ("cy", 1), ("bob", 3), ("eve", 4), ("dee", 0)],
        "asc": [("eve", 1), ("bob", 2), ("ann", 3), ("cy", 3), ("dee", 0)],
    }[order]
    assert [(e.student, e.rank) for e in ranked] == expected
    assert ranked[-1] == Entry("dee", None, "no answer", 0)


@pytest.mark.unit
def test_pseudonyms_are_stable_distinct_and_name_no_one():
    students = [f"student{i:02d}@uni.edu" for i in range(200)]
    named = aliases(students, b"k" * 16)
    assert len(set(named.values())) == 200 and named == aliases(reversed(students), b"k" * 16)
    assert named != aliases(students, b"j" * 16)  # another gradebook's key, other pseudonyms
    assert not any("student" in alias or "@" in alias for alias in named.values())


# -- a class of 8, end to end -------------------------------------------------------------------

CNN, MLP = (REPO / "solutions" / "cnn.py").read_text(), (REPO / "solutions" / "mlp.py").read_text()
CNN_STUB = (REPO / "exercises" / "cnn.py").read_text()
NARROW = (  # the docstring's floor: 8 and 16 channels
    CNN.replace("nn.Conv2d(in_channels, 16, 3", "nn.Conv2d(in_channels, 8, 3")
    .replace("nn.Conv2d(16, 32, 3", "nn.Conv2d(8, 16, 3")
    .replace("nn.Linear(32, num_classes)", "nn.Linear(16, num_classes)")
)
CONSTANT = (
    CNN
    + """

_Trained = SimpleCNN


class SimpleCNN(_Trained):
    def forward(self, x):
        return self.classifier.bias.expand(x.shape[0], -1) + 0.0 * x.sum()
"""
)


def _class(folder: Path) -> dict[str, str]:
    """8 students: the reference (ties), narrower networks, a constant SimpleCNN, an untouched
    stub twice; each with the reference's mlp.py. {student: what they handed in}. (A class of 20
    said no more, at 2.5 times the CI time.)"""
    kinds = ["reference"] * 3 + ["narrow"] * 2 + ["constant", "stub", "stub"]
    handed = {}
    for i, kind in enumerate(kinds):
        student = folder / f"student{i:02d}"
        student.mkdir(parents=True)
        cnn = {"reference": CNN, "narrow": NARROW, "constant": CONSTANT, "stub": CNN_STUB}[kind]
        (student / "cnn.py").write_text(cnn)
        (student / "mlp.py").write_text(MLP)
        handed[student.name] = kind
    return handed


@pytest.mark.e2e
def test_a_class_is_ranked_on_the_held_out_sets(tmp_path):
    assert "nn.Conv2d(8, 16, 3" in NARROW and "nn.Linear(16, num_classes)" in NARROW
    (tmp_path / "course.toml").write_text(COURSE)
    handed = _class(tmp_path / "subs")
    out = tmp_path / "out"
    args = ["batch", str(tmp_path / "subs"), "--out", str(out), "--course", str(tmp_path / "course.toml")]
    done = run_grade(*args, "--assignment", "hw3", timeout=1500)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    book = {row["student"]: row for row in json.loads((out / "gradebook.json").read_text())}
    assert len(book) == len(handed) == 8
    for student, kind in handed.items():
        cnn = book[student]["held_out"].get("SimpleCNN", {}) if "held_out" in book[student] else {}
        if kind in ("reference", "narrow"):
            assert cnn["value"] >= {"reference": 0.8, "narrow": 0.5}[kind], (student, cnn)
        else:  # a constant answer, a stub: no metric (the stub's its own error)
            assert cnn.get("value") is None, (student, cnn)
        assert book[student]["held_out"]["DiabetesNet"]["value"] >= 0.7
    done = run_grade("batch", "leaderboard", "--out", str(out), timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    page = (out / "leaderboard.html").read_text()
    board = json.loads((out / "leaderboard.json").read_text())["Digits accuracy"]
    assert "student" not in json.dumps([e["name"] for e in board]) and "student0" not in page
    best = [e for e in board if e["rank"] == 1]
    assert {book_student_of(e, book) for e in best} <= {s for s, k in handed.items() if k == "reference"}
    assert [e["rank"] for e in board[-3:]] == [None] * 3  # the constant and the stubs, last
    done = run_grade("batch", "leaderboard", "--out", str(out), "--names", timeout=120)
    named = json.loads((out / "leaderboard.json").read_text())["Digits accuracy"]
    assert {e["name"] for e in named} == set(handed) and "student00" in (out / "leaderboard.html").read_text()
    assert leaks.held_out_leaks({p.name: p.read_bytes() for p in out.glob("*.*") if p.is_file()}) == []
    if axe.available():
        assert axe.violations(out / "leaderboard.html", tmp_path) == []


def book_student_of(entry: dict, book: dict) -> str:
    """The student a pseudonymous entry is (by value: the reference's ties share theirs)."""
    return next(
        s
        for s, row in book.items()
        if row.get("held_out", {}).get("SimpleCNN", {}).get("value") == entry["value"]
    )


def _autograde(archive: Path, cnn: str, env_extra: dict[str, str]) -> bytes:
    """results.json of ``cnn`` and the reference mlp.py, graded by the zip on a bare root."""
    root = Path(tempfile.mkdtemp(prefix="torchgrade-gs-board-"))  # not pytest's 0700 tmp: uid 65534 passes
    try:
        os.chmod(root, 0o711)
        with zipfile.ZipFile(archive) as unpacked:
            unpacked.extractall(root / "source")
        for name in ("submission", "results"):
            (root / name).mkdir()
        (root / "submission" / "cnn.py").write_text(cnn)
        shutil.copy(REPO / "solutions" / "mlp.py", root / "submission" / "mlp.py")
        (root / "submission_metadata.json").write_text("{}")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TORCHGRADE_", "PYTEST_"))}
        env |= {"TORCHGRADE_AUTOGRADER_ROOT": str(root), "TORCHGRADE_PYTHON": sys.executable, **env_extra}
        done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, cwd=root,
                              capture_output=True, text=True, timeout=900)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return (root / "results" / "results.json").read_bytes()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def autograder(tmp_path_factory) -> Path:
    from grader.base.options import Limits, Options, Selection
    from grader.gradescope.build import build_autograder

    selection = Selection(topics=("cnn", "mlp"), exercises=("SimpleCNN", "DiabetesNet"))
    config = Config(
        Options(limits=Limits(timeout=120.0), selection=selection), assignment={"leaderboard": BOARDS}
    )
    return build_autograder(tmp_path_factory.mktemp("zip") / "autograder.zip", config)


@pytest.mark.e2e
def test_the_autograder_reports_the_leaderboard_in_results_json(autograder):
    """The zip on a bare root: results.json follows Gradescope's format, its leaderboard one entry
    per board (name, value, order); the labels are in the zip's held-out files alone, never in
    results.json (what a student sees)."""
    with zipfile.ZipFile(autograder) as unpacked:
        shipped = {name: unpacked.read(name) for name in unpacked.namelist()}
    held = sorted(name for name in shipped if "held_out_" in name)
    assert held == [f"tests/suites/held_out_{t}.{e}" for t in ("cnn", "mlp") for e in ("pt", "py")]
    assert leaks.held_out_leaks({k: v for k, v in shipped.items() if not k.endswith(".pt")}) == []
    written = _autograde(autograder, CNN, {})
    results = json.loads(written)
    jsonschema.Draft202012Validator(RESULTS_SCHEMA).validate(results)
    board = {entry["name"]: entry for entry in results["leaderboard"]}
    assert set(board) == {"Digits accuracy", "DiabetesNet accuracy"}
    assert all(e["order"] == "desc" and 0.7 <= e["value"] <= 1 for e in board.values()), board
    assert leaks.held_out_leaks({"results.json": written}) == []


@pytest.mark.e2e
def test_on_gradescope_a_submission_searching_for_the_labels_finds_none(autograder):
    """Outside the graded subset (as an attacker past it would be), the worker searches the
    container's files and its own memory for the labels: no metric on that board."""
    from held_out_attacks import SEARCHING_CNN

    from grader.engine.subset.submission import UNCHECKED

    results = json.loads(_autograde(autograder, SEARCHING_CNN, {UNCHECKED: "1"}))
    jsonschema.Draft202012Validator(RESULTS_SCHEMA).validate(results)
    assert [entry["name"] for entry in results["leaderboard"]] == ["DiabetesNet accuracy"]


HOSTILE = '<img src=x onerror=alert(1)>"\x1b[31m'


@pytest.mark.unit
def test_the_page_escapes_names_and_shows_pseudonyms_unless_asked(tmp_path):
    """A gradebook built from rows (no grading): a student's key never reaches the page raw, nor at
    all without --names; the page is self-contained."""
    from grader.batch.gradebook import CourseBook, Gradebook, Row
    from grader.batch.leaderboard import SCHEMA
    from grader.batch.leaderboard_page import write_leaderboard

    (tmp_path / "course.toml").write_text(COURSE)
    book = Gradebook(tmp_path / "gradebook.sqlite")
    report = {"score": 1.0, "max_score": 2.0, "topics": []}
    values = {HOSTILE: 0.9, "ann": 0.95, "bob": None}
    for student in values:
        book.record(Row(student, "h", "v", "graded", "", 1.0, 2.0, report))
    CourseBook(book).set_meta("course", {"file": str(tmp_path / "course.toml"), "assignment": "hw3"})
    book.connection.execute(SCHEMA)
    for student, value in values.items():
        book.connection.execute(
            "INSERT INTO held_out VALUES (?, 'SimpleCNN', 'accuracy', ?, ?, 'h', 'd', 1.0)",
            (student, value, "" if value else "the same prediction for every input: no answer"),
        )
    book.connection.commit()
    book.close()
    page = write_leaderboard(tmp_path).read_text()
    assert "<img" not in page and "\x1b" not in page and "ann" not in page and "<script" not in page
    board = json.loads((tmp_path / "leaderboard.json").read_text())["Digits accuracy"]
    assert [(e["rank"], e["value"]) for e in board] == [(1, 0.95), (2, 0.9), (None, None)]
    named = write_leaderboard(tmp_path, names=True).read_text()
    assert "&lt;img src=x" in named and "<img" not in named and "\x1b" not in named and ">ann<" in named
