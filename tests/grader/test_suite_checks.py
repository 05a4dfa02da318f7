"""Suite checks on small submissions, through the sandbox: the rnn suite's
sequence-order check and the no-twin checks' blame. The suite's check functions are called
directly with a TopicSession as ``sub``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from grader.checks.judging.judge import CheckFailed

pytestmark = [
    pytest.mark.engine,
    pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning"),  # the suites' @check
]
SUITES = Path(__file__).resolve().parents[1] / "suites"


def load_suite(topic: str):
    spec = importlib.util.spec_from_file_location(f"suite_{topic}_under_test", SUITES / f"suite_{topic}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HELLO = """
import torch
from torch import nn


class HelloRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size, embed_dim=None):
        super().__init__()
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size{rnn_options})
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx):
        x = self.embed(idx) if self.embed is not None else nn.functional.one_hot(idx, self.vocab_size).float()
        {steps}
"""
IN_ORDER = "return self.out(self.rnn(x)[0])"
VARIANTS = {
    "in order": ("", IN_ORDER, None),
    "batch-first RNN fed seq-first": (", batch_first=True", IN_ORDER, "against one-hot/embedding"),
    "batch-first, transposed as it should": (
        ", batch_first=True",
        "return self.out(self.rnn(x.transpose(0, 1))[0].transpose(0, 1))",
        None,
    ),
    "reversed": ("", "return self.out(self.rnn(x.flip(0))[0].flip(0))", "when only step 4"),
    "shuffled": (
        "",
        "order = torch.tensor([0, 2, 1, 4, 3])\n        return self.out(self.rnn(x[order])[0])",
        "when only step 4",
    ),
    "bidirectional": (
        ", bidirectional=True",
        "h = self.rnn(x)[0]\n        return self.out(h[..., : h.shape[-1] // 2] + h[..., h.shape[-1] // 2 :])",
        "when only step 4",
    ),
}


@pytest.fixture(scope="module")
def rnn_suite():
    return load_suite("rnn")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("embed_dim", [None, 6], ids=["one-hot", "embedding"])
def test_hello_rnn_order_check(session_for, rnn_suite, variant, embed_dim):
    rnn_options, steps, failure = VARIANTS[variant]
    sub = session_for(HELLO.format(rnn_options=rnn_options, steps=steps), topic="rnn")
    check = rnn_suite.test_hello_rnn_reads_the_sequence_in_order
    if failure is None:
        check(sub, embed_dim)
    else:
        with pytest.raises(CheckFailed, match=failure):
            check(sub, embed_dim)


def test_rnn_forward_processing_steps_in_reverse_fails_at_a_named_step(session_for, rnn_suite):
    sub = session_for(
        """
import torch

def rnn_forward(x, h0, params):
    hs, inputs = [], x
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h, outputs = h0[layer], []
        for t in reversed(range(len(inputs))):
            h = torch.tanh(inputs[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
            outputs.insert(0, h)
        inputs = torch.stack(outputs)
        hs.append(h)
    return inputs, torch.stack(hs)
""",
        topic="rnn",
    )
    with pytest.raises(CheckFailed, match="output at step 0 "):
        rnn_suite.test_rnn_forward_equals_nn_rnn(sub, 1, 5, 1)


# -- no-twin blame ---------------------------------------------------------------------------

ACTIVATIONS = """
import torch
import torch.nn.functional as F


def relu(x):
    return torch.clamp(x, min=0)  # allowed in relu


def hard_sigmoid_from_relus(x):
    {body}
"""


@pytest.fixture(scope="module")
def mlp_suite():
    return load_suite("mlp")


def test_hard_sigmoid_from_the_learners_relu_that_uses_clamp_passes(session_for, mlp_suite):
    sub = session_for(ACTIVATIONS.format(body="return relu(x + 0.5) - relu(x - 0.5)"), topic="mlp")
    mlp_suite.test_activation_values(sub, "hard_sigmoid_from_relus")


def test_hard_sigmoid_calling_the_twin_fails_and_names_the_line(session_for, mlp_suite):
    sub = session_for(ACTIVATIONS.format(body="return F.hardsigmoid(x * 6 / 6 * 6 / 6 * 6) * 1"), topic="mlp")
    with pytest.raises(CheckFailed) as info:
        mlp_suite.test_activation_values(sub, "hard_sigmoid_from_relus")
    message = str(info.value)
    assert "F.hardsigmoid called in hard_sigmoid_from_relus, line 11" in message


def test_a_twin_in_a_helper_the_docstring_does_not_name_is_blamed_on_that_helper(session_for, mlp_suite):
    source = (
        ACTIVATIONS.format(body="return _squash(x)")
        + "\n\ndef _squash(x):\n    return torch.clamp(x + 0.5, 0, 1)\n"
    )
    sub = session_for(source, topic="mlp")
    with pytest.raises(CheckFailed, match=r"torch.clamp called in _squash, line 15"):
        mlp_suite.test_activation_values(sub, "hard_sigmoid_from_relus")
