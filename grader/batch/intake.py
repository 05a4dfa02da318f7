"""Turn one entry of an instructor's submissions folder into something gradable.

An entry is a folder shaped like ``exercises/``, a ``.zip`` of one, a single topic
``.py`` or a notebook. Zips are unpacked defensively: members that are links, absolute, or climb out
with ``..`` are skipped, and the expanded size is checked before anything is written.
Whatever cannot be used, and whatever fails while reading an entry (a damaged zip, an
unreadable file), becomes a :class:`Rejected` with a one-line reason: one bad entry never
stops the class.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader import notebooks
from grader.staging import topic_files
from grader.topics import TOPICS

MAX_ZIP_BYTES = 50 << 20
MAX_ZIP_MEMBERS = 2000
MAX_REASON = 300
AGAIN = "re-download or re-zip it"


@dataclass(frozen=True)
class Gradable:
    student: str
    path: Path  # a folder, or a single .py file
    content_hash: str
    topic: str | None = None  # the topic a single .py file answers


@dataclass(frozen=True)
class Rejected:
    student: str
    reason: str


def student_name(entry: Path) -> str:
    return entry.stem if entry.is_file() else entry.name


def content_hash(path: Path) -> str:
    """sha256 over the Python files that grading reads (names and bytes)."""
    digest = hashlib.sha256()
    files = (
        [path]
        if path.is_file()
        else sorted(p for p in path.glob("*.py") if p.is_file() and not p.is_symlink())
    )
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def _safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = []
    for info in archive.infolist():
        name = PurePosixPath(info.filename)
        is_link = stat.S_ISLNK(info.external_attr >> 16)
        if is_link or name.is_absolute() or ".." in name.parts or info.is_dir():
            continue
        members.append(info)
    return members


def one_line(text: str, limit: int = MAX_REASON) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _detail(exc: BaseException) -> str:
    """zlib's "Error -3 while decompressing data: invalid block type" -> "invalid block type"."""
    return str(exc).rsplit(": ", 1)[-1] or type(exc).__name__


def archive_problem(exc: Exception) -> str:
    """Why the zip as a whole cannot be opened, and what to do about it."""
    if isinstance(exc, zipfile.BadZipFile) and "not a zip file" in str(exc):
        return (
            "the zip cannot be read: no zip directory found "
            f"(the file is truncated or not a zip at all); {AGAIN}"
        )
    return f"the zip cannot be read: its directory is damaged ({type(exc).__name__}: {exc}); {AGAIN}"


def member_problem(name: str, exc: Exception) -> str:
    """Why member ``name`` cannot be unpacked, and what to do about it."""
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc):
        return f"the zip is damaged: member {name} fails its CRC check; {AGAIN}"
    if isinstance(exc, zlib.error):
        return f"the zip is damaged: member {name} does not decompress ({_detail(exc)}); {AGAIN}"
    if isinstance(exc, EOFError):
        return f"the zip is damaged: member {name} ends early (the zip is truncated); {AGAIN}"
    if isinstance(exc, NotImplementedError):
        return (
            f"member {name} uses a compression method that cannot be read; "
            "re-zip it with standard (deflate) compression"
        )
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return f"member {name} is encrypted; re-zip it without a password"
    return f"the zip is damaged: member {name} cannot be read ({type(exc).__name__}: {exc}); {AGAIN}"


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    with archive.open(member) as source:
        return source.read(MAX_ZIP_BYTES + 1)[:MAX_ZIP_BYTES]


def _write(target: Path, name: str, data: bytes) -> None:
    destination = target.joinpath(*PurePosixPath(name).parts)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(data)


def _unzip(archive_path: Path, target: Path) -> str | None:
    """Extract the safe members; return a reason when the archive is unusable."""
    try:
        archive = zipfile.ZipFile(archive_path)
    except Exception as exc:  # BadZipFile, OSError, struct.error, ...: any of them, one row
        return one_line(archive_problem(exc))
    with archive:
        members = _safe_members(archive)
        if len(members) > MAX_ZIP_MEMBERS:
            return f"the zip holds more than {MAX_ZIP_MEMBERS} files"
        if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
            return f"the zip expands to more than {MAX_ZIP_BYTES >> 20} MB"
        for member in members:
            try:
                data = _read(archive, member)
            except Exception as exc:  # a bad CRC, a broken deflate stream, a truncated member, ...
                return one_line(member_problem(member.filename, exc))
            try:
                _write(target, member.filename, data)
            except OSError as exc:  # a name too long, a file where a folder should be, ...
                return one_line(
                    f"member {member.filename} cannot be unpacked ({exc.strerror or exc}); "
                    "give it a plain, short path and re-zip it"
                )
    return None


def _topic_folder(root: Path) -> Path | None:
    """``root`` or the one folder below it (or below that) that holds topic files."""
    candidates = [root, *sorted(p for p in root.iterdir() if p.is_dir())]
    candidates += [p for c in candidates[1:] for p in sorted(c.iterdir()) if p.is_dir()]
    return next((c for c in candidates if topic_files(c)), None)


def single_file_topic(stem: str, topics: tuple[str, ...]) -> str | None:
    """``losses``, ``alice_losses`` -> losses; otherwise the one ``--topic`` given."""
    for candidate in (stem, stem.rsplit("_", 1)[-1]):
        if candidate in TOPICS:
            return candidate
    return topics[0] if len(topics) == 1 else None


def take(entry: Path, scratch: Path, topics: tuple[str, ...] = ()) -> Gradable | Rejected:
    """What to grade for ``entry`` (zips are unpacked under ``scratch``), or why not.

    Never raises for one entry's sake: whatever goes wrong becomes its :class:`Rejected`.
    """
    student = student_name(entry)
    try:
        return _take(entry, student, scratch, topics)
    except Exception as exc:  # an unreadable file, a scratch folder that cannot be written, ...
        return Rejected(student, one_line(f"this entry cannot be read ({type(exc).__name__}: {exc})"))


def _take(entry: Path, student: str, scratch: Path, topics: tuple[str, ...]) -> Gradable | Rejected:
    if entry.is_symlink():
        return Rejected(student, "a link, not a submission")
    if entry.is_dir():
        folder = _topic_folder(entry)
        if folder is None:
            return Rejected(student, f"no topic file ({', '.join(t + '.py' for t in TOPICS)}) in the folder")
        return Gradable(student, folder, content_hash(folder))
    if entry.suffix == ".zip":
        target = scratch / student
        target.mkdir(parents=True)
        reason = _unzip(entry, target)
        if reason:
            shutil.rmtree(target, ignore_errors=True)
            return Rejected(student, reason)
        folder = _topic_folder(target)
        if folder is None:
            return Rejected(student, "no topic file in the zip")
        return Gradable(student, folder, content_hash(folder))
    if entry.suffix == ".py":
        try:
            entry.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            return Rejected(student, "not a Python source file (binary content)")
        topic = single_file_topic(entry.stem, topics)
        if topic is None:
            return Rejected(
                student,
                "cannot tell which topic this file answers: name it <student>_<topic>.py or pass one --topic",
            )
        return Gradable(student, entry, content_hash(entry), topic)
    if entry.suffix == ".ipynb":
        try:
            topic, _ = notebooks.topic_of(
                entry, notebooks.read(entry), topics[0] if len(topics) == 1 else None
            )
        except notebooks.NotebookError as exc:
            return Rejected(student, str(exc))
        return Gradable(student, entry, content_hash(entry), topic)
    return Rejected(
        student,
        f"cannot grade a {entry.suffix or 'file without extension'}: "
        "expected a folder, a .zip or a topic .py",
    )
