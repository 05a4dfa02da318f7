"""A batch whose output folder fills up, or turns read-only, ends in one line naming the path
and the cause (exit 2) and keeps what it recorded: a rerun with room resumes. Seen failing on
the main of 2026-11-24: `sqlite3.OperationalError: database or disk is full` then `OSError:
[Errno 28]`, two tracebacks, exit 1."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest
from helpers import REPO, run_grade

pytestmark = pytest.mark.e2e
STUDENTS = 8  # untouched stubs: graded from the check table, no worker; ~40 KB a row


@pytest.fixture
def small_disk(tmp_path):
    """A 400 KB tmpfs (root only), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()[:200]}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def remount(mount, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount)], check=True)


def batch(submissions, out) -> subprocess.CompletedProcess:
    return run_grade("batch", str(submissions), "--out", str(out), "--topic", "tensors", timeout=300)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    (line,) = [text for text in done.stderr.splitlines() if text.startswith("grade:")]
    return line


def test_a_full_disk_then_a_read_only_one_end_in_one_line_and_the_rerun_resumes(tmp_path, small_disk):
    submissions = tmp_path / "class"
    for student in range(STUDENTS):
        (submissions / f"s{student}").mkdir(parents=True)
        shutil.copy(REPO / "exercises" / "tensors.py", submissions / f"s{student}")
    out = small_disk / "out"

    line = one_line_error(batch(submissions, out))
    assert (
        f"cannot write {out}" in line and "the disk is full" in line and "run the same command again" in line
    )
    book = sqlite3.connect(f"file:{out / 'gradebook.sqlite'}?mode=ro", uri=True)
    (kept,) = book.execute("SELECT count(*) FROM grades").fetchone()
    book.close()
    assert 0 < kept < STUDENTS

    remount(small_disk, "ro")
    line = one_line_error(batch(submissions, out))
    assert f"cannot write {out}" in line and "read-only" in line

    remount(small_disk, "rw,size=16m")  # room: the rerun grades only what was not recorded
    done = batch(submissions, out)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"graded {STUDENTS - kept}, unchanged {kept}," in done.stderr
    assert (out / "report.html").is_file() and (out / "gradebook.csv").stat().st_size > 0
