"""What a refusal of the graded subset costs: only the exercises whose reachable code holds the
refused lines (docs/design.md, "The graded subset"). The statements' graph, the taint, the
stand-ins that replace tainted statements and what costs the whole topic: docs/sandbox.md, "The
graded subset". Every pass is linear in the source and runs inside the reading's clock
(:class:`grader.engine.sources.parsed.Clock`).
"""

from __future__ import annotations

import ast
import bisect
import builtins
import collections
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from grader.base.i18n import N_
from grader.engine.sources import parsed
from grader.engine.subset import reach as subset_reach
from grader.engine.subset import readings as subset_readings
from grader.engine.subset.check import check
from grader.engine.subset.refusal import Refusal
from grader.engine.subset.units import PATH, Unit, span, tick, units_of

STAND_IN = "raise NotImplementedError({message!r})"
# Names nothing in a module binds, so that no refused line binds them either: the builtins and
# the dunders Python sets on every module (``__file__``).
_UNBOUND = frozenset(dir(builtins)) | frozenset(
    {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__package__", "__builtins__"}
    | {"__cached__", "__annotations__", "__path__"}
)


class _Keys:
    """Units by the keys they read (or bind): a name, or a dotted path found under and above."""

    def __init__(self) -> None:
        self.exact: dict[str, list[int]] = collections.defaultdict(list)
        self.under: dict[str, list[int]] = collections.defaultdict(list)  # path prefix -> units

    def add(self, key: str, unit: int) -> None:
        self.exact[key].append(unit)
        if key.startswith(PATH):
            parts = key[1:].split(".")
            for end in range(1, len(parts)):
                self.under[PATH + ".".join(parts[:end])].append(unit)

    def find(self, key: str) -> list[int]:
        """The units keyed by ``key``; for a path, by any path above or below it too."""
        if not key.startswith(PATH):
            return self.exact.get(key, [])
        parts = key[1:].split(".")
        above = [
            u for end in range(1, len(parts) + 1) for u in self.exact.get(PATH + ".".join(parts[:end]), [])
        ]
        return above + self.under.get(key, [])


def closure(
    units: list[Unit], start: set[int], forward: bool, clock: parsed.Clock | None
) -> tuple[set[int], set[str]]:
    """Forward: ``start`` and every unit that reads a name one of them binds, transitively (what
    a refused statement taints). Backward: ``start`` and every unit that binds a name one of them
    reads (what an exercise reaches). A dotted path (``.torch.backends.x``) meets the paths above
    and below it. With the names followed; each name's units visited once."""
    index = _Keys()
    for i, unit in enumerate(units):
        for name in unit.reads if forward else unit.binds:
            index.add(name, i)
    reached, names = set(start), set[str]()
    queue = collections.deque(sorted(start))
    steps = 0
    while queue:
        i = queue.popleft()
        steps += 1
        tick(clock, steps, N_("the module's charge"))
        for name in (units[i].binds if forward else units[i].reads) - names:
            names.add(name)
            for other in index.find(name):
                if other not in reached:
                    reached.add(other)
                    queue.append(other)
    return reached, names


def reachable(
    source: str,
    wanted: Collection[str],
    exercises: Collection[str],
    apart: Collection[str] = (),
    contracts: Mapping[str, Sequence[str]] | None = None,
) -> tuple[ast.Module, dict[str, list[ast.AST]], dict[str, dict[int, str]]] | None:
    """``source``'s tree, {exercise: the nodes of its reachable code} for each of ``wanted``
    among ``exercises`` (:mod:`grader.engine.subset.reach`: the learner's code it may run, another
    exercise's definition too) and {exercise: {id of a node it reaches only through the definition
    of another of ``apart``: that one}} (one of ``contracts``, {exercise: its stub's parameters}, only
    through a call passing those); None when it does not parse or its scopes cannot be read.
    Raises :class:`parsed.OverBudget` past the reading's clock."""
    tree = parsed.tree(source)
    if tree is None:
        return None
    clock = parsed.Clock()
    units = units_of(source, tree, clock)
    scopes = subset_readings.of(source, exercises)
    if units is None or scopes is None:
        return None
    chosen = sorted(set(wanted) & set(exercises))
    apart = set(apart) & set(exercises)
    return tree, *subset_reach.reached_apart(scopes, units, chosen, apart, clock, contracts or {})


@dataclass(frozen=True)
class Charge:
    """What refusals cost: the exercises (empty: none), the source with every tainted statement
    replaced, the refusals inside some exercise's reachable code and those outside every one."""

    exercises: frozenset[str]
    source: str
    costly: tuple[Refusal, ...]
    unrun: tuple[Refusal, ...]


def charged(
    source: str,
    refusals: list[Refusal],
    local: dict[str, frozenset[str]],
    clock: parsed.Clock | None = None,
    *,
    exercises: Collection[str] = (),
    poisoned: Collection[str] = (),
) -> Charge | None:
    """What ``refusals`` (of ``source``, in line order) cost among ``exercises`` (the topic's),
    or None when they cost the whole topic; ``poisoned``: the keys (names, dotted paths) of a
    helper file's members that a refused line of its own reaches, tainted as a refused line's.
    Raises :class:`parsed.OverBudget` past ``clock``.
    A refused line inside a method of a class is the method's alone: only that method is
    replaced, and it costs the exercises whose reachable code (:mod:`subset_reach`) calls it."""
    tree = parsed.tree(source)
    if tree is None or not (refusals or poisoned):
        return None
    units = units_of(source, tree, clock)
    if units is None:
        return None
    firsts = [unit.first for unit in units]
    holders: list[int] = []
    for refusal in refusals:
        at = bisect.bisect_right(firsts, refusal.line) - 1
        if at < 0 or units[at].last < refusal.line or "*" in units[at].binds:
            return None  # outside every statement, or a star import: what it binds is unknown
        holders.append(at)
    methods = _methods_holding(units, refusals, holders)
    read = {name for u in units for name in u.reads if not name.startswith(PATH)}
    free = read - set[str]().union(*(u.binds for u in units)) - _UNBOUND
    whole = {at for r, at in zip(refusals, holders, strict=True) if r.line not in methods}
    for at in whole:  # globals()["helper"] = ...: what the module reads but never binds
        units[at].binds |= free
    if poisoned:  # a unit of no lines binding them: what reads them is tainted
        units.append(Unit(0, 0, [], set(poisoned)))
        whole.add(len(units) - 1)
    tainted, _ = closure(units, whole, True, clock)
    methods = {line: m for line, m in methods.items() if _owner(m, units, holders, refusals) not in tainted}
    bound = set[str]().union(*(units[i].binds for i in tainted))
    calling = _calling(source, units, set(methods.values()), exercises, clock)
    if calling is None:
        return None
    cost = (bound & set(exercises)) | set(calling)
    reached, _ = closure(units, {i for i, unit in enumerate(units) if unit.binds & cost}, False, clock)
    called = {m for ms in calling.values() for m in ms}
    replaced = _stand_ins(
        source,
        [units[i] for i in sorted(tainted) if units[i].nodes],
        sorted(set(methods.values()), key=_first),
    )
    if check(replaced, local):
        return None
    runs = [
        (methods[r.line] in called) if r.line in methods else (at in reached)
        for r, at in zip(refusals, holders, strict=True)
    ]
    return Charge(
        frozenset(cost),
        replaced,
        tuple(r for r, run in zip(refusals, runs, strict=True) if run),
        tuple(r for r, run in zip(refusals, runs, strict=True) if not run),
    )


def _first(node: ast.AST) -> int:
    return span(node)[0] if isinstance(node, ast.stmt) else 0


def _methods_holding(
    units: list[Unit], refusals: list[Refusal], holders: list[int]
) -> dict[int, ast.FunctionDef]:
    """{a refused line: the method of a top-level class that holds it, on lines of its own (its
    decorators, its ``def`` line apart from the class's)} for the lines inside such a method of a
    class that binds nothing but its name."""
    found: dict[int, ast.FunctionDef] = {}
    for refusal, at in zip(refusals, holders, strict=True):
        node = units[at].definition
        if not isinstance(node, ast.ClassDef) or units[at].binds != {node.name}:
            continue
        for method in node.body:
            if isinstance(method, ast.FunctionDef):
                first, last = span(method)
                if first <= refusal.line <= last and method.lineno <= refusal.line and first > node.lineno:
                    found[refusal.line] = method
    return found


def _owner(method: ast.FunctionDef, units: list[Unit], holders: list[int], refusals: list[Refusal]) -> int:
    """The unit (a class statement) whose body holds ``method``."""
    return next(
        at
        for r, at in zip(refusals, holders, strict=True)
        if units[at].first <= method.lineno <= units[at].last
    )


def _calling(
    source: str,
    units: list[Unit],
    methods: set[ast.FunctionDef],
    exercises: Collection[str],
    clock: parsed.Clock | None,
) -> dict[str, set[ast.FunctionDef]] | None:
    """{exercise: the methods of ``methods`` its reachable code may call} (:mod:`subset_reach`),
    those that call some; None when the module's scopes cannot be read."""
    if not methods:
        return {}
    scopes = subset_readings.of(source, exercises)
    if scopes is None:
        return None
    reached = subset_reach.reached(scopes, units, sorted(exercises), clock, by_use=True)
    found = {e: {n for n in nodes if n in methods} for e, nodes in reached.items()}
    return {e: ms for e, ms in found.items() if ms}


def _stand_ins(source: str, units: list[Unit], methods: Collection[ast.FunctionDef] = ()) -> str:
    """``source`` with each of ``units`` replaced on its own lines (the line numbers kept), and
    each of ``methods`` (in classes not replaced) by a method that raises when called."""
    # its lines as the parser numbers them (a form feed or a line separator ends none, as
    # str.splitlines would have it)
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for method in methods:
        message = f"not run: its code is outside the graded subset (line {method.lineno})"
        text = (
            " " * method.col_offset
            + f"def {method.name}(*args, **kwargs): "
            + STAND_IN.format(message=message)
        )
        last = method.end_lineno or method.lineno
        lines[method.lineno - 1 : last] = [text] + [""] * (last - method.lineno)
    for unit in units:
        first, last = unit.first, unit.last
        message = f"not run: its code is outside the graded subset (line {first})"
        raise_it = STAND_IN.format(message=message)
        node = unit.definition
        if isinstance(node, ast.FunctionDef) or (isinstance(node, ast.ClassDef) and last == first):
            stand_in = [f"def {node.name}(*args, **kwargs): {raise_it}"]
        elif isinstance(node, ast.ClassDef):
            stand_in = [f"class {node.name}:", f"    def __init__(self, *args, **kwargs): {raise_it}"]
        else:
            stand_in = [" = ".join(sorted(unit.names)) + " = None" if unit.names else "pass"]
        lines[first - 1 : last] = stand_in + [""] * (last - first + 1 - len(stand_in))
    text = "\n".join(lines)
    return text if text.endswith("\n") else text + "\n"
