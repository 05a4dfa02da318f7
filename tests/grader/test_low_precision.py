"""A docstring that promises x's dtype (relu's "same shape and dtype") without naming float32 or
float64 takes float16 too: its domain walks a float16 input, the result's dtype judged exactly, so
a float32 intermediate (``x * (x > 0).float()``) that float64's type promotion hides is caught."""

from __future__ import annotations

import ast
import re
from types import SimpleNamespace

import pytest
import torch
from helpers import REPO
from test_torch_equivalents import Trusted

from grader.base.topics import available_topics
from grader.checks import battery
from grader.checks.cases import domain_cases
from grader.checks.verdict.failed import CheckFailed

domain_cases.load_all()

pytestmark = pytest.mark.unit

PROMISE = re.compile(r"same shape and dtype|x's (shape and )?dtype|values' length and dtype", re.I)
NAMED = re.compile(r"float32 or (all )?float64|Checked in float64")
# a promise walked in float32 and float64 only, with the reason (reviewed)
EXEMPT: dict[tuple[str, str], str] = {}


def promises() -> list[tuple[str, str]]:
    """(topic, exercise) of every stub docstring promising x's dtype without naming the dtypes."""
    found = []
    for topic in available_topics():
        tree = ast.parse((REPO / "exercises" / f"{topic}.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                text = " ".join((ast.get_docstring(node) or "").split())
                if PROMISE.search(text) and not NAMED.search(text):
                    found.append((topic, node.name))
    return found


def test_the_promises_are_found():
    assert {("mlp", "relu"), ("losses", "softmax"), ("optim", "ema")} <= set(promises())


@pytest.mark.parametrize("topic, name", promises(), ids=lambda part: part)
def test_a_promise_of_x_dtype_walks_float16(topic, name):
    if (topic, name) in EXEMPT:
        return
    cases = domain_cases.REGISTRY[(topic, name)].cases()
    dtypes = {a.dtype for c in cases for a in (*c.args, *c.kwargs.values()) if isinstance(a, torch.Tensor)}
    assert torch.float16 in dtypes, f"{topic}.{name}: no float16 case"


def _relu_via_float(x: torch.Tensor) -> torch.Tensor:
    return x * (x > 0).float()  # float64 stays float64 (promotion), float16 becomes float32


def _softmax_via_float(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    e = (x - x.amax(dim, keepdim=True)).exp()
    return e / (
        e.sum(dim, keepdim=True) + torch.tensor([1e-30], device=x.device)
    )  # float32: float16 → float32


def _relu(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


def _softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    e = (x - x.amax(dim, keepdim=True)).exp()
    return e / e.sum(dim, keepdim=True)


def _run(topic: str, name: str, function: object) -> None:
    with torch.random.fork_rng():
        battery.run(Trusted(SimpleNamespace(**{name: function})), topic, name)


@pytest.mark.parametrize(
    "topic, name, wrong",
    [("mlp", "relu", _relu_via_float), ("losses", "softmax", _softmax_via_float)],
    ids=["relu", "softmax"],
)
def test_a_float32_result_for_a_float16_input_loses_the_dtype_check(topic, name, wrong):
    with pytest.raises(CheckFailed, match="float16") as failed:
        _run(topic, name, wrong)
    assert failed.value.cause == "dtype"


@pytest.mark.parametrize(
    "topic, name, right", [("mlp", "relu", _relu), ("losses", "softmax", _softmax)], ids=["relu", "softmax"]
)
def test_the_same_formula_in_x_dtype_passes(topic, name, right):
    _run(topic, name, right)
