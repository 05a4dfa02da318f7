#!/bin/bash
# g.sh DIR [topic] : grade DIR/<topic>.py, print per exercise points
T=${2:-losses}
cd /work/wt/head116 && timeout 300 .venv/bin/grade /work/attacks116/$1/$T.py --no-daemon --format json > /work/attacks116/$1/grade.json 2>/work/attacks116/$1/grade.err
echo "rc=$?"
python3 - "$1" <<'PY'
import json,sys
d=json.load(open(f"/work/attacks116/{sys.argv[1]}/grade.json"))
print("total", d["score"], "/", d["max_score"], d.get("notes"))
for t in d["topics"]:
    for e in t["exercises"]:
        print(f'  {e["name"]:18} {e["points"]:6}/{e["max_points"]:<5} {e["status"]:8} {e.get("cause")}  | {" ⏎ ".join(e["diagnosis"].splitlines()[:3])[:400] if e.get("diagnosis") else ""}')
PY
