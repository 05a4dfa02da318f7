"""``grade batch --scheduler ADDRESS``: the class's tasks graded by Dask workers on many machines.

Only the executor differs from a local run (:func:`grader.batch.run.run_batch`): each (submission,
topic) is one Dask task of :func:`grader.batch.remote.grade_remote`; what travels, what comes back,
the task's key (:func:`task_key`) and the trust boundary are docs/engine.md's, "Many machines".
Imported only when a scheduler is given: a local run never imports Dask.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sys
from collections import deque
from dataclasses import asdict
from pathlib import Path

from distributed import Client, NannyPlugin, as_completed

from grader.base import defaults
from grader.batch.remote import grade_remote, read_outcome, submission_files
from grader.engine.runner import OnOutcome, OnStart, SuiteCrash, Task, TaskRefused, TopicOutcome, UsageProblem
from grader.engine.staging import folder_files
from grader.engine.worker.pool import GraderCrashed


def task_key(files: dict[str, bytes], task: Task, version: str) -> str:
    """The same (submission bytes, topic, options, followup, suite version) always gets the same key."""
    digest = hashlib.sha256()
    for name, data in sorted(files.items()):
        digest.update(name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    then = repr(task.followup)  # a dataclass's: what it does, the same in every process
    digest.update(json.dumps([task.single_file, asdict(task.options), then], sort_keys=True).encode())
    return f"torchgrade-{task.topic}-{version}-{digest.hexdigest()[:24]}"


def outcome_of(answer: object) -> TopicOutcome | Exception:
    """A worker's answer as the recording code takes it: an outcome, or why there is none."""
    try:
        if not isinstance(answer, dict):
            raise TypeError
        if "refused" in answer:
            return TaskRefused(str(answer["refused"])[:300])
        if "crashed" in answer:
            return SuiteCrash(str(answer["crashed"]))
        return read_outcome(answer)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return GraderCrashed(f"a Dask worker's answer could not be read ({type(exc).__name__})")


class StopWorkerOnClose(NannyPlugin):
    """On every nanny (``dask worker``'s own process): when it closes (SIGTERM, SIGINT, a scale-down), its
    worker process is killed at once instead of asked to close. Asked, the worker's close waited for the
    grading in flight (seconds; a minute for a stuck submission) until the nanny killed it "still alive after
    8.0 seconds"; even told to abandon it, the worker took 0.8-1.3 s more on a loaded machine (its event loop
    behind the grading thread, then torch's teardown at exit). The scheduler re-queues the task of a worker
    that died, and that worker never answers it: the coordinator records the task once. Its zygote sees its
    socket close and exits; the sandboxed children die with the zygote."""

    name = "torchgrade-stop-worker-on-close"

    def teardown(self, nanny) -> None:  # type: ignore[no-untyped-def]
        # Teardown also runs when the plugin is registered again (the next coordinator): only
        # a closing nanny kills its worker.
        pid = nanny.pid
        if nanny.status.name in ("closing", "closed") and pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


class DaskExecutor:
    """Runs tasks on the Dask cluster behind ``address``; the same interface as the local one."""

    def __init__(self, address: str, version: str, allow_no_sandbox: bool) -> None:
        self.address = address
        self.version = version
        self.allow_no_sandbox = allow_no_sandbox
        self.warned: set[str] = set()
        try:
            self.client = Client(address, timeout=defaults.DASK_CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageProblem(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            self.client.wait_for_workers(1, timeout=defaults.DASK_CONNECT_SECONDS)
        except TimeoutError:
            self.client.close()
            raise UsageProblem(
                f"no Dask worker joined the scheduler at {address} within "
                f"{defaults.DASK_CONNECT_SECONDS:g} s: start `dask worker {address}` on a grading machine"
            ) from None
        self.client.register_plugin(StopWorkerOnClose())  # on the nannies there and those to come

    def refuse(self, path: Path) -> str:
        """Why the submission at ``path`` is not sent (too large), or ""."""
        files = [path] if not path.is_dir() else folder_files(path)  # what submission_files sends
        size = sum(p.lstat().st_size for p in files if not p.is_symlink())
        if size <= defaults.DASK_MAX_BYTES:
            return ""
        return (
            f"the submission's Python files hold {size / 2**20:.1f} MB; at most "
            f"{defaults.DASK_MAX_BYTES >> 20} MB are sent to a grading machine: remove data or output from them"
        )

    def run(
        self,
        tasks: list[Task],
        on_outcome: OnOutcome,
        on_start: OnStart = lambda task: task,
    ) -> None:
        """Submit ``tasks`` (at most ``DASK_IN_FLIGHT`` at a time) and hand each answer to
        ``on_outcome`` here, once per task, as it comes."""
        queue = deque(tasks)
        waiting: dict[str, list[Task]] = {}  # key -> the tasks that its answer completes
        finished = as_completed(loop=self.client.loop)

        def submit_next() -> None:
            task = on_start(queue.popleft())
            files = submission_files(task.path)
            key = task_key(files, task, self.version)
            if key in waiting:
                waiting[key].append(task)  # the same bytes, topic and options: one task
                return
            waiting[key] = [task]
            finished.add(
                self.client.submit(
                    grade_remote,
                    files,
                    topic=task.topic,
                    single_file=task.single_file,
                    options=task.options,
                    allow_no_sandbox=self.allow_no_sandbox,
                    expected_version=self.version,
                    followup=task.followup,
                    key=key,
                    retries=defaults.DASK_RETRIES,
                )
            )

        while queue and len(waiting) < defaults.DASK_IN_FLIGHT:
            submit_next()
        for future in finished:
            try:
                outcome = outcome_of(future.result())
            except Exception as exc:  # the task raised on every try, or its workers kept dying
                outcome = GraderCrashed(f"the Dask task failed: {type(exc).__name__}: {exc}"[:300])
            future.release()
            if isinstance(outcome, TaskRefused):
                self._warn(str(outcome))
            for task in waiting.pop(future.key):
                on_outcome(task, outcome)
            while queue and len(waiting) < defaults.DASK_IN_FLIGHT:
                submit_next()

    def _warn(self, message: str) -> None:
        if message not in self.warned:
            self.warned.add(message)
            print(f"\ndask: {message} (recorded as crashed: the next run grades it)", file=sys.stderr)

    def close(self) -> None:
        self.client.close()
