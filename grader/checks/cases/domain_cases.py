"""Every exercise's domain (grader/checks/domains.py), read off its docstring: each topic declares
its exercises' domains in ``domains_<topic>.py`` beside its suite, in its pack (the built-in
topics' in tests/suites/), read by :func:`load` into REGISTRY when the battery first asks for the
topic (trusted: a pack's declarations run in the judge, never in the sandbox), then given the
cases every domain derives (:mod:`grader.checks.cases.domain_cases_derived`)."""

from __future__ import annotations

import importlib.util

from grader.base import depends
from grader.base.topics import MANIFEST, of
from grader.checks.cases import derived_cases, domain_cases_derived
from grader.checks.domains import REGISTRY

__all__ = ["REGISTRY", "load", "load_all"]
_loaded: dict[str, depends.Signature] = {}  # topic -> its domains' files as declared


def load(topic: str) -> None:
    """Declare ``topic``'s domains into REGISTRY, where its pack has them: once a process, again
    where its domains file or a file its pack declares it reads changed (a long-lived process)."""
    found = of(topic)
    if found is None or not found.domains.is_file():
        return
    files = depends.stamps([found.domains, *found.reads])
    if _loaded.get(topic) == files:
        return
    for older in [key for key in REGISTRY if key[0] == topic]:
        del REGISTRY[older]
    _loaded[topic] = files
    before = set(REGISTRY)
    spec = importlib.util.spec_from_file_location(f"torchgrade_domains_{topic}", found.domains)
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    domain_cases_derived.derive(set(REGISTRY) - before)
    derived_cases.derive(set(REGISTRY) - before)  # the dimensions declared without cases


def load_all() -> None:
    """Every topic's domains (the answers' recorder, the tests that walk them all)."""
    for topic in MANIFEST:
        load(topic.name)
