"""Whether torch could see a GPU here, known without importing torch (that takes a second)."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

DEV = Path("/dev")


def _builds() -> dict[str, object] | None:
    """The constants of the installed torch's ``version.py`` (``cuda``, ``hip``...), or None."""
    spec = importlib.util.find_spec("torch")  # found, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        tree = ast.parse((Path(spec.submodule_search_locations[0]) / "version.py").read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    builds: dict[str, object] = {}
    for node in tree.body:
        target: ast.expr | None = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant):
            builds[target.id] = value.value
    return builds


def no_gpu() -> bool:
    """True when ``torch.cuda.is_available()`` would say False: torch is built for no GPU (its
    ``version.py`` names no CUDA and no ROCm), or built for CUDA on a Linux that shows no NVIDIA
    device (``/dev/nvidia0``..., WSL's ``/dev/dxg``). False when unsure (ROCm): torch decides."""
    builds = _builds()
    if builds is None or "cuda" not in builds or "hip" not in builds or builds["hip"] is not None:
        return False
    if builds["cuda"] is None:
        return True
    return sys.platform == "linux" and not any(DEV.glob("nvidia[0-9]*")) and not (DEV / "dxg").exists()
