"""Write b31_NN_<topic>.py (the reference with one exercise made wrong) and labels.json beside this file.

The solutions are found at Path(__file__).resolve().parents[4] / "solutions"; the environment variable SOL
overrides that (e.g. SOL=/work/blind/s31/material/solutions).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def solutions_dir() -> Path:
    sol = os.environ.get("SOL")
    return Path(sol) if sol else Path(__file__).resolve().parents[4] / "solutions"


def load_edits() -> list[dict]:
    spec = importlib.util.spec_from_file_location("b31_edits", HERE / "edits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.E


def apply(source: str, edits: list[tuple[str, str]], where: str) -> str:
    for old, new in edits:
        count = source.count(old)
        if count != 1:
            raise SystemExit(f"{where}: old string occurs {count} times, not once: {old!r}")
        source = source.replace(old, new)
    return source


def main() -> None:
    sol = solutions_dir()
    entries = load_edits()
    if len(entries) != 30:
        raise SystemExit(f"E has {len(entries)} entries, not 30")
    labels = []
    for number, entry in enumerate(entries, start=1):
        topic = entry["topic"]
        name = f"b31_{number:02d}_{topic}.py"
        original = (sol / f"{topic}.py").read_text(encoding="utf-8")
        edited = apply(original, entry["edits"], name)
        if edited == original:
            raise SystemExit(f"{name}: the edits change nothing")
        compile(edited, name, "exec")
        (HERE / name).write_text(edited, encoding="utf-8")
        label = {key: entry[key] for key in ("topic", "exercise", "mistake", "cause", "fix")}
        label = {"file": name, **label}
        for key in ("habit", "callee_of"):
            if entry.get(key):
                label[key] = entry[key]
        labels.append(label)
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(labels)} files and labels.json to {HERE}", file=sys.stderr)


if __name__ == "__main__":
    main()
