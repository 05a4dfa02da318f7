"""Hand-outs are projections of the declarations, field by field: a student release, a hand-out
notebook and the Gradescope zip carry every clause that decides points (a suite's ``OFF_LIMITS``,
``VECTORISED``, ``DIMENSION_COUNTS``; a pack's topic keys; a course assignment's points, twin rule,
late policy and extensions), or the field is on the instructor-only list with its reason
(grader/course/projections.py). A pack forbidding ``F.conv1d``, written here as tests/packs/attention
is, released for a course: a call of it costs points in the release as on every official path."""

from __future__ import annotations

import ast
import dataclasses
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from grader.apps.course_points import split_of
from grader.apps.release import public_suite
from grader.base import defaults, packs
from grader.course import toml as course
from grader.course.projections import HANDOUTS, SUITE_FIELDS, carried, instructor_only
from grader.gradescope.config import Config, assignment_fields

PACK = {
    "pack.toml": """\
name = "smoothing"

[[topics]]
name = "smoothing"
seconds = 0.3
exercises = ["moving_sum"]
""",
    "exercises/smoothing.py": '''\
"""smoothing: fill in each function below; `grade exercises/smoothing.py` checks them."""

from __future__ import annotations

import torch


def moving_sum(x: torch.Tensor) -> torch.Tensor:
    """The sums of every three neighbours along the last dimension of ``x``.

    ``x``: a float32 or float64 tensor of shape (..., L), L at least 3; the result has shape
    (..., L - 2), its dtype and device, and ``x`` is left unchanged. Off limits: ``F.conv1d``.
    """
    raise NotImplementedError
''',
    "solutions/smoothing.py": '''\
"""smoothing: the reference."""

from __future__ import annotations

import torch


def moving_sum(x: torch.Tensor) -> torch.Tensor:
    return x[..., :-2] + x[..., 1:-1] + x[..., 2:]
''',
    "domains_smoothing.py": '''\
"""The input domain of moving_sum, read off its docstring."""

from __future__ import annotations

from grader.checks.domains import F64, Case, declare, randn

T = "smoothing"


@declare(T, "moving_sum", "dtype signs")
def _moving_sum() -> list[Case]:
    return [
        Case("signs", "moving_sum", (randn(2, 7),), wrt=(0,), note="mixed signs"),
        Case("dtype", "moving_sum", (randn(3, 5, dtype=F64),), note="float64"),
    ]
''',
    "suite_smoothing.py": '''\
"""Hidden suite for smoothing."""

from __future__ import annotations

import pytest
import torch

from grader.checks import battery, check, expect_close, probes

OFF_LIMITS = {"moving_sum": {"conv1d": "F.conv1d", "convolution": "F.conv1d"}}


@check("shape", public=True, exercise="moving_sum")
def test_moving_sum_of_ones(sub):
    x = torch.ones(2, 6)
    expect_close(sub.run(probes.call, "moving_sum", (x,), {}), 3 * torch.ones(2, 4), "moving_sum(ones(2, 6))")


@check("shape", exercise="moving_sum")
def test_moving_sum_of_a_ramp(sub):
    x = torch.arange(12.0).reshape(2, 6)
    want = x[:, :-2] + x[:, 1:-1] + x[:, 2:]
    expect_close(sub.run(probes.call, "moving_sum", (x,), {}), want, "moving_sum(a ramp)")


@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("smoothing"))
def test_input_domain(sub, name):
    battery.run(sub, "smoothing", name)
''',
    "hints/smoothing.md": "## moving_sum\n- Add three slices of x, each shifted by one.\n",
}


GETATTR_UPPER = re.compile(r'getattr\(\s*\w+\s*,\s*"([A-Z][A-Z0-9_]*)"')


@functools.cache
def suite_fields_read() -> frozenset[str]:
    """The names grader/ reads off a suite module: ``getattr(module, "NAME", ...)``, upper case."""
    return frozenset(
        name for path in (REPO / "grader").rglob("*.py") for name in GETATTR_UPPER.findall(path.read_text())
    )


def declaration_fields() -> dict[str, set[str]]:
    """{declaration: its fields}, read from the declarations themselves."""
    return {
        "suite": suite_fields_read(),
        "topic": {f.name for f in dataclasses.fields(packs.Topic)},
        "assignment": {f.name for f in dataclasses.fields(course.Assignment)},
        "course": {f.name for f in dataclasses.fields(course.Course)},
    }


@pytest.mark.unit
@pytest.mark.parametrize("handout", HANDOUTS)
def test_every_declaration_field_is_carried_or_instructor_only(handout):
    """A field a declaration gains (a suite's new clause, a pack key, a course key) fails here
    until the release and the zip carry it or grader/course/projections.py says why the instructor keeps it."""
    assert suite_fields_read() == set(SUITE_FIELDS)
    for declaration, fields in declaration_fields().items():
        carried_here, kept = carried(handout)[declaration], instructor_only(handout)[declaration]
        for name in sorted(fields):
            assert (name in carried_here) != (name in kept), (
                f"{handout}: {declaration}.{name}: carried or kept, once"
            )
            assert name in carried_here or kept[name].strip(), (
                f"{handout}: {declaration}.{name}: say why it is kept"
            )
        assert set(carried_here) | set(kept) <= fields, f"{handout}: {declaration}: not a field any more"


SUITES = sorted((REPO / "tests" / "suites").glob("suite_*.py")) + sorted(
    (REPO / "tests" / "packs").glob("*/suite_*.py")
)


def _statements(source: str) -> dict[str, str]:
    """{a module-level name: the source of the statement binding it}."""
    found = {}
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if isinstance(target, ast.Name):
                found[target.id] = ast.get_source_segment(source, node) or ""
    return found


@pytest.mark.engine  # a sweep: every suite of every pack parsed and cut as a release cuts it
@pytest.mark.parametrize("suite", SUITES, ids=lambda p: p.stem)
def test_a_releases_public_suite_keeps_every_declaration(suite):
    """Each declaration the engine reads from a suite, as written, in the release's public suite
    (with what it uses). Before: kept only where a public test named it (the attention and norms
    packs lost OFF_LIMITS and VECTORISED, tensors its VECTORISED)."""
    full = suite.read_text()
    released, _ = public_suite(full)
    declared, kept = _statements(full), _statements(released)
    for name in SUITE_FIELDS:
        if name in declared:
            assert kept.get(name) == declared[name], f"{suite.name}: {name} is not in the release"
    compile(released, suite.name, "exec")


def _laid_out(topic: packs.Topic, handout: str, folder: Path) -> packs.Topic:
    """``topic`` as a hand-out lays it out in ``folder``: its files where the release or the zip
    puts them and the flattened pack.toml, read back."""
    shipped = {"exercises/" + topic.stub.name: topic.stub, "tests/suites/" + topic.suite.name: topic.suite}
    shipped |= (packs.data_files if handout == "release" else packs.pack_files)(topic, defaults.LANGUAGES)
    for where, path in shipped.items():
        (folder / where).parent.mkdir(parents=True, exist_ok=True)
        (folder / where).write_bytes(path.read_bytes())
    (folder / "tests/suites/pack.toml").write_text(packs.flattened_toml((topic,)))
    return next(t for t in packs.read_pack(folder / "tests" / "suites")[1] if t.name == topic.name)


PATHS = ("stub", "domains", "answers")


@pytest.mark.unit
@pytest.mark.parametrize("handout", HANDOUTS)
@pytest.mark.parametrize("pack", ["attention", "norms"])
def test_a_hand_out_carries_each_topic_field_it_lists(handout, pack, tmp_path):
    """A pack's topic in a release or a zip: each field grader/course/projections.py says it carries is
    there, equal; the reference is not."""
    topic = packs.read_pack(REPO / "tests" / "packs" / pack)[1][0]
    laid = _laid_out(topic, handout, tmp_path)
    for name in carried(handout)["topic"]:
        if name in PATHS:
            assert getattr(laid, name).is_file(), name
        elif name == "reads":
            assert packs.read_files(laid).keys() == packs.read_files(topic).keys()
        else:
            assert getattr(laid, name) == getattr(topic, name), name
    assert not laid.solution.is_file()


HW = """\
[course]
seed = "s3cret"
timezone = "Europe/Berlin"

[assignments.hw1]
topics = ["losses"]
exercises = ["mlp.relu"]
points = 40
due = "2026-10-01 23:59"
twin = "half"
late = { policy = "per_hour", penalty = 5, cap = 40, grace_minutes = 10 }
kind_weights = { convergence = 3 }
submissions = { per_day = 3 }

[assignments.hw1.extensions]
"Ada Lovelace" = "2026-10-03 12:00"
"""


@pytest.mark.unit
def test_an_assignments_fields_travel_as_listed(tmp_path):
    """What the zip says it carries of an assignment is in gradescope.json, read back equal (its
    due time with its zone's offset); what a release says, in its marker's points."""
    path = tmp_path / "course.toml"
    path.write_text(HW)
    hw1 = course.load_course(path).assignment("hw1")
    read = Config.from_json(json.loads(json.dumps(Config(assignment=assignment_fields(hw1)).to_json())))
    by_command = {
        "topics",
        "whole_topics",
        "language",
    }  # grader/commands/course.py: the selection, the language
    for name in set(carried("zip")["assignment"]) - by_command - {"timezone"}:
        assert getattr(read, name) == getattr(hw1, name), name
    assert read.due is not None and read.due.utcoffset() == hw1.due.utcoffset() != None  # noqa: E711
    split = split_of(hw1)
    for name in carried("release")["assignment"]:
        if name not in ("topics", "language"):
            assert split["assignment" if name == "name" else name] == getattr(hw1, name), name


@pytest.mark.unit
def test_a_course_key_is_one_declaration_edit(tmp_path, monkeypatch):
    """A key an assignment gains in one edit, a field of its dataclass made by ``setting()`` (here
    a temporary subclass): course.toml's reader reads it, each hand-out's projection lists it,
    docs/settings.md's drawn table shows it, and the Gradescope zip's gradescope.json carries it
    back equal. Before: five hand-kept lists (the keys, the reader, the Config, the projections'
    FIELDS, the example) had to gain it each."""
    import zipfile

    from grader import keys_docs
    from grader.base.keys import Kept, setting
    from grader.base.options import Options
    from grader.course import keys as course_keys
    from grader.gradescope.build import build_autograder

    stars = setting(
        "whole number",
        "the stars it is worth",
        0,
        carried=(Kept("stars are Gradescope's"), "gradescope.json stars"),
    )
    grown = dataclasses.make_dataclass(
        "Assignment", [("stars", int, stars)], bases=(course_keys.Assignment,), frozen=True
    )
    monkeypatch.setattr(course_keys, "Assignment", grown)
    path = tmp_path / "course.toml"
    path.write_text(HW.replace('twin = "half"', 'twin = "half"\nstars = 4'))
    hw1 = course.load_course(path).assignment("hw1")
    assert hw1.stars == 4
    assert carried("zip")["assignment"]["stars"] == "gradescope.json stars"
    assert instructor_only("release")["assignment"]["stars"] == "stars are Gradescope's"
    assert "| `stars` | whole number | `0` | the stars it is worth |" in keys_docs.drawn()["course.toml"]
    config = Config(Options().with_topics(("losses",)), assignment=assignment_fields(hw1))
    with zipfile.ZipFile(build_autograder(tmp_path / "a.zip", config)) as built:
        shipped = json.loads(built.read("gradescope.json"))
    assert shipped["stars"] == 4 and Config.from_json(shipped).carried("stars") == 4
    path.write_text(HW.replace('twin = "half"', 'twin = "half"\nstars = "many"'))
    with pytest.raises(course.CourseError, match="hw1.stars: expected whole number"):
        course.load_course(path)


@pytest.mark.unit
def test_the_release_and_the_zip_carry_files_by_one_rule(tmp_path, monkeypatch):
    """Both hand-outs' file lists come from grader/course/projections.py ``handout_files``: a file the
    rule gains is in both, and each carries the grader its entry points import, not the
    instructor's tools. Before: the release took the import closure of grader/, the zip every
    file of grader/ and exercises/ (the benchmark, the .po sources, other topics' stubs)."""
    from grader.apps import release
    from grader.course.projections import handout_files
    from grader.gradescope import build

    planted = tmp_path / "planted.txt"
    planted.write_text("one rule")
    asked = []

    def rule(handout: str, *args):
        asked.append(handout)
        return {**handout_files(handout, *args), "planted.txt": planted}

    monkeypatch.setattr(release, "handout_files", rule)
    monkeypatch.setattr(build, "handout_files", rule)
    zipped = dict(build.source_files(("losses",)))
    released = release.release_files(["losses"])
    assert asked == ["zip", "release"]
    assert zipped["planted.txt"] == planted and released["planted.txt"] == b"one rule"
    for files in (zipped, released):
        assert {"grader/engine/runner.py", "grader/sandboxed/worker.py", "exercises/losses.py"} <= set(files)
        assert not any(name.startswith(("grader/bench/", "exercises/cnn")) for name in files)
    assert "grader/gradescope/run.py" in zipped


FORBIDDEN = '''\
"""smoothing, by torch's own convolution."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def moving_sum(x: torch.Tensor) -> torch.Tensor:
    ones = torch.ones(1, 1, 3, dtype=x.dtype, device=x.device)
    return F.conv1d(x.reshape(-1, 1, x.shape[-1]), ones).reshape(*x.shape[:-1], x.shape[-1] - 2)
'''


def grade_command(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def smoothing(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """(the pack's folder, the environment that names it), its answers recorded."""
    folder = tmp_path_factory.mktemp("smoothing")
    for name, text in PACK.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    env = {**os.environ, "PYTHONPATH": str(REPO), packs.PACKS_ENV: str(folder), "NO_COLOR": "1"}
    done = grade_command("author", "record", "smoothing", cwd=REPO, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return folder, env


@pytest.mark.e2e
def test_a_pack_releases_grade_takes_points_for_its_off_limits_call(smoothing, tmp_path):
    """A course release of a pack whose docstring forbids ``F.conv1d``: a student who calls it is
    not full in the release's ``grade`` nor its ``check()`` (the official grade gives that exercise
    nothing), while the
    reference is. Before: the release's public suite dropped ``OFF_LIMITS`` (no public check named
    it) and the call read "passed" at home."""
    folder, env = smoothing
    course = tmp_path / "course.toml"
    course.write_text(
        f'[course]\npacks = ["{folder}"]\n\n[assignments.hw9]\ntopics = ["smoothing"]\npoints = 12\n'
    )
    release = tmp_path / "release"
    done = grade_command(
        "release", str(release), "--course", str(course), "--assignment", "hw9", cwd=REPO, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    learner = {k: v for k, v in env.items() if k != packs.PACKS_ENV} | {"PYTHONPATH": str(release)}
    scores = {}
    for name, text in (("reference", PACK["solutions/smoothing.py"]), ("conv1d", FORBIDDEN)):
        (release / "exercises" / "smoothing.py").write_text(text)
        done = grade_command(
            "exercises/smoothing.py", "--no-daemon", "--format", "json", cwd=release, env=learner
        )
        report = json.loads(done.stdout)
        scores[name] = (report["score"], report["max_score"])
    assert scores["reference"][0] == scores["reference"][1] > 0, scores
    assert scores["conv1d"][0] < scores["conv1d"][1], scores
    asked = subprocess.run(  # the notebooks' check("moving_sum"): the release's kernel engine
        [
            sys.executable,
            "-c",
            "import json, sys; from grader.apps.selfcheck_server import answer; "
            "print(json.dumps(answer({'path': sys.argv[1], 'exercise': 'moving_sum'})))",
            str(release / "exercises" / "smoothing.py"),
        ],
        cwd=release,
        capture_output=True,
        text=True,
        env=learner,
    )
    checked = json.loads(asked.stdout)["report"]
    assert checked["score"] < checked["max_score"], checked["score"]
    official = json.loads(
        grade_command(
            str(release / "exercises" / "smoothing.py"), "--no-daemon", "--format", "json", cwd=REPO, env=env
        ).stdout
    )
    assert official["score"] < official["max_score"], official["score"]


LATE_COURSE = """\
[course]
packs = ["{folder}"]
timezone = "UTC"

[assignments.hw9]
topics = ["smoothing"]
points = 30
due = "2026-10-01 23:59"
late = {{ policy = "per_day", penalty = 20, cap = 60 }}

[assignments.hw9.extensions]
"Bob Builder" = "2026-10-03 23:59"
"""

# who hands in when: alice a day late (-20 %), bob as late but extended by his name, carol on time
ARRIVALS = {
    "alice": ("2026-10-02T10:00:00+00:00", {"email": "alice@uni.edu", "name": "Alice Liddell", "sid": "a1"}),
    "bob": ("2026-10-02T10:00:00+00:00", {"email": "bob@uni.edu", "name": "Bob Builder", "sid": "b2"}),
    "carol": ("2026-10-01T12:00:00+00:00", {"email": "carol@uni.edu", "name": "Carol Ann", "sid": "c3"}),
}


def _run_autograder(zipped: Path, student: str, submission: str) -> dict:
    """results.json of ``submission`` handed in by ``student`` at their time, in a scratch /autograder."""
    import tempfile
    import zipfile

    root = Path(tempfile.mkdtemp(prefix="torchgrade-gs-late-"))
    os.chmod(root, 0o711)  # uid 65534 passes
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    when, user = ARRIVALS[student]
    (root / "submission_metadata.json").write_text(json.dumps({"created_at": when, "users": [user]}))
    (root / "submission" / "smoothing.py").write_text(submission)
    outside = {k: v for k, v in os.environ.items() if not k.startswith(("TORCHGRADE_", "PYTEST_"))}
    outside |= {"TORCHGRADE_AUTOGRADER_ROOT": str(root), "TORCHGRADE_PYTHON": sys.executable}
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")], env=outside, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    shutil.rmtree(root, ignore_errors=True)
    return results


@pytest.mark.e2e
def test_the_zips_late_student_gets_what_grade_batch_gives(smoothing, tmp_path):
    """The course's late policy and extensions travel in the Gradescope zip: a student a day late
    gets 24 of 30 from ``run_autograder`` as from ``grade batch``, a student extended by name 30
    from both, and the results say why. Before: the zip left the policy out (30 for the late one)."""
    folder, env = smoothing
    course = tmp_path / "course.toml"
    course.write_text(LATE_COURSE.format(folder=folder))
    zipped = tmp_path / "autograder.zip"
    done = grade_command(
        "gradescope", str(zipped), "--course", str(course), "--assignment", "hw9", cwd=REPO, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    reference = PACK["solutions/smoothing.py"]
    zip_scores = {student: _run_autograder(zipped, student, reference) for student in ARRIVALS}

    klass = tmp_path / "class"
    klass.mkdir()
    for student in ARRIVALS:
        (klass / f"{student}_smoothing.py").write_text(reference)
    times = tmp_path / "times.csv"
    times.write_text("".join(f"{s},{when}\n" for s, (when, _) in ARRIVALS.items()))
    roster = tmp_path / "roster.csv"  # the extension names bob as the LMS does: by his full name
    roster.write_text(
        "student,email,full name\n"
        + "".join(f"{s},{u['email']},{u['name']}\n" for s, (_, u) in ARRIVALS.items())
    )
    out = tmp_path / "out"
    done = grade_command(
        "batch", str(klass), "--out", str(out), "--course", str(course), "--assignment", "hw9",
        "--times", str(times), "--roster", str(roster), cwd=REPO, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    rows = json.loads((out / "gradebook.json").read_text())
    batch = {row["student"].split("@")[0]: float(row["total"]) for row in rows}  # the roster's key: e-mail
    assert batch == {"alice": 24.0, "bob": 30.0, "carol": 30.0}, batch
    assert {s: r["score"] for s, r in zip_scores.items()} == batch, zip_scores
    assert "Late: " in zip_scores["alice"]["output"] and "Late" not in zip_scores["carol"]["output"]


@pytest.mark.unit
def test_an_extension_names_a_gradescope_user_as_the_course_file_does():
    """ "Lovelace, Ada", her e-mail or her student id name her; in a group, the latest due counts;
    an unnamed user is held to the due time, and a local run without metadata is never late."""
    from datetime import datetime, timezone

    from grader.course.keys import LatePolicy
    from grader.gradescope import late

    due = datetime(2026, 10, 1, 23, 59, tzinfo=timezone.utc)
    config = Config(
        assignment={
            "due": due,
            "late": LatePolicy("per_day", 20.0),
            "extensions": {"Lovelace, Ada": due.replace(day=3), "b2": due.replace(day=5)},
        }
    )
    ada = {"email": "ada@uni.edu", "name": "Ada Lovelace", "sid": "a1", "id": 7}
    assert late.extended(config, {"users": [ada]}) == "Lovelace, Ada"
    assert late.extended(config, {"users": [ada, {"name": "Bob", "sid": "B2"}]}) == "b2"
    assert late.extended(config, {"users": [{"email": "eve@uni.edu"}]}) == ""
    results = {"score": 30.0, "output": "Score: 30 / 30", "tests": [{"score": 30.0}]}
    two_days = {"created_at": "2026-10-03T12:00:00+00:00", "users": [{"email": "eve@uni.edu"}]}
    assert late.penalised(results, config, two_days)["score"] == 18.0
    assert late.penalised(results, config, {**two_days, "users": [ada]}) == results
    assert late.penalised(results, config, {}) == results
