"""One device face: on the second device (the stand-in for a GPU, ``kit.second_device``) every
query graded code may make of its device answers as a GPU's would. Code that branches on a tell
(a query the stand-in answered otherwise than a GPU) to do the wrong thing on a real GPU gains
nothing: it takes its GPU branch and is caught. Correct GPU code (``pin_memory``,
``torch.cuda.synchronize()``, ``torch.device("cuda:0")``) loses nothing."""

from __future__ import annotations

import pytest
import torch

from grader.checks import probes
from grader.checks.judging.judge import CheckFailed, expect_close, expect_same_device
from grader.sandboxed import probe_kit as kit

# Each function is right on the stand-in when a tell says "no GPU here", and wrong on a real GPU:
# its GPU branch builds its result in a CPU buffer (right on the CPU, a mismatch on a GPU).
TELLING = """
import torch


def _on_the_cpu(x):
    out = torch.zeros(x.shape)
    out[:] = x * 2
    return out


def _either(no_gpu, x):
    return x * 2 if no_gpu else _on_the_cpu(x)


def _raises(call):
    try:
        call()
    except Exception:
        return True
    return False


def device_count(x):
    return _either(torch.cuda.device_count() == 0, x)


def is_available(x):
    return _either(not torch.cuda.is_available(), x)


def storage_device(x):
    return _either(x.untyped_storage().device.type != "cuda", x)


def storage_class(x):
    return _either(x.untyped_storage().__class__ is not torch.UntypedStorage, x)


def typed_storage_device(x):
    return _either(not x.storage().is_cuda, x)


def memory_allocated(x):
    return _either(torch.cuda.memory_allocated() == 0, x)


def device_round_trip(x):
    return _either(torch.device(x.device).type != "cuda", x)


def device_by_name(x):
    return _either(str(torch.device("cuda:0")) != "cuda:0", x)


def device_equality(x):
    return _either(x.device != torch.device("cuda", 0), x)


def new_tensor_device(x):
    return _either(x.new_tensor([1.0]).device.type != "cuda", x)


def get_device(x):
    return _either(torch.get_device(x) != 0, x)


def exact_type(x):
    return _either(type(x) is not torch.Tensor, x)


def its_class(x):
    return _either(x.__class__ is not torch.Tensor, x)


def synchronize_raises(x):
    return _either(_raises(torch.cuda.synchronize), x)


def current_device_raises(x):
    return _either(_raises(torch.cuda.current_device), x)


def device_name_raises(x):
    return _either(_raises(torch.cuda.get_device_name), x)


def properties_raise(x):
    return _either(_raises(lambda: torch.cuda.get_device_properties(0).total_memory), x)


def capability_raises(x):
    return _either(_raises(torch.cuda.get_device_capability), x)


def rng_state_raises(x):
    return _either(_raises(torch.cuda.get_rng_state), x)


def device_context_raises(x):
    def enter():
        with torch.cuda.device(0):
            pass

    return _either(_raises(enter), x)


def cudnn_missing(x):
    return _either(not torch.backends.cudnn.is_available() or torch.backends.cudnn.version() is None, x)


def cuda_not_built(x):
    return _either(not torch.backends.cuda.is_built(), x)


def no_bf16(x):
    return _either(not torch.cuda.is_bf16_supported(), x)


def second_gpu_answers(x):
    return _either(not _raises(lambda: torch.zeros(1, device="cuda:1")), x)
"""
TELLS = [
    line[4:].split("(")[0] for line in TELLING.splitlines() if line.startswith("def ") and "_" != line[4]
]

# Correct GPU code, as a learner writes it for a GPU (each guarded so that it runs on a CPU too)
GPU_CODE = """
import torch


def pinned_and_synchronised(x):
    y = torch.arange(3.0)
    if x.is_cuda:
        y = y.pin_memory().to(x.device, non_blocking=True)
        torch.cuda.synchronize()
    return x * y


def pinned_factory(x):
    y = torch.ones(3, pin_memory=x.is_cuda)
    return x * y.to(x.device)


def named_first_gpu(x):
    device = torch.device("cuda:0") if x.is_cuda else torch.device("cpu")
    if x.device != device:
        raise RuntimeError(f"expected {device}, got {x.device}")
    return torch.zeros(3, device=device) + x


def device_by_type_and_index(x):
    device = torch.device("cuda", 0) if torch.cuda.is_available() else torch.device("cpu")
    return torch.ones(3, device=device) * x.to(device)


def memory_used(x):
    before = torch.cuda.memory_allocated() if x.is_cuda else 0
    y = x * 2
    grew = (torch.cuda.memory_allocated() if x.is_cuda else before + 1) > before
    return y if grew else y * 0


def new_tensor(x):
    return x.new_tensor([1.0, 2.0, 3.0]) * x


def under_a_device_context(x):
    if x.is_cuda:
        with torch.cuda.device(x.device):
            torch.cuda.empty_cache()
            return x * 2
    return x * 2
"""
GPU = [line[4:].split("(")[0] for line in GPU_CODE.splitlines() if line.startswith("def ")]


@pytest.mark.engine
def test_one_device_face_through_the_sandbox(session_for):
    """Every tell, asked by graded code in its worker: each telling function is caught on the
    stand-in as on a GPU; each piece of correct GPU code passes with the CPU's values."""
    x = torch.tensor([0.5, -1.0, 2.0])
    telling = session_for(TELLING, "tensors")
    told = []
    for name in TELLS:
        trace = telling.run(probes.on_second_device, name, (x,), {})
        try:
            expect_same_device(trace, name)
        except CheckFailed:
            continue
        told.append(name)
    assert not told, f"the stand-in told itself apart from a GPU by: {told}"
    gpu = session_for(GPU_CODE, "tensors")
    lost = {}
    for name in GPU:
        trace = gpu.run(probes.on_second_device, name, (x,), {})
        try:
            expect_close(expect_same_device(trace, name), trace["real"], name)
        except CheckFailed as failure:
            lost[name] = str(failure)[:200]
    assert not lost, f"correct GPU code lost its device check: {lost}"


@pytest.mark.unit
def test_memory_allocated_grows_and_shrinks_with_the_second_devices_tensors():
    """As a GPU's caching allocator counts it: blocks of 512 bytes, a peak, reserved memory."""
    with kit.second_device():
        start = torch.cuda.memory_allocated()
        x = torch.zeros(1000, device=kit.SECOND_DEVICE)
        grown = torch.cuda.memory_allocated()
        peak = torch.cuda.max_memory_allocated()
        del x
        after = torch.cuda.memory_allocated()
        reserved = torch.cuda.memory_reserved()
        torch.cuda.reset_peak_memory_stats()
        reset = torch.cuda.max_memory_allocated()
    assert grown - start == 4096 and peak >= grown and after == start
    assert reserved >= grown and reserved % (2 << 20) == 0 and reset == after


@pytest.mark.unit
def test_the_faces_hold_only_on_the_stand_in():
    """Outside the second device torch.cuda answers as torch does here (no GPU on this build)."""
    with kit.second_device():
        inside = (torch.cuda.is_available(), torch.cuda.device_count(), torch.backends.cuda.is_built())
    assert inside == (True, 1, True)
    assert torch.cuda.is_available() == (torch.cuda.device_count() > 0)
