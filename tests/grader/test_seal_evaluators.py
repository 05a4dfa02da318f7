"""No route from an object graded code holds to the interpreter: a library object's private
attributes are not read by a computed name, and no library function graded code reaches evaluates
a string once the submission runs (``typing.get_args(typing.List["..."])[0]._evaluate`` ran a
string in typing's frame, with the real builtins)."""

from __future__ import annotations

import dis
import importlib
import subprocess
import sys
import types
import typing

import pytest
from helpers import REPO, grade_json

from grader.engine.subset import rules
from grader.sandboxed import guarded
from grader.sandboxed import subset_members as members

OUTSIDE = "__import__('os').getpid()"  # the real builtins' import, in typing's frame
ROUTES = {
    "computed name": 'getattr(typing.get_args(typing.List[text])[0], "_eval" + "uate")',
    "written out": "typing.get_args(typing.List[text])[0]._evaluate",
}


def _route_source(route: str) -> str:
    """The losses solution, its mse correct once a string evaluated through a forward reference
    reached the real builtins (from there: the worker's recorders, a twin no check sees)."""
    solution = (REPO / "solutions" / "losses.py").read_text()
    return (
        solution.replace("import torch\n", "import typing\n\nimport torch\n", 1)
        + f"\n\ndef _outside(text):\n    return {ROUTES[route]}(None, None, frozenset())\n\n\n"
        f"def mse(y_hat, y, reduction='mean'):\n    assert _outside({OUTSIDE!r}) > 0\n"
        "    return _reduce((y_hat - y) ** 2, reduction)\n"
    )


@pytest.mark.e2e
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_forward_reference_evaluates_nothing(tmp_path, route):
    (tmp_path / "losses.py").write_text(_route_source(route))
    _, report = grade_json(str(tmp_path), "--topic", "losses", "--exercise", "mse", "--timeout", "20")
    checks = report["topics"][0]["tests"]
    assert report["score"] == 0, [c.get("message") for c in checks]


GRADED = """
import typing

class Adam:
    def step(self):
        self._t = getattr(self, "_t", 0) + 1
        return self._t

def reach(obj, *parts):
    return getattr(obj, "".join(parts))
"""


@pytest.mark.unit
def test_a_library_objects_private_names_are_refused_graded_codes_own_are_not(monkeypatch):
    module = types.ModuleType("graded_for_test")
    module.__dict__["__builtins__"] = guarded.submission_builtins()
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(GRADED, module.__dict__)
    adam = module.Adam()
    assert adam.step() == 1 and adam.step() == 2, "an own object's private attribute, by its name"
    assert module.reach(adam, "_", "t") == 2
    reference = typing.ForwardRef("1 + 1")  # what typing.List["1 + 1"] holds
    for target, parts in ((reference, ("_eval", "uate")), (reference, ("__forward_", "code__"))):
        with pytest.raises(AttributeError, match="off limits"):
            module.reach(target, *parts)
    with pytest.raises(AttributeError, match="off limits"):
        module.reach(module.Adam, "_", "t")  # a class's private parts, graded code's own too


HOOKED = """
import collections, dataclasses, inspect, json, sys, typing
from grader.sandboxed import no_eval
no_eval.install()
ref = typing.get_args(typing.List["__import__('os').getpid()"])[0]
def f(a: "1 + 1"):
    pass
refused = []
for name, run in [
    ("ForwardRef._evaluate", lambda: ref._evaluate(None, None, frozenset())),
    ("inspect eval_str", lambda: inspect.signature(f, **{"eval_str": True, "globals": {}})),
    ("eval", lambda: eval("1")),
]:
    try:
        run()
    except no_eval.EvaluationRefused:
        refused.append(name)
N = collections.namedtuple("N", "a b")
@dataclasses.dataclass
class D:
    a: int = 1
import statistics  # a module's own code runs
print(json.dumps({"refused": refused, "works": [N(1, 2).b, D().a]}))
"""


@pytest.mark.engine  # a Python with torch (the hook trusts torch.fx's schema reader), ~2 s of CPU
def test_the_hook_refuses_evaluating_strings_and_lets_reviewed_callers_run():
    done = subprocess.run(
        [sys.executable, "-c", HOOKED], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == (
        '{"refused": ["ForwardRef._evaluate", "inspect eval_str", "eval"], "works": [2, 1]}'
    )


# What the allowed members reach (their code, the globals it names, their classes' methods) that
# evaluates or compiles a string, and why each is closed once the submission runs.
EVALUATORS = {
    "namedtuple:eval": "allowed by no_eval: its text is made of field names it checks are identifiers",
    "_create_fn:exec": "allowed by no_eval: dataclasses' text, from a class statement's field names",
    "ForwardRef.__init__:compile": "compiles only; evaluating it is ForwardRef._evaluate's",
    "ForwardRef._evaluate:eval": "refused by no_eval (and its name by the guarded getattr)",
    "get_annotations.<locals>.<dictcomp>:eval": "eval_str= refused by the subset check, refused by no_eval",
    "_signature_fromstr.<locals>.wrap_value:eval": "a __text_signature__ graded code cannot set; no_eval",
    "build_ignore_context_manager:exec": "torch.jit's, refused by the subset check; refused by no_eval",
}
EVALUATING = {"eval", "exec", "compile"}


def _cells(function: types.FunctionType) -> list[object]:
    found = []
    for cell in function.__closure__ or ():
        try:
            found.append(cell.cell_contents)
        except ValueError:  # a cell not filled yet
            pass
    return found


def _parts(obj: object) -> tuple[list[types.CodeType], list[object]]:
    """The code objects of ``obj`` and the objects it leads to (globals its code names, closure
    cells, a class's members, an instance's class)."""
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if isinstance(obj, property):
        return [], [f for f in (obj.fget, obj.fset, obj.fdel) if f]
    if isinstance(obj, types.FunctionType):
        codes, stack = [], [obj.__code__]
        while stack:
            codes.append(stack.pop())
            stack += [c for c in codes[-1].co_consts if isinstance(c, types.CodeType)]
        named = {i.argval for c in codes for i in dis.get_instructions(c) if i.opname == "LOAD_GLOBAL"}
        return codes, [obj.__globals__[n] for n in named if n in obj.__globals__] + _cells(obj)
    if isinstance(obj, type):
        return [], [] if obj.__module__ == "builtins" else list(vars(obj).values())
    plain = (types.ModuleType, types.BuiltinFunctionType, int, float, str, bytes, tuple, list, dict)
    return [], [] if obj is None or isinstance(obj, plain) else [type(obj)]


def _evaluators(root: object, seen: dict[int, int]) -> set[str]:
    """What evaluates a string among the code ``root`` leads to, within 12 steps (``seen``: the
    fewest steps each object was met at, shared by the roots)."""
    found, todo = set(), [(root, 0)]
    while todo:
        obj, depth = todo.pop()
        if seen.get(id(obj), 13) <= depth or depth > 12:
            continue
        seen[id(obj)] = depth
        codes, reached = _parts(obj)
        for code in codes:
            for ins in dis.get_instructions(code):
                if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") and ins.argval in EVALUATING:
                    found.add(f"{code.co_qualname}:{ins.argval}")
        todo += [(r, depth + 1) for r in reached]
    return found


@pytest.mark.engine  # ~10 s: every allowed member's code, followed
def test_every_evaluator_the_allowed_members_reach_is_listed_and_closed():
    allowed = [(m, n) for (m, n), v in members.decisions().items() if v == members.ALLOWED]
    allowed += [(m, n) for m, names in rules.LISTED.items() for n in names]
    found: set[str] = set()
    seen: dict[int, int] = {}
    for module, name in allowed:
        try:
            obj = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
        found |= _evaluators(obj, seen)
    assert found == set(EVALUATORS), "review each new one, and close it in grader/sandboxed/no_eval.py"
