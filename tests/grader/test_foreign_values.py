"""Other ecosystems' values where a tensor is asked, named as what they are before any other story:
a (values, indices) pair from ``x.max(dim)`` (PyTorch's own, NumPy's ``max`` returns values),
NumPy's functions, arrays and scalars. Torch's words name them where they can (its TypeError
names ``torch.return_types.max``; only NumPy has no bfloat16); elsewhere the learner's line does
(a pair compared with ``==`` is a bool, whose AttributeError names neither). Seen failing on the
branch's start: the TypeError with no hint, the comparison told "'bool' object has no attribute
'float'" alone, and `np.maximum(x, 0)` led with a bfloat16 dtype story and float32 makers."""

from __future__ import annotations

import pytest
import torch

from grader.checks.hints.blamed import line_lines
from grader.checks.verdict.error_types import error_cause, error_hint
from grader.sandboxed.blame import blame

pytestmark = pytest.mark.unit


def test_torchs_words_that_name_the_pair_are_told_the_pair():
    for words in (
        "unsupported operand type(s) for -: 'Tensor' and 'torch.return_types.max'",
        "'torch.return_types.max' object has no attribute 'float'",
        "expected Tensor as element 0 in argument 0, but got torch.return_types.min",
    ):
        assert error_cause("TypeError", words) == "error:values-indices", words
        assert "(values, indices)" in error_hint(words, "accuracy"), words


def test_numpys_missing_bfloat16_names_numpy_not_the_dtype():
    words = "TypeError: Got unsupported ScalarType BFloat16"
    assert error_cause("TypeError", words) == "error:numpy"
    said = error_hint(words, "relu")
    assert "NumPy" in said and "float32" not in said, said


def _raised(tmp_path, source: str, call: str) -> dict:
    """What the worker finds of the learner's line that raised (grader/sandboxed/blame.py)."""
    path = tmp_path / "learner.py"
    path.write_text(source)
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)
    try:
        eval(call, namespace)
    except Exception as exc:
        return blame(exc, str(tmp_path))["line"]
    raise AssertionError("it did not raise")


def test_a_pair_compared_on_the_line_is_named_with_its_hint(tmp_path):
    source = (
        "def accuracy(y_hat, y):\n"
        "    predicted = y_hat.max(dim=1)\n"
        "    return (predicted == y).float().mean().item()\n"
    )
    line = _raised(
        tmp_path, source, "accuracy(__import__('torch').randn(4, 2), __import__('torch').zeros(4))"
    )
    told = "\n".join(line_lines(line, "'bool' object has no attribute 'float'"))
    assert "predicted" in told and "torch.return_types.max" in told, told
    assert "(values, indices)" in told.split("hint: ", 1)[1], told


def test_a_numpy_function_on_the_line_is_named_as_numpys(tmp_path):
    source = "import numpy as np\ndef relu(x):\n    return np.maximum(x, 0)\n"
    line = _raised(tmp_path, source, "relu(__import__('torch').ones(3, requires_grad=True))")
    told = "\n".join(line_lines(line, "Can't call numpy() on Tensor that requires grad."))
    assert "np.maximum" in told and "NumPy" in told.split("hint: ", 1)[1], told
    assert "detach" not in told  # a detached copy would cut the gradient the check asks for


def test_a_line_of_tensors_alone_names_nothing_foreign(tmp_path):
    source = "def f(x):\n    return x.view(-1, 7)\n"
    line = _raised(tmp_path, source, "f(__import__('torch').ones(3, 4))")
    told = "\n".join(line_lines(line, "shape '[-1, 7]' is invalid for input of size 12"))
    assert "NumPy" not in told and "values, indices" not in told, told
    assert torch.ones(1).shape  # torch imported for the learner's file


def test_a_reduction_over_the_wrong_dims_is_named_by_its_dims():
    """SimpleCNN pooling with mean(dim=(1, 2)) over (N, C, H, W): the channels averaged away, W
    kept, and Linear(32) gets (2, 2). Told its dims and what they are of a feature map, not that
    its linear layer was sized for one image (seen failing: "pool to 1×1 before flattening")."""
    from grader.checks.hints.blamed import lines

    error = {
        "message": "mat1 and mat2 shapes cannot be multiplied (2x2 and 32x10)",
        "layer": {
            "name": "classifier",
            "model": "SimpleCNN",
            "type": "Linear",
            "settings": {"in_features": 32, "out_features": 10},
            "input": [[2, 2], "float32", "cpu"],
            "weight": [[10, 32], "float32", "cpu"],
        },
        "line": {"code": "return self.classifier(self.features(x).mean(dim=(1, 2)))", "operands": []},
    }
    told = "\n".join(lines(error))
    assert "dim=(1, 2)" in told and "C" in told.split("hint: ", 1)[1], told
    # pooled over H and W, a wrong size has another cause: no word of dims
    error["line"]["code"] = "return self.classifier(self.features(x).mean(dim=(2, 3)))"
    error["layer"]["input"] = [[2, 16], "float32", "cpu"]
    assert "hint: " not in "\n".join(lines(error))
