"""An error's cause and its concept: torch's messages of common mistakes (:data:`ERRORS`), and
the exception types whose names may name a cause ("error:RuntimeError", :func:`error_cause`):
Python's builtins' and torch's. A cause is the grader's word, read
by the instructor and the key a group note is stored under: a type the submission defined
(``class AliceSmith(Exception)``) names no group; it is "error:other"."""

from __future__ import annotations

import builtins
import re

from grader.base.i18n import N_, _

# torch's own exception types a graded function can raise, each with the module that defines it
# (tests/grader/test_causes.py finds each there); torch's C++ errors arrive as builtins' types.
TORCH_TYPES = {
    "OutOfMemoryError": "torch",
    "AcceleratorError": "torch",
    "_LinAlgError": "torch._C",  # torch.linalg.LinAlgError's own name
    "GradcheckError": "torch.autograd.gradcheck",
    "CheckpointError": "torch.utils.checkpoint",
    "CudaError": "torch.cuda",
    "DeferredCudaCallError": "torch.cuda",
}
BUILTIN_TYPES = frozenset(  # by their own names (IOError is OSError's alias: a worker says OSError)
    value.__name__
    for value in vars(builtins).values()
    if isinstance(value, type) and issubclass(value, BaseException)
)
EXCEPTION_TYPES = BUILTIN_TYPES | frozenset(TORCH_TYPES)
OTHER = "other"  # the cause's kind for any other type

# Values of other ecosystems' habits where a tensor is asked (grader/checks/hints/blamed.py names them
# on the learner's line too): the (values, indices) pair of x.max(dim), and NumPy's functions,
# arrays and scalars, which torch's tensors pass through only as NumPy arrays
VALUES_INDICES = N_(
    "x.max(dim), x.min(dim), sort, topk, median and mode along a dim return a pair, (values, "
    "indices), not a tensor: take the part you mean by its name (.values or .indices)"
)
NUMPY = N_(
    "a NumPy function given a tensor (or .numpy()) computes on a NumPy array, which knows no "
    "bfloat16, no GPU and no autograd graph: compute on tensors with torch's own functions, "
    "which keep the input's dtype, device and graph"
)

# torch's messages of common mistakes → (the cause's name, the concept behind it); a check's own
# hint for the error (the suite's `errors`, grader/engine/suites/plugin.py) comes first
ERRORS = tuple(
    (name, re.compile(pattern), hint)
    for name, pattern, hint in (
        (
            "broadcast",
            r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\)"
            r"(?: at non-singleton dimension (\d+))?",
            N_(
                "two tensors meet elementwise with sizes {0} and {1} in one dimension, where each "
                "must equal the other or be 1: print the shapes on that line. A reduction (sum, mean, "
                "var) removes the dimensions it reduces over: reduce over the ones you mean, and keep "
                "them with keepdim=True (an (n, 1) column) where the result meets its input"
            ),
        ),
        (
            "inplace-leaf",
            r"leaf Variable that requires grad is being used in an in-place operation",
            N_(
                "a tensor that requires grad was changed in place: where it is an input (x -= m on the "
                "caller's x), compute a new tensor instead (x = x - m) and leave the caller's as it was; "
                "where it is a parameter being updated, update it inside `with torch.no_grad():`"
            ),
        ),
        (
            "matmul-shapes",
            r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)",
            N_(
                "a matrix product needs the left operand's last size ({1}) to equal the right one's first "
                "({2}): print both shapes; a weight stored as (out, in) multiplies as x @ W.T"
            ),
        ),
        (
            "no-grad-fn",
            r"does not require grad and does not have a grad_fn",
            N_(
                "the tensor is not part of the graph: did it come from .detach(), .item(), torch.tensor(...) "
                "or a computation under torch.no_grad()?"
            ),
        ),
        (
            "device",
            r"Expected all tensors to be on the same device",
            N_("create new tensors on the input's device: torch.zeros(..., device=x.device)"),
        ),
        (
            "dtype",
            r"expected (scalar type|m1 and m2 to have the same dtype)|must have the same dtype",
            N_("the tensors mix dtypes: build new tensors with dtype=x.dtype (or torch.zeros_like(x))"),
        ),
        (
            "backward-not-scalar",
            r"grad can be implicitly created only for scalar outputs",
            N_(
                "backward() without an argument needs a scalar (a 0-dim tensor): reduce first "
                "(y.sum().backward()), or pass a gradient of y's shape (y.backward(torch.ones_like(y)))"
            ),
        ),
        (
            "no-cuda",
            r"Torch not compiled with CUDA enabled|No CUDA GPUs are available|Found no NVIDIA driver",
            N_(
                'this machine has no CUDA GPU: never hard-code .cuda() or "cuda"; put new tensors '
                "on the input's device (.to(x.device)) or on the device the caller passes"
            ),
        ),
        (
            "kernel-too-large",
            r"Kernel size can't be greater than actual input size|Output size is too small",
            N_(
                "each convolution and pooling shrinks the image, and a small input (8×8) runs out "
                "of pixels before this layer: pad the convolutions (padding=kernel_size // 2 keeps H "
                "and W), or, where the docstring leaves the layers to you, pool less"
            ),
        ),
        (
            "cat-sizes",
            r"Sizes of tensors must match except in dimension (\d+)"
            r"(?:\. Expected size (\d+) but got size (\d+))?",
            N_(
                "torch.cat joins along dim={0}, and every other dimension must match: feature maps "
                "(N, C, H, W) with different channel counts join along the channels, dim=1"
            ),
        ),
        (
            "empty-stack",
            r"stack expects a non-empty TensorList",
            N_(
                "torch.stack got an empty list: the loop that fills it ran zero times; check its "
                "range: positions start at 0 (Python counts from 0) and end at H − kh, range(H − kh + 1) "
                "(a window as large as the input still fits once)"
            ),
        ),
        (
            "unfold-size",
            r"maximum size for tensor at dimension (\d+) is (\d+) but size is (\d+)",
            N_(
                "unfold slides a window of {2} along dim {0}, which holds only {1}: unfold the dims the "
                "window moves along (an image batch is (N, C, H, W): H and W are dims 2 and 3), or the "
                "window is larger than the input"
            ),
        ),
        (
            "channels",
            r"expected input\[[^\]]*\] to have (\d+) channels, but got (\d+) channels",
            N_(
                "the convolution was built for {0} input channels but got {1}: what reaches it has "
                "the wrong channel count (a dry run's zeros in __init__ take the model's in_channels: "
                "torch.zeros(1, in_channels, H, W)), or its in_channels is not that of what reaches "
                "it (the data's, or the previous layer's out_channels)"
            ),
        ),
        (
            "batch-norm-channels",
            r"running_mean should contain (\d+) elements not (\d+)",
            N_(
                "batch norm was built for {1} channels but got {0}: num_features is its input's channel count"
            ),
        ),
        (
            "long-indices",
            r"expected target dtype to be Long|'indices' to have one of the following scalar types",
            N_(
                "class labels and embedding indices are integer tensors (torch.long): convert with "
                ".long() or build them with dtype=torch.long"
            ),
        ),
        (
            "input-dtype",
            r"Input type \(\w+\) and (?:bias|weight) type \(\w+\) should be the same",
            N_(
                "the input's dtype differs from the layer's weights: convert the input "
                "(x.to(layer.weight.dtype)) or build the tensor with the weights' dtype"
            ),
        ),
        (
            "integer-mean",
            r"could not infer output dtype\. Input dtype must be either a floating point",
            N_("mean() of an integer or bool tensor: convert it first with .float()"),
        ),
        (
            "split-zero",
            r"split_size can only be 0 if dimension size is 0",
            N_(
                "a split size of n // k is 0 when k > n, and makes more than k parts when k does "
                "not divide n: torch.tensor_split(x, k) makes k parts whose sizes differ by at most one"
            ),
        ),
        (
            "view-contiguous",
            r"view size is not compatible with input tensor's size and stride",
            N_(
                "view() needs contiguous memory, which .t(), .transpose() and .permute() do not "
                "keep: use .reshape(...)"
            ),
        ),
        (
            "reshape-size",
            r"shape '\[[^\]]*\]' is invalid for input of size (\d+)",
            N_(
                "view and reshape keep the number of elements ({0}): let -1 stand for the size to "
                "work out, as in x.reshape(x.shape[0], -1)"
            ),
        ),
        (
            "dim-range",
            r"Dimension out of range",
            N_("the tensor has fewer dimensions than the dim given: print x.shape (dim=-1 is the last)"),
        ),
        ("values-indices", r"torch\.return_types\.\w+", VALUES_INDICES),
        ("numpy", r"Got unsupported ScalarType \w+", NUMPY),
        (
            "numpy-of-grad",
            r"Can't call numpy\(\) on Tensor that requires grad",
            N_("a tensor in the autograd graph becomes a NumPy array through x.detach().cpu().numpy()"),
        ),
        (
            "backward-twice",
            r"Trying to backward through the graph a second time",
            N_(
                "backward() frees the graph it went through: compute the loss again for each "
                "backward() (inside the loop)"
            ),
        ),
        (
            "rnn-input-size",
            r"input\.size\(-1\) must be equal to input_size\. Expected (\d+), got (\d+)",
            N_(
                "the RNN was built for {0} features per step but got {1}: its input_size is the "
                "width of what reaches it, vocab_size for a one-hot (F.one_hot(idx) is only "
                "max(idx) + 1 wide: give num_classes=vocab_size), embed_dim after an embedding"
            ),
        ),
        (
            "bool-ambiguous",
            r"Boolean value of Tensor with (?:more than one value|no values) is ambiguous",
            N_(
                "`if t:` (and `and`, `or`, `not`) asks a tensor of several values for one truth "
                "value: test an optional argument with `if bias is not None:`, and values with "
                "(t > 0).any() or .all()"
            ),
        ),
        (
            "inplace-modified",
            r"modified by an inplace operation",
            N_(
                "an in-place op (x += …, x[...] = …, relu_) changed a tensor autograd kept for "
                "backward(): use the out-of-place form (x = x + …)"
            ),
        ),
    )
)
# In a module (a class exercise) a matrix product that does not fit is a layer's, and tensors
# that do not broadcast are a layer's output and what it is added to (a skip connection).
LAYER_HINTS = {
    "matmul-shapes": N_(
        "the layer expects inputs of size {2} in their last dimension but got {1}: an in_features "
        "fixed for one input size (by hand, or by a dry run at a fixed size) fails at any other; "
        "where the input's height and width may vary, compute it from the size the model is given "
        "(a dry run on zeros of that size in __init__) or pool to 1×1 before flattening "
        "(nn.AdaptiveAvgPool2d(1)) so that in_features is the channel count; otherwise print the "
        "shape reaching the layer and set in_features from it"
    ),
    "broadcast": N_(
        "a layer's output and the tensor it meets differ in size ({0} and {1}): a convolution "
        "without padding shrinks H and W (padding=kernel_size // 2 keeps them), so a skip "
        "connection no longer matches; print both shapes"
    ),
}
# a skip connection whose H, W differ as a stride leaves them (:func:`_strided`): the padding
# hint would send the learner to the wrong layer
STRIDED = N_(
    "a layer's output and the tensor it meets differ in size ({0} and {1}) as a stride leaves "
    "them: a block's stride belongs to both its paths, its first convolution and its shortcut's "
    "projection (a 1×1 convolution with that stride, then batch norm); the path that kept the larger size lacks it"
)
# a skip connection whose H, W differ as a stride leaves them and as a convolution without
# padding may too (8 and 4: ⌈8/2⌉, or 8 − 4): both told, the stride's place first (a block with
# the stride on both convolutions, both padded, was told of padding alone)
STRIDED_OR_UNPADDED = N_(
    "a layer's output and the tensor it meets differ in size ({0} and {1}), as a stride leaves "
    "them (one side about half the other) or a convolution without padding: a block's stride "
    "belongs to its first convolution and its shortcut's projection alone, and "
    "padding=kernel_size // 2 keeps H and W; print the shape after each layer"
)
# feature maps joined along the channels, one branch's H, W about 1/s of the others' and no
# missing padding can explain (8 and 3: more than a 5×5 kernel takes): a pooling stepping by its
# kernel size, the default stride of F.avg_pool2d / F.max_pool2d (:func:`_pool_strided`)
POOL_STRIDED = N_(
    "the tensors joined along dim=1 (the channels) must match in every other dimension, but one "
    "has size {2} where the first has {1}, as a stride leaves it: a pooling's stride defaults to "
    "its kernel size (F.avg_pool2d(x, 3) steps by 3); a branch that keeps H and W pools with "
    "stride=1 and padding=1; print each branch's shape"
)
# A kind whose words name the dimension that disagreed, where that dimension decides the cause:
# (kind, the dimension, whether in a module) → the hint for it, instead of the kind's own.
BY_DIMENSION: dict[tuple[str, str | None, bool], str] = {
    # feature maps (N, C, H, W) joined along the channels differ in H or W: a branch shrank them
    ("cat-sizes", "1", True): N_(
        "the tensors joined along dim=1 (the channels) must match in every other dimension, "
        "but one has size {2} where the first has {1}: a branch whose convolution or pooling has "
        "too little padding shrinks H and W (padding=kernel_size // 2 keeps them); print each "
        "branch's shape"
    ),
    # a skip connection whose channel count changes: no padding can fix that
    ("broadcast", "1", True): N_(
        "a layer's output and the tensor it meets differ in dimension 1, the channels ({0} and "
        "{1}): where a block changes the channel count or the stride, the shortcut needs a "
        "projection (a 1×1 convolution with that stride, then batch norm) to match"
    ),
}


def error_cause(kind: str, words: str) -> str:
    """The cause of an error from the exception's type (``kind``, "" when none) and its own
    words (torch's, never the grader's translated ones): its kind among :data:`ERRORS`, else
    the exception's type, builtins' or torch's ("error:AttributeError"; any other
    "error:other"), else "error"."""
    for name, pattern, _hint in ERRORS:
        if pattern.search(words):
            return f"error:{name}"
    return f"error:{kind if kind in EXCEPTION_TYPES else OTHER}" if kind else "error"


def error_hint(message: str, exercise: str = "", cause: str | None = None) -> str:
    """The concept hint for torch's error in ``message`` ("" when none matches); given the
    check's ``cause`` (:func:`error_cause`), only that kind's, so that the hint follows the
    verdict and never other words of the message; ``exercise`` a class (a module) words a
    matrix product's or a broadcast's mismatch as its layers' (:data:`LAYER_HINTS`)."""
    for name, pattern, hint in ERRORS:
        found = pattern.search(message) if cause is None or cause == f"error:{name}" else None
        if found:
            module = exercise[:1].isupper()
            strided = _strided(found.groups()) if module and name == "broadcast" else ""
            if module and name == "cat-sizes" and _pool_strided(found.groups()):
                return _(POOL_STRIDED).format(*found.groups())
            chosen = BY_DIMENSION.get((name, _dimension(name, found.groups()), module)) or (
                strided or (LAYER_HINTS[name] if module and name in LAYER_HINTS else hint)
            )
            return _(chosen).format(*found.groups())
    return ""


def _strided(groups: tuple[str | None, ...]) -> str:
    """The hint for two sizes as a stride leaves them: :data:`STRIDED` where no missing padding
    can (7 and 4: ⌈7/2⌉; a padding takes an even number away, kernel_size − 1 per odd kernel),
    :data:`STRIDED_OR_UNPADDED` where one could too (8 and 4); "" for neither."""
    if len(groups) < 2 or None in groups[:2]:
        return ""
    small, big = sorted(int(g) for g in groups[:2] if g is not None)
    if not any(small == -(-big // s) for s in (2, 3, 4)):
        return ""
    return STRIDED if (big - small) % 2 == 1 else STRIDED_OR_UNPADDED


def _pool_strided(groups: tuple[str | None, ...]) -> bool:
    """Whether a cat's other size (``groups``: dimension, first size, other size) is what a stride
    leaves and no missing padding can: at most half the first, and more than a 5×5 kernel takes."""
    if len(groups) < 3 or None in groups or groups[0] != "1":
        return False
    big, small = int(groups[1] or 0), int(groups[2] or 0)
    return small * 2 <= big and big - small > 4


def _dimension(name: str, groups: tuple[str | None, ...]) -> str | None:
    """The dimension an error's words say disagreed (:data:`BY_DIMENSION`), None when unsaid."""
    if not groups or None in groups:
        return None
    return groups[2] if name == "broadcast" else groups[0]
