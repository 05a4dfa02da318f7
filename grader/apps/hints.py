"""``grade hint EXERCISE`` and ``grade solution EXERCISE``: help on demand, one step at a time.

The ladders of ``hints/<topic>.md`` and ``hints/<lang>/<topic>.md`` (docs/authors.md; the learner's
language picks): each call shows the next level, kept per learner in their state folder; a
worked solution is shown only from a checkout's ``solutions/`` (both settings: docs/environment.md).
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass
from pathlib import Path

from grader.apps.learner import DEFINITIONS, _span, resolved
from grader.base.i18n import _, language
from grader.base.topics import REPO_ROOT, of, reference_file
from grader.engine.selection import UsageProblem

HINTS_DIR = REPO_ROOT / "hints"
NO_SOLUTIONS_ENV = "TORCHGRADE_NO_SOLUTIONS"  # a course that keeps the worked solutions shut


def hints_file(topic: str) -> Path:
    """``hints/<topic>.md`` in its pack, or its translation ``hints/<lang>/<topic>.md`` where the
    learner's language has one (the same ladders: tests/grader/test_hints_i18n.py)."""
    found = of(topic)
    folder = found.pack.hints if found is not None else HINTS_DIR
    translated = folder / language() / f"{topic}.md"
    return translated if language() != "en" and translated.is_file() else folder / f"{topic}.md"


def parse(text: str) -> dict[str, list[str]]:
    """{exercise: its hints in order} of one hints file."""
    ladders: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = ladders.setdefault(line[3:].strip(), [])
        elif line.startswith("- ") and current is not None:
            current.append(line[2:].strip())
        elif line.startswith("  ") and current:  # a hint continued on the next line
            current[-1] += " " + line.strip()
    return ladders


def ladder(exercise: str) -> list[str]:
    """The hints of ``exercise``, or :class:`UsageProblem` (an unknown name, or no hints file)."""
    topic, bare = resolved(exercise)
    try:
        found = parse(hints_file(topic).read_text(encoding="utf-8")).get(bare, [])
    except OSError:
        found = []
    if not found:
        raise UsageProblem(
            _("no hints for %(exercise)s here (%(file)s is missing or has none)")
            % {"exercise": exercise, "file": hints_file(topic)}
        )
    return found


def state_file() -> Path:
    """Where this learner's hint levels are kept (never inside the course's files)."""
    explicit = os.environ.get("TORCHGRADE_STATE")
    if explicit:
        return Path(explicit) / "hints.json"
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "torchgrade" / "hints.json"


def _levels() -> dict[str, int]:
    try:
        levels = json.loads(state_file().read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in levels.items() if isinstance(v, int)} if isinstance(levels, dict) else {}


def _save(levels: dict[str, int]) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(levels, indent=1, sort_keys=True))
    temporary.replace(path)


def _key(exercise: str) -> str:
    return f"{REPO_ROOT}::{exercise}"  # two checkouts keep their own ladders


@dataclass(frozen=True)
class Hint:
    exercise: str
    level: int  # 1-based
    total: int
    text: str

    @property
    def last(self) -> bool:
        return self.level == self.total


def next_hint(exercise: str) -> Hint:
    """The next hint of ``exercise`` (the last one again once all were shown), recorded."""
    hints = ladder(exercise)
    levels = _levels()
    level = min(levels.get(_key(exercise), 0) + 1, len(hints))
    levels[_key(exercise)] = level
    _save(levels)
    return Hint(exercise, level, len(hints), hints[level - 1])


def reset_hints(exercise: str | None) -> None:
    """Start ``exercise``'s ladder (every exercise's, with None) from its first hint again."""
    if exercise is not None:
        ladder(exercise)  # an unknown name is a usage error
    _save({k: v for k, v in _levels().items() if exercise is not None and k != _key(exercise)})


def solutions_shown() -> bool:
    """Whether ``grade solution`` may show anything here."""
    return (REPO_ROOT / "solutions").is_dir() and not os.environ.get(NO_SOLUTIONS_ENV)


def solution(exercise: str) -> str:
    """``exercise``'s reference solution from ``solutions/`` (after the module's private helpers
    it uses), or :class:`UsageProblem`."""
    topic, bare = resolved(exercise)
    if not solutions_shown():
        raise UsageProblem(
            _(
                "no worked solutions here (a student release holds none, or your course turned them off); "
                "try `grade hint %(exercise)s`"
            )
            % {"exercise": exercise}
        )
    source = reference_file(topic).read_text(encoding="utf-8")
    tree = ast.parse(source)
    node = next((n for n in tree.body if isinstance(n, DEFINITIONS) and n.name == bare), None)
    if node is None:
        raise UsageProblem(
            _("%(file)s has no %(exercise)s") % {"file": f"solutions/{topic}.py", "exercise": exercise}
        )
    lines = source.splitlines()
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    helpers = [
        n for n in tree.body if isinstance(n, DEFINITIONS) and n.name.startswith("_") and n.name in used
    ]
    return "\n\n\n".join("\n".join(lines[a - 1 : b]) for a, b in map(_span, [*helpers, node]))
