"""Where a docstring says an exercise is equal to a torch function or module ("Equal to
``F.cross_entropy(logits, target)``", "As for ``…mse_loss(…)``", "equal to ``nn.RNNCell`` with
these weights"), that torch code, run through every case of the exercise's input domain on the
trusted side, passes the battery as a submission would (battery.run, the stored answers, each
case's tolerance): a docstring may not promise an equality its own checks refuse.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from helpers import REPO
from torch import nn
from torch.func import functional_call

from grader.checks import battery
from grader.checks.cases import domain_cases
from grader.sandboxed import codec

domain_cases.load_all()  # every topic's declarations (tests/suites/domains_<topic>.py)

pytestmark = pytest.mark.unit


def _module_with(module: nn.Module, weights: dict[str, torch.Tensor], *inputs: Any) -> Any:
    """``module`` run with ``weights`` as its parameters (gradients reach them)."""
    return functional_call(module, weights, inputs)


def _cell(kind: type[nn.Module]) -> Callable[..., torch.Tensor]:
    def cell(x, h, w_ih, w_hh, b_ih, b_hh):
        module = kind(w_ih.shape[1], w_hh.shape[1], dtype=x.dtype)
        weights = {"weight_ih": w_ih, "weight_hh": w_hh, "bias_ih": b_ih, "bias_hh": b_hh}
        return _module_with(module, weights, x, h)

    return cell


def _rnn(x, h0, params):
    module = nn.RNN(x.shape[-1], h0.shape[-1], num_layers=len(params), dtype=x.dtype)
    names = ("weight_ih_l{}", "weight_hh_l{}", "bias_ih_l{}", "bias_hh_l{}")
    weights = {name.format(i): w for i, layer in enumerate(params) for name, w in zip(names, layer)}
    return _module_with(module, weights, x, h0)


def _embedding(weight, idx):
    return _module_with(nn.Embedding(*weight.shape, dtype=weight.dtype), {"weight": weight}, idx)


# (topic, exercise): (what the docstring names, that torch code with the exercise's signature)
EQUIVALENTS: dict[tuple[str, str], tuple[str, Callable[..., Any]]] = {
    ("losses", "mse"): (
        "torch.nn.functional.mse_loss",
        lambda y_hat, y, reduction="mean": F.mse_loss(y_hat, y, reduction=reduction),
    ),
    ("losses", "l1"): (
        "F.l1_loss",
        lambda y_hat, y, reduction="mean": F.l1_loss(y_hat, y, reduction=reduction),
    ),
    ("losses", "huber"): ("F.huber_loss", lambda y_hat, y, delta=1.0: F.huber_loss(y_hat, y, delta=delta)),
    ("losses", "bce"): ("F.binary_cross_entropy", F.binary_cross_entropy),
    ("losses", "bce_with_logits"): ("F.binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits),
    ("losses", "cross_entropy"): (
        "F.cross_entropy",
        # a one-hot target "of any dtype" given as the logits' floats, which F.cross_entropy wants
        lambda logits, target: F.cross_entropy(
            logits, target.to(logits.dtype) if target.shape == logits.shape else target
        ),
    ),
    ("cnn", "conv2d"): (
        "F.conv2d",
        lambda x, weight, bias=None, stride=1, padding=0: F.conv2d(x, weight, bias, stride, padding),
    ),
    ("cnn", "max_pool2d"): (
        "F.max_pool2d",
        lambda x, kernel_size, stride=None: F.max_pool2d(x, kernel_size, stride),
    ),
    ("optim", "SGD"): ("torch.optim.SGD", torch.optim.SGD),
    ("optim", "Adam"): ("torch.optim.Adam", torch.optim.Adam),
    ("resnet", "batch_norm"): (
        "F.batch_norm",
        lambda x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5: F.batch_norm(
            x, running_mean, running_var, gamma, beta, training, momentum, eps
        ),
    ),
    ("rnn", "rnn_cell"): ("nn.RNNCell", _cell(nn.RNNCell)),
    ("rnn", "rnn_forward"): ("nn.RNN", _rnn),
    ("rnn", "embedding_lookup"): ("one_hot(idx) @ weight", _embedding),
    ("rnn", "gru_cell"): ("nn.GRUCell", _cell(nn.GRUCell)),
}

CLAIM = re.compile(r"(?:\b[Ee]qual to|^\s*As for|^\s*Like)\s+``([^`]+)``", re.MULTILINE)


def claimed() -> dict[tuple[str, str], str]:
    """{(topic, exercise): the first torch code its docstring says it is equal to}."""
    found = {}
    for path in sorted((REPO / "exercises").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            doc = ast.get_docstring(node) if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else None
            if doc and (match := CLAIM.search(doc)):
                found[(path.stem, node.name)] = match.group(1)
    return found


def test_every_equality_a_docstring_claims_is_run_here():
    claims = claimed()
    assert sorted(claims) == sorted(EQUIVALENTS)
    assert {key: code for key, code in claims.items() if not code.startswith(EQUIVALENTS[key][0])} == {}


class Trusted:
    """A submission module run here as the worker runs it: the probe's arguments and its answer
    through the channel's codec (each case its own tensors, as the worker decodes them)."""

    def __init__(self, module: Any) -> None:
        self.module = module

    def run(self, probe: Callable[..., Any], *args: Any) -> Any:
        answer = probe(self.module, *codec.decode(codec.encode(list(args))))
        return codec.decode(codec.encode(answer))


@pytest.mark.parametrize("topic, name", sorted(EQUIVALENTS), ids=lambda part: part)
def test_the_torch_equivalent_passes_every_case_of_the_domain(topic, name):
    assert (topic, name) in domain_cases.REGISTRY
    with torch.random.fork_rng():
        battery.run(Trusted(SimpleNamespace(**{name: EQUIVALENTS[(topic, name)][1]})), topic, name)
