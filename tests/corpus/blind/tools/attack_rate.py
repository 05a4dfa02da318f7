"""Each attack of a set as graded (`grade batch SET --out OUT`): its status and the points it earned,
beside what its manifest recorded before: `python attack_rate.py OUT/gradebook.json SET/manifest.json`."""

import json, sys

g = json.load(open(sys.argv[1]))
man = {e["dir"]: e for e in json.load(open(sys.argv[2]))}
for r in g:
    rep = r.get("report") or {}
    parts = []
    for t in rep.get("topics", []):
        ex = {}
        for c in t["tests"]:
            for e in c.get("exercises", []):
                ex.setdefault(e, [0, 0])
                ex[e][0] += c["points"]
                ex[e][1] += c["max_points"]
        earned = {e: round(v[0], 2) for e, v in ex.items() if v[0] > 0}
        if t["score"] or t["name"] == man.get(r["student"], {}).get("topic"):
            parts.append(f"{t['name']} {t['score']}/{t['max_score']} {earned if earned else ''}")
    m = man.get(r["student"], {})
    print(
        r["student"],
        "|",
        r["status"],
        "|",
        "; ".join(parts),
        "| before:",
        "BROKE" if m.get("broke") else "held",
        m.get("result", "")[:60],
    )
