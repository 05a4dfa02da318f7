"""The grading engine behind a notebook's ``check()``, one per kernel (docs/architecture.md, "Notebooks"):
``python -m grader.apps.selfcheck_server`` reads one JSON request per line on stdin, ``{"path": NOTEBOOK,
"exercise": NAME}``, and answers one JSON line on stdout, ``{"report": ...}`` or ``{"problem": "one line"}``,
after a first line :data:`READY` once it is warm. It ends when stdin closes (the kernel went)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

READY = {"ready": True}  # the first line, once warm (the set-up cell's engine may be waited for)


def answer(request: Any) -> dict[str, Any]:
    from grader.base.options import Options, Selection
    from grader.engine.runner import SuiteCrash, UsageProblem, grade

    if not isinstance(request, dict) or not all(
        isinstance(request.get(k), str) for k in ("path", "exercise")
    ):
        return {"problem": "a request is {'path': ..., 'exercise': ...}"}
    try:
        chosen = Selection(exercises=(request["exercise"],), public_only=True)
        report = grade(Path(request["path"]), Options(selection=chosen), jobs=1, remember=True)
    except (UsageProblem, SuiteCrash) as exc:
        return {"problem": str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}
    from grader.apps.course_points import applied

    return {"report": applied(report).to_json()}  # a release made for a course: its points


def main() -> None:
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # nothing else printed can corrupt the replies
    from grader.apps.engines import announce_check_engine
    from grader.apps.warm import warm_up
    from grader.base import defaults
    from grader.base.topics import available_topics
    from grader.engine.worker.sandbox import gpu_present

    announce_check_engine(dict(os.environ))  # `grade engine status` lists it
    # Warm before the first request: the set-up cell starts this engine (use_notebook), so the
    # first check() finds torch, the suites and the zygote ready.
    warm_up(available_topics(), defaults.PROBE_TIMEOUT, gpu_present())
    replies.write(json.dumps(READY) + "\n")
    replies.flush()
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            request = None
        reply = answer(request)
        if isinstance(request, dict) and isinstance(request.get("id"), int):
            reply["id"] = request["id"]  # the client reads past answers to interrupted cells
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    main()
