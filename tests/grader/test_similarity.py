"""`grade similarity`: copies rank first, independent solutions and stubs do not;
copies of the reference are flagged, obvious code shared by honest students is not.

The class is ``tests/grader/similarity_class/`` (its README says what each student is), plus
two untouched stubs and a file that does not parse, added here. ``similarity_class_obvious/``
holds students who wrote the short exercises the obvious way; ``similarity_class_leak/`` a
disguised copy of the reference solution.
"""

from __future__ import annotations

import ast
import csv
import re
import shutil
import textwrap

import pytest
from helpers import REPO, run_grade

from grader.base import defaults
from grader.similarity.compare import REFERENCE as ANSWER
from grader.similarity.compare import WHOLE_TOPIC, Settings, compare_topic
from grader.similarity.normalise import units
from grader.similarity.run import run_similarity
from grader.similarity.sources import TopicSource

CLASS = REPO / "tests" / "grader" / "similarity_class"
OBVIOUS = REPO / "tests" / "grader" / "similarity_class_obvious"
DISGUISED = REPO / "tests" / "grader" / "similarity_class_leak" / "wes"
STUB = (REPO / "exercises" / "losses.py").read_text()
REFERENCE = (REPO / "solutions" / "losses.py").read_text()
FULL_COPY = ("dara", "victor")
ONE_EXERCISE_COPY = ("kofi", "uma")
COPIED_EXERCISE = "cross_entropy"
STUBS = ("stub_a", "stub_b")
THRESHOLD = defaults.SIMILARITY_THRESHOLD
BOUNDED = pytest.mark.timeout(60)  # each compares a class of 20–30 in about a second on a loaded machine


def make_class(root):
    shutil.copytree(CLASS, root, ignore=shutil.ignore_patterns("*.md"))
    for name in STUBS:
        (root / name).mkdir()
        (root / name / "losses.py").write_text(STUB)
    (root / "broken").mkdir()
    (root / "broken" / "losses.py").write_text("def mse(y_hat, y:\n    return 0\n")
    return root


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    root = make_class(tmp_path_factory.mktemp("similarity") / "class")
    out = root.parent / "out"
    return run_similarity(root, out, ("losses",)), out


def is_independent(pair) -> bool:
    names = (pair.a, pair.b)
    return names not in (FULL_COPY, ONE_EXERCISE_COPY) and not set(names) & set(STUBS)


def rows(run, exercise):
    return [p for p in run.pairs if p.exercise == exercise]


@pytest.mark.unit
def test_the_class_is_what_the_test_says():
    students = sorted(p.name for p in CLASS.iterdir() if p.is_dir())
    assert len(students) == 22 and {*FULL_COPY, *ONE_EXERCISE_COPY} <= set(students)


@pytest.mark.engine  # a sweep of a class of submissions: the engine tier's CPU
def test_every_copy_ranks_above_every_independent_pair(measured):
    run, _ = measured
    topic_rows = rows(run, WHOLE_TOPIC)
    best_independent = max(p.score for p in topic_rows if is_independent(p))
    copies = {(p.a, p.b): p.score for p in topic_rows if (p.a, p.b) in (FULL_COPY, ONE_EXERCISE_COPY)}
    assert min(copies.values()) > best_independent, (copies, best_independent)
    assert [(p.a, p.b) for p in topic_rows[:2]] == [FULL_COPY, ONE_EXERCISE_COPY]
    assert copies[FULL_COPY] >= THRESHOLD and topic_rows[0].flagged


@pytest.mark.engine  # a sweep of a class of submissions: the engine tier's CPU
def test_the_one_exercise_copy_is_found_at_that_exercise(measured):
    run, _ = measured
    exercise_rows = rows(run, COPIED_EXERCISE)
    assert (exercise_rows[0].a, exercise_rows[0].b) in (ONE_EXERCISE_COPY, FULL_COPY)
    copied = next(p for p in exercise_rows if (p.a, p.b) == ONE_EXERCISE_COPY)
    assert copied.score >= THRESHOLD and copied.flagged
    assert all(copied.score > p.score for p in exercise_rows if is_independent(p))
    whole = next(p for p in rows(run, WHOLE_TOPIC) if (p.a, p.b) == ONE_EXERCISE_COPY)
    assert whole.score < THRESHOLD, "one exercise of eleven is not a copied topic"


@pytest.mark.engine  # a sweep of a class of submissions: the engine tier's CPU
def test_independent_pairs_are_not_flagged(measured):
    run, _ = measured
    independent = [p for p in run.pairs if is_independent(p)]
    assert len({(p.a, p.b) for p in independent}) == 22 * 21 // 2 - 2  # every pair but the two copies
    flagged = [p for p in independent if p.flagged]
    assert not flagged, flagged[:5]
    assert max(p.score for p in independent if p.exercise == WHOLE_TOPIC) < THRESHOLD
    assert not run.clusters
    assert all(not p.flagged for r in run.results for p in r.reference)


@pytest.mark.engine  # a sweep of a class of submissions: the engine tier's CPU
def test_stubs_score_zero(measured):
    run, _ = measured
    with_a_stub = [p for p in run.pairs if set((p.a, p.b)) & set(STUBS)]
    assert with_a_stub and all(p.score == 0 and p.shared == 0 for p in with_a_stub)
    assert {p.exercise for p in with_a_stub} == {WHOLE_TOPIC}  # no exercise shares anything
    alone, _ = compare_topic("losses", STUB, REFERENCE, [TopicSource("stub", "losses", STUB)])
    assert all(not prints for prints in alone.students["stub"].own.values())


def leak_class(root, copies=3):
    """The 20 independent students of the class, ``copies`` verbatim reference copies and wes."""
    shutil.copytree(
        CLASS, root, ignore=shutil.ignore_patterns("*.md", *FULL_COPY[1:], *ONE_EXERCISE_COPY[1:])
    )
    for n in range(1, copies + 1):
        (root / f"ref{n}").mkdir()
        (root / f"ref{n}" / "losses.py").write_text(REFERENCE)
    shutil.copytree(DISGUISED, root / "wes")
    return root


@pytest.mark.engine  # a sweep of a class of submissions: the engine tier's CPU
@BOUNDED
def test_copies_of_the_reference_are_flagged_between_them_and_against_it(tmp_path):
    run = run_similarity(leak_class(tmp_path / "class"), tmp_path / "out", ("losses",))
    copies = ["ref1", "ref2", "ref3", "wes"]
    flagged = {(p.a, p.b) for p in run.pairs if p.flagged}
    assert flagged == {(a, b) for a in copies for b in copies if a < b}, flagged
    assert run.clusters == [("losses", copies)]
    (result,) = run.results
    for name in copies:
        whole = result.whole(name, ANSWER)
        assert whole.flagged and whole.score >= (1.0 if name != "wes" else 0.9), whole
    for (
        exercise
    ) in result.exercises:  # all of it matches; units under the fingerprint floor score their share of it
        row = result.matches_reference("ref1", exercise)
        assert row and row.score == round(min(1.0, row.shared / defaults.SIMILARITY_MIN_FINGERPRINTS), 4), row
    assert {p.a for p in result.reference if p.flagged} == set(copies)
    assert "matches the reference (losses): ref1 (whole topic 1.00)" in run.summary
    with (tmp_path / "out" / "similarity.csv").open() as handle:
        row = next(
            r for r in csv.DictReader(handle) if (r["student_a"], r["exercise"]) == ("ref1", WHOLE_TOPIC)
        )
    assert row["flagged"] == "yes" and row["a_matches_reference"] == row["b_matches_reference"] == "1.0000"


def with_functions(text: str, donor: str, names: tuple[str, ...]) -> str:
    """``text`` with ``donor``'s functions ``names`` appended (the last definition wins, as at import)."""
    tree, lines = ast.parse(donor), donor.splitlines()
    taken = [
        "\n".join(lines[node.lineno - 1 : node.end_lineno])
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name in names
    ]
    assert len(taken) == len(names)
    return text + "\n\n" + "\n\n".join(taken) + "\n"


@pytest.mark.engine  # a sweep over the references' files: kept out of the unit tier's CPU budget
@BOUNDED
def test_part_of_the_answer_among_own_code_is_flagged_against_the_reference(tmp_path):
    """Six exercises of the reference, five of jun's own: flagged against it, though its score is low."""
    root = leak_class(tmp_path / "class", copies=0)
    shutil.rmtree(root / "wes")
    own = ("huber", "sigmoid", "bce", "entropy", "kl_div")
    jun = root / "jun" / "losses.py"
    jun.write_text(with_functions(REFERENCE, jun.read_text(), own))
    run = run_similarity(root, tmp_path / "out", ("losses",))
    (result,) = run.results
    whole = result.whole("jun", ANSWER)
    assert whole.flagged and whole.score < THRESHOLD, whole
    matching = [
        e for e in result.exercises if (row := result.matches_reference("jun", e)) and row.score >= THRESHOLD
    ]
    assert len(matching) >= defaults.SIMILARITY_REFERENCE_EXERCISES and not set(matching) & set(own), matching
    assert [p.a for p in result.reference if p.flagged] == ["jun"]
    assert "matches the reference (losses): jun (whole topic" in run.summary


@pytest.mark.engine  # a sweep over the references' files: kept out of the unit tier's CPU budget
def test_a_disguised_copy_of_a_near_reference_file_is_flagged(tmp_path):
    """jun hands in the reference with a kl_div of his own; yan a disguised copy of that file."""
    root = leak_class(tmp_path / "class", copies=0)
    shutil.rmtree(root / "wes")
    jun = root / "jun" / "losses.py"
    own = jun.read_text()
    (root / "yan").mkdir()
    (root / "yan" / "losses.py").write_text(
        with_functions((DISGUISED / "losses.py").read_text(), own, ("kl_div",))
    )
    jun.write_text(with_functions(REFERENCE, own, ("kl_div",)))
    run = run_similarity(root, tmp_path / "out", ("losses",))
    (result,) = run.results
    assert {(p.a, p.b) for p in run.pairs if p.flagged} == {("jun", "yan")}
    assert result.whole("jun", "yan").score >= THRESHOLD
    assert {p.a for p in result.reference if p.flagged} == {"jun", "yan"}


@pytest.mark.engine  # a sweep of a class of submissions: the engine tier's CPU
@BOUNDED
def test_a_class_of_independent_and_obvious_solutions_flags_nothing(tmp_path):
    root = tmp_path / "class"
    shutil.copytree(
        CLASS, root, ignore=shutil.ignore_patterns("*.md", *FULL_COPY[1:], *ONE_EXERCISE_COPY[1:])
    )
    shutil.copytree(OBVIOUS, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
    run = run_similarity(root, tmp_path / "out", ("losses",))
    # The premise: honest students wrote whole exercises, and files, identically.
    identical = {(p.a, p.b) for p in run.pairs if p.exercise == WHOLE_TOPIC and p.score >= THRESHOLD}
    assert ("bo", "ed") in identical and len(identical) >= 3, identical
    assert not [p for p in run.pairs if p.flagged]
    assert not run.clusters and (tmp_path / "out" / "clusters.csv").read_text().splitlines() == [
        "topic,size,students"
    ]
    assert not [p for r in run.results for p in r.reference if p.flagged]
    assert "matches the reference" not in run.summary


@pytest.mark.engine  # a sweep of a class of submissions: the engine tier's CPU
@BOUNDED
def test_many_verbatim_copies_are_flagged_however_common(tmp_path):
    """With a third of the class holding the reference each fingerprint weighs 1/9; the size floor flags them."""
    run = run_similarity(leak_class(tmp_path / "class", copies=9), tmp_path / "out", ("losses",))
    copies = [f"ref{n}" for n in range(1, 10)]
    whole = [p for p in run.pairs if p.exercise == WHOLE_TOPIC and {p.a, p.b} <= set(copies)]
    assert len(whole) == 36 and all(p.flagged for p in whole)
    assert max(p.evidence for p in whole) < defaults.SIMILARITY_MIN_EVIDENCE, (
        "the evidence alone would not flag them"
    )
    assert run.clusters == [("losses", sorted([*copies, "wes"]))]


@pytest.mark.unit
@BOUNDED
def test_the_evidence_rule_is_what_keeps_obvious_code_unflagged():
    """Without a minimum of evidence, two students' identical obvious functions would be flagged."""
    sources = [
        TopicSource(p.name, "losses", (p / "losses.py").read_text())
        for p in sorted(OBVIOUS.iterdir())
        if p.is_dir()
    ]
    strict, _ = compare_topic("losses", STUB, REFERENCE, sources)
    loose, _ = compare_topic("losses", STUB, REFERENCE, sources, Settings(min_evidence=0.0))
    assert not [p for p in strict.pairs if p.flagged]
    assert ("bo", "ed") in {(p.a, p.b) for p in loose.pairs if p.flagged}


@pytest.mark.engine  # a sweep of a class of submissions: the engine tier's CPU
def test_a_file_that_does_not_parse_is_a_note(measured):
    run, _ = measured
    assert any(n.startswith("broken: losses.py does not parse (line 1") for n in run.notes)
    assert all("broken" not in (p.a, p.b) for p in run.pairs)


@pytest.mark.unit
@BOUNDED
def test_a_student_named_as_the_reference_is_a_note():
    sources = [TopicSource(n, "losses", REFERENCE) for n in ("ana", ANSWER)]
    result, notes = compare_topic("losses", STUB, REFERENCE, sources)
    assert list(result.students) == ["ana"] and result.whole("ana", ANSWER).flagged
    assert notes == [
        f"{ANSWER}: losses.py left out: the name is the reference solution's; rename the submission"
    ]


@pytest.mark.unit
def test_renaming_reordering_comments_and_layout_change_no_token():
    original = textwrap.dedent("""
        import torch

        def _shift(x, dim):
            return x - x.amax(dim=dim, keepdim=True)

        def softmax(x, dim=-1):
            e = _shift(x, dim).exp()
            return e / e.sum(dim=dim, keepdim=True)

        def entropy(p):
            return -(p * torch.log(p)).sum(-1)
    """)
    disguised = textwrap.dedent('''
        """Homework."""
        import torch as T

        def entropy(probs: T.Tensor) -> T.Tensor:
            """My entropy."""
            # sum over the last dim
            return -(probs * T.log(probs)).sum(
                -1
            )

        def centre(inp, axis):
            return inp - inp.amax(dim=axis, keepdim=True)

        def softmax(inp, dim=-1):
            expd = centre(inp, dim).exp()   # exponentiate
            return expd / expd.sum(dim=dim, keepdim=True)
    ''')
    exercises = ("softmax", "entropy")
    first, second = units(ast.parse(original), exercises), units(ast.parse(disguised), exercises)
    for exercise in exercises:
        assert [t.text for t in first[exercise].tokens] == [t.text for t in second[exercise].tokens]
    changed = units(ast.parse(original.replace("amax", "max")), exercises)
    assert [t.text for t in changed["softmax"].tokens] != [t.text for t in first["softmax"].tokens]


@pytest.mark.engine  # a sweep of a class of submissions: the engine tier's CPU
def test_the_reports(measured):
    run, out = measured
    with (out / "similarity.csv").open() as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == [
        "topic",
        "exercise",
        "student_a",
        "student_b",
        "score",
        "shared_fingerprints",
        "evidence",
        "flagged",
        "a_matches_reference",
        "b_matches_reference",
    ]
    flagged = [r["flagged"] == "yes" for r in table]
    assert flagged == sorted(flagged, reverse=True)  # flagged rows first, each part by score
    for part in (True, False):
        scores = [float(r["score"]) for r, f in zip(table, flagged, strict=True) if f is part]
        assert scores == sorted(scores, reverse=True)
    assert (table[0]["student_a"], table[0]["student_b"]) in (FULL_COPY, ONE_EXERCISE_COPY)
    page = (out / "similarity.html").read_text()
    assert "dara and victor" in page and '<span class="match">' in page
    assert "broken: losses.py does not parse" in page
    victor_lines = (CLASS / "victor" / "losses.py").read_text().splitlines()
    kl_line = next(n for n, line in enumerate(victor_lines, 1) if "prob[keep] / other[keep]" in line)
    assert f'<span class="n">{kl_line:4d}</span>' in page, "the copied line, numbered as in victor's file"
    assert (out / "clusters.csv").read_text().splitlines() == ["topic,size,students"]


@pytest.mark.unit
def test_three_copies_make_a_cluster(tmp_path):
    root = tmp_path / "class"
    for name in ("dara", "victor", "ana", "ben"):
        shutil.copytree(CLASS / name, root / name)
    shutil.copytree(CLASS / "victor", root / "wes")
    run = run_similarity(root, tmp_path / "out", ("losses",))
    assert run.clusters == [("losses", ["dara", "victor", "wes"])]
    assert "losses,3,dara victor wes" in (tmp_path / "out" / "clusters.csv").read_text()
    assert "cluster (losses): dara, victor, wes" in run.summary


@pytest.mark.e2e
def test_cli_similarity_and_its_usage_errors(tmp_path):
    root = tmp_path / "class"
    for name in (*FULL_COPY, "ana"):
        shutil.copytree(CLASS / name, root / name)
    (root / "zed_losses.py").write_text(STUB)  # a single file, as `grade batch` accepts
    done = run_grade("similarity", str(root), "--out", str(tmp_path / "out"), "--topic", "losses")
    assert done.returncode == 0, done.stderr
    assert re.search(r"1\.00  dara ~ victor  \(losses: \w+; whole topic 0\.9\d\)", done.stdout), done.stdout
    assert "zed_losses" in (tmp_path / "out" / "similarity.csv").read_text()
    missing = run_grade("similarity", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o2"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    unknown = run_grade("similarity", str(root), "--out", str(tmp_path / "o3"), "--topic", "nope")
    assert unknown.returncode == 2 and "unknown topic" in unknown.stderr


@pytest.mark.e2e
def test_batch_writes_similarity_beside_the_gradebook(tmp_path):
    root = tmp_path / "class"
    root.mkdir()
    for name in FULL_COPY:
        shutil.copy(CLASS / name / "losses.py", root / f"{name}_losses.py")
    shutil.copy(CLASS / FULL_COPY[0] / "losses.py", root / "walt_losses.py")  # a third: a cluster
    out = tmp_path / "out"
    done = run_grade(
        "batch", str(root), "--out", str(out), "--topic", "losses", "--workers", "2", "--similarity"
    )
    assert done.returncode == 0, done.stderr
    assert (out / "gradebook.csv").is_file()
    table = (out / "similarity.csv").read_text().splitlines()
    assert table[0].startswith(
        "topic,exercise,student_a,student_b,score,shared_fingerprints,evidence,flagged"
    )
    assert any(row.startswith("losses,whole topic,dara_losses,victor_losses,0.9") for row in table)
    assert "dara_losses ~ victor_losses" in done.stdout
    report = (out / "report.html").read_text()  # the class report lists the clusters too
    clusters = r'<table id="clusters">.*<td>losses</td><td>3</td><td>dara_losses victor_losses walt_losses'
    assert re.search(clusters, report)
