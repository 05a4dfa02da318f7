"""A release or hand-out that would hold an answer is refused, naming file and line.

Each case plants a leak in a copy of the checkout and runs that copy's own ``grade release`` /
``grade notebooks`` in a fresh process, as an instructor would.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import GRADE, REPO

from grader.apps import leaks

CHECKOUT = ("grader", "exercises", "solutions", "tests/suites", "datasets", "pyproject.toml")
# kl_div of solutions/losses.py as a copier hides it: renamed, other local names, no docstring,
# comments, the first line spread over two.
DISGUISED_KL_DIV = """

def _divergence(a, b):
    # where a is zero the term is zero
    mask = a > 0
    a_safe = torch.where(mask,
                         a, torch.ones_like(a))
    out = torch.where(mask, a * (a_safe.log() - b.log()), torch.zeros_like(a))
    return out.sum(dim=-1)
"""


def _copy_checkout(tmp: Path) -> Path:
    root = tmp / "checkout"
    for name in CHECKOUT:
        source, target = REPO / name, root / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return root


def _grade(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*GRADE, *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def _definition(source: str, name: str) -> tuple[str, int]:
    """(the source of top-level ``name``, its first line)."""
    node = next(n for n in ast.parse(source).body if getattr(n, "name", "") == name)
    lines = source.splitlines()
    return "\n".join(lines[node.lineno - 1 : node.end_lineno]), node.lineno


def _solve_in_stub(root: Path, name: str) -> int:
    """Replace the stub of losses' ``name`` with the reference answer; its line."""
    stub = root / "exercises" / "losses.py"
    text = stub.read_text()
    answer, _ = _definition((root / "solutions" / "losses.py").read_text(), name)
    old, line = _definition(text, name)
    stub.write_text(text.replace(old, answer))
    return line


@pytest.mark.e2e
def test_a_solved_stub_is_refused_by_release_and_notebooks(tmp_path):
    root = _copy_checkout(tmp_path)
    line = _solve_in_stub(root, "huber")
    for command in (["release", str(tmp_path / "out")], ["notebooks", str(tmp_path / "nb")]):
        done = _grade(root, *command)
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"exercises/losses.py:{line}: `huber` is implemented" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "nb").exists(), "nothing is written"
    done = _grade(root, "release", str(tmp_path / "out"), "--allow-solved", "huber")
    assert done.returncode == 0, done.stderr
    assert "def huber" in (tmp_path / "out" / "exercises" / "losses.py").read_text()


@pytest.mark.e2e
def test_an_answer_in_a_shipped_module_is_refused(tmp_path):
    root = _copy_checkout(tmp_path)
    (root / "grader" / "spare.py").write_text("import torch\n" + DISGUISED_KL_DIV)
    with (root / "grader" / "checks" / "judging" / "data.py").open("a") as data:
        data.write("\nfrom grader import spare  # noqa: E402, F401\n")
    done = _grade(root, "release", str(tmp_path / "out"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert re.search(
        r"grader/spare\.py:4: `_divergence` holds \d+% of solutions/losses\.py:\d+ `kl_div`", done.stderr
    ), done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.unit
def test_an_answer_kept_in_a_string_is_found_at_its_line():
    answers = leaks.answers(leaks.course_files(REPO, "solutions"), leaks.course_files(REPO, "exercises"))
    text = 'import torch\n\nTEMPLATE = """' + DISGUISED_KL_DIV + '"""\n'
    found = leaks.scan({"spare.py": text}, answers, set())
    assert [(leak.file, leak.line) for leak in found] == [("spare.py", 5)], found


@pytest.mark.unit
def test_a_stub_is_not_an_answer():
    answers = leaks.answers(leaks.course_files(REPO, "solutions"), leaks.course_files(REPO, "exercises"))
    names = leaks.exercise_names_in(REPO / "exercises")
    texts = {p.name: p.read_text() for p in (REPO / "exercises").glob("*.py")}
    assert answers and names >= {"mse", "huber", "SmallResNet"}
    assert leaks.scan(texts, answers, names) == []


@pytest.mark.engine  # the grader's ~150 modules scanned: seconds of CPU, too many for the unit tier
def test_ordinary_code_is_not_an_answer():
    answers = leaks.answers(leaks.course_files(REPO, "solutions"), leaks.course_files(REPO, "exercises"))
    names = leaks.exercise_names_in(REPO / "exercises")
    texts = {str(p): p.read_text() for p in (REPO / "grader").rglob("*.py")}
    assert leaks.scan(texts, answers, names) == []


@pytest.mark.unit
@pytest.mark.parametrize("body", ["    return x\n", "    print(x)\n", "    y = 1\n    raise ValueError(y)\n"])
def test_a_body_is_not_a_stub(body):
    assert not leaks.is_stub(ast.parse(f"def f(x):\n    '''doc'''\n{body}").body[0])
    assert leaks.is_stub(ast.parse("def f(x):\n    '''doc'''\n    raise NotImplementedError\n").body[0])


@pytest.mark.e2e
def test_the_benchmark_class_is_outside_the_package():
    assert not (REPO / "grader" / "bench_class.py").exists()
    done = subprocess.run(
        [sys.executable, "-c", "import grader.bench"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
