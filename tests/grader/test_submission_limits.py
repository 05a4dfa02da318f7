"""Submission limits, a course policy (grader/course/quota.py) the Gradescope autograder applies
(grader/gradescope/quota.py) and `grade batch` too (the count: grader/batch/intake.py): a submission over the
assignment's `max_submissions`, `per_day` or `cooldown_minutes` is not graded; the last graded
submission's results stand, and the learner is told when the next one counts. Times come from
Gradescope's submission_metadata.json (`created_at`), never the clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from grader.base.options import SubmissionLimits
from grader.course.keys import CourseError
from grader.course.toml import load_course
from grader.gradescope import quota
from grader.gradescope.config import Config

NOW = datetime.fromisoformat("2026-11-20T12:00:00+00:00")
EARLIER = {"score": 7.0, "output": "Score: 7/30", "tests": [{"name": "mse", "score": 7.0, "max_score": 30.0}]}


def _metadata(*hours_ago: float, results: dict | None = None) -> dict:
    """Gradescope's metadata for a submission now, with earlier ones ``hours_ago``."""
    earlier = [{"submission_time": (NOW - timedelta(hours=h)).isoformat(), "score": 7.0} for h in hours_ago]
    if earlier and results is not None:
        earlier[-1]["results"] = results  # Gradescope gives the latest previous results only
    return {"created_at": NOW.isoformat(), "previous_submissions": earlier}


@pytest.mark.unit
def test_under_every_limit_the_submission_counts():
    limits = SubmissionLimits(max_submissions=3, per_day=2, cooldown_minutes=30)
    decision = quota.decide(limits, _metadata(30, 1, results=EARLIER))
    assert decision.counts
    marked = quota.counted_results({"score": 9.0, "tests": []}, decision)
    assert len(marked["extra_data"]["torchgrade"]["counted"]) == 3 and marked["score"] == 9.0


@pytest.mark.unit
def test_over_the_total_the_last_graded_score_stands_and_none_counts_again():
    decision = quota.decide(SubmissionLimits(max_submissions=2), _metadata(50, 30, results=EARLIER))
    assert not decision.counts and decision.next_at is None
    refused = quota.refused_results(decision, SubmissionLimits(max_submissions=2))
    assert refused["score"] == 7.0 and refused["tests"] == EARLIER["tests"]
    assert "used them all" in refused["output"] and refused["output"].endswith("Score: 7/30")


@pytest.mark.unit
def test_over_the_day_the_next_counts_24_hours_after_the_oldest_of_the_day():
    limits = SubmissionLimits(per_day=2)
    decision = quota.decide(limits, _metadata(30, 5, 2, results=EARLIER))
    assert not decision.counts and decision.next_at == NOW - timedelta(hours=5) + timedelta(hours=24)
    said = quota.refused_results(decision, limits)["output"]
    assert "at most 2 graded submissions in 24 hours" in said and "2026-11-21T07:00" in said


@pytest.mark.unit
def test_within_the_cooldown_the_next_counts_when_it_ends():
    limits = SubmissionLimits(cooldown_minutes=30)
    decision = quota.decide(limits, _metadata(0.25, results=EARLIER))
    assert not decision.counts and decision.next_at == NOW + timedelta(minutes=15)
    assert quota.decide(limits, _metadata(1, results=EARLIER)).counts


@pytest.mark.unit
def test_refused_submissions_never_count_themselves():
    """Hostile: a student resubmitting while refused does not push the window on: only the
    graded ones, carried in results.json's extra_data, count (seen failing when every earlier
    submission counted: the refused ones kept the cooldown running for ever)."""
    limits = SubmissionLimits(cooldown_minutes=30)
    graded_at = NOW - timedelta(minutes=45)
    carried = {**EARLIER, "extra_data": {"torchgrade": {"counted": [graded_at.isoformat()]}}}
    decision = quota.decide(limits, _metadata(0.7, 0.5, 0.1, results=carried))  # two refused since
    assert decision.counts


# Two graded submissions, the second later in time but earlier as text: each zone form Gradescope
# may write (Z beside +00:00, two offsets, a daylight-saving fall-back hour in New York).
ZONE_FORMS = {
    "Z beside +00:00": ("2026-11-20T11:00:00Z", "2026-11-20T11:00:00.500000+00:00"),
    "two offsets": ("2026-11-20T12:30:00+01:00", "2026-11-20T11:45:00+00:00"),
    "fall-back hour": ("2026-11-01T01:50:00-04:00", "2026-11-01T01:10:00-05:00"),
    "naive beside aware": ("2026-11-20T11:00:00+00:00", "2026-11-20T11:30:00+00:00"),
}


@pytest.mark.unit
@pytest.mark.parametrize("form", sorted(ZONE_FORMS))
def test_the_latest_submission_is_the_latest_in_time_in_every_zone_form(form):
    """Hostile: sorted as text, the first submission's results (one counted) passed for the latest's
    (two counted), and a third was graded under max_submissions = 2 (seen failing on each form)."""
    first, second = ZONE_FORMS[form]
    mark = lambda *times: {**EARLIER, "extra_data": {"torchgrade": {"counted": list(times)}}}  # noqa: E731
    earlier = [
        {"submission_time": second, "score": 7.0, "results": mark(first, second)},
        {"submission_time": first, "score": 7.0, "results": mark(first)},
    ]
    if form == "naive beside aware":  # a time without its zone is no time to sort by: it comes first
        earlier.append({"submission_time": "2026-11-20T11:59:00", "score": 7.0, "results": mark()})
    now = (datetime.fromisoformat(second) + timedelta(hours=1)).isoformat()
    decision = quota.decide(
        SubmissionLimits(max_submissions=2), {"created_at": now, "previous_submissions": earlier}
    )
    assert not decision.counts and decision.next_at is None
    assert decision.counted == tuple(sorted(map(datetime.fromisoformat, (first, second))))


@pytest.mark.unit
def test_when_the_next_counts_is_told_in_the_submissions_own_zone():
    limits = SubmissionLimits(cooldown_minutes=30)
    carried = {**EARLIER, "extra_data": {"torchgrade": {"counted": ["2026-11-20T16:50:00Z"]}}}
    earlier = [{"submission_time": "2026-11-20T11:50:00-05:00", "score": 7.0, "results": carried}]
    metadata = {"created_at": "2026-11-20T12:00:00-05:00", "previous_submissions": earlier}
    decision = quota.decide(limits, metadata)
    assert not decision.counts
    assert "from 2026-11-20T12:20-05:00" in quota.refused_results(decision, limits)["output"]


@pytest.mark.unit
def test_the_limits_travel_from_course_toml_to_the_autograder(tmp_path):
    course = tmp_path / "course.toml"
    course.write_text(
        '[course]\nname = "dl"\n[assignments.hw1]\ntopics = ["losses"]\npoints = 30\n'
        "[assignments.hw1.submissions]\nmax_submissions = 10\nper_day = 3\ncooldown_minutes = 20\n"
    )
    limits = load_course(course).assignment("hw1").submissions
    assert limits == SubmissionLimits(10, 3, 20.0)
    assert (
        Config.from_json(
            json.loads(json.dumps(Config(assignment={"submissions": limits}).to_json()))
        ).submissions
        == limits
    )
    course.write_text(course.read_text().replace("per_day = 3", "per_day = 2.5"))
    with pytest.raises(CourseError, match="whole number"):
        load_course(course)


@pytest.mark.e2e
def test_run_autograder_over_the_day_keeps_the_last_graded_score(tmp_path):
    """The autograder itself: a correct submission made over `per_day` is not graded (it would
    score full); the last graded results stand, saying when the next submission counts; one
    within the limit is graded and marked as counted."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile
    import zipfile

    from helpers import REPO

    from grader.base.options import Limits, Options
    from grader.gradescope.build import build_autograder

    config = Config(
        Options(limits=Limits(timeout=60.0)).with_topics(("losses",)),
        assignment={"submissions": SubmissionLimits(per_day=1)},
    )
    archive = build_autograder(tmp_path / "autograder.zip", config)

    def run(metadata: dict) -> dict:
        root = Path(tempfile.mkdtemp(prefix="torchgrade-gs-limits-"))  # uid 65534 passes through
        os.chmod(root, 0o711)
        with zipfile.ZipFile(archive) as unpacked:
            unpacked.extractall(root / "source")
        (root / "submission").mkdir()
        (root / "results").mkdir()
        shutil.copy(REPO / "solutions" / "losses.py", root / "submission" / "losses.py")
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TORCHGRADE_", "PYTEST_"))}
        env |= {"TORCHGRADE_AUTOGRADER_ROOT": str(root), "TORCHGRADE_PYTHON": sys.executable}
        done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, cwd=root,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        try:
            return json.loads((root / "results" / "results.json").read_text())
        finally:
            shutil.rmtree(root, ignore_errors=True)

    over = run(_metadata(3, results=EARLIER))
    assert over["score"] == 7.0 and over["tests"] == EARLIER["tests"], over["output"]
    assert "next submission that counts can be made from 2026-11-21T09:00" in over["output"]
    graded = run(_metadata(30, results=EARLIER))
    assert graded["score"] > 7.0 and len(graded["extra_data"]["torchgrade"]["counted"]) == 2


# The same limits as a course policy (grader/course/quota.py), applied by `grade batch` too


def _canvas_student(folder: Path, files: dict[str, str]):
    from grader.batch import intake

    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return intake.gather(sorted(folder.iterdir()))


LATE_RESUBMISSION = {
    "smithjohn_12345_1_losses.py": "first = 1\n",
    "smithjohn_12345_1_losses-1.py": "second = 2\n",
    "smithjohn_late_12345_1_losses-2.py": "third = 3\n",
}


@pytest.mark.unit
def test_batch_grades_no_upload_over_the_courses_limit_a_late_resubmission_included(tmp_path):
    """Hostile input: a third upload, late, where the course grades two: the second is graded,
    the third is named as not graded (on main `grade batch` graded the third)."""
    from grader.batch import intake

    course = tmp_path / "course.toml"
    course.write_text(
        '[assignments.hw]\ntopics = ["losses"]\npoints = 10\n[assignments.hw.submissions]\nmax_submissions = 2\n'
    )
    limits = load_course(course).assignment("hw").submissions
    (found,) = _canvas_student(tmp_path / "dl", LATE_RESUBMISSION)
    item = intake.take_submission(found, tmp_path / "scratch", limits=limits)
    assert isinstance(item, intake.Gradable) and (item.path / "losses.py").read_text() == "second = 2\n"
    assert item.notes == (
        "losses.py: resubmission 1 used; instead of losses.py; not graded, over the assignment's 2: losses-2.py"
    )
    unlimited = intake.take_submission(found, tmp_path / "scratch2")
    assert (
        isinstance(unlimited, intake.Gradable) and (unlimited.path / "losses.py").read_text() == "third = 3\n"
    )


@pytest.mark.unit
def test_the_batch_run_hands_the_assignments_limits_to_intake(monkeypatch, tmp_path):
    """`grade batch --course` reads the assignment's limits into what it takes of each student."""
    from grader.batch import run as batch_run

    seen = []

    def taken(submission, scratch, topics, limits=None):
        seen.append(limits)
        return batch_run.Rejected(submission.student, "stop")

    monkeypatch.setattr(batch_run, "take_submission", taken)
    limits = SubmissionLimits(max_submissions=2)

    class Assignment:
        submissions = limits

    class Run:
        options = type(
            "O", (), {"grading": type("G", (), {"selection": type("S", (), {"topics": ()})()})()}
        )()
        summary = type("Summary", (), {"students": []})()
        version, assignment = "v", Assignment()
        records: list = []

        def record(self, row):
            self.records.append(row)

    student = batch_run.Submission("alice", (tmp_path / "alice.py",))
    assert batch_run._tasks(Run(), [student], tmp_path, None, None) == []
    assert seen == [limits]


@pytest.mark.unit
def test_the_policy_decides_the_count_where_times_are_unknown():
    from grader.course import quota as policy

    limits = SubmissionLimits(max_submissions=2, per_day=1, cooldown_minutes=60)
    assert policy.decide(limits, [None], None).counts  # the day and the cooldown need times
    assert policy.decide(limits, [None, None], None) == policy.Verdict(False, None)
    assert not policy.decide(limits, [NOW - timedelta(hours=1)], NOW).counts


@pytest.mark.unit
def test_the_refusal_is_in_the_courses_language(monkeypatch):
    """The refused submission's text goes through the catalogue (English only on main)."""
    from grader.base import i18n

    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    try:
        decision = quota.decide(SubmissionLimits(max_submissions=2), _metadata(50, 30, results=EARLIER))
        said = quota.refused_results(decision, SubmissionLimits(max_submissions=2))["output"]
        limits = SubmissionLimits(per_day=2, cooldown_minutes=30)
        day = quota.refused_results(quota.decide(limits, _metadata(30, 5, 2, results=EARLIER)), limits)[
            "output"
        ]
    finally:
        monkeypatch.delenv("TORCHGRADE_LANG")
        i18n.refresh()
    assert "This submission" not in said and "2" in said and "Score: 7/30" in said
    assert "graded" not in day and "2026-11-21T07:00+00:00" in day


@pytest.mark.e2e
def test_grade_batch_grades_the_last_upload_within_the_courses_limit(tmp_path):
    """Through `grade batch --course`: a student's third upload, late and right, over a limit of
    two: the second (the stub) is graded, and the gradebook's reason names the third."""
    import json as json_module

    from helpers import REPO, run_grade

    right, stub = (REPO / folder / "losses.py" for folder in ("solutions", "exercises"))
    course = tmp_path / "course.toml"
    course.write_text(
        '[assignments.hw]\ntopics = ["losses"]\npoints = 10\n[assignments.hw.submissions]\nmax_submissions = 2\n'
    )
    download = tmp_path / "download"
    download.mkdir()
    (download / "smithjohn_12345_1_losses.py").write_text(stub.read_text())
    (download / "smithjohn_12345_1_losses-1.py").write_text(stub.read_text())
    (download / "smithjohn_late_12345_1_losses-2.py").write_text(right.read_text())
    out = tmp_path / "out"
    done = run_grade(
        "batch", str(download), "--out", str(out), "--course", str(course), "--assignment", "hw",
        "-k", "not convergence", "--workers", "2",
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    (row,) = json_module.loads((out / "gradebook.json").read_text())
    assert row["total"] == 0 and "not graded, over the assignment's 2: losses-2.py" in row["reason"]
