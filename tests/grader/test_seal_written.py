"""What graded code writes that a library later trusts (issue 106, attacks117): a dunder key in an
instance's own state (numpy reads ``__array_interface__`` off the instance and views any address),
a name in a dataclass Field (dataclasses pastes it into the source it execs), and numpy's own
memory check switched off by an argument (``resize(refcheck=False)`` under a live view)."""

from __future__ import annotations

import dataclasses
import sys
import types

import numpy as np
import pytest

from grader.engine.subset import submission as subset
from grader.sandboxed import guarded, no_eval

# one byte of a live object (its reference count), viewed by an address: harmless to read
VIEW = """
import copy
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


class Net(nn.Module):
    def by_setstate(self):
        super().__setstate__({**vars(self), KEY: interface()})


def route(how):
    if how == "keywords":
        return Box(**{KEY: interface()})
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
ROUTES = ["by_subscript", "by_vars", "by_update", "by_setdefault", "by_or", "by_dict_method", "by_super", "by_setstate", "keywords", "a copy"]
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
    except (KeyError, TypeError):
        return  # the write was refused
    assert seen.dtype == object, f"{how}: numpy read an address off the instance's own state"


@pytest.mark.unit
def test_honest_state_and_dataclasses_run_as_written(monkeypatch):
    assert not subset.check(HONEST)
    module = _graded(HONEST, monkeypatch)
    described, names, moved = module.run()
    assert described == ([("batch", 4), ("epochs", 3), ("lr", 0.1)], 0.1)
    assert names == ["x", "y"] and (moved.x, moved.y) == (1, 5)
