""" "How" verdicts from evidence the submission cannot shape: each attack scores below full (or
nothing), each held-back correct variant full. Routes the subset refuses are graded here with
the subset unchecked (``subset.UNCHECKED``): the verdict must hold even if one got through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REPO, run_grade

from grader.engine.subset import submission as subset

pytestmark = pytest.mark.e2e


def graded(folder: Path, topic: str, source: str, unchecked: bool = False) -> dict:
    """The report's topic when ``source`` is graded as ``topic``."""
    folder.mkdir(parents=True)
    (folder / f"{topic}.py").write_text(source)
    done = run_grade(
        str(folder), "--topic", topic, "--format", "json", "--timeout", "30",
        env={subset.UNCHECKED: "1"} if unchecked else None,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads(done.stdout)["topics"][0]


def exercise_points(folder: Path, topic: str, source: str, exercise: str, unchecked: bool = False) -> float:
    """``exercise``'s points when ``source`` is graded as ``topic``."""
    (found,) = [e for e in graded(folder, topic, source, unchecked)["exercises"] if e["name"] == exercise]
    return found["points"]


def with_function(topic: str, name: str, body: str) -> str:
    """The reference solution of ``topic`` with ``name`` written as ``body`` instead."""
    source = (REPO / "solutions" / f"{topic}.py").read_text()
    start = source.index(f"\ndef {name}(") + 1
    end = source.find("\ndef ", start + 1)
    end = source.find("\nclass ", start + 1) if end < 0 else end
    return source[:start] + body.strip() + "\n\n" + (source[end:] if end >= 0 else "")


# -- the off-limits twin, replaced at the dispatcher ---------------------------------------------

SOFTMAX_ROUTES = {
    "F.softmax": "def softmax(x, dim=-1):\n    return F.softmax(x, dim=dim)\n",
    "Tensor.softmax": "def softmax(x, dim=-1):\n    return x.softmax(dim)\n",
    "captured": "_soft = torch.softmax\n\n\ndef softmax(x, dim=-1):\n    return _soft(x, dim)\n",
    # the twin in a thread torch starts in C++, where the thread-local recorders see nothing
    "throughput_benchmark": """
from torch.utils import throughput_benchmark


class _Soft(torch.nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim
        self.out = None

    def forward(self, x):
        self.out = torch.softmax(x, self.dim)
        return self.out


def softmax(x, dim=-1):
    module = _Soft(dim)
    bench = throughput_benchmark.ThroughputBenchmark(module)
    bench.add_input(x)
    bench.benchmark(num_calling_threads=1, num_warmup_iters=0, num_iters=1)
    return module.out
""",
}


@pytest.mark.parametrize("route", sorted(SOFTMAX_ROUTES))
def test_softmax_through_its_twin_earns_nothing(tmp_path, route):
    source = with_function("losses", "softmax", SOFTMAX_ROUTES[route])
    if "import torch.nn.functional as F" not in source:
        source = source.replace("import torch\n", "import torch\nimport torch.nn.functional as F\n", 1)
    assert exercise_points(tmp_path / "s", "losses", source, "softmax", unchecked=True) == 0


def test_softmax_written_out_is_full(tmp_path):
    body = "def softmax(x, dim=-1):\n    e = (x - x.amax(dim, keepdim=True)).exp()\n    return e / e.sum(dim, keepdim=True)\n"
    source = with_function("losses", "softmax", body)
    assert exercise_points(tmp_path / "s", "losses", source, "softmax") == pytest.approx(
        exercise_points(tmp_path / "ref", "losses", (REPO / "solutions" / "losses.py").read_text(), "softmax")
    )


def test_a_twin_the_docstring_does_not_name_is_told_as_a_twin_within_the_probes_limits(tmp_path):
    """At the default limits (no ``--timeout``), in a zygote started without sympy (a fresh ``grade``
    process, as a learner runs it; the test helper's warm parent starts it with): the replaced op
    raised at once in the probe's thread instead of shaping NaN by its meta kernel, which imported
    sympy (~0.3 s of CPU, past the probe's 0.25 s): the twin was told as "reached its CPU limit"."""
    body = "def softmax(x, dim=-1):\n    return torch.special.softmax(x, dim)\n"
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "losses.py").write_text(with_function("losses", "softmax", body))
    done = run_grade(
        str(folder), "--topic", "losses", "--exercise", "softmax", "--format", "json", fresh=True
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    (found,) = [e for e in json.loads(done.stdout)["topics"][0]["exercises"] if e["name"] == "softmax"]
    assert found["points"] == 0
    assert "off-limits function" in found["diagnosis"].splitlines()[0], found["diagnosis"]
    assert "CPU limit" not in found["diagnosis"], found["diagnosis"]


# -- gradient checks pay only with the values right ------------------------------------------------


def test_a_function_with_a_zeros_forward_and_the_exact_backward_earns_nothing(tmp_path):
    source = (REPO / "solutions" / "autograd.py").read_text()
    forward_end = "        ctx.save_for_backward(out)\n        return out\n"
    assert forward_end in source
    source = source.replace(
        forward_end, "        ctx.save_for_backward(out)\n        return torch.zeros_like(x)\n"
    )
    assert exercise_points(tmp_path / "g", "autograd", source, "Sigmoid") == 0


LOSSES_SIGMOID = """
class _Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        e = torch.exp(-x.abs())
        ctx.save_for_backward(torch.where(x >= 0, 1 / (1 + e), e / (1 + e)))
        return torch.zeros_like(x)

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


def sigmoid(x):
    return _Sigmoid.apply(x)
"""


def test_a_sigmoid_with_a_zeros_forward_and_the_exact_backward_earns_nothing(tmp_path):
    source = with_function("losses", "sigmoid", LOSSES_SIGMOID)
    assert exercise_points(tmp_path / "g", "losses", source, "sigmoid") == 0


# -- "vectorised" by cost read outside the worker --------------------------------------------------

LOOPS = {
    # Python floats: no aten op is dispatched in the loop, so the op counts stay flat
    "row_normalize_tolist": (
        "row_normalize",
        """
def row_normalize(x):
    rows = x.tolist()
    out = []
    for row in rows:
        total = 0.0
        for v in row:
            total += v
        out.append([v / total for v in row])
    return torch.tensor(out, dtype=x.dtype, device=x.device)
""",
    ),
    "row_normalize_per_row": (
        "row_normalize",
        """
def row_normalize(x):
    return torch.stack([row / row.sum() for row in x])
""",
    ),
    "matmul_tolist": (
        "matmul",
        """
def matmul(a, b):
    left, right = a.tolist(), b.tolist()
    columns = list(zip(*right))
    rows = []
    for row in left:
        out = []
        for column in columns:
            total = 0.0
            for u, v in zip(row, column):
                total += u * v
            out.append(total)
        rows.append(out)
    return torch.tensor(rows, dtype=a.dtype, device=a.device).reshape(a.shape[0], b.shape[1])
""",
    ),
    # the loop in a thread torch starts in C++, where the thread-local op counter sees nothing
    "row_normalize_throughput_benchmark": (
        "row_normalize",
        """
from torch.utils import throughput_benchmark


class _Rows(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, x):
        self.out = torch.stack([row / row.sum() for row in x])
        return self.out


def row_normalize(x):
    module = _Rows()
    bench = throughput_benchmark.ThroughputBenchmark(module)
    bench.add_input(x)
    bench.benchmark(num_calling_threads=1, num_warmup_iters=0, num_iters=1)
    return module.out
""",
    ),
}


@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_a_python_loop_is_not_vectorised(tmp_path, loop):
    name, body = LOOPS[loop]
    topic = graded(tmp_path / "s", "tensors", with_function("tensors", name, body), unchecked=True)
    statuses = {t["id"]: t["status"] for t in topic["tests"]}
    # "error" where the kernel refuses the thread a C++ benchmark would start: no points either way
    assert statuses[f"vectorised[{name}]"] in ("failed", "error"), statuses


# -- the device clause on a stand-in graded code cannot tell by its name -----------------------------

DEVICE_BY_NAME = {
    # builds on the input's device only when it sees the stand-in's name: on a GPU, a CPU arange
    "device.type": "classes = torch.arange(num_classes, device=labels.device if labels.device.type == 'meta' else None)",
    "is_meta": "classes = torch.arange(num_classes, device=labels.device if labels.is_meta else None)",
    "str": "classes = torch.arange(num_classes, device=labels.device if 'meta' in str(labels.device) else None)",
    "repr": "classes = torch.arange(num_classes, device=labels.device if 'second' in repr(labels) else None)",
    "class name": "classes = torch.arange(num_classes, device=labels.device if type(labels).__name__ != 'Tensor' else None)",
}


@pytest.mark.parametrize("route", sorted(DEVICE_BY_NAME))
def test_code_that_builds_on_the_device_only_for_the_stand_in_fails_its_device_checks(tmp_path, route):
    source = (REPO / "solutions" / "tensors.py").read_text()
    line = "    classes = torch.arange(num_classes, device=labels.device)\n"
    assert line in source
    topic = graded(tmp_path / "d", "tensors", source.replace(line, f"    {DEVICE_BY_NAME[route]}\n"))
    statuses = {t["id"]: t["status"] for t in topic["tests"]}
    assert statuses["stays_on_input_device[one_hot]"] == "failed", statuses
    assert statuses["stays_on_input_device_public[one_hot]"] == "failed", statuses


def test_an_add_into_that_compares_data_pointers_is_full(tmp_path):
    source = (REPO / "tests" / "corpus" / "tensors" / "correct" / "e52_add_into_data_ptr.py").read_text()
    assert exercise_points(tmp_path / "a", "tensors", source, "add_into") == exercise_points(
        tmp_path / "ref", "tensors", (REPO / "solutions" / "tensors.py").read_text(), "add_into"
    )
