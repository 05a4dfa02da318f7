"""Charged by the code that runs, not by who is on the stack: a function of the
module handed to an allowed helper and run by it (``log_softmax(x, then=(_twin, t))``) is its
caller's code, recorded as such; the helper's own body (what its code names: its nested code, the
module's functions and classes it calls by name, a partial's function) still charges nothing."""

from __future__ import annotations

import types

import pytest
import torch

from grader.sandboxed import probe_kit as kit

pytestmark = pytest.mark.unit

HANDED = """
import functools

import torch
import torch.nn.functional as F


def _twin(logits, target):
    return F.cross_entropy(logits, target)


def _lse(x, dim):
    return torch.logsumexp(x, dim, keepdim=True)


def log_softmax(x, dim=-1, then=None):
    if then is not None:
        return then[0](x, then[1])
    return x - _lse(x, dim)


def cross_entropy(logits, target):
    return log_softmax(logits, 1, then=(_twin, target))


def honest(logits, target):
    return -log_softmax(logits, 1).gather(1, target.unsqueeze(1)).mean()


def _floor(x, low):
    return torch.clamp(x, min=low)


relu = functools.partial(_floor, low=0.0)


def hard_sigmoid(x):
    return relu(x + 0.5) - relu(x - 0.5)
"""


def _module() -> types.ModuleType:
    mod = types.ModuleType("losses")
    exec(compile(HANDED, "losses.py", "exec"), mod.__dict__)
    return mod


def test_a_function_handed_to_a_helper_is_charged_to_its_caller():
    mod = _module()
    logits, target = torch.randn(4, 3), torch.tensor([0, 2, 1, 0])
    _, ops = kit.ops_used(lambda: mod.cross_entropy(logits, target), mod, ("log_softmax",))
    assert ops.get("cross_entropy", {}).get("function") == "_twin", ops


def test_what_a_helper_names_is_its_own_body():
    mod = _module()
    logits, target = torch.randn(4, 3), torch.tensor([0, 2, 1, 0])
    _, ops = kit.ops_used(lambda: mod.honest(logits, target), mod, ("log_softmax",))
    assert "logsumexp" not in ops and ops["gather"]["function"] == "honest", ops
    _, ops = kit.ops_used(lambda: mod.hard_sigmoid(torch.randn(3)), mod, ("relu",))
    assert "clamp" not in ops and ops["sub"]["function"] == "hard_sigmoid", ops
