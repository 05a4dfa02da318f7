"""The grader's test files in the order that ends a two-worker run soonest: the slowest first.

`.ci/run` runs the engine and end-to-end tiers with pytest-xdist's ``--dist loadfile
--no-loadscope-reorder``: whole files are handed out in collection order, two queued per worker.
Ordered by their number of tests (xdist's default), the corpus's file (few tests, ~65 s) came
late: one worker ran it for 33 s after the other had finished (2026-11-24). ``file_seconds.json``
holds each file's serial seconds (``measure_tiers.py --file-seconds`` writes it); a file it lacks
counts as 0. A stale table only orders less well; a file's tests keep their order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TABLE = Path(__file__).with_name("file_seconds.json")
SECONDS: dict[str, float] = json.loads(TABLE.read_text())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: -SECONDS.get(item.path.name, 0.0))  # stable: files stay whole
