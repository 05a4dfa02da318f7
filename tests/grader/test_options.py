"""grader/base/options.py: one frozen bundle of settings that pickles for Dask's workers and whose
defaults are defaults.py's."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest

from grader.base import defaults
from grader.base.options import Limits, Options, Selection

pytestmark = pytest.mark.unit


def test_defaults_are_those_of_defaults_py():
    options = Options()
    assert (options.limits.timeout, options.limits.memory_mb, options.limits.budget) == (
        defaults.PROBE_TIMEOUT,
        defaults.MEMORY_MB,
        defaults.SUBMISSION_BUDGET,
    )
    assert options.device == defaults.DEVICE and options.selection == Selection()


def test_options_pickle_and_key_as_plain_data():
    options = Options(
        limits=Limits(timeout=3.0, memory_mb=1024, budget=60.0),
        device="cpu",
        selection=Selection(
            topics=("losses",), exercises=("mse",), keyword="not convergence", public_only=True
        ),
        course_seed="s",
        student="ada",
    )
    assert pickle.loads(pickle.dumps(options)) == options  # what Dask sends to a worker
    plain = json.loads(json.dumps(dataclasses.asdict(options)))  # what a Dask task's key hashes
    assert plain["limits"]["timeout"] == 3.0 and plain["selection"]["exercises"] == ["mse"]


def test_with_topics_changes_only_the_topics():
    options = Options(selection=Selection(keyword="huber"), student="ada", course_seed="s")
    chosen = options.with_topics(["losses", "tensors"])
    assert chosen.selection == Selection(topics=("losses", "tensors"), keyword="huber")
    assert dataclasses.replace(chosen, selection=options.selection) == options


def test_options_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Options().device = "cuda"  # type: ignore[misc]
