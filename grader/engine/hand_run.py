"""The hand-run adapter: ``pytest -c tests/suites/pytest.ini tests/suites --submission=solutions/``.

``tests/suites/pytest.ini`` loads this module as a plugin so that a suite can be run by hand
(plain pytest output, handy when writing one): its command-line options become one
:class:`grader.engine.plugin.Run` for a :class:`grader.engine.plugin.GradingPlugin`. The engine drops those
``addopts`` and hands its plugin a Run per task as an object (:mod:`grader.engine.suites`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import defaults
from grader.engine import plugin


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("torchgrade")
    group.addoption("--submission", help="folder shaped like exercises/, or one topic's .py file")
    group.addoption("--submission-topic", default=None, help="topic a single .py file answers")
    group.addoption("--grade-device", default="cpu", choices=("cpu", "cuda"))
    group.addoption("--probe-timeout", type=float, default=defaults.PROBE_TIMEOUT, help="seconds per probe")
    group.addoption(
        "--budget",
        type=float,
        default=defaults.SUBMISSION_BUDGET,
        help="seconds the whole submission may take",
    )
    group.addoption("--memory-mb", type=int, default=defaults.MEMORY_MB)
    group.addoption("--public-only", action="store_true", help="run only the public checks")
    group.addoption(
        "--course-seed",
        default=None,
        help="with --student: the hidden checks' inputs are this student's (grader/checks/inputs.py)",
    )
    group.addoption("--student", default=None, help="the student whose hidden inputs to draw")
    group.addoption(
        "--exercise",
        action="append",
        default=[],
        help="run only the checks of this exercise (exact name; repeat for more)",
    )


def pytest_configure(config: pytest.Config) -> None:
    option = config.option
    grading = plugin.GradingPlugin()
    if option.submission:
        try:
            grading.begin(
                plugin.Run(
                    submission=Path(option.submission),
                    submission_topic=option.submission_topic,
                    grade_device=option.grade_device,
                    probe_timeout=option.probe_timeout,
                    budget=option.budget,
                    memory_mb=option.memory_mb,
                    public_only=option.public_only,
                    exercise=tuple(option.exercise),
                    course_seed=option.course_seed,
                    student=option.student,
                )
            )
        except ValueError:
            raise pytest.UsageError("--course-seed and --student go together") from None
    config.pluginmanager.register(grading, "torchgrade-grading")
