# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Tensors — 张量, 数据操作, 线性代数.

A tensor is an n-dimensional array: ``x.shape`` says how many elements lie along each
axis, ``x.dtype`` what they are. Most of the work in deep learning is done by a handful of
operations on whole tensors at once:

- element-wise arithmetic, and **broadcasting** (广播): shapes (n, d) and (n, 1) combine
  by stretching the axis of size 1, so ``x / x.sum(dim=1, keepdim=True)`` divides every row
  by its own sum;
- **reductions** (降维): ``sum``, ``mean``, ``max`` along an axis make it disappear (or keep
  it with size 1 when ``keepdim=True``);
- **views**: ``x.view(-1, 784)`` reshapes without copying;
- writing into existing memory (节省内存): ``Z[:] = X + Y`` keeps Z's storage.

How your code is checked (``grade exercises/ --topic tensors``): values against torch within
rtol=1e-5, atol=1e-6 unless a docstring says otherwise; shapes and dtypes; that functions
marked *vectorised* use no Python loop over the data (the number of tensor operations they
run must not grow with the input size: a loop over the two arguments or over a shape is fine, so
is a ``.item()`` in a check of the inputs, and code that runs only to raise an error; a loop in a
helper, or in a helper file you import, counts like your own); that they avoid the torch functions their docstring
puts off limits; that they keep to the input's device; and that inputs are left unchanged
unless a docstring says otherwise. Inputs may be non-contiguous views (``x.T``, slices) unless a docstring says contiguous:
use ``reshape`` where ``view`` would fail.
"""

from __future__ import annotations

import math  # noqa: F401 (norms' docstring names math.hypot and math.dist: off limits)

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Write x + y into z in place and return z (``Z[:] = X + Y``, 节省内存).

    x, y and z share one shape (at least one dimension, as ``Z[:]`` needs) and dtype. Afterwards
    z holds x + y in the same storage it had before (``z.data_ptr()`` unchanged) — no new tensor
    is bound to the name. Returns z itself. x and y are unchanged.
    """
    raise NotImplementedError("add_into: assign into z[:] (or use an out= / in-place op)")


def row_normalize(x: Tensor) -> Tensor:
    """Scale each row of x so that it sums to 1: x / x.sum(dim=1, keepdim=True).

    x: (n, d) floating point, non-negative, every row with a positive sum.
    Returns (n, d) of x's dtype. Vectorised (降维 + 广播): no Python loop over rows.
    """
    raise NotImplementedError("row_normalize: divide by the row sums, kept as an (n, 1) column")


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """Squared Euclidean distances between every row of a and every row of b.

    a: (n, d), b: (m, d) floating point. Returns D (n, m) with D[i, j] = Σₖ (a[i,k] − b[j,k])².
    Vectorised by broadcasting ((n, 1, d) against (1, m, d)) or by the expansion
    |a|² − 2·a·bᵀ + |b|²; values may be clamped at 0. The check's tolerance is 1e-5 of
    |a[i]|² + |b[j]|², with no absolute floor (rows near the origin count too). Off limits:
    ``torch.cdist``, ``torch.pdist``, ``F.pairwise_distance`` and
    the losses built on it (``F.triplet_margin_loss``), and every function that gives a norm or a
    distance (a norm of the differences, squared, is the answer).
    """
    raise NotImplementedError("pairwise_sq_dists: broadcast a[:, None, :] against b[None, :, :]")




def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """Fraction of correct predictions (分类精度) as a Python float in [0, 1].

    y_hat: either scores (n, c) with c ≥ 2 — the prediction is the argmax over dim 1, ties going
    to the first maximal index — or predicted labels (n,). y: int64 labels (n,).
    """
    raise NotImplementedError("accuracy: argmax if 2-D, compare with y, mean, .item()")


def flatten_batch(x: Tensor) -> Tensor:
    """Flatten every sample of a batch: contiguous (N, C, H, W) → (N, C·H·W).

    The notes' ``x.view(-1, 784)`` for MNIST; N = 1 included. A view or a copy.
    """
    raise NotImplementedError("flatten_batch: keep the batch axis, merge the others")


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """Fill missing values (处理缺失值, 插值法): each NaN becomes the mean of its column's numbers.

    x: (n, d) floating point; every column holds at least one number. Returns a new tensor
    of x's shape and dtype; x itself is unchanged.
    """
    raise NotImplementedError("fill_nan_with_column_mean: mean over non-NaN entries per column")


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Matrix product (矩阵乘法) C = A·B, C[i, j] = Σₖ A[i, k]·B[k, j].

    a: (n, k), b: (k, m) floating point; returns (n, m). Vectorised by broadcasting and a sum
    (e.g. (n, k, 1) · (1, k, m) summed over k). Off limits: ``@``, ``torch.mm``,
    ``torch.matmul``, ``torch.bmm``, ``torch.einsum``, ``torch.tensordot``, ``torch.dot``,
    ``torch.inner``, ``torch.vdot``, ``torch.linalg.vecdot``, ``torch.mv``, ``F.linear``,
    ``torch.addmm``, ``torch.baddbmm``, ``torch.addbmm``, ``torch.addmv``, ``F.conv1d``,
    ``F.conv2d``, ``F.embedding_bag`` (a weighted sum of rows), torch's other matrix products,
    every function that gives a norm or a distance (⟨a, b⟩ = (‖a‖² + ‖b‖² − ‖a − b‖²)/2) and
    ``F.cosine_similarity``.
    """
    raise NotImplementedError("matmul: multiply broadcast copies, then sum over the shared axis")


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """The L1 and L2 norms (范数) of all elements of x, any shape.

    Returns two 0-dim tensors: L1 = Σ|xᵢ| and L2 = √(Σ xᵢ²) (for a matrix: the Frobenius norm).
    Off limits: ``torch.norm``, ``torch.linalg.norm``, ``torch.linalg.vector_norm``,
    ``torch.linalg.matrix_norm``, ``torch.nuclear_norm``, ``torch.cdist``,
    ``F.pairwise_distance``, ``torch.dist``, ``torch._foreach_norm`` (every function that gives a
    norm or a distance, the standard library's ``math.hypot`` and ``math.dist`` too, and the
    regression losses ``F.l1_loss``, ``F.mse_loss``, ``F.smooth_l1_loss``, ``F.huber_loss``,
    ``F.gaussian_nll_loss``: against 0, summed, one is a norm), ``torch.var`` and ``torch.std`` and
    every normalisation layer (of [x, −x] they give ‖x‖), and those
    that give one as part of their value: ``F.normalize``, ``F.rms_norm``, ``torch.renorm``, and
    the decompositions ``torch.linalg.svdvals``, ``torch.linalg.svd``, ``torch.svd``,
    ``torch.linalg.qr``, ``torch.linalg.eigvalsh``, ``torch.linalg.eigh``,
    ``torch.linalg.eigvals``, ``torch.linalg.eig``.
    """
    raise NotImplementedError("norms: abs().sum() and the square root of the sum of squares")


# ---------------------------------------------------------------------------
# one_hot — the function one_hot from MVPR-Group/radar-lidar-fusion,
# torchplus/nn/functional.py (commit cb3879877f257e259677c30a8924f09e0bc56ca4),
# taken unchanged under the name torchplus_one_hot; the stub's one_hot(labels,
# num_classes) calls it with depth = num_classes and its other defaults.
# ---------------------------------------------------------------------------
def torchplus_one_hot(tensor, depth, dim=-1, on_value=1.0, dtype=torch.float32):
    tensor_onehot = torch.zeros(                 #torch.Size([3, 50000, 11])
        *list(tensor.shape), depth, dtype=dtype, device=tensor.device)
    tensor_onehot.scatter_(dim, tensor.unsqueeze(dim).long(), on_value)
    return tensor_onehot


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    return torchplus_one_hot(labels, num_classes)
