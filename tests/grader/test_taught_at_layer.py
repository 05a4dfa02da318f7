"""Errors taught at their layer: where torch raised under the learner's code (the layer of the
learner's model with its configuration, the input it got and what it expects, or the learner's
line with its operands' shapes: grader/sandboxed/blame.py, worded by grader/checks/hints/blamed.py),
and a concept hint for torch's common errors (grader/checks/verdict/exercises.py's ERROR_HINTS).

The unit tests run the mistakes in this process, compiled under a submission's folder as the
worker does; the e2e test grades two of them through ``grade``.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import torch
from helpers import REPO, run_grade

from grader.checks.hints import blamed
from grader.checks.verdict.error_types import error_hint
from grader.sandboxed.blame import blame

FOLDER = "/submission"

SIMPLE_CNN_28 = """
import torch
from torch import nn

class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(16 * 4 * 4, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))

def run():
    return SimpleCNN()(torch.randn(2, 1, 8, 8))
"""

INCEPTION_CAT_0 = """
import torch
from torch import nn

class InceptionA(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, 1)
        self.branch_pool = nn.Conv2d(in_channels, 24, 1)

    def forward(self, x):
        b1x1 = self.branch1x1(x)
        bpool = self.branch_pool(x)
        return torch.cat([b1x1, bpool], dim=0)

def run():
    return InceptionA(3)(torch.randn(2, 3, 8, 8))
"""

BACKWARD_ON_A_VECTOR = """
import torch

def run():
    x = torch.randn(5, requires_grad=True)
    y = x * x
    y.backward()
"""

CUDA = """
import torch

def run():
    x = torch.randn(4)
    return x.cuda() * 2
"""

LINEAR_WRONG_SIZE = """
import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(6, 2))

    def forward(self, x):
        return self.body(x)

def run():
    return Net()(torch.randn(3, 4))
"""


def raised(source: str, name: str = "mistake") -> tuple[BaseException, dict]:
    """Run ``source``'s run() as the worker runs submitted code; the exception and its blame."""
    code = compile(textwrap.dedent(source), f"{FOLDER}/{name}.py", "exec")
    import linecache

    linecache.cache[f"{FOLDER}/{name}.py"] = (
        len(source),
        None,
        source.splitlines(True),
        f"{FOLDER}/{name}.py",
    )
    namespace: dict = {}
    exec(code, namespace)
    with pytest.raises(Exception) as caught:
        namespace["run"]()
    return caught.value, blame(caught.value, FOLDER)


def taught(source: str) -> tuple[str, str]:
    """(the lines the report adds under torch's message, the concept hint)."""
    exc, found = raised(source)
    return "\n".join(blamed.lines(found)), error_hint(str(exc))


@pytest.mark.unit
def test_simple_cnn_sized_for_28_names_the_layer_its_input_and_what_it_expects():
    lines, hint = taught(SIMPLE_CNN_28)
    assert "SimpleCNN.features.3 = Conv2d(in_channels=6, out_channels=16, kernel_size=(5, 5)" in lines
    assert "its input: (2, 6, 2, 2) float32" in lines
    assert "(N, 6, H, W), each of H, W at least the kernel's 5 × 5 after a padding of 0" in lines
    # a convolution given less than its kernel: padding or fewer poolings; no pooling of the
    # linear layer's input helps a layer before it (blind set b8: misleading)
    assert "pad the convolutions" in hint and "pool less" in hint and "global average pooling" not in hint


@pytest.mark.unit
def test_inception_cat_on_dim_0_names_the_line_and_the_branches_shapes():
    lines, hint = taught(INCEPTION_CAT_0)
    assert lines == "on that line: b1x1 (2, 16, 8, 8) float32; bpool (2, 24, 8, 8) float32"
    assert "along the channels, dim=1" in hint and "dim=0" in hint


@pytest.mark.unit
def test_backward_on_a_vector_names_the_line_and_a_hint():
    exc, found = raised(BACKWARD_ON_A_VECTOR)
    assert found["line"]["code"] == "y.backward()"
    assert "\n".join(blamed.lines(found)) == "on that line: y (5,) float32"
    assert "y.sum().backward()" in error_hint(str(exc))


@pytest.mark.unit
def test_cuda_on_a_machine_without_it_names_the_line_and_a_hint():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    exc, found = raised(CUDA)
    assert found["line"]["code"] == "return x.cuda() * 2"
    assert "\n".join(blamed.lines(found)) == "on that line: x (4,) float32"
    assert "never hard-code .cuda()" in error_hint(str(exc))


@pytest.mark.unit
def test_a_linear_layer_of_the_wrong_size_is_named_with_its_in_features():
    lines, _ = taught(LINEAR_WRONG_SIZE)
    assert "Net.body.2 = Linear(in_features=6, out_features=2)" in lines
    assert "its input: (3, 8) float32" in lines
    assert "(…, 6): the last dimension is in_features" in lines


@pytest.mark.unit
def test_a_dtype_mismatch_shows_the_weight_beside_the_input():
    source = LINEAR_WRONG_SIZE.replace("nn.Linear(6, 2)", "nn.Linear(8, 2)").replace(
        "torch.randn(3, 4)", "torch.randn(3, 4, dtype=torch.float64)"
    )
    lines, hint = taught(source)
    assert "Net.body.0 = Linear(in_features=4, out_features=8)" in lines
    assert "its weight: (8, 4) float32" in lines
    assert "dtypes" in hint or "dtype" in hint


COMMON = {
    "a leaf Variable that requires grad is being used in an in-place operation.": "torch.no_grad",
    "mat1 and mat2 must have the same dtype, but got Double and Float": "dtype",
    "expected target dtype to be Long or Byte, but got Float": "torch.long",
    "Sizes of tensors must match except in dimension 1. Expected size 3 but got size 4": "dim=1",
    "view size is not compatible with input tensor's size and stride (at least one ...)": ".reshape",
    "shape '[7]' is invalid for input of size 6": "-1",
    "Trying to backward through the graph a second time (or directly access saved tensors": "again",
    "Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 1, 8, 8] to have 3 channels, "
    "but got 1 channels instead": "in_channels",
}


@pytest.mark.unit
@pytest.mark.parametrize("message", COMMON)
def test_torchs_common_errors_each_get_a_concept_hint(message):
    assert COMMON[message] in error_hint(message)


@pytest.mark.unit
def test_what_the_worker_sends_is_checked_before_it_is_shown():
    odd = {"layer": {"type": "Conv2d\x1b[31m", "settings": {"kernel_size": "x" * 5}, "input": [["a"], 1, 2]}}
    shown = "\n".join(blamed.lines(odd))
    assert "\x1b" not in shown and "its input" not in shown
    assert blamed.lines({"line": {"operands": [["x", [[1, "2"], "float32", "cpu"]], 7]}}) == []
    assert blamed.lines({"layer": 3, "line": "no"}) == []


@pytest.mark.e2e
def test_the_report_teaches_the_layer_and_the_line(tmp_path: Path):
    solutions = REPO / "solutions"
    cnn = (solutions / "cnn.py").read_text()
    start, end = cnn.index("        self.features = nn.Sequential("), cnn.index("    def forward")
    cnn = (
        cnn[:start]
        + textwrap.indent(
            textwrap.dedent(SIMPLE_CNN_28.split("super().__init__()\n")[1].split("    def forward")[0]),
            " " * 8,
        )
        + "\n"
        + cnn[end:]
    )
    (tmp_path / "cnn.py").write_text(cnn)
    inception = (solutions / "inception.py").read_text().replace("bpool], dim=1)", "bpool], dim=0)")
    (tmp_path / "inception.py").write_text(inception)
    done = run_grade(str(tmp_path), "--topic", "cnn", "--topic", "inception", "--format", "json")
    report = json.loads(done.stdout)
    diagnoses = {e["name"]: e["diagnosis"] for t in report["topics"] for e in t["exercises"]}
    assert "the layer that raised: SimpleCNN.features.3 = Conv2d(" in diagnoses["SimpleCNN"]
    assert "hint: each convolution and pooling shrinks the image" in diagnoses["SimpleCNN"]
    assert "on that line: b1x1 (2, 16, 8, 8) float32; b5x5 (2, 24, 8, 8) float32" in diagnoses["InceptionA"]
    assert "hint: torch.cat joins along dim=0" in diagnoses["InceptionA"]


@pytest.mark.unit
@pytest.mark.parametrize("topic", sorted(p.stem for p in (REPO / "exercises").glob("*.py")))
def test_every_stub_imports_torch_and_what_its_docstrings_name(topic):
    """A learner's first attempt (torch.cat, F.unfold, np.loadtxt as the docstring says) must not
    end in a NameError: every module alias the docstrings' code spans name is bound."""
    import ast
    import re

    tree = ast.parse((REPO / "exercises" / f"{topic}.py").read_text(encoding="utf-8"))
    spans = " ".join(
        " ".join(re.findall(r"``(.+?)``", ast.get_docstring(node) or "", re.S))
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
    )
    bound = {
        alias.asname or alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    named = set(re.findall(r"(?<![\w.])(torch|nn|F|math|np)\.\w", spans)) | {"torch"}
    assert named <= bound, f"exercises/{topic}.py: {sorted(named - bound)} not imported"
