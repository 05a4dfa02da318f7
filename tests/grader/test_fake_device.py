"""The second device (``kit.second_device``) measured on device-ignoring and legal patterns.

Each pattern is a small function of tensors already on the second device, run in-process
through ``kit.device_trace`` the way a device probe runs it. A device-ignoring pattern must
end in a mismatch or a result off the device; a legal one (as CUDA allows it) must pass with
the values torch computes on the CPU. A few run through the sandbox as whole device checks.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from grader.checks import probes
from grader.checks.judge import CheckFailed, expect_close, expect_same_device
from grader.sandboxed import probe_kit as kit


def zeros_buffer(x):
    out = torch.zeros(len(x))  # no device=
    for i in range(len(x)):
        out[i] = x[i] * 2
    return out


def zeros_buffer_moved_back(x):
    return zeros_buffer(x).to(x.device)  # the buffer lived on the CPU all along


def tensor_of_computed_values(x):
    return torch.tensor([v.item() * 2 for v in x])


def arange_offset(x):
    return x + torch.arange(len(x))


def cpu_in_the_middle(x):
    return (x.cpu() * 2).exp()


def eval_loop_without_moving(x):
    model = nn.Linear(3, 2).to(x.device)
    batches = [torch.randn(4, 3), torch.randn(2, 3)]  # never moved
    return torch.cat([model(b) for b in batches])


def one_hot_on_cpu(x):
    return F.one_hot(torch.tensor([0, 2, 1]), 3).float() * x


def cat_with_cpu(x):
    return torch.cat([x, torch.ones(2)])


def cpu_target(x):
    return F.cross_entropy(x.reshape(1, -1), torch.tensor([1]))


IGNORING = [
    zeros_buffer,
    zeros_buffer_moved_back,
    tensor_of_computed_values,
    arange_offset,
    cpu_in_the_middle,
    eval_loop_without_moving,
    one_hot_on_cpu,
    cat_with_cpu,
    cpu_target,
]


def cpu_scalar(x):
    return x * torch.tensor(2.0) + torch.tensor(1.0)


def python_numbers(x):
    return x * 2 + 1.5 - math_pi()


def math_pi():
    return 3.14159


def cpu_index_tensor(x):
    return x[torch.tensor([0, 2, 2])]


def cpu_boolean_mask(x):
    return x[torch.tensor([True, False, True])]


def item_and_control_flow(x):
    return x * 2 if x.sum().item() > 0 else x * 3


def boolean_mask_of_itself(x):
    return torch.where(x > 0, x, x.new_zeros(())).sum() + x[x > 0].sum() * 0 + x


def new_zeros_buffer(x):
    out = x.new_zeros(len(x))
    for i in range(len(x)):
        out[i] = x[i] * 2
    return out


def zeros_like(x):
    return torch.zeros_like(x) + x.exp()


def device_of_x(x):
    return torch.zeros(len(x), device=x.device) + torch.arange(len(x), device=x.device) + x


def tensor_on_the_device(x):
    return torch.tensor([1.0, 2.0, 3.0], device=x.device) * x


def moved_with_to(x):
    return torch.arange(len(x)).to(x.device) * x


def cpu_row_copied_in(x):
    out = torch.empty(2, len(x), device=x.device)
    out[0] = torch.ones(len(x))  # copy_ across devices is legal on CUDA
    out[1] = x
    return out


def module_moved(x):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU()).to(x.device)
    return model(x.reshape(1, 3).expand(5, 3) * torch.arange(5.0, device=x.device)[:, None])


def gradient(x):
    w = x.detach().clone().requires_grad_(True)
    (w[torch.tensor([0, 0, 1])] ** 2).sum().backward()
    return w.grad


def add_into_with_in_place_ops(x):
    """add_into's in-place ways (each one a learner wrote): z written with copy_/add_, slices, out= and +=."""
    zs = [torch.empty_like(x) for _ in range(5)]
    zs[0].copy_(x).add_(x)
    zs[1][:] = x
    zs[1] += x
    torch.add(x, x, out=zs[2])
    zs[3].zero_().add_(x).add_(x)
    zs[4][...] = x + x
    return torch.stack(zs)


def tolist_back(x):
    return torch.tensor(x.tolist(), device=x.device)


LEGAL = [
    cpu_scalar,
    python_numbers,
    cpu_index_tensor,
    cpu_boolean_mask,
    item_and_control_flow,
    boolean_mask_of_itself,
    new_zeros_buffer,
    zeros_like,
    device_of_x,
    tensor_on_the_device,
    moved_with_to,
    cpu_row_copied_in,
    module_moved,
    gradient,
    add_into_with_in_place_ops,
    tolist_back,
]

X = torch.tensor([0.5, -1.0, 2.0])


def trace_of(pattern):
    x = kit.to_second_device(X)
    return kit.device_trace(lambda: pattern(x))


@pytest.mark.unit
@pytest.mark.parametrize("pattern", IGNORING, ids=lambda f: f.__name__)
def test_a_device_ignoring_pattern_is_caught(pattern):
    with pytest.raises(
        CheckFailed, match="expected (every op to use tensors|a result) on the input's device"
    ):
        expect_same_device(trace_of(pattern), pattern.__name__)


@pytest.mark.unit
@pytest.mark.parametrize("pattern", LEGAL, ids=lambda f: f.__name__)
def test_a_legal_pattern_passes_with_the_cpu_values(pattern):
    value = expect_same_device(trace_of(pattern), pattern.__name__)
    expect_close(value, pattern(X.clone()), pattern.__name__)


# -- through the sandbox: whole device checks on small submissions -----------------------------

SOFTMAX = """
import torch

def softmax(x, dim):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    {body}
"""


@pytest.mark.engine
@pytest.mark.parametrize(
    "body, verdict",
    [
        ("return e / e.sum(dim=dim, keepdim=True)", None),
        (
            "out = torch.zeros(e.shape)\n    out[:] = e / e.sum(dim=dim, keepdim=True)\n    return out",
            "every op",  # the copy into the CPU buffer, before the result is off the device
        ),
        ("return e / torch.tensor(e.sum(dim=dim, keepdim=True).tolist())", "every op"),
        ("s = e.sum(dim=dim, keepdim=True)\n    return e / s if s.min().item() > 0 else e", None),
        ("return e / e.sum(dim=dim, keepdim=True).numpy()", "the same code"),
    ],
    ids=["legal", "zeros-buffer", "tensor-of-values", "item", "numpy"],
)
def test_device_check_through_the_sandbox(session_for, body, verdict):
    sub = session_for(SOFTMAX.format(body=body))
    x = torch.randn(3, 4)
    trace = sub.run(probes.on_second_device, "softmax", (x,), {"dim": 1})
    expect_close(trace["real"], torch.softmax(x, 1), "softmax on the CPU")
    if verdict is None:
        expect_close(
            expect_same_device(trace, "softmax"), torch.softmax(x, 1), "softmax on the second device"
        )
    else:
        with pytest.raises(CheckFailed, match=f"expected {verdict}"):
            expect_same_device(trace, "softmax")


@pytest.mark.unit
def test_cudnn_is_off_on_the_second_device_and_as_it_was_after():
    """On a CUDA build torch hands a tensor that says ``is_cuda`` to cuDNN (``nn.RNN`` flattened
    the stand-in's weights there on an H100 and raised): off inside, restored after. Graded code
    reads the flag as it was (a GPU's face: on by default there)."""
    before = torch.backends.cudnn.enabled
    try:
        torch.backends.cudnn.enabled = True
        with kit.second_device():
            assert torch._C._get_cudnn_enabled() is False and torch.backends.cudnn.enabled is True
            out, _ = nn.RNN(3, 4).to(kit.SECOND_DEVICE)(kit.to_second_device(torch.ones(2, 1, 3)))
        assert torch.backends.cudnn.enabled is True
        assert tuple(out.shape) == (2, 1, 4)
    finally:
        torch.backends.cudnn.enabled = before
