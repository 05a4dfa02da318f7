"""A twin under another kernel's name: ``F.scaled_dot_product_attention``
computes a softmax of its scores (with an identity key and value, the softmax of the query's rows;
over the pair (x, 0), σ(x)): the exercises that put softmax off limits put it off limits too, and
the recorder's names of its kernels are charged as it."""

from __future__ import annotations

import importlib.util
import types

import pytest
import torch
import torch.nn.functional as F
from helpers import REPO

from grader.sandboxed import probe_kit as kit

pytestmark = pytest.mark.unit


def _suite(topic: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"_composites_{topic}", REPO / "tests" / "suites" / f"suite_{topic}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _attended(x: torch.Tensor) -> torch.Tensor:
    """softmax(x, -1) as attention weights: an identity key and value (a strided view too)."""
    eye = torch.eye(x.shape[-1], dtype=x.dtype).reshape(1, 1, x.shape[-1], x.shape[-1])
    return F.scaled_dot_product_attention(x.reshape(1, 1, -1, x.shape[-1]).mT.mT, eye, eye, scale=1.0)


@pytest.mark.parametrize(
    ("topic", "exercise"),
    [("losses", "softmax"), ("losses", "log_softmax"), ("losses", "sigmoid"), ("autograd", "Sigmoid")],
)
def test_attention_is_a_softmax_twin(topic, exercise):
    off = _suite(topic).OFF_LIMITS[exercise]
    x = torch.randn(3, 2)
    result, ops = kit.ops_used(lambda: _attended(x), off=tuple(off))
    assert set(ops) & set(off), sorted(ops)
