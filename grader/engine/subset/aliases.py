"""The other module paths of the objects graded code may use: ``torch.nn.modules.linear.Linear`` is
the very class ``torch.nn.Linear``, allowed by every path that names it. A snapshot,
``subset_aliases.tsv``, of each allowed class and function of the reviewed modules (the member
snapshot, :mod:`grader.sandboxed.subset_members`) as its defining module and the packages between
name it (``torch.nn.modules.Linear``), written by ``python -m grader.authoring.subset_review
aliases`` where torch is imported; the subset check (:mod:`grader.engine.subset.names`) reads it
without importing torch.
"""

from __future__ import annotations

import functools
import sys
import types
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("subset_aliases.tsv")
# The packages whose modules may name an allowed object another way, but these subtrees: the
# worker shows graded code a GPU's face through torch.cuda's and torch.backends' own names
# (grader/sandboxed/gpu_face.py), which another path would go round.
ROOTS = ("torch.", "numpy.")
CLOSED = ("torch.cuda", "torch.backends")


@functools.cache
def aliases() -> dict[str, str]:
    """{another path: the allowed name of the same object}."""
    found: dict[str, str] = {}
    for line in SNAPSHOT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            path, name = line.split("\t")
            found[path] = name
    return found


def canonical(dotted: str) -> str | None:
    """``dotted`` with its longest prefix that is another path of an allowed object written as
    the allowed name (``torch.optim.optimizer.Optimizer.step`` -> ``torch.optim.Optimizer.step``);
    None where no prefix is."""
    parts = dotted.split(".")
    known = aliases()
    for end in range(len(parts), 1, -1):
        name = known.get(".".join(parts[:end]))
        if name is not None:
            return ".".join([name, *parts[end:]])
    return None


def _open(module: str) -> bool:
    """A public module of torch or numpy, outside the closed subtrees."""
    public = not any(part.startswith("_") for part in module.split("."))
    closed = any(module == c or module.startswith(f"{c}.") for c in CLOSED)
    return public and module.startswith(ROOTS) and not closed


def find(allowed: dict[str, object], reviewed: frozenset[str]) -> dict[str, str]:
    """The other paths of ``allowed`` ({allowed name: its object}, classes and functions) among
    the modules imported now but the ``reviewed`` ones (the member snapshot decides theirs): the
    object's defining module and the packages between, each naming it by a public name."""
    by_id = {id(value): name for name, value in sorted(allowed.items(), reverse=True)}
    found: dict[str, str] = {}
    for module_name, module in sorted(sys.modules.items()):
        if not isinstance(module, types.ModuleType) or not _open(module_name) or module_name in reviewed:
            continue
        for name, value in vars(module).items():
            home = getattr(value, "__module__", None) if id(value) in by_id else None
            path = f"{module_name}.{name}"
            if (
                isinstance(home, str)
                and (home == module_name or home.startswith(f"{module_name}."))
                and not name.startswith("_")
                and path not in allowed
            ):
                found[path] = by_id[id(value)]
    return found


def write(found: dict[str, str]) -> None:
    lines = [
        "# another path\tthe allowed name of the same object: written by grader/authoring/subset_review.py aliases",
        *(f"{path}\t{name}" for path, name in sorted(found.items())),
    ]
    SNAPSHOT.write_text("\n".join(lines) + "\n", encoding="utf-8")
