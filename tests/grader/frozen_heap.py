"""The test process's long-lived objects frozen out of Python's cyclic collector.

torch, ``torch._dynamo``, pytest and the collected test modules make ~0.5–0.7 M objects that
live as long as the process, and every full collection the collector starts walks them all
again (0.1–0.2 s each with torch loaded): a sixth of the unit tier's CPU (docs/benchmark.md,
"CI"). So the collector is off while the test modules are imported and collected, what that
built is then frozen (``gc.freeze``: kept, never scanned again), and so is what survives a
collection at the end of each test file. Garbage is still collected: within a file as always,
and at each file's end before the freeze. ``grader/engine/worker/preload.py`` does the same for the
grading process.
"""

from __future__ import annotations

import gc

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session: pytest.Session):
    gc.disable()  # while the test modules are imported: no full collection of what they build
    yield
    gc.freeze()
    gc.enable()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    yield
    if nextitem is None or nextitem.path != item.path:  # the file's teardown is done
        gc.collect()
        gc.freeze()
