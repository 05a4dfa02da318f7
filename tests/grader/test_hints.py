"""``grade hint EXERCISE``: a ladder of at least three hints for every exercise, one step further
each call, and never a line of a solution; ``grade solution`` only where solutions/ may be shown."""

from __future__ import annotations

import ast

import pytest
from helpers import FILE_STATES, REPO, run_grade

from grader.apps import hints, leaks
from grader.apps.leaks import LeakFound
from grader.base.topics import TOPICS


def _exercises(topic: str) -> list[str]:
    """As tests/grader/test_exercise_map.py enumerates them: the stub's public definitions."""
    tree = ast.parse((REPO / "exercises" / f"{topic}.py").read_text())
    return [
        n.name
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_")
    ]


EVERY_EXERCISE = [name for topic in TOPICS for name in _exercises(topic)]


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCHGRADE_STATE", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.mark.unit
def test_every_exercise_of_every_topic_has_a_ladder_of_three_distinct_hints():
    for topic in TOPICS:
        ladders = hints.parse(hints.hints_file(topic).read_text(encoding="utf-8"))
        assert set(ladders) == set(_exercises(topic)), topic
        for name, ladder in ladders.items():
            assert len(ladder) >= 3 and len(set(ladder)) == len(ladder), (topic, name)


@pytest.mark.unit
def test_each_call_gives_a_different_further_hint_for_every_exercise(state):
    for name in EVERY_EXERCISE:
        shown = [hints.next_hint(name) for _ in range(4)]
        assert [h.level for h in shown] == [1, 2, 3, min(4, shown[0].total)], name
        assert len({h.text for h in shown[:3]}) == 3, name
        assert shown[-1].last  # past the end: the last hint again, said to be the last


@pytest.mark.unit
def test_reset_starts_one_exercise_again_and_leaves_the_others(state):
    hints.next_hint("softmax"), hints.next_hint("softmax"), hints.next_hint("mse")
    hints.reset_hints("softmax")
    assert hints.next_hint("softmax").level == 1 and hints.next_hint("mse").level == 2
    hints.reset_hints(None)
    assert hints.next_hint("mse").level == 1


@pytest.mark.unit
def test_the_hints_hold_no_line_of_a_solution():
    texts = {f"hints/{p.name}": p.read_text(encoding="utf-8") for p in (REPO / "hints").glob("*.md")}
    assert leaks.prose_leaks(texts, REPO) == []


@pytest.mark.unit
def test_a_hint_that_gives_a_solutions_line_away_is_refused():
    """Hostile: a hint with a line of solutions/ in it (blanks and backticks changed) is found,
    and the release's scan refuses to write it (seen failing with prose_leaks left out of refuse)."""
    line = next(
        line.strip()
        for line in (REPO / "solutions" / "losses.py").read_text().splitlines()
        if "torch.exp" in line and "-" in line
    )
    prose = {
        "hints/losses.md": f"## softmax\n- a, then b\n- Shape of the code: `{'  '.join(line.split())}`\n"
    }
    (found,) = leaks.prose_leaks(prose, REPO)
    assert found.file == "hints/losses.md" and found.line == 3 and "solutions/" in found.what
    with pytest.raises(LeakFound):
        leaks.refuse({}, {}, checkout=REPO, prose=prose)


@pytest.mark.unit
def test_no_solution_where_the_course_turned_them_off(monkeypatch):
    assert "def mse(" in hints.solution("mse") and "def _reduce(" in hints.solution("mse")
    monkeypatch.setenv(hints.NO_SOLUTIONS_ENV, "1")
    with pytest.raises(hints.UsageProblem, match="grade hint mse"):
        hints.solution("mse")


@pytest.mark.e2e
def test_grade_hint_goes_one_level_further_each_call(tmp_path):
    env = {"TORCHGRADE_STATE": str(tmp_path)}
    shown = [run_grade("hint", "huber", env=env, fresh=True) for _ in range(3)]
    assert all(done.returncode == 0 for done in shown), shown[0].stderr
    firsts = [done.stdout.splitlines()[0] for done in shown]
    assert [f.split(" for ")[0] for f in firsts] == ["hint 1/3", "hint 2/3", "hint 3/3"]
    assert "grade solution huber" in shown[-1].stdout
    assert run_grade("hint", "huber", "--reset", env=env, fresh=True).returncode == 0
    again = run_grade("hint", "huber", env=env, fresh=True)
    assert again.stdout.splitlines()[0] == firsts[0]
    unknown = run_grade("hint", "hubr", env=env, fresh=True)
    assert (
        unknown.returncode == 2
        and "did you mean 'huber'" in unknown.stderr
        and "Traceback" not in unknown.stderr
    )


@pytest.mark.e2e
@pytest.mark.parametrize("state", FILE_STATES)
def test_hint_whatever_state_the_learners_file_is_in(tmp_path, state):
    """The exercise's topic comes from the course, not from parsing the learner's file (a
    release's exercises/ edited in place: broken, empty, with a BOM or CRLF line ends)."""
    from test_learner import grade_in, learner_course

    course = learner_course(tmp_path, state)
    done = grade_in(course, "hint", "mse")
    assert done.returncode == 0 and done.stdout.startswith("hint 1/"), done.stdout + done.stderr


@pytest.fixture
def norms_pack(monkeypatch):
    """The norms pack beside the built-in topics: its batch_norm shares resnet's name."""
    from grader.apps import learner
    from grader.base import packs, topics

    _pack, norms = packs.read_pack(REPO / "tests" / "packs" / "norms")
    monkeypatch.setattr(topics, "MANIFEST", (*topics.MANIFEST, *norms))
    monkeypatch.setattr(learner, "TOPICS", (*TOPICS, "norms"))


@pytest.mark.unit
def test_an_exercise_two_topics_hold_is_named_with_its_topic(state, norms_pack):
    """``batch_norm`` is resnet's and the norms pack's: the bare name is refused naming both
    forms (it gave resnet's hints to the norms learner); ``norms.batch_norm`` gives the pack's,
    ``resnet.batch_norm`` resnet's; a name one topic holds needs no topic."""
    with pytest.raises(hints.UsageProblem, match=r"resnet\.batch_norm.*norms\.batch_norm"):
        hints.next_hint("batch_norm")
    assert "running_var" in hints.ladder("norms.batch_norm")[1]
    assert hints.ladder("resnet.batch_norm") != hints.ladder("norms.batch_norm")
    assert hints.next_hint("layer_norm").level == 1
    with pytest.raises(hints.UsageProblem, match="no exercise 'layer_norm' in resnet"):
        hints.ladder("resnet.layer_norm")
