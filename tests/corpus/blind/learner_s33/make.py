"""Write b33_NN_<topic>.py (the reference with one exercise made wrong) and labels.json beside this file.

The solutions are found at parents[4]/solutions of this file (the set sits four levels under a checkout);
the environment variable SOL overrides that.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOL = Path(os.environ["SOL"]) if os.environ.get("SOL") else Path(__file__).resolve().parents[4] / "solutions"


def load_edits() -> list[dict]:
    spec = importlib.util.spec_from_file_location("s33_edits", HERE / "edits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.E


def main() -> int:
    entries = load_edits()
    assert len(entries) == 30, len(entries)
    labels = []
    for number, entry in enumerate(entries, start=1):
        source = (SOL / f"{entry['topic']}.py").read_text(encoding="utf-8")
        for old, new in entry["edits"]:
            count = source.count(old)
            if count != 1:
                raise SystemExit(f"entry {number} ({entry['exercise']}): {old!r} occurs {count} times")
            source = source.replace(old, new)
        name = f"b33_{number:02d}_{entry['topic']}.py"
        (HERE / name).write_text(source, encoding="utf-8")
        label = {key: entry[key] for key in ("topic", "exercise", "mistake", "cause", "fix")}
        label = {"file": name, **label}
        if entry.get("habit"):
            label["habit"] = entry["habit"]
        if entry.get("callee_of"):
            label["callee_of"] = entry["callee_of"]
        labels.append(label)
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(labels)} files and labels.json from {SOL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
