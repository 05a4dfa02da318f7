"""A class with written answers marked entirely from ``grade batch review --serve`` in headless
Chromium, by keyboard, and the marks in every export after the next ``grade batch``.

Two classes of three, graded for real: a Moodle download (online text, ``.txt`` and ``.md``
answers beside the code, a Moodle grading worksheet) and a Canvas one (``.txt`` and ``.md``, a
Canvas gradebook export). In each, the instructor presses ``n`` for the first student not
marked, ticks rubric lines with ``1``–``3`` (then ``c`` to the comment) or types points (then
Tab to the comment), types it and saves with Ctrl+Enter, which moves on to the next student not marked, until the class is done.
A second tab saving over a mark changed meanwhile is refused and loses nothing; the server
answers nothing without its token, to another Host, or to a form from another origin; a
student's hostile answer runs nothing; Ctrl-C stops the server. The next ``grade batch`` puts
the marks, comments and rubric lines into gradebook.csv, moodle.csv, canvas.csv and the feedback.
"""

from __future__ import annotations

import csv
import html
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import axe
import pytest
from browser import CHROMIUM, Browser, Tab
from helpers import REPO, run_grade

from grader.batch.gradebook import Gradebook
from grader.batch.marks import MarkBook

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt install chromium)"),
]

RIGHT = (REPO / "solutions" / "losses.py").read_text()
STUB = (REPO / "exercises" / "losses.py").read_text()
COURSE = """
[assignments.hw1]
title = "Homework 1"
exercises = ["losses.mse"]
points = 30

[assignments.hw1.manual.explain]
title = "Why does softmax subtract the maximum?"
points = 20
rubric = [
    { id = "overflow", points = 10, text = "exp overflows" },
    { id = "same", points = 5, text = "the result is unchanged" },
    { id = "stable", points = 5, text = "names numerical stability" },
]
"""
ONLINE = "<p>Because <strong>exp</strong> overflows.</p><script>document.title='owned'</script>"
HOSTILE_MD = "# Answer\n\nexp(1000) = inf\n\n<script>document.title='owned'</script>\n<img src=x onerror=\"document.title='owned'\">\n"
WORKSHEET = (
    "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
    "Last modified (submission),Last modified (grade),Feedback comments\n"
    "Participant 501,Alice Liddell,alice@uni.example,Submitted,,30.00,Yes,-,-,\n"
    "Participant 502,Bob Builder,bob@uni.example,Submitted,,30.00,Yes,-,-,\n"
    "Participant 503,Carol Ann,carol@uni.example,Submitted,,30.00,Yes,-,-,\n"
)
CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section\n"
    "    Points Possible,,,,\n"
    '"Liddell, Alice",108,S1,alice,A\n'
    '"Builder, Bob",109,S2,bob,A\n'
    '"Ann, Carol",110,S3,carol,A\n'
)
# What the instructor does for each student: rubric lines ticked by number, or points typed.
MARKING = {
    "alice": ("12", "", "clear, but stability is missing"),
    "bob": ("", "7", "see <b>the notes</b>"),
    "carol": ("123", "", "full marks"),
}
EXPECTED = {"alice": 15.0, "bob": 7.0, "carol": 20.0}
SURNAMES = {"alice": "Liddell", "bob": "Builder", "carol": "Ann"}


def moodle_class(root):
    download = root / "moodle"
    answers = {
        "501": ("onlinetext.html", ONLINE),
        "502": ("explain.txt", "exp overflows\n"),
        "503": ("explain.md", HOSTILE_MD),
    }
    for person, user, code in (
        ("Alice Liddell", "501", RIGHT),
        ("Bob Builder", "502", STUB),
        ("Carol Ann", "503", RIGHT),
    ):
        files = download / f"{person}_{user}_assignsubmission_file"
        files.mkdir(parents=True)
        (files / "losses.py").write_text(code)
        name, text = answers[user]
        if name == "onlinetext.html":
            (download / f"{person}_{user}_assignsubmission_onlinetext").mkdir()
            (download / f"{person}_{user}_assignsubmission_onlinetext" / name).write_text(text)
            (files / "curve.png").write_bytes(b"\x89PNG\r\n\x1a\n")
            (files / "drawing.svg").write_text(
                "<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>"
            )
        else:
            (files / name).write_text(text)
    (root / "worksheet.csv").write_text(WORKSHEET)


def canvas_class(root):
    download = root / "canvas"
    download.mkdir()
    for login, user, code, name, text in (
        ("liddellalice", "108", RIGHT, "explain.txt", "exp overflows\n"),
        ("builderbob", "109", STUB, "explain.md", "**exp** overflows\n"),
        ("anncarol", "110", RIGHT, "explain.txt", "stability\n"),
    ):
        (download / f"{login}_{user}_9{user}_losses.py").write_text(code)
        (download / f"{login}_{user}_8{user}_{name}").write_text(text)
    (root / "canvas.csv").write_text(CANVAS)


def grade_batch(root, lms: str, roster: str) -> subprocess.CompletedProcess:
    done = run_grade(
        "batch", str(root / lms), "--out", str(root / f"out-{lms}"), "--course", str(root / "course.toml"),
        "--assignment", "hw1", "--roster", str(root / roster), "-k", "not convergence", "--workers", "2",
        env={"TORCHGRADE_SUITES": str(root / "suites")},
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("marking")
    (root / "course.toml").write_text(COURSE)
    shutil.copytree(REPO / "tests" / "suites", root / "suites")
    moodle_class(root)
    canvas_class(root)
    grade_batch(root, "moodle", "worksheet.csv")
    grade_batch(root, "canvas", "canvas.csv")
    return root


class Server:
    """``grade batch review --serve`` in its own process; its address read from its first line."""

    def __init__(self, out) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader", "batch", "review", "--serve", "--out", str(out), "--by", "ta1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        )  # fmt: skip
        line = self.process.stdout.readline() if self.process.stdout else ""
        assert " at http://127.0.0.1:" in line, line + (
            self.process.stderr.read() if self.process.stderr else ""
        )
        self.url = line.split(" at ", 1)[1].split()[0]

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)  # Ctrl-C
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out + err


@pytest.fixture
def browser():
    started = Browser()
    yield started
    started.close()


def who(tab: Tab) -> str:
    """The student on the page, by the first word of their key ("alice@uni.example", "alice")."""
    name = str(tab.evaluate("document.querySelector('h1').textContent"))
    return next(s for s in MARKING if s in name.lower())


def tab_to(tab: Tab, field: str) -> None:
    for _ in range(12):
        if tab.evaluate("document.activeElement && document.activeElement.name") == field:
            return
        tab.press("Tab")
    raise AssertionError(f"Tab never reached {field}")


def mark_here(tab: Tab) -> str:
    """Mark the student on the page by keyboard, as MARKING says; save and go on."""
    student = who(tab)
    ticks, points, comment = MARKING[student]
    for key in ticks:
        tab.press(key)
    if points:
        tab_to(tab, "points")
        tab.type(points)
        tab_to(tab, "comment")
    else:  # from a rubric line, ``c`` goes to the comment box and types nothing
        tab.press("c")
        focused = "[document.activeElement.name, document.activeElement.value]"
        assert tab.evaluate(focused) == ["comment", ""]
    tab.type(comment)
    here = str(tab.evaluate("location.href"))
    tab.press("Enter", ctrl=True)
    tab.wait_to_leave(here)
    return student


def mark_class(tab: Tab, url: str) -> list[str]:
    tab.open(url)
    here = str(tab.evaluate("location.href"))
    tab.press("n")
    tab.wait_to_leave(here)
    marked = []
    while "every student is marked" not in str(tab.evaluate("document.body.textContent")):
        assert len(marked) < 3, marked
        marked.append(mark_here(tab))
    return marked


def recorded(out) -> dict[str, tuple[float, tuple[str, ...], str, str]]:
    gradebook = Gradebook(out / "gradebook.sqlite")
    try:
        marks = MarkBook(gradebook.connection).marks()
    finally:
        gradebook.close()
    return {
        s: (m["explain"].points, m["explain"].rubric, m["explain"].comment, m["explain"].marked_by)
        for s, m in marks.items()
    }


def by_first_name(found: dict) -> dict:
    return {next(s for s in MARKING if s in key): value for key, value in found.items()}


def status(url: str, data: bytes | None = None, headers: dict | None = None) -> int:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_class_marked_by_keyboard_in_the_browser_reaches_every_export(course, browser):
    for lms in ("moodle", "canvas"):
        server = Server(course / f"out-{lms}")
        try:
            tab = browser.tab()
            assert sorted(mark_class(tab, server.url)) == ["alice", "bob", "carol"]
        finally:
            code, said = server.stop()
        assert code == 0 and "stopped: 3 mark(s) saved" in said, said
        marks = by_first_name(recorded(course / f"out-{lms}"))
        assert {s: m[0] for s, m in marks.items()} == EXPECTED
        assert marks["alice"][1] == ("overflow", "same") and marks["alice"][3] == "ta1"
        assert marks["bob"][1:3] == ((), "see <b>the notes</b>")
    grade_batch(course, "moodle", "worksheet.csv")
    grade_batch(course, "canvas", "canvas.csv")
    for lms in ("moodle", "canvas"):
        out = course / f"out-{lms}"
        totals = {row["student"]: row["total"] for row in csv.DictReader((out / "gradebook.csv").open())}
        assert by_first_name(totals) == {"alice": "25", "bob": "7", "carol": "30"}
        alice = next((out / "feedback").glob("alice*.md")).read_text()
        assert "clear, but stability is missing" in alice and "exp overflows" in alice and "15 / 20" in alice
    with (course / "out-moodle" / "moodle.csv").open(encoding="utf-8-sig", newline="") as handle:
        worksheet = {row["Full name"]: row for row in csv.DictReader(handle)}
    assert worksheet["Alice Liddell"]["Grade"] == "25.00" and worksheet["Bob Builder"]["Grade"] == "7.00"
    assert "clear, but stability is missing" in worksheet["Alice Liddell"]["Feedback comments"]
    assert "the notes" in worksheet["Bob Builder"]["Feedback comments"]
    with (course / "out-canvas" / "canvas.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert {row[3]: row[-1] for row in list(csv.reader(handle))[2:]} == {
            "alice": "25",
            "bob": "7",
            "carol": "30",
        }
    with zipfile.ZipFile(course / "out-canvas" / "canvas-feedback.zip") as archive:
        said = b"".join(archive.read(name) for name in archive.namelist())
    assert b"clear, but stability is missing" in said and b"full marks" in said


def test_a_second_tab_loses_no_mark_and_hostile_answers_run_nothing(course, browser):
    out = course / "out-moodle"
    server = Server(out)
    try:
        first, second = browser.tab(), browser.tab()
        first.open(server.url)
        alice = first.evaluate(
            "[...document.querySelectorAll('a')].find(a => a.textContent.includes('(alice@')).href"
        )
        carol = first.evaluate(
            "[...document.querySelectorAll('a')].find(a => a.textContent.includes('(carol@')).href"
        )
        second.open(alice)
        first.open(alice)
        before = recorded(out)["alice@uni.example"][0]
        first.press("3")  # tick the third line: +5
        first.press("Enter", ctrl=True)
        first.wait_to_leave(alice)
        assert recorded(out)["alice@uni.example"][0] == before + 5
        second.press("1")  # the second tab, drawn before: its save is refused, nothing lost
        second.press("Enter", ctrl=True)
        second.wait_for("document.readyState === 'complete' && document.querySelector('.problem') !== null")
        assert "was changed meanwhile" in str(
            second.evaluate("document.querySelector('.problem').textContent")
        )
        assert recorded(out)["alice@uni.example"][0] == before + 5
        second.open(alice)  # reloaded, it saves over the new mark
        second.press("3")
        second.press("Enter", ctrl=True)
        second.wait_to_leave(alice)
        assert recorded(out)["alice@uni.example"][0] == before
        first.open(carol)  # the hostile markdown is text; nothing ran
        assert first.evaluate("document.title") != "owned"
        assert first.evaluate("document.querySelectorAll('.answer script, .answer img').length") == 0
        assert "exp(1000) = inf" in str(first.evaluate("document.querySelector('.answer').textContent"))
        first.open(alice)
        assert first.evaluate("document.title") != "owned" and "Because exp overflows." in str(
            first.evaluate("document.querySelector('.answer').textContent")
        )
        links = first.evaluate("[...document.querySelectorAll('.answer, a')].map(a => a.href || '')")
        picture = next(link for link in links if "/f/" in link)
        with urllib.request.urlopen(picture) as answer:
            assert (
                answer.headers["Content-Type"] == "image/png"
                and "sandbox" in answer.headers["Content-Security-Policy"]
            )
        with urllib.request.urlopen(alice) as answer:
            policy = answer.headers["Content-Security-Policy"]
            assert "default-src 'none'" in policy and "script-src 'nonce-" in policy
            assert answer.headers["Referrer-Policy"] == "same-origin"
        token = server.url.rstrip("/").rsplit("/", 1)[1]
        port = server.url.split(":")[2].split("/")[0]
        assert status(server.url.replace(token, "x" * len(token))) == 404
        assert status(server.url.replace(token + "/", "")) == 404
        assert status(server.url, headers={"Host": f"evil.example:{port}"}) == 404  # DNS rebinding
        form = urllib.parse.urlencode({"item": "explain", "base": "", "points": "0", "then": "stay"}).encode()
        posted = status(alice + "/mark", form, {"Origin": "https://evil.example"})
        assert posted == 404 and recorded(out)["alice@uni.example"][0] == before
    finally:
        code, said = server.stop()
    assert code == 0 and "stopped: 2 mark(s) saved" in said, said
    assert os.path.exists(out / "gradebook.sqlite")


@pytest.mark.skipif(not axe.available(), reason=axe.MISSING)
def test_the_marking_and_review_pages_with_answers_have_no_wcag_violations(course, tmp_path):
    out = course / "out-moodle"
    server = Server(out)
    try:
        with urllib.request.urlopen(server.url) as answer:
            index = answer.read().decode()
        pages = {"marking-index.html": index}
        for position in range(3):
            with urllib.request.urlopen(f"{server.url}s/{position}") as answer:
                pages[f"marking-{position}.html"] = answer.read().decode()
    finally:
        server.stop()
    for name, page in pages.items():
        (tmp_path / name).write_text(page, encoding="utf-8")
    done = run_grade("batch", "review", "--out", str(out))
    assert done.returncode == 0, done.stderr
    checked = [tmp_path / name for name in pages] + sorted((out / "review").glob("*.html"))
    found = {page.name: axe.violations(page, tmp_path) for page in checked}
    assert found == {page.name: [] for page in checked}


@pytest.mark.skipif(not axe.available(), reason=axe.MISSING)
def test_similarity_and_feedback_pages_have_no_wcag_violations(course, tmp_path):
    done = run_grade("similarity", str(course / "moodle"), "--out", str(tmp_path / "sim"))
    assert done.returncode == 0, done.stderr
    checked = [
        tmp_path / "sim" / "similarity.html",
        *sorted((course / "out-moodle" / "feedback").glob("*.html")),
    ]
    found = {page.name: axe.violations(page, tmp_path) for page in checked}
    assert found == {page.name: [] for page in checked}


def visible(page: str) -> str:
    """A page's text as a reader sees it: no tags, no scripts or styles, entities read."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def keys_without_names(text: str, people: dict[str, str]) -> list[str]:
    """The keys of ``people`` (key -> full name) that ``text`` shows without the name beside them."""
    for key, name in people.items():
        text = text.replace(f"{name} ({key})", "")
    return [key for key in people if re.search(rf"(?<![\w@.]){re.escape(key)}(?![\w@])", text)]


def test_every_page_and_the_summary_name_students_by_the_roster(tmp_path):
    import shutil

    (tmp_path / "course.toml").write_text(COURSE)
    shutil.copytree(REPO / "tests" / "suites", tmp_path / "suites")
    moodle_class(tmp_path)
    canvas_class(tmp_path)
    refused = RIGHT + "\nfrom sys import *\n"  # outside the graded subset: the summary lists Carol
    (tmp_path / "moodle" / "Carol Ann_503_assignsubmission_file" / "losses.py").write_text(refused)
    (tmp_path / "canvas" / "anncarol_110_9110_losses.py").write_text(refused)
    classes = {
        "moodle": ("worksheet.csv", {f"{n}@uni.example": f"{n.title()} {s}" for n, s in SURNAMES.items()}),
        "canvas": ("canvas.csv", {n: f"{n.title()} {s}" for n, s in SURNAMES.items()}),
    }
    for lms, (roster, people) in classes.items():
        done = grade_batch(tmp_path, lms, roster)
        assert "Carol Ann" in done.stdout and keys_without_names(done.stdout, people) == [], done.stdout
        out = tmp_path / f"out-{lms}"
        assert run_grade("batch", "review", "--out", str(out)).returncode == 0
        pages = {
            page.name: page.read_text() for page in [out / "report.html", *(out / "review").glob("*.html")]
        }
        server = Server(out)
        try:
            for path in ("", "s/0", "s/1", "s/2"):
                with urllib.request.urlopen(server.url + path) as answer:
                    pages[f"served {path or 'index'}"] = answer.read().decode()
        finally:
            server.stop()
        assert len(pages) == 9
        found = {name: keys_without_names(visible(page), people) for name, page in pages.items()}
        assert found == {name: [] for name in pages}, lms
        assert all("Alice Liddell (" in visible(page) for name, page in pages.items() if "index" in name)
