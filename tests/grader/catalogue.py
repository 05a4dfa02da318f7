"""The message catalogue's dev tool (Babel; never imported by the grader at run time).

    python tests/grader/catalogue.py update    # the .po of each language: new strings added
                                               # (msgstr ""), stale ones dropped; then compile
    python tests/grader/catalogue.py compile   # the .mo of each language from its .po

An English fix need not wait for its translation: the entry's translator comment
``# fallback: English until translated`` (:data:`FALLBACK`) lets it stay untranslated (the learner
sees the English; the .mo leaves it out), and tests/grader/test_catalogue.py reports it as pending.

What the catalogue holds (:func:`extract`): every ``_()``, ``N_()`` and ``ngettext()`` of grader/
(Babel's Python extractor), the suites' texts that grader/checks/judging/judge.py (and hints/departures.py) looks up as they are
(constants and f-strings given as ``hint=``, ``what=``, ``expected=``, ``got=``, by keyword or
position, assigned to ``what`` or a name holding "hint", or marked ``N_("...")``; an f-string as a
template), the
help of every ``grade`` command and option (read from the Click tree itself), and Click's own
words of a help page (:data:`CLICK_WORDS`). tests/grader/test_catalogue.py checks the result.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from grader.base.i18n import _PLACE  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
GRADER = REPO / "grader"
LOCALE = GRADER / "locale"
SUITES = REPO / "tests" / "suites"
WORDS = 2  # a suite's constant with fewer words of its own is code or a name, shown as it is
_WORD = re.compile(r"[A-Za-z][a-z']+[,:;.]?")
# the modules of grader/checks/ whose functions take a suite's words (what, expected, got, hint)
JUDGES = ("judging.judge", "verdict.failed", "verdict.untouched")
# Two catalogues: the grader's own words (grader/locale), and the built-in pack's, its suites' and
# domains' words (tests/suites/locale, read after the grader's as any pack's: docs/authors.md)
PARTS = {"grader": LOCALE, "pack": SUITES / "locale"}
TRANSLATED = ("zh_CN",)
# A translator comment that lets an entry stay untranslated for now (`catalogue.py update` keeps it).
FALLBACK = "fallback: English until translated"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# Babel finds a message only at a call of a keyword: a module that never names one holds none
# (half of grader/; Babel's tokenizer is the extraction's cost)
NAMES_A_KEYWORD = re.compile(rf"\b(?:{'|'.join(map(re.escape, KEYWORDS))})\b")
SUITE_KEYWORDS = ("hint", "what", "expected", "got", "note")
# Click's own words that a `grade ... --help` page and a usage error show (click/*.py)
CLICK_WORDS = (
    "Usage:",
    "Options",
    "Commands",
    "Show this message and exit.",
    "Show the version and exit.",
    "default: {default}",
    "env var: {var}",
    "required",
    "Error",
    "Try '{command} {option}' for help.",
    "Missing argument '{param_hint}'.",
    "No such command {name!r}.",
    "No such option: {name}",
    # a usage error's words (click/exceptions.py, core.py, parser.py, types.py): a plural is a pair
    "Error: {message}",
    "Missing argument",
    "Missing option",
    "Missing parameter",
    "Missing command.",
    "No such option {name!r}.",
    "Invalid value: {message}",
    "Invalid value for {param_hint}: {message}",
    "Option {name!r} does not take a value.",
    "{value!r} is not a valid {number_type}.",
    "{value} is not in the range {range}.",
    "Choose from:\n\t{choices}",
    "Aborted!",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
)


def words_of(text: str) -> int:
    """How many words of prose ``text`` holds outside its ``{0}`` places (code tokens not counted)."""
    return sum(bool(_WORD.fullmatch(token)) for token in _PLACE.sub(" ", text).split())


def _grader_strings() -> dict[object, list[str]]:
    found: dict[object, list[str]] = {}
    for path in sorted(GRADER.rglob("*.py")):
        if not NAMES_A_KEYWORD.search(path.read_text(encoding="utf-8")):
            continue
        where = str(path.relative_to(REPO))
        for line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS, comment_tags=()
        ):
            found.setdefault(message, []).append(f"{where}:{line}")
    return found


def _constants(node: ast.AST) -> list[str]:
    """The texts an expression may evaluate to: a constant, either side of ``a if c else b``,
    ``a or b``, a dict's values (a condition's own constants are not texts)."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    parts: list[ast.expr] = []
    if isinstance(node, ast.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, ast.BoolOp):
        parts = list(node.values)
    elif isinstance(node, ast.Dict):
        parts = list(node.values)
    elif isinstance(node, (ast.Tuple, ast.List)):
        parts = list(node.elts)
    return [text for part in parts for text in _constants(part)]


def _positions() -> dict[str, dict[int, str]]:
    """{judge function: {position: "hint", "what", ...}}: a text given by position is looked up
    as one given by keyword."""
    import inspect

    sys.path.insert(0, str(REPO))
    import importlib

    found: dict[str, dict[int, str]] = {}
    for module in (
        importlib.import_module(f"grader.checks.{name}")
        for name in (*JUDGES, "hints.departures", "judging.outputs")
    ):
        for name, function in vars(module).items():
            if inspect.isfunction(function) and function.__module__ == module.__name__:
                params = list(inspect.signature(function).parameters)
                found[name] = {i: p for i, p in enumerate(params) if p in SUITE_KEYWORDS}
    return found


def _own_positions(tree: ast.Module) -> dict[str, dict[int, str]]:
    """{function the suite defines: {position: "hint", ...}}: a suite's own helper that hands its
    ``hint`` on to judge (``expect_cell_equals_torch(..., "h' = tanh(...)")``) is read as judge is."""
    found: dict[str, dict[int, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
            places = {i: p for i, p in enumerate(params) if p in SUITE_KEYWORDS}
            if places:
                found[node.name] = places
    return found


def _positional(node: ast.Call, positions: dict[str, dict[int, str]]) -> list[ast.keyword]:
    """A call of a judge function's positional texts, as the keywords they stand for."""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    places = positions.get(name, {})
    return [
        ast.keyword(arg=places[i], value=arg, lineno=node.lineno)
        for i, arg in enumerate(node.args)
        if i in places
    ]


def template(node: ast.JoinedStr) -> str:
    """An f-string as the catalogue holds it: its literal text, each value as ``{0}``, ``{1}``…
    (grader/base/i18n.py matches a shown text against it and translates the values in turn); ""
    where it holds no word of its own (``f"{name}.step(closure)"``: code)."""
    parts, values = [], 0
    for part in node.values:
        if isinstance(part, ast.Constant):
            parts.append(str(part.value).replace("{", "{{").replace("}", "}}"))
        else:
            parts.append(f"{{{values}}}")
            values += 1
    text = "".join(parts)
    return text if words_of(text) >= 1 else ""


def suite_strings(path: Path) -> dict[str, int]:
    """{text: line} of the constants and f-strings ``path`` hands judge's messages (the module
    docstring)."""
    found: dict[str, int] = {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    positions = {**_positions(), **_own_positions(tree)}
    nodes = list(ast.walk(tree))
    nodes += [k for n in nodes if isinstance(n, ast.Call) for k in _positional(n, positions)]
    # @check(errors={kind: hint}): each hint the check gives for that kind of error, in place or by name
    given = {
        k.value.id
        for k in nodes
        if isinstance(k, ast.keyword) and k.arg == "errors" and isinstance(k.value, ast.Name)
    }
    for node in nodes:
        if isinstance(node, ast.keyword) and node.arg in (*SUITE_KEYWORDS, "errors"):
            texts = _texts(node.value)  # a dict's values are its texts
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in given for t in node.targets
        ):
            texts = _texts(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
            texts = _texts(node.args[0]) if node.args else []
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and ("hint" in t.id.lower() or t.id == "what") for t in node.targets
        ):
            texts = _texts(node.value)
        else:
            continue
        for text in texts:
            found.setdefault(text, node.lineno)
    return {text: line for text, line in found.items() if words_of(text) >= (1 if "{0}" in text else WORDS)}


def _texts(node: ast.expr) -> list[str]:
    """The texts (constants, f-strings as templates) an argument may evaluate to."""
    if isinstance(node, ast.JoinedStr):
        return [t for t in [template(node)] if t]
    if isinstance(node, (ast.IfExp, ast.BoolOp)):
        parts = [node.body, node.orelse] if isinstance(node, ast.IfExp) else list(node.values)
        return [t for part in parts for t in _texts(part)]
    return _constants(node)


def _click_strings() -> list[str | tuple[str, str]]:
    sys.path.insert(0, str(REPO))
    from grader.base.i18n import commands_of
    from grader.cli import main

    texts: list[str | tuple[str, str]] = list(CLICK_WORDS)
    for command in commands_of(main):
        texts += [t for t in (command.help, command.short_help) if t]
        texts += [p.help for p in command.params if getattr(p, "help", None)]
    return texts


def member_reasons(catalog: Catalog) -> list[str]:
    """Why the member list refuses a member (``改为：`` in a refusal): each reason of
    grader/sandboxed/subset_members.tsv that no template of ``catalog`` makes (``the module {0}
    is not part of graded code...``, grader/authoring/subset_review.py)."""
    sys.path.insert(0, str(REPO))
    from grader.sandboxed import subset_members

    keys = [m.id for m in catalog if isinstance(m.id, str) and "{0}" in m.id]
    made = [re.compile("(.+?)".join(re.escape(p) for p in re.split(r"\{\d+\}", key))) for key in keys]
    reasons = {r for r in subset_members.decisions().values() if r != subset_members.ALLOWED}
    return sorted(r for r in reasons if not any(p.fullmatch(r) for p in made))


def extract_parts() -> dict[str, Catalog]:
    """{part: its template}: the grader's msgids, and the built-in pack's (its suites' and
    domains' texts that the grader's own do not hold)."""
    grader = Catalog(project="torchgrade", fuzzy=False)
    for message, places in _grader_strings().items():
        for place in places:
            path, line = place.rsplit(":", 1)
            grader.add(message, locations=[(path, int(line))])
    for name in JUDGES:  # the judges' own words, read as a suite's
        for text, line in suite_strings(GRADER / "checks" / f"{name.replace('.', '/')}.py").items():
            grader.add(text, locations=[(f"grader/checks/{name.replace('.', '/')}.py", line)])
    for text in member_reasons(grader):
        grader.add(text, locations=[("grader/sandboxed/subset_members.tsv", 0)])
    for text in _click_strings():
        grader.add(text, locations=[("grader/cli.py", 0)])
    pack = Catalog(project="torchgrade", fuzzy=False)
    for path in [*sorted(SUITES.glob("suite_*.py")), *sorted(SUITES.glob("domains_*.py"))]:
        for text, line in suite_strings(path).items():
            (grader if text in grader else pack).add(text, locations=[(str(path.relative_to(REPO)), line)])
    return {"grader": grader, "pack": pack}


def _union(catalogs: list[Catalog], **kwargs: object) -> Catalog:
    found = Catalog(project="torchgrade", fuzzy=False, **kwargs)  # type: ignore[arg-type]
    for catalog in catalogs:
        for message in catalog:
            if message.id:
                found[message.id] = message
    return found


def extract() -> Catalog:
    """The template: every msgid the grader may look up, whichever catalogue holds it."""
    return _union(list(extract_parts().values()))


def po_path(lang: str, part: str = "grader") -> Path:
    return PARTS[part] / lang / "LC_MESSAGES" / "torchgrade.po"


def read(lang: str, part: str | None = None) -> Catalog:
    """``lang``'s catalogue of ``part``; of both together where none is named."""
    if part is None:
        return _union([read(lang, p) for p in PARTS if po_path(lang, p).is_file()], locale=lang)
    with po_path(lang, part).open("rb") as handle:
        return read_po(handle, locale=lang)


def pending(lang: str) -> list[str]:
    """The msgids of ``lang`` marked :data:`FALLBACK` and still untranslated: shown in English."""
    return [
        str(m.id if isinstance(m.id, str) else m.id[0])
        for m in read(lang)
        if m.id
        and FALLBACK in m.user_comments
        and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def update() -> None:
    """Each part's .po from its template; a message that moved between the parts keeps its
    translation and its marks."""
    templates = extract_parts()
    for lang in TRANSLATED:
        before = read(lang)  # both parts as they were: a moved message's translation
        for part, template in templates.items():
            path = po_path(lang, part)
            catalog = (
                read(lang, part)
                if path.is_file()
                else Catalog(locale=lang, project="torchgrade", fuzzy=False)
            )
            for message in template:
                old = before.get(message.id) if message.id else None
                if old is not None and message.id not in catalog:
                    catalog.add(message.id, old.string, user_comments=old.user_comments, flags=old.flags)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, catalog, width=110, sort_output=False, include_previous=False)
    compile_all()


def compile_all() -> None:
    for lang in TRANSLATED:
        for part in PARTS:
            po_path(lang, part).with_suffix(".mo").write_bytes(compiled(read(lang, part)))


if __name__ == "__main__":
    {"update": update, "compile": compile_all}[sys.argv[1]]()
