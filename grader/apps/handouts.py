"""Notebook hand-outs made from the stubs: ``grade notebooks OUT``, one notebook per topic (its cells, the
docstrings as Markdown: docs/architecture.md, "Notebooks"); inline formulas keep their Unicode text."""

from __future__ import annotations

import ast
import itertools
import json
import re
from pathlib import Path

import nbformat

from grader.apps.leaks import refuse, refuse_held_out
from grader.apps.ticker import Step, quiet
from grader.base.i18n import N_, _, language, translated_docstrings
from grader.base.topics import RELEASE_MARKER, REPO_ROOT, stub_file, suites_dir
from grader.engine.sources.notebooks import METADATA_KEY

# The set-up cell's words, in the hand-out's language (comment lines as they stand)
SETUP_INTRO = N_(
    "Set-up: run this cell first. It loads the checker of your course's torchgrade release:\n"
    "TORCHGRADE if you set it (the release folder or a .zip of it), else the release this notebook\n"
    "sits in (whatever other torchgrade is installed), else a .zip here where `import grader` fails\n"
    "(on Colab: upload the release zip first; a zip may hold the release in one top folder), else\n"
    "the torchgrade `import grader` finds."
)
SETUP_ZIP = N_("the release at the zip's top, or in one folder there")
SETUP_MISSING = N_("no torchgrade release here: set TORCHGRADE to its folder or .zip")
SETUP_USE = N_(
    'this file (check("NAME") grades it as saved; Colab: the open notebook); hint("NAME"): the next hint'
)
SETUP = """\
{intro}
TORCHGRADE = ""
import importlib.util
import sys
from pathlib import Path

here = Path.cwd().resolve()
places = [Path(TORCHGRADE)] if TORCHGRADE else [here, *here.parents, *sorted(here.glob("*.zip"))]
roots = []
for place in places:
    found = [place / "grader/apps/selfcheck.py"]
    if place.suffix == ".zip" and importlib.util.find_spec("grader") is None:  # {zip_note}
        import zipfile

        zipfile.ZipFile(place).extractall("torchgrade-release")
        place = Path("torchgrade-release").resolve()
        found = [place / "grader/apps/selfcheck.py", *place.glob("*/grader/apps/selfcheck.py")]
    roots = [p.parents[2] for p in found if p.is_file()]
    if roots:
        break
if not roots and importlib.util.find_spec("grader") is None:
    raise FileNotFoundError({missing})
if roots:
    TORCHGRADE = str(roots[0])
    needed = ("torch", "click", "nbformat", "pytest", "pytest_timeout", "IPython")
    if any(importlib.util.find_spec(name) is None for name in needed):
        %pip install -q -e {{TORCHGRADE}}
    sys.path.insert(0, TORCHGRADE)
from grader.apps.selfcheck import check, hint, use_notebook

# {use}
use_notebook({notebook!r}{lang})"""

CHECK = N_("the public checks of %(name)s, on this notebook as saved")  # the check cell's comment

# The docstrings' section names as a hand-out shows them (SECTION: as the docstrings write them)
SECTION_NAMES = {
    "Args": N_("Args"),
    "Arguments": N_("Arguments"),
    "Returns": N_("Returns"),
    "Raises": N_("Raises"),
    "Off limits": N_("Off limits"),
    "Example": N_("Example"),
    "Examples": N_("Examples"),
    "Shapes": N_("Shapes"),
    "Note": N_("Note"),
}
SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Off limits|Example|Examples|Shapes|Note):(.*)$")
FUNCTIONS = {"log": r"\log", "exp": r"\exp", "max": r"\max", "min": r"\min", "tanh": r"\tanh"}
SYMBOLS = {
    "Σ": r"\sum ",
    "·": r" \cdot ",
    "−": "-",
    "≤": r"\le ",
    "≥": r"\ge ",
    "⇒": r"\;\Rightarrow\; ",
    "←": r"\leftarrow ",
    "⌊": r"\lfloor ",
    "⌋": r"\rfloor ",
    "σ": r"\sigma ",
    "δ": r"\delta ",
    "β": r"\beta ",
    "ε": r"\varepsilon ",
    "ᵀ": r"^\top ",
    "²": "^2",
    "ᵢ": "_i",
    "ₐ": "_a",
    "ŷ": r"\hat{y}",
    "≠": r"\ne ",
    "⊙": r"\odot ",
    "₁": "_1",
    "₂": "_2",
    "ᵗ": "^t",
}


def _identifier(match: re.Match[str]) -> str:
    word = match[0]
    if word in FUNCTIONS:
        return FUNCTIONS[word]
    head, _, sub = word.partition("_")
    if len(head) == 1 and sub:
        return f"{head}_{{{sub}}}"
    if len(word) > 1:
        return r"\mathrm{" + word.replace("_", r"\_") + "}"
    return word


def _sqrt(text: str) -> str:
    """``√(a + b)`` as ``\\sqrt{a + b}`` (the parenthesis matched)."""
    while "√(" in text:
        start = text.index("√(")
        depth = 0
        for end in range(start + 1, len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        text = text[:start] + r"\sqrt{" + text[start + 2 : end] + "}" + text[end + 1 :]
    return text


def latex_of(formula: str) -> str:
    """A docstring's plain-text formula (``log Σ exp(xᵢ − m)``) as LaTeX for display math."""
    text = re.sub(r"\s{3,}", "\0", formula.strip())  # wide gaps between formulas: a quad
    text = re.sub(r"[A-Za-z]+(?:_[A-Za-z0-9]+)*", _identifier, text)
    text = re.sub(r"\} \\mathrm\{", r"\\ ", text)  # words of prose: one upright run, spaced
    text = _sqrt(re.sub("√(\\w\u0302?)", r"√(\1)", text))  # √v̂ as √(v̂), then \\sqrt{…}
    text = re.sub("(\\w)\u0302", r"\\hat{\1}", text)  # m̂
    for symbol, latex in SYMBOLS.items():
        text = text.replace(symbol, latex)
    return re.sub(r" {2,}", " ", text.replace("\0", r" \qquad ")).strip()


def _inline(text: str) -> str:
    text = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text)  # :func:`mse`
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def markdown_of(docstring: str) -> str:
    """A docstring (plain text, as in the stubs) as Markdown."""
    lines = docstring.splitlines()
    out: list[str] = []
    in_section = False
    for index, line in enumerate(lines):
        indented = line.startswith("    ")
        after_blank = index > 0 and not lines[index - 1].strip()
        if indented and not in_section and after_blank and "``" not in line:
            block = [line, *itertools.takewhile(lambda s: s.startswith("    "), lines[index + 1 :])]
            formulas = [latex_of(b) for b in block]
            math = (
                formulas[0]
                if len(formulas) == 1
                else "\\begin{gathered}" + r" \\ ".join(formulas) + "\\end{gathered}"
            )
            out.append(f"$${math}$$")
            continue
        if indented and out and out[-1].startswith("$$") and not in_section:
            continue  # the rest of a formula block, already written
        section = SECTION.match(line)
        if section:
            in_section = True
            out += ["", f"**{_(SECTION_NAMES.get(section[1], section[1]))}:**{_inline(section[2])}", ""]
            continue
        if in_section and indented:
            item = line.strip()
            if line.startswith("     ") or not item:  # a continuation of the item above
                out[-1] += " " + _inline(item)
            else:
                name, colon, rest = item.partition(": ")
                out.append(
                    f"- `{name}`: {_inline(rest)}" if colon and "`" not in name else f"- {_inline(item)}"
                )
            continue
        in_section = in_section and bool(line.strip()) and indented
        out.append(_inline(line))
    return "\n".join(out).strip()


def _without_docstring(node: ast.stmt, lines: list[str]) -> str:
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    kept = lines[start - 1 : node.end_lineno]
    body = getattr(node, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        doc = body[0]
        drop = range(doc.lineno - start, (doc.end_lineno or doc.lineno) - start + 1)
        kept = [line for i, line in enumerate(kept) if i not in drop]
        if len(body) == 1:  # the docstring was the whole body
            kept.append(" " * doc.col_offset + "...")
    return "\n".join(kept)


def handout(topic: str, stub: Path) -> nbformat.NotebookNode:
    source = stub.read_text()
    tree = ast.parse(source)
    lines = source.splitlines()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata[METADATA_KEY] = {"topic": topic}
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    translated = translated_docstrings(topic)
    docstring = translated.get("__module__") or ast.get_docstring(tree)
    cells = [
        nbformat.v4.new_markdown_cell(f"# {topic}\n\n{markdown_of(docstring or '')}"),
        nbformat.v4.new_code_cell(
            SETUP.format(
                intro="\n".join(f"# {line}" for line in _(SETUP_INTRO).splitlines()),
                zip_note=_(SETUP_ZIP),
                missing=json.dumps(_(SETUP_MISSING), ensure_ascii=False),
                use=_(SETUP_USE),
                notebook=f"{topic}.ipynb",
                lang="" if language() == "en" else f", lang={language()!r}",
            )
        ),
    ]
    preamble: list[str] = []
    exercises: list[nbformat.NotebookNode] = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and node is tree.body[0]:
            continue
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            doc = markdown_of(translated.get(node.name) or ast.get_docstring(node) or "")
            exercises += [
                nbformat.v4.new_markdown_cell(f"## `{node.name}`\n\n{doc}"),
                nbformat.v4.new_code_cell(_without_docstring(node, lines)),
                nbformat.v4.new_code_cell(f'check("{node.name}")  # ' + _(CHECK) % {"name": node.name}),
            ]
        else:
            start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            preamble.append("\n".join(lines[start - 1 : node.end_lineno]))
    cells.append(nbformat.v4.new_code_cell("\n".join(preamble)))
    notebook.cells = cells + exercises
    return notebook


def handouts(topics: list[str]) -> dict[str, nbformat.NotebookNode]:
    """{topic: its hand-out} for the topics whose pack has a stub (``exercises/`` for the nine)."""
    stubs = {topic: stub_file(topic) for topic in topics}
    return {topic: handout(topic, stub) for topic, stub in stubs.items() if stub.is_file()}


def write_handouts(
    out: Path,
    topics: list[str],
    allowed: frozenset[str] = frozenset(),
    step: Step = quiet,
) -> list[Path]:
    """One hand-out per topic; their set-up cells find the release they sit in themselves. Refuses
    (:class:`grader.apps.leaks.LeakFound`, nothing written) where a stub is solved or holds an answer,
    but for the exercises ``allowed``; not in a learner's release, whose stubs are the learner's
    own work (its hand-outs, in another language say, carry what the learner wrote: no answer key
    is there to leak). ``step(what)`` wraps each slow step (a terminal's progress)."""
    with step(_("making the hand-out notebooks")):
        notebooks = handouts(topics)
    if (suites_dir() / RELEASE_MARKER).is_file():
        return _written(out, notebooks)
    stubs = {f"exercises/{topic}.py": stub_file(topic).read_text() for topic in notebooks}
    with step(_("scanning them for answers")):
        refuse(
            stubs,
            {f"{topic}.ipynb": nb for topic, nb in notebooks.items()},
            checkout=REPO_ROOT,
            allowed=allowed,
        )
        refuse_held_out({f"{topic}.ipynb": nbformat.writes(nb).encode() for topic, nb in notebooks.items()})
    return _written(out, notebooks)


def _written(out: Path, notebooks: dict[str, nbformat.NotebookNode]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for topic, notebook in notebooks.items():
        path = out / f"{topic}.ipynb"
        nbformat.write(notebook, str(path))
        written.append(path)
    return written
