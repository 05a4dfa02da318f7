"""What the subset check (:mod:`grader.engine.subset.check`) knows of a module and of the place
it stands while it walks: the module's names, read in a first pass (:class:`Facts`), and the
scopes around a node with the questions its checks ask of them (:class:`Place`: inside a plain
method, ``super`` spelt out, a class only named or compared)."""

from __future__ import annotations

import ast
import enum
import sys
from collections import Counter
from collections.abc import Callable

from grader.engine.sources import parsed
from grader.engine.subset import rules
from grader.engine.subset.binds import arguments
from grader.engine.subset.refusal import Refusal
from grader.engine.subset.shapes import binds, bound_imports, dotted_name, handed_on, named, plain_names


class Facts:
    """What the first pass learns: imported names, names the module binds, its classes' methods."""

    def __init__(self, tree: ast.Module, local: dict[str, frozenset[str]]) -> None:
        self.imported = bound_imports(tree)  # bound name -> dotted name
        self.modules: set[str] = set()  # names bound by `import x`
        self.bound: set[str] = set()
        self.bindings: Counter[str] = Counter()  # how many times each name is bound, in any scope
        self.classes: set[str] = set()
        self.methods: set[str] = set()
        self.local = local
        self.parents = parsed.parents(tree)
        self.self_functions = {  # module-level functions whose first parameter is self
            n.name
            for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.args.args
            and n.args.args[0].arg == "self"
        }
        binders: list[ast.AST] = []  # class statements and assignments: what _class_makers and _openers read
        loads: list[ast.Name] = []
        for node in parsed.nodes(tree):
            if isinstance(node, (ast.ClassDef, ast.Assign, ast.AnnAssign, ast.NamedExpr)):
                binders.append(node)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                loads.append(node)
            if isinstance(node, ast.Import):
                self.modules |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ClassDef):
                self.classes.add(node.name)
                self.methods |= {
                    n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                }
            if name := binds(node):
                self.bind(name)
        self.bindings.update(self.imported.keys())
        self.bound -= set(self.imported)
        self.foreign_makers = {m for m in local if "." in m}  # the submission's other modules' makers
        self.class_makers = _class_makers(binders, self.imported, self.makes)
        self.openers = _openers(binders, loads, self.imported, self.parents)

    def makes(self, dotted: str | None) -> bool:
        """``dotted`` names a class maker: a library's, or one another module of the submission
        defines (``local``'s ``module.Name`` entries; a package's by its top-level name)."""
        top, name = (dotted or "").split(".")[0], (dotted or "").rsplit(".", 1)[-1]
        return dotted in rules.class_makers() or f"{top}.{name}" in self.foreign_makers

    def bind(self, name: str) -> None:
        self.bound.add(name)
        self.bindings[name] += 1


def falls_back(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """``node`` stands in a ``try`` body whose handlers catch ImportError, in its own scope: where a
    relative import cannot resolve (a file beside the topic's, in no package) it raises that, and the
    handler's import runs (``try: from .kit import f`` / ``except ImportError: from kit import f``)."""
    child, parent = node, parents.get(node)
    while parent is not None and not isinstance(
        parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    ):
        if isinstance(parent, ast.Try) and child in parent.body:
            if any(_catches_import_error(handler.type) for handler in parent.handlers):
                return True
        child, parent = parent, parents.get(parent)
    return False


def _catches_import_error(caught: ast.expr | None) -> bool:
    if isinstance(caught, ast.Tuple):
        return any(map(_catches_import_error, caught.elts))
    return caught is None or (isinstance(caught, ast.Name) and caught.id in _IMPORT_ERROR_CATCHERS)


_IMPORT_ERROR_CATCHERS = frozenset({"ImportError", "Exception", "BaseException"})


def an_open(node: ast.expr, imported: dict[str, str]) -> bool:
    """``open``, or a module's function named open (``gzip.open``), or a choice among them."""
    if isinstance(node, ast.IfExp):
        return an_open(node.body, imported) and an_open(node.orelse, imported)
    if isinstance(node, ast.Name) and node.id == "open":
        return True
    dotted = dotted_name(node, imported)
    return dotted is not None and dotted.rsplit(".", 1)[-1] == "open"


def _openers(
    binders: list[ast.AST], loads: list[ast.Name], imported: dict[str, str], parents: dict[ast.AST, ast.AST]
) -> frozenset[str]:
    """Names bound to an open function (:func:`an_open`) and only ever called (``loads``: every name
    the module reads): each call of one is read as a call of open (``opener = gzip.open if packed
    else open``)."""
    bound = {
        t.id
        for n in binders
        if isinstance(n, ast.Assign) and an_open(n.value, imported)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    read = [n for n in loads if n.id in bound]
    handed = {n.id for n in read if not (isinstance(call := parents.get(n), ast.Call) and call.func is n)}
    return frozenset(bound - handed)


def _class_makers(
    binders: list[ast.AST], imported: dict[str, str], makes: Callable[[str | None], bool]
) -> set[str]:
    """The learner's names for a class maker (``rules.class_makers``): a class statement over one,
    a name assigned one (``binders``: the module's class statements and assignments), read until
    nothing is added (in any order of the module)."""
    makers: set[str] = set()
    enums: set[str] = set()  # the makers that are enum classes (a metaclass is none)

    def maker(node: ast.expr | None) -> bool:
        if isinstance(node, ast.Name) and node.id in makers:
            return True
        return node is not None and makes(dotted_name(node, imported))

    def an_enum(node: ast.expr) -> bool:
        module, _, name = (dotted := dotted_name(node, imported) or "").rpartition(".")
        library = isinstance(getattr(sys.modules.get(module), name, None), enum.EnumMeta) and makes(dotted)
        return library or (isinstance(node, ast.Name) and node.id in enums)

    grown = True
    while grown:
        before = len(makers)
        for node in binders:
            if isinstance(node, ast.ClassDef) and any(maker(base) for base in node.bases):
                enum_class = all(an_enum(b) for b in node.bases if maker(b))
                makers |= set() if enum_class and _enum_members(node) else {node.name}
                enums |= {node.name} if enum_class and not _enum_members(node) else set()
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and maker(node.value):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                makers |= {t.id for t in targets if isinstance(t, ast.Name)}
        grown = len(makers) > before
    return makers


def _enum_members(node: ast.ClassDef) -> bool:
    """The class statement defines an enum member (a public name bound to a constant, no name
    bound with an underscore: no ``_ignore_``): Python refuses to extend such an enum, so calling
    it with names makes no class (``cannot extend``), and it is no class maker."""
    plain = (ast.Assign, ast.AnnAssign, ast.FunctionDef, ast.Expr, ast.Pass)
    stores = [t for s in node.body if isinstance(s, ast.Assign) for t in s.targets]
    stores += [s.target for s in node.body if isinstance(s, ast.AnnAssign)]
    if any(not isinstance(s, plain) for s in node.body) or any(
        not isinstance(t, ast.Name) or t.id.startswith("_") for t in stores
    ):
        return False
    return any(isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant) for s in node.body)


class Place(ast.NodeVisitor):
    """The checker's state while it walks (what it refused, the scopes it is in), and what its
    checks ask of the place a node stands."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.found: list[Refusal] = []
        self.scopes: list[ast.AST] = []  # enclosing classes and functions
        self.scope_names: dict[ast.AST, tuple[frozenset[str], frozenset[str]]] = {}  # _names_of's
        self.own_dict_line = 0  # a line that reads self.__dict__ or vars(self), if any
        self.unbound: list[Refusal] = []  # methods of the module's classes read off a class
        self.resolved: set[int] = set()  # ids of modules read by a computed getattr (guarded in the worker)
        self.placed: set[int] = set()  # ids of a class statement's metaclass, of a decorator (rules.placed)

    def refuse(self, node: ast.AST, what: str, instead: str) -> None:
        self.found.append(Refusal(getattr(node, "lineno", 0), what, instead))

    def in_method(self) -> bool:
        """Inside a plain method whose first parameter is ``self``."""
        if len(self.scopes) < 2 or not isinstance(self.scopes[-2], ast.ClassDef):
            return False
        function = self.scopes[-1]
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not function.args.args:
            return False
        plain = not any(
            isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod")
            for d in function.decorator_list
        )
        return plain and function.args.args[0].arg == "self"

    def plain_super(self, call: ast.Call) -> bool:
        """``super()``, or what it means spelt out: ``super(Cls, self)`` in a plain method of the
        class statement ``Cls`` (bound once: by that statement), ``self`` its first parameter."""
        if not call.args and not call.keywords:
            return True
        if call.keywords or len(call.args) != 2 or not self.in_method():
            return False
        owner, bound = call.args
        cls, method = self.scopes[-2], self.scopes[-1]
        assert isinstance(cls, ast.ClassDef) and isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef))
        return (
            isinstance(owner, ast.Name)
            and isinstance(bound, ast.Name)
            and owner.id == cls.name
            and self.facts.bindings[cls.name] == 1
            and bound.id == method.args.args[0].arg
        )

    def class_named_only(self, node: ast.expr, owner: ast.expr, following: str | None) -> bool:
        """The class of a value (``type(x)``, ``x.__class__``) may be named or compared, never used
        (``type(x)(t)`` would wrap a result in a class the grader gave): ``self``'s in a method may."""
        if isinstance(owner, ast.Name) and owner.id == "self" and self.in_method():
            return True
        if following is not None:
            return following in rules.DUNDER_SET
        parent = self.facts.parents.get(node)
        if isinstance(parent, ast.Attribute):
            return parent.attr in rules.DUNDER_SET
        compared = isinstance(parent, ast.Compare)
        checked = (
            isinstance(parent, ast.Call)
            and node in parent.args
            and named(parent.func, "isinstance", "issubclass")
        )
        return compared or checked

    def bound_as_opener(self, node: ast.expr) -> bool:
        """``node`` the value (or a choice of the value) bound to names that are openers only."""
        child, parent = node, self.facts.parents.get(node)
        while isinstance(parent, ast.IfExp) and child is not parent.test:
            child, parent = parent, self.facts.parents.get(parent)
        return (
            isinstance(parent, ast.Assign)
            and parent.value is child
            and all(isinstance(t, ast.Name) and t.id in self.facts.openers for t in parent.targets)
        )

    def a_parameter(self, node: ast.Name) -> bool:
        """``node`` read in a function's body where it denotes a parameter of that function or of
        an enclosing one (a builtin's name bound there is that parameter, not the builtin); a
        default, an annotation or a decorator is read outside, and ``global`` unbinds it."""
        for scope in reversed(self.scopes):
            if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) or not self._in_body(
                node, scope
            ):
                continue
            parameters, declared = self._names_of(scope)
            if node.id in declared:
                return False
            if node.id in parameters:
                return True
        return False

    def _names_of(
        self, scope: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> tuple[frozenset[str], frozenset[str]]:
        """A function's parameters, and the names it (or a function inside it) declares global or nonlocal."""
        if scope not in self.scope_names:
            declared = (n.names for n in ast.walk(scope) if isinstance(n, (ast.Global, ast.Nonlocal)))
            self.scope_names[scope] = (
                frozenset(a.arg for a in arguments(scope.args)),
                frozenset(name for names in declared for name in names),
            )
        return self.scope_names[scope]

    def _in_body(self, node: ast.AST, scope: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        child, parent = node, self.facts.parents.get(node)
        while parent is not None and parent is not scope:
            child, parent = parent, self.facts.parents.get(parent)
        return parent is scope and child in scope.body

    def calls_a_class_maker(self, call: ast.Call) -> bool:
        """A class maker (``rules.class_makers``, or the learner's name for one) called with names
        not written out plainly (enum's functional API), or as a metaclass (name, bases, namespace)."""
        func = call.func
        if not (
            (isinstance(func, ast.Name) and func.id in self.facts.class_makers)
            or self.facts.makes(dotted_name(func, self.facts.imported))
        ):
            return False
        names = [*call.args[1:], *(k.value for k in call.keywords if k.arg == "names")]
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return True
        return len(call.args) > 2 or not all(plain_names(n) for n in names)

    def maker_handed_on(self, node: ast.expr, dotted: str | None) -> bool:
        """A class maker, a library's or the learner's own (an enum class of theirs), handed on as
        a value, where no call of it is read: whatever name receives it (a parameter, a default,
        a container's item) could call it with names. A class statement's base is not handed on
        (the class it makes is the learner's own), nor the learner's read by a member or iterated."""
        parent = self.facts.parents.get(node)
        based = isinstance(parent, ast.ClassDef) and node in parent.bases
        read = (isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is node) or (
            isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node
        )
        own = isinstance(node, ast.Name) and node.id in self.facts.class_makers and not read
        maker = own or self.facts.makes(dotted)
        return maker and not based and handed_on(node, self.facts.parents)
