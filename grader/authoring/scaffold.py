"""``grade author new TOPIC``: a pack folder with one worked exercise (``leaky_relu``) in every
file a pack holds, for the author to replace with their own (docs/authors.md walks through it)."""

from __future__ import annotations

from pathlib import Path

from grader.base.i18n import _
from grader.base.keys import find
from grader.base.packs import PACK_KEYS, TOPIC_KEYS

# The worked pack's pack.toml: each key's comment is its declaration's (grader/base/packs.py), in the
# author's language
PACK_TOML = (  # key, value (None: the topic's name)
    ("name", None),
    ("[[topics]]", None),
    ("name", None),
    ("seconds", 0.3),
    ("exercises", ["leaky_relu"]),
)


def pack_toml(topic: str) -> str:
    """The pack.toml template, its keys commented by their declared descriptions."""
    lines: list[str] = []
    table = PACK_KEYS
    for name, value in PACK_TOML:
        if name == "[[topics]]":
            lines, table = [*lines, "", name], TOPIC_KEYS
            continue
        shown = f'"{topic}"' if value is None else str(value).replace("'", '"')
        lines.append(f"{name} = {shown}  # {_(find(table, name).about)}")
    return "\n".join(lines) + "\n"


STUB = '''\
"""{topic}: fill in each function below; `grade exercises/{topic}.py` checks them."""

from __future__ import annotations

import torch


def leaky_relu(x: torch.Tensor, slope: float = 0.01) -> torch.Tensor:
    """Leaky ReLU of ``x``, elementwise: x where x > 0, ``slope * x`` elsewhere.

    ``x``: a float32 or float64 tensor of any shape, empty included; the result has its shape,
    dtype and device, and ``x`` is left unchanged. Off limits: ``F.leaky_relu``.
    """
    raise NotImplementedError
'''

REFERENCE = '''\
"""{topic}: the reference solution (its answers are recorded by `grade author record {topic}`)."""

from __future__ import annotations

import torch


def leaky_relu(x: torch.Tensor, slope: float = 0.01) -> torch.Tensor:
    return torch.where(x > 0, x, slope * x)
'''

DOMAINS = '''\
"""The input domains of {topic}'s exercises, read off their docstrings (grader/checks/domains.py
lists the dimensions); `grade author record {topic}` stores what the reference answers on them."""

from __future__ import annotations

from grader.checks.domains import F64, Case, declare, randn

T = "{topic}"


@declare(T, "leaky_relu", "dtype edge signs default")
def _leaky_relu() -> list[Case]:
    return [
        Case("signs", "leaky_relu", (randn(1, 4, 5),), {{"slope": 0.2}}, wrt=(0,), note="mixed signs"),
        Case("dtype", "leaky_relu", (randn(2, 3, dtype=F64),), {{"slope": 0.1}}, note="float64"),
        Case("edge", "leaky_relu", (randn(3, 0, 2),), note="empty"),
        Case("default", "leaky_relu", (randn(4, 6),), note="slope left at 0.01"),
    ]
'''

SUITE = '''\
"""Hidden suite for {topic}: the battery over each exercise's declared domain, plus checks of
your own (see the built-in suites in tests/suites/ for more kinds)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from grader.checks import battery, check, derived_clauses, expect_close, probes

# what each exercise's docstring puts off limits: {{exercise: {{aten op or torch name: as a learner writes it}}}}
OFF_LIMITS = {{"leaky_relu": {{"leaky_relu": "F.leaky_relu"}}}}
VECTORISED = ("leaky_relu",)  # no Python loops (read from the source)


@check("shape", public=True, exercise="leaky_relu")
def test_leaky_relu_values(sub):
    x = torch.linspace(-2, 2, 9)
    expect_close(sub.run(probes.call, "leaky_relu", (x, 0.1), {{}}), F.leaky_relu(x, 0.1), "leaky_relu(x, 0.1)")


# the clauses the declarations state, derived (docs/authors.md): every way a declared case calls
# an exercise on a second device standing in for a GPU (device= set to it)...
@check("device", public=True)
@pytest.mark.parametrize("name", derived_clauses.device_exercises("{topic}"))
def test_on_a_second_device(sub, name):
    derived_clauses.on_device(sub, "{topic}", name)


# ...and "vectorised" for each exercise VECTORISED names (its source read for loops too)
@check("shape", clause="vectorised")
@pytest.mark.parametrize("name", VECTORISED)
def test_vectorised_as_declared(sub, name):
    derived_clauses.vectorised(sub, "{topic}", name)


# every dimension of every exercise's input domain (domains_{topic}.py), one probe call each
@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("{topic}"))
def test_input_domain(sub, name):
    battery.run(sub, "{topic}", name)
'''

HINTS = """\
## leaky_relu
- Keep x where it is positive and scale it elsewhere: one expression over the whole tensor.
- `torch.where(condition, a, b)` picks elementwise.
"""

MUTANTS = """\
# ids of the reference's mutants that change nothing the docstrings ask for, one a line
57ed633752  # leaky_relu: x > 0 to x >= 0, both give 0 at 0
"""

FILES = {  # beside pack.toml (pack_toml(), in the author's language)
    "exercises/{topic}.py": STUB,
    "solutions/{topic}.py": REFERENCE,
    "domains_{topic}.py": DOMAINS,
    "suite_{topic}.py": SUITE,
    "hints/{topic}.md": HINTS,
    "mutants_{topic}.txt": MUTANTS,
}


def scaffold(folder: Path, topic: str) -> list[Path]:
    """Write the pack's files into ``folder`` (new or empty); the paths written."""
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.toml").write_text(pack_toml(topic), encoding="utf-8")
    written = [folder / "pack.toml"]
    for name, template in FILES.items():
        path = folder / name.format(topic=topic)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(topic=topic), encoding="utf-8")
        written.append(path)
    return written
