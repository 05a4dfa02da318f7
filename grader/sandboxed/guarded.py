"""The builtins a submitted module runs with: ``getattr``, ``setattr`` and ``delattr`` that
refuse the names which lead to the grader.

A second line only: :mod:`grader.engine.subset` (trusted side) accepts graded code only when
every attribute it reads is written out in its source (``getattr(fn, "__name__", default)``),
so nothing accepted computes a name at run time; a guard that ran next to submitted code
would be no defence on its own.
"""

from __future__ import annotations

import builtins
from types import ModuleType
from typing import Any

# Attributes that walk from an object to frames, code, namespaces, classes' relatives, or
# install a tracer: the ways from a value the probe passed in to the recorder.
ATTRIBUTES = frozenset(
    {
        "f_back",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_code",
        "tb_frame",
        "tb_next",
        "gi_frame",
        "cr_frame",
        "ag_frame",
        "__traceback__",
        "__globals__",
        "__builtins__",
        "__closure__",
        "cell_contents",
        "__code__",
        "__subclasses__",
        "__bases__",
        "__base__",
        "__mro__",
        "__dict__",
        "__getattribute__",
        "__setattr__",
        "__delattr__",
        "__self__",
        "__func__",
        "__wrapped__",
        "__reduce__",
        "__reduce_ex__",
        "__import__",
        "__loader__",
        "__spec__",
        "settrace",
        "setprofile",
        "get_field",
        "attrgetter",
        "methodcaller",
        "walk_stack",
        "walk_tb",
        "read_pickle",
    }
)
# Modules that other modules re-export (``torch.sys``, ``torch.builtins``): the grader, the
# import machinery, memory, the object graph and frames, picklers.
REEXPORTED_MODULES = frozenset(
    {
        "grader",
        "importlib",
        "imp",
        "zipimport",
        "pkgutil",
        "runpy",
        "ctypes",
        "gc",
        "builtins",
        "inspect",
        "pickle",
        "marshal",
        "copyreg",
        "shelve",
        "dill",
        "cloudpickle",
        "_thread",
        "sys",
    }
)
# torch's modules and classes that switch the recorders off, slip ops past them (custom ops,
# compiled kernels) or unpickle (a pickle can call any function of the grader).
TORCH_PARTS = frozenset(
    {
        "overrides",
        "library",
        "compile",
        "package",
        "TorchFunctionMode",
        "TorchDispatchMode",
        "DisableTorchFunction",
        "DisableTorchFunctionSubclass",
    }
)


# Dunders that name or describe an object, nothing more (``getattr(fn, "__name__", repr(fn))``).
DESCRIPTIVE = frozenset({"__name__", "__qualname__", "__doc__", "__module__"})


def refused(obj: Any, name: Any) -> bool:
    """Would reading ``name`` of ``obj`` lead towards the grader? Dunders (less the descriptive
    ones), the lists above, and a module's private parts."""
    if not isinstance(name, str) or name in DESCRIPTIVE:
        return False  # a name that is no str: the real builtin raises TypeError
    if name in ATTRIBUTES or name in REEXPORTED_MODULES or (name.startswith("__") and name.endswith("__")):
        return True
    return isinstance(obj, ModuleType) and (name.startswith("_") or name in TORCH_PARTS)


def _getattr(obj: Any, name: Any, *default: Any) -> Any:
    if refused(obj, name):
        raise AttributeError(f"{name!r} is off limits in graded code")
    return builtins.getattr(obj, name, *default)


def _setattr(obj: Any, name: Any, value: Any) -> None:
    if refused(obj, name) or isinstance(obj, ModuleType):
        raise AttributeError(f"setting {name!r} here is off limits in graded code")
    builtins.setattr(obj, name, value)


def _delattr(obj: Any, name: Any) -> None:
    if refused(obj, name) or isinstance(obj, ModuleType):
        raise AttributeError(f"deleting {name!r} here is off limits in graded code")
    builtins.delattr(obj, name)


def submission_builtins() -> dict[str, Any]:
    """A fresh ``__builtins__`` for one submitted module."""
    return {**vars(builtins), "getattr": _getattr, "setattr": _setattr, "delattr": _delattr}
