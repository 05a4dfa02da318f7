"""A hand-out's helpers beside check(): hint("softmax") gives the next hint of the ladder, as
`grade hint softmax` does, and the set-up cell names the hand-out's language, which check()
and hint() then speak (a TORCHGRADE_LANG of the kernel still wins)."""

from __future__ import annotations

import pytest

from grader.apps import handouts, selfcheck
from grader.base import defaults, i18n

pytestmark = pytest.mark.unit


@pytest.fixture
def quiet(tmp_path, monkeypatch):
    """Its own hint state, no engine started, the language read again afterwards."""
    monkeypatch.setenv("TORCHGRADE_STATE", str(tmp_path / "state"))
    monkeypatch.setenv(defaults.LANGUAGE_ENV, "")  # empty: no choice; and undone, whatever sets it later
    monkeypatch.setattr(selfcheck, "_start_engine", lambda: None)
    i18n.refresh()
    yield
    monkeypatch.undo()
    i18n.refresh()


@pytest.mark.usefixtures("quiet")
def test_hint_in_a_notebook_climbs_the_ladder(capsys):
    selfcheck.hint("softmax")
    first = capsys.readouterr().out
    selfcheck.hint("softmax")
    second = capsys.readouterr().out
    assert first.startswith("hint 1/") and second.startswith("hint 2/")
    assert '`hint("softmax")` again' in first
    selfcheck.hint("sofmax")
    assert "softmax" in capsys.readouterr().out  # the usage problem names the exercise meant


@pytest.mark.usefixtures("quiet")
def test_the_notebooks_language_is_the_one_it_was_written_in(tmp_path, capsys, monkeypatch):
    selfcheck.use_notebook(tmp_path / "losses.ipynb", lang="zh_CN")
    assert i18n.language() == "zh_CN"
    selfcheck.hint("softmax")
    assert capsys.readouterr().out.startswith("softmax 的提示 1/")
    monkeypatch.setenv(defaults.LANGUAGE_ENV, "en")  # the kernel's own choice wins
    i18n.refresh()
    selfcheck.use_notebook(tmp_path / "losses.ipynb", lang="zh_CN")
    assert i18n.language() == "en"


def test_the_set_up_cell_imports_hint_and_names_the_language(monkeypatch):
    from grader.base.topics import REPO_ROOT

    monkeypatch.setenv(defaults.LANGUAGE_ENV, "zh_CN")
    i18n.refresh()
    try:
        cell = handouts.handout("losses", REPO_ROOT / "exercises" / "losses.py").cells[1].source
    finally:
        monkeypatch.undo()
        i18n.refresh()
    assert "import check, hint, use_notebook" in cell
    assert "use_notebook('losses.ipynb', lang='zh_CN')" in cell


# An engine as grader/apps/selfcheck_server.py speaks: its READY line once warm, then one report a request
FAKE_ENGINE = (
    "import json, sys\n"
    "print(json.dumps({'ready': True}), flush=True)\n"
    "for line in sys.stdin:\n"
    "    print(json.dumps({'report': {'score': 1}}), flush=True)\n"
)


def test_the_warming_message_only_while_the_engine_warms(tmp_path, monkeypatch, capsys):
    """Seen failing: every check() after the first said the engine was warming up, answering in 0.3 s."""
    import subprocess
    import sys
    import time

    engine = subprocess.Popen(
        [sys.executable, "-c", FAKE_ENGINE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    monkeypatch.setattr(selfcheck, "_engine", engine)
    monkeypatch.setattr(selfcheck, "_ready", False)
    try:
        for _attempt in range(3):
            assert selfcheck.grade_notebook(tmp_path / "losses.ipynb", "mse") == {"score": 1}
            time.sleep(0.05)
    finally:
        engine.kill()
        engine.wait()
    assert capsys.readouterr().out.count("warming up") <= 1


# An engine that first answers the request before (a cell interrupted while it graded), then this one
LATE_ENGINE = (
    "import json, sys\n"
    "print(json.dumps({'ready': True}), flush=True)\n"
    "for line in sys.stdin:\n"
    "    asked = json.loads(line)['id']\n"
    "    print(json.dumps({'id': asked - 1, 'report': {'score': 'late'}}), flush=True)\n"
    "    print(json.dumps({'id': asked, 'report': {'score': asked}}), flush=True)\n"
)


def test_an_answer_to_an_interrupted_cell_is_never_the_next_checks(tmp_path, monkeypatch):
    """Seen failing on main: requests carried no number (KeyError here), so the answer an
    interrupted check() left in the pipe was read as the next check's."""
    import subprocess
    import sys

    engine = subprocess.Popen(
        [sys.executable, "-c", LATE_ENGINE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    monkeypatch.setattr(selfcheck, "_engine", engine)
    monkeypatch.setattr(selfcheck, "_ready", False)
    monkeypatch.setattr(selfcheck, "_asked", 0)
    try:
        scores = [selfcheck.grade_notebook(tmp_path / "losses.ipynb", "mse")["score"] for _ in range(3)]
    finally:
        engine.kill()
        engine.wait()
    assert scores == [1, 2, 3]
