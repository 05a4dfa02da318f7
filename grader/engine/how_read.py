"""The "how" of a topic's exercises read from its source as graded: off-limits functions and the
loops of vectorised exercises, charged to a topic's result after its checks ran
(:func:`grader.engine.runner.grade_topic`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.base import topics
from grader.checks.verdict.scoring import TopicResult
from grader.engine.subset import submission as subset


@dataclass(frozen=True)
class Rules:
    """What the suite and the subset's verdict say of the "how": the refused lines' stand-ins by
    file, the off-limits functions, the vectorised exercises and their counted operations."""

    replaced: dict[str, str]
    off_limits: dict[str, dict[str, str]]
    vectorised: tuple[str, ...]
    counts: dict[str, tuple[str, ...]] | None = None
    ran: dict[str, tuple[int, ...]] | None = None  # what the import ran, by line (sandboxed/at_import.py)


def judge_how(result: TopicResult, path: Path, topic: str, single_file: bool, how: Rules) -> None:
    """The "how" read from the topic's file as graded (its refused lines stubbed out): the
    off-limits functions (:mod:`subset_twins`, from its exercises' reachable code) and the loops
    of vectorised exercises (:mod:`over_data`, followed from their inputs into the helper files
    beside it). Only for the exercises the run's checks judge (``--exercise``: what it charges
    is the same, the others' reading skipped)."""
    from grader.engine.loops import over_data
    from grader.engine.sources import parsed
    from grader.engine.subset import twins as subset_twins

    file = f"{topic}.py"
    judged = {exercise for test in result.tests for exercise in test.exercises}
    rules = subset_twins.declared(how.off_limits)  # every exercise's: another's definition is read by its own
    wanted, vectorised = judged & set(rules), tuple(e for e in how.vectorised if e in judged)
    if not (wanted or vectorised):
        return
    sources = subset.sources_of(path, topic, single_file)
    source = how.replaced.get(file) or sources.get(file)
    if not source:
        return
    exercises = subset.exercises_of(topic)
    ran = subset_twins.Ran(how.ran or {}, how.off_limits)
    found = subset_twins.twins(sources, file, source, rules, wanted, exercises, topics.parameters(topic), ran)
    subset_twins.charge(result, found, file)
    try:  # a clock of its own
        helpers, params = over_data.helpers_of(sources, file), over_data.stated(topic)
        loops = over_data.loops(source, vectorised, exercises, helpers, file, params, how.counts)
    except parsed.OverBudget:
        return
    over_data.charge(result, loops, file)
