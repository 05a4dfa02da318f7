"""Whether a dotted name graded code names (``torch.nn.functional.relu``, ``time.time``, an import)
is inside the graded subset: a member of a reviewed module by the member snapshot
(:mod:`grader.sandboxed.subset_members`), of a listed one by :mod:`grader.engine.subset.rules`,
and past a module (a class's or a function's attribute) by the rules for any value's attributes.
The subset check (:mod:`grader.engine.subset.check`) asks this of every import and attribute chain.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import importlib.util
from collections.abc import Iterable
from types import ModuleType

from grader.base.i18n import N_
from grader.engine.subset import aliases as subset_aliases
from grader.engine.subset import rules
from grader.engine.subset.shapes import dunder, private
from grader.sandboxed import subset_members as members


def _root_module(dotted: str) -> str | None:
    """The allow-listed module a dotted name lives in (the longest listed prefix), if any."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in rules.LISTED:
            return prefix
    return parts[0] if parts[0] in rules.OPEN else None


def member_problem(dotted: str) -> tuple[str, str] | None:
    """Why ``dotted`` (a module or a member reached from one) is outside the subset, or None.
    A member of a reviewed module must be allowed by the snapshot (:mod:`grader.sandboxed.subset_members`);
    past it (a class's or a function's attribute), the rules for any value's attributes hold. An
    allowed object is allowed by every path that names it (:mod:`grader.engine.subset.aliases`)."""
    problem = _member_problem(dotted)
    same = subset_aliases.canonical(dotted) if problem is not None else None
    return _member_problem(same) if same is not None else problem


def _member_problem(dotted: str) -> tuple[str, str] | None:
    member = next((m for m in rules.MEMBERS_OF_REFUSED if dotted == m or dotted.startswith(f"{m}.")), None)
    if member is not None:  # past it, any value's attributes
        return _attributes_problem(member, dotted[len(member) + 1 :].split(".") if dotted != member else [])
    root = _root_module(dotted)
    if root is None:
        return N_("module {0}").format(dotted.split(".")[0]), OTHER_MODULE
    parts = dotted.split(".")[len(root.split(".")) :]
    if root in rules.LISTED and parts and parts[0] not in rules.LISTED[root]:
        return (
            f"{root}.{parts[0]}",
            ONLY_LISTED.format(", ".join(sorted(rules.LISTED[root])) or "-", root),
        )
    at = root
    for part in parts:
        reviewed = at in members.modules()
        at = f"{at}.{part}"
        if reviewed:
            verdict = members.decisions().get((at[: -len(part) - 1], part))
            if verdict == members.ALLOWED:
                continue
            if verdict is None and _absent(at[: -len(part) - 1], part):
                return None  # no such member: Python's own AttributeError says so when it runs
            if verdict is None and private(part):
                public = public_name(dotted)
                return at, PUBLIC_NAME.format(public) if public else PRIVATE_INSTEAD.format(at)
            return at, verdict or NOT_RECORDED.format(at)
        problem = _attribute_problem(at, part)
        if problem is not None:
            return problem
    return None


# what a refusal says instead: of a module outside the subset, of a listed module's other member,
# of a reviewed module's member the member list does not record
OTHER_MODULE = N_("use torch, numpy, math and the modules the exercise names")
ONLY_LISTED = N_("use only {0} of {1}")
NOT_RECORDED = N_("{0} is not among the reviewed members graded code may use")
# what a private path's refusal says instead: the public name of the same object, or that none is
PUBLIC_NAME = N_("use {0}, the public name of the same object")
PRIVATE_INSTEAD = N_(
    "{0} is private (its name starts with _) and no public name gives the same object: write what you use of "
    "it with public functions (torch's private helpers allowed: torch._assert, torch._foreach_*)"
)


def public_name(dotted: str) -> str:
    """The allowed name of the object a private path names (``torch._tensor.Tensor``: ``torch.Tensor``,
    ``torch._C._nn.gelu``: ``torch.nn.functional.gelu``), by what it is, among the reviewed modules
    (imported for it: what the grading process imported before must not change the words); ""
    where it names none."""
    module, _, name = dotted.rpartition(".")
    home = _imported(module)
    found = vars(home).get(name) if home is not None else None
    if found is None or not callable(found):
        return ""
    names = [
        f"{m}.{n}"
        for (m, n), verdict in members.decisions().items()
        if verdict == members.ALLOWED and (at := _imported(m)) is not None and vars(at).get(n) is found
    ]
    return min(names, key=lambda n: (len(n), n), default="")


@functools.cache
def _imported(module: str) -> ModuleType | None:
    """The module ``module``, imported where this process has not; None where it cannot be."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _absent(module: str, name: str) -> bool:
    """Whether the module ``module`` has no member ``name``, nor a submodule (imported for it, as
    :func:`public_name`'s modules are)."""
    found = _imported(module)
    return found is not None and members.absent(found, name) and _unfound(f"{module}.{name}")


def _unfound(name: str) -> bool:
    """No module ``name`` is installed (or its parent cannot be imported to look)."""
    try:
        return importlib.util.find_spec(name) is None
    except (ImportError, ValueError):
        return True


def _attributes_problem(at: str, parts: list[str]) -> tuple[str, str] | None:
    """Why the chain of attributes ``parts`` read past ``at`` (a class or a function) is refused."""
    for part in parts:
        at = f"{at}.{part}"
        if problem := _attribute_problem(at, part):
            return problem
    return None


def _attribute_problem(at: str, part: str) -> tuple[str, str] | None:
    """Why ``at`` (ending in the attribute ``part`` of a class or function of a module) is refused."""
    if private(part):
        return at, N_("use the public name")
    if dunder(part) and part not in rules.DUNDER_READ:
        return at, N_("call the public function or method")
    if part in rules.FRAME_ATTRIBUTES:
        return at, N_("pass values as arguments")
    if part in rules.VALUE_METHODS:  # a value's method read off its class (torch.Tensor.resize_)
        return at, rules.VALUE_METHODS[part]
    if part in rules.STANDARD and at not in rules.OWN_NAMES:
        return at, N_("import {0} itself if the exercise needs it").format(part)
    return None


def missing_module(name: str) -> bool:
    """No module ``name`` (a top-level name) is installed: a typo, told as Python tells it."""
    return not (name in rules.OPEN or name in rules.LISTED or name in rules.STANDARD) and _unfound(name)


MISSPELT = 0.75  # difflib's ratio from which a missing module's name is a typo (torchvision: 0.63)
MEMBERS_INSTEAD = N_("from {0} import {1} (the same as {2}), or {2} itself")  # a module's allowed names
MISSING_INSTEAD = N_("check the module's name (torch, numpy, math and the modules the exercise names)")
UNAVAILABLE_INSTEAD = N_(
    "the module is not available to graded code: write what you need yourself with torch (graded code "
    "may import torch, numpy, math and the modules the exercise names)"
)


def not_installed(name: str, local: Iterable[str] = ()) -> tuple[str, str]:
    """What to write instead of importing ``name``, a module not installed, and the name to tell
    as Python tells it: a typo of one graded code may import (``numpyy``, ``troch``, a helper
    file's name), or "" for a library it cannot use (``d2l``)."""
    allowed = [*rules.OPEN, *rules.LISTED, *local]
    if difflib.get_close_matches(name, allowed, n=1, cutoff=MISSPELT):
        return MISSING_INSTEAD, name
    return UNAVAILABLE_INSTEAD, ""
