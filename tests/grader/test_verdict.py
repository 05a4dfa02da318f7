"""The exercise verdict: points follow exercises, not checks.

Unit tests of grader/checks/verdict/exercises.py on hand-made checks; then submissions graded as a
learner would (`grade FILE --format json`): answers that answer nothing (empty tensors,
constants, objects equal to anything) earn what plain zeros earn, an off-limits twin costs its
exercise, code that raises is taught, and an exercise is judged without its neighbours.
"""

from __future__ import annotations

import pytest
from helpers import MAGIC, REPO, grade_json

from grader.batch.standing import weigh
from grader.checks.verdict.error_types import error_hint
from grader.checks.verdict.exercises import judge
from grader.course.keys import CourseError
from grader.course.toml import load_course


def check(
    test_id,
    status,
    kind="shape",
    points=1.0,
    clause="",
    cause="",
    exercise="ex",
    message="m",
    public=True,
    **place,
):
    passed = status == "passed"
    test = {
        "id": test_id,
        "kind": kind,
        "status": status,
        "points": points if passed else 0.0,
        "max_points": 0.0 if status == "skipped" else points,
        "message": message,
        "visibility": "public" if public else "hidden",
        "exercises": [exercise] if isinstance(exercise, str) else list(exercise),
    }
    return test | ({"clause": clause} if clause else {}) | ({"cause": cause} if cause else {}) | place


# -- the rules -------------------------------------------------------------------------------


@pytest.mark.unit
def test_clause_points_only_with_every_value_check_passed():
    clauses = [check("dtype", "passed", clause="dtype"), check("device", "passed", "device", clause="device")]
    (right,) = judge([check("v1", "passed"), check("v2", "passed"), *clauses])
    assert (right.points, right.max_points, right.status) == (4, 4, "passed")
    (half,) = judge([check("v1", "passed"), check("v2", "failed"), *clauses])
    assert (half.points, half.max_points, half.status) == (1, 4, "partial")


@pytest.mark.unit
def test_an_exercise_with_no_value_check_passed_earns_nothing():
    (wrong,) = judge(
        [check("v1", "failed"), check("g", "error", "gradient"), check("in", "passed", clause="inputs")]
    )
    assert (wrong.points, wrong.status) == (0, "failed")


@pytest.mark.unit
def test_an_echoed_number_is_an_echo():
    from grader.checks.cases import non_answer

    cases = [(28, 5, 0, 1), (8, 3, 1, 2), (7, 2, 0, 2)]
    answers = [{"out": (n + 2 * p - k) // s + 1} for n, k, p, s in cases]
    assert non_answer.behaviour([{"out": n} for n, *_ in cases], answers, cases) == "echo"
    assert non_answer.behaviour(answers, answers, cases) == ""


@pytest.mark.unit
def test_the_batterys_stored_cases_alone_earn_nothing():
    """The input-domain battery's cases and answers ship with the release (the self-check reads
    them): a table of them, with every value check on drawn inputs failed, is no answer."""
    battery = check("input_domain[ex]", "passed", points=2.0)
    (table,) = judge([battery, check("values[1]", "failed"), check("values[2]", "failed")])
    assert (table.points, table.status) == (0, "failed")
    (partial,) = judge([battery, check("values[1]", "passed"), check("values[2]", "failed")])
    assert (partial.points, partial.status) == (3, "partial")
    (alone,) = judge([battery])  # an exercise judged by the battery only keeps its points
    assert alone.points == 2


@pytest.mark.unit
def test_a_twin_in_a_shared_check_costs_only_the_exercise_that_called_it():
    """A check judging rnn_cell and gru_cell that saw gru_cell's twin: gru_cell earns nothing by
    the twin rule; rnn_cell, whose own checks pass, keeps its points (it once lost them too)."""
    shared = check("device", "failed", cause="twin", exercise=["rnn_cell", "gru_cell"], blame="gru_cell")
    own = [check("rnn", "passed", exercise="rnn_cell"), check("gru", "passed", exercise="gru_cell")]
    rnn, gru = judge([*own, shared])
    assert (rnn.name, rnn.points, rnn.status) == ("rnn_cell", 1.5, "passed")
    assert (gru.name, gru.points) == ("gru_cell", 0)


@pytest.mark.unit
def test_gradient_checks_pay_only_with_the_answer_right():
    """The exact backward of a forward that returns zeros earns nothing; an exercise judged only
    by its gradients (a function that returns them) is paid by them."""
    grads = [check("g1", "passed", "gradient"), check("g2", "passed", "gradient")]
    (zeros,) = judge([check("forward", "failed"), *grads])
    assert (zeros.points, zeros.max_points, zeros.status) == (0, 3, "failed")
    (right,) = judge(
        [check("forward", "passed"), *grads, check("device", "passed", "device", clause="device")]
    )
    assert (right.points, right.status) == (4, "passed")
    (half,) = judge([check("f1", "passed"), check("f2", "failed"), *grads])
    assert half.points == 1
    (only,) = judge([grads[0], check("g3", "failed", "gradient")])
    assert only.points == 1


@pytest.mark.unit
def test_skipped_checks_weigh_nothing_and_a_check_of_two_exercises_shares_its_points():
    a, b = judge(
        [check("both", "passed", points=1, exercise=("a", "b")), check("cuda", "skipped", exercise="a")]
    )
    assert (a.name, a.points, a.max_points, b.points, b.max_points) == ("a", 0.5, 0.5, 0.5, 0.5)


@pytest.mark.unit
def test_a_neighbour_with_no_check_of_its_own_in_the_run_earns_nothing_from_a_shared_one():
    """`grade cnn.py --exercise conv_output_size` on the stubs: the shared check of corr2d and
    conv_output_size is not started (conv_output_size raises), and corr2d, whose own checks the
    selection left out, read it as passed: 0.5 of 7 for two stubs (seen failing before)."""
    shared = check("edges", "not_started", exercise=("corr2d", "conv_output_size"))
    own = check("sizes", "not_started", exercise="conv_output_size")
    corr2d, conv = judge([shared, own])
    assert (corr2d.points, conv.points) == (0, 0), (corr2d, conv)
    assert corr2d.status != "passed"
    # with its own checks in the run and all passed, it keeps its share of the charged check
    corr2d, conv = judge([shared, own, check("mine", "passed", exercise="corr2d")])
    assert (corr2d.points, corr2d.status, conv.points) == (1.5, "passed", 0)


TWIN = [
    check("values", "failed", cause="twin", message="f: expected a hand-written computation, got F.f called"),
    check("more", "passed"),
    check("grad", "passed", "gradient"),
    check("dtype", "passed", clause="dtype"),
]


@pytest.mark.unit
@pytest.mark.parametrize("rule, points", [("zero", 0.0), ("half", 2.0), ("check", 3.0)])
def test_the_twin_rule(rule, points):
    (verdict,) = judge(TWIN, rule)
    assert verdict.points == points and verdict.max_points == 4
    first = verdict.diagnosis.splitlines()[0]
    if rule == "check":  # today's behaviour: only the check that saw it
        assert first.startswith("f: expected a hand-written computation")
    else:  # the rule is said first
        assert first.startswith("off-limits function: this exercise earns")


@pytest.mark.unit
def test_one_diagnosis_first_most_basic_cause_then_a_count():
    tests = [
        check("dtype", "failed", clause="dtype", message="m\n  hint: compute in the input's dtype"),
        check("grad", "failed", "gradient", message="gradient off"),
        check("values", "failed", message="values: expected 1, got 2"),
        check("shape", "failed", message="shape: expected shape (3,), got shape (4,)", form=True),
        check("trains", "failed", "convergence", message="did not learn"),
    ]
    (verdict,) = judge(tests)
    assert verdict.diagnosis == "shape: expected shape (3,), got shape (4,)\nand 4 more checks of ex"
    assert "input's dtype" not in verdict.diagnosis  # no clause hint while the values are wrong
    raised = check("raises", "error", message="RuntimeError while running f(): mat1 and mat2 shapes cannot "
                   "be multiplied (4x3 and 5x2)", cause="error:matmul-shapes")  # fmt: skip
    (verdict,) = judge([*tests, raised])
    assert verdict.diagnosis.startswith("RuntimeError while running f()")
    # a function has no layer: the product's operands, and the transpose a stored weight needs
    assert "last size (3) to equal the right one's first (5)" in verdict.diagnosis
    assert verdict.cause == "error:matmul-shapes"
    (verdict,) = judge([{**t, "exercises": ["Net"]} for t in (*tests, raised)])
    assert "expects inputs of size 5 in their last dimension but got 3" in verdict.diagnosis


@pytest.mark.unit
def test_a_hidden_checks_text_stays_out_of_a_students_diagnosis():
    (verdict,) = judge([check("secret", "failed", message="SECRET input", public=False)], hidden_text=False)
    assert verdict.diagnosis == "a hidden value check failed: the answer is not the one the check expects"


@pytest.mark.unit
@pytest.mark.parametrize(
    "message, concept",
    [
        (
            "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
            "keepdim",
        ),
        ("a leaf Variable that requires grad is being used in an in-place operation.", "torch.no_grad()"),
        ("mat1 and mat2 shapes cannot be multiplied (8x64 and 32x10)", "x @ W.T"),
    ],
)
def test_torchs_errors_get_their_concept(message, concept):
    assert concept in error_hint(message)
    assert "size 32" in error_hint("mat1 and mat2 shapes cannot be multiplied (8x64 and 32x10)", "MLP")


@pytest.mark.unit
def test_the_course_sets_the_twin_rule_and_refuses_an_unknown_one(tmp_path):
    course = tmp_path / "course.toml"
    text = '[assignments.hw]\nexercises = ["losses.cross_entropy"]\npoints = 4\n'
    course.write_text(text + 'twin = "check"\n')
    hw = load_course(course).assignment("hw")
    assert hw.twin == "check"
    report = {"topics": [{"name": "losses", "tests": [{**t, "exercises": ["cross_entropy"]} for t in TWIN]}]}
    _, exercises = weigh(report, hw)
    assert exercises["losses.cross_entropy"] == [3.0, 4.0]
    course.write_text(text)
    _, exercises = weigh(report, load_course(course).assignment("hw"))
    assert exercises["losses.cross_entropy"] == [0.0, 4.0]  # the default: the twin costs the exercise
    course.write_text(text + 'twin = "sometimes"\n')
    with pytest.raises(CourseError, match="assignments.hw.twin"):
        load_course(course)


# -- graded as a learner would ------------------------------------------------------------------

LOSSES = ("mse l1 huber sigmoid bce bce_with_logits softmax log_softmax cross_entropy entropy kl_div").split()


def every_loss(body: str) -> str:
    return (
        "import torch\n\n\ndef _answer(*args, **kwargs):\n"
        + body
        + "\n\n"
        + "".join(f"{name} = _answer\n" for name in LOSSES)
    )


NON_ANSWERS = {
    "empty tensors": every_loss("    return torch.empty(0)"),
    "constants in the input's dtype": every_loss(
        "    x = args[0]\n    return torch.zeros((), dtype=x.dtype, device=x.device) + 0.5"
    ),
    "a constant of the input's shape": every_loss("    return torch.full_like(args[0], 0.25)"),
    "objects equal to anything": MAGIC,
}
ZEROS = every_loss("    return torch.zeros_like(args[0])")


def graded_losses(tmp_path, name: str, source: str) -> dict:
    path = tmp_path / name / "losses.py"
    path.parent.mkdir()
    path.write_text(source)
    _, report = grade_json(str(path), "--timeout", "5")
    return report["topics"][0]


@pytest.mark.e2e
def test_non_answers_earn_what_plain_zeros_earn(tmp_path):
    """On main before the exercise verdict: zeros, empty tensors and constants each 22 / 100
    (the inputs-untouched checks), magic objects 0."""
    zeros = graded_losses(tmp_path, "zeros", ZEROS)
    assert zeros["score"] == 0
    for index, (name, source) in enumerate(NON_ANSWERS.items()):
        topic = graded_losses(tmp_path, f"s{index}", source)
        assert topic["score"] <= zeros["score"], name
        assert topic["score"] <= 0.02 * topic["max_score"], name
        assert all(e["points"] == 0 for e in topic["exercises"]), name


def cross_entropy_through_its_twin() -> str:
    return (REPO / "solutions" / "losses.py").read_text() + (
        "\n\ndef cross_entropy(logits, target):\n"
        "    import torch.nn.functional as F\n"
        "    return F.cross_entropy(logits, target)\n"
    )


@pytest.mark.e2e
def test_cross_entropy_through_f_cross_entropy_earns_nothing(tmp_path):
    """On main before: 10 of its 15 points (95 / 100)."""
    topic = graded_losses(tmp_path, "twin", cross_entropy_through_its_twin())
    exercises = {e["name"]: e for e in topic["exercises"]}
    assert exercises["cross_entropy"]["points"] == 0 and exercises["cross_entropy"]["max_points"] > 0
    assert exercises["cross_entropy"]["diagnosis"].startswith("off-limits function")
    said = exercises["cross_entropy"]["diagnosis"]  # what was written and where, or what was called
    assert "F.cross_entropy written in losses.py, line " in said or (
        "F.cross_entropy / nn.CrossEntropyLoss called in cross_entropy" in said
    ), said
    others = [e for name, e in exercises.items() if name != "cross_entropy"]
    assert all(e["points"] == e["max_points"] for e in others)
    assert topic["score"] == topic["max_score"] - exercises["cross_entropy"]["max_points"]
    # the contract's per-check list stays
    assert {"id", "kind", "status", "points", "max_points", "message"} <= set(topic["tests"][0])
    assert set(exercises["mse"]) == {"name", "points", "max_points", "status", "diagnosis"}


@pytest.mark.e2e
def test_row_normalize_without_keepdim_is_taught(tmp_path):
    source = (REPO / "solutions" / "tensors.py").read_text()
    wrong = source.replace("x / x.sum(dim=1, keepdim=True)", "x / x.sum(dim=1)")
    assert wrong != source
    path = tmp_path / "tensors.py"
    path.write_text(wrong)
    _, report = grade_json(str(path), "--timeout", "5")
    (row_normalize,) = [e for e in report["topics"][0]["exercises"] if e["name"] == "row_normalize"]
    first = row_normalize["diagnosis"]
    assert "while running row_normalize() in tensors.py on a (4, 3) float32 tensor" in first
    assert "keepdim=True" in first and "(n, 1) column" in first
    assert "more checks of row_normalize" in first.splitlines()[-1]


@pytest.mark.e2e
def test_a_naive_kl_div_fails_while_entropy_is_a_stub(tmp_path):
    stub = (REPO / "exercises" / "losses.py").read_text()
    head, _, tail = stub.partition("def kl_div(")
    body, _, rest = tail.partition("raise NotImplementedError")
    naive = head + "def kl_div(" + body + "return (p * (p / q).log()).sum(-1)" + rest.partition("\n")[2]
    topic = graded_losses(tmp_path, "naive", naive)
    exercises = {e["name"]: e for e in topic["exercises"]}
    assert exercises["entropy"]["status"] == "not_started"
    assert exercises["kl_div"]["status"] == "partial"
    assert "got NaN there" in exercises["kl_div"]["diagnosis"]


@pytest.mark.e2e
def test_a_wrong_layer_size_names_the_learners_class_never_a_probes_label(tmp_path):
    source = (REPO / "solutions" / "cnn.py").read_text()
    wrong = source.replace("nn.Linear(32, num_classes)", "nn.Linear(64, num_classes)")
    assert wrong != source
    path = tmp_path / "cnn.py"
    path.write_text(wrong)
    _, report = grade_json(str(path), "--timeout", "5")
    (cnn,) = [e for e in report["topics"][0]["exercises"] if e["name"] == "SimpleCNN"]
    assert "while checking SimpleCNN in cnn.py: mat1 and mat2 shapes cannot be multiplied" in cnn["diagnosis"]
    assert "simple_cnn()" not in cnn["diagnosis"]  # the suite's label, not the learner's
    assert "expects inputs of size 64 in their last dimension but got 32" in cnn["diagnosis"]


@pytest.mark.unit
def test_gradescope_carries_the_twin_rule_and_scores_with_it():
    from grader.base.options import Options
    from grader.gradescope.config import AutograderProblem, Config
    from grader.gradescope.run import results_for

    options = Options().with_topics(("losses",))
    points = {"losses.cross_entropy": 4.0}
    half = Config(options, "hidden", assignment={"exercise_points": points, "twin": "half"})
    assert Config.from_json(half.to_json()).twin == "half"
    with pytest.raises(AutograderProblem, match="twin"):
        Config(options, "hidden", assignment={"twin": "sometimes"})
    tests = [{**t, "exercises": ["cross_entropy"]} for t in TWIN]
    report = {
        "score": 0,
        "max_score": 0,
        "sandbox": "x",
        "notes": [],
        "topics": [{"name": "losses", "tests": tests}],
    }
    assert results_for(report, half)["score"] == 2.0
    assert (
        results_for(report, Config(options, "hidden", assignment={"exercise_points": points}))["score"] == 0.0
    )


@pytest.mark.unit
def test_a_dependency_on_another_exercise_is_named_and_a_method_of_its_own_is_not():
    def stub(function, exercise):
        message = f"not started: {function}() in losses.py still raises NotImplementedError: not started yet"
        return check(f"{exercise}-check", "not_started", message=message, exercise=exercise, stub=function)

    log_softmax, cross_entropy = judge(
        [stub("log_softmax", "log_softmax"), stub("log_softmax", "cross_entropy")]
    )
    assert log_softmax.diagnosis.count("\n") == 0
    assert cross_entropy.diagnosis.endswith("cross_entropy calls it: it is judged once that function answers")
    (own,) = judge([stub("__init__", "SimpleCNN")])
    assert "calls it" not in own.diagnosis


@pytest.mark.unit
def test_a_public_message_leads_before_a_hidden_check_that_failed_the_same_way():
    """softmax without the max: its hidden value check comes first in the suite, its public one
    says what is wrong; every path (the terminal, feedback, Gradescope) leads with the public."""
    hidden = check("softmax_hidden_rows", "failed", message="SECRET", public=False, cause="values")
    public = check(
        "softmax_stable", "failed", message="softmax at ±1000: expected 0.5, got nan.", cause="nan"
    )
    for hidden_text in (True, False):
        (verdict,) = judge([hidden, {**public, "cause": "values"}], hidden_text=hidden_text)
        assert verdict.diagnosis.startswith("softmax at ±1000") and verdict.cause == "softmax_stable:values"
    shape = check("softmax_hidden_shape", "failed", message="SECRET", public=False, cause="shape", form=True)
    (verdict,) = judge([shape, public], hidden_text=False)  # a more basic failure still leads
    assert verdict.diagnosis.startswith("a hidden value check failed: the answer's shape is wrong")


@pytest.mark.unit
@pytest.mark.parametrize(
    "fields, said",
    [
        ({"cause": "values"}, "a hidden value check failed: the values are wrong"),
        ({"cause": "mistake:no-max"}, "a hidden value check failed: the values match a known mistake"),
        ({}, "a hidden value check failed: the answer is not the one the check expects"),
        (
            {"clause": "device", "kind": "device"},
            "a hidden clause check failed: the result is not on the input's device",
        ),
        ({"status": "error"}, "a hidden value check raised an error"),
    ],
)
def test_a_hidden_checks_failure_is_told_by_its_cause_never_by_its_words(fields, said):
    test = {**check("secret", "failed", message="SECRET input", public=False), **fields}
    (verdict,) = judge([test], hidden_text=False)
    assert verdict.diagnosis == said


@pytest.mark.e2e
def test_the_stubs_earn_nothing_under_any_one_exercise_s_selection():
    """Every exercise's selection (as `--exercise NAME` and check() run it: the checks naming it)
    of the untouched stubs' checks earns 0 for every exercise it shows, whichever checks it shares."""
    _, report = grade_json(str(REPO / "exercises"))
    earning = []
    for topic in report["topics"]:
        for name in {e["name"] for e in topic["exercises"]}:
            chosen = [t for t in topic["tests"] if name in (t.get("exercises") or ())]
            earning += [f"--exercise {name}: {e.name} {e.points}" for e in judge(chosen) if e.points]
    assert not earning, earning
