"""The manifest: everything a grade may read, declared once; every consumer's key is made here.

A topic's own files (:func:`own`) and what every topic shares (:func:`shared`; the libraries'
versions: :func:`libraries`), as docs/design.md, "What a grade reads", lists them; Python's version
is the consumers' own part of their keys. The one home of the digest of grading inputs
(:func:`digest`, :func:`key`; a test holds that no other module hashes them), read by every
consumer that design.md names (the warm engine through :func:`signature`; a release's and an
autograder's files through :func:`grader.base.packs.data_files` and :func:`datasets`). Light to import
(the warm engine's client).
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from grader.base.checkout import REPO_ROOT, datasets_dir, suites_dir
from grader.sandboxed.subset_members import SNAPSHOT as MEMBERS

# typing's TYPE_CHECKING without importing typing (~4 ms of the warm engine's client, which
# lists grader/ with tree_names); mypy reads any name TYPE_CHECKING as True
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    class Pack(Protocol):
        """What this module reads of a :class:`grader.base.packs.Pack` (which imports this module)."""

        @property
        def root(self) -> Path: ...
        @property
        def hints(self) -> Path: ...

    class Topic(Protocol):
        """What this module reads of a :class:`grader.base.packs.Topic`: where its pack declares its files."""

        @property
        def name(self) -> str: ...
        @property
        def pack(self) -> Pack: ...
        @property
        def stub(self) -> Path: ...
        @property
        def solution(self) -> Path: ...
        @property
        def suite(self) -> Path: ...
        @property
        def domains(self) -> Path: ...
        @property
        def answers(self) -> Path: ...
        @property
        def held_out(self) -> Path: ...
        @property
        def held_out_data(self) -> Path: ...
        @property
        def reads(self) -> tuple[Path, ...]: ...


SKIPPED = ("__pycache__",)  # what Python writes beside the sources: no part of a grade
SUITE_HELPERS = (".py", ".ini", ".cfg")  # the suites folder's files besides the suites
# the suites folder's files that are one topic's own besides its suite (:func:`own`), and the
# author's marks of equivalent mutants (``grade author``'s, read by no grade): no topic shares them
TOPIC_DATA = ("domains_", "answers_", "held_out_")
AUTHOR_FILES = ("mutants_",)
# the libraries a grade imports besides those the member list allows (:func:`libraries`): the
# test runner and its timeout
RUNNER = ("_pytest", "pytest_timeout")
VERSION_FILES = ("version.py", "_version.py")  # where a package writes its version


def tree_names(folder: Path) -> list[str]:
    """Every file under ``folder`` (none where it is missing) as path strings, Python's caches
    never entered (the warm engine lists grader/ at each command, where making a Path of each
    file was most of the listing's cost)."""
    found: list[str] = []
    _files_under(os.fspath(folder), found)
    return sorted(found)


def _files_under(folder: str, found: list[str]) -> None:
    """Add the files under ``folder`` to ``found``, as ``os.walk`` and ``os.path.isfile`` would
    (a link to a file is listed, a link to a folder neither listed nor entered), from each entry's
    own type: no ``stat`` but a link's."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:  # missing, or unreadable: as os.walk, nothing from it
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and entry.name not in SKIPPED:
            _files_under(entry.path, found)
        elif entry.is_file():
            found.append(entry.path)


def hints(topic: Topic) -> list[Path]:
    """``topic``'s hints in its pack: ``<hints>/<topic>.md`` and each ``<hints>/<lang>/<topic>.md``."""
    folder, name = topic.pack.hints, f"{topic.name}.md"
    return [p for p in [folder / name, *sorted(folder.glob(f"*/{name}"))] if p.is_file()]


def own(topic: Topic) -> dict[str, list[Path]]:
    """{kind: files} of ``topic``'s own dependencies (a kind's files may be absent: none yet)."""
    return {
        "stub": [topic.stub],
        "reference": [topic.solution],
        "suite": [topic.suite],
        "domains": [topic.domains],
        "answers": [topic.answers],
        "held_out": [topic.held_out, topic.held_out_data],  # grader/checks/held_out.py
        "hints": hints(topic),
        "pack": [topic.pack.root / "pack.toml"],
        "reads": list(topic.reads),  # what pack.toml declares the topic reads besides
    }


def datasets() -> list[Path]:
    """The shipped datasets' ``SHA256SUMS`` and every file it lists (checked against it on reading)."""
    sums = datasets_dir() / "SHA256SUMS"
    try:
        lines = sums.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [sums, *(datasets_dir() / line.split()[-1] for line in lines if line.strip())]


_allowed: dict[Stamp, list[str]] = {}


def libraries() -> list[str]:
    """The installed libraries a grade imports: the test runner's and every one the member list allows a
    member of (numpy beside torch), not the standard library (Python's version is in every key)."""
    info = os.stat(MEMBERS)
    if stamp(info) not in _allowed:
        with open(MEMBERS, encoding="utf-8") as listing:
            tops = {line.split(".", 1)[0].split("\t", 1)[0] for line in listing if line[0] != "#"}
        _allowed[stamp(info)] = sorted(tops - set(sys.stdlib_module_names))
    return [*RUNNER, *_allowed[stamp(info)]]


_version_files: dict[str, Path] = {}  # a library -> where its version is written, once found


def versions() -> list[Path]:
    """Each of :func:`libraries`' version file, its module where it has none: found, not imported,
    once a process (a reinstall rewrites the file there: another stamp, another key)."""
    import importlib.util

    for package in (p for p in libraries() if p not in _version_files):
        spec = importlib.util.find_spec(package)
        if spec is None:
            continue
        named = [Path(f) / v for f in spec.submodule_search_locations or [] for v in VERSION_FILES]
        named += [Path(spec.origin)] if spec.origin else []
        kept = next((p for p in named if p.is_file()), None)
        if kept:
            _version_files[package] = kept
    return [_version_files[p] for p in libraries() if p in _version_files]


def shared(topics: Iterable[Topic]) -> dict[str, Sequence[str | os.PathLike[str]]]:
    """{kind: files} that every one of ``topics`` depends on (their packs' catalogues among them)."""
    folder = suites_dir()
    helpers = [
        p
        for p in sorted(folder.glob("*"))
        if p.suffix in SUITE_HELPERS and not p.name.startswith(("suite_", *TOPIC_DATA, *AUTHOR_FILES))
    ]
    roots = sorted({t.pack.root for t in topics})
    return {
        "suites": helpers,
        "grader": tree_names(REPO_ROOT / "grader"),
        "catalogues": [p for root in roots for p in tree_names(root / "locale")],
        "datasets": datasets(),
        "versions": versions(),
    }


Kinds = Mapping[str, Sequence[str | os.PathLike[str]]]  # {kind: files}, as own() and shared() say


def listed(kinds: Iterable[Kinds]) -> list[str]:
    """The files ``kinds`` name, each once, as path strings in a stable order."""
    return sorted({os.fspath(path) for found in kinds for paths in found.values() for path in paths})


def present(*kinds: Kinds) -> list[str]:
    """The files of ``kinds`` that exist (one that appears or goes changes the list)."""
    return [p for p in listed(kinds) if os.path.isfile(p)]


Stamp = tuple[int, int, int, int]  # what a file's stat tells of its content: :func:`stamp`
Signature = tuple[tuple[str, Stamp], ...]


def stamp(info: os.stat_result) -> Stamp:
    """What a file's ``stat`` says of its content without reading a byte: its inode, its inode's
    change time, its modification time and its size. Not the last two alone: ``cp -p``, ``rsync
    -t`` and ``tar x`` put them back over other bytes; nothing but the kernel sets the change time,
    and a file replaced by a rename is another inode."""
    return info.st_ino, info.st_ctime_ns, info.st_mtime_ns, info.st_size


def signature(topics: Iterable[Topic]) -> Signature:
    """(path, :func:`stamp`) of every file that any of ``topics``' grades depends on and that
    exists (:func:`present`'s list, each file stat'ed once), but the stubs: a changed file is
    another signature, without reading a byte (the warm engine asks at each request). A stub is
    the learner's own file in a checkout (``exercises/`` edited in place), read at each request
    and never held: each save would end the engine."""
    chosen = list(topics)
    stubs = {os.fspath(topic.stub) for topic in chosen}
    return stamps(p for p in listed([*(own(t) for t in chosen), shared(chosen)]) if p not in stubs)


def stamps(paths: Iterable[str | os.PathLike[str]]) -> Signature:
    """(path, :func:`stamp`) of each of ``paths`` that is a file (an absent one left out, as
    :func:`present` leaves it): what a process's memo of their contents is kept under."""
    found = []
    for path in (os.fspath(p) for p in paths):
        try:
            info = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found.append((path, stamp(info)))
    return tuple(found)


_hashed: dict[Signature, str] = {}


def _portable(path: str) -> str:
    """``path`` as a digest names it: relative to the checkout where it is inside it, else its
    folder and name (a pack elsewhere, torch's version file): the same on every machine of a class
    (the Dask workers compare the key with their coordinator's)."""
    relative = os.path.relpath(path, REPO_ROOT)
    return relative if not relative.startswith("..") else os.path.join(*Path(path).parts[-2:])


def digest(paths: Sequence[str]) -> str:
    """The hash of ``paths``' names (:func:`_portable`) and bytes, in the order of their names; hashed again
    in this process only when a file's :func:`stamp` changed (``grade watch``, the warm engine): the shared
    files once for every topic. Raises OSError for a file that cannot be read."""
    signature = tuple((p, stamp(os.stat(p))) for p in paths)
    if signature not in _hashed:
        hashed = hashlib.sha256()
        for name, path in sorted((_portable(p), p) for p in paths):
            hashed.update(f"{name}\0".encode())
            with open(path, "rb") as file:
                hashed.update(file.read())
        _hashed[signature] = hashed.hexdigest()
    return _hashed[signature]


def own_key(files: Sequence[str], shared_digest: str, *parts: str) -> str:
    """The key of ``files`` (a topic's own) beside the shared files' :func:`digest`, Python's version
    and ``parts`` (what a consumer adds of its own: a name, a version, an option); raises OSError
    where a file cannot be read."""
    return hashlib.sha256("\0".join((*parts, sys.version, digest(files), shared_digest)).encode()).hexdigest()


def kind_digests(topics: Iterable[Topic]) -> dict[str, str]:
    """{input: :func:`digest`} of each kind of ``topics``' manifest (``<topic> <kind>`` for a
    topic's own, the kind's name for a shared one): what tells which input moved between two
    keys (``grade batch --explain``); raises OSError where a file cannot be read."""
    chosen = list(topics)
    found = {
        f"{t.name} {kind}": digest(present({kind: files})) for t in chosen for kind, files in own(t).items()
    }
    return found | {kind: digest(present({kind: files})) for kind, files in shared(chosen).items()}


def key(topics: Iterable[Topic], *parts: str) -> str:
    """The key of every file ``topics``' grades read, their own and the shared ones (a class's
    gradebook, a held-out board); raises OSError where a file cannot be read."""
    chosen = list(topics)
    return own_key(present(*(own(t) for t in chosen)), digest(present(shared(chosen))), *parts)
