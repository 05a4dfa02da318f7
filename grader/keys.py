"""Every setting declared once: a key of pack.toml or course.toml (:class:`Key`) and a
``TORCHGRADE_*`` variable (:data:`VARIABLES`), each with its type, default and description.

The readers take their keys from these declarations (grader/packs.py: :data:`grader.packs.PACK_KEYS`;
grader/course/toml.py: :data:`grader.course.keys.COURSE_KEYS`), and the docs' key tables are drawn
from them (``python -m grader.keys_docs``; tests/grader/test_keys_docs.py fails where they
differ). A description an author or a learner reads is marked ``N_()`` for the catalogue.
Imports nothing of grader: the packs' reader, at the bottom of the layers, reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    """Marks a description for the catalogue (as grader.i18n.N_; this module imports no grader)."""
    return message


@dataclass(frozen=True)
class Key:
    """One key of a table: its name, type (a key of :data:`TYPES`), default (None: none, or
    required) and description; ``shown`` words a default the docs cannot show as a value."""

    name: str
    kind: str
    about: str
    default: Any = None
    shown: str = ""

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
        if isinstance(self.default, bool):
            return f"`{str(self.default).lower()}`"
        if isinstance(self.default, str):
            return f'`"{self.default}"`'
        return f"`{self.default!r}`" if not isinstance(self.default, float) else f"`{self.default:g}`"


Table = tuple[Key, ...]


def names(table: Table) -> tuple[str, ...]:
    return tuple(key.name for key in table)


def find(table: Table, name: str) -> Key:
    return next(key for key in table if key.name == name)


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
