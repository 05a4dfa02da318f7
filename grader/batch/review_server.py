"""``grade batch review --serve``: mark a class's manual items in the browser, on a local HTTP
server (the standard library's, one thread per request, requests taken one at a time); where it
listens, what it refuses and the policy every page carries: docs/instructors.md, "Manual items,
marks and grade inquiries". A mark is checked by :func:`grader.batch.marking.mark_for`, as
``grade batch mark`` checks it; what a student handed in never runs here."""

from __future__ import annotations

import hmac
import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from grader.batch.answers import LINKED, kind
from grader.batch.exports import NoHistory
from grader.batch.marking import MarkProblem, MarkRequest, mark_for, who
from grader.batch.marking_page import class_page, served, student_page
from grader.batch.marking_state import MarkingClass
from grader.batch.marks import version
from grader.batch.review import Handed, _recorded_submissions, read_sources
from grader.batch.setup import course_topics
from grader.course.keys import Assignment

MAX_FORM_BYTES = 1 << 20
PAGE_POLICY = (
    "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
FILE_POLICY = "default-src 'none'; img-src 'self'; sandbox"
STUDENT = re.compile(r"^s/(\d+)$")
MARK = re.compile(r"^s/(\d+)/mark$")
FILE = re.compile(r"^f/(\d+)/(\d+)$")


@dataclass
class Marking:
    """What the server serves: the class held for marking, each student's files, who marks."""

    out: Path
    sources: dict[str, Handed]
    held: MarkingClass
    by: str | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    saved: int = 0

    @property
    def base(self) -> str:
        return f"/{self.token}/"


@dataclass
class Answer:
    status: int
    body: bytes = b""
    kind: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _html(page: str, status: int = HTTPStatus.OK) -> Answer:
    nonce = secrets.token_urlsafe(16)
    policy = PAGE_POLICY.format(nonce=nonce)
    return Answer(status, served(page, nonce).encode(), headers={"Content-Security-Policy": policy})


def _redirect(location: str) -> Answer:
    return Answer(HTTPStatus.SEE_OTHER, headers={"Location": location})


def _next(marking: Marking, after: int) -> Answer:
    """To the first student after ``after`` (round the class) with an item not marked yet."""
    held = marking.held
    rows = held.rows
    order = list(range(after + 1, len(rows))) + list(range(0, min(after + 1, len(rows))))
    found = next((p for p in order if held.to_mark(p)), None)
    if found is None:
        return _html(class_page(marking.base, rows, _title(held.assignment), "every student is marked"))
    return _redirect(f"{marking.base}s/{found}")


def _title(assignment: Assignment) -> str:
    return assignment.title or assignment.name


def _student(marking: Marking, position: int, said: str = "", typed: dict | None = None) -> Answer:
    held = marking.held
    if position >= len(held.rows):
        return Answer(HTTPStatus.NOT_FOUND)
    row = held.row(position)
    page = student_page(
        marking.base, held.rows, position, marking.sources.get(row.student), held.assignment,
        held.marks(row.student), said, typed, row, held.who,
        tuple(s for s in held.teams.get(row.student, ()) if s != row.student),
    )  # fmt: skip
    return _html(page, HTTPStatus.CONFLICT if typed else HTTPStatus.OK)


def _file(marking: Marking, position: int, number: int) -> Answer:
    """A student's PDF or image, inert: a PDF to download, an image under a sandbox."""
    rows = marking.held.rows
    handed = marking.sources.get(rows[position].student) if position < len(rows) else None
    if handed is None or number >= len(handed.kept) or kind(handed.kept[number].name) != "linked":
        return Answer(HTTPStatus.NOT_FOUND)
    file = handed.kept[number]
    suffix = Path(file.name).suffix.lower()
    disposition = "attachment" if suffix == ".pdf" else "inline"
    headers = {
        "Content-Security-Policy": FILE_POLICY,
        "Content-Disposition": f'{disposition}; filename="file{suffix}"',
    }
    return Answer(HTTPStatus.OK, file.path.read_bytes(), LINKED[suffix], headers)


def _save(marking: Marking, position: int, form: dict[str, list[str]]) -> Answer:
    """Record one item's mark, unless it changed since the form was drawn; then on."""
    typed: dict = {key: values[-1] for key, values in form.items()}
    typed["rubric"], held = tuple(form.get("rubric", [])), marking.held
    if position >= len(held.rows) or typed.get("item") not in held.assignment.manual:
        return Answer(HTTPStatus.NOT_FOUND)
    student, item = held.rows[position].student, typed["item"]
    rubric = typed["rubric"] or None
    points = None if rubric else _number(typed.get("points", ""))
    request = MarkRequest(
        student, item, points, rubric, typed.get("comment", ""), typed.get("note", ""), why="in the browser"
    )
    try:
        mark = mark_for(held.assignment.manual, student, request, who(marking.by))
    except MarkProblem as exc:
        return _student(marking, position, f"not saved: {exc}", typed)
    saved, current = held.save(mark, typed.get("base", ""))
    if not saved:
        said = (
            f"not saved: {item} was changed meanwhile (by {current.marked_by if current else 'someone'}, "
            "in another tab or by another marker); what you typed is below, beside the mark now "
            "recorded: check one against the other and save again"
        )
        return _student(marking, position, said, {**typed, "base": version(current)})
    marking.saved += 1
    if typed.get("then") == "next":
        return _redirect(f"{marking.base}next?after={position}")
    return _redirect(f"{marking.base}s/{position}?saved={item}")


def _number(cell: str) -> float | None:
    try:
        return float(cell) if cell.strip() else None
    except ValueError:
        return float("nan")  # refused by mark_for with the item's range


def route(marking: Marking, method: str, path: str, form: dict[str, list[str]]) -> Answer:
    """What the server answers to ``method path`` (``form``: a POST's fields)."""
    split = urlsplit(path)
    base = marking.base.encode()
    if not hmac.compare_digest(split.path.encode()[: len(base)], base):
        return Answer(HTTPStatus.NOT_FOUND)
    rest, query = split.path[len(base) :], parse_qs(split.query)
    with marking.held.lock:  # one request at a time: what it reads and writes together
        marking.held.refresh()
        return _routed(marking, method, rest, query, form)


def _routed(marking: Marking, method: str, rest: str, query: dict[str, list[str]], form: dict) -> Answer:
    if method == "POST":
        found = MARK.match(rest)
        return _save(marking, int(found[1]), form) if found else Answer(HTTPStatus.NOT_FOUND)
    if rest == "":
        held = marking.held
        return _html(class_page(marking.base, held.rows, _title(held.assignment), "", held.who))
    if rest == "next":
        after = (query.get("after") or [""])[0]
        return _next(marking, int(after) if after.isdigit() else -1)
    if found := STUDENT.match(rest):
        saved = (query.get("saved") or [""])[0]
        return _student(marking, int(found[1]), f"saved: {saved}" if saved else "")
    if found := FILE.match(rest):
        return _file(marking, int(found[1]), int(found[2]))
    return Answer(HTTPStatus.NOT_FOUND)


class Handler(BaseHTTPRequestHandler):
    server: MarkingServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        """Quiet: a request's line would print the token to the terminal's scrollback."""

    def _host_ok(self) -> bool:
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in (f"127.0.0.1:{port}", f"localhost:{port}")

    def _answer(self, answer: Answer) -> None:
        self.send_response(answer.status)
        headers = {
            "Content-Type": answer.kind,
            "Content-Length": str(len(answer.body)),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",  # a link out never carries the token
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
            **answer.headers,
        }
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def _handle(self, method: str, read: Callable[[], dict[str, list[str]]]) -> None:
        if not self._host_ok():
            self._answer(Answer(HTTPStatus.NOT_FOUND))
            return
        try:
            self._answer(route(self.server.marking, method, self.path, read()))
        except NoHistory as exc:
            self._answer(
                Answer(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc).encode(), "text/plain; charset=utf-8")
            )

    def do_GET(self) -> None:  # noqa: N802 (the base's name)
        self._handle("GET", dict)

    def do_POST(self) -> None:  # noqa: N802 (the base's name)
        self._handle("POST", self._form)

    def _form(self) -> dict[str, list[str]]:
        """The posted form; empty (then refused) when it comes from another origin or is too big."""
        port = self.server.server_address[1]
        origin = self.headers.get("Origin")
        site = self.headers.get("Sec-Fetch-Site", "same-origin")
        given = self.headers.get("Content-Length") or "0"
        length = int(given) if given.isdigit() else MAX_FORM_BYTES + 1
        own = (None, f"http://127.0.0.1:{port}", f"http://localhost:{port}")
        if origin not in own or site != "same-origin" or length > MAX_FORM_BYTES:
            return {}
        return parse_qs(self.rfile.read(length).decode("utf-8", errors="replace"), keep_blank_values=True)


class MarkingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, marking: Marking, port: int = 0) -> None:
        self.marking = marking
        super().__init__(("127.0.0.1", port), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{self.marking.base}"


def open_marking(
    out: Path, submissions: Path | None, scratch: Path, by: str | None = None, anonymous: bool = False
) -> Marking:
    """The class of ``out`` read for marking: its students' files unpacked under ``scratch``
    (``anonymous``: every student named by a pseudonym, whatever the course file says)."""
    held = MarkingClass(out, anonymous)
    try:
        assert held.recorded is not None
        folder = submissions or _recorded_submissions(held.recorded.book)
        sources = read_sources(folder, held.recorded.roster, course_topics(held.assignment, ()), scratch)
    except BaseException:
        held.close()
        raise
    return Marking(out=out, sources=sources, held=held, by=by)


def serve(
    out: Path,
    submissions: Path | None,
    port: int,
    say: Callable[[str], None],
    by: str | None = None,
    anonymous: bool = False,
) -> int:
    """Serve ``out``'s class for marking until Ctrl-C; the number of marks saved."""
    with tempfile.TemporaryDirectory(prefix="torchgrade-marking-") as scratch:
        marking = open_marking(out, submissions, Path(scratch), by, anonymous)
        with MarkingServer(marking, port) as server:
            say(f"marking {out} at {server.url} (this machine only; Ctrl-C stops)")
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass
            finally:
                marking.held.close()
    return marking.saved
