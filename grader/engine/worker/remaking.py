"""A dtype failure told by the call that made the other dtype (grader/checks/hints/made_hints.py): the
session keeps its last probe calls with their answers (:class:`Call`), and :func:`made_by` asks the
worker to make again the one whose answer holds the value judged, under ``kit.dtype_maker``
(grader/sandboxed/kit_steps.py), for the record of the learner's line that made another dtype."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

RECENT_CALLS = 8  # the probe calls whose answers a check may still be judging (its own few)
DEPTH = 3  # how deep in an answer's tuples, lists and dicts a judged value is looked for


@dataclass(frozen=True)
class Call:
    """One probe call of the running check and the answer it gave."""

    answer: Any
    probe: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    seed: int
    made: dict[str, Any] = field(default_factory=dict)  # dtype -> the record a second call gave


class Session(Protocol):
    """What :func:`made_by` asks of a :class:`grader.engine.worker.client.TopicSession`."""

    @property
    def recent(self) -> Sequence[Call]: ...

    def attempt(self, probe: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...


def holds(answer: Any, value: Any, depth: int = DEPTH) -> bool:
    """Whether ``value`` is ``answer`` itself or one of its parts, by identity (not equality: the
    judged tensor is the one that call answered)."""
    if answer is value:
        return True
    if depth == 0:
        return False
    parts = (
        answer.values() if isinstance(answer, dict) else answer if isinstance(answer, (tuple, list)) else ()
    )
    return any(holds(part, value, depth - 1) for part in parts)


def made_by(session: Session, value: Any, want: str) -> Any:
    """The worker's record of what the probe call that answered ``value`` made, called again on
    the same inputs, in another floating dtype than ``want`` (None where no recent call answered
    it, or the second call failed in any way: :meth:`grader.engine.worker.client.TopicSession.attempt`). The answer judged is
    the first call's: the second changes a hint, never a grade."""
    call = next((c for c in reversed(session.recent) if holds(c.answer, value)), None)
    if call is None:
        return None
    if want not in call.made:  # once per call: trial comparisons (a variant's walk) ask again
        call.made[want] = session.attempt(
            call.probe, *call.args, seed=call.seed, dtype_made=want, **call.kwargs
        )
    return call.made[want]
