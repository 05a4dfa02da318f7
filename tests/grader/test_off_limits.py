"""What a suite treats as off limits is what the exercise's docstring names (docs/contract.md: "what
is off limits: the torch functions the exercise must not call, by name; anything not named is
allowed"), no more and no less.

Each suite declares ``OFF_LIMITS``: {exercise: {a torch function or aten op the recorder sees: the
functions that reach it, as the docstring names them, " / " between}}, and passes its checks only
those (``expect_no_twin(ops, OFF_LIMITS[...])``, ``off=`` built from it). The docstring's side is
every name in code quotes in its off-limits sentences (``Off limits: ...``, ``..., which is off
limits (as is ...)``, ``No autograd: ...``; a clause saying what is allowed or fine left out; a
call's arguments dropped), and words such as "their functional forms" that the suite may name
where the docstring says them. Both sides must be equal for every exercise.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from types import ModuleType

import pytest
from helpers import REPO

from grader.base.topics import available_topics

pytestmark = pytest.mark.unit

# Judged by another rule than names of ops, each read in its suite
JUDGED_OTHERWISE = {
    ("optim", "SGD"): "a torch.optim optimiser among its bases, or one's functional form called",
    ("optim", "Adam"): "a torch.optim optimiser among its bases, or one's functional form called",
}

FORWARDED = {"off", "tuple(off)"}  # a helper's own ``off`` parameter, passed on
CODE = re.compile(r"``(.+?)``")
SENTENCE_END = re.compile(r"(?<=[.])\s+(?=[A-Z])")
SAME_AS = re.compile(r"Same functions off limits as :\w+:`(\w+)`")


def docstrings(topic: str) -> dict[str, str]:
    tree = ast.parse((REPO / "exercises" / f"{topic}.py").read_text(encoding="utf-8"))
    return {
        node.name: " ".join((ast.get_docstring(node) or "").split())
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }


def off_limits_clauses(doc: str, docs: dict[str, str]) -> list[str]:
    """The clauses of ``doc`` that put functions off limits (another exercise's where it says
    "Same functions off limits as ...")."""
    if same := SAME_AS.search(doc):
        return off_limits_clauses(docs[same.group(1)], docs)
    sentences = [
        s for s in SENTENCE_END.split(doc) if "off limits" in s.lower() or s.startswith("No autograd")
    ]
    return [c for s in sentences for c in s.split(";") if not re.search(r"\ballowed\b|\bis fine\b", c)]


def named(doc: str, docs: dict[str, str]) -> set[str]:
    """The functions ``doc`` puts off limits, as it writes them (a call's arguments dropped)."""
    return {re.sub(r"\(.+\)$", "", code) for c in off_limits_clauses(doc, docs) for code in CODE.findall(c)}


def suite(topic: str) -> ModuleType:
    path = REPO / "tests" / "suites" / f"suite_{topic}.py"
    spec = importlib.util.spec_from_file_location(f"_off_limits_{topic}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_suite_treats_as_off_limits_what_each_docstring_names():
    disagree = {}
    for topic in available_topics():
        docs = docstrings(topic)
        declared = suite(topic).OFF_LIMITS
        assert set(declared) <= set(docs), (
            f"{topic}: OFF_LIMITS names no exercise of {sorted(set(declared) - set(docs))}"
        )
        for name, doc in docs.items():
            if (topic, name) in JUDGED_OTHERWISE:
                assert name not in declared and named(doc, docs), (topic, name)
                continue
            shown = {part for twin in declared.get(name, {}).values() for part in twin.split(" / ")}
            clauses = " ".join(off_limits_clauses(doc, docs))
            words = {part for part in shown if " " in part and part in clauses}  # "their functional forms"
            if named(doc, docs) != shown - words:
                disagree[f"{topic}.{name}"] = {
                    "only the suite": sorted(shown - words - named(doc, docs)),
                    "only the docstring": sorted(named(doc, docs) - shown),
                }
    assert disagree == {}


def test_a_suite_judges_twins_only_through_its_declaration():
    """``expect_no_twin``'s names and every ``off=`` come from ``OFF_LIMITS`` (or the rule of
    JUDGED_OTHERWISE), so that the declaration the first test reads is what is judged."""
    loose = []
    for topic in available_topics():
        tree = ast.parse((REPO / "tests" / "suites" / f"suite_{topic}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            given = (
                [node.args[1]]
                if getattr(node.func, "id", "") == "expect_no_twin" and len(node.args) > 1
                else []
            )
            given += [
                k.value for k in node.keywords if k.arg == "off" and ast.unparse(k.value) not in FORWARDED
            ]
            for value in given:
                source = ast.unparse(value)
                if "OFF_LIMITS" not in source and not source.startswith(("conv_twins(", "max_pool_twins(")):
                    loose.append(f"suite_{topic}.py:{node.lineno}: {source}")
    assert loose == []


def test_the_docstring_side_reads_its_sentences():
    docs = {
        "a": "Equal to ``F.l1_loss(y, t)``, which is off limits (as is ``nn.L1Loss``). Loops are fine.",
        "b": "Off limits: ``F.softplus`` only; ``F.logsigmoid`` is allowed. Use ``torch.where``.",
        "c": "Same functions off limits as :func:`b`.",
        "d": "No autograd: no ``.backward()``.",
    }
    assert {k: named(v, docs) for k, v in docs.items()} == {
        "a": {"F.l1_loss", "nn.L1Loss"},
        "b": {"F.softplus"},
        "c": {"F.softplus"},
        "d": {".backward()"},
    }
