"""The suites' plugin receives each task's settings as an object: the grading
path parses no command-line option of ours, and a hand run's options become the same Run."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest
from helpers import REPO

from grader.base import defaults
from grader.engine.suites import collected as suites
from grader.engine.suites.plugin import GradingPlugin, Run

TOPIC = "losses"
OUR_OPTIONS = (
    "submission",
    "probe_timeout",
    "grade_device",
    "memory_mb",
    "public_only",
    "exercise",
    "student",
)


@pytest.mark.engine
def test_the_grading_path_registers_no_string_option() -> None:
    suite = suites.collected(TOPIC, defaults.PROBE_TIMEOUT)
    assert isinstance(suite.grading, GradingPlugin)
    assert suite.config.pluginmanager.is_registered(suite.grading)
    assert not suite.config.pluginmanager.has_plugin(
        "grader.engine.suites.hand_run"
    )  # the hand-run adapter is not loaded
    assert not set(OUR_OPTIONS) & set(vars(suite.config.option))


def a_run(**chosen: object) -> Run:
    """A Run of the exercises with the limits an Options has by default."""
    return Run(
        submission=REPO / "exercises",
        grade_device="cpu",
        probe_timeout=defaults.PROBE_TIMEOUT,
        budget=defaults.SUBMISSION_BUDGET,
        memory_mb=defaults.MEMORY_MB,
        **chosen,  # type: ignore[arg-type]
    )


@pytest.mark.engine
def test_each_task_hands_its_run_to_the_plugin() -> None:
    suite = suites.collected(TOPIC, defaults.PROBE_TIMEOUT)
    run = a_run(exercise=("mse",), public_only=True, keyword="reduction")
    chosen = suite.chosen(run)
    assert chosen, "the public mse checks about reductions"
    assert all(suites.plugin.check_of(item).get("public") for item in chosen)
    assert all("mse" in suites.plugin.exercises_of(item) for item in chosen)
    assert all("reduction" in item.name for item in chosen)
    other = a_run(exercise=("softmax",))
    assert set(suite.chosen(other)).isdisjoint(chosen), "nothing is left from the task before"


@pytest.mark.unit
def test_a_run_has_no_limit_or_device_of_its_own() -> None:
    """The limits and the device come from the task's Options: Run holds no second default."""
    with pytest.raises(TypeError):
        Run(submission=REPO / "exercises")  # type: ignore[call-arg]
    fields = {f.name for f in dataclasses.fields(Run)}
    assert {"submission", "deadline", "keyword", "course_seed"} <= fields


@pytest.mark.e2e
def test_a_hand_run_turns_its_options_into_one_run() -> None:
    """``pytest -c tests/suites/pytest.ini ... --submission=...`` still chooses as the engine does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", "tests/suites/pytest.ini", f"tests/suites/suite_{TOPIC}.py"]
        + ["--submission=exercises/", "--exercise", "huber", "--public-only", "--collect-only", "-q"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    listed = [line for line in done.stdout.splitlines() if "::" in line]
    assert listed and all("huber" in line for line in listed), done.stdout[-2000:]
    refused = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", "tests/suites/pytest.ini", f"tests/suites/suite_{TOPIC}.py"]
        + ["--submission=exercises/", "--student", "ada", "--collect-only", "-q"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0 and "--course-seed and --student go together" in refused.stderr
