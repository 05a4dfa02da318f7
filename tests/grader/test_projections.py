"""Hand-outs are projections of the declarations, field by field: a student release, a hand-out
notebook and the Gradescope zip carry every clause that decides points (a suite's ``OFF_LIMITS``,
``VECTORISED``, ``DIMENSION_COUNTS``; a pack's topic keys; a course assignment's points, twin rule,
late policy and extensions), or the field is on the instructor-only list with its reason
(grader/projections.py). A pack forbidding ``F.conv1d``, written here as tests/packs/attention
is, released for a course: a call of it costs points in the release as on every official path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from grader import packs

PACK = {
    "pack.toml": """\
name = "smoothing"

[[topics]]
name = "smoothing"
seconds = 0.3
exercises = ["moving_sum"]
""",
    "exercises/smoothing.py": '''\
"""smoothing: fill in each function below; `grade exercises/smoothing.py` checks them."""

from __future__ import annotations

import torch


def moving_sum(x: torch.Tensor) -> torch.Tensor:
    """The sums of every three neighbours along the last dimension of ``x``.

    ``x``: a float32 or float64 tensor of shape (..., L), L at least 3; the result has shape
    (..., L - 2), its dtype and device, and ``x`` is left unchanged. Off limits: ``F.conv1d``.
    """
    raise NotImplementedError
''',
    "solutions/smoothing.py": '''\
"""smoothing: the reference."""

from __future__ import annotations

import torch


def moving_sum(x: torch.Tensor) -> torch.Tensor:
    return x[..., :-2] + x[..., 1:-1] + x[..., 2:]
''',
    "domains_smoothing.py": '''\
"""The input domain of moving_sum, read off its docstring."""

from __future__ import annotations

from grader.checks.domains import F64, Case, declare, randn

T = "smoothing"


@declare(T, "moving_sum", "dtype signs")
def _moving_sum() -> list[Case]:
    return [
        Case("signs", "moving_sum", (randn(2, 7),), wrt=(0,), note="mixed signs"),
        Case("dtype", "moving_sum", (randn(3, 5, dtype=F64),), note="float64"),
    ]
''',
    "suite_smoothing.py": '''\
"""Hidden suite for smoothing."""

from __future__ import annotations

import pytest
import torch

from grader.checks import battery, check, expect_close, probes

OFF_LIMITS = {"moving_sum": {"conv1d": "F.conv1d", "convolution": "F.conv1d"}}


@check("shape", public=True, exercise="moving_sum")
def test_moving_sum_of_ones(sub):
    x = torch.ones(2, 6)
    expect_close(sub.run(probes.call, "moving_sum", (x,), {}), 3 * torch.ones(2, 4), "moving_sum(ones(2, 6))")


@check("shape", exercise="moving_sum")
def test_moving_sum_of_a_ramp(sub):
    x = torch.arange(12.0).reshape(2, 6)
    want = x[:, :-2] + x[:, 1:-1] + x[:, 2:]
    expect_close(sub.run(probes.call, "moving_sum", (x,), {}), want, "moving_sum(a ramp)")


@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("smoothing"))
def test_input_domain(sub, name):
    battery.run(sub, "smoothing", name)
''',
    "hints/smoothing.md": "## moving_sum\n- Add three slices of x, each shifted by one.\n",
}

FORBIDDEN = '''\
"""smoothing, by torch's own convolution."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def moving_sum(x: torch.Tensor) -> torch.Tensor:
    ones = torch.ones(1, 1, 3, dtype=x.dtype, device=x.device)
    return F.conv1d(x.reshape(-1, 1, x.shape[-1]), ones).reshape(*x.shape[:-1], x.shape[-1] - 2)
'''


def grade_command(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def smoothing(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """(the pack's folder, the environment that names it), its answers recorded."""
    folder = tmp_path_factory.mktemp("smoothing")
    for name, text in PACK.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    env = {**os.environ, "PYTHONPATH": str(REPO), packs.PACKS_ENV: str(folder), "NO_COLOR": "1"}
    done = grade_command("author", "record", "smoothing", cwd=REPO, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return folder, env


@pytest.mark.e2e
def test_a_pack_releases_grade_takes_points_for_its_off_limits_call(smoothing, tmp_path):
    """A course release of a pack whose docstring forbids ``F.conv1d``: a student who calls it is
    not full in the release's ``grade`` (the official grade gives that exercise nothing), while the
    reference is. Before: the release's public suite dropped ``OFF_LIMITS`` (no public check named
    it) and the call read "passed" at home."""
    folder, env = smoothing
    course = tmp_path / "course.toml"
    course.write_text(
        f'[course]\npacks = ["{folder}"]\n\n[assignments.hw9]\ntopics = ["smoothing"]\npoints = 12\n'
    )
    release = tmp_path / "release"
    done = grade_command(
        "release", str(release), "--course", str(course), "--assignment", "hw9", cwd=REPO, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    learner = {k: v for k, v in env.items() if k != packs.PACKS_ENV} | {"PYTHONPATH": str(release)}
    scores = {}
    for name, text in (("reference", PACK["solutions/smoothing.py"]), ("conv1d", FORBIDDEN)):
        (release / "exercises" / "smoothing.py").write_text(text)
        done = grade_command(
            "exercises/smoothing.py", "--no-daemon", "--format", "json", cwd=release, env=learner
        )
        report = json.loads(done.stdout)
        scores[name] = (report["score"], report["max_score"])
    assert scores["reference"][0] == scores["reference"][1] > 0, scores
    assert scores["conv1d"][0] < scores["conv1d"][1], scores
    official = json.loads(
        grade_command(
            str(release / "exercises" / "smoothing.py"), "--no-daemon", "--format", "json", cwd=REPO, env=env
        ).stdout
    )
    assert official["score"] < official["max_score"], official["score"]
