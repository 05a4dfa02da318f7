"""Unit tests for grader/batch/exports.py: the views written from gradebook rows.

Rows are built by hand with small reports shaped like ``Report.to_json()``.
"""

from __future__ import annotations

import csv
import json

import pytest

from grader.batch.exports import NoHistory, export_all, safe_name, write_csv, write_json
from grader.batch.feedback import feedback_html, feedback_markdown
from grader.batch.gradebook import Gradebook, Grading, Row
from grader.batch.gradescope_results import gradescope_results
from grader.batch.overrides import history_table, student_history

pytestmark = pytest.mark.unit


def check(
    test_id: str,
    status: str,
    points: float = 1,
    max_points: float = 1,
    message: str = "",
    visibility: str = "hidden",
    kind: str = "shape",
    exercises: tuple[str, ...] = (),
) -> dict:
    return {
        "id": test_id,
        "kind": kind,
        "status": status,
        "points": points,
        "max_points": max_points,
        "message": message,
        "visibility": visibility,
        "exercises": list(exercises),
    }


def topic(name: str, *tests: dict) -> dict:
    return {
        "name": name,
        "score": sum(t["points"] for t in tests),
        "max_score": sum(t["max_points"] for t in tests),
        "tests": list(tests),
    }


def graded(student: str, *topics: dict) -> Row:
    score, max_score = sum(t["score"] for t in topics), sum(t["max_score"] for t in topics)
    report = {
        "score": score,
        "max_score": max_score,
        "topics": list(topics),
        "sandbox": "bubblewrap",
        "device": "cpu",
        "notes": [],
        "seconds": {"wall": 2.0},
    }
    return Row(student, "hash-" + student, "v1", "graded", "", score, max_score, report)


def alice() -> Row:
    # topics deliberately out of teaching order: columns must follow TOPICS
    return graded(
        "alice",
        topic(
            "losses",
            check("mse", "passed", 2, 2, visibility="public"),
            check(
                "kl_div",
                "failed",
                0,
                1,
                "kl_div(p, q): expected inf at [1], got 3.\n  hint: q = 0",
                visibility="public",
            ),
            check(
                "huber",
                "failed",
                0,
                1,
                "kl_div(p, q): expected inf at [1], got 3.\n  hint: q = 0",
                visibility="public",
            ),
            check(
                "secret_grad",
                "failed",
                0,
                1,
                "SECRET hidden message one",
                kind="gradient",
                exercises=("huber",),
            ),
            check("secret_stub", "not_started", 0, 1, "not started: SECRET two", exercises=("l1",)),
            check("secret_slow", "timeout", 0, 1, "SECRET three", kind="convergence", exercises=("huber",)),
            check("secret_more[2.5-x]", "failed", 0, 1, "SECRET four", exercises=("huber",)),
            check("secret_gpu", "skipped", 0, 0, "no GPU", kind="device", exercises=("l1",)),
            check("secret_ok", "passed", 1, 1, "", exercises=("bce",)),
        ),
        topic("tensors", check("matmul", "passed", 1.5, 1.5, visibility="public")),
    )


def bob() -> Row:
    return graded(
        "bob",
        topic("tensors", check("matmul", "passed", 1, 1.5, visibility="public")),
        topic("rnn", check("gru", "passed", 1, 1)),
    )


def rejected() -> Row:
    return Row("carol", "", "v1", "rejected", "no .py file or notebook in the submission", 0, 0, {})


def crashed() -> Row:
    return Row("dave", "hash-dave", "v1", "crashed", "the grading process died", 0, 0, {})


# -- safe_name -------------------------------------------------------------------------------


def test_safe_name_keeps_a_plain_name():
    assert safe_name("alice.smith-2_b") == "alice.smith-2_b"


@pytest.mark.parametrize("student", ["../../etc/passwd", "a/b", "..", ".hidden", "", "名前", "a b", "a\\b"])
def test_safe_name_cannot_climb_out_and_stays_distinct(student):
    name = safe_name(student)
    assert name and "/" not in name and "\\" not in name and not name.startswith(".")
    assert name not in (".", "..")
    assert name != safe_name(student + "x")


def test_safe_name_distinguishes_names_that_clean_to_the_same_text():
    assert safe_name("a/b") != safe_name("a_b") != safe_name("a b")
    assert safe_name("a/b") != safe_name("a b")


# -- gradebook.csv ---------------------------------------------------------------------------


def read_csv(path):
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_csv_header_and_topic_columns_in_teaching_order(tmp_path):
    write_csv([alice(), bob()], tmp_path / "gradebook.csv")
    rows = read_csv(tmp_path / "gradebook.csv")
    # only topics some row has, in TOPICS order (tensors before losses before rnn)
    assert rows[0] == ["student", "total", "max", "status", "tensors", "losses", "rnn"]
    assert rows[1] == ["alice", "4.5", "10.5", "graded", "1.5", "3", ""]
    assert rows[2] == ["bob", "2", "2.5", "graded", "1", "", "1"]


def test_csv_rejected_and_crashed_rows_carry_their_reason(tmp_path):
    write_csv([alice(), rejected(), crashed()], tmp_path / "gradebook.csv")
    rows = read_csv(tmp_path / "gradebook.csv")
    assert rows[2] == ["carol", "0", "0", "rejected: no .py file or notebook in the submission", "", ""]
    assert rows[3] == ["dave", "", "0", "crashed: the grading process died", "", ""]


def test_csv_with_only_ungraded_rows_has_no_topic_columns(tmp_path):
    write_csv([rejected()], tmp_path / "gradebook.csv")
    assert read_csv(tmp_path / "gradebook.csv")[0] == ["student", "total", "max", "status"]


def test_csv_quotes_awkward_student_names(tmp_path):
    odd = graded('o"neil, jr', topic("tensors", check("matmul", "passed")))
    write_csv([odd], tmp_path / "gradebook.csv")
    assert read_csv(tmp_path / "gradebook.csv")[1][0] == 'o"neil, jr'


# -- gradebook.json --------------------------------------------------------------------------


def test_json_holds_every_row_with_its_full_report(tmp_path):
    rows = [alice(), rejected()]
    write_json(rows, tmp_path / "gradebook.json")
    data = json.loads((tmp_path / "gradebook.json").read_text())
    assert [d["student"] for d in data] == ["alice", "carol"]
    assert set(data[0]) == {
        "student",
        "status",
        "reason",
        "total",
        "max",
        "content_hash",
        "suite_version",
        "report",
    }
    assert data[0]["report"] == alice().report
    assert (data[0]["total"], data[0]["max"], data[0]["content_hash"]) == (4.5, 10.5, "hash-alice")
    assert (data[1]["status"], data[1]["reason"]) == ("rejected", "no .py file or notebook in the submission")


# -- feedback/<student>.md -------------------------------------------------------------------


def test_feedback_shows_totals_and_topic_scores():
    text = feedback_markdown(alice())
    assert text.startswith("# Feedback for alice\n")
    assert "**Total: 4.5 / 10.5**" in text
    assert "| losses | 3 / 9 |" in text and "| tensors | 1.5 / 1.5 |" in text


def test_feedback_gives_each_exercise_not_full_its_points_and_one_diagnosis():
    text = feedback_markdown(alice())
    assert "## losses" in text
    assert (
        "- `kl_div` 0 / 1: kl\\_div(p, q): expected inf at \\[1\\], got 3.\n      hint: q = 0\n" in text
    )  # markdown's syntax escaped: it renders as the message
    # huber's public failure leads; its hidden checks are only counted
    assert "- `huber` 0 / 4: kl\\_div(p, q)" in text and "    and 3 more checks of huber\n" in text
    assert "- `l1` 0 / 1: not started\n" in text  # an untouched exercise: one line
    assert "`mse`" not in text and "`matmul`" not in text  # full exercises stay out


def test_feedback_hidden_checks_are_said_by_kind_and_how_they_ended():
    row = graded(
        "gina",
        topic(
            "losses",
            check("secret_a", "timeout", 0, 1, "SECRET", kind="convergence", exercises=("huber",)),
            check("secret_b", "failed", 0, 1, "SECRET", kind="gradient", exercises=("huber",)),
            check("open", "passed", 1, 1, visibility="public", exercises=("huber",)),
        ),
    )
    text = feedback_markdown(row)
    assert (
        "- `huber` 1 / 3: a hidden gradient check failed: the answer is not the one the check expects\n    and 1 more check of huber\n"
        in text
    )
    assert "SECRET" not in text and "secret_" not in text


def test_feedback_hidden_checks_never_show_their_id_message_or_inputs():
    text = feedback_markdown(alice())
    assert "SECRET" not in text and "secret_" not in text and "2.5" not in text
    html = feedback_html(alice())
    assert "SECRET" not in html and "secret_" not in html and "2.5" not in html


def test_feedback_hidden_checks_of_several_exercises_and_of_old_rows():
    row = graded(
        "frank",
        topic(
            "cnn",
            check("a", "failed", 0, 1, kind="gradient", exercises=("conv2d", "corr2d")),
            check("b", "failed", 0, 1, kind="gradient", exercises=("conv2d", "corr2d")),
            check("c", "error", 0, 1),  # a row graded before checks named their exercises
        ),
    )
    text = feedback_markdown(row)
    assert (
        "- `conv2d` 0 / 1: a hidden gradient check failed: the answer is not the one the check expects\n    and 1 more check of conv2d\n"
        in text
    )
    assert (
        "- `corr2d` 0 / 1: a hidden gradient check failed: the answer is not the one the check expects\n"
        in text
    )


def test_feedback_of_an_untouched_topic_or_a_file_that_does_not_import_is_one_line():
    stub = topic(*["losses"], *(check(f"s{i}", "not_started", 0, 1, exercises=(f"e{i}",)) for i in range(9)))
    broken = "SyntaxError while importing rnn.py: invalid syntax (line 3)"
    crashed_topic = topic(
        *["rnn"], *(check(f"r{i}", "error", 0, 1, broken, "public", exercises=(f"f{i}",)) for i in range(5))
    )
    text = feedback_markdown(graded("hal", stub, crashed_topic))
    sections = text.split("## ")[1:]
    assert sections[0] == "losses\nnot started: every exercise still raises NotImplementedError\n\n"
    assert sections[1] == "rnn\nSyntaxError while importing rnn.py: invalid syntax (line 3)\n"


def test_feedback_shows_an_override_with_its_public_comment_and_totals_that_agree():
    row = alice()
    row.report["standing"] = {
        "exercises": {"losses.huber": [3.0, 4.0], "losses.kl_div": [0.0, 1.0], "losses.mse": [2.0, 2.0]},
        "overrides": ["losses.huber: 3 / 4 set by the instructor (partial credit for the idea)"],
    }
    text = feedback_markdown(row)
    assert "- `huber` 3 / 4: " in text
    assert "override: losses.huber: 3 / 4 set by the instructor (partial credit for the idea)" in text
    assert "| losses | 5 / 7 |" in text


def test_feedback_html_twin_says_what_the_markdown_says():
    html = feedback_html(alice())
    assert html.startswith("<!DOCTYPE html>") and "<h1>Feedback for alice</h1>" in html
    assert "<strong>Total: 4.5 / 10.5</strong>" in html
    assert (
        "<li><code>kl_div</code> 0 / 1<pre>kl_div(p, q): expected inf at [1], got 3.\n  hint: q = 0</pre></li>"
        in html
    )
    assert "<li><code>l1</code> 0 / 1<pre>not started</pre></li>" in html


def test_feedback_a_topic_with_nothing_open_has_no_section():
    text = feedback_markdown(alice())
    assert "## tensors" not in text
    full = graded("erin", topic("tensors", check("a", "passed"), check("b", "skipped", 0, 0, "no GPU")))
    assert "## " not in feedback_markdown(full)


@pytest.mark.parametrize("make", [rejected, crashed])
def test_feedback_of_an_ungraded_row_gives_the_reason(make):
    row = make()
    text = feedback_markdown(row)
    assert text.startswith(f"# Feedback for {row.student}\n")
    assert f"Your submission could not be graded: {row.reason}" in text
    assert "Total" not in text


# -- gradescope/<student>/results.json -------------------------------------------------------


def test_gradescope_results_have_a_test_per_exercise_and_one_of_its_hidden_checks():
    results = gradescope_results(alice())
    assert results["score"] == 4.5
    assert "output" not in results
    names = [t["name"] for t in results["tests"]]
    assert names == [
        "losses: mse",
        "losses: kl_div",
        "losses: huber",
        "losses: huber (hidden checks)",
        "losses: l1 (hidden checks)",
        "losses: bce (hidden checks)",
        "tensors: matmul",
    ]
    kl = results["tests"][1]
    assert kl == {
        "name": "losses: kl_div",
        "score": 0,
        "max_score": 1,
        "status": "failed",
        "output": "kl_div(p, q): expected inf at [1], got 3.\n  hint: q = 0\n\nchecks:\n  ✗ kl_div: failed",
        "output_format": "text",
        "tags": ["losses", "shape"],
        "visibility": "visible",
    }


def test_gradescope_hidden_checks_show_only_their_kind_and_status():
    tests = {t["name"]: t for t in gradescope_results(alice())["tests"]}
    l1 = tests["losses: l1 (hidden checks)"]
    assert l1["output"] == "not started\n\nchecks:\n  ✗ hidden value check 1: not started"
    assert l1["visibility"] == "after_published"  # no public check of its own; held as the total is
    assert " hidden " not in tests["losses: huber"]["output"]
    huber = tests["losses: huber (hidden checks)"]["output"]
    assert "  ✗ hidden gradient check 1: failed\n" in huber and "hidden convergence check 1: timeout" in huber
    assert not any("SECRET" in t["output"] or "secret_" in t["output"] for t in tests.values())


@pytest.mark.parametrize("make", [rejected, crashed])
def test_gradescope_ungraded_row_says_why(make):
    row = make()
    results = gradescope_results(row)
    assert results == {
        "score": 0,
        "tests": [],
        "output": f"Your submission could not be graded: {row.reason}",
    }


# -- export_all ------------------------------------------------------------------------------


def test_export_all_writes_every_view(tmp_path):
    rows = [alice(), bob(), rejected(), crashed()]
    export_all(rows, tmp_path)
    assert read_csv(tmp_path / "gradebook.csv")[0][:4] == ["student", "total", "max", "status"]
    assert len(json.loads((tmp_path / "gradebook.json").read_text())) == 4
    for row in rows:
        assert (tmp_path / "feedback" / f"{row.student}.md").read_text() == feedback_markdown(row)
        assert (tmp_path / "feedback" / f"{row.student}.html").read_text() == feedback_html(row)
        results = json.loads((tmp_path / "gradescope" / row.student / "results.json").read_text())
        assert results == gradescope_results(row)


def test_export_all_keeps_hostile_names_inside_the_output_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    row = graded("../../escape", topic("tensors", check("matmul", "passed")))
    export_all([row], out)
    name = safe_name("../../escape")
    assert (out / "feedback" / f"{name}.md").is_file()
    assert (out / "gradescope" / name / "results.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_export_all_overwrites_previous_views(tmp_path):
    export_all([graded("alice", topic("tensors", check("matmul", "failed", 0, 1)))], tmp_path)
    export_all([alice()], tmp_path)
    assert "**Total: 4.5 / 10.5**" in (tmp_path / "feedback" / "alice.md").read_text()
    assert read_csv(tmp_path / "gradebook.csv")[1][1] == "4.5"


# -- a student's history ----------------------------------------------------------------------

HEADER = ["time", "suite", "version", "content", "status", "score"]


def test_history_table_one_line_per_grading():
    lines = history_table(
        [
            Grading("alice", "0123456789abcdef0123", "v1", "2024-05-01T12:00:00Z", "graded", 1.5, 2),
            Grading("alice", "", "v2", "2024-05-02T08:30:00Z", "rejected", 0, 0),
        ]
    ).splitlines()
    assert lines[0].split() == HEADER
    assert lines[1].split() == ["2024-05-01T12:00:00Z", "v1", "0123456789ab", "graded", "1.5", "/", "2"]
    assert lines[2].split() == ["2024-05-02T08:30:00Z", "v2", "-", "rejected", "0", "/", "0"]
    assert lines[1].index("v1") == lines[0].index("suite") and lines[2].index("rejected") == lines[0].index(
        "status"
    )


def test_student_history_reads_the_gradebook_in_out(tmp_path):
    with pytest.raises(NoHistory, match="no gradebook"):
        student_history(tmp_path, "alice")
    book = Gradebook(tmp_path / "gradebook.sqlite")
    book.record(rejected())
    book.record(alice())
    book.close()
    with pytest.raises(NoHistory, match="bob"):
        student_history(tmp_path, "bob")
    lines = student_history(tmp_path, "alice").splitlines()
    assert lines[0].split() == HEADER and len(lines) == 2
    score, max_score = alice().score, alice().max_score
    assert lines[1].split()[2:] == ["hash-alice", "graded", f"{score:g}", "/", f"{max_score:g}"]
