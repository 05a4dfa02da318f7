"""report.html of a class of 12, rendered in headless Chromium: what the page shows; modules
answering nothing folded into a line of their kind, and the page within a laptop's width.

The class is built as gradebook rows (no grading): totals spread over the range, a timeout,
a crash, a late student, a student whose name and a public check's message hold HTML, and a
hidden check whose message holds its inputs (never shown). Skipped where no Chromium is
installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from grader.batch.gradebook import Row
from grader.batch.report_html import write_report
from grader.batch.summary import class_stats, summary_text

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HOSTILE = "<img src=x onerror=alert(1)>"
SECRET = "expected tensor([0.1234, 0.5678])"


def make_check(
    status: str, exercise: str, kind: str = "shape", public: bool = True, message: str = ""
) -> dict:
    return {
        "id": f"{exercise}_{kind}",
        "kind": kind,
        "status": status,
        "points": float(status == "passed"),
        "max_points": 1.0,
        "message": message,
        "visibility": "public" if public else "hidden",
        "exercises": [exercise],
    }


def student(name: str, total: float, mse: str, huber: str, late: str = "", hidden: str = "passed") -> Row:
    tests = [
        make_check(mse, "mse", message="mse(y_hat, y) differs" if mse != "passed" else ""),
        make_check(huber, "huber", message=f"huber {HOSTILE} wrong" if huber != "passed" else ""),
        make_check(
            hidden, "huber", kind="gradient", public=False, message=SECRET if hidden != "passed" else ""
        ),
    ]
    earned = {"passed": 5.0}.get
    standing = {
        "exercises": {
            "losses.mse": [earned(mse, 0.0), 5.0],
            "losses.huber": [earned(huber, 0.0) if hidden == "passed" else 2.0, 5.0],
        },
        "late": late,
        "overrides": [],
        "excused": False,
    }
    report = {"topics": [{"name": "losses", "tests": tests}], "standing": standing}
    return Row(name, "h", "v", "graded", "", total, 10.0, report)


def a_class() -> list[Row]:
    rows = [student(f"s{i:02d}", total, "passed", "passed") for i, total in enumerate((10, 10, 10, 9.5, 10))]
    rows += [student(f"s{i:02d}", 5.0, "passed", "failed") for i in range(5, 8)]
    rows += [student("s08", 0.0, "failed", "failed", hidden="failed")]
    rows += [student(HOSTILE, 7.0, "passed", "passed", hidden="timeout")]
    rows += [student("s10", 8.1, "passed", "passed", late="1 h late, −10 %")]
    rows += [Row("s11", "h", "v", "crashed", "internal error in the losses suite", 0, 0, {})]
    return rows


class Tables(HTMLParser):
    """The text of every cell of the tables (and paragraphs) with an id, by id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.svg = 0
        self.fetches: list[str] = []  # tags that would load something: scripts, links, images...

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id")
        for name, value in attrs:
            if name.endswith(("src", "href")) and not (value or "").startswith(("#", "data:")):
                self.fetches.append(f"<{tag} {name}={value}>")
        if tag in ("script", "link", "iframe", "object", "embed"):
            self.fetches.append(tag)
        if tag in ("table", "p") and found:
            self.current = found
            self.tables[found] = [[]] if tag == "p" else []
        elif tag == "tr" and self.current:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current:
            self.tables[self.current][-1].append("")
        self.svg += tag == "svg"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("table", "p"):
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current and self.tables[self.current]:
            row = self.tables[self.current][-1]
            if row:
                row[-1] += data
            else:
                row.append(data)


@pytest.mark.unit
def test_the_summary_of_a_class_of_12():
    text = summary_text(class_stats(a_class()))
    lines = text.splitlines()
    assert lines[0] == "graded 11, failed to grade 1, no submission 0, excused 0, timeouts or crashes 2"
    assert lines[1] == "mean 7.24, median 8.10 (of 10)"
    assert sum(int(line.rsplit(" ", 1)[1]) for line in lines[2:12]) == 11
    assert lines[12] == f"timeouts or crashes: {HOSTILE}, s11" and lines[13] == "late: s10: 1 h late, −10 %"


@pytest.mark.e2e
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt install chromium)")
def test_report_renders_in_headless_chromium(tmp_path):
    rows = a_class()
    page = write_report(class_stats(rows), f"Homework 1 {HOSTILE}", tmp_path)
    source = page.read_text()
    assert SECRET not in source and "@import" not in source
    assert not re.search(r"url\(\s*['\"]?(?!#)", source)  # the inline SVG's url(#clip) is local
    parsed = Tables()
    parsed.feed(source)
    assert parsed.fetches == [] and parsed.svg == 1  # self-contained, the histogram drawn inline
    dumped = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    shown = Tables()
    shown.feed(dumped.stdout)
    tables = shown.tables
    histogram = tables["histogram"]
    assert histogram[0][:2] == ["total", "students"] and len(histogram) == 11
    assert sum(int(row[1]) for row in histogram[1:]) == 11  # the crash has no total
    assert histogram[-1][:2] == ["9.00 – 10.00", "5"] and histogram[1][:2] == ["0.00 – 1.00", "1"]
    assert tables["exercises"] == [
        ["exercise", "full", "partial", "zero", "mean points", "discrimination"],
        ["losses.huber", "6", "2", "3", "3.09", "0.87"],
        ["losses.mse", "10", "0", "1", "4.55", "0.33"],
    ]
    checks = {row[0]: row[1:] for row in tables["checks"][1:]}
    assert checks["losses: huber_shape"] == ["11", "36 %", f"huber {HOSTILE} wrong"]  # escaped: shown as text
    assert checks["losses: huber, hidden gradient check"] == ["11", "18 %", "failed"]  # never its message
    assert tables["timeouts"][1:] == [[HOSTILE], ["s11"]]
    assert tables["late"][1:] == [["s10", "1 h late, −10 %"]]
    assert tables["counts"][0][0].startswith("graded 11, failed to grade 1")
    shot = tmp_path / "report.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.stat().st_size > 10_000


@pytest.mark.unit
def test_the_page_and_its_histogram_need_no_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import then raises ImportError
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    page = write_report(class_stats(a_class()), "hw", tmp_path).read_text()
    assert page.count("<svg") == 1 and page.count("<rect") == 10  # ten bins
    assert '<table id="histogram">' in page and '<table id="exercises">' in page


def _answering_nothing() -> list[Row]:
    """A class of four on losses: one answer failing huber, the stub, a syntax error, a refusal."""
    from grader.engine.subset.submission import NOT_ALLOWED

    def of(student: str, status: str, message: str = "") -> Row:
        tests = [make_check(status, e, message=message) for e in ("mse", "huber")]
        return Row(student, "h", "v", "graded", "", 0, 2, {"topics": [{"name": "losses", "tests": tests}]})

    answer = Row("ann", "h", "v", "graded", "", 1, 2, {"topics": [{"name": "losses", "tests": [
        make_check("passed", "mse"), make_check("failed", "huber", message="huber " + "x" * 400)]}]})  # fmt: skip
    return [
        answer,
        of("bob", "not_started", "not started: mse() in losses.py still raises NotImplementedError"),
        of("cy", "error", "SyntaxError while importing losses.py: (invalid syntax, line 3)"),
        of("dee", "failed", f"losses.py, line 1: from sys import * {NOT_ALLOWED}, so nothing ran"),
    ]


@pytest.mark.unit
def test_modules_answering_nothing_are_one_line_of_their_kind_not_each_checks_failure(tmp_path):
    stats = class_stats(_answering_nothing())
    assert {c.name: (c.runs, c.failures) for c in stats.checks.values()} == {
        "losses: mse_shape": (1, 0),
        "losses: huber_shape": (1, 1),
    }
    assert dict(stats.non_answers) == {
        "losses.py: not started": 1,
        "losses.py: did not import": 1,
        "losses.py: refused before running": 1,
    }
    parsed = Tables()
    parsed.feed(write_report(stats, "hw", tmp_path).read_text())
    assert len(parsed.tables["non-answers"]) == 4


@pytest.mark.e2e
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt install chromium)")
def test_the_report_fits_a_laptops_width(tmp_path):
    from browser import Browser

    page = write_report(class_stats(_answering_nothing() + a_class()), "hw", tmp_path)
    browser = Browser()
    try:
        tab = browser.tab()
        tab.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False},
        )
        tab.open(page.as_uri())
        assert tab.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        browser.close()
