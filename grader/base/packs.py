"""Exercise packs: course content as data, outside the engine (what a pack holds, how a course
names one and what of it is trusted: docs/authors.md, "A pack"). The nine built-in topics are the
first pack (``tests/suites/pack.toml``); ``TORCHGRADE_PACKS`` separates folders by ``os.pathsep``.
Light to import: read by :mod:`grader.base.topics` at start-up.
"""

from __future__ import annotations

import functools
import os
import posixpath
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.base import defaults, depends
from grader.base.checkout import REPO_ROOT, suites_dir
from grader.base.keys import N_, Key, Table, declared, find, keyed, names, setting

if sys.version_info >= (3, 11):
    import tomllib
else:  # the backport, a dependency on 3.10 only
    import tomli as tomllib

BUILT_IN = REPO_ROOT / "tests" / "suites"
PACKS_ENV = "TORCHGRADE_PACKS"
COURSE_FILE = REPO_ROOT / "course.toml"
# pack.toml's keys (docs/authors.md's tables are drawn from them: grader/keys_docs.py)
PACK_KEYS: Table = (
    Key("name", "string", N_("the pack's name"), shown=N_("its folder's name")),
    Key("stubs", "string", N_("the folder of the stubs, `<topic>.py`"), "exercises"),
    Key("references", "string", N_("the folder of the reference solutions, `<topic>.py`"), "solutions"),
    Key("suites", "string", N_("the folder of the suites, domains, answers and held-out sets"), "."),
    Key(
        "hints",
        "string",
        N_("the folder of the hints, `<topic>.md` (translated: `<lang>/<topic>.md`)"),
        "hints",
    ),
    Key("topics", "array of tables", N_("the pack's topics, one `[[topics]]` table each (at least one)")),
)
FOLDERS = {key.name: key.default for key in PACK_KEYS if key.kind == "string" and key.default is not None}


class PackError(ValueError):
    """A pack cannot be used; the message names its file and the key, on one line."""


@dataclass(frozen=True)
class Topic:
    """One topic of a pack, a ``[[topics]]`` table: its fields made by :func:`setting` are the
    table's keys (:data:`TOPIC_KEYS`), the others where its pack keeps its files."""

    name: str = field(
        metadata=keyed("string", N_("the topic's name: its stub's, suite's and hints' file name"))
    )
    exercises: tuple[str, ...] = field(
        metadata=keyed("list of strings", N_("the stub's public functions and classes, in the file's order"))
    )
    pack: Pack
    stub: Path
    solution: Path  # the reference
    # its domains and answers stay in the pack's own folder where TORCHGRADE_SUITES points the
    # built-in suites elsewhere (a test's or an instructor's own suites)
    domains: Path
    answers: Path
    # topics are handed out longest first
    seconds: float = setting(
        "number", N_("the reference's seconds in one warm grading process (longest first)"), 1.0
    )
    probe_cpu_seconds: float | None = setting(  # None: defaults.PROBE_CPU_SECONDS
        "number",
        N_(
            "CPU seconds one probe may use, where all of them do little work (at least 10x the reference's most)"
        ),
        shown=f"`{defaults.PROBE_CPU_SECONDS:g}` (grader/base/defaults.py)",
    )
    # a run of such topics starts a zygote without sympy (grader/engine/worker/sympy_need.py;
    # tests/grader/test_sympy_need.py holds the suite to it)
    sympy_free: bool = setting(
        "boolean",
        N_("its probes never hand autograd a gradient (`y.backward(g)`): a zygote without sympy"),
        False,
    )
    # in its grade's manifest (grader/base/depends.py); any other file of those folders cannot be
    # imported nor read while a suite runs (grader/engine/suites/declared.py)
    reads: tuple[Path, ...] = setting(
        "list of strings",
        N_(
            "the files its suite reads besides its own (a helper module, a data file), in the pack's "
            "folder or in a folder beside it that packs share"
        ),
        (),
    )

    @property
    def suite(self) -> Path:
        return self.pack.suites / f"suite_{self.name}.py"

    @property
    def held_out(self) -> Path:
        """Its held-out sets' declaration (grader/checks/held_out.py), beside its domains."""
        return self.domains.with_name(f"held_out_{self.name}.py")

    @property
    def held_out_data(self) -> Path:
        """Its held-out sets' inputs and labels: the autograder's, never a release's."""
        return self.domains.with_name(f"held_out_{self.name}.pt")

    @property
    def equivalent_mutants(self) -> Path:
        """The ids of the reference's mutants its author marked equivalent (``grade author validate``),
        in the pack's own folder (as its domains)."""
        return self.pack.suites_folder / f"mutants_{self.name}.txt"


@dataclass(frozen=True)
class Pack:
    name: str
    root: Path
    stubs: Path
    references: Path
    suites_folder: Path
    hints: Path

    @property
    def built_in(self) -> bool:
        return self.root == _built_in_root()

    @property
    def suites(self) -> Path:
        """Where the suites are: the built-in pack's may be elsewhere (``TORCHGRADE_SUITES``)."""
        return suites_dir() if self.built_in else self.suites_folder


TOPIC_KEYS: Table = declared(Topic)  # a [[topics]] table's keys


@functools.cache
def _built_in_root() -> Path:
    """The built-in pack's folder, resolved once a process (each suite's path asks)."""
    return BUILT_IN.resolve()


def _fail(path: Path, key: str, problem: str) -> PackError:
    return PackError(f"{path}: {key}: {problem}")


def _checked(path: Path, where: str, table: dict[str, Any], declared: Table, what: str) -> dict[str, Any]:
    """``table``'s values, every key declared and of its declared type, the declared defaults
    filled in; else a :class:`PackError` naming the key."""
    for name, value in table.items():
        if name not in names(declared):
            raise _fail(path, f"{where}{name}", f"not a key of {what} ({', '.join(names(declared))})")
        key = find(declared, name)
        if not isinstance(value, key.accepts) or isinstance(value, bool) != (key.kind == "boolean"):
            raise _fail(path, f"{where}{name}", f"expected {key.kind} ({key.about})")
    return {key.name: table.get(key.name, key.default) for key in declared}


def _topic(path: Path, entry: Any, pack: Pack) -> Topic:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise _fail(path, "topics", "each [[topics]] needs a name")
    name = entry["name"]
    found = _checked(path, f"topics.{name}.", entry, TOPIC_KEYS, "a topic")
    exercises = found["exercises"]
    if not exercises or not all(isinstance(n, str) for n in exercises):
        raise _fail(path, f"topics.{name}.exercises", "a list of the stub's public names")
    seconds, cpu = found["seconds"], found["probe_cpu_seconds"]
    for key, value in (("seconds", seconds), ("probe_cpu_seconds", cpu if cpu is not None else 1.0)):
        if value <= 0:
            raise _fail(path, f"topics.{name}.{key}", "a positive number")
    return Topic(
        name,
        tuple(exercises),
        pack,
        seconds=float(seconds),
        stub=pack.stubs / f"{name}.py",
        solution=pack.references / f"{name}.py",
        domains=pack.suites_folder / f"domains_{name}.py",
        answers=pack.suites_folder / f"answers_{name}.pt",
        probe_cpu_seconds=None if cpu is None else float(cpu),
        sympy_free=found["sympy_free"],
        reads=_reads(path, f"topics.{name}.reads", found["reads"] or [], pack),
    )


def _reads(path: Path, key: str, listed: Any, pack: Pack) -> tuple[Path, ...]:
    """pack.toml's ``reads``: files of the pack's folder or of a folder beside it (a helper that
    packs share), each there (a grade reads nothing else)."""
    if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
        raise _fail(path, key, "a list of paths relative to the pack's folder")
    found = []
    for name in listed:
        file = (pack.root / name).resolve()
        beside = file.is_relative_to(pack.root.parent) and file.parent != pack.root.parent
        if not (file.is_relative_to(pack.root) or beside) or not file.is_file():
            raise _fail(path, key, f"{name!r} is not a file of the pack's folder or of one beside it")
        found.append(file)
    return tuple(found)


def read_pack(root: Path) -> tuple[Pack, tuple[Topic, ...]]:
    """The pack in folder ``root`` and its topics, from its ``pack.toml``."""
    path = root / "pack.toml"
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PackError(f"{path}: {error}") from None
    found = _checked(path, "", table, PACK_KEYS, "pack.toml")
    folders = {key: (root / str(found[key])).resolve() for key in FOLDERS}
    pack = Pack(
        str(found["name"] or root.name),
        root.resolve(),
        folders["stubs"],
        folders["references"],
        folders["suites"],
        folders["hints"],
    )
    entries = table.get("topics")
    if not isinstance(entries, list) or not entries:
        raise _fail(path, "topics", "at least one [[topics]] table")
    return pack, tuple(_topic(path, entry, pack) for entry in entries)


def named_packs() -> list[Path]:
    """The folders of the packs this checkout's course names: ``course.toml``'s ``packs``, then
    ``TORCHGRADE_PACKS``'s (relative to the checkout)."""
    folders: list[Path] = []
    if COURSE_FILE.is_file():
        try:
            listed = tomllib.loads(COURSE_FILE.read_text(encoding="utf-8")).get("course", {}).get("packs", [])
        except tomllib.TOMLDecodeError:
            listed = []  # load_course says what is wrong with it, where a command reads it
        folders += [COURSE_FILE.parent / str(p) for p in listed if isinstance(p, str)]
    # relative to the checkout, as every process of a run (the warm engine too) reads it alike
    folders += [REPO_ROOT / p for p in os.environ.get(PACKS_ENV, "").split(os.pathsep) if p]
    return folders


def course_packs(argv: list[str]) -> None:
    """Name the packs of the course file that ``argv``'s ``--course FILE`` gives (``packs``, relative
    to that file, wherever it is) in :data:`PACKS_ENV`, before the manifest is read (the command
    line is parsed after it) and for every process the command starts. Its mistakes are said
    where the command reads the file (grader/course/toml.py)."""
    found = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--course"]
    found += [arg.split("=", 1)[1] for arg in argv if arg.startswith("--course=")]
    folders: list[str] = []
    for name in found:
        path = Path(name).resolve()
        try:
            listed = tomllib.loads(path.read_text(encoding="utf-8")).get("course", {}).get("packs", [])
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
            continue
        folders += (
            [str(path.parent / p) for p in listed if isinstance(p, str)] if isinstance(listed, list) else []
        )
    if folders:
        os.environ[PACKS_ENV] = os.pathsep.join(
            [*filter(None, os.environ.get(PACKS_ENV, "").split(os.pathsep)), *folders]
        )


def all_topics() -> tuple[Topic, ...]:
    """Every topic: the built-in pack's in teaching order, then each named pack's. A topic's name
    is its key everywhere (a submission's file, a suite, a course's ``topic.exercise``), so two
    packs may not declare the same one."""
    found: list[Topic] = []
    seen: set[Path] = set()
    for root in [BUILT_IN, *named_packs()]:
        if root.resolve() in seen or root == BUILT_IN and not (root / "pack.toml").is_file():
            continue  # a wheel holds the grader only: topics.install_problem() says so
        seen.add(root.resolve())
        for topic in read_pack(root)[1]:
            if any(t.name == topic.name for t in found):
                raise _fail(root / "pack.toml", "topics", f"topic {topic.name!r} is declared twice")
            found.append(topic)
    return tuple(found)


def flattened_toml(topics: tuple[Topic, ...]) -> str:
    """A ``pack.toml`` for a student release or an autograder, where every topic's files sit in
    the built-in pack's folders (``exercises/``, ``tests/suites/``, ``hints/``): the built-in
    pack's topics, then ``topics`` of other packs."""
    chosen = [*read_pack(BUILT_IN)[1], *(t for t in topics if not t.pack.built_in)]
    lines = ['name = "torchgrade"', 'stubs = "../../exercises"', 'references = "../../solutions"']
    lines += ['suites = "."', 'hints = "../../hints"']
    for topic in chosen:
        names = ", ".join(f'"{name}"' for name in topic.exercises)
        lines += [
            "",
            "[[topics]]",
            f'name = "{topic.name}"',
            f"seconds = {topic.seconds}",
            f"exercises = [{names}]",
        ]
        lines += [f"probe_cpu_seconds = {topic.probe_cpu_seconds}"] if topic.probe_cpu_seconds else []
        lines += ["sympy_free = true"] if topic.sympy_free else []
        reads = ", ".join(f'"{where}"' for where in read_files(topic))
        lines += [f"reads = [{reads}]"] if reads else []
    return "\n".join(lines) + "\n"


def read_files(topic: Topic) -> dict[str, Path]:
    """{path relative to the pack's folder: the file} of what ``topic`` declares it reads (a
    shared helper's ``../shared/...``): where a release or an autograder puts them, relative to
    its suite (its ``reads`` name them so again)."""
    return {Path(os.path.relpath(path, topic.pack.root)).as_posix(): path for path in topic.reads}


def data_files(topic: Topic, languages: tuple[str, ...]) -> dict[str, Path]:
    """{path in a release or an autograder: the file here} of ``topic``'s domains, answers, the
    files it declares it reads (:func:`read_files`) and hints, and of its pack's compiled catalogues and its docstrings' translations (in each of
    ``languages`` it has), wherever its pack keeps them."""
    kinds = depends.own(topic)  # what its grade depends on: the release ships the same files
    found = {f"tests/suites/{path.name}": path for path in kinds["domains"] + kinds["answers"]}
    found |= {posixpath.normpath(f"tests/suites/{where}"): path for where, path in read_files(topic).items()}
    for hint in kinds["hints"]:
        where = hint.relative_to(topic.pack.hints)
        if len(where.parts) == 1 or where.parts[0] in languages and where.parts[0] != "en":
            found[f"hints/{where.as_posix()}"] = hint
    for lang in (lang for lang in languages if lang != "en"):
        locale = topic.pack.root / "locale" / lang
        for path in [
            *sorted((locale / "LC_MESSAGES").glob("*.mo")),
            locale / "docstrings" / f"{topic.name}.md",
        ]:
            found[f"tests/suites/locale/{lang}/{path.relative_to(locale).as_posix()}"] = path
    return {where: path for where, path in found.items() if path.is_file()}


def pack_files(topic: Topic, languages: tuple[str, ...]) -> dict[str, Path]:
    """What an autograder needs of ``topic`` beyond the built-in folders it ships: a course pack's
    stub, suite and :func:`data_files`; a built-in topic's domains and answers; its held-out sets
    (which :func:`data_files`, a release's, never holds)."""
    held_out = {
        f"tests/suites/{path.name}": path for path in depends.own(topic)["held_out"] if path.is_file()
    }
    found = {**data_files(topic, languages), **held_out}
    if topic.pack.built_in:
        return {where: path for where, path in found.items() if where.startswith("tests/")}
    own = {f"exercises/{topic.name}.py": topic.stub, f"tests/suites/suite_{topic.name}.py": topic.suite}
    return {**{where: path for where, path in own.items() if path.is_file()}, **found}
