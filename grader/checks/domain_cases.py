"""Every exercise's domain (grader/checks/domains.py), topic by topic, read off its docstring:
one module per group of the built-in topics, each declaring its exercises' domains into REGISTRY
on import; a pack's topic declares its own in ``domains_<topic>.py`` beside its suite, read by
:func:`load` when the battery first asks for it (trusted: a pack's declarations run in the judge)."""

from __future__ import annotations

import importlib.util

# imported for what they declare into REGISTRY
from grader.checks import (  # noqa: F401
    domain_cases_basics,
    domain_cases_derived,
    domain_cases_networks,
    domain_cases_training,
)
from grader.checks.domains import REGISTRY
from grader.topics import of

__all__ = ["REGISTRY", "load"]  # filled by the declarations of the modules below
domain_cases_derived.derive(set(REGISTRY))  # once every topic's own cases are declared
_loaded: set[str] = set()


def load(topic: str) -> None:
    """Declare ``topic``'s domains into REGISTRY, once a process, where its pack has a
    ``domains_<topic>.py`` (the built-in topics' are declared on import)."""
    found = of(topic)
    if topic in _loaded or found is None or not found.domains.is_file():
        return
    _loaded.add(topic)
    before = set(REGISTRY)
    spec = importlib.util.spec_from_file_location(f"torchgrade_domains_{topic}", found.domains)
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    domain_cases_derived.derive(set(REGISTRY) - before)
