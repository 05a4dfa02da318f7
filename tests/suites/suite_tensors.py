"""Hidden suite for exercises/tensors.py: shapes, values, vectorisation, no twins, devices."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from grader.checks import (
    INDEX_FROM_ONE,
    N_,
    Keyed,
    Shaped,
    battery,
    check,
    describe,
    equals,
    expect,
    expect_cheap,
    expect_close,
    expect_float,
    expect_inputs_untouched,
    expect_no_twin,
    expect_runs_on_cuda,
    expect_same_device,
    expect_tensor,
    expect_unchanged,
    expect_vectorised,
    families,
    gen,
    inputs,
    known,
    manual_seed,
    probes,
    strategies,
)

# What each exercise's docstring puts off limits: {a torch function or aten op the recorder sees:
# the functions that reach it, as the docstring names them} (tests/grader/test_off_limits.py)
_CDIST = {name: "torch.cdist" for name in ("cdist", "_cdist_forward", "_euclidean_dist")}
# "every function that gives a norm or a distance": each op torch registers as a distance or a norm,
# not a normalisation layer's (attacks a121's 74: torch.pdist for norms, 8/8)
# the standard library's norms, distances and variances, on the values as Python floats (attacks
# a125's 66: pairwise_sq_dists by math.dist 4/10, norms by statistics.pvariance 4/8)
_STANDARD_LIBRARY = {"math_hypot": "math.hypot", "math_dist": "math.dist", "statistics": "statistics"}
_DISTRIBUTIONS = families.distributions()
_NORMS_AND_DISTANCES = families.norms_and_distances("every function that gives a norm or a distance")
OFF_LIMITS = {
    "pairwise_sq_dists": {
        # a norm of the broadcast differences, squared, too (attacks a124's 21: 10/10)
        **_NORMS_AND_DISTANCES,
        **_CDIST,
        **{name: "torch.pdist" for name in ("pdist", "_pdist_forward")},
        "pairwise_distance": "F.pairwise_distance",
        "triplet_margin_loss": "F.triplet_margin_loss",
        **_DISTRIBUTIONS,
        **_STANDARD_LIBRARY,
    },
    # −n·∂F.nll_loss/∂scores at any scores is the one-hot table (attacks a124's 22: 8/8); its
    # backward kernel is refused where the exercise's code runs it
    "one_hot": {
        "one_hot": "F.one_hot",
        **{op: "F.nll_loss" for op in ("nll_loss", "nll_loss_forward", "nll_loss_nd", "nll_loss2d")},
        **{op: "F.nll_loss" for op in ("nll_loss_backward", "nll_loss2d_backward")},
        # any gradient taken inside: a picked entry's (a multi-margin loss's: attacks a125's 20, 7/7)
        **families.gradients_inside(),
    },
    "matmul": {
        # every op named for a matrix product (attacks a124's 58: torch.hspmm), a distance between rows
        # (⟨a, b⟩ = (‖a‖² + ‖b‖² − ‖a − b‖²)/2: a124's 20, 11/11), a cosine similarity times the lengths (16)
        **families.matrix_products("torch's other matrix products"),
        **_NORMS_AND_DISTANCES,
        "mm": "torch.mm",
        "matmul": "torch.matmul / @",
        "__matmul__": "@",
        "_unsafe_view_matmul": "torch.matmul / @",
        "bmm": "torch.bmm",
        "einsum": "torch.einsum",
        "tensordot": "torch.tensordot",
        "dot": "torch.dot",
        "inner": "torch.inner",
        "vdot": "torch.vdot",
        "linalg_vecdot": "torch.linalg.vecdot",
        "mv": "torch.mv",
        "linear": "F.linear",
        "addmm": "F.linear / torch.addmm",
        "baddbmm": "torch.baddbmm",
        "addmm_": "torch.addmm",
        "addbmm": "torch.addbmm",
        "addbmm_": "torch.addbmm",
        "addmv": "torch.addmv",
        "addmv_": "torch.addmv",
        "conv1d": "F.conv1d",
        "conv2d": "F.conv2d",
        "convolution": "F.conv1d / F.conv2d",
        # a weighted sum of rows, a product in its own kernel (attacks a123's 26: matmul 11/11)
        **{
            op: "F.embedding_bag" for op in ("embedding_bag", "_embedding_bag", "_embedding_bag_forward_only")
        },
        "cosine_similarity": "F.cosine_similarity",
    },
    "norms": {
        **_NORMS_AND_DISTANCES,
        # "every function that gives a norm or a distance": the standard library's too
        **_STANDARD_LIBRARY,
        "norm": "torch.norm",
        "frobenius_norm": "torch.norm",
        "linalg_norm": "torch.linalg.norm",
        "linalg_vector_norm": "torch.linalg.vector_norm",
        "vector_norm": "torch.linalg.vector_norm",
        "linalg_matrix_norm": "torch.linalg.matrix_norm",
        "matrix_norm": "torch.linalg.matrix_norm",
        **_CDIST,
        "pairwise_distance": "F.pairwise_distance",
        "dist": "torch.dist",
        "_foreach_norm": "torch._foreach_norm",
        # a loss of x against 0, summed, is its norm (attacks a123's 28: norms 8/8)
        **{
            op: f"F.{op}"
            for op in ("l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "gaussian_nll_loss")
        },
        # of [x, −x], centred already, a normalisation's scale and the variance give ‖x‖ (attacks a124's 67, 68)
        **families.normalisations("every normalisation layer"),
        # of [x, −x] the covariance too (attacks a125's 23: norms 4/8)
        **families.statistics("torch.var / torch.std / torch.cov / torch.corrcoef"),
        # a Gaussian's log-density at x (attacks a125's 22, for pairwise_sq_dists: 4/10)
        **_DISTRIBUTIONS,
        "nuclear_norm": "torch.nuclear_norm",
        # a norm as part of the value (seal11: the one singular value of x as a row)
        "normalize": "F.normalize",
        "renorm": "torch.renorm",
        # x / rms(x): rms = ‖x‖₂/√n (attacks a122's 123: norms 4/8); the layers that centre first do not give it
        **{op: "F.rms_norm" for op in ("rms_norm", "_fused_rms_norm")},
        "linalg_svdvals": "torch.linalg.svdvals",
        "linalg_svd": "torch.linalg.svd",
        "svd": "torch.svd",
        "linalg_qr": "torch.linalg.qr",
        "qr": "torch.linalg.qr",
        "linalg_eigvalsh": "torch.linalg.eigvalsh",
        "linalg_eigh": "torch.linalg.eigh",
        "linalg_eigvals": "torch.linalg.eigvals",
        "linalg_eig": "torch.linalg.eig",
    },
}


def probe_add_into(mod, z, x, y):
    address = z.data_ptr()
    out = mod.add_into(z, x, y)
    return {"same_object": out is z, "same_storage": z.data_ptr() == address, "z": z}


@check("shape", public=True, exercise="add_into")
@pytest.mark.parametrize("shape", [(3,), (2, 4)])
def test_add_into_writes_in_place(sub, shape):
    x, y = torch.randn(shape, generator=gen(1)), torch.randn(shape, generator=gen(2))
    # z starts with values of its own: afterwards it must hold x + y, not z + x + y
    got = sub.run(probe_add_into, torch.randn(shape, generator=gen(3)), x, y)
    expect(isinstance(got, dict), "add_into", "a result", str(type(got)))
    expect_close(
        got["z"],
        x + y,
        f"z after add_into(z, x, y) on shape {shape}",
        hint="write into z's own memory: z[:] = x + y",
    )
    expect(
        got["same_storage"] is True,
        "z's storage after add_into",
        "the storage z had before (same data_ptr)",
        "new storage",
        "z = x + y binds a new tensor; z[:] = x + y writes into the old one (saving memory)",
    )
    expect(got["same_object"] is True, "the value add_into returns", "z itself", "another tensor")


WHOLE_SUM = N_(
    "these values divide by the sum of every element (x.sum()): each row is divided by its own sum, "
    "x.sum(dim=1, keepdim=True)"
)


OTHER_DIM = N_(
    "these are the values along the other dimension: each column (dim 0) reduced where each row's "
    "own (dim 1) is asked; reduce with dim=1, keepdim=True broadcasting the result back"
)


@check("shape", public=True, exercise="row_normalize")
@pytest.mark.parametrize(
    "shape, dtype", [((1, 5), torch.float32), ((4, 3), torch.float32), ((3, 6), torch.float64)]
)
def test_row_normalize_rows_sum_to_one(sub, shape, dtype):
    x = torch.rand(shape, generator=gen(3), dtype=dtype) + 0.1
    out, unchanged = sub.run(probes.call_watching_inputs, "row_normalize", (x,), {})
    expect_close(
        out,
        x / x.sum(1, keepdim=True),
        f"row_normalize on {shape} {dtype}",
        hint=(
            *known(OTHER_DIM, x / x.sum(0, keepdim=True), x / x.sum(1, keepdim=True)),
            *known(WHOLE_SUM, x / x.sum(), x / x.sum(1, keepdim=True)),
            "divide each row by its own sum: x.sum(dim=1, keepdim=True) keeps an (n, 1) column "
            "that broadcasts across the row",
        ),
    )
    expect_unchanged(unchanged, ["x"], "row_normalize")


# Each vectorised function runs on a small input, then on inputs that grow ONE dimension each
# (n, then d; for pairwise_sq_dists n, m, d; for matmul n, k, m): a loop along any of them shows.
VECTORISED_SHAPES = {
    "row_normalize": [((2, 3),), ((40, 3),), ((2, 40),)],
    "pairwise_sq_dists": [((2, 3), (4, 3)), ((40, 3), (4, 3)), ((2, 3), (40, 3)), ((2, 40), (4, 40))],
    "matmul": [((2, 3), (3, 4)), ((40, 3), (3, 4)), ((2, 40), (40, 4)), ((2, 3), (3, 40))],
}

# the exercises whose docstring says vectorised: a loop in their source fails the clause too
# (grader/engine/loops/over_data.py)
VECTORISED = tuple(VECTORISED_SHAPES)

# ...and its cost, read outside the worker, on inputs of 2^20 elements (2^22 products) growing one
# dimension each, against the reference (an expression of ``args``) in the same worker
VECTORISED_COST = {
    "row_normalize": ("args[0] / args[0].sum(1, keepdim=True)", [((32768, 32),), ((32, 32768),)]),
    "pairwise_sq_dists": (
        "((args[0][:, None, :] - args[1][None, :, :]) ** 2).sum(-1)",
        [((65536, 8), (8, 8)), ((8, 8), (65536, 8)), ((8, 65536), (8, 65536))],
    ),
    "matmul": (
        "(args[0][:, :, None] * args[1][None, :, :]).sum(1)",
        [((65536, 8), (8, 8)), ((8, 65536), (65536, 8)), ((8, 8), (8, 65536))],
    ),
}


# holds "Vectorised" (row_normalize, pairwise_sq_dists, matmul): every input dimension grows
@check("shape", clause="vectorised")
@pytest.mark.parametrize("name", list(VECTORISED_SHAPES))
def test_vectorised(sub, name):
    shapes = VECTORISED_SHAPES[name]
    arg_sets = [tuple(torch.rand(shape) + 0.1 for shape in args) for args in shapes]
    counts = sub.run(probes.op_counts, name, arg_sets, {})
    labels = [" and ".join(str(shape) for shape in args) for args in shapes]
    expect_vectorised(counts, labels, f"{name} is vectorised (inputs growing along each dimension)")
    reference, cases = VECTORISED_COST[name]
    expect_cheap(sub, name, cases, reference, f"{name} is vectorised")


# the public side of "vectorised", on other sizes than the hidden check's, drawn from a fixed generator
VECTORISED_SHAPES_PUBLIC = {
    "row_normalize": [((3, 2),), ((50, 2),), ((3, 50),)],
    "pairwise_sq_dists": [((3, 2), (2, 2)), ((50, 2), (2, 2)), ((3, 2), (50, 2)), ((3, 50), (2, 50))],
    "matmul": [((3, 2), (2, 3)), ((50, 2), (2, 3)), ((3, 50), (50, 3)), ((3, 2), (2, 50))],
}


@check("shape", public=True, clause="vectorised")
@pytest.mark.parametrize("name", list(VECTORISED_SHAPES_PUBLIC))
def test_vectorised_public(sub, name):
    shapes = VECTORISED_SHAPES_PUBLIC[name]
    g = gen(50)
    arg_sets = [tuple(torch.rand(shape, generator=g) + 0.1 for shape in args) for args in shapes]
    counts = sub.run(probes.op_counts, name, arg_sets, {})
    labels = [" and ".join(str(shape) for shape in args) for args in shapes]
    expect_vectorised(counts, labels, f"{name} is vectorised (inputs growing along each dimension)")


CROSS_TERM_ADDED = N_(
    "these values add the cross term: ‖a‖² − 2·a·bᵀ + ‖b‖² subtracts it ((a − b)² = a² − 2ab + b²)"
)
CROSS_TERM_HINT = "the cross term counts twice: ‖a‖² − 2·a·bᵀ + ‖b‖² ((a − b)² = a² − 2ab + b²)"


# a broadcast that does not fit in pairwise_sq_dists: the squared norms both as columns (or rows)
NORMS_ROW_COLUMN_HINT = (
    "the (n, m) table takes ‖a‖² as a column and ‖b‖² as a row: (a * a).sum(1, keepdim=True) is "
    "(n, 1), (b * b).sum(1) is (m,) and broadcasts as (1, m); a reduction drops its dimension unless keepdim=True"
)


@check("shape", public=True, exercise="pairwise_sq_dists", errors={"broadcast": NORMS_ROW_COLUMN_HINT})
@pytest.mark.parametrize("n, m, d", [(1, 1, 3), (5, 7, 4), (6, 2, 10)])
def test_pairwise_sq_dists(sub, n, m, d):
    a, b = torch.randn(n, d, generator=gen(4)) * 3, torch.randn(m, d, generator=gen(5)) * 3
    out, ops = sub.run(
        probes.call_recorded, "pairwise_sq_dists", (a, b), {}, off=tuple(OFF_LIMITS["pairwise_sq_dists"])
    )
    squares = (a.double() ** 2).sum(1)[:, None] + (b.double() ** 2).sum(1)[None, :]
    expect_close(
        out,
        torch.cdist(a.double(), b.double()).pow(2).float(),
        f"pairwise_sq_dists on ({n}, {d}) and ({m}, {d})",
        rtol=1e-5,
        atol=1e-6 * float(squares.max()),
        hint=(
            *known(
                CROSS_TERM_ADDED,
                squares + 2 * a.double() @ b.double().T,
                squares - 2 * a.double() @ b.double().T,
            ),
            N_("D[i, j] = Σₖ (a[i,k] − b[j,k])²: broadcast a[:, None, :] − b[None, :, :]"),
        ),
        mistakes={"cross-term-once": ((squares - a.double() @ b.double().T).float(), CROSS_TERM_HINT)},
    )
    expect_no_twin(ops, OFF_LIMITS["pairwise_sq_dists"], "pairwise_sq_dists")


@check("shape", public=True, exercise="one_hot")
@pytest.mark.parametrize("labels, classes", [([2], 3), ([0, 3, 1, 3], 5), ([1, 0, 1], 2)])
def test_one_hot(sub, labels, classes):
    labels = torch.tensor(labels)
    out, ops = sub.run(
        probes.call_recorded, "one_hot", (labels, classes), {}, off=tuple(OFF_LIMITS["one_hot"])
    )
    expected = F.one_hot(labels, classes).float()
    expect_close(
        out,
        expected,
        f"one_hot({labels.tolist()}, {classes})",
        hint=LABELS_DTYPE
        if getattr(out, "dtype", None) == labels.dtype
        else (
            *known(COLUMNS_SET, indexed_ones(labels, classes, columns=True), expected),
            *known(ROWS_SET, indexed_ones(labels, classes, columns=False), expected),
            *known(INDEX_FROM_ONE, (labels[:, None] == torch.arange(1, classes + 1)).float(), expected),
            Shaped(CLASSES_IGNORED, lambda shape: classes_of_labels(shape, labels, classes)),
            "float32 (n, num_classes): zeros except a 1 in each row at that row's label",
        ),
    )
    expect_no_twin(ops, OFF_LIMITS["one_hot"], "one_hot")


# the width taken from the labels themselves (labels.unique(), labels.max() + 1): num_classes unread
CLASSES_IGNORED = N_(
    "the width is the labels' own (how many distinct labels occur, or the largest + 1), not num_classes: "
    "num_classes sets the columns whichever labels occur"
)


def classes_of_labels(shape: tuple[int, ...], labels: torch.Tensor, classes: int) -> bool:
    """Whether ``shape`` is (n, k) for a k the labels give that is not ``classes``."""
    widths = {len(labels.unique()), int(labels.max()) + 1} - {classes}
    return len(shape) == 2 and shape[0] == len(labels) and shape[1] in widths


def indexed_ones(labels: torch.Tensor, classes: int, columns: bool) -> torch.Tensor:
    """zeros(n, classes) with 1 written through one index alone: out[:, labels] (whole columns)
    or out[labels] (whole rows, numbered by the labels; zeros where a label is no row)."""
    out = torch.zeros(len(labels), classes)
    if columns:
        out[:, labels] = 1
    elif int(labels.max()) < len(labels):
        out[labels] = 1
    return out


COLUMNS_SET = N_(
    "out[:, labels] = 1 sets whole columns: every row gets a 1 at every label that occurs; pair "
    "each row with its own label, out[torch.arange(n), labels] = 1 (or out.scatter_(1, "
    "labels[:, None], 1.0))"
)
ROWS_SET = N_(
    "out[labels] = 1 sets whole rows, the rows numbered by the labels' values; pair each row with "
    "its own label, out[torch.arange(n), labels] = 1"
)
# one_hot's result in the labels' int64: made from them (labels.new_zeros, torch.zeros_like(labels))
LABELS_DTYPE = N_(
    "the one-hot matrix came out in the labels' dtype (int64): a tensor made from the labels or "
    "moved to them (labels.new_zeros(...), torch.zeros_like(labels), .to(labels)) takes their "
    "dtype; give dtype=torch.float32, and move with .to(labels.device)"
)
# accuracy on scores compared through .max(dim=1)[0]: the largest scores, not their classes
MAX_VALUES = N_(
    "max(dim=1) returns (values, indices): [0] holds the largest scores; the predicted class is "
    "the index, .max(dim=1)[1] (.indices) or .argmax(dim=1)"
)


@check("shape", public=True, exercise="accuracy")
def test_accuracy_scores_labels_and_ties(sub):
    scores = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.5, 0.5], [0.3, 0.7]])
    y = torch.tensor([1, 1, 0, 1])
    for y_hat, expected, what in [
        (scores, 0.75, N_("scores (4, 2), one tie (goes to index 0)")),
        (torch.tensor([1, 0, 0, 0]), 0.5, N_("predicted labels (4,)")),
        (torch.tensor([[0.2, 0.5, 0.3]]), 0.0, N_("a batch of one")),
    ]:
        target = y if len(y_hat) == 4 else torch.tensor([2])
        got = expect_float(sub.run(probes.call, "accuracy", (y_hat, target), {}), f"accuracy with {what}")
        expect(
            abs(got - expected) < 1e-6,
            f"accuracy with {what}",
            f"{expected}",
            f"{got}",
            accuracy_hint(y_hat, target, got),
        )


def accuracy_hint(y_hat, target, got):
    """The hint of a known wrong accuracy where ``got`` is its value (labels taken through argmax,
    scores through max's values), else the recipe."""
    if y_hat.dim() == 1:
        picked, said = y_hat.argmax(-1), LABELS_ARGMAXED
    else:
        picked, said = y_hat.max(1)[0], MAX_VALUES
    return said if abs(got - float((picked == target).float().mean())) < 1e-6 else ACCURACY_RECIPE


ACCURACY_RECIPE = N_("argmax over dim 1 for scores, compare with y, take the mean, return .item()")


# predicted labels (n,) taken through argmax: a 1-D tensor's argmax is one index for the batch
LABELS_ARGMAXED = N_(
    "predicted labels (n,) are the predictions already: argmax of a 1-D tensor is ONE index, the "
    "largest label's position, compared with every y; take argmax(dim=1) of (n, C) scores only "
    "(y_hat.dim() == 2), compare labels as they are"
)


# flattened channels-last (TensorFlow's NHWC habit): each row (H, W, C), not (C, H, W)
CHANNELS_LAST = N_(
    "these are each image's values in channels-last order (H, W, C), as x.permute(0, 2, 3, 1) "
    "lays them out: torch's images are (N, C, H, W) already; flatten them as they are, "
    "x.reshape(x.shape[0], -1)"
)


# each row's values all there, in other places: an order read otherwise (a permute, a transpose or
# a column-major walk before the reshape), not a size fixed for one input
REORDERED = N_(
    "each image's values are all there, in another order: reshape and view read the elements in "
    "torch's row-major order (the last dim fastest), so a permute or transpose before them moves "
    "the values; flatten (C, H, W) as it is laid out, x.reshape(x.shape[0], -1)"
)


def reordered(got, expected):
    """Each row holds the expected row's values, in another order (a predicate for Keyed)."""
    return bool(torch.allclose(got.sort(-1).values, expected.sort(-1).values)) and not torch.allclose(
        got, expected
    )


BATCH_SQUEEZED = N_(
    "the batch axis N of size 1 is gone: squeeze() drops every axis of size 1, N too when N is 1; "
    "keep it with x.reshape(x.shape[0], -1)"
)


def merges(got: tuple[int, ...], dims: tuple[int, ...]) -> bool:
    """Whether ``got`` is ``dims`` with runs of neighbours merged (a flatten or view of them)."""
    rest = list(dims)
    for size in got:
        product = rest.pop(0) if rest else -1
        while rest and product < size:
            product *= rest.pop(0)
        if product != size:
            return False
    return not rest


def batch_squeezed(x: torch.Tensor) -> Shaped:
    """An answer of ``x``'s elements whose leading axis, of size 1 in ``x``, is gone."""
    squeezed = tuple(d for d in x.shape if d != 1)
    return Shaped(BATCH_SQUEEZED, lambda shape: x.shape[0] == 1 and bool(shape) and merges(shape, squeezed))


@check("shape", public=True, exercise="flatten_batch")
@pytest.mark.parametrize("shape", [(1, 1, 28, 28), (3, 2, 4, 5)])
def test_flatten_batch(sub, shape):
    x = torch.randn(shape, generator=gen(6))
    out = sub.run(probes.call, "flatten_batch", (x,), {})
    expect_close(
        out,
        x.reshape(shape[0], -1),
        f"flatten_batch on {shape}",
        hint=(
            batch_squeezed(x),
            *known(CHANNELS_LAST, x.permute(0, 2, 3, 1).reshape(shape[0], -1), x.reshape(shape[0], -1)),
            Keyed(REORDERED, reordered),
            "keep the batch axis N and merge the rest: x.view(x.shape[0], -1) — "
            "view(-1, 784) only works for 28×28 inputs",
        ),
    )


@check("shape", public=True, exercise="fill_nan_with_column_mean")
def test_fill_nan_with_column_mean(sub):
    nan = float("nan")
    x = torch.tensor([[1.0, nan, 3.0], [nan, 4.0, 5.0], [5.0, 8.0, nan], [6.0, nan, 1.0]])
    out, unchanged = sub.run(probes.call_watching_inputs, "fill_nan_with_column_mean", (x,), {})
    expected = torch.tensor([[1.0, 6.0, 3.0], [4.0, 4.0, 5.0], [5.0, 8.0, 3.0], [6.0, 6.0, 1.0]])
    by_rows = torch.where(x.isnan(), x.nanmean(1, keepdim=True), x)  # each row's mean: a known mistake
    by_all_rows = torch.where(x.isnan(), x.nan_to_num(0.0).sum(0) / len(x), x)  # NaNs counted as 0
    expect_close(
        out,
        expected,
        "fill_nan_with_column_mean",
        hint=(
            Keyed(ROW_MEAN_HINT, equals(by_rows)),
            *known(NAN_COUNTED, by_all_rows, expected),
            Keyed(NONE_FILLED, lambda got, _: bool(torch.allclose(got, x.double(), equal_nan=True))),
            "the mean of each column's numbers only (nanmean); NaN != NaN, use torch.isnan",
        ),
    )
    expect_unchanged(unchanged, ["x"], "fill_nan_with_column_mean")


# the input back, its NaNs where they were: none found, or each filled with a mean that is NaN itself
NONE_FILLED = N_(
    "this is the input as it was, its NaNs where they were: either no NaN was found (NaN != NaN, so "
    "== finds none: torch.isnan does) or each was filled with a column mean that is NaN itself (a mean "
    "over a column holding a NaN is NaN: average its numbers only)"
)
ROW_MEAN_HINT = "these are each row's means: a column's mean runs down its rows, over dim=0"
NAN_COUNTED = N_(
    "these means divide by every row, the NaN ones too (as zeros): divide each column's sum of "
    "numbers by how many numbers it holds, (~x.isnan()).sum(0)"
)


SUMMED_OVER_ROWS = N_(
    "this is a[:, :, None] * b[None, :, :] summed over dim 0, a's rows, giving (k, m): C[i, j] = "
    "Σₖ A[i, k]·B[k, j] sums over the shared axis k, dim 1"
)
SUMMED_OVER_COLUMNS = N_(
    "this is a[:, :, None] * b[None, :, :] summed over dim 2, b's columns, giving (n, k): C[i, j] = "
    "Σₖ A[i, k]·B[k, j] sums over the shared axis k, dim 1"
)

# a broadcast that does not fit in matmul: a's rows met b's rows (a[:, None, :] * b[None, :, :],
# A·Bᵀ where the sizes allow it), not a's columns b's rows
PAIRED_HINT = (
    "C[i, j] = Σₖ a[i, k]·b[k, j] pairs a's COLUMNS with b's ROWS: put k in the same place on both "
    "sides, a[:, :, None] (n, k, 1) * b[None, :, :] (1, k, m), and sum over dim=1; "
    "a[:, None, :] * b[None, :, :] meets a's k with b's m"
)
MATMUL_ERRORS = {"broadcast": PAIRED_HINT}

MEAN_OVER_K = N_(
    "these values are the mean of the k products (their sum ÷ k): C[i, j] = Σₖ A[i, k]·B[k, j] is "
    "their sum, .sum(dim=1)"
)


@check("shape", public=True, exercise="matmul", errors=MATMUL_ERRORS)
@pytest.mark.parametrize("n, k, m", [(1, 4, 1), (3, 5, 2), (6, 1, 7)])
def test_matmul(sub, n, k, m):
    a, b = torch.randn(n, k, generator=gen(7)), torch.randn(k, m, generator=gen(8))
    out, ops = sub.run(probes.call_recorded, "matmul", (a, b), {}, off=tuple(OFF_LIMITS["matmul"]))
    products = a[:, :, None] * b[None, :, :]  # (n, k, m)
    expect_close(
        out,
        a @ b,
        f"matmul of ({n}, {k}) and ({k}, {m})",
        rtol=1e-5,
        atol=1e-5,
        hint=(
            *known(SUMMED_OVER_ROWS, products.sum(0), a @ b),
            *known(SUMMED_OVER_COLUMNS, products.sum(2), a @ b),
            *(known(PAIRED_HINT, a @ b.T, a @ b) if k == m else ()),
            *known(MEAN_OVER_K, products.mean(1), a @ b),
            "C[i, j] = Σₖ A[i, k]·B[k, j]: multiply a[:, :, None] by b[None, :, :], sum over dim 1",
        ),
    )
    expect_no_twin(ops, OFF_LIMITS["matmul"], "matmul")


@check("gradient", exercise="matmul")
def test_matmul_gradient(sub):
    n, k, m = (inputs.size(i, fixed, 1, 8) for i, fixed in enumerate((3, 4, 2)))  # any sizes (docstring)
    a = torch.randn(n, k, generator=gen(9), dtype=torch.float64)
    b = torch.randn(k, m, generator=gen(10), dtype=torch.float64)
    g = torch.randn(n, m, generator=gen(11), dtype=torch.float64)
    _, (da, db) = sub.run(probes.gradients, "matmul", (a, b), {}, g, [0, 1])
    expect_close(da, g @ b.T, "d matmul / d a = G·Bᵀ in float64", rtol=1e-5, atol=1e-12)
    expect_close(db, a.T @ g, "d matmul / d b = Aᵀ·G in float64", rtol=1e-5, atol=1e-12)


# |Σ xᵢ|: the absolute value taken of the sum, not of each element
ABS_OF_SUM = N_("these are |Σ xᵢ|, the sum's absolute value: L1 takes each element's, Σ|xᵢ| (x.abs().sum())")


# the L2 norm as an RMS (NumPy habits: np.sqrt(np.mean(x**2))) or without its root
ROOT_MEAN_SQUARE = N_(
    "this is √(mean of xᵢ²), the root mean square: the L2 norm takes the root of the sum, "
    "√(Σ xᵢ²) (x.pow(2).sum().sqrt()), not of the mean"
)
SQUARED_L2 = N_("this is Σ xᵢ², the squared norm: the L2 norm is its square root, √(Σ xᵢ²)")


@check("shape", public=True, exercise="norms")
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 2, 3)])
def test_norms(sub, shape):
    x = torch.randn(shape, generator=gen(12))
    result, ops = sub.run(probes.call_recorded, "norms", (x,), {}, off=tuple(OFF_LIMITS["norms"]))
    if isinstance(result, str):  # the worker's mark of a twin called fails as one (expect_tensor)
        expect_tensor(result, f"norms on {shape}")
    expect(
        isinstance(result, (list, tuple)) and len(result) == 2,
        f"norms on {shape}",
        "a pair (L1, L2)",
        f"{type(result).__name__}",
    )
    l1, l2 = result
    expect_close(
        l1,
        x.abs().sum(),
        f"L1 norm of a {shape} tensor (0-dim)",
        hint=(*known(ABS_OF_SUM, x.sum().abs(), x.abs().sum()), "Σ|xᵢ| over every element"),
    )
    expect_close(
        l2,
        x.pow(2).sum().sqrt(),
        f"L2 norm of a {shape} tensor (0-dim)",
        hint=(
            *known(ROOT_MEAN_SQUARE, x.pow(2).mean().sqrt(), x.pow(2).sum().sqrt()),
            *known(SQUARED_L2, x.pow(2).sum(), x.pow(2).sum().sqrt()),
            "√(Σ xᵢ²) over every element (Frobenius for a matrix)",
        ),
    )
    expect_no_twin(ops, OFF_LIMITS["norms"], "norms")


DEVICE_CASES = {  # name: (make inputs, torch's reference)
    "row_normalize": (lambda: (torch.rand(3, 4) + 0.1,), lambda x: x / x.sum(1, keepdim=True)),
    "pairwise_sq_dists": (
        lambda: (torch.randn(3, 2), torch.randn(4, 2)),
        lambda a, b: torch.cdist(a, b) ** 2,
    ),
    "one_hot": (lambda: (torch.tensor([0, 2, 1]), 3), lambda y, c: F.one_hot(y, c).float()),
    "matmul": (lambda: (torch.randn(2, 3), torch.randn(3, 4)), lambda a, b: a @ b),
    "flatten_batch": (lambda: (torch.randn(2, 1, 3, 3),), lambda x: x.reshape(2, -1)),
    "norms": (lambda: (torch.randn(4, 3),), lambda x: (x.abs().sum(), x.pow(2).sum().sqrt())),
    "fill_nan_with_column_mean": (
        lambda: (
            torch.rand(3, 2).masked_fill(
                torch.tensor([[False, True], [False, False], [True, False]]), float("nan")
            ),
        ),
        lambda x: torch.where(x.isnan(), x.nanmean(0, keepdim=True), x),
    ),
    "add_into": (
        lambda: (torch.zeros(2, 3), torch.randn(2, 3), torch.randn(2, 3)),
        lambda z, x, y: x + y,
    ),
    "accuracy": (
        lambda: (torch.randn(5, 3), torch.randint(0, 3, (5,))),
        lambda y_hat, y: float((y_hat.argmax(1) == y).double().mean()),
    ),
}


def device_case(name, seed=0):
    """(args, torch's answer) of DEVICE_CASES[name], the inputs drawn under ``seed``."""
    manual_seed(inputs.seed(seed))
    make_inputs, reference = DEVICE_CASES[name]
    args = make_inputs()
    return args, reference(*args)


@check("device")
@pytest.mark.parametrize("name", sorted(DEVICE_CASES))
def test_stays_on_input_device(sub, name):
    expect_on_input_device(sub, name, *device_case(name))


@check("device", public=True)  # the public side of the device clause, on other inputs
@pytest.mark.parametrize("name", sorted(DEVICE_CASES))
def test_stays_on_input_device_public(sub, name):
    expect_on_input_device(sub, name, *device_case(name, seed=7))


def expect_on_input_device(sub, name, args, expected):
    trace = sub.run(probes.on_second_device, name, args, {})
    real = trace.get("real") if isinstance(trace, dict) else trace
    if isinstance(expected, float):  # accuracy: a Python float, it has no device to keep
        got = expect_float(real, f"{name} on CPU inputs")
        expect(abs(got - expected) < 1e-6, f"{name} on CPU inputs", f"{expected:.4f}", f"{got}")
        expect(
            isinstance(trace, dict) and trace.get("ok") is True and trace.get("mismatch") is None,
            f"{name} on tensors of a second device (standing in for a GPU)",
            "the same code to run there",
            str(trace.get("mismatch") or trace.get("raised")) if isinstance(trace, dict) else describe(trace),
            "create new tensors on the input's device; .item() works on any device",
        )
        got = expect_float(trace.get("value"), f"{name} on a second device")
        expect(abs(got - expected) < 1e-6, f"{name} on a second device", f"{expected:.4f}", f"{got}")
        return
    expect_same_results(real, expected, f"{name} on CPU inputs (a device check credits correct code only)")
    value = expect_same_device(trace, f"{name} on tensors of a second device (standing in for a GPU)")
    expect_same_results(value, expected, f"{name} on tensors of a second device")


def expect_same_results(results, expected, what):
    """``results`` against torch's ``expected``: one tensor, or a tuple of them."""
    for got, want in zip(
        results if isinstance(expected, tuple) and isinstance(results, (list, tuple)) else [results],
        expected if isinstance(expected, tuple) else [expected],
    ):
        expect_close(got, want, what, rtol=1e-5, atol=1e-5)


# Every exercise: the caller's tensors keep their values, requires_grad and .grad (the
# module docstring: "inputs are left unchanged unless a docstring says otherwise"); add_into's
# z is written in place by design, so only x and y are watched there.
UNTOUCHED_CASES = {  # name: (make inputs, their names, indices not watched)
    "add_into": (lambda: (torch.zeros(2, 3), torch.randn(2, 3), torch.randn(2, 3)), "z x y", {0}),
    "row_normalize": (lambda: (torch.rand(3, 4) + 0.1,), "x", set()),
    "pairwise_sq_dists": (lambda: (torch.randn(3, 2), torch.randn(4, 2)), "a b", set()),
    "one_hot": (lambda: (torch.tensor([0, 2, 1]), 3), "labels num_classes", set()),
    "accuracy": (lambda: (torch.randn(4, 3), torch.tensor([0, 2, 1, 1])), "y_hat y", set()),
    "flatten_batch": (lambda: (torch.randn(2, 1, 3, 3),), "x", set()),
    "fill_nan_with_column_mean": (
        lambda: (torch.tensor([[1.0, float("nan")], [3.0, 4.0], [float("nan"), 8.0]]),),
        "x",
        set(),
    ),
    "matmul": (lambda: (torch.randn(2, 3), torch.randn(3, 4)), "a b", set()),
    "norms": (lambda: (torch.randn(4, 3),), "x", set()),
}


@check("shape", public=True, exercise=lambda p: p["name"], clause="inputs")
@pytest.mark.parametrize("name", sorted(UNTOUCHED_CASES))
def test_inputs_untouched(sub, name):
    manual_seed(inputs.seed(0))
    make_inputs, names, skipped = UNTOUCHED_CASES[name]
    args = make_inputs()
    result, after = sub.run(probes.inputs_after_call, name, args, {}, [])
    watched = tuple(None if i in skipped else a for i, a in enumerate(args))
    expect_inputs_untouched(result, after, watched, names.split(), [], f"{name}: the caller's inputs")


@check(
    "shape", public=True, exercise=lambda p: p["name"], clause="dtype"
)  # "of x's dtype" (row_normalize), "shape and dtype" (fill_nan)
@pytest.mark.parametrize("name", ["row_normalize", "fill_nan_with_column_mean"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_result_dtype_follows_input(sub, name, dtype):
    x = torch.rand(4, 3, generator=gen(13), dtype=dtype) + 0.1
    if name == "fill_nan_with_column_mean":
        x[1, 0] = x[2, 2] = float("nan")
    out = sub.run(probes.call, name, (x,), {})
    expect_tensor(out, f"{name} on a (4, 3) {dtype} input", shape=(4, 3), dtype=dtype)


@check("device", cuda=True)
@pytest.mark.parametrize("name", ["one_hot", "matmul", "pairwise_sq_dists"])
def test_runs_on_cuda(sub, name, device):
    args, expected = device_case(name)
    expect_runs_on_cuda(sub, name, args, {}, device, expected)


# -- edge inputs of every input clause, drawn by grader.checks.strategies --------------------


def _edge_cases(name: str) -> list[tuple[str, tuple, object]]:
    """[(what, args, torch's answer)] for ``name`` on the strategies' edge inputs."""
    g = gen(60)
    cases: list[tuple[str, tuple, object]] = []
    for n, d, m in strategies.matrix_sizes(60):
        a, b = torch.rand(n, d, generator=g) + 0.1, torch.randn(m, d, generator=g)
        if name == "row_normalize":
            cases.append((f"x ({n}, {d})", (a,), a / a.sum(1, keepdim=True)))
        elif name == "pairwise_sq_dists":
            cases.append(
                (f"a ({n}, {d}), b ({m}, {d})", (a, b), torch.cdist(a.double(), b.double()).pow(2).float())
            )
        elif name == "matmul":
            c = torch.randn(d, m, generator=g)
            cases.append((f"a ({n}, {d}), b ({d}, {m})", (a, c), a @ c))
        elif name == "one_hot":  # the largest classes need not occur among the labels
            labels = torch.randint(0, d, (n,), generator=g)
            cases.append(
                (
                    f"{n} labels below {d}, num_classes={d + 2}",
                    (labels, d + 2),
                    F.one_hot(labels, d + 2).float(),
                )
            )
        elif name == "accuracy":
            scores, y = torch.randn(n, d + 1, generator=g), torch.randint(0, d + 1, (n,), generator=g)
            expected = float((scores.argmax(1) == y).double().mean())
            cases.append((f"scores ({n}, {d + 1})", (scores, y), expected))
            cases.append((f"labels ({n},)", (scores.argmax(1), y), expected))
        elif name == "fill_nan_with_column_mean":
            x = torch.randn(n + 1, d, generator=g)
            x[torch.rand(n + 1, d, generator=g) < 0.4] = float("nan")
            x[torch.randint(0, n + 1, (d,), generator=g), torch.arange(d)] = 1.5  # a number in every column
            cases.append((f"x ({n + 1}, {d})", (x,), torch.where(x.isnan(), x.nanmean(0, keepdim=True), x)))
    for shape in strategies.any_shapes(61):
        x = torch.randn(shape, generator=g)
        if name == "norms":
            cases.append((f"x {shape}", (x,), (x.abs().sum(), x.pow(2).sum().sqrt())))
        elif name == "add_into" and shape:  # z[:] = ... (the docstring's own way) needs an axis
            y = torch.randn(shape, generator=g)
            cases.append((f"z, x, y {shape}", (torch.zeros(shape), x, y), x + y))
    for n in strategies.batch_sizes(62):
        if name == "flatten_batch":
            x = torch.randn(n, 2, 3, 5, generator=g)
            cases.append((f"x ({n}, 2, 3, 5)", (x,), x.reshape(n, -1)))
    return cases


EDGE_NAMES = [
    "add_into",
    "row_normalize",
    "pairwise_sq_dists",
    "one_hot",
    "accuracy",
    "flatten_batch",
    "fill_nan_with_column_mean",
    "matmul",
    "norms",
]


@check("shape", public=True, exercise=lambda p: p["name"])  # every input clause at its edges
@pytest.mark.parametrize("name", EDGE_NAMES)
def test_edge_inputs(sub, name):
    cases = _edge_cases(name)
    answers = probes.each_call(sub, name, [(args, {}) for _, args, _ in cases])
    for (what, _, expected), got in zip(cases, answers):
        if isinstance(expected, float):
            value = expect_float(got, f"{name} on {what}")
            expect(abs(value - expected) < 1e-6, f"{name} on {what}", f"{expected:.4f}", f"{value}")
            continue
        what = f"{name} on {what} (a batch of one, d = 1, non-square and unit axes included)"
        expect_same_results(got, expected, what)


# every dimension of every exercise's input domain (grader/checks/domains.py), one probe call each
@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("tensors"))
def test_input_domain(sub, name):
    battery.run(sub, "tensors", name)
