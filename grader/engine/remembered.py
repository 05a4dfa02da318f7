"""A learner's results remembered, so that nothing is graded twice that did not change.

A learner's ``grade exercises/`` (or ``watch``, or a notebook's ``check()``) grades every topic
again although only the file they saved changed; the training checks make a solved ``mlp`` cost
seconds each time. A topic's outcome is kept under a key made of the topic's table of checks' key
(:func:`grader.engine.check_table.key`: everything the grade reads, docs/design.md, "What a grade
reads"), every source the task's worker can import (:func:`grader.engine.subset.submission.sources_of`),
the options (selection, limits, device) and the language its messages are in.

Only what a learner sees of their own work is remembered (``grade(..., remember=True)`` from the
learner's commands): a class graded by ``grade batch``, Gradescope and any run with a course seed
never read it. An outcome is kept only when every check of the topic passed (:data:`KEPT`), with
no engine problem, in the user's own cache folder beside the tables of checks; what a learner
writes there can mislead only their own reports. The ``TORCHGRADE_*`` settings of the run are
part of the key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from grader.base import defaults, i18n
from grader.base.keys import PLACING
from grader.checks.verdict.scoring import TestResult, TopicResult
from grader.engine import check_table
from grader.engine.subset import submission as subset

# Only a topic whose every check passed (or was skipped) is kept: a failure may be the machine's
# (a cost check under load, a timeout), and a learner must never see one that their code no
# longer earns; what fails is what they are working on, graded afresh each time.
KEPT = ("passed", "skipped")
VERSION = 2  # of the stored form (2: the callees' checks, "called")
FRESH = "TORCHGRADE_FRESH"  # "1": grade afresh, remember nothing (the test suite's setting)


def keys(path: Path, topics: list[str], single_file: bool, options: Any) -> dict[str, str | None]:
    """The key of each of ``topics`` graded from ``path`` with ``options``; None where it cannot
    be made (a source unreadable) or must not be (a course seed: the official grade)."""
    if options.course_seed is not None or options.student is not None or os.environ.get(FRESH) == "1":
        return dict.fromkeys(topics)
    tables = check_table.keys(topics)
    return {topic: _key(path, topic, single_file, options, tables[topic]) for topic in topics}


def _key(path: Path, topic: str, single_file: bool, options: Any, table: str | None) -> str | None:
    sources = subset.sources_of(path, topic, single_file)
    if table is None or not sources:
        return None
    digest = hashlib.sha256()
    # the checks chosen, not which other topics the run grades: every command reads back another's
    chosen = repr(dataclasses.replace(options.selection, topics=()))
    for part in (str(VERSION), table, topic, i18n.language(), chosen, repr(options.limits)):
        digest.update(f"{part}\0".encode())
    digest.update(f"{options.device}\0".encode())
    settings = sorted(
        (k, v) for k, v in os.environ.items() if k.startswith("TORCHGRADE_") and k not in PLACING
    )
    digest.update(repr(settings).encode())
    for name in sorted(sources):
        digest.update(f"{name}\0{len(sources[name])}\0".encode())
        digest.update(sources[name].encode())
    return digest.hexdigest()


def _file(topic: str, digest: str) -> Path:
    return defaults.check_table_folder().parent / "results" / f"{topic}-{digest[:40]}.json"


def recall(topic: str, digest: str | None) -> TopicResult | None:
    """The outcome kept under ``digest``, or None (none kept, or unreadable)."""
    if digest is None:
        return None
    try:
        data = json.loads(_file(topic, digest).read_text(encoding="utf-8"))
        tests, called = ([_test(t) for t in data[part]] for part in ("tests", "called"))
        return TopicResult(data["name"], tests, data["note"], data["hidden"], data["twin"], called=called)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _test(kept: dict) -> TestResult:
    return TestResult(
        **{**kept, "exercises": tuple(kept["exercises"]), "calls": tuple(kept.get("calls", ()))}
    )


def keep(result: TopicResult, digest: str | None, engine_problem: str = "") -> None:
    """Keep ``result`` under ``digest`` when nothing in it depends on the machine's load."""
    if digest is None or engine_problem or any(t.status not in KEPT for t in [*result.tests, *result.called]):
        return
    data = {
        "name": result.name,
        "tests": [dataclasses.asdict(t) for t in result.tests],
        "called": [dataclasses.asdict(t) for t in result.called],
        "note": result.note,
        "hidden": result.hidden,
        "twin": result.twin,
    }
    target = _file(result.name, digest)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_text(json.dumps(data), encoding="utf-8")
        partial.replace(target)
    except OSError:
        pass  # a read-only cache folder: graded again next time
