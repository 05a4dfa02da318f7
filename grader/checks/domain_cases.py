"""Every exercise's domain (grader/checks/domains.py), topic by topic, read off its docstring:
one module per group of topics, each declaring its exercises' domains into REGISTRY on import."""

from __future__ import annotations

# imported for what they declare into REGISTRY
from grader.checks import (  # noqa: F401
    domain_cases_basics,
    domain_cases_derived,
    domain_cases_networks,
    domain_cases_training,
)
from grader.checks.domains import REGISTRY

__all__ = ["REGISTRY"]  # filled by the declarations of the modules below
domain_cases_derived.derive()  # once every topic's own cases are declared
