"""The shipped datasets: shapes, ranges, checksums and splits."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import torch
from helpers import REPO

from grader.checks.judging.data import load_diabetes, load_digits, split_indices


@pytest.mark.unit
def test_diabetes_layout():
    x, y = load_diabetes()
    assert x.shape == (532, 7) and x.dtype == torch.float32
    assert y.shape == (532, 1) and y.dtype == torch.float32
    assert x.min() == -1 and x.max() == 1
    assert set(y.flatten().tolist()) == {0.0, 1.0} and int(y.sum()) == 177


@pytest.mark.unit
def test_digits_layout():
    images, labels = load_digits()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == torch.float32
    assert 0 <= images.min() and images.max() == 1
    assert labels.dtype == torch.int64 and torch.bincount(labels).min() >= 174


@pytest.mark.unit
def test_split_is_deterministic_disjoint_and_complete():
    train, test = split_indices(100, 0.25, seed=3)
    again_train, _ = split_indices(100, 0.25, seed=3)
    assert torch.equal(train, again_train) and len(test) == 25
    assert sorted(torch.cat([train, test]).tolist()) == list(range(100))
    assert not torch.equal(split_indices(100, 0.25, seed=4)[0], train)


@pytest.mark.e2e
def test_a_damaged_file_is_refused(tmp_path):
    copy = tmp_path / "datasets"
    shutil.copytree(REPO / "datasets", copy)
    data = bytearray((copy / "digits.csv.gz").read_bytes())
    data[-20] ^= 0xFF
    (copy / "digits.csv.gz").write_bytes(bytes(data))
    done = subprocess.run(
        [sys.executable, "-c", "from grader.checks.judging.data import load_digits; load_digits()"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"TORCHGRADE_DATASETS": str(copy), "PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode != 0 and "damaged" in done.stderr
