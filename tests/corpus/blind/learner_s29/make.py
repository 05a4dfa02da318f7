"""Builds the 30 b29_NN_<topic>.py files from solutions/ by one textual edit each (asserted unique)."""
import json, pathlib
SOL = pathlib.Path("/work/wt/h119/solutions")
OUT = pathlib.Path(__file__).parent
from edits import EDITS
labels = []
for n, e in enumerate(EDITS, start=1):
    src = (SOL / f"{e['topic']}.py").read_text()
    for old, new in e["edits"]:
        assert src.count(old) == 1, (n, old)
        src = src.replace(old, new)
    name = f"b29_{n:02d}_{e['topic']}.py"
    (OUT / name).write_text(src)
    lab = {"file": name, **{k: e[k] for k in ("topic", "exercise", "mistake", "cause", "fix")}}
    for k in ("callee_of", "habit"):
        if k in e:
            lab[k] = e[k]
    labels.append(lab)
(OUT / "labels.json").write_text(json.dumps(labels, indent=1, ensure_ascii=False) + "\n")
print(len(labels), "files")
