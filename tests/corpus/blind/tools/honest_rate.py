"""Per honest program: is every exercise it changed full? (from a grade batch gradebook.json)."""

import json, os, sys
from collections import defaultdict

book = json.load(open(sys.argv[1]))
# the batch's manifest: the second argument, else honest80's
default = os.path.join(os.path.dirname(__file__), "..", "honest80", "manifest.json")
manifest = json.load(open(sys.argv[2] if len(sys.argv) > 2 else default))["programs"]
by = {os.path.splitext(os.path.basename(p["file"]))[0]: p for p in manifest}
bad = []
for row in book:
    p = by[row["student"]]
    topic = [t for t in row["report"]["topics"] if t["name"] == p["topic"]][0]
    pts, mx, why = defaultdict(float), defaultdict(float), defaultdict(list)
    for t in topic["tests"]:
        if t["status"] == "skipped":
            continue
        ex = t["exercises"]
        for e in ex:
            pts[e] += t["points"] / len(ex)
            mx[e] += t["max_points"] / len(ex)
            if t["status"] != "passed":
                why[e].append(f"{t['id']}: {t['status']}: {t['message'][:160]}")
    lost = {e: (round(pts[e], 2), round(mx[e], 2)) for e in p["exercises_changed"] if pts[e] < mx[e] - 1e-6}
    if lost:
        bad.append((row["student"], p["whole"], lost, {e: why[e][:2] for e in lost}))
print(f"full: {len(book) - len(bad)}/{len(book)}")
for b in bad:
    print(b[0], "whole" if b[1] else "part", b[2])
    for e, w in b[3].items():
        for line in w:
            print("    ", e, "|", line)
