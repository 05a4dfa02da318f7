"""``grade watch``: a save re-grades its topic, about as fast as grading that topic."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from helpers import GRADE, REPO, run_grade

from grader.apps.watch import Settings, targets
from grader.base.options import Options

STARTUP = 300.0  # generous: a loaded CI machine may be slow to start; only the stated bound is timed


def ctrl_c_as_in_a_terminal() -> None:
    """For the watcher: SIGINT's default action, as a terminal's foreground job has it (a test
    run started in the background ignores SIGINT, and its children would inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Lines:
    """A process's stdout, line by line, each with the time it arrived."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(
            target=lambda: [self.lines.put((time.monotonic(), s)) for s in stream], daemon=True
        ).start()

    def until(self, text: str, timeout: float) -> tuple[float, list[str]]:
        """(arrival time of the first line holding ``text``, the lines up to it)."""
        seen, end = [], time.monotonic() + timeout
        while True:
            arrived, line = self.lines.get(timeout=max(0.01, end - time.monotonic()))
            seen.append(line)
            if text in line:
                return arrived, seen


@pytest.mark.e2e
def test_a_save_is_regraded_within_a_second_of_the_topics_grading_time(tmp_path):
    from grader.engine.runner import grade

    measure, folder = tmp_path / "measure", tmp_path / "student"
    measure.mkdir()
    folder.mkdir()
    shutil.copy(REPO / "solutions" / "tensors.py", measure / "tensors.py")
    shutil.copy(REPO / "exercises" / "tensors.py", folder / "tensors.py")
    grade(
        measure, Options().with_topics(("tensors",)), jobs=1
    )  # this process's engine warm, as the watcher's is

    process = subprocess.Popen(
        [*GRADE, "watch", str(folder), "--topic", "tensors"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"},
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    try:
        output = Lines(process)
        _, first = output.until("watching", STARTUP)
        assert any(line.startswith("total") and "0/" in line for line in first), first

        # measured just before the save, so that both run under the same load (other tests
        # beside this one under pytest-xdist); the watcher waits on inotify meanwhile
        begun = time.monotonic()
        grade(measure, Options().with_topics(("tensors",)), jobs=1)
        grading = time.monotonic() - begun
        saved = time.monotonic()
        (folder / "tensors.py").write_text((REPO / "solutions" / "tensors.py").read_text())
        shown, report = output.until("(100 %)", STARTUP)
        assert any("saved: re-grading tensors" in line for line in report), report
        assert shown - saved <= grading + 1.0, (
            f"re-graded in {shown - saved:.2f} s; grading takes {grading:.2f} s"
        )

        output.until("watching", STARTUP)
        (folder / "broken.ipynb").write_text("{not a notebook")  # a problem is shown; watching goes on
        _, problem = output.until("watching", STARTUP)
        assert any(line.startswith("grade: ") and "broken.ipynb" in line for line in problem), problem

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        assert "stopped watching" in "".join(output.until("stopped watching", 10)[1])
        assert "Traceback" not in process.stderr.read()  # type: ignore[union-attr]
    finally:
        process.kill()
        process.wait()


@pytest.mark.e2e
def test_ctrl_c_while_starting_exits_cleanly(tmp_path):
    shutil.copy(REPO / "exercises" / "tensors.py", tmp_path / "tensors.py")
    process = subprocess.Popen(
        [*GRADE, "watch", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    time.sleep(1)  # importing torch, or grading for the first time
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert out.endswith("stopped watching\n") and "Traceback" not in err and "Aborted" not in err


@pytest.mark.e2e
def test_watch_passes_k_on_and_an_unusable_start_is_a_usage_error(tmp_path):
    shutil.copy(REPO / "exercises" / "tensors.py", tmp_path / "tensors.py")
    done = run_grade("watch", str(tmp_path), "--topic", "tensors", "-k", "no_such_exercise", timeout=300)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert done.stderr == "grade: -k 'no_such_exercise' selects no check of tensors\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    for name in ("tensors.py", "losses.py", "helper.py", "notes.txt", "tensors.ipynb"):
        (tmp_path / name).write_text("")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "losses.py").write_text("")
    return tmp_path


@pytest.mark.unit
def test_saves_in_a_folder_regrade_their_topic_once(folder):
    saved = [folder / "losses.py", folder / "tensors.py", folder / "losses.py", folder / "helper.py"]
    assert targets(saved, Settings(folder)) == [(folder, ("losses",)), (folder, ("tensors",))]


@pytest.mark.unit
def test_topic_limits_what_is_regraded_and_nested_or_deleted_files_are_ignored(folder):
    saved = [folder / "losses.py", folder / "tensors.py", folder / "sub" / "losses.py", folder / "gone.py"]
    assert targets(saved, Settings(folder, Options().with_topics(("tensors",)))) == [(folder, ("tensors",))]


@pytest.mark.unit
def test_a_notebook_saved_in_the_folder_is_graded_on_its_own(folder):
    assert targets([folder / "tensors.ipynb"], Settings(folder)) == [(folder / "tensors.ipynb", ())]


@pytest.mark.unit
def test_watching_one_file_regrades_only_that_file(folder):
    settings = Settings(folder / "losses.py", Options().with_topics(("losses",)))
    assert targets([folder / "tensors.py", folder / "losses.py"], settings) == [
        (folder / "losses.py", ("losses",))
    ]


@pytest.mark.unit
def test_a_ctrl_c_while_the_command_starts_is_held_until_it_can_stop_cleanly():
    """Seen failing without it: Click printed "Aborted!" and exited 1 when Ctrl-C came during
    its parsing or the engine's start on a loaded machine."""
    from grader.apps import held_interrupt

    previous = signal.getsignal(signal.SIGINT)
    try:
        held_interrupt.hold()
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs: nothing raised here
        with pytest.raises(KeyboardInterrupt):
            held_interrupt.release()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        held_interrupt.release()  # nothing held: nothing raised
    finally:
        signal.signal(signal.SIGINT, previous)
