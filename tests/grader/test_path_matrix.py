"""The path matrix: one class under a course with a pack, graded by every path a grade takes,
gives the same points exercise by exercise: `grade FILE --course --assignment`, `grade batch`
(local and on Dask), the Gradescope zip run as Gradescope runs it, and the course release's
`grade` and a hand-out notebook's `check()` (the public share, as `--public-only` gives it). The class: a correct submission, a wrong
one, one calling an off-limits function (the pack's OFF_LIMITS), a late one and one late within
its extension (the course's late policy, where the path applies it: the gradebook and the zip)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from helpers import REPO, run_grade

pytestmark = pytest.mark.e2e

ATTENTION = REPO / "tests" / "packs" / "attention"
RIGHT = (ATTENTION / "solutions" / "attention.py").read_text()
TWIN = RIGHT.replace(
    "    weights = torch.softmax(scores, dim=-1)\n    return weights @ v, weights\n",
    "    weights = torch.softmax(scores, dim=-1)\n"
    "    out = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)\n"
    "    return out, weights\n",
)
WRONG = RIGHT.replace(".tril()", ".triu()")
STUDENTS = {"right": RIGHT, "wrong": WRONG, "twin": TWIN, "late": RIGHT, "extended": RIGHT}
TIMES = (
    "student,submitted_at\nright,2026-10-14 20:00\nwrong,2026-10-14 20:00\ntwin,2026-10-14 20:00\n"
    "late,2026-10-15 02:29\nextended,2026-10-16 10:00\n"
)
COURSE = """
[course]
name = "matrix"
packs = ["{pack}"]

[assignments.hw]
title = "Attention"
topics = ["attention"]
points = 30
due = "2026-10-14 23:59"
times = "times.csv"
late = {{ policy = "per_hour", penalty = 10, cap = 50 }}
extensions = {{ "extended" = "2026-10-16 23:59" }}
"""
K = ("-k", "not convergence")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("matrix")
    (root / "course.toml").write_text(COURSE.format(pack=ATTENTION))
    (root / "times.csv").write_text(TIMES)
    for student, source in STUDENTS.items():
        (root / "class" / student).mkdir(parents=True)
        (root / "class" / student / "attention.py").write_text(source)
    return root


def course_args(root: Path) -> tuple[str, ...]:
    """A course's packs are read before the manifest (grader/launch.py): each such run is fresh."""
    return ("--course", str(root / "course.toml"), "--assignment", "hw")


def batch(root: Path, out: str, *more: str) -> dict[str, dict]:
    done = run_grade(
        "batch", str(root / "class"), "--out", str(root / out), *course_args(root), *more, fresh=True
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    return {r["student"]: r for r in json.loads((root / out / "gradebook.json").read_text())}


def standing(row: dict) -> dict[str, list[float]]:
    return {k: list(v) for k, v in row["report"]["standing"]["exercises"].items()}


def shown(report: dict) -> dict[str, list[float]]:
    """{topic.exercise: [points, max]} of the exercises a report judged."""
    return {
        f"{t['name']}.{e['name']}": [e["points"], e["max_points"]]
        for t in report["topics"]
        for e in t.get("exercises", [])
    }


@pytest.fixture(scope="module")
def local(course):
    return batch(course, "local")


def test_the_class_is_what_it_should_be(local):
    """The kinds are told apart: the wrong mask and the off-limits call cost their exercise, the
    late student loses 30 %, the extended one nothing."""
    right = standing(local["right"])
    assert all(points == most > 0 for points, most in right.values())
    assert standing(local["wrong"])["attention.causal_mask"][0] < right["attention.causal_mask"][0]
    twin = standing(local["twin"])["attention.scaled_dot_product_attention"]
    assert twin[0] < right["attention.scaled_dot_product_attention"][0]
    late = [local[s]["report"]["standing"]["late"] for s in ("late", "extended")]
    assert late[0].endswith("−30 %") and late[1] == ""
    assert float(local["late"]["total"]) == pytest.approx(0.7 * float(local["right"]["total"]))


def test_grade_file_under_the_course_gives_batch_s_points(course, local):
    for student in STUDENTS:
        path = course / "class" / student / "attention.py"
        done = run_grade(str(path), *course_args(course), "--format", "json", *K, fresh=True)
        assert done.returncode in (0, 1), done.stderr[-3000:]
        assert shown(json.loads(done.stdout)) == standing(local[student]), student


def test_dask_gives_the_local_gradebook(course, local, monkeypatch):
    """The workers are started with the course's packs (TORCHGRADE_PACKS), as docs/instructors.md
    says: a worker without them refuses, its suite version (the manifest's key) not the
    coordinator's."""
    distributed = pytest.importorskip("distributed")
    monkeypatch.setenv("TORCHGRADE_PACKS", str(ATTENTION))
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as c,
        distributed.Client(c),
    ):
        remote = batch(course, "dask", "--scheduler", c.scheduler_address)
    for student in STUDENTS:
        assert standing(remote[student]) == standing(local[student]), student
        assert remote[student]["total"] == local[student]["total"], student


def _autograder(zipped: Path, student: str, source: str, created_at: str) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"torchgrade-matrix-{student}-"))
    os.chmod(root, 0o711)
    try:
        with zipfile.ZipFile(zipped) as archive:
            archive.extractall(root / "source")
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
        (root / "submission").mkdir()
        (root / "results").mkdir()
        (root / "submission" / "attention.py").write_text(source)
        metadata = {"created_at": created_at, "users": [{"name": student, "email": f"{student}@example.org"}]}
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TORCHGRADE_", "PYTEST_"))}
        env |= {"TORCHGRADE_AUTOGRADER_ROOT": str(root), "TORCHGRADE_PYTHON": sys.executable}
        done = subprocess.run(
            ["bash", str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return json.loads((root / "results" / "results.json").read_text())
    finally:
        shutil.rmtree(root, ignore_errors=True)


def by_exercise(results: dict) -> dict[str, list[float]]:
    """{topic.exercise: [score, max]} of Gradescope's tests (an exercise's tests added)."""
    found: dict[str, list[float]] = {}
    for test in results["tests"]:
        if not test.get("tags") or ": " not in test["name"]:
            continue  # the held-back notice, the late policy's line
        topic, rest = test["name"].split(": ", 1)
        earned, most = found.setdefault(f"{topic}.{rest.split(' ', 1)[0]}", [0.0, 0.0])
        found[f"{topic}.{rest.split(' ', 1)[0]}"] = [
            round(earned + test["score"], 2),
            round(most + test["max_score"], 2),
        ]
    return found


def test_the_gradescope_zip_gives_batch_s_points_and_totals(course, local, tmp_path):
    zipped = tmp_path / "autograder.zip"
    done = run_grade("gradescope", str(zipped), *course_args(course), fresh=True)
    assert done.returncode == 0, done.stderr[-3000:]
    times = dict(line.split(",") for line in TIMES.splitlines()[1:])
    for student, source in STUDENTS.items():
        created = times[student].replace(" ", "T") + ":00+00:00"
        results = _autograder(zipped, student, source, created)
        assert by_exercise(results) == standing(local[student]), student
        assert results["score"] == pytest.approx(float(local[student]["total"])), student


CHECK_ALL = """
import json, sys
from pathlib import Path
from grader.apps import selfcheck

found = {}
for path in sys.argv[1:]:  # one notebook a student, its one cell the student's file
    selfcheck.use_notebook(path)
    for exercise in ("causal_mask", "scaled_dot_product_attention", "MultiHeadAttention"):
        course = selfcheck.self_check(exercise).course
        found.setdefault(Path(path).parent.name, {})[f"attention.{exercise}"] = [course["points"], course["max_points"]]
selfcheck.stop_engine()
print(json.dumps(found))
"""  # noqa: E501


@pytest.fixture(scope="module")
def release(course, tmp_path_factory):
    release = tmp_path_factory.mktemp("release") / "release"
    done = run_grade("release", str(release), *course_args(course), fresh=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return release


def _in_release(release: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(release), "NO_COLOR": "1", "TORCHGRADE_LANG": "en"}
    done = subprocess.run([sys.executable, *args], cwd=release, capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return done


def _public(course: Path, student: str) -> dict[str, list[float]]:
    path = str(course / "class" / student / "attention.py")
    public = run_grade(path, *course_args(course), "--public-only", "--format", "json", *K, fresh=True)
    assert public.returncode in (0, 1), public.stderr[-3000:]
    return shown(json.loads(public.stdout))


def test_the_release_gives_the_public_share(course, release):
    """Seen failing before `--public-only` under a course gave the public checks' share: it scaled
    them to the whole exercise (10/10 where the release shows 8/8 of causal_mask's 10)."""
    for student in STUDENTS:
        path = str(course / "class" / student / "attention.py")
        in_release = _in_release(release, "-m", "grader", path, "--format", "json", "--no-daemon", *K)
        assert shown(json.loads(in_release.stdout)) == _public(course, student), student


def test_check_in_the_release_s_notebook_gives_the_public_share(course, release, tmp_path):
    """check() in a hand-out notebook holding the student's file counts the course's points of
    the exercise as `grade FILE --course --assignment --public-only` does."""
    import nbformat

    notebooks = []
    for student, source in STUDENTS.items():
        (tmp_path / student).mkdir()
        book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nbformat.write(book, tmp_path / student / "attention.ipynb")
        notebooks.append(str(tmp_path / student / "attention.ipynb"))
    done = _in_release(release, "-c", CHECK_ALL, *notebooks)
    checked = json.loads(done.stdout.splitlines()[-1])  # after the engine's warming line
    for student in STUDENTS:
        assert checked[student] == _public(course, student), student
