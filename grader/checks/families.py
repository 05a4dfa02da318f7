"""Families of torch ops, each declared once by what it computes inside its own kernel (a norm, a
matrix product, a recurrence, a spectrum...), read off the dispatcher's op names: a suite's
``OFF_LIMITS`` puts a family off limits wherever its exercise computes that thing, in the words its
docstring uses (tests/grader/test_off_limits.py holds both sides equal)."""

from __future__ import annotations

import re

from grader.checks.inputs import torch_ops

_NORMALISATIONS = ("batch", "group", "instance", "layer", "rms")


def _ops(pattern: str, words: str, leave: tuple[str, ...] = ()) -> dict[str, str]:
    """{op: words} for every forward op whose name matches ``pattern`` and holds none of ``leave``."""
    return {
        op: words
        for op in torch_ops()
        if re.search(pattern, op) and "backward" not in op and not any(part in op for part in leave)
    }


def norms_and_distances(words: str) -> dict[str, str]:
    """Each op torch registers as a norm or a distance, not a normalisation layer's."""
    return _ops(r"dist|(^|_)norm($|_)", words, ("is_distributed", *_NORMALISATIONS))


def decompositions(words: str) -> dict[str, str]:
    """The SVD, QR and eigen decompositions: a vector's norm is its one singular value."""
    return _ops(r"(^|_)(svd|svdvals|qr|geqrf|eig|eigh|eigvals|eigvalsh)$", words)


def normalisations(words: str) -> dict[str, str]:
    """Every normalisation layer's op: of values centred already, its scale is their RMS."""
    return _ops(r"(batch|group|instance|layer|rms)_norm", words)


def matrix_products(words: str) -> dict[str, str]:
    """Every op named for a matrix product (mm, bmm, addmm, the sparse and packed ones)."""
    return _ops(r"mm(_|$)", words)


def recurrences(words: str) -> dict[str, str]:
    """The recurrent layers' and cells' ops (RNN, LSTM, GRU; fused, quantized and backends')."""
    return _ops(r"lstm|gru|rnn", words)


def spectra(words: str) -> dict[str, str]:
    """torch.fft's ops: a convolution is a product of spectra."""
    return _ops(r"fft", words)


def hinges(words: str) -> dict[str, str]:
    """The losses with a hinge, max(0, ·), in their value."""
    return _ops(r"margin_ranking|hinge|multi_margin|multilabel_margin|triplet_margin", words)
