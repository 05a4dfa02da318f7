"""Build and prove blind batch 116 (plain torch, no grader).

  python prove.py --build   write mistakes/, contract/, correct/ from spec/, prove each file, drop unproven, write manifest.json
  python prove.py           re-prove every entry of spec/ against its file here (one line each, then a summary)
Mistakes: differ from the reference on a stated allowed input. Contract: the violation is shown
(off-limits call recorded, op count grows, input changed, device ignored, forward hooks not fired, class not used).
Correct: agree on many seeded inputs.
"""
from __future__ import annotations

import ast
import importlib.util
import json
import sys
import textwrap
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOL = Path("/work/main/solutions")
OUT = HERE
SPEC = HERE / "spec"
TOPICS = ["tensors", "autograd", "losses", "optim", "mlp", "cnn", "inception", "resnet", "rnn"]
KIND_DIR = {"mistake": "mistakes", "contract": "contract", "correct": "correct"}
sys.path.insert(0, str(SPEC))


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


def spec_entries():
    import common
    for t in TOPICS:
        if (SPEC / f"{t}.py").exists():
            load(SPEC / f"{t}.py", f"spec_{t}")
    return common.ENTRIES


def prove(entry, path: Path, refs):
    cand = load(path, f"cand_{entry['kind']}_{entry['topic']}_{entry['name']}")
    return entry["check"](refs[entry["topic"]], cand)


def main() -> int:
    build = "--build" in sys.argv
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    refs = {t: load(SOL / f"{t}.py", f"ref_{t}") for t in TOPICS}
    entries = spec_entries()
    if only:
        entries = [e for e in entries if e["name"] in only or e["topic"] in only]
    names = {}
    for e in entries:
        key = (e["kind"], e["topic"], e["name"])
        assert key not in names, f"duplicate {key}"
        names[key] = e
    manifest, failed = [], []
    for e in entries:
        rel = Path(KIND_DIR[e["kind"]]) / e["topic"] / f"{e['name']}.py"
        path = OUT / rel
        if build:
            path.parent.mkdir(parents=True, exist_ok=True)
            src = (SOL / f"{e['topic']}.py").read_text()
            path.write_text(replace_exercise(src, e["exercise"], e["code"], e.get("imports", "")))
        try:
            why = prove(e, path, refs)
        except Exception as exc:  # noqa: BLE001
            why, err = None, f"{type(exc).__name__}: {exc}"
            traceback.print_exc(limit=3)
        else:
            err = None
        if e["kind"] == "correct":
            ok = why is None and err is None
            note = why or err or "agrees"
        else:
            ok = bool(why) and err is None
            note = why or err or "NO DIFFERENCE"
        print(f"{'PASS' if ok else 'FAIL'} {e['kind']:8} {e['topic']:9} {e['name']:34} {note}")
        if ok:
            item = dict(file=str(rel), topic=e["topic"], exercise=e["exercise"], kind=e["kind"], what=e["what"],
                        input=e.get("input", ""), proof=note)
            if e["kind"] == "contract":
                item["violated"] = e["violated"]
            manifest.append(item)
        else:
            failed.append(str(rel))
            if build and path.exists():
                path.unlink()
    counts = {k: sum(1 for m in manifest if m["kind"] == k) for k in KIND_DIR}
    print("proven:", counts, "failed:", len(failed))
    for f in failed:
        print("  failed:", f)
    if build and not only:
        (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
