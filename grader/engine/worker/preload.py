"""What the grading processes' trusted side imports, imported once before the pool forks them.

torch.optim's first optimizer and each step import ``torch._dynamo`` (~0.6 s of CPU:
docs/benchmark.md, "Behind the code"), which each grading process would otherwise pay on its
first task of a topic whose suite builds an optimizer on the trusted side. Only those topics'
suites do: the probes (``probe_*`` functions, whose source runs in the worker) are not the
trusted side. Those suites get grader/sandboxed/dynamo_free.py's skips, as the workers do.
"""

from __future__ import annotations

import ast
import functools
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from grader.base.topics import suite_path


def _names_optim(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == "optim" and isinstance(node.value, ast.Name) and node.value.id == "torch"
    if isinstance(node, ast.Import):
        return any(alias.name.startswith("torch.optim") for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        return module.startswith("torch.optim") or (
            module == "torch" and any(alias.name == "optim" for alias in node.names)
        )
    return False


@functools.lru_cache(maxsize=64)
def builds_optimizers(source: str) -> bool:
    """Whether a suite's source names ``torch.optim`` outside its ``probe_*`` functions (once per
    source in a process: the warm engine's requests inherit its answers)."""
    for statement in ast.parse(source).body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name.startswith(
            "probe_"
        ):
            continue
        if any(_names_optim(node) for node in ast.walk(statement)):
            return True
    return False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic collector off while the engine imports (~0.5 M long-lived objects), what
    they built then frozen: shared with the pool's forks and never scanned (docs/engine.md, "The engine")."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def without_dynamo(topics: Iterable[str]) -> None:
    """Where these topics' suites build optimizers on the trusted side: torch's compiler-off
    wrappers and optimizer steps made not to import ``torch._dynamo``
    (grader/sandboxed/dynamo_free.py), before any optimizer is built; a run in one process too.
    Every topic's suite is read (no short cut at the first that builds one): a warm engine's
    requests then find each answer cached (reading tensors' suite was a sixth of a request)."""
    if any([builds_optimizers(suite_path(topic).read_text()) for topic in sorted(set(topics))]):
        from grader.sandboxed import dynamo_free

        dynamo_free.skip()


def preload() -> None:
    """Read, before forking, what the trusted side of every suite needs on first use: the stored
    answers every input-domain battery judges against (~0.09 s, once a process instead of once a
    grading process or request). :func:`without_dynamo` comes before, once the imports are done."""
    from grader.base.topics import MANIFEST
    from grader.checks.cases import domain_answers, domain_cases

    domain_cases.load_all()  # every topic's declarations (trusted: its pack's domains file)
    for topic in MANIFEST:
        if topic.answers.is_file():
            domain_answers.stored(topic.answers)
