"""Modules answer graded code by the member list, however it reached them. A library object may
hold a module in its state (``warnings.catch_warnings()._module``), read by a plain attribute that
neither the source check nor the guarded ``getattr`` sees; from there ``.sys.modules`` led to the
grader's modules and their namespaces. In the worker every module loaded by the seal outside
the reviewed packages (``sys``, ``os``, the grader's) is a :class:`Held`: read from graded code's frames it gives no private member, no namespace the member
list does not allow, and no module but the one the import system knows by that path (``torch.nn``,
``os.path``; not ``warnings.sys``); written from them, it takes no value. The grader's own reads
and writes are as they were."""

from __future__ import annotations

import atexit
import sys
from types import ModuleType
from typing import Any

from grader.sandboxed import guarded, subset_members

# what the checks below read, bound now: a module's attribute read from them would be held too
_GET, _SET, _DEL = ModuleType.__getattribute__, ModuleType.__setattr__, ModuleType.__delattr__
_FRAME, _LOADED, _GRADED = sys._getframe, sys.modules, guarded.graded
_VERDICTS, _ALLOWED = guarded.VERDICTS, subset_members.ALLOWED


def _refused(module: ModuleType, name: str, value: Any) -> bool:
    """Would graded code reading ``name`` of ``module`` (giving ``value``) leave the subset: a
    private member, a namespace (``sys.modules``) the member list does not allow, or a module the
    import system does not know by that path?"""
    own = _GET(module, "__name__")
    if isinstance(value, ModuleType):
        return _LOADED.get(f"{own}.{name}") is not value
    return name.startswith("_") or (isinstance(value, dict) and _VERDICTS.get((own, name)) != _ALLOWED)


def _graded_caller() -> bool:
    """The code reading or writing a held module's attribute is graded code's."""
    try:
        return _GRADED(_FRAME(2).f_builtins)
    except ValueError:  # no Python frame reads it: the interpreter's own read
        return False


class Held(ModuleType):
    """A module whose attributes, read or written by graded code, follow the member list."""

    def __getattribute__(self, name: str) -> Any:
        value = _GET(self, name)
        if name.startswith("__") or not _graded_caller():
            return value
        if _refused(self, name, value):
            raise AttributeError(f"{name!r} of this module is off limits in graded code")
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if _graded_caller():
            raise AttributeError(f"setting {name!r} of a module is off limits in graded code")
        _SET(self, name, value)

    def __delattr__(self, name: str) -> None:
        if _graded_caller():
            raise AttributeError(f"deleting {name!r} of a module is off limits in graded code")
        _DEL(self, name)


def install() -> None:
    """Every plain module loaded by now held (one of another class keeps it) but the packages of
    the reviewed modules (their members are read by name in the source, and checked there; torch's
    own reads of its modules stay fast), until the interpreter's exit clears these checks' names."""
    used = {name.split(".")[0] for name in subset_members.modules()}  # torch's, numpy's: fast as they are
    held = [m for n, m in list(_LOADED.items()) if type(m) is ModuleType and n.split(".")[0] not in used]
    for module in held:
        module.__class__ = Held
    atexit.register(lambda: [_SET(m, "__class__", ModuleType) for m in held])
