"""Whether a run's workers may hand autograd a gradient (``y.backward(g)``, ``grad_outputs``),
so that the zygote must import sympy before it forks (``--without-sympy`` where not; why:
docs/engine.md). Read before torch is imported, to choose the zygote that boots meanwhile: from
the topics (:data:`grader.base.topics.SYMPY_FREE`) and the submissions' text. Where the answer is
not plainly no, it is yes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from grader.base.topics import SYMPY_FREE, single_file_topic

# backward with any argument, autograd's own functions (grad, backward, functional.*): in code,
# a string or a comment alike
GIVEN_GRADIENT = re.compile(
    r"\.backward\s*\(\s*[^)\s]|grad_outputs|grad_tensors|autograd\s*(\.|import\b|as\b)"
    r"|\b(vjp|jvp|jacobian|hessian|hvp|vhp)\b"
)
CLASS_FILES = 5000  # a class folder read before its intake: past this many files, no reading
SOURCE_SUFFIXES = (".py", ".ipynb")


def gives_a_gradient(path: Path) -> bool:
    """Whether a submission (a file, or a folder's files as its worker is sent them) may."""
    files = [path] if path.is_file() else [p for p in path.iterdir() if p.suffix in SOURCE_SUFFIXES]
    try:
        return any(GIVEN_GRADIENT.search(f.read_text(errors="replace")) for f in files)
    except OSError:
        return True


def needs_sympy(topics: Iterable[str], *paths: Path) -> bool:
    """For a run: the topics it grades, then (only where they are all free of it) each
    submission's files, once each."""
    return not set(topics) <= SYMPY_FREE or any(gives_a_gradient(path) for path in paths)


def class_needs_sympy(submissions: Path, topics: tuple[str, ...]) -> bool:
    """For a class's folder before its intake: no only where every file in it is a ``.py`` or
    ``.ipynb`` of a topic in :data:`SYMPY_FREE` (by its name, or the one ``--topic``) that
    gives autograd no gradient; an archive, an LMS's other shapes, any other file: yes."""
    seen = 0
    for folder, _, names in os.walk(submissions):
        for name in names:
            seen += 1
            path = Path(folder) / name
            topic = single_file_topic(path.stem, topics)
            if seen > CLASS_FILES or path.suffix not in SOURCE_SUFFIXES or topic is None:
                return True
            if needs_sympy([topic], path):
                return True
    return seen == 0
