"""The worker's stand-ins for tqdm and matplotlib (grader/sandboxed/stand_ins.py): a listed
module that cannot work in a worker (not installed, a monitor thread, a font cache to build)
runs harmlessly there, so that correct code with one ordinary line (``from tqdm import tqdm``,
``import matplotlib.pyplot as plt``) is graded instead of scoring 0 at its import."""

from __future__ import annotations

import importlib
import importlib.util
import sys

import pytest

from grader.engine.subset import rules
from grader.sandboxed import stand_ins


@pytest.fixture
def installed():
    """stand_ins.install() in this process, the real packages put back after the test."""
    packages = ("tqdm", "matplotlib")
    before = {n: m for n, m in sys.modules.items() if n.split(".")[0] in packages}
    stand_ins.install()
    yield
    for name in [n for n in sys.modules if n.split(".")[0] in packages]:
        del sys.modules[name]
    sys.modules.update(before)


@pytest.mark.unit
def test_the_stand_ins_hold_every_member_the_subset_lists():
    modules = stand_ins.modules()
    for name in ("tqdm", "tqdm.auto", "matplotlib", "matplotlib.pyplot"):
        assert all(hasattr(modules[name], member) for member in rules.LISTED[name]), name


@pytest.mark.unit
def test_a_progress_bar_iterates_what_it_wraps_and_draws_nothing(installed, capsys):
    from tqdm import tqdm, trange
    from tqdm.auto import tqdm as auto

    bar = tqdm([1, 2, 3], desc="epoch", leave=False, ncols=80)
    assert [x * 2 for x in bar] == [2, 4, 6] and bar.n == 3 and len(bar) == 3
    bar.set_description("loss 0.1")
    bar.set_postfix(loss=0.5, acc="90%")
    bar.update(2)
    bar.close()
    with trange(2, 6, desc="steps") as steps:
        assert list(steps) == [2, 3, 4, 5]
    manual = auto(total=10)
    manual.update(4)
    assert manual.n == 4 and len(manual) == 10
    tqdm.write("done")
    assert capsys.readouterr().out == "done\n"
    assert importlib.util.find_spec("tqdm") is not None  # torch asks this of third-party packages


@pytest.mark.unit
def test_plots_draw_and_save_nothing(installed, tmp_path):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    (line,) = ax.plot([1, 2], [3, 4], label="loss")
    line.set_color("red")
    ax.set_title("training")
    _, row = plt.subplots(1, 3)
    _, grid = plt.subplots(2, 2, figsize=(4, 4))
    assert row.shape == (3,) and grid.shape == (2, 2)
    grid[1, 0].hist([1, 2, 2])
    plt.xlabel("step")
    plt.legend()
    fig.savefig(tmp_path / "curve.png")
    plt.savefig(tmp_path / "curve.png")
    plt.close(fig)
    assert plt.xlim() == (0.0, 1.0) and list(tmp_path.iterdir()) == []
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("matplotlib.colors")  # not a stand-in: not found, as in a package
