"""A blind batch's rates from a `grade batch` gradebook (laid out by lay_out.py): mistakes and
contract violations caught (their exercise lost points), correct variants full (every exercise).

  python batch_rate.py GRADEBOOK MANIFEST
"""

import json
import sys
from collections import defaultdict
from pathlib import Path

book = json.loads(Path(sys.argv[1]).read_text())
entries = json.loads(Path(sys.argv[2]).read_text())
by = {f"{e['kind']}__{Path(e['file']).stem}": e for e in entries}
res = defaultdict(lambda: [0, 0])
bad = []
for row in book:
    e = by.get(row["student"])
    if e is None:
        continue
    topic = [t for t in (row.get("report") or {}).get("topics", []) if t["name"] == e["topic"]]
    pts, mx = defaultdict(float), defaultdict(float)
    for t in topic[0]["tests"] if topic else []:
        if t["status"] == "skipped":
            continue
        for x in t["exercises"]:
            pts[x] += t["points"] / len(t["exercises"])
            mx[x] += t["max_points"] / len(t["exercises"])
    ex = e["exercise"]
    if e["kind"] == "correct":
        good = bool(topic) and all(pts[x] >= mx[x] - 1e-6 for x in mx)
    else:
        good = not topic or pts[ex] < mx[ex] - 1e-6
    res[e["kind"]][0] += good
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
for k, (g, n) in sorted(res.items()):
    print(f"{k}: {g}/{n} ({'full' if k == 'correct' else 'caught'}) = {100 * g / n:.1f} %")
for b in sorted(bad):
    print(*b[:6])
    for w in b[6]:
        print("     ", w)
