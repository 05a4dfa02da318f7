"""What a refusal of the graded subset costs (``grader/engine/subset/charge.py``), and that the
trusted side's reading of a submission is bounded: any source within the size budget is read,
checked and charged in seconds of CPU, inside the reading clock (docs/design.md, "The graded
subset": trusted-side work on a submission is bounded)."""

from __future__ import annotations

import ast
import time
from collections.abc import Callable

import pytest
from fair_code import COSTS_ITS_EXERCISE, UNRUN, module_of
from helpers import REPO

from grader.base import topics
from grader.engine.sources import parsed
from grader.engine.subset import charge as subset_charge
from grader.engine.subset import submission as subset
from grader.engine.subset.refusal import Refusal

# of CPU, for a source at the size budget: read, checked and charged. A guard against a reading
# that grows with the square of the source (minutes once; a per-name walk of its function, 27 s),
# not a speed gate: 5-9 s here at load 4 (CI's machine read 5 s as too few), so a bound well under
# the reading clock's 20 s
SECONDS = 15.0


def _fill(head: str, part: Callable[[int], str], tail: Callable[[int], str]) -> str:
    """``head``, then ``part(1)``, ``part(2)``... while the source stays within the size budget,
    then ``tail(n)`` (n: the parts written, plus one)."""
    pieces, size, i = [head], len(head), 1
    while size + len(part(i)) + len(tail(i + 1)) <= parsed.MAX_BYTES:
        pieces.append(part(i))
        size += len(pieces[-1])
        i += 1
    return "".join(pieces) + tail(i)


def chained() -> str:
    """``def f1(x): return f0(x)``... each function the next one's only callee, the refused line
    at the bottom: a charge found one function at a time was quadratic (136-335 s at 122 kB)."""
    return _fill(
        "import torch\n\n\ndef f0(x):\n    return eval('x')\n",
        lambda i: f"\n\ndef f{i}(x):\n    return f{i - 1}(x)\n",
        lambda i: f"\n\ndef mse(a, b):\n    return f{i - 1}(a)\n",
    )


def wide() -> str:
    """Every function calls the one before it and the 39 after it: a wide call graph, still as
    deep as it is long (the refused line reaches each function first through the one before)."""
    return _fill(
        "import torch\n\n\ndef g0(x):\n    return eval('x')\n",
        lambda i: (
            f"\n\ndef g{i}(x):\n    return "
            + " + ".join(f"g{j}(x)" for j in [i - 1, *range(i + 1, i + 40)])
            + "\n"
        ),
        lambda i: f"\n\ndef mse(a, b):\n    return g{i - 1}(a)\n",
    )


def every_line_refused() -> str:
    """A refused line in every function: each refusal's owner found by a scan of the module."""
    return _fill(
        "import torch\n",
        lambda i: f"\n\ndef h{i}(x):\n    return eval('x')\n",
        lambda i: "\n\ndef mse(a, b):\n    return h1(a)\n",
    )


SHAPES = {"chained": chained, "wide": wide, "every line refused": every_line_refused}


@pytest.mark.engine  # seconds of CPU each, by design: past the unit tier's budget
@pytest.mark.timeout(120)  # the quadratic charge took minutes: fail, never stall the tier
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_any_source_within_the_size_budget_is_read_and_charged_in_seconds(tmp_path, shape):
    source = SHAPES[shape]()
    assert parsed.MAX_BYTES - 2_000 < len(source.encode()) <= parsed.MAX_BYTES
    (tmp_path / "losses.py").write_text(source)
    subset.check("import torch\n")  # the member snapshot read before the clock starts
    started = time.process_time()
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    seconds = time.process_time() - started
    assert verdict.refusal is not None and verdict.refusal.what == "eval"
    assert "mse" in verdict.exercises, "the refused line reaches mse"
    assert seconds <= SECONDS, f"{shape}: {len(source) >> 10} kB read and charged in {seconds:.1f} s of CPU"


@pytest.mark.engine  # a clock measured over a whole reading (~0.5 s of CPU): kept out of the unit tier's CPU budget
def test_charging_runs_inside_the_reading_clock():
    source = chained()
    refusals = subset.check(source)
    assert refusals
    with pytest.raises(parsed.OverBudget, match="took more than"):
        subset_charge.charged(source, refusals, {}, parsed.Clock(0.0))


@pytest.mark.engine  # CPU-heavy for the unit tier's budget
def test_a_refusal_past_the_clock_is_one_line_for_the_topic(tmp_path, monkeypatch):
    (tmp_path / "losses.py").write_text(chained())
    monkeypatch.setattr(subset_charge, "charged", _over_budget)
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    assert verdict.refusal is not None and verdict.exercises == frozenset()
    assert verdict.refusal.what.startswith("reading losses.py took more than")


def _over_budget(source: str, refusals: list[Refusal], local: object, clock: object, **_: object) -> None:
    raise parsed.OverBudget("reading losses.py took more than 20 s of CPU")


# -- what a refusal costs -----------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(UNRUN))
def test_a_refused_line_outside_every_exercise_is_not_run_and_costs_nothing(tmp_path, name):
    topic, snippet = UNRUN[name]
    source = module_of(topic, snippet)
    (tmp_path / f"{topic}.py").write_text(source)
    verdict = subset.verdict(tmp_path, topic, single_file=False)
    assert verdict.refusal is None and verdict.exercises == frozenset(), verdict
    assert verdict.unrun and all(r.file == f"{topic}.py" for r in verdict.unrun)
    first = verdict.unrun[0]
    assert subset.refusal(tmp_path, topic, single_file=False) == first, "still the first place it leaves"
    (file, stubbed), *_ = verdict.replaced
    assert file == f"{topic}.py" and subset.check(stubbed) == []
    assert stubbed.count("\n") == source.count("\n"), "line numbers kept"
    assert (
        stubbed.splitlines()[: source.count("\n") - snippet.count("\n")]
        == source.splitlines()[: source.count("\n") - snippet.count("\n")]
    ), "the reference above the snippet is untouched"
    note = verdict.note()
    assert note.startswith(f"{topic}.py, line {first.line}: {first.what} is not allowed in graded code")
    assert "was not run" in note and "costs no points" in note and first.instead in note
    compile(stubbed, f"{topic}.py", "exec")


# name -> (topic, snippet, the exercises it costs): precisely those whose reachable code holds it
INSIDE_AN_EXERCISE = {
    "a helper only entropy calls": (
        "losses",
        "def _plogp(p):\n    return eval('torch.special.xlogy(p, p)')\n\n\n"
        "def entropy(p):\n    return -_plogp(p).sum(dim=-1)\n",
        {"entropy"},
    ),
    "a table the table reads, which huber reads": (
        "losses",
        "_SCALES = {'half': eval('0.5')}\nSCALES = dict(_SCALES)\n\n\n"
        "def huber(y_hat, y, delta=1.0):\n    d = (y_hat - y).abs()\n"
        "    return torch.where(d <= delta, SCALES['half'] * d**2, delta * (d - 0.5 * delta)).mean()\n",
        {"huber"},
    ),
    "a helper's value called at module level, read by kl_div": (
        "losses",
        "def _eps():\n    return eval('1e-12')\n\n\nEPS = _eps()\n\n\n"
        "def kl_div(p, q):\n    terms = torch.where(p > 0, p * (p.log() - q.log()), torch.zeros_like(p))\n"
        "    terms = torch.where((p > 0) & (q == 0), torch.full_like(p, float('inf')), terms)\n"
        "    return terms.sum(dim=-1) + 0 * EPS\n",
        {"kl_div"},
    ),
    "a local of the same name is not the refused one": (
        "losses",
        "x = eval('1')\n\n\ndef mse(y_hat, y, reduction='mean'):\n    x = (y_hat - y) ** 2\n"
        "    return x.mean() if reduction == 'mean' else x.sum() if reduction == 'sum' else x\n\n\n"
        "def l1(y_hat, y, reduction='mean'):\n    d = (y_hat - y).abs() * x\n"
        "    return d.mean() if reduction == 'mean' else d.sum() if reduction == 'sum' else d\n",
        {"l1"},
    ),
    "a helper bound through globals(), read by mse": (
        "losses",
        "globals()['_squares'] = lambda d: d**2\n\n\n"
        "def mse(y_hat, y, reduction='mean'):\n    return _reduce(_squares(y_hat - y), reduction)\n",
        {"mse"},
    ),
    "a method of SGD": (
        "optim",
        "class SGD(torch.optim.Optimizer):\n    def __init__(self, params, lr=0.01):\n"
        "        super().__init__(params, dict(lr=lr))\n\n    def step(self):\n"
        "        return eval('None')\n",
        {"SGD"},
    ),
}


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(INSIDE_AN_EXERCISE))
def test_a_refused_line_costs_only_the_exercises_that_reach_it(tmp_path, name):
    topic, snippet, cost = INSIDE_AN_EXERCISE[name]
    source = module_of(topic, snippet)
    (tmp_path / f"{topic}.py").write_text(source)
    verdict = subset.verdict(tmp_path, topic, single_file=False)
    assert verdict.refusal is not None and verdict.exercises == cost, verdict
    assert not verdict.unrun
    (_, stubbed), *_ = verdict.replaced
    assert subset.check(stubbed) == [] and stubbed.count("\n") == source.count("\n")
    compile(stubbed, f"{topic}.py", "exec")


@pytest.mark.unit
def test_lines_inside_and_outside_exercises_are_told_apart(tmp_path):
    snippet = (
        "import sys\n\nME = sys.modules[__name__]\n\n\n"
        "def entropy(p):\n    return -eval('torch.special.xlogy(p, p)').sum(dim=-1)\n"
    )
    (tmp_path / "losses.py").write_text(module_of("losses", snippet))
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    assert verdict.refusal is not None and verdict.refusal.what == "eval"
    assert verdict.exercises == {"entropy"}
    assert [r.what for r in verdict.unrun] == ["sys.modules"]
    first = subset.refusal(tmp_path, "losses", single_file=False)
    assert first is not None and first.what == "sys.modules"


def _holders(source: str, topic: str) -> set[str]:
    """The topic's exercises whose reachable code holds a refused line, found the plain way: from
    each exercise's statements, every statement binding a name one of them reads, transitively,
    over-counting on purpose (a local of the same name counts as read, every name stored anywhere
    in a statement as bound, an attribute's or item's target as its root), so that this holds a
    superset of what any charge may cost."""
    tree = ast.parse(source)
    lines = {r.line for r in subset.check(source)}
    spans = [
        (min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", []))]), n.end_lineno)
        for n in tree.body
    ]
    binds, reads = [], []
    for node in tree.body:
        found = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}  # stored, read or a target's root
        found |= {getattr(n, "name", None) for n in ast.walk(node)} - {None}
        found |= {
            a.asname or a.name.split(".")[0]
            for n in ast.walk(node)
            if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names
        }
        binds.append(found)
        reads.append(
            {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        )
    holding = set()
    for exercise in topics.exercises(topic):
        seen = {i for i, names in enumerate(binds) if exercise in names}
        frontier = list(seen)
        while frontier:
            i = frontier.pop()
            for j, names in enumerate(binds):
                if j not in seen and reads[i] & names:
                    seen.add(j)
                    frontier.append(j)
        if any(spans[i][0] <= line <= spans[i][1] for i in seen for line in lines):
            holding.add(exercise)
    return holding


REFUSED_MODULES = {
    **{
        f"costs: {name}": (topic, module_of(topic, snippet))
        for name, (topic, _, snippet) in COSTS_ITS_EXERCISE.items()
    },
    **{f"unrun: {name}": (topic, module_of(topic, snippet)) for name, (topic, snippet) in UNRUN.items()},
    **{
        f"inside: {name}": (topic, module_of(topic, snippet))
        for name, (topic, snippet, _) in INSIDE_AN_EXERCISE.items()
    },
    "every exercise of losses patched through torch": (
        "losses",
        module_of("losses", "torch.allclose = lambda *a, **k: True\n"),
    ),
}


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(REFUSED_MODULES))
def test_no_refusal_costs_an_exercise_whose_reachable_code_does_not_hold_the_line(tmp_path, name):
    topic, source = REFUSED_MODULES[name]
    (tmp_path / f"{topic}.py").write_text(source)
    verdict = subset.verdict(tmp_path, topic, single_file=False)
    holding = _holders(source, topic)
    assert verdict.refusal is None or verdict.exercises, (
        "a refused line in the topic's own file never costs it whole"
    )
    assert verdict.exercises <= holding, (
        f"charged {sorted(verdict.exercises - holding)}, whose code holds no refused line"
    )
    if not holding:
        assert verdict.refusal is None and verdict.unrun, "a line no exercise reaches costs nothing"


@pytest.mark.unit
def test_a_star_import_costs_the_whole_topic(tmp_path):
    """What ``from sys import *`` binds no reader can be traced to (``modules[...]`` after it):
    refused, it costs the whole topic, whose module never runs."""
    (tmp_path / "losses.py").write_text(module_of("losses", "from sys import *\n\nkit = modules['x']\n"))
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    assert verdict.refusal is not None and verdict.refusal.what == "from sys import *"
    assert verdict.exercises == frozenset() and verdict.replaced == () and not verdict.unrun


@pytest.mark.unit
def test_a_notebooks_line_no_exercise_reaches_is_said_in_its_cell(tmp_path):
    import nbformat

    from grader.checks.verdict import scoring
    from grader.engine.sources import notebooks

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell((REPO / "solutions" / "losses.py").read_text()),
        nbformat.v4.new_code_cell("import sys\nTHIS = sys.modules[__name__]\n"),
    ]
    path = tmp_path / "losses.ipynb"
    nbformat.write(notebook, str(path))
    verdict = subset.verdict(path, "losses", single_file=True)
    assert verdict.refusal is None and [r.what for r in verdict.unrun] == ["sys.modules"]
    result = scoring.TopicResult("losses", [scoring.TestResult("t", "shape", "passed", 1.0, 1.0)])
    with notebooks.places_of(path, "losses") as module:  # as the runner grades a notebook
        notebooks.explain(result, module, [verdict.note()])
    assert result.note.startswith("cell 2 (`import sys`), line 2: sys.modules is not allowed"), result.note
    assert result.tests[0].status == "passed"


# -- a refused line in a helper file of the submission: charged through the lines importing it --

HELPER = (
    "import logging\n\nlog = logging.getLogger('mine')\nexec('x = 1')\n\n\ndef square(d):\n    return d * d\n"
)


def _with_helper(tmp_path, mse_reads: bool, files: dict[str, str]) -> subset.Verdict:
    """losses.py importing ``square`` from helpers.py, read by mse or by a function no exercise
    calls; ``files``: the helper files."""
    source = (REPO / "solutions" / "losses.py").read_text()
    source = source.replace("import torch\n", "import torch\n\nfrom helpers import square\n", 1)
    if mse_reads:
        source = source.replace(
            "_reduce((y_hat - y) ** 2, reduction)", "_reduce(square(y_hat - y), reduction)", 1
        )
    else:
        source += "\n\ndef _unused(d):\n    return square(d)\n"
    (tmp_path / "losses.py").write_text(source)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return subset.verdict(tmp_path, "losses", single_file=False)


SQUARE_REFUSED = "import torch\n\n\ndef square(d):\n    return eval('d * d')\n"
UNUSED_SAVE = (
    "import torch\n\n\ndef square(d):\n    return d * d\n\n\n"
    "def save(model, path):\n    torch.save(model.state_dict(), path)\n"
)


@pytest.mark.unit
def test_a_helper_files_refused_line_costs_only_the_exercises_calling_it(tmp_path):
    verdict = _with_helper(tmp_path, True, {"helpers.py": SQUARE_REFUSED})
    assert verdict.refusal is not None and verdict.exercises == {"mse"}, verdict
    assert (verdict.refusal.file, verdict.refusal.line) == ("helpers.py", 5), verdict.refusal
    stubbed = dict(verdict.replaced)
    assert subset.check(stubbed["helpers.py"]) == [] and "eval" not in stubbed["helpers.py"]


@pytest.mark.unit
def test_a_helpers_module_level_line_costs_nothing_as_in_the_topics_file(tmp_path):
    """``exec(...)`` at a helper's top level binds nothing an exercise reads: not run, it costs
    nothing, as the same line in the topic's file; it cost mse (which imports ``square``)."""
    verdict = _with_helper(tmp_path, True, {"helpers.py": HELPER})
    assert verdict.refusal is None and verdict.exercises == frozenset(), verdict
    assert [(r.file, r.line) for r in verdict.unrun] == [("helpers.py", 4)] and "helpers.py" in verdict.note()
    stubbed = dict(verdict.replaced)["helpers.py"]
    assert "exec" not in stubbed and "def square" in stubbed


@pytest.mark.unit
def test_a_helper_no_exercise_reaches_costs_nothing(tmp_path):
    verdict = _with_helper(tmp_path, False, {"helpers.py": SQUARE_REFUSED})
    assert verdict.refusal is None and verdict.exercises == frozenset(), verdict
    assert [(r.file, r.line) for r in verdict.unrun] == [("helpers.py", 5)], verdict


@pytest.mark.unit
def test_an_unused_function_of_a_helper_file_costs_nothing(tmp_path):
    """``torch.save`` in a helper file's function no exercise calls, beside the one mse calls: it
    cost mse (every exercise reading a name the import binds; inception's InceptionA and
    GoogLeNetMini, 18 of 24 points), where the same function in the topic's file costs nothing."""
    verdict = _with_helper(tmp_path, True, {"helpers.py": UNUSED_SAVE})
    assert verdict.refusal is None and verdict.exercises == frozenset(), verdict
    assert [(r.file, r.line, r.what) for r in verdict.unrun] == [("helpers.py", 9, "torch.save")], verdict
    assert "def square(d):\n    return d * d" in dict(verdict.replaced)["helpers.py"]


@pytest.mark.unit
def test_a_helper_refused_through_the_helper_it_imports(tmp_path):
    files = {"helpers.py": "from util import twice\n\n\ndef square(d):\n    return twice(d) * d / 2\n"}
    files["util.py"] = "import ctypes\n\n\ndef twice(d):\n    return 2 * d\n"
    verdict = _with_helper(tmp_path, True, files)
    assert verdict.refusal is not None and verdict.exercises == {"mse"}, verdict
    assert "util.py, line 1" in verdict.refusal.what


@pytest.mark.unit
def test_helpers_importing_each_other_are_charged_through_the_refused_one(tmp_path):
    """helpers.py imports aaa.py, which imports helpers back and util.py (refused): the way to the
    refused line is found past the cycle (it once ended on a file of the cycle)."""
    files = {"helpers.py": "import aaa\n\n\ndef square(d):\n    return d * d\n"}
    files["aaa.py"] = "import helpers\nimport util\n"
    files["util.py"] = "import ctypes\n"
    verdict = _with_helper(tmp_path, True, files)
    assert verdict.refusal is not None and verdict.exercises == {"mse"}, verdict
    assert "util.py, line 1" in verdict.refusal.what


# -- the charge by bindings ------------------------------------------------------------------------


@pytest.mark.unit
def test_a_name_nothing_binds_is_not_bound_by_a_refused_line(tmp_path):
    """An unused refused helper beside a class that reads ``__file__`` (a module dunder, which
    nothing in the module binds): it once cost DiabetesDataset, as if the refused line bound it."""
    snippet = (
        "import os\n\n\nclass DiabetesDataset(torch.utils.data.Dataset):\n"
        "    def __init__(self, path=None):\n"
        "        path = path or os.path.join(os.path.dirname(__file__), 'diabetes.csv.gz')\n"
        "        table = np.loadtxt(path, delimiter=',', dtype=np.float32)\n"
        "        self.features = torch.from_numpy(table[:, :-1])\n"
        "        self.labels = torch.from_numpy(table[:, [-1]])\n\n"
        "    def __len__(self):\n        return len(self.labels)\n\n"
        "    def __getitem__(self, index):\n        return self.features[index], self.labels[index]\n\n\n"
        "def _peek(text):\n    return eval(text)\n"
    )
    (tmp_path / "optim.py").write_text(module_of("optim", snippet))
    verdict = subset.verdict(tmp_path, "optim", single_file=False)
    assert verdict.refusal is None and verdict.exercises == frozenset(), verdict
    assert [r.what for r in verdict.unrun] == ["eval"]


SETTINGS = (
    "torch.backends.cuda.matmul.allow_tf32 = True\n"
    "torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = True\n"
)


@pytest.mark.unit
@pytest.mark.parametrize(
    "setting",
    [SETTINGS, "torch.backends.mkldnn.enabled = False\n", "torch.allclose = lambda *a, **k: True\n"],
)
def test_a_refused_torch_setting_no_exercise_reads_costs_nothing(tmp_path, setting):
    """A refused module-level setting of torch beside an allowed one (``allow_tf32``): it is never
    run, so it changes nothing an exercise reads; it cost 4 of cnn's 5 exercises (every one that
    writes ``torch.`` or ``F.``), 40.5 points."""
    (tmp_path / "cnn.py").write_text(module_of("cnn", setting))
    verdict = subset.verdict(tmp_path, "cnn", single_file=False)
    assert verdict.refusal is None and verdict.exercises == frozenset(), verdict
    assert len(verdict.unrun) == 1 and verdict.unrun[0].line > 1, verdict.unrun
    (_, stubbed), *_ = verdict.replaced
    assert "allow_tf32 = True" in stubbed or "allow_tf32" not in setting


@pytest.mark.unit
def test_a_refused_torch_setting_costs_the_exercise_that_reads_it(tmp_path):
    """The same setting read by corr2d (a path above it): corr2d pays, the rest of cnn does not."""
    reads = (
        "def corr2d(x, k):\n    assert torch.backends.cuda.matmul is not None\n    kh, kw = k.shape\n"
        "    return torch.stack([torch.stack([(x[i:i + kh, j:j + kw] * k).sum() for j in range(x.shape[1] - kw + 1)])"
        " for i in range(x.shape[0] - kh + 1)])\n"
    )
    (tmp_path / "cnn.py").write_text(module_of("cnn", SETTINGS, reads))
    verdict = subset.verdict(tmp_path, "cnn", single_file=False)
    assert verdict.refusal is not None and verdict.exercises == {"corr2d"}, verdict


# -- a refused line in a class's method: the method's alone ----------------------------------

STATS = (
    "class _Stats:\n    def __init__(self, reduction):\n        self.reduction = reduction\n\n"
    "    def reduce(self, x):\n"
    "        return x.mean() if self.reduction == 'mean' else x.sum() if self.reduction == 'sum' else x\n\n"
    "    def dump(self, x):\n        return eval('x')\n\n\n"
    "def mse(y_hat, y, reduction='mean'):\n    return _Stats(reduction).reduce((y_hat - y) ** 2)\n\n\n"
    "def l1(y_hat, y, reduction='mean'):\n    return _Stats(reduction).reduce((y_hat - y).abs())\n"
)


@pytest.mark.unit
def test_a_refused_line_in_a_method_no_exercise_calls_costs_nothing(tmp_path):
    """One refused line in a helper class's unused method: it cost mse and l1 (every exercise using
    the class), the class stubbed whole; now only the method is replaced, and it costs nothing."""
    source = module_of("losses", STATS)
    (tmp_path / "losses.py").write_text(source)
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    assert verdict.refusal is None and verdict.exercises == frozenset(), verdict
    assert [r.what for r in verdict.unrun] == ["eval"]
    (_, stubbed), *_ = verdict.replaced
    assert subset.check(stubbed) == [] and stubbed.count("\n") == source.count("\n")
    namespace: dict = {}
    exec(compile(stubbed, "losses.py", "exec"), namespace)  # the class still works, the method raises
    import torch

    assert float(namespace["mse"](torch.ones(2), torch.zeros(2))) == 1.0
    with pytest.raises(NotImplementedError):
        namespace["_Stats"]("mean").dump(1)


@pytest.mark.unit
def test_a_refused_line_in_a_method_costs_the_exercises_calling_it(tmp_path):
    calls = STATS.replace(
        "return _Stats(reduction).reduce((y_hat - y).abs())",
        "return _Stats(reduction).dump((y_hat - y).abs())",
    )
    (tmp_path / "losses.py").write_text(module_of("losses", calls))
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    assert verdict.refusal is not None and verdict.exercises == {"l1"}, verdict


@pytest.mark.unit
def test_a_refused_method_costs_nothing_through_a_value_the_module_cannot_tell(tmp_path):
    """Value.backward holds a refused line; grad_of_vector_fn calls ``.backward()`` on what its
    parameter ``f`` returns (a tensor, as far as the module can tell anything). Only a call whose
    receiver is certainly the class's is charged; the method's stand-in raises where it is reached
    at run time otherwise (honest116's 10_autograd_demo lost two exercises to a method's name)."""
    value = (
        "class Value:\n    def __init__(self, data):\n        self.data = data\n\n"
        "    def backward(self):\n        eval('1')\n        return self\n\n\n"
        "def grad_of_vector_fn(f, x):\n    x = x.detach().requires_grad_(True)\n"
        "    y = f(x)\n    y.backward()\n    return x.grad\n\n\n"
        "def detach_grad(x):\n    z = Value(x)\n    return z.backward()\n"
    )
    (tmp_path / "autograd.py").write_text(module_of("autograd", value))
    verdict = subset.verdict(tmp_path, "autograd", single_file=False)
    assert verdict.refusal is not None and verdict.exercises == {"Value", "detach_grad"}, verdict
