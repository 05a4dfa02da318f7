"""Declared inputs only, on the trusted side: a suite imports and reads no file of its pack's
folder (nor of a folder beside it that packs share) that the pack does not declare (docs/design.md,
"What a grade reads"). A finder refuses the imports and, while a suite's code runs
(:func:`watching`), an audit hook on ``open`` every other door; each refusal is an ImportError
that names the key to add, and the engine fails the suite on any, caught by the suite or not.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType

from grader.base import depends
from grader.base.packs import Topic

CACHES = "__pycache__"  # what Python writes and reads beside a declared module


class Undeclared(ImportError):
    """A file of a pack's folder (or of a folder packs share) that its pack.toml does not declare."""


class DeclaredOnly(importlib.abc.MetaPathFinder):
    """Refuses a module whose file lies in a watched folder and is not in the manifest; says
    nothing of any other (the finders after it find it as before). :meth:`refusal` says the same
    of a file opened while a suite runs (:func:`watching`)."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.topics = tuple(topics)
        self.roots: dict[str, Path] = {}  # a watched folder -> the pack.toml its files are declared in
        for topic in self.topics:
            beside = {p.parent for p in topic.reads if not p.is_relative_to(topic.pack.root)}
            for root in {topic.pack.root, topic.pack.suites, *beside}:
                self.roots.setdefault(os.path.realpath(root), topic.pack.root / "pack.toml")

    @functools.cached_property
    def declared(self) -> frozenset[str]:
        """The manifest's files in a watched folder, resolved (made at the first file asked of),
        whether there yet or not (answers a process records, then reads)."""
        chosen = self.topics
        listed = depends.listed([*(depends.own(t) for t in chosen), depends.shared(chosen)])
        near = tuple({*self.roots, *(os.fspath(t.parent) for t in self.roots.values())})
        return frozenset(os.path.realpath(p) for p in listed if p.startswith(near) or os.path.islink(p))

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not spec.has_location or not spec.origin:
            return None
        refused = self.refusal(spec.origin, "imports")
        if refused:
            raise Undeclared(refused, name=fullname)
        return None

    def refusal(self, path: str, verb: str) -> str:
        """Why ``path`` may not be read ("" where it may): in a watched folder, not declared."""
        real = os.path.realpath(path)
        toml = next((t for root, t in self.roots.items() if real.startswith(root + os.sep)), None)
        if toml is None or real in self.declared or CACHES in real.split(os.sep):
            return ""
        key = os.path.relpath(real, os.path.realpath(toml.parent))
        return (
            f"{toml}: the suite {verb} {key!r}, which the pack does not declare: add {key!r} to the "
            f"topic's `reads` (a grade reads only what its pack declares)"
        )


_finder: list[DeclaredOnly] = []  # the finder :func:`install` put first on the import path
_watched: list[tuple[int, list[str]]] = []  # while a suite's code runs: its process, the refusals so far


def install(topics: Iterable[Topic]) -> None:
    """Put a :class:`DeclaredOnly` for ``topics`` first on the import path (once a process: a later
    call replaces it, for the manifest it was given: the same one kept), and the audit hook
    :func:`watching` arms."""
    chosen = tuple(topics)
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, DeclaredOnly)]
    finder = _finder[0] if _finder and _finder[0].topics == chosen else DeclaredOnly(chosen)
    sys.meta_path.insert(0, finder)
    if not _finder:
        sys.addaudithook(_audit)  # for the process's life: inert outside watching()
    _finder[:] = [finder]


@contextlib.contextmanager
def watching() -> Iterator[list[str]]:
    """Refuse every undeclared read while the block runs (a suite's collection, its checks) in
    this process (not in one forked meanwhile); yields the refusals made, for the engine to fail
    the suite on those the suite caught."""
    watched: tuple[int, list[str]] = (os.getpid(), [])
    _watched.append(watched)
    try:
        yield watched[1]
    finally:
        _watched.remove(watched)


def _audit(event: str, args: tuple[object, ...]) -> None:
    """The audit hook: an ``open`` of an undeclared file, while watching, raises :class:`Undeclared`."""
    if event != "open" or not _watched or not _finder or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    pid, refused = _watched[-1]
    said = _finder[0].refusal(os.fsdecode(args[0]), "reads") if pid == os.getpid() else ""
    if said:
        refused.append(said)
        raise Undeclared(said)
