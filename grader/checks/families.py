"""Families of torch ops, each declared once by what it computes inside its own kernel (a norm, a
matrix product, a recurrence, a spectrum...), read off the dispatcher's op names: a suite's
``OFF_LIMITS`` puts a family off limits wherever its exercise computes that thing, in the words its
docstring uses (tests/grader/test_off_limits.py holds both sides equal)."""

from __future__ import annotations

import functools
import re

import torch.nn.functional as F

from grader.checks.inputs import torch_ops
from grader.sandboxed.probe_kit import GRADIENT_TAKEN

_NORMALISATIONS = ("batch", "group", "instance", "layer", "rms")


@functools.cache
def _names() -> frozenset[str]:
    """Every op torch registers, and every public function of ``torch.nn.functional`` (the recorder
    sees those written in Python by their own names: ``F.triplet_margin_with_distance_loss``)."""
    functions = {name for name in dir(F) if not name.startswith("_") and callable(getattr(F, name))}
    return torch_ops() | functions


def _ops(pattern: str, words: str, leave: tuple[str, ...] = ("backward",)) -> dict[str, str]:
    """{op: words} for every op or function whose name matches ``pattern`` and holds none of
    ``leave`` (forward ops only, by default)."""
    return {op: words for op in _names() if re.search(pattern, op) and not any(part in op for part in leave)}


def norms_and_distances(words: str) -> dict[str, str]:
    """Each op torch registers as a norm or a distance, not a normalisation layer's, and the power-average
    poolings (an Lp pooling over a whole row is its p-norm)."""
    return _ops(r"dist|(^|_)norm($|_)|lp_pool", words, ("backward", "is_distributed", *_NORMALISATIONS))


def decompositions(words: str) -> dict[str, str]:
    """The SVD, QR and eigen decompositions: a vector's norm is its one singular value."""
    return _ops(r"(^|_)(svd|svdvals|qr|geqrf|eig|eigh|eigvals|eigvalsh)$", words)


def normalisations(words: str, kinds: str = "batch|group|instance|layer|rms") -> dict[str, str]:
    """Every normalisation layer's op (of ``kinds``): of values centred already, its scale is their RMS."""
    return _ops(rf"({kinds})_norm", words)


def matrix_products(words: str) -> dict[str, str]:
    """Every op named for a matrix product (mm, bmm, addmm, the sparse and packed ones)."""
    return _ops(r"mm(_|$)", words)


def recurrences(words: str) -> dict[str, str]:
    """The recurrent layers' and cells' ops (RNN, LSTM, GRU; fused, quantized and backends')."""
    return _ops(r"lstm|gru|rnn", words)


_FUSED_RNNS = r"_cudnn_rnn$|miopen_rnn$|mkldnn_rnn_layer$"


def _with_vf(ops: dict[str, str]) -> dict[str, str]:
    """``ops`` and the public ones as ``torch._VF`` names them too (its functions call them)."""
    return ops | {f"_VF.{op}": words for op, words in ops.items() if not op.startswith("_")}


def gated_recurrences(words: str) -> dict[str, str]:
    """The LSTM's and GRU's ops and the fused layers': their gates are σ (mkldnn_rnn_layer shows none)."""
    return _with_vf(_ops(rf"lstm|gru|{_FUSED_RNNS}", words))


def tanh_recurrences(words: str) -> dict[str, str]:
    """The recurrent ops that compute tanh: the gated ones' and the tanh RNN's."""
    return _with_vf(_ops(rf"lstm|gru|rnn_tanh|{_FUSED_RNNS}", words))


def convolutions(words: str) -> dict[str, str]:
    """Every op torch registers for a convolution (not a conversion)."""
    return _ops(r"conv(?!ert)", words)


def max_poolings(words: str) -> dict[str, str]:
    """Every max pooling's op, of any dimension, with indices or not."""
    return _ops(r"max_pool", words)


def dropouts(words: str) -> dict[str, str]:
    """Every dropout's op: dropout1d on one value a channel is dropout."""
    return _ops(r"dropout", words)


def ctc_losses(words: str) -> dict[str, str]:
    """CTC's ops: one step of CTC is −log p of the target."""
    return _ops(r"ctc_loss", words)


def attentions(words: str, layers: str | None = None, backward: bool = False) -> dict[str, str]:
    """torch's attention kernels and the softmax they run (their weights are a softmax of the scores),
    their backward kernels too with ``backward``, and with ``layers`` the fused attention layers' ops."""
    found = _ops(r"scaled_dot_product|^_safe_softmax$", words, () if backward else ("backward",))
    if layers is not None:
        found |= _ops(r"multi_head_attention|transformer_encoder_layer", layers)
    return found


def spectra(words: str) -> dict[str, str]:
    """torch.fft's ops: a convolution is a product of spectra."""
    return _ops(r"fft", words)


def hinges(words: str) -> dict[str, str]:
    """The losses with a hinge, max(0, ·), in their value."""
    return _ops(r"margin_ranking|hinge|multi_margin|multilabel_margin|triplet_margin", words)


def gradients_inside(by_name: bool = True) -> dict[str, str]:
    """A gradient taken inside the call, however it is taken (the value is the gradient of an allowed
    function: σ of softplus's or logaddexp(x, 0)'s, tanh of logaddexp(x, −x)'s, a one-hot of a picked
    entry's): ``.backward()``, ``torch.autograd.grad``, a node's ``grad_fn`` called by hand, as the
    saved tensors it reads tell (the probe kit's hooks). ``by_name``: the functions named too, where
    no check takes a gradient inside its recorded calls (a custom Function's own does)."""
    named = {
        "backward": ".backward()",
        "grad": "torch.autograd.grad",
        "_run_backward": ".backward() / torch.autograd.grad",
        "run_backward": ".backward() / torch.autograd.grad",
    }
    return {**(named if by_name else {}), GRADIENT_TAKEN: ".backward() / torch.autograd.grad / grad_fn"}


def statistics(words: str) -> dict[str, str]:
    """The variance, the standard deviation and the covariance (of [x, −x], centred already, each
    gives ‖x‖ up to a factor)."""
    return _ops(r"^(var|std|cov|corrcoef)(_mean)?$", words)


def losses(words: str) -> dict[str, str]:
    """Every loss torch has (a loss exercise computes a loss: another computes it, or its parts)."""
    return _ops(r"loss|kl_div|cross_entropy|(^|_)nll", words)


def fake_quantizations(words: str) -> dict[str, str]:
    """torch's fake quantisations: each clamps its input to a range (and rounds it to a step)."""
    return _ops(r"fake_quant", words)


def distributions() -> dict[str, str]:
    """``torch.distributions``, named whole: it computes log-densities, entropies and divergences in ops
    of its own that no op name shows, so the source's naming it is what is read (grader/engine/subset/twins.py)."""
    return {"distributions": "torch.distributions"}
