"""Write b35_NN_<topic>.py (NN = 01..30) and labels.json beside this file from edits.E.

The reference modules are read from Path(__file__).resolve().parents[4] / "solutions", or from the
directory named by the environment variable SOL when it is set.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOPICS = {"autograd", "cnn", "inception", "losses", "mlp", "optim", "resnet", "rnn", "tensors"}


def solutions_dir() -> Path:
    env = os.environ.get("SOL")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[4] / "solutions"


def load_edits() -> list[dict]:
    spec = importlib.util.spec_from_file_location("s35_edits", HERE / "edits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.E


def check_set(E: list[dict]) -> None:
    assert len(E) == 30, len(E)
    names = [(e["topic"], e["exercise"]) for e in E]
    assert len(set(names)) == 30, "exercises must be distinct"
    per_topic = Counter(e["topic"] for e in E)
    assert set(per_topic) == TOPICS, per_topic
    assert all(2 <= c <= 4 for c in per_topic.values()), per_topic
    habits = Counter(e["habit"] for e in E if e["habit"])
    assert sum(habits.values()) >= 12, habits
    assert max(habits.values()) <= 4, habits
    callees = [e for e in E if e["callee_of"]]
    assert len(callees) >= 6, callees
    for e in E:
        for key in ("mistake", "cause", "fix"):
            assert isinstance(e[key], str) and e[key].strip(), (e["exercise"], key)


def main() -> None:
    sol = solutions_dir()
    E = load_edits()
    check_set(E)
    for old in HERE.glob("b35_*.py"):
        old.unlink()
    labels = []
    for n, e in enumerate(E, start=1):
        source = (sol / f"{e['topic']}.py").read_text(encoding="utf-8")
        text = source
        for old, new in e["edits"]:
            assert source.count(old) == 1, f"{e['exercise']}: edit text occurs {source.count(old)} times in the reference"
            assert text.count(old) == 1, f"{e['exercise']}: edit text occurs {text.count(old)} times after earlier edits"
            text = text.replace(old, new)
        assert text != source, e["exercise"]
        compile(text, f"b35_{n:02d}_{e['topic']}.py", "exec")
        name = f"b35_{n:02d}_{e['topic']}.py"
        (HERE / name).write_text(text, encoding="utf-8")
        label = {"file": name, "topic": e["topic"], "exercise": e["exercise"],
                 "mistake": e["mistake"], "cause": e["cause"], "fix": e["fix"]}
        if e["habit"]:
            label["habit"] = e["habit"]
        if e["callee_of"]:
            label["callee_of"] = e["callee_of"]
        labels.append(label)
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(labels)} files and labels.json from {sol}", file=sys.stderr)


if __name__ == "__main__":
    main()
