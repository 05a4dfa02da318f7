# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Losses — 损失函数, 交叉熵, KL 散度, LogSumExp.

A loss measures how far predictions are from the truth. Regression uses the mean
squared error (MSE, 均方误差) or its robust cousins; classification turns scores into
probabilities with sigmoid / softmax and measures them with cross-entropy (交叉熵):
BCELoss is the two-class special case of CrossEntropyLoss.

Numbers on a computer are bounded, so ``exp(1000)`` is ``inf``. The notes' fix is the
exp-normalize trick, LogSumExp: subtract the row maximum before exponentiating,

    log Σ exp(xᵢ) = m + log Σ exp(xᵢ − m),   m = max xᵢ,

which changes nothing mathematically and keeps every exp ≤ 1.

How your code is checked (``grade exercises/ --topic losses``):
- values against torch's own functions, float32 within rtol=1e-5, atol=1e-6 unless a
  docstring says otherwise; at logits of ±1000 within atol = 8·eps·max|x|; float64 values
  within rtol=1e-7 (no atol: tiny values in the tails count too); float16 within rtol=1e-2,
  atol=1e-3;
- gradients in float64 (rtol=1e-7), against finite differences and torch's autograd, away from
  kinks such as x = 0 (where autograd picks one of several subgradients);
- that each function avoids the torch functions its docstring puts off limits;
- that it runs on the device of its inputs (no tensor created on the CPU by default).
Every function must accept tensors that require grad and stay differentiable.
Inputs may be non-contiguous views (``x.T``, slices) unless a docstring says contiguous:
use ``reshape`` where ``view`` would fail.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """Mean squared error (均方误差): the squared differences (ŷ − y)², reduced.

    Args:
        y_hat, y: tensors of one shape (any shape), floating point.
        reduction: ``"mean"`` (average of all elements, a 0-dim tensor), ``"sum"``
            (their sum, 0-dim) or ``"none"`` (the element-wise squares, same shape). Inputs
            whose sum of squares overflows their dtype are not tried.
    Returns:
        As for ``torch.nn.functional.mse_loss(y_hat, y, reduction=reduction)``.
    Off limits: ``F.mse_loss``, ``nn.MSELoss`` and torch's other regression losses
    (``F.huber_loss``, ``F.smooth_l1_loss``, ``F.gaussian_nll_loss``, ``nn.HuberLoss``,
    ``nn.SmoothL1Loss``, ``nn.GaussianNLLLoss``), and every function that gives a norm or a
    distance (‖ŷ − y‖₂² is the summed loss), ``F.normalize`` and ``F.rms_norm`` among them, with
    the decompositions that give one as a value (SVD, QR, eigenvalues).
    """
    raise NotImplementedError("mse: square the differences, then apply the reduction")


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """Mean absolute error: |ŷ − y| reduced like :func:`mse` (``"mean" | "sum" | "none"``).

    Equal to ``F.l1_loss(y_hat, y, reduction=reduction)``, which is off limits
    (as are ``nn.L1Loss`` and torch's other regression losses: ``F.huber_loss``,
    ``F.smooth_l1_loss``, ``nn.HuberLoss``, ``nn.SmoothL1Loss``; and every function that gives a
    norm or a distance, ``F.normalize`` among them, with the decompositions that give one as a
    value: ‖ŷ − y‖₁ is the summed loss).
    """
    raise NotImplementedError("l1: absolute differences, then the reduction")


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Huber loss: quadratic near zero, linear (L1) beyond the threshold δ.

    With d = ŷ − y, each element contributes 0.5·d² where |d| ≤ δ and δ·(|d| − 0.5·δ)
    elsewhere; the result is the mean over all elements, a 0-dim tensor, equal to
    ``F.huber_loss(y_hat, y, delta=delta)``. The two pieces meet with equal value and
    slope at |d| = δ, so the loss is smooth yet not dominated by outliers. Any finite d: where
    |d| > δ only the linear piece counts, even where d² would overflow.
    Off limits: ``F.huber_loss``, ``F.smooth_l1_loss`` (and ``nn.HuberLoss``, ``nn.SmoothL1Loss``).
    """
    raise NotImplementedError("huber: pick 0.5*d**2 or delta*(|d| - 0.5*delta) per element")


def sigmoid(x: Tensor) -> Tensor:
    """The logistic function σ(x) = 1 / (1 + e^(−x)), element-wise, same shape and dtype.

    Must be numerically stable: no inf or NaN in the value or the gradient for |x| ≥ 100
    (e^(−x) overflows for large negative x; for x < 0 use the equal form e^x / (1 + e^x)). In
    float64 the tails count too (σ(−700) ≈ 1e−304 is not 0). The gradient at exactly x = 0 is
    not judged.
    Off limits: ``torch.sigmoid``, ``F.sigmoid``, ``Tensor.sigmoid``,
    ``torch.special.expit``, and the functions that give σ as part of their value:
    ``F.logsigmoid``, ``F.glu``, ``F.silu``, ``torch.softmax``, ``F.softmax``,
    ``torch.log_softmax``, ``F.log_softmax`` (over the pair (x, 0), the first is σ(x)),
    ``F.scaled_dot_product_attention``, ``nn.MultiheadAttention``, ``F.multi_head_attention_forward``,
    ``nn.TransformerEncoderLayer`` (their weights are a softmax), and the recurrent layers whose
    gates are σ: ``nn.LSTM``, ``nn.GRU``, ``nn.LSTMCell``, ``nn.GRUCell``, and softplus's gradient
    taken inside the call (σ is its derivative; ``F.softplus`` itself is allowed).
    """
    raise NotImplementedError("sigmoid: 1 / (1 + exp(-x)), written so that no exp overflows")


def bce(p: Tensor, y: Tensor) -> Tensor:
    """Binary cross-entropy on probabilities (BCELoss, 逻辑斯蒂回归), mean over all elements.

        loss = −mean( y·log p + (1 − y)·log(1 − p) )

    p holds probabilities in [0, 1]; y labels in [0, 1] (soft labels allowed), same shape.
    Like ``F.binary_cross_entropy``, each log is floored at −100 so that p = 0 or 1 gives
    a finite loss. Checked within rtol=1e-5. Off limits: ``F.binary_cross_entropy``,
    ``nn.BCELoss``, and the losses equal to it over two classes: ``F.cross_entropy``, ``F.nll_loss``,
    or of the log-odds: ``F.binary_cross_entropy_with_logits``.
    """
    raise NotImplementedError("bce: -(y*log p + (1-y)*log(1-p)), logs clamped at -100, mean")


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """Binary cross-entropy on raw scores z (logits): mean of −[y·log σ(z) + (1 − y)·log(1 − σ(z))].

    Must be stable at logits of ±1000: log σ(z) = −softplus(−z) and
    log(1 − σ(z)) = −softplus(z), with softplus(z) = max(z, 0) + log1p(e^(−|z|)).
    Equal to ``F.binary_cross_entropy_with_logits`` (off limits, as are
    ``nn.BCEWithLogitsLoss`` and the losses that equal it: ``F.multilabel_soft_margin_loss``,
    ``F.soft_margin_loss`` and their modules, ``F.cross_entropy`` and ``F.nll_loss`` over the pair
    (0, z)); ``F.softplus`` and ``F.logsigmoid`` are allowed.
    In float64 the tails count: where every term is below an ulp of 1 (logits near ±40 on
    the side their labels say) the loss is about 1e−17, not 0; log(1 + u) rounds such a
    term away, log1p(u) keeps it. There the check allows rtol=0.75: torch's own function
    and softplus(z) − y·z keep the terms of one label only, half of that loss.
    """
    raise NotImplementedError("bce_with_logits: use the softplus form, never sigmoid then log")




def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """log(softmax(x)) along ``dim``, computed as (x − m) − log Σⱼ exp(xⱼ − m) (LogSumExp).

    Same shape and dtype as x; finite at logits of ±1000 (taking the log of a softmax
    that underflowed to 0 gives −inf). Same functions off limits as :func:`softmax`.
    """
    raise NotImplementedError("log_softmax: x - m - log(sum(exp(x - m)))")


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """Cross-entropy of a softmax classifier (交叉熵), mean over the batch, a 0-dim tensor.

    Args:
        logits: (n, c) raw scores.
        target: either (n,) int64 class indices — loss = mean(−log softmax(logits)[i, target[i]]) —
            or (n, c) one-hot vectors / probabilities of any dtype —
            loss = mean over rows of −Σⱼ target[i, j]·log softmax(logits)[i, j].
            Tell them apart by shape (the notes' np.array one-hot vs LongTensor labels).
    Equal to ``F.cross_entropy(logits, target)``; stable at logits of ±1000.
    Off limits: ``F.cross_entropy``, ``F.nll_loss``, ``F.log_softmax``, ``torch.log_softmax``
    (and ``nn.CrossEntropyLoss``), ``torch.distributions`` (a Categorical's log_prob),
    ``F.ctc_loss`` (over one step it is −log p of the target), ``F.kl_div`` (KL plus the targets'
    entropy is the cross-entropy);
    your own :func:`log_softmax` is fine.
    """
    raise NotImplementedError("cross_entropy: -log_softmax at the target, averaged over rows")


def entropy(p: Tensor) -> Tensor:
    """Entropy H(p) = −Σ p·log p over the last dim, natural log, with 0·log 0 = 0.

    p (..., k) holds probability vectors; the result has shape ``p.shape[:-1]``, one value per
    row. Off limits: ``torch.special.entr``, ``torch.distributions``, ``F.kl_div`` (−KL(p‖1) is
    H(p)), ``F.cross_entropy`` (with logits log p and soft targets p it is H(p)). Allowed: ``torch.xlogy`` (and ``torch.special.xlogy``), which gives 0·log 0 = 0.
    """
    raise NotImplementedError("entropy: -sum(p * log p) over the last dim, treating 0*log 0 as 0")


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """KL divergence KL(p‖q) = Σ p·log(p / q) over the last dim (KL 散度), natural log.

    p and q (..., k) hold probability vectors; the result has shape ``p.shape[:-1]``.
    Terms with p = 0 contribute 0; where q = 0 < p the divergence is +inf.
    Off limits: ``F.kl_div``, ``torch.special.entr``, ``torch.distributions``, ``F.cross_entropy``
    (over soft targets p with logits log q it is −Σ p·log q). Allowed: ``torch.xlogy`` (and
    ``torch.special.xlogy``).
    """
    raise NotImplementedError("kl_div: sum of p * (log p - log q), 0 where p == 0")


# ---------------------------------------------------------------------------
# softmax — taken as found from SaudxInu/language-modeling-from-scratch,
# assignment1-basics/cs336_basics/nn/modules/softmax.py
# (commit 9bf49c718f13bf40640dbdd4fb62288bc5a66b07). The file's unused
# `from einops import einsum, reduce` (einops is not installed here) and
# `import torch.nn as nn` are left out; the function is unchanged.
# ---------------------------------------------------------------------------
def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    x = x - torch.max(x, dim=dim, keepdim=True)[0]
    x = torch.exp(x)
    x = x / torch.sum(x, dim=dim, keepdim=True)
    return x
