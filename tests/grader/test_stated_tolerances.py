"""No suite check is stricter than its docstring (docs/contract.md: a learner
is held only to what the docstring says).

Every relative tolerance a suite writes out (``rtol=``, ``"rtol":``, ``rel_tol=``) is at least the
smallest one its topic's stub states (``rtol=1e-7``, ``within 1e-10``…), or the contract's default
``rtol=1e-5`` where the stub states none. ``rtol=0`` is exact equality: indices, counts, values
that must come back untouched, which no floating-point rounding can excuse.
"""

from __future__ import annotations

import re

import pytest

from grader.base.topics import REPO_ROOT, available_topics

pytestmark = pytest.mark.unit

DEFAULT_RTOL = 1e-5  # docs/contract.md: float32 results within rtol=1e-5 unless the docstring says otherwise
NUMBER = r"(\d+(?:\.\d+)?(?:e-?\d+)?)"
STATED = re.compile(rf"(?:rtol\s*=\s*|within\s+){NUMBER}")
WRITTEN = re.compile(rf"(?:\brtol\b\"?\s*[=:]\s*|\brel_tol\s*=\s*){NUMBER}")


def stated_floor(topic: str) -> float:
    """The smallest relative tolerance the stub of ``topic`` states."""
    text = (REPO_ROOT / "exercises" / f"{topic}.py").read_text(encoding="utf-8")
    return min((float(found) for found in STATED.findall(text)), default=DEFAULT_RTOL)


def written_tolerances(topic: str) -> list[tuple[int, float]]:
    """(line, value) of every relative tolerance written out in the suite of ``topic``."""
    lines = (REPO_ROOT / "tests" / "suites" / f"suite_{topic}.py").read_text(encoding="utf-8").splitlines()
    return [(number, float(found)) for number, line in enumerate(lines, 1) for found in WRITTEN.findall(line)]


@pytest.mark.parametrize("topic", available_topics())
def test_no_check_is_stricter_than_its_docstring(topic):
    floor = stated_floor(topic)
    stricter = [f"line {line}: {value:g}" for line, value in written_tolerances(topic) if 0 < value < floor]
    assert not stricter, f"suite_{topic}.py checks tighter than the stated rtol {floor:g}: {stricter}"


def test_the_reader_finds_the_stated_and_written_tolerances():
    assert stated_floor("autograd") == 1e-7  # "rtol=1e-7 unless a docstring says otherwise"
    assert stated_floor("optim") == 1e-10  # "float64 within 1e-10"
    assert WRITTEN.findall('tol = {"rtol": 1e-9, "atol": 1e-15}') == ["1e-9"]
    assert WRITTEN.findall("math.isclose(a, b, rel_tol=1e-9)") == ["1e-9"]
    assert written_tolerances("autograd"), "the suite's tolerances are read"
