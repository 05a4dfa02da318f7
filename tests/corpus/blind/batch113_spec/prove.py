"""Build and re-prove the blind batch113 (plain torch, no grader).

  python prove.py --build   write $TMPDIR/batch113/<kind>/<topic>/<name>.py from spec/, prove each, drop
                            unproven, write manifest.json there
  python prove.py           re-prove every entry written there (one line each, then a summary)
Mistakes: differ from the reference on a stated allowed input. Contract: the violation is shown.
Correct: agree with the reference on many seeded inputs.
"""
from __future__ import annotations

import ast
import importlib.util
import json
import os
import sys
import textwrap
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOL = HERE.parents[3] / "solutions"  # the checkout's reference
OUT = Path(os.environ.get("TMPDIR", "/tmp")) / "batch113"
SPEC = HERE / "spec"
TOPICS = ["tensors", "autograd", "losses", "optim", "mlp", "cnn", "inception", "resnet", "rnn"]
KIND_DIR = {"mistake": "mistakes", "contract": "contract", "correct": "correct"}
sys.path.insert(0, str(SPEC))
sys.setrecursionlimit(10000)


def load(path: Path, modname: str):
    spec = importlib.util.spec_from_file_location(modname, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    spec.loader.exec_module(mod)
    return mod


def replace_exercise(source: str, exercise: str, code: str, imports: str) -> str:
    tree = ast.parse(source)
    lines = source.splitlines()
    node = next(n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == exercise)
    start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
    new = lines[:start] + textwrap.dedent(code).strip("\n").splitlines() + lines[node.end_lineno:]
    if imports.strip():
        last_import = max(n.end_lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))
        new = new[:last_import] + textwrap.dedent(imports).strip("\n").splitlines() + new[last_import:]
    return "\n".join(new) + "\n"


def spec_entries(topics):
    import common
    for t in topics:
        if (SPEC / f"{t}.py").exists():
            load(SPEC / f"{t}.py", f"spec_{t}")
    return common.ENTRIES


def main() -> int:
    build = "--build" in sys.argv
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    refs = {t: load(SOL / f"{t}.py", f"ref_{t}") for t in TOPICS}
    entries = spec_entries([t for t in TOPICS if not only or t in only])
    names = set()
    for e in entries:
        key = (e["kind"], e["topic"], e["name"])
        assert key not in names, f"duplicate {key}"
        names.add(key)
    manifest, failed = [], []
    for e in entries:
        rel = Path(KIND_DIR[e["kind"]]) / e["topic"] / f"{e['name']}.py"
        path = OUT / rel
        if build:
            path.parent.mkdir(parents=True, exist_ok=True)
            src = (SOL / f"{e['topic']}.py").read_text()
            path.write_text(replace_exercise(src, e["exercise"], e["code"], e.get("imports", "")))
        if not path.exists():
            why, err = None, "file missing"
        else:
            try:
                cand = load(path, f"cand_{e['kind']}_{e['topic']}_{e['name']}")
                why, err = e["check"](refs[e["topic"]], cand), None
            except Exception as exc:  # noqa: BLE001
                why, err = None, f"{type(exc).__name__}: {exc}"
                traceback.print_exc(limit=3)
        if e["kind"] == "correct":
            ok = why is None and err is None
            note = why or err or "agrees"
        else:
            ok = bool(why) and err is None
            note = why or err or "NO DIFFERENCE"
        print(f"{'PASS' if ok else 'FAIL'} {e['kind']:8} {e['topic']:9} {e['name']:34} {note}", flush=True)
        if ok:
            item = dict(file=str(rel), topic=e["topic"], exercise=e["exercise"], kind=e["kind"], what=e["what"])
            if e["kind"] == "mistake":
                item["input"] = e["input"]
                item["proof"] = why
            elif e["kind"] == "contract":
                item["input"] = e["violated"]
                item["proof"] = why
            else:
                item["input"] = e.get("verified", "values")
                item["proof"] = "agrees with the reference on every seeded input"
            manifest.append(item)
        else:
            failed.append(str(rel))
            if build and path.exists():
                path.unlink()
    counts = {k: sum(1 for m in manifest if m["kind"] == k) for k in KIND_DIR}
    per_topic = {t: {k: sum(1 for m in manifest if m["kind"] == k and m["topic"] == t) for k in KIND_DIR}
                 for t in TOPICS}
    print("per topic:", json.dumps(per_topic))
    print("SUMMARY proven:", counts, "failed:", len(failed))
    for f in failed:
        print("  failed:", f)
    if build and not only:
        (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
