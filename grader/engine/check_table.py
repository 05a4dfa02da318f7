"""Each topic's checks as a table, so that an untouched stub is reported without pytest or torch:
cached in the user's own cache folder (:func:`remember`, :func:`cached`), the stub's results
(:func:`not_started`) and what a public-only run leaves hidden (:func:`hidden_kinds`) made from
rows (docs/engine.md, "An untouched stub is reported from a table").
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from grader.base import clean, defaults, depends
from grader.base.i18n import N_, _
from grader.base.topics import MANIFEST, of, suite_path
from grader.checks.verdict import places
from grader.checks.verdict.scoring import TestResult, TopicResult, make_result

# the skipped message of a CUDA check on a CPU: a stub's report and the plugin's skip (here so
# that a stub's report imports no pytest)
NO_CUDA = N_("no CUDA device here: this check drops out of the maximum score")


def still_raises(function: str) -> str:
    """What a check of an unimplemented ``function`` says, in a stub's report and where a worker
    finds NotImplementedError (grader/engine/worker/client.py), after the status's "not started: "."""
    return _("%(function)s still raises NotImplementedError: not started yet") % {"function": function}


def blank_file(topic: str) -> str:
    """What every check of a blank topic file says (nothing but comments, or emptied)."""
    return _(
        "not started: %(file)s is empty (`grade reset NAME` puts an exercise's stub back, "
        "`grade hint NAME` helps you start)"
    ) % {"file": f"{topic}.py"}


def said_blank(result: TopicResult, topic: str) -> None:
    """Each not-started check of ``result`` says its file is blank (its stub's words do not fit)."""
    for test in result.tests:
        if test.status == "not_started":
            test.message = clean.text(blank_file(topic))


@dataclass(frozen=True)
class Row:
    """One collected check, as a stub's report needs it."""

    id: str
    kind: str
    points: float
    public: bool
    cuda: bool
    exercises: tuple[str, ...]
    keywords: tuple[str, ...]  # the names pytest's -k matches (pytest_compat.keyword_names)
    clause: str = ""  # the clause it holds (grader/checks/judging/mark.py), "" for a value check


def key(topic: str) -> str | None:
    """The hash naming ``topic``'s table; None when a source cannot be read."""
    return keys([topic])[topic]


def keys(topics: Iterable[str]) -> dict[str, str | None]:
    """:func:`key` of each of ``topics``, the shared sources listed once (a folder's topics)."""
    topics = list(topics)
    try:
        shared = depends.digest(depends.present(depends.shared(MANIFEST)))
    except OSError:
        return dict.fromkeys(topics)
    found: dict[str, str | None] = {}
    for topic in topics:
        entry = of(topic)
        own = depends.present(depends.own(entry)) if entry else []
        try:
            found[topic] = depends.own_key(own or [str(suite_path(topic))], shared, topic)
        except OSError:
            found[topic] = None
    return found


def _file(topic: str, digest: str) -> Path:
    return defaults.check_table_folder() / f"{topic}-{digest[:40]}.json"


def _row(data: Any) -> Row:
    row = Row(**data)
    fields = (row.id, row.kind, *row.exercises, *row.keywords)
    if not all(isinstance(f, str) for f in fields) or not isinstance(row.points, (int, float)):
        raise ValueError("not a row")
    return Row(**{**data, "exercises": tuple(row.exercises), "keywords": tuple(row.keywords)})


def cached(topic: str) -> list[Row] | None:
    """``topic``'s table as its current sources collect it, or None (not cached yet, unreadable)."""
    digest = key(topic)
    if digest is None:
        return None
    try:
        return [_row(entry) for entry in json.loads(_file(topic, digest).read_text(encoding="utf-8"))["rows"]]
    except (OSError, ValueError, TypeError, KeyError):
        return None


def remember(topic: str, rows: list[Row]) -> None:
    """Cache ``topic``'s table, the ``rows`` of its collected suite (replacing older tables of
    the topic); where the cache folder is not writable, nothing is cached."""
    digest = key(topic)
    if digest is None or cached(topic) is not None:
        return
    target = _file(topic, digest)
    text = json.dumps({"topic": topic, "rows": [asdict(row) for row in rows]})
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)  # whole or absent, for a reader at the same time
        for older in target.parent.glob(f"{topic}-*.json"):
            if older != target:
                older.unlink(missing_ok=True)


def chosen(rows: list[Row], keyword: str, public_only: bool, exercises: tuple[str, ...]) -> list[Row]:
    """The rows a run grades: -k as pytest evaluates it, then --public-only and --exercise as
    the plugin drops checks (grader/engine/suites/collected.py, CollectedSuite.chosen)."""
    if keyword.strip():
        from grader.engine.pytest_compat import keyword_filter

        selects = keyword_filter(keyword.lstrip())
        rows = [row for row in rows if selects(row.keywords)]
    wanted = set(exercises)
    return [
        row
        for row in rows
        if not (public_only and not row.public) and not (wanted and wanted.isdisjoint(row.exercises))
    ]


def not_started(topic: str, rows: list[Row], device: str) -> list[TestResult]:
    """An untouched stub's results for ``rows`` graded on ``device``: each check ``not_started``
    (CUDA checks on a CPU ``skipped``, as the plugin would skip them)."""
    results = []
    for row in rows:
        if row.cuda and device != "cuda":
            status, message = "skipped", _(NO_CUDA)
        else:
            function = (
                places.function_in(row.exercises[0], f"{topic}.py") if row.exercises else _("the exercise")
            )
            status = "not_started"
            message = _("not started: %(reason)s") % {"reason": still_raises(function)}  # as the plugin
        results.append(
            make_result(
                test_id=row.id,
                kind=row.kind,
                points=row.points,
                status=status,
                message=clean.text(message),
                public=row.public,
                exercises=row.exercises,
                clause=row.clause,
            )
        )
    return results


def hidden_kinds(rows: list[Row], exercises: tuple[str, ...] = ()) -> dict[str, dict[str, int]]:
    """{exercise: {kind: number of hidden checks}} for ``exercises`` (all when empty): what a
    public-only run leaves to the hidden suite, by exercise and kind only."""
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        if row.public:
            continue
        for name in row.exercises:
            if not exercises or name in exercises:
                kinds = found.setdefault(name, {})
                kinds[row.kind] = kinds.get(row.kind, 0) + 1
    return found
