"""``course.toml``: what a course is, in one file (read with the standard library's ``tomllib``), into
the dataclasses grader/course/keys.py declares (its keys: docs/settings.md, "course.toml").
:func:`load_course` refuses a file with a mistake with one line naming the key
(:class:`CourseError`). ``grade course init`` writes grader/course/example.py's example.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from grader.base import defaults, grades
from grader.base.keys import Table, declared, find, names
from grader.checks.verdict.scoring import KINDS
from grader.course import keys as declaration
from grader.course.keys import (
    Assignment,
    Course,
    CourseError,
    LatePolicy,
    Limits,
    ManualItem,
    RubricItem,
    course_keys,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # the backport, a dependency on 3.10 only
    import tomli as tomllib
from grader.base.options import Leaderboard, SubmissionLimits
from grader.base.packs import PACKS_ENV
from grader.base.topics import MANIFEST, TOPICS
from grader.base.topics import exercises as stub_exercises

DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
POINTS_TOLERANCE = 1e-6  # points that "add up": within this of the assignment's total


Record = TypeVar("Record")


class _Reader:
    """Reads one table of the file, refusing unknown keys and wrong types by their full key;
    ``declared`` names the table's declaration (grader/course/keys.py), its keys' types and defaults."""

    def __init__(self, path: Path, where: str, table: Any, declared: str = "") -> None:
        self.path, self.where, self.declared = path, where, declared
        if not isinstance(table, dict):
            self.fail("", "expected a table")
        self.table: dict[str, Any] = table

    @property
    def keys(self) -> Table:
        return course_keys()[self.declared]

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where and name else self.where or name

    def fail(self, name: str, problem: str) -> NoReturn:
        raise CourseError(f"{self.path.name}: {self.key(name)}: {problem}")

    def only(self, *allowed: str) -> None:
        """Refuse a key that is not ``allowed`` (by default: the declared table's keys)."""
        allowed = allowed or names(self.keys)
        unknown = sorted(set(self.table) - set(allowed))
        if unknown:
            self.fail(unknown[0], f"unknown key; expected one of {', '.join(allowed)}")

    def value(self, name: str) -> Any:
        """The key's value, of its declared type (a number finite and not negative), one of its
        declared choices, else its declared default."""
        key = find(self.keys, name)
        if key.kind == "number":
            return self.number(name, key.default)
        if key.kind == "list of strings":
            return self.strings(name)
        value = self.get(name, key.accepts, key.default, key.kind)
        if key.choices and value is not None and value not in key.choices:
            self.fail(name, f"one of {', '.join(key.choices)}, not {value!r}")
        return value

    def record(self, kind: type[Record], **given: Any) -> Record:
        """The table as the dataclass ``kind`` declares it (:func:`grader.base.keys.declared`): each
        of its keys that ``given`` does not give, read by its declaration."""
        self.only()
        read = {key.attribute: self.value(key.name) for key in declared(kind) if key.attribute not in given}
        return kind(**given, **read)

    def get(self, name: str, kind: tuple[type, ...], default: Any = None, said: str = "") -> Any:
        value = self.table.get(name, default)
        if value is not None and (
            not isinstance(value, kind) or isinstance(value, bool) and bool not in kind
        ):
            self.fail(name, f"expected {said or ' or '.join(k.__name__ for k in kind)}, got {value!r}")
        return value

    def number(self, name: str, default: float | None = None, minimum: float = 0) -> float | None:
        value = self.get(name, (int, float), default)
        if value is not None and (not math.isfinite(value) or value < minimum):
            self.fail(name, f"expected a number of at least {minimum:g}, got {value!r}")
        return None if value is None else float(value)

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.get(name, (list,), [])
        if not all(isinstance(v, str) for v in value):
            self.fail(name, "expected a list of strings")
        return tuple(value)

    def sub(self, name: str, declared: str | None = None) -> _Reader:
        """The table ``name`` of this one; declared as ``declared`` (default: this one's own + name)."""
        inner = ".".join(filter(None, (self.declared, name))) if declared is None else declared
        return _Reader(self.path, self.key(name), self.table.get(name, {}), inner)

    def items(self, name: str, declared: str) -> list[_Reader]:
        """The array of tables ``name``, each declared as ``declared``."""
        entries = self.get(name, (list,), [])
        return [
            _Reader(self.path, f"{self.key(name)}[{i}]", entry, declared) for i, entry in enumerate(entries)
        ]


def _zone(reader: _Reader, name: str, default: ZoneInfo | None) -> ZoneInfo:
    spelled = reader.get(name, (str,))
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
    late = reader.record(LatePolicy)
    if late.penalty > 100 or late.cap > 100:
        reader.fail("penalty" if late.penalty > 100 else "cap", "a percentage, at most 100")
    if late.policy in ("per_day", "per_hour") and late.penalty == 0:
        reader.fail("penalty", f"policy {late.policy!r} needs a penalty (percent per {late.policy[4:]})")
    return late


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
    that add up to it (grader/base/grades.py: 40 among three is 13.34, 13.33, 13.33)."""
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
    spread = {name: float(share) for name, share in zip(rest, grades.apportion([1] * len(rest), left))}
    return {name: fixed.get(name, spread.get(name, 0.0)) for name in names}


MANUAL_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _rubric(reader: _Reader, points: float) -> tuple[RubricItem, ...]:
    found: list[RubricItem] = []
    for line in reader.items("rubric", f"{reader.declared}.rubric"):
        item = line.record(RubricItem)
        if item.id is None or not MANUAL_ID.fullmatch(item.id) or any(r.id == item.id for r in found):
            line.fail("id", f"a unique id of letters, digits, _ or -, got {item.id!r}")
        if item.points is None or item.points > points + POINTS_TOLERANCE:
            line.fail("points", f"missing or above the item's points = {points:g}")
        found.append(item)
    return tuple(found)


def _manual(reader: _Reader) -> dict[str, ManualItem]:
    """The assignment's manual items: ``[assignments.hw1.manual.explain]`` with points, title, rubric."""
    items = {}
    for ident in reader.table:
        item = reader.sub(ident, "assignments.NAME.manual.ID")
        if not MANUAL_ID.fullmatch(ident):
            item.fail("", "a manual item's id is letters, digits, _ or - (no dots: not an exercise)")
        points = item.number("points", minimum=POINTS_TOLERANCE)
        if points is None:
            item.fail("points", "missing: the item's points")
        read = item.record(ManualItem, id=ident, points=points, rubric=_rubric(item, points))
        title = read.title or ident
        items[ident] = ManualItem(ident, title, points, read.rubric, read.tag or ident, read.heading or title)
    return items


def _file(reader: _Reader, name: str) -> Path | None:
    """A file the course names, relative to the course file; it must exist."""
    spelled = reader.get(name, (str,))
    found = None if spelled is None else (reader.path.parent / spelled).resolve()
    if found is not None and not found.is_file():
        reader.fail(name, f"no such file: {found}")
    return found


def _assignment(reader: _Reader, name: str, zone: ZoneInfo) -> Assignment:
    """The assignment ``name``: each of its declared keys (grader/course/keys.py ``Assignment``)
    read here where it needs more than its declaration, the others by it."""
    reader.only()
    topics, listed = reader.strings("topics"), reader.strings("exercises")
    names = _exercise_names(reader, topics, listed)
    total = reader.number("points", minimum=POINTS_TOLERANCE)
    if total is None:
        reader.fail("points", "missing: the assignment's total points")
    manual = _manual(reader.sub("manual"))
    automatic = total - sum(item.points for item in manual.values())
    if automatic < -POINTS_TOLERANCE:
        reader.fail(
            "manual", f"the manual items' points add up to more than the assignment's points = {total:g}"
        )
    points = _points(reader, names, max(0.0, automatic))
    weights_reader = reader.sub("kind_weights")
    weights_reader.only(*KINDS)
    zone = _zone(reader, "timezone", zone)
    extensions_reader = reader.sub("extensions")
    extensions = {student: _time(extensions_reader, student, zone) for student in extensions_reader.table}
    assignment = reader.record(
        declaration.Assignment,  # as the module holds it at each read (a test grows it)
        name=name,
        topics=topics,
        exercise_points=points,
        total=total,
        kind_weights={kind: weights_reader.number(kind, 1.0) or 0.0 for kind in KINDS},
        due=_time(reader, "due", zone),
        late=_late(reader.sub("late")),
        extensions={s: t for s, t in extensions.items() if t is not None},
        times=_file(reader, "times"),
        timezone=zone,
        whole_topics=not listed,
        manual=manual,
        submissions=reader.sub("submissions").record(SubmissionLimits),
        leaderboard=_leaderboards(reader, points),
    )
    return replace(assignment, title=assignment.title or name)


def _leaderboards(reader: _Reader, points: dict[str, float]) -> tuple[Leaderboard, ...]:
    """``[[assignments.NAME.leaderboard]]``: each an exercise of the assignment with a held-out
    set (grader/checks/held_out.py), its metric and order (the declared ones by default), a title,
    and ``counts = false`` (a leaderboard earns no points)."""
    from grader.checks.held_out import METRIC_NAMES, ORDERS
    from grader.checks.held_out import declared as held_out

    boards = []
    for board in reader.items("leaderboard", f"{reader.declared}.leaderboard"):
        read = board.record(Leaderboard, topic="")
        graded = [key for key in points if key.split(".", 1)[1] == read.exercise]
        topic = {t.name: t for t in MANIFEST}.get(graded[0].split(".", 1)[0]) if graded else None
        sets = held_out(topic.held_out) if topic is not None else {}
        if topic is None or read.exercise not in sets:
            board.fail(
                "exercise", f"an exercise of this assignment with a held-out set, not {read.exercise!r}"
            )
        metric, order = read.metric or sets[read.exercise][0], read.order or sets[read.exercise][1]
        if metric not in METRIC_NAMES or order not in ORDERS:
            board.fail("metric", f"metric one of {', '.join(METRIC_NAMES)}; order one of {', '.join(ORDERS)}")
        if read.counts:
            board.fail("counts", "a leaderboard earns no points: counts = false (the default)")
        boards.append(replace(read, topic=topic.name, metric=metric, order=order))
    return tuple(boards)


def _packs(reader: _Reader) -> None:
    """Every pack the course names is one this checkout grades (grader/base/packs.py reads them from
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
    zone = _zone(about, "timezone", None)
    limits = top.sub("limits")
    read = limits.record(Limits)
    for name, floor in (
        ("timeout", defaults.TIMEOUT_FLOOR),
        ("memory_mb", defaults.MEMORY_FLOOR_MB),
        ("budget", defaults.BUDGET_FLOOR),
    ):
        if getattr(read, name) is not None and getattr(read, name) < floor:
            limits.fail(name, f"expected at least {floor:g}, got {getattr(read, name)!r}")
    table = top.sub("assignments")
    assignments = {name: _assignment(table.sub(name, "assignments.NAME"), name, zone) for name in table.table}
    seed = about.value("seed")
    return Course(
        path=path,
        name=about.value("name") or path.stem,
        seed=None if seed is None else str(seed),
        roster=_file(about, "roster"),
        timezone=zone,
        limits=read,
        assignments=assignments,
        language=about.value("language"),
    )
