"""`--course FILE --assignment NAME` wherever a grade or a class is read: each
command finds the course's packs as `grade batch --course` does, with no TORCHGRADE_PACKS set,
from one declaration of the two options (grader/commands/common.py, course_options); `grade
FILE --course --assignment` gives the points `grade batch` gives the same submission on time."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import click
import pytest
from helpers import REPO, run_grade

from grader import cli
from grader.base import packs

ATTENTION = REPO / "tests" / "packs" / "attention"
REFERENCE = ATTENTION / "solutions" / "attention.py"

# every command that reads a grade or a class, by its path under `grade`
READERS = [
    ("check",),
    ("author", "record"),
    ("author", "validate"),
    ("batch", "run"),
    ("batch", "causes"),
    ("batch", "leaderboard"),
    ("release",),
    ("gradescope",),
    ("notebooks",),
]


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli.main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


@pytest.mark.unit
@pytest.mark.parametrize("path", READERS, ids=" ".join)
def test_every_reader_takes_course_and_assignment_from_the_one_declaration(path):
    """Seen failing before: check, author record/validate, batch causes and leaderboard had none."""
    declared = {p.name: p for p in _command(("batch", "run")).params}
    found = {p.name: p for p in _command(path).params}
    for name, opts in (("course_file", ["--course"]), ("assignment", ["--assignment"])):
        assert name in found, f"grade {' '.join(path)} has no {opts[0]}"
        assert found[name].opts == opts and found[name].help == declared[name].help


# every command that names a topic or an exercise of one without reading a grade
NAMERS = [("similarity",), ("hint",), ("solution",), ("next",), ("watch",), ("reset",)]


@pytest.mark.unit
@pytest.mark.parametrize("path", NAMERS, ids=" ".join)
def test_every_command_that_names_a_topic_takes_course_from_the_one_declaration(path):
    """Seen failing before: none of them had --course (a course's topics unknown to them)."""
    declared = {p.name: p for p in _command(("batch", "run")).params}["course_file"]
    found = {p.name: p for p in _command(path).params}
    assert "course_file" in found, f"grade {' '.join(path)} has no --course"
    assert found["course_file"].opts == ["--course"] and found["course_file"].help == declared.help


# each command of NAMERS on the course's own topic, and what it then says
SEEN = {
    "similarity": (("class", "--out", "out", "--topic", "attention"), "similarity"),
    "hint": (("causal_mask",), "causal_mask"),
    "solution": (("causal_mask",), "def causal_mask"),
    "next": (("empty",), "attention.py"),  # the folder holds none of the course's topic files
    "watch": (("empty", "--topic", "attention"), "attention.py"),
    "reset": (("causal_mask", "work"), "causal_mask"),
}


@pytest.mark.e2e
@pytest.mark.parametrize("name", sorted(SEEN))
def test_every_command_that_names_a_topic_sees_the_course_s_topics(tmp_path, name):
    """With no TORCHGRADE_PACKS, `--course` alone makes the course's topics known (`grade
    similarity --topic attention` said "unknown topic" before)."""
    shutil.copytree(ATTENTION, tmp_path / "attention")
    (tmp_path / "course.toml").write_text('[course]\nname = "elsewhere"\npacks = ["attention"]\n')
    for folder in ("class", "work", "empty"):
        (tmp_path / folder).mkdir()
    shutil.copy(REFERENCE, tmp_path / "class" / "alice_attention.py")
    shutil.copy(REFERENCE, tmp_path / "class" / "bob_attention.py")
    shutil.copy(REFERENCE, tmp_path / "work" / "attention.py")
    args, said = SEEN[name]
    named = [str(tmp_path / a) if a in ("class", "out", "work", "empty") else a for a in args]
    done = run_grade(name, *named, "--course", str(tmp_path / "course.toml"), fresh=True, timeout=300)
    output = done.stdout + done.stderr
    assert "unknown" not in output and said in output, output[-2000:]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course outside the checkout whose pack (the attention pack) only its file names, with a
    seed, and a class of one wrong submission graded by `grade batch --course --assignment`."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ATTENTION, root / "attention")
    (root / "course.toml").write_text(
        '[course]\nname = "elsewhere"\nseed = "s3cret"\npacks = ["attention"]\n\n'
        '[assignments.hw9]\ntopics = ["attention"]\npoints = 30\n'
    )
    wrong = REFERENCE.read_text().replace(".tril()", ".triu()")
    assert wrong != REFERENCE.read_text()
    (root / "class").mkdir()
    (root / "class" / "alice_attention.py").write_text(wrong)
    done = _grade(root, "batch", "class", "--out", "out", "--course", "course.toml", "--assignment", "hw9")
    assert done.returncode == 0, done.stderr[-2000:]
    return root


def _grade(root: Path, *args: str):
    """`grade ARGS` with no TORCHGRADE_PACKS: only the course file names the pack (the names
    class, out and course.toml are ``root``'s)."""
    assert packs.PACKS_ENV not in os.environ
    return run_grade(
        *[str(root / a) if a in ("class", "out", "course.toml") else a for a in args], fresh=True
    )


def _points(report: dict) -> dict[str, list[float]]:
    return {
        f"{topic['name']}.{exercise['name']}": [exercise["points"], exercise["max_points"]]
        for topic in report["topics"]
        for exercise in topic["exercises"]
    }


@pytest.mark.e2e
def test_grade_file_with_the_course_gives_batchs_points_for_the_same_submission(course):
    """Seen failing before: `grade FILE --course` was "No such option: --course"."""
    (row,) = json.loads((course / "out" / "gradebook.json").read_text())
    submission = str(course / "class" / "alice_attention.py")
    args = ("--course", "course.toml", "--assignment", "hw9", "--student", "alice", "--no-daemon")
    done = _grade(course, submission, *args, "--format", "json")
    assert done.returncode == 1, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert _points(report) == _points(row["report"]), (report, row["report"])
    assert report["course"]["assignment"] == "hw9" and report["course"]["total"] == 30
    assert report["score"] == float(row["total"]) < report["max_score"] == float(row["max"]) == 30
    (course / "alice").mkdir()  # grade DIR: the same
    shutil.copy(submission, course / "alice" / "attention.py")
    done = _grade(course, str(course / "alice"), *args, "--format", "json")
    assert _points(json.loads(done.stdout)) == _points(row["report"]), done.stderr[-2000:]


@pytest.mark.e2e
def test_the_authors_commands_find_the_pack_from_the_course(course):
    """Seen failing before: "No such option: --course" (and without it "no topic attention")."""
    done = _grade(course, "author", "record", "attention", "--check", "--course", "course.toml")
    assert done.returncode == 0 and "is current" in done.stdout, done.stdout + done.stderr[-2000:]
    done = _grade(
        course, "author", "validate", "attention", "--course", "course.toml", "--assignment", "nope"
    )
    assert done.returncode == 2 and "nope" in done.stderr, done.stderr[-2000:]
    done = _grade(
        course, "author", "validate", "attention", "--exercise", "causal_mask", "--course", "course.toml"
    )
    assert "causal_mask" in done.stdout and "no topic" not in done.stderr, done.stdout + done.stderr[-2000:]


@pytest.mark.e2e
def test_the_class_commands_read_a_pack_course_back(course):
    """Seen failing before: "No such option: --course"; without it, "the course this gradebook
    was graded for cannot be read back: ... is not loaded"."""
    done = _grade(course, "batch", "causes", "--out", "out", "--course", "course.toml", "--format", "json")
    assert done.returncode == 0 and "causal_mask" in done.stdout, done.stdout + done.stderr[-2000:]
    group = next(g for g in json.loads(done.stdout) if g["exercise"] == "attention.causal_mask")
    note = ("batch", "causes", "note", group["exercise"], group["cause"], "--text", "the mask is upper")
    done = _grade(course, *note, "--out", "out", "--course", "course.toml", "--assignment", "hw9")
    assert done.returncode == 0, done.stderr[-2000:]
    done = _grade(course, "batch", "leaderboard", "--out", "out", "--course", "course.toml")
    assert "declares no leaderboard" in done.stderr, done.stderr[-2000:]
    other = course / "other.toml"
    other.write_text((course / "course.toml").read_text())
    done = _grade(course, "batch", "causes", "--out", "out", "--course", str(other))
    assert done.returncode == 2 and "course.toml" in done.stderr, done.stderr[-2000:]


@pytest.mark.e2e
def test_a_release_of_the_course_holds_its_pack(course, tmp_path):
    """`grade release` took --course before; it finds the pack the same way (passed before too)."""
    done = _grade(
        course, "release", str(tmp_path / "release"), "--course", "course.toml", "--assignment", "hw9"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "release" / "exercises" / "attention.py").is_file()
