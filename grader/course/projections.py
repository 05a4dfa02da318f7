"""What a hand-out carries of each declaration that decides points, field by field.

A student release (with its hand-out notebooks, whose ``check()`` grades in the release) and the
Gradescope zip are projections of the declarations: a suite module's fields the engine reads, a
pack's topic (grader/base/packs.py ``Topic``), a course and its assignment (grader/course/toml.py). Each
field is either carried (:func:`carried`: where the hand-out holds it) or kept by the instructor
(:func:`instructor_only`: why), both drawn from :func:`fields`, which names each field once with
its word for every hand-out (a course's, in its keys' declaration). tests/grader/test_projections.py enumerates the fields from the
declarations themselves and fails on one that is in neither list, so a new clause cannot be
dropped from a hand-out silently. Light: names only, read by the release and the tests.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from grader.base import defaults, depends, packs
from grader.base.checkout import REPO_ROOT, datasets_dir, suites_dir
from grader.base.keys import Kept, both, declared
from grader.base.packs import Topic

# the fields of a suite module the engine reads (grader/engine/suites/collected.py ``CollectedSuite``): the
# source reading judges a submission by them, so a release's public suite keeps each
# (grader/apps/release.py ``public_suite``), whatever its public checks name
SUITE_FIELDS = ("OFF_LIMITS", "VECTORISED", "DIMENSION_COUNTS", "HELPERS")

HANDOUTS = ("release", "zip")


_FLAT = "pack.toml (flattened_toml)"


# {field: (the release's word, the zip's)} of a pack's topic (grader/base/packs.py ``Topic``)
TOPIC_FIELDS: dict[str, tuple[str, str]] = {
    "name": both(_FLAT),
    "seconds": both(_FLAT),
    "exercises": both(_FLAT),
    "probe_cpu_seconds": both(_FLAT),
    "sympy_free": both(_FLAT),
    "reads": both("pack.toml and the files, beside the suite (packs.read_files)"),
    "stub": both("exercises/<topic>.py"),
    "domains": both("tests/suites/domains_<topic>.py"),
    "answers": (
        "tests/suites/answers_<topic>.pt, moved off (taught_answers)",
        "tests/suites/answers_<topic>.pt (exact)",
    ),
    "solution": both(Kept("the reference: never handed out (grader/apps/leaks.py refuses it)")),
    "pack": (
        Kept("the author's folders: a release flattens them into its own"),
        Kept("the author's folders: the zip flattens them into its own"),
    ),
}


def fields() -> dict[str, dict[str, tuple[str, str]]]:
    """{declaration: {field: (the release's word, the zip's)}}, in the order of HANDOUTS: a
    course's and its assignment's are their keys' declaration's (grader/course/keys.py)."""
    from grader.course import keys as course_keys  # here: a release's first line comes before it

    course = course_keys.COURSE_TABLES[""] + course_keys.COURSE_TABLES["course"]
    return {
        "suite": {
            name: ("the public suite keeps it (public_suite)", "the whole suite ships")
            for name in SUITE_FIELDS
        },
        "topic": TOPIC_FIELDS,
        "assignment": {k.attribute: k.carried for k in declared(course_keys.Assignment)}
        | course_keys.UNKEYED["assignment"],
        "course": {k.attribute: k.carried for k in course if any(k.carried)} | course_keys.UNKEYED["course"],
    }


def _words(handout: str, kept: bool) -> dict[str, dict[str, str]]:
    """One hand-out's words by declaration: where it carries each field, or (``kept``) why the
    instructor keeps it."""
    column = HANDOUTS.index(handout)
    return {
        declaration: {
            name: str(words[column])
            for name, words in found.items()
            if isinstance(words[column], Kept) == kept
        }
        for declaration, found in fields().items()
    }


def carried(handout: str) -> dict[str, dict[str, str]]:
    """{declaration: {field: where ``handout`` carries it}}."""
    return _words(handout, kept=False)


def instructor_only(handout: str) -> dict[str, dict[str, str]]:
    """{declaration: {field: why the instructor keeps it off ``handout``}}."""
    return _words(handout, kept=True)


# What each hand-out runs: the grader modules it starts from (what they import ships, transitively)
ENTRY_MODULES = {
    # grade, python -m grader, check() in a notebook, the workers
    "release": (
        "grader.__main__",
        "grader.cli",
        "grader.apps.selfcheck",
        "grader.engine.suites.plugin",
        "grader.engine.suites.hand_run",  # tests/suites/pytest.ini loads it
        "grader.sandboxed.worker",
        "grader.sandboxed.zygote",
    ),
    # run_autograder's and setup.sh's python -m grader.gradescope, the workers
    "zip": (
        "grader.gradescope.__main__",
        "grader.engine.suites.plugin",
        "grader.engine.suites.hand_run",
        "grader.sandboxed.worker",
        "grader.sandboxed.zygote",
    ),
}
MODULE_NAME = re.compile(r"\bgrader(?:\.\w+)+")


def _imported(tree: ast.Module) -> set[str]:
    """The ``grader`` modules a module imports or names in a string (``-m grader.x``), maybe with
    an attribute on the end (``grader.checks.judging.data.load_digits``): callers keep the names that are files."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.update(MODULE_NAME.findall(node.value))
    return {n for n in names if n == "grader" or n.startswith("grader.")}


def _module_file(root: Path, name: str) -> Path | None:
    base = root.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def grader_files(root: Path, sources: list[str], entries: tuple[str, ...]) -> list[Path]:
    """The grader's files a hand-out runs: ``entries``, what ``sources`` (stubs, suites) import,
    what those import, transitively, and their packages' ``__init__.py``; never the rest of
    ``grader/`` (benchmarks, instructor tools nothing here imports)."""
    todo = set(entries) | {n for text in sources for n in _imported(ast.parse(text))}
    found: set[Path] = set()
    while todo:
        parts = todo.pop().split(".")
        for depth in range(1, len(parts) + 1):
            path = _module_file(root, ".".join(parts[:depth]))
            if path is not None and path not in found:
                found.add(path)
                todo |= _file_imports(path, depends.stamp(path.stat()))
    return sorted(found)


@functools.lru_cache(maxsize=1024)
def _file_imports(path: Path, _stamp: depends.Stamp) -> frozenset[str]:
    """What a grader file imports, read once per version of the file (a process may build several
    hand-outs: the tests, a course's assignments)."""
    return frozenset(_imported(ast.parse(path.read_text())))


def dataset_files() -> list[Path]:
    """``datasets/`` as a grade here reads it (``TORCHGRADE_DATASETS``): README.md, the datasets
    the grades depend on (SHA256SUMS and the files it lists: :func:`grader.base.depends.datasets`) and
    their datasheets (<stem>.md)."""
    listed = [path.name for path in depends.datasets()]
    cards = [f"{name.split('.')[0]}.md" for name in listed[1:]]
    found = (datasets_dir() / name for name in ["README.md", *listed, *cards])
    return [path for path in found if listed and path.is_file()]


def handout_files(handout: str, topics: tuple[Topic, ...], sources: list[str]) -> dict[str, Path]:
    """{path in ``handout``: the file here}, what a student release and the Gradescope zip carry
    alike, by one rule: pyproject.toml, the stubs of ``topics``, each topic's files as its pack
    hands them out (a release: :func:`grader.base.packs.data_files`; the zip: also its held-out sets
    and a course pack's suite, :func:`grader.base.packs.pack_files`), the suites' pytest.ini, the
    grader it runs (:func:`grader_files` from :data:`ENTRY_MODULES` and every Python file here or
    in ``sources``: the suites as the hand-out carries them), its catalogues and snapshots (every
    .mo and .tsv of grader/), and the datasets (:func:`dataset_files`)."""
    root = REPO_ROOT
    found = {
        "pyproject.toml": root / "pyproject.toml",
        "tests/suites/pytest.ini": suites_dir() / "pytest.ini",
    }
    found |= {f"exercises/{topic.name}.py": topic.stub for topic in topics if topic.stub.is_file()}
    for topic in topics:
        found |= (packs.data_files if handout == "release" else packs.pack_files)(topic, defaults.LANGUAGES)
    python = [*sources, *(path.read_text() for where, path in found.items() if where.endswith(".py"))]
    grader = grader_files(root, python, ENTRY_MODULES[handout])
    # grader/base/i18n.py reads the catalogues; the subset reads its snapshots (whatever a new one is called)
    data = [*(root / "grader" / "locale").glob("*/LC_MESSAGES/*.mo"), *(root / "grader").rglob("*.tsv")]
    found |= {path.relative_to(root).as_posix(): path for path in sorted([*grader, *data])}
    return found | {f"datasets/{path.name}": path for path in dataset_files()}
