"""Inside Gradescope's container: ``python -m grader.gradescope harden`` (``setup.sh``, once)
and ``python -m grader.gradescope run`` (``run_autograder``, per submission): grade
``/autograder/submission`` into ``/autograder/results/results.json``, then end what the run started."""

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
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from grader.base import clean, defaults, grades
from grader.base.options import Options
from grader.base.topics import (
    REPO_ROOT,
    TOPICS,
)
from grader.batch.gradescope_results import exercise_tests
from grader.batch.intake import Gradable, Rejected, take
from grader.engine.worker import sweep
from grader.gradescope import late, quota
from grader.gradescope.config import (
    CONFIG_NAME,
    RESULTS_NAME,
    ROOT_VARIABLE,
    WORKER_READABLE,
    AutograderProblem,
    Config,
    Paths,
)

SUBMITTED_SUFFIXES = (".py", ".ipynb", ".zip")

MAX_LISTED = 5  # entries of an unusable submission named in its message

INTERNAL_ERROR = "the autograder hit an internal error (not your code's fault); tell your course staff"


def _set_modes(folder: Path, readable: bool) -> None:
    """Root owns everything below ``folder``; others may read it (``readable``) or nothing."""
    for top, dirs, files in os.walk(folder):
        for path in [Path(top)] + [Path(top) / name for name in dirs + files]:
            _root_only(path, readable)


def fresh_results_folder(results: Path) -> None:
    """``results`` as a root-only folder without results.json (a link there is removed, not followed)."""
    if results.is_symlink() or (results.exists() and not results.is_dir()):
        results.unlink()
    results.mkdir(parents=True, exist_ok=True)
    _root_only(results)
    _remove(results / RESULTS_NAME)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _root_only(path: Path, readable: bool = False) -> None:
    """``path`` itself (not what is below it; a link left as it is) root's: others may read it
    (``readable``) or nothing."""
    if path.is_symlink():
        return
    if os.geteuid() == 0:
        os.chown(path, 0, 0)
    executable = path.is_dir() or bool(path.stat().st_mode & stat.S_IXUSR)
    modes = (0o755, 0o644) if readable else (0o700, 0o600)  # (a folder or executable, another file)
    os.chmod(path, modes[0] if executable else modes[1])


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


# Gradescope holds the total back while a test waits for the due date or for publication;
# a test "hidden" for good does not hold it (Gradescope's autograder specifications).
HELD = {"after_due_date": "after the due date", "after_published": "once grades are published"}
HELD_BACK = "hidden checks"  # the test that holds the total back where hidden checks are "hidden"


def summary(report: dict[str, Any], tests: Sequence[dict[str, Any]] = ()) -> str:
    """The score, each topic's, the sandbox and the report's notes; where Gradescope holds the total
    back, the visible tests' score only (why: docs/instructors.md, "Gradescope")."""
    held = [HELD[t["visibility"]] for t in tests if t["visibility"] in HELD]
    if not held:
        lines = ["Score: " + grades.of(report["score"], report["max_score"])]
        lines += [f"  {t['name']}: " + grades.of(t["score"], t["max_score"]) for t in report["topics"]]
    else:
        visible = [t for t in tests if t["visibility"] == "visible"]
        lines = [
            f"Score of the visible tests: {_added(visible)}; the total with the hidden checks is shown {held[0]}"
        ]
        for topic in report["topics"]:
            mine = [t for t in visible if t["tags"][:1] == [topic["name"]]]
            lines.append(f"  {topic['name']}: " + _added(mine))
    lines.append(f"Sandbox: {report['sandbox']}")
    lines += [f"Note: {note}" for note in report["notes"]]
    return "\n".join(lines)


def _added(tests: Sequence[dict[str, Any]]) -> str:
    return grades.of(grades.added(t["score"] for t in tests), grades.added(t["max_score"] for t in tests))


def held_back(tests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A test of no points, shown once grades are published, where hidden checks worth points are
    "hidden" for good and nothing else holds the total back: Gradescope would show the total
    beside the visible tests from the start."""
    worth = any(t["visibility"] == "hidden" and t["max_score"] > 0 for t in tests)
    if not worth or any(t["visibility"] in HELD for t in tests):
        return []
    said = (
        "the hidden checks are not shown; their points count in your total, shown once grades are published"
    )
    return [{"name": HELD_BACK, "score": 0.0, "max_score": 0.0, "status": "passed", "output": said,
             "output_format": "text", "tags": [], "visibility": "after_published"}]  # fmt: skip


def results_for(report: dict[str, Any], config: Config) -> dict[str, Any]:
    """Gradescope's results.json for a report (``grade --format json``), as docs/instructors.md,
    "Gradescope", says; with an assignment's points each exercise is worth its points, judged
    with the assignment's twin rule."""
    if config.exercise_points:
        from grader.batch.standing import weigh

        report, _ = weigh(report, config)
        report["score"] = grades.added(t["score"] for t in report["topics"])
        report["max_score"] = grades.added(t["max_score"] for t in report["topics"])
    tests = [
        test
        for topic in report["topics"]
        for test in exercise_tests(topic, {}, config.hidden_messages, config.hidden_visibility)
    ]
    tests += held_back(tests)
    return {
        "score": grades.points(report["score"]),  # Gradescope shows it as written, unless held back
        "output": summary(report, tests),
        "output_format": "text",
        "stdout_visibility": "hidden",
        "tests": tests,
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


def end_workers() -> list[int]:
    """Kill whatever this run started that still runs (workers, zygotes and anything they
    started, re-parented here or not); the pids that would not die. Never a whole uid."""
    return sweep.kill_descendants(patience=defaults.SWEEP_SECONDS)


def load_config(source: Path) -> Config:
    try:
        return Config.from_json(json.loads((source / CONFIG_NAME).read_text()))
    except (OSError, ValueError, TypeError) as exc:
        raise AutograderProblem(f"the autograder's {CONFIG_NAME} is unusable: {exc}") from None


def grade_submission(paths: Paths, config: Config) -> dict[str, Any]:
    """results.json's content for the submission (an explanation where it cannot be graded)."""
    from grader.engine.worker.sandbox import sandbox_status, uid_fallback

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
        return _grade(found, config, run_options(config, quota.read_metadata(paths.root)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def submitter(metadata: dict[str, Any]) -> str | None:
    """Who handed the submission in, from Gradescope's submission_metadata.json: the first
    user's e-mail (else their id), the key a course seed draws their inputs by; None unknown."""
    try:
        first = (metadata.get("users") or [])[0]
        found = first.get("email") or first.get("id")
    except (AttributeError, IndexError, TypeError):
        return None
    return str(found) if found not in (None, "") else None


def run_options(config: Config, metadata: dict[str, Any]) -> Options:
    """The grading options of this run: with a course seed, the submitter's own hidden inputs
    (as ``grade batch --course-seed``); where the submitter is unknown, the fixed ones."""
    student = submitter(metadata) if config.course_seed is not None else None
    if student is None:
        return config.options
    return replace(config.options, course_seed=config.course_seed, student=student)


def _grade(found: Gradable, config: Config, options: Options) -> dict[str, Any]:
    from grader.engine.worker.sandbox import gpu_present
    from grader.engine.worker.workers import prestart

    prestart(gpu=gpu_present())
    from grader.engine.runner import (  # imports torch: the zygote boots meanwhile
        SuiteCrash,
        UsageProblem,
        grade,
    )

    topics = (found.topic,) if found.topic else config.topics
    try:
        report = grade(found.path, options.with_topics(topics))
    except UsageProblem as exc:
        return not_graded(str(exc))
    except SuiteCrash as exc:
        print(f"internal error in a suite: {exc}")
        return not_graded(INTERNAL_ERROR)
    results = results_for(report.to_json(), config)
    if config.leaderboard:
        results["leaderboard"] = leaderboard(found, config, topics)
    return results


def leaderboard(found: Gradable, config: Config, topics: tuple[str, ...]) -> list[dict[str, Any]]:
    """results.json's ``leaderboard``: each board's metric on its held-out set, judged after the
    checks (the labels stay here: grader/course/held_out.py); a submission whose predictions earn no
    metric (a non-answer, a refusal) has no value on that board."""
    from grader.course.held_out import score_held_out

    entries = []
    for board in (b for b in config.leaderboard if b.topic in topics):
        score = score_held_out(found.path, board.topic, board.exercise, found.topic is not None, board.metric)
        print(f"held-out {board.exercise}: {score.value} {score.reason} ({score.seconds:.1f} s)")
        if score.value is not None:
            entries.append({"name": board.title, "value": round(score.value, 4), "order": board.order})
    return entries


def _within_limits(paths: Paths) -> dict[str, Any]:
    """The submission graded where the assignment's limits let it count (Gradescope's
    submission_metadata.json, root's alone: read before anything of the submission runs), late
    as the assignment's policy counts it (grader/gradescope/late.py); else the last counted
    submission's results, saying when the next one counts, nothing graded."""
    config = load_config(paths.source)
    metadata = quota.read_metadata(paths.root)
    if not config.submissions:
        return late.penalised(grade_submission(paths, config), config, metadata)
    decision = quota.decide(config.submissions, metadata)
    if not decision.counts:
        return quota.refused_results(decision, config.submissions)
    return quota.counted_results(late.penalised(grade_submission(paths, config), config, metadata), decision)


def run(paths: Paths | None = None) -> Path:
    """Grade the submission and write results.json, once every process this run started is
    dead. Returns the file's path."""
    paths = paths or Paths.from_environment()
    started = time.monotonic()
    sweep.become_subreaper()  # what the run starts stays below it, for end_workers
    harden(paths)
    try:
        try:
            results = _within_limits(paths)
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
