"""Nothing a submission writes reaches a person raw.

A hostile submission's exception messages carry terminal escape sequences (a cleared screen,
a cursor moved up and back to paint a fake "100/100", OSC titles and hyperlinks), C1
controls, bidi overrides, a 575 KB message with a 300 KB source line and a stalled
function whose name is 300 KB long (none of them reaching into the grader, which
``grader/engine/subset/submission.py`` refuses); the class's file names start formulas
(``=HYPERLINK(...)``, ``+SUM``, ``-2+3+cmd|...``, ``@SUM``, tab + ``=``) and one hides behind
a leading dot. ``grade``, ``grade --format json``, ``grade batch`` with each export, and
``grade similarity`` must show no control character of it, no formula cell, and stay small.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import REPO, run_grade

from grader.base import defaults

pytestmark = pytest.mark.e2e

# What must never reach a person from a submission: C0 but newline and tab, DEL, C1, and the
# bidi embeddings, overrides, isolates and marks.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FORMULA = ("=", "+", "-", "@", "\t", "\r")
ESC = "\x1b"

HOSTILE = f'''
def mse(y_hat, y, reduction="mean"):
    raise ValueError("clear {ESC}[2J{ESC}[H screen")

def l1(y_hat, y, reduction="mean"):
    raise ValueError("nothing\\n{ESC}[1A\\r{ESC}[2Ktotal        100/100  (100 %)")

def huber(y_hat, y, delta=1.0):
    raise ValueError("{ESC}]0;owned title\\x07{ESC}]8;;http://evil.example/{ESC}\\\\click{ESC}]8;;{ESC}\\\\")

def sigmoid(x):
    raise ValueError("c1 \\x9b2J \\x9d0;title\\x9c \\x85 next")

def bce(p, y):
    raise ValueError("bidi \\u202egnp.exe\\u202c \\u2066isolate\\u2069 \\u200fmark")

def softmax(x, dim=-1):
    raise type("E" * 5000, (Exception,), {{}})("A" * 575_000)  # {"#" * 60_000}

def stall_{"x" * 60_000}(p):
    while True:
        pass

entropy = stall_{"x" * 60_000}

def kl_div(p, q):
    return entropy(p)
'''

FORMULA_NAMES = (
    '=HYPERLINK("http:evil.example","x")',
    "+SUM(1+1)",
    "-2+3+cmd|' -C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    f"{ESC}[2Jcleared",
)


def hostile_folder(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "losses.py").write_text(HOSTILE)
    return root


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def assert_clean(text: str, where: str) -> None:
    found = FORBIDDEN.search(text)
    assert found is None, (
        f"{where}: {found.group()!r} near {text[max(0, found.start() - 60) : found.end() + 60]!r}"
    )


def assert_no_formula(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert_clean(text, path.name)
    for row in csv.reader(text.splitlines()):
        for cell in row:
            assert not cell.startswith(FORMULA), f"{path.name}: formula cell {cell!r}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_folder(tmp_path_factory.mktemp("hostile") / "sub")


def test_the_table_shows_no_control_character(hostile):
    done = run_grade(str(hostile), "--topic", "losses", "--timeout", "3", timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    assert_clean(done.stdout, "grade's table")
    assert len(done.stdout) < 60_000, f"{len(done.stdout)} characters of report"
    assert "clear" in done.stdout and "screen" in done.stdout  # the text itself is kept
    assert "x" * 1000 not in done.stdout  # the stalled function's name is cut
    totals = [line for line in done.stdout.splitlines() if "100/100" in line]
    assert all(line.startswith("      ") for line in totals), totals  # inside a message, indented


def test_the_json_report_holds_no_control_character(hostile):
    done = run_grade(str(hostile), "--topic", "losses", "--timeout", "3", "--format", "json", timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    assert len(done.stdout) < 120_000, f"{len(done.stdout)} characters of report"
    for text in strings(json.loads(done.stdout)):
        assert_clean(text, "grade --format json")
        assert len(text) <= 2002


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    """A batch: the hostile folder, stubs under formula names, a hidden entry, a roster."""
    root = tmp_path_factory.mktemp("class")
    submissions = root / "submissions"
    hostile_folder(submissions / "hostile")
    stub = (REPO / "exercises" / "losses.py").read_text()
    for name in FORMULA_NAMES:
        (submissions / f"{name}_losses.py").write_text(stub)
    (submissions / ".hidden_losses.py").write_text(stub)
    roster = root / "roster.csv"
    roster.write_text("Username,Full name\nsomeone,Some One\n")
    out = root / "out"
    done = run_grade(
        "batch", str(submissions), "--out", str(out), "--topic", "losses", "--timeout", "3",
        "--workers", "2", "--roster", str(roster), timeout=600,
    )  # fmt: skip
    return submissions, out, done


def test_batch_exports_hold_no_control_character_and_no_formula(hostile_class):
    _, out, done = hostile_class
    assert done.returncode == 0, done.stderr[-2000:]
    assert_clean(done.stdout + done.stderr.replace("\r", ""), "grade batch's output")  # \r: progress bar
    for name in ("gradebook.csv", "unmatched.csv"):
        assert_no_formula(out / name)
    students = [row[0] for row in csv.reader((out / "gradebook.csv").read_text().splitlines()[1:])]
    assert '\'=HYPERLINK("http:evil.example","x")_losses' in students
    for path in [*sorted((out / "feedback").glob("*.md")), out / "moodle.csv"]:
        assert_clean(path.read_text(encoding="utf-8-sig"), path.name)
    feedback = (out / "feedback" / "hostile.md").read_text()
    assert "](http" not in feedback and "<" not in feedback.replace("\\<", "")
    for path in [out / "gradebook.json", *sorted((out / "gradescope").glob("*/results.json"))]:
        text = path.read_text()
        checks = text.count('"max_points"') + text.count('"max_score"')  # checks' records, totals
        bound = (checks + 1) * (defaults.SHOWN_MESSAGE_CHARS + 600)  # each message capped, plus fields
        assert path.stat().st_size < bound, f"{path.name}: {path.stat().st_size} bytes for {checks} records"
        for text in strings(json.loads(path.read_text())):
            assert_clean(text, str(path.relative_to(out)))


def test_hidden_entries_are_listed_with_a_reason(hostile_class):
    _, out, done = hostile_class
    assert ".hidden_losses.py" in done.stderr
    rows = list(csv.DictReader((out / "skipped.csv").open()))
    assert [r["entry"] for r in rows] == [".hidden_losses.py"]
    assert "starts with" in rows[0]["reason"]


def test_canvas_export_holds_no_control_character(hostile_class, tmp_path):
    submissions, out, _ = hostile_class
    roster = tmp_path / "canvas.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (12345)\n"
        "    Points Possible,,,,,100\nOne, Some,1,s1,someone,Sec 1,\n"
    )
    again = run_grade(
        "batch", str(submissions), "--out", str(out), "--topic", "losses", "--timeout", "3",
        "--roster", str(roster), timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    assert_no_formula(out / "canvas.csv")
    assert_no_formula(out / "unmatched.csv")


def test_similarity_reports_hold_no_control_character_and_no_formula(tmp_path):
    submissions = tmp_path / "class"
    copy = (REPO / "tests" / "grader" / "similarity_class" / "ana" / "losses.py").read_text()
    for name in FORMULA_NAMES:
        (submissions / name).mkdir(parents=True)
        (submissions / name / "losses.py").write_text(copy + "\n# \u202e comment\n")
    shutil.copytree(REPO / "exercises", submissions / "stub")
    out = tmp_path / "out"
    done = run_grade("similarity", str(submissions), "--out", str(out), "--topic", "losses", timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert_clean(done.stdout + done.stderr, "grade similarity's output")
    assert_no_formula(out / "similarity.csv")
    assert_no_formula(out / "clusters.csv")
    assert len(list(csv.reader((out / "similarity.csv").open()))) > 1
    assert_clean((out / "similarity.html").read_text(), "similarity.html")
