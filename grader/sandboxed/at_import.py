"""What graded code ran while its module was imported: each torch function and aten op, and the
lines of the topic's file that ran it (a helper file's run is the line importing it). No probe
is in flight then, so no recorder charges an exercise; the trusted side charges each exercise
whose reachable code holds such a line with the twins its list names
(:func:`grader.engine.subset.twins.ran_at_import`): a table an exercise reads, filled at import by
a twin reached through a name computed at run time (``getattr(F, "one" + "_hot")``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from grader.sandboxed import charged

LINES_A_NAME = 32  # what one name's lines may carry back: the first ones met


class _Ran:
    def __init__(self, module: ModuleType) -> None:
        self.globals = vars(module)
        self.lines: dict[str, list[int]] = {}

    def note(self, name: str) -> None:
        where = charged.caller(self.globals, set(), frozenset())
        line = where.get("line", 0) if where else 0
        lines = self.lines.setdefault(name, [])
        if line and line not in lines and len(lines) < LINES_A_NAME:
            lines.append(line)


class _Functions(TorchFunctionMode):
    def __init__(self, ran: _Ran) -> None:
        super().__init__()
        self.ran = ran

    def __torch_function__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        self.ran.note(str(getattr(func, "__name__", func)))
        return func(*args, **(kwargs or {}))


class _Ops(TorchDispatchMode):
    def __init__(self, ran: _Ran) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # torch leaves the mode's __init__ unannotated
        self.ran = ran

    def __torch_dispatch__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        self.ran.note(str(func.overloadpacket.__name__))
        return func(*args, **(kwargs or {}))


@contextmanager
def recorded(module: ModuleType, lines: dict[str, list[int]]) -> Iterator[None]:
    """Inside (``module`` imported): ``lines`` filled with {name: the lines of ``module`` that ran
    it}, names met only outside its code left out."""
    ran = _Ran(module)
    try:
        with _Functions(ran), _Ops(ran):
            yield
    finally:
        lines.update({name: found for name, found in ran.lines.items() if found})
