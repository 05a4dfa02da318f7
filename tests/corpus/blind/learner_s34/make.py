"""Write b34_NN_<topic>.py (the reference with one exercise broken) and labels.json from edits.E.

The reference solutions are found at <this file>/../../../../solutions (the set lives four levels under
a checkout); the environment variable SOL overrides that path.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
SOL = Path(os.environ["SOL"]) if os.environ.get("SOL") else Path(__file__).resolve().parents[4] / "solutions"

TOPICS = {"autograd", "cnn", "inception", "losses", "mlp", "optim", "resnet", "rnn", "tensors"}


def load_entries() -> list[dict]:
    spec = importlib.util.spec_from_file_location("b34_edits", HERE / "edits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.E


def main() -> None:
    entries = load_entries()
    assert len(entries) == 30, len(entries)
    assert len({(e["topic"], e["exercise"]) for e in entries}) == 30, "exercises must be distinct"
    labels = []
    for number, entry in enumerate(entries, start=1):
        topic = entry["topic"]
        assert topic in TOPICS, topic
        source = (SOL / f"{topic}.py").read_text(encoding="utf-8")
        for old, new in entry["edits"]:
            count = source.count(old)
            if count != 1:
                raise SystemExit(f"entry {number} ({topic}.{entry['exercise']}): old text found {count} times:\n{old}")
            source = source.replace(old, new)
        name = f"b34_{number:02d}_{topic}.py"
        (HERE / name).write_text(source, encoding="utf-8")
        label = {"file": name, "topic": topic, "exercise": entry["exercise"], "mistake": entry["mistake"],
                 "cause": entry["cause"], "fix": entry["fix"]}
        if entry.get("habit"):
            label["habit"] = entry["habit"]
        if entry.get("callee_of"):
            label["callee_of"] = entry["callee_of"]
        labels.append(label)
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(labels)} files and labels.json from {SOL}")


if __name__ == "__main__":
    main()
