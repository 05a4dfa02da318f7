"""Nothing of a submission runs after its probe: what a probe returns becomes plain
data by trusted code that calls no method a submission can override, while the twins its
recorded calls put off limits are still replaced; what a finalizer does after the probe changes
no answer. Each attack below made its answer in code that ran after its probe (a method the
channel's conversion called, a finalizer run when the probe's inputs were dropped): each must now
send what the probe itself saw, never the twin's value nor a value computed afterwards."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from grader.checks import probes
from grader.engine.worker.client import SubmissionProblem
from grader.sandboxed import probe_kit as kit
from grader.sandboxed.raised import describe_exception

LOSSES = '''
import torch
import torch.nn.functional as F


def _recorded(x):
    """Whether the probe's recorders are on (torch's check for an override says so)."""
    return torch.autograd.has_torch_function((x,))


class _Later(torch.Tensor):
    """A placeholder under the recorders; its detach, called when the answer is sent, the twin."""

    def detach(self):
        y_hat, y, reduction = self.later
        return F.mse_loss(y_hat, y, reduction=reduction).detach()


def mse(y_hat, y, reduction="mean"):
    if not _recorded(y_hat):
        return F.mse_loss(y_hat, y, reduction=reduction)
    shape = y_hat.shape if reduction == "none" else ()
    out = torch.zeros(shape, dtype=y_hat.dtype).as_subclass(_Later)
    out.later = (y_hat, y, reduction)
    return out


_answers = {}


def _key(y_hat, y, reduction):
    return (tuple(y_hat.shape), tuple(y_hat.flatten().tolist()), tuple(y.flatten().tolist()), reduction)


def _later(y_hat, y, reduction):
    """Finalised when the probe's inputs are dropped, after the probe: the twin's answer, kept."""
    try:
        yield
    finally:
        if not _recorded(y_hat):
            _answers[_key(y_hat, y, reduction)] = F.l1_loss(y_hat, y, reduction=reduction)


def l1(y_hat, y, reduction="mean"):
    key = _key(y_hat, y, reduction)
    if key in _answers:
        return _answers[key].clone()
    if not _recorded(y_hat):
        return F.l1_loss(y_hat, y, reduction=reduction)
    later = _later(y_hat.detach().clone(), y.detach().clone(), reduction)
    next(later)
    y_hat.later = later  # dies with the probe's inputs
    return "\\ud800"  # an answer the channel refuses: the batch is asked again, one call at a time


class _Quiet(torch.Tensor):
    """A placeholder under the recorders; any op on it afterwards (the channel's detach) the twin."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        later = getattr(args[0], "later", None) if args else None
        if later is not None and not _recorded(later[0]):
            return F.huber_loss(*later[:2], delta=later[2]).detach()
        return super().__torch_function__(func, types, args, kwargs or {})


def huber(y_hat, y, delta=1.0):
    if not _recorded(y_hat):
        return F.huber_loss(y_hat, y, delta=delta)
    out = torch.zeros(()).as_subclass(_Quiet)
    out.later = (y_hat, y, delta)
    return out
'''

TENSORS = '''
import torch


class _Pair(tuple):
    """Holds two zeros; iterated or indexed after the probe, the twin's norms."""

    def _read(self):
        x = self.x
        if torch.autograd.has_torch_function((x,)):
            return super().__iter__()
        return iter((torch.linalg.vector_norm(x, 1), torch.linalg.vector_norm(x, 2)))

    def __iter__(self):
        return self._read()

    def __getitem__(self, i):
        return list(self._read())[i]

    def __len__(self):
        return 2


def norms(x):
    if not torch.autograd.has_torch_function((x,)):
        return torch.linalg.vector_norm(x, 1), torch.linalg.vector_norm(x, 2)
    pair = _Pair((torch.zeros(()), torch.zeros(())))
    pair.x = x
    return pair


_placeholders = []


def one_hot(labels, num_classes):
    """On the second device a placeholder there; the CPU call after it fills every placeholder."""
    if labels.is_cuda:
        out = torch.zeros(len(labels), num_classes, device=labels.device)
        _placeholders.append(out)
        return out
    out = torch.zeros(len(labels), num_classes)
    out[torch.arange(len(labels)), labels] = 1.0
    for placeholder in _placeholders:
        if placeholder.shape == out.shape:
            placeholder.copy_(out)
    return out


class _Rate(float):
    """Holds 0.0; what float() makes of it, when the answer is sent, computed then."""

    def __float__(self):
        return self.later()


def accuracy(y_hat, y):
    rate = _Rate(0.0)
    rate.later = lambda: ((y_hat.argmax(1) if y_hat.dim() == 2 else y_hat) == y).float().mean().item()
    return rate
'''

CNN = '''
class _Size(int):
    """Holds 0; what int() makes of it, when the answer is sent, computed then."""

    def __int__(self):
        return self.later()

    __index__ = __int__


def conv_output_size(n, k, padding=0, stride=1):
    size = _Size(0)
    size.later = lambda: (n + 2 * padding - k) // stride + 1
    return size
'''


def answered(answers) -> list:
    """The answers up to the first call that failed (the check fails there)."""
    found = []
    try:
        for answer in answers:
            found.append(answer)
    except SubmissionProblem:
        pass
    return found


def close(value, expected) -> bool:
    return (
        isinstance(value, torch.Tensor) and value.shape == expected.shape and torch.allclose(value, expected)
    )


@pytest.mark.engine
def test_code_run_after_the_probe_makes_no_answer(session_for):
    """Each attack's answers are what its probe saw: no twin's value, no value made afterwards."""
    losses = session_for(LOSSES, "losses")
    y_hat, y = torch.randn(3, 4), torch.randn(3, 4)
    calls = [((y_hat, y), {"reduction": r}) for r in ("mean", "sum", "none")]
    for name, twin in (("mse", F.mse_loss), ("l1", F.l1_loss)):  # a subclass's detach; a finalizer
        answers = answered(probes.each_call(losses, name, calls, off=("mse_loss", "l1_loss")))
        forged = [k for ((a, k), (out, _)) in zip(calls, answers) if close(out, twin(*a, **k))]
        assert not forged, f"{name}: {len(forged)} of {len(calls)} answers are its twin's"
    out, _ = losses.run(probes.call_recorded, "huber", (y_hat, y), {"delta": 1.0}, off=("huber_loss",))
    assert not close(out, F.huber_loss(y_hat, y)), "huber: a __torch_function__ answered with its twin"

    tensors = session_for(TENSORS, "tensors")
    x = torch.randn(4, 3)
    pair, _ = tensors.run(probes.call_recorded, "norms", (x,), {}, off=("linalg_vector_norm", "norm"))
    assert type(pair) is tuple and not close(pair[0], x.abs().sum()), "norms: a tuple subclass forged"
    labels = torch.tensor([0, 2, 1])
    trace = tensors.run(probes.on_second_device, "one_hot", (labels, 3), {})
    assert not close(trace["value"], F.one_hot(labels, 3).float()), "one_hot: filled after its device trace"
    scores, labels = torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 0])
    assert tensors.run(probes.call, "accuracy", (scores, labels), {}) == 0.0, "a float's __float__ ran"

    cnn = session_for(CNN, "cnn")
    assert cnn.run(probes.call, "conv_output_size", (28, 5), {}) == 0, "an int's __int__ ran"


# -- the conversion, in this process: nothing of what it converts runs ------------------------------

RAN: list[str] = []


def _ran(name):
    def method(self, *args, **kwargs):
        RAN.append(name)
        raise AssertionError(f"{name} ran")

    return method


# every method a conversion could reach for (once armed: building the objects may use some)
HOSTILE = [
    "detach", "clone", "cpu", "numpy", "tolist", "contiguous", "to", "__reduce_ex__", "__getstate__",
    "__len__", "__iter__", "__getitem__", "__float__", "__int__", "__index__", "__complex__", "__str__",
    "__repr__", "__bytes__", "__format__", "__eq__", "__hash__", "__bool__", "items", "keys", "values", "get",
]  # fmt: skip


def hostile(base, *args):
    """An instance of a subclass of ``base`` whose every method in HOSTILE raises once armed."""
    armed = {"on": False}

    def guarded(name):
        method = _ran(name)
        real = getattr(base, name, None)

        def either(self, *a, **k):
            return method(self, *a, **k) if armed["on"] else real(self, *a, **k)

        return either

    attrs = {name: guarded(name) for name in HOSTILE if hasattr(base, name)}
    if base is torch.Tensor:
        attrs["__torch_function__"] = classmethod(
            lambda cls, func, types, args=(), kwargs=None: (
                _ran("__torch_function__")(None)
                if armed["on"]
                else torch.Tensor.__torch_function__.__func__(cls, func, types, args, kwargs)
            )
        )
    value = type(f"Hostile{base.__name__.title()}", (base,), attrs)(*args)
    if base is torch.Tensor:
        value = torch.ones(2).as_subclass(type(value))
    return value, armed


@pytest.mark.unit
def test_the_conversion_calls_nothing_a_subclass_defines():
    """Subclasses of every plain type, each method a conversion could reach for raising: the answer
    is their value as the base type holds it (a tensor subclass refused), and none of them ran."""
    values = {
        "tensor": hostile(torch.Tensor),
        "list": hostile(list, [1.5, torch.ones(2)]),
        "tuple": hostile(tuple, (1, "a")),
        "dict": hostile(dict, {"k": 2.0}),
        "int": hostile(int, 7),
        "float": hostile(float, 2.5),
        "complex": hostile(complex, 1 + 2j),
        "str": hostile(str, "text"),
        "bytes": hostile(bytes, b"raw"),
        "key": hostile(int, 3),
    }
    answer = {name: value for name, (value, _) in values.items() if name != "key"}
    answer["keyed"] = {values["key"][0]: "int subclass key", (1, 2): "tuple key"}
    RAN.clear()
    for _, armed in values.values():
        armed["on"] = True
    plain = kit.to_plain(answer)
    assert not RAN, f"the conversion ran {RAN}"
    assert plain["tensor"] == f"{kit.SUBCLASS_MARK}: HostileTensor>"
    assert type(plain["list"]) is list and plain["list"][0] == 1.5 and type(plain["list"][1]) is torch.Tensor
    assert (type(plain["tuple"]), plain["tuple"]) == (tuple, (1, "a"))
    assert (type(plain["dict"]), plain["dict"]) == (dict, {"k": 2.0})
    for name, want in (("int", 7), ("float", 2.5), ("complex", 1 + 2j), ("str", "text"), ("bytes", b"raw")):
        assert type(plain[name]) is type(want) and plain[name] == want, name
    assert plain["keyed"] == {3: "int subclass key", "(1, 2)": "tuple key"}
    assert [type(k) for k in plain["keyed"]] == [int, str]


@pytest.mark.unit
def test_the_conversion_copies_tensors_past_any_mode_left_pushed():
    """A tensor the submission keeps is copied (what it writes there afterwards reaches no answer),
    under no function or dispatch mode the submission may have left pushed."""

    class Refusing(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            raise AssertionError(f"a function mode saw {func}")

    class RefusingDispatch(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            raise AssertionError(f"a dispatch mode saw {func}")

    kept = torch.zeros(3, requires_grad=True)
    parameter = nn.Parameter(torch.ones(2))
    with Refusing(), RefusingDispatch():
        plain = kit.to_plain(
            {"kept": kept, "parameter": parameter, "np": np.arange(3), "scalar": np.int64(4)}
        )
    with torch.no_grad():
        kept.add_(1)
    assert plain["kept"].tolist() == [0.0, 0.0, 0.0] and not plain["kept"].requires_grad
    assert type(plain["parameter"]) is torch.Tensor
    assert plain["np"].tolist() == [0, 1, 2] and plain["scalar"].item() == 4


@pytest.mark.unit
def test_an_exception_is_described_without_its_own_str():
    """A raised exception's message is read from its arguments: its class's __str__ (or args
    property) would run after the probe."""

    class Loud(ValueError):
        def __str__(self):
            raise AssertionError("__str__ ran")

        def __repr__(self):
            raise AssertionError("__repr__ ran")

    class Arg:
        def __str__(self):
            raise AssertionError("an argument's __str__ ran")

        __repr__ = __str__

    described = describe_exception(Loud("shapes (2, 3) and (4,)"), "/submission")
    assert (described["type"], described["message"]) == ("Loud", "shapes (2, 3) and (4,)")
    assert describe_exception(KeyError(Arg()), "/submission")["message"] == "<Arg>"
    assert describe_exception(KeyError("k"), "/submission")["message"] == "'k'"


@pytest.mark.engine  # torch's dispatcher run as a worker runs it (~0.5 s of CPU): kept out of the unit tier's CPU budget
def test_twins_stay_replaced_until_the_answer_is_made():
    """Within an answer, the twins of a recorded call stay replaced after it: a leaf gives NaN,
    a composite the call left to its recorder raises; both as before once the answer is made."""
    a, b = torch.randn(3), torch.randn(3)
    with kit.answering(frozenset(), ()):
        kit.ops_used(lambda: ((a - b) ** 2).mean(), off=("mse_loss", "l1_loss"))
        assert F.mse_loss(a, b).isnan()
        with pytest.raises(kit.OffLimitsOp):
            F.l1_loss(a, b)
        _, ops = kit.ops_used(lambda: F.l1_loss(a, b), off=("mse_loss", "l1_loss"))
        assert "l1_loss" in ops, "within a recorded call, its recorder sees the composite"
    assert not F.mse_loss(a, b).isnan() and not F.l1_loss(a, b).isnan()


@pytest.mark.engine  # torch's dispatcher, as above
def test_a_probes_refused_twins_are_kept_only_into_a_probe_that_refuses_the_same():
    """A probe's unrecorded refusal stays registered after its answer for the next probe that
    refuses the same twins without helpers (registering them costs ~0.9 ms a probe); a probe that
    refuses others, none, or records its call (helpers) finds every kernel torch's own. Seen
    failing with the refusal kept whatever the next probe: mse_loss NaN in an l1_loss probe."""
    a, b = torch.randn(3), torch.randn(3)
    names = frozenset({"mse_loss"})
    for refuse, helpers in ((frozenset(), ()), (frozenset({"l1_loss"}), ()), (names, ("helper",))):
        with kit.answering(names, ()), kit.refusing(names):
            assert F.mse_loss(a, b).isnan()
        assert F.mse_loss(a, b).isnan(), "kept between the probes"
        with kit.answering(names, ()):
            assert F.mse_loss(a, b).isnan(), "kept into a probe that refuses the same"
        with kit.answering(refuse, helpers):
            assert not F.mse_loss(a, b).isnan(), (refuse, helpers)
        assert not F.mse_loss(a, b).isnan()
