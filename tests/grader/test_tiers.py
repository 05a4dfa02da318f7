"""The tier check (tests/grader/tiers.py): a test with no tier, or two, stops the run."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit

PLUGIN = "from tiers import pytest_collection_modifyitems, pytest_ignore_collect  # noqa: F401\n"
MARKERS = "[pytest]\nmarkers =\n    unit: u\n    engine: e\n    e2e: x\naddopts = --strict-markers\n"


def run(pytester: pytest.Pytester, tests: str, *args: str, **more: str) -> pytest.RunResult:
    pytester.makeini(MARKERS)
    pytester.makeconftest(PLUGIN)
    pytester.makepyfile(test_sample=tests, **more)
    return pytester.runpytest_inprocess(*args)


TIERED = """
import pytest
pytestmark = pytest.mark.unit

def test_a():
    pass

@pytest.mark.parametrize("n", [1, 2])
def test_b(n):
    pass
"""


def test_one_tier_each_runs(pytester):
    run(pytester, TIERED).assert_outcomes(passed=3)


def test_a_test_without_a_tier_stops_the_run_even_when_deselected(pytester):
    tests = "import pytest\n\n@pytest.mark.unit\ndef test_a():\n    pass\n\ndef test_untiered():\n    pass\n"
    for args in ((), ("-m", "unit"), ("-k", "test_a")):
        result = run(pytester, tests, *args)
        assert result.ret == pytest.ExitCode.USAGE_ERROR, args
        assert "test_sample.py::test_untiered: none" in result.stderr.str(), args


def test_a_test_with_two_tiers_stops_the_run(pytester):
    tests = "import pytest\npytestmark = pytest.mark.unit\n\n@pytest.mark.e2e\ndef test_both():\n    pass\n"
    result = run(pytester, tests)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "test_sample.py::test_both: e2e, unit" in result.stderr.str()


def test_an_unknown_marker_stops_the_run(pytester):
    result = run(pytester, "import pytest\n\n@pytest.mark.unti\ndef test_typo():\n    pass\n")
    assert result.ret != pytest.ExitCode.OK
    assert "'unti' not found in `markers`" in result.stdout.str()


# A file of the engine tier that stops any run importing it.
ENGINE_ONLY = """
import pytest
pytestmark = [pytest.mark.engine, pytest.mark.skipif(False, reason="")]
raise RuntimeError("imported")

def test_engine():
    pass
"""


def test_a_unit_run_imports_no_file_whose_tests_are_all_of_another_tier(pytester):
    result = run(pytester, TIERED, "-m", "unit", test_engine=ENGINE_ONLY)
    result.assert_outcomes(passed=3)
    assert "imported" not in result.stdout.str()
    everything = run(pytester, TIERED, test_engine=ENGINE_ONLY)  # any other run imports it
    assert everything.ret != pytest.ExitCode.OK and "RuntimeError: imported" in everything.stdout.str()


@pytest.mark.parametrize(
    "tests, wrong",
    [  # a file that names a second tier, or none for the whole module, is imported and checked
        (
            ENGINE_ONLY.replace('raise RuntimeError("imported")', "@pytest.mark.unit"),
            "test_engine: unit, engine",
        ),
        (
            ENGINE_ONLY.replace('raise RuntimeError("imported")', "@pytest.mark.e2e"),
            "test_engine: e2e, engine",
        ),
        (
            "import pytest\n\n@pytest.mark.engine\ndef test_a():\n    pass\n\ndef test_b():\n    pass\n",
            "test_b: none",
        ),
    ],
)
def test_a_unit_run_still_checks_every_file_that_may_hold_a_wrong_tier(pytester, tests, wrong):
    result = run(pytester, tests, "-m", "unit")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"test_sample.py::{wrong}" in result.stderr.str()
