"""``course.toml``: what a course is, in one file (read with the standard library's ``tomllib``).

The file holds the course seed, the limits, the roster and the assignments. An assignment
names its topics or exercises (``"losses.huber"``), its points (a total spread equally over
its exercises, or points per exercise, optionally weighted per check kind), its due date and
time zone, its late policy, per-student extensions and excused students, and the LMS column
it fills. :func:`load_course` refuses a file with a mistake with one line naming the key
(:class:`CourseError`). ``grade course init`` writes grader/course/example.py's example.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from grader import defaults, grades
from grader.checks.verdict.exercises import DEFAULT_TWIN, TWIN_RULES
from grader.checks.verdict.scoring import KINDS
from grader.course.keys import COURSE_KEYS, LATE_POLICIES
from grader.keys import find, names

if sys.version_info >= (3, 11):
    import tomllib
else:  # the backport, a dependency on 3.10 only
    import tomli as tomllib
from grader.options import Leaderboard, SubmissionLimits
from grader.packs import PACKS_ENV
from grader.topics import MANIFEST, TOPICS
from grader.topics import exercises as stub_exercises

DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
POINTS_TOLERANCE = 1e-6  # points that "add up": within this of the assignment's total


class CourseError(ValueError):
    """The course file cannot be used; the message names the file and the key, on one line."""


@dataclass(frozen=True)
class LatePolicy:
    kind: str = "none"  # one of LATE_POLICIES
    penalty: float = 0.0  # percent per started day or hour
    cap: float = 100.0  # percent at most
    grace: timedelta = timedelta(0)  # a submission this close after the due time is on time


@dataclass(frozen=True)
class RubricItem:
    id: str
    points: float
    text: str


@dataclass(frozen=True)
class ManualItem:
    """A part of an assignment a person grades (``grade batch mark``): an explanation, a plot."""

    id: str  # the table's key: explain
    title: str
    points: float  # counted inside the assignment's points
    rubric: tuple[RubricItem, ...] = ()
    # Where a notebook answers it: cells tagged ``tag``, else those under a heading ``heading``.
    tag: str = ""
    heading: str = ""

    def rubric_item(self, id: str) -> RubricItem | None:
        return next((r for r in self.rubric if r.id == id), None)


@dataclass(frozen=True)
class Assignment:
    name: str  # the table's key: hw2
    title: str
    topics: tuple[str, ...]
    exercise_points: dict[str, float]  # "topic.exercise" -> points, every exercise graded
    total: float
    kind_weights: dict[str, float]  # how an exercise's points spread over its checks' kinds
    due: datetime | None  # aware
    late: LatePolicy
    extensions: dict[str, datetime] = field(default_factory=dict)  # student -> aware due time
    excused: tuple[str, ...] = ()
    lms_column: str = ""
    times: Path | None = None  # a CSV of student,submitted_at for this assignment
    timezone: ZoneInfo = ZoneInfo("UTC")  # of its dates and arrival times without an offset
    whole_topics: bool = True  # False: only the listed exercises' checks are graded
    twin: str = DEFAULT_TWIN  # what calling an off-limits function costs (grader/checks/verdict/exercises.py)
    manual: dict[str, ManualItem] = field(default_factory=dict)  # id -> item, in the file's order
    language: str | None = None  # its feedback's, release's and Gradescope zip's (else the course's)
    anonymous: bool = False  # marking in the browser names no student until this is false again
    submissions: SubmissionLimits = field(default_factory=SubmissionLimits)  # on Gradescope
    leaderboard: tuple[Leaderboard, ...] = ()  # held-out metrics ranked (no points)

    @property
    def automatic_total(self) -> float:
        """What the exercises share: the points the manual items leave."""
        return self.total - sum(item.points for item in self.manual.values())

    @property
    def exercises(self) -> tuple[str, ...]:
        """The bare exercise names graded (``--exercise``), empty when whole topics are."""
        return () if self.whole_topics else tuple(sorted({e.split(".", 1)[1] for e in self.exercise_points}))


@dataclass(frozen=True)
class Limits:
    timeout: float | None = None
    memory_mb: int | None = None
    budget: float | None = None


@dataclass(frozen=True)
class Course:
    path: Path
    name: str
    seed: str | None
    roster: Path | None
    timezone: ZoneInfo
    limits: Limits
    assignments: dict[str, Assignment]
    language: str | None = None  # the release's and Gradescope zip's default language (grader/i18n.py)

    def language_of(self, assignment: Assignment | None) -> str | None:
        """The language of what ``assignment`` gives students: its own, else the course's."""
        return (assignment.language if assignment else None) or self.language

    def assignment(self, name: str) -> Assignment:
        if name not in self.assignments:
            known = ", ".join(self.assignments) or "none"
            raise CourseError(f"{self.path.name}: no assignment {name!r} (assignments: {known})")
        return self.assignments[name]


class _Reader:
    """Reads one table of the file, refusing unknown keys and wrong types by their full key;
    ``declared`` names the table's declaration (grader/course/keys.py), its keys' types and defaults."""

    def __init__(self, path: Path, where: str, table: Any, declared: str = "") -> None:
        self.path, self.where, self.declared = path, where, declared
        if not isinstance(table, dict):
            self.fail("", "expected a table")
        self.table: dict[str, Any] = table

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where and name else self.where or name

    def fail(self, name: str, problem: str) -> NoReturn:
        raise CourseError(f"{self.path.name}: {self.key(name)}: {problem}")

    def only(self, *allowed: str) -> None:
        """Refuse a key that is not ``allowed`` (by default: the declared table's keys)."""
        allowed = allowed or names(COURSE_KEYS[self.declared])
        unknown = sorted(set(self.table) - set(allowed))
        if unknown:
            self.fail(unknown[0], f"unknown key; expected one of {', '.join(allowed)}")

    def default(self, name: str) -> Any:
        return find(COURSE_KEYS[self.declared], name).default

    def value(self, name: str) -> Any:
        """The key's value, of its declared type, else its declared default."""
        key = find(COURSE_KEYS[self.declared], name)
        return self.get(name, key.accepts if len(key.accepts) > 1 else key.accepts[0], key.default)

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        value = self.table.get(name, default)
        if value is not None and (
            not isinstance(value, kind) or isinstance(value, bool) and kind is not bool
        ):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            self.fail(name, f"expected {names}, got {value!r}")
        return value

    def number(self, name: str, default: float | None = None, minimum: float = 0) -> float | None:
        value = self.get(name, (int, float), default)
        if value is not None and (not math.isfinite(value) or value < minimum):
            self.fail(name, f"expected a number of at least {minimum:g}, got {value!r}")
        return None if value is None else float(value)

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.get(name, list, self.default(name))
        if not all(isinstance(v, str) for v in value):
            self.fail(name, "expected a list of strings")
        return tuple(value)

    def sub(self, name: str, declared: str | None = None) -> _Reader:
        """The table ``name`` of this one; declared as ``declared`` (default: this one's own + name)."""
        inner = ".".join(filter(None, (self.declared, name))) if declared is None else declared
        return _Reader(self.path, self.key(name), self.table.get(name, {}), inner)


def _zone(reader: _Reader, name: str, default: ZoneInfo | None) -> ZoneInfo:
    spelled = reader.get(name, str)
    if spelled is None:
        return default or ZoneInfo("UTC")
    try:
        return ZoneInfo(spelled)
    except (ZoneInfoNotFoundError, ValueError):
        reader.fail(name, f"unknown time zone {spelled!r} (an IANA name such as Europe/Berlin)")


def parse_time(value: object, zone: ZoneInfo) -> datetime | None:
    """A TOML datetime or a string ("2026-10-14 23:59", ISO 8601 with or without offset) as an
    aware time (``zone`` where it names none); None when it cannot be read."""
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, str):
        try:
            found = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            for form in DATE_FORMATS:
                try:
                    found = datetime.strptime(value.strip(), form)
                    break
                except ValueError:
                    continue
            else:
                return None
    else:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=zone)


def _time(reader: _Reader, name: str, zone: ZoneInfo) -> datetime | None:
    if name not in reader.table:
        return None
    found = parse_time(reader.table[name], zone)
    if found is None:
        reader.fail(name, f"cannot read the date {reader.table[name]!r} (write 2026-10-14 23:59)")
    return found


def _late(reader: _Reader) -> LatePolicy:
    reader.only()
    kind = reader.value("policy")
    if kind not in LATE_POLICIES:
        reader.fail("policy", f"unknown late policy {kind!r}; policies: {', '.join(LATE_POLICIES)}")
    penalty = reader.number("penalty", reader.default("penalty")) or 0.0
    cap = reader.number("cap", reader.default("cap"))
    if penalty > 100 or (cap or 0) > 100:
        reader.fail("penalty" if penalty > 100 else "cap", "a percentage, at most 100")
    if kind in ("per_day", "per_hour") and penalty == 0:
        reader.fail("penalty", f"policy {kind!r} needs a penalty (percent per {kind[4:]})")
    grace = timedelta(minutes=reader.number("grace_minutes", reader.default("grace_minutes")) or 0.0)
    return LatePolicy(kind=kind, penalty=penalty, cap=100.0 if cap is None else cap, grace=grace)


def _exercise_names(reader: _Reader, topics: tuple[str, ...], listed: tuple[str, ...]) -> list[str]:
    """The assignment's exercises as ``topic.exercise``: its topics' all, and those it lists."""
    for topic in topics:
        if topic not in TOPICS:
            reader.fail("topics", f"unknown topic {topic!r}; topics: {', '.join(TOPICS)}")
    names = [f"{t}.{e}" for t in topics for e in stub_exercises(t)]
    for entry in listed:
        topic, _, exercise = entry.partition(".")
        if topic not in TOPICS or exercise not in stub_exercises(topic):
            reader.fail("exercises", f"unknown exercise {entry!r} (write topic.exercise, e.g. losses.huber)")
        if entry not in names:
            names.append(entry)
    if not names:
        reader.fail("topics", "an assignment names at least one topic or exercise")
    return names


def _points(reader: _Reader, names: list[str], total: float) -> dict[str, float]:
    """Points per exercise: those the file gives, the rest of the total spread equally in cents
    that add up to it (grader/grades.py: 40 among three is 13.34, 13.33, 13.33)."""
    given = reader.sub("exercise_points")
    for entry in given.table:
        if entry not in names:
            given.fail(entry, f"not an exercise of this assignment (its exercises: {', '.join(names)})")
        given.number(entry)
    fixed = {name: float(given.table[name]) for name in names if name in given.table}
    rest = [name for name in names if name not in fixed]
    left = total - sum(fixed.values())
    if left < -POINTS_TOLERANCE or (not rest and abs(left) > POINTS_TOLERANCE):
        reader.fail(
            "exercise_points",
            f"the exercises' points add up to {sum(fixed.values()):g}, not the assignment's points = {total:g}",
        )
    shares = grades.apportion([1] * len(rest), left)
    spread = {name: float(share) for name, share in zip(rest, shares)}
    return {name: fixed.get(name, spread.get(name, 0.0)) for name in names}


MANUAL_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _rubric(reader: _Reader, points: float) -> tuple[RubricItem, ...]:
    entries = reader.get("rubric", list, reader.default("rubric"))
    found: list[RubricItem] = []
    for position, entry in enumerate(entries):
        line = _Reader(reader.path, reader.key(f"rubric[{position}]"), entry, f"{reader.declared}.rubric")
        line.only()
        ident, text = line.value("id"), line.value("text")
        if ident is None or not MANUAL_ID.fullmatch(ident) or any(r.id == ident for r in found):
            line.fail("id", f"a unique id of letters, digits, _ or -, got {ident!r}")
        value = line.number("points")
        if value is None or value > points + POINTS_TOLERANCE:
            line.fail("points", f"missing or above the item's points = {points:g}")
        found.append(RubricItem(id=ident, points=value, text=text))
    return tuple(found)


def _manual(reader: _Reader) -> dict[str, ManualItem]:
    """The assignment's manual items: ``[assignments.hw1.manual.explain]`` with points, title, rubric."""
    items = {}
    for ident in reader.table:
        item = reader.sub(ident, "assignments.NAME.manual.ID")
        if not MANUAL_ID.fullmatch(ident):
            item.fail("", "a manual item's id is letters, digits, _ or - (no dots: not an exercise)")
        item.only()
        points = item.number("points", minimum=POINTS_TOLERANCE)
        if points is None:
            item.fail("points", "missing: the item's points")
        title = item.get("title", str, ident)
        items[ident] = ManualItem(
            id=ident,
            title=title,
            points=points,
            rubric=_rubric(item, points),
            tag=item.get("tag", str, ident),
            heading=item.get("heading", str, title),
        )
    return items


def _file(reader: _Reader, name: str) -> Path | None:
    """A file the course names, relative to the course file; it must exist."""
    spelled = reader.get(name, str)
    found = None if spelled is None else (reader.path.parent / spelled).resolve()
    if found is not None and not found.is_file():
        reader.fail(name, f"no such file: {found}")
    return found


def _language(reader: _Reader) -> str | None:
    language = reader.get("language", str)
    if language is not None and language not in defaults.LANGUAGES:
        reader.fail("language", f"one of {', '.join(defaults.LANGUAGES)}, not {language!r}")
    return language


def _assignment(reader: _Reader, name: str, zone: ZoneInfo) -> Assignment:
    reader.only()
    topics, listed = reader.strings("topics"), reader.strings("exercises")
    names = _exercise_names(reader, topics, listed)
    total = reader.number("points", minimum=POINTS_TOLERANCE)
    if total is None:
        reader.fail("points", "missing: the assignment's total points")
    manual = _manual(reader.sub("manual"))
    automatic = (total or 0.0) - sum(item.points for item in manual.values())
    if automatic < -POINTS_TOLERANCE:
        reader.fail(
            "manual", f"the manual items' points add up to more than the assignment's points = {total:g}"
        )
    points = _points(reader, names, max(0.0, automatic))
    weights_reader = reader.sub("kind_weights")
    weights_reader.only(*KINDS)
    weights = {kind: weights_reader.number(kind, 1.0) or 0.0 for kind in KINDS}
    zone = _zone(reader, "timezone", zone)
    twin = reader.value("twin")
    if twin not in TWIN_RULES:
        reader.fail("twin", f"one of {', '.join(TWIN_RULES)}, not {twin!r}")
    extensions_reader = reader.sub("extensions")
    extensions = {}
    for student in extensions_reader.table:
        extensions[student] = _time(extensions_reader, student, zone)
    return Assignment(
        name=name,
        title=reader.value("title") or name,
        topics=topics,
        exercise_points=points,
        total=total or 0.0,
        kind_weights=weights,
        due=_time(reader, "due", zone),
        late=_late(reader.sub("late")),
        extensions={s: t for s, t in extensions.items() if t is not None},
        excused=reader.strings("excused"),
        lms_column=reader.value("lms_column"),
        times=_file(reader, "times"),
        timezone=zone,
        whole_topics=not listed,
        twin=twin,
        manual=manual,
        language=_language(reader),
        anonymous=reader.value("anonymous"),
        submissions=_submissions(reader.sub("submissions")),
        leaderboard=_leaderboards(reader, points),
    )


def _submissions(reader: _Reader) -> SubmissionLimits:
    """``[assignments.NAME.submissions]``: graded submissions in all, in any 24 hours, and the
    minutes between two (each optional; the Gradescope autograder enforces them)."""
    reader.only()
    whole = {
        name: reader.number(name, reader.default(name)) or 0.0 for name in ("max_submissions", "per_day")
    }
    for name, value in whole.items():
        if value != int(value):
            reader.fail(name, f"a whole number, not {value:g}")
    cooldown = reader.number("cooldown_minutes", reader.default("cooldown_minutes")) or 0.0
    return SubmissionLimits(int(whole["max_submissions"]), int(whole["per_day"]), cooldown)


def _leaderboards(reader: _Reader, points: dict[str, float]) -> tuple[Leaderboard, ...]:
    """``[[assignments.NAME.leaderboard]]``: each an exercise of the assignment with a held-out
    set (grader/checks/held_out.py), its metric and order (the declared ones by default), a title,
    and ``counts = false`` (a leaderboard earns no points)."""
    from grader.checks.held_out import METRIC_NAMES, ORDERS, declared

    tables = reader.get("leaderboard", list, reader.default("leaderboard"))
    boards = []
    for index, table in enumerate(tables):
        board = _Reader(
            reader.path, f"{reader.key('leaderboard')}[{index}]", table, f"{reader.declared}.leaderboard"
        )
        board.only()
        exercise = board.value("exercise") or ""
        graded = [key for key in points if key.split(".", 1)[1] == exercise]
        topic = {t.name: t for t in MANIFEST}.get(graded[0].split(".", 1)[0]) if graded else None
        sets = declared(topic.held_out) if topic is not None else {}
        if topic is None or exercise not in sets:
            board.fail("exercise", f"an exercise of this assignment with a held-out set, not {exercise!r}")
        metric, order = (
            board.get("metric", str, sets[exercise][0]),
            board.get("order", str, sets[exercise][1]),
        )
        if metric not in METRIC_NAMES or order not in ORDERS:
            board.fail("metric", f"metric one of {', '.join(METRIC_NAMES)}; order one of {', '.join(ORDERS)}")
        if board.get("counts", bool, False):
            board.fail("counts", "a leaderboard earns no points: counts = false (the default)")
        boards.append(Leaderboard(topic.name, exercise, metric, order, board.get("name", str, "")))
    return tuple(boards)


def _packs(reader: _Reader) -> None:
    """Every pack the course names is one this checkout grades (grader/packs.py reads them from
    the checkout's course.toml, or TORCHGRADE_PACKS, before a command line is read)."""
    loaded = {t.pack.root for t in MANIFEST}
    for folder in reader.strings("packs"):
        where = (reader.path.parent / folder).resolve()
        if not (where / "pack.toml").is_file():
            reader.fail("packs", f"no pack.toml in {where}")
        if where not in loaded:
            reader.fail(
                "packs", f"{folder} is not loaded: give this file with --course, or name it in {PACKS_ENV}"
            )


def load_course(path: Path) -> Course:
    """The course in ``path``, or :class:`CourseError` naming the first mistake's key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CourseError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path.name}: not TOML: {exc}") from None
    top = _Reader(path, "", data)
    top.only()
    about = top.sub("course")
    about.only()
    _packs(about)
    language = _language(about)
    zone = _zone(about, "timezone", None)
    limits = top.sub("limits")
    limits.only()
    memory = limits.value("memory_mb")
    if memory is not None and memory < defaults.MEMORY_FLOOR_MB:
        limits.fail("memory_mb", f"expected at least {defaults.MEMORY_FLOOR_MB}, got {memory}")
    table = top.sub("assignments")
    assignments = {name: _assignment(table.sub(name, "assignments.NAME"), name, zone) for name in table.table}
    seed = about.value("seed")
    return Course(
        path=path,
        name=about.value("name") or path.stem,
        seed=None if seed is None else str(seed),
        roster=_file(about, "roster"),
        timezone=zone,
        limits=Limits(
            timeout=limits.number("timeout", minimum=defaults.TIMEOUT_FLOOR),
            memory_mb=memory,
            budget=limits.number("budget", minimum=defaults.BUDGET_FLOOR),
        ),
        assignments=assignments,
        language=language,
    )
