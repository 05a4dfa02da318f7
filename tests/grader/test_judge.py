"""Unit tests for grader/checks/judging/judge.py: the assertions hidden suites judge with.

Plain in-process calls on small hand-made tensors; no `grade`, no sandbox, no worker.
"""

from __future__ import annotations

import pytest
import torch

from grader.checks.judging.judge import (
    CheckFailed,
    describe,
    expect_close,
    expect_float,
    expect_no_twin,
    expect_same_device,
    expect_tensor,
    expect_vectorised,
)
from grader.checks.judging.outputs import expect_batch_independent_in_eval, expect_logits
from grader.checks.verdict.untouched import expect_unchanged

pytestmark = pytest.mark.unit

INF = float("inf")
NAN = float("nan")


def failure(call, *args, **kwargs) -> str:
    """The message of the CheckFailed that ``call(*args, **kwargs)`` must raise."""
    with pytest.raises(CheckFailed) as info:
        call(*args, **kwargs)
    return str(info.value)


def test_check_failed_is_an_assertion_error():
    # the plugin maps AssertionError-like failures to "failed", other exceptions to "error"
    assert issubclass(CheckFailed, AssertionError)


# -- expect_tensor ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, shown",
    [(None, "None (did you forget to return?)"), ([1.0, 2.0], "list [1.0, 2.0]"), (3.5, "float 3.5")],
)
def test_expect_tensor_refuses_non_tensors(value, shown):
    message = failure(expect_tensor, value, "f(x)", hint="reduce over every element")
    assert message.startswith("f(x): expected a torch.Tensor, got ")
    assert shown in message
    # not a tensor at all is a cause of its own: its hint, not the check's (about the values)
    assert "\n  hint: return a torch.Tensor" in message and "reduce over" not in message


def test_expect_tensor_names_a_not_plain_data_object():
    message = failure(expect_tensor, "<not plain data: Foo>", "f(x)")
    assert "an object that is not plain data (Foo)" in message


def test_expect_tensor_returns_the_tensor():
    x = torch.ones(2, 3)
    assert expect_tensor(x, "f(x)", shape=(2, 3), dtype=torch.float32) is x


def test_expect_tensor_wrong_shape():
    message = failure(expect_tensor, torch.ones(3, 2), "f(x)", shape=(2, 3))
    assert "expected shape (2, 3)" in message and "got shape (3, 2)" in message


def test_expect_tensor_shape_accepts_a_torch_size_or_list():
    expect_tensor(torch.ones(2, 3), "f(x)", shape=torch.Size([2, 3]))
    expect_tensor(torch.ones(2, 3), "f(x)", shape=[2, 3])


def test_expect_tensor_0_dim_is_not_shape_1():
    message = failure(expect_tensor, torch.ones(1), "loss", shape=())
    assert "expected shape ()" in message and "got shape (1,)" in message


def test_expect_tensor_wrong_dtype():
    message = failure(expect_tensor, torch.ones(2, dtype=torch.float64), "f(x)", dtype=torch.float32)
    assert "expected dtype torch.float32" in message and "got dtype torch.float64" in message


def test_expect_tensor_no_hint_line_without_a_hint():
    assert "hint:" not in failure(expect_tensor, torch.ones(2), "f(x)", dtype=torch.int64)


def test_expect_tensor_refuses_an_empty_tensor_by_default():
    message = failure(expect_tensor, torch.empty(0), "f(x)")
    assert "expected a non-empty tensor" in message and "got an empty tensor" in message


def test_expect_tensor_refuses_an_empty_tensor_when_the_shape_has_no_zero():
    # only a dtype is asked for: the tensor is still refused for being empty
    assert "non-empty" in failure(expect_tensor, torch.empty(0, 3), "f(x)", dtype=torch.float32)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0)])
def test_expect_tensor_accepts_an_empty_tensor_when_the_expected_shape_has_a_zero(shape):
    value = torch.empty(shape)
    assert expect_tensor(value, "f(x)", shape=shape) is value


# -- expect_close ----------------------------------------------------------------------------


def test_expect_close_passes_equal_values_and_returns_the_actual_tensor():
    actual = torch.tensor([1.0, 2.0, 3.0])
    assert expect_close(actual, torch.tensor([1.0, 2.0, 3.0]), "f(x)") is actual


def test_expect_close_checks_type_shape_and_dtype_first():
    expected = torch.zeros(2, 2)
    assert "expected a torch.Tensor" in failure(expect_close, [[0.0, 0.0], [0.0, 0.0]], expected, "f(x)")
    assert "expected shape (2, 2)" in failure(expect_close, torch.zeros(4), expected, "f(x)")
    assert "expected dtype torch.float32" in failure(expect_close, expected.double(), expected, "f(x)")


def test_expect_close_check_dtype_false_accepts_another_dtype_but_still_checks_shape():
    expected = torch.tensor([1.0, 2.0])
    expect_close(torch.tensor([1.0, 2.0], dtype=torch.float64), expected, "f(x)", check_dtype=False)
    expect_close(torch.tensor([1, 2]), expected, "f(x)", check_dtype=False)
    assert "expected shape (2,)" in failure(
        expect_close, torch.ones(3, dtype=torch.float64), expected, "f(x)", check_dtype=False
    )
    # and the values are still compared
    assert "values off" in failure(
        expect_close, torch.tensor([1.0, 3.0], dtype=torch.float64), expected, "f(x)", check_dtype=False
    )


def test_expect_close_reports_nan_where_a_number_was_expected_with_its_position():
    expected = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    actual = expected.clone()
    actual[1, 0] = NAN
    message = failure(expect_close, actual, expected, "f(x)")
    assert message.startswith("f(x): expected 3 at [1, 0], got NaN there.")
    assert "hint: NaN usually comes from" in message


def test_expect_close_nan_check_uses_the_callers_hint_when_it_speaks_of_non_finite_values():
    hint = "stabilise it: exp(1000) overflows"
    message = failure(expect_close, torch.tensor([NAN]), torch.tensor([0.5]), "f(x)", hint=hint)
    assert f"hint: {hint}" in message and "NaN usually" not in message
    message = failure(expect_close, torch.tensor([NAN]), torch.tensor([0.5]), "f(x)", hint="sum, then divide")
    assert "NaN usually" in message and "sum, then divide" not in message


def test_expect_close_nan_hides_behind_no_tolerance():
    # ``not (err > tol)`` is True for NaN: a huge tolerance must not let it through
    with pytest.raises(CheckFailed, match="NaN there"):
        expect_close(torch.tensor([NAN]), torch.tensor([1.0]), "f(x)", rtol=1e9, atol=1e9)


def test_expect_close_nan_where_nan_was_expected_passes():
    expect_close(torch.tensor([NAN, 1.0]), torch.tensor([NAN, 1.0]), "f(x)")


def test_expect_close_matching_infinities_pass():
    values = torch.tensor([INF, -INF, 0.0])
    expect_close(values.clone(), values, "f(x)")


@pytest.mark.parametrize("actual, expected", [(INF, -INF), (-INF, INF), (INF, 1e30), (1e30, INF)])
def test_expect_close_infinity_mismatch_fails_even_with_a_huge_tolerance(actual, expected):
    a = torch.tensor([0.0, actual], dtype=torch.float64)
    e = torch.tensor([0.0, expected], dtype=torch.float64)
    message = failure(expect_close, a, e, "kl_div(p, q)", rtol=1e6, atol=1e6)
    assert f"expected {expected:.6g} at [1]" in message
    assert f"got {actual:.6g} (1 of 2 values off)" in message


def test_expect_close_tolerance_is_inclusive_and_relative_to_the_expected_value():
    # tolerance = atol + rtol·|expected| = 0.25 + 0.5·1 = 0.75, exact in binary
    expected = torch.tensor([1.0], dtype=torch.float64)
    for ok in (1.75, 0.25, 1.0):
        expect_close(torch.tensor([ok], dtype=torch.float64), expected, "f(x)", rtol=0.5, atol=0.25)
    # 1.8 is off by 0.8 > 0.75 (it would pass were rtol applied to |actual|: 0.25 + 0.9)
    for off in (1.8, 0.2):
        message = failure(
            expect_close, torch.tensor([off], dtype=torch.float64), expected, "f(x)", rtol=0.5, atol=0.25
        )
        assert "(tolerance rtol=0.5, atol=0.25)" in message


def test_expect_close_default_tolerance():
    expected = torch.tensor([100.0], dtype=torch.float64)
    expect_close(expected + 1e-4, expected, "f(x)")  # within 1e-6 + 1e-5·100 = 1.001e-3
    failure(expect_close, expected + 2e-3, expected, "f(x)")


def test_expect_close_names_the_worst_position_and_counts_the_values_off():
    expected = torch.zeros(2, 3)
    actual = expected.clone()
    actual[0, 1] = 0.1
    actual[1, 2] = -0.5
    actual[1, 0] = 0.25
    message = failure(expect_close, actual, expected, "f(x)", hint="look at the sign")
    assert message.startswith(
        "f(x): expected 0 at [1, 2] (tolerance rtol=1e-05, atol=1e-06), got -0.5 (3 of 6 values off)."
    )
    assert message.endswith("\n  hint: look at the sign")


def test_expect_close_0_dim_position():
    message = failure(expect_close, torch.tensor(2.0), torch.tensor(1.0), "loss")
    assert "expected 1 (tolerance" in message and "at [" not in message  # a scalar reads as a number
    assert message.rstrip(".").endswith("got 2 (2 × what was expected)")


def test_expect_close_infinity_where_a_number_was_expected_is_the_worst_position():
    expected = torch.zeros(3)
    actual = torch.tensor([5.0, INF, 0.0])
    message = failure(expect_close, actual, expected, "f(x)")
    assert "at [1]" in message and "got inf (2 of 3 values off)" in message


def test_expect_close_number_where_nan_was_expected_names_its_position():
    message = failure(expect_close, torch.tensor([1.0, 2.0]), torch.tensor([1.0, NAN]), "f(x)")
    assert "at [1]" in message


def test_expect_close_number_where_nan_was_expected_fails():
    failure(expect_close, torch.tensor([1.0, 2.0]), torch.tensor([1.0, NAN]), "f(x)")


def test_expect_close_ignores_requires_grad():
    expected = torch.tensor([1.0, 2.0], requires_grad=True)
    expect_close(expected * 1, expected, "f(x)")


# -- expect_float ----------------------------------------------------------------------------


def test_expect_float_accepts_python_numbers_and_returns_a_float():
    assert expect_float(0.25, "accuracy") == 0.25
    value = expect_float(3, "count")
    assert value == 3.0 and type(value) is float


@pytest.mark.parametrize("value", [True, False])
def test_expect_float_refuses_bool(value):
    message = failure(expect_float, value, "accuracy(y_hat, y)")
    assert "expected a Python float" in message and f"got bool {value}" in message


def test_expect_float_refuses_a_0_dim_tensor_with_the_item_hint():
    message = failure(expect_float, torch.tensor(0.5), "accuracy(y_hat, y)")
    assert "expected a Python float" in message
    assert "got a torch.float32 tensor of shape ()" in message
    assert "hint: use .item()" in message


def test_expect_float_callers_hint_replaces_the_default():
    message = failure(expect_float, "0.5", "accuracy", hint="return a number")
    assert "hint: return a number" in message and ".item()" not in message


def test_expect_float_refuses_none():
    assert "did you forget to return?" in failure(expect_float, None, "gd_fit")


# -- expect_no_twin --------------------------------------------------------------------------

FORBIDDEN = {"softmax": "torch.softmax", "_softmax": "torch.softmax", "log_softmax": "F.log_softmax"}


def test_expect_no_twin_passes_a_hand_written_computation():
    expect_no_twin(
        {"exp": {"function": "softmax", "line": 2}, "sum": {"function": "softmax", "line": 2}},
        FORBIDDEN,
        "softmax(x)",
    )
    expect_no_twin({}, FORBIDDEN, "softmax(x)")


def test_expect_no_twin_names_each_forbidden_function_once_and_where_it_was_called():
    f1, f2, g7 = ({"function": f, "line": n} for f, n in (("f", 1), ("f", 2), ("g", 7)))
    ops = {"exp": f1, "_softmax": f2, "softmax": f2, "log_softmax": g7}
    message = failure(expect_no_twin, ops, FORBIDDEN, "softmax(x)")
    assert "expected a hand-written computation" in message
    assert "got F.log_softmax called in g, line 7; torch.softmax called in f, line 2." in message
    assert "hint: this exercise is about writing it yourself" in message


@pytest.mark.parametrize(
    "ops", [None, "softmax", ["exp"], {"exp": 3}, {3: {"function": "f", "line": 1}}, {"exp": "f, line 1"}]
)
def test_expect_no_twin_refuses_something_that_is_not_names_and_places(ops):
    assert "expected op names from the recorder" in failure(expect_no_twin, ops, FORBIDDEN, "f")


# -- expect_vectorised -----------------------------------------------------------------------


def test_expect_vectorised_passes_constant_counts():
    expect_vectorised([7, 7, 7], [4, 40, 400], "row_normalize")


def test_expect_vectorised_fails_growing_counts_and_shows_them():
    message = failure(expect_vectorised, [7, 9, 7], [4, 40, 400], "row_normalize")
    assert "expected the same number of tensor operations whatever the input size" in message
    assert "got 7 ops for n=4, 9 ops for n=40, 7 ops for n=400." in message
    assert "hint: a Python loop over rows" in message


def test_expect_vectorised_shows_the_counts_in_the_learners_language(monkeypatch):
    """In Chinese, the list of counts is Chinese too ("7 ops for n=4" kept its "ops" and "for")."""
    from grader.base import i18n

    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    try:
        message = failure(expect_vectorised, [7, 9, 7], [4, 40, 400], "row_normalize")
    finally:
        monkeypatch.undo()
        i18n.refresh()
    assert " for " not in message and " ops" not in message, message


@pytest.mark.parametrize("counts", [None, [7, 7], [7, 7, 7, 7], [7, "7", 7], [7.0, 7.0, 7.0]])
def test_expect_vectorised_needs_one_int_per_size(counts):
    assert "expected one op count per input size" in failure(expect_vectorised, counts, (1, 2, 3), "f")


# -- expect_unchanged ------------------------------------------------------------------------


def test_expect_unchanged_passes_when_every_flag_is_true():
    expect_unchanged([True, True], ["x", "y"], "f(x, y)")


def test_expect_unchanged_names_the_modified_arguments():
    message = failure(expect_unchanged, [False, True, False], ["x", "y", "z"], "f(x, y, z)")
    assert "expected the inputs left as they were" in message
    assert "got x, z modified in place." in message
    assert "hint: work on a copy (x.clone())" in message


def test_expect_unchanged_accepts_only_true_as_unchanged():
    # a flag must be the boolean True: 1 or "yes" from a confused probe is not proof
    assert "got x modified" in failure(expect_unchanged, [1], ["x"], "f(x)")
    assert "got x modified" in failure(expect_unchanged, [None], ["x"], "f(x)")


@pytest.mark.parametrize("flags", [None, [True], [True, True, True], (True, True)])
def test_expect_unchanged_needs_one_flag_per_argument(flags):
    assert "expected one flag per argument" in failure(expect_unchanged, flags, ["x", "y"], "f")


# -- expect_same_device ----------------------------------------------------------------------


def test_expect_same_device_passes_a_result_on_the_second_device_and_returns_its_values():
    trace = {"ok": True, "devices": ["second"], "value": torch.ones(1), "real": torch.ones(1)}
    assert torch.equal(expect_same_device(trace, "f"), torch.ones(1))


def test_expect_same_device_mismatch_fails_with_the_mismatch_and_the_hint():
    trace = {
        "ok": False,
        "mismatch": "add on tensors of the second device and one of shape (4,) on cpu",
    }
    message = failure(expect_same_device, trace, "f on a second device")
    assert "expected every op to use tensors on the input's device" in message
    assert "got add on tensors of the second device and one of shape (4,) on cpu." in message
    assert "hint: create new tensors on the input's device" in message


def test_expect_same_device_fails_code_that_raised_only_there():
    message = failure(expect_same_device, {"ok": False, "raised": "TypeError: numpy"}, "f")
    assert "expected the same code to run on any device, got it raised TypeError: numpy." in message
    assert ".cpu() first" in message


@pytest.mark.parametrize("devices", [["cpu"], ["cpu", "second"], ["cuda:0"], ["meta"]])
def test_expect_same_device_result_not_on_the_second_device_fails(devices):
    message = failure(expect_same_device, {"ok": True, "devices": devices, "value": 1}, "f")
    assert "expected a result on the input's device" in message
    assert f"got a result on {', '.join(devices)}." in message


@pytest.mark.parametrize("trace", [None, {}, {"ok": None, "inconclusive": "item()"}, {"ok": "yes"}, [True]])
def test_expect_same_device_refuses_what_is_not_a_trace(trace):
    assert "expected a device trace" in failure(expect_same_device, trace, "f")


def test_expect_same_device_needs_a_tensor_result():
    assert "expected a tensor result, got no tensor at all" in failure(
        expect_same_device, {"ok": True, "devices": [], "value": 3}, "f"
    )


def test_positions_are_printed_as_plain_integers():
    # the position formatter must print integers, not tensor reprs
    message = failure(expect_close, torch.ones(2, 2, 2) * 2, torch.ones(2, 2, 2), "f(x)")
    assert "at [0, 0, 0]" in message and "tensor(" not in message


def _plain(rng, depth=0):
    """A random value of the plain data a worker sends: tensors, numbers, text, None, nested."""
    if depth > 3 or rng.random() < 0.3:
        return rng.choice([torch.ones(rng.randint(1, 5), rng.randint(1, 4)), 1.5, 3, "s'x", None, True])
    kind = rng.choice([list, tuple, dict])
    items = [_plain(rng, depth + 1) for _ in range(rng.choice([0, 1, 2, 3, 7]))]
    return {f"k{i}": item for i, item in enumerate(items)} if kind is dict else kind(items)


def _holds_a_tensor(value) -> bool:
    if isinstance(value, torch.Tensor):
        return True
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else []
    return any(_holds_a_tensor(v) for v in items)


def test_describe_says_a_containers_start_on_one_line_and_the_whole_of_what_fits():
    """describe() of a list or dict is one line of at most 120 characters (and "…"), its tensors
    by their few values or their dtype and shape, without the whole repr (the suites describe
    before they know whether the check failed); plain data whose repr fits is that repr."""
    import random

    rng = random.Random(0)
    for _ in range(200):  # every kind of container, empty to seven items, nested four deep
        value = _plain(rng)
        if not isinstance(value, (list, tuple, dict)):
            continue
        said, whole = describe(value), f"{type(value).__name__} {value!r}"
        assert "\n" not in said and len(said) <= 121 and said.startswith(type(value).__name__), said
        if not _holds_a_tensor(value) and len(whole) <= 120:
            assert said == whole
        elif not _holds_a_tensor(value):
            assert said.endswith("…") and whole.startswith(said[:-1]), said


def test_expect_logits_refuses_only_rows_that_are_all_probability_vectors():
    logits = [torch.randn(3, 10, generator=torch.Generator().manual_seed(0)), torch.randn(1, 4)]
    expect_logits(logits, "scores")
    expect_logits([logits[0].relu()], "scores after a ReLU")  # not normalised: judged elsewhere
    with pytest.raises(CheckFailed, match="probability vectors"):
        expect_logits([x.softmax(1) for x in logits], "softmax scores")
    expect_logits([logits[0].softmax(1), torch.randn(2, 3, 4)], "a malformed output")  # the shape checks say


def test_a_sample_alone_in_eval_mode_must_give_what_it_gives_within_its_batch():
    logits = torch.randn(1, 10)
    expect_batch_independent_in_eval((logits, logits + 1e-7, logits), "the same sample")
    expect_batch_independent_in_eval(
        (logits[0], logits, logits), "a batch of one that lost its axis"
    )  # shapes' case
    with pytest.raises(CheckFailed, match="change with the rest of the batch"):
        expect_batch_independent_in_eval(
            (logits, logits + 0.1, logits + 0.1), "batch statistics in eval mode"
        )


def test_a_model_whose_eval_answer_changes_between_calls_is_told_so_first():  # causes9 k04
    logits = torch.randn(1, 10)
    with pytest.raises(CheckFailed, match="a layer built inside forward"):
        expect_batch_independent_in_eval((logits, logits + 0.1, logits + 0.2), "a Linear built in forward")
