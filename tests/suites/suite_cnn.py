"""Hidden suite for exercises/cnn.py: cross-correlation, convolution, pooling, a small CNN."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F

from grader.checks import (
    N_,
    ONE_AXIS,
    Keyed,
    Shaped,
    Traced,
    battery,
    check,
    equals,
    expect,
    expect_batch_independent_in_eval,
    expect_close,
    expect_inputs_untouched,
    expect_learned,
    expect_logits,
    expect_module_on_second_device,
    expect_no_twin,
    expect_same_device,
    expect_shapes,
    expect_tensor,
    families,
    gen,
    held_out_split,
    inputs,
    known,
    load_digits,
    manual_seed,
    multiclass_accuracy,
    probes,
    strategies,
    with_curve,
)
from grader.sandboxed import probe_kit as kit  # the probes' `kit` in the worker

F64 = torch.float64
# What each exercise's docstring puts off limits: {a torch function or aten op the recorder sees:
# the functions that reach it, as the docstring names them} (tests/grader/test_off_limits.py);
# corr2d's and conv2d's, torch's convolutions: every op torch registers with "conv" in its name
# (and, recorded, every function: conv_twins); max_pool2d's, torch's other max poolings too, every
# op with "max_pool" in its name (max_pool_twins); each refused in every probe of the exercise
CONVOLUTION = "F.conv2d / nn.Conv2d / torch.conv2d"
OTHER_MAX_POOLINGS = N_("torch's other max poolings")
# a weighted sum or a max of gathered rows: a convolution's windows or a pooling's (attacks a122's 130, 140)
# a convolution is a product of spectra (attacks a124's 37: corr2d 7.5/8.5, conv2d 7/12 by torch.fft)
_SPECTRA = {**families.spectra("torch.fft"), "fft": "torch.fft"}
_EMBEDDING_BAG = dict.fromkeys(
    ("embedding_bag", "_embedding_bag", "_embedding_bag_forward_only"), "F.embedding_bag"
)
# numpy's 1-D correlation and convolution, row by row (attacks a125's 37: corr2d 4.5/8.5)
_NUMPY = {"numpy_correlate": "numpy.correlate", "numpy_convolve": "numpy.convolve"}
OFF_LIMITS = {
    "corr2d": {
        **families.convolutions("torch's convolution functions"),
        "conv2d": CONVOLUTION,
        **_EMBEDDING_BAG,
        **_SPECTRA,
        **_NUMPY,
    },
    "conv2d": {
        **families.convolutions("torch's other convolutions"),
        "conv2d": CONVOLUTION,
        **_EMBEDDING_BAG,
        **_SPECTRA,
        **_NUMPY,
    },
    "max_pool2d": {
        **families.max_poolings(OTHER_MAX_POOLINGS),
        **{
            name: "F.max_pool2d / nn.MaxPool2d / torch.max_pool2d"
            for name in ("max_pool2d", "max_pool2d_with_indices", "_max_pool2d")
        },
        **{name: "F.max_pool3d" for name in ("max_pool3d", "max_pool3d_with_indices")},
        **_EMBEDDING_BAG,
    },
}


def conv_twins(ops) -> dict[str, str]:
    """Every recorded torch function or aten op with "conv" in its name is torch's convolution."""
    return {op: f"torch's convolution ({op})" for op in ops if isinstance(op, str) and "conv" in op}


def max_pool_twins(ops) -> dict[str, str]:
    """max_pool2d's declared off-limits functions and, as the docstring's "torch's other max
    poolings", every recorded one with "max_pool" in its name (the adaptive, the fractional ones)."""
    found = {op: OTHER_MAX_POOLINGS for op in ops if isinstance(op, str) and "max_pool" in op}
    return {**found, **OFF_LIMITS["max_pool2d"]}


DEFAULT_STRIDE = N_("its default, the kernel size")  # a case's value, translated in its template
FLIPPED_HINT = N_(
    "these are the values of the flipped kernel: a convolution layer computes a cross-correlation, "
    "Y[i, j] = Σ X[i + a, j + b]·K[a, b], with the kernel as it is"
)


@check("shape", public=True, exercise="corr2d")
@pytest.mark.parametrize(
    "x_shape, k_shape", [((3, 3), (2, 2)), ((6, 8), (1, 2)), ((5, 5), (5, 5)), ((7, 4), (3, 1))]
)
def test_corr2d(sub, x_shape, k_shape):
    x, k = torch.randn(x_shape, generator=gen(1)), torch.randn(k_shape, generator=gen(2))
    out, ops = sub.run(probes.call_recorded, "corr2d", (x, k), {})
    expected = F.conv2d(x[None, None], k[None, None])[0, 0]
    expect_close(
        out,
        expected,
        f"corr2d on {x_shape} with a {k_shape} kernel",
        rtol=1e-5,
        atol=1e-5,
        hint=(
            Keyed(FLIPPED_HINT, equals(F.conv2d(x[None, None], k.flip(0, 1)[None, None])[0, 0])),
            "Y[i, j] = Σ X[i + a, j + b]·K[a, b]; the output is (H − kh + 1, W − kw + 1)",
        ),
    )
    expect_no_twin(ops, conv_twins(ops), "corr2d")


F64_CASES = {  # name: (make float64 inputs, kwargs, torch's reference)
    "corr2d": (
        lambda g: (
            torch.randn(5, 6, generator=g, dtype=torch.float64),
            torch.randn(2, 3, generator=g, dtype=torch.float64),
        ),
        {},
        lambda x, k: F.conv2d(x[None, None], k[None, None])[0, 0],
    ),
    "conv2d": (
        lambda g: (
            torch.randn(2, 3, 6, 5, generator=g, dtype=torch.float64),
            torch.randn(4, 3, 3, 2, generator=g, dtype=torch.float64),
            torch.randn(4, generator=g, dtype=torch.float64),
        ),
        {"stride": 1, "padding": 1},
        lambda x, w, b, stride, padding: F.conv2d(x, w, b, stride=stride, padding=padding),
    ),
    "max_pool2d": (
        lambda g: (torch.randn(2, 3, 6, 4, generator=g, dtype=torch.float64), 2),
        {"stride": 2},
        lambda x, k, stride: F.max_pool2d(x, k, stride),
    ),
}


@check(
    "shape", public=True, exercise=lambda p: p["name"], clause="dtype"
)  # "of x's dtype" / "equal to F.conv2d / F.max_pool2d"
@pytest.mark.parametrize("name", sorted(F64_CASES))
def test_float64_in_float64_out(sub, name):
    make_inputs, kwargs, reference = F64_CASES[name]
    args = make_inputs(gen(60))
    out = sub.run(probes.call, name, args, kwargs)
    want = reference(*args, **kwargs)
    expect_tensor(out, f"{name} on float64 inputs", shape=tuple(want.shape), dtype=torch.float64)
    expect_close(
        out,
        want,
        f"{name} on float64 inputs",
        rtol=1e-7,
        atol=1e-12,
        hint="compute in x's dtype: torch.zeros(..., dtype=x.dtype, device=x.device) or x.new_zeros(...)",
    )


@check("shape", public=True, exercise=lambda p: p["name"], clause="inputs")
@pytest.mark.parametrize("name", sorted(F64_CASES))
def test_inputs_untouched(sub, name):
    make_inputs, kwargs, _ = F64_CASES[name]
    args = make_inputs(gen(61))
    result, after = sub.run(probes.inputs_after_call, name, args, kwargs, [])
    names = [f"argument {i + 1}" for i in range(len(args))]
    expect_inputs_untouched(result, after, args, names, [], f"{name}: the caller's inputs")


def channels_last(weight: torch.Tensor) -> torch.Tensor:
    """The kernel a window laid out (C_in, kh, kw) meets where the weight was flattened as
    (kh, kw, C_in): weight.permute(0, 2, 3, 1).reshape(C_out, -1), read back as (C_out, C_in, kh, kw)."""
    return weight.permute(0, 2, 3, 1).reshape(weight.shape)


# the kernel flattened channels-last (TensorFlow's HWC habit) against unfold's (C_in, kh, kw) windows
WINDOW_ORDER_HINT = N_(
    "these values pair each window's (C_in, kh, kw) layout, unfold's, with a kernel flattened in "
    "another order, (kh, kw, C_in) as weight.permute(0, 2, 3, 1) lays it out: flatten the weight "
    "as it is stored, weight.reshape(C_out, -1), so both run over C_in, then kh, then kw"
)


STRIDE_UNUSED = N_(
    "this is the shape stride=1 gives: the stride is never applied; step the window by it (F.unfold's "
    "stride=, and H_out = ⌊(H + 2·padding − kh)/stride⌋ + 1)"
)
PADDING_UNUSED = N_(
    "this is the shape padding=0 gives: the padding is never applied; pad both sides by it "
    "(F.unfold's padding=, F.pad) before the window slides"
)


def conv_shapes(
    shape_of: Callable[[int, int], tuple[int, ...]], stride: int, padding: int
) -> tuple[Shaped, ...]:
    """A convolution's or pooling's shapes of a stride or padding left out: ``shape_of(stride,
    padding)`` is the reference's output shape for such a call (only those that differ from the
    asked call's shape say something)."""
    asked = shape_of(stride, padding)
    said: dict[tuple[int, ...], set[str]] = {}
    for both, one, left_out in (
        (STRIDE_UNUSED, ONE_AXIS["stride"], shape_of(1, padding)),
        (PADDING_UNUSED, ONE_AXIS["padding"], shape_of(stride, 0)),
    ):
        # the step left out on both axes, or on one: H alone (F.pad's pair pads W alone, as the
        # padding's words say), or W alone for the stride
        for text, shape in (
            (both, left_out),
            (one, (*asked[:-2], left_out[-2], asked[-1])),
            *(((one, (*asked[:-1], left_out[-1])),) if one == ONE_AXIS["stride"] else ()),
        ):
            if shape != asked:
                said.setdefault(shape, set()).add(text)
    # a shape two causes give names neither (the learner who wrote the other would be misled)
    return tuple(Shaped(texts.pop(), shape.__eq__) for shape, texts in said.items() if len(texts) == 1)


@check("shape", public=True, exercise="conv2d")
@pytest.mark.parametrize(
    "stride, padding, bias", [(1, 0, True), (1, 1, False), (2, 0, True), (2, 2, True), (3, 1, True)]
)
def test_conv2d_matches_torch(sub, stride, padding, bias):
    x = torch.randn(2, 3, 9, 8, generator=gen(3))
    weight = torch.randn(4, 3, 3, 2, generator=gen(4))
    b = torch.randn(4, generator=gen(5)) if bias else None
    out, ops = sub.run(probes.call_recorded, "conv2d", (x, weight, b), {"stride": stride, "padding": padding})
    expected = F.conv2d(x, weight, b, stride=stride, padding=padding)
    expect_close(
        out,
        expected,
        f"conv2d(x (2, 3, 9, 8), weight (4, 3, 3, 2), bias {'(4,)' if bias else 'None'}, "
        f"stride={stride}, padding={padding})",
        rtol=1e-5,
        atol=1e-5,
        hint=(
            Keyed(
                FLIPPED_HINT,
                equals(F.conv2d(x, weight.flip(2, 3), b, stride=stride, padding=padding)),
            ),
            Keyed(
                WINDOW_ORDER_HINT,
                equals(F.conv2d(x, channels_last(weight), b, stride=stride, padding=padding)),
            ),
            *conv_shapes(
                lambda s, p: tuple(F.conv2d(x, weight, b, stride=s, padding=p).shape), stride, padding
            ),
            "sum over input channels and the kernel window; zero-pad both sides; step by stride; "
            "each output channel adds its own bias",
        ),
    )
    expect_no_twin(ops, conv_twins(ops), "conv2d")


@check("shape", public=True, exercise="conv2d")
def test_conv2d_batch_of_one_and_single_channels(sub):
    x, weight = torch.randn(1, 1, 5, 5, generator=gen(6)), torch.randn(1, 1, 2, 2, generator=gen(7))
    out, _ = sub.run(probes.call_recorded, "conv2d", (x, weight, None), {"stride": 1, "padding": 0})
    expect_close(
        out, F.conv2d(x, weight), "conv2d on (1, 1, 5, 5) with one (2, 2) kernel", rtol=1e-5, atol=1e-5
    )


@check("gradient", public=True, exercise="conv2d")
def test_conv2d_gradients(sub):
    x = torch.randn(2, 2, 6, 5, generator=gen(8), dtype=F64)
    weight = torch.randn(3, 2, 3, 3, generator=gen(9), dtype=F64)
    bias = torch.randn(3, generator=gen(10), dtype=F64)
    upstream = torch.randn(2, 3, 3, 3, generator=gen(11), dtype=F64)
    _, grads = sub.run(
        probes.gradients, "conv2d", (x, weight, bias), {"stride": 2, "padding": 1}, upstream, [0, 1, 2]
    )
    leaves = [t.clone().requires_grad_() for t in (x, weight, bias)]
    (F.conv2d(*leaves, stride=2, padding=1) * upstream).sum().backward()
    for name, got, leaf in zip(("input", "weight", "bias"), grads, leaves):
        expect_close(
            got,
            leaf.grad,
            f"gradient of conv2d (stride 2, padding 1) w.r.t. the {name}, float64",
            rtol=1e-7,
            atol=1e-10,
            hint="build the output from differentiable ops (unfold, matmul, pad); "
            "writing into a preallocated tensor with .item() cuts the graph",
        )


PADDING_ONCE = N_(
    "the padding is counted once: n + padding − k; it pads both sides, so n + 2·padding − k, then "
    "⌊· / stride⌋ + 1"
)
STRIDE_ONCE = N_("the stride is never applied: divide n + 2·padding − k by the stride (//) before adding 1")
ONE_FIRST = N_(
    "the 1 is added before the division by the stride: ⌊(n + 2·padding − k)/stride⌋ + 1 adds it after"
)
ONE_LEFT_OUT = N_(
    "the + 1 is left out: ⌊(n + 2·padding − k)/stride⌋ counts the steps between windows; the first "
    "window counts too, so add 1"
)
ROUNDED = N_(
    "the division by the stride is rounded up or to the nearest integer: ⌊(n + 2·padding − k)/stride⌋ "
    "rounds it down (// on ints), a window that would run past the edge is dropped"
)


def output_size_said(got: object, n: int, k: int, padding: int, stride: int, plain: str) -> str:
    """The hint for an output size ``got`` where ⌊(n + 2p − k)/s⌋ + 1 is asked: padding counted
    once, a stride never applied, the 1 added before the division or left out, the division
    rounded up or to the nearest integer (math.ceil, round()), else ``plain``; none where
    two of them give ``got`` (at n = 32, k = 5, p = 2, s = 3 the padding counted once and the 1
    added first both give 10: naming one would mislead the learner who wrote the other)."""
    expected = (n + 2 * padding - k) // stride + 1
    if got == expected or isinstance(got, bool) or not isinstance(got, int):
        return plain
    variants = (
        (PADDING_ONCE, (n + padding - k) // stride + 1 if padding else None),
        (STRIDE_ONCE, n + 2 * padding - k + 1 if stride != 1 else None),
        (ONE_FIRST, (n + 2 * padding - k + 1) // stride if stride != 1 else None),
        # a call without padding or stride only: with them, the padding counted once (padding 1)
        # or the 1 added first (an even span) give the same size, and the learner who leaves the
        # 1 out fails the plain call the suite makes first
        (ONE_LEFT_OUT, n - k if not padding and stride == 1 else None),
        *((ROUNDED, size) for size in _rounded(n + 2 * padding - k, stride)),
    )
    held = list(dict.fromkeys(text for text, size in variants if size == got))
    return held[0] if len(held) == 1 else plain


def _rounded(span: int, stride: int) -> set[int]:
    """The output sizes a span divided by the stride gives rounded up or to the nearest
    (half up, half to even) where it is no whole number, then + 1."""
    if span % stride == 0:
        return set()
    return {-(-span // stride) + 1, round(span / stride) + 1, math.floor(span / stride + 0.5) + 1} - {
        span // stride + 1
    }


OUTPUT_SIZE_HINT = N_("⌊(n + 2·padding − k) / stride⌋ + 1, with integer division (//)")


@check("shape", public=True, exercise="conv_output_size")
@pytest.mark.parametrize(
    "n, k, padding, stride, expected",
    [
        (28, 5, 0, 1, 24),
        (28, 3, 1, 1, 28),
        (8, 3, 1, 2, 4),
        (8, 2, 0, 2, 4),
        (7, 2, 0, 2, 3),
        (32, 5, 2, 3, 11),
    ],
)
def test_conv_output_size(sub, n, k, padding, stride, expected):
    got = sub.run(probes.call, "conv_output_size", (n, k), {"padding": padding, "stride": stride})
    expect(
        got == expected and isinstance(got, int) and not isinstance(got, bool),
        f"conv_output_size({n}, {k}, padding={padding}, stride={stride})",
        f"the int {expected}",
        repr(got),
        output_size_said(got, n, k, padding, stride, OUTPUT_SIZE_HINT),
    )


POOL_STRIDE_IGNORED = N_(
    "this is what windows stepping by kernel_size give: the stride argument is ignored; step the "
    "windows by stride (x.unfold(2, k, stride).unfold(3, k, stride))"
)
POOL_DEFAULT_ONE = N_(
    "this is what windows stepping by 1 give: stride=None means a stride of kernel_size, not 1 "
    "(if stride is None: stride = kernel_size)"
)
POOL_STRIDE_ONE = N_(
    "this is what windows stepping by 1 give: the stride (kernel_size when None) is never applied; "
    "step the windows by it"
)


@check("shape", public=True, exercise="max_pool2d")
@pytest.mark.parametrize(
    "shape, kernel, stride",
    [((2, 3, 8, 8), 2, None), ((1, 1, 7, 9), 3, 2), ((2, 2, 6, 6), 3, 1), ((1, 4, 5, 4), 2, 3)],
)
def test_max_pool2d(sub, shape, kernel, stride):
    x = torch.randn(shape, generator=gen(12))
    kwargs = {} if stride is None else {"stride": stride}
    out, ops = sub.run(probes.call_recorded, "max_pool2d", (x, kernel), kwargs)
    expected = F.max_pool2d(x, kernel, stride)
    expect_close(
        out,
        expected,
        f"max_pool2d on {shape}, kernel {kernel}, stride {stride if stride else DEFAULT_STRIDE}",
        hint=(
            *known(POOL_STRIDE_IGNORED, F.max_pool2d(x, kernel, kernel), expected),
            *known(POOL_STRIDE_ONE if stride else POOL_DEFAULT_ONE, F.max_pool2d(x, kernel, 1), expected),
            "the stride defaults to the kernel size; windows that would run past the edge are dropped",
        ),
    )
    expect_no_twin(ops, max_pool_twins(ops), "max_pool2d")


@check("gradient", exercise="max_pool2d")
def test_max_pool2d_gradient(sub):
    x = (torch.randperm(2 * 2 * 6 * 6, generator=gen(13)).to(F64) / 10).reshape(2, 2, 6, 6)  # no ties
    upstream = torch.randn(2, 2, 3, 3, generator=gen(14), dtype=F64)
    _, (grad,) = sub.run(probes.gradients, "max_pool2d", (x, 2), {}, upstream, [0])
    leaf = x.clone().requires_grad_()
    (F.max_pool2d(leaf, 2) * upstream).sum().backward()
    expect_close(
        grad,
        leaf.grad,
        "gradient of max_pool2d(x, 2) (no ties), float64",
        rtol=1e-7,
        atol=0,
        hint="the gradient flows only to the maximum of each window",
    )


# -- SimpleCNN -----------------------------------------------------------------------------


def run_simple_cnn(sub, sizes, num_classes, in_channels):
    """ONE SimpleCNN on an (n, in_channels, s, s) input for each (n, s), then backward; it counts convolutions."""
    return sub.run(
        probes.module_forward_backward,
        "simple_cnn",
        "SimpleCNN",
        (),
        {"num_classes": num_classes, "in_channels": in_channels},
        [(n, in_channels, s, s) for n, s in sizes],
        ["nn.Conv2d"],
    )


@check("shape", public=True, exercise="SimpleCNN")
@pytest.mark.parametrize("num_classes, in_channels", [(10, 1), (3, 3)])
def test_simple_cnn_accepts_any_size_at_least_8(sub, num_classes, in_channels):
    sizes = [(2, 8), (1, 12), (3, 28)]
    got = run_simple_cnn(sub, sizes, num_classes, in_channels)
    expect(isinstance(got, dict), "SimpleCNN", "a result", type(got).__name__)
    expect_shapes(
        sub,
        Traced("simple_cnn", "SimpleCNN", (), {"num_classes": num_classes, "in_channels": in_channels}),
        [(n, in_channels, s, s) for n, s in sizes],
        got["shapes"],
        [(n, num_classes) for n, _ in sizes],
        f"logit shapes of ONE SimpleCNN({num_classes}, {in_channels}) on "
        f"inputs {', '.join(f'({n}, {in_channels}, {s}, {s})' for n, s in sizes)}",
        "make the linear layer's input size independent of H and W, e.g. global average pooling first",
    )
    expect_logits(got["outputs"], f"outputs of SimpleCNN({num_classes}, {in_channels})")
    expect_batch_independent_in_eval(
        got["eval_alone"], f"SimpleCNN({num_classes}, {in_channels}) in eval mode"
    )


@check("gradient", public=True, exercise="SimpleCNN")
def test_simple_cnn_gradient_reaches_every_parameter(sub):
    got = run_simple_cnn(sub, [(4, 8)], 10, 1)
    expect(isinstance(got, dict), "SimpleCNN", "a result", type(got).__name__)
    dead = [shape for shape, total in got["grads"] if not (total is not None and total > 0)]
    expect(
        not dead,
        "gradients of SimpleCNN's parameters after backward",
        "non-zero for every parameter",
        f"none for parameters shaped {dead}",
        "every layer must be used in forward",
    )
    expect(
        got["count"] >= 2,
        "SimpleCNN's convolution layers",
        "two (conv → relu → pool, twice)",
        str(got["count"]),
    )
    # the docstring's floor, which the training check is calibrated on: 8 and 16 output channels
    widths = sorted((shape[0] for shape, _ in got["grads"] if len(shape) == 4), reverse=True)
    expect(
        len(widths) >= 2 and widths[0] >= 16 and widths[1] >= 8,
        "the output channels of SimpleCNN's convolutions",
        "at least 8 in the first and 16 in the second",
        str(widths),
    )


# Calibrated on the weakest network the docstring allows, each seed 0–19 (`tests/grader/measure_cnn_training.py`;
# Adam lr 0.01, batches of 64, a 75/25 split of the digits; held-out accuracy, the lowest over the seeds):
#   network                                   8 epochs  10 epochs  12 epochs
#   the reference (16 and 32 channels)          0.911     0.911      0.935
#   8 and 16 channels (the docstring's floor)   0.826     0.840      0.878
#   8 and 16 channels, dropout 0.5              0.686     0.791      0.833
#   10 and 20 channels (the lecture's)          0.786     0.826        -
#   BatchNorm after each conv; a zero linear    0.964; 0.853  0.94; 0.871  0.909; 0.904
# 8 epochs at 0.85 failed the floor (0.826) and the lecture's widths (seed 4: 0.786): now 12 epochs at 0.80, every
# allowed network measured above it on every seed (margin 0.033; the lecture's measured to 10 epochs). The wrong networks at 12 epochs, seeds 0–4: softmax on the
# logits (lowest 0.824), every parameter N(0, 1) (0.777) and the first conv frozen (0.884, its gradient checks catch
# it) are caught on fewer seeds than at 8 epochs and 0.85 (seeds 0–19: softmax on the logits 17 then, 6 now; N(0, 1)
# 19 then, 1 now; the first conv frozen 5 then, 0 now);
# the other 15 as at 8 epochs on seeds 0–4 (13 on every seed; no ReLU and num_classes ignored on none, then as
# now: other checks catch those). The reference's final training loss at 12 epochs (`measure_curves.py
# simple_cnn_learns_digits`, seeds 0–19): min 0.065, median 0.103, max 0.219.
TRAIN_EPOCHS, THRESHOLD = 12, 0.80
FINAL_LOSS = (0.065, 0.219)


@check("convergence", points=2, exercise="SimpleCNN")
@pytest.mark.parametrize("seed", [0, 1])
def test_simple_cnn_learns_digits(sub, seed):
    seed = inputs.seed_among(seed)
    x_train, y_train, x_test, y_test = held_out_split(load_digits, seed)
    scores, curve = with_curve(
        sub.run(
            probes.train_classifier,
            "SimpleCNN",
            (),
            {"num_classes": 10, "in_channels": 1},
            x_train,
            y_train,
            x_test,
            seed,
            TRAIN_EPOCHS,
            0.01,
            timeout=60,
        )
    )
    accuracy = multiclass_accuracy(scores, y_test, 10, "held-out digit scores")
    expect_learned(
        accuracy >= THRESHOLD,
        f"held-out digits accuracy of SimpleCNN after 12 epochs (seed {seed})",  # TRAIN_EPOCHS
        "at least 80 %",  # THRESHOLD
        f"{accuracy:.1%}",
        curve,
        "check that forward uses both conv stages and returns raw logits",
        FINAL_LOSS,
    )


# -- devices -------------------------------------------------------------------------------

DEVICE_CASES = {  # name: (make inputs, kwargs, torch's reference)
    "corr2d": (
        lambda: (torch.randn(4, 5), torch.randn(2, 2)),
        {},
        lambda x, k: F.conv2d(x[None, None], k[None, None])[0, 0],
    ),
    "conv2d": (
        lambda: (torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3), torch.randn(3)),
        {"stride": 1, "padding": 1},
        lambda x, w, b, **kw: F.conv2d(x, w, b, **kw),
    ),
    "max_pool2d": (lambda: (torch.randn(1, 2, 4, 4), 2), {}, lambda x, k: F.max_pool2d(x, k)),
}


@check("device", public=True)
@pytest.mark.parametrize("name", sorted(DEVICE_CASES))
def test_stays_on_input_device(sub, name):
    make_inputs, kwargs, reference = DEVICE_CASES[name]
    manual_seed(inputs.seed(0))
    args = make_inputs()
    trace = sub.run(probes.on_second_device, name, args, kwargs)
    expected = reference(*args, **kwargs)
    expect_close(
        trace.get("real") if isinstance(trace, dict) else trace,
        expected,
        f"{name} on CPU inputs (a device check credits correct code only)",
        rtol=1e-5,
        atol=1e-5,
    )
    value = expect_same_device(trace, f"{name} on tensors of a second device (standing in for a GPU)")
    expect_close(value, expected, f"{name} on tensors of a second device", rtol=1e-5, atol=1e-5)


@check("device", public=True, exercise="SimpleCNN")
def test_simple_cnn_stays_on_its_device(sub):
    (trace,) = sub.run(
        probes.modules_on_second_device, "cnn_on_second", [("SimpleCNN", (10, 1), {}, [(2, 1, 8, 8)])]
    )
    expect_module_on_second_device(trace, "SimpleCNN forward with model and input on a second device")


def probe_cnn_on(mod, device):
    kit.manual_seed(0)
    model = mod.SimpleCNN(10, 1).to(device)
    x = torch.randn(3, 1, 12, 12)
    conv = mod.conv2d(x.to(device), torch.ones(2, 1, 3, 3, device=device))
    return model(x.to(device)).cpu(), model.cpu()(x), conv.cpu(), str(conv.device)


@check("device", cuda=True, exercise=("SimpleCNN", "conv2d"))
def test_cnn_on_cuda(sub, device):
    on_device, on_cpu, conv, where = sub.run(probe_cnn_on, device)
    expect(where.startswith("cuda"), "conv2d on CUDA inputs", "a result on cuda", where)
    expect_close(
        on_device, on_cpu, "SimpleCNN on CUDA against the same weights on the CPU", rtol=1e-4, atol=1e-4
    )


# -- edge inputs drawn by grader.checks.strategies ---------------------------------------------


@check("shape", public=True, exercise="conv2d")  # any N, C_in, C_out, H, W, kh, kw, stride, padding
def test_conv2d_edge_shapes(sub):
    g = gen(90)
    cases = []
    for case in strategies.conv_cases(90):
        x = torch.randn(case.n, case.c_in, case.h, case.w, generator=g)
        weight = torch.randn(case.c_out, case.c_in, case.kh, case.kw, generator=g)
        bias = torch.randn(case.c_out, generator=g)
        cases.append((case, (x, weight, bias)))
    calls = [(args, {"stride": case.stride, "padding": case.padding}) for case, args in cases]
    for (case, (x, weight, bias)), out in zip(cases, probes.each_call(sub, "conv2d", calls)):
        expect_close(
            out,
            F.conv2d(x, weight, bias, case.stride, case.padding),
            f"conv2d on x {tuple(x.shape)}, weight {tuple(weight.shape)}, stride {case.stride}, "
            f"padding {case.padding}",
            rtol=1e-5,
            atol=1e-5,
            hint="H_out and W_out each from their own side and kernel: ⌊(H + 2p − kh)/s⌋ + 1 and "
            "⌊(W + 2p − kw)/s⌋ + 1",
        )


@check("shape", public=True, exercise="max_pool2d")  # int kernel_size and stride, any H, W; no padding
def test_max_pool2d_edge_shapes(sub):
    g = gen(91)
    cases = [
        (case, torch.randn(case.n, case.c, case.h, case.w, generator=g)) for case in strategies.pool_cases(91)
    ]
    calls = [((x, case.kernel), {} if case.stride is None else {"stride": case.stride}) for case, x in cases]
    for (case, x), out in zip(cases, probes.each_call(sub, "max_pool2d", calls)):
        expected = F.max_pool2d(x, case.kernel, case.stride)
        expect_close(
            out,
            expected,
            f"max_pool2d on x {tuple(x.shape)}, kernel_size {case.kernel}, stride {case.stride}",
            rtol=0,
            atol=0,
            hint=(
                *other_strides(x, case.kernel, case.stride, expected),
                "windows start every stride positions while a whole window fits: the rows and "
                "columns left over when kernel_size does not divide H or W are dropped",
            ),
        )


# the windows of another stride than the one asked: stride=None steps by kernel_size
STRIDE_DEFAULT = N_(
    "these are the windows of a stride of {0}: stride=None means a stride of kernel_size ({1}), "
    "windows side by side"
)
STRIDE_OTHER = N_("these are the windows of a stride of {0}, not of the stride passed ({1})")


def other_strides(x, kernel, stride, expected):
    """The hints of max_pool2d's answer at another stride (1, 2, kernel_size's where one was passed)
    than the one asked (``expected`` its answer), each where no other of them answers alike (its
    shape its own)."""
    asked = stride or kernel
    outs = {s: F.max_pool2d(x, kernel, s) for s in {1, 2, kernel} - {asked}}
    shapes = [tuple(out.shape) for out in outs.values()]
    text = STRIDE_DEFAULT if stride is None else STRIDE_OTHER
    return tuple(
        hint
        for s, out in sorted(outs.items())
        if shapes.count(tuple(out.shape)) == 1
        for hint in known(text.format(s, asked), out, expected)
    )


@check("shape", public=True, exercise="SimpleCNN")  # "any input of at least 8×8", H ≠ W included
def test_simple_cnn_accepts_non_square_inputs(sub):
    sizes = strategies.image_sizes(92)
    batches = strategies.batch_sizes(92, count=len(sizes))
    got = sub.run(
        probes.module_forward_backward,
        "simple_cnn",
        "SimpleCNN",
        (),
        {"num_classes": 7, "in_channels": 2},
        [(n, 2, h, w) for n, (h, w) in zip(batches, sizes)],
        [],
    )
    expect(isinstance(got, dict), "SimpleCNN", "a result", type(got).__name__)
    expect_shapes(
        sub,
        Traced("simple_cnn", "SimpleCNN", (), {"num_classes": 7, "in_channels": 2}),
        [(n, 2, h, w) for n, (h, w) in zip(batches, sizes)],
        got["shapes"],
        [(n, 7) for n in batches],
        f"logit shapes of ONE SimpleCNN(7, 2) on inputs "
        f"{', '.join(f'({n}, 2, {h}, {w})' for n, (h, w) in zip(batches, sizes))}",
        "pool over both spatial axes whatever their sizes (x.mean(dim=(2, 3))) and keep the batch "
        "axis (no squeeze())",
    )


# kh ≤ H, kw ≤ W; k ≤ n + 2p: each exercise judged by itself (half a point each)
@check("shape", points=1 / 2, public=True)
@pytest.mark.parametrize("name", ["corr2d", "conv_output_size"])
def test_corr2d_and_output_size_edge_shapes(sub, name):
    g = gen(93)
    for case in strategies.conv_cases(93):
        if name == "conv_output_size":
            size = sub.run(
                probes.call,
                "conv_output_size",
                (case.w, case.kw),
                {"padding": case.padding, "stride": case.stride},
            )
            expected = (case.w + 2 * case.padding - case.kw) // case.stride + 1
            expect(
                size == expected,
                f"conv_output_size({case.w}, {case.kw}, {case.padding}, {case.stride})",
                str(expected),
                str(size),
            )
            continue
        h, w = case.h + 2 * case.padding, case.w + 2 * case.padding
        x, k = torch.randn(h, w, generator=g), torch.randn(case.kh, case.kw, generator=g)
        out = sub.run(probes.call, "corr2d", (x, k), {})
        expect_close(
            out,
            F.conv2d(x[None, None], k[None, None])[0, 0],
            f"corr2d on x ({h}, {w}), k ({case.kh}, {case.kw})",
            rtol=1e-5,
            atol=1e-5,
            hint="the output is (H − kh + 1, W − kw + 1): each side from its own kernel side",
        )


# every dimension of every exercise's input domain (grader/checks/domains.py), one probe call each
@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("cnn"))
def test_input_domain(sub, name):
    battery.run(sub, "cnn", name)
