"""A learner's results remembered (grader/engine/remembered.py): a topic that passed in full is
read back while its sources and checks do not change, graded again when one byte does, never
kept when a check did not pass, and never read by `grade batch`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import REPO, run_grade

pytestmark = pytest.mark.e2e


def graded(folder: Path, cache: Path, *args: str) -> dict:
    done = run_grade(
        str(folder), "--topic", "losses", "--format", "json", "-k", "not convergence", *args,
        env={"TORCHGRADE_FRESH": "", "XDG_CACHE_HOME": str(cache)},
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads(done.stdout)["topics"][0]


def kept(cache: Path) -> list[Path]:
    return sorted((cache / "torchgrade" / "results").glob("losses-*.json"))


def test_a_passing_topic_is_read_back_until_a_byte_changes(tmp_path):
    folder, cache = tmp_path / "work", tmp_path / "cache"
    folder.mkdir()
    shutil.copy(REPO / "solutions" / "losses.py", folder / "losses.py")
    first = graded(folder, cache)
    assert first["score"] == first["max_score"] > 0
    (stored,) = kept(cache)
    data = json.loads(stored.read_text())
    data["tests"][0]["message"] = "READ BACK"  # a mark only a read-back report can show
    stored.write_text(json.dumps(data))
    again = graded(folder, cache)
    assert again["tests"][0]["message"] == "READ BACK" and again["score"] == first["score"]
    with (folder / "losses.py").open("a") as source:
        source.write("\n# one more line\n")
    changed = graded(folder, cache)
    assert changed["tests"][0]["message"] != "READ BACK" and changed["score"] == first["score"]


def test_a_topic_with_a_failing_check_is_graded_afresh_and_batch_reads_nothing(tmp_path):
    folder, cache = tmp_path / "work", tmp_path / "cache"
    folder.mkdir()
    source = (REPO / "solutions" / "losses.py").read_text()
    (folder / "losses.py").write_text(source.replace("(y_hat - y) ** 2", "(y_hat - y).abs()", 1))
    wrong = graded(folder, cache)
    assert wrong["score"] < wrong["max_score"] and kept(cache) == []
    (folder / "losses.py").write_text(source)
    graded(folder, cache)
    (stored,) = kept(cache)
    data = json.loads(stored.read_text())
    data["tests"][0]["message"] = "READ BACK"
    stored.write_text(json.dumps(data))
    classes = tmp_path / "class"
    classes.mkdir()
    shutil.copy(folder / "losses.py", classes / "alice_losses.py")
    done = run_grade(
        "batch", str(classes), "--out", str(tmp_path / "out"), "-k", "not convergence",
        env={"TORCHGRADE_FRESH": "", "XDG_CACHE_HOME": str(cache)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "READ BACK" not in (tmp_path / "out" / "gradebook.json").read_text()


def test_a_change_in_another_topic_s_file_reads_this_topic_back(tmp_path):
    """Folder mode grades only what changed: a comment added to tensors.py leaves
    losses read back, as nothing losses.py imports changed; a change to the helper losses.py
    imports grades it afresh (seen failing before: every file of the folder was in each key)."""
    folder, cache = tmp_path / "work", tmp_path / "cache"
    folder.mkdir()
    source = (REPO / "solutions" / "losses.py").read_text()
    (folder / "lossutil.py").write_text("import torch\n\n\ndef squared(d):\n    return d * d\n")
    (folder / "losses.py").write_text(
        source.replace("import torch\n", "import torch\nfrom lossutil import squared\n", 1)
    )
    shutil.copy(REPO / "solutions" / "tensors.py", folder / "tensors.py")
    first = graded(folder, cache)
    assert first["score"] == first["max_score"] > 0
    (stored,) = kept(cache)
    data = json.loads(stored.read_text())
    data["tests"][0]["message"] = "READ BACK"
    stored.write_text(json.dumps(data))
    with (folder / "tensors.py").open("a") as other:
        other.write("\n# one more line\n")
    assert graded(folder, cache)["tests"][0]["message"] == "READ BACK"
    with (folder / "lossutil.py").open("a") as helper:
        helper.write("\n# one more line\n")
    assert graded(folder, cache)["tests"][0]["message"] != "READ BACK"
