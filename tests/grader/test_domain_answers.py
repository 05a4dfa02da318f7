"""The battery judges against stored answers (grader/checks/domain_answers.pt): they must be what
the references compute here, case for case, and the references (closed forms: answers) must
reach neither the grader's imports nor a release."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import torch
from helpers import REPO

sys.path.insert(0, str(Path(__file__).parent))
import record_domain_answers  # noqa: E402

from grader.checks import domain_answers, domain_cases  # noqa: E402

RECORD = "run: python tests/grader/record_domain_answers.py"


def assert_current(scenarios: bool) -> None:
    """The stored answers of the domains of optimisers, loops and datasets (``scenarios``), or of
    the others, are those the references compute here."""
    stored = torch.load(domain_answers.STORE, weights_only=True)
    found = record_domain_answers.computed(scenarios=scenarios)
    domains = {key.split("|")[0] for key in found}
    mine = {key: answers for key, answers in stored.items() if key.split("|")[0] in domains}
    assert sorted(mine) == sorted(found), RECORD
    stale = record_domain_answers.differences(found, mine)
    assert not stale, f"stale answers at {stale[:5]}: {RECORD}"


@pytest.mark.unit
def test_the_stored_answers_are_what_the_references_compute_here():
    """Of every domain of calls and modules, and none of a domain that is gone (the scenarios'
    answers: the next test)."""
    stored = torch.load(domain_answers.STORE, weights_only=True)
    declared = {domain_answers.key(topic, name) for topic, name in domain_cases.REGISTRY}
    assert {key.split("|")[0] for key in stored} == declared, RECORD
    assert_current(scenarios=False)


@pytest.mark.engine
def test_the_stored_scenarios_are_what_the_references_compute_here():
    """Optimisers, loops and datasets: their references build torch optimizers, and the first one
    built imports torch._dynamo (~1.3 s of CPU), a cost of the engine tier's (tests/grader/tiers.py)."""
    assert_current(scenarios=True)


@pytest.mark.unit
def test_a_changed_answer_is_seen():
    stored = torch.load(domain_answers.STORE, weights_only=True)
    key = sorted(stored)[0]
    first = next(c for c in stored[key] if "out" in c)
    changed = {**stored, key: [{**first, "out": [torch.tensor(1.0)]}, *stored[key][1:]]}
    assert record_domain_answers.differences(changed, stored)


@pytest.mark.unit
def test_no_grader_module_imports_the_references():
    imports = re.compile(r"^\s*(from|import)\s[^#\n]*\breferences\b", re.MULTILINE)
    for path in (REPO / "grader").rglob("*.py"):
        assert not imports.search(path.read_text()), path
