"""Notebook submissions: read with nbformat, keep the definitions, remember where they came from.

Grading must not run a notebook's demo code (a training loop, ``plt.show()``,
``time.sleep(600)``), so of every code cell only top-level definitions are kept; which, how IPython
syntax is turned into Python, and how a message about the generated module is told by cell and
line (:class:`NotebookModule`) is docs/architecture.md's, "Notebooks". An import that fails in the
sandbox (``matplotlib``: missing, or no writable cache folder) is skipped rather than failing the
topic; ``from __future__`` imports move to the top. What is kept still runs in the sandboxed worker
(decorators, default arguments and kept constants execute).
"""

from __future__ import annotations

import ast
import json
import re
import symtable
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.base.defaults import NOTEBOOK_MAX_BYTES
from grader.base.i18n import N_, _, text
from grader.base.topics import TOPICS
from grader.engine.sources import cell_python, parsed

METADATA_KEY = "torchgrade"
# Cell magics whose body is Python run in the notebook's namespace: their definitions count.
FIRST_LINE_CHARS = 60
CELL_TAGS = 20  # of a cell's tags, the first kept
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

if TYPE_CHECKING:
    from collections.abc import Iterable

    import nbformat

    from grader.checks.verdict.scoring import TopicResult


class NotebookError(ValueError):
    """The notebook cannot be used; the message says why in one line."""


def _graded_parts(raw: object) -> object:
    """The notebook without what grading never reads, so that their depth costs nothing:
    outputs, attachments and metadata (but ``torchgrade.topic`` and a cell's tags, which say
    what written item it answers), of the notebook and its cells."""
    if not isinstance(raw, dict):
        return raw
    declared = raw.get("metadata", {}).get(METADATA_KEY, {}) if isinstance(raw.get("metadata"), dict) else {}
    topic = declared.get("topic") if isinstance(declared, dict) else None
    raw["metadata"] = {METADATA_KEY: {"topic": topic}} if isinstance(topic, str) else {}
    cells = [raw.get("cells", [])] + [
        ws.get("cells", []) for ws in raw.get("worksheets", []) if isinstance(ws, dict)
    ]
    for cell in (c for group in cells if isinstance(group, list) for c in group if isinstance(c, dict)):
        tags = cell["metadata"].get("tags") if isinstance(cell.get("metadata"), dict) else None
        cell["metadata"] = {"tags": _tags(tags)} if isinstance(tags, list) else {}
        cell.pop("attachments", None)
        if "outputs" in cell:
            cell["outputs"] = []
    return raw


def _tags(tags: list[Any]) -> list[str]:
    """A cell's tags as nbformat allows them (unique strings without a comma), a few short ones."""
    kept = [t for t in tags[:CELL_TAGS] if isinstance(t, str) and t and "," not in t and len(t) <= 100]
    return list(dict.fromkeys(kept))


def read_ahead() -> None:
    """What reading a first notebook pays, paid ahead by a warm engine's warm-up: nbformat's
    import and its schema's validator (~0.12 s of a notebook's first ``check()``) and IPython's
    transformer (:mod:`grader.engine.sources.cell_python`: ~70 modules)."""
    import nbformat
    from IPython.core import inputtransformer2  # noqa: F401

    nbformat.validate(nbformat.v4.new_notebook())


def read(path: Path) -> nbformat.NotebookNode:
    """The notebook's cells and topic, bounded: at most ``NOTEBOOK_MAX_BYTES``, and outputs and
    metadata, however deeply nested, dropped before nbformat reads the rest; cells holding more
    than the code a source may have are refused here, before any of it is read."""
    import nbformat  # 0.1 s: only for a notebook (grading a folder or a .py file needs none)

    try:
        if path.stat().st_size > NOTEBOOK_MAX_BYTES:
            raise NotebookError(f"{path.name} is larger than {NOTEBOOK_MAX_BYTES >> 20} MB")
        raw = json.loads(path.read_bytes())
        notebook: nbformat.NotebookNode = nbformat.reads(json.dumps(_graded_parts(raw)), as_version=4)
        nbformat.validate(notebook)
        code = sum(len(c.source.encode(errors="replace")) for c in notebook.cells if c.cell_type == "code")
        large = parsed.too_large(code, N_("its code cells hold {0} kB"))
        if large:
            raise NotebookError(f"{path.name} is not read: {large}")
    except NotebookError:
        raise
    except RecursionError:  # json's C reader past Python's recursion limit
        raise NotebookError(
            f"{path.name} is not a valid notebook (its JSON is nested too deep to read)"
        ) from None
    except Exception as exc:  # nbformat raises JSON, validation and reader errors of many kinds
        raise NotebookError(
            f"{path.name} is not a valid notebook ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:150] if str(exc) else 'unreadable'})"
        ) from None
    return notebook


def topic_of(path: Path, notebook: nbformat.NotebookNode, topic: str | None = None) -> tuple[str, str]:
    """(topic, the rule that decided it): ``--topic``, the metadata field, or the file name."""
    if topic:
        return topic, _("given with --topic")
    declared = notebook.metadata.get(METADATA_KEY, {}).get("topic")
    if declared in TOPICS:
        return declared, _("from the notebook's metadata (%(key)s.topic)") % {"key": METADATA_KEY}
    named = [t for t in TOPICS if t in path.stem.lower()]
    if len(named) == 1:
        return named[0], _("from the file name (%(name)s)") % {"name": path.name}
    raise NotebookError(
        _(
            "cannot tell which topic %(name)s answers: put a topic in its name, set metadata "
            "%(key)s.topic, or pass --topic"
        )
        % {"name": path.name, "key": METADATA_KEY}
    )


@dataclass(frozen=True)
class Cell:
    """A notebook cell as a learner finds it: its position (1 = the first cell, markdown
    cells counted) and its first line."""

    number: int
    first_line: str

    def label(self) -> str:
        first = self.first_line if len(self.first_line) <= FIRST_LINE_CHARS else self.first_line[:57] + "…"
        return _("cell %(number)d (%(first)s)") % {"number": self.number, "first": f"`{first}`"}


@dataclass(frozen=True)
class SkippedCell:
    cell: Cell
    line: int  # of the syntax error, within the cell
    reason: str
    unread: bool = False  # not read: nested too deep, or past the time its notebook may take
    defines: frozenset[str] = frozenset()  # the names its top-level def and class lines start

    def lead(self, exercise: str) -> str:
        """The diagnosis of ``exercise``, defined in this cell only: the cell's syntax error."""
        return _(
            "%(cell)s, line %(line)d: SyntaxError: %(reason)s: %(exercise)s is defined in that "
            "cell, which does not run, so it was not graded; fix that line, save and check again"
        ) % {"cell": self.cell.label(), "line": self.line, "reason": self.reason, "exercise": exercise}

    def note(self) -> str:
        values = {"cell": self.cell.label(), "reason": self.reason, "line": self.line}
        if self.unread:  # the grader's words (parsed.unreadable, the clock's), not Python's
            return _("%(cell)s was skipped: %(reason)s; the other cells were graded") % {
                **values,
                "reason": text(self.reason),
            }
        return (
            _(
                "%(cell)s was skipped: it is not valid Python even after IPython's transforms "
                "(%(reason)s, line %(line)d of the cell); the other cells were graded"
            )
            % values
        )


@dataclass
class Piece:
    """One kept top-level statement: its text and, per line, the line of its cell."""

    cell: Cell
    lines: list[int]
    text: str
    binds: frozenset[str] = frozenset()  # names an assignment binds (candidates only)


@dataclass
class NotebookModule:
    """The generated module and where each of its lines came from."""

    source: str
    origins: list[tuple[Cell, int] | None]  # per module line, 1-based line = index + 1
    skipped: list[SkippedCell] = field(default_factory=list)

    def origin(self, line: int) -> tuple[str, int] | None:
        """The cell (its label) and the line in it of the module's ``line``; None where no cell
        holds it. Places (grader/checks/verdict/places.py) are shown through it while the notebook is graded."""
        origin = self.origins[line - 1] if 0 < line <= len(self.origins) else None
        return None if origin is None else (origin[0].label(), origin[1])

    def explain(self, message: str, filename: str) -> str:
        """``message`` with every other mention of the generated ``filename`` (``running mse() in
        losses.py``) naming the notebook: its places were shown as cells and lines already."""
        return re.sub(rf"(?:[\w/.-]*/)?{re.escape(filename)}", _("the notebook"), message)

    def notes(self) -> list[str]:
        return [skipped.note() for skipped in self.skipped]


# Lines as ``ast.get_source_segment`` splits them (\r\n, \r and \n only), ends kept.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines_with_ends(code: str) -> list[str]:
    return _LINE.findall(code)


def _segment(lines: list[str], node: ast.stmt) -> str | None:
    """``ast.get_source_segment(code, node)`` on ``code``'s lines split once: it splits the
    whole source again for every statement, quadratic in a long cell."""
    if node.end_lineno is None or node.end_col_offset is None:
        return None
    first, last = node.lineno - 1, node.end_lineno - 1
    if first == last:
        return lines[first].encode()[node.col_offset : node.end_col_offset].decode()
    head = lines[first].encode()[node.col_offset :].decode()
    tail = lines[last].encode()[: node.end_col_offset].decode()
    return "".join([head, *lines[first + 1 : last], tail])


def _calls_nothing(node: ast.AST) -> bool:
    return not any(
        isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)) for n in ast.walk(node)
    )


def _imports_grader(node: ast.stmt) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "grader" for alias in node.names)
    return isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "grader"


def _bound_names(node: ast.Assign | ast.AnnAssign) -> frozenset[str] | None:
    """Names an assignment binds, or None when it also writes elsewhere (``x.a = …``)."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names: set[str] = set()
    for target in targets:
        for part in ast.walk(target):
            if isinstance(part, ast.Name):
                names.add(part.id)
            elif not isinstance(part, (ast.Tuple, ast.List, ast.Store, ast.Starred)):
                return None
    return frozenset(names)


def reads(text: str) -> set[str]:
    """Module-level names a statement reads: at the top, and from inside its functions and
    classes (their globals)."""
    try:
        table = symtable.symtable(text, "<cell>", "exec")
    except SyntaxError:  # parses but does not compile: its import fails and says where
        return set()
    names: set[str] = set()

    def walk(scope: symtable.SymbolTable, top: bool) -> None:
        for symbol in scope.get_symbols():
            if symbol.is_referenced() and (top or symbol.is_global()):
                names.add(symbol.get_name())
        for child in scope.get_children():
            walk(child, False)

    walk(table, True)
    return names


def _tolerant_import(piece: Piece) -> Piece:
    body = ["    " + line for line in piece.text.splitlines()]
    first, last = piece.lines[0], piece.lines[-1]
    return Piece(
        piece.cell,
        [first, *piece.lines, last, last],
        # Exception, not ImportError: matplotlib installed but with no writable cache folder in
        # the sandbox raises OSError at import; a notebook's plotting import is no part of an answer.
        "\n".join(["try:", *body, "except Exception:", "    pass"]),
    )


@dataclass
class _Collected:
    future: list[Piece] = field(default_factory=list)
    kept: list[Piece | None] = field(default_factory=list)  # None: a candidate's place
    candidates: dict[int, Piece] = field(default_factory=dict)  # index in kept -> candidate
    skipped: list[SkippedCell] = field(default_factory=list)


def _collect_cell(cell: Cell, source: str, into: _Collected) -> None:
    code, lines = cell_python.python_of(source)
    tree = _cell_tree(cell, code, lines, into)
    if tree is None:
        return
    code_lines = _lines_with_ends(code)  # once: ast.get_source_segment splits the cell per call
    # identifiers are read NFKC-normalised: no `get_ipython` name without it in this text
    ipython = "get_ipython" in unicodedata.normalize("NFKC", code)
    for node in tree.body:
        uses_ipython = ipython and any(
            isinstance(n, ast.Name) and n.id == "get_ipython" for n in ast.walk(node)
        )
        if uses_ipython or _imports_grader(node):
            continue
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        end = node.end_lineno or node.lineno
        text = "\n".join(line.rstrip("\r\n") for line in code_lines[start - 1 : end])
        if not isinstance(node, DEFINITIONS):  # a simple statement may share its line (`import x; f()`)
            text = _segment(code_lines, node) or text
        _collect_statement(node, Piece(cell, lines[start - 1 : end], text), into)


def _cell_tree(cell: Cell, code: str, lines: list[int], into: _Collected) -> ast.Module | None:
    """The cell's code parsed; None where it cannot be, the cell then skipped with the reason."""
    deep = parsed.unreadable(code)
    if deep:
        into.skipped.append(SkippedCell(cell, 1, deep, unread=True))
        return None
    tree = parsed.tree(code)
    if tree is None:  # not too deep, so it does not parse: parsed again for the error's place
        try:
            ast.parse(code)
        except SyntaxError as exc:
            line = lines[exc.lineno - 1] if exc.lineno and 0 < exc.lineno <= len(lines) else 1
            into.skipped.append(
                SkippedCell(cell, line, exc.msg, defines=frozenset(_DEFINITION.findall(code)))
            )
    return tree


# a definition's first line at the cell's top level, a pasted byte-order mark before it allowed:
# what a cell that does not parse starts to define (the only reading such a cell allows)
_DEFINITION = re.compile(r"^\ufeff?(?:async[ \t]+)?(?:def|class)[ \t]+([^\W\d]\w*)", re.MULTILINE)


def _collect_statement(node: ast.stmt, piece: Piece, into: _Collected) -> None:
    """A top-level statement kept (imports tolerant of failing), a candidate (an assignment
    that calls something: kept only where a kept statement needs it), or left out."""
    if isinstance(node, ast.ImportFrom) and node.module == "__future__":
        into.future.append(piece)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        into.kept.append(_tolerant_import(piece))
    elif isinstance(node, DEFINITIONS):
        into.kept.append(piece)
    elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        names = _bound_names(node)
        if names is None:
            return
        if _calls_nothing(node.value):
            into.kept.append(piece)
        else:
            piece.binds = names
            into.candidates[len(into.kept)] = piece
            into.kept.append(None)


def _needed_candidates(collected: _Collected) -> set[int]:
    """Candidates (assignments that call something) whose names a kept statement reads, or a
    chosen candidate reads (each name followed once)."""
    binding: dict[str, list[int]] = {}
    for i, piece in collected.candidates.items():
        for name in piece.binds:
            binding.setdefault(name, []).append(i)
    todo = list(set().union(*(reads(p.text) for p in collected.kept if p is not None)))
    seen, chosen = set(todo), set()
    while todo:
        for i in binding.get(todo.pop(), ()):
            if i not in chosen:
                chosen.add(i)
                new = reads(collected.candidates[i].text) - seen
                seen |= new
                todo += new
    return chosen


def to_module(notebook: nbformat.NotebookNode) -> NotebookModule:
    """One Python module made of the definitions in every code cell, in order."""
    collected, clock = _Collected(), parsed.Clock()
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        where = Cell(number, next((line.strip() for line in cell.source.splitlines() if line.strip()), ""))
        try:
            clock.check(N_("the cells before it"))
        except parsed.OverBudget as exc:  # this cell and the rest are skipped, with a note
            reason = N_("{0}, so neither it nor any cell after it was read").format(exc)
            collected.skipped.append(SkippedCell(where, 1, reason, unread=True))
            break
        _collect_cell(where, cell.source, collected)
    chosen = _needed_candidates(collected)
    body = [
        piece if piece is not None else collected.candidates[i]
        for i, piece in enumerate(collected.kept)
        if piece is not None or i in chosen
    ]
    future, seen = [], set()
    for piece in collected.future:
        if piece.text not in seen:
            seen.add(piece.text)
            future.append(piece)
    source_lines: list[str] = []
    origins: list[tuple[Cell, int] | None] = []
    for index, piece in enumerate([*future, *body]):
        if index >= len(future) and (source_lines or index > 0):
            source_lines.append("")
            origins.append(None)
        text_lines = piece.text.splitlines() or [""]
        source_lines += text_lines
        origins += [(piece.cell, line) for line in piece.lines[: len(text_lines)]]
        origins += [None] * (len(text_lines) - len(piece.lines))
    return NotebookModule("\n".join(source_lines) + "\n", origins, collected.skipped)


def _top_level_names(source: str) -> set[str]:
    """The names the module binds at its top level (definitions, assignments, imports)."""
    tree = parsed.tree(source)
    names: set[str] = set()
    for node in tree.body if tree else []:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def _lead_with_skipped_cells(result: TopicResult, module: NotebookModule) -> None:
    """An exercise the module does not bind but a skipped cell starts to define: its checks that
    could not run are that cell's syntax error (the cause a .py file's syntax error has)."""
    bound = _top_level_names(module.source)
    for test in result.tests:
        if test.status != "error":
            continue
        for skipped in module.skipped:
            missing = [e for e in test.exercises if e in skipped.defines and e not in bound]
            if missing:
                test.message, test.cause = skipped.lead(missing[0]), "refused"
                break


@contextmanager
def places_of(path: Path, topic: str) -> Iterator[NotebookModule]:
    """The module made from notebook ``path``; meanwhile its places (a frame, a refused line) are
    shown as the notebook's cells and lines (grader/checks/verdict/places.py)."""
    module = to_module(read(path))
    from grader.checks.verdict import places  # a grading's: not the command line's start

    with places.in_notebook(f"{topic}.py", module.origin):
        yield module


def explain(result: TopicResult, module: NotebookModule, notes: Iterable[str] = ()) -> None:
    """Name the notebook in ``result``'s messages about ``module`` (made from it; their places
    were shown as cells and lines already), and the skipped cells in the topic's note, then
    ``notes`` (about the module: the refused lines that were not run)."""
    for test in result.tests:
        test.message = module.explain(test.message, f"{result.name}.py")
    _lead_with_skipped_cells(result, module)
    more = [module.explain(note, f"{result.name}.py") for note in notes if note]
    result.note = "; ".join([*module.notes(), *more])
