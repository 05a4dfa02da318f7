"""Modules answer graded code by what it may read, however it reached them. A library object may
hold a module in its state (``warnings.catch_warnings()._module``), read by a plain attribute that
neither the source check nor the guarded ``getattr`` sees: from there ``.sys.modules`` led to the
grader's namespaces. In the worker each module loaded by the seal outside the reviewed packages
(``sys``, ``os``, the grader's) is :class:`Held`: read from graded code, it gives no private member,
no namespace and no module but the one its path names (``os.path``, not ``warnings.sys``); written
from graded code, it takes nothing. The grader's own reads and writes are as they were."""

from __future__ import annotations

import atexit
import sys
from types import ModuleType
from typing import Any

from grader.sandboxed import guarded, subset_members

# what the checks read, bound now (a module's attribute read from them would be held too)
_GET, _SET, _DEL = ModuleType.__getattribute__, ModuleType.__setattr__, ModuleType.__delattr__
_FRAME, _LOADED, _GRADED = sys._getframe, sys.modules, guarded.graded


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
        value = _GET(self, name)
        if name.startswith("__"):
            return value
        stray = isinstance(value, ModuleType) and _LOADED.get(f"{_GET(self, '__name__')}.{name}") is not value
        # the frame is read last: most reads (torch's own, every public member) are let through first
        if (name.startswith("_") or isinstance(value, dict) or stray) and _graded_caller(2):
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
    # (``from torch import nn`` reads ``_handle_fromlist``)
    used |= {"_frozen_importlib", "_frozen_importlib_external", "importlib"}
    held = [m for n, m in list(_LOADED.items()) if type(m) is ModuleType and n.split(".")[0] not in used]
    for module in held:
        module.__class__ = Held
    atexit.register(lambda: [_SET(m, "__class__", ModuleType) for m in held])
