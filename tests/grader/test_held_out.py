"""Held-out sets: declared once per topic, never released, judged on the trusted side.

The worker gets a held-out set's inputs only and answers predictions; the labels stay with the
judge. Hostile submissions (one that searches the machine and its own process for the labels,
one that reads the held-out file, one that answers a constant) earn no metric.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
import torch
from held_out_attacks import CONSTANT_CNN, SEARCHING_CNN

from grader.apps import leaks
from grader.base import depends
from grader.base.topics import MANIFEST, REPO_ROOT
from grader.course.held_out import declared, labels_of, score_held_out

# (topic, exercise): the reference's held-out accuracy at least this (HelloRNN learns one word:
# no data to hold out). Measured: 0.917, 0.850, 0.867, 0.887, 0.845.
TRAINING = {
    ("cnn", "SimpleCNN"): 0.85,
    ("mlp", "DiabetesNet"): 0.75,
    ("mlp", "MLP"): 0.8,
    ("inception", "GoogLeNetMini"): 0.8,
    ("resnet", "SmallResNet"): 0.75,
}


def _topic(name: str):
    return next(t for t in MANIFEST if t.name == name)


@pytest.mark.unit
@pytest.mark.parametrize(("topic", "exercise"), sorted(TRAINING))
def test_a_training_exercise_declares_its_held_out_set_once(topic, exercise):
    found = declared(_topic(topic))
    assert exercise in found and set(labels_of(_topic(topic))) == set(found)
    entry = found[exercise]
    assert entry.order in ("asc", "desc") and entry.metric
    own = depends.own(_topic(topic))["held_out"]  # every cache, release and zip reads this list
    assert _topic(topic).held_out_data in own and all(path.is_file() for path in own)


@pytest.mark.engine  # a release built and scanned: seconds of CPU, too many for the unit tier
def test_the_release_holds_nothing_of_the_held_out_sets():
    from grader.apps.release import release_files

    files = release_files([t.name for t in MANIFEST if t.pack.built_in])
    assert not [name for name in files if "held_out" in Path(name).name and name.endswith(".pt")]
    assert leaks.held_out_leaks(files) == []


@pytest.mark.unit
@pytest.mark.parametrize("form", ["file", "csv", "tensor", "floats"])
def test_a_release_that_would_hold_held_out_labels_is_refused(form):
    topic = _topic("cnn")
    labels = labels_of(topic)["SimpleCNN"]
    planted = {
        "file": topic.held_out_data.read_bytes(),
        "csv": ("label\n" + "\n".join(str(int(v)) for v in labels)).encode(),
        "tensor": _saved(labels.clone()),
        "floats": _saved(labels.float()[100:400].clone()),
    }[form]
    found = leaks.held_out_leaks({"exercises/extra/data.bin": planted, "exercises/cnn.py": b"x = 1\n"})
    assert [leak.file for leak in found] == ["exercises/extra/data.bin"]
    with pytest.raises(leaks.LeakFound, match="held-out"):
        leaks.refuse_held_out({"exercises/extra/data.bin": planted})


def _saved(tensor: torch.Tensor) -> bytes:
    import io

    out = io.BytesIO()
    torch.save(tensor, out)
    return out.getvalue()


# -- the worker's side ------------------------------------------------------------------------


def _module(tmp_path: Path, topic: str, source: str) -> Path:
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / f"{topic}.py").write_text(textwrap.dedent(source))
    return folder


@pytest.mark.engine
@pytest.mark.parametrize(("topic", "exercise"), sorted(TRAINING))
def test_the_reference_is_scored_on_the_held_out_set(topic, exercise):
    started = time.perf_counter()
    score = score_held_out(REPO_ROOT / "solutions" / f"{topic}.py", topic, exercise)
    spent = time.perf_counter() - started
    assert score.value is not None, score.reason
    assert TRAINING[topic, exercise] <= score.value <= 1.0
    print(f"{exercise}: {score.metric} {score.value:.3f} in {spent:.1f} s")


@pytest.mark.engine
def test_a_constant_answer_earns_no_metric(tmp_path):
    score = score_held_out(_module(tmp_path, "cnn", CONSTANT_CNN), "cnn", "SimpleCNN")
    assert score.value is None and score.reason


@pytest.mark.engine
@pytest.mark.parametrize("subset", ["checked", "unchecked"])
def test_a_submission_searching_for_the_labels_finds_none(tmp_path, monkeypatch, subset):
    from grader.engine.subset.submission import UNCHECKED

    if subset == "unchecked":  # past the graded subset: the sandbox and the channel alone hold
        monkeypatch.setenv(UNCHECKED, "1")
    score = score_held_out(_module(tmp_path, "cnn", SEARCHING_CNN), "cnn", "SimpleCNN")
    assert score.value is None, f"the search found the labels: {score}"


@pytest.mark.engine  # a release built and scanned: seconds of CPU, too many for the unit tier
def test_a_release_planted_with_held_out_labels_writes_nothing(tmp_path, monkeypatch):
    from grader.apps import release

    real = release.release_files
    labels = labels_of(_topic("mlp"))["DiabetesNet"]
    planted = ("y\n" + "\n".join(f"{float(v):.1f}" for v in labels.flatten())).encode()
    monkeypatch.setattr(release, "release_files", lambda *a: {**real(*a), "datasets/extra.csv": planted})
    with pytest.raises(leaks.HeldOutLeak, match="datasets/extra.csv"):
        release.write_release(tmp_path / "out", ("mlp",))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
