"""Reading a class folder: zips, stray files and links never crash the batch."""

from __future__ import annotations

import random
import stat
import zipfile
import zlib
from dataclasses import replace

import pytest
from helpers import REPO

from grader.batch import intake
from grader.batch.intake import Gradable, Rejected, take

pytestmark = pytest.mark.unit

LOSSES = "def mse(y_hat, y, reduction='mean'):\n    raise NotImplementedError\n"


def make_zip(path, members: dict[str, str], links: dict[str, str] | None = None):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def test_zip_with_a_top_folder_is_found(tmp_path):
    entry = make_zip(tmp_path / "alice.zip", {"exercises/losses.py": LOSSES})
    item = take(entry, tmp_path / "scratch")
    assert isinstance(item, Gradable) and item.student == "alice"
    assert (item.path / "losses.py").read_text() == LOSSES


def test_escaping_members_and_links_are_skipped(tmp_path):
    entry = make_zip(
        tmp_path / "mallory.zip",
        {"../escaped.py": "x = 1", "/tmp/absolute_escape.py": "x = 1", "losses.py": LOSSES},
        links={"tensors.py": "/work/main/solutions/tensors.py"},
    )
    item = take(entry, tmp_path / "scratch")
    assert isinstance(item, Gradable)
    assert sorted(p.name for p in item.path.iterdir()) == ["losses.py"]
    assert not (tmp_path / "escaped.py").exists()


def test_unusable_entries_become_rows_with_reasons(tmp_path):
    (tmp_path / "corrupt.zip").write_bytes(b"PK\x03\x04 definitely not a zip")
    (tmp_path / "empty").mkdir()
    (tmp_path / "binary.py").write_bytes(bytes(range(256)))
    (tmp_path / "essay.docx").write_text("hello")
    make_zip(tmp_path / "nothing.zip", {"README.txt": "hi"})
    reasons = {}
    for entry in sorted(tmp_path.iterdir()):
        item = take(entry, tmp_path / "scratch" / entry.name, ("losses",))
        assert isinstance(item, Rejected), entry.name
        reasons[item.student] = item.reason
    assert "cannot be read" in reasons["corrupt"]
    assert "no topic file" in reasons["empty"] and "no topic file" in reasons["nothing"]
    assert "binary" in reasons["binary"]
    assert ".docx" in reasons["essay"]


def test_zip_bomb_is_refused_before_extraction(tmp_path):
    entry = make_zip(tmp_path / "bomb.zip", {"losses.py": "#" * (60 << 20)})
    item = take(entry, tmp_path / "scratch")
    assert isinstance(item, Rejected) and "expands to more than" in item.reason
    assert not any((tmp_path / "scratch").rglob("*.py"))


def test_same_files_same_hash_different_students(tmp_path):
    for name in ("ann", "bob"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "losses.py").write_text(LOSSES)
    ann, bob = (take(tmp_path / n, tmp_path / "scratch") for n in ("ann", "bob"))
    assert ann.content_hash == bob.content_hash and ann.student != bob.student


def test_single_files_name_their_topic(tmp_path):
    (tmp_path / "carol_losses.py").write_text(LOSSES)
    (tmp_path / "dave.py").write_text(LOSSES)
    assert take(tmp_path / "carol_losses.py", tmp_path / "s").topic == "losses"
    assert isinstance(take(tmp_path / "dave.py", tmp_path / "s"), Rejected)
    assert take(tmp_path / "dave.py", tmp_path / "s", ("losses",)).topic == "losses"


# Damaged zips: each becomes a Rejected that says what is wrong, never an exception.

SOLUTION = (REPO / "solutions" / "losses.py").read_text()


def deflated_zip(path, level: int = 6):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("exercises/__init__.py", "")
        archive.writestr("exercises/losses.py", SOLUTION)
    return path


def member_data(path, name: str) -> slice:
    """Where member ``name``'s compressed bytes lie in the zip file."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    header = path.read_bytes()[info.header_offset : info.header_offset + 30]
    start = (
        info.header_offset
        + 30
        + int.from_bytes(header[26:28], "little")
        + int.from_bytes(header[28:30], "little")
    )
    return slice(start, start + info.compress_size)


def damage(path, change) -> None:
    raw = bytearray(path.read_bytes())
    change(raw, member_data(path, "exercises/losses.py"))
    path.write_bytes(bytes(raw))


def flip_middle(raw: bytearray, data: slice) -> None:
    # level 0 deflate is stored blocks: the stream stays valid, only the CRC catches the change
    middle = (data.start + data.stop) // 2
    raw[middle : middle + 8] = bytes(b ^ 0xFF for b in raw[middle : middle + 8])


def break_deflate(raw: bytearray, data: slice) -> None:
    raw[data.start] = 0xFF  # a final block of the reserved type 3: zlib says "invalid block type"


def broken_zips(folder) -> dict[str, str]:
    """Four broken zips in ``folder``, each by the words its reason must hold."""
    folder.mkdir(exist_ok=True)
    damage(deflated_zip(folder / "crc.zip", level=0), flip_middle)
    damage(deflated_zip(folder / "deflate.zip"), break_deflate)
    whole = deflated_zip(folder / "truncated.zip").read_bytes()
    (folder / "truncated.zip").write_bytes(whole[: len(whole) // 2])
    (folder / "noise.zip").write_bytes(random.Random(7).randbytes(4096))
    return {
        "crc": "member exercises/losses.py fails its CRC check",
        "deflate": "member exercises/losses.py does not decompress (invalid block type)",
        "truncated": "truncated or not a zip",
        "noise": "truncated or not a zip",
    }


def test_damaged_zips_are_rejected_with_a_reason(tmp_path):
    expected = broken_zips(tmp_path / "class")
    for name, words in expected.items():
        item = take(tmp_path / "class" / f"{name}.zip", tmp_path / "scratch", ("losses",))
        assert isinstance(item, Rejected) and item.student == name, item
        assert words in item.reason, item.reason
        assert "re-download or re-zip it" in item.reason and "\n" not in item.reason
    assert not any((tmp_path / "scratch").rglob("*.py")), "nothing half-unpacked is left behind"


def test_the_damage_is_in_the_member_not_the_directory(tmp_path):
    broken_zips(tmp_path)
    for name, error in (("crc", zipfile.BadZipFile), ("deflate", zlib.error)):
        with zipfile.ZipFile(tmp_path / f"{name}.zip") as archive, pytest.raises(error):
            archive.read("exercises/losses.py")
        with zipfile.ZipFile(tmp_path / f"{name}.zip") as archive:
            assert archive.read("exercises/__init__.py") == b""


def test_any_failure_of_one_entry_is_its_rejection(tmp_path, monkeypatch):
    entry = deflated_zip(tmp_path / "alice.zip")

    def explode(*args):
        raise MemoryError("out of memory while unpacking")

    monkeypatch.setattr(intake, "_topic_folder", explode)
    item = take(entry, tmp_path / "scratch")
    assert isinstance(item, Rejected) and item.student == "alice"
    assert "MemoryError" in item.reason and "out of memory" in item.reason


# LMS bulk downloads: one student's files become one submission


def lms_student(folder, files: dict[str, str]):
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return intake.gather(sorted(folder.iterdir()))


def test_canvas_resubmission_supersedes_and_topics_join(tmp_path):
    (found,) = lms_student(
        tmp_path / "dl",
        {
            "smithjohn_12345_1_losses.py": "first = 1\n",
            "smithjohn_12345_1_losses-1.py": "second = 2\n",
            "smithjohn_12345_1_losses-2.py": "third = 3\n",
            "smithjohn_late_12345_1_optim.py": "late = 1\n",
        },
    )
    item = intake.take_submission(found, tmp_path / "scratch")
    assert isinstance(item, Gradable) and item.student == "smithjohn_12345" and item.topic is None
    assert item.topics == ("losses", "optim")
    assert sorted(p.name for p in item.path.iterdir()) == ["losses.py", "optim.py"]
    assert (item.path / "losses.py").read_text() == "third = 3\n"
    notes = "losses.py: resubmission 2 used; instead of losses.py, losses-1.py; optim.py: late"
    assert item.notes == notes
    again = intake.take_submission(found, tmp_path / "scratch2")
    assert again.content_hash == item.content_hash  # a re-run is recognised


def test_a_late_file_supersedes_one_on_time(tmp_path):
    (found,) = lms_student(
        tmp_path / "dl",
        {"leeann_late_777_2_losses.py": "late = 1\n", "leeann_777_1_losses.py": "early = 1\n"},
    )
    item = intake.take_submission(found, tmp_path / "scratch")
    assert (item.path / "losses.py").read_text() == "late = 1\n"
    assert item.notes == "losses.py: late; instead of losses.py"


def test_moodle_folder_with_a_zip_and_a_stray_file(tmp_path):
    download = tmp_path / "dl"
    folder = download / "Ann Lee_503_assignsubmission_file_"
    folder.mkdir(parents=True)
    make_zip(folder / "exercises.zip", {"exercises/losses.py": LOSSES, "exercises/mlp.py": "x = 1\n"})
    (folder / "report.pdf").write_bytes(b"%PDF-1.4")
    (found,) = intake.gather(sorted(download.iterdir()))
    item = intake.take_submission(found, tmp_path / "scratch")
    assert isinstance(item, Gradable) and item.student == "Ann Lee_503"
    assert item.topics == ("losses", "mlp") and (item.path / "losses.py").read_text() == LOSSES
    assert item.notes == ""  # the report is kept for a person to read, not graded
    assert [(k.name, k.path.read_bytes()) for k in item.kept] == [("report.pdf", b"%PDF-1.4")]


def test_lms_student_with_nothing_gradable_is_rejected_with_what_was_there(tmp_path):
    (found,) = lms_student(
        tmp_path / "dl",
        {"kimbo_42_1_essay.docx": "words", "kimbo_42_1_broken.zip": "PK\x03\x04 not a zip"},
    )
    item = intake.take_submission(found, tmp_path / "scratch", ("losses",))
    assert isinstance(item, Rejected) and item.student == "kimbo_42"
    assert "broken.zip: the zip cannot be read" in item.reason and "kept to read: essay.docx" in item.reason
    assert [k.name for k in item.kept] == ["essay.docx"]


def test_one_topic_given_names_an_lms_file_without_a_topic_name(tmp_path):
    (found,) = lms_student(tmp_path / "dl", {"kimbo_42_1_homework.py": LOSSES})
    assert isinstance(intake.take_submission(found, tmp_path / "s1"), Rejected)
    item = intake.take_submission(found, tmp_path / "s2", ("losses",))
    assert isinstance(item, Gradable) and item.topics == ("losses",)


def test_todays_entries_are_taken_as_before(tmp_path):
    (tmp_path / "dl").mkdir()
    (tmp_path / "dl" / "carol_losses.py").write_text(LOSSES)
    make_zip(tmp_path / "dl" / "alice.zip", {"exercises/losses.py": LOSSES})
    for found in intake.gather(sorted((tmp_path / "dl").iterdir())):
        entry = found.entries[0]
        assert found.name is None and len(found.entries) == 1
        now, before = intake.take_submission(found, tmp_path / "a"), take(entry, tmp_path / "b")
        assert isinstance(now, Gradable) and isinstance(before, Gradable)
        if before.path.is_relative_to(tmp_path / "b"):  # unzipped into the scratch folder
            before = replace(before, path=tmp_path / "a" / before.path.relative_to(tmp_path / "b"))
        assert now == before
