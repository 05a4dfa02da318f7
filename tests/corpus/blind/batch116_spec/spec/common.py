"""Shared helpers for the batch83 specs: entries, comparisons, proofs (plain torch, no grader)."""
from __future__ import annotations

import contextlib
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

ENTRIES: list[dict] = []


def M(topic, name, exercise, what, inp, code, witness, imports=""):
    ENTRIES.append(dict(kind="mistake", topic=topic, name=name, exercise=exercise, what=what, input=inp,
                        code=code, check=witness, imports=imports))


def K(topic, name, exercise, what, code, check, imports="", verified="values", inp="seeded allowed inputs"):
    ENTRIES.append(dict(kind="correct", topic=topic, name=name, exercise=exercise, what=what, code=code,
                        check=check, imports=imports, verified=verified, input=inp))


def X(topic, name, exercise, what, sentence, code, proof, imports="", inp=""):
    ENTRIES.append(dict(kind="contract", topic=topic, name=name, exercise=exercise, what=what, violated=sentence,
                        code=code, check=proof, imports=imports, input=inp))


# ---------- comparison ----------
def same(a, b, rtol=1e-5, atol=1e-6, path="out"):
    """None when a (reference) and b (candidate) agree, else a reason."""
    if isinstance(a, torch.Tensor):
        if not isinstance(b, torch.Tensor):
            return f"{path}: tensor expected, got {type(b).__name__}"
        if a.shape != b.shape:
            return f"{path}: shape {tuple(a.shape)} vs {tuple(b.shape)}"
        if a.dtype != b.dtype:
            return f"{path}: dtype {a.dtype} vs {b.dtype}"
        if a.device != b.device:
            return f"{path}: device {a.device} vs {b.device}"
        if a.device.type == "meta":
            return None
        if a.dtype == torch.bool or not a.is_floating_point():
            return None if torch.equal(a, b) else f"{path}: values differ"
        if not torch.allclose(a.detach(), b.detach(), rtol=rtol, atol=atol, equal_nan=True):
            d = (a.detach() - b.detach()).abs()
            d = torch.where(torch.isnan(d), torch.full_like(d, math.inf), d)
            return f"{path}: values differ (max |diff| {d.max().item():.3g})"
        return None
    if isinstance(a, (tuple, list)):
        if not isinstance(b, (tuple, list)) or len(a) != len(b):
            return f"{path}: sequence {type(a).__name__}[{len(a)}] vs {type(b).__name__}"
        for i, (x, y) in enumerate(zip(a, b)):
            r = same(x, y, rtol, atol, f"{path}[{i}]")
            if r:
                return r
        return None
    if isinstance(a, bool) or a is None:
        return None if a == b else f"{path}: {a!r} vs {b!r}"
    if isinstance(a, (int, float)):
        if isinstance(b, torch.Tensor) or not isinstance(b, (int, float)):
            return f"{path}: {type(a).__name__} expected, got {type(b).__name__}"
        if isinstance(a, int) and not isinstance(a, bool) and type(b) is not int:
            return f"{path}: int expected, got {type(b).__name__} {b!r}"
        if math.isnan(a) and math.isnan(b):
            return None
        return None if math.isclose(a, b, rel_tol=rtol, abs_tol=atol) else f"{path}: {a!r} vs {b!r}"
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def run_safe(fn, M):
    try:
        return True, fn(M)
    except Exception as e:  # noqa: BLE001
        return False, e


def differs(run, rtol=1e-5, atol=1e-6, cmp=None):
    """A witness: run(module) on an allowed input; differ = candidate raises, or output differs."""
    def witness(R, C):
        torch.manual_seed(0)
        ok, r = run_safe(run, R)
        if not ok:
            raise AssertionError(f"reference raised on the witness input: {r!r}")
        torch.manual_seed(0)
        ok, c = run_safe(run, C)
        if not ok:
            return f"candidate raises {type(c).__name__}: {str(c)[:120]}"
        return (cmp or (lambda a, b: same(a, b, rtol, atol)))(r, c)
    return witness


def agree(gen, run, n=25, rtol=1e-5, atol=1e-6, cmp=None):
    """A correct-variant check: on n seeded allowed inputs, candidate agrees with the reference."""
    def check(R, C):
        for seed in range(n):
            torch.manual_seed(seed)
            inputs = gen(seed)
            torch.manual_seed(10_000 + seed)
            ok, r = run_safe(lambda M: run(M, inputs), R)
            if not ok:
                raise AssertionError(f"reference raised (seed {seed}): {r!r}")
            torch.manual_seed(10_000 + seed)
            ok, c = run_safe(lambda M: run(M, inputs), C)
            if not ok:
                return f"seed {seed}: candidate raises {c!r}"
            why = (cmp or (lambda a, b: same(a, b, rtol, atol)))(r, c)
            if why:
                return f"seed {seed}: {why}"
        return None
    return check


def all_of(*checks):
    def check(R, C):
        for c in checks:
            r = c(R, C)
            if r:
                return r
        return None
    return check


def clone_inputs(inputs):
    return [x.detach().clone().requires_grad_(x.requires_grad) if isinstance(x, torch.Tensor) else x for x in inputs]


def with_grads(fn, *tensors):
    """Evaluate fn on float64 leaves and return (out, grads of a random projection)."""
    leaves = [t.detach().clone().requires_grad_(True) for t in tensors]
    out = fn(*leaves)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    g = torch.Generator().manual_seed(123)
    total = sum((o * torch.randn(o.shape, generator=g, dtype=o.dtype)).sum() for o in outs)
    grads = torch.autograd.grad(total, leaves, allow_unused=True)
    return out, [torch.zeros_like(l) if gr is None else gr for l, gr in zip(leaves, grads)]


# ---------- contract proofs ----------
class Recorder(TorchFunctionMode):
    def __init__(self):
        super().__init__()
        self.names: list[str] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.names.append(getattr(func, "__qualname__", None) or getattr(func, "__name__", str(func)))
        return func(*args, **(kwargs or {}))


def op_count(fn):
    with Recorder() as r:
        fn()
    return len(r.names)


@contextlib.contextmanager
def patched(targets):
    """Patch (owner, attr) pairs with recording wrappers; yields the list of hits."""
    hits: list[str] = []
    saved = []
    for owner, attr in targets:
        orig = getattr(owner, attr)
        saved.append((owner, attr, orig))

        def wrapper(*a, _orig=orig, _name=f"{getattr(owner, '__name__', owner)}.{attr}", **k):
            hits.append(_name)
            return _orig(*a, **k)
        setattr(owner, attr, wrapper)
    try:
        yield hits
    finally:
        for owner, attr, orig in saved:
            setattr(owner, attr, orig)


def calls_forbidden(run, targets, method_names=()):
    """Proof: candidate calls one of targets (patched attrs) or Tensor methods named; reference doesn't."""
    def proof(R, C):
        found = {}
        for label, M in (("ref", R), ("cand", C)):
            with patched(targets) as hits, Recorder() as rec:
                run(M)
            meth = [n for n in rec.names if n.split(".")[-1] in method_names]
            found[label] = hits + meth
        if found["ref"]:
            raise AssertionError(f"reference calls {found['ref']}")
        return f"calls {sorted(set(found['cand']))}" if found["cand"] else None
    return proof


def grows(run_n, small=4, large=32):
    """Proof: op count grows with input size for candidate, not for reference."""
    def proof(R, C):
        rs, rl = op_count(lambda: run_n(R, small)), op_count(lambda: run_n(R, large))
        if rl > rs:
            raise AssertionError(f"reference op count grows {rs}->{rl}")
        cs, cl = op_count(lambda: run_n(C, small)), op_count(lambda: run_n(C, large))
        return f"op count {cs} at n={small}, {cl} at n={large}" if cl > cs else None
    return proof


def mutates(make, call, ignore=()):
    """Proof: candidate changes an input's values (reference doesn't)."""
    def proof(R, C):
        res = {}
        for label, M in (("ref", R), ("cand", C)):
            torch.manual_seed(0)
            inputs = make()
            before = [t.detach().clone() if isinstance(t, torch.Tensor) else None for t in inputs]
            flags = [(t.requires_grad, t.grad) if isinstance(t, torch.Tensor) else None for t in inputs]
            call(M, inputs)
            changed = []
            for i, (t, b, f) in enumerate(zip(inputs, before, flags)):
                if isinstance(t, torch.Tensor) and i not in ignore:
                    if not torch.equal(torch.nan_to_num(t.detach(), nan=7.5), torch.nan_to_num(b, nan=7.5)):
                        changed.append(f"input {i} values")
                    if t.requires_grad != f[0] or (t.grad is not None) != (f[1] is not None):
                        changed.append(f"input {i} requires_grad/.grad")
            res[label] = changed
        if res["ref"]:
            raise AssertionError(f"reference changes {res['ref']}")
        return ", ".join(res["cand"]) or None
    return proof
