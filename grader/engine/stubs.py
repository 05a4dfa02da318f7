"""Is a topic's file still the untouched stub? Read from its source with ``ast``; nothing runs.

A stub topic needs no worker: every check of it would report ``not_started``. The rule is strict,
because a file that only *looks* like a stub must still be graded: importing it must run nothing
the learner wrote (docs/engine.md, "Untouched stubs cost no worker", says what it may hold).
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.base.topics import TOPICS, available_topics
from grader.engine.sources import parsed

MAX_BYTES = 1 << 20  # a larger topic file is graded as usual, never read whole here


def _literal(node: ast.expr | None) -> bool:
    if node is None:
        return True
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _library_name(node: ast.expr | None, own: set[str], call_ok: bool = False) -> bool:
    """A dotted name (``nn.Module``, ``torch.no_grad()`` when ``call_ok``) of nothing the file defines."""
    if node is None:
        return True
    if call_ok and isinstance(node, ast.Call) and not node.args and not node.keywords:
        node = node.func
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id not in own


def _annotation(node: ast.expr | None, own: set[str]) -> bool:
    """An annotation evaluated at definition time that runs only library code."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Subscript):
        return _annotation(node.value, own) and _annotation(node.slice, own)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _annotation(node.left, own) and _annotation(node.right, own)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_annotation(e, own) for e in node.elts)
    return _library_name(node, own)


def is_bare_string(node: ast.AST) -> bool:
    """A statement that is a string alone (a docstring, or a comment written as one)."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _raises_not_implemented(body: list[ast.stmt]) -> bool:
    statements = body[1:] if body and is_bare_string(body[0]) else body
    if len(statements) != 1 or not isinstance(statements[0], ast.Raise) or statements[0].cause is not None:
        return False
    raised = statements[0].exc
    if isinstance(raised, ast.Call):
        if raised.keywords or not all(_literal(a) for a in raised.args):
            return False
        raised = raised.func
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def _stub_function(node: ast.stmt, own: set[str], lazy: bool) -> bool:
    if not isinstance(node, ast.FunctionDef):  # async functions, lambdas: not a stub's
        return False
    return (
        all(_library_name(d, own, call_ok=True) for d in node.decorator_list)
        and all(_literal(d) for d in [*node.args.defaults, *node.args.kw_defaults])
        and (lazy or all(_annotation(a.annotation, own) for a in parsed.arguments(node.args)))
        and (lazy or _annotation(node.returns, own))
        and _raises_not_implemented(node.body)
    )


def _stub_class(node: ast.stmt, own: set[str], lazy: bool) -> bool:
    if not isinstance(node, ast.ClassDef) or node.keywords or node.decorator_list:
        return False
    if not all(_library_name(base, own) for base in node.bases):
        return False
    members = node.body[1:] if node.body and is_bare_string(node.body[0]) else node.body
    return bool(members) and all(_stub_function(m, own, lazy) for m in members)


def _outside_import(node: ast.stmt, local_modules: set[str]) -> bool:
    if isinstance(node, ast.Import):
        return all(alias.name.split(".")[0] not in local_modules for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and (node.module or "").split(".")[0] not in local_modules
    return False


def untouched(source: str | bytes, local_modules: set[str]) -> bool:
    """True when ``source`` is a stub that cannot do anything: importing it runs none of its
    own code and every function it defines raises NotImplementedError. ``local_modules`` are
    the submission's other module names (importing one would run the learner's code)."""
    tree = parsed.tree(source)
    if tree is None:
        return False
    body = tree.body[1:] if tree.body and is_bare_string(tree.body[0]) else tree.body
    lazy = any(
        isinstance(n, ast.ImportFrom)
        and n.module == "__future__"
        and any(a.name == "annotations" for a in n.names)
        for n in body
    )
    own = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    functions = 0
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            functions += 1
        if not (
            _outside_import(node, local_modules)
            or _stub_function(node, own, lazy)
            or _stub_class(node, own, lazy)
        ):
            return False
    return functions > 0


def blank(source: str | bytes) -> bool:
    """Nothing but blank lines, comments and maybe a docstring (a file emptied, or not written
    yet): nothing to run, every exercise not started."""
    tree = parsed.tree(source)
    return tree is not None and all(is_bare_string(node) for node in tree.body)


def _topic_source(path: Path, topic: str, single_file: bool) -> tuple[str | bytes, set[str]] | None:
    """``topic``'s file's source and the submission's other module names; None for a notebook,
    a file that is not there or too large. The source is the text Python reads (the subset
    check's too: one parse of the file serves both), or the bytes where they do not decode."""
    from grader.engine.subset import submission  # its readers: here, not at every start

    if path.suffix == ".ipynb":
        return None
    source = path if single_file else path / f"{topic}.py"
    others = set() if single_file else set(submission.beside(path)) - {topic}
    try:
        if source.is_symlink() or not source.is_file() or source.stat().st_size > MAX_BYTES:
            return None
        data = source.read_bytes()
    except OSError:
        return None
    text = parsed.decoded(data)  # undecodable bytes: parsed as Python parses them, not at all
    return (data if text is None else text), others


def topic_is_stub(path: Path, topic: str, single_file: bool, blank_only: bool = False) -> bool:
    """``topic``'s file in the submission at ``path`` (a folder, or the file itself) is an
    untouched stub (not with ``blank_only``), or blank (:func:`blank`). Notebooks always run."""
    found = _topic_source(path, topic, single_file)
    return found is not None and ((not blank_only and untouched(*found)) or blank(found[0]))


def submission_is_stub(path: Path, topics: tuple[str, ...] = ()) -> bool:
    """Every topic ``grade PATH`` would grade is an untouched stub (then no zygote is needed)."""
    if path.is_dir():
        return all(topic_is_stub(path, topic, False) for topic in topics or available_topics())
    topic = topics[0] if len(topics) == 1 else path.stem if not topics and path.stem in TOPICS else None
    return path.suffix == ".py" and topic is not None and topic_is_stub(path, topic, True)
