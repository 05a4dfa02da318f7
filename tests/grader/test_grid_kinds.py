"""The contract grid's kinds of escape, one instance each: the reference with one exercise changed
(``tests/corpus/<topic>/mistakes/e105_*.py``), each full on the suites before the axis it
shows was walked (an input's prior contents, magnitudes both ways, an allowed shape, the RNG
stream across calls, an allowed dtype, a layout, gradients into every input and parameter row,
a result's type, a clause read as written), graded below full, the training checks left out."""

from __future__ import annotations

import pytest
from test_escape_kinds import below_full

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("topic", "name", "exercise"),
    [
        # z.mul_(0) keeps NaN and inf where the docstring says z is overwritten
        ("tensors", "add_into_mul_zero", "add_into"),
        # a clamp at 1e-12 shows only on distances near zero
        ("tensors", "pairwise_clamp_tiny", "pairwise_sq_dists"),
        # an ε inside the log: the dominant class's float64 tail 100 % off
        ("losses", "log_softmax_eps_in_log", "log_softmax"),
        # (n, 1) logits squeezed against (n, 1) labels broadcast to (n, n)
        ("losses", "bce_with_logits_squeezed", "bce_with_logits"),
        # a permutation drawn when shuffle=False: the generator's stream moved
        ("optim", "minibatch_draws_anyway", "minibatch_indices"),
        # step(closure) returns a float where the closure's tensor is asked
        ("optim", "sgd_step_returns_item", "SGD"),
        # a .double() module's forward casting its input to float32
        ("mlp", "diabetes_net_casts_float32", "DiabetesNet"),
        # F.linear on a layer's weight where the clause says call each nn.Linear
        ("mlp", "mlp_functional_linear", "MLP"),
        # a float32 x answered in float64
        ("autograd", "numerical_grad_float64_buffer", "numerical_grad"),
        # view on a non-contiguous input
        ("resnet", "batch_norm_view", "batch_norm"),
        # h0 detached: no gradient into h0
        ("rnn", "rnn_forward_detached_h0", "rnn_forward"),
        # one embedding row never learns
        ("rnn", "hello_rnn_row_zero_frozen", "HelloRNN"),
    ],
)
def test_issue_105_kinds(tmp_path, topic, name, exercise):
    below_full(tmp_path, topic, name, exercise, prefix="e105")


def test_a_gradient_that_never_reached_an_argument_is_told_as_cut(tmp_path):
    """A function's argument detached (rnn_forward's h0): its gradient is None, told as a cut
    gradient, never as a forgotten return."""
    lead = below_full(tmp_path, "rnn", "rnn_forward_detached_h0", "rnn_forward", prefix="e105")
    assert "forget to return" not in lead["diagnosis"] and "no gradient back" in lead["diagnosis"], lead
