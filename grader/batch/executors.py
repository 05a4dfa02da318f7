"""Where ``grade batch`` grades its tasks (:class:`Executor`): this machine's grading processes
(:class:`LocalExecutor`, :func:`grader.engine.runner.run_tasks`) or, with ``--scheduler``, a Dask
cluster (:class:`grader.batch.distributed.DaskExecutor`, imported only when asked for)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from grader.batch.setup import BatchOptions
from grader.engine.runner import OnOutcome, OnStart, Task, run_tasks


class Executor(Protocol):
    """Where tasks are graded: this machine's grading processes, or a Dask cluster."""

    def refuse(self, path: Path) -> str:
        """Why the submission at ``path`` cannot be graded there, or ""."""

    def run(self, tasks: list[Task], on_outcome: OnOutcome, on_start: OnStart) -> None:
        """Grade every task; ``on_outcome`` is called here, once per task."""

    def close(self) -> None: ...


@dataclass
class LocalExecutor:
    """``workers`` grading processes forked from this one (:func:`grader.engine.runner.run_tasks`)."""

    workers: int

    def refuse(self, path: Path) -> str:
        return ""

    def run(self, tasks: list[Task], on_outcome: OnOutcome, on_start: OnStart) -> None:
        run_tasks(tasks=tasks, jobs=self.workers, on_outcome=on_outcome, on_start=on_start)

    def close(self) -> None:
        pass


def executor_for(options: BatchOptions, version: str) -> Executor:
    if options.scheduler is None:
        return LocalExecutor(options.workers)
    from grader.batch.distributed import DaskExecutor  # Dask only when asked for

    return DaskExecutor(options.scheduler, version, options.allow_no_sandbox)
