"""An exercise's reachable code: its definition and every piece of the learner's module it may
run, followed through the names it reads and the methods it calls (docs/engine.md, "Twins read
from the source"). The pieces are the module's top-level statements, a class cut into its shell
and each of its methods (:func:`grader.engine.subset.units.units_of`).
"""

from __future__ import annotations

import ast
import collections
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Protocol

from grader.base.i18n import N_
from grader.engine.sources import parsed
from grader.engine.subset.binds import Meaning
from grader.engine.subset.scopes import PLAIN_BASES, OwnClass, Scopes


class Unit(Protocol):
    """A top-level statement of the module (``grader.engine.subset.units.Unit``)."""

    nodes: list[ast.stmt]
    binds: set[str]  # the module-level names it binds

    @property
    def definition(self) -> ast.FunctionDef | ast.ClassDef | None: ...


_TICK = 512  # pieces between two looks at the clock


class Pieces:
    """The module cut in pieces, and what each reaches (:meth:`reached`)."""

    def __init__(
        self,
        scopes: Scopes,
        units: Sequence[Unit],
        clock: parsed.Clock | None = None,
        by_use: bool = False,
        apart: Collection[str] = (),
        contracts: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.scopes = scopes
        self.by_use = by_use  # a plain class made reaches its shell and special methods, not every method
        self.units = units  # grader.engine.subset.units.Unit, in line order
        self.clock = clock
        self.heads: list[ast.AST | None] = []  # piece -> a class statement whose shell it is
        self.roots: list[list[ast.AST]] = []  # piece -> the nodes it is made of (walked whole)
        self.of_unit: list[list[int]] = []  # unit -> its pieces (a class: shell first)
        self.method_piece: dict[ast.AST, int] = {}
        self.shell_of: dict[ast.AST, int] = {}  # a top-level class statement -> its shell
        self.binders: dict[str, list[int]] = collections.defaultdict(list)  # name -> units
        self.parents = parsed.parents(scopes.tree)
        self._edges: dict[int, set[int]] = {}
        for i, unit in enumerate(units):
            for name in unit.binds:
                self.binders[name].append(i)
            self.of_unit.append(self._cut(unit))
        self.apart = set(apart)
        # {function exercise of ``apart``: its stub's parameters}: its code is its own only through
        # a call passing those (an argument beyond them is the caller's own use of that code)
        self.contracts = {e: tuple(p) for e, p in (contracts or {}).items() if e in self.apart}
        # (what is called, how many arguments) -> the exercise of ``apart`` defined as that call
        self.forwards = {f: e for e in self.apart if (f := self._forwarded(e)) is not None}
        self._through: dict[int, dict[int, str]] = {}
        # piece -> the pieces it reaches by another exercise's name, not by its call: its own use
        self._claimed: dict[int, set[int]] = {}

    def _cut(self, unit: Unit) -> list[int]:
        node = unit.definition
        if not isinstance(node, ast.ClassDef):
            return [self._piece(list(unit.nodes))]
        methods = [s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
        shell: list[ast.AST] = [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
        shell += [s for s in node.body if s not in methods]
        pieces = [self._piece(shell, head=node)]
        self.shell_of[node] = pieces[0]
        for method in methods:
            self.method_piece[method] = self._piece([method])
            pieces.append(self.method_piece[method])
        return pieces

    def _piece(self, roots: list[ast.AST], head: ast.AST | None = None) -> int:
        self.heads.append(head)
        self.roots.append(roots)
        return len(self.roots) - 1

    def nodes(self, piece: int) -> Iterator[ast.AST]:
        head = self.heads[piece]
        if head is not None:
            yield head
        for root in self.roots[piece]:
            yield from parsed.walk(root)

    def _forwarded(self, exercise: str) -> tuple[str, int] | None:
        """(the callee, how many arguments) when ``exercise`` is defined as one call passing its
        parameters on unchanged (``def relu(x): return MyReLU.apply(x)``): the module's callee."""
        defs = [self.units[u].definition for u in self.binders.get(exercise, ())]  # the last one is it
        node = defs[-1] if defs and all(isinstance(d, ast.FunctionDef) for d in defs) else None
        if (
            not isinstance(node, ast.FunctionDef)
            or node.args.vararg
            or node.args.kwarg
            or node.args.kwonlyargs
        ):
            return None
        body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        call = body[0].value if len(body) == 1 and isinstance(body[0], ast.Return) else None
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        if not isinstance(call, ast.Call) or call.keywords or not self._module_callee(call.func):
            return None
        passed = [a.id if isinstance(a, ast.Name) else None for a in call.args]
        return (ast.dump(call.func), len(params)) if passed == params else None

    def _module_callee(self, func: ast.expr) -> bool:
        """``func`` is a module-level name or attributes of one (``MyReLU.apply``)."""
        while isinstance(func, ast.Attribute):
            func = func.value
        return isinstance(func, ast.Name) and self.scopes.module_level(func)

    def _forward_of(self, node: ast.AST) -> str | None:
        """The exercise of ``apart`` the call ``node`` is: one of :attr:`contracts` called by its
        name with its stub's parameters only, or made as an exercise's definition makes it."""
        if not isinstance(node, ast.Call) or not self._module_callee(node.func):
            return None
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            return None
        named = node.func.id if isinstance(node.func, ast.Name) else None
        if named in self.contracts:
            params = self.contracts[named]
            fits = len(node.args) <= len(params) and {k.arg for k in node.keywords} <= set(
                params[len(node.args) :]
            )
            return named if fits else None
        return None if node.keywords else self.forwards.get((ast.dump(node.func), len(node.args)))

    # -- what a piece reaches -----------------------------------------------------------------
    def through(self, piece: int) -> dict[int, str]:
        """{piece: exercise} reached by a call made as that exercise's definition makes it."""
        self.edges(piece)
        return self._through[piece]

    def edges(self, piece: int) -> set[int]:
        if piece not in self._edges:
            found: set[int] = set()
            calls = {id(n): e for n in self.nodes(piece) if (e := self._forward_of(n)) is not None}
            callees = {
                id(sub): calls[id(n)]
                for n in self.nodes(piece)
                if isinstance(n, ast.Call) and id(n) in calls
                for sub in parsed.walk(n.func)
            }
            self._through[piece], self._claimed[piece] = {}, set()
            for node in self.nodes(piece):
                if id(node) in callees and isinstance(node, ast.Name):
                    self._through[piece].update(dict.fromkeys(self._read(node), callees[id(node)]))
                elif id(node) in callees:
                    continue
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    found |= self._read(node)
                    if node.id in self.contracts:  # called otherwise, or held: the caller's own use
                        self._claimed[piece] |= self._read(node)
                elif isinstance(node, ast.Attribute):
                    found |= self._methods(node)
                elif isinstance(node, ast.Call) and _computed_name(node):
                    found |= {p for ps in self._all_methods() for p in ps}
            self._edges[piece] = found - {piece}
        return self._edges[piece]

    def _read(self, node: ast.Name) -> set[int]:
        """The pieces binding the module-level name ``node`` reads (none for a local's)."""
        if not self.scopes.module_level(node):
            return set()
        parent = self.parents.get(node)
        namespace = isinstance(parent, ast.Attribute) and parent.value is node
        found: set[int] = set()
        for unit in self.binders.get(node.id, ()):
            definition = self.units[unit].definition
            if (
                (namespace or self.by_use)
                and isinstance(definition, ast.ClassDef)
                and self._plain(definition)
            ):
                found.add(self.shell_of[definition])  # the methods named: _methods
                if not namespace:  # made or passed on: what Python calls of it unnamed
                    found |= self._special(definition)
            else:
                found.update(self.of_unit[unit])
        return found

    def _special(self, node: ast.ClassDef) -> set[int]:
        """The pieces of the dunder methods of ``node``'s family (``__init__``, ``__getitem__``...)."""
        own = self.scopes.classes.get(node)
        names = {n for c in self.scopes.classes for n in self.scopes.classes[c].methods} if own else set()
        dunders = {n for n in names if n.startswith("__") and n.endswith("__")}
        return {p for n in dunders for m in self._family_methods(node, n) for p in self._method_pieces(m)}

    def _plain(self, node: ast.ClassDef) -> bool:
        """A class of the learner's whose bases are plain (no library class calls its methods)."""
        own = self.scopes.classes.get(node)
        return own is not None and all(self._plain_base(m) for m in self._bases(own))

    def _plain_base(self, meaning: Meaning) -> bool:
        if meaning.kind == "class":
            node = meaning.node
            return not isinstance(node, ast.ClassDef) or node not in self.shell_of or self._plain(node)
        return (meaning.kind == "builtin" and meaning.path == "object") or meaning.path in PLAIN_BASES

    def _bases(self, own: OwnClass) -> set[Meaning]:
        return {m for base, where in own.bases for m in self.scopes.meanings(base, where)}

    def _methods(self, node: ast.Attribute) -> set[int]:
        """The learner's methods ``node`` may read."""
        found: set[int] = set()
        for receiver in self.scopes.meanings(node.value):
            if receiver.kind in ("class", "instance") and receiver.node in self.scopes.classes:
                for method in self._family_methods(receiver.node, node.attr):
                    found |= self._method_pieces(method)
            elif receiver.kind == "unknown" and not self.by_use:  # a charge's stand-in raises if reached
                for method in self.scopes.methods_named(node.attr):
                    found |= self._method_pieces(method)
        return found

    def _method_pieces(self, method: ast.AST) -> set[int]:
        piece = self.method_piece.get(method)
        if piece is None:  # a method of a class nested in another piece: read with it
            return set()
        cls = self.scopes.method_class.get(method)
        return {piece} | ({self.shell_of[cls]} if cls in self.shell_of else set())

    def _family_methods(self, node: ast.AST, attr: str) -> list[ast.AST]:
        """The methods named ``attr`` of the class ``node``, the learner's classes above it and below."""
        family = {node} | self._above(node) | {c for c in self.scopes.classes if node in self._above(c)}
        return [m for c in family for m in self.scopes.classes[c].methods.get(attr, [])]

    def _above(self, node: ast.AST, seen: frozenset[int] = frozenset()) -> set[ast.AST]:
        own = self.scopes.classes.get(node)
        if own is None or id(node) in seen:
            return set()
        found: set[ast.AST] = set()
        for base in self._bases(own):
            if base.kind == "class" and base.node is not None:
                found |= {base.node} | self._above(base.node, seen | {id(node)})
        return found

    def _all_methods(self) -> list[set[int]]:
        return [
            self._method_pieces(m)
            for own in self.scopes.classes.values()
            for ms in own.methods.values()
            for m in ms
        ]

    def _definition(self, exercise: str) -> set[int]:
        return {p for unit in self.binders.get(exercise, ()) for p in self.of_unit[unit]}

    def _walk(self, owners: dict[int, str], apart: dict[int, str]) -> None:
        """Fill ``owners`` (piece -> whose code it is, the start's given) with every piece they
        reach: a piece of another exercise's definition among ``apart``, or reached by a call made as
        that definition makes it, is that exercise's, and so is what it alone reaches; each piece is
        the first walker's to get there, own code first."""
        steps, waves = 0, [collections.deque(sorted(owners))]
        while waves:
            queue, later = waves.pop(0), list[tuple[int, str]]()
            while queue:
                steps += 1
                if self.clock is not None and steps % _TICK == 0:
                    self.clock.check(N_("the module's reachable code"))
                piece = queue.popleft()
                whose = {**self.through(piece), **dict.fromkeys(self.edges(piece), owners[piece])}
                claimed = self._claimed[piece]
                for other in sorted(whose.keys() - owners.keys()):
                    theirs = whose[other] if other in claimed else apart.get(other, whose[other])
                    if theirs == owners[piece]:
                        owners[other] = theirs
                        queue.append(other)
                    else:
                        later.append((other, theirs))
            fresh = {other: theirs for other, theirs in reversed(later) if other not in owners}
            owners.update(fresh)
            waves += [collections.deque(sorted(fresh))] if fresh else []

    def reached(self, exercise: str) -> tuple[list[ast.AST], dict[int, str]]:
        """Every node of ``exercise``'s reachable code, pieces in line order, and {id of a node it
        reaches only through another exercise of ``apart``'s definition: that exercise}."""
        apart_pieces = {p: e for e in self.apart if e != exercise for p in self._definition(e)}
        owners = dict.fromkeys(self._definition(exercise), exercise)
        self._walk(owners, apart_pieces)
        nodes = [(node, owners[piece]) for piece in sorted(owners) for node in self.nodes(piece)]
        return [n for n, _ in nodes], {id(n): e for n, e in nodes if e != exercise}


def _computed_name(call: ast.Call) -> bool:
    """``getattr(x, name)`` or ``hasattr`` with a name computed at run time."""
    return (
        isinstance(call.func, ast.Name)
        and call.func.id in ("getattr", "hasattr")
        and not (
            len(call.args) >= 2
            and isinstance(call.args[1], ast.Constant)
            and isinstance(call.args[1].value, str)
        )
    )


def reached(
    scopes: Scopes,
    units: Sequence[Unit],
    exercises: Collection[str],
    clock: parsed.Clock | None,
    by_use: bool = False,
) -> dict[str, list[ast.AST]]:
    """{exercise: the nodes of its reachable code} for each of ``exercises``; ``by_use``: a plain
    class of the learner's that is made or passed on reaches its special methods, and its other
    methods only where an attribute of it or its instance names them, not of a value the module
    cannot tell (what a refusal costs: ``subset_charge``; a method's stand-in raises if reached)."""
    pieces = Pieces(scopes, units, clock, by_use)
    return {e: pieces.reached(e)[0] for e in exercises}


def reached_apart(
    scopes: Scopes,
    units: Sequence[Unit],
    exercises: Collection[str],
    apart: Collection[str],
    clock: parsed.Clock,
    contracts: Mapping[str, Sequence[str]] | None = None,
) -> tuple[dict[str, list[ast.AST]], dict[str, dict[int, str]]]:
    """:func:`reached`, and for each exercise {id of a node it reaches only through the definition
    of another exercise among ``apart``: that exercise} (whose list judges that code)."""
    pieces = Pieces(scopes, units, clock, apart=apart, contracts=contracts)
    read = {e: pieces.reached(e) for e in exercises}
    return {e: nodes for e, (nodes, _) in read.items()}, {e: through for e, (_, through) in read.items()}
