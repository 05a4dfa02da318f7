"""Measure how often the lead diagnosis names a mistake's labelled cause:
``python tests/grader/measure_causes.py grade TOPIC LANG`` grades one topic's labelled mistakes
(tests/corpus/TOPIC/mistakes, every check but training, as test_corpus.py's GRADE_MISTAKES does)
in LANG ("en" or "zh_CN") and keeps their checks under ``$TMPDIR/torchgrade-causes``;
``python tests/grader/measure_causes.py report`` judges what was kept (each language's verdicts
in that language) and prints per topic and language how often the first exercise not full and
its cause are the label's, then the misses with their lead diagnosis.

One topic at a time, on purpose: the machine is shared. Re-judging kept checks needs no
engine, so a change to grader/checks/verdict/exercises.py is measured again by ``report`` alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus"
KEPT = Path(tempfile.gettempdir()) / "torchgrade-causes"
LANGUAGES = ("en", "zh_CN")

GRADE = """
import json, sys
from pathlib import Path
from grader.base.options import Options, Selection
from grader.engine.runner import Task, run_tasks

options = Options(selection=Selection(keyword="not convergence"))
topic, paths = sys.argv[1], json.loads(sys.argv[2])
tasks = [Task(path=Path(p), topic=topic, single_file=True, options=options) for p in paths]
checks = {}


def file(task, outcome):
    if isinstance(outcome, Exception):
        raise outcome
    checks[task.path.name] = [t.to_json() for t in outcome.result.tests]


run_tasks(tasks, 2, file)
print(json.dumps(checks))
"""


def label(path: Path) -> tuple[str, str]:
    """(exercise, cause) from a mistake module's second line (test_corpus.py's ``label``)."""
    exercise, cause = path.read_text().splitlines()[1].removeprefix("# cause: ").split(" ", 1)
    return exercise, cause


def grade(topic: str, language: str) -> None:
    paths = sorted(str(p) for p in (CORPUS / topic / "mistakes").glob("*.py"))
    done = subprocess.run(
        [sys.executable, "-c", GRADE, topic, json.dumps(paths)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "TORCHGRADE_LANG": language},
    )
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    KEPT.mkdir(exist_ok=True)
    (KEPT / f"{topic}.{language}.json").write_text(done.stdout.strip().splitlines()[-1])


def report() -> None:
    from grader.base import i18n
    from grader.checks.verdict.exercises import judge

    misses, totals = [], {lang: [0, 0] for lang in LANGUAGES}
    for language in LANGUAGES:
        i18n.set_language(language)
        for kept in sorted(KEPT.glob(f"*.{language}.json")):
            topic = kept.name.split(".")[0]
            hits = 0
            checks = json.loads(kept.read_text())
            for name, tests in sorted(checks.items()):
                want = label(CORPUS / topic / "mistakes" / name)
                first = next((e for e in judge(tests) if e.status not in ("passed", "skipped")), None)
                got = (first.name, first.cause) if first else ("", "full")
                hits += got == want
                if got != want:
                    said = first.diagnosis.replace("\n", "\n      ") if first else ""
                    misses.append(f"{language} {topic}/{name}: want {want}, got {got}\n      {said}")
            totals[language][0] += hits
            totals[language][1] += len(checks)
            print(f"{language:5s} {topic:10s} {hits:3d}/{len(checks):3d} = {hits / len(checks):.3f}")
    for language, (hits, count) in totals.items():
        print(f"{language:5s} all        {hits:3d}/{count:3d} = {hits / max(count, 1):.3f}")
    print("\n".join(["", "misses:", *misses]))


if __name__ == "__main__":
    if sys.argv[1] == "grade":
        grade(sys.argv[2], sys.argv[3])
    else:
        report()
