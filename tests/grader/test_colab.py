"""The Colab path: a hand-out executed in a fresh virtual environment through its set-up cell,
from a release zipped with or without a top folder, and from inside a release."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import nbformat
import pytest
from helpers import REPO

pytestmark = pytest.mark.e2e

TOPIC = "inception"  # the cheapest topic to execute (three exercises, each with public checks)

# Run in the fresh environment's Python, so that the kernel nbclient starts is that Python.
EXECUTE = """
import sys, nbformat
from nbclient import NotebookClient
path, cwd = sys.argv[1], sys.argv[2]
notebook = nbformat.read(path, as_version=4)
NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": cwd}}).execute()
nbformat.write(notebook, path)
"""


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "course-2026"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "release", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory):
    """A new venv without torchgrade that sees this one's packages (torch, nbclient...) through
    a path file: offline and quick, and `import grader` fails in it as on Colab."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (venv / purelib / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    probe = subprocess.run(
        [python, "-c", "import importlib.util as u; print(u.find_spec('grader'))"],
        capture_output=True,
        text=True,
        cwd="/",
        env=_clean_env(),
    )
    assert probe.stdout.strip() == "None", "torchgrade must not be importable in the fresh venv"
    return python


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def _zip(release, path, top: bool):
    with zipfile.ZipFile(path, "w") as archive:
        for file in release.rglob("*"):
            if file.is_file():
                name = file.relative_to(release.parent if top else release)
                archive.write(file, str(name))
    return path


def _run_handout(python, notebook, cwd):
    # The borrowed packages lie outside the venv's prefix, which the sandbox does not bind (on
    # Colab they lie inside it): the workers here run unsandboxed; the set-up cell is the subject.
    env = {**_clean_env(), "TORCHGRADE_NO_SANDBOX": "1"}
    done = subprocess.run(
        [python, "-c", EXECUTE, str(notebook), str(cwd)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return nbformat.read(str(notebook), as_version=4)


def _tables(notebook) -> dict[str, str]:
    return {
        cell.source.split('"')[1]: next(
            o.data["text/html"] for o in cell.outputs if o.output_type == "display_data"
        )
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.startswith("check(")
    }


@pytest.mark.parametrize("top", [True, False], ids=["zip-with-top-folder", "zip-flat"])
def test_a_handout_beside_a_release_zip_sets_itself_up(tmp_path, release, fresh_python, top):
    content = tmp_path / "content"  # as Colab's /content: the uploaded zip and the notebook
    content.mkdir()
    _zip(release, content / "course.zip", top)
    notebook = shutil.copy(release / "notebooks" / f"{TOPIC}.ipynb", content / f"{TOPIC}.ipynb")
    tables = _tables(_run_handout(fresh_python, notebook, content))
    assert list(tables) == ["InceptionA", "conv_mults", "GoogLeNetMini"]
    assert all("<table>" in table and "not started" in table for table in tables.values()), tables


def test_a_handout_inside_a_release_finds_it_without_editing(release, fresh_python, tmp_path):
    copy = shutil.copytree(release, tmp_path / "course")
    notebook = copy / "notebooks" / f"{TOPIC}.ipynb"
    assert 'TORCHGRADE = ""' in nbformat.read(str(notebook), as_version=4).cells[1].source  # nothing to edit
    tables = _tables(_run_handout(fresh_python, notebook, notebook.parent))
    assert tables and all("<table>" in table for table in tables.values())
