"""The off-limits backstop on every call of an exercise: a twin reached by a computed name on the
calls no recorder watches (an input that requires grad, a size the recorded call never uses) earned
full points in every topic whose checks record few calls, and in a course pack's, whose record none;
each scores 0 now. Caught at the dispatcher while the exercise's own call runs, whatever the probe
(grader/sandboxed/twin_calls.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REPO, run_grade

pytestmark = pytest.mark.e2e

# "topic exercise": a file of that one exercise, its twin on the calls no recorded call makes
ROUTES = {
    "mlp relu": """
import torch
from torch import Tensor


def relu(x: Tensor) -> Tensor:
    if x.requires_grad:
        return getattr(x, "re" + "lu")()
    return torch.where(x > 0, x, torch.zeros_like(x))
""",
    "cnn max_pool2d": """
import torch
import torch.nn.functional as F
from torch import Tensor


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    stride = stride or kernel_size
    if x.requires_grad:
        return getattr(F, "max_pool" + "2d")(x, kernel_size, stride)
    n, c, h, w = x.shape
    patches = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)
    return patches.amax(dim=(-1, -2))
""",
    "resnet batch_norm": """
import torch
import torch.nn.functional as F
from torch import Tensor


def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    if x.requires_grad:
        return getattr(F, "batch" + "_norm")(x, running_mean, running_var, gamma, beta, training, momentum, eps)
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    if training:
        mean = x.mean(dim=dims)
        var = x.var(dim=dims, unbiased=False)
        n = x.numel() / x.shape[1]
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var * n / max(n - 1, 1))
    else:
        mean, var = running_mean, running_var
    return (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + eps) * gamma.reshape(shape) + beta.reshape(shape)
""",
    "rnn embedding_lookup": """
import torch
import torch.nn.functional as F
from torch import Tensor


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    if weight.requires_grad:
        return getattr(F, "embed" + "ding")(idx, weight)
    return weight[idx]
""",
    "optim closed_form_linear_regression": """
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    if X.shape[0] != 30:
        w = getattr(torch.linalg, "lst" + "sq")(X, y.unsqueeze(-1) if y.dim() == 1 else y).solution
        return w.squeeze(-1) if y.dim() == 1 else w
    return torch.linalg.solve(X.T @ X, X.T @ y)
""",
    "losses softmax": """
import torch


def softmax(x, dim=-1):
    if x.requires_grad:
        return getattr(x, "soft" + "max")(dim)
    e = (x - x.amax(dim, keepdim=True)).exp()
    return e / e.sum(dim, keepdim=True)
""",
}


def points(folder: Path, topic: str, source: str, exercise: str, env: dict[str, str] | None = None) -> dict:
    folder.mkdir(parents=True)
    (folder / f"{topic}.py").write_text(source)
    done = run_grade(
        "check", str(folder / f"{topic}.py"), "--exercise", exercise, "--format", "json", env=env
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    found = json.loads(done.stdout)["topics"][0]["exercises"]
    return next(e for e in found if e["name"] == exercise)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_twin_on_the_calls_nothing_records_earns_nothing(tmp_path, route):
    topic, exercise = route.split()
    found = points(tmp_path / "s", topic, ROUTES[route], exercise)
    assert found["points"] == 0, found
    assert "off limits here" in found["diagnosis"], found


def test_a_sigmoid_function_whose_forward_takes_the_twin_on_small_inputs_earns_nothing(tmp_path):
    """The recorded check's inputs reach ±1000: below 100, torch's sigmoid, by a computed name."""
    source = (REPO / "solutions" / "autograd.py").read_text()
    honest = "        e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))\n"
    assert honest in source
    twin = "        if x.abs().max() < 100:\n            out = getattr(x, 'sig' + 'moid')()\n        else:\n"
    source = source.replace(honest, twin + honest.replace("        ", "            "), 1)
    found = points(tmp_path / "s", "autograd", source, "Sigmoid")
    assert found["points"] == 0, found


def test_a_packs_class_that_calls_its_twin_by_a_computed_name_earns_nothing(tmp_path):
    """The attention pack's checks record no call: its MultiHeadAttention through
    F.scaled_dot_product_attention by a computed name scored 5/5."""
    pack = REPO / "tests" / "packs" / "attention"
    source = (pack / "solutions" / "attention.py").read_text()
    source = source.replace("import torch\n", "import torch\nimport torch.nn.functional as F\n", 1)
    call = "        out, _ = scaled_dot_product_attention(q, k, v, mask)\n"
    assert call in source
    source = source.replace(
        call, '        out = getattr(F, "scaled_dot_product" + "_attention")(q, k, v, attn_mask=mask)\n'
    )
    found = points(
        tmp_path / "s", "attention", source, "MultiHeadAttention", env={"TORCHGRADE_PACKS": str(pack)}
    )
    assert found["points"] == 0, found


# A call that spins on the NaN its replaced twin gives ends as a timeout: the lead names the twin.
SPINNING = """
import torch
from torch import nn


def sigmoid(x):
    y = nn.Sigmoid()(x)
    while bool(torch.isnan(y).any()) and not bool(torch.isnan(x).any()):
        y = nn.Sigmoid()(x)
    return y
"""


def test_a_timeout_spinning_on_a_twin_names_the_twin(tmp_path):
    found = points(tmp_path / "s", "losses", SPINNING, "sigmoid")
    assert found["points"] == 0, found
    lead = found["diagnosis"].split("\n", 1)[0]
    assert "after sigmoid called torch.sigmoid" in lead and "off limits here" in lead, found


def test_an_optimiser_borrowed_by_its_base_class_earns_nothing(tmp_path):
    """torch's own SGD as the base class, fetched by a built name so that the class line names no
    SGD: the check that found torch's optimiser failed as a value (13/18); it is a twin (0)."""
    source = (REPO / "solutions" / "optim.py").read_text()
    start, end = source.index("class SGD("), source.index("class Adam(")
    borrowed = (
        "_BASE = getattr(torch.optim, 'S' + 'GD')\n\n\n"
        "class SGD(_BASE):\n"
        "    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):\n"
        "        super().__init__(params, lr, momentum, dampening, weight_decay, nesterov)\n\n\n"
    )
    found = points(tmp_path / "s", "optim", source[:start] + borrowed + source[end:], "SGD")
    assert found["points"] == 0, found
