"""Does a submission reach into the grader? A trusted-side scan of its source.

The "how" checks (off-limits functions, vectorised code, devices) read evidence that
:mod:`grader.sandboxed.probe_kit` gathers in the worker, next to the submission, which could
patch the recorder (``kit.ops_used = ...``), find it through ``sys.modules``, frames, the
garbage collector or a function's ``__globals__``, push its own dispatch mode over it, or
patch torch or the builtins it calls. Every such route needs, in the source, one of the things
this scan refuses; none of them belongs in an exercise (no correct module of the corpus,
``solutions/`` or their notebooks uses one: ``tests/grader/test_seal_tamper.py`` scans them).

A submission that reaches in is not graded for that topic: every check fails with a message
that names the line (:func:`refuse`). The in-worker recorders then only add detail.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from grader.checks.scoring import TopicResult
from grader.engine import parsed
from grader.sandboxed.guarded import ATTRIBUTES, REEXPORTED_MODULES, TORCH_PARTS

# Any use of these (importing alone is allowed: a notebook's set-up cell imports importlib and
# sys): the grader itself, the import machinery, memory, the object graph and frames,
# (un)picklers that call arbitrary functions, signal handlers (they receive a frame).
MODULES = (REEXPORTED_MODULES - {"sys"}) | {"code", "codeop", "signal"}
# Builtins that execute text, or hand out the module's namespace or another object's.
NAMES = {"__import__", "__builtins__", "exec", "eval", "compile", "globals", "vars", "breakpoint"}
# The one use of a refused module honest code has (attribute: the modules it may come from).
HARMLESS = {"collect": ("gc",)}
# Keyword arguments that turn loading into unpickling.
UNPICKLING = {("weights_only", False), ("allow_pickle", True)}
# What a submission may read from ``sys``; anything else of it (``modules``, ``_getframe``,
# ``meta_path``, ``exc_info``, ``addaudithook``...) or ``sys`` itself as a value is refused.
SYS_ALLOWED = {
    "float_info",
    "int_info",
    "maxsize",
    "version_info",
    "version",
    "platform",
    "byteorder",
    "getrecursionlimit",
    "setrecursionlimit",
    "getsizeof",
    "stdout",
    "stderr",
    "path",  # sys.path.append("..") in a learner's set-up: importing alone reaches nothing
    "argv",
    "exit",
    "executable",
    "implementation",
}


@dataclass(frozen=True)
class Reach:
    """Where a submission reaches into the grader: its line and what it uses there."""

    line: int
    what: str
    file: str = ""  # another file of the submission than the topic's

    def message(self, topic: str) -> str:
        where = f"line {self.line}" + (f" of {self.file}" if self.file else "")
        return (
            f"your code reaches into the grader ({where}: {self.what}), so {topic} is not graded: "
            "the checks judge what your functions return and which torch operations they run. "
            "Hint: remove that line; an exercise never needs it."
        )


class _Scan(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[Reach] = []
        self.sys_names: set[str] = set()  # names bound to the sys module
        self.module_names: set[str] = set()  # names bound by an import
        self.dangerous: dict[str, str] = {}  # imported names whose every use is refused: what they are

    def flag(self, node: ast.AST, what: str) -> None:
        self.found.append(Reach(getattr(node, "lineno", 0), what))

    def _bind(self, name: str, imported: str, dangerous: bool) -> None:
        self.module_names.add(name)
        if dangerous:
            self.dangerous[name] = imported

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            self._bind(bound, alias.name, _dangerous_module(alias.name if alias.asname else bound))
            if alias.name == "sys":
                self.sys_names.add(bound)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        dotted = node.module or ""
        if node.level == 0 and dotted != "__future__":
            for alias in node.names:
                name = alias.name
                dangerous = (
                    _dangerous_module(dotted)
                    or (dotted == "sys" and name not in SYS_ALLOWED)
                    or name in ATTRIBUTES
                    or name in NAMES
                    or name in REEXPORTED_MODULES
                    or (dotted.split(".")[0] == "torch" and (name in TORCH_PARTS or _private(name)))
                )
                self._bind(alias.asname or name, f"{dotted}.{name}", dangerous)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in NAMES:
            self.flag(node, node.id)
        elif node.id in self.dangerous:
            self.flag(node, f"{node.id} (that is {self.dangerous[node.id]})")
        elif node.id in self.sys_names:
            self.flag(node, f"{node.id} used as a value")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        root = _module_root(node)
        own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
        if (
            node.attr in ATTRIBUTES and not (own and node.attr == "__dict__")
        ) or node.attr in REEXPORTED_MODULES:
            self.flag(node, f".{node.attr}")
        elif isinstance(node.value, ast.Name) and root in self.sys_names and node.attr not in SYS_ALLOWED:
            self.flag(node, f"{root}.{node.attr}")
        elif root in self.module_names and (node.attr in TORCH_PARTS or _private(node.attr)):
            self.flag(node, ast.unparse(node))
        if isinstance(node.value, ast.Name) and node.value.id in self.sys_names:
            return  # sys.<allowed>: the Name below is not a bare use of sys
        if isinstance(node.value, ast.Name) and self.dangerous.get(node.value.id) in HARMLESS.get(
            node.attr, ()
        ):
            return  # gc.collect(): the Name below is not a use of the module's other parts
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Name)
            and func.id in ("getattr", "setattr", "delattr")
            and len(node.args) >= 2
        ):
            target, name = node.args[0], node.args[1]
            if isinstance(name, ast.Constant) and name.value in REEXPORTED_MODULES:
                self.flag(node, f"{func.id}(..., {name.value!r})")
            if func.id in ("setattr", "delattr") and _module_root(target) in self.module_names:
                self.flag(node, f"{func.id}({ast.unparse(target)}, ...) on a module")
        for keyword in node.keywords:
            value = keyword.value
            if isinstance(value, ast.Constant) and (keyword.arg, value.value) in UNPICKLING:
                self.flag(node, f"{keyword.arg}={value.value!r}")
        self.generic_visit(node)

    def _assigned(self, targets: list[ast.expr]) -> None:
        for target in targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                self._assigned(target.elts)
            elif isinstance(target, ast.Starred):
                self._assigned([target.value])
            elif isinstance(target, ast.Attribute) and _module_root(target) in self.module_names:
                self.flag(target, f"{ast.unparse(target)} = ... (patches a module)")

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assigned(node.targets)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._assigned([node.target])
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._assigned([node.target])
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        self._assigned(node.targets)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, str) and (value in ATTRIBUTES or _names_the_grader(value)):
            self.flag(node, repr(value))


def _dangerous_module(dotted: str) -> bool:
    parts = dotted.split(".")
    return parts[0] in MODULES or (
        parts[0] == "torch" and any(p in TORCH_PARTS or _private(p) for p in parts[1:])
    )


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_root(node: ast.AST) -> str | None:
    """``torch`` for ``torch.nn.functional.softmax``: the name a chain of attributes starts from."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _names_the_grader(text: str) -> bool:
    """A string that could be a module path of the grader (``"grader.sandboxed.probe_kit"``)."""
    words = text.replace(".", " ").replace("/", " ").split()
    return (
        len(words) >= 1 and " " not in text and any(w in ("grader", "sandboxed", "probe_kit") for w in words)
    )


def scan(source: str) -> list[Reach]:
    """Every place ``source`` reaches into the grader, in line order; [] when it does not (or
    does not parse: the worker reports the syntax error)."""
    tree = parsed.tree(source)
    if tree is None:
        return []
    visitor = _Scan()
    for node in ast.walk(tree):  # imports first, wherever they are, so names are known
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            visitor.visit(node)
    found_on_imports = visitor.found
    visitor.found = []
    visitor.visit(tree)
    return sorted(set(found_on_imports) | set(visitor.found), key=lambda r: (r.line, r.what))


def sources_of(path: Path, topic: str, single_file: bool) -> dict[str, str]:
    """Every Python source the task's worker can import, by file name: a folder's top-level
    ``.py`` files (as staged: the topic's and any helper it imports), one file, or the code
    of a notebook."""
    from grader.engine import notebooks

    try:
        if path.suffix == ".ipynb":
            return {f"{topic}.py": notebooks.to_module(notebooks.read(path)).source}
        if single_file or path.is_file():
            return {f"{topic}.py": path.read_text(errors="replace")}
        files = [p for p in sorted(path.glob("*.py")) if p.is_file() and not p.is_symlink()]
        return {p.name: p.read_text(errors="replace") for p in files}
    except (OSError, ValueError):
        return {}


def refuse(result: TopicResult, reach: Reach | str) -> None:
    """Fail every check of the topic (skipped ones stay skipped) with the reason."""
    message = reach if isinstance(reach, str) else reach.message(result.name)
    for test in result.tests:
        if test.status != "skipped":
            test.status, test.points, test.message, test.curve = "failed", 0.0, message, None


def _imports(source: str) -> set[str]:
    """Top-level names of the modules ``source`` imports (``a`` for ``import a.b``, ``from a import b``)."""
    tree = parsed.tree(source)
    if tree is None:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def judge(result: TopicResult, path: Path, single_file: bool) -> None:
    """Refuse ``result`` when the topic's file, or a file of the submission it imports
    (directly or not; dynamic imports are refused by the scan), reaches into the grader."""
    own = f"{result.name}.py"
    sources = sources_of(path, result.name, single_file)
    order, queue = [], [own] if own in sources else []
    while queue:
        name = queue.pop(0)
        order.append(name)
        queue += [
            f"{m}.py"
            for m in sorted(_imports(sources[name]))
            if f"{m}.py" in sources and f"{m}.py" not in order + queue
        ]
    for name in order:
        deep = parsed.too_deep(sources[name])
        if deep:  # not read, so not scanned: refused whole
            refuse(
                result,
                f"{name}: {deep}, so {result.name} is not graded. Hint: write a loop or name the parts.",
            )
            return
        found = scan(sources[name])
        if found:
            reach = found[0]
            refuse(result, reach if name == own else Reach(reach.line, reach.what, name))
            return
