"""Unit tests for grader/checks/verdict/scoring.py and grader/report.py: statuses, totals and what is printed.

Reports are built by hand; no `grade` run.
"""

from __future__ import annotations

import json

import pytest

from grader import report as render
from grader.checks.verdict import scoring
from grader.checks.verdict.scoring import KINDS, STATUSES, Report, TopicResult, make_result

pytestmark = pytest.mark.unit

NOT_PASSED = [s for s in STATUSES if s not in ("passed", "skipped")]


def topic(name: str, *results: scoring.TestResult) -> TopicResult:
    return TopicResult(name, list(results))


def result(
    test_id: str, status: str, points: float = 1, message: str = "", public: bool = False, kind: str = "shape"
) -> scoring.TestResult:
    return make_result(test_id, kind, points, status, message, public, (test_id,))


# -- make_result -----------------------------------------------------------------------------


def test_statuses_and_kinds_of_the_contract():
    assert set(STATUSES) == {"passed", "failed", "error", "not_started", "timeout", "skipped"}
    assert set(KINDS) == {"shape", "gradient", "convergence", "device"}


def test_make_result_passed_earns_its_points():
    r = make_result("test_mse", "shape", 2.5, "passed", "", True)
    assert (r.id, r.kind, r.status, r.points, r.max_points, r.message, r.public) == (
        "test_mse",
        "shape",
        "passed",
        2.5,
        2.5,
        "",
        True,
    )


@pytest.mark.parametrize("status", NOT_PASSED)
def test_make_result_any_other_status_earns_nothing_but_keeps_the_maximum(status):
    r = make_result("t", "gradient", 3, status, "why", False)
    assert r.points == 0 and r.max_points == 3
    assert r.status == status and r.message == "why"


def test_make_result_skipped_leaves_the_maximum():
    r = make_result("t", "device", 2, "skipped", "inconclusive", False)
    assert r.points == 0 and r.max_points == 0


# -- totals and exit code --------------------------------------------------------------------


def test_topic_totals_and_counts():
    t = topic(
        "losses",
        result("a", "passed", 2),
        result("b", "failed", 1),
        result("c", "skipped", 4),
        result("d", "error", 1),
        result("e", "error", 0.5),
    )
    assert t.score == 2
    assert t.max_score == 4.5
    assert t.count("error") == 2 and t.count("skipped") == 1 and t.count("timeout") == 0


def test_report_totals_sum_over_topics():
    report = Report(
        [
            topic("tensors", result("a", "passed", 2), result("b", "failed", 1)),
            topic("losses", result("c", "passed", 1), result("d", "skipped", 5)),
        ],
        "bwrap",
        "cpu",
    )
    assert report.score == 3
    assert report.max_score == 4


def test_exit_code_zero_only_for_a_full_score():
    full = Report([topic("tensors", result("a", "passed", 2), result("b", "skipped", 1))], "bwrap", "cpu")
    assert full.exit_code == 0
    partial = Report([topic("tensors", result("a", "passed", 2), result("b", "failed", 1))], "bwrap", "cpu")
    assert partial.exit_code == 1


@pytest.mark.parametrize("topics", [[], [topic("tensors")], [topic("tensors", result("a", "skipped"))]])
def test_exit_code_is_not_zero_when_nothing_could_be_scored(topics):
    # 0/0 is not a full score: nothing graded must not look like success to CI
    assert Report(topics, "bwrap", "cpu").exit_code == 1


# -- JSON contract ---------------------------------------------------------------------------


def sample_report() -> Report:
    losses = topic(
        "losses",
        result("mse", "passed", 2, public=True),
        result(
            "kl_div", "failed", 1, "kl_div(p, q): expected inf at [1], got 3.\n  hint: q = 0", public=True
        ),
        result("cuda", "skipped", 1, "no GPU", kind="device"),
        result("grad_a", "error", 1, "the worker crashed", kind="gradient"),
        result("grad_b", "error", 1, "the worker crashed", kind="gradient"),
        result("slow", "timeout", 1, "did not answer within 5 s"),
        result("stub", "not_started", 1, "not started: NotImplementedError"),
    )
    tensors = topic("tensors", result("matmul", "passed", 1, public=True))
    return Report(
        [tensors, losses],
        "bubblewrap (zygote)",
        "cpu",
        ["public checks only"],
        {"wall": 1.23456, "startup": 0.0004},
    )


def test_report_to_json_has_the_contract_keys():
    data = sample_report().to_json()
    assert set(data) == {"score", "max_score", "topics", "sandbox", "device", "notes", "seconds"}
    assert (data["score"], data["max_score"]) == (3, 8)
    assert (data["sandbox"], data["device"], data["notes"]) == (
        "bubblewrap (zygote)",
        "cpu",
        ["public checks only"],
    )
    assert data["seconds"] == {"wall": 1.235, "startup": 0.0}
    assert [t["name"] for t in data["topics"]] == ["tensors", "losses"]
    losses = data["topics"][1]
    assert set(losses) == {"name", "score", "max_score", "tests", "exercises"}  # no "note" when empty
    assert (losses["score"], losses["max_score"]) == (2, 7)
    for test in losses["tests"]:
        assert set(test) == {
            "id",
            "kind",
            "status",
            "points",
            "max_points",
            "message",
            "visibility",
            "exercises",
        }
    kl = losses["tests"][1]
    assert kl == {
        "id": "kl_div",
        "kind": "shape",
        "status": "failed",
        "points": 0.0,
        "max_points": 1,
        "message": "kl_div(p, q): expected inf at [1], got 3.\n  hint: q = 0",
        "visibility": "public",
        "exercises": ["kl_div"],
    }
    assert losses["tests"][2]["visibility"] == "hidden"
    assert losses["tests"][2]["max_points"] == 0


def test_topic_note_appears_in_json_when_set():
    t = TopicResult("rnn", [result("a", "passed")], note="suite ran without a GPU")
    assert t.to_json()["note"] == "suite ran without a GPU"


def test_report_to_json_string_round_trips():
    report = sample_report()
    text = render.to_json(report)
    assert json.loads(text) == report.to_json()


# -- the table -------------------------------------------------------------------------------


def test_table_header_rows_and_total():
    lines = render.to_table(sample_report(), "exercises/").splitlines()
    assert lines[0] == (
        f"torchgrade: exercises/  (sandbox: bubblewrap (zygote); device: cpu; graded by {render.course_name()})"
    )
    assert lines[2].split() == [
        "topic",
        "score",
        "passed",
        "failed",
        "error",
        "timeout",
        "not",
        "started",
        "skipped",
    ]
    rows = {line.split()[0]: line.split() for line in lines if line[:1].isalpha()}
    # counts in the column order: passed failed error timeout not_started skipped
    assert rows["tensors"] == ["tensors", "1/1", "1", "0", "0", "0", "0", "0"]
    assert rows["losses"] == ["losses", "2/7", "1", "1", "2", "1", "1", "1"]
    assert rows["total"] == ["total", "3/8", "(38", "%)"]


def test_table_points_use_g_formatting():
    report = Report([topic("optim", result("a", "passed", 0.5), result("b", "failed", 2))], "none", "cpu")
    assert "0.5/2.5" in render.to_table(report, "x")
    assert "(20 %)" in render.to_table(report, "x")


def test_table_shows_one_diagnosis_per_exercise_not_full():
    table = render.to_table(sample_report(), "exercises/")
    assert "What to look at:" in table
    assert "  ✗ losses · kl_div 0/1\n" in table
    # every line of a multi-line diagnosis is indented under its exercise
    assert "      kl_div(p, q): expected inf at [1], got 3.\n        hint: q = 0" in table
    assert "  ✗ losses · slow 0/1\n      did not answer within 5 s" in table
    assert "mse" not in table and "matmul" not in table  # full exercises do not clutter
    assert "no GPU" not in table and "cuda" not in table  # nor skipped ones


def test_verbose_table_also_groups_identical_check_failures():
    assert "Every check not passed" not in render.to_table(sample_report(), "exercises/")
    table = render.to_table(sample_report(), "exercises/", verbose=True)
    checks = table.split("Every check not passed:", 1)[1]
    assert "  ✗ losses · 2 checks (grad_a, …) error\n      the worker crashed" in checks
    assert checks.count("the worker crashed") == 1


def test_table_says_an_untouched_exercise_in_one_line():
    table = render.to_table(sample_report(), "exercises/")
    assert "  … losses · stub 0/1 not started\n" in table
    assert "not started: NotImplementedError" not in table


def test_table_says_an_untouched_topic_in_one_line():
    stub = topic("losses", result("a", "not_started", 1, "not started: a"), result("b", "not_started", 2))
    details = render.to_table(Report([stub], "none", "cpu"), "exercises/").split("What to look at:\n")[1]
    assert details == "  … losses: not started (the functions in losses.py still raise NotImplementedError)"


def test_table_says_a_file_that_does_not_import_in_one_line():
    broken = "SyntaxError while importing losses.py: invalid syntax (line 3)"
    t = topic("losses", result("a", "error", 1, broken), result("b", "error", 2, broken, kind="gradient"))
    details = render.to_table(Report([t], "none", "cpu"), "exercises/").split("What to look at:\n")[1]
    assert details == f"  ✗ losses: {broken}"


def test_table_lists_the_notes_last():
    lines = render.to_table(sample_report(), "exercises/").splitlines()
    assert lines[-1] == "note: public checks only"


def test_table_of_a_full_score_has_no_details():
    report = Report(
        [topic("tensors", result("a", "passed"), result("b", "skipped", message="no GPU"))],
        "bubblewrap",
        "cpu",
    )
    table = render.to_table(report, "solutions/")
    assert "What to look at" not in table and "✗" not in table
    assert "(100 %)" in table


def test_table_with_nothing_to_score_shows_zero_percent():
    table = render.to_table(Report([], "none", "cpu"), "empty/")
    assert "0/0  (0 %)" in table


def test_group_by_message_keeps_first_seen_order_and_splits_by_status():
    tests = [
        {"id": "a", "status": "error", "message": "m"},
        {"id": "b", "status": "failed", "message": "m"},
        {"id": "c", "status": "error", "message": "m"},
        {"id": "d", "status": "error", "message": "n"},
    ]
    assert render.group_by_message(tests) == [
        ("error", "m", ["a", "c"]),
        ("failed", "m", ["b"]),
        ("error", "n", ["d"]),
    ]


# -- colour on a terminal --------------------------------------------------------------------


class Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    "tty, no_color, expected",
    [(True, None, True), (True, "1", False), (False, None, False), (True, "", True)],
)
def test_colour_only_on_a_terminal_without_no_color(monkeypatch, tty, no_color, expected):
    monkeypatch.delenv("NO_COLOR", raising=False)
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)  # https://no-color.org: set and non-empty
    assert render.use_colour(Stream(tty)) is expected


def test_plain_table_has_no_escape_codes():
    assert "\x1b[" not in render.to_table(sample_report(), "exercises/")


def test_coloured_table_marks_each_status_and_says_the_same_text():
    import click

    plain = render.to_table(sample_report(), "exercises/")
    coloured = render.to_table(sample_report(), "exercises/", colour=True)
    assert "\x1b[31m" in coloured  # red: a failed check, the score of a topic with none passed
    text = click.unstyle(coloured)
    assert "  ✗ losses · kl_div 0/1" in text
    assert "  ✗ losses · slow 0/1\n      did not answer within 5 s" in text
    assert "  … losses · stub 0/1 not started" in text
    assert "tensors" in text and [line for line in text.splitlines() if line.startswith("tensors")][
        0
    ].endswith("✓")  # a full topic
    # apart from the symbols, the coloured table says what the plain one says
    assert text.replace(" ✓", "") == plain


def test_table_says_an_empty_file_in_one_block():
    def missing(name: str) -> scoring.TestResult:
        message = (
            f"AttributeError while running {name}() in losses.py: module 'losses' has no attribute '{name}'"
        )
        return result(name, "error", 1, message)

    t = topic(
        "losses", missing("mse"), missing("l1"), missing("huber"), result("softmax", "failed", 1, "wrong")
    )
    details = render.to_table(Report([t], "none", "cpu"), "exercises/").split("What to look at:\n")[1]
    assert details.splitlines()[0] == (
        "  ✗ losses: losses.py does not define mse, l1, huber: is the file empty or not saved? "
        "`grade reset NAME` puts an exercise's stub back"
    )
    assert "losses · softmax 0/1" in details and details.count("no attribute") == 0


def test_fractional_points_are_explained():
    from grader.apps.learner import shares_line

    # passed: failed, it is entropy's (the only one failing a check of its own), and kl_div, with
    # no check of its own in the run, reads it as skipped (grader/checks/verdict/exercises.py _groups)
    shared = make_result("kl", "shape", 3, "passed", "", True, ("entropy", "kl_div"))
    t = topic("losses", shared, make_result("e", "shape", 6, "failed", "wrong", True, ("entropy",)))
    line = shares_line(Report([t], "none", "cpu"))
    assert "equal share" in line and "entropy 7.5" in line and "kl_div 1.5" in line
    assert shares_line(Report([topic("losses", result("a", "failed"))], "none", "cpu")) == ""
