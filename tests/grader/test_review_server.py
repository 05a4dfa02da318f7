"""The defences of ``grade batch review --serve``, on a gradebook built from rows (no grading) and
the server in this process: the token, the Host, the origin of a form, the version a form was
drawn from, what a student's files are served as, and a hostile student name on the page; the
class held once (a request reads one row; a mark, a regrade or a course edit made elsewhere
noticed, never overwritten), an excused student without a submission never offered and shown as
excused, a refused save beside the mark recorded, anonymous marking."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from test_report_html import make_check

from grader.batch import marking_state
from grader.batch.feedback import feedback_markdown
from grader.batch.gradebook import CourseBook, Gradebook, Row
from grader.batch.marking import MarkRequest, mark_for, record_marks
from grader.batch.marking_state import MarkingClass
from grader.batch.marks import MarkBook
from grader.batch.review_server import MarkingServer, open_marking

pytestmark = pytest.mark.unit

COURSE = """
[assignments.hw1]
exercises = ["losses.mse"]
points = 30
excused = ["carol"]

[assignments.hw1.manual.explain]
points = 20
rubric = [{ id = "a", points = 12, text = "first" }, { id = "b", points = 8, text = "second" }]
"""
HOSTILE = "<img src=x onerror=alert(1)>"  # a folder's name: the student's key


@pytest.fixture
def server(tmp_path):
    (tmp_path / "course.toml").write_text(COURSE)
    for student in ("alice", HOSTILE):
        folder = tmp_path / "class" / student
        folder.mkdir(parents=True)
        (folder / "losses.py").write_text("x = 1\n")
        (folder / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        (folder / "report.pdf").write_bytes(b"%PDF-1.4")
        (folder / "evil.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>")
    out = tmp_path / "out"
    out.mkdir()
    gradebook = Gradebook(out / "gradebook.sqlite")
    for student in ("alice", HOSTILE):
        report = {"topics": [{"name": "losses", "tests": [make_check("passed", "mse")]}]}
        gradebook.record(Row(student, "h", "v", "graded", "", 0, 0, report))
    gradebook.record(Row("carol", "", "v", "missing", "no submission"))  # excused, nothing handed in
    book = CourseBook(gradebook)
    book.set_meta("course", {"file": str(tmp_path / "course.toml"), "assignment": "hw1"})
    book.set_meta("submissions", str(tmp_path / "class"))
    gradebook.close()
    marking = open_marking(out, None, tmp_path / "scratch", by="ta1")
    running = MarkingServer(marking)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def ask(url: str, form: dict | None = None, headers: dict | None = None) -> tuple[int, dict, str]:
    """(status, headers, body) of a request that follows no redirect."""

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):  # noqa: ANN002, ANN201
            return None

    data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.build_opener(Stay).open(request) as answer:
            return answer.status, dict(answer.headers), answer.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def marks(server) -> dict:
    gradebook = Gradebook(server.marking.out / "gradebook.sqlite")
    try:
        return {s: m["explain"] for s, m in MarkBook(gradebook.connection).marks().items()}
    finally:
        gradebook.close()


def base_of(page: str) -> str:
    found = re.search(r'name="base" value="([^"]*)"', page)
    assert found
    return found[1]


def test_nothing_answers_without_the_token_or_to_another_host(server):
    assert ask(server.url)[0] == 200
    token = server.marking.token
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[:-1], ""):
        assert ask(server.url.replace(f"/{token}/", f"/{wrong}/"))[0] == 404
    port = server.server_address[1]
    assert ask(server.url, headers={"Host": f"attacker.example:{port}"})[0] == 404
    assert ask(server.url.replace("127.0.0.1", "localhost"))[0] == 200


def test_pages_let_only_their_own_script_run(server):
    status, headers, page = ask(server.url + "s/0")  # the hostile name sorts first
    nonce = re.search(r"'nonce-([^']+)'", headers["Content-Security-Policy"])
    assert status == 200 and nonce and f'<script nonce="{nonce[1]}">' in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert page.count("<script") == 1 and "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_form_from_another_origin_or_site_records_nothing(server):
    form = {"item": "explain", "base": "", "points": "3", "then": "stay"}
    for headers in ({"Origin": "https://attacker.example"}, {"Sec-Fetch-Site": "cross-site"}):
        assert ask(server.url + "s/1/mark", form, headers)[0] == 404
    assert marks(server) == {}
    status, headers, _ = ask(server.url + "s/1/mark", form)
    assert status == 303 and marks(server)["alice"].points == 3 and marks(server)["alice"].marked_by == "ta1"


def test_a_save_over_a_mark_changed_meanwhile_is_refused_and_loses_nothing(server):
    drawn = base_of(ask(server.url + "s/1")[2])
    first = {"item": "explain", "base": drawn, "rubric": ["a", "b"], "comment": "first tab", "then": "next"}
    assert ask(server.url + "s/1/mark", first)[0] == 303
    second = {"item": "explain", "base": drawn, "points": "1", "comment": "second tab", "then": "next"}
    status, _, page = ask(server.url + "s/1/mark", second)
    assert status == 409 and "was changed meanwhile" in page and "second tab" in page
    recorded = re.search(r'<div class="recorded" role="note">(.*?)</div>', page, re.S)
    assert recorded and "by ta1" in recorded[1] and "20 points (rubric: first; second)" in recorded[1]
    assert "Comment: first tab" in recorded[1]  # the mark recorded now, beside what was typed
    assert (marks(server)["alice"].points, marks(server)["alice"].comment) == (20, "first tab")
    again = {**second, "base": base_of(page)}  # seen and saved again: now it counts
    assert ask(server.url + "s/1/mark", again)[0] == 303 and marks(server)["alice"].points == 1


def test_a_mark_out_of_range_is_refused_on_the_page(server):
    form = {"item": "explain", "base": "", "points": "25", "then": "stay"}
    status, _, page = ask(server.url + "s/1/mark", form)
    assert status == 409 and "must lie in 0..20, not 25" in page and marks(server) == {}


def test_student_files_are_served_inert(server):
    page = ask(server.url + "s/1")[2]
    links = dict(re.findall(r'<a href="([^"]+/f/1/\d+)">open ([^<]+)</a>', page))
    assert sorted(links.values()) == ["plot.png", "report.pdf"]  # never the SVG
    for link, name in links.items():
        status, headers, _ = ask(f"http://127.0.0.1:{server.server_address[1]}{link}")
        assert status == 200 and "sandbox" in headers["Content-Security-Policy"]
        assert headers["Content-Disposition"].startswith("attachment" if name.endswith(".pdf") else "inline")
    svg = next(n for n, k in enumerate(sorted(["evil.svg", "plot.png", "report.pdf"])) if k == "evil.svg")
    assert ask(server.url + f"f/1/{svg}")[0] == 404


def test_next_goes_to_the_first_student_not_marked_and_survives_a_bad_query(server):
    for query in ("next?after=-1", "next?after=abc", "next", "next?after=1"):
        status, headers, _ = ask(server.url + query)
        assert status == 303 and headers["Location"] == server.marking.base + "s/0", query
    assert ask(server.url + "s/2")[0] == 200  # carol: excused with nothing handed in, never offered


def test_a_mark_given_elsewhere_meanwhile_is_noticed_not_overwritten(server):
    drawn = base_of(ask(server.url + "s/1")[2])
    record_marks(server.marking.out, [MarkRequest("alice", "explain", 5, comment="by the CLI")], by="ta2")
    assert 'value="5"' in ask(server.url + "s/1")[2]  # the page shows it without a restart
    form = {"item": "explain", "base": drawn, "points": "9", "comment": "from the page", "then": "next"}
    status, _, page = ask(server.url + "s/1/mark", form)
    assert status == 409 and "was changed meanwhile (by ta2" in page and "from the page" in page
    assert (marks(server)["alice"].points, marks(server)["alice"].comment) == (5, "by the CLI")


def test_a_regrade_or_a_course_edit_meanwhile_is_read(server, tmp_path):
    gradebook = Gradebook(server.marking.out / "gradebook.sqlite")
    report = {"topics": [{"name": "losses", "tests": [make_check("passed", "mse")]}]}
    gradebook.record(Row("zed", "h", "v", "graded", "", 0, 0, report))
    gradebook.close()
    assert ">zed</a>" in ask(server.url)[2]
    course = tmp_path / "course.toml"
    course.write_text(COURSE.replace('text = "second"', 'text = "second, edited"'))
    assert "second, edited" in ask(server.url + "s/1")[2]


def test_a_request_reads_one_row_whatever_the_class(server, monkeypatch):
    read = []
    original = marking_state.final_row
    monkeypatch.setattr(
        marking_state, "final_row", lambda row, *rest: read.append(row.student) or original(row, *rest)
    )
    drawn = base_of(ask(server.url + "s/1")[2])
    ask(server.url + "s/1/mark", {"item": "explain", "base": drawn, "points": "3", "then": "next"})
    ask(server.url + "s/0")
    assert read == ["alice", "alice", HOSTILE]  # the page, the saved row again, the next page


def test_anonymous_marking_names_no_student_until_the_course_file_releases_them(server, tmp_path):
    course = tmp_path / "course.toml"
    course.write_text(COURSE.replace("excused = ", "anonymous = true\nexcused = "))
    index = ask(server.url)[2]
    pages = [index, *(ask(server.url + f"s/{n}")[2] for n in range(3))]
    assert all("alice" not in page and "carol" not in page and "&lt;img" not in page for page in pages)
    named = re.findall(r">(student [0-9A-F]{8})</a>", index)
    assert len(set(named)) == 3 and named == sorted(named)  # in the pseudonyms' order, not the keys'
    assert re.findall(r">(student [0-9A-F]{8})</a>", ask(server.url)[2]) == named  # the same each time
    course.write_text(COURSE)  # the marks released: the names again
    assert ">alice</a>" in ask(server.url)[2]
    forced = open_marking(server.marking.out, None, tmp_path / "scratch2", anonymous=True)
    try:
        assert [forced.held.who(row.student) for row in forced.held.rows] == named
    finally:
        forced.held.close()


def test_an_excused_student_shows_as_excused_not_as_zero_points(server):
    index = ask(server.url)[2]
    carol = re.search(r">carol</a></th>(.*?)</tr>", index, re.S)
    assert carol and "excused" in carol[1] and " / " not in carol[1] and "not marked" not in carol[1]
    assert "<p>Total: excused</p>" in ask(server.url + "s/2")[2]
    with server.marking.held.lock:
        row = server.marking.held.row(2)
    assert row.status == "excused" and "not marked yet" not in feedback_markdown(row)


def test_a_second_servers_save_is_read_alone_and_refused_over(server, monkeypatch):
    other = MarkingClass(server.marking.out)
    try:
        drawn = base_of(ask(server.url + "s/1")[2])
        mark = mark_for(other.assignment.manual, "alice", MarkRequest("alice", "explain", 7), "ta2")
        assert other.save(mark, drawn)[0]
        read = []
        original = marking_state.final_row
        monkeypatch.setattr(
            marking_state, "final_row", lambda row, *rest: read.append(row.student) or original(row, *rest)
        )
        with server.marking.held.lock:
            assert server.marking.held.refresh() and server.marking.held.marks("alice")["explain"].points == 7
        assert read == ["alice"]  # the mark's student alone, not the class
        form = {"item": "explain", "base": drawn, "points": "2", "then": "stay"}
        assert ask(server.url + "s/1/mark", form)[0] == 409 and marks(server)["alice"].points == 7
    finally:
        other.close()


def test_a_teams_answer_is_marked_once_for_every_member_not_marked_apart(tmp_path):
    (tmp_path / "course.toml").write_text(COURSE.replace('excused = ["carol"]\n', ""))
    (tmp_path / "worksheet.csv").write_text(
        "Identifier,Full name,Email address,Group,Grade,Maximum Grade,Last modified (grade)\n"
        "Participant 11,Ann Lee,ann@x,Team A,,30.00,-\nParticipant 12,Bo Kim,bo@x,Team A,,30.00,-\n"
        "Participant 13,Cy Do,cy@x,Team B,,30.00,-\n"
    )
    for team in ("Team A_7_assignsubmission_file", "Team B_13_assignsubmission_file"):
        (tmp_path / "class" / team).mkdir(parents=True)
        (tmp_path / "class" / team / "losses.py").write_text("x = 1\n")
    out = tmp_path / "out"
    out.mkdir()
    gradebook = Gradebook(out / "gradebook.sqlite")
    for student in ("ann@x", "bo@x", "cy@x"):
        report = {"topics": [{"name": "losses", "tests": [make_check("passed", "mse")]}]}
        gradebook.record(Row(student, "h", "v", "graded", "", 0, 0, report))
    book = CourseBook(gradebook)
    book.set_meta("course", {"file": str(tmp_path / "course.toml"), "assignment": "hw1"})
    book.set_meta("roster", str(tmp_path / "worksheet.csv"))
    book.set_meta("submissions", str(tmp_path / "class"))
    gradebook.close()
    running = MarkingServer(open_marking(out, None, tmp_path / "scratch", by="ta1"))
    threading.Thread(target=running.serve_forever, daemon=True).start()
    try:
        page = ask(running.url + "s/0")[2]
        assert "a mark saved here is given to Bo Kim (bo@x) too" in page
        form = {"item": "explain", "base": base_of(page), "points": "5", "then": "next"}
        status, headers, _ = ask(running.url + "s/0/mark", form)
        assert status == 303 and ask(f"http://127.0.0.1:{running.server_address[1]}{headers['Location']}")[1][
            "Location"
        ].endswith("/s/2")  # Bo is marked with Ann: next is Cy
        assert {s: m.points for s, m in marks(running).items()} == {"ann@x": 5, "bo@x": 5}
        record_marks(out, [MarkRequest("bo@x", "explain", 8)], by="prof")  # Bo marked apart
        ann = {"item": "explain", "base": base_of(ask(running.url + "s/0")[2]), "points": "3", "then": "stay"}
        assert ask(running.url + "s/0/mark", ann)[0] == 303
        assert {s: m.points for s, m in marks(running).items()} == {"ann@x": 3, "bo@x": 8}  # his own kept
    finally:
        running.shutdown()
        running.server_close()
        running.marking.held.close()


def test_a_canvas_notebook_is_shown_as_written_markdown_rendered_no_converted_python(tmp_path):
    import json

    (tmp_path / "course.toml").write_text(COURSE.replace('excused = ["carol"]\n', ""))
    (tmp_path / "canvas.csv").write_text(
        'Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"Liddell, Alice",108,S1,alice,A\n'
    )
    cells = [
        {"cell_type": "markdown", "id": "a1", "metadata": {}, "source": "## Why subtract the maximum?\n\n**exp** overflows."},
        {"cell_type": "code", "id": "b2", "metadata": {}, "execution_count": 1, "source": "def mse(a, b):\n    return 0",
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "OUTPUT-NOT-SHOWN"}]},
    ]  # fmt: skip
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "liddellalice_108_9108_losses.ipynb").write_text(json.dumps(notebook))
    out = tmp_path / "out"
    out.mkdir()
    gradebook = Gradebook(out / "gradebook.sqlite")
    report = {"topics": [{"name": "losses", "tests": [make_check("failed", "mse")]}]}
    gradebook.record(Row("alice", "h", "v", "graded", "", 0, 0, report))
    book = CourseBook(gradebook)
    book.set_meta("course", {"file": str(tmp_path / "course.toml"), "assignment": "hw1"})
    book.set_meta("roster", str(tmp_path / "canvas.csv"))
    book.set_meta("submissions", str(tmp_path / "class"))
    gradebook.close()
    marking = open_marking(out, None, tmp_path / "scratch", by="ta1")
    running = MarkingServer(marking)
    threading.Thread(target=running.serve_forever, daemon=True).start()
    try:
        page = ask(running.url + "s/0")[2]
    finally:
        running.shutdown()
        running.server_close()
        marking.held.close()
    assert "<h3>losses.ipynb</h3>" in page and "<strong>exp</strong> overflows." in page
    assert "def mse(a, b):\n    return 0" in page  # the code cell as written
    assert (
        "except Exception" not in page
        and "OUTPUT-NOT-SHOWN" not in page
        and "<script" not in page.split("</main>")[0]
    )


def test_each_written_item_shows_the_notebook_cells_its_heading_or_tag_names(tmp_path):
    import json

    course = COURSE.replace('excused = ["carol"]\n', "") + (
        'heading = "Question 1"\n\n[assignments.hw1.manual.plot]\npoints = 10\n'  # plot: its tag, by default
    )
    (tmp_path / "course.toml").write_text(course.replace("points = 30", "points = 40"))
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "## Question 1: the maximum\n\n**exp** overflows."},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "x = exp(1000)", "outputs": []},
        {"cell_type": "markdown", "metadata": {}, "source": "## Question 10\n\nNOT-AN-ANSWER-TO-EXPLAIN"},
        {"cell_type": "markdown", "metadata": {"tags": ["plot", 3, "a,b"]}, "source": "The curve *falls*."},
    ]  # fmt: skip
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    (tmp_path / "class" / "alice").mkdir(parents=True)
    (tmp_path / "class" / "alice" / "losses.ipynb").write_text(json.dumps(notebook))
    out = tmp_path / "out"
    out.mkdir()
    gradebook = Gradebook(out / "gradebook.sqlite")
    gradebook.record(Row("alice", "h", "v", "graded", "", 0, 0, {"topics": []}))
    book = CourseBook(gradebook)
    book.set_meta("course", {"file": str(tmp_path / "course.toml"), "assignment": "hw1"})
    book.set_meta("submissions", str(tmp_path / "class"))
    gradebook.close()
    marking = open_marking(out, None, tmp_path / "scratch", by="ta1")
    running = MarkingServer(marking)
    threading.Thread(target=running.serve_forever, daemon=True).start()
    try:
        page = ask(running.url + "s/0")[2]
    finally:
        running.shutdown()
        running.server_close()
        marking.held.close()
    marking_part = page.split('<h2 id="marking">', 1)[1]
    explain, plot = (
        marking_part.split('name="item" value="explain"', 1)[0],
        marking_part.split("</form>", 1)[1],
    )
    assert "<strong>exp</strong> overflows." in explain and "x = exp(1000)" in explain
    assert "NOT-AN-ANSWER-TO-EXPLAIN" not in explain and "The curve <em>falls</em>." not in explain
    assert "The curve <em>falls</em>." in plot.split('name="item" value="plot"', 1)[0]
