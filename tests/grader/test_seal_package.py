"""A helper package beside the topic's file (a folder with ``__init__.py``, maybe submodules) is
staged, checked and graded as a helper file is: its files are part of the submission, the same
seal rules hold in each of them, and what they refuse charges the exercises that import them."""

from __future__ import annotations

import shutil

import pytest
from helpers import REPO, grade_json

from grader.engine import staging
from grader.engine.subset import submission as subset
from grader.sandboxed.worker import SourceFinder

SOLUTION = (REPO / "solutions" / "losses.py").read_text()
INIT = "from lossutils.core import reduce_values\n"
CORE = """import torch
from torch import Tensor


def reduce_values(values: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    if reduction == "none":
        return values
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def softplus(z: Tensor) -> Tensor:
    return z.clamp(min=0) + torch.log1p(torch.exp(-z.abs()))
"""


def with_package(folder, core: str = CORE):
    """The reference losses with its two private helpers moved into a package ``lossutils``
    (``from lossutils import ...`` and ``import lossutils.core``); the topic's file's path."""
    source = SOLUTION
    for name, stop in (("def _reduce", "def mse"), ("def _softplus", "def bce_with_logits")):
        source = source[: source.index(name)] + source[source.index(stop) :]
    source = source.replace(
        "from torch import Tensor\n",
        "from torch import Tensor\n\nimport lossutils.core\nfrom lossutils import reduce_values as _reduce\n",
    ).replace("_softplus(", "lossutils.core.softplus(")
    (folder / "lossutils").mkdir(parents=True)
    (folder / "lossutils" / "__init__.py").write_text(INIT)
    (folder / "lossutils" / "core.py").write_text(core)
    (folder / "losses.py").write_text(source)
    return folder / "losses.py"


@pytest.mark.unit
def test_a_helper_package_is_part_of_the_submission_and_inside_the_subset(tmp_path):
    # seen failing before: the package was "not available" (import lossutils refused, 0 points)
    topic = with_package(tmp_path)
    for path, single in ((tmp_path, False), (topic, True)):
        assert set(subset.sources_of(path, "losses", single)) == {
            "losses.py",
            "lossutils/__init__.py",
            "lossutils/core.py",
        }
        assert subset.verdict(path, "losses", single) == subset.Verdict()
    for path in (tmp_path, topic):
        staged = staging.stage(path, "losses")
        try:
            assert (staged / "lossutils" / "core.py").read_text() == CORE
        finally:
            shutil.rmtree(staged)


@pytest.mark.unit
def test_a_package_file_is_held_to_the_seal_and_charges_its_importers(tmp_path):
    with_package(tmp_path, CORE + "\nx = eval('1')\n")
    verdict = subset.verdict(tmp_path, "losses", single_file=False)
    assert verdict.refusal is not None and "lossutils/core.py, line 18: eval" in verdict.refusal.what
    assert verdict.exercises == {"mse", "l1", "bce_with_logits"}  # those whose code uses it
    # a name a package's file imports is no way round the list, at any depth of the package
    (tmp_path / "losses.py").write_text("import lossutils.core\nlib = lossutils.core.torch.library\n")
    (tmp_path / "lossutils" / "core.py").write_text(CORE)
    found = subset.refusal(tmp_path, "losses", single_file=False)
    assert found is not None and (found.file, found.what) == ("losses.py", "lossutils.torch")


@pytest.mark.unit
def test_a_linked_package_is_none(tmp_path):
    with_package(tmp_path / "real")
    (tmp_path / "mine").mkdir()
    shutil.copy(tmp_path / "real" / "losses.py", tmp_path / "mine")
    (tmp_path / "mine" / "lossutils").symlink_to(tmp_path / "real" / "lossutils")
    assert set(subset.sources_of(tmp_path / "mine", "losses", False)) == {"losses.py"}


@pytest.mark.unit
def test_the_worker_serves_a_submodule_only_of_a_package_of_the_submission():
    sources = {"lossutils/__init__.py": b"", "lossutils/core.py": b"", "torch/evil.py": b""}
    finder = SourceFinder("/sub", sources)
    package = finder.find_spec("lossutils")
    assert package.submodule_search_locations == ["/sub/lossutils"]
    assert finder.find_spec("lossutils.core", ["/sub/lossutils"]).origin == "/sub/lossutils/core.py"
    assert finder.find_spec("lossutils.core") is None
    assert finder.find_spec("torch.evil", ["/site-packages/torch"]) is None


@pytest.mark.e2e
@pytest.mark.parametrize("relatively", [False, True])
def test_a_helper_package_grades_as_a_helper_file_does(tmp_path, relatively):
    topic = relative(tmp_path, RELATIVE) if relatively else with_package(tmp_path)  # ... or relatively
    for path in (tmp_path, topic):
        _, report = grade_json(
            str(path), "--topic", "losses", "--exercise", "mse", "--exercise", "bce_with_logits"
        )
        (losses,) = report["topics"]
        assert losses["score"] == losses["max_score"] > 0, losses


@pytest.mark.unit
def test_a_helper_package_travels_to_a_dask_worker_and_nothing_outside_its_folder(tmp_path):
    # seen failing first: only the folder's top-level files were sent
    from grader.batch import remote

    with_package(tmp_path / "sub")
    files = remote.submission_files(tmp_path / "sub")
    assert set(files) == {"losses.py", "lossutils/__init__.py", "lossutils/core.py"}
    folder, _ = remote._unpack(files, single_file=False)
    try:
        assert (folder / "lossutils" / "core.py").read_text() == CORE
    finally:
        shutil.rmtree(folder)
    for name in ("../x.py", "/tmp/x.py", "a/../b.py", "./a.py", "a//b.py", ""):
        with pytest.raises(ValueError, match="not a plain file name"):
            remote._unpack({name: b""}, single_file=False)


HOSTILE = {  # a package's file installing an exercise, or reaching a module namespace
    "pkg/__init__.py": "import losses\nimport torch\n\nlosses.mse = torch.nn.functional.mse_loss\n",
    "pkg/core.py": "import sys\n\n\ndef write():\n    sys.modules['losses'].mse = 1\n",
}


@pytest.mark.unit
@pytest.mark.parametrize("where", sorted(HOSTILE))
def test_a_package_file_is_no_way_round_the_seal(tmp_path, where):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / where).write_text(HOSTILE[where])
    (tmp_path / "losses.py").write_text(
        "import pkg.core\n\n\ndef mse(a, b):\n    return ((a - b) ** 2).mean()\n"
    )
    found = subset.refusal(tmp_path, "losses", single_file=False)
    assert found is not None and f"importing pkg ({where}" in found.what, found


def relative(folder, files: dict[str, str]):
    """:func:`with_package`, the package's ``files`` importing each other relatively."""
    topic = with_package(folder)
    for name, text in files.items():
        (folder / "lossutils" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "lossutils" / name).write_text(text)
    return topic


RELATIVE = {  # each file's relative imports as Python resolves them
    "__init__.py": "from .core import reduce_values\nfrom . import deep\n",
    "deep/__init__.py": "from ..core import softplus\nfrom .more import twice as twice\n",
    "deep/more.py": "from .. import core\n\n\ndef twice(x):\n    return core.softplus(x) * 2\n",
}


@pytest.mark.unit
def test_a_packages_relative_imports_of_its_own_modules_are_its_absolute_ones(tmp_path):
    # seen failing before: "a relative import" refused, every exercise importing the package 0
    relative(tmp_path, RELATIVE)
    sources = subset.sources_of(tmp_path, "losses", False)
    assert "from lossutils.deep.more import twice as twice" in sources["lossutils/deep/__init__.py"]
    assert subset.verdict(tmp_path, "losses", single_file=False) == subset.Verdict()


ABOVE = {  # a relative import refused as its absolute one is, or as Python fails it (above the package)
    "core.py": ("from .deep import torch\nlib = torch.library\n", "from lossutils.deep import torch\n"),
    "__init__.py": ("from .. import losses\n", "a relative import)"),
}


@pytest.mark.unit
@pytest.mark.parametrize("where", sorted(ABOVE))
def test_a_relative_import_is_held_to_what_its_absolute_one_is(tmp_path, where):
    text, absolute = ABOVE[where]
    relative(tmp_path / "a", {where: CORE + text, "deep/__init__.py": "import torch\n"})
    found = subset.refusal(tmp_path / "a", "losses", single_file=False)
    if absolute.startswith("from "):
        relative(
            tmp_path / "b",
            {where: CORE + absolute + text.split("\n", 1)[1], "deep/__init__.py": "import torch\n"},
        )
        absolute = subset.refusal(tmp_path / "b", "losses", single_file=False).what
    assert found is not None and found.what.endswith(absolute), found


@pytest.mark.unit
@pytest.mark.parametrize(
    "binding", ["import torch as __package__", "from lossutils.core import names as __package__"]
)
def test_an_import_binds_no_dunder_a_relative_import_would_read(tmp_path, binding):
    # seen failing before: accepted, so `from . import library` could run as torch's
    relative(tmp_path, {"__init__.py": f"{binding}\nfrom . import core\n"})
    found = subset.refusal(tmp_path, "losses", single_file=False)
    assert found is not None and "assigning __package__" in found.what, found
    assert subset.check("import numpy as np\nfrom math import pi as PI\nimport __future__\n") == []


FALLBACK = "try:\n    from .lossutils import core\nexcept {caught}:\n    from lossutils import core\n"


@pytest.mark.unit
@pytest.mark.parametrize(
    "caught", ["ImportError", "(ImportError, ValueError)", "Exception", "ModuleNotFoundError"]
)
def test_a_relative_import_that_falls_back_on_import_error_is_the_absolute_one(tmp_path, caught):
    """In the topic's file (no package) a relative import raises ImportError: where a handler catches
    it, the absolute import it falls back to runs (honest125's 02, 06, 10, 19, 23: a whole topic 0)."""
    topic = with_package(tmp_path)
    fallback = "from torch import Tensor\n\n" + FALLBACK.format(caught=caught)
    topic.write_text(topic.read_text().replace("from torch import Tensor\n", fallback, 1))
    found = subset.refusal(tmp_path, "losses", single_file=False)
    if caught == "ModuleNotFoundError":  # does not catch the relative import's ImportError: refused
        assert found is not None and "a relative import" in found.what, found
    else:
        assert found is None, found
