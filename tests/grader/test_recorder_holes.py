"""The worker's recorder of off-limits calls (grader/sandboxed/probe_kit.py) is never starved into
silence nor sidestepped by a helper that runs its caller's code (the blind attacks 25, 26, 29).

Each case was seen scoring on the branch start (sigmoid 8/10 and entropy 7/8.5 on the twin by
recursion starvation; cross_entropy 19/19 and hard_sigmoid_from_relus 5/5 by a trampoline)."""

from __future__ import annotations

import types

import pytest
import torch

from grader.sandboxed import probe_kit as kit

pytestmark = pytest.mark.unit


def module(source: str) -> types.ModuleType:
    mod = types.ModuleType("losses")
    exec(compile(source, "losses.py", "exec"), mod.__dict__)
    return mod


# -- recursion starvation ---------------------------------------------------------------------

STARVING = """
import sys
import torch

_SG = getattr(torch, "sig" + "moid")


def _room():
    n = 0
    def down():
        nonlocal n
        n += 1
        down()
    try:
        down()
    except RecursionError:
        return n


def _depth():
    # the lowest limit the interpreter takes here: found without ever reaching the limit
    old, n = sys.getrecursionlimit(), 1
    while True:
        try:
            sys.setrecursionlimit(n)
            break
        except RecursionError:
            n += 1
    sys.setrecursionlimit(old)
    return n


def twin_call(headroom, twin, *args):
    old = sys.getrecursionlimit()
    here = _depth() + headroom - 1 if headroom else old - _room() + 1
    try:
        sys.setrecursionlimit(here)
        return twin(*args)
    except RecursionError:
        return None
    finally:
        sys.setrecursionlimit(old)


def sigmoid(x, headroom=0):
    return twin_call(headroom, _SG, x)
"""


@pytest.mark.parametrize("headroom", range(30))
def test_a_twin_called_with_the_recorder_starved_of_stack_is_still_the_twin(headroom):
    """0: the attacker's probe of the room left (it recurses to the limit); N: the limit set N above
    the lowest it can be set to there, without ever reaching it first. Before, the recorder overflowed at 1-6 frames
    and the call came back as None: an ordinary failure, while the unrecorded checks passed on the
    twin."""
    mod = module(STARVING)
    x = torch.linspace(-3, 3, 7)
    for off in ((), ("sigmoid",)):
        result, ops = kit.ops_used(lambda: mod.sigmoid(x, headroom), mod, (), off)
        charged = isinstance(result, str) and result.startswith(kit.OFF_LIMITS_MARK)
        assert charged or "sigmoid" in ops, (headroom, off, result, ops)


def test_a_starved_call_is_judged_as_the_twin_with_its_own_words():
    from grader.checks.judging import judge
    from grader.checks.verdict.failed import TwinUsed

    with pytest.raises(TwinUsed, match="recursion limit, where the grader could not record it"):
        judge.expect_tensor(kit.OFF_LIMITS_MARK + kit.STARVED + ">", "sigmoid")


# -- a helper that runs its caller's code -----------------------------------------------------

TRAMPOLINE = """
import torch
import torch.nn.functional as F

_CE = getattr(F, "cross_" + "entropy")


def _shift(x, dim):
    return x - torch.logsumexp(x, dim, keepdim=True)


def log_softmax(x, dim=-1, _then=None):
    if _then is not None:
        return _then()
    def inner(y):
        return _shift(y, dim)
    return inner(x)


def cross_entropy(logits, target):
    return log_softmax(logits, 1, _then=lambda: _CE(logits, target))


def honest(logits, target):
    return -log_softmax(logits, 1).gather(1, target.unsqueeze(1)).mean()
"""


def test_a_lambda_of_the_caller_run_by_a_helper_is_the_callers():
    """Before, every op made while the helper was on the stack was left out: cross_entropy 19/19
    and hard_sigmoid_from_relus 5/5 on their twins."""
    mod = module(TRAMPOLINE)
    logits, target = torch.randn(4, 3), torch.tensor([0, 2, 1, 0])
    _, ops = kit.ops_used(lambda: mod.cross_entropy(logits, target), mod, ("log_softmax",))
    assert ops["cross_entropy"]["function"] == "cross_entropy.<locals>.<lambda>", ops


def test_a_helpers_own_body_still_charges_nothing_to_its_caller():
    """Its nested function and the module's private function it calls are the helper's."""
    mod = module(TRAMPOLINE)
    logits, target = torch.randn(4, 3), torch.tensor([0, 2, 1, 0])
    _, ops = kit.ops_used(lambda: mod.honest(logits, target), mod, ("log_softmax",))
    assert "logsumexp" not in ops and "sub" not in ops, ops
    assert ops["gather"]["function"] == "honest", ops
