"""Untouched stubs are reported ``not_started`` without a worker; anything that only looks like
a stub (work at import time, in a default argument, a decorator, an annotation...) is graded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench_class import write_class  # tests/bench, put on the path by conftest
from helpers import REPO, grade_json

from grader.engine.stubs import untouched

STUB = (REPO / "exercises" / "losses.py").read_text()
FIRST = 'def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:'


@pytest.mark.unit
def test_every_exercise_stub_is_untouched():
    for path in sorted((REPO / "exercises").glob("*.py")):
        assert untouched(path.read_text(), set()), path.name


@pytest.mark.unit
def test_no_solution_nor_class_submission_counts_as_a_stub(tmp_path):
    written = write_class(tmp_path)
    paths = [
        *(REPO / "solutions").glob("*.py"),
        *(tmp_path / f"{s}_losses.py" for s, kind in written.items() if kind != "stub"),
    ]
    assert [p for p in paths if untouched(p.read_text(), set())] == []


def _entries(node: object) -> list[dict]:
    """Every entry of a manifest that names its folder and what it first met, however nested."""
    if isinstance(node, dict):
        found = [node] if isinstance(node.get("first_met"), dict) and "dir" in node else []
        return found + [e for v in node.values() for e in _entries(v)]
    return [e for v in node for e in _entries(v)] if isinstance(node, list) else []


def _kept_as_stubs() -> set[Path]:
    """The blind batches' modules their manifest records as met ``not_started`` on every target
    (an attack that hands in the stub itself, to ask whether a cache serves it a pass)."""
    kept = set()
    for manifest in (REPO / "tests" / "corpus" / "blind").glob("*/manifest.json"):
        for entry in _entries(json.loads(manifest.read_text())):
            detail = entry["first_met"].get("targets_detail", {})
            if detail and all(d.get("status") == "not_started" for d in detail.values()):
                kept.update((manifest.parent / entry["dir"]).rglob("*.py"))
    return kept


@pytest.mark.engine  # ~500 modules: seconds of CPU, too many for the unit tier
def test_no_corpus_module_counts_as_a_stub_but_those_met_as_one():
    paths = list((REPO / "tests" / "corpus").rglob("*.py"))
    assert len(paths) > 100
    assert {p for p in paths if untouched(p.read_text(), set())} == _kept_as_stubs()


LOOK_ALIKES = {
    "default argument": (FIRST, FIRST.replace('"mean"', '__import__("os").getcwd() and "mean"')),
    "keyword-only default": (FIRST, FIRST.replace('reduction: str = "mean"', '*, reduction=print("x")')),
    "statement at import": ("import torch\n", "import torch\ntorch.manual_seed(1)\n"),
    "assignment at import": ("import torch\n", "import torch\nSCALE = 2\n"),
    "work before the raise": (
        '    raise NotImplementedError("mse: square',
        '    y_hat.add_(1)\n    raise NotImplementedError("mse: square',
    ),
    "raise of a call": ('raise NotImplementedError("mse: square', 'raise NotImplementedError(str(y)+"'),
    "own decorator": (FIRST, "@l1\n" + FIRST),
    "annotation evaluated": (
        "from __future__ import annotations\n",
        "import os\n",
        FIRST,
        FIRST.replace("-> Tensor", "-> os.getcwd()"),
    ),
    "relative import": ("import torch\n", "import torch\nfrom . import helpers\n"),
    "async function": (FIRST, "async " + FIRST),
    "conditional definition": ("import torch\n", "import torch\nif True:\n    pass\n"),
}


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(LOOK_ALIKES))
def test_a_look_alike_is_not_a_stub(name):
    source, edits = STUB, LOOK_ALIKES[name]
    for old, new in zip(edits[::2], edits[1::2]):
        assert old in source, f"{name}: the stub changed, update the edit"
        source = source.replace(old, new, 1)
    assert untouched(STUB, set())
    assert not untouched(source, set()), name


@pytest.mark.unit
def test_importing_the_submissions_own_module_is_not_a_stub():
    assert untouched(STUB + "\nimport helpers\n", set())
    assert not untouched(STUB + "\nimport helpers\n", {"helpers"})
    assert not untouched(STUB + "\nfrom helpers.sub import x\n", {"helpers"})


@pytest.mark.unit
def test_classes_of_stub_methods_only():
    base = "from torch import nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        raise NotImplementedError\n"
    assert untouched(base, set())
    assert not untouched(base.replace("(nn.Module)", "(nn.Module, metaclass=type)"), set())
    assert not untouched(base + "    size = 3\n", set())
    assert not untouched("class Net:\n    pass\n", set())
    assert not untouched(base.replace("(nn.Module)", "(Helper)") + "class Helper:\n    pass\n", set())


# What a look-alike can do at import time: a default argument that defines the real mse.
# (binding it with `:=`: exec and globals() would be refused by grader/engine/subset/submission.py before grading)
REAL_MSE = (
    "(mse := lambda y_hat, y, reduction='mean': "
    "{'mean': ((y_hat - y) ** 2).mean(), 'sum': ((y_hat - y) ** 2).sum(), 'none': (y_hat - y) ** 2}[reduction])"
)
LAST = "def kl_div(p: Tensor, q: Tensor) -> Tensor:"


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_the_stub_costs_no_worker_and_a_look_alike_is_graded(tmp_path):
    _, stub = grade_json(str(REPO / "exercises" / "losses.py"))
    tests = stub["topics"][0]["tests"]
    assert {t["status"] for t in tests} == {"not_started", "skipped"}
    assert all(
        "still raises NotImplementedError" in t["message"] for t in tests if t["status"] == "not_started"
    )
    assert stub["seconds"]["startup"] == stub["seconds"]["probes"] == 0.0, "no worker for an untouched stub"

    look_alike = tmp_path / "losses.py"
    look_alike.write_text(STUB.replace(LAST, f"def kl_div(p: Tensor, q: Tensor = {REAL_MSE}) -> Tensor:"))
    assert not untouched(look_alike.read_text(), set())
    _, graded = grade_json(str(look_alike))
    assert graded["score"] > 0 and graded["seconds"]["startup"] > 0, "its import-time mse must be graded"
    assert graded["seconds"]["reading"] > 0, (
        "the trusted side's reading, on the grader's clock (grader.bench --profile)"
    )
    assert [t["id"] for t in graded["topics"][0]["tests"]] == [t["id"] for t in tests]


@pytest.mark.unit
def test_the_cli_starts_no_zygote_only_when_every_graded_topic_is_a_stub(tmp_path):
    from grader.engine.stubs import submission_is_stub

    assert submission_is_stub(REPO / "exercises")
    assert submission_is_stub(REPO / "exercises" / "losses.py")
    assert not submission_is_stub(REPO / "solutions")
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "losses.py").write_text(STUB)
    (mixed / "tensors.py").write_text((REPO / "solutions" / "tensors.py").read_text())
    assert submission_is_stub(mixed, ("losses",))
    assert not submission_is_stub(mixed, ("losses", "tensors"))
    renamed = tmp_path / "mine.py"
    renamed.write_text(STUB)
    assert not submission_is_stub(renamed)  # its topic is not known here: the engine decides
    assert submission_is_stub(renamed, ("losses",))
