"""``grade next`` and ``grade reset EXERCISE``, on a copy of exercises/; ``grade FILE``, ``grade
FILE --exercise``, ``grade next`` and ``grade reset`` on every state a learner's editor leaves a
topic's file in (a student release, whose exercises/ the learner edits in place)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FILE_STATES, NEXT_STATES, REPO, file_state, release_copy, run_grade, syntax_line

from grader.apps.learner import find_next, original_stub, points_line, start_line
from grader.checks.verdict import scoring
from grader.checks.verdict.scoring import Report, TopicResult


def _copy(tmp_path, solved: tuple[str, ...]):
    folder = tmp_path / "work"
    shutil.copytree(REPO / "exercises", folder)
    for topic in solved:
        shutil.copy(REPO / "solutions" / f"{topic}.py", folder / f"{topic}.py")
    return folder


@pytest.mark.e2e
def test_next_names_the_first_exercise_not_full_with_its_docstring_and_command(tmp_path):
    folder = _copy(tmp_path, ("tensors", "autograd"))
    done = run_grade("next", str(folder), "--run", timeout=300)
    assert done.returncode == 0, done.stderr
    first, second, fastest, more, *graded = done.stdout.strip().splitlines()
    assert first.startswith("next: mse (losses): Mean squared error")
    assert second == f"check it with: grade {folder / 'losses.py'} --exercise mse"
    assert fastest.startswith(f"fastest: leave `grade watch {folder}` open")
    assert "grade next --run" in more and "grade hint mse" in more
    table = "\n".join(graded)  # --run: that exercise graded at once
    assert "losses" in table and "mse" in table and "tensors " not in table, table


@pytest.mark.unit
def test_next_skips_full_exercises_within_a_topic_and_says_when_all_are_full(tmp_path):
    def passed(*exercises):
        return [{"status": "passed", "exercises": [e]} for e in exercises]

    folder = _copy(tmp_path, ())
    graded = {"tensors": passed("add_into"), "autograd": passed("linear_grad")}
    graded["losses"] = passed("mse", "l1") + [{"status": "failed", "exercises": ["huber"]}]
    found = find_next(folder, lambda topic: graded.get(topic, []))
    assert found is not None and (found.topic, found.exercise) == ("losses", "huber")
    assert find_next(folder, lambda topic: passed("everything")) is None


@pytest.mark.e2e
def test_reset_restores_one_stub_and_saves_the_file_beside_it(tmp_path):
    folder = _copy(tmp_path, ("losses",))
    solved = (folder / "losses.py").read_text()
    done = run_grade("reset", "softmax", str(folder), timeout=60)
    assert done.returncode == 0, done.stderr
    now = (folder / "losses.py").read_text()
    assert 'raise NotImplementedError("softmax' in now
    assert "def mse(" in now and now.count("NotImplementedError") == 1  # the others stay solved
    (saved,) = folder.glob("losses.py.*.bak")
    assert saved.read_text() == solved and str(saved) in done.stdout


@pytest.mark.e2e
def test_reset_of_an_unknown_exercise_is_a_usage_error(tmp_path):
    folder = _copy(tmp_path, ())
    done = run_grade("reset", "softmx", str(folder), timeout=60)
    assert done.returncode == 2 and "did you mean 'softmax'" in done.stderr
    assert not list(folder.glob("*.bak"))


@pytest.mark.unit
@pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(), reason="not a git checkout")
def test_the_checkouts_own_stubs_reset_from_git():
    stub = REPO / "exercises" / "losses.py"
    assert original_stub("losses", stub) == stub.read_text()


def _report(*tests: tuple[str, str, str, float]) -> Report:
    """A report of (topic, exercise, status, points) checks."""
    topics: dict[str, TopicResult] = {}
    for topic, exercise, status, points in tests:
        kind = "convergence" if points > 1 else "shape"
        check = scoring.TestResult(f"test_{exercise}", kind, status, 0.0, points, exercises=(exercise,))
        topics.setdefault(topic, TopicResult(topic)).tests.append(check)
    return Report(topics=list(topics.values()), sandbox="none", device="cpu")


@pytest.mark.unit
def test_the_first_report_of_untouched_stubs_says_where_to_start(tmp_path):
    untouched = _report(("tensors", "one_hot", "not_started", 1), ("tensors", "add_into", "not_started", 1))
    line = start_line(untouched, tmp_path)
    assert line.startswith("start here: add_into in tensors") and f"grade next {tmp_path}" in line
    started = _report(("tensors", "add_into", "failed", 1), ("tensors", "one_hot", "not_started", 1))
    assert start_line(started, tmp_path) == ""


@pytest.mark.unit
def test_the_report_explains_why_points_and_checks_differ():
    assert points_line(_report(("mlp", "relu", "passed", 1))) == ""
    line = points_line(
        _report(("mlp", "relu", "passed", 1), ("mlp", "MLP", "failed", 2), ("cnn", "SimpleCNN", "failed", 2))
    )
    assert "2 training checks count 2" in line


def learner_course(tmp_path: Path, state: str) -> Path:
    """A student release whose exercises/ holds losses.py only, as the learner's editor left it
    in ``state`` (tests/grader/helpers.py: file_state)."""
    course = release_copy(tmp_path)
    for other in (course / "exercises").glob("*.py"):
        if other.name != "losses.py":
            other.unlink()
    stub = (course / "exercises" / "losses.py").read_text()
    solution = (REPO / "solutions" / "losses.py").read_text()
    (course / "exercises" / "losses.py").write_bytes(file_state(state, stub, solution))
    return course


def grade_in(course: Path, *args: str) -> subprocess.CompletedProcess:
    """`grade ARGS` run by the learner in their course (its own grader, in English)."""
    env = {**os.environ, "PYTHONPATH": str(course), "TORCHGRADE_STATE": str(course.parent / "state")}
    env["TORCHGRADE_LANG"] = "en"
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=course,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def _syntax_error(data: bytes) -> tuple[int, str]:
    try:
        compile(data, "losses.py", "exec")
    except SyntaxError as error:
        return int(error.lineno or 0), f"{type(error).__name__}: {error.msg}"
    raise AssertionError("it parses")


@pytest.mark.e2e
@pytest.mark.parametrize("chosen", [(), ("--exercise", "mse")], ids=["file", "exercise"])
@pytest.mark.parametrize("state", FILE_STATES)
def test_grade_file_says_what_each_file_state_is(tmp_path, state, chosen):
    course = learner_course(tmp_path, state)
    data = (course / "exercises" / "losses.py").read_bytes()
    done = grade_in(course, "exercises/losses.py", *chosen)
    said = done.stdout + done.stderr
    assert "no exercise" not in said and "Traceback" not in said, said
    if state in ("bom", "crlf"):  # graded as the same code without them: the solution, full
        assert done.returncode == 0, said
        return
    assert done.returncode == 1, said
    if state == "empty":
        assert "losses.py is empty" in said and "not started" in said, said
        return
    line, message = _syntax_error(data)
    assert f"losses.py, line {line}: {message}" in said, said
    assert "none of its exercises was graded" in said, said


@pytest.mark.e2e
@pytest.mark.parametrize("state", FILE_STATES)
def test_next_says_what_each_file_state_is(tmp_path, state):
    course = learner_course(tmp_path, state)
    data = (course / "exercises" / "losses.py").read_bytes()
    done = grade_in(course, "next")
    said = done.stdout + done.stderr
    assert done.returncode == 0 and "Traceback" not in said, said
    if state in ("bom", "crlf"):
        assert "every exercise passes all its checks here" in done.stdout, said
        return
    assert "next: mse (losses)" in done.stdout, said
    assert "--exercise mse" in done.stdout
    if state != "empty":
        line, message = _syntax_error(data)
        assert f"losses.py, line {line}: {message}" in done.stdout, said


@pytest.mark.e2e
@pytest.mark.parametrize("state", NEXT_STATES)
def test_next_is_honest_in_each_file_state(tmp_path, state):
    """`grade next` names an exercise open in the file with its description (never "next: mse
    (losses): " and nothing after), and a file that never finished importing (a loop, an error
    at import) is said first, never a solved exercise of that file as if it were the next step."""
    course = learner_course(tmp_path, state)
    done = grade_in(course, "next")
    said = done.stdout + done.stderr
    assert done.returncode == 0 and "Traceback" not in said, said
    if state in ("bom", "crlf"):
        assert "every exercise passes all its checks here" in done.stdout, said
        return
    lines = done.stdout.splitlines()
    named = next((i for i, line in enumerate(lines) if line.startswith("next: ")), None)
    assert named is not None, said
    summary = lines[named].split("): ", 1)[1].strip() if "): " in lines[named] else ""
    assert summary, said  # the exercise's description, not nothing
    assert lines[named].startswith("next: mse (losses)"), said
    if state in ("loop", "raises"):
        assert named > 0 and "import" in " ".join(lines[:named]), said  # why, before the exercise


@pytest.mark.e2e
@pytest.mark.parametrize("state", FILE_STATES)
def test_reset_puts_the_stub_back_in_each_file_state_of_a_release(tmp_path, state):
    course = learner_course(tmp_path, state)
    target = course / "exercises" / "losses.py"
    before = target.read_bytes()
    done = grade_in(course, "reset", "mse")
    assert done.returncode == 0, done.stdout + done.stderr
    (saved,) = target.parent.glob("losses.py.*.bak")
    assert saved.read_bytes() == before
    after = target.read_bytes()
    text = after.decode("utf-8-sig").replace("\r\n", "\n")
    assert text.count("def mse(") == 1 and 'raise NotImplementedError("mse' in text, text[:2000]
    if state == "bom":
        assert after.startswith(b"\xef\xbb\xbf")  # the editor's choices kept
    if state == "crlf":
        assert after.count(b"\r\n") == after.count(b"\n")
    if state in ("bom", "crlf"):  # the other exercises stay solved
        assert text.count("NotImplementedError") == 1 and "def softmax(" in text
    if state == "empty":
        compile(after, "losses.py", "exec")  # a file that runs: the stub's imports came back too
    if state in ("syntax", "half"):  # the error is elsewhere: still there, and said
        assert f"line {syntax_line(after)}" in done.stdout, done.stdout


@pytest.mark.e2e
def test_reset_of_the_exercise_that_does_not_parse_makes_the_file_parse(tmp_path):
    course = learner_course(tmp_path, "syntax")
    done = grade_in(course, "reset", "l1")
    assert done.returncode == 0, done.stdout + done.stderr
    compile((course / "exercises" / "losses.py").read_bytes(), "losses.py", "exec")
    assert "line" not in done.stdout


@pytest.mark.unit
def test_next_says_first_that_the_file_never_finished_importing(tmp_path):
    """A file that loops at import: every check timed out with the one public message of the
    import; `grade next` says so before naming the exercise (seen failing before: it named the
    first exercise, solved in that file, with nothing about the loop)."""
    from grader.apps.learner import loop_lines

    folder = _copy(tmp_path, ("tensors",))
    stuck = "did not answer within its CPU limit of 0.3 s while importing tensors.py"
    public = {"status": "timeout", "visibility": "public", "message": stuck, "cause": None}
    hidden = {"status": "timeout", "visibility": "hidden", "message": "ran past its time", "cause": None}
    tests = [{**public, "exercises": ["add_into"]}, {**public, "exercises": ["accuracy"]}]
    tests += [
        {**hidden, "exercises": ["add_into"]},
        {"status": "skipped", "exercises": ["norms"], "message": "no CUDA"},
    ]
    found = find_next(folder, lambda topic: tests if topic == "tensors" else [])
    assert found is not None and found.problem == stuck
    assert loop_lines(found, folder)[0] == stuck


@pytest.mark.unit
@pytest.mark.parametrize(
    "edit",
    [("def softmax(", "def soft_max("), ('-> Tensor:\n    """Softmax', '-> Tensor:\n    return x\n    """')],
)
def test_next_describes_an_exercise_the_learner_renamed_or_stripped_in_the_checkouts_stubs(
    tmp_path, monkeypatch, edit
):
    """`grade next` in a checkout's own exercises/ (its default folder: the stubs are the
    learner's file) on a softmax renamed, or whose docstring was emptied, still says what softmax
    does (seen failing: "next: softmax (losses): " and nothing after; the stub looked up was the
    learner's own file)."""
    from grader.apps import learner

    folder = _copy(tmp_path, ("tensors", "autograd"))
    monkeypatch.setattr(learner, "stub_file", lambda topic: folder / f"{topic}.py")
    source = (folder / "losses.py").read_text()
    assert edit[0] in source
    (folder / "losses.py").write_text(source.replace(edit[0], edit[1], 1))
    failed = [{"status": "error", "exercises": ["softmax"], "message": "x", "visibility": "public"}]
    found = find_next(folder, lambda topic: failed if topic == "losses" else [])
    assert found is not None and found.exercise == "softmax"
    assert found.summary.startswith("Softmax along"), found


@pytest.mark.unit
def test_grade_file_asks_did_you_mean_for_a_renamed_exercise(tmp_path):
    """`grade FILE` on a file whose softmax the learner defined as soft_max leads softmax's
    diagnosis with the name, as `grade next` and check() ask (seen failing: the table named
    only the AttributeError, and to_table read no file)."""
    from grader import report as render

    source = (REPO / "solutions" / "losses.py").read_text().replace("def softmax(", "def soft_max(", 1)
    (tmp_path / "losses.py").write_text(source)
    missing = (
        "AttributeError while running softmax() in losses.py: module 'losses' has no attribute 'softmax'"
    )
    tests = [
        scoring.make_result("softmax_value", "shape", 1, "error", missing, True, ("softmax",)),
        scoring.make_result("mse_value", "shape", 1, "passed", "", True, ("mse",)),
    ]
    report = Report([TopicResult("losses", tests)], "none", "cpu")
    for where in (tmp_path, tmp_path / "losses.py"):
        details = render.to_table(report, str(where), where=where).split("What to look at:\n")[1].splitlines()
        assert details[0].startswith("  ✗ losses · softmax 0/1"), details
        assert details[1].strip().startswith("softmax is not defined in losses.py: did you mean soft_max?"), (
            details
        )
    assert "did you mean" not in render.to_table(report, str(tmp_path))  # no source named: nothing read


@pytest.mark.unit
def test_next_asks_did_you_mean_for_a_renamed_exercise(tmp_path):
    from grader.apps.learner import loop_lines

    folder = _copy(tmp_path, ("tensors",))
    source = (folder / "tensors.py").read_text()
    (folder / "tensors.py").write_text(source.replace("def add_into(", "def add_intoo(", 1))
    failed = [
        {"status": "error", "exercises": ["add_into"], "message": "no attribute", "visibility": "public"}
    ]
    found = find_next(folder, lambda topic: failed if topic == "tensors" else [])
    assert found is not None and found.exercise == "add_into"
    assert any("did you mean" in line and "add_intoo" in line for line in loop_lines(found, folder))


@pytest.mark.unit
def test_a_renamed_exercise_has_one_message_not_a_second_attribute_error(tmp_path):
    """The "did you mean" line says what the AttributeError said, in the learner's terms: the
    AttributeError line does not follow it (seen failing: both, one under the other); the count
    of the other checks stays."""
    from grader import report as render

    source = (REPO / "solutions" / "losses.py").read_text().replace("def softmax(", "def soft_max(", 1)
    (tmp_path / "losses.py").write_text(source)
    missing = (
        "AttributeError while running softmax() in losses.py: module 'losses' has no attribute 'softmax'"
    )
    tests = [
        scoring.make_result(f"softmax_{i}", "shape", 1, "error", missing, True, ("softmax",))
        for i in range(2)
    ]
    report = Report([TopicResult("losses", tests)], "none", "cpu")
    details = render.to_table(report, str(tmp_path), where=tmp_path).split("What to look at:\n")[1]
    assert "did you mean soft_max?" in details and "AttributeError" not in details, details
    assert "and 1 more check of softmax" in details, details


@pytest.mark.e2e
def test_a_loop_at_import_names_its_line(tmp_path):
    """A file that never finishes importing says where it was when stopped: the worker's watchdog
    looks during the import as during a probe (seen failing: "an endless loop?" and no line)."""
    source = (REPO / "solutions" / "tensors.py").read_text()
    path = tmp_path / "tensors.py"
    path.write_text(source + "\n\nsteps = 0\nwhile steps >= 0:\n    steps += 1\n")
    loop = len(source.splitlines()) + 3  # the while, then its body
    done = run_grade("check", str(path), "--exercise", "accuracy")
    said = done.stdout
    assert f"line {loop}" in said or f"line {loop + 1}" in said, said[-2000:]


@pytest.mark.unit
def test_next_grades_the_topics_it_reads_in_one_run_of_its_cores(tmp_path, monkeypatch):
    """`grade next` over solved topics grades them together, a topic per core as `grade FOLDER`
    does, not one after the other (seen failing: one grading per topic, 53 s with all solved)."""
    from click.testing import CliRunner

    from grader.cli import main
    from grader.engine import runner
    from grader.engine.worker import workers

    folder = _copy(tmp_path, ("tensors", "losses"))
    asked: list[tuple[str, ...]] = []

    def graded(path, options, remember=False):
        topics = options.selection.topics
        asked.append(topics)
        results = [
            TopicResult(t, [scoring.make_result("c", "shape", 1, "passed", "", True, ("x",))]) for t in topics
        ]
        return Report(results, "none", "cpu")

    monkeypatch.setattr(runner, "grade", graded)
    monkeypatch.setattr(workers, "prestart", lambda gpu: None)
    monkeypatch.setenv("TORCHGRADE_NO_DAEMON", "1")
    done = CliRunner().invoke(main, ["next", str(folder)])  # through main: its -h kept (test_i18n)
    assert done.exit_code == 0, done.output
    assert "nothing left to do" in done.output
    from grader.base.topics import TOPICS

    assert asked == [tuple(TOPICS)], asked


@pytest.mark.unit
def test_a_topic_graded_by_any_command_is_read_back_by_next(tmp_path, monkeypatch):
    """A topic's remembered result is keyed on what grades it, not on which other topics the run
    chose: `grade exercises/tensors.py`, `grade exercises/` and `grade next` read back one another's
    (seen failing: the chosen topics were in the key, and `grade next` graded every solved topic
    afresh after `grade exercises/` had just graded them)."""
    from grader.base.options import Options
    from grader.base.topics import TOPICS
    from grader.engine import remembered

    monkeypatch.delenv(remembered.FRESH, raising=False)  # the test suite's: remember nothing
    folder = _copy(tmp_path, ("tensors",))
    options = Options()
    alone, together, everything = (
        remembered.keys(folder, ["tensors"], False, options.with_topics(chosen))["tensors"]
        for chosen in (("tensors",), TOPICS, ())
    )
    assert alone is not None and alone == together == everything
