"""The assignment's late policy inside Gradescope's container, as ``grade batch`` applies it, at
Gradescope's ``created_at`` (docs/instructors.md, "Submission limits"); a group submission's
extension is the latest due time among its users'. The penalty is grader/batch/standing.py's
:func:`late_penalty`, the one rule.
"""

from __future__ import annotations

from typing import Any

from grader.base import grades
from grader.batch.lms.base import name_key, name_keys
from grader.batch.standing import late_penalty
from grader.gradescope.config import Config
from grader.gradescope.quota import zoned


def _spellings(user: Any) -> set[str]:
    """Every way a course file may name a Gradescope user, folded as grader/batch/find.py folds."""
    if not isinstance(user, dict):
        return set()
    said = [str(user.get(k) or "") for k in ("email", "sid", "id")]
    found = {s.casefold() for s in said if s} | {name_key(s) for s in said if s}
    return found | set(name_keys(str(user.get("name") or "")))


def extended(config: Config, metadata: dict[str, Any]) -> str:
    """The extensions' key naming a submitter (the latest due among them), else ""."""
    users = metadata.get("users")
    spelled = set().union(*(_spellings(u) for u in users)) if isinstance(users, list) and users else set()
    named = [key for key in config.extensions if {key.casefold(), name_key(key)} & spelled]
    return max(named, key=lambda key: config.extensions[key], default="")


def penalised(results: dict[str, Any], config: Config, metadata: dict[str, Any]) -> dict[str, Any]:
    """``results`` after the assignment's late policy, saying so; as they are where it takes nothing."""
    late = late_penalty(
        config, extended(config, metadata), zoned(metadata.get("created_at")), late_marker=False
    )
    if not results.get("tests") or not late.words:
        return results
    # no figure: the total may be held back until publication (run.py summary)
    said = f"Late: {late.words}, taken off your total score"
    return {
        **results,
        "score": grades.points(float(results.get("score", 0.0)) * (1 - late.percent / 100)),
        "output": said + "\n" + str(results.get("output", "")),
    }
