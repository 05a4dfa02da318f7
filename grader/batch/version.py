"""The suite version: a digest of the suites and the grader that grades (a grading done under
another version counts as stale). Read by the coordinator and by each Dask worker, which refuses
to grade for a coordinator whose version differs."""

from __future__ import annotations

import hashlib

from grader import __version__
from grader.topics import REPO_ROOT, suites_dir


def suite_version() -> str:
    """Changes whenever a suite or the grader changes: old grades then count as stale."""
    digest = hashlib.sha256(__version__.encode())
    for folder, pattern in ((suites_dir(), "*"), (REPO_ROOT / "grader", "**/*.py")):
        for file in sorted(folder.glob(pattern)):
            if file.is_file():
                digest.update(str(file.relative_to(folder)).encode() + file.read_bytes())
    return digest.hexdigest()[:16]
