"""Which of the learner's definitions an exercise was likely renamed to (``def soft_max`` where the
checks call ``softmax``), and the line that asks: one home for `grade FILE`, `grade next` and a
notebook's ``check()``."""

from __future__ import annotations

import ast
import difflib
import re
from pathlib import Path

from grader.base.i18n import _
from grader.engine.selection import exercise_names
from grader.engine.sources import parsed

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
CLOSE = 0.75  # how alike two names must be (difflib's ratio) to ask
# A check's first line when the learner's code does not define the exercise (an emptied file or cell)
_MISSING = re.compile(r"AttributeError\b.*module '\w+' has no attribute '(\w+)'")


def missing_itself(lead: str, exercise: str) -> bool:
    """Whether ``lead`` (a check's first line) says the learner's module has no ``exercise``."""
    found = _MISSING.search(lead.split("\n", 1)[0])
    return found is not None and found.group(1) == exercise


def led_by(line: str, diagnosis: str, exercise: str) -> str:
    """``diagnosis`` led by ``line`` (:func:`asked`, :func:`undefined`), which says in the
    learner's terms what its AttributeError that the module has no ``exercise`` said: one message."""
    rest = diagnosis.split("\n", 1)[1:] if missing_itself(diagnosis, exercise) else [diagnosis]
    return "\n".join(filter(None, [line, *rest]))


def undefined(exercise: str) -> str:
    """The line that leads where a notebook defines no ``exercise`` and nothing close (a cell
    emptied or deleted), true whether or not it was saved since."""
    return _(
        "%(exercise)s is not defined in this notebook: no cell of the saved file defines it (a cell "
        "emptied or deleted? if you wrote it since the last save, save the notebook: Ctrl-S / Cmd-S)"
    ) % {"exercise": exercise}


def renamed_in(source: str, topic: str, name: str) -> str:
    """The learner's top-level definition ``name`` was likely renamed to ("" where ``name`` is
    defined, the source does not parse, or nothing is close): not another exercise of the topic."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ""
    defined = [n.name for n in tree.body if isinstance(n, DEFINITIONS)]
    if name in defined:
        return ""
    others = [d for d in defined if d not in exercise_names(topic)]
    close = difflib.get_close_matches(name, others, n=1, cutoff=CLOSE)
    return close[0] if close else ""


def renamed_at(path: Path, topic: str, name: str) -> str:
    """:func:`renamed_in` the learner's code of ``topic`` at ``path``: a folder (its
    ``<topic>.py``), a topic's file, or a notebook ("" where it cannot be read)."""
    from grader.engine.sources import notebooks

    try:
        if path.suffix == ".ipynb":
            return renamed_in(notebooks.to_module(notebooks.read(path)).source, topic, name)
        file = path / f"{topic}.py" if path.is_dir() else path
        return renamed_in(parsed.text(file.read_bytes()), topic, name)
    except (OSError, ValueError):  # a NotebookError is a ValueError
        return ""


def asked(exercise: str, name: str, topic: str = "") -> str:
    """The line that asks whether ``exercise`` was renamed to ``name`` in ``topic``'s file (no
    topic: in this notebook)."""
    if not topic:
        return _(
            "%(exercise)s is not defined in this notebook: did you mean %(name)s? The checks call it %(exercise)s"
        ) % {"exercise": exercise, "name": name}
    return _(
        "%(exercise)s is not defined in %(topic)s.py: did you mean %(name)s? The checks call it %(exercise)s"
    ) % {"exercise": exercise, "topic": topic, "name": name}
