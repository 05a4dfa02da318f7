"""``grade watch PATH``: grade once, then re-grade the topic of each file the learner saves (which saves
count, and why a re-grade costs only the topic's grading: docs/architecture.md, "The inner loop")."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles

from grader import report as render
from grader.apps.course_points import applied
from grader.apps.ticker import Step, quiet
from grader.apps.warm import warm_up
from grader.base.i18n import _
from grader.base.options import Options
from grader.base.topics import TOPICS
from grader.checks.verdict.scoring import Report
from grader.engine.progress import Event, LiveLines
from grader.engine.runner import (
    SuiteCrash,
    UsageProblem,
    chosen_topics,
    grade,
    resolve_device,
)


@dataclass(frozen=True)
class Settings:
    """What ``grade watch`` grades: PATH, with ``grade check``'s options."""

    path: Path
    options: Options = field(default_factory=Options)

    @property
    def topics(self) -> tuple[str, ...]:
        return self.options.selection.topics


WAKE_MS = 500  # with no save, the watcher wakes this often; its first wake-up starts the first grading
Target = tuple[Path, tuple[str, ...]]  # what to grade: a path and its --topic selection


def targets(saved: Iterable[Path], settings: Settings) -> list[Target]:
    """What the saved files ask to re-grade, each once, in a stable order."""
    root = settings.path.resolve()
    found: list[Target] = []
    for path in sorted({p.resolve() for p in saved}):
        if not path.is_file():
            continue  # deleted, or an editor's file renamed away
        if root.is_file():
            target: Target | None = (settings.path, settings.topics) if path == root else None
        elif path.parent != root:
            target = None
        elif path.suffix == ".py" and path.stem in TOPICS:
            chosen = not settings.topics or path.stem in settings.topics
            target = (settings.path, (path.stem,)) if chosen else None
        elif path.suffix == ".ipynb":
            target = (path, ())
        else:
            target = None
        if target is not None and target not in found:
            found.append(target)
    return found


def _grade(target: Target, settings: Settings) -> Report:
    path, topics = target
    return applied(grade(path, settings.options.with_topics(topics), remember=True))


def grade_and_render(target: Target, settings: Settings, colour: bool) -> str:
    """The report of one grading as the table, or the one line that says why it could not run."""
    try:
        result = _grade(target, settings)
    except UsageProblem as exc:
        return f"grade: {exc}"
    except SuiteCrash as exc:
        return "grade: " + _("internal error in a suite: %(error)s") % {"error": str(exc).splitlines()[0]}
    return render.to_table(result, str(target[0]), colour, where=target[0])


def _warm(topics: list[str], settings: Settings) -> None:
    """Collect the watched ``topics``' suites in this process and wait for the zygote now: a first
    grading of untouched stubs read their tables of checks (grader/engine/check_table.py) without
    torch, pytest or a worker, and the first save must not pay for them."""
    warm_up(topics, settings.options.limits.timeout, resolve_device(settings.options.device) == "cuda")


def _relevant(change: watchfiles.Change, path: str) -> bool:
    """Python files and notebooks; not an editor's swap, backup or hidden files."""
    name = Path(path).name
    return (
        change != watchfiles.Change.deleted and name.endswith((".py", ".ipynb")) and not name.startswith(".")
    )


def _queued(topics: Iterable[str], live: Callable[[], LiveLines] | None) -> LiveLines | None:
    """The first grading's live lines, drawn as the watch starts: its topics queued while the
    watcher gets in place (its first wake-up), then graded."""
    if live is None:
        return None
    progress = live()
    for topic in topics:
        progress(Event(topic, "queued"))
    return progress


def _first_grade(settings: Settings, progress: LiveLines | None) -> Report:
    """The first grading, with a terminal's live line per topic (``progress``) while it runs."""
    try:
        return applied(
            grade(
                settings.path, settings.options.with_topics(settings.topics), progress=progress, remember=True
            )
        )
    finally:
        if progress is not None:
            progress.close()


def _closing_first(
    changes: Iterator[set[tuple[watchfiles.Change, str]]], progress: LiveLines | None
) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """The watcher's wake-ups; the first grading's live lines stopped however the watch ends
    (a Ctrl-C before its first wake-up too)."""
    try:
        yield from changes
    finally:
        if progress is not None:
            progress.close()


def watch(
    settings: Settings,
    show: Callable[[str], None],
    colour: bool = False,
    clear: Callable[[], None] = lambda: None,
    live: Callable[[], LiveLines] | None = None,
    step: Step = quiet,
) -> None:
    """Grade ``settings.path`` once, then re-grade on every save until Ctrl-C (KeyboardInterrupt, for the
    caller). An unusable PATH raises :class:`UsageProblem`; a problem with a re-grade is shown, not raised. On
    a terminal, ``live`` makes the first grading's progress lines and ``step`` shows the warm-up after it."""
    topics = chosen_topics(settings.path, settings.options)[0]
    folder = settings.path if settings.path.is_dir() else settings.path.parent
    waiting = _("watching %(path)s: save a file to re-grade its topic; Ctrl-C to stop") % {
        "path": settings.path
    }
    started = False
    progress = _queued(topics, live)
    # The first grading runs once the watcher is in place (its first wake-up), so a save
    # made during it is not lost: it is re-graded next.
    changes_seen = watchfiles.watch(
        folder,
        watch_filter=_relevant,
        recursive=False,
        raise_interrupt=True,
        rust_timeout=WAKE_MS,
        yield_on_timeout=True,
    )
    for changes in _closing_first(changes_seen, progress):
        if not started:
            started = True
            show(
                render.to_table(
                    _first_grade(settings, progress), str(settings.path), colour, where=settings.path
                )
            )
            with step(_("warming up for the next save (suites, zygote)")):
                _warm(topics, settings)
            show(waiting)
            continue
        due = targets((Path(p) for _, p in changes), settings)
        if not due:
            continue
        clear()
        for target in due:
            saved = target[0].name if not target[1] else ", ".join(target[1])
            show(
                _("%(time)s saved: re-grading %(saved)s")
                % {"time": time.strftime("%H:%M:%S"), "saved": saved}
            )
            show(grade_and_render(target, settings, colour))
        show(waiting)
