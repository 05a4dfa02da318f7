"""A generated class to mark in ``grade batch review --serve``, and the page's requests timed.

``write_marking_class(root, size)`` writes what a graded Moodle class leaves behind, without
grading it (grading 200 students would take minutes of the shared machine): a Moodle download
of ``size`` students (``losses.py`` and a written answer each), its grading worksheet, a course
file with two written items, and a gradebook whose rows carry a report of the size a real
``losses`` grading writes (11 exercises, 12 checks each), the course, roster and submissions
recorded in its ``meta`` as ``grade batch`` records them. The out folder is ``root / "out"``.

``time_marking(url, rounds)`` times the requests the marking page makes, as the browser makes
them (redirects followed): *save+next* (the form posted, ``next?after=``, the next student's
page) and *next/previous* (a student's page); the medians in seconds. ``time_in_browser(url,
rounds)`` times the same in headless Chromium as a marker does it (the button clicked, ``j``
pressed), each from the navigation's start to the next page's load event.
"""

from __future__ import annotations

import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from browser import CHROMIUM, Browser, Tab  # noqa: E402

from grader.base.topics import TOPICS  # noqa: E402
from grader.batch.gradebook import CourseBook, Gradebook, Row  # noqa: E402

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

[assignments.hw1.manual.plot]
title = "Describe the loss curve"
points = 10
"""
HEADER = (
    "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
    "Last modified (submission),Last modified (grade),Feedback comments\n"
)
EXERCISES = ("mse", "l1", "huber", "sigmoid", "bce", "bce_with_logits", "softmax", "log_softmax",
             "cross_entropy", "entropy", "kl_div")  # fmt: skip
KINDS = ("shape", "value", "gradient", "dtype", "reduction", "edge", "batch", "device", "large",
         "small", "broadcast", "nan")  # fmt: skip
OTHER_TOPICS = tuple(t for t in TOPICS if t != "losses")


def person(number: int) -> tuple[str, str, str]:
    """(participant id, full name, email) of the class's ``number``-th student."""
    return str(5000 + number), f"Student{number:04d} Person{number:04d}", f"s{number:04d}@uni.example"


def _report(number: int) -> dict:
    """A report of a real grading's size (~130 kB): ``losses`` graded, the other topics not started."""
    tests = []
    for e, exercise in enumerate(EXERCISES):
        for k, kind in enumerate(KINDS):
            failed = (number + e + k) % 7 == 0
            tests.append({
                "id": f"{exercise}_{kind}", "kind": kind, "status": "failed" if failed else "passed",
                "points": 0.0 if failed else 1.0, "max_points": 1.0,
                "message": f"{exercise}(y_hat, y) differs from the reference on a {kind} case" if failed else "",
                "visibility": "public" if k % 2 else "hidden", "exercises": [exercise],
            })  # fmt: skip
    earned = sum(t["points"] for t in tests)
    topics = [{"name": "losses", "tests": tests, "score": earned, "max_score": len(tests)}]
    for topic in OTHER_TOPICS:
        idle = [
            {"id": f"{topic}_{n}[{n % 3}]", "kind": KINDS[n % len(KINDS)], "status": "not_started",
             "points": 0.0, "max_points": 1.0, "visibility": "public", "exercises": [f"{topic}_{n % 6}"],
             "message": f"not started: no file {topic}.py in the submission"}
            for n in range(60)
        ]  # fmt: skip
        topics.append({"name": topic, "tests": idle, "score": 0.0, "max_score": len(idle)})
    return {"topics": topics, "notes": [], "seconds": {"wall": 1.0}}


def write_marking_class(root: Path, size: int) -> Path:
    """The class's out folder (``root / "out"``), its gradebook, course and download written."""
    download, out = root / "moodle", root / "out"
    out.mkdir(parents=True)
    (root / "course.toml").write_text(COURSE)
    lines = [HEADER]
    gradebook = Gradebook(out / "gradebook.sqlite")
    try:
        for number in range(size):
            user, name, email = person(number)
            lines.append(f"Participant {user},{name},{email},Submitted,,30.00,Yes,-,-,\n")
            files = download / f"{name}_{user}_assignsubmission_file"
            files.mkdir(parents=True)
            (files / "losses.py").write_text(
                f"def mse(y_hat, y):\n    return ((y_hat - y) ** 2).mean()  # {number}\n"
            )
            (files / "explain.txt").write_text(f"exp overflows, says student {number}\n")
            report = _report(number)
            score = report["topics"][0]["score"]
            gradebook.record(Row(email, f"h{number}", "v", "graded", "", score, 132.0, report))
        (root / "worksheet.csv").write_text("".join(lines))
        book = CourseBook(gradebook)
        book.set_meta("course", {"file": str(root / "course.toml"), "assignment": "hw1"})
        book.set_meta("roster", str(root / "worksheet.csv"))
        book.set_meta("submissions", str(download))
    finally:
        gradebook.close()
    return out


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):  # noqa: ANN002, ANN201
        return None


def _get(url: str) -> tuple[int, str, str]:
    """(status, Location, body) of one request that follows no redirect."""
    try:
        with urllib.request.build_opener(_Stay).open(url) as answer:
            return answer.status, answer.headers.get("Location", ""), answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), exc.read().decode()


def _post(url: str, form: dict) -> tuple[int, str]:
    data = urllib.parse.urlencode(form, doseq=True).encode()
    try:
        with urllib.request.build_opener(_Stay).open(urllib.request.Request(url, data=data)) as answer:
            return answer.status, answer.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", "")


def save_and_next(url: str, position: int, item: str, points: float) -> tuple[str, float]:
    """The form of ``item`` on student ``position``'s page saved with "next": the page it lands
    on, and the seconds from the post to that page."""
    root = url.split("/", 3)
    origin = f"{root[0]}//{root[2]}"
    status, _, page = _get(f"{url}s/{position}")
    assert status == 200, status
    marker = f'name="item" value="{item}">\n<input type="hidden" name="base" value="'
    base = page.split(marker, 1)[1].split('"', 1)[0]
    form = {"item": item, "base": base, "points": str(points), "comment": "ok", "note": "", "then": "next"}
    start = time.perf_counter()
    status, location = _post(f"{url}s/{position}/mark", form)
    assert status == 303, status
    while location:
        status, location, page = _get(origin + location)
    assert status == 200, status
    return page, time.perf_counter() - start


def time_marking(url: str, rounds: int) -> tuple[float, float]:
    """Median seconds of save+next and of next/previous over ``rounds`` students each."""
    saves, moves = [], []
    for position in range(rounds):
        _, seconds = save_and_next(url, position, "explain", 10)
        saves.append(seconds)
        start = time.perf_counter()
        status, _, _ = _get(f"{url}s/{position + 1}")
        moves.append(time.perf_counter() - start)
        assert status == 200
    return statistics.median(saves), statistics.median(moves)


LOADED = "(performance.getEntriesByType('navigation')[0] || {}).loadEventEnd > 0"
SAVE_NEXT = (
    "var form = document.querySelector('form.mark input[name=item][value=explain]').form;"
    "form.querySelector('input[name=points]').value = '10';"
    "form.querySelector('button[value=next]').click();"
)


def _navigation(tab: Tab, left: str) -> float:
    """Seconds of the navigation that left ``left``: from its start (the form posted or the
    link followed, redirects included) to the next page's load event, as the browser timed it."""
    tab.wait_to_leave(left)
    tab.wait_for(LOADED)
    return float(tab.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")) / 1000


def time_in_browser(url: str, rounds: int) -> tuple[float, float]:
    """Median seconds of save+next (the form's "Save, next not marked" clicked) and of
    next/previous (``j`` pressed) in headless Chromium, over ``rounds`` students each."""
    browser = Browser()
    try:
        tab = browser.tab()
        saves, moves = [], []
        for position in range(rounds):
            page = f"{url}s/{position}"
            tab.open(page)
            tab.evaluate(SAVE_NEXT)
            saves.append(_navigation(tab, page))
            tab.open(page)
            tab.evaluate("document.activeElement.blur()")  # j in a number box types, not moves
            tab.press("j")
            moves.append(_navigation(tab, page))
    finally:
        browser.close()
    return statistics.median(saves), statistics.median(moves)


def main(size: int, rounds: int) -> None:
    """Write a class of ``size``, serve it as an instructor does and print what marking costs."""
    import signal
    import subprocess
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="torchgrade-marking-class-"))
    out = write_marking_class(root, size)
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "grader", "batch", "review", "--serve", "--out", str(out), "--by", "bench"],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    try:
        line = server.stdout.readline() if server.stdout else ""
        url = line.split(" at ", 1)[1].split()[0]
        started = time.perf_counter() - start
        start = time.perf_counter()
        _get(url)
        index = time.perf_counter() - start
        saving, moving = time_marking(url, rounds)
        shown = time_in_browser(url, rounds) if CHROMIUM else None
    finally:
        server.send_signal(signal.SIGINT)
        server.wait()
    print(f"{size} students: start {started:.2f} s, class list {index:.3f} s, "
          f"save+next {saving:.3f} s, next/previous {moving:.3f} s (medians of {rounds}); in {root}")  # fmt: skip
    if shown:
        print(f"in headless Chromium: save+next {shown[0]:.3f} s, next/previous {shown[1]:.3f} s (medians)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, int(sys.argv[2]) if len(sys.argv) > 2 else 15)
