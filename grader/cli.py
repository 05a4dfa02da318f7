"""The ``grade`` command: a thin Click layer over :mod:`grader.runner`.

``grade PATH`` grades one submission (the default command, ``grade check PATH`` in full).
Exit status: 0 full score, 1 graded but not full, 2 unusable input, 3 an internal error of a
suite (docs/architecture.md, "Contract for machines").
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

import click

from grader import defaults
from grader.batch.roster import Roster, RosterFile


class DefaultGroup(click.Group):
    """A group whose first argument, when not a subcommand, goes to ``check``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def limit_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--timeout``, ``--memory`` and ``--budget``: what every grading command bounds, one home."""
    options = [
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=defaults.PROBE_TIMEOUT,
            show_default=True,
            help="seconds each probe of submitted code may run "
            f"(convergence checks: {defaults.CONVERGENCE_TIMEOUT_FACTOR}x)",
        ),
        click.option(
            "--memory",
            "memory_mb",
            type=click.IntRange(min=512),
            default=defaults.MEMORY_MB,
            show_default=True,
            help="memory limit per worker, MB",
        ),
        click.option(
            "--budget",
            type=click.FloatRange(min=1),
            default=defaults.SUBMISSION_BUDGET,
            show_default=True,
            help="seconds one submission may take in all; later checks time out",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


KEYWORD_HELP = (
    "grade only the checks that pytest's -k EXPR selects by exercise, check name and kind "
    "(substrings: -k softmax also selects log_softmax; -k 'huber or mse', -k 'softmax and not log', "
    "-k 'not convergence' to leave out the training checks)"
)


def _usage_exit(message: str) -> None:
    click.echo(f"grade: {message}", err=True)
    sys.exit(2)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="torchgrade")
def main() -> None:
    """Grade PyTorch exercises: `grade exercises/` or `grade losses.py`."""
    from grader.topics import install_problem

    if install_problem():
        _usage_exit(install_problem())


@main.command("check")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="grade only this topic (repeatable)")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@limit_options
@click.option("--public-only", is_flag=True, help="run only the public checks")
@click.option("-k", "keyword", metavar="EXPR", default="", help=KEYWORD_HELP)
@click.option("--exercise", "exercises", multiple=True, help="only this exercise's checks (repeatable)")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="topics graded at once [default: the machine's cores]",
)
@click.option(
    "--course-seed",
    metavar="SEED",
    default=None,
    help="with --student: grade the hidden checks on that student's inputs (as `grade batch --course-seed`)",
)
@click.option("--student", metavar="ID", default=None, help="the student (their gradebook key)")
def check_command(
    path: Path,
    topics: tuple[str, ...],
    fmt: str,
    device: str,
    timeout: float,
    memory_mb: int,
    budget: float,
    public_only: bool,
    keyword: str,
    exercises: tuple[str, ...],
    jobs: int | None,
    course_seed: str | None,
    student: str | None,
) -> None:
    """Grade PATH: a folder shaped like exercises/, one topic's .py file, or a notebook."""
    from grader.stubs import submission_is_stub
    from grader.workers import gpu_present, prestart

    if not submission_is_stub(path, topics):  # untouched stubs need no worker, hence no zygote
        prestart(gpu=device == "cuda" or (device == "auto" and gpu_present()))
    from grader import report as render  # imports torch: the zygote boots meanwhile
    from grader.runner import SuiteCrash, UsageProblem, grade

    try:
        result = grade(
            path,
            topics,
            device=device,
            timeout=timeout,
            memory_mb=memory_mb,
            public_only=public_only,
            budget=budget,
            jobs=jobs,
            keyword=keyword,
            exercises=exercises,
            course_seed=course_seed,
            student=student,
        )
    except UsageProblem as exc:
        _usage_exit(str(exc))
    except SuiteCrash as exc:
        click.echo(f"grade: internal error in a suite: {exc}", err=True)
        sys.exit(3)
    if fmt == "json":
        click.echo(render.to_json(result))
    else:
        colour = render.use_colour(sys.stdout)
        click.echo(render.to_table(result, str(path), colour), color=colour)
    sys.exit(result.exit_code)


@main.command("batch")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="folder for the gradebook, exports and feedback",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="grading processes, each on one (submission, topic) at a time [default: the machine's cores]",
)
@limit_options
@click.option("--topic", "topics", multiple=True, help="grade only this topic (repeatable)")
@click.option(
    "--allow-no-sandbox",
    is_flag=True,
    help="grade even where bubblewrap is unavailable (submitted code then runs unconfined)",
)
@click.option(
    "--history",
    "history_of",
    metavar="STUDENT",
    default=None,
    help="print STUDENT's gradings from OUT/gradebook.sqlite and exit without grading",
)
@click.option(
    "--similarity",
    "with_similarity",
    is_flag=True,
    help="also compare the submissions pairwise (as `grade similarity`) into OUT",
)
@click.option(
    "--roster",
    type=RosterFile(),
    default=None,
    help="the class from the LMS (a Canvas gradebook export, or a Moodle / plain CSV): match "
    "submissions to it and write OUT/canvas.csv or OUT/moodle.csv to import, and OUT/unmatched.csv",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    envvar="TORCHGRADE_SCHEDULER",
    default=None,
    help="a Dask scheduler (tcp://host:8786): grade on its workers, keep the gradebook here "
    "[env: TORCHGRADE_SCHEDULER; needs torchgrade[distributed]]",
)
@click.option(
    "--course-seed",
    metavar="SEED",
    default=None,
    help="hidden checks draw each student's own inputs from SEED and their key (kept in the "
    "gradebook; a gradebook keeps one seed)",
)
def batch_command(
    submissions: Path,
    out: Path,
    workers: int | None,
    timeout: float,
    memory_mb: int,
    budget: float,
    topics: tuple[str, ...],
    allow_no_sandbox: bool,
    history_of: str | None,
    with_similarity: bool,
    roster: Roster | None,
    scheduler: str | None,
    course_seed: str | None,
) -> None:
    """Grade every entry of SUBMISSIONS (folders, .zip, topic .py files) into a gradebook."""
    if history_of is not None:
        from grader.batch.exports import NoHistory, student_history

        try:
            click.echo(student_history(out, history_of))
        except NoHistory as exc:
            _usage_exit(str(exc))
        return
    from grader.sandbox import sandbox_status
    from grader.topics import unknown_topic

    if not submissions.is_dir():
        _usage_exit(f"no such folder: {submissions}")
    if out.resolve() == submissions.resolve() or out.resolve().is_relative_to(submissions.resolve()):
        _usage_exit("--out must not lie inside the submissions folder")
    if unknown_topic(topics):
        _usage_exit(unknown_topic(topics))
    usable, how = sandbox_status()
    if scheduler:  # submitted code runs on the Dask workers, which check their own sandbox
        usable = True
        if importlib.util.find_spec("distributed") is None:
            _usage_exit("--scheduler needs Dask: pip install 'torchgrade[distributed]'")
    elif not usable and not allow_no_sandbox:
        _usage_exit(f"no sandbox ({how}); pass --allow-no-sandbox to grade unconfined")
    else:
        from grader.workers import gpu_present, prestart

        prestart(gpu=gpu_present())
    from grader.batch.run import BatchOptions, run_batch  # imports torch: the zygote boots meanwhile
    from grader.runner import UsageProblem

    options = BatchOptions(
        timeout=timeout,
        memory_mb=memory_mb,
        budget=budget,
        topics=topics,
        roster=roster,
        scheduler=scheduler or None,
        allow_no_sandbox=allow_no_sandbox,
        course_seed=course_seed,
    )
    if workers:
        options.workers = workers
    total = sum(1 for p in submissions.iterdir() if not p.name.startswith("."))
    problems = 0

    def describe(row) -> str:
        return f"problems so far: {problems}" if row is not None or problems else ""

    with click.progressbar(
        length=total, label="grading", show_eta=True, show_pos=True, item_show_func=describe, file=sys.stderr
    ) as bar:

        def on_done(row) -> None:
            nonlocal problems
            problems += row is not None and row.status != "graded"
            bar.update(1, row)

        try:
            summary = run_batch(submissions, out, options, on_done)
        except UsageProblem as exc:
            _usage_exit(str(exc))
        except KeyboardInterrupt:
            click.echo(
                "\ninterrupted: finished submissions are in the gradebook; "
                "run the same command again to continue",
                err=True,
            )
            sys.exit(130)
    click.echo(
        f"graded {summary.graded}, unchanged {summary.skipped}, unreadable {summary.rejected}, "
        f"crashed {summary.crashed}; gradebook in {out}",
        err=True,
    )
    if not usable:
        click.echo(f"note: graded WITHOUT a sandbox ({how})", err=True)
    if with_similarity:
        _similarity(submissions, out, topics, defaults.SIMILARITY_THRESHOLD)


def _similarity(submissions: Path, out: Path, topics: tuple[str, ...], threshold: float) -> None:
    from grader.similarity import run_similarity

    run = run_similarity(submissions, out, topics, threshold)
    click.echo(run.summary)
    click.echo(f"similarity.csv, similarity.html and clusters.csv in {out}", err=True)


@main.command("similarity")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="folder for similarity.csv, similarity.html and clusters.csv",
)
@click.option("--topic", "topics", multiple=True, help="compare only this topic (repeatable)")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=defaults.SIMILARITY_THRESHOLD,
    show_default=True,
    help="score from which a pair is flagged and joins a cluster",
)
def similarity_command(submissions: Path, out: Path, topics: tuple[str, ...], threshold: float) -> None:
    """Score every pair of SUBMISSIONS per topic and exercise, ignoring the stub and the reference's idioms.

    SUBMISSIONS is what `grade batch` accepts. Submitted code is parsed, never run.
    """
    from grader.topics import unknown_topic

    if not submissions.is_dir():
        _usage_exit(f"no such folder: {submissions}")
    if out.resolve() == submissions.resolve() or out.resolve().is_relative_to(submissions.resolve()):
        _usage_exit("--out must not lie inside the submissions folder")
    if unknown_topic(topics):
        _usage_exit(unknown_topic(topics))
    _similarity(submissions, out, topics, threshold)


@main.command("notebooks")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="only this topic (repeatable)")
def notebooks_command(out: Path, topics: tuple[str, ...]) -> None:
    """Write one hand-out notebook per topic into OUT, made from the stubs in exercises/."""
    from grader.handouts import write_handouts
    from grader.topics import REPO_ROOT, TOPICS, unknown_topic

    if unknown_topic(topics):
        _usage_exit(unknown_topic(topics))
    written = write_handouts(REPO_ROOT / "exercises", out, list(topics) or list(TOPICS))
    for path in written:
        click.echo(str(path))


@main.command("release")
@click.argument("out", type=click.Path(path_type=Path))
def release_command(out: Path) -> None:
    """Write a student release into OUT: exercises, notebooks, grader, datasets, public checks."""
    from grader.release import write_release

    try:
        write_release(out)
    except FileExistsError as exc:
        _usage_exit(str(exc))
    click.echo(f"release written to {out}")


@main.command("gradescope")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="only this topic (repeatable) [default: all]")
@click.option(
    "--hidden-visibility",
    type=click.Choice(["hidden", "after_due_date", "after_published", "visible"]),
    default="after_published",
    show_default=True,
    help="when students see the hidden checks' results (public checks are always visible)",
)
@limit_options
def gradescope_command(
    out: Path, topics: tuple[str, ...], hidden_visibility: str, timeout: float, budget: float, memory_mb: int
) -> None:
    """Write a Gradescope autograder zip into OUT (setup.sh, run_autograder, the grader and suites)."""
    from grader.gradescope import AutograderProblem, build_autograder

    try:
        written = build_autograder(
            out, topics, hidden_visibility, timeout=timeout, budget=budget, memory_mb=memory_mb
        )
    except AutograderProblem as exc:
        _usage_exit(str(exc))
    click.echo(f"autograder written to {written}")


@main.command("watch")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="re-grade only this topic (repeatable)")
@click.option("-k", "keyword", metavar="EXPR", default="", help=KEYWORD_HELP)
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@limit_options
def watch_command(
    path: Path,
    topics: tuple[str, ...],
    keyword: str,
    device: str,
    timeout: float,
    memory_mb: int,
    budget: float,
) -> None:
    """Grade PATH, then re-grade the topic of each file saved in it (Ctrl-C to stop)."""
    from grader.workers import gpu_present, prestart

    prestart(gpu=device == "cuda" or (device == "auto" and gpu_present()))
    try:  # Ctrl-C at any point, the imports included, stops watching cleanly
        from grader import report as render  # imports torch: the zygote boots meanwhile
        from grader.runner import SuiteCrash, UsageProblem
        from grader.watch import Settings, watch

        colour = render.use_colour(sys.stdout)
        clear = click.clear if sys.stdout.isatty() else lambda: None
        settings = Settings(path, topics, keyword, device, timeout, memory_mb, budget)
        watch(settings, lambda text: click.echo(text, color=colour), colour, clear)
    except KeyboardInterrupt:  # first: it may come before the names below are imported
        click.echo("stopped watching")
    except UsageProblem as exc:
        _usage_exit(str(exc))
    except SuiteCrash as exc:
        click.echo(f"grade: internal error in a suite: {exc}", err=True)
        sys.exit(3)


@main.command("doctor")
def doctor_command() -> None:
    """Check this machine for grading: bubblewrap, user namespaces, seccomp, torch, CUDA,
    memory, the engine; print the fix for each problem. Exit 0 when all is well, 1 otherwise."""
    from grader import doctor
    from grader.report import use_colour

    colour = use_colour(sys.stdout)
    findings = doctor.diagnose()
    click.echo(doctor.render(findings, colour), color=colour)
    sys.exit(0 if all(f.ok for f in findings) else 1)
