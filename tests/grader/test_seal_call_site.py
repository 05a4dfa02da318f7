"""Rules that read a call's arguments hold only where the call is written.

A member allowed with some arguments only (``open`` for reading, ``functools.wraps`` with one,
``DataLoader`` with named ones, ``vars(self)``) is allowed only called where it stands: handed on
(``functools.partial``, ``map``, a ``key=``, a variable, a base class) no rule would see the
arguments it is called with. Members that evaluate a field path (``str.format``, ``format_map``,
logging's ``{``-style formatter) take only a literal format string whose fields hold no attribute or
index path. enum's ``_convert_`` reads (and with ``as_global`` writes) a module's namespace by its
name. The worker owns the recursion limit: graded code cannot lower it under the recorder."""

from __future__ import annotations

import sys
import types

import pytest

from grader.engine.subset import submission as subset
from grader.sandboxed import guarded

HANDED_ON = {
    "open through partial": "import functools\nfunctools.partial(open, 1, 'w', closefd=False)().write('x')\n",
    "open through map": "list(map(open, ['f'], ['w']))\n",
    "open in a variable": "o = open\no('f', 'w')\n",
    "a path's open handed on": "import pathlib\nimport functools\nfunctools.partial(pathlib.Path('f').open, 'w')()\n",
    "gzip.open handed on": "import gzip\nw = gzip.open\nw('f', 'wb')\n",
    "an open renamed, for writing": "from gzip import open as g\ng('f', 'wb')\n",
    "gzip.open renamed": "from gzip import open as g\nh = g\nh('f', 'wb')\n",
    "vars as a key": "sorted([1], key=vars)\n",
    "wraps through partial": (
        "import functools\nimport torch.nn.functional as F\n"
        "functools.partial(functools.wraps, F.dropout, ('__globals__',), ())\n"
    ),
    "DataLoader through partial": (
        "import functools\nfrom torch.utils.data import DataLoader\n"
        "functools.partial(DataLoader, [1], 1, False, None, None, None, 4)()\n"
    ),
    "DataLoader subclassed": "import torch\nclass L(torch.utils.data.DataLoader):\n    pass\n",
    "eval_str by **": "import inspect\ndef f(x: 'int'):\n    pass\ninspect.signature(f, **{'eval_str': True})\n",
    "signature handed on": "import inspect\nimport functools\nfunctools.partial(inspect.signature)\n",
    "Formatter through partial": (
        "import functools\nimport logging\nfunctools.partial(logging.Formatter, '{args}', None, '{')\n"
    ),
}
FORMATS = {
    "a computed format string": 'def f(fn):\n    return ("{0." + "__globals__}").format(fn)\n',
    "a format string in a variable": 'def f(fn):\n    s = "{0.real}"\n    return s.format(fn)\n',
    "str.format of a value": 'def f(fn):\n    return str.format("{0.x}", fn)\n',
    "an attribute path": 'def f(fn):\n    return "{0.real}".format(fn)\n',
    "an index path": 'def f(d):\n    return "{0[__builtins__]}".format(d)\n',
    "format_map's path": 'def f(fn):\n    return "{a.real}".format_map({"a": fn})\n',
    "a nested spec's path": 'def f(fn):\n    return "{0:{1.real}}".format(1, fn)\n',
    "format handed on": 'def f(fn):\n    return list(map("{0.real}".format, [fn]))\n',
    "logging's {-style": "import logging\nlogging.Formatter('{args[0].__globals__}', style='{')\n",
    "logging's style by position": "import logging\nlogging.Formatter('{args}', None, '{')\n",
    "basicConfig's {-style": "import logging\nlogging.basicConfig(format='{args}', style='{')\n",
    "basicConfig's **": "import logging\nlogging.basicConfig(**{'style': '{'})\n",
}
NAMESPACES = {
    "enum's _convert_ reads builtins": (
        "import enum\nclass E(enum.Enum):\n    pass\n"
        "G = E._convert_('X', 'builtins', lambda n: n == 'getattr').getattr.value\n"
    ),
    "enum's _convert_ writes a module": (
        "import enum\nclass E(enum.IntEnum):\n    pass\n"
        "E._convert_('X', 'torch.nn.functional', lambda n: False, as_global=True)\n"
    ),
    "the recursion limit lowered": "import sys\nsys.setrecursionlimit(60)\n",
}
HONEST = {
    "format specs and f-strings": (
        'def f(x, e):\n    return "{:.3f} {} {name}".format(x, 2, name=e) + f"{x:.2f}" + "{0}/{1}".format(1, 2)\n'
    ),
    "format handed on from a literal": 'def f(xs):\n    return list(map("{:.2f}".format, xs))\n',
    "open to read": "def f(path):\n    with open(path) as fh:\n        return fh.read()\n",
    "a path read": "import pathlib\ndef f(p):\n    with pathlib.Path(p).open('rb') as fh:\n        return fh.read()\n",
    "logging %-style": (
        "import logging\nlogging.basicConfig(format='%(asctime)s %(message)s')\n"
        "h = logging.StreamHandler()\nh.setFormatter(logging.Formatter('%(levelname)s: %(message)s'))\n"
    ),
    "DataLoader named": (
        "from torch.utils.data import DataLoader\n"
        "def f(d):\n    loader = DataLoader(d, batch_size=4, shuffle=True)\n"
        "    return isinstance(loader, DataLoader)\n"
    ),
    "DataLoader annotated": "from torch.utils.data import DataLoader\ndef f(loader: DataLoader) -> int:\n    return 1\n",
    "wraps as a decorator": (
        "import functools\ndef deco(fn):\n    @functools.wraps(fn)\n    def inner(*a):\n"
        "        return fn(*a)\n    return inner\n"
    ),
    "an enum and its members": (
        "import enum\nclass Colour(enum.Enum):\n    RED = 1\n"
        "    @classmethod\n    def _missing_(cls, value):\n        return cls.RED\n"
        "E = enum.Enum('E', {'A': 1})\nx = Colour(2)._value_\n"
    ),
    "a signature read": "import inspect\ndef f(x: int) -> int:\n    return len(inspect.signature(f).parameters)\n",
    "the recursion limit read": "import sys\nDEPTH = sys.getrecursionlimit()\n",
}


@pytest.mark.unit
@pytest.mark.parametrize("route", sorted(HANDED_ON))
def test_a_member_with_a_call_site_rule_is_refused_as_a_value(route):
    assert subset.check(HANDED_ON[route]), route


@pytest.mark.unit
@pytest.mark.parametrize("route", sorted(FORMATS))
def test_a_format_string_reads_no_path(route):
    assert subset.check(FORMATS[route]), route


@pytest.mark.unit
@pytest.mark.parametrize("name", ["format", "format_map", "resize"])
def test_a_method_decided_at_its_call_is_refused_by_a_computed_name(monkeypatch, name):
    """The static check allows these where it reads their call (a literal's fields, numpy's refcheck=);
    a computed name shows none (attacks a122's 125: str.format's fields walked a generator's frames,
    reached by getattr(s, "for" + "mat"); 47: refcheck=False through ** of a computed key)."""
    import numpy

    for value in ("{0.gi_frame}", str, numpy.zeros(2), numpy.ndarray):
        assert guarded.refused(value, name[:2] + name[2:]), (value, name)
    own = types.ModuleType("graded_own")  # a class of graded code's: its own methods by any name
    own.__dict__["__builtins__"] = guarded.submission_builtins()
    monkeypatch.setitem(sys.modules, own.__name__, own)
    exec(f"class Own:\n    def {name}(self):\n        return 'own'\n", own.__dict__)
    assert not guarded.refused(own.Own(), name[:2] + name[2:])


@pytest.mark.unit
@pytest.mark.parametrize("route", sorted(NAMESPACES))
def test_no_member_reads_or_writes_a_module_by_its_name(route):
    assert subset.check(NAMESPACES[route]), route


@pytest.mark.unit
def test_the_same_names_computed_are_refused_by_the_guard():
    import enum
    import sys

    class E(enum.Enum):
        pass

    assert guarded.refused(E, "_convert_") and guarded.refused(sys, "setrecursionlimit")
    assert all(guarded.refused(enum, name) for name in ("global_enum", "_simple_enum", "_old_convert_"))


@pytest.mark.unit
def test_enums_functional_api_names_a_module_but_writes_none():
    """``Enum(..., module=...)`` with every allowed writer of enum: the module is unchanged."""
    import enum

    import torch.nn.functional as F

    before = {k: id(v) for k, v in vars(F).items()}
    made = enum.Enum("Made", {"relu": 1, "refused": 2}, module="torch.nn.functional")
    enum.verify(enum.UNIQUE)(enum.unique(made))
    assert {k: id(v) for k, v in vars(F).items()} == before
    assert subset.check("import enum\nE = enum.Enum('E', {'relu': 1}, module='torch.nn.functional')\n") == []


@pytest.mark.unit
@pytest.mark.parametrize("snippet", sorted(HONEST))
def test_honest_calls_stay_allowed(snippet):
    assert subset.check(HONEST[snippet]) == [], snippet


# An opener chosen among open functions and bound to a name that is only called: each call of the
# name is read as a call of open (its mode a literal read mode)
OPENER = """
import gzip


def rows(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, {mode}, newline="") as f:
        return f.read()
"""
OPENER_ROUTES = {
    "a write mode through the name": OPENER.format(mode='"wt"'),
    "the name handed on": OPENER.format(mode='"rt"')
    + "\n\nkept = []\n\n\ndef keep(p):\n    opener = open\n    kept.append(opener)\n",
    "a method's open in the choice": OPENER.format(mode='"rt"').replace("else open", "else path.open"),
}


@pytest.mark.unit
@pytest.mark.parametrize("route", sorted(OPENER_ROUTES))
def test_an_opener_bound_to_a_name_is_read_at_each_call(route):
    assert subset.check(OPENER.format(mode='"rt"')) == []
    assert subset.check(OPENER_ROUTES[route]), route
