"""One module's source against the allow-list of :mod:`grader.engine.subset.rules`: where it leaves
the graded subset (:mod:`grader.engine.subset.submission` says why). Two passes over the tree parsed
once: the names the module imports, binds and defines, then every import, name, call, definition."""

from __future__ import annotations

import ast
import builtins
import functools

from grader.base.i18n import N_
from grader.engine.sources import parsed
from grader.engine.subset import rules
from grader.engine.subset.aliases import aliases
from grader.engine.subset.facts import Facts, Place, falls_back
from grader.engine.subset.names import MEMBERS_INSTEAD, member_problem, missing_module, not_installed
from grader.engine.subset.refusal import Refusal
from grader.engine.subset.shapes import (
    arguments,
    chain,
    dotted_name,
    dunder,
    first_is_self,
    format_path,
    handed_on,
    holds_refused,
    makes_a_class,
    named,
    reaches_class,
    writes_a_file,
)
from grader.sandboxed import subset_members as members

CLASS_INSTEAD = N_(
    "compare with isinstance; make tensors on x's device with x.new_tensor(...) or device=x.device"
)
INSTALL = N_("define the function in its own file, and import it where you use it")
# a module held as a value: templates whose {0} the learner's language keeps (grader.base.i18n.text)
MODULE_AS_VALUE = N_("the module {0} as a value")
WRITE_WHERE_USED = N_("write {0} where you use it")
MAKE_A_CLASS = N_("write a class statement, and call your class by its name")
CALLED_ONLY = N_("call {0}(...) where you use it, with its arguments written out")
PASSED_AROUND = N_("{0} passed around")
BY_ITS_NAME = N_("import {0} by its name")
NAMES_YOU_USE = N_("import the names you use: from {0} import a, b")
CHANGES_A_MODULE = N_("{0} = ... (changes a module for every caller)")
KEEP_THE_VALUE = N_("keep the value in a variable of your own")
METHOD_SET = N_("setting a method or property on an object"), N_("define it in your class statement")


class _Check(Place):
    # imports
    def missing(self, node: ast.stmt, module: str) -> bool:
        top = module.split(".")[0]
        if top in self.facts.local or not missing_module(top):
            return False
        instead, missing = not_installed(top, self.facts.local)
        self.found.append(Refusal(node.lineno, f"import {module}", instead, missing=missing))
        return True

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.stored(ast.Name(alias.asname or "", lineno=node.lineno))  # as an assignment (__package__)
            if alias.name.split(".")[0] in self.facts.local or self.missing(node, alias.name):
                continue
            if alias.name in rules.LISTED or alias.name in rules.REFUSED_PARENTS:
                continue  # torch.func: its members by their full names (visit_Name refuses it as a value)
            if problem := member_problem(alias.name):
                what = N_("import {0} ({1})").format(alias.name, problem[0])
                self.refuse(node, what, _members_instead(alias.name, problem[1]))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:  # in no package it reaches nothing: it raises ImportError, handled where it falls back
            if not falls_back(node, self.facts.parents):
                self.refuse(node, N_("a relative import"), BY_ITS_NAME.format(module or N_("the file")))
            return
        if self.missing(node, module):
            return
        for alias in node.names:
            self.stored(ast.Name(alias.asname or alias.name, lineno=node.lineno))
            if alias.name == "*":
                self.refuse(node, f"from {module} import *", NAMES_YOU_USE.format(module))
            elif f"{module}.{alias.name}" in rules.placed().keys() | rules.REFUSED_PARENTS:
                continue  # its uses are checked where they stand (visit_Name)
            elif module.split(".")[0] not in self.facts.local and (
                problem := member_problem(f"{module}.{alias.name}")
            ):
                instead = _members_instead(f"{module}.{alias.name}", problem[1])
                what = N_("from {0} import {1} ({2})").format(module, alias.name, problem[0])
                self.refuse(node, what, instead)

    # names and attributes
    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.stored(node)
            return
        problem = self.name_problem(node)
        if problem is None and node.id not in self.facts.bound and node.id not in self.facts.imported:
            problem = _unbound_problem(node.id)
        if problem is not None:
            self.refuse(node, *problem)

    def name_problem(self, node: ast.Name) -> tuple[str, str] | None:
        """(what, instead) where a name read is a module, a builtin or class handed on, or misplaced."""
        name, facts = node.id, self.facts
        if name in facts.modules or (name in facts.imported and holds_refused(facts.imported[name])):
            if id(node) in self.resolved or self.a_parameter(node):  # dropout's training= beside training.py
                return None
            return MODULE_AS_VALUE.format(name), _where_used(name, facts.imported.get(name))
        builtin = name in rules.BUILTINS_REFUSED or name in rules.CALLED_ONLY or name == "type"
        if builtin and name not in facts.imported and self.a_parameter(node):
            return None  # the function's parameter, whatever builtin shares its name
        if name in rules.BUILTINS_REFUSED and not (name in rules.SHADOWABLE and name in facts.bound):
            return f"{name}", rules.BUILTINS_REFUSED[name]  # a binding may be in another scope
        ruled = facts.imported.get(name, name)
        called_only = (ruled in rules.CALLED_ONLY or ruled.endswith(".open")) and not self.bound_as_opener(
            node
        )
        if (called_only and handed_on(node, facts.parents)) or self.maker_handed_on(node, ruled):
            return PASSED_AROUND.format(name), CALLED_ONLY.format(name)
        if name == "type" and name not in facts.bound and handed_on(node, self.facts.parents):
            return PASSED_AROUND.format(name), N_("call type(x) where you use it, or compare with isinstance")
        return self.misplaced(node, name, facts.imported.get(name, ""))

    def misplaced(self, node: ast.expr, written: str, dotted: str) -> tuple[str, str] | None:
        """(what, instead) where a member allowed in one place (``rules.placed``) stands elsewhere."""
        what, instead = rules.PLACED.get(rules.placed().get(dotted, ""), ("", ""))
        return None if not what or id(node) in self.placed else (what.format(written), instead)

    def stored(self, node: ast.Name) -> None:
        if node.id == "self":
            self.refuse(node, N_("assigning to self"), N_("use another name for the new value"))
            return
        in_class = bool(self.scopes) and isinstance(self.scopes[-1], ast.ClassDef)
        if (
            dunder(node.id)
            and node.id not in rules.DUNDER_ASSIGN
            and not (in_class and node.id in rules.DUNDER_DEFINE | rules.DUNDER_OWN)
        ):
            self.refuse(
                node, N_("assigning {0}").format(node.id), N_("choose a name without double underscores")
            )

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.attribute(node, None)

    def attribute(self, node: ast.Attribute, call: ast.Call | None) -> None:
        root, attrs = chain(node)
        store = isinstance(node.ctx, (ast.Store, ast.Del))
        imported = self.facts.imported.get(root.id) if isinstance(root, ast.Name) else None
        if imported is not None and imported.split(".")[0] in self.facts.local:
            self.local_attribute(node, imported, attrs, call)
            return
        if imported is not None:
            dotted = ".".join([imported, *attrs])
            on_self = call is not None and first_is_self(call)
            problem = None if (on_self and attrs[-1] in rules.DUNDER_DEFINE) else member_problem(dotted)
            if dotted in rules.placed():
                problem = self.misplaced(node, dotted, dotted)
            if problem is None and store and dotted not in rules.SETTINGS:
                problem = (CHANGES_A_MODULE.format(dotted), KEEP_THE_VALUE)
            if problem is None and call is None:
                problem = self.value_problem(node, dotted)
            if problem:
                self.refuse(node, problem[0], problem[1])
            return
        self.visit(root)
        self.evaluated(node, root, attrs, call)
        for at in range(len(attrs)):
            self.one_attribute(node, root, attrs, at, call)
        if store and dunder(attrs[-1]) and attrs[-1] not in rules.DUNDER_SET:
            instead = N_("set your own attributes (a wrapper's __name__ is fine)")
            self.refuse(node, N_("setting .{0}").format(attrs[-1]), instead)
        if store and isinstance(root, ast.Call) and named(root.func, "type"):
            self.refuse(node, N_("assigning to an attribute of type(...)"), N_("assign to your own objects"))

    def value_problem(self, node: ast.Attribute, dotted: str) -> tuple[str, str] | None:
        """(what, instead) where ``node`` hands on a module (``dotted``) or a member allowed only
        called where it stands (``rules.CALLED_ONLY``, ``.open``): no rule sees its arguments."""
        if self.module_value(node, dotted):
            return MODULE_AS_VALUE.format(dotted), WRITE_WHERE_USED.format(f"{dotted}.<member>")
        written_out = node.attr == "open" or node.attr in rules.WRITTEN_OUT
        called_only = (dotted in rules.CALLED_ONLY or written_out) and not self.bound_as_opener(node)
        if (called_only and handed_on(node, self.facts.parents)) or self.maker_handed_on(node, dotted):
            return PASSED_AROUND.format(dotted or ".open"), CALLED_ONLY.format(dotted or ".open")
        return None

    def evaluated(self, node: ast.Attribute, root: ast.expr, attrs: list[str], call: ast.Call | None) -> None:
        """A format method on no literal of plain fields (``rules.FORMATS``); ``.open`` handed on."""
        for at, attr in enumerate(attrs):
            if attr in rules.FORMATS and (path := format_path(root if at == 0 else None)):
                self.refuse(node, N_("str.{0} of {1}").format(attr, path), N_("format the values themselves"))
        if call is None and (problem := self.value_problem(node, "")):
            self.refuse(node, *problem)

    def module_value(self, node: ast.Attribute, dotted: str) -> bool:
        """``dotted`` names a module, and ``node`` hands it on as a value (not followed by an
        attribute, not the target of a guarded getattr)."""
        if dotted not in members.modules() or id(node) in self.resolved:
            return False
        parent = self.facts.parents.get(node)
        return not (isinstance(parent, ast.Attribute) and parent.value is node)

    def local_attribute(
        self, node: ast.Attribute, imported: str, attrs: list[str], call: ast.Call | None
    ) -> None:
        """``helper.f.x``: a member of another file of the submission (checked on its own), never
        a name that file imports (``helper.torch.library``)."""
        module, *members = imported.split(".")
        members += attrs
        if outside := [m for m in members if m in self.facts.local[module]]:  # pkg.core.torch too
            self.refuse(node, f"{module}.{outside[0]}", N_("import {0} yourself").format(outside[0]))
        if members and isinstance(node.ctx, (ast.Store, ast.Del)):  # a helper installing an exercise
            self.refuse(node, CHANGES_A_MODULE.format(".".join([module, *members])), INSTALL)
        for at in range(1, len(members)):
            self.one_attribute(node, ast.Name(module), members, at, call)

    def one_attribute(
        self, node: ast.expr, root: ast.expr, attrs: list[str], at: int, call: ast.Call | None
    ) -> None:
        attr, last = attrs[at], at == len(attrs) - 1
        if attr in rules.FRAME_ATTRIBUTES:
            self.refuse(node, f".{attr}", N_("pass values as arguments"))
        elif attr in rules.VALUE_METHODS:
            self.refuse(node, f".{attr}", rules.VALUE_METHODS[attr])
        elif attr == "__dict__" and at == 0 and named(root, "self") and self.in_method():
            self.own_dict_line = self.own_dict_line or node.lineno
        elif (
            dunder(attr)
            and attr not in rules.DUNDER_READ
            and not (attr in rules.DUNDER_DEFINE and attr != "__init__")
        ):
            on_super = (
                at == 0
                and isinstance(root, ast.Call)
                and isinstance(root.func, ast.Name)
                and root.func.id == "super"
            )
            called = last and call is not None and attr in rules.DUNDER_DEFINE | rules.DUNDER_OWN
            if attr in rules.DUNDER_OWN:  # only super() bound to self: super(), super(Cls, self)
                on_super = on_super and isinstance(root, ast.Call) and self.plain_super(root)
            on_self = attr not in rules.DUNDER_OWN and first_is_self(call)
            if not (called and (on_super or on_self)):
                instead = (
                    N_("call super().{0}(...) in your class").format(attr) if attr in rules.DUNDER_OWN else ""
                )
                self.refuse(
                    node,
                    f".{attr}",
                    instead or N_("use the object's public methods (super().__init__() is fine)"),
                )
        if attr == "__class__" and not self.class_named_only(
            node, root if at == 0 else node, None if last else attrs[at + 1]
        ):
            self.refuse(node, N_("the class of a value used as a value"), CLASS_INSTEAD)
        reached = reaches_class(root, self.facts.classes) if at == 0 else attrs[at - 1] == "__class__"
        if attr in self.facts.methods and reached:
            if not (last and call is not None and first_is_self(call) and self.in_method()):
                what = N_("a method read off its class (.{0})").format(attr)
                self.unbound.append(Refusal(node.lineno, what, N_("call it on an instance")))

    # calls
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in (rules.BY_NAME | {"vars"}):
            self.by_name(node, func.id)  # the builtin, even where a name is bound in another scope
        elif isinstance(func, ast.Attribute):
            self.attribute(func, node)
        else:
            self.visit(func)
        if (
            named(func, "type")
            and len(node.args) == 1
            and not self.class_named_only(node, node.args[0], None)
        ):
            self.refuse(node, N_("type(...) used as a value"), CLASS_INSTEAD)
        if makes_a_class(node) or self.calls_a_class_maker(node):
            self.refuse(node, N_("making a class from a namespace"), MAKE_A_CLASS)
        if writes_a_file(node, self.facts.imported, self.facts.openers):
            self.refuse(
                node,
                N_("opening a file for writing"),
                N_("graded code reads files (open(path) or open(path, 'rb')) and returns its results"),
            )
        dotted = dotted_name(func, self.facts.imported)
        if dotted in rules.ARITY and len(node.args) + len(node.keywords) > rules.ARITY[dotted]:
            what = N_("{0} with more than {1} argument").format(dotted, rules.ARITY[dotted])
            self.refuse(node, what, N_("pass only the function"))
        self.keywords(node)
        if dotted in rules.POSITIONAL and (
            len(node.args) > rules.POSITIONAL[dotted][0]
            or any(k.arg is None for k in node.keywords)
            or any(isinstance(a, ast.Starred) for a in node.args)
        ):
            what = N_("{0} with more than {1} positional arguments or **")
            self.refuse(node, what.format(dotted, rules.POSITIONAL[dotted][0]), rules.POSITIONAL[dotted][1])
        for arg in [*node.args, *node.keywords]:
            self.visit(arg)

    def keywords(self, node: ast.Call) -> None:
        method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if method in rules.WRITTEN_OUT and any(k.arg is None for k in node.keywords):
            self.refuse(
                node, f".{method}(**kwargs)", N_("write the keywords of .{0}(...) out").format(method)
            )
        for keyword in node.keywords:
            if keyword.arg in rules.KEYWORDS:
                self.refuse(node, f"{keyword.arg}=", rules.KEYWORDS[keyword.arg])
            elif keyword.arg in rules.LITERAL_KEYWORDS:
                value, instead = rules.LITERAL_KEYWORDS[keyword.arg]
                if not (isinstance(keyword.value, ast.Constant) and keyword.value.value == value):
                    self.refuse(node, N_("{0}= other than {1}").format(keyword.arg, value), instead)

    def by_name(self, node: ast.Call, name: str) -> None:
        if name == "vars":
            own = [isinstance(a, ast.Name) and a.id == "self" for a in node.args] == [True]
            if own and self.in_method():
                self.own_dict_line = self.own_dict_line or node.lineno
            else:
                what = N_("vars(...) of anything but self in a method")
                self.refuse(node, what, N_("read the attributes you need by name"))
            return
        target = node.args[0] if node.args else None
        text = node.args[1] if len(node.args) > 1 else None
        literal = isinstance(text, ast.Constant) and isinstance(text.value, str)
        plain = not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)
        if target is None or text is None or not plain or not (literal or name in rules.COMPUTED_NAME):
            self.refuse(
                node,
                N_("{0}(...) with a name computed at run time").format(name),
                N_('write obj.attribute or {0}(obj, "attribute")').format(name),
            )
            return
        if name == "setattr" and len(node.args) > 2 and self.is_method(node.args[2]):
            self.refuse(node, *METHOD_SET)
        if not literal:  # the worker's guarded builtin checks the name against the same lists
            self.computed_name(node, name, target, text)
        elif name != "hasattr":  # a bool is all hasattr gives
            assert isinstance(text, ast.Constant)
            probe = ast.Attribute(
                target, str(text.value), ast.Store() if name != "getattr" else ast.Load(), lineno=node.lineno
            )
            self.attribute(probe, None)
        else:
            self.computed_name(node, name, target, None)
        for arg in node.args[2:]:
            self.visit(arg)

    def computed_name(self, node: ast.Call, name: str, target: ast.expr, text: ast.expr | None) -> None:
        """``getattr(F, name)``, ``setattr(self, f"fc{i}", ...)``: a module may be read this way
        (the worker resolves the name to the snapshot's allowed members), never changed."""
        dotted = dotted_name(target, self.facts.imported)
        module = (isinstance(target, ast.Name) and target.id in self.facts.modules) or (
            dotted is not None and dotted in members.modules()
        )
        if module and name == "setattr":
            self.refuse(node, N_("setattr on the module {0}").format(dotted), KEEP_THE_VALUE)
        if module:
            self.resolved.add(id(target))
        self.visit(target)
        if text is not None:
            self.visit(text)

    # definitions
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        in_class = bool(self.scopes) and isinstance(self.scopes[-1], ast.ClassDef)
        if dunder(node.name) and not (in_class and node.name in rules.DUNDER_DEFINE | rules.DUNDER_OWN):
            self.refuse(
                node,
                N_("defining {0}").format(node.name),
                N_(
                    "define only the special methods an exercise needs (__init__, __call__, __repr__, __add__...)"
                ),
            )
        for annotation in [*(a.annotation for a in arguments(node.args)), node.returns]:
            self.annotation(annotation)
        self.decorators(node)
        self.scopes.append(node)
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def decorators(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        """Mark where a definition's decorators and a class's metaclass stand (rules.placed)."""
        found = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
        found += [k.value for k in getattr(node, "keywords", []) if k.arg == "metaclass"]
        self.placed |= {id(place) for place in found}

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.decorators(node)
        self.scopes.append(node)
        self.generic_visit(node)
        self.scopes.pop()

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Attribute) for t in node.targets) and self.is_method(node.value):
            self.refuse(node, *METHOD_SET)
        self.generic_visit(node)

    def is_method(self, value: ast.expr | None) -> bool:
        """A method-shaped value (``property(...)``, ``lambda self: ...``, a module-level function
        whose first parameter is self): stored on a class (torch.Tensor passed in), it changes
        what every tensor does, the probes' included."""
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            return value.func.id in ("property", "classmethod", "staticmethod")
        if isinstance(value, ast.Lambda):
            return bool(value.args.args) and value.args.args[0].arg == "self"
        return isinstance(value, ast.Name) and value.id in self.facts.self_functions

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.annotation(node.annotation)
        self.generic_visit(node)

    def annotation(self, node: ast.expr | None) -> None:
        """A string annotation is checked as code: get_type_hints, dataclasses, a probe evaluate it."""
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return
        try:
            expr = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            what = N_("a string annotation that is no expression")
            self.refuse(node, what, N_("write the annotation without quotes"))
            return
        for inner in ast.walk(expr):
            if isinstance(inner, (ast.expr, ast.stmt)):
                inner.lineno = node.lineno
        self.found += node_refusals(expr, node.lineno)
        self.visit(expr)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        """A class pattern reads attributes as Python's getattr, past the guard: the class alone."""
        if node.patterns or node.kwd_patterns:
            what = N_("a case pattern that reads attributes ({0})").format(", ".join(node.kwd_attrs) or "…")
            self.refuse(node, what, N_("match the class alone (case C():), then read attributes by name"))
        self.generic_visit(node)


_BUILTIN_NAMES = frozenset(dir(builtins))


def _unbound_problem(name: str) -> tuple[str, str] | None:
    """(what, instead) for a name the module neither binds nor imports: a builtin outside the
    list, or a dunder it may not read."""
    if name in _BUILTIN_NAMES and name not in rules.BUILTINS:
        return N_("the builtin {0}").format(name), N_(
            "use the builtins an exercise needs (len, range, zip...)"
        )
    if dunder(name) and name not in rules.DUNDER_READ:
        return name, N_("use the names your module defines")
    return None


def _where_used(name: str, dotted: str | None) -> str:
    """What to write for a module held as a value: its members where they are used (for
    torch.func, the ones allowed: ``torch.func.grad``)."""
    named = sorted(m for m in rules.MEMBERS_OF_REFUSED if dotted and m.startswith(f"{dotted}."))
    return WRITE_WHERE_USED.format(" / ".join(named) if named else f"{name}.<member>")


def _members_instead(module: str, instead: str) -> str:
    """A refused module that names allowed objects by another path (``torch.nn.modules.linear``):
    import those from it (``from torch.nn.modules.linear import Linear``), or write their names."""
    same = next(((p, n) for p, n in aliases().items() if p.rsplit(".", 1)[0] == module), None)
    if same is None:
        return instead
    path, name = same
    return MEMBERS_INSTEAD.format(module, path.rsplit(".", 1)[1], name)


def node_refusals(tree: ast.AST, line: int | None = None) -> list[Refusal]:
    """Every node whose type the allow-list does not name (async code, a newer Python's syntax)."""
    found = []
    for node in parsed.nodes(tree) if line is None else ast.walk(tree):
        kind = type(node).__name__
        if kind not in rules.NODES:
            instead = rules.NODES_REFUSED.get(
                kind, N_("write it with the statements of the Python the course uses")
            )
            what = N_("the syntax {0}").format(kind)
            found.append(Refusal(line or int(getattr(node, "lineno", 1)), what, instead))
    return found


@functools.lru_cache(maxsize=256)
def _check(source: str, local: tuple[tuple[str, frozenset[str]], ...]) -> tuple[Refusal, ...]:
    tree = parsed.tree(source)
    if tree is None:
        return ()  # the worker reports the syntax error
    check = _Check(Facts(tree, dict(local)))
    check.visit(tree)
    found = node_refusals(tree) + check.found + (check.unbound if check.own_dict_line else [])
    return tuple(sorted(set(found), key=lambda r: (r.line, r.what)))


def check(source: str, local: dict[str, frozenset[str]] | None = None) -> list[Refusal]:
    """Every place ``source`` leaves the subset, in line order ([] when it stays inside).
    ``local``: the submission's other modules it may import, with the names each imports."""
    return list(_check(source, tuple(sorted((local or {}).items()))))
