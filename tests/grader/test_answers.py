"""Every file a student hands in is kept (capped, never run) and shown safely on the review page.

A Moodle class whose students answer in online text (``onlinetext.html``), a ``.txt`` and a
``.md`` beside their code, with a PDF, a PNG and an SVG: intake keeps each one, the review page
renders text escaped, markdown and HTML through the allow-list, links the PDF and the PNG (copied
beside the pages) and never the SVG. Each answer carries what would run were it not sanitised.
"""

from __future__ import annotations

import zipfile
from html.parser import HTMLParser

import pytest
from test_report_html import make_check

from grader.base import defaults
from grader.batch import answers, intake
from grader.batch.gradebook import CourseBook, Gradebook, Row
from grader.batch.intake import Gradable, Rejected
from grader.batch.review import write_review

pytestmark = pytest.mark.unit

LOSSES = "def mse(a, b):\n    return ((a - b) ** 2).mean()\n"
ONLINE = (
    "<p>Softmax subtracts the <strong>maximum</strong>.</p><script>document.title='owned'</script>"
    '<img src="x" onerror="document.title=\'owned\'"><a href="javascript:alert(1)">click</a>'
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>'
    '<p onclick="alert(1)">exp overflows</p><a href="https://pytorch.org/docs">docs</a>'
)
MARKDOWN = (
    "# Why\n\nexp(x) **overflows** for large x.\n\n<script>alert(1)</script>\n\n"
    "[link](javascript:alert(1)) ![pixel](https://tracker.example/p.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
)
TEXT = "exp(1000) is inf </pre><script>alert(1)</script>\n"
HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"


class Page(HTMLParser):
    """The tags, attributes and text of a page."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.text = ""
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(k, v or "") for k, v in attrs]

    def handle_data(self, data: str) -> None:
        self.text += data


def assert_inert(source: str) -> None:
    page = Page(source.split("<body>", 1)[-1])  # a page's own style is in its head
    assert not {"script", "img", "iframe", "style", "object", "embed", "svg"} & set(page.tags)
    assert not [k for k, _ in page.attributes if k.startswith("on")]
    assert not [v for k, v in page.attributes if k in ("href", "src") and "javascript" in v.lower()]


def moodle_class(root):
    """Three students as Moodle 4.1+ downloads them: file folder and online text folder."""
    download = root / "class"
    for person, user, extra in (
        ("Alice Liddell", "501", {}),
        ("Bob Builder", "502", {"explain.txt": TEXT, HOSTILE_NAME: "hostile name"}),
        ("Carol Ann", "503", {"explain.md": MARKDOWN}),
    ):
        files = download / f"{person}_{user}_assignsubmission_file"
        files.mkdir(parents=True)
        (files / "losses.py").write_text(LOSSES)
        for name, text in extra.items():
            (files / name).write_text(text)
        if person.startswith("Alice"):
            online = download / f"{person}_{user}_assignsubmission_onlinetext"
            online.mkdir()
            (online / "onlinetext.html").write_text(ONLINE)
            (files / "report.pdf").write_bytes(b"%PDF-1.4 report")
            (files / "curve.png").write_bytes(b"\x89PNG\r\n\x1a\n")
            (files / "drawing.svg").write_text(
                '<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'
            )
    return download


def taken(download, scratch) -> dict[str, Gradable | Rejected]:
    found = intake.gather(sorted(download.iterdir()))
    return {s.student: intake.take_submission(s, scratch) for s in found}


def test_intake_keeps_every_file_besides_code_and_grades_only_the_code(tmp_path):
    items = taken(moodle_class(tmp_path), tmp_path / "scratch")
    alice = items["Alice Liddell_501"]
    assert isinstance(alice, Gradable) and alice.topics == ("losses",) and alice.notes == ""
    assert sorted(k.name for k in alice.kept) == ["curve.png", "drawing.svg", "onlinetext.html", "report.pdf"]
    assert sorted(k.name for k in items["Bob Builder_502"].kept) == [HOSTILE_NAME, "explain.txt"]
    assert [k.name for k in items["Carol Ann_503"].kept] == ["explain.md"]
    assert sorted(p.name for p in alice.path.iterdir()) == ["losses.py"]  # nothing else is graded


def test_a_student_with_only_a_written_answer_is_rejected_with_it_kept(tmp_path):
    folder = tmp_path / "dl" / "Dan Dare_504_assignsubmission_onlinetext"
    folder.mkdir(parents=True)
    (folder / "onlinetext.html").write_text("<p>my answer</p>")
    (item,) = taken(tmp_path / "dl", tmp_path / "scratch").values()
    assert isinstance(item, Rejected) and "kept to read: onlinetext.html" in item.reason
    assert [k.name for k in item.kept] == ["onlinetext.html"]


def test_files_over_the_caps_links_and_hidden_files_are_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(defaults, "KEPT_FILE_BYTES", 100)
    download = tmp_path / "dl"
    download.mkdir()
    (download / "kimbo_42_1_losses.py").write_text(LOSSES)
    (download / "kimbo_42_2_big.txt").write_text("x" * 101)
    (download / "kimbo_42_3_small.txt").write_text("x" * 100)
    with zipfile.ZipFile(download / "kimbo_42_4_extra.zip", "w") as archive:
        archive.writestr("notes/answer.md", "# hi\n")
        archive.writestr("notes/.secret.md", "hidden\n")
        archive.writestr("__MACOSX/._answer.md", "junk\n")
    (item,) = taken(download, tmp_path / "scratch").values()
    assert sorted(k.name for k in item.kept) == ["extra.zip/notes/answer.md", "small.txt"]
    assert "big.txt: over 0 MB, not kept" in item.notes


def test_a_folder_or_a_zip_entry_keeps_its_other_files(tmp_path):
    (tmp_path / "class" / "alice").mkdir(parents=True)
    (tmp_path / "class" / "alice" / "losses.py").write_text(LOSSES)
    (tmp_path / "class" / "alice" / "answers.md").write_text("because\n")
    with zipfile.ZipFile(tmp_path / "class" / "bob.zip", "w") as archive:
        archive.writestr("exercises/losses.py", LOSSES)
        archive.writestr("exercises/why.txt", "because\n")
    alice = intake.take(tmp_path / "class" / "alice", tmp_path / "s")
    bob = intake.take(tmp_path / "class" / "bob.zip", tmp_path / "s")
    assert [k.name for k in alice.kept] == ["answers.md"]
    assert [k.name for k in bob.kept] == ["exercises/why.txt"]


@pytest.mark.parametrize(
    ("name", "content", "shown"),
    [
        ("onlinetext.html", ONLINE, ["Softmax subtracts the", "<strong>maximum</strong>", "exp overflows"]),
        ("explain.md", MARKDOWN, ["<h1>Why</h1>", "<strong>overflows</strong>", "<td>2</td>"]),
        ("explain.txt", TEXT, ["exp(1000) is inf &lt;/pre&gt;&lt;script&gt;"]),
    ],
)
def test_answers_render_with_their_markup_kept_and_nothing_that_runs(tmp_path, name, content, shown):
    path = tmp_path / name
    path.write_text(content)
    rendered = answers.render(answers.Kept(name, path, path.stat().st_size), None)
    assert_inert(rendered)
    assert all(piece in rendered for piece in shown), rendered
    if name == "onlinetext.html":
        assert 'href="https://pytorch.org/docs"' in rendered and 'rel="noopener noreferrer"' in rendered


def test_pdfs_and_images_are_linked_svg_and_binary_files_are_not(tmp_path):
    for name, data in (("r.pdf", b"%PDF"), ("c.png", b"\x89PNG"), ("d.svg", b"<svg/>"), ("e.txt", b"a\0b")):
        (tmp_path / name).write_bytes(data)
    kept = {n: answers.Kept(n, tmp_path / n, 4) for n in ("r.pdf", "c.png", "d.svg", "e.txt")}
    assert '<a href="files/0">open r.pdf</a>' in answers.render(kept["r.pdf"], "files/0")
    assert "<a " in answers.render(kept["c.png"], "files/1")
    assert "<a " not in answers.render(kept["d.svg"], "files/2") and "not shown" in answers.render(
        kept["d.svg"], "files/2"
    )
    assert "not shown (not text)" in answers.render(kept["e.txt"], None)


def test_the_review_page_shows_each_answer_and_links_the_copied_pdf(tmp_path):
    download = moodle_class(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    gradebook = Gradebook(out / "gradebook.sqlite")
    tests = [make_check("passed", "mse")]
    for student in ("Alice Liddell_501", "Bob Builder_502", "Carol Ann_503"):
        gradebook.record(
            Row(student, "h", "v", "graded", "", 0, 0, {"topics": [{"name": "losses", "tests": tests}]})
        )
    CourseBook(gradebook).set_meta("submissions", str(download))
    gradebook.close()
    write_review(out)
    pages = {p.name: p.read_text() for p in (out / "review").glob("*.html")}
    alice = next(v for k, v in pages.items() if k.startswith("student-Alice"))
    bob = next(v for k, v in pages.items() if k.startswith("student-Bob"))
    carol = next(v for k, v in pages.items() if k.startswith("student-Carol"))
    for page in (alice, bob, carol):
        assert_inert(page)
    assert "<strong>maximum</strong>" in alice and "def mse(a, b):" in alice
    assert "<h1>Why</h1>" in carol and "exp(1000) is inf &lt;/pre&gt;" in bob
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in bob  # a file's name is text too
    links = [v for k, v in Page(alice).attributes if k == "href" and v.startswith("files-")]
    assert len(links) == 2 and all((out / "review" / link).is_file() for link in links)
    assert "drawing.svg" in alice and not (out / "review" / links[0]).name.endswith(".svg")


def test_a_written_items_notebook_cells_are_those_tagged_else_under_its_heading():
    cell = answers.Cell
    cells = (
        cell("markdown", "# Homework 1"),
        cell("markdown", "## Question 1: why subtract the *maximum*?\n\nexp overflows."),
        cell("code", "print(torch.exp(torch.tensor(1000.)))"),
        cell("markdown", "### A note\n\nstill question 1"),
        cell("markdown", "## Question 10\n\nnot question 1"),
        cell("markdown", "The curve falls.", ("plot", "other")),
        cell("markdown", "## Why does softmax subtract the maximum?\n\nby the title"),
    )
    assert answers.answering(cells, "explain", "question 1") == cells[1:4]  # to the next ##, not ###
    assert answers.answering(cells, "plot", "Question 1") == (cells[5],)  # a tag wins
    assert answers.answering(cells, "explain", "Why does softmax subtract the maximum?") == cells[6:]
    assert answers.answering(cells, "explain", "Question 2") == ()
    shown = answers.render_notebook(answers.answering(cells, "x", "Question 1"))
    assert "<em>maximum</em>" in shown and "torch.exp(torch.tensor(1000.))" in shown
