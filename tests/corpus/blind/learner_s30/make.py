"""Build b30_NN_<topic>.py (solution with one exercise broken) and labels.json from edits.E."""
import json
from pathlib import Path

from edits import E

HERE = Path(__file__).resolve().parent
SOL = Path(__file__).resolve().parents[4] / "solutions"


def main() -> None:
    assert len(E) == 30, len(E)
    labels = []
    for n, e in enumerate(E, start=1):
        text = (SOL / f"{e['topic']}.py").read_text(encoding="utf-8")
        for old, new in e["edits"]:
            count = text.count(old)
            assert count == 1, (n, e["exercise"], old, count)
            text = text.replace(old, new)
        name = f"b30_{n:02d}_{e['topic']}.py"
        (HERE / name).write_text(text, encoding="utf-8")
        label = {k: e[k] for k in ("topic", "exercise", "mistake", "cause", "fix")}
        label = {"file": name, **label}
        for k in ("habit", "callee_of"):
            if e.get(k):
                label[k] = e[k]
        labels.append(label)
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {len(labels)} files and labels.json")


if __name__ == "__main__":
    main()
