"""tests/README.md, the page that says where a test goes, names every test file of tests/grader."""

from __future__ import annotations

import re

import pytest
from helpers import REPO

pytestmark = pytest.mark.unit


def test_every_test_file_is_named_in_the_tests_readme():
    readme = (REPO / "tests" / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_\w+\.py)`", readme))
    files = {path.name for path in (REPO / "tests" / "grader").glob("test_*.py")}
    assert sorted(files - named) == [], "tests/README.md, 'Every test file': add a row for each"
    assert sorted(named - files - {"test_seal_*.py"}) == [], "tests/README.md names files that are gone"
