"""What torch starts on first use (autograd's engine; in a GPU's sandbox, CUDA's context and
threads), started in a worker before it says ``booted`` and before the seal: outside every CPU
clock of a submission (docs/engine.md, "On a machine with a GPU").
"""

from __future__ import annotations

import os

# Whether this process has run a backward: a zygote on a machine with a GPU warms up without one
# (first_use.warm_up), and each of its children then starts autograd's engine here.
autograd_started = False
_started = False


def gpu_sandbox() -> bool:
    """Whether this worker's sandbox binds a GPU (only a GPU worker's binds ``/dev/nvidia*``:
    one ``stat``, where a glob cost a zygote child 1.5 ms)."""
    return os.path.exists("/dev/nvidiactl")


def _start_autograd(device: str) -> None:
    """Autograd's engine (on a machine with a GPU, its first backward counts the GPUs, which loads
    CUDA's driver) and on ``cuda`` the driver's threads and the engine's one per device (a CPU
    worker's backward starts none)."""
    global autograd_started
    import torch

    x = torch.ones(2, device=device, requires_grad=True)
    (x * 2).sum().backward()
    if device == "cuda":
        _start_cuda_libraries()
        torch.cuda.synchronize()
    autograd_started = True


def _start_cuda_libraries() -> None:
    """cuBLAS and cuDNN, which load on their first call: a first convolution on CUDA inside a
    probe ran past its wall-clock limit on an H200 (the reference's cnn_on_cuda, one run in two)."""
    import torch
    import torch.nn.functional as F

    x = torch.ones(1, 1, 5, 5, device="cuda")
    w = torch.ones(1, 1, 3, 3, device="cuda", requires_grad=True)
    (F.conv2d(x, w).sum() + (w[0, 0] @ w[0, 0]).sum()).backward()


def start() -> None:
    """Start them, once a process."""
    global _started
    if _started:
        return
    import torch

    if gpu_sandbox() and torch.cuda.is_available():
        _start_autograd("cuda")
    elif not autograd_started:
        _start_autograd("cpu")
    _started = True
