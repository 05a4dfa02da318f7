"""Write b36_NN_<topic>.py (the reference with one exercise broken) and labels.json beside this file.

The solutions are found at Path(__file__).resolve().parents[4] / "solutions"; the environment variable SOL
overrides that (e.g. SOL=/work/blind/s36/material/solutions).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def solutions_dir() -> Path:
    if os.environ.get("SOL"):
        return Path(os.environ["SOL"]).resolve()
    return Path(__file__).resolve().parents[4] / "solutions"


def load_edits() -> list[dict]:
    spec = importlib.util.spec_from_file_location("b36_edits", HERE / "edits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.E


def main() -> int:
    sol = solutions_dir()
    entries = load_edits()
    assert len(entries) == 30, len(entries)
    labels = []
    for number, entry in enumerate(entries, start=1):
        source = (sol / f"{entry['topic']}.py").read_text(encoding="utf-8")
        text = source
        for old, new in entry["edits"]:
            count = source.count(old)
            if count != 1:
                raise SystemExit(f"entry {number} ({entry['exercise']}): edit found {count} times in the reference")
            text = text.replace(old, new, 1)
        if text == source:
            raise SystemExit(f"entry {number}: the edits change nothing")
        compile(text, f"b36_{number:02d}", "exec")
        name = f"b36_{number:02d}_{entry['topic']}.py"
        (HERE / name).write_text(text, encoding="utf-8")
        label = {key: entry[key] for key in ("topic", "exercise", "mistake", "cause", "fix")}
        label = {"file": name, **label}
        for key in ("habit", "callee_of"):
            if entry.get(key):
                label[key] = entry[key]
        labels.append(label)
        print(f"wrote {name}")
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote labels.json ({len(labels)} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
