"""The stubs (exercises/) and the reference solutions (solutions/) promise the same interface.

Both files of every topic are parsed with ``ast``, never imported. For each topic:

- the same public top-level functions and classes (names not starting with "_");
- for every top-level function, and every method a stub's public class declares, the same
  signature: argument names and kinds, defaults as source text, annotations, the return
  annotation, and staticmethod/classmethod/property (they change how arguments bind);
  for every public class, the same base classes. A solution may add trailing parameters
  with defaults (``Value(data, parents=(), local_grads=())``): callers use the stub's.

Docstrings are not compared: the stub's is the specification, the solution's a summary.

A stub's class declares only what the learner must keep (``__init__``, ``step``…); methods the
learner writes (``forward``, ``__add__``…) appear in the solution only and are not compared.
"""

from __future__ import annotations

import ast
from functools import cache

import pytest

from grader.base.topics import REPO_ROOT, TOPICS

pytestmark = pytest.mark.unit

BINDING_DECORATORS = {"staticmethod", "classmethod", "property"}

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@cache
def parse(side: str, topic: str) -> ast.Module:
    """The parsed file (cached: the tests only read the trees)."""
    return ast.parse(
        (REPO_ROOT / side / f"{topic}.py").read_text(encoding="utf-8"), filename=f"{side}/{topic}.py"
    )


def public_definitions(tree: ast.Module) -> dict[str, Definition]:
    """Public top-level functions and classes by name."""
    return {
        node.name: node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and not node.name.startswith("_")
    }


def methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {node.name: node for node in cls.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def api(tree: ast.Module) -> dict[str, Definition]:
    """Qualified names ("f", "C", "C.method") of the public interface a stub declares."""
    found: dict[str, Definition] = {}
    for name, node in public_definitions(tree).items():
        found[name] = node
        if isinstance(node, ast.ClassDef):
            for method_name, method in methods(node).items():
                found[f"{name}.{method_name}"] = method
    return found


def text(node: ast.AST | None) -> str | None:
    return None if node is None else ast.unparse(node)


def signature(node: Definition) -> dict:
    if isinstance(node, ast.ClassDef):
        return {
            "class": True,
            "bases": [text(b) for b in node.bases],
            "keywords": [text(k) for k in node.keywords],
        }
    args = node.args

    def arg(a: ast.arg | None):
        return None if a is None else (a.arg, text(a.annotation))

    return {
        "async": isinstance(node, ast.AsyncFunctionDef),
        "positional_only": [arg(a) for a in args.posonlyargs],
        "positional": [arg(a) for a in args.args],
        "defaults": [text(d) for d in args.defaults],
        "*args": arg(args.vararg),
        "keyword_only": [arg(a) for a in args.kwonlyargs],
        "keyword_defaults": [text(d) for d in args.kw_defaults],
        "**kwargs": arg(args.kwarg),
        "returns": text(node.returns),
        "binding": sorted(text(d) for d in node.decorator_list if text(d) in BINDING_DECORATORS),
    }


def lookup(tree: ast.Module, qualname: str) -> Definition | None:
    owner, _, member = qualname.partition(".")
    node = public_definitions(tree).get(owner)
    if member:
        return methods(node).get(member) if isinstance(node, ast.ClassDef) else None
    return node


def cases() -> list:
    return [
        pytest.param(topic, qualname, id=f"{topic}.{qualname}")
        for topic in TOPICS
        for qualname in api(parse("exercises", topic))
    ]


def without_extra_defaults(solution: dict, stub: dict) -> dict:
    """The solution's signature less trailing defaulted parameters the stub does not have."""
    extra = len(solution.get("positional", [])) - len(stub.get("positional", []))
    if extra <= 0 or len(solution["defaults"]) < extra:
        return solution
    return {
        **solution,
        "positional": solution["positional"][:-extra],
        "defaults": solution["defaults"][:-extra],
    }


@pytest.mark.parametrize("topic", TOPICS)
def test_both_files_exist(topic):
    assert (REPO_ROOT / "exercises" / f"{topic}.py").is_file()
    assert (REPO_ROOT / "solutions" / f"{topic}.py").is_file()


@pytest.mark.parametrize("topic", TOPICS)
def test_same_public_functions_and_classes(topic):
    stub, solution = (
        public_definitions(parse("exercises", topic)),
        public_definitions(parse("solutions", topic)),
    )
    assert stub, f"exercises/{topic}.py defines no public function or class"
    assert sorted(stub) == sorted(solution)
    kinds = {name: type(node) is ast.ClassDef for name, node in stub.items()}
    assert kinds == {name: type(node) is ast.ClassDef for name, node in solution.items()}


@pytest.mark.parametrize("topic, qualname", cases())
def test_same_signature(topic, qualname):
    stub = lookup(parse("exercises", topic), qualname)
    solution = lookup(parse("solutions", topic), qualname)
    assert solution is not None, f"solutions/{topic}.py has no {qualname}"
    assert without_extra_defaults(signature(solution), signature(stub)) == signature(stub)


# -- the comparison itself must be able to see a difference ----------------------------------


def test_signature_sees_what_matters():
    base = signature(ast.parse("def f(x: Tensor, dim: int = -1) -> Tensor: ...").body[0])
    for changed in (
        "def f(x: Tensor, dim: int = 1) -> Tensor: ...",  # default
        "def f(y: Tensor, dim: int = -1) -> Tensor: ...",  # name
        "def f(x, dim: int = -1) -> Tensor: ...",  # annotation
        "def f(x: Tensor, dim: int = -1) -> float: ...",  # return annotation
        "def f(x: Tensor, *, dim: int = -1) -> Tensor: ...",  # kind
        "def f(x: Tensor, dim: int = -1, **kw) -> Tensor: ...",
        "async def f(x: Tensor, dim: int = -1) -> Tensor: ...",
    ):
        assert signature(ast.parse(changed).body[0]) != base, changed
    same = "def f(x: Tensor, dim: int=-1) -> Tensor:\n    return x"  # spacing and body do not count
    assert signature(ast.parse(same).body[0]) == base
    method = "class C:\n    @staticmethod\n    def forward(ctx, x): ...\n"
    plain = "class C:\n    def forward(ctx, x): ...\n"
    assert signature(ast.parse(method).body[0].body[0]) != signature(ast.parse(plain).body[0].body[0])


def test_api_lists_public_names_and_methods_of_public_classes():
    tree = ast.parse(
        "def f(): ...\ndef _g(): ...\nclass C:\n    def __init__(self): ...\n"
        "    def step(self): ...\nclass _D:\n    def m(self): ...\nx = 1\n"
    )
    assert sorted(api(tree)) == ["C", "C.__init__", "C.step", "f"]


def test_a_solution_may_add_trailing_defaulted_parameters_only():
    stub = signature(ast.parse("def f(self, data: float) -> None: ...").body[0])
    for allowed in (
        "def f(self, data: float, parents: tuple = ()) -> None: ...",
        "def f(self, data: float, a=(), b=()) -> None: ...",
    ):
        assert without_extra_defaults(signature(ast.parse(allowed).body[0]), stub) == stub
    for refused in (
        "def f(self, data: float, parents) -> None: ...",
        "def f(self, parents=(), data: float = 0.0) -> None: ...",
    ):
        assert without_extra_defaults(signature(ast.parse(refused).body[0]), stub) != stub
