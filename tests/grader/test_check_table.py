"""An untouched stub is reported from its topic's cached table of checks (grader/engine/check_table.py):
the report equals the engine's (which collects the suite and chooses items as pytest does, where
the table chooses stored rows) for every selection, the table is never read once a source of the
collection changed, and the whole process imports neither torch nor pytest. A stub's results and
the hidden kinds are made once, from rows, for both paths."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable

import pytest
import syntax
from click.testing import CliRunner
from helpers import REPO, run_grade

from grader import cli
from grader.base import depends
from grader.base.options import Options
from grader.engine import check_table
from grader.engine.check_table import NO_CUDA, Row
from grader.engine.runner import Task, stub_outcome

SELECTIONS = {
    "every topic, json": ["exercises/", "--format", "json"],
    "every topic, table": ["exercises/"],
    "public only": ["exercises/", "--topic", "losses", "--public-only", "--format", "json"],
    "-k by exercise": ["exercises/", "-k", "softmax and not log", "--format", "json"],
    "-k by kind": ["exercises/", "--topic", "losses", "--topic", "mlp", "-k", "not convergence"],
    "-k on a parameter, case": ["exercises/", "--topic", "losses", "-k", "SUM", "--format", "json"],
    "one file, one exercise, public": [
        "exercises/losses.py",
        "--exercise",
        "mse",
        "--public-only",
        "--format",
        "json",
    ],
    "an exercise of another topic": ["exercises/", "--exercise", "mse", "--format", "json"],
    "-k that selects nothing": ["exercises/", "-k", "no_check_is_called_this"],
}


def _grade(args: list[str]) -> tuple[int, str]:
    done = CliRunner().invoke(cli.main, [*args, "--jobs", "1"], catch_exceptions=False)
    out = done.output
    if "--format" in args and done.exit_code in (0, 1):
        report = json.loads(out)
        for clock in ("wall", "reading"):  # what the clock read, not what was graded
            report["seconds"].pop(clock)
        out = json.dumps(report)
    return done.exit_code, out


def _row(id: str, exercises: tuple[str, ...], *, public: bool = False, cuda: bool = False) -> Row:
    return Row(id=id, kind="shape", points=2.0, public=public, cuda=cuda, exercises=exercises, keywords=(id,))


@pytest.mark.unit
@pytest.mark.parametrize(("device", "cuda_status"), [("cpu", "skipped"), ("cuda", "not_started")])
def test_a_stubs_results_from_rows(device, cuda_status):
    rows = [_row("a", ("mse", "mae"), public=True), _row("b", ()), _row("c", ("mse",), cuda=True)]
    a, b, c = check_table.not_started("losses", rows, device)
    assert (a.id, a.kind, a.status, a.points, a.max_points, a.public, a.exercises) == (
        "a",
        "shape",
        "not_started",
        0.0,
        2.0,
        True,
        ("mse", "mae"),
    )
    assert a.message == "not started: mse() in losses.py still raises NotImplementedError: not started yet"
    assert b.message == "not started: the exercise still raises NotImplementedError: not started yet"
    assert c.status == cuda_status and c.max_points == (0.0 if device == "cpu" else 2.0)
    assert (c.message == NO_CUDA) is (device == "cpu"), (
        "a CUDA check on a CPU drops out, as the plugin skips it"
    )
    assert a.output == b.output == c.output == "" and a.curve is None


@pytest.mark.unit
def test_the_hidden_kinds_from_rows():
    rows = [_row("a", ("mse",), public=True), _row("b", ("mse", "mae")), _row("c", ("mse",)), _row("d", ())]
    assert check_table.hidden_kinds(rows) == {"mse": {"shape": 2}, "mae": {"shape": 1}}
    assert check_table.hidden_kinds(rows, ("mae", "softmax")) == {"mae": {"shape": 1}}
    assert check_table.hidden_kinds(rows[:1]) == {}


def _literals(nodes: Iterable[ast.AST]) -> list[str]:
    """The text of every string literal among a tree's ``nodes``, an f-string's constant parts joined."""
    found = []
    for node in nodes:
        if isinstance(node, ast.JoinedStr):
            found.append("".join(v.value for v in node.values if isinstance(v, ast.Constant)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
    return found


@pytest.mark.engine  # every grader module parsed: a sweep over the repository (tests/grader/tiers.py)
@pytest.mark.parametrize("text", [NO_CUDA, "still raises NotImplementedError: not started yet"])
def test_a_stubs_messages_are_written_once(text):
    homes = [
        path.relative_to(REPO).as_posix()
        for path in sorted((REPO / "grader").rglob("*.py"))
        if "sandboxed" not in path.parts and any(text in s for s in _literals(syntax.nodes(path)))
    ]
    assert homes == ["grader/engine/check_table.py"], f"{text!r} is written in {homes}: give it one home"


@pytest.mark.engine
@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", sorted(SELECTIONS))
def test_the_tables_report_equals_the_engines(name, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("TORCHGRADE_CHECK_TABLES", str(tmp_path / "tables"))
    engine = _grade(SELECTIONS[name])  # nothing cached: the suites are collected (and cached)
    assert list((tmp_path / "tables").glob("*.json")), "the engine's run caches the tables"
    table = _grade(SELECTIONS[name])
    assert table == engine
    assert engine[0] in ((1, 2) if "nothing" in name else (1,))


@pytest.mark.engine
def test_a_changed_source_is_a_new_key_and_an_unread_table(tmp_path, monkeypatch):
    suites = tmp_path / "suites"
    shutil.copytree(REPO / "tests" / "suites", suites)
    monkeypatch.setenv("TORCHGRADE_SUITES", str(suites))
    monkeypatch.setenv("TORCHGRADE_CHECK_TABLES", str(tmp_path / "tables"))
    (tmp_path / "tables").mkdir()
    row = {"id": "x", "kind": "shape", "points": 1.0, "public": True, "cuda": False, "exercises": ["mse"]}
    table = json.dumps({"topic": "losses", "rows": [{**row, "keywords": ["x"]}]})
    expected = [check_table.Row(**{**row, "exercises": ("mse",), "keywords": ("x",)})]
    for edit in (
        suites / "suite_losses.py",
        suites / "pytest.ini",
        REPO / "grader" / "engine" / "suites" / "plugin.py",
    ):
        before = str(check_table.key("losses"))
        (tmp_path / "tables" / f"losses-{before[:40]}.json").write_text(table)
        assert check_table.cached("losses") == expected
        if edit.is_relative_to(REPO):  # a file of this checkout: the copied suites read the same grader
            monkeypatch.setattr(depends, "REPO_ROOT", tmp_path / "checkout")
            shutil.copytree(REPO / "grader", tmp_path / "checkout" / "grader")
            edit = tmp_path / "checkout" / "grader" / "engine" / "suites" / "plugin.py"
        edit.write_text(edit.read_text() + "\n")
        assert check_table.key("losses") not in (None, before), edit.name
        assert check_table.cached("losses") is None, f"{edit.name} changed: the table is stale"
    assert check_table.key("mlp") != check_table.key("losses")


@pytest.mark.engine
def test_an_unreadable_table_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCHGRADE_CHECK_TABLES", str(tmp_path))
    target = tmp_path / f"losses-{str(check_table.key('losses'))[:40]}.json"
    for text in ("{", '{"rows": [{"id": 1}]}', '{"rows": [{"id": "x"}]}', "[]"):
        target.write_text(text)
        assert check_table.cached("losses") is None, text


@pytest.mark.engine
def test_a_look_alike_is_graded_by_the_engine_even_with_the_table_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCHGRADE_CHECK_TABLES", str(tmp_path / "tables"))
    stub = (REPO / "exercises" / "losses.py").read_text()
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "losses.py").write_text(stub)
    task = Task(folder, "losses", False, Options())
    assert stub_outcome(task) is None and check_table.cached("losses"), "the first run caches the table"
    assert stub_outcome(task) is not None, "then the stub is reported from it"
    (folder / "losses.py").write_text(stub + "\nSCALE = 2\n")  # module-level work
    assert stub_outcome(task) is None


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_the_whole_process_imports_neither_torch_nor_pytest(tmp_path):
    tables = {"TORCHGRADE_CHECK_TABLES": str(tmp_path)}
    first = run_grade("exercises/", env=tables)
    again = run_grade("exercises/", env={**tables, "PYTHONPROFILEIMPORTTIME": "1"}, fresh=True)
    assert first.returncode == again.returncode == 1 and again.stdout == first.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in again.stderr.splitlines() if "|" in line}
    assert "grader.engine.runner" in imported
    assert not imported & {
        "torch",
        "pytest",
        "_pytest",
        "numpy",
        "nbformat",
        "grader.engine.suites.collected",
    }


LEAVE = """
import atexit, sys
from grader import cli
atexit.register(lambda: print("torn down"))
sys.argv = ["grade", *sys.argv[1:]]
cli.run()
"""


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_a_grading_process_leaves_without_tearing_down_and_other_commands_as_usual(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "TORCHGRADE_CHECK_TABLES": str(tmp_path)}
    graded = subprocess.run(
        [sys.executable, "-c", LEAVE, "exercises/losses.py", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
    )
    assert graded.returncode == 1, graded.stderr[-2000:]
    assert json.loads(graded.stdout)["topics"][0]["name"] == "losses", "the whole report, flushed"
    assert "torn down" not in graded.stdout
    other = subprocess.run(
        [sys.executable, "-c", LEAVE, "course", "init", str(tmp_path / "course.toml")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
    )
    assert other.returncode == 0 and other.stdout.rstrip().endswith("torn down"), other.stderr[-2000:]


@pytest.mark.parametrize(
    ("version", "devices", "no_gpu"),
    [
        ("cuda: Optional[str] = None\nhip: Optional[str] = None\n", ["nvidia0"], True),
        ("cuda: Optional[str] = '12.8'\nhip: Optional[str] = None\n", [], sys.platform == "linux"),
        ("cuda = '12.8'\nhip = None\n", ["nvidiactl", "nvidia0"], False),
        ("cuda = '12.8'\nhip = None\n", ["dxg"], False),  # WSL
        ("cuda = None\nhip = '6.2'\n", [], False),  # ROCm: torch decides
        ("cuda = None\n", [], False),  # unsure: torch decides
        ("cuda = None\nhip = None\ndef (:\n", [], False),
    ],
)
@pytest.mark.unit
def test_the_device_resolves_without_torch_only_where_torch_could_see_no_gpu(
    version, devices, no_gpu, tmp_path, monkeypatch
):
    from importlib.machinery import ModuleSpec

    from grader.engine.worker import torch_build

    (tmp_path / "version.py").write_text(version)
    (tmp_path / "dev").mkdir()
    for name in devices:
        (tmp_path / "dev" / name).touch()
    monkeypatch.setattr(torch_build, "DEV", tmp_path / "dev")
    spec = ModuleSpec("torch", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(torch_build.importlib.util, "find_spec", lambda name: spec)
    assert torch_build.no_gpu() is no_gpu
    monkeypatch.setattr(torch_build.importlib.util, "find_spec", lambda name: None)
    assert torch_build.no_gpu() is False
