"""Graded code is a subset of Python decided on the trusted side before it runs: each of the
ten routes past the old deny-list scan and the packed copy is refused with a message that
teaches, ordinary code is accepted, and a refused topic never runs."""

from __future__ import annotations

import base64
import zlib

import pytest
from helpers import REPO, grade_json

from grader.base.topics import exercises
from grader.engine import check_table
from grader.engine.subset import submission as subset

KIT = '"gra" + "der.sand" + "boxed.pro" + "be_kit"'  # the recorder's module, its name built at run time
PACKED = base64.b64encode(zlib.compress(b"def mse(a, b):\n    return ((a - b) ** 2).mean()\n")).decode()
# Each reaches the recorder (or runs code no scan can read) by a route the deny-list let through
# (operator.attrgetter it refused by name, so that route went through `from operator import *`).
ROUTES = {
    "star sys": f"from sys import *\nkit = modules[{KIT}]\n",
    "star builtins": "from builtins import *\n\ndef mse(a, b):\n    return getattr(a, '__glo' + 'bals__')\n",
    "star operator": "from operator import *\nglobals_of = attrgetter('__glo' + 'bals__')\n",
    "star torch.library": "from torch.library import *\nmse = custom_op('me::mse', mutates_args=())\n",
    "match class pattern": "def grab(fn):\n    match fn:\n        case object(__dict__=d):\n            return d\n",
    # a class pattern reads its attributes past the guard: a method off its class, any self
    "class pattern, a method off its class": (
        "class C:\n    def state(self):\n        return self.__dict__\n\n\n"
        "match C:\n    case type(state=ns):\n        pass\n"
    ),
    "class pattern, positional (__match_args__)": (
        "import torch\n\n\ndef f(x):\n    match x:\n        case torch.Tensor(s):\n            return s\n"
    ),
    "self.__dict__": (
        "import torch.nn.functional\n\nclass Box:\n    def put(self):\n"
        "        self.__dict__['mse_loss'] = lambda a, b: ((a - b) ** 2).mean()\n\n"
        "Box.put(torch.nn.functional)\n"
    ),
    "timeit setup": "import timeit\ntimeit.timeit('pass', setup='import sys; sys.modules', number=1)\n",
    "string annotation": (
        "import typing\n\ndef mse(a: \"__import__('sys').modules['grader']\", b):\n    return a\n\n"
        "typing.get_type_hints(mse)\n"
    ),
    "pickle via np.load": "import io\nimport numpy as np\nx = np.load(io.BytesIO(b'...'), allow_pickle=bool(1))\n",
    "pydoc.locate": f"import pydoc\nkit = pydoc.locate({KIT})\n",
    "functools.update_wrapper": (
        "import functools\n\ndef w():\n    pass\n\ndef grab(fn):\n"
        "    return functools.update_wrapper(w, fn, assigned=('__glo' + 'bals__',), updated=())\n"
    ),
    "operator.attrgetter": "import operator\ngrab = operator.attrgetter('__globals__')\n",
    # an allowed spelling of a refused object: the member list decides by the object
    "pathlib.attrgetter": "import pathlib\n\ngrab = pathlib.attrgetter('__glo' + 'bals__')\n",
    "from pathlib import attrgetter": "from pathlib import attrgetter\n\ngrab = attrgetter('__globals__')\n",
    "a format field's dunder": "def grab(fn):\n    return '{0.__globals__}'.format(fn)\n",
    "packed copy": (
        "import base64\nimport timeit\nimport zlib\n"
        f"timeit.timeit(zlib.decompress(base64.b64decode('{PACKED}')).decode(), number=1)\n"
    ),
}
# Ordinary code a learner writes for an exercise: accepted (a subset that refuses it fails the learner).
ORDINARY = {
    "re.compile": "import re\nWORD = re.compile(r'\\w+')\n",
    # type in an annotation's argument list is no value handed on (honest125's 30: a whole topic 0)
    "type in Callable's arguments": (
        "from typing import Callable, Dict\n\nREGISTRY: Dict[str, type] = {}\n\n\n"
        "def register(name: str) -> Callable[[type], type]:\n    return REGISTRY.setdefault\n"
    ),
    "cuDNN flags": "import torch\ntorch.backends.cudnn.deterministic = True\ntorch.backends.cudnn.benchmark = False\n",
    "fan helper": (
        "import math\nfrom torch import nn\n\ndef xavier_uniform_(w, gain=1.0):\n"
        "    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(w)\n"
        "    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))\n    return nn.init.uniform_(w, -bound, bound)\n"
    ),
    "inspect.signature": "import inspect\n\ndef arity(fn):\n    return len(inspect.signature(fn).parameters)\n",
    "a constant named grader": 'AUDIENCE = "grader"\n',
    "torch._assert": "import torch\n\ndef f(x):\n    torch._assert(x.dim() == 2, 'a matrix')\n    return x\n",
    "torch._foreach_add": (
        "import torch\n\nclass SGD(torch.optim.Optimizer):\n    def __init__(self, params, lr):\n"
        "        super().__init__(params, {'lr': lr})\n\n    @torch.no_grad()\n    def step(self):\n"
        "        for group in self.param_groups:\n            ps = [p for p in group['params'] if p.grad is not None]\n"
        "            torch._foreach_add_(ps, [p.grad for p in ps], alpha=-group['lr'])\n"
    ),
    "getattr with a default": "def name(fn):\n    return getattr(fn, '__name__', repr(fn))\n",
    "vars(self) in __repr__": (
        "class Point:\n    def __init__(self, x):\n        self.x = x\n\n"
        "    def __repr__(self):\n        return f'Point({vars(self)})'\n"
    ),
    "dunders a learner defines": (
        "from torch import nn\n\nclass Value:\n    def __add__(self, other):\n        return self\n\n"
        "    __radd__ = __add__\n\n    def __call__(self, x):\n        return x\n\n"
        "class Net(nn.Module):\n    def __init__(self):\n        nn.Module.__init__(self)\n"
        "        self.fc = nn.Linear(2, 2)\n"
    ),
    "reading files": (
        "import gzip\nfrom pathlib import Path\n\ndef load(p):\n    with open(p) as f, open(p, 'rb') as g:\n"
        "        pass\n    with gzip.open('data.gz', 'rt') as h, Path(p).open('rb') as i:\n        return h.read()\n"
    ),
    "an exception class made by type()": "E = type('E', (Exception,), {'code': 3})\nraise E('x')\n",
    "a new instance of the same class": (
        "class V:\n    def __init__(self, x):\n        self.x = x\n\n"
        "    def __neg__(self):\n        return type(self)(-self.x)\n"
    ),
    "the class of a value, named or compared": (
        "def f(x, y):\n    assert type(x) is type(y) and isinstance(y, type(x)), type(x).__name__\n"
        "    return x.__class__.__name__\n\nclass V:\n    def __init__(self, x):\n        self.x = x\n\n"
        "    def __neg__(self):\n        return type(self)(-self.x)\n\n    def __pos__(self):\n"
        "        return self.__class__(self.x)\n"
    ),
    "a decorator's wrapper": (
        "def logged(fn):\n    def wrapper(*args):\n        return fn(*args)\n\n"
        "    wrapper.__name__ = fn.__name__\n    wrapper.__doc__ = fn.__doc__\n    return wrapper\n"
    ),
    "a notebook's set-up imports": "import importlib.util\nimport sys\nsys.path.insert(0, '..')\nEPS = sys.float_info.epsilon\n",
}
# Ordinary but outside the subset: refused with what to write instead.
REFUSED = {
    "eval of a string": ("x = eval('0.1 * 0.5 ** 2')\n", "write the expression itself"),
    "globals()[name]": ("def act(name):\n    return globals()[name]\n", "use a dict of your own"),
    "sys.modules": ("import sys\nme = sys.modules[__name__]\n", "use only"),
}


@pytest.mark.unit
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_each_route_past_the_old_scan_is_refused(route):
    found = subset.check(ROUTES[route])
    assert found, route
    assert all(r.line >= 1 and r.what and r.instead for r in found)


@pytest.mark.unit
@pytest.mark.parametrize("snippet", sorted(ORDINARY))
def test_ordinary_code_is_accepted(snippet):
    assert subset.check(ORDINARY[snippet]) == [], snippet


@pytest.mark.unit
@pytest.mark.parametrize("snippet", sorted(REFUSED))
def test_refused_ordinary_code_is_taught(snippet):
    source, hint = REFUSED[snippet]
    found = subset.check(source)
    assert found, snippet
    message = subset.Refusal(found[0].line, found[0].what, found[0].instead, "losses.py").message("losses")
    assert message.startswith("losses.py, line ") and "not allowed" in message and hint in message, message


@pytest.mark.unit
def test_reexported_modules_never_open_a_way_out():
    """Every standard module that torch, numpy or an open module re-exports (torch.sys,
    F.importlib, re.copyreg...) is refused as a member; their own same-named members are not."""
    import importlib
    import types

    from grader.engine.subset import rules as subset_rules

    roots = ["torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.cuda", "numpy"]
    for root in sorted(subset_rules.OPEN - {"__future__"}) + roots:
        module = importlib.import_module(root)
        for name in dir(module):
            value = getattr(module, name, None)
            if name not in subset_rules.STANDARD or name.startswith("_"):
                continue
            own = isinstance(value, types.ModuleType) and value.__name__.startswith(f"{root}.")
            verdict = subset.member_problem(f"{root}.{name}")
            if isinstance(value, types.ModuleType) and not own:
                assert verdict is not None, f"{root}.{name} is the module {value.__name__}"


@pytest.mark.unit
def test_a_helper_file_is_checked_and_named(tmp_path):
    (tmp_path / "losses.py").write_text("import helper\n\ndef mse(a, b):\n    return helper.f(a, b)\n")
    (tmp_path / "helper.py").write_text("import torch\n\ndef f(a, b):\n    return a - b\n\nx = eval('1')\n")
    found = subset.refusal(tmp_path, "losses", single_file=False)
    # named in the helper, and charged as in the topic's file: a module-level line binding what no
    # exercise reads is replaced, not run, and costs nothing
    assert found is not None and (found.file, found.line, found.what) == ("helper.py", 6, "eval")
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    assert (
        "eval" not in dict(verdict.replaced)["helper.py"]
        and "def f(a, b)" in dict(verdict.replaced)["helper.py"]
    )
    (tmp_path / "tensors.py").write_text("import torch\nimport helper2\n")
    (tmp_path / "helper2.py").write_text("import torch\n")
    assert subset.refusal(tmp_path, "tensors", single_file=False) is None


@pytest.mark.unit
def test_a_helpers_imports_are_not_a_way_round_the_list(tmp_path):
    (tmp_path / "losses.py").write_text("import helper\nlib = helper.torch.library\n")
    (tmp_path / "helper.py").write_text("import torch\n")
    found = subset.refusal(tmp_path, "losses", single_file=False)
    assert found is not None and found.file == "losses.py"


MARKER = "SEAL-SUBSET-IMPORTED"
# A star import that reaches the recorder's module (the loop-per-row mistake scores some points
# on its values when run); it prints at import, so its output would show that it ran.
STAR_FORGER = f"""
from sys import *

print("{MARKER}")
kit = modules[{KIT}]
"""


@pytest.mark.e2e
def test_a_refused_topic_never_runs_and_scores_0_with_the_lesson(tmp_path):
    base = (REPO / "tests" / "corpus" / "tensors" / "mistakes" / "row_normalize_loop_rows.py").read_text()
    (tmp_path / "tensors.py").write_text(base + STAR_FORGER)
    _, report = grade_json(
        str(tmp_path), "--topic", "tensors", "--exercise", "row_normalize", "--timeout", "20"
    )
    checks = report["topics"][0]["tests"]
    assert report["score"] == 0 and checks
    graded = [c for c in checks if c["status"] != "skipped"]
    assert all(c["status"] == "failed" for c in graded), [c["status"] for c in graded]
    messages = {c["message"] for c in graded}
    assert len(messages) == 1, messages
    line = base.count("\n") + 2
    assert f"tensors.py, line {line}: from sys import * is not allowed in graded code" in messages.pop()
    assert MARKER not in str(report), "the refused module ran"


@pytest.mark.unit
def test_similarity_names_a_packed_copy_and_the_batch_summary_lists_refusals():
    from grader.batch.gradebook import Row
    from grader.batch.summary import class_stats, summary_text
    from grader.similarity.run import refused_notes
    from grader.similarity.sources import TopicSource

    honest = (REPO / "solutions" / "losses.py").read_text()
    notes = refused_notes(
        [TopicSource("ana", "losses", honest), TopicSource("ben", "losses", ROUTES["packed copy"])]
    )
    assert len(notes) == 1 and "ben's module is refused" in notes[0] and "base64" in notes[0], notes
    found = subset.check(ROUTES["packed copy"])[0]
    message = subset.Refusal(found.line, found.what, found.instead, "losses.py").message("losses")
    report = {
        "topics": [
            {
                "name": "losses",
                "tests": [
                    {
                        "id": "t",
                        "status": "failed",
                        "message": message,
                        "visibility": "public",
                        "kind": "value",
                    }
                ],
            }
        ]
    }
    stats = class_stats([Row("ben", "h", "v", "graded", "", 0, 10, report)])
    text = summary_text(stats)
    assert "refused before running" in text and "ben: losses.py, line 1: import base64" in text, text
    from grader.batch.report_html import render

    assert "<h2>Refused before running</h2>" in render(stats, "class", REPO / "no-such-folder")


@pytest.mark.unit
@pytest.mark.parametrize(
    "source",
    [
        "def f(eval):\n    return eval\n\nx = eval('1')\n",  # a binding in another scope
        "class P:\n    def show(self):\n        return vars(self)\n\nimport torch\nP.show(torch.nn.functional)\n",
        "class P:\n    def show(self):\n        return vars(self)\n\ndef g(p, m):\n    return p.__class__.show(m)\n",
        "class P:\n    def show(self):\n        return vars(self)\n\nimport torch\nself = torch.nn.functional\nP.show(self)\n",
        "import torch\nT = type('T', (torch.Tensor,), {'__torch_' + 'function__': classmethod(print)})\n",
        "import dataclasses\nT = dataclasses.make_dataclass('T', [], namespace={})\n",
        "import torch\nT = type(torch.Tensor)('T', (torch.Tensor,), dict(__torch_function__=print))\n",
        "import torch\nt = type\nT = t('T', (torch.Tensor,), {'__torch_' + 'function__': classmethod(print)})\n",
        "def make(name, bases, ns, maker=type):\n    return maker(name, bases, ns)\n",
        "def make(ns):\n    return type('T', (), ns)\n",
        "def make(*args):\n    return type(*args)\n",
        "import torch\nx = torch.tensor(1).__class__.__subclasses__()\n",
        "import torch\nclass T(torch.Tensor):\n    @classmethod\n    def __torch_function__(cls, f, t, a=(), k=None):\n        return f(*a)\n",
        "def __getattr__(name):\n    return name\n",
        "import torch\n\ndef patch(c):\n    c.device = property(lambda t: torch.device('cuda'))\n\npatch(torch.Tensor)\n",
        "def patch(c):\n    setattr(c, 'tolist', lambda self: [0.0])\n",
        "def tolist(self):\n    return []\n\ndef patch(c):\n    c.tolist = tolist\n",
        "import os\nos.system('true')\n",
        "import ctypes\n",
        "def poke(address, data):\n    with open('/proc/self/mem', 'r+b') as f:\n        f.seek(address)\n        f.write(data)\n",
        "from pathlib import Path\n\ndef poke(a):\n    f = Path('/proc/self/mem').open('wb')\n    f.seek(a)\n",
        "def poke(mode):\n    return open('/proc/self/mem', mode)\n",
        "import numpy as np\nm = np.memmap('/proc/self/mem', mode='r+')\n",
        "import torch\ns = torch.UntypedStorage.from_file('/proc/self/mem', True, 10)\n",
        "import numpy as np\np = np.zeros(3).ctypes.data\n",
        "def f(getattr):\n    return getattr\n\nx = f(getattr)\n",
        "def f(getattr):\n    return getattr\n\ng = getattr\n",
        "class Mine:\n    pass\n\ndef f(x):\n    x.__class__ = Mine\n",
        "def f(x):\n    setattr(x, '__class__', object)\n",
        "def mse(a, b):\n    return type(a)(((a.cpu() - b.cpu()) ** 2).mean())\n",  # wraps in the grader's class
        "def mse(a, b):\n    return a.__class__(((a.cpu() - b.cpu()) ** 2).mean())\n",
        "def mse(a, b):\n    wrap = type(a)\n    return wrap(a.cpu())\n",
        "def f(x, out):\n    shell = x.new_empty(out.shape)\n    shell.cpu_data = out\n    return shell\n",
        "from grader.sandboxed import probe_kit\n",
    ],
)
def test_more_ways_out_are_refused(source):
    assert subset.check(source), source


@pytest.mark.unit
def test_a_notebooks_refusal_names_its_cell(tmp_path):
    import nbformat

    from grader.checks.verdict import scoring
    from grader.engine.sources import notebooks

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import torch"),
        nbformat.v4.new_code_cell("def mse(a, b):\n    return eval('a')\n"),
    ]
    path = tmp_path / "losses.ipynb"
    nbformat.write(notebook, str(path))
    refusal = subset.refusal(path, "losses", single_file=True)
    assert refusal is not None
    result = scoring.TopicResult("losses", [scoring.TestResult("t", "shape", "passed", 1.0, 1.0)])
    with notebooks.places_of(path, "losses") as module:  # as the runner grades a notebook
        subset.refuse(result, refusal)
        notebooks.explain(result, module)
    assert result.tests[0].message.startswith("cell 2 (`def mse(a, b):`), line 2: eval is not allowed")


@pytest.mark.unit
def test_the_grader_objects_attributes_are_all_refused():
    from grader.engine.subset import rules as subset_rules
    from grader.sandboxed import probe_kit

    assert set(probe_kit.OnSecondDevice.__annotations__) == subset_rules.GRADER_ATTRIBUTES


@pytest.mark.e2e
def test_a_refusal_that_costs_every_exercise_runs_no_worker(tmp_path):
    """A module-level line the subset refuses that every exercise of the file reads (a patch of
    the ``torch.zeros`` each one calls; one of a member none reads costs nothing (a charge only for code that runs):
    test_subset_charge.py) costs every exercise: each check fails with the lesson, as when the
    suite ran on the rest, but no worker runs any of it."""
    source = f"import torch\nprint('{MARKER}')\ntorch.zeros = lambda *a, **k: torch.ones(())\n"
    source += "".join(
        f"\n\ndef {name}(*args, **kwargs):\n    return torch.zeros(())\n" for name in exercises("losses")
    )
    (tmp_path / "losses.py").write_text(source)
    _, report = grade_json(str(tmp_path), "--topic", "losses")
    graded = [c for c in report["topics"][0]["tests"] if c["status"] != "skipped"]
    assert report["score"] == 0 and graded
    assert {c["status"] for c in graded} == {"failed"}
    assert len({c["message"] for c in graded}) == 1
    assert "torch.zeros = ... (changes a module for every caller)" in graded[0]["message"]
    assert report["seconds"]["startup"] == 0 and report["seconds"]["probes"] == 0, report["seconds"]
    assert MARKER not in str(report), "the refused module ran"


@pytest.mark.unit
def test_a_refusal_skips_the_run_only_where_it_would_fail_every_check():
    def rows(*exercises):
        return [check_table.Row(f"c{i}", "values", 1.0, True, False, e, ()) for i, e in enumerate(exercises)]

    every = rows(("mse",), ("mse", "l1"), ("huber",))
    assert subset.refuses_every_check(frozenset(), every)  # the whole topic
    assert subset.refuses_every_check(frozenset({"mse", "huber"}), every)
    assert subset.refuses_every_check(frozenset({"softmax"}), every)  # refuse() then fails all
    assert not subset.refuses_every_check(frozenset({"mse"}), every)  # huber's check still runs


@pytest.mark.unit
def test_a_parameter_named_as_an_imported_module_is_the_parameter():
    """Seen failing: mlp's dropout(x, p, training=True) beside a helper file training.py was refused
    as "the module training as a value" (honest h122's 26, dropout 0/7); the module itself, handed
    on, stays refused."""
    honest = "import math\n\n\ndef dropout(x, p, math=True):\n    return x * p if math else x\n"
    assert subset.check(honest) == []
    assert subset.check("import math\n\n\ndef f(x):\n    return math\n")
