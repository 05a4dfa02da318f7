"""`--exercise X` charges X alone: a check shared by several exercises that fails through one of
them is reported against that one; an exercise whose own checks the selection left out is not
shown failing (it reads the charged check as skipped: nothing of its own was judged). One case
per topic family whose suite shared a check (cnn, mlp, rnn; cnn's and rnn's edge sizes are one check
per exercise now). Seen failing on the branch's start: "✗ rnn · gru_cell 0/0.33" and "✗ mlp ·
train_epoch 1/2" under `--exercise` of the broken one."""

from __future__ import annotations

import json

import pytest
from helpers import run_grade
from test_callee_blame import edited
from test_verdict import check

from grader.checks.verdict.exercises import judge

# (the exercise chosen and broken, its own failing check, the check it shares, its neighbours)
SHARED = {
    "cnn": (
        "corr2d",
        "test_corr2d_matches_conv2d",
        "test_corr2d_and_output_size_edge_shapes",
        ["conv_output_size"],
    ),
    "mlp": ("MLP", "test_mlp_forward_shapes", "test_mlp_learns_digits[seed0]", ["train_epoch"]),
    "rnn": (
        "rnn_cell",
        "test_rnn_cell_equals_nn_rnncell",
        "test_recurrences_on_edge_sizes",
        ["gru_cell", "rnn_forward"],
    ),
}


@pytest.mark.unit
@pytest.mark.parametrize("topic", sorted(SHARED))
def test_a_neighbour_left_out_by_the_selection_is_not_shown_failing(topic):
    chosen, own, shared, others = SHARED[topic]
    tests = [
        check(own, "failed", exercise=chosen),
        check(shared, "failed", exercise=(chosen, *others), points=2.0),
        check("test_input_domain[x]", "passed", exercise=chosen),
    ]
    verdicts = {e.name: e for e in judge(tests)}
    assert verdicts[chosen].status == "partial"  # its own battery passed, its own check failed
    for name in others:
        neighbour = verdicts[name]
        assert neighbour.status == "skipped" and neighbour.max_points == 0, neighbour
        assert not neighbour.diagnosis


@pytest.mark.unit
def test_a_neighbour_keeps_what_it_passes_and_one_at_fault_is_still_charged():
    """A shared check passing on one seed still pays the neighbour its share; one whose failure its
    record places in the neighbour (the blame) is that one's, though the selection left it out."""
    tests = [
        check("test_mlp_forward_shapes", "failed", exercise="MLP"),
        check("digits[0]", "failed", kind="convergence", exercise=("MLP", "train_epoch"), points=2.0),
        check("digits[1]", "passed", kind="convergence", exercise=("MLP", "train_epoch"), points=2.0),
    ]
    mlp, epoch = judge(tests)
    assert (epoch.points, epoch.max_points, epoch.status) == (1.0, 1.0, "passed"), epoch
    placed = check("edges", "error", exercise=("rnn_cell", "gru_cell"), blame="gru_cell")
    rnn, gru = judge([check("rnn", "passed", exercise="rnn_cell"), placed])
    assert (rnn.status, gru.status) == ("passed", "failed"), (rnn, gru)


@pytest.mark.e2e
def test_grading_one_cell_does_not_show_the_others_failing(tmp_path):
    path = edited(tmp_path, "rnn", "return torch.tanh(x @ w_ih.T", "return torch.sigmoid(x @ w_ih.T")
    done = run_grade(
        "check", str(path), "--exercise", "rnn_cell", "--format", "json", "-k", "not convergence"
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    shown = {e["name"]: e for e in json.loads(done.stdout)["topics"][0]["exercises"]}
    assert shown["rnn_cell"]["status"] == "failed"
    neighbours = [shown.get(name, {"status": "absent"})["status"] for name in ("gru_cell", "rnn_forward")]
    assert set(neighbours) <= {"skipped", "absent"}, shown


@pytest.mark.unit
def test_a_failure_no_record_places_is_the_chosen_exercises_not_a_left_out_neighbours():
    """`--exercise MLP` whose own checks pass and whose training check fails (train_epoch, left
    out, may be at fault; nothing tells): MLP carries it, train_epoch is not shown failing. A run
    that holds no exercise's own checks (`-k` choosing the shared check alone) shows it on each."""
    digits = check("digits", "failed", kind="convergence", exercise=("MLP", "train_epoch"), points=2.0)
    mlp, epoch = judge([check("forward", "passed", exercise="MLP"), digits])
    assert mlp.status == "partial" and "m" in mlp.diagnosis, mlp
    assert epoch.status == "skipped" and not epoch.diagnosis, epoch
    alone = judge([digits])
    assert [e.status for e in alone] == ["failed", "failed"], alone
