"""The student release: no solutions, no hidden checks, and its own grader works."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import nbformat
import pytest
from helpers import REPO
from pty_run import PtyRun, run_in_pty

from grader.apps import leaks
from grader.base.topics import available_topics, suite_path

pytestmark = pytest.mark.e2e


BUILT: dict[str, PtyRun] = {}  # the release command's run on a terminal (its silences)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """Built on a pseudo-terminal, as an instructor would: it must say what it does meanwhile."""
    out = tmp_path_factory.mktemp("release") / "course"
    command = [sys.executable, "-m", "grader", "release", str(out)]
    done = run_in_pty(command, cwd=str(REPO), env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=600)
    assert done.returncode == 0, done.output[-3000:]
    BUILT["release"] = done
    return out


def test_building_the_release_is_never_silent_for_more_than_a_second(release):
    built = BUILT["release"]
    assert built.longest_silence <= 1.0, built.silences
    assert (
        "scanning every file for answers" in built.output and f"release written to {release}" in built.output
    )


def test_the_learners_readme_names_the_loop_in_at_most_60_lines(release):
    readme = (release / "README.md").read_text()
    assert len(readme.splitlines()) <= 60
    for command in (
        "grade watch",
        "grade next",
        "grade hint",
        "grade reset",
        "grade doctor",
        "-k ",
        "--exercise",
    ):
        assert command in readme, command
    assert "count 2" in readme  # why points and passed checks differ


def test_the_release_ships_the_hints_and_no_solution(release, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(release), "TORCHGRADE_STATE": str(tmp_path)}
    assert sorted(p.stem for p in (release / "hints").glob("*.md")) == sorted(available_topics())
    hint = subprocess.run(
        [sys.executable, "-m", "grader", "hint", "softmax"],
        cwd=release,
        capture_output=True,
        text=True,
        env=env,
    )
    assert hint.returncode == 0 and hint.stdout.startswith("hint 1/"), hint.stderr
    shown = subprocess.run(
        [sys.executable, "-m", "grader", "solution", "softmax"],
        cwd=release,
        capture_output=True,
        text=True,
        env=env,
    )
    assert shown.returncode == 2 and "no worked solutions here" in shown.stderr and "def " not in shown.stdout


def grade_in(release, path) -> tuple[int, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "grader", str(path), "--format", "json"],
        cwd=release,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(release)},
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_no_solutions_and_no_hidden_tests(release):
    assert not (release / "solutions").exists() and not (release / "tests" / "grader").exists()
    solution_texts = {p.read_text() for p in (REPO / "solutions").glob("*.py")}
    for path in release.rglob("*.py"):
        assert path.read_text() not in solution_texts, path
    for topic in available_topics():
        tests = [
            n
            for n in ast.parse((release / "tests" / "suites" / f"suite_{topic}.py").read_text()).body
            if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
        ]
        assert tests, topic
        for test in tests:
            assert "public=True" in ast.unparse(test.decorator_list[0]), (topic, test.name)
    assert (release / "notebooks" / "losses.ipynb").is_file()
    # the battery's references are closed forms: a release judges against what they answered
    assert not list(release.rglob("references.py")) and (release / "tests/suites/answers_losses.pt").is_file()


def test_release_grades_its_exercises_and_says_hidden_checks_are_absent(release):
    code, report = grade_in(release, release / "exercises")
    assert code == 1 and report["score"] == 0
    assert {t["status"] for topic in report["topics"] for t in topic["tests"]} <= {"not_started", "skipped"}
    assert any("hidden checks are not available" in note for note in report["notes"])
    code, report = grade_in(release, REPO / "solutions" / "losses.py")
    assert code == 0 and report["score"] == report["max_score"] > 0


def test_the_release_carries_every_public_check(release):
    """Each topic's public checks in the release are the checkout's, id for id. Before: the mlp
    suite's ``inputs_untouched[dropout]`` was missing (its case is added to the table by a
    subscript assignment the cut left out): 470 public checks against 471."""
    from grader.engine.suites import collected as suites

    _code, report = grade_in(release, release / "exercises")
    for topic in report["topics"]:
        shipped = sorted(t["id"] for t in topic["tests"])
        public = sorted(r.id for r in suites.collected(topic["name"], 10.0).rows if r.public)
        assert shipped == public, topic["name"]


def test_release_and_handouts_hold_no_answer(release):
    """Read independently of the scan at write time: no exercise is defined with a body anywhere
    (code in strings too), no definition holds an answer, no benchmark material, no hidden check."""
    texts = {str(p.relative_to(release)): p.read_text() for p in release.rglob("*.py")}
    for notebook in (release / "notebooks").glob("*.ipynb"):
        cells = nbformat.read(str(notebook), as_version=4).cells
        texts |= {f"{notebook.name} {i}": c.source for i, c in enumerate(cells) if c.cell_type == "code"}
    names = leaks.exercise_names_in(REPO / "exercises")
    for file, text in texts.items():
        for tree, _ in leaks.modules_in(text):
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names:
                    assert leaks.is_stub(node), f"{file}:{node.lineno} defines {node.name}"
    assert (
        leaks.scan(
            texts,
            leaks.answers(leaks.course_files(REPO, "solutions"), leaks.course_files(REPO, "exercises")),
            names,
        )
        == []
    )
    assert not list(release.rglob("bench*")) and not (release / "grader" / "gradescope_template").exists()
    suites = {f"tests/suites/suite_{topic}.py" for topic in available_topics()}
    elsewhere = "\n".join(text for file, text in texts.items() if file not in suites)
    for topic in available_topics():  # a check's name is unique in its own suite only
        released = texts[f"tests/suites/suite_{topic}.py"] + elsewhere
        for node in ast.parse(suite_path(topic).read_text()).body:
            if (
                isinstance(node, ast.FunctionDef)
                and node.name.startswith("test_")
                and "public=True" not in ast.unparse(node.decorator_list[0])
            ):
                assert f"def {node.name}(" not in released, (topic, node.name)


def test_a_public_only_verdict_names_what_the_hidden_suite_still_judges(release):
    """In a checkout and in a release, a public-only run of one exercise says, per kind, how many
    hidden checks still judge it (never their inputs or expected values), and the notebook's
    check() says it instead of a bare "passed"."""
    from grader.apps.selfcheck import CheckResult
    from grader.engine import check_table
    from grader.engine.suites import collected as suites

    expected = check_table.hidden_kinds(suites.collected("losses", 10.0).rows, ("softmax",))["softmax"]
    assert sum(expected.values()) > 0
    args = ("--public-only", "--exercise", "softmax")
    for folder in (REPO, release):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "grader",
                str(REPO / "solutions" / "losses.py"),
                *args,
                "--format",
                "json",
            ],
            cwd=folder,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(folder)},
        )
        assert done.returncode == 0, done.stderr
        topic = json.loads(done.stdout)["topics"][0]
        assert topic["hidden"] == {"softmax": expected}, folder
        verdict = CheckResult("softmax", topic["tests"], hidden=topic["hidden"]["softmax"]).summary()
        assert verdict.startswith("softmax: passed") and "the hidden suite still judges it with" in verdict
        assert all(f"{n} " in verdict for n in expected.values()), verdict
