"""The suites against a corpus they were not written against (`tests/corpus/`), so that
they catch mistakes their authors did not think of.

Per topic, `tests/corpus/<topic>/` holds

- `correct/`: whole topic modules written independently of `solutions/` (other decompositions,
  loops where the docstring allows them, other allowed torch functions, other module layouts);
  each must score full, with the same maximum as `solutions/<topic>.py`;
- `mistakes/`: a correct module with ONE realistic mistake, named on its first line
  (`# mistake: ... (breaks: <the docstring's clause>)`); at least 95 % of them per topic must
  score below full (the kill rate, printed per topic). Device-ignoring mistakes are among them:
  the device checks run on real data on a second device, so they decide.

The correct modules and the solutions are graded in ONE `grade batch --lang zh_CN` run (a pool
of 2 grading processes), every check included, with a busy loop on every core: the probes' CPU-time limits
must never stop correct code (loops where loops are allowed) on a loaded machine. The mistakes are graded in a fresh process by the same engine
(`runner.run_tasks`) WITHOUT the training (convergence) checks, the slowest: a mistake must be
caught by a check that runs in seconds, so the kill rate printed is a lower bound.

Each mistake module's second line names its cause (`# cause: EXERCISE CAUSE`): the first
diagnosis names it for at least 95 % of them (and where a third line names its hint, `# hint:
FRAGMENT` or `# hint: none`, the lead's hint holds that fragment, or there is none, in both
languages: the learner84 set, `l84_*`), and the corpus as a class, grouped by cause
(grader/batch/causes.py), gives groups at least 95 % pure and 95 % complete against the labels,
better than grouping by the diagnosis's text; no correct module lands in a group, and
submissions that answer nothing (:data:`NO_ANSWERS`: constants, the untouched stub, graded in
the batch run beside the solutions) land in no misconception's group. Both read the two runs
above.

The grade is a function of the code alone: a share of the mistakes (:func:`in_chinese`: every one
whose hint is labelled, a third of the rest), the solutions and the stubs are graded once more in a
Chinese class (`grade --lang zh_CN batch`), a third of the correct modules once more alone in English, and
every module earns the points and causes of its other run (language and path both changed),
every solution full and every stub nothing; with every message replaced, no verdict moves.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import REPO, run_grade
from load import busy_cores

from grader.base.topics import available_topics
from grader.batch.causes import NO_ANSWER, causes_text, class_groups
from grader.batch.gradebook import Row
from grader.checks.verdict.exercises import judge

# The corpus graded once per module fixture: over 900 s on a loaded 2-core machine (load 8)
# since the grid's axes, so the fixtures' limit is twice pytest's default
pytestmark = pytest.mark.timeout(1800)
GRADING_SECONDS = 1800
CORPUS = REPO / "tests" / "corpus"
KINDS = ("correct", "mistakes")
KILL_RATE = 0.95
CAUSE_RATE = 0.95  # the first diagnosis names the labelled cause; the groups' completeness
PURITY = 0.95  # the groups by cause against the labels
# Submissions that answer nothing, graded in the batch run with the correct modules: each
# exercise of theirs must be in its no-answer group, never in a misconception's
NO_ANSWERS = {
    "no_answer-constants_losses": CORPUS / "losses" / "no_answer" / "constants.py",
    "no_answer-stub_losses": REPO / "exercises" / "losses.py",
}
PUBLIC_RATE = 0.95  # the public checks alone, per topic (what a learner sees before handing in)
# The batch written from the docstrings alone before the suites were strengthened against
# edge inputs (`e42_*`, 70/92 caught by the suites of that day): every topic catches at least 99 % of it.
HELD_BACK_PREFIX, HELD_BACK_RATE = "e42_", 0.99
# Every module's points, recorded: a change to the engine must not move one (a change to a suite
# records them again, and the diff shows which modules it moved).
RECORDED = CORPUS / "scores.json"
RECORD_ENV = "TORCHGRADE_RECORD_CORPUS_SCORES"


def corpus_files() -> dict[tuple[str, str], list[Path]]:
    """{(topic, kind): its files}, for every topic that has a corpus."""
    return {
        (topic, kind): sorted((CORPUS / topic / kind).glob("*.py"))
        for topic in available_topics()
        for kind in KINDS
        if (CORPUS / topic).is_dir()
    }


def student(topic: str, kind: str, path: Path) -> str:
    # `grade batch` takes a single file's topic from its name's last `_<topic>`
    return f"{kind}-{path.stem}_{topic}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    """{student: that row's report}: the correct modules and the solutions, graded in one batch
    with a busy loop on every core (no correct module may time out under load), in Chinese (the
    English run of the mistakes beside it: each module in one language, both paths)."""
    root = tmp_path_factory.mktemp("corpus")
    staged = root / "submissions"
    staged.mkdir()
    for (topic, kind), paths in corpus_files().items():
        shutil.copy(REPO / "solutions" / f"{topic}.py", staged / f"solution_{topic}.py")
        for path in paths if kind == "correct" else []:
            shutil.copy(path, staged / f"{student(topic, kind, path)}.py")
    for name, path in NO_ANSWERS.items():
        shutil.copy(path, staged / f"{name}.py")
    with busy_cores():
        done = run_grade(
            "--lang", "zh_CN", "batch", str(staged), "--out", str(root / "out"), "--workers", "2"
        )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads((root / "out" / "gradebook.json").read_text())
    return {row["student"]: row["report"] for row in rows}


# Run in a fresh process: the grading pool forks, and this test process may hold threads of
# earlier tests (a Dask client's, say) that a fork would copy mid-lock.
GRADE_MISTAKES = """
import json, sys
from pathlib import Path
from grader.base.options import Options, Selection
from grader.engine.runner import Task, run_tasks

options = Options(selection=Selection(keyword="not convergence"))
tasks = [Task(path=Path(p), topic=t, single_file=True, options=options) for t, p in json.loads(sys.argv[1])]
scores = {}

hints = json.loads(sys.argv[2])


def clause_hints(result):
    # [exercise, hint] for each clause hint in the diagnosis of an exercise whose values fail,
    # unless a failing value check says it itself (fill_nan's values include leaving x alone)
    found = []
    for exercise in result.exercises:
        values = [
            t for t in result.tests
            if exercise.name in t.exercises and not t.clause and t.cause != "twin"
            and t.status not in ("passed", "skipped")
        ]
        if values:
            found += [
                [exercise.name, hint] for hint in hints
                if hint in exercise.diagnosis and not any(hint in t.message for t in values)
            ]
    return found


def file(task, outcome):
    if isinstance(outcome, Exception):
        raise outcome
    result = outcome.result
    public_caught = any(t.public and t.status not in ("passed", "skipped") for t in result.tests)
    points = {e.name: e.points for e in result.exercises}
    checks = [t.to_json() for t in result.tests]
    scores[str(task.path)] = [result.score, result.max_score, public_caught, clause_hints(result), points, checks]

run_tasks(tasks, 2, file)
print(json.dumps(scores))
"""


# the hints of the clause checks (grader/checks/judging/judge.py and the suites' dtype checks): none may
# lead an exercise whose values are wrong (it would point a beginner at the wrong cause)
CLAUSE_HINTS = [
    "create new tensors on the input's device",
    "on a GPU, .numpy() and other CPU-only calls need .cpu() first",
    "leave the caller's tensors as you found them",
    "work on a copy (x.clone()) or build a new tensor",
    "compute in the input's dtype",
    "use broadcasting and reductions over whole tensors instead",
]


def graded_alone(tasks: list[tuple[str, str]], language: str = "en") -> dict[str, list]:
    """{file: [score, maximum, whether a public check failed, [exercise, clause hint] for each
    clause hint leading an exercise whose values are wrong], {exercise: points}, its checks
    (JSON)} of its topic, every check but the training checks, graded in ``language``."""
    done = subprocess.run(
        [sys.executable, "-c", GRADE_MISTAKES, json.dumps(tasks), json.dumps(CLAUSE_HINTS)],
        capture_output=True,
        text=True,
        timeout=GRADING_SECONDS,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "TORCHGRADE_LANG": language},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def mistakes_graded() -> dict[str, list]:
    """Each mistake module as :func:`graded_alone` grades it, in English (the public checks'
    share comes from the same run: each check's verdict does not depend on which others ran)."""
    return graded_alone([(path.parts[-3], str(path)) for path in of_kind("mistakes") + correct_alone()])


def topic_result(report: dict, topic: str) -> tuple[float, float, list[str]]:
    """(score, maximum, the checks not passed) of ``topic`` in a row's report."""
    found = next(t for t in report["topics"] if t["name"] == topic)
    missed = [t["id"] for t in found["tests"] if t["status"] not in ("passed", "skipped")]
    return found["score"], found["max_score"], missed


@pytest.mark.unit
def test_each_topic_of_the_corpus_is_complete():
    files = corpus_files()
    topics = sorted({topic for topic, _ in files})
    assert topics == sorted(available_topics()), "every topic needs a corpus"
    for topic in topics:
        assert len(files.get((topic, "correct"), [])) >= 10, topic
        assert len(files.get((topic, "mistakes"), [])) >= 10, topic
    for paths in files.values():
        for path in paths:
            first = path.read_text().splitlines()[0]
            kind = path.parent.name
            prefix = "# correct" if kind == "correct" else "# mistake: "
            assert first.startswith(prefix), f"{path}: the first line must say what it is"
            if kind != "correct":
                assert "(breaks: " in first, f"{path}: the first line must name the broken clause"


@pytest.mark.e2e
def test_correct_implementations_score_full_with_one_maximum(graded):
    wrong = []
    for (topic, kind), paths in corpus_files().items():
        if kind != "correct":
            continue
        _, full, _ = topic_result(graded[f"solution_{topic}"], topic)
        for path in paths:
            score, maximum, missed = topic_result(graded[student(topic, kind, path)], topic)
            if not (score == maximum == full > 0):
                wrong.append(f"{topic}/{path.name}: {score}/{maximum} (solutions: {full}); {missed}")
    assert not wrong, "correct code not given full marks:\n" + "\n".join(wrong)


@pytest.mark.e2e
def test_mistakes_are_caught(mistakes_graded, record_property):
    lines, below = [], []
    for (topic, kind), paths in corpus_files().items():
        if kind == "correct" or not paths:
            continue
        survivors, public = [], 0
        for path in paths:
            score, maximum, public_caught, *_ = mistakes_graded[str(path)]
            if score >= maximum:
                survivors.append(path.name)
            public += bool(public_caught)
        rate = 1 - len(survivors) / len(paths)
        held_back = [p for p in paths if p.name.startswith(HELD_BACK_PREFIX)]
        held_rate = 1 - sum(name.startswith(HELD_BACK_PREFIX) for name in survivors) / max(1, len(held_back))
        lines.append(
            f"{topic:10s} killed {len(paths) - len(survivors):3d}/{len(paths):3d} ({rate:.0%}); "
            f"public checks alone {public:3d}/{len(paths):3d} ({public / len(paths):.0%})"
            f"{'  survivors: ' + ', '.join(survivors) if survivors else ''}"
        )
        record_property(f"kill_rate_{topic}", round(rate, 4))
        record_property(f"public_catch_rate_{topic}", round(public / len(paths), 4))
        if rate < KILL_RATE:
            below.append(f"{topic}: {rate:.0%}")
        if held_rate < HELD_BACK_RATE:
            below.append(
                f"{topic}: {held_rate:.0%} of the {HELD_BACK_PREFIX}* batch (at least {HELD_BACK_RATE:.0%})"
            )
        if public / len(paths) < PUBLIC_RATE:
            below.append(
                f"{topic}: public checks alone {public / len(paths):.0%} (at least {PUBLIC_RATE:.0%})"
            )
    print(
        "\ncorpus kill rates (every check but training; the public checks' share beside it)\n"
        + "\n".join(lines)
    )
    assert not below, f"kill rates below their floors: {below}"


@pytest.mark.e2e
def test_no_clause_hint_leads_an_exercise_whose_values_are_wrong(mistakes_graded):
    """Over the one-mistake modules: per failing exercise, count the clause hints in its
    diagnosis while its value checks fail (a value mistake used to fail its dtype and device
    checks too, each with a hint pointing elsewhere)."""
    found = {path: hints for path, (_, _, _, hints, *_) in mistakes_graded.items() if hints}
    assert not found, "clause hints under wrong values:\n" + "\n".join(
        f"{Path(path).name}: {hints}" for path, hints in found.items()
    )


def corpus_points(graded: dict[str, dict], mistakes_graded: dict[str, list]) -> dict[str, dict]:
    """{topic/kind/file: {"score", "max", "exercises": {name: points}}}: the correct modules from
    the batch run (every check), the mistakes from their run (every check but training)."""
    table: dict[str, dict] = {}
    for (topic, kind), paths in corpus_files().items():
        for path in paths:
            name = str(path.relative_to(CORPUS))
            if kind == "correct":
                found = next(t for t in graded[student(topic, kind, path)]["topics"] if t["name"] == topic)
                points = {e["name"]: e["points"] for e in found["exercises"]}
                table[name] = {"score": found["score"], "max": found["max_score"], "exercises": points}
            else:
                score, maximum, _, _, points, _ = mistakes_graded[str(path)]
                table[name] = {"score": score, "max": maximum, "exercises": points}
    return table


@pytest.mark.e2e
def test_every_module_scores_as_recorded(graded, mistakes_graded):
    """The points of every corpus module, per exercise, against tests/corpus/scores.json (recorded
    with ``TORCHGRADE_RECORD_CORPUS_SCORES=1`` and this test; a suite's change records it again)."""
    table = corpus_points(graded, mistakes_graded)
    if os.environ.get(RECORD_ENV):
        RECORDED.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    recorded = json.loads(RECORDED.read_text())
    moved = [
        f"{name}: {recorded.get(name)} -> {now}"
        for name, now in sorted(table.items())
        if recorded.get(name) != now
    ]
    gone = sorted(set(recorded) - set(table))
    assert not moved and not gone, "points moved:\n" + "\n".join(moved + [f"{name}: gone" for name in gone])


# -- causes: each mistake module's second line names its cause, `# cause: EXERCISE CAUSE` (the
# exercise its edit touched, the cause in grader/checks/verdict/exercises.py ``cause_of``'s words) ------


def label(path: Path) -> tuple[str, str]:
    """(exercise, cause) from a mistake module's second line."""
    second = path.read_text().splitlines()[1]
    assert second.startswith("# cause: "), f"{path}: the second line must name the cause"
    exercise, cause = second.removeprefix("# cause: ").split(" ", 1)
    return exercise, cause


def in_chinese() -> list[Path]:
    """The mistakes graded again in the Chinese class: every one whose third line labels its hint
    (the hints must fit in both languages), and every third of the rest of each topic (the
    language and the path are the same code for every module: a share finds a verdict that reads
    either, at a third of the CI time; the English run grades them all)."""
    chosen = []
    for topic in sorted({path.parts[-3] for path in of_kind("mistakes")}):
        rest = []
        for path in (p for p in of_kind("mistakes") if p.parts[-3] == topic):
            third = (path.read_text().splitlines() + [""] * 3)[2]
            (chosen if third.startswith("# hint: ") else rest).append(path)
        chosen += rest[::3]
    return chosen


def hint_fits(path: Path, diagnosis: str) -> bool:
    """Whether the lead's hint is the one a mistake module's third line names, where it names one
    (``# hint: FRAGMENT``, the same in both languages: code, a formula): the hint line holds it;
    ``# hint: none``: the lead shows no hint (none is better than a wrong one)."""
    third = (path.read_text().splitlines() + [""] * 3)[2]
    if not third.startswith("# hint: "):
        return True
    fragment = third.removeprefix("# hint: ")
    hints = [line for line in diagnosis.splitlines() if line.strip().startswith(HINT_WORDS)]
    return not hints if fragment == "none" else any(fragment in line for line in hints)


HINT_WORDS = (
    "hint: ",
    "提示：",
)  # a hint line's opening in each language (grader/checks/judging/judge.py hinted)


def of_kind(kind: str) -> list[Path]:
    return [path for (_, found), paths in corpus_files().items() if found == kind for path in paths]


def correct_alone() -> list[Path]:
    """The correct modules graded again alone in English (every one is graded in the Chinese
    class, every check): every third of each topic, as :func:`in_chinese` chooses the mistakes
    (the path and the language are the same code for every module: a third at a third of the CI time)."""
    return [path for (_, kind), paths in corpus_files().items() if kind == "correct" for path in paths[::3]]


def class_row(path: Path, tests: list[dict]) -> Row:
    """A module as a class's row: one topic, its checks."""
    name = f"{path.parent.name}-{path.parts[-3]}-{path.stem}"
    return Row(name, name, "v", "graded", "", report={"topics": [{"name": path.parts[-3], "tests": tests}]})


@pytest.mark.e2e
def test_the_first_diagnosis_names_the_labelled_cause(mistakes_graded, graded_in_chinese, record_property):
    """At least 95 % of the mistake modules: the first exercise not full, and its cause, graded
    alone in English (all) and in a Chinese class (:func:`in_chinese`) alike
    (tests/grader/measure_causes.py: per topic)."""
    for language, paths, checks_of in (
        ("en", of_kind("mistakes"), lambda path: mistakes_graded[str(path)][5]),
        ("zh_CN", in_chinese(), lambda path: graded_in_chinese[str(path)]),
    ):
        missed, misled = [], []
        for path in paths:
            first = next(e for e in judge(checks_of(path)) if e.status not in ("passed", "skipped"))
            if (first.name, first.cause) != label(path):
                missed.append(
                    f"{path.parts[-3]}/{path.name}: {label(path)}, first {(first.name, first.cause)}"
                )
            elif not hint_fits(path, first.diagnosis):
                misled.append(f"{path.parts[-3]}/{path.name}: {first.diagnosis}")
        assert not misled, f"a labelled cause's hint ({language}):\n" + "\n".join(misled)
        rate = 1 - len(missed) / len(paths)
        record_property(f"cause_rate_{language}", round(rate, 3))
        print(
            f"the first diagnosis names the labelled cause ({language}): {len(paths) - len(missed)}/{len(paths)} = {rate:.3f}"
        )
        assert rate >= CAUSE_RATE, language + ":\n" + "\n".join(missed)


def purity_completeness(
    items: dict[str, tuple[str, str]], group_of: Callable[[str], object]
) -> tuple[float, float]:
    """(purity, completeness) of grouping ``items`` (student → label) by ``group_of``."""
    groups: dict[object, Counter] = {}
    labels: dict[tuple[str, str], Counter] = {}
    for name, labelled in items.items():
        group = group_of(name)
        groups.setdefault(group, Counter())[labelled] += 1
        labels.setdefault(labelled, Counter())[group] += 1
    n = len(items)
    purity = sum(max(c.values()) for c in groups.values()) / n
    return purity, sum(max(c.values()) for c in labels.values()) / n


def class_rows(graded: dict[str, dict], mistakes_graded: dict[str, list]) -> list[Row]:
    """The corpus as one class: the mistakes' checks from their run, the correct modules' and
    :data:`NO_ANSWERS`' from the batch run (every check)."""
    rows = [class_row(path, mistakes_graded[str(path)][5]) for path in of_kind("mistakes")]
    for path in of_kind("correct"):
        topic = path.parts[-3]
        report = graded[student(topic, "correct", path)]
        rows.append(class_row(path, next(t for t in report["topics"] if t["name"] == topic)["tests"]))
    for name in NO_ANSWERS:
        rows.append(Row(name, name, "v", "graded", "", report=graded[name]))
    return rows


@pytest.mark.e2e
def test_groups_by_cause_are_pure_complete_and_beat_the_message_text(
    graded, mistakes_graded, record_property
):
    """The corpus as a class, grouped by cause (grader/batch/causes.py): the groups are at least
    95 % pure and 95 % complete against the labels, and beat grouping by the diagnosis's text in
    the same run; no correct module lands in a group; constants and the untouched stub
    (:data:`NO_ANSWERS`) land in each exercise's no-answer group and in no other (constants sat
    in huber's, mse's and entropy's misconception groups, and their notes' points reached them)."""
    rows = class_rows(graded, mistakes_graded)
    groups = class_groups(rows)
    assert not [s for g in groups for s in g.students if s.startswith("correct-")], (
        "a correct module in a group"
    )
    for name in NO_ANSWERS:
        placed = {(g.exercise, g.cause) for g in groups if name in g.students}
        misplaced = sorted(f"{e} {c}" for e, c in placed if c != NO_ANSWER)
        assert not misplaced, f"{name} in a misconception's group: {misplaced}"
        assert len(placed) == len(judge(graded[name]["topics"][0]["tests"])), name  # every exercise
    items = {class_row(p, []).student: label(p) for p in of_kind("mistakes")}
    by_cause = {(s, g.exercise.split(".", 1)[1]): g.cause for g in groups for s in g.students}
    # the text an instructor would group by: the first line of the exercise's diagnosis
    said = {
        r.student: {e.name: e.diagnosis.split("\n", 1)[0] for e in judge(r.report["topics"][0]["tests"])}
        for r in rows
        if r.student in items
    }

    def cause_group(name: str) -> object:
        exercise = items[name][0]
        return exercise, by_cause.get((name, exercise), f"full: {name}")

    def text_group(name: str) -> object:
        exercise = items[name][0]
        failing = (name, exercise) in by_cause
        return exercise, said[name][exercise] if failing else f"full: {name}"

    purity, completeness = purity_completeness(items, cause_group)
    text_purity, text_completeness = purity_completeness(items, text_group)
    silent = sum(cause_group(name)[1] == NO_ANSWER for name in items)
    lines = len(causes_text(groups).splitlines())
    for name, value in [("purity", purity), ("completeness", completeness), ("text_purity", text_purity),
                        ("text_completeness", text_completeness)]:  # fmt: skip
        record_property(name, round(value, 3))
    print(f"by cause: purity {purity:.3f}, completeness {completeness:.3f}; "
          f"by message text: purity {text_purity:.3f}, completeness {text_completeness:.3f}; "
          f"{len(groups)} groups, {lines} lines listed; {silent} of {len(items)} mistakes answer "
          "nothing to the checks (no value check right, every one off at the values stage)")  # fmt: skip
    assert purity >= PURITY and completeness >= CAUSE_RATE
    # text groups are as fine as the messages, so nearly pure by construction: causes must be as
    # complete as they and better on the two together
    assert completeness >= text_completeness
    assert purity + completeness > text_purity + text_completeness


# -- the grade is a function of the code alone: the same points and causes in every language --


def verdict_data(checks: list[dict]) -> list[tuple[str, float, str, str]]:
    """(exercise, points, status, cause) of each exercise: what a grade and a group are made of."""
    return [(e.name, e.points, e.status, e.cause) for e in judge(checks)]


@pytest.fixture(scope="module")
def graded_in_chinese(tmp_path_factory) -> dict[str, list]:
    """{file: its checks (JSON)}: the mistake modules :func:`in_chinese` chooses, the solutions and
    the stubs graded in ONE
    ``grade --lang zh_CN batch`` run without the training checks (the other path and the other
    language than :func:`mistakes_graded`'s; the correct modules take the batch path in Chinese
    in :func:`graded` and the alone path in English in :func:`mistakes_graded`)."""
    root = tmp_path_factory.mktemp("chinese")
    staged, files = root / "submissions", {}
    staged.mkdir()
    for path in in_chinese():
        files[student(path.parts[-3], "mistakes", path)] = path
    for folder in ("solutions", "exercises"):
        for topic in available_topics():
            files[f"{folder}_{topic}"] = REPO / folder / f"{topic}.py"
    for name, path in files.items():
        shutil.copy(path, staged / f"{name}.py")
    done = run_grade(
        "--lang", "zh_CN", "batch", str(staged), "--out", str(root / "out"), "--workers", "2",
        "-k", "not convergence",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {row["student"]: row for row in json.loads((root / "out" / "gradebook.json").read_text())}
    return {str(path): rows[name]["report"]["topics"][0]["tests"] for name, path in files.items()}


def without_training(checks: list[dict]) -> list[dict]:
    return [t for t in checks if t["kind"] != "convergence"]


@pytest.mark.e2e
def test_every_module_earns_the_same_points_and_causes_in_every_language_and_path(
    mistakes_graded, graded_in_chinese, graded
):
    """Grading reads no rendered message and no other submission: the points per exercise and
    the cause of every diagnosis are the same for every mistake module graded alone in English
    and in a class in Chinese, and for every correct module graded alone in English and in a
    class in Chinese (the training checks left out of both); every solution is full and every
    stub earns nothing in the Chinese class."""
    moved = [
        f"{path.parts[-3]}/{path.name}: {english} -> {chinese}"
        for path in in_chinese()
        if (english := verdict_data(mistakes_graded[str(path)][5]))
        != (chinese := verdict_data(graded_in_chinese[str(path)]))
    ]
    for topic, kind, path in ((p.parts[-3], "correct", p) for p in correct_alone()):
        chinese_checks = next(t for t in graded[student(topic, kind, path)]["topics"] if t["name"] == topic)
        if (english := verdict_data(mistakes_graded[str(path)][5])) != (
            chinese := verdict_data(without_training(chinese_checks["tests"]))
        ):
            moved.append(f"{topic}/correct/{path.name}: {english} -> {chinese}")
    assert not moved, "the language or the path moved a grade or a cause:\n" + "\n".join(moved)
    for topic in available_topics():
        data = verdict_data(graded_in_chinese[str(REPO / "solutions" / f"{topic}.py")])
        assert all(points > 0 and status == "passed" for _, points, status, _ in data), (topic, data)
        stub = verdict_data(graded_in_chinese[str(REPO / "exercises" / f"{topic}.py")])
        assert {e[1:3] for e in stub} == {(0.0, "not_started")}, (topic, stub)


@pytest.mark.e2e
def test_a_verdict_is_the_same_whatever_its_messages_say(mistakes_graded):
    """The verdict (points, status, cause) of every mistake module is made of its checks'
    structured fields: with every message replaced, nothing moves."""
    moved = []
    for path in of_kind("mistakes"):
        checks = mistakes_graded[str(path)][5]
        other = [{**t, "message": f"检查未通过 {i}"} for i, t in enumerate(checks)]
        if verdict_data(checks) != verdict_data(other):
            moved.append(f"{path.parts[-3]}/{path.name}")
    assert not moved, "a verdict read a message:\n" + "\n".join(moved)
