"""torchgrade as a Gradescope autograder.

:func:`build_autograder` writes the zip an instructor uploads: ``setup.sh`` and
``run_autograder`` (from ``grader/gradescope/template/``), the grader, the exercises, the
datasets, the chosen topics' suites and ``gradescope.json`` (topics, visibility of hidden
checks, limits). Gradescope unpacks it to ``/autograder/source`` and runs ``setup.sh`` once;
then, per submission, ``run_autograder`` calls :func:`run` (``python -m grader.gradescope run``),
which grades ``/autograder/submission`` and writes ``/autograder/results/results.json``
(``TORCHGRADE_AUTOGRADER_ROOT`` moves ``/autograder``).

Submitted code must not read the hidden suites, write the results or outlive grading. In
bubblewrap it never sees either folder. Without it (a container that refuses namespaces),
workers run as uid 65534 (:func:`grader.engine.sandbox.uid_fallback`) and :func:`harden` makes
everything but ``grader/`` and ``datasets/`` root-only. Either way every process the run
started is killed (:mod:`grader.engine.sweep`: the run is its orphans' subreaper; ``run_autograder``
also gives it a pid namespace of its own where the container allows one) before results.json
is written, fresh, by an atomic rename. Where submitted code could run neither way, nothing
is graded (results.json says why).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader import clean, defaults
from grader.batch.exports import hidden_output, hidden_test_name
from grader.batch.intake import Gradable, Rejected, take
from grader.engine import sweep
from grader.options import Limits, Options, Selection
from grader.topics import (
    RELEASE_MARKER,
    REPO_ROOT,
    TOPICS,
    available_topics,
    install_problem,
    suites_dir,
    unknown_topic,
)

ROOT_VARIABLE = "TORCHGRADE_AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"
CONFIG_NAME = "gradescope.json"
RESULTS_NAME = "results.json"
TEMPLATES = Path(__file__).resolve().parent / "template"
SCRIPTS = ("setup.sh", "run_autograder")
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
SHIPPED_FOLDERS = ("grader", "exercises", "datasets")
WORKER_READABLE = ("grader", "datasets")  # what the bubblewrap whitelist binds, too
SUBMITTED_SUFFIXES = (".py", ".ipynb", ".zip")
MAX_LISTED = 5  # entries of an unusable submission named in its message
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the same bytes for the same sources
INTERNAL_ERROR = "the autograder hit an internal error (not your code's fault); tell your course staff"


class AutograderProblem(ValueError):
    """The autograder cannot be built or run as asked; the message says why."""


@dataclass(frozen=True)
class Config:
    """What ``gradescope.json`` records: the grading options (the topics, empty: every shipped
    suite; a course assignment's exercises; the limits), the hidden checks' visibility and the
    assignment's points."""

    options: Options = field(default_factory=Options)
    hidden_visibility: str = defaults.HIDDEN_VISIBILITY
    exercise_points: dict[str, float] = field(default_factory=dict)
    kind_weights: dict[str, float] = field(default_factory=dict)
    hidden_messages: bool = False  # hidden checks' ids and messages shown (else exercise and kind only)

    def __post_init__(self) -> None:
        limits = self.options.limits
        problem = unknown_topic(self.topics)
        if not problem and self.hidden_visibility not in VISIBILITIES:
            problem = (
                f"hidden visibility must be one of {', '.join(VISIBILITIES)}, not {self.hidden_visibility!r}"
            )
        if not problem and min(limits.timeout, limits.budget, limits.memory_mb) <= 0:
            problem = "timeout, budget and memory must be positive"
        if problem:
            raise AutograderProblem(problem)

    @property
    def topics(self) -> tuple[str, ...]:
        return self.options.selection.topics

    @property
    def exercises(self) -> tuple[str, ...]:
        return self.options.selection.exercises

    def to_json(self) -> dict[str, Any]:
        limits = self.options.limits
        return {
            "topics": list(self.topics),
            "hidden_visibility": self.hidden_visibility,
            "timeout": float(limits.timeout),
            "budget": float(limits.budget),
            "memory_mb": int(limits.memory_mb),
            "exercises": list(self.exercises),
            "exercise_points": self.exercise_points,
            "kind_weights": self.kind_weights,
            "hidden_messages": self.hidden_messages,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Config:
        limits = Limits(
            timeout=float(data.get("timeout", Limits.timeout)),
            memory_mb=int(data.get("memory_mb", Limits.memory_mb)),
            budget=float(data.get("budget", Limits.budget)),
        )
        selection = Selection(
            topics=tuple(data.get("topics", ())), exercises=tuple(data.get("exercises", ()))
        )
        return cls(
            options=Options(limits=limits, selection=selection),
            hidden_visibility=str(data.get("hidden_visibility", cls.hidden_visibility)),
            exercise_points={str(k): float(v) for k, v in data.get("exercise_points", {}).items()},
            kind_weights={str(k): float(v) for k, v in data.get("kind_weights", {}).items()},
            hidden_messages=data.get("hidden_messages", cls.hidden_messages) is True,
        )


@dataclass(frozen=True)
class Paths:
    """Gradescope's folders: ``root/source``, ``root/submission``, ``root/results``."""

    root: Path

    @classmethod
    def from_environment(cls) -> Paths:
        return cls(Path(os.environ.get(ROOT_VARIABLE, DEFAULT_ROOT)))

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def submission(self) -> Path:
        return self.root / "submission"

    @property
    def results(self) -> Path:
        return self.root / "results"


# ---- the zip ---------------------------------------------------------------------------------


def _files_under(folder: Path) -> Iterator[tuple[str, Path]]:
    """(relative POSIX name, path) of the regular files below ``folder``, sorted; no links,
    hidden files or bytecode."""
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            path = Path(top) / name
            if name.startswith(".") or path.suffix in (".pyc", ".pyo") or path.is_symlink():
                continue
            if path.is_file():
                yield path.relative_to(folder).as_posix(), path


def _is_other_suite(name: str, topics: tuple[str, ...]) -> bool:
    stem = Path(name).name
    return stem.startswith("suite_") and stem.endswith(".py") and stem[6:-3] not in topics


def source_files(topics: tuple[str, ...]) -> list[tuple[str, Path]]:
    """(name in the zip, path here) of the torchgrade files the autograder needs."""
    entries = [(name, REPO_ROOT / name) for name in ("pyproject.toml", "README.md")]
    for folder in SHIPPED_FOLDERS:
        entries += [(f"{folder}/{name}", path) for name, path in _files_under(REPO_ROOT / folder)]
    entries += [
        (f"tests/suites/{name}", path)
        for name, path in _files_under(suites_dir())
        if not _is_other_suite(name, topics)
    ]
    return entries


def _chosen_topics(topics: tuple[str, ...]) -> tuple[str, ...]:
    """``topics`` without repeats (every topic with a suite when empty), or :class:`AutograderProblem`."""
    if install_problem():
        raise AutograderProblem(install_problem())
    if (suites_dir() / RELEASE_MARKER).is_file():
        raise AutograderProblem(
            "these are a student release's suites (public checks only): build from the course repository"
        )
    if unknown_topic(topics):
        raise AutograderProblem(unknown_topic(topics))
    chosen = tuple(dict.fromkeys(topics)) or tuple(available_topics())
    missing = [t for t in chosen if t not in available_topics()]
    if missing or not chosen:
        raise AutograderProblem(
            f"no suite for topic {missing[0]!r} in {suites_dir()}" if missing else "no suites"
        )
    return chosen


def _zip_entry(name: str, executable: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def build_autograder(out_zip: Path, config: Config | None = None) -> Path:
    """Write the Gradescope autograder zip for ``config`` (its topics: all when empty) to ``out_zip``.

    Hidden checks get ``config.hidden_visibility`` (public checks are always visible) and are
    named by exercise and kind only, without their messages, unless ``config.hidden_messages``;
    the options' limits are ``grade``'s. Raises :class:`AutograderProblem`.
    """
    config = config or Config()
    config = replace(config, options=config.options.with_topics(_chosen_topics(config.topics)))
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    partial = out_zip.with_name(f".{out_zip.name}.{os.getpid()}.partial")
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            for script in SCRIPTS:
                archive.writestr(_zip_entry(script, True), (TEMPLATES / script).read_bytes())
            archive.writestr(_zip_entry(CONFIG_NAME, False), json.dumps(config.to_json(), indent=2) + "\n")
            for name, path in source_files(config.topics):
                archive.writestr(_zip_entry(name, False), path.read_bytes())
        os.replace(partial, out_zip)
    finally:
        partial.unlink(missing_ok=True)
    return out_zip


# ---- permissions -----------------------------------------------------------------------------


def _set_modes(folder: Path, readable: bool) -> None:
    """Root owns everything below ``folder``; others may read it (``readable``) or nothing."""
    as_root = os.geteuid() == 0
    for top, dirs, files in os.walk(folder):
        for path in [Path(top)] + [Path(top) / name for name in dirs + files]:
            if path.is_symlink():
                continue
            if as_root:
                os.chown(path, 0, 0)
            executable = path.is_dir() or bool(path.stat().st_mode & stat.S_IXUSR)
            if readable:
                os.chmod(path, 0o755 if executable else 0o644)
            else:
                os.chmod(path, 0o700 if executable else 0o600)


def fresh_results_folder(results: Path) -> None:
    """``results`` as a root-only folder without results.json (a link there is removed, not followed)."""
    if results.is_symlink() or (results.exists() and not results.is_dir()):
        results.unlink()
    results.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        os.chown(results, 0, 0)
    os.chmod(results, 0o700)
    _remove(results / RESULTS_NAME)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _root_only(path: Path) -> None:
    """``path`` itself (not what is below it) for root alone."""
    if path.is_symlink():
        return
    if os.geteuid() == 0:
        os.chown(path, 0, 0)
    executable = path.is_dir() or bool(path.stat().st_mode & stat.S_IXUSR)
    os.chmod(path, 0o700 if executable else 0o600)


def harden(paths: Paths) -> None:
    """Workers may read ``grader/`` and ``datasets/`` of the source and nothing else of the
    autograder's folder: the suites, the config, the results, the submission and Gradescope's
    submission_metadata.json (earlier results) are root's. What protects them in the uid fallback."""
    _check_source(paths)
    _set_modes(paths.source, readable=False)
    for name in WORKER_READABLE:
        if (paths.source / name).is_dir():
            _set_modes(paths.source / name, readable=True)
    for entry in paths.root.iterdir():
        if entry.name != paths.source.name:
            _root_only(entry)
    os.chmod(paths.source, 0o711)  # workers pass through to grader/ and datasets/
    os.chmod(paths.root, 0o711)
    fresh_results_folder(paths.results)


def _check_source(paths: Paths) -> None:
    if not paths.source.is_dir() or paths.source.resolve() != REPO_ROOT:
        raise AutograderProblem(
            f"this torchgrade lives in {REPO_ROOT}, not in {paths.source}: run the autograder's own copy "
            f"(cd {paths.source} && python -m grader.gradescope), or set {ROOT_VARIABLE}"
        )


# ---- the submission --------------------------------------------------------------------------


def locate(submission: Path, scratch: Path, topics: tuple[str, ...]) -> Gradable | Rejected:
    """What to grade in the submission folder: its topic files (or a folder of them below it),
    else its one zip (unpacked under ``scratch`` with intake's defences), notebook or ``.py``."""
    if not submission.is_dir():
        return Rejected("submission", f"no submission folder at {submission}")
    found = take(submission, scratch, topics)
    if isinstance(found, Gradable):
        return found
    entries = sorted(e for e in submission.iterdir() if not e.name.startswith("."))
    files = [e for e in entries if e.suffix in SUBMITTED_SUFFIXES and not e.is_symlink() and e.is_file()]
    if len(files) == 1:
        return take(files[0], scratch, topics)
    seen = ", ".join(e.name for e in entries[:MAX_LISTED]) + (", ..." if len(entries) > MAX_LISTED else "")
    example = ", ".join(f"{t}.py" for t in (topics or TOPICS)[:3])
    return Rejected(
        "submission",
        f"found {seen or 'nothing'}: upload your topic files ({example}, ...), one zip of them, or one notebook",
    )


# ---- results.json ----------------------------------------------------------------------------


def gradescope_test(topic: str, test: dict[str, Any], config: Config, seen: dict[str, int]) -> dict[str, Any]:
    """One check of the report's JSON as one Gradescope test. A hidden check is named and
    described as ``grade batch`` does (exercise and kind; how it ended), unless the instructor
    built the autograder with ``hidden_messages``; ``seen`` numbers those names."""
    status, message = test["status"], test["message"]
    word = status.replace("_", " ")
    if status not in ("passed", "failed") and not message.startswith(word):
        message = f"{word}: {message}" if message else word
    name = f"{topic}: {test['id']}"
    public = test.get("visibility") == "public"
    if not public and not config.hidden_messages:
        name, message = hidden_test_name(topic, test, seen), hidden_output(test)
    return {
        "name": name,
        "score": test["points"],
        "max_score": test["max_points"],
        "status": "passed" if status == "passed" else "failed",
        "output": message,
        "output_format": "text",
        "tags": [test["kind"], topic],
        "visibility": "visible" if public else config.hidden_visibility,
    }


def summary(report: dict[str, Any]) -> str:
    """The score, each topic's, the sandbox and the report's notes."""
    lines = [f"Score: {report['score']:g} / {report['max_score']:g}"]
    lines += [f"  {t['name']}: {t['score']:g} / {t['max_score']:g}" for t in report["topics"]]
    lines.append(f"Sandbox: {report['sandbox']}")
    lines += [f"Note: {note}" for note in report["notes"]]
    return "\n".join(lines)


def results_for(report: dict[str, Any], config: Config) -> dict[str, Any]:
    """Gradescope's results.json for a report (``grade --format json``); skipped checks are left out.
    With an assignment's points each check is worth its share of its exercise's points."""
    if config.exercise_points:
        from grader.batch.standing import weigh

        report, _ = weigh(report, config)
        report["score"] = sum(t["score"] for t in report["topics"])
        report["max_score"] = sum(t["max_score"] for t in report["topics"])
    seen: dict[str, int] = {}
    return {
        "score": report["score"],
        "output": summary(report),
        "output_format": "text",
        "stdout_visibility": "hidden",
        "tests": [
            gradescope_test(topic["name"], test, config=config, seen=seen)
            for topic in report["topics"]
            for test in topic["tests"]
            if test["status"] != "skipped"
        ],
    }


def not_graded(reason: str) -> dict[str, Any]:
    return {
        "score": 0.0,
        "output": f"Your submission could not be graded: {reason}",
        "output_format": "text",
        "stdout_visibility": "hidden",
        "tests": [],
    }


def write_results(results: Path, content: dict[str, Any]) -> Path:
    """``results/results.json``, created fresh and renamed into place (never written through
    a file or link found there); readable by all, writable by its owner only."""
    fresh_results_folder(results)
    handle, partial = tempfile.mkstemp(dir=results, prefix=".results-", suffix=".json")
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(clean.tree(content), out, indent=2)  # file names, messages: cleaned
            out.flush()
            os.fsync(out.fileno())
        os.chmod(partial, 0o644)
        os.replace(partial, results / RESULTS_NAME)
    finally:
        Path(partial).unlink(missing_ok=True)
    os.chmod(results, 0o755)  # nothing of the submission runs any more
    return results / RESULTS_NAME


# ---- the workers' end ------------------------------------------------------------------------


def end_workers() -> list[int]:
    """Kill whatever this run started that still runs (workers, zygotes and anything they
    started, re-parented here or not); the pids that would not die. Never a whole uid."""
    return sweep.kill_descendants(patience=defaults.SWEEP_SECONDS)


# ---- grading ---------------------------------------------------------------------------------


def load_config(source: Path) -> Config:
    try:
        return Config.from_json(json.loads((source / CONFIG_NAME).read_text()))
    except (OSError, ValueError, TypeError) as exc:
        raise AutograderProblem(f"the autograder's {CONFIG_NAME} is unusable: {exc}") from None


def grade_submission(paths: Paths, config: Config) -> dict[str, Any]:
    """results.json's content for the submission (an explanation where it cannot be graded)."""
    from grader.engine.sandbox import sandbox_status, uid_fallback

    usable, how = sandbox_status()
    if not usable and not uid_fallback()[0]:
        return not_graded(
            f"the autograder cannot isolate submitted code here ({how}); tell your course staff"
        )
    scratch = Path(tempfile.mkdtemp(prefix="torchgrade-submission-"))
    try:
        found = locate(paths.submission, scratch, config.topics)
        if isinstance(found, Rejected):
            return not_graded(found.reason)
        return _grade(found, config)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _grade(found: Gradable, config: Config) -> dict[str, Any]:
    from grader.engine.workers import gpu_present, prestart

    prestart(gpu=gpu_present())
    from grader.engine.runner import (  # imports torch: the zygote boots meanwhile
        SuiteCrash,
        UsageProblem,
        grade,
    )

    topics = (found.topic,) if found.topic else config.topics
    try:
        report = grade(found.path, config.options.with_topics(topics))
    except UsageProblem as exc:
        return not_graded(str(exc))
    except SuiteCrash as exc:
        print(f"internal error in a suite: {exc}")
        return not_graded(INTERNAL_ERROR)
    return results_for(report.to_json(), config)


def run(paths: Paths | None = None) -> Path:
    """Grade the submission and write results.json, once every process this run started is
    dead. Returns the file's path."""
    paths = paths or Paths.from_environment()
    started = time.monotonic()
    sweep.become_subreaper()  # what the run starts stays below it, for end_workers
    harden(paths)
    try:
        try:
            results = grade_submission(paths, load_config(paths.source))
        except Exception:  # a torchgrade bug: the student still gets an explanation
            traceback.print_exc()
            results = not_graded(INTERNAL_ERROR)
    finally:
        survivors = end_workers()
    if survivors:
        print(f"warning: processes of this run still listed after SIGKILL: {survivors}")
    results["execution_time"] = round(time.monotonic() - started)
    target = write_results(paths.results, results)
    print(results["output"])
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.gradescope", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("run", "harden"), help="grade the submission, or set permissions")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            print(f"results written to {run()}")
        else:
            harden(Paths.from_environment())
    except AutograderProblem as exc:
        print(f"grader.gradescope: {exc}", file=sys.stderr)
        return 2
    return 0
