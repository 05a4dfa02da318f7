"""Modules answer graded code by what it may read, however it reached them (a library object's
state, ``warnings.catch_warnings()._module``, read by a plain attribute): in the worker each module
loaded by the seal outside the reviewed packages is :class:`Held`, which gives graded code plain
data, the module its path names and the members listed for it, and takes no write
(docs/sandbox.md, "The graded subset"). The grader's own reads and writes are as they were."""

from __future__ import annotations

import atexit
import builtins
import sys
from types import ModuleType
from typing import Any

from grader.sandboxed import guarded, subset_members

# what the checks read, bound now (a module's attribute read from them would be held too)
_GET, _SET, _DEL = ModuleType.__getattribute__, ModuleType.__setattr__, ModuleType.__delattr__
_FRAME, _LOADED, _GRADED = sys._getframe, sys.modules, guarded.graded
# the builtins the grader's and the libraries' frames read (graded code's are guarded ones)
_BUILTINS = builtins.__dict__
# id of a held module -> the members listed for it (None: any, for os.path and a module made later)
_READS: dict[int, frozenset[str] | None] = {}


def _graded_caller(depth: int) -> bool:
    """The frame ``depth`` up (the one reading or writing a module's attribute) is graded code's."""
    try:
        return _GRADED(_FRAME(depth).f_builtins)
    except ValueError:  # no Python frame reads it: the interpreter's own read
        return False


def _refuse(what: str, name: str) -> None:
    if _graded_caller(3):
        raise AttributeError(f"{what} {name!r} of this module is off limits in graded code")


class Held(ModuleType):
    """A module read and written by graded code as the docstring above says."""

    def __getattribute__(self, name: str) -> Any:
        try:  # a frame on the interpreter's own builtins is no graded code's: read as any module
            if _FRAME(1).f_builtins is _BUILTINS:
                return _GET(self, name)
        except ValueError:  # no Python frame reads it: the interpreter's own read
            return _GET(self, name)
        value = _GET(self, name)
        if name.startswith("__"):
            return value
        stray = isinstance(value, ModuleType) and _LOADED.get(f"{_GET(self, '__name__')}.{name}") is not value
        reads = _READS.get(id(self))
        plain = isinstance(value, (int, float, complex, str, bytes, type(None), ModuleType))
        refused = (
            name.startswith("_")
            or stray
            or isinstance(value, dict)
            or not (plain or reads is None or name in reads)
        )
        # whose module and who reads are asked last: most reads (torch's, a listed member) pass first;
        # graded code's own module is its to read
        if refused and not _GRADED(_GET(self, "__dict__").get("__builtins__")) and _graded_caller(2):
            raise AttributeError(f"reading {name!r} of this module is off limits in graded code")
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        _refuse("setting", name)
        _SET(self, name, value)

    def __delattr__(self, name: str) -> None:
        _refuse("deleting", name)
        _DEL(self, name)


def install() -> None:
    """Hold every plain module loaded by now but the reviewed packages' (read by name in the source
    and checked there; torch's own reads stay fast), until the exit clears these checks' names."""
    used = {name.split(".")[0] for name in subset_members.modules()}
    # the import system's own modules, which the interpreter reads in graded code's frame
    # (``from torch import nn`` reads ``_handle_fromlist``), by either name (importlib._bootstrap)
    frozen = [_LOADED.get("_frozen_importlib"), _LOADED.get("_frozen_importlib_external")]
    held = [(n, m) for n, m in list(_LOADED.items()) if type(m) is ModuleType and n.split(".")[0] not in used]
    held = [(n, m) for n, m in held if not any(m is f for f in frozen)]
    for name, module in held:
        module.__class__, listed = Held, subset_members.LISTED.get(name, frozenset())
        _READS[id(module)] = (_READS.get(id(module)) or frozenset()) | listed
    for name, names in subset_members.LISTED.items():  # a listed module's modules: os.path
        found = vars(_LOADED.get(name) or ModuleType(name))
        _READS.update({id(v): None for n in names if isinstance(v := found.get(n), ModuleType)})
    atexit.register(lambda: [_SET(m, "__class__", ModuleType) for _, m in held])
