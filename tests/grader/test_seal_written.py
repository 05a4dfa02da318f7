"""What graded code writes that a library later trusts: a dunder key in an
instance's own state (numpy reads ``__array_interface__`` off the instance and views any address),
a name in a dataclass Field (dataclasses pastes it into the source it execs), and numpy's own
memory check switched off by an argument (``resize(refcheck=False)`` under a live view), and a
storage resized under its views (torch has no such check)."""

from __future__ import annotations

import dataclasses
import dis
import importlib
import sys
import types

import numpy
import pytest
import torch
import torch.nn.functional as F

from grader.engine.subset import submission as subset
from grader.sandboxed import guarded, no_eval
from grader.sandboxed import probe_kit as kit
from grader.sandboxed import subset_members as members

# one byte of a live object (its reference count), viewed by an address: harmless to read
VIEW = """
import copy
import enum

import numpy as np
from torch import nn

U = "_" * 2
KEY = U + "array_interface" + U
PLEDGE = b"abcdefgh"


def interface():
    return {"shape": (1,), "typestr": "|u1", "data": (id(PLEDGE), False), "version": 3}


class Box:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    def by_subscript(self):
        self.__dict__[KEY] = interface()

    def by_vars(self):
        vars(self)[KEY] = interface()

    def by_update(self):
        vars(self).update({KEY: interface()})

    def by_setdefault(self):
        self.__dict__.setdefault(KEY, interface())

    def by_dict_method(self):
        dict.update(vars(self), {KEY: interface()})

    def by_super(self):
        super().__setattr__(KEY, interface())

    def by_or(self):
        state = vars(self)
        state |= {KEY: interface()}


class Colour(enum.Enum):
    RED = 1

    def by_subscript(self):
        self.__dict__[KEY] = interface()


class Net(nn.Module):
    def by_setstate(self):
        super().__setstate__({**vars(self), KEY: interface()})


def route(how):
    if how == "keywords":
        return Box(**{KEY: interface()})
    if how == "an enum's member":
        Colour.RED.by_subscript()
        return Colour.RED
    if how == "a copy":
        box = copy.copy(Box(a=1))
        box.by_subscript()
        return box
    box = Net() if how == "by_setstate" else Box()
    getattr(box, how)()
    return box


def view(how):
    return np.asarray(route(how))
"""
ROUTES = [
    *(
        "by_subscript",
        "by_vars",
        "by_update",
        "by_setdefault",
        "by_or",
        "by_setstate",
        "keywords",
        "a copy",
        "an enum's member",
    ),
    "by_dict_method",
    "by_super",
]
HONEST = """
import dataclasses


class Config:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)
        vars(self).setdefault("lr", 0.1)
        self.__dict__["epochs"] = 3

    def describe(self):
        return sorted(vars(self).items()), self.__dict__.get("lr")


@dataclasses.dataclass
class Point:
    x: int = 0
    y: int = 0


def run():
    moved = dataclasses.replace(Point(1, 2), y=5)
    return Config(batch=4).describe(), [f.name for f in dataclasses.fields(Point)], moved
"""


def _graded(source: str, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("graded_written")
    module.__dict__["__builtins__"] = guarded.submission_builtins()
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(source, "graded_written.py", "exec"), module.__dict__)
    return module


@pytest.mark.unit
@pytest.mark.parametrize("how", ROUTES)
def test_no_object_of_graded_code_holds_a_dunder_it_did_not_define(monkeypatch, how):
    assert not subset.check(VIEW), "the routes pass the static check: the worker holds them"
    module = _graded(VIEW, monkeypatch)
    try:
        seen = module.view(how)
    except (KeyError, TypeError, AttributeError):
        return  # the write was refused
    assert seen.dtype == object, f"{how}: numpy read an address off the instance's own state"


# a record fixed once made: object's own setattr through super(), by the names it was given
SUPER_FORWARDS = """
class Frozen:
    def __init__(self, **values):
        for name, value in values.items():
            super().__setattr__(name, value)

    def __setattr__(self, name, value):
        raise AttributeError(name)


def run():
    return Frozen(beta=0.9).beta
"""


@pytest.mark.unit
def test_a_record_set_through_super_keeps_its_plain_names(monkeypatch):
    assert not subset.check(SUPER_FORWARDS)
    module = _graded(SUPER_FORWARDS, monkeypatch)
    assert module.run() == 0.9
    with pytest.raises(AttributeError, match="plain names"):  # a protocol its class did not define
        module.Frozen(**{"__array_interface__": {"data": (0, False)}})


@pytest.mark.unit
def test_honest_state_and_dataclasses_run_as_written(monkeypatch):
    assert not subset.check(HONEST)
    module = _graded(HONEST, monkeypatch)
    described, names, moved = module.run()
    assert described == ([("batch", 4), ("epochs", 3), ("lr", 0.1)], 0.1)
    assert names == ["x", "y"] and (moved.x, moved.y) == (1, 5)


RENAMED = """
import dataclasses


@dataclasses.dataclass
class Seed:
    x: int = 0


def rename(how):
    made = dataclasses.field(default=0)
    if how == "a field made":
        @dataclasses.dataclass
        class Held:
            y: int = made
    named = made if how == "a field made" else dataclasses.fields(Seed)[0]
    if how == "by setattr":
        setattr(named, "na" + "me", "x,(lambda: 1)")
    else:
        named.name = "x,(lambda: 1)"
"""


@pytest.mark.unit
@pytest.mark.parametrize("how", ["a field handed out", "a field made", "by setattr"])
def test_graded_code_writes_no_text_dataclasses_execs(monkeypatch, how):
    for cls in no_eval.TEXT_SOURCES:
        for name in ("__setattr__", "__delattr__"):
            monkeypatch.setattr(cls, name, getattr(cls, name))  # put back after the test
        no_eval._written_by_its_module(cls)
    module = _graded(RENAMED, monkeypatch)
    with pytest.raises(AttributeError, match="read-only"):
        module.rename(how)
    assert [f.name for f in dataclasses.fields(module.Seed)] == ["x"]
    _graded(HONEST, monkeypatch).run()  # dataclasses' own writes still run


def _compiles(name: str) -> bool:
    """Module ``name``'s own functions and methods call the builtin eval, exec or compile."""
    try:
        module = importlib.import_module(name)
    except ImportError:  # an optional module this machine lacks (tqdm.auto)
        return False
    for value in vars(module).values():
        if getattr(value, "__module__", None) != name:
            continue
        found = [value] if isinstance(value, types.FunctionType) else []
        found += [getattr(v, "__func__", v) for v in vars(value).values()] if isinstance(value, type) else []
        for function in (f for f in found if isinstance(f, types.FunctionType)):
            codes = [function.__code__]
            while codes:
                code = codes.pop()
                if any(
                    i.opname in ("LOAD_GLOBAL", "LOAD_NAME")
                    and i.argval in {"eval", "exec", "compile"}
                    and i.argval not in function.__globals__
                    for i in dis.get_instructions(code)
                ):
                    return True
                codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return False


@pytest.mark.unit  # ~5 s: every reviewed module imported
def test_every_member_of_a_module_that_compiles_text_says_what_keeps_graded_code_out_of_it():
    compiling = {m for m in members.modules() if _compiles(m)}
    assert {"collections", "dataclasses", "typing"} <= compiling
    reviews = members.reviews()
    silent = [
        f"{m}.{n}"
        for (m, n), verdict in members.decisions().items()
        if verdict == members.ALLOWED
        and m in compiling
        and f"{m}.{n}" not in members.modules()
        and members.COMPILES not in reviews.get((m, n), "")
    ]  # a submodule is reviewed as its own module
    assert silent == [], (
        "say how graded code's writes stay out of the text (grader/authoring/subset_review.py)"
    )


TWIN_BY_KEY = """
def kl_div(p, q):
    return TABLE["kl_div"](q.log(), p, reduction="none").sum(-1)
"""


# numpy frees the memory a live view reads (a use after free) where its check is off
MEMORY_CHECK_OFF = {
    "refcheck=False": "import numpy as np\n\n\ndef f(a):\n    a.resize((0,), refcheck=False)\n",
    "refcheck computed": "import numpy as np\n\n\ndef f(a, off):\n    a.resize((0,), refcheck=off)\n",
    "through **": ("import numpy as np\n\n\ndef f(a):\n    a.resize((0,), **{'ref' + 'check': 1 == 0})\n"),
    "handed on": "import numpy as np\n\n\ndef f(a, go):\n    shrink = a.resize\n    return go(shrink)\n",
    "a partial": (
        "import functools\n\n\ndef f(a):\n    return functools.partial(a.resize, refcheck=False)\n"
    ),
}
MEMORY_CHECK_ON = (
    "import numpy as np\n\n\ndef f(a):\n    a.resize((2, 2))\n    a.resize(4, refcheck=True)\n"
    "    return np.resize(a, (3,))\n"
)


@pytest.mark.unit
@pytest.mark.parametrize("how", sorted(MEMORY_CHECK_OFF))
def test_numpy_memory_check_is_never_switched_off(how):
    assert subset.check(MEMORY_CHECK_OFF[how]), f"{how}: resize frees memory a view reads"
    assert not subset.check(MEMORY_CHECK_ON), "resize with its check on, np.resize"
    # a computed name shows no call whose refcheck= could be read (attacks a122's 47: then ** of a
    # computed key): the guard refuses it, of an array and of its class
    assert guarded.refused(numpy.zeros(2), "res" + "ize") and guarded.refused(numpy.ndarray, "res" + "ize")
    assert not guarded.refused(numpy, "res" + "ize"), "numpy.resize makes a new array"


# torch checks no live view's bounds when a storage shrinks under it: a clone of the view then reads
# the worker's heap (attacks a121's 93: the grader's probe source read back; flatten_batch 7/7)
STORAGE_SHRUNK = {
    "a tensor's storage": "def f(t):\n    v = t[:]\n    t.untyped_storage().resize_(16)\n    return v.clone()\n",
    "a storage made": "import torch\n\n\ndef f():\n    s = torch.UntypedStorage(64)\n    s.resize_(0)\n",
    "handed on": "def f(t, go):\n    shrink = t.untyped_storage().resize_\n    return go(shrink)\n",
    # the method read off its class (attacks a122): a module's member past which any value's rules hold
    "by its class": "import torch\n\n\ndef f(t):\n    torch.UntypedStorage.resize_(t.untyped_storage(), 16)\n",
    "by a class imported": "from torch import Tensor\n\n\ndef f(t):\n    return Tensor.resize_(t, 2)\n",
}


@pytest.mark.unit
@pytest.mark.parametrize("how", sorted(STORAGE_SHRUNK))
def test_no_storage_is_resized_under_its_views(how):
    assert subset.check(STORAGE_SHRUNK[how]), f"{how}: a view reads past a shrunk storage"
    storage = torch.zeros(4).untyped_storage()
    assert guarded.refused(storage, "resize" + "_"), "a computed name reaches it too"


# the operators as functions and the numeric tower are honest code's (honest h121's 05 lost a whole
# topic to operator.eq, 09 its Value to numbers.Number); operator's readers of attributes by name are not
OPERATORS = (
    "import functools\nimport operator\nfrom numbers import Number\n\n\ndef f(x, y):\n"
    "    n = functools.reduce(operator.mul, x.shape, 1)\n    return operator.eq(x, y).sum() if n else isinstance(y, Number)\n"
)
READERS = {
    "attrgetter": "import operator\n\n\ndef f(g):\n    return operator.attrgetter('__glob' + 'als__')(g)\n",
    "methodcaller": "from operator import methodcaller\n\n\ndef f(x):\n    return methodcaller('numpy')(x)\n",
}


@pytest.mark.unit
@pytest.mark.parametrize("how", sorted(READERS))
def test_the_operator_module_is_graded_codes_but_its_readers_by_name(how):
    assert not subset.check(OPERATORS), "operator's functions and numbers' classes"
    assert subset.check(READERS[how]), f"{how} reads attributes past the guard"


@pytest.mark.unit
def test_a_recorded_call_that_reached_a_twin_answers_as_one_whatever_its_values(monkeypatch):
    """F.kl_div is a composite: no replaced kernel runs, its own NaN at p = q = 0 came back and the
    check judged the values (NaN) before the twin; the call named the twin, so it answers as one."""
    module = _graded(TWIN_BY_KEY, monkeypatch)
    module.TABLE = {"kl_div": F.kl_div}  # as a forged namespace handed it: no name the reading sees
    p = torch.tensor([[0.0, 1.0], [0.5, 0.5]])
    off = ("kl_div", "special_entr")
    result, ops = kit.ops_used(lambda: module.kl_div(p, p), module, (), off)
    assert "kl_div" in ops
    assert result == kit.OFF_LIMITS_MARK + "kl_div>"
