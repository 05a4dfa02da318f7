"""Per blind mistake: did its exercise lose points? (a grade batch gradebook.json, a manifest)."""

import json, os, sys
from collections import defaultdict

book = json.load(open(sys.argv[1]))
manifest = json.load(open(sys.argv[2]))
entries = manifest["mistakes"] if isinstance(manifest, dict) else manifest
by = {os.path.splitext(os.path.basename(m["file"]))[0]: m for m in entries}
caught, missed = [], []
for row in book:
    m = by.get(row["student"])
    if m is None:
        continue
    pts, mx = defaultdict(float), defaultdict(float)
    for topic in row["report"]["topics"]:
        for t in topic["tests"]:
            if t["status"] == "skipped":
                continue
            for e in t["exercises"]:
                pts[e] += t["points"] / len(t["exercises"])
                mx[e] += t["max_points"] / len(t["exercises"])
    e = m["exercise"]
    (caught if pts[e] < mx[e] - 1e-6 else missed).append(
        (row["student"], e, round(pts[e], 2), round(mx[e], 2), m.get("mistake", m.get("what", ""))[:100])
    )
print(f"caught {len(caught)}/{len(caught) + len(missed)}")
for x in missed:
    print("MISSED", x)
