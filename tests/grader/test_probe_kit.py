"""Unit tests for grader/sandboxed/probe_kit.py, run in-process (it is plain torch code).

The recorders are teaching checks that hidden suites rely on: they must see an alias of a
forbidden function, count ops per row of a Python loop, and catch a tensor created on the
wrong device.
"""

from __future__ import annotations

import enum
import sys
import types

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils._python_dispatch import _get_current_dispatch_mode

from grader.sandboxed import channel
from grader.sandboxed import probe_kit as kit

pytestmark = pytest.mark.unit


def softmax_by_hand(x: torch.Tensor) -> torch.Tensor:
    e = (x - x.amax(dim=1, keepdim=True)).exp()
    return e / e.sum(dim=1, keepdim=True)


def row_normalize(x: torch.Tensor) -> torch.Tensor:
    return x / x.sum(dim=1, keepdim=True)


def row_normalize_loop(x: torch.Tensor) -> torch.Tensor:
    return torch.stack([row / row.sum() for row in x])


def round_trip(value):
    """What the trusted side reads back from the worker's answer."""
    return channel.decode(channel.encode(value))


# -- ops_used --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda x: torch.softmax(x, 1),
        lambda x: F.softmax(x, dim=1),
        lambda x: x.softmax(1),
        lambda x: torch.nn.Softmax(dim=1)(x),
    ],
    ids=["torch.softmax", "F.softmax", "Tensor.softmax", "nn.Softmax"],
)
def test_ops_used_sees_every_alias_of_softmax_as_the_aten_op(call):
    x = torch.randn(3, 4)
    result, names = kit.ops_used(lambda: call(x))
    assert "_softmax" in names
    torch.testing.assert_close(result, torch.softmax(x, 1))


def test_ops_used_does_not_see_softmax_in_a_hand_written_one():
    x = torch.randn(3, 4)
    result, names = kit.ops_used(lambda: softmax_by_hand(x))
    assert "_softmax" not in names and "softmax" not in names
    assert {"exp", "sum", "div"} <= set(names)
    torch.testing.assert_close(result, torch.softmax(x, 1))


def _sigmoid_by_a_node(x: torch.Tensor) -> torch.Tensor:
    """σ as logaddexp(x, 0)'s backward node gives it, the node called by hand (attacks a125's 02)."""
    with torch.enable_grad():
        z = torch.logaddexp(x.detach().requires_grad_(), torch.zeros_like(x))
        return z.grad_fn(torch.ones_like(z))[0].detach()


def _sigmoid_by_autograd(x: torch.Tensor) -> torch.Tensor:
    with torch.enable_grad():
        z = x.detach().requires_grad_()
        (g,) = torch.autograd.grad(torch.logaddexp(z, torch.zeros_like(z)).sum(), z)
        return g


def _sigmoid_by_func(x: torch.Tensor) -> torch.Tensor:
    """torch.func's transform refuses saved-tensor hooks: it is refused as it enters (attacks a125's 33)."""
    return torch.func.grad(lambda z: torch.logaddexp(z, torch.zeros_like(z)).sum())(x)


@pytest.mark.parametrize(
    "taken",
    [_sigmoid_by_a_node, _sigmoid_by_autograd, _sigmoid_by_func],
    ids=["grad_fn", "autograd.grad", "torch.func.grad"],
)
def test_a_gradient_taken_inside_the_call_is_noted_where_it_is_off_limits(taken):
    x = torch.randn(5)
    this = sys.modules[__name__]  # the learner's module: its code takes the gradient, not a probe's
    result, names = kit.ops_used(lambda: taken(x), this, off={kit.GRADIENT_TAKEN})
    assert result == kit.OFF_LIMITS_MARK + kit.GRADIENT_TAKEN + ">"
    torch.testing.assert_close(kit.ops_used(lambda: taken(x))[0], torch.sigmoid(x))  # elsewhere: allowed


def test_a_checks_gradient_of_the_answer_after_the_call_is_not_noted():
    x = torch.randn(5, requires_grad=True)
    result, names = kit.ops_used(
        lambda: torch.exp(-F.softplus(-x)), sys.modules[__name__], off={kit.GRADIENT_TAKEN}
    )
    result.sum().backward()  # the saved tensors read after the call, as a gradient check reads them
    assert kit.GRADIENT_TAKEN not in names
    torch.testing.assert_close(x.grad, torch.sigmoid(x) * (1 - torch.sigmoid(x)))


def test_ops_used_records_torch_function_names_and_the_insides_of_composites():
    logits, target = torch.randn(4, 3), torch.tensor([0, 2, 1, 0])
    _, names = kit.ops_used(lambda: F.cross_entropy(logits, target))
    assert "cross_entropy" in names  # as called
    assert "_log_softmax" in names  # as dispatched


def test_ops_used_returns_sorted_distinct_names():
    x = torch.randn(2, 2)
    _, names = kit.ops_used(lambda: x.exp().exp() + x.exp())
    assert list(names) == sorted(names) and "exp" in names


def test_an_off_limits_call_is_named_as_written_not_by_the_op_it_ends_in():
    """torch.einsum reaches the replaced bmm kernel: the mark names einsum, what the code wrote;
    an op reached through no function named off limits is named by the op."""
    a, b = torch.randn(3, 4), torch.randn(4, 5)
    off = {"einsum", "bmm", "mm", "matmul"}
    result, _ = kit.ops_used(lambda: torch.einsum("ik,kj->ij", a, b), off=off)
    assert result == kit.OFF_LIMITS_MARK + "einsum>"
    result, _ = kit.ops_used(lambda: torch.einsum("ik,kj->ij", a, b), off={"bmm", "mm"})
    assert result.startswith(kit.OFF_LIMITS_MARK) and "einsum" not in result


def test_ops_used_of_code_without_torch_ops():
    result, names = kit.ops_used(lambda: 41 + 1)
    assert (result, names) == (42, {})


LEARNER = """
import torch


def relu(x):
    return torch.clamp(x, min=0)


def hard_sigmoid(x):
    return relu(x + 0.5) - torch.clamp(x - 0.5, min=0)
"""


def learner_module():
    module = types.ModuleType("mlp")
    exec(compile(LEARNER, "mlp.py", "exec"), module.__dict__)
    return module


def test_ops_used_says_where_the_learners_code_made_each_op():
    mod = learner_module()
    _, ops = kit.ops_used(lambda: mod.hard_sigmoid(torch.randn(3)), mod)
    assert ops["clamp"] == {"function": "relu", "line": 6}  # the first place it was made
    assert ops["sub"] == {"function": "hard_sigmoid", "line": 10}


def test_ops_used_leaves_out_the_ops_of_the_helpers_it_is_told_about():
    mod = learner_module()
    _, ops = kit.ops_used(lambda: mod.hard_sigmoid(torch.randn(3)), mod, ("relu",))
    assert ops["clamp"] == {"function": "hard_sigmoid", "line": 10}  # its own clamp still counts
    assert all(where["function"] != "relu" for where in ops.values())


PARTIAL_HELPER = """
import functools

import torch

relu = functools.partial(torch.clamp, min=0.0)


def hard_sigmoid(x):
    return relu(x + 0.5) - relu(x - 0.5)
"""


def test_a_helper_with_no_frame_of_its_own_is_still_a_helper():
    """``relu = functools.partial(torch.clamp, min=0.0)`` has no Python frame: its ops looked like
    its caller's, and the unchanged reference hard_sigmoid scored 0 for calling torch.clamp."""
    mod = types.ModuleType("mlp")
    exec(compile(PARTIAL_HELPER, "mlp.py", "exec"), mod.__dict__)
    helper = mod.relu
    x = torch.linspace(-2, 2, 9)
    out, ops = kit.ops_used(lambda: mod.hard_sigmoid(x), mod, ("relu",))
    assert torch.equal(out, (x + 0.5).clamp(min=0) - (x - 0.5).clamp(min=0))
    assert "clamp" not in ops and "clamp_min" not in ops, ops
    assert ops["sub"] == {"function": "hard_sigmoid", "line": 10}
    assert mod.relu is helper, "the helper is put back"
    _, ops = kit.ops_used(lambda: mod.hard_sigmoid(x), mod)
    assert ops["clamp"] == {"function": "hard_sigmoid", "line": 10}, (
        "told of no helper, its ops are its caller's"
    )


OWN_FUNCTION = """
import torch


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x > 0)


def relu(x):
    return MyReLU.apply(x)


def hard_sigmoid(x):
    return MyReLU.apply(x + 0.5) - MyReLU.apply(x - 0.5)
"""


def test_the_helpers_body_is_charged_to_nobody_whoever_calls_it():
    """relu's body is MyReLU's methods: hard_sigmoid calling MyReLU.apply itself runs relu's body,
    not code of its own (how the call is made is the reading's: a call not made as relu makes it
    is the caller's, ``test_subset_twins``)."""
    mod = types.ModuleType("mlp")
    exec(compile(OWN_FUNCTION, "mlp.py", "exec"), mod.__dict__)
    _, ops = kit.ops_used(lambda: mod.hard_sigmoid(torch.linspace(-2, 2, 9)), mod, ("relu",))
    assert "clamp" not in ops and "clamp_min" not in ops, ops
    assert ops["sub"] == {"function": "hard_sigmoid", "line": 22}
    _, ops = kit.ops_used(lambda: mod.hard_sigmoid(torch.linspace(-2, 2, 9)), mod)
    assert ops["clamp"]["function"] == "MyReLU.forward", ops  # told of no helper: its caller's


SWITCHED_HELPER = """
import torch

ASKED = []


def relu(x):
    if ASKED:
        return torch.nn.functional.hardsigmoid(6 * x - 3)
    return x.clamp(min=0)


def hard_sigmoid(x):
    ASKED.append(1)
    try:
        return relu(x + 0.5)
    finally:
        ASKED.pop()
"""


def test_a_helpers_op_that_does_not_answer_as_the_helper_is_its_callers():
    """A helper's body is its own only while it computes the helper: a relu that answers its
    caller's twin under a switch the caller sets (here a module list; a flag, a marked argument)
    made hard_sigmoid 5/5 through F.hardsigmoid. Its clamp(min=0), relu's answer, stays relu's."""
    mod = types.ModuleType("mlp")
    exec(compile(SWITCHED_HELPER, "mlp.py", "exec"), mod.__dict__)
    x = torch.linspace(-2, 2, 9)
    _, ops = kit.ops_used(lambda: mod.hard_sigmoid(x), mod, ("relu",))
    assert ops["hardsigmoid"] == {"function": "relu", "line": 9}, ops
    _, ops = kit.ops_used(lambda: mod.relu(x) - mod.relu(x - 1), mod, ("relu",))
    assert "clamp" not in ops and "hardsigmoid" not in ops, ops


def test_ops_used_outside_the_module_says_so():
    _, ops = kit.ops_used(lambda: torch.ones(2).exp(), learner_module())
    assert ops["exp"] == {"function": "", "line": 0}  # outside the learner's functions


# -- count_ops -------------------------------------------------------------------------------


def test_count_ops_is_constant_for_a_vectorised_function():
    counts = [kit.count_ops(lambda n=n: row_normalize(torch.rand(n, 3) + 1))[1] for n in (2, 8, 32)]
    assert counts[0] > 0
    assert len(set(counts)) == 1


def test_count_ops_grows_with_a_python_loop_over_rows():
    counts = [
        kit.count_ops(lambda x=x: row_normalize_loop(x))[1]
        for _, x in ((2, torch.rand(2, 3) + 1), (8, torch.rand(8, 3) + 1), (32, torch.rand(32, 3) + 1))
    ]
    assert counts[0] < counts[1] < counts[2]


def test_count_ops_returns_the_result():
    x = torch.rand(4, 3) + 1
    result, _ = kit.count_ops(lambda: row_normalize(x))
    torch.testing.assert_close(result, row_normalize(x))


def test_count_ops_counts_each_op():
    x = torch.ones(3)
    assert kit.count_ops(lambda: x + x)[1] == 1
    assert kit.count_ops(lambda: ((x + x) * x) - x)[1] == 3


# -- count_work: ops and the submission's lines ------------------------------------------------
# A loop without loop syntax doing Python arithmetic on lists runs one tensor op whatever n: the
# lines of the learner's file it runs grow; library code (torch's own Python) is not counted.
NO_SYNTAX = """import torch


class _Rows:
    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError(i)
        return [True] * (i + 1) + [False] * (self.n - i - 1)


def causal_mask(n):
    return torch.tensor([*_Rows(n)])


def vectorised(n):
    return torch.ones(n, n, dtype=torch.bool).tril()
"""


def _learner_file(tmp_path, source: str) -> types.ModuleType:
    path = tmp_path / "learner_steps.py"
    path.write_text(source)
    mod = types.ModuleType("learner_steps")
    mod.__file__ = str(path)
    exec(compile(source, str(path), "exec"), mod.__dict__)
    return mod


def test_count_work_counts_the_lines_a_loop_without_loop_syntax_runs(tmp_path):
    mod = _learner_file(tmp_path, NO_SYNTAX)
    small, large = (kit.count_work(lambda n=n: mod.causal_mask(n)) for n in (5, 10))
    torch.testing.assert_close(large[0], torch.ones(10, 10, dtype=torch.bool).tril())
    assert small[1] == large[1] and small[2] < large[2], (small[1:], large[1:])


def test_count_work_is_constant_for_vectorised_code_and_leaves_no_hook(tmp_path):
    mod = _learner_file(tmp_path, NO_SYNTAX)
    counts = {kit.count_work(lambda n=n: mod.vectorised(n))[1:] for n in (5, 10, 40)}
    assert len(counts) == 1 and next(iter(counts))[1] > 0, counts  # its own lines, not torch's
    assert sys.gettrace() is None or "steps" not in repr(sys.gettrace())


# -- device_trace (the second device) --------------------------------------------------------
# Device-ignoring and legal patterns of the second device are measured in test_fake_device.py.


def test_device_trace_returns_cpu_values_and_where_they_were():
    x = kit.to_second_device(torch.arange(4.0))
    trace = kit.device_trace(lambda: (x * 2, [x.sum(), "text"], 3, torch.ones(1)))
    assert trace["ok"] is True and trace["devices"] == ["cpu", "second"]
    doubled, (total, text), three, _ = trace["value"]
    assert type(doubled) is torch.Tensor and doubled.tolist() == [0.0, 2.0, 4.0, 6.0]
    assert (float(total), text, three) == (6.0, "text", 3)
    assert kit.device_trace(lambda: 3)["devices"] == []


def test_device_trace_values_cross_the_results_channel():
    x = kit.to_second_device(torch.ones(2))
    assert torch.equal(round_trip(kit.device_trace(lambda: x + 1))["value"], torch.full((2,), 2.0))


def test_device_trace_lets_a_stub_through():
    # NotImplementedError is a RuntimeError: a stub must still end as not_started, not as a device verdict
    def stub():
        raise NotImplementedError("write me")

    with pytest.raises(NotImplementedError):
        kit.device_trace(stub)


def test_device_trace_reports_what_raised_only_on_the_second_device():
    x = kit.to_second_device(torch.ones(2))
    trace = kit.device_trace(lambda: torch.from_numpy(x.numpy()))
    assert trace["ok"] is False and "numpy" in trace["raised"]


def test_device_trace_leaves_no_mode_behind():
    x = kit.to_second_device(torch.ones(4))
    kit.device_trace(lambda: x + torch.zeros(4))
    assert _get_current_dispatch_mode() is None
    assert not torch.overrides._is_torch_function_mode_enabled()
    assert torch.zeros(2, device="meta").is_meta  # outside, meta is meta again


# -- to_plain --------------------------------------------------------------------------------


def nest(depth: int, leaf=1):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def test_to_plain_turns_numpy_arrays_into_tensors():
    plain = kit.to_plain({"a": np.arange(3, dtype=np.int64), "b": [np.ones((2, 2), dtype=np.float32)]})
    assert type(plain["a"]) is torch.Tensor and plain["a"].tolist() == [0, 1, 2]
    assert plain["b"][0].dtype == torch.float32 and plain["b"][0].shape == (2, 2)


@pytest.mark.parametrize("value", [np.float32(1.5), np.int64(3), np.bool_(True)])
def test_to_plain_turns_numpy_scalars_into_tensors(value):
    plain = kit.to_plain(value)
    assert type(plain) is torch.Tensor and plain.dim() == 0 and plain.item() == value.item()


def test_to_plain_turns_a_parameter_into_a_plain_detached_tensor():
    parameter = nn.Parameter(torch.tensor([1.0, 2.0]))
    plain = kit.to_plain(parameter)
    assert type(plain) is torch.Tensor
    assert not plain.requires_grad
    assert plain.tolist() == [1.0, 2.0]


def test_to_plain_detaches_a_tensor_with_a_graph():
    x = torch.ones(2, requires_grad=True)
    plain = kit.to_plain(x * 3)
    assert plain.grad_fn is None and not plain.requires_grad


def test_to_plain_refuses_a_tensor_subclass_and_sends_a_parameter_as_a_plain_tensor():
    class Tagged(torch.Tensor):
        pass

    tagged = torch.ones(2).as_subclass(Tagged)
    assert kit.to_plain([tagged]) == [f"{kit.SUBCLASS_MARK}: Tagged>"]
    plain = kit.to_plain(nn.Parameter(torch.ones(2)))
    assert type(plain) is torch.Tensor and not plain.requires_grad
    assert type(round_trip(plain)) is torch.Tensor


class Opaque:
    pass


@pytest.mark.parametrize(
    "value, text",
    [
        (Opaque(), "<not plain data: Opaque>"),
        ({1, 2}, "<not plain data: set>"),
        (lambda: 1, "<not plain data: function>"),
        (nn.Linear(2, 2), "<not plain data: Linear>"),
    ],
)
def test_to_plain_names_unknown_objects_instead_of_sending_them(value, text):
    assert kit.to_plain(value) == text
    assert kit.to_plain({"value": [value]}) == {"value": [text]}


def test_to_plain_keeps_plain_values_and_container_kinds():
    value = {
        "n": 3,
        "x": 0.5,
        "ok": True,
        "none": None,
        "s": "text",
        "b": b"raw",
        "c": 1 + 2j,
        "size": torch.Size([2, 3]),
        "dtype": torch.float64,
        "device": torch.device("cpu"),
        "tuple": (1, [2, (3,)]),
        7: "int key",
    }
    assert kit.to_plain(value) == value
    assert isinstance(kit.to_plain(value)["tuple"], tuple)
    assert isinstance(kit.to_plain(value)["tuple"][1], list)


def test_to_plain_stringifies_other_dict_keys():
    assert kit.to_plain({(1, 2): "a", 1.5: "b"}) == {"(1, 2)": "a", "1.5": "b"}


def test_to_plain_caps_nesting_depth():
    assert kit.to_plain(nest(20)) == nest(20)
    assert kit.to_plain(nest(21)) == nest(21, "<not plain data: nested too deep>")
    assert kit.to_plain(nest(500)) == nest(21, "<not plain data: nested too deep>")


def test_to_plain_survives_a_cycle():
    cycle: list = []
    cycle.append(cycle)
    plain = kit.to_plain(cycle)
    assert plain == nest(21, "<not plain data: nested too deep>")


@pytest.mark.parametrize(
    "value",
    [
        {"event": "result", "value": (torch.ones(2), [np.arange(2)], {"p": nn.Parameter(torch.zeros(1))})},
        nest(100),
        {Opaque(): Opaque()},
        [float("nan"), float("inf")],
        np.zeros((2, 0)),
    ],
    ids=["mixed", "deep", "opaque", "floats", "empty-numpy"],
)
def test_to_plain_output_is_accepted_by_the_weights_only_reader(value):
    round_trip(kit.to_plain(value))


class Colour(enum.IntEnum):
    RED = 1


class Label(str):
    pass


@pytest.mark.parametrize(
    "value", [np.float64(0.5), Colour.RED, Label("cat")], ids=["numpy-float64", "IntEnum", "str-subclass"]
)
def test_to_plain_output_of_number_and_str_subclasses_is_accepted(value):
    round_trip(kit.to_plain({"value": value}))


@pytest.mark.parametrize("value", [np.array([object()]), np.array(["a", "b"])], ids=["object", "str"])
def test_to_plain_names_numpy_arrays_torch_cannot_hold(value):
    assert isinstance(kit.to_plain(value), str)


def _draws() -> list[torch.Tensor]:
    """What a check draws from torch's global generator after seeding."""
    return [
        torch.randn(3, 4),
        torch.rand(5),
        torch.randint(0, 9, (6,)),
        torch.randperm(7),
        torch.empty(2).normal_(),
    ]


@pytest.mark.parametrize("seed", [0, 1, 3, 2**31 + 5, torch.tensor(11).item()])
def test_manual_seed_gives_the_draws_of_torchs(seed):
    torch.manual_seed(seed)
    expected = _draws()
    torch.manual_seed(seed + 1)  # the state before differs, so a seed that did nothing shows
    kit.manual_seed(seed)
    for got, want in zip(_draws(), expected, strict=True):
        assert torch.equal(got, want)


@pytest.mark.parametrize("seed", [0, 3, 2**31 + 5])
def test_manual_seed_seeds_numpys_and_pythons_global_rngs_alike(seed):
    """Code that draws from NumPy's global RNG or Python's ``random`` answers alike in every grade
    of it (seen failing: learner_s30's sgd_fit shuffled by np.random told other numbers each run)."""
    import random

    import numpy.random  # noqa: F401  (loaded before any probe: grader/sandboxed/first_use.py)

    kit.manual_seed(seed)
    first = (np.random.rand(3).tolist(), random.random())
    np.random.rand(5), random.random()  # a state moved between, as a probe's earlier draws move it
    kit.manual_seed(seed)
    assert (np.random.rand(3).tolist(), random.random()) == first


@pytest.mark.skipif(kit._DEVICE_BACKENDS, reason="this torch build has a device backend to seed")
def test_manual_seed_on_a_build_without_devices_queues_no_device_seeds(monkeypatch):
    """torch formats the caller's stack for each device seed it queues: the cost left out."""
    import traceback

    stacks: list[int] = []
    monkeypatch.setattr(traceback, "format_stack", lambda *a, **k: stacks.append(1) or [])
    torch.manual_seed(2)
    assert stacks, "torch.manual_seed no longer queues device seeds here: the shortcut is not needed"
    stacks.clear()
    kit.manual_seed(2)
    assert stacks == []


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_manual_seed_seeds_the_gpu_as_torchs_does():
    torch.manual_seed(6)
    expected = torch.randn(4, device="cuda").cpu()
    torch.manual_seed(7)
    kit.manual_seed(6)
    assert torch.equal(torch.randn(4, device="cuda").cpu(), expected)


def test_given_keeps_the_values_in_each_form_an_argument_may_take():
    """kit.given (the battery's forms): a generator is one-shot, as model.parameters() is."""
    params = [torch.ones(2), torch.zeros(3)]
    once = kit.given(params, "generator")
    assert [p is q for p, q in zip(once, params)] == [True, True] and list(once) == []
    assert kit.given(params, "tuple") == tuple(params) and list(kit.given(params, "iterator")) == params
    assert kit.given(3.0, "int") == 3 and isinstance(kit.given(3, "float"), float)


def _suite(topic: str):
    from helpers import REPO, load_file

    return load_file(REPO / "tests" / "suites" / f"suite_{topic}.py", f"_kit_{topic}")


@pytest.mark.parametrize("layer", ["LSTM", "GRU", "RNN"])
def test_a_recurrent_layer_is_recorded_as_the_twin_of_what_its_gates_compute(layer):
    """float32 on the CPU runs an LSTM as one fused kernel (mkldnn_rnn_layer): no sigmoid or tanh
    op is seen, yet its cell state is σ(x) or tanh(x) for gates set so (attacks118's 06, 27, 30)."""
    module = getattr(torch.nn, layer)(1, 1)
    _, ops = kit.ops_used(lambda: module(torch.randn(5, 1, 1)))
    sigmoid, tanh = _suite("losses").OFF_LIMITS["sigmoid"], _suite("mlp").OFF_LIMITS["tanh"]
    assert set(ops) & set(tanh), sorted(ops)
    assert bool(set(ops) & set(sigmoid)) == (layer != "RNN"), sorted(ops)  # an RNN's cell is tanh alone


_LEARNER = """
import torch


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = 1 / (1 + torch.exp(-x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors  # its own ctx's: the exercise's backward, not a gradient taken inside
        return grad_output * out * (1 - out)
"""


def test_a_functions_backward_reading_its_ctx_and_a_probes_gradient_are_not_noted():
    learner = types.ModuleType("learner")
    exec(_LEARNER, learner.__dict__)
    x = torch.randn(5, requires_grad=True)

    def probed():  # a check's call: the learner's Function, then the check's own backward, both recorded
        y = learner.Sigmoid.apply(x)
        (y * torch.randn(5)).sum().backward()
        return y.detach()

    result, names = kit.ops_used(probed, learner, off={kit.GRADIENT_TAKEN})
    assert kit.GRADIENT_TAKEN not in names
    torch.testing.assert_close(result, torch.sigmoid(x.detach()))
