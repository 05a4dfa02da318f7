"""One parse of a submitted source per grading process, its tree shared by readers that never
change it. Intake is bounded (docs/engine.md, "Intake is bounded in depth"): a source past
:data:`MAX_DEPTH`, :data:`MAX_BYTES` or ``ast.parse`` is refused whole (:func:`unreadable`), and
a reading past :data:`READ_SECONDS` of CPU (:class:`Clock`) stops where it is.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Container
from typing import Generic, TypeVar

from grader.base.defaults import SOURCE_MAX_BYTES as MAX_BYTES
from grader.base.defaults import SOURCE_MAX_DEPTH as MAX_DEPTH
from grader.base.defaults import SOURCE_READ_SECONDS as READ_SECONDS
from grader.base.i18n import N_


class OverBudget(ValueError):
    """Reading a submitted source ran past its CPU budget; the message says so in one line."""


class Clock:
    """The CPU time one reading of a submission may take, started at its entry point."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = READ_SECONDS if seconds is None else seconds
        self.ends = time.process_time() + self.seconds

    def check(self, what: str) -> None:
        if time.process_time() > self.ends:
            raise OverBudget(N_("reading {0} took more than {1} s of CPU").format(what, f"{self.seconds:g}"))


@functools.lru_cache(maxsize=32)
def _parse(source: str | bytes) -> ast.Module | None | BaseException:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    except (RecursionError, MemoryError) as exc:  # the parser's own depth limits
        return exc


def tree(source: str | bytes) -> ast.Module | None:
    """``source``'s module tree, or None when it does not parse or is nested past
    :data:`MAX_DEPTH` (bytes honour a coding line)."""
    parsed = _parse(source)
    if isinstance(parsed, ast.Module) and depth(source) <= MAX_DEPTH:
        return parsed
    return None


@functools.lru_cache(maxsize=32)
def depth(source: str | bytes) -> int:
    """How many levels ``source``'s tree is nested (walked without recursion); past
    :data:`MAX_DEPTH` when the parser could not build it, 0 when it does not parse."""
    parsed = _parse(source)
    if isinstance(parsed, BaseException):
        return MAX_DEPTH + 1
    return 0 if parsed is None else _walk(parsed)[1]


def arguments(args: ast.arguments) -> list[ast.arg]:
    """A signature's parameters, in order, ``*args`` and ``**kwargs`` included."""
    return [*args.posonlyargs, *args.args, *args.kwonlyargs, *filter(None, (args.vararg, args.kwarg))]


def parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """{node: its parent}, nodes met in ``ast.walk``'s order (a shared node, such as a ``Load``
    context, keeps its last parent as a dict built over ``ast.walk`` would); once per tree (a
    tree is a source's, :func:`tree`, and never changed by its readers)."""
    return _walk(tree)[0]


def nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree``, ``tree`` first, in ``ast.walk``'s order, each once (a shared
    ``Load`` context too): the module's readers share one walk of it instead of each their own."""
    return [tree, *_walk(tree)[0]]


T = TypeVar("T")


class PerTree(Generic[T]):
    """One reader's answers for the last ``size`` trees (:func:`tree`'s, which no reader changes):
    a warm engine's requests read the same source again. A kept tree is alive: its id is its own."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.kept: OrderedDict[int, tuple[ast.AST, T]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, tree: ast.AST) -> T | None:
        """The answer kept for ``tree``, None where none is."""
        with self.lock:
            found = self.kept.get(id(tree))
            if found is None or found[0] is not tree:
                return None
            self.kept.move_to_end(id(tree))
            return found[1]

    def of(self, tree: ast.AST, read: Callable[[], T]) -> T:
        """The answer kept for ``tree``, else ``read()``'s, kept (one that raises keeps nothing)."""
        with self.lock:
            found = self.kept.get(id(tree))
            if found is not None and found[0] is tree:
                self.kept.move_to_end(id(tree))
                return found[1]
        answer = read()
        with self.lock:
            self.kept[id(tree)] = (tree, answer)
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)
        return answer


WALKS_KEPT = 200_000  # nodes, in all, of the walks :func:`walk` keeps (a 256 kB source has ~130 000)


class _Walks:
    """The walks last asked for, newest last, up to :data:`WALKS_KEPT` nodes in all: the
    subset's readers walk the same statements and functions again (one reading each)."""

    def __init__(self) -> None:
        self.kept: OrderedDict[int, tuple[ast.AST, tuple[ast.AST, ...]]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def __call__(self, node: ast.AST) -> tuple[ast.AST, ...]:
        with self.lock:
            found = self.kept.get(id(node))  # a kept node is alive: its id is its own
            if found is not None:
                self.kept.move_to_end(id(node))
                return found[1]
        walked = _level_order(node)
        with self.lock:
            if id(node) not in self.kept:
                self.kept[id(node)] = (node, walked)
                self.size += len(walked)
            while self.size > WALKS_KEPT and len(self.kept) > 1:
                self.size -= len(self.kept.popitem(last=False)[1][1])
        return walked


walk = _Walks()
"""``ast.walk(node)`` as a tuple (the same nodes in the same order, a shared ``Load`` context as
often as it is met), walked once while kept: for trees no reader changes (:func:`tree`'s)."""


def _level_order(node: ast.AST) -> tuple[ast.AST, ...]:
    """``ast.walk``'s nodes with ``ast.iter_child_nodes`` inlined (its generator per node was
    2/3 of the walk's time)."""
    found, at = [node], 0
    while at < len(found):
        here = found[at]
        at += 1
        for name in here._fields:
            value = getattr(here, name, None)
            if isinstance(value, ast.AST):
                found.append(value)
            elif isinstance(value, list):
                found += [item for item in value if isinstance(item, ast.AST)]
    return tuple(found)


@functools.lru_cache(maxsize=32)
def _walk(tree: ast.AST) -> tuple[dict[ast.AST, ast.AST], int]:
    """{node: its parent} and the tree's depth, in one walk level by level (``ast.walk``'s
    order) with ``ast.iter_child_nodes`` inlined: its generator per node was 2/3 of the walk's
    time, and every graded file is walked."""
    found: dict[ast.AST, ast.AST] = {}
    level, deepest = [tree], 0
    while level:
        deepest += 1
        below: list[ast.AST] = []
        for node in level:
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, ast.AST):
                    found[value] = node
                    below.append(value)
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, ast.AST):
                            found[item] = node
                            below.append(item)
        level = below
    return found, deepest


def too_large(size: int, subject: str = N_("its code is {0} kB")) -> str | None:
    """Why code of ``size`` bytes is not read, or None when it may be (``subject``: a template of
    its size in kB)."""
    if size <= MAX_BYTES:
        return None
    return N_("{0} (the grader reads up to {1} kB of code)").format(
        subject.format(size >> 10), MAX_BYTES >> 10
    )


def unreadable(source: str | bytes) -> str | None:
    """Why ``source`` is not read (one sentence that teaches), or None when it may be: too
    large, or nested too deep."""
    large = too_large(len(source.encode(errors="replace") if isinstance(source, str) else source))
    if large:
        return large
    found = depth(source)
    if found <= MAX_DEPTH:
        return None
    how = (
        N_("too deep for Python to parse") if found == MAX_DEPTH + 1 else N_("{0} levels deep").format(found)
    )
    return N_("its code is nested {0} (the grader reads code nested up to {1} levels)").format(how, MAX_DEPTH)


def decoded(data: bytes) -> str | None:
    """``data`` as Python decodes a source file it imports (a UTF-8 BOM dropped, a coding line
    honoured, CRLF and CR line ends read as LF), or None where Python could not."""
    try:
        return importlib.util.decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


def text(data: bytes) -> str:
    """A submitted file's source as Python compiles it when the worker imports the file
    (:func:`decoded`; bytes that do not decode: replaced), so that what is checked is what runs."""
    found = decoded(data)
    if found is not None:
        return found
    replaced = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return replaced.replace("\r\n", "\n").replace("\r", "\n")


def syntax_error(source: str) -> tuple[int, str] | None:
    """(the line, Python's words: the error's type and message) where ``source`` stops parsing;
    None where it parses, or where it is refused for its depth instead (:func:`unreadable`)."""
    if _parse(source) is not None:
        return None
    try:
        ast.parse(source)
    except SyntaxError as error:  # IndentationError, TabError too: their own names
        return int(error.lineno or 1), f"{type(error).__name__}: {error.msg}"
    except ValueError as error:  # null bytes (Python 3.11)
        return 1, f"SyntaxError: {error}"
    return None


def module_of(file: str) -> str:
    """The top-level module a submission's file belongs to (``helper.py``, ``pkg/core.py``: pkg)."""
    return file.split("/")[0].removesuffix(".py")


def module_file(dotted: str, files: Container[str]) -> tuple[str, list[str]] | None:
    """The submission's file that ``import`` finds for the longest module prefix of ``dotted``
    (``pkg.core.f``: ``pkg/core.py`` or ``pkg/core/__init__.py``) and the names after it."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        base = "/".join(parts[:end])
        for file in (f"{base}.py", f"{base}/__init__.py"):
            if file in files:
                return file, parts[end:]
    return None
