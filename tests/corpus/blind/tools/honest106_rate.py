"""How many honest programs are full on the exercises they implement (their manifest lists them),
and each that is not: `python honest106_rate.py OUT/gradebook.json SET/manifest.json`."""

import json, sys

g = {r["student"]: r for r in json.load(open(sys.argv[1]))}
man = json.load(open(sys.argv[2]))
full = notfull = 0
lines = []
for m in man:
    r = g.get(m["dir"])
    exs = {}
    for t in (r or {}).get("report", {}).get("topics", []):
        for e in t.get("exercises", []):
            exs[e["name"]] = e
    short = [
        (n, exs[n]["points"], exs[n]["max_points"], exs[n].get("diagnosis", "")[:160])
        for n in m["exercises"]
        if n in exs and exs[n]["points"] < exs[n]["max_points"] - 1e-9
    ]
    missing = [n for n in m["exercises"] if n not in exs]
    ok = not short and not missing and r and r["status"] == "graded"
    full += ok
    notfull += not ok
    if not ok:
        lines.append(
            f"{m['dir']} ({m['source']}, whole={m['whole']}): {r['status'] if r else 'absent'} {short} missing={missing} | main: {m.get('main_score')}"
        )
print(f"full on implemented: {full}/{full + notfull}")
print("\n".join(lines))
