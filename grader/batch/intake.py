"""Turn an instructor's submissions folder into one gradable submission per student (what an entry
may be, how an LMS download's files are put together, and what is refused or left out, with a
one-line reason: docs/instructors.md, "Grading a class" and "LMS files"). Zips are unpacked
defensively: links, absolute paths and ``..`` skipped, the expanded size checked before anything
is written.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from grader.base.options import SubmissionLimits
from grader.base.topics import TOPICS, single_file_topic
from grader.batch.answers import Kept, is_answer, keep, keep_folder
from grader.batch.lms import entry_name
from grader.batch.lms.base import LmsName
from grader.course.quota import decide
from grader.engine.sources import notebooks
from grader.engine.staging import folder_files, topic_files

MAX_ZIP_BYTES = 50 << 20
MAX_ZIP_MEMBERS = 2000
MAX_REASON = 300
AGAIN = "re-download or re-zip it"
# An LMS's resubmission ("losses-2.py") or a browser's second download ("losses (1).py").
RESUBMITTED = re.compile(r"^(?P<stem>.+?)(?:-(?P<number>\d{1,3})| \((?P<copy>\d{1,3})\))$")
HIDDEN = 'a hidden entry (its name starts with "."): not graded; rename it if it is a submission'


@dataclass(frozen=True)
class Gradable:
    student: str
    path: Path  # a folder, or a single .py file
    content_hash: str
    topic: str | None = None  # the topic a single .py file answers
    topics: tuple[str, ...] = ()  # the topics an LMS student's files answer (graded without --topic)
    notes: str = ""  # which of an LMS student's files were used: "losses.py: resubmission 1 used; late"
    kept: tuple[Kept, ...] = ()  # what else they handed in, for a person to read (never run)


@dataclass(frozen=True)
class Rejected:
    student: str
    reason: str
    kept: tuple[Kept, ...] = ()


@dataclass(frozen=True)
class Submission:
    """One student's entries of the submissions folder."""

    student: str
    entries: tuple[Path, ...]
    name: LmsName | None = None  # None: one entry in one of today's forms


@dataclass(frozen=True)
class _Candidate:
    """A file that answers ``topic``, and how it ranks against others for that topic."""

    topic: str
    path: Path
    original: str
    late: bool
    number: int  # resubmission number: 0 for the first upload


def entries(folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """The entries of a submissions folder to take, sorted, and (name, reason) of those left out."""
    taken, left_out = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            left_out.append((path.name, HIDDEN))
        else:
            taken.append(path)
    return taken, left_out


lms_name = entry_name  # the reading of a bulk download's entry name by the LMS that wrote it, or None


def resubmission(original: str) -> tuple[str, int]:
    """``losses-2.py``, ``losses (2).py`` -> (``losses.py``, 2); ``losses.py`` -> (``losses.py``, 0)."""
    path = PurePosixPath(original)
    found = RESUBMITTED.match(path.stem)
    return (found["stem"] + path.suffix, int(found["number"] or found["copy"])) if found else (original, 0)


def gather(entries: list[Path]) -> list[Submission]:
    """One submission per student: an LMS's entries of one student together, others one each."""
    groups: dict[object, list[Path]] = {}
    names: dict[object, LmsName] = {}
    for entry in entries:
        name = lms_name(entry.name)
        key: object = entry if name is None else (name.lms, name.user_id or name.person)
        groups.setdefault(key, []).append(entry)
        if name is not None:
            names.setdefault(key, name)
    return [
        Submission(
            "_".join(p for p in (names[key].person, names[key].user_id) if p), tuple(group), names[key]
        )
        if key in names
        else Submission(student_name(group[0]), tuple(group))
        for key, group in groups.items()
    ]


def student_name(entry: Path) -> str:
    return entry.stem if entry.is_file() else entry.name


def content_hash(path: Path) -> str:
    """sha256 over the Python files that grading reads (names and bytes)."""
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(folder_files(path))
    for file in files:
        name = file.name if file == path else file.relative_to(path).as_posix()
        digest.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def _safe_members(archive: zipfile.ZipFile, left_out: list[str]) -> list[zipfile.ZipInfo]:
    """The members to unpack; each one left out is added to ``left_out`` with the reason."""
    members = []
    for info in archive.infolist():
        name = PurePosixPath(info.filename)
        if info.is_dir():
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            left_out.append(f"{info.filename} (a link)")
        elif name.is_absolute() or ".." in name.parts:
            left_out.append(f"{info.filename} (a path outside the zip's folder)")
        else:
            members.append(info)
    return members


def one_line(text: str, limit: int = MAX_REASON) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


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
        # zlib's "Error -3 while decompressing data: invalid block type" -> "invalid block type"
        detail = str(exc).rsplit(": ", 1)[-1] or type(exc).__name__
        return f"the zip is damaged: member {name} does not decompress ({detail}); {AGAIN}"
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


def _unzip(archive_path: Path, target: Path, left_out: list[str]) -> str | None:
    """Extract the safe members (those left out are added to ``left_out``); return a reason
    when the archive is unusable."""
    try:
        archive = zipfile.ZipFile(archive_path)
    except Exception as exc:  # BadZipFile, OSError, struct.error, ...: any of them, one row
        return one_line(archive_problem(exc))
    with archive:
        members = _safe_members(archive, left_out)
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


def take(entry: Path, scratch: Path, topics: tuple[str, ...] = ()) -> Gradable | Rejected:
    """What to grade for ``entry`` (zips are unpacked under ``scratch``), or why not.

    Never raises for one entry's sake: whatever goes wrong becomes its :class:`Rejected`.
    """
    student = student_name(entry)
    try:
        return _take(entry=entry, student=student, scratch=scratch, topics=topics)
    except Exception as exc:  # an unreadable file, a scratch folder that cannot be written, ...
        return Rejected(student, one_line(f"this entry cannot be read ({type(exc).__name__}: {exc})"))


def _take(entry: Path, student: str, scratch: Path, topics: tuple[str, ...]) -> Gradable | Rejected:
    if entry.is_symlink():
        return Rejected(student, "a link, not a submission")
    if entry.is_dir():
        return _take_folder(entry, student)
    if entry.suffix == ".zip":
        return _take_zip(entry, student, scratch / student)
    if entry.suffix == ".py":
        return _take_module(entry, student, topics)
    if entry.suffix == ".ipynb":
        try:
            topic, _ = notebooks.topic_of(
                entry, notebooks.read(entry), topics[0] if len(topics) == 1 else None
            )
        except notebooks.NotebookError as exc:
            return Rejected(student, str(exc))
        return Gradable(student=student, path=entry, content_hash=content_hash(entry), topic=topic)
    return Rejected(
        student,
        f"cannot grade a {entry.suffix or 'file without extension'}: "
        "expected a folder, a .zip or a topic .py",
    )


def _take_folder(entry: Path, student: str) -> Gradable | Rejected:
    folder = _topic_folder(entry)
    kept = _kept(entry)
    if folder is None:
        why = f"no topic file ({', '.join(t + '.py' for t in TOPICS)}) in the folder"
        return Rejected(student, why, kept)
    return Gradable(student, folder, content_hash(folder), kept=kept)


def _take_zip(entry: Path, student: str, target: Path) -> Gradable | Rejected:
    target.mkdir(parents=True)
    left_out: list[str] = []
    reason = _unzip(entry, target, left_out)
    if reason:
        shutil.rmtree(target, ignore_errors=True)
        return Rejected(student, reason)
    folder = _topic_folder(target)
    kept = _kept(target)
    if folder is None:
        return Rejected(student, "no topic file in the zip", kept)
    notes = one_line(f"left out of the zip: {'; '.join(left_out)}") if left_out else ""
    return Gradable(student, folder, content_hash(folder), notes=notes, kept=kept)


def _take_module(entry: Path, student: str, topics: tuple[str, ...]) -> Gradable | Rejected:
    try:
        entry.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return Rejected(student, "not a Python source file (binary content)")
    topic = single_file_topic(PurePosixPath(resubmission(entry.name)[0]).stem, topics)
    if topic is None:
        return Rejected(
            student,
            "cannot tell which topic this file answers: name it <student>_<topic>.py or pass one --topic",
        )
    return Gradable(student=student, path=entry, content_hash=content_hash(entry), topic=topic)


def _kept(root: Path) -> tuple[Kept, ...]:
    """The answer files of a folder entry or an unpacked zip (those over the caps left out)."""
    kept: list[Kept] = []
    keep_folder(root, "", kept, [])
    return tuple(kept)


def take_submission(
    submission: Submission,
    scratch: Path,
    topics: tuple[str, ...] = (),
    limits: SubmissionLimits | None = None,
) -> Gradable | Rejected:
    """What to grade for one student (see :func:`take`); an LMS student's files become one folder,
    of the uploads that count under the assignment's submission ``limits``."""
    if submission.name is None:
        item = take(submission.entries[0], scratch, topics)
        return item if item.student == submission.student else replace(item, student=submission.student)
    student = hashlib.sha256(submission.student.encode()).hexdigest()[:12]  # a team's: once per member
    target = scratch / "lms" / f"{submission.name.lms}_{student}"
    try:
        return _take_files(submission, target, topics, limits or SubmissionLimits())
    except Exception as exc:  # an unreadable file, a scratch folder that cannot be written, ...
        return Rejected(
            submission.student, one_line(f"these files cannot be read ({type(exc).__name__}: {exc})")
        )


def _pieces(entries: tuple[Path, ...]) -> Iterator[tuple[Path, str, bool]]:
    """(path, the student's name for it, late) of each file; a Moodle folder gives its files."""
    for entry in entries:
        name = lms_name(entry.name)
        late = bool(name and name.late)
        if entry.is_dir() and not entry.is_symlink():
            yield from ((p, p.name, late) for p in sorted(entry.iterdir()))
        else:
            yield entry, (name.original if name else "") or entry.name, late


def _candidates(
    path: Path, original: str, late: bool, work: Path, topics: tuple[str, ...], left_out: list[str]
) -> list[_Candidate] | str:
    """The topic files in one piece of a student's upload, or why it holds none; zip members
    left out are added to ``left_out``."""
    plain, number = resubmission(original)
    suffix = PurePosixPath(plain).suffix.lower()
    if original.startswith("."):
        return f"{original}: a hidden file"
    if path.is_symlink():
        return f"{original}: a link"
    if not path.is_dir() and suffix == ".py":
        return _module_candidate(path, original, plain, late, number, topics)
    if not path.is_dir() and suffix == ".ipynb":
        return _notebook_candidate(path, original, plain, late, number, work, topics)
    if not path.is_dir() and suffix != ".zip":
        return f"{original}: not a .py, .zip or notebook"
    if path.is_dir():
        folder = _topic_folder(path)
    else:
        work.mkdir(parents=True)
        reason = _unzip(path, work, left_out)
        if reason:
            return f"{original}: {reason}"
        folder = _topic_folder(work)
    if folder is None:
        return f"{original}: no topic file in it"
    return [
        _Candidate(topic=t, path=folder / f"{t}.py", original=f"{original}/{t}.py", late=late, number=number)
        for t in topic_files(folder)
    ]


def _module_candidate(
    path: Path, original: str, plain: str, late: bool, number: int, topics: tuple[str, ...]
) -> list[_Candidate] | str:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return f"{original}: binary content"
    topic = single_file_topic(PurePosixPath(plain).stem, topics)
    if not topic:
        return f"{original}: no topic in its name"
    return [_Candidate(topic=topic, path=path, original=original, late=late, number=number)]


def _notebook_candidate(
    path: Path, original: str, plain: str, late: bool, number: int, work: Path, topics: tuple[str, ...]
) -> list[_Candidate] | str:
    try:
        notebook = notebooks.read(path)
        topic, _ = notebooks.topic_of(Path(plain), notebook, topics[0] if len(topics) == 1 else None)
    except notebooks.NotebookError as exc:
        return str(exc)
    work.mkdir(parents=True)
    (work / f"{topic}.py").write_text(notebooks.to_module(notebook).source)
    return [_Candidate(topic=topic, path=work / f"{topic}.py", original=original, late=late, number=number)]


def _choose(found: list[_Candidate], limits: SubmissionLimits) -> tuple[list[_Candidate], list[str]]:
    """For each topic the latest file (late beats on time, then the resubmission number) that
    counts under the assignment's ``limits`` (grader/course/quota.py: the uploads of a file count in
    that order, their times unknown), and notes."""
    chosen, notes = [], []
    for topic in TOPICS:
        ranked = sorted((c for c in found if c.topic == topic), key=lambda c: (c.late, c.number))
        if not ranked:
            continue  # stable sort: a tie, the last listed
        counted: list[_Candidate] = []
        for candidate in ranked:
            if decide(limits, [None] * len(counted), None).counts:
                counted.append(candidate)
        best, over = counted[-1], ranked[len(counted) :]
        chosen.append(best)
        said = [f"resubmission {best.number} used"] if best.number else []
        said += ["late"] if best.late else []
        others = [c.original for c in counted[:-1]]
        said += [f"instead of {', '.join(others)}"] if others else []
        said += (
            [
                f"not graded, over the assignment's {limits.max_submissions}: {', '.join(c.original for c in over)}"
            ]
            if over
            else []
        )
        notes += [f"{topic}.py: {'; '.join(said)}"] if said else []
    return chosen, notes


def _take_files(
    submission: Submission, target: Path, topics: tuple[str, ...], limits: SubmissionLimits
) -> Gradable | Rejected:
    found: list[_Candidate] = []
    ignored: list[str] = []
    kept: list[Kept] = []
    for n, (path, original, late) in enumerate(_pieces(submission.entries)):
        work = target / "unpacked" / str(n)
        if path.is_file() and is_answer(original):
            keep(path, original, kept, ignored)  # a written answer, a report: read, never run
            continue
        result = _candidates(
            path=path, original=original, late=late, work=work, topics=topics, left_out=ignored
        )
        if isinstance(result, str):
            ignored.append(result)
        else:
            found += result
        for root in (path, work):  # what else a folder or a zip held
            if root.is_dir() and not root.is_symlink():
                keep_folder(root, original, kept, ignored)
    if not found:
        why = "; ".join(ignored) or "no files"
        if kept:
            why = f"{'; '.join(ignored)}{'; ' if ignored else ''}kept to read: {', '.join(k.name for k in kept)}"
        return Rejected(
            submission.student, one_line(f"no topic file among the student's files: {why}"), tuple(kept)
        )
    chosen, notes = _choose(found, limits)
    folder = target / "submission"
    folder.mkdir(parents=True)
    for candidate in chosen:
        shutil.copyfile(candidate.path, folder / f"{candidate.topic}.py")
    notes += [f"ignored {'; '.join(ignored)}"] if ignored else []
    return Gradable(
        submission.student,
        folder,
        content_hash(folder),
        topics=tuple(c.topic for c in chosen),
        notes=one_line("; ".join(notes)),
        kept=tuple(kept),
    )
