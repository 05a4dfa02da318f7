"""Progress on a terminal: a live line per topic; plain when piped; --quiet."""

from __future__ import annotations

import io
import os

import pytest
from helpers import GRADE, REPO, run_grade
from pty_run import one_stream_on_a_pty

from grader.checks.verdict.scoring import TopicResult, make_result
from grader.engine.progress import Event, LiveLines, announce, listening

# solutions/, not the stubs: untouched stubs are reported without a worker, so no check is in flight
ARGS = (str(REPO / "solutions"), "--topic", "tensors", "--topic", "losses", "-k", "huber or one_hot")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.unit
def test_live_lines_show_queued_grading_with_the_check_and_its_time_then_done():
    stream, clock = io.StringIO(), Clock()
    live = LiveLines(stream, clock)
    try:
        live(Event("losses", "queued"))
        live(Event("mlp", "queued"))
        live(Event("losses", "grading"))
        clock.now += 1.0
        live(Event("losses", "grading", "huber_values"))
        clock.now += 2.5
        assert live.text("losses") == "grading huber_values  2.5 s" and live.text("mlp") == "queued"
        done = TopicResult("losses", [make_result("a", "shape", 2, "passed", "", True)])
        live(Event("losses", "done", result=done))
    finally:
        live.close()
    assert live.text("losses") == "done 2/2  (3.5 s)"
    assert stream.getvalue().count("\x1b[2F") >= 3  # each redraw goes back over the two lines


@pytest.mark.unit
def test_announcements_reach_the_listener_and_cost_nothing_without_one():
    heard: list[Event] = []
    announce("losses", "ignored")  # nobody listens: a no-op
    with listening(heard.append) as tell:
        tell(Event("losses", "queued"))
        announce("losses", "huber_values")
    assert heard == [Event("losses", "queued"), Event("losses", "grading", "huber_values")]


def _grade_with_stderr_on_a_terminal(*args: str) -> tuple[str, str]:
    return one_stream_on_a_pty([*GRADE, *args], "stderr", str(REPO), {**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.e2e
def test_a_terminal_sees_each_topic_move_and_the_table_stays_on_stdout():
    stdout, stderr = _grade_with_stderr_on_a_terminal(*ARGS)
    assert "tensors    queued" in stderr or "losses     queued" in stderr
    assert "grading huber" in stderr and "grading one_hot" in stderr  # checks announced by forked graders
    assert "done " in stderr
    assert stdout.startswith("torchgrade: ") and "queued" not in stdout


@pytest.mark.e2e
def test_piped_or_quiet_there_is_the_report_only():
    piped = run_grade(*ARGS)
    assert piped.returncode == 0 and piped.stderr == ""
    _, stderr = _grade_with_stderr_on_a_terminal(*ARGS, "--quiet")
    assert stderr == ""


@pytest.mark.unit
def test_a_step_that_ends_at_once_draws_nothing_and_a_slow_one_says_itself():
    """ "starting the engine (importing torch)" on a warm engine (torch imported already) is no
    flash of a line drawn and erased (seen failing: it drew "… 0.0 s" at once); a step that takes
    its time is still said within a redraw."""
    import time

    from grader.apps.ticker import progress_line
    from grader.engine.progress import REDRAW_SECONDS

    quick = io.StringIO()
    with progress_line(quick, "starting the engine", live=True):
        pass
    assert quick.getvalue() == ""
    slow = io.StringIO()
    with progress_line(slow, "starting the engine", live=True):
        time.sleep(REDRAW_SECONDS * 2.5)
    assert "starting the engine… " in slow.getvalue() and slow.getvalue().endswith("\r\x1b[2K")


@pytest.mark.unit
def test_a_result_read_back_took_no_time_not_minus_zero():
    """A topic read back has no "grading" event: its time is 0.0 s on a clock that moves between
    two reads (seen failing: "done 2/2  (-0.0 s)")."""
    ticks = iter(range(1000))
    live = LiveLines(io.StringIO(), lambda: next(ticks) / 100)
    try:
        live(Event("losses", "queued"))
        live(
            Event(
                "losses",
                "done",
                result=TopicResult("losses", [make_result("a", "shape", 2, "passed", "", True)]),
            )
        )
    finally:
        live.close()
    assert live.text("losses") == "done 2/2  (0.0 s)"


@pytest.mark.unit
def test_a_step_known_to_take_seconds_draws_at_once():
    """An engine this command starts takes seconds: its line is drawn before the first redraw."""
    from grader.apps.ticker import progress_line

    stream = io.StringIO()
    with progress_line(stream, "your engine is starting", live=True, at_once=True):
        assert "your engine is starting… 0.0 s" in stream.getvalue()
    assert stream.getvalue().endswith("\r\x1b[2K")


@pytest.mark.unit
def test_watch_shows_its_topics_queued_before_the_watcher_first_wakes(monkeypatch):
    """The first grading waits for the watcher's first wake-up (half a second): its topics are on
    the terminal before it, and a Ctrl-C meanwhile stops their redraw (seen failing: nothing was
    drawn until the wake-up, a silent half second on every warm ``grade watch``)."""
    from grader.apps import watch as watching

    stream = io.StringIO()
    made: list[LiveLines] = []

    def first_wake(*args: object, **kwargs: object):
        assert "losses     queued" in stream.getvalue()
        raise KeyboardInterrupt
        yield set()

    def live() -> LiveLines:
        made.append(LiveLines(stream))
        return made[-1]

    monkeypatch.setattr(watching.watchfiles, "watch", first_wake)
    settings = watching.Settings(REPO / "solutions" / "losses.py")
    with pytest.raises(KeyboardInterrupt):
        watching.watch(settings, show=lambda text: None, live=live)
    assert made and made[0].stopped.is_set()
