"""The golden outputs (English as it was before the catalogue, and Chinese): one wrong submission per topic (tests/golden/submission/,
each a mistake of tests/corpus), graded in each language, and `grade --help` of every command.

`python tests/grader/golden.py LANG` writes tests/golden/LANG/ from this checkout (English was
captured from main before any string went through the catalogue: it is today's output, byte for
byte). The report's machine-dependent parts (the header's sandbox and device, JSON's seconds) are
left out of what is compared.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"
SUBMISSION = GOLDEN / "submission"
COMMANDS = (
    "batch", "check", "course", "doctor", "gradescope", "hint", "next", "notebooks", "release",
    "reset", "similarity", "solution", "watch",
)  # fmt: skip


def env_for(lang: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "TORCHGRADE_LANG"))}
    return {**env, "LANG": "C.UTF-8" if lang == "en" else f"{lang}.UTF-8", "NO_COLOR": "1"}


def grade(*args: str, lang: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "grader", *args], capture_output=True, text=True, env=env_for(lang), cwd=REPO
    )
    return done.stdout


def table(text: str) -> str:
    """The table without its first line's machine-dependent sandbox, device and checkout."""
    return re.sub(r"(?m)^(torchgrade: .*?)  [(（].*[)）]$", r"\1", text)  # either language's brackets


def report(text: str) -> str:
    data = json.loads(text)
    data.pop("seconds", None)
    data.pop("sandbox", None)
    data.pop("device", None)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def outputs(lang: str) -> dict[str, str]:
    """{file name: text} of every golden output in ``lang``."""
    sub = str(SUBMISSION.relative_to(REPO))
    found = {
        "table.txt": table(grade(sub, "--no-daemon", "--quiet", lang=lang)),
        "report.json": report(grade(sub, "--no-daemon", "--quiet", "--format", "json", lang=lang)),
        "help.txt": grade("--help", lang=lang),
    }
    for command in COMMANDS:
        found[f"help-{command}.txt"] = grade(command, "--help", lang=lang)
    return found


if __name__ == "__main__":
    lang = sys.argv[1]
    (GOLDEN / lang).mkdir(parents=True, exist_ok=True)
    for name, text in outputs(lang).items():
        (GOLDEN / lang / name).write_text(text, encoding="utf-8")
