"""The trusted side and the zygote leave CUDA alone until CUDA is in use: a process forked
after CUDA's start can never use it (docs/engine.md, "On a machine with a GPU").

Choosing the device counts the GPUs without starting CUDA (`runner.resolve_device`: the `grade`
process called `torch.cuda.is_available()` before forking its grading processes). An optimizer's
step (grader/sandboxed/dynamo_free.py): torch's step first asks whether the accelerator's stream is capturing a graph; on a CUDA build
with a GPU that question initialises CUDA, CPU parameters or not: the zygote then runs CUDA's
threads (it must fork single-threaded: on a GPU machine it refused to start) and a trusted process
forked after it can never use CUDA again (the trusted side's Adam reference failed there with
"CUDA error: initialization error"). Here a machine with a GPU is played by torch's own hooks.
"""

from __future__ import annotations

import ast
import os

import pytest
import torch
from torch.optim.optimizer import Optimizer

from grader.engine import runner
from grader.sandboxed import dynamo_free

pytestmark = pytest.mark.unit


class AsksTheGpu(RuntimeError):
    pass


def step_on_the_cpu() -> None:
    p = torch.ones(3, requires_grad=True)
    p.grad = torch.ones(3)
    torch.optim.Adam([p]).step()


@pytest.fixture
def a_gpu_machine(monkeypatch):
    """torch sees a CUDA accelerator, and asking for its stream would initialise CUDA."""

    def initialises(*args, **kwargs):
        raise AsksTheGpu("asked for the current stream: CUDA initialised")

    monkeypatch.setattr(
        torch.accelerator, "current_accelerator", lambda check_available=False: torch.device("cuda")
    )
    monkeypatch.setattr(torch.accelerator, "current_stream", initialises)
    torchs = Optimizer._accelerator_graph_capture_health_check  # torch's own, even where dynamo_free.skip ran
    if getattr(torchs, dynamo_free.QUIET, False):
        torchs = torchs.__wrapped__
    monkeypatch.setattr(Optimizer, "_accelerator_graph_capture_health_check", torchs)


def test_without_the_change_a_cpu_step_asks_the_gpu(a_gpu_machine):
    with pytest.raises(AsksTheGpu):
        step_on_the_cpu()


def test_a_cpu_step_asks_nothing_while_cuda_is_not_initialised(a_gpu_machine, monkeypatch):
    dynamo_free.capture_check_when_initialised()
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: False)
    step_on_the_cpu()


def test_once_cuda_is_initialised_the_step_asks_as_torch_does(a_gpu_machine, monkeypatch):
    dynamo_free.capture_check_when_initialised()
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: True)
    with pytest.raises(AsksTheGpu):
        step_on_the_cpu()


def test_choosing_the_device_counts_the_gpus_without_starting_cuda(monkeypatch):
    def starts_cuda():
        raise AsksTheGpu("torch.cuda.is_available() starts CUDA's driver")

    monkeypatch.setattr(runner, "no_gpu", lambda: False)  # a machine that shows a GPU
    monkeypatch.setattr(torch.cuda, "is_available", starts_cuda)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert runner.resolve_device("auto") == "cuda"
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    assert runner.resolve_device("auto") == "cpu"


def test_a_gpu_zygote_holding_the_driver_open_does_not_fork():
    """CUDA's start opens the GPU's control device; a child forked after it could never use CUDA.
    Judged in a forked child of this test: single-threaded, as the zygote is."""
    from grader.sandboxed import zygote

    def verdicts(opened: list[str]) -> tuple[str, str]:
        zygote._open_files = lambda: opened
        return zygote._unfit_to_fork(gpu=True), zygote._unfit_to_fork(gpu=False)

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(
            write_end,
            repr(
                [verdicts(["/usr/lib/libcuda.so.1", "/dev/nvidiactl"]), verdicts(["/usr/lib/libcuda.so.1"])]
            ).encode(),
        )
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as answer:
        started, mapped = ast.literal_eval(answer.read())
    os.waitpid(pid, 0)
    assert "CUDA's driver started" in started[0] and started[1] == ""  # a CPU zygote's children use no GPU
    assert mapped == ("", ""), "a mapped library is no started driver"
