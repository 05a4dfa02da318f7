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

from grader.checks import domain_answers  # noqa: E402

pytestmark = pytest.mark.unit


def test_the_stored_answers_are_what_the_references_compute_here():
    stored = torch.load(domain_answers.STORE, weights_only=True)
    found = record_domain_answers.computed()
    assert sorted(stored) == sorted(found), "run: python tests/grader/record_domain_answers.py"
    stale = record_domain_answers.differences(found, stored)
    assert not stale, f"stale answers at {stale[:5]}: run python tests/grader/record_domain_answers.py"


def test_a_changed_answer_is_seen():
    stored = torch.load(domain_answers.STORE, weights_only=True)
    key = sorted(stored)[0]
    first = next(c for c in stored[key] if "out" in c)
    changed = {**stored, key: [{**first, "out": [torch.tensor(1.0)]}, *stored[key][1:]]}
    assert record_domain_answers.differences(changed, stored)


def test_no_grader_module_imports_the_references():
    imports = re.compile(r"^\s*(from|import)\s[^#\n]*\breferences\b", re.MULTILINE)
    for path in (REPO / "grader").rglob("*.py"):
        assert not imports.search(path.read_text()), path
