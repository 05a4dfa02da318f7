"""One grade per code whatever the path: a topic's file graded alone sees the helper
modules beside it that it imports, as the same file graded inside its folder does, in either
language (seen failing before: `grade exercises/losses.py` refused `import lossutil` and scored
82/133 where `grade exercises/` scored the same files 133/133)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import REPO, run_grade

from grader.engine.subset import submission as subset

HELPER = "import torch\n\n\ndef squared(d):\n    return d * d\n"


def _folder(tmp_path: Path) -> Path:
    """The reference losses with mse written through a helper module beside it."""
    folder = tmp_path / "work"
    folder.mkdir()
    source = (REPO / "solutions" / "losses.py").read_text()
    assert "(y_hat - y) ** 2" in source
    (folder / "lossutil.py").write_text(HELPER)
    (folder / "unrelated.py").write_text("import os\nos.system('true')\n")  # imported by nothing
    body = source.replace("(y_hat - y) ** 2", "squared(y_hat - y)", 1)
    (folder / "losses.py").write_text(
        body.replace("import torch\n", "import torch\nfrom lossutil import squared\n", 1)
    )
    return folder


@pytest.mark.unit
def test_a_file_alone_and_its_folder_read_the_same_sources(tmp_path):
    folder = _folder(tmp_path)
    alone = subset.sources_of(folder / "losses.py", "losses", single_file=True)
    inside = subset.sources_of(folder, "losses", single_file=False)
    assert alone == inside and sorted(alone) == ["losses.py", "lossutil.py"]


@pytest.mark.unit
def test_a_folder_is_listed_once_while_its_entries_stay(tmp_path, monkeypatch):
    monkeypatch.setattr(subset, "RACY_NS", 0)  # as a class's folder written a while ago
    folder = _folder(tmp_path)
    subset.beside(folder)
    before = subset._listed.cache_info()
    for _ in range(3):  # a class of students in one folder: one listing, not one each
        assert sorted(subset.beside(folder)) == ["losses", "lossutil", "unrelated"]
    assert subset._listed.cache_info().hits == before.hits + 3


@pytest.mark.unit
@pytest.mark.parametrize("put_back", [False, True], ids=["as-changed", "mtime-put-back"])
def test_a_helper_added_to_a_listed_folder_is_seen(tmp_path, monkeypatch, put_back):
    monkeypatch.setattr(subset, "RACY_NS", 0)
    folder = _folder(tmp_path)
    old = folder.stat().st_mtime_ns
    assert "extra" not in subset.beside(folder)
    (folder / "extra.py").write_text(HELPER)
    if put_back:  # tar x, rsync -t: the folder's mtime as it was; its ctime moved
        os.utime(folder, ns=(old, old))
    assert subset.beside(folder)["extra"] == [folder / "extra.py"]


@pytest.mark.unit
def test_a_folder_changed_twice_within_a_clock_tick_is_listed_afresh(tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    frozen, real = folder.stat(), Path.stat
    # a coarse clock: the folder's times read the same before and after a file is added
    monkeypatch.setattr(Path, "stat", lambda p, **kw: frozen if p == folder else real(p, **kw))
    assert "extra" not in subset.beside(folder)
    (folder / "extra.py").write_text(HELPER)
    assert "extra" in subset.beside(folder)


def _points(path: Path, lang: str) -> dict[str, float]:
    done = run_grade(
        str(path), "--topic", "losses", "--format", "json", "-k", "mse", "--no-daemon",
        env={"TORCHGRADE_LANG": lang},
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-2000:]
    (topic,) = json.loads(done.stdout)["topics"]
    return {test["id"]: test["points"] for test in topic["tests"]}


@pytest.mark.e2e
def test_a_file_graded_alone_and_in_its_folder_gets_the_same_points(tmp_path):
    folder = _folder(tmp_path)
    for lang in ("en", "zh_CN"):
        alone, inside = _points(folder / "losses.py", lang), _points(folder, lang)
        assert alone == inside and alone and all(points > 0 for points in alone.values()), (lang, alone)
