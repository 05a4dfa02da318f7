"""Write b32_NN_<topic>.py (the reference with one exercise broken) and labels.json beside this file.

The solutions are found at Path(__file__).resolve().parents[4] / "solutions", or at $SOL when it is set.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from edits import E  # noqa: E402

TOPICS = {"autograd", "cnn", "inception", "losses", "mlp", "optim", "resnet", "rnn", "tensors"}


def solutions_dir() -> Path:
    return Path(os.environ["SOL"]) if os.environ.get("SOL") else Path(__file__).resolve().parents[4] / "solutions"


def main() -> None:
    sol = solutions_dir()
    assert len(E) == 30, len(E)
    assert len({e["exercise"] for e in E}) == 30, "exercises must be distinct"
    labels = []
    for nn_, entry in enumerate(E, start=1):
        topic = entry["topic"]
        assert topic in TOPICS, topic
        source = (sol / f"{topic}.py").read_text(encoding="utf-8")
        for old, new in entry["edits"]:
            count = source.count(old)
            if count != 1:
                raise SystemExit(f"entry {nn_:02d} ({entry['exercise']}): {old!r} occurs {count} times")
            source = source.replace(old, new)
        name = f"b32_{nn_:02d}_{topic}.py"
        (HERE / name).write_text(source, encoding="utf-8")
        label = {"file": name, "topic": topic, "exercise": entry["exercise"], "mistake": entry["mistake"],
                 "cause": entry["cause"], "fix": entry["fix"]}
        if entry.get("habit"):
            label["habit"] = entry["habit"]
        if entry.get("callee_of"):
            label["callee_of"] = entry["callee_of"]
        labels.append(label)
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(labels)} files and labels.json to {HERE}")


if __name__ == "__main__":
    main()
