"""What a topic's grade depends on (grader/base/depends.py), one list that every consumer reads: a
byte changed in any of its kinds after a topic passed, and the next ``grade FILE`` grades it
afresh instead of reading the remembered result back."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import REPO, run_grade

ATTENTION = REPO / "tests" / "packs" / "attention"
MEMBERS = REPO / "grader" / "sandboxed" / "subset_members.tsv"


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def _answers(path: Path) -> None:
    import torch

    answers = torch.load(path, weights_only=False)
    answers["attention.unread"] = []  # a key no check reads: the file's bytes change, not its answers
    torch.save(answers, path)


def _catalogue(path: Path, translation: str) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="zh_CN")
    catalog.add("the weights of a head", translation)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_mo(handle, catalog)


def _cut(path: Path) -> None:
    """The issue's damage: the dataset cut to its first 100 rows."""
    rows = gzip.decompress(path.read_bytes()).decode().splitlines()[:100]
    path.write_bytes(gzip.compress(("\n".join(rows) + "\n").encode()))


def _kinds(pack: Path, data: Path) -> dict[str, Callable[[], None]]:
    catalogue = pack / "locale" / "zh_CN" / "LC_MESSAGES" / "attention.mo"
    return {
        "stub": lambda: _append(pack / "exercises" / "attention.py", "\n# one more line\n"),
        "reference": lambda: _append(pack / "solutions" / "attention.py", "\n# one more line\n"),
        "suite": lambda: _append(pack / "suite_attention.py", "\n# one more line\n"),
        "domains": lambda: _append(pack / "domains_attention.py", "\n# one more line\n"),
        "answers": lambda: _answers(pack / "answers_attention.pt"),
        "hints": lambda: _append(pack / "hints" / "attention.md", "\n"),
        "held_out": lambda: (pack / "held_out_attention.pt").write_bytes(b"a held-out set appears"),
        "catalogue": lambda: _catalogue(catalogue, "头的权重"),
        "pack.toml": lambda: _append(pack / "pack.toml", "\n# one more line\n"),
        "dataset": lambda: _cut(data / "diabetes.csv.gz"),
        "SHA256SUMS": lambda: _append(data / "SHA256SUMS", "\n"),
    }


def _graded(submission: Path, env: dict[str, str]) -> dict:
    done = run_grade(str(submission), "--exercise", "causal_mask", "--format", "json", env=env, fresh=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    topic = json.loads(done.stdout)["topics"][0]
    assert topic["score"] == topic["max_score"] > 0, topic
    return topic


def _mark(cache: Path) -> int:
    """Mark every kept result of the topic with what only a read-back report can show."""
    kept = sorted((cache / "torchgrade" / "results").glob("attention-*.json"))
    for stored in kept:
        data = json.loads(stored.read_text())
        data["tests"][0]["message"] = "READ BACK"
        stored.write_text(json.dumps(data))
    return len(kept)


@pytest.mark.e2e
def test_a_byte_changed_in_any_kind_of_dependency_grades_the_topic_afresh(tmp_path):
    pack, data, cache = tmp_path / "attention", tmp_path / "datasets", tmp_path / "cache"
    shutil.copytree(ATTENTION, pack)
    shutil.copytree(REPO / "datasets", data)
    _catalogue(pack / "locale" / "zh_CN" / "LC_MESSAGES" / "attention.mo", "一个头的权重")
    submission = tmp_path / "work" / "attention.py"
    submission.parent.mkdir()
    shutil.copy(ATTENTION / "solutions" / "attention.py", submission)
    env = {
        "TORCHGRADE_FRESH": "",
        "XDG_CACHE_HOME": str(cache),
        "TORCHGRADE_PACKS": str(pack),
        "TORCHGRADE_DATASETS": str(data),
    }
    _graded(submission, env)
    assert _mark(cache) == 1
    assert _graded(submission, env)["tests"][0]["message"] == "READ BACK"  # remembered while unchanged
    read_back = []
    for kind, change in _kinds(pack, data).items():
        assert _mark(cache) >= 1, kind
        change()
        if _graded(submission, env)["tests"][0]["message"] == "READ BACK":
            read_back.append(kind)
    assert read_back == [], read_back


@pytest.mark.unit
def test_a_byte_changed_in_the_member_list_changes_every_topic_s_key(tmp_path, monkeypatch):
    """The member list is one of grader/'s files, in every topic's key. Changed here in a copy of
    grader/'s file list, never in the checkout: the e2e tier's other worker reads that file (a
    warm engine there would see its grader change and decline)."""
    from grader.base import depends
    from grader.engine import check_table

    copy = tmp_path / "subset_members.tsv"
    copy.write_bytes(MEMBERS.read_bytes())
    tree = depends.tree_names
    monkeypatch.setattr(
        depends, "tree_names", lambda folder: [str(copy) if p == str(MEMBERS) else p for p in tree(folder)]
    )
    before = check_table.keys(["losses"])["losses"]
    _append(copy, "# one more line\n")
    assert check_table.keys(["losses"])["losses"] != before


@pytest.mark.unit
def test_the_warm_engine_does_not_watch_the_learners_own_files():
    """A checkout's learner edits exercises/<topic>.py in place: a save must not end the warm
    engine (grader/serve.py), while the reference, suite, answers and datasets do."""
    from grader.base import depends
    from grader.base.topics import MANIFEST

    watched = {Path(path) for path, _ in depends.signature(MANIFEST)}
    assert not watched & {topic.stub for topic in MANIFEST}
    losses = next(t for t in MANIFEST if t.name == "losses")
    assert {
        losses.solution,
        losses.suite,
        losses.answers,
        REPO / "datasets" / "SHA256SUMS",
        MEMBERS,
    } <= watched
