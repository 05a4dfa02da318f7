"""Off-limits functions read from the source: which exercises' reachable code names a function
its docstring puts off limits (the suite's ``OFF_LIMITS``), decided on the trusted side from the
text the subset checker reads (docs/engine.md, "Twins read from the source"). What the
declaration names:

- ``torch.x`` and ``Tensor.x``: the function, the method ``.x`` on any value that is not a module,
  and their in-place forms ``x_``; ``torch.a.b``: that member and everything under it;
- ``F.x``: ``torch.nn.functional.x`` (and ``torch.x``, its alias where torch has one);
- ``nn.X``: ``torch.nn.X`` and any ``torch.nn`` member path ending in ``.X`` (``*`` as a glob);
- ``.x()``: the method ``.x``; ``@``: the matrix-product operator;
- with each ``torch`` path, numpy's member of the same path where numpy has one (``np.linalg.lstsq``),
  and the ``torch.nn`` modules computing it (``nn.KLDivLoss`` for ``F.kl_div``).
Anything else in a declaration (words such as "their functional forms") is left to the recorder.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from grader.base.i18n import N_, _
from grader.checks.judging.judge import TWIN_HINT
from grader.checks.verdict import places
from grader.checks.verdict.exercises import TWIN
from grader.checks.verdict.failed import hinted, worded
from grader.checks.verdict.scoring import TestResult, TopicResult
from grader.engine.sources import parsed
from grader.engine.subset import dead as subset_dead
from grader.engine.subset import readings as subset_readings
from grader.engine.subset import wrappers as subset_wrappers
from grader.engine.subset.binds import Meaning
from grader.engine.subset.charge import reachable
from grader.engine.subset.scopes import Scopes
from grader.engine.subset.shapes import chain
from grader.sandboxed import subset_members as members

_DOTTED = re.compile(r"^(?:\.\w+\(\)|@|[A-Za-z_][\w.]*\*?)$")


@dataclass(frozen=True)
class Written:
    """An off-limits function an exercise's reachable code names: as written, and where."""

    exercise: str
    name: str
    line: int
    file: str = ""  # a helper file of the submission's; empty: the topic's own


@dataclass(frozen=True)
class _Rule:
    name: str  # as the declaration writes it
    paths: tuple[str, ...] = ()  # dotted paths: the member and everything under it
    methods: tuple[str, ...] = ()  # a method or attribute of a value that is not a module
    globs: tuple[str, ...] = ()  # dotted paths as fnmatch patterns
    matmul: bool = False

    def matches_path(self, dotted: str) -> bool:
        return any(dotted == p or dotted.startswith(p + ".") for p in self.paths) or any(
            fnmatch.fnmatchcase(dotted, g) for g in self.globs
        )


def _namesakes(paths: tuple[str, ...]) -> tuple[str, ...]:
    """numpy's members of the same paths as torch's (``numpy.linalg.lstsq`` for
    ``torch.linalg.lstsq``), and the standard library's ``math`` of torch's own functions
    (``math.tanh`` for ``torch.tanh``): the same computation by another library, by the member
    snapshot."""
    found = []
    for path in paths:
        if not path.startswith("torch.") or path.startswith("torch.Tensor."):
            continue
        rest = path.removeprefix("torch")
        for module, _dot, name in (f"numpy{rest}".rpartition("."), f"math{rest}".rpartition(".")):
            if (module, name) in members.decisions():
                found.append(f"{module}.{name}")
    return tuple(found)


def _layers(paths: tuple[str, ...]) -> tuple[str, ...]:
    """The ``torch.nn`` modules computing the functions of ``paths`` (``nn.KLDivLoss`` for
    ``F.kl_div``) and the functions forwarding to them (``nn.init.xavier_uniform``, deprecated, for
    ``nn.init.xavier_uniform_``: :mod:`grader.engine.subset.wrappers`), as globs of their paths."""
    found = {wrapper for path in paths for wrapper in subset_wrappers.wrappers().get(path, ())}
    layers = {w for w in found if w.startswith("torch.nn.") and w.count(".") == 2}  # torch.nn.KLDivLoss
    globs = (glob for w in sorted(layers) for glob in (w, w.replace("torch.nn.", "torch.nn.*.")))
    return (*globs, *sorted(found - layers))


def _rule(name: str) -> _Rule | None:
    rule = _torch_rule(name)
    if rule is None:
        return None
    named = rule.paths + tuple(glob for glob in rule.globs if "*" not in glob)  # nn.init.xavier_uniform_
    return replace(rule, paths=rule.paths + _namesakes(rule.paths), globs=rule.globs + _layers(named))


def _torch_rule(name: str) -> _Rule | None:
    if not _DOTTED.match(name):
        return None
    if name == "@":
        return _Rule(name, matmul=True)
    if name.startswith("."):
        return _Rule(name, methods=(name[1:-2],))
    head, _dot, last = name.rpartition(".")
    in_place = (last, last + "_") if not last.endswith("_") else (last,)
    if head == "Tensor":
        return _Rule(name, paths=tuple(f"torch.Tensor.{m}" for m in in_place), methods=in_place)
    if head == "torch":
        return _Rule(name, paths=tuple(f"torch.{m}" for m in in_place), methods=in_place)
    if head == "F":
        paths = [f"torch.nn.functional.{m}" for m in in_place] + [f"torch.{m}" for m in in_place]
        return _Rule(name, paths=tuple(paths))
    if name.startswith("nn."):
        rest = name[3:]
        globs = [f"torch.nn.{rest}"] + ([f"torch.nn.*.{rest}"] if "." not in rest else [])
        return _Rule(name, globs=tuple(globs))
    if name.startswith(("torch.", "math.", "numpy.")) or name in members.modules():  # ``statistics``
        return _Rule(name, paths=(name,))
    return None


def declared(off_limits: Mapping[str, Mapping[str, str]]) -> dict[str, tuple[_Rule, ...]]:
    """{exercise: the rules of the functions its ``OFF_LIMITS`` entry names}."""
    names = {
        exercise: tuple(sorted({n.strip() for value in table.values() for n in value.split(" / ")}))
        for exercise, table in off_limits.items()
    }
    return {exercise: rules for exercise, named in names.items() if (rules := _rules(named))}


@functools.lru_cache(maxsize=256)
def _rules(names: tuple[str, ...]) -> tuple[_Rule, ...]:
    return tuple(r for r in map(_rule, names) if r is not None)


def _paths(meanings: frozenset[Meaning]) -> list[str]:
    return [m.path for m in meanings if m.kind == "path"]


def _named(node: ast.AST, parent: ast.AST | None, scopes: Scopes) -> tuple[list[str], str]:
    """(the dotted paths ``node`` may name, the method it may read off a tensor): what the
    module's bindings say it denotes (:mod:`grader.engine.subset.scopes`)."""
    scope = scopes.scope_of.get(node, scopes.tree)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
        if (
            len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            node = ast.Attribute(node.args[0], node.args[1].value, ast.Load())
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        return _paths(scopes.meanings(node, scope)), ""
    if not isinstance(node, ast.Attribute):
        return [], ""
    paths = _paths(scopes.meanings(node, scope))
    outermost = not (isinstance(parent, ast.Attribute) and parent.value is node)
    receiver = scopes.meanings(node.value, scope)
    tensor = any(m.kind == "unknown" for m in receiver)  # a parameter, a call's result: a tensor perhaps
    return paths, node.attr if outermost and tensor else ""


def _text(node: ast.AST) -> str:
    """What the source writes at ``node``, short: ``F.glu``, ``.addmm_``, ``@``."""
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        return "@"
    if isinstance(node, ast.Attribute) and not isinstance(chain(node)[0], ast.Name):
        return f".{node.attr}"
    text = ast.unparse(node)
    return text if len(text) <= 60 else f".{getattr(node, 'attr', '')}"


def _hit(node: ast.AST, rules: tuple[_Rule, ...], scopes: Scopes, up: dict[ast.AST, ast.AST]) -> _Rule | None:
    """The rule ``node`` breaks, if any."""
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.MatMult):
        left = scopes.meanings(node.left if isinstance(node, ast.BinOp) else node.target)
        if all(m.kind in ("class", "instance", "own", "function") for m in left):
            return None  # the learner's own __matmul__
        return next((r for r in rules if r.matmul), None)
    paths, method = _named(node, up.get(node), scopes)
    if not (paths or method):
        return None
    return next(
        (r for r in rules if any(r.matches_path(p) for p in paths) or (method and method in r.methods)), None
    )


def written_in(
    tree: ast.Module,
    reached: Mapping[str, list[ast.AST]],
    through: Mapping[str, Mapping[int, str]],
    rules: Mapping[str, tuple[_Rule, ...]],
    helpers: Mapping[str, str] | None = None,
    read: frozenset[str] = frozenset(),
) -> dict[str, Written]:
    """{exercise: the first off-limits function its reachable code names} on a reading already made (:func:`subset_charge.reachable`: ``through``, the
    code an exercise reaches only through another's definition, that one's); ``helpers``:
    the submission's files by name, whose functions the reachable code calls are read for the
    exercise's twins as well (:func:`_in_helpers`), at any depth (``read``: the helper
    functions whose reading is under way, ``file.name``, each read once down a path)."""
    found: dict[str, Written] = {}
    scopes, up = subset_readings.of_tree(tree), parsed.parents(tree)
    if scopes is None:  # never read: the runtime backstop decides
        return found
    unrun = subset_dead.dead(tree)
    for exercise, nodes in reached.items():
        if exercise not in rules:
            continue
        hits = []
        for node in (n for n in nodes if id(n) not in unrun):  # a branch that cannot run charges nothing
            owner = through.get(exercise, {}).get(id(node), exercise)
            if _hit(node, rules[exercise], scopes, up) and (
                owner == exercise or _hit(node, rules[owner], scopes, up)
            ):
                hits.append((getattr(node, "lineno", 0), node))
        if hits:
            line, node = min(hits, key=lambda hit: hit[0])
            found[exercise] = Written(exercise, _text(node), line)
        elif helpers:
            found |= _in_helpers(exercise, nodes, scopes, rules[exercise], helpers, read)
    return found


def _in_helpers(
    exercise: str,
    nodes: list[ast.AST],
    scopes: Scopes,
    rules: tuple[_Rule, ...],
    helpers: Mapping[str, str],
    read: frozenset[str],
) -> dict[str, Written]:
    """The first twin of ``exercise`` in the functions of the submission's helper files that
    its reachable code names (``from helper import f``, ``helper.f``) or imports (a package's
    ``__init__`` passing a name on: ``from .deep import f``, made absolute with the sources by
    :func:`grader.engine.subset.submission.absolute`), read with their own reachable code."""
    named = {
        path
        for node in nodes
        if isinstance(node, (ast.Name, ast.Attribute))
        for path in _paths(scopes.meanings(node))
    }
    used = {n.id for n in nodes if isinstance(n, ast.Name)} | {
        exercise
    }  # a re-export: the name read through it
    imports = {
        f"{n.module}.{alias.name}": n.lineno
        for n in nodes
        if isinstance(n, ast.ImportFrom) and n.module and not n.level
        for alias in n.names
        if (alias.asname or alias.name) in used  # an import line's other names: other code's
    }
    twin = next((p for p in sorted(imports) if any(r.matches_path(p) for r in rules)), None)
    if twin is not None:  # the helper file imports the twin itself (``from torch.distributions import ...``)
        return {exercise: Written(exercise, twin, imports[twin])}
    for path in sorted(named | imports.keys()):
        found = parsed.module_file(path, helpers)
        if found is None or len(found[1]) != 1 or path in read:
            continue
        file, (name,) = found
        reading = reachable(helpers[file], [name], [name])
        if reading is None:
            continue
        inner = written_in(*reading, {name: rules}, helpers, read | {path}).get(name)
        if inner is not None:
            return {exercise: Written(exercise, inner.name, inner.line, inner.file or file)}
    return {}


def twins(
    sources: Mapping[str, str],
    file: str,
    source: str,
    rules: Mapping[str, tuple[_Rule, ...]],
    wanted: Collection[str],
    exercises: Collection[str],
    contracts: Mapping[str, Sequence[str]] | None = None,
    ran: Ran | None = None,
) -> dict[str, Written]:
    """{exercise of ``wanted``: the first off-limits function its reachable code names} in the
    topic's ``file`` as graded (``source``, its refused lines stubbed) among the submission's
    ``sources``, helper files followed: an import charges the exercises whose code uses it (a
    table another exercise's call fills is read too: :mod:`subset_changes`); and, where no name is
    written, one its import ran at a line of that code (``ran``: :func:`ran_at_import`). Where the
    reading gives up, a module a list names whole is charged wherever it is named
    (:func:`imported_anywhere`)."""
    try:  # the reading's verdict came first, within the same clock
        read = reachable(source, wanted, exercises, rules, contracts) if wanted else None
    except parsed.OverBudget:
        read = None
    if read is None:
        return imported_anywhere({**sources, file: source}, file, rules, wanted)
    return {**ran_at_import(read[1], read[2], ran), **written_in(*read, rules, helpers=sources)}


@dataclass(frozen=True)
class Ran:
    """What the submission's import ran (:mod:`grader.sandboxed.at_import`): {torch name: the
    topic file's lines that ran it}, and each exercise's list ({name the recorder sees: as written})."""

    lines: Mapping[str, tuple[int, ...]]
    off_limits: Mapping[str, Mapping[str, str]]


def ran_at_import(
    reached: Mapping[str, list[ast.AST]], through: Mapping[str, Mapping[int, str]], ran: Ran | None
) -> dict[str, Written]:
    """{exercise: the first twin of its list its import ran at a line of its reachable code}: a
    table it reads, filled at import by a name computed at run time, which no reading sees
    written; code it reaches only through another's definition, where that one's list names it too."""
    found: dict[str, Written] = {}
    if ran is None:
        return found
    for exercise, nodes in reached.items():
        listed = ran.off_limits.get(exercise, {})
        hits = []
        for node in nodes:
            owner = through.get(exercise, {}).get(id(node), exercise)
            line = getattr(node, "lineno", 0)
            hits += [
                (line, name)
                for name in listed
                if line in ran.lines.get(name, ())
                and (owner == exercise or name in ran.off_limits.get(owner, {}))
            ]
        if hits:
            line, name = min(hits)
            found[exercise] = Written(exercise, listed[name] or name, line)
    return found


def imported_anywhere(
    sources: Mapping[str, str], own: str, rules: Mapping[str, tuple[_Rule, ...]], wanted: Collection[str]
) -> dict[str, Written]:
    """{exercise: the first place a file of the submission names a module its list puts off
    limits (``torch.distributions``)}: such a module computes the exercise in ops of its own,
    which no dispatcher names, so where the reading cannot follow its objects (:func:`twins`) a
    topic whose list names one cannot import it at all. Read in every file of ``sources`` (by
    name, the topic's ``own`` first), reachable or not."""
    modules = {e: tuple(r for r in rules.get(e, ()) if set(r.paths) & members.modules()) for e in wanted}
    modules = {e: found for e, found in modules.items() if found}
    if not modules:
        return {}
    files = [own] * (own in sources) + sorted(n for n in sources if n != own)
    found: dict[str, Written] = {}
    for file in files:
        for line, text, paths in _named_in(sources[file]):
            for exercise, ruled in modules.items():
                if exercise not in found and any(r.matches_path(p) for r in ruled for p in paths):
                    found[exercise] = Written(exercise, text, line, "" if file == own else file)
    return found


@functools.lru_cache(maxsize=32)
def _named_in(source: str) -> tuple[tuple[int, str, list[str]], ...]:
    """(line, text, the dotted paths named) of every import, name and attribute of ``source``."""
    return tuple(_each_named(source))


def _each_named(source: str) -> Iterator[tuple[int, str, list[str]]]:
    scopes = subset_readings.of(source)
    tree = parsed.tree(source)
    if scopes is None or tree is None:
        return
    up = parsed.parents(tree)
    for node in parsed.nodes(tree):
        if isinstance(node, ast.Import):
            yield node.lineno, f"import {node.names[0].name}", [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            paths = [f"{node.module}.{a.name}" for a in node.names]
            first = ast.ImportFrom(module=node.module, names=[ast.alias(node.names[0].name)], level=0)
            yield node.lineno, ast.unparse(first), paths  # the code as written, not words
        elif isinstance(node, (ast.Name, ast.Attribute)):
            paths = _named(node, up.get(node), scopes)[0]
            if paths:
                yield getattr(node, "lineno", 0), _text(node), paths


def charge(result: TopicResult, found: Mapping[str, Written], file: str) -> None:
    """Fail each passed check judging an exercise of ``found`` as a call of its twin, and word
    each that the recorder failed as one as what was written where (the recorder names the op
    it replaced, and no line); the others keep their own failures, a timeout of the exercise
    alone its twin as its cause (the replaced op can outrun its budget). The course's twin rule
    then judges the exercise (grader/checks/verdict/exercises.py), as for a twin the recorder saw."""
    for test in result.tests:
        hits = [found[e] for e in test.exercises if e in found]
        if not hits:
            continue
        hit = hits[0]
        where = places.text(places.Place(hit.file or file, hit.line))
        got = _("%(twin)s written in %(where)s") % {"twin": hit.name, "where": where}
        said = worded(hit.exercise, N_("a hand-written computation"), got) + hinted(_(TWIN_HINT))
        if test.status == "timeout" and len(test.exercises) == 1:
            test.cause = TWIN
        elif test.status == "failed" and test.cause == TWIN and ours(test, hit.exercise):
            test.message = said
        elif test.status == "passed":
            test.status, test.points, test.curve, test.message = "failed", 0.0, None, said
            test.cause, test.blame, test.stub, test.form, test.calls = TWIN, hit.exercise, "", False, ()


def ours(test: TestResult, exercise: str) -> bool:
    """Whether a check's failure is ``exercise``'s: it judges that one alone, or its record places it there."""
    return test.exercises == (exercise,) or test.blame == exercise
