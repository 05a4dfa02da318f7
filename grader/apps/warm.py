"""One warm-up for every long-lived engine (``grade watch``, a notebook's ``check()`` engine,
the learner's warm engine :mod:`grader.serve`): what a fresh ``grade`` pays before its first
check, paid once, before the first request."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable


def warm_up(topics: Iterable[str], timeout: float, gpu: bool) -> None:
    """Import the engine (torch, pytest, and ``torch._dynamo`` where a suite needs it), collect
    ``topics``' suites for probes of ``timeout`` seconds, and wait for the zygote."""
    from grader.engine import preload, suites, workers  # suites imports pytest and torch

    chosen = list(topics)
    workers.prestart(gpu)
    with preload.collector_paused():
        preload.preload(chosen)
        for topic in chosen:
            with contextlib.suppress(suites.SuiteBroken):  # a grading reports what broke
                suites.collected(topic, timeout)
    workers.fork_server(gpu)
