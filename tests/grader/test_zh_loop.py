"""The learner's loop in Chinese: every line of ``grade doctor`` (each finding, ok or a problem
with its fix) and of ``grade next`` and ``grade watch`` goes through the catalogue; what may stay
English is code, commands, paths and the names of tools (test_zh_complete.py's scan)."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator

import pytest
import torch
from helpers import REPO, run_grade
from test_zh_complete import FALLBACKS, english_left

from grader.base import i18n
from grader.engine.worker import doctor, sandbox


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    yield
    monkeypatch.delenv("TORCHGRADE_LANG")
    i18n.refresh()


# shown as they are: a command to run, the names of tools
COMMANDS = re.compile(r"(?:pip|apt-get|sysctl|unset) [^（）\n]*|bubblewrap|seccomp|torch|CUDA")
BWRAP_SAID = "No permissions to creating new namespace"  # bwrap's own words, shown as it wrote them
BUBBLEWRAP = (
    "bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap",
    "disabled by TORCHGRADE_NO_SANDBOX",
    "setpriv is missing, so a root worker could not drop privileges",
    f"bubblewrap failed here: {BWRAP_SAID}",
    "bubblewrap needs Linux (this is darwin)",
)


def problems(monkeypatch) -> list[doctor.Finding]:
    """A finding of each kind of problem doctor knows, as test_doctor.py makes them."""
    found = []
    for how in BUBBLEWRAP:
        monkeypatch.setattr(sandbox, "_bubblewrap_status", lambda how=how: (False, how))
        found.append(doctor.bubblewrap())
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    for knob, blocking, _fix in doctor.USERNS_KNOBS:
        monkeypatch.setattr(doctor, "sysctl", {knob: blocking}.get)
        found.append(doctor.user_namespaces())
    monkeypatch.setattr(doctor, "available_mb", lambda: 1500)
    found.append(doctor.memory())
    monkeypatch.setattr(sandbox, "gpu_present", lambda: True)
    monkeypatch.setattr(torch.version, "cuda", None)
    found += [doctor.torch_build(), doctor.cuda()]
    monkeypatch.setattr(torch, "__version__", "2.12.1+cpu")
    found.append(doctor.torch_build())
    return found


@pytest.mark.unit
@pytest.mark.usefixtures("chinese")
def test_doctor_speaks_chinese_for_every_finding(monkeypatch):
    findings = [check() for check in doctor.CHECKS if check is not doctor.engine] + problems(monkeypatch)
    shown = doctor.render(findings)
    assert "问题" in shown and "修复" in shown
    assert english_left(COMMANDS.sub(" ", shown.replace(BWRAP_SAID, "")), FALLBACKS) == [], shown


@pytest.mark.unit
@pytest.mark.usefixtures("chinese")
def test_next_names_every_exercise_in_chinese(tmp_path):
    from grader.apps import learner
    from grader.base.topics import TOPICS

    for topic in TOPICS:
        for name in learner.exercise_names(topic):
            found = learner.Next(
                topic=topic,
                exercise=name,
                summary=learner.first_docstring_line(tmp_path, topic, name),
                command=learner.exercise_command(tmp_path, topic, name),
            )
            shown = "\n".join(learner.loop_lines(found, tmp_path))
            assert english_left(shown, FALLBACKS) == [], shown


@pytest.mark.unit
@pytest.mark.usefixtures("chinese")
def test_watch_speaks_chinese(tmp_path, monkeypatch):
    """watch's own lines around a first grading and a save's (their tables are the report's, which
    the golden reports hold), the watcher's wake-ups played by a list."""
    import watchfiles

    from grader.apps import watch

    (tmp_path / "tensors.py").write_text("")
    saved = {(watchfiles.Change.modified, str(tmp_path / "tensors.py"))}

    def wake_ups(*args, **kwargs):
        yield set()
        yield saved
        raise KeyboardInterrupt

    monkeypatch.setattr(watchfiles, "watch", wake_ups)
    monkeypatch.setattr(watch, "_first_grade", lambda settings, live: None)
    monkeypatch.setattr(watch.render, "to_table", lambda *args, **kwargs: "（报告）")
    monkeypatch.setattr(watch, "grade_and_render", lambda *args: "（报告）")
    monkeypatch.setattr(watch, "_warm", lambda topics, settings: None)
    shown: list[str] = []
    steps: list[str] = []

    @contextlib.contextmanager
    def step(what: str) -> Iterator[None]:
        steps.append(what)
        yield

    with pytest.raises(KeyboardInterrupt):
        watch.watch(watch.Settings(tmp_path), shown.append, step=step)
    assert len(shown) == 5 and len(steps) == 1, shown
    for text in [*shown, *steps]:
        assert english_left(text, FALLBACKS) == [], text


@pytest.mark.e2e
def test_doctor_and_next_under_lang_zh_cn_print_no_english_of_the_graders(tmp_path):
    (tmp_path / "tensors.py").write_text((REPO / "exercises" / "tensors.py").read_text())
    for args in (("--lang", "zh_CN", "doctor"), ("--lang", "zh_CN", "next", str(tmp_path), "--no-daemon")):
        done = run_grade(*args, timeout=300)
        shown = COMMANDS.sub(" ", done.stdout + done.stderr)
        assert done.stdout and english_left(shown, FALLBACKS) == [], done.stdout + done.stderr
