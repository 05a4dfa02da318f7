"""Whether a run's workers may step an optimizer, so that its zygote must carry ``torch._dynamo``
(grader/sandboxed/dynamo_free.py). Read before torch is imported, to choose the zygote that boots
meanwhile: from the topics (:data:`grader.topics.DYNAMO_FREE`) and the submissions' text. Where
the answer is not plainly no, it is yes: a zygote without it would have a worker import it inside
a probe (a second of CPU against the probe's limit).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from grader.topics import DYNAMO_FREE, single_file_topic

OPTIMIZER_WORD = re.compile(r"optim|_dynamo")  # in code, a string or a comment alike
CLASS_FILES = 5000  # a class folder read before its intake: past this many files, no reading
SOURCE_SUFFIXES = (".py", ".ipynb")


def mentions_an_optimizer(path: Path) -> bool:
    """Whether a submission (a file, or a folder's files as its worker is sent them) names one."""
    files = [path] if path.is_file() else [p for p in path.iterdir() if p.suffix in SOURCE_SUFFIXES]
    try:
        return any(OPTIMIZER_WORD.search(f.read_text(errors="replace")) for f in files)
    except OSError:
        return True


def needs_dynamo(topics: Iterable[str], *paths: Path) -> bool:
    """For a run: the topics it grades, then (only where they are all free of it) each
    submission's files, once each."""
    return not set(topics) <= DYNAMO_FREE or any(mentions_an_optimizer(path) for path in paths)


def class_needs_dynamo(submissions: Path, topics: tuple[str, ...]) -> bool:
    """For a class's folder before its intake: no only where every file in it is a ``.py`` or
    ``.ipynb`` of a topic in :data:`DYNAMO_FREE` (by its name, or the one ``--topic``) that names
    no optimizer; an archive, an LMS's other shapes, any other file: yes."""
    seen = 0
    for folder, _, names in os.walk(submissions):
        for name in names:
            seen += 1
            path = Path(folder) / name
            topic = single_file_topic(path.stem, topics)
            if seen > CLASS_FILES or path.suffix not in SOURCE_SUFFIXES or topic is None:
                return True
            if needs_dynamo([topic], path):
                return True
    return seen == 0
