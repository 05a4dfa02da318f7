"""The subset check's verdict is a function of the submission alone, not of what the grading
process happened to import before: `grade FILE` (torch imported for the report) once passed
``nn.init.__dict__["xavier_" + "uniform_"]`` that a fresh process refused (5/5 against 0), since a
member no imported module had counted as "no such member". A module's type's attributes
(``__dict__``, ``__class__``) are members too, for the check and for the runtime guard."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from grader.engine.subset import submission as subset
from grader.sandboxed import guarded

# a module's dunders reached from a module, a misspelt member, a submodule's member, private paths
NAMES = (
    "torch.nn.init.__dict__",
    "torch.nn.functional.__dict__",
    "torch.__dict__",
    "torch.nn.Relu",
    "torch.linalg.__class__",
    "torch.nn.init.xavier_uniform_",
    "torch.special.expit",
    "torch.distributions.kl.kl_divergence",
    "numpy.linalg.__dict__",
    "torch._C._nn.gelu",
    "torch._tensor.Tensor",
)


def _problems_in_a_fresh_process() -> dict[str, object]:
    code = (
        "import json\n"
        "from grader.engine.subset import submission as s\n"
        f"names = {NAMES!r}\n"
        "print(json.dumps({n: s.member_problem(n) for n in names}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.engine  # a fresh interpreter importing torch: 2 s of the unit tier's CPU budget
def test_a_names_verdict_does_not_depend_on_what_the_process_imported():
    fresh = _problems_in_a_fresh_process()
    here = {n: subset.member_problem(n) for n in NAMES}  # torch imported (this module)
    assert {n: None if p is None else list(p) for n, p in here.items()} == fresh


@pytest.mark.unit
def test_a_modules_dict_is_refused_by_the_check_and_by_the_guard():
    source = 'from torch import nn\n\ndef f(t):\n    return nn.init.__dict__["xavier_" + "uniform_"](t)\n'
    assert subset.check(source), "nn.init.__dict__ passed the subset check"
    with pytest.raises(AttributeError):
        guarded._getattr(torch.nn.init, "__dict__")
    assert subset.member_problem("torch.nn.Relu") is None  # still Python's own AttributeError
