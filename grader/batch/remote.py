"""The Dask worker's side of ``grade batch --scheduler``: one (submission, topic) per call.

:func:`grade_remote` is the plain function a Dask worker runs: what it checks first, how it grades
(:func:`grader.engine.runner.grade_topic`, on this process's zygote) and the plain data it returns
are docs/engine.md's, "Many machines". Nothing here imports Dask. A Dask worker runs its tasks on
threads; pytest, ``os.environ`` and stdout are one per process, so tasks of one worker process take
turns (start workers with ``--nthreads 1``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path, PurePosixPath

from grader.base.options import Options
from grader.batch.leaderboard import HeldOutScores
from grader.batch.version import suite_version
from grader.checks.verdict.scoring import TopicResult
from grader.course.held_out import Score
from grader.engine.runner import Confinement, SuiteCrash, Task, TopicOutcome, confinement, grade_topic
from grader.engine.staging import folder_files

_one_at_a_time = threading.Lock()


def submission_files(path: Path) -> dict[str, bytes]:
    """What grading reads of a submission: a folder's modules' files (:func:`folder_files`), or the one file."""
    if not path.is_dir():
        return {path.name: path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(folder_files(path))}


def _unpack(files: dict[str, bytes], single_file: bool) -> tuple[Path, Path]:
    """(fresh folder, what to grade in it): the folder itself, or its one file."""
    for name in files:
        at = PurePosixPath(name)  # a package's files: pkg/core.py
        if at.is_absolute() or at.as_posix() != name or {"", ".", ".."} & {*at.parts, name} or "\0" in name:
            raise ValueError(f"not a plain file name: {name!r:.80}")
    if single_file and len(files) != 1:
        raise ValueError("a single-file submission must carry exactly one file")
    folder = Path(tempfile.mkdtemp(prefix="torchgrade-dask-"))
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder, folder / next(iter(files)) if single_file else folder


def _refusal(message: str) -> dict:
    return {"refused": f"Dask worker on {os.uname().nodename}: {message}"}


def grade_remote(
    files: dict[str, bytes],
    *,
    topic: str,
    single_file: bool,
    options: Options,
    allow_no_sandbox: bool,
    expected_version: str,
    followup: HeldOutScores | None = None,
) -> dict:
    """Grade ``topic`` of the submission ``files`` here with the coordinator's ``options``
    (pickled by Dask), then take the held-out scores ``followup`` asks for; ``{"outcome": ...}``,
    ``{"refused": why}`` or ``{"crashed": why}`` (the suite itself failed)."""
    version = suite_version()
    if version != expected_version:
        return _refusal(
            f"suite version {version}, the coordinator's is {expected_version}: install the same "
            "torchgrade, suites and datasets on every machine, start the workers with the course's "
            "packs (TORCHGRADE_PACKS, as the coordinator's --course names them), and restart them"
        )
    ran = confinement()
    if not ran.usable and not allow_no_sandbox:
        return _refusal(f"no sandbox ({ran.how}); install bubblewrap there or pass --allow-no-sandbox")
    folder, path = _unpack(files, single_file)
    try:
        deadline = time.monotonic() + options.limits.budget
        task = Task(path, topic, single_file, options, deadline=deadline, followup=followup)
        with _one_at_a_time:
            try:
                outcome = grade_topic(task)
            except SuiteCrash as exc:
                return {"crashed": str(exc)[-3000:]}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "outcome": {
            "result": outcome.result.to_json(),
            "seconds": dict(outcome.seconds),
            "engine_problem": outcome.engine_problem,
            "confinement": asdict(ran),
            "held_out": [{**score.to_json(), "seconds": score.seconds} for score in outcome.followed or ()],
        }
    }


def read_outcome(answer: dict) -> TopicOutcome:
    """The coordinator's reading of an ``outcome`` answer, every field type-checked."""
    data = answer["outcome"]
    seconds = {str(k): float(v) for k, v in data["seconds"].items()}
    where = data["confinement"]
    if not isinstance(data["engine_problem"], str) or not isinstance(where["how"], str):
        raise ValueError("a Dask worker's answer is not plain data")
    return TopicOutcome(
        result=TopicResult.from_json(data["result"]),
        seconds=seconds,
        engine_problem=data["engine_problem"],
        confinement=Confinement(bool(where["usable"]), where["how"], bool(where["uid_dropped"])),
        followed=tuple(_score(found) for found in data["held_out"]) or None,
    )


def _score(data: dict) -> Score:
    """A held-out score of a worker's answer, every field type-checked."""
    value = data["value"]
    texts = (data["exercise"], data["metric"], data["order"], data["reason"])
    if not all(isinstance(t, str) for t in texts) or not (value is None or isinstance(value, (int, float))):
        raise ValueError("a Dask worker's held-out score is not plain data")
    return Score(*texts[:3], None if value is None else float(value), texts[3], float(data["seconds"]))
