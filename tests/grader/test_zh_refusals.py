"""A refused line is told in Chinese whole: the frame, what is not allowed and what to write
instead, with only code (names, calls, an import statement) left as it is.

Each source below leaves the subset by another rule of grader/engine/subset/ (a builtin, an
attribute, a keyword, a table's entry, the syntax, a module's member, a whole file unread); its
refusals are rendered in zh_CN and scanned as a learner's line is (test_zh_edges.english_in,
test_zh_complete.english_left).
"""

from __future__ import annotations

import re

import pytest
from test_zh_complete import FALLBACKS, english_left
from test_zh_edges import english_in

from grader.base import i18n
from grader.engine.sources import parsed
from grader.engine.subset import submission as subset

pytestmark = pytest.mark.unit

# one source per kind of refusal (each refused at least once)
REFUSED = {
    "vars": "def mse(y_hat, y):\n    return vars(y_hat)\n",
    "computed name": "def f(x, name):\n    delattr(x, name)\n",
    "passed around": "def f(xs):\n    return list(map(getattr, xs))\n",
    "type passed around": "def f(xs):\n    return list(map(type, xs))\n",
    "star import": "from torch import *\n",
    "relative import": "from . import helper\n",
    "value method": "def f(model):\n    return model.compile()\n",
    "frame attribute": "def f(tb):\n    return tb.tb_frame\n",
    "format path": "def f(s, x):\n    return s.format(x)\n",
    "dunder defined": "def __getattribute__(name):\n    return name\n",
    "assigning self": "def f():\n    self = 1\n    return self\n",
    "assigning a dunder": "__loader__ = 1\n",
    "async": "async def f():\n    return 1\n",
    "module": "import socket\n",
    "listed member": "import io\nio.open\n",
    "private": "import torch\ntorch._C._nn.gelu\n",
    "dunder attribute": "import torch\ntorch.nn.functional.__dict__\n",
    "standard module": "import torch\ntorch.sys\n",
    "writes a file": "def f(p):\n    return open(p, 'w')\n",
    "type's attribute": "def f(x):\n    type(x).y = 1\n",
    "type as a value": "def f(x):\n    return type(x)\n",
    "setattr on a module": "import torch\ndef f(n):\n    setattr(torch, n, 1)\n",
    "module assigned": "import torch\ntorch.pi = 3\n",
    "method set": "def f(o, g):\n    o.m = property(g)\n",
    "setting a dunder": "def f(o):\n    o.__class__ = int\n",
    "positional": "import torch\ntorch.utils.data.DataLoader(1, 2, 3, 4, 5, 6)\n",
    "literal keyword": "import torch\ntorch.utils.data.DataLoader([], num_workers=2)\n",
    "keyword": "import inspect\ninspect.signature(len, eval_str=True)\n",
    "arity": "import functools\nfunctools.wraps(len, ('a',))\n",
    "metaclass misplaced": "import abc\nM = abc.ABCMeta\n",
    "builtin": "def f():\n    return eval('1')\n",
    "unbound dunder": "def f():\n    return __path__\n",
    "annotation": "def f(x: '1 +'):\n    return x\n",
    "case pattern": "def f(x):\n    match x:\n        case int(__class__=c):\n            return c\n",
    "method off its class": (
        "class A:\n    def m(self):\n        return vars(self)\n    def n(self):\n        return A.m\n"
    ),
    "super dunder": "class A:\n    def f(self):\n        return self.__getattr__('x')\n",
    "missing module": "import numpyy\n",
    "module as a value": "import torch\ndef f():\n    return torch.nn\n",
}


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    yield
    i18n.refresh()


# an import statement shown as code, up to its last name (`import the names you use` is prose)
IMPORT = re.compile(r"(?:\bfrom [\w.]+ )?\bimport [\w.*]+(?:, [\w.*]+)*(?= *(?:$|[^\w\s]|[\u2e80-\u9fff]))")


def _english(message: str) -> list[str]:
    """English in ``message`` by both scans of the Chinese outputs (english_in reads all that
    follows `import` as a command line; english_left, all of an import statement as prose)."""
    return english_in(message) + english_left(IMPORT.sub(" ", message), FALLBACKS)


@pytest.mark.usefixtures("chinese")
@pytest.mark.parametrize("kind", REFUSED)
def test_a_refused_line_is_chinese_but_its_code(kind):
    found = subset.check(REFUSED[kind])
    assert found, f"{kind}: not refused"
    for refusal in found:
        for message in (refusal.message("losses"), refusal.message("losses", frozenset({"mse"}))):
            assert _english(message) == [], message


@pytest.mark.usefixtures("chinese")
def test_a_file_not_read_is_refused_in_chinese():
    """A file too deep or too large to read, or whose reading ran past the clock: refused whole."""
    deep, deeper = (f"x = {'-' * n}1\n" for n in (parsed.MAX_DEPTH + 5, 50 * parsed.MAX_DEPTH))
    clock = parsed.Clock(-1.0)  # past its end at once
    with pytest.raises(parsed.OverBudget) as late:
        clock.check("the module's changes")
    whats = [parsed.unreadable(deep), parsed.unreadable(deeper), parsed.too_large(parsed.MAX_BYTES + 2048)]
    whats.append(str(late.value))
    for what in whats:
        assert what
        message = subset.Refusal(1, what, subset.SMALLER, "losses.py").message("losses")
        assert _english(message) == [], message


@pytest.mark.usefixtures("chinese")
def test_a_notebook_cell_not_read_is_told_in_chinese(monkeypatch):
    """A hand-out's cell nested too deep, or met past the notebook's clock: its note is Chinese."""
    import nbformat

    from grader.engine.sources import notebooks

    deep = f"x = {'-' * (parsed.MAX_DEPTH + 5)}1\n"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(deep)])
    skipped = list(notebooks.to_module(notebook).skipped)
    monkeypatch.setattr(parsed, "READ_SECONDS", -1.0)  # every reading past its clock at once
    skipped += notebooks.to_module(notebook).skipped
    assert len(skipped) == 2 and all(cell.unread for cell in skipped)
    for cell in skipped:
        assert _english(cell.note()) == [], cell.note()
