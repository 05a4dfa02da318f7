"""The student release: ``grade release OUT`` writes what a course hands out.

``exercises/``, hand-out notebooks, the grader, the datasets and the public checks only —
no ``solutions/``, no hidden checks. Each suite is cut down to its public tests and the
module-level code they use (transitively), so hidden tests, their probes and their
thresholds are not in the release at all.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

from grader.handouts import write_handouts
from grader.topics import REPO_ROOT, available_topics, suite_path

RELEASE_MARKER = "RELEASE.json"
LEARNER_README = """# Exercises: deep learning with PyTorch

Set up once (Python >= 3.10), then grade your work:

```sh
python3 -m venv .venv && .venv/bin/pip install torch==2.13.0 && .venv/bin/pip install -e . && .venv/bin/grade exercises/
```

Fill in the stubs in `exercises/` (each docstring is the specification), or work in the
notebooks in `notebooks/` (a `check("name")` cell after each exercise runs its public checks). `grade exercises/ --topic losses`
grades one topic. This release holds the public checks only; your course's hidden checks grade
more. For the sandbox, install bubblewrap (`apt-get install -y bubblewrap`).
"""


def _is_public_test(node: ast.stmt) -> bool:
    if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
        return False
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "check":
            return any(
                k.arg == "public" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in decorator.keywords
            )
    return False


def _defined_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {t.id for t in targets if isinstance(t, ast.Name)}


def public_suite(source: str) -> tuple[str, int]:
    """(the suite cut down to its public tests and what they use, how many tests were cut)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    wanted = [n for n in tree.body if _is_public_test(n)]
    hidden = sum(isinstance(n, ast.FunctionDef) and n.name.startswith("test_") for n in tree.body) - len(
        wanted
    )
    needed = {n.name for n in wanted if isinstance(n, ast.FunctionDef)}
    changed = True
    while changed:  # close over the module-level names the kept code uses
        changed = False
        for node in tree.body:
            if _defined_names(node) & needed:
                used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                if not used <= needed:
                    needed |= used
                    changed = True
    kept = []
    for index, node in enumerate(tree.body):
        keep = (
            (index == 0 and isinstance(node, ast.Expr))
            or isinstance(node, (ast.Import, ast.ImportFrom))
            or bool(_defined_names(node) & needed)
        )
        if keep:
            start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            kept.append("\n".join(lines[start - 1 : node.end_lineno]))
    return "\n\n\n".join(kept) + "\n", hidden


def write_release(out: Path, topics: tuple[str, ...] = ()) -> None:
    """The student release in ``out``: every topic, or only ``topics``."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO_ROOT / "exercises", out / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO_ROOT / "grader", out / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    if (REPO_ROOT / "datasets").is_dir():
        shutil.copytree(REPO_ROOT / "datasets", out / "datasets")
    for name in ("pyproject.toml",):
        shutil.copy(REPO_ROOT / name, out / name)
    (out / "README.md").write_text(LEARNER_README)
    suites = out / "tests" / "suites"
    suites.mkdir(parents=True)
    shutil.copy(suite_path("losses").parent / "pytest.ini", suites / "pytest.ini")
    cut: dict[str, int] = {}
    chosen = [t for t in available_topics() if not topics or t in topics]
    for topic in chosen:
        text, cut[topic] = public_suite(suite_path(topic).read_text())
        (suites / f"suite_{topic}.py").write_text(text)
    (suites / RELEASE_MARKER).write_text(json.dumps({"hidden_tests_removed": cut}, indent=2))
    write_handouts(out / "exercises", out / "notebooks", chosen)
