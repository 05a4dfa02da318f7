"""One grade per code whatever the path: a topic's file graded alone sees the helper
modules beside it that it imports, as the same file graded inside its folder does, in either
language (seen failing before: `grade exercises/losses.py` refused `import lossutil` and scored
82/133 where `grade exercises/` scored the same files 133/133)."""

from __future__ import annotations

import json
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
