"""A twin read off an allowed function's gradient inside the exercise's own call (σ is softplus's
derivative: ``autograd.grad`` of ``F.softplus`` in sigmoid's forward) earns nothing; the same
allowed function used for its value, ``exp(−softplus(−x))``, whose gradient the checks take after
the call, earns full (attacks a123's 01 and 53: sigmoid 10/10, Sigmoid full)."""

from __future__ import annotations

import json

import pytest
from helpers import REPO, run_grade

SIGMOID_BY_GRADIENT = """

def sigmoid(x):
    with torch.enable_grad():
        z = x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(torch.nn.functional.softplus(z).sum(), z)
    return g
"""
SIGMOID_BY_VALUE = """

def sigmoid(x):
    return torch.exp(-torch.nn.functional.softplus(-x))
"""
FUNCTION_BY_GRADIENT = """

class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        with torch.enable_grad():
            z = x.detach().requires_grad_(True)
            (out,) = torch.autograd.grad(torch.nn.functional.softplus(z).sum(), z)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)
"""


def points(tmp_path, topic: str, snippet: str, exercise: str) -> tuple[float, float, str]:
    source = (REPO / "solutions" / f"{topic}.py").read_text() + snippet
    folder = tmp_path / exercise
    folder.mkdir()
    (folder / f"{topic}.py").write_text(source)
    done = run_grade(str(folder), "--topic", topic, "--format", "json", "-k", "not convergence")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    got = {e["name"]: e for e in json.loads(done.stdout)["topics"][0]["exercises"]}[exercise]
    return got["points"], got["max_points"], got.get("cause", "")


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("topic", "exercise", "snippet"),
    [("losses", "sigmoid", SIGMOID_BY_GRADIENT), ("autograd", "Sigmoid", FUNCTION_BY_GRADIENT)],
    ids=["losses.sigmoid", "autograd.Sigmoid"],
)
def test_sigmoid_read_off_softplus_gradient_earns_nothing(tmp_path, topic, exercise, snippet):
    got, _, cause = points(tmp_path, topic, snippet, exercise)
    assert (got, cause) == (0.0, "twin")


@pytest.mark.e2e
def test_softplus_used_for_its_value_earns_full(tmp_path):
    got, most, _ = points(tmp_path, "losses", SIGMOID_BY_VALUE, "sigmoid")
    assert got == most
