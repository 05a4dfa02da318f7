"""The suite version: the key of everything a class's grades read (:func:`grader.base.depends.key`;
what that is: docs/design.md, "What a grade reads") and the grader's version. A grading done under
another version counts as stale; a Dask worker refuses to grade for a coordinator of another."""

from __future__ import annotations

from grader import __version__
from grader.base import depends
from grader.base.topics import MANIFEST


def suite_version() -> str:
    """Changes whenever a byte a grade reads changes: old grades then count as stale."""
    return depends.key(MANIFEST, __version__)[:16]
