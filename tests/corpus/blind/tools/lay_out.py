"""Lay a blind batch out for `grade batch`: one folder per entry, `<kind>__<name>/<topic>.py`
(helper files beside an entry's file go with it).

  python lay_out.py MANIFEST OUT [FILES]   then   grade batch OUT --out RESULTS
(FILES: where the entries' files are, if not beside MANIFEST: batch105's prove.py --build
writes them to $TMPDIR/batch105)
  python batch_rate.py RESULTS/gradebook.json MANIFEST
"""

import json
import shutil
import sys
from pathlib import Path

manifest = Path(sys.argv[1])
out = Path(sys.argv[2])
files = Path(sys.argv[3]) if len(sys.argv) > 3 else manifest.parent
entries = json.loads(manifest.read_text())
for e in entries:
    src = files / e["file"]
    folder = out / f"{e['kind']}__{src.stem}"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, folder / f"{e['topic']}.py")
print(f"{len(entries)} submissions in {out}")
