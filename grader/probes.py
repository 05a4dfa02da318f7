"""Generic probes shared by the suites.

A probe runs in the worker as ``probe(mod, *args)`` with ``mod`` the submitted module;
its source is shipped there, so a probe may use only its arguments and the worker's
probe namespace (``torch``, ``nn``, ``F``, ``math``, ``kit``) — no other globals.
Each returns plain data for the trusted judge.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from grader.sandboxed import probe_kit as kit


def call(mod, name, args, kwargs):
    """``mod.name(*args, **kwargs)``."""
    return getattr(mod, name)(*args, **kwargs)


def call_recorded(mod, name, args, kwargs):
    """(result, names of the torch functions and aten ops the call used)."""
    return kit.ops_used(lambda: getattr(mod, name)(*args, **kwargs))


def gradients(mod, name, args, kwargs, upstream, wrt):
    """(output, grads): backward of sum(output · upstream) to the positional args in ``wrt``."""
    leaves = [a.detach().clone().requires_grad_(i in wrt) if isinstance(a, torch.Tensor) else a
              for i, a in enumerate(args)]
    out = getattr(mod, name)(*leaves, **kwargs)
    (out * upstream).sum().backward()
    return out, [leaves[i].grad for i in wrt]


def directional_difference(mod, name, args, kwargs, upstream, index, direction, eps):
    """(L(x + εv), L(x − εv), dL/dx) for L = sum(f(...) · upstream), x = args[index]."""
    def loss(x):
        shifted = list(args)
        shifted[index] = x
        return (getattr(mod, name)(*shifted, **kwargs) * upstream).sum()
    x = args[index].detach().clone().requires_grad_(True)
    loss(x).backward()
    with torch.no_grad():
        plus = loss(args[index] + eps * direction)
        minus = loss(args[index] - eps * direction)
    return plus, minus, x.grad


def on_meta(mod, name, args, kwargs):
    """Run on the real inputs, then on ``meta`` copies under CUDA's same-device rule.

    Returns the device trace with the real result under ``"real"``, so that a suite can
    insist on a correct answer before it credits device handling.
    """
    real = getattr(mod, name)(*args, **kwargs)
    meta = [a.to("meta") if isinstance(a, torch.Tensor) else a for a in args]
    trace = kit.device_trace(lambda: getattr(mod, name)(*meta, **kwargs))
    return {**kit.devices_of_result(trace), "real": real}


def on_device(mod, name, args, kwargs, device):
    """(result moved to the CPU, the device the result was on) for inputs moved to ``device``."""
    moved = [a.to(device) if isinstance(a, torch.Tensor) else a for a in args]
    out = getattr(mod, name)(*moved, **kwargs)
    return out.cpu(), str(out.device)


def call_watching_inputs(mod, name, args, kwargs):
    """(result, for each tensor argument: were its values left as they were?)."""
    before = [a.detach().clone() if isinstance(a, torch.Tensor) else None for a in args]
    result = getattr(mod, name)(*args, **kwargs)
    unchanged = [b is None or (b.shape == a.shape and bool(torch.equal(b.nan_to_num(7.0), a.detach().nan_to_num(7.0))))
                 for a, b in zip(args, before)]
    return result, unchanged


def op_counts(mod, name, arg_sets, kwargs):
    """How many aten ops ``mod.name`` dispatches for each argument set (vectorisation)."""
    return [kit.count_ops(lambda: getattr(mod, name)(*args, **kwargs))[1] for args in arg_sets]


def train_classifier(mod, cls, args, kwargs, x_train, y_train, x_test, seed, epochs, lr, batch_size=64):
    """Train ``mod.cls(*args, **kwargs)`` with Adam and cross-entropy on seeded shuffled mini-batches;
    return its scores on the held-out inputs (their labels stay with the judge)."""
    torch.manual_seed(seed)
    model = getattr(mod, cls)(*args, **kwargs)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    order = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(x_train), generator=order).split(batch_size):
            loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        return model(x_test)
