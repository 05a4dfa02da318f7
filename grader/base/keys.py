"""Every setting declared once: a key of pack.toml or course.toml (:class:`Key`) and a
``TORCHGRADE_*`` variable (:data:`VARIABLES`), each with its type, default and description, which
their readers and the docs' tables read (docs/settings.md). A description an author or a learner
reads is marked ``N_()`` for the catalogue. Imports nothing of grader: the packs' reader, at the
bottom of the layers, reads it.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from typing import Any, Union, get_args, get_origin, get_type_hints

# How a key's type is written in the docs, and the Python types of TOML's values it accepts
TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "whole number": (int,),
    "boolean": (bool,),
    "list of strings": (list,),
    "table": (dict,),
    "array of tables": (list,),
    "date": (str,),  # or a TOML datetime: read by grader.course.toml.parse_time
    "string or whole number": (str, int),
}


def N_(message: str) -> str:
    """Marks a description for the catalogue (as grader.base.i18n.N_; this module imports no grader)."""
    return message


class Kept(str):
    """Why the instructor keeps a field off a hand-out (grader/course/projections.py); a plain string
    says where the hand-out carries it."""


def both(word: str) -> tuple[str, str]:
    """The same word for both hand-outs (:attr:`Key.carried`)."""
    return (word, word)


@dataclass(frozen=True)
class Key:
    """One key of a table: its name, type (a key of :data:`TYPES`), default (None: none, or
    required) and description; ``shown`` words a default the docs cannot show as a value;
    ``choices``, the only values it takes; ``carried``, where a student release and the
    Gradescope zip carry the field it fills, or (:class:`Kept`) why the instructor keeps it;
    ``field``, that field's name (its reader's attribute) where it is not the key's."""

    name: str
    kind: str
    about: str
    default: Any = None
    shown: str = ""
    choices: tuple[str, ...] = ()
    carried: tuple[str, str] = ("", "")
    field: str = ""

    @property
    def attribute(self) -> str:
        return self.field or self.name

    @property
    def described(self) -> str:
        """Its description, with its choices."""
        if not self.choices:
            return self.about
        return f"{self.about}: one of {', '.join(f'`{c}`' for c in self.choices)}"

    @property
    def accepts(self) -> tuple[type, ...]:
        return TYPES[self.kind]

    @property
    def default_text(self) -> str:
        """The default as the docs' table shows it."""
        if self.shown:
            return self.shown
        if self.default is None:
            return "—"
        if is_dataclass(self.default):
            return "its keys' defaults"
        if isinstance(self.default, bool):
            return f"`{str(self.default).lower()}`"
        if isinstance(self.default, str):
            return f'`"{self.default}"`'
        if isinstance(self.default, tuple):
            return f"`{list(self.default)!r}`"
        return f"`{self.default!r}`" if not isinstance(self.default, float) else f"`{self.default:g}`"


Table = tuple[Key, ...]


def names(table: Table) -> tuple[str, ...]:
    return tuple(key.name for key in table)


def find(table: Table, name: str) -> Key:
    return next(key for key in table if key.name == name)


def setting(kind: str, about: str, default: Any = None, *, key: str = "", **more: Any) -> Any:
    """A dataclass field that is also a key of its table (:func:`declared`), ``key`` where the
    key's name is not the field's; the key's default is the field's (a list or a table, each
    instance its own). ``more``: :class:`Key`'s other words."""
    declared = keyed(kind, about, default, key=key, **more)
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=declared)
    return field(default=default, metadata=declared)


def keyed(kind: str, about: str, default: Any = None, *, key: str = "", **more: Any) -> dict[str, Key]:
    """The metadata that makes a dataclass field a key (``field(metadata=keyed(...))``: a key
    the field has no default for, one a table must give)."""
    return {"key": Key(key, kind, about, default, **more)}


def declared(record: type) -> Table:
    """The table a dataclass declares: a :class:`Key` for each field made by :func:`setting`."""
    return tuple(
        replace(f.metadata["key"], name=f.metadata["key"].name or f.name, field=f.name)
        for f in fields(record)
        if "key" in f.metadata
    )


def off_choices(record: type, values: Mapping[str, Any]) -> str:
    """The first of ``values`` (``record``'s fields by name, and those of a dataclass among them)
    that is not one of its key's declared choices, said; "" where none."""
    for key in declared(record):
        got = values.get(key.attribute)
        if key.choices and got is not None and got not in key.choices:
            return f"{key.name} must be one of {', '.join(key.choices)}, not {got!r}"
        inner = off_choices(type(got), vars(got)) if is_dataclass(got) else ""
        if inner:
            return inner
    return ""


def plain(value: Any) -> Any:
    """``value`` as JSON holds it: a dataclass as a table of its fields, a time in ISO 8601, a
    tuple as a list, a path or a zone as its name."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


def typed(hint: Any, data: Any) -> Any:
    """What :func:`plain` wrote, read back as the annotation ``hint`` says."""
    args = get_args(hint)
    if get_origin(hint) in (Union, types.UnionType):
        return None if data is None else typed(next(a for a in args if a is not type(None)), data)
    if get_origin(hint) is tuple:
        return tuple(typed(args[0], item) for item in data)
    if get_origin(hint) is dict:
        return {str(k): typed(args[1], v) for k, v in data.items()}
    if isinstance(hint, type) and is_dataclass(hint):
        hints = get_type_hints(hint)
        return hint(**{f.name: typed(hints[f.name], data[f.name]) for f in fields(hint) if f.name in data})
    if hint is datetime:
        found = datetime.fromisoformat(data)
        if found.tzinfo is None:
            raise ValueError(f"a time without its offset: {data!r}")
        return found
    return hint(data)


def default_of(record: type, name: str) -> Any:
    """The default of ``record``'s field ``name`` (a fresh one where the field makes one)."""
    found = next(f for f in fields(record) if f.name == name)
    return found.default if found.default_factory is MISSING else found.default_factory()


@dataclass(frozen=True)
class Variable:
    """A ``TORCHGRADE_*`` environment variable: who sets it, what it does, its default;
    ``placing``: it chooses only where a command runs or keeps its state, never what a grade is
    (a remembered result's key leaves it out: grader/engine/remembered.py)."""

    name: str
    who: str  # learner, instructor, tests, CI, maintainer
    about: str
    default: str
    placing: bool = False


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "TORCHGRADE_LANG",
        "learner, instructor",
        N_(
            "The language of messages, hints and help (`en`, `zh_CN`); `--lang` sets it for the process "
            "and what it starts ([i18n.md](i18n.md))."
        ),
        "the locale (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`), else English",
    ),
    Variable(
        "TORCHGRADE_NO_DAEMON",
        "learner, tests",
        N_(
            "`1` (or `true`, `yes`, `on`: what Click reads as true): every `grade` grades in a fresh "
            "process, as `--no-daemon` does (Click reads it as that option's value; the test suite sets "
            "it for all its tests); `0`, `false`, `no`, `off` are as unset."
        ),
        "unset: the warm grading server answers",
        placing=True,
    ),
    Variable(
        "TORCHGRADE_FRESH",
        "tests, learner",
        N_(
            "`1`: a learner's commands grade every topic afresh instead of reading back a topic whose "
            "sources and checks did not change since it last passed in full (`grader/engine/remembered.py`; "
            "the test suite sets it for all its tests)."
        ),
        "unset: an unchanged, fully passing topic is read back",
        placing=True,
    ),
    Variable(
        "TORCHGRADE_RUNTIME_DIR",
        "tests, benchmark",
        "A folder whose `torchgrade/` holds the warm engine's socket: an engine of its own, apart from "
        "the learner's.",
        "`/run/user/<uid>/torchgrade` where the system made that folder, else `/tmp/torchgrade-<uid>` "
        "(whatever `XDG_RUNTIME_DIR` says)",
        placing=True,
    ),
    Variable(
        "TORCHGRADE_DAEMON",
        "CI (benchmark)",
        "`1`: a client that finds no grading server starts one even off a terminal.",
        "unset: only a terminal starts one",
        placing=True,
    ),
    Variable(
        "TORCHGRADE_STATE",
        "learner, tests",
        N_("The folder of a learner's own state (the hint levels, `hints.json`)."),
        "`$XDG_STATE_HOME/torchgrade`, else `~/.local/state/torchgrade`",
        placing=True,
    ),
    Variable(
        "TORCHGRADE_NO_SOLUTIONS",
        "instructor",
        "Set: `grade solution` and the last hint never show the worked solutions.",
        "unset: shown where `solutions/` exists (a release has none)",
    ),
    Variable(
        "TORCHGRADE_NO_SANDBOX",
        "instructor, tests",
        "Set: workers run without bubblewrap (as root: uid 65534, no namespaces); `grade doctor` reports "
        "it as a fault.",
        "unset: every worker in its bubblewrap sandbox",
    ),
    Variable(
        "TORCHGRADE_SECCOMP_LOG",
        "maintainer",
        "Set: a call the workers' allow-list lacks is let through and logged by the kernel "
        "(`SCMP_ACT_LOG`) instead of refused, to find what a torch upgrade newly calls without strace: "
        "grade, then `dmesg \\| python -m grader.sandboxed.seccomp` names the calls (`journalctl -k` or "
        "`/var/log/audit/audit.log` where auditd runs); add them to `grader/sandboxed/policy.py`. Weakens "
        "the seal: `grade doctor` reports it as a problem; never for grading others' code.",
        "unset: a call the allow-list lacks fails with ENOSYS",
    ),
    Variable(
        "TORCHGRADE_FRESH_WORKERS",
        "instructor, tests",
        "Set: every worker is a fresh process instead of a fork of the zygote (slower; `grade doctor` "
        "says so).",
        "unset: workers forked from the zygote",
    ),
    Variable(
        "TORCHGRADE_SCHEDULER",
        "instructor",
        "The Dask scheduler's address for `grade batch --scheduler` (needs `torchgrade[distributed]`).",
        "unset: the class is graded on this machine",
    ),
    Variable(
        "TORCHGRADE_PACKS",
        "instructor, tests",
        "More exercise packs (folders holding a `pack.toml`, relative to the checkout; several separated "
        "by `:`), beside those `course.toml` names (docs/authors.md).",
        "the built-in pack and `course.toml`'s `packs`",
    ),
    Variable(
        "TORCHGRADE_SUITES",
        "tests, instructor",
        "The folder of the hidden suites (`suite_<topic>.py`).",
        "`tests/suites` of the checkout",
    ),
    Variable(
        "TORCHGRADE_DATASETS",
        "tests",
        "The folder of the exercises' data files.",
        "`datasets/` beside the `grader` package",
    ),
    Variable(
        "TORCHGRADE_CHECK_TABLES",
        "tests",
        "The folder where each topic's table of checks is cached.",
        "`checks` beside the curves' cache folder (`$XDG_CACHE_HOME/torchgrade`, else `~/.cache/torchgrade`)",
    ),
    Variable(
        "TORCHGRADE_AUTOGRADER_ROOT",
        "tests",
        "The Gradescope autograder's root folder, in the container's `run_autograder` and `grader/gradescope`.",
        "`/autograder`",
    ),
    Variable(
        "TORCHGRADE_PYTHON",
        "tests",
        "The Python that the Gradescope container's `run_autograder` runs.",
        "`/opt/torchgrade-venv/bin/python`",
    ),
    Variable(
        "TORCHGRADE_PID_NAMESPACE",
        "tests",
        "`0`: `run_autograder` leaves out its pid namespace (tests of the sweep alone).",
        "`1`: the pid namespace, where the container allows one",
    ),
    Variable(
        "TORCHGRADE_UNCHECKED_SUBSET",
        "tests",
        "`1`: the Python subset check is off, for the grader's own tests of the layers under it (sandbox, "
        "zygote, container) and the benchmark's watchdog figure. A submission cannot set the grading "
        "process's environment.",
        "unset: every submission is checked",
    ),
    Variable(
        "TORCHGRADE_ANCHORS",
        "CI (benchmark)",
        "The folder of the anchors' harness that the benchmark's `--anchors` runs ([benchmark.md](benchmark.md)).",
        "`--anchors-dir`, else `../shared/anchors` beside the checkout",
    ),
    Variable(
        "TORCHGRADE_STUDENTS",
        "tests",
        "How many student identities `test_student_inputs.py` draws inputs for (20 for the full run).",
        "`2`",
    ),
    Variable(
        "TORCHGRADE_RECORD_CORPUS_SCORES",
        "tests",
        "Set: `test_corpus.py` records every corpus module's points again in `tests/corpus/scores.json`.",
        "unset: the recorded points are checked",
    ),
)
PLACING = frozenset(v.name for v in VARIABLES if v.placing)
