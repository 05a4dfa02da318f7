import json
from collections import defaultdict
from pathlib import Path

gb = json.loads(Path("/work/m119/honest119_out/gradebook.json").read_text())
man = {p["dir"]: p for p in json.loads(Path("manifest.json").read_text())["programs"]}
rows = {}
multi = 0
for st in gb:
    d = st["student"]
    p = man[d]
    topics = {t["name"]: t for t in st["report"]["topics"]}
    t = topics.get(p["topic"])
    per = defaultdict(lambda: [0.0, 0.0, []])
    if t is None:
        rows[d] = {"missing_topic": True}
        continue
    for test in t["tests"]:
        exs = test.get("exercises") or ["?"]
        if len(exs) > 1:
            multi += 1
        for ex in exs:
            per[ex][0] += test["points"] / len(exs)
            per[ex][1] += test["max_points"] / len(exs)
            if test["status"] != "passed" or test["points"] < test["max_points"]:
                per[ex][2].append({"id": test["id"], "kind": test["kind"], "status": test["status"],
                                   "points": test["points"], "max": test["max_points"], "message": test["message"],
                                   "clause": test.get("clause")})
    rows[d] = {ex: {"points": round(v[0], 3), "max": round(v[1], 3), "docked_by": v[2]} for ex, v in per.items()
               if ex in p["exercises_changed"]}
    rows[d]["_topic_score"] = (t["score"], t["max_score"])
Path("grade_results.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False))
print("tests with several exercises:", multi)
full = defaultdict(lambda: [0, 0])
for d, r in rows.items():
    p = man[d]
    group = "written-whole" if p["source"] == "written" and p["whole"] else "written-partial" if p["source"] == "written" else ("real-keeps" if p["keeps_docstring"] else "real-breaks")
    exs = {k: v for k, v in r.items() if not k.startswith("_")}
    isfull = all(v["points"] >= v["max"] - 1e-9 for v in exs.values()) and len(exs) == len(p["exercises_changed"])
    full[group][0] += isfull
    full[group][1] += 1
    if not isfull:
        for ex, v in exs.items():
            if v["points"] < v["max"] - 1e-9:
                print(f"{d} | {ex} | {v['points']:.2f}/{v['max']:.2f}")
                for t in v["docked_by"][:4]:
                    print(f"     {t['id']} [{t['kind']}/{t['status']}] {t['points']}/{t['max']}: {t['message'][:300]}")
print(dict(full))
