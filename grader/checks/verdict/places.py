"""A place in the learner's code, kept as data until it is shown: a traceback's frame (file,
line, function, the line's code) as the worker sends it, a refused line of the subset check, the
function and line an off-limits op was called from. Rendered here, in the learner's language
(``losses.py, line 23, in mse: ...`` / ``losses.py 第 23 行，mse 中：...``), and where the graded
module was made from a notebook, in the notebook's terms (``cell 4 (`def mse(...)`), line 3``):
a place is never written in English and read back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from grader.base import clean
from grader.base.i18n import _

# A notebook's graded module: its file name, and each of its lines' (cell label, line in the cell)
Origin = Callable[[int], "tuple[str, int] | None"]
_notebook: ContextVar[tuple[str, Origin] | None] = ContextVar("notebook", default=None)


@contextmanager
def in_notebook(file: str, origin: Origin) -> Iterator[None]:
    """Places in ``file`` (the module made from a notebook) are shown as ``origin`` maps its lines."""
    token = _notebook.set((file, origin))
    try:
        yield
    finally:
        _notebook.reset(token)


@dataclass(frozen=True)
class Place:
    file: str = ""
    line: int = 0
    function: str = ""
    code: str = ""

    @classmethod
    def of(cls, record: Any) -> Place | None:
        """A frame as the worker sent it (plain data, within the submission's reach): each part
        checked and cleaned here; None where it is not a frame."""
        if not isinstance(record, dict) or not isinstance(record.get("line"), int):
            return None
        parts = {k: record.get(k) for k in ("file", "function", "code")}
        if not all(isinstance(v, str | None) for v in parts.values()):
            return None
        return cls(
            file=clean.name(parts["file"] or ""),
            line=int(record["line"]),
            function=clean.name(parts["function"] or ""),
            code=clean.name(parts["code"] or ""),
        )


def file_line(file: str, line: int) -> tuple[str, int] | None:
    """``file`` and ``line`` as the learner knows them: a notebook's cell and line in it; None
    for a line of a notebook's module no cell holds."""
    notebook = _notebook.get()
    if notebook is None or file != notebook[0]:
        return file, line
    return notebook[1](line)


def text(place: Place) -> str:
    """``place`` in the learner's words and language."""
    shown = file_line(place.file, place.line) if place.file else ("", place.line)
    if shown is None:
        return _("the notebook's code")
    file, line = shown
    values = {"file": file, "line": line, "function": place.function, "code": place.code}
    if not file:
        return _("%(function)s, line %(line)d") % values
    if place.function and place.code:
        return _("%(file)s, line %(line)d, in %(function)s: %(code)s") % values
    if place.function:
        return _("%(file)s, line %(line)d, in %(function)s") % values
    if place.code:
        return _("%(file)s, line %(line)d: %(code)s") % values
    return _("%(file)s, line %(line)d") % values


def called_at(record: Any) -> str:
    """Where an op was called, as the probe kit recorded it (a function of the learner's module
    and a line, or none: outside the learner's functions)."""
    place = Place.of(record)
    if place is None or not place.function:
        return _("outside your functions")
    return text(place)


def function_in(function: str, file: str) -> str:
    """``mse() in losses.py``: a function of the learner's file."""
    return _("%(function)s() in %(file)s") % {"function": function, "file": file}


SHOWN_FRAMES = 3  # the innermost frames of the learner's code an error shows


def frames(records: Any, last: int = SHOWN_FRAMES) -> list[str]:
    """The last ``last`` frames the worker sent, each in the learner's words (not a frame: left out)."""
    found = [Place.of(r) for r in records[-last:]] if isinstance(records, list) else []
    return [text(p) for p in found if p is not None]
