"""The loop reader's data flow: from an exercise's inputs through every function, method, lambda and
file of the learner's it calls, to each place that iterates over them (docs/design.md, "Resolve, don't
match": loops by iteration; what is read and charged: docs/engine.md, "'Vectorised' read from the source").

Values only grow, so the reading is a fixed point reached by a work list: a function is read again
when something it read (a parameter, a callee's result, a field, a module-level name) grew.
"""

from __future__ import annotations

import ast
import collections
from collections.abc import Hashable, Iterable
from dataclasses import replace

from grader.base.i18n import N_, _
from grader.engine.loops.program import MODULE, Program, kind
from grader.engine.loops.values import (
    CONSTANT,
    DATA,
    RECURSION,
    Args,
    Carried,
    Func,
    Kwargs,
    NewReading,
    Node,
    Reading,
    func,
    join,
)
from grader.engine.sources import parsed
from grader.engine.subset.shapes import arguments

_TICK = 64  # readings between two looks at the clock
Finding = tuple[str, int, str, int]  # file, line, what, order of finding


class Flow:
    """One exercise's reading of ``program``: where its inputs are iterated over."""

    def __init__(self, program: Program, reader: NewReading, clock: parsed.Clock | None = None) -> None:
        self.program, self.reader, self.clock = program, reader, clock
        self.values: dict[Hashable, Carried] = {}
        self.readers: dict[Hashable, set[int]] = collections.defaultdict(set)
        self.funcs: dict[int, Func] = {}
        self.queue: collections.deque[int] = collections.deque()
        self.queued: set[int] = set()
        self.order = 0  # findings so far: a finding's place among those of a line
        self.findings: dict[int, list[Finding]] = {}
        self.switched: set[tuple[str, int, str]] = set()  # findings under a test of the data
        self.edges: dict[int, list[tuple[int, int, bool]]] = {}  # callee, line, guarded
        self.entries: set[int] = set()
        self.escaped: set[int] = set()
        self.current: Func | None = None
        self._scopes: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        self._globals: set[tuple[str, str]] = set()

    # the store

    def get(self, key: Hashable) -> Carried:
        if self.current is not None:
            self.readers[key].add(self.current.key)
        return self.values.get(key, CONSTANT)

    def write(self, key: Hashable, value: Carried) -> None:
        old = self.values.get(key, CONSTANT)
        new = join(old, value)
        if new != old:
            self.values[key] = new
            for reader in self.readers[key]:
                self._enqueue(reader)

    def _enqueue(self, key: int) -> None:
        if key not in self.queued:
            self.queued.add(key)
            self.queue.append(key)

    def reach(self, f: Func, params: dict[str, Carried]) -> None:
        """``f`` called with ``params``; a parameter with a default may hold the default too."""
        if f.key not in self.funcs:
            self.funcs[f.key] = f
            self._enqueue(f.key)
            reader = self.reader(self, None, f.file, escapes=False)  # where the definition stands
            for name, default in _defaults(f.node).items():
                self.write(("env", f.key, name), reader.expr(default))
        for name, value in params.items():
            self.write(("env", f.key, name), value)

    def run(self) -> None:
        steps = 0
        while self.queue:
            steps += 1
            if self.clock is not None and steps % _TICK == 0:
                self.clock.check(N_("the loops of an exercise"))
            f = self.funcs[self.queue.popleft()]
            self.queued.discard(f.key)
            self.findings[f.key], self.edges[f.key], self.current = [], [], f
            self.reader(self, f, f.file, escapes=f.cls != MODULE).read()
            self.current = None

    def found(self, f: Func | None, file: str, line: int, what: str, switched: bool = False) -> None:
        """A place ``f`` iterates over the data; ``switched``: under a test of the data."""
        if switched:
            self.switched.add((file, line, what))
        found = self.findings.setdefault(f.key if f else 0, [])
        if not any(x[:3] == (file, line, what) for x in found):
            self.order += 1
            found.append((file, line, what, self.order))

    # names

    def scope(self, f: Func) -> tuple[frozenset[str], frozenset[str]]:
        """The names ``f`` binds (its locals) and those it declares global."""
        if f.key not in self._scopes:
            self._scopes[f.key] = _scope(f.node)
        return self._scopes[f.key]

    def lookup(self, reader: Reading, name: str) -> Carried:
        f = reader.f
        if f is None or f.cls == MODULE or name in self.scope(f)[1]:
            return self.module_name(f.file if f else reader.file, name)
        scope: Func | None = f
        while scope is not None:
            if name in self.scope(scope)[0]:
                return self.get(("env", scope.key, name))
            scope = scope.outer
        return self.module_name(f.file, name)

    def bind(self, f: Func | None, file: str, name: str, value: Carried) -> None:
        if f is None or f.cls == MODULE or name in self.scope(f)[1]:
            self.write(("global", f.file if f else file, name), value)
            return
        scope: Func | None = f
        while scope is not None and name not in self.scope(scope)[0]:
            scope = scope.outer  # nonlocal
        key = ("env", scope.key, name) if scope else ("global", f.file, name)  # out[i] = v on a global
        self.write(key, value)

    def module_name(self, file: str, name: str) -> Carried:
        """A module-level name of ``file``: what it is bound to (a definition, an import, a
        builtin), what the file's module-level assignments give it (each read as a function,
        :data:`program.MODULE`) and what functions store in it (``global``)."""
        key = ("global", file, name)
        if (file, name) not in self._globals:
            self._globals.add((file, name))
            self.write(key, self.program.top(file, name)[0])
            for assignment in self.program.assignments.get(file, {}).get(name, []):
                self.reach(assignment, {})
        return self.get(key)

    def member(self, reader: Reading, owner: Carried, attr: str) -> Carried:
        """``owner.attr`` for the learner's files, classes and instances (fields by name)."""
        parts = [self.module_name(file, attr) for file in sorted(owner.modules)]
        for cls in sorted(owner.classes | owner.instances):
            bound = cls in owner.instances
            for method in self.program.methods(*cls).get(attr, []):
                if kind(method.node) == "property" and bound:
                    parts.append(self.call(reader, method, True, [], [], None))
                else:
                    parts.append(Carried(funcs=frozenset({(method, bound)})))
            parts.append(self.get(("field", attr)))
            reader = self.reader(self, None, cls[0], escapes=False)
            parts += [reader.expr(e) for e in self.program.class_assigned(*cls, attr)]
        return join(*parts)

    # calls

    def defined(self, reader: Reading, node: Node) -> Carried:
        """A function or lambda defined inside the one being read."""
        value = Carried(funcs=frozenset({(func(reader.file, node, "", reader.f), False)}))
        for decorator in reversed(getattr(node, "decorator_list", [])):
            value = reader.apply(reader.expr(decorator), None, [(value, False)], [], decorator)
        return value

    def call(
        self, reader: Reading, target: Func, bound: bool, args: Args, kwargs: Kwargs, node: ast.AST | None
    ) -> Carried:
        if reader.f is not None and node is not None:
            guards = reader.guards
            guarded = "clean" in guards and "data" not in guards and "try" not in guards
            self.edges.setdefault(reader.f.key, []).append((target.key, getattr(node, "lineno", 0), guarded))
        self.reach(target, _params(target, bound, args, kwargs))
        return self.get(("ret", target.key))

    def instantiate(
        self, reader: Reading, cls: tuple[str, str], args: Args, kwargs: Kwargs, node: ast.AST
    ) -> Carried:
        """``Cls(...)``: its ``__init__`` called; its operators and ``__call__`` may run on anything."""
        instance = Carried(instances=frozenset({cls}))
        for name, methods in self.program.methods(*cls).items():
            if name == "__init__":
                for method in methods:
                    self.call(reader, method, True, args, kwargs, node)
            elif name.startswith("__") or name == "forward":
                self.escape(Carried(funcs=frozenset((m, True) for m in methods)))
        return instance

    def escape(self, value: Carried) -> None:
        """Functions that leave as values: read with every parameter data."""
        for target, bound in value.funcs:
            if target.key not in self.escaped:
                self.escaped.add(target.key)
                self.reach(target, _params(target, bound, [(DATA, True)], [(None, DATA)]))

    def returns(self, f: Func, value: Carried) -> None:
        self.write(("ret", f.key), value)

    # what the exercise reached

    def enter(
        self,
        exercise: str,
        file: str,
        stated: tuple[int, frozenset[str]] | None = None,
        counts: frozenset[str] = frozenset(),
    ) -> None:
        """Read ``exercise`` of ``file`` with its parameters as the data: its functions (with
        their decorators, wherever they are defined: a helper file's too), its class's methods
        but ``__init__``, what a module-level assignment binds to its name. A parameter with a
        default that ``stated`` (the stub's: how many it passes by place, the names) leaves out
        keeps its default: a constant; one of ``counts`` (it counts dimensions, at most the
        rank) is one too, as ``x.dim()`` is."""
        value, assigned = self.program.top(file, exercise)
        entries = join(*(self.reader(self, None, file).expr(e) for e in assigned))
        for f, _bound in value.funcs:
            decorated, reader = Carried(funcs=frozenset({(f, False)})), self.reader(self, None, f.file)
            for decorator in reversed(getattr(f.node, "decorator_list", [])):
                decorated = reader.apply(reader.expr(decorator), None, [(decorated, False)], [], decorator)
            entries = join(entries, Carried(funcs=frozenset({(f, False)})))
            if stated is not None and not isinstance(f.node, ast.Lambda):
                self.escaped.add(f.key)  # called by the checks with the stub's parameters
                self.reach(f, _passed(f, *stated, counts))
        for cls in value.classes:
            methods = self.program.methods(*cls)
            mine = ((m, True) for name, ms in methods.items() if name != "__init__" for m in ms)
            entries = join(entries, Carried(funcs=frozenset(mine)))
        self.entries |= {f.key for f, _bound in entries.funcs}
        self.escape(entries)

    def recursion(self) -> Iterable[Finding]:
        """Each call inside a cycle of calls that no clean test guards."""
        cyclic = _cycles({k: [c for c, _, _ in e] for k, e in self.edges.items()})
        for caller, edges in self.edges.items():
            for callee, line, guarded in edges:
                if (
                    not guarded
                    and cyclic.get(caller) is not None
                    and cyclic.get(caller) == cyclic.get(callee)
                ):
                    f = self.funcs[caller]
                    yield f.file, line, _(RECURSION) % {"name": f.name}, 0

    def all_found(self) -> list[Finding]:
        mine = {k for k, f in self.funcs.items() if f.cls != MODULE}  # module-level code runs before the data
        found = [x for k, xs in self.findings.items() if k == 0 or k in mine for x in xs]
        return found + list(self.recursion())


def _params(target: Func, bound: bool, args: Args, kwargs: Kwargs) -> dict[str, Carried]:
    """What each parameter of ``target`` is bound to by a call with ``args`` and ``kwargs``."""
    node = target.node
    how = kind(node) if target.cls else "static"
    positional = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
    values: dict[str, Carried] = {}
    if how == "class" and positional:
        values[positional.pop(0)] = Carried(classes=frozenset({(target.file, target.cls)}))
    elif how in ("", "property") and bound and positional:
        values[positional.pop(0)] = Carried(instances=frozenset({(target.file, target.cls)}))
    open_ = [*positional, *(a.arg for a in node.args.kwonlyargs)]
    extra = _positional(values, positional, args)
    if node.args.vararg:  # a tuple of the extra arguments: as long as the call writes, unless unpacked
        joined = join(*(v.element() if s else v for v, s in extra))
        many = any(s and v.many for v, s in extra)
        values[node.args.vararg.arg] = replace(joined, fixed=not many)
    rest = [v if k else v.element() for k, v in kwargs if k is None or k not in open_]
    for key, value in kwargs:
        for name in open_ if key is None else {key} & set(open_):
            values[name] = join(values.get(name, CONSTANT), value)
    if node.args.kwarg:  # a dict of the extra keywords: as long as the call writes, unless unpacked
        many = any(k is None and v.many for k, v in kwargs)
        values[node.args.kwarg.arg] = replace(join(*rest), fixed=not many)
    return values


def _positional(values: dict[str, Carried], positional: list[str], args: Args) -> list[tuple[Carried, bool]]:
    """Bind ``args`` to the ``positional`` parameters left (in ``values``, taking them from the
    list); the arguments none takes, with whether each is unpacked."""
    extra: list[tuple[Carried, bool]] = []
    for value, starred in args:
        if starred:  # may fill any positional parameter left
            for name in positional:
                values[name] = join(values.get(name, CONSTANT), value.element())
            extra.append((value, True))
        elif positional:
            values[positional.pop(0)] = value
        else:
            extra.append((value, False))
    return extra


def _passed(
    f: Func, by_place: int, names: frozenset[str], counts: frozenset[str] = frozenset()
) -> dict[str, Carried]:
    """``f``'s parameters that the checks pass the data to: the first ``by_place`` positional
    ones, those of ``names``, and every one without a default; those of ``counts`` (a number of
    dimensions) as constants."""
    args = f.node.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    passed = set(positional[:by_place]) | set(names)
    everything = _params(f, False, [(DATA, True)], [(None, DATA)])
    return {
        k: Carried() if k in counts else v
        for k, v in everything.items()
        if k in passed or k not in _defaults(f.node)
    }


def _defaults(node: Node) -> dict[str, ast.expr]:
    """{parameter: its default} of ``node``."""
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
    return {a.arg: d for a, d in pairs}


def _scope(node: Node) -> tuple[frozenset[str], frozenset[str]]:
    """(the names ``node``'s body binds, those it declares global) without its inner scopes."""
    names = {a.arg for a in arguments(node.args)}
    declared: set[str] = set()
    stack: list[ast.AST] = [node.body] if isinstance(node, ast.Lambda) else list(node.body)
    while stack:
        here = stack.pop()
        if isinstance(here, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(here.name)
            continue
        if isinstance(here, ast.Lambda):
            continue
        if isinstance(here, ast.Name) and not isinstance(here.ctx, ast.Load):
            names.add(here.id)
        elif isinstance(here, (ast.Global, ast.Nonlocal)):
            (declared if isinstance(here, ast.Global) else set()).update(here.names)
            names.difference_update(here.names)
        elif isinstance(here, (ast.Import, ast.ImportFrom)):
            names |= {a.asname or a.name.split(".")[0] for a in here.names}
        elif isinstance(here, ast.ExceptHandler) and here.name:
            names.add(here.name)
        stack += ast.iter_child_nodes(here)
    return frozenset(names - declared), frozenset(declared)


def _cycles(graph: dict[int, list[int]]) -> dict[int, int]:
    """{node: its strongly connected component} for the nodes on a cycle (Kosaraju's: in reverse
    of the order :func:`_finished` gives, each node not yet placed and its ancestors not yet placed)."""
    parents: dict[int, list[int]] = collections.defaultdict(list)
    for node, targets in graph.items():
        for child in targets:
            parents[child].append(node)
    component: dict[int, int] = {}
    for root in reversed(_finished(graph)):
        stack = [root] if root not in component else []
        component.setdefault(root, root)
        while stack:
            for parent in parents[stack.pop()]:
                if parent not in component:
                    component[parent] = root
                    stack.append(parent)
    sizes = collections.Counter(component.values())
    return {n: c for n, c in component.items() if sizes[c] > 1 or n in graph.get(n, [])}


def _finished(graph: dict[int, list[int]]) -> list[int]:
    """The nodes of ``graph`` in the order a depth-first walk finishes them (iteratively)."""
    finished: list[int] = []
    seen: set[int] = set()
    for root in graph:
        if root in seen:
            continue
        seen.add(root)
        work = [(root, iter(graph.get(root, [])))]
        while work:
            node, children = work[-1]
            child = next((c for c in children if c not in seen), None)
            if child is None:
                finished.append(work.pop()[0])
            else:
                seen.add(child)
                work.append((child, iter(graph.get(child, []))))
    return finished
