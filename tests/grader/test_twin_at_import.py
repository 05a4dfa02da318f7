"""A twin run at import by a name computed at run time (``getattr(F, "one" + "_hot")``) to fill a
table an exercise reads: no reading sees the name written and no probe is in flight, so the
worker records what the import ran and where (grader/sandboxed/at_import.py), and each exercise
whose reachable code holds such a line is charged with the twins of its list
(``twins.ran_at_import``). Seen open on main before it: one_hot full (attacks122 134, 138)."""

from __future__ import annotations

import importlib.util
import json
import sys
import types

import pytest
import torch
from helpers import REPO, run_grade

from grader.base.topics import exercises
from grader.engine.subset import twins as subset_twins
from grader.engine.subset.charge import reachable
from grader.sandboxed import at_import

SOLUTION = (REPO / "solutions" / "tensors.py").read_text()
ONE_HOT = '''def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Compare each label with every class index."""
    classes = torch.arange(num_classes, device=labels.device)
    return (labels[:, None] == classes[None, :]).float()
'''
TABLE = """def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    if num_classes <= len(_TABLES):
        return _TABLES[num_classes - 1].to(labels.device)[labels]
    return (labels[:, None] == torch.arange(num_classes, device=labels.device)[None, :]).float()
"""
# the twin reached by a name no reading sees, run at import: in the topic's file, or in a helper's
COMPUTED = (
    "import torch.nn.functional as F\n\n\ndef _tables(name):\n    make = getattr(F, name)\n"
    "    return [make(torch.arange(c), c).float() for c in range(1, 17)]\n\n\n"
    "_TABLES = _tables('_'.join(['one', 'hot']))\n"
)
HAND = "_TABLES = [torch.eye(c) for c in range(1, 17)]\n"  # honest: the same table by hand


def _with_table(table: str) -> str:
    assert ONE_HOT in SOLUTION
    return SOLUTION.replace(ONE_HOT, f"{table}\n\n{TABLE}")


@pytest.mark.unit
def test_the_import_record_names_each_op_by_the_topic_files_line(tmp_path, monkeypatch):
    (tmp_path / "tablesource.py").write_text("import torch\nimport torch.nn.functional as F\n" + COMPUTED)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = types.ModuleType("graded_topic")
    source = "import torch\nfrom tablesource import _TABLES\nEYE = torch.eye(2)\n"
    ran: dict[str, list[int]] = {}
    with at_import.recorded(module, ran):
        exec(compile(source, "graded_topic.py", "exec"), vars(module))
    sys.modules.pop("tablesource", None)
    assert ran["one_hot"] == [2] and ran["eye"] == [3]  # the helper's run: the line importing it
    assert torch.equal(module._TABLES[2], torch.eye(3))


def _charged(source: str, ran: dict[str, tuple[int, ...]]) -> dict:
    spec = importlib.util.spec_from_file_location(
        "_at_import_tensors", REPO / "tests/suites/suite_tensors.py"
    )
    assert spec is not None and spec.loader is not None
    suite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suite)
    rules = subset_twins.declared(suite.OFF_LIMITS)
    read = reachable(source, ["one_hot", "accuracy"], exercises("tensors"), rules)
    assert read is not None
    return subset_twins.ran_at_import(read[1], read[2], subset_twins.Ran(ran, suite.OFF_LIMITS))


@pytest.mark.unit
def test_an_exercise_reaching_a_line_that_ran_its_twin_is_charged_and_no_other():
    source = _with_table(COMPUTED)
    line = source.splitlines().index("_TABLES = _tables('_'.join(['one', 'hot']))") + 1
    found = _charged(source, {"one_hot": (line,), "eye": (line + 40,)})
    assert set(found) == {"one_hot"} and found["one_hot"].line == line  # accuracy reads no table
    assert _charged(source, {"one_hot": (line + 1,)}) == {}  # a line one_hot does not reach
    assert _charged(source, {"eye": (line,)}) == {}  # an op its list does not name


def _points(path) -> dict[str, float]:
    done = run_grade(str(path), "--format", "json", "-k", "one_hot or accuracy", "--no-daemon")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    (topic,) = json.loads(done.stdout)["topics"]
    points: dict[str, float] = {}
    for test in topic["tests"]:
        for exercise in test.get("exercises") or [test["id"].split("[")[0]]:
            points[exercise] = points.get(exercise, 0.0) + test["points"]
    return points


@pytest.mark.e2e
@pytest.mark.parametrize("where", ["topic", "helper", "honest"])
def test_a_table_a_twin_filled_at_import_costs_the_exercise_that_reads_it(tmp_path, where):
    if where == "helper":
        (tmp_path / "tablesource.py").write_text("import torch\n" + COMPUTED)
        table = "from tablesource import _TABLES\n"
    else:
        table = COMPUTED if where == "topic" else HAND
    (tmp_path / "tensors.py").write_text(_with_table(table))
    points, full = _points(tmp_path / "tensors.py"), _points(REPO / "solutions" / "tensors.py")
    assert points["accuracy"] == full["accuracy"] > 0
    assert points["one_hot"] == (full["one_hot"] if where == "honest" else 0.0), points


@pytest.mark.unit
def test_the_trusted_side_reads_the_import_record_as_names_and_lines_only():
    from grader.engine.worker.frames import import_record

    worker_said = {"one_hot": [11, 0, -3, "12", True, 12.0], 7: [1], "eye": "3", "mm": (4,)}
    assert import_record(worker_said) == {"one_hot": (11,), "mm": (4,)}
    assert import_record(["one_hot", 11]) == {} and import_record(None) == {}
