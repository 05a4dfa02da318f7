"""One grade rule and one rounding rule for every number a student or an LMS sees
(grader/base/grades.py): over many random courses and outcomes, the topics' lines shown add up to the
total shown, in every format (the terminal's table and JSON, the feedback in markdown and HTML,
gradebook.csv, Gradescope's results.json, the LMS grade), and no output shows more decimals than
the rule."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from lms_files import write_lms

from grader.base import grades
from grader.base.topics import exercises
from grader.batch.exports import write_csv
from grader.batch.feedback import feedback_fragment, feedback_markdown
from grader.batch.gradebook import Row
from grader.batch.gradescope_results import gradescope_results
from grader.batch.lms.base import lms_grade
from grader.batch.marks import Mark
from grader.batch.roster import read_roster
from grader.batch.standing import Late, apply
from grader.checks.verdict.scoring import Report, TopicResult, make_result
from grader.course.toml import load_course
from grader.gradescope.config import Config, assignment_fields
from grader.gradescope.run import results_for, summary
from grader.report import to_json, to_table

pytestmark = pytest.mark.unit

CASES = (
    20  # each seed a course and an outcome: 20 reach shared checks, weights, manual marks and late penalties
)
TOPICS = ("losses", "optim", "tensors")
TOTALS = (10, 40, 50, 7, 100, 33.33, 12.5, 20)
# a number with more decimals than the rule's two (not a time: "1.5 s", nor a percent)
TOO_PRECISE = re.compile(r"(?<![\w.])\d+\.\d{3,}(?![\d.]*\s*(s|%)\b)")


def course(tmp_path, rng: random.Random):
    """A course whose one assignment spreads random points over random topics' exercises."""
    topics = rng.sample(TOPICS, k=rng.randint(1, 2))
    weights = rng.choice(["", "[assignments.hw.kind_weights]\nshape = 2\ngradient = 1"])
    manual = rng.choice(["", "[assignments.hw.manual.explain]\npoints = 3.5\n"])
    text = (
        f'[course]\ntimezone = "UTC"\n[assignments.hw]\ntopics = {json.dumps(topics)}\n'
        f"points = {rng.choice(TOTALS)}\n{weights}\n{manual}"
    )
    path = tmp_path / "course.toml"
    path.write_text(text)
    return load_course(path).assignment("hw")


def check(rng: random.Random, topic: str, names: tuple[str, ...], n: int) -> dict:
    kind = rng.choice(["shape", "shape", "gradient"])
    status = rng.choice(["passed", "passed", "failed", "error"])
    shared = rng.sample(names, k=2) if rng.random() < 0.2 and len(names) > 1 else [rng.choice(names)]
    return {
        "id": f"test_{topic}_{n}",
        "kind": kind,
        "status": status,
        "points": float(status == "passed"),
        "max_points": 1.0,
        "message": "" if status == "passed" else "wrong values",
        "visibility": rng.choice(["public", "hidden"]),
        "exercises": shared,
    }


def graded(rng: random.Random, topics: tuple[str, ...]) -> Row:
    """A graded row of random checks: every exercise one to four, some shared by two."""
    report_topics = []
    for topic in topics:
        names = exercises(topic)
        tests = [check(rng, topic, (name,), i) for i, name in enumerate(names)]
        tests += [check(rng, topic, names, len(names) + i) for i in range(rng.randint(0, 2 * len(names)))]
        report_topics.append({"name": topic, "tests": tests})
    return Row("s@uni.example", "h", "v", "graded", "", 0.0, 0.0, {"topics": report_topics})


def number(text: str) -> Decimal:
    return Decimal(text.strip())


def pair(text: str) -> tuple[Decimal, Decimal]:
    earned, possible = text.split("/")
    return number(earned), number(possible)


def add(pairs: list[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal]:
    return sum((p[0] for p in pairs), Decimal(0)), sum((p[1] for p in pairs), Decimal(0))


def feedback_numbers(row: Row) -> tuple[list[tuple[Decimal, Decimal]], tuple[Decimal, Decimal]]:
    markdown = feedback_markdown(row)
    topics = [pair(m) for m in re.findall(r"^\| \w+ \| ([\d.]+ / [\d.]+) \|$", markdown, re.M)]
    total = pair(re.search(r"\*\*Total: ([\d.]+ / [\d.]+)\*\*", markdown).group(1))
    html = feedback_fragment(row)
    assert [pair(m) for m in re.findall(r"<tr><td>\w+</td><td>([\d.]+ / [\d.]+)</td></tr>", html)] == topics
    assert pair(re.search(r"Total: ([\d.]+ / [\d.]+)", html).group(1)) == total
    assert not TOO_PRECISE.search(markdown) and not TOO_PRECISE.search(html)
    return topics, total


def csv_numbers(row: Row, tmp_path) -> tuple[list[Decimal], Decimal, Decimal]:
    write_csv([row], tmp_path / "gradebook.csv")
    header, cells = list(csv.reader(io.StringIO((tmp_path / "gradebook.csv").read_text())))
    topics = [number(cells[header.index(t)]) for t in header if t in TOPICS]
    assert not any(TOO_PRECISE.search(c) for c in cells)
    return topics, number(cells[1]), number(cells[2])


def lms_cells(row: Row, tmp_path) -> list[str]:
    """The grade cell of canvas.csv and of moodle.csv (its Maximum Grade the assignment's total)."""
    (tmp_path / "canvas-export.csv").write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"
        '"Student, A",108,S1,s@uni.example,A\n'
    )
    (tmp_path / "worksheet.csv").write_text(
        "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Last modified (grade),Feedback comments\n"
        f"Participant 501,A Student,s@uni.example,Submitted,,{grades.text(row.max_score)},-,\n"
    )
    cells = []
    for export, name, column in (
        ("canvas-export.csv", "canvas.csv", "hw"),
        ("worksheet.csv", "moodle.csv", "Grade"),
    ):
        (path,) = write_lms([row], read_roster(tmp_path / export), "hw", tmp_path / name)[:1]
        with path.open(encoding="utf-8-sig", newline="") as handle:
            cells.append(
                [r for r in csv.DictReader(handle) if "uni.example" in ",".join(r.values())][0][column]
            )
    return cells


def two_decimals(value: float) -> bool:
    return Fraction(repr(value)) * 100 == int(Fraction(repr(value)) * 100)


def test_every_output_shows_topics_that_add_up_to_the_total(tmp_path):
    """Random courses and outcomes: the shown topics (and a manual item's mark) sum to the shown
    total in the feedback (markdown, HTML), gradebook.csv and Gradescope; the LMS grade is that
    total; a late penalty takes its percent of that sum, rounded once."""
    for seed in range(CASES):
        rng = random.Random(seed)
        hw = course(tmp_path, rng)
        marks = (
            {"explain": Mark("s@uni.example", "explain", rng.choice([0, 1.25, 3.5, 7 / 3]))}
            if hw.manual
            else {}
        )
        late = Late(rng.choice([0.0, 0.0, 10.0, 33.0]), "")
        row = apply(graded(rng, hw.topics), hw, [], late, marks)
        manual = [
            (Decimal(repr(m["points"])), Decimal(repr(m["max_points"])))
            for m in row.report["standing"]["manual"].values()
        ]
        topics, total = feedback_numbers(row)
        before = add(topics + manual)
        assert before == (Decimal(repr(row.report["standing"]["before_late"])), total[1]), (
            seed,
            topics,
            total,
        )
        assert total[0] == grades.rounded(before[0] * (100 - Decimal(repr(late.percent))) / 100), seed
        automatic = add(topics)  # gradebook.csv's topic columns and Gradescope's tests: no manual item
        columns, csv_total, csv_max = csv_numbers(row, tmp_path)
        assert sum(columns, Decimal(0)) == automatic[0] and (csv_total, csv_max) == total, seed
        assert Decimal(repr(lms_grade(row, "blank"))) == total[0], seed
        assert [Decimal(c) for c in lms_cells(row, tmp_path)] == [total[0], total[0]], seed
        results = gradescope_results(row)
        scores = [t["score"] for t in results["tests"]] + [results["score"]]
        assert all(two_decimals(s) for s in scores + [t["max_score"] for t in results["tests"]]), seed
        shown = add([(Decimal(repr(t["score"])), Decimal(repr(t["max_score"]))) for t in results["tests"]])
        assert shown == automatic and Decimal(repr(results["score"])) == total[0], (seed, shown, total)


def test_the_autograder_shows_what_batch_shows(tmp_path):
    """Gradescope's own run (results_for, with the assignment's points) adds up as batch does."""
    for seed in range(CASES // 2):
        rng = random.Random(seed)
        hw = course(tmp_path, rng)
        row = graded(rng, hw.topics)
        config = Config(assignment=assignment_fields(hw))
        report = {**row.report, "sandbox": "bubblewrap", "notes": []}
        results = results_for(report, config)
        tests = results["tests"]
        assert all(two_decimals(t["score"]) and two_decimals(t["max_score"]) for t in tests), seed
        assert sum(Decimal(repr(t["max_score"])) for t in tests) == grades.rounded(hw.automatic_total), seed
        assert sum(Decimal(repr(t["score"])) for t in tests) == Decimal(repr(results["score"])), seed
        assert not TOO_PRECISE.search(results["output"]), results["output"]


def terminal_report(rng: random.Random) -> Report:
    """The learner's report: checks whose points are not all whole (28/9 from a suite's weights)."""
    topics = []
    for topic in rng.sample(TOPICS, k=2):
        names = exercises(topic)
        tests = []
        for i in range(rng.randint(3, 12)):
            shared = tuple(rng.sample(names, k=rng.choice([1, 1, 2, 3])))
            points = rng.choice([1.0, 0.5, 2.0, 28 / 9, 1 / 3])
            status = rng.choice(["passed", "passed", "failed"])
            tests.append(make_result(f"test_{i}", "shape", points, status, "wrong", True, shared))
        topics.append(TopicResult(topic, tests))
    return Report(topics, "bubblewrap", "cpu")


def test_the_terminal_table_and_json_add_up_with_two_decimals():
    for seed in range(CASES):
        report = terminal_report(random.Random(seed))
        table = to_table(report, "x.py")
        rows = re.findall(r"^(\w+)\s+([\d.]+/[\d.]+)\s", table, re.M)
        topics = [pair(p) for name, p in rows if name in TOPICS]
        total = next(pair(p) for name, p in rows if name == "total")
        assert add(topics) == total, (seed, table)
        assert not TOO_PRECISE.search(table), table
        data = json.loads(to_json(report))
        shown = [(Decimal(repr(t["score"])), Decimal(repr(t["max_score"]))) for t in data["topics"]]
        assert add(shown) == (Decimal(repr(data["score"])), Decimal(repr(data["max_score"]))), seed
        exercise_numbers = [
            e[k] for t in data["topics"] for e in t["exercises"] for k in ("points", "max_points")
        ]
        assert all(two_decimals(v) for v in exercise_numbers + [data["score"], data["max_score"]]), seed
        assert not TOO_PRECISE.search(summary({**data, "notes": []})), seed


def test_shared_points_are_cents_that_add_up_to_the_assignment(tmp_path):
    """40 points among three exercises: 13.34, 13.33, 13.33, not three 13.333… shown as 13.33
    that add up to 39.99 beside a total of 40."""
    path = tmp_path / "course.toml"
    path.write_text(
        '[assignments.hw]\nexercises = ["losses.mse", "losses.l1", "losses.huber"]\npoints = 40\n'
    )
    hw = load_course(path).assignment("hw")
    assert list(hw.exercise_points.values()) == [13.34, 13.33, 13.33]
    assert sum(Decimal(repr(p)) for p in hw.exercise_points.values()) == 40


def test_the_rounding_rule_is_half_to_even_from_the_exact_fraction():
    assert [grades.text(v) for v in (2.675, 0.125, 0.135, 40 / 3, 50.0, 1.5, 28 / 9, -0.001)] == [
        "2.68",  # 107/40 exactly: a tie, to the even 8 (the float 2.67499… would round down)
        "0.12",
        "0.14",
        "13.33",
        "50",
        "1.5",
        "3.11",
        "0",
    ]
    assert grades.apportion([1, 1, 1], 40) == [Decimal("13.34"), Decimal("13.33"), Decimal("13.33")]
    assert grades.apportion([2, 1], 1) == [Decimal("0.67"), Decimal("0.33")]
    assert grades.exercise_points(2.999, 3) == (Decimal("2.99"), Decimal("3.00"))  # short of full
    assert grades.exercise_points(40 / 3, 40 / 3) == (Decimal("13.33"), Decimal("13.33"))


def test_the_gradebook_names_each_student_by_the_rosters_full_name(tmp_path):
    """gradebook.csv and .json carry the roster's full name beside the key (a student is
    "Alan Turing", not aturing@uni.example); without a roster the files are as before."""
    from grader.batch.exports import export_all

    row = Row("aturing@uni.example", "h", "v", "graded", "", 1, 1, {"topics": []})
    export_all([row], tmp_path, names={"aturing@uni.example": "Alan Turing"})
    with (tmp_path / "gradebook.csv").open(newline="") as handle:
        (read,) = list(csv.DictReader(handle))
    assert read["student"] == "aturing@uni.example" and read["name"] == "Alan Turing"
    assert json.loads((tmp_path / "gradebook.json").read_text())[0]["name"] == "Alan Turing"
    (tmp_path / "plain").mkdir()
    export_all([row], tmp_path / "plain")
    assert (tmp_path / "plain" / "gradebook.csv").read_text().splitlines()[0] == "student,total,max,status"


def test_an_extension_by_the_lms_full_name_wins_over_canvas_late_marker(tmp_path):
    """The course grants the extension to "Alan Turing" (as Canvas lists him); his download's
    ``late_`` marker, which knows only Canvas's due date, costs him nothing; a student without
    one pays the marker's unit, and the words say so."""
    from grader.batch.find import resolve_assignment
    from grader.batch.roster import read_roster
    from grader.batch.standing import late_penalty

    (tmp_path / "canvas.csv").write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"
        '"Turing, Alan",108,S1,aturing,A\n"Hopper, Grace",109,S2,ghopper,A\n'
    )
    (tmp_path / "course.toml").write_text(
        '[course]\ntimezone = "UTC"\n[assignments.hw]\nexercises = ["losses.mse"]\npoints = 10\n'
        'due = "2026-10-14 12:00"\n[assignments.hw.late]\npolicy = "per_day"\npenalty = 10\n'
        '[assignments.hw.extensions]\n"Alan Turing" = "2026-10-16 12:00"\n'
    )
    hw = load_course(tmp_path / "course.toml").assignment("hw")
    hw = resolve_assignment(hw, [], read_roster(tmp_path / "canvas.csv"))
    assert late_penalty(hw, "aturing", None, True).percent == 0.0
    assert late_penalty(hw, "ghopper", None, True) == Late(
        10.0, "marked late by the LMS, time unknown: counted as 1 day late, −10 %"
    )
