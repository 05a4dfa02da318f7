"""One manifest of topics (grader/topics.py) and the "Adding a topic" checklist of
docs/architecture.md: every item of the checklist holds for every topic of the manifest."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

import pytest
from helpers import REPO
from test_clause_matrix import MATRIX

from grader.topics import LONGEST_FIRST, MANIFEST, TOPICS, Topic, exercises

pytestmark = pytest.mark.unit

CHECKLIST = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8").split("## Adding a topic", 1)[1]
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
    assert topic.stub == REPO / "exercises" / f"{topic.name}.py" and topic.exercises


def _solution(topic: Topic) -> None:
    assert set(topic.exercises) <= _defined(topic.solution), topic.name


def _suite(topic: Topic) -> None:
    assert topic.suite.is_file() and topic.suite.name == f"suite_{topic.name}.py"


def _corpus(topic: Topic) -> None:
    for kind in ("correct", "mistakes"):
        assert any((REPO / "tests" / "corpus" / topic.name / kind).glob("*.py")), (topic.name, kind)


def _clause_matrix(topic: Topic) -> None:
    assert set(MATRIX.get(topic.name, {})) == set(topic.exercises), topic.name


def _readme(topic: Topic) -> None:
    row = next((line for line in README.splitlines() if line.startswith(f"| `{topic.name}` |")), "")
    assert row, f"README.md: no row for {topic.name} in the Topics table"
    assert re.findall(r"`(\w+)`", row.rsplit("|", 2)[1]) == list(topic.exercises), topic.name


# Each item of the checklist (by the path it starts with) and what holds it.
ITEMS: dict[str, Callable[[Topic], None]] = {
    "grader/topics.py": _in_manifest,
    "exercises/<topic>.py": _stub,
    "solutions/<topic>.py": _solution,
    "tests/suites/suite_<topic>.py": _suite,
    "tests/corpus/<topic>/correct/": _corpus,
    "tests/grader/test_clause_matrix.py": _clause_matrix,
    "README.md": _readme,
}


def test_the_checklist_is_the_one_this_test_holds():
    listed = re.findall(r"^\d+\. `([^`]+)`", CHECKLIST, re.M)
    assert listed == list(ITEMS), "docs/architecture.md, 'Adding a topic': give each item its check here"


@pytest.mark.parametrize("item", list(ITEMS))
@pytest.mark.parametrize("topic", MANIFEST, ids=lambda t: t.name)
def test_every_item_holds_for_every_topic(item, topic):
    ITEMS[item](topic)


def test_the_manifest_is_read_for_the_exercises():
    assert exercises("losses")[:3] == ("mse", "l1", "huber")
    assert TOPICS == tuple(t.name for t in MANIFEST)
    assert len(set(TOPICS)) == len(TOPICS)
