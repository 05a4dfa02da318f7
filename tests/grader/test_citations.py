"""Every citation in the code and the documents points into the repository: a reader of a clone
can open what a comment, a docstring or a page cites ("docs/design.md, 'The seal'"). Refused: a
`docs/*.md` path or a Markdown link to a file the project does not have, an upper-case `NAME.md`
the project does not have, and the background notes the project was first written from, which
live outside it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers import REPO

pytestmark = pytest.mark.unit

# Notes kept beside the repository by its first authors: never part of a clone
NOTES = ("CURRICULUM", "SANDBOX_FACTS", "DESIGN.md")
OUTSIDE = re.compile(r"\b(?:" + "|".join(map(re.escape, NOTES)) + r")\b")
ENDING = re.compile(r"\.md\b")
BEFORE = re.compile(r"[\w./-]*\w$")  # the file name or path an ending closes
LINK = re.compile(r"\]\(([\w./-]+\.md)(?:#[\w-]*)?\)")
WRITTEN = {"README.zh_CN.md"}  # files the grader writes (a release's README in Chinese), not cited
# installs, caches, and the corpus: code learners wrote against the docstrings, not the project's words
SKIPPED = {".git", ".venv", "node_modules", "__pycache__", "build", "dist", "corpus"}


def _texts() -> list[Path]:
    """The .py and .md files of the checkout, hidden folders, installs and the corpus left out."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [
            d for d in dirs if d not in SKIPPED and not d.startswith(".") and not d.endswith(".egg-info")
        ]
        found += [Path(folder, name) for name in files if name.endswith((".py", ".md"))]
    return found


def _cited(text: str) -> list[str]:
    """The file names and paths ending in .md that ``text`` holds (found by their ending: a scan
    for the whole token would retry every run of letters)."""
    found = []
    for end in ENDING.finditer(text):
        token = BEFORE.search(text, max(0, end.start() - 200), end.start())
        if token:
            found.append(token.group() + ".md")
    return found


def _missing(path: Path, text: str, names: set[str]) -> list[str]:
    """The citations in ``text`` (of ``path``) that name no file of the repository: an outside
    note, a ``docs/`` page that is not there, an upper-case ``NAME.md`` no folder holds, and in a
    page a link that leads nowhere."""
    where = path.relative_to(REPO)
    bad = [f"{where}: {m}" for m in OUTSIDE.findall(text)] if any(n in text for n in NOTES) else []
    for cited in _cited(text):
        page = cited.rpartition("docs/")[2] if "docs/" in cited else ""
        name = cited.rpartition("/")[2]
        if page and not (REPO / "docs" / page).is_file():
            bad.append(f"{where}: {cited}")
        elif name[0].isupper() and name.split(".")[0].isupper() and name not in names | WRITTEN:
            if not OUTSIDE.match(name):
                bad.append(f"{where}: {cited}")
    if path.suffix == ".md":
        bad += [f"{where}: ({m})" for m in LINK.findall(text) if not (path.parent / m).is_file()]
    return bad


def test_every_citation_names_a_file_of_the_repository():
    paths = _texts()
    names = {path.name for path in paths}
    this = Path(__file__).resolve()
    bad = [
        line
        for path in paths
        if path != this
        for line in _missing(path, path.read_text(encoding="utf-8"), names)
    ]
    assert bad == [], "cite the repository's own page (docs/design.md, docs/contract.md):\n" + "\n".join(bad)


def test_the_rule_sees_each_kind_of_citation():
    cited = REPO / "grader" / "example.py"
    names = {"README.md"}
    assert _missing(cited, 'a reason (DESIGN.md, "The seal") and CURRICULUM\'s default', names) == [
        "grader/example.py: DESIGN.md",
        "grader/example.py: CURRICULUM",
    ]
    assert _missing(cited, "see docs/nowhere.md and SANDBOX_FACTS", names) == [
        "grader/example.py: SANDBOX_FACTS",
        "grader/example.py: docs/nowhere.md",
    ]
    assert _missing(cited, "docs/design.md, README.md, NOTES.md", names) == ["grader/example.py: NOTES.md"]
    page = REPO / "docs" / "example.md"
    assert _missing(page, "[the seal](design.md) and [gone](gone.md)", names) == [
        "docs/example.md: (gone.md)"
    ]
