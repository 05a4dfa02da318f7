"""Leads of the set as graded: each file alone as <topic>.py, en and zh_CN; first exercise not full."""
import json, os, subprocess, sys, tempfile, shutil
from pathlib import Path
HERE = Path(__file__).parent
labels = json.loads((HERE / "labels.json").read_text())
out = []
only = set(sys.argv[1:])
for lab in labels:
    if only and lab["file"] not in only:
        continue
    row = {"file": lab["file"], "exercise": lab["exercise"]}
    with tempfile.TemporaryDirectory() as tmp:
        dst = Path(tmp) / f"{lab['topic']}.py"
        shutil.copy(HERE / lab["file"], dst)
        for lang in ("en", "zh_CN"):
            done = subprocess.run([os.environ.get("GRADE", "/work/main/.venv/bin/grade"), "--lang", lang, "check", str(dst), "--format", "json", "--no-daemon", "--quiet"],
                                  capture_output=True, text=True, cwd=os.environ.get("GRADE_CWD", "/work/main"), env={**os.environ, "TORCHGRADE_FRESH": "1"})
            try:
                r = json.loads(done.stdout)
            except ValueError:
                row[lang] = {"error": done.stderr[-800:]}
                continue
            ex = [e for t in r["topics"] for e in t["exercises"]]
            nf = [e for e in ex if e["points"] < e["max_points"] - 1e-9]
            row[lang] = {"score": f"{r['score']}/{r['max_score']}", "first": nf[0]["name"] if nf else None,
                         "diagnosis": nf[0]["diagnosis"] if nf else "", "not_full": [e["name"] for e in nf]}
    out.append(row)
    print(lab["file"], row.get("en", {}).get("first"), flush=True)
(HERE / os.environ.get("LEADS", "leads_first.json")).write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
