"""Ordinary code is accepted (the fair-code corpus, `fair_code.py`): every snippet, a correct
exercise written the way learners write PyTorch (computed getattr/setattr, ModuleDict, partial,
dataclasses, match, ``@torch.no_grad()``, comprehensions, f-strings, lambdas...), scores full; the
correct code still outside the subset (eval, ``globals()[name]``, ``sys.modules``) costs only the
exercise whose code holds the line, and says so. Hostile code aimed at what the old "open torch"
let through is refused before it runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import torch
from fair_code import COSTS_ITS_EXERCISE, FAIR, UNRUN, module_of, packed
from helpers import REPO

from grader.engine.subset import rules
from grader.engine.subset import submission as subset
from grader.sandboxed import guarded


@pytest.mark.engine  # a sweep of every snippet through the subset check: seconds of CPU
def test_the_corpus_is_ordinary_code_the_subset_accepts():
    whole = [n for n, (_, e, s) in FAIR.items() if re.search(rf"^(def|class) {e}\b|^{e} = ", s, re.M)]
    assert len(FAIR) >= 120 and len(whole) >= 60, (len(FAIR), len(whole))  # the corpus's floor
    refused = {name: subset.check(module_of(t, s))[:2] for name, (t, _, s) in FAIR.items()}
    assert {name: found for name, found in refused.items() if found} == {}


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(COSTS_ITS_EXERCISE))
def test_what_stays_refused_costs_only_its_exercise(tmp_path, name):
    topic, exercise, snippet = COSTS_ITS_EXERCISE[name]
    (tmp_path / f"{topic}.py").write_text(module_of(topic, snippet))
    verdict = subset.verdict(tmp_path, topic, single_file=False)
    assert verdict.refusal is not None and verdict.exercises == {exercise}, verdict
    (file, stubbed), *_ = verdict.replaced
    assert file == f"{topic}.py" and subset.check(stubbed) == []
    assert stubbed.count("\n") == module_of(topic, snippet).count("\n"), "line numbers kept"
    assert f"so {exercise} was not run" in verdict.refusal.message(topic, verdict.exercises)


@pytest.mark.unit
def test_a_module_level_refusal_costs_the_definitions_that_read_it(tmp_path):
    source = (
        "import torch\n\ndef _plogp(p):\n    return torch.special.xlogy(p, p)\n\n"
        "TERMS = {'plogp': globals()['_plogp']}\n\n"
        "def entropy(p):\n    return -TERMS['plogp'](p).sum(dim=-1)\n\n"
        "def helper(p):\n    return entropy(p)\n\ndef kl_div(p, q):\n    return (p * (p / q).log()).sum(-1)\n"
    )
    (tmp_path / "losses.py").write_text(source)
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    assert verdict.exercises == {"entropy"}, "helper reads entropy, but it is no exercise"
    (stubbed,) = [source for _, source in verdict.replaced]
    assert "def helper(*args, **kwargs): raise" in stubbed, "what reads a stubbed definition is stubbed"
    (tmp_path / "losses.py").write_text("import torch\nimport sys\nsys.modules['x'] = 1\n")
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    assert verdict.refusal is None and [r.line for r in verdict.unrun] == [3], (
        "a statement no exercise reaches is not run, and costs nothing"
    )


@pytest.mark.unit
def test_a_typo_in_an_import_is_told_as_python_tells_it(tmp_path):
    (tmp_path / "tensors.py").write_text("import numpyy\nfrom torchh import nn\n")
    found = subset.refusal(tmp_path, "tensors", single_file=False)
    assert found is not None
    message = found.message("tensors")
    assert message.startswith("tensors.py, line 1: no module named 'numpyy'"), message
    assert subset.NOT_ALLOWED not in message
    assert [r.missing for r in subset.check("import numpyy\nfrom torchh import nn\n")] == ["numpyy", "torchh"]


@pytest.mark.unit
@pytest.mark.parametrize("module", ["d2l", "pandas", "sklearn.metrics"])
def test_a_module_graded_code_cannot_import_is_told_as_unavailable_not_as_a_typo(tmp_path, module):
    """`import d2l` (a course's helper library, not installed here) is no misspelt name: the
    message says graded code cannot use it and what to write instead (seen failing: "no module
    named 'd2l' ... Instead: check the module's name")."""
    (tmp_path / "tensors.py").write_text(f"import torch\nimport {module}\n")
    found = subset.refusal(tmp_path, "tensors", single_file=False)
    assert found is not None
    message = found.message("tensors")
    assert "check the module's name" not in message and "no module named" not in message, message
    assert f"import {module}" in message and "write what you need yourself with torch" in message, message


# Hostile: each reached code past the old "open torch and its members' members" (seen accepted
# by the subset check of the main branch before the member snapshot).
HOSTILE = {
    "torch.compiler.load_compiled_function": (
        "import torch\n\ndef mse(a, b):\n    return torch.compiler.load_compiled_function(open('f', 'rb'))(a, b)\n"
    ),
    "throughput_benchmark": (
        "from torch.utils.throughput_benchmark import ThroughputBenchmark\n\n"
        "def mse(a, b):\n    return ThroughputBenchmark(lambda x: x).benchmark(num_calling_threads=2)\n"
    ),
    "throughput_benchmark by a chain": (
        "import torch\n\ndef mse(m):\n    return torch.utils.throughput_benchmark.ThroughputBenchmark(m)\n"
    ),
    "collect_env.run": "import torch.utils.collect_env\n\ndef mse():\n    return torch.utils.collect_env.run('id')\n",
    "DataLoader(num_workers=2)": (
        "from torch.utils.data import DataLoader\n\ndef batches(d):\n    return DataLoader(d, batch_size=4, num_workers=2)\n"
    ),
    "DataLoader's workers by position": (
        "import torch\n\ndef batches(d):\n    return torch.utils.data.DataLoader(d, 4, False, None, None, 2)\n"
    ),
    "DataLoader's workers by **": (
        "from torch.utils.data import DataLoader\n\ndef batches(d, **kw):\n    return DataLoader(d, **kw)\n"
    ),
    "a module as a value": "import torch\n\nu = torch.utils\nb = u.throughput_benchmark\n",
    "setattr on a module with a computed name": (
        "import torch.nn.functional as F\n\ndef patch(name):\n    setattr(F, name, lambda *a: 0)\n"
    ),
    "delattr with a computed name": "def undo(obj, name):\n    delattr(obj, name)\n",
    "nn.Module.compile": "def fit(model, x):\n    model.compile()\n    return model(x)\n",
}


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_what_open_torch_let_through_is_refused(name):
    assert subset.check(HOSTILE[name]), name


@pytest.mark.unit
def test_a_computed_name_reaches_only_the_reviewed_members_in_the_worker():
    namespace = {"__builtins__": guarded.submission_builtins()}
    exec("def reach(obj, name):\n    return getattr(obj, name)\n", namespace)
    reach = namespace["reach"]
    for obj, name in [
        (torch, "compiler"),
        (torch, "load"),
        (torch, "jit"),
        (torch, "_C"),
        (torch.utils, "collect_env"),
    ]:
        with pytest.raises(AttributeError, match="off limits"):
            reach(obj, name)
    with pytest.raises(AttributeError, match="is a module"):
        reach(torch, "utils")  # its members would then be read by plain attributes
    assert reach(torch.nn, "ReLU") is torch.nn.ReLU and reach(torch.ones(2), "sum")().item() == 2
    exec("def has(obj, name):\n    return hasattr(obj, name)\n", namespace)
    assert namespace["has"](torch.nn.functional, "relu") and not namespace["has"](torch, "compile")
    exec("def put(obj, name, value):\n    setattr(obj, name, value)\n", namespace)
    with pytest.raises(AttributeError, match="off limits"):
        namespace["put"](torch.Tensor, "tolist", lambda self: [])
    with pytest.raises(AttributeError, match="off limits"):
        reach(torch.nn.Linear(1, 1), "compile")  # torch.compile by a method
    assert guarded.VALUE_METHODS == set(rules.VALUE_METHODS)


# Graded in a fresh process by the engine (runner.run_tasks), each module on its exercise(s) only.
GRADE = """
import json, sys
from pathlib import Path
from grader.base.options import Options, Selection
from grader.engine.runner import Task, run_tasks

tasks = [
    Task(path=Path(p), topic=t, single_file=True, options=Options(selection=Selection(exercises=tuple(e))))
    for p, t, e in json.loads(sys.argv[1])
]
found = {}


def file(task, outcome):
    if isinstance(outcome, Exception):
        raise outcome
    found[str(task.path)] = {"tests": [t.to_json() for t in outcome.result.tests], "note": outcome.result.note}


run_tasks(tasks, 2, file)
print(json.dumps(found))
"""


def _graded(
    tmp_path, cases: list[tuple[str, str, tuple[str, ...], str]], language: str = "en"
) -> dict[str, dict]:
    """Each case (topic, name, exercises, module) graded on its exercises, in one run, in
    ``language``: by name, {"tests": its checks as JSON, "note": its topic's note}."""
    tasks = []
    for i, (topic, _, exercises, module) in enumerate(cases):
        path = tmp_path / f"case{i}_{topic}.py"
        path.write_text(module)
        tasks.append([str(path), topic, list(exercises)])
    done = subprocess.run(
        [sys.executable, "-c", GRADE, json.dumps(tasks)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=1500,
        env={**os.environ, "TORCHGRADE_LANG": language},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    graded = json.loads(done.stdout.strip().splitlines()[-1])
    return {cases[i][1]: graded[task[0]] for i, task in enumerate(tasks)}


@pytest.mark.e2e
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_fair_snippet_scores_full(tmp_path, language):
    """Packed into modules of distinct exercises (fair_code.packed: 29 tasks, not 120), in
    English and in Chinese (the grade is the code's alone: no message decides)."""
    modules = packed(FAIR)
    cases = [(topic, str(i), tuple(names), module) for i, (topic, names, module) in enumerate(modules)]
    graded = _graded(tmp_path, cases, language)
    lost: dict[str, list[tuple[str, str, str]]] = {}
    passed: set[str] = set()
    for i, (_, names, _) in enumerate(modules):
        for check in graded[str(i)]["tests"]:
            for exercise in set(check["exercises"]) & set(names):
                if check["status"] == "passed":
                    passed.add(names[exercise])
                elif check["status"] != "skipped":
                    lost.setdefault(names[exercise], []).append(
                        (check["id"], check["status"], check["message"][:160])
                    )
    assert lost == {}
    assert passed == set(FAIR), "every snippet's exercise has a check that passed"


# Another exercise of the same topic, graded beside the one that costs.
BESIDE = {"huber": "mse", "entropy": "softmax", "kl_div": "bce"}
# The exercises graded where a refused line reaches none: each must score full.
GRADED_BESIDE_UNRUN = {"losses": ("mse", "softmax"), "optim": ("gd_fit", "SGD"), "mlp": ("relu", "MLP")}


@pytest.mark.e2e
def test_a_refused_line_costs_only_the_exercises_that_reach_it_when_graded(tmp_path):
    """In one run: a refused line inside an exercise costs it and not the one beside; a refused
    line no exercise reaches costs nothing, and the topic's note says it."""
    cases = [
        (t, name, (e, BESIDE[e]), module_of(t, s)) for name, (t, e, s) in sorted(COSTS_ITS_EXERCISE.items())
    ]
    cases += [(t, name, GRADED_BESIDE_UNRUN[t], module_of(t, s)) for name, (t, s) in sorted(UNRUN.items())]
    alone = {
        f"{name}, {BESIDE[e]} alone": (t, BESIDE[e], s) for name, (t, e, s) in COSTS_ITS_EXERCISE.items()
    }
    cases += [(t, name, (e,), module_of(t, s)) for name, (t, e, s) in sorted(alone.items())]
    graded = _graded(tmp_path, cases)
    for name in alone:  # --exercise grading only the one beside: the refusal costs it nothing
        checks = [c for c in graded[name]["tests"] if c["status"] != "skipped"]
        assert checks and all(c["status"] == "passed" for c in checks), (name, checks[:1])
    for name, (_, exercise, _) in COSTS_ITS_EXERCISE.items():
        checks = graded[name]["tests"]
        charged = [c for c in checks if exercise in c["exercises"] and c["status"] != "skipped"]
        beside = [c for c in checks if exercise not in c["exercises"] and c["status"] != "skipped"]
        assert charged and all(c["status"] == "failed" for c in charged), name
        assert all(f"so {exercise} was not run" in c["message"] for c in charged), charged[0]["message"]
        assert beside and all(c["status"] == "passed" for c in beside), [
            (c["id"], c["message"][:200]) for c in beside if c["status"] != "passed"
        ]
    for name in UNRUN:
        checks = [c for c in graded[name]["tests"] if c["status"] != "skipped"]
        assert checks and all(c["status"] == "passed" for c in checks), (
            name,
            [(c["id"], c["message"][:200]) for c in checks if c["status"] != "passed"],
        )
        note = graded[name]["note"]
        assert "not allowed in graded code" in note and "no points" in note, (name, note)
