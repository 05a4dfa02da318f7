"""A :class:`grader.engine.worker.client.TopicSession`'s lanes: its public and its hidden checks' workers,
each with what the session learnt from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from grader.engine.worker.fresh import Worker


@dataclass
class Lane:
    """One worker of a session and what the session learnt from it: the public and the hidden
    checks of a task each have a lane (docs/sandbox.md, "No public check hears from a worker that
    ran a hidden probe"); the other lane only learns that a function it asks about ran past its
    deadline (:meth:`TopicSession._stalled`)."""

    worker: Worker | None = None
    cpu_mark: float | None = None  # the worker's CPU time when it last answered, if read then
    stalls: dict[str, str] = field(default_factory=dict)  # function -> how it first ran past its deadline
    slowest: dict[str, tuple[float, int]] = field(default_factory=dict)  # function -> (slowest, answers)
    last_stall: dict[str, Any] = field(default_factory=dict)


T = TypeVar("T")


class OfLane(Generic[T]):
    """A :class:`TopicSession`'s attribute that is its running check's lane's (read and set)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, session: Any, owner: type | None = None) -> T:
        return cast(T, getattr(session.lane, self.name))

    def __set__(self, session: Any, value: T) -> None:
        setattr(session.lane, self.name, value)
