"""A probe starts from torch's switches as the submission's import left them
(grader/sandboxed/torch_state.py): a switch one exercise leaves flipped costs that exercise's
checks, never the other exercises' (seen failing without the restore: ``relu`` leaving autograd
off cost train_epoch, MLP, DiabetesNet and LogisticRegression their points)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
import torch
from helpers import REPO, run_grade

from grader.sandboxed import torch_state


@pytest.mark.unit
def test_restore_puts_back_every_switch_graded_code_may_flip():
    before = torch_state.snapshot()
    try:
        torch.set_grad_enabled(False)
        torch.set_anomaly_enabled(True, check_nan=False)
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.set_warn_always(not before.warn_always)
        torch.set_printoptions(precision=2, sci_mode=True)
        assert torch_state.snapshot() != before
        torch_state.restore(before)
        assert torch_state.snapshot() == before
    finally:
        torch_state.restore(before)


@pytest.mark.unit
def test_restore_pops_a_mode_graded_code_left_pushed():
    """A ``with torch.device(...)`` suspended in a generator keeps its function mode pushed: every
    tensor the next probe (and the worker's own code) makes would land on that device."""
    before = torch_state.snapshot()

    def left_open():
        with torch.device("meta"):
            yield

    kept = left_open()
    next(kept)
    assert torch.zeros(1).device.type == "meta"
    torch_state.restore(before)
    assert torch_state.snapshot() == before and torch.zeros(1).device.type == "cpu"
    with contextlib.suppress(Exception):  # its exit finds no mode of its own to pop
        kept.close()


def points_by_exercise(folder: Path, source: str) -> dict[str, float]:
    folder.mkdir()
    (folder / "mlp.py").write_text(source)
    done = run_grade(str(folder), "--topic", "mlp", "--format", "json", "--timeout", "30")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    (topic,) = json.loads(done.stdout)["topics"]
    return {e["name"]: (e["points"], e["max_points"]) for e in topic["exercises"]}


@pytest.mark.e2e
def test_a_switch_left_flipped_costs_only_the_exercise_that_flips_it(tmp_path):
    source = (REPO / "solutions" / "mlp.py").read_text()
    body = source.index('"""', source.index("\ndef relu(")) + 3
    body = source.index('"""', body) + 3
    leaking = source[:body] + "\n    torch.set_grad_enabled(False)" + source[body:]
    got = points_by_exercise(tmp_path / "relu", leaking)
    lost = {name for name, (points, most) in got.items() if points < most}
    assert lost == {"relu", "hard_sigmoid_from_relus"}, got  # the second calls the first


@pytest.mark.e2e
def test_evaluate_leaving_autograd_off_is_its_own_mistake(tmp_path):
    source = (REPO / "solutions" / "mlp.py").read_text()
    assert "@torch.no_grad()\ndef evaluate" in source
    leaking = source.replace("@torch.no_grad()\ndef evaluate", "def evaluate").replace(
        "    model.eval()\n    correct, count = 0, 0",
        "    model.eval()\n    torch.set_grad_enabled(False)\n    correct, count = 0, 0",
    )
    got = points_by_exercise(tmp_path / "evaluate", leaking)
    lost = {name for name, (points, most) in got.items() if points < most}
    assert lost == {"evaluate"}, got
