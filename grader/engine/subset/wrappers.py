"""The ``torch.nn`` modules that compute a torch function: ``nn.KLDivLoss``'s forward calls
``F.kl_div``, ``nn.Sigmoid``'s ``torch.sigmoid``, ``nn.ReLU6``'s (inherited) ``F.hardtanh``. An
exercise whose ``OFF_LIMITS`` names the function has these modules off limits too
(:mod:`grader.engine.subset.twins`): the same twin by its layer's name. A snapshot,
``subset_wrappers.tsv``, of the calls each public ``torch.nn`` module's ``forward`` (and the methods
of ``self`` it calls) makes, read from torch's source by ``python -m
grader.authoring.subset_review wrappers`` where torch is imported; the subset check reads it
without importing torch.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
import textwrap
import types
from collections import defaultdict
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("subset_wrappers.tsv")


@functools.cache
def wrappers() -> dict[str, tuple[str, ...]]:
    """{a torch function's path (``torch.nn.functional.kl_div``): the ``torch.nn`` modules computing it}."""
    found: dict[str, list[str]] = defaultdict(list)
    for line in SNAPSHOT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            function, module = line.split("\t")
            found[function].append(module)
    return {function: tuple(modules) for function, modules in found.items()}


def _called(function: object, cls: type, seen: set[str]) -> set[str]:
    """The dotted torch paths ``function``'s source calls, through the methods of ``self`` it calls."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))  # type: ignore[arg-type]
    except (OSError, TypeError, SyntaxError):
        return set()
    home = vars(sys.modules.get(getattr(function, "__module__", None) or "", types.ModuleType("_")))
    found: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        root = node.func.value
        if isinstance(root, ast.Name) and root.id == "self" and node.func.attr not in seen:
            seen.add(node.func.attr)
            found |= _called(getattr(cls, node.func.attr, None), cls, seen)
        elif isinstance(root, ast.Name) and isinstance(home.get(root.id), types.ModuleType):
            module = home[root.id].__name__
            public = not any(part.startswith("_") for part in [*module.split("."), node.func.attr])
            if module.startswith("torch") and public:
                found.add(f"{module}.{node.func.attr}")
    return found


def find() -> set[tuple[str, str]]:
    """(a torch function, a public ``torch.nn`` module whose ``forward`` calls it, or a public
    function that forwards to it from its closure), each pair (torch imported)."""
    import torch

    modules = {
        (function, f"torch.nn.{name}")
        for name, cls in vars(torch.nn).items()
        if isinstance(cls, type) and issubclass(cls, torch.nn.Module) and not name.startswith("_")
        for function in _called(cls.forward, cls, {"forward"})
    }
    return modules | _forwarding((torch, torch.nn.functional, torch.nn.init))


def _forwarding(homes: tuple[types.ModuleType, ...]) -> set[tuple[str, str]]:
    """(a public torch function, a public function of ``homes`` holding it in its closure): a
    wrapper that calls it, as ``nn.init.xavier_uniform`` (deprecated) calls ``xavier_uniform_``."""
    found = set()
    for home in homes:
        for name, function in vars(home).items():
            if name.startswith("_") or not isinstance(function, types.FunctionType):
                continue
            for cell in function.__closure__ or ():
                try:
                    inner = cell.cell_contents
                except ValueError:  # an empty cell
                    continue
                module = getattr(inner, "__module__", None) or ""
                public = isinstance(inner, types.FunctionType) and not inner.__name__.startswith("_")
                if public and inner is not function and module.startswith("torch"):
                    found.add((f"{module}.{inner.__name__}", f"{home.__name__}.{name}"))
    return found


def write(found: set[tuple[str, str]]) -> None:
    lines = [
        "# a torch function\ta torch.nn module whose forward calls it, or a function forwarding to it: written by grader/authoring/subset_review.py wrappers",
        *sorted(f"{function}\t{module}" for function, module in found),
    ]
    SNAPSHOT.write_text("\n".join(lines) + "\n", encoding="utf-8")
