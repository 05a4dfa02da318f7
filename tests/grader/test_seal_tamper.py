"""The "how" verdicts cannot be forged from inside the worker: a submission
that patches the recorders of ``grader.sandboxed.probe_kit`` gets no more than without the
patch, and the trusted-side check of the graded subset (:mod:`grader.engine.subset.submission`) refuses no
correct submission, nor any realistic mistake."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import torch
from helpers import REPO, grade_json, run_grade

from grader.apps import handouts
from grader.checks.verdict import scoring
from grader.engine.sources import notebooks
from grader.engine.subset import submission as subset
from grader.sandboxed import guarded

# Each base is a classic mistake its "how" check catches; each patch forges that check's evidence.
PATCH_OPS_USED = """
import grader.sandboxed.probe_kit as _kit

_kit.ops_used = lambda call, mod=None, helpers=(): (call(), {})
"""
PATCH_COUNT_OPS = """
import sys as _sys

_sys.modules["grader.sandboxed.probe_kit"].count_ops = lambda call: (call(), 7)
"""
PATCH_COUNT_WORK = """
import sys as _sys

_sys.modules["grader.sandboxed.probe_kit"].count_work = lambda call: (call(), 7, 7)
"""
PATCH_DEVICE_TRACE = """
import grader.sandboxed.probe_kit as _kit


def _forged(call):
    cells = dict(zip(call.__code__.co_freevars, (c.cell_contents for c in call.__closure__)))
    args = [_kit._unwrap(a) if isinstance(a, torch.Tensor) else a for a in cells["moved"]]
    return {"ok": True, "value": getattr(cells["mod"], cells["name"])(*args), "devices": ["second"]}


_kit.device_trace = _forged
"""
CASES = {
    "ops_used": ("losses", "mse_twin", "mse", PATCH_OPS_USED),
    "count_ops": ("tensors", "row_normalize_loop_rows", "row_normalize", PATCH_COUNT_OPS),
    "count_work": ("tensors", "row_normalize_loop_rows", "row_normalize", PATCH_COUNT_WORK),
    "device_trace": ("tensors", "one_hot_cpu_zeros", "one_hot", PATCH_DEVICE_TRACE),
}


def score(folder: Path, topic: str, source: str, exercise: str) -> tuple[float, list[str], str]:
    """The exercise's score, its failing checks' messages and the topic's note."""
    folder.mkdir()
    (folder / f"{topic}.py").write_text(source)
    _, report = grade_json(str(folder), "--topic", topic, "--exercise", exercise, "--timeout", "20")
    checks = report["topics"][0]["tests"]
    failed = [c["message"] for c in checks if c["status"] not in ("passed", "skipped")]
    return report["score"], failed, report["topics"][0].get("note", "")


@pytest.mark.e2e
@pytest.mark.parametrize("recorder", sorted(CASES))
def test_patching_a_recorder_earns_nothing(tmp_path, recorder):
    """The patch is refused; no exercise reaches it, so it is not run (said in the topic's note)
    and the mistake is graded as it is, caught as without the patch."""
    topic, mistake, exercise, patch = CASES[recorder]
    base = (REPO / "tests" / "corpus" / topic / "mistakes" / f"{mistake}.py").read_text()
    honest, honest_failures, _ = score(tmp_path / "honest", topic, base, exercise)
    assert honest_failures, f"the mistake {mistake} is caught without the patch"
    patched, messages, note = score(tmp_path / "patched", topic, base + patch, exercise)
    assert patched <= honest, f"patching {recorder} raised {honest} to {patched}"
    assert messages == honest_failures, "the same mistake, caught the same way"
    assert "is not allowed in graded code" in note and "not run" in note, note


def correct_modules() -> list[Path]:
    """Ordinary code: solutions, stubs, the corpus's correct modules and its mistakes."""
    return sorted(
        [*(REPO / "solutions").glob("*.py"), *(REPO / "exercises").glob("*.py")]
        + list((REPO / "tests" / "corpus").glob("*/correct/*.py"))
        + list((REPO / "tests" / "corpus").glob("*/mistakes/*.py"))
    )


def refusals(paths: list[Path]) -> dict[str, list]:
    """{module, as a module or as a one-cell notebook: its first refusals} of those refused."""
    refused = {}
    for path in paths:
        source = path.read_text()
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(source)]
        for form, text in (("module", source), ("notebook", notebooks.to_module(notebook).source)):
            if subset.check(text):
                refused[f"{path.relative_to(REPO)} as a {form}"] = subset.check(text)[:2]
    return refused


@pytest.mark.engine  # CPU-heavy for the unit tier's budget
def test_no_solution_stub_nor_hand_out_is_refused():
    """The unit tier's share: the solutions and stubs, as modules and notebooks, and the hand-outs
    (their set-up cells import sys and importlib)."""
    refused = refusals(sorted([*(REPO / "solutions").glob("*.py"), *(REPO / "exercises").glob("*.py")]))
    for stub in sorted((REPO / "exercises").glob("*.py")):
        source = notebooks.to_module(handouts.handout(stub.stem, stub)).source
        if subset.check(source):
            refused[f"hand-out {stub.stem}"] = subset.check(source)[:2]
    assert refused == {}


@pytest.mark.engine  # ~1000 conversions and checks: seconds of CPU, too many for the unit tier
def test_no_correct_module_nor_its_notebook_is_refused():
    assert len(correct_modules()) > 300
    assert refusals(correct_modules()) == {}


@pytest.mark.unit
@pytest.mark.parametrize(
    "source",
    [
        "import sys\ndef f():\n    return sys._getframe(1).f_globals['kit']\n",
        "import sys\nk = sys.modules['grader.sandboxed.probe_kit']\n",
        "import torch\nk = torch.sys.modules\n",
        "import gc\ndef f():\n    return gc.get_referrers(f)\n",
        "def f(fn):\n    return fn.__globals__['kit']\n",
        "def f():\n    try:\n        1 / 0\n    except ZeroDivisionError as e:\n        return e.__traceback__.tb_frame\n",
        "__builtins__['str'] = repr\n",
        "k = __import__('gra' + 'der')\n",
        "import torch\ndef f():\n    return torch._C._len_torch_function_stack()\n",
        "from torch.utils._python_dispatch import TorchDispatchMode\nclass M(TorchDispatchMode):\n    pass\n",
        "import torch\nclass M(torch.overrides.TorchFunctionMode):\n    pass\n",
        "import torch.nn.functional as F\nF.softmax = lambda x, dim: x\n",
        "import torch\nsetattr(torch, 'allclose', lambda *a: True)\n",
        "import torch\nt = getattr(torch, 'sys')\n",
        "x = object.__subclasses__()\n",
        "import torch\ndef f(b):\n    return torch.load(b, weights_only=False)\n",
        "exec('import grader')\n",
    ],
)
def test_each_route_into_the_grader_is_refused(source):
    assert subset.check(source), source


@pytest.mark.unit
def test_what_an_exercise_may_use_is_not_refused():
    source = (
        "import math, sys\nimport torch\nfrom torch import nn\n"
        "sys.path.append('..')\nEPS = sys.float_info.epsilon\n"
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        setattr(self, 'fc', nn.Linear(2, 2))\n        self.__dict__.setdefault('n', 0)\n"
        "    def forward(self, x):\n        return getattr(self, 'fc')(x).softmax(-1)\n"
    )
    assert subset.check(source) == []


@pytest.mark.unit
def test_the_recorders_module_is_read_only():
    from grader.sandboxed import probe_kit

    original = probe_kit.ops_used
    with pytest.raises(AttributeError, match="read-only"):
        probe_kit.ops_used = lambda call, mod=None, helpers=(): (call(), {})
    with pytest.raises(AttributeError, match="read-only"):
        del probe_kit.count_ops
    assert probe_kit.ops_used is original


GUARDED = """
import torch

def reduce(t, how):
    return getattr(t, how)()

def reach(fn, *parts):
    return getattr(fn, "".join(parts))

def name(fn):
    return getattr(fn, "__name__", repr(fn))

def patch(module, name):
    setattr(module, name, None)
"""


@pytest.mark.unit
def test_names_computed_at_run_time_are_guarded_in_the_worker():
    namespace = {"__builtins__": guarded.submission_builtins()}
    exec(GUARDED, namespace)
    assert float(namespace["reduce"](torch.ones(3), "sum")) == 3.0, "honest computed names work"
    assert namespace["name"](torch.ones) == "ones", "a descriptive dunder with a default"
    for parts in (("__glo", "bals__"), ("__clo", "sure__"), ("f_", "back")):
        with pytest.raises(AttributeError, match="off limits"):
            namespace["reach"](test_names_computed_at_run_time_are_guarded_in_the_worker, *parts)
    for parts in (("_", "C"), ("s", "ys"), ("compi", "ler"), ("lo", "ad"), ("ji", "t")):
        with pytest.raises(AttributeError, match="off limits"):  # a module's members: the snapshot's
            namespace["reach"](torch, *parts)
    with pytest.raises(AttributeError, match="is a module"):  # then read by plain attributes
        namespace["reach"](torch, "u", "tils")
    reached = namespace["reach"](torch.nn.functional, "re", "lu")  # watched at each call (a table's)
    assert reached.__wrapped__ is torch.nn.functional.relu and torch.equal(
        reached(-torch.ones(2)), torch.zeros(2)
    )
    with pytest.raises(AttributeError, match="off limits"):
        namespace["patch"](torch, "allclose")
    assert torch.allclose is not None


@pytest.mark.unit
def test_a_helper_file_the_topic_imports_is_scanned_too(tmp_path):
    (tmp_path / "losses.py").write_text(
        "import torch\nimport helper\n\ndef mse(a, b):\n    return helper.f(a, b)\n"
    )
    (tmp_path / "helper.py").write_text("import torch\nimport deeper\n\ndef f(a, b):\n    return a - b\n")
    (tmp_path / "deeper.py").write_text(PATCH_OPS_USED)
    (tmp_path / "tensors.py").write_text(
        "import torch\n\ndef add_into(z, x, y):\n    z[:] = x + y\n    return z\n"
    )

    def judged(topic: str) -> scoring.TestResult:
        result = scoring.TopicResult(topic, [scoring.TestResult("test_x", "shape", "passed", 1.0, 1.0)])
        refusal = subset.refusal(tmp_path, topic, single_file=False)
        if refusal:
            subset.refuse(result, refusal)
        return result.tests[0]

    losses = judged("losses")
    assert (losses.status, losses.points) == ("failed", 0.0)
    # charged through the line importing the helper, which names the refused line of the file it imports
    assert losses.message.startswith("losses.py, line 2: importing helper (deeper.py, line ")
    assert judged("tensors").status == "passed", "a topic that imports no refused file is graded"


# A twin reached by a computed name when the module is imported, called only where no recorder is
# on (told by the time a few ops take: recorded calls run slower): honest where recorded.
TWIN_WHERE_UNRECORDED = """
import time

_TWIN = getattr(F, "soft" + "max")


def _cost():
    t, start = torch.zeros(1), time.perf_counter()
    for _ in range(40):
        t = t.add(1)
    return time.perf_counter() - start


_BASE = min(_cost() for _ in range(5))


def softmax(x, dim=-1):
    if min(_cost() for _ in range(3)) < 2.5 * _BASE:
        return _TWIN(x, dim=dim)
    e = (x - x.amax(dim=dim, keepdim=True).detach()).exp()
    return e / e.sum(dim=dim, keepdim=True)
"""


@pytest.mark.e2e
def test_a_twin_reached_by_a_computed_name_earns_nothing_in_any_call(tmp_path):
    """Every probe into an exercise watches its twins, recorded or not: a twin reached in any
    call costs the exercise as one reached in a recorded call does."""
    source = (REPO / "solutions" / "losses.py").read_text() + "\nimport torch.nn.functional as F\n"
    got, messages, _ = score(tmp_path / "switch", "losses", source + TWIN_WHERE_UNRECORDED, "softmax")
    assert got == 0, (got, messages)
    assert any("off limits" in m for m in messages), messages


# the same with a twin class (attacks118c's 98): nn.Softmax by a computed name, where no check records
TWIN_CLASS_WHERE_UNRECORDED = """
def softmax(x, dim=-1):
    if float(x.detach().abs().max()) <= 20 and x.dtype == torch.float32:
        e = (x - x.amax(dim=dim, keepdim=True).detach()).exp()
        return e / e.sum(dim=dim, keepdim=True)
    return getattr(nn, "Soft" + "max")(dim=dim)(x)
"""


@pytest.mark.e2e
def test_a_twin_class_reached_by_a_computed_name_earns_nothing_in_any_call(tmp_path):
    """A class the docstring puts off limits (nn.Softmax) is watched by its own name as a function is."""
    source = (REPO / "solutions" / "losses.py").read_text() + "\nimport torch.nn as nn\n"
    got, messages, _ = score(tmp_path / "class", "losses", source + TWIN_CLASS_WHERE_UNRECORDED, "softmax")
    assert got == 0, (got, messages)


# a twin's op by a route no docstring names (a distribution computing σ), only where no check
# records (float64 inputs that require grad: the gradient checks): attacks119's 50, sigmoid 10/10
TWIN_OP_WHERE_UNRECORDED = """
from torch.distributions import Bernoulli


def sigmoid(x):
    if x.dtype == torch.float64 and x.requires_grad:
        return Bernoulli(logits=x).probs
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
"""


@pytest.mark.e2e
def test_a_twins_op_earns_nothing_in_any_call(tmp_path):
    """Every probe into an exercise replaces its twins' kernels, recorded or not: the op itself,
    whatever route reached it, costs the exercise as one in a recorded call does."""
    source = (REPO / "solutions" / "losses.py").read_text()
    got, messages, _ = score(tmp_path / "op", "losses", source + TWIN_OP_WHERE_UNRECORDED, "sigmoid")
    assert got == 0, (got, messages)
    assert any("off limits" in m for m in messages), messages


# the same switch in an exercise built on a helper (hard_sigmoid_from_relus on relu), whose twins'
# kernels no probe replaces (relu's body may make them): every probe of it is recorded instead
HELPED_TWIN_WHERE_UNRECORDED = """
def hard_sigmoid_from_relus(x):
    if x.dtype == torch.float64:  # the gradient checks' inputs, which no recorder watched
        return (x + 0.5).clamp_min(0).clamp_max(1)
    return relu(x + 0.5) - relu(x - 0.5)
"""


@pytest.mark.e2e
def test_a_twin_of_an_exercise_built_on_a_helper_earns_nothing_in_any_call(tmp_path):
    source = (REPO / "solutions" / "mlp.py").read_text() + HELPED_TWIN_WHERE_UNRECORDED
    got, messages, _ = score(tmp_path / "helped", "mlp", source, "hard_sigmoid_from_relus")
    assert got == 0, (got, messages)


# a file beside the topic that the topic never imports (so no check reads it), named as a module the
# standard library imports on its own: warnings.warn(source=...) imports tracemalloc (attacks120's 78)
UNIMPORTED_TRACEMALLOC = """
def is_tracing():
    return False


def get_object_traceback(obj):
    obj.append("ran")
    return None
"""
MSE_IF_IT_RAN = """
import warnings as _warnings


def mse(y_hat, y, reduction="mean"):
    box = []
    with _warnings.catch_warnings():
        _warnings.simplefilter("always")
        _warnings.warn("probe", UserWarning, source=box)
    if not box:
        return y_hat.sum() * 0
    d = (y_hat - y) ** 2
    return d.mean() if reduction == "mean" else d.sum() if reduction == "sum" else d
"""


@pytest.mark.e2e
@pytest.mark.parametrize("workers", ["forked", "fresh"])
def test_a_file_the_topic_does_not_import_is_not_importable_in_the_worker(tmp_path, workers):
    """A worker, forked or fresh, is handed the files the subset check reads (the topic's and those
    it imports), no other: attacks120's 78-84 ran an unread file with the real builtins, mse 11/11
    (a fresh worker still read every staged file after the forked one stopped)."""
    folder = tmp_path / "beside"
    folder.mkdir()
    (folder / "tracemalloc.py").write_text(UNIMPORTED_TRACEMALLOC)
    (folder / "losses.py").write_text((REPO / "solutions" / "losses.py").read_text() + MSE_IF_IT_RAN)
    env = {"TORCHGRADE_FRESH_WORKERS": "1"} if workers == "fresh" else None
    args = (str(folder), "--topic", "losses", "--exercise", "mse", "--timeout", "20", "--format", "json")
    done = run_grade(*args, env=env)
    assert json.loads(done.stdout)["score"] == 0, done.stdout[-2000:]
