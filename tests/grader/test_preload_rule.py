"""Which suites build an optimizer on the trusted side (grader/engine/worker/preload.py): only those make
the pool skip torch._dynamo's imports before it forks."""

from __future__ import annotations

import textwrap

import pytest

from grader.base.topics import TOPICS, suite_path
from grader.engine.worker.preload import builds_optimizers

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("source", "trusted"),
    [
        ("def probe_train(mod):\n    return torch.optim.SGD(mod.parameters(), 0.1)\n", False),
        ("def test_step(sub):\n    torch.optim.SGD([w], 0.1).step()\n", True),
        ("OPTIMIZERS = {'sgd': torch.optim.SGD}\n", True),
        ("from torch import optim\n", True),
        ("import torch.optim as optim\n", True),
        ("from torch.optim import SGD\n", True),
        ("def helper():\n    def probe_inner():\n        pass\n    return torch.optim.Adam\n", True),
        ("import torch\nx = torch.zeros(3)\n", False),
    ],
)
def test_what_counts_as_the_trusted_side(source: str, trusted: bool) -> None:
    assert builds_optimizers(textwrap.dedent(source)) is trusted


def test_the_shipped_suites_that_build_an_optimizer_on_the_trusted_side() -> None:
    # Measured: each reference solution graded alone in a fresh process without the skips;
    # torch._dynamo was imported on the trusted side for mlp and optim only.
    assert {t for t in TOPICS if builds_optimizers(suite_path(t).read_text())} == {"mlp", "optim"}


def test_a_warm_up_reads_every_suite_once_so_no_request_reads_one(monkeypatch) -> None:
    """The warm engine's warm-up decides for every topic (not up to the first suite that builds
    an optimizer): its requests' own decision, per topic, is then a cached answer."""
    from grader.engine.worker import preload
    from grader.sandboxed import dynamo_free

    monkeypatch.setattr(dynamo_free, "skip", lambda: None)
    builds_optimizers.cache_clear()
    preload.without_dynamo(TOPICS)
    assert builds_optimizers.cache_info().currsize == len(set(TOPICS))
