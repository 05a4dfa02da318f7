"""A submission's metric on a training exercise's held-out set (grader/checks/held_out.py).

After the exercise's own checks, :func:`score_held_out` stages the submission as grading does (code
outside the graded subset refused first), asks a hidden-lane worker for predictions on the
held-out inputs through the topic's declaration, and judges them here against the labels: the
labels never leave this process, and the file that holds them is never bound into a sandbox.
"""

from __future__ import annotations

import importlib.util
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.base.i18n import N_, _
from grader.base.topics import MANIFEST

REFUSED = N_("refused: %(reason)s")
NOT_DECLARED = N_("%(exercise)s has no held-out set")
TIMEOUT = 300.0  # seconds for the worker's training and predictions (the metric's probe)


@dataclass(frozen=True)
class Score:
    """One submission's metric on one exercise's held-out set; ``value`` None: no metric, ``reason``
    says why. ``seconds``: what the evaluation cost (wall clock, worker start included)."""

    exercise: str
    metric: str
    order: str
    value: float | None
    reason: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "metric": self.metric, "order": self.order,
                "value": self.value, "reason": self.reason}  # fmt: skip


def _topic(name: str) -> Any:
    found = [t for t in MANIFEST if t.name == name]
    if not found:
        raise ValueError(f"no topic {name!r}")
    return found[0]


def declared(topic: Any) -> dict[str, Any]:
    """{exercise: HeldOut} of ``topic``'s declaration (none where it has no held-out set)."""
    path: Path = topic.held_out
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"held_out_{topic.name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # trusted: the pack's own declaration, as its suite is
    return dict(module.HELD_OUT)


def data_of(topic: Any) -> dict[str, dict[str, Any]]:
    """{exercise: {"inputs", "labels"}} of ``topic``'s held-out file, read as plain data."""
    import torch

    if not topic.held_out_data.is_file():
        return {}
    return torch.load(topic.held_out_data, weights_only=True)


def labels_of(topic: Any) -> dict[str, Any]:
    return {exercise: entry["labels"] for exercise, entry in data_of(topic).items()}


def score_held_out(
    path: Path, topic: str, exercise: str, single_file: bool | None = None, metric: str = ""
) -> Score:
    """``exercise``'s metric (``metric``, else the declared one) for the submission at ``path``
    (a folder, or ``topic``'s file)."""
    from grader.checks.held_out import judged

    started = time.perf_counter()
    found = _topic(topic)
    held_out = declared(found).get(exercise)
    if held_out is None:
        raise ValueError(_(NOT_DECLARED) % {"exercise": exercise})
    entry = data_of(found)[exercise]
    answer = _predictions(Path(path), topic, exercise, held_out, entry["inputs"], single_file)
    metric = metric or held_out.metric
    value = judged(answer, entry["labels"], metric) if not isinstance(answer, str) else answer
    seconds = time.perf_counter() - started
    if isinstance(value, str):
        return Score(exercise, metric, held_out.order, None, value, seconds)
    return Score(exercise, metric, held_out.order, value, "", seconds)


def _predictions(
    path: Path, topic: str, exercise: str, held_out: Any, inputs: Any, single_file: bool | None
) -> Any:
    """What the worker answered for the inputs, or why nothing was asked (a refusal, a problem)."""
    from grader.engine.staging import stage
    from grader.engine.subset import submission as subset
    from grader.engine.worker.client import TopicSession
    from grader.engine.worker.problems import SubmissionProblem

    single = path.is_file() if single_file is None else single_file
    verdict = subset.verdict(path, topic, single)
    refusal = verdict.refusal  # it costs the topic (no exercises named) or these exercises
    if refusal is not None and (not verdict.exercises or exercise in verdict.exercises):
        return _(REFUSED) % {"reason": f"{refusal.file}:{refusal.line}: {refusal.what}"}
    staged = stage(path, topic if single else None)
    for name, source in verdict.replaced:
        (staged / name).write_text(source)
    session = TopicSession(str(staged), topic, timeout=TIMEOUT)
    session.hidden, session.exercises, session.check = True, (exercise,), f"held_out[{exercise}]"
    try:
        return held_out.predict(session, inputs)
    except SubmissionProblem as problem:
        return str(problem)
    finally:
        session.close()
        shutil.rmtree(staged, ignore_errors=True)
