"""One weighing (docs/design.md, "One weighing"): course points, notes, overrides and Gradescope's
results start from the verdict each check carries and the report's own points; a course changes
an exercise's scale, never who is charged. Without a course, every number is the report's,
exercise by exercise; an exercise a course gives the report's points shows the report's numbers."""

from __future__ import annotations

import ast
import copy
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field

import pytest
from helpers import REPO, grade_json, run_grade

from grader.apps.course_points import Split, applied
from grader.base import grades
from grader.batch.causes import Note, Noted
from grader.batch.gradebook import Override, Row
from grader.batch.standing import Late, apply, weigh
from grader.checks.verdict import scoring
from grader.checks.verdict.exercises import judge
from grader.checks.verdict.scoring import Report, TopicResult
from grader.gradescope.config import Config
from grader.gradescope.run import results_for


def check(
    id_: str, exercises: tuple[str, ...], status: str, points: float = 1.0, kind: str = "shape", **more
) -> dict:
    row = scoring.TestResult(
        id=id_,
        kind=kind,
        status=status,
        points=points if status == "passed" else 0.0,
        max_points=points,
        public=more.pop("public", True),
        exercises=exercises,
        **more,
    )
    return row.to_json()


def rnn_report() -> dict:
    """rnn_cell right, gru_cell not started: the check they share raised in gru_cell (its record's
    ``blame``), as grading the stub with rnn_cell solved records it; a training check of 2 points
    and a 0.5-point clause beside the one-point checks."""
    tests = [
        check("rnn_cell_values", ("rnn_cell",), "passed"),
        check("rnn_cell_grad", ("rnn_cell",), "passed", kind="gradient"),
        check("rnn_cell_dtype", ("rnn_cell",), "passed", 0.5, clause="dtype"),
        check("cells_agree", ("rnn_cell", "gru_cell"), "not_started", blame="gru_cell", stub="gru_cell"),
        check("gru_cell_values", ("gru_cell",), "not_started", stub="gru_cell"),
        check("gru_cell_grad", ("gru_cell",), "not_started", kind="gradient", stub="gru_cell"),
        check("train_rnn", ("rnn_forward",), "failed", 2.0, kind="convergence"),
        check("rnn_forward_values", ("rnn_forward",), "passed"),
        check("rnn_forward_more", ("rnn_forward",), "passed"),
    ]
    return {"topics": [{"name": "rnn", "tests": tests}]}


def plain(report: dict) -> dict[str, list[float]]:
    """{topic.exercise: [points, max]} as the plain report shows them."""
    return {
        f"{topic['name']}.{e.name}": [e.points, e.max_points]
        for topic in report["topics"]
        for e in judge(topic["tests"])
    }


@dataclass(frozen=True)
class Points:
    """An assignment's points, as grader/batch/standing.py reads them."""

    exercise_points: dict[str, float]
    kind_weights: dict[str, float] = field(default_factory=dict)
    twin: str = "zero"


def report_points(report: dict) -> Points:
    """A course that gives every exercise the report's points (at the default kind weights)."""
    return Points({key: most for key, (_, most) in plain(report).items()})


@pytest.mark.unit
def test_the_plain_report_charges_the_shared_check_to_gru_cell():
    shown = plain(rnn_report())
    assert shown["rnn.rnn_cell"][0] == shown["rnn.rnn_cell"][1] > 0  # full: gru_cell's failure
    assert shown["rnn.gru_cell"][0] == 0


@pytest.mark.unit
def test_a_course_charges_who_the_verdict_charges():
    """Before: the course split the shared check into one share per exercise and charged each,
    rnn_cell 5.34 plain → 2.67 under a course."""
    report = rnn_report()
    _, course = weigh(report, report_points(report))
    assert course == plain(report)
    _, tenfold = weigh(report, Points({"rnn.rnn_cell": 10, "rnn.gru_cell": 10, "rnn.rnn_forward": 10}))
    assert tenfold["rnn.rnn_cell"] == [10, 10] and tenfold["rnn.gru_cell"] == [0, 10]


@pytest.mark.unit
def test_without_a_course_weighing_is_the_report():
    """Before: without a course every check counted 1 point (the training check 2, the clause 0.5
    in the report)."""
    report = rnn_report()
    _, exercises = weigh(report, None)
    assert exercises == plain(report)


@pytest.mark.unit
def test_a_course_keeps_the_ratio_inside_each_exercise():
    """rnn_forward: a 2-point training check failed beside two 1-point value checks: 2 / 4 in
    the report, so half of whatever the course gives it (before: 2 / 3 of it)."""
    _, course = weigh(rnn_report(), Points({"rnn.rnn_forward": 6}))
    assert course["rnn.rnn_forward"] == [3, 6]


def graded(report: dict) -> Row:
    shown = plain(report)
    earned, most = sum(e for e, _ in shown.values()), sum(m for _, m in shown.values())
    return Row("alice", "h", "v", "graded", "", earned, most, report)


def text_note(exercise: str, points: float | None = None) -> Noted:
    return Noted(Note(exercise, "cells_agree:not_started", "read the docstring again", points), True)


@pytest.mark.unit
@pytest.mark.parametrize("kind", ["note", "override", "both"])
def test_a_note_or_a_no_op_override_leaves_the_report_alone(kind):
    """Before: a 0-point text note or an override to the points the exercise already had moved
    the total (37/47 → 35/45; 5.34/53 → 3/50.99)."""
    report = rnn_report()
    row = graded(report)
    shown = plain(report)
    notes = [text_note("rnn.rnn_forward", 0.0)] if kind != "override" else []
    overrides = (
        [Override("alice", "rnn.rnn_cell", shown["rnn.rnn_cell"][0], False, "", shown["rnn.rnn_cell"][0])]
        if kind != "note"
        else []
    )
    final = apply(row, None, overrides, Late(0.0, ""), group_notes=notes)
    assert (final.score, final.max_score) == (row.score, row.max_score)
    assert final.report["standing"]["exercises"] == shown


@pytest.mark.unit
def test_gradescope_with_the_reports_points_shows_the_report():
    report = rnn_report()
    points = report_points(report)
    results = results_for({**report, "score": 0, "max_score": 0, "sandbox": "", "notes": []},
                          Config(assignment={"exercise_points": points.exercise_points}))  # fmt: skip
    by_exercise: dict[str, list[float]] = {}
    for test in results["tests"]:
        name = "rnn." + test["name"].split(": ", 1)[1].split(" ", 1)[0]
        earned, most = by_exercise.setdefault(name, [0.0, 0.0])
        by_exercise[name] = [round(earned + test["score"], 2), round(most + test["max_score"], 2)]
    assert by_exercise == plain(report)


@pytest.mark.unit
def test_a_course_release_shows_the_public_checks_report_points():
    """The release of a course that gives each exercise the report's points: what the public
    checks earn is what ``grade --public-only`` shows without a course."""
    public = [scoring.TestResult.from_json(t) for t in rnn_report()["topics"][0]["tests"]]
    hidden_ids = {"rnn_forward_more", "rnn_cell_grad"}
    ran = [t for t in public if t.id not in hidden_ids]
    whole = plain(rnn_report())
    split = Split(
        assignment="hw",
        total=sum(m for _, m in whole.values()),
        exercise_points={k: m for k, (_, m) in whole.items()},
        kind_weights={},
        twin="zero",
        whole={"rnn": {k.split(".", 1)[1]: m for k, (_, m) in whole.items()}},
    )
    shown = applied(Report([TopicResult("rnn", ran)], sandbox="", device=""), split).to_json()
    public_only = plain({"topics": [{"name": "rnn", "tests": [t.to_json() for t in ran]}]})
    assert {f"rnn.{e['name']}": [e["points"], e["max_points"]] for e in shown["topics"][0]["exercises"]} == (
        public_only
    )


# --- A class graded every way (e2e) -------------------------------------------------------------

RIGHT = (REPO / "solutions" / "losses.py").read_text()
HUBER = "def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:\n"
# huber as each kind of submission answers it (every other exercise right)
HUBERS = {
    "twice": "    d = (y_hat - y).abs()\n"
    "    return 2 * torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()\n",
    "constant": "    return torch.zeros(())\n",
    "echo": "    return y_hat\n",
    "nan": "    return (y_hat - y).mean() * float('nan')\n",
    "raises": "    raise ValueError('not today')\n",
    "stub": "    raise NotImplementedError\n",
}
NON_ANSWERS = ("constant", "echo", "nan", "raises", "stub")


def function_replaced(source: str, name: str, new: str) -> str:
    """``source`` with top-level function ``name`` replaced by ``new`` (its whole text)."""
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    lines = source.splitlines(keepends=True)
    return "".join([*lines[: node.lineno - 1], new, *lines[node.end_lineno :]])


def function_of(source: str, name: str) -> str:
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    return "".join(source.splitlines(keepends=True)[node.lineno - 1 : node.end_lineno])


def class_sources() -> dict[str, tuple[str, str]]:
    """{student: (file name, source)}: right, a wrong formula (huber twice the right value, a sign,
    a dim), the shared-check case (the rnn stub with rnn_cell solved), the 5 non-answer kinds."""
    found = {"right": ("losses.py", RIGHT)}
    for kind, body in HUBERS.items():
        found[f"huber_{kind}"] = ("losses.py", function_replaced(RIGHT, "huber", HUBER + body))
    found["entropy_sign"] = (
        "losses.py",
        RIGHT.replace("return -(p * safe.log())", "return (p * safe.log())"),
    )
    found["softmax_dim"] = ("losses.py", RIGHT.replace("e / e.sum(dim=dim,", "e / e.sum(dim=0,"))
    stub = (REPO / "exercises" / "rnn.py").read_text()
    solved = function_of((REPO / "solutions" / "rnn.py").read_text(), "rnn_cell")
    found["rnn_shared"] = ("rnn.py", function_replaced(stub, "rnn_cell", solved))
    return found


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """The class graded by ``grade batch``, each file by ``grade`` (plain and --public-only), and
    a course that gives every exercise the report's points (course.toml, hw)."""
    root = tmp_path_factory.mktemp("weighing")
    sources = class_sources()
    for student, (name, source) in sources.items():
        (root / "class" / student).mkdir(parents=True)
        (root / "class" / student / name).write_text(source)
    plain_reports = {s: grade_json(str(root / "class" / s / n))[1] for s, (n, _) in sources.items()}
    public = {
        s: grade_json(str(root / "class" / s / n), "--public-only")[1]
        for s, (n, _) in sources.items()
        if s in ("right", "huber_twice", "rnn_shared")
    }
    worth = {key: most for report in plain_reports.values() for key, (_, most) in plain(report).items()}
    points = "\n".join(f'"{key}" = {most}' for key, most in sorted(worth.items()))
    (root / "course.toml").write_text(
        '[course]\nname = "weighing"\n[assignments.hw]\ntopics = ["losses", "rnn"]\n'
        f"points = {grades.added(worth.values())}\n[assignments.hw.exercise_points]\n{points}\n"
    )
    before = {r["student"]: (r["total"], r["max"]) for r in batch(root, "plain")}
    return root, plain_reports, public, before


def batch(root, out: str, *more: str):
    done = run_grade(
        "batch", str(root / "class"), "--out", str(root / out), "--workers", "2", "--topic", "losses",
        "--topic", "rnn", *more,
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    return json.loads((root / out / "gradebook.json").read_text())


def shown(report: dict) -> dict[str, list[float]]:
    """{topic.exercise: [points, max]} of the exercises a report judged."""
    return {
        f"{t['name']}.{e['name']}": [e["points"], e["max_points"]]
        for t in report["topics"]
        for e in t.get("exercises", [])
    }


@pytest.mark.e2e
def test_every_path_shows_the_reports_numbers(klass, tmp_path):
    """plain report = batch = a course giving each exercise the report's points = that course's
    Gradescope zip, exercise by exercise, and the course's release shows what --public-only
    shows. Before: the course charged rnn_cell with gru_cell's failure (5.34 → 2.67) and
    re-weighed every check as 1 point (a training check is 2 in the report)."""
    root, reports, public, _before = klass
    rows = {r["student"]: r for r in json.loads((root / "plain" / "gradebook.json").read_text())}
    course_rows = {r["student"]: r for r in batch(root, "course", "--course", str(root / "course.toml"),
                                                  "--assignment", "hw")}  # fmt: skip
    assert shown(reports["rnn_shared"])["rnn.rnn_cell"] == [5.34, 5.34]
    zipped = tmp_path / "autograder.zip"
    done = run_grade("gradescope", str(zipped), "--course", str(root / "course.toml"), "--assignment", "hw")
    assert done.returncode == 0, done.stderr[-3000:]
    with zipfile.ZipFile(zipped) as archive:
        config = Config.from_json(json.loads(archive.read("gradescope.json")))
    for student, report in reports.items():
        mine = shown(report)
        assert {k: v for k, v in shown(rows[student]["report"]).items() if k in mine} == mine, student
        course = course_rows[student]["report"]["standing"]["exercises"]
        assert {k: v for k, v in course.items() if k in mine} == mine, student
        assert course_rows[student]["total"] == report["score"], student
        assert by_exercise(results_for(copy.deepcopy(report), config)) == mine, student
    release = tmp_path / "release"
    done = run_grade("release", str(release), "--course", str(root / "course.toml"), "--assignment", "hw")
    assert done.returncode == 0, done.stderr[-3000:]
    for student, report in public.items():
        name = class_sources()[student][0]
        in_release = released(release, str(root / "class" / student / name))
        assert shown(in_release) == shown(report), student


def by_exercise(results: dict) -> dict[str, list[float]]:
    """{topic.exercise: [score, max]} of Gradescope's tests (an exercise's public and hidden tests added)."""
    found: dict[str, list[float]] = {}
    for test in results["tests"]:
        if not test.get("tags"):
            continue  # the held-back notice
        topic, rest = test["name"].split(": ", 1)
        name = f"{topic}.{rest.split(' ', 1)[0]}"
        earned, most = found.setdefault(name, [0.0, 0.0])
        found[name] = [grades.added([earned, test["score"]]), grades.added([most, test["max_score"]])]
    return found


def released(release, path: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "grader", path, "--format", "json", "--no-daemon"],
        cwd=release,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(release), "NO_COLOR": "1", "TORCHGRADE_LANG": "en"},
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.e2e
def test_a_zero_point_note_and_a_no_op_override_leave_the_report(klass):
    """Before: a 0-point text note moved a student from 37/47 to 35/45, an override to the points
    an exercise already had a correct module from 47/47 to 45/45."""
    root, reports, _public, before = klass
    out = str(root / "plain")
    groups = json.loads(run_grade("batch", "causes", "--out", out, "--format", "json").stdout)
    sign = next(g for g in groups if "entropy_sign" in g["students"] and g["exercise"] == "losses.entropy")
    twice = next(g for g in groups if "huber_twice" in g["students"] and g["exercise"] == "losses.huber")
    for exercise, cause in ((sign["exercise"], sign["cause"]), (twice["exercise"], twice["cause"])):
        done = run_grade("batch", "causes", "note", exercise, cause, "--out", out, "--text", "see the docstring",
                         "--points", "0")  # fmt: skip
        assert done.returncode == 0, done.stderr
    for student, exercise in (("right", "losses.mse"), ("huber_twice", "losses.huber")):
        now = shown(reports[student])[exercise][0]
        done = run_grade("batch", "override", student, "--out", out, "--exercise", exercise,
                         "--points", str(now), "--reason", "checked by hand")  # fmt: skip
        assert done.returncode == 0, done.stderr
    rows = {r["student"]: r for r in batch(root, "plain")}
    for student in ("right", "huber_twice", "entropy_sign"):  # override, both, note
        row = rows[student]
        assert (row["total"], row["max"]) == before[student], student
        mine = shown(reports[student])
        assert {k: v for k, v in row["report"]["standing"]["exercises"].items() if k in mine} == mine, student


@pytest.mark.e2e
def test_a_course_seed_draws_each_gradescope_users_hidden_inputs(tmp_path):
    """``grade gradescope --course`` with a course seed: each submitter's hidden checks draw their
    own inputs, as ``grade batch --course-seed`` does. Before: the zip dropped the seed and every
    Gradescope user got the same hidden inputs."""
    from grader.checks.inputs import variant_of
    from grader.gradescope.run import run_options

    (tmp_path / "course.toml").write_text(
        '[course]\nname = "seeded"\nseed = "s3cret"\n[assignments.hw]\ntopics = ["losses"]\npoints = 10\n'
    )
    zipped = tmp_path / "autograder.zip"
    done = run_grade(
        "gradescope", str(zipped), "--course", str(tmp_path / "course.toml"), "--assignment", "hw"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with zipfile.ZipFile(zipped) as archive:
        config = Config.from_json(json.loads(archive.read("gradescope.json")))
    drawn = {}
    for user in ("ada@example.edu", "bob@example.edu"):
        options = run_options(config, {"users": [{"email": user, "id": 7, "name": "A"}]})
        assert (options.course_seed, options.student) == ("s3cret", user)
        drawn[user] = variant_of(options.course_seed, options.student, "losses::test_huber")
    assert len(set(drawn.values())) == 2
    unseeded = run_options(Config(), {"users": [{"email": "ada@example.edu", "id": 7, "name": "A"}]})
    assert (unseeded.course_seed, unseeded.student) == (None, None)


@pytest.mark.e2e
def test_non_answers_are_their_own_groups_and_no_note_pays_them(klass):
    """Decided by behaviour: the 5 non-answer kinds of huber in its "no answer" group, nobody
    else; huber twice the right value, entropy's sign and softmax's dim in groups of their own;
    a note with points refused on the no-answer group, and reaching no non-answer from the
    others. Before: huber twice sat in "no answer" with the constant, the echo under
    huber_matches_torch:shape, entropy's sign in "no answer"."""
    root, reports, _public, before = klass
    out = str(root / "plain")
    groups = json.loads(run_grade("batch", "causes", "--out", out, "--format", "json").stdout)
    group_of = {(g["exercise"], s): g["cause"] for g in groups for s in g["students"]}
    silent = {s for g in groups if g["exercise"] == "losses.huber" and g["no_answer"] for s in g["students"]}
    assert silent - {"rnn_shared"} == {f"huber_{kind}" for kind in NON_ANSWERS}  # rnn_shared: no losses.py
    for exercise, student in (
        ("huber", "huber_twice"),
        ("entropy", "entropy_sign"),
        ("softmax", "softmax_dim"),
    ):
        cause = group_of[(f"losses.{exercise}", student)]
        assert cause != "no-answer", (student, cause)
        own = [g["students"] for g in groups if (g["exercise"], g["cause"]) == (f"losses.{exercise}", cause)]
        assert own == [[student]], (
            student,
            cause,
        )  # a cause ("mistake:scale") may name other exercises' groups
    refused = run_grade("batch", "causes", "note", "losses.huber", "no-answer", "--out", out, "--text", "x",
                        "--points", "1")  # fmt: skip
    assert refused.returncode != 0 and "carries no points" in refused.stderr
    cleared = run_grade(
        "batch", "override", "huber_twice", "--out", out, "--exercise", "losses.huber", "--clear"
    )
    assert cleared.returncode == 0, cleared.stderr
    for g in groups:
        if g["exercise"] == "losses.huber" and not g["no_answer"]:
            done = run_grade("batch", "causes", "note", "losses.huber", g["cause"], "--out", out,
                             "--text", "half right", "--points", "1")  # fmt: skip
            assert done.returncode == 0, done.stderr
    rows = {r["student"]: r for r in batch(root, "plain")}
    twice = rows["huber_twice"]["report"]["standing"]["exercises"]["losses.huber"]
    assert twice[0] == shown(reports["huber_twice"])["losses.huber"][0] + 1
    for kind in NON_ANSWERS:
        row = rows[f"huber_{kind}"]
        assert (row["total"], row["max"]) == before[f"huber_{kind}"], kind


@pytest.mark.unit
def test_a_non_answer_is_told_by_behaviour_and_a_wrong_formula_is_not_one():
    import torch

    from grader.checks.cases.non_answer import behaviour

    inputs = [
        (torch.tensor([1.0, 2.0]), torch.tensor([0.5, 0.0])),
        (torch.tensor([3.0]), torch.tensor([1.0])),
    ]
    right = [{"out": ((a - b) ** 2).mean()} for a, b in inputs]
    said = {
        "raises": [{"error": "ValueError: no"} for _ in inputs],
        "nan": [{"out": torch.tensor(float("nan"))} for _ in inputs],
        "constant": [{"out": torch.zeros(())} for _ in inputs],
        "echo": [{"out": a.clone()} for a, _ in inputs],
        "": [{"out": 2 * r["out"]} for r in right],  # twice the right value: a misconception
    }
    for kind, results in said.items():
        assert behaviour(results, right, inputs) == kind, kind
    assert behaviour([{"out": -r["out"]} for r in right], right, inputs) == ""  # a sign
    softmax = [{"out": a.softmax(0)} for a, _ in inputs[:1]] + [{"out": torch.tensor([0.2, 0.8])}]
    uniform = [{"out": torch.full_like(r["out"], 1 / r["out"].numel())} for r in softmax]  # 1/n: no answer
    assert (
        behaviour(uniform, softmax, [(a,) for a, _ in inputs[:1]] + [(torch.tensor([0.0, 1.0]),)])
        == "constant"
    )


@pytest.mark.unit
@pytest.mark.parametrize("exercise", ["rnn_cell", "gru_cell", "rnn_forward"])
def test_check_and_grade_round_a_shared_check_alike(exercise):
    """One rounding rule: a check shared by three exercises splits its point in cents by its own
    record (0.34, 0.33, 0.33 in the order it names them), whichever exercises a run selects, so
    ``check(EXERCISE)`` (``grade --exercise``: that exercise's checks) shows what ``grade`` shows.
    Before: the cents went to the first exercise of the selection (rnn_forward 7.34 in check(),
    7.33 in grade)."""
    tests = [
        check("recurrences_on_edge_sizes", ("rnn_cell", "gru_cell", "rnn_forward"), "passed"),
        check("rnn_cell_values", ("rnn_cell",), "passed", 5.0),
        check("gru_cell_values", ("gru_cell",), "passed", 6.0),
        check("rnn_forward_values", ("rnn_forward",), "passed", 7.0),
    ]
    whole = {e.name: (e.points, e.max_points) for e in judge(tests)}
    assert whole == {"rnn_cell": (5.34, 5.34), "gru_cell": (6.33, 6.33), "rnn_forward": (7.33, 7.33)}
    # what check(exercise) grades: that exercise's checks, its own first as the suite runs them
    selected = sorted((t for t in tests if exercise in t["exercises"]), key=lambda t: len(t["exercises"]))
    assert {e.name: (e.points, e.max_points) for e in judge(selected)}[exercise] == whole[exercise]


# losses computed naively: no max subtracted, no 0·log 0 = 0 (each right on ordinary inputs)
NAIVE = {
    "sigmoid": "def sigmoid(x: Tensor) -> Tensor:\n    return 1 / (1 + torch.exp(-x))\n",
    "log_softmax": "def log_softmax(x: Tensor, dim: int = -1) -> Tensor:\n"
    "    return x - x.exp().sum(dim=dim, keepdim=True).log()\n",
    "softmax": "def softmax(x: Tensor, dim: int = -1) -> Tensor:\n"
    "    e = x.exp()\n    return e / e.sum(dim=dim, keepdim=True)\n",
    "entropy": "def entropy(p: Tensor) -> Tensor:\n    return -(p * p.log()).sum(dim=-1)\n",
}


@pytest.mark.e2e
def test_a_table_of_the_releases_answers_earns_no_more_than_naive_code(tmp_path):
    """A submission that answers the battery's recorded cases from the release's own
    answers_losses.pt (a lookup table keyed by input, tests/grader/lookup_table.py) and computes
    naively elsewhere scores no more, officially, than the naive code alone: the release's answers
    teach and do not pay (grader/checks/taught_answers.py). Before: naive 85.5 / 133, the table
    beside it 91.5 (each of the five naive exercises' battery check passed from the table)."""
    (tmp_path / "course.toml").write_text(
        '[course]\nname = "table"\n[assignments.hw]\ntopics = ["losses"]\npoints = 10\n'
    )
    release = tmp_path / "release"
    done = run_grade("release", str(release), "--course", str(tmp_path / "course.toml"), "--assignment", "hw")
    assert done.returncode == 0, done.stderr[-3000:]
    naive = RIGHT
    for name, body in NAIVE.items():
        naive = function_replaced(naive, name, body)
    (tmp_path / "naive").mkdir()
    (tmp_path / "naive" / "losses.py").write_text(naive)
    table = subprocess.run(
        [sys.executable, str(REPO / "tests" / "grader" / "lookup_table.py"), "losses", str(tmp_path / "naive" / "losses.py")],
        cwd=release, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(release)},
    )  # fmt: skip
    assert table.returncode == 0 and "TABLE = " in table.stdout, table.stderr[-3000:]
    (tmp_path / "table").mkdir()
    (tmp_path / "table" / "losses.py").write_text(table.stdout)
    scores = {who: grade_json(str(tmp_path / who / "losses.py"))[1]["score"] for who in ("naive", "table")}
    assert scores["naive"] < 133 and scores["table"] <= scores["naive"], scores


@pytest.mark.e2e
def test_a_table_of_a_packs_released_integer_answers_earns_no_more_than_naive_code(tmp_path):
    """The same attack on a pack's exercise whose answers are integers, which a release cannot move
    (tests/packs/pairs' confusion_matrix): its official battery and device clause also judge held
    cases, inputs no release holds (grader/checks/cases/held_cases.py). Before: naive 3 / 6, the
    table beside it 5 (its battery and device checks passed from the table)."""
    pairs = REPO / "tests" / "packs" / "pairs"
    course = tmp_path / "course.toml"
    course.write_text(
        f'[course]\nname = "table"\npacks = ["{pairs}"]\n[assignments.hw]\ntopics = ["pairs"]\npoints = 10\n'
    )
    release = tmp_path / "release"
    env = {"TORCHGRADE_PACKS": "tests/packs/pairs"}  # a process of its own: the pack in its manifest
    done = run_grade("release", str(release), "--course", str(course), "--assignment", "hw", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    right = (pairs / "solutions" / "pairs.py").read_text()
    line = "flat = target.reshape(-1) * num_classes + pred.reshape(-1)"
    assert line in right
    (tmp_path / "naive").mkdir()  # rows and columns swapped
    (tmp_path / "naive" / "pairs.py").write_text(
        right.replace(line, "flat = pred.reshape(-1) * num_classes + target.reshape(-1)")
    )
    table = subprocess.run(
        [sys.executable, str(REPO / "tests" / "grader" / "lookup_table.py"), "pairs", str(tmp_path / "naive" / "pairs.py")],
        cwd=release, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(release)},
    )  # fmt: skip
    assert table.returncode == 0 and "TABLE = " in table.stdout, table.stderr[-3000:]
    (tmp_path / "table").mkdir()
    (tmp_path / "table" / "pairs.py").write_text(table.stdout)
    graded = {
        who: run_grade(str(tmp_path / who / "pairs.py"), "--format", "json", env=env)
        for who in ("naive", "table")
    }
    scores = {who: json.loads(done.stdout)["score"] for who, done in graded.items()}
    assert scores["naive"] < 6 and scores["table"] <= scores["naive"], scores
