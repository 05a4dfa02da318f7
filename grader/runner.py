"""Grade one submission: choose the topics, run their suites with pytest, collect a Report.

The suites run here, in the trusted process; submitted code runs only in the workers
that the suites' ``sub`` fixture starts.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from pathlib import Path

import pytest

from grader import defaults, notebooks
from grader.plugin import Collector
from grader.release import RELEASE_MARKER
from grader.sandbox import sandbox_status
from grader.scoring import Report, TopicResult
from grader.staging import StagingError, topic_files, topic_of_file
from grader.topics import TOPICS, available_topics, suite_path, suites_dir

DEFAULT_TIMEOUT = defaults.PROBE_TIMEOUT
# Environment variables through which pytest would take options or plugins from whoever runs
# `grade`: grading must not depend on them (PYTEST_ADDOPTS=--tb=native once broke every run).
PYTEST_ENVIRONMENT = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DEBUG", "PYTEST_THEME",
                      "PYTEST_THEME_MODE", "PYTEST_CURRENT_TEST", "PYTEST_VERSION")


class UsageProblem(ValueError):
    """Unusable input: the CLI prints the message on one line and exits 2."""


class SuiteCrash(RuntimeError):
    """pytest itself failed (a broken suite, not a broken submission)."""


def resolve_device(device: str) -> str:
    import torch
    has_cuda = torch.cuda.is_available()
    if device == "cuda" and not has_cuda:
        raise UsageProblem("--device cuda asked for, but no CUDA device is available here")
    return "cuda" if device == "cuda" or (device == "auto" and has_cuda) else "cpu"


def select_topics(path: Path, topics: tuple[str, ...] = ()) -> tuple[list[str], str | None, str]:
    """(topics to grade, topic of a single-file submission, how that topic was chosen)
    or :class:`UsageProblem`."""
    for topic in topics:
        if topic not in TOPICS:
            raise UsageProblem(f"unknown topic {topic!r}; topics: {', '.join(TOPICS)}")
    if not path.exists():
        raise UsageProblem(f"no such file or folder: {path}")
    if path.is_dir():
        if not topic_files(path):
            raise UsageProblem(f"{path} holds no topic file ({', '.join(t + '.py' for t in TOPICS)})")
        single_topic, selected, rule = None, list(topics) or available_topics(), ""
    elif path.suffix not in (".py", ".ipynb"):
        raise UsageProblem(f"{path.name}: grade a folder shaped like exercises/, "
                           "one topic's .py file or a notebook")
    elif len(topics) > 1:
        raise UsageProblem("a single file answers one topic: pass at most one --topic")
    else:
        given = topics[0] if topics else None
        try:
            if path.suffix == ".ipynb":
                single_topic, rule = notebooks.topic_of(path, notebooks.read(path), given)
            else:
                single_topic, rule = topic_of_file(path, given), ""
        except (StagingError, notebooks.NotebookError) as exc:
            raise UsageProblem(str(exc)) from None
        selected = [single_topic]
    missing = [t for t in selected if t not in available_topics()]
    if missing:
        raise UsageProblem(f"no suite for topic {missing[0]!r} in {suites_dir()}")
    return selected, single_topic, rule


@contextlib.contextmanager
def pytest_environment():
    """pytest without the caller's PYTEST_* settings and without auto-loaded plugins."""
    saved = {name: os.environ.pop(name) for name in PYTEST_ENVIRONMENT if name in os.environ}
    autoload = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        os.environ.update(saved)
        if autoload is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = autoload


def grade(path: Path, topics: tuple[str, ...] = (), device: str = "auto",
          timeout: float = DEFAULT_TIMEOUT, memory_mb: int = defaults.MEMORY_MB,
          public_only: bool = False, budget: float = defaults.SUBMISSION_BUDGET) -> Report:
    selected, single_topic, rule = select_topics(path, topics)
    device = resolve_device(device)
    collector = Collector()
    started = time.monotonic()
    args = [str(suite_path(t)) for t in selected]
    args += [f"-c={suites_dir() / 'pytest.ini'}", f"--rootdir={suites_dir()}",
             f"--submission={path}", f"--grade-device={device}", f"--probe-timeout={timeout}",
             f"--budget={budget}", f"--deadline={started + budget}",
             f"--memory-mb={memory_mb}", f"--timeout={int(6 * timeout + defaults.BOOT_SECONDS)}",
             "-p", "pytest_timeout", "-p", "no:terminal"]
    if single_topic:
        args.append(f"--submission-topic={single_topic}")
    if public_only:
        args.append("--public-only")
    output = io.StringIO()
    with pytest_environment(), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        code = pytest.main(args, plugins=[collector])
    seconds = {"wall": time.monotonic() - started, **collector.seconds}
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise SuiteCrash(f"pytest exited with {code!s}:\n{output.getvalue()[-3000:]}")
    usable, how = sandbox_status()
    report = Report([TopicResult(t, collector.results.get(t, [])) for t in selected],
                    sandbox=how if usable else f"none ({how})", device=device, seconds=seconds)
    if public_only:
        report.notes.append("public checks only: the hidden suite grades more")
    if (suites_dir() / RELEASE_MARKER).is_file():
        report.notes.append("student release: hidden checks are not available here; "
                            "your course's grader runs them")
    if rule:
        report.notes.append(f"{path.name} graded as topic {single_topic}: {rule}; only its "
                            "definitions ran (imports, functions, classes, constants)")
    if not usable:
        report.notes.append(f"submitted code ran WITHOUT a sandbox: {how}; "
                            "only resource limits and timeouts applied")
    skipped = sum(topic.count("skipped") for topic in report.topics)
    if skipped:
        report.notes.append(f"{skipped} checks skipped (CUDA checks need a GPU, or a device check "
                            "was inconclusive); they do not count toward the maximum")
    return report
