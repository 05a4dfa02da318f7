"""Every test of the grader sits in exactly one tier (a pytest marker), checked at collection.

- ``unit``: no worker, no grading in a subprocess, no sandbox (`pytest -m unit`: the loop while
  changing a judge);
- ``engine``: the grading engine in this process (a TopicSession, workers, the zygote, the pool),
  and the sweeps of an engine function over the whole corpus (seconds of CPU each: the unit
  tier has a goal of 20 s of CPU, a budget of 24, tests/grader/cpu_budget.py);
- ``e2e``: through ``python -m grader`` or another process that grades.

The check runs before ``-m``/``-k`` deselect, so that a test without a tier fails every run.
"""

from __future__ import annotations

import pytest

TIERS = ("unit", "engine", "e2e")


def tiers_of(item: pytest.Item) -> list[str]:
    """The tier markers on ``item`` (from the test, its class and its module's ``pytestmark``)."""
    return [mark.name for mark in item.iter_markers() if mark.name in TIERS]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    wrong = [
        f"{item.nodeid}: {', '.join(found) or 'none'}" for item in items if len(found := tiers_of(item)) != 1
    ]
    if wrong:
        raise pytest.UsageError(
            f"each test needs exactly one tier marker of {', '.join(TIERS)}; these have:\n" + "\n".join(wrong)
        )
