"""What a grading run selects (topics, exercises, ``-k``), decided before torch is imported (files
read and text parsed only: docs/architecture.md, "Selection before imports")."""

from __future__ import annotations

import difflib
from pathlib import Path

from grader.base.i18n import _
from grader.base.topics import TOPICS, available_topics, exercises, suites_dir, unknown_topic
from grader.engine.sources import notebooks
from grader.engine.staging import StagingError, topic_files, topic_of_file


class UsageProblem(ValueError):
    """Unusable input: the CLI prints the message on one line and exits 2."""


def select_topics(path: Path, topics: tuple[str, ...] = ()) -> tuple[list[str], str | None, str]:
    """(topics to grade, topic of a single-file submission, how that topic was chosen)
    or :class:`UsageProblem`."""
    if unknown_topic(topics):
        unknown = next(t for t in topics if t not in TOPICS)
        raise UsageProblem(
            _("unknown topic %(topic)s; topics: %(topics)s")
            % {"topic": repr(unknown), "topics": ", ".join(TOPICS)}
        )
    if not path.exists():
        raise UsageProblem(_("no such file or folder: %(path)s") % {"path": path})
    if path.is_dir():
        if not topic_files(path):
            raise UsageProblem(
                _("%(path)s holds no topic file (%(files)s)")
                % {"path": path, "files": ", ".join(t + ".py" for t in TOPICS)}
            )
        single_topic, selected, rule = None, list(topics) or available_topics(), ""
    elif path.suffix not in (".py", ".ipynb"):
        raise UsageProblem(
            _("%(name)s: grade a folder shaped like exercises/, one topic's .py file or a notebook")
            % {"name": path.name}
        )
    elif len(topics) > 1:
        raise UsageProblem(_("a single file answers one topic: pass at most one --topic"))
    else:
        given = topics[0] if topics else None
        try:
            if path.suffix == ".ipynb":
                single_topic, rule = notebooks.topic_of(path, notebooks.read(path), given)
            else:
                single_topic, rule = topic_of_file(path, given), ""
        except (StagingError, notebooks.NotebookError) as exc:
            raise UsageProblem(str(exc)) from None
        selected = [single_topic]
    available = available_topics()
    missing = [t for t in selected if t not in available]
    if missing:
        raise UsageProblem(
            _("no suite for topic %(topic)s in %(folder)s")
            % {"topic": repr(missing[0]), "folder": suites_dir()}
        )
    return selected, single_topic, rule


def exercise_names(topic: str) -> tuple[str, ...]:
    """A topic's exercises, in its stub's order: the manifest's trusted list (grader/base/topics.py),
    never the learner's file, which may not parse, be empty or carry an editor's BOM."""
    return exercises(topic)


def topics_with_exercises(selected: list[str], exercises: tuple[str, ...]) -> list[str]:
    """The topics of ``selected`` that hold one of ``exercises`` (all when none are named), or
    :class:`UsageProblem` naming an exercise that none holds, with the exercises there are."""
    if not exercises:
        return selected
    names = {topic: exercise_names(topic) for topic in selected}
    for wanted in exercises:
        if not any(wanted in held for held in names.values()):
            raise UsageProblem(_unknown_exercise(wanted, names))
    return [topic for topic in selected if set(exercises) & set(names[topic])]


def _unknown_exercise(wanted: str, names: dict[str, tuple[str, ...]]) -> str:
    home = {name: topic for topic, held in names.items() for name in held}
    close = difflib.get_close_matches(wanted, list(home), n=3, cutoff=0.6)
    guess = f"; did you mean {' or '.join(f'{c!r} ({home[c]})' for c in close)}?" if close else ""
    if len(names) == 1:
        ((topic, held),) = names.items()
        return f"no exercise {wanted!r} in {topic}{guess} (its exercises: {', '.join(held)})"
    listed = ", ".join(f"exercises/{topic}.py" for topic in names)
    return f"no exercise {wanted!r} in {listed}{guess} (exercises are their functions and classes)"


def keyword_problem(expression: str) -> str:
    """Why ``expression`` is not a usable ``-k EXPR``, or ''."""
    from grader.engine.pytest_compat import keyword_filter

    try:
        keyword_filter(expression)
    except Exception as exc:  # SyntaxError in pytest 9, ParseError in pytest 8
        return f"-k {expression!r} is not a valid expression: {getattr(exc, 'msg', exc)}"
    return ""


def preflight(
    path: Path, topics: tuple[str, ...], exercises: tuple[str, ...] = (), keyword: str = ""
) -> list[str]:
    """The topics a run will grade, or :class:`UsageProblem`, without importing torch."""
    selected, _, _ = select_topics(path, topics)
    if keyword and keyword_problem(keyword):
        raise UsageProblem(keyword_problem(keyword))
    return topics_with_exercises(selected, exercises)


def choice(exercises: tuple[str, ...], keyword: str) -> str:
    """The options that restrict a run to some checks, as typed ('' when every check counts)."""
    return " ".join([f"--exercise {name}" for name in exercises] + ([f"-k {keyword!r}"] if keyword else []))


def describe(exercises: tuple[str, ...], keyword: str) -> str:
    """The header line of a restricted report ('' when every check was chosen)."""
    chosen = choice(exercises, keyword)
    return (
        _("only the checks chosen by %(chosen)s: the score is theirs alone") % {"chosen": chosen}
        if chosen
        else ""
    )
