"""Reading a class folder: zips, stray files and links never crash the batch."""

from __future__ import annotations

import stat
import zipfile

from grader.batch.intake import Gradable, Rejected, take

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
