"""Declared inputs only, on the trusted side: a suite imports no module of its pack's folder that
the pack does not declare.

A grade's key is made of the files its manifest names (:mod:`grader.depends`); a suite that
imported a helper module the manifest does not name would go stale with it (the remembered
result, the warm engine, a class's gradebook reading an old grade after the helper changed). So
a module found inside a pack's folder may be imported only where the pack declares it: a topic's
suite, domains or held-out declaration, or a file pack.toml's ``reads`` lists. Anything else is
refused with an ImportError that names the key to add, at the first collection of the suite
(``grade author validate`` among them), instead of going stale later.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType

from grader.packs import Topic


class Undeclared(ImportError):
    """A module of a pack's folder that its pack.toml does not declare."""


class DeclaredOnly(importlib.abc.MetaPathFinder):
    """Refuses a module whose file lies in a pack's folder and is none of its declared files;
    says nothing of any other (the finders after it find it as before)."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.roots: dict[str, str] = {}  # a pack's folder -> its pack.toml
        self.declared: set[str] = set()
        for topic in topics:
            for root in {topic.pack.root, topic.pack.suites}:
                self.roots[os.fspath(root.resolve())] = os.fspath(topic.pack.root / "pack.toml")
            files = (topic.suite, topic.domains, topic.held_out, *topic.reads)
            self.declared |= {os.path.realpath(path) for path in files}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not spec.has_location or not spec.origin:
            return None
        origin = os.path.realpath(spec.origin)
        pack = self._pack_of(origin)
        if pack is not None and origin not in self.declared:
            relative = os.path.relpath(origin, os.path.dirname(pack))
            raise Undeclared(
                f"{pack}: the suite imports {relative!r}, which the pack does not declare: add it to "
                f"the topic's `reads` (a grade reads only what its pack declares)",
                name=fullname,
            )
        return None

    def _pack_of(self, origin: str) -> str | None:
        for root, pack in self.roots.items():
            if origin.startswith(root + os.sep):
                return pack
        return None


def install(topics: Iterable[Topic]) -> None:
    """Put a :class:`DeclaredOnly` for ``topics`` first on the import path (once a process: a later
    call replaces it, for the manifest it was given)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, DeclaredOnly)]
    sys.meta_path.insert(0, DeclaredOnly(topics))
