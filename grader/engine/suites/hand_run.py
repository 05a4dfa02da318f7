"""The hand-run adapter: ``pytest -c tests/suites/pytest.ini tests/suites --submission=solutions/``
turns its command-line options into one :class:`grader.engine.suites.plugin.Run` for a
:class:`grader.engine.suites.plugin.GradingPlugin` (docs/engine.md, "The plugin receives an object").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grader.base import defaults
from grader.engine.suites import plugin

# the options, each a field of the Run it becomes, with pytest's words for it (--submission-topic
# sets submission_topic); --exercise, repeated, becomes a tuple
OPTIONS: dict[str, dict[str, Any]] = {
    "submission": {"help": "folder shaped like exercises/, or one topic's .py file"},
    "submission_topic": {"default": None, "help": "topic a single .py file answers"},
    "grade_device": {"default": "cpu", "choices": ("cpu", "cuda")},
    "probe_timeout": {"type": float, "default": defaults.PROBE_TIMEOUT, "help": "seconds per probe"},
    "budget": {
        "type": float,
        "default": defaults.SUBMISSION_BUDGET,
        "help": "seconds the whole submission may take",
    },
    "memory_mb": {"type": int, "default": defaults.MEMORY_MB},
    "public_only": {"action": "store_true", "help": "run only the public checks"},
    "course_seed": {
        "default": None,
        "help": "with --student: the hidden checks' inputs are this student's (grader/checks/inputs.py)",
    },
    "student": {"default": None, "help": "the student whose hidden inputs to draw"},
    "exercise": {
        "action": "append",
        "default": [],
        "help": "run only the checks of this exercise (exact name; repeat for more)",
    },
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("torchgrade")
    for name, words in OPTIONS.items():
        group.addoption("--" + name.replace("_", "-"), **words)


def pytest_configure(config: pytest.Config) -> None:
    option = config.option
    grading = plugin.GradingPlugin()
    if option.submission:
        given = {name: getattr(option, name) for name in OPTIONS}
        given |= {"submission": Path(option.submission), "exercise": tuple(option.exercise)}
        try:
            grading.begin(plugin.Run(**given))
        except ValueError:
            raise pytest.UsageError("--course-seed and --student go together") from None
    config.pluginmanager.register(grading, "torchgrade-grading")
