"""The builtins a submitted module runs with: ``getattr``, ``hasattr``, ``setattr`` and
``delattr`` that hold a name computed at run time to the lists the static check holds a
written-out name to (docs/sandbox.md, "The graded subset").

A name is an exact ``str`` or refused, a path an exact copy: a subclass could answer the guard's
questions itself (its ``__eq__``, ``startswith``). The guard's state is out of reach of what a submission writes: its
functions run over a private copy of this module's namespace, of the builtins and of the modules
they read, made when it is imported (:func:`_sealed`), not the module globals a member that writes
a module's namespace could replace (``enum.global_enum``, refused in the member list too).
"""

from __future__ import annotations

import builtins
import enum
import errno
import functools
import inspect
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import BuiltinFunctionType, FunctionType, MappingProxyType, MethodType, ModuleType, SimpleNamespace
from typing import Any

from grader.sandboxed import subset_members

# Attributes that walk from an object to frames, code, namespaces, classes' relatives, or install a tracer.
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
        # the static check's frame and raw-memory attributes, and the grader's objects' own
        "gi_code",
        "cr_code",
        "ag_code",
        "f_trace",
        "ctypes",
        "from_file",
        "cpu_data",
    }
)


def _raised_on() -> frozenset[str]:
    """The attributes on which an exception the interpreter raises hands back the object it was
    raised on (a failed lookup's AttributeError carries the object looked at: a module graded code
    names only by its members): measured on a lookup of this interpreter, not named."""
    probe = SimpleNamespace()
    try:
        probe.absent  # noqa: B018
    except AttributeError as error:
        return frozenset(n for n in dir(error) if builtins.getattr(error, n) is probe)
    raise AssertionError("an absent attribute was found")


RAISED_ON = _raised_on()
ATTRIBUTES |= RAISED_ON
# Methods of values that compile, share memory with other processes, write files or resize a storage
# under its views (``model.compile()``): the static check's VALUE_METHODS.
VALUE_METHODS = frozenset({"compile", "share_memory", "share_memory_", "tofile", "resize_"})
# Methods the static check allows only where it reads their call: those that evaluate the fields of
# the string they are called on (``{0.a[b]}`` reads attributes by a name no check sees), allowed on a
# literal of plain fields; numpy's in-place resize, whose keyword turns its memory check off
# (``refcheck=False`` under a live view), allowed with its keywords written out. A computed name
# shows no call to read: refused, but on graded code's own objects (attacks a122's 47 and 125:
# refcheck=False through ``**`` of a computed key; str.format's fields walking a generator's frames).
FORMATS = frozenset({"format", "format_map"})
WRITTEN_OUT = frozenset({"resize"})
# Dunders that name or describe an object, nothing more (``getattr(fn, "__name__", repr(fn))``).
DESCRIPTIVE = frozenset({"__name__", "__qualname__", "__doc__", "__module__"})
# The member list's verdicts as they are read once: (module, member) -> "+" or why refused.
VERDICTS = MappingProxyType(dict(subset_members.decisions()))


def refused(obj: Any, name: Any) -> bool:
    """Would reading ``name`` of ``obj`` lead towards the grader? Dunders (less the descriptive
    ones), the list above, private names but on instances of graded code's own classes, and a
    module's members that the snapshot does not allow; and any name that is not exactly a ``str``."""
    if type(name) is not str:
        return True
    if name in DESCRIPTIVE:
        return False
    if name in ATTRIBUTES or (name.startswith("__") and name.endswith("__")):
        return True
    if isinstance(obj, ModuleType):
        return VERDICTS.get((obj.__name__, name)) != subset_members.ALLOWED
    if name in VALUE_METHODS:
        return True
    return (name.startswith("_") or name in FORMATS or name in WRITTEN_OUT) and not _graded_instance(obj)


def _graded_instance(obj: Any) -> bool:
    """``obj`` is no class, and its class was defined by graded code (its module runs with these
    builtins): its private attributes are its own (``getattr(self, "_t", 0)``). Every other
    object's (a library's: ``typing.ForwardRef._evaluate``) are not graded code's to read."""
    if isinstance(obj, type):
        return False
    home = sys.modules.get(builtins.getattr(builtins.type(obj), "__module__", None) or "")
    return home is not None and graded(vars(home).get("__builtins__"))


def _graded_code(value: Any) -> bool:
    """``value`` is a function (or a bound method) graded code defined: its name is its own."""
    function = builtins.getattr(value, "__func__", value)
    return isinstance(function, FunctionType) and graded(function.__globals__.get("__builtins__"))


def graded(found: object) -> bool:
    """``found`` (a module's builtins, a frame's) are graded code's: these guarded builtins."""
    return isinstance(found, dict) and found.get("getattr") is _getattr


class _Watch:
    """The twins of the exercise whose call runs now (names as the suite's ``OFF_LIMITS`` keys
    them: ``sigmoid``, ``baddbmm``, ``distributions``), and where to note one reached."""

    def __init__(self) -> None:
        self.names: frozenset[str] = frozenset()
        self.seen: set[str] = set()


_WATCH = _Watch()


def _watching(names: frozenset[str], seen: set[str]) -> Iterator[None]:
    """Inside: a function or class a name computed at run time reaches (``getattr(torch,
    "sigmoid" + "_")``) is noted in ``seen`` when it is one of ``names``, by what it is: its own
    name (an in-place form's too) or a module it lives in (``torch.distributions.categorical``).
    The source cannot name it; the exercise's call is charged with it as its twin."""
    before = (_WATCH.names, _WATCH.seen)
    _WATCH.names, _WATCH.seen = names, seen
    try:
        yield
    finally:
        _WATCH.names, _WATCH.seen = before


class OffLimitsOp(RuntimeError):
    """An op (or a function) the docstring puts off limits was called, or reached by a computed
    name, while the exercise's call ran (``probe_kit.ops_used`` answers it as the twin)."""


def _watched(value: Any) -> None:
    """Note ``value`` and refuse it when it is a twin of the exercise whose call runs now: it is
    not run (a replaced op may cost seconds of imports to shape its answer)."""
    if not _WATCH.names or not callable(value) or isinstance(value, ModuleType) or _graded_code(value):
        return
    own = builtins.getattr(value, "__name__", None)
    home = builtins.getattr(value, "__module__", None)
    names = {own, own.rstrip("_")} if isinstance(own, str) else set()
    names |= set(home.split(".")[1:]) if isinstance(home, str) and home.startswith("torch.") else set()
    if names & _WATCH.names:
        _WATCH.seen.update(names & _WATCH.names)
        raise OffLimitsOp(f"{own} is off limits in this exercise")


def _getattr(obj: Any, name: Any, *default: Any) -> Any:
    if isinstance(obj, ModuleType) and type(name) is str and subset_members.absent(obj, name):
        if default:
            return default[0]
        # Python's words for no such member, without the module it would carry (``.obj``)
        raise AttributeError(f"module {obj.__name__!r} has no attribute {name!r}", name=name)
    own = _own_method(obj, name)
    if own is None and refused(obj, name):
        raise AttributeError(f"{name!r} is off limits in graded code")
    value = builtins.getattr(obj, name, *default)
    if own is not None and not (
        isinstance(value, MethodType) and value.__func__ is own and value.__self__ is obj
    ):
        raise AttributeError(f"{name!r} is off limits in graded code")
    if isinstance(value, ModuleType):
        raise AttributeError(f"{name!r} is a module: in graded code, write module.member where you use it")
    if isinstance(obj, type) and isinstance(value, FunctionType) and not _static(obj, name):
        raise AttributeError(
            f"{name!r} read off its class is off limits in graded code: call it on an instance"
        )
    _watched(value)
    return _watched_when_called(value) if isinstance(obj, ModuleType) else value


def _own_method(obj: Any, name: Any) -> FunctionType | None:
    """The function of graded code that reading ``name`` off ``obj`` binds, where ``obj`` is an
    instance of graded code's class and the class ``name`` resolves on defines it so
    (``getattr(Value(x), "__sub__")``): the method runs graded code, nothing more, whatever its
    name. None otherwise (object's dunders, a library's, the attributes above)."""
    if type(name) is not str or name in ATTRIBUTES or not _graded_instance(obj):
        return None
    found = inspect.getattr_static(builtins.type(obj), name, None)
    ours = isinstance(found, FunctionType) and graded(found.__globals__.get("__builtins__"))
    return found if ours else None


def _static(cls: type, name: str) -> bool:
    """``name`` is a static method of ``cls``: a function read off a class that takes no ``self``
    (any other could be called with any object as its ``self``: a module, a library's object)."""
    return isinstance(inspect.getattr_static(cls, name, None), staticmethod)


def _vars(obj: Any) -> dict[str, Any]:
    """``vars(self)``: the state of an object graded code made, while it holds no module; never a
    module's namespace, a class's dict, or a library object's state (``catch_warnings._module``)."""
    found: dict[str, Any] | None = _own_state(obj) if _graded_instance(obj) else None
    if found is None or any(isinstance(v, (ModuleType, MappingProxyType)) for v in found.values()):
        raise TypeError("vars() of this object is off limits in graded code: read its attributes by name")
    return found


def _plain_key(key: Any) -> Any:
    if type(key) is not str or (key.startswith("__") and key.endswith("__")):
        raise KeyError(f"{key!r}: graded code gives its objects no attribute but plain names")
    return key


class OwnState(dict):  # type: ignore[type-arg]
    """The state of an instance of graded code's class: written by plain names only (subscript,
    ``update``, ``setdefault``, ``|=``), never a dunder its class statement did not define."""

    def __setitem__(self, key: Any, value: Any) -> None:
        dict.__setitem__(self, _plain_key(key), value)

    def update(self, *args: Any, **kwargs: Any) -> None:
        dict.update(self, {_plain_key(k): v for k, v in dict(*args, **kwargs).items()})

    def setdefault(self, key: Any, default: Any = None) -> Any:
        return dict.setdefault(self, _plain_key(key), default)

    def __ior__(self, other: Any) -> OwnState:  # type: ignore[misc]
        self.update(other)
        return self


def _own_state(obj: Any) -> dict[str, Any] | None:  # obj's state made an OwnState; None: it has none
    found = builtins.getattr(obj, "__dict__", None)
    if isinstance(found, dict) and builtins.type(found) is not OwnState:
        object.__setattr__(obj, "__dict__", found := OwnState(found))
    return found if isinstance(found, dict) else None


# The dunders a library reads off an instance, not its class (numpy's array protocols): a graded class's
# are its statement's or none, whatever a write past OwnState (``dict.update(vars(self), ...)``) left.
ON_INSTANCE = frozenset("__array_interface__ __array_struct__ __array__ __cuda_array_interface__".split())


class _Absent:  # a protocol of ON_INSTANCE its class does not define: no instance of it has one
    def __get__(self, obj: Any, owner: Any = None) -> Any:
        raise AttributeError("not defined by the class statement")

    def __set__(self, obj: Any, value: Any) -> None:
        raise AttributeError("graded code gives its objects no attribute but plain names")


def _build_class(body: Any, name: Any, *bases: Any, **keywords: Any) -> Any:
    """The class statement of graded code: every instance is made holding an :class:`OwnState`
    (a copy's ``__new__`` is the class's; an enum's members are made with it), and no protocol of
    :data:`ON_INSTANCE` its statement did not define."""
    made = builtins.__build_class__(body, name, *bases, **keywords)
    if not isinstance(made, type):
        return made
    for protocol in (p for p in ON_INSTANCE if inspect.getattr_static(made, p, None) is None):
        type.__setattr__(made, protocol, _Absent())
    if isinstance(made, enum.EnumType):  # its members are made with it; its __new__ is enum's
        for member in list(made.__members__.values()):  # type: ignore[var-annotated]
            _own_state(member)
        return made
    inherited: Any = made.__new__

    def __new__(kind: type, *args: Any, **kwargs: Any) -> Any:
        fresh = inherited(kind) if inherited is object.__new__ else inherited(kind, *args, **kwargs)
        if isinstance(fresh, kind):
            _own_state(fresh)
        return fresh

    type.__setattr__(made, "__new__", staticmethod(__new__))
    return made


_FUNCTIONS = (FunctionType, BuiltinFunctionType, functools.partial)


def _watched_when_called(value: Any) -> Any:
    """A module's function reached by a computed name (a table filled at import or by an earlier
    call: ``{"x": getattr(nn.init, "xavier_" + "uniform_")}``), watched at each call as it would
    have been where it was reached (:func:`_watched`); classes and values as they are."""
    if not isinstance(value, _FUNCTIONS):
        return value

    @functools.wraps(value)
    def watched(*args: Any, **kwargs: Any) -> Any:
        _watched(value)
        return value(*args, **kwargs)

    return watched


_UPDATE_WRAPPER = functools.update_wrapper


def update_wrapper(
    wrapper: Any,
    wrapped: Any,
    assigned: Any = functools.WRAPPER_ASSIGNMENTS,
    updated: Any = functools.WRAPPER_UPDATES,
) -> Any:
    """``functools.update_wrapper`` (what ``@wraps(fn)`` runs), installed at the seal: called from
    graded code, or on a module or a class, it copies onto ``wrapper`` only what graded code could
    read of ``wrapped`` itself through these builtins (the public attributes of its own function),
    never a module's namespace or a class's functions; anywhere else it is functools' own."""
    caller = sys._getframe(1).f_builtins
    if not graded(caller) and not isinstance(wrapped, (ModuleType, type)):
        return _UPDATE_WRAPPER(wrapper, wrapped, assigned, updated)
    if set(updated) - {"__dict__"}:
        raise AttributeError("graded code copies a function's own attributes only (updated=('__dict__',))")
    named = [a for a in assigned if a in functools.WRAPPER_ASSIGNMENTS or not refused(wrapped, a)]
    _UPDATE_WRAPPER(wrapper, wrapped, named, ())
    for key in list(builtins.getattr(wrapped, "__dict__", {})) if updated else []:
        try:
            value = _getattr(wrapped, key)
        except AttributeError:
            continue  # what graded code could not read of it is not handed on
        builtins.setattr(wrapper, key, value)
    return wrapper


# what a process's folder in /proc names its descriptors and memory by (/proc/self/fd/0, .../mem)
_PROC_DESCRIPTORS = frozenset({"fd", "fdinfo", "mem", "map_files"})


def plain_path(file: Any) -> Any:
    """A path read once, an exact str or bytes (a PathLike's ``__fspath__`` answers anew each time)."""
    if not isinstance(file, (str, bytes, os.PathLike)):
        return file
    path = os.fspath(file)
    return str.__str__(path) if isinstance(path, str) else bytes(memoryview(path))


def descriptor(file: Any) -> bool:
    """``file`` is no path graded code names: a descriptor number (an int is no declared file: the
    worker's own pipes are 0 and 3), a path into ``/dev`` or one of a process's descriptors or
    memory in ``/proc``, where those descriptors have names too (``/proc/self/fd/0``, ``/dev/stdin``)."""
    file = plain_path(file)
    return not isinstance(file, (str, bytes)) or names_descriptor(os.path.realpath(file))


def names_descriptor(path: str | bytes) -> bool:
    """The absolute ``path``, as written, is in ``/dev`` or among a process's descriptors or memory in ``/proc``."""
    parts = os.fsdecode(path).split("/")
    return (parts[1:2] == ["dev"] and len(parts) > 2) or (
        parts[1:2] == ["proc"] and not _PROC_DESCRIPTORS.isdisjoint(parts[3:])
    )


def _open(file: Any, *args: Any, **kwargs: Any) -> Any:
    """``open`` of a file graded code names by its path (:func:`descriptor`), read once."""
    file = plain_path(file)
    if descriptor(file):
        raise PermissionError(
            errno.EACCES, f"opening {file!r} is off limits in graded code: open a file by its path"
        )
    return builtins.open(file, *args, **kwargs)


def _hasattr(obj: Any, name: Any) -> bool:
    if type(name) is not str or (isinstance(obj, ModuleType) and refused(obj, name)):
        return False  # a module's member graded code may not use is not there for it
    return builtins.hasattr(obj, name)


def _setattr(obj: Any, name: Any, value: Any) -> None:
    if refused(obj, name) or isinstance(obj, (ModuleType, type)):
        raise AttributeError(f"setting {name!r} here is off limits in graded code")
    builtins.setattr(obj, name, value)


def _delattr(obj: Any, name: Any) -> None:
    if refused(obj, name) or isinstance(obj, (ModuleType, type)):
        raise AttributeError(f"deleting {name!r} here is off limits in graded code")
    builtins.delattr(obj, name)


# Classes graded code sees as another (id -> the class shown): the second device's tensors are
# a GPU's torch.Tensor to ``type()`` (grader/sandboxed/stand_in.py), their storages torch's.
SHOWN_TYPES: dict[int, type] = {}


class _TypeOfShown(type):
    """The metaclass of the ``type`` graded code names: ``type(x)`` reads :data:`SHOWN_TYPES`;
    everything else (three arguments, ``isinstance(c, type)``, ``type[int]``, a metaclass
    deriving from it) is the builtin's."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is not _Type:  # a learner's metaclass deriving from type
            return super().__call__(*args, **kwargs)
        if len(args) == 1 and not kwargs:
            kind = builtins.type(args[0])
            return SHOWN_TYPES.get(id(kind), kind)
        if len(args) == 3 and builtins.type(args[2]) is dict and "__module__" not in args[2]:
            args = (*args[:2], {"__module__": sys._getframe(1).f_globals.get("__name__"), **args[2]})
        return builtins.type(*args, **kwargs)

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, builtins.type) if cls is _Type else super().__instancecheck__(obj)

    def __subclasscheck__(cls, sub: Any) -> bool:
        return issubclass(sub, builtins.type) if cls is _Type else super().__subclasscheck__(sub)

    def __getitem__(cls, item: Any) -> Any:
        return builtins.type[item]


class _Type(type, metaclass=_TypeOfShown):
    pass


_Type.__name__ = _Type.__qualname__ = "type"
_Type.__module__ = "builtins"


def submission_builtins() -> dict[str, Any]:
    """A fresh ``__builtins__`` for one submitted module."""
    guarded = {
        "getattr": _getattr,
        "hasattr": _hasattr,
        "setattr": _setattr,
        "delattr": _delattr,
        "type": _Type,
        "vars": _vars,
        "open": _open,
        "__build_class__": _build_class,
    }
    return {**vars(builtins), **guarded}


def _sealed(namespace: dict[str, Any]) -> None:
    """Each function of this module, and each method of its classes, rebound to a private copy of
    ``namespace`` in which the modules it reads (``builtins``, ``sys``, ``subset_members``) are
    snapshots of their namespaces, with a private copy of the builtins: no name a submission can
    form reaches what the guard looks up at each call. The module's names are the rebound ones."""
    private = {
        k: SimpleNamespace(**vars(v)) if isinstance(v, ModuleType) else v for k, v in namespace.items()
    }
    private["__builtins__"] = dict(vars(builtins))

    def rebound(function: FunctionType) -> FunctionType:
        copy = FunctionType(
            function.__code__, private, function.__name__, function.__defaults__, function.__closure__
        )
        copy.__kwdefaults__, copy.__qualname__ = function.__kwdefaults__, function.__qualname__
        copy.__doc__ = function.__doc__
        return copy

    for name, value in namespace.items():
        if isinstance(value, FunctionType) and value.__globals__ is namespace:
            private[name] = namespace[name] = rebound(value)
        elif isinstance(value, type) and value.__module__ == __name__:
            for attribute, method in vars(value).copy().items():
                if isinstance(method, FunctionType) and method.__globals__ is namespace:
                    builtins.setattr(value, attribute, rebound(method))


_sealed(globals())
watching = contextmanager(_watching)  # made from the rebound generator
