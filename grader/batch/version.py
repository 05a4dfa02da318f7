"""The suite version: the key of everything a class's grades read (the manifest,
:func:`grader.base.depends.key`: the grader with its member list and catalogues, every topic's pack
files and what each declares it reads, the datasets, the versions of the libraries a grade
imports) and the grader's version. A grading done under another version counts as stale. Read by
the coordinator and by each Dask worker, which refuses to grade for a coordinator whose version
differs."""

from __future__ import annotations

from grader import __version__
from grader.base import depends
from grader.base.topics import MANIFEST


def suite_version() -> str:
    """Changes whenever a byte a grade reads changes: old grades then count as stale."""
    return depends.key(MANIFEST, __version__)[:16]
