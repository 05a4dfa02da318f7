"""One module per LMS (``canvas.py``, ``moodle.py``, ``plain.py``), each an object ``LMS`` that
satisfies :class:`grader.batch.lms.base.Lms`: how its bulk download names files, how its roster
reads, what its import takes. They are found by listing this package, as nbgrader finds its
exporters by name: a new LMS is one new file here, and nothing else changes.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from grader.batch.lms.base import Lms, LmsName

SHARED = ("base",)  # the modules of this package that are not an LMS


@functools.cache
def all_lms() -> tuple[Lms, ...]:
    """Every LMS module's ``LMS``, in the order rosters are offered to them."""
    found = [
        importlib.import_module(f"{__name__}.{info.name}").LMS
        for info in pkgutil.iter_modules(__path__)
        if info.name not in SHARED
    ]
    return tuple(sorted(found, key=lambda lms: (lms.order, lms.name)))


def lms_named(name: str) -> Lms:
    """The LMS whose module is ``name`` (a roster's or a download name's ``lms``)."""
    return next(lms for lms in all_lms() if lms.name == name)


def for_header(header: list[str]) -> Lms:
    """The first LMS whose export has this header row (the plain CSV takes any)."""
    return next(lms for lms in all_lms() if lms.reads(header))


def entry_name(name: str) -> LmsName | None:
    """The reading of a bulk download's entry name by the first LMS that recognises it."""
    return next((found for lms in all_lms() if (found := lms.entry_name(name)) is not None), None)
