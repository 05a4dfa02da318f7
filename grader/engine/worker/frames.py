"""A worker's next frame, read while its CPU time is watched (the channel decodes tensors: torch
is imported here, not by :mod:`grader.engine.worker.workers`, which a grading of untouched stubs imports)."""

from __future__ import annotations

import select
import time
from typing import Any

from grader.base.defaults import CPU_POLL_SECONDS
from grader.engine.worker.fresh import Worker
from grader.sandboxed import channel


class CpuExceeded(Exception):
    """The worker used more CPU time than its probe may (raised by :func:`next_frame`)."""


def next_frame(worker: Worker, deadline: float, cpu: float | None, cpu_start: float | None) -> Any:
    """The worker's next frame, decoded; while none is there, its CPU time is watched (over
    ``cpu`` seconds beyond ``cpu_start``: :class:`CpuExceeded`)."""
    while cpu is not None and cpu_start is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise channel.ChannelTimeout
        ready, _, _ = select.select([worker.results_fd], [], [], min(left, CPU_POLL_SECONDS))
        if ready:
            break
        used = worker.cpu_seconds()
        if used is not None and used - cpu_start > cpu:
            raise CpuExceeded
    return channel.decode(channel.read_frame(worker.results_fd, worker.nonce, deadline))


def import_record(found: Any) -> dict[str, tuple[int, ...]]:
    """The worker's record of what its submission's import ran (:mod:`grader.sandboxed.at_import`),
    read as {torch name: lines}; anything else in it is dropped."""
    if not isinstance(found, dict):
        return {}
    lines = {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, (list, tuple))}
    return {k: tuple(n for n in v if type(n) is int and n > 0) for k, v in lines.items()}
