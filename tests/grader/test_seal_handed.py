"""What graded code is handed back: an exception carries no object graded code
could not read (``AttributeError.obj`` of a failed lookup was the real module it was raised on), a
member that copies its argument's namespace (``functools.wraps``' ``__dict__`` update) copies only
what graded code could read of it itself, and ``open`` takes a path graded code names, never a
descriptor number of the worker's own or a path into ``/proc`` or ``/dev``."""

from __future__ import annotations

import functools
import os
import sys
import types

import pytest
from helpers import REPO

from grader.engine.subset import submission as subset
from grader.sandboxed import descriptors, guarded

RAISED_ON = """
import sys


def reach():
    try:
        getattr(sys, "zz" + "z")
    except AttributeError as e:
        return e.obj
"""
# the same object by the ways a name is read without a plain attribute
RAISED_ON_ELSEWHERE = {
    "a case pattern": (
        "import sys\n\n\ndef reach():\n    try:\n        getattr(sys, 'zz' + 'z')\n"
        "    except AttributeError as e:\n        match e:\n            case AttributeError(obj=m):\n"
        "                return m\n"
    ),
    "a format field": (
        "import sys\n\n\ndef reach():\n    try:\n        getattr(sys, 'zz' + 'z')\n"
        "    except AttributeError as e:\n        return '{0.obj!r}'.format(e)\n"
    ),
}
COMPUTED = """
import sys


def reach():
    try:
        getattr(sys, "zz" + "z")
    except AttributeError as e:
        return getattr(e, "o" + "bj")
"""
WRAPS_MODULE = """
import functools
import sys


def carrier(module):
    @functools.wraps(module)
    def inner():
        return None

    return inner


def reach():
    return getattr(carrier(sys), "mod" + "ules")
"""
WRAPS_HONEST = """
import functools


def counted(fn):
    @functools.wraps(fn)
    def inner(*args):
        inner.calls += 1
        return fn(*args)

    inner.calls = 0
    return inner


def tagged(fn):
    fn.tag = "public"
    return fn


@counted
@tagged
def double(x):
    \"\"\"Twice x.\"\"\"
    return 2 * x
"""


def _graded(source: str, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """``source`` run as a graded module (the guarded builtins) in this process."""
    module = types.ModuleType("graded_handed")
    module.__dict__["__builtins__"] = guarded.submission_builtins()
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(source, module.__dict__)
    return module


def _sealed_wraps(monkeypatch: pytest.MonkeyPatch) -> None:
    """``functools.update_wrapper`` as the worker's seal leaves it."""
    monkeypatch.setattr(
        functools, "update_wrapper", getattr(guarded, "update_wrapper", functools.update_wrapper)
    )


@pytest.mark.unit
def test_a_failed_lookup_hands_back_no_module(monkeypatch):
    module = _graded(RAISED_ON, monkeypatch)
    assert module.reach() is None, "the AttributeError of a module's absent member carried the module"


@pytest.mark.unit
@pytest.mark.parametrize("how", ["a plain attribute", *sorted(RAISED_ON_ELSEWHERE)])
def test_the_object_an_exception_was_raised_on_is_not_read(how):
    source = RAISED_ON_ELSEWHERE.get(how, RAISED_ON)
    assert subset.check(source), f"{how}: an exception's object read"


@pytest.mark.unit
def test_the_object_an_exception_was_raised_on_is_not_read_by_a_computed_name(monkeypatch):
    module = _graded(COMPUTED, monkeypatch)
    with pytest.raises(AttributeError, match="off limits"):
        module.reach()
    # whatever object the interpreter sets on what it raises is read by no name
    probe = types.SimpleNamespace()
    try:
        probe.absent  # noqa: B018
    except AttributeError as error:
        carried = {n for n in dir(error) if getattr(error, n) is probe}
    assert carried and carried <= guarded.ATTRIBUTES


@pytest.mark.unit
def test_wraps_copies_no_module_namespace(monkeypatch):
    _sealed_wraps(monkeypatch)
    module = _graded(WRAPS_MODULE, monkeypatch)
    with pytest.raises(AttributeError):
        module.reach()
    assert "modules" not in vars(module.carrier(sys))


@pytest.mark.unit
def test_wraps_copies_what_graded_code_may_read(monkeypatch):
    _sealed_wraps(monkeypatch)
    module = _graded(WRAPS_HONEST, monkeypatch)
    assert module.double(3) == 6 and module.double.calls == 1
    assert (module.double.__name__, module.double.__doc__, module.double.tag) == (
        "double",
        "Twice x.",
        "public",
    )
    assert subset.check(WRAPS_HONEST) == []


# a path that answers the guard's questions itself: a str subclass denying every prefix, suffix and
# substring test; a PathLike naming a file of the submission first, a descriptor after (attacks a125's 70)
_DENYING = (
    "class S(str):\n"
    "    def startswith(self, *a):\n        return False\n"
    "    def endswith(self, *a):\n        return False\n"
    "    def __contains__(self, item):\n        return False\n\n\n"
)
OPENS = {
    "a str subclass by /proc": _DENYING + "def reach():\n    return open(S('/proc/self/fdinfo/0'))\n",
    "a str subclass by /dev": _DENYING + "def reach():\n    return open(S('/dev/zero'), 'rb')\n",
    "a descriptor number": "def reach():\n    return open(0, 'rb', closefd=False)\n",
    "the worker's descriptors by path": "def reach():\n    return open('/proc/self/fd/0', 'rb')\n",
    "a descriptor by /dev": "def reach():\n    return open('/dev/stdin', 'rb')\n",
}


@pytest.mark.unit
@pytest.mark.parametrize("how", sorted(OPENS))
def test_open_takes_no_descriptor_of_the_worker(monkeypatch, how):
    module = _graded(OPENS[how], monkeypatch)
    with pytest.raises(PermissionError, match="graded code"):
        module.reach()


TURNING = (
    "class P:\n"
    "    seen = 0\n\n"
    "    def __init__(self, first):\n        self.first = first\n\n"
    "    def __fspath__(self):\n"
    "        P.seen += 1\n"
    "        return self.first if P.seen == 1 else '/proc/self/fd/0'\n\n\n"
    "def read(first):\n    with open(P(first)) as f:\n        return f.read()\n"
)


@pytest.mark.unit
def test_open_reads_the_path_it_was_checked_for(monkeypatch):
    """A PathLike naming a file of the submission when checked and a descriptor after is read once."""
    module = _graded(TURNING, monkeypatch)
    assert module.read(str(REPO / "pyproject.toml")).startswith("[")


@pytest.mark.unit
@pytest.mark.parametrize("where", ["/proc/self/fd", "/dev/fd", 0, "S('/proc/self/fd')"])
def test_no_directory_of_the_workers_descriptors_is_listed(monkeypatch, where):
    monkeypatch.setattr(os, "listdir", descriptors.listdir)
    source = _DENYING + "import os\n\n\ndef reach(where):\n    return os.listdir(where)\n"
    module = _graded(source, monkeypatch)
    with pytest.raises(PermissionError, match="graded code"):
        module.reach(module.S("/proc/self/fd") if where == "S('/proc/self/fd')" else where)
    assert os.listdir("/proc/self/fd")  # the worker's own reads are its own


@pytest.mark.unit
def test_open_reads_a_file_graded_code_names(monkeypatch):
    module = _graded("def read(path):\n    with open(path) as f:\n        return f.read()\n", monkeypatch)
    assert module.read(REPO / "pyproject.toml").startswith("[")
