"""Per-student hidden inputs (a copied answer fails on the
copier's own inputs): grader/checks/inputs.py and the suites drawing through it.

- the derivation: the same (course seed, student, check) gives the same variant, any change
  another; variant 0 draws exactly the suites' fixed inputs;
- a "lookup table" submission (answers recorded for one student's inputs) passes those hidden
  checks for that student and fails them for another;
- regrades of one student draw the same inputs and give the same report;
- the solutions score full for several identities on every topic (CI: 2 identities; the
  20-identity run is ``TORCHGRADE_STUDENTS=20``, see docs/instructors.md).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from helpers import REPO, run_grade

from grader.base.options import Options, Selection
from grader.base.topics import available_topics
from grader.batch.gradebook import CourseSeedMismatch, Gradebook, Row
from grader.checks import inputs
from grader.engine.runner import Task, grade_topic
from grader.engine.worker.client import TopicSession

SEED = "fall-2025"


# -- the derivation ---------------------------------------------------------------------------


@pytest.mark.unit
def test_variant_is_fixed_by_course_seed_student_and_check():
    alice = inputs.variant_of(SEED, "alice", "losses::test_cross_entropy_gradient")
    assert alice == inputs.variant_of(SEED, "alice", "losses::test_cross_entropy_gradient")
    others = {
        inputs.variant_of(SEED, "bob", "losses::test_cross_entropy_gradient"),
        inputs.variant_of("spring-2026", "alice", "losses::test_cross_entropy_gradient"),
        inputs.variant_of(SEED, "alice", "losses::test_huber_gradient_is_consistent_with_its_values"),
    }
    assert alice not in others and len(others) == 3
    assert all(inputs.variant_of(SEED, f"s{i}", "t") != 0 for i in range(1000))


@pytest.mark.unit
def test_variant_zero_draws_the_fixed_inputs():
    assert inputs.current() == 0
    fixed = torch.randn(6, generator=torch.Generator().manual_seed(7))
    assert torch.equal(torch.randn(6, generator=inputs.gen(7)), fixed)
    assert inputs.seed(3) == 3 and inputs.seed_among(1) == 1 and inputs.size(0, 5, 1, 9) == 5
    torch.manual_seed(11)
    before = torch.get_rng_state()
    with inputs.drawn_for(0):
        assert torch.equal(torch.randn(6, generator=inputs.gen(7)), fixed)
        unseeded = torch.randn(6)
    assert torch.equal(torch.get_rng_state(), before)  # given back as it was
    torch.randn(100)  # whatever ran before, a check's unseeded draws are the same
    with inputs.drawn_for(0):
        assert torch.equal(torch.randn(6), unseeded)


def draws(variant: int) -> dict[str, Any]:
    with inputs.drawn_for(variant):
        return {
            "gen": torch.randn(6, generator=inputs.gen(7)),
            "global": torch.randn(6),
            "seed": inputs.seed(0),
            "among": [inputs.seed_among(k) for k in (0, 1, 2)],
            "size": inputs.size(0, 5, 1, 9),
        }


@pytest.mark.unit
def test_a_variant_draws_its_own_inputs_and_gives_the_global_rng_back():
    torch.manual_seed(11)
    before = torch.get_rng_state()
    first, again, other = draws(12345), draws(12345), draws(67890)
    assert inputs.current() == 0
    assert torch.equal(torch.get_rng_state(), before)
    for key in ("gen", "global"):
        assert torch.equal(first[key], again[key])
        assert not torch.equal(first[key], other[key])
    assert (first["seed"], first["among"]) == (again["seed"], again["among"])
    assert first["seed"] not in (0, other["seed"])


@pytest.mark.unit
def test_convergence_seeds_stay_in_the_measured_set_and_apart():
    chosen = [draws(variant)["among"] for variant in range(1, 301)]
    assert all(set(seeds) <= set(inputs.MEASURED_SEEDS) and len(set(seeds)) == 3 for seeds in chosen)
    assert {s for seeds in chosen for s in seeds} == set(inputs.MEASURED_SEEDS)  # all of it is used
    sizes = {draws(variant)["size"] for variant in range(1, 301)}
    assert sizes == set(range(1, 10))
    with pytest.raises(ValueError, match="not among the measured seeds"):
        inputs.seed_among(20)


# -- grading in-process, with a spy on what the checks send ----------------------------------


def grade_spied(
    monkeypatch, path: Path, topic: str, student: str | None, keyword: str = ""
) -> tuple[list[tuple], list[dict]]:
    """(every probe's arguments, the results) of one in-process grading of ``topic``."""
    sent: list[tuple] = []
    real_run = TopicSession.run

    def spy(self, probe, *args, **kwargs):
        sent.append((self.check, probe.__name__, args))
        return real_run(self, probe, *args, **kwargs)

    monkeypatch.setattr(TopicSession, "run", spy)
    options = Options(
        selection=Selection(keyword=keyword), course_seed=SEED if student else None, student=student
    )
    outcome = grade_topic(Task(path=path, topic=topic, single_file=path.is_file(), options=options))
    monkeypatch.setattr(TopicSession, "run", real_run)
    return sent, [result.to_json() for result in outcome.result.tests]


def fingerprint(value: Any) -> Any:
    """Plain data that compares probe arguments exactly (tensors by dtype, shape and values)."""
    if isinstance(value, torch.Tensor):
        return (str(value.dtype), tuple(value.shape), repr(value.detach().flatten().tolist()))  # NaN too
    if isinstance(value, (list, tuple)):
        return [fingerprint(v) for v in value]
    if isinstance(value, dict):
        return {k: fingerprint(v) for k, v in value.items()}
    return repr(value)


# -- a lookup table of one student's answers ------------------------------------------------

LOOKUP = '''

def _key(t):
    return repr([round(v, 5) for v in t.flatten().tolist()])


def cross_entropy(logits, target):
    """Answers recorded for recorded inputs; anything else gets 0."""
    return torch.tensor(TABLE.get(_key(logits) + "|" + _key(target), 0.0))
'''
PROBABILITY_TARGETS = "probability_targets"  # three hidden checks of cross_entropy on random logits


def lookup_submission(folder: Path, recorded: list[tuple]) -> Path:
    """losses.py: the solutions, with a cross_entropy that answers from a table of the
    recorded inputs and torch's answers (no computation of its own)."""
    table = {}
    for _, _, (name, (logits, target), *_rest) in recorded:
        assert name == "cross_entropy"
        key = repr([round(v, 5) for v in logits.flatten().tolist()])
        key += "|" + repr([round(v, 5) for v in target.flatten().tolist()])
        table[key] = float(F.cross_entropy(logits, target.float()))
    folder.mkdir()
    source = (REPO / "solutions" / "losses.py").read_text()
    (folder / "losses.py").write_text(f"{source}\nTABLE = {table!r}\n{LOOKUP}")
    return folder / "losses.py"


@pytest.mark.engine
def test_a_lookup_table_passes_for_its_student_only(monkeypatch, tmp_path):
    recorded, results = grade_spied(monkeypatch, REPO / "solutions", "losses", "alice", PROBABILITY_TARGETS)
    assert len(recorded) == 3 and all(
        r["status"] == "passed" and r["visibility"] == "hidden" for r in results
    )
    table = lookup_submission(tmp_path / "table", recorded)

    statuses = {}
    for student in ("alice", "bob", None):
        _, results = grade_spied(monkeypatch, table, "losses", student, PROBABILITY_TARGETS)
        statuses[student] = [r["status"] for r in results]
    assert statuses["alice"] == ["passed"] * 3  # the inputs it recorded: the table knows them
    assert statuses["bob"] == ["failed"] * 3  # another student's inputs: it does not
    assert statuses[None] == ["failed"] * 3  # nor the fixed inputs of a run without a course seed


# -- regrades ----------------------------------------------------------------------------------

MISTAKE = "\n\ndef matmul(a, b):\n    return (a[:, :, None] * b[None, :, :]).sum(1) + 1e-3\n"


@pytest.mark.engine
def test_regrades_of_one_student_are_identical(monkeypatch, tmp_path):
    """20 gradings of one student's tensors (a matmul off by 1e-3: failures quote values) draw
    the same inputs and give the same results; another student's differ; a subset run with -k
    draws the same inputs for its checks (independent of which checks ran before)."""
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "tensors.py").write_text((REPO / "solutions" / "tensors.py").read_text() + MISTAKE)
    runs = [grade_spied(monkeypatch, folder, "tensors", "carol") for _ in range(20)]
    first_sent, first_results = fingerprint(runs[0][0]), runs[0][1]
    assert any(r["status"] == "failed" and r["visibility"] == "hidden" for r in first_results)
    for sent, results in runs[1:]:
        assert fingerprint(sent) == first_sent
        assert results == first_results

    dave_sent, _ = grade_spied(monkeypatch, folder, "tensors", "dave")
    hidden = {r["id"] for r in first_results if r["visibility"] == "hidden" and r["status"] != "skipped"}

    def sent_by(sent, checks):
        return [fingerprint(s) for s in sent if s[0] in checks]

    # every hidden check draws other inputs for another student (its seeded generators, seeds
    # and torch's global RNG: test_vectorised draws unseeded), but one_hot's device case,
    # whose inputs are literals
    same = {check for check in hidden if sent_by(dave_sent, {check}) == sent_by(runs[0][0], {check})}
    assert same == {"stays_on_input_device[one_hot]"}
    public = {r["id"] for r in first_results if r["visibility"] == "public"}
    assert sent_by(dave_sent, public) == sent_by(runs[0][0], public)  # public inputs stay fixed

    subset, _ = grade_spied(monkeypatch, folder, "tensors", "carol", "matmul_gradient or stays_on")
    ran = {s[0] for s in subset}
    assert ran and sent_by(subset, ran) == sent_by(runs[0][0], ran)


@pytest.mark.engine
def test_public_inputs_are_the_fixed_ones(monkeypatch):
    """A student's public checks send exactly what a run without a course seed sends."""
    fixed, _ = grade_spied(monkeypatch, REPO / "solutions", "tensors", None)
    theirs, results = grade_spied(monkeypatch, REPO / "solutions", "tensors", "erin")
    public = {r["id"] for r in results if r["visibility"] == "public"}
    assert public
    assert [fingerprint(s) for s in theirs if s[0] in public] == [
        fingerprint(s) for s in fixed if s[0] in public
    ]


# -- the solutions score full for many students ----------------------------------------------

STUDENTS = int(os.environ.get("TORCHGRADE_STUDENTS", "2"))


@pytest.mark.e2e
def test_solutions_score_full_for_every_student(tmp_path):
    """One ``grade batch --course-seed`` over copies of solutions/ (each its own student)."""
    submissions = tmp_path / "submissions"
    for i in range(STUDENTS):
        shutil.copytree(
            REPO / "solutions", submissions / f"student{i:02d}", ignore=shutil.ignore_patterns("__*")
        )
    out = tmp_path / "out"
    done = run_grade("batch", str(submissions), "--out", str(out), "--course-seed", SEED, "--workers", "2")
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads((out / "gradebook.json").read_text())
    assert len(rows) == STUDENTS
    for row in rows:
        assert row["status"] == "graded"
        topics = {t["name"]: t for t in row["report"]["topics"]}
        assert set(topics) == set(available_topics())
        failed = [
            (name, t["id"], t["message"])
            for name, topic in topics.items()
            for t in topic["tests"]
            if t["status"] not in ("passed", "skipped")
        ]
        assert not failed, f"{row['student']}: {failed[:3]}"
        assert row["total"] == row["max"] > 0

    again = run_grade("batch", str(submissions), "--out", str(out), "--course-seed", "another")
    assert again.returncode == 2
    assert "graded with another course seed" in again.stderr
    stored = sqlite3.connect(out / "gradebook.sqlite").execute("SELECT value FROM meta").fetchone()
    assert json.loads(stored[0]) == SEED


@pytest.mark.unit
def test_a_gradebook_keeps_one_course_seed(tmp_path):
    book = Gradebook(tmp_path / "gradebook.sqlite")
    book.claim_course_seed(SEED)
    book.claim_course_seed(SEED)  # the same seed again: a re-run
    for other in ("spring-2026", None):
        with pytest.raises(CourseSeedMismatch, match="hidden inputs would change"):
            book.claim_course_seed(other)
    assert book.course_seed() == (True, SEED)
    book.close()

    old = Gradebook(tmp_path / "old.sqlite")  # rows graded before any seed was recorded
    old.record(Row("alice", "h", "v1", "graded", "", 1, 1, {}))
    with pytest.raises(CourseSeedMismatch, match="graded without a course seed"):
        old.claim_course_seed(SEED)
    old.claim_course_seed(None)
    old.close()


@pytest.mark.e2e
def test_grade_wants_the_course_seed_and_the_student_together():
    done = run_grade("solutions/tensors.py", "--course-seed", SEED)
    assert done.returncode == 2
    assert "--course-seed and --student go together" in done.stderr
