"""The submissions folder → each student's source text per topic, read exactly as ``grade batch`` reads it.

Intake is :mod:`grader.batch.intake` (folders, zips, single files, notebooks, Canvas/Moodle
downloads); a notebook becomes the module of its definitions (:func:`grader.engine.sources.notebooks.to_module`).
Nothing is imported or run. What cannot be read becomes a one-line note.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.batch.intake import Rejected, entries, gather, one_line, take_submission
from grader.engine.sources import notebooks
from grader.engine.staging import MAX_FILE_BYTES, topic_files


@dataclass(frozen=True)
class TopicSource:
    student: str
    topic: str
    text: str


def _read(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES >> 20} MB")
    if path.suffix == ".ipynb":
        return notebooks.to_module(notebooks.read(path)).source
    return path.read_bytes().decode("utf-8")


def read_class(
    submissions: Path, topics: tuple[str, ...], scratch: Path
) -> tuple[list[TopicSource], list[str]]:
    """(each student's topic sources, notes on what was left out); ``topics`` empty: every topic."""
    taken, left_out = entries(submissions)
    found: list[TopicSource] = []
    notes = [f"{name}: left out: {why}" for name, why in left_out]
    for submission in gather(taken):
        item = take_submission(submission, scratch, topics)
        if isinstance(item, Rejected):
            notes.append(f"{item.student}: left out: {item.reason}")
            continue
        if item.path.is_dir():
            files = [(t, item.path / f"{t}.py") for t in topic_files(item.path)]
        else:
            files = [(item.topic or "", item.path)]
        for topic, path in files:
            if topics and topic not in topics:
                continue
            try:
                found.append(TopicSource(item.student, topic, _read(path)))
            except (OSError, ValueError, notebooks.NotebookError) as exc:
                notes.append(one_line(f"{item.student}: {topic}: left out: cannot be read ({exc})"))
    return found, notes
