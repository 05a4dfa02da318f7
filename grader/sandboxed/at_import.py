"""What graded code ran while its module was imported: each torch function and aten op, and the
lines of the topic's file that ran it (a helper file's run is the line importing it). No probe
is in flight then, so no recorder charges an exercise; the trusted side charges each exercise
whose reachable code holds such a line with the twins its list names
(:func:`grader.engine.subset.twins.ran_at_import`): a table an exercise reads, filled at import by
a twin reached through a name computed at run time (``getattr(F, "one" + "_hot")``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from grader.sandboxed import charged
from grader.sandboxed.probe_kit import AtenRecorder, FunctionRecorder

LINES_A_NAME = 32  # what one name's lines may carry back: the first ones met


class _Ran:
    """The op recorders' notes (:class:`probe_kit.Notes`), kept as the lines of ``module`` that ran each."""

    def __init__(self, module: ModuleType) -> None:
        self.globals = vars(module)
        self.lines: dict[str, list[int]] = {}
        self.starved = False  # a recorder ran out of stack: the import fails as it would have

    def note(self, name: str, written: bool = False) -> None:
        where = charged.caller(self.globals, set(), frozenset())
        line = where.get("line", 0) if where else 0
        lines = self.lines.setdefault(name, [])
        if line and line not in lines and len(lines) < LINES_A_NAME:
            lines.append(line)


@contextmanager
def recorded(module: ModuleType, lines: dict[str, list[int]]) -> Iterator[None]:
    """Inside (``module`` imported): ``lines`` filled with {name: the lines of ``module`` that ran
    it}, names met only outside its code left out."""
    ran = _Ran(module)
    try:
        with FunctionRecorder(ran), AtenRecorder(ran):
            yield
    finally:
        lines.update({name: found for name, found in ran.lines.items() if found})
