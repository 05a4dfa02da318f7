"""The nine topics are an ordinary pack: nothing in grader/ names a topic or an exercise of
tests/suites' pack, so that what a topic needs is declared where any pack can declare it. Every
fact about them (CPU limits, sympy, layers, calling conventions, equivalent mutants, the suites'
translations) is the pack's declaration; grader/ reads declarations.

The names are read from the pack's own ``pack.toml``. A string of grader/ names one where it is
data, not prose: the whole string is the name (``"train_epoch"``, ``"optim"``), a topic's file
(``losses.py``, ``suite_optim``), a ``topic.exercise`` of the pack, or, for a name no one would
write by chance (it has a capital, a digit or an underscore and is none of torch's own names:
``InceptionA``, ``train_epoch``; not ``SGD``, ``conv2d``, ``softmax``), the name anywhere in it
as a word. Comments, docstrings and help examples do not count; a help example is, narrowly, a
Click option's or command's ``help=`` text (in the catalogue: an entry found only in Click's
tree, located at grader/cli.py), the words after "e.g." in a message up to its parenthesis, and
a line of a help text that is a ``grade ...`` command line. A module path imported
(``exercises.tensors``) counts as a string does. Identifiers are the grader's own vocabulary (a
local ``losses``, torch's ``F.cross_entropy``) and are not read. Where another library's word is
spelt as a name (torch's ``optim``, LaTeX's ``tanh``), :data:`OTHER_WORDS` says so, place by
place, and :data:`OTHER_FILES` for a data file that is such words throughout.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest
import torch
from helpers import REPO

from grader.base.packs import read_pack

pytestmark = pytest.mark.engine  # a sweep over the repository (tests/grader/tiers.py)

GRADER = REPO / "grader"
# a message's example, up to its closing parenthesis; a help page's example command line
EXAMPLE = re.compile(r"\be\.g\.[^)\n]*|^\s*grade .*$", re.M)
TORCH_SPACES = (torch, torch.nn, torch.nn.functional, torch.optim, torch.Tensor)
# Strings of grader/ that are another library's word, spelt as an exercise or a topic by chance:
# (file, the string) and whose word it is. Only these places; the same word elsewhere counts.
OTHER_WORDS = {
    ("grader/apps/handouts.py", "tanh"): "LaTeX's \\tanh, in a docstring's formula",
    ("grader/authoring/mutants.py", "relu"): "torch's F.relu, which a mutant swaps for F.sigmoid",
    ("grader/authoring/mutants.py", "sigmoid"): "torch's F.sigmoid, what a mutant swaps in",
    ("grader/authoring/mutants.py", "tanh"): "torch's torch.tanh, which a mutant swaps for torch.sigmoid",
    ("grader/authoring/subset_review.py", "optim"): "the module torch.optim",
    ("grader/authoring/subset_review.py", "autograd"): "the module torch.autograd",
    ("grader/authoring/subset_review.py", "matmul"): "torch.backends.cuda.matmul",
    ("grader/engine/worker/preload.py", "optim"): "the module torch.optim, as an import names it",
    ("grader/engine/pytest_compat.py", "evaluate"): "pytest's Expression.evaluate",
    ("grader/sandboxed/subset_members.py", "matmul"): "Python's operator.matmul (the @ operator)",
    ("grader/checks/held_out.py", "accuracy"): "a held-out metric's name, as a course declares it",
    ("grader/checks/families.py", "dropout"): "torch's dropout ops, as the dispatcher names them",
}


def _pack_names() -> tuple[dict[str, tuple[str, ...]], set[str]]:
    """({topic: its exercises}, every name) of the built-in pack, from its declaration."""
    _, topics = read_pack(REPO / "tests" / "suites")
    found = {topic.name: topic.exercises for topic in topics}
    return found, set(found) | {name for names in found.values() for name in names}


TOPICS, NAMES = _pack_names()
DISTINCT = {
    n for n in NAMES if re.search(r"[A-Z0-9_]", n) and not any(hasattr(space, n) for space in TORCH_SPACES)
}


def _word(names: set[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"(?<![\w.])({alternatives})(?!\w)")


_TOPIC = "|".join(map(re.escape, TOPICS))
FILE = re.compile(
    rf"(?<![\w.])(?:(?:suite|domains|answers|mutants)_(?:{_TOPIC})(?!\w)|(?:{_TOPIC})\.(?:py|ipynb|md|txt|pt)\b)"
)
PAIR = re.compile(r"(?<![\w.])(\w+)\.(\w+)(?!\w)")
ANYWHERE = _word(DISTINCT)
_NAMES = "|".join(sorted(map(re.escape, NAMES), key=len, reverse=True))
ANY_NAME = re.compile(rf"(?<![A-Za-z0-9])(?:{_NAMES})(?![A-Za-z0-9])")  # a file worth reading


def hits_in_text(text: str) -> list[str]:
    """The pack's names that ``text`` (one string of grader/) names as data."""
    text = EXAMPLE.sub("", text)
    if text.strip() in NAMES:
        return [text.strip()]
    found = [m.group(0) for m in FILE.finditer(text)]
    found += [m.group(0) for m in PAIR.finditer(text) if m.group(2) in TOPICS.get(m.group(1), ())]
    return found + [m.group(1) for m in ANYWHERE.finditer(text)]


def _strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string of ``source`` but its docstrings and help texts (an f-string's
    literal parts each), and of every module path it imports: one walk of its tree."""
    found: list[tuple[int, str]] = []
    strings: list[ast.Constant] = []
    skipped: set[int] = set()  # the docstrings' and help texts' nodes
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant):
            strings += [node] if isinstance(node.value, str) else []
        elif isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        elif isinstance(node, ast.keyword) and node.arg == "help":
            skipped |= {id(part) for part in ast.walk(node.value)}
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
    return found + [(node.lineno, node.value) for node in strings if id(node) not in skipped]


def _module_paths(text: str) -> list[str]:
    return [p for p in text.split(".") if p in TOPICS] if re.fullmatch(r"[\w.]+", text) else []


@functools.cache
def _named() -> tuple[tuple[str, int, str, str], ...]:
    """(file, line, name, its string) of every name of the pack that grader/'s sources name."""
    found = []
    for path in sorted(GRADER.rglob("*.py")):
        where, source = path.relative_to(REPO).as_posix(), path.read_text(encoding="utf-8")
        if not ANY_NAME.search(source):  # no name anywhere in it, between any two non-letters
            continue
        for line, text in _strings(source):
            named = hits_in_text(text) or [
                p for p in _module_paths(text) if text.startswith(("exercises", "solutions"))
            ]
            found += [(where, line, name, text) for name in named]
    return tuple(found)


def hits() -> list[str]:
    return [
        f"{where}:{line}: {name!r} in {text[:70]!r}"
        for where, line, name, text in _named()
        if (where, name) not in OTHER_WORDS
    ]


def test_the_rule_reads_data_not_prose():
    """The rule on strings it must and must not count."""
    assert hits_in_text("train_epoch") and hits_in_text("optim") and hits_in_text(" InceptionA")
    assert hits_in_text("exercises/losses.py") and hits_in_text("domains_optim")
    assert hits_in_text("weights of optim.Adam") and hits_in_text("layers of InceptionA(3)")
    assert not hits_in_text("on tensors of a second device")  # English, a topic's name by chance
    assert not hits_in_text("torch.optim.SGD, F.cross_entropy") and not hits_in_text("no softmax")
    assert not hits_in_text("write topic.exercise, e.g. losses.huber")  # a message's example
    assert not hits_in_text("## The loop\n\n  grade exercises/losses.py --exercise softmax\n")
    assert not hits_in_text("mlp.Adam")  # a pair of the pack names an exercise of its own topic


def test_grader_names_no_built_in_topic_or_exercise():
    """grader/'s sources name none of the built-in pack's topics and exercises as data."""
    found = hits()
    assert not found, f"{len(found)} strings of grader/ name the built-in pack:\n" + "\n".join(found)


def test_every_other_word_is_still_met():
    """An entry of OTHER_WORDS whose string is gone is stale: it would excuse a later special case."""
    met = {(where, name) for where, _, name, _ in _named()}
    assert set(OTHER_WORDS) <= met, sorted(set(OTHER_WORDS) - met)


# ---------------------------------------------------- the declarations that replaced them, in a pack of its own
TINY = """\
name = "tiny"

[[topics]]
name = "tiny"
exercises = ["fit"]
probe_cpu_seconds = 0.4
sympy_free = true
"""


def test_a_packs_topic_declares_its_cpu_limit_and_sympy_and_keeps_its_own_marks(tmp_path):
    """What the built-in pack declares in pack.toml, any pack may: its probes' CPU limit, that
    they never hand autograd a gradient; its marked mutants sit beside its suite; a release's
    pack.toml carries both declarations."""
    from grader.base.packs import flattened_toml

    (tmp_path / "pack.toml").write_text(TINY)
    _, (topic,) = read_pack(tmp_path)
    assert (topic.probe_cpu_seconds, topic.sympy_free) == (0.4, True)
    assert topic.equivalent_mutants == tmp_path / "mutants_tiny.txt"
    released = tmp_path / "released"
    released.mkdir()
    (released / "pack.toml").write_text(flattened_toml((topic,)))
    again = {t.name: t for t in read_pack(released)[1]}
    assert (again["tiny"].probe_cpu_seconds, again["tiny"].sympy_free) == (0.4, True)
    built_in = {t.name: t for t in read_pack(REPO / "tests" / "suites")[1]}
    assert all(again[name].sympy_free == t.sympy_free for name, t in built_in.items())


def test_a_loop_case_calls_its_exercise_as_it_declares(tmp_path):
    """A loop's calling convention is its case's declaration (domains.LOOP_ARGUMENTS, in the order
    its docstring takes them), not its name: a pack's loop taking (device, batches, model) is
    called so, and the model's mode after it is judged where it is given an optimiser."""
    from types import SimpleNamespace

    from grader.checks.cases import battery_walks
    from grader.checks.domains import LOOP_ARGUMENTS

    def fit(device, batches, model, optimiser):  # trains: one step per batch
        model.train()
        for x, y in batches:
            optimiser.zero_grad()
            torch.nn.functional.cross_entropy(model(x.to(device)), y).backward()
            optimiser.step()
        return len(batches)

    def count(batches, model):  # evaluates: no optimiser given
        return sum(len(y) for _, y in batches)

    batches = [(torch.randn(4, 3), torch.tensor([0, 1, 2, 3]))] * 2
    case = {"kind": "loop", "forms": (), "kwargs": {"d": 3, "c": 4, "mode": "eval", "batches": batches}}
    trains = {
        **case,
        "name": "fit",
        "kwargs": {**case["kwargs"], "call": ("device", "batches", "model", "optimiser")},
    }
    counts = {**case, "name": "count", "kwargs": {**case["kwargs"], "call": ("batches", "model")}}
    assert set(trains["kwargs"]["call"]) | set(counts["kwargs"]["call"]) <= set(LOOP_ARGUMENTS)
    pack = SimpleNamespace(fit=fit, count=count)
    trained, counted = battery_walks.walk_scenarios(pack, "fit", [trains, counts])
    assert trained["out"][0] == 2 and trained["training"] is True
    assert counted["out"][0] == 8 and "training" not in counted


# grader/'s data files that are another's words throughout: which, and whose
OTHER_FILES = {
    "grader/sandboxed/subset_members.tsv": "torch's own members, as torch names them (the subset's review)",
    "grader/locale/zh_CN/glossary.tsv": "the field's terms and their Chinese, for every message",
}


def _data_texts(path: Path) -> list[str]:
    """The strings of one of grader/'s data files: a catalogue's msgids (its translations are
    theirs) but Click's help texts (located at grader/cli.py: help examples), a table's cells, a
    script's lines; and the file's own path."""
    where = path.relative_to(GRADER).as_posix()
    if path.suffix == ".po":
        from babel.messages.pofile import read_po

        with path.open("rb") as handle:
            ids = [
                m.id for m in read_po(handle) if m.id and any(f != "grader/cli.py" for f, _ in m.locations)
            ]
        return [where, *(text for i in ids for text in (i if isinstance(i, tuple) else (i,)))]
    if path.suffix == ".mo":  # compiled from the .po beside it (test_catalogue.py holds them equal)
        return [where]
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix == ".tsv":
        return [where, *(cell for line in lines if not line.startswith("#") for cell in line.split("\t"))]
    return [where, *lines]


def test_grader_data_names_no_built_in_topic_or_exercise():
    """grader/'s own files beside its sources (its catalogue, glossary, the subset's members, the
    autograder's scripts) neither: the suites' words and the docstrings' translations are the pack's."""
    pytest.importorskip("babel")
    found = [
        f"{path.relative_to(REPO)}: {name!r} in {text[:70]!r}"
        for path in sorted(p for p in GRADER.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc"))
        if path.relative_to(REPO).as_posix() not in OTHER_FILES
        for text in _data_texts(path)
        for name in hits_in_text(text)
    ]
    assert not found, f"{len(found)} strings of grader/'s data name the built-in pack:\n" + "\n".join(found)
