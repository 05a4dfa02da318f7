"""``grade batch review`` and report.html: a static page per student with their code beside their
results, read in headless Chromium (a screenshot), and 0 WCAG 2.1 A/AA violations under axe-core.

The class is built as gradebook rows (no grading) with a course file that has a manual item;
alice's code holds markup that would close the code block and run a script were it not escaped.
The Chromium tests skip where Chromium or axe-core is missing (tests/grader/axe.py).
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser

import axe
import pytest
from test_report_html import make_check

from grader.batch.gradebook import CourseBook, Gradebook, Row
from grader.batch.marks import Mark, MarkBook
from grader.batch.overrides import open_recorded
from grader.batch.report_html import write_report
from grader.batch.review import write_review
from grader.batch.standing import final_rows
from grader.batch.summary import class_stats

HOSTILE_CODE = (
    "def mse(a, b):\n    return \"</code></pre><script>document.title='owned'</script><b>bold</b>\"\n"
)
NOTE = "PRIVATE-review-note"
COURSE = """
[assignments.hw1]
title = "Homework 1"
exercises = ["losses.mse", "losses.huber"]
points = 100

[assignments.hw1.manual.explain]
title = "Why does huber switch to a line?"
points = 20
"""


def _row(student: str, mse: str, huber: str) -> Row:
    tests = [
        make_check(mse, "mse", message="mse differs"),
        make_check(huber, "huber", message="huber <i>wrong</i>"),
    ]
    return Row(student, "h", "v", "graded", "", 0, 0, {"topics": [{"name": "losses", "tests": tests}]})


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    (root / "course.toml").write_text(COURSE)
    for student, code in (
        ("alice", HOSTILE_CODE),
        ("bob", "def mse(a, b):\n    return 0\n"),
        ("index", "x = 1\n"),
    ):
        (root / "class" / student).mkdir(parents=True)
        (root / "class" / student / "losses.py").write_text(code)
    folder = root / "out"
    folder.mkdir()
    gradebook = Gradebook(folder / "gradebook.sqlite")
    for row in (
        _row("alice", "passed", "passed"),
        _row("bob", "failed", "passed"),
        _row("index", "failed", "failed"),
    ):
        gradebook.record(row)
    book = CourseBook(gradebook)
    book.set_meta("course", {"file": str(root / "course.toml"), "assignment": "hw1"})
    book.set_meta("submissions", str(root / "class"))
    marks = MarkBook(gradebook.connection)
    marks.put_marks([Mark("alice", "explain", 15, comment="good <u>point</u>", note=NOTE, marked_by="ta")])
    marks.open_inquiry("bob", "losses.mse", "why 0?", "bob")
    gradebook.close()
    write_review(folder)
    return folder


class Shown(HTMLParser):
    """What a page shows: its text by element (code blocks, cells), its scripts and links."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.code: list[str] = []
        self.links: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.inside = self.inside or tag == "code"
        self.links += [v or "" for k, v in attrs if k == "href"]
        if tag == "code":
            self.code.append("")

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "code"

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.code[-1] += data


@pytest.mark.unit
def test_each_page_shows_the_code_as_text_beside_the_results(out):
    pages = {p.name: p.read_text() for p in (out / "review").iterdir()}
    # a student named "index" (a submission's name) gets a page of their own, not the index
    assert sorted(pages) == ["index.html", "student-alice.html", "student-bob.html", "student-index.html"]
    alice = Shown()
    alice.feed(pages["student-alice.html"])
    assert "script" not in alice.tags and "b" not in alice.tags  # the code's markup stays text
    assert alice.code == [HOSTILE_CODE]
    assert 'losses.mse</th><td class="n">40 / 40</td>' in pages["student-alice.html"]
    assert (
        "15 / 20" in pages["student-alice.html"]
        and "good &lt;u&gt;point&lt;/u&gt;" in pages["student-alice.html"]
    )
    assert alice.links == ["index.html", "student-bob.html"]
    bob = Shown()
    bob.feed(pages["student-bob.html"])
    assert bob.links == ["index.html", "student-alice.html", "student-index.html"]
    assert "Inquiry about losses.mse (open): why 0?" in pages["student-bob.html"]
    assert "<td>huber &lt;i&gt;wrong&lt;/i&gt;</td>" in pages["student-index.html"]  # a check's message: text
    assert "not marked yet" in pages["student-bob.html"] and "not marked yet" in pages["index.html"]
    assert all(NOTE not in page for page in pages.values())
    assert re.search(r"alice</a></th><td class=\"n\">95 / 100", pages["index.html"])


def _chromium(*args: str) -> subprocess.CompletedProcess:
    assert axe.CHROMIUM is not None
    command = [axe.CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


@pytest.mark.e2e
@pytest.mark.skipif(axe.CHROMIUM is None, reason="no Chromium installed (apt install chromium)")
def test_the_review_page_renders_in_headless_chromium(out, tmp_path):
    page = out / "review" / "student-alice.html"
    dumped = _chromium("--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    shown = Shown()
    shown.feed(dumped.stdout)
    assert shown.code == [HOSTILE_CODE] and "script" not in shown.tags
    assert "<title>alice: Homework 1</title>" in dumped.stdout  # the code's script never ran
    shot = tmp_path / "review.png"
    _chromium("--window-size=1280,900", f"--screenshot={shot}", page.as_uri())
    assert shot.stat().st_size > 10_000


@pytest.mark.e2e
@pytest.mark.skipif(not axe.available(), reason=axe.MISSING)
def test_report_and_review_pages_have_no_wcag_violations(out, tmp_path):
    recorded = open_recorded(out)
    rows = final_rows(recorded.gradebook.rows(), recorded.assignment, recorded.book)
    recorded.close()
    report = write_report(class_stats(rows), "Homework 1", tmp_path)
    assert '<table id="manual">' in report.read_text() and '<table id="inquiries">' in report.read_text()
    pages = [
        report,
        out / "review" / "index.html",
        out / "review" / "student-alice.html",
        out / "review" / "student-bob.html",
    ]
    found = {page.name: axe.violations(page, tmp_path) for page in pages}
    assert found == {page.name: [] for page in pages}
