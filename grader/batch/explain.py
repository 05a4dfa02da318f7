"""``grade batch --explain``: for each student, whether this run graded them again and why
(docs/instructors.md, "Grading a class"): each input kind's digest (:func:`grader.base.depends.kind_digests`)
compared with the last run's ``inputs.json``, and each student's row before the run with the row after it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from grader.base import depends
from grader.base.i18n import _
from grader.base.topics import MANIFEST
from grader.batch.gradebook import Gradebook

INPUTS = "inputs.json"  # in the run's --out folder


@dataclass
class Before:
    """What a run found before grading: each student's (submission, version, status), the inputs'
    digests the last run left."""

    rows: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)


def before(out: Path, gradebook: Gradebook) -> Before:
    try:
        inputs = json.loads((out / INPUTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        inputs = {}
    rows = {r.student: (r.content_hash, r.suite_version, r.status) for r in gradebook.each_row()}
    return Before(rows, inputs if isinstance(inputs, dict) else {})


def explained(found: Before, out: Path, gradebook: Gradebook, students: list[str]) -> list[str]:
    """One line per student of this run; the inputs' digests left for the next run."""
    now = depends.kind_digests(MANIFEST)
    (out / INPUTS).write_text(json.dumps(now, sort_keys=True), encoding="utf-8")
    moved = sorted(k for k in {*now, *found.inputs} if now.get(k) != found.inputs.get(k))
    return [f"{student}: {_why(found.rows.get(student), gradebook, student, moved)}" for student in students]


def _why(earlier: tuple[str, str, str] | None, gradebook: Gradebook, student: str, moved: list[str]) -> str:
    row = gradebook.row(student)
    if earlier is None or row is None:
        return _("graded: no earlier grade")
    if earlier[0] != row.content_hash:
        return _("graded again: the submission changed")
    if earlier[2] == "crashed":
        return _("graded again: its last grading crashed")
    if earlier[1] == row.suite_version:
        return _("read back: nothing its grade reads moved")
    if not moved:
        return _("graded again: the checks chosen or the grader's version changed")
    return _("graded again: %(inputs)s moved") % {"inputs": ", ".join(moved)}
