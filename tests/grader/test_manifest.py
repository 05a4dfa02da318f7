"""The manifest (grader/base/depends.py): one list of everything a grade reads, from which every
consumer makes its key. A byte changed in any input kind after a class and a learner's topic were
graded changes the key of every consumer: the table of checks and the remembered results (file,
folder, ``check()``), the warm engine's signature, a class's gradebook and its Dask workers
(``suite_version``), the held-out board. Seen failing before the manifest: the member list and a
pack's helper for ``grade batch``, the held-out recipe for the board, a pack's helper everywhere."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import REPO

ATTENTION = REPO / "tests" / "packs" / "attention"
MEMBERS = REPO / "grader" / "sandboxed" / "subset_members.tsv"
CATALOGUE = REPO / "grader" / "locale" / "zh_CN" / "LC_MESSAGES" / "torchgrade.mo"
HELPER = "import torch\n\n\ndef reference_mask(n):\n    return torch.ones(n, n).triu(1).bool()\n"


def _append(path: Path, text: str = "\n# one more line\n") -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def _same_size_and_time(path: Path) -> None:
    """One byte rewritten, the size and the modification time put back (``cp -p``, ``rsync -t``,
    ``tar x``): only the content, the inode's change time and its number can tell."""
    import os
    import time

    info, data = path.stat(), path.read_bytes()
    time.sleep(0.02)  # past the file system's coarse clock tick: a tool's copy comes later still
    path.write_bytes(data[:-1] + (b"#" if data[-1:] != b"#" else b"!"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)


@pytest.fixture
def world(tmp_path, monkeypatch):
    """A copy of the attention pack (declaring a helper and holding a held-out set) and of the
    datasets; grader/'s member list and a catalogue copied too, so that a change reaches no
    other test's checkout (grader/'s listing is pointed at the copies)."""
    from grader.base import depends, packs, topics
    from grader.batch import version

    pack, data = tmp_path / "attention", tmp_path / "datasets"
    shutil.copytree(ATTENTION, pack)
    shutil.copytree(REPO / "datasets", data)
    (pack / "helpers").mkdir()
    (pack / "helpers" / "masks.py").write_text(HELPER)
    (pack / "held_out_attention.py").write_text("HELD_OUT = {}\n")
    (pack / "held_out_attention.pt").write_bytes(b"inputs and labels")
    (pack / "hints" / "attention.md").write_text("# hints\n")
    text = (pack / "pack.toml").read_text()
    (pack / "pack.toml").write_text(
        text.replace("seconds = 0.4", 'seconds = 0.4\nreads = ["helpers/masks.py"]')
    )
    copies = {str(MEMBERS): tmp_path / "members.tsv", str(CATALOGUE): tmp_path / "torchgrade.mo"}
    for original, copy in copies.items():
        shutil.copy(original, copy)
    tree = depends.tree_names
    monkeypatch.setattr(depends, "tree_names", lambda f: [str(copies.get(p, p)) for p in tree(f)])
    monkeypatch.setenv("TORCHGRADE_DATASETS", str(data))
    copies["numpy"] = _numpy_copy(tmp_path, monkeypatch)
    manifest = (*packs.read_pack(packs.BUILT_IN)[1], *packs.read_pack(pack)[1])
    monkeypatch.setattr(topics, "MANIFEST", manifest)
    monkeypatch.setattr(version, "MANIFEST", manifest)  # bound at its import
    return pack, data, copies


def _numpy_copy(tmp_path: Path, monkeypatch) -> Path:
    """numpy's version file copied, and numpy found there (not imported from there): a changed
    version without reinstalling numpy."""
    import importlib.machinery
    import importlib.util

    import numpy

    from grader.base import depends

    folder = tmp_path / "numpy"
    folder.mkdir()
    shutil.copy(Path(numpy.__file__).parent / "version.py", folder / "version.py")
    find = importlib.util.find_spec

    def found(name: str, package: str | None = None):
        if name != "numpy":
            return find(name, package)
        spec = importlib.machinery.ModuleSpec("numpy", None, origin=str(folder / "__init__.py"))
        spec.submodule_search_locations = [str(folder)]
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", found)
    monkeypatch.setattr(depends, "_version_files", {})  # found once a process: found here
    return folder / "version.py"


def _kinds(pack: Path, data: Path, copies: dict[str, Path]) -> dict[str, Callable[[], None]]:
    return {
        "member list": lambda: _append(copies[str(MEMBERS)], "# one more line\n"),
        "catalogue": lambda: _append(copies[str(CATALOGUE)], "\0"),
        "stub": lambda: _append(pack / "exercises" / "attention.py"),
        "reference": lambda: _append(pack / "solutions" / "attention.py"),
        "suite": lambda: _append(pack / "suite_attention.py"),
        "domains": lambda: _append(pack / "domains_attention.py"),
        "answers": lambda: _append(pack / "answers_attention.pt", "\0"),
        "hints": lambda: _append(pack / "hints" / "attention.md"),
        "held-out data": lambda: _append(pack / "held_out_attention.pt", "\0"),
        "held-out recipe": lambda: _append(pack / "held_out_attention.py"),
        "pack helper": lambda: _append(pack / "helpers" / "masks.py"),
        "pack helper, size and time kept": lambda: _same_size_and_time(pack / "helpers" / "masks.py"),
        "suite, size and time kept": lambda: _same_size_and_time(pack / "suite_attention.py"),
        "pack.toml": lambda: _append(pack / "pack.toml"),
        "dataset": lambda: _append(data / "diabetes.csv.gz", "\0"),
        "dataset sums": lambda: _append(data / "SHA256SUMS", "\n"),
        "numpy's version": lambda: _append(copies["numpy"], "# another release\n"),
    }


def _consumers() -> dict[str, Callable[[], object]]:
    from grader.base import depends, topics
    from grader.batch import leaderboard, version

    def table() -> object:
        attention = next(t for t in topics.MANIFEST if t.name == "attention")
        shared = depends.digest(depends.present(depends.shared(topics.MANIFEST)))
        return depends.own_key(depends.present(depends.own(attention)), shared, "attention")

    return {
        "check table and remembered results": table,
        "warm engine": lambda: depends.signature(topics.MANIFEST),
        "grade batch and Dask": version.suite_version,  # the world fixture's manifest
        "held-out board": lambda: leaderboard._data_hash("attention"),
    }


@pytest.mark.engine  # a sweep: every consumer's key over grader/, the datasets and a pack, 15 times
def test_a_byte_changed_in_any_input_kind_changes_every_consumer_s_key(world):
    pack, data, copies = world
    kinds = _kinds(pack, data, copies)  # grader/'s code: the next test
    consumers = _consumers()
    stale = []
    for kind, change in kinds.items():
        before = {name: read() for name, read in consumers.items()}
        change()
        after = {name: read() for name, read in consumers.items()}
        stale += [f"{kind} -> {name}" for name in consumers if before[name] == after[name]]
    # the warm engine leaves on a changed stub only where it is not the learner's own file: a pack's
    # stub is the hand-out's source, never edited in place (depends.signature)
    assert stale == ["stub -> warm engine"], stale


@pytest.mark.unit
def test_a_long_lived_process_collects_a_suite_again_when_its_key_moves(world, monkeypatch):
    """`grade watch`, the notebook's check() engine: a suite collected once a process is collected
    again when its topic's key moved (its declared helper rewritten, size and mtime kept), not by
    the suite file's mtime alone. Seen failing before: the first collection kept; and, with the
    stub in the key, collected again at each save of the learner's file."""
    from grader.base import topics
    from grader.engine import check_table
    from grader.engine.suites import collected as suites

    monkeypatch.setattr(check_table, "MANIFEST", topics.MANIFEST)  # bound at its import
    made: list[str] = []
    monkeypatch.setattr(suites, "CollectedSuite", lambda topic, timeout: made.append(topic))
    monkeypatch.setattr(suites, "_collected", {})
    suites.collected("attention", 1.0), suites.collected("attention", 1.0)
    assert made == ["attention"]
    _append(world[0] / "exercises" / "attention.py")  # a stub, saved at will: read by no collection
    suites.collected("attention", 1.0)
    assert made == ["attention"]
    _same_size_and_time(world[0] / "helpers" / "masks.py")
    suites.collected("attention", 1.0)
    assert made == ["attention", "attention"]


@pytest.mark.unit
def test_a_long_lived_process_reads_a_topic_s_domains_and_answers_again_when_they_change(world):
    """The domains declared "once a process" and the stored answers read "once a process" are read
    again when their file changed, whatever its size and mtime. Seen failing before: both kept."""
    import torch

    from grader.checks.cases import domain_answers, domain_cases
    from grader.checks.domains import REGISTRY

    pack = world[0]
    before = dict(REGISTRY)
    try:
        domain_cases.load("attention")
        assert ("attention", "causal_mask") in REGISTRY and ("attention", "again") not in REGISTRY
        _append(
            pack / "domains_attention.py", '\n\n@declare(T, "again", "edge")\ndef _again():\n    return []\n'
        )
        domain_cases.load("attention")
        assert ("attention", "again") in REGISTRY
    finally:
        REGISTRY.clear()
        REGISTRY.update(before)
    store = pack / "answers_attention.pt"
    answers = domain_answers.stored(store)
    torch.save({**answers, "attention.unread": []}, store)
    assert "attention.unread" in domain_answers.stored(store)


@pytest.mark.unit
def test_grader_code_is_in_the_class_s_key(world, monkeypatch):
    """A changed module of grader/ (here a copy standing for it) is another suite version."""
    from grader.base import depends
    from grader.batch import version

    code = world[0].parent / "marks.py"
    code.write_text("POINTS = 1\n")
    tree = depends.tree_names
    monkeypatch.setattr(
        depends, "tree_names", lambda f: [*tree(f), str(code)] if f.name == "grader" else tree(f)
    )
    before = version.suite_version()
    _append(code)
    assert version.suite_version() != before


@pytest.mark.unit
def test_a_declared_read_is_shipped_where_the_suite_goes():
    """A release and an autograder carry what a topic declares it reads, where its flattened
    pack.toml names it again (packs.data_files, flattened_toml)."""
    from grader.base import packs

    pack, (topic,) = packs.read_pack(ATTENTION)
    declared = packs.Topic(**{**topic.__dict__, "reads": (ATTENTION / "domains_attention.py",)})
    assert (
        packs.data_files(declared, ("en",))["tests/suites/domains_attention.py"]
        == ATTENTION / "domains_attention.py"
    )
    assert 'reads = ["domains_attention.py"]' in packs.flattened_toml((declared,))


@pytest.mark.unit
def test_a_helper_that_packs_share_is_declared_and_shipped_beside_the_suites(tmp_path):
    """A helper in a folder beside the pack (shared by packs): `reads` names it, a release ships
    it where the suite finds it again (tests/shared/, beside tests/suites/). Seen failing before:
    pack.toml refused it (outside the pack's folder)."""
    from grader.base import packs

    pack = tmp_path / "attention"
    shutil.copytree(ATTENTION, pack)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "masks.py").write_text(HELPER)
    toml = (pack / "pack.toml").read_text()
    (pack / "pack.toml").write_text(
        toml.replace("seconds = 0.4", 'seconds = 0.4\nreads = ["../shared/masks.py"]')
    )
    _, (topic,) = packs.read_pack(pack)
    assert topic.reads == (tmp_path / "shared" / "masks.py",)
    assert packs.data_files(topic, ("en",))["tests/shared/masks.py"] == tmp_path / "shared" / "masks.py"
    assert 'reads = ["../shared/masks.py"]' in packs.flattened_toml((topic,))


@pytest.mark.unit
def test_pack_toml_refuses_a_read_outside_its_folder_or_missing(tmp_path):
    from grader.base import packs

    pack = tmp_path / "attention"
    shutil.copytree(ATTENTION, pack)
    toml = (pack / "pack.toml").read_text()
    for listed in ('["../elsewhere.py"]', '["missing.py"]', '"helpers.py"'):
        (pack / "pack.toml").write_text(toml.replace("seconds = 0.4", f"seconds = 0.4\nreads = {listed}"))
        with pytest.raises(packs.PackError, match="topics.attention.reads"):
            packs.read_pack(pack)


@pytest.mark.unit
def test_an_undeclared_module_of_a_pack_s_folder_cannot_be_imported(tmp_path, monkeypatch):
    """Declared inputs only: the suite's import of a helper pack.toml does not list fails loudly
    (at the suite's first collection: `grade author validate`), a declared one imports."""
    import sys

    from grader.base import packs
    from grader.engine.suites import declared

    pack = tmp_path / "attention"
    shutil.copytree(ATTENTION, pack)
    (pack / "masks.py").write_text(HELPER)
    (pack / "declared_masks.py").write_text(HELPER)
    toml = (pack / "pack.toml").read_text()
    (pack / "pack.toml").write_text(
        toml.replace("seconds = 0.4", 'seconds = 0.4\nreads = ["declared_masks.py"]')
    )
    _, found = packs.read_pack(pack)
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.syspath_prepend(str(pack))
    declared.install(found)
    with pytest.raises(declared.Undeclared, match="reads"):
        __import__("masks")
    assert __import__("declared_masks").reference_mask(3).sum() == 3
    monkeypatch.delitem(sys.modules, "declared_masks")


def _reading_pack(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """The attention pack with files its suite could read: a declared data file, a declared helper
    in a folder shared by packs (beside the pack), and undeclared ones; its topics watched."""
    import sys

    from grader.base import packs
    from grader.engine.suites import declared

    pack, shared = tmp_path / "attention", tmp_path / "shared"
    shutil.copytree(ATTENTION, pack)
    shared.mkdir()
    for folder in (pack, shared):
        (folder / "table.txt").write_text("1 2 3\n")
        (folder / "loaded.py").write_text("VALUE = 3\n")
        (folder / "declared.py").write_text("VALUE = 3\n")
    toml = (pack / "pack.toml").read_text()
    (pack / "pack.toml").write_text(
        toml.replace("seconds = 0.4", 'seconds = 0.4\nreads = ["declared.py", "../shared/declared.py"]')
    )
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    declared.install(packs.read_pack(pack)[1])
    return pack, shared


def _loads(path: Path) -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location("torchgrade_loaded", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VALUE


# the doors a suite could read a file of its pack by, besides an import (declared.py's finder)
READS: dict[str, Callable[[Path], object]] = {
    "open": lambda folder: (folder / "table.txt").read_text(),
    "path loading": lambda folder: _loads(folder / "loaded.py"),
    "runpy": lambda folder: __import__("runpy").run_path(str(folder / "loaded.py"))["VALUE"],
    "compile": lambda folder: exec(compile((folder / "loaded.py").read_bytes(), "loaded", "exec"), {}),
}


@pytest.mark.unit
@pytest.mark.parametrize("door", sorted(READS))
def test_an_undeclared_file_of_a_pack_or_its_shared_folder_cannot_be_read(tmp_path, monkeypatch, door):
    """Declared inputs only, every door: while a suite runs, a file of its pack's folder (or of a
    folder its pack shares with others) that pack.toml does not declare is refused, naming the key
    to add; a declared one reads, and so does the same read outside the packs. Seen failing
    before: read silently (not in the key: the remembered result stale)."""
    from grader.engine.suites import declared

    pack, shared = _reading_pack(tmp_path, monkeypatch)
    outside = tmp_path / "elsewhere"
    shutil.copytree(shared, outside)
    with declared.watching() as refused:
        for folder, key in ((pack, "table.txt"), (shared, "../shared/table.txt")):
            if door != "open":
                key = key.replace("table.txt", "loaded.py")
            with pytest.raises(declared.Undeclared, match=f"add '{re.escape(key)}' to the topic's `reads`"):
                READS[door](folder)
        READS[door](outside)
        assert _loads(pack / "declared.py") == _loads(shared / "declared.py") == 3
    assert len(set(refused)) == 2  # kept for the engine: a suite that caught the error still fails
    READS[door](pack)  # read by the grader itself, no suite running: not watched


@pytest.mark.unit
def test_no_module_but_the_manifest_digests_grading_inputs():
    """One home: grader/base/depends.py is the one module that hashes what a grade reads. Every other
    module that imports hashlib is listed here with what it hashes, none of it a grading input
    (a new one fails this test until it is reviewed)."""
    reviewed = {
        "apps/daemon.py": "the engine's identity: paths and stats, its staleness is depends.signature",
        "authoring/mutants.py": "a mutant's stable id",
        "batch/distributed.py": "a Dask task's name: submission bytes, options and the suite version",
        "batch/exports.py": "a student's name made safe for a file name",
        "batch/intake.py": "a submission's content hash (what the worker is given)",
        "batch/leaderboard.py": "pseudonyms (its key of what a score reads: depends.key)",
        "batch/marking_state.py": "the marking page's own record and pseudonyms",
        "batch/marks.py": "a manual mark's own record",
        "batch/run.py": "the checks chosen (-k, an assignment's exercises) beside depends.key",
        "checks/judging/data.py": "the datasets checked against their SHA256SUMS",
        "checks/inputs.py": "a course seed's inputs drawn per student",
        "engine/remembered.py": "a learner's sources and options beside the table's key (depends)",
        "similarity/fingerprint.py": "submissions compared with each other",
    }
    imports = re.compile(r"^\s*(import|from) hashlib\b", re.M)
    found = {
        path.relative_to(REPO / "grader").as_posix()
        for path in (REPO / "grader").rglob("*.py")
        if imports.search(path.read_text(encoding="utf-8"))
    }
    assert found - {"base/depends.py"} == set(reviewed), sorted(
        found.symmetric_difference({"base/depends.py", *reviewed})
    )


def _helper_pack(tmp_path: Path, declared: bool) -> Path:
    """The attention pack whose causal_mask check reads the expected mask from a helper module."""
    pack = tmp_path / "attention"
    shutil.copytree(ATTENTION, pack)
    (pack / "masks.py").write_text(
        "import torch\n\n\ndef expected(n):\n    return torch.ones(n, n, dtype=torch.long).tril()\n"
    )
    suite = (pack / "suite_attention.py").read_text()
    suite = suite.replace(
        "import torch.nn.functional as F\n",
        "import torch.nn.functional as F\nfrom masks import expected\n",
        1,
    )
    suite = suite.replace(
        'torch.ones(n, n, dtype=torch.long).tril(), f"causal_mask({n})"', 'expected(n), f"causal_mask({n})"'
    )
    (pack / "suite_attention.py").write_text(suite)
    if declared:
        toml = (pack / "pack.toml").read_text()
        (pack / "pack.toml").write_text(toml.replace("seconds = 0.4", 'seconds = 0.4\nreads = ["masks.py"]'))
    return pack


@pytest.mark.e2e
def test_a_changed_pack_helper_gives_the_fresh_grade_to_a_learner_and_a_class(tmp_path):
    """Seen failing before the manifest: the learner's remembered result and `grade batch` kept
    the full score after the helper changed (a fresh grade gives less)."""
    import json

    from helpers import run_grade

    pack = _helper_pack(tmp_path, declared=True)
    work, klass = tmp_path / "work", tmp_path / "class"
    work.mkdir(), klass.mkdir()
    shutil.copy(ATTENTION / "solutions" / "attention.py", work / "attention.py")
    shutil.copy(ATTENTION / "solutions" / "attention.py", klass / "alice_attention.py")
    env = {"TORCHGRADE_FRESH": "", "XDG_CACHE_HOME": str(tmp_path / "cache"), "TORCHGRADE_PACKS": str(pack)}

    def learner() -> float:
        done = run_grade(
            str(work / "attention.py"), "--exercise", "causal_mask", "--format", "json", env=env, fresh=True
        )
        assert done.returncode in (0, 1), done.stderr[-2000:]
        return json.loads(done.stdout)["topics"][0]["score"]

    def batch() -> float:
        out = tmp_path / "out"
        done = run_grade("batch", str(klass), "--out", str(out), "-k", "causal_mask", env=env, fresh=True)
        assert done.returncode == 0, done.stderr[-2000:]
        (row,) = json.loads((out / "gradebook.json").read_text())
        return row["total"]

    full_learner, full_class = learner(), batch()
    assert full_learner > 0 and full_class > 0
    helper = (pack / "masks.py").read_text()
    (pack / "masks.py").write_text(helper.replace(".tril()", ".triu()"))
    assert learner() < full_learner
    assert batch() < full_class


@pytest.mark.e2e
def test_grade_batch_explain_says_which_input_moved_for_each_student(tmp_path):
    """`grade batch --explain`: per student, graded again for their submission or for the input
    that moved (the pack's declared helper: `attention reads`), or read back. Seen failing
    before: no such option."""
    from helpers import run_grade

    pack = _helper_pack(tmp_path, declared=True)
    klass = tmp_path / "class"
    klass.mkdir()
    for student in ("alice", "bob"):
        shutil.copy(ATTENTION / "solutions" / "attention.py", klass / f"{student}_attention.py")
    env = {"TORCHGRADE_PACKS": str(pack)}

    def explained() -> str:
        args = ("batch", str(klass), "--out", str(tmp_path / "out"), "-k", "causal_mask", "--explain")
        done = run_grade(*args, env=env, fresh=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    assert "alice_attention: graded: no earlier grade" in explained()
    _append(pack / "masks.py")
    _append(klass / "bob_attention.py")
    said = explained()
    assert "alice_attention: graded again: attention reads moved" in said, said
    assert "bob_attention: graded again: the submission changed" in said, said
    assert "alice_attention: read back: nothing its grade reads moved" in explained()


@pytest.mark.e2e
def test_an_undeclared_pack_helper_fails_loudly(tmp_path):
    from helpers import run_grade

    pack = _helper_pack(tmp_path, declared=False)
    done = run_grade(
        str(ATTENTION / "solutions" / "attention.py"), "--exercise", "causal_mask",
        env={"TORCHGRADE_PACKS": str(pack)}, fresh=True,
    )  # fmt: skip
    assert done.returncode not in (0, 1) or "reads" in done.stdout + done.stderr
    assert "masks.py" in done.stdout + done.stderr and "reads" in done.stdout + done.stderr


@pytest.mark.e2e
def test_a_suite_that_reads_an_undeclared_file_fails_loudly_and_fails_validation(tmp_path):
    """A check that opens a data file of its pack that pack.toml does not declare, and even
    catches the refusal: `grade FILE` and `grade author validate` fail naming the key to add.
    Seen failing before: graded 2/2 from the undeclared file (in no key)."""
    from helpers import run_grade

    pack = tmp_path / "attention"
    shutil.copytree(ATTENTION, pack)
    (pack / "sizes.txt").write_text("1 4\n")
    suite = (pack / "suite_attention.py").read_text()
    suite = suite.replace(
        "def test_causal_mask(sub, n):\n",
        "def test_causal_mask(sub, n):\n"
        "    try:\n"
        '        assert str(n) in open(__file__.replace("suite_attention.py", "sizes.txt")).read()\n'
        "    except ImportError:\n"
        "        pass\n",
    )
    (pack / "suite_attention.py").write_text(suite)
    env = {"TORCHGRADE_PACKS": str(pack)}
    key = "add 'sizes.txt' to the topic's `reads`"
    graded = run_grade(
        str(pack / "solutions" / "attention.py"), "--exercise", "causal_mask", env=env, fresh=True
    )
    assert graded.returncode not in (0, 1) and key in graded.stdout + graded.stderr, graded.stdout[-2000:]
    validated = run_grade("author", "validate", "attention", "--exercise", "causal_mask", env=env, fresh=True)
    assert validated.returncode != 0 and key in validated.stdout + validated.stderr, validated.stdout[-2000:]


@pytest.mark.e2e
def test_a_linked_submission_is_read_back_as_staging_takes_it(tmp_path):
    """A learner's file that is a link to the reference: staging refuses the link (0), and the
    remembered key reads what staging takes, so a full result kept for the reference is never
    read back for it (seen failing before: 133/133 read back)."""
    import json

    from helpers import REPO, run_grade

    work = tmp_path / "work"
    work.mkdir()
    env = {"TORCHGRADE_FRESH": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ("--topic", "losses", "--exercise", "mse", "--format", "json")
    shutil.copy(REPO / "solutions" / "losses.py", work / "losses.py")
    first = run_grade(str(work), *args, env=env)
    assert json.loads(first.stdout)["topics"][0]["score"] > 0
    (work / "losses.py").unlink()
    (work / "losses.py").symlink_to(REPO / "solutions" / "losses.py")
    done = run_grade(str(work), *args, env=env)
    assert json.loads(done.stdout)["topics"][0]["score"] == 0, done.stdout[-2000:]


# what a rebuilt Gradescope zip leaves out of a topic's manifest, each kind with why (no grade in the
# container reads it, or the zip carries it in another form); any other kind the zip must carry, so
# that one byte changed there is another zip
ZIP_LEAVES = {
    "reference": "the zip grades against the stored answers (answers_<topic>.pt), never the reference",
    "hints": "read by `grade hint` and check()'s notes, by no grade",
    "pack": "carried flattened (tests/suites/pack.toml: packs.flattened_toml)",
    "versions": "the libraries as pyproject.toml requires them, which ships; setup.sh installs them",
    # what grader/course/projections.py handout_files carries, a release's rule too: the modules the
    # container's entry points and the suites import, transitively, their catalogues and snapshots
    "grader": "the grader the container runs, not every file of grader/ (tested in test_projections.py)",
}


def _zip_names(topic_name: str) -> dict[str, str]:
    """{path here: name in the zip} of what `grade gradescope` writes for ``topic_name``."""
    import os

    from grader.gradescope import build

    return {os.fspath(path): name for name, path in build.source_files((topic_name,))}


@pytest.mark.unit
@pytest.mark.parametrize("topic_name", ["losses", "attention"])
def test_a_rebuilt_zip_carries_every_grading_input_but_the_reviewed_kinds(tmp_path, monkeypatch, topic_name):
    """A hand-out is a projection of the one manifest: every file a topic's grade reads is in the
    Gradescope zip (so a changed byte is a changed zip), but the kinds ZIP_LEAVES names. Seen
    failing before: the shared suite helpers held every topic's domains and held-out recipes, and
    the zip shipped the checkout's datasets where TORCHGRADE_DATASETS named others."""
    import os

    from grader.base import depends, packs, topics
    from grader.gradescope import build

    shutil.copytree(REPO / "datasets", tmp_path / "datasets")
    monkeypatch.setenv("TORCHGRADE_DATASETS", str(tmp_path / "datasets"))
    manifest = (*packs.read_pack(packs.BUILT_IN)[1], *packs.read_pack(ATTENTION)[1])
    monkeypatch.setattr(build, "MANIFEST", manifest)  # bound at its import
    monkeypatch.setattr(topics, "MANIFEST", manifest)
    (topic,) = [t for t in manifest if t.name == topic_name]
    carried = _zip_names(topic_name)
    kinds = {**depends.own(topic), **depends.shared([topic])}
    kinds["catalogues"] = [p for p in kinds["catalogues"] if str(p).endswith(".mo")]  # sources: .po
    missing = {
        kind: sorted(os.path.relpath(p, REPO) for p in depends.present({kind: paths}) if p not in carried)
        for kind, paths in kinds.items()
        if kind not in ZIP_LEAVES
    }
    assert not any(missing.values()), missing
