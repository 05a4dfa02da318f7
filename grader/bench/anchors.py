"""The anchors (nbgrader and otter-grader on their class of 20, ../shared/anchors' harness) run
in the same run as ours: where the harness is found, how its table is read, the ratios printed."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from grader.base.topics import REPO_ROOT

ANCHORS_ENV = "TORCHGRADE_ANCHORS"  # the folder of the anchors' harness
ANCHORS_SCRIPT = "run_baseline.sh"


def anchors_script(folder: str | None) -> Path:
    """The anchors' harness: ``--anchors-dir``, else $TORCHGRADE_ANCHORS, else ``../shared/anchors``
    beside the checkout."""
    chosen = folder or os.environ.get(ANCHORS_ENV) or str(REPO_ROOT.parent / "shared" / "anchors")
    script = Path(chosen) / ANCHORS_SCRIPT
    if not script.is_file():
        raise SystemExit(f"no {ANCHORS_SCRIPT} in {chosen}: pass --anchors-dir DIR or set {ANCHORS_ENV}")
    return script


def anchor_seconds(table: str) -> dict[str, float]:
    """{nbgrader, otter: median wall of the class} from the harness's table row
    ``| class of 20, sequential wall, median of N (min-max) | 115.7 s (...) | 199.4 s (...) |``."""
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("class of 20, sequential wall"):
            found = {}
            for tool, cell in zip(("nbgrader", "otter"), cells[1:]):
                number = re.match(r"([\d.]+) s", cell)
                if number:
                    found[tool] = float(number.group(1))
            return found
    return {}


def run_anchors(script: Path, repeat: int) -> dict[str, float]:
    """Run the harness (RUNS=repeat; minutes: it builds and runs nbgrader and otter), pass its
    output through, and return the class's median walls it measured."""
    print(f"anchors: bash {script} (RUNS={repeat}) ...", flush=True)
    done = subprocess.run(
        ["bash", str(script)],
        cwd=REPO_ROOT,
        env={**os.environ, "RUNS": str(repeat)},
        capture_output=True,
        text=True,
    )
    print(done.stdout, flush=True)
    found = anchor_seconds(done.stdout)
    if done.returncode != 0 or not found:
        raise SystemExit(f"the anchors' harness failed (exit {done.returncode}): {done.stderr[-800:]}")
    return found


def anchor_lines(anchors: dict[str, float] | None, ours: float) -> list[str]:
    """The class against the anchors: ratios only from anchors measured in this run."""
    if not anchors:
        return ["class vs. anchors: not measured in this run, so no ratio (python -m grader.bench --anchors)"]
    return ["class vs. anchors measured in this run:"] + [
        f"  {tool}/ours = {seconds:.1f} s / {ours:.1f} s = {seconds / ours:.2f}"
        for tool, seconds in anchors.items()
    ]
