"""One manifest of topics (grader/base/topics.py, from the packs) and the "Adding a topic to the
built-in pack" checklist of docs/authors.md: every item of the checklist holds for every topic of the manifest, and the
checklist names every file the repository holds per topic and every file naming all the topics
(both derived from the repository, so a new kind of per-topic file without its line fails)."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterable
from functools import cache

import pytest
import references
from helpers import REPO
from test_clause_matrix import MATRIX
from test_domains import STATED

from grader.base.topics import LONGEST_FIRST, MANIFEST, TOPICS, Topic, exercises
from grader.checks import battery

pytestmark = pytest.mark.unit

CHECKLIST = (REPO / "docs" / "authors.md").read_text(encoding="utf-8").split("## Adding a topic", 1)[1]
CHECKLIST = CHECKLIST.split("\n## ", 1)[0]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _defined(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        n.name
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_")
    }


def _in_manifest(topic: Topic) -> None:
    assert topic.name in TOPICS and topic.name in LONGEST_FIRST and topic.seconds > 0


def _stub(topic: Topic) -> None:
    """The manifest's exercises are the stub's public definitions, in its order (the stub as
    committed: a learner's checkout edits it in place)."""
    tree = ast.parse(topic.stub.read_text(encoding="utf-8"))
    public = tuple(
        n.name
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_")
    )
    assert topic.stub == REPO / "exercises" / f"{topic.name}.py" and topic.exercises == public, topic.name


def _solution(topic: Topic) -> None:
    assert set(topic.exercises) <= _defined(topic.solution), topic.name


def _suite(topic: Topic) -> None:
    assert topic.suite.is_file() and topic.suite.name == f"suite_{topic.name}.py"


def _domains(topic: Topic) -> None:
    assert set(battery.exercises(topic.name)) == set(topic.exercises), topic.name
    assert hasattr(references, topic.name) and topic.name in STATED, topic.name


@cache
def _catalogue_text() -> str:
    return (REPO / "tests" / "suites" / "locale" / "zh_CN" / "LC_MESSAGES" / "torchgrade.po").read_text(
        encoding="utf-8"
    )


def _catalogue(topic: Topic) -> None:
    """The suite's strings reached the pack's catalogue (all of them, translated: test_catalogue.py)."""
    assert f"tests/suites/suite_{topic.name}.py:" in _catalogue_text(), (
        f"{topic.name}: run catalogue.py update"
    )


def _headings(path) -> list[str]:
    return re.findall(r"^## (\w+)$", path.read_text(encoding="utf-8"), re.M)


def _hints(topic: Topic) -> None:
    assert set(topic.exercises) <= set(_headings(REPO / "hints" / f"{topic.name}.md")), topic.name


def _hints_zh(topic: Topic) -> None:
    path = REPO / "hints" / "zh_CN" / f"{topic.name}.md"
    assert _headings(path) == _headings(REPO / "hints" / f"{topic.name}.md"), topic.name


def _docstrings_zh(topic: Topic) -> None:
    assert (topic.pack.root / "locale" / "zh_CN" / "docstrings" / f"{topic.name}.md").is_file(), topic.name


def _corpus(topic: Topic) -> None:
    for kind in ("correct", "mistakes"):
        found = list((REPO / "tests" / "corpus" / topic.name / kind).glob("*.py"))
        assert len(found) >= 10, (topic.name, kind)  # test_corpus.py's floor


def _golden(topic: Topic) -> None:
    assert (REPO / "tests" / "golden" / "submission" / f"{topic.name}.py").is_file(), topic.name


def _course(topic: Topic) -> None:
    text = (REPO / "tests" / "grader" / "test_course.py").read_text(encoding="utf-8")
    assert ", ".join(TOPICS) in text, "tests/grader/test_course.py: the list of topics"


def _clause_matrix(topic: Topic) -> None:
    assert set(MATRIX.get(topic.name, {})) == set(topic.exercises), topic.name


def _readme(topic: Topic) -> None:
    row = next((line for line in README.splitlines() if line.startswith(f"| `{topic.name}` |")), "")
    assert row, f"README.md: no row for {topic.name} in the Topics table"
    assert re.findall(r"`(\w+)`", row.rsplit("|", 2)[1]) == list(topic.exercises), topic.name


def _mutants(topic: Topic) -> None:
    assert topic.equivalent_mutants.is_file(), topic.name


# Each item of the checklist (by the path it starts with) and what holds it.
ITEMS: dict[str, Callable[[Topic], None]] = {
    "tests/suites/pack.toml": _in_manifest,
    "exercises/<topic>.py": _stub,
    "solutions/<topic>.py": _solution,
    "tests/suites/domains_<topic>.py": _domains,
    "tests/suites/suite_<topic>.py": _suite,
    "tests/suites/locale/zh_CN/LC_MESSAGES/torchgrade.po": _catalogue,
    "hints/<topic>.md": _hints,
    "hints/zh_CN/<topic>.md": _hints_zh,
    "tests/suites/locale/zh_CN/docstrings/<topic>.md": _docstrings_zh,
    "tests/corpus/<topic>/correct/": _corpus,
    "tests/golden/submission/<topic>.py": _golden,
    "tests/grader/test_clause_matrix.py": _clause_matrix,
    "tests/grader/test_course.py": _course,
    "README.md": _readme,
    "tests/suites/mutants_<topic>.txt": _mutants,
}


def test_the_checklist_is_the_one_this_test_holds():
    listed = re.findall(r"^\d+\. `([^`]+)`", CHECKLIST, re.M)
    assert listed == list(ITEMS), "docs/authors.md, 'Adding a topic': give each item its check here"


@pytest.mark.parametrize("item", list(ITEMS))
@pytest.mark.parametrize("topic", MANIFEST, ids=lambda t: t.name)
def test_every_item_holds_for_every_topic(item, topic):
    ITEMS[item](topic)


def test_the_manifest_is_read_for_the_exercises():
    assert exercises("losses")[:3] == ("mse", "l1", "huber")
    assert TOPICS == tuple(t.name for t in MANIFEST)
    assert len(set(TOPICS)) == len(TOPICS)


SKIPPED = {"__pycache__", "node_modules", "build", "dist"}


@cache
def _files() -> tuple[str, ...]:
    """The repository's files, relative (hidden folders, caches and builds left out)."""
    found = []
    for root, dirs, names in os.walk(REPO):
        dirs[:] = [
            d for d in dirs if not d.startswith(".") and d not in SKIPPED and not d.endswith(".egg-info")
        ]
        found += [os.path.relpath(os.path.join(root, n), REPO) for n in names]
    return tuple(found)


def per_topic_kinds(files: Iterable[str], topics: Iterable[str]) -> set[str]:
    """The paths every topic has, the topic's name as ``<topic>``; a file inside a topic's own
    folder stands for that folder (``tests/corpus/<topic>/correct/``)."""
    topics = list(topics)
    owners: dict[str, set[str]] = {}
    for path in files:
        parts = path.split(os.sep)
        for topic in topics:
            named = [re.sub(rf"(?<![A-Za-z0-9]){topic}(?![A-Za-z0-9])", "<topic>", p) for p in parts]
            if named == parts:
                continue
            if "<topic>" in named[:-1]:  # in a folder of the topic's: that folder, or its subfolder
                at = named.index("<topic>")
                named = named[: min(at + 2, len(named) - 1)] + [""]
            owners.setdefault("/".join(named), set()).add(topic)
    return {kind for kind, owned in owners.items() if owned == set(topics)}


def naming_every_topic(files: Iterable[str], topics: Iterable[str]) -> set[str]:
    """The Python files that name every topic as a string, or list them all in one line."""
    topics = list(topics)
    found = set()
    for path in files:
        if path.endswith(".py") and not path.startswith(("tests/corpus/", "tests/golden/")):
            text = (REPO / path).read_text(encoding="utf-8", errors="replace")
            if ", ".join(topics) in text or all(f'"{t}"' in text for t in topics):
                found.add(path.replace(os.sep, "/"))
    return found


def test_the_checklist_names_every_file_a_topic_has():
    # a blind batch's folders are named by its tester (attacks125's control_<topic>/), no topic's kind of file
    kinds = per_topic_kinds([f for f in _files() if not f.startswith("tests/corpus/blind/")], TOPICS)
    assert {"exercises/<topic>.py", "hints/<topic>.md", "tests/corpus/<topic>/mistakes/"} <= kinds
    assert sorted(k for k in kinds if f"`{k}`" not in CHECKLIST) == []


def test_the_checklist_names_every_file_naming_all_the_topics():
    found = naming_every_topic(_files(), TOPICS)
    assert "tests/grader/test_course.py" in found  # the manifest: tests/suites/pack.toml, not Python
    assert sorted(f for f in found if f"`{f}`" not in CHECKLIST) == []


def test_a_new_kind_of_per_topic_file_is_seen():
    files = [f"exercises/{t}.py" for t in ("a", "b")] + [
        f"notes/{t}/x{i}.md" for t in ("a", "b") for i in (1, 2)
    ]
    files += ["similar/ana/a.py", "tests/corpus/a/correct/c0.py", "tests/corpus/b/correct/c1.py"]
    kinds = per_topic_kinds(files, ["a", "b"])
    assert kinds == {"exercises/<topic>.py", "notes/<topic>/", "tests/corpus/<topic>/correct/"}
    assert "`notes/<topic>/`" not in CHECKLIST  # so a repository with it fails the test above


_NO_PAGE = r"((?!\.md).){0,80}?"  # within one line, no other page named between


def test_pointers_to_adding_a_topic_lead_to_its_checklist():
    # The checklist is in authors.md; a page that sends a topic's author elsewhere misleads.
    pages = [REPO / "README.md", REPO / "tests" / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    wrong = [
        f"{page.relative_to(REPO)}:{number}"
        for page in pages
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(
            rf"contributing\.md{_NO_PAGE}(adding|checklist)|(adding|checklist){_NO_PAGE}contributing\.md",
            line,
            re.I,
        )
    ]
    assert not wrong, f"these send a topic's author to contributing.md, not authors.md: {wrong}"
