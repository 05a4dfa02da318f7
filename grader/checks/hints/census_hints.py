"""A structure case's hints from what the learner's module did with its layers (the census of
:func:`grader.sandboxed.probe_kit.layers_untouched`): layers it holds and never applied, an
activation applied another number of times than the docstring's layers apply it."""

from __future__ import annotations

import re
from typing import Any

from grader.base.i18n import N_, _
from grader.checks import domains
from grader.sandboxed import probe_kit as kit

# a submodule's name as the learner's code may spell it (an attribute, a Sequential's index)
_LAYER_NAME = re.compile(r"[A-Za-z_0-9][A-Za-z_0-9.]{0,40}")
UNTOUCHED = N_(
    "%(layers)s: defined with weights that your forward never applies; the docstring's layers "
    "are each applied, in its order"
)


def untouched(case: domains.Case, mine: Any) -> str:
    """A structure case's hint where the learner's module holds layers its forward never applied
    (:func:`grader.sandboxed.probe_kit.layers_untouched`), "" elsewhere."""
    names = mine.get("untouched") if case.fill and isinstance(mine, dict) else None
    if not isinstance(names, list):
        return ""
    shown = [f"self.{n}" for n in names if isinstance(n, str) and _LAYER_NAME.fullmatch(n)][:3]
    return _(UNTOUCHED) % {"layers": ", ".join(shown)} if shown else ""


FEWER_ACTIVATIONS = N_(
    "your forward applies %(op)s fewer times than the docstring's layers (%(mine)d against %(theirs)d): "
    "an activation the docstring names is missing"
)
MORE_ACTIVATIONS = N_(
    "your forward applies %(op)s more times than the docstring's layers (%(mine)d against %(theirs)d): "
    "an activation where the docstring has none"
)


def activations(case: domains.Case, mine: Any, ref: dict[str, Any]) -> str:
    """A structure case's hint where the learner's forward applies an activation a different number
    of times than the reference's layers (their census: probe_kit.layers_untouched), none at all
    included where it applies nothing an activation may be written with; "" elsewhere (one
    written another way, ``clamp(min=0)`` for relu, counts nothing to compare)."""
    census, theirs = (mine.get("census") if isinstance(mine, dict) else None), ref.get("census")
    if not case.fill or not isinstance(census, dict) or not isinstance(theirs, dict):
        return ""
    bare = not any(op in kit.ACTIVATIONS or op in kit.STAND_INS for op in census)
    for op in sorted(theirs):
        count = 0 if bare else census.get(op)
        if op in kit.ACTIVATIONS and isinstance(count, int) and count != theirs[op] and (count or bare):
            said = FEWER_ACTIVATIONS if count < theirs[op] else MORE_ACTIVATIONS
            return _(said) % {"op": op, "mine": count, "theirs": theirs[op]}
    return ""
