"""Batch 83: mistakes caught (their exercise lost points), correct variants full, contract enforced."""

import json, os, sys
from collections import defaultdict

book = json.load(open(sys.argv[1]))
entries = json.load(open(os.path.join(os.path.dirname(__file__), "..", "batch83_spec", "manifest.json")))
by = {e["kind"][0] + "__" + os.path.splitext(os.path.basename(e["file"]))[0]: e for e in entries}
res = defaultdict(lambda: [0, 0])
bad = []
for row in book:
    e = by.get(row["student"])
    if e is None:
        continue
    topic = [t for t in row["report"]["topics"] if t["name"] == e["topic"]]
    pts, mx = defaultdict(float), defaultdict(float)
    for t in topic[0]["tests"] if topic else []:
        if t["status"] == "skipped":
            continue
        for x in t["exercises"]:
            pts[x] += t["points"] / len(t["exercises"])
            mx[x] += t["max_points"] / len(t["exercises"])
    ex = e["exercise"]
    lost = pts[ex] < mx[ex] - 1e-6 or not topic
    good = (
        lost if e["kind"] in ("mistake", "contract") else (topic and all(pts[x] >= mx[x] - 1e-6 for x in mx))
    )
    res[e["kind"]][0] += bool(good)
    res[e["kind"]][1] += 1
    if not good:
        why = (
            [
                f"{t['id']}: {t['message'][:140]}"
                for t in topic[0]["tests"]
                if t["status"] not in ("passed", "skipped")
            ][:2]
            if topic
            else []
        )
        bad.append(
            (e["kind"], row["student"], ex, round(pts[ex], 2), round(mx[ex], 2), e.get("what", "")[:110], why)
        )
for k, (g, n) in res.items():
    print(f"{k}: {g}/{n} ({'caught' if k != 'correct' else 'full'})")
for b in sorted(bad):
    print(*b[:6])
    [print("     ", w) for w in b[6]]
