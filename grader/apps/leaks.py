"""Answers in what is handed out: the scan ``grade release`` and ``grade notebooks`` run first;
what it refuses and how: docs/sandbox.md, "What is handed out holds no answer" (the threshold:
:data:`~grader.base.defaults.LEAK_CONTAINMENT`).
"""

from __future__ import annotations

import ast
import functools
import re
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from grader.base import defaults, depends
from grader.base.topics import MANIFEST, REPO_ROOT
from grader.similarity.fingerprint import kgram_hashes
from grader.similarity.normalise import DEFINITIONS, exercise_names, units

if TYPE_CHECKING:  # an annotation only: nbformat costs a command's start 0.1 s before its first line
    from nbformat import NotebookNode


@dataclass(frozen=True)
class Leak:
    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


class LeakFound(ValueError):
    """What was about to be handed out holds answers; nothing was written."""

    what = "answer(s) would be handed out"
    remedy = "remove them (an exercise handed out solved on purpose: --allow-solved NAME)"

    def __init__(self, leaks: list[Leak]) -> None:
        self.leaks = leaks
        listed = "\n".join(f"  {leak}" for leak in leaks)
        super().__init__(f"refused: {len(leaks)} {self.what}, nothing was written:\n{listed}\n{self.remedy}")


@dataclass(frozen=True)
class Answer:
    where: str  # solutions/<topic>.py:<line> `<name>`
    grams: frozenset[int]


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def modules_in(text: str) -> Iterator[tuple[ast.Module, int]]:
    """The module ``text`` parses to, then those of its string constants that hold code (as the
    templates and benchmark data do), each with the line offset of its first line."""
    tree = _parse(text)
    if tree is None:
        return
    yield tree, 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "def " in node.value:
            inner = _parse(textwrap.dedent(node.value))
            if inner is not None:
                yield inner, node.lineno - 1


def _grams(tree: ast.Module) -> dict[str, tuple[ast.stmt, set[int]]]:
    """Each top-level definition → (its node, the k-gram hashes of its normalised unit)."""
    nodes = {n.name: n for n in tree.body if isinstance(n, DEFINITIONS)}
    found = units(tree, tuple(nodes))
    return {
        name: (nodes[name], {g.hash for g in kgram_hashes(unit.tokens, defaults.SIMILARITY_K)})
        for name, unit in found.items()
    }


def course_files(checkout: Path, folder: str) -> list[Path]:
    """``checkout/<folder>/*.py`` (solutions or exercises) and, in this checkout, the course's
    packs' references or stubs too."""
    found = sorted((checkout / folder).glob("*.py"))
    if checkout.resolve() == REPO_ROOT.resolve():
        kind = "reference" if folder == "solutions" else "stub"  # as its grade depends on it
        own = [path for t in MANIFEST if not t.pack.built_in for path in depends.own(t)[kind]]
        found += [path for path in own if path.is_file()]
    return found


def answers(solutions: list[Path], stubs: list[Path]) -> list[Answer]:
    """Every definition of the ``solutions`` big enough to recognise, less what the stubs hold."""
    stub_grams: set[int] = set()
    for stub in stubs:
        for tree, _ in modules_in(stub.read_text()):
            stub_grams.update(g for node, grams in _grams(tree).values() if is_stub(node) for g in grams)
    found = []
    for path in solutions:
        solution = _parse(path.read_text())
        for name, (node, grams) in (_grams(solution) if solution else {}).items():
            own = frozenset(grams - stub_grams)
            if len(own) >= defaults.LEAK_MIN_GRAMS:
                found.append(Answer(f"solutions/{path.name}:{node.lineno} `{name}`", own))
    return found


def exercise_names_in(exercises: Path | list[Path]) -> set[str]:
    """The exercises the stubs (a folder's, or these files) define: their public top-level
    functions and classes."""
    stubs = sorted(exercises.glob("*.py")) if isinstance(exercises, Path) else exercises
    trees = [_parse(stub.read_text()) for stub in stubs]
    return {n for tree in trees if tree for n in exercise_names(tree) if not n.startswith("_")}


def _scaffolding(statement: ast.stmt) -> bool:
    """A docstring, or ``super().__init__(...)`` (a module's stub calls it before it raises)."""
    if not isinstance(statement, ast.Expr):
        return False
    call = statement.value
    return isinstance(call, ast.Constant) or (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "__init__"
        and isinstance(call.func.value, ast.Call)
        and isinstance(call.func.value.func, ast.Name)
        and call.func.value.func.id == "super"
    )


def is_stub(node: ast.stmt) -> bool:
    """A docstring and ``raise``/``pass``/``...`` (a class: methods that are stubs, nothing else;
    ``super().__init__()`` allowed before)."""
    body = [b for b in getattr(node, "body", []) if not _scaffolding(b)]
    if isinstance(node, ast.ClassDef):
        return all(isinstance(b, DEFINITIONS[:2]) and is_stub(b) for b in body)
    return all(isinstance(b, (ast.Raise, ast.Pass)) for b in body) and len(body) <= 1


def scan(
    texts: Mapping[str, str],
    answers_: list[Answer],
    exercises: set[str],
    allowed: frozenset[str] = frozenset(),
) -> list[Leak]:
    """The answers in ``texts`` ({file name: Python source}): copies and near-copies of an answer,
    and exercises defined with a body; definitions named in ``allowed`` are passed."""
    leaks = []
    for file, text in texts.items():
        for tree, offset in modules_in(text):
            for name, (node, grams) in _grams(tree).items():
                if name in allowed:
                    continue
                line = node.lineno + offset
                if name in exercises and not is_stub(node):
                    leaks.append(
                        Leak(file, line, f"`{name}` is implemented (a stub raises NotImplementedError)")
                    )
                    continue
                for answer in answers_:
                    share = len(answer.grams & grams) / len(answer.grams)
                    if share >= defaults.LEAK_CONTAINMENT:
                        leaks.append(Leak(file, line, f"`{name}` holds {share:.0%} of {answer.where}"))
                        break
    return leaks


def refuse(
    texts: Mapping[str, str],
    notebooks: Mapping[str, NotebookNode],
    checkout: Path,
    allowed: frozenset[str] = frozenset(),
    prose: Mapping[str, str] | None = None,
) -> None:
    """:class:`LeakFound` where ``texts`` ({file: Python}) or the notebooks' code cells hold an
    answer of ``checkout/solutions`` or a solved exercise of ``checkout/exercises``, or where
    ``prose`` ({file: text}, the hints) holds a line of a solution."""
    texts = dict(texts)
    for name, notebook in notebooks.items():
        for index, cell in enumerate(notebook.cells, start=1):
            if cell.cell_type == "code":
                texts[f"{name} cell {index}"] = cell.source
    stubs = course_files(checkout, "exercises")
    found = scan(
        texts, answers(course_files(checkout, "solutions"), stubs), exercise_names_in(stubs), allowed=allowed
    )
    found += prose_leaks(prose or {}, checkout)
    if found:
        raise LeakFound(found)


def _squeezed(line: str) -> str:
    return "".join(line.replace("`", "").split())


def solution_lines(checkout: Path) -> dict[str, str]:
    """{a line of ``solutions/``, without blanks: where it is} for lines that compute (an
    arithmetic operator), long enough to be an answer (:data:`~grader.base.defaults.LEAK_MIN_LINE`),
    that the stubs do not hold as well: not scaffolding any code says (``super().__init__()``)."""
    stubs = {
        _squeezed(line)
        for stub in course_files(checkout, "exercises")
        for line in stub.read_text().splitlines()
    }
    found: dict[str, str] = {}
    for path in course_files(checkout, "solutions"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = _squeezed(line)
            computes = any(op in code for op in "+-*/@")
            if (
                computes
                and len(code) >= defaults.LEAK_MIN_LINE
                and not code.startswith("#")
                and code not in stubs
            ):
                found.setdefault(code, f"solutions/{path.name}:{number}")
    return found


def prose_leaks(texts: Mapping[str, str], checkout: Path) -> list[Leak]:
    """Lines of ``texts`` (hints: prose with code in it) that hold a line of a solution."""
    answers_ = solution_lines(checkout)
    leaks = []
    for file, text in texts.items():
        for number, line in enumerate(text.splitlines(), start=1):
            squeezed = _squeezed(line)
            where = next((w for code, w in answers_.items() if code in squeezed), None)
            if where is not None:
                leaks.append(Leak(file, number, f"holds the line {where}"))
    return leaks


# -- held-out sets (grader/checks/held_out.py): their labels are never handed out -------------------

HELD_OUT_WINDOW = 32  # windows of 32 labels side by side: any 63 labels in a row hold one
HELD_OUT_DTYPES = ("int64", "int32", "uint8", "float64", "float32")  # torch's and numpy's usual
_NUMBER = re.compile(rb"-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")


def _label_windows() -> dict[str, tuple[set[bytes], list[bytes]]]:
    """:func:`_windows_of` the held-out files as they are now (read again when one changed)."""
    files = tuple(t.held_out_data for t in MANIFEST if t.held_out_data.is_file())
    return _windows_of(tuple((str(p), depends.stamp(p.stat())) for p in files))


@functools.cache
def _windows_of(signature: depends.Signature) -> dict[str, tuple[set[bytes], list[bytes]]]:
    """{where: (raw windows, written windows)} of every held-out set's labels: a window of
    consecutive labels as the bytes of each dtype a file could hold them in, and as numbers
    written out (``3,1,4``), whatever separated them."""
    import torch

    from grader.course.held_out import labels_of

    found = {}
    for topic in MANIFEST:
        for exercise, labels in labels_of(topic).items():
            flat = labels.flatten()
            raw: set[bytes] = set()
            written = []
            for start in range(0, max(1, len(flat) - HELD_OUT_WINDOW + 1), HELD_OUT_WINDOW):
                window = flat[start : start + HELD_OUT_WINDOW]
                raw |= {window.to(getattr(torch, d)).numpy().tobytes() for d in HELD_OUT_DTYPES}
                written.append(b"," + b",".join(b"%g" % float(v) for v in window.tolist()) + b",")
            found[f"{topic.held_out_data.name} ({exercise})"] = (raw, written)
    return found


def held_out_leaks(files: Mapping[str, bytes]) -> list[Leak]:
    """The files of ``files`` ({path: content}) that hold a held-out set: its file, or a run of
    its labels in any of :data:`HELD_OUT_DTYPES` or written as numbers."""
    sets = _label_windows()
    whole = {path.read_bytes(): path.name for t in MANIFEST for path in [t.held_out_data] if path.is_file()}
    leaks = []
    for file, content in files.items():
        if content in whole:
            leaks.append(Leak(file, 0, f"is the held-out set {whole[content]}"))
            continue
        numbers = b"," + b",".join(b"%g" % float(n) for n in _NUMBER.findall(content)) + b","
        # labels as raw bytes: every dtype's bytes of small whole numbers hold a NUL, which text does not
        raw_possible = b"\x00" in content
        for where, (raw, written) in sets.items():
            if raw_possible and any(w in content for w in raw) or any(w in numbers for w in written):
                leaks.append(Leak(file, 0, f"holds labels of the held-out set {where}"))
                break
    return leaks


class HeldOutLeak(LeakFound):
    what = "file(s) would hand out held-out labels"
    remedy = "held-out sets stay with the grader (grader/checks/held_out.py)"


def refuse_held_out(files: Mapping[str, bytes]) -> None:
    """:class:`HeldOutLeak` (a :class:`LeakFound`) where ``files`` hold a held-out set's labels."""
    found = held_out_leaks(files)
    if found:
        raise HeldOutLeak(found)
