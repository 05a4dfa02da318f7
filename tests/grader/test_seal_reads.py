"""What graded code may read at run time: what ``vars`` may hand back
(never a module's namespace, a class's dict, a library object's state), no method read off a class
by a computed name (the source rule's twin at run time), the frames above graded code's unnamed to
it, and the members handed out (``warnings.formatwarning``, ``sys.stdout``) reading and writing
nothing of the grader's."""

from __future__ import annotations

import sys
import types

import pytest

from grader.sandboxed import guarded

# a method read off a class by a computed name, then called with a library object as its self
UNBOUND = """
import warnings


class Bag:
    def contents(self):
        return vars(self)


def reach():
    read = getattr(Bag, "con" + "tents")
    return read(warnings.catch_warnings(record=True))
"""
# vars(self) where self's library base keeps a module as its state
HELD = """
import warnings


class Quiet(warnings.catch_warnings):
    def contents(self):
        return vars(self)


def reach():
    return Quiet().contents()
"""
OWN = """
class Point:
    def __init__(self, x):
        self.x = x

    def fields(self):
        return vars(self)

    @staticmethod
    def origin():
        return Point(0)


def fields():
    return getattr(Point, "ori" + "gin")().fields()
"""


def _graded(source: str, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("graded_reads")
    module.__dict__["__builtins__"] = guarded.submission_builtins()
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(source, module.__dict__)
    return module


@pytest.mark.unit
@pytest.mark.parametrize("source", [UNBOUND, HELD], ids=["method off a class", "library state"])
def test_vars_hands_back_no_module_and_no_library_state(source, monkeypatch):
    module = _graded(source, monkeypatch)
    with pytest.raises((AttributeError, TypeError), match="off limits"):
        module.reach()
    assert _graded(OWN, monkeypatch).fields() == {"x": 0}


@pytest.mark.unit
def test_vars_of_a_module_or_a_class_is_refused(monkeypatch):
    namespace = {"__builtins__": guarded.submission_builtins()}
    for target in (types, guarded, int, guarded.OffLimitsOp):
        with pytest.raises(TypeError, match="off limits"):
            namespace["__builtins__"]["vars"](target)


@pytest.mark.unit
def test_the_printed_stream_graded_code_holds_only_writes():
    from grader.sandboxed.worker import Tail

    tail = Tail(8)
    stdout = tail.writer()
    print("a line long enough to be cut", file=stdout)
    for state in ("take", "peek", "text", "dropped", "limit"):
        assert not hasattr(stdout, state), state
    stdout.limit = 10**9  # an attribute of its own: the tail's limit is out of reach
    stdout.write("0123456789")
    assert tail.take() == {"text": "23456789", "dropped": 31}
    with pytest.raises(TypeError, match="off limits"):
        guarded.submission_builtins()["vars"](stdout)


# graded code asking, from a call the grader makes, which frames stand above it
ABOVE = """
import io
import logging
import warnings


def above():
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        for level in range(1, 9):
            warnings.warn("w", UserWarning, level)
    seen = [f"{w.filename} {w.lineno}" for w in got]
    text = io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setFormatter(logging.Formatter("%(pathname)s %(funcName)s"))
    log = logging.getLogger("above")
    log.addHandler(handler)
    log.propagate = False
    for level in range(1, 9):
        log.warning("w", stacklevel=level, stack_info=level == 8)
    log.removeHandler(handler)
    return seen, text.getvalue()


def middle():
    return above()
"""


@pytest.mark.unit
def test_no_warning_or_log_record_names_a_frame_above_graded_code(monkeypatch):
    import logging
    import warnings

    from grader.sandboxed import callers

    monkeypatch.setattr(warnings, "warn", callers.warn)
    monkeypatch.setattr(logging.Logger, "findCaller", callers.find_caller)
    module = _graded(ABOVE, monkeypatch)
    probe = compile("def call_recorded(m):\n    return m.middle()\n", "<probe call_recorded>", "exec")
    namespace: dict[str, object] = {}
    exec(probe, namespace)
    seen, logged = namespace["call_recorded"](module)  # type: ignore[operator]
    told = " ".join(seen) + logged
    assert "probe" not in told and "grader" not in told, told
    assert "middle" in logged and "<string>" in told  # graded code's own frames are named


@pytest.mark.unit
def test_a_warning_placed_at_a_probe_line_is_not_shown_as_graded_codes_output(monkeypatch):
    """torch's C++ warnings name the Python frame that called in: a probe reading a non-leaf's
    .grad (a learner's SGD left one) was shown under "your code printed" (learner_s35's b35_12)."""
    import warnings

    import torch

    from grader.sandboxed import callers

    shown: list[str] = []
    monkeypatch.setattr(callers, "_SHOW", lambda message, category, filename, *rest: shown.append(filename))
    monkeypatch.setattr(warnings, "showwarning", callers.showwarning)
    source = "def read(t):\n    return t.grad\n"
    places: dict[str, dict[str, object]] = {"<probe read_grads>": {}, "/home/learner/optim.py": {}}
    non_leaf = torch.ones(2, requires_grad=True) * 2
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        for place, namespace in places.items():
            exec(compile(source, place, "exec"), namespace)
            namespace["read"](non_leaf)  # type: ignore[operator]
    assert shown == ["/home/learner/optim.py"], shown


# a library object's private state holds a module: a plain attribute, no getattr, no vars
HELD_MODULE = """
import warnings


def reach():
    return warnings.catch_warnings()._module.sys.modules


def write(module):
    module.anything = 1
"""


@pytest.mark.unit
def test_a_module_reached_as_a_value_hands_graded_code_no_module_and_takes_no_write(monkeypatch):
    import warnings

    from grader.sandboxed import held_modules

    held = types.ModuleType("grader_held_probe")
    held.inner = types  # a module as a member: what graded code must not reach
    held.value = 3
    for module in (sys, held):  # as the worker holds them (warnings, a reviewed module, is not)
        monkeypatch.setattr(module, "__class__", held_modules.Held)
    graded = _graded(HELD_MODULE, monkeypatch)
    with pytest.raises(AttributeError, match="off limits"):
        graded.reach()
    with pytest.raises(AttributeError, match="off limits"):
        graded.write(held)
    assert held.inner is types and warnings.sys is sys  # the grader's own reads are as they were
    held.written = 1  # and its writes


# a dunder read by a computed name: a method graded code's class defines, or nothing
DUNDERS = """
import warnings


def _reflected(name):
    def op(self, other):
        return getattr(Num(other), name)(self)

    return op


class Num:
    def __init__(self, v):
        self.v = v

    def __sub__(self, other):
        return Num(self.v - getattr(other, "v", other))

    __rsub__ = _reflected("__sub__")


class Quiet(warnings.catch_warnings):
    pass


def reach(obj, name):
    return getattr(obj, name)
"""


@pytest.mark.unit
def test_a_dunder_read_by_name_is_the_method_graded_code_defines_or_refused(monkeypatch):
    # seen failing before: 5 - Num(2) refused ('__sub__' is off limits in graded code)
    graded = _graded(DUNDERS, monkeypatch)
    assert (5 - graded.Num(2)).v == 3
    for obj, name in (
        (graded.Num(1), "__init_subclass__"),  # object's, on graded code's instance
        (graded.Num(1), "__class__"),
        (graded.Num, "__sub__"),  # off the class: any self
        (graded.Quiet(), "__enter__"),  # a library's method
        (graded.Quiet(), "__reduce_ex__"),
        (3, "__add__"),
    ):
        with pytest.raises(AttributeError, match="off limits"):
            graded.reach(obj, name)
    with pytest.raises(KeyError):  # graded code's instance holds no dunder of its own
        vars(num := graded.Num(1))["__sub__"] = print
    dict.__setitem__(vars(num), "__sub__", print)  # were it there, it is not the method
    with pytest.raises(AttributeError, match="off limits"):
        graded.reach(num, "__sub__")


# a file's line read by a member handed its name and a line number (linecache: any file the worker
# sees, and the in-memory sources open cannot read)
LINE_READERS = {
    "formatwarning": "warnings.formatwarning('m', UserWarning, path, 1)",
    "showwarning": "warnings.showwarning('m', UserWarning, path, 1, out)",
    "warn_explicit": "warnings.warn_explicit('m', UserWarning, path, 1)",
}


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(LINE_READERS))
def test_no_member_reads_the_line_of_a_file_it_is_named(name, monkeypatch):
    # seen failing before: each allowed (attacks113/25 read /etc/passwd and its own in-memory source)
    from grader.engine.subset import submission as subset

    source = f"import warnings\n\n\ndef read(path, out):\n    return {LINE_READERS[name]}\n"
    assert subset.check(source), name
    graded = _graded(
        "import warnings\n\n\ndef reach(name):\n    return getattr(warnings, name)\n", monkeypatch
    )
    with pytest.raises(AttributeError, match="off limits"):
        graded.reach(name)


# a held module's public function called: whatever it hands back (a module, every object) is out
HELD_CALLS = """
def objects(gc):
    return gc.get_objects()


def imported(importlib):
    return importlib.import_module("os")


def plain(module):
    return module.value
"""


# in a worker: held, a helper module made after (through type(sys)), its table, a listed member read
WORKER = """
import importlib.util, sys
from grader.sandboxed import held_modules
from grader.sandboxed.worker import SourceFinder

sources = {"t.py": b"import operator\\nfrom h import T, f\\n\\ndef g():\\n    return operator.add(f(), T['a'])\\n"}
finder = SourceFinder("/sub", {**sources, "h.py": b"T = {'a': 1}\\n\\ndef f():\\n    return 1\\n"})
finder.install()
held_modules.install()
module = importlib.util.module_from_spec(finder.find_spec("t"))
module.__spec__.loader.exec_module(module)
print(type(importlib).__name__, module.g())
"""


@pytest.mark.unit
def test_a_held_module_hands_graded_code_plain_data_and_no_function(monkeypatch):
    # seen failing before: gc.get_objects() and importlib.import_module("os") answered
    import gc
    import importlib
    import subprocess

    from grader.sandboxed import held_modules

    graded, held = _graded(HELD_CALLS, monkeypatch), types.ModuleType("grader_held_plain")
    held.value = 3
    for module in (gc, importlib, held):  # as the worker holds them: no member listed for them
        monkeypatch.setattr(module, "__class__", held_modules.Held)
        monkeypatch.setitem(held_modules._READS, id(module), frozenset())
    for call, module in ((graded.objects, gc), (graded.imported, importlib)):
        with pytest.raises(AttributeError, match="off limits"):
            call(module)
    assert graded.plain(held) == 3 and importlib.import_module("os")  # the grader's own calls as they were
    found = subprocess.run([sys.executable, "-c", WORKER], capture_output=True, text=True)
    assert found.stdout == "Held 2\n", found.stderr[
        -2000:
    ]  # importlib held; a helper's and operator's functions
