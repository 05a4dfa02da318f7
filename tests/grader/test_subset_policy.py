"""The subset's policy is closed by construction: every node type of the running Python's syntax,
every builtin and every member of the reviewed modules (torch, numpy, the open standard modules)
is decided, allowed or refused, so a new Python or a torch upgrade opens nothing before review;
what is not decided is refused; the docs' policy table is the code's."""

from __future__ import annotations

import ast
import builtins

import pytest
import torch

from grader import keys_docs
from grader.authoring import subset_review
from grader.engine.subset import check as subset_check
from grader.engine.subset import rules
from grader.engine.subset import submission as subset
from grader.sandboxed import guarded, subset_members


def _node_types() -> set[str]:
    return {n for n, v in vars(ast).items() if isinstance(v, type) and issubclass(v, ast.AST)}


@pytest.mark.unit
def test_every_node_type_of_this_python_is_decided():
    undecided = _node_types() - rules.NODES - set(rules.NODES_REFUSED)
    assert not undecided, f"review these node types into subset_rules.NODES or NODES_REFUSED: {undecided}"
    assert not rules.NODES & set(rules.NODES_REFUSED)


@pytest.mark.unit
def test_a_node_type_nobody_reviewed_is_refused(monkeypatch):
    source = "def f(xs):\n    if (n := len(xs)) > 1:\n        return n\n"
    assert subset.check(source) == []
    monkeypatch.setattr(rules, "NODES", rules.NODES - {"NamedExpr"})  # as if nobody had reviewed it
    found = subset.check(source + "\n")  # another source: the check caches one per source
    assert [(r.line, r.what) for r in found] == [(2, "the syntax NamedExpr")]

    class Unreviewed(ast.expr):  # what a newer Python's new syntax looks like to this check
        _fields = ()

    tree = ast.parse("x = 1\n")
    node = tree.body[0]
    assert isinstance(node, ast.Assign)
    node.value = Unreviewed(lineno=1, col_offset=4)
    found = subset_check.node_refusals(tree)
    assert [(r.line, r.what) for r in found] == [(1, "the syntax Unreviewed")]
    assert subset.check("async def f():\n    await g()\n"), "async code is refused"


@pytest.mark.unit
def test_every_builtin_is_decided_and_one_not_allowed_is_refused():
    undecided = set(dir(builtins)) - rules.BUILTINS - set(rules.BUILTINS_REFUSED)
    assert not undecided, f"review these builtins into subset_rules.BUILTINS or BUILTINS_REFUSED: {undecided}"
    assert not rules.BUILTINS & set(rules.BUILTINS_REFUSED)
    assert subset.check("def f(x):\n    return aiter(x)\n")
    assert subset.check("def f(x):\n    return len(x)\n") == []


@pytest.mark.unit
def test_every_member_installed_is_in_the_snapshot():
    """A torch (numpy, Python) upgrade that adds a member fails here until it is reviewed:
    `python -m grader.authoring.subset_review update` records it refused, then a person decides."""
    recorded = set(subset_members.decisions())
    installed = {(m, n) for m in subset_review.MODULES for n in subset_review.universe(m)}
    assert installed - recorded == set(), "members nobody reviewed (run subset_review.py update)"
    assert recorded - installed == set(), "members gone (run subset_review.py update)"
    assert subset_members.modules() == set(subset_review.MODULES)


@pytest.mark.unit
def test_a_member_nobody_reviewed_is_refused(monkeypatch):
    monkeypatch.setattr(torch, "brand_new_loader", lambda path: path, raising=False)
    installed = {(m, n) for m in subset_review.MODULES for n in subset_review.universe(m)}
    assert ("torch", "brand_new_loader") in installed - set(subset_members.decisions())
    problem = subset.member_problem("torch.brand_new_loader")
    assert problem is not None and "not among the reviewed members" in problem[1]
    assert subset.check("import torch\nx = torch.brand_new_loader('w.pt')\n")
    assert guarded.refused(torch, "brand_new_loader")


@pytest.mark.unit
def test_a_member_no_module_has_is_python_s_attribute_error_not_a_refusal():
    """``nn.Relu`` (nn.ReLU misspelt) does not exist: not a subset matter, so the check lets it
    through and reading it raises Python's own AttributeError saying so, by name or by getattr;
    a submodule not yet imported and a member nobody reviewed are refused as before."""
    assert subset.member_problem("torch.nn.Relu") is None
    assert subset.check("from torch import nn\nact = nn.Relu()\n") == []
    with pytest.raises(AttributeError, match="module 'torch.nn' has no attribute 'Relu'"):
        guarded._getattr(torch.nn, "Relu")
    assert guarded._getattr(torch.nn, "Relu", None) is None
    assert subset.member_problem("torch.nn.ReLU") is None
    with pytest.raises(AttributeError, match="off limits"):
        guarded._getattr(torch, "load")
    assert subset.member_problem("torch.distributed.rpc") is not None


@pytest.mark.unit
def test_nothing_that_compiles_loads_or_spawns_is_allowed():
    refused = [
        "torch.compile",
        "torch.compiler",
        "torch.jit",
        "torch.load",
        "torch.hub",
        "torch.package",
        "torch.library",
        "torch.ops",
        "torch.multiprocessing",
        "torch.utils.throughput_benchmark",
        "torch.utils.collect_env",
        "torch.utils.cpp_extension",
        "torch.utils.data.datapipes",
        "torch.utils.data.DistributedSampler",
        "torch.overrides",
        "torch.autocast",
        "torch.func",
        "torch.set_num_threads",
        "torch.ThroughputBenchmark",
        "torch.ScriptModule",
        "torch.fx",
        "torch.export",
        "torch.nn.DataParallel",
        "numpy.load",
        "numpy.testing.measure",
        "numpy.testing.runstring",
        "typing.get_type_hints",
    ]
    assert [m for m in refused if subset.member_problem(m) is None] == []
    # vectorising transforms: allowed where a docstring allows broadcasting
    assert [m for m in ("torch.vmap", "torch.func.vmap") if subset.member_problem(m)] == []
    for dotted in refused:
        module, name = dotted.rsplit(".", 1)
        assert subset_members.decisions().get((module, name)) != subset_members.ALLOWED, dotted


@pytest.mark.unit
@pytest.mark.parametrize("dotted", ["torch.optim.swa_utils", "pandas.DataFrame", "time.strftime"])
def test_the_member_lists_advice_is_in_the_learners_language(monkeypatch, dotted):
    """A member the list does not record, a module outside it, a listed module's other member:
    the advice is Chinese in Chinese (it kept its English)."""
    from grader.base import i18n

    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    try:
        problem = subset.member_problem(dotted)
        advice = i18n.text(problem[1]) if problem else ""
    finally:
        monkeypatch.undo()
        i18n.refresh()
    assert advice and not any(w in advice for w in ("among", " use ", "use only", "modules")), advice


@pytest.mark.unit
def test_the_docs_policy_table_is_generated_from_the_code():
    page = keys_docs.DOCS / "sandbox.md"
    assert keys_docs.pages()[page] == page.read_text(encoding="utf-8"), (
        "docs/sandbox.md's policy table is stale: run python -m grader.keys_docs"
    )
    assert subset_review.table() in page.read_text(encoding="utf-8")
