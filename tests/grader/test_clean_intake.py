"""What intake leaves out is listed with the reason, never dropped silently."""

from __future__ import annotations

import stat
import zipfile

import pytest

from grader.batch import intake
from grader.batch.exports import write_skipped
from grader.batch.intake import Gradable, take

pytestmark = pytest.mark.unit

LOSSES = "def mse(y_hat, y, reduction='mean'):\n    raise NotImplementedError\n"


def test_hidden_entries_of_the_folder_are_listed(tmp_path):
    for name in ("alice", ".bob", ".DS_Store"):
        (tmp_path / name).mkdir()
    taken, left_out = intake.entries(tmp_path)
    assert taken == [tmp_path / "alice"]
    assert [name for name, _ in left_out] == [".DS_Store", ".bob"]
    assert all("starts with" in why for _, why in left_out)
    write_skipped([("=1+1", "why"), *left_out], tmp_path / "skipped.csv")
    lines = (tmp_path / "skipped.csv").read_text().splitlines()
    assert lines[0] == "entry,reason" and lines[1] == "'=1+1,why" and lines[2].startswith(".DS_Store,")


def test_zip_members_left_out_are_in_the_notes(tmp_path):
    entry = tmp_path / "mallory.zip"
    with zipfile.ZipFile(entry, "w") as archive:
        archive.writestr("../escaped.py", "x = 1")
        archive.writestr("losses.py", LOSSES)
        link = zipfile.ZipInfo("tensors.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    item = take(entry, tmp_path / "scratch")
    assert isinstance(item, Gradable)
    assert item.notes == (
        "left out of the zip: ../escaped.py (a path outside the zip's folder); tensors.py (a link)"
    )


def test_hidden_files_of_a_moodle_folder_are_in_the_notes(tmp_path):
    folder = tmp_path / "dl" / "Ann Lee_503_assignsubmission_file_"
    folder.mkdir(parents=True)
    (folder / "losses.py").write_text(LOSSES)
    (folder / ".losses.py").write_text("raise SystemExit\n")
    (found,) = intake.gather(sorted((tmp_path / "dl").iterdir()))
    item = intake.take_submission(found, tmp_path / "scratch")
    assert isinstance(item, Gradable) and item.topics == ("losses",)
    assert item.notes == "ignored .losses.py: a hidden file"
