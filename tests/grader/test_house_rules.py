"""The house rules a successor reads the code by: comments say why, never which issue of a
tracker that is not in the repository; every ``TORCHGRADE_*`` variable the code reads is in
docs/environment.md's table."""

from __future__ import annotations

import fnmatch
import functools
import re
from pathlib import Path

import pytest
from helpers import REPO

pytestmark = pytest.mark.engine  # a sweep over the repository (tests/grader/tiers.py)

# "issue 42", "Issue 27 item 3", "issues 22 and 39", "issue #5": a pointer at the old tracker
ISSUE = re.compile(r"\bissues?\s*#?\d+", re.I)
VARIABLE = re.compile(r"\bTORCHGRADE_[A-Z_]*[A-Z]\b")
TABLE_ROW = re.compile(r"^\| `(TORCHGRADE_[A-Z_]+)` \|", re.M)


@functools.cache  # ~950 files, 5 MB: read once for both rules
def _code_files() -> tuple[Path, ...]:
    """The text files of grader/, tests/ and .ci/ (compiled catalogues and images left out)."""
    found = [REPO / ".ci" / "run"]
    for folder in ("grader", "tests"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix not in {".mo", ".png", ".pyc", ".ipynb", ".json", ".gz"}:
                found.append(path)
    return tuple(found)


@functools.cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _may_cite(text: str) -> bool:
    """Whether :data:`ISSUE` can match in ``text``: an ASCII text must hold "issue" in some case
    (the case-blind regex scans 5 MB ten times slower). re.I also matches a few non-ASCII letters
    ("ſ" for "s"), so any other text is searched line by line."""
    return not text.isascii() or "issue" in text.lower()


def test_no_issue_numbers_in_the_code():
    cited = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in _code_files()
        if _may_cite(_text(path))
        for number, line in enumerate(_text(path).splitlines(), 1)
        if ISSUE.search(line) and path != Path(__file__)  # this file's own examples
    ]
    assert not cited, "say the reason instead of the issue:\n" + "\n".join(cited)


def _read_variables() -> set[str]:
    """The variables named in code (tests' golden outputs only echo the help text)."""
    golden = REPO / "tests" / "golden"
    return {
        name
        for path in _code_files()
        if golden not in path.parents and ".po" != path.suffix and "TORCHGRADE_" in _text(path)
        for name in VARIABLE.findall(_text(path))
    }


def test_every_environment_variable_is_documented():
    table = set(TABLE_ROW.findall((REPO / "docs" / "environment.md").read_text(encoding="utf-8")))
    read = _read_variables()
    assert sorted(read - table) == [], "docs/environment.md: add a row for each"
    assert sorted(table - read) == [], "docs/environment.md: no code reads these any more"


def test_the_patterns_find_what_they_are_for():
    assert ISSUE.search("(issue 42)") and ISSUE.search("Issue 27 item 1") and ISSUE.search("issue #5")
    assert not ISSUE.search("an issue with 3 workers")
    assert _may_cite("(Issue 42)") and _may_cite("(iſſue 42)") and not _may_cite("(item 42)")
    assert VARIABLE.findall("os.environ.get('TORCHGRADE_NO_SANDBOX')") == ["TORCHGRADE_NO_SANDBOX"]


def _modules(folder: Path) -> set[str]:
    return {".".join(p.relative_to(REPO).with_suffix("").parts) for p in folder.rglob("*.py")}


def test_the_trust_boundary_is_held_to_mypy_strict():
    """pyproject's strict override covers, by package, every module of the trust boundary: what
    runs in the worker, the checks the suites import, and every package of the engine (its readers
    of submitted source, its worker and suite sides, a new one too), so a module moved into or
    between them cannot leave --strict's per-module flags."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    strict = next(o for o in config["overrides"] if o.get("disallow_untyped_defs"))
    packages = [p for p in (REPO / "grader" / "engine").iterdir() if (p / "__init__.py").is_file()]
    boundary = set().union(
        *(_modules(p) for p in [REPO / "grader" / "sandboxed", REPO / "grader" / "checks", *packages])
    )
    covered = {
        m
        for m in boundary
        for pattern in strict["module"]
        if fnmatch.fnmatchcase(m, pattern.replace(".*", "*"))
    }
    assert sorted(boundary - covered) == [], "pyproject.toml: add their package to the strict override"
    flags = ("disallow_any_generics", "disallow_untyped_calls", "warn_return_any", "check_untyped_defs")
    assert all(strict.get(flag) for flag in flags)


MAX_LINES = 500


def test_no_module_of_grader_is_over_500_lines():
    """A module a successor reads in one sitting: split a longer one by what its parts do
    (grader/commands/ splits the command line by group)."""
    long = {
        str(path.relative_to(REPO)): count
        for path in sorted((REPO / "grader").rglob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these modules (over {MAX_LINES} lines): {long}"


def test_every_module_of_grader_is_in_an_import_contract():
    """lint-imports holds a module only where a contract names it or a package above it: a module
    no layer names may import anything (``depends`` and ``projections`` were in none)."""
    import tomllib

    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    named = {
        module.strip()
        for contract in contracts
        for key in ("layers", "containers", "modules", "source_modules")
        for entry in contract.get(key, ())
        for module in re.split(r"[|()]", entry)
        if module.strip()
    }
    contained = {c: contract["layers"] for contract in contracts for c in contract.get("containers", ())}
    named |= {
        f"{c}.{m.strip()}" for c, layers in contained.items() for entry in layers for m in entry.split("|")
    }

    def covered(module: str) -> bool:
        parts = module.split(".")
        return any(".".join(parts[:i]) in named for i in range(2, len(parts) + 1))

    modules = {
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for path in (REPO / "grader").rglob("*.py")
    }
    assert sorted(m for m in modules - {"grader", "grader.__main__"} if not covered(m)) == []
