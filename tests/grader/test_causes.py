"""Each diagnosis's cause (grader/checks/verdict/exercises.py cause_of), the checks' judging stages and
known mistakes (grader/checks/judging/judge.py), and a class's groups by cause with their notes
(grader/batch/causes.py), on checks written here."""

from __future__ import annotations

import json

import pytest
import torch
from helpers import REPO, grade_json

from grader.batch.causes import NO_ANSWER, Note, NoteBook, causes_text, class_groups, list_json, notes_for
from grader.batch.causes_report import NoteProblem, list_groups, record_merge, record_note, record_split
from grader.batch.feedback import feedback_markdown
from grader.batch.gradebook import CourseBook, Gradebook, Row
from grader.batch.standing import final_rows
from grader.checks.judging.judge import NAN_HINT, TYPE_HINT, CheckFailed, expect_close, expect_tensor
from grader.checks.verdict.error_types import error_cause
from grader.checks.verdict.exercises import judge


def check(test_id, status, exercises=("ex",), message="m", kind="shape", cause="", **place) -> dict:
    test = {
        "id": test_id,
        "kind": kind,
        "status": status,
        "points": 1.0 if status == "passed" else 0.0,
        "max_points": 1.0,
        "message": message,
        "visibility": "public",
        "exercises": list(exercises),
    }
    return test | ({"cause": cause} if cause else {}) | place


def verdicts(tests: list[dict]) -> dict:
    return {e.name: e for e in judge(tests)}


SHARED = ("rnn_cell", "gru_cell", "rnn_forward")


@pytest.mark.unit
def test_a_check_shared_with_an_unfinished_neighbour_charges_the_neighbour_only():
    tests = [
        check("rnn_cell_equals_nn_rnncell", "passed", ["rnn_cell"]),
        check("rnn_forward_equals_nn_rnn", "passed", ["rnn_forward"]),
        check("gru_cell_equals_nn_grucell", "not_started", ["gru_cell"],
              "not started: gru_cell() in rnn.py still raises NotImplementedError", stub="gru_cell"),
        check("recurrences_on_edge_sizes", "not_started", SHARED,
              "not started: gru_cell() in rnn.py still raises NotImplementedError", stub="gru_cell",
              blame="gru_cell"),
    ]  # fmt: skip
    found = verdicts(tests)
    assert found["rnn_cell"].status == found["rnn_forward"].status == "passed"
    assert found["rnn_cell"].diagnosis == ""  # never "rnn_cell calls it"
    assert found["gru_cell"].status == "not_started"


@pytest.mark.unit
def test_a_shared_check_is_charged_alike_whichever_exercise_the_run_chose():
    """``--exercise MLP`` with train_epoch broken: train_epoch's own checks, run for the blame
    (``called``), charge the shared training check to it, as the whole topic's grading does;
    MLP, right, is full on both paths (blind causes5 c16: 3/9 with --exercise, 9/9 without)."""
    shared = check(
        "mlp_learns_digits", "failed", ["MLP", "train_epoch"], "accuracy: expected 88 %, got 5.8 %."
    )
    own_mlp = check("mlp_shapes", "passed", ["MLP"])
    own_train = check("train_epoch_steps", "failed", ["train_epoch"], "parameter 0: expected 1, got 2.")
    whole = {e.name: e for e in judge([own_mlp, own_train, shared])}
    chosen = {e.name: e for e in judge([own_mlp, shared], called=[own_train])}
    assert whole["MLP"].status == chosen["MLP"].status == "passed"
    assert whole["MLP"].points == chosen["MLP"].points


@pytest.mark.unit
def test_a_shared_check_failing_on_one_exercise_is_that_ones_and_a_raise_its_innermost_frames():
    wrong = "gru_cell with batch 3, input_size 2, hidden 5: expected 0.1, got 0.2."
    tests = [
        check("rnn_cell_equals_nn_rnncell", "passed", ["rnn_cell"]),
        check("rnn_forward_equals_nn_rnn", "passed", ["rnn_forward"]),
        check("gru_cell_equals_nn_grucell", "passed", ["gru_cell"]),
        check("recurrences_on_edge_sizes", "failed", SHARED, wrong, cause="values", blame="gru_cell"),
    ]
    found = verdicts(tests)
    assert found["rnn_cell"].status == "passed" and found["gru_cell"].status == "partial"
    assert found["gru_cell"].cause == "recurrences_on_edge_sizes:values"
    raised = (
        "RuntimeError while running rnn_forward() in rnn.py: boom\n"
        "  at rnn.py, line 30, in rnn_forward: h = rnn_cell(x, h, *w)\n"
        "  at rnn.py, line 12, in rnn_cell: return torch.tanh(x @ w_ih)"
    )
    tests[-1] = check("recurrences_on_edge_sizes", "error", SHARED, raised, blame="rnn_cell")
    tests[0] = check("rnn_cell_equals_nn_rnncell", "failed", ["rnn_cell"], "rnn_cell: expected 1, got 2.")
    found = verdicts(tests)
    assert found["rnn_forward"].status == found["gru_cell"].status == "passed"
    assert found["rnn_cell"].status == "failed"


@pytest.mark.unit
def test_b11_a_shared_check_raising_in_a_clean_callee_is_its_failing_callers():
    """rnn_forward hands its right rnn_cell a wrong input (a layer above the first given x): the
    raise's innermost frame is rnn_cell's, whose own checks all pass; the shared check is
    rnn_forward's, the one that fails its own (seen failing: rnn_cell led, "transpose the weights")."""
    raised = (
        "RuntimeError while running rnn_forward() in rnn.py: mat1 and mat2 shapes cannot be multiplied\n"
        "  at rnn.py, line 30, in rnn_forward: h = rnn_cell(x[t], h, *w)\n"
        "  at rnn.py, line 12, in rnn_cell: return torch.tanh(x @ w_ih.T)"
    )
    tests = [
        check("rnn_cell_equals_nn_rnncell", "passed", ["rnn_cell"]),
        check("rnn_forward_equals_nn_rnn", "error", ["rnn_forward"], raised, cause="error:matmul-shapes"),
        check("gru_cell_equals_nn_grucell", "passed", ["gru_cell"]),
        check(
            "recurrences_on_edge_sizes",
            "error",
            SHARED,
            raised,
            cause="error:matmul-shapes",
            blame="rnn_cell",
        ),
    ]
    found = verdicts(tests)
    assert found["rnn_cell"].status == found["gru_cell"].status == "passed"
    assert found["rnn_forward"].status == "failed"


@pytest.mark.unit
def test_a_training_check_shared_with_a_failing_module_is_the_modules():
    """train_epoch fixed, MLP wrong: the training check that uses both is MLP's."""
    tests = [
        check("mlp_shapes", "failed", ["MLP"], "MLP([4, 2]) on x (3, 4): expected shape (3, 2), got shape (3, 4).",
              cause="shape"),
        check("train_epoch_steps", "passed", ["train_epoch"]),
        check("mlp_learns_digits", "failed", ["MLP", "train_epoch"], "held-out accuracy: expected 88 %, got 10 %.",
              kind="convergence"),
    ]  # fmt: skip
    found = verdicts(tests)
    assert found["train_epoch"].status == "passed"
    assert found["MLP"].cause == "mlp_shapes:shape"
    assert "and 1 more check of MLP" in found["MLP"].diagnosis


@pytest.mark.unit
def test_the_same_mistake_on_other_inputs_is_one_cause_and_each_error_kind_its_own():
    one = check(
        "softmax_rows[a]", "failed", ["softmax"], "softmax on (2, 3): expected 0.1, got 0.3.", cause="values"
    )
    other = check(
        "softmax_rows[b]", "failed", ["softmax"], "softmax on (5, 7): expected 0.4, got 0.9.", cause="values"
    )
    assert verdicts([one])["softmax"].cause == verdicts([other])["softmax"].cause == "softmax_rows:values"
    multiplied = "mat1 and mat2 shapes cannot be multiplied (4x3 and 5x2)"
    assert error_cause("RuntimeError", multiplied) == "error:matmul-shapes"
    assert error_cause("AttributeError", "no .T") == "error:AttributeError"
    assert error_cause("", "the worker is gone") == "error"
    raised = check("linear[a]", "error", ["linear"], "m", cause=error_cause("RuntimeError", multiplied))
    assert verdicts([raised])["linear"].cause == "error:matmul-shapes"
    twin = check("linear[c]", "failed", ["linear"], "linear: got F.linear called", cause="twin")
    assert verdicts([twin])["linear"].cause == "twin"


def failure(call) -> CheckFailed:
    with pytest.raises(CheckFailed) as caught:
        call()
    return caught.value


REDUCTION_HINT = "'mean' and 'sum' reduce over every element to a 0-dim tensor"


@pytest.mark.unit
def test_a_list_or_a_nan_is_its_own_cause_with_its_own_hint_not_the_checks():
    listed = failure(lambda: expect_close([0.5, 1.0], torch.tensor(0.75), "mse", hint=REDUCTION_HINT))
    assert listed.cause == "type" and TYPE_HINT in str(listed) and REDUCTION_HINT not in str(listed)
    nan = failure(
        lambda: expect_close(torch.tensor(float("nan")), torch.tensor(0.75), "mse", hint=REDUCTION_HINT)
    )
    assert nan.cause == "nan" and NAN_HINT in str(nan) and REDUCTION_HINT not in str(nan)
    overflow = "exp(-x) overflows for x = -1000"
    nan = failure(
        lambda: expect_close(torch.tensor([float("nan")]), torch.tensor([0.0]), "sigmoid", hint=overflow)
    )
    assert overflow in str(nan)  # a check's hint about non-finite values explains its NaN best
    shaped = failure(lambda: expect_tensor(torch.zeros(3), "mse", shape=(), hint=REDUCTION_HINT))
    assert shaped.cause == "shape" and REDUCTION_HINT in str(shaped)


@pytest.mark.unit
def test_a_known_mistakes_signature_names_it_with_its_hint():
    expected, uphill = torch.tensor([1.0, 0.5]), torch.tensor([1.0, 1.5])
    mistakes = {"update-sign": (uphill, "step against the gradient")}
    found = failure(
        lambda: expect_close(uphill.clone(), expected, "gd_fit", hint="record the MSE", mistakes=mistakes)
    )
    assert found.cause == "mistake:update-sign" and "step against the gradient" in str(found)
    other = failure(
        lambda: expect_close(torch.tensor([1.0, 9.0]), expected, "gd_fit", hint="record", mistakes=mistakes)
    )
    assert other.cause == "values" and "step against" not in str(other)
    (verdict,) = judge([check("gd_fit_full_batch[a]", "failed", ["gd_fit"], str(found), cause=found.cause)])
    assert verdict.cause == "mistake:update-sign"


def row(student: str, tests: list[dict]) -> Row:
    report = {"topics": [{"name": "losses", "tests": tests}]}
    return Row(student, "h-" + student, "v1", "graded", "", 0.0, float(len(tests)), report)


def mse_check(status: str, message: str = "", cause: str = "") -> dict:
    return check("regression_loss_reductions[mse-mean]", status, ["mse"], message, cause=cause)


NAN_MESSAGE = "mse(y_hat, y) on shape {}: expected 0.5, got NaN there."
LIST_MESSAGE = "mse(y_hat, y): expected a torch.Tensor, got list [0.25, 1.0]."


@pytest.mark.unit
def test_groups_follow_the_cause_not_the_text_and_a_note_reaches_its_members_only(tmp_path):
    rows = [
        row("alice", [mse_check("passed")]),
        row("bob", [mse_check("failed", NAN_MESSAGE.format("(4, 3)"), "nan")]),
        row("carol", [mse_check("failed", NAN_MESSAGE.format("(2, 5)"), "nan")]),
        row("dave", [mse_check("failed", LIST_MESSAGE, "type")]),
    ]
    groups = {g.cause: g for g in class_groups(rows)}
    assert groups["regression_loss_reductions:nan"].students == ["bob", "carol"]
    assert groups[NO_ANSWER].students == ["dave"]  # a list: no answer (no tensor at all)
    assert not any("alice" in g.students for g in groups.values())
    gradebook = Gradebook(tmp_path / "gradebook.sqlite")
    for entry in rows:
        gradebook.record(entry)
    note = Note("losses.mse", "regression_loss_reductions:nan", "log of a negative: square d itself", 0.5,
                ("bob", "carol"))  # fmt: skip
    NoteBook(gradebook.connection).put(note)
    final = {r.student: r for r in final_rows(gradebook.rows(), None, CourseBook(gradebook))}
    said = {name: feedback_markdown(r) for name, r in final.items()}
    assert all("square d itself (+0.5 points)" in said[name] for name in ("bob", "carol"))
    assert not any("square d itself" in said[name] for name in ("alice", "dave"))
    assert final["bob"].score == 0.5 and final["dave"].score == 0.0
    # carol resubmits, fixed: the note stays behind, with a line saying so; bob keeps it
    gradebook.record(row("carol", [mse_check("passed")]))
    final = {r.student: r for r in final_rows(gradebook.rows(), None, CourseBook(gradebook))}
    carol = feedback_markdown(final["carol"])
    assert "square d itself" not in carol and "no longer applies" in carol
    assert "square d itself" in feedback_markdown(final["bob"])
    assert [n.applies for n in notes_for(final["bob"], [note])] == [True]
    gradebook.close()


STUB_RNN = (REPO / "exercises" / "rnn.py").read_text()
RNN_CELL_STUB = '    raise NotImplementedError("rnn_cell: two affine maps, summed, through tanh")'


def graded_rnn(tmp_path, name: str, rnn_cell_body: str) -> dict:
    """{exercise: its verdict} of the rnn stub with rnn_cell written (the rest not started)."""
    assert RNN_CELL_STUB in STUB_RNN
    path = tmp_path / name / "rnn.py"
    path.parent.mkdir()
    path.write_text(STUB_RNN.replace(RNN_CELL_STUB, "    import torch\n\n" + rnn_cell_body))
    _, report = grade_json(str(path), "--timeout", "10", "-k", "not convergence")
    return {e["name"]: e for e in report["topics"][0]["exercises"]}


@pytest.mark.e2e
def test_rnn_cell_without_the_transpose_leads_with_transposing_and_a_right_one_is_full(tmp_path):
    untransposed = graded_rnn(tmp_path, "no_t", "    return torch.tanh(x @ w_ih + b_ih + h @ w_hh + b_hh)")
    said = untransposed["rnn_cell"]["diagnosis"]
    assert "transpose the weights" in said.split("\n  hint: ", 1)[1].splitlines()[0], said
    assert "in_features" not in said and untransposed["rnn_cell"]["cause"] == "error:matmul-shapes"
    right = graded_rnn(tmp_path, "right", "    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)")
    assert right["rnn_cell"]["status"] == "passed", right["rnn_cell"]  # a check shared with gru_cell raises
    assert right["gru_cell"]["status"] == "not_started"


@pytest.mark.unit
def test_a_hidden_checks_cause_names_its_kind_only_where_its_id_must_not_show():
    hidden = {**check("secret_edge[n=7]", "failed", ["ex"], "SECRET", cause="values"), "visibility": "hidden"}
    assert verdicts([hidden])["ex"].cause == "secret_edge:values"  # the instructor's terminal
    (verdict,) = judge([hidden], hidden_text=False)
    assert verdict.cause == "hidden-shape:values" and "secret" not in verdict.cause


@pytest.mark.unit
def test_a_module_refused_before_it_ran_has_one_cause_for_every_exercise():
    said = "losses.py, line 10: torch.allclose = ... is not allowed in graded code, so losses was not run and every check scores 0."
    refused = [
        check("a", "failed", ["mse"], said, cause="refused"),
        check("b", "failed", ["huber"], said, cause="refused"),
    ]
    found = verdicts(refused)
    assert found["mse"].cause == found["huber"].cause == "refused"


@pytest.mark.unit
def test_a_cause_named_after_an_exception_type_is_the_graders_never_the_students():
    """`class AliceSmith(Exception)` raised made a group "error:AliceSmith": a name the instructor
    reads and a note is keyed by. Builtins' and torch's types keep their names."""

    def cause(kind: str) -> str:
        return error_cause(kind, "no")

    assert cause("AliceSmith") == cause("ÉlodieMartin") == "error:other"
    assert cause("RuntimeError") == "error:RuntimeError" and cause("KeyError") == "error:KeyError"
    assert cause("OutOfMemoryError") == "error:OutOfMemoryError"  # torch's
    assert cause("_LinAlgError") == "error:_LinAlgError"  # torch.linalg.LinAlgError's own name


@pytest.mark.unit
def test_the_exception_types_allowed_as_causes_are_builtins_and_torchs():
    import builtins
    import importlib

    from grader.checks.verdict.error_types import EXCEPTION_TYPES, TORCH_TYPES

    for name in EXCEPTION_TYPES:
        module = importlib.import_module(TORCH_TYPES[name]) if name in TORCH_TYPES else builtins
        found = getattr(module, name)
        assert isinstance(found, type) and issubclass(found, BaseException) and found.__name__ == name


# -- answering nothing: one group of its own per exercise, never a misconception's note ----------

HUBER = ("huber_matches_torch[0.5]", "huber_matches_torch[2.5]")


def huber_row(student: str, first: tuple[str, str], second: tuple[str, str], mse=("passed", "")) -> Row:
    """A losses row: huber's two value checks and mse's one end (status, stage) as given."""
    tests = [check(HUBER[0], first[0], ["huber"], "m", cause=first[1]),
             check(HUBER[1], second[0], ["huber"], "m", cause=second[1]),
             mse_check(mse[0], "m", mse[1])]  # fmt: skip
    return row(student, tests)


SYNTAX = "SyntaxError while importing losses.py: invalid syntax"


def answers_nothing_class() -> list[Row]:
    return [
        # huber without the 0.5: right where |d| <= delta, wrong beyond; mse right
        huber_row("ann", ("passed", ""), ("failed", "values")),
        huber_row("ben", ("passed", ""), ("failed", "values")),
        # constants of the right shape: every case fails at the values stage; mse too
        huber_row("cat", ("failed", "values"), ("failed", "values"), mse=("failed", "values")),
        huber_row("stub", ("not_started", ""), ("not_started", ""), mse=("not_started", "")),
        row("syntax", [check(h, "error", ["huber"], SYNTAX) for h in HUBER] + [mse_check("error", SYNTAX)]),
        huber_row("list", ("failed", "type"), ("failed", "type")),  # a Python list: no tensor at all
        huber_row("nan", ("failed", "nan"), ("failed", "nan")),  # exp(2·log d): a formula gone wrong
    ]


@pytest.mark.unit
def test_an_exercise_that_answers_nothing_sits_in_its_no_answer_group_only():
    groups = {(g.exercise, g.cause): g.students for g in class_groups(answers_nothing_class())}
    assert groups[("losses.huber", "huber_matches_torch:values")] == ["ann", "ben"]
    assert groups[("losses.huber", NO_ANSWER)] == ["cat", "list", "stub", "syntax"]
    assert groups[("losses.huber", "huber_matches_torch:nan")] == ["nan"]
    assert groups[("losses.mse", NO_ANSWER)] == ["cat", "stub", "syntax"]
    alone = [check(HUBER[0], "error", ["huber"], "RuntimeError while running huber() in losses.py: x",
                   cause="error:RuntimeError"),
             check(HUBER[1], "error", ["huber"], "RuntimeError while running huber() in losses.py: x",
                   cause="error:RuntimeError"),
             mse_check("passed")]  # fmt: skip
    # one exercise raising while the others answer is a mistake in it, not a module that failed
    assert [g.cause for g in class_groups([row("raiser", alone)])] == ["error:RuntimeError"]


@pytest.mark.unit
def test_a_misconceptions_note_never_reaches_a_student_who_answered_nothing(tmp_path):
    gradebook = Gradebook(tmp_path / "gradebook.sqlite")
    for entry in answers_nothing_class():
        gradebook.record(entry)
    gradebook.close()
    said = record_note(tmp_path, "losses.huber", "huber_matches_torch:values", "the linear piece is δ·(|d| − δ/2)",
                       2.5, clear=False)  # fmt: skip
    assert "note for 2 student(s)" in said
    with pytest.raises(NoteProblem, match="no points"):
        record_note(tmp_path, "losses.huber", NO_ANSWER, "start with the docstring", 1.0, clear=False)
    gradebook = Gradebook(tmp_path / "gradebook.sqlite")
    final = {r.student: r for r in final_rows(gradebook.rows(), None, CourseBook(gradebook))}
    gradebook.close()
    assert final["ann"].score == final["ben"].score == 2 + 1  # huber 1 + 2.5 within its 2 points; mse 1
    assert [s for s, r in final.items() if "δ/2" in feedback_markdown(r)] == ["ann", "ben"]
    assert final["cat"].score == 0 and final["stub"].score == 0


@pytest.mark.unit
def test_the_instructor_merges_and_splits_groups(tmp_path):
    gradebook = Gradebook(tmp_path / "gradebook.sqlite")
    for entry in answers_nothing_class():
        gradebook.record(entry)
    gradebook.close()

    def groups() -> dict[str, list[str]]:
        listed = json.loads(list_groups(tmp_path, as_json=True))
        return {g["cause"]: g["students"] for g in listed if g["exercise"] == "losses.huber"}

    # cat's constants are, on a look at her code, log2's misconception: she leaves no-answer
    record_split(tmp_path, "losses.huber", NO_ANSWER, ("cat",), "log2", clear=False)
    assert groups()["log2"] == ["cat"] and "cat" not in groups()[NO_ANSWER]
    record_merge(
        tmp_path, "losses.huber", "huber_matches_torch:values", ("huber_matches_torch:nan",), clear=False
    )
    assert groups()["huber_matches_torch:values"] == ["ann", "ben", "nan"]
    with pytest.raises(NoteProblem, match="no answer"):  # no-answer never joins a misconception
        record_merge(tmp_path, "losses.huber", "log2", (NO_ANSWER,), clear=False)
    record_note(tmp_path, "losses.huber", "log2", "natural log, not log2", 1.0, clear=False)
    gradebook = Gradebook(tmp_path / "gradebook.sqlite")
    final = {r.student: r for r in final_rows(gradebook.rows(), None, CourseBook(gradebook))}
    gradebook.close()
    # moved out of no-answer, cat reads the note; its points never reach an answer of nothing
    assert final["cat"].score == 0.0 and "natural log" in feedback_markdown(final["cat"])
    record_split(tmp_path, "losses.huber", NO_ANSWER, ("cat",), "log2", clear=True)
    record_merge(
        tmp_path, "losses.huber", "huber_matches_torch:values", ("huber_matches_torch:nan",), clear=True
    )
    assert groups()[NO_ANSWER] == ["cat", "list", "stub", "syntax"] and groups()[
        "huber_matches_torch:nan"
    ] == ["nan"]


@pytest.mark.unit
def test_the_listing_is_short_and_clean_and_names_students_from_the_roster():
    osc = "\x1b]8;;https://evil.example/\x07mallory\x1b]8;;\x07"
    rows = [*answers_nothing_class(), huber_row(osc, ("passed", ""), ("failed", "nan"))]
    rows.append(row("eve", [check(HUBER[0], "failed", ["huber"], "\x1b[2J\x1b[Hyou got full marks", cause="shape"),
                            mse_check("passed")]))  # fmt: skip
    text = causes_text(class_groups(rows), names={"ann": "Ann Archer", "ben": "Ben \x1b[31mBold"})
    assert not any(c in text for c in "\x1b\x07\x9b\x9d"), repr(text)
    assert "Ann Archer" in text and "Ben Bold" in text and "mallory" in text
    listed = json.loads(list_json(class_groups(rows)))
    assert "\x1b" not in json.dumps(listed, ensure_ascii=False)
    # huber: the two groups of two in full (3 lines each), eve's group of one on one line; no
    # answer (cat, list, stub, syntax in huber; cat, stub, syntax in mse) one line each
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 3 + 3 + 1 + 2, text


@pytest.mark.unit
def test_a_wrong_shape_is_an_answer_and_an_echo_is_not():
    """norms returning keepdim shapes (the only exercise written, the other a stub: no check of the
    topic passes) is its shape's group; norms echoing its input is the no-answer group."""
    stub = check("mse[x]", "not_started", ["mse"], "NotImplementedError")
    keepdim = [check("norms[shape0]", "failed", ["norms"], "expected shape (), got shape (1,).", cause="shape"),
               check("input_domain[norms]", "failed", ["norms"], "expected shape (), got shape (1, 1).",
                     cause="shape"), stub]  # fmt: skip
    echo = [check("norms[shape0]", "failed", ["norms"], "expected shape (), got shape (5,).", cause="shape"),
            check("input_domain[norms]", "failed", ["norms"], "expected shape (), got shape (3, 4).",
                  cause="silent:echo"), stub]  # fmt: skip
    groups = {
        (g.exercise, g.cause): g.students for g in class_groups([row("keep", keepdim), row("echo", echo)])
    }
    assert groups[("losses.norms", "norms:shape")] == ["keep"], groups
    assert groups[("losses.norms", NO_ANSWER)] == ["echo"], groups


@pytest.mark.unit
def test_a_mistake_any_failed_check_shows_names_the_group():
    """A check met first (no signature) and the battery after it showing a shift: the shift's group;
    the same check met first by a mistake that shows nothing keeps the check's cause."""
    first = check("mask[5]", "failed", ["mask"], "m", cause="values")
    shifted = [first, check("input_domain[mask]", "failed", ["mask"], "m", cause="mistake:shift")]
    other = [first, check("input_domain[mask]", "failed", ["mask"], "m", cause="values")]
    groups = {g.cause: g.students for g in class_groups([row("ann", shifted), row("cy", other)])}
    assert groups == {"mistake:shift": ["ann"], "mask:values": ["cy"]}, groups


@pytest.mark.unit
def test_an_exercise_refused_alone_answers_nothing():
    """The subset check refuses one exercise's code and grades the rest; every check of the
    refused one fails unjudged, the inputs-untouched clause too (it read "huber_matches_torch:failed",
    beside the misconceptions)."""
    said = "losses.py, line 32: globals is not allowed in graded code, so huber was not run"
    refused = [check(HUBER[0], "failed", ["huber"], said), check(HUBER[1], "failed", ["huber"], said),
               {**check("inputs_untouched[huber]", "failed", ["huber"], said, kind="gradient"), "clause": "inputs"},
               mse_check("passed")]  # fmt: skip
    assert [(g.exercise, g.cause) for g in class_groups([row("refused", refused)])] == [
        ("losses.huber", NO_ANSWER)
    ]
    # a property check without a stage, failed by an answer that leaves its inputs alone: a mistake
    kept = [*refused[:2], {**refused[2], "status": "passed"}, refused[3]]
    assert [g.cause for g in class_groups([row("wrong", kept)])] == ["huber_matches_torch:failed"]


@pytest.mark.unit
def test_a_signature_names_the_relation_the_values_show():
    """grader/checks/cases/signatures.py: a sign, a transpose, a shift by one place (a causal
    convolution padded on both sides, a mask without its diagonal), an order reversed, a factor."""
    from grader.checks.cases.signatures import relation, signature

    e = torch.randn(4, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    square = torch.randn(5, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    assert [relation(-e, e), relation(square.T.clone(), square), relation(e.flip(1), e), relation(3 * e, e)] == [
        "sign", "transpose", "reversed", "scale"
    ]  # fmt: skip
    x, k = torch.randn(1, 1, 9), torch.randn(1, 1, 3)
    causal = torch.nn.functional.conv1d(torch.nn.functional.pad(x, (2, 0)), k)
    assert signature(torch.nn.functional.conv1d(x, k, padding=1), causal) == "shift"
    mask = torch.ones(5, 5, dtype=torch.bool)
    assert (
        signature(mask.tril(-1), mask.tril()) == "shift"
        and signature(mask.triu(), mask.tril()) == "transpose"
    )
    assert signature(torch.nn.functional.conv1d(torch.nn.functional.pad(x, (2, 0)), k.flip(-1)), causal) == ""
    nudged = e.clone()
    nudged[0, 0] += 1
    assert relation(nudged, e) == ""  # one value off shows nothing


@pytest.mark.unit
def test_one_number_where_the_reference_gives_a_row_is_a_wrong_shape_not_a_constant():
    """entropy summed over everything: one varying number per case where the reference gives a row
    of them (grader/checks/cases/non_answer.py): an answer of the wrong shape; the same number in every
    case stays a constant."""
    from grader.checks.cases import non_answer

    rows = [torch.rand(3, 4, generator=torch.Generator().manual_seed(s)) for s in range(3)]
    answers = [{"out": r.sum(dim=1)} for r in rows]
    summed = [{"out": r.sum()} for r in rows]
    assert non_answer.behaviour(summed, answers, [(r,) for r in rows]) == ""
    assert non_answer.behaviour([{"out": torch.tensor(0.5)}] * 3, answers, [(r,) for r in rows]) == "constant"


@pytest.mark.unit
def test_a_float16_case_does_not_turn_a_constant_that_raises_into_an_answer():
    """A constant raises where a case needs a gradient (nothing depends on the input) and answers
    the float16 dtype case: told from the working-precision cases, it answers nothing, as before
    the float16 cases (the corpus's constants module sat in sigmoid's misconception group)."""
    from grader.checks.cases import non_answer

    xs = [torch.randn(4, dtype=torch.float64) for _ in range(3)] + [torch.randn(4).half()]
    answers = [{"out": torch.sigmoid(x)} for x in xs]
    results = [{"error": "RuntimeError"}] * 3 + [{"out": torch.full((4,), 0.5)}]
    assert non_answer.behaviour(results, answers, [(x,) for x in xs]) == "raises"
