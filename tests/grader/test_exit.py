"""``grade`` leaves with ``os._exit`` after a grading (grader/cli.py, ``run``): no process of its
own is left behind, its report is whole, and its exit code is the grading's."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import REPO

pytestmark = pytest.mark.e2e

# Made a subreaper, this process inherits every process `grade` leaves behind; 2 s later it
# lists the live ones (exited workers show up as zombies until reaped, and are not counted).
UNDER_SUBREAPER = """
import ctypes, json, os, subprocess, sys, time
assert ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
with open(sys.argv[1], "w+") as out:  # a file, not a pipe: a process left holding it is not waited for
    code = subprocess.run([sys.executable, "-m", "grader", *sys.argv[2:]], stdout=out, stderr=subprocess.DEVNULL).returncode
    time.sleep(2)
    out.seek(0)
    report = out.read()
live = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    if int(fields[1]) == os.getpid() and fields[0] != "Z":
        live.append(open(f"/proc/{pid}/cmdline").read().replace("\\0", " "))
print(json.dumps({"code": code, "report": report, "live": live}))
"""


def test_a_grading_leaves_no_process_behind_and_a_whole_report(tmp_path):
    solution = REPO / "solutions" / "losses.py"
    output = tmp_path / "output"
    done = subprocess.run(
        [sys.executable, "-c", UNDER_SUBREAPER, str(output), str(solution), "--format", "json", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout)
    assert outcome["live"] == []
    assert outcome["code"] == 0
    report = json.loads(outcome["report"])  # flushed whole before the process left
    assert report["score"] == report["max_score"] > 0
