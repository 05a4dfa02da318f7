"""A zygote on a machine with a GPU warms up without autograd's engine (worker.warm_up).

There, a first backward counts the GPUs, which loads CUDA's driver, and starts one autograd thread
per GPU: the zygote then refused to fork (it must be single-threaded), and a child forked after
the driver's start could never use CUDA. Here the machine's GPU is played by ``gpu_present``:
the zygote boots without a backward, says why it could not fork when it could not, and its
children train (their first backward is their own).
"""

from __future__ import annotations

import pytest

from grader.engine import sandbox, workers

pytestmark = pytest.mark.engine

TRAINS = """
import torch


def train(x):
    w = torch.zeros(3, requires_grad=True)
    optimizer = torch.optim.Adam([w], lr=0.1)
    for _ in range(20):
        optimizer.zero_grad()
        ((w - torch.tensor([1.0, 2.0, 3.0])) ** 2).sum().backward()
        optimizer.step()
    return w.detach().tolist()
"""


def probe_call(mod, name, *args):
    return getattr(mod, name)(None, *args)


@pytest.fixture
def a_gpu_machine(monkeypatch):
    monkeypatch.setattr(sandbox, "gpu_present", lambda: True)
    monkeypatch.setattr(workers, "_servers", {})
    yield
    for server in workers._servers.values():
        server.stop()


def test_the_zygote_warms_up_without_a_backward_and_its_children_train(a_gpu_machine, session_for):
    assert "--without-backward" in sandbox.plan_zygote(0, False).argv
    session = session_for(TRAINS, timeout=20.0)
    w = session.run(probe_call, "train")
    assert isinstance(session.worker, workers.ForkedWorker), workers._servers[False].problem
    assert w[0] > 0.5 and w[2] > 1.0
