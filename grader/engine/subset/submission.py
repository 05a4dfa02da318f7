"""The Python that graded code may be written in, decided on the trusted side before it runs.

Why a subset, and the "how" checks' evidence it protects: docs/design.md, "The graded subset".
Accepted: imports and members from the allow-list of :mod:`grader.engine.subset.rules`,
attributes and builtins named in the source (``getattr`` with a literal name), the dunders a
learner defines or calls on ``super()``, ``self.__dict__``/``vars(self)`` in methods. Refused:
star imports, names computed at run time, code from text (``eval``, timeit, pickles, string
annotations that do not pass themselves), frames and namespaces, patching a module.

RestrictedPython 9.0, measured beside it (docs/design.md), also refused 8 of the 16 ordinary
snippets of ``tests/grader/test_seal_subset.py``; its time is about this check's: on this shared
2-core machine under load (load average 8-13), 5-8 ms a module with the parse against its
compile's 4-7 ms, the check alone 4-5 ms; once per source in a grading process (cached by
source), against seconds for grading the topic.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from grader.base.i18n import N_, _, ngettext, text
from grader.checks.verdict import places
from grader.checks.verdict.exercises import REFUSED
from grader.checks.verdict.scoring import TopicResult
from grader.engine.check_table import Row
from grader.engine.sources import parsed
from grader.engine.subset import charge as subset_charge
from grader.engine.subset import rules
from grader.engine.subset import units as subset_units
from grader.engine.subset.check import check
from grader.engine.subset.facts import Facts
from grader.engine.subset.names import member_problem
from grader.engine.subset.refusal import NOT_ALLOWED, Refusal

__all__ = [
    "NOT_ALLOWED",
    "UNCHECKED",
    "Refusal",
    "Verdict",
    "check",
    "exercises_of",
    "member_problem",
    "refusal",
    "refuse",
    "helpers",
    "sources_of",
    "verdict",
]

# Set only by the grader's own tests of the layers under the subset (the sandbox, the zygote,
# Gradescope's container), which must hold against code the subset refuses. A submission cannot
# set the grading process's environment.
UNCHECKED = "TORCHGRADE_UNCHECKED_SUBSET"
SMALLER = N_("write a loop or name the parts, and keep only the code the exercises need")


def sources_of(path: Path, topic: str, single_file: bool) -> dict[str, str]:
    """Every Python source the task's worker can import, by file name: the topic's file (a
    folder's ``<topic>.py``, one file, or the code of a notebook) and the files beside it that it
    imports, directly or not (:func:`helpers`). A file graded alone and in
    its folder see the same helpers; a file nothing imports is no part of the topic's grade; a
    link is none (staging copies no link: what the worker is given is what the key reads)."""
    from grader.engine.sources import notebooks

    own = f"{topic}.py"
    try:
        if path.suffix == ".ipynb":
            code = notebooks.to_module(notebooks.read(path)).source
            found = {own: code}
            for helper in helpers(path, own, code.encode()):
                name = helper.relative_to(path.parent).as_posix()
                found[name] = absolute(name, parsed.text(helper.read_bytes()))
            return found
        alone = single_file or path.is_file()
        source = path if alone else path / own
        if source.is_symlink() or not source.is_file():  # what staging refuses (a link) is none
            return {}
        found = {own: parsed.text(source.read_bytes())}  # as Python reads it: BOM, coding line, CRLF
        for helper in helpers(source, own):
            name = helper.relative_to(source.parent).as_posix()
            found[name] = absolute(name, parsed.text(helper.read_bytes()))
        return found
    except (OSError, ValueError):
        return {}


_RELATIVE = re.compile(r"from\s*\.[\w.\s]*?(?<!\w)(import)\b")  # up to the keyword, on one line


def absolute(name: str, source: str) -> str:
    """``source`` of the submission's file ``name``, each relative import written on its line as the
    absolute one Python resolves from the package ``name``'s path declares (``from .core import f``
    in ``pkg/__init__.py``: ``from pkg.core import f``), so every reading holds it to the same rules;
    one above its package, in none or over continued lines stays as written (refused)."""
    package, lines = name.split("/")[:-1], source.split("\n")  # Python's lines: its newlines read as LF
    found = [
        n for n in parsed.nodes(parsed.tree(source) or ast.Module([], [])) if isinstance(n, ast.ImportFrom)
    ]
    for node in sorted(found, key=lambda n: (n.lineno, n.col_offset), reverse=True):  # a line's last first
        line = lines[node.lineno - 1]
        at = _RELATIVE.match(line, len(line.encode()[: node.col_offset].decode()))
        if at and 0 < node.level <= len(package):
            dotted = ".".join([*package[: len(package) + 1 - node.level], *filter(None, [node.module])])
            lines[node.lineno - 1] = f"{line[: at.start()]}from {dotted} {line[at.start(1) :]}"
    return "\n".join(lines)


def helpers(source: Path, own: str, code: bytes | None = None) -> list[Path]:
    """The ``.py`` files beside ``source`` that it imports, directly or not (by their top-level
    import statements; the subset refuses computed imports), in the order first met, a package's
    files all together; ``own``: the name ``source`` is graded as, which no helper shadows;
    ``code``: what it holds where that is not its bytes (a notebook's definitions). What a
    topic's worker can reach besides its own file, the same whether the file is graded alone, in
    its folder or as a notebook."""
    found_beside = beside(source.parent)
    found_beside.pop(own[:-3], None)
    found_beside.pop(source.stem, None)
    found: list[Path] = []
    queue: list[Path | bytes] = [source if code is None else code]
    while queue:
        first = queue.pop(0)
        names = _imported_modules(first if isinstance(first, bytes) else first.read_bytes())
        more = [file for name in names if name in found_beside for file in found_beside.pop(name)]
        found += more
        queue += more
    return found


def beside(folder: Path) -> dict[str, list[Path]]:
    """The modules ``import`` finds in ``folder``, by name: each ``.py`` file, and each package (a
    folder with ``__init__.py``, which Python finds first) as its ``.py`` files; links are none."""
    files, folders = _entries(folder)
    found = {file.stem: [file] for file in files}
    for init in [inner / "__init__.py" for inner in folders]:
        if init.parent.is_symlink() or init.is_symlink() or not init.exists():
            continue
        inside = [Path(at, f) for at, _dirs, names in sorted(os.walk(init.parent)) for f in sorted(names)]
        found[init.parent.name] = [
            f for f in inside if f.suffix == ".py" and f.is_file() and not f.is_symlink()
        ]
    return found


RACY_NS = 2_000_000_000


def _entries(folder: Path) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """``folder``'s plain ``.py`` files and its folders, kept while its entries stay as they were
    (its inode, mtime and ctime): a class's folder is listed once, not once a student. A folder
    changed in the last seconds is listed afresh, as git treats a racy entry: a clock's tick holds
    more than one change."""
    try:
        at = folder.stat()
    except OSError:
        return (), ()
    if time.time_ns() - max(at.st_mtime_ns, at.st_ctime_ns) < RACY_NS:
        return _listed.__wrapped__(str(folder), 0, 0, 0)
    return _listed(str(folder), at.st_ino, at.st_mtime_ns, at.st_ctime_ns)


@functools.lru_cache(maxsize=64)
def _listed(folder: str, _ino: int, _mtime: int, _ctime: int) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    entries = sorted(Path(folder).iterdir())  # as glob("*.py") finds them: hidden files too
    files = [p for p in entries if p.name.endswith(".py") and p.is_file() and not p.is_symlink()]
    return tuple(files), tuple(p for p in entries if p.is_dir())


def _imported_modules(data: bytes) -> list[str]:
    """The top-level modules a file's bytes import, in name order (none where it does not parse)."""
    try:
        return sorted(set(_imports(parsed.text(data)).values()))
    except ValueError:  # not text Python reads
        return []


def _imports(source: str) -> dict[str, str]:
    """The names ``source`` binds by importing, and the module each comes from (top-level name)."""
    return dict(_import_pairs(source))


@functools.lru_cache(maxsize=256)
def _import_pairs(source: str) -> tuple[tuple[str, str], ...]:
    """:func:`_imports`, once per source in a grading process: a folder's every file is read for
    each of its topics (a walk of a module's tree is ~2 ms: 0.15 s of `grade solutions/`)."""
    tree = parsed.tree(source)
    if tree is None:
        return ()
    names: dict[str, str] = {}
    for node in parsed.nodes(tree):
        if isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0]: a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {a.asname or a.name: node.module.split(".")[0] for a in node.names}
    return tuple(names.items())


@dataclass(frozen=True)
class Verdict:
    """What the subset check decided for a task: the refusal that costs (None: graded code stays
    inside, or its refused lines cost nothing), the exercises it costs (empty: the whole topic),
    the staged files to replace (what the refused lines taint stubbed out,
    :mod:`grader.engine.subset.charge`) and the refused lines outside every exercise's reachable
    code: not run, they cost nothing and are said once (:meth:`note`)."""

    refusal: Refusal | None = None
    exercises: frozenset[str] = frozenset()
    replaced: tuple[tuple[str, str], ...] = ()
    unrun: tuple[Refusal, ...] = ()

    @property
    def first(self) -> Refusal | None:
        """The first place graded code leaves the subset, whatever it costs."""
        found = [r for r in (self.refusal, *self.unrun) if r is not None]
        return min(found, key=lambda r: r.line) if self.unrun else self.refusal

    def note(self) -> str:
        """The refused lines outside every exercise, said once (empty: none)."""
        if not self.unrun:
            return ""
        first, more = self.unrun[0], len(self.unrun) - 1
        values = {**first.said(), "more": more}
        if not more:
            return (
                _(
                    "%(file)s, line %(line)d: %(refused)s; no exercise's code reaches it, so it was not "
                    "run and costs no points. Instead: %(instead)s."
                )
                % values
            )
        return (
            ngettext(
                "%(file)s, line %(line)d: %(refused)s (and %(more)d more line no exercise reaches); no "
                "exercise's code reaches them, so they were not run and cost no points. Instead: %(instead)s.",
                "%(file)s, line %(line)d: %(refused)s (and %(more)d more lines no exercise reaches); no "
                "exercise's code reaches them, so they were not run and cost no points. Instead: %(instead)s.",
                more,
            )
            % values
        )


@functools.lru_cache(maxsize=64)
def exercises_of(topic: str) -> tuple[str, ...]:
    """The topic's exercises (its stub's public functions and classes); none for a topic without
    a stub here, whose refused lines then cost the whole topic as before."""
    from grader.base.topics import exercises

    try:
        return exercises(topic)
    except (OSError, SyntaxError, ValueError):
        return ()


def _through_imports(
    source: str, refused: dict[str, list[Refusal]], imports: dict[str, dict[str, str]], own: str
) -> list[Refusal] | None:
    """The topic's file's own refusals and, for each helper file that is refused (or imports one
    that is, transitively), a refusal on each line of the topic's file that imports it: the
    exercises reaching those lines pay, and the helper is never imported. None when a helper's
    import cannot be placed (the whole topic pays)."""
    bad = {name for name in refused if name != own}
    grown = True
    while grown:
        gone = {parsed.module_of(b) for b in bad}
        more = {
            n
            for n in imports
            if n != own and n not in bad and gone & {*imports[n].values(), parsed.module_of(n)}
        }
        bad |= more
        grown = bool(more)
    first_bad = {parsed.module_of(b): b for b in sorted(bad, reverse=True)}
    through = list(refused.get(own, []))
    if not bad:
        return through
    tree = parsed.tree(source)
    if tree is None:
        return None
    for node in parsed.nodes(tree):
        if isinstance(node, ast.Import):
            modules = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module.split(".")[0]]
        else:
            continue
        for module in modules:
            if module in first_bad:
                cause = _first_cause(first_bad[module], refused, imports, bad)
                what = _("importing %(module)s (%(place)s: %(what)s)") % {
                    "module": module,
                    "place": places.text(places.Place(cause.file, cause.line)),
                    "what": text(cause.what),
                }
                through.append(Refusal(node.lineno, what, cause.instead, own))
    return sorted(through, key=lambda r: r.line) if through else None


def _first_cause(
    name: str, refused: dict[str, list[Refusal]], imports: dict[str, dict[str, str]], bad: set[str]
) -> Refusal:
    """The refusal that makes helper file ``name`` refused: its own first, else that of the
    nearest refused file among those it imports, directly or not (imports may go round)."""
    queue, seen = [name], {name}
    while queue[0] not in refused:  # ``bad`` is what reaches a refused file: one is found
        here = queue.pop(0)
        near = {*imports[here].values(), parsed.module_of(here)}  # a package's files go together
        more = [b for b in sorted(bad) if parsed.module_of(b) in near]
        queue += [m for m in more if m not in seen]
        seen |= set(more)
    return replace(refused[queue[0]][0], file=queue[0])


def verdict(path: Path, topic: str, single_file: bool) -> Verdict:
    """Check the topic's file and every file of the submission it imports (directly or not)."""
    if os.environ.get(UNCHECKED) == "1":
        return Verdict()
    own = f"{topic}.py"
    sources = sources_of(path, topic, single_file)
    imports = {name: _imports(source) for name, source in sources.items()}
    mine = {parsed.module_of(n) for n in sources} - (rules.STANDARD | rules.OPEN | set(rules.LISTED))
    local: dict[str, frozenset[str]] = {}  # a file named like a module of the list is not what `import` finds
    for name, pairs in imports.items():  # each module: the names its files import from outside
        if (module := parsed.module_of(name)) in mine:
            local[module] = local.get(module, frozenset()) | {b for b, m in pairs.items() if m not in mine}
            tree = parsed.tree(sources[name])  # its class makers (Facts.makes): held where imported
            local |= {f"{module}.{m}": frozenset() for m in (Facts(tree, {}).class_makers if tree else ())}
    clock = parsed.Clock()
    refused = _refused_files(_import_order(own, sources, imports), sources, local, clock)
    if isinstance(refused, Refusal):
        return Verdict(refused)
    if not refused:
        return Verdict()
    name, found = refused[0]
    first = replace(found[0], file=name)
    if own not in sources:
        return Verdict(first)
    helped = _helpers_charged(own, sources, dict(refused), imports, local, clock)
    if isinstance(helped, Verdict):
        return helped
    placed = _through_imports(sources[own], {n: r for n, r in refused if n not in helped}, imports, own)
    if placed is None:
        return Verdict(first)
    return _charged(topic, own, sources[own], placed, _others(local, own), clock, first, helped)


def _import_order(own: str, sources: dict[str, str], imports: dict[str, dict[str, str]]) -> list[str]:
    """The topic's file, then the submission's files it imports (directly or not), breadth-first."""
    order, queue = [], [own] if own in sources else []
    met = set(queue)
    while queue:
        name = queue.pop(0)
        order.append(name)
        more = [f for f in sources if parsed.module_of(f) in imports[name].values()]
        queue += [m for m in more if m not in met]
        met |= set(more)
    return order


def _refused_files(
    order: list[str], sources: dict[str, str], local: dict[str, frozenset[str]], clock: parsed.Clock
) -> list[tuple[str, list[Refusal]]] | Refusal:
    """Each file of ``order`` with what the check refuses in it (those with some, in order); or
    the refusal of a whole file that cannot be checked (unreadable, broken, past the clock)."""
    refused: list[tuple[str, list[Refusal]]] = []
    for name in order:
        unread = parsed.unreadable(sources[name])
        if unread:  # not read, so not checked: refused whole
            return Refusal(1, unread, SMALLER, name)
        broken = parsed.syntax_error(sources[name])
        if broken:  # it cannot be imported: nothing of it runs, said with its line
            return Refusal(broken[0], broken[1], "", name, syntax=True)
        try:
            clock.check(name)
        except parsed.OverBudget as exc:
            return Refusal(1, str(exc), SMALLER, name)
        found = check(sources[name], _others(local, name))
        if found:
            refused.append((name, found))
    return refused


def _charged(
    topic: str,
    name: str,
    source: str,
    placed: list[Refusal],
    mine: dict[str, frozenset[str]],
    clock: parsed.Clock,
    first: Refusal,
    helped: dict[str, subset_charge.Charge],
) -> Verdict:
    """The verdict of the topic's file ``name`` whose refusals (``placed``) may cost only some
    exercises: those charged (grader/engine/subset/charge.py), else the ``first`` refusal whole;
    ``helped``: the helper files charged on their own (:func:`_helpers_charged`)."""
    exercises = exercises_of(topic)
    poisoned = {f".{h[:-3]}.{member}" for h, charge in helped.items() for member in charge.exercises}
    try:  # inside the reading's clock: the charge reads the whole module again
        cost = (
            subset_charge.charged(source, placed, mine, clock, exercises=exercises, poisoned=poisoned)
            if placed or poisoned
            else subset_charge.Charge(frozenset(), source, (), ())  # only helpers' lines nothing reads
        )
    except parsed.OverBudget as exc:
        return Verdict(Refusal(1, str(exc), SMALLER, name))
    if cost is None or not exercises:
        return Verdict(first)
    costly = [replace(r, file=name) for r in cost.costly]
    unrun = [replace(r, file=name) for r in cost.unrun]
    for h, charge in helped.items():  # a helper's lines run where some exercise pays for them
        paid = bool(cost.exercises) and bool(charge.costly)
        costly += [replace(r, file=h) for r in charge.costly] if paid else []
        unrun += [replace(r, file=h) for r in (charge.unrun if paid else (*charge.costly, *charge.unrun))]
    files = ((name, cost.source), *((h, c.source) for h, c in sorted(helped.items())))
    return Verdict(costly[0] if costly else None, cost.exercises, files, tuple(unrun))


def _helpers_charged(
    own: str,
    sources: dict[str, str],
    refused: dict[str, list[Refusal]],
    imports: dict[str, dict[str, str]],
    local: dict[str, frozenset[str]],
    clock: parsed.Clock,
) -> dict[str, subset_charge.Charge] | Verdict:
    """Each refused helper file that only the topic's file imports, and that imports no refused
    file, charged on its own as the topic's file is (docs/sandbox.md, "The graded subset"); the
    others are charged through the lines importing them (:func:`_through_imports`)."""
    found: dict[str, subset_charge.Charge] = {}
    for name, lines in refused.items():
        module = name[:-3]
        importers = {n for n, names in imports.items() if module in names.values()}
        gone = {parsed.module_of(r) for r in refused}
        if name == own or "/" in name or importers != {own} or gone & set(imports[name].values()):
            continue
        units = subset_units.units_of(sources[name], tree) if (tree := parsed.tree(sources[name])) else None
        members = {b for u in units or () for b in u.names}
        mine = _others(local, name)
        try:
            charge = subset_charge.charged(sources[name], lines, mine, clock, exercises=members)
        except parsed.OverBudget as exc:
            return Verdict(Refusal(1, str(exc), SMALLER, name))
        if charge is not None:
            found[name] = charge
    return found


def _others(local: dict[str, frozenset[str]], name: str) -> dict[str, frozenset[str]]:
    """The submission's modules file ``name`` may import: every one but its own (a package's
    files import each other by the package's name)."""
    return {m: names for m, names in local.items() if "/" in name or m != parsed.module_of(name)}


def refusal(path: Path, topic: str, single_file: bool) -> Refusal | None:
    """The first place where the topic's file, or a file of the submission it imports (directly
    or not), leaves the subset; None when graded code stays inside it."""
    return verdict(path, topic, single_file).first


def refuses_every_check(exercises: frozenset[str], rows: Iterable[Row]) -> bool:
    """Whether a refusal costing ``exercises`` (empty: the whole topic) fails every check of
    ``rows`` (:func:`refuse`): then no worker need run the rest of the file, whose results it
    would overwrite (a refusal that costs none of the checks' exercises fails them all too)."""
    judged = [bool(set(row.exercises) & exercises) for row in rows]
    return not exercises or all(judged) or not any(judged)


def refuse(result: TopicResult, refusal: Refusal, exercises: frozenset[str] = frozenset()) -> None:
    """Fail every check of the topic (skipped ones stay skipped) with the one teaching message,
    or only those of ``exercises`` when any check judges one of them."""
    if not any(set(test.exercises) & exercises for test in result.tests):
        exercises = frozenset()
    message = refusal.message(result.name, exercises)
    status = "error" if refusal.syntax else "failed"  # a file that does not import: as Python's error
    for test in result.tests:
        if test.status != "skipped" and (not exercises or set(test.exercises) & exercises):
            test.status, test.points, test.message, test.curve = status, 0.0, message, None
            test.cause, test.blame, test.stub, test.form, test.calls = REFUSED, "", "", False, ()
