"""The subset closed by construction: three routes to the real builtins in a few lines
each, none needing an evaluator. A ``str`` subclass answering the guard's questions itself; enum's
functional API naming the guard's module and ``enum.global_enum`` writing into it; an allowed member
returning a builtin (``enum.pickle_by_enum_name`` hands back ``(getattr, ...)``). The guard takes
exact ``str`` names, its state is bound where it is defined, and each allowed member's review says
what it returns and what it writes."""

from __future__ import annotations

import sys
import types

import pytest
from helpers import REPO, grade_json

from grader.engine.subset import submission as subset
from grader.sandboxed import guarded
from grader.sandboxed import subset_members as members

LOOK_ALIKE = """
class Name(str):
    def __eq__(self, other):
        self.asked.append(other)
        return len(self.asked) > 1  # false to the guard's first question, true to getattr's

    def __hash__(self):
        return str.__hash__(self)

    def startswith(self, *args):
        return False

    def endswith(self, *args):
        return False


def reach(fn):
    name = Name("__globals__")
    name.asked = []
    return getattr(fn, name)
"""
WRITER = """
import enum


class Yes(enum.Enum):
    def __call__(self, *args):
        return False


def reach(fn):
    enum.global_enum(Yes("Open", ["refused"], module="grader.sandboxed.guarded"))
    return getattr(fn, "__glob" + "als__")
"""
RETURNER = """
import enum


class Colour(enum.Enum):
    RED = 1


def reach(fn):
    real_getattr = enum.pickle_by_enum_name(Colour.RED, 4)[0]
    return real_getattr(fn, "__globals__")
"""
ROUTES = {"look-alike name": LOOK_ALIKE, "module writer": WRITER, "builtin returned": RETURNER}


def _graded(source: str, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """``source`` run as a graded module (the guarded builtins) in this process; whatever it
    writes into the guard's namespace is put back afterwards."""
    for name, value in vars(guarded).items():
        monkeypatch.setitem(vars(guarded), name, value)
    module = types.ModuleType("graded_closed")
    module.__dict__["__builtins__"] = guarded.submission_builtins()
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(source, module.__dict__)
    return module


@pytest.mark.unit
def test_a_look_alike_name_is_refused_by_the_guard(monkeypatch):
    module = _graded(LOOK_ALIKE, monkeypatch)
    with pytest.raises(AttributeError, match="off limits"):
        module.reach(test_a_look_alike_name_is_refused_by_the_guard)
    name = module.Name("shape")  # a look-alike is refused whatever it spells
    assert guarded.refused(object(), name) and not guarded._hasattr(types, name)
    with pytest.raises(AttributeError, match="off limits"):
        guarded._setattr(types.SimpleNamespace(), name, 1)


@pytest.mark.unit
def test_what_writes_into_a_module_changes_nothing_of_the_guard(monkeypatch):
    assert subset.check(WRITER), "enum.global_enum writes a module's namespace"
    module = _graded(WRITER, monkeypatch)
    with pytest.raises(AttributeError, match="off limits"):
        module.reach(test_what_writes_into_a_module_changes_nothing_of_the_guard)


@pytest.mark.unit
def test_no_allowed_member_hands_back_a_builtin():
    assert subset.check(RETURNER), "enum.pickle_by_enum_name returns (getattr, ...)"
    namespace = {"__builtins__": guarded.submission_builtins()}
    exec("import enum\ndef f():\n    return getattr(enum, 'pickle_by_' + 'enum_name')\n", namespace)
    with pytest.raises(AttributeError, match="off limits"):
        namespace["f"]()


@pytest.mark.unit
def test_every_allowed_member_is_reviewed_for_what_it_returns_and_writes():
    reviews = members.reviews()
    unreviewed = [
        f"{m}.{n}: {reviews.get((m, n))!r}"
        for (m, n), verdict in members.decisions().items()
        if verdict == members.ALLOWED and not all(w in reviews.get((m, n), "") for w in ("returns", "writes"))
    ]
    assert unreviewed == []


# members that write the object they are handed: a library's class or function handed to them
CLASS_WRITERS = {
    "dataclass on nn.Linear (its __eq__ replaced, its __hash__ None)": (
        "import dataclasses\nimport torch\n\ndataclasses.dataclass(eq=True)(torch.nn.Linear)\n"
    ),
    "total_ordering on torch.Size": "import functools\nimport torch\n\nfunctools.total_ordering(torch.Size)\n",
    "wraps renaming F.softmax": (
        "from functools import wraps\nimport torch.nn.functional as F\n\n\ndef f():\n    pass\n\n\nwraps(f)(F.softmax)\n"
    ),
    "typing.final on a library class": "import typing\nimport torch\n\nLinear = typing.final(torch.nn.Linear)\n",
}
DECORATED = """
import dataclasses
import functools
from dataclasses import dataclass
from functools import total_ordering, wraps


@dataclass(frozen=True)
class Point:
    x: float


@dataclasses.dataclass
@total_ordering
class Rank:
    n: int

    def __lt__(self, other):
        return self.n < other.n


def logged(fn):
    @wraps(fn)
    def inner(*args):
        return fn(*args)

    return inner


@functools.wraps(logged)
def twin(fn):
    return logged(fn)
"""


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(CLASS_WRITERS))
def test_a_member_that_writes_what_it_is_handed_is_a_decorator_only(name):
    assert subset.check(CLASS_WRITERS[name]), name
    assert subset.check(DECORATED) == []


def _route_source(route: str) -> str:
    """The losses solution, its mse correct only once the route reached a function's globals."""
    solution = (REPO / "solutions" / "losses.py").read_text()
    return (
        solution
        + f"\n\n{ROUTES[route]}\n\n"
        + "def mse(y_hat, y, reduction='mean'):\n    assert isinstance(reach(_reduce), dict)\n"
        + "    return _reduce((y_hat - y) ** 2, reduction)\n"
    )


@pytest.mark.e2e
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_each_route_earns_nothing_when_graded(tmp_path, route):
    (tmp_path / "losses.py").write_text(_route_source(route))
    _, report = grade_json(str(tmp_path), "--topic", "losses", "--exercise", "mse", "--timeout", "20")
    checks = report["topics"][0]["tests"]
    assert report["score"] == 0, [c.get("message") for c in checks]


# A class made by a call from the names it is handed, whatever is called: enum's functional API
# (on a library enum or a learner's), a metaclass, an enum class handed on and called elsewhere
CLASS_MAKERS = {
    "enum's functional API": "import enum\n\nE = enum.Enum('E', {'A': 1, '__torch_function__': classmethod(print)})\n",
    "a learner enum's functional API": (
        "import enum\n\n\nclass Base(enum.Enum):\n    pass\n\n\nE = Base('E', {'__torch_function__': 1})\n"
    ),
    "an enum class named by a keyword": "from enum import IntEnum\n\nE = IntEnum('E', names={'__add__': 1})\n",
    "a metaclass called": "import typing\n\nP = typing.NamedTupleMeta('P', (), {'__torch_function__': 1})\n",
    "an enum class handed on": "import enum\n\nmake = enum.Flag\nE = make('E', {'__torch_function__': 1})\n",
    "names computed": "import enum\n\nnames = {'__torch_function__': 1}\nE = enum.Enum('E', names)\n",
    "a dunder among written names": "import enum\n\nE = enum.Enum('E', 'A __init_subclass__')\n",
    "a metaclass of the learner's with an attribute": (
        "import typing\n\n\nclass M(typing.NamedTupleMeta):\n    x = 1\n\n\nP = M('P', (), {'__torch_function__': 1})\n"
    ),
}
ENUMS = """
import enum


class Mode(enum.Enum):
    TRAIN = "train"
    EVAL = "eval"


class Level(enum.IntEnum):
    LOW = 1


def mode(name):
    return Mode(name) if isinstance(name, str) else Mode(value="eval")


def low():
    return Level(1) is Level.LOW and issubclass(Level, enum.IntEnum)


Colour = enum.Enum("Colour", "RED GREEN", module=__name__)
Size = enum.IntEnum("Size", [("S", 1), ("M", 2)])
"""


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(CLASS_MAKERS))
def test_a_class_made_from_the_names_a_call_is_handed_is_refused(name):
    assert subset.check(CLASS_MAKERS[name]), name
    assert subset.check(ENUMS) == []


# A builtin's name read where it denotes a parameter of the enclosing function is that parameter
PARAMETERS = """
class Value:
    def __init__(self, data, locals=(), vars=None):
        self.locals = locals
        self.vars = vars if vars is not None else {}

        def inner():
            return locals
"""
BUILTINS_STILL = {
    "called in a function": "def f(x):\n    return locals()\n",
    "a parameter's default": "def f(locals=locals):\n    return locals()\n",
    "declared global": "def f(locals):\n    global locals\n    return locals()\n",
    "its own decorator": "@locals\ndef f(locals):\n    pass\n",
}


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(BUILTINS_STILL))
def test_a_parameter_named_as_a_builtin_is_the_parameter(name):
    assert subset.check(PARAMETERS) == []
    assert subset.check(BUILTINS_STILL[name]), name


# A learner's enum class that can make classes (no member of its own: Python extends only those)
# reaches a call with names through whatever name receives it: a parameter, a default, a
# container's item, another name, a function's result; or its bases through .mro()
MEMBERLESS = "import enum\n\n\nclass Base(enum.Enum):\n    pass\n\n\nNS = {'__torch_function__': 1}\n"
HANDED = {
    "a parameter": "def make(E):\n    return E('X', NS)\n\n\nM = make(Base)\n",
    "a default": "def make(E=Base):\n    return E('X', NS)\n\n\nM = make()\n",
    "a list's item": "M = [Base][0]('X', NS)\n",
    "map's calls": "M = list(map(Base, ['X'], [NS]))\n",
    "a name of a tuple": "a, b = Base, 1\nM = a('X', NS)\n",
    "a function's result": "def g():\n    return Base\n\n\nM = g()('X', NS)\n",
    "a class attribute": "class H:\n    e = Base\n\n\nM = H.e('X', NS)\n",
    "a loop's name": "for E in [Base]:\n    M = E('X', NS)\n",
    "the bases by mro": "M = Base.mro()[1]('X', NS)\n",
}
# an enum with members cannot be extended (Python refuses), so it goes anywhere
MEMBERED = """
import enum


class Mode(enum.Enum):
    TRAIN = "train"
    EVAL = "eval"


def pick(kind, value):
    return kind(value)


MODES = list(Mode)
TRAIN = pick(Mode, "train")
COUNT = len(Mode)
"""


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(HANDED))
def test_a_learners_class_maker_handed_on_is_refused_wherever_it_goes(name):
    # seen failing first (all but the type(...) route were open on main)
    assert subset.check(MEMBERLESS + HANDED[name]), name
    assert subset.check(MEMBERED) == []


@pytest.mark.unit
@pytest.mark.parametrize("where", ["helper.py", "helper/__init__.py"])
def test_a_class_maker_of_another_file_is_held_as_one_of_the_same_file(tmp_path, where):
    # seen failing first: a memberless enum of a helper file (or package) called with names there
    (tmp_path / where).parent.mkdir(exist_ok=True)
    (tmp_path / where).write_text(MEMBERLESS)
    for use in ("Base('X', NS)", "make(Base)", "helper.Base('X', NS)"):
        (tmp_path / "losses.py").write_text(
            f"import helper\nfrom helper import Base, NS\n\n\ndef make(E):\n    return E('X', NS)\n\n\n"
            f"def mse(a, b):\n    return {use}\n"
        )
        verdict = subset.verdict(tmp_path, "losses", single_file=False)
        assert verdict.exercises == {"mse"} and verdict.refusal is not None, (where, use)
