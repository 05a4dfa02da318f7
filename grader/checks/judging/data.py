"""The shipped datasets, loaded one way for exercises, solutions and suites alike.

Files live in ``datasets/`` beside the ``grader`` package (``TORCHGRADE_DATASETS``
overrides); each is checked against ``datasets/SHA256SUMS`` before it is read. See
``datasets/README.md`` for the datasheets.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from grader.base.checkout import datasets_dir

DATASETS_DIR = datasets_dir()


@functools.cache
def _expected_hashes() -> dict[str, str]:
    sums = DATASETS_DIR / "SHA256SUMS"
    if not sums.is_file():
        raise FileNotFoundError(f"no checksum list at {sums}")
    return {name: digest for digest, name in (line.split() for line in sums.read_text().splitlines() if line)}


@functools.cache
def dataset_path(name: str) -> Path:
    """``datasets/<name>`` after checking its sha256 against ``SHA256SUMS``."""
    path = DATASETS_DIR / name
    expected = _expected_hashes().get(name)
    if expected is None:
        raise FileNotFoundError(f"{name} is not a shipped dataset (not in SHA256SUMS)")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise ValueError(f"{path} is damaged: sha256 {actual}, expected {expected}")
    return path


@functools.cache
def _table(name: str) -> np.ndarray:
    with gzip.open(dataset_path(name), "rt") as handle:
        return np.loadtxt(handle, delimiter=",", dtype=np.float32)


def load_diabetes() -> tuple[torch.Tensor, torch.Tensor]:
    """Pima diabetes (MASS Pima.tr + Pima.te): features float32 (532, 7) in [-1, 1], labels float32 (532, 1).

    The lecture's ``xy[:, :-1]`` and ``xy[:, [-1]]`` of ``np.loadtxt('diabetes.csv.gz', delimiter=',')``.
    """
    table = _table("diabetes.csv.gz")
    return torch.from_numpy(table[:, :-1].copy()), torch.from_numpy(table[:, -1:].copy())


def load_digits() -> tuple[torch.Tensor, torch.Tensor]:
    """8×8 handwritten digits (an MNIST stand-in): images float32 (1797, 1, 8, 8) in [0, 1], labels int64 (1797,)."""
    table = _table("digits.csv.gz")
    images = torch.from_numpy(table[:, :64].copy()).reshape(-1, 1, 8, 8) / 16
    return images, torch.from_numpy(table[:, 64].copy()).long()


def split_indices(n: int, test_fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A shuffled (train, test) split of range(n), int64, fixed by ``seed``."""
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    n_test = int(round(n * test_fraction))
    return order[n_test:], order[:n_test]


def held_out_split(
    load: Callable[[], tuple[torch.Tensor, torch.Tensor]], seed: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(x_train, y_train, x_test, y_test): ``load()``'s (x, y) split 75/25, shuffled with ``seed``."""
    x, y = load()
    train, test = split_indices(len(x), 0.25, seed)
    return x[train], y[train], x[test], y[test]
