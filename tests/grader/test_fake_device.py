"""The second device (``kit.second_device``) measured on device-ignoring and legal patterns.

Each pattern is a small function of tensors already on the second device, run in-process
through ``kit.device_trace`` the way a device probe runs it. A device-ignoring pattern must
end in a mismatch or a result off the device; a legal one (as CUDA allows it) must pass with
the values torch computes on the CPU. A few run through the sandbox as whole device checks.
"""

from __future__ import annotations

import json
import warnings
from functools import partial

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import REPO, run_grade
from torch import nn

from grader.checks import probes
from grader.checks.judging.judge import CheckFailed, expect_close, expect_same_device
from grader.engine.worker import sandbox
from grader.sandboxed import index_data
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


# Indexing by Python sequences: torch turns a list, range or bool list into an index tensor in
# C++, below the dispatcher, on the indexed tensor's device (on the stand-in that tensor once had
# no data: every value read from uninitialised memory, different from run to run).
TARGET = [0, 2, 1, 1]


def _log_probs(x):
    return (x[None, :] * torch.arange(1.0, 5.0, device=x.device)[:, None]).log_softmax(1)


def range_indexed_cross_entropy(x):
    """d2l's cross-entropy of log-probabilities: ``log_probs[range(n), target]``."""
    return -_log_probs(x)[range(len(TARGET)), torch.tensor(TARGET, device=x.device)].mean()


def d2l_cross_entropy(x):
    """d2l's exact form: ``-torch.log(y_hat[range(len(y_hat)), y])`` of probabilities."""
    y_hat = _log_probs(x).exp()
    return -torch.log(y_hat[range(len(y_hat)), torch.tensor(TARGET, device=x.device)])


def one_hot_by_setitem(x):
    """d2l's one-hot: ``out[range(n), labels] = 1`` into a buffer on the labels' device."""
    labels = torch.tensor(TARGET, device=x.device)
    out = torch.zeros(len(labels), 3, device=x.device)
    out[range(len(labels)), labels] = 1
    return out * x


def list_index(x):
    return x[[0, 2, 2, 1]]


def bool_list_index(x):
    return x[[True, False, True]]


def tuple_of_lists_index(x):
    return _log_probs(x)[([0, 1, 3], [1, 2, 0])]


def list_of_lists_index(x):
    return _log_probs(x)[[[0, 1, 3], [1, 2, 0]]]


def list_with_a_slice(x):
    return _log_probs(x)[[slice(None), [0, 2]]]


def range_and_bool_list(x):
    return _log_probs(x)[range(1, 3), [True, False, True]]


def setitem_tuple_of_lists(x):
    out = _log_probs(x).detach().clone()
    out[([0, 1, 3], [1, 2, 0])] = x[:3]
    out[[True, False, True, False], 1] = 7.0
    return out


def index_put_tuple(x):
    out = torch.zeros(4, 3, device=x.device)
    index = (torch.tensor([0, 1, 1]), torch.tensor([2, 0, 0]))
    return out.index_put_(index, x, accumulate=True).index_put(index, x * 2)


def range_index_gradient(x):
    w = x.detach().clone().requires_grad_(True)
    (w[None, :].expand(4, 3)[range(4), TARGET] ** 2).sum().backward()
    return w.grad


def asarray_on_the_device(x):
    return torch.asarray([1.0, 2.0, 3.0], device=x.device) * x


def new_from_a_list(x):
    return x.new([1.0, 2.0, 3.0]) * x


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
    range_indexed_cross_entropy,
    d2l_cross_entropy,
    one_hot_by_setitem,
    list_index,
    bool_list_index,
    tuple_of_lists_index,
    list_of_lists_index,
    list_with_a_slice,
    range_and_bool_list,
    setitem_tuple_of_lists,
    index_put_tuple,
    range_index_gradient,
    asarray_on_the_device,
    new_from_a_list,
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


@pytest.mark.unit
def test_range_indexing_gives_the_cpu_value_every_time():
    """The same code traced ten times: ten times the CPU's value (not memory left by earlier ops)."""
    expected = range_indexed_cross_entropy(X.clone())
    for _ in range(10):
        value = expect_same_device(trace_of(range_indexed_cross_entropy), "range_indexed_cross_entropy")
        assert torch.equal(value, expected)


@pytest.mark.unit
def test_an_array_moved_to_the_device_is_a_copy():
    """``as_tensor``/``asarray`` of an array onto a GPU copy it (on the CPU they may alias it): an
    array changed after the move is not seen."""

    def moved_then_changed(x):
        array = np.ones(3, dtype=np.float32)
        moved = [torch.as_tensor(array, device=x.device), torch.asarray(array, device=x.device)]
        array[:] = 5
        return torch.stack(moved) * x

    value = expect_same_device(trace_of(moved_then_changed), "moved_then_changed")
    assert torch.equal(value, torch.stack([X, X]))


@pytest.mark.unit
def test_a_tensor_without_data_is_refused_not_computed():
    """A tensor with no data (``meta``: what torch makes below the dispatcher on a device the
    stand-in's tensors report) is refused as beyond the stand-in: never a value read from no
    data, and never the learner's device mistake."""
    empty = torch.empty(3, device="meta")
    trace = trace_of(lambda x: x + empty)
    assert trace["ok"] is False and "mismatch" not in trace, trace
    assert "cannot compute" in trace["refused"], trace
    with pytest.raises(CheckFailed, match="(?s)computes exactly.*a limit of the grader.s stand-in"):
        expect_same_device(trace, "a tensor without data")


# Every index form a learner may write, read by torch as written and as the stand-in hands it on
# (its sequences made CPU index tensors first): the same values, or the same kind of error.
INDICES = [
    0, -1, slice(1, None), None, ..., True, False, (0, 1), (slice(None), 1), (None, 0),
    [0, 2], [2, 0, 0], range(3), range(1, 3), [True, False, True], [[0, 1], [1, 2]],
    ([0, 1], [1, 2]), [slice(None), [0, 2]], [0, slice(None)], [[True, False, True]],
    (range(2), [True, False, True]), ([0, 2], ...), (..., [1, 1]), [], ([], []), [[]],
    np.array([0, 2]), np.array([True, False, True]), np.array(1), np.int64(1), np.uint8([1, 0, 1]),
    [np.int64(0), np.int64(2)], [1.0, 2.0], [0, 5], list(range(40)), [[0] * 40],
    (torch.tensor([0, 1]), [1, 2]), [torch.tensor(0), torch.tensor(1)], "ab", np.float64(1.0),
    (0, [0, 1]), ([[0, 1]], [[1], [2]]), [(0, 1), (1, 2)],
]  # fmt: skip
VALUES_OUT_OF_RANGE = {repr([0, 5]), repr(list(range(40)))}  # rows of the 3 x 4 tensor they index


def _outcome(call):
    """(the value or the kind of error, the warnings given)"""
    with warnings.catch_warnings(record=True) as given:
        warnings.simplefilter("always")
        try:
            value = call()
        except Exception as exc:  # noqa: BLE001  (the kind of error is the outcome)
            value = type(exc)
    return value, [str(w.message) for w in given]


@pytest.mark.unit
@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_an_index_reads_as_torch_reads_it(index):
    x = torch.arange(12.0).reshape(3, 4)
    made = index_data.on_the_cpu(index, lambda t: t)
    (got, said), (expected, warned) = _outcome(lambda: x[made]), _outcome(lambda: x[index])
    assert type(got) is type(expected) and (not isinstance(got, torch.Tensor) or torch.equal(got, expected))
    assert said == warned
    into, written = x.clone(), x.clone()
    got = _outcome(lambda: into.__setitem__(made, -1.0))
    assert got == _outcome(lambda: written.__setitem__(index, -1.0)) and torch.equal(into, written)


def _read(x, index):
    return x[index] * 1


def _set(x, index):
    x = x.clone()
    x[index] = -1.0
    return x


@pytest.mark.unit
@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_an_index_on_the_second_device_gives_the_cpu_values(index):
    x = torch.arange(12.0).reshape(3, 4)
    for call in (_read, _set):
        expected, _ = _outcome(partial(call, x, index))
        trace = kit.device_trace(partial(call, kit.to_second_device(x), index))
        if isinstance(expected, torch.Tensor):
            assert torch.equal(expect_same_device(trace, repr(index)), expected)
        elif repr(index) in VALUES_OUT_OF_RANGE:  # a GPU's kernel reads them: it asserts
            assert trace["ok"] is False and "device-side assert" in trace["raised"], trace
        else:
            assert trace["ok"] is False and trace["raised"].startswith(expected.__name__), trace


# Each reads the tensor at an index out of range, the index a tensor's values: a GPU's kernel
# checks those on the device (an assert, its context lost), never the host.
OUT_OF_RANGE = {
    "x[index]": lambda x, i: x[i],
    "x[index] = v": lambda x, i: x.clone().index_put_((i,), torch.tensor(1.0, device=x.device)),
    "index_select": lambda x, i: x.index_select(0, i),
    "gather": lambda x, i: x.gather(0, i.reshape(-1, 1).expand(-1, 4)),
    "embedding": lambda x, i: F.embedding(i, x),
    "cross_entropy": lambda x, i: F.cross_entropy(x[:2], i),
}


def _caught(op, x, index):
    """Hostile: the error caught, a value made on the input's device instead (the CPU's and the
    stand-in's IndexError let it through; a GPU's assert does not)."""
    try:
        return op(x, index)
    except (IndexError, RuntimeError):
        return x.new_zeros(1)


@pytest.mark.unit
@pytest.mark.parametrize("op", sorted(OUT_OF_RANGE))
def test_an_index_out_of_range_asserts_on_the_device_as_on_a_gpu(op):
    x, index = kit.to_second_device((torch.arange(12.0).reshape(3, 4), torch.tensor([0, 5])))
    trace = kit.device_trace(partial(_caught, OUT_OF_RANGE[op], x, index))
    assert trace["ok"] is False and "device-side assert triggered" in trace.get("raised", ""), trace
    fine = kit.to_second_device(torch.tensor([0, 1]))
    assert kit.device_trace(partial(_caught, OUT_OF_RANGE[op], x, fine))["ok"], "in range: as before"
    assert kit.device_trace(lambda: x.sum())["ok"], "the next call starts on a fresh device"


@pytest.mark.unit
def test_an_index_the_host_checks_stays_a_catchable_index_error():
    x = kit.to_second_device(torch.arange(12.0).reshape(3, 4))
    trace = kit.device_trace(partial(_caught, lambda x, i: x[i], x, 5))  # an int: checked on the host
    assert trace["ok"] and torch.equal(trace["value"], torch.zeros(1)), trace


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


# The reference with d2l's range indexing: cross_entropy's ``log_probs[range(n), target]`` and
# one_hot's ``out[range(n), labels] = 1`` (each the reference's value in plain torch)
D2L = {
    "losses": ("    return -log_probs.gather(1, target.unsqueeze(1)).mean()",
               "    return -log_probs[range(len(target)), target].mean()"),
    "tensors": ("    classes = torch.arange(num_classes, device=labels.device)\n"
                "    return (labels[:, None] == classes[None, :]).float()",
                "    out = torch.zeros(len(labels), num_classes, device=labels.device)\n"
                "    out[range(len(labels)), labels] = 1\n    return out"),
}  # fmt: skip


@pytest.mark.e2e
@pytest.mark.parametrize("device", ["cpu", "cuda"])
def test_range_indexing_graded_ten_times_scores_full_each_time(tmp_path, device):
    """Ten students hand in the same d2l-style file: ten workers, ten full scores, on the stand-in
    (``--device cpu``; one that read no data for ``x[range(n), y]`` scored it 5 to 18 of 19,
    differently each run) and, where a GPU is, on CUDA (the file is right on a GPU too)."""
    if device == "cuda" and not sandbox.gpu_present():
        pytest.skip("no CUDA device here: tests/gpu/check_gpu.py runs this on a GPU")
    for student in range(10):
        folder = tmp_path / "class" / f"student{student}"
        folder.mkdir(parents=True)
        for topic, (reference, d2l) in D2L.items():
            source = (REPO / "solutions" / f"{topic}.py").read_text()
            assert reference in source, topic
            (folder / f"{topic}.py").write_text(source.replace(reference, d2l))
    out = tmp_path / "out"
    argv = ["batch", "run", str(tmp_path / "class"), "--out", str(out), "--workers", "2"]
    done = run_grade(*argv, "--device", device, "-k", "cross_entropy or one_hot", timeout=1200)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads((out / "gradebook.json").read_text())
    assert len(rows) == 10
    for row in rows:
        for topic in row["report"]["topics"]:
            for exercise in topic["exercises"]:
                if exercise["name"] in ("cross_entropy", "one_hot"):
                    assert exercise["points"] == exercise["max_points"] > 0, (row["student"], exercise)


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
