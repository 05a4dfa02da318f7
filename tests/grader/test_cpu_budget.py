"""The unit tier's CPU budget (tests/grader/cpu_budget.py): a run over the calibrated budget says so and
passes (a figure, not a gate); a run over a budget given with ``--cpu-budget`` fails."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit

SAMPLE = """
import pytest

@pytest.mark.unit
def test_spin():
    sum(range(200_000))
"""


@pytest.mark.parametrize(("budget", "code", "verdict"), [("0.001", 1, "OVER"), ("1000", 0, "budget 1000 s)")])
def test_a_unit_run_over_a_given_budget_fails(pytester: pytest.Pytester, budget, code, verdict):
    pytester.makeini("[pytest]\nmarkers =\n    unit: a unit test\n")
    pytester.makepyfile(SAMPLE)
    result = pytester.runpytest_inprocess("-p", "cpu_budget", "-m", "unit", "--cpu-budget", budget)
    assert result.ret == code
    result.stdout.fnmatch_lines([f"CPU * s, wall * s of this process*{verdict}*"])


def test_a_unit_run_over_the_calibrated_budget_says_so_and_passes(pytester: pytest.Pytester, monkeypatch):
    import cpu_budget

    monkeypatch.setattr(cpu_budget, "calibration", lambda: 1e-9)
    monkeypatch.setattr(cpu_budget, "UNIT_CPU_FLOOR", 0.001)
    pytester.makeini("[pytest]\nmarkers =\n    unit: a unit test\n")
    pytester.makepyfile(SAMPLE)
    result = pytester.runpytest_inprocess("-p", "cpu_budget", "-m", "unit")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["CPU * s, wall * s of this process*calibration*: OVER)"])


class _Config:
    def __init__(self, **options) -> None:
        self.options = {"markexpr": "unit", "keyword": "", "cpu_budget": 24.0, **options}

    def getoption(self, name):
        return self.options[name]


def test_only_a_run_of_the_unit_tier_has_a_budget():
    from cpu_budget import CpuBudget

    assert CpuBudget(_Config()).budget() == 24.0  # type: ignore[arg-type]
    assert CpuBudget(_Config(keyword="spin")).budget() is None  # type: ignore[arg-type]
    assert CpuBudget(_Config(markexpr="engine or e2e")).budget() is None  # type: ignore[arg-type]


def test_the_budget_grows_with_a_slower_machine(monkeypatch):
    import cpu_budget

    options = {"cpu_budget": None}
    monkeypatch.setattr(cpu_budget, "calibration", lambda: 0.040)
    assert cpu_budget.CpuBudget(_Config(**options)).budget() == cpu_budget.UNIT_CPU_FLOOR  # type: ignore[arg-type]
    monkeypatch.setattr(cpu_budget, "calibration", lambda: 0.060)  # half as slow again
    assert cpu_budget.CpuBudget(_Config(**options)).budget() == cpu_budget.UNIT_CPU_BUDGET * 0.060  # type: ignore[arg-type]
