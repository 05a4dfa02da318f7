"""Which torch is installed, read from its files without importing it (that takes a second)."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path


def cpu_only() -> bool:
    """True when the installed torch is built for no GPU (its ``version.py`` names no CUDA and
    no ROCm): ``torch.cuda.is_available()`` would then say False. False when unsure."""
    spec = importlib.util.find_spec("torch")  # found, not imported
    if spec is None or not spec.submodule_search_locations:
        return False
    try:
        tree = ast.parse((Path(spec.submodule_search_locations[0]) / "version.py").read_bytes())
    except (OSError, SyntaxError, ValueError):
        return False
    builds: dict[str, object] = {}
    for node in tree.body:
        target: ast.expr | None = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant):
            builds[target.id] = value.value
    return all(name in builds and builds[name] is None for name in ("cuda", "hip"))
